/*
 * Control packet protection: none, --tls-auth (HMAC), --tls-crypt
 * (HMAC-SHA256 + AES-256-CTR) and --tls-crypt-v2 (tls-crypt with the
 * client's own key, which a server learns from the wrapped key behind the
 * client's V3 / WKC_V1 packets, see tls_crypt_v2.h), each with its own
 * long-form replay ids.
 *
 * Both directions work in place on a struct buf holding one control packet:
 * encode turns the plain packet (op/kid, own session id, reliability header,
 * payload) into the wire form using headroom for the added fields; decode
 * authenticates, replay-checks and leaves the plain packet again. One
 * context per peer and wrap key: the send replay counter runs across every
 * packet this context wraps (resets, ACKs, retransmissions, all key ids).
 */
#ifndef TLS_WRAP_H
#define TLS_WRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "keyfile.h"
#include "packet_id.h"
#include "tls_crypt_v2.h"

enum tls_wrap_mode {
	TLS_WRAP_NONE = 0,
	TLS_WRAP_AUTH,          /* --tls-auth */
	TLS_WRAP_CRYPT,         /* --tls-crypt */
	TLS_WRAP_CRYPT_V2,      /* --tls-crypt-v2: tls-crypt with a per-client key */
};

#define TLS_WRAP_PID_LEN 8              /* replay id + timestamp */
#define TLS_WRAP_CRYPT_TAG_LEN 32
#define TLS_WRAP_CRYPT_OVERHEAD (TLS_WRAP_PID_LEN + TLS_WRAP_CRYPT_TAG_LEN)
/* tls-crypt sizing keeps 16 more bytes free than it uses (2.6 does). */
#define TLS_WRAP_CRYPT_BUDGET (TLS_WRAP_CRYPT_OVERHEAD + 16)
#define TLS_WRAP_MAX_HMAC 64            /* an HMAC slot of the key file */
/* Headroom a plain control packet needs for any mode (tls-auth SHA512). */
#define TLS_WRAP_MAX_OVERHEAD (TLS_WRAP_MAX_HMAC + TLS_WRAP_PID_LEN)

/* max-packet-size bounds, and the cap 2.6 applies to the control budget. */
#define TLS_WRAP_PACKET_SIZE_DEFAULT 1250
#define TLS_WRAP_PACKET_SIZE_CAP 2048

struct tls_wrap_config {
	enum tls_wrap_mode mode;
	const struct static_key *key;   /* not kept: keys are loaded into the context */
	enum key_direction direction;   /* tls-auth only; tls-crypt ignores it */
	bool tls_server;                /* tls-crypt: server sends with key0, client key1 */
	const char *digest;             /* tls-auth: --auth name; NULL = "SHA1" */
	uint32_t replay_window;         /* --replay-window n; 0 = strict order */
	uint32_t replay_time;           /* --replay-window ... t, seconds */
	/* tls-crypt-v2, server: unwraps each client's key from its first
	 * packet; the context has no key until then. Client: key = Kc and
	 * v2_client->wkc goes behind HARD_RESET_CLIENT_V3 and CONTROL_WKC_V1. */
	const struct tls_crypt_v2_server_key *v2_server;
	const struct tls_crypt_v2_client_key *v2_client;
};

/* Key storage behind a tls_wrap_config (ssl_wrap_config fills it). */
struct tls_wrap_keys {
	struct static_key key;
	struct tls_crypt_v2_server_key v2_server;
	struct tls_crypt_v2_client_key v2_client;
};
void tls_wrap_keys_wipe(struct tls_wrap_keys *k);

/* tls-crypt-v2: a 2.6 client starts its replay ids here to say it
 * understands early negotiation (the high byte is the marker). */
#define TLS_WRAP_V2_EARLY_NEG_START 0x0f000000u
#define TLS_WRAP_V2_EARLY_NEG_MASK 0xff000000u

