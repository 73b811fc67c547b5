/*
 * Server mode with data channel offload (see server_dco.h).
 *
 * Order per client, as OpenVPN 2.6 does it: the first data key is derived
 * during the handshake, before the client has a VPN address; the module
 * needs that address in NEW_PEER (MP mode), so the key waits in the peer
 * until peer_connected() has run ccd, client-connect and the pool. Then:
 * NEW_PEER, SET_PEER keepalive, NEW_KEY, iroute routes, and only after
 * that the PUSH_REPLY, so the client's first data packet finds its peer.
 */
#include "server_dco.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "crypto.h"
#include "dco_mtu.h"
#include "log.h"
#include "netcfg.h"
#include "peer.h"
#include "peer_table.h"
#include "route.h"
#include "server.h"
#include "ssl.h"

/* ---- pure helpers ------------------------------------------------------------- */

/* "compress lz4" starts with the word "compress". */
static bool first_word_is(const char *item, const char *word)
{
	size_t n = strlen(word);

	return strncmp(item, word, n) == 0 && (item[n] == '\0' || item[n] == ' ' ||
					       item[n] == '\t');
}

static bool removed_by(const struct options *o, const char *item)
{
	int i;

	for (i = 0; o && i < o->n_push_remove; i++)
		if (first_word_is(item, o->push_remove[i].argv[0]))
			return true;
	return false;
}

/* A pushed option that would make the client frame or split its data
 * packets, which the module neither adds nor understands. */
static bool push_item_blocks(const char *item)
{
	static const char *const bad[] = { "comp-lzo", "compress", "fragment" };
	size_t i;

	/* stub-v2 leaves IP packets as they are (they never start with 0x50) */
	if (strcmp(item, "compress stub-v2") == 0)
		return false;
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (first_word_is(item, bad[i]))
			return true;
	return false;
}

static const char *check_push_list(const struct options *list, const struct options *o,
				   const struct options *ccd, char *buf, size_t len)
{
	int i;

	for (i = 0; list && i < list->n_push; i++) {
		const char *item = list->push[i].argv[0];

		if (removed_by(o, item) || removed_by(ccd, item) || !push_item_blocks(item))
			continue;
		snprintf(buf, len, "data channel offload: pushed option '%s' is not supported "
			 "by ovpn-dco", item);
		return buf;
	}
	return NULL;
}

const char *server_dco_client_check(const struct options *o, const struct options *ccd,
				    bool data_v2, const char *cipher, char *buf, size_t len)
{
	const char *why;

	if (!data_v2) {
		/* the words OpenVPN 2.6 sends, so that clients' logs read the same */
		snprintf(buf, len, "Data channel negotiation failed (missing DATA_V2)");
		return buf;
	}
	if (dco_cipher_from_name(cipher) == DCO_CIPHER_NONE) {
		snprintf(buf, len, "data channel offload: cipher '%s' is not supported by ovpn-dco",
			 cipher ? cipher : "none");
		return buf;
	}
	why = NULL;
	if (!(ccd && ccd->push_reset))
		why = check_push_list(o, o, ccd, buf, len);
	if (!why)
		why = check_push_list(ccd, o, ccd, buf, len);
	return why;
}

int server_dco_route_for(const struct vprefix *k, int ifindex, const struct in_addr *v4,
			 const struct in6_addr *v6, struct netcfg_route4 *r4,
			 struct netcfg_route6 *r6)
{
	if (k->family == AF_INET) {
		if (k->bits == 32 && v4 && memcmp(k->addr, v4, 4) == 0)
			return 0;
		if (!v4)
			return -ENETUNREACH;
		memset(r4, 0, sizeof(*r4));
		memcpy(&r4->dst, k->addr, 4);
		r4->prefixlen = k->bits;
		r4->has_gw = true;
		r4->gw = *v4;
		r4->ifindex = ifindex;
		r4->metric = SERVER_DCO_IROUTE_METRIC;
		return AF_INET;
	}
	if (k->family != AF_INET6)
		return -EINVAL;
	if (k->bits == 128 && v6 && memcmp(k->addr, v6, 16) == 0)
		return 0;
	if (!v6)
		return -ENETUNREACH;
	memset(r6, 0, sizeof(*r6));
	memcpy(&r6->dst, k->addr, 16);
	r6->prefixlen = k->bits;
	r6->has_gw = true;
	r6->gw = *v6;
	r6->ifindex = ifindex;
	r6->metric = SERVER_DCO_IROUTE_METRIC;
	return AF_INET6;
}

