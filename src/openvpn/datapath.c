/*
 * Point-to-point tunnel instance and its userspace data path.
 *
 * Receive: socket -> batch of datagrams (or TCP packets) -> peer address
 * check -> ping/OCC filter -> tun write. Send: tun reads -> one batch ->
 * sendmmsg (UDP) or framed writes (TCP). Buffers are allocated once per
 * instance; the packet path does not allocate.
 */
#include "datapath_int.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "addr.h"
#include "buf.h"
#include "comp.h"
#include "event.h"
#include "log.h"
#include "ping.h"
#include "process.h"
#include "socket.h"
#include "crypto.h"
#include "ssl.h"
#include "ssl_openssl.h"
#include "push.h"
#include "script.h"
#include "dco.h"


static void tunnel_ssl_reschedule(struct tunnel *t);
static void tunnel_ssl_control(struct ssl_session *s, const char *m);

void tunnel_end(struct tunnel *t, enum tunnel_end end, const char *reason)
{
	t->end = end;
	t->end_reason = reason;
	event_loop_stop(&t->loop);
}

bool tunnel_is_udp(const struct tunnel *t)
{
	return !proto_is_tcp(t->o->proto);
}

/* ---- sending ------------------------------------------------------------ */

static bool tunnel_can_send(const struct tunnel *t)
{
	if (tunnel_is_udp(t))
		return t->remote_known;
	return t->link.kind == LINK_TCP && !t->link.connecting;
}

static void tunnel_update_events(struct tunnel *t)
{
	bool tcp_backlog = !tunnel_is_udp(t) && link_wants_write(&t->link);
	uint32_t lev = EPOLLIN | (link_wants_write(&t->link) ? EPOLLOUT : 0);
	/* While TCP has a backlog, stop reading tun: backpressure, not drops. */
	uint32_t tev = tcp_backlog ? 0 : EPOLLIN;

	if (link_is_open(&t->link) && lev != t->link_events) {
		event_mod(&t->loop, link_fd(&t->link), lev, &t->link_h);
		t->link_events = lev;
	}
	if (t->tun && tev != t->tun_events) {
		event_mod(&t->loop, t->tun->fd, tev, &t->tun_h);
		t->tun_events = tev;
	}
}

static unsigned tunnel_send_raw(struct tunnel *t, struct buf **pkts,
				const struct sockaddr_any **to, unsigned n);

/* Send bufs[0..n) to the peer as they are; returns how many left. */
static unsigned tunnel_send(struct tunnel *t, struct buf *bufs, unsigned n)
{
	struct buf *pkts[DP_BATCH];
	const struct sockaddr_any *to[DP_BATCH];
	unsigned i;

	if (!tunnel_can_send(t)) {
		t->st.drop_no_peer += n;
		return 0;
	}
	for (i = 0; i < n; i++) {
		pkts[i] = &bufs[i];
		to[i] = &t->remote;
	}
	return tunnel_send_raw(t, pkts, to, n);
}

/* Encrypt (TLS mode) in place, compacting out packets that cannot go. */
static unsigned tunnel_encrypt_batch(struct tunnel *t, struct buf *bufs, unsigned n)
{
	unsigned i, kept = 0;

	if (!t->tls_mode)
		return n;
	for (i = 0; i < n; i++) {
		int ret = ssl_encrypt(t->ssl, &bufs[i]);

		if (ret < 0) {
			t->st.drop_no_key++;
			continue;
		}
		if (kept != i) {
			struct buf tmp = bufs[kept];

			bufs[kept] = bufs[i];
			bufs[i] = tmp;
		}
		kept++;
	}
	return kept;
}

/* Compression framing (pings and OCC messages get it too, as in 2.6). */
static unsigned tunnel_frame_batch(struct tunnel *t, struct buf *bufs, unsigned n)
{
	unsigned i, kept = 0;

	for (i = 0; i < n; i++) {
		if (comp_frame(&t->comp, &bufs[i]) < 0)
			continue;
		if (kept != i) {
			struct buf tmp = bufs[kept];

			bufs[kept] = bufs[i];
			bufs[i] = tmp;
		}
		kept++;
	}
	return kept;
}

/* Data packets from tun (or pings): frame, encrypt, then send. */
static unsigned tunnel_send_data(struct tunnel *t, struct buf *bufs, unsigned n)
{
	/* the kernel counts packet ids of the same keys: a packet from here
	 * would reuse a nonce */
	if (t->dco_peer) {
		t->st.drop_no_peer += n;
		return 0;
	}
	if (!tunnel_can_send(t) || (t->tls_mode && !ssl_can_send_data(t->ssl))) {
		t->st.drop_no_peer += n;
		return 0;
	}
	if (comp_active(&t->comp))
		n = tunnel_frame_batch(t, bufs, n);
	n = tunnel_encrypt_batch(t, bufs, n);
	return n ? tunnel_send(t, bufs, n) : 0;
}

