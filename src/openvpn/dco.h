/*
 * Data channel offload (DCO), backend-neutral part.
 *
 * With DCO a kernel module encrypts, decrypts and forwards the data packets;
 * the daemon keeps the control channel and tells the module about peers and
 * keys. This header is what the rest of the daemon sees: the device, peers,
 * key slots, keepalive, statistics and the "peer deleted" notification, plus
 * the two decisions taken before any of that: is a module there
 * (dco_probe) and does the configuration allow offload (dco_check_options).
 *
 * The only backend is Linux's ovpn-dco-v2 generic netlink family
 * (dco_linux.c). Without it (configure --disable-dco) every backend call
 * returns -EOPNOTSUPP and dco_probe() says "not built".
 */
#ifndef DCO_H
#define DCO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "addr.h"
#include "options.h"

/* ---- values shared with the kernel interface (numbers are the ABI) ------ */

enum dco_mode { DCO_MODE_P2P = 0, DCO_MODE_MP = 1 };
enum dco_key_slot { DCO_SLOT_PRIMARY = 0, DCO_SLOT_SECONDARY = 1 };
enum dco_cipher {
	DCO_CIPHER_NONE = 0,
	DCO_CIPHER_AES_GCM = 1,
	DCO_CIPHER_CHACHA20_POLY1305 = 2,
};
enum dco_del_reason {
	DCO_DEL_TEARDOWN = 0,
	DCO_DEL_USERSPACE = 1,
	DCO_DEL_EXPIRED = 2,
	DCO_DEL_TRANSPORT_ERROR = 3,
	DCO_DEL_TRANSPORT_DISCONNECT = 4,
};
#define DCO_DEL_REASON_MAX DCO_DEL_TRANSPORT_DISCONNECT

#define DCO_NONCE_TAIL_LEN 8
#define DCO_KEY_MAX 32          /* AES-256 and ChaCha20 */
#define DCO_PEER_ID_MAX 0xFFFFFEu /* 0xFFFFFF means "no peer-id" on the wire */

const char *dco_del_reason_str(enum dco_del_reason r);
/* DCO_CIPHER_NONE for a data cipher the module cannot run. */
enum dco_cipher dco_cipher_from_name(const char *name);

/* ---- availability --------------------------------------------------------- */

enum dco_avail {
	DCO_AVAILABLE = 0,
	DCO_NOT_BUILT,          /* configure --disable-dco */
	DCO_MISSING,            /* no module of any generation */
	DCO_OTHER_GENERATION,   /* ovpn-dco v1 or the in-tree ovpn driver */
	DCO_PROBE_FAILED,       /* could not ask the kernel at all */
};

struct dco_probe {
	enum dco_avail avail;
	char found[160];        /* what the kernel offers ("" if nothing) */
	char needed[160];       /* what this daemon needs */
};

/* Ask the kernel; fills p. Never fails: a failed probe is DCO_PROBE_FAILED. */
void dco_probe(struct dco_probe *p);
/* Backend hook behind dco_probe() (dco_linux.c, or the stub). */
void dco_backend_probe(struct dco_probe *p);

/* ---- option compatibility -------------------------------------------------- */

/* One reason the configuration cannot be offloaded. */
struct dco_blocker {
	const char *option;     /* "--data-ciphers", ... */
	char reason[160];
	char fix[160];          /* the change that removes this blocker */
};

#define DCO_MAX_BLOCKERS 32

/*
 * Every blocker of a finalized configuration, not just the first. Writes at
 * most max entries to out and returns how many there are in total.
 */
size_t dco_check_options(const struct options *o, struct dco_blocker *out, size_t max);

/*
 * Startup decision: true when the configuration and the kernel both allow
 * offload. Prints the reasons at verb 3 when not (the kernel "missing" note
 * with the text OpenVPN 2.6 uses); --disable-dco turns it off with one verb-3
 * line. With --require-dco the reasons are errors and *fatal is set.
 */
bool dco_decide(const struct options *o, bool *fatal);

/*
 * --dco-check: print, for every DCO-relevant option, whether offload can
 * serve it and why not, plus the module's availability. Returns the exit
 * status: 0 when this configuration would run with DCO here, 1 otherwise.
 */
int dco_check_report(const struct options *o);

/* ---- the backend ------------------------------------------------------------ */

struct dco_ctx;

struct dco_key_dir {
	uint8_t key[DCO_KEY_MAX];
	uint8_t key_len;
	uint8_t nonce_tail[DCO_NONCE_TAIL_LEN];
};