bool server_dco_prefix_overlap(const struct vprefix *a, const struct vprefix *b)
{
	unsigned bits = a->bits < b->bits ? a->bits : b->bits;
	unsigned full = bits / 8, rest = bits % 8;

	if (a->family != b->family)
		return false;
	if (memcmp(a->addr, b->addr, full) != 0)
		return false;
	return rest == 0 || ((a->addr[full] ^ b->addr[full]) & (0xff << (8 - rest))) == 0;
}

/* ---- the interface and its notifications ------------------------------------------- */

static struct dco_ctx *srv_dco(const struct server *srv)
{
	return srv->persist->dco;
}

static const char *del_reason_signal(enum dco_del_reason r)
{
	/* the texts 2.6 puts in its "SIGTERM[soft,...]" line */
	switch (r) {
	case DCO_DEL_EXPIRED: return "ovpn-dco: ping expired";
	case DCO_DEL_TRANSPORT_ERROR: return "ovpn-dco: transport error";
	case DCO_DEL_TRANSPORT_DISCONNECT: return "ovpn-dco: transport disconnected";
	default: return "ovpn-dco: unknown reason";
	}
}

/* The interface itself went away (`ip link del`): every client with it.
 * A restart of the server instance creates it again. */
static void server_dco_link_lost(struct server *srv)
{
	if (srv->loop.stop)
		return;
	msg(M_WARN, "DCO: interface %s was deleted outside this daemon; restarting the server",
	    dco_ifname(srv_dco(srv)));
	server_end(srv, TUNNEL_RESTART_SOFT, "dco-interface-deleted");
}

/*
 * A delete the daemon did not ask for: USERSPACE comes from any process's
 * DEL_PEER, TEARDOWN from the interface going away. The kernel may also
 * still be echoing our own delete of an earlier client with this id, so
 * ask before acting.
 */
static void server_dco_foreign_delete(struct server *srv, struct peer *p)
{
	int ret = dco_peer_check(srv_dco(srv), p->id);

	if (ret == -ENODEV) {
		server_dco_link_lost(srv);
		return;
	}
	if (ret != -ENOENT)
		return; /* still there: an old echo */
	msg(M_WARN, "%s: DCO: peer-id %u was deleted outside this daemon; closing the client",
	    p->name, p->id);
	p->dco.added = false;
	peer_close(p, "ovpn-dco: peer deleted outside the daemon");
}

static void server_dco_notified(void *arg, const struct dco_notification *n)
{
	struct server *srv = arg;
	struct peer *p = ptab_by_id(&srv->tab, n->peer_id);
	bool echo = n->reason == DCO_DEL_USERSPACE || n->reason == DCO_DEL_TEARDOWN;

	if (!p || !p->dco.added || p->state == PEER_CLOSING) {
		/* most often the echo of our own DEL_PEER */
		msg(echo ? D_OPTIONS : D_NORMAL, "DCO: notification for unknown peer-id %u "
		    "ignored: %s", n->peer_id, dco_del_reason_str(n->reason));
		return;
	}
	if (n->reason == DCO_DEL_TEARDOWN) {
		/* in MP mode only the interface's removal tears peers down; it
		 * may still be listed while the kernel unregisters it */
		server_dco_link_lost(srv);
		return;
	}
	if (echo) {
		server_dco_foreign_delete(srv, p);
		return;
	}
	msg(D_LOW, "DCO: kernel removed peer-id %u (%s): %s", n->peer_id, p->name,
	    dco_del_reason_str(n->reason));
	/* the kernel no longer has it: no DEL_PEER, and its counters are gone */
	p->dco.added = false;
	peer_close(p, del_reason_signal(n->reason));
}

/* Notifications were lost (socket buffer overrun): ask for every client. */
static void server_dco_recheck(struct server *srv)
{
	struct dco_peer_stats st;
	struct peer *p;

	msg(M_WARN, "DCO: kernel notifications were lost; checking every client");
	for (p = srv->peers; p; p = p->next) {
		struct dco_notification n = { .peer_id = p->id, .reason = DCO_DEL_EXPIRED };

		if (p->dco.added && p->state != PEER_CLOSING &&
		    dco_get_peer_stats(srv_dco(srv), p->id, &st) == -ENOENT)
			server_dco_notified(srv, &n);
	}
}

