/*
 * Key method 2 messages, the OCC options string and peer-info (wire
 * protocol §5). Byte layout of a message:
 *
 *   00 00 00 00 | method (low nibble 2) | [pre_master 48, client only] |
 *   random1 32 | random2 32 | options | username | password | [peer-info]
 *
 * where each string is a big-endian uint16 length that counts a trailing
 * NUL, then the bytes and the NUL; an empty string is just 00 00.
 */
#include "ssl_keymethod.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buildconf.h"
#include "buf.h"
#include "compat.h"
#include "log.h"
#include "options.h"

#define KM_METHOD 2
#define KM_PREFIX_LEN 4

/* ---- the message ---------------------------------------------------------- */

/* Bytes a string takes on the wire after its length field. */
static size_t wire_len(const char *s)
{
	return s && s[0] ? strlen(s) + 1 : 0;
}

static bool put_string(struct buf *b, const char *s)
{
	size_t n = wire_len(s);

	return buf_write_u16(b, (uint16_t)n) && buf_write(b, s, n);
}

static size_t message_len(const struct keymethod_msg *m)
{
	size_t n = KM_PREFIX_LEN + 1 + 2 * KEYMETHOD_RANDOM_LEN;

	if (m->from_client)
		n += KEYMETHOD_PRE_MASTER_LEN;
	n += 2 + wire_len(m->options);
	n += 2 + wire_len(m->username);
	n += 2 + wire_len(m->password);
	if (m->peer_info)
		n += 2 + wire_len(m->peer_info);
	return n;
}

int keymethod_build(const struct keymethod_msg *m, struct buf *out)
{
	static const uint8_t prefix[KM_PREFIX_LEN];
	size_t total = message_len(m);
	bool ok;

	/* Checking everything first keeps `out` untouched on failure. */
	if (wire_len(m->options) > KEYMETHOD_OPTIONS_MAX || total > KEYMETHOD_MSG_MAX)
		return -EMSGSIZE;
	if (buf_tailroom(out) < total)
		return -ENOBUFS;
	ok = buf_write(out, prefix, sizeof(prefix)) &&
	     buf_write_u8(out, (uint8_t)((m->flags & 0xf0) | KM_METHOD));
	if (m->from_client)
		ok = ok && buf_write(out, m->pre_master, sizeof(m->pre_master));
	ok = ok && buf_write(out, m->random1, sizeof(m->random1)) &&
	     buf_write(out, m->random2, sizeof(m->random2)) &&
	     put_string(out, m->options) && put_string(out, m->username) &&
	     put_string(out, m->password);
	if (m->peer_info)
		ok = ok && put_string(out, m->peer_info);
	return ok ? 0 : -ENOBUFS;
}

/* A read cursor over the received plaintext. */
struct km_reader {
	const uint8_t *p;
	size_t len;
	size_t pos;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 3, 4)))
static int km_fail(struct km_reader *r, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, r->errlen, fmt, ap);
	va_end(ap);
	return ret;
}

static int km_take(struct km_reader *r, size_t n, const char *what,
		   const uint8_t **out)
{
	if (r->len - r->pos < n)
		return km_fail(r, -EBADMSG, "key method message truncated in the %s (%zu of %zu bytes)",
			       what, r->len - r->pos, n);
	*out = r->p + r->pos;
	r->pos += n;
	return 0;
}

/* One length-prefixed string; `max` (NUL included) 0 means no own limit. */
static int km_string(struct km_reader *r, const char *what, size_t max,
		     const char **out)
{
	const uint8_t *lp = NULL, *s;
	size_t n;
	int ret = km_take(r, 2, what, &lp);

	if (ret)
		return ret;
	n = (size_t)lp[0] << 8 | lp[1];
	if (n == 0) {
		*out = "";
		return 0;
	}
	if (max && n > max)
		return km_fail(r, -EMSGSIZE, "key method %s is %zu bytes, more than %zu",
			       what, n, max);
	if (n > r->len - r->pos)
		return km_fail(r, -EBADMSG, "key method %s length %zu runs past the end of the message (%zu bytes left)",
			       what, n, r->len - r->pos);
	s = r->p + r->pos;
	if (s[n - 1] != '\0')
		return km_fail(r, -EBADMSG, "key method %s is not NUL-terminated", what);
	if (memchr(s, '\0', n - 1))
		return km_fail(r, -EBADMSG, "key method %s contains a NUL byte", what);
	r->pos += n;
	*out = (const char *)s;
	return 0;
}

