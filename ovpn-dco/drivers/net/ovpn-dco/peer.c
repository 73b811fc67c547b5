// SPDX-License-Identifier: GPL-2.0-only
/*
 * Peers. A peer is reference counted; the lookup tables of the device
 * hold one reference, every packet in flight another. Readers find
 * peers under RCU and take a reference with kref_get_unless_zero();
 * writers change the tables under ovpn->lock. The last reference
 * queues the release, which needs process context (timers, socket).
 */

#include <linux/ipv6.h>
#include <linux/jhash.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/route.h>

#include <uapi/linux/ovpn_dco.h>

#include "compat.h"
#include "io.h"
#include "netlink.h"
#include "peer.h"
#include "tcp.h"
#include "udp.h"

static void ovpn_peer_ka_xmit(struct timer_list *t);
static void ovpn_peer_ka_recv(struct timer_list *t);
static void ovpn_peer_release_work(struct work_struct *work);

struct ovpn_peer *ovpn_peer_new(struct ovpn_struct *ovpn, u32 id)
{
	struct ovpn_peer *peer;

	peer = kzalloc(sizeof(*peer), GFP_KERNEL);
	if (!peer)
		return ERR_PTR(-ENOMEM);
	peer->stats = ovpn_stats_alloc();
	if (!peer->stats)
		goto err_free;
	if (dst_cache_init(&peer->dst_cache, GFP_KERNEL))
		goto err_stats;

	peer->ovpn = ovpn;
	peer->id = id;
	peer->node_vpn[OVPN_FAM_V4].peer = peer;
	peer->node_vpn[OVPN_FAM_V6].peer = peer;
	ovpn_crypto_state_init(&peer->crypto);
	timer_setup(&peer->ka_xmit_timer, ovpn_peer_ka_xmit, 0);
	timer_setup(&peer->ka_recv_timer, ovpn_peer_ka_recv, 0);
	peer->last_xmit = jiffies;
	peer->last_recv = jiffies;
	INIT_WORK(&peer->release_work, ovpn_peer_release_work);
	kref_init(&peer->refcount);
	dev_hold(ovpn->dev);
	return peer;

err_stats:
	ovpn_stats_free(peer->stats);
err_free:
	kfree(peer);
	return ERR_PTR(-ENOMEM);
}

static void ovpn_peer_free_rcu(struct rcu_head *head)
{
	struct ovpn_peer *peer = container_of(head, struct ovpn_peer, rcu);

	kfree(rcu_access_pointer(peer->bind));
	kfree(peer);
}

static void ovpn_peer_release_work(struct work_struct *work)
{
	struct ovpn_peer *peer = container_of(work, struct ovpn_peer,
					      release_work);
	struct net_device *dev = peer->ovpn->dev;

	if (peer->tcp)
		ovpn_tcp_detach(peer->tcp);
	ovpn_timer_shutdown_sync(&peer->ka_xmit_timer);
	ovpn_timer_shutdown_sync(&peer->ka_recv_timer);
	ovpn_crypto_state_release(&peer->crypto);
	if (peer->sock)
		ovpn_socket_put(peer->sock);
	dst_cache_destroy(&peer->dst_cache);
	ovpn_stats_free(peer->stats);
	call_rcu(&peer->rcu, ovpn_peer_free_rcu);
	dev_put(dev);
}

static void ovpn_peer_release(struct kref *kref)
{
	struct ovpn_peer *peer = container_of(kref, struct ovpn_peer,
					      refcount);

	queue_work(ovpn_wq, &peer->release_work);
}

void ovpn_peer_put(struct ovpn_peer *peer)
{
	kref_put(&peer->refcount, ovpn_peer_release);
}

/* ---- endpoint -------------------------------------------------------- */

