/*
 * A server's client: lifecycle, client-config-dir, VPN addresses, iroutes
 * and its PUSH_REPLY. The packet path lives in server.c.
 */
#include "peer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccd.h"
#include "log.h"
#include "mss.h"
#include "pool.h"
#include "push.h"
#include "server.h"
#include "ssl_keymethod.h"
#include "ssl_openssl.h"

/* 2.6 sends AUTH_FAILED, then drops the client a few seconds later. */
#define PEER_REFUSE_DELAY_MS 2000

bool peer_has_iv_proto(const struct peer *p, unsigned int bit)
{
	return p->ssl.ks[SSL_KS_PRIMARY].peer_info.iv_proto & bit;
}

/* ---- TLS session glue ------------------------------------------------------ */

static void peer_ssl_send(struct ssl_session *s, struct buf *pkt)
{
	struct peer *p = s->owner;

	server_send_to_peer(p->srv, p, pkt);
}

static void peer_ssl_established(struct ssl_session *s)
{
	peer_connected(s->owner);
}

static void peer_ssl_failed(struct ssl_session *s, const char *reason)
{
	peer_close(s->owner, reason);
}

static void peer_ssl_control(struct ssl_session *s, const char *m)
{
	struct peer *p = s->owner;
	uint64_t now = event_now_ms();

	if (push_is_request(m)) {
		/* a reply already on its way is not sent again at once */
		if (p->state == PEER_CONNECTED &&
		    (p->push_sent_ms == 0 || now - p->push_sent_ms >= 5000))
			peer_send_push_reply(p);
	} else if (strcmp(m, "EXIT") == 0) {
		msg(M_INFO, "%s: client sent EXIT: disconnecting", p->name);
		peer_close(p, "client-exit");
	} else {
		msg(D_LOW, "%s: WARNING: Received unknown control message: %s", p->name, m);
	}
}

static void peer_ssl_timer(struct timer *tm)
{
	peer_ssl_reschedule(container_of(tm, struct peer, ssl_timer));
}

void peer_ssl_reschedule(struct peer *p)
{
	int64_t ms;

	if (p->state == PEER_CLOSING)
		return;
	ms = ssl_timeout(&p->ssl);
	if (p->state == PEER_CLOSING)
		return;		/* the session gave up in there */
	if (ms < 0 || ms > 1000)
		ms = 1000;
	timer_arm(&p->srv->loop, &p->ssl_timer, (uint64_t)ms);
}

static void peer_ping_event(struct ping_state *ps, enum ping_event ev)
{
	struct peer *p = container_of(ps, struct peer, ping);
	struct buf *b = &p->srv->tx[0];

	switch (ev) {
	case PING_SEND:
		buf_reset(b, BUF_HEADROOM);
		if (ping_build(b))
			server_send_payload(p->srv, p, b);
		break;
	case PING_RESTART:
	case PING_EXIT:
	case PING_INACTIVE:
		msg(M_INFO, "%s: Inactivity timeout (--ping-restart), restarting", p->name);
		peer_close(p, "ping-restart");
		break;
	}
}

static void peer_close_due(struct timer *tm)
{
	struct peer *p = container_of(tm, struct peer, close_timer);

	if (p->state != PEER_CLOSING)
		peer_close(p, p->close_reason ? p->close_reason : "auth-failure");
	peer_free(p);
}

/* ---- lifecycle --------------------------------------------------------------- */

struct peer *peer_new(struct server *srv, const struct sockaddr_any *from)
{
	static const struct ssl_callbacks cb = {
		.send_control = peer_ssl_send,
		.established = peer_ssl_established,
		.failed = peer_ssl_failed,
		.control_message = peer_ssl_control,
		.keys_derived = server_dco_keys_derived,	/* no-ops without DCO */
		.key_retired = server_dco_key_retired,
	};
	struct peer *p = calloc(1, sizeof(*p));
	char a[ADDR_STRLEN];

