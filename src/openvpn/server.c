/*
 * Server mode: the transports (UDP socket or TCP listener plus one
 * connection per client), the userspace data path between the tun device
 * and the clients, and new clients. Setup, signals and teardown are in
 * server_run.c, the status and pool files in server_status.c.
 *
 * Receive: datagrams in batches -> DATA_V2 by peer-id, everything else by
 * source address -> decrypt -> source address check -> tun, or straight to
 * another client with --client-to-client. Send: tun reads in batches ->
 * destination lookup (host address or iroute) -> encrypt -> one sendmmsg.
 */
#include "server_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "buf.h"
#include "buf_batch.h"
#include "comp.h"
#include "cookie.h"
#include "crypto.h"
#include "ip_pkt.h"
#include "mss.h"
#include "peer.h"
#include "ping.h"
#include "script.h"
#include "ssl.h"
#include "tun.h"

void server_end(struct server *srv, enum tunnel_end end, const char *reason)
{
	srv->end = end;
	srv->end_reason = reason;
	event_loop_stop(&srv->loop);
}

/* ---- sending ---------------------------------------------------------------- */

static void server_tcp_update_events(struct server *srv, struct peer *p)
{
	uint32_t ev = EPOLLIN | (link_wants_write(&p->tcp) ? EPOLLOUT : 0);

	if (ev != p->tcp_events) {
		event_mod(&srv->loop, link_fd(&p->tcp), ev, &p->tcp_h);
		p->tcp_events = ev;
	}
}

void server_send_to_peer(struct server *srv, struct peer *p, struct buf *b)
{
	const struct sockaddr_any *to = &p->addr.addr;
	size_t len = buf_len(b);
	int ret;

	if (p->state == PEER_CLOSING)
		return;
	if (p->tcp_mode) {
		ret = link_tcp_send(&p->tcp, b);
		if (ret < 0 && ret != -ENOBUFS) {
			msg(M_WARN, "%s: write TCP: %s", p->name, strerror(-ret));
			peer_close(p, "connection-reset");
			return;
		}
		server_tcp_update_events(srv, p);
	} else {
		ret = link_udp_send_batch(&srv->link, &b, &to, 1);
		if (ret < 0)
			msg_ratelimited(&srv->rl_link, M_WARN, "write UDP to %s: %s", p->name,
					strerror(-ret));
		if (ret != 1)
			return;
	}
	p->bytes_out += len;
	srv->st.link_write_bytes += len;
	ping_note_sent(&p->ping, event_now_ms());
}

/* Frame and encrypt in place; false when the packet cannot go. */
static bool server_seal(struct peer *p, struct buf *b)
{
	if (p->state != PEER_CONNECTED || !ssl_can_send_data(&p->ssl))
		return false;
	if (comp_active(&p->comp) && comp_frame(&p->comp, b) < 0)
		return false;
	if (ssl_encrypt(&p->ssl, b) < 0) {
		p->drop_no_key++;
		return false;
	}
	return true;
}

void server_send_payload(struct server *srv, struct peer *p, struct buf *b)
{
	if (server_seal(p, b))
		server_send_to_peer(srv, p, b);
}

/* ---- client -> server ---------------------------------------------------------- */

/* A client may only send from its own VPN addresses and its iroutes. */
static bool source_is_peer(struct server *srv, struct peer *p, const uint8_t *pkt)
{
	return ptab_route_lookup(&srv->tab, ip_pkt_family(pkt), ip_pkt_src(pkt)) == p;
}

