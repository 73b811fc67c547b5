/* --ifconfig and --route options as kernel addresses and routes. */
#include "route.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "log.h"

/* ---- strict text parsers ------------------------------------------------- */

/* Dotted quad only: inet_pton refuses "10.1", "010.0.0.1" and trailing
 * junk, which inet_aton would quietly accept (and read as octal). */
static bool route_ipv4(const char *s, struct in_addr *out)
{
	return s && inet_pton(AF_INET, s, out) == 1;
}

static bool route_ipv6(const char *s, struct in6_addr *out)
{
	return s && inet_pton(AF_INET6, s, out) == 1;
}

static bool route_netmask_prefix(struct in_addr mask, int *prefixlen)
{
	uint32_t inv = ~ntohl(mask.s_addr);

	/* Contiguous iff the inverted mask is of the form 0...01...1. */
	if (inv & (inv + 1))
		return false;
	*prefixlen = 32 - __builtin_popcount(inv);
	return true;
}

static uint32_t route_prefix_mask(int prefixlen)
{
	return prefixlen ? htonl(~0u << (32 - prefixlen)) : 0;
}

/* "addr" or "addr/bits" with bits a plain decimal 0..128. */
static bool route_ipv6_prefix(const char *s, int default_bits,
			      struct in6_addr *addr, int *bits)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	int v = 0;

	if (alen >= INET6_ADDRSTRLEN)
		return false;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (!route_ipv6(buf, addr))
		return false;
	if (!slash) {
		*bits = default_bits;
		return true;
	}
	if (!slash[1] || strlen(slash + 1) > 3)
		return false;
	for (const char *p = slash + 1; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (*p - '0');
	}
	if (v > 128)
		return false;
	*bits = v;
	return true;
}

static void route_ipv6_clear_host_bits(struct in6_addr *a, int bits)
{
	for (int i = 0; i < 16; i++) {
		int keep = bits - 8 * i;

		if (keep <= 0)
			a->s6_addr[i] = 0;
		else if (keep < 8)
			a->s6_addr[i] &= (uint8_t)(0xff << (8 - keep));
	}
}

static bool route_is_keyword(const char *s)
{
	return !strcmp(s, "net_gateway") || !strcmp(s, "remote_host");
}

/* ---- --ifconfig ------------------------------------------------------------ */

static int route_parse_ifconfig_v4(const struct options *o,
				   struct netcfg_addr4 *a)
{
	const char *l = o->ifconfig_local, *r = o->ifconfig_remote;
	struct in_addr rem;

	if (!r) {
		msg(M_ERR, "--ifconfig %s: needs a second argument (peer or netmask)", l);
		return -EINVAL;
	}
	if (!route_ipv4(l, &a->local) || !route_ipv4(r, &rem)) {
		msg(M_ERR, "--ifconfig %s %s: '%s' is not an IPv4 address", l, r,
		    route_ipv4(l, &a->local) ? r : l);
		return -EINVAL;
	}
	if (o->topology == TOP_SUBNET) {
		if (!route_netmask_prefix(rem, &a->prefixlen) || !a->prefixlen) {
			msg(M_ERR, "--ifconfig %s %s: with topology subnet the second argument is a netmask, like 255.255.255.0",
			    l, r);
			return -EINVAL;
		}
		return 0;
	}
	if (rem.s_addr == a->local.s_addr) {
		msg(M_ERR, "--ifconfig %s %s: local and remote addresses must differ",
		    l, r);
		return -EINVAL;
	}
	/* A likely topology mix-up, but still a legal peer: warn like 2.6. */
	if ((ntohl(rem.s_addr) >> 24) == 255)
		msg(M_WARN, "WARNING: --ifconfig %s %s: with topology net30 or p2p the second argument is the peer address, and %s looks like a netmask",
		    l, r, r);
	a->prefixlen = 32;
	a->has_peer = true;
	a->peer = rem;
	return 0;
}

static int route_parse_ifconfig_v6(const struct options *o,
				   struct route_ifconfig *out)
{
	const char *l = o->ifconfig_ipv6_local, *r = o->ifconfig_ipv6_remote;

	/* Without /bits OpenVPN assumes a /64. */
	if (!route_ipv6_prefix(l, 64, &out->v6.local, &out->v6.prefixlen) ||
	    out->v6.prefixlen == 0) {
		msg(M_ERR, "--ifconfig-ipv6 %s: not an IPv6 address/bits", l);
		return -EINVAL;
	}
	if (r) {
		if (!route_ipv6(r, &out->remote6)) {
			msg(M_ERR, "--ifconfig-ipv6 %s %s: remote is not an IPv6 address",
			    l, r);
			return -EINVAL;
		}
		out->has_remote6 = true;
	}
	out->has_v6 = true;
	return 0;
}

