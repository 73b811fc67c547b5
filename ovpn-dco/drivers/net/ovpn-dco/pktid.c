// SPDX-License-Identifier: GPL-2.0-only
/*
 * Packet ids. Transmit ids start at 1 and must never wrap: a repeated id
 * would repeat a nonce under the same key. Receive ids are checked after
 * authentication against a sliding window of OVPN_REPLAY_WINDOW ids.
 */

#include <linux/bitmap.h>
#include <linux/errno.h>
#include <linux/jiffies.h>

#include "pktid.h"

void ovpn_pktid_xmit_init(struct ovpn_pktid_xmit *pid)
{
	atomic64_set(&pid->seq, 0);
}

int ovpn_pktid_xmit_next(struct ovpn_pktid_xmit *pid, u32 *id)
{
	u64 seq = atomic64_inc_return(&pid->seq);

	if (unlikely(seq > U32_MAX))
		return -ERANGE;
	*id = (u32)seq;
	return 0;
}

void ovpn_pktid_recv_init(struct ovpn_pktid_recv *pr)
{
	spin_lock_init(&pr->lock);
	pr->highest = 0;
	pr->last_accept = jiffies;
	bitmap_zero(pr->seen, OVPN_REPLAY_WINDOW);
}

static void ovpn_pktid_advance(struct ovpn_pktid_recv *pr, u32 id)
{
	u32 step = id - pr->highest;
	u32 i;

	if (step >= OVPN_REPLAY_WINDOW) {
		bitmap_zero(pr->seen, OVPN_REPLAY_WINDOW);
	} else {
		for (i = pr->highest + 1; i != id; i++)
			__clear_bit(i % OVPN_REPLAY_WINDOW, pr->seen);
	}
	pr->highest = id;
}

/* Returns 0 when @id is new and inside the window (and records it). */
int ovpn_pktid_recv(struct ovpn_pktid_recv *pr, u32 id)
{
	unsigned long now = jiffies;
	int ret = 0;

	if (unlikely(!id))
		return -EINVAL;

	spin_lock_bh(&pr->lock);
	if (id > pr->highest) {
		ovpn_pktid_advance(pr, id);
	} else if (pr->highest - id >= OVPN_REPLAY_WINDOW ||
		   time_after(now, pr->last_accept + OVPN_REPLAY_TIMEOUT)) {
		ret = -ERANGE;
		goto out;
	} else if (test_bit(id % OVPN_REPLAY_WINDOW, pr->seen)) {
		ret = -EEXIST;
		goto out;
	}
	__set_bit(id % OVPN_REPLAY_WINDOW, pr->seen);
	pr->last_accept = now;
out:
	spin_unlock_bh(&pr->lock);
	return ret;
}
