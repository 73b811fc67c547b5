// SPDX-License-Identifier: GPL-2.0-only
/*
 * Generic netlink family "ovpn-dco-v2": policies, command handlers and
 * the DEL_PEER notification. The core validates every request against
 * the policies below (strictly, nests included) before a handler runs.
 */

#include <linux/file.h>
#include <linux/net.h>
#include <net/genetlink.h>
#include <net/inet_sock.h>
#include <net/sock.h>

#include <uapi/linux/ovpn_dco.h>

#include "compat.h"
#include "crypto.h"
#include "netlink.h"
#include "ovpn.h"
#include "peer.h"
#include "tcp.h"
#include "udp.h"

enum ovpn_nl_mcgrp {
	OVPN_MCGRP_PEERS,
};

static const struct nla_policy ovpn_new_peer_policy[OVPN_NEW_PEER_ATTR_MAX + 1] = {
	[OVPN_NEW_PEER_ATTR_PEER_ID] = { .type = NLA_U32 },
	[OVPN_NEW_PEER_ATTR_SOCKADDR_REMOTE] =
		NLA_POLICY_RANGE(NLA_BINARY, sizeof(struct sockaddr_in),
				 sizeof(struct sockaddr_in6)),
	[OVPN_NEW_PEER_ATTR_SOCKET] = { .type = NLA_U32 },
	[OVPN_NEW_PEER_ATTR_IPV4] = { .type = NLA_U32 },
	[OVPN_NEW_PEER_ATTR_IPV6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[OVPN_NEW_PEER_ATTR_LOCAL_IP] =
		NLA_POLICY_RANGE(NLA_BINARY, sizeof(struct in_addr),
				 sizeof(struct in6_addr)),
};

static const struct nla_policy ovpn_set_peer_policy[OVPN_SET_PEER_ATTR_MAX + 1] = {
	[OVPN_SET_PEER_ATTR_PEER_ID] = { .type = NLA_U32 },
	[OVPN_SET_PEER_ATTR_KEEPALIVE_INTERVAL] = { .type = NLA_U32 },
	[OVPN_SET_PEER_ATTR_KEEPALIVE_TIMEOUT] = { .type = NLA_U32 },
};

static const struct nla_policy ovpn_del_peer_policy[OVPN_DEL_PEER_ATTR_MAX + 1] = {
	[OVPN_DEL_PEER_ATTR_REASON] =
		NLA_POLICY_MAX(NLA_U8, __OVPN_DEL_PEER_REASON_AFTER_LAST - 1),
	[OVPN_DEL_PEER_ATTR_PEER_ID] = { .type = NLA_U32 },
};

static const struct nla_policy ovpn_get_peer_policy[OVPN_GET_PEER_ATTR_MAX + 1] = {
	[OVPN_GET_PEER_ATTR_PEER_ID] = { .type = NLA_U32 },
};

static const struct nla_policy ovpn_key_dir_policy[OVPN_KEY_DIR_ATTR_MAX + 1] = {
	[OVPN_KEY_DIR_ATTR_CIPHER_KEY] = { .type = NLA_BINARY, .len = 255 },
	[OVPN_KEY_DIR_ATTR_NONCE_TAIL] =
		NLA_POLICY_EXACT_LEN(OVPN_NONCE_TAIL_SIZE),
};

static const struct nla_policy ovpn_new_key_policy[OVPN_NEW_KEY_ATTR_MAX + 1] = {
	[OVPN_NEW_KEY_ATTR_PEER_ID] = { .type = NLA_U32 },
	[OVPN_NEW_KEY_ATTR_KEY_SLOT] =
		NLA_POLICY_MAX(NLA_U8, __OVPN_KEY_SLOT_AFTER_LAST - 1),
	[OVPN_NEW_KEY_ATTR_KEY_ID] = NLA_POLICY_MAX(NLA_U8, OVPN_KEY_ID_MASK),
	[OVPN_NEW_KEY_ATTR_CIPHER_ALG] = { .type = NLA_U16 },
	[OVPN_NEW_KEY_ATTR_ENCRYPT_KEY] =
		NLA_POLICY_NESTED(ovpn_key_dir_policy),
	[OVPN_NEW_KEY_ATTR_DECRYPT_KEY] =
		NLA_POLICY_NESTED(ovpn_key_dir_policy),
};

static const struct nla_policy ovpn_del_key_policy[OVPN_DEL_KEY_ATTR_MAX + 1] = {
	[OVPN_DEL_KEY_ATTR_PEER_ID] = { .type = NLA_U32 },
	[OVPN_DEL_KEY_ATTR_KEY_SLOT] =
		NLA_POLICY_MAX(NLA_U8, __OVPN_KEY_SLOT_AFTER_LAST - 1),
};

static const struct nla_policy ovpn_swap_keys_policy[OVPN_SWAP_KEYS_ATTR_MAX + 1] = {
	[OVPN_SWAP_KEYS_ATTR_PEER_ID] = { .type = NLA_U32 },
};

static const struct nla_policy ovpn_nl_policy[OVPN_ATTR_MAX + 1] = {
	[OVPN_ATTR_IFINDEX] = { .type = NLA_U32 },
	[OVPN_ATTR_NEW_PEER] = NLA_POLICY_NESTED(ovpn_new_peer_policy),
	[OVPN_ATTR_SET_PEER] = NLA_POLICY_NESTED(ovpn_set_peer_policy),
	[OVPN_ATTR_DEL_PEER] = NLA_POLICY_NESTED(ovpn_del_peer_policy),
	[OVPN_ATTR_NEW_KEY] = NLA_POLICY_NESTED(ovpn_new_key_policy),
	[OVPN_ATTR_SWAP_KEYS] = NLA_POLICY_NESTED(ovpn_swap_keys_policy),
	[OVPN_ATTR_DEL_KEY] = NLA_POLICY_NESTED(ovpn_del_key_policy),
	[OVPN_ATTR_GET_PEER] = NLA_POLICY_NESTED(ovpn_get_peer_policy),
};

static struct genl_family ovpn_nl_family;

/* ---- helpers --------------------------------------------------------- */

static struct ovpn_struct *ovpn_nl_dev(struct net *net, struct nlattr **attrs,
				       struct netlink_ext_ack *extack,
				       int *err)
{
	struct net_device *dev;

	if (!attrs[OVPN_ATTR_IFINDEX]) {
		NL_SET_ERR_MSG_MOD(extack, "missing interface index");
		*err = -EINVAL;
		return NULL;
	}
	dev = dev_get_by_index(net, nla_get_u32(attrs[OVPN_ATTR_IFINDEX]));
	if (!dev) {
		NL_SET_ERR_MSG_MOD(extack, "no such interface");
		*err = -ENODEV;
		return NULL;
	}
	if (!ovpn_dev_is_ours(dev)) {
		dev_put(dev);
		NL_SET_ERR_MSG_MOD(extack, "not an ovpn-dco interface");
		*err = -EINVAL;
		return NULL;
	}
	return netdev_priv(dev);
}

static int ovpn_nl_pre_doit(const ovpn_genl_op_t *ops, struct sk_buff *skb,
			    struct genl_info *info)
{
	struct ovpn_struct *ovpn;
	int err;

	ovpn = ovpn_nl_dev(genl_info_net(info), info->attrs, info->extack,
			   &err);
	if (!ovpn)
		return err;
	info->user_ptr[0] = ovpn;
	return 0;
}

static void ovpn_nl_post_doit(const ovpn_genl_op_t *ops, struct sk_buff *skb,
			      struct genl_info *info)
{
	struct ovpn_struct *ovpn = info->user_ptr[0];

	if (ovpn)
		dev_put(ovpn->dev);
}

/* parse the command's nest into @tb; policies were checked by the core */
static int ovpn_nl_nest(struct genl_info *info, int type, struct nlattr **tb,
			int max, const struct nla_policy *policy)
{
	struct nlattr *nest = info->attrs[type];

	if (!nest) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing command attributes");
		return -EINVAL;
	}
	return nla_parse_nested(tb, max, nest, policy, info->extack);
}