int route_parse_ifconfig(const struct options *o, struct route_ifconfig *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	if (o->ifconfig_local) {
		err = route_parse_ifconfig_v4(o, &out->v4);
		if (err)
			return err;
		out->has_v4 = true;
	}
	if (o->ifconfig_ipv6_local)
		return route_parse_ifconfig_v6(o, out);
	return 0;
}

int route_defaults_init(const struct options *o, struct route_defaults *d)
{
	const char *gw = o->route_gateway;

	memset(d, 0, sizeof(*d));
	if (o->route_metric < 0) {
		msg(M_ERR, "--route-metric %d: must be >= 0", o->route_metric);
		return -EINVAL;
	}
	d->metric = (uint32_t)o->route_metric;
	/* In subnet topology the second --ifconfig argument is a netmask, so
	 * only --route-gateway (normally pushed) can name the gateway. */
	if (!gw && o->topology != TOP_SUBNET)
		gw = o->ifconfig_remote;
	if (gw && !strcmp(gw, "dhcp")) {
		msg(M_ERR, "--route-gateway dhcp: only meaningful for tap devices");
		return -EOPNOTSUPP;
	}
	if (gw && !route_ipv4(gw, &d->gw)) {
		msg(M_ERR, "%s %s: not an IPv4 address",
		    o->route_gateway ? "--route-gateway" : "--ifconfig", gw);
		return -EINVAL;
	}
	d->has_gw = gw != NULL;
	if (o->ifconfig_ipv6_remote)
		d->has_gw6 = route_ipv6(o->ifconfig_ipv6_remote, &d->gw6);
	return 0;
}

/* ---- --route ------------------------------------------------------------- */

static const char *route_v4_text(const struct route_entry *e, char *buf,
				 size_t size)
{
	snprintf(buf, size, "--route %s%s%s%s%s", e->network,
		 e->netmask ? " " : "", e->netmask ? e->netmask : "",
		 e->gateway ? " " : "", e->gateway ? e->gateway : "");
	return buf;
}

/* A network or gateway word: address, or the keywords that name the VPN
 * gateway. Returns 0, -EINVAL or -EOPNOTSUPP; logs with the route text. */
static int route_v4_word(const char *w, const char *what, const char *text,
			 const struct route_defaults *d, struct in_addr *out)
{
	if (!strcmp(w, "vpn_gateway")) {
		if (!d->has_gw) {
			msg(M_WARN, "%s: vpn_gateway is not known (no --route-gateway and no --ifconfig peer)",
			    text);
			return -EINVAL;
		}
		*out = d->gw;
		return 0;
	}
	if (route_is_keyword(w)) {
		msg(M_WARN, "%s: %s is not supported yet", text, w);
		return -EOPNOTSUPP;
	}
	if (!route_ipv4(w, out)) {
		msg(M_WARN, "%s: %s '%s' is not an IPv4 address (host names are not supported)",
		    text, what, w);
		return -EINVAL;
	}
	return 0;
}

/* The gateway a route names, or its default; none at all is not an error
 * here: route_apply() then makes it a device route. */
static int route_v4_gateway(const struct route_entry *e, const char *text,
			    const struct route_defaults *d, bool *has_gw,
			    struct in_addr *gw)
{
	int err;

	if (!e->gateway || !strcmp(e->gateway, "default")) {
		*has_gw = d->has_gw;
		*gw = d->gw;
		return 0;
	}
	err = route_v4_word(e->gateway, "gateway", text, d, gw);
	if (!err && gw->s_addr == htonl(INADDR_ANY)) {
		msg(M_WARN, "%s: 0.0.0.0 is not a usable gateway", text);
		return -EINVAL;
	}
	*has_gw = !err;
	return err;
}

int route_parse_v4(const struct route_entry *e, const struct route_defaults *d,
		   struct netcfg_route4 *out)
{
	char text[160];
	struct in_addr mask;
	int err;

