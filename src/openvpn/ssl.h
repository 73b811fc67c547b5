/*
 * The per-peer TLS session: control packets in and out, the three-way
 * handshake, key method 2, P2P negotiation, key slots (primary and lame
 * duck), renegotiation, and the data channel keys that result.
 *
 * The session never touches a socket. Control packets it wants to send go
 * through the send_control callback; the caller feeds received control
 * packets to ssl_recv_control() and drives time with ssl_timeout().
 */
#ifndef SSL_H
#define SSL_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "crypto.h"
#include "keyfile.h"
#include "options.h"
#include "reliable.h"
#include "ssl_keymethod.h"
#include "tls_wrap.h"

struct ssl_ctx;
struct ssl_conn;

enum ks_state {
	KS_UNDEF = 0,
	KS_PRE_START,   /* our reset queued, not yet acknowledged */
	KS_START,       /* our reset acknowledged: TLS may flow */
	KS_ACTIVE,      /* key method exchanged, data keys installed */
	KS_ERROR,
};

#define SSL_KS_PRIMARY 0
#define SSL_KS_LAME_DUCK 1

struct key_state {
	enum ks_state state;
	uint8_t key_id;
	struct reliable rel;
	struct ssl_conn *tls;
	bool km_sent, km_received;
	struct keymethod_msg local_km;      /* randoms kept for the PRF method */
	uint8_t peer_rand1[KEYMETHOD_RANDOM_LEN], peer_rand2[KEYMETHOD_RANDOM_LEN];
	uint8_t peer_pre_master[KEYMETHOD_PRE_MASTER_LEN];
	struct keymethod_peer_info peer_info;
	uint64_t start_ms;                  /* negotiation began (hand-window) */
	uint64_t active_ms;                 /* keys installed */
	uint64_t expire_ms;                 /* lame duck: end of --tran-window */
	bool keys_installed;
	struct crypto_key_pair keys;
	uint64_t bytes, packets;            /* data through this key (reneg-bytes/pkts) */
	bool resend_wkc;                    /* tls-crypt-v2 client: the server asked for
					     * WKc again on our message 1 */
};

/* What the P2P negotiation decided (logged like 2.6 does). */
struct ssl_negotiated {
	char cipher[64];
	bool data_v2;
	bool tls_export;
	uint32_t peer_id;
	bool occ_comp_lzo;       /* server: the client's OCC string has ",comp-lzo" */
};

struct ssl_session;

struct ssl_callbacks {
	/* Send one finished control packet (wrapped, ready for the wire). */
	void (*send_control)(struct ssl_session *s, struct buf *pkt);
	/* First key of the session is usable: the tunnel is up. */
	void (*established)(struct ssl_session *s);
	/* Negotiation failed in a way that needs a restart (hand-window, TLS
	 * error on the first key, peer restarted). */
	void (*failed)(struct ssl_session *s, const char *reason);
	/* A text control message (PUSH_REPLY, AUTH_FAILED, RESTART, ...). */
	void (*control_message)(struct ssl_session *s, const char *msg);
	/* Optional, for data channel offload: the data keys of ks were just
	 * derived (k2 is wiped afterwards). Nonzero fails the key. */
	int (*keys_derived)(struct ssl_session *s, const struct key_state *ks,
			    const struct key2 *k2);
	/* Optional: the installed keys of ks are dropped (lame duck expired or
	 * replaced by a newer renegotiation). */
	void (*key_retired)(struct ssl_session *s, const struct key_state *ks);
};

struct ssl_session {
	const struct options *o;
	struct ssl_ctx *tls_ctx;            /* shared, owned by the caller */
	struct ssl_callbacks cb;
	void *owner;
	const char *peer_name;              /* for log lines, e.g. "[AF_INET]1.2.3.4:1194" */
	bool tls_server;
	uint8_t sid[RELIABLE_SID_LEN];
	uint8_t peer_sid[RELIABLE_SID_LEN];
	bool peer_sid_known;
	bool established;
	bool mp_server;                     /* --mode server: the server negotiates
					     * per client and sends no peer-info */
	const char *neg_error;              /* server: why negotiation failed; the
					     * key is then active without data keys */
	char peer_user[256], peer_pass[256];/* server: from the client (wipe after use);
					     * client: --auth-user-pass, to send */
	bool pull;                          /* client mode: keys wait for PUSH_REPLY */
	bool pushed;                        /* PUSH_REPLY applied */
	uint64_t push_request_ms;           /* next PUSH_REQUEST, 0 = none due */
	struct tls_wrap_ctx wrap;
	struct key_state ks[2];
	uint8_t last_key_id;
	struct ssl_negotiated neg;
	char options_string[KEYMETHOD_OPTIONS_MAX];
	char peer_info[512];
	size_t max_payload;                 /* TLS bytes per CONTROL_V1 */
	uint8_t txmem[BUF_SIZE];
	uint8_t rxmem[KEYMETHOD_MSG_MAX + 1];
	uint64_t drop_wrap, drop_sid, drop_parse, drop_keyid, drop_data;
};