static int km_fixed(struct km_reader *r, struct keymethod_msg *m)
{
	const uint8_t *p = NULL;
	int ret;

	/* 2.6 skips the four leading bytes without looking at them. */
	ret = km_take(r, KM_PREFIX_LEN, "leading zero bytes", &p);
	if (!ret)
		ret = km_take(r, 1, "method byte", &p);
	if (ret)
		return ret;
	if ((p[0] & 0x0f) != KM_METHOD)
		return km_fail(r, -EBADMSG, "key method %d is not supported (only 2)",
			       p[0] & 0x0f);
	m->flags = p[0] & 0xf0;
	if (m->from_client) {
		ret = km_take(r, KEYMETHOD_PRE_MASTER_LEN, "pre-master secret", &p);
		if (ret)
			return ret;
		memcpy(m->pre_master, p, KEYMETHOD_PRE_MASTER_LEN);
	}
	ret = km_take(r, KEYMETHOD_RANDOM_LEN, "random1", &p);
	if (ret)
		return ret;
	memcpy(m->random1, p, KEYMETHOD_RANDOM_LEN);
	ret = km_take(r, KEYMETHOD_RANDOM_LEN, "random2", &p);
	if (ret)
		return ret;
	memcpy(m->random2, p, KEYMETHOD_RANDOM_LEN);
	return 0;
}

int keymethod_parse(const uint8_t *data, size_t len, bool from_client,
		    struct keymethod_msg *m, char *err, size_t errlen)
{
	struct km_reader r = { .p = data, .len = len, .err = err, .errlen = errlen };
	int ret;

	memset(m, 0, sizeof(*m));
	m->from_client = from_client;
	if (errlen)
		err[0] = '\0';
	if (len > KEYMETHOD_MSG_MAX)
		return km_fail(&r, -EMSGSIZE, "key method message is %zu bytes, more than %d",
			       len, KEYMETHOD_MSG_MAX);
	ret = km_fixed(&r, m);
	if (!ret)
		ret = km_string(&r, "options string", KEYMETHOD_OPTIONS_MAX, &m->options);
	if (!ret)
		ret = km_string(&r, "username", 0, &m->username);
	if (!ret)
		ret = km_string(&r, "password", 0, &m->password);
	/* A message may end after the password; bytes after peer-info are
	 * ignored, as 2.6 does, to leave room for later fields. */
	if (!ret && r.pos < r.len)
		ret = km_string(&r, "peer-info", 0, &m->peer_info);
	if (ret)
		memset(m, 0, sizeof(*m));
	return ret;
}

/* ---- OCC options string --------------------------------------------------- */

struct strbuf {
	char *p;
	size_t cap;
	size_t len;
	bool overflow;
};

__attribute__((format(printf, 2, 3)))
static void sb_add(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->cap - b->len) {
		b->overflow = true;
		return;
	}
	b->len += (size_t)n;
}

static bool list_has(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while (p && *p) {
		if (strncmp(p, name, n) == 0 && (p[n] == ':' || p[n] == '\0'))
			return true;
		p = strchr(p, ':');
		if (p)
			p++;
	}
	return false;
}

static const char *occ_proto(enum proto p)
{
	/* 2.6 writes the IPv4 spelling whatever the address family. */
	if (!proto_is_tcp(p))
		return "UDPv4";
	return proto_is_tcp_server(p) ? "TCPv4_SERVER" : "TCPv4_CLIENT";
}

/*
 * 2.6 still derives link-mtu from the pre-2.4 data packet layout: opcode
 * and packet id, plus for AEAD a tag, IV and a block of padding, for CBC an
 * IV, a block of padding and the HMAC. TCP adds the 2-byte length. These
 * figures reproduce every case measured against 2.6.14.
 */
static int occ_link_mtu(const struct options *o, const struct option_cipher *ci,
			int hmac_len)
{
	int mtu = o->tun_mtu + 1 + 4;

	if (proto_is_tcp(o->proto))
		mtu += 2;
	if (ci && ci->aead)
		return mtu + 16 + ci->iv_len + ci->block_size;
	if (ci)
		mtu += ci->iv_len + ci->block_size;
	return mtu + hmac_len;
}

/* P2P: the peer's view, remote first. Subnet: network and netmask. */
static void occ_ifconfig(const struct options *o, struct strbuf *b)
{
	struct in_addr local, mask, net;
	char text[INET_ADDRSTRLEN];

	if (!o->ifconfig_local || !o->ifconfig_remote)
		return;
	if (o->topology != TOP_SUBNET) {
		sb_add(b, ",ifconfig %s %s", o->ifconfig_remote, o->ifconfig_local);
		return;
	}
	if (inet_pton(AF_INET, o->ifconfig_local, &local) != 1 ||
	    inet_pton(AF_INET, o->ifconfig_remote, &mask) != 1)
		return;
	net.s_addr = local.s_addr & mask.s_addr;
	inet_ntop(AF_INET, &net, text, sizeof(text));
	sb_add(b, ",ifconfig %s %s", text, o->ifconfig_remote);
}

