/*
 * MTU diagnostics for data channel offload.
 *
 * In userspace the daemon can clamp TCP MSS (--mssfix) so that a full-size
 * inner packet plus the encapsulation still fits the transport path. The
 * reference kernel module (ovpn-dco-v2) does no such thing (ours does), so
 * with the reference module a
 * tun-mtu that is too large for the path makes the kernel fragment every
 * full-size outer packet. We cannot fix that from userspace, but we can say
 * so once, with the numbers and the tun-mtu that would avoid it.
 *
 * Encapsulation of one data packet with DCO (DATA_V2 with an AEAD cipher,
 * which is all the module runs):
 *
 *   outer IP header     20 (IPv4) or 40 (IPv6, no extension headers)
 * + transport header     8 (UDP)  or 20 (TCP, no options) + 2 (length prefix)
 * + DATA_V2 header       4 (opcode/key-id byte + 3-byte peer-id)
 * + packet id            4 (sent in clear; the implicit IV's counter part)
 * + AEAD tag            16 (AES-GCM and ChaCha20-Poly1305 alike)
 *
 * AEAD ciphers need no padding, so the outer packet is tun-mtu + overhead
 * bytes: 52 for UDP over IPv4 and 72 for UDP over IPv6.
 */
#ifndef DCO_MTU_H
#define DCO_MTU_H

#include <stdbool.h>

#include "addr.h"

#define DCO_MTU_DATA_V2_HDR 4
#define DCO_MTU_PACKET_ID 4
#define DCO_MTU_AEAD_TAG 16

struct dco_mtu_eval {
	int ip_hdr;             /* 20 or 40 */
	int transport_hdr;      /* 8 (UDP) or 22 (TCP header + length prefix) */
	int crypto;             /* DATA_V2 header + packet id + tag */
	int overhead;           /* the sum of the three */
	int outer;              /* tun_mtu + overhead */
	int suggested_tun_mtu;  /* largest tun-mtu whose outer packet fits */
	bool exceeds;           /* outer > path_mtu */
};

/*
 * Pure computation. family: AF_INET or AF_INET6 of the outer header (an
 * IPv4-mapped IPv6 peer is AF_INET on the wire); cipher: the negotiated
 * data cipher. Returns 0, or -EINVAL for an unknown family, a cipher the
 * module cannot run, or a tun_mtu/path_mtu out of range. When even a
 * minimal inner packet cannot fit, suggested_tun_mtu is 0.
 */
int dco_mtu_evaluate(int tun_mtu, int path_mtu, int family, bool tcp, const char *cipher,
		     struct dco_mtu_eval *out);

/*
 * The MTU the kernel would use towards remote right now (route MTU, learned
 * path MTU, or the output device's MTU): connects a throw-away UDP socket,
 * which sends nothing, and reads IP_MTU / IPV6_MTU. Returns 0 or -errno.
 */
int dco_path_mtu(const struct sockaddr_any *remote, int *mtu);

/*
 * Whether the loaded module clamps TCP MSS itself: our ovpn-dco/ does and
 * says so in the sysfs file DCO_MTU_CLAMP_SYSFS ("Y"); the reference module
 * has no such file. path: that file (tests pass another).
 */
#define DCO_MTU_CLAMP_SYSFS "/sys/module/ovpn_dco_v2/parameters/mss_clamp"
bool dco_mtu_module_clamps(const char *path);

/*
 * Log one warning with the numbers when tun_mtu plus the encapsulation
 * exceeds the path MTU to remote. who prefixes the line ("" or a client
 * name). With once non-NULL the warning is given only while *once is false
 * and sets it. TCP transport is skipped: the stream is segmented by TCP, so
 * nothing is fragmented. Returns 1 when it warned, 0 when the packets fit
 * (or nothing to check), -errno when the path MTU could not be read.
 */
int dco_mtu_warn(const char *who, int tun_mtu, const struct sockaddr_any *remote, bool tcp,
		 const char *cipher, bool *once);

#endif