/*
 * Set up a session for one peer. wrap_cfg describes --tls-auth/--tls-crypt
 * (mode TLS_WRAP_NONE for neither). Returns 0 or -errno (logged).
 */
int ssl_session_init(struct ssl_session *s, const struct options *o, struct ssl_ctx *ctx,
		     const struct tls_wrap_config *wrap_cfg, const struct ssl_callbacks *cb,
		     void *owner);
void ssl_session_free(struct ssl_session *s);

/*
 * Server, stateless handshake (cookie.h): set up key-id 0 as it stands after
 * our hard reset (message 0, session id = cookie) went out and was
 * acknowledged, and the client's reset (message 0, session id peer_sid) was
 * received. wrap_pid: the packet ids the stateless answer's wrap used, so
 * ours continue after them (NULL without --tls-auth/--tls-crypt). Feed the
 * client's acknowledging packet to ssl_recv_control() next. 0 or -errno.
 */
int ssl_session_resume(struct ssl_session *s, const uint8_t cookie[RELIABLE_SID_LEN],
		       const uint8_t peer_sid[RELIABLE_SID_LEN], uint8_t peer_reset_opcode,
		       const struct packet_id_send *wrap_pid);

/* Start key-id 0: queue our hard reset (the TLS client always does; a TLS
 * server only when it knows its peer already, as 2.6 does in P2P). */
void ssl_session_start(struct ssl_session *s, bool send_reset);

/* A control packet from the peer (b starts at the opcode byte). Returns
 * true when it was accepted (so the caller may learn the peer address). */
bool ssl_recv_control(struct ssl_session *s, struct buf *b);

/* Run timers; returns ms until ssl_timeout() wants to run again (-1: never). */
int64_t ssl_timeout(struct ssl_session *s);

/* Data channel. Both work in place on b. */
int ssl_encrypt(struct ssl_session *s, struct buf *b);
enum crypto_verdict ssl_decrypt(struct ssl_session *s, struct buf *b);
bool ssl_can_send_data(const struct ssl_session *s);

/* --tls-auth / --tls-crypt / --tls-crypt-v2 from the options; keys
 * receives the key material cfg points to (wipe it after
 * ssl_session_init()). Returns 0 or -errno (logged). */
int ssl_wrap_config(const struct options *o, struct tls_wrap_config *cfg,
		    struct tls_wrap_keys *keys);

/* Early negotiation TLVs in a hard reset's payload (2.6). */
#define SSL_TLV_EARLY_NEG_FLAGS 0x0001
#define SSL_EARLY_NEG_RESEND_WKC 0x0001
/* Parse a hard reset's TLV list; *flags gets EARLY_NEG_FLAGS (0 if absent).
 * Unknown types are skipped. 0 or -EBADMSG. */
int ssl_parse_reset_tlvs(const uint8_t *p, size_t len, uint16_t *flags);

/* Client mode: the PUSH_REPLY settled cipher, peer-id (-1: none, so
 * DATA_V1) and key derivation; install the data keys of the current key
 * state. Returns 0 or -errno (logged). */
int ssl_client_set_negotiated(struct ssl_session *s, const char *cipher, int32_t peer_id,
			      bool tls_ekm);
/* Send a text control message (e.g. "PUSH_REQUEST") on the current key. */
int ssl_send_control_message(struct ssl_session *s, const char *text);

/* Server mode: forget the client's password once it was checked. */
void ssl_wipe_peer_credentials(struct ssl_session *s);

/* name is in the ':'-separated cipher list (case-insensitive, '?' ignored). */
bool ssl_cipher_in_list(const char *list, const char *name);

/* True for the opcodes of data packets. */
static inline bool ssl_is_data_opcode(uint8_t byte0)
{
	uint8_t op = byte0 >> P_OPCODE_SHIFT;

	return op == P_DATA_V1 || op == P_DATA_V2;
}

#endif
