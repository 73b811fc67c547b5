/*
 * Point-to-point instance: the glue to its TLS session (control packets out,
 * session established or failed, timers) and, in client mode, the control
 * messages from the server: PUSH_REPLY, AUTH_FAILED, RESTART, HALT.
 */
#include "datapath_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "keyfile.h"
#include "script.h"
#include "ssl.h"
#include "ssl_openssl.h"

static void tunnel_ssl_control(struct ssl_session *s, const char *m);

static void tunnel_ssl_send(struct ssl_session *s, struct buf *pkt)
{
	struct tunnel *t = s->owner;

	tunnel_send(t, pkt, 1);
}

void tunnel_mark_up(struct tunnel *t)
{
	if (t->up)
		return;
	t->up = true;
	/* a working connection resets the restart backoff */
	t->persist->restarts = 0;
	msg(M_INFO, "Initialization Sequence Completed");
	/* a client is connected once the pushed options are in place */
	if (!t->pull)
		tunnel_mgmt_state(t, "CONNECTED", "SUCCESS");
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
	tunnel_mss_update(t);
}

static void tunnel_ssl_failed(struct ssl_session *s, const char *reason)
{
	struct tunnel *t = s->owner;

	tunnel_end(t, TUNNEL_RESTART_SOFT, reason);
}

void tunnel_ssl_timer(struct timer *tm)
{
	struct tunnel *t = container_of(tm, struct tunnel, ssl_timer);

	tunnel_ssl_reschedule(t);
}

/* Run the session's timers and arm ours for the next one (at most 1 s
 * away, so byte and packet renegotiation limits are noticed). */
void tunnel_ssl_reschedule(struct tunnel *t)
{
	int64_t ms;

	if (!t->ssl || t->loop.stop)
		return;
	ms = ssl_timeout(t->ssl);
	if (ms < 0 || ms > 1000)
		ms = 1000;
	timer_arm(&t->loop, &t->ssl_timer, (uint64_t)ms);
}

int tunnel_ssl_open(struct tunnel *t)
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
	struct tls_wrap_keys *keys = calloc(1, sizeof(*keys));
	int ret;

	if (!keys)
		return -ENOMEM;
	ret = ssl_wrap_config(t->o, &wcfg, keys);
	if (ret == 0) {
		t->ssl = calloc(1, sizeof(*t->ssl));
		ret = t->ssl ? ssl_session_init(t->ssl, t->o, t->tls_ctx, &wcfg, &cb, t) : -ENOMEM;
	}
	tls_wrap_keys_wipe(keys);
	free(keys);
	if (ret < 0)
		return ret;
	if (t->o->tls_client) {
		/* read now: a missing file stops the start, as in 2.6 */
		ret = ssl_creds_load(&t->persist->creds, t->o);
		if (ret < 0)
			return ret;
		t->ssl->creds = &t->persist->creds;
	}
	t->ssl->peer_name = t->peer_name;
	return 0;
}

/* The transport can carry packets to the peer now: say hello. */
void tunnel_ssl_begin(struct tunnel *t, bool send_reset)
{
	if (!t->ssl)
		return;
	ssl_session_start(t->ssl, send_reset);
	if (send_reset)
		tunnel_mgmt_state(t, "WAIT", NULL);
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
	tunnel_mgmt_state(t, "ASSIGN_IP", NULL);
	if (tunnel_tun_attach(t) < 0) {
		tunnel_end(t, TUNNEL_FATAL, "tun-setup");
		return;
	}
	if (ssl_client_set_negotiated(t->ssl, cipher, o->push_peer_id,
				      o->key_derivation_ekm || o->protocol_flags_tls_ekm) < 0) {
		tunnel_end(t, TUNNEL_RESTART_SOFT, "tls-error");
		return;
	}
	/* pushed compression, peer-id or mssfix change the limit */
	tunnel_mss_update(t);
	tunnel_mgmt_state(t, "CONNECTED", "SUCCESS");
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
		/* --auth-retry nointeract: try again with the same credentials,
		 * or with the file read again under --auth-nocache */
		if (t->o->auth_retry == AUTH_RETRY_NOINTERACT)
			tunnel_end(t, TUNNEL_RESTART_SOFT, "auth-failure");
		else
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