struct tls_wrap_crypto;                 /* library objects, private to tls_wrap.c */
struct tls_wrap_v2;                     /* tls-crypt-v2 state, private to tls_wrap.c */

struct tls_wrap_ctx {
	enum tls_wrap_mode mode;
	size_t hmac_len;                /* tls-auth: digest size; tls-crypt: 32 */
	struct packet_id_send pid_send;
	struct packet_id_recv pid_recv;
	struct tls_wrap_crypto *crypto;
	struct tls_wrap_v2 *v2;
};

/* Why decode refused a packet. */
enum tls_wrap_status {
	TLS_WRAP_OK = 0,
	TLS_WRAP_SHORT,                 /* too short for this mode's fields */
	TLS_WRAP_BAD_AUTH,              /* HMAC / tag mismatch */
	TLS_WRAP_REPLAY,                /* authentic but replayed/too old: see verdict */
	TLS_WRAP_INTERNAL,              /* crypto library failure */
	TLS_WRAP_BAD_WKC,               /* tls-crypt-v2: client key missing, truncated or forged */
};

/*
 * Load the keys for cfg->mode (tls-crypt needs a 256-byte key). Allocates the
 * library contexts and the replay window once. Returns 0, -EINVAL (logged:
 * unknown digest, key too short for the direction) or -ENOMEM.
 */
int tls_wrap_init(struct tls_wrap_ctx *ctx, const struct tls_wrap_config *cfg);
void tls_wrap_free(struct tls_wrap_ctx *ctx);

/*
 * Wrap the plain control packet in `pkt` in place. `now` is Unix time: the
 * first wrapped packet fixes the timestamp sent with every later one.
 * Needs tls_wrap_overhead() bytes of headroom. Returns 0, -ENOSPC (no
 * headroom), -EBADMSG (shorter than op/kid + session id), -ERANGE (replay
 * ids exhausted within one second) or -EIO.
 */
int tls_wrap_encode(struct tls_wrap_ctx *ctx, struct buf *pkt, time_t now);
/*
 * Unwrap a received packet in place, leaving the plain control packet.
 * Nothing is recorded in the replay window unless it returns TLS_WRAP_OK;
 * on TLS_WRAP_REPLAY *verdict (if non-NULL) says why. On failure the
 * buffer content is unspecified.
 */
enum tls_wrap_status tls_wrap_decode(struct tls_wrap_ctx *ctx, struct buf *pkt, time_t now,
				     enum packet_id_verdict *verdict);
const char *tls_wrap_status_str(enum tls_wrap_status s);

/*
 * tls-crypt-v2 server: the metadata of the client key unwrapped by decode
 * (NULL before), and whether the client's reset announced early
 * negotiation (its replay ids carry the marker).
 */
const uint8_t *tls_wrap_v2_metadata(const struct tls_wrap_ctx *ctx, size_t *len);
bool tls_wrap_v2_early_neg(const struct tls_wrap_ctx *ctx);
/* tls-crypt-v2 client: bytes of WKc sent behind V3 / WKC_V1 packets (else 0). */
size_t tls_wrap_v2_wkc_len(const struct tls_wrap_ctx *ctx);

/* Bytes the wrap adds on the wire: 0, H + 8 (tls-auth) or 40 (tls-crypt). */
size_t tls_wrap_overhead(const struct tls_wrap_ctx *ctx);
/* What the control size budget subtracts for the wrap (tls-crypt: 56). */
size_t tls_wrap_budget_overhead(const struct tls_wrap_ctx *ctx);
/*
 * TLS bytes that fit in one control packet of a message carrying n_acks
 * ACKs (counted up to 4), for --max-packet-size and an IPv4 or IPv6
 * transport (TCP is sized like UDP, as 2.6 does). 0 if nothing fits.
 */
size_t tls_wrap_max_payload(const struct tls_wrap_ctx *ctx, size_t max_packet_size,
			    size_t n_acks, bool ipv6);

#endif