struct dco_key {
	uint32_t peer_id;
	enum dco_key_slot slot;
	uint8_t key_id;         /* 0..7 */
	enum dco_cipher cipher;
	struct dco_key_dir enc, dec;
};

struct dco_peer {
	uint32_t peer_id;
	int fd;                           /* the connected UDP or TCP socket */
	const struct sockaddr_any *remote; /* UDP: the peer's address; NULL for TCP */
	const struct in_addr *vpn4;       /* server mode only; may be NULL */
	const struct in6_addr *vpn6;
};

/* Per-peer counters as the module keeps them (packets wrap at 2^32). */
struct dco_peer_stats {
	uint32_t peer_id;
	uint64_t vpn_rx_bytes, vpn_tx_bytes;
	uint64_t link_rx_bytes, link_tx_bytes;
	uint32_t vpn_rx_packets, vpn_tx_packets;
	uint32_t link_rx_packets, link_tx_packets;
	unsigned int present;   /* DCO_STAT_* bits of the attributes that came */
};
#define DCO_STAT_VPN_RX 0x1u
#define DCO_STAT_VPN_TX 0x2u
#define DCO_STAT_LINK_RX 0x4u
#define DCO_STAT_LINK_TX 0x8u

/* A peer the kernel removed (or the echo of our own DEL_PEER). */
struct dco_notification {
	uint32_t ifindex;
	uint32_t peer_id;
	enum dco_del_reason reason;
};

typedef void (*dco_notify_fn)(void *arg, const struct dco_notification *n);

/*
 * Create the offload interface. ifname: "tun" (or any name without a digit)
 * picks the first free name<N>, as for tun devices; otherwise that exact
 * name. A leftover ovpn-dco interface of that exact name is deleted and
 * created again (a crashed daemon leaves it behind with its old peer). The
 * name actually used is in dco_ifname(). Returns 0 or -errno, logged.
 */
int dco_open(struct dco_ctx **out, const char *ifname, enum dco_mode mode);
/* Delete the interface (every peer goes with it) and free the context. */
void dco_close(struct dco_ctx *c);
int dco_ifindex(const struct dco_ctx *c);
const char *dco_ifname(const struct dco_ctx *c);

/* Descriptor that becomes readable when notifications wait. */
int dco_notify_fd(const struct dco_ctx *c);
/* Read every waiting notification for this interface and call fn for each.
 * Returns how many were delivered, or -errno. Malformed ones are dropped. */
int dco_notify_read(struct dco_ctx *c, dco_notify_fn fn, void *arg);

int dco_new_peer(struct dco_ctx *c, const struct dco_peer *p);
int dco_del_peer(struct dco_ctx *c, uint32_t peer_id);
/* Both values in one request: the module ignores either one alone. */
int dco_set_keepalive(struct dco_ctx *c, uint32_t peer_id, uint32_t interval_s,
		      uint32_t timeout_s);
int dco_new_key(struct dco_ctx *c, const struct dco_key *k);
int dco_swap_keys(struct dco_ctx *c, uint32_t peer_id);
int dco_del_key(struct dco_ctx *c, uint32_t peer_id, enum dco_key_slot slot);
int dco_get_peer_stats(struct dco_ctx *c, uint32_t peer_id, struct dco_peer_stats *st);

/*
 * When a renegotiated key (in the secondary slot) should become the one we
 * send with: once the peer surely has it, min(--hand-window, --reneg-sec / 2,
 * --tran-window / 2) after the renegotiation began at start_ms (the peer
 * drops its old key after --tran-window). Milliseconds from now, >= 0.
 */
uint64_t dco_swap_delay_ms(const struct options *o, uint64_t start_ms, uint64_t now_ms);

struct key2;
/*
 * Key material for the kernel from the negotiated key block, split the
 * way crypto.c splits it (the TLS server encrypts with the second
 * direction; the nonce tail is the start of that direction's HMAC key).
 * 0, -EPROTONOSUPPORT for a cipher the module cannot run, or -errno.
 */
int dco_key_fill(struct dco_key *k, const char *cipher, bool tls_server, uint32_t peer_id,
		 uint8_t key_id, const struct key2 *k2);

/* Whether the interface still exists under its name (another process may
 * have deleted it: `ip link del`). */
bool dco_link_present(const struct dco_ctx *c);
/*
 * Is this peer still in the kernel? 0 yes, -ENOENT no (deleted by someone
 * else, or a delete notification that was about it), -ENODEV the interface
 * is gone, other -errno: could not tell. Quiet: callers log the outcome.
 */
int dco_peer_check(struct dco_ctx *c, uint32_t peer_id);

#endif