static void server_dco_readable(struct event_handler *h, uint32_t events)
{
	struct server *srv = container_of(h, struct server, dco_h);
	int ret = dco_notify_read(srv_dco(srv), server_dco_notified, srv);

	(void)events;
	if (ret == -ENOBUFS)
		server_dco_recheck(srv);
	else if (ret < 0)
		msg(M_WARN, "DCO: cannot read kernel notifications: %s", strerror(-ret));
}

/*
 * --route and --route-ipv6 on the ovpn-dco interface. Without a metric of
 * their own they get SERVER_DCO_ROUTE_METRIC, as in OpenVPN 2.6: a route
 * to the same network as a client's iroute then loses to the iroute's
 * kernel route (metric 100) while that client is connected, and only
 * catches the traffic (which the module drops: no client has that next
 * hop) while it is not.
 */
static int apply_routes(const struct options *o, int ifindex, struct route_state *st)
{
	struct options *copy;
	int ret;

	if (o->route_metric != 0)
		return route_apply(o, ifindex, st);
	/* route_apply() only reads: a shallow copy with another default does */
	copy = malloc(sizeof(*copy));
	if (!copy)
		return -ENOMEM;
	*copy = *o;
	copy->route_metric = SERVER_DCO_ROUTE_METRIC;
	ret = route_apply(copy, ifindex, st);
	free(copy);
	return ret;
}

int server_dco_open(struct server *srv)
{
	struct tunnel_persist *p = srv->persist;
	const struct options *o = srv->o;
	int ret;

	if (!p->dco_wanted || p->dco_off || p->tun_open)
		return 1;
	if (p->dco && !dco_link_present(p->dco)) {
		msg(M_WARN, "DCO: interface %s is gone; creating it again", dco_ifname(p->dco));
		tunnel_persist_release_tun(p);
	}
	if (p->dco) {
		msg(M_INFO, "Preserving previous DCO interface: %s", dco_ifname(p->dco));
	} else {
		route_state_init(&p->routes);
		ret = dco_open(&p->dco, o->dev, DCO_MODE_MP);
		if (ret < 0) {
			if (o->require_dco) {
				msg(M_ERR, "DCO: cannot create the ovpn-dco interface: %s; "
				    "--require-dco: exiting", strerror(-ret));
				return ret;
			}
			msg(M_WARN, "DCO: cannot create the ovpn-dco interface: %s; falling back "
			    "to the userspace data path", strerror(-ret));
			p->dco_off = true;
			return 1;
		}
		msg(M_INFO, "DCO device %s opened", dco_ifname(p->dco));
		/* 2.6's order: addresses, --up, routes, --route-up */
		ret = route_ifconfig_apply(o, dco_ifindex(p->dco), &p->routes);
		if (ret == 0 && script_tunnel_up(o, dco_ifname(p->dco), false) != 0) {
			msg(M_ERR, "--up script failed: exiting");
			ret = -EPERM;
		}
		if (ret == 0)
			ret = apply_routes(o, dco_ifindex(p->dco), &p->routes);
		if (ret < 0)
			return ret;
		script_route_up(o, dco_ifname(p->dco));
	}
	srv->dco = true;
	srv->dco_h.cb = server_dco_readable;
	ret = event_add(&srv->loop, dco_notify_fd(p->dco), EPOLLIN, &srv->dco_h);
	if (ret == 0)
		msg(M_INFO, "DCO: server data channel offloaded to %s (ovpn-dco-v2, MP mode)",
		    dco_ifname(p->dco));
	return ret;
}

void server_dco_teardown(struct server *srv)
{
	const struct options *o = srv->o;

	if (!srv->dco || !srv_dco(srv))
		return;
	event_del(&srv->loop, dco_notify_fd(srv_dco(srv)));
	/* the interface goes with tunnel_persist_release_tun() unless kept */
	if (srv->end != TUNNEL_RESTART_SOFT || !o->persist_tun)
		script_tunnel_down(o, dco_ifname(srv_dco(srv)), false,
				   srv->end_reason ? srv->end_reason : "");
}

/* ---- statistics ------------------------------------------------------------------- */

/* The kernel counts whole OpenVPN packets on the link, as 2.6 reports
 * them; the daemon's own counts (control packets) stay added in. */
