/* --tls-auth, --tls-crypt and --tls-crypt-v2: authenticate (and encrypt)
 * control packets. */
#include "tls_wrap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "log.h"
#include "reliable.h"

/* tls-crypt is fixed to these; only the first 32 bytes of each slot are used. */
#define CRYPT_KEY_LEN 32
#define CRYPT_DIGEST "SHA256"
#define CRYPT_CIPHER "AES-256-CTR"
#define CRYPT_IV_LEN 16

/* Transport overhead 2.6 assumes when sizing control packets (TCP too). */
#define IPV4_UDP_OVERHEAD 28
#define IPV6_UDP_OVERHEAD 48

struct tls_wrap_crypto {
	EVP_MAC *mac;
	EVP_MAC_CTX *send_mac;
	EVP_MAC_CTX *recv_mac;
	EVP_CIPHER_CTX *send_cipher;    /* tls-crypt only */
	EVP_CIPHER_CTX *recv_cipher;
};

/* tls-crypt-v2 on top of the tls-crypt machinery. */
struct tls_wrap_v2 {
	bool server;
	struct tls_crypt_v2_server_key server_key;     /* server */
	struct tls_crypt_v2_unwrapped client;          /* server, once keyed */
	bool keyed;
	bool early_neg;
	uint8_t wkc[TLS_CRYPT_V2_MAX_WKC];             /* client */
	size_t wkc_len;
};

void tls_wrap_keys_wipe(struct tls_wrap_keys *k)
{
	explicit_bzero(k, sizeof(*k));
}

static EVP_MAC_CTX *mac_new(EVP_MAC *mac, const char *digest, const uint8_t *key, size_t len)
{
	OSSL_PARAM params[2];
	EVP_MAC_CTX *c = EVP_MAC_CTX_new(mac);

	if (!c)
		return NULL;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(c, key, len, params)) {
		EVP_MAC_CTX_free(c);
		return NULL;
	}
	return c;
}

static EVP_CIPHER_CTX *ctr_new(const uint8_t *key)
{
	EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, CRYPT_CIPHER, NULL);
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();

	if (!cipher || !c || !EVP_EncryptInit_ex2(c, cipher, key, NULL, NULL)) {
		EVP_CIPHER_CTX_free(c);
		c = NULL;
	}
	EVP_CIPHER_free(cipher);
	return c;
}

static int init_auth(struct tls_wrap_ctx *ctx, const struct tls_wrap_config *cfg)
{
	const char *name = cfg->digest ? cfg->digest : "SHA1";
	struct tls_wrap_crypto *c = ctx->crypto;
	struct static_key_dirs dirs;
	char err[KEYFILE_ERR_LEN];
	EVP_MD *md;
	int size;

	if (keyfile_key_dirs(cfg->key, cfg->direction, &dirs, err, sizeof(err))) {
		msg(M_ERR, "tls-auth: %s", err);
		return -EINVAL;
	}
	md = EVP_MD_fetch(NULL, name, NULL);
	size = md ? EVP_MD_get_size(md) : 0;
	EVP_MD_free(md);
	/* The HMAC key is the first digest-size bytes of a 64-byte slot. */
	if (size <= 0 || size > TLS_WRAP_MAX_HMAC) {
		msg(M_ERR, "tls-auth: digest '%s' is not usable for the control channel HMAC",
		    name);
		return -EINVAL;
	}
	ctx->hmac_len = (size_t)size;
	c->send_mac = mac_new(c->mac, name, dirs.send_hmac, ctx->hmac_len);
	c->recv_mac = mac_new(c->mac, name, dirs.recv_hmac, ctx->hmac_len);
	return c->send_mac && c->recv_mac ? 0 : -ENOMEM;
}

