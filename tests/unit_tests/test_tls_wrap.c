/* tls-auth / tls-crypt: captured 2.6 packets, round trips, tampering, replay, sizing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "buf.h"
#include "keyfile.h"
#include "reliable.h"
#include "tls_wrap.h"

/* The static key and packets of the protocol reference, captured between two
 * OpenVPN 2.6.14 peers (tls-auth: §13.4, tls-crypt: §13.5). */
static const char key_hex[] =
	"374d430cfbd5bbb810bf481707f5710cf78d2063c6da3621b7c9291142cdcc57"
	"f33c8f798eac5f16843a107ad5f504c75b5605b17293ef7dc0bf99ea11d5cbde"
	"1ecfded6a229ba5b0bc1dbcfbce40989e453e065fb24a48fe9b02aeacaad813b"
	"18284d2b703adc6e4582b172ec7b26590a7d5b51f2ac17696668b1dd0370d983"
	"119520bb28d2646571aeab479bc2938c84252be8bd34cc827f346bfbbd936519"
	"4113264e4b4c7a28fc544a8b4f5beca871956e2e24ef16f3b4ce09ec4711d04f"
	"c7e9678bb728a8f2d0e327f81d776cf22ecc0bb12455baa065c109ea3e83d945"
	"d029cf370fef9f0974e3a5050afe6ddb47e0a70f9650130753df4dd1375a0129";

#define AUTH_TIME 0x6b05e606
static const char auth_client_plain[] = "38f64e6a092f3b7595" "00" "00000000";
static const char auth_client_wire[] =
	"38" "f64e6a092f3b7595" "5e8b8608086e6f33e25df8c7797d846b40492674"
	"00000001" "6b05e606" "00" "00000000";
static const char auth_server_plain[] =
	"403e7861b6c98ca2c8" "01" "00000000" "f64e6a092f3b7595" "00000000";
static const char auth_server_wire[] =
	"40" "3e7861b6c98ca2c8" "a1dc7e8a636f13e05c12a886f2a26fc7473fc4cb"
	"00000001" "6b05e606" "01" "00000000" "f64e6a092f3b7595" "00000000";

#define CRYPT_TIME 0x6b05e618
static const char crypt_client_plain[] = "38012a9efe793a172f" "00" "00000000";
static const char crypt_client_wire[] =
	"38" "012a9efe793a172f" "00000001" "6b05e618"
	"1ecbe5745960d98256ec6eee3621a026f8c93672cf9519294a9f86b086c6a94c" "174e0aaadc";
static const char crypt_server_plain[] =
	"40f4a8069baa13edba" "01" "00000000" "012a9efe793a172f" "00000000";
