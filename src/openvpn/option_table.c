/*
 * The option table: one row per option an OpenVPN 2.6 configuration may
 * contain, and the small handlers that turn a row's arguments into fields
 * of struct options. Argument counts and contexts are checked by the caller
 * (options.c) from the row before the handler runs, so a handler only
 * validates values. Options this version cannot honour yet still have a row,
 * so that users get "not supported yet" instead of "unknown option".
 */
#include "options.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>

#include "compat.h"
#include "log.h"
#include "script.h"
#include "socket.h"

#define C OPT_CTX_CMDLINE
#define D OPT_CTX_CCD
#define P OPT_CTX_PUSH
#define INL OPT_F_INLINE
#define RT OPT_F_ROUTE
#define MANY OPT_MAX_ARGS

/* Upper bound for every "seconds" argument: a year, so that later
 * arithmetic in milliseconds cannot overflow a 64-bit value. */
#define MAX_SECONDS (366LL * 24 * 3600)
#define MAX_SOCKBUF (1LL << 30)
#define IFNAME_MAX 15	/* IFNAMSIZ - 1 */

/* ---- argument helpers ---------------------------------------------------- */

static int arg_ll(const struct option_call *c, int i, long long min,
		  long long max, long long *out)
{
	const char *s = c->argv[i];
	const char *digits = s[0] == '-' ? s + 1 : s;
	char *end;
	long long v;

	/* strtoll() alone would accept " 5", "+5" and "5x". */
	if (*digits < '0' || *digits > '9')
		return options_error(c, "'%s' is not a number", s);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0')
		return options_error(c, "'%s' is not a number", s);
	if (errno == ERANGE || v < min || v > max)
		return options_error(c, "%s is out of range (%lld..%lld)", s, min, max);
	*out = v;
	return 0;
}

static int arg_int(const struct option_call *c, int i, long long min,
		   long long max, int *out)
{
	long long v;
	int ret = arg_ll(c, i, min, max, &v);

	if (ret == 0)
		*out = (int)v;
	return ret;
}

static int set_str(const struct option_call *c, char **dst, const char *val)
{
	char *p;

	/* "" is never a useful host, path or name; it is a quoting slip. */
	if (val[0] == '\0')
		return options_error(c, "empty argument");
	p = strdup(val);
	if (!p) {
		options_error(c, "out of memory");
		return -ENOMEM;
	}
	free(*dst);
	*dst = p;
	return 0;
}

static int arg_port(const struct option_call *c, int i, bool allow_zero,
		    char **dst)
{
	int port;
	int ret = arg_int(c, i, allow_zero ? 0 : 1, 65535, &port);

	return ret ? ret : set_str(c, dst, c->argv[i]);
}

/* A string argument that 2.6 lets users write "default" for. */
static const char *arg_or_default(const struct option_call *c, int i)
{
	if (i >= c->argc || strcmp(c->argv[i], "default") == 0)
		return NULL;
	return c->argv[i];
}

struct proto_word {
	const char *word;
	enum proto proto;
	bool role_unset;
};

static const struct proto_word proto_words[] = {
	{ "udp", PROTO_UDP, false },
	{ "udp4", PROTO_UDP4, false },
	{ "udp6", PROTO_UDP6, false },
	/* Plain tcp means client or server depending on the mode. */
	{ "tcp", PROTO_TCP_CLIENT, true },
	{ "tcp4", PROTO_TCP4_CLIENT, true },
	{ "tcp6", PROTO_TCP6_CLIENT, true },
	{ "tcp-server", PROTO_TCP_SERVER, false },
	{ "tcp4-server", PROTO_TCP4_SERVER, false },
	{ "tcp6-server", PROTO_TCP6_SERVER, false },
	{ "tcp-client", PROTO_TCP_CLIENT, false },
	{ "tcp4-client", PROTO_TCP4_CLIENT, false },
	{ "tcp6-client", PROTO_TCP6_CLIENT, false },
};

static int arg_proto(const struct option_call *c, int i, enum proto *p,
		     bool *role_unset)
{
	size_t k;

	for (k = 0; k < ARRAY_SIZE(proto_words); k++) {
		if (strcmp(c->argv[i], proto_words[k].word) == 0) {
			*p = proto_words[k].proto;
			*role_unset = proto_words[k].role_unset;
			return 0;
		}
	}
	return options_error(c, "'%s' is not a protocol (udp, tcp, tcp-server, tcp-client, with optional 4 or 6 after udp/tcp)",
			     c->argv[i]);
}

/* ---- handlers shared by many rows ---------------------------------------- */

static int opt_not_yet(struct options *o, const struct option_call *c)
{
	return options_error_at(c, "option '%s' is not supported yet by this version",
				c->argv[0]);
}

static int opt_windows(struct options *o, const struct option_call *c)
{
	return options_error_at(c, "option '%s' exists only on Windows; remove it",
				c->argv[0]);
}

/* Servers push these to all their clients; 2.6 on Linux complains about
 * them as unknown, which helps nobody, so a pushed copy is dropped quietly. */
static int opt_windows_pushed(struct options *o, const struct option_call *c)
{
	if (c->context != OPT_CTX_PUSH)
		return opt_windows(o, c);
	msg(D_LOW, "%s:%d: option '%s' ignored: it only has an effect on Windows",
	    c->file, c->line, c->argv[0]);
	return OPT_IGNORED;
}

/*
 * Accepted because configurations written for 2.6 carry them, but with
 * nothing to do in this daemon; the reason is logged once.
 */
static const struct {
	const char *name, *why;
} inert_reasons[] = {
	{ "fast-io", "writes never wait for poll/epoll first here" },
	{ "hash-size", "the client tables grow as needed" },
	{ "bcast-buffers", "there is no broadcast queue (tun mode, unicast only)" },
	{ "ifconfig-nowarn", "the peer's --ifconfig is never compared with ours here" },
	{ "disable-occ", "differences between the peers' option strings are never warned about here" },
	{ "allow-recursive-routing", "tunnel packets to the VPN server's own address are never dropped here" },
};

static int opt_inert(struct options *o, const struct option_call *c)
{
	size_t i;

	(void)o;
	for (i = 0; i < ARRAY_SIZE(inert_reasons); i++)
		if (strcmp(c->argv[0], inert_reasons[i].name) == 0)
			options_note(c, "option '%s' has no effect: %s", c->argv[0],
				     inert_reasons[i].why);
	return 0;
}

static int opt_mtu_disc(struct options *o, const struct option_call *c)
{
	static const char *const names[] = { [LINK_PMTUDISC_NO] = "no",
					     [LINK_PMTUDISC_MAYBE] = "maybe",
					     [LINK_PMTUDISC_YES] = "yes" };
	int i;

	for (i = LINK_PMTUDISC_NO; i <= LINK_PMTUDISC_YES; i++) {
		if (strcmp(c->argv[1], names[i]) == 0) {
			o->mtu_disc = i;
			return 0;
		}
	}
	return options_error(c, "'%s': use no, maybe or yes", c->argv[1]);
}

/* TCP_NODELAY is always set on our TCP sockets; other flags are unknown. */
static int opt_socket_flags(struct options *o, const struct option_call *c)
{
	int i;

	for (i = 1; i < c->argc; i++)
		if (strcmp(c->argv[i], "TCP_NODELAY") != 0)
			return options_error(c, "unknown socket flag '%s' (only TCP_NODELAY)",
					     c->argv[i]);
	return 0;
}

/* Server: also push it, so that 2.6 clients set TCP_NODELAY too. */
static int opt_tcp_nodelay(struct options *o, const struct option_call *c)
{
	(void)c;
	o->tcp_nodelay = true;
	return 0;
}

static const struct {
	const char *name, *version, *hint;
} removed_hints[] = {
	{ "client-cert-not-required", "2.5", "use 'verify-client-cert none'" },
	{ "ifconfig-pool-linear", "2.5", "use 'topology p2p'" },
	{ "key-method", "2.5", "just remove it" },
	{ "management-client-pf", "2.6", "just remove it" },
	{ "ncp-disable", "2.6", "use 'data-ciphers'" },
	{ "no-iv", "2.5", "just remove it" },
	{ "no-replay", "2.5", "just remove it" },
	{ "ns-cert-type", "2.5", "use 'remote-cert-tls'" },
	{ "prng", "2.6", "just remove it" },
	{ "tls-remote", "2.4", "use 'verify-x509-name'" },
	{ "compat-names", "2.5", "just remove it" },
	{ "no-name-remapping", "2.5", "just remove it" },
};

static int opt_removed(struct options *o, const struct option_call *c)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(removed_hints); i++)
		if (strcmp(c->argv[0], removed_hints[i].name) == 0)
			return options_error_at(c, "option '%s' was removed in OpenVPN %s; %s",
						c->argv[0], removed_hints[i].version,
						removed_hints[i].hint);
	return options_error_at(c, "option '%s' was removed from OpenVPN", c->argv[0]);
}

/* ---- generic ------------------------------------------------------------- */

static int opt_config(struct options *o, const struct option_call *c)
{
	return options_include(o, c->argv[1], c);
}

static int opt_help(struct options *o, const struct option_call *c)
{
	o->show_help = true;
	return 0;
}

static int opt_version(struct options *o, const struct option_call *c)
{
	o->show_version = true;
	return 0;
}

/* --show-*, --mktun, --rmtun: report or prepare something, then exit */
static int opt_show(struct options *o, const struct option_call *c)
{
	static const struct {
		const char *name;
		enum show_action action;
	} actions[] = {
		{ "show-ciphers", SHOW_CIPHERS }, { "show-digests", SHOW_DIGESTS },
		{ "show-tls", SHOW_TLS }, { "show-groups", SHOW_GROUPS },
		{ "show-engines", SHOW_ENGINES }, { "show-gateway", SHOW_GATEWAY },
		{ "mktun", SHOW_MKTUN }, { "rmtun", SHOW_RMTUN },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(actions); i++)
		if (strcmp(c->argv[0], actions[i].name) == 0)
			o->show = actions[i].action;
	if (o->show == SHOW_GATEWAY && c->argc > 1)
		return set_str(c, &o->show_gateway_target, c->argv[1]);
	return 0;
}

/* --remap-usr1 SIGHUP|SIGTERM: what every soft restart becomes */
static int opt_remap_usr1(struct options *o, const struct option_call *c)
{
	if (strcmp(c->argv[1], "SIGHUP") == 0)
		o->remap_usr1 = SIGHUP;
	else if (strcmp(c->argv[1], "SIGTERM") == 0)
		o->remap_usr1 = SIGTERM;
	else
		return options_error(c, "'%s' is not SIGHUP or SIGTERM", c->argv[1]);
	return 0;
}

static int opt_mode(struct options *o, const struct option_call *c)
{
	if (strcmp(c->argv[1], "p2p") == 0) {
		o->mode_server = false;
		return 0;
	}
	if (strcmp(c->argv[1], "server") == 0) {
		o->mode_server = true;
		return 0;
	}
	return options_error(c, "'%s' is not a mode (p2p or server)", c->argv[1]);
}

static int opt_verb(struct options *o, const struct option_call *c)
{
	return arg_int(c, 1, 0, 11, &o->verb);
}

static int opt_mute(struct options *o, const struct option_call *c)
{
	return arg_int(c, 1, 0, INT_MAX, &o->mute);
}

static int opt_log(struct options *o, const struct option_call *c)
{
	o->log_append = strcmp(c->argv[0], "log-append") == 0;
	return set_str(c, &o->log_file, c->argv[1]);
}

static int opt_syslog(struct options *o, const struct option_call *c)
{
	return set_str(c, &o->syslog_ident, c->argc > 1 ? c->argv[1] : "openvpn");
}

static int opt_suppress_timestamps(struct options *o, const struct option_call *c)
{
	o->suppress_timestamps = true;
	return 0;
}

/* ---- transport ----------------------------------------------------------- */

static int opt_proto(struct options *o, const struct option_call *c)
{
	int ret = arg_proto(c, 1, &o->proto, &o->proto_tcp_role_unset);

	if (ret == 0)
		o->proto_set = true;
	return ret;
}

static int opt_local(struct options *o, const struct option_call *c)
{
	o->bind_set = true;
	return set_str(c, &o->local, c->argv[1]);
}

