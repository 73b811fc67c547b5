/*
 * Point-to-point instance: one run from setup to teardown. Options to
 * state, the restart pause, opening device and transport, the event loop,
 * the timers and signals that end it, and what main.c is told at the end.
 */
#include "datapath_int.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf_batch.h"
#include "management.h"
#include "compat.h"
#include "process.h"
#include "script.h"
#include "ssl.h"
#include "ssl_openssl.h"

/* ---- timers and signals --------------------------------------------------- */

void tunnel_ping_event(struct ping_state *ps, enum ping_event ev)
{
	struct tunnel *t = container_of(ps, struct tunnel, ping);

	switch (ev) {
	case PING_SEND:
		if (tunnel_can_send(t))
			tunnel_send_ping(t);
		break;
	case PING_RESTART:
		msg(M_INFO, "Inactivity timeout (--ping-restart), restarting");
		tunnel_end(t, TUNNEL_RESTART_SOFT, "ping-restart");
		break;
	case PING_EXIT:
		msg(M_INFO, "Inactivity timeout (--ping-exit), exiting");
		tunnel_end(t, TUNNEL_EXIT, "ping-exit");
		break;
	case PING_INACTIVE:
		msg(M_INFO, "Inactivity timeout (--inactive), exiting");
		tunnel_end(t, TUNNEL_EXIT, "inactive");
		break;
	}
}

static void tunnel_log_stats(const struct tunnel *t)
{
	msg(M_INFO, "OpenVPN STATISTICS");
	msg(M_INFO, "TUN/TAP read bytes,%llu", (unsigned long long)t->st.tun_read_bytes);
	msg(M_INFO, "TUN/TAP write bytes,%llu", (unsigned long long)t->st.tun_write_bytes);
	msg(M_INFO, "TCP/UDP read bytes,%llu", (unsigned long long)t->st.link_read_bytes);
	msg(M_INFO, "TCP/UDP write bytes,%llu", (unsigned long long)t->st.link_write_bytes);
	msg(M_INFO, "Dropped: not IP %llu, no peer %llu, wrong peer %llu, tun write %llu, "
	    "link tx full %llu, link truncated %llu",
	    (unsigned long long)t->st.drop_not_ip, (unsigned long long)t->st.drop_no_peer,
	    (unsigned long long)t->st.drop_wrong_peer, (unsigned long long)t->st.drop_tun_write,
	    (unsigned long long)t->link.stats.drop_full,
	    (unsigned long long)t->link.stats.drop_trunc);
	if (comp_active(&t->comp))
		msg(M_INFO, "Compression (%s): sent %llu compressed, %llu uncompressed; "
		    "received %llu compressed, %llu uncompressed", comp_alg_name(t->comp.alg),
		    (unsigned long long)t->comp.stats.tx_compressed,
		    (unsigned long long)t->comp.stats.tx_uncompressed,
		    (unsigned long long)t->comp.stats.rx_compressed,
		    (unsigned long long)t->comp.stats.rx_uncompressed);
	if (t->tls_mode)
		msg(M_INFO, "Dropped data packets: failed decryption/replay %llu, no key yet %llu",
		    (unsigned long long)t->st.drop_decrypt, (unsigned long long)t->st.drop_no_key);
	tunnel_dco_log_stats(t);
	msg(M_INFO, "END");
}

static void tunnel_exit_notify_due(struct timer *tm)
{
	struct tunnel *t = container_of(tm, struct tunnel, exit_timer);

	if (t->exit_notify_left-- > 0 && tunnel_can_send(t)) {
		tunnel_send_occ_exit(t);
		timer_arm(&t->loop, &t->exit_timer, 1000);
		return;
	}
	tunnel_end(t, TUNNEL_EXIT, "exit-with-notification");
}

static void tunnel_exit_requested(struct tunnel *t, const char *reason)
{
	/* --explicit-exit-notify n (UDP): OCC_EXIT once a second, n times */
	if (t->o->explicit_exit_notify > 0 && tunnel_is_udp(t) && tunnel_can_send(t) &&
	    !timer_pending(&t->exit_timer)) {
		msg(M_INFO, "%s received, sending exit notification to peer", reason);
		t->exit_notify_left = t->o->explicit_exit_notify;
		tunnel_exit_notify_due(&t->exit_timer);
		return;
	}
	tunnel_end(t, TUNNEL_EXIT, reason);
}

