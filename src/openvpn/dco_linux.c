/*
 * Linux backend of dco.h: the ovpn-dco-v2 generic netlink family (libnl-genl-3)
 * and the ovpn-dco link kind (rtnetlink through libnl-3).
 *
 * Two generic netlink sockets per interface: one for requests, which waits
 * for each reply, and one subscribed to the "peers" multicast group, which
 * the event loop polls. Keeping them apart means a reply wait can never
 * swallow a notification (OpenVPN 2.6.14 loses expiries that way).
 */
#include "dco_nl.h"

#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include "compat.h"
#include "log.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

/* A reply that does not come within this time means the module is stuck;
 * better to report it than to hang the event loop. */
#define DCO_REPLY_TIMEOUT_MS 3000
#define DCO_RXBUF 8192
#define DCO_SOCKBUF (1 << 20)

struct dco_ctx {
	struct nl_sock *req;      /* requests and their replies */
	struct nl_sock *ntf;      /* "peers" multicast group */
	struct nl_sock *rtnl;     /* link create/delete */
	int family;
	int ifindex;
	enum dco_mode mode;
	char ifname[IF_NAMESIZE];
	uint8_t rxbuf[DCO_RXBUF];
};

/* ---- building ---------------------------------------------------------------- */

void dco_nl_msg_free(struct nl_msg *m)
{
	nlmsg_free(m);
}

const void *dco_nl_msg_data(struct nl_msg *m, size_t *len)
{
	struct nlmsghdr *h = nlmsg_hdr(m);

	*len = h->nlmsg_len;
	return h;
}

/* Header plus IFINDEX, and the command's nest opened: every request starts so. */
static int build_begin(struct nl_msg **out, int family, int ifindex, uint8_t cmd,
		       int nest_type, struct nlattr **nest)
{
	struct nl_msg *m = nlmsg_alloc();

	*out = NULL;
	if (!m)
		return -ENOMEM;
	if (!genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, NLM_F_REQUEST | NLM_F_ACK,
			 cmd, 0) ||
	    nla_put_u32(m, OVPN_ATTR_IFINDEX, (uint32_t)ifindex) < 0)
		goto fail;
	/* libnl before 3.5 does not set the flag; the module's policy wants it */
	*nest = nla_nest_start(m, nest_type | NLA_F_NESTED);
	if (!*nest)
		goto fail;
	*out = m;
	return 0;
fail:
	nlmsg_free(m);
	return -ENOMEM;
}

static int build_end(struct nl_msg **out, struct nlattr *nest, int ret)
{
	if (ret == 0 && nla_nest_end(*out, nest) < 0)
		ret = -ENOMEM;
	if (ret < 0) {
		nlmsg_free(*out);
		*out = NULL;
	}
	return ret;
}

static int put_ret(int nlret)
{
	return nlret < 0 ? -ENOMEM : 0;
}

/* The module wants the raw Linux sockaddr: exactly 16 or 28 bytes. */
static int put_sockaddr(struct nl_msg *m, int type, const struct sockaddr_any *a)
{
	if (a->sa.sa_family == AF_INET)
		return put_ret(nla_put(m, type, sizeof(struct sockaddr_in), &a->in4));
	if (a->sa.sa_family == AF_INET6)
		return put_ret(nla_put(m, type, sizeof(struct sockaddr_in6), &a->in6));
	return -EINVAL;
}

int dco_nl_build_new_peer(struct nl_msg **out, int family, int ifindex,
			  const struct dco_peer *p)
{
	struct nlattr *nest;
	int ret;

	if (p->peer_id > DCO_PEER_ID_MAX || p->fd < 0)
		return -EINVAL;
	ret = build_begin(out, family, ifindex, OVPN_CMD_NEW_PEER, OVPN_ATTR_NEW_PEER, &nest);
	if (ret < 0)
		return ret;
	ret = put_ret(nla_put_u32(*out, OVPN_NEW_PEER_ATTR_PEER_ID, p->peer_id));
	if (ret == 0)
		ret = put_ret(nla_put_u32(*out, OVPN_NEW_PEER_ATTR_SOCKET, (uint32_t)p->fd));
	if (ret == 0 && p->remote)
		ret = put_sockaddr(*out, OVPN_NEW_PEER_ATTR_SOCKADDR_REMOTE, p->remote);
	/* network byte order in a u32, as the module reads it */
	if (ret == 0 && p->vpn4)
		ret = put_ret(nla_put(*out, OVPN_NEW_PEER_ATTR_IPV4, 4, p->vpn4));
	if (ret == 0 && p->vpn6)
		ret = put_ret(nla_put(*out, OVPN_NEW_PEER_ATTR_IPV6, 16, p->vpn6));
	return build_end(out, nest, ret);
}

