/*
 * Peeking at the IP header of a packet read from or written to the tun
 * device: its version, and where its source and destination addresses are.
 * Both data paths (point-to-point and server) use these.
 */
#ifndef IP_PKT_H
#define IP_PKT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "buf.h"

/* An IPv4 or IPv6 packet at least as long as its fixed header. */
static inline bool ip_pkt_valid(const struct buf *b)
{
	uint8_t v;

	if (buf_len(b) < 20)
		return false;
	v = buf_data(b)[0] >> 4;
	return v == 4 || (v == 6 && buf_len(b) >= 40);
}

/* The rest read a packet that passed ip_pkt_valid(). IPv4 source at 12,
 * destination at 16; IPv6 at 8 and 24. */
static inline int ip_pkt_family(const uint8_t *pkt)
{
	return (pkt[0] >> 4) == 4 ? AF_INET : AF_INET6;
}

static inline const uint8_t *ip_pkt_src(const uint8_t *pkt)
{
	return ip_pkt_family(pkt) == AF_INET ? pkt + 12 : pkt + 8;
}

static inline const uint8_t *ip_pkt_dst(const uint8_t *pkt)
{
	return ip_pkt_family(pkt) == AF_INET ? pkt + 16 : pkt + 24;
}

#endif
