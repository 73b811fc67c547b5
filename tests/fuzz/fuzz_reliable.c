/*
 * The reliable transport as a state machine: one struct reliable per input,
 * driven by a sequence of operations decoded from the input. Packets from
 * the network go through reliable_pkt_parse() and then, as ssl.c does,
 * their ACKs into reliable_ack_received() and their message into
 * reliable_recv(); the local side enqueues, sends, delivers and takes ACKs.
 *
 * After every operation the ring buffers are checked against reliable.h:
 * windows never exceed their size, every active slot sits where its id
 * says, the send base is always an unacknowledged message, and messages
 * are delivered exactly once, in id order, with the payload that was
 * stored.
 *
 * Input: send window, receive window, timeout, then operations
 * (one selector byte and its arguments each).
 */
#include <errno.h>

#include "fuzz_common.h"
#include "reliable.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_log_init();
	return 0;
}

struct model {
	struct reliable rel;
	uint64_t now;
	uint32_t delivered;     /* next id reliable_recv_peek() may return */
};

static void check_invariants(const struct model *m)
{
	const struct reliable *r = &m->rel;
	uint32_t in_flight = r->next_send_id - r->send_base;
	size_t i;

	FUZZ_CHECK(r->send_window >= 1 && r->send_window <= RELIABLE_SEND_WINDOW);
	FUZZ_CHECK(r->recv_window >= 1 && r->recv_window <= RELIABLE_RECV_WINDOW);
	FUZZ_CHECK(in_flight <= r->send_window);
	FUZZ_CHECK(reliable_send_room(r) == r->send_window - in_flight);
	FUZZ_CHECK(r->send_head < RELIABLE_SEND_WINDOW && r->recv_head < RELIABLE_RECV_WINDOW);
	FUZZ_CHECK(r->n_ack_queue <= RELIABLE_ACK_QUEUE && r->n_ack_mru <= RELIABLE_ACK_MRU);
	FUZZ_CHECK(r->recv_expected == m->delivered);
	FUZZ_CHECK(reliable_send_idle(r) == (in_flight == 0));
	if (in_flight)
		FUZZ_CHECK(r->send[r->send_head].active &&
			   r->send[r->send_head].msg_id == r->send_base);
	for (i = 0; i < RELIABLE_SEND_WINDOW; i++) {
		const struct reliable_msg *s = &r->send[i];
		uint32_t d = s->msg_id - r->send_base;

		if (!s->active)
			continue;
		FUZZ_CHECK(d < in_flight);
		FUZZ_CHECK((r->send_head + d) % RELIABLE_SEND_WINDOW == i);
		FUZZ_CHECK(s->len <= RELIABLE_PAYLOAD_MAX);
		FUZZ_CHECK(!reliable_send_is_acked(r, s->msg_id));
	}
	for (i = 0; i < RELIABLE_RECV_WINDOW; i++) {
		const struct reliable_msg *s = &r->recv[i];
		uint32_t d = s->msg_id - r->recv_expected;

		if (!s->active)
			continue;
		FUZZ_CHECK(d < r->recv_window);
		FUZZ_CHECK((r->recv_head + d) % RELIABLE_RECV_WINDOW == i);
		FUZZ_CHECK(s->len <= RELIABLE_PAYLOAD_MAX);
	}
	/* The MRU holds no id twice. */
	for (i = 0; i < r->n_ack_mru; i++) {
		size_t j;

		for (j = i + 1; j < r->n_ack_mru; j++)
			FUZZ_CHECK(r->ack_mru[i] != r->ack_mru[j]);
	}
}

/* A payload we can recognise later: its first bytes repeat its id. */
static void fill_payload(uint8_t *p, size_t len, uint32_t id)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(id >> (8 * (i % 4))) ^ (uint8_t)i;
}