/* A decrypted payload from a client: ping, OCC exit or an IP packet. */
static void server_from_peer(struct server *srv, struct peer *p, struct buf *b)
{
	uint8_t occ;
	const uint8_t *pkt;
	struct peer *to;
	char a[INET6_ADDRSTRLEN];
	int ret;

	/* DCO: the kernel carries the data channel and there is no tun to write
	 * to; a data packet that still reached us is stray */
	if (srv->dco)
		return;
	if (comp_active(&p->comp) && comp_unframe(&p->comp, b) < 0) {
		comp_log_drop(&p->comp, p->name);
		return;
	}
	if (ping_is_ping(b))
		return;
	if (occ_is_message(b, &occ)) {
		if (occ == OCC_EXIT) {
			msg(M_INFO, "%s: OCC exit notification received from the client", p->name);
			peer_close(p, "remote-exit");
		}
		return;
	}
	if (!ip_pkt_valid(b)) {
		srv->st.drop_not_ip++;
		return;
	}
	pkt = buf_data(b);
	if (!source_is_peer(srv, p, pkt)) {
		p->drop_spoofed++;
		srv->st.drop_spoofed++;
		msg_ratelimited(&srv->rl_drop, D_PACKET,
				"MULTI: bad source address from client [%s], packet dropped",
				inet_ntop(ip_pkt_family(pkt), ip_pkt_src(pkt), a, sizeof(a)));
		return;
	}
	if (p->mss4)
		mss_clamp(buf_data(b), buf_len(b), p->mss4);
	if (srv->o->client_to_client) {
		to = ptab_route_lookup(&srv->tab, ip_pkt_family(pkt), ip_pkt_dst(pkt));
		if (to && to != p) {
			/* the other client's transport may need less */
			if (to->mss4)
				mss_clamp(buf_data(b), buf_len(b), to->mss4);
			server_send_payload(srv, to, b);
			return;
		}
	}
	ret = tun_write(srv->tun, b);
	if (ret < 0) {
		srv->st.drop_tun_write++;
		msg_ratelimited(&srv->rl_drop, M_WARN, "write to TUN/TAP %s: %s", srv->tun->ifname,
				strerror(-ret));
		return;
	}
	srv->st.tun_write_bytes += buf_len(b);
}

static void server_data_in(struct server *srv, struct peer *p, struct buf *b)
{
	enum crypto_verdict v = ssl_decrypt(&p->ssl, b);

	if (v != CRYPTO_OK) {
		p->drop_decrypt++;
		if (v != CRYPTO_REPLAY || !srv->o->mute_replay_warnings)
			msg_ratelimited(&srv->rl_drop, M_WARN, "%s: dropping data packet: %s",
					p->name, crypto_verdict_str(v));
		return;
	}
	ping_note_received(&p->ping, event_now_ms());
	server_from_peer(srv, p, b);
}

static void server_control_in(struct peer *p, struct buf *b)
{
	if (ssl_recv_control(&p->ssl, b) && p->state != PEER_CLOSING) {
		ping_note_received(&p->ping, event_now_ms());
		peer_ssl_reschedule(p);
	}
}

/* ---- new clients ------------------------------------------------------------------ */

/* Limits before any state is spent on a hard reset from a new address. */
static bool rate_window_take(struct rate_window *w, uint64_t now, int n, int secs)
{
	if (now - w->start_ms >= (uint64_t)secs * 1000) {
		w->start_ms = now;
		w->count = 0;
	}
	if (w->count >= (uint32_t)n)
		return false;
	w->count++;
	return true;
}

static bool server_may_accept(struct server *srv)
{
	const struct options *o = srv->o;
	uint64_t now = event_now_ms();

	if (srv->n_peers >= (uint32_t)o->max_clients + 64 ||
	    srv->n_connected + srv->n_handshake >= (uint32_t)o->max_clients) {
		msg_ratelimited(&srv->rl_new, M_WARN, "MULTI: new incoming connection would exceed maximum number of clients (%d)",
				o->max_clients);
		return false;
	}
	if (o->connect_freq_n > 0 &&
	    !rate_window_take(&srv->freq, now, o->connect_freq_n, o->connect_freq_secs)) {
		msg_ratelimited(&srv->rl_new, M_WARN, "MULTI: connection rate exceeded (--connect-freq %d %d)",
				o->connect_freq_n, o->connect_freq_secs);
		return false;
	}
	return true;
}

/*
 * A control packet from an address without a session: unwrap (and so
 * authenticate, with --tls-auth/--tls-crypt) and parse a copy, so the
 * original can still go to a session. The shared window of the stateless
 * wrap only proves the key: every client starts at the same ids. With
 * tls-crypt-v2, w is a fresh context that learns the client's key here.
 */