int dco_nl_build_set_peer(struct nl_msg **out, int family, int ifindex, uint32_t peer_id,
			  uint32_t interval, uint32_t timeout)
{
	struct nlattr *nest;
	int ret = build_begin(out, family, ifindex, OVPN_CMD_SET_PEER, OVPN_ATTR_SET_PEER, &nest);

	if (ret < 0)
		return ret;
	ret = put_ret(nla_put_u32(*out, OVPN_SET_PEER_ATTR_PEER_ID, peer_id));
	if (ret == 0)
		ret = put_ret(nla_put_u32(*out, OVPN_SET_PEER_ATTR_KEEPALIVE_INTERVAL, interval));
	if (ret == 0)
		ret = put_ret(nla_put_u32(*out, OVPN_SET_PEER_ATTR_KEEPALIVE_TIMEOUT, timeout));
	return build_end(out, nest, ret);
}

int dco_nl_build_del_peer(struct nl_msg **out, int family, int ifindex, uint32_t peer_id)
{
	struct nlattr *nest;
	int ret = build_begin(out, family, ifindex, OVPN_CMD_DEL_PEER, OVPN_ATTR_DEL_PEER, &nest);

	if (ret < 0)
		return ret;
	ret = put_ret(nla_put_u32(*out, OVPN_DEL_PEER_ATTR_PEER_ID, peer_id));
	return build_end(out, nest, ret);
}

static int put_key_dir(struct nl_msg *m, int type, const struct dco_key_dir *d)
{
	struct nlattr *nest = nla_nest_start(m, type | NLA_F_NESTED);

	if (!nest)
		return -ENOMEM;
	if (nla_put(m, OVPN_KEY_DIR_ATTR_CIPHER_KEY, d->key_len, d->key) < 0 ||
	    nla_put(m, OVPN_KEY_DIR_ATTR_NONCE_TAIL, DCO_NONCE_TAIL_LEN, d->nonce_tail) < 0)
		return -ENOMEM;
	return put_ret(nla_nest_end(m, nest));
}

static bool key_len_ok(enum dco_cipher c, unsigned int len)
{
	if (c == DCO_CIPHER_AES_GCM)
		return len == 16 || len == 24 || len == 32;
	if (c == DCO_CIPHER_CHACHA20_POLY1305)
		return len == 32;
	return false;
}

int dco_nl_build_new_key(struct nl_msg **out, int family, int ifindex,
			 const struct dco_key *k)
{
	struct nlattr *nest;
	int ret;

	if (k->key_id > 7 || k->slot > DCO_SLOT_SECONDARY || !key_len_ok(k->cipher, k->enc.key_len) ||
	    k->enc.key_len != k->dec.key_len)
		return -EINVAL;
	ret = build_begin(out, family, ifindex, OVPN_CMD_NEW_KEY, OVPN_ATTR_NEW_KEY, &nest);
	if (ret < 0)
		return ret;
	ret = put_ret(nla_put_u32(*out, OVPN_NEW_KEY_ATTR_PEER_ID, k->peer_id));
	if (ret == 0)
		ret = put_ret(nla_put_u8(*out, OVPN_NEW_KEY_ATTR_KEY_SLOT, (uint8_t)k->slot));
	if (ret == 0)
		ret = put_ret(nla_put_u8(*out, OVPN_NEW_KEY_ATTR_KEY_ID, k->key_id));
	if (ret == 0)
		ret = put_ret(nla_put_u16(*out, OVPN_NEW_KEY_ATTR_CIPHER_ALG, (uint16_t)k->cipher));
	if (ret == 0)
		ret = put_key_dir(*out, OVPN_NEW_KEY_ATTR_ENCRYPT_KEY, &k->enc);
	if (ret == 0)
		ret = put_key_dir(*out, OVPN_NEW_KEY_ATTR_DECRYPT_KEY, &k->dec);
	return build_end(out, nest, ret);
}

int dco_nl_build_swap_keys(struct nl_msg **out, int family, int ifindex, uint32_t peer_id)
{
	struct nlattr *nest;
	int ret = build_begin(out, family, ifindex, OVPN_CMD_SWAP_KEYS, OVPN_ATTR_SWAP_KEYS,
			      &nest);

	if (ret < 0)
		return ret;
	ret = put_ret(nla_put_u32(*out, OVPN_SWAP_KEYS_ATTR_PEER_ID, peer_id));
	return build_end(out, nest, ret);
}

int dco_nl_build_del_key(struct nl_msg **out, int family, int ifindex, uint32_t peer_id,
			 enum dco_key_slot slot)
{
	struct nlattr *nest;
	int ret;

	if (slot > DCO_SLOT_SECONDARY)
		return -EINVAL;
	ret = build_begin(out, family, ifindex, OVPN_CMD_DEL_KEY, OVPN_ATTR_DEL_KEY, &nest);
	if (ret < 0)
		return ret;
	ret = put_ret(nla_put_u32(*out, OVPN_DEL_KEY_ATTR_PEER_ID, peer_id));
	if (ret == 0)
		ret = put_ret(nla_put_u8(*out, OVPN_DEL_KEY_ATTR_KEY_SLOT, (uint8_t)slot));
	return build_end(out, nest, ret);
}

