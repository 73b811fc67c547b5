/*
 * Server mode: one run from setup to teardown. The pool, the tun (or the
 * ovpn-dco interface, server_dco.c), the transport, the signals and the
 * explicit-exit notification that end the run, and what main.c is told.
 */
#include "server_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf_batch.h"
#include "management.h"
#include "peer.h"
#include "pool.h"
#include "process.h"
#include "route.h"
#include "ssl.h"
#include "ssl_openssl.h"
#include "tun.h"

/* ---- signals ------------------------------------------------------------------------ */

static void server_exit_due(struct timer *tm)
{
	struct server *srv = container_of(tm, struct server, exit_timer);

	server_end(srv, TUNNEL_EXIT, "exit-with-notification");
}

/* --explicit-exit-notify: tell every client to reconnect (2 = elsewhere). */
static void server_exit_requested(struct server *srv, const char *reason)
{
	struct peer *p;

	if (srv->o->explicit_exit_notify <= 0 || timer_pending(&srv->exit_timer)) {
		server_end(srv, TUNNEL_EXIT, reason);
		return;
	}
	msg(M_INFO, "%s received, sending exit notification to the clients", reason);
	for (p = srv->peers; p; p = p->next) {
		if (p->state != PEER_CONNECTED)
			continue;
		ssl_send_control_message(&p->ssl, srv->o->explicit_exit_notify >= 2 ?
					 "RESTART,[N]" : "RESTART");
		peer_ssl_reschedule(p);
	}
	timer_arm(&srv->loop, &srv->exit_timer, 2000);
}

static void server_signal(struct event_loop *loop, int signo)
{
	struct server *srv = container_of(loop, struct server, loop);
	enum tunnel_end end;
	const char *name;

	if (signo == SIGUSR2) {
		server_status_log(srv);
		if (srv->o->status_file)
			server_status_write(srv);
		return;
	}
	if (!tunnel_signal_end(signo, &end, &name))
		return;
	if (end == TUNNEL_EXIT)
		server_exit_requested(srv, name);
	else
		server_end(srv, end, name);
}

/* ---- setup ------------------------------------------------------------------------- */

static int server_open_tun(struct server *srv)
{
	struct tunnel_persist *p = srv->persist;
	const struct options *o = srv->o;
	int ret;

	/* DCO: an ovpn-dco interface in MP mode instead (server_dco.c) */
	ret = server_dco_open(srv);
	if (ret <= 0)
		return ret;
	ret = tunnel_persist_open_tun(p, o);
	if (ret == 1) {
		/* 2.6's order, as in P2P: addresses, --up, routes, --route-up */
		ret = route_ifconfig_apply(o, p->tun.ifindex, &p->routes);
		if (ret == 0 && script_tunnel_up(o, p->tun.ifname, false) != 0) {
			msg(M_ERR, "--up script failed: exiting");
			ret = -EPERM;
		}
		if (ret == 0)
			ret = route_apply(o, p->tun.ifindex, &p->routes);
		if (ret == 0)
			script_route_up(o, p->tun.ifname);
	}
	if (ret < 0)
		return ret;
	srv->tun = &p->tun;
	return event_add(&srv->loop, srv->tun->fd, EPOLLIN, &srv->tun_h);
}

static int server_open_pool(struct server *srv)
{
	const struct options *o = srv->o;
	enum pool_topology topo = o->topology == TOP_SUBNET ? POOL_TOPO_SUBNET :
				  o->topology == TOP_P2P ? POOL_TOPO_P2P : POOL_TOPO_NET30;
	struct pool_config cfg = { .topology = topo, .duplicate_cn = o->duplicate_cn };
	int ret;

	if (o->server_set && !o->server_nopool) {
		ret = pool_config_server(&cfg, topo, o->server_net, o->server_mask, NULL);
		if (ret < 0)
			return ret;
	} else if (o->pool_set) {
		cfg.has_v4 = true;
		cfg.v4_start = o->pool_start;
		cfg.v4_end = o->pool_end;
		cfg.v4_netmask = o->pool_netmask;
	}
	if (o->server_ipv6_set) {
		ret = pool_config_server_ipv6(&cfg, &o->server_ipv6, (unsigned)o->server_ipv6_bits,
					      NULL);
		if (ret < 0)
			return ret;
	} else if (o->pool_ipv6_set) {
		cfg.has_v6 = true;
		cfg.v6_base = o->pool_ipv6;
		cfg.v6_bits = (unsigned)o->pool_ipv6_bits;
	}
	if (!cfg.has_v4 && !cfg.has_v6)
		return 0;
	ret = pool_init(&srv->pool, &cfg);
	if (ret < 0)
		return ret;
	if (o->pool_persist_file) {
		ret = pool_persist_load(srv->pool, o->pool_persist_file);
		if (ret < 0)
			msg(M_WARN, "ifconfig-pool-persist: cannot read %s: %s",
			    o->pool_persist_file, strerror(-ret));
	}
	return 0;
}

