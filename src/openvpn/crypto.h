/*
 * Data channel cryptography: cipher and digest names, the 256-byte key
 * block and its legacy PRF derivation, and per-key encrypt/decrypt contexts
 * that work in place on a struct buf.
 *
 * No OpenSSL type appears here: the OpenSSL state of a key lives behind an
 * opaque pointer that only crypto.c knows.
 */
#ifndef CRYPTO_H
#define CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "packet_id.h"

/* ---- names ------------------------------------------------------------ */

enum crypto_cipher_kind {
	CRYPTO_CIPHER_NONE,     /* --cipher none: no encryption */
	CRYPTO_CIPHER_AEAD,     /* GCM, ChaCha20-Poly1305 */
	CRYPTO_CIPHER_CBC,      /* legacy CBC + HMAC */
};

struct crypto_cipher_info {
	const char *name;               /* canonical OpenVPN spelling */
	enum crypto_cipher_kind kind;
	uint16_t key_len;               /* bytes used from the cipher slot */
	uint16_t iv_len;                /* AEAD nonce or CBC IV length */
	uint16_t block_size;            /* 1 for AEAD and none */
	uint16_t tag_len;               /* AEAD only */
};

struct crypto_digest_info {
	const char *name;               /* canonical spelling, "none" */
	uint16_t size;                  /* HMAC output = key bytes used */
};

/*
 * Look a name up, case-insensitively (aliases like id-aes256-GCM or
 * SHA2-256 are accepted). Returns 0; -ENOENT for an unknown name; or
 * -EOPNOTSUPP for a known one this OpenSSL cannot provide, with *out still
 * set and *why (if not NULL) saying why, e.g. BF-CBC without the legacy
 * provider.
 */
int crypto_cipher_lookup(const char *name, const struct crypto_cipher_info **out,
			 const char **why);
int crypto_digest_lookup(const char *name, const struct crypto_digest_info **out,
			 const char **why);

/*
 * Row i of the cipher or digest name table, for --show-ciphers and
 * --show-digests; NULL past the end. *why is NULL when this OpenSSL
 * provides the algorithm, else the reason it does not.
 */
const struct crypto_cipher_info *crypto_cipher_at(size_t i, const char **why);
const struct crypto_digest_info *crypto_digest_at(size_t i, const char **why);

/* The longest canonical list 2.6.14 accepts (measured: 124 ok, 125 not). */
#define CRYPTO_DATA_CIPHERS_MAX 124

/*
 * Validate a colon-separated --data-ciphers list. A name prefixed with '?'
 * is optional: dropped silently when unavailable. Empty elements are
 * skipped; `none` is allowed (the caller warns). On success writes the
 * canonical list to `out` (if not NULL) and returns 0; -EINVAL with a
 * message in `err` naming every unusable cipher, or when nothing usable
 * is left, or the canonical list is longer than CRYPTO_DATA_CIPHERS_MAX;
 * -ENOSPC if `out` is short.
 */
int crypto_data_ciphers_validate(const char *list, char *out, size_t out_len,
				 char *err, size_t err_len);

/*
 * Largest number of bytes encryption adds to a payload: header (1 for
 * DATA_V1, 4 for DATA_V2) plus crypto. AEAD: +4 packet id +16 tag, so 21 /
 * 24. CBC: HMAC + IV + packet id + up to one block of padding.
 */
size_t crypto_overhead(const struct crypto_cipher_info *cipher,
		       const struct crypto_digest_info *digest, bool data_v2);

/* ---- key material ----------------------------------------------------- */

#define KEY2_SLOT_LEN 64
/* Index 1: which half; index 2: which slot. Byte layout as the static key
 * file: key0.cipher, key0.hmac, key1.cipher, key1.hmac. */
enum { KEY2_CIPHER = 0, KEY2_HMAC = 1 };
struct key2 {
	uint8_t keys[2][2][KEY2_SLOT_LEN];
};
#define KEY2_LEN sizeof(struct key2)

#define CRYPTO_PRE_MASTER_LEN 48
#define CRYPTO_RANDOM_LEN 32
#define CRYPTO_SID_LEN 8

/*
 * The legacy OpenVPN PRF key derivation (key method 2 without the TLS
 * exporter). Returns 0 or -EIO. Wipes its intermediate master secret.
 */
int crypto_derive_key2_prf(const uint8_t pre_master[CRYPTO_PRE_MASTER_LEN],
			   const uint8_t c_rand1[CRYPTO_RANDOM_LEN],
			   const uint8_t c_rand2[CRYPTO_RANDOM_LEN],
			   const uint8_t s_rand1[CRYPTO_RANDOM_LEN],
			   const uint8_t s_rand2[CRYPTO_RANDOM_LEN],
			   const uint8_t c_sid[CRYPTO_SID_LEN],
			   const uint8_t s_sid[CRYPTO_SID_LEN], struct key2 *out);

void crypto_wipe(void *p, size_t n);

/* ---- data channel key contexts ---------------------------------------- */

enum crypto_role { CRYPTO_ROLE_CLIENT, CRYPTO_ROLE_SERVER };   /* TLS roles */
enum crypto_dir { CRYPTO_ENCRYPT, CRYPTO_DECRYPT };