static void peer_sync_stats(struct peer *p)
{
	struct dco_peer_stats st;
	int ret;

	if (!p->dco.added)
		return;
	ret = dco_get_peer_stats(srv_dco(p->srv), p->id, &st);
	if (ret < 0) {
		msg(D_NORMAL, "DCO: no statistics for %s (peer-id %u): %s", p->name, p->id,
		    strerror(-ret));
		return;
	}
	if (st.link_rx_bytes >= p->dco.link_rx)
		p->bytes_in += st.link_rx_bytes - p->dco.link_rx;
	if (st.link_tx_bytes >= p->dco.link_tx)
		p->bytes_out += st.link_tx_bytes - p->dco.link_tx;
	p->dco.link_rx = st.link_rx_bytes;
	p->dco.link_tx = st.link_tx_bytes;
}

void server_dco_sync_stats(struct server *srv)
{
	struct peer *p;

	if (!srv->dco)
		return;
	for (p = srv->peers; p; p = p->next)
		if (p->state == PEER_CONNECTED)
			peer_sync_stats(p);
}

/* ---- keys ------------------------------------------------------------------------ */


/* A kernel that refuses a key leaves this client without a data channel:
 * it is closed (and reconnects), the other clients carry on. */
static void key_error(struct peer *p, const char *what, int err)
{
	msg(M_ERR, "%s: DCO: cannot %s: %s", p->name, what, strerror(-err));
	if (err == -ENODEV && !dco_link_present(srv_dco(p->srv)))
		server_dco_link_lost(p->srv);
	peer_close(p, "dco-update-keys-error");
}

static int swap_keys(struct peer *p)
{
	int kid = p->dco.slot_kid[DCO_SLOT_PRIMARY];
	int ret = dco_swap_keys(srv_dco(p->srv), p->id);

	if (ret < 0) {
		key_error(p, "swap keys", ret);
		return ret;
	}
	p->dco.slot_kid[DCO_SLOT_PRIMARY] = p->dco.slot_kid[DCO_SLOT_SECONDARY];
	p->dco.slot_kid[DCO_SLOT_SECONDARY] = kid;
	msg(D_NORMAL, "%s: DCO: primary key is now key-id %d", p->name,
	    p->dco.slot_kid[DCO_SLOT_PRIMARY]);
	return 0;
}

static void swap_due(struct timer *tm)
{
	struct peer *p = container_of(tm, struct peer, dco.swap_timer);

	if (p->dco.added && p->state != PEER_CLOSING &&
	    p->dco.slot_kid[DCO_SLOT_SECONDARY] == p->dco.newest_kid)
		swap_keys(p);
}

static void arm_swap(struct peer *p, const struct key_state *ks)
{
	timer_arm(&p->srv->loop, &p->dco.swap_timer,
		  dco_swap_delay_ms(p->srv->o, ks->start_ms, event_now_ms()));
}

static int install_key(struct peer *p, struct dco_key *k, enum dco_key_slot slot)
{
	int ret;

	k->slot = slot;
	ret = dco_new_key(srv_dco(p->srv), k);
	if (ret < 0)
		return ret;
	msg(D_NORMAL, "%s: DCO: key-id %u installed in the %s slot", p->name, k->key_id,
	    slot == DCO_SLOT_PRIMARY ? "primary" : "secondary");
	p->dco.slot_kid[slot] = k->key_id;
	p->dco.newest_kid = k->key_id;
	return 0;
}

