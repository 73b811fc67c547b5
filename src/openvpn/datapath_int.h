/*
 * Private to the point-to-point instance (datapath*.c): struct tunnel and
 * the calls between its files. datapath.c is the userspace packet path,
 * datapath_tls.c the glue to the TLS session and the server's control
 * messages, datapath_dco.c hands the peer and its keys to the kernel,
 * datapath_tun.c owns the device, datapath_link.c the transport, and
 * datapath_run.c one instance from setup to teardown.
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
	bool heard;               /* a verified packet came from the peer */
	bool own_eff;             /* eff is this instance's copy of the options */
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
	uint16_t mss4;            /* --mssfix limit for IPv4 SYNs, 0: off */
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

/* Stop the event loop; main.c learns why from end and reason. */
void tunnel_end(struct tunnel *t, enum tunnel_end end, const char *reason);
bool tunnel_is_udp(const struct tunnel *t);
/* The transport can carry a packet to the peer now. */
bool tunnel_can_send(const struct tunnel *t);
/* Send bufs[0..n) to the peer as they are; returns how many left. */
unsigned tunnel_send(struct tunnel *t, struct buf *bufs, unsigned n);
void tunnel_send_ping(struct tunnel *t);
void tunnel_send_occ_exit(struct tunnel *t);
/* Compute the --mssfix limit for the data channel as negotiated now. */
void tunnel_mss_update(struct tunnel *t);
/* Event handlers: the tun device and the socket are readable/writable. */
void tunnel_tun_readable(struct event_handler *h, uint32_t events);
void tunnel_link_ready(struct event_handler *h, uint32_t events);

/* ---- datapath_tls.c ------------------------------------------------------- */

/* Create the TLS session (not started yet). */
int tunnel_ssl_open(struct tunnel *t);
/* The transport can carry packets to the peer now: say hello. */
void tunnel_ssl_begin(struct tunnel *t, bool send_reset);
/* Run the session's timers and arm ours for the next one. */
void tunnel_ssl_reschedule(struct tunnel *t);
void tunnel_ssl_timer(struct timer *tm);
/* "Initialization Sequence Completed", once per instance. */
void tunnel_mark_up(struct tunnel *t);

/* ---- datapath_tun.c ------------------------------------------------------- */

/* Open (or keep) the device: the ovpn-dco interface when wanted, else tun. */
int tunnel_open_tun(struct tunnel *t);
/* A device opened now: addresses, --up, routes, --redirect-gateway and
 * --route-up, in 2.6's order (a failed --up is fatal). */
int tunnel_dev_configure(struct tunnel *t, int ifindex, const char *ifname);
/* Open (or keep) the device and start reading it (client, after the push). */
int tunnel_tun_attach(struct tunnel *t);
/* The device scripts are told about: the tun or the ovpn-dco interface. */
const char *tunnel_dev_name(const struct tunnel_persist *p);
/* --route-pre-down, close the device, --down (2.6's order, --down-pre). */
void tunnel_close_tun(struct tunnel *t);

/* ---- datapath_link.c ------------------------------------------------------ */

/* The UDP socket, the TCP listener or the TCP client connection. */
int tunnel_open_transport(struct tunnel *t);
/* A TCP connection is up (connected or accepted). */
void tunnel_tcp_connected(struct tunnel *t);
void tunnel_connect_timeout(struct timer *tm);
/* The --remote (or <connection>) entry this instance tries. */
const struct remote_entry *tunnel_current_remote(struct tunnel *t);
/* --server-poll-timeout / --connect-timeout applies to this instance. */
bool tunnel_polls_server(const struct tunnel *t);
void tunnel_poll_arm(struct tunnel *t);
void tunnel_listener_ready(struct event_handler *h, uint32_t events);

/* ---- datapath_run.c ------------------------------------------------------- */

/* The ping timers fired: send a ping, or end by ping-restart/exit/inactive. */
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

/* ---- datapath_mgmt.c -------------------------------------------------------- */

/* The management interface joins this run's event loop. */
void tunnel_mgmt_attach(struct tunnel *t);
/* Announce a state (CONNECTING, WAIT, ..., CONNECTED) on the management port. */
void tunnel_mgmt_state(struct tunnel *t, const char *state, const char *desc);

#endif