static unsigned tunnel_send_raw(struct tunnel *t, struct buf **pkts,
				const struct sockaddr_any **to, unsigned n)
{
	unsigned i, sent = 0;
	int ret;

	if (tunnel_is_udp(t)) {
		ret = link_udp_send_batch(&t->link, pkts, to, n);
		if (ret < 0)
			msg_ratelimited(&t->rl_link, M_WARN, "write UDP: %s", strerror(-ret));
		else
			sent = (unsigned)ret;
	} else {
		for (i = 0; i < n; i++) {
			ret = link_tcp_send(&t->link, pkts[i]);
			if (ret == 0) {
				sent++;
			} else if (ret != -ENOBUFS) {
				msg(M_WARN, "write TCP: %s", strerror(-ret));
				tunnel_end(t, TUNNEL_RESTART_SOFT, "connection-reset");
				break;
			}
		}
		tunnel_update_events(t);
	}
	for (i = 0; i < sent; i++)
		t->st.link_write_bytes += buf_len(pkts[i]);
	ping_note_sent(&t->ping, event_now_ms());
	return sent;
}

static void tunnel_send_special(struct tunnel *t, const uint8_t *payload, size_t len)
{
	struct buf *b = &t->tx[0];

	buf_reset(b, BUF_HEADROOM);
	if (buf_write(b, payload, len))
		tunnel_send_data(t, b, 1);
}

static void tunnel_send_ping(struct tunnel *t)
{
	tunnel_send_special(t, ping_magic, PING_MAGIC_LEN);
	msg(D_PACKET, "SENT PING");
}

static void tunnel_send_occ_exit(struct tunnel *t)
{
	uint8_t m[OCC_MAGIC_LEN + 1];

	memcpy(m, occ_magic, OCC_MAGIC_LEN);
	m[OCC_MAGIC_LEN] = OCC_EXIT;
	tunnel_send_special(t, m, sizeof(m));
}

/* ---- tun -> link ---------------------------------------------------------- */

static void tunnel_tun_readable(struct event_handler *h, uint32_t events)
{
	struct tunnel *t = container_of(h, struct tunnel, tun_h);
	uint64_t now = event_now_ms();
	unsigned n = 0;
	size_t bytes = 0;

	while (n < DP_BATCH) {
		struct buf *b = &t->tx[n];
		int ret;

		buf_reset(b, BUF_HEADROOM);
		ret = tun_read(t->tun, b);
		if (ret == -EAGAIN || ret == 0)
			break;
		if (ret < 0) {
			msg_ratelimited(&t->rl_drop, M_WARN, "read from TUN/TAP %s: %s",
					t->tun->ifname, strerror(-ret));
			break;
		}
		bytes += buf_len(b);
		n++;
	}
	if (n == 0)
		return;
	t->st.tun_read_bytes += bytes;
	ping_note_tun(&t->ping, now, bytes);
	tunnel_send_data(t, t->tx, n);
}

/* ---- link -> tun ---------------------------------------------------------- */

/* Peer address policy for UDP: learn, float, or reject. */
static bool tunnel_accept_source(struct tunnel *t, const struct sockaddr_any *from)
{
	char a[96], b[96];

	if (t->remote_known && addr_equal(from, &t->remote))
		goto accepted;
	if (t->remote_known && !t->o->float_peer && t->o->n_remotes > 0) {
		t->st.drop_wrong_peer++;
		msg_ratelimited(&t->rl_peer, M_WARN,
				"TCP/UDP: Incoming packet rejected from %s, expected peer address: %s "
				"(allow this incoming source address/port by removing --remote or "
				"adding --float)", addr_to_str(from, a, sizeof(a)),
				addr_to_str(&t->remote, b, sizeof(b)));
		return false;
	}
	if (t->remote_known)
		msg(D_NORMAL, "Peer floated from %s to %s", addr_to_str(&t->remote, a, sizeof(a)),
		    addr_to_str(from, b, sizeof(b)));
	t->remote = *from;
	t->remote_known = true;
	addr_to_str(&t->remote, t->peer_name, sizeof(t->peer_name));
	if (t->peer_seen)
		script_ipchange(t->o, from);
accepted:
	if (!t->peer_seen && !t->tls_mode) {
		t->peer_seen = true;
		script_ipchange(t->o, from);
		msg(M_INFO, "Peer Connection Initiated with %s", addr_to_str(from, a, sizeof(a)));
		ping_start_receive_timer(&t->ping);
	}
	return true;
}

static bool is_ip_packet(const struct buf *b)
{
	uint8_t v;

	if (buf_len(b) < 20)
		return false;
	v = buf_data(b)[0] >> 4;
	return v == 4 || (v == 6 && buf_len(b) >= 40);
}

/* TLS mode: control packets go to the session, data packets are decrypted.
 * Returns true when b now holds a payload for tun. */