	if (!p) {
		msg(M_WARN, "MULTI: out of memory for a new client");
		return NULL;
	}
	if (ptab_id_alloc(&srv->tab, p, &p->id) < 0) {
		free(p);
		return NULL;
	}
	p->srv = srv;
	p->addr.owner = p;
	timer_init(&p->ssl_timer, peer_ssl_timer);
	timer_init(&p->close_timer, peer_close_due);
	ping_init(&p->ping, &srv->loop, peer_ping_event);
	ping_configure(&p->ping, srv->o->ping, srv->o->ping_restart, 0, 0, 0);
	if (from) {
		p->addr.addr = *from;
		addr_to_str(from, a, sizeof(a));
		snprintf(p->name, sizeof(p->name), "%s", a);
	} else {
		snprintf(p->name, sizeof(p->name), "[undef]");
	}
	if (ssl_session_init(&p->ssl, srv->o, srv->tls_ctx, &srv->wcfg, &cb, p) < 0 ||
	    comp_init(&p->comp, srv->o->comp, srv->o->allow_compression) < 0) {
		ptab_id_release(&srv->tab, p->id);
		ssl_session_free(&p->ssl);
		free(p);
		return NULL;
	}
	p->ssl.peer_name = p->name;
	p->ssl.neg.peer_id = p->id;
	if (from)
		ptab_addr_add(&srv->tab, &p->addr);
	p->next = srv->peers;
	if (srv->peers)
		srv->peers->prev = p;
	srv->peers = p;
	srv->n_peers++;
	srv->n_handshake++;
	return p;
}

static void peer_drop_routes(struct peer *p)
{
	int i;

	for (i = 0; i < p->n_routes; i++) {
		/* a route another client took over is that client's now */
		if (p->routes[i].linked)
			ccd_learn_address(p, "delete", &p->routes[i].key);
		ptab_route_del(&p->srv->tab, &p->routes[i]);
	}
	p->n_routes = 0;
}

void peer_close(struct peer *p, const char *reason)
{
	struct server *srv = p->srv;

	if (p->state == PEER_CLOSING)
		return;
	/* DCO: kernel counters (for client-disconnect), routes, DEL_PEER */
	server_dco_peer_del(p);
	if (p->state == PEER_CONNECTED)
		msg(M_INFO, "%s SIGTERM[soft,%s] received, client-instance exiting", p->name, reason);
	else
		msg(D_NORMAL, "%s: closing (%s)", p->name, reason);
	if (p->state == PEER_CONNECTED) {
		srv->n_connected--;
		ccd_client_disconnect(p);
	} else if (p->state == PEER_HANDSHAKE) {
		srv->n_handshake--;
	}
	p->state = PEER_CLOSING;
	p->close_reason = reason;
	ptab_addr_del(&srv->tab, &p->addr);
	peer_drop_routes(p);
	if (p->pool_owned && srv->pool)
		pool_release(srv->pool, p->pool_handle);
	p->pool_owned = false;
	ping_stop(&p->ping);
	timer_cancel(&srv->loop, &p->ssl_timer);
	timer_arm(&srv->loop, &p->close_timer, 0);
	server_status_changed(srv);
}

/* Send one last control message and close a few seconds later. */
static void peer_dismiss(struct peer *p, const char *control, const char *close_reason)
{
	if (p->state == PEER_CONNECTED)
		p->srv->n_connected--;
	else
		p->srv->n_handshake--;
	peer_drop_routes(p);
	if (p->pool_owned && p->srv->pool)
		pool_release(p->srv->pool, p->pool_handle);
	p->pool_owned = false;
	/* kept in the address table so the client's ACKs still arrive */
	p->state = PEER_REFUSED;
	p->close_reason = close_reason;
	ssl_send_control_message(&p->ssl, control);
	ping_stop(&p->ping);
	timer_arm(&p->srv->loop, &p->close_timer, PEER_REFUSE_DELAY_MS);
	peer_ssl_reschedule(p);
}