static bool ovpn_nl_missing(struct genl_info *info, int type,
			    struct nlattr **tb, int attr)
{
	if (tb[attr])
		return false;
	NL_SET_ERR_ATTR_MISS(info->extack, info->attrs[type], attr);
	NL_SET_ERR_MSG_MOD(info->extack, "missing required attribute");
	return true;
}

static struct ovpn_peer *ovpn_nl_peer(struct genl_info *info,
				      struct nlattr *id_attr)
{
	struct ovpn_struct *ovpn = info->user_ptr[0];
	struct ovpn_peer *peer;

	peer = ovpn_peer_get_by_id(ovpn, nla_get_u32(id_attr));
	if (!peer)
		NL_SET_ERR_MSG_ATTR(info->extack, id_attr, "no such peer");
	return peer;
}

/* ---- peers ----------------------------------------------------------- */

static int ovpn_nl_new_peer_sock(struct ovpn_peer *peer, struct nlattr **tb,
				 struct genl_info *info)
{
	struct ovpn_socket *os;
	struct socket *sock;
	int err;

	sock = sockfd_lookup(nla_get_u32(tb[OVPN_NEW_PEER_ATTR_SOCKET]), &err);
	if (!sock) {
		NL_SET_ERR_MSG_MOD(info->extack, "descriptor is not a socket");
		return -ENOTSOCK;
	}
	if (sock->sk->sk_protocol == IPPROTO_TCP) {
		/* the connection identifies the peer: no endpoint */
		err = ovpn_tcp_attach(peer, sock);
		if (err) {
			NL_SET_ERR_MSG_MOD(info->extack,
					   "TCP socket cannot be used (not established or taken?)");
			err = -ENOTSOCK;
			goto err_put;
		}
		return 0;
	}
	if (sock->sk->sk_protocol != IPPROTO_UDP) {
		NL_SET_ERR_MSG_MOD(info->extack, "only UDP and TCP sockets are supported");
		err = -ENOTSOCK;
		goto err_put;
	}
	if (!tb[OVPN_NEW_PEER_ATTR_SOCKADDR_REMOTE]) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "a UDP peer needs a remote endpoint");
		err = -EINVAL;
		goto err_put;
	}
	err = ovpn_peer_set_endpoint(peer,
				     nla_data(tb[OVPN_NEW_PEER_ATTR_SOCKADDR_REMOTE]),
				     nla_len(tb[OVPN_NEW_PEER_ATTR_SOCKADDR_REMOTE]),
				     tb[OVPN_NEW_PEER_ATTR_LOCAL_IP] ?
				     nla_data(tb[OVPN_NEW_PEER_ATTR_LOCAL_IP]) : NULL,
				     tb[OVPN_NEW_PEER_ATTR_LOCAL_IP] ?
				     nla_len(tb[OVPN_NEW_PEER_ATTR_LOCAL_IP]) : 0);
	if (err) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "invalid remote sockaddr or local address");
		goto err_put;
	}
	os = ovpn_socket_attach(info->user_ptr[0], sock);
	if (IS_ERR(os)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "socket cannot be used (taken by another user?)");
		err = -ENOTSOCK;
		goto err_put;
	}
	peer->sock = os;
	return 0;

