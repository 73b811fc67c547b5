/*
 * Data channel offload for the point-to-point instance.
 *
 * With DCO the ovpn-dco interface replaces the tun device and the kernel
 * carries the data packets; this instance keeps the control channel on the
 * same socket (the module passes everything but DATA_V2 up). The seam is the
 * session's keys_derived callback: the first key adds the peer (NEW_PEER with
 * the socket and the negotiated peer-id), every key goes to a kernel slot,
 * a renegotiated key is swapped in as 2.6 does, retired keys are deleted.
 * Keepalive runs in the kernel; its expiry arrives as a DEL_PEER
 * notification and becomes the usual ping-restart.
 */
#include "datapath_int.h"

#include <errno.h>
#include <string.h>

#include "crypto.h"
#include "dco.h"
#include "dco_mtu.h"
#include "script.h"
#include "ssl.h"

bool tunnel_dco_wanted(const struct tunnel *t)
{
	const struct tunnel_persist *p = t->persist;

	return p->dco_wanted && !p->dco_off && t->tls_mode && !t->o->mode_server;
}

/* Give up on offload for the rest of this process, with one clear line;
 * the restart that follows opens a tun device. --require-dco ends instead. */
static void tunnel_dco_fallback(struct tunnel *t, const char *why, int err)
{
	if (t->o->require_dco) {
		msg(M_ERR, "DCO: %s%s%s; --require-dco: exiting", why, err ? ": " : "",
		    err ? strerror(-err) : "");
		tunnel_end(t, TUNNEL_FATAL, "dco-required");
		return;
	}
	msg(M_WARN, "DCO: %s%s%s; falling back to the userspace data path", why,
	    err ? ": " : "", err ? strerror(-err) : "");
	t->persist->dco_off = true;
}

static void tunnel_dco_notified(void *arg, const struct dco_notification *n)
{
	struct tunnel *t = arg;

	if (!t->dco_peer || n->peer_id != t->dco_peer_id) {
		/* the echo of our own delete, or the previous peer of this interface */
		msg(D_LOW, "DCO: notification for peer-id %u ignored: %s", n->peer_id,
		    dco_del_reason_str(n->reason));
		return;
	}
	msg(D_LOW, "DCO: kernel removed peer-id %u: %s", n->peer_id, dco_del_reason_str(n->reason));
	if (n->reason == DCO_DEL_USERSPACE || n->reason == DCO_DEL_TEARDOWN) {
		/* not our doing: someone deleted the peer or the whole interface */
		int ret = dco_peer_check(t->persist->dco, t->dco_peer_id);

		if (ret != -ENOENT && ret != -ENODEV)
			return; /* still there: the echo of an older delete */
		/* TEARDOWN: the interface is going (it may still be listed) or
		 * another process put its own peer in place of ours */
		msg(M_WARN, "DCO: %s outside this daemon; restarting",
		    n->reason == DCO_DEL_TEARDOWN || ret == -ENODEV ?
		    "the ovpn-dco interface was deleted (or our peer replaced)" :
		    "the kernel's peer was deleted");
		t->dco_peer = false;
		tunnel_end(t, TUNNEL_RESTART_SOFT, "dco-peer-deleted");
		return;
	}
	t->dco_peer = false; /* already gone: no DEL_PEER at teardown */
	if (n->reason == DCO_DEL_EXPIRED) {
		tunnel_ping_event(&t->ping, t->o->ping_restart > 0 || !t->o->ping_exit ?
				  PING_RESTART : PING_EXIT);
		return;
	}
	msg(M_INFO, "DCO: %s, restarting", dco_del_reason_str(n->reason));
	tunnel_end(t, TUNNEL_RESTART_SOFT, "dco-transport-error");
}

static void tunnel_dco_readable(struct event_handler *h, uint32_t events)
{
	struct tunnel *t = container_of(h, struct tunnel, dco_h);
	struct dco_peer_stats st;
	int ret = dco_notify_read(t->persist->dco, tunnel_dco_notified, t);

	if (ret != -ENOBUFS || !t->dco_peer)
		return;
	/* notifications were lost: ask whether our peer still exists */
	if (dco_get_peer_stats(t->persist->dco, t->dco_peer_id, &st) == -ENOENT) {
		struct dco_notification n = { .peer_id = t->dco_peer_id, .reason = DCO_DEL_EXPIRED };

		tunnel_dco_notified(t, &n);
	}
}

