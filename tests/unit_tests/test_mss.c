/*
 * MSS clamping: crafted IPv4 and IPv6 TCP segments (the MSS option first,
 * later, at an odd offset, missing; truncated and malformed headers), the
 * TCP checksum recomputed in full after each change, and the limit for
 * --mssfix in its three modes against the values OpenVPN 2.6 derives.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "addr.h"

#include "mss.h"

/* ---- packet builder ------------------------------------------------------- */

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The TCP checksum over the pseudo header, computed from scratch. */
static uint16_t tcp_csum(const uint8_t *pkt, bool v6, size_t tcp_off, size_t tcp_len)
{
	uint32_t sum = 0;

	if (v6)
		sum = sum16(pkt + 8, 32, sum);
	else
		sum = sum16(pkt + 12, 8, sum);
	sum += 6 + (uint32_t)tcp_len;
	/* the checksum field itself counts as zero */
	sum = sum16(pkt + tcp_off, 16, sum);
	sum = sum16(pkt + tcp_off + 18, tcp_len - 18, sum);
	return fold(sum);
}

static bool csum_ok(const uint8_t *pkt, bool v6, size_t tcp_off, size_t tcp_len)
{
	uint16_t have = (uint16_t)(pkt[tcp_off + 16] << 8 | pkt[tcp_off + 17]);

	return have == tcp_csum(pkt, v6, tcp_off, tcp_len);
}

/* An IPv4/IPv6 TCP segment with the given flags, options and 10 payload
 * bytes, with a correct checksum. Returns the packet length. */
static size_t build(uint8_t *pkt, bool v6, uint8_t flags, const uint8_t *opts, size_t olen)
{
	size_t ip = v6 ? 40 : 20, tcp_len = 20 + olen + 10, i;
	uint8_t *t = pkt + ip;
	uint16_t c;

	memset(pkt, 0, ip + tcp_len);
	if (v6) {
		pkt[0] = 0x60;
		pkt[4] = (uint8_t)(tcp_len >> 8);
		pkt[5] = (uint8_t)tcp_len;
		pkt[6] = 6;
		pkt[7] = 64;
		for (i = 8; i < 40; i++)
			pkt[i] = (uint8_t)(0x20 + i * 7);
	} else {
		pkt[0] = 0x45;
		pkt[2] = (uint8_t)((ip + tcp_len) >> 8);
		pkt[3] = (uint8_t)(ip + tcp_len);
		pkt[6] = 0x40;          /* DF */
		pkt[8] = 64;
		pkt[9] = 6;
		memcpy(pkt + 12, "\x0a\x08\x00\x01\x0a\x08\x00\x02", 8);
	}
	t[0] = 0xc3; t[1] = 0x50; t[2] = 0x00; t[3] = 0x50;
	memcpy(t + 4, "\x12\x34\x56\x78", 4);
	t[12] = (uint8_t)(((20 + olen) / 4) << 4);
	t[13] = flags;
	t[14] = 0xfa; t[15] = 0xf0;
	memcpy(t + 20, opts, olen);
	for (i = 0; i < 10; i++)
		t[20 + olen + i] = (uint8_t)(0xa5 ^ i);
	c = tcp_csum(pkt, v6, ip, tcp_len);
	t[16] = (uint8_t)(c >> 8);
	t[17] = (uint8_t)c;
	return ip + tcp_len;
}

static uint16_t mss_at(const uint8_t *pkt, size_t off)
{
	return (uint16_t)(pkt[off] << 8 | pkt[off + 1]);
}

#define SYN 0x02
#define ACK 0x10
#define OPTS_LINUX "\x02\x04\x05\xb4\x04\x02\x08\x0a\x00\x00\x00\x01\x00\x00\x00\x00\x01\x03\x03\x07"

/* ---- clamping --------------------------------------------------------------- */

