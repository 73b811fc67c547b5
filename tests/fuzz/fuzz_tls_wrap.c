/*
 * Control packet protection: tls_wrap_decode() in the modes none, tls-auth
 * (each digest, each key direction) and tls-crypt (either role), with the
 * static key of the wire protocol reference (§13.4).
 *
 * Random bytes almost never authenticate, so most records are sealed by
 * this harness first, with its own implementation of §2.3 / §2.4 and a
 * replay id and timestamp taken from the input; others are wrapped by a
 * peer context with tls_wrap_encode(). Either way decode must accept the
 * packet (or refuse it only as a replay) and give back exactly the plain
 * packet. Across one input no (timestamp, replay id) may be accepted twice
 * and no timestamp older than one accepted before.
 *
 * Input: two config bytes (mode, digest, direction, role, replay window),
 * then records: a control byte (kind, clock step) and its packet.
 */
#include <errno.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fuzz_common.h"
#include "keyfile.h"
#include "reliable.h"
#include "tls_wrap.h"

#define MAX_RECORDS 64
#define HEADROOM 128

static struct static_key key;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[KEYFILE_ERR_LEN];

	fuzz_log_init();
	if (keyfile_parse(&key, fuzz_key_text, sizeof(fuzz_key_text) - 1, "fuzz.key", 1,
			  err, sizeof(err)) || key.len != STATIC_KEY_LEN) {
		fprintf(stderr, "fuzz_tls_wrap: %s\n", err);
		abort();
	}
	return 0;
}

static const char *const digests[] = { "SHA1", "SHA224", "SHA256", "SHA384", "SHA512" };
static const uint32_t windows[] = { 64, 0, 5, 1000 };
static const uint32_t times[] = { 15, 0, 1, 60 };

struct harness {
	struct tls_wrap_config cfg;
	struct tls_wrap_ctx ours;
	struct tls_wrap_ctx peer;       /* sends what `ours` receives */
	time_t now;
	struct fuzz_accepted accepted;
	uint32_t newest_time;           /* of any packet accepted so far */
};

/* Slot offsets in the key file (§2.5). */
#define KEY0_CIPHER 0
#define KEY0_HMAC 64
#define KEY1_CIPHER 128
#define KEY1_HMAC 192

