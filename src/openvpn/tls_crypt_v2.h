/*
 * --tls-crypt-v2: client-specific tls-crypt keys.
 *
 * The server holds one server key (a cipher and an HMAC key). Each client
 * holds its own tls-crypt key Kc plus WKc, Kc and some metadata wrapped
 * (authenticated and encrypted) with the server key. The client sends WKc
 * in clear behind its first packets; the server unwraps it, so it needs no
 * per-client key store and learns Kc before any TLS byte is read.
 *
 *   WKc = T || AES-256-CTR(Ke, iv = T[0..15], Kc || metadata) || len
 *   T   = HMAC-SHA256(Ka, len || Kc || metadata), len = |WKc| as uint16
 *
 * This file owns the key file formats (PEM-armoured base64), the wrap and
 * unwrap of WKc and the key generation for --genkey. Errors on user input
 * go into an error buffer, as in keyfile.h.
 */
#ifndef TLS_CRYPT_V2_H
#define TLS_CRYPT_V2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keyfile.h"

#define TLS_CRYPT_V2_SERVER_LABEL "OpenVPN tls-crypt-v2 server key"
#define TLS_CRYPT_V2_CLIENT_LABEL "OpenVPN tls-crypt-v2 client key"

#define TLS_CRYPT_V2_SERVER_KEY_LEN STATIC_KEY_ONE_LEN   /* cipher slot + HMAC slot */
#define TLS_CRYPT_V2_TAG_LEN 32
#define TLS_CRYPT_V2_LEN_LEN 2
/* The largest WKc a server takes, as 2.6. */
#define TLS_CRYPT_V2_MAX_WKC 1024
#define TLS_CRYPT_V2_MIN_WKC (TLS_CRYPT_V2_TAG_LEN + STATIC_KEY_LEN + TLS_CRYPT_V2_LEN_LEN)
/* Metadata = type byte + data; what is left of the WKc bound. */
#define TLS_CRYPT_V2_MAX_METADATA (TLS_CRYPT_V2_MAX_WKC - TLS_CRYPT_V2_MIN_WKC)
/* User metadata for --genkey, after its type byte. */
#define TLS_CRYPT_V2_MAX_USER_METADATA (TLS_CRYPT_V2_MAX_METADATA - 1)

/* The first metadata byte. */
#define TLS_CRYPT_V2_META_USER 0x00
#define TLS_CRYPT_V2_META_TIMESTAMP 0x01

struct tls_crypt_v2_server_key {
	uint8_t bytes[TLS_CRYPT_V2_SERVER_KEY_LEN];
};

/* A client key file: Kc (a 2048-bit tls-crypt key) and WKc. */
struct tls_crypt_v2_client_key {
	struct static_key kc;
	uint8_t wkc[TLS_CRYPT_V2_MAX_WKC];
	size_t wkc_len;
};

/* What the server recovers from a WKc. */
struct tls_crypt_v2_unwrapped {
	struct static_key kc;
	uint8_t meta[TLS_CRYPT_V2_MAX_METADATA];
	size_t meta_len;                /* >= 1: the type byte is always there */
};

/*
 * Parse key text (from a file or an inline block, need not be NUL
 * terminated). name labels errors. Returns 0 or -EINVAL (err says why:
 * missing or wrong PEM label, bad base64, wrong size).
 */
int tls_crypt_v2_parse_server_key(struct tls_crypt_v2_server_key *k, const char *text,
				  size_t len, const char *name, char *err, size_t errlen);
int tls_crypt_v2_parse_client_key(struct tls_crypt_v2_client_key *k, const char *text,
				  size_t len, const char *name, char *err, size_t errlen);

/* The same from an option's value: a path, or the text of an inline block. */
int tls_crypt_v2_load_server_key(struct tls_crypt_v2_server_key *k, const char *name,
				 bool is_inline, char *err, size_t errlen);
int tls_crypt_v2_load_client_key(struct tls_crypt_v2_client_key *k, const char *name,
				 bool is_inline, char *err, size_t errlen);

/*
 * Wrap Kc and meta (type byte included, at most TLS_CRYPT_V2_MAX_METADATA)
 * into out (TLS_CRYPT_V2_MAX_WKC bytes). 0, -EMSGSIZE or -EIO.
 */
int tls_crypt_v2_wrap(const struct tls_crypt_v2_server_key *sk, const struct static_key *kc,
		      const uint8_t *meta, size_t meta_len, uint8_t *out, size_t *out_len);
/*
 * Unwrap and authenticate a WKc. Returns 0, -EMSGSIZE (length outside the
 * bounds or not what the length field says), -EBADMSG (tag mismatch: forged
 * or made with another server key) or -EIO. out is wiped on failure.
 */
int tls_crypt_v2_unwrap(const struct tls_crypt_v2_server_key *sk, const uint8_t *wkc,
			size_t len, struct tls_crypt_v2_unwrapped *out);

/*
 * The WKc length a packet claims in its last two bytes, checked against
 * the bounds and the packet length; 0 when it cannot be a WKc.
 */
size_t tls_crypt_v2_wkc_len(const uint8_t *pkt, size_t len);

/*
 * --genkey tls-crypt-v2-server / tls-crypt-v2-client: write a fresh key as
 * PEM to path (NULL: stdout). For a client key, meta_b64 is the user
 * metadata in base64 (NULL: the creation time, as 2.6). 0 or -errno.
 */
int tls_crypt_v2_genkey_server(const char *path, char *err, size_t errlen);
int tls_crypt_v2_genkey_client(const struct tls_crypt_v2_server_key *sk, const char *meta_b64,
			       const char *path, char *err, size_t errlen);

/* PEM armour: label lines around base64 (64 per line). Returns the text
 * length, or -ENOSPC. */
int tls_crypt_v2_pem_format(const char *label, const uint8_t *data, size_t len, char *out,
			    size_t cap);
/* Decode base64 (blanks and newlines ignored); -EINVAL or -EMSGSIZE. */
int tls_crypt_v2_base64_decode(const char *text, size_t len, uint8_t *out, size_t cap,
			       size_t *out_len);

#endif
