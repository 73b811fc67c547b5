/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-peer counters, kept per cpu. */
#ifndef _NET_OVPN_DCO_STATS_H_
#define _NET_OVPN_DCO_STATS_H_

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>

struct ovpn_pcpu_stats {
	struct u64_stats_sync syncp;
	u64_stats_t vpn_rx_bytes;
	u64_stats_t vpn_rx_packets;
	u64_stats_t vpn_tx_bytes;
	u64_stats_t vpn_tx_packets;
	u64_stats_t link_rx_bytes;
	u64_stats_t link_rx_packets;
	u64_stats_t link_tx_bytes;
	u64_stats_t link_tx_packets;
};

struct ovpn_stats_total {
	u64 vpn_rx_bytes, vpn_rx_packets, vpn_tx_bytes, vpn_tx_packets;
	u64 link_rx_bytes, link_rx_packets, link_tx_bytes, link_tx_packets;
};

enum ovpn_stat_dir {
	OVPN_STAT_VPN_RX,
	OVPN_STAT_VPN_TX,
	OVPN_STAT_LINK_RX,
	OVPN_STAT_LINK_TX,
};

struct ovpn_pcpu_stats __percpu *ovpn_stats_alloc(void);
void ovpn_stats_free(struct ovpn_pcpu_stats __percpu *stats);
void ovpn_stats_add(struct ovpn_pcpu_stats __percpu *stats,
		    enum ovpn_stat_dir dir, unsigned int len);
void ovpn_stats_read(struct ovpn_pcpu_stats __percpu *stats,
		     struct ovpn_stats_total *tot);

#endif /* _NET_OVPN_DCO_STATS_H_ */