struct crypto_key_params {
	const char *cipher;             /* --cipher / negotiated data cipher */
	const char *auth;               /* --auth; ignored for AEAD ciphers */
	enum crypto_role role;
	uint8_t key_id;                 /* 0..7 */
	uint32_t replay_window;         /* --replay-window n (default 64) */
	uint32_t replay_time;           /* --replay-window t (default 15) */
};

struct crypto_evp;                      /* OpenSSL state, private */

/* One direction of one key-id. Create once, reuse for every packet. */
struct crypto_key_ctx {
	const struct crypto_cipher_info *cipher;
	const struct crypto_digest_info *digest;  /* NULL for AEAD */
	enum crypto_dir dir;
	uint8_t key_id;
	struct packet_id_send pid_send;  /* CRYPTO_ENCRYPT */
	struct packet_id_recv pid_recv;  /* CRYPTO_DECRYPT */
	struct crypto_evp *evp;
};

struct crypto_key_pair {
	struct crypto_key_ctx enc;
	struct crypto_key_ctx dec;
};

/*
 * Build a context from the key block: the TLS client encrypts with key0
 * and decrypts with key1, the server the reverse. Returns 0; -ENOENT /
 * -EOPNOTSUPP for a bad cipher or digest name; -EINVAL for an all-zero
 * cipher key or a bad key id / replay window; -ENOMEM; -EIO if OpenSSL
 * fails. On failure the context needs no cleanup.
 */
int crypto_key_ctx_init(struct crypto_key_ctx *k, const struct crypto_key_params *p,
			const struct key2 *key2, enum crypto_dir dir);
/* Frees and wipes; safe on a zeroed or already freed context. */
void crypto_key_ctx_free(struct crypto_key_ctx *k);
int crypto_key_pair_init(struct crypto_key_pair *kp, const struct crypto_key_params *p,
			 const struct key2 *key2);
void crypto_key_pair_free(struct crypto_key_pair *kp);

/* Send counter reached PACKET_ID_RENEG_AT: time to renegotiate. */
bool crypto_key_wants_reneg(const struct crypto_key_ctx *k);

#define CRYPTO_PEER_ID_NONE 0xFFFFFFu   /* DATA_V2 "no peer-id" value */

/*
 * Encrypt the payload in `b` in place into a complete wire packet starting
 * at the op byte: DATA_V1 when peer_id < 0, else DATA_V2 with that 24-bit
 * peer-id. Needs crypto_overhead() bytes of headroom (and up to one block
 * of tailroom for CBC). Returns 0; -ENOSPC (no room); -EINVAL (bad peer id
 * or not an encrypt context); -EKEYEXPIRED when the packet ids of this key
 * are exhausted (renegotiate); -EIO if OpenSSL fails. `b` is untouched by
 * the first three errors and must be dropped after -EIO.
 */
int crypto_encrypt(struct crypto_key_ctx *k, struct buf *b, int32_t peer_id);

enum crypto_verdict {
	CRYPTO_OK = 0,
	CRYPTO_SHORT,           /* shorter than the format allows */
	CRYPTO_BAD_HEADER,      /* not a data opcode, or another key id */
	CRYPTO_BAD_AUTH,        /* AEAD tag or HMAC mismatch */
	CRYPTO_BAD_PADDING,     /* CBC padding invalid after decryption */
	CRYPTO_REPLAY,          /* packet id refused, see *pid */
	CRYPTO_ERROR,           /* OpenSSL failure or not a decrypt context */
};

/*
 * Decrypt the whole packet in `b` (starting at the op byte) in place;
 * on CRYPTO_OK `b` holds the plaintext payload. The packet id is recorded
 * only after the packet authenticated. `pid` (may be NULL) receives the
 * replay verdict. `now` is the clock the replay time limit runs on.
 * On any other verdict the packet must be dropped: its length is kept but
 * its bytes may have been decrypted in place.
 */
enum crypto_verdict crypto_decrypt(struct crypto_key_ctx *k, struct buf *b, time_t now,
				   enum packet_id_verdict *pid);
const char *crypto_verdict_str(enum crypto_verdict v);

/* ---- small primitives for other modules -------------------------------- */

/*
 * A keyed HMAC, set up once and reused (tls-auth, tls-crypt). `digest` is
 * an --auth name as crypto_digest_lookup() takes it (not "none"). Returns
 * 0, -ENOENT / -EOPNOTSUPP / -EINVAL for the digest, -ENOMEM or -EIO.
 */
struct crypto_hmac;
int crypto_hmac_new(struct crypto_hmac **out, const char *digest, const uint8_t *key,
		    size_t key_len);
void crypto_hmac_free(struct crypto_hmac *h);
size_t crypto_hmac_size(const struct crypto_hmac *h);
int crypto_hmac_begin(struct crypto_hmac *h);
int crypto_hmac_update(struct crypto_hmac *h, const void *p, size_t n);
/* Writes crypto_hmac_size() bytes. */
int crypto_hmac_final(struct crypto_hmac *h, uint8_t *out);

/* Constant-time comparison. */
bool crypto_memeq(const void *a, const void *b, size_t n);
/* Cryptographically strong random bytes; 0 or -EIO. */
int crypto_rand_bytes(void *p, size_t n);
/* One-shot AES-256-CTR in place (tls-crypt-v2 key wrapping); 0 or -EIO. */
int crypto_aes256_ctr(const uint8_t key[32], const uint8_t iv[16], uint8_t *data, size_t len);

#endif
