/*
 * Option parsing: the command line, config files (nested through --config)
 * and config text in memory all end up in apply_option(), which checks a
 * row of the option table (option_table.c) and calls its handler. After
 * parsing, options_finalize() fills in defaults that depend on other options
 * and checks combinations.
 */
#include "options.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat.h"
#include "config.h"
#include "log.h"
#include "script.h"

#define ERROR_MAX 1024

/* The last reported problem, for tests and for callers that show it again. */
static char last_error[ERROR_MAX];
static unsigned int error_count;

/* A --config file being read; the chain finds include loops. */
struct option_frame {
	const char *path;
	dev_t dev;
	ino_t ino;
	const struct option_frame *parent;
};

/* ---- reporting ----------------------------------------------------------- */

const char *options_last_error(void)
{
	return last_error;
}

unsigned int options_error_count(void)
{
	return error_count;
}

static void report_text(int level, const char *text)
{
	snprintf(last_error, sizeof(last_error), "%s", text);
	error_count++;
	msg(level, "%s", text);
}

/* Format "PREFIX" + fmt into one line, log it and keep it. */
__attribute__((format(printf, 3, 0)))
static void vreport(int level, const char *prefix, const char *fmt, va_list ap)
{
	char text[ERROR_MAX];
	int n = snprintf(text, sizeof(text), "%s", prefix);

	if (n >= 0 && (size_t)n < sizeof(text))
		vsnprintf(text + n, sizeof(text) - (size_t)n, fmt, ap);
	report_text(level, text);
}

/* A bad pushed option is skipped and the connection goes on, so it is a
 * warning; 2.6 also shows these at verb 1. */
static int call_level(const struct option_call *c)
{
	return c->context == OPT_CTX_PUSH ? M_WARN : M_ERR;
}

