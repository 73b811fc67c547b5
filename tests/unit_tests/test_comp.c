/*
 * Compression framing. The wire vectors were captured from two Debian
 * OpenVPN 2.6.14 peers in cleartext P2P mode (no --secret, no TLS), so the
 * UDP payload is exactly the framed packet.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <lz4.h>
#include <lz4hc.h>

#include "buf.h"
#include "comp.h"

/* ---- helpers ------------------------------------------------------------- */

static uint8_t mem[BUF_SIZE];

/* A data-path buffer holding `len` bytes of `data`. */
static struct buf *load(const void *data, size_t len)
{
	static struct buf b;

	buf_init(&b, mem, sizeof(mem), BUF_HEADROOM);
	assert_true(buf_write(&b, data, len));
	return &b;
}

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = strlen(hex) / 2, i;
	unsigned v;

	assert_true(n <= cap);
	for (i = 0; i < n; i++) {
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

/* A captured ICMP packet: its header bytes, then zeros up to `len`. */
static size_t icmp_zeros(const char *head_hex, size_t len, uint8_t *out)
{
	memset(out, 0, len);
	unhex(head_hex, out, len);
	return len;
}

#define assert_buf(b, data, n) do { \
	assert_int_equal(buf_len(b), (n)); \
	if ((n) > 0) \
		assert_memory_equal(buf_data(b), (data), (n)); \
} while (0)

static void ctx(struct comp_ctx *c, enum comp_alg alg, enum comp_allow allow)
{
	assert_int_equal(comp_init(c, alg, allow), 0);
}

static const enum comp_alg all_algs[] = {
	COMP_ALG_NONE, COMP_ALG_STUB, COMP_ALG_STUB_V2, COMP_ALG_LZO_STUB,
	COMP_ALG_LZO, COMP_ALG_LZ4, COMP_ALG_LZ4_V2,
};
#define N_ALGS (sizeof(all_algs) / sizeof(all_algs[0]))

/* ---- captured from 2.6 ------------------------------------------------- */

/* The keepalive ping payload (§8.2). */
static const uint8_t ping_magic[16] = {
	0x2a, 0x18, 0x7b, 0xf3, 0x64, 0x1e, 0xb4, 0xcb,
	0x07, 0xed, 0x2d, 0x0a, 0x98, 0x1f, 0xc7, 0x48,
};

/* An 84-byte ICMP echo request, as the tun device gave it. */
#define ECHO84 "45000054e3f94000400142130a4d00010a4d0002080032ad054800014e050d6b" \
	"0000000098c60d0000000000101112131415161718191a1b1c1d1e1f20212223" \
	"2425262728292a2b2c2d2e2f3031323334353637"
/* "comp-lzo no": the same packet behind 0xFA */
#define LZO_STUB_ECHO84 "fa" ECHO84
/* "compress" (stub): 0xFB, then bytes 1.., then byte 0 (0x45) */
#define STUB_ECHO84 "fb000054587440004001cd980a4d00010a4d000208008a96067f00015b050d6b" \
	"0000000032a60d0000000000101112131415161718191a1b1c1d1e1f20212223" \
	"2425262728292a2b2c2d2e2f303132333435363745"

/* "compress lz4" with allow-compression yes: a 100-byte packet of zeros
 * after its headers, compressed and swapped (0x69 first, block[0] last). */
#define LZ4_HEAD_A "4500006467e540004001be170a4d00010a4d00020800d93d0736000166050d6b000000009f1a05"
#define LZ4_WIRE_A "69184500006467e540004001be170a4d00010a4d00020800d93d07360001" \
	"66050d6b000000009f1a0507000f020021500000000000f0"
/* "compress lz4-v2": the same kind of packet, 100 and 628 bytes */
#define LZ4V2_HEAD_B "45000064ca77000040019b850a4d00020a4d00010000d3eb0953000177050d6b00000000954f09"
#define LZ4V2_WIRE_B "5001f01845000064ca77000040019b850a4d00020a4d00010000d3eb0953" \
	"000177050d6b00000000954f0907000f020021500000000000"
#define LZ4V2_HEAD_C "45000274ca7a0000400199720a4d00020a4d00010000a04b0954000177050d6b00000000c8ee09"
#define LZ4V2_WIRE_C "5001f01845000274ca7a0000400199720a4d00020a4d00010000a04b0954" \
	"000177050d6b00000000c8ee0907000f0200ffff33500000000000"

/* "comp-lzo yes" with allow-compression yes: 0x66 and an LZO1X block. */
#define LZO_WIRE "66001645000064a77d400040017e7f0a4d00010a4d0002080081f7060e0001" \
	"55050d6b0000000009890400" "7c0020030c0000020000000000000000000000000000" \
	"0000000000000000110000"

/* A tap frame to a MAC starting with 0x50, as 2.6.14 escapes it in
 * stub-v2/lz4-v2 mode: 50 0a, where its own receiver wants 50 00. */