static enum tls_wrap_status server_peek_control(struct tls_wrap_ctx *w, const struct buf *b,
						struct reliable_pkt *p, uint8_t *mem, size_t size)
{
	struct buf copy;
	enum tls_wrap_status st;

	buf_init(&copy, mem, size, 0);
	if (!buf_write(&copy, buf_data(b), buf_len(b)))
		return TLS_WRAP_SHORT;
	st = tls_wrap_decode(w, &copy, time(NULL), NULL);
	if (st != TLS_WRAP_OK && st != TLS_WRAP_REPLAY)
		return st;
	if (reliable_pkt_parse(p, buf_data(&copy), buf_len(&copy)) != 0 || p->key_id != 0)
		return TLS_WRAP_SHORT;
	return TLS_WRAP_OK;
}

/* A hard reset from a new address: answered without keeping any state.
 * tlv: early negotiation payload (tls-crypt-v2), or NULL. */
static void server_answer_reset(struct server *srv, struct tls_wrap_ctx *w,
				const struct reliable_pkt *r, const struct sockaddr_any *from,
				const uint8_t *tlv, size_t tlv_len)
{
	uint8_t mem[BUF_HEADROOM + 96];
	struct reliable_pkt ans = {
		.opcode = P_CONTROL_HARD_RESET_SERVER_V2, .n_acks = 1, .acks = { r->msg_id },
		.has_msg_id = true, .msg_id = 0,
	};
	struct buf out, *pkt = &out;
	const struct sockaddr_any *to = from;
	const struct options *o = srv->o;

	/* every answer can be aimed at a forged source: bound the reflection */
	if (!rate_window_take(&srv->freq_initial, event_now_ms(), o->connect_freq_initial_n,
			      o->connect_freq_initial_secs)) {
		srv->st.reset_unanswered++;
		msg_ratelimited(&srv->rl_new, M_WARN, "MULTI: more than %d hard resets in %d s: not "
				"answering for now (--connect-freq-initial)",
				o->connect_freq_initial_n, o->connect_freq_initial_secs);
		return;
	}
	memcpy(ans.remote_sid, r->sid, sizeof(ans.remote_sid));
	buf_init(&out, mem, sizeof(mem), BUF_HEADROOM);
	if ((tlv_len && !buf_write(&out, tlv, tlv_len)) ||
	    cookie_make(&srv->cookies, from, r->sid, (uint64_t)time(NULL), ans.sid) < 0 ||
	    reliable_pkt_build(&out, &ans) < 0 ||
	    tls_wrap_encode(w, &out, time(NULL)) < 0)
		return;
	if (link_udp_send_batch(&srv->link, &pkt, &to, 1) == 1) {
		srv->st.link_write_bytes += buf_len(&out);
		srv->st.reset_answered++;
	}
}

/* The client's packet names our cookie as session id and acknowledges
 * our stateless answer. */
static bool server_cookie_ok(struct server *srv, const struct reliable_pkt *r,
			     const struct sockaddr_any *from)
{
	bool acks_reset = false;
	unsigned int i;

	for (i = 0; i < r->n_acks; i++)
		acks_reset |= r->acks[i] == 0;
	return acks_reset &&
	       cookie_check(&srv->cookies, from, r->sid, r->remote_sid, (uint64_t)time(NULL));
}

/* Create the client's state from its first accepted packet b. cookie:
 * the stateless answer went out (session id = cookie, wrap ids pid). */
static void server_start_peer(struct server *srv, struct buf *b, const struct sockaddr_any *from,
			      const struct reliable_pkt *r, uint8_t reset_op,
			      const struct packet_id_send *pid, bool cookie)
{
	struct peer *p;

	/* a completed three-way handshake does not count, as in 2.6 */
	if (cookie && srv->freq_initial.count > 0)
		srv->freq_initial.count--;
	if (!server_may_accept(srv) || !(p = peer_new(srv, from))) {
		srv->st.refused_new++;
		return;
	}
	if ((cookie && ssl_session_resume(&p->ssl, r->remote_sid, r->sid, reset_op, pid) < 0) ||
	    !ssl_recv_control(&p->ssl, b)) {
		peer_close(p, "bad-first-packet");
		return;
	}
	msg(D_NORMAL, "%s: new client session (peer-id %u)", p->name, p->id);
	peer_ssl_reschedule(p);
}

