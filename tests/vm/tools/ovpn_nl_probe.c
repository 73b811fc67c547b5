// SPDX-License-Identifier: GPL-2.0-only
/*
 * ovpn_nl_probe IFNAME: sends well-formed and malformed requests of the
 * "ovpn-dco-v2" generic netlink family to the ovpn-dco interface IFNAME
 * (P2P mode) and checks each answer's errno. Raw netlink, no libnl, so
 * that malformed messages can be built at will. Prints one line per case
 * and exits 1 if any answer was unexpected.
 *
 * ovpn_nl_probe IFNAME gone: only checks that requests for IFNAME's old
 * index fail with ENODEV once the interface is deleted (index in argv[3]).
 *
 * ovpn_nl_probe IFNAME del-peer ID | add-peer ID VPN4: one request from a
 * process that does not own the interface (MP mode for add-peer); exit 0
 * when the kernel accepted it.
 *
 * Helpers for scenarios that build a data path without a daemon:
 *   ovpn_nl_probe - newlink NAME p2p|mp
 *	creates an ovpn-dco interface in the given mode (rtnetlink);
 *   ovpn_nl_probe IFNAME udp-peer ID LOCAL LPORT REMOTE RPORT [VPN4]
 *	binds a UDP socket to LOCAL:LPORT and hands it over as peer ID
 *	with the endpoint REMOTE:RPORT (and VPN address VPN4), then installs
 *	a fixed AES-256-GCM key (all zeros, the same in both directions) as
 *	the primary key with key id 0. The kernel keeps the socket after we
 *	exit.
 *   ovpn_nl_probe IFNAME tcp-release
 *	on a loopback TCP connection handed over as peer 1 (P2P), sends
 *	three control records and the start of a fourth, reads the first
 *	through the socket, deletes the peer and checks that the socket is
 *	plain TCP again with nothing of the old records left in it (the
 *	module drops and counts the rest).
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "../../../ovpn-dco/include/uapi/linux/ovpn_dco.h"

struct msg {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char buf[1024];
};

static int nl_fd;
static uint16_t family;
static uint32_t seq;
static int failures;
static struct nlattr *nests[4];
static int depth;

static void msg_init(struct msg *m, uint16_t type, uint8_t cmd, uint16_t flags)
{
	memset(m, 0, sizeof(*m));
	m->nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->nh.nlmsg_type = type;
	m->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	m->nh.nlmsg_seq = ++seq;
	m->gh.cmd = cmd;
	m->gh.version = 0;
}

static struct nlattr *put(struct msg *m, uint16_t type, const void *data,
			  size_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)m + NLMSG_ALIGN(m->nh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	m->nh.nlmsg_len = NLMSG_ALIGN(m->nh.nlmsg_len) + NLA_ALIGN(a->nla_len);
	return a;
}

static void put_u32(struct msg *m, uint16_t type, uint32_t v)
{
	put(m, type, &v, sizeof(v));
}

static void put_u16(struct msg *m, uint16_t type, uint16_t v)
{
	put(m, type, &v, sizeof(v));
}

static void put_u8(struct msg *m, uint16_t type, uint8_t v)
{
	put(m, type, &v, sizeof(v));
}

static void nest_start(struct msg *m, uint16_t type, int flag)
{
	nests[depth++] = put(m, type | (flag ? NLA_F_NESTED : 0), NULL, 0);
}

static void nest_end(struct msg *m)
{
	struct nlattr *a = nests[--depth];

	a->nla_len = (char *)m + m->nh.nlmsg_len - (char *)a;
}

/* sends @m, returns the errno of the ACK (0) or error; replies are skipped */
static int xfer(struct msg *m)
{
	char rbuf[8192];
	ssize_t n;

	if (send(nl_fd, m, m->nh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *h;

		n = recv(nl_fd, rbuf, sizeof(rbuf), 0);
		if (n < 0)
			return -errno;
		for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != m->nh.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
		}
	}
}

static void expect(const char *what, int got, int want)
{
	int ok = want == 1 ? got < 0 : got == want;

	printf("%s: %s (got %d %s)\n", ok ? "ok" : "FAIL", what, got,
	       got ? strerror(-got) : "");
	if (!ok)
		failures++;
}

