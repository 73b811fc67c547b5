/* Data channel ciphers, key derivation and per-key packet protection. */
#include "crypto.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "compat.h"

#define OP_DATA_V1 6
#define OP_DATA_V2 9
#define OP_SHIFT 3
#define KEY_ID_MASK 0x07
#define PID_LEN 4
#define AEAD_TAG_LEN 16
#define AEAD_NONCE_LEN 12
#define IMPLICIT_IV_LEN (AEAD_NONCE_LEN - PID_LEN)
#define MAX_HMAC_LEN 64
#define MAX_NAME_LEN 64

/* ---- name tables ------------------------------------------------------- */

struct cipher_row {
	struct crypto_cipher_info info;     /* first: rows are found from it */
	const char *ossl;                   /* OpenSSL's fetch name */
	const char *alias;
	bool legacy;                        /* lives in the legacy provider */
};

#define AEAD(n, o, a, kl) { { n, CRYPTO_CIPHER_AEAD, kl, AEAD_NONCE_LEN, 1, AEAD_TAG_LEN }, o, a, false }
#define CBC(n, kl, bs, leg) { { n, CRYPTO_CIPHER_CBC, kl, bs, bs, 0 }, n, NULL, leg }

static const struct cipher_row cipher_table[] = {
	AEAD("AES-128-GCM", "AES-128-GCM", "id-aes128-GCM", 16),
	AEAD("AES-192-GCM", "AES-192-GCM", "id-aes192-GCM", 24),
	AEAD("AES-256-GCM", "AES-256-GCM", "id-aes256-GCM", 32),
	AEAD("CHACHA20-POLY1305", "ChaCha20-Poly1305", NULL, 32),
	AEAD("ARIA-128-GCM", "ARIA-128-GCM", NULL, 16),
	AEAD("ARIA-192-GCM", "ARIA-192-GCM", NULL, 24),
	AEAD("ARIA-256-GCM", "ARIA-256-GCM", NULL, 32),
	CBC("AES-128-CBC", 16, 16, false),
	CBC("AES-192-CBC", 24, 16, false),
	CBC("AES-256-CBC", 32, 16, false),
	CBC("ARIA-128-CBC", 16, 16, false),
	CBC("ARIA-192-CBC", 24, 16, false),
	CBC("ARIA-256-CBC", 32, 16, false),
	CBC("CAMELLIA-128-CBC", 16, 16, false),
	CBC("CAMELLIA-192-CBC", 24, 16, false),
	CBC("CAMELLIA-256-CBC", 32, 16, false),
	CBC("SM4-CBC", 16, 16, false),
	CBC("DES-EDE3-CBC", 24, 8, false),
	CBC("DES-EDE-CBC", 16, 8, false),
	CBC("BF-CBC", 16, 8, true),
	CBC("CAST5-CBC", 16, 8, true),
	CBC("DES-CBC", 8, 8, true),
	CBC("IDEA-CBC", 16, 8, true),
	CBC("RC2-CBC", 16, 8, true),
	CBC("SEED-CBC", 16, 16, true),
	{ { "none", CRYPTO_CIPHER_NONE, 0, 0, 1, 0 }, NULL, NULL, false },
};

struct digest_row {
	struct crypto_digest_info info;
	const char *ossl;
	const char *alias;
	bool legacy;
};

static const struct digest_row digest_table[] = {
	{ { "none", 0 }, NULL, NULL, false },
	{ { "MD5", 16 }, "MD5", NULL, false },
	{ { "SHA1", 20 }, "SHA1", "SHA-1", false },
	{ { "SHA224", 28 }, "SHA224", "SHA2-224", false },
	{ { "SHA256", 32 }, "SHA256", "SHA2-256", false },
	{ { "SHA384", 48 }, "SHA384", "SHA2-384", false },
	{ { "SHA512", 64 }, "SHA512", "SHA2-512", false },
	{ { "SHA512-224", 28 }, "SHA512-224", "SHA2-512/224", false },
	{ { "SHA512-256", 32 }, "SHA512-256", "SHA2-512/256", false },
	{ { "SHA3-224", 28 }, "SHA3-224", NULL, false },
	{ { "SHA3-256", 32 }, "SHA3-256", NULL, false },
	{ { "SHA3-384", 48 }, "SHA3-384", NULL, false },
	{ { "SHA3-512", 64 }, "SHA3-512", NULL, false },
	{ { "BLAKE2s256", 32 }, "BLAKE2S-256", NULL, false },
	{ { "BLAKE2b512", 64 }, "BLAKE2B-512", NULL, false },
	{ { "RIPEMD160", 20 }, "RIPEMD160", NULL, true },
	{ { "MD4", 16 }, "MD4", NULL, true },
	{ { "WHIRLPOOL", 64 }, "WHIRLPOOL", NULL, true },
};