/* The first packet after our stateless answer names our cookie as session
 * id and acknowledges the answer: only then does the client get state. */
static void server_new_udp_peer(struct server *srv, struct buf *b,
				const struct sockaddr_any *from)
{
	uint8_t mem[BUF_SIZE];
	struct reliable_pkt r;

	if (server_peek_control(&srv->prewrap, b, &r, mem, sizeof(mem)) != TLS_WRAP_OK) {
		srv->st.drop_unknown_source++;
		msg_ratelimited(&srv->rl_new, D_LOW, "TLS: unauthenticated or malformed packet from a new address, dropped");
		return;
	}
	if (r.opcode == P_CONTROL_HARD_RESET_CLIENT_V2) {
		server_answer_reset(srv, &srv->prewrap, &r, from, NULL, 0);
		return;
	}
	if ((r.opcode != P_CONTROL_V1 && r.opcode != P_ACK_V1) || !server_cookie_ok(srv, &r, from)) {
		srv->st.drop_unknown_source++;
		return;
	}
	server_start_peer(srv, b, from, &r, P_CONTROL_HARD_RESET_CLIENT_V2,
			  srv->wcfg.mode != TLS_WRAP_NONE ? &srv->prewrap.pid_send : NULL, true);
}

/*
 * tls-crypt-v2: run --tls-crypt-v2-verify on the metadata the client key
 * carried. Only for a client about to get state, so a flood of resets
 * cannot make us run the command.
 */
static bool server_v2_verify(struct server *srv, const struct tls_wrap_ctx *w,
			     const char *name)
{
	const uint8_t *meta;
	size_t len = 0;
	int ret;

	if (!srv->o->tls_crypt_v2_verify)
		return true;
	meta = tls_wrap_v2_metadata(w, &len);
	ret = meta ? script_tls_crypt_v2_verify(&srv->sctx, srv->o->tls_crypt_v2_verify, meta,
						len) : -EINVAL;
	if (ret == 0)
		return true;
	srv->st.refused_wkc_verify++;
	msg_ratelimited(&srv->rl_new, M_WARN, "%s: tls-crypt-v2-verify refused the client key "
			"(status %d)", name, ret);
	return false;
}

static void server_v2_bad_packet(struct server *srv, enum tls_wrap_status st,
				 const struct sockaddr_any *from)
{
	char a[ADDR_STRLEN];

	if (st == TLS_WRAP_BAD_WKC) {
		srv->st.drop_bad_wkc++;
		msg_ratelimited(&srv->rl_new, M_WARN, "tls-crypt-v2: %s from %s, dropped",
				tls_wrap_status_str(st), addr_to_str(from, a, sizeof(a)));
		return;
	}
	srv->st.drop_unknown_source++;
	msg_ratelimited(&srv->rl_new, D_LOW, "TLS: unauthenticated or malformed packet from a "
			"new address, dropped");
}

/*
 * tls-crypt-v2 over UDP. A 2.6 client (early negotiation) gets the
 * stateless answer asking for WKc again on its next packet, which then
 * creates the state. An older client sends WKc only once: it gets state at
 * its reset unless force-cookie.
 */