err_put:
	sockfd_put(sock);
	return err;
}

static int ovpn_nl_new_peer(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[OVPN_NEW_PEER_ATTR_MAX + 1];
	struct ovpn_struct *ovpn = info->user_ptr[0];
	struct ovpn_peer *peer;
	int err;

	err = ovpn_nl_nest(info, OVPN_ATTR_NEW_PEER, tb, OVPN_NEW_PEER_ATTR_MAX,
			   ovpn_new_peer_policy);
	if (err)
		return err;
	if (ovpn_nl_missing(info, OVPN_ATTR_NEW_PEER, tb,
			    OVPN_NEW_PEER_ATTR_PEER_ID) ||
	    ovpn_nl_missing(info, OVPN_ATTR_NEW_PEER, tb,
			    OVPN_NEW_PEER_ATTR_SOCKET))
		return -EINVAL;
	if (ovpn->mode == OVPN_MODE_MP && !tb[OVPN_NEW_PEER_ATTR_IPV4] &&
	    !tb[OVPN_NEW_PEER_ATTR_IPV6]) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "a VPN address is required in MP mode");
		return -EINVAL;
	}

	peer = ovpn_peer_new(ovpn, nla_get_u32(tb[OVPN_NEW_PEER_ATTR_PEER_ID]));
	if (IS_ERR(peer))
		return PTR_ERR(peer);
	if (tb[OVPN_NEW_PEER_ATTR_IPV4])
		peer->vpn4 = nla_get_in_addr(tb[OVPN_NEW_PEER_ATTR_IPV4]);
	if (tb[OVPN_NEW_PEER_ATTR_IPV6])
		peer->vpn6 = nla_get_in6_addr(tb[OVPN_NEW_PEER_ATTR_IPV6]);

	err = ovpn_nl_new_peer_sock(peer, tb, info);
	if (err)
		goto err_put;
	err = ovpn_peer_add(ovpn, peer);
	if (err) {
		NL_SET_ERR_MSG_MOD(info->extack, "peer id already in use");
		goto err_put;
	}
	return 0;