static enum key_direction peer_direction(enum key_direction d)
{
	return d == KEY_DIR_NORMAL ? KEY_DIR_INVERSE :
	       d == KEY_DIR_INVERSE ? KEY_DIR_NORMAL : KEY_DIR_BIDIRECTIONAL;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* §2.3: prefix | HMAC | pid | time | rest, HMAC over pid | time | prefix | rest. */
static size_t seal_auth(const struct harness *h, const uint8_t *plain, size_t len,
			const uint8_t ids[8], uint8_t *out)
{
	const uint8_t *k = key.bytes + (h->cfg.direction == KEY_DIR_NORMAL ? KEY1_HMAC : KEY0_HMAC);
	const EVP_MD *md = EVP_get_digestbyname(h->cfg.digest);
	size_t hl = (size_t)EVP_MD_get_size(md), rest = len - RELIABLE_PREFIX_LEN;
	uint8_t *in = malloc(8 + len);
	unsigned int ml = 0;

	if (!in)
		abort();
	memcpy(in, ids, 8);
	memcpy(in + 8, plain, len);
	memcpy(out, plain, RELIABLE_PREFIX_LEN);
	FUZZ_CHECK(HMAC(md, k, (int)hl, in, 8 + len, out + RELIABLE_PREFIX_LEN, &ml) && ml == hl);
	memcpy(out + RELIABLE_PREFIX_LEN + hl, ids, 8);
	memcpy(out + RELIABLE_PREFIX_LEN + hl + 8, plain + RELIABLE_PREFIX_LEN, rest);
	free(in);
	return len + hl + 8;
}

/* §2.4: A = prefix | pid | time; A | HMAC-SHA256(A | P) | AES-256-CTR(P). */
static size_t seal_crypt(const struct harness *h, const uint8_t *plain, size_t len,
			 const uint8_t ids[8], uint8_t *out)
{
	/* A server receives what the client sent with key1, and vice versa. */
	const uint8_t *ke = key.bytes + (h->cfg.tls_server ? KEY1_CIPHER : KEY0_CIPHER);
	const uint8_t *ka = key.bytes + (h->cfg.tls_server ? KEY1_HMAC : KEY0_HMAC);
	size_t rest = len - RELIABLE_PREFIX_LEN, alen = RELIABLE_PREFIX_LEN + 8;
	uint8_t *tag = out + alen, *c = tag + 32;
	uint8_t *in = malloc(len + 8);
	EVP_CIPHER_CTX *cc = EVP_CIPHER_CTX_new();
	unsigned int ml = 0;
	int outl = 0;

	if (!in || !cc)
		abort();
	memcpy(out, plain, RELIABLE_PREFIX_LEN);
	memcpy(out + RELIABLE_PREFIX_LEN, ids, 8);
	memcpy(in, out, alen);
	memcpy(in + alen, plain + RELIABLE_PREFIX_LEN, rest);
	FUZZ_CHECK(HMAC(EVP_sha256(), ka, 32, in, alen + rest, tag, &ml) && ml == 32);
	FUZZ_CHECK(EVP_EncryptInit_ex(cc, EVP_aes_256_ctr(), NULL, ke, tag));
	FUZZ_CHECK(EVP_EncryptUpdate(cc, c, &outl, plain + RELIABLE_PREFIX_LEN, (int)rest) &&
		   (size_t)outl == rest);
	EVP_CIPHER_CTX_free(cc);
	free(in);
	return alen + 32 + rest;
}

/* Where the replay id and timestamp of a wire packet are. */
static const uint8_t *wire_ids(const struct harness *h, const uint8_t *wire)
{
	if (h->cfg.mode == TLS_WRAP_AUTH)
		return wire + RELIABLE_PREFIX_LEN + h->ours.hmac_len;
	return wire + RELIABLE_PREFIX_LEN;
}

/*
 * Decode one wire packet. `plain` is what it must decode to, or NULL when
 * the packet came from the input and may be anything.
 */
static void decode(struct harness *h, const uint8_t *wire, size_t len,
		   const uint8_t *plain, size_t plain_len)
{
	enum packet_id_verdict v = PID_OK;
	enum tls_wrap_status st;
	uint8_t ids[8];
	struct buf b;
	uint8_t *mem = fuzz_buf_new(&b, wire, len, HEADROOM, 0);

	if (h->cfg.mode != TLS_WRAP_NONE && len >= RELIABLE_PREFIX_LEN + tls_wrap_overhead(&h->ours))
		memcpy(ids, wire_ids(h, wire), 8);
	st = tls_wrap_decode(&h->ours, &b, h->now, &v);
	fuzz_trace("decode %zu bytes%s: %s (%s)", len, plain ? " (sealed)" : "",
		   tls_wrap_status_str(st), packet_id_verdict_str(v));
	FUZZ_CHECK(st == TLS_WRAP_OK || st == TLS_WRAP_SHORT || st == TLS_WRAP_BAD_AUTH ||
		   st == TLS_WRAP_REPLAY);
	FUZZ_CHECK((st == TLS_WRAP_REPLAY) == (v != PID_OK));
	if (len < RELIABLE_PREFIX_LEN + tls_wrap_overhead(&h->ours))
		FUZZ_CHECK(st == TLS_WRAP_SHORT);
	if (plain)
		FUZZ_CHECK(st == TLS_WRAP_OK || st == TLS_WRAP_REPLAY);
	if (st == TLS_WRAP_OK) {
		FUZZ_CHECK(buf_len(&b) == len - tls_wrap_overhead(&h->ours));
		if (plain)
			FUZZ_CHECK(buf_len(&b) == plain_len &&
				   memcmp(buf_data(&b), plain, plain_len) == 0);
		if (h->cfg.mode != TLS_WRAP_NONE) {
			uint32_t t = get32(ids + 4);

			FUZZ_CHECK(get32(ids) != 0 && t >= h->newest_time);
			fuzz_accept_once(&h->accepted, t, get32(ids));
			h->newest_time = t;
		}
	}
	free(mem);
}

static void record_sealed(struct harness *h, struct fz *f)
{
	uint8_t ids[8], *wire;
	size_t want, len, wlen;
	const uint8_t *plain;

	put32(ids, fz_u32(f));
	put32(ids + 4, fz_u32(f));
	want = fz_u16(f) % 2100;
	plain = fz_bytes(f, want, &len);
	if (len < RELIABLE_PREFIX_LEN) {
		decode(h, plain, len, NULL, 0);
		return;
	}
	wire = malloc(len + TLS_WRAP_MAX_OVERHEAD);
	if (!wire)
		abort();
	switch (h->cfg.mode) {
	case TLS_WRAP_NONE:
		memcpy(wire, plain, len);
		wlen = len;
		break;
	case TLS_WRAP_AUTH:
		wlen = seal_auth(h, plain, len, ids, wire);
		break;
	default:
		wlen = seal_crypt(h, plain, len, ids, wire);
		break;
	}
	decode(h, wire, wlen, plain, len);
	free(wire);
}

/* The peer wraps with the module's own encoder. */
static void record_encoded(struct harness *h, struct fz *f)
{
	size_t want = fz_u16(f) % 2100, len;
	const uint8_t *plain = fz_bytes(f, want, &len);
	struct buf b;
	uint8_t *mem = fuzz_buf_new(&b, plain, len, tls_wrap_overhead(&h->peer), 0);
	int ret = tls_wrap_encode(&h->peer, &b, h->now);

	if (len < RELIABLE_PREFIX_LEN) {
		FUZZ_CHECK(ret == -EBADMSG);
	} else {
		FUZZ_CHECK(ret == 0 && buf_headroom(&b) == 0);
		decode(h, buf_data(&b), buf_len(&b), plain, len);
	}
	free(mem);
	/* Without headroom it must refuse, not write in front of the buffer. */
	if (h->cfg.mode != TLS_WRAP_NONE && len >= RELIABLE_PREFIX_LEN) {
		mem = fuzz_buf_new(&b, plain, len, tls_wrap_overhead(&h->peer) - 1, 0);
		FUZZ_CHECK(tls_wrap_encode(&h->peer, &b, h->now) == -ENOSPC);
		free(mem);
	}
}

static void record_raw(struct harness *h, struct fz *f)
{
	size_t want = fz_u16(f) % 2100, len;
	const uint8_t *wire = fz_bytes(f, want, &len);

	decode(h, wire, len, NULL, 0);
}

static void check_sizes(const struct harness *h, struct fz *f)
{
	size_t mps = fz_u16(f), n_acks = fz_u8(f);
	size_t room = tls_wrap_max_payload(&h->ours, mps, n_acks, n_acks & 1);

	FUZZ_CHECK(room <= mps);
	FUZZ_CHECK(tls_wrap_budget_overhead(&h->ours) >= tls_wrap_overhead(&h->ours));
}

static bool setup(struct harness *h, uint8_t a, uint8_t b)
{
	struct tls_wrap_config peer;

	h->cfg = (struct tls_wrap_config) {
		.mode = (enum tls_wrap_mode)(a % 3),
		.key = &key,
		.direction = (enum key_direction)(b % 3),
		.tls_server = b & 4,
		.digest = digests[(a >> 2) % 5],
		.replay_window = windows[(b >> 3) & 3],
		.replay_time = times[(b >> 5) & 3],
	};
	peer = h->cfg;
	peer.direction = peer_direction(h->cfg.direction);
	peer.tls_server = !h->cfg.tls_server;
	if (tls_wrap_init(&h->ours, &h->cfg) != 0)
		return false;
	if (tls_wrap_init(&h->peer, &peer) != 0) {
		tls_wrap_free(&h->ours);
		return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct harness *h = calloc(1, sizeof(*h));
	unsigned int n = 0;
	uint8_t a = fz_u8(&f), b = fz_u8(&f);

	if (!h)
		abort();
	FUZZ_CHECK(setup(h, a, b));
	h->now = 1700000000;
	while (f.n && n++ < MAX_RECORDS) {
		uint8_t ctl = fz_u8(&f);

		h->now += ctl >> 3;
		switch (ctl & 3) {
		case 0: record_raw(h, &f); break;
		case 1: record_sealed(h, &f); break;
		case 2: record_encoded(h, &f); break;
		case 3: check_sizes(h, &f); break;
		}
	}
	tls_wrap_free(&h->ours);
	tls_wrap_free(&h->peer);
	free(h);
	return 0;
}
