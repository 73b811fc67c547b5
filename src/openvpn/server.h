/*
 * Server mode (--mode server / --server): one tun device, one UDP socket or
 * TCP listener, many clients (struct peer). Packets from the tun device find
 * their client by destination VPN address (host address or iroute); packets
 * from the network find it by peer-id (DATA_V2) or transport address.
 */
#ifndef SERVER_H
#define SERVER_H

#include "datapath.h"
#include "cookie.h"
#include "event.h"
#include "keyfile.h"
#include "log.h"
#include "peer_table.h"
#include "script.h"
#include "socket.h"
#include "tls_wrap.h"

#define SERVER_BATCH 32

struct peer;
struct pool;
struct ssl_ctx;

/* At most n events per window of secs seconds (fixed windows). */
struct rate_window {
	uint64_t start_ms;
	uint32_t count;
};

struct server_stats {
	uint64_t tun_read_bytes, tun_write_bytes;
	uint64_t link_read_bytes, link_write_bytes;
	uint64_t drop_no_route;          /* tun packet for no client */
	uint64_t drop_unknown_source;    /* not a client, not a hard reset */
	uint64_t drop_bad_peer_id;       /* DATA_V2 for no client, or another's id */
	uint64_t drop_not_ip, drop_tun_write;
	uint64_t drop_spoofed;           /* source not the client's address/iroute */
	uint64_t refused_new;            /* hard resets refused: limits, flood, auth */
	uint64_t reset_answered;         /* stateless hard reset answers sent */
	uint64_t reset_unanswered;       /* over --connect-freq-initial */
	uint64_t clients_total;
	uint64_t drop_bad_wkc;           /* tls-crypt-v2: missing, truncated or forged client key */
	uint64_t refused_wkc_verify;     /* tls-crypt-v2: refused by --tls-crypt-v2-verify */
	uint64_t refused_noncookie;      /* tls-crypt-v2: old client and force-cookie */
};

struct server {
	const struct options *o;
	struct tunnel_persist *persist;
	struct event_loop loop;
	struct tun *tun;
	struct event_handler tun_h, link_h;
	uint32_t link_events;
	struct link link;                /* UDP socket or TCP listener */
	struct link_opts lopts;
	bool tcp;
	struct ssl_ctx *tls_ctx;
	struct tls_wrap_config wcfg;
	struct tls_wrap_keys wrap_keys;
	struct tls_wrap_ctx prewrap;     /* wraps and checks stateless handshake packets */
	struct cookie_ctx cookies;
	struct pool *pool;
	struct peer_table tab;
	struct peer *peers;              /* every peer, newest first */
	uint32_t n_peers, n_connected, n_handshake;
	struct rate_window freq;         /* --connect-freq: new sessions */
	struct rate_window freq_initial; /* --connect-freq-initial: reset answers */
	struct timer status_timer, persist_timer, exit_timer;
	enum tunnel_end end;
	const char *end_reason;
	uint8_t *mem;
	struct buf rx[SERVER_BATCH];
	struct buf tx[SERVER_BATCH];
	struct sockaddr_any from[SERVER_BATCH];
	struct ratelimit rl_drop, rl_new, rl_link;
	struct server_stats st;
	struct env_set base_env;         /* every script's daemon-wide variables */
	struct script_ctx sctx;
	/* server side of the tun: the addresses routed to the tun itself */
	struct in_addr local_v4;
	bool has_local_v4;
	struct in6_addr local_v6;
	bool has_local_v6;
	/* data channel offload (server_dco.c): the ovpn-dco interface replaces tun */
	bool dco;
	struct event_handler dco_h;
};

enum tunnel_end server_run(const struct options *o, struct tunnel_persist *persist);
/* Stop the instance's loop; server_run() returns end (reason for logs/scripts). */
void server_end(struct server *srv, enum tunnel_end end, const char *reason);

/* For peer.c: send one finished packet (control or data) to a client. */
void server_send_to_peer(struct server *srv, struct peer *p, struct buf *b);
/* For peer.c: frame, encrypt and send a data-channel payload (pings). */
void server_send_payload(struct server *srv, struct peer *p, struct buf *b);
/* For peer.c: a client came or went (server_status.c). */
void server_status_changed(struct server *srv);

#endif