#define TAP50_26 "500a501122334455568ab8c8e84e080045000054a18140004001848b0a4d0001" \
	"0a4d00020800fb610bb40001" "94050d6b000000008ca5040000000000101112131415" \
	"161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637"

/* ---- setup --------------------------------------------------------------- */

static void test_init(void **state)
{
	struct comp_ctx c;
	size_t i;

	assert_int_equal(comp_init(&c, (enum comp_alg)99, COMP_ALLOW_NO), -EINVAL);
	assert_false(comp_active(&c));
	assert_int_equal(comp_init(&c, COMP_ALG_LZ4, (enum comp_allow)3), -EINVAL);
	for (i = 0; i < N_ALGS; i++) {
		ctx(&c, all_algs[i], COMP_ALLOW_YES);
		assert_int_equal(comp_active(&c), all_algs[i] != COMP_ALG_NONE);
		/* only LZ4 needs memory, and takes it once, here */
		assert_int_equal(c.scratch != NULL,
				 all_algs[i] == COMP_ALG_LZ4 || all_algs[i] == COMP_ALG_LZ4_V2);
		comp_free(&c);
		assert_false(comp_active(&c));
		comp_free(&c);
	}
}

/* ---- sender: byte-exact against 2.6 --------------------------------------- */

static void expect_frame(enum comp_alg alg, enum comp_allow allow,
			 const uint8_t *in, size_t n, const char *want_hex)
{
	static uint8_t want[BUF_SIZE];
	size_t wn = unhex(want_hex, want, sizeof(want));
	struct comp_ctx c;
	struct buf *b = load(in, n);

	ctx(&c, alg, allow);
	assert_int_equal(comp_frame(&c, b), 0);
	assert_buf(b, want, wn);
	comp_free(&c);
}

static void test_frame_uncompressed(void **state)
{
	uint8_t echo[84];
	size_t n = unhex(ECHO84, echo, sizeof(echo));
	enum comp_allow a;

	assert_int_equal(n, 84);
	expect_frame(COMP_ALG_NONE, COMP_ALLOW_YES, ping_magic, 16,
		     "2a187bf3641eb4cb07ed2d0a981fc748");
	expect_frame(COMP_ALG_LZO_STUB, COMP_ALLOW_NO, ping_magic, 16,
		     "fa2a187bf3641eb4cb07ed2d0a981fc748");
	expect_frame(COMP_ALG_LZO_STUB, COMP_ALLOW_NO, echo, n, LZO_STUB_ECHO84);
	expect_frame(COMP_ALG_STUB, COMP_ALLOW_NO, ping_magic, 16,
		     "fb187bf3641eb4cb07ed2d0a981fc7482a");
	expect_frame(COMP_ALG_STUB_V2, COMP_ALLOW_NO, ping_magic, 16,
		     "2a187bf3641eb4cb07ed2d0a981fc748");
	expect_frame(COMP_ALG_STUB_V2, COMP_ALLOW_NO, echo, n, ECHO84);
	/* the compressing modes frame a short packet like their stubs, in
	 * every allow mode (2.6 sent exactly these) */
	for (a = COMP_ALLOW_NO; a <= COMP_ALLOW_YES; a++) {
		expect_frame(COMP_ALG_LZ4, a, ping_magic, 16,
			     "fb187bf3641eb4cb07ed2d0a981fc7482a");
		expect_frame(COMP_ALG_LZ4_V2, a, ping_magic, 16,
			     "2a187bf3641eb4cb07ed2d0a981fc748");
		expect_frame(COMP_ALG_LZO, a, ping_magic, 16,
			     "fa2a187bf3641eb4cb07ed2d0a981fc748");
	}
	/* 2.6's swap of the echo request (its header differs from ECHO84 only
	 * in id and checksums, so take its own bytes back) */
	{
		uint8_t wire[85], plain[84];

		unhex(STUB_ECHO84, wire, sizeof(wire));
		plain[0] = wire[84];
		memcpy(plain + 1, wire + 1, 83);
		expect_frame(COMP_ALG_STUB, COMP_ALLOW_NO, plain, 84, STUB_ECHO84);
	}
}

/* v2 escapes only a leading 0x50, and with 50 00 (what 2.6 accepts). */
static void test_frame_v2_escape(void **state)
{
	static const uint8_t frame[] = { 0x50, 0x11, 0x22, 0x33 };

	expect_frame(COMP_ALG_STUB_V2, COMP_ALLOW_NO, frame, 4, "500050112233");
	expect_frame(COMP_ALG_LZ4_V2, COMP_ALLOW_YES, frame, 4, "500050112233");
	expect_frame(COMP_ALG_STUB_V2, COMP_ALLOW_NO, frame + 1, 3, "112233");
	/* swap of a 1-byte payload: marker, then the byte */
	expect_frame(COMP_ALG_STUB, COMP_ALLOW_NO, frame, 1, "fb50");
}