static uint16_t resolve_family(void)
{
	struct msg m;
	char rbuf[8192];
	struct nlmsghdr *h;
	ssize_t n;

	msg_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	m.nh.nlmsg_flags = NLM_F_REQUEST;
	m.gh.version = 1;
	put(&m, CTRL_ATTR_FAMILY_NAME, OVPN_NL_NAME, sizeof(OVPN_NL_NAME));
	if (send(nl_fd, &m, m.nh.nlmsg_len, 0) < 0)
		return 0;
	n = recv(nl_fd, rbuf, sizeof(rbuf), 0);
	h = (struct nlmsghdr *)rbuf;
	if (n <= 0 || !NLMSG_OK(h, n) || h->nlmsg_type == NLMSG_ERROR)
		return 0;
	{
		struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
		int len = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

		while (len >= NLA_HDRLEN) {
			if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
				return *(uint16_t *)((char *)a + NLA_HDRLEN);
			len -= NLA_ALIGN(a->nla_len);
			a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
		}
	}
	return 0;
}

static int new_peer(uint32_t ifindex, uint32_t id, int fd, int with_remote)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(1194),
				   .sin_addr.s_addr = htonl(0x7f000001) };
	struct msg m;

	msg_init(&m, family, OVPN_CMD_NEW_PEER, 0);
	put_u32(&m, OVPN_ATTR_IFINDEX, ifindex);
	nest_start(&m, OVPN_ATTR_NEW_PEER, 1);
	put_u32(&m, OVPN_NEW_PEER_ATTR_PEER_ID, id);
	put_u32(&m, OVPN_NEW_PEER_ATTR_SOCKET, fd);
	if (with_remote)
		put(&m, OVPN_NEW_PEER_ATTR_SOCKADDR_REMOTE, &sin, sizeof(sin));
	nest_end(&m);
	return xfer(&m);
}

static int simple(uint32_t ifindex, uint8_t cmd, uint16_t nest, uint32_t id)
{
	struct msg m;

	msg_init(&m, family, cmd, 0);
	put_u32(&m, OVPN_ATTR_IFINDEX, ifindex);
	nest_start(&m, nest, 1);
	put_u32(&m, 1, id);	/* PEER_ID is 1 in GET/SWAP/SET; 2 in DEL_PEER */
	nest_end(&m);
	return xfer(&m);
}

static int del_peer(uint32_t ifindex, uint32_t id)
{
	struct msg m;

	msg_init(&m, family, OVPN_CMD_DEL_PEER, 0);
	put_u32(&m, OVPN_ATTR_IFINDEX, ifindex);
	nest_start(&m, OVPN_ATTR_DEL_PEER, 1);
	put_u32(&m, OVPN_DEL_PEER_ATTR_PEER_ID, id);
	nest_end(&m);
	return xfer(&m);
}

/* NEW_KEY with the given pieces; klen 0 leaves the encrypt key out */
static int new_key(uint32_t ifindex, uint32_t id, uint8_t slot, uint16_t alg,
		   size_t klen, size_t tail)
{
	static const uint8_t key[64];
	struct msg m;
	int dir;

	msg_init(&m, family, OVPN_CMD_NEW_KEY, 0);
	put_u32(&m, OVPN_ATTR_IFINDEX, ifindex);
	nest_start(&m, OVPN_ATTR_NEW_KEY, 1);
	put_u32(&m, OVPN_NEW_KEY_ATTR_PEER_ID, id);
	put_u8(&m, OVPN_NEW_KEY_ATTR_KEY_SLOT, slot);
	put_u8(&m, OVPN_NEW_KEY_ATTR_KEY_ID, 0);
	put_u16(&m, OVPN_NEW_KEY_ATTR_CIPHER_ALG, alg);
	for (dir = OVPN_NEW_KEY_ATTR_ENCRYPT_KEY;
	     dir <= OVPN_NEW_KEY_ATTR_DECRYPT_KEY; dir++) {
		if (!klen && dir == OVPN_NEW_KEY_ATTR_ENCRYPT_KEY)
			continue;
		nest_start(&m, dir, 1);
		put(&m, OVPN_KEY_DIR_ATTR_CIPHER_KEY, key, klen ? klen : 32);
		put(&m, OVPN_KEY_DIR_ATTR_NONCE_TAIL, key, tail);
		nest_end(&m);
	}
	nest_end(&m);
	return xfer(&m);
}