int dco_nl_build_get_peer(struct nl_msg **out, int family, int ifindex, uint32_t peer_id)
{
	struct nlattr *nest;
	int ret = build_begin(out, family, ifindex, OVPN_CMD_GET_PEER, OVPN_ATTR_GET_PEER, &nest);

	if (ret < 0)
		return ret;
	ret = put_ret(nla_put_u32(*out, OVPN_GET_PEER_ATTR_PEER_ID, peer_id));
	return build_end(out, nest, ret);
}

/* libnl-route cannot set IFLA_INFO_DATA for a kind it does not know, so the
 * RTM_NEWLINK is built by hand. */
int dco_nl_build_newlink(struct nl_msg **out, const char *ifname, enum dco_mode mode)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nlattr *info, *data;
	struct nl_msg *m;

	*out = NULL;
	if (!ifname[0] || strlen(ifname) >= IF_NAMESIZE || mode > DCO_MODE_MP)
		return -EINVAL;
	m = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	if (!m)
		return -ENOMEM;
	if (nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(m, IFLA_IFNAME, ifname) < 0)
		goto fail;
	info = nla_nest_start(m, IFLA_LINKINFO);
	if (!info || nla_put_string(m, IFLA_INFO_KIND, OVPN_LINK_KIND) < 0)
		goto fail;
	data = nla_nest_start(m, IFLA_INFO_DATA);
	if (!data || nla_put_u8(m, IFLA_OVPN_MODE, (uint8_t)mode) < 0 ||
	    nla_nest_end(m, data) < 0 || nla_nest_end(m, info) < 0)
		goto fail;
	*out = m;
	return 0;
fail:
	nlmsg_free(m);
	return -ENOMEM;
}

int dco_nl_build_dellink(struct nl_msg **out, int ifindex)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	struct nl_msg *m;

	*out = NULL;
	if (ifindex <= 0)
		return -EINVAL;
	m = nlmsg_alloc_simple(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK);
	if (!m)
		return -ENOMEM;
	if (nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(m);
		return -ENOMEM;
	}
	*out = m;
	return 0;
}

/* ---- parsing (raw bytes, no trust) -------------------------------------------- */

struct attr {
	const uint8_t *data;
	size_t len;
};

/*
 * Index the attributes of [p, p+len) by type into tb[1..max]; types above
 * max (and type 0, padding) are skipped. Every header and payload must lie
 * inside the buffer.
 */
static int attrs_index(const uint8_t *p, size_t len, struct attr *tb, unsigned int max)
{
	memset(tb, 0, sizeof(*tb) * (max + 1));
	while (len > 0) {
		struct nlattr a;
		unsigned int type;
		size_t alen, step;

		if (len < sizeof(a))
			return -EBADMSG;
		memcpy(&a, p, sizeof(a));
		alen = a.nla_len;
		if (alen < sizeof(a) || alen > len)
			return -EBADMSG;
		type = a.nla_type & NLA_TYPE_MASK;
		if (type >= 1 && type <= max) {
			tb[type].data = p + NLA_HDRLEN;
			tb[type].len = alen - NLA_HDRLEN;
		}
		step = NLA_ALIGN(alen);
		if (step > len)
			step = len; /* the last attribute may lack its padding */
		p += step;
		len -= step;
	}
	return 0;
}

static int attr_u32(const struct attr *a, uint32_t *v)
{
	if (!a->data || a->len != 4)
		return -EBADMSG;
	memcpy(v, a->data, 4);
	return 0;
}

static int attr_u64(const struct attr *a, uint64_t *v)
{
	if (!a->data || a->len != 8)
		return -EBADMSG;
	memcpy(v, a->data, 8);
	return 0;
}

static int attr_u8(const struct attr *a, uint8_t *v)
{
	/* a u8 attribute carries one byte (padding is outside nla_len) */
	if (!a->data || a->len != 1)
		return -EBADMSG;
	*v = a->data[0];
	return 0;
}

/* The netlink and genl headers of one message of our family; on success
 * attrs and alen frame its attributes. */
static int genl_frame(const void *msg, size_t len, int family, uint8_t *cmd,
		      const uint8_t **attrs, size_t *alen)
{
	struct nlmsghdr h;
	struct genlmsghdr g;
	size_t hl = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(g));

	if (len < NLMSG_HDRLEN)
		return -EBADMSG;
	memcpy(&h, msg, sizeof(h));
	if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len)
		return -EBADMSG;
	if (h.nlmsg_type != (uint16_t)family)
		return -ENOMSG;
	if (h.nlmsg_len < hl)
		return -EBADMSG;
	memcpy(&g, (const uint8_t *)msg + NLMSG_HDRLEN, sizeof(g));
	*cmd = g.cmd;
	*attrs = (const uint8_t *)msg + hl;
	*alen = h.nlmsg_len - hl;
	return 0;
}