static const char *why_missing(bool legacy)
{
	return legacy ? "needs OpenSSL's legacy provider, which is not loaded"
		      : "not provided by this OpenSSL build";
}

static bool name_matches(const char *name, const char *canon, const char *alias)
{
	return !strcasecmp(name, canon) || (alias && !strcasecmp(name, alias));
}

static bool cipher_available(const struct cipher_row *row)
{
	EVP_CIPHER *c;

	if (!row->ossl)
		return true;
	c = EVP_CIPHER_fetch(NULL, row->ossl, NULL);
	EVP_CIPHER_free(c);
	return c != NULL;
}

static bool digest_available(const struct digest_row *row)
{
	EVP_MD *md;

	if (!row->ossl)
		return true;
	md = EVP_MD_fetch(NULL, row->ossl, NULL);
	EVP_MD_free(md);
	return md != NULL;
}

int crypto_cipher_lookup(const char *name, const struct crypto_cipher_info **out,
			 const char **why)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cipher_table); i++) {
		const struct cipher_row *row = &cipher_table[i];

		if (!name_matches(name, row->info.name, row->alias))
			continue;
		*out = &row->info;
		if (cipher_available(row))
			return 0;
		if (why)
			*why = why_missing(row->legacy);
		return -EOPNOTSUPP;
	}
	if (why)
		*why = "unknown cipher";
	return -ENOENT;
}

int crypto_digest_lookup(const char *name, const struct crypto_digest_info **out,
			 const char **why)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(digest_table); i++) {
		const struct digest_row *row = &digest_table[i];

		if (!name_matches(name, row->info.name, row->alias))
			continue;
		*out = &row->info;
		if (digest_available(row))
			return 0;
		if (why)
			*why = why_missing(row->legacy);
		return -EOPNOTSUPP;
	}
	if (why)
		*why = "unknown digest";
	return -ENOENT;
}

const struct crypto_cipher_info *crypto_cipher_at(size_t i, const char **why)
{
	if (i >= ARRAY_SIZE(cipher_table))
		return NULL;
	*why = cipher_available(&cipher_table[i]) ? NULL : why_missing(cipher_table[i].legacy);
	return &cipher_table[i].info;
}

const struct crypto_digest_info *crypto_digest_at(size_t i, const char **why)
{
	if (i >= ARRAY_SIZE(digest_table))
		return NULL;
	*why = digest_available(&digest_table[i]) ? NULL : why_missing(digest_table[i].legacy);
	return &digest_table[i].info;
}

static const char *cipher_ossl_name(const struct crypto_cipher_info *info)
{
	return ((const struct cipher_row *)info)->ossl;
}

static const char *digest_ossl_name(const struct crypto_digest_info *info)
{
	return ((const struct digest_row *)info)->ossl;
}

/* ---- --data-ciphers ---------------------------------------------------- */

/* Append with a separator; returns false when `dst` is too short. */
static bool append(char *dst, size_t dst_len, size_t *used, const char *sep, const char *s)
{
	int n;

	if (!dst || dst_len == 0)
		return false;
	n = snprintf(dst + *used, dst_len - *used, "%s%s", *used ? sep : "", s);
	if (n < 0 || (size_t)n >= dst_len - *used)
		return false;
	*used += (size_t)n;
	return true;
}

/* Check one list element; on trouble add its complaint to `err`. */
static int check_data_cipher(const char *tok, size_t len, const char **canon, char *err,
			     size_t err_len, size_t *err_used)
{
	char name[MAX_NAME_LEN];
	char line[2 * MAX_NAME_LEN + 64];
	bool optional = len && tok[0] == '?';
	const struct crypto_cipher_info *info = NULL;
	const char *why = "name too long";
	int ret = -ENOENT;

	if (optional) {
		tok++;
		len--;
	}
	if (len < sizeof(name)) {
		memcpy(name, tok, len);
		name[len] = '\0';
		ret = crypto_cipher_lookup(name, &info, &why);
	} else {
		snprintf(name, sizeof(name), "%.*s...", (int)sizeof(name) - 4, tok);
	}
	*canon = ret == 0 ? info->name : NULL;
	if (ret == 0 || optional)
		return 0;
	snprintf(line, sizeof(line), "'%s' (%s)", name, why);
	append(err, err_len, err_used, ", ", line);
	return -EINVAL;
}

