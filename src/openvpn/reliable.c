/* Control packet codec and the reliable transport of one key state. */
#include "reliable.h"

#include <errno.h>
#include <string.h>

/* ---- codec ---------------------------------------------------------------- */

bool reliable_opcode_is_control(uint8_t opcode)
{
	switch (opcode) {
	case P_CONTROL_SOFT_RESET_V1:
	case P_CONTROL_V1:
	case P_ACK_V1:
	case P_CONTROL_HARD_RESET_CLIENT_V2:
	case P_CONTROL_HARD_RESET_SERVER_V2:
	case P_CONTROL_HARD_RESET_CLIENT_V3:
	case P_CONTROL_WKC_V1:
		return true;
	default:
		return false;
	}
}

size_t reliable_pkt_hdr_len(uint8_t opcode, size_t n_acks)
{
	return RELIABLE_PREFIX_LEN + reliable_ack_block_len(n_acks) +
	       (opcode == P_ACK_V1 ? 0 : RELIABLE_MSG_ID_LEN);
}

static bool sid_is_zero(const uint8_t *sid)
{
	static const uint8_t zero[RELIABLE_SID_LEN];

	return memcmp(sid, zero, RELIABLE_SID_LEN) == 0;
}

int reliable_pkt_parse(struct reliable_pkt *pkt, const uint8_t *data, size_t len)
{
	size_t pos = RELIABLE_PREFIX_LEN;
	unsigned int i;

	memset(pkt, 0, sizeof(*pkt));
	if (len < RELIABLE_PREFIX_LEN + 1)
		return -EBADMSG;
	pkt->opcode = data[0] >> P_OPCODE_SHIFT;
	pkt->key_id = data[0] & P_KEY_ID_MASK;
	if (pkt->opcode == P_CONTROL_HARD_RESET_CLIENT_V1 ||
	    pkt->opcode == P_CONTROL_HARD_RESET_SERVER_V1)
		return -EPROTONOSUPPORT;
	if (!reliable_opcode_is_control(pkt->opcode))
		return -EINVAL;
	memcpy(pkt->sid, data + 1, RELIABLE_SID_LEN);
	if (sid_is_zero(pkt->sid))
		return -EBADMSG;
	pkt->n_acks = data[pos++];
	if (pkt->n_acks > RELIABLE_MAX_ACKS)
		return -EBADMSG;
	if (len < reliable_pkt_hdr_len(pkt->opcode, pkt->n_acks))
		return -EBADMSG;
	for (i = 0; i < pkt->n_acks; i++, pos += 4)
		pkt->acks[i] = get_be32(data + pos);
	if (pkt->n_acks) {
		memcpy(pkt->remote_sid, data + pos, RELIABLE_SID_LEN);
		pos += RELIABLE_SID_LEN;
	}
	if (pkt->opcode != P_ACK_V1) {
		pkt->has_msg_id = true;
		pkt->msg_id = get_be32(data + pos);
		pos += RELIABLE_MSG_ID_LEN;
	} else if (pos != len) {
		/* An ACK_V1 has nothing after its ACK block. */
		return -EBADMSG;
	}
	pkt->payload = data + pos;
	pkt->payload_len = len - pos;
	return 0;
}

int reliable_pkt_build(struct buf *b, const struct reliable_pkt *pkt)
{
	size_t hdr;
	uint8_t *p;
	unsigned int i;

	if (!reliable_opcode_is_control(pkt->opcode) || pkt->key_id > P_KEY_ID_MASK ||
	    pkt->n_acks > RELIABLE_MAX_ACKS)
		return -EINVAL;
	if (pkt->opcode == P_ACK_V1 && buf_len(b) != 0)
		return -EINVAL;
	hdr = reliable_pkt_hdr_len(pkt->opcode, pkt->n_acks);
	p = buf_push(b, hdr);
	if (!p)
		return -ENOSPC;
	*p++ = (uint8_t)(pkt->opcode << P_OPCODE_SHIFT | pkt->key_id);
	memcpy(p, pkt->sid, RELIABLE_SID_LEN);
	p += RELIABLE_SID_LEN;
	*p++ = pkt->n_acks;
	for (i = 0; i < pkt->n_acks; i++, p += 4)
		put_be32(p, pkt->acks[i]);
	if (pkt->n_acks) {
		memcpy(p, pkt->remote_sid, RELIABLE_SID_LEN);
		p += RELIABLE_SID_LEN;
	}
	if (pkt->opcode != P_ACK_V1)
		put_be32(p, pkt->msg_id);
	return 0;
}

/* ---- reliable transport --------------------------------------------------- */

