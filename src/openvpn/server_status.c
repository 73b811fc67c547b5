/*
 * Server mode: the status file (--status, versions 1-3) and the
 * --ifconfig-pool-persist file, each written on its interval, and the
 * server-wide statistics that SIGUSR2 and the end of a run log.
 */
#include "server_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "peer.h"
#include "pool.h"
#include "server_dco.h"
#include "status.h"
#include "version.h"

void server_status_changed(struct server *srv)
{
	(void)srv;	/* the file follows on its interval, as 2.6 */
}

/* Routes of the connected clients: the size of the routing table. */
static size_t server_status_n_routes(const struct server *srv)
{
	const struct peer *p;
	size_t n = 0;

	for (p = srv->peers; p; p = p->next)
		if (p->state == PEER_CONNECTED)
			n += (size_t)p->n_routes;
	return n;
}

/*
 * Gather the connected clients and their routes into a struct
 * status_server for fn: the status file and the management interface's
 * "status" print the same.
 */
static int server_status_collect(struct server *srv,
				 int (*fn)(const struct status_server *s, void *arg), void *arg)
{
	uint32_t n = srv->n_connected, nc = 0, nr = 0;
	size_t max_routes = server_status_n_routes(srv);
	struct status_client *cl = calloc(n ? n : 1, sizeof(*cl));
	struct status_route *rt = calloc(max_routes ? max_routes : 1, sizeof(*rt));
	char (*real)[ADDR_STRLEN] = calloc(n ? n : 1, sizeof(*real));
	char (*virt)[64] = calloc(max_routes ? max_routes : 1, sizeof(*virt));
	struct status_server s;
	struct peer *p;
	int i, ret = -ENOMEM;

	if (!cl || !rt || !real || !virt)
		goto out;
	server_dco_sync_stats(srv);	/* per-client kernel byte counts */
	for (p = srv->peers; p && nc < n; p = p->next) {
		if (p->state != PEER_CONNECTED)
			continue;
		status_real_addr(p->tcp_mode ? &p->tcp.peer : &p->addr.addr, real[nc],
				 sizeof(real[nc]));
		cl[nc] = (struct status_client) {
			.common_name = p->cn, .real_addr = real[nc],
			.has_v4 = p->has_v4, .v4 = p->v4, .has_v6 = p->has_v6, .v6 = p->v6,
			.bytes_in = p->bytes_in, .bytes_out = p->bytes_out,
			.connected_since = p->connected_since, .client_id = p->id,
			.peer_id = p->id, .cipher = p->ssl.neg.cipher,
		};
		for (i = 0; i < p->n_routes && nr < max_routes; i++) {
			const struct vprefix *k = &p->routes[i].key;

			if ((k->family == AF_INET && k->bits == 32) ||
			    (k->family == AF_INET6 && k->bits == 128))
				inet_ntop(k->family, k->addr, virt[nr], sizeof(virt[nr]));
			else
				vprefix_to_str(k, virt[nr], sizeof(virt[nr]));
			rt[nr] = (struct status_route) {
				.virt = virt[nr], .common_name = p->cn, .real_addr = real[nc],
				.last_ref = p->connected_since,
			};
			nr++;
		}
		nc++;
	}
	s = (struct status_server) {
		.title = version_title(), .now = time(NULL), .clients = cl, .n_clients = nc,
		.routes = rt, .n_routes = nr, .dco_enabled = srv->dco,
	};
	ret = fn(&s, arg);
out:
	free(cl);
	free(rt);
	free(real);
	free(virt);
	return ret;
}

static int server_status_to_file(const struct status_server *s, void *arg)
{
	const struct options *o = arg;

	return status_write_file(s, o->status_version, o->status_file);
}

void server_status_write(struct server *srv)
{
	server_status_collect(srv, server_status_to_file, (void *)srv->o);
}

struct status_text {
	int version;
	char *text;
};

static int server_status_to_text(const struct status_server *s, void *arg)
{
	struct status_text *st = arg;
	size_t len;

	return status_render(s, st->version, &st->text, &len);
}

char *server_status_text(struct server *srv, int version)
{
	struct status_text st = { .version = version };

	server_status_collect(srv, server_status_to_text, &st);
	return st.text;
}

static void server_status_due(struct timer *tm)
{
	struct server *srv = container_of(tm, struct server, status_timer);

	server_status_write(srv);
	timer_arm(&srv->loop, tm, (uint64_t)srv->o->status_secs * 1000);
}

static void server_persist_due(struct timer *tm)
{
	struct server *srv = container_of(tm, struct server, persist_timer);

	pool_persist_save(srv->pool, srv->o->pool_persist_file);
	timer_arm(&srv->loop, tm, (uint64_t)srv->o->pool_persist_secs * 1000);
}


/* SIGUSR2 and the end of a run: the server-wide counters. */
void server_status_log(const struct server *srv)
{
	const struct server_stats *st = &srv->st;

	msg(M_INFO, "SERVER STATISTICS: %u clients connected, %u in handshake, %llu since start",
	    srv->n_connected, srv->n_handshake, (unsigned long long)st->clients_total);
	msg(M_INFO, "TUN/TAP read bytes,%llu", (unsigned long long)st->tun_read_bytes);
	msg(M_INFO, "TUN/TAP write bytes,%llu", (unsigned long long)st->tun_write_bytes);
	msg(M_INFO, "TCP/UDP read bytes,%llu", (unsigned long long)st->link_read_bytes);
	msg(M_INFO, "TCP/UDP write bytes,%llu", (unsigned long long)st->link_write_bytes);
	msg(M_INFO, "Dropped: no route %llu, unknown source %llu, bad peer-id %llu, spoofed source %llu, not IP %llu, tun write %llu, refused new %llu, resets answered %llu, unanswered %llu",
	    (unsigned long long)st->drop_no_route, (unsigned long long)st->drop_unknown_source,
	    (unsigned long long)st->drop_bad_peer_id, (unsigned long long)st->drop_spoofed,
	    (unsigned long long)st->drop_not_ip, (unsigned long long)st->drop_tun_write,
	    (unsigned long long)st->refused_new, (unsigned long long)st->reset_answered,
	    (unsigned long long)st->reset_unanswered);
	if (srv->wcfg.mode == TLS_WRAP_CRYPT_V2)
		msg(M_INFO, "tls-crypt-v2: bad client keys %llu, refused by verify %llu, "
		    "refused without cookie %llu", (unsigned long long)st->drop_bad_wkc,
		    (unsigned long long)st->refused_wkc_verify,
		    (unsigned long long)st->refused_noncookie);
}

void server_status_init(struct server *srv)
{
	timer_init(&srv->status_timer, server_status_due);
	timer_init(&srv->persist_timer, server_persist_due);
}

void server_status_start(struct server *srv)
{
	const struct options *o = srv->o;

	if (o->status_file)
		timer_arm(&srv->loop, &srv->status_timer, 0);
	if (srv->pool && o->pool_persist_file && o->pool_persist_secs > 0)
		timer_arm(&srv->loop, &srv->persist_timer, (uint64_t)o->pool_persist_secs * 1000);
}
