/*
 * The ovpn-dco-v2 generic netlink messages: numbers, builders and strict
 * parsers. Private to dco_linux.c and its unit test; kept apart from the
 * socket code so that every message can be built and every reply parsed
 * without a kernel. Builders hand back a libnl message (struct nl_msg is
 * only declared here: libnl headers stay in dco_linux.c); parsers take raw
 * bytes as read from the socket.
 */
#ifndef DCO_NL_H
#define DCO_NL_H

#include <stddef.h>
#include <stdint.h>

#include "dco.h"

struct nl_msg;

#define OVPN_NL_NAME "ovpn-dco-v2"
#define OVPN_NL_MCGRP_PEERS "peers"
#define OVPN_LINK_KIND "ovpn-dco"
/* Other generations, named when found instead of ours. */
#define OVPN_NL_NAME_V1 "ovpn-dco"
#define OVPN_NL_NAME_INTREE "ovpn"

enum {
	OVPN_CMD_NEW_PEER = 1,
	OVPN_CMD_SET_PEER = 2,
	OVPN_CMD_DEL_PEER = 3,
	OVPN_CMD_NEW_KEY = 4,
	OVPN_CMD_SWAP_KEYS = 5,
	OVPN_CMD_DEL_KEY = 6,
	OVPN_CMD_GET_PEER = 7,
};

enum {
	OVPN_ATTR_IFINDEX = 1,
	OVPN_ATTR_NEW_PEER = 2,
	OVPN_ATTR_SET_PEER = 3,
	OVPN_ATTR_DEL_PEER = 4,
	OVPN_ATTR_NEW_KEY = 5,
	OVPN_ATTR_SWAP_KEYS = 6,
	OVPN_ATTR_DEL_KEY = 7,
	OVPN_ATTR_GET_PEER = 8,
	OVPN_ATTR_MAX = 8,
};

enum {
	OVPN_NEW_PEER_ATTR_PEER_ID = 1,
	OVPN_NEW_PEER_ATTR_SOCKADDR_REMOTE = 2,
	OVPN_NEW_PEER_ATTR_SOCKET = 3,
	OVPN_NEW_PEER_ATTR_IPV4 = 4,
	OVPN_NEW_PEER_ATTR_IPV6 = 5,
	OVPN_NEW_PEER_ATTR_LOCAL_IP = 6,
};

enum {
	OVPN_SET_PEER_ATTR_PEER_ID = 1,
	OVPN_SET_PEER_ATTR_KEEPALIVE_INTERVAL = 2,
	OVPN_SET_PEER_ATTR_KEEPALIVE_TIMEOUT = 3,
};

enum {
	OVPN_DEL_PEER_ATTR_REASON = 1,
	OVPN_DEL_PEER_ATTR_PEER_ID = 2,
	OVPN_DEL_PEER_ATTR_MAX = 2,
};

enum { OVPN_GET_PEER_ATTR_PEER_ID = 1 };

enum {
	OVPN_GET_PEER_RESP_ATTR_PEER_ID = 1,
	OVPN_GET_PEER_RESP_ATTR_SOCKADDR_REMOTE = 2,
	OVPN_GET_PEER_RESP_ATTR_IPV4 = 3,
	OVPN_GET_PEER_RESP_ATTR_IPV6 = 4,
	OVPN_GET_PEER_RESP_ATTR_LOCAL_IP = 5,
	OVPN_GET_PEER_RESP_ATTR_LOCAL_PORT = 6,
	OVPN_GET_PEER_RESP_ATTR_KEEPALIVE_INTERVAL = 7,
	OVPN_GET_PEER_RESP_ATTR_KEEPALIVE_TIMEOUT = 8,
	OVPN_GET_PEER_RESP_ATTR_VPN_RX_BYTES = 9,
	OVPN_GET_PEER_RESP_ATTR_VPN_TX_BYTES = 10,
	OVPN_GET_PEER_RESP_ATTR_VPN_RX_PACKETS = 11,
	OVPN_GET_PEER_RESP_ATTR_VPN_TX_PACKETS = 12,
	OVPN_GET_PEER_RESP_ATTR_LINK_RX_BYTES = 13,
	OVPN_GET_PEER_RESP_ATTR_LINK_TX_BYTES = 14,
	OVPN_GET_PEER_RESP_ATTR_LINK_RX_PACKETS = 15,
	OVPN_GET_PEER_RESP_ATTR_LINK_TX_PACKETS = 16,
	OVPN_GET_PEER_RESP_ATTR_MAX = 16,
};