static void test_v4_syn_above(void **state)
{
	uint8_t p[128], before[128];
	size_t n = build(p, false, SYN, (const uint8_t *)OPTS_LINUX, 20);

	assert_true(csum_ok(p, false, 20, n - 20));
	memcpy(before, p, n);
	assert_true(mss_clamp(p, n, 1400));
	assert_int_equal(mss_at(p, 42), 1400);
	assert_true(csum_ok(p, false, 20, n - 20));
	/* only the MSS and the checksum changed */
	assert_memory_equal(p, before, 36);
	assert_memory_equal(p + 38, before + 38, 4);
	assert_memory_equal(p + 44, before + 44, n - 44);
	/* a second pass finds nothing left to do */
	assert_false(mss_clamp(p, n, 1400));
}

static void test_v4_syn_below_or_equal(void **state)
{
	uint8_t p[128], before[128];
	size_t n = build(p, false, SYN | ACK, (const uint8_t *)"\x02\x04\x05\x00", 4);

	memcpy(before, p, n);
	assert_false(mss_clamp(p, n, 1400));    /* 1280 already below */
	assert_false(mss_clamp(p, n, 1280));    /* equal */
	assert_memory_equal(p, before, n);
	assert_true(mss_clamp(p, n, 1279));     /* SYN+ACK is clamped too */
	assert_int_equal(mss_at(p, 42), 1279);
	assert_true(csum_ok(p, false, 20, n - 20));
}

static void test_v6_syn(void **state)
{
	uint8_t p[160];
	size_t n = build(p, true, SYN, (const uint8_t *)OPTS_LINUX, 20);

	assert_true(csum_ok(p, true, 40, n - 40));
	assert_true(mss_clamp(p, n, 1400));
	/* IPv6: 20 bytes less for the longer header */
	assert_int_equal(mss_at(p, 62), 1380);
	assert_true(csum_ok(p, true, 40, n - 40));
	/* 1380 is not above 1401 - 20 */
	n = build(p, true, SYN, (const uint8_t *)"\x02\x04\x05\x64", 4);
	assert_false(mss_clamp(p, n, 1401));
	assert_true(mss_clamp(p, n, 1399));
	assert_int_equal(mss_at(p, 62), 1379);
	assert_true(csum_ok(p, true, 40, n - 40));
}

static void test_mss_not_first(void **state)
{
	/* NOP, NOP, timestamps, then MSS: even offset */
	static const uint8_t o1[] = "\x01\x01\x08\x0a\x00\x00\x00\x01\x00\x00\x00\x00\x02\x04\xff\xd7";
	/* one NOP, then MSS: its value at an odd offset; window scale, EOL */
	static const uint8_t o2[] = "\x01\x02\x04\xff\xff\x03\x03\x07\x00\x00\x00\x00";
	uint8_t p[128];
	size_t n;

	n = build(p, false, SYN, o1, 16);
	assert_true(mss_clamp(p, n, 1360));
	assert_int_equal(mss_at(p, 20 + 20 + 14), 1360);
	assert_true(csum_ok(p, false, 20, n - 20));

	n = build(p, false, SYN, o2, 12);
	assert_true(mss_clamp(p, n, 1361));
	assert_int_equal(mss_at(p, 20 + 20 + 3), 1361);
	assert_true(csum_ok(p, false, 20, n - 20));
	n = build(p, true, SYN, o2, 12);
	assert_true(mss_clamp(p, n, 1399));
	assert_int_equal(mss_at(p, 40 + 20 + 3), 1379);
	assert_true(csum_ok(p, true, 40, n - 40));
}