/* A problem not tied to one line: finalize checks, top-level files. */
__attribute__((format(printf, 1, 2)))
static int report(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(M_ERR, "options: ", fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int options_report(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(M_ERR, "options: ", fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void location(const struct option_call *c, char *buf, size_t len)
{
	if (c->file)
		snprintf(buf, len, "%s:%d: ", c->file, c->line);
	else
		snprintf(buf, len, "command line: ");
}

int options_error_at(const struct option_call *c, const char *fmt, ...)
{
	char prefix[512];
	va_list ap;

	location(c, prefix, sizeof(prefix));
	va_start(ap, fmt);
	vreport(call_level(c), prefix, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int options_error(const struct option_call *c, const char *fmt, ...)
{
	char prefix[512];
	size_t n;
	va_list ap;

	location(c, prefix, sizeof(prefix));
	n = strlen(prefix);
	snprintf(prefix + n, sizeof(prefix) - n, "option '%s': ", c->argv[0]);
	va_start(ap, fmt);
	vreport(call_level(c), prefix, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void options_note(const struct option_call *c, const char *fmt, ...)
{
	char prefix[512], text[512];
	va_list ap;

	location(c, prefix, sizeof(prefix));
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	msg(M_INFO, "%snote: %s", prefix, text);
}

/* ---- address syntax ------------------------------------------------------ */

bool options_is_ipv4(const char *s)
{
	struct in_addr a;

	return inet_pton(AF_INET, s, &a) == 1;
}

bool options_is_netmask(const char *s)
{
	struct in_addr a;
	uint32_t inv;

	if (inet_pton(AF_INET, s, &a) != 1)
		return false;
	/* Contiguous ones from the top: the inverse is 2^k - 1. */
	inv = ~ntohl(a.s_addr);
	return (inv & (inv + 1)) == 0;
}

bool options_is_ipv6_prefix(const char *s, bool need_bits)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	struct in6_addr a;
	char *end;
	long bits;

	if (!slash && need_bits)
		return false;
	if (len == 0 || len >= sizeof(addr))
		return false;
	memcpy(addr, s, len);
	addr[len] = '\0';
	if (inet_pton(AF_INET6, addr, &a) != 1)
		return false;
	if (!slash)
		return true;
	if (slash[1] < '0' || slash[1] > '9')
		return false;
	bits = strtol(slash + 1, &end, 10);
	return *end == '\0' && bits >= 0 && bits <= 128;
}

/* ---- protocols ----------------------------------------------------------- */

int proto_family(enum proto p)
{
	switch (p) {
	case PROTO_UDP4:
	case PROTO_TCP4_SERVER:
	case PROTO_TCP4_CLIENT:
		return AF_INET;
	case PROTO_UDP6:
	case PROTO_TCP6_SERVER:
	case PROTO_TCP6_CLIENT:
		return AF_INET6;
	default:
		return AF_UNSPEC;
	}
}

const char *proto_name(enum proto p)
{
	static const char *const names[] = {
		[PROTO_UDP] = "udp",
		[PROTO_UDP4] = "udp4",
		[PROTO_UDP6] = "udp6",
		[PROTO_TCP_SERVER] = "tcp-server",
		[PROTO_TCP4_SERVER] = "tcp4-server",
		[PROTO_TCP6_SERVER] = "tcp6-server",
		[PROTO_TCP_CLIENT] = "tcp-client",
		[PROTO_TCP4_CLIENT] = "tcp4-client",
		[PROTO_TCP6_CLIENT] = "tcp6-client",
	};

	if ((unsigned int)p < ARRAY_SIZE(names) && names[p])
		return names[p];
	return "unknown";
}

/* ---- init / free --------------------------------------------------------- */

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		fatal("out of memory");
	return p;
}

void options_init(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->verb = 1;
	o->mgmt_log_cache = 250;
	o->proto = PROTO_UDP;
	o->lport = xstrdup("1194");
	o->rport = xstrdup("1194");
	o->bind_local = true;
	o->resolv_retry = -1;
	o->connect_retry = 1;
	o->connect_retry_max_interval = 300;
	o->connect_timeout = 120;
	o->tun_mtu = 1500;
	o->mssfix = -1;
	o->topology = TOP_NET30;
	o->route_metric = 0;
	o->script_security = 1;
	o->cipher = xstrdup("BF-CBC");
	o->auth = xstrdup("SHA1");
	o->data_ciphers = xstrdup("AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305");
	o->replay_window = 64;
	o->replay_time = 15;
	o->reneg_bytes = -1;
	o->tls_auth_dir = -1;
	o->key_direction = -1;
	o->tls_version_min = TLS_VER_1_2;
	o->tls_timeout = 2;
	o->hand_window = 60;
	o->tran_window = 3600;
	o->reneg_sec = 3600;
	o->reneg_sec_min = -1;
	o->max_packet_size = 1250;
	o->push_peer_id = -1;
}

/*
 * Every heap string and file of struct options, for options_free() and
 * options_copy(): a field added to struct options that owns memory must be
 * listed here (or in the lists below), or a copy would share it.
 */
#define STR(f) offsetof(struct options, f)
static const size_t string_fields[] = {
	STR(config_file), STR(log_file), STR(syslog_ident), STR(local),
	STR(lport), STR(rport), STR(dev), STR(dev_type), STR(dev_node),
	STR(ifconfig_local), STR(ifconfig_remote), STR(ifconfig_ipv6_local),
	STR(ifconfig_ipv6_remote), STR(route_gateway), STR(cipher), STR(auth),
	STR(data_ciphers), STR(data_ciphers_fallback), STR(secret),
	STR(capath), STR(tls_cipher), STR(tls_ciphersuites), STR(tls_groups),
	STR(verify_x509_name), STR(remote_cert_eku), STR(ecdh_curve), STR(genkey_file),
	STR(genkey_metadata), STR(tls_crypt_v2_verify),
	STR(pool_persist_file), STR(client_config_dir), STR(status_file),
	STR(mgmt_addr), STR(mgmt_port), STR(mgmt_pw_file), STR(mgmt_client_user),
	STR(mgmt_client_group),
	STR(daemon_name), STR(writepid), STR(user), STR(group),
	STR(cd), STR(chroot_dir), STR(up), STR(down), STR(auth_token),
	STR(route_up), STR(route_pre_down), STR(ipchange), STR(tmp_dir),
	STR(tls_verify), STR(learn_address), STR(client_connect),
	STR(client_disconnect), STR(auth_user_pass_verify),
};
static const size_t file_fields[] = {
	STR(ca), STR(cert), STR(key), STR(dh), STR(extra_certs), STR(pkcs12), STR(tls_auth),
	STR(tls_crypt), STR(tls_crypt_v2), STR(crl_verify), STR(auth_user_pass),
	STR(askpass),
};
#undef STR

static char **string_field(struct options *o, size_t off)
{
	return (char **)((char *)o + off);
}

static const char *string_field_value(const struct options *o, size_t off)
{
	return *(char *const *)((const char *)o + off);
}

static struct option_file *file_field(struct options *o, size_t off)
{
	return (struct option_file *)((char *)o + off);
}

static const char *file_field_name(const struct options *o, size_t off)
{
	return ((const struct option_file *)((const char *)o + off))->name;
}

/* Secrets (inline keys, the auth token) must not linger in freed heap. */
static void free_secret(char *s)
{
	if (s)
		explicit_bzero(s, strlen(s));
	free(s);
}

static void option_words_free(struct option_words *w)
{
	int i;

	for (i = 0; i < w->argc; i++)
		free(w->argv[i]);
	free(w->argv);
	w->argv = NULL;
	w->argc = 0;
}

static void words_list_free(struct option_words **list, int *n)
{
	int i;

	for (i = 0; i < *n; i++)
		option_words_free(&(*list)[i]);
	free(*list);
	*list = NULL;
	*n = 0;
}

static void free_lists(struct options *o)
{
	int i;

	for (i = 0; i < o->n_remotes; i++) {
		free(o->remotes[i].host);
		free(o->remotes[i].port);
		if (o->remotes[i].conn) {
			options_free(o->remotes[i].conn);
			free(o->remotes[i].conn);
		}
	}
	for (i = 0; i < o->n_routes; i++) {
		free(o->routes[i].network);
		free(o->routes[i].netmask);
		free(o->routes[i].gateway);
	}
	for (i = 0; i < o->n_routes_ipv6; i++) {
		free(o->routes_ipv6[i].network);
		free(o->routes_ipv6[i].gateway);
	}
	for (i = 0; i < o->n_pull_filters; i++)
		free(o->pull_filters[i].text);
	free(o->pull_filters);
	words_list_free(&o->ignore_unknown, &o->n_ignore_unknown);
	words_list_free(&o->dhcp_options, &o->n_dhcp_options);
	words_list_free(&o->dns, &o->n_dns);
	words_list_free(&o->setenv_list, &o->n_setenv);
	words_list_free(&o->push, &o->n_push);
	words_list_free(&o->push_remove, &o->n_push_remove);
	words_list_free(&o->iroutes, &o->n_iroutes);
	words_list_free(&o->iroutes_ipv6, &o->n_iroutes_ipv6);
}

void options_free(struct options *o)
{
	struct option_file *f;
	size_t i;

	free_lists(o);
	if (o->auth_token)
		explicit_bzero(o->auth_token, strlen(o->auth_token));
	for (i = 0; i < ARRAY_SIZE(string_fields); i++)
		free(*string_field(o, string_fields[i]));
	for (i = 0; i < ARRAY_SIZE(file_fields); i++) {
		f = file_field(o, file_fields[i]);
		if (f->is_inline)
			free_secret(f->name);
		else
			free(f->name);
	}
	memset(o, 0, sizeof(*o));
}

/* ---- deep copy ----------------------------------------------------------- */

/* NULL stays NULL; a failed copy is reported through *ok. */
static char *dup_or_null(const char *s, bool *ok)
{
	char *p;

	if (!s)
		return NULL;
	p = strdup(s);
	if (!p)
		*ok = false;
	return p;
}

static int option_words_copy(struct option_words *dst, const struct option_words *src)
{
	bool ok = true;
	int i;

	*dst = (struct option_words) { .pushed = src->pushed };
	dst->argv = calloc((size_t)src->argc + 1, sizeof(*dst->argv));
	if (!dst->argv)
		return -ENOMEM;
	for (i = 0; i < src->argc && ok; i++) {
		dst->argv[i] = dup_or_null(src->argv[i], &ok);
		dst->argc = i + 1;
	}
	if (ok)
		return 0;
	option_words_free(dst);
	return -ENOMEM;
}

static int words_list_copy(struct option_words **dst, int *dst_n,
			   const struct option_words *src, int src_n)
{
	int i;

	*dst = NULL;
	*dst_n = 0;
	if (src_n == 0)
		return 0;
	*dst = calloc((size_t)src_n, sizeof(**dst));
	if (!*dst)
		return -ENOMEM;
	for (i = 0; i < src_n; i++) {
		if (option_words_copy(&(*dst)[i], &src[i]) < 0)
			return -ENOMEM;
		(*dst_n)++;
	}
	return 0;
}

static int pull_filters_copy(struct options *dst, const struct options *src)
{
	bool ok = true;
	int i;

	if (src->n_pull_filters == 0)
		return 0;
	dst->pull_filters = calloc((size_t)src->n_pull_filters,
				   sizeof(*dst->pull_filters));
	if (!dst->pull_filters)
		return -ENOMEM;
	for (i = 0; i < src->n_pull_filters && ok; i++) {
		dst->pull_filters[i].action = src->pull_filters[i].action;
		dst->pull_filters[i].text = dup_or_null(src->pull_filters[i].text, &ok);
		dst->n_pull_filters = i + 1;
	}
	return ok ? 0 : -ENOMEM;
}

/* A <connection> entry's settings holds no lists, so the copy is flat. */
static bool conn_copy(struct options **dst, const struct options *src)
{
	*dst = malloc(sizeof(**dst));
	if (!*dst)
		return false;
	if (options_copy(*dst, src) < 0) {
		free(*dst);
		*dst = NULL;
		return false;
	}
	return true;
}

/* The fixed arrays: dst's counts were zeroed, so a partial copy frees. */
static bool arrays_copy(struct options *dst, const struct options *src)
{
	bool ok = true;
	int i;

	for (i = 0; i < src->n_remotes && ok; i++) {
		dst->remotes[i].host = dup_or_null(src->remotes[i].host, &ok);
		dst->remotes[i].port = dup_or_null(src->remotes[i].port, &ok);
		dst->remotes[i].conn = NULL;
		dst->n_remotes = i + 1;
		if (ok && src->remotes[i].conn)
			ok = conn_copy(&dst->remotes[i].conn, src->remotes[i].conn);
	}
	for (i = 0; i < src->n_routes && ok; i++) {
		dst->routes[i].network = dup_or_null(src->routes[i].network, &ok);
		dst->routes[i].netmask = dup_or_null(src->routes[i].netmask, &ok);
		dst->routes[i].gateway = dup_or_null(src->routes[i].gateway, &ok);
		dst->n_routes = i + 1;
	}
	for (i = 0; i < src->n_routes_ipv6 && ok; i++) {
		dst->routes_ipv6[i].network = dup_or_null(src->routes_ipv6[i].network, &ok);
		dst->routes_ipv6[i].gateway = dup_or_null(src->routes_ipv6[i].gateway, &ok);
		dst->n_routes_ipv6 = i + 1;
	}
	return ok;
}

/* After the struct copy dst shares src's memory: forget all of it, so that
 * freeing dst half-way through a copy frees only what dst owns. */
static void forget_shared(struct options *dst)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(string_fields); i++)
		*string_field(dst, string_fields[i]) = NULL;
	for (i = 0; i < ARRAY_SIZE(file_fields); i++)
		file_field(dst, file_fields[i])->name = NULL;
	dst->n_remotes = dst->n_routes = dst->n_routes_ipv6 = 0;
	dst->pull_filters = NULL;
	dst->n_pull_filters = 0;
	dst->dhcp_options = dst->dns = NULL;
	dst->n_dhcp_options = dst->n_dns = 0;
	dst->setenv_list = NULL;
	dst->n_setenv = 0;
	dst->ignore_unknown = NULL;
	dst->n_ignore_unknown = 0;
	dst->push = dst->push_remove = dst->iroutes = dst->iroutes_ipv6 = NULL;
	dst->n_push = dst->n_push_remove = dst->n_iroutes = dst->n_iroutes_ipv6 = 0;
}

int options_copy(struct options *dst, const struct options *src)
{
	bool ok = true;
	size_t i;

	memcpy(dst, src, sizeof(*dst));
	forget_shared(dst);
	for (i = 0; i < ARRAY_SIZE(string_fields); i++)
		*string_field(dst, string_fields[i]) =
			dup_or_null(string_field_value(src, string_fields[i]), &ok);
	for (i = 0; i < ARRAY_SIZE(file_fields); i++)
		file_field(dst, file_fields[i])->name =
			dup_or_null(file_field_name(src, file_fields[i]), &ok);
	if (!ok || !arrays_copy(dst, src) || pull_filters_copy(dst, src) < 0 ||
	    words_list_copy(&dst->setenv_list, &dst->n_setenv, src->setenv_list,
			    src->n_setenv) < 0 ||
	    words_list_copy(&dst->ignore_unknown, &dst->n_ignore_unknown,
			    src->ignore_unknown, src->n_ignore_unknown) < 0 ||
	    words_list_copy(&dst->dhcp_options, &dst->n_dhcp_options,
			    src->dhcp_options, src->n_dhcp_options) < 0 ||
	    words_list_copy(&dst->dns, &dst->n_dns, src->dns, src->n_dns) < 0 ||
	    words_list_copy(&dst->push, &dst->n_push, src->push, src->n_push) < 0 ||
	    words_list_copy(&dst->push_remove, &dst->n_push_remove, src->push_remove,
			    src->n_push_remove) < 0 ||
	    words_list_copy(&dst->iroutes, &dst->n_iroutes, src->iroutes, src->n_iroutes) < 0 ||
	    words_list_copy(&dst->iroutes_ipv6, &dst->n_iroutes_ipv6, src->iroutes_ipv6,
			    src->n_iroutes_ipv6) < 0) {
		options_free(dst);
		return -ENOMEM;
	}
	return 0;
}

/* ---- cipher and digest names ---------------------------------------------- */

/*
 * The figures are the ones 2.6 puts into the OCC options string (keysize,
 * and the link-mtu it derives from IV and block size). BF-CBC stays known
 * because it is the --cipher default 2.6 still advertises there, although
 * OpenSSL 3 no longer offers it for data.
 */
static const struct option_cipher ciphers[] = {
	{ "AES-128-GCM", 128, 12, 16, true, true },
	{ "AES-192-GCM", 192, 12, 16, true, true },
	{ "AES-256-GCM", 256, 12, 16, true, true },
	{ "CHACHA20-POLY1305", 256, 12, 1, true, true },
	{ "AES-128-CBC", 128, 16, 16, false, true },
	{ "AES-192-CBC", 192, 16, 16, false, true },
	{ "AES-256-CBC", 256, 16, 16, false, true },
	{ "BF-CBC", 128, 8, 8, false, false },
};

const struct option_cipher *options_cipher_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ciphers); i++)
		if (strcasecmp(name, ciphers[i].name) == 0)
			return &ciphers[i];
	return NULL;
}

const char *options_digest_find(const char *name, int *size)
{
	static const struct { const char *name; int size; } digests[] = {
		{ "SHA1", 20 }, { "SHA224", 28 }, { "SHA256", 32 },
		{ "SHA384", 48 }, { "SHA512", 64 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(digests); i++) {
		if (strcasecmp(name, digests[i].name) == 0) {
			if (size)
				*size = digests[i].size;
			return digests[i].name;
		}
	}
	return NULL;
}

/* ---- one option ---------------------------------------------------------- */

/*
 * Edit distance counting a swap of two neighbours as one edit (optimal
 * string alignment), since swapped letters are the most common typo.
 */
static size_t edit_distance(const char *a, const char *b)
{
	unsigned char d[65][65];
	size_t la = strlen(a), lb = strlen(b), i, j, best;

	if (la > 64 || lb > 64)
		return (size_t)-1;
	for (i = 0; i <= la; i++)
		d[i][0] = (unsigned char)i;
	for (j = 0; j <= lb; j++)
		d[0][j] = (unsigned char)j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1u < best)
				best = d[i - 1][j] + 1u;
			if (d[i][j - 1] + 1u < best)
				best = d[i][j - 1] + 1u;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1u < best)
				best = d[i - 2][j - 2] + 1u;
			d[i][j] = (unsigned char)best;
		}
	}
	return d[la][lb];
}