int crypto_data_ciphers_validate(const char *list, char *out, size_t out_len,
				 char *err, size_t err_len)
{
	size_t err_used = 0, out_used = 0, n_ok = 0, canon_len = 0;
	const char *p = list, *end, *canon;
	int ret = 0;

	if (err && err_len)
		err[0] = '\0';
	if (out && out_len)
		out[0] = '\0';
	for (; *p; p = *end ? end + 1 : end) {
		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		if (end == p)
			continue;       /* tolerate "A::B" and a trailing ':' */
		if (check_data_cipher(p, (size_t)(end - p), &canon, err, err_len, &err_used))
			ret = -EINVAL;
		if (!canon)
			continue;
		n_ok++;
		canon_len += strlen(canon) + (n_ok > 1);
		if (out && ret == 0 && !append(out, out_len, &out_used, ":", canon))
			ret = -ENOSPC;
	}
	if (ret == -EINVAL || (ret == 0 && n_ok == 0)) {
		if (!err_used && err && err_len)
			snprintf(err, err_len, "no usable cipher in the list");
		return -EINVAL;
	}
	if (canon_len > CRYPTO_DATA_CIPHERS_MAX) {
		if (err && err_len)
			snprintf(err, err_len, "list longer than %d characters",
				 CRYPTO_DATA_CIPHERS_MAX);
		return -EINVAL;
	}
	return ret;
}

size_t crypto_overhead(const struct crypto_cipher_info *cipher,
		       const struct crypto_digest_info *digest, bool data_v2)
{
	size_t n = data_v2 ? 4 : 1;

	n += PID_LEN;
	if (cipher->kind == CRYPTO_CIPHER_AEAD)
		return n + cipher->tag_len;
	if (digest)
		n += digest->size;
	if (cipher->kind == CRYPTO_CIPHER_CBC)
		n += cipher->iv_len + cipher->block_size;
	return n;
}

/* ---- small primitives -------------------------------------------------- */

void crypto_wipe(void *p, size_t n)
{
	OPENSSL_cleanse(p, n);
}

bool crypto_memeq(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

int crypto_rand_bytes(void *p, size_t n)
{
	if (n > INT_MAX || RAND_bytes(p, (int)n) != 1)
		return -EIO;
	return 0;
}

int crypto_aes256_ctr(const uint8_t key[32], const uint8_t iv[16], uint8_t *data, size_t len)
{
	EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, "AES-256-CTR", NULL);
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int outl = 0, ret = -EIO;

	if (!cipher || !c || len > INT_MAX || !EVP_EncryptInit_ex2(c, cipher, key, iv, NULL))
		goto out;
	if (len && (!EVP_EncryptUpdate(c, data, &outl, data, (int)len) || (size_t)outl != len))
		goto out;
	ret = 0;
out:
	EVP_CIPHER_CTX_free(c);
	EVP_CIPHER_free(cipher);
	return ret;
}

/*
 * A keyed HMAC, reused per packet. Note: OpenSSL 3.0 duplicates the digest
 * state with an allocation on each re-init (also with hand-made HMAC on
 * EVP_MD_CTX), so the legacy CBC path is not allocation-free inside
 * OpenSSL; the AEAD path is.
 */
struct crypto_hmac {
	EVP_MAC_CTX *ctx;
	size_t size;
};

static int hmac_create(struct crypto_hmac **out, const char *digest, const uint8_t *key,
		       size_t key_len)
{
	struct crypto_hmac *h;
	EVP_MAC *mac;
	OSSL_PARAM params[2];
	int ret = -EIO;

	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (mac)
		h->ctx = EVP_MAC_CTX_new(mac);  /* holds its own reference */
	EVP_MAC_free(mac);
	if (!h->ctx)
		goto out;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(h->ctx, key, key_len, params))
		goto out;
	h->size = EVP_MAC_CTX_get_mac_size(h->ctx);
	if (h->size == 0 || h->size > MAX_HMAC_LEN)
		goto out;
	*out = h;
	ret = 0;
out:
	if (ret)
		crypto_hmac_free(h);
	return ret;
}