static bool tunnel_tls_input(struct tunnel *t, struct buf *b, uint64_t now)
{
	enum crypto_verdict v;

	if (!ssl_is_data_opcode(buf_data(b)[0])) {
		if (!ssl_recv_control(t->ssl, b))
			return false;
		ping_note_received(&t->ping, now);
		tunnel_ssl_reschedule(t);
		return false;
	}
	v = ssl_decrypt(t->ssl, b);
	if (v != CRYPTO_OK) {
		t->st.drop_decrypt++;
		if (v != CRYPTO_REPLAY || !t->o->mute_replay_warnings)
			msg_ratelimited(&t->rl_drop, M_WARN, "%s: dropping data packet: %s",
					t->peer_name, crypto_verdict_str(v));
		return false;
	}
	ping_note_received(&t->ping, now);
	return true;
}

static void tunnel_deliver_payload(struct tunnel *t, struct buf *b, uint64_t now);

/* One packet from the accepted peer address. */
static void tunnel_deliver(struct tunnel *t, struct buf *b, uint64_t now)
{
	t->st.link_read_bytes += buf_len(b);
	if (buf_len(b) == 0)
		return;
	if (t->tls_mode) {
		if (!tunnel_tls_input(t, b, now))
			return;
	} else {
		ping_note_received(&t->ping, now);
	}
	tunnel_deliver_payload(t, b, now);
}

/* A decrypted (or cleartext) payload: ping, OCC message or IP packet. */
static void tunnel_deliver_payload(struct tunnel *t, struct buf *b, uint64_t now)
{
	uint8_t occ;
	int ret;

	if (comp_active(&t->comp) && comp_unframe(&t->comp, b) < 0) {
		comp_log_drop(&t->comp, t->peer_name);
		return;
	}
	if (ping_is_ping(b)) {
		msg(D_PACKET, "RECEIVED PING PACKET");
		return;
	}
	if (occ_is_message(b, &occ)) {
		if (occ == OCC_EXIT) {
			msg(M_INFO, "OCC exit notification received from peer, restarting");
			tunnel_end(t, TUNNEL_RESTART_SOFT, "remote-exit");
		}
		return;
	}
	if (!t->tun || !is_ip_packet(b)) {
		t->st.drop_not_ip++;
		msg_ratelimited(&t->rl_drop, D_LOW, "dropping %zu-byte packet that is not IPv4/IPv6",
				buf_len(b));
		return;
	}
	ret = tun_write(t->tun, b);
	if (ret < 0) {
		t->st.drop_tun_write++;
		msg_ratelimited(&t->rl_drop, M_WARN, "write to TUN/TAP %s: %s", t->tun->ifname,
				strerror(-ret));
		return;
	}
	t->st.tun_write_bytes += buf_len(b);
	ping_note_tun(&t->ping, now, buf_len(b));
}

/*
 * TLS mode, a packet from an address that is not (yet) the peer's: the
 * first peer address is learned from a control packet the session accepts;
 * later (--float, or no --remote) the peer moves to a new address once a
 * packet from there authenticates, as 2.6 does.
 */
static void tunnel_tls_new_source(struct tunnel *t, struct buf *b,
				  const struct sockaddr_any *from, uint64_t now)
{
	struct sockaddr_any old = t->remote;
	bool had = t->remote_known;
	bool is_data;
	char a[96];

	t->st.link_read_bytes += buf_len(b);
	if (buf_len(b) == 0)
		return;
	is_data = ssl_is_data_opcode(buf_data(b)[0]);
	if (is_data) {
		if (!had || ssl_decrypt(t->ssl, b) != CRYPTO_OK) {
			t->st.drop_wrong_peer++;
			return;
		}
	} else {
		/* replies to this packet must go to where it came from */
		t->remote = *from;
		t->remote_known = true;
		if (!ssl_recv_control(t->ssl, b)) {
			t->remote = old;
			t->remote_known = had;
			return;
		}
	}
	t->remote = *from;
	t->remote_known = true;
	if (had && !addr_equal(&old, from)) {
		msg(M_INFO, "Peer floated from %s to %s", t->peer_name,
		    addr_to_str(from, a, sizeof(a)));
		if (t->peer_seen)
			script_ipchange(t->o, from);
	}
	addr_to_str(from, t->peer_name, sizeof(t->peer_name));
	ping_note_received(&t->ping, now);
	if (is_data)
		tunnel_deliver_payload(t, b, now);
	else
		tunnel_ssl_reschedule(t);
}
static void tunnel_udp_packet(struct tunnel *t, struct buf *b, const struct sockaddr_any *from,
			      uint64_t now)
{
	if (!t->tls_mode || (t->remote_known && addr_equal(from, &t->remote))) {
		if (tunnel_accept_source(t, from))
			tunnel_deliver(t, b, now);
		return;
	}
	if (t->remote_known && !t->o->float_peer && t->o->n_remotes > 0) {
		tunnel_accept_source(t, from); /* counts and logs the rejection */
		return;
	}
	tunnel_tls_new_source(t, b, from, now);
}

/* Decryption moved the data windows; receive at the full headroom again. */
static void tunnel_reset_rx(struct tunnel *t)
{
	unsigned i;

	for (i = 0; i < DP_BATCH; i++)
		buf_reset(&t->rx[i], BUF_HEADROOM);
}

