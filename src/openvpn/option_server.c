/*
 * Server-mode options: their handlers (rows in option_table.c) and the
 * finalize step that expands --server / --server-ipv6 / --keepalive into
 * what OpenVPN 2.6 derives from them (tun addresses, pools, pushed options).
 */
#include "options.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "log.h"

/* ---- argument parsing ---------------------------------------------------- */

static int arg_ipv4(const struct option_call *c, int i, struct in_addr *out)
{
	if (inet_pton(AF_INET, c->argv[i], out) != 1)
		return options_error(c, "'%s' is not an IPv4 address", c->argv[i]);
	return 0;
}

static int arg_netmask(const struct option_call *c, int i, struct in_addr *out)
{
	if (!options_is_netmask(c->argv[i]) || inet_pton(AF_INET, c->argv[i], out) != 1)
		return options_error(c, "'%s' is not a netmask", c->argv[i]);
	return 0;
}

/* "addr/bits" with bits in [min_bits, 128]. */
static int arg_ipv6_prefix(const struct option_call *c, int i, int min_bits,
			   struct in6_addr *addr, int *bits)
{
	char text[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(c->argv[i], '/');
	char *end;
	long b;

	if (!slash || (size_t)(slash - c->argv[i]) >= INET6_ADDRSTRLEN)
		return options_error(c, "'%s' is not an IPv6 prefix (addr/bits)", c->argv[i]);
	memcpy(text, c->argv[i], (size_t)(slash - c->argv[i]));
	text[slash - c->argv[i]] = '\0';
	errno = 0;
	b = strtol(slash + 1, &end, 10);
	if (inet_pton(AF_INET6, text, addr) != 1 || slash[1] < '0' || slash[1] > '9' ||
	    *end != '\0' || b > 128)
		return options_error(c, "'%s' is not an IPv6 prefix (addr/bits)", c->argv[i]);
	if (b < min_bits)
		return options_error(c, "'%s': the prefix must be /%d or longer", c->argv[i],
				     min_bits);
	*bits = (int)b;
	return 0;
}

static uint32_t mask_bits_host(struct in_addr mask)
{
	return ntohl(mask.s_addr);
}

/* ---- handlers ------------------------------------------------------------- */

int opt_server(struct options *o, const struct option_call *c)
{
	int ret = arg_ipv4(c, 1, &o->server_net);

	if (ret == 0)
		ret = arg_netmask(c, 2, &o->server_mask);
	if (ret < 0)
		return ret;
	if (c->argc == 4 && strcmp(c->argv[3], "nopool") != 0)
		return options_error(c, "'%s' is not a --server flag (nopool)", c->argv[3]);
	if ((ntohl(o->server_net.s_addr) & ~mask_bits_host(o->server_mask)) != 0)
		return options_error(c, "%s is not the network address of %s/%s (host bits are set)",
				     c->argv[1], c->argv[1], c->argv[2]);
	o->server_nopool = c->argc == 4;
	o->server_set = true;
	return 0;
}

int opt_server_ipv6(struct options *o, const struct option_call *c)
{
	int ret = arg_ipv6_prefix(c, 1, 64, &o->server_ipv6, &o->server_ipv6_bits);

	if (ret < 0)
		return ret;
	if (o->server_ipv6_bits > 124)
		return options_error(c, "'%s': the prefix must be /124 or shorter", c->argv[1]);
	o->server_ipv6_set = true;
	return 0;
}

int opt_ifconfig_pool(struct options *o, const struct option_call *c)
{
	int ret = arg_ipv4(c, 1, &o->pool_start);

	if (ret == 0)
		ret = arg_ipv4(c, 2, &o->pool_end);
	o->pool_netmask.s_addr = 0;
	if (ret == 0 && c->argc == 4)
		ret = arg_netmask(c, 3, &o->pool_netmask);
	if (ret < 0)
		return ret;
	if (ntohl(o->pool_start.s_addr) > ntohl(o->pool_end.s_addr))
		return options_error(c, "the start address %s is after the end address %s",
				     c->argv[1], c->argv[2]);
	o->pool_set = true;
	return 0;
}

int opt_ifconfig_ipv6_pool(struct options *o, const struct option_call *c)
{
	int ret = arg_ipv6_prefix(c, 1, 64, &o->pool_ipv6, &o->pool_ipv6_bits);

	if (ret == 0)
		o->pool_ipv6_set = true;
	return ret;
}

int opt_ifconfig_pool_persist(struct options *o, const struct option_call *c)
{
	int ret = options_set_str(c, &o->pool_persist_file, c->argv[1]);

	o->pool_persist_secs = 600;	/* 2.6's default */
	if (ret == 0 && c->argc == 3)
		ret = options_arg_int(c, 2, 0, 366 * 24 * 3600, &o->pool_persist_secs);
	return ret;
}

/* Pushed options travel comma-separated, so a comma would split one. */
int opt_push(struct options *o, const struct option_call *c)
{
	const char *p;

	for (p = c->argv[1]; *p; p++) {
		if (*p == ',')
			return options_error(c, "'%s': a pushed option cannot contain a comma; use one --push per option",
					     c->argv[1]);
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return options_error(c, "'%s': control characters cannot be pushed",
					     c->argv[1]);
	}
	if (strlen(c->argv[1]) > 900)
		return options_error(c, "a pushed option can be at most 900 characters long");
	return options_words_add(c, &o->push, &o->n_push);
}

int opt_push_reset(struct options *o, const struct option_call *c)
{
	(void)c;
	o->push_reset = true;
	return 0;
}

int opt_push_remove(struct options *o, const struct option_call *c)
{
	return options_words_add(c, &o->push_remove, &o->n_push_remove);
}

/* Flags without arguments. */
int opt_server_flag(struct options *o, const struct option_call *c)
{
	const char *n = c->argv[0];

	if (strcmp(n, "client-to-client") == 0)
		o->client_to_client = true;
	else if (strcmp(n, "duplicate-cn") == 0)
		o->duplicate_cn = true;
	else if (strcmp(n, "ccd-exclusive") == 0)
		o->ccd_exclusive = true;
	else if (strcmp(n, "disable") == 0)
		o->ccd_disable = true;
	else if (strcmp(n, "username-as-common-name") == 0)
		o->username_as_cn = true;
	else
		return options_error(c, "internal error: not a server flag");
	return 0;
}

int opt_client_config_dir(struct options *o, const struct option_call *c)
{
	return options_set_str(c, &o->client_config_dir, c->argv[1]);
}

int opt_max_routes_per_client(struct options *o, const struct option_call *c)
{
	return options_arg_int(c, 1, 1, 1 << 16, &o->max_routes_per_client);
}

int opt_verify_client_cert(struct options *o, const struct option_call *c)
{
	const char *v = c->argv[1];

	if (strcmp(v, "require") == 0)
		o->verify_client_cert = VERIFY_CLIENT_REQUIRE;
	else if (strcmp(v, "optional") == 0)
		o->verify_client_cert = VERIFY_CLIENT_OPTIONAL;
	else if (strcmp(v, "none") == 0)
		o->verify_client_cert = VERIFY_CLIENT_NONE;
	else
		return options_error(c, "'%s': use none, optional or require", v);
	return 0;
}

int opt_connect_freq(struct options *o, const struct option_call *c)
{
	bool initial = strcmp(c->argv[0], "connect-freq-initial") == 0;
	int ret = options_arg_int(c, 1, 1, 1 << 20,
				  initial ? &o->connect_freq_initial_n : &o->connect_freq_n);

	return ret ? ret : options_arg_int(c, 2, 1, 366 * 24 * 3600,
					   initial ? &o->connect_freq_initial_secs :
					   &o->connect_freq_secs);
}

int opt_status(struct options *o, const struct option_call *c)
{
	int ret = options_set_str(c, &o->status_file, c->argv[1]);

	if (ret == 0 && c->argc == 3)
		ret = options_arg_int(c, 2, 1, 366 * 24 * 3600, &o->status_secs);
	return ret;
}

int opt_status_version(struct options *o, const struct option_call *c)
{
	return options_arg_int(c, 1, 1, 3, &o->status_version);
}

int opt_ifconfig_push(struct options *o, const struct option_call *c)
{
	int ret = arg_ipv4(c, 1, &o->ifconfig_push_local);

	if (ret == 0)
		ret = arg_ipv4(c, 2, &o->ifconfig_push_remote);
	if (ret < 0)
		return ret;
	if (c->argc == 4)
		msg(M_WARN, "%s:%d: ifconfig-push: the alias argument is ignored on Linux",
		    c->file ? c->file : "command line", c->line);
	o->ifconfig_push_set = true;
	return 0;
}

int opt_ifconfig_ipv6_push(struct options *o, const struct option_call *c)
{
	int ret = arg_ipv6_prefix(c, 1, 0, &o->ifconfig_ipv6_push, &o->ifconfig_ipv6_push_bits);
	struct in6_addr remote;

	if (ret < 0)
		return ret;
	if (c->argc == 3 && inet_pton(AF_INET6, c->argv[2], &remote) != 1)
		return options_error(c, "'%s' is not an IPv6 address", c->argv[2]);
	o->ifconfig_ipv6_push_set = true;
	return 0;
}

int opt_iroute(struct options *o, const struct option_call *c)
{
	struct in_addr net, mask = { .s_addr = 0xffffffffu };
	int ret = arg_ipv4(c, 1, &net);

	if (ret == 0 && c->argc == 3)
		ret = arg_netmask(c, 2, &mask);
	if (ret < 0)
		return ret;
	if ((ntohl(net.s_addr) & ~mask_bits_host(mask)) != 0)
		return options_error(c, "%s has host bits set for netmask %s", c->argv[1],
				     c->argc == 3 ? c->argv[2] : "255.255.255.255");
	return options_words_add(c, &o->iroutes, &o->n_iroutes);
}

int opt_iroute_ipv6(struct options *o, const struct option_call *c)
{
	struct in6_addr a;
	int bits;
	int ret = arg_ipv6_prefix(c, 1, 0, &a, &bits);

	return ret ? ret : options_words_add(c, &o->iroutes_ipv6, &o->n_iroutes_ipv6);
}

/* ---- finalize ------------------------------------------------------------- */

static int push_addf(struct options *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Append a helper-generated push, as if the config had said --push. */
static int push_addf(struct options *o, const char *fmt, ...)
{
	char text[256];
	char *argv[2] = { (char *)"push", text };
	struct option_call c = { .file = "(server helper)", .context = OPT_CTX_CMDLINE,
				 .argc = 2, .argv = argv };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return options_words_add(&c, &o->push, &o->n_push) < 0 ? 1 : 0;
}

static char *ntoa_dup(struct in_addr a)
{
	char s[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, s, sizeof(s));
	return strdup(s);
}

static struct in_addr host_plus(struct in_addr net, uint32_t n)
{
	struct in_addr a = { .s_addr = htonl(ntohl(net.s_addr) + n) };

	return a;
}

static int set_ifconfig(struct options *o, struct in_addr local, struct in_addr remote)
{
	free(o->ifconfig_local);
	free(o->ifconfig_remote);
	o->ifconfig_local = ntoa_dup(local);
	o->ifconfig_remote = ntoa_dup(remote);
	return o->ifconfig_local && o->ifconfig_remote ? 0 : 1;
}

/* net30/p2p: the rest of the --server network is reached via the tun peer. */
static int add_server_route(struct options *o)
{
	struct route_entry *r;
	char net[INET_ADDRSTRLEN], mask[INET_ADDRSTRLEN];

	if (o->n_routes >= OPT_MAX_ROUTES)
		return options_report("--server: too many routes to add the server network");
	inet_ntop(AF_INET, &o->server_net, net, sizeof(net));
	inet_ntop(AF_INET, &o->server_mask, mask, sizeof(mask));
	r = &o->routes[o->n_routes];
	memset(r, 0, sizeof(*r));
	r->network = strdup(net);
	r->netmask = strdup(mask);
	r->metric = -1;
	o->n_routes++;
	return r->network && r->netmask ? 0 : 1;
}

/* --server NET MASK, as 2.6 expands it. */
static int expand_server_v4(struct options *o)
{
	struct in_addr local = host_plus(o->server_net, 1);
	char a[INET_ADDRSTRLEN];
	int bad = 0;

	inet_ntop(AF_INET, &local, a, sizeof(a));
	if (o->topology == TOP_SUBNET) {
		bad += set_ifconfig(o, local, o->server_mask);
		bad += push_addf(o, "route-gateway %s", a);
		bad += push_addf(o, "topology subnet");
	} else {
		bad += set_ifconfig(o, local, host_plus(o->server_net, 2));
		bad += add_server_route(o);
		bad += push_addf(o, "route %s", a);
		bad += push_addf(o, "topology %s", o->topology == TOP_P2P ? "p2p" : "net30");
	}
	return bad;
}

static int expand_server_v6(struct options *o)
{
	char a[INET6_ADDRSTRLEN], text[INET6_ADDRSTRLEN + 8];
	struct in6_addr local = o->server_ipv6, remote = o->server_ipv6;

	local.s6_addr[15] += 1;
	remote.s6_addr[15] += 2;
	free(o->ifconfig_ipv6_local);
	free(o->ifconfig_ipv6_remote);
	inet_ntop(AF_INET6, &local, a, sizeof(a));
	snprintf(text, sizeof(text), "%s/%d", a, o->server_ipv6_bits);
	o->ifconfig_ipv6_local = strdup(text);
	inet_ntop(AF_INET6, &remote, a, sizeof(a));
	o->ifconfig_ipv6_remote = strdup(a);
	return o->ifconfig_ipv6_local && o->ifconfig_ipv6_remote ? 0 : 1;
}

/* Options that only a server (or only its ccd files) can use. */
static int refuse_outside_server(const struct options *o)
{
	const struct { bool set; const char *name; } only[] = {
		{ o->server_set, "--server" },
		{ o->server_ipv6_set, "--server-ipv6" },
		{ o->pool_set, "--ifconfig-pool" },
		{ o->pool_ipv6_set, "--ifconfig-ipv6-pool" },
		{ o->pool_persist_file != NULL, "--ifconfig-pool-persist" },
		{ o->n_push > 0, "--push" },
		{ o->client_to_client, "--client-to-client" },
		{ o->duplicate_cn, "--duplicate-cn" },
		{ o->client_config_dir != NULL, "--client-config-dir" },
		{ o->ccd_exclusive, "--ccd-exclusive" },
		{ o->connect_freq_n > 0, "--connect-freq" },
		{ o->connect_freq_initial_n > 0, "--connect-freq-initial" },
		{ o->max_routes_per_client > 0, "--max-routes-per-client" },
		{ o->ifconfig_push_set, "--ifconfig-push" },
		{ o->ifconfig_ipv6_push_set, "--ifconfig-ipv6-push" },
		{ o->verify_client_cert != VERIFY_CLIENT_REQUIRE, "--verify-client-cert" },
		{ o->username_as_cn, "--username-as-common-name" },
	};
	size_t i;
	int bad = 0;

	for (i = 0; i < ARRAY_SIZE(only); i++) {
		if (only[i].set) {
			options_report("%s only works in server mode (--server or --mode server)",
				       only[i].name);
			bad++;
		}
	}
	return bad;
}

/* Without a certificate, a client is only who its password says it is. */
static int check_client_cert_policy(const struct options *o)
{
	if (o->verify_client_cert == VERIFY_CLIENT_REQUIRE)
		return 0;
	if (!o->auth_user_pass_verify) {
		options_report("--verify-client-cert %s needs --auth-user-pass-verify: nothing else "
			       "would check the clients that come without a certificate",
			       o->verify_client_cert == VERIFY_CLIENT_NONE ? "none" : "optional");
		return 1;
	}
	msg(M_WARN, "WARNING: --verify-client-cert %s: clients without a certificate are "
	    "accepted on their username and password alone",
	    o->verify_client_cert == VERIFY_CLIENT_NONE ? "none" : "optional");
	return 0;
}

static int check_server_basics(struct options *o)
{
	int bad = 0;

	if (!o->tls_server) {
		options_report("--mode server needs --tls-server (or use --server, which implies it)");
		bad++;
	}
	if (o->dev_type && strcmp(o->dev_type, "tun") != 0) {
		options_report("--mode server: only --dev tun is supported by this version");
		bad++;
	}
	if (!o->bind_local) {
		options_report("--nobind cannot be used in server mode: the server must listen on --lport");
		bad++;
	}
	if (o->n_remotes > 0)
		msg(M_WARN, "WARNING: --remote has no effect in server mode");
	if (o->server_ipv6_set && !o->server_set && !o->ifconfig_local)
		msg(M_INFO, "NOTE: --server-ipv6 without --server: clients get IPv6 addresses only");
	if (o->client_config_dir == NULL && o->ccd_exclusive) {
		options_report("--ccd-exclusive needs --client-config-dir");
		bad++;
	}
	bad += check_client_cert_policy(o);
	return bad;
}

int options_finalize_server(struct options *o)
{
	int bad = 0;

	if (o->server_set || o->server_ipv6_set) {
		o->mode_server = true;
		o->tls_server = true;
	}
	if (!o->mode_server) {
		if (o->status_file)
			msg(M_WARN, "WARNING: --status %s: this version writes the status file in server mode only; use SIGUSR2 for the statistics",
			    o->status_file);
		return refuse_outside_server(o);
	}
	bad += check_server_basics(o);
	if (o->max_clients == 0)
		o->max_clients = 1024;
	if (o->max_routes_per_client == 0)
		o->max_routes_per_client = 256;
	if (o->connect_freq_initial_n == 0) {
		o->connect_freq_initial_n = 100;
		o->connect_freq_initial_secs = 10;
	}
	if (o->status_version == 0)
		o->status_version = 1;
	if (o->status_file && o->status_secs == 0)
		o->status_secs = 60;
	if (o->server_set) {
		if (o->pool_set && !o->server_nopool) {
			options_report("--server already sets up an --ifconfig-pool; use 'nopool' to give your own");
			bad++;
		}
		if (o->ifconfig_local) {
			options_report("--server sets the server's --ifconfig itself; remove --ifconfig");
			bad++;
		}
		if (!bad)
			bad += expand_server_v4(o);
	}
	if (o->server_ipv6_set) {
		if (o->ifconfig_ipv6_local) {
			options_report("--server-ipv6 sets the server's --ifconfig-ipv6 itself; remove --ifconfig-ipv6");
			bad++;
		} else {
			bad += expand_server_v6(o);
		}
	}
	if (o->keepalive_ping > 0) {
		bad += push_addf(o, "ping %d", o->keepalive_ping);
		bad += push_addf(o, "ping-restart %d", o->keepalive_timeout);
	}
	if (o->tcp_nodelay)
		bad += push_addf(o, "socket-flags TCP_NODELAY");
	return bad;
}