static void on_recv(struct model *m, uint8_t opcode, uint32_t id, const uint8_t *p,
		    size_t len)
{
	struct reliable *r = &m->rel;
	bool before = (int32_t)(id - r->recv_expected) < 0;
	bool in_window = !before && id - r->recv_expected < r->recv_window;
	size_t q = r->n_ack_queue;
	enum reliable_recv_result res = reliable_recv(r, opcode, id, p, len);

	fuzz_trace("recv id %u (expected %u, %zu bytes): %d", id, r->recv_expected, len, res);

	switch (res) {
	case RELIABLE_RECV_NEW:
		FUZZ_CHECK(in_window && len <= RELIABLE_PAYLOAD_MAX);
		break;
	case RELIABLE_RECV_DUP:
		FUZZ_CHECK(before || in_window);
		break;
	case RELIABLE_RECV_DROP:
		FUZZ_CHECK(!before && !in_window && r->n_ack_queue == q);
		break;
	case RELIABLE_RECV_TOO_BIG:
		FUZZ_CHECK(len > RELIABLE_PAYLOAD_MAX && r->n_ack_queue == q);
		break;
	default:
		FUZZ_CHECK(!"unknown reliable_recv result");
	}
}

/* A packet from the peer, as ssl.c takes it apart. */
static void op_packet(struct model *m, struct fz *f)
{
	size_t want = fz_u16(f) % 2200, len, i;
	const uint8_t *data = fz_bytes(f, want, &len);
	struct reliable_pkt pkt;
	uint8_t *copy = malloc(len + 1);

	/* A heap copy of exactly len bytes: reads past the packet are caught. */
	if (!copy)
		abort();
	memcpy(copy, data, len);
	if (reliable_pkt_parse(&pkt, copy, len) == 0) {
		for (i = 0; i < pkt.n_acks; i++)
			reliable_ack_received(&m->rel, pkt.acks[i]);
		if (pkt.has_msg_id)
			on_recv(m, pkt.opcode, pkt.msg_id, pkt.payload, pkt.payload_len);
	}
	free(copy);
}

/* A message id near the window, so that short inputs reach every case. */
static uint32_t near(struct fz *f, uint32_t base)
{
	int8_t d = (int8_t)fz_u8(f);

	return d == INT8_MIN ? fz_u32(f) : base + (uint32_t)(int32_t)d;
}

static void op_recv_direct(struct model *m, struct fz *f)
{
	uint32_t id = near(f, m->rel.recv_expected);
	size_t len = fz_u16(f) % (RELIABLE_PAYLOAD_MAX + 8);
	uint8_t *p = malloc(len + 1);

	if (!p)
		abort();
	fill_payload(p, len, id);
	on_recv(m, P_CONTROL_V1, id, p, len);
	free(p);
}

/* Deliver what is in order; each delivery is the next id, once. */
static void op_deliver(struct model *m, struct fz *f)
{
	unsigned int max = fz_u8(f) % 16 + 1;
	const struct reliable_msg *msg;

	while (max-- && (msg = reliable_recv_peek(&m->rel)) != NULL) {
		FUZZ_CHECK(msg->active && msg->msg_id == m->delivered);
		FUZZ_CHECK(msg->len <= RELIABLE_PAYLOAD_MAX);
		reliable_recv_pop(&m->rel);
		m->delivered++;
	}
	/* pop without a message is a no-op */
	if (!reliable_recv_peek(&m->rel)) {
		reliable_recv_pop(&m->rel);
		FUZZ_CHECK(m->rel.recv_expected == m->delivered);
	}
}

