/* Keepalive timers and the ping payload. */
#include "ping.h"

#include <string.h>

#include "compat.h"

/* The payload OpenVPN peers recognise as a keepalive and drop. */
const uint8_t ping_magic[PING_MAGIC_LEN] = {
	0x2a, 0x18, 0x7b, 0xf3, 0x64, 0x1e, 0xb4, 0xcb,
	0x07, 0xed, 0x2d, 0x0a, 0x98, 0x1f, 0xc7, 0x48,
};

static void ping_send_due(struct timer *t)
{
	struct ping_state *ps = container_of(t, struct ping_state, send_timer);
	uint64_t now = event_now_ms();
	uint64_t idle = now - ps->last_sent;

	if (idle >= ps->ping_ms) {
		ps->on_event(ps, PING_SEND);
		ps->last_sent = now;
		idle = 0;
	}
	timer_arm(ps->loop, &ps->send_timer, ps->ping_ms - idle);
}

static void ping_recv_due(struct timer *t)
{
	struct ping_state *ps = container_of(t, struct ping_state, recv_timer);
	uint32_t limit = ps->exit_ms ? ps->exit_ms : ps->restart_ms;
	uint64_t idle = event_now_ms() - ps->last_received;

	if (idle >= limit) {
		ps->on_event(ps, ps->exit_ms ? PING_EXIT : PING_RESTART);
		return;
	}
	timer_arm(ps->loop, &ps->recv_timer, limit - idle);
}

static void ping_inactive_due(struct timer *t)
{
	struct ping_state *ps = container_of(t, struct ping_state, inactive_timer);
	uint64_t now = event_now_ms();

	if (ps->inactive_bytes > 0) {
		/* "--inactive n bytes": fewer than `bytes` in the last period */
		if ((int64_t)ps->tun_bytes < ps->inactive_bytes) {
			ps->on_event(ps, PING_INACTIVE);
			return;
		}
		ps->tun_bytes = 0;
		timer_arm(ps->loop, &ps->inactive_timer, ps->inactive_ms);
		return;
	}
	if (now - ps->last_tun_activity >= ps->inactive_ms) {
		ps->on_event(ps, PING_INACTIVE);
		return;
	}
	timer_arm(ps->loop, &ps->inactive_timer,
		  ps->inactive_ms - (now - ps->last_tun_activity));
}

void ping_init(struct ping_state *ps, struct event_loop *loop,
	       void (*on_event)(struct ping_state *ps, enum ping_event ev))
{
	memset(ps, 0, sizeof(*ps));
	ps->loop = loop;
	ps->on_event = on_event;
	timer_init(&ps->send_timer, ping_send_due);
	timer_init(&ps->recv_timer, ping_recv_due);
	timer_init(&ps->inactive_timer, ping_inactive_due);
}

void ping_configure(struct ping_state *ps, int ping, int ping_restart, int ping_exit,
		    int inactive, int64_t inactive_bytes)
{
	ps->ping_ms = (uint32_t)ping * 1000;
	ps->restart_ms = (uint32_t)ping_restart * 1000;
	ps->exit_ms = (uint32_t)ping_exit * 1000;
	ps->inactive_ms = (uint32_t)inactive * 1000;
	ps->inactive_bytes = inactive_bytes;
}

void ping_start_receive_timer(struct ping_state *ps)
{
	uint32_t limit = ps->exit_ms ? ps->exit_ms : ps->restart_ms;

	if (!limit || timer_pending(&ps->recv_timer))
		return;
	ps->last_received = event_now_ms();
	timer_arm(ps->loop, &ps->recv_timer, limit);
}

void ping_start(struct ping_state *ps, bool wait_for_peer)
{
	uint64_t now = event_now_ms();

	ps->last_sent = ps->last_received = ps->last_tun_activity = now;
	ps->tun_bytes = 0;
	if (ps->ping_ms)
		timer_arm(ps->loop, &ps->send_timer, ps->ping_ms);
	if (!wait_for_peer)
		ping_start_receive_timer(ps);
	if (ps->inactive_ms)
		timer_arm(ps->loop, &ps->inactive_timer, ps->inactive_ms);
}

void ping_stop(struct ping_state *ps)
{
	timer_cancel(ps->loop, &ps->send_timer);
	timer_cancel(ps->loop, &ps->recv_timer);
	timer_cancel(ps->loop, &ps->inactive_timer);
}

bool ping_is_ping(const struct buf *b)
{
	return buf_len(b) == PING_MAGIC_LEN &&
	       memcmp(buf_data(b), ping_magic, PING_MAGIC_LEN) == 0;
}

bool ping_build(struct buf *b)
{
	return buf_write(b, ping_magic, PING_MAGIC_LEN);
}

const uint8_t occ_magic[OCC_MAGIC_LEN] = {
	0x28, 0x7f, 0x34, 0x6b, 0xd4, 0xef, 0x7a, 0x81,
	0x2d, 0x56, 0xb8, 0xd3, 0xaf, 0xc5, 0x45, 0x9c,
};

bool occ_is_message(const struct buf *b, uint8_t *opcode)
{
	if (buf_len(b) <= OCC_MAGIC_LEN || memcmp(buf_data(b), occ_magic, OCC_MAGIC_LEN) != 0)
		return false;
	if (opcode)
		*opcode = buf_data(b)[OCC_MAGIC_LEN];
	return true;
}