/* lport 0 asks the kernel for any free port. */
static int opt_lport(struct options *o, const struct option_call *c)
{
	o->bind_set = true;
	return arg_port(c, 1, true, &o->lport);
}

static int opt_rport(struct options *o, const struct option_call *c)
{
	return arg_port(c, 1, false, &o->rport);
}

static int opt_port(struct options *o, const struct option_call *c)
{
	int ret = arg_port(c, 1, false, &o->lport);

	return ret ? ret : set_str(c, &o->rport, c->argv[1]);
}

static int opt_nobind(struct options *o, const struct option_call *c)
{
	o->bind_local = false;
	return 0;
}

static int opt_bind(struct options *o, const struct option_call *c)
{
	if (c->argc > 1 && strcmp(c->argv[1], "ipv6only") != 0)
		return options_error(c, "'%s' is not a keyword (ipv6only)", c->argv[1]);
	o->bind_local = true;
	o->bind_set = true;
	o->bind_ipv6_only = c->argc > 1;
	return 0;
}

static int opt_remote(struct options *o, const struct option_call *c)
{
	struct remote_entry e = { 0 };
	int port, ret;

	if (o->n_remotes >= OPT_MAX_REMOTES)
		return options_error(c, "too many remotes (at most %d)", OPT_MAX_REMOTES);
	if (c->argc > 2) {
		ret = arg_int(c, 2, 1, 65535, &port);
		if (ret)
			return ret;
	}
	if (c->argc > 3) {
		ret = arg_proto(c, 3, &e.proto, &e.tcp_role_unset);
		if (ret)
			return ret;
		e.has_proto = true;
	}
	ret = set_str(c, &e.host, c->argv[1]);
	if (!ret && c->argc > 2)
		ret = set_str(c, &e.port, c->argv[2]);
	if (ret) {
		free(e.host);
		free(e.port);
		return ret;
	}
	o->remotes[o->n_remotes++] = e;
	return 0;
}

static int opt_remote_random(struct options *o, const struct option_call *c)
{
	o->remote_random = true;
	return 0;
}

static int opt_resolv_retry(struct options *o, const struct option_call *c)
{
	if (strcmp(c->argv[1], "infinite") == 0) {
		o->resolv_retry = -1;
		return 0;
	}
	return arg_int(c, 1, 0, MAX_SECONDS, &o->resolv_retry);
}

static int opt_connect_retry(struct options *o, const struct option_call *c)
{
	int ret = arg_int(c, 1, 0, MAX_SECONDS, &o->connect_retry);

	if (ret || c->argc < 3)
		return ret;
	ret = arg_int(c, 2, 1, MAX_SECONDS, &o->connect_retry_max_interval);
	if (ret)
		return ret;
	if (o->connect_retry_max_interval < o->connect_retry)
		return options_error(c, "the maximum (%d) is smaller than the interval (%d)",
				     o->connect_retry_max_interval, o->connect_retry);
	return 0;
}

static int opt_connect_retry_max(struct options *o, const struct option_call *c)
{
	return arg_int(c, 1, 0, INT_MAX, &o->connect_retry_max);
}

static int opt_connect_timeout(struct options *o, const struct option_call *c)
{
	return arg_int(c, 1, 1, MAX_SECONDS, &o->connect_timeout);
}

static int opt_float(struct options *o, const struct option_call *c)
{
	o->float_peer = true;
	return 0;
}

static int opt_sockbuf(struct options *o, const struct option_call *c)
{
	int *dst = strcmp(c->argv[0], "sndbuf") == 0 ? &o->sndbuf : &o->rcvbuf;

	return arg_int(c, 1, 0, MAX_SOCKBUF, dst);
}

static int opt_mark(struct options *o, const struct option_call *c)
{
	return arg_int(c, 1, 0, INT_MAX, &o->mark);
}

/* ---- tun device ---------------------------------------------------------- */

static int reject_tap(const struct option_call *c)
{
	return options_error(c, "tap devices are not supported by this version; use --dev tun");
}

static int opt_dev(struct options *o, const struct option_call *c)
{
	const char *d = c->argv[1];
	size_t len = strlen(d);

	if (strncmp(d, "tap", 3) == 0)
		return reject_tap(c);
	if (strcmp(d, "null") == 0)
		return options_error(c, "the null device is not supported yet by this version");
	if (len == 0 || len > IFNAME_MAX)
		return options_error(c, "'%s': an interface name has 1 to %d characters",
				     d, IFNAME_MAX);
	if (strpbrk(d, "/ \t:") || strcmp(d, ".") == 0 || strcmp(d, "..") == 0)
		return options_error(c, "'%s' is not a valid interface name", d);
	return set_str(c, &o->dev, d);
}

static int opt_dev_type(struct options *o, const struct option_call *c)
{
	if (strcmp(c->argv[1], "tap") == 0)
		return reject_tap(c);
	if (strcmp(c->argv[1], "null") == 0)
		return options_error(c, "the null device is not supported yet by this version");
	if (strcmp(c->argv[1], "tun") != 0)
		return options_error(c, "'%s' is not a device type (tun)", c->argv[1]);
	return set_str(c, &o->dev_type, c->argv[1]);
}

static int opt_dev_node(struct options *o, const struct option_call *c)
{
	return set_str(c, &o->dev_node, c->argv[1]);
}

/* The range is checked in options_finalize(), where pushes end up too. */
static int opt_tun_mtu(struct options *o, const struct option_call *c)
{
	int ret = arg_int(c, 1, 1, 65535, &o->tun_mtu);

	if (ret || c->argc < 3)
		return ret;
	return arg_int(c, 2, 1, 65535, &o->tun_mtu_occ);
}

/* "mssfix" alone is the default; a max of 0 turns clamping off. */
static int opt_mssfix(struct options *o, const struct option_call *c)
{
	int ret;

	o->mssfix_mode = MSS_MODE_LINK;
	if (c->argc < 2) {
		o->mssfix = -1;
		return 0;
	}
	ret = arg_int(c, 1, 0, 65535, &o->mssfix);
	if (ret || c->argc < 3)
		return ret;
	if (strcmp(c->argv[2], "mtu") == 0)
		o->mssfix_mode = MSS_MODE_MTU;
	else if (strcmp(c->argv[2], "fixed") == 0)
		o->mssfix_mode = MSS_MODE_FIXED;
	else
		return options_error(c, "second argument must be 'mtu' or 'fixed', not '%s'",
				     c->argv[2]);
	return 0;
}

static int opt_txqueuelen(struct options *o, const struct option_call *c)
{
	return arg_int(c, 1, 0, 1 << 20, &o->txqueuelen);
}

static int opt_topology(struct options *o, const struct option_call *c)
{
	static const struct { const char *word; enum topology t; } words[] = {
		{ "net30", TOP_NET30 }, { "p2p", TOP_P2P }, { "subnet", TOP_SUBNET },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(words); i++) {
		if (strcmp(c->argv[1], words[i].word) == 0) {
			o->topology = words[i].t;
			o->topology_set = true;
			return 0;
		}
	}
	return options_error(c, "'%s' is not a topology (net30, p2p or subnet)",
			     c->argv[1]);
}

static int opt_ifconfig(struct options *o, const struct option_call *c)
{
	int i, ret;

	for (i = 1; i <= 2; i++)
		if (!options_is_ipv4(c->argv[i]))
			return options_error(c, "'%s' is not an IPv4 address", c->argv[i]);
	ret = set_str(c, &o->ifconfig_local, c->argv[1]);
	return ret ? ret : set_str(c, &o->ifconfig_remote, c->argv[2]);
}

static int opt_ifconfig_ipv6(struct options *o, const struct option_call *c)
{
	int ret;

	if (!options_is_ipv6_prefix(c->argv[1], true))
		return options_error(c, "'%s' is not an IPv6 address with prefix length (like fd00::1/64)",
				     c->argv[1]);
	if (!options_is_ipv6_prefix(c->argv[2], false) || strchr(c->argv[2], '/'))
		return options_error(c, "'%s' is not an IPv6 address", c->argv[2]);
	ret = set_str(c, &o->ifconfig_ipv6_local, c->argv[1]);
	return ret ? ret : set_str(c, &o->ifconfig_ipv6_remote, c->argv[2]);
}

static int opt_flag(struct options *o, const struct option_call *c)
{
	static const struct { const char *name; size_t off; } flags[] = {
		{ "ifconfig-noexec", offsetof(struct options, ifconfig_noexec) },
		{ "persist-tun", offsetof(struct options, persist_tun) },
		{ "persist-key", offsetof(struct options, persist_key) },
		{ "route-noexec", offsetof(struct options, route_noexec) },
		{ "route-nopull", offsetof(struct options, route_nopull) },
		{ "ping-timer-rem", offsetof(struct options, ping_timer_remote) },
		{ "mute-replay-warnings", offsetof(struct options, mute_replay_warnings) },
		{ "tls-exit", offsetof(struct options, tls_exit) },
		{ "single-session", offsetof(struct options, single_session) },
		{ "disable-dco", offsetof(struct options, disable_dco) },
		{ "require-dco", offsetof(struct options, require_dco) },
		{ "dco-check", offsetof(struct options, dco_check) },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		if (strcmp(c->argv[0], flags[i].name) == 0) {
			*(bool *)((char *)o + flags[i].off) = true;
			return 0;
		}
	}
	return options_error(c, "internal error: no flag field");
}

/* ---- routes -------------------------------------------------------------- */

static void route_entry_free(struct route_entry *r)
{
	free(r->network);
	free(r->netmask);
	free(r->gateway);
}

static int opt_route(struct options *o, const struct option_call *c)
{
	struct route_entry r = { .metric = -1 };
	const char *mask = arg_or_default(c, 2);
	const char *gw = arg_or_default(c, 3);
	int ret;

	if (o->n_routes >= OPT_MAX_ROUTES)
		return options_error(c, "too many routes (at most %d)", OPT_MAX_ROUTES);
	if (mask && !options_is_netmask(mask))
		return options_error(c, "'%s' is not a netmask", mask);
	if (arg_or_default(c, 4)) {
		ret = arg_int(c, 4, 0, INT_MAX, &r.metric);
		if (ret)
			return ret;
	}
	ret = set_str(c, &r.network, c->argv[1]);
	if (!ret && mask)
		ret = set_str(c, &r.netmask, mask);
	if (!ret && gw)
		ret = set_str(c, &r.gateway, gw);
	if (ret) {
		route_entry_free(&r);
		return ret;
	}
	o->routes[o->n_routes++] = r;
	return 0;
}

static int opt_route_ipv6(struct options *o, const struct option_call *c)
{
	struct route_ipv6_entry r = { .metric = -1 };
	const char *gw = arg_or_default(c, 2);
	int ret;

	if (o->n_routes_ipv6 >= OPT_MAX_ROUTES)
		return options_error(c, "too many IPv6 routes (at most %d)", OPT_MAX_ROUTES);
	if (!options_is_ipv6_prefix(c->argv[1], false))
		return options_error(c, "'%s' is not an IPv6 network (like 2001:db8::/32)",
				     c->argv[1]);
	if (gw && (!options_is_ipv6_prefix(gw, false) || strchr(gw, '/')))
		return options_error(c, "'%s' is not an IPv6 gateway address", gw);
	if (arg_or_default(c, 3)) {
		ret = arg_int(c, 3, 0, INT_MAX, &r.metric);
		if (ret)
			return ret;
	}
	ret = set_str(c, &r.network, c->argv[1]);
	if (!ret && gw)
		ret = set_str(c, &r.gateway, gw);
	if (ret) {
		free(r.network);
		free(r.gateway);
		return ret;
	}
	o->routes_ipv6[o->n_routes_ipv6++] = r;
	return 0;
}

static int opt_route_metric(struct options *o, const struct option_call *c)
{
	return arg_int(c, 1, 0, INT_MAX, &o->route_metric);
}

static int opt_route_gateway(struct options *o, const struct option_call *c)
{
	if (strcmp(c->argv[1], "dhcp") != 0 && !options_is_ipv4(c->argv[1]))
		return options_error(c, "'%s' is neither an IPv4 address nor 'dhcp'",
				     c->argv[1]);
	return set_str(c, &o->route_gateway, c->argv[1]);
}

/* ---- liveness ------------------------------------------------------------ */

