/*
 * Per-peer TLS session state machine.
 *
 * Control flow for one key state (key-id):
 *   our reset queued (PRE_START) -> our reset ACKed (START) -> TLS handshake
 *   through CONTROL_V1 packets -> key method 2 both ways -> P2P negotiation
 *   -> data keys (ACTIVE).
 * Renegotiation moves the primary key state to the lame-duck slot and runs
 * the same sequence with the next key-id, started by a SOFT_RESET.
 */
#include "ssl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "event.h"
#include "log.h"
#include "management.h"
#include "ssl_openssl.h"

/* 2.6's provisional P2P peer-id ("vpn") when it is not exported. */
#define SSL_P2P_PEER_ID_DEFAULT 0x76706Eu

static struct ratelimit rl_ctrl = RATELIMIT_INIT(10000, 10);

static const char *sid_str(const uint8_t *sid, char *buf, size_t len)
{
	snprintf(buf, len, "%02x%02x%02x%02x %02x%02x%02x%02x", sid[0], sid[1], sid[2],
		 sid[3], sid[4], sid[5], sid[6], sid[7]);
	return buf;
}

static uint64_t secs_ms(int s)
{
	return (uint64_t)(s > 0 ? s : 0) * 1000;
}

/* ---- key states ---------------------------------------------------------- */

static void ks_free(struct key_state *ks)
{
	if (ks->tls)
		ssl_conn_free(ks->tls);
	if (ks->keys_installed)
		crypto_key_pair_free(&ks->keys);
	crypto_wipe(ks, sizeof(*ks));
	ks->state = KS_UNDEF;
}

static int ks_init(struct ssl_session *s, struct key_state *ks, uint8_t key_id)
{
	int ret;

	memset(ks, 0, sizeof(*ks));
	ks->key_id = key_id;
	ks->start_ms = event_now_ms();
	ret = reliable_init(&ks->rel, 0, 0, (uint32_t)secs_ms(s->o->tls_timeout));
	if (ret == 0)
		ret = ssl_conn_new(s->tls_ctx, &ks->tls);
	if (ret < 0) {
		msg(M_ERR, "TLS: cannot create a TLS session: %s", strerror(-ret));
		ks->state = KS_ERROR;
		return ret;
	}
	ks->state = KS_PRE_START;
	return 0;
}

static struct key_state *ks_by_id(struct ssl_session *s, uint8_t key_id)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (s->ks[i].state != KS_UNDEF && s->ks[i].key_id == key_id)
			return &s->ks[i];
	}
	return NULL;
}

/* ---- sending control packets ------------------------------------------- */

/* Build, wrap and hand out one control packet with as many ACKs as fit. */
static void ssl_send_packet(struct ssl_session *s, struct key_state *ks, uint8_t opcode,
			    const struct reliable_msg *m)
{
	struct reliable_pkt hdr = { .opcode = opcode, .key_id = ks->key_id };
	struct buf b;
	size_t max_acks = opcode == P_ACK_V1 ? RELIABLE_MAX_ACKS : RELIABLE_MAX_ACKS_PIGGYBACK;

	buf_init(&b, s->txmem, sizeof(s->txmem), BUF_HEADROOM + TLS_WRAP_MAX_OVERHEAD);
	if (m && !buf_write(&b, m->data, m->len))
		return;
	memcpy(hdr.sid, s->sid, sizeof(hdr.sid));
	if (s->peer_sid_known) {
		hdr.n_acks = (uint8_t)reliable_acks_take(&ks->rel, hdr.acks, max_acks);
		memcpy(hdr.remote_sid, s->peer_sid, sizeof(hdr.remote_sid));
	}
	if (opcode == P_ACK_V1 && hdr.n_acks == 0)
		return;
	hdr.has_msg_id = opcode != P_ACK_V1;
	hdr.msg_id = m ? m->msg_id : 0;
	if (reliable_pkt_build(&b, &hdr) < 0 || tls_wrap_encode(&s->wrap, &b, time(NULL)) < 0) {
		msg(M_WARN, "TLS: cannot build a control packet");
		return;
	}
	s->cb.send_control(s, &b);
}

/* tls-crypt-v2 client asked to resend WKc: our message 1 carries it. */
static bool wants_wkc(const struct key_state *ks)
{
	return ks->resend_wkc && ks->key_id == 0 && ks->rel.next_send_id == 1;
}

/* Move TLS output into CONTROL_V1 messages while the send window has room. */
static int ssl_pull_tls_output(struct ssl_session *s, struct key_state *ks)
{
	uint8_t chunk[RELIABLE_PAYLOAD_MAX];
	size_t n, room;
	uint8_t op;

	if (ks->state < KS_START || ks->state == KS_ERROR)
		return 0;
	while (reliable_send_room(&ks->rel) > 0 && ssl_conn_pending(ks->tls) > 0) {
		op = P_CONTROL_V1;
		room = s->max_payload;
		if (wants_wkc(ks)) {
			size_t wkc = tls_wrap_v2_wkc_len(&s->wrap);

			/* WKc goes behind this one: keep the packet within budget,
			 * as long as that leaves room for some TLS bytes */
			op = P_CONTROL_WKC_V1;
			if (room > wkc + 64)
				room -= wkc;
		}
		n = ssl_conn_pull(ks->tls, chunk, room);
		if (n == 0)
			break;
		reliable_send_enqueue(&ks->rel, op, chunk, n, NULL);
	}
	return 0;
}