static void op_enqueue(struct model *m, struct fz *f)
{
	uint8_t opcode = fz_u8(f) & 0x1f;
	size_t len = fz_u16(f) % (RELIABLE_PAYLOAD_MAX + 8);
	uint32_t room = reliable_send_room(&m->rel), next = m->rel.next_send_id, id = 0;
	uint8_t *p = malloc(len + 1);
	int ret;

	if (!p)
		abort();
	fill_payload(p, len, next);
	ret = reliable_send_enqueue(&m->rel, opcode, p, len, &id);
	if (opcode == P_ACK_V1 || !reliable_opcode_is_control(opcode))
		FUZZ_CHECK(ret == -EINVAL);
	else if (len > RELIABLE_PAYLOAD_MAX)
		FUZZ_CHECK(ret == -EMSGSIZE);
	else if (!room)
		FUZZ_CHECK(ret == -EAGAIN);
	else
		FUZZ_CHECK(ret == 0 && id == next && m->rel.next_send_id == next + 1);
	if (ret)
		FUZZ_CHECK(m->rel.next_send_id == next);
	free(p);
}

static void op_send(struct model *m, struct fz *f)
{
	unsigned int max = fz_u8(f) % 8 + 1;
	const struct reliable_msg *msg;
	uint8_t expect[RELIABLE_PAYLOAD_MAX];

	m->now += fz_u16(f) * 16u;
	while (max-- && (msg = reliable_next_to_send(&m->rel, m->now)) != NULL) {
		FUZZ_CHECK(msg->active && msg->n_sent > 0);
		FUZZ_CHECK(msg->msg_id - m->rel.send_base < m->rel.next_send_id - m->rel.send_base);
		FUZZ_CHECK(msg->next_try_ms > m->now);
		fill_payload(expect, msg->len, msg->msg_id);
		FUZZ_CHECK(memcmp(msg->data, expect, msg->len) == 0);
	}
	FUZZ_CHECK(reliable_next_timeout(&m->rel, m->now) >= -1);
}

static void op_ack_direct(struct model *m, struct fz *f)
{
	uint32_t id = near(f, m->rel.send_base);
	bool was_in_flight = id - m->rel.send_base < m->rel.next_send_id - m->rel.send_base &&
			     !reliable_send_is_acked(&m->rel, id);
	int ret = reliable_ack_received(&m->rel, id);

	FUZZ_CHECK(ret == (was_in_flight ? 0 : -ENOENT));
	if (was_in_flight)
		FUZZ_CHECK(reliable_send_is_acked(&m->rel, id));
}

static void op_acks_take(struct model *m, struct fz *f)
{
	size_t max = fz_u8(f) % (RELIABLE_MAX_ACKS + 3), n, i, j;
	uint32_t ids[RELIABLE_MAX_ACKS + 3];
	bool pending = reliable_ack_pending(&m->rel);

	n = reliable_acks_take(&m->rel, ids, max);
	FUZZ_CHECK(n <= max && n <= RELIABLE_MAX_ACKS);
	if (pending && max)
		FUZZ_CHECK(n > 0);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			FUZZ_CHECK(ids[i] != ids[j]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct model *m = calloc(1, sizeof(*m));
	unsigned int ops = 0;

	if (!m)
		abort();
	if (reliable_init(&m->rel, fz_u8(&f) % (RELIABLE_SEND_WINDOW + 2),
			  fz_u8(&f) % (RELIABLE_RECV_WINDOW + 2), fz_u16(&f)) != 0)
		goto out;
	m->now = 1000;
	while (f.n && ops++ < 4096) {
		switch (fz_u8(&f) % 11) {
		case 0: op_packet(m, &f); break;
		case 1: op_recv_direct(m, &f); break;
		case 2: op_deliver(m, &f); break;
		case 3: op_enqueue(m, &f); break;
		case 4: op_send(m, &f); break;
		case 5: op_ack_direct(m, &f); break;
		case 6: op_acks_take(m, &f); break;
		case 7: reliable_send_all_now(&m->rel); break;
		case 8: reliable_send_is_acked(&m->rel, near(&f, m->rel.send_base)); break;
		case 9: reliable_ack_pending(&m->rel); break;
		case 10: m->now += fz_u32(&f); break;
		}
		check_invariants(m);
	}
out:
	free(m);
	return 0;
}