static void probe_malformed(uint32_t ifx)
{
	struct msg m;

	msg_init(&m, family, OVPN_CMD_NEW_PEER, 0);
	expect("NEW_PEER without IFINDEX", xfer(&m), -EINVAL);

	msg_init(&m, family, OVPN_CMD_GET_PEER, 0);
	put_u32(&m, OVPN_ATTR_IFINDEX, 1);
	expect("GET_PEER on lo (not ovpn-dco)", xfer(&m), -EINVAL);

	msg_init(&m, family, OVPN_CMD_GET_PEER, 0);
	put_u32(&m, OVPN_ATTR_IFINDEX, 0x7ffffff0);
	expect("GET_PEER on a missing ifindex", xfer(&m), -ENODEV);

	msg_init(&m, family, OVPN_CMD_NEW_PEER, 0);
	put_u32(&m, OVPN_ATTR_IFINDEX, ifx);
	expect("NEW_PEER without its nest", xfer(&m), -EINVAL);

	msg_init(&m, family, OVPN_CMD_NEW_PEER, 0);
	put_u16(&m, OVPN_ATTR_IFINDEX, 1);
	expect("IFINDEX of 2 bytes", xfer(&m), -EINVAL);

	msg_init(&m, family, OVPN_CMD_GET_PEER, 0);
	put_u32(&m, OVPN_ATTR_IFINDEX, ifx);
	put_u32(&m, 9, 0);
	expect("unknown top-level attribute 9", xfer(&m), -EINVAL);

	msg_init(&m, family, OVPN_CMD_NEW_PEER, 0);
	put_u32(&m, OVPN_ATTR_IFINDEX, ifx);
	nest_start(&m, OVPN_ATTR_NEW_PEER, 1);
	put_u32(&m, OVPN_NEW_PEER_ATTR_PEER_ID, 1);
	nest_end(&m);
	expect("NEW_PEER without SOCKET", xfer(&m), -EINVAL);

	msg_init(&m, family, OVPN_CMD_NEW_PEER, 0);
	put_u32(&m, OVPN_ATTR_IFINDEX, ifx);
	nest_start(&m, OVPN_ATTR_NEW_PEER, 0);
	put_u32(&m, OVPN_NEW_PEER_ATTR_PEER_ID, 1);
	put_u32(&m, OVPN_NEW_PEER_ATTR_SOCKET, 0);
	nest_end(&m);
	expect("nest without NLA_F_NESTED", xfer(&m), 1);

	msg_init(&m, family, OVPN_CMD_NEW_PEER, 0);
	put_u32(&m, OVPN_ATTR_IFINDEX, ifx);
	nest_start(&m, OVPN_ATTR_NEW_PEER, 1);
	put_u32(&m, OVPN_NEW_PEER_ATTR_PEER_ID, 1);
	put_u32(&m, OVPN_NEW_PEER_ATTR_SOCKET, 0);
	put(&m, OVPN_NEW_PEER_ATTR_SOCKADDR_REMOTE, "0123456789abcdefghij", 20);
	nest_end(&m);
	expect("sockaddr of 20 bytes", xfer(&m), 1);

	expect("NEW_PEER with a bad descriptor", new_peer(ifx, 1, 987, 1),
	       -ENOTSOCK);
	expect("NEW_PEER with stdin (not a socket)", new_peer(ifx, 1, 0, 1),
	       -ENOTSOCK);
}