	memset(out, 0, sizeof(*out));
	if (!e->network)
		return -EINVAL;
	route_v4_text(e, text, sizeof(text));
	err = route_v4_word(e->network, "network", text, d, &out->dst);
	if (err)
		return err;
	out->prefixlen = 32;
	if (e->netmask && strcmp(e->netmask, "default")) {
		if (!route_ipv4(e->netmask, &mask) ||
		    !route_netmask_prefix(mask, &out->prefixlen)) {
			msg(M_WARN, "%s: '%s' is not a valid netmask", text, e->netmask);
			return -EINVAL;
		}
	}
	if (out->dst.s_addr & ~route_prefix_mask(out->prefixlen)) {
		msg(M_WARN, "%s: network has bits outside the netmask", text);
		return -EINVAL;
	}
	err = route_v4_gateway(e, text, d, &out->has_gw, &out->gw);
	if (err)
		return err;
	if (e->metric < -1) {
		msg(M_WARN, "%s: metric %d must be >= 0", text, e->metric);
		return -EINVAL;
	}
	out->metric = e->metric >= 0 ? (uint32_t)e->metric : d->metric;
	return 0;
}

/* ---- --route-ipv6 -------------------------------------------------------- */

int route_parse_v6(const struct route_ipv6_entry *e,
		   const struct route_defaults *d, struct netcfg_route6 *out)
{
	char buf[INET6_ADDRSTRLEN];
	struct in6_addr orig;
	const char *gw = e->gateway;

	memset(out, 0, sizeof(*out));
	if (!e->network || !route_ipv6_prefix(e->network, 128, &out->dst,
					      &out->prefixlen)) {
		msg(M_WARN, "--route-ipv6 %s: not an IPv6 network/bits",
		    e->network ? e->network : "(missing)");
		return -EINVAL;
	}
	orig = out->dst;
	route_ipv6_clear_host_bits(&out->dst, out->prefixlen);
	if (memcmp(&orig, &out->dst, sizeof(orig)))
		msg(M_WARN, "--route-ipv6 %s: host bits set, using %s/%d",
		    e->network, inet_ntop(AF_INET6, &out->dst, buf, sizeof(buf)),
		    out->prefixlen);
	if (gw && strcmp(gw, "default")) {
		if (!route_ipv6(gw, &out->gw)) {
			msg(M_WARN, "--route-ipv6 %s %s: gateway is not an IPv6 address",
			    e->network, gw);
			return -EINVAL;
		}
		out->has_gw = true;
	} else if (d->has_gw6) {
		out->gw = d->gw6;
		out->has_gw = true;
	}
	if (e->metric < -1) {
		msg(M_WARN, "--route-ipv6 %s: metric %d must be >= 0", e->network,
		    e->metric);
		return -EINVAL;
	}
	out->metric = e->metric >= 0 ? (uint32_t)e->metric : d->metric;
	return 0;
}

/* ---- applying and undoing --------------------------------------------- */

void route_state_init(struct route_state *st)
{
	memset(st, 0, sizeof(*st));
}

static void route_remember(struct route_state *st, const struct route_done *d)
{
	/* The array is sized for every option there can be; running out is
	 * a bug, and then the item is only left behind at exit. */
	if (st->n_done >= ROUTE_MAX_DONE) {
		msg(M_WARN, "route: too many items to track; one will not be removed at exit");
		return;
	}
	st->done[st->n_done++] = *d;
}

static int route_ifconfig_addrs(const struct route_ifconfig *ic, int ifindex,
				struct route_state *st)
{
	struct route_done d;
	int err;

	if (ic->has_v4) {
		d.kind = ROUTE_ADDR4;
		d.u.addr4 = ic->v4;
		err = netcfg_addr4_add(ifindex, &d.u.addr4);
		if (err && err != -EEXIST)
			return err;
		if (!err)
			route_remember(st, &d);
	}
	if (ic->has_v6) {
		d.kind = ROUTE_ADDR6;
		d.u.addr6 = ic->v6;
		err = netcfg_addr6_add(ifindex, &d.u.addr6);
		if (err && err != -EEXIST)
			return err;
		if (!err)
			route_remember(st, &d);
	}
	return 0;
}

int route_ifconfig_apply(const struct options *o, int ifindex,
			 struct route_state *st)
{
	struct route_ifconfig ic;
	int err;