static int init_crypt(struct tls_wrap_ctx *ctx, const struct static_key *key, bool tls_server)
{
	struct tls_wrap_crypto *c = ctx->crypto;
	struct static_key_dirs dirs;
	char err[KEYFILE_ERR_LEN];
	/* The server sends with key0 and the client with key1, whatever
	 * --key-direction says. */
	enum key_direction dir = tls_server ? KEY_DIR_NORMAL : KEY_DIR_INVERSE;

	if (key->len != STATIC_KEY_LEN || keyfile_key_dirs(key, dir, &dirs, err, sizeof(err))) {
		msg(M_ERR, "tls-crypt: the key must hold %d bytes (two keys)", STATIC_KEY_LEN);
		return -EINVAL;
	}
	ctx->hmac_len = TLS_WRAP_CRYPT_TAG_LEN;
	c->send_mac = mac_new(c->mac, CRYPT_DIGEST, dirs.send_hmac, CRYPT_KEY_LEN);
	c->recv_mac = mac_new(c->mac, CRYPT_DIGEST, dirs.recv_hmac, CRYPT_KEY_LEN);
	c->send_cipher = ctr_new(dirs.send_cipher);
	c->recv_cipher = ctr_new(dirs.recv_cipher);
	if (!c->send_mac || !c->recv_mac || !c->send_cipher || !c->recv_cipher)
		return -ENOMEM;
	return 0;
}

/* Server: no key until a client's WKc is unwrapped. Client: Kc now. */
static int init_crypt_v2(struct tls_wrap_ctx *ctx, const struct tls_wrap_config *cfg)
{
	struct tls_wrap_v2 *v2 = calloc(1, sizeof(*v2));

	if (!v2)
		return -ENOMEM;
	ctx->v2 = v2;
	ctx->hmac_len = TLS_WRAP_CRYPT_TAG_LEN;
	if (cfg->v2_server) {
		v2->server = true;
		v2->server_key = *cfg->v2_server;
		return 0;
	}
	if (!cfg->v2_client)
		return -EINVAL;
	memcpy(v2->wkc, cfg->v2_client->wkc, cfg->v2_client->wkc_len);
	v2->wkc_len = cfg->v2_client->wkc_len;
	/* 2.6 counts from the marker so the server may answer statelessly */
	ctx->pid_send.id = TLS_WRAP_V2_EARLY_NEG_START;
	return init_crypt(ctx, &cfg->v2_client->kc, false);
}

int tls_wrap_init(struct tls_wrap_ctx *ctx, const struct tls_wrap_config *cfg)
{
	int ret;

	memset(ctx, 0, sizeof(*ctx));
	ctx->mode = cfg->mode;
	if (cfg->mode == TLS_WRAP_NONE)
		return 0;
	if (cfg->mode != TLS_WRAP_AUTH && cfg->mode != TLS_WRAP_CRYPT &&
	    cfg->mode != TLS_WRAP_CRYPT_V2)
		return -EINVAL;
	if (cfg->mode != TLS_WRAP_CRYPT_V2 && !cfg->key)
		return -EINVAL;
	ret = packet_id_recv_init(&ctx->pid_recv, cfg->replay_window, cfg->replay_time);
	if (ret)
		return ret;
	ctx->crypto = calloc(1, sizeof(*ctx->crypto));
	if (!ctx->crypto) {
		ret = -ENOMEM;
		goto out;
	}
	ctx->crypto->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!ctx->crypto->mac) {
		ret = -ENOMEM;
		goto out;
	}
	if (cfg->mode == TLS_WRAP_AUTH)
		ret = init_auth(ctx, cfg);
	else if (cfg->mode == TLS_WRAP_CRYPT)
		ret = init_crypt(ctx, cfg->key, cfg->tls_server);
	else
		ret = init_crypt_v2(ctx, cfg);
out:
	if (ret)
		tls_wrap_free(ctx);
	return ret;
}

void tls_wrap_free(struct tls_wrap_ctx *ctx)
{
	struct tls_wrap_crypto *c = ctx->crypto;

	if (c) {
		EVP_MAC_CTX_free(c->send_mac);
		EVP_MAC_CTX_free(c->recv_mac);
		EVP_CIPHER_CTX_free(c->send_cipher);
		EVP_CIPHER_CTX_free(c->recv_cipher);
		EVP_MAC_free(c->mac);
		free(c);
	}
	if (ctx->v2) {
		explicit_bzero(ctx->v2, sizeof(*ctx->v2));
		free(ctx->v2);
	}
	packet_id_recv_free(&ctx->pid_recv);
	memset(ctx, 0, sizeof(*ctx));
}