/* LZ4 compression gives the very bytes 2.6 sent (same liblz4). */
static void test_frame_lz4_matches_26(void **state)
{
	uint8_t p[628];

	icmp_zeros(LZ4_HEAD_A, 100, p);
	expect_frame(COMP_ALG_LZ4, COMP_ALLOW_YES, p, 100, LZ4_WIRE_A);
	icmp_zeros(LZ4V2_HEAD_B, 100, p);
	expect_frame(COMP_ALG_LZ4_V2, COMP_ALLOW_YES, p, 100, LZ4V2_WIRE_B);
	icmp_zeros(LZ4V2_HEAD_C, 628, p);
	expect_frame(COMP_ALG_LZ4_V2, COMP_ALLOW_YES, p, 628, LZ4V2_WIRE_C);
}

/* Compress only with "yes", from 100 bytes, and only when it pays. */
static void test_frame_lz4_policy(void **state)
{
	static uint8_t zeros[1500], noise[1500];
	struct comp_ctx c;
	struct buf *b;
	enum comp_allow a;
	size_t i;

	srand(7);
	for (i = 0; i < sizeof(noise); i++)
		noise[i] = (uint8_t)(rand() >> 7);
	noise[0] = zeros[0] = 0x45;
	for (a = COMP_ALLOW_NO; a <= COMP_ALLOW_YES; a++) {
		ctx(&c, COMP_ALG_LZ4_V2, a);
		b = load(zeros, 1500);
		assert_int_equal(comp_frame(&c, b), 0);
		if (a == COMP_ALLOW_YES) {
			assert_true(buf_len(b) < 100);
			assert_memory_equal(buf_data(b), "\x50\x01", 2);
			assert_int_equal(c.stats.tx_compressed, 1);
			assert_int_equal(c.stats.tx_bytes_in, 1500);
			assert_int_equal(c.stats.tx_bytes_out, buf_len(b));
		} else {
			assert_buf(b, zeros, 1500);
			assert_int_equal(c.stats.tx_compressed, 0);
			assert_int_equal(c.stats.tx_uncompressed, 1);
		}
		comp_free(&c);
	}
	ctx(&c, COMP_ALG_LZ4, COMP_ALLOW_YES);
	/* 99 bytes stay as they are however well they would compress */
	b = load(zeros, 99);
	assert_int_equal(comp_frame(&c, b), 0);
	assert_int_equal(buf_len(b), 100);
	assert_int_equal(buf_data(b)[0], 0xfb);
	b = load(zeros, 100);
	assert_int_equal(comp_frame(&c, b), 0);
	assert_int_equal(buf_data(b)[0], 0x69);
	/* random bytes do not get smaller: sent as they are, swapped */
	b = load(noise, 1500);
	assert_int_equal(comp_frame(&c, b), 0);
	assert_int_equal(buf_len(b), 1501);
	assert_int_equal(buf_data(b)[0], 0xfb);
	assert_memory_equal(buf_data(b) + 1, noise + 1, 1499);
	assert_int_equal(buf_data(b)[1500], 0x45);
	assert_int_equal(c.stats.tx_compressed, 1);
	assert_int_equal(c.stats.tx_uncompressed, 2);
	comp_free(&c);
	/* LZO is framing only: never 0x66, whatever is allowed */
	ctx(&c, COMP_ALG_LZO, COMP_ALLOW_YES);
	b = load(zeros, 1500);
	assert_int_equal(comp_frame(&c, b), 0);
	assert_int_equal(buf_len(b), 1501);
	assert_int_equal(buf_data(b)[0], 0xfa);
	comp_free(&c);
}

/* Framing fails cleanly when the buffer has no room for it. */
static void test_frame_no_room(void **state)
{
	static const uint8_t p[] = { 0x50, 1, 2, 3 };
	uint8_t small[8];
	struct comp_ctx c;
	struct buf b;

	buf_init(&b, small, sizeof(small), 0);
	assert_true(buf_write(&b, p, 4));
	ctx(&c, COMP_ALG_STUB_V2, COMP_ALLOW_NO);
	assert_int_equal(comp_frame(&c, &b), -ENOBUFS);
	comp_free(&c);
	ctx(&c, COMP_ALG_LZO_STUB, COMP_ALLOW_NO);
	assert_int_equal(comp_frame(&c, &b), -ENOBUFS);
	comp_free(&c);
	/* the swap needs one byte at the end */
	buf_init(&b, small, sizeof(small), 4);
	assert_true(buf_write(&b, p, 4));
	ctx(&c, COMP_ALG_STUB, COMP_ALLOW_NO);
	assert_int_equal(comp_frame(&c, &b), -ENOBUFS);
	assert_memory_equal(buf_data(&b), p, 4);
	comp_free(&c);
}

/* ---- receiver ------------------------------------------------------------ */

/* Unframe `wire_hex` and expect `plain` back. */
static void expect_unframe(enum comp_alg alg, enum comp_allow allow,
			   const char *wire_hex, const uint8_t *plain, size_t n)
{
	static uint8_t wire[BUF_SIZE];
	size_t wn = unhex(wire_hex, wire, sizeof(wire));
	struct comp_ctx c;
	struct buf *b = load(wire, wn);

	ctx(&c, alg, allow);
	assert_int_equal(comp_unframe(&c, b), 0);
	assert_buf(b, plain, n);
	comp_free(&c);
}