int tunnel_dco_open_dev(struct tunnel *t)
{
	struct tunnel_persist *p = t->persist;
	int ret;

	if (p->tun_open)
		return 1; /* a persisted tun device from an earlier instance stays */
	if (p->dco && !dco_link_present(p->dco)) {
		msg(M_WARN, "DCO: interface %s is gone; creating it again", dco_ifname(p->dco));
		tunnel_persist_release_tun(p);
	}
	if (p->dco) {
		msg(M_INFO, "Preserving previous DCO interface: %s", dco_ifname(p->dco));
		if (t->o->up_restart && script_tunnel_up(t->o, dco_ifname(p->dco), true) != 0)
			return -ECANCELED;
	} else {
		route_state_init(&p->routes);
		ret = dco_open(&p->dco, t->o->dev, DCO_MODE_P2P);
		if (ret < 0) {
			tunnel_dco_fallback(t, "cannot create the ovpn-dco interface", ret);
			return t->o->require_dco ? ret : 1;
		}
		msg(M_INFO, "DCO device %s opened", dco_ifname(p->dco));
		ret = tunnel_dev_configure(t, dco_ifindex(p->dco), dco_ifname(p->dco));
		if (ret < 0)
			return ret;
	}
	t->dco = true;
	t->tun = NULL;
	t->dco_slot_kid[DCO_SLOT_PRIMARY] = t->dco_slot_kid[DCO_SLOT_SECONDARY] = -1;
	return event_add(&t->loop, dco_notify_fd(p->dco), EPOLLIN, &t->dco_h);
}

/* The first key: hand the socket and the peer to the kernel. */
static int tunnel_dco_add_peer(struct tunnel *t, const struct ssl_session *s)
{
	struct dco_peer peer = {
		.peer_id = s->neg.peer_id,
		.fd = link_fd(&t->link),
		.remote = tunnel_is_udp(t) ? &t->remote : NULL,
	};
	const struct options *o = t->o;
	uint32_t timeout = (uint32_t)(o->ping_restart > 0 ? o->ping_restart : o->ping_exit);
	int ret;

	/* the module only takes DATA_V2 packets and AEAD keys */
	if (!s->neg.data_v2 || s->neg.peer_id > DCO_PEER_ID_MAX) {
		tunnel_dco_fallback(t, "the peer did not negotiate DATA_V2 (no P2P NCP)", 0);
		return -EPROTO;
	}
	if (dco_cipher_from_name(s->neg.cipher) == DCO_CIPHER_NONE) {
		tunnel_dco_fallback(t, "the negotiated cipher is not one ovpn-dco runs", 0);
		return -EPROTO;
	}
	ret = dco_new_peer(t->persist->dco, &peer);
	if (ret < 0) {
		tunnel_dco_fallback(t, "cannot add the peer to the ovpn-dco interface", ret);
		return ret;
	}
	t->dco_peer = true;
	t->dco_peer_id = s->neg.peer_id;
	if (o->ping > 0 || timeout > 0) {
		ret = dco_set_keepalive(t->persist->dco, t->dco_peer_id, (uint32_t)o->ping, timeout);
		if (ret < 0) {
			msg(M_ERR, "DCO: cannot set keepalive %d/%u for peer-id %u: %s", o->ping,
			    timeout, t->dco_peer_id, strerror(-ret));
			return ret;
		}
	}
	/* the kernel pings and expires the peer now; userspace timers would only
	 * see silence */
	ping_stop(&t->ping);
	msg(M_INFO, "DCO: data channel offloaded to %s (ovpn-dco-v2): peer-id %u, cipher %s, "
	    "keepalive %d/%u", dco_ifname(t->persist->dco), t->dco_peer_id, s->neg.cipher, o->ping,
	    timeout);
	/* the module does not clamp MSS: say once when full-size packets will
	 * be fragmented outside; only a hint, so errors are not fatal */
	if (o->tun_mtu > 0)
		dco_mtu_warn("", o->tun_mtu, &t->remote, !tunnel_is_udp(t), s->neg.cipher,
			     &t->persist->dco_mtu_warned);
	return 0;
}


static int tunnel_dco_swap(struct tunnel *t)
{
	int kid = t->dco_slot_kid[DCO_SLOT_PRIMARY];
	int ret = dco_swap_keys(t->persist->dco, t->dco_peer_id);

	if (ret < 0) {
		msg(M_ERR, "DCO: cannot swap keys: %s", strerror(-ret));
		tunnel_end(t, TUNNEL_RESTART_SOFT, "dco-update-keys-error");
		return ret;
	}
	t->dco_slot_kid[DCO_SLOT_PRIMARY] = t->dco_slot_kid[DCO_SLOT_SECONDARY];
	t->dco_slot_kid[DCO_SLOT_SECONDARY] = kid;
	msg(D_NORMAL, "DCO: primary key is now key-id %d", t->dco_slot_kid[DCO_SLOT_PRIMARY]);
	return 0;
}

/* The renegotiated key takes over sending once the peer surely has it:
 * min(--hand-window, --reneg-sec / 2) after the renegotiation began, as
 * OpenVPN 2.6 does; until then it only decrypts from the secondary slot. */
static void tunnel_dco_swap_due(struct timer *tm)
{
	struct tunnel *t = container_of(tm, struct tunnel, dco_swap_timer);

	if (t->dco_peer && t->dco_slot_kid[DCO_SLOT_SECONDARY] == t->dco_newest_kid)
		tunnel_dco_swap(t);
}