int dco_nl_parse_notification(const void *msg, size_t len, int family,
			      struct dco_notification *n)
{
	struct attr tb[OVPN_ATTR_MAX + 1], dp[OVPN_DEL_PEER_ATTR_MAX + 1];
	const uint8_t *attrs;
	size_t alen;
	uint8_t cmd, reason;
	int ret;

	ret = genl_frame(msg, len, family, &cmd, &attrs, &alen);
	if (ret < 0)
		return ret;
	if (cmd != OVPN_CMD_DEL_PEER)
		return -ENOMSG;
	ret = attrs_index(attrs, alen, tb, OVPN_ATTR_MAX);
	if (ret < 0)
		return ret;
	if (attr_u32(&tb[OVPN_ATTR_IFINDEX], &n->ifindex) < 0 || !tb[OVPN_ATTR_DEL_PEER].data)
		return -EBADMSG;
	ret = attrs_index(tb[OVPN_ATTR_DEL_PEER].data, tb[OVPN_ATTR_DEL_PEER].len, dp,
			  OVPN_DEL_PEER_ATTR_MAX);
	if (ret < 0)
		return ret;
	if (attr_u8(&dp[OVPN_DEL_PEER_ATTR_REASON], &reason) < 0 || reason > DCO_DEL_REASON_MAX ||
	    attr_u32(&dp[OVPN_DEL_PEER_ATTR_PEER_ID], &n->peer_id) < 0)
		return -EBADMSG;
	n->reason = (enum dco_del_reason)reason;
	return 0;
}

int dco_nl_parse_peer_stats(const void *msg, size_t len, int family,
			    struct dco_peer_stats *st)
{
	static const struct {
		uint8_t type;
		bool wide;
		size_t off;
		unsigned int bit;
	} fields[] = {
		{ OVPN_GET_PEER_RESP_ATTR_VPN_RX_BYTES, true,
		  offsetof(struct dco_peer_stats, vpn_rx_bytes), DCO_STAT_VPN_RX },
		{ OVPN_GET_PEER_RESP_ATTR_VPN_TX_BYTES, true,
		  offsetof(struct dco_peer_stats, vpn_tx_bytes), DCO_STAT_VPN_TX },
		{ OVPN_GET_PEER_RESP_ATTR_LINK_RX_BYTES, true,
		  offsetof(struct dco_peer_stats, link_rx_bytes), DCO_STAT_LINK_RX },
		{ OVPN_GET_PEER_RESP_ATTR_LINK_TX_BYTES, true,
		  offsetof(struct dco_peer_stats, link_tx_bytes), DCO_STAT_LINK_TX },
		{ OVPN_GET_PEER_RESP_ATTR_VPN_RX_PACKETS, false,
		  offsetof(struct dco_peer_stats, vpn_rx_packets), 0 },
		{ OVPN_GET_PEER_RESP_ATTR_VPN_TX_PACKETS, false,
		  offsetof(struct dco_peer_stats, vpn_tx_packets), 0 },
		{ OVPN_GET_PEER_RESP_ATTR_LINK_RX_PACKETS, false,
		  offsetof(struct dco_peer_stats, link_rx_packets), 0 },
		{ OVPN_GET_PEER_RESP_ATTR_LINK_TX_PACKETS, false,
		  offsetof(struct dco_peer_stats, link_tx_packets), 0 },
	};
	struct attr tb[OVPN_ATTR_MAX + 1], rp[OVPN_GET_PEER_RESP_ATTR_MAX + 1];
	const uint8_t *attrs;
	size_t alen, i;
	uint8_t cmd;
	int ret;

	ret = genl_frame(msg, len, family, &cmd, &attrs, &alen);
	if (ret < 0)
		return ret;
	if (cmd != OVPN_CMD_GET_PEER)
		return -ENOMSG;
	ret = attrs_index(attrs, alen, tb, OVPN_ATTR_MAX);
	if (ret == 0 && !tb[OVPN_ATTR_GET_PEER].data)
		ret = -EBADMSG;
	if (ret == 0)
		ret = attrs_index(tb[OVPN_ATTR_GET_PEER].data, tb[OVPN_ATTR_GET_PEER].len, rp,
				  OVPN_GET_PEER_RESP_ATTR_MAX);
	if (ret < 0)
		return ret;
	memset(st, 0, sizeof(*st));
	if (attr_u32(&rp[OVPN_GET_PEER_RESP_ATTR_PEER_ID], &st->peer_id) < 0)
		return -EBADMSG;
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		const struct attr *a = &rp[fields[i].type];
		void *dst = (uint8_t *)st + fields[i].off;

		if (!a->data)
			continue; /* optional: the caller sees it in `present` */
		if (fields[i].wide ? attr_u64(a, dst) : attr_u32(a, dst))
			return -EBADMSG;
		st->present |= fields[i].bit;
	}
	return 0;
}

