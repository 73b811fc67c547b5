// SPDX-License-Identifier: GPL-2.0-only
/* Per-peer counters: lock-free per-cpu updates, summed on read. */

#include "stats.h"

struct ovpn_pcpu_stats __percpu *ovpn_stats_alloc(void)
{
	struct ovpn_pcpu_stats __percpu *stats;
	int cpu;

	stats = alloc_percpu_gfp(struct ovpn_pcpu_stats, GFP_KERNEL);
	if (!stats)
		return NULL;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(stats, cpu)->syncp);
	return stats;
}

void ovpn_stats_free(struct ovpn_pcpu_stats __percpu *stats)
{
	free_percpu(stats);
}

/* Called with bottom halves disabled, so one writer per cpu at a time. */
void ovpn_stats_add(struct ovpn_pcpu_stats __percpu *stats,
		    enum ovpn_stat_dir dir, unsigned int len)
{
	struct ovpn_pcpu_stats *s = this_cpu_ptr(stats);
	u64_stats_t *bytes, *pkts;

	switch (dir) {
	case OVPN_STAT_VPN_RX:
		bytes = &s->vpn_rx_bytes;
		pkts = &s->vpn_rx_packets;
		break;
	case OVPN_STAT_VPN_TX:
		bytes = &s->vpn_tx_bytes;
		pkts = &s->vpn_tx_packets;
		break;
	case OVPN_STAT_LINK_RX:
		bytes = &s->link_rx_bytes;
		pkts = &s->link_rx_packets;
		break;
	default:
		bytes = &s->link_tx_bytes;
		pkts = &s->link_tx_packets;
		break;
	}
	u64_stats_update_begin(&s->syncp);
	u64_stats_add(bytes, len);
	u64_stats_inc(pkts);
	u64_stats_update_end(&s->syncp);
}

void ovpn_stats_read(struct ovpn_pcpu_stats __percpu *stats,
		     struct ovpn_stats_total *tot)
{
	struct ovpn_stats_total c;
	unsigned int start;
	int cpu;

	memset(tot, 0, sizeof(*tot));
	for_each_possible_cpu(cpu) {
		const struct ovpn_pcpu_stats *s = per_cpu_ptr(stats, cpu);

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			c.vpn_rx_bytes = u64_stats_read(&s->vpn_rx_bytes);
			c.vpn_rx_packets = u64_stats_read(&s->vpn_rx_packets);
			c.vpn_tx_bytes = u64_stats_read(&s->vpn_tx_bytes);
			c.vpn_tx_packets = u64_stats_read(&s->vpn_tx_packets);
			c.link_rx_bytes = u64_stats_read(&s->link_rx_bytes);
			c.link_rx_packets = u64_stats_read(&s->link_rx_packets);
			c.link_tx_bytes = u64_stats_read(&s->link_tx_bytes);
			c.link_tx_packets = u64_stats_read(&s->link_tx_packets);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		tot->vpn_rx_bytes += c.vpn_rx_bytes;
		tot->vpn_rx_packets += c.vpn_rx_packets;
		tot->vpn_tx_bytes += c.vpn_tx_bytes;
		tot->vpn_tx_packets += c.vpn_tx_packets;
		tot->link_rx_bytes += c.link_rx_bytes;
		tot->link_rx_packets += c.link_rx_packets;
		tot->link_tx_bytes += c.link_tx_bytes;
		tot->link_tx_packets += c.link_tx_packets;
	}
}