/* The closest known name, if it is close enough to be a likely typo. */
static const char *suggest(const char *name)
{
	size_t len = strlen(name), limit, best_d = (size_t)-1, d, i;
	const struct option_def *row, *best = NULL;

	/* Short words are near everything; only allow one edit for them. */
	limit = len < 4 ? 1 : 2;
	if (len / 3 > limit)
		limit = len / 3;
	for (i = 0; (row = option_table_row(i)) != NULL; i++) {
		d = edit_distance(name, row->name);
		if (d < best_d) {
			best_d = d;
			best = row;
		}
	}
	return best && best_d <= limit ? best->name : NULL;
}

static int report_unknown(const struct option_call *c)
{
	const char *dash = c->file ? "" : "--";
	const char *s = suggest(c->argv[0]);

	if (s)
		return options_error_at(c, "unknown option '%s%s' (did you mean '%s%s'?)",
					dash, c->argv[0], dash, s);
	return options_error_at(c, "unknown option '%s%s'", dash, c->argv[0]);
}

static int report_context(const struct option_call *c, const struct option_def *d)
{
	if (c->context == OPT_CTX_CCD)
		return options_error(c, "not allowed in a client-config-dir file");
	if (c->context == OPT_CTX_PUSH)
		return options_error(c, "a server may not push this option");
	if (d->contexts & OPT_CTX_CCD)
		return options_error(c, "only allowed in a client-config-dir file");
	return options_error(c, "only a server can send this option (in its push reply)");
}

static int report_count(const struct option_call *c, const struct option_def *d,
			int got)
{
	const char *n = c->argv[0];
	int want = got < d->min_args ? d->min_args : d->max_args;
	const char *s = want == 1 ? "" : "s";

	if (d->max_args == 0)
		return options_error_at(c, "option '%s' takes no arguments (got %d)",
					n, got);
	if (d->min_args == d->max_args)
		return options_error_at(c, "option '%s' needs %d argument%s (got %d)",
					n, want, s, got);
	if (got < d->min_args)
		return options_error_at(c, "option '%s' needs at least %d argument%s (got %d)",
					n, want, s, got);
	return options_error_at(c, "option '%s' takes at most %d argument%s (got %d)",
				n, want, s, got);
}

bool options_ignore_listed(const struct options *o, const char *name)
{
	int i, j;

	for (i = 0; i < o->n_ignore_unknown; i++)
		for (j = 0; j < o->ignore_unknown[i].argc; j++)
			if (strcmp(o->ignore_unknown[i].argv[j], name) == 0)
				return true;
	return false;
}

int options_skip_optional(const struct option_call *c, const struct option_def *d,
			  const char *why)
{
	const char *what = !d ? "unknown" : option_def_status(d) ? option_def_status(d)
			   : "given with wrong arguments";
	char where[512];

	location(c, where, sizeof(where));
	msg(M_WARN, "%sWARNING: option '%s' ignored (%s; %s)", where, c->argv[0], what, why);
	return OPT_IGNORED;
}

/*
 * 2.6 lets a listed option fail softly when it does not know the option or
 * its arguments do not fit. Options we know but do not honour are in the
 * same boat for a config written for 2.6, so they are skipped too.
 */
static bool ignorable(const struct options *o, const struct option_call *c,
		      const struct option_def *d, int nargs)
{
	if (!options_ignore_listed(o, c->argv[0]))
		return false;
	return !d || !option_def_supported(d) || nargs < d->min_args ||
	       nargs > d->max_args;
}