static void probe_peer(uint32_t ifx)
{
	int udp = socket(AF_INET, SOCK_DGRAM, 0);
	int tcp = socket(AF_INET, SOCK_STREAM, 0);
	int unx = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_in any = { .sin_family = AF_INET };
	int i;

	bind(udp, (struct sockaddr *)&any, sizeof(any));
	expect("NEW_PEER with an AF_UNIX socket", new_peer(ifx, 1, unx, 1),
	       -ENOTSOCK);
	expect("NEW_PEER with an unconnected TCP socket",
	       new_peer(ifx, 1, tcp, 1), -ENOTSOCK);
	expect("NEW_PEER UDP without remote", new_peer(ifx, 1, udp, 0),
	       -EINVAL);
	expect("GET_PEER of peer 0xffffffff", simple(ifx, OVPN_CMD_GET_PEER,
	       OVPN_ATTR_GET_PEER, 0xffffffff), -ENOENT);
	expect("NEW_PEER UDP", new_peer(ifx, 7, udp, 1), 0);
	expect("NEW_PEER UDP again (P2P replaces)", new_peer(ifx, 8, udp, 1), 0);
	expect("GET_PEER of the replaced peer", simple(ifx, OVPN_CMD_GET_PEER,
	       OVPN_ATTR_GET_PEER, 7), -ENOENT);
	expect("GET_PEER", simple(ifx, OVPN_CMD_GET_PEER, OVPN_ATTR_GET_PEER, 8),
	       0);
	expect("NEW_KEY on an unknown peer", new_key(ifx, 9, 0, 1, 32, 8),
	       -ENOENT);
	expect("NEW_KEY slot 2", new_key(ifx, 8, 2, 1, 32, 8), -ERANGE);
	expect("NEW_KEY cipher NONE", new_key(ifx, 8, 0, 0, 32, 8), -EINVAL);
	expect("NEW_KEY cipher 3", new_key(ifx, 8, 0, 3, 32, 8), -EINVAL);
	expect("NEW_KEY AES with a 20-byte key", new_key(ifx, 8, 0, 1, 20, 8),
	       -EINVAL);
	expect("NEW_KEY nonce tail of 7", new_key(ifx, 8, 0, 1, 32, 7),
	       -ERANGE);
	expect("NEW_KEY without encrypt key", new_key(ifx, 8, 0, 1, 0, 8),
	       -EINVAL);
	expect("NEW_KEY AES-256 primary", new_key(ifx, 8, 0, 1, 32, 8), 0);
	expect("NEW_KEY ChaCha secondary", new_key(ifx, 8, 1, 2, 32, 8), 0);
	expect("SWAP_KEYS", simple(ifx, OVPN_CMD_SWAP_KEYS,
	       OVPN_ATTR_SWAP_KEYS, 8), 0);
	expect("SWAP_KEYS unknown peer", simple(ifx, OVPN_CMD_SWAP_KEYS,
	       OVPN_ATTR_SWAP_KEYS, 9), -ENOENT);
	expect("SET_PEER with interval only", simple(ifx, OVPN_CMD_SET_PEER,
	       OVPN_ATTR_SET_PEER, 8), 0);
	for (i = 0; i < 200; i++) {
		if (new_peer(ifx, 100 + i, udp, 1) ||
		    new_key(ifx, 100 + i, 0, 1, 16, 8) ||
		    del_peer(ifx, 100 + i))
			break;
	}
	expect("200 x NEW_PEER/NEW_KEY/DEL_PEER", i == 200 ? 0 : -EIO, 0);
	expect("DEL_PEER of a deleted peer", del_peer(ifx, 299), -ENOENT);
	expect("NEW_PEER UDP for the teardown", new_peer(ifx, 5, udp, 1), 0);
	close(udp);
	close(tcp);
	close(unx);
}

/*
 * Meddling on behalf of the daemon tests: a peer added or deleted by
 * another process than the daemon that owns the interface.
 * MP mode needs a VPN address with NEW_PEER.
 */
static int add_peer_mp(uint32_t ifindex, uint32_t id, const char *vpn4)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(1194),
				   .sin_addr.s_addr = htonl(0x7f000001) };
	struct in_addr a;
	struct msg m;
	int udp = socket(AF_INET, SOCK_DGRAM, 0);
	int ret;

	if (udp < 0 || inet_pton(AF_INET, vpn4, &a) != 1)
		return -EINVAL;
	msg_init(&m, family, OVPN_CMD_NEW_PEER, 0);
	put_u32(&m, OVPN_ATTR_IFINDEX, ifindex);
	nest_start(&m, OVPN_ATTR_NEW_PEER, 1);
	put_u32(&m, OVPN_NEW_PEER_ATTR_PEER_ID, id);
	put_u32(&m, OVPN_NEW_PEER_ATTR_SOCKET, udp);
	put(&m, OVPN_NEW_PEER_ATTR_SOCKADDR_REMOTE, &sin, sizeof(sin));
	put(&m, OVPN_NEW_PEER_ATTR_IPV4, &a.s_addr, sizeof(a.s_addr));
	nest_end(&m);
	ret = xfer(&m);
	close(udp); /* the kernel holds its own reference */
	return ret;
}

