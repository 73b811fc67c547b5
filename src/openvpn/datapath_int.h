/*
 * Private to the point-to-point instance (datapath*.c): struct tunnel and
 * the calls between its files. datapath.c is the userspace packet path,
 * datapath_dco.c hands the peer and its keys to the kernel.
 */
#ifndef DATAPATH_INT_H
#define DATAPATH_INT_H

#include "datapath.h"
#include "addr.h"
#include "buf.h"
#include "comp.h"
#include "event.h"
#include "log.h"
#include "ping.h"
#include "push.h"
#include "socket.h"

struct ssl_session;
struct key_state;
struct key2;


#define DP_BATCH 32


struct dp_stats {
	uint64_t tun_read_bytes, tun_write_bytes;
	uint64_t link_read_bytes, link_write_bytes;
	uint64_t drop_not_ip, drop_no_peer, drop_wrong_peer, drop_tun_write;
	uint64_t drop_decrypt, drop_no_key;
};

struct tunnel {
	const struct options *o;
	struct tunnel_persist *persist;
	struct event_loop loop;
	struct tun *tun;
	struct event_handler tun_h, link_h, listen_h;
	struct link link;
	struct link listener;
	struct link_opts lopts;
	uint32_t link_events, tun_events;
	struct sockaddr_any remote;
	bool remote_known;
	bool peer_seen;
	bool up;                  /* "Initialization Sequence Completed" printed */
	struct ping_state ping;
	struct timer pause_timer, exit_timer;
	int exit_notify_left;
	enum tunnel_end end;
	const char *end_reason;
	uint8_t *mem;
	struct buf rx[DP_BATCH];
	struct buf tx[DP_BATCH];
	struct sockaddr_any from[DP_BATCH];
	struct ratelimit rl_peer, rl_drop, rl_link;
	struct dp_stats st;
	/* TLS mode: the control channel and the data channel keys */
	bool tls_mode;
	struct ssl_ctx *tls_ctx;
	struct ssl_session *ssl;
	struct timer ssl_timer;
	char peer_name[96];
	bool resolve_failed;      /* tunnel_start failed resolving --remote */
	/* client mode: this instance's options, with the pushed ones applied */
	bool pull;
	struct options eff;
	struct push_accum push;
	struct timer connect_timer;
	struct comp_ctx comp;     /* --compress / --comp-lzo framing */
	/* data channel offload (tunnel_dco_*) */
	bool dco;                 /* the ovpn-dco interface replaces tun */
	bool dco_peer;            /* the kernel has our peer (NEW_PEER done) */
	uint32_t dco_peer_id;
	int dco_slot_kid[2];      /* key-id in each kernel slot, -1: empty */
	uint8_t dco_newest_kid;
	struct timer dco_swap_timer;
	struct event_handler dco_h;
};

/* ---- datapath.c ----------------------------------------------------------- */

void tunnel_end(struct tunnel *t, enum tunnel_end end, const char *reason);
bool tunnel_is_udp(const struct tunnel *t);
void tunnel_ping_event(struct ping_state *ps, enum ping_event ev);

/* ---- datapath_dco.c ------------------------------------------------------- */

/* Set up the timer and handler of this instance's DCO state. */
void tunnel_dco_init(struct tunnel *t);
/* Options, kernel and mode allow offload for this instance. */
bool tunnel_dco_wanted(const struct tunnel *t);
/*
 * Open (or keep, with --persist-tun) the ovpn-dco interface in place of the
 * tun device. Returns 0 when it is in use, 1 when the tun device should be
 * used instead (already said why), or -errno for a fatal setup error.
 */
int tunnel_dco_open_dev(struct tunnel *t);
/* ssl callbacks: the session's keys go to the kernel. */
int tunnel_dco_keys_derived(struct ssl_session *s, const struct key_state *ks,
			    const struct key2 *k2);
void tunnel_dco_key_retired(struct ssl_session *s, const struct key_state *ks);
void tunnel_dco_log_stats(const struct tunnel *t);
/* Before the socket closes: the peer leaves the kernel. */
void tunnel_dco_teardown(struct tunnel *t);

#endif