static void expect_unframe_error(enum comp_alg alg, enum comp_allow allow,
				 const char *wire_hex, int err, enum comp_drop why)
{
	static uint8_t wire[BUF_SIZE];
	size_t wn = unhex(wire_hex, wire, sizeof(wire));
	struct comp_ctx c;

	ctx(&c, alg, allow);
	assert_int_equal(comp_unframe(&c, load(wire, wn)), err);
	assert_int_equal(c.stats.drops[why], 1);
	assert_int_equal(c.last_drop, why);
	comp_free(&c);
}

static void test_unframe_captured(void **state)
{
	uint8_t p[628], echo[84];
	enum comp_allow a;

	unhex(ECHO84, echo, sizeof(echo));
	expect_unframe(COMP_ALG_LZO_STUB, COMP_ALLOW_NO,
		       "fa2a187bf3641eb4cb07ed2d0a981fc748", ping_magic, 16);
	expect_unframe(COMP_ALG_LZO_STUB, COMP_ALLOW_NO, LZO_STUB_ECHO84, echo, 84);
	expect_unframe(COMP_ALG_LZO, COMP_ALLOW_ASYM, LZO_STUB_ECHO84, echo, 84);
	expect_unframe(COMP_ALG_STUB, COMP_ALLOW_NO,
		       "fb187bf3641eb4cb07ed2d0a981fc7482a", ping_magic, 16);
	expect_unframe(COMP_ALG_LZ4, COMP_ALLOW_NO,
		       "fb187bf3641eb4cb07ed2d0a981fc7482a", ping_magic, 16);
	expect_unframe(COMP_ALG_STUB_V2, COMP_ALLOW_NO, ECHO84, echo, 84);
	expect_unframe(COMP_ALG_LZ4_V2, COMP_ALLOW_NO, ECHO84, echo, 84);
	/* compressed packets are read with asym (2.6's default) and yes */
	for (a = COMP_ALLOW_ASYM; a <= COMP_ALLOW_YES; a++) {
		icmp_zeros(LZ4_HEAD_A, 100, p);
		expect_unframe(COMP_ALG_LZ4, a, LZ4_WIRE_A, p, 100);
		icmp_zeros(LZ4V2_HEAD_B, 100, p);
		expect_unframe(COMP_ALG_LZ4_V2, a, LZ4V2_WIRE_B, p, 100);
		icmp_zeros(LZ4V2_HEAD_C, 628, p);
		expect_unframe(COMP_ALG_LZ4_V2, a, LZ4V2_WIRE_C, p, 628);
	}
}

/* 2.6.14 escapes a leading 0x50 as 50 0a; take it like 50 00. */
static void test_unframe_v2_escapes(void **state)
{
	static const uint8_t frame[] = { 0x50, 0x11, 0x22, 0x33 };
	static uint8_t wire[BUF_SIZE];
	size_t n = unhex(TAP50_26, wire, sizeof(wire));

	expect_unframe(COMP_ALG_STUB_V2, COMP_ALLOW_NO, TAP50_26, wire + 2, n - 2);
	expect_unframe(COMP_ALG_LZ4_V2, COMP_ALLOW_ASYM, TAP50_26, wire + 2, n - 2);
	expect_unframe(COMP_ALG_STUB_V2, COMP_ALLOW_NO, "500050112233", frame, 4);
	/* an unescaped 0x50 is a header with an unknown algorithm */
	expect_unframe_error(COMP_ALG_STUB_V2, COMP_ALLOW_NO, "50112233",
			     -EBADMSG, COMP_DROP_BAD_HEADER);
	expect_unframe_error(COMP_ALG_LZ4_V2, COMP_ALLOW_YES, "5003aabb",
			     -EBADMSG, COMP_DROP_BAD_HEADER);
}

/* LZO is not linked: its compressed packets are refused, and said so. */
static void test_unframe_lzo_compressed(void **state)
{
	enum comp_allow a;

	for (a = COMP_ALLOW_NO; a <= COMP_ALLOW_YES; a++) {
		expect_unframe_error(COMP_ALG_LZO, a, LZO_WIRE, -EPROTONOSUPPORT,
				     COMP_DROP_LZO);
		expect_unframe_error(COMP_ALG_LZO_STUB, a, LZO_WIRE, -EPROTONOSUPPORT,
				     COMP_DROP_LZO);
		expect_unframe_error(COMP_ALG_LZ4_V2, a, "50021122", -EPROTONOSUPPORT,
				     COMP_DROP_LZO);
	}
	expect_unframe_error(COMP_ALG_LZO, COMP_ALLOW_YES, "66", -EPROTONOSUPPORT,
			     COMP_DROP_LZO);
}