void peer_refuse(struct peer *p, const char *reason)
{
	char m[256];

	if (p->state == PEER_CLOSING || p->state == PEER_REFUSED)
		return;
	msg(M_WARN, "%s: refusing the client: %s", p->name,
	    reason && reason[0] ? reason : "authentication failed");
	snprintf(m, sizeof(m), "AUTH_FAILED%s%s", reason && reason[0] ? "," : "",
		 reason ? reason : "");
	peer_dismiss(p, m, "auth-failure");
}

void peer_restart_client(struct peer *p, const char *reason)
{
	if (p->state == PEER_CLOSING || p->state == PEER_REFUSED)
		return;
	msg(M_WARN, "%s: telling the client to reconnect: %s", p->name, reason);
	peer_dismiss(p, "RESTART", reason);
}

void peer_free(struct peer *p)
{
	struct server *srv = p->srv;

	if (p->state != PEER_CLOSING)
		peer_close(p, "shutdown");
	timer_cancel(&srv->loop, &p->close_timer);
	timer_cancel(&srv->loop, &p->ssl_timer);
	if (p->tcp_mode) {
		event_del(&srv->loop, link_fd(&p->tcp));
		link_close(&p->tcp);
	}
	ptab_id_release(&srv->tab, p->id);
	if (p->prev)
		p->prev->next = p->next;
	else
		srv->peers = p->next;
	if (p->next)
		p->next->prev = p->prev;
	srv->n_peers--;
	ssl_session_free(&p->ssl);
	comp_free(&p->comp);
	free(p->routes);
	if (p->ccd_loaded)
		options_free(&p->ccd);
	free(p);
}

/* ---- addresses and routes -------------------------------------------------------- */

static int peer_add_route(struct peer *p, int family, const void *addr, unsigned bits)
{
	struct server *srv = p->srv;
	struct ptab_route *r, *old;
	char s[64];

	if (p->n_routes >= p->cap_routes)
		return -ENOSPC;
	r = &p->routes[p->n_routes];
	memset(r, 0, sizeof(*r));
	if (vprefix_make(&r->key, family, addr, bits) < 0)
		return -EINVAL;
	r->owner = p;
	old = ptab_route_find(&srv->tab, &r->key);
	if (old) {
		/* the newest claim wins, as 2.6's learn-address does */
		msg(M_WARN, "MULTI: %s moves from %s to %s", vprefix_to_str(&r->key, s, sizeof(s)),
		    ((struct peer *)old->owner)->name, p->name);
		ptab_route_del(&srv->tab, old);
	}
	ptab_route_add(&srv->tab, r);
	p->n_routes++;
	msg(D_NORMAL, "MULTI: Learn: %s -> %s", vprefix_to_str(&r->key, s, sizeof(s)), p->name);
	return 0;
}

/* --max-routes-per-client: as 2.6, the routes over the limit are not
 * learned (and said so); the client itself is not refused. */
static bool peer_route_allowed(struct peer *p, const char *what)
{
	int max = p->srv->o->max_routes_per_client;

	if (p->n_routes < max && p->n_routes < p->cap_routes)
		return true;
	msg(M_WARN, "MULTI: %s: --max-routes-per-client %d reached: iroute %s not learned",
	    p->name, max, what);
	return false;
}

static int peer_add_iroutes(struct peer *p)
{
	const struct options *c = &p->ccd;
	int i, ret = 0;

	for (i = 0; i < c->n_iroutes && ret == 0; i++) {
		struct in_addr net, mask = { .s_addr = 0xffffffffu };
		unsigned bits = 32;

		inet_pton(AF_INET, c->iroutes[i].argv[0], &net);
		if (c->iroutes[i].argc > 1) {
			inet_pton(AF_INET, c->iroutes[i].argv[1], &mask);
			addr_netmask_to_prefix(mask, &bits);
		}
		if (peer_route_allowed(p, c->iroutes[i].argv[0]))
			ret = peer_add_route(p, AF_INET, &net, bits);
	}
	for (i = 0; i < c->n_iroutes_ipv6 && ret == 0; i++) {
		struct in6_addr a;
		unsigned bits;

		if (addr_parse_ipv6_prefix(c->iroutes_ipv6[i].argv[0], &a, &bits) == 0 &&
		    peer_route_allowed(p, c->iroutes_ipv6[i].argv[0]))
			ret = peer_add_route(p, AF_INET6, &a, bits);
	}
	return ret;
}