int crypto_hmac_new(struct crypto_hmac **out, const char *digest, const uint8_t *key,
		    size_t key_len)
{
	const struct crypto_digest_info *info;
	int ret = crypto_digest_lookup(digest, &info, NULL);

	if (ret)
		return ret;
	if (info->size == 0)
		return -EINVAL;
	return hmac_create(out, digest_ossl_name(info), key, key_len);
}

void crypto_hmac_free(struct crypto_hmac *h)
{
	if (!h)
		return;
	EVP_MAC_CTX_free(h->ctx);           /* wipes the key state */
	free(h);
}

size_t crypto_hmac_size(const struct crypto_hmac *h)
{
	return h->size;
}

int crypto_hmac_begin(struct crypto_hmac *h)
{
	/* No key: restart from the precomputed key state, no re-keying. */
	return EVP_MAC_init(h->ctx, NULL, 0, NULL) ? 0 : -EIO;
}

int crypto_hmac_update(struct crypto_hmac *h, const void *p, size_t n)
{
	return EVP_MAC_update(h->ctx, p, n) ? 0 : -EIO;
}

int crypto_hmac_final(struct crypto_hmac *h, uint8_t *out)
{
	size_t len = 0;

	if (!EVP_MAC_final(h->ctx, out, &len, h->size) || len != h->size)
		return -EIO;
	return 0;
}

static int hmac_oneshot(struct crypto_hmac *h, const uint8_t *p, size_t n, uint8_t *out)
{
	if (crypto_hmac_begin(h) || crypto_hmac_update(h, p, n))
		return -EIO;
	return crypto_hmac_final(h, out);
}

/* ---- legacy PRF key derivation ----------------------------------------- */

/* TLS 1.0 PRF: OpenSSL's TLS1-PRF with MD5-SHA1 splits the secret into two
 * halves and xors P_MD5 with P_SHA1, which is exactly what OpenVPN uses. */
static int tls1_prf(const uint8_t *secret, size_t secret_len, const uint8_t *seed,
		    size_t seed_len, uint8_t *out, size_t out_len)
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "TLS1-PRF", NULL);
	EVP_KDF_CTX *ctx = NULL;
	OSSL_PARAM params[4];
	int ret = -EIO;

	if (!kdf)
		goto out;
	ctx = EVP_KDF_CTX_new(kdf);
	if (!ctx)
		goto out;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"MD5-SHA1", 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, (void *)secret,
						      secret_len);
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, (void *)seed,
						      seed_len);
	params[3] = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(ctx, out, out_len, params) > 0)
		ret = 0;
out:
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	return ret;
}

static const char master_label[] = "OpenVPN master secret";
static const char expand_label[] = "OpenVPN key expansion";

static void seed_add(uint8_t *seed, size_t *n, const void *p, size_t len)
{
	memcpy(seed + *n, p, len);
	*n += len;
}

int crypto_derive_key2_prf(const uint8_t pre_master[CRYPTO_PRE_MASTER_LEN],
			   const uint8_t c_rand1[CRYPTO_RANDOM_LEN],
			   const uint8_t c_rand2[CRYPTO_RANDOM_LEN],
			   const uint8_t s_rand1[CRYPTO_RANDOM_LEN],
			   const uint8_t s_rand2[CRYPTO_RANDOM_LEN],
			   const uint8_t c_sid[CRYPTO_SID_LEN],
			   const uint8_t s_sid[CRYPTO_SID_LEN], struct key2 *out)
{
	uint8_t master[48];
	uint8_t seed[sizeof(expand_label) - 1 + 2 * CRYPTO_RANDOM_LEN + 2 * CRYPTO_SID_LEN];
	size_t n = 0;
	int ret;

	/* Labels go in without their NUL. */
	seed_add(seed, &n, master_label, sizeof(master_label) - 1);
	seed_add(seed, &n, c_rand1, CRYPTO_RANDOM_LEN);
	seed_add(seed, &n, s_rand1, CRYPTO_RANDOM_LEN);
	ret = tls1_prf(pre_master, CRYPTO_PRE_MASTER_LEN, seed, n, master, sizeof(master));
	if (ret)
		goto out;
	n = 0;
	seed_add(seed, &n, expand_label, sizeof(expand_label) - 1);
	seed_add(seed, &n, c_rand2, CRYPTO_RANDOM_LEN);
	seed_add(seed, &n, s_rand2, CRYPTO_RANDOM_LEN);
	seed_add(seed, &n, c_sid, CRYPTO_SID_LEN);
	seed_add(seed, &n, s_sid, CRYPTO_SID_LEN);
	ret = tls1_prf(master, sizeof(master), seed, n, (uint8_t *)out, sizeof(*out));
out:
	crypto_wipe(master, sizeof(master));
	crypto_wipe(seed, sizeof(seed));
	if (ret)
		crypto_wipe(out, sizeof(*out));
	return ret;
}