int dco_nl_parse_error(const void *msg, size_t len, int *kernel_err, char *text,
		       size_t text_len)
{
	struct nlmsghdr h, inner;
	struct nlmsgerr e;
	size_t off, skip;

	if (text && text_len)
		text[0] = '\0';
	if (len < NLMSG_HDRLEN)
		return -EBADMSG;
	memcpy(&h, msg, sizeof(h));
	if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len)
		return -EBADMSG;
	if (h.nlmsg_type != NLMSG_ERROR)
		return -ENOMSG;
	if (h.nlmsg_len < NLMSG_HDRLEN + sizeof(e))
		return -EBADMSG;
	memcpy(&e, (const uint8_t *)msg + NLMSG_HDRLEN, sizeof(e));
	if (e.error > 0 || e.error < -4095)
		return -EBADMSG;
	*kernel_err = e.error;
	if (!(h.nlmsg_flags & NLM_F_ACK_TLVS) || !text || !text_len)
		return 0;
	/* extack TLVs follow the echoed request: its header only when capped */
	inner = e.msg;
	skip = (h.nlmsg_flags & NLM_F_CAPPED) ? sizeof(inner) : NLMSG_ALIGN(inner.nlmsg_len);
	off = NLMSG_HDRLEN + offsetof(struct nlmsgerr, msg) + skip;
	if (skip < sizeof(inner) || off > h.nlmsg_len)
		return 0; /* the error code alone is still good */
	{
		struct attr tb[NLMSGERR_ATTR_MSG + 1];

		if (attrs_index((const uint8_t *)msg + off, h.nlmsg_len - off, tb,
				NLMSGERR_ATTR_MSG) == 0 && tb[NLMSGERR_ATTR_MSG].data) {
			size_t n = strnlen((const char *)tb[NLMSGERR_ATTR_MSG].data,
					   tb[NLMSGERR_ATTR_MSG].len);

			if (n >= text_len)
				n = text_len - 1;
			memcpy(text, tb[NLMSGERR_ATTR_MSG].data, n);
			text[n] = '\0';
		}
	}
	return 0;
}

/* ---- sockets --------------------------------------------------------------------- */

static struct nl_sock *sock_open(int proto)
{
	struct nl_sock *sk = nl_socket_alloc();
	int one = 1;

	if (!sk)
		return NULL;
	if (nl_connect(sk, proto) < 0) {
		nl_socket_free(sk);
		return NULL;
	}
	/* kernel error texts ("integer out of range") make better log lines */
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return sk;
}

static void set_rcv_timeout(struct nl_sock *sk)
{
	struct timeval tv = {
		.tv_sec = DCO_REPLY_TIMEOUT_MS / 1000,
		.tv_usec = (DCO_REPLY_TIMEOUT_MS % 1000) * 1000,
	};

	setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/*
 * Send m and read until its ACK or error. A GET_PEER reply on the way is
 * parsed into stats (if not NULL). Returns 0 or the kernel's -errno.
 */
static int transact(struct nl_sock *sk, uint8_t *rx, size_t rxlen, struct nl_msg *m,
		    int family, struct dco_peer_stats *stats, const char *what)
{
	uint32_t seq;
	char text[128];
	int ret;

	ret = nl_send_auto(sk, m);
	if (ret < 0) {
		msg(M_WARN, "DCO: %s: cannot send netlink request: %s", what, nl_geterror(ret));
		return -EIO;
	}
	seq = nlmsg_hdr(m)->nlmsg_seq;
	for (;;) {
		ssize_t n = recv(nl_socket_get_fd(sk), rx, rxlen, 0);
		int left;
		struct nlmsghdr *h;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			msg(M_WARN, "DCO: %s: no reply from the kernel: %s", what, strerror(errno));
			return ret == -EAGAIN ? -ETIMEDOUT : ret;
		}
		left = (int)n;
		for (h = (struct nlmsghdr *)rx; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			int kerr;

			if (h->nlmsg_seq != seq)
				continue;
			if (dco_nl_parse_error(h, h->nlmsg_len, &kerr, text, sizeof(text)) == 0) {
				if (kerr < 0)
					msg(D_LOW, "DCO: %s: kernel says %s%s%s", what, strerror(-kerr),
					    text[0] ? ": " : "", text);
				return kerr;
			}
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (stats && dco_nl_parse_peer_stats(h, h->nlmsg_len, family, stats) == -EBADMSG) {
				msg(M_WARN, "DCO: %s: malformed reply ignored", what);
				stats->present = 0;
			}
		}
	}
}

/* Send a request the caller built (or report why it could not), free it. */
static int run(struct dco_ctx *c, int build_ret, struct nl_msg *m,
	       struct dco_peer_stats *stats, const char *what)
{
	int ret;

	if (build_ret < 0) {
		msg(M_WARN, "DCO: %s: cannot build the request: %s", what, strerror(-build_ret));
		return build_ret;
	}
	ret = transact(c->req, c->rxbuf, sizeof(c->rxbuf), m, c->family, stats, what);
	nlmsg_free(m);
	return ret;
}