static int server_open_transport(struct server *srv)
{
	const struct options *o = srv->o;
	struct sockaddr_any local;
	int family = proto_family(o->proto);
	int ret;

	ret = addr_resolve(o->local, o->lport, family == AF_UNSPEC ? AF_INET6 : family,
			   srv->tcp ? SOCK_STREAM : SOCK_DGRAM, true, &local, 1);
	if (ret < 0 && family == AF_UNSPEC)
		ret = addr_resolve(o->local, o->lport, AF_INET, srv->tcp ? SOCK_STREAM : SOCK_DGRAM,
				   true, &local, 1);
	if (ret < 0) {
		msg(M_ERR, "cannot resolve the local address %s:%s: %s", o->local ? o->local : "",
		    o->lport, strerror(-ret));
		return ret;
	}
	srv->lopts = (struct link_opts) { .sndbuf = o->sndbuf, .rcvbuf = o->rcvbuf,
					  .mark = o->mark, .ipv6_only = o->bind_ipv6_only,
					  .pmtudisc = o->mtu_disc };
	if (srv->tcp)
		ret = link_tcp_listen(&srv->link, &local, addr_family(&local), &srv->lopts);
	else
		ret = link_udp_open(&srv->link, &local, addr_family(&local), &srv->lopts);
	if (ret < 0)
		return ret;
	return event_add(&srv->loop, link_fd(&srv->link), EPOLLIN, &srv->link_h);
}

static int server_local_addresses(struct server *srv)
{
	const struct options *o = srv->o;
	char text[INET6_ADDRSTRLEN + 8], *slash;

	if (o->ifconfig_local && inet_pton(AF_INET, o->ifconfig_local, &srv->local_v4) == 1)
		srv->has_local_v4 = true;
	if (o->ifconfig_ipv6_local) {
		snprintf(text, sizeof(text), "%s", o->ifconfig_ipv6_local);
		slash = strchr(text, '/');
		if (slash)
			*slash = '\0';
		srv->has_local_v6 = inet_pton(AF_INET6, text, &srv->local_v6) == 1;
	}
	return 0;
}

static int server_setup(struct server *srv)
{
	const struct options *o = srv->o;
	int ret;

	ret = event_loop_init(&srv->loop);
	if (ret == 0)
		ret = tunnel_signals_init(&srv->loop, server_signal);
	if (ret < 0)
		return ret;
	srv->tcp = proto_is_tcp(o->proto);
	srv->tun_h.cb = server_tun_readable;
	srv->link_h.cb = server_link_ready;
	srv->rl_drop = (struct ratelimit)RATELIMIT_INIT(10000, 5);
	srv->rl_new = (struct ratelimit)RATELIMIT_INIT(10000, 5);
	srv->rl_link = (struct ratelimit)RATELIMIT_INIT(10000, 5);
	server_status_init(srv);
	timer_init(&srv->exit_timer, server_exit_due);
	ret = ptab_init(&srv->tab, (uint32_t)o->max_clients + 64);
	if (ret < 0)
		return ret;
	if (srv->persist->tls_ctx) {
		srv->tls_ctx = srv->persist->tls_ctx;
	} else {
		ret = ssl_ctx_new(o, &srv->tls_ctx);
		if (ret < 0)
			return ret;
		if (o->persist_key)
			srv->persist->tls_ctx = srv->tls_ctx;
	}
	ret = ssl_wrap_config(o, &srv->wcfg, &srv->wrap_keys);
	if (ret < 0)
		return ret;
	ret = tls_wrap_init(&srv->prewrap, &srv->wcfg);
	if (ret == 0)
		ret = cookie_init(&srv->cookies);
	if (ret < 0)
		return ret;
	env_set_init(&srv->base_env);
	ret = script_env_from_options(&srv->base_env, o);
	if (ret < 0)
		return ret;
	srv->sctx = (struct script_ctx) { .security = o->script_security,
					  .tmp_dir = script_tmp_dir(o->tmp_dir),
					  .base = &srv->base_env };
	ret = buf_batch_alloc(&srv->mem, srv->rx, srv->tx, SERVER_BATCH);
	if (ret < 0)
		return ret;
	return server_local_addresses(srv);
}