static void server_new_udp_peer_v2(struct server *srv, struct buf *b,
				   const struct sockaddr_any *from)
{
	static const uint8_t resend_wkc[] = { 0, SSL_TLV_EARLY_NEG_FLAGS, 0, 2,
					      0, SSL_EARLY_NEG_RESEND_WKC };
	/* our stateless answer used replay id 1 */
	const struct packet_id_send answered = { .id = 1, .time = (uint32_t)time(NULL) };
	uint8_t mem[BUF_SIZE];
	struct reliable_pkt r;
	struct tls_wrap_ctx w;
	enum tls_wrap_status st;
	char a[ADDR_STRLEN];

	if (tls_wrap_init(&w, &srv->wcfg) < 0)
		return;
	st = server_peek_control(&w, b, &r, mem, sizeof(mem));
	if (st != TLS_WRAP_OK) {
		server_v2_bad_packet(srv, st, from);
		goto out;
	}
	addr_to_str(from, a, sizeof(a));
	if (r.opcode == P_CONTROL_HARD_RESET_CLIENT_V3 && tls_wrap_v2_early_neg(&w)) {
		server_answer_reset(srv, &w, &r, from, resend_wkc, sizeof(resend_wkc));
	} else if (r.opcode == P_CONTROL_HARD_RESET_CLIENT_V3) {
		if (srv->o->tls_crypt_v2_force_cookie) {
			srv->st.refused_noncookie++;
			msg_ratelimited(&srv->rl_new, M_WARN, "%s: tls-crypt-v2 client without "
					"cookie support refused (force-cookie)", a);
		} else if (server_v2_verify(srv, &w, a)) {
			server_start_peer(srv, b, from, &r, r.opcode, NULL, false);
		}
	} else if (r.opcode == P_CONTROL_WKC_V1 && server_cookie_ok(srv, &r, from)) {
		if (server_v2_verify(srv, &w, a))
			server_start_peer(srv, b, from, &r, P_CONTROL_HARD_RESET_CLIENT_V3,
					  &answered, true);
	} else {
		srv->st.drop_unknown_source++;
	}
out:
	tls_wrap_free(&w);
}

/* tls-crypt-v2 over TCP: check the client key before the session sees it. */
static bool server_tcp_v2_admit(struct server *srv, struct peer *p, const struct buf *b)
{
	uint8_t mem[BUF_SIZE];
	struct reliable_pkt r;
	struct tls_wrap_ctx w;
	enum tls_wrap_status st;
	bool ok = false;

	if (tls_wrap_init(&w, &srv->wcfg) < 0)
		return false;
	st = server_peek_control(&w, b, &r, mem, sizeof(mem));
	if (st != TLS_WRAP_OK)
		server_v2_bad_packet(srv, st, &p->addr.addr);
	else
		ok = server_v2_verify(srv, &w, p->name);
	tls_wrap_free(&w);
	return ok;
}

/* ---- UDP receive ---------------------------------------------------------------- */

static uint32_t data_v2_peer_id(const struct buf *b)
{
	const uint8_t *d = buf_data(b);

	return ((uint32_t)d[1] << 16) | ((uint32_t)d[2] << 8) | d[3];
}

/* DATA_V2 finds its client by peer-id; an authentic packet from a new
 * address moves the client there (2.6 floats like this in server mode). */
static void server_udp_data_v2(struct server *srv, struct buf *b, const struct sockaddr_any *from)
{
	struct peer *p;
	char a[ADDR_STRLEN];

	if (buf_len(b) < 4 || !(p = ptab_by_id(&srv->tab, data_v2_peer_id(b))) ||
	    p->state == PEER_CLOSING || p->tcp_mode) {
		srv->st.drop_bad_peer_id++;
		return;
	}
	p->bytes_in += buf_len(b);
	if (addr_equal(from, &p->addr.addr)) {
		server_data_in(srv, p, b);
		return;
	}
	if (ssl_decrypt(&p->ssl, b) != CRYPTO_OK) {
		srv->st.drop_bad_peer_id++;
		return;
	}
	msg(M_INFO, "%s: client floated to %s", p->name, addr_to_str(from, a, sizeof(a)));
	ptab_addr_del(&srv->tab, &p->addr);
	if (ptab_by_addr(&srv->tab, from)) {
		/* a stale session still holds the new address: it loses it */
		struct peer *old = ptab_by_addr(&srv->tab, from);

		peer_close(old, "address-taken-by-float");
	}
	p->addr.addr = *from;
	ptab_addr_add(&srv->tab, &p->addr);
	snprintf(p->name, sizeof(p->name), "%s/%s", p->cn, a);
	ping_note_received(&p->ping, event_now_ms());
	server_from_peer(srv, p, b);
}