enum {
	OVPN_NEW_KEY_ATTR_PEER_ID = 1,
	OVPN_NEW_KEY_ATTR_KEY_SLOT = 2,
	OVPN_NEW_KEY_ATTR_KEY_ID = 3,
	OVPN_NEW_KEY_ATTR_CIPHER_ALG = 4,
	OVPN_NEW_KEY_ATTR_ENCRYPT_KEY = 5,
	OVPN_NEW_KEY_ATTR_DECRYPT_KEY = 6,
};

enum {
	OVPN_KEY_DIR_ATTR_CIPHER_KEY = 1,
	OVPN_KEY_DIR_ATTR_NONCE_TAIL = 2,
};

enum { OVPN_SWAP_KEYS_ATTR_PEER_ID = 1 };

enum {
	OVPN_DEL_KEY_ATTR_PEER_ID = 1,
	OVPN_DEL_KEY_ATTR_KEY_SLOT = 2,
};

/* rtnetlink link data of kind ovpn-dco */
#define IFLA_OVPN_MODE 1

/*
 * Builders: a complete request (netlink + genl header, OVPN_ATTR_IFINDEX,
 * then the command's nest flagged NLA_F_NESTED), integers at the exact
 * widths the module's policy wants. family is the resolved genl family id.
 * Return 0 or -ENOMEM / -EINVAL (a value the module would refuse anyway).
 * The caller frees *out with dco_nl_msg_free().
 */
int dco_nl_build_new_peer(struct nl_msg **out, int family, int ifindex,
			  const struct dco_peer *p);
int dco_nl_build_set_peer(struct nl_msg **out, int family, int ifindex, uint32_t peer_id,
			  uint32_t interval, uint32_t timeout);
int dco_nl_build_del_peer(struct nl_msg **out, int family, int ifindex, uint32_t peer_id);
int dco_nl_build_new_key(struct nl_msg **out, int family, int ifindex,
			 const struct dco_key *k);
int dco_nl_build_swap_keys(struct nl_msg **out, int family, int ifindex, uint32_t peer_id);
int dco_nl_build_del_key(struct nl_msg **out, int family, int ifindex, uint32_t peer_id,
			 enum dco_key_slot slot);
int dco_nl_build_get_peer(struct nl_msg **out, int family, int ifindex, uint32_t peer_id);
/* RTM_NEWLINK for an ovpn-dco interface in mode; RTM_DELLINK by index. */
int dco_nl_build_newlink(struct nl_msg **out, const char *ifname, enum dco_mode mode);
int dco_nl_build_dellink(struct nl_msg **out, int ifindex);
void dco_nl_msg_free(struct nl_msg *m);
/* The bytes of a built message, for tests and for sending. */
const void *dco_nl_msg_data(struct nl_msg *m, size_t *len);

/*
 * Parsers of one netlink message (header included) of at most len bytes.
 * Anything truncated, oversized, of the wrong width or missing a required
 * attribute is -EBADMSG; a well-formed message that is not the expected
 * command is -ENOMSG. Attribute order is not relied on and the NESTED and
 * NET_BYTEORDER flag bits are masked off the type, as the kernel sets them.
 */
int dco_nl_parse_notification(const void *msg, size_t len, int family,
			      struct dco_notification *n);
int dco_nl_parse_peer_stats(const void *msg, size_t len, int family,
			    struct dco_peer_stats *st);
/* NLMSG_ERROR: 0 for an ACK, the kernel's -errno otherwise; text (may be
 * NULL) receives the extended-ack message if there is one. -EBADMSG if
 * malformed, -ENOMSG if msg is not an NLMSG_ERROR. */
int dco_nl_parse_error(const void *msg, size_t len, int *kernel_err, char *text,
		       size_t text_len);

#endif
