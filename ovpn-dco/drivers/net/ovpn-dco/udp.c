// SPDX-License-Identifier: GPL-2.0-only
/*
 * The UDP socket handed over by userspace. Its receive path gets an
 * encapsulation hook: DATA_V2 packets of known peers are consumed here,
 * everything else continues to the socket unchanged, so the daemon
 * keeps reading its control channel from the same descriptor.
 */

#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/ip6_route.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "compat.h"
#include "io.h"
#include "ovpn.h"
#include "peer.h"
#include "proto.h"
#include "stats.h"
#include "udp.h"

/* serialises attaching and detaching sockets */
static DEFINE_MUTEX(ovpn_socket_mutex);

static int ovpn_udp_encap_recv(struct sock *sk, struct sk_buff *skb)
{
	struct ovpn_socket *os = rcu_dereference_sk_user_data(sk);
	unsigned int hlen = sizeof(struct udphdr);
	struct ovpn_peer *peer;
	u32 peer_id;
	u8 *op;

	if (unlikely(!os))
		return 1;
	if (unlikely(!pskb_may_pull(skb, hlen + OVPN_OP_SIZE)))
		goto drop;
	op = skb->data + hlen;
	if (ovpn_opcode(op) != OVPN_OP_DATA_V2)
		return 1;	/* control channel: to userspace */

	peer_id = ovpn_peer_id(op);
	/* no peer id: the sender is known by its address (MP) or is the
	 * only peer (P2P)
	 */
	if (unlikely(peer_id == OVPN_PEER_ID_UNDEF))
		peer = ovpn_peer_get_by_transp(os->ovpn, skb);
	else
		peer = ovpn_peer_get_by_id(os->ovpn, peer_id);
	if (unlikely(!peer)) {
		net_dbg_ratelimited("%s: data from unknown peer %u\n",
				    netdev_name(os->ovpn->dev), peer_id);
		goto drop;
	}
	__skb_pull(skb, hlen);
	ovpn_stats_add(peer->stats, OVPN_STAT_LINK_RX, skb->len);
	/* the peer reference travels with the skb */
	ovpn_recv(peer, skb);
	return 0;

drop:
	ovpn_dev_rx_dropped(os->ovpn->dev);
	kfree_skb(skb);
	return 0;
}

/* Takes over the caller's file reference on @sock, on success only. A
 * socket already attached to @ovpn is shared.
 */
struct ovpn_socket *ovpn_socket_attach(struct ovpn_struct *ovpn,
				       struct socket *sock)
{
	struct udp_tunnel_sock_cfg cfg = {
		.encap_type = UDP_ENCAP_OVPNINUDP,
		.encap_rcv = ovpn_udp_encap_recv,
	};
	struct sock *sk = sock->sk;
	struct ovpn_socket *os;

	if (sk->sk_protocol != IPPROTO_UDP || sk->sk_type != SOCK_DGRAM ||
	    (sk->sk_family != AF_INET && sk->sk_family != AF_INET6))
		return ERR_PTR(-EPROTONOSUPPORT);

	mutex_lock(&ovpn_socket_mutex);
	os = rcu_dereference_protected(sk->sk_user_data,
				       lockdep_is_held(&ovpn_socket_mutex));
	if (os) {
		/* a UDP server hands the same socket over for each client */
		if (udp_sk(sk)->encap_type != UDP_ENCAP_OVPNINUDP ||
		    os->ovpn != ovpn || !kref_get_unless_zero(&os->refcount))
			os = ERR_PTR(-EBUSY);
		else
			sockfd_put(sock);	/* @os holds its own */
		mutex_unlock(&ovpn_socket_mutex);
		return os;
	}
	if (udp_sk(sk)->encap_type) {
		mutex_unlock(&ovpn_socket_mutex);
		return ERR_PTR(-EBUSY);
	}

	os = kzalloc(sizeof(*os), GFP_KERNEL);
	if (!os) {
		mutex_unlock(&ovpn_socket_mutex);
		return ERR_PTR(-ENOMEM);
	}
	os->ovpn = ovpn;
	os->sock = sock;
	kref_init(&os->refcount);
	cfg.sk_user_data = os;
	setup_udp_tunnel_sock(sock_net(sk), sock, &cfg);
	mutex_unlock(&ovpn_socket_mutex);
	return os;
}

static void ovpn_socket_release(struct kref *kref)
	__releases(&ovpn_socket_mutex)
{
	struct ovpn_socket *os = container_of(kref, struct ovpn_socket,
					      refcount);
	struct sock *sk = os->sock->sk;

	lock_sock(sk);
	WRITE_ONCE(udp_sk(sk)->encap_rcv, NULL);
	udp_sk(sk)->encap_type = 0;
	rcu_assign_sk_user_data(sk, NULL);
	release_sock(sk);
	mutex_unlock(&ovpn_socket_mutex);

	/* receive hooks that saw the old user data are done after this */
	synchronize_net();
	sockfd_put(os->sock);
	kfree(os);
}