/* Fixed addresses (ccd / client-connect ifconfig-push) or a pool slot. */
static const char *peer_pick_addresses(struct peer *p)
{
	struct server *srv = p->srv;
	const struct options *c = p->ccd_loaded ? &p->ccd : NULL;
	bool fixed4 = c && c->ifconfig_push_set, fixed6 = c && c->ifconfig_ipv6_push_set;
	struct in_addr v4;
	struct in6_addr v6;

	if (p->pool_owned)
		pool_release(srv->pool, p->pool_handle);
	p->pool_owned = p->has_v4 = p->has_v6 = false;
	if (fixed4) {
		p->v4 = c->ifconfig_push_local;
		p->has_v4 = true;
	}
	if (fixed6) {
		p->v6 = c->ifconfig_ipv6_push;
		p->has_v6 = true;
	}
	if (srv->pool && ((!fixed4 && pool_has_v4(srv->pool)) ||
			  (!fixed6 && pool_has_v6(srv->pool)))) {
		if (pool_acquire(srv->pool, p->cn, &v4, &v6, &p->pool_handle) < 0)
			return "no free address in the pool (--ifconfig-pool / --server)";
		p->pool_owned = true;
		if (!fixed4 && pool_has_v4(srv->pool)) {
			p->v4 = v4;
			p->has_v4 = true;
		}
		if (!fixed6 && pool_has_v6(srv->pool)) {
			p->v6 = v6;
			p->has_v6 = true;
		}
	}
	if (!p->has_v4 && !p->has_v6)
		return "no VPN address for this client (no pool and no ifconfig-push)";
	return NULL;
}

/* Room for the addresses and every iroute up to the limit. Only while
 * nothing is linked: the tables point into the array. */
static int peer_routes_reserve(struct peer *p)
{
	const struct options *c = p->ccd_loaded ? &p->ccd : NULL;
	int want = 2 + (c ? c->n_iroutes + c->n_iroutes_ipv6 : 0);
	struct ptab_route *r;

	if (want > 2 + p->srv->o->max_routes_per_client)
		want = 2 + p->srv->o->max_routes_per_client;
	if (p->n_routes > 0 || want <= p->cap_routes)
		return 0;
	r = realloc(p->routes, (size_t)want * sizeof(*r));
	if (!r)
		return -ENOMEM;
	p->routes = r;
	p->cap_routes = want;
	return 0;
}

static const char *peer_install_routes(struct peer *p)
{
	int i;

	if (peer_routes_reserve(p) < 0)
		return "out of memory for this client's routes";
	if ((p->has_v4 && peer_add_route(p, AF_INET, &p->v4, 32) < 0) ||
	    (p->has_v6 && peer_add_route(p, AF_INET6, &p->v6, 128) < 0) ||
	    (p->ccd_loaded && peer_add_iroutes(p) < 0))
		return "cannot learn this client's routes";
	for (i = 0; i < p->n_routes; i++)
		ccd_learn_address(p, "add", &p->routes[i].key);
	return NULL;
}

/* The name the client goes by (ccd file, status, scripts, logs): its
 * certificate's CN, "UNDEF" without one, or its username. */
static void peer_set_cn(struct peer *p, const char *cn)
{
	char a[ADDR_STRLEN];
	size_t i;

	snprintf(p->cn, sizeof(p->cn), "%s", cn ? cn : "UNDEF");
	for (i = 0; p->cn[i]; i++)
		if ((unsigned char)p->cn[i] < 0x20 || p->cn[i] == 0x7f)
			p->cn[i] = '_';
	snprintf(p->name, sizeof(p->name), "%s/%s", p->cn,
		 p->tcp_mode ? addr_to_str(&p->tcp.peer, a, sizeof(a)) :
		 addr_to_str(&p->addr.addr, a, sizeof(a)));
}