/* ---- key contexts ------------------------------------------------------ */

struct crypto_evp {
	EVP_CIPHER *cipher;                 /* NULL for --cipher none */
	EVP_CIPHER_CTX *cctx;
	struct crypto_hmac *hmac;           /* CBC and none with --auth */
	uint8_t implicit_iv[IMPLICIT_IV_LEN];
};

static bool all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	while (n--)
		acc |= *p++;
	return acc == 0;
}

static int evp_cipher_setup(struct crypto_evp *e, const struct crypto_cipher_info *info,
			    const uint8_t *key, bool enc)
{
	e->cipher = EVP_CIPHER_fetch(NULL, cipher_ossl_name(info), NULL);
	if (!e->cipher)
		return -EOPNOTSUPP;
	if (EVP_CIPHER_get_key_length(e->cipher) != info->key_len ||
	    EVP_CIPHER_get_iv_length(e->cipher) != info->iv_len)
		return -EIO;
	e->cctx = EVP_CIPHER_CTX_new();
	if (!e->cctx)
		return -ENOMEM;
	/* The key schedule is done once here; packets only set a new IV. */
	if (!EVP_CipherInit_ex(e->cctx, e->cipher, NULL, key, NULL, enc ? 1 : 0))
		return -EIO;
	/* CBC padding is done by hand so that a padding error can be told
	 * apart and so that encryption stays in place. */
	if (info->kind == CRYPTO_CIPHER_CBC && !EVP_CIPHER_CTX_set_padding(e->cctx, 0))
		return -EIO;
	return 0;
}

static int evp_setup(struct crypto_key_ctx *k, const uint8_t slot[2][KEY2_SLOT_LEN])
{
	struct crypto_evp *e;
	int ret = 0;

	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	k->evp = e;
	if (k->cipher->kind != CRYPTO_CIPHER_NONE)
		ret = evp_cipher_setup(e, k->cipher, slot[KEY2_CIPHER], k->dir == CRYPTO_ENCRYPT);
	if (ret)
		return ret;
	if (k->cipher->kind == CRYPTO_CIPHER_AEAD)
		memcpy(e->implicit_iv, slot[KEY2_HMAC], IMPLICIT_IV_LEN);
	else if (k->digest->size)
		ret = hmac_create(&e->hmac, digest_ossl_name(k->digest), slot[KEY2_HMAC],
				  k->digest->size);
	return ret;
}

static int lookup_algorithms(struct crypto_key_ctx *k, const struct crypto_key_params *p)
{
	int ret;

	ret = crypto_cipher_lookup(p->cipher, &k->cipher, NULL);
	if (ret || k->cipher->kind == CRYPTO_CIPHER_AEAD)
		return ret;
	return crypto_digest_lookup(p->auth, &k->digest, NULL);
}

int crypto_key_ctx_init(struct crypto_key_ctx *k, const struct crypto_key_params *p,
			const struct key2 *key2, enum crypto_dir dir)
{
	int half;
	int ret;

	memset(k, 0, sizeof(*k));
	if (p->key_id > KEY_ID_MASK)
		return -EINVAL;
	k->dir = dir;
	k->key_id = p->key_id;
	ret = lookup_algorithms(k, p);
	if (ret)
		goto out;
	/* key0 carries client->server traffic, key1 server->client. */
	half = (p->role == CRYPTO_ROLE_SERVER) ^ (dir == CRYPTO_DECRYPT);
	if (k->cipher->key_len && all_zero(key2->keys[half][KEY2_CIPHER], k->cipher->key_len)) {
		ret = -EINVAL;
		goto out;
	}
	if (dir == CRYPTO_DECRYPT) {
		ret = packet_id_recv_init(&k->pid_recv, p->replay_window, p->replay_time);
		if (ret)
			goto out;
	}
	ret = evp_setup(k, key2->keys[half]);
out:
	if (ret)
		crypto_key_ctx_free(k);
	return ret;
}

void crypto_key_ctx_free(struct crypto_key_ctx *k)
{
	struct crypto_evp *e = k->evp;

	if (e) {
		EVP_CIPHER_CTX_free(e->cctx);   /* wipes the key schedule */
		EVP_CIPHER_free(e->cipher);
		crypto_hmac_free(e->hmac);
		crypto_wipe(e, sizeof(*e));
		free(e);
	}
	packet_id_recv_free(&k->pid_recv);
	memset(k, 0, sizeof(*k));
}

