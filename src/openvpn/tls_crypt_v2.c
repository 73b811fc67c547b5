/* tls-crypt-v2 key files, WKc wrap and unwrap, key generation. */
#include "tls_crypt_v2.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"

#define CV2_KEY_LEN 32                  /* used part of each 64-byte slot */
#define PEM_LINE 64
#define PEM_TEXT_MAX 2048               /* a client key is < 1.3 KiB of base64 */

/* ---- base64 --------------------------------------------------------------- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_value(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;

	return p ? (int)(p - b64) : -1;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

int tls_crypt_v2_base64_decode(const char *text, size_t len, uint8_t *out, size_t cap,
			       size_t *out_len)
{
	uint32_t acc = 0;
	size_t i, n = 0, pad = 0, digits = 0;

	for (i = 0; i < len; i++) {
		int v;

		if (is_blank(text[i]))
			continue;
		if (text[i] == '=') {
			pad++;
			continue;
		}
		v = b64_value(text[i]);
		if (v < 0 || pad)
			return -EINVAL;     /* a stray byte, or data after padding */
		acc = acc << 6 | (uint32_t)v;
		if (++digits % 4 == 0) {
			if (n + 3 > cap)
				return -EMSGSIZE;
			out[n++] = (uint8_t)(acc >> 16);
			out[n++] = (uint8_t)(acc >> 8);
			out[n++] = (uint8_t)acc;
			acc = 0;
		}
	}
	/* a final group of 2 or 3 digits carries 1 or 2 bytes */
	switch (digits % 4) {
	case 0:
		if (pad)
			return -EINVAL;
		break;
	case 2:
		if (pad > 2 || n + 1 > cap)
			return pad > 2 ? -EINVAL : -EMSGSIZE;
		out[n++] = (uint8_t)(acc >> 4);
		break;
	case 3:
		if (pad > 1 || n + 2 > cap)
			return pad > 1 ? -EINVAL : -EMSGSIZE;
		out[n++] = (uint8_t)(acc >> 10);
		out[n++] = (uint8_t)(acc >> 2);
		break;
	default:
		return -EINVAL;
	}
	*out_len = n;
	return 0;
}

static size_t b64_encode(const uint8_t *in, size_t len, char *out)
{
	size_t i, n = 0;

	for (i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		out[n++] = b64[v >> 18 & 63];
		out[n++] = b64[v >> 12 & 63];
		out[n++] = i + 1 < len ? b64[v >> 6 & 63] : '=';
		out[n++] = i + 2 < len ? b64[v & 63] : '=';
	}
	return n;
}

int tls_crypt_v2_pem_format(const char *label, const uint8_t *data, size_t len, char *out,
			    size_t cap)
{
	char enc[PEM_TEXT_MAX];
	size_t elen, pos, i;
	int n;

	if ((len + 2) / 3 * 4 > sizeof(enc))
		return -ENOSPC;
	elen = b64_encode(data, len, enc);
	n = snprintf(out, cap, "-----BEGIN %s-----\n", label);
	if (n < 0 || (size_t)n >= cap)
		return -ENOSPC;
	pos = (size_t)n;
	for (i = 0; i < elen; i += PEM_LINE) {
		size_t l = elen - i < PEM_LINE ? elen - i : PEM_LINE;

		if (cap - pos < l + 2)
			return -ENOSPC;
		memcpy(out + pos, enc + i, l);
		pos += l;
		out[pos++] = '\n';
	}
	n = snprintf(out + pos, cap - pos, "-----END %s-----\n", label);
	explicit_bzero(enc, sizeof(enc));
	if (n < 0 || (size_t)n >= cap - pos)
		return -ENOSPC;
	return (int)(pos + (size_t)n);
}

/* ---- PEM ------------------------------------------------------------------- */

/* A "-----BEGIN x-----" / "-----END x-----" line; *label gets x. */
static bool pem_marker(const char *line, size_t len, const char *kind, const char **label,
		       size_t *label_len)
{
	size_t k = strlen(kind);

	while (len && is_blank(line[len - 1]))
		len--;
	while (len && is_blank(*line)) {
		line++;
		len--;
	}
	if (len < 10 + k + 5 || memcmp(line, "-----", 5) || memcmp(line + 5, kind, k) ||
	    line[5 + k] != ' ' || memcmp(line + len - 5, "-----", 5))
		return false;
	*label = line + 6 + k;
	*label_len = len - 11 - k;
	return true;
}