static int server_drop_privileges(struct server *srv)
{
	return process_drop_once(srv->o->user, srv->o->group, srv->o->chroot_dir,
				 &srv->persist->privs_dropped);
}

static int server_start(struct server *srv)
{
	int ret;

	ret = server_open_pool(srv);
	if (ret == 0)
		ret = server_open_tun(srv);
	if (ret == 0)
		ret = server_open_transport(srv);
	if (ret == 0)
		ret = server_drop_privileges(srv);
	if (ret < 0)
		return ret;
	server_status_start(srv);
	msg(M_INFO, "Initialization Sequence Completed");
	management_state("CONNECTED", &(struct mgmt_state_info){ .desc = "SUCCESS",
			 .tun_ip = srv->o->ifconfig_local });
	srv->persist->restarts = 0;
	return 0;
}

static void server_teardown(struct server *srv)
{
	if (srv->o->status_file && srv->end != TUNNEL_FATAL)
		server_status_write(srv);
	while (srv->peers)
		peer_free(srv->peers);
	server_dco_teardown(srv);
	if (srv->pool && srv->o->pool_persist_file)
		pool_persist_save(srv->pool, srv->o->pool_persist_file);
	if (srv->tun)
		event_del(&srv->loop, srv->tun->fd);
	link_close(&srv->link);
	tls_wrap_free(&srv->prewrap);
	cookie_free(&srv->cookies);
	tls_wrap_keys_wipe(&srv->wrap_keys);
	if (srv->tls_ctx && srv->tls_ctx != srv->persist->tls_ctx)
		ssl_ctx_free(srv->tls_ctx);
	pool_free(srv->pool);
	ptab_free(&srv->tab);
	management_detach();
	event_loop_free(&srv->loop);
	free(srv->mem);
	if (srv->end != TUNNEL_RESTART_SOFT || !srv->o->persist_tun) {
		if (srv->persist->tun_open)
			script_tunnel_down(srv->o, srv->persist->tun.ifname, false,
					   srv->end_reason ? srv->end_reason : "");
		tunnel_persist_release_tun(srv->persist);
	}
	env_set_free(&srv->base_env);
}

enum tunnel_end server_run(const struct options *o, struct tunnel_persist *persist)
{
	struct server *srv = calloc(1, sizeof(*srv));
	enum tunnel_end end;

	if (!srv) {
		msg(M_ERR, "out of memory");
		return TUNNEL_FATAL;
	}
	srv->o = o;
	srv->persist = persist;
	srv->end = TUNNEL_FATAL;
	if (server_setup(srv) < 0) {
		srv->end_reason = "setup";
		goto out;
	}
	server_mgmt_attach(srv);
	/* --management-hold: wait for "hold release" (or a signal) */
	if (management_hold(&srv->loop, 0) && srv->end_reason)
		goto out;
	if (server_start(srv) < 0) {
		srv->end = TUNNEL_FATAL;
		srv->end_reason = "setup";
	} else {
		srv->end = TUNNEL_EXIT;
		event_loop_run(&srv->loop);
		if (srv->end == TUNNEL_RESTART_SOFT || srv->end == TUNNEL_RESTART_HARD)
			msg(M_INFO, "%s[%s,%s] received, process restarting",
			    srv->end_reason ? srv->end_reason : "signal",
			    srv->end == TUNNEL_RESTART_HARD ? "hard" : "soft", "server");
		else
			msg(M_INFO, "%s received, process exiting",
			    srv->end_reason ? srv->end_reason : "signal");
		server_status_log(srv);
	}
out:
	management_state(srv->end == TUNNEL_RESTART_SOFT || srv->end == TUNNEL_RESTART_HARD ?
			 "RECONNECTING" : "EXITING",
			 &(struct mgmt_state_info){ .desc = srv->end_reason });
	server_teardown(srv);
	end = srv->end;
	free(srv);
	return end;
}