/* The signal policy of both modes; main.c acts on the end reported. */
static const struct {
	int signo;
	enum tunnel_end end;
	const char *name;
} tunnel_signal_ends[] = {
	{ SIGTERM, TUNNEL_EXIT, "SIGTERM" },
	{ SIGINT, TUNNEL_EXIT, "SIGINT" },
	{ SIGHUP, TUNNEL_RESTART_HARD, "SIGHUP" },
	{ SIGUSR1, TUNNEL_RESTART_SOFT, "SIGUSR1" },
};

int tunnel_signals_init(struct event_loop *loop, void (*on_signal)(struct event_loop *, int))
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2 };

	return event_signals(loop, sigs, ARRAY_SIZE(sigs), on_signal);
}

bool tunnel_signal_end(int signo, enum tunnel_end *end, const char **name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tunnel_signal_ends); i++) {
		if (tunnel_signal_ends[i].signo == signo) {
			*end = tunnel_signal_ends[i].end;
			*name = tunnel_signal_ends[i].name;
			return true;
		}
	}
	return false;
}

static void tunnel_signal(struct event_loop *loop, int signo)
{
	struct tunnel *t = container_of(loop, struct tunnel, loop);
	enum tunnel_end end;
	const char *name;

	if (signo == SIGUSR2) {
		tunnel_log_stats(t);
		return;
	}
	if (!tunnel_signal_end(signo, &end, &name))
		return;
	if (end == TUNNEL_EXIT)
		tunnel_exit_requested(t, name);
	else
		tunnel_end(t, end, name);
}

/* Privileges go once everything that needs them is open (--user, --chroot). */
static int tunnel_drop_privileges(struct tunnel *t)
{
	return process_drop_once(t->o->user, t->o->group, t->o->chroot_dir,
				 &t->persist->privs_dropped);
}

/* Wait out the restart pause while still answering signals. */
static void tunnel_pause_done(struct timer *tm)
{
	struct tunnel *t = container_of(tm, struct tunnel, pause_timer);

	event_loop_stop(&t->loop);
}

static bool tunnel_restart_pause(struct tunnel *t)
{
	unsigned int shift = t->persist->restarts > 8 ? 8 : t->persist->restarts - 1;
	uint64_t secs = (uint64_t)(t->o->connect_retry > 0 ? t->o->connect_retry : 1) << shift;

	if ((int)secs > t->o->connect_retry_max_interval && t->o->connect_retry_max_interval > 0)
		secs = (uint64_t)t->o->connect_retry_max_interval;
	msg(M_INFO, "Restart pause, %llu second(s)", (unsigned long long)secs);
	t->end = TUNNEL_RESTART_SOFT;
	timer_arm(&t->loop, &t->pause_timer, secs * 1000);
	event_loop_run(&t->loop);
	return t->end == TUNNEL_RESTART_SOFT;
}

/*
 * A client's pushed options, and the settings of the --remote or
 * <connection> entry tried now, land in this instance's own copy.
 */
static int tunnel_own_options(struct tunnel *t)
{
	const struct remote_entry *r = tunnel_current_remote(t);
	int ret;

	if (!t->o->pull && !t->o->client && !(r && (r->conn || r->has_proto)))
		return 0;
	ret = options_copy(&t->eff, t->o);
	if (ret < 0)
		return ret;
	t->o = &t->eff;
	t->own_eff = true;
	return r ? options_conn_apply(&t->eff, r) : 0;
}