/* The body between the BEGIN and END lines of `label`, decoded. */
static int pem_decode(const char *text, size_t len, const char *label, const char *name,
		      uint8_t *out, size_t cap, size_t *out_len, char *err, size_t errlen)
{
	const char *body = NULL, *l;
	size_t pos = 0, ll;
	int ret;

	while (pos < len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;

		pos += n + (nl ? 1 : 0);
		if (!body && pem_marker(line, n, "BEGIN", &l, &ll)) {
			if (ll != strlen(label) || memcmp(l, label, ll)) {
				keyfile_set_err(err, errlen, "%s: found '%.*s', expected a '%s'", name,
					(int)(ll < 80 ? ll : 80), l, label);
				return -EINVAL;
			}
			body = text + pos;
		} else if (body && pem_marker(line, n, "END", &l, &ll)) {
			if (ll != strlen(label) || memcmp(l, label, ll))
				break;
			ret = tls_crypt_v2_base64_decode(body, (size_t)(line - body), out, cap,
							 out_len);
			if (ret)
				keyfile_set_err(err, errlen, "%s: %s", name, ret == -EMSGSIZE
					? "key is too long" : "invalid base64 in the key");
			return ret ? -EINVAL : 0;
		}
	}
	keyfile_set_err(err, errlen, "%s: no complete '%s' block found", name, label);
	return -EINVAL;
}

int tls_crypt_v2_parse_server_key(struct tls_crypt_v2_server_key *k, const char *text,
				  size_t len, const char *name, char *err, size_t errlen)
{
	size_t n = 0;
	int ret;

	ret = pem_decode(text, len, TLS_CRYPT_V2_SERVER_LABEL, name, k->bytes, sizeof(k->bytes),
			 &n, err, errlen);
	if (ret == 0 && n != sizeof(k->bytes)) {
		keyfile_set_err(err, errlen, "%s: tls-crypt-v2 server key has %zu bytes, expected %zu",
			name, n, sizeof(k->bytes));
		ret = -EINVAL;
	}
	if (ret)
		explicit_bzero(k, sizeof(*k));
	return ret;
}

int tls_crypt_v2_parse_client_key(struct tls_crypt_v2_client_key *k, const char *text,
				  size_t len, const char *name, char *err, size_t errlen)
{
	uint8_t raw[STATIC_KEY_LEN + TLS_CRYPT_V2_MAX_WKC];
	size_t n = 0;
	int ret;

	memset(k, 0, sizeof(*k));
	ret = pem_decode(text, len, TLS_CRYPT_V2_CLIENT_LABEL, name, raw, sizeof(raw), &n, err,
			 errlen);
	if (ret)
		goto out;
	/* the client cannot check WKc, but its own length field must agree */
	if (n < STATIC_KEY_LEN + TLS_CRYPT_V2_MIN_WKC ||
	    tls_crypt_v2_wkc_len(raw + STATIC_KEY_LEN, n - STATIC_KEY_LEN) != n - STATIC_KEY_LEN) {
		keyfile_set_err(err, errlen, "%s: not a valid tls-crypt-v2 client key (%zu bytes)", name, n);
		ret = -EINVAL;
		goto out;
	}
	memcpy(k->kc.bytes, raw, STATIC_KEY_LEN);
	k->kc.len = STATIC_KEY_LEN;
	k->wkc_len = n - STATIC_KEY_LEN;
	memcpy(k->wkc, raw + STATIC_KEY_LEN, k->wkc_len);
out:
	explicit_bzero(raw, sizeof(raw));
	if (ret)
		explicit_bzero(k, sizeof(*k));
	return ret;
}

static int load(void *k, bool server, const char *name, bool is_inline, char *err,
		size_t errlen)
{
	const char *label = is_inline ? "[[INLINE]]" : name;
	char *text = NULL;
	size_t len = 0;
	int ret;

	if (is_inline) {
		text = (char *)name;
		len = strlen(name);
	} else {
		ret = keyfile_read_text(name, &text, &len, err, errlen);
		if (ret)
			return ret;
	}
	if (server)
		ret = tls_crypt_v2_parse_server_key(k, text, len, label, err, errlen);
	else
		ret = tls_crypt_v2_parse_client_key(k, text, len, label, err, errlen);
	if (!is_inline) {
		explicit_bzero(text, len);
		free(text);
	}
	return ret;
}