static int opt_ping_timer(struct options *o, const struct option_call *c)
{
	int *dst = &o->ping;

	/* As in 2.6, --ping-restart and --ping-exit set one receive timeout:
	 * the later option wins. */
	if (strcmp(c->argv[0], "ping-restart") == 0) {
		dst = &o->ping_restart;
		o->ping_exit = 0;
	} else if (strcmp(c->argv[0], "ping-exit") == 0) {
		dst = &o->ping_exit;
		o->ping_restart = 0;
	}
	return arg_int(c, 1, 0, MAX_SECONDS, dst);
}

static int opt_keepalive(struct options *o, const struct option_call *c)
{
	int ret = arg_int(c, 1, 1, MAX_SECONDS, &o->keepalive_ping);

	return ret ? ret : arg_int(c, 2, 1, MAX_SECONDS, &o->keepalive_timeout);
}

static int opt_inactive(struct options *o, const struct option_call *c)
{
	long long bytes = 0;
	int ret = arg_int(c, 1, 0, MAX_SECONDS, &o->inactive);

	if (!ret && c->argc > 2)
		ret = arg_ll(c, 2, 0, LLONG_MAX, &bytes);
	if (!ret)
		o->inactive_bytes = bytes;
	return ret;
}

static int opt_explicit_exit_notify(struct options *o, const struct option_call *c)
{
	if (c->argc < 2) {
		o->explicit_exit_notify = 1;
		return 0;
	}
	return arg_int(c, 1, 0, 1000, &o->explicit_exit_notify);
}

/* ---- data channel -------------------------------------------------------- */

/* A server may push any cipher name: whether it is usable is decided
 * against --data-ciphers afterwards, with 2.6's message naming it. */
static int opt_cipher_pushed(struct options *o, const struct option_call *c)
{
	const struct option_cipher *ci = options_cipher_find(c->argv[1]);
	const char *name = ci ? ci->name : c->argv[1];
	size_t len = strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
	int ret;

	if (len == 0 || len > 64 || name[len] != '\0')
		return options_error(c, "'%s' is not a cipher name", c->argv[1]);
	ret = set_str(c, &o->cipher, name);
	if (ret == 0)
		o->cipher_set = o->cipher_pushed = true;
	return ret;
}

static int opt_cipher(struct options *o, const struct option_call *c)
{
	const struct option_cipher *ci;

	if (c->context == OPT_CTX_PUSH)
		return opt_cipher_pushed(o, c);
	if (strcmp(c->argv[1], "none") == 0) {
		o->cipher_set = true;
		return set_str(c, &o->cipher, "none");
	}
	ci = options_cipher_find(c->argv[1]);
	if (!ci)
		return options_error(c, "'%s' is not a cipher this version knows (AES-128-GCM, AES-192-GCM, AES-256-GCM, CHACHA20-POLY1305, AES-128-CBC, AES-192-CBC, AES-256-CBC or none)",
				     c->argv[1]);
	o->cipher_set = true;
	return set_str(c, &o->cipher, ci->name);
}

static int opt_auth(struct options *o, const struct option_call *c)
{
	const char *name = options_digest_find(c->argv[1], NULL);

	if (strcmp(c->argv[1], "none") == 0)
		name = "none";
	if (!name)
		return options_error(c, "'%s' is not a digest this version knows (SHA1, SHA224, SHA256, SHA384, SHA512 or none)",
				     c->argv[1]);
	return set_str(c, &o->auth, name);
}

/* 2.6 counts the list after translating names; so do we. */
#define DATA_CIPHERS_MAX 127

/* Append one entry of a --data-ciphers list in canonical spelling. Unknown
 * names are an error unless marked optional with '?', as in 2.6. */
static int data_ciphers_add(const struct option_call *c, const char *entry,
			    char *out, size_t cap)
{
	bool optional = entry[0] == '?';
	const char *name = optional ? entry + 1 : entry;
	const struct option_cipher *ci = options_cipher_find(name);
	size_t used = strlen(out);

	if (strcmp(name, "none") == 0) {
		msg(M_WARN, "WARNING: cipher 'none' in --data-ciphers allows negotiating NO encryption: tunnelled data may then cross the network in clear text");
	} else if (!ci || !ci->data_channel) {
		if (!optional)
			return options_error(c, "unsupported cipher '%s' in the list (use '?%s' to skip it where it is not available)",
					     name, name);
		msg(M_WARN, "Unsupported optional cipher in --data-ciphers: %s (skipped)", name);
		return 0;
	} else {
		name = ci->name;
	}
	if (used + (used ? 1 : 0) + strlen(name) > DATA_CIPHERS_MAX || cap <= DATA_CIPHERS_MAX)
		return options_error(c, "the list is longer than %d characters",
				     DATA_CIPHERS_MAX);
	if (used)
		strcat(out, ":");
	strcat(out, name);
	return 0;
}

static int opt_data_ciphers(struct options *o, const struct option_call *c)
{
	char list[DATA_CIPHERS_MAX + 2] = "";
	char *copy = strdup(c->argv[1]), *entry, *save = NULL;
	int ret = 0;

	if (!copy)
		return options_error(c, "out of memory");
	for (entry = strtok_r(copy, ":", &save); entry && !ret;
	     entry = strtok_r(NULL, ":", &save))
		ret = data_ciphers_add(c, entry, list, sizeof(list));
	free(copy);
	if (ret)
		return ret;
	if (!list[0])
		return options_error(c, "no usable cipher in '%s'", c->argv[1]);
	return set_str(c, &o->data_ciphers, list);
}

static int opt_data_ciphers_fallback(struct options *o, const struct option_call *c)
{
	const struct option_cipher *ci = options_cipher_find(c->argv[1]);

	if (strcmp(c->argv[1], "none") == 0)
		return set_str(c, &o->data_ciphers_fallback, "none");
	if (!ci || !ci->data_channel)
		return options_error(c, "'%s' is not a data-channel cipher this version supports",
				     c->argv[1]);
	return set_str(c, &o->data_ciphers_fallback, ci->name);
}

static int opt_replay_window(struct options *o, const struct option_call *c)
{
	int ret = arg_int(c, 1, 0, 65536, &o->replay_window);

	if (ret || c->argc < 3)
		return ret;
	return arg_int(c, 2, 0, 600, &o->replay_time);
}

static int opt_reneg_count(struct options *o, const struct option_call *c)
{
	long long v;
	int ret = arg_ll(c, 1, 0, LLONG_MAX, &v);

	if (ret)
		return ret;
	if (strcmp(c->argv[0], "reneg-bytes") == 0)
		o->reneg_bytes = v;
	else
		o->reneg_pkts = v;
	return 0;
}

/* ---- TLS ----------------------------------------------------------------- */

static int opt_tls_role(struct options *o, const struct option_call *c)
{
	if (strcmp(c->argv[0], "tls-server") == 0)
		o->tls_server = true;
	else
		o->tls_client = true;
	return 0;
}

static int set_file(const struct option_call *c, struct option_file *f)
{
	int ret = set_str(c, &f->name, c->argv[1]);

	if (ret == 0)
		f->is_inline = c->is_inline;
	return ret;
}

/* ca, cert, key, extra-certs, pkcs12, tls-crypt: a file name or an inline block. */
static int opt_file(struct options *o, const struct option_call *c)
{
	static const struct { const char *name; size_t off; } files[] = {
		{ "ca", offsetof(struct options, ca) },
		{ "cert", offsetof(struct options, cert) },
		{ "key", offsetof(struct options, key) },
		{ "extra-certs", offsetof(struct options, extra_certs) },
		{ "pkcs12", offsetof(struct options, pkcs12) },
		{ "tls-crypt", offsetof(struct options, tls_crypt) },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(files); i++)
		if (strcmp(c->argv[0], files[i].name) == 0)
			return set_file(c, (struct option_file *)((char *)o + files[i].off));
	return options_error(c, "internal error: no file field");
}

/* tls-crypt-v2 FILE [force-cookie|allow-noncookie] */
static int opt_tls_crypt_v2(struct options *o, const struct option_call *c)
{
	if (c->argc > 2) {
		if (strcmp(c->argv[2], "force-cookie") == 0)
			o->tls_crypt_v2_force_cookie = true;
		else if (strcmp(c->argv[2], "allow-noncookie") == 0)
			o->tls_crypt_v2_force_cookie = false;
		else
			return options_error(c, "'%s' is neither force-cookie nor allow-noncookie",
					     c->argv[2]);
	}
	return set_file(c, &o->tls_crypt_v2);
}

static int opt_dh(struct options *o, const struct option_call *c)
{
	if (!c->is_inline && strcmp(c->argv[1], "none") == 0) {
		free(o->dh.name);
		o->dh.name = NULL;
		o->dh_none = true;
		return 0;
	}
	o->dh_none = false;
	return set_file(c, &o->dh);
}

static int opt_capath(struct options *o, const struct option_call *c)
{
	return set_str(c, &o->capath, c->argv[1]);
}

static int arg_direction(const struct option_call *c, int i, int *dir)
{
	if (strcmp(c->argv[i], "0") == 0)
		*dir = 0;
	else if (strcmp(c->argv[i], "1") == 0)
		*dir = 1;
	else
		return options_error(c, "'%s' is not a key direction (0 or 1)", c->argv[i]);
	return 0;
}

/* 2.6 would prompt without a file; a daemon here has no one to ask. */
static int opt_auth_user_pass(struct options *o, const struct option_call *c)
{
	if (c->argc < 2)
		return options_error(c, "give a file (username and password on two lines) or an inline <auth-user-pass> block: asking on the console is not supported by this version");
	return set_file(c, &o->auth_user_pass);
}

static int opt_tls_auth(struct options *o, const struct option_call *c)
{
	int dir = -1, ret;

	if (c->argc > 2) {
		ret = arg_direction(c, 2, &dir);
		if (ret)
			return ret;
	}
	ret = set_file(c, &o->tls_auth);
	if (ret == 0)
		o->tls_auth_dir = dir;
	return ret;
}

static int opt_key_direction(struct options *o, const struct option_call *c)
{
	return arg_direction(c, 1, &o->key_direction);
}

static const struct {
	const char *word;
	enum tls_version v;
} tls_versions[] = {
	{ "1.0", TLS_VER_1_0 }, { "1.1", TLS_VER_1_1 },
	{ "1.2", TLS_VER_1_2 }, { "1.3", TLS_VER_1_3 },
};

static enum tls_version tls_version_word(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tls_versions); i++)
		if (strcmp(s, tls_versions[i].word) == 0)
			return tls_versions[i].v;
	return TLS_VER_UNSET;
}

/* With or-highest an unknown (newer) version means "the highest we have". */
static int opt_tls_version_min(struct options *o, const struct option_call *c)
{
	enum tls_version v = tls_version_word(c->argv[1]);
	bool highest = c->argc > 2;

	if (highest && strcmp(c->argv[2], "or-highest") != 0)
		return options_error(c, "'%s' is not a keyword (or-highest)", c->argv[2]);
	if (v == TLS_VER_UNSET && !highest)
		return options_error(c, "'%s' is not a TLS version (1.0, 1.1, 1.2 or 1.3)",
				     c->argv[1]);
	o->tls_version_min = v == TLS_VER_UNSET ? TLS_VER_1_3 : v;
	o->tls_version_min_or_highest = highest;
	return 0;
}

static int opt_tls_version_max(struct options *o, const struct option_call *c)
{
	enum tls_version v = tls_version_word(c->argv[1]);

	if (v == TLS_VER_UNSET)
		return options_error(c, "'%s' is not a TLS version (1.0, 1.1, 1.2 or 1.3)",
				     c->argv[1]);
	o->tls_version_max = v;
	return 0;
}

/* tls-cipher, tls-ciphersuites, tls-groups, ecdh-curve, remote-cert-eku:
 * names that only OpenSSL knows, checked when the TLS context is built. */
static int opt_tls_list(struct options *o, const struct option_call *c)
{
	char **dst = &o->tls_groups;

	if (strcmp(c->argv[0], "tls-cipher") == 0)
		dst = &o->tls_cipher;
	else if (strcmp(c->argv[0], "tls-ciphersuites") == 0)
		dst = &o->tls_ciphersuites;
	else if (strcmp(c->argv[0], "ecdh-curve") == 0)
		dst = &o->ecdh_curve;
	else if (strcmp(c->argv[0], "remote-cert-eku") == 0)
		dst = &o->remote_cert_eku;
	return set_str(c, dst, c->argv[1]);
}