err_put:
	ovpn_peer_put(peer);
	return err;
}

static int ovpn_nl_set_peer(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[OVPN_SET_PEER_ATTR_MAX + 1];
	struct ovpn_peer *peer;
	int err;

	err = ovpn_nl_nest(info, OVPN_ATTR_SET_PEER, tb, OVPN_SET_PEER_ATTR_MAX,
			   ovpn_set_peer_policy);
	if (err)
		return err;
	if (ovpn_nl_missing(info, OVPN_ATTR_SET_PEER, tb,
			    OVPN_SET_PEER_ATTR_PEER_ID))
		return -EINVAL;
	peer = ovpn_nl_peer(info, tb[OVPN_SET_PEER_ATTR_PEER_ID]);
	if (!peer)
		return -ENOENT;
	/* both or nothing, as the reference interface does */
	if (tb[OVPN_SET_PEER_ATTR_KEEPALIVE_INTERVAL] &&
	    tb[OVPN_SET_PEER_ATTR_KEEPALIVE_TIMEOUT])
		ovpn_peer_keepalive_set(peer,
					nla_get_u32(tb[OVPN_SET_PEER_ATTR_KEEPALIVE_INTERVAL]),
					nla_get_u32(tb[OVPN_SET_PEER_ATTR_KEEPALIVE_TIMEOUT]));
	ovpn_peer_put(peer);
	return 0;
}

static int ovpn_nl_del_peer(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[OVPN_DEL_PEER_ATTR_MAX + 1];
	struct ovpn_peer *peer;
	int err;

	err = ovpn_nl_nest(info, OVPN_ATTR_DEL_PEER, tb, OVPN_DEL_PEER_ATTR_MAX,
			   ovpn_del_peer_policy);
	if (err)
		return err;
	if (ovpn_nl_missing(info, OVPN_ATTR_DEL_PEER, tb,
			    OVPN_DEL_PEER_ATTR_PEER_ID))
		return -EINVAL;
	peer = ovpn_nl_peer(info, tb[OVPN_DEL_PEER_ATTR_PEER_ID]);
	if (!peer)
		return -ENOENT;
	err = ovpn_peer_del(peer, OVPN_DEL_PEER_REASON_USERSPACE);
	ovpn_peer_put(peer);
	return err;
}

/* ---- keys ------------------------------------------------------------ */

static int ovpn_nl_key_dir(struct genl_info *info, struct nlattr *attr,
			   struct ovpn_key_dir *kd)
{
	struct nlattr *tb[OVPN_KEY_DIR_ATTR_MAX + 1];
	int err;