/* ---- availability ------------------------------------------------------------------ */

static bool sys_module(const char *name)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return access(path, F_OK) == 0;
}

static int link_create(struct dco_ctx *c, const char *name);
static int link_delete(struct dco_ctx *c, int ifindex);

/*
 * Whether a link of kind ovpn-dco can be created: that also loads an
 * installed module (through its rtnl-link alias) where the family lookup
 * did not. Needs CAP_NET_ADMIN; costs one short-lived interface.
 */
static bool probe_by_link(void)
{
	struct dco_ctx *c = calloc(1, sizeof(*c));
	char name[IF_NAMESIZE];
	bool ok = false;

	if (!c)
		return false;
	c->rtnl = sock_open(NETLINK_ROUTE);
	if (c->rtnl) {
		set_rcv_timeout(c->rtnl);
		snprintf(name, sizeof(name), "dcoprobe%u", (unsigned int)getpid() % 100000u);
		if (link_create(c, name) == 0) {
			ok = true;
			link_delete(c, (int)if_nametoindex(name));
		}
		nl_socket_free(c->rtnl);
	}
	free(c);
	return ok;
}

void dco_backend_probe(struct dco_probe *p)
{
	struct nl_sock *sk = sock_open(NETLINK_GENERIC);
	bool by_link = false;

	memset(p, 0, sizeof(*p));
	snprintf(p->needed, sizeof(p->needed),
		 "generic netlink family '%s' (module ovpn-dco-v2.ko, Debian package "
		 "openvpn-dco-dkms)", OVPN_NL_NAME);
	if (!sk) {
		p->avail = DCO_PROBE_FAILED;
		snprintf(p->found, sizeof(p->found), "cannot open a generic netlink socket");
		return;
	}
	/* resolving the name also loads an installed module (its alias) */
	if (genl_ctrl_resolve(sk, OVPN_NL_NAME) < 0)
		by_link = probe_by_link();
	if (genl_ctrl_resolve(sk, OVPN_NL_NAME) >= 0) {
		p->avail = DCO_AVAILABLE;
		snprintf(p->found, sizeof(p->found), "generic netlink family '%s'%s", OVPN_NL_NAME,
			 by_link ? " (loaded through its link kind)" : "");
	} else if (genl_ctrl_resolve(sk, OVPN_NL_NAME_V1) >= 0) {
		p->avail = DCO_OTHER_GENERATION;
		snprintf(p->found, sizeof(p->found), "generic netlink family '%s' (the older "
			 "ovpn-dco v1 module of OpenVPN 2.6.0/2.6.1)", OVPN_NL_NAME_V1);
	} else if (genl_ctrl_resolve(sk, OVPN_NL_NAME_INTREE) >= 0 || sys_module("ovpn")) {
		p->avail = DCO_OTHER_GENERATION;
		snprintf(p->found, sizeof(p->found), "generic netlink family '%s' (the in-tree "
			 "Linux ovpn driver, 6.16+, spoken by OpenVPN 2.7)", OVPN_NL_NAME_INTREE);
	} else {
		p->avail = DCO_MISSING;
		snprintf(p->found, sizeof(p->found), "no ovpn-dco module (neither '%s' nor an "
			 "older or newer generation)", OVPN_NL_NAME);
	}
	nl_socket_free(sk);
}

/* ---- the interface ------------------------------------------------------------------ */

/*
 * Kind of an existing interface ("" if it has none), via libnl-route. On a
 * socket of its own: transact() reads replies itself, so libnl's sequence
 * bookkeeping on the context's sockets no longer matches what it expects.
 */
static int link_kind(const char *ifname, char *kind, size_t len)
{
	struct nl_sock *sk = sock_open(NETLINK_ROUTE);
	struct rtnl_link *l = NULL;
	const char *t;
	int ret;

	kind[0] = '\0';
	if (!sk)
		return -ENOMEM;
	set_rcv_timeout(sk);
	ret = rtnl_link_get_kernel(sk, 0, ifname, &l);
	if (ret < 0) {
		msg(D_LOW, "DCO: cannot read interface %s: %s", ifname, nl_geterror(ret));
		ret = ret == -NLE_OBJ_NOTFOUND || ret == -NLE_NODEV ? -ENODEV : -EIO;
		goto out;
	}
	t = rtnl_link_get_type(l);
	if (t)
		snprintf(kind, len, "%s", t);
	rtnl_link_put(l);
out:
	nl_socket_free(sk);
	return ret;
}

static int link_create(struct dco_ctx *c, const char *name)
{
	struct nl_msg *m;
	int ret = dco_nl_build_newlink(&m, name, c->mode);

	if (ret < 0)
		return ret;
	ret = transact(c->rtnl, c->rxbuf, sizeof(c->rxbuf), m, 0, NULL, "create interface");
	nlmsg_free(m);
	return ret;
}

