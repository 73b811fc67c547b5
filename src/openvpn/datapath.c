/*
 * Point-to-point instance: the userspace data path.
 *
 * Receive: socket -> batch of datagrams (or TCP packets) -> peer address
 * check -> ping/OCC filter -> tun write. Send: tun reads -> one batch ->
 * sendmmsg (UDP) or framed writes (TCP). Buffers are allocated once per
 * instance; the packet path does not allocate.
 */
#include "datapath_int.h"

#include <errno.h>
#include <string.h>

#include "buf_batch.h"
#include "crypto.h"
#include "ip_pkt.h"
#include "mss.h"
#include "script.h"
#include "ssl.h"

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

bool tunnel_can_send(const struct tunnel *t)
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
unsigned tunnel_send(struct tunnel *t, struct buf *bufs, unsigned n)
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

void tunnel_send_ping(struct tunnel *t)
{
	tunnel_send_special(t, ping_magic, PING_MAGIC_LEN);
	msg(D_PACKET, "SENT PING");
}

void tunnel_send_occ_exit(struct tunnel *t)
{
	uint8_t m[OCC_MAGIC_LEN + 1];

	memcpy(m, occ_magic, OCC_MAGIC_LEN);
	m[OCC_MAGIC_LEN] = OCC_EXIT;
	tunnel_send_special(t, m, sizeof(m));
}

void tunnel_mss_update(struct tunnel *t)
{
	const struct options *o = t->o;
	struct mss_encap e;
	int ret;

	/* the outer family comes from the peer's address, the overhead from
	 * the negotiated cipher: both known only once the peer is */
	t->mss4 = 0;
	if (!t->remote_known || (t->tls_mode && !t->ssl->established))
		return;
	ret = mss_encap_init(&e, t->tls_mode ? t->ssl->neg.cipher : NULL, o->auth,
			     t->tls_mode && t->ssl->neg.data_v2, t->comp.alg, &t->remote,
			     !tunnel_is_udp(t));
	if (ret == 0)
		ret = mss_from_options(o->mssfix, o->mssfix_mode, o->tun_mtu, &e, &t->mss4);
	if (ret < 0)
		msg(M_WARN, "--mssfix %d leaves no room for TCP payload: not clamping", o->mssfix);
	else if (t->mss4)
		msg(D_OPTIONS, "TCP MSS clamped to %u (IPv4), %u (IPv6)", t->mss4, t->mss4 - 20);
}

/* ---- tun -> link ---------------------------------------------------------- */

void tunnel_tun_readable(struct event_handler *h, uint32_t events)
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
		if (t->mss4)
			mss_clamp(buf_data(b), buf_len(b), t->mss4);
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
	tunnel_mss_update(t);
	if (t->peer_seen)
		script_ipchange(t->o, from);
accepted:
	if (!t->peer_seen && !t->tls_mode) {
		t->peer_seen = true;
		tunnel_mss_update(t);
		script_ipchange(t->o, from);
		msg(M_INFO, "Peer Connection Initiated with %s", addr_to_str(from, a, sizeof(a)));
		ping_start_receive_timer(&t->ping);
	}
	return true;
}

/* TLS mode: control packets go to the session, data packets are decrypted.
 * Returns true when b now holds a payload for tun. */
static bool tunnel_tls_input(struct tunnel *t, struct buf *b, uint64_t now)
{
	enum crypto_verdict v;

	if (!ssl_is_data_opcode(buf_data(b)[0])) {
		if (!ssl_recv_control(t->ssl, b))
			return false;
		t->heard = true;
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
	if (!t->tun || !ip_pkt_valid(b)) {
		t->st.drop_not_ip++;
		msg_ratelimited(&t->rl_drop, D_LOW, "dropping %zu-byte packet that is not IPv4/IPv6",
				buf_len(b));
		return;
	}
	if (t->mss4)
		mss_clamp(buf_data(b), buf_len(b), t->mss4);
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
		tunnel_mss_update(t);   /* the outer family may have changed */
		if (t->peer_seen)
			script_ipchange(t->o, from);
	}
	addr_to_str(from, t->peer_name, sizeof(t->peer_name));
	t->heard = true;
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

static void tunnel_udp_readable(struct tunnel *t)
{
	uint64_t now = event_now_ms();
	int n, i;

	do {
		buf_batch_reset(t->rx, DP_BATCH);
		n = link_udp_recv_batch(&t->link, t->rx, t->from, DP_BATCH);
		if (n < 0) {
			msg_ratelimited(&t->rl_link, M_WARN, "read UDP: %s", strerror(-n));
			return;
		}
		for (i = 0; i < n; i++)
			tunnel_udp_packet(t, &t->rx[i], &t->from[i], now);
	} while (n == DP_BATCH && !t->loop.stop);
}


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
			buf_batch_reset(t->rx, DP_BATCH);
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

void tunnel_link_ready(struct event_handler *h, uint32_t events)
{
	struct tunnel *t = container_of(h, struct tunnel, link_h);

	if (tunnel_is_udp(t))
		tunnel_udp_readable(t);
	else
		tunnel_tcp_readable(t, events);
}
