// SPDX-License-Identifier: GPL-2.0-only
/*
 * The data path. Receive: key lookup, decryption, replay check,
 * keepalive bookkeeping, delivery through GRO cells. Transmit: peer
 * selection, software GSO, encryption, UDP output. Both directions run
 * in the context that brought the packet (softirq or the device's
 * transmit call) and continue from the crypto completion when the
 * transform is asynchronous.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <net/gro_cells.h>
#include <net/ip.h>

#include "compat.h"
#include "crypto.h"
#include "io.h"
#include "mss.h"
#include "ovpn.h"
#include "peer.h"
#include "proto.h"
#include "stats.h"
#include "tcp.h"
#include "udp.h"

const u8 ovpn_ping_msg[OVPN_PING_SIZE] = {
	0x2a, 0x18, 0x7b, 0xf3, 0x64, 0x1e, 0xb4, 0xcb,
	0x07, 0xed, 0x2d, 0x0a, 0x98, 0x1f, 0xc7, 0x48
};

/* room for our header plus UDP and the larger IP header */
#define OVPN_XMIT_HEADROOM (OVPN_HEAD_SIZE + sizeof(struct udphdr) + \
			    sizeof(struct ipv6hdr) + LL_MAX_HEADER)

/* IPv4 or IPv6 matching the version nibble, else 0 */
static __be16 ovpn_ip_proto(struct sk_buff *skb)
{
	if (!pskb_may_pull(skb, sizeof(struct iphdr)))
		return 0;
	switch (skb->data[0] >> 4) {
	case 4:
		return htons(ETH_P_IP);
	case 6:
		if (!pskb_may_pull(skb, sizeof(struct ipv6hdr)))
			return 0;
		return htons(ETH_P_IPV6);
	default:
		return 0;
	}
}

static bool ovpn_is_ping(struct sk_buff *skb)
{
	u8 buf[OVPN_PING_SIZE];

	if (skb->len != OVPN_PING_SIZE)
		return false;
	if (skb_copy_bits(skb, 0, buf, OVPN_PING_SIZE))
		return false;
	return !memcmp(buf, ovpn_ping_msg, OVPN_PING_SIZE);
}

/* ---- receive --------------------------------------------------------- */

static void ovpn_deliver(struct ovpn_peer *peer, struct sk_buff *skb)
{
	struct net_device *dev = peer->ovpn->dev;
	unsigned int len;

	skb->protocol = ovpn_ip_proto(skb);
	if (unlikely(!skb->protocol))
		goto drop;
	skb_reset_network_header(skb);
	if (unlikely(!ovpn_peer_check_src(peer->ovpn, skb, peer))) {
		net_dbg_ratelimited("%s: peer %u sent a packet with a foreign source\n",
				    netdev_name(dev), peer->id);
		goto drop;
	}
	ovpn_mss_clamp(peer, skb);
	skb_scrub_packet(skb, true);
	skb->dev = dev;
	skb->pkt_type = PACKET_HOST;
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	skb->csum_level = 0;
	skb_reset_transport_header(skb);
	skb_reset_mac_header(skb);
	len = skb->len;
	if (likely(gro_cells_receive(&peer->ovpn->gro_cells, skb) ==
		   NET_RX_SUCCESS))
		dev_sw_netstats_rx_add(dev, len);
	return;
drop:
	ovpn_dev_rx_dropped(dev);
	kfree_skb(skb);
}