int crypto_key_pair_init(struct crypto_key_pair *kp, const struct crypto_key_params *p,
			 const struct key2 *key2)
{
	int ret;

	ret = crypto_key_ctx_init(&kp->enc, p, key2, CRYPTO_ENCRYPT);
	if (ret) {
		memset(&kp->dec, 0, sizeof(kp->dec));
		return ret;
	}
	ret = crypto_key_ctx_init(&kp->dec, p, key2, CRYPTO_DECRYPT);
	if (ret)
		crypto_key_ctx_free(&kp->enc);
	return ret;
}

void crypto_key_pair_free(struct crypto_key_pair *kp)
{
	crypto_key_ctx_free(&kp->enc);
	crypto_key_ctx_free(&kp->dec);
}

bool crypto_key_wants_reneg(const struct crypto_key_ctx *k)
{
	return packet_id_wants_reneg(&k->pid_send);
}

/* ---- wire helpers ------------------------------------------------------ */

/* Prepend op/kid [+ peer-id]; room was checked by the caller. */
static void push_header(struct buf *b, uint8_t key_id, int32_t peer_id)
{
	uint8_t *p;

	if (peer_id < 0) {
		p = buf_push(b, 1);
		p[0] = (uint8_t)(OP_DATA_V1 << OP_SHIFT | key_id);
		return;
	}
	p = buf_push(b, 4);
	put_be32(p, (uint32_t)peer_id);
	p[0] = (uint8_t)(OP_DATA_V2 << OP_SHIFT | key_id);
}

static void make_nonce(uint8_t nonce[AEAD_NONCE_LEN], const uint8_t *pid,
		       const struct crypto_evp *e)
{
	memcpy(nonce, pid, PID_LEN);
	memcpy(nonce + PID_LEN, e->implicit_iv, IMPLICIT_IV_LEN);
}

/* ---- AEAD -------------------------------------------------------------- */

/*
 * In:  b = plaintext.  Out: b = op/kid [peer-id] || pid || tag || ciphertext.
 * DATA_V2 authenticates the first 8 bytes; DATA_V1 only the packet id.
 */
static int aead_encrypt(struct crypto_key_ctx *k, struct buf *b, int32_t peer_id,
			uint32_t id)
{
	EVP_CIPHER_CTX *c = k->evp->cctx;
	size_t plen = buf_len(b);
	uint8_t *pt = buf_data(b), *pid, *tag, *aad;
	uint8_t nonce[AEAD_NONCE_LEN];
	int outl, aad_len = PID_LEN;

	tag = buf_push(b, AEAD_TAG_LEN);
	pid = buf_push(b, PID_LEN);
	put_be32(pid, id);
	push_header(b, k->key_id, peer_id);
	aad = pid;
	if (peer_id >= 0) {
		aad = buf_data(b);
		aad_len += 4;
	}
	make_nonce(nonce, pid, k->evp);
	if (!EVP_EncryptInit_ex(c, NULL, NULL, NULL, nonce) ||
	    !EVP_EncryptUpdate(c, NULL, &outl, aad, aad_len) ||
	    !EVP_EncryptUpdate(c, pt, &outl, pt, (int)plen) ||
	    !EVP_EncryptFinal_ex(c, pt + outl, &outl) ||
	    !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, AEAD_TAG_LEN, tag))
		return -EIO;
	return 0;
}

static enum crypto_verdict replay_check(struct crypto_key_ctx *k, uint32_t id, time_t now,
					enum packet_id_verdict *pid)
{
	enum packet_id_verdict v = packet_id_check(&k->pid_recv, id, 0, false, now);

	if (pid)
		*pid = v;
	if (v != PID_OK)
		return CRYPTO_REPLAY;
	packet_id_record(&k->pid_recv, id, 0, false, now);
	return CRYPTO_OK;
}