static int opt_tls_cert_profile(struct options *o, const struct option_call *c)
{
	static const struct { const char *word; enum tls_cert_profile p; } words[] = {
		{ "legacy", TLS_PROFILE_LEGACY }, { "insecure", TLS_PROFILE_INSECURE },
		{ "preferred", TLS_PROFILE_PREFERRED }, { "suiteb", TLS_PROFILE_SUITEB },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(words); i++) {
		if (strcmp(c->argv[1], words[i].word) == 0) {
			o->tls_cert_profile = words[i].p;
			return 0;
		}
	}
	return options_error(c, "'%s' is not a profile (legacy, preferred, suiteb or insecure)",
			     c->argv[1]);
}

static int opt_remote_cert_tls(struct options *o, const struct option_call *c)
{
	if (strcmp(c->argv[1], "server") == 0)
		o->remote_cert_tls = REMOTE_CERT_SERVER;
	else if (strcmp(c->argv[1], "client") == 0)
		o->remote_cert_tls = REMOTE_CERT_CLIENT;
	else
		return options_error(c, "'%s' is neither 'client' nor 'server'", c->argv[1]);
	return 0;
}

static int opt_verify_x509_name(struct options *o, const struct option_call *c)
{
	static const struct { const char *word; enum verify_x509_type t; } words[] = {
		{ "subject", VERIFY_X509_SUBJECT }, { "name", VERIFY_X509_NAME },
		{ "name-prefix", VERIFY_X509_NAME_PREFIX },
	};
	enum verify_x509_type t = VERIFY_X509_SUBJECT;
	size_t i;

	if (c->argc > 2) {
		for (i = 0; i < ARRAY_SIZE(words); i++)
			if (strcmp(c->argv[2], words[i].word) == 0)
				break;
		if (i == ARRAY_SIZE(words))
			return options_error(c, "'%s' is not a name type (subject, name or name-prefix)",
					     c->argv[2]);
		t = words[i].t;
	}
	o->verify_x509_type = t;
	return set_str(c, &o->verify_x509_name, c->argv[1]);
}

/* Without values the peer certificate only needs a keyUsage extension,
 * whose bits OpenSSL then checks against the TLS role. */
static int opt_remote_cert_ku(struct options *o, const struct option_call *c)
{
	uint16_t ku[CERT_KU_MAX];
	int i;

	if (c->argc - 1 > CERT_KU_MAX)
		return options_error(c, "at most %d key usage values", CERT_KU_MAX);
	for (i = 1; i < c->argc; i++)
		if (cert_ku_parse(c->argv[i], &ku[i - 1]) < 0)
			return options_error(c, "'%s' is not a key usage value: 1 to 4 hex digits, not zero (e.g. a0)",
					     c->argv[i]);
	memcpy(o->remote_cert_ku, ku, sizeof(ku[0]) * (size_t)(c->argc - 1));
	o->n_remote_cert_ku = c->argc - 1;
	o->remote_cert_ku_set = true;
	return 0;
}

static int fp_error(const struct option_call *c, const char *text, int ret, size_t want,
		    size_t got, int line)
{
	char where[32] = "";

	if (line > 0)
		snprintf(where, sizeof(where), " (line %d of the block)", line);
	if (ret == -E2BIG)
		return options_error(c, "more than %d fingerprints%s", CERT_FP_MAX, where);
	if (ret == -ERANGE)
		return options_error(c, "'%s'%s has %zu bytes, a %s fingerprint has %zu", text,
				     where, got, want == CERT_FP_SHA1_LEN ? "SHA1" : "SHA256", want);
	return options_error(c, "'%s'%s is not a fingerprint: write hex byte pairs separated by ':' (AD:B0:95:...)",
			     text, where);
}

/* verify-hash hash [SHA1|SHA256] pins the CA that signed the peer;
 * peer-fingerprint pins the peer itself. Both add to one list, and an
 * inline block (always SHA256) holds one fingerprint per line. */
static int opt_fingerprint(struct options *o, const struct option_call *c)
{
	enum cert_fp_mode mode = strcmp(c->argv[0], "peer-fingerprint") == 0 ?
				 CERT_FP_PEER : CERT_FP_VERIFY_HASH;
	size_t len = CERT_FP_SHA256_LEN, got = 0;
	int ret, line = 0, n = o->n_fp;

	if (mode == CERT_FP_VERIFY_HASH && !c->is_inline) {
		if (c->argc < 3 || strcmp(c->argv[2], "SHA1") == 0)
			len = CERT_FP_SHA1_LEN;
		else if (strcmp(c->argv[2], "SHA256") != 0)
			return options_error(c, "'%s' is not a hash algorithm (SHA1 or SHA256)",
					     c->argv[2]);
	} else if (c->argc > 2) {
		return options_error(c, "a fingerprint takes no algorithm: it is always SHA256");
	}
	if (o->fp_mode != CERT_FP_NONE && o->fp_mode != mode)
		return options_error(c, "--verify-hash and --peer-fingerprint cannot be used together");
	if (o->n_fp && o->fp_len != len)
		return options_error(c, "all fingerprints must use the same hash (SHA1 or SHA256)");
	if (c->is_inline) {
		ret = cert_fp_list_parse(c->argv[1], len, o->fp, CERT_FP_MAX, &n, &line);
		if (ret == 0 && n == o->n_fp)
			return options_error(c, "the inline block holds no fingerprint");
	} else if (n >= CERT_FP_MAX) {
		ret = -E2BIG;
	} else {
		ret = cert_fp_parse(c->argv[1], len, o->fp[n], &got);
		n += ret == 0;
	}
	if (ret)
		return fp_error(c, c->is_inline ? "fingerprint" : c->argv[1], ret, len, got, line);
	o->n_fp = n;
	o->fp_len = len;
	o->fp_mode = mode;
	return 0;
}

static int opt_x509_username_field(struct options *o, const struct option_call *c)
{
	char fields[CERT_FIELDS_MAX][CERT_FIELD_LEN];
	int i;

	if (c->argc - 1 > CERT_FIELDS_MAX)
		return options_error(c, "at most %d fields", CERT_FIELDS_MAX);
	for (i = 1; i < c->argc; i++)
		if (cert_username_field_parse(c->argv[i], fields[i - 1], CERT_FIELD_LEN) < 0)
			return options_error(c, "'%s' is not a field: use a subject attribute (CN, emailAddress, serialNumber, ...) or ext:subjectAltName / ext:issuerAltName",
					     c->argv[i]);
	memcpy(o->username_fields, fields, sizeof(fields[0]) * (size_t)(c->argc - 1));
	o->n_username_fields = c->argc - 1;
	return 0;
}

/* Each --x509-track adds one attribute to the list. */
static int opt_x509_track(struct options *o, const struct option_call *c)
{
	bool chain;

	if (o->n_track >= CERT_TRACK_MAX)
		return options_error(c, "at most %d attributes can be tracked", CERT_TRACK_MAX);
	if (cert_track_parse(c->argv[1], o->track[o->n_track], CERT_FIELD_LEN, &chain) < 0)
		return options_error(c, "'%s' is not an attribute: use a subject field or extension name (CN, basicConstraints, ...), SHA1 or SHA256, with '+' first for the whole chain",
				     c->argv[1]);
	o->track_chain[o->n_track++] = chain;
	return 0;
}

static int opt_crl_verify(struct options *o, const struct option_call *c)
{
	bool dir = false;

	if (c->argc > 2) {
		if (strcmp(c->argv[2], "dir") != 0)
			return options_error(c, "'%s' is not a keyword (dir)", c->argv[2]);
		if (c->is_inline)
			return options_error(c, "an inline CRL cannot be a directory");
		dir = true;
	}
	o->crl_verify_dir = dir;
	return set_file(c, &o->crl_verify);
}

/* tls-timeout, hand-window, tran-window: at least a second, or the
 * timers would spin. */
static int opt_tls_seconds(struct options *o, const struct option_call *c)
{
	int *dst = &o->tls_timeout;

	if (strcmp(c->argv[0], "hand-window") == 0)
		dst = &o->hand_window;
	else if (strcmp(c->argv[0], "tran-window") == 0)
		dst = &o->tran_window;
	return arg_int(c, 1, 1, MAX_SECONDS, dst);
}

/* 0 turns time-based renegotiation off, as in 2.6. */
static int opt_reneg_sec(struct options *o, const struct option_call *c)
{
	int ret = arg_int(c, 1, 0, MAX_SECONDS, &o->reneg_sec);

	if (ret || c->argc < 3)
		return ret;
	return arg_int(c, 2, 0, MAX_SECONDS, &o->reneg_sec_min);
}

#define MAX_PACKET_MIN 154
#define MAX_PACKET_MAX 2048

/* 2.6 clamps an out-of-range size and says so instead of failing. */
static int opt_max_packet_size(struct options *o, const struct option_call *c)
{
	int v, ret = arg_int(c, 1, 0, INT_MAX, &v);

	if (ret)
		return ret;
	if (v < MAX_PACKET_MIN || v > MAX_PACKET_MAX) {
		int use = v < MAX_PACKET_MIN ? MAX_PACKET_MIN : MAX_PACKET_MAX;

		msg(M_INFO, "Note: max-packet-size %d is outside the control channel range (%d to %d), using %d",
		    v, MAX_PACKET_MIN, MAX_PACKET_MAX, use);
		v = use;
	}
	o->max_packet_size = v;
	return 0;
}

static int opt_genkey(struct options *o, const struct option_call *c)
{
	const char *type = c->argc > 1 ? c->argv[1] : "secret";

	if (strcmp(type, "secret") == 0 || strcmp(type, "tls-auth") == 0 ||
	    strcmp(type, "tls-crypt") == 0)
		o->genkey_type = GENKEY_SECRET;
	else if (strcmp(type, "tls-crypt-v2-server") == 0)
		o->genkey_type = GENKEY_TLS_CRYPT_V2_SERVER;
	else if (strcmp(type, "tls-crypt-v2-client") == 0)
		o->genkey_type = GENKEY_TLS_CRYPT_V2_CLIENT;
	else if (strcmp(type, "auth-token") == 0)
		return options_error(c, "key type '%s' is not supported yet by this version",
				     type);
	else
		return options_error(c, "'%s' is not a key type (secret, tls-auth, tls-crypt, "
				     "tls-crypt-v2-server or tls-crypt-v2-client)", type);
	if (c->argc > 3 && o->genkey_type != GENKEY_TLS_CRYPT_V2_CLIENT)
		return options_error(c, "metadata is only for tls-crypt-v2-client keys");
	o->genkey = true;
	if (c->argc > 3 && set_str(c, &o->genkey_metadata, c->argv[3]) < 0)
		return -EINVAL;
	/* an empty file name means stdout, as in 2.6 */
	if (c->argc > 2 && c->argv[2][0])
		return set_str(c, &o->genkey_file, c->argv[2]);
	return 0;
}

/* ---- process ------------------------------------------------------------- */

static int opt_daemon(struct options *o, const struct option_call *c)
{
	o->daemon = true;
	return c->argc > 1 ? set_str(c, &o->daemon_name, c->argv[1]) : 0;
}

static int opt_path(struct options *o, const struct option_call *c)
{
	static const struct { const char *name; size_t off; } paths[] = {
		{ "writepid", offsetof(struct options, writepid) },
		{ "user", offsetof(struct options, user) },
		{ "group", offsetof(struct options, group) },
		{ "cd", offsetof(struct options, cd) },
		{ "chroot", offsetof(struct options, chroot_dir) },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(paths); i++)
		if (strcmp(c->argv[0], paths[i].name) == 0)
			return set_str(c, (char **)((char *)o + paths[i].off), c->argv[1]);
	return options_error(c, "internal error: no string field");
}

/* For handlers in other files (option_server.c). */
int options_arg_int(const struct option_call *c, int i, long long min, long long max,
		    int *out)
{
	return arg_int(c, i, min, max, out);
}

int options_set_str(const struct option_call *c, char **dst, const char *val)
{
	return set_str(c, dst, val);
}

static int opt_script_security(struct options *o, const struct option_call *c)
{
	return arg_int(c, 1, 0, 3, &o->script_security);
}

static int opt_max_clients(struct options *o, const struct option_call *c)
{
	return arg_int(c, 1, 1, 1 << 20, &o->max_clients);
}