int ovpn_peer_set_endpoint(struct ovpn_peer *peer, const u8 *sa, size_t salen,
			   const u8 *local, size_t local_len)
{
	struct ovpn_bind *b;
	sa_family_t family;

	if (salen < sizeof(family))
		return -EINVAL;
	memcpy(&family, sa, sizeof(family));

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	b->peer = peer;

	if (salen == sizeof(struct sockaddr_in) && family == AF_INET) {
		memcpy(&b->remote.in4, sa, salen);
	} else if (salen == sizeof(struct sockaddr_in6) && family == AF_INET6) {
		memcpy(&b->remote.in6, sa, salen);
		if (ipv6_addr_v4mapped(&b->remote.in6.sin6_addr)) {
			struct sockaddr_in in4 = {
				.sin_family = AF_INET,
				.sin_port = b->remote.in6.sin6_port,
				.sin_addr.s_addr =
					b->remote.in6.sin6_addr.s6_addr32[3],
			};

			memset(&b->remote, 0, sizeof(b->remote));
			b->remote.in4 = in4;
		}
	} else {
		netdev_dbg(peer->ovpn->dev, "invalid remote sockaddr (len %zu family %u)\n",
			   salen, family);
		goto err;
	}
	family = b->remote.sa.sa_family;

	if (local_len == sizeof(struct in_addr)) {
		if (family != AF_INET)
			goto err;
		memcpy(&b->local.ip4, local, local_len);
	} else if (local_len == sizeof(struct in6_addr)) {
		const struct in6_addr *a = (const struct in6_addr *)local;

		if (family == AF_INET6)
			b->local.ip6 = *a;
		else if (ipv6_addr_v4mapped(a))
			b->local.ip4 = a->s6_addr32[3];
		else
			goto err;
	} else if (local_len) {
		goto err;
	}

	rcu_assign_pointer(peer->bind, b);
	return 0;
err:
	kfree(b);
	return -EINVAL;
}

static u32 ovpn_sa_hash(const union ovpn_sockaddr *sa)
{
	if (sa->sa.sa_family == AF_INET)
		return jhash_2words((__force u32)sa->in4.sin_addr.s_addr,
				    (__force u32)sa->in4.sin_port, AF_INET);
	return jhash(&sa->in6.sin6_addr, sizeof(sa->in6.sin6_addr),
		     (__force u32)sa->in6.sin6_port);
}

/* same family, address and port */
static bool ovpn_sa_equal(const union ovpn_sockaddr *a,
			  const union ovpn_sockaddr *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->in4.sin_addr.s_addr == b->in4.sin_addr.s_addr &&
		       a->in4.sin_port == b->in4.sin_port;
	return ipv6_addr_equal(&a->in6.sin6_addr, &b->in6.sin6_addr) &&
	       a->in6.sin6_port == b->in6.sin6_port;
}

/* same local address, for binds of the same family */
static bool ovpn_local_equal(const struct ovpn_bind *a,
			     const struct ovpn_bind *b)
{
	if (a->remote.sa.sa_family == AF_INET)
		return a->local.ip4 == b->local.ip4;
	return ipv6_addr_equal(&a->local.ip6, &b->local.ip6);
}

/* the endpoint a UDP packet shows (network and transport headers set):
 * its outer source, and our address it was sent to
 */
static void ovpn_bind_from_skb(struct sk_buff *skb, struct ovpn_bind *b)
{
	memset(b, 0, sizeof(*b));
	if (ip_hdr(skb)->version == 4) {
		b->remote.in4.sin_family = AF_INET;
		b->remote.in4.sin_addr.s_addr = ip_hdr(skb)->saddr;
		b->remote.in4.sin_port = udp_hdr(skb)->source;
		b->local.ip4 = ip_hdr(skb)->daddr;
	} else {
		b->remote.in6.sin6_family = AF_INET6;
		b->remote.in6.sin6_addr = ipv6_hdr(skb)->saddr;
		b->remote.in6.sin6_port = udp_hdr(skb)->source;
		b->remote.in6.sin6_scope_id =
			ipv6_iface_scope_id(&ipv6_hdr(skb)->saddr, skb->skb_iif);
		b->local.ip6 = ipv6_hdr(skb)->daddr;
	}
}