int tls_crypt_v2_load_server_key(struct tls_crypt_v2_server_key *k, const char *name,
				 bool is_inline, char *err, size_t errlen)
{
	return load(k, true, name, is_inline, err, errlen);
}

int tls_crypt_v2_load_client_key(struct tls_crypt_v2_client_key *k, const char *name,
				 bool is_inline, char *err, size_t errlen)
{
	return load(k, false, name, is_inline, err, errlen);
}

/* ---- wrap / unwrap ----------------------------------------------------------- */

size_t tls_crypt_v2_wkc_len(const uint8_t *pkt, size_t len)
{
	size_t n;

	if (len < TLS_CRYPT_V2_LEN_LEN)
		return 0;
	n = (size_t)pkt[len - 2] << 8 | pkt[len - 1];
	if (n < TLS_CRYPT_V2_MIN_WKC || n > TLS_CRYPT_V2_MAX_WKC || n > len)
		return 0;
	return n;
}

/* T over len || Kc || meta, with the HMAC key of the server key. */
static int wkc_tag(const struct tls_crypt_v2_server_key *sk, const uint8_t lenf[2],
		   const uint8_t *plain, size_t plain_len, uint8_t tag[TLS_CRYPT_V2_TAG_LEN])
{
	struct crypto_hmac *h = NULL;
	int ret;

	ret = crypto_hmac_new(&h, "SHA256", sk->bytes + STATIC_KEY_SLOT_LEN, CV2_KEY_LEN);
	if (ret == 0)
		ret = crypto_hmac_begin(h);
	if (ret == 0)
		ret = crypto_hmac_update(h, lenf, TLS_CRYPT_V2_LEN_LEN);
	if (ret == 0)
		ret = crypto_hmac_update(h, plain, plain_len);
	if (ret == 0)
		ret = crypto_hmac_final(h, tag);
	crypto_hmac_free(h);
	return ret ? -EIO : 0;
}

int tls_crypt_v2_wrap(const struct tls_crypt_v2_server_key *sk, const struct static_key *kc,
		      const uint8_t *meta, size_t meta_len, uint8_t *out, size_t *out_len)
{
	size_t body = STATIC_KEY_LEN + meta_len;
	size_t total = TLS_CRYPT_V2_TAG_LEN + body + TLS_CRYPT_V2_LEN_LEN;
	uint8_t *lenf = out + TLS_CRYPT_V2_TAG_LEN + body;
	uint8_t *enc = out + TLS_CRYPT_V2_TAG_LEN;

	if (meta_len < 1 || meta_len > TLS_CRYPT_V2_MAX_METADATA || kc->len != STATIC_KEY_LEN)
		return -EMSGSIZE;
	lenf[0] = (uint8_t)(total >> 8);
	lenf[1] = (uint8_t)total;
	memcpy(enc, kc->bytes, STATIC_KEY_LEN);
	memcpy(enc + STATIC_KEY_LEN, meta, meta_len);
	if (wkc_tag(sk, lenf, enc, body, out) ||
	    crypto_aes256_ctr(sk->bytes, out, enc, body)) {
		explicit_bzero(out, total);
		return -EIO;
	}
	*out_len = total;
	return 0;
}

int tls_crypt_v2_unwrap(const struct tls_crypt_v2_server_key *sk, const uint8_t *wkc,
			size_t len, struct tls_crypt_v2_unwrapped *out)
{
	uint8_t plain[TLS_CRYPT_V2_MAX_WKC];
	uint8_t tag[TLS_CRYPT_V2_TAG_LEN];
	size_t body;
	int ret = -EBADMSG;

	memset(out, 0, sizeof(*out));
	if (len < TLS_CRYPT_V2_MIN_WKC || len > TLS_CRYPT_V2_MAX_WKC ||
	    tls_crypt_v2_wkc_len(wkc, len) != len)
		return -EMSGSIZE;
	body = len - TLS_CRYPT_V2_TAG_LEN - TLS_CRYPT_V2_LEN_LEN;
	memcpy(plain, wkc + TLS_CRYPT_V2_TAG_LEN, body);
	/* the tag covers the plaintext: decrypt first, then compare */
	if (crypto_aes256_ctr(sk->bytes, wkc, plain, body) ||
	    wkc_tag(sk, wkc + len - TLS_CRYPT_V2_LEN_LEN, plain, body, tag)) {
		ret = -EIO;
		goto out;
	}
	if (!crypto_memeq(tag, wkc, TLS_CRYPT_V2_TAG_LEN))
		goto out;
	memcpy(out->kc.bytes, plain, STATIC_KEY_LEN);
	out->kc.len = STATIC_KEY_LEN;
	out->meta_len = body - STATIC_KEY_LEN;
	memcpy(out->meta, plain + STATIC_KEY_LEN, out->meta_len);
	ret = 0;
out:
	explicit_bzero(plain, sizeof(plain));
	if (ret)
		explicit_bzero(out, sizeof(*out));
	return ret;
}

