/*
 * TCP MSS clamping (see mss.h for the limit's formula).
 */
#include "mss.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"
#include "crypto.h"

#define IPV4_HDR 20
#define IPV6_HDR 40
#define TCP_HDR 20
#define UDP_HDR 8
#define TCP_FRAMING 2           /* length prefix of each packet over TCP */
#define IPPROTO_TCP_NUM 6
#define TCP_FLAG_SYN 0x02
#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_MSS 2

static unsigned encap_outer(const struct mss_encap *e)
{
	return (e->family == AF_INET ? IPV4_HDR : IPV6_HDR) + (e->tcp ? TCP_HDR : UDP_HDR);
}

int mss_limit(int max, enum mss_mode mode, const struct mss_encap *e, uint16_t *mss4)
{
	long target, mss;
	bool cbc = e->block > 1;

	if (max <= 0 || (e->family != AF_INET && e->family != AF_INET6))
		return -EINVAL;
	if (mode == MSS_MODE_FIXED) {
		mss = (long)max - IPV4_HDR - TCP_HDR;
		goto out;
	}
	target = max;
	if (mode == MSS_MODE_MTU)
		target -= encap_outer(e);
	if (e->tcp)
		target -= TCP_FRAMING;
	/* with CBC the packet id is encrypted with the payload, so it counts
	 * after the rounding to whole blocks */
	target -= e->opcode + (cbc ? 0 : e->packet_id) + e->tag + e->iv + e->hmac;
	if (cbc && target > 0)
		target = target / e->block * e->block - 1;     /* >= 1 byte of padding */
	mss = target - e->comp - (cbc ? e->packet_id : 0) - IPV4_HDR - TCP_HDR;
out:
	if (mss < MSS_MIN)
		return -ERANGE;
	*mss4 = mss > 65535 ? 65535 : (uint16_t)mss;
	return 0;
}

/* Bytes comp_frame() adds to an IP packet: the v1 schemes one marker byte;
 * the v2 ones none, since an IP packet never starts with their 0x50 escape. */
static unsigned comp_bytes(enum comp_alg comp)
{
	switch (comp) {
	case COMP_ALG_STUB:
	case COMP_ALG_LZO_STUB:
	case COMP_ALG_LZO:
	case COMP_ALG_LZ4:
		return 1;
	default:
		return 0;
	}
}

int mss_encap_init(struct mss_encap *e, const char *cipher, const char *auth, bool data_v2,
		   enum comp_alg comp, const struct sockaddr_any *remote, bool tcp)
{
	const struct crypto_cipher_info *ci = NULL;
	const struct crypto_digest_info *di = NULL;

	memset(e, 0, sizeof(*e));
	e->family = remote->sa.sa_family;
	if (e->family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&remote->in6.sin6_addr))
		e->family = AF_INET;
	e->tcp = tcp;
	e->comp = comp_bytes(comp);
	if (!cipher)
		return 0;
	/* -EOPNOTSUPP (e.g. BF-CBC without the legacy provider) still says
	 * the sizes; such a cipher never gets this far anyway */
	if (crypto_cipher_lookup(cipher, &ci, NULL) == -ENOENT || !ci)
		return -ENOENT;
	e->opcode = data_v2 ? 4 : 1;
	e->packet_id = 4;
	if (ci->kind == CRYPTO_CIPHER_AEAD) {
		e->tag = ci->tag_len;
		return 0;
	}
	if (crypto_digest_lookup(auth, &di, NULL) == -ENOENT || !di)
		return -ENOENT;
	e->hmac = di->size;
	if (ci->kind == CRYPTO_CIPHER_CBC) {
		e->iv = ci->iv_len;
		e->block = ci->block_size;
	}
	return 0;
}

int mss_from_options(int mssfix, enum mss_mode mode, int tun_mtu, const struct mss_encap *e,
		     uint16_t *mss4)
{
	int ret;

	*mss4 = 0;
	if (mssfix == 0)
		return 0;
	if (mssfix < 0 && tun_mtu == MSS_DEFAULT_TUN_MTU) {
		mssfix = MSS_DEFAULT_MAX;
		mode = MSS_MODE_MTU;
	} else if (mssfix < 0) {
		mssfix = tun_mtu;
		mode = MSS_MODE_FIXED;
	}
	ret = mss_limit(mssfix, mode, e, mss4);
	if (ret < 0)
		*mss4 = 0;
	return ret;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'). A 16-bit field at an odd offset
 * from the start of the segment straddles two checksum words; the one's
 * complement sum is byte-order independent, so swapping both values fixes it.
 */
static void csum_replace(uint8_t *csum, uint16_t old, uint16_t new, bool odd)
{
	uint32_t sum;

	if (odd) {
		old = (uint16_t)(old << 8 | old >> 8);
		new = (uint16_t)(new << 8 | new >> 8);
	}
	sum = (uint16_t)~get16(csum);
	sum += (uint16_t)~old;
	sum += new;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	put16(csum, (uint16_t)~sum);
}

/* tcp[0..len) is a whole TCP segment. */
static bool clamp_tcp(uint8_t *tcp, size_t len, uint16_t mss)
{
	size_t doff, i;

	if (len < TCP_HDR || !(tcp[13] & TCP_FLAG_SYN))
		return false;
	doff = (size_t)(tcp[12] >> 4) * 4;
	if (doff < TCP_HDR || doff > len)
		return false;
	for (i = TCP_HDR; i < doff;) {
		uint8_t kind = tcp[i];
		size_t olen;

		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= doff)
			return false;
		olen = tcp[i + 1];
		if (olen < 2 || i + olen > doff)
			return false;
		if (kind == TCPOPT_MSS && olen == 4) {
			uint16_t old = get16(tcp + i + 2);

			if (old <= mss)
				return false;
			put16(tcp + i + 2, mss);
			csum_replace(tcp + 16, old, mss, (i + 2) & 1);
			return true;
		}
		i += olen;
	}
	return false;
}

static bool clamp_ipv4(uint8_t *pkt, size_t len, uint16_t mss4)
{
	size_t ihl = (size_t)(pkt[0] & 0x0f) * 4;
	size_t total;

	if (len < IPV4_HDR)
		return false;
	total = get16(pkt + 2);
	if (ihl < IPV4_HDR || total < ihl || total > len)
		return false;
	/* any fragment: a later one has no TCP header, and a SYN that needs
	 * fragmenting is not worth the risk of a partial header */
	if (pkt[9] != IPPROTO_TCP_NUM || (get16(pkt + 6) & 0x3fff))
		return false;
	return clamp_tcp(pkt + ihl, total - ihl, mss4);
}

/* Only TCP directly after the fixed header, as in 2.6: a SYN with
 * extension headers is left alone. */
static bool clamp_ipv6(uint8_t *pkt, size_t len, uint16_t mss4)
{
	size_t payload;

	if (len < IPV6_HDR)
		return false;
	payload = get16(pkt + 4);
	if (payload > len - IPV6_HDR || pkt[6] != IPPROTO_TCP_NUM)
		return false;
	return clamp_tcp(pkt + IPV6_HDR, payload, (uint16_t)(mss4 - (IPV6_HDR - IPV4_HDR)));
}

bool mss_clamp(uint8_t *pkt, size_t len, uint16_t mss4)
{
	if (len < 1 || mss4 < MSS_MIN)
		return false;
	switch (pkt[0] >> 4) {
	case 4:
		return clamp_ipv4(pkt, len, mss4);
	case 6:
		return clamp_ipv6(pkt, len, mss4);
	default:
		return false;
	}
}