static int apply_option(struct options *o, struct option_call *c)
{
	const struct option_def *d;
	int nargs = c->argc - 1;

	/* Config files may spell options the command-line way, as 2.6 allows. */
	if (c->file && strncmp(c->argv[0], "--", 2) == 0)
		c->argv[0] += 2;
	d = option_table_lookup(c->argv[0]);
	if (ignorable(o, c, d, nargs))
		return options_skip_optional(c, d, "--ignore-unknown-option");
	if (!d)
		return report_unknown(c);
	if (!(d->contexts & c->context))
		return report_context(c, d);
	if (c->is_inline && !(d->flags & OPT_F_INLINE))
		return options_error(c, "cannot be given as an inline <%s> block",
				     c->argv[0]);
	if (nargs < d->min_args || nargs > d->max_args)
		return report_count(c, d, nargs);
	return d->handler(o, c);
}

/* ---- config text and files ----------------------------------------------- */

/* Checks each line of an inline block before it is applied (NULL: none). */
typedef int (*line_check)(const struct option_call *c);

static int parse_text_at(struct options *o, const char *text, size_t len,
			 const char *name, unsigned int context, int depth,
			 const struct option_frame *frame, int first_line, line_check check)
{
	struct config_reader *r;
	struct config_line line;
	struct option_call c;
	int ret;

	/* The reader carries a line buffer: keep it off the stack, since
	 * nested --config files stack one reader per level. */
	r = malloc(sizeof(*r));
	if (!r)
		return report("out of memory reading %s", name);
	config_reader_init(r, text, len, name);
	r->lineno = first_line - 1;
	for (;;) {
		ret = config_next(r, &line);
		if (ret <= 0)
			break;
		c = (struct option_call) {
			.file = name, .line = line.lineno, .context = context,
			.depth = depth, .frame = frame, .argc = line.argc,
			.argv = line.argv, .is_inline = line.is_inline,
		};
		/* apply_option() and check() report their own errors. */
		ret = check ? check(&c) : 0;
		if (ret == 0)
			ret = apply_option(o, &c);
		if (ret < 0)
			goto out;
	}
	if (ret == -ENOMEM)
		report("%s: out of memory", name);
	else if (ret < 0)
		report_text(M_ERR, config_error(r));
out:
	config_reader_free(r);
	free(r);
	return ret < 0 ? ret : 0;
}

static int parse_text(struct options *o, const char *text, size_t len,
		      const char *name, unsigned int context, int depth,
		      const struct option_frame *frame)
{
	return parse_text_at(o, text, len, name, context, depth, frame, 1, NULL);
}

int options_parse_block(struct options *o, const struct option_call *c,
			int (*check)(const struct option_call *line))
{
	const char *text = c->argv[1];

	return parse_text_at(o, text, strlen(text), c->file ? c->file : "command line",
			     c->context, c->depth, c->frame, c->line + 1, check);
}

int options_parse_string(struct options *o, const char *text, size_t len,
			 const char *name, unsigned int context)
{
	return parse_text(o, text, len, name ? name : "(string)", context, 0, NULL);
}

/* One reader entry is the whole option: a line break would let a server
 * slip a second option past the filters, so it is refused outright. */
int options_parse_pushed(struct options *o, const char *line, int index)
{
	struct config_reader *r;
	struct config_line l;
	struct option_call c;
	int ret;

	c = (struct option_call) {
		.file = OPTIONS_PUSH_NAME, .line = index, .context = OPT_CTX_PUSH,
	};
	if (strpbrk(line, "\r\n"))
		return options_error_at(&c, "a pushed option may not contain a line break");
	r = malloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	config_reader_init(r, line, strlen(line), OPTIONS_PUSH_NAME);
	/* Number the reader's lines from `index`, so that its syntax errors
	 * name the option the same way the handlers do. */
	r->lineno = index - 1;
	ret = config_next(r, &l);
	if (ret == 1) {
		c.argc = l.argc;
		c.argv = l.argv;
		c.is_inline = l.is_inline;
		ret = apply_option(o, &c);
	} else if (ret == 0) {
		ret = OPT_IGNORED;	/* blank or a comment */
	} else if (ret == -EINVAL) {
		report_text(M_WARN, config_error(r));
	}
	config_reader_free(r);
	free(r);
	return ret;
}

static void describe_loop(const struct option_frame *f, const char *path,
			  char *buf, size_t len)
{
	const struct option_frame *chain[OPT_MAX_DEPTH + 1];
	size_t n = 0, used = 0;

	for (; f && n < ARRAY_SIZE(chain); f = f->parent)
		chain[n++] = f;
	buf[0] = '\0';
	while (n-- > 0 && used < len)
		used += (size_t)snprintf(buf + used, len - used, "%s -> ", chain[n]->path);
	if (used < len)
		snprintf(buf + used, len - used, "%s", path);
}