static enum crypto_verdict aead_decrypt(struct crypto_key_ctx *k, struct buf *b, size_t hlen,
					time_t now, enum packet_id_verdict *pid)
{
	EVP_CIPHER_CTX *c = k->evp->cctx;
	uint8_t *pkt = buf_data(b), *pidp, *tag, *ct;
	uint8_t nonce[AEAD_NONCE_LEN];
	size_t ct_len;
	int outl;

	if (buf_len(b) < hlen + PID_LEN + AEAD_TAG_LEN)
		return CRYPTO_SHORT;
	pidp = pkt + hlen;
	tag = pidp + PID_LEN;
	ct = tag + AEAD_TAG_LEN;
	ct_len = buf_len(b) - hlen - PID_LEN - AEAD_TAG_LEN;
	make_nonce(nonce, pidp, k->evp);
	if (!EVP_DecryptInit_ex(c, NULL, NULL, NULL, nonce) ||
	    !EVP_DecryptUpdate(c, NULL, &outl, hlen == 1 ? pidp : pkt,
			       (int)(hlen == 1 ? PID_LEN : hlen + PID_LEN)) ||
	    !EVP_DecryptUpdate(c, ct, &outl, ct, (int)ct_len) ||
	    !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, AEAD_TAG_LEN, tag))
		return CRYPTO_ERROR;
	if (EVP_DecryptFinal_ex(c, ct + outl, &outl) <= 0)
		return CRYPTO_BAD_AUTH;
	if (replay_check(k, get_be32(pidp), now, pid))
		return CRYPTO_REPLAY;
	buf_pull(b, hlen + PID_LEN + AEAD_TAG_LEN);
	return CRYPTO_OK;
}

/* ---- CBC + HMAC, and --cipher none ------------------------------------- */

/*
 * In:  b = plaintext.
 * Out: b = op/kid [peer-id] || HMAC(IV || ct) || IV || CBC(pid || payload || pad).
 * With --cipher none the IV and the encryption vanish and the HMAC covers
 * pid || payload; with --auth none the HMAC vanishes.
 */
static int cbc_encrypt(struct crypto_key_ctx *k, struct buf *b, int32_t peer_id, uint32_t id)
{
	struct crypto_evp *e = k->evp;
	size_t iv_len = k->cipher->iv_len, bs = k->cipher->block_size, pad = 0;
	uint8_t *p, *mac;
	int outl;

	put_be32(buf_push(b, PID_LEN), id);
	if (e->cipher) {
		pad = bs - buf_len(b) % bs;     /* PKCS#7: always 1..bs bytes */
		memset(buf_put(b, pad), (int)pad, pad);
		p = buf_data(b);
		if (crypto_rand_bytes(buf_push(b, iv_len), iv_len) ||
		    !EVP_EncryptInit_ex(e->cctx, NULL, NULL, NULL, buf_data(b)) ||
		    !EVP_EncryptUpdate(e->cctx, p, &outl, p, (int)(buf_len(b) - iv_len)) ||
		    (size_t)outl != buf_len(b) - iv_len)
			return -EIO;
	}
	if (e->hmac) {
		mac = buf_push(b, e->hmac->size);
		if (hmac_oneshot(e->hmac, mac + e->hmac->size, buf_len(b) - e->hmac->size, mac))
			return -EIO;
	}
	push_header(b, k->key_id, peer_id);
	return 0;
}

/* Decrypt [start, start+len) in place and strip the padding. */
static enum crypto_verdict cbc_decrypt_body(struct crypto_evp *e, size_t bs, uint8_t *iv,
					    size_t iv_len, size_t *len)
{
	uint8_t *ct = iv + iv_len;
	size_t ct_len = *len - iv_len, pad, i;
	int outl;

	if (ct_len == 0 || ct_len % bs)
		return CRYPTO_BAD_PADDING;
	if (!EVP_DecryptInit_ex(e->cctx, NULL, NULL, NULL, iv) ||
	    !EVP_DecryptUpdate(e->cctx, ct, &outl, ct, (int)ct_len) || (size_t)outl != ct_len)
		return CRYPTO_ERROR;
	pad = ct[ct_len - 1];
	if (pad == 0 || pad > bs)
		return CRYPTO_BAD_PADDING;
	for (i = 1; i <= pad; i++)
		if (ct[ct_len - i] != pad)
			return CRYPTO_BAD_PADDING;
	*len = ct_len - pad;
	return CRYPTO_OK;
}