	err = nla_parse_nested(tb, OVPN_KEY_DIR_ATTR_MAX, attr,
			       ovpn_key_dir_policy, info->extack);
	if (err)
		return err;
	if (!tb[OVPN_KEY_DIR_ATTR_CIPHER_KEY] ||
	    !tb[OVPN_KEY_DIR_ATTR_NONCE_TAIL]) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "key direction needs key and nonce tail");
		return -EINVAL;
	}
	kd->key = nla_data(tb[OVPN_KEY_DIR_ATTR_CIPHER_KEY]);
	kd->key_len = nla_len(tb[OVPN_KEY_DIR_ATTR_CIPHER_KEY]);
	kd->nonce_tail = nla_data(tb[OVPN_KEY_DIR_ATTR_NONCE_TAIL]);
	return 0;
}

static int ovpn_nl_new_key(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[OVPN_NEW_KEY_ATTR_MAX + 1];
	struct ovpn_key_config kc = {};
	struct ovpn_peer *peer;
	int attr, err;

	err = ovpn_nl_nest(info, OVPN_ATTR_NEW_KEY, tb, OVPN_NEW_KEY_ATTR_MAX,
			   ovpn_new_key_policy);
	if (err)
		return err;
	for (attr = OVPN_NEW_KEY_ATTR_PEER_ID; attr <= OVPN_NEW_KEY_ATTR_MAX;
	     attr++)
		if (ovpn_nl_missing(info, OVPN_ATTR_NEW_KEY, tb, attr))
			return -EINVAL;

	kc.cipher_alg = nla_get_u16(tb[OVPN_NEW_KEY_ATTR_CIPHER_ALG]);
	if (kc.cipher_alg != OVPN_CIPHER_ALG_AES_GCM &&
	    kc.cipher_alg != OVPN_CIPHER_ALG_CHACHA20_POLY1305) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    tb[OVPN_NEW_KEY_ATTR_CIPHER_ALG],
				    "unsupported cipher");
		return -EINVAL;
	}
	kc.key_id = nla_get_u8(tb[OVPN_NEW_KEY_ATTR_KEY_ID]);
	err = ovpn_nl_key_dir(info, tb[OVPN_NEW_KEY_ATTR_ENCRYPT_KEY],
			      &kc.encrypt);
	if (err)
		return err;
	err = ovpn_nl_key_dir(info, tb[OVPN_NEW_KEY_ATTR_DECRYPT_KEY],
			      &kc.decrypt);
	if (err)
		return err;

	peer = ovpn_nl_peer(info, tb[OVPN_NEW_KEY_ATTR_PEER_ID]);
	if (!peer)
		return -ENOENT;
	err = ovpn_crypto_key_install(&peer->crypto,
				      nla_get_u8(tb[OVPN_NEW_KEY_ATTR_KEY_SLOT]),
				      &kc);
	if (err)
		NL_SET_ERR_MSG_MOD(info->extack,
				   "cannot set up the cipher with this key");
	ovpn_peer_put(peer);
	return err;
}

static int ovpn_nl_swap_keys(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[OVPN_SWAP_KEYS_ATTR_MAX + 1];
	struct ovpn_peer *peer;
	int err;

	err = ovpn_nl_nest(info, OVPN_ATTR_SWAP_KEYS, tb,
			   OVPN_SWAP_KEYS_ATTR_MAX, ovpn_swap_keys_policy);
	if (err)
		return err;
	if (ovpn_nl_missing(info, OVPN_ATTR_SWAP_KEYS, tb,
			    OVPN_SWAP_KEYS_ATTR_PEER_ID))
		return -EINVAL;
	peer = ovpn_nl_peer(info, tb[OVPN_SWAP_KEYS_ATTR_PEER_ID]);
	if (!peer)
		return -ENOENT;
	ovpn_crypto_keys_swap(&peer->crypto);
	ovpn_peer_put(peer);
	return 0;
}