/* Compressed packets where this end only accepts framing. */
static void test_unframe_not_allowed(void **state)
{
	expect_unframe_error(COMP_ALG_LZ4, COMP_ALLOW_NO, LZ4_WIRE_A,
			     -EPROTONOSUPPORT, COMP_DROP_NOT_ALLOWED);
	expect_unframe_error(COMP_ALG_LZ4_V2, COMP_ALLOW_NO, LZ4V2_WIRE_B,
			     -EPROTONOSUPPORT, COMP_DROP_NOT_ALLOWED);
	expect_unframe_error(COMP_ALG_STUB, COMP_ALLOW_YES, LZ4_WIRE_A,
			     -EPROTONOSUPPORT, COMP_DROP_NOT_ALLOWED);
	expect_unframe_error(COMP_ALG_STUB_V2, COMP_ALLOW_YES, LZ4V2_WIRE_B,
			     -EPROTONOSUPPORT, COMP_DROP_NOT_ALLOWED);
}

/* What each framing accepts as its first byte; everything else is refused. */
static bool first_byte_ok(enum comp_alg alg, uint8_t m)
{
	switch (alg) {
	case COMP_ALG_LZO_STUB:
	case COMP_ALG_LZO:
		return m == 0xfa;
	case COMP_ALG_STUB:
	case COMP_ALG_LZ4:
		return m == 0xfb;
	default:
		return m != 0x50;
	}
}

static void test_unframe_every_marker(void **state)
{
	uint8_t wire[8] = { 0, 0x45, 0x00, 0x00, 0x1c, 0x11, 0x22, 0x33 };
	struct comp_ctx c;
	size_t i;
	int m, ret;

	for (i = 0; i < N_ALGS; i++) {
		ctx(&c, all_algs[i], COMP_ALLOW_YES);
		for (m = 0; m < 256; m++) {
			wire[0] = (uint8_t)m;
			ret = comp_unframe(&c, load(wire, sizeof(wire)));
			if (all_algs[i] == COMP_ALG_NONE) {
				assert_int_equal(ret, 0);
				continue;
			}
			if (first_byte_ok(all_algs[i], (uint8_t)m))
				assert_int_equal(ret, 0);
			else if (ret == 0)
				fail_msg("alg %d took marker 0x%02x", all_algs[i], m);
		}
		comp_free(&c);
	}
}

/*
 * Every cut of every framed vector: no crash (run this under ASan), and
 * never the whole packet back. A cut LZ4 block may still be valid LZ4 (cut
 * at a sequence boundary, or, swapped, when the byte that moves to the
 * front happens to announce the literals left): nothing in the framing can
 * tell, the data channel's authentication is what stops cut packets.
 */
static void test_unframe_truncated(void **state)
{
	static const struct { enum comp_alg alg; const char *hex; size_t plain; } v[] = {
		{ COMP_ALG_LZ4, LZ4_WIRE_A, 100 }, { COMP_ALG_LZ4_V2, LZ4V2_WIRE_B, 100 },
		{ COMP_ALG_LZ4_V2, LZ4V2_WIRE_C, 628 }, { COMP_ALG_STUB, STUB_ECHO84, 84 },
		{ COMP_ALG_LZO_STUB, LZO_STUB_ECHO84, 84 }, { COMP_ALG_LZO, LZO_WIRE, 100 },
	};
	static uint8_t wire[BUF_SIZE];
	struct comp_ctx c;
	size_t i, n, cut;
	int ret;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		n = unhex(v[i].hex, wire, sizeof(wire));
		ctx(&c, v[i].alg, COMP_ALLOW_YES);
		for (cut = 1; cut < n; cut++) {
			struct buf *b = load(wire, cut);

			ret = comp_unframe(&c, b);
			if (ret == 0 && buf_len(b) >= v[i].plain)
				fail_msg("vector %zu cut to %zu gave %zu bytes", i, cut, buf_len(b));
		}
		comp_free(&c);
	}
	expect_unframe_error(COMP_ALG_STUB, COMP_ALLOW_NO, "fb", -EBADMSG, COMP_DROP_TRUNCATED);
	expect_unframe_error(COMP_ALG_LZ4, COMP_ALLOW_YES, "69", -EBADMSG, COMP_DROP_TRUNCATED);
	expect_unframe_error(COMP_ALG_STUB_V2, COMP_ALLOW_NO, "50", -EBADMSG, COMP_DROP_TRUNCATED);
	expect_unframe_error(COMP_ALG_LZ4_V2, COMP_ALLOW_YES, "5001", -EBADMSG, COMP_DROP_CORRUPT);
	/* an empty packet stays empty: nothing to frame or unframe */
	expect_unframe(COMP_ALG_STUB, COMP_ALLOW_NO, "", NULL, 0);
}