static void tunnel_udp_readable(struct tunnel *t)
{
	uint64_t now = event_now_ms();
	int n, i;

	do {
		tunnel_reset_rx(t);
		n = link_udp_recv_batch(&t->link, t->rx, t->from, DP_BATCH);
		if (n < 0) {
			msg_ratelimited(&t->rl_link, M_WARN, "read UDP: %s", strerror(-n));
			return;
		}
		for (i = 0; i < n; i++)
			tunnel_udp_packet(t, &t->rx[i], &t->from[i], now);
	} while (n == DP_BATCH && !t->loop.stop);
}

static void tunnel_tcp_connected(struct tunnel *t);
static void tunnel_reset_rx(struct tunnel *t);
static void tunnel_release_tun(struct tunnel_persist *p);

static void tunnel_tcp_readable(struct tunnel *t, uint32_t events)
{
	uint64_t now = event_now_ms();
	int n, i;

	if (t->link.connecting) {
		if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		n = link_tcp_connect_finish(&t->link);
		if (n == -EINPROGRESS)
			return;
		if (n < 0) {
			char a[96];

			msg(M_INFO, "TCP: connect to %s failed: %s",
			    addr_to_str(&t->remote, a, sizeof(a)), strerror(-n));
			tunnel_end(t, TUNNEL_RESTART_SOFT, "connection-failed");
			return;
		}
		tunnel_tcp_connected(t);
	}
	if (events & EPOLLOUT) {
		n = link_flush(&t->link);
		if (n < 0) {
			msg(M_INFO, "Connection reset, restarting [%d]", n);
			tunnel_end(t, TUNNEL_RESTART_SOFT, "connection-reset");
			return;
		}
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		do {
			tunnel_reset_rx(t);
			n = link_tcp_recv_batch(&t->link, t->rx, DP_BATCH);
			if (n < 0) {
				msg(M_INFO, "Connection reset, restarting [%d]", n);
				tunnel_end(t, TUNNEL_RESTART_SOFT, "connection-reset");
				return;
			}
			for (i = 0; i < n && !t->loop.stop; i++)
				tunnel_deliver(t, &t->rx[i], now);
		} while (n == DP_BATCH && !t->loop.stop);
	}
	tunnel_update_events(t);
}

static void tunnel_link_ready(struct event_handler *h, uint32_t events)
{
	struct tunnel *t = container_of(h, struct tunnel, link_h);

	if (tunnel_is_udp(t))
		tunnel_udp_readable(t);
	else
		tunnel_tcp_readable(t, events);
}

/* ---- TLS session glue ------------------------------------------------------ */

static void tunnel_ssl_send(struct ssl_session *s, struct buf *pkt)
{
	struct tunnel *t = s->owner;

	tunnel_send(t, pkt, 1);
}

static void tunnel_mark_up(struct tunnel *t)
{
	if (t->up)
		return;
	t->up = true;
	/* a working connection resets the restart backoff */
	t->persist->restarts = 0;
	msg(M_INFO, "Initialization Sequence Completed");
}

static void tunnel_ssl_established(struct ssl_session *s)
{
	struct tunnel *t = s->owner;

	t->peer_seen = true;
	if (!t->dco_peer)
		ping_start_receive_timer(&t->ping);
	script_ipchange(t->o, &t->remote);
	tunnel_mark_up(t);
	msg(M_INFO, "Data Channel: cipher '%s', peer-id: %u%s", s->neg.cipher, s->neg.peer_id,
	    s->neg.data_v2 ? "" : " (DATA_V1)");
}

static void tunnel_ssl_failed(struct ssl_session *s, const char *reason)
{
	struct tunnel *t = s->owner;

	tunnel_end(t, TUNNEL_RESTART_SOFT, reason);
}

static void tunnel_ssl_timer(struct timer *tm)
{
	struct tunnel *t = container_of(tm, struct tunnel, ssl_timer);

	tunnel_ssl_reschedule(t);
}

/* Run the session's timers and arm ours for the next one (at most 1 s
 * away, so byte and packet renegotiation limits are noticed). */
static void tunnel_ssl_reschedule(struct tunnel *t)
{
	int64_t ms;

	if (!t->ssl || t->loop.stop)
		return;
	ms = ssl_timeout(t->ssl);
	if (ms < 0 || ms > 1000)
		ms = 1000;
	timer_arm(&t->loop, &t->ssl_timer, (uint64_t)ms);
}

static int tunnel_ssl_open(struct tunnel *t)
{
	static const struct ssl_callbacks cb = {
		.send_control = tunnel_ssl_send,
		.established = tunnel_ssl_established,
		.failed = tunnel_ssl_failed,
		.control_message = tunnel_ssl_control,
		.keys_derived = tunnel_dco_keys_derived,
		.key_retired = tunnel_dco_key_retired,
	};
	struct tls_wrap_config wcfg;
	struct static_key key;
	int ret;

	ret = ssl_wrap_config(t->o, &wcfg, &key);
	if (ret < 0)
		return ret;
	t->ssl = calloc(1, sizeof(*t->ssl));
	if (!t->ssl)
		return -ENOMEM;
	ret = ssl_session_init(t->ssl, t->o, t->tls_ctx, &wcfg, &cb, t);
	keyfile_wipe(&key);
	if (ret < 0)
		return ret;
	t->ssl->peer_name = t->peer_name;
	return 0;
}