/* under ovpn->lock; MP peers only */
static void ovpn_bind_hash_add(struct ovpn_struct *ovpn, struct ovpn_bind *b)
{
	hash_add_rcu(ovpn->by_transp, &b->node, ovpn_sa_hash(&b->remote));
}

static void ovpn_bind_hash_del(struct ovpn_bind *b)
{
	if (b && !hlist_unhashed(&b->node))
		hash_del_rcu(&b->node);
}

static void ovpn_bind_replace(struct ovpn_peer *peer, struct ovpn_bind *b)
{
	struct ovpn_struct *ovpn = peer->ovpn;
	struct ovpn_bind *old;

	spin_lock_bh(&ovpn->lock);
	old = rcu_replace_pointer(peer->bind, b, lockdep_is_held(&ovpn->lock));
	/* a new node, never the old one moved: readers walking the old
	 * bucket are not diverted into another one
	 */
	ovpn_bind_hash_del(old);
	if (ovpn->mode == OVPN_MODE_MP && !peer->removed)
		ovpn_bind_hash_add(ovpn, b);
	spin_unlock_bh(&ovpn->lock);
	dst_cache_reset(&peer->dst_cache);
	if (old)
		kfree_rcu(old, rcu);
}

/*
 * After an authenticated packet: when its outer source differs from the
 * endpoint the peer floated there; when it was sent to another of our
 * addresses, that one becomes our source towards the peer. Either way
 * the packet's view replaces the endpoint.
 */
void ovpn_peer_update_endpoint(struct ovpn_peer *peer, struct sk_buff *skb)
{
	struct ovpn_bind seen, *old, *b;
	bool moved, same;

	ovpn_bind_from_skb(skb, &seen);
	rcu_read_lock();
	old = rcu_dereference(peer->bind);
	moved = old && !ovpn_sa_equal(&old->remote, &seen.remote);
	same = !old || (!moved && ovpn_local_equal(old, &seen));
	rcu_read_unlock();
	if (likely(same))
		return;

	b = kmemdup(&seen, sizeof(seen), GFP_ATOMIC);
	if (!b)
		return;
	b->peer = peer;
	if (moved)
		net_dbg_ratelimited("%s: peer %u floated to %pISpc\n",
				    netdev_name(peer->ovpn->dev), peer->id,
				    &b->remote.sa);
	ovpn_bind_replace(peer, b);
}

/* ---- tables ---------------------------------------------------------- */

static size_t ovpn_fam_len(enum ovpn_fam fam)
{
	return fam == OVPN_FAM_V4 ? sizeof(__be32) : sizeof(struct in6_addr);
}

static u32 ovpn_vpn_hash(enum ovpn_fam fam, const void *addr)
{
	return jhash(addr, ovpn_fam_len(fam), 0);
}

/* the peer's VPN address of @fam, NULL if it has none */
static const void *ovpn_peer_vpn(const struct ovpn_peer *peer,
				 enum ovpn_fam fam)
{
	if (fam == OVPN_FAM_V4)
		return peer->vpn4 ? &peer->vpn4 : NULL;
	return ipv6_addr_any(&peer->vpn6) ? NULL : &peer->vpn6;
}