/* Blocks that break the LZ4 format in each way it can be broken. */
static void test_unframe_lz4_garbage(void **state)
{
	static const char *const bad[] = {
		"5001ffff",                      /* literal length runs off the end */
		"50011f4100000000",              /* match offset 0 */
		"50011f41ff0000000000",          /* offset reaches before the output */
		"50011f41010000",                /* ends in a match, not literals */
		"500140414243",                  /* 4 literals announced, 3 there */
		"50010f4101",                    /* match before any output */
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_unframe_error(COMP_ALG_LZ4_V2, COMP_ALLOW_ASYM, bad[i],
				     -EBADMSG, COMP_DROP_CORRUPT);
	expect_unframe_error(COMP_ALG_LZ4, COMP_ALLOW_ASYM, "69ffff",
			     -EBADMSG, COMP_DROP_CORRUPT);
	/* the one-byte block of nothing is valid LZ4: an empty packet */
	expect_unframe(COMP_ALG_LZ4_V2, COMP_ALLOW_ASYM, "500100", NULL, 0);
}

/*
 * A valid LZ4 block of a few KB that claims about a megabyte: one literal
 * and one long match with offset 1, then the five literals a block must end
 * with. liblz4 itself decodes it into a big enough buffer.
 */
static size_t lz4_bomb(uint8_t *out, size_t ffs, size_t *plain_len)
{
	size_t n = 0, i;

	out[n++] = 0x1f;		/* 1 literal, match length 15 + more */
	out[n++] = 'A';
	out[n++] = 0x01;		/* offset 1 */
	out[n++] = 0x00;
	for (i = 0; i < ffs; i++)
		out[n++] = 0xff;
	out[n++] = 0x00;
	out[n++] = 0x50;		/* 5 final literals */
	memcpy(out + n, "BBBBB", 5);
	n += 5;
	*plain_len = 1 + (4 + 15 + 255 * ffs) + 5;
	return n;
}

static void test_unframe_bomb(void **state)
{
	static uint8_t wire[8192], big[2 << 20];
	size_t plain_len, n = lz4_bomb(wire + 2, 4096, &plain_len);
	uint8_t small[BUF_HEADROOM + 600];
	struct comp_ctx c;
	struct buf b;

	/* the block is real */
	assert_int_equal(LZ4_decompress_safe((char *)wire + 2, (char *)big, (int)n,
					     (int)sizeof(big)), (int)plain_len);
	assert_true(plain_len > 1000000);
	wire[0] = 0x50;
	wire[1] = 0x01;
	ctx(&c, COMP_ALG_LZ4_V2, COMP_ALLOW_ASYM);
	assert_int_equal(comp_unframe(&c, load(wire, n + 2)), -EMSGSIZE);
	assert_int_equal(c.stats.drops[COMP_DROP_TOO_LARGE], 1);
	/* just over the limit is too much as well */
	n = lz4_bomb(wire + 2, (BUF_PAYLOAD_MAX - 25) / 255 + 1, &plain_len);
	assert_true(plain_len > BUF_PAYLOAD_MAX);
	assert_int_equal(comp_unframe(&c, load(wire, n + 2)), -EMSGSIZE);
	/* and the limit is the packet's buffer when that is smaller */
	n = lz4_bomb(wire + 2, 3, &plain_len);
	assert_int_equal(plain_len, 790);
	buf_init(&b, small, sizeof(small), BUF_HEADROOM);
	assert_true(buf_write(&b, wire, n + 2));
	assert_int_equal(comp_unframe(&c, &b), -EMSGSIZE);
	/* a block that fits decodes */
	{
		struct buf *ok = load(wire, n + 2);

		assert_int_equal(comp_unframe(&c, ok), 0);
		assert_int_equal(buf_len(ok), 790);
		assert_int_equal(buf_data(ok)[0], 'A');
		assert_int_equal(buf_data(ok)[784], 'A');
		assert_memory_equal(buf_data(ok) + 785, "BBBBB", 5);
	}
	comp_free(&c);
}

/* A block made by the liblz4 API (not by comp_frame) is read. */
static void test_unframe_liblz4_block(void **state)
{
	static uint8_t plain[9000], block[LZ4_COMPRESSBOUND(9000) + 2];
	struct comp_ctx c;
	struct buf *b;
	int n;
	size_t i;

	for (i = 0; i < sizeof(plain); i++)
		plain[i] = (uint8_t)("openvpn"[i % 7] + i / 1000);
	n = LZ4_compress_HC((char *)plain, (char *)block + 2, (int)sizeof(plain),
			    LZ4_COMPRESSBOUND(9000), 9);
	assert_true(n > 0 && n < 1000);
	block[0] = 0x50;
	block[1] = 0x01;
	ctx(&c, COMP_ALG_LZ4_V2, COMP_ALLOW_ASYM);
	b = load(block, (size_t)n + 2);
	assert_int_equal(comp_unframe(&c, b), 0);
	assert_buf(b, plain, sizeof(plain));
	assert_int_equal(c.stats.rx_compressed, 1);
	comp_free(&c);
}

/* ---- both ends ----------------------------------------------------------- */

static void round_trip(enum comp_alg alg, const uint8_t *p, size_t n)
{
	struct comp_ctx tx, rx;
	struct buf *b = load(p, n);

	ctx(&tx, alg, COMP_ALLOW_YES);
	ctx(&rx, alg, COMP_ALLOW_ASYM);
	assert_int_equal(comp_frame(&tx, b), 0);
	if (comp_unframe(&rx, b) != 0)
		fail_msg("alg %d, %zu bytes: unframe failed", alg, n);
	assert_buf(b, p, n);
	comp_free(&tx);
	comp_free(&rx);
}

static void test_round_trips(void **state)
{
	static const size_t sizes[] = { 1, 2, 16, 99, 100, 101, 1400, 1500, 9000 };
	static uint8_t p[9000];
	size_t i, j, k, first;

	for (k = 0; k < 3; k++) {
		/* zeros, text-like, random */
		for (j = 0; j < sizeof(p); j++)
			p[j] = k == 0 ? 0 : k == 1 ? (uint8_t)"abcabd"[j % 6] : (uint8_t)rand();
		for (first = 0; first < 256; first += 0x05) {
			p[0] = (uint8_t)first;
			for (i = 0; i < N_ALGS; i++)
				for (j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++)
					round_trip(all_algs[i], p, sizes[j]);
		}
	}
	/* the markers themselves as first bytes */
	p[0] = 0x50;
	round_trip(COMP_ALG_STUB_V2, p, 1);
	round_trip(COMP_ALG_LZ4_V2, p, 200);
	p[0] = 0xfb;
	round_trip(COMP_ALG_STUB, p, 1);
	p[0] = 0x69;
	round_trip(COMP_ALG_LZ4, p, 1500);
}

/* ---- odds and ends ------------------------------------------------------- */

static void test_stats_and_log(void **state)
{
	static uint8_t zeros[200];
	struct comp_ctx c;
	int i;

	ctx(&c, COMP_ALG_LZ4_V2, COMP_ALLOW_YES);
	assert_int_equal(comp_frame(&c, load(zeros, 200)), 0);
	assert_int_equal(comp_unframe(&c, load(zeros, 200)), 0);
	assert_int_equal(c.stats.tx_compressed, 1);
	assert_int_equal(c.stats.rx_uncompressed, 1);
	assert_int_equal(comp_unframe(&c, load("\x50\x02", 2)), -EPROTONOSUPPORT);
	for (i = 0; i < 20; i++)
		comp_log_drop(&c, "[AF_INET]192.0.2.1:1194");
	/* the rate limit let through its burst and counted the rest */
	assert_int_equal(c.rl.in_window, 5);
	assert_int_equal(c.rl.suppressed, 15);
	comp_free(&c);
}

static void test_names_and_occ(void **state)
{
	assert_string_equal(comp_alg_name(COMP_ALG_LZ4_V2), "compress lz4-v2");
	assert_string_equal(comp_alg_name(COMP_ALG_LZO_STUB), "comp-lzo no");
	assert_string_equal(comp_alg_name(COMP_ALG_NONE), "none");
	assert_string_equal(comp_allow_name(COMP_ALLOW_ASYM), "asym");
	/* link-mtu in 2.6's options string: 1501 for the one-byte schemes */
	assert_int_equal(comp_occ_link_mtu_extra(COMP_ALG_NONE), 0);
	assert_int_equal(comp_occ_link_mtu_extra(COMP_ALG_LZO_STUB), 1);
	assert_int_equal(comp_occ_link_mtu_extra(COMP_ALG_LZO), 1);
	assert_int_equal(comp_occ_link_mtu_extra(COMP_ALG_STUB), 1);
	assert_int_equal(comp_occ_link_mtu_extra(COMP_ALG_LZ4), 1);
	assert_int_equal(comp_occ_link_mtu_extra(COMP_ALG_STUB_V2), 0);
	assert_int_equal(comp_occ_link_mtu_extra(COMP_ALG_LZ4_V2), 0);
	assert_true(comp_occ_has_comp_lzo("V4,dev-type tun,link-mtu 1501,tun-mtu 1500,"
					  "proto UDPv4,ifconfig 10.77.0.2 10.77.0.1,comp-lzo"));
	assert_true(comp_occ_has_comp_lzo("V4,dev-type tun,comp-lzo,cipher BF-CBC"));
	assert_false(comp_occ_has_comp_lzo("V4,dev-type tun,link-mtu 1500"));
	assert_false(comp_occ_has_comp_lzo("V4,comp-lzox,comp-lz"));
	assert_non_null(comp_lz4_version());
}

/* ---- server mode: what one client gets ----------------------------------- */

static struct comp_client_out for_client(enum comp_alg server_alg, bool migrate,
					 enum comp_allow allow, bool occ, bool stubv2)
{
	struct comp_client_in in = {
		.server_alg = server_alg, .migrate = migrate, .allow = allow,
		.occ_comp_lzo = occ, .iv_comp_stubv2 = stubv2,
	};
	struct comp_client_out out;

	comp_for_client(&in, &out);
	return out;
}

static void test_client_server_config_not_pushed(void **state)
{
	static const enum comp_alg algs[] = {
		COMP_ALG_NONE, COMP_ALG_STUB, COMP_ALG_STUB_V2, COMP_ALG_LZO_STUB,
		COMP_ALG_LZO, COMP_ALG_LZ4, COMP_ALG_LZ4_V2,
	};
	size_t i;
	int occ;

	(void)state;
	/* 2.6 pushes none of its own framing: the config pushes it, or not */
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		for (occ = 0; occ < 2; occ++) {
			struct comp_client_out o = for_client(algs[i], false, COMP_ALLOW_ASYM,
							      occ, true);

			assert_int_equal(o.alg, algs[i]);
			assert_null(o.push);
			assert_null(o.refuse);
		}
	}
}

