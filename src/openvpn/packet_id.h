/*
 * Packet ids: the outgoing counter and the incoming replay window.
 *
 * Two forms exist on the wire: the short form (a 32-bit id, data channel)
 * and the long form (32-bit id + 32-bit Unix timestamp, tls-auth and
 * tls-crypt replay protection). Rules: id 0 is never valid; a higher id is
 * accepted; a lower one only if it is within `window` of the highest, not
 * seen before, and not older than `time_limit` seconds relative to the
 * arrival of a higher id. Long form: a newer timestamp starts a new
 * sequence, an older one is rejected. window 0 means strictly consecutive.
 *
 * Conventions, precisely:
 * - "within the window" means highest - id < window: with window 64 and
 *   highest H, id H-63 can still be accepted, id H-64 is PID_TOO_OLD.
 * - An id that is not accepted yet becomes "surpassed" when the first
 *   packet with a higher id is recorded; it expires time_limit seconds after
 *   that (now - surpassed > time_limit). time_limit 0 disables the expiry.
 * - A new sequence (first packet, or a newer long-form timestamp) starts
 *   empty: any id is accepted, except with window 0, where it must be 1.
 */
#ifndef PACKET_ID_H
#define PACKET_ID_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define PACKET_ID_WINDOW_DEFAULT 64
#define PACKET_ID_WINDOW_MAX 65536
#define PACKET_ID_TIME_DEFAULT 15
/* 2.6 renegotiates when the send counter reaches this ... */
#define PACKET_ID_RENEG_AT 0xFF000000u
/* ... and never sends id 0 again after 0xFFFFFFFF. */

/* Zero-initialise; nothing to free. */
struct packet_id_send {
	uint32_t id;          /* last id sent; the next is id + 1 */
	uint32_t time;        /* long form: timestamp of this sequence */
};

enum packet_id_verdict {
	PID_OK = 0,
	PID_ZERO,             /* id 0 */
	PID_REPLAY,           /* seen before */
	PID_TOO_OLD,          /* below the window */
	PID_EXPIRED,          /* inside the window but older than time_limit */
	PID_OLD_TIME,         /* long form: older timestamp */
	PID_NOT_NEXT,         /* window 0: not the next id */
};

struct packet_id_recv {
	uint32_t window;      /* n of --replay-window */
	uint32_t time_limit;  /* t of --replay-window, seconds */
	uint32_t highest;     /* highest id accepted, 0 = none yet */
	uint32_t seq_time;    /* long form: timestamp of the current sequence */
	uint64_t *seen;       /* bitmap of the last `window` ids, owned */
	time_t *arrived;      /* per slot: when that id was surpassed, owned */
	time_t highest_time;  /* when `highest` arrived */
};

/*
 * Next id to send (short form); false when the counter is exhausted
 * (0xFFFFFFFF was already sent): the key must not be used any more.
 */
bool packet_id_send_next(struct packet_id_send *s, uint32_t *id);
/*
 * Long form: sets the sequence timestamp at the first call. When the id is
 * exhausted and `now` is later than the sequence timestamp, a new sequence
 * starts (id 1, timestamp now), which receivers accept; false otherwise.
 */
bool packet_id_send_next_long(struct packet_id_send *s, uint32_t *id, uint32_t *time_out,
			      uint32_t now);
static inline bool packet_id_wants_reneg(const struct packet_id_send *s)
{
	return s->id >= PACKET_ID_RENEG_AT;
}

/*
 * Allocates the window once; `r` need not be initialised. Returns 0 or
 * -ENOMEM / -EINVAL (window > PACKET_ID_WINDOW_MAX).
 */
int packet_id_recv_init(struct packet_id_recv *r, uint32_t window, uint32_t time_limit);
/* Frees the window; safe on a zeroed or already freed struct. */
void packet_id_recv_free(struct packet_id_recv *r);
/* Check without recording (call before authentication is complete ... */
enum packet_id_verdict packet_id_check(const struct packet_id_recv *r, uint32_t id,
				       uint32_t pkt_time, bool long_form, time_t now);
/* ... and record after the packet authenticated). Only call it for a packet
 * that packet_id_check() accepted. */
void packet_id_record(struct packet_id_recv *r, uint32_t id, uint32_t pkt_time,
		      bool long_form, time_t now);
const char *packet_id_verdict_str(enum packet_id_verdict v);

#endif