/* 2.6 still accepts --tun-ipv6 (old servers push it) and does nothing. */
static int opt_tun_ipv6(struct options *o, const struct option_call *c)
{
	if (c->file)
		msg(D_LOW, "%s:%d: option 'tun-ipv6' is ignored: IPv6 is always enabled",
		    c->file, c->line);
	else
		msg(D_LOW, "command line: option 'tun-ipv6' is ignored: IPv6 is always enabled");
	return 0;
}

/* ---- client mode and what a server pushes -------------------------------- */

static int opt_client(struct options *o, const struct option_call *c)
{
	o->client = true;
	return 0;
}

static int opt_pull(struct options *o, const struct option_call *c)
{
	o->pull = true;
	return 0;
}

/* Grow a list by one zeroed entry, bounded so that neither a config file
 * nor a server can make it grow without end. */
static void *list_add(const struct option_call *c, void *list, int *n,
		      size_t size)
{
	char *p;

	if (*n >= OPT_MAX_LIST) {
		options_error(c, "too many entries (at most %d)", OPT_MAX_LIST);
		return NULL;
	}
	p = realloc(list, (size_t)(*n + 1) * size);
	if (!p) {
		options_error(c, "out of memory");
		return NULL;
	}
	memset(p + (size_t)*n * size, 0, size);
	return p;
}

static int opt_pull_filter(struct options *o, const struct option_call *c)
{
	static const struct { const char *word; enum pull_filter_action a; } words[] = {
		{ "accept", PULL_FILTER_ACCEPT }, { "ignore", PULL_FILTER_IGNORE },
		{ "reject", PULL_FILTER_REJECT },
	};
	struct pull_filter *list, *f;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (strcmp(c->argv[1], words[i].word) == 0)
			break;
	if (i == ARRAY_SIZE(words))
		return options_error(c, "'%s' is not a filter action (accept, ignore or reject)",
				     c->argv[1]);
	list = list_add(c, o->pull_filters, &o->n_pull_filters, sizeof(*list));
	if (!list)
		return -EINVAL;
	o->pull_filters = list;
	f = &list[o->n_pull_filters];
	/* "" is a real filter here: it matches every pushed option. */
	f->text = strdup(c->argv[2]);
	if (!f->text) {
		options_error(c, "out of memory");
		return -ENOMEM;
	}
	f->action = words[i].a;
	o->n_pull_filters++;
	return 0;
}

/* Only "msg..." lines are logged, as 2.6: others were meant for a GUI on
 * the management interface and may carry anything. */
static int opt_echo(struct options *o, const struct option_call *c)
{
	char text[512] = "";
	size_t used = 0;
	int i;

	if (c->argc < 2 || strncmp(c->argv[1], "msg", 3) != 0)
		return 0;
	for (i = 1; i < c->argc && used < sizeof(text); i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used, "%s%s",
					 i > 1 ? " " : "", c->argv[i]);
	msg(M_INFO, "%s:%s", c->context == OPT_CTX_PUSH ? "ECHO-PULL" : "ECHO", text);
	return 0;
}

static int opt_redirect_gateway(struct options *o, const struct option_call *c)
{
	static const struct { const char *word; unsigned int flag; } flags[] = {
		{ "local", REDIRECT_LOCAL }, { "autolocal", REDIRECT_AUTOLOCAL },
		{ "def1", REDIRECT_DEF1 }, { "bypass-dhcp", REDIRECT_BYPASS_DHCP },
		{ "bypass-dns", REDIRECT_BYPASS_DNS },
		{ "block-local", REDIRECT_BLOCK_LOCAL }, { "ipv6", REDIRECT_IPV6 },
		{ "!ipv4", REDIRECT_NOT_IPV4 },
	};
	unsigned int set = REDIRECT_ENABLE;
	size_t k;
	int i;

	for (i = 1; i < c->argc; i++) {
		for (k = 0; k < ARRAY_SIZE(flags); k++)
			if (strcmp(c->argv[i], flags[k].word) == 0)
				break;
		if (k == ARRAY_SIZE(flags))
			return options_error(c, "'%s' is not a flag (local, autolocal, def1, bypass-dhcp, bypass-dns, block-local, ipv6 or !ipv4)",
					     c->argv[i]);
		set |= flags[k].flag;
	}
	/* Repeated, the flags add up, as in 2.6. */
	o->redirect_gateway |= set;
	return 0;
}

/* Append the words after the option name to a list of option_words. */
static int words_add(const struct option_call *c, struct option_words **list,
		     int *n)
{
	struct option_words *l, *w;
	int i;

	l = list_add(c, *list, n, sizeof(*l));
	if (!l)
		return -EINVAL;
	*list = l;
	w = &l[*n];
	w->argv = calloc((size_t)c->argc, sizeof(*w->argv));
	if (!w->argv)
		goto oom;
	for (w->argc = 0; w->argc < c->argc - 1; w->argc++) {
		w->argv[w->argc] = strdup(c->argv[w->argc + 1]);
		if (!w->argv[w->argc])
			goto oom;
	}
	w->pushed = c->context == OPT_CTX_PUSH;
	(*n)++;
	return 0;
oom:
	for (i = 0; w->argv && i < w->argc; i++)
		free(w->argv[i]);
	free(w->argv);
	memset(w, 0, sizeof(*w));
	options_error(c, "out of memory");
	return -ENOMEM;
}

int options_words_add(const struct option_call *c, struct option_words **list, int *n)
{
	return words_add(c, list, n);
}

/* 2.6 on Linux keeps any type, for scripts (foreign_option_N); what a type
 * means is decided where the settings are applied. */
static int opt_dhcp_option(struct options *o, const struct option_call *c)
{
	return words_add(c, &o->dhcp_options, &o->n_dhcp_options);
}

/* addr, addr:port, ipv6 or [ipv6]:port, as --dns server N address takes. */
static bool dns_address_ok(const char *s)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *port = NULL, *close;
	size_t len;
	long p;
	char *end;

	if (s[0] == '[') {
		close = strchr(s, ']');
		if (!close || (close[1] != '\0' && close[1] != ':'))
			return false;
		len = (size_t)(close - s - 1);
		s++;
		port = close[1] == ':' ? close + 2 : NULL;
	} else if (strchr(s, ':') != strrchr(s, ':')) {
		len = strlen(s);	/* bare IPv6, no port */
	} else {
		port = strchr(s, ':');
		len = port ? (size_t)(port++ - s) : strlen(s);
	}
	if (len == 0 || len >= sizeof(host))
		return false;
	memcpy(host, s, len);
	host[len] = '\0';
	if (!options_is_ipv4(host) && !options_is_ipv6_prefix(host, false))
		return false;
	if (strchr(host, '/'))
		return false;
	if (!port)
		return true;
	if (*port < '0' || *port > '9')
		return false;
	p = strtol(port, &end, 10);
	return *end == '\0' && p >= 1 && p <= 65535;
}

#define DNS_MAX_ADDRESSES 8

static int dns_server_args(const struct option_call *c)
{
	const char *what = c->argv[3];
	int n = c->argc - 4, i;

	if (strcmp(what, "address") == 0) {
		if (n > DNS_MAX_ADDRESSES)
			return options_error(c, "a dns server has at most %d addresses",
					     DNS_MAX_ADDRESSES);
		for (i = 4; i < c->argc; i++)
			if (!dns_address_ok(c->argv[i]))
				return options_error(c, "'%s' is not an address (addr, addr:port or [ipv6]:port)",
						     c->argv[i]);
		return 0;
	}
	if (strcmp(what, "resolve-domains") == 0)
		return 0;
	if (n != 1)
		return options_error(c, "'%s' takes one value", what);
	if (strcmp(what, "dnssec") == 0 && strcmp(c->argv[4], "yes") != 0 &&
	    strcmp(c->argv[4], "optional") != 0 && strcmp(c->argv[4], "no") != 0)
		return options_error(c, "'%s' is not a dnssec value (yes, optional or no)",
				     c->argv[4]);
	if (strcmp(what, "transport") == 0 && strcmp(c->argv[4], "DoH") != 0 &&
	    strcmp(c->argv[4], "DoT") != 0 && strcmp(c->argv[4], "plain") != 0)
		return options_error(c, "'%s' is not a transport (DoH, DoT or plain)",
				     c->argv[4]);
	if (strcmp(what, "dnssec") != 0 && strcmp(what, "transport") != 0 &&
	    strcmp(what, "sni") != 0)
		return options_error(c, "'%s' is not a dns server setting (address, resolve-domains, dnssec, transport or sni)",
				     what);
	return 0;
}

/* 2.6: servers pushed with an id replace the configured ones with that id,
 * search domains add up. */
static void dns_drop_configured(struct options *o, int id)
{
	struct option_words *w;
	int i, j, k;

	for (i = j = 0; i < o->n_dns; i++) {
		w = &o->dns[i];
		if (!w->pushed && strcmp(w->argv[0], "server") == 0 &&
		    atoi(w->argv[1]) == id) {
			for (k = 0; k < w->argc; k++)
				free(w->argv[k]);
			free(w->argv);
			continue;
		}
		o->dns[j++] = *w;
	}
	o->n_dns = j;
}

static int opt_dns(struct options *o, const struct option_call *c)
{
	bool push = c->context == OPT_CTX_PUSH;
	int id, ret;

	if (strcmp(c->argv[1], "search-domains") == 0)
		return words_add(c, &o->dns, &o->n_dns);
	if (strcmp(c->argv[1], "server") != 0)
		return options_error(c, "'%s' is not a dns setting (search-domains or server)",
				     c->argv[1]);
	if (c->argc < 5)
		return options_error(c, "'dns server' needs an id, a setting and its value");
	/* Pushed ids start at 0, so a client can keep servers of its own
	 * before the server's. */
	ret = arg_int(c, 2, push ? 0 : -128, 127, &id);
	if (ret == 0)
		ret = dns_server_args(c);
	if (ret)
		return ret;
	if (push)
		dns_drop_configured(o, id);
	return words_add(c, &o->dns, &o->n_dns);
}

static int opt_auth_token(struct options *o, const struct option_call *c)
{
	char *p = strdup(c->argv[1]);

	if (!p) {
		options_error(c, "out of memory");
		return -ENOMEM;
	}
	if (o->auth_token)
		explicit_bzero(o->auth_token, strlen(o->auth_token));
	free(o->auth_token);
	o->auth_token = p;
	return 0;
}

/* 2.6 allows 24 bits: the id shares a word with the opcode. */
static int opt_peer_id(struct options *o, const struct option_call *c)
{
	return arg_int(c, 1, 0, 0xFFFFFF, &o->push_peer_id);
}

static int opt_key_derivation(struct options *o, const struct option_call *c)
{
	if (strcmp(c->argv[1], "tls-ekm") != 0)
		return options_error(c, "'%s' is not a key derivation method (tls-ekm)",
				     c->argv[1]);
	o->key_derivation_ekm = true;
	return 0;
}

/* A newer server may know flags we do not: they are only offers, so they
 * are logged and left out, as 2.6 does. */
static int opt_protocol_flags(struct options *o, const struct option_call *c)
{
	int i;

	for (i = 1; i < c->argc; i++) {
		if (strcmp(c->argv[i], "cc-exit") == 0)
			o->protocol_flags_cc_exit = true;
		else if (strcmp(c->argv[i], "tls-ekm") == 0)
			o->protocol_flags_tls_ekm = true;
		else if (strcmp(c->argv[i], "dyn-tls-crypt") == 0)
			o->protocol_flags_dyn_tls_crypt = true;
		else
			msg(M_WARN, "%s:%d: option 'protocol-flags': unknown flag '%s' ignored",
			    c->file ? c->file : "command line", c->line, c->argv[i]);
	}
	return 0;
}

/* --compress [alg]: without one, framing only (stub). "migrate" is for a
 * server deciding per client, so a pushed one makes no sense. */