static int ovpn_nl_del_key(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[OVPN_DEL_KEY_ATTR_MAX + 1];
	struct ovpn_peer *peer;
	int err;

	err = ovpn_nl_nest(info, OVPN_ATTR_DEL_KEY, tb, OVPN_DEL_KEY_ATTR_MAX,
			   ovpn_del_key_policy);
	if (err)
		return err;
	if (ovpn_nl_missing(info, OVPN_ATTR_DEL_KEY, tb,
			    OVPN_DEL_KEY_ATTR_PEER_ID) ||
	    ovpn_nl_missing(info, OVPN_ATTR_DEL_KEY, tb,
			    OVPN_DEL_KEY_ATTR_KEY_SLOT))
		return -EINVAL;
	peer = ovpn_nl_peer(info, tb[OVPN_DEL_KEY_ATTR_PEER_ID]);
	if (!peer)
		return -ENOENT;
	ovpn_crypto_key_del(&peer->crypto,
			    nla_get_u8(tb[OVPN_DEL_KEY_ATTR_KEY_SLOT]));
	ovpn_peer_put(peer);
	return 0;
}

/* ---- statistics ------------------------------------------------------ */

static int ovpn_nl_put_bind(struct sk_buff *msg, struct ovpn_peer *peer)
{
	struct ovpn_bind *b;
	int err = 0;

	rcu_read_lock();
	b = rcu_dereference(peer->bind);
	if (!b)
		goto out;
	if (b->remote.sa.sa_family == AF_INET) {
		if (nla_put(msg, OVPN_GET_PEER_RESP_ATTR_SOCKADDR_REMOTE,
			    sizeof(b->remote.in4), &b->remote.in4) ||
		    nla_put_in_addr(msg, OVPN_GET_PEER_RESP_ATTR_LOCAL_IP,
				    b->local.ip4))
			err = -EMSGSIZE;
	} else {
		if (nla_put(msg, OVPN_GET_PEER_RESP_ATTR_SOCKADDR_REMOTE,
			    sizeof(b->remote.in6), &b->remote.in6) ||
		    nla_put_in6_addr(msg, OVPN_GET_PEER_RESP_ATTR_LOCAL_IP,
				     &b->local.ip6))
			err = -EMSGSIZE;
	}
out:
	rcu_read_unlock();
	return err;
}