static void server_udp_packet(struct server *srv, struct buf *b, const struct sockaddr_any *from)
{
	struct peer *p;
	uint8_t op;

	srv->st.link_read_bytes += buf_len(b);
	if (buf_len(b) == 0)
		return;
	op = buf_data(b)[0] >> P_OPCODE_SHIFT;
	if (op == P_DATA_V2) {
		server_udp_data_v2(srv, b, from);
		return;
	}
	p = ptab_by_addr(&srv->tab, from);
	if (!p) {
		if (op == P_DATA_V1 || op == P_CONTROL_SOFT_RESET_V1)
			srv->st.drop_unknown_source++;
		else if (srv->wcfg.mode == TLS_WRAP_CRYPT_V2)
			server_new_udp_peer_v2(srv, b, from);
		else
			server_new_udp_peer(srv, b, from);
		return;
	}
	p->bytes_in += buf_len(b);
	if (op == P_DATA_V1)
		server_data_in(srv, p, b);
	else
		server_control_in(p, b);
}

static void server_udp_readable(struct server *srv)
{
	int n, i;

	do {
		buf_batch_reset(srv->rx, SERVER_BATCH);
		n = link_udp_recv_batch(&srv->link, srv->rx, srv->from, SERVER_BATCH);
		if (n < 0) {
			msg_ratelimited(&srv->rl_link, M_WARN, "read UDP: %s", strerror(-n));
			return;
		}
		for (i = 0; i < n; i++) {
			/* one spelling per client address: v4-mapped becomes IPv4 */
			addr_unmap(&srv->from[i]);
			server_udp_packet(srv, &srv->rx[i], &srv->from[i]);
		}
	} while (n == SERVER_BATCH && !srv->loop.stop);
}

/* ---- TCP ------------------------------------------------------------------------------ */

static void server_tcp_packet(struct server *srv, struct peer *p, struct buf *b)
{
	uint8_t op;

	srv->st.link_read_bytes += buf_len(b);
	p->bytes_in += buf_len(b);
	if (buf_len(b) == 0)
		return;
	op = buf_data(b)[0] >> P_OPCODE_SHIFT;
	if (op == P_DATA_V2 && (buf_len(b) < 4 || data_v2_peer_id(b) != p->id)) {
		srv->st.drop_bad_peer_id++;
		return;
	}
	if (op == P_DATA_V1 || op == P_DATA_V2) {
		server_data_in(srv, p, b);
	} else if (p->state == PEER_HANDSHAKE && !p->ssl.peer_sid_known) {
		/* the first packet of a connection must be the client's reset */
		if (op != P_CONTROL_HARD_RESET_CLIENT_V2 && op != P_CONTROL_HARD_RESET_CLIENT_V3) {
			peer_close(p, "bad-first-packet");
			return;
		}
		if (srv->wcfg.mode == TLS_WRAP_CRYPT_V2 && !server_tcp_v2_admit(srv, p, b)) {
			peer_close(p, "tls-crypt-v2-refused");
			return;
		}
		if (!ssl_recv_control(&p->ssl, b)) {
			peer_close(p, "bad-hard-reset");
			return;
		}
		peer_ssl_reschedule(p);
	} else {
		server_control_in(p, b);
	}
}

static void server_tcp_ready(struct event_handler *h, uint32_t events)
{
	struct peer *p = container_of(h, struct peer, tcp_h);
	struct server *srv = p->srv;
	int n, i;

	if (events & EPOLLOUT) {
		if (link_flush(&p->tcp) < 0) {
			peer_close(p, "connection-reset");
			return;
		}
		server_tcp_update_events(srv, p);
	}
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	do {
		buf_batch_reset(srv->rx, SERVER_BATCH);
		n = link_tcp_recv_batch(&p->tcp, srv->rx, SERVER_BATCH);
		if (n < 0) {
			if (n != -EAGAIN)
				peer_close(p, n == LINK_ECLOSED ? "connection-reset" : "tcp-error");
			return;
		}
		for (i = 0; i < n && p->state != PEER_CLOSING; i++)
			server_tcp_packet(srv, p, &srv->rx[i]);
	} while (n == SERVER_BATCH && p->state != PEER_CLOSING);
}