/* In client/server mode 2.6 leaves out a --cipher it would never use. */
static bool occ_shows_cipher(const struct options *o)
{
	if (!o->client && !o->pull && !o->mode_server)
		return true;
	return list_has(o->data_ciphers, o->cipher);
}

static void occ_crypto(const struct options *o, struct strbuf *b)
{
	const struct option_cipher *ci = options_cipher_find(o->cipher);
	const char *auth = options_digest_find(o->auth, NULL);
	int hmac = 0;

	if (auth)
		options_digest_find(o->auth, &hmac);
	if (ci && ci->aead) {
		auth = NULL;
		hmac = 0;
	}
	if (option_file_set(&o->tls_auth) && o->tls_auth_dir >= 0)
		sb_add(b, ",keydir %d", o->tls_auth_dir);
	if (occ_shows_cipher(o))
		sb_add(b, ",cipher %s", ci ? ci->name : "[null-cipher]");
	sb_add(b, ",auth %s", auth ? auth : "[null-digest]");
	sb_add(b, ",keysize %d", ci ? ci->key_bits : 0);
	if (option_file_set(&o->tls_auth))
		sb_add(b, ",tls-auth");
}

int keymethod_options_string(const struct options *o, char *out, size_t len)
{
	struct strbuf b = { .p = out, .cap = len };
	const struct option_cipher *ci = options_cipher_find(o->cipher);
	int hmac = 0;

	if (len == 0)
		return -ENOSPC;
	out[0] = '\0';
	options_digest_find(o->auth, &hmac);
	sb_add(&b, "V4,dev-type tun");
	sb_add(&b, ",link-mtu %d", occ_link_mtu(o, ci, hmac) + comp_occ_link_mtu_extra(o->comp));
	sb_add(&b, ",tun-mtu %d", o->tun_mtu_occ ? o->tun_mtu_occ : o->tun_mtu);
	sb_add(&b, ",proto %s", occ_proto(o->proto));
	if (o->ifconfig_ipv6_local)
		sb_add(&b, ",tun-ipv6");
	occ_ifconfig(o, &b);
	/* any framing shows as comp-lzo: a --compress migrate server looks
	 * for it to tell the client to stop compressing */
	if (o->comp != COMP_ALG_NONE)
		sb_add(&b, ",comp-lzo");
	occ_crypto(o, &b);
	if (options_tls_mode(o)) {
		sb_add(&b, ",key-method 2");
		sb_add(&b, o->tls_client ? ",tls-client" : ",tls-server");
	}
	if (b.overflow) {
		out[0] = '\0';
		return -ENOSPC;
	}
	return 0;
}

/* ---- peer-info: ours ------------------------------------------------------ */

void keymethod_peer_info_defaults(const struct options *o,
				  struct keymethod_peer_info_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->pull = o->client || o->pull;
	c->omit = o->mode_server;
	c->version = PACKAGE_VERSION;
	c->ciphers = o->data_ciphers;
	c->iv_proto = c->pull ? KEYMETHOD_IV_PROTO_CLIENT : KEYMETHOD_IV_PROTO_P2P;
	/* --tun-max-mtu's default; the option itself is not supported yet. */
	c->mtu = 1600;
	/* 2.6 clients announce stub framing even with compression off. */
	c->comp_stubs = true;
	/* and LZ4 too when they may receive compressed packets */
	c->comp_lz4 = o->allow_compression != COMP_ALLOW_NO;
	c->setenv_list = o->setenv_list;
	c->n_setenv = o->n_setenv;
}

/* What a user or GUI adds with --setenv: IV_GUI_VER and IV_SSO always,
 * the rest with --push-peer-info only, as 2.6 does. */
static void peer_info_extra(struct strbuf *b, const struct keymethod_peer_info_cfg *c)
{
	const struct option_words *w;
	bool detail = c->ssl_version != NULL;
	int i;

	if (c->ssl_version)
		sb_add(b, "IV_SSL=%s\n", c->ssl_version);
	if (c->plat_version)
		sb_add(b, "IV_PLAT_VER=%s\n", c->plat_version);
	for (i = 0; i < c->n_setenv; i++) {
		w = &c->setenv_list[i];
		if (w->argc < 1 || w->pushed || strpbrk(w->argv[0], "=\n"))
			continue;
		if (strcmp(w->argv[0], "IV_GUI_VER") == 0 || strcmp(w->argv[0], "IV_SSO") == 0 ||
		    (detail && strncmp(w->argv[0], "UV_", 3) == 0))
			sb_add(b, "%s=%s\n", w->argv[0],
			       w->argc > 1 && !strchr(w->argv[1], '\n') ? w->argv[1] : "");
	}
}