static int tunnel_setup(struct tunnel *t)
{
	int ret;

	ret = event_loop_init(&t->loop);
	if (ret == 0)
		ret = tunnel_signals_init(&t->loop, tunnel_signal);
	if (ret < 0) {
		msg(M_ERR, "event loop setup failed: %s", strerror(-ret));
		return ret;
	}
	ping_init(&t->ping, &t->loop, tunnel_ping_event);
	ping_configure(&t->ping, t->o->ping, t->o->ping_restart, t->o->ping_exit,
		       t->o->inactive, t->o->inactive_bytes);
	timer_init(&t->pause_timer, tunnel_pause_done);
	timer_init(&t->exit_timer, tunnel_exit_notify_due);
	t->tun_h.cb = tunnel_tun_readable;
	t->link_h.cb = tunnel_link_ready;
	t->listen_h.cb = tunnel_listener_ready;
	t->rl_peer = (struct ratelimit)RATELIMIT_INIT(10000, 5);
	t->rl_drop = (struct ratelimit)RATELIMIT_INIT(10000, 5);
	t->rl_link = (struct ratelimit)RATELIMIT_INIT(10000, 5);
	timer_init(&t->ssl_timer, tunnel_ssl_timer);
	timer_init(&t->connect_timer, tunnel_connect_timeout);
	tunnel_dco_init(t);
	snprintf(t->peer_name, sizeof(t->peer_name), "[undef]");
	ret = tunnel_own_options(t);
	if (ret < 0)
		return ret;
	if (t->o->pull || t->o->client) {
		t->pull = true;
		push_accum_init(&t->push);
		/* 2.6's pre-pull default for UDP clients until timers are pushed */
		if (!proto_is_tcp(t->o->proto) && !t->o->ping_restart && !t->o->ping_exit)
			ping_configure(&t->ping, t->o->ping, 120, 0, t->o->inactive,
				       t->o->inactive_bytes);
	}
	t->tls_mode = t->o->tls_server || t->o->tls_client || t->pull;
	if (t->tls_mode && t->persist->tls_ctx) {
		/* --persist-key: keys and certificates stay loaded across restarts */
		t->tls_ctx = t->persist->tls_ctx;
	} else if (t->tls_mode) {
		ret = ssl_ctx_new(t->o, &t->tls_ctx);
		if (ret < 0)
			return ret;
		if (t->o->persist_key)
			t->persist->tls_ctx = t->tls_ctx;
	}
	ret = comp_init(&t->comp, t->o->comp, t->o->allow_compression);
	if (ret < 0)
		return ret;
	return buf_batch_alloc(&t->mem, t->rx, t->tx, DP_BATCH);
}

static int tunnel_start(struct tunnel *t)
{
	int ret;

	/* a client opens its tun once the server pushed the addresses */
	if (!t->pull) {
		ret = tunnel_open_tun(t);
		if (ret < 0)
			return ret;
	}
	if (t->tls_mode) {
		ret = tunnel_ssl_open(t);
		if (ret < 0)
			return ret;
	}
	ret = tunnel_open_transport(t);
	if (ret < 0)
		return ret;
	if (t->tun) {
		t->tun_events = EPOLLIN;
		ret = event_add(&t->loop, t->tun->fd, EPOLLIN, &t->tun_h);
		if (ret < 0)
			return ret;
	}
	ret = tunnel_drop_privileges(t);
	if (ret < 0)
		return ret;
	/* --ping-timer-rem: no receive timeout until the peer is known */
	ping_start(&t->ping, t->o->ping_timer_remote && !t->remote_known);
	if (t->tls_mode && tunnel_is_udp(t)) {
		if (t->remote_known)
			addr_to_str(&t->remote, t->peer_name, sizeof(t->peer_name));
		/* a P2P TLS server with --remote sends its reset unasked, as 2.6 */
		tunnel_ssl_begin(t, t->remote_known);
	} else if (tunnel_is_udp(t)) {
		tunnel_mark_up(t);
	}
	return 0;
}

static void tunnel_teardown(struct tunnel *t)
{
	ping_stop(&t->ping);
	tunnel_dco_teardown(t);
	if (t->tun)
		event_del(&t->loop, t->tun->fd);
	link_close(&t->link);
	link_close(&t->listener);
	if (t->ssl) {
		ssl_session_free(t->ssl);
		free(t->ssl);
	}
	if (t->tls_ctx && t->tls_ctx != t->persist->tls_ctx)
		ssl_ctx_free(t->tls_ctx);

	management_detach();
	event_loop_free(&t->loop);
	comp_free(&t->comp);
	free(t->mem);
	if (t->end != TUNNEL_RESTART_SOFT || !t->o->persist_tun || t->persist->dco_off)
		tunnel_close_tun(t);
	else if (t->o->up_restart && tunnel_dev_name(t->persist))
		/* the device stays: --down only with --up-restart, as 2.6 */
		script_tunnel_down(t->o, tunnel_dev_name(t->persist), true, t->end_reason);
	if (t->own_eff)
		options_free(&t->eff);
}

void tunnel_persist_release(struct tunnel_persist *p)
{
	if (p->tls_ctx) {
		ssl_ctx_free(p->tls_ctx);
		p->tls_ctx = NULL;
	}
	/* a re-read config may list other remotes and credentials */
	ssl_creds_wipe(&p->creds);
	p->order_ready = false;
	p->remote_index = 0;
	tunnel_persist_release_tun(p);
}

