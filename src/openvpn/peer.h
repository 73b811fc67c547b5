/*
 * One client of a server: its transport, TLS session, keepalive, VPN
 * addresses and iroutes, per-client options (client-config-dir) and
 * statistics; and its lifecycle from the first hard reset to teardown.
 *
 *   HANDSHAKE  created on a valid hard reset (or an accepted TCP connection)
 *   CONNECTED  TLS and key method done, addresses assigned, routes in the
 *              server's tables, PUSH_REPLY sent (or due on PUSH_REQUEST)
 *   REFUSED    AUTH_FAILED sent; kept a moment so the message gets through
 *   CLOSING    out of every table; freed from a timer, never from inside
 *              one of its own callbacks
 */
#ifndef PEER_H
#define PEER_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "comp.h"
#include "event.h"
#include "options.h"
#include "peer_table.h"
#include "ping.h"
#include "socket.h"
#include "ssl.h"
#include "server_dco.h"

struct server;

enum peer_state { PEER_HANDSHAKE = 0, PEER_CONNECTED, PEER_REFUSED, PEER_CLOSING };


struct peer {
	struct server *srv;
	struct peer *prev, *next;        /* the server's list of all peers */
	uint32_t id;                     /* peer-id, also the status "Client ID" */
	enum peer_state state;
	struct ptab_addr addr;           /* UDP: key of the address table */
	bool tcp_mode;
	struct link tcp;                 /* TCP: this client's connection */
	struct event_handler tcp_h;
	uint32_t tcp_events;
	struct ssl_session ssl;
	struct timer ssl_timer, close_timer;
	struct ping_state ping;
	struct comp_ctx comp;
	uint16_t mss4;                   /* --mssfix limit for IPv4 SYNs, 0: off */
	char name[160];                  /* "cn/1.2.3.4:5" as 2.6 logs it */
	char cn[80];
	bool has_v4, has_v6;
	struct in_addr v4;               /* the client's VPN addresses */
	struct in6_addr v6;
	bool pool_owned;
	uint32_t pool_handle;
	struct ptab_route *routes;       /* its addresses and iroutes, linked into */
	int n_routes, cap_routes;        /* the server's tables; see peer_install_routes */
	struct options ccd;              /* the client-config-dir file, if any */
	bool ccd_loaded;
	uint64_t push_sent_ms;           /* 0: no PUSH_REPLY sent yet */
	time_t connected_since;
	uint64_t bytes_in, bytes_out;    /* transport bytes, as 2.6 counts them */
	uint64_t drop_spoofed, drop_decrypt, drop_no_key;
	const char *close_reason;
	struct peer_dco dco;             /* data channel offload (server_dco.c) */
};

/* A new client in HANDSHAKE state, in the id table and the peer list (and
 * the address table for UDP). NULL when out of memory or ids (logged). */
struct peer *peer_new(struct server *srv, const struct sockaddr_any *from);
/* Begin closing: out of all tables now, freed from a timer soon. */
void peer_close(struct peer *p, const char *reason);
/* Send AUTH_FAILED[,reason] and close a few seconds later. */
void peer_refuse(struct peer *p, const char *reason);
/* Send RESTART (reconnect now) and close a few seconds later: for failures
 * on our side that a new connection may not meet. */
void peer_restart_client(struct peer *p, const char *reason);
/* Free everything; only from the close timer or at server teardown. */
void peer_free(struct peer *p);

/* TLS done: ccd, addresses, routes, PUSH_REPLY when the client wants it
 * unasked. Refuses the client (AUTH_FAILED) when one of them fails. */
void peer_connected(struct peer *p);
/* Build and send the PUSH_REPLY (on PUSH_REQUEST, or unasked). */
int peer_send_push_reply(struct peer *p);

/* Run the session's timers after input; arm the peer's timer. */
void peer_ssl_reschedule(struct peer *p);

/* The client announced this IV_PROTO bit. */
bool peer_has_iv_proto(const struct peer *p, unsigned int bit);

#endif
