/*
 * In-band liveness: --ping sends the 16-byte ping payload when nothing was
 * sent for n seconds; --ping-restart / --ping-exit fire when nothing was
 * received for n seconds; --inactive ends the process when the tun device is
 * idle. Packet handlers only stamp times; the timers do the work lazily so
 * the packet path never touches the timer heap.
 */
#ifndef PING_H
#define PING_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "event.h"

#define PING_MAGIC_LEN 16
extern const uint8_t ping_magic[PING_MAGIC_LEN];

/* OCC messages travel on the data channel like pings: a 16-byte magic and
 * an opcode. Only the exit notification (--explicit-exit-notify) is used. */
#define OCC_MAGIC_LEN 16
#define OCC_EXIT 6
extern const uint8_t occ_magic[OCC_MAGIC_LEN];
/* The payload is an OCC message; *opcode (may be NULL) gets its opcode. */
bool occ_is_message(const struct buf *b, uint8_t *opcode);

enum ping_event {
	PING_SEND,        /* time to send a ping */
	PING_RESTART,     /* --ping-restart expired */
	PING_EXIT,        /* --ping-exit expired */
	PING_INACTIVE,    /* --inactive expired */
};

struct ping_state {
	struct event_loop *loop;
	uint32_t ping_ms, restart_ms, exit_ms, inactive_ms;
	int64_t inactive_bytes;
	uint64_t last_sent, last_received, last_tun_activity;
	uint64_t tun_bytes;  /* tun bytes since the last --inactive check */
	struct timer send_timer, recv_timer, inactive_timer;
	void (*on_event)(struct ping_state *ps, enum ping_event ev);
};

void ping_init(struct ping_state *ps, struct event_loop *loop,
	       void (*on_event)(struct ping_state *ps, enum ping_event ev));
/* Seconds; 0 disables that timer. */
void ping_configure(struct ping_state *ps, int ping, int ping_restart, int ping_exit,
		    int inactive, int64_t inactive_bytes);
/* Arm the send timer, and the receive timers unless `wait_for_peer`
 * (--ping-timer-rem before the peer's address is known). */
void ping_start(struct ping_state *ps, bool wait_for_peer);
void ping_start_receive_timer(struct ping_state *ps);
void ping_stop(struct ping_state *ps);

static inline void ping_note_sent(struct ping_state *ps, uint64_t now) { ps->last_sent = now; }
static inline void ping_note_received(struct ping_state *ps, uint64_t now) { ps->last_received = now; }
static inline void ping_note_tun(struct ping_state *ps, uint64_t now, size_t bytes)
{
	ps->last_tun_activity = now;
	ps->tun_bytes += bytes;
}

bool ping_is_ping(const struct buf *b);
/* Fill b (at its current data start) with the ping payload. */
bool ping_build(struct buf *b);

#endif
