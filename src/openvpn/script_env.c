/*
 * The environment of external scripts: bounded sets of name=value pairs,
 * the character classes 2.6 applies to untrusted text, and the variables
 * the daemon and its tunnel give every script. See script.h.
 */
#include "script.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- environment sets ------------------------------------------------------ */

void env_set_init(struct env_set *e)
{
	memset(e, 0, sizeof(*e));
}

void env_set_free(struct env_set *e)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		free(e->items[i].name);
		/* values may be passwords (auth-user-pass-verify via-env) */
		explicit_bzero(e->items[i].value, strlen(e->items[i].value));
		free(e->items[i].value);
	}
	free(e->items);
	memset(e, 0, sizeof(*e));
}

static bool is_alnum_ascii(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_print_ascii(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

static bool class_allows(enum script_str_class cls, unsigned char c)
{
	switch (cls) {
	case SCRIPT_STR_X509_NAME:
		return is_alnum_ascii(c) || strchr("_-.@:/=", c) != NULL;
	case SCRIPT_STR_COMMON_NAME:
	case SCRIPT_STR_USERNAME:
	case SCRIPT_STR_CCD_FILE:
		return is_alnum_ascii(c) || strchr("_-.@", c) != NULL;
	case SCRIPT_STR_ENV_NAME:
		return is_alnum_ascii(c) || c == '_';
	case SCRIPT_STR_PASSWORD:
	case SCRIPT_STR_ENV_VALUE:
		return is_print_ascii(c);
	}
	return false;
}

bool script_string_remap(char *s, enum script_str_class cls)
{
	bool changed = false;
	char *p;

	for (p = s; *p; p++) {
		/* strchr() also finds the terminating NUL: c is never 0 here */
		if (!class_allows(cls, (unsigned char)*p)) {
			*p = '_';
			changed = true;
		}
	}
	/* "." and ".." as a file name would leave the directory */
	if (cls == SCRIPT_STR_CCD_FILE && (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)) {
		memset(s, '_', strlen(s));
		changed = true;
	}
	return changed;
}

static ssize_t env_set_find(const struct env_set *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (strcmp(e->items[i].name, name) == 0)
			return (ssize_t)i;
	return -1;
}

static int env_set_grow(struct env_set *e)
{
	struct env_item *items;
	size_t cap;

	if (e->n < e->cap)
		return 0;
	if (e->n >= ENV_SET_MAX)
		return -ENOSPC;
	cap = e->cap ? e->cap * 2 : 32;
	if (cap > ENV_SET_MAX)
		cap = ENV_SET_MAX;
	items = realloc(e->items, cap * sizeof(*items));
	if (!items)
		return -ENOMEM;
	e->items = items;
	e->cap = cap;
	return 0;
}

int env_set_add(struct env_set *e, const char *name, const char *value)
{
	char *n = NULL, *v = NULL;
	ssize_t at;
	int ret;

	if (!name || !name[0] || !value)
		return -EINVAL;
	if (strlen(name) > ENV_NAME_MAX || strlen(value) > ENV_VALUE_MAX)
		return -E2BIG;
	n = strdup(name);
	v = strdup(value);
	ret = -ENOMEM;
	if (!n || !v)
		goto out;
	script_string_remap(n, SCRIPT_STR_ENV_NAME);
	script_string_remap(v, SCRIPT_STR_ENV_VALUE);
	at = env_set_find(e, n);
	if (at >= 0) {
		explicit_bzero(e->items[at].value, strlen(e->items[at].value));
		free(e->items[at].value);
		e->items[at].value = v;
		v = NULL;
		ret = 0;
		goto out;
	}
	ret = env_set_grow(e);
	if (ret < 0)
		goto out;
	e->items[e->n].name = n;
	e->items[e->n].value = v;
	e->n++;
	n = v = NULL;
out:
	free(n);
	if (v)
		explicit_bzero(v, strlen(v));
	free(v);
	return ret;
}

int env_set_addf(struct env_set *e, const char *name, const char *fmt, ...)
{
	char buf[ENV_VALUE_MAX + 2];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n > ENV_VALUE_MAX)
		return -E2BIG;
	return env_set_add(e, name, buf);
}

int env_set_del(struct env_set *e, const char *name)
{
	ssize_t at = env_set_find(e, name);

	if (at < 0)
		return -ENOENT;
	free(e->items[at].name);
	explicit_bzero(e->items[at].value, strlen(e->items[at].value));
	free(e->items[at].value);
	memmove(&e->items[at], &e->items[at + 1],
		(e->n - (size_t)at - 1) * sizeof(e->items[0]));
	e->n--;
	return 0;
}

const char *env_set_get(const struct env_set *e, const char *name)
{
	ssize_t at = env_set_find(e, name);

	return at < 0 ? NULL : e->items[at].value;
}

int env_set_merge(struct env_set *dst, const struct env_set *src)
{
	size_t i;
	int ret;

	for (i = 0; src && i < src->n; i++) {
		ret = env_set_add(dst, src->items[i].name, src->items[i].value);
		if (ret < 0)
			return ret;
	}
	return 0;
}

char **env_set_to_envp(const struct env_set *e)
{
	char **envp = calloc(e->n + 1, sizeof(*envp));
	size_t i, len;

	if (!envp)
		return NULL;
	for (i = 0; i < e->n; i++) {
		len = strlen(e->items[i].name) + strlen(e->items[i].value) + 2;
		envp[i] = malloc(len);
		if (!envp[i])
			goto fail;
		snprintf(envp[i], len, "%s=%s", e->items[i].name, e->items[i].value);
	}
	return envp;
fail:
	while (i-- > 0) {
		explicit_bzero(envp[i], strlen(envp[i]));
		free(envp[i]);
	}
	free(envp);
	return NULL;
}

void env_set_free_envp(char **envp)
{
	size_t i;

	for (i = 0; envp && envp[i]; i++) {
		explicit_bzero(envp[i], strlen(envp[i]));
		free(envp[i]);
	}
	free(envp);
}

/* ---- the daemon's environment ---------------------------------------------- */

/* Collects the first error of a run of env_set_add()s. */
struct env_builder {
	struct env_set *e;
	int err;
};

static void put(struct env_builder *b, const char *name, const char *value)
{
	int ret;

	if (b->err || !value)
		return;
	ret = env_set_add(b->e, name, value);
	if (ret < 0)
		b->err = ret;
}

static void putf(struct env_builder *b, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void putf(struct env_builder *b, const char *name, const char *fmt, ...)
{
	char value[ENV_VALUE_MAX + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	put(b, name, value);
}

/* name_N */
static void put_n(struct env_builder *b, const char *name, int n, const char *value)
{
	char key[ENV_NAME_MAX + 1];

	snprintf(key, sizeof(key), "%s_%d", name, n);
	put(b, key, value);
}

int script_env_from_options(struct env_set *e, const struct options *o)
{
	struct env_builder b = { e, 0 };
	int i, n = o->n_remotes > 0 ? o->n_remotes : 1;

	put(&b, "config", o->config_file);
	put(&b, "daemon", o->daemon ? "1" : "0");
	put(&b, "daemon_log_redirect", o->log_file ? "1" : "0");
	putf(&b, "daemon_pid", "%ld", (long)getpid());
	putf(&b, "verb", "%d", o->verb);
	for (i = 0; i < n; i++) {
		const struct remote_entry *r = o->n_remotes > 0 ? &o->remotes[i] : NULL;

		put_n(&b, "proto", i + 1, proto_name(r && r->has_proto ? r->proto : o->proto));
		if (o->local)
			put_n(&b, "local", i + 1, o->local);
		put_n(&b, "local_port", i + 1, o->lport);
		if (r)
			put_n(&b, "remote", i + 1, r->host);
		put_n(&b, "remote_port", i + 1, r && r->port ? r->port : o->rport);
	}
	for (i = 0; i < o->n_setenv; i++) {
		const struct option_words *w = &o->setenv_list[i];

		if (w->argc >= 1)
			put(&b, w->argv[0], w->argc >= 2 ? w->argv[1] : "");
	}
	return b.err;
}

static bool words_is(const struct option_words *w, int i, const char *s)
{
	return w->argc > i && strcmp(w->argv[i], s) == 0;
}

/* One --dns server line's settings: addresses (m counts them per server). */
static void env_dns_server(struct env_builder *b, const struct option_words *w, int *m, int *fo)
{
	char key[ENV_NAME_MAX + 1], val[ENV_VALUE_MAX + 1];
	int j;

	if (words_is(w, 2, "resolve-domains")) {
		for (j = 3; j < w->argc; j++) {
			snprintf(key, sizeof(key), "dns_server_%s_resolve_domain_%d", w->argv[1], j - 2);
			put(b, key, w->argv[j]);
		}
		return;
	}
	if (!words_is(w, 2, "address")) {
		/* dnssec, transport, sni */
		snprintf(key, sizeof(key), "dns_server_%s_%s", w->argv[1], w->argv[2]);
		put(b, key, w->argv[3]);
		return;
	}
	for (j = 3; j < w->argc; j++) {
		const char *a = w->argv[j], *port = NULL, *end;
		char host[256];

		snprintf(host, sizeof(host), "%s", a);
		if (a[0] == '[' && (end = strchr(a, ']')) != NULL) {
			snprintf(host, sizeof(host), "%.*s", (int)(end - a - 1), a + 1);
			port = end[1] == ':' ? end + 2 : NULL;
		} else if (strchr(a, ':') && strchr(a, ':') == strrchr(a, ':')) {
			port = strchr(a, ':') + 1;
			if ((size_t)(port - 1 - a) < sizeof(host))
				host[port - 1 - a] = '\0';
		}
		++*m;
		snprintf(key, sizeof(key), "dns_server_%s_address_%d", w->argv[1], *m);
		put(b, key, host);
		if (port) {
			snprintf(key, sizeof(key), "dns_server_%s_port_%d", w->argv[1], *m);
			put(b, key, port);
		}
		snprintf(val, sizeof(val), "dhcp-option %s %s", strchr(host, ':') ? "DNS6" : "DNS",
			 host);
		put_n(b, "foreign_option", ++*fo, val);
	}
}

/*
 * The dns_* variables, and the foreign options 2.6 derives from --dns for
 * scripts that only know dhcp-option: servers by their number (lowest
 * first), then the search domains. *fo is the foreign_option counter.
 */
static void env_dns(struct env_builder *b, const struct options *o, int *fo)
{
	char val[ENV_VALUE_MAX + 1];
	int i, j, id, m, search = 0;

	for (id = -128; id <= 127; id++) {
		m = 0;
		for (i = 0; i < o->n_dns; i++) {
			const struct option_words *w = &o->dns[i];

			if (words_is(w, 0, "server") && w->argc >= 4 && atoi(w->argv[1]) == id)
				env_dns_server(b, w, &m, fo);
		}
	}
	for (i = 0; i < o->n_dns; i++) {
		const struct option_words *w = &o->dns[i];

		if (!words_is(w, 0, "search-domains"))
			continue;
		for (j = 1; j < w->argc; j++) {
			put_n(b, "dns_search_domain", ++search, w->argv[j]);
			snprintf(val, sizeof(val), "dhcp-option DOMAIN-SEARCH %s", w->argv[j]);
			put_n(b, "foreign_option", ++*fo, val);
		}
	}
}

static bool dns_has(const struct options *o, const char *what)
{
	int i;

	for (i = 0; i < o->n_dns; i++)
		if (words_is(&o->dns[i], 0, what))
			return true;
	return false;
}

/* --dhcp-option as foreign_option_N; with --dns, its servers and search
 * domains replace the dhcp-option ones, as 2.6 does. */
static void env_foreign(struct env_builder *b, const struct options *o)
{
	bool dns_servers = dns_has(o, "server"), dns_search = dns_has(o, "search-domains");
	char val[ENV_VALUE_MAX + 1];
	int i, j, fo = 0;
	size_t used;

	for (i = 0; i < o->n_dhcp_options; i++) {
		const struct option_words *w = &o->dhcp_options[i];

		if (w->argc < 1)
			continue;
		if (dns_servers && (words_is(w, 0, "DNS") || words_is(w, 0, "DNS6")))
			continue;
		if (dns_search && words_is(w, 0, "DOMAIN-SEARCH"))
			continue;
		used = (size_t)snprintf(val, sizeof(val), "dhcp-option");
		for (j = 0; j < w->argc && used < sizeof(val); j++)
			used += (size_t)snprintf(val + used, sizeof(val) - used, " %s", w->argv[j]);
		put_n(b, "foreign_option", ++fo, val);
	}
	env_dns(b, o, &fo);
}

static void env_routes(struct env_builder *b, const struct options *o)
{
	const char *vpn_gw = o->route_gateway;
	int i;

	if (!vpn_gw && o->topology != TOP_SUBNET)
		vpn_gw = o->ifconfig_remote;
	if (o->n_routes > 0 || o->redirect_gateway)
		put(b, "route_vpn_gateway", vpn_gw);
	for (i = 0; i < o->n_routes; i++) {
		const struct route_entry *r = &o->routes[i];

		put_n(b, "route_network", i + 1, r->network);
		put_n(b, "route_netmask", i + 1, r->netmask ? r->netmask : "255.255.255.255");
		put_n(b, "route_gateway", i + 1, r->gateway ? r->gateway : vpn_gw);
		if (r->metric >= 0) {
			char m[16];

			snprintf(m, sizeof(m), "%d", r->metric);
			put_n(b, "route_metric", i + 1, m);
		}
	}
	for (i = 0; i < o->n_routes_ipv6; i++) {
		const struct route_ipv6_entry *r = &o->routes_ipv6[i];

		put_n(b, "route_ipv6_network", i + 1, r->network);
		put_n(b, "route_ipv6_gateway", i + 1,
		      r->gateway ? r->gateway : o->ifconfig_ipv6_remote);
		if (r->metric >= 0) {
			char m[16];

			snprintf(m, sizeof(m), "%d", r->metric);
			put_n(b, "route_ipv6_metric", i + 1, m);
		}
	}
}

int script_env_from_tunnel(struct env_set *e, const struct options *o, const char *dev,
			   bool restart)
{
	struct env_builder b = { e, 0 };
	const char *slash;

	put(&b, "dev", dev);
	put(&b, "dev_type", o->dev_type ? o->dev_type : "tun");
	putf(&b, "tun_mtu", "%d", o->tun_mtu);
	put(&b, "script_context", restart ? "restart" : "init");
	put(&b, "ifconfig_local", o->ifconfig_local);
	put(&b, o->topology == TOP_SUBNET ? "ifconfig_netmask" : "ifconfig_remote",
	    o->ifconfig_remote);
	if (o->ifconfig_ipv6_local) {
		slash = strchr(o->ifconfig_ipv6_local, '/');
		putf(&b, "ifconfig_ipv6_local", "%.*s",
		     (int)(slash ? (size_t)(slash - o->ifconfig_ipv6_local)
				 : strlen(o->ifconfig_ipv6_local)),
		     o->ifconfig_ipv6_local);
		put(&b, "ifconfig_ipv6_netbits", slash ? slash + 1 : "128");
		put(&b, "ifconfig_ipv6_remote", o->ifconfig_ipv6_remote);
	}
	putf(&b, "redirect_gateway", "%d", o->redirect_gateway ? 1 : 0);
	/* on restart 2.6 leaves out routing: nothing is set up again */
	if (!restart)
		env_routes(&b, o);
	env_foreign(&b, o);
	return b.err;
}