/* HMAC over up to three pieces, with the key loaded at init. */
static int mac_parts(EVP_MAC_CTX *c, const uint8_t *a, size_t alen, const uint8_t *b,
		     size_t blen, const uint8_t *d, size_t dlen, uint8_t *out, size_t outlen)
{
	size_t got = 0;

	if (!EVP_MAC_init(c, NULL, 0, NULL) || !EVP_MAC_update(c, a, alen) ||
	    !EVP_MAC_update(c, b, blen) || (dlen && !EVP_MAC_update(c, d, dlen)) ||
	    !EVP_MAC_final(c, out, &got, outlen) || got != outlen)
		return -EIO;
	return 0;
}

/* AES-256-CTR in place; the first 16 bytes of the tag are the counter block. */
static int ctr_apply(EVP_CIPHER_CTX *c, const uint8_t *iv, uint8_t *data, size_t len)
{
	int outl = 0;

	if (!EVP_EncryptInit_ex2(c, NULL, NULL, iv, NULL))
		return -EIO;
	if (len && (len > INT32_MAX || !EVP_EncryptUpdate(c, data, &outl, data, (int)len) ||
		    (size_t)outl != len))
		return -EIO;
	return 0;
}

/* Make room for `extra` bytes right behind the op/kid + session id prefix. */
static uint8_t *open_gap(struct buf *pkt, size_t extra)
{
	uint8_t *p = buf_push(pkt, extra);

	if (p)
		memmove(p, p + extra, RELIABLE_PREFIX_LEN);
	return p;
}

/* Undo open_gap() after the fields were checked. */
static void close_gap(struct buf *pkt, size_t extra)
{
	uint8_t *p = buf_data(pkt);

	memmove(p + extra, p, RELIABLE_PREFIX_LEN);
	buf_pull(pkt, extra);
}

static int next_pid(struct tls_wrap_ctx *ctx, uint8_t *out, time_t now)
{
	uint32_t id, t;

	if (!packet_id_send_next_long(&ctx->pid_send, &id, &t, (uint32_t)now))
		return -ERANGE;
	put_be32(out, id);
	put_be32(out + 4, t);
	return 0;
}

/* Wire: prefix | HMAC | pid | time | rest; HMAC over pid | time | prefix | rest. */
static int encode_auth(struct tls_wrap_ctx *ctx, struct buf *pkt, time_t now)
{
	size_t h = ctx->hmac_len, extra = h + TLS_WRAP_PID_LEN;
	size_t rest = buf_len(pkt) - RELIABLE_PREFIX_LEN;
	uint8_t ids[TLS_WRAP_PID_LEN];
	uint8_t *p, *pid;

	if (buf_headroom(pkt) < extra)
		return -ENOSPC;
	if (next_pid(ctx, ids, now))
		return -ERANGE;
	p = open_gap(pkt, extra);
	pid = p + RELIABLE_PREFIX_LEN + h;
	memcpy(pid, ids, sizeof(ids));
	return mac_parts(ctx->crypto->send_mac, pid, TLS_WRAP_PID_LEN, p, RELIABLE_PREFIX_LEN,
			 pid + TLS_WRAP_PID_LEN, rest, p + RELIABLE_PREFIX_LEN, h);
}

/* Wire: prefix | pid | time | tag | AES-CTR(rest); tag over prefix | pid | time | rest. */
static int encode_crypt(struct tls_wrap_ctx *ctx, struct buf *pkt, time_t now)
{
	const size_t head = RELIABLE_PREFIX_LEN + TLS_WRAP_PID_LEN;
	size_t rest = buf_len(pkt) - RELIABLE_PREFIX_LEN;
	uint8_t ids[TLS_WRAP_PID_LEN];
	uint8_t *p, *tag, *body;
	int ret;

	if (buf_headroom(pkt) < TLS_WRAP_CRYPT_OVERHEAD)
		return -ENOSPC;
	if (next_pid(ctx, ids, now))
		return -ERANGE;
	p = open_gap(pkt, TLS_WRAP_CRYPT_OVERHEAD);
	memcpy(p + RELIABLE_PREFIX_LEN, ids, sizeof(ids));
	tag = p + head;
	body = tag + TLS_WRAP_CRYPT_TAG_LEN;
	ret = mac_parts(ctx->crypto->send_mac, p, head, body, rest, NULL, 0, tag,
			TLS_WRAP_CRYPT_TAG_LEN);
	if (ret)
		return ret;
	return ctr_apply(ctx->crypto->send_cipher, tag, body, rest);
}