/* The transport can carry packets to the peer now: say hello. */
static void tunnel_ssl_begin(struct tunnel *t, bool send_reset)
{
	if (!t->ssl)
		return;
	ssl_session_start(t->ssl, send_reset);
	tunnel_ssl_reschedule(t);
}



/* ---- client mode: PUSH_REPLY ------------------------------------------------ */

/* The pushed cipher must be one we allow, as 2.6 insists. */
static const char *tunnel_pushed_cipher(struct tunnel *t)
{
	const struct options *o = t->o;

	if (o->cipher_pushed && ssl_cipher_in_list(o->data_ciphers, o->cipher))
		return o->cipher;
	if (o->cipher_pushed)
		msg(M_ERR, "Error: negotiated cipher %s not allowed by --data-ciphers %s",
		    o->cipher, o->data_ciphers);
	if (o->data_ciphers_fallback)
		return o->data_ciphers_fallback;
	return NULL;
}

static int tunnel_tun_attach(struct tunnel *t);

static void tunnel_push_complete(struct tunnel *t)
{
	struct options *o = &t->eff;
	const char *cipher;
	int n;

	n = push_apply(o, t->push.text);
	if (n < 0) {
		tunnel_end(t, TUNNEL_RESTART_SOFT, "push-rejected");
		return;
	}
	msg(D_NORMAL, "OPTIONS IMPORT: %d pushed options applied", n);
	if (o->comp != t->comp.alg) {
		/* pushed framing (options_check_pushed already applied 2.6's rules) */
		comp_free(&t->comp);
		if (comp_init(&t->comp, o->comp, o->allow_compression) < 0) {
			tunnel_end(t, TUNNEL_RESTART_SOFT, "push-compression");
			return;
		}
		msg(D_NORMAL, "Compression framing from the server: %s", comp_alg_name(o->comp));
	}
	cipher = tunnel_pushed_cipher(t);
	if (!cipher) {
		msg(M_ERR, "OPTIONS ERROR: the server pushed no usable data channel cipher "
		    "(allowed: %s) and there is no --data-ciphers-fallback", o->data_ciphers);
		tunnel_end(t, TUNNEL_RESTART_SOFT, "push-cipher");
		return;
	}
	ping_configure(&t->ping, o->ping, o->ping_restart, o->ping_exit, o->inactive,
		       o->inactive_bytes);
	ping_stop(&t->ping);
	ping_start(&t->ping, false);
	if (tunnel_tun_attach(t) < 0) {
		tunnel_end(t, TUNNEL_FATAL, "tun-setup");
		return;
	}
	if (ssl_client_set_negotiated(t->ssl, cipher, o->push_peer_id,
				      o->key_derivation_ekm || o->protocol_flags_tls_ekm) < 0)
		tunnel_end(t, TUNNEL_RESTART_SOFT, "tls-error");
}

static void tunnel_ssl_control(struct ssl_session *s, const char *m)
{
	struct tunnel *t = s->owner;
	int ret;

	if (strncmp(m, "PUSH_REPLY", 10) == 0 && t->pull) {
		if (s->pushed)
			return; /* a repeated reply after the first is ignored, as 2.6 */
		ret = push_accum_add(&t->push, m);
		if (ret < 0) {
			msg(M_ERR, "PUSH: bad PUSH_REPLY from %s: %s", t->peer_name, strerror(-ret));
			tunnel_end(t, TUNNEL_RESTART_SOFT, "push-error");
		} else if (ret == 1) {
			tunnel_push_complete(t);
		}
	} else if (strncmp(m, "AUTH_FAILED", 11) == 0) {
		msg(M_ERR, "AUTH: Received control message: %s", m);
		tunnel_end(t, TUNNEL_FATAL, "auth-failure");
	} else if (strncmp(m, "RESTART", 7) == 0) {
		msg(M_INFO, "Connection reset command was pushed by server ('%s')", m);
		tunnel_end(t, TUNNEL_RESTART_SOFT, "server-pushed-connection-reset");
	} else if (strncmp(m, "HALT", 4) == 0) {
		msg(M_INFO, "Halt command was pushed by server ('%s')", m);
		tunnel_end(t, TUNNEL_EXIT, "server-pushed-halt");
	} else {
		msg_ratelimited(&t->rl_peer, D_LOW, "WARNING: Received unknown control message: %s",
				m);
	}
}

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

static void tunnel_signal(struct event_loop *loop, int signo)
{
	struct tunnel *t = container_of(loop, struct tunnel, loop);

	switch (signo) {
	case SIGTERM:
		tunnel_exit_requested(t, "SIGTERM");
		break;
	case SIGINT:
		tunnel_exit_requested(t, "SIGINT");
		break;
	case SIGHUP:
		tunnel_end(t, TUNNEL_RESTART_HARD, "SIGHUP");
		break;
	case SIGUSR1:
		tunnel_end(t, TUNNEL_RESTART_SOFT, "SIGUSR1");
		break;
	case SIGUSR2:
		tunnel_log_stats(t);
		break;
	}
}