static const char crypt_server_wire[] =
	"40" "f4a8069baa13edba" "00000001" "6b05e618"
	"89721a46d8718113f7cca17b035cfd95065ad4e7126746897065ab88bbe78c5f"
	"4e842dbedeb08a10353cc2c1525fc2f393";

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = strlen(hex) / 2, i;

	assert_true(n <= cap);
	for (i = 0; i < n; i++) {
		unsigned int v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

static void load_key(struct static_key *k)
{
	k->len = unhex(key_hex, k->bytes, sizeof(k->bytes));
	assert_int_equal(k->len, STATIC_KEY_LEN);
}

struct pair {
	struct static_key key;
	struct tls_wrap_ctx client, server;
};

static struct pair *pair_new(enum tls_wrap_mode mode, enum key_direction client_dir,
			     enum key_direction server_dir, const char *digest)
{
	struct pair *p = calloc(1, sizeof(*p));
	struct tls_wrap_config cfg = { .mode = mode, .digest = digest,
				       .replay_window = PACKET_ID_WINDOW_DEFAULT,
				       .replay_time = PACKET_ID_TIME_DEFAULT };

	assert_non_null(p);
	load_key(&p->key);
	cfg.key = &p->key;
	cfg.direction = client_dir;
	assert_int_equal(tls_wrap_init(&p->client, &cfg), 0);
	cfg.direction = server_dir;
	cfg.tls_server = true;
	assert_int_equal(tls_wrap_init(&p->server, &cfg), 0);
	return p;
}

static void pair_free(struct pair *p)
{
	tls_wrap_free(&p->client);
	tls_wrap_free(&p->server);
	free(p);
}

/* A plain packet in a buffer with the headroom control packets get. */
static void load(struct buf *b, uint8_t *mem, size_t cap, const uint8_t *data, size_t len)
{
	buf_init(b, mem, cap, BUF_HEADROOM);
	assert_true(buf_write(b, data, len));
}

static void assert_hex_equal(const struct buf *b, const char *hex)
{
	uint8_t want[512];
	size_t n = unhex(hex, want, sizeof(want));

	assert_int_equal(buf_len(b), n);
	assert_memory_equal(buf_data(b), want, n);
}

static void check_vector(struct tls_wrap_ctx *tx, struct tls_wrap_ctx *rx, time_t t,
			 const char *plain_hex, const char *wire_hex)
{
	uint8_t plain[256], mem[512];
	size_t n = unhex(plain_hex, plain, sizeof(plain));
	struct buf b;

	load(&b, mem, sizeof(mem), plain, n);
	assert_int_equal(tls_wrap_encode(tx, &b, t), 0);
	assert_hex_equal(&b, wire_hex);
	assert_int_equal(tls_wrap_decode(rx, &b, t + 1, NULL), TLS_WRAP_OK);
	assert_hex_equal(&b, plain_hex);
	/* the plain packet parses: the wrap layer left a well-formed packet */
	{
		struct reliable_pkt pkt;

		assert_int_equal(reliable_pkt_parse(&pkt, buf_data(&b), buf_len(&b)), 0);
	}
}

/* Reproduce the captured bytes exactly: a real peer's packets, not self-consistency. */
static void test_tls_auth_capture(void **state)
{
	struct pair *p = pair_new(TLS_WRAP_AUTH, KEY_DIR_INVERSE, KEY_DIR_NORMAL, NULL);

	check_vector(&p->client, &p->server, AUTH_TIME, auth_client_plain, auth_client_wire);
	check_vector(&p->server, &p->client, AUTH_TIME, auth_server_plain, auth_server_wire);
	assert_int_equal(tls_wrap_overhead(&p->client), 28);
	pair_free(p);
}

static void test_tls_crypt_capture(void **state)
{
	/* key direction must not matter for tls-crypt */
	struct pair *p = pair_new(TLS_WRAP_CRYPT, KEY_DIR_NORMAL, KEY_DIR_NORMAL, NULL);

	check_vector(&p->client, &p->server, CRYPT_TIME, crypt_client_plain, crypt_client_wire);
	check_vector(&p->server, &p->client, CRYPT_TIME, crypt_server_plain, crypt_server_wire);
	assert_int_equal(tls_wrap_overhead(&p->client), 40);
	pair_free(p);
}

/* Wrapped-packet layout and round trips for many packets and payload sizes. */
static void round_trip(struct pair *p, size_t overhead)
{
	uint8_t plain[1300], mem[BUF_SIZE];
	size_t len, h = overhead - TLS_WRAP_PID_LEN;
	uint32_t i;
	struct buf b;

	for (i = 0; i < 300; i++) {
		struct tls_wrap_ctx *tx = i % 2 ? &p->server : &p->client;
		struct tls_wrap_ctx *rx = i % 2 ? &p->client : &p->server;
		uint32_t want_id = i / 2 + 1;
		const uint8_t *pid;
		size_t k;

		len = 9 + (i * 53) % (sizeof(plain) - 9);
		for (k = 0; k < len; k++)
			plain[k] = (uint8_t)(i + k * 3);
		plain[0] = (uint8_t)(P_CONTROL_V1 << 3 | (i % 8));
		load(&b, mem, sizeof(mem), plain, len);
		assert_int_equal(tls_wrap_encode(tx, &b, 1000 + i), 0);
		assert_int_equal(buf_len(&b), len + overhead);
		/* op/kid and session id stay in front, in clear */
		assert_memory_equal(buf_data(&b), plain, 9);
		pid = buf_data(&b) + 9 + (p->client.mode == TLS_WRAP_AUTH ? h : 0);
		assert_int_equal(pid[0] << 24 | pid[1] << 16 | pid[2] << 8 | pid[3], want_id);
		/* the timestamp is the time of the first packet, then constant */
		assert_int_equal(pid[4] << 24 | pid[5] << 16 | pid[6] << 8 | pid[7],
				 1000 + (i % 2));
		if (p->client.mode == TLS_WRAP_CRYPT && len > 40)
			assert_memory_not_equal(buf_data(&b) + 49, plain + 9, len - 9);
		assert_int_equal(tls_wrap_decode(rx, &b, 1000 + i, NULL), TLS_WRAP_OK);
		assert_int_equal(buf_len(&b), len);
		assert_memory_equal(buf_data(&b), plain, len);
	}
}

static void test_round_trips(void **state)
{
	static const struct {
		enum tls_wrap_mode mode;
		enum key_direction c, s;
		const char *digest;
		size_t overhead;
	} cases[] = {
		{ TLS_WRAP_AUTH, KEY_DIR_INVERSE, KEY_DIR_NORMAL, "SHA1", 28 },
		{ TLS_WRAP_AUTH, KEY_DIR_NORMAL, KEY_DIR_INVERSE, "SHA1", 28 },
		{ TLS_WRAP_AUTH, KEY_DIR_BIDIRECTIONAL, KEY_DIR_BIDIRECTIONAL, "SHA256", 40 },
		{ TLS_WRAP_AUTH, KEY_DIR_INVERSE, KEY_DIR_NORMAL, "sha512", 72 },
		{ TLS_WRAP_AUTH, KEY_DIR_INVERSE, KEY_DIR_NORMAL, "SHA224", 36 },
		{ TLS_WRAP_CRYPT, KEY_DIR_BIDIRECTIONAL, KEY_DIR_BIDIRECTIONAL, NULL, 40 },
		{ TLS_WRAP_CRYPT, KEY_DIR_INVERSE, KEY_DIR_NORMAL, NULL, 40 },
		{ TLS_WRAP_NONE, KEY_DIR_BIDIRECTIONAL, KEY_DIR_BIDIRECTIONAL, NULL, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pair *p = pair_new(cases[i].mode, cases[i].c, cases[i].s, cases[i].digest);

		assert_int_equal(tls_wrap_overhead(&p->client), cases[i].overhead);
		if (cases[i].mode == TLS_WRAP_NONE) {
			uint8_t mem[256];
			struct buf b;

			load(&b, mem, sizeof(mem), (const uint8_t *)"\x20" "12345678" "\0", 10);
			assert_int_equal(tls_wrap_encode(&p->client, &b, 1), 0);
			assert_int_equal(buf_len(&b), 10);
			assert_int_equal(tls_wrap_decode(&p->server, &b, 1, NULL), TLS_WRAP_OK);
			assert_int_equal(buf_len(&b), 10);
		} else {
			round_trip(p, cases[i].overhead);
		}
		pair_free(p);
	}
}

static void wrap_one(struct tls_wrap_ctx *tx, uint8_t *out, size_t *out_len, time_t t)
{
	uint8_t plain[64], mem[512];
	struct buf b;
	size_t n = unhex("20" "0102030405060708" "01" "00000007" "1112131415161718"
			 "00000003" "160303000401020304", plain, sizeof(plain));

	load(&b, mem, sizeof(mem), plain, n);
	assert_int_equal(tls_wrap_encode(tx, &b, t), 0);
	memcpy(out, buf_data(&b), buf_len(&b));
	*out_len = buf_len(&b);
}

static enum tls_wrap_status try_decode(struct tls_wrap_ctx *rx, const uint8_t *wire,
				       size_t len, time_t t, enum packet_id_verdict *v)
{
	uint8_t mem[512];
	struct buf b;

	buf_init(&b, mem, sizeof(mem), 16);
	assert_true(buf_write(&b, wire, len));
	return tls_wrap_decode(rx, &b, t, v);
}

/* No single flipped bit and no truncation gets through; nothing is recorded. */
static void tamper(enum tls_wrap_mode mode, const char *digest)
{
	struct pair *p = pair_new(mode, KEY_DIR_INVERSE, KEY_DIR_NORMAL, digest);
	uint8_t wire[512];
	size_t len, bit, n;

	wrap_one(&p->client, wire, &len, 5000);
	for (bit = 0; bit < len * 8; bit++) {
		wire[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		if (try_decode(&p->server, wire, len, 5000, NULL) == TLS_WRAP_OK)
			fail_msg("bit %zu flipped was accepted", bit);
		wire[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	for (n = 0; n < len; n++) {
		enum tls_wrap_status st = try_decode(&p->server, wire, n, 5000, NULL);

		if (st == TLS_WRAP_OK)
			fail_msg("packet truncated to %zu of %zu bytes was accepted", n, len);
		if (n < 9 + tls_wrap_overhead(&p->server))
			assert_int_equal(st, TLS_WRAP_SHORT);
	}
	/* a byte appended breaks it too */
	wire[len] = 0;
	assert_int_equal(try_decode(&p->server, wire, len + 1, 5000, NULL), TLS_WRAP_BAD_AUTH);
	/* none of the above consumed the replay id */
	assert_int_equal(try_decode(&p->server, wire, len, 5000, NULL), TLS_WRAP_OK);
	pair_free(p);
}

static void test_tamper_tls_auth(void **state)
{
	tamper(TLS_WRAP_AUTH, "SHA1");
	tamper(TLS_WRAP_AUTH, "SHA512");
}

static void test_tamper_tls_crypt(void **state)
{
	tamper(TLS_WRAP_CRYPT, NULL);
}

static void replay(enum tls_wrap_mode mode)
{
	struct pair *p = pair_new(mode, KEY_DIR_INVERSE, KEY_DIR_NORMAL, NULL);
	uint8_t first[512], wire[512], later[512];
	enum packet_id_verdict v;
	size_t first_len, len, later_len;
	int i;

	wrap_one(&p->client, first, &first_len, 100);
	assert_int_equal(try_decode(&p->server, first, first_len, 100, &v), TLS_WRAP_OK);
	assert_int_equal(v, PID_OK);
	assert_int_equal(try_decode(&p->server, first, first_len, 100, &v), TLS_WRAP_REPLAY);
	assert_int_equal(v, PID_REPLAY);
	/* reordering inside the window is fine, once */
	wrap_one(&p->client, wire, &len, 100);
	wrap_one(&p->client, later, &later_len, 100);
	assert_int_equal(try_decode(&p->server, later, later_len, 100, NULL), TLS_WRAP_OK);
	assert_int_equal(try_decode(&p->server, wire, len, 100, NULL), TLS_WRAP_OK);
	assert_int_equal(try_decode(&p->server, wire, len, 100, &v), TLS_WRAP_REPLAY);
	/* 64 packets later the first ones fall out of the window */
	for (i = 0; i < 64; i++)
		wrap_one(&p->client, later, &later_len, 100);
	assert_int_equal(try_decode(&p->server, later, later_len, 101, NULL), TLS_WRAP_OK);
	assert_int_equal(try_decode(&p->server, wire, len, 101, &v), TLS_WRAP_REPLAY);
	assert_int_equal(v, PID_TOO_OLD);
	pair_free(p);
}

static void test_replay(void **state)
{
	replay(TLS_WRAP_AUTH);
	replay(TLS_WRAP_CRYPT);
}

/* A restarted peer (new wrap context) starts a newer sequence; an older one is refused. */
static void test_new_sequence(void **state)
{
	struct pair *p = pair_new(TLS_WRAP_AUTH, KEY_DIR_INVERSE, KEY_DIR_NORMAL, NULL);
	struct tls_wrap_config cfg = { .mode = TLS_WRAP_AUTH, .key = &p->key,
				       .direction = KEY_DIR_INVERSE, .replay_window = 64,
				       .replay_time = 15 };
	struct tls_wrap_ctx fresh, stale;
	uint8_t wire[512];
	enum packet_id_verdict v;
	size_t len;

	wrap_one(&p->client, wire, &len, 2000);
	assert_int_equal(try_decode(&p->server, wire, len, 2000, NULL), TLS_WRAP_OK);
	wrap_one(&p->client, wire, &len, 2000);
	assert_int_equal(try_decode(&p->server, wire, len, 2000, NULL), TLS_WRAP_OK);
	assert_int_equal(tls_wrap_init(&fresh, &cfg), 0);
	assert_int_equal(tls_wrap_init(&stale, &cfg), 0);
	wrap_one(&fresh, wire, &len, 2005);
	assert_int_equal(try_decode(&p->server, wire, len, 2005, NULL), TLS_WRAP_OK);
	wrap_one(&stale, wire, &len, 1999);
	assert_int_equal(try_decode(&p->server, wire, len, 2005, &v), TLS_WRAP_REPLAY);
	assert_int_equal(v, PID_OLD_TIME);
	tls_wrap_free(&fresh);
	tls_wrap_free(&stale);
	pair_free(p);
}

/* Reflected packets and mismatched directions or roles fail authentication. */
static void test_wrong_direction(void **state)
{
	static const struct {
		enum tls_wrap_mode mode;
		enum key_direction c, s;
		bool server_is_server;
	} cases[] = {
		{ TLS_WRAP_AUTH, KEY_DIR_INVERSE, KEY_DIR_INVERSE, true },
		{ TLS_WRAP_AUTH, KEY_DIR_NORMAL, KEY_DIR_NORMAL, true },
		{ TLS_WRAP_AUTH, KEY_DIR_INVERSE, KEY_DIR_BIDIRECTIONAL, true },
		{ TLS_WRAP_CRYPT, KEY_DIR_INVERSE, KEY_DIR_NORMAL, false },
	};
	uint8_t wire[512];
	size_t i, len;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pair *p = pair_new(cases[i].mode, cases[i].c, cases[i].s, NULL);

		if (!cases[i].server_is_server) {
			/* both peers configured as TLS client */
			struct tls_wrap_config cfg = { .mode = cases[i].mode, .key = &p->key,
						       .replay_window = 64 };

			tls_wrap_free(&p->server);
			assert_int_equal(tls_wrap_init(&p->server, &cfg), 0);
		}
		wrap_one(&p->client, wire, &len, 10);
		assert_int_equal(try_decode(&p->server, wire, len, 10, NULL), TLS_WRAP_BAD_AUTH);
		pair_free(p);
	}
	/* correct configuration, but a packet reflected back to its sender */
	for (i = 0; i < 2; i++) {
		struct pair *p = pair_new(i ? TLS_WRAP_CRYPT : TLS_WRAP_AUTH, KEY_DIR_INVERSE,
					  KEY_DIR_NORMAL, NULL);

		wrap_one(&p->client, wire, &len, 10);
		assert_int_equal(try_decode(&p->client, wire, len, 10, NULL), TLS_WRAP_BAD_AUTH);
		wrap_one(&p->server, wire, &len, 10);
		assert_int_equal(try_decode(&p->server, wire, len, 10, NULL), TLS_WRAP_BAD_AUTH);
		assert_int_equal(try_decode(&p->client, wire, len, 10, NULL), TLS_WRAP_OK);
		pair_free(p);
	}
}

static void test_init_errors(void **state)
{
	struct static_key half;
	struct tls_wrap_config cfg = { .mode = TLS_WRAP_AUTH, .key = &half,
				       .direction = KEY_DIR_NORMAL, .replay_window = 64 };
	struct tls_wrap_ctx ctx;

	load_key(&half);
	half.len = STATIC_KEY_ONE_LEN;
	assert_int_equal(tls_wrap_init(&ctx, &cfg), -EINVAL);
	cfg.direction = KEY_DIR_BIDIRECTIONAL;
	assert_int_equal(tls_wrap_init(&ctx, &cfg), 0);
	tls_wrap_free(&ctx);
	cfg.mode = TLS_WRAP_CRYPT;
	assert_int_equal(tls_wrap_init(&ctx, &cfg), -EINVAL);
	load_key(&half);
	cfg.mode = TLS_WRAP_AUTH;
	cfg.digest = "NOT-A-DIGEST";
	assert_int_equal(tls_wrap_init(&ctx, &cfg), -EINVAL);
	cfg.digest = "none";
	assert_int_equal(tls_wrap_init(&ctx, &cfg), -EINVAL);
	cfg.digest = NULL;
	cfg.key = NULL;
	assert_int_equal(tls_wrap_init(&ctx, &cfg), -EINVAL);
	cfg.key = &half;
	cfg.replay_window = PACKET_ID_WINDOW_MAX + 1;
	assert_int_equal(tls_wrap_init(&ctx, &cfg), -EINVAL);
	/* freeing a failed or zeroed context is harmless */
	tls_wrap_free(&ctx);
}

static void test_encode_errors(void **state)
{
	struct pair *p = pair_new(TLS_WRAP_CRYPT, KEY_DIR_INVERSE, KEY_DIR_NORMAL, NULL);
	uint8_t plain[14] = { 0x38, 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t mem[128];
	struct buf b;

	buf_init(&b, mem, sizeof(mem), 39);
	assert_true(buf_write(&b, plain, sizeof(plain)));
	assert_int_equal(tls_wrap_encode(&p->client, &b, 1), -ENOSPC);
	assert_int_equal(buf_len(&b), sizeof(plain));
	assert_memory_equal(buf_data(&b), plain, sizeof(plain));
	buf_init(&b, mem, sizeof(mem), 40);
	assert_true(buf_write(&b, plain, 8));
	assert_int_equal(tls_wrap_encode(&p->client, &b, 1), -EBADMSG);
	assert_true(buf_write(&b, plain + 8, 6));
	assert_int_equal(tls_wrap_encode(&p->client, &b, 1), 0);
	/* that failed attempt did not use up replay id 1 */
	assert_int_equal(buf_data(&b)[12], 1);
	/* the send counter ends rather than wrapping within the same second */
	p->client.pid_send.id = UINT32_MAX;
	buf_init(&b, mem, sizeof(mem), 40);
	assert_true(buf_write(&b, plain, sizeof(plain)));
	assert_int_equal(tls_wrap_encode(&p->client, &b, 1), -ERANGE);
	pair_free(p);
}

/* Payload budget: the sizes 2.6 was observed to use with max-packet-size 1250. */
static void test_max_payload(void **state)
{
	struct pair *none = pair_new(TLS_WRAP_NONE, 0, 0, NULL);
	struct pair *auth = pair_new(TLS_WRAP_AUTH, KEY_DIR_INVERSE, KEY_DIR_NORMAL, NULL);
	struct pair *a256 = pair_new(TLS_WRAP_AUTH, KEY_DIR_INVERSE, KEY_DIR_NORMAL, "SHA256");
	struct pair *crypt = pair_new(TLS_WRAP_CRYPT, 0, 0, NULL);

	assert_int_equal(tls_wrap_max_payload(&none->client, 1250, 1, false), 1196);
	assert_int_equal(tls_wrap_max_payload(&none->client, 1250, 2, false), 1192);
	assert_int_equal(tls_wrap_max_payload(&none->client, 1250, 3, false), 1188);
	assert_int_equal(tls_wrap_max_payload(&none->client, 1250, 4, false), 1184);
	assert_int_equal(tls_wrap_max_payload(&none->client, 1250, 8, false), 1184);
	assert_int_equal(tls_wrap_max_payload(&none->client, 1250, 0, false), 1208);
	assert_int_equal(tls_wrap_max_payload(&none->client, 1250, 1, true), 1176);
	assert_int_equal(tls_wrap_max_payload(&auth->client, 1250, 1, false), 1168);
	assert_int_equal(tls_wrap_max_payload(&a256->client, 1250, 1, false), 1156);
	assert_int_equal(tls_wrap_max_payload(&crypt->client, 1250, 1, false), 1140);
	assert_int_equal(tls_wrap_budget_overhead(&crypt->client), 56);
	assert_int_equal(tls_wrap_budget_overhead(&auth->client), 28);
	/* the control budget never exceeds 2048 */
	assert_int_equal(tls_wrap_max_payload(&none->client, 9000, 1, false), 2048 - 54);
	assert_int_equal(tls_wrap_max_payload(&crypt->client, 154, 4, true), 12);
	assert_int_equal(tls_wrap_max_payload(&crypt->client, 142, 4, true), 0);
	assert_int_equal(tls_wrap_max_payload(&crypt->client, 100, 4, true), 0);
	assert_int_equal(tls_wrap_max_payload(&none->client, 154, 0, false), 154 - 42);
	/* full-size packets as captured: 1222 bytes plain and tls-auth, 1206 tls-crypt */
	assert_int_equal(1196 + reliable_pkt_hdr_len(P_CONTROL_V1, 1), 1222);
	assert_int_equal(1168 + reliable_pkt_hdr_len(P_CONTROL_V1, 1) +
			 tls_wrap_overhead(&auth->client), 1222);
	assert_int_equal(1140 + reliable_pkt_hdr_len(P_CONTROL_V1, 1) +
			 tls_wrap_overhead(&crypt->client), 1206);
	pair_free(none);
	pair_free(auth);
	pair_free(a256);
	pair_free(crypt);
}

/* Random packets never authenticate and never crash the decoder. */
static void test_random_input(void **state)
{
	enum tls_wrap_mode modes[2] = { TLS_WRAP_AUTH, TLS_WRAP_CRYPT };
	uint64_t x = 42;
	uint8_t wire[160];
	size_t m, i, k, len;

	for (m = 0; m < 2; m++) {
		struct pair *p = pair_new(modes[m], KEY_DIR_INVERSE, KEY_DIR_NORMAL, NULL);

		for (i = 0; i < 20000; i++) {
			len = (size_t)(x % sizeof(wire));
			for (k = 0; k < len; k++) {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				wire[k] = (uint8_t)x;
			}
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			assert_int_not_equal(try_decode(&p->server, wire, len, 1, NULL), TLS_WRAP_OK);
		}
		pair_free(p);
	}
}

static void test_status_strings(void **state)
{
	assert_string_equal(tls_wrap_status_str(TLS_WRAP_OK), "ok");
	assert_string_equal(tls_wrap_status_str(TLS_WRAP_BAD_AUTH), "packet authentication failed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tls_auth_capture),
		cmocka_unit_test(test_tls_crypt_capture),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_tamper_tls_auth),
		cmocka_unit_test(test_tamper_tls_crypt),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_new_sequence),
		cmocka_unit_test(test_wrong_direction),
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_encode_errors),
		cmocka_unit_test(test_max_payload),
		cmocka_unit_test(test_random_input),
		cmocka_unit_test(test_status_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
