/* Outgoing packet ids and the incoming replay window. */
#include "packet_id.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool packet_id_send_next(struct packet_id_send *s, uint32_t *id)
{
	/* Wrapping to 0 would reuse AEAD nonces: the key is spent instead. */
	if (s->id == UINT32_MAX)
		return false;
	*id = ++s->id;
	return true;
}

bool packet_id_send_next_long(struct packet_id_send *s, uint32_t *id, uint32_t *time_out,
			      uint32_t now)
{
	if (s->time == 0)
		s->time = now;
	if (s->id == UINT32_MAX) {
		/* Receivers accept a newer timestamp as a fresh sequence; an
		 * equal one would make id 1 look like an old packet. */
		if (now <= s->time)
			return false;
		s->time = now;
		s->id = 0;
	}
	*id = ++s->id;
	*time_out = s->time;
	return true;
}

int packet_id_recv_init(struct packet_id_recv *r, uint32_t window, uint32_t time_limit)
{
	size_t words = ((size_t)window + 63) / 64;

	memset(r, 0, sizeof(*r));
	if (window > PACKET_ID_WINDOW_MAX)
		return -EINVAL;
	r->window = window;
	r->time_limit = time_limit;
	if (window == 0)
		return 0;
	r->seen = calloc(words, sizeof(*r->seen));
	r->arrived = calloc(window, sizeof(*r->arrived));
	if (!r->seen || !r->arrived) {
		packet_id_recv_free(r);
		return -ENOMEM;
	}
	return 0;
}

void packet_id_recv_free(struct packet_id_recv *r)
{
	free(r->seen);
	free(r->arrived);
	r->seen = NULL;
	r->arrived = NULL;
}

static bool seen_get(const struct packet_id_recv *r, uint32_t slot)
{
	return r->seen[slot / 64] & (UINT64_C(1) << (slot % 64));
}

static void seen_set(struct packet_id_recv *r, uint32_t slot, bool on)
{
	uint64_t bit = UINT64_C(1) << (slot % 64);

	if (on)
		r->seen[slot / 64] |= bit;
	else
		r->seen[slot / 64] &= ~bit;
}

/* Rules for a sequence that has not accepted anything yet. */
static enum packet_id_verdict check_fresh(const struct packet_id_recv *r, uint32_t id)
{
	if (r->window == 0 && id != 1)
		return PID_NOT_NEXT;
	return PID_OK;
}

enum packet_id_verdict packet_id_check(const struct packet_id_recv *r, uint32_t id,
				       uint32_t pkt_time, bool long_form, time_t now)
{
	uint32_t slot;
	time_t surpassed;

	if (id == 0)
		return PID_ZERO;
	if (long_form) {
		if (pkt_time < r->seq_time)
			return PID_OLD_TIME;
		if (pkt_time > r->seq_time)
			return check_fresh(r, id);
	}
	if (r->window == 0)
		/* highest + 1 wraps to 0 after 0xFFFFFFFF, which never matches. */
		return id == r->highest + 1 ? PID_OK : PID_NOT_NEXT;
	if (id > r->highest)
		return PID_OK;
	if (r->highest - id >= r->window)
		return PID_TOO_OLD;
	slot = id % r->window;
	if (seen_get(r, slot))
		return PID_REPLAY;
	surpassed = r->arrived[slot];
	if (r->time_limit && now > surpassed && now - surpassed > (time_t)r->time_limit)
		return PID_EXPIRED;
	return PID_OK;
}

/*
 * Move the window up to `id`. Every id skipped on the way is stamped with
 * `now`: that is when a higher id first arrived, which starts its expiry.
 */
static void advance(struct packet_id_recv *r, uint32_t id, time_t now)
{
	uint32_t gap = id - r->highest;
	uint32_t slot, i;

	if (gap >= r->window) {
		memset(r->seen, 0, ((size_t)r->window + 63) / 64 * sizeof(*r->seen));
		for (i = 0; i < r->window; i++)
			r->arrived[i] = now;
		return;
	}
	slot = r->highest % r->window;
	for (i = 0; i < gap; i++) {
		if (++slot == r->window)
			slot = 0;
		seen_set(r, slot, false);
		r->arrived[slot] = now;
	}
}

void packet_id_record(struct packet_id_recv *r, uint32_t id, uint32_t pkt_time,
		      bool long_form, time_t now)
{
	if (id == 0)
		return;
	if (long_form) {
		if (pkt_time < r->seq_time)
			return;
		if (pkt_time > r->seq_time) {
			r->seq_time = pkt_time;
			r->highest = 0;
			if (r->seen)
				memset(r->seen, 0,
				       ((size_t)r->window + 63) / 64 * sizeof(*r->seen));
		}
	}
	if (id > r->highest) {
		if (r->window)
			advance(r, id, now);
		r->highest = id;
		r->highest_time = now;
	} else if (r->highest - id >= r->window) {
		return;
	}
	if (r->window)
		seen_set(r, id % r->window, true);
}

const char *packet_id_verdict_str(enum packet_id_verdict v)
{
	switch (v) {
	case PID_OK:
		return "ok";
	case PID_ZERO:
		return "packet id 0";
	case PID_REPLAY:
		return "replayed packet id";
	case PID_TOO_OLD:
		return "packet id below the replay window";
	case PID_EXPIRED:
		return "packet id older than the replay time limit";
	case PID_OLD_TIME:
		return "packet id timestamp older than the current sequence";
	case PID_NOT_NEXT:
		return "packet id out of sequence";
	}
	return "unknown packet id verdict";
}