/* ---- setup ------------------------------------------------------------------ */

static int tunnel_open_tun(struct tunnel *t)
{
	struct tunnel_persist *p = t->persist;
	int ret;

	if (tunnel_dco_wanted(t)) {
		ret = tunnel_dco_open_dev(t);
		if (ret <= 0)
			return ret;
	}
	if (!p->tun_open) {
		struct tun_config cfg = {
			.dev = t->o->dev, .dev_type = t->o->dev_type, .dev_node = t->o->dev_node,
		};

		tun_init(&p->tun);
		route_state_init(&p->routes);
		ret = tun_open(&p->tun, &cfg);
		if (ret < 0)
			return ret;
		p->tun_open = true;
		msg(M_INFO, "TUN/TAP device %s opened", p->tun.ifname);
		ret = route_ifconfig_apply(t->o, p->tun.ifindex, &p->routes);
		/* 2.6 order: addresses, --up, routes, --route-up; a failed --up is fatal */
		if (ret == 0 && script_tunnel_up(t->o, p->tun.ifname, false) != 0)
			ret = -ECANCELED;
		if (ret == 0)
			ret = route_apply(t->o, p->tun.ifindex, &p->routes);
		if (ret == 0)
			ret = route_redirect_apply(t->o, p->tun.ifindex,
						   t->remote_known ? &t->remote : NULL, &p->routes);
		if (ret < 0)
			return ret;
		script_route_up(t->o, p->tun.ifname);
	} else {
		msg(M_INFO, "Preserving previous TUN/TAP instance: %s", p->tun.ifname);
		if (t->o->up_restart && script_tunnel_up(t->o, p->tun.ifname, true) != 0)
			return -ECANCELED;
	}
	t->tun = &p->tun;
	return 0;
}

/* Open (or keep) the tun device and start reading it. */
static int tunnel_tun_attach(struct tunnel *t)
{
	int ret = tunnel_open_tun(t);

	if (ret < 0 || t->dco)
		return ret;
	t->tun_events = EPOLLIN;
	return event_add(&t->loop, t->tun->fd, EPOLLIN, &t->tun_h);
}

static const struct remote_entry *tunnel_current_remote(struct tunnel *t)
{
	struct tunnel_persist *p = t->persist;
	int n = t->o->n_remotes;
	int i;

	if (n == 0)
		return NULL;
	if (!p->order_ready) {
		/* --remote-random: one shuffle per process start, as 2.6 */
		for (i = 0; i < n; i++)
			p->order[i] = (uint8_t)i;
		for (i = n - 1; t->o->remote_random && i > 0; i--) {
			uint32_t r;
			uint8_t tmp;

			crypto_rand_bytes(&r, sizeof(r));
			r %= (uint32_t)(i + 1);
			tmp = p->order[i];
			p->order[i] = p->order[r];
			p->order[r] = tmp;
		}
		p->order_ready = true;
	}
	return &t->o->remotes[p->order[p->remote_index % n]];
}

static int tunnel_resolve_remote(struct tunnel *t, int family, int socktype)
{
	const struct remote_entry *r = tunnel_current_remote(t);
	const char *port;
	int ret;

	if (!r)
		return 0;
	port = r->port ? r->port : t->o->rport;
	ret = addr_resolve(r->host, port, family, socktype, false, &t->remote, 1);
	if (ret <= 0) {
		msg(M_ERR, "RESOLVE: Cannot resolve host address: %s:%s (%s)", r->host, port,
		    ret < 0 ? strerror(-ret) : "no address");
		t->resolve_failed = true;
		return ret < 0 ? ret : -EHOSTUNREACH;
	}
	t->persist->resolve_fail_since = 0;
	t->remote_known = true;
	return 0;
}

static int tunnel_resolve_local(struct tunnel *t, struct sockaddr_any *local, int family,
				int socktype)
{
	int ret = addr_resolve(t->o->local, t->o->lport, family, socktype, true, local, 1);

	if (ret <= 0) {
		msg(M_ERR, "RESOLVE: Cannot resolve local address %s:%s",
		    t->o->local ? t->o->local : "[wildcard]", t->o->lport);
		return ret < 0 ? ret : -EADDRNOTAVAIL;
	}
	return 0;
}

static int tunnel_open_udp(struct tunnel *t)
{
	struct sockaddr_any local;
	int family = proto_family(t->o->proto);
	int ret;

	ret = tunnel_resolve_remote(t, family, SOCK_DGRAM);
	if (ret < 0)
		return ret;
	/* With a remote, the socket takes its family unless --local says otherwise. */
	if (t->remote_known && family == AF_UNSPEC && !t->o->local)
		family = addr_family(&t->remote);
	if (t->o->bind_local) {
		ret = tunnel_resolve_local(t, &local, family, SOCK_DGRAM);
		if (ret < 0)
			return ret;
	}
	ret = link_udp_open(&t->link, t->o->bind_local ? &local : NULL, family, &t->lopts);
	if (ret < 0) {
		msg(M_ERR, "UDP socket: %s", strerror(-ret));
		return ret;
	}
	return 0;
}