static enum crypto_verdict cbc_decrypt(struct crypto_key_ctx *k, struct buf *b, size_t hlen,
				       time_t now, enum packet_id_verdict *pid)
{
	struct crypto_evp *e = k->evp;
	size_t mac_len = e->hmac ? e->hmac->size : 0;
	size_t iv_len = e->cipher ? k->cipher->iv_len : 0;
	size_t len, body;
	uint8_t computed[MAX_HMAC_LEN];
	uint8_t *rest;
	enum crypto_verdict v;

	if (buf_len(b) < hlen + mac_len + iv_len + (e->cipher ? k->cipher->block_size : PID_LEN))
		return CRYPTO_SHORT;
	rest = buf_data(b) + hlen + mac_len;
	len = buf_len(b) - hlen - mac_len;
	/* Encrypt-then-MAC: nothing is decrypted before the HMAC matched. */
	if (e->hmac) {
		if (hmac_oneshot(e->hmac, rest, len, computed))
			return CRYPTO_ERROR;
		if (!crypto_memeq(computed, rest - mac_len, mac_len))
			return CRYPTO_BAD_AUTH;
	}
	if (e->cipher) {
		v = cbc_decrypt_body(e, k->cipher->block_size, rest, iv_len, &len);
		if (v)
			return v;
	}
	if (len < PID_LEN)
		return CRYPTO_SHORT;
	if (replay_check(k, get_be32(rest + iv_len), now, pid))
		return CRYPTO_REPLAY;
	body = hlen + mac_len + iv_len + PID_LEN;
	buf_trim(b, buf_len(b) - body - (len - PID_LEN));
	buf_pull(b, body);
	return CRYPTO_OK;
}

/* ---- public packet functions ------------------------------------------- */

static bool room_for(const struct crypto_key_ctx *k, const struct buf *b, int32_t peer_id)
{
	size_t head = crypto_overhead(k->cipher, k->digest, peer_id >= 0);
	size_t tail = 0;

	if (k->cipher->kind == CRYPTO_CIPHER_CBC) {
		tail = k->cipher->block_size;   /* padding goes at the end ... */
		head -= tail;                   /* ... not in front */
	}
	return buf_headroom(b) >= head && buf_tailroom(b) >= tail && buf_len(b) <= INT_MAX / 2;
}

int crypto_encrypt(struct crypto_key_ctx *k, struct buf *b, int32_t peer_id)
{
	uint32_t id;

	if (k->dir != CRYPTO_ENCRYPT || !k->evp || peer_id > (int32_t)CRYPTO_PEER_ID_NONE)
		return -EINVAL;
	if (!room_for(k, b, peer_id))
		return -ENOSPC;
	/* Never wrap: a reused packet id would reuse an AEAD nonce. */
	if (!packet_id_send_next(&k->pid_send, &id))
		return -EKEYEXPIRED;
	if (k->cipher->kind == CRYPTO_CIPHER_AEAD)
		return aead_encrypt(k, b, peer_id, id);
	return cbc_encrypt(k, b, peer_id, id);
}

enum crypto_verdict crypto_decrypt(struct crypto_key_ctx *k, struct buf *b, time_t now,
				   enum packet_id_verdict *pid)
{
	const uint8_t *pkt = buf_data(b);
	size_t hlen;

	if (pid)
		*pid = PID_OK;
	if (k->dir != CRYPTO_DECRYPT || !k->evp)
		return CRYPTO_ERROR;
	if (buf_len(b) < 1)
		return CRYPTO_SHORT;
	if (buf_len(b) > INT_MAX / 2)
		return CRYPTO_BAD_HEADER;
	if ((pkt[0] & KEY_ID_MASK) != k->key_id)
		return CRYPTO_BAD_HEADER;
	switch (pkt[0] >> OP_SHIFT) {
	case OP_DATA_V1:
		hlen = 1;
		break;
	case OP_DATA_V2:
		hlen = 4;
		break;
	default:
		return CRYPTO_BAD_HEADER;
	}
	if (buf_len(b) < hlen)
		return CRYPTO_SHORT;
	if (k->cipher->kind == CRYPTO_CIPHER_AEAD)
		return aead_decrypt(k, b, hlen, now, pid);
	return cbc_decrypt(k, b, hlen, now, pid);
}

const char *crypto_verdict_str(enum crypto_verdict v)
{
	switch (v) {
	case CRYPTO_OK:
		return "ok";
	case CRYPTO_SHORT:
		return "packet too short";
	case CRYPTO_BAD_HEADER:
		return "not a data packet of this key";
	case CRYPTO_BAD_AUTH:
		return "authentication failed";
	case CRYPTO_BAD_PADDING:
		return "bad CBC padding";
	case CRYPTO_REPLAY:
		return "packet id rejected";
	case CRYPTO_ERROR:
		return "internal crypto error";
	}
	return "unknown crypto verdict";
}
