/* SPDX-License-Identifier: GPL-2.0-only */
/* OpenVPN data channel wire format (DATA_V2 with an AEAD cipher). */
#ifndef _NET_OVPN_DCO_PROTO_H_
#define _NET_OVPN_DCO_PROTO_H_

#include <linux/types.h>

#include "compat.h"

#define OVPN_OP_DATA_V2		9
#define OVPN_OPCODE_SHIFT	3
#define OVPN_KEY_ID_MASK	0x07
#define OVPN_PEER_ID_MASK	0x00ffffff
#define OVPN_PEER_ID_UNDEF	0x00ffffff

/* opcode/key id (1) + peer id (3) */
#define OVPN_OP_SIZE		4
#define OVPN_PKTID_SIZE		4
#define OVPN_TAG_SIZE		16
#define OVPN_NONCE_TAIL_SIZE	8
#define OVPN_NONCE_SIZE		(OVPN_PKTID_SIZE + OVPN_NONCE_TAIL_SIZE)
/* associated data: opcode, peer id, packet id */
#define OVPN_AAD_SIZE		(OVPN_OP_SIZE + OVPN_PKTID_SIZE)
#define OVPN_HEAD_SIZE		(OVPN_AAD_SIZE + OVPN_TAG_SIZE)

/* the OpenVPN keepalive message, carried as a data packet */
#define OVPN_PING_SIZE		16
extern const u8 ovpn_ping_msg[OVPN_PING_SIZE];

static inline u8 ovpn_opcode(const u8 *p)
{
	return p[0] >> OVPN_OPCODE_SHIFT;
}

static inline u8 ovpn_key_id(const u8 *p)
{
	return p[0] & OVPN_KEY_ID_MASK;
}

static inline u32 ovpn_peer_id(const u8 *p)
{
	return get_unaligned_be32(p) & OVPN_PEER_ID_MASK;
}

static inline void ovpn_write_op(u8 *p, u8 key_id, u32 peer_id)
{
	put_unaligned_be32(((u32)((OVPN_OP_DATA_V2 << OVPN_OPCODE_SHIFT) |
				  key_id) << 24) |
			   (peer_id & OVPN_PEER_ID_MASK), p);
}

#endif /* _NET_OVPN_DCO_PROTO_H_ */