int ovpn_peer_add(struct ovpn_struct *ovpn, struct ovpn_peer *peer)
{
	struct ovpn_peer *old = NULL, *p;
	struct ovpn_bind *b;
	enum ovpn_fam fam;
	const void *addr;

	spin_lock_bh(&ovpn->lock);
	if (ovpn->mode == OVPN_MODE_P2P) {
		old = rcu_replace_pointer(ovpn->p2p_peer, peer,
					  lockdep_is_held(&ovpn->lock));
		if (old) {
			old->removed = true;
			netdev_info(ovpn->dev, "deleting peer with id %u, reason %u\n",
				    old->id, OVPN_DEL_PEER_REASON_TEARDOWN);
			ovpn_nl_notify_del_peer(old,
						OVPN_DEL_PEER_REASON_TEARDOWN);
		}
		spin_unlock_bh(&ovpn->lock);
		if (old)
			ovpn_peer_put(old);
		return 0;
	}

	hash_for_each_possible(ovpn->by_id, p, node_id, peer->id) {
		if (p->id == peer->id) {
			spin_unlock_bh(&ovpn->lock);
			return -EEXIST;
		}
	}
	hash_add_rcu(ovpn->by_id, &peer->node_id, peer->id);
	for (fam = OVPN_FAM_V4; fam <= OVPN_FAM_V6; fam++) {
		addr = ovpn_peer_vpn(peer, fam);
		if (addr)
			hash_add_rcu(ovpn->by_vpn[fam], &peer->node_vpn[fam].node,
				     ovpn_vpn_hash(fam, addr));
	}
	b = rcu_dereference_protected(peer->bind, lockdep_is_held(&ovpn->lock));
	if (b)
		ovpn_bind_hash_add(ovpn, b);
	spin_unlock_bh(&ovpn->lock);
	return 0;
}

static void ovpn_peer_unlink_locked(struct ovpn_peer *peer, u8 reason)
{
	struct ovpn_struct *ovpn = peer->ovpn;

	lockdep_assert_held(&ovpn->lock);
	peer->removed = true;
	if (ovpn->mode == OVPN_MODE_P2P) {
		RCU_INIT_POINTER(ovpn->p2p_peer, NULL);
	} else {
		hash_del_rcu(&peer->node_id);
		if (ovpn_peer_vpn(peer, OVPN_FAM_V4))
			hash_del_rcu(&peer->node_vpn[OVPN_FAM_V4].node);
		if (ovpn_peer_vpn(peer, OVPN_FAM_V6))
			hash_del_rcu(&peer->node_vpn[OVPN_FAM_V6].node);
		ovpn_bind_hash_del(rcu_dereference_protected(peer->bind,
							     lockdep_is_held(&ovpn->lock)));
	}
	netdev_info(ovpn->dev, "deleting peer with id %u, reason %u\n",
		    peer->id, reason);
	ovpn_nl_notify_del_peer(peer, reason);
	/* the tables' reference */
	ovpn_peer_put(peer);
}

/* The caller holds a reference. -ENOENT if the peer was already gone. */
int ovpn_peer_del(struct ovpn_peer *peer, u8 reason)
{
	struct ovpn_struct *ovpn = peer->ovpn;
	int ret = -ENOENT;

	spin_lock_bh(&ovpn->lock);
	if (!peer->removed) {
		ovpn_peer_unlink_locked(peer, reason);
		ret = 0;
	}
	spin_unlock_bh(&ovpn->lock);
	return ret;
}

void ovpn_peers_release_all(struct ovpn_struct *ovpn)
{
	struct ovpn_peer *peer;
	struct hlist_node *tmp;
	int bkt;

	spin_lock_bh(&ovpn->lock);
	peer = rcu_dereference_protected(ovpn->p2p_peer,
					 lockdep_is_held(&ovpn->lock));
	if (peer)
		ovpn_peer_unlink_locked(peer, OVPN_DEL_PEER_REASON_TEARDOWN);
	hash_for_each_safe(ovpn->by_id, bkt, tmp, peer, node_id)
		ovpn_peer_unlink_locked(peer, OVPN_DEL_PEER_REASON_TEARDOWN);
	spin_unlock_bh(&ovpn->lock);
}

static struct ovpn_peer *ovpn_peer_ref(struct ovpn_peer *peer)
{
	return peer && ovpn_peer_hold(peer) ? peer : NULL;
}