int server_dco_keys_derived(struct ssl_session *s, const struct key_state *ks,
			    const struct key2 *k2)
{
	struct peer *p = s->owner;
	struct dco_key k;
	int ret;

	if (!p->srv->dco || p->state == PEER_CLOSING)
		return 0;
	if (!p->dco.timer_ready) {
		timer_init(&p->dco.swap_timer, swap_due);
		p->dco.timer_ready = true;
		p->dco.slot_kid[DCO_SLOT_PRIMARY] = p->dco.slot_kid[DCO_SLOT_SECONDARY] = -1;
	}
	memset(&k, 0, sizeof(k));
	ret = dco_key_fill(&k, p->ssl.neg.cipher, p->ssl.tls_server, p->id, ks->key_id, k2);
	if (ret < 0) {
		/* the userspace keys would work, but this server's data path is the
		 * kernel: server_dco_peer_add() refuses the client with the reason */
		crypto_wipe(&k, sizeof(k));
		return 0;
	}
	if (!p->dco.added) {
		/* not connected yet: the key waits for NEW_PEER */
		crypto_wipe(&p->dco.first, sizeof(p->dco.first));
		p->dco.first = k;
		p->dco.key_pending = true;
		crypto_wipe(&k, sizeof(k));
		return 0;
	}
	/* a renegotiation: sending keeps the primary until the swap */
	if (p->dco.slot_kid[DCO_SLOT_PRIMARY] < 0 && p->dco.slot_kid[DCO_SLOT_SECONDARY] >= 0 &&
	    swap_keys(p) < 0)
		goto out;
	ret = install_key(p, &k, p->dco.slot_kid[DCO_SLOT_PRIMARY] < 0 ? DCO_SLOT_PRIMARY :
			  DCO_SLOT_SECONDARY);
	if (ret < 0) {
		key_error(p, "install a renegotiated key", ret);
		goto out;
	}
	if (p->dco.slot_kid[DCO_SLOT_SECONDARY] == ks->key_id)
		arm_swap(p, ks);
out:
	crypto_wipe(&k, sizeof(k));
	return 0;
}

void server_dco_key_retired(struct ssl_session *s, const struct key_state *ks)
{
	struct peer *p = s->owner;
	int i, ret;

	if (!p->dco.added || p->state == PEER_CLOSING)
		return;
	for (i = DCO_SLOT_PRIMARY; i <= DCO_SLOT_SECONDARY; i++) {
		if (p->dco.slot_kid[i] != ks->key_id)
			continue;
		ret = dco_del_key(srv_dco(p->srv), p->id, (enum dco_key_slot)i);
		if (ret < 0) {
			key_error(p, "delete a retired key", ret);
			return;
		}
		msg(D_NORMAL, "%s: DCO: key-id %u deleted", p->name, ks->key_id);
		p->dco.slot_kid[i] = -1;
	}
	/* sending must not stop while a newer key waits in the secondary slot */
	if (p->dco.slot_kid[DCO_SLOT_PRIMARY] < 0 && p->dco.slot_kid[DCO_SLOT_SECONDARY] >= 0)
		swap_keys(p);
}

/* ---- routes ------------------------------------------------------------------------ */

static bool kroute_bit(const struct peer *p, int i)
{
	return (p->dco.kroutes[i / 64] >> (i % 64)) & 1;
}

static void kroute_set(struct peer *p, int i, bool on)
{
	if (on)
		p->dco.kroutes[i / 64] |= (uint64_t)1 << (i % 64);
	else
		p->dco.kroutes[i / 64] &= ~((uint64_t)1 << (i % 64));
}

/*
 * With DCO an iroute is a route in the server's own routing table, so a
 * mistake there reaches further than the VPN: say when an iroute overlaps
 * a subnet of this host (it would pull local traffic into the tunnel, or
 * lose to the local route) or another client's iroute (the longer prefix
 * wins, which may not be what was meant).
 */
static void warn_overlaps(struct peer *p, const struct vprefix *k, const char *text)
{
	struct ifaddrs *ifs = NULL, *i;
	struct peer *q;
	char s[64];
	int r;

	if (getifaddrs(&ifs) == 0) {
		for (i = ifs; i; i = i->ifa_next) {
			struct vprefix local;
			const void *a, *m;
			unsigned bits = 0, b;
			int fam;

			/* the ovpn-dco interface too: an iroute inside the VPN subnet is
			 * as wrong */
			if (!i->ifa_addr || !i->ifa_netmask)
				continue;
			fam = i->ifa_addr->sa_family;
			if (fam == AF_INET) {
				a = &((struct sockaddr_in *)i->ifa_addr)->sin_addr;
				m = &((struct sockaddr_in *)i->ifa_netmask)->sin_addr;
			} else if (fam == AF_INET6) {
				a = &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
				m = &((struct sockaddr_in6 *)i->ifa_netmask)->sin6_addr;
			} else {
				continue;
			}
			for (b = 0; b < (fam == AF_INET ? 32u : 128u); b++)
				bits += (((const uint8_t *)m)[b / 8] >> (7 - b % 8)) & 1;
			if (vprefix_make(&local, fam, a, bits) < 0 ||
			    !server_dco_prefix_overlap(k, &local))
				continue;
			msg(M_WARN, "%s: DCO: iroute %s overlaps the local subnet %s of %s: as a "
			    "kernel route it %s", p->name, text,
			    vprefix_to_str(&local, s, sizeof(s)), i->ifa_name,
			    k->bits > local.bits ? "takes that part of the local subnet into the "
			    "tunnel" : "loses that part to the local route");
		}
		freeifaddrs(ifs);
	}
	for (q = p->srv->peers; q; q = q->next) {
		if (q == p || q->state != PEER_CONNECTED)
			continue;
		for (r = 0; r < q->n_routes; r++) {
			const struct vprefix *o = &q->routes[r].key;

			if (!q->routes[r].linked || o->bits == k->bits || !server_dco_prefix_overlap(k, o))
				continue;
			msg(M_WARN, "%s: DCO: iroute %s overlaps %s of %s: the longer prefix wins",
			    p->name, text, vprefix_to_str(o, s, sizeof(s)), q->name);
		}
	}
}