static void tunnel_dco_arm_swap(struct tunnel *t, const struct key_state *ks)
{
	timer_arm(&t->loop, &t->dco_swap_timer,
		  dco_swap_delay_ms(t->o, ks->start_ms, event_now_ms()));
}

int tunnel_dco_keys_derived(struct ssl_session *s, const struct key_state *ks,
			    const struct key2 *k2)
{
	struct tunnel *t = s->owner;
	enum dco_key_slot slot = DCO_SLOT_PRIMARY;
	struct dco_key k;
	int ret;

	if (!t->dco || t->loop.stop)
		return 0;
	if (!t->dco_peer) {
		if (tunnel_dco_add_peer(t, s) < 0) {
			if (!t->loop.stop)
				tunnel_end(t, TUNNEL_RESTART_SOFT, "dco-fallback");
			return 0; /* the userspace keys may still serve until the restart */
		}
	}
	if (t->dco_slot_kid[DCO_SLOT_PRIMARY] >= 0 || t->dco_slot_kid[DCO_SLOT_SECONDARY] >= 0) {
		/* a renegotiation: sending keeps the primary until the swap */
		if (t->dco_slot_kid[DCO_SLOT_PRIMARY] < 0 && tunnel_dco_swap(t) < 0)
			return 0;
		slot = DCO_SLOT_SECONDARY;
	}
	memset(&k, 0, sizeof(k));
	ret = dco_key_fill(&k, s->neg.cipher, s->tls_server, s->neg.peer_id, ks->key_id, k2);
	k.slot = slot;
	if (ret == 0)
		ret = dco_new_key(t->persist->dco, &k);
	crypto_wipe(&k, sizeof(k));
	if (ret < 0) {
		msg(M_ERR, "DCO: cannot install key-id %u: %s", ks->key_id, strerror(-ret));
		tunnel_end(t, TUNNEL_RESTART_SOFT, "dco-key-error");
		return 0;
	}
	msg(D_NORMAL, "DCO: key-id %u installed in the %s slot", ks->key_id,
	    slot == DCO_SLOT_PRIMARY ? "primary" : "secondary");
	t->dco_slot_kid[slot] = ks->key_id;
	t->dco_newest_kid = ks->key_id;
	if (slot == DCO_SLOT_SECONDARY)
		tunnel_dco_arm_swap(t, ks);
	return 0;
}

void tunnel_dco_key_retired(struct ssl_session *s, const struct key_state *ks)
{
	struct tunnel *t = s->owner;
	int i;

	if (!t->dco_peer)
		return;
	for (i = DCO_SLOT_PRIMARY; i <= DCO_SLOT_SECONDARY; i++) {
		int ret;

		if (t->dco_slot_kid[i] != ks->key_id)
			continue;
		ret = dco_del_key(t->persist->dco, t->dco_peer_id, (enum dco_key_slot)i);
		if (ret < 0) {
			msg(M_ERR, "DCO: cannot delete key-id %u: %s", ks->key_id, strerror(-ret));
			tunnel_end(t, TUNNEL_RESTART_SOFT, "dco-update-keys-error");
			return;
		}
		msg(D_NORMAL, "DCO: key-id %u deleted", ks->key_id);
		t->dco_slot_kid[i] = -1;
	}
	/* sending must not stop while a newer key waits in the secondary slot */
	if (t->dco_slot_kid[DCO_SLOT_PRIMARY] < 0 && t->dco_slot_kid[DCO_SLOT_SECONDARY] >= 0)
		tunnel_dco_swap(t);
}

void tunnel_dco_log_stats(const struct tunnel *t)
{
	struct dco_peer_stats st;

	if (!t->dco_peer || dco_get_peer_stats(t->persist->dco, t->dco_peer_id, &st) < 0)
		return;
	msg(M_INFO, "DCO peer-id %u: VPN rx %llu bytes/%u packets, tx %llu bytes/%u packets; "
	    "link rx %llu bytes, tx %llu bytes", st.peer_id,
	    (unsigned long long)st.vpn_rx_bytes, st.vpn_rx_packets,
	    (unsigned long long)st.vpn_tx_bytes, st.vpn_tx_packets,
	    (unsigned long long)st.link_rx_bytes, (unsigned long long)st.link_tx_bytes);
}

/* Before the socket closes: the peer leaves the kernel (the interface itself
 * goes in tunnel_release_tun, or stays with --persist-tun). */
void tunnel_dco_teardown(struct tunnel *t)
{
	if (!t->dco)
		return;
	timer_cancel(&t->loop, &t->dco_swap_timer);
	if (t->dco_peer) {
		tunnel_dco_log_stats(t);
		dco_del_peer(t->persist->dco, t->dco_peer_id);
		t->dco_peer = false;
	}
	event_del(&t->loop, dco_notify_fd(t->persist->dco));
}

void tunnel_dco_init(struct tunnel *t)
{
	timer_init(&t->dco_swap_timer, tunnel_dco_swap_due);
	t->dco_h.cb = tunnel_dco_readable;
}
