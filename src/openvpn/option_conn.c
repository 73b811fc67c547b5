/*
 * <connection> blocks: each is one more entry of the --remote list, with
 * its own copy of the settings 2.6 allows per connection. The block is
 * parsed over a copy of the options as they stand at the block (so earlier
 * global settings are its defaults, as in 2.6); its per-connection fields
 * are kept with the entry and laid over the global options while the
 * entry is tried.
 */
#include "options.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "log.h"

/* The fields a <connection> block owns: scalars and strings. */
enum conn_kind { CONN_SCALAR, CONN_STR };

#define SCALAR(f) { offsetof(struct options, f), sizeof(((struct options *)0)->f), CONN_SCALAR }
#define STRING(f) { offsetof(struct options, f), sizeof(char *), CONN_STR }
static const struct {
	size_t off, size;
	enum conn_kind kind;
} conn_fields[] = {
	SCALAR(proto), SCALAR(proto_set), SCALAR(proto_tcp_role_unset),
	STRING(local), STRING(lport), STRING(rport),
	SCALAR(bind_local), SCALAR(bind_set), SCALAR(bind_ipv6_only),
	SCALAR(connect_retry), SCALAR(connect_retry_max_interval),
	SCALAR(connect_retry_max), SCALAR(connect_timeout),
	SCALAR(explicit_exit_notify), SCALAR(float_peer),
	SCALAR(mssfix), SCALAR(mssfix_mode), SCALAR(tun_mtu), SCALAR(tun_mtu_occ),
	SCALAR(mtu_disc),
};
#undef SCALAR
#undef STRING

/* Options 2.6 takes inside a block; the rest of its list is below. */
static const char *const conn_allowed[] = {
	"remote", "proto", "port", "lport", "rport", "local", "bind", "nobind",
	"connect-retry", "connect-retry-max", "connect-timeout",
	"explicit-exit-notify", "float", "mssfix", "tun-mtu", "mtu-disc",
	/* refused by their own rows ("not supported yet") */
	"fragment", "link-mtu", "tun-mtu-extra", "http-proxy", "http-proxy-option",
	"socks-proxy",
};

/* Allowed by 2.6 per connection, but kept global here for now. */
static const char *const conn_not_yet[] = { "key-direction", "tls-auth", "tls-crypt" };

static bool in_list(const char *const *list, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return true;
	return false;
}

static int conn_check_line(const struct option_call *c)
{
	const char *name = c->argv[0];

	if (strncmp(name, "--", 2) == 0)
		name += 2;
	if (c->is_inline && strcmp(name, "connection") == 0)
		return options_error_at(c, "<connection> blocks cannot be nested");
	if (in_list(conn_not_yet, ARRAY_SIZE(conn_not_yet), name))
		return options_error_at(c, "option '%s' inside <connection> is not supported yet by this version: give it once, outside the blocks",
					name);
	if (!in_list(conn_allowed, ARRAY_SIZE(conn_allowed), name))
		return options_error_at(c, "option '%s' is not allowed inside <connection> (allowed: remote, proto, port, lport, rport, local, bind, nobind, connect-retry, connect-retry-max, connect-timeout, explicit-exit-notify, float, mssfix, tun-mtu, mtu-disc)",
					name);
	return 0;
}

static void *field(struct options *o, size_t off)
{
	return (char *)o + off;
}

/* Copy the per-connection fields of src into dst; strings are duplicated
 * and dst's old ones freed. Returns 0 or -ENOMEM (dst then unchanged for
 * the field that failed). */
static int conn_fields_copy(struct options *dst, const struct options *src)
{
	size_t i;
	char *p;
	const char *s;

	for (i = 0; i < ARRAY_SIZE(conn_fields); i++) {
		if (conn_fields[i].kind == CONN_SCALAR) {
			memcpy(field(dst, conn_fields[i].off),
			       (const char *)src + conn_fields[i].off, conn_fields[i].size);
			continue;
		}
		s = *(char *const *)((const char *)src + conn_fields[i].off);
		p = NULL;
		if (s && !(p = strdup(s)))
			return -ENOMEM;
		free(*(char **)field(dst, conn_fields[i].off));
		*(char **)field(dst, conn_fields[i].off) = p;
	}
	return 0;
}

/* A copy of o without its remotes, for the block to be parsed over. */
static struct options *conn_scratch(struct options *o)
{
	struct options *sub = malloc(sizeof(*sub));
	int n = o->n_remotes;

	if (!sub)
		return NULL;
	o->n_remotes = 0;
	if (options_copy(sub, o) < 0) {
		free(sub);
		sub = NULL;
	}
	o->n_remotes = n;
	return sub;
}

/* The block's result: its remote, with the settings kept beside it. */
static int conn_take(struct options *o, struct options *sub,
		     const struct option_call *c)
{
	struct remote_entry *e = &o->remotes[o->n_remotes];
	struct options *conn;

	if (sub->n_remotes != 1)
		return options_error_at(c, "a <connection> block needs exactly one 'remote' (it has %d)",
					sub->n_remotes);
	conn = calloc(1, sizeof(*conn));
	if (!conn || conn_fields_copy(conn, sub) < 0) {
		if (conn)
			options_free(conn);
		free(conn);
		return options_error(c, "out of memory");
	}
	*e = sub->remotes[0];
	e->conn = conn;
	sub->n_remotes = 0;
	o->n_remotes++;
	return 0;
}

int opt_connection(struct options *o, const struct option_call *c)
{
	struct options *sub;
	int ret;

	if (!c->is_inline)
		return options_error(c, "give it as an inline <connection> block in a config file");
	if (o->n_remotes >= OPT_MAX_REMOTES)
		return options_error(c, "too many remotes (at most %d)", OPT_MAX_REMOTES);
	sub = conn_scratch(o);
	if (!sub)
		return options_error(c, "out of memory");
	ret = options_parse_block(sub, c, conn_check_line);
	if (ret == 0)
		ret = conn_take(o, sub, c);
	options_free(sub);
	free(sub);
	return ret;
}

int options_conn_apply(struct options *dst, const struct remote_entry *r)
{
	int ret;

	if (r->conn) {
		ret = conn_fields_copy(dst, r->conn);
		if (ret < 0)
			return ret;
	}
	if (r->has_proto) {
		dst->proto = r->proto;
		dst->proto_set = true;
	}
	/* a TCP client connects from any port unless asked to bind, as 2.6 */
	if (proto_is_tcp(dst->proto) && !proto_is_tcp_server(dst->proto) && !dst->bind_set)
		dst->bind_local = false;
	return 0;
}

/* What options_finalize() derives for the global transport, per block. */
int options_finalize_conn(struct options *o)
{
	struct options *c;
	int bad = 0, i;

	for (i = 0; i < o->n_remotes; i++) {
		c = o->remotes[i].conn;
		if (c && o->mode_server) {
			options_report("<connection> blocks are for clients, not --mode server");
			return 1;
		}
		if (!c || !c->proto_tcp_role_unset)
			continue;
		if (!o->client && !o->pull) {
			options_report("<connection> %d: 'tcp' is ambiguous in point-to-point mode; use tcp-client",
				       i + 1);
			bad++;
		} else {
			c->proto_tcp_role_unset = false;
		}
	}
	return bad;
}