static bool carries_wkc(const struct buf *pkt)
{
	uint8_t op = buf_data(pkt)[0] >> P_OPCODE_SHIFT;

	return op == P_CONTROL_HARD_RESET_CLIENT_V3 || op == P_CONTROL_WKC_V1;
}

/* tls-crypt with Kc; the client's WKc rides in clear behind V3 / WKC_V1. */
static int encode_crypt_v2(struct tls_wrap_ctx *ctx, struct buf *pkt, time_t now)
{
	bool wkc = !ctx->v2->server && carries_wkc(pkt);
	int ret;

	if (!ctx->crypto->send_mac)
		return -ENOKEY;
	if (wkc && buf_tailroom(pkt) < ctx->v2->wkc_len)
		return -ENOSPC;
	ret = encode_crypt(ctx, pkt, now);
	if (ret == 0 && wkc)
		buf_write(pkt, ctx->v2->wkc, ctx->v2->wkc_len);
	return ret;
}

int tls_wrap_encode(struct tls_wrap_ctx *ctx, struct buf *pkt, time_t now)
{
	if (buf_len(pkt) < RELIABLE_PREFIX_LEN)
		return -EBADMSG;
	switch (ctx->mode) {
	case TLS_WRAP_NONE:
		return 0;
	case TLS_WRAP_AUTH:
		return encode_auth(ctx, pkt, now);
	case TLS_WRAP_CRYPT:
		return encode_crypt(ctx, pkt, now);
	case TLS_WRAP_CRYPT_V2:
		return encode_crypt_v2(ctx, pkt, now);
	}
	return -EINVAL;
}

/* Authentic packet: apply the replay rules, and remember it only if it passes. */
static enum tls_wrap_status replay_check(struct tls_wrap_ctx *ctx, const uint8_t *pid,
					 time_t now, enum packet_id_verdict *verdict)
{
	uint32_t id = get_be32(pid), t = get_be32(pid + 4);
	enum packet_id_verdict v = packet_id_check(&ctx->pid_recv, id, t, true, now);

	if (verdict)
		*verdict = v;
	if (v != PID_OK)
		return TLS_WRAP_REPLAY;
	packet_id_record(&ctx->pid_recv, id, t, true, now);
	return TLS_WRAP_OK;
}

static enum tls_wrap_status decode_auth(struct tls_wrap_ctx *ctx, struct buf *pkt, time_t now,
					enum packet_id_verdict *verdict)
{
	size_t h = ctx->hmac_len, extra = h + TLS_WRAP_PID_LEN;
	uint8_t *p = buf_data(pkt), *pid = p + RELIABLE_PREFIX_LEN + h;
	uint8_t mac[TLS_WRAP_MAX_HMAC];
	enum tls_wrap_status st;

	if (buf_len(pkt) < RELIABLE_PREFIX_LEN + extra)
		return TLS_WRAP_SHORT;
	if (mac_parts(ctx->crypto->recv_mac, pid, TLS_WRAP_PID_LEN, p, RELIABLE_PREFIX_LEN,
		      pid + TLS_WRAP_PID_LEN, buf_len(pkt) - RELIABLE_PREFIX_LEN - extra, mac, h))
		return TLS_WRAP_INTERNAL;
	if (CRYPTO_memcmp(mac, p + RELIABLE_PREFIX_LEN, h))
		return TLS_WRAP_BAD_AUTH;
	st = replay_check(ctx, pid, now, verdict);
	if (st == TLS_WRAP_OK)
		close_gap(pkt, extra);
	return st;
}