static int ovpn_nl_put_peer(struct sk_buff *msg, struct ovpn_peer *peer)
{
	struct ovpn_stats_total st;
	struct nlattr *nest;

	nest = nla_nest_start(msg, OVPN_ATTR_GET_PEER);
	if (!nest)
		return -EMSGSIZE;
	ovpn_stats_read(peer->stats, &st);
	if (nla_put_u32(msg, OVPN_GET_PEER_RESP_ATTR_PEER_ID, peer->id))
		goto err;
	if (peer->vpn4 &&
	    nla_put_in_addr(msg, OVPN_GET_PEER_RESP_ATTR_IPV4, peer->vpn4))
		goto err;
	if (!ipv6_addr_any(&peer->vpn6) &&
	    nla_put_in6_addr(msg, OVPN_GET_PEER_RESP_ATTR_IPV6, &peer->vpn6))
		goto err;
	if (nla_put_u32(msg, OVPN_GET_PEER_RESP_ATTR_KEEPALIVE_INTERVAL,
			READ_ONCE(peer->ka_interval)) ||
	    nla_put_u32(msg, OVPN_GET_PEER_RESP_ATTR_KEEPALIVE_TIMEOUT,
			READ_ONCE(peer->ka_timeout)))
		goto err;
	if (ovpn_nl_put_bind(msg, peer))
		goto err;
	if (nla_put_net16(msg, OVPN_GET_PEER_RESP_ATTR_LOCAL_PORT,
			  peer->tcp ? ovpn_tcp_local_port(peer->tcp) :
			  inet_sk(peer->sock->sock->sk)->inet_sport))
		goto err;
	if (nla_put_u64_64bit(msg, OVPN_GET_PEER_RESP_ATTR_VPN_RX_BYTES,
			      st.vpn_rx_bytes, OVPN_GET_PEER_RESP_ATTR_UNSPEC) ||
	    nla_put_u32(msg, OVPN_GET_PEER_RESP_ATTR_VPN_RX_PACKETS,
			(u32)st.vpn_rx_packets) ||
	    nla_put_u64_64bit(msg, OVPN_GET_PEER_RESP_ATTR_VPN_TX_BYTES,
			      st.vpn_tx_bytes, OVPN_GET_PEER_RESP_ATTR_UNSPEC) ||
	    nla_put_u32(msg, OVPN_GET_PEER_RESP_ATTR_VPN_TX_PACKETS,
			(u32)st.vpn_tx_packets) ||
	    nla_put_u64_64bit(msg, OVPN_GET_PEER_RESP_ATTR_LINK_RX_BYTES,
			      st.link_rx_bytes, OVPN_GET_PEER_RESP_ATTR_UNSPEC) ||
	    nla_put_u32(msg, OVPN_GET_PEER_RESP_ATTR_LINK_RX_PACKETS,
			(u32)st.link_rx_packets) ||
	    nla_put_u64_64bit(msg, OVPN_GET_PEER_RESP_ATTR_LINK_TX_BYTES,
			      st.link_tx_bytes, OVPN_GET_PEER_RESP_ATTR_UNSPEC) ||
	    nla_put_u32(msg, OVPN_GET_PEER_RESP_ATTR_LINK_TX_PACKETS,
			(u32)st.link_tx_packets))
		goto err;
	nla_nest_end(msg, nest);
	return 0;
err:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

static int ovpn_nl_get_peer(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[OVPN_GET_PEER_ATTR_MAX + 1];
	struct ovpn_peer *peer;
	struct sk_buff *msg;
	void *hdr;
	int err;

	err = ovpn_nl_nest(info, OVPN_ATTR_GET_PEER, tb, OVPN_GET_PEER_ATTR_MAX,
			   ovpn_get_peer_policy);
	if (err)
		return err;
	if (ovpn_nl_missing(info, OVPN_ATTR_GET_PEER, tb,
			    OVPN_GET_PEER_ATTR_PEER_ID))
		return -EINVAL;
	peer = ovpn_nl_peer(info, tb[OVPN_GET_PEER_ATTR_PEER_ID]);
	if (!peer)
		return -ENOENT;

	err = -ENOMEM;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		goto out;
	hdr = genlmsg_put(msg, info->snd_portid, info->snd_seq,
			  &ovpn_nl_family, 0, OVPN_CMD_GET_PEER);
	if (!hdr || ovpn_nl_put_peer(msg, peer)) {
		nlmsg_free(msg);
		err = -EMSGSIZE;
		goto out;
	}
	genlmsg_end(msg, hdr);
	err = genlmsg_reply(msg, info);
out:
	ovpn_peer_put(peer);
	return err;
}

static int ovpn_nl_dump_one(struct sk_buff *skb, struct netlink_callback *cb,
			    struct ovpn_peer *peer)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &ovpn_nl_family, NLM_F_MULTI, OVPN_CMD_GET_PEER);
	if (!hdr)
		return -EMSGSIZE;
	if (ovpn_nl_put_peer(skb, peer)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* cb->args[0]: peers already sent in earlier rounds */
static int ovpn_nl_dump_peers(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ovpn_struct *ovpn;
	struct ovpn_peer *peer;
	long skip = cb->args[0], n = 0;
	int bkt, err;

	ovpn = ovpn_nl_dev(sock_net(cb->skb->sk), ovpn_dump_attrs(cb),
			   cb->extack, &err);
	if (!ovpn)
		return err;

	rcu_read_lock();
	if (ovpn->mode == OVPN_MODE_P2P) {
		peer = rcu_dereference(ovpn->p2p_peer);
		if (peer && n++ >= skip && ovpn_nl_dump_one(skb, cb, peer))
			n--;
	} else {
		hash_for_each_rcu(ovpn->by_id, bkt, peer, node_id) {
			if (n++ < skip)
				continue;
			if (ovpn_nl_dump_one(skb, cb, peer)) {
				n--;
				break;
			}
		}
	}
	rcu_read_unlock();
	dev_put(ovpn->dev);
	cb->args[0] = n;
	return skb->len;
}

/* ---- notifications --------------------------------------------------- */

void ovpn_nl_notify_del_peer(struct ovpn_peer *peer, u8 reason)
{
	struct net_device *dev = peer->ovpn->dev;
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &ovpn_nl_family, 0, OVPN_CMD_DEL_PEER);
	if (!hdr)
		goto err;
	if (nla_put_u32(msg, OVPN_ATTR_IFINDEX, dev->ifindex))
		goto err;
	nest = nla_nest_start(msg, OVPN_ATTR_DEL_PEER);
	if (!nest ||
	    nla_put_u8(msg, OVPN_DEL_PEER_ATTR_REASON, reason) ||
	    nla_put_u32(msg, OVPN_DEL_PEER_ATTR_PEER_ID, peer->id))
		goto err;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&ovpn_nl_family, dev_net(dev), msg, 0,
				OVPN_MCGRP_PEERS, GFP_ATOMIC);
	return;