/* ccd file, addresses, client-connect (which may change them), routes. */
static const char *peer_configure(struct peer *p)
{
	bool fixed4, fixed6;
	const char *why;

	why = ccd_auth_user_pass(p);
	if (!why && p->srv->o->username_as_cn && p->ssl.peer_user[0]) {
		/* only a verified username: ccd_auth_user_pass() refused the rest */
		msg(D_NORMAL, "%s: --username-as-common-name: common name is now '%s'", p->name,
		    p->ssl.peer_user);
		peer_set_cn(p, p->ssl.peer_user);
	}
	if (!why)
		why = ccd_load(p);
	if (!why)
		why = peer_pick_addresses(p);
	if (why)
		return why;
	fixed4 = p->ccd_loaded && p->ccd.ifconfig_push_set;
	fixed6 = p->ccd_loaded && p->ccd.ifconfig_ipv6_push_set;
	why = ccd_client_connect(p);
	if (!why && p->ccd_loaded && (p->ccd.ifconfig_push_set != fixed4 ||
				      p->ccd.ifconfig_ipv6_push_set != fixed6))
		why = peer_pick_addresses(p);
	return why ? why : peer_install_routes(p);
}

/* The compression framing 2.6 gives this client (comp.h), from the
 * server's options, its ccd / client-connect options and what it told us. */
static void peer_comp_choice(const struct peer *p, struct comp_client_out *out)
{
	const struct options *o = p->srv->o;
	struct comp_client_in in = {
		.server_alg = o->comp,
		.migrate = o->comp_migrate,
		.ccd_set = p->ccd_loaded && p->ccd.comp_set,
		.ccd_alg = p->ccd_loaded ? p->ccd.comp : COMP_ALG_NONE,
		.allow = o->allow_compression,
		.occ_comp_lzo = p->ssl.neg.occ_comp_lzo,
		.iv_comp_stubv2 = p->ssl.ks[SSL_KS_PRIMARY].peer_info.comp_stubv2,
	};

	comp_for_client(&in, out);
}

static const char *peer_setup_comp(struct peer *p)
{
	struct comp_client_out c;

	peer_comp_choice(p, &c);
	if (c.refuse)
		return c.refuse;
	if (c.alg != p->comp.alg) {
		comp_free(&p->comp);
		if (comp_init(&p->comp, c.alg, p->srv->o->allow_compression) < 0)
			return "out of memory for compression";
	}
	if (c.push)
		msg(M_INFO, "%s: --compress migrate: the client asks for compression; pushing '%s'",
		    p->name, c.push);
	if (comp_active(&p->comp))
		msg(D_NORMAL, "%s: compression framing: %s", p->name, comp_alg_name(p->comp.alg));
	return NULL;
}

static void peer_drop_duplicates(struct peer *p)
{
	struct peer *q, *next;

	if (p->srv->o->duplicate_cn)
		return;
	for (q = p->srv->peers; q; q = next) {
		next = q->next;
		if (q == p || q->state != PEER_CONNECTED || strcmp(q->cn, p->cn) != 0)
			continue;
		msg(M_INFO, "MULTI: new connection by client '%s' will cause previous active sessions by this client to be dropped.  Remember to use the --duplicate-cn option if you want multiple clients using the same certificate or username to concurrently connect.",
		    p->cn);
		peer_close(q, "duplicate-cn");
	}
}