/* iroutes as kernel routes via the client's VPN address: the module finds
 * the client of a packet by the next hop of the route it took. */
static void add_kernel_routes(struct peer *p)
{
	int ifindex = dco_ifindex(srv_dco(p->srv));
	struct netcfg_route4 r4;
	struct netcfg_route6 r6;
	char s[64];
	int i, fam, ret;

	for (i = 0; i < p->n_routes && i < 128; i++) {
		fam = server_dco_route_for(&p->routes[i].key, ifindex, p->has_v4 ? &p->v4 : NULL,
					   p->has_v6 ? &p->v6 : NULL, &r4, &r6);
		vprefix_to_str(&p->routes[i].key, s, sizeof(s));
		if (fam == -ENETUNREACH) {
			msg(M_WARN, "%s: DCO: iroute %s skipped: the client has no VPN address of "
			    "that family to route it through", p->name, s);
			continue;
		}
		if (fam <= 0)
			continue;
		warn_overlaps(p, &p->routes[i].key, s);
		/* an earlier owner's route (a reconnect, a moved iroute) would still win:
		 * drop whatever holds this prefix on our interface first */
		if (fam == AF_INET) {
			struct netcfg_route4 any = r4;

			any.has_gw = false;
			netcfg_route4_del(&any);
			ret = netcfg_route4_add(&r4);
		} else {
			struct netcfg_route6 any = r6;

			any.has_gw = false;
			netcfg_route6_del(&any);
			ret = netcfg_route6_add(&r6);
		}
		if (ret < 0 && ret != -EEXIST) {
			msg(M_WARN, "%s: DCO: cannot add the kernel route for iroute %s: %s",
			    p->name, s, strerror(-ret));
			continue;
		}
		kroute_set(p, i, true);
		msg(D_NORMAL, "%s: DCO: route %s via the client's VPN address on %s", p->name, s,
		    dco_ifname(srv_dco(p->srv)));
	}
}

static void del_kernel_routes(struct peer *p)
{
	int ifindex = dco_ifindex(srv_dco(p->srv));
	struct netcfg_route4 r4;
	struct netcfg_route6 r6;
	int i, fam;

	for (i = 0; i < p->n_routes && i < 128; i++) {
		if (!kroute_bit(p, i))
			continue;
		kroute_set(p, i, false);
		/* a route another client took over is that client's now */
		if (!p->routes[i].linked)
			continue;
		fam = server_dco_route_for(&p->routes[i].key, ifindex, p->has_v4 ? &p->v4 : NULL,
					   p->has_v6 ? &p->v6 : NULL, &r4, &r6);
		if (fam == AF_INET)
			netcfg_route4_del(&r4);
		else if (fam == AF_INET6)
			netcfg_route6_del(&r6);
	}
}

/* ---- per client ------------------------------------------------------------------- */

static const char *peer_add_fail(struct peer *p, const char *what, int err)
{
	msg(M_ERR, "%s: DCO: cannot %s (peer-id %u): %s", p->name, what, p->id, strerror(-err));
	if (err == -ENODEV && !dco_link_present(srv_dco(p->srv)))
		server_dco_link_lost(p->srv);
	if (p->dco.added)
		dco_del_peer(srv_dco(p->srv), p->id);
	p->dco.added = false;
	return "data channel offload: the server's kernel refused this client";
}