static void ssl_flush_ks(struct ssl_session *s, struct key_state *ks)
{
	const struct reliable_msg *m;
	uint64_t now = event_now_ms();

	if (ks->state == KS_UNDEF || ks->state == KS_ERROR)
		return;
	if (ssl_pull_tls_output(s, ks) < 0) {
		ks->state = KS_ERROR;
		return;
	}
	/* with nothing to say yet, an empty CONTROL_WKC_V1 replaces the ACK_V1 */
	if (wants_wkc(ks) && reliable_ack_pending(&ks->rel))
		reliable_send_enqueue(&ks->rel, P_CONTROL_WKC_V1, NULL, 0, NULL);
	while ((m = reliable_next_to_send(&ks->rel, now)) != NULL)
		ssl_send_packet(s, ks, m->opcode, m);
	/* one ACK_V1 carries at most 8: send as many as it takes */
	while (s->peer_sid_known && reliable_ack_pending(&ks->rel))
		ssl_send_packet(s, ks, P_ACK_V1, NULL);
}

static void ssl_flush(struct ssl_session *s)
{
	ssl_flush_ks(s, &s->ks[SSL_KS_PRIMARY]);
	ssl_flush_ks(s, &s->ks[SSL_KS_LAME_DUCK]);
}

static uint8_t reset_opcode(const struct ssl_session *s)
{
	if (s->tls_server)
		return P_CONTROL_HARD_RESET_SERVER_V2;
	return s->wrap.mode == TLS_WRAP_CRYPT_V2 ? P_CONTROL_HARD_RESET_CLIENT_V3
						 : P_CONTROL_HARD_RESET_CLIENT_V2;
}

/* The hard reset this side expects from its peer. */
static bool is_peer_reset(const struct ssl_session *s, uint8_t opcode)
{
	if (s->tls_server)
		return opcode == P_CONTROL_HARD_RESET_CLIENT_V2 ||
		       opcode == P_CONTROL_HARD_RESET_CLIENT_V3;
	return opcode == P_CONTROL_HARD_RESET_SERVER_V2;
}

/* ---- key method 2 and negotiation ---------------------------------------- */

static int ssl_send_keymethod(struct ssl_session *s, struct key_state *ks)
{
	uint8_t mem[KEYMETHOD_MSG_MAX];
	struct buf b;
	struct keymethod_msg *m = &ks->local_km;
	int ret;

	m->from_client = !s->tls_server;
	if (crypto_rand_bytes(m->pre_master, sizeof(m->pre_master)) < 0 ||
	    crypto_rand_bytes(m->random1, sizeof(m->random1)) < 0 ||
	    crypto_rand_bytes(m->random2, sizeof(m->random2)) < 0)
		return -EIO;
	m->options = s->options_string;
	/* a client sends its --auth-user-pass credentials, if any */
	if (!s->tls_server && s->creds) {
		ret = ssl_creds_load(s->creds, s->o);
		if (ret < 0)
			return ret;
		m->username = s->creds->loaded ? s->creds->user : NULL;
		m->password = s->creds->loaded ? s->creds->pass : NULL;
	}
	m->peer_info = s->mp_server ? NULL : s->peer_info;
	buf_init(&b, mem, sizeof(mem), 0);
	ret = keymethod_build(m, &b);
	if (ret == 0)
		ret = ssl_conn_write(ks->tls, buf_data(&b), buf_len(&b));
	crypto_wipe(mem, sizeof(mem));
	m->username = m->password = NULL;
	if (!s->tls_server && s->creds && s->o->auth_nocache)
		ssl_creds_wipe(s->creds);
	if (ret == 0)
		ks->km_sent = true;
	return ret;
}