static void server_tcp_accept(struct server *srv)
{
	struct link conn;
	struct peer *p;
	char a[ADDR_STRLEN];
	int ret;

	for (;;) {
		memset(&conn, 0, sizeof(conn));
		ret = link_tcp_accept(&srv->link, &conn);
		if (ret == -EAGAIN)
			return;
		if (ret < 0) {
			msg_ratelimited(&srv->rl_link, M_WARN, "TCP accept: %s", strerror(-ret));
			return;
		}
		if (!server_may_accept(srv) || !(p = peer_new(srv, NULL))) {
			srv->st.refused_new++;
			link_close(&conn);
			continue;
		}
		p->tcp_mode = true;
		addr_unmap(&conn.peer);
		p->tcp = conn;
		p->tcp_h.cb = server_tcp_ready;
		p->tcp_events = EPOLLIN;
		p->addr.addr = conn.peer;
		snprintf(p->name, sizeof(p->name), "%s", addr_to_str(&conn.peer, a, sizeof(a)));
		msg(M_INFO, "TCP connection established with %s", p->name);
		if (event_add(&srv->loop, link_fd(&p->tcp), EPOLLIN, &p->tcp_h) < 0) {
			peer_close(p, "epoll");
			continue;
		}
		ssl_session_start(&p->ssl, false);
		peer_ssl_reschedule(p);
	}
}

void server_link_ready(struct event_handler *h, uint32_t events)
{
	struct server *srv = container_of(h, struct server, link_h);

	(void)events;
	if (srv->tcp)
		server_tcp_accept(srv);
	else
		server_udp_readable(srv);
}

/* ---- tun -> clients ---------------------------------------------------------------- */

void server_tun_readable(struct event_handler *h, uint32_t events)
{
	struct server *srv = container_of(h, struct server, tun_h);
	struct buf *pkts[SERVER_BATCH];
	const struct sockaddr_any *to[SERVER_BATCH];
	struct peer *dest[SERVER_BATCH];
	unsigned n = 0, i;
	int ret;

	(void)events;
	for (i = 0; i < SERVER_BATCH; i++) {
		struct buf *b = &srv->tx[i];
		struct peer *p;

		buf_reset(b, BUF_HEADROOM);
		ret = (int)tun_read(srv->tun, b);
		if (ret == -EAGAIN || ret == 0)
			break;
		if (ret < 0) {
			msg_ratelimited(&srv->rl_drop, M_WARN, "read from TUN/TAP %s: %s",
					srv->tun->ifname, strerror(-ret));
			break;
		}
		srv->st.tun_read_bytes += buf_len(b);
		if (!ip_pkt_valid(b) ||
		    !(p = ptab_route_lookup(&srv->tab, ip_pkt_family(buf_data(b)), ip_pkt_dst(buf_data(b))))) {
			srv->st.drop_no_route++;
			continue;
		}
		if (p->mss4)
			mss_clamp(buf_data(b), buf_len(b), p->mss4);
		if (!server_seal(p, b))
			continue;
		if (p->tcp_mode) {
			server_send_to_peer(srv, p, b);
			continue;
		}
		pkts[n] = b;
		to[n] = &p->addr.addr;
		dest[n] = p;
		n++;
	}
	if (n == 0)
		return;
	ret = link_udp_send_batch(&srv->link, pkts, to, n);
	if (ret < 0) {
		msg_ratelimited(&srv->rl_link, M_WARN, "write UDP: %s", strerror(-ret));
		return;
	}
	for (i = 0; i < (unsigned)ret; i++) {
		dest[i]->bytes_out += buf_len(pkts[i]);
		srv->st.link_write_bytes += buf_len(pkts[i]);
		ping_note_sent(&dest[i]->ping, event_now_ms());
	}
}