const char *server_dco_peer_add(struct peer *p, bool *kernel_failed)
{
	static char why[200];
	struct server *srv = p->srv;
	const struct options *o = srv->o;
	struct dco_peer kp = {
		.peer_id = p->id,
		.fd = p->tcp_mode ? link_fd(&p->tcp) : link_fd(&srv->link),
		.remote = p->tcp_mode ? NULL : &p->addr.addr,
		.vpn4 = p->has_v4 ? &p->v4 : NULL,
		.vpn6 = p->has_v6 ? &p->v6 : NULL,
	};
	const char *reason;
	int ret;

	if (!srv->dco)
		return NULL;
	reason = server_dco_client_check(o, p->ccd_loaded ? &p->ccd : NULL, p->ssl.neg.data_v2,
					 p->ssl.neg.cipher, why, sizeof(why));
	if (!reason && p->comp.alg != COMP_ALG_NONE && p->comp.alg != COMP_ALG_STUB_V2) {
		snprintf(why, sizeof(why), "data channel offload: compression framing '%s' is not "
			 "supported by ovpn-dco", comp_alg_name(p->comp.alg));
		reason = why;
	}
	if (!reason && !p->dco.key_pending)
		reason = "data channel offload: no data channel key for the kernel";
	if (reason) {
		msg(M_WARN, "MULTI: %s: client has been rejected due to incompatible DCO options: "
		    "%s", p->name, reason);
		return reason;
	}
	*kernel_failed = true; /* any failure from here on */
	ret = dco_new_peer(srv_dco(srv), &kp);
	if (ret == -EEXIST) {
		/* a stale peer of this id (a missed notification): ours now */
		msg(M_WARN, "%s: DCO: the kernel already has a peer with id %u; replacing it",
		    p->name, p->id);
		dco_del_peer(srv_dco(srv), p->id);
		ret = dco_new_peer(srv_dco(srv), &kp);
	}
	if (ret < 0)
		return peer_add_fail(p, "add the client to the kernel", ret);
	p->dco.added = true;
	p->dco.link_rx = p->dco.link_tx = 0;
	if (o->ping > 0 || o->ping_restart > 0) {
		ret = dco_set_keepalive(srv_dco(srv), p->id, (uint32_t)o->ping,
					(uint32_t)o->ping_restart);
		if (ret < 0)
			return peer_add_fail(p, "set the keepalive", ret);
	}
	ret = install_key(p, &p->dco.first, DCO_SLOT_PRIMARY);
	crypto_wipe(&p->dco.first, sizeof(p->dco.first));
	p->dco.key_pending = false;
	if (ret < 0)
		return peer_add_fail(p, "install the first key", ret);
	/* the kernel pings and expires the client now; userspace would only see
	 * silence on the data channel */
	ping_configure(&p->ping, 0, 0, 0, 0, 0);
	ping_stop(&p->ping);
	add_kernel_routes(p);
	*kernel_failed = false;
	msg(M_INFO, "%s: DCO: data channel offloaded to %s: peer-id %u, cipher %s, keepalive %d/%d",
	    p->name, dco_ifname(srv_dco(srv)), p->id, p->ssl.neg.cipher, o->ping, o->ping_restart);
	dco_mtu_warn(p->name, o->tun_mtu, kp.remote, p->tcp_mode, p->ssl.neg.cipher, NULL);
	return NULL;
}

void server_dco_peer_del(struct peer *p)
{
	struct server *srv = p->srv;
	int ret;

	if (!srv->dco)
		return;
	if (p->dco.timer_ready)
		timer_cancel(&srv->loop, &p->dco.swap_timer);
	if (p->dco.key_pending) {
		crypto_wipe(&p->dco.first, sizeof(p->dco.first));
		p->dco.key_pending = false;
	}
	if (!dco_link_present(srv_dco(srv))) {
		/* deleted with the interface: its routes and counters too */
		p->dco.added = false;
		return;
	}
	/* routes first: a packet for the iroute must not find a peer-less hop */
	del_kernel_routes(p);
	if (!p->dco.added)
		return;
	peer_sync_stats(p);
	ret = dco_del_peer(srv_dco(srv), p->id);
	if (ret < 0 && ret != -ENOENT)
		msg(M_WARN, "%s: DCO: cannot delete peer-id %u: %s", p->name, p->id,
		    strerror(-ret));
	p->dco.added = false;
}