bool ssl_cipher_in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while (p && *p) {
		const char *end = strchr(p, ':');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (*p == '?') {
			p++;
			len--;
		}
		if (len == n && strncasecmp(p, name, n) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

/* First cipher of the TLS server's list that the TLS client also has. */
static bool ssl_pick_cipher(const char *server_list, const char *client_list, char *out,
			    size_t len)
{
	const char *p = server_list;

	while (p && *p) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char name[64];

		if (*p == '?') {
			p++;
			n--;
		}
		if (n > 0 && n < sizeof(name)) {
			memcpy(name, p, n);
			name[n] = '\0';
			if (ssl_cipher_in_list(client_list, name)) {
				snprintf(out, len, "%s", name);
				return true;
			}
		}
		p = end ? end + 1 : NULL;
	}
	return false;
}

/*
 * P2P negotiation: each side decides from both peer-infos alone. A feature
 * is used only when both announced it, so both ends reach the same result.
 */
static int ssl_negotiate_p2p(struct ssl_session *s, struct key_state *ks)
{
	const struct keymethod_peer_info *pi = &ks->peer_info;
	unsigned int both = pi->iv_proto & KEYMETHOD_IV_PROTO_P2P;
	const char *ours = s->o->data_ciphers;
	const char *theirs = pi->has_ciphers ? pi->ciphers : "";
	struct ssl_negotiated *n = &s->neg;

	if (!(pi->iv_proto & IV_PROTO_NCP_P2P))
		both = 0;
	n->data_v2 = both & IV_PROTO_DATA_V2;
	n->tls_export = both & IV_PROTO_TLS_KEY_EXPORT;
	n->peer_id = SSL_P2P_PEER_ID_DEFAULT;
	if (n->tls_export && n->data_v2) {
		uint8_t id[3];

		if (ssl_conn_export(ks->tls, SSL_EXPORT_P2P_PEERID, id, sizeof(id)) < 0)
			return -EIO;
		n->peer_id = ((uint32_t)id[0] << 16) | ((uint32_t)id[1] << 8) | id[2];
	}
	if (!ssl_pick_cipher(s->tls_server ? ours : theirs, s->tls_server ? theirs : ours,
			     n->cipher, sizeof(n->cipher))) {
		/* in P2P mode an explicit --cipher doubles as the fallback, as 2.6 */
		const char *fallback = s->o->data_ciphers_fallback ? s->o->data_ciphers_fallback :
				       s->o->cipher_set ? s->o->cipher : NULL;

		if (!fallback) {
			msg(M_ERR, "ERROR: failed to negotiate cipher with peer and "
			    "--data-ciphers-fallback not enabled. No usable data channel cipher");
			return -ENOPROTOOPT;
		}
		snprintf(n->cipher, sizeof(n->cipher), "%s", fallback);
		msg(D_NORMAL, "P2P mode NCP negotiation result: TLS_export=%d, DATA_v2=%d, "
		    "peer-id %u, cipher=(not negotiated, fallback-cipher: %s)",
		    n->tls_export, n->data_v2, n->peer_id, n->cipher);
		return 0;
	}
	msg(D_NORMAL, "P2P mode NCP negotiation result: TLS_export=%d, DATA_v2=%d, peer-id %u, "
	    "cipher=%s", n->tls_export, n->data_v2, n->peer_id, n->cipher);
	return 0;
}

/* The cipher a pre-NCP client names in its options string (",cipher X"). */
static void occ_cipher(const char *options, char *out, size_t len)
{
	const char *p = options ? strstr(options, ",cipher ") : NULL;
	size_t n;

	out[0] = '\0';
	if (!p)
		return;
	p += 8;
	n = strcspn(p, ",");
	if (n < len) {
		memcpy(out, p, n);
		out[n] = '\0';
	}
}

/*
 * Server mode: the server alone decides, from the client's peer-info, and
 * tells the client in its PUSH_REPLY (cipher, peer-id, key derivation).
 * The peer-id was set by the owner before the session started.
 */
static int ssl_negotiate_server(struct ssl_session *s, struct key_state *ks,
				const char *peer_options)
{
	const struct keymethod_peer_info *pi = &ks->peer_info;
	struct ssl_negotiated *n = &s->neg;
	char occ[64];
	const char *theirs;

	n->data_v2 = pi->iv_proto & IV_PROTO_DATA_V2;
	n->tls_export = pi->iv_proto & IV_PROTO_TLS_KEY_EXPORT;
	occ_cipher(peer_options, occ, sizeof(occ));
	n->occ_comp_lzo = peer_options && comp_occ_has_comp_lzo(peer_options);
	if (pi->has_ciphers)
		theirs = pi->ciphers;
	else if (pi->ncp >= 2)
		theirs = "AES-256-GCM:AES-128-GCM";
	else
		theirs = occ;
	if (ssl_pick_cipher(s->o->data_ciphers, theirs, n->cipher, sizeof(n->cipher)))
		return 0;
	if (!pi->has_ciphers && pi->ncp < 2 && s->o->data_ciphers_fallback) {
		snprintf(n->cipher, sizeof(n->cipher), "%s", s->o->data_ciphers_fallback);
		return 0;
	}
	msg(M_WARN, "%s: no data channel cipher in common (client: %s, server --data-ciphers: %s)",
	    s->peer_name, theirs[0] ? theirs : "[none]", s->o->data_ciphers);
	s->neg_error = "Data channel cipher negotiation failed (no shared cipher)";
	return -ENOPROTOOPT;
}

static void copy_credential(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

int ssl_creds_load(struct ssl_creds *c, const struct options *o)
{
	int ret;

	if (c->loaded || !option_file_set(&o->auth_user_pass))
		return 0;
	ret = keymethod_read_credentials(&o->auth_user_pass, c->user, sizeof(c->user),
					 c->pass, sizeof(c->pass));
	if (ret < 0) {
		ssl_creds_wipe(c);
		return ret;
	}
	c->loaded = true;
	return 0;
}

void ssl_creds_wipe(struct ssl_creds *c)
{
	crypto_wipe(c, sizeof(*c));
}

void ssl_wipe_peer_credentials(struct ssl_session *s)
{
	crypto_wipe(s->peer_pass, sizeof(s->peer_pass));
}

static int ssl_derive_key2(struct ssl_session *s, struct key_state *ks, struct key2 *k2)
{
	const struct keymethod_msg *own = &ks->local_km;
	const uint8_t *c_sid = s->tls_server ? s->peer_sid : s->sid;
	const uint8_t *s_sid = s->tls_server ? s->sid : s->peer_sid;

	if (s->neg.tls_export)
		return ssl_conn_export(ks->tls, SSL_EXPORT_DATAKEYS, (uint8_t *)k2, sizeof(*k2));
	if (s->tls_server)
		return crypto_derive_key2_prf(ks->peer_pre_master, ks->peer_rand1,
					      ks->peer_rand2, own->random1, own->random2,
					      c_sid, s_sid, k2);
	return crypto_derive_key2_prf(own->pre_master, own->random1, own->random2,
				      ks->peer_rand1, ks->peer_rand2, c_sid, s_sid, k2);
}

static int ssl_install_keys(struct ssl_session *s, struct key_state *ks)
{
	struct crypto_key_params p = {
		.cipher = s->neg.cipher,
		.auth = s->o->auth,
		.role = s->tls_server ? CRYPTO_ROLE_SERVER : CRYPTO_ROLE_CLIENT,
		.key_id = ks->key_id,
		.replay_window = (uint32_t)s->o->replay_window,
		.replay_time = (uint32_t)s->o->replay_time,
	};
	struct key2 k2;
	int ret;

	ret = ssl_derive_key2(s, ks, &k2);
	if (ret == 0 && s->cb.keys_derived)
		ret = s->cb.keys_derived(s, ks, &k2);
	if (ret == 0)
		ret = crypto_key_pair_init(&ks->keys, &p, &k2);
	crypto_wipe(&k2, sizeof(k2));
	if (ret < 0) {
		msg(M_ERR, "TLS: cannot set up data channel keys for key-id %u: %s", ks->key_id,
		    strerror(-ret));
		return ret;
	}
	ks->keys_installed = true;
	ks->active_ms = event_now_ms();
	ks->state = KS_ACTIVE;
	msg(D_OPTIONS, "Data Channel: cipher '%s' initialized for key-id %u", s->neg.cipher,
	    ks->key_id);
	return 0;
}

static int ssl_handle_keymethod(struct ssl_session *s, struct key_state *ks,
				const uint8_t *data, size_t len)
{
	struct keymethod_msg m;
	char err[160];
	int ret;

	ret = keymethod_parse(data, len, s->tls_server, &m, err, sizeof(err));
	if (ret < 0) {
		msg(M_ERR, "TLS Error: bad key method message from %s: %s", s->peer_name, err);
		return ret;
	}
	memcpy(ks->peer_rand1, m.random1, sizeof(ks->peer_rand1));
	memcpy(ks->peer_rand2, m.random2, sizeof(ks->peer_rand2));
	if (s->tls_server)
		memcpy(ks->peer_pre_master, m.pre_master, sizeof(ks->peer_pre_master));
	if (m.peer_info) {
		keymethod_peer_info_log(m.peer_info);
		keymethod_peer_info_parse(m.peer_info, &ks->peer_info);
	}
	ks->km_received = true;
	if (s->mp_server && ks->key_id == 0) {
		copy_credential(s->peer_user, sizeof(s->peer_user), m.username);
		copy_credential(s->peer_pass, sizeof(s->peer_pass), m.password);
	}
	/* the TLS server answers only after the client's message */
	if (s->tls_server && !ks->km_sent) {
		ret = ssl_send_keymethod(s, ks);
		if (ret < 0)
			return ret;
	}
	if (s->pull && !s->pushed) {
		/* keys follow the PUSH_REPLY; ask for it if it does not come by itself */
		s->push_request_ms = event_now_ms() + 1000;
		management_state("GET_CONFIG", NULL);
		return 0;
	}
	/* Renegotiations keep the cipher and features negotiated first. */
	if (s->mp_server && ks->key_id == 0) {
		if (ssl_negotiate_server(s, ks, m.options) < 0) {
			/* active without data keys: the owner refuses the client */
			ks->state = KS_ACTIVE;
			ks->active_ms = event_now_ms();
			return 0;
		}
		return ssl_install_keys(s, ks);
	}
	if (!s->pull && (ks->key_id == 0 || !s->established)) {
		ret = ssl_negotiate_p2p(s, ks);
		if (ret < 0)
			return ret;
	}
	return ssl_install_keys(s, ks);
}

/* Text control messages: NUL-terminated, one or more per TLS record. */
static void ssl_split_control_messages(struct ssl_session *s, size_t n)
{
	char *p = (char *)s->rxmem;
	char *end = p + n;

	*end = '\0';
	while (p < end) {
		size_t len = strlen(p);
		char *next = p + len + 1;

		while (len > 0 && (p[len - 1] == '\n' || p[len - 1] == '\r'))
			p[--len] = '\0';
		if (len > 0) {
			/* never log a pushed auth-token: it is a credential */
			if (strstr(p, "auth-token"))
				msg(D_NORMAL, "%s: received control message: '%.10s...' (auth-token "
				    "not logged)", s->peer_name, p);
			else
				msg(D_NORMAL, "%s: received control message: '%s'", s->peer_name, p);
			if (s->cb.control_message)
				s->cb.control_message(s, p);
		}
		p = next;
	}
}

/* Drain TLS plaintext: the first record is the key method message. */
static int ssl_read_plaintext(struct ssl_session *s, struct key_state *ks)
{
	int n;

	for (;;) {
		n = ssl_conn_read(ks->tls, s->rxmem, sizeof(s->rxmem) - 1);
		if (n <= 0)
			return n;
		if (!ks->km_received) {
			int ret = ssl_handle_keymethod(s, ks, s->rxmem, (size_t)n);

			if (ret < 0)
				return ret;
			continue;
		}
		ssl_split_control_messages(s, (size_t)n);
	}
}

static void ssl_became_active(struct ssl_session *s, struct key_state *ks)
{
	char summary[256];

	if (ks != &s->ks[SSL_KS_PRIMARY] || s->established)
		return;
	s->established = true;
	ssl_conn_describe(ks->tls, summary, sizeof(summary));
	msg(M_INFO, "Control Channel: %s", summary);
	msg(M_INFO, "Peer Connection Initiated with %s", s->peer_name);
	s->cb.established(s);
}

/* Advance a key state after new input: handshake, key method, keys. */
static int ssl_progress(struct ssl_session *s, struct key_state *ks)
{
	int ret;

	if (ks->state == KS_PRE_START && reliable_send_is_acked(&ks->rel, 0))
		ks->state = KS_START;
	if (ks->state < KS_START || ks->state == KS_ERROR)
		return 0;
	ret = ssl_conn_process(ks->tls);
	if (ret < 0) {
		msg(M_ERR, "TLS Error: %s", ssl_conn_error(ks->tls));
		return ret;
	}
	if (ret == 0)
		return 0; /* handshake still running */
	if (!s->tls_server && !ks->km_sent) {
		ret = ssl_send_keymethod(s, ks);
		if (ret < 0)
			return ret;
	}
	ret = ssl_read_plaintext(s, ks);
	if (ret < 0)
		return ret;
	if (ks->state == KS_ACTIVE)
		ssl_became_active(s, ks);
	return 0;
}

static void ssl_ks_failed(struct ssl_session *s, struct key_state *ks, const char *why)
{
	msg(M_ERR, "TLS Error: %s (key-id %u, peer %s)", why, ks->key_id, s->peer_name);
	ks->state = KS_ERROR;
	if (ks == &s->ks[SSL_KS_PRIMARY] && !s->established)
		s->cb.failed(s, "tls-error");
}

/* ---- renegotiation ------------------------------------------------------- */

static uint8_t ssl_next_key_id(struct ssl_session *s)
{
	/* 1..7, wrapping to 1: key-id 0 belongs to the first key only */
	s->last_key_id = (uint8_t)(s->last_key_id % 7 + 1);
	return s->last_key_id;
}

/* Retire the primary key to the lame-duck slot and start key_id. */
static int ssl_start_soft_reset(struct ssl_session *s, uint8_t key_id)
{
	struct key_state *prim = &s->ks[SSL_KS_PRIMARY];
	struct key_state *lame = &s->ks[SSL_KS_LAME_DUCK];
	int ret;

	if (lame->keys_installed && s->cb.key_retired)
		s->cb.key_retired(s, lame);
	ks_free(lame);
	*lame = *prim;
	lame->expire_ms = event_now_ms() + secs_ms(s->o->tran_window);
	memset(prim, 0, sizeof(*prim));
	ret = ks_init(s, prim, key_id);
	if (ret < 0)
		return ret;
	return reliable_send_enqueue(&prim->rel, P_CONTROL_SOFT_RESET_V1, NULL, 0, NULL);
}

static void ssl_initiate_reneg(struct ssl_session *s, const char *why)
{
	struct key_state *prim = &s->ks[SSL_KS_PRIMARY];

	msg(D_NORMAL, "TLS: soft reset (%s) key-id %u", why, prim->key_id);
	if (ssl_start_soft_reset(s, ssl_next_key_id(s)) < 0)
		ssl_ks_failed(s, prim, "cannot start renegotiation");
}

static bool ssl_reneg_due(const struct ssl_session *s, uint64_t now, const char **why)
{
	const struct key_state *ks = &s->ks[SSL_KS_PRIMARY];
	const struct options *o = s->o;

	if (ks->state != KS_ACTIVE)
		return false;
	if (o->reneg_sec > 0 && now - ks->active_ms >= secs_ms(o->reneg_sec)) {
		*why = "reneg-sec";
		return true;
	}
	if (o->reneg_bytes > 0 && ks->bytes >= (uint64_t)o->reneg_bytes) {
		*why = "reneg-bytes";
		return true;
	}
	if (o->reneg_pkts > 0 && ks->packets >= (uint64_t)o->reneg_pkts) {
		*why = "reneg-pkts";
		return true;
	}
	if (crypto_key_wants_reneg(&ks->keys.enc)) {
		*why = "packet-id near wrap";
		return true;
	}
	return false;
}

/* ---- receiving control packets ------------------------------------------- */

static bool ssl_check_session(struct ssl_session *s, const struct reliable_pkt *p)
{
	char a[32];

	if (s->peer_sid_known) {
		if (memcmp(p->sid, s->peer_sid, sizeof(s->peer_sid)) == 0)
			return true;
		/* a new hard reset from the peer: it restarted */
		if (is_peer_reset(s, p->opcode) && s->established) {
			msg(M_INFO, "TLS: new session from %s (peer restarted), restarting",
			    s->peer_name);
			s->cb.failed(s, "peer-restarted");
			return false;
		}
		s->drop_sid++;
		return false;
	}
	if (!is_peer_reset(s, p->opcode) || p->key_id != 0) {
		s->drop_sid++;
		return false;
	}
	memcpy(s->peer_sid, p->sid, sizeof(s->peer_sid));
	s->peer_sid_known = true;
	msg(D_NORMAL, "TLS: Initial packet from %s, sid=%s", s->peer_name,
	    sid_str(p->sid, a, sizeof(a)));
	/* a client's (not each server peer's) state for the management port */
	if (!s->tls_server)
		management_state("AUTH", NULL);
	/* A TLS server that waited for its peer answers with its own reset;
	 * one that already sent it sends everything again at once, now
	 * carrying the ACK. */
	if (s->ks[SSL_KS_PRIMARY].rel.next_send_id == 0)
		reliable_send_enqueue(&s->ks[SSL_KS_PRIMARY].rel, reset_opcode(s), NULL, 0, NULL);
	reliable_send_all_now(&s->ks[SSL_KS_PRIMARY].rel);
	return true;
}

static struct key_state *ssl_ks_for_packet(struct ssl_session *s, const struct reliable_pkt *p)
{
	struct key_state *ks = ks_by_id(s, p->key_id);
	struct key_state *prim = &s->ks[SSL_KS_PRIMARY];

	if (ks)
		return ks;
	if (p->opcode == P_CONTROL_SOFT_RESET_V1 && prim->state == KS_ACTIVE) {
		msg(D_NORMAL, "TLS: soft reset from peer, key-id %u", p->key_id);
		s->last_key_id = p->key_id;
		if (ssl_start_soft_reset(s, p->key_id) < 0)
			return NULL;
		return prim;
	}
	s->drop_keyid++;
	return NULL;
}

static void ssl_take_acks(struct ssl_session *s, struct key_state *ks,
			  const struct reliable_pkt *p)
{
	unsigned int i;

	for (i = 0; i < p->n_acks; i++)
		reliable_ack_received(&ks->rel, p->acks[i]);
}

int ssl_parse_reset_tlvs(const uint8_t *p, size_t len, uint16_t *flags)
{
	size_t pos = 0;

	*flags = 0;
	while (pos < len) {
		uint16_t type, vlen;

		if (len - pos < 4)
			return -EBADMSG;
		type = (uint16_t)(p[pos] << 8 | p[pos + 1]);
		vlen = (uint16_t)(p[pos + 2] << 8 | p[pos + 3]);
		pos += 4;
		if (len - pos < vlen)
			return -EBADMSG;
		if (type == SSL_TLV_EARLY_NEG_FLAGS) {
			if (vlen != 2)
				return -EBADMSG;
			*flags = (uint16_t)(p[pos] << 8 | p[pos + 1]);
		}
		pos += vlen;
	}
	return 0;
}

/* The server's reset may ask a tls-crypt-v2 client to send WKc again. */
static int ssl_early_negotiation(struct ssl_session *s, struct key_state *ks,
				 const struct reliable_msg *m)
{
	uint16_t flags;

	if (ssl_parse_reset_tlvs(m->data, m->len, &flags) < 0) {
		msg(M_ERR, "TLS Error: malformed early negotiation data in the reset from %s",
		    s->peer_name);
		return -EBADMSG;
	}
	if ((flags & SSL_EARLY_NEG_RESEND_WKC) && s->wrap.mode == TLS_WRAP_CRYPT_V2)
		ks->resend_wkc = true;
	return 0;
}

/* Feed in-order messages: CONTROL_V1 payloads are TLS bytes. */
static int ssl_deliver(struct ssl_session *s, struct key_state *ks)
{
	const struct reliable_msg *m;
	int ret = 0;

	while (ret == 0 && (m = reliable_recv_peek(&ks->rel)) != NULL) {
		if ((m->opcode == P_CONTROL_V1 || m->opcode == P_CONTROL_WKC_V1) && m->len > 0)
			ret = ssl_conn_feed(ks->tls, m->data, m->len);
		else if (m->opcode == P_CONTROL_HARD_RESET_SERVER_V2 && !s->tls_server)
			ret = ssl_early_negotiation(s, ks, m);
		reliable_recv_pop(&ks->rel);
	}
	return ret;
}

bool ssl_recv_control(struct ssl_session *s, struct buf *b)
{
	enum packet_id_verdict v;
	struct reliable_pkt p;
	struct key_state *ks;

	if (tls_wrap_decode(&s->wrap, b, time(NULL), &v) != TLS_WRAP_OK) {
		s->drop_wrap++;
		msg_ratelimited(&rl_ctrl, M_WARN, "TLS Error: control packet authentication "
				"failed from %s (tls-auth/tls-crypt key or replay)", s->peer_name);
		return false;
	}
	if (reliable_pkt_parse(&p, buf_data(b), buf_len(b)) < 0) {
		s->drop_parse++;
		msg_ratelimited(&rl_ctrl, M_WARN, "TLS Error: malformed control packet from %s",
				s->peer_name);
		return false;
	}
	if (!ssl_check_session(s, &p))
		return false;
	if (p.n_acks && memcmp(p.remote_sid, s->sid, sizeof(s->sid)) != 0) {
		s->drop_sid++;
		return false;
	}
	ks = ssl_ks_for_packet(s, &p);
	if (!ks || ks->state == KS_ERROR)
		return ks != NULL;
	ssl_take_acks(s, ks, &p);
	if (p.has_msg_id)
		reliable_recv(&ks->rel, p.opcode, p.msg_id, p.payload, p.payload_len);
	if (ssl_deliver(s, ks) < 0 || ssl_progress(s, ks) < 0)
		ssl_ks_failed(s, ks, "TLS handshake failed");
	ssl_flush(s);
	return true;
}

/* ---- timers ---------------------------------------------------------------- */

static int64_t min_timeout(int64_t a, int64_t b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

static int64_t ssl_ks_timers(struct ssl_session *s, struct key_state *ks, uint64_t now)
{
	uint64_t deadline;

	if (ks->state == KS_UNDEF)
		return -1;
	if (ks == &s->ks[SSL_KS_LAME_DUCK]) {
		if (now >= ks->expire_ms) {
			msg(D_NORMAL, "TLS: key-id %u expired (--tran-window)", ks->key_id);
			if (ks->keys_installed && s->cb.key_retired)
				s->cb.key_retired(s, ks);
			ks_free(ks);
			/* no newer key took over: the tunnel cannot carry data any more */
			if (s->ks[SSL_KS_PRIMARY].state != KS_ACTIVE)
				s->cb.failed(s, "tls-error");
			return -1;
		}
		return min_timeout((int64_t)(ks->expire_ms - now),
				   reliable_next_timeout(&ks->rel, now));
	}
	if (ks->state == KS_ACTIVE || ks->state == KS_ERROR)
		return reliable_next_timeout(&ks->rel, now);
	deadline = ks->start_ms + secs_ms(s->o->hand_window);
	if (now >= deadline) {
		char why[96];

		snprintf(why, sizeof(why), "TLS key negotiation failed to occur within %d seconds "
			 "(check your network connectivity)", s->o->hand_window);
		ssl_ks_failed(s, ks, why);
		return -1;
	}
	return min_timeout((int64_t)(deadline - now), reliable_next_timeout(&ks->rel, now));
}

int64_t ssl_timeout(struct ssl_session *s)
{
	uint64_t now = event_now_ms();
	const char *why;
	int64_t t;

	if (ssl_reneg_due(s, now, &why))
		ssl_initiate_reneg(s, why);
	if (s->push_request_ms && now >= s->push_request_ms) {
		/* 2.6 asks again every 5 s until the reply comes (or hand-window) */
		s->push_request_ms = now + 5000;
		ssl_send_control_message(s, "PUSH_REQUEST");
	}
	/* a progressing handshake may have output waiting */
	if (s->ks[SSL_KS_PRIMARY].state == KS_PRE_START || s->ks[SSL_KS_PRIMARY].state == KS_START)
		if (ssl_progress(s, &s->ks[SSL_KS_PRIMARY]) < 0)
			ssl_ks_failed(s, &s->ks[SSL_KS_PRIMARY], "TLS handshake failed");
	ssl_flush(s);
	t = ssl_ks_timers(s, &s->ks[SSL_KS_PRIMARY], now);
	if (s->push_request_ms)
		t = min_timeout(t, s->push_request_ms > now ? (int64_t)(s->push_request_ms - now) : 0);
	t = min_timeout(t, ssl_ks_timers(s, &s->ks[SSL_KS_LAME_DUCK], now));
	if (s->ks[SSL_KS_PRIMARY].state == KS_ACTIVE && s->o->reneg_sec > 0) {
		uint64_t at = s->ks[SSL_KS_PRIMARY].active_ms + secs_ms(s->o->reneg_sec);

		t = min_timeout(t, at > now ? (int64_t)(at - now) : 0);
	}
	return t;
}

/* ---- data channel ---------------------------------------------------------- */

static struct key_state *ssl_send_key(struct ssl_session *s)
{
	if (s->ks[SSL_KS_PRIMARY].keys_installed)
		return &s->ks[SSL_KS_PRIMARY];
	if (s->ks[SSL_KS_LAME_DUCK].keys_installed)
		return &s->ks[SSL_KS_LAME_DUCK];
	return NULL;
}

bool ssl_can_send_data(const struct ssl_session *s)
{
	return s->ks[SSL_KS_PRIMARY].keys_installed || s->ks[SSL_KS_LAME_DUCK].keys_installed;
}

int ssl_encrypt(struct ssl_session *s, struct buf *b)
{
	struct key_state *ks = ssl_send_key(s);
	size_t len = buf_len(b);
	int ret;

	if (!ks)
		return -ENOKEY;
	ret = crypto_encrypt(&ks->keys.enc, b, s->neg.data_v2 ? (int32_t)s->neg.peer_id : -1);
	if (ret == 0) {
		ks->bytes += len;
		ks->packets++;
	}
	return ret;
}

enum crypto_verdict ssl_decrypt(struct ssl_session *s, struct buf *b)
{
	struct key_state *ks;
	enum packet_id_verdict pid;
	enum crypto_verdict v;

	if (buf_len(b) < 1)
		return CRYPTO_SHORT;
	ks = ks_by_id(s, buf_data(b)[0] & P_KEY_ID_MASK);
	if (!ks || !ks->keys_installed) {
		s->drop_keyid++;
		return CRYPTO_BAD_HEADER;
	}
	v = crypto_decrypt(&ks->keys.dec, b, time(NULL), &pid);
	if (v == CRYPTO_OK) {
		ks->bytes += buf_len(b);
		ks->packets++;
	} else {
		s->drop_data++;
	}
	return v;
}

/* ---- setup ------------------------------------------------------------------ */

static void ssl_build_strings(struct ssl_session *s)
{
	struct keymethod_peer_info_cfg pic;
	struct utsname uts;
	char ssl_ver[128], *p;

	keymethod_options_string(s->o, s->options_string, sizeof(s->options_string));
	keymethod_peer_info_defaults(s->o, &pic);
	if (s->o->push_peer_info) {
		snprintf(ssl_ver, sizeof(ssl_ver), "%s", ssl_library_version());
		for (p = ssl_ver; *p; p++)
			if (*p == ' ')
				*p = '_';
		pic.ssl_version = ssl_ver;
		if (uname(&uts) == 0)
			pic.plat_version = uts.release;
	}
	keymethod_peer_info_build(&pic, s->peer_info, sizeof(s->peer_info));
}

int ssl_session_init(struct ssl_session *s, const struct options *o, struct ssl_ctx *ctx,
		     const struct tls_wrap_config *wrap_cfg, const struct ssl_callbacks *cb,
		     void *owner)
{
	int ret;

	memset(s, 0, sizeof(*s));
	s->o = o;
	s->tls_ctx = ctx;
	s->cb = *cb;
	s->owner = owner;
	s->peer_name = "[undef]";
	s->tls_server = o->tls_server;
	s->pull = o->pull || o->client;
	s->mp_server = o->mode_server;
	ret = crypto_rand_bytes(s->sid, sizeof(s->sid));
	if (ret == 0)
		ret = tls_wrap_init(&s->wrap, wrap_cfg);
	if (ret < 0) {
		msg(M_ERR, "TLS: session setup failed: %s", strerror(-ret));
		return ret;
	}
	/* Budget for the worst case of 4 piggybacked ACKs over IPv6. */
	s->max_payload = tls_wrap_max_payload(&s->wrap, (size_t)o->max_packet_size, 4, true);
	ssl_build_strings(s);
	return ks_init(s, &s->ks[SSL_KS_PRIMARY], 0);
}

void ssl_session_start(struct ssl_session *s, bool send_reset)
{
	struct key_state *ks = &s->ks[SSL_KS_PRIMARY];

	/* a tls-crypt-v2 server has no key to wrap with before the client's */
	if (s->tls_server && s->wrap.mode == TLS_WRAP_CRYPT_V2)
		send_reset = false;
	if (send_reset || !s->tls_server)
		reliable_send_enqueue(&ks->rel, reset_opcode(s), NULL, 0, NULL);
	ssl_flush(s);
}

int ssl_session_resume(struct ssl_session *s, const uint8_t cookie[RELIABLE_SID_LEN],
		       const uint8_t peer_sid[RELIABLE_SID_LEN], uint8_t peer_reset_opcode,
		       const struct packet_id_send *wrap_pid)
{
	struct key_state *ks = &s->ks[SSL_KS_PRIMARY];
	const struct reliable_msg *m;
	uint32_t acked[RELIABLE_ACK_QUEUE];

	if (!s->tls_server || ks->rel.next_send_id != 0 || s->peer_sid_known)
		return -EINVAL;
	memcpy(s->sid, cookie, RELIABLE_SID_LEN);
	memcpy(s->peer_sid, peer_sid, RELIABLE_SID_LEN);
	s->peer_sid_known = true;
	/* our reset went out as message 0 and the client has acknowledged it */
	reliable_send_enqueue(&ks->rel, reset_opcode(s), NULL, 0, NULL);
	m = reliable_next_to_send(&ks->rel, event_now_ms());
	if (!m || reliable_ack_received(&ks->rel, 0) < 0)
		return -EPROTO;
	/* the client's reset was message 0; the stateless answer acked it */
	reliable_recv(&ks->rel, peer_reset_opcode, 0, NULL, 0);
	ssl_deliver(s, ks);
	reliable_acks_take(&ks->rel, acked, RELIABLE_ACK_QUEUE);
	ks->state = KS_START;
	/* go on with the answer's wrap packet ids, so the client's replay
	 * window sees them rise */
	if (wrap_pid)
		s->wrap.pid_send = *wrap_pid;
	return 0;
}

void ssl_session_free(struct ssl_session *s)
{
	ssl_wipe_peer_credentials(s);
	ks_free(&s->ks[SSL_KS_PRIMARY]);
	ks_free(&s->ks[SSL_KS_LAME_DUCK]);
	tls_wrap_free(&s->wrap);
	crypto_wipe(s->sid, sizeof(s->sid));
}

int ssl_send_control_message(struct ssl_session *s, const char *text)
{
	struct key_state *ks = &s->ks[SSL_KS_PRIMARY];
	int ret;

	if (!ks->tls || ks->state == KS_ERROR)
		return -ENOTCONN;
	ret = ssl_conn_write(ks->tls, (const uint8_t *)text, strlen(text) + 1);
	if (ret == 0) {
		ssl_conn_process(ks->tls);
		ssl_flush(s);
	}
	return ret;
}

int ssl_client_set_negotiated(struct ssl_session *s, const char *cipher, int32_t peer_id,
			      bool tls_ekm)
{
	struct key_state *ks = &s->ks[SSL_KS_PRIMARY];
	int ret;

	snprintf(s->neg.cipher, sizeof(s->neg.cipher), "%s", cipher);
	s->neg.data_v2 = peer_id >= 0;
	s->neg.peer_id = peer_id >= 0 ? (uint32_t)peer_id : 0;
	s->neg.tls_export = tls_ekm;
	s->pushed = true;
	s->push_request_ms = 0;
	if (!ks->km_received || ks->keys_installed)
		return 0;
	ret = ssl_install_keys(s, ks);
	if (ret < 0) {
		ssl_ks_failed(s, ks, "cannot install the pushed data channel keys");
		return ret;
	}
	ssl_became_active(s, ks);
	return 0;
}

static int ssl_wrap_config_v2(const struct options *o, struct tls_wrap_config *cfg,
			      struct tls_wrap_keys *keys)
{
	const struct option_file *f = &o->tls_crypt_v2;
	char err[KEYFILE_ERR_LEN];
	int ret;

	cfg->mode = TLS_WRAP_CRYPT_V2;
	if (o->tls_server) {
		ret = tls_crypt_v2_load_server_key(&keys->v2_server, f->name, f->is_inline, err,
						   sizeof(err));
		cfg->v2_server = &keys->v2_server;
	} else {
		ret = tls_crypt_v2_load_client_key(&keys->v2_client, f->name, f->is_inline, err,
						   sizeof(err));
		cfg->v2_client = &keys->v2_client;
	}
	if (ret < 0)
		msg(M_ERR, "--tls-crypt-v2: %s", err);
	return ret;
}

int ssl_wrap_config(const struct options *o, struct tls_wrap_config *cfg,
		    struct tls_wrap_keys *keys)
{
	const struct option_file *f = NULL;
	struct static_key *key = &keys->key;
	char err[KEYFILE_ERR_LEN];
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	cfg->mode = TLS_WRAP_NONE;
	cfg->tls_server = o->tls_server;
	cfg->digest = o->auth;
	cfg->replay_window = (uint32_t)o->replay_window;
	cfg->replay_time = (uint32_t)o->replay_time;
	if (option_file_set(&o->tls_crypt_v2))
		return ssl_wrap_config_v2(o, cfg, keys);
	if (option_file_set(&o->tls_crypt)) {
		f = &o->tls_crypt;
		cfg->mode = TLS_WRAP_CRYPT;
	} else if (option_file_set(&o->tls_auth)) {
		f = &o->tls_auth;
		cfg->mode = TLS_WRAP_AUTH;
		cfg->direction = o->tls_auth_dir < 0 ? KEY_DIR_BIDIRECTIONAL :
				 o->tls_auth_dir == 0 ? KEY_DIR_NORMAL : KEY_DIR_INVERSE;
	}
	if (!f)
		return 0;
	if (f->is_inline)
		ret = keyfile_parse(key, f->name, strlen(f->name), "[[INLINE]]", 1, err, sizeof(err));
	else
		ret = keyfile_read(key, f->name, err, sizeof(err));
	if (ret < 0) {
		msg(M_ERR, "%s", err);
		return ret;
	}
	cfg->key = key;
	return 0;
}
