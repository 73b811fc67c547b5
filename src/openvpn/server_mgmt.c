/*
 * Server mode's side of the management interface: the status report,
 * per-client byte counts, load statistics and "kill".
 */
#include "server_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "management.h"
#include "peer.h"
#include "server_dco.h"

static char *server_mgmt_status(void *ctx, int version)
{
	return server_status_text(ctx, version);
}

static void server_mgmt_bytecount(void *ctx)
{
	struct server *srv = ctx;
	struct peer *p;

	server_dco_sync_stats(srv);	/* the kernel's counts, as the status file */
	for (p = srv->peers; p; p = p->next)
		if (p->state == PEER_CONNECTED)
			management_bytecount_cli(p->id, p->bytes_in, p->bytes_out);
}

static void server_mgmt_load_stats(void *ctx, struct mgmt_load *l)
{
	struct server *srv = ctx;

	l->nclients = srv->n_connected;
	l->bytes_in = srv->st.link_read_bytes;
	l->bytes_out = srv->st.link_write_bytes;
}

/* Tell the client to reconnect (RESTART), then drop it. */
static void server_mgmt_kill_peer(struct peer *p)
{
	peer_restart_client(p, "killed by the management interface");
}

static int server_mgmt_kill_cn(void *ctx, const char *cn)
{
	struct server *srv = ctx;
	struct peer *p;
	int n = 0;

	for (p = srv->peers; p; p = p->next) {
		if (p->state != PEER_CONNECTED || strcmp(p->cn, cn) != 0)
			continue;
		server_mgmt_kill_peer(p);
		n++;
	}
	return n;
}

/* host as 2.6 and the status report print it: IPv4 (also for a v4-mapped
 * IPv6 address) or IPv6, no DNS lookup. */
static bool server_mgmt_addr_is(const struct sockaddr_any *a, const char *host,
				const char *port)
{
	char text[INET6_ADDRSTRLEN], pnum[8];
	uint16_t pn;

	if (a->sa.sa_family == AF_INET) {
		pn = ntohs(a->in4.sin_port);
		inet_ntop(AF_INET, &a->in4.sin_addr, text, sizeof(text));
	} else if (a->sa.sa_family == AF_INET6) {
		pn = ntohs(a->in6.sin6_port);
		if (addr_is_v4mapped(a))
			inet_ntop(AF_INET, &a->in6.sin6_addr.s6_addr[12], text, sizeof(text));
		else
			inet_ntop(AF_INET6, &a->in6.sin6_addr, text, sizeof(text));
	} else {
		return false;
	}
	snprintf(pnum, sizeof(pnum), "%u", pn);
	return strcmp(pnum, port) == 0 && strcmp(text, host) == 0;
}

static int server_mgmt_kill_addr(void *ctx, const char *host, const char *port)
{
	struct server *srv = ctx;
	struct peer *p;
	int n = 0;

	for (p = srv->peers; p; p = p->next) {
		if (p->state != PEER_CONNECTED ||
		    !server_mgmt_addr_is(p->tcp_mode ? &p->tcp.peer : &p->addr.addr, host, port))
			continue;
		server_mgmt_kill_peer(p);
		n++;
	}
	return n;
}

static const struct mgmt_ops server_mgmt_ops = {
	.status = server_mgmt_status,
	.bytecount = server_mgmt_bytecount,
	.load_stats = server_mgmt_load_stats,
	.kill_cn = server_mgmt_kill_cn,
	.kill_addr = server_mgmt_kill_addr,
};

void server_mgmt_attach(struct server *srv)
{
	management_attach(&srv->loop, &server_mgmt_ops, srv);
}