int keymethod_peer_info_build(const struct keymethod_peer_info_cfg *c,
			      char *out, size_t len)
{
	struct strbuf b = { .p = out, .cap = len };

	if (len == 0)
		return -ENOSPC;
	out[0] = '\0';
	if (c->omit)
		return 0;
	if (c->pull) {
		sb_add(&b, "IV_VER=%s\nIV_PLAT=linux\nIV_TCPNL=1\n", c->version);
		if (c->mtu > 0)
			sb_add(&b, "IV_MTU=%d\n", c->mtu);
		/* The 2.4-style promise: any AES-GCM the server pushes works. */
		if (list_has(c->ciphers, "AES-128-GCM") && list_has(c->ciphers, "AES-256-GCM"))
			sb_add(&b, "IV_NCP=2\n");
	}
	sb_add(&b, "IV_CIPHERS=%s\nIV_PROTO=%u\n", c->ciphers ? c->ciphers : "",
	       c->iv_proto);
	if (c->pull && c->comp_lz4)
		sb_add(&b, "IV_LZ4=1\nIV_LZ4v2=1\n");
	if (c->pull && c->comp_stubs)
		sb_add(&b, "IV_LZO_STUB=1\nIV_COMP_STUB=1\nIV_COMP_STUBv2=1\n");
	if (c->pull)
		peer_info_extra(&b, c);
	if (b.overflow) {
		out[0] = '\0';
		return -ENOSPC;
	}
	return 0;
}

/* ---- peer-info: theirs ---------------------------------------------------- */

/* Decimal digits only; anything else, or overflow, gives 0 as in 2.6. */
static unsigned long pi_number(const char *v, size_t n)
{
	unsigned long x = 0;
	size_t i;

	if (n == 0 || n > 9)
		return 0;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return 0;
		x = x * 10 + (unsigned long)(v[i] - '0');
	}
	return x;
}

static void pi_copy(char *dst, size_t cap, const char *v, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

/* A cut cipher list must not end in a partial, different name. */
static void pi_ciphers(struct keymethod_peer_info *pi, const char *v, size_t n)
{
	size_t cap = sizeof(pi->ciphers) - 1;

	if (n > cap) {
		n = cap;
		while (n > 0 && v[n] != ':')
			n--;
	}
	pi_copy(pi->ciphers, sizeof(pi->ciphers), v, n);
	pi->has_ciphers = true;
}

enum pi_key {
	PI_PROTO, PI_CIPHERS, PI_NCP, PI_MTU, PI_TCPNL, PI_VER, PI_PLAT,
	PI_LZO_STUB, PI_COMP_STUB, PI_COMP_STUBV2, PI_LZO, PI_LZ4, PI_LZ4V2,
	PI_COUNT,
};

static const char *const pi_names[PI_COUNT] = {
	[PI_PROTO] = "IV_PROTO", [PI_CIPHERS] = "IV_CIPHERS", [PI_NCP] = "IV_NCP",
	[PI_MTU] = "IV_MTU", [PI_TCPNL] = "IV_TCPNL", [PI_VER] = "IV_VER",
	[PI_PLAT] = "IV_PLAT", [PI_LZO_STUB] = "IV_LZO_STUB",
	[PI_COMP_STUB] = "IV_COMP_STUB", [PI_COMP_STUBV2] = "IV_COMP_STUBv2",
	[PI_LZO] = "IV_LZO", [PI_LZ4] = "IV_LZ4", [PI_LZ4V2] = "IV_LZ4v2",
};

static void pi_set(struct keymethod_peer_info *pi, enum pi_key k,
		   const char *v, size_t n)
{
	bool one = n == 1 && v[0] == '1';

	switch (k) {
	case PI_PROTO: pi->iv_proto = (unsigned int)pi_number(v, n); break;
	case PI_CIPHERS: pi_ciphers(pi, v, n); break;
	case PI_NCP: pi->ncp = (int)pi_number(v, n); break;
	case PI_MTU: pi->mtu = (int)pi_number(v, n); break;
	case PI_TCPNL: pi->tcpnl = one; break;
	case PI_VER: pi_copy(pi->version, sizeof(pi->version), v, n); break;
	case PI_PLAT: pi_copy(pi->platform, sizeof(pi->platform), v, n); break;
	case PI_LZO_STUB: pi->lzo_stub = one; break;
	case PI_COMP_STUB: pi->comp_stub = one; break;
	case PI_COMP_STUBV2: pi->comp_stubv2 = one; break;
	case PI_LZO: pi->lzo = one; break;
	case PI_LZ4: pi->lz4 = one; break;
	case PI_LZ4V2: pi->lz4v2 = one; break;
	default: break;
	}
}

static void pi_line(struct keymethod_peer_info *pi, const char *line, size_t n,
		    unsigned int *seen)
{
	const char *eq = memchr(line, '=', n);
	size_t name_len, vlen;
	int k;

	if (!eq)
		return;
	name_len = (size_t)(eq - line);
	vlen = n - name_len - 1;
	if (vlen > 0 && eq[vlen] == '\r')
		vlen--;
	for (k = 0; k < PI_COUNT; k++) {
		if (strlen(pi_names[k]) != name_len ||
		    memcmp(pi_names[k], line, name_len) != 0)
			continue;
		if (!(*seen & (1u << k)))
			pi_set(pi, (enum pi_key)k, eq + 1, vlen);
		*seen |= 1u << k;
		return;
	}
}

void keymethod_peer_info_parse(const char *text, struct keymethod_peer_info *pi)
{
	unsigned int seen = 0;
	const char *p = text, *nl;
	size_t n;

	memset(pi, 0, sizeof(*pi));
	while (p && *p) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		pi_line(pi, p, n, &seen);
		p = nl ? nl + 1 : p + n;
	}
}