static void test_client_migrate(void **state)
{
	struct comp_client_out o;

	(void)state;
	/* a 2.6 client with comp-lzo or compress lz4(-v2): stub-v2 */
	o = for_client(COMP_ALG_NONE, true, COMP_ALLOW_NO, true, true);
	assert_string_equal(o.push, "compress stub-v2");
	assert_int_equal(o.alg, COMP_ALG_STUB_V2);
	assert_null(o.refuse);
	/* an old client without IV_COMP_STUBv2: comp-lzo no, framed with 0xFA */
	o = for_client(COMP_ALG_NONE, true, COMP_ALLOW_NO, true, false);
	assert_string_equal(o.push, "comp-lzo no");
	assert_int_equal(o.alg, COMP_ALG_LZO_STUB);
	assert_null(o.refuse);
	/* a client without compression: nothing at all */
	o = for_client(COMP_ALG_NONE, true, COMP_ALLOW_NO, false, true);
	assert_null(o.push);
	assert_int_equal(o.alg, COMP_ALG_NONE);
	o = for_client(COMP_ALG_NONE, true, COMP_ALLOW_NO, false, false);
	assert_null(o.push);
	assert_int_equal(o.alg, COMP_ALG_NONE);
	/* without migrate the client's comp-lzo changes nothing */
	o = for_client(COMP_ALG_NONE, false, COMP_ALLOW_NO, true, false);
	assert_null(o.push);
	assert_int_equal(o.alg, COMP_ALG_NONE);
}

