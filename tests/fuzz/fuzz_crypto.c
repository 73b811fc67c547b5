/*
 * Data channel packets: crypto_decrypt() with decrypt contexts for
 * AES-256-GCM, CHACHA20-POLY1305, AES-256-CBC + HMAC-SHA1 and two edge
 * cases 2.6 still allows (AES-256-CBC with --auth none, --cipher none with
 * HMAC-SHA256), all built from one constant key2 (the static key of the
 * wire protocol reference, §13.4).
 *
 * Packets are DATA_V1 or DATA_V2 and sit in a struct buf with headroom and
 * nothing after them in the heap block. Most records are sealed by this
 * harness with its own implementation of §7.2 / §7.3 (packet id, IV and
 * CBC padding from the input), others by a peer context with
 * crypto_encrypt(); decrypt must then return exactly the payload, or refuse
 * the packet only as a replay (or, for padding the input chose, as bad
 * padding). No packet id may be accepted twice in one input.
 *
 * Input: two config bytes (algorithms, role, key id, replay window), then
 * records: a control byte (kind, header, clock step) and its packet.
 */
#include <errno.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto.h"
#include "fuzz_common.h"
#include "keyfile.h"

#define MAX_RECORDS 64
#define HEADROOM 128
#define OP_DATA_V1 6
#define OP_DATA_V2 9

static struct key2 key2;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct static_key sk;
	char err[KEYFILE_ERR_LEN];

	fuzz_log_init();
	if (keyfile_parse(&sk, fuzz_key_text, sizeof(fuzz_key_text) - 1, "fuzz.key", 1,
			  err, sizeof(err)) || sk.len != sizeof(key2)) {
		fprintf(stderr, "fuzz_crypto: %s\n", err);
		abort();
	}
	memcpy(&key2, sk.bytes, sizeof(key2));
	return 0;
}

static const struct {
	const char *cipher, *auth;
} algs[] = {
	{ "AES-256-GCM", "SHA1" },
	{ "CHACHA20-POLY1305", "SHA1" },
	{ "AES-256-CBC", "SHA1" },
	{ "AES-256-CBC", "none" },
	{ "none", "SHA256" },
};
static const uint32_t windows[] = { 64, 0, 5, 1000 };