static int compress_word(const struct option_call *c, enum comp_alg *a,
			 bool *migrate)
{
	static const struct { const char *word; enum comp_alg a; } words[] = {
		{ "stub", COMP_ALG_STUB }, { "stub-v2", COMP_ALG_STUB_V2 },
		{ "lzo", COMP_ALG_LZO }, { "lz4", COMP_ALG_LZ4 },
		{ "lz4-v2", COMP_ALG_LZ4_V2 },
	};
	bool pushed = c->context == OPT_CTX_PUSH;
	size_t i;

	*a = COMP_ALG_STUB;
	*migrate = false;
	if (c->argc < 2)
		return 0;
	for (i = 0; i < ARRAY_SIZE(words); i++) {
		if (strcmp(c->argv[1], words[i].word) == 0) {
			*a = words[i].a;
			return 0;
		}
	}
	if (!pushed && strcmp(c->argv[1], "migrate") == 0) {
		*a = COMP_ALG_NONE;
		*migrate = true;
		return 0;
	}
	if (pushed)
		return options_error(c, "'%s' is not a compression a server can push (stub, stub-v2, lzo, lz4 or lz4-v2)",
				     c->argv[1]);
	return options_error(c, "'%s' is not a compression (lz4, lz4-v2, stub, stub-v2, migrate or lzo)",
			     c->argv[1]);
}

/* --comp-lzo: "no" is framing only; yes and adaptive ask for LZO, which
 * this version frames but never compresses. */
static int comp_lzo_word(const struct option_call *c, enum comp_alg *a)
{
	const char *w = c->argc > 1 ? c->argv[1] : "yes";

	if (strcmp(w, "no") == 0)
		*a = COMP_ALG_LZO_STUB;
	else if (strcmp(w, "yes") == 0 || strcmp(w, "adaptive") == 0)
		*a = COMP_ALG_LZO;
	else
		return options_error(c, "'%s' is not yes, no or adaptive", w);
	return 0;
}

/*
 * --compress and --comp-lzo: the last one given decides, as in 2.6. A
 * pushed one replaces the configured framing; whether pushed compression
 * is allowed is checked once the whole reply is in (options_check_pushed).
 */
static int opt_compress(struct options *o, const struct option_call *c)
{
	enum comp_alg a;
	bool migrate = false;
	int ret;

	if (strcmp(c->argv[0], "comp-lzo") == 0)
		ret = comp_lzo_word(c, &a);
	else
		ret = compress_word(c, &a, &migrate);
	if (ret < 0)
		return ret;
	o->comp = a;
	o->comp_set = true;
	if (c->context != OPT_CTX_PUSH)
		o->comp_migrate = migrate;
	return 0;
}

static int opt_allow_compression(struct options *o, const struct option_call *c)
{
	static const struct { const char *word; enum comp_allow a; } words[] = {
		{ "no", COMP_ALLOW_NO }, { "asym", COMP_ALLOW_ASYM },
		{ "yes", COMP_ALLOW_YES },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(words); i++) {
		if (strcmp(c->argv[1], words[i].word) == 0) {
			o->allow_compression = words[i].a;
			o->allow_compression_set = true;
			return 0;
		}
	}
	return options_error(c, "'%s' is not no, asym or yes", c->argv[1]);
}

/* ---- scripts ------------------------------------------------------------- */

/* The command is kept as written and split again when it runs; splitting it
 * here reports a quoting slip at its line instead of when the script is due. */
static int set_command(const struct option_call *c, char **dst)
{
	struct script_argv a;
	char err[160];
	int ret = script_argv_parse(&a, c->argv[1], err, sizeof(err));

	script_argv_free(&a);
	if (ret == -ENOMEM) {
		options_error(c, "out of memory");
		return ret;
	}
	if (ret < 0)
		return options_error(c, "cannot split '%s' into a command: %s", c->argv[1], err);
	return set_str(c, dst, c->argv[1]);
}