/* Message ids are 32-bit sequence numbers: compare modulo 2^32. */
static bool id_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

int reliable_init(struct reliable *rel, uint32_t send_window, uint32_t recv_window,
		  uint32_t timeout_ms)
{
	if (send_window > RELIABLE_SEND_WINDOW || recv_window > RELIABLE_RECV_WINDOW)
		return -EINVAL;
	memset(rel, 0, sizeof(*rel));
	rel->send_window = send_window ? send_window : RELIABLE_SEND_WINDOW;
	rel->recv_window = recv_window ? recv_window : RELIABLE_RECV_WINDOW;
	rel->timeout_ms = timeout_ms ? timeout_ms : RELIABLE_TIMEOUT_DEFAULT_MS;
	return 0;
}

/* Slot index of an id in [send_base, next_send_id]; the window keeps it in range. */
static uint32_t send_idx(const struct reliable *rel, uint32_t id)
{
	return (rel->send_head + (id - rel->send_base)) % RELIABLE_SEND_WINDOW;
}

static struct reliable_msg *send_slot(struct reliable *rel, uint32_t id)
{
	return &rel->send[send_idx(rel, id)];
}

/* Slot of an id in [recv_expected, recv_expected + recv_window). */
static struct reliable_msg *recv_slot(struct reliable *rel, uint32_t id)
{
	return &rel->recv[(rel->recv_head + (id - rel->recv_expected)) % RELIABLE_RECV_WINDOW];
}

uint32_t reliable_send_room(const struct reliable *rel)
{
	uint32_t in_flight = rel->next_send_id - rel->send_base;

	return in_flight < rel->send_window ? rel->send_window - in_flight : 0;
}

int reliable_send_enqueue(struct reliable *rel, uint8_t opcode, const void *payload,
			  size_t len, uint32_t *msg_id)
{
	struct reliable_msg *m;

	if (opcode == P_ACK_V1 || !reliable_opcode_is_control(opcode))
		return -EINVAL;
	if (len > RELIABLE_PAYLOAD_MAX)
		return -EMSGSIZE;
	if (!reliable_send_room(rel))
		return -EAGAIN;
	m = send_slot(rel, rel->next_send_id);
	m->active = true;
	m->opcode = opcode;
	m->msg_id = rel->next_send_id++;
	m->next_try_ms = 0;
	m->timeout_ms = rel->timeout_ms;
	m->later_acks = 0;
	m->n_sent = 0;
	m->len = len;
	if (len)
		memcpy(m->data, payload, len);
	if (msg_id)
		*msg_id = m->msg_id;
	return 0;
}

const struct reliable_msg *reliable_next_to_send(struct reliable *rel, uint64_t now_ms)
{
	uint32_t id;

	/* Lowest id first, so a burst of due packets leaves in order. */
	for (id = rel->send_base; id != rel->next_send_id; id++) {
		struct reliable_msg *m = send_slot(rel, id);

		if (!m->active || m->next_try_ms > now_ms)
			continue;
		m->next_try_ms = now_ms + m->timeout_ms;
		/* 2.6 doubles without a cap; --hand-window ends the attempt long
		 * before this saturates. */
		m->timeout_ms = m->timeout_ms > UINT32_MAX / 2 ? UINT32_MAX : m->timeout_ms * 2;
		m->later_acks = 0;
		m->n_sent++;
		return m;
	}
	return NULL;
}

int64_t reliable_next_timeout(const struct reliable *rel, uint64_t now_ms)
{
	int64_t best = -1;
	uint32_t id;

	for (id = rel->send_base; id != rel->next_send_id; id++) {
		const struct reliable_msg *m = &rel->send[send_idx(rel, id)];
		int64_t wait;

		if (!m->active)
			continue;
		wait = m->next_try_ms <= now_ms ? 0 : (int64_t)(m->next_try_ms - now_ms);
		if (best < 0 || wait < best)
			best = wait;
	}
	return best;
}

/* Slide the window base past ids that are no longer in flight. */
static void advance_send_base(struct reliable *rel)
{
	while (rel->send_base != rel->next_send_id && !send_slot(rel, rel->send_base)->active) {
		rel->send_base++;
		rel->send_head = (rel->send_head + 1) % RELIABLE_SEND_WINDOW;
	}
}

int reliable_ack_received(struct reliable *rel, uint32_t msg_id)
{
	bool found = false;
	uint32_t id;

	for (id = rel->send_base; id != rel->next_send_id; id++) {
		struct reliable_msg *m = send_slot(rel, id);

		if (!m->active)
			continue;
		if (id == msg_id) {
			m->active = false;
			found = true;
		} else if (id_before(id, msg_id) &&
			   ++m->later_acks >= RELIABLE_FAST_RETRANSMIT) {
			/* Later packets got through but this one did not: resend
			 * without waiting for its timer. */
			m->next_try_ms = 0;
			m->later_acks = 0;
		}
	}
	advance_send_base(rel);
	return found ? 0 : -ENOENT;
}