static void test_left_alone(void **state)
{
	uint8_t p[128], before[128];
	size_t n;

	/* no MSS option; MSS after EOL does not count */
	n = build(p, false, SYN, (const uint8_t *)"\x01\x03\x03\x07", 4);
	assert_false(mss_clamp(p, n, 1000));
	n = build(p, false, SYN, (const uint8_t *)"\x00\x00\x00\x00\x02\x04\x05\xb4", 8);
	assert_false(mss_clamp(p, n, 1000));
	/* not a SYN */
	n = build(p, false, ACK, (const uint8_t *)"\x02\x04\x05\xb4", 4);
	assert_false(mss_clamp(p, n, 1000));
	/* MSS option of a wrong length */
	n = build(p, false, SYN, (const uint8_t *)"\x02\x03\x05\x01", 4);
	assert_false(mss_clamp(p, n, 1000));
	/* not TCP (UDP) */
	n = build(p, false, SYN, (const uint8_t *)"\x02\x04\x05\xb4", 4);
	p[9] = 17;
	assert_false(mss_clamp(p, n, 1000));
	/* IPv6 with a hop-by-hop header first */
	n = build(p, true, SYN, (const uint8_t *)"\x02\x04\x05\xb4", 4);
	p[6] = 0;
	assert_false(mss_clamp(p, n, 1000));
	/* IPv6 fragment header */
	p[6] = 44;
	assert_false(mss_clamp(p, n, 1000));
	/* neither IPv4 nor IPv6 */
	n = build(p, false, SYN, (const uint8_t *)"\x02\x04\x05\xb4", 4);
	p[0] = 0x55;
	memcpy(before, p, n);
	assert_false(mss_clamp(p, n, 1000));
	assert_memory_equal(p, before, n);
	/* a limit below MSS_MIN is refused rather than applied */
	p[0] = 0x45;
	assert_false(mss_clamp(p, n, MSS_MIN - 1));
	assert_true(mss_clamp(p, n, MSS_MIN));
}

static void test_fragments(void **state)
{
	uint8_t p[128];
	size_t n;

	/* first fragment (MF set) and a later one (offset) */
	n = build(p, false, SYN, (const uint8_t *)"\x02\x04\x05\xb4", 4);
	p[6] = 0x20;
	assert_false(mss_clamp(p, n, 1000));
	p[6] = 0x00;
	p[7] = 0x01;
	assert_false(mss_clamp(p, n, 1000));
	/* DF alone is fine */
	p[6] = 0x40;
	p[7] = 0x00;
	assert_true(mss_clamp(p, n, 1000));
}

static void test_truncated(void **state)
{
	uint8_t p[128], before[128];
	size_t n, cut;

	n = build(p, false, SYN, (const uint8_t *)OPTS_LINUX, 20);
	memcpy(before, p, n);
	/* every buffer length short of the MSS option's end: the IPv4 total
	 * length no longer fits, so nothing is read or written */
	for (cut = 0; cut < n; cut++) {
		assert_false(mss_clamp(p, cut, 1000));
		assert_memory_equal(p, before, n);
	}
	/* total length itself cut into the options: data offset beyond it */
	p[2] = 0;
	p[3] = 20 + 20 + 2;
	assert_false(mss_clamp(p, n, 1000));
	/* IPv6 payload length beyond the buffer */
	n = build(p, true, SYN, (const uint8_t *)"\x02\x04\x05\xb4", 4);
	for (cut = 0; cut < n; cut++)
		assert_false(mss_clamp(p, cut, 1000));
	assert_true(mss_clamp(p, n, 1000));
}

static void test_bad_offsets(void **state)
{
	uint8_t p[128];
	size_t n;

	/* data offset below 5 words, and beyond the segment */
	n = build(p, false, SYN, (const uint8_t *)"\x02\x04\x05\xb4", 4);
	p[20 + 12] = 0x40;
	assert_false(mss_clamp(p, n, 1000));
	p[20 + 12] = 0xf0;
	assert_false(mss_clamp(p, n, 1000));
	/* IHL below 5 and beyond the total length */
	n = build(p, false, SYN, (const uint8_t *)"\x02\x04\x05\xb4", 4);
	p[0] = 0x44;
	assert_false(mss_clamp(p, n, 1000));
	p[0] = 0x4f;
	p[2] = 0;
	p[3] = 40;
	assert_false(mss_clamp(p, n, 1000));
	/* option length 0 or 1 (would loop), and one running past the header */
	n = build(p, false, SYN, (const uint8_t *)"\x08\x00\x02\x04\x05\xb4\x00\x00", 8);
	assert_false(mss_clamp(p, n, 1000));
	n = build(p, false, SYN, (const uint8_t *)"\x08\x01\x02\x04\x05\xb4\x00\x00", 8);
	assert_false(mss_clamp(p, n, 1000));
	n = build(p, false, SYN, (const uint8_t *)"\x01\x01\x02\x04\x05\xb4\x00\x00", 8);
	p[20 + 12] = 0x60;  /* 4 option bytes: the MSS option would end at 26 > 24 */
	assert_false(mss_clamp(p, n, 1000));
	/* the kind as the last option byte, its length outside */
	n = build(p, false, SYN, (const uint8_t *)"\x01\x01\x01\x02", 4);
	assert_false(mss_clamp(p, n, 1000));
}