static int opt_script(struct options *o, const struct option_call *c)
{
	static const struct { const char *name; size_t off; } cmds[] = {
		{ "up", offsetof(struct options, up) },
		{ "down", offsetof(struct options, down) },
		{ "route-up", offsetof(struct options, route_up) },
		{ "route-pre-down", offsetof(struct options, route_pre_down) },
		{ "ipchange", offsetof(struct options, ipchange) },
		{ "tls-verify", offsetof(struct options, tls_verify) },
		{ "tls-crypt-v2-verify", offsetof(struct options, tls_crypt_v2_verify) },
		{ "learn-address", offsetof(struct options, learn_address) },
		{ "client-connect", offsetof(struct options, client_connect) },
		{ "client-disconnect", offsetof(struct options, client_disconnect) },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (strcmp(c->argv[0], cmds[i].name) == 0)
			return set_command(c, (char **)((char *)o + cmds[i].off));
	return options_error(c, "internal error: no script field");
}

static int opt_script_flag(struct options *o, const struct option_call *c)
{
	if (strcmp(c->argv[0], "down-pre") == 0)
		o->down_pre = true;
	else
		o->up_restart = true;
	return 0;
}

static int opt_tmp_dir(struct options *o, const struct option_call *c)
{
	return set_str(c, &o->tmp_dir, c->argv[1]);
}

static int opt_auth_user_pass_verify(struct options *o, const struct option_call *c)
{
	if (strcmp(c->argv[2], "via-env") != 0 && strcmp(c->argv[2], "via-file") != 0)
		return options_error(c, "second parm to --auth-user-pass-verify must be 'via-env' or 'via-file'");
	o->auth_user_pass_verify_via_file = strcmp(c->argv[2], "via-file") == 0;
	return set_command(c, &o->auth_user_pass_verify);
}

/* "setenv opt OPTION ...": apply OPTION if this version knows it, else
 * warn and go on, which is what the prefix asks of 2.6. */
static int opt_setenv_opt(struct options *o, const struct option_call *c)
{
	const struct option_def *d;
	struct option_call sub;
	int n;

	if (c->argc < 3)
		return options_error(c, "'setenv opt' needs the option that follows it");
	d = option_table_lookup(c->argv[2]);
	sub = *c;
	sub.argv = c->argv + 2;
	sub.argc = c->argc - 2;
	sub.is_inline = false;
	n = sub.argc - 1;
	/* as --ignore-unknown-option: what we do not honour is skipped too */
	if (!d || !option_def_supported(d) || n < d->min_args || n > d->max_args)
		return options_skip_optional(&sub, d, "'setenv opt'");
	if (!(d->contexts & c->context))
		return options_error(&sub, "not allowed here");
	return d->handler(o, &sub);
}

/* --setenv-safe puts OPENVPN_ before the name, so that a server cannot push
 * LD_PRELOAD or PATH into its clients' scripts. */
static int opt_setenv(struct options *o, const struct option_call *c)
{
	bool safe = strcmp(c->argv[0], "setenv-safe") == 0;
	char name[ENV_NAME_MAX + 1];
	char *argv[4];
	struct option_call sub;
	int n;

	if (!safe && strcmp(c->argv[1], "opt") == 0)
		return opt_setenv_opt(o, c);
	if (c->argc > 3)
		return options_error(c, "takes a name and one value; quote a value with spaces");
	n = snprintf(name, sizeof(name), "%s%s", safe ? "OPENVPN_" : "", c->argv[1]);
	if (c->argv[1][0] == '\0' || n < 0 || (size_t)n >= sizeof(name))
		return options_error(c, "the name must be 1 to %d characters", ENV_NAME_MAX);
	argv[0] = c->argv[0];
	argv[1] = name;
	argv[2] = c->argc > 2 ? c->argv[2] : NULL;
	argv[3] = NULL;
	sub = *c;
	sub.argv = argv;
	return words_add(&sub, &o->setenv_list, &o->n_setenv);
}

static int opt_ignore_unknown(struct options *o, const struct option_call *c)
{
	return words_add(c, &o->ignore_unknown, &o->n_ignore_unknown);
}

/* ---- client credentials and process ------------------------------------ */

static int opt_auth_retry(struct options *o, const struct option_call *c)
{
	if (strcmp(c->argv[1], "none") == 0)
		o->auth_retry = AUTH_RETRY_NONE;
	else if (strcmp(c->argv[1], "nointeract") == 0)
		o->auth_retry = AUTH_RETRY_NOINTERACT;
	else if (strcmp(c->argv[1], "interact") == 0)
		return options_error(c, "'interact' needs a console to ask for the username and password again, which this version does not do: use 'nointeract' (the file is read again) or 'none'");
	else
		return options_error(c, "'%s' is not one of none, nointeract, interact",
				     c->argv[1]);
	return 0;
}

static int opt_askpass(struct options *o, const struct option_call *c)
{
	if (c->argc < 2)
		return options_error(c, "give a file holding the private key password: asking on the console is not supported by this version");
	return set_file(c, &o->askpass);
}

static int opt_nice(struct options *o, const struct option_call *c)
{
	int ret = arg_int(c, 1, -20, 19, &o->nice);

	if (ret == 0)
		o->nice_set = true;
	return ret;
}

static int opt_client_flag(struct options *o, const struct option_call *c)
{
	static const struct { const char *name; size_t off; } flags[] = {
		{ "auth-nocache", offsetof(struct options, auth_nocache) },
		{ "push-peer-info", offsetof(struct options, push_peer_info) },
		{ "remote-random-hostname", offsetof(struct options, remote_random_hostname) },
		{ "mlock", offsetof(struct options, mlock) },
		{ "errors-to-stderr", offsetof(struct options, errors_to_stderr) },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		if (strcmp(c->argv[0], flags[i].name) == 0) {
			*(bool *)((char *)o + flags[i].off) = true;
			return 0;
		}
	}
	return options_error(c, "internal error: no flag field");
}

static int opt_server_poll_timeout(struct options *o, const struct option_call *c)
{
	return arg_int(c, 1, 0, MAX_SECONDS, &o->server_poll_timeout);
}

/* ---- the table ----------------------------------------------------------- */

static const struct option_def option_table[] = {
	/* generic */
	{ "help", "", 0, 0, C, 0, opt_help },
	{ "version", "", 0, 0, C, 0, opt_version },
	{ "config", "file", 1, 1, C, 0, opt_config },
	{ "mode", "p2p|server", 1, 1, C, 0, opt_mode },
	{ "verb", "n", 1, 1, C, 0, opt_verb },
	{ "mute", "n", 1, 1, C, 0, opt_mute },
	{ "log", "file", 1, 1, C, 0, opt_log },
	{ "log-append", "file", 1, 1, C, 0, opt_log },
	{ "syslog", "[progname]", 0, 1, C, 0, opt_syslog },
	{ "suppress-timestamps", "", 0, 0, C, 0, opt_suppress_timestamps },
	{ "machine-readable-output", "", 0, 0, C, 0, opt_not_yet },
	{ "errors-to-stderr", "", 0, 0, C, 0, opt_client_flag },
	{ "echo", "[parms ...]", 0, MANY, C | P, 0, opt_echo },
	{ "daemon", "[progname]", 0, 1, C, 0, opt_daemon },
	{ "writepid", "file", 1, 1, C, 0, opt_path },
	{ "user", "user", 1, 1, C, 0, opt_path },
	{ "group", "group", 1, 1, C, 0, opt_path },
	{ "cd", "dir", 1, 1, C, 0, opt_path },
	{ "chroot", "dir", 1, 1, C, 0, opt_path },
	{ "setcon", "context", 1, 1, C, 0, opt_not_yet },
	{ "nice", "n", 1, 1, C, 0, opt_nice },
	{ "mlock", "", 0, 0, C, 0, opt_client_flag },
	{ "remap-usr1", "SIGHUP|SIGTERM", 1, 1, C, 0, opt_remap_usr1 },
	{ "status", "file [n]", 1, 2, C, 0, opt_status },
	{ "status-version", "n", 1, 1, C, 0, opt_status_version },
	{ "tmp-dir", "dir", 1, 1, C, 0, opt_tmp_dir },
	{ "setenv", "name [value] | opt option ...", 1, MANY, C, 0, opt_setenv },
	{ "setenv-safe", "name [value]", 1, 2, C | P, 0, opt_setenv },
	{ "ignore-unknown-option", "opt [opt ...]", 1, MANY, C, 0, opt_ignore_unknown },
	{ "script-security", "level", 1, 1, C, 0, opt_script_security },
	{ "plugin", "module [args ...]", 1, MANY, C, 0, opt_not_yet },
	{ "disable-occ", "", 0, 0, C, 0, opt_inert },
	{ "compat-mode", "version", 1, 1, C, 0, opt_not_yet },
	{ "genkey", "[secret|tls-auth|tls-crypt|tls-crypt-v2-server|tls-crypt-v2-client] [keyfile] [metadata]", 0, 3, C, 0, opt_genkey },
	{ "show-ciphers", "", 0, 0, C, 0, opt_show },
	{ "show-digests", "", 0, 0, C, 0, opt_show },
	{ "show-engines", "", 0, 0, C, 0, opt_show },
	{ "show-tls", "", 0, 0, C, 0, opt_show },
	{ "show-groups", "", 0, 0, C, 0, opt_show },
	{ "show-gateway", "[IPv6-target]", 0, 1, C, 0, opt_show },
	{ "test-crypto", "", 0, 0, C, 0, opt_not_yet },
	{ "mktun", "", 0, 0, C, 0, opt_show },
	{ "rmtun", "", 0, 0, C, 0, opt_show },

	/* transport */
	{ "proto", "udp|tcp|tcp-server|tcp-client (with 4|6)", 1, 1, C, 0, opt_proto },
	{ "proto-force", "udp|tcp", 1, 1, C, 0, opt_not_yet },
	{ "local", "host", 1, 1, C, 0, opt_local },
	{ "lport", "port", 1, 1, C, 0, opt_lport },
	{ "rport", "port", 1, 1, C, 0, opt_rport },
	{ "port", "port", 1, 1, C, 0, opt_port },
	{ "nobind", "", 0, 0, C, 0, opt_nobind },
	{ "bind", "[ipv6only]", 0, 1, C, 0, opt_bind },
	{ "bind-dev", "device", 1, 1, C, 0, opt_not_yet },
	{ "remote", "host [port] [proto]", 1, 3, C, 0, opt_remote },
	{ "remote-random", "", 0, 0, C, 0, opt_remote_random },
	{ "remote-random-hostname", "", 0, 0, C, 0, opt_client_flag },
	{ "connection", "(inline block)", 1, 1, C, INL, opt_connection },
	{ "resolv-retry", "n|infinite", 1, 1, C, 0, opt_resolv_retry },
	{ "connect-retry", "n [max]", 1, 2, C, 0, opt_connect_retry },
	{ "connect-retry-max", "n", 1, 1, C, 0, opt_connect_retry_max },
	{ "connect-timeout", "n", 1, 1, C, 0, opt_connect_timeout },
	{ "server-poll-timeout", "n", 1, 1, C, 0, opt_server_poll_timeout },
	{ "float", "", 0, 0, C, 0, opt_float },
	{ "ipchange", "cmd", 1, 1, C, 0, opt_script },
	{ "persist-local-ip", "", 0, 0, C, 0, opt_not_yet },
	{ "persist-remote-ip", "", 0, 0, C, 0, opt_not_yet },
	{ "multihome", "", 0, 0, C, 0, opt_not_yet },
	{ "sndbuf", "size", 1, 1, C | P, 0, opt_sockbuf },
	{ "rcvbuf", "size", 1, 1, C | P, 0, opt_sockbuf },
	{ "mark", "value", 1, 1, C, 0, opt_mark },
	{ "socket-flags", "flags ...", 1, MANY, C | P, 0, opt_socket_flags },
	{ "tcp-nodelay", "", 0, 0, C, 0, opt_tcp_nodelay },
	{ "passtos", "", 0, 0, C, 0, opt_not_yet },
	{ "fast-io", "", 0, 0, C, 0, opt_inert },
	{ "shaper", "n", 1, 1, C, 0, opt_not_yet },
	{ "http-proxy", "server port [authfile|auto|auto-nct] [auth-method]", 1, 4, C, 0, opt_not_yet },
	{ "http-proxy-option", "type [parm]", 1, 2, C, 0, opt_not_yet },
	{ "http-proxy-user-pass", "userpass", 1, 1, C, INL, opt_not_yet },
	{ "socks-proxy", "server [port] [authfile]", 1, 3, C, 0, opt_not_yet },
	{ "port-share", "host port [dir]", 2, 3, C, 0, opt_not_yet },
	{ "mtu-disc", "no|maybe|yes", 1, 1, C, 0, opt_mtu_disc },
	{ "mtu-test", "", 0, 0, C, 0, opt_not_yet },
	{ "mssfix", "[max] [mtu|fixed]", 0, 2, C | P, 0, opt_mssfix },
	{ "fragment", "max [mtu]", 1, 2, C, 0, opt_not_yet },
	{ "link-mtu", "n", 1, 1, C, 0, opt_not_yet },
	{ "max-packet-size", "size", 1, 1, C, 0, opt_max_packet_size },
	{ "explicit-exit-notify", "[n]", 0, 1, C | P, 0, opt_explicit_exit_notify },

	/* tun device */
	{ "dev", "tun|tunX|name", 1, 1, C, 0, opt_dev },
	{ "dev-type", "tun", 1, 1, C, 0, opt_dev_type },
	{ "dev-node", "node", 1, 1, C, 0, opt_dev_node },
	{ "lladdr", "address", 1, 1, C, 0, opt_not_yet },
	{ "iproute", "cmd", 1, 1, C, 0, opt_not_yet },
	{ "tun-mtu", "n [occ-mtu]", 1, 2, C | P, 0, opt_tun_mtu },
	{ "tun-mtu-extra", "n", 1, 1, C, 0, opt_not_yet },
	{ "tun-max-mtu", "maxmtu", 1, 1, C, 0, opt_not_yet },
	{ "tun-ipv6", "", 0, 0, C | P, 0, opt_tun_ipv6 },
	{ "txqueuelen", "n", 1, 1, C, 0, opt_txqueuelen },
	{ "topology", "net30|p2p|subnet", 1, 1, C | P, 0, opt_topology },
	{ "ifconfig", "local remote|netmask", 2, 2, C | P, 0, opt_ifconfig },
	{ "ifconfig-ipv6", "addr/bits remote", 2, 2, C | P, 0, opt_ifconfig_ipv6 },
	{ "ifconfig-noexec", "", 0, 0, C, 0, opt_flag },
	{ "ifconfig-nowarn", "", 0, 0, C, 0, opt_inert },
	{ "persist-tun", "", 0, 0, C, 0, opt_flag },
	{ "persist-key", "", 0, 0, C, 0, opt_flag },
	{ "up", "cmd", 1, 1, C, 0, opt_script },
	{ "down", "cmd", 1, 1, C, 0, opt_script },
	{ "down-pre", "", 0, 0, C, 0, opt_script_flag },
	{ "up-delay", "", 0, 0, C, 0, opt_not_yet },
	{ "up-restart", "", 0, 0, C, 0, opt_script_flag },
	{ "disable-dco", "", 0, 0, C, 0, opt_flag },
	{ "require-dco", "", 0, 0, C, 0, opt_flag },
	{ "dco-check", "", 0, 0, C, 0, opt_flag },

	/* routes */
	{ "route", "network [netmask [gateway [metric]]]", 1, 4, C | P, RT, opt_route },
	{ "route-ipv6", "network/bits [gateway [metric]]", 1, 3, C | P, RT, opt_route_ipv6 },
	{ "route-gateway", "gw|dhcp", 1, 1, C | P, 0, opt_route_gateway },
	{ "route-ipv6-gateway", "gw", 1, 1, C | P, 0, opt_not_yet },
	{ "route-metric", "m", 1, 1, C | P, RT, opt_route_metric },
	{ "route-delay", "[n [w]]", 0, 2, C | P, 0, opt_not_yet },
	{ "route-up", "cmd", 1, 1, C, 0, opt_script },
	{ "route-pre-down", "cmd", 1, 1, C, 0, opt_script },
	{ "route-noexec", "", 0, 0, C, 0, opt_flag },
	{ "route-nopull", "", 0, 0, C, 0, opt_flag },
	{ "allow-pull-fqdn", "", 0, 0, C, 0, opt_not_yet },
	{ "allow-recursive-routing", "", 0, 0, C, 0, opt_inert },
	{ "redirect-gateway", "[flags ...]", 0, MANY, C | P, RT, opt_redirect_gateway },
	{ "redirect-private", "[flags ...]", 0, MANY, C | P, RT, opt_not_yet },
	{ "block-ipv6", "", 0, 0, C | P, RT, opt_not_yet },
	{ "client-nat", "snat|dnat network netmask alias", 4, 4, C | P, RT, opt_not_yet },
	{ "dhcp-option", "type [parm]", 1, 2, C | P, RT, opt_dhcp_option },
	{ "dns", "search-domains|server ... args", 2, MANY, C | P, RT, opt_dns },

	/* liveness */
	{ "ping", "n", 1, 1, C | P, 0, opt_ping_timer },
	{ "ping-restart", "n", 1, 1, C | P, 0, opt_ping_timer },
	{ "ping-exit", "n", 1, 1, C | P, 0, opt_ping_timer },
	{ "ping-timer-rem", "", 0, 0, C, 0, opt_flag },
	{ "keepalive", "interval timeout", 2, 2, C, 0, opt_keepalive },
	{ "inactive", "n [bytes]", 1, 2, C | P, 0, opt_inactive },
	{ "single-session", "", 0, 0, C, 0, opt_flag },

	/* data channel */
	{ "cipher", "alg", 1, 1, C | P, 0, opt_cipher },
	{ "auth", "alg", 1, 1, C, 0, opt_auth },
	{ "data-ciphers", "cipher-list", 1, 1, C, 0, opt_data_ciphers },
	{ "data-ciphers-fallback", "alg", 1, 1, C, 0, opt_data_ciphers_fallback },
	{ "ncp-ciphers", "cipher-list", 1, 1, C, 0, opt_data_ciphers },
	{ "secret", "file [direction]", 1, 2, C, INL, opt_not_yet },
	{ "key-direction", "0|1", 1, 1, C, 0, opt_key_direction },
	{ "replay-window", "n [t]", 1, 2, C, 0, opt_replay_window },
	{ "replay-persist", "file", 1, 1, C, 0, opt_not_yet },
	{ "mute-replay-warnings", "", 0, 0, C, 0, opt_flag },
	{ "use-prediction-resistance", "", 0, 0, C, 0, opt_not_yet },
	{ "engine", "[engine-name]", 0, 1, C, 0, opt_not_yet },
	{ "providers", "provider ...", 1, MANY, C, 0, opt_not_yet },
	{ "comp-lzo", "[yes|no|adaptive]", 0, 1, C | D | P, 0, opt_compress },
	{ "compress", "[lz4|lz4-v2|stub|stub-v2|migrate]", 0, 1, C | D | P, 0, opt_compress },
	{ "comp-noadapt", "", 0, 0, C, 0, opt_not_yet },
	{ "allow-compression", "no|asym|yes", 1, 1, C, 0, opt_allow_compression },

	/* TLS */
	{ "tls-server", "", 0, 0, C, 0, opt_tls_role },
	{ "tls-client", "", 0, 0, C, 0, opt_tls_role },
	{ "client", "", 0, 0, C, 0, opt_client },
	{ "pull", "", 0, 0, C, 0, opt_pull },
	{ "ca", "file", 1, 1, C, INL, opt_file },
	{ "capath", "dir", 1, 1, C, 0, opt_capath },
	{ "cert", "file", 1, 1, C, INL, opt_file },
	{ "extra-certs", "file", 1, 1, C, INL, opt_file },
	{ "key", "file", 1, 1, C, INL, opt_file },
	{ "pkcs12", "file", 1, 1, C, INL, opt_file },
	{ "dh", "file|none", 1, 1, C, INL, opt_dh },
	{ "ecdh-curve", "name", 1, 1, C, 0, opt_tls_list },
	{ "tls-auth", "file [direction]", 1, 2, C, INL, opt_tls_auth },
	{ "tls-crypt", "keyfile", 1, 1, C, INL, opt_file },
	{ "tls-crypt-v2", "keyfile [force-cookie|allow-noncookie]", 1, 2, C, INL, opt_tls_crypt_v2 },
	{ "tls-crypt-v2-verify", "cmd", 1, 1, C, 0, opt_script },
	{ "tls-cipher", "list", 1, 1, C, 0, opt_tls_list },
	{ "tls-ciphersuites", "list", 1, 1, C, 0, opt_tls_list },
	{ "tls-groups", "list", 1, 1, C, 0, opt_tls_list },
	{ "tls-cert-profile", "legacy|preferred|suiteb|insecure", 1, 1, C, 0, opt_tls_cert_profile },
	{ "tls-version-min", "version [or-highest]", 1, 2, C, 0, opt_tls_version_min },
	{ "tls-version-max", "version", 1, 1, C, 0, opt_tls_version_max },
	{ "tls-timeout", "n", 1, 1, C, 0, opt_tls_seconds },
	{ "tls-exit", "", 0, 0, C, 0, opt_flag },
	{ "tls-export-cert", "dir", 1, 1, C, 0, opt_not_yet },
	{ "tls-verify", "cmd", 1, 1, C, 0, opt_script },
	{ "hand-window", "n", 1, 1, C, 0, opt_tls_seconds },
	{ "tran-window", "n", 1, 1, C, 0, opt_tls_seconds },
	{ "reneg-sec", "max [min]", 1, 2, C, 0, opt_reneg_sec },
	{ "reneg-bytes", "n", 1, 1, C, 0, opt_reneg_count },
	{ "reneg-pkts", "n", 1, 1, C, 0, opt_reneg_count },
	{ "remote-cert-tls", "client|server", 1, 1, C, 0, opt_remote_cert_tls },
	{ "remote-cert-ku", "[key-usage ...]", 0, MANY, C, 0, opt_remote_cert_ku },
	{ "remote-cert-eku", "oid", 1, 1, C, 0, opt_tls_list },
	{ "verify-x509-name", "name [subject|name|name-prefix]", 1, 2, C, 0, opt_verify_x509_name },
	{ "verify-hash", "hash [SHA1|SHA256]", 1, 2, C, INL, opt_fingerprint },
	{ "peer-fingerprint", "fingerprint", 1, 1, C, INL, opt_fingerprint },
	{ "x509-track", "attribute", 1, 1, C, 0, opt_x509_track },
	{ "x509-username-field", "[ext:]fieldname ...", 1, MANY, C, 0, opt_x509_username_field },
	{ "crl-verify", "file [dir]", 1, 2, C, INL, opt_crl_verify },
	{ "verify-client-cert", "none|optional|require", 1, 1, C, 0, opt_verify_client_cert },
	{ "askpass", "[file]", 0, 1, C, 0, opt_askpass },
	{ "auth-nocache", "", 0, 0, C, 0, opt_client_flag },
	{ "auth-retry", "none|nointeract|interact", 1, 1, C, 0, opt_auth_retry },
	{ "auth-user-pass", "[up]", 0, 1, C, INL, opt_auth_user_pass },
	{ "auth-token", "token", 1, 1, P, 0, opt_auth_token },
	{ "auth-token-user", "base64username", 1, 1, P, 0, opt_not_yet },
	{ "static-challenge", "text echo", 2, 2, C, 0, opt_not_yet },
	{ "keying-material-exporter", "label len", 2, 2, C, 0, opt_not_yet },
	{ "force-tls-key-material-export", "", 0, 0, C, 0, opt_not_yet },
	{ "push-peer-info", "", 0, 0, C, 0, opt_client_flag },
	{ "pull-filter", "accept|ignore|reject text", 2, 2, C, 0, opt_pull_filter },
	{ "pkcs11-providers", "provider ...", 1, MANY, C, 0, opt_not_yet },
	{ "pkcs11-id", "name", 1, 1, C, 0, opt_not_yet },
	{ "pkcs11-id-management", "", 0, 0, C, 0, opt_not_yet },
	{ "pkcs11-pin-cache", "seconds", 1, 1, C, 0, opt_not_yet },
	{ "pkcs11-private-mode", "mode ...", 1, MANY, C, 0, opt_not_yet },
	{ "pkcs11-protected-authentication", "0|1 ...", 1, MANY, C, 0, opt_not_yet },
	{ "pkcs11-cert-private", "0|1 ...", 1, MANY, C, 0, opt_not_yet },
	{ "show-pkcs11-ids", "[provider] [cert_private]", 0, 2, C, 0, opt_not_yet },

	/* values only a server sends in PUSH_REPLY */
	{ "peer-id", "id", 1, 1, P, 0, opt_peer_id },
	{ "key-derivation", "tls-ekm", 1, 1, P, 0, opt_key_derivation },
	{ "protocol-flags", "flags ...", 1, MANY, P, 0, opt_protocol_flags },

	/* server mode */
	{ "server", "network netmask [nopool]", 2, 3, C, 0, opt_server },
	{ "server-ipv6", "addr/bits", 1, 1, C, 0, opt_server_ipv6 },
	{ "server-bridge", "[gateway netmask pool-start pool-end | nogw]", 0, 4, C, 0, opt_not_yet },
	{ "max-clients", "n", 1, 1, C, 0, opt_max_clients },
	{ "ifconfig-pool", "start-IP end-IP [netmask]", 2, 3, C, 0, opt_ifconfig_pool },
	{ "ifconfig-pool-persist", "file [seconds]", 1, 2, C, 0, opt_ifconfig_pool_persist },
	{ "ifconfig-ipv6-pool", "addr/bits", 1, 1, C, 0, opt_ifconfig_ipv6_pool },
	{ "ifconfig-push", "local remote-netmask [alias]", 2, 3, D, 0, opt_ifconfig_push },
	{ "ifconfig-ipv6-push", "addr/bits [remote]", 1, 2, D, 0, opt_ifconfig_ipv6_push },
	{ "iroute", "network [netmask]", 1, 2, D, 0, opt_iroute },
	{ "iroute-ipv6", "addr/bits", 1, 1, D, 0, opt_iroute_ipv6 },
	{ "push", "\"option\"", 1, 1, C | D, 0, opt_push },
	{ "push-reset", "", 0, 0, D, 0, opt_push_reset },
	{ "push-remove", "opt", 1, 1, C | D, 0, opt_push_remove },
	{ "disable", "", 0, 0, D, 0, opt_server_flag },
	{ "client-config-dir", "dir", 1, 1, C, 0, opt_client_config_dir },
	{ "ccd-exclusive", "", 0, 0, C, 0, opt_server_flag },
	{ "client-to-client", "", 0, 0, C, 0, opt_server_flag },
	{ "duplicate-cn", "", 0, 0, C, 0, opt_server_flag },
	{ "max-routes-per-client", "n", 1, 1, C, 0, opt_max_routes_per_client },
	{ "stale-routes-check", "n [t]", 1, 2, C, 0, opt_not_yet },
	{ "connect-freq", "n sec", 2, 2, C, 0, opt_connect_freq },
	{ "connect-freq-initial", "n sec", 2, 2, C, 0, opt_connect_freq },
	{ "tcp-queue-limit", "n", 1, 1, C, 0, opt_not_yet },
	{ "hash-size", "r v", 2, 2, C, 0, opt_inert },
	{ "bcast-buffers", "n", 1, 1, C, 0, opt_inert },
	{ "learn-address", "cmd", 1, 1, C, 0, opt_script },
	{ "client-connect", "cmd", 1, 1, C, 0, opt_script },
	{ "client-disconnect", "cmd", 1, 1, C, 0, opt_script },
	{ "client-crresponse", "cmd", 1, 1, C, 0, opt_not_yet },
	{ "auth-user-pass-verify", "cmd via-env|via-file", 2, 2, C, 0, opt_auth_user_pass_verify },
	{ "auth-user-pass-optional", "", 0, 0, C, 0, opt_not_yet },
	{ "auth-gen-token", "[lifetime] [renewal-time] [external-auth]", 0, 3, C, 0, opt_not_yet },
	{ "auth-gen-token-secret", "file", 1, 1, C, INL, opt_not_yet },
	{ "username-as-common-name", "", 0, 0, C, 0, opt_server_flag },
	{ "opt-verify", "", 0, 0, C, 0, opt_not_yet },
	{ "vlan-tagging", "", 0, 0, C, 0, opt_not_yet },
	{ "vlan-accept", "all|tagged|untagged", 1, 1, C, 0, opt_not_yet },
	{ "vlan-pvid", "v", 1, 1, C | D, 0, opt_not_yet },

	/* management interface */
	{ "management", "addr port|unix-path unix [pw-file]", 2, 3, C, 0, opt_management },
	{ "management-client", "", 0, 0, C, 0, opt_not_yet },
	{ "management-client-auth", "", 0, 0, C, 0, opt_not_yet },
	{ "management-client-user", "u", 1, 1, C, 0, opt_management_client_ug },
	{ "management-client-group", "g", 1, 1, C, 0, opt_management_client_ug },
	{ "management-external-cert", "certificate-hint", 1, 1, C, 0, opt_not_yet },
	{ "management-external-key", "[nopadding] [pkcs1] [pss]", 0, 3, C, 0, opt_not_yet },
	{ "management-forget-disconnect", "", 0, 0, C, 0, opt_not_yet },
	{ "management-hold", "", 0, 0, C, 0, opt_management_flag },
	{ "management-log-cache", "n", 1, 1, C, 0, opt_management_log_cache },
	{ "management-query-passwords", "", 0, 0, C, 0, opt_not_yet },
	{ "management-query-proxy", "", 0, 0, C, 0, opt_not_yet },
	{ "management-query-remote", "", 0, 0, C, 0, opt_not_yet },
	{ "management-signal", "", 0, 0, C, 0, opt_management_flag },
	{ "management-up-down", "", 0, 0, C, 0, opt_not_yet },

	/* Windows only */
	{ "allow-nonadmin", "[TAP-adapter]", 0, 1, C, 0, opt_windows },
	{ "block-outside-dns", "", 0, 0, C | P, RT, opt_windows_pushed },
	{ "cryptoapicert", "select-string", 1, 1, C, 0, opt_windows },
	{ "dhcp-release", "", 0, 0, C, 0, opt_windows },
	{ "dhcp-renew", "", 0, 0, C | P, 0, opt_windows },
	{ "ip-win32", "method [offset] [lease-time]", 1, 3, C | P, 0, opt_windows },
	{ "pause-exit", "", 0, 0, C, 0, opt_windows },
	{ "register-dns", "", 0, 0, C | P, RT, opt_windows_pushed },
	{ "route-method", "adaptive|api|exe", 1, 1, C, 0, opt_windows },
	{ "service", "exit-event [0|1]", 1, 2, C, 0, opt_windows },
	{ "show-adapters", "", 0, 0, C, 0, opt_windows },
	{ "show-net", "", 0, 0, C, 0, opt_windows },
	{ "show-net-up", "", 0, 0, C, 0, opt_windows },
	{ "show-valid-subnets", "", 0, 0, C, 0, opt_windows },
	{ "tap-sleep", "n", 1, 1, C | P, 0, opt_windows },
	{ "win-sys", "path", 1, 1, C, 0, opt_windows },
	{ "windows-driver", "wintun|tap-windows6|ovpn-dco", 1, 1, C, 0, opt_windows },

	/* removed from OpenVPN, listed to say so */
	{ "client-cert-not-required", "", 0, 0, C, 0, opt_removed },
	{ "ifconfig-pool-linear", "", 0, 0, C, 0, opt_removed },
	{ "key-method", "n", 0, 1, C, 0, opt_removed },
	{ "management-client-pf", "", 0, 0, C, 0, opt_removed },
	{ "ncp-disable", "", 0, 0, C, 0, opt_removed },
	{ "no-iv", "", 0, 0, C, 0, opt_removed },
	{ "no-replay", "", 0, 0, C, 0, opt_removed },
	{ "ns-cert-type", "client|server", 0, 1, C, 0, opt_removed },
	{ "prng", "[alg] [nsl]", 0, 2, C, 0, opt_removed },
	{ "tls-remote", "name", 0, 1, C, 0, opt_removed },
	{ "compat-names", "[no-remapping]", 0, 1, C, 0, opt_removed },
	{ "no-name-remapping", "", 0, 0, C, 0, opt_removed },
};

const struct option_def *option_table_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(option_table); i++)
		if (strcmp(option_table[i].name, name) == 0)
			return &option_table[i];
	return NULL;
}

const struct option_def *option_table_row(size_t i)
{
	return i < ARRAY_SIZE(option_table) ? &option_table[i] : NULL;
}

bool option_def_supported(const struct option_def *d)
{
	return option_def_status(d) == NULL;
}

const char *option_def_status(const struct option_def *d)
{
	if (d->handler == opt_not_yet || (d->flags & OPT_F_PUSH_ONLY_YET))
		return "not supported yet";
	if (d->handler == opt_windows || d->handler == opt_windows_pushed)
		return "Windows only";
	if (d->handler == opt_removed)
		return "removed";
	return NULL;
}
