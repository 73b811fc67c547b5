/*
 * The management interface (--management): one administrator or monitoring
 * tool at a time on a TCP or unix socket, speaking OpenVPN 2.6's line
 * protocol (version 5). The socket lives for the whole process; each run of
 * the P2P tunnel or the server attaches it to its event loop and provides
 * the few things only it knows (status, counters, kill) through mgmt_ops.
 */
#ifndef MANAGEMENT_H
#define MANAGEMENT_H

#include <stdbool.h>
#include <stdint.h>

struct event_loop;
struct options;

struct mgmt_load {
	unsigned int nclients;
	uint64_t bytes_in, bytes_out;
};

struct mgmt_ops {
	/* The --status text in this format (1..3), malloc'ed; NULL on failure. */
	char *(*status)(void *ctx, int version);
	/* Report the counters through management_bytecount*(). */
	void (*bytecount)(void *ctx);
	void (*load_stats)(void *ctx, struct mgmt_load *l);
	/* Server only (NULL in P2P): disconnect clients, return how many. */
	int (*kill_cn)(void *ctx, const char *cn);
	int (*kill_addr)(void *ctx, const char *host, const char *port);
};

/* The optional fields of a state line; NULL prints an empty field. */
struct mgmt_state_info {
	const char *desc;
	const char *tun_ip;
	const char *remote_ip;
	const char *remote_port;
	const char *local_ip;
	const char *local_port;
	const char *tun_ip6;
};

/* Once per process, after logging is set up: listen when --management is
 * given (0 when it is not). -errno when the socket cannot be opened. */
int management_open(const struct options *o);
void management_close(void);
bool management_enabled(void);

/* One run of the tunnel or server: the socket joins its event loop. */
void management_attach(struct event_loop *loop, const struct mgmt_ops *ops, void *ctx);
void management_detach(void);

/*
 * With the hold flag set (--management-hold, "hold on"): announce >HOLD and
 * run loop until "hold release" or a signal stops it. Returns true when it
 * held (the caller then skips its own restart pause).
 */
bool management_hold(struct event_loop *loop, int pause_secs);

/* A state change (CONNECTING, CONNECTED, ...): kept and announced. */
void management_state(const char *state, const struct mgmt_state_info *info);

void management_bytecount(uint64_t in, uint64_t out);
void management_bytecount_cli(unsigned long cid, uint64_t in, uint64_t out);

#endif