static enum tls_wrap_status decode_crypt(struct tls_wrap_ctx *ctx, struct buf *pkt, time_t now,
					 enum packet_id_verdict *verdict)
{
	const size_t head = RELIABLE_PREFIX_LEN + TLS_WRAP_PID_LEN;
	uint8_t *p = buf_data(pkt), *tag = p + head, *body = tag + TLS_WRAP_CRYPT_TAG_LEN;
	uint8_t mac[TLS_WRAP_CRYPT_TAG_LEN];
	enum tls_wrap_status st;
	size_t rest;

	if (buf_len(pkt) < RELIABLE_PREFIX_LEN + TLS_WRAP_CRYPT_OVERHEAD)
		return TLS_WRAP_SHORT;
	rest = buf_len(pkt) - RELIABLE_PREFIX_LEN - TLS_WRAP_CRYPT_OVERHEAD;
	/* The tag covers the plaintext, so decrypt first. */
	if (ctr_apply(ctx->crypto->recv_cipher, tag, body, rest) ||
	    mac_parts(ctx->crypto->recv_mac, p, head, body, rest, NULL, 0, mac, sizeof(mac)))
		return TLS_WRAP_INTERNAL;
	if (CRYPTO_memcmp(mac, tag, sizeof(mac)))
		return TLS_WRAP_BAD_AUTH;
	st = replay_check(ctx, p + RELIABLE_PREFIX_LEN, now, verdict);
	if (st == TLS_WRAP_OK)
		close_gap(pkt, TLS_WRAP_CRYPT_OVERHEAD);
	return st;
}

/* Server: take Kc from the first WKc, and keep it for the session. */
static enum tls_wrap_status key_from_wkc(struct tls_wrap_ctx *ctx, const uint8_t *wkc,
					 size_t len)
{
	struct tls_wrap_v2 *v2 = ctx->v2;

	if (tls_crypt_v2_unwrap(&v2->server_key, wkc, len, &v2->client) < 0)
		return TLS_WRAP_BAD_WKC;
	if (init_crypt(ctx, &v2->client.kc, true) < 0)
		return TLS_WRAP_INTERNAL;
	v2->keyed = true;
	return TLS_WRAP_OK;
}

/* The packet that brought the key failed: forget the key again. */
static void unkey(struct tls_wrap_ctx *ctx)
{
	struct tls_wrap_crypto *c = ctx->crypto;

	EVP_MAC_CTX_free(c->send_mac);
	EVP_MAC_CTX_free(c->recv_mac);
	EVP_CIPHER_CTX_free(c->send_cipher);
	EVP_CIPHER_CTX_free(c->recv_cipher);
	c->send_mac = c->recv_mac = NULL;
	c->send_cipher = c->recv_cipher = NULL;
	explicit_bzero(&ctx->v2->client, sizeof(ctx->v2->client));
	ctx->v2->keyed = false;
}

static enum tls_wrap_status decode_crypt_v2(struct tls_wrap_ctx *ctx, struct buf *pkt,
					    time_t now, enum packet_id_verdict *verdict)
{
	struct tls_wrap_v2 *v2 = ctx->v2;
	enum tls_wrap_status st;
	size_t wkc_len = 0;
	uint32_t pid = 0;
	bool fresh = !v2->keyed;
	bool reset = buf_data(pkt)[0] >> P_OPCODE_SHIFT == P_CONTROL_HARD_RESET_CLIENT_V3;

	if (v2->server && carries_wkc(pkt)) {
		wkc_len = tls_crypt_v2_wkc_len(buf_data(pkt) + RELIABLE_PREFIX_LEN,
					       buf_len(pkt) - RELIABLE_PREFIX_LEN);
		if (!wkc_len)
			return TLS_WRAP_BAD_WKC;
		if (!v2->keyed) {
			st = key_from_wkc(ctx, buf_tail(pkt) - wkc_len, wkc_len);
			if (st != TLS_WRAP_OK)
				return st;
		}
		/* a session keeps the Kc it started with; later copies are ignored */
		buf_trim(pkt, wkc_len);
	}
	if (!ctx->crypto->recv_mac)
		return TLS_WRAP_BAD_WKC;        /* a server that never saw a WKc */
	if (buf_len(pkt) >= RELIABLE_PREFIX_LEN + 4)
		pid = get_be32(buf_data(pkt) + RELIABLE_PREFIX_LEN);
	st = decode_crypt(ctx, pkt, now, verdict);
	if (st != TLS_WRAP_OK && st != TLS_WRAP_REPLAY && fresh && v2->server)
		unkey(ctx);
	if (st == TLS_WRAP_OK && reset)
		v2->early_neg = (pid & TLS_WRAP_V2_EARLY_NEG_MASK) == TLS_WRAP_V2_EARLY_NEG_START;
	return st;
}

