/* SPDX-License-Identifier: GPL-2.0-only */
/* The ovpn-dco network device and what it owns. */
#ifndef _NET_OVPN_DCO_OVPN_H_
#define _NET_OVPN_DCO_OVPN_H_

#include <linux/hashtable.h>
#include <linux/netdevice.h>
#include <net/gro_cells.h>

#define OVPN_PEER_HASH_BITS	10

struct ovpn_peer;

struct ovpn_struct {
	struct net_device *dev;
	u8 mode;
	/* writers of the peer tables; readers use RCU */
	spinlock_t lock;
	struct ovpn_peer __rcu *p2p_peer;
	DECLARE_HASHTABLE(by_id, OVPN_PEER_HASH_BITS);
	/* by VPN address, one table per family (enum ovpn_fam) */
	struct hlist_head by_vpn[2][1 << OVPN_PEER_HASH_BITS];
	/* UDP peers by remote transport address (struct ovpn_bind) */
	DECLARE_HASHTABLE(by_transp, OVPN_PEER_HASH_BITS);
	struct gro_cells gro_cells;
};

extern const struct net_device_ops ovpn_netdev_ops;
/* process-context work of the module: peer and key release */
extern struct workqueue_struct *ovpn_wq;

static inline bool ovpn_dev_is_ours(const struct net_device *dev)
{
	return dev->netdev_ops == &ovpn_netdev_ops;
}

#endif /* _NET_OVPN_DCO_OVPN_H_ */