/* Problems with the file itself are reported where it was named. */
__attribute__((format(printf, 2, 3)))
static int file_error(const struct option_call *from, const char *fmt, ...)
{
	char prefix[512] = "options: ";
	size_t n;
	va_list ap;

	if (from) {
		location(from, prefix, sizeof(prefix));
		n = strlen(prefix);
		snprintf(prefix + n, sizeof(prefix) - n, "option 'config': ");
	}
	va_start(ap, fmt);
	vreport(M_ERR, prefix, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int parse_file_at(struct options *o, const char *path, int depth,
			 const struct option_frame *parent,
			 const struct option_call *from)
{
	struct option_frame frame = { .path = path, .parent = parent };
	const struct option_frame *f;
	struct stat st;
	char loop[512];
	char *text = NULL;
	size_t len;
	int ret;

	if (depth >= OPT_MAX_DEPTH)
		return file_error(from, "'%s': config files nested more than %d deep",
				  path, OPT_MAX_DEPTH);
	if (stat(path, &st) < 0)
		return file_error(from, "cannot read '%s': %s", path, strerror(errno));
	for (f = parent; f; f = f->parent) {
		if (f->dev == st.st_dev && f->ino == st.st_ino) {
			describe_loop(parent, path, loop, sizeof(loop));
			return file_error(from, "'%s' includes itself (%s)", path, loop);
		}
	}
	frame.dev = st.st_dev;
	frame.ino = st.st_ino;
	ret = config_read_file(path, &text, &len);
	if (ret == -EFBIG)
		return file_error(from, "'%s' is larger than %d bytes", path,
				  CONFIG_MAX_FILE);
	if (ret < 0)
		return file_error(from, "cannot read '%s': %s", path, strerror(-ret));
	ret = parse_text(o, text, len, path, OPT_CTX_CMDLINE, depth, &frame);
	free(text);
	return ret;
}

int options_parse_file(struct options *o, const char *path, int depth)
{
	return parse_file_at(o, path, depth, NULL, NULL);
}

int options_include(struct options *o, const char *path,
		    const struct option_call *from)
{
	char buf[4096];
	int depth = from->file ? from->depth + 1 : 0;

	/* 2.6 changes directory at --cd while parsing, so files named after
	 * it are relative to that directory. Parsing has no side effects
	 * here: we resolve the name the same way, and the daemon must
	 * chdir(o->cd) before it opens any other relative path. */
	if (path[0] != '/' && o->cd) {
		if ((size_t)snprintf(buf, sizeof(buf), "%s/%s", o->cd, path) >= sizeof(buf))
			return options_error(from, "path too long");
		path = buf;
	}
	if (!o->config_file) {
		o->config_file = strdup(path);
		if (!o->config_file)
			return options_error(from, "out of memory");
	}
	return parse_file_at(o, path, depth, from->frame, from);
}

/* ---- command line -------------------------------------------------------- */

static bool is_dashed(const char *s)
{
	return strncmp(s, "--", 2) == 0;
}

/* `openvpn FILE` is short for `openvpn --config FILE`. */
static int parse_lone_file(struct options *o, char *file)
{
	char name[] = "config";
	char *argv[] = { name, file, NULL };
	struct option_call c = {
		.context = OPT_CTX_CMDLINE, .argc = 2, .argv = argv,
	};

	return options_include(o, file, &c);
}

int options_parse_argv(struct options *o, int argc, char **argv)
{
	char *args[CONFIG_MAX_TOKENS + 1];
	struct option_call c = { .context = OPT_CTX_CMDLINE };
	int i, j, ret;

	if (argc == 2 && !is_dashed(argv[1]))
		return parse_lone_file(o, argv[1]);
	for (i = 1; i < argc; i = j) {
		if (!is_dashed(argv[i]))
			return options_error_at(&c, "'%s' is not an option (options start with '--'; a config file alone may be given without --config)",
						argv[i]);
		/* An option's arguments run up to the next "--word". */
		for (j = i + 1; j < argc && !is_dashed(argv[j]); j++)
			;
		if (j - i > CONFIG_MAX_TOKENS)
			return options_error_at(&c, "option '%s' has more than %d arguments",
						argv[i], CONFIG_MAX_TOKENS - 1);
		memcpy(args, &argv[i], (size_t)(j - i) * sizeof(args[0]));
		args[0] = argv[i] + 2;
		args[j - i] = NULL;
		c = (struct option_call) {
			.line = i, .context = OPT_CTX_CMDLINE,
			.argc = j - i, .argv = args,
		};
		ret = apply_option(o, &c);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* ---- finalize ------------------------------------------------------------ */

/* Server and client variants of a TCP proto are three enum values apart. */
static enum proto tcp_as_server(enum proto p)
{
	return proto_is_tcp_server(p) ? p : (enum proto)(p - 3);
}

/* "tcp" picks its role from the mode: 2.6 refuses to guess in p2p mode. */
static int resolve_tcp_role(struct options *o, enum proto *p, bool *unset,
			    const char *what)
{
	if (!*unset)
		return 0;
	if (o->mode_server) {
		*p = tcp_as_server(*p);
	} else if (!o->client && !o->pull) {
		report("%s: 'tcp' is ambiguous in point-to-point mode; use tcp-server on the side that listens and tcp-client on the side that connects",
		       what);
		return 1;
	}
	*unset = false;
	return 0;
}

static int finalize_transport(struct options *o)
{
	int bad = 0, i;

	bad += resolve_tcp_role(o, &o->proto, &o->proto_tcp_role_unset, "--proto");
	for (i = 0; i < o->n_remotes; i++)
		bad += resolve_tcp_role(o, &o->remotes[i].proto,
					&o->remotes[i].tcp_role_unset, "--remote");
	if (bad)
		return bad;
	if (proto_is_tcp_server(o->proto) && !o->bind_local) {
		report("--nobind cannot be used with --proto %s: a TCP server must listen on --lport",
		       proto_name(o->proto));
		bad++;
	}
	if (!o->bind_local && o->n_remotes == 0 && !o->mode_server &&
	    !proto_is_tcp_server(o->proto)) {
		report("--nobind needs --remote: without it there is no peer to talk to");
		bad++;
	}
	if (proto_is_tcp(o->proto) && !proto_is_tcp_server(o->proto) &&
	    o->n_remotes == 0) {
		report("--proto %s needs --remote to connect to", proto_name(o->proto));
		bad++;
	}
	/* A TCP client connects from any port unless asked to bind, as 2.6. */
	if (proto_is_tcp(o->proto) && !proto_is_tcp_server(o->proto) && !o->bind_set)
		o->bind_local = false;
	return bad;
}

/* 2.6 wants --dev-type for a name like "vpn0"; with tap refused while
 * parsing, any other name can only be a tun device, so none is needed. */
static int finalize_dev(struct options *o)
{
	int bad = 0;

	if (!o->dev) {
		report("--dev is required (for example --dev tun)");
		bad++;
	}
	if (o->tun_mtu < 68 || o->tun_mtu > 9000) {
		report("--tun-mtu %d is out of range (68..9000: IPv4 needs 68, our packet buffers hold 9000)",
		       o->tun_mtu);
		bad++;
	}
	return bad;
}

static int finalize_ifconfig(const struct options *o)
{
	const char *l = o->ifconfig_local, *r = o->ifconfig_remote;
	int bad = 0;

	if (l && !options_is_ipv4(l)) {
		report("--ifconfig: '%s' is not an IPv4 address", l);
		bad++;
	}
	if (r && o->topology == TOP_SUBNET && !options_is_netmask(r)) {
		report("--ifconfig: with --topology subnet the second argument is a netmask, not '%s'",
		       r);
		bad++;
	} else if (r && o->topology != TOP_SUBNET && !options_is_ipv4(r)) {
		report("--ifconfig: '%s' is not an IPv4 address", r);
		bad++;
	} else if (r && o->topology != TOP_SUBNET && options_is_netmask(r)) {
		report("--ifconfig: '%s' looks like a netmask; give the peer's address, or use --topology subnet",
		       r);
		bad++;
	} else if (l && r && strcmp(l, r) == 0) {
		report("--ifconfig: local and remote address are both %s", l);
		bad++;
	}
	if (o->ifconfig_ipv6_local &&
	    !options_is_ipv6_prefix(o->ifconfig_ipv6_local, true)) {
		report("--ifconfig-ipv6: '%s' is not an IPv6 address with prefix length",
		       o->ifconfig_ipv6_local);
		bad++;
	}
	if (o->ifconfig_ipv6_remote &&
	    (!options_is_ipv6_prefix(o->ifconfig_ipv6_remote, false) ||
	     strchr(o->ifconfig_ipv6_remote, '/'))) {
		report("--ifconfig-ipv6: '%s' is not an IPv6 address",
		       o->ifconfig_ipv6_remote);
		bad++;
	}
	return bad;
}

static int finalize_keepalive(struct options *o)
{
	int a = o->keepalive_ping, b = o->keepalive_timeout;
	/* A server gives its clients twice the time they give it, as 2.6. */
	int restart = o->mode_server ? 2 * b : b;

	if (!a && !b)
		return 0;
	if (a <= 0 || b <= 0) {
		report("--keepalive: both values must be greater than 0");
		return 1;
	}
	if (b < 2 * a) {
		report("--keepalive: the timeout (%d) must be at least twice the ping interval (%d)",
		       b, a);
		return 1;
	}
	/* Explicit values equal to the expansion are fine, so that running
	 * finalize twice does not trip over its own work. */
	if ((o->ping && o->ping != a) ||
	    (o->ping_restart && o->ping_restart != restart) || o->ping_exit) {
		report("--keepalive cannot be combined with --ping, --ping-restart or --ping-exit");
		return 1;
	}
	o->ping = a;
	o->ping_restart = restart;
	return 0;
}

static int finalize_liveness(struct options *o)
{
	return finalize_keepalive(o);
}

/* ---- finalize: TLS ------------------------------------------------------- */

/* Files are checked now, so that a typo fails at startup with the option's
 * name rather than at the first handshake. Relative names are resolved
 * against --cd, as the daemon changes there before it opens them. */
static int check_path(const struct options *o, const char *what,
		      const char *path, bool want_dir, bool private)
{
	char buf[4096];
	const char *p = path;
	struct stat st;

	if (path[0] != '/' && o->cd) {
		if ((size_t)snprintf(buf, sizeof(buf), "%s/%s", o->cd, path) >= sizeof(buf)) {
			report("%s '%s': path too long", what, path);
			return 1;
		}
		p = buf;
	}
	if (stat(p, &st) < 0 || access(p, R_OK) < 0) {
		report("%s '%s': %s", what, path, strerror(errno));
		return 1;
	}
	if (want_dir != !!S_ISDIR(st.st_mode)) {
		report("%s '%s' is %s", what, path,
		       want_dir ? "not a directory" : "a directory, not a file");
		return 1;
	}
	if (private && (st.st_mode & (S_IRWXG | S_IRWXO)))
		msg(M_WARN, "WARNING: file '%s' is group or others accessible", path);
	return 0;
}

static int check_file(const struct options *o, const char *what,
		      const struct option_file *f, bool private)
{
	if (!option_file_set(f) || f->is_inline)
		return 0;
	return check_path(o, what, f->name, false, private);
}

static int finalize_tls_files(struct options *o)
{
	int bad = 0;

	bad += check_file(o, "--ca", &o->ca, false);
	bad += check_file(o, "--cert", &o->cert, false);
	bad += check_file(o, "--key", &o->key, true);
	bad += check_file(o, "--extra-certs", &o->extra_certs, false);
	bad += check_file(o, "--pkcs12", &o->pkcs12, true);
	bad += check_file(o, "--tls-auth", &o->tls_auth, true);
	bad += check_file(o, "--tls-crypt", &o->tls_crypt, true);
	bad += check_file(o, "--tls-crypt-v2", &o->tls_crypt_v2, true);
	if (o->tls_server)
		bad += check_file(o, "--dh", &o->dh, false);
	if (o->capath)
		bad += check_path(o, "--capath", o->capath, true, false);
	/* Under --chroot the CRL is read inside the jail: the name means
	 * something else there, so only a later reload can tell. */
	if (option_file_set(&o->crl_verify) && !o->crl_verify.is_inline &&
	    !o->chroot_dir)
		bad += check_path(o, "--crl-verify", o->crl_verify.name,
				  o->crl_verify_dir, false);
	return bad;
}

static int finalize_tls_required(struct options *o)
{
	int bad = 0;

	if (o->tls_server && !option_file_set(&o->dh) && !o->dh_none) {
		report("--tls-server needs --dh: a DH parameter file, or 'none' to use ECDHE only");
		bad++;
	}
	if (option_file_set(&o->pkcs12)) {
		/* the file holds certificate, key and (without --ca) the CAs */
		if (option_file_set(&o->cert) || option_file_set(&o->key)) {
			report("--pkcs12 already holds the certificate and its key: drop --cert and --key");
			bad++;
		}
		return bad;
	}
	/* the peer's pinned fingerprint can replace the CA (self-signed peers) */
	if (!option_file_set(&o->ca) && !o->capath && o->fp_mode != CERT_FP_PEER) {
		report("TLS mode needs --ca (or --capath), or --peer-fingerprint, to verify the peer's certificate");
		bad++;
	}
	/* a client may log in with --auth-user-pass alone, if the server
	 * allows it (--verify-client-cert none/optional there) */
	if (o->tls_client && option_file_set(&o->auth_user_pass) && !option_file_set(&o->cert) &&
	    !option_file_set(&o->key))
		return bad;
	if (!option_file_set(&o->cert)) {
		report("TLS mode needs --cert, this side's certificate");
		bad++;
	}
	if (!option_file_set(&o->key)) {
		report("TLS mode needs --key, the private key of --cert");
		bad++;
	}
	if (o->tls_client && (option_file_set(&o->dh) || o->dh_none))
		msg(M_WARN, "WARNING: ignoring --dh: only the TLS server uses it");
	return bad;
}

static int finalize_tls_values(struct options *o)
{
	int bad = 0;

	if (option_file_set(&o->tls_auth) && option_file_set(&o->tls_crypt)) {
		report("--tls-auth and --tls-crypt cannot be used together: pick one");
		bad++;
	}
	if (option_file_set(&o->tls_crypt_v2) &&
	    (option_file_set(&o->tls_auth) || option_file_set(&o->tls_crypt))) {
		report("--tls-crypt-v2 together with --tls-auth or --tls-crypt (clients of "
		       "both kinds on one server) is not supported yet");
		bad++;
	}
	if (o->tls_crypt_v2_verify && !option_file_set(&o->tls_crypt_v2)) {
		report("--tls-crypt-v2-verify needs --tls-crypt-v2 with a server key");
		bad++;
	}
	/* A direction given to --tls-auth itself wins over --key-direction. */
	if (o->tls_auth_dir < 0)
		o->tls_auth_dir = o->key_direction;
	if (o->tls_version_max != TLS_VER_UNSET &&
	    o->tls_version_min > o->tls_version_max) {
		report("--tls-version-min %d.%d is higher than --tls-version-max %d.%d",
		       o->tls_version_min / 10, o->tls_version_min % 10,
		       o->tls_version_max / 10, o->tls_version_max % 10);
		bad++;
	}
	if (o->reneg_sec_min > o->reneg_sec) {
		report("--reneg-sec: the minimum (%d) is larger than the maximum (%d)",
		       o->reneg_sec_min, o->reneg_sec);
		bad++;
	}
	return bad;
}

/* --cipher only names the cipher for the OCC string and, in P2P mode, the
 * fallback when negotiation fails: then it must be usable for data. */
static int finalize_cipher(struct options *o)
{
	const struct option_cipher *ci = options_cipher_find(o->cipher);
	bool usable = strcmp(o->cipher, "none") == 0 || (ci && ci->data_channel);

	if (!o->cipher_set || usable)
		return 0;
	if (o->client || o->pull || o->mode_server) {
		msg(M_WARN, "DEPRECATED OPTION: --cipher %s is not in --data-ciphers (%s) and is ignored for negotiation",
		    o->cipher, o->data_ciphers);
		return 0;
	}
	report("--cipher %s: this cipher cannot carry data, but in point-to-point mode --cipher is also the fallback cipher; use --data-ciphers instead",
	       o->cipher);
	return 1;
}

/* Options that only mean something with TLS are refused without it, as 2.6
 * does, so that nobody believes they are in effect. */
static int finalize_no_tls(struct options *o)
{
	const struct { bool set; const char *name; } only[] = {
		{ option_file_set(&o->ca), "--ca" },
		{ o->capath != NULL, "--capath" },
		{ option_file_set(&o->cert), "--cert" },
		{ option_file_set(&o->key), "--key" },
		{ option_file_set(&o->extra_certs), "--extra-certs" },
		{ option_file_set(&o->pkcs12), "--pkcs12" },
		{ option_file_set(&o->tls_auth), "--tls-auth" },
		{ option_file_set(&o->tls_crypt), "--tls-crypt" },
		{ option_file_set(&o->tls_crypt_v2), "--tls-crypt-v2" },
		{ option_file_set(&o->crl_verify), "--crl-verify" },
		{ o->remote_cert_tls != REMOTE_CERT_NONE, "--remote-cert-tls" },
		{ o->verify_x509_name != NULL, "--verify-x509-name" },
		{ o->remote_cert_ku_set, "--remote-cert-ku" },
		{ o->remote_cert_eku != NULL, "--remote-cert-eku" },
		{ o->ecdh_curve != NULL, "--ecdh-curve" },
		{ o->fp_mode == CERT_FP_VERIFY_HASH, "--verify-hash" },
		{ o->fp_mode == CERT_FP_PEER, "--peer-fingerprint" },
		{ o->n_username_fields > 0, "--x509-username-field" },
		{ o->n_track > 0, "--x509-track" },
		{ o->tls_exit, "--tls-exit" },
		{ o->tls_timeout != 2, "--tls-timeout" },
		{ o->hand_window != 60, "--hand-window" },
		{ o->tran_window != 3600, "--tran-window" },
		{ o->reneg_sec != 3600 || o->reneg_sec_min >= 0, "--reneg-sec" },
	};
	size_t i;
	int bad = 0;

	for (i = 0; i < ARRAY_SIZE(only); i++) {
		if (!only[i].set)
			continue;
		report("%s only works in TLS mode (with --tls-server or --tls-client)",
		       only[i].name);
		bad++;
	}
	if (option_file_set(&o->dh) || o->dh_none)
		msg(M_WARN, "WARNING: ignoring --dh: only the TLS server uses it");
	return bad;
}

static int finalize_tls(struct options *o)
{
	int bad;

	/* One clear complaint; the role decides every other check. */
	if (o->tls_server && o->tls_client) {
		report("--tls-server and --tls-client cannot be used together");
		return 1;
	}
	if (!options_tls_mode(o))
		return finalize_no_tls(o);
	bad = finalize_tls_required(o);
	bad += finalize_tls_values(o);
	bad += finalize_cipher(o);
	bad += finalize_tls_files(o);
	return bad;
}

/* ---- finalize: client mode ---------------------------------------------- */

static int finalize_client_proto(const struct options *o)
{
	int i;

	/* 2.6 trips an assertion here; a client only ever connects. */
	if (proto_is_tcp_server(o->proto)) {
		report("--proto %s cannot be used with --client or --pull: a client connects to its server",
		       proto_name(o->proto));
		return 1;
	}
	for (i = 0; i < o->n_remotes; i++) {
		if (o->remotes[i].has_proto && proto_is_tcp_server(o->remotes[i].proto)) {
			report("--remote %s: %s cannot be used with --client or --pull: a client connects to its server",
			       o->remotes[i].host, proto_name(o->remotes[i].proto));
			return 1;
		}
	}
	return 0;
}

/* --client is 2.6's short form of --pull --tls-client. A pulling client
 * gets its addresses from the server, so no --ifconfig is needed. */
static int finalize_client(struct options *o)
{
	int bad = 0;

	if (o->client) {
		o->pull = true;
		o->tls_client = true;
	}
	if (!o->pull) {
		if (o->route_nopull || o->n_pull_filters)
			msg(M_WARN, "WARNING: --route-nopull and --pull-filter have no effect without --client or --pull");
		return 0;
	}
	if (o->mode_server) {
		report("--client and --pull cannot be used with --mode server");
		bad++;
	}
	if (!o->tls_client) {
		report("--pull works only in TLS client mode: add --tls-client, or use --client, which means both");
		bad++;
	}
	if (o->n_remotes == 0) {
		report("--client and --pull need --remote: the server to connect to");
		bad++;
	}
	bad += finalize_client_proto(o);
	if (o->ifconfig_local || o->ifconfig_ipv6_local)
		msg(M_WARN, "WARNING: using --pull/--client and --ifconfig together is probably not what you want");
	return bad;
}

static bool dns_server_is(const struct option_words *w, int id)
{
	return strcmp(w->argv[0], "server") == 0 && atoi(w->argv[1]) == id;
}

/* 2.6 refuses a --dns server without an address at startup. */
static int finalize_dns(const struct options *o)
{
	bool seen, addr;
	int i, j, id, bad = 0;

	for (i = 0; i < o->n_dns; i++) {
		if (strcmp(o->dns[i].argv[0], "server") != 0)
			continue;
		id = atoi(o->dns[i].argv[1]);
		seen = addr = false;
		for (j = 0; j < o->n_dns; j++) {
			if (!dns_server_is(&o->dns[j], id))
				continue;
			seen |= j < i;	/* reported at its first line */
			addr |= strcmp(o->dns[j].argv[2], "address") == 0;
		}
		if (!seen && !addr) {
			report("--dns server %d has no address", id);
			bad++;
		}
	}
	return bad;
}

/* ---- finalize: compression ---------------------------------------------- */

/*
 * 2.6's defaults: --allow-compression is "no" unless a compression option
 * is given, then "asym" (receive compressed, send uncompressed). Compressing
 * before encrypting leaks plaintext to an attacker who can inject traffic
 * (VORACLE), hence the warnings.
 */
static int finalize_comp(struct options *o)
{
	if (!o->allow_compression_set)
		o->allow_compression = o->comp != COMP_ALG_NONE ? COMP_ALLOW_ASYM : COMP_ALLOW_NO;
	if (comp_alg_compresses(o->comp) && o->allow_compression == COMP_ALLOW_NO) {
		report("--allow-compression no conflicts with --%s; use --compress stub-v2 for framing only",
		       comp_alg_name(o->comp));
		return 1;
	}
	if (o->allow_compression == COMP_ALLOW_YES)
		msg(M_WARN, "WARNING: Compression for sending and receiving enabled (--allow-compression yes). Compression before encryption lets an attacker who can inject traffic recover secrets (VORACLE); avoid it for traffic that mixes both.");
	if (o->comp == COMP_ALG_LZO)
		msg(M_WARN, "WARNING: --%s: this version has no LZO: packets are sent with LZO framing but uncompressed, and LZO-compressed packets from the peer are dropped",
		    comp_alg_name(o->comp));
	else if (comp_alg_compresses(o->comp) && o->allow_compression != COMP_ALLOW_YES)
		msg(M_WARN, "WARNING: Compression for receiving enabled (--%s). Compression has been used to break encryption; sent packets stay uncompressed unless --allow-compression yes is also set.",
		    comp_alg_name(o->comp));
	return 0;
}

/* ---- after a PUSH_REPLY -------------------------------------------------- */

int options_check_pushed(const struct options *o)
{
	int bad = 0;

	/* As 2.6: a server that compresses needs at least asym here, or
	 * nothing it sends compressed could be read. */
	if (comp_alg_compresses(o->comp) && o->allow_compression == COMP_ALLOW_NO) {
		report("the server pushed compression (%s), which --allow-compression no does not allow: the connection could not work",
		       comp_alg_name(o->comp));
		bad++;
	} else if (o->comp == COMP_ALG_LZO) {
		msg(M_WARN, "WARNING: the server pushed LZO compression, which this version cannot decompress: LZO-compressed packets from it will be dropped");
	}
	if (o->tun_mtu < 68 || o->tun_mtu > 9000) {
		report("the server pushed tun-mtu %d, outside 68..9000", o->tun_mtu);
		bad++;
	}
	bad += finalize_ifconfig(o);
	return bad ? -EINVAL : 0;
}

int options_finalize(struct options *o)
{
	int bad = 0;

	/* --help, --version and --genkey do not need a working configuration. */
	if (o->show_help || o->show_version || o->genkey)
		return 0;
	bad += options_finalize_server(o);
	bad += options_finalize_management(o);
	bad += finalize_client(o);
	bad += finalize_dns(o);
	bad += finalize_tls(o);
	bad += finalize_transport(o);
	bad += options_finalize_conn(o);
	bad += finalize_dev(o);
	bad += finalize_ifconfig(o);
	bad += finalize_liveness(o);
	bad += finalize_comp(o);
	bad += script_options_check(o) < 0;
	return bad ? -EINVAL : 0;
}

/* ---- --help -------------------------------------------------------------- */

void options_print_help(void)
{
	const struct option_def *d;
	const char *status;
	char left[128];
	size_t i;

	printf("Usage: openvpn [options]\n"
	       "       openvpn config-file\n\n"
	       "In a config file, write options without the leading '--'.\n"
	       "Options marked [...] are recognised but not accepted.\n\n");
	for (i = 0; (d = option_table_row(i)) != NULL; i++) {
		status = option_def_status(d);
		snprintf(left, sizeof(left), "--%s%s%s", d->name,
			 d->synopsis[0] ? " " : "", d->synopsis);
		if (status)
			printf("  %-44s [%s]\n", left, status);
		else
			printf("  %s\n", left);
	}
}

/* ---- option dump --------------------------------------------------------- */

#define LOG_INT(o, f) msg(D_OPTIONS, "  " #f " = %d", (o)->f)
#define LOG_BOOL(o, f) msg(D_OPTIONS, "  " #f " = %s", (o)->f ? "ENABLED" : "DISABLED")
#define LOG_STR(o, f) msg(D_OPTIONS, "  " #f " = %s", (o)->f ? (o)->f : "[UNDEF]")

static const char *topology_name(enum topology t)
{
	return t == TOP_SUBNET ? "subnet" : t == TOP_P2P ? "p2p" : "net30";
}

static void log_process(const struct options *o)
{
	LOG_STR(o, config_file);
	msg(D_OPTIONS, "  mode = %s", o->mode_server ? "server" : o->pull ? "client" : "p2p");
	LOG_INT(o, verb);
	LOG_INT(o, mute);
	LOG_STR(o, log_file);
	LOG_BOOL(o, log_append);
	LOG_STR(o, syslog_ident);
	LOG_BOOL(o, suppress_timestamps);
	LOG_BOOL(o, daemon);
	LOG_STR(o, daemon_name);
	LOG_STR(o, writepid);
	LOG_STR(o, user);
	LOG_STR(o, group);
	LOG_STR(o, cd);
	LOG_STR(o, chroot_dir);
	LOG_INT(o, script_security);
	LOG_INT(o, max_clients);
}

static const char *option_file_text(const struct option_file *f)
{
	if (!f->name)
		return "[UNDEF]";
	return f->is_inline ? "[[INLINE]]" : f->name;
}

#define LOG_FILE(o, f) msg(D_OPTIONS, "  " #f " = %s", option_file_text(&(o)->f))

static void log_data_channel(const struct options *o)
{
	LOG_STR(o, cipher);
	LOG_STR(o, auth);
	LOG_STR(o, data_ciphers);
	LOG_STR(o, data_ciphers_fallback);
	LOG_INT(o, replay_window);
	LOG_INT(o, replay_time);
	LOG_BOOL(o, mute_replay_warnings);
	msg(D_OPTIONS, "  reneg_bytes = %lld", (long long)o->reneg_bytes);
	msg(D_OPTIONS, "  reneg_pkts = %lld", (long long)o->reneg_pkts);
}

static void log_tls(const struct options *o)
{
	msg(D_OPTIONS, "  tls_role = %s", o->tls_server ? "server" :
	    o->tls_client ? "client" : "none");
	LOG_FILE(o, ca);
	LOG_STR(o, capath);
	LOG_FILE(o, cert);
	LOG_FILE(o, key);
	LOG_FILE(o, extra_certs);
	LOG_FILE(o, pkcs12);
	msg(D_OPTIONS, "  dh = %s", o->dh_none ? "none" : option_file_text(&o->dh));
	LOG_FILE(o, tls_auth);
	LOG_INT(o, tls_auth_dir);
	LOG_FILE(o, tls_crypt);
	LOG_FILE(o, tls_crypt_v2);
	LOG_BOOL(o, tls_crypt_v2_force_cookie);
	LOG_INT(o, tls_version_min);
	LOG_INT(o, tls_version_max);
	LOG_STR(o, tls_cipher);
	LOG_STR(o, tls_ciphersuites);
	LOG_STR(o, tls_groups);
	LOG_INT(o, tls_cert_profile);
	LOG_INT(o, remote_cert_tls);
	LOG_STR(o, verify_x509_name);
	LOG_INT(o, verify_x509_type);
	LOG_FILE(o, crl_verify);
	LOG_BOOL(o, crl_verify_dir);
	LOG_INT(o, tls_timeout);
	LOG_INT(o, hand_window);
	LOG_INT(o, tran_window);
	LOG_INT(o, reneg_sec);
	LOG_INT(o, reneg_sec_min);
	LOG_BOOL(o, tls_exit);
	LOG_BOOL(o, single_session);
	LOG_INT(o, max_packet_size);
}

static void log_transport(const struct options *o)
{
	int i;

	msg(D_OPTIONS, "  proto = %s", proto_name(o->proto));
	LOG_STR(o, local);
	LOG_STR(o, lport);
	LOG_STR(o, rport);
	LOG_BOOL(o, bind_local);
	LOG_BOOL(o, bind_ipv6_only);
	for (i = 0; i < o->n_remotes; i++)
		msg(D_OPTIONS, "  remote[%d] = %s %s %s", i, o->remotes[i].host,
		    o->remotes[i].port ? o->remotes[i].port : o->rport,
		    o->remotes[i].has_proto ? proto_name(o->remotes[i].proto)
					    : proto_name(o->proto));
	LOG_BOOL(o, remote_random);
	LOG_INT(o, resolv_retry);
	LOG_INT(o, connect_retry);
	LOG_INT(o, connect_retry_max_interval);
	LOG_INT(o, connect_retry_max);
	LOG_INT(o, connect_timeout);
	LOG_BOOL(o, float_peer);
	LOG_INT(o, sndbuf);
	LOG_INT(o, rcvbuf);
	LOG_INT(o, mark);
}

static void log_tun(const struct options *o)
{
	int i;

	LOG_STR(o, dev);
	LOG_STR(o, dev_type);
	LOG_STR(o, dev_node);
	LOG_INT(o, tun_mtu);
	LOG_INT(o, mssfix);
	msg(D_OPTIONS, "  mssfix_mode = %s", o->mssfix_mode == MSS_MODE_MTU ? "mtu" :
	    o->mssfix_mode == MSS_MODE_FIXED ? "fixed" : "link");
	LOG_INT(o, txqueuelen);
	msg(D_OPTIONS, "  topology = %s", topology_name(o->topology));
	LOG_STR(o, ifconfig_local);
	LOG_STR(o, ifconfig_remote);
	LOG_STR(o, ifconfig_ipv6_local);
	LOG_STR(o, ifconfig_ipv6_remote);
	LOG_BOOL(o, ifconfig_noexec);
	LOG_BOOL(o, persist_tun);
	LOG_BOOL(o, persist_key);
	for (i = 0; i < o->n_routes; i++)
		msg(D_OPTIONS, "  route[%d] = %s %s %s %d", i, o->routes[i].network,
		    o->routes[i].netmask ? o->routes[i].netmask : "255.255.255.255",
		    o->routes[i].gateway ? o->routes[i].gateway : "[default]",
		    o->routes[i].metric);
	for (i = 0; i < o->n_routes_ipv6; i++)
		msg(D_OPTIONS, "  route_ipv6[%d] = %s %s %d", i,
		    o->routes_ipv6[i].network,
		    o->routes_ipv6[i].gateway ? o->routes_ipv6[i].gateway : "[default]",
		    o->routes_ipv6[i].metric);
	LOG_INT(o, route_metric);
	LOG_STR(o, route_gateway);
	LOG_BOOL(o, route_noexec);
}

static void log_liveness(const struct options *o)
{
	LOG_INT(o, ping);
	LOG_INT(o, ping_restart);
	LOG_INT(o, ping_exit);
	LOG_BOOL(o, ping_timer_remote);
	LOG_INT(o, keepalive_ping);
	LOG_INT(o, keepalive_timeout);
	LOG_INT(o, inactive);
	msg(D_OPTIONS, "  inactive_bytes = %lld", (long long)o->inactive_bytes);
	LOG_INT(o, explicit_exit_notify);
}

static void log_words(const char *what, const struct option_words *list, int n)
{
	char line[512];
	size_t used;
	int i, k;

	for (i = 0; i < n; i++) {
		used = 0;
		line[0] = '\0';
		for (k = 0; k < list[i].argc && used < sizeof(line); k++)
			used += (size_t)snprintf(line + used, sizeof(line) - used, "%s%s",
						 k ? " " : "", list[i].argv[k]);
		msg(D_OPTIONS, "  %s[%d] = %s%s", what, i, line,
		    list[i].pushed ? " (pushed)" : "");
	}
}

static void log_client(const struct options *o)
{
	static const char *const actions[] = { "accept", "ignore", "reject" };
	int i;

	LOG_BOOL(o, client);
	LOG_BOOL(o, pull);
	LOG_BOOL(o, route_nopull);
	for (i = 0; i < o->n_pull_filters; i++)
		msg(D_OPTIONS, "  pull_filter[%d] = %s \"%s\"", i,
		    actions[o->pull_filters[i].action], o->pull_filters[i].text);
	msg(D_OPTIONS, "  redirect_gateway = 0x%x", o->redirect_gateway);
	log_words("dhcp_option", o->dhcp_options, o->n_dhcp_options);
	log_words("dns", o->dns, o->n_dns);
	msg(D_OPTIONS, "  comp = %s%s", comp_alg_name(o->comp), o->comp_migrate ? " (migrate)" : "");
	msg(D_OPTIONS, "  allow_compression = %s", comp_allow_name(o->allow_compression));
	LOG_BOOL(o, cipher_pushed);
	LOG_INT(o, push_peer_id);
	LOG_BOOL(o, key_derivation_ekm);
	LOG_BOOL(o, protocol_flags_cc_exit);
	LOG_BOOL(o, protocol_flags_tls_ekm);
	LOG_BOOL(o, protocol_flags_dyn_tls_crypt);
	msg(D_OPTIONS, "  auth_token = %s", o->auth_token ? "[redacted]" : "[UNDEF]");
}

void options_log(const struct options *o)
{
	if (!log_enabled(D_OPTIONS))
		return;
	msg(D_OPTIONS, "Current Parameter Settings:");
	log_process(o);
	log_data_channel(o);
	log_tls(o);
	log_transport(o);
	log_tun(o);
	log_liveness(o);
	log_client(o);
}
