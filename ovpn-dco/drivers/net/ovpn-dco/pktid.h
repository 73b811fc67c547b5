/* SPDX-License-Identifier: GPL-2.0-only */
/* Packet ids: transmit counter and receive replay window. */
#ifndef _NET_OVPN_DCO_PKTID_H_
#define _NET_OVPN_DCO_PKTID_H_

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#define OVPN_REPLAY_WINDOW	2048
/* older ids are refused once nothing was accepted for this long */
#define OVPN_REPLAY_TIMEOUT	(30 * HZ)

struct ovpn_pktid_xmit {
	atomic64_t seq;
};

struct ovpn_pktid_recv {
	spinlock_t lock;		/* protects the fields below */
	u32 highest;
	unsigned long last_accept;
	DECLARE_BITMAP(seen, OVPN_REPLAY_WINDOW);
};

void ovpn_pktid_xmit_init(struct ovpn_pktid_xmit *pid);
int ovpn_pktid_xmit_next(struct ovpn_pktid_xmit *pid, u32 *id);
void ovpn_pktid_recv_init(struct ovpn_pktid_recv *pr);
int ovpn_pktid_recv(struct ovpn_pktid_recv *pr, u32 id);

#endif /* _NET_OVPN_DCO_PKTID_H_ */