static void test_client_ccd_and_allow(void **state)
{
	struct comp_client_in in = {
		.server_alg = COMP_ALG_NONE, .allow = COMP_ALLOW_NO,
		.ccd_set = true, .ccd_alg = COMP_ALG_LZ4_V2,
	};
	struct comp_client_out o;

	(void)state;
	/* a ccd asking for real compression while --allow-compression no:
	 * 2.6 rejects the client */
	comp_for_client(&in, &o);
	assert_non_null(o.refuse);
	in.allow = COMP_ALLOW_ASYM;
	comp_for_client(&in, &o);
	assert_null(o.refuse);
	assert_int_equal(o.alg, COMP_ALG_LZ4_V2);
	assert_null(o.push);
	/* framing only is always fine, and a ccd can also turn framing off */
	in.allow = COMP_ALLOW_NO;
	in.ccd_alg = COMP_ALG_LZO_STUB;
	comp_for_client(&in, &o);
	assert_null(o.refuse);
	assert_int_equal(o.alg, COMP_ALG_LZO_STUB);
	in.server_alg = COMP_ALG_STUB;
	in.ccd_alg = COMP_ALG_NONE;
	comp_for_client(&in, &o);
	assert_int_equal(o.alg, COMP_ALG_NONE);
	/* migrate still pushes (first, as 2.6), the ccd's framing wins */
	in.server_alg = COMP_ALG_NONE;
	in.migrate = true;
	in.occ_comp_lzo = true;
	in.iv_comp_stubv2 = true;
	in.ccd_alg = COMP_ALG_LZO_STUB;
	comp_for_client(&in, &o);
	assert_string_equal(o.push, "compress stub-v2");
	assert_int_equal(o.alg, COMP_ALG_LZO_STUB);
	/* the server's own LZ4 with asym serves every client */
	o = for_client(COMP_ALG_LZ4_V2, false, COMP_ALLOW_ASYM, false, true);
	assert_null(o.refuse);
	assert_int_equal(o.alg, COMP_ALG_LZ4_V2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_frame_uncompressed),
		cmocka_unit_test(test_frame_v2_escape),
		cmocka_unit_test(test_frame_lz4_matches_26),
		cmocka_unit_test(test_frame_lz4_policy),
		cmocka_unit_test(test_frame_no_room),
		cmocka_unit_test(test_unframe_captured),
		cmocka_unit_test(test_unframe_v2_escapes),
		cmocka_unit_test(test_unframe_lzo_compressed),
		cmocka_unit_test(test_unframe_not_allowed),
		cmocka_unit_test(test_unframe_every_marker),
		cmocka_unit_test(test_unframe_truncated),
		cmocka_unit_test(test_unframe_lz4_garbage),
		cmocka_unit_test(test_unframe_bomb),
		cmocka_unit_test(test_unframe_liblz4_block),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_stats_and_log),
		cmocka_unit_test(test_names_and_occ),
		cmocka_unit_test(test_client_server_config_not_pushed),
		cmocka_unit_test(test_client_migrate),
		cmocka_unit_test(test_client_ccd_and_allow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