static void tunnel_connect_timeout(struct timer *tm)
{
	struct tunnel *t = container_of(tm, struct tunnel, connect_timer);
	char a[96];

	if (!t->link.connecting)
		return;
	msg(M_INFO, "TCP: connect to %s timed out after %d s (--connect-timeout)",
	    addr_to_str(&t->remote, a, sizeof(a)), t->o->connect_timeout);
	tunnel_end(t, TUNNEL_RESTART_SOFT, "connection-failed");
}

static void tunnel_tcp_connected(struct tunnel *t)
{
	char a[96];

	timer_cancel(&t->loop, &t->connect_timer);

	msg(M_INFO, "TCP connection established with %s", addr_to_str(&t->link.peer, a, sizeof(a)));
	t->remote = t->link.peer;
	t->remote_known = true;
	addr_to_str(&t->remote, t->peer_name, sizeof(t->peer_name));
	if (t->tls_mode) {
		/* the TCP server waits for the client's reset */
		tunnel_ssl_begin(t, !proto_is_tcp_server(t->o->proto));
		return;
	}
	t->peer_seen = true;
	ping_start_receive_timer(&t->ping);
	script_ipchange(t->o, &t->remote);
	tunnel_mark_up(t);
}

static void tunnel_listener_ready(struct event_handler *h, uint32_t events)
{
	struct tunnel *t = container_of(h, struct tunnel, listen_h);
	int ret;

	if (link_is_open(&t->link)) {
		struct link extra = { 0 };

		/* P2P carries one connection; later ones are refused. */
		if (link_tcp_accept(&t->listener, &extra) == 0) {
			char a[96];

			msg_ratelimited(&t->rl_peer, M_WARN, "TCP: refusing second connection from %s",
					addr_to_str(&extra.peer, a, sizeof(a)));
			link_close(&extra);
		}
		return;
	}
	ret = link_tcp_accept(&t->listener, &t->link);
	if (ret == -EAGAIN)
		return;
	if (ret < 0) {
		msg(M_WARN, "TCP: accept failed: %s", strerror(-ret));
		return;
	}
	t->link_events = EPOLLIN;
	event_add(&t->loop, link_fd(&t->link), EPOLLIN, &t->link_h);
	tunnel_tcp_connected(t);
}

static int tunnel_open_tcp_server(struct tunnel *t)
{
	struct sockaddr_any local;
	int family = proto_family(t->o->proto);
	int ret;

	ret = tunnel_resolve_local(t, &local, family, SOCK_STREAM);
	if (ret < 0)
		return ret;
	ret = link_tcp_listen(&t->listener, &local, family, &t->lopts);
	if (ret < 0) {
		char a[96];

		msg(M_ERR, "TCP: listen on %s failed: %s", addr_to_str(&local, a, sizeof(a)),
		    strerror(-ret));
		return ret;
	}
	msg(M_INFO, "Listening for incoming TCP connection on %s",
	    addr_to_str(&t->listener.local, (char[96]){ 0 }, 96));
	return event_add(&t->loop, link_fd(&t->listener), EPOLLIN, &t->listen_h);
}

static int tunnel_open_tcp_client(struct tunnel *t)
{
	struct sockaddr_any local;
	char a[96];
	int family = proto_family(t->o->proto);
	int ret;

	ret = tunnel_resolve_remote(t, family, SOCK_STREAM);
	if (ret < 0)
		return ret;
	if (!t->remote_known) {
		msg(M_ERR, "TCP client mode needs --remote");
		return -EINVAL;
	}
	if (t->o->bind_local && t->o->local) {
		ret = tunnel_resolve_local(t, &local, addr_family(&t->remote), SOCK_STREAM);
		if (ret < 0)
			return ret;
	}
	msg(M_INFO, "Attempting to establish TCP connection with %s",
	    addr_to_str(&t->remote, a, sizeof(a)));
	ret = link_tcp_connect(&t->link, &t->remote,
			       t->o->bind_local && t->o->local ? &local : NULL, &t->lopts);
	if (ret < 0 && ret != -EINPROGRESS) {
		msg(M_INFO, "TCP: connect to %s failed: %s", a, strerror(-ret));
		return ret;
	}
	t->link_events = EPOLLIN | EPOLLOUT;
	ret = event_add(&t->loop, link_fd(&t->link), t->link_events, &t->link_h);
	if (ret == 0 && !t->link.connecting)
		tunnel_tcp_connected(t);
	else if (ret == 0 && t->o->connect_timeout > 0)
		timer_arm(&t->loop, &t->connect_timer, (uint64_t)t->o->connect_timeout * 1000);
	return ret;
}