void keymethod_peer_info_log(const char *text)
{
	char line[256];
	const char *p = text;
	size_t n, i;

	while (p && *p) {
		n = strcspn(p, "\n");
		for (i = 0; i < n && i < sizeof(line) - 1; i++)
			line[i] = isprint((unsigned char)p[i]) ? p[i] : '?';
		line[i] = '\0';
		if (i > 0)
			msg(M_INFO, "peer info: %s", line);
		p += n;
		if (*p == '\n')
			p++;
	}
}

/* ---- --auth-user-pass ----------------------------------------------------- */

/* Copy one line of text (without CR/LF) into out; false if it does not fit. */
static bool take_line(const char **p, char *out, size_t len)
{
	size_t n = strcspn(*p, "\r\n");

	if (n >= len)
		return false;
	memcpy(out, *p, n);
	out[n] = '\0';
	*p += n;
	if (**p == '\r')
		(*p)++;
	if (**p == '\n')
		(*p)++;
	return true;
}

/* The text of a small secret file (or inline block) into text[len]. */
static int read_secret_text(const struct option_file *f, const char *what,
			    char *text, size_t len)
{
	FILE *fp;
	size_t n;

	if (f->is_inline) {
		snprintf(text, len, "%s", f->name);
		return 0;
	}
	fp = fopen(f->name, "r");
	if (!fp) {
		int ret = -errno;

		msg(M_ERR | M_ERRNO, "--%s: cannot open %s", what, f->name);
		return ret;
	}
	n = fread(text, 1, len - 1, fp);
	text[n] = '\0';
	fclose(fp);
	return 0;
}

int keymethod_read_credentials(const struct option_file *f, char *user, size_t ulen,
			       char *pass, size_t plen)
{
	char text[1024];
	const char *p = text;
	const char *name = f->is_inline ? "[[INLINE]]" : f->name;
	int ret;

	ret = read_secret_text(f, "auth-user-pass", text, sizeof(text));
	if (ret < 0)
		return ret;
	if (!take_line(&p, user, ulen) || !take_line(&p, pass, plen) || !user[0]) {
		msg(M_ERR, "--auth-user-pass %s: needs the username on the first line and the password on the second (at most %zu bytes each)",
		    name, ulen - 1);
		ret = -EINVAL;
	}
	explicit_bzero(text, sizeof(text));
	return ret;
}

int keymethod_read_password(const struct option_file *f, char *pass, size_t plen)
{
	char text[1024];
	const char *p = text;
	int ret;

	ret = read_secret_text(f, "askpass", text, sizeof(text));
	if (ret < 0)
		return ret;
	if (!take_line(&p, pass, plen)) {
		msg(M_ERR, "--askpass %s: the password line is longer than %zu bytes",
		    f->is_inline ? "[[INLINE]]" : f->name, plen - 1);
		ret = -EINVAL;
	}
	explicit_bzero(text, sizeof(text));
	return ret;
}