enum tls_wrap_status tls_wrap_decode(struct tls_wrap_ctx *ctx, struct buf *pkt, time_t now,
				     enum packet_id_verdict *verdict)
{
	if (verdict)
		*verdict = PID_OK;
	if (buf_len(pkt) < RELIABLE_PREFIX_LEN)
		return TLS_WRAP_SHORT;
	switch (ctx->mode) {
	case TLS_WRAP_NONE:
		return TLS_WRAP_OK;
	case TLS_WRAP_AUTH:
		return decode_auth(ctx, pkt, now, verdict);
	case TLS_WRAP_CRYPT:
		return decode_crypt(ctx, pkt, now, verdict);
	case TLS_WRAP_CRYPT_V2:
		return decode_crypt_v2(ctx, pkt, now, verdict);
	}
	return TLS_WRAP_INTERNAL;
}

const char *tls_wrap_status_str(enum tls_wrap_status s)
{
	switch (s) {
	case TLS_WRAP_OK:
		return "ok";
	case TLS_WRAP_SHORT:
		return "packet too short";
	case TLS_WRAP_BAD_AUTH:
		return "packet authentication failed";
	case TLS_WRAP_REPLAY:
		return "replayed packet";
	case TLS_WRAP_INTERNAL:
		return "crypto library error";
	case TLS_WRAP_BAD_WKC:
		return "missing, truncated or forged tls-crypt-v2 client key";
	}
	return "unknown";
}

const uint8_t *tls_wrap_v2_metadata(const struct tls_wrap_ctx *ctx, size_t *len)
{
	if (ctx->mode != TLS_WRAP_CRYPT_V2 || !ctx->v2->keyed)
		return NULL;
	*len = ctx->v2->client.meta_len;
	return ctx->v2->client.meta;
}

bool tls_wrap_v2_early_neg(const struct tls_wrap_ctx *ctx)
{
	return ctx->mode == TLS_WRAP_CRYPT_V2 && ctx->v2->early_neg;
}

size_t tls_wrap_v2_wkc_len(const struct tls_wrap_ctx *ctx)
{
	return ctx->mode == TLS_WRAP_CRYPT_V2 ? ctx->v2->wkc_len : 0;
}

size_t tls_wrap_overhead(const struct tls_wrap_ctx *ctx)
{
	switch (ctx->mode) {
	case TLS_WRAP_AUTH:
		return ctx->hmac_len + TLS_WRAP_PID_LEN;
	case TLS_WRAP_CRYPT:
	case TLS_WRAP_CRYPT_V2:
		return TLS_WRAP_CRYPT_OVERHEAD;
	default:
		return 0;
	}
}

size_t tls_wrap_budget_overhead(const struct tls_wrap_ctx *ctx)
{
	return ctx->mode == TLS_WRAP_CRYPT || ctx->mode == TLS_WRAP_CRYPT_V2
	       ? TLS_WRAP_CRYPT_BUDGET : tls_wrap_overhead(ctx);
}

size_t tls_wrap_max_payload(const struct tls_wrap_ctx *ctx, size_t max_packet_size,
			    size_t n_acks, bool ipv6)
{
	size_t room = max_packet_size < TLS_WRAP_PACKET_SIZE_CAP ? max_packet_size
								 : TLS_WRAP_PACKET_SIZE_CAP;
	size_t used = reliable_pkt_hdr_len(P_CONTROL_V1,
					   n_acks < RELIABLE_MAX_ACKS_PIGGYBACK
					   ? n_acks : RELIABLE_MAX_ACKS_PIGGYBACK) +
		      tls_wrap_budget_overhead(ctx) +
		      (ipv6 ? IPV6_UDP_OVERHEAD : IPV4_UDP_OVERHEAD);

	return room > used ? room - used : 0;
}