struct ovpn_peer *ovpn_peer_get_by_id(struct ovpn_struct *ovpn, u32 id)
{
	struct ovpn_peer *peer, *found = NULL;

	rcu_read_lock();
	if (ovpn->mode == OVPN_MODE_P2P) {
		peer = rcu_dereference(ovpn->p2p_peer);
		if (peer && peer->id == id)
			found = ovpn_peer_ref(peer);
	} else {
		hash_for_each_possible_rcu(ovpn->by_id, peer, node_id, id) {
			if (peer->id == id) {
				found = ovpn_peer_ref(peer);
				break;
			}
		}
	}
	rcu_read_unlock();
	return found;
}

/* MP: a UDP packet (starting at its UDP header) whose DATA_V2 header
 * has no peer id belongs to the peer at its outer source address
 */
struct ovpn_peer *ovpn_peer_get_by_transp(struct ovpn_struct *ovpn,
					  struct sk_buff *skb)
{
	struct ovpn_peer *found = NULL;
	struct ovpn_bind seen, *b;

	if (ovpn->mode == OVPN_MODE_P2P) {
		rcu_read_lock();
		found = ovpn_peer_ref(rcu_dereference(ovpn->p2p_peer));
		rcu_read_unlock();
		return found;
	}
	ovpn_bind_from_skb(skb, &seen);
	rcu_read_lock();
	hash_for_each_possible_rcu(ovpn->by_transp, b, node,
				   ovpn_sa_hash(&seen.remote)) {
		if (ovpn_sa_equal(&b->remote, &seen.remote)) {
			found = ovpn_peer_ref(b->peer);
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

/* under RCU; no reference taken */
static struct ovpn_peer *ovpn_peer_by_vpn(struct ovpn_struct *ovpn,
					  enum ovpn_fam fam, const void *addr)
{
	struct ovpn_vpn_node *n;
	const void *a;

	hash_for_each_possible_rcu(ovpn->by_vpn[fam], n, node,
				   ovpn_vpn_hash(fam, addr)) {
		a = ovpn_peer_vpn(n->peer, fam);
		if (a && !memcmp(a, addr, ovpn_fam_len(fam)))
			return n->peer;
	}
	return NULL;
}

/* MP routing: the peer owning @addr itself, or else the peer whose VPN
 * address is the gateway of the kernel's route to @addr (iroutes).
 */
static struct ovpn_peer *ovpn_peer_route4(struct ovpn_struct *ovpn,
					  __be32 addr)
{
	struct ovpn_peer *peer = ovpn_peer_by_vpn(ovpn, OVPN_FAM_V4, &addr);
	struct flowi4 fl4 = { .daddr = addr };
	struct rtable *rt;
	__be32 gw = 0;

	if (peer)
		return peer;
	rt = ip_route_output_flow(dev_net(ovpn->dev), &fl4, NULL);
	if (IS_ERR(rt))
		return NULL;
	if (rt->rt_gw_family == AF_INET)
		gw = rt->rt_gw4;
	ip_rt_put(rt);
	return gw ? ovpn_peer_by_vpn(ovpn, OVPN_FAM_V4, &gw) : NULL;
}

static struct ovpn_peer *ovpn_peer_route6(struct ovpn_struct *ovpn,
					  const struct in6_addr *addr)
{
	struct ovpn_peer *peer = ovpn_peer_by_vpn(ovpn, OVPN_FAM_V6, addr);
	struct flowi6 fl6 = { .daddr = *addr };
	struct in6_addr gw = {};
	struct dst_entry *dst;
	struct rt6_info *rt;

	if (peer)
		return peer;
	dst = ip6_route_output(dev_net(ovpn->dev), NULL, &fl6);
	if (dst->error) {
		dst_release(dst);
		return NULL;
	}
	rt = container_of(dst, struct rt6_info, dst);
	if (rt->rt6i_flags & RTF_GATEWAY)
		gw = rt->rt6i_gateway;
	dst_release(dst);
	return ipv6_addr_any(&gw) ? NULL : ovpn_peer_by_vpn(ovpn, OVPN_FAM_V6, &gw);
}

struct ovpn_peer *ovpn_peer_get_by_dst(struct ovpn_struct *ovpn,
				       struct sk_buff *skb)
{
	struct ovpn_peer *peer;

	rcu_read_lock();
	if (ovpn->mode == OVPN_MODE_P2P)
		peer = rcu_dereference(ovpn->p2p_peer);
	else if (skb->protocol == htons(ETH_P_IP))
		peer = ovpn_peer_route4(ovpn, ip_hdr(skb)->daddr);
	else
		peer = ovpn_peer_route6(ovpn, &ipv6_hdr(skb)->daddr);
	peer = ovpn_peer_ref(peer);
	rcu_read_unlock();
	return peer;
}

/* MP reverse-path check: would we route the inner source to @peer? */
bool ovpn_peer_check_src(struct ovpn_struct *ovpn, struct sk_buff *skb,
			 struct ovpn_peer *peer)
{
	struct ovpn_peer *owner;

	if (ovpn->mode == OVPN_MODE_P2P)
		return true;
	rcu_read_lock();
	if (skb->protocol == htons(ETH_P_IP))
		owner = ovpn_peer_route4(ovpn, ip_hdr(skb)->saddr);
	else
		owner = ovpn_peer_route6(ovpn, &ipv6_hdr(skb)->saddr);
	rcu_read_unlock();
	return owner == peer;
}

/* ---- keepalive ------------------------------------------------------- */

static void ovpn_peer_ka_xmit(struct timer_list *t)
{
	struct ovpn_peer *peer = from_timer(peer, t, ka_xmit_timer);
	unsigned long due, ival;

	if (!ovpn_peer_hold(peer))
		return;
	ival = (unsigned long)READ_ONCE(peer->ka_interval) * HZ;
	if (!ival || READ_ONCE(peer->removed))
		goto out;
	due = READ_ONCE(peer->last_xmit) + ival;
	if (time_before(jiffies, due)) {
		mod_timer(&peer->ka_xmit_timer, due);
		goto out;
	}
	ovpn_xmit_ping(peer);
	mod_timer(&peer->ka_xmit_timer, jiffies + ival);
out:
	ovpn_peer_put(peer);
}

static void ovpn_peer_ka_recv(struct timer_list *t)
{
	struct ovpn_peer *peer = from_timer(peer, t, ka_recv_timer);
	unsigned long due, tmo;

	if (!ovpn_peer_hold(peer))
		return;
	tmo = (unsigned long)READ_ONCE(peer->ka_timeout) * HZ;
	if (!tmo || READ_ONCE(peer->removed))
		goto out;
	due = READ_ONCE(peer->last_recv) + tmo;
	if (time_before(jiffies, due)) {
		mod_timer(&peer->ka_recv_timer, due);
		goto out;
	}
	ovpn_peer_del(peer, OVPN_DEL_PEER_REASON_EXPIRED);
out:
	ovpn_peer_put(peer);
}

void ovpn_peer_keepalive_set(struct ovpn_peer *peer, u32 interval,
			     u32 timeout)
{
	unsigned long now = jiffies;

	WRITE_ONCE(peer->ka_interval, interval);
	WRITE_ONCE(peer->ka_timeout, timeout);
	WRITE_ONCE(peer->last_xmit, now);
	WRITE_ONCE(peer->last_recv, now);
	if (interval)
		mod_timer(&peer->ka_xmit_timer, now + (unsigned long)interval * HZ);
	else
		del_timer(&peer->ka_xmit_timer);
	if (timeout)
		mod_timer(&peer->ka_recv_timer, now + (unsigned long)timeout * HZ);
	else
		del_timer(&peer->ka_recv_timer);
}