struct harness {
	int alg;
	struct crypto_key_params params;
	struct crypto_key_ctx dec;      /* ours */
	struct crypto_key_ctx enc;      /* the peer's sending side */
	time_t now;
	struct fuzz_accepted accepted;
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The key2 half our decrypt context uses: the client receives with key1. */
static const uint8_t (*recv_half(const struct harness *h))[KEY2_SLOT_LEN]
{
	return key2.keys[h->params.role == CRYPTO_ROLE_SERVER ? 0 : 1];
}

/* op/kid [peer-id]: 1 or 4 bytes. */
static size_t header(uint8_t *out, bool v2, uint8_t kid, uint32_t peer_id)
{
	if (!v2) {
		out[0] = (uint8_t)(OP_DATA_V1 << 3 | kid);
		return 1;
	}
	put32(out, peer_id & 0xffffff);
	out[0] = (uint8_t)(OP_DATA_V2 << 3 | kid);
	return 4;
}

/* §7.2: hdr | pid | tag | ct; nonce pid | implicit IV; AAD pid (V1) or hdr | pid (V2). */
static size_t seal_aead(const struct harness *h, uint8_t *out, size_t hl, uint32_t pid,
			const uint8_t *pt, size_t len)
{
	const uint8_t (*k)[KEY2_SLOT_LEN] = recv_half(h);
	const EVP_CIPHER *c = h->alg == 0 ? EVP_aes_256_gcm() : EVP_chacha20_poly1305();
	EVP_CIPHER_CTX *cc = EVP_CIPHER_CTX_new();
	uint8_t nonce[12], *p = out + hl, *tag = p + 4, *ct = tag + 16;
	int outl = 0;

	if (!cc)
		abort();
	put32(p, pid);
	memcpy(nonce, p, 4);
	memcpy(nonce + 4, k[KEY2_HMAC], 8);
	FUZZ_CHECK(EVP_EncryptInit_ex(cc, c, NULL, k[KEY2_CIPHER], nonce));
	FUZZ_CHECK(EVP_EncryptUpdate(cc, NULL, &outl, hl == 1 ? p : out, hl == 1 ? 4 : (int)hl + 4));
	FUZZ_CHECK(EVP_EncryptUpdate(cc, ct, &outl, pt, (int)len) && (size_t)outl == len);
	FUZZ_CHECK(EVP_EncryptFinal_ex(cc, ct + len, &outl) && outl == 0);
	FUZZ_CHECK(EVP_CIPHER_CTX_ctrl(cc, EVP_CTRL_AEAD_GET_TAG, 16, tag));
	EVP_CIPHER_CTX_free(cc);
	return hl + 4 + 16 + len;
}

/*
 * §7.3: hdr | HMAC(IV | ct) | IV | CBC(pid | payload | padding). With
 * `raw_pad` the input's own bytes are the last block, whatever padding
 * they hold. --cipher none: hdr | HMAC(pid | payload) | pid | payload.
 */
static size_t seal_cbc(const struct harness *h, uint8_t *out, size_t hl, uint32_t pid,
		       const uint8_t *iv, const uint8_t *pt, size_t len, bool raw_pad)
{
	const uint8_t (*k)[KEY2_SLOT_LEN] = recv_half(h);
	bool cipher = h->alg != 4, hmac = h->alg != 3;
	const EVP_MD *md = h->alg == 4 ? EVP_sha256() : EVP_sha1();
	size_t ml = hmac ? (size_t)EVP_MD_get_size(md) : 0, ivl = cipher ? 16 : 0;
	uint8_t *mac = out + hl, *body = mac + ml, *p = body + ivl;
	size_t n = 4 + len;
	unsigned int got = 0;
	int outl = 0;

	put32(p, pid);
	memcpy(p + 4, pt, len);
	if (cipher) {
		EVP_CIPHER_CTX *cc = EVP_CIPHER_CTX_new();
		size_t pad = 16 - n % 16;

		if (!cc)
			abort();
		if (raw_pad) {
			n -= n % 16;
		} else {
			memset(p + n, (int)pad, pad);
			n += pad;
		}
		memcpy(body, iv, 16);
		FUZZ_CHECK(EVP_EncryptInit_ex(cc, EVP_aes_256_cbc(), NULL, k[KEY2_CIPHER], iv));
		EVP_CIPHER_CTX_set_padding(cc, 0);
		FUZZ_CHECK(EVP_EncryptUpdate(cc, p, &outl, p, (int)n) && (size_t)outl == n);
		EVP_CIPHER_CTX_free(cc);
	}
	if (hmac)
		FUZZ_CHECK(HMAC(md, k[KEY2_HMAC], (int)ml, body, ivl + n, mac, &got) && got == ml);
	return hl + ml + ivl + n;
}

/*
 * Decrypt one packet. `expect` is the payload it must give, NULL when the
 * packet came from the input; `pad_ok` false when the input chose the CBC
 * padding (then bad padding is a valid answer).
 */
static void decrypt(struct harness *h, const uint8_t *wire, size_t len,
		    const uint8_t *expect, size_t expect_len, bool pad_ok)
{
	enum packet_id_verdict pid = PID_OK;
	enum crypto_verdict v;
	uint32_t id = 0;
	struct buf b;
	uint8_t *mem = fuzz_buf_new(&b, wire, len, HEADROOM, 0);

	v = crypto_decrypt(&h->dec, &b, h->now, &pid);
	fuzz_trace("decrypt %zu bytes%s: %s (%s)", len, expect ? " (sealed)" : "",
		   crypto_verdict_str(v), packet_id_verdict_str(pid));
	FUZZ_CHECK(v != CRYPTO_ERROR);
	FUZZ_CHECK((v == CRYPTO_REPLAY) == (pid != PID_OK));
	if (expect) {
		FUZZ_CHECK(v == CRYPTO_OK || v == CRYPTO_REPLAY ||
			   (!pad_ok && (v == CRYPTO_BAD_PADDING || v == CRYPTO_SHORT)));
	}
	if (v == CRYPTO_OK) {
		FUZZ_CHECK(buf_data(&b) >= mem + HEADROOM &&
			   buf_data(&b) + buf_len(&b) <= mem + HEADROOM + len);
		if (expect && pad_ok)
			FUZZ_CHECK(buf_len(&b) == expect_len &&
				   memcmp(buf_data(&b), expect, expect_len) == 0);
		if (expect && !pad_ok)
			FUZZ_CHECK(buf_len(&b) <= expect_len &&
				   memcmp(buf_data(&b), expect, buf_len(&b)) == 0);
		/* The packet id: in front of the tag (AEAD) or of the payload. */
		memcpy(&id, buf_data(&b) - (h->alg <= 1 ? 4 + 16 : 4), 4);
		id = __builtin_bswap32(id);
		FUZZ_CHECK(id != 0);
		fuzz_accept_once(&h->accepted, 0, id);
	}
	free(mem);
}

static void record_sealed(struct harness *h, struct fz *f, uint8_t ctl)
{
	bool v2 = ctl & 4;
	/* Only CBC has padding the input can get wrong. */
	bool raw_pad = (ctl & 8) && (h->alg == 2 || h->alg == 3);
	uint8_t kid = (ctl & 16) ? fz_u8(f) & 7 : h->params.key_id;
	uint32_t peer_id = v2 ? fz_u32(f) : 0, pid = fz_u32(f);
	size_t want, len, ivl, hl, wl;
	const uint8_t *iv, *pt;
	uint8_t ivbuf[16] = { 0 }, *wire;

	iv = fz_bytes(f, 16, &ivl);
	memcpy(ivbuf, iv, ivl);
	want = fz_u16(f) % 2100;
	pt = fz_bytes(f, want, &len);
	wire = malloc(4 + 64 + 16 + 4 + len + 16 + 16);
	if (!wire)
		abort();
	hl = header(wire, v2, kid, peer_id);
	if (h->alg <= 1)
		wl = seal_aead(h, wire, hl, pid, pt, len);
	else
		wl = seal_cbc(h, wire, hl, pid, ivbuf, pt, len, raw_pad);
	if (kid == h->params.key_id)
		decrypt(h, wire, wl, pt, len, !raw_pad);
	else
		decrypt(h, wire, wl, NULL, 0, true);
	free(wire);
}

/* The peer encrypts with the module's own code. */
static void record_encrypted(struct harness *h, struct fz *f, uint8_t ctl)
{
	int32_t peer_id = (ctl & 4) ? (int32_t)(fz_u32(f) & 0xffffff) : -1;
	size_t want = fz_u16(f) % 2100, len;
	const uint8_t *pt = fz_bytes(f, want, &len);
	size_t head = crypto_overhead(h->enc.cipher, h->enc.digest, peer_id >= 0);
	struct buf b;
	uint8_t *mem = fuzz_buf_new(&b, pt, len, head, 16);
	int ret = crypto_encrypt(&h->enc, &b, peer_id);

	FUZZ_CHECK(ret == 0);
	FUZZ_CHECK(buf_len(&b) <= len + head);
	decrypt(h, buf_data(&b), buf_len(&b), pt, len, true);
	free(mem);
	/* Not enough headroom: refused with the buffer untouched. */
	mem = fuzz_buf_new(&b, pt, len, 0, 16);
	FUZZ_CHECK(crypto_encrypt(&h->enc, &b, peer_id) == -ENOSPC && b.off == 0 && b.len == len);
	free(mem);
}

static void record_raw(struct harness *h, struct fz *f)
{
	size_t want = fz_u16(f) % 2100, len;
	const uint8_t *wire = fz_bytes(f, want, &len);

	decrypt(h, wire, len, NULL, 0, true);
}

static bool setup(struct harness *h, uint8_t a, uint8_t b)
{
	struct crypto_key_params peer;

	h->alg = a % 5;
	h->params = (struct crypto_key_params) {
		.cipher = algs[h->alg].cipher,
		.auth = algs[h->alg].auth,
		.role = (a & 8) ? CRYPTO_ROLE_SERVER : CRYPTO_ROLE_CLIENT,
		.key_id = b & 7,
		.replay_window = windows[(b >> 3) & 3],
		.replay_time = (b >> 5) & 1 ? 0 : 15,
	};
	peer = h->params;
	peer.role = h->params.role == CRYPTO_ROLE_SERVER ? CRYPTO_ROLE_CLIENT : CRYPTO_ROLE_SERVER;
	if (crypto_key_ctx_init(&h->dec, &h->params, &key2, CRYPTO_DECRYPT) != 0)
		return false;
	if (crypto_key_ctx_init(&h->enc, &peer, &key2, CRYPTO_ENCRYPT) != 0) {
		crypto_key_ctx_free(&h->dec);
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

		h->now += ctl >> 5;
		switch (ctl & 3) {
		case 0: record_raw(h, &f); break;
		case 1:
		case 3: record_sealed(h, &f, ctl); break;
		case 2: record_encrypted(h, &f, ctl); break;
		}
	}
	crypto_key_ctx_free(&h->dec);
	crypto_key_ctx_free(&h->enc);
	free(h);
	return 0;
}