static int tunnel_open_transport(struct tunnel *t)
{
	int ret;

	t->lopts.sndbuf = t->o->sndbuf;
	t->lopts.rcvbuf = t->o->rcvbuf;
	t->lopts.mark = t->o->mark;
	t->lopts.ipv6_only = t->o->bind_ipv6_only;
	if (proto_is_tcp_server(t->o->proto))
		return tunnel_open_tcp_server(t);
	if (proto_is_tcp(t->o->proto))
		return tunnel_open_tcp_client(t);
	ret = tunnel_open_udp(t);
	if (ret < 0)
		return ret;
	t->link_events = EPOLLIN;
	return event_add(&t->loop, link_fd(&t->link), EPOLLIN, &t->link_h);
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

static int tunnel_alloc_buffers(struct tunnel *t)
{
	unsigned i;

	t->mem = malloc((size_t)2 * DP_BATCH * BUF_SIZE);
	if (!t->mem)
		return -ENOMEM;
	for (i = 0; i < DP_BATCH; i++) {
		buf_init(&t->rx[i], t->mem + (size_t)i * BUF_SIZE, BUF_SIZE, BUF_HEADROOM);
		buf_init(&t->tx[i], t->mem + (size_t)(DP_BATCH + i) * BUF_SIZE, BUF_SIZE,
			 BUF_HEADROOM);
	}
	return 0;
}

static int tunnel_setup(struct tunnel *t)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2 };
	int ret;

	ret = event_loop_init(&t->loop);
	if (ret == 0)
		ret = event_signals(&t->loop, sigs, sizeof(sigs) / sizeof(sigs[0]), tunnel_signal);
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
	if (t->o->pull || t->o->client) {
		/* pushed options land in this instance's own copy */
		ret = options_copy(&t->eff, t->o);
		if (ret < 0)
			return ret;
		t->o = &t->eff;
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
	return tunnel_alloc_buffers(t);
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

/* The device scripts are told about: the tun or the ovpn-dco interface. */
static const char *tunnel_dev_name(const struct tunnel_persist *p)
{
	if (p->dco)
		return dco_ifname(p->dco);
	return p->tun_open ? p->tun.ifname : NULL;
}

/* --route-pre-down, then --down once the device is gone (--down-pre:
 * before it goes), as 2.6 orders them. */
static void tunnel_close_tun(struct tunnel *t)
{
	const char *why = t->end_reason ? t->end_reason : "error";
	char dev[TUN_IFNAMSIZ] = "";

	if (tunnel_dev_name(t->persist))
		snprintf(dev, sizeof(dev), "%s", tunnel_dev_name(t->persist));
	if (dev[0])
		script_route_pre_down(t->o, dev);
	if (dev[0] && t->o->down_pre)
		script_tunnel_down(t->o, dev, false, why);
	tunnel_release_tun(t->persist);
	if (dev[0] && !t->o->down_pre)
		script_tunnel_down(t->o, dev, false, why);
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

	event_loop_free(&t->loop);
	comp_free(&t->comp);
	free(t->mem);
	if (t->end != TUNNEL_RESTART_SOFT || !t->o->persist_tun || t->persist->dco_off)
		tunnel_close_tun(t);
	else if (t->o->up_restart && tunnel_dev_name(t->persist))
		/* the device stays: --down only with --up-restart, as 2.6 */
		script_tunnel_down(t->o, tunnel_dev_name(t->persist), true, t->end_reason);
	if (t->pull)
		options_free(&t->eff);
}

void tunnel_persist_release(struct tunnel_persist *p)
{
	if (p->tls_ctx) {
		ssl_ctx_free(p->tls_ctx);
		p->tls_ctx = NULL;
	}
	/* a re-read config may list other remotes */
	p->order_ready = false;
	p->remote_index = 0;
	tunnel_release_tun(p);
}

void tunnel_persist_release_tun(struct tunnel_persist *p)
{
	tunnel_release_tun(p);
}

static void tunnel_release_tun(struct tunnel_persist *p)
{
	if (p->dco) {
		route_undo(&p->routes);
		msg(M_INFO, "Closing DCO interface %s", dco_ifname(p->dco));
		dco_close(p->dco);
		p->dco = NULL;
	}
	if (!p->tun_open)
		return;
	route_undo(&p->routes);
	msg(M_INFO, "Closing TUN/TAP interface %s", p->tun.ifname);
	tun_close(&p->tun, false);
	p->tun_open = false;
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
	if (persist->restarts > 0 && !tunnel_restart_pause(t)) {
		end = t->end;
		goto out;
	}
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
		if (proto_is_tcp(o->proto) || t->end_reason == NULL ||
		    strcmp(t->end_reason, "SIGUSR1") != 0)
			persist->remote_index++;
	}
	if (end != TUNNEL_FATAL)
		msg(M_INFO, "%s%s] received, %s", tunnel_end_name(end),
		    t->end_reason ? t->end_reason : "connection-failed",
		    end == TUNNEL_EXIT ? "process exiting" : "process restarting");
out:
	tunnel_teardown(t);
	free(t);
	return end;
}
