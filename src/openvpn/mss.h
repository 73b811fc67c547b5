/*
 * TCP MSS clamping (--mssfix) on the userspace data path.
 *
 * A TCP connection through the tunnel announces its MSS in the SYN and
 * SYN+ACK. Lowering that announcement keeps full-size segments small
 * enough that, after encapsulation, the outer packet still fits the
 * transport path and is not fragmented. Like OpenVPN 2.6 the clamp works
 * on packets in both directions (read from tun and decrypted from the
 * peer), and one limit is kept: the IPv4 MSS; IPv6 packets get 20 bytes
 * less for their longer header.
 *
 * The limit (2.6 semantics of `--mssfix max [mtu|fixed]`):
 *
 *   fixed:  mss4 = max - 40                     (inner IPv4 + TCP header)
 *   plain:  max is the transport payload (like --link-mtu)
 *   mtu:    max is the whole outer packet: outer IP 20/40 + UDP 8 or TCP 20
 *
 *   target = max - encap - transport framing (TCP: 2) - opcode/peer-id
 *            - packet id (AEAD, none) - tag (AEAD) or IV + HMAC (CBC)
 *   CBC:     target = target rounded down to the block size, - 1 (padding)
 *   mss4   = target - compression framing - packet id (CBC: encrypted)
 *            - 40
 */
#ifndef MSS_H
#define MSS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "comp.h"

enum mss_mode {
	MSS_MODE_LINK = 0,      /* max as --link-mtu: transport payload */
	MSS_MODE_MTU,           /* max includes the outer IP and UDP/TCP header */
	MSS_MODE_FIXED,         /* no overhead computed: mss4 = max - 40 */
};

/* 2.6's default: `mssfix 1492 mtu` when tun-mtu is 1500. */
#define MSS_DEFAULT_MAX 1492
#define MSS_DEFAULT_TUN_MTU 1500
/* Smallest IPv4 MSS we clamp to: RFC 879's 536 is the default for hosts,
 * but a path may need less; below 64 (44 for IPv6) is nonsense. */
#define MSS_MIN 64

/* What the encapsulation of one data packet adds (see the formula above). */
struct mss_encap {
	int family;             /* outer header: AF_INET or AF_INET6 */
	bool tcp;               /* transport TCP: +20 header (mtu), +2 framing */
	unsigned opcode;        /* DATA_V2 4, DATA_V1 1, static key 0 */
	unsigned packet_id;     /* 4 (TLS) or 8 (static key: id + time) */
	unsigned tag;           /* AEAD tag, 0 for CBC and none */
	unsigned iv;            /* CBC IV, 0 otherwise */
	unsigned hmac;          /* HMAC size for CBC and none, 0 for AEAD */
	unsigned block;         /* CBC block size; 0 or 1: no padding */
	unsigned comp;          /* compression framing byte(s) per packet */
};

/*
 * The IPv4 MSS limit for `--mssfix max mode` over encapsulation e.
 * Returns 0 with *mss4 set, -EINVAL for max <= 0 or a bad family, or
 * -ERANGE when the result would be below MSS_MIN.
 */
int mss_limit(int max, enum mss_mode mode, const struct mss_encap *e, uint16_t *mss4);

/*
 * The encapsulation of the data channel a connection negotiated: cipher
 * and auth names as for crypto (cipher NULL: no TLS, cleartext), DATA_V2 or
 * V1, the compression framing, the peer's address (a v4-mapped IPv6 address
 * is IPv4 on the wire) and the transport. Returns 0 or -ENOENT for an
 * unknown cipher or digest name.
 */
struct sockaddr_any;
int mss_encap_init(struct mss_encap *e, const char *cipher, const char *auth, bool data_v2,
		   enum comp_alg comp, const struct sockaddr_any *remote, bool tcp);

/*
 * The limit for the options as given: mssfix 0 is off (*mss4 = 0); -1 is
 * 2.6's default, `1492 mtu` with a tun-mtu of 1500 and `<tun-mtu> fixed`
 * otherwise (a tun that is already smaller needs only to fit itself).
 * Returns 0, or mss_limit()'s error with *mss4 = 0.
 */
int mss_from_options(int mssfix, enum mss_mode mode, int tun_mtu, const struct mss_encap *e,
		     uint16_t *mss4);

/*
 * Clamp the MSS option of a TCP SYN in the IPv4 or IPv6 packet pkt[0..len)
 * to mss4 (IPv4) or mss4 - 20 (IPv6), with an incremental update of the TCP
 * checksum. Anything else (not TCP, fragments, IPv6 extension headers,
 * truncated or malformed headers and options) is left alone; nothing
 * outside pkt[0..len) is read. Returns true when the packet was changed.
 */
bool mss_clamp(uint8_t *pkt, size_t len, uint16_t mss4);

#endif