static const char *tunnel_end_name(enum tunnel_end e)
{
	switch (e) {
	case TUNNEL_EXIT: return "SIGTERM[hard,";
	case TUNNEL_RESTART_SOFT: return "SIGUSR1[soft,";
	case TUNNEL_RESTART_HARD: return "SIGHUP[hard,";
	default: return "";
	}
}

/*
 * A failed start is retried like a lost connection when it is the network's
 * fault: an unresolvable --remote (within --resolv-retry) or a refused TCP
 * connect. Anything else (a device, a key file) is fatal.
 */
static enum tunnel_end tunnel_start_failed(struct tunnel *t)
{
	struct tunnel_persist *p = t->persist;
	const struct options *o = t->o;

	if (t->resolve_failed) {
		uint64_t now = event_now_ms();

		if (!p->resolve_fail_since)
			p->resolve_fail_since = now;
		if (o->resolv_retry >= 0 &&
		    now - p->resolve_fail_since >= (uint64_t)o->resolv_retry * 1000) {
			msg(M_ERR, "Could not resolve --remote within --resolv-retry %d s, exiting",
			    o->resolv_retry);
			return TUNNEL_FATAL;
		}
		return TUNNEL_RESTART_SOFT;
	}
	if (proto_is_tcp(o->proto) && !proto_is_tcp_server(o->proto) && p->tun_open)
		return TUNNEL_RESTART_SOFT;
	return TUNNEL_FATAL;
}

/* --connect-retry-max n: every --remote was tried n times in a row. */
static bool tunnel_retries_exhausted(struct tunnel *t)
{
	const struct options *o = t->o;
	unsigned int per_round = o->n_remotes > 0 ? (unsigned int)o->n_remotes : 1;

	if (o->connect_retry_max <= 0 || t->up)
		return false;
	if (t->persist->restarts + 1 < (unsigned int)o->connect_retry_max * per_round)
		return false;
	msg(M_ERR, "All connections have been tried --connect-retry-max (%d) times "
	    "unsuccessfully, exiting", o->connect_retry_max);
	return true;
}

enum tunnel_end tunnel_run(const struct options *o, struct tunnel_persist *persist)
{
	struct tunnel *t = calloc(1, sizeof(*t));
	enum tunnel_end end = TUNNEL_FATAL;
	bool held;

	if (!t) {
		msg(M_ERR, "out of memory");
		return TUNNEL_FATAL;
	}
	t->o = o;
	t->persist = persist;
	t->end = TUNNEL_FATAL;
	t->loop.epfd = t->loop.sigfd = -1;
	if (tunnel_setup(t) < 0)
		goto out;
	tunnel_mgmt_attach(t);
	/* --management-hold: "hold release" replaces the restart pause */
	held = management_hold(&t->loop, 0);
	if (t->end_reason || (persist->restarts > 0 && !held && !tunnel_restart_pause(t))) {
		end = t->end;
		goto out;
	}
	tunnel_mgmt_state(t, "CONNECTING", NULL);
	if (tunnel_start(t) < 0) {
		t->end = tunnel_start_failed(t);
	} else {
		t->end = TUNNEL_EXIT;
		t->end_reason = NULL;
		event_loop_run(&t->loop);
	}
	end = t->end;
	if (end == TUNNEL_RESTART_SOFT && tunnel_retries_exhausted(t))
		end = TUNNEL_FATAL;
	if (end == TUNNEL_RESTART_SOFT) {
		persist->restarts++;
		/* this connection's proto: a <connection> may differ */
		if (proto_is_tcp(t->o->proto) || t->end_reason == NULL ||
		    strcmp(t->end_reason, "SIGUSR1") != 0)
			persist->remote_index++;
	}
	if (end != TUNNEL_FATAL)
		msg(M_INFO, "%s%s] received, %s", tunnel_end_name(end),
		    t->end_reason ? t->end_reason : "connection-failed",
		    end == TUNNEL_EXIT ? "process exiting" : "process restarting");
out:
	tunnel_mgmt_state(t, end == TUNNEL_RESTART_SOFT || end == TUNNEL_RESTART_HARD ?
			  "RECONNECTING" : "EXITING", t->end_reason);
	tunnel_teardown(t);
	free(t);
	return end;
}