static int link_delete(struct dco_ctx *c, int ifindex)
{
	struct nl_msg *m;
	int ret = dco_nl_build_dellink(&m, ifindex);

	if (ret < 0)
		return ret;
	ret = transact(c->rtnl, c->rxbuf, sizeof(c->rxbuf), m, 0, NULL, "delete interface");
	nlmsg_free(m);
	return ret;
}

static bool has_digit(const char *s)
{
	for (; *s; s++)
		if (isdigit((unsigned char)*s))
			return true;
	return false;
}

/* An exact name: create it; a leftover ovpn-dco interface of that name
 * (a crashed daemon's, still holding its old peer) is replaced. */
static int create_fixed(struct dco_ctx *c, const char *name)
{
	char kind[32];
	int ret = link_create(c, name);

	if (ret != -EEXIST)
		goto out;
	ret = link_kind(name, kind, sizeof(kind));
	if (ret < 0)
		goto out;
	if (strcmp(kind, OVPN_LINK_KIND) != 0) {
		msg(M_WARN, "DCO: interface %s exists and is not an ovpn-dco device (kind '%s')",
		    name, kind[0] ? kind : "none");
		ret = -EEXIST;
		goto out;
	}
	msg(M_INFO, "DCO: replacing leftover ovpn-dco interface %s", name);
	ret = link_delete(c, (int)if_nametoindex(name));
	if (ret == 0)
		ret = link_create(c, name);
out:
	if (ret == 0)
		snprintf(c->ifname, sizeof(c->ifname), "%s", name);
	return ret;
}

/* "tun": the first free tun0..tun255, as tun devices are named. */
static int create_dynamic(struct dco_ctx *c, const char *base)
{
	char name[IF_NAMESIZE];
	int i, ret = -ENOSPC;

	for (i = 0; i < 256; i++) {
		if (snprintf(name, sizeof(name), "%s%d", base, i) >= (int)sizeof(name))
			return -EINVAL;
		ret = link_create(c, name);
		if (ret == 0) {
			snprintf(c->ifname, sizeof(c->ifname), "%s", name);
			return 0;
		}
		if (ret != -EEXIST)
			return ret; /* EPERM, EOPNOTSUPP: no other name will do better */
	}
	return ret;
}