/* process context only: detaching waits for an RCU grace period */
void ovpn_socket_put(struct ovpn_socket *os)
{
	might_sleep();
	kref_put_mutex(&os->refcount, ovpn_socket_release,
		       &ovpn_socket_mutex);
}

static int ovpn_udp4_send(struct ovpn_peer *peer, struct ovpn_bind *b,
			  struct sock *sk, struct sk_buff *skb)
{
	struct flowi4 fl4 = {
		.daddr = b->remote.in4.sin_addr.s_addr,
		.saddr = b->local.ip4,
		.fl4_dport = b->remote.in4.sin_port,
		.fl4_sport = inet_sk(sk)->inet_sport,
		.flowi4_proto = IPPROTO_UDP,
		.flowi4_mark = sk->sk_mark,
		.flowi4_oif = sk->sk_bound_dev_if,
	};
	struct rtable *rt;

	rt = dst_cache_get_ip4(&peer->dst_cache, &fl4.saddr);
	if (!rt) {
		rt = ip_route_output_flow(sock_net(sk), &fl4, sk);
		if (IS_ERR(rt) && fl4.saddr) {
			/* the source address is gone: let routing pick */
			fl4.saddr = 0;
			rt = ip_route_output_flow(sock_net(sk), &fl4, sk);
		}
		if (IS_ERR(rt))
			return PTR_ERR(rt);
		dst_cache_set_ip4(&peer->dst_cache, &rt->dst, fl4.saddr);
	}
	WRITE_ONCE(peer->pmtu, dst_mtu(&rt->dst));
	udp_tunnel_xmit_skb(rt, sk, skb, fl4.saddr, fl4.daddr, 0,
			    ip4_dst_hoplimit(&rt->dst), 0, fl4.fl4_sport,
			    fl4.fl4_dport, false, sk->sk_no_check_tx);
	return 0;
}

#if IS_ENABLED(CONFIG_IPV6)
static int ovpn_udp6_send(struct ovpn_peer *peer, struct ovpn_bind *b,
			  struct sock *sk, struct sk_buff *skb)
{
	struct flowi6 fl6 = {
		.daddr = b->remote.in6.sin6_addr,
		.saddr = b->local.ip6,
		.fl6_dport = b->remote.in6.sin6_port,
		.fl6_sport = inet_sk(sk)->inet_sport,
		.flowi6_proto = IPPROTO_UDP,
		.flowi6_mark = sk->sk_mark,
		.flowi6_oif = b->remote.in6.sin6_scope_id ?: sk->sk_bound_dev_if,
	};
	struct dst_entry *dst;

	dst = dst_cache_get_ip6(&peer->dst_cache, &fl6.saddr);
	if (!dst) {
		dst = ipv6_stub->ipv6_dst_lookup_flow(sock_net(sk), sk, &fl6,
						      NULL);
		if (IS_ERR(dst))
			return PTR_ERR(dst);
		dst_cache_set_ip6(&peer->dst_cache, dst, &fl6.saddr);
	}
	WRITE_ONCE(peer->pmtu, dst_mtu(dst));
	/* consumes the skb whatever happens */
	udp_tunnel6_xmit_skb(dst, sk, skb, skb->dev, &fl6.saddr, &fl6.daddr,
			     0, ip6_dst_hoplimit(dst), 0, fl6.fl6_sport,
			     fl6.fl6_dport, udp_get_no_check6_tx(sk));
	return 0;
}
#endif

/* sends the encrypted packet in @skb (starting at the opcode); consumes it */
void ovpn_udp_send(struct ovpn_peer *peer, struct sk_buff *skb)
{
	struct sock *sk = peer->sock->sock->sk;
	struct ovpn_bind *b;
	int err = -EAFNOSUPPORT;

	skb->mark = 0;
	local_bh_disable();
	rcu_read_lock();
	b = rcu_dereference(peer->bind);
	if (unlikely(!b))
		err = -ENOTCONN;
	else if (b->remote.sa.sa_family == AF_INET)
		err = ovpn_udp4_send(peer, b, sk, skb);
#if IS_ENABLED(CONFIG_IPV6)
	else if (b->remote.sa.sa_family == AF_INET6)
		err = ovpn_udp6_send(peer, b, sk, skb);
#endif
	rcu_read_unlock();
	local_bh_enable();
	if (unlikely(err)) {
		net_dbg_ratelimited("%s: cannot send to peer %u: %d\n",
				    netdev_name(peer->ovpn->dev), peer->id,
				    err);
		ovpn_dev_tx_dropped(peer->ovpn->dev);
		kfree_skb(skb);
	}
}