	if (st->ifconfig_done) {
		msg(D_NORMAL, "Keeping the interface configuration from before the restart");
		return 0;
	}
	err = route_parse_ifconfig(o, &ic);
	if (err)
		return err;
	st->ifindex = ifindex;
	/* OpenVPN sets the queue length when it opens the device, so it
	 * applies with --ifconfig-noexec as well. */
	if (o->txqueuelen > 0) {
		err = netcfg_link_set_txqueuelen(ifindex, (unsigned int)o->txqueuelen);
		if (err)
			return err;
	}
	if (o->ifconfig_noexec) {
		msg(D_NORMAL, "--ifconfig-noexec: not configuring MTU, link state and addresses");
		st->ifconfig_done = true;
		return 0;
	}
	if (o->tun_mtu > 0) {
		err = netcfg_link_set_mtu(ifindex, (unsigned int)o->tun_mtu);
		if (err)
			return err;
	}
	err = netcfg_link_set_up(ifindex, true);
	if (!err)
		err = route_ifconfig_addrs(&ic, ifindex, st);
	if (!err)
		st->ifconfig_done = true;
	return err;
}

static void route_apply_v4(const struct options *o, const struct route_defaults *d,
			   int ifindex, struct route_state *st)
{
	struct route_done done = { .kind = ROUTE_ROUTE4 };
	int err;

	for (int i = 0; i < o->n_routes; i++) {
		err = route_parse_v4(&o->routes[i], d, &done.u.route4);
		if (!err && !done.u.route4.has_gw)
			done.u.route4.ifindex = ifindex;
		if (!err)
			err = netcfg_route4_add(&done.u.route4);
		if (!err)
			route_remember(st, &done);
		else if (err != -EEXIST)
			st->n_failed++;
	}
}

static void route_apply_v6(const struct options *o, const struct route_defaults *d,
			   int ifindex, struct route_state *st)
{
	struct route_done done = { .kind = ROUTE_ROUTE6 };
	int err;

	if (o->n_routes_ipv6 > 0 && !o->ifconfig_ipv6_local)
		msg(M_WARN, "WARNING: --route-ipv6 without --ifconfig-ipv6: the interface has no IPv6 address, so these routes may fail or not work");
	for (int i = 0; i < o->n_routes_ipv6; i++) {
		err = route_parse_v6(&o->routes_ipv6[i], d, &done.u.route6);
		if (!err) {
			/* A device route: see the header. */
			done.u.route6.has_gw = false;
			done.u.route6.ifindex = ifindex;
			err = netcfg_route6_add(&done.u.route6);
		}
		if (!err)
			route_remember(st, &done);
		else if (err != -EEXIST)
			st->n_failed++;
	}
}

int route_apply(const struct options *o, int ifindex, struct route_state *st)
{
	struct route_defaults d;
	int err;

	if (st->routes_done) {
		msg(D_NORMAL, "Keeping the routes from before the restart");
		return 0;
	}
	if (o->route_noexec) {
		if (o->n_routes || o->n_routes_ipv6)
			msg(D_NORMAL, "--route-noexec: not adding %d routes",
			    o->n_routes + o->n_routes_ipv6);
		st->routes_done = true;
		return 0;
	}
	err = route_defaults_init(o, &d);
	if (err)
		return err;
	st->ifindex = ifindex;
	route_apply_v4(o, &d, ifindex, st);
	route_apply_v6(o, &d, ifindex, st);
	if (st->n_failed)
		msg(M_WARN, "%d of %d routes could not be added (see above)",
		    st->n_failed, o->n_routes + o->n_routes_ipv6);
	st->routes_done = true;
	return 0;
}

/* ---- --redirect-gateway --------------------------------------------------- */

static void route_add4(struct route_state *st, struct in_addr dst, int len, bool has_gw,
		       struct in_addr gw, int ifindex, uint32_t metric)
{
	struct route_done done = { .kind = ROUTE_ROUTE4 };
	int err;

	done.u.route4 = (struct netcfg_route4) { .dst = dst, .prefixlen = len, .has_gw = has_gw,
						 .gw = gw, .ifindex = ifindex, .metric = metric };
	err = netcfg_route4_add(&done.u.route4);
	if (err == 0)
		route_remember(st, &done);
	else if (err != -EEXIST)
		st->n_failed++;
}

static void route_add6(struct route_state *st, const char *prefix, bool has_gw,
		       const struct in6_addr *gw, int ifindex, uint32_t metric)
{
	struct route_done done = { .kind = ROUTE_ROUTE6 };
	int bits = 128;
	int err;

	if (!route_ipv6_prefix(prefix, 128, &done.u.route6.dst, &bits))
		return;
	done.u.route6.prefixlen = bits;
	done.u.route6.has_gw = has_gw;
	if (has_gw)
		done.u.route6.gw = *gw;
	done.u.route6.ifindex = ifindex;
	done.u.route6.metric = metric;
	err = netcfg_route6_add(&done.u.route6);
	if (err == 0)
		route_remember(st, &done);
	else if (err != -EEXIST)
		st->n_failed++;
}

