/*
 * Data channel offload in server mode: the ovpn-dco interface in MP mode
 * replaces the tun device, every client becomes a kernel peer on the
 * server's one UDP socket (or on its own accepted TCP socket), its iroutes
 * become kernel routes via its VPN address, and the kernel's "peer deleted"
 * notifications close just that client. The control channel stays in the
 * daemon, on the same sockets.
 *
 * server.c and peer.c call in at a handful of points; everything else is
 * here, so that the userspace server path reads as before.
 */
#ifndef SERVER_DCO_H
#define SERVER_DCO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "dco.h"
#include "event.h"

struct server;
struct peer;
struct ssl_session;
struct key_state;
struct key2;
struct options;
struct vprefix;
struct netcfg_route4;
struct netcfg_route6;

/* Kernel routes of a client's iroutes carry this metric, and --route
 * without a metric of its own the other, as in OpenVPN 2.6: the iroute of
 * a connected client wins over a --route to the same network. */
#define SERVER_DCO_IROUTE_METRIC 100
#define SERVER_DCO_ROUTE_METRIC 200

/* Per-client DCO state, embedded in struct peer. */
struct peer_dco {
	bool added;                 /* the kernel has this client (NEW_PEER done) */
	bool key_pending;           /* first key waits for the client's VPN address */
	bool timer_ready;
	int slot_kid[2];            /* key-id in each kernel slot, -1: empty */
	uint8_t newest_kid;
	struct dco_key first;       /* the pending first key; wiped once used */
	struct timer swap_timer;
	uint64_t kroutes[2];        /* bit i: p->routes[i] is a kernel route of ours */
	uint64_t link_rx, link_tx;  /* kernel counters already in bytes_in/out */
};

/* ---- server.c ----------------------------------------------------------- */

/*
 * Open (or keep, with --persist-tun) the ovpn-dco interface in MP mode with
 * the server's addresses and routes. Returns 0 when it replaces the tun,
 * 1 when the tun device is to be used (DCO not wanted, or fell back with one
 * line saying why), -errno on a fatal error (--require-dco included).
 */
int server_dco_open(struct server *srv);
/* Before the event loop goes: stop reading notifications, --down script
 * when the interface is about to be deleted. Peers are gone already. */
void server_dco_teardown(struct server *srv);
/* Fold the kernel's per-client byte counters into bytes_in/bytes_out. */
void server_dco_sync_stats(struct server *srv);

/* ---- peer.c ------------------------------------------------------------- */

/*
 * The client is authenticated and has its addresses and routes: check its
 * effective options, then NEW_PEER, SET_PEER keepalive, the first key and
 * the iroute kernel routes. NULL when fine (or DCO is off), else the
 * reason, already logged: to refuse it with (AUTH_FAILED text), or, when
 * *kernel_failed is set, why the kernel could not take it (the client is
 * told to reconnect instead).
 */
const char *server_dco_peer_add(struct peer *p, bool *kernel_failed);
/* The client goes: counters, its kernel routes, DEL_PEER. Idempotent. */
void server_dco_peer_del(struct peer *p);
/* ssl callbacks: keys to the kernel, as the P2P path does. */
int server_dco_keys_derived(struct ssl_session *s, const struct key_state *ks,
			    const struct key2 *k2);
void server_dco_key_retired(struct ssl_session *s, const struct key_state *ks);

/* ---- pure helpers (unit tested) --------------------------------------------- */

/*
 * Why a client cannot be offloaded, or NULL: it lacks DATA_V2, its cipher
 * is not one the module runs, or what it would be pushed (the server's
 * --push list unless the ccd says push-reset, minus push-remove, plus the
 * ccd's own push lines) turns on compression framing or --fragment. The
 * text goes to the client after AUTH_FAILED; buf holds it.
 */
const char *server_dco_client_check(const struct options *o, const struct options *ccd,
				    bool data_v2, const char *cipher, char *buf, size_t len);

/*
 * The kernel route one of a client's routes needs: AF_INET or AF_INET6
 * with *r4 or *r6 filled (via the client's VPN address of that family on
 * ifindex), 0 when it is the client's own host address (the interface
 * subnet and NEW_PEER cover it), -ENETUNREACH when the client has no VPN
 * address of that family to route through.
 */
int server_dco_route_for(const struct vprefix *k, int ifindex, const struct in_addr *v4,
			 const struct in6_addr *v6, struct netcfg_route4 *r4,
			 struct netcfg_route6 *r6);

/* Two prefixes of one family share addresses (one contains the other). */
bool server_dco_prefix_overlap(const struct vprefix *a, const struct vprefix *b);

#endif
