/*
 * The point-to-point tunnel: one tun device, one transport, one peer, and
 * the userspace data path between them (tun -> socket, socket -> tun).
 * One call runs one connection instance until a signal or a timer ends it.
 */
#ifndef DATAPATH_H
#define DATAPATH_H

#include "options.h"
#include "tun.h"
#include "route.h"
#include "ssl.h"

struct ssl_ctx;
struct dco_ctx;

/* Why an instance ended; main.c decides what happens next. */
enum tunnel_end {
	TUNNEL_EXIT,          /* SIGTERM/SIGINT, --ping-exit, --inactive */
	TUNNEL_RESTART_SOFT,  /* SIGUSR1, --ping-restart, TCP connection lost */
	TUNNEL_RESTART_HARD,  /* SIGHUP: re-read the configuration */
	TUNNEL_FATAL,         /* setup failed; already logged */
};

/* State that survives a soft restart (--persist-tun). */
struct tunnel_persist {
	bool tun_open;
	struct tun tun;
	struct route_state routes;
	int remote_index;     /* which --remote to try next */
	unsigned int restarts;
	bool privs_dropped;
	struct ssl_ctx *tls_ctx;      /* --persist-key: loaded once */
	uint64_t resolve_fail_since;  /* first failed --remote lookup, 0 = none */
	bool order_ready;             /* --remote order (shuffled by --remote-random) */
	uint8_t order[OPT_MAX_REMOTES];  /* --user/--group/--chroot applied */
	/* data channel offload (the tunnel_dco_* functions) */
	bool dco_wanted;              /* options and kernel allow it (main.c) */
	bool dco_off;                 /* fell back at runtime: userspace from now on */
	struct dco_ctx *dco;          /* the ovpn-dco interface while it exists */
	bool dco_mtu_warned;          /* the tun-mtu/path MTU warning was given */
	struct ssl_creds creds;       /* client --auth-user-pass, kept as 2.6 */
};

enum tunnel_end tunnel_run(const struct options *o, struct tunnel_persist *persist);
/* Undo everything the persist state still holds (at exit or hard restart). */
void tunnel_persist_release(struct tunnel_persist *persist);
/* Close the tun device and undo its routes (server mode uses it too). */
void tunnel_persist_release_tun(struct tunnel_persist *persist);
/*
 * Open the tun device into persist, or keep the one an earlier instance
 * left open (--persist-tun; says so). Returns 1 when opened now and still
 * to be configured (addresses, scripts, routes: the caller's order), 0 when
 * kept, -errno. Server mode uses it too.
 */
int tunnel_persist_open_tun(struct tunnel_persist *persist, const struct options *o);

struct event_loop;

/* Both modes answer the same signals (SIGUSR2: the caller logs statistics). */
int tunnel_signals_init(struct event_loop *loop, void (*on_signal)(struct event_loop *, int));
/* What SIGTERM, SIGINT, SIGHUP or SIGUSR1 asks for, with the signal's name
 * as the reason; false for any other signal. */
bool tunnel_signal_end(int signo, enum tunnel_end *end, const char **name);

#endif