static int meddle(uint32_t ifx, int argc, char **argv)
{
	const char *cmd = argv[2];
	uint32_t id = strtoul(argv[3], NULL, 10);
	int ret;

	if (!strcmp(cmd, "del-peer"))
		ret = del_peer(ifx, id);
	else if (!strcmp(cmd, "add-peer") && argc > 4)
		ret = add_peer_mp(ifx, id, argv[4]);
	else
		return 2;
	printf("%s %u: %s\n", cmd, id, ret ? strerror(-ret) : "ok");
	return ret ? 1 : 0;
}

/* RTM_NEWLINK of an ovpn-dco interface; 0 or -errno */
static int new_link(const char *name, uint8_t mode)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct msg m;
	int fd, err, save = nl_fd;

	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -errno;
	/* an ifinfomsg takes the place of the genl header and more */
	memset(&m, 0, sizeof(m));
	m.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	m.nh.nlmsg_type = RTM_NEWLINK;
	m.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	m.nh.nlmsg_seq = ++seq;
	put(&m, IFLA_IFNAME, name, strlen(name) + 1);
	nest_start(&m, IFLA_LINKINFO, 0);
	put(&m, IFLA_INFO_KIND, "ovpn-dco", sizeof("ovpn-dco"));
	nest_start(&m, IFLA_INFO_DATA, 0);
	put_u8(&m, IFLA_OVPN_MODE, mode);
	nest_end(&m);
	nest_end(&m);
	nl_fd = fd;
	err = xfer(&m);
	nl_fd = save;
	close(fd);
	return err;
}

/* the udp-peer helper; see the top of the file */
static int udp_peer(uint32_t ifx, char **arg, int n)
{
	struct sockaddr_in local = { .sin_family = AF_INET };
	struct sockaddr_in remote = { .sin_family = AF_INET };
	struct in_addr vpn4 = { 0 };
	uint32_t id;
	struct msg m;
	int fd, err;

	if (n < 5 || !inet_aton(arg[1], &local.sin_addr) ||
	    !inet_aton(arg[3], &remote.sin_addr) ||
	    (n > 5 && !inet_aton(arg[5], &vpn4))) {
		fprintf(stderr, "udp-peer ID LOCAL LPORT REMOTE RPORT [VPN4]\n");
		return 2;
	}
	id = strtoul(arg[0], NULL, 0);
	local.sin_port = htons(atoi(arg[2]));
	remote.sin_port = htons(atoi(arg[4]));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&local, sizeof(local))) {
		perror("udp socket");
		return 1;
	}
	msg_init(&m, family, OVPN_CMD_NEW_PEER, 0);
	put_u32(&m, OVPN_ATTR_IFINDEX, ifx);
	nest_start(&m, OVPN_ATTR_NEW_PEER, 1);
	put_u32(&m, OVPN_NEW_PEER_ATTR_PEER_ID, id);
	put_u32(&m, OVPN_NEW_PEER_ATTR_SOCKET, fd);
	put(&m, OVPN_NEW_PEER_ATTR_SOCKADDR_REMOTE, &remote, sizeof(remote));
	if (vpn4.s_addr)
		put(&m, OVPN_NEW_PEER_ATTR_IPV4, &vpn4, sizeof(vpn4));
	nest_end(&m);
	err = xfer(&m);
	expect("NEW_PEER", err, 0);
	if (!err)
		expect("NEW_KEY", new_key(ifx, id, OVPN_KEY_SLOT_PRIMARY,
					  OVPN_CIPHER_ALG_AES_GCM, 32, 8), 0);
	close(fd);
	return failures ? 1 : 0;
}

/* a control record: 2-byte length, P_CONTROL_V1 opcode, @n - 1 bytes @fill */
static size_t ctl_record(uint8_t *buf, size_t n, uint8_t fill)
{
	buf[0] = n >> 8;
	buf[1] = n & 0xff;
	buf[2] = 4 << 3;
	memset(buf + 3, fill, n - 1);
	return n + 2;
}