/* ---- --genkey -------------------------------------------------------------- */

static int write_pem(const char *label, const uint8_t *data, size_t len, const char *path,
		     char *err, size_t errlen)
{
	char text[PEM_TEXT_MAX + 256];
	int n, ret;

	n = tls_crypt_v2_pem_format(label, data, len, text, sizeof(text));
	if (n < 0) {
		keyfile_set_err(err, errlen, "key too large to write");
		return n;
	}
	ret = keyfile_write_text(path, text, (size_t)n, err, errlen);
	explicit_bzero(text, sizeof(text));
	return ret;
}

int tls_crypt_v2_genkey_server(const char *path, char *err, size_t errlen)
{
	struct tls_crypt_v2_server_key sk;
	int ret;

	ret = crypto_rand_bytes(sk.bytes, sizeof(sk.bytes));
	if (ret)
		keyfile_set_err(err, errlen, "cannot get random bytes for the key");
	else
		ret = write_pem(TLS_CRYPT_V2_SERVER_LABEL, sk.bytes, sizeof(sk.bytes), path, err,
				errlen);
	explicit_bzero(&sk, sizeof(sk));
	return ret;
}

/* Type byte and data: the user's (base64) or the creation time. */
static int genkey_metadata(const char *meta_b64, uint8_t *meta, size_t *len, char *err,
			   size_t errlen)
{
	uint64_t now = (uint64_t)time(NULL);
	size_t n = 0;
	int i;

	if (!meta_b64) {
		meta[0] = TLS_CRYPT_V2_META_TIMESTAMP;
		for (i = 0; i < 8; i++)
			meta[1 + i] = (uint8_t)(now >> (56 - 8 * i));
		*len = 9;
		return 0;
	}
	meta[0] = TLS_CRYPT_V2_META_USER;
	if (tls_crypt_v2_base64_decode(meta_b64, strlen(meta_b64), meta + 1,
				       TLS_CRYPT_V2_MAX_USER_METADATA, &n)) {
		keyfile_set_err(err, errlen, "metadata must be base64 of at most %d bytes",
			TLS_CRYPT_V2_MAX_USER_METADATA);
		return -EINVAL;
	}
	*len = 1 + n;
	return 0;
}

int tls_crypt_v2_genkey_client(const struct tls_crypt_v2_server_key *sk, const char *meta_b64,
			       const char *path, char *err, size_t errlen)
{
	uint8_t meta[TLS_CRYPT_V2_MAX_METADATA];
	uint8_t out[STATIC_KEY_LEN + TLS_CRYPT_V2_MAX_WKC];
	struct static_key kc = { .len = STATIC_KEY_LEN };
	size_t meta_len = 0, wkc_len = 0;
	int ret;

	ret = genkey_metadata(meta_b64, meta, &meta_len, err, errlen);
	if (ret)
		return ret;
	ret = crypto_rand_bytes(kc.bytes, sizeof(kc.bytes));
	if (ret == 0)
		ret = tls_crypt_v2_wrap(sk, &kc, meta, meta_len, out + STATIC_KEY_LEN, &wkc_len);
	if (ret) {
		keyfile_set_err(err, errlen, "cannot create the client key");
		goto out;
	}
	memcpy(out, kc.bytes, STATIC_KEY_LEN);
	ret = write_pem(TLS_CRYPT_V2_CLIENT_LABEL, out, STATIC_KEY_LEN + wkc_len, path, err,
			errlen);
out:
	explicit_bzero(&kc, sizeof(kc));
	explicit_bzero(out, sizeof(out));
	return ret;
}