/* The --mssfix limit for this client's negotiated data channel. */
static void peer_mss_update(struct peer *p)
{
	const struct options *o = p->srv->o;
	struct mss_encap e;
	int ret;

	ret = mss_encap_init(&e, p->ssl.neg.cipher, o->auth, p->ssl.neg.data_v2, p->comp.alg,
			     p->tcp_mode ? &p->tcp.peer : &p->addr.addr, p->tcp_mode);
	if (ret == 0)
		ret = mss_from_options(o->mssfix, o->mssfix_mode, o->tun_mtu, &e, &p->mss4);
	if (ret < 0)
		msg(M_WARN, "%s: --mssfix %d leaves no room for TCP payload: not clamping", p->name,
		    o->mssfix);
	else if (p->mss4)
		msg(D_OPTIONS, "%s: TCP MSS clamped to %u (IPv4), %u (IPv6)", p->name, p->mss4,
		    p->mss4 - 20);
}

void peer_connected(struct peer *p)
{
	struct server *srv = p->srv;
	const char *cn = ssl_conn_peer_cn(p->ssl.ks[SSL_KS_PRIMARY].tls);
	const char *why;
	bool kernel_failed = false;
	char v[INET_ADDRSTRLEN];

	if (p->state != PEER_HANDSHAKE)
		return;
	peer_set_cn(p, cn);
	if (p->ssl.neg_error) {
		peer_refuse(p, p->ssl.neg_error);
		return;
	}
	why = peer_configure(p);
	if (!why)
		why = peer_setup_comp(p);
	if (!why)	/* DCO: refuse incompatible clients, else hand to the kernel */
		why = server_dco_peer_add(p, &kernel_failed);
	if (why && kernel_failed) {
		peer_restart_client(p, why); /* not the client's fault: it may retry */
		return;
	}
	if (why) {
		peer_refuse(p, why);
		return;
	}
	peer_drop_duplicates(p);
	p->state = PEER_CONNECTED;
	srv->n_handshake--;
	srv->n_connected++;
	srv->st.clients_total++;
	p->connected_since = time(NULL);
	ping_start(&p->ping, false);
	if (p->has_v4)
		msg(M_INFO, "MULTI: primary virtual IP for %s: %s", p->name,
		    inet_ntop(AF_INET, &p->v4, v, sizeof(v)));
	msg(M_INFO, "%s: Data Channel: cipher '%s', peer-id: %u%s", p->name, p->ssl.neg.cipher,
	    p->id, p->ssl.neg.data_v2 ? "" : " (DATA_V1)");
	peer_mss_update(p);
	if (peer_has_iv_proto(p, IV_PROTO_REQUEST_PUSH))
		peer_send_push_reply(p);
	server_status_changed(srv);
}

/* ---- PUSH_REPLY ---------------------------------------------------------------- */

#define PUSH_MAX_ITEMS (2 * OPT_MAX_LIST + 16)

struct push_list {
	const char *item[PUSH_MAX_ITEMS];
	size_t n;
	char own[8][160];                /* per-client items */
	size_t n_own;
};

static bool push_removed(const struct options *o, const struct options *c, const char *opt)
{
	const struct options *lists[2] = { o, c };
	size_t k;
	int i;

	for (k = 0; k < 2; k++) {
		for (i = 0; lists[k] && i < lists[k]->n_push_remove; i++) {
			const char *rm = lists[k]->push_remove[i].argv[0];
			size_t n = strlen(rm);

			if (strncmp(opt, rm, n) == 0 && (opt[n] == ' ' || opt[n] == '\0'))
				return true;
		}
	}
	return false;
}

static void push_add(struct push_list *l, const char *item)
{
	if (l->n < PUSH_MAX_ITEMS && item[0])
		l->item[l->n++] = item;
}