static int join_peers_group(struct dco_ctx *c)
{
	int grp = genl_ctrl_resolve_grp(c->req, OVPN_NL_NAME, OVPN_NL_MCGRP_PEERS);
	int size = DCO_SOCKBUF;

	if (grp < 0) {
		msg(M_WARN, "DCO: cannot resolve multicast group '%s': %s", OVPN_NL_MCGRP_PEERS,
		    nl_geterror(grp));
		return -ENOENT;
	}
	c->ntf = sock_open(NETLINK_GENERIC);
	if (!c->ntf)
		return -ENOMEM;
	/* a burst of deletions (server shutdown) must not overflow the queue */
	setsockopt(nl_socket_get_fd(c->ntf), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (nl_socket_add_membership(c->ntf, grp) < 0 || nl_socket_set_nonblocking(c->ntf) < 0) {
		msg(M_WARN, "DCO: cannot join multicast group '%s'", OVPN_NL_MCGRP_PEERS);
		return -EIO;
	}
	return 0;
}

int dco_open(struct dco_ctx **out, const char *ifname, enum dco_mode mode)
{
	struct dco_ctx *c = calloc(1, sizeof(*c));
	const char *name = ifname ? ifname : "tun";
	int ret = -ENOMEM;

	*out = NULL;
	if (!c)
		return -ENOMEM;
	c->mode = mode;
	c->req = sock_open(NETLINK_GENERIC);
	c->rtnl = sock_open(NETLINK_ROUTE);
	if (!c->req || !c->rtnl)
		goto out;
	set_rcv_timeout(c->req);
	set_rcv_timeout(c->rtnl);
	c->family = genl_ctrl_resolve(c->req, OVPN_NL_NAME);
	if (c->family < 0) {
		msg(M_WARN, "DCO: generic netlink family '%s' not found: %s", OVPN_NL_NAME,
		    nl_geterror(c->family));
		ret = -ENOENT;
		goto out;
	}
	ret = has_digit(name) ? create_fixed(c, name) : create_dynamic(c, name);
	if (ret < 0) {
		msg(M_WARN, "DCO: cannot create ovpn-dco interface %s: %s", name, strerror(-ret));
		goto out;
	}
	c->ifindex = (int)if_nametoindex(c->ifname);
	if (c->ifindex <= 0) {
		msg(M_WARN, "DCO: cannot retrieve ifindex for interface %s", c->ifname);
		ret = -ENODEV;
		goto out;
	}
	ret = join_peers_group(c);
out:
	if (ret < 0) {
		dco_close(c);
		return ret;
	}
	*out = c;
	return 0;
}

void dco_close(struct dco_ctx *c)
{
	if (!c)
		return;
	if (c->ifindex > 0 && c->rtnl && dco_link_present(c))
		link_delete(c, c->ifindex);
	if (c->ntf)
		nl_socket_free(c->ntf);
	if (c->req)
		nl_socket_free(c->req);
	if (c->rtnl)
		nl_socket_free(c->rtnl);
	free(c);
}

int dco_ifindex(const struct dco_ctx *c)
{
	return c->ifindex;
}

const char *dco_ifname(const struct dco_ctx *c)
{
	return c->ifname;
}

int dco_notify_fd(const struct dco_ctx *c)
{
	return c->ntf ? nl_socket_get_fd(c->ntf) : -1;
}

int dco_notify_read(struct dco_ctx *c, dco_notify_fn fn, void *arg)
{
	int delivered = 0;

	for (;;) {
		ssize_t n = recv(nl_socket_get_fd(c->ntf), c->rxbuf, sizeof(c->rxbuf), MSG_DONTWAIT);
		struct nlmsghdr *h;
		int left;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return delivered;
		if (n < 0)
			return -errno; /* ENOBUFS: some were lost; the caller re-checks */
		left = (int)n;
		for (h = (struct nlmsghdr *)c->rxbuf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			struct dco_notification note;
			int ret = dco_nl_parse_notification(h, h->nlmsg_len, c->family, &note);

			if (ret == -EBADMSG)
				msg(D_LOW, "DCO: malformed notification dropped");
			if (ret < 0 || note.ifindex != (uint32_t)c->ifindex)
				continue; /* every ovpn-dco interface of the netns reports here */
			fn(arg, &note);
			delivered++;
		}
	}
}

int dco_new_peer(struct dco_ctx *c, const struct dco_peer *p)
{
	struct nl_msg *m;
	int ret = dco_nl_build_new_peer(&m, c->family, c->ifindex, p);

	return run(c, ret, m, NULL, "new peer");
}

int dco_del_peer(struct dco_ctx *c, uint32_t peer_id)
{
	struct nl_msg *m;
	int ret = dco_nl_build_del_peer(&m, c->family, c->ifindex, peer_id);

	return run(c, ret, m, NULL, "delete peer");
}

int dco_set_keepalive(struct dco_ctx *c, uint32_t peer_id, uint32_t interval_s,
		      uint32_t timeout_s)
{
	struct nl_msg *m;
	int ret = dco_nl_build_set_peer(&m, c->family, c->ifindex, peer_id, interval_s,
					timeout_s);

	return run(c, ret, m, NULL, "set peer");
}

int dco_new_key(struct dco_ctx *c, const struct dco_key *k)
{
	struct nl_msg *m;
	int ret = dco_nl_build_new_key(&m, c->family, c->ifindex, k);

	if (ret < 0)
		return run(c, ret, m, NULL, "new key");
	ret = transact(c->req, c->rxbuf, sizeof(c->rxbuf), m, c->family, NULL, "new key");
	/* the message held key material: wipe it before libnl frees it */
	memset(nlmsg_hdr(m), 0, nlmsg_hdr(m)->nlmsg_len);
	nlmsg_free(m);
	return ret;
}

int dco_swap_keys(struct dco_ctx *c, uint32_t peer_id)
{
	struct nl_msg *m;
	int ret = dco_nl_build_swap_keys(&m, c->family, c->ifindex, peer_id);

	return run(c, ret, m, NULL, "swap keys");
}

int dco_del_key(struct dco_ctx *c, uint32_t peer_id, enum dco_key_slot slot)
{
	struct nl_msg *m;
	int ret = dco_nl_build_del_key(&m, c->family, c->ifindex, peer_id, slot);

	return run(c, ret, m, NULL, "delete key");
}

int dco_get_peer_stats(struct dco_ctx *c, uint32_t peer_id, struct dco_peer_stats *st)
{
	struct nl_msg *m;
	int ret = dco_nl_build_get_peer(&m, c->family, c->ifindex, peer_id);

	memset(st, 0, sizeof(*st));
	ret = run(c, ret, m, st, "get peer");
	if (ret == 0 && st->peer_id != peer_id)
		ret = -EBADMSG; /* no reply, or one for someone else */
	return ret;
}

bool dco_link_present(const struct dco_ctx *c)
{
	char name[IF_NAMESIZE];

	return c->ifindex > 0 && if_indextoname((unsigned int)c->ifindex, name) &&
	       strcmp(name, c->ifname) == 0;
}

int dco_peer_check(struct dco_ctx *c, uint32_t peer_id)
{
	struct dco_peer_stats st;
	int ret;

	if (!dco_link_present(c))
		return -ENODEV;
	ret = dco_get_peer_stats(c, peer_id, &st);
	/* the interface may have gone between the two questions */
	if (ret == -ENODEV || (ret < 0 && !dco_link_present(c)))
		return -ENODEV;
	return ret;
}