/* ---- the limit ---------------------------------------------------------------- */

static const struct mss_encap gcm_udp4 = {
	.family = AF_INET, .opcode = 4, .packet_id = 4, .tag = 16,
};

static void test_limit_aead(void **state)
{
	struct mss_encap e = gcm_udp4;
	uint16_t m;

	/* 2.6's default, 1492 mtu, AES-256-GCM, DATA_V2, UDP over IPv4:
	 * 1492 - 28 - 24 - 40 */
	assert_int_equal(mss_limit(1492, MSS_MODE_MTU, &e, &m), 0);
	assert_int_equal(m, 1400);
	/* outer IPv6: 20 bytes more of outer header */
	e.family = AF_INET6;
	assert_int_equal(mss_limit(1492, MSS_MODE_MTU, &e, &m), 0);
	assert_int_equal(m, 1380);
	/* without "mtu" the outer headers do not count */
	assert_int_equal(mss_limit(1450, MSS_MODE_LINK, &e, &m), 0);
	assert_int_equal(m, 1450 - 24 - 40);
	/* TCP transport: 20-byte header and the 2-byte length */
	e.family = AF_INET;
	e.tcp = true;
	assert_int_equal(mss_limit(1492, MSS_MODE_MTU, &e, &m), 0);
	assert_int_equal(m, 1492 - 40 - 2 - 24 - 40);
	/* DATA_V1 and a compression framing byte */
	e = gcm_udp4;
	e.opcode = 1;
	e.comp = 1;
	assert_int_equal(mss_limit(1492, MSS_MODE_MTU, &e, &m), 0);
	assert_int_equal(m, 1492 - 28 - 21 - 1 - 40);
}

static void test_limit_cbc(void **state)
{
	/* AES-256-CBC + SHA256 (IV 16, HMAC 32, block 16), DATA_V2 */
	struct mss_encap e = {
		.family = AF_INET, .opcode = 4, .packet_id = 4, .iv = 16, .hmac = 32, .block = 16,
	};
	uint16_t m;

	/* 1492 - 28 - 4 - 16 - 32 = 1412 -> 1408 (whole blocks) - 1 = 1407;
	 * - 4 (packet id inside) - 40 */
	assert_int_equal(mss_limit(1492, MSS_MODE_MTU, &e, &m), 0);
	assert_int_equal(m, 1363);
	/* the whole inner packet (1363 + 40 + 4 + 1 byte of padding) fills
	 * the blocks exactly */
	assert_int_equal((1363 + 40 + 4 + 1) % 16, 0);
	/* BF-CBC + SHA1 (IV 8, HMAC 20, block 8): 1492-28-4-8-20 = 1432 -> 1431 */
	e.iv = 8;
	e.hmac = 20;
	e.block = 8;
	assert_int_equal(mss_limit(1492, MSS_MODE_MTU, &e, &m), 0);
	assert_int_equal(m, 1431 - 4 - 40);
}

static void test_limit_fixed_and_errors(void **state)
{
	struct mss_encap e = gcm_udp4;
	uint16_t m = 7;

	assert_int_equal(mss_limit(1300, MSS_MODE_FIXED, &e, &m), 0);
	assert_int_equal(m, 1260);
	assert_int_equal(mss_limit(0, MSS_MODE_MTU, &e, &m), -EINVAL);
	assert_int_equal(mss_limit(-5, MSS_MODE_FIXED, &e, &m), -EINVAL);
	/* too small to leave MSS_MIN */
	assert_int_equal(mss_limit(100, MSS_MODE_MTU, &e, &m), -ERANGE);
	assert_int_equal(mss_limit(MSS_MIN + 39, MSS_MODE_FIXED, &e, &m), -ERANGE);
	assert_int_equal(mss_limit(MSS_MIN + 40, MSS_MODE_FIXED, &e, &m), 0);
	assert_int_equal(m, MSS_MIN);
	e.family = AF_UNIX;
	assert_int_equal(mss_limit(1492, MSS_MODE_MTU, &e, &m), -EINVAL);
	/* huge values saturate */
	assert_int_equal(mss_limit(70000, MSS_MODE_FIXED, &gcm_udp4, &m), 0);
	assert_int_equal(m, 65535);
}