/* The VPN server stays reachable the way it is reached now. */
static void route_keep_server(const struct sockaddr_any *server, int tun_ifindex,
			      struct route_state *st)
{
	struct sockaddr_any a = *server;
	char text[INET6_ADDRSTRLEN];
	bool has_gw;
	int oif;

	addr_unmap(&a);
	if (addr_family(&a) == AF_INET) {
		struct in_addr gw;

		if (netcfg_route4_lookup(a.in4.sin_addr, &has_gw, &gw, &oif) < 0 ||
		    oif == tun_ifindex) {
			msg(M_WARN, "redirect-gateway: no route to the VPN server %s outside the tunnel",
			    inet_ntop(AF_INET, &a.in4.sin_addr, text, sizeof(text)));
			st->n_failed++;
			return;
		}
		route_add4(st, a.in4.sin_addr, 32, has_gw, gw, oif, 0);
	} else if (addr_family(&a) == AF_INET6) {
		struct in6_addr gw;

		if (netcfg_route6_lookup(&a.in6.sin6_addr, &has_gw, &gw, &oif) < 0 ||
		    oif == tun_ifindex) {
			st->n_failed++;
			return;
		}
		inet_ntop(AF_INET6, &a.in6.sin6_addr, text, sizeof(text));
		route_add6(st, text, has_gw, &gw, oif, 0);
	}
}

int route_redirect_apply(const struct options *o, int ifindex,
			 const struct sockaddr_any *server, struct route_state *st)
{
	unsigned int f = o->redirect_gateway;
	struct route_defaults d;
	struct in_addr half = { .s_addr = htonl(0x80000000u) }, zero = { 0 };
	int err;

	if (!(f & REDIRECT_ENABLE) || st->redirect_done || o->route_noexec)
		return 0;
	st->redirect_done = true;
	st->ifindex = ifindex;
	if (f & (REDIRECT_BLOCK_LOCAL | REDIRECT_BYPASS_DHCP | REDIRECT_BYPASS_DNS))
		msg(M_WARN, "--redirect-gateway: block-local, bypass-dhcp and bypass-dns are not supported by this version and are ignored");
	err = route_defaults_init(o, &d);
	if (err)
		return err;
	if (!(f & REDIRECT_LOCAL) && server && server->len)
		route_keep_server(server, ifindex, st);
	if (!(f & REDIRECT_NOT_IPV4)) {
		if (!d.has_gw) {
			msg(M_WARN, "--redirect-gateway: the VPN gateway is not known (no --route-gateway), IPv4 not redirected");
			st->n_failed++;
		} else {
			if (!(f & REDIRECT_DEF1))
				msg(D_NORMAL, "--redirect-gateway: using two /1 routes; the default route stays as it is");
			route_add4(st, zero, 1, true, d.gw, 0, d.metric);
			route_add4(st, half, 1, true, d.gw, 0, d.metric);
		}
	}
	if (f & REDIRECT_IPV6) {
		static const char *const nets[] = { "::/3", "2000::/4", "3000::/4", "fc00::/7" };

		for (size_t i = 0; i < sizeof(nets) / sizeof(nets[0]); i++)
			route_add6(st, nets[i], false, NULL, ifindex, d.metric);
	}
	if (st->n_failed)
		msg(M_WARN, "--redirect-gateway: %d routes could not be added (see above)", st->n_failed);
	else
		msg(M_INFO, "--redirect-gateway: all traffic now goes through the tunnel");
	return 0;
}

static void route_undo_one(const struct route_state *st, const struct route_done *d)
{
	switch (d->kind) {
	case ROUTE_ADDR4:
		netcfg_addr4_del(st->ifindex, &d->u.addr4);
		break;
	case ROUTE_ADDR6:
		netcfg_addr6_del(st->ifindex, &d->u.addr6);
		break;
	case ROUTE_ROUTE4:
		netcfg_route4_del(&d->u.route4);
		break;
	case ROUTE_ROUTE6:
		netcfg_route6_del(&d->u.route6);
		break;
	}
}

void route_undo(struct route_state *st)
{
	/* Failures are logged by netcfg; carry on with the rest. */
	while (st->n_done > 0)
		route_undo_one(st, &st->done[--st->n_done]);
	route_state_init(st);
}
