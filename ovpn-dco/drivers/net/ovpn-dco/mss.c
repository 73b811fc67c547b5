// SPDX-License-Identifier: GPL-2.0-only
/*
 * TCP MSS clamping. OpenVPN's default tun-mtu of 1500 over a 1500-byte
 * path makes every full-size packet too big once encapsulated, so the
 * outer packet would be fragmented. Lowering the MSS announced in TCP
 * SYNs (both directions) to what fits the path after our overhead keeps
 * TCP from ever producing such packets, as userspace --mssfix does.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/moduleparam.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/tcp.h>

#include "mss.h"
#include "peer.h"
#include "proto.h"

/*
 * Read-only once loaded: userspace reads it in sysfs to know that this
 * module, unlike the reference one, keeps TCP from fragmenting outside.
 */
static bool mss_clamp = true;
module_param(mss_clamp, bool, 0444);
MODULE_PARM_DESC(mss_clamp, "clamp the MSS of TCP SYNs to the transport path (default: on)");

/* largest inner packet that fits the path towards @peer */
static unsigned int ovpn_mss_inner_max(struct ovpn_peer *peer)
{
	unsigned int pmtu = READ_ONCE(peer->pmtu) ?: ETH_DATA_LEN;
	unsigned int outer = sizeof(struct udphdr) + OVPN_HEAD_SIZE;
	struct ovpn_bind *b;

	rcu_read_lock();
	b = rcu_dereference(peer->bind);
	outer += b && b->remote.sa.sa_family == AF_INET6 ?
		 sizeof(struct ipv6hdr) : sizeof(struct iphdr);
	rcu_read_unlock();
	if (pmtu <= outer)
		return 0;
	return min(pmtu - outer, peer->ovpn->dev->mtu);
}

static void ovpn_mss_rewrite(struct sk_buff *skb, unsigned int thoff,
			     u16 max_mss)
{
	unsigned int optlen, i = sizeof(struct tcphdr);
	struct tcphdr *th;
	u8 *opt;

	if (!pskb_may_pull(skb, thoff + sizeof(*th)))
		return;
	th = (struct tcphdr *)(skb->data + thoff);
	if (!th->syn || th->doff * 4 <= sizeof(*th))
		return;
	optlen = th->doff * 4;
	if (skb_ensure_writable(skb, thoff + optlen))
		return;
	th = (struct tcphdr *)(skb->data + thoff);
	opt = (u8 *)th;

	while (i + 1 < optlen) {
		u8 kind = opt[i], len;

		if (kind == TCPOPT_EOL)
			return;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		len = opt[i + 1];
		if (len < 2 || i + len > optlen)
			return;
		if (kind == TCPOPT_MSS && len == TCPOLEN_MSS) {
			u16 mss = get_unaligned_be16(opt + i + 2);

			if (mss <= max_mss)
				return;
			put_unaligned_be16(max_mss, opt + i + 2);
			inet_proto_csum_replace2(&th->check, skb, htons(mss),
						 htons(max_mss), false);
			return;
		}
		i += len;
	}
}

/* @skb starts at its IPv4/IPv6 header, skb->protocol is set */
void ovpn_mss_clamp(struct ovpn_peer *peer, struct sk_buff *skb)
{
	unsigned int inner, thoff, hdrs;

	if (!mss_clamp)
		return;
	inner = ovpn_mss_inner_max(peer);
	if (skb->protocol == htons(ETH_P_IP)) {
		const struct iphdr *iph = (const struct iphdr *)skb->data;

		if (iph->protocol != IPPROTO_TCP ||
		    (iph->frag_off & htons(IP_OFFSET)))
			return;
		thoff = iph->ihl * 4;
	} else {
		const struct ipv6hdr *ip6 = (const struct ipv6hdr *)skb->data;

		/* SYNs do not carry extension headers in practice */
		if (ip6->nexthdr != IPPROTO_TCP)
			return;
		thoff = sizeof(*ip6);
	}
	hdrs = thoff + sizeof(struct tcphdr);
	if (inner <= hdrs + 64)
		return;
	ovpn_mss_rewrite(skb, thoff, inner - hdrs);
}