static void push_addf(struct push_list *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void push_addf(struct push_list *l, const char *fmt, ...)
{
	va_list ap;

	if (l->n_own >= sizeof(l->own) / sizeof(l->own[0]))
		return;
	va_start(ap, fmt);
	vsnprintf(l->own[l->n_own], sizeof(l->own[0]), fmt, ap);
	va_end(ap);
	push_add(l, l->own[l->n_own++]);
}

/* ifconfig for the topology: subnet "ip mask", net30 "ip peer", p2p "ip server". */
static void push_ifconfig(struct peer *p, struct push_list *l)
{
	const struct server *srv = p->srv;
	const struct options *o = srv->o;
	struct in_addr second;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	if (p->has_v6) {
		int bits = o->server_ipv6_set ? o->server_ipv6_bits :
			   o->pool_ipv6_set ? o->pool_ipv6_bits : 64;

		if (p->ccd_loaded && p->ccd.ifconfig_ipv6_push_set)
			bits = p->ccd.ifconfig_ipv6_push_bits;
		inet_ntop(AF_INET6, &p->v6, a, sizeof(a));
		inet_ntop(AF_INET6, &srv->local_v6, b, sizeof(b));
		push_addf(l, "ifconfig-ipv6 %s/%d %s", a, bits, b);
	}
	if (!p->has_v4)
		return;
	if (p->ccd_loaded && p->ccd.ifconfig_push_set)
		second = p->ccd.ifconfig_push_remote;
	else if (o->topology == TOP_SUBNET)
		second = o->server_set ? o->server_mask : o->pool_netmask;
	else if (o->topology == TOP_NET30)
		second = pool_net30_peer(p->v4);
	else
		second = srv->local_v4;
	inet_ntop(AF_INET, &p->v4, a, sizeof(a));
	inet_ntop(AF_INET, &second, b, sizeof(b));
	push_addf(l, "ifconfig %s %s", a, b);
}

/* What 2.6 adds for the client's own negotiation (wire doc 9.3). */
static void push_negotiated(struct peer *p, struct push_list *l)
{
	const struct keymethod_peer_info *pi = &p->ssl.ks[SSL_KS_PRIMARY].peer_info;
	bool cc_exit = pi->iv_proto & IV_PROTO_CC_EXIT_NOTIFY;

	if (p->ssl.neg.data_v2)
		push_addf(l, "peer-id %u", p->id);
	if (pi->has_ciphers || pi->ncp >= 2)
		push_addf(l, "cipher %s", p->ssl.neg.cipher);
	if (p->ssl.neg.tls_export && !cc_exit)
		push_addf(l, "key-derivation tls-ekm");
	if (cc_exit)
		push_addf(l, "protocol-flags cc-exit%s", p->ssl.neg.tls_export ? " tls-ekm" : "");
	if (pi->mtu > 0)
		push_addf(l, "tun-mtu %d", p->srv->o->tun_mtu);
}

int peer_send_push_reply(struct peer *p)
{
	const struct options *o = p->srv->o;
	const struct options *c = p->ccd_loaded ? &p->ccd : NULL;
	static char out[16][PUSH_MSG_MAX];
	struct push_list l;
	struct comp_client_out comp;
	int i, n, ret = 0;

	memset(&l, 0, sizeof(l));
	for (i = 0; !(c && c->push_reset) && i < o->n_push; i++)
		if (!push_removed(o, c, o->push[i].argv[0]))
			push_add(&l, o->push[i].argv[0]);
	peer_comp_choice(p, &comp);
	if (comp.push && !push_removed(o, c, comp.push))
		push_add(&l, comp.push);
	for (i = 0; c && i < c->n_push; i++)
		if (!push_removed(o, c, c->push[i].argv[0]))
			push_add(&l, c->push[i].argv[0]);
	push_ifconfig(p, &l);
	push_negotiated(p, &l);
	n = push_build_replies(l.item, l.n, out, sizeof(out) / sizeof(out[0]));
	if (n < 0) {
		msg(M_WARN, "%s: cannot build the PUSH_REPLY: %s", p->name, strerror(-n));
		return n;
	}
	for (i = 0; i < n && ret == 0; i++) {
		msg(D_NORMAL, "SENT CONTROL [%s]: '%s'", p->cn, out[i]);
		ret = ssl_send_control_message(&p->ssl, out[i]);
	}
	p->push_sent_ms = event_now_ms();
	peer_ssl_reschedule(p);
	return ret;
}
