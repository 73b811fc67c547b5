/* SPDX-License-Identifier: GPL-2.0-only */
/* Peers: lifetime, lookup tables, endpoint, keepalive. */
#ifndef _NET_OVPN_DCO_PEER_H_
#define _NET_OVPN_DCO_PEER_H_

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/kref.h>
#include <linux/timer.h>
#include <net/dst_cache.h>

#include "crypto.h"
#include "ovpn.h"
#include "stats.h"

struct ovpn_socket;
struct ovpn_tcp;

/* index of an address family in per-family tables */
enum ovpn_fam {
	OVPN_FAM_V4,
	OVPN_FAM_V6,
};

union ovpn_sockaddr {
	struct sockaddr sa;
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;
};

/* where a UDP peer is and which local address we use towards it; a new
 * one replaces it when either changes
 */
struct ovpn_bind {
	union ovpn_sockaddr remote;
	union {
		__be32 ip4;
		struct in6_addr ip6;
	} local;
	/* in ovpn->by_transp (MP mode), under ovpn->lock */
	struct hlist_node node;
	struct ovpn_peer *peer;
	struct rcu_head rcu;
};

/* a peer's entry in one of the by_vpn tables */
struct ovpn_vpn_node {
	struct hlist_node node;
	struct ovpn_peer *peer;
};

struct ovpn_peer {
	struct ovpn_struct *ovpn;
	u32 id;
	__be32 vpn4;
	struct in6_addr vpn6;

	struct hlist_node node_id;
	struct ovpn_vpn_node node_vpn[2];	/* by enum ovpn_fam */

	struct ovpn_socket *sock;	/* UDP */
	struct ovpn_tcp *tcp;		/* TCP; one of the two is set */
	struct ovpn_bind __rcu *bind;	/* replaced under ovpn->lock */
	struct dst_cache dst_cache;
	/* MTU of the route towards the peer, for MSS clamping; 0: unknown */
	unsigned int pmtu;

	struct ovpn_crypto_state crypto;
	struct ovpn_pcpu_stats __percpu *stats;

	/* keepalive, in seconds; 0 disables */
	u32 ka_interval;
	u32 ka_timeout;
	unsigned long last_xmit;
	unsigned long last_recv;
	struct timer_list ka_xmit_timer;
	struct timer_list ka_recv_timer;

	bool removed;			/* under ovpn->lock */
	struct kref refcount;
	struct work_struct release_work;
	struct rcu_head rcu;
};

struct ovpn_peer *ovpn_peer_new(struct ovpn_struct *ovpn, u32 id);
int ovpn_peer_set_endpoint(struct ovpn_peer *peer, const u8 *sa, size_t salen,
			   const u8 *local, size_t local_len);
int ovpn_peer_add(struct ovpn_struct *ovpn, struct ovpn_peer *peer);
int ovpn_peer_del(struct ovpn_peer *peer, u8 reason);
void ovpn_peers_release_all(struct ovpn_struct *ovpn);
void ovpn_peer_put(struct ovpn_peer *peer);

static inline bool ovpn_peer_hold(struct ovpn_peer *peer)
{
	return kref_get_unless_zero(&peer->refcount);
}

struct ovpn_peer *ovpn_peer_get_by_id(struct ovpn_struct *ovpn, u32 id);
struct ovpn_peer *ovpn_peer_get_by_transp(struct ovpn_struct *ovpn,
					  struct sk_buff *skb);
struct ovpn_peer *ovpn_peer_get_by_dst(struct ovpn_struct *ovpn,
				       struct sk_buff *skb);
bool ovpn_peer_check_src(struct ovpn_struct *ovpn, struct sk_buff *skb,
			 struct ovpn_peer *peer);

void ovpn_peer_update_endpoint(struct ovpn_peer *peer, struct sk_buff *skb);

void ovpn_peer_keepalive_set(struct ovpn_peer *peer, u32 interval,
			     u32 timeout);

static inline void ovpn_peer_seen_recv(struct ovpn_peer *peer)
{
	WRITE_ONCE(peer->last_recv, jiffies);
}

static inline void ovpn_peer_seen_xmit(struct ovpn_peer *peer)
{
	WRITE_ONCE(peer->last_xmit, jiffies);
}

#endif /* _NET_OVPN_DCO_PEER_H_ */