err:
	nlmsg_free(msg);
}

/* ---- family ---------------------------------------------------------- */

static const struct genl_small_ops ovpn_nl_ops[] = {
	{
		.cmd = OVPN_CMD_NEW_PEER,
		.flags = GENL_ADMIN_PERM,
		.doit = ovpn_nl_new_peer,
	},
	{
		.cmd = OVPN_CMD_SET_PEER,
		.flags = GENL_ADMIN_PERM,
		.doit = ovpn_nl_set_peer,
	},
	{
		.cmd = OVPN_CMD_DEL_PEER,
		.flags = GENL_ADMIN_PERM,
		.doit = ovpn_nl_del_peer,
	},
	{
		.cmd = OVPN_CMD_NEW_KEY,
		.flags = GENL_ADMIN_PERM,
		.doit = ovpn_nl_new_key,
	},
	{
		.cmd = OVPN_CMD_SWAP_KEYS,
		.flags = GENL_ADMIN_PERM,
		.doit = ovpn_nl_swap_keys,
	},
	{
		.cmd = OVPN_CMD_DEL_KEY,
		.flags = GENL_ADMIN_PERM,
		.doit = ovpn_nl_del_key,
	},
	{
		.cmd = OVPN_CMD_GET_PEER,
		.flags = GENL_ADMIN_PERM,
		.doit = ovpn_nl_get_peer,
		.dumpit = ovpn_nl_dump_peers,
	},
};

static const struct genl_multicast_group ovpn_nl_mcgrps[] = {
	[OVPN_MCGRP_PEERS] = { .name = OVPN_NL_MULTICAST_GROUP_PEERS },
};

static struct genl_family ovpn_nl_family __ro_after_init = {
	.name = OVPN_NL_NAME,
	.version = 1,
	.hdrsize = 0,
	.maxattr = OVPN_ATTR_MAX,
	.policy = ovpn_nl_policy,
	.netnsok = true,
	.pre_doit = ovpn_nl_pre_doit,
	.post_doit = ovpn_nl_post_doit,
	.module = THIS_MODULE,
	.small_ops = ovpn_nl_ops,
	.n_small_ops = ARRAY_SIZE(ovpn_nl_ops),
	/* the daemon may send any version byte; reserved fields unchecked */
	.resv_start_op = OVPN_CMD_GET_PEER + 1,
	.mcgrps = ovpn_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(ovpn_nl_mcgrps),
};

int __init ovpn_nl_register(void)
{
	return genl_register_family(&ovpn_nl_family);
}

void ovpn_nl_unregister(void)
{
	genl_unregister_family(&ovpn_nl_family);
}
