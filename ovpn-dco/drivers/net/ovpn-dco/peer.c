// SPDX-License-Identifier: GPL-2.0-only
/*
 * Peers. A peer is reference counted; the lookup tables of the device
 * hold one reference, every packet in flight another. Readers find
 * peers under RCU and take a reference with kref_get_unless_zero();
 * writers change the tables under ovpn->lock. The last reference
 * queues the release, which needs process context (timers, socket).
 */

#include <linux/ipv6.h>
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
	spin_lock_init(&peer->bind_lock);
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

static void ovpn_bind_replace(struct ovpn_peer *peer, struct ovpn_bind *b)
{
	struct ovpn_bind *old;

	spin_lock_bh(&peer->bind_lock);
	old = rcu_replace_pointer(peer->bind, b,
				  lockdep_is_held(&peer->bind_lock));
	spin_unlock_bh(&peer->bind_lock);
	dst_cache_reset(&peer->dst_cache);
	if (old)
		kfree_rcu(old, rcu);
}

/* the packet's outer source differs from the endpoint: follow it */
void ovpn_peer_float(struct ovpn_peer *peer, struct sk_buff *skb)
{
	struct ovpn_bind *old, *b;
	bool same;

	rcu_read_lock();
	old = rcu_dereference(peer->bind);
	if (!old) {
		rcu_read_unlock();
		return;
	}
	if (ip_hdr(skb)->version == 4)
		same = old->remote.sa.sa_family == AF_INET &&
		       old->remote.in4.sin_addr.s_addr == ip_hdr(skb)->saddr &&
		       old->remote.in4.sin_port == udp_hdr(skb)->source;
	else
		same = old->remote.sa.sa_family == AF_INET6 &&
		       ipv6_addr_equal(&old->remote.in6.sin6_addr,
				       &ipv6_hdr(skb)->saddr) &&
		       old->remote.in6.sin6_port == udp_hdr(skb)->source;
	rcu_read_unlock();
	if (likely(same))
		return;

	b = kzalloc(sizeof(*b), GFP_ATOMIC);
	if (!b)
		return;
	if (ip_hdr(skb)->version == 4) {
		b->remote.in4.sin_family = AF_INET;
		b->remote.in4.sin_addr.s_addr = ip_hdr(skb)->saddr;
		b->remote.in4.sin_port = udp_hdr(skb)->source;
		b->local.ip4 = ip_hdr(skb)->daddr;
	} else {
		b->remote.in6.sin6_family = AF_INET6;
		b->remote.in6.sin6_addr = ipv6_hdr(skb)->saddr;
		b->remote.in6.sin6_port = udp_hdr(skb)->source;
		b->remote.in6.sin6_scope_id = ipv6_iface_scope_id(&ipv6_hdr(skb)->saddr,
								  skb->skb_iif);
		b->local.ip6 = ipv6_hdr(skb)->daddr;
	}
	net_dbg_ratelimited("%s: peer %u floated to %pISpc\n",
			    netdev_name(peer->ovpn->dev), peer->id,
			    &b->remote.sa);
	ovpn_bind_replace(peer, b);
}

/* remember the address the peer sends to, and use it as our source */
void ovpn_peer_learn_local(struct ovpn_peer *peer, struct sk_buff *skb)
{
	struct ovpn_bind *old, *b;
	bool same;

	rcu_read_lock();
	old = rcu_dereference(peer->bind);
	if (!old) {
		rcu_read_unlock();
		return;
	}
	if (ip_hdr(skb)->version == 4)
		same = old->remote.sa.sa_family != AF_INET ||
		       old->local.ip4 == ip_hdr(skb)->daddr;
	else
		same = old->remote.sa.sa_family != AF_INET6 ||
		       ipv6_addr_equal(&old->local.ip6, &ipv6_hdr(skb)->daddr);
	if (likely(same)) {
		rcu_read_unlock();
		return;
	}
	b = kmemdup(old, sizeof(*b), GFP_ATOMIC);
	rcu_read_unlock();
	if (!b)
		return;
	if (ip_hdr(skb)->version == 4)
		b->local.ip4 = ip_hdr(skb)->daddr;
	else
		b->local.ip6 = ipv6_hdr(skb)->daddr;
	ovpn_bind_replace(peer, b);
}

/* ---- tables ---------------------------------------------------------- */

static u32 ovpn_hash6(const struct in6_addr *a)
{
	return jhash(a, sizeof(*a), 0);
}

int ovpn_peer_add(struct ovpn_struct *ovpn, struct ovpn_peer *peer)
{
	struct ovpn_peer *old = NULL, *p;

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
	if (peer->vpn4)
		hash_add_rcu(ovpn->by_vpn4, &peer->node_vpn4,
			     (__force u32)peer->vpn4);
	if (!ipv6_addr_any(&peer->vpn6))
		hash_add_rcu(ovpn->by_vpn6, &peer->node_vpn6,
			     ovpn_hash6(&peer->vpn6));
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
		if (peer->vpn4)
			hash_del_rcu(&peer->node_vpn4);
		if (!ipv6_addr_any(&peer->vpn6))
			hash_del_rcu(&peer->node_vpn6);
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

/* under RCU; no reference taken */
static struct ovpn_peer *ovpn_peer_by_vpn4(struct ovpn_struct *ovpn,
					   __be32 addr)
{
	struct ovpn_peer *peer;

	hash_for_each_possible_rcu(ovpn->by_vpn4, peer, node_vpn4,
				   (__force u32)addr)
		if (peer->vpn4 == addr)
			return peer;
	return NULL;
}

static struct ovpn_peer *ovpn_peer_by_vpn6(struct ovpn_struct *ovpn,
					   const struct in6_addr *addr)
{
	struct ovpn_peer *peer;

	hash_for_each_possible_rcu(ovpn->by_vpn6, peer, node_vpn6,
				   ovpn_hash6(addr))
		if (ipv6_addr_equal(&peer->vpn6, addr))
			return peer;
	return NULL;
}

/* MP routing: the peer owning @addr itself, or else the peer whose VPN
 * address is the gateway of the kernel's route to @addr (iroutes).
 */
static struct ovpn_peer *ovpn_peer_route4(struct ovpn_struct *ovpn,
					  __be32 addr)
{
	struct ovpn_peer *peer = ovpn_peer_by_vpn4(ovpn, addr);
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
	return gw ? ovpn_peer_by_vpn4(ovpn, gw) : NULL;
}

static struct ovpn_peer *ovpn_peer_route6(struct ovpn_struct *ovpn,
					  const struct in6_addr *addr)
{
	struct ovpn_peer *peer = ovpn_peer_by_vpn6(ovpn, addr);
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
	return ipv6_addr_any(&gw) ? NULL : ovpn_peer_by_vpn6(ovpn, &gw);
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