static void ovpn_decrypt_post(struct sk_buff *skb, int err)
{
	struct ovpn_peer *peer = OVPN_SKB_CB(skb)->peer;
	struct ovpn_crypto_key *ks = OVPN_SKB_CB(skb)->ks;
	u32 pktid;

	ovpn_crypto_ctx_free(skb);
	if (unlikely(err)) {
		net_dbg_ratelimited("%s: decryption failed for peer %u, key-id %u: %d\n",
				    netdev_name(peer->ovpn->dev), peer->id,
				    ks->key_id, err);
		goto drop;
	}
	pktid = get_unaligned_be32(skb->data + OVPN_OP_SIZE);
	err = ovpn_pktid_recv(&ks->pid_recv, pktid);
	if (unlikely(err)) {
		net_dbg_ratelimited("%s: peer %u: packet id %u replayed or too old\n",
				    netdev_name(peer->ovpn->dev), peer->id,
				    pktid);
		goto drop;
	}
	ovpn_crypto_key_put(ks);
	ks = NULL;

	ovpn_peer_seen_recv(peer);
	/* only authenticated packets may move the endpoint (UDP) */
	if (!peer->tcp)
		ovpn_peer_update_endpoint(peer, skb);
	__skb_pull(skb, OVPN_HEAD_SIZE);
	ovpn_stats_add(peer->stats, OVPN_STAT_VPN_RX, skb->len);
	if (unlikely(ovpn_is_ping(skb))) {
		consume_skb(skb);
		goto out;
	}
	ovpn_deliver(peer, skb);
	goto out;
drop:
	ovpn_dev_rx_dropped(peer->ovpn->dev);
	kfree_skb(skb);
out:
	if (ks)
		ovpn_crypto_key_put(ks);
	ovpn_peer_put(peer);
}

static void ovpn_decrypt_done(OVPN_CRYPTO_DONE_ARGS)
{
	struct sk_buff *skb = OVPN_CRYPTO_DONE_DATA;

	if (err == -EINPROGRESS)
		return;
	local_bh_disable();
	ovpn_decrypt_post(skb, err);
	local_bh_enable();
}

/* @skb starts at the opcode; the caller's reference on @peer is handed
 * over to the skb and dropped when the packet is done.
 */
void ovpn_recv(struct ovpn_peer *peer, struct sk_buff *skb)
{
	struct ovpn_crypto_key *ks;
	u8 key_id;
	int err;

	OVPN_SKB_CB(skb)->peer = peer;
	OVPN_SKB_CB(skb)->ks = NULL;
	OVPN_SKB_CB(skb)->crypto_ctx = NULL;
	if (unlikely(!pskb_may_pull(skb, OVPN_HEAD_SIZE)))
		goto drop;
	key_id = ovpn_key_id(skb->data);
	ks = ovpn_crypto_by_key_id(&peer->crypto, key_id);
	if (unlikely(!ks)) {
		net_dbg_ratelimited("%s: no key for peer %u, key-id %u\n",
				    netdev_name(peer->ovpn->dev), peer->id,
				    key_id);
		goto drop;
	}
	OVPN_SKB_CB(skb)->ks = ks;
	err = ovpn_aead_decrypt(ks, skb, ovpn_decrypt_done);
	if (err == -EINPROGRESS)
		return;
	ovpn_decrypt_post(skb, err);
	return;
drop:
	ovpn_dev_rx_dropped(peer->ovpn->dev);
	kfree_skb(skb);
	ovpn_peer_put(peer);
}

/* ---- transmit -------------------------------------------------------- */

static void ovpn_encrypt_post(struct sk_buff *skb, int err)
{
	struct ovpn_peer *peer = OVPN_SKB_CB(skb)->peer;
	struct ovpn_crypto_key *ks = OVPN_SKB_CB(skb)->ks;

	ovpn_crypto_ctx_free(skb);
	ovpn_crypto_key_put(ks);
	if (unlikely(err)) {
		net_dbg_ratelimited("%s: encryption failed for peer %u: %d\n",
				    netdev_name(peer->ovpn->dev), peer->id,
				    err);
		ovpn_dev_tx_dropped(peer->ovpn->dev);
		kfree_skb(skb);
		goto out;
	}
	ovpn_stats_add(peer->stats, OVPN_STAT_LINK_TX, skb->len);
	ovpn_peer_seen_xmit(peer);
	if (peer->tcp)
		ovpn_tcp_send(peer, skb);
	else
		ovpn_udp_send(peer, skb);
out:
	ovpn_peer_put(peer);
}