static int tcp_release(uint32_t ifx)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(0x7f000001) };
	socklen_t slen = sizeof(sin);
	uint8_t out[256], in[256], want[64];
	struct pollfd pfd;
	int lsn, cli, srv;
	size_t len = 0;
	ssize_t n;

	lsn = socket(AF_INET, SOCK_STREAM, 0);
	cli = socket(AF_INET, SOCK_STREAM, 0);
	if (lsn < 0 || cli < 0 || bind(lsn, (struct sockaddr *)&sin, sizeof(sin)) ||
	    listen(lsn, 1) || getsockname(lsn, (struct sockaddr *)&sin, &slen) ||
	    connect(cli, (struct sockaddr *)&sin, sizeof(sin))) {
		perror("loopback TCP");
		return 1;
	}
	srv = accept(lsn, NULL, NULL);
	if (srv < 0) {
		perror("accept");
		return 1;
	}
	expect("NEW_PEER on a connected TCP socket", new_peer(ifx, 1, cli, 0), 0);
	len += ctl_record(out + len, 20, 0xa1);
	len += ctl_record(out + len, 30, 0xa2);
	len += ctl_record(out + len, 40, 0xa3);
	/* a fourth record's prefix and 3 of its 50 bytes */
	len += ctl_record(out + len, 50, 0xa4) - 47;
	if (write(srv, out, len) != (ssize_t)len) {
		perror("write");
		return 1;
	}
	pfd.fd = cli;
	pfd.events = POLLIN;
	expect("poll: a control record is readable",
	       poll(&pfd, 1, 2000) == 1 ? 0 : -ETIMEDOUT, 0);
	usleep(200000);	/* let the parser take the rest */
	n = recv(cli, in, 22, MSG_DONTWAIT);
	ctl_record(want, 20, 0xa1);
	expect("first control record read back intact",
	       n == 22 && !memcmp(in, want, 22) ? 0 : -EIO, 0);
	expect("DEL_PEER", del_peer(ifx, 1), 0);
	usleep(200000);	/* the peer is released from a workqueue */
	n = recv(cli, in, sizeof(in), MSG_DONTWAIT);
	expect("socket is plain TCP with nothing left of the records",
	       n < 0 && errno == EAGAIN ? 0 : -EIO, 0);
	/* and works as such: what the other end sends now arrives as is */
	if (write(srv, "after", 5) != 5)
		perror("write");
	pfd.events = POLLIN;
	poll(&pfd, 1, 2000);
	n = recv(cli, in, sizeof(in), MSG_DONTWAIT);
	expect("plain TCP data after the release",
	       n == 5 && !memcmp(in, "after", 5) ? 0 : -EIO, 0);
	close(srv);
	close(cli);
	close(lsn);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	uint32_t ifx;

	if (argc < 2) {
		fprintf(stderr, "usage: %s IFNAME [del-peer ID | add-peer ID VPN4] | %s - gone IFINDEX\n",
			argv[0], argv[0]);
		return 2;
	}
	nl_fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (nl_fd < 0 || bind(nl_fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("netlink");
		return 2;
	}
	family = resolve_family();
	if (!family) {
		fprintf(stderr, "family %s not found\n", OVPN_NL_NAME);
		return 2;
	}
	if (argc > 4 && !strcmp(argv[2], "newlink")) {
		int err = new_link(argv[3], !strcmp(argv[4], "mp") ?
				   OVPN_MODE_MP : OVPN_MODE_P2P);

		expect("RTM_NEWLINK", err, 0);
		return err ? 1 : 0;
	}
	if (argc > 3 && !strcmp(argv[2], "gone")) {
		ifx = strtoul(argv[3], NULL, 10);
		expect("GET_PEER on a deleted interface",
		       simple(ifx, OVPN_CMD_GET_PEER, OVPN_ATTR_GET_PEER, 5),
		       -ENODEV);
		return failures ? 1 : 0;
	}
	ifx = if_nametoindex(argv[1]);
	if (!ifx) {
		perror(argv[1]);
		return 2;
	}
	if (argc > 2 && !strcmp(argv[2], "tcp-release"))
		return tcp_release(ifx);
	if (argc > 2 && !strcmp(argv[2], "udp-peer"))
		return udp_peer(ifx, argv + 3, argc - 3);
	if (argc > 3)
		return meddle(ifx, argc, argv);
	probe_malformed(ifx);
	probe_peer(ifx);
	printf("%d unexpected answers\n", failures);
	return failures ? 1 : 0;
}