void reliable_send_all_now(struct reliable *rel)
{
	uint32_t id;

	for (id = rel->send_base; id != rel->next_send_id; id++) {
		struct reliable_msg *m = send_slot(rel, id);

		if (!m->active)
			continue;
		m->next_try_ms = 0;
		m->timeout_ms = rel->timeout_ms;
	}
}

bool reliable_send_is_acked(const struct reliable *rel, uint32_t msg_id)
{
	if (!id_before(msg_id, rel->next_send_id))
		return false;
	if (id_before(msg_id, rel->send_base))
		return true;
	return !rel->send[send_idx(rel, msg_id)].active;
}

bool reliable_send_idle(const struct reliable *rel)
{
	return rel->send_base == rel->next_send_id;
}

/* Queue an ACK for msg_id unless it is queued already. A full queue drops
 * it: the peer retransmits and we acknowledge then. */
static void ack_queue_add(struct reliable *rel, uint32_t msg_id)
{
	size_t i;

	for (i = 0; i < rel->n_ack_queue; i++)
		if (rel->ack_queue[i] == msg_id)
			return;
	if (rel->n_ack_queue < RELIABLE_ACK_QUEUE)
		rel->ack_queue[rel->n_ack_queue++] = msg_id;
}

enum reliable_recv_result reliable_recv(struct reliable *rel, uint8_t opcode, uint32_t msg_id,
					const void *payload, size_t len)
{
	struct reliable_msg *m;

	if (id_before(msg_id, rel->recv_expected)) {
		/* Delivered already; our ACK must have been lost. */
		ack_queue_add(rel, msg_id);
		return RELIABLE_RECV_DUP;
	}
	if (msg_id - rel->recv_expected >= rel->recv_window)
		return RELIABLE_RECV_DROP;
	if (len > RELIABLE_PAYLOAD_MAX)
		return RELIABLE_RECV_TOO_BIG;
	ack_queue_add(rel, msg_id);
	m = recv_slot(rel, msg_id);
	if (m->active)
		return RELIABLE_RECV_DUP;
	m->active = true;
	m->opcode = opcode;
	m->msg_id = msg_id;
	m->len = len;
	if (len)
		memcpy(m->data, payload, len);
	return RELIABLE_RECV_NEW;
}

const struct reliable_msg *reliable_recv_peek(const struct reliable *rel)
{
	const struct reliable_msg *m = &rel->recv[rel->recv_head];

	return m->active ? m : NULL;
}

void reliable_recv_pop(struct reliable *rel)
{
	struct reliable_msg *m = recv_slot(rel, rel->recv_expected);

	if (!m->active)
		return;
	m->active = false;
	rel->recv_expected++;
	rel->recv_head = (rel->recv_head + 1) % RELIABLE_RECV_WINDOW;
}

bool reliable_ack_pending(const struct reliable *rel)
{
	return rel->n_ack_queue > 0;
}

static bool id_in(const uint32_t *ids, size_t n, uint32_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* Remember an ACK we sent, newest first, without duplicates. */
static void ack_mru_push(struct reliable *rel, uint32_t msg_id)
{
	size_t i, n = rel->n_ack_mru;

	for (i = 0; i < n && rel->ack_mru[i] != msg_id; i++)
		;
	if (i == n)
		i = n < RELIABLE_ACK_MRU ? n++ : n - 1;
	memmove(rel->ack_mru + 1, rel->ack_mru, i * sizeof(rel->ack_mru[0]));
	rel->ack_mru[0] = msg_id;
	rel->n_ack_mru = n;
}

size_t reliable_acks_take(struct reliable *rel, uint32_t *ids, size_t max)
{
	size_t n = 0, fresh, i;

	if (max > RELIABLE_MAX_ACKS)
		max = RELIABLE_MAX_ACKS;
	while (n < max && rel->n_ack_queue)
		ids[n++] = rel->ack_queue[--rel->n_ack_queue];
	fresh = n;
	for (i = 0; i < rel->n_ack_mru && n < max; i++)
		if (!id_in(ids, fresh, rel->ack_mru[i]))
			ids[n++] = rel->ack_mru[i];
	/* Oldest first, so the newest ends up in front. */
	for (i = fresh; i > 0; i--)
		ack_mru_push(rel, ids[i - 1]);
	return n;
}