static void peer4(struct sockaddr_any *a, const char *v6mapped)
{
	memset(a, 0, sizeof(*a));
	if (v6mapped) {
		a->in6.sin6_family = AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, v6mapped, &a->in6.sin6_addr), 1);
		a->len = sizeof(a->in6);
		return;
	}
	a->in4.sin_family = AF_INET;
	a->len = sizeof(a->in4);
}

static void test_from_options(void **state)
{
	struct sockaddr_any a;
	struct mss_encap e;
	uint16_t m = 1;

	/* the default with tun-mtu 1500: 1492 mtu */
	peer4(&a, NULL);
	assert_int_equal(mss_encap_init(&e, "AES-256-GCM", "SHA1", true, COMP_ALG_NONE, &a, false), 0);
	assert_int_equal(e.opcode + e.packet_id + e.tag, 24);
	assert_int_equal(mss_from_options(-1, MSS_MODE_LINK, 1500, &e, &m), 0);
	assert_int_equal(m, 1400);
	/* a v4-mapped peer on a dual-stack socket is IPv4 on the wire */
	peer4(&a, "::ffff:10.0.0.1");
	assert_int_equal(mss_encap_init(&e, "AES-256-GCM", "SHA1", true, COMP_ALG_NONE, &a, false), 0);
	assert_int_equal(e.family, AF_INET);
	peer4(&a, "fd00::1");
	assert_int_equal(mss_encap_init(&e, "AES-256-GCM", "SHA1", true, COMP_ALG_STUB, &a, false), 0);
	assert_int_equal(mss_from_options(-1, MSS_MODE_LINK, 1500, &e, &m), 0);
	assert_int_equal(m, 1492 - 48 - 24 - 1 - 40);
	/* another tun-mtu: fit the tun only (tun-mtu fixed) */
	assert_int_equal(mss_from_options(-1, MSS_MODE_LINK, 1400, &e, &m), 0);
	assert_int_equal(m, 1360);
	/* 0 is off */
	assert_int_equal(mss_from_options(0, MSS_MODE_MTU, 1500, &e, &m), 0);
	assert_int_equal(m, 0);
	/* too small: an error and off */
	assert_int_equal(mss_from_options(90, MSS_MODE_LINK, 1500, &e, &m), -ERANGE);
	assert_int_equal(m, 0);
	/* CBC sizes come from the cipher and digest tables */
	peer4(&a, NULL);
	assert_int_equal(mss_encap_init(&e, "AES-256-CBC", "SHA256", true, COMP_ALG_NONE, &a, false), 0);
	assert_int_equal(e.iv, 16);
	assert_int_equal(e.hmac, 32);
	assert_int_equal(e.block, 16);
	assert_int_equal(mss_from_options(1492, MSS_MODE_MTU, 1500, &e, &m), 0);
	assert_int_equal(m, 1363);
	/* cleartext: nothing but the outer headers */
	assert_int_equal(mss_encap_init(&e, NULL, NULL, false, COMP_ALG_NONE, &a, false), 0);
	assert_int_equal(mss_from_options(1492, MSS_MODE_MTU, 1500, &e, &m), 0);
	assert_int_equal(m, 1492 - 28 - 40);
	assert_int_equal(mss_encap_init(&e, "NO-SUCH-CIPHER", "SHA1", true, COMP_ALG_NONE, &a, false),
			 -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4_syn_above),
		cmocka_unit_test(test_v4_syn_below_or_equal),
		cmocka_unit_test(test_v6_syn),
		cmocka_unit_test(test_mss_not_first),
		cmocka_unit_test(test_left_alone),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_offsets),
		cmocka_unit_test(test_limit_aead),
		cmocka_unit_test(test_limit_cbc),
		cmocka_unit_test(test_limit_fixed_and_errors),
		cmocka_unit_test(test_from_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