static void ovpn_encrypt_done(OVPN_CRYPTO_DONE_ARGS)
{
	struct sk_buff *skb = OVPN_CRYPTO_DONE_DATA;

	if (err == -EINPROGRESS)
		return;
	local_bh_disable();
	ovpn_encrypt_post(skb, err);
	local_bh_enable();
}

/* encrypts and sends one packet; consumes @skb and one reference on @peer */
static void ovpn_encrypt_one(struct ovpn_peer *peer, struct sk_buff *skb)
{
	struct ovpn_crypto_key *ks;
	int err;

	OVPN_SKB_CB(skb)->peer = peer;
	OVPN_SKB_CB(skb)->ks = NULL;
	OVPN_SKB_CB(skb)->crypto_ctx = NULL;

	if (unlikely(skb->ip_summed == CHECKSUM_PARTIAL &&
		     skb_checksum_help(skb)))
		goto drop;
	if (unlikely(skb_cow_head(skb, OVPN_XMIT_HEADROOM)))
		goto drop;
	ks = ovpn_crypto_primary(&peer->crypto);
	if (unlikely(!ks)) {
		net_dbg_ratelimited("%s: no primary key for peer %u\n",
				    netdev_name(peer->ovpn->dev), peer->id);
		goto drop;
	}
	OVPN_SKB_CB(skb)->ks = ks;
	ovpn_stats_add(peer->stats, OVPN_STAT_VPN_TX, skb->len);
	skb_reset_inner_headers(skb);
	skb->encapsulation = 0;
	err = ovpn_aead_encrypt(ks, peer->id, skb, ovpn_encrypt_done);
	if (err == -EINPROGRESS)
		return;
	ovpn_encrypt_post(skb, err);
	return;
drop:
	ovpn_dev_tx_dropped(peer->ovpn->dev);
	kfree_skb(skb);
	ovpn_peer_put(peer);
}

netdev_tx_t ovpn_net_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct ovpn_struct *ovpn = netdev_priv(dev);
	struct sk_buff *segs, *next;
	struct ovpn_peer *peer;
	__be16 proto;

	proto = ovpn_ip_proto(skb);
	skb_reset_network_header(skb);
	if (unlikely(!proto || proto != skb->protocol)) {
		net_dbg_ratelimited("%s: dropping malformed payload packet\n",
				    netdev_name(dev));
		goto drop;
	}
	peer = ovpn_peer_get_by_dst(ovpn, skb);
	if (unlikely(!peer)) {
		net_dbg_ratelimited("%s: no peer for this destination\n",
				    netdev_name(dev));
		goto drop;
	}

	if (!skb_is_gso(skb)) {
		ovpn_mss_clamp(peer, skb);
		ovpn_encrypt_one(peer, skb);
		return NETDEV_TX_OK;
	}

	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		ovpn_peer_put(peer);
		goto drop;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		if (next)
			kref_get(&peer->refcount);
		ovpn_encrypt_one(peer, skb);
	}
	return NETDEV_TX_OK;

drop:
	ovpn_dev_tx_dropped(dev);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

/* keepalive: the ping message travels as an encrypted data packet */
void ovpn_xmit_ping(struct ovpn_peer *peer)
{
	struct sk_buff *skb;

	skb = alloc_skb(OVPN_XMIT_HEADROOM + OVPN_PING_SIZE, GFP_ATOMIC);
	if (!skb)
		return;
	skb_reserve(skb, OVPN_XMIT_HEADROOM);
	skb_put_data(skb, ovpn_ping_msg, OVPN_PING_SIZE);
	skb->dev = peer->ovpn->dev;
	if (!ovpn_peer_hold(peer)) {
		kfree_skb(skb);
		return;
	}
	ovpn_encrypt_one(peer, skb);
}
