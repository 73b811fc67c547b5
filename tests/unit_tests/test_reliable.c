/* Control packet codec and the reliable transport, incl. a lossy-link simulation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "buf.h"
#include "reliable.h"

static const uint8_t client_sid[8] = { 0xf6, 0x4e, 0x6a, 0x09, 0x2f, 0x3b, 0x75, 0x95 };
static const uint8_t server_sid[8] = { 0x3e, 0x78, 0x61, 0xb6, 0xc9, 0x8c, 0xa2, 0xc8 };

/* ---- codec ---------------------------------------------------------------- */

/* Plain packets from the protocol reference captures (wrap fields removed). */
static const uint8_t client_reset[14] = {
	0x38, 0xf6, 0x4e, 0x6a, 0x09, 0x2f, 0x3b, 0x75, 0x95, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t server_reset[26] = {
	0x40, 0x3e, 0x78, 0x61, 0xb6, 0xc9, 0x8c, 0xa2, 0xc8,
	0x01, 0x00, 0x00, 0x00, 0x00, 0xf6, 0x4e, 0x6a, 0x09, 0x2f, 0x3b, 0x75, 0x95,
	0x00, 0x00, 0x00, 0x00,
};
static const uint8_t ack_v1[22] = {
	0x28, 0xf6, 0x4e, 0x6a, 0x09, 0x2f, 0x3b, 0x75, 0x95,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x3e, 0x78, 0x61, 0xb6, 0xc9, 0x8c, 0xa2, 0xc8,
};

static void test_parse_minimal_packets(void **state)
{
	struct reliable_pkt p;

	assert_int_equal(reliable_pkt_parse(&p, client_reset, sizeof(client_reset)), 0);
	assert_int_equal(p.opcode, P_CONTROL_HARD_RESET_CLIENT_V2);
	assert_int_equal(p.key_id, 0);
	assert_memory_equal(p.sid, client_sid, 8);
	assert_int_equal(p.n_acks, 0);
	assert_true(p.has_msg_id);
	assert_int_equal(p.msg_id, 0);
	assert_int_equal(p.payload_len, 0);

	assert_int_equal(reliable_pkt_parse(&p, server_reset, sizeof(server_reset)), 0);
	assert_int_equal(p.opcode, P_CONTROL_HARD_RESET_SERVER_V2);
	assert_memory_equal(p.sid, server_sid, 8);
	assert_int_equal(p.n_acks, 1);
	assert_int_equal(p.acks[0], 0);
	assert_memory_equal(p.remote_sid, client_sid, 8);
	assert_true(p.has_msg_id);
	assert_int_equal(p.payload_len, 0);

	assert_int_equal(reliable_pkt_parse(&p, ack_v1, sizeof(ack_v1)), 0);
	assert_int_equal(p.opcode, P_ACK_V1);
	assert_int_equal(p.n_acks, 1);
	assert_memory_equal(p.remote_sid, server_sid, 8);
	assert_false(p.has_msg_id);
	assert_int_equal(p.payload_len, 0);
}

static void build(struct buf *b, uint8_t *mem, size_t cap, const struct reliable_pkt *p,
		  const void *payload, size_t len)
{
	buf_init(b, mem, cap, 64);
	assert_true(buf_write(b, payload, len));
	assert_int_equal(reliable_pkt_build(b, p), 0);
}

static void test_build_minimal_packets(void **state)
{
	struct reliable_pkt p = { .opcode = P_CONTROL_HARD_RESET_CLIENT_V2 };
	uint8_t mem[256];
	struct buf b;

	memcpy(p.sid, client_sid, 8);
	build(&b, mem, sizeof(mem), &p, NULL, 0);
	assert_int_equal(buf_len(&b), 14);
	assert_memory_equal(buf_data(&b), client_reset, 14);

	memset(&p, 0, sizeof(p));
	p.opcode = P_CONTROL_HARD_RESET_SERVER_V2;
	memcpy(p.sid, server_sid, 8);
	p.n_acks = 1;
	memcpy(p.remote_sid, client_sid, 8);
	build(&b, mem, sizeof(mem), &p, NULL, 0);
	assert_int_equal(buf_len(&b), 26);
	assert_memory_equal(buf_data(&b), server_reset, 26);

	memset(&p, 0, sizeof(p));
	p.opcode = P_ACK_V1;
	memcpy(p.sid, client_sid, 8);
	p.n_acks = 1;
	memcpy(p.remote_sid, server_sid, 8);
	p.msg_id = 77;          /* ignored: an ACK_V1 has no message id */
	build(&b, mem, sizeof(mem), &p, NULL, 0);
	assert_int_equal(buf_len(&b), 22);
	assert_memory_equal(buf_data(&b), ack_v1, 22);
	assert_int_equal(reliable_pkt_hdr_len(P_ACK_V1, 1), 22);
	assert_int_equal(reliable_pkt_hdr_len(P_CONTROL_V1, 0), 14);
	assert_int_equal(reliable_pkt_hdr_len(P_CONTROL_V1, 4), 38);
}

static void test_round_trip_with_payload(void **state)
{
	struct reliable_pkt p = { .opcode = P_CONTROL_V1, .key_id = 5, .n_acks = 4,
				  .acks = { 9, 8, 0xfffffffe, 1 }, .msg_id = 0x01020304 };
	struct reliable_pkt q;
	uint8_t mem[256];
	struct buf b;

	memcpy(p.sid, server_sid, 8);
	memcpy(p.remote_sid, client_sid, 8);
	build(&b, mem, sizeof(mem), &p, "hello tls", 9);
	assert_int_equal(buf_len(&b), 38 + 9);
	assert_int_equal(buf_data(&b)[0], (P_CONTROL_V1 << 3) | 5);
	assert_int_equal(reliable_pkt_parse(&q, buf_data(&b), buf_len(&b)), 0);
	assert_int_equal(q.opcode, P_CONTROL_V1);
	assert_int_equal(q.key_id, 5);
	assert_int_equal(q.n_acks, 4);
	assert_memory_equal(q.acks, p.acks, sizeof(p.acks[0]) * 4);
	assert_int_equal(q.msg_id, 0x01020304);
	assert_int_equal(q.payload_len, 9);
	assert_memory_equal(q.payload, "hello tls", 9);
	assert_ptr_equal(q.payload, buf_data(&b) + 38);
}

/* n_acks 8 is the most a packet may carry; 9 and up are malformed. */
static void test_ack_count_limit(void **state)
{
	uint8_t pkt[9 + 1 + 4 * 12 + 8 + 4];
	struct reliable_pkt p;
	unsigned int n;

	memset(pkt, 0, sizeof(pkt));
	memcpy(pkt + 1, client_sid, 8);
	for (n = 0; n <= 12; n++) {
		size_t len = reliable_pkt_hdr_len(P_CONTROL_V1, n);

		pkt[0] = P_CONTROL_V1 << 3;
		pkt[9] = (uint8_t)n;
		assert_int_equal(reliable_pkt_parse(&p, pkt, len), n <= 8 ? 0 : -EBADMSG);
		pkt[0] = P_ACK_V1 << 3;
		len = reliable_pkt_hdr_len(P_ACK_V1, n);
		assert_int_equal(reliable_pkt_parse(&p, pkt, len), n <= 8 ? 0 : -EBADMSG);
	}
	pkt[9] = 255;
	assert_int_equal(reliable_pkt_parse(&p, pkt, sizeof(pkt)), -EBADMSG);
}

static void assert_all_truncations_fail(const uint8_t *pkt, size_t len)
{
	struct reliable_pkt p;
	size_t n;

	for (n = 0; n < len; n++)
		if (reliable_pkt_parse(&p, pkt, n) != -EBADMSG)
			fail_msg("truncated to %zu of %zu bytes was not rejected", n, len);
}

static void test_truncation(void **state)
{
	uint8_t big[64];
	struct reliable_pkt p;

	assert_all_truncations_fail(client_reset, sizeof(client_reset));
	assert_all_truncations_fail(server_reset, sizeof(server_reset));
	assert_all_truncations_fail(ack_v1, sizeof(ack_v1));
	/* bytes after an ACK_V1 are malformed too */
	memcpy(big, ack_v1, sizeof(ack_v1));
	big[22] = 0;
	assert_int_equal(reliable_pkt_parse(&p, big, 23), -EBADMSG);
	/* an ACK_V1 without ACKs is 10 bytes */
	memcpy(big, ack_v1, 9);
	big[9] = 0;
	assert_int_equal(reliable_pkt_parse(&p, big, 10), 0);
	assert_int_equal(reliable_pkt_parse(&p, big, 11), -EBADMSG);
}

static void test_opcodes(void **state)
{
	uint8_t pkt[64];
	struct reliable_pkt p;
	unsigned int op;

	memset(pkt, 0, sizeof(pkt));
	memcpy(pkt + 1, client_sid, 8);
	for (op = 0; op < 32; op++) {
		int want, got;

		pkt[0] = (uint8_t)(op << 3 | 7);
		got = reliable_pkt_parse(&p, pkt, op == P_ACK_V1 ? 10 : 14);
		if (op == 1 || op == 2)
			want = -EPROTONOSUPPORT;
		else if (op == 3 || op == 4 || op == 5 || op == 7 || op == 8 || op == 10 ||
			 op == 11)
			want = 0;
		else
			want = -EINVAL;
		if (got != want)
			fail_msg("opcode %u: got %d, want %d", op, got, want);
		if (!got)
			assert_int_equal(p.key_id, 7);
	}
	/* an all-zero own session id means "undefined" and is never valid */
	pkt[0] = P_CONTROL_V1 << 3;
	memset(pkt + 1, 0, 8);
	assert_int_equal(reliable_pkt_parse(&p, pkt, 14), -EBADMSG);
}

static void test_build_errors(void **state)
{
	struct reliable_pkt p = { .opcode = P_CONTROL_V1, .n_acks = 1 };
	uint8_t mem[64];
	struct buf b;

	memcpy(p.sid, client_sid, 8);
	/* 26 header bytes do not fit in 25 bytes of headroom: nothing changes */
	buf_init(&b, mem, sizeof(mem), 25);
	assert_true(buf_write(&b, "x", 1));
	assert_int_equal(reliable_pkt_build(&b, &p), -ENOSPC);
	assert_int_equal(buf_len(&b), 1);
	assert_int_equal(buf_headroom(&b), 25);
	buf_init(&b, mem, sizeof(mem), 26);
	assert_int_equal(reliable_pkt_build(&b, &p), 0);

	buf_init(&b, mem, sizeof(mem), 40);
	p.n_acks = 9;
	assert_int_equal(reliable_pkt_build(&b, &p), -EINVAL);
	p.n_acks = 0;
	p.key_id = 8;
	assert_int_equal(reliable_pkt_build(&b, &p), -EINVAL);
	p.key_id = 0;
	p.opcode = P_DATA_V2;
	assert_int_equal(reliable_pkt_build(&b, &p), -EINVAL);
	p.opcode = P_ACK_V1;
	assert_true(buf_write(&b, "x", 1));
	assert_int_equal(reliable_pkt_build(&b, &p), -EINVAL);
}

/* Random bytes: never read out of bounds; whatever parses is self-consistent. */
static void test_random_input(void **state)
{
	uint64_t x = 0x123456789abcdefull;
	uint8_t pkt[96];
	struct reliable_pkt p;
	unsigned int i, accepted = 0;
	size_t len, k;

	for (i = 0; i < 200000; i++) {
		len = (size_t)(x % (sizeof(pkt) + 1));
		for (k = 0; k < len; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			pkt[k] = (uint8_t)x;
		}
		/* bias towards plausible headers so deep paths are reached */
		if (len && i % 2)
			pkt[0] = (uint8_t)((3 + i % 9) << 3);
		if (len > 9 && i % 4 == 1)
			pkt[9] = (uint8_t)(i % 10);
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (reliable_pkt_parse(&p, pkt, len))
			continue;
		accepted++;
		assert_true(p.n_acks <= RELIABLE_MAX_ACKS);
		assert_true(p.payload >= pkt && p.payload + p.payload_len == pkt + len);
		assert_int_equal(reliable_pkt_hdr_len(p.opcode, p.n_acks) + p.payload_len, len);
	}
	assert_true(accepted > 1000);
}

/* ---- reliable: single-side behaviour -------------------------------------- */

static struct reliable *rel_new(void)
{
	struct reliable *rel = malloc(sizeof(*rel));

	assert_non_null(rel);
	assert_int_equal(reliable_init(rel, 0, 0, 0), 0);
	return rel;
}

static void test_init_bounds(void **state)
{
	struct reliable *rel = rel_new();

	assert_int_equal(rel->send_window, 6);
	assert_int_equal(rel->recv_window, 12);
	assert_int_equal(rel->timeout_ms, 2000);
	assert_int_equal(reliable_init(rel, 7, 0, 0), -EINVAL);
	assert_int_equal(reliable_init(rel, 0, 13, 0), -EINVAL);
	assert_int_equal(reliable_init(rel, 1, 1, 500), 0);
	free(rel);
}

/* 2 s, doubling, no cap: tries at +0, +2, +6, +14, +30, +62 s. */
static void test_backoff(void **state)
{
	static const uint64_t at[] = { 0, 2000, 6000, 14000, 30000, 62000, 126000 };
	struct reliable *rel = rel_new();
	const uint64_t t0 = 1000000;
	const struct reliable_msg *m;
	uint32_t id = 99;
	size_t i;

	assert_int_equal(reliable_next_timeout(rel, t0), -1);
	assert_int_equal(reliable_send_enqueue(rel, P_CONTROL_HARD_RESET_CLIENT_V2, NULL, 0, &id),
			 0);
	assert_int_equal(id, 0);
	assert_int_equal(reliable_next_timeout(rel, t0), 0);
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		if (i) {
			assert_null(reliable_next_to_send(rel, t0 + at[i] - 1));
			assert_int_equal(reliable_next_timeout(rel, t0 + at[i] - 1), 1);
		}
		m = reliable_next_to_send(rel, t0 + at[i]);
		assert_non_null(m);
		assert_int_equal(m->msg_id, 0);
		assert_int_equal(m->opcode, P_CONTROL_HARD_RESET_CLIENT_V2);
		assert_int_equal(m->n_sent, i + 1);
		assert_null(reliable_next_to_send(rel, t0 + at[i]));
		if (i + 1 < sizeof(at) / sizeof(at[0]))
			assert_int_equal(reliable_next_timeout(rel, t0 + at[i]), at[i + 1] - at[i]);
	}
	/* --tls-timeout 5 */
	assert_int_equal(reliable_init(rel, 0, 0, 5000), 0);
	assert_int_equal(reliable_send_enqueue(rel, P_CONTROL_V1, "a", 1, NULL), 0);
	assert_non_null(reliable_next_to_send(rel, 0));
	assert_int_equal(reliable_next_timeout(rel, 0), 5000);
	assert_non_null(reliable_next_to_send(rel, 5000));
	assert_int_equal(reliable_next_timeout(rel, 5000), 10000);
	/* the burst on a session's first packet: due now, back to the initial timeout */
	reliable_send_all_now(rel);
	assert_int_equal(reliable_next_timeout(rel, 6000), 0);
	assert_non_null(reliable_next_to_send(rel, 6000));
	assert_int_equal(reliable_next_timeout(rel, 6000), 5000);
	free(rel);
}

static void test_window_full(void **state)
{
	struct reliable *rel = rel_new();
	uint8_t big[RELIABLE_PAYLOAD_MAX + 1] = { 0 };
	uint32_t id, i;

	for (i = 0; i < 6; i++) {
		assert_int_equal(reliable_send_room(rel), 6 - i);
		assert_int_equal(reliable_send_enqueue(rel, P_CONTROL_V1, &i, sizeof(i), &id), 0);
		assert_int_equal(id, i);
	}
	assert_int_equal(reliable_send_room(rel), 0);
	assert_int_equal(reliable_send_enqueue(rel, P_CONTROL_V1, "x", 1, NULL), -EAGAIN);
	/* all six go out in id order, once */
	for (i = 0; i < 6; i++)
		assert_int_equal(reliable_next_to_send(rel, 0)->msg_id, i);
	assert_null(reliable_next_to_send(rel, 0));
	/* ACKs are individual: freeing id 3 does not move the window base */
	assert_int_equal(reliable_ack_received(rel, 3), 0);
	assert_int_equal(reliable_ack_received(rel, 3), -ENOENT);
	assert_true(reliable_send_is_acked(rel, 3));
	assert_false(reliable_send_is_acked(rel, 0));
	assert_false(reliable_send_is_acked(rel, 6));
	assert_int_equal(reliable_send_enqueue(rel, P_CONTROL_V1, "x", 1, NULL), -EAGAIN);
	assert_int_equal(reliable_ack_received(rel, 0), 0);
	assert_int_equal(reliable_send_room(rel), 1);
	assert_int_equal(reliable_ack_received(rel, 2), 0);
	assert_int_equal(reliable_send_room(rel), 1);
	assert_int_equal(reliable_ack_received(rel, 1), 0);
	/* base slides over the already acknowledged 3 */
	assert_int_equal(reliable_send_room(rel), 4);
	assert_int_equal(reliable_send_enqueue(rel, P_CONTROL_V1, "y", 1, &id), 0);
	assert_int_equal(id, 6);
	assert_false(reliable_send_idle(rel));
	assert_int_equal(reliable_ack_received(rel, 4), 0);
	assert_int_equal(reliable_ack_received(rel, 5), 0);
	assert_int_equal(reliable_ack_received(rel, 6), 0);
	assert_true(reliable_send_idle(rel));
	assert_int_equal(reliable_next_timeout(rel, 0), -1);

	assert_int_equal(reliable_send_enqueue(rel, P_CONTROL_V1, big, sizeof(big), NULL),
			 -EMSGSIZE);
	assert_int_equal(reliable_send_enqueue(rel, P_CONTROL_V1, big, sizeof(big) - 1, NULL), 0);
	assert_int_equal(reliable_send_enqueue(rel, P_ACK_V1, "x", 1, NULL), -EINVAL);
	assert_int_equal(reliable_send_enqueue(rel, P_DATA_V2, "x", 1, NULL), -EINVAL);
	free(rel);
}

/* Three ACKs for later ids resend a packet before its timer. */
static void test_fast_retransmit(void **state)
{
	struct reliable *rel = rel_new();
	uint32_t i;

	for (i = 0; i < 5; i++) {
		assert_int_equal(reliable_send_enqueue(rel, P_CONTROL_V1, "m", 1, NULL), 0);
		assert_non_null(reliable_next_to_send(rel, 100));
	}
	assert_int_equal(reliable_ack_received(rel, 2), 0);
	assert_int_equal(reliable_ack_received(rel, 3), 0);
	assert_null(reliable_next_to_send(rel, 101));
	/* a repeated ACK still counts as a later ACK */
	assert_int_equal(reliable_ack_received(rel, 3), -ENOENT);
	assert_int_equal(reliable_next_timeout(rel, 101), 0);
	assert_int_equal(reliable_next_to_send(rel, 101)->msg_id, 0);
	assert_int_equal(reliable_next_to_send(rel, 101)->msg_id, 1);
	assert_null(reliable_next_to_send(rel, 101));
	free(rel);
}

static void test_recv_reorder_dup_window(void **state)
{
	struct reliable *rel = rel_new();
	const struct reliable_msg *m;
	uint32_t acks[8];
	uint32_t i;

	assert_null(reliable_recv_peek(rel));
	assert_int_equal(reliable_recv(rel, P_CONTROL_V1, 2, "c", 1), RELIABLE_RECV_NEW);
	assert_int_equal(reliable_recv(rel, P_CONTROL_V1, 1, "b", 1), RELIABLE_RECV_NEW);
	assert_null(reliable_recv_peek(rel));
	assert_int_equal(reliable_recv(rel, P_CONTROL_V1, 2, "c", 1), RELIABLE_RECV_DUP);
	/* 12 is beyond the window [0, 12): dropped and not acknowledged */
	assert_int_equal(reliable_recv(rel, P_CONTROL_V1, 12, "z", 1), RELIABLE_RECV_DROP);
	assert_int_equal(reliable_recv(rel, P_CONTROL_V1, 0x7fffffffu, "z", 1),
			 RELIABLE_RECV_DROP);
	assert_int_equal(reliable_recv(rel, P_CONTROL_V1, 11, "l", 1), RELIABLE_RECV_NEW);
	assert_int_equal(reliable_recv(rel, P_CONTROL_HARD_RESET_SERVER_V2, 0, "a", 1),
			 RELIABLE_RECV_NEW);
	assert_int_equal(reliable_acks_take(rel, acks, 8), 4);
	assert_int_equal(acks[0], 0);
	assert_int_equal(acks[1], 11);
	assert_int_equal(acks[2], 1);
	assert_int_equal(acks[3], 2);
	assert_false(reliable_ack_pending(rel));
	for (i = 0; i < 3; i++) {
		m = reliable_recv_peek(rel);
		assert_non_null(m);
		assert_int_equal(m->msg_id, i);
		assert_int_equal(m->data[0], 'a' + i);
		assert_int_equal(m->opcode, i ? P_CONTROL_V1 : P_CONTROL_HARD_RESET_SERVER_V2);
		reliable_recv_pop(rel);
	}
	assert_null(reliable_recv_peek(rel));
	reliable_recv_pop(rel);         /* nothing there: no effect */
	assert_int_equal(rel->recv_expected, 3);
	/* a delivered packet arriving again is acknowledged again */
	assert_int_equal(reliable_recv(rel, P_CONTROL_V1, 1, "b", 1), RELIABLE_RECV_DUP);
	assert_true(reliable_ack_pending(rel));
	assert_int_equal(reliable_acks_take(rel, acks, 1), 1);
	assert_int_equal(acks[0], 1);
	/* the window moved: 14 fits now, 15 does not */
	assert_int_equal(reliable_recv(rel, P_CONTROL_V1, 14, "o", 1), RELIABLE_RECV_NEW);
	assert_int_equal(reliable_recv(rel, P_CONTROL_V1, 15, "p", 1), RELIABLE_RECV_DROP);
	assert_int_equal(reliable_recv(rel, P_CONTROL_V1, 3, NULL, RELIABLE_PAYLOAD_MAX + 1),
			 RELIABLE_RECV_TOO_BIG);
	free(rel);
}

/* ACKs taken newest first, limited per packet, older ones repeated after. */
static void test_ack_piggyback_limits(void **state)
{
	struct reliable *rel = rel_new();
	uint32_t acks[8], i;
	size_t n;

	/* the capture pattern: 0, then 1,0, then 2,1,0 ... */
	for (i = 0; i < 5; i++) {
		assert_int_equal(reliable_recv(rel, P_CONTROL_V1, i, "x", 1), RELIABLE_RECV_NEW);
		reliable_recv_pop(rel);
		n = reliable_acks_take(rel, acks, RELIABLE_MAX_ACKS_PIGGYBACK);
		assert_int_equal(n, i + 1 < 4 ? i + 1 : 4);
		assert_int_equal(acks[0], i);
		if (n > 1)
			assert_int_equal(acks[1], i - 1);
	}
	/* repeats alone do not make an ACK pending */
	assert_false(reliable_ack_pending(rel));
	n = reliable_acks_take(rel, acks, RELIABLE_MAX_ACKS);
	assert_int_equal(n, 5);
	assert_int_equal(acks[0], 4);
	assert_int_equal(acks[4], 0);

	/* ten fresh ACKs: 4 newest on a control packet, then 6 on an ACK_V1
	 * topped up with the most recent repeats */
	assert_int_equal(reliable_init(rel, 0, 0, 0), 0);
	for (i = 0; i < 10; i++)
		assert_int_equal(reliable_recv(rel, P_CONTROL_V1, i, "x", 1), RELIABLE_RECV_NEW);
	n = reliable_acks_take(rel, acks, RELIABLE_MAX_ACKS_PIGGYBACK);
	assert_int_equal(n, 4);
	assert_int_equal(acks[0], 9);
	assert_int_equal(acks[3], 6);
	assert_true(reliable_ack_pending(rel));
	n = reliable_acks_take(rel, acks, 20);
	assert_int_equal(n, RELIABLE_MAX_ACKS);
	assert_int_equal(acks[0], 5);
	assert_int_equal(acks[5], 0);
	assert_int_equal(acks[6], 9);
	assert_int_equal(acks[7], 8);
	assert_false(reliable_ack_pending(rel));
	/* the repeat list keeps only the 8 most recently acknowledged ids */
	n = reliable_acks_take(rel, acks, RELIABLE_MAX_ACKS);
	assert_int_equal(n, 8);
	assert_int_equal(acks[0], 5);
	assert_int_equal(acks[5], 0);
	assert_int_equal(acks[6], 9);
	assert_int_equal(acks[7], 8);
	assert_int_equal(reliable_acks_take(rel, acks, 0), 0);

	/* an id acknowledged again is listed once, in front */
	assert_int_equal(reliable_recv(rel, P_CONTROL_V1, 9, "x", 1), RELIABLE_RECV_DUP);
	n = reliable_acks_take(rel, acks, RELIABLE_MAX_ACKS);
	assert_int_equal(n, 8);
	assert_int_equal(acks[0], 9);
	assert_int_equal(acks[1], 5);
	for (i = 1; i < n; i++)
		assert_int_not_equal(acks[i], 9);
	free(rel);
}

/* ---- simulation: two peers over a lossy, reordering, duplicating link ---- */

struct rng {
	uint64_t s;
};

static uint32_t rng_next(struct rng *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return (uint32_t)(r->s >> 16);
}

static bool rng_chance(struct rng *r, unsigned int percent)
{
	return rng_next(r) % 100 < percent;
}

#define SIM_QUEUE 4096
#define SIM_PKT_MAX 512

struct sim_pkt {
	bool used;
	int to;
	uint64_t at;
	size_t len;
	uint8_t data[SIM_PKT_MAX];
};

struct sim_end {
	struct reliable rel;
	const uint8_t *sid, *peer_sid;
	uint32_t enqueued, delivered;
	unsigned long sent, retransmits, ack_only, dups_seen;
};

struct sim {
	struct rng rng;
	unsigned int loss, dup, jitter_ms;
	uint64_t now;
	uint32_t n_msgs;
	uint32_t id_base;       /* first message id of both directions */
	struct sim_end end[2];
	size_t q_hi;            /* queue slots at or above this are unused */
	struct sim_pkt q[SIM_QUEUE];
	unsigned long on_wire;
};

static size_t sim_msg(int from, uint32_t k, uint8_t *out)
{
	size_t len = (k * 37u + (unsigned)from * 101u) % 300u;
	size_t i;

	for (i = 0; i < len; i++)
		out[i] = (uint8_t)(k * 7u + i * 13u + (unsigned)from);
	return len;
}

static void sim_wire(struct sim *s, int to, const struct buf *b)
{
	int copies = rng_chance(&s->rng, s->dup) ? 2 : 1;
	size_t i;

	s->on_wire++;
	if (rng_chance(&s->rng, s->loss))
		return;
	for (i = 0; i < SIM_QUEUE && copies; i++) {
		if (s->q[i].used)
			continue;
		s->q[i].used = true;
		if (i >= s->q_hi)
			s->q_hi = i + 1;
		s->q[i].to = to;
		s->q[i].at = s->now + 10 + rng_next(&s->rng) % (s->jitter_ms + 1);
		s->q[i].len = buf_len(b);
		memcpy(s->q[i].data, buf_data(b), buf_len(b));
		copies--;
	}
	assert_true(i < SIM_QUEUE);
}

static void sim_send_packet(struct sim *s, int from, const struct reliable_msg *m)
{
	struct sim_end *e = &s->end[from];
	struct reliable_pkt p = { .opcode = m ? m->opcode : P_ACK_V1 };
	uint8_t mem[SIM_PKT_MAX];
	struct buf b;

	buf_init(&b, mem, sizeof(mem), 64);
	if (m) {
		assert_true(buf_write(&b, m->data, m->len));
		p.msg_id = m->msg_id;
	}
	memcpy(p.sid, e->sid, 8);
	memcpy(p.remote_sid, e->peer_sid, 8);
	p.n_acks = (uint8_t)reliable_acks_take(&e->rel, p.acks, m ? RELIABLE_MAX_ACKS_PIGGYBACK
							      : RELIABLE_MAX_ACKS);
	assert_int_equal(reliable_pkt_build(&b, &p), 0);
	sim_wire(s, !from, &b);
}

/* One processing round of an endpoint: queue what fits, send what is due,
 * then flush leftover ACKs with ACK_V1. */
static void sim_output(struct sim *s, int from)
{
	struct sim_end *e = &s->end[from];
	const struct reliable_msg *m;
	uint8_t payload[SIM_PKT_MAX];

	while (e->enqueued < s->n_msgs && reliable_send_room(&e->rel)) {
		size_t len = sim_msg(from, e->enqueued, payload);

		assert_int_equal(reliable_send_enqueue(&e->rel, P_CONTROL_V1, payload, len, NULL),
				 0);
		e->enqueued++;
	}
	while ((m = reliable_next_to_send(&e->rel, s->now))) {
		e->sent++;
		if (m->n_sent > 1)
			e->retransmits++;
		sim_send_packet(s, from, m);
	}
	while (reliable_ack_pending(&e->rel)) {
		e->ack_only++;
		sim_send_packet(s, from, NULL);
	}
}

static void sim_input(struct sim *s, int to, const uint8_t *data, size_t len)
{
	struct sim_end *e = &s->end[to];
	uint8_t want[SIM_PKT_MAX];
	const struct reliable_msg *m;
	struct reliable_pkt p;
	unsigned int i;

	assert_int_equal(reliable_pkt_parse(&p, data, len), 0);
	assert_memory_equal(p.sid, e->peer_sid, 8);
	if (p.n_acks)
		assert_memory_equal(p.remote_sid, e->sid, 8);
	for (i = 0; i < p.n_acks; i++)
		reliable_ack_received(&e->rel, p.acks[i]);
	if (!p.has_msg_id)
		return;
	if (reliable_recv(&e->rel, p.opcode, p.msg_id, p.payload, p.payload_len) ==
	    RELIABLE_RECV_DUP)
		e->dups_seen++;
	while ((m = reliable_recv_peek(&e->rel))) {
		size_t wlen = sim_msg(!to, e->delivered, want);

		/* exactly once and in order: the next message of the generator */
		assert_int_equal(m->msg_id, s->id_base + e->delivered);
		assert_int_equal(m->len, wlen);
		assert_memory_equal(m->data, want, wlen);
		e->delivered++;
		reliable_recv_pop(&e->rel);
	}
}

static bool sim_done(const struct sim *s)
{
	int i;

	for (i = 0; i < 2; i++)
		if (s->end[i].delivered < s->n_msgs || !reliable_send_idle(&s->end[!i].rel))
			return false;
	return true;
}

/* Next moment anything happens: a delivery or a retransmission timer. */
static uint64_t sim_next_event(const struct sim *s)
{
	uint64_t next = UINT64_MAX;
	int64_t t;
	size_t i;

	for (i = 0; i < s->q_hi; i++)
		if (s->q[i].used && s->q[i].at < next)
			next = s->q[i].at;
	for (i = 0; i < 2; i++) {
		t = reliable_next_timeout(&s->end[i].rel, s->now);
		if (t >= 0 && s->now + (uint64_t)t < next)
			next = s->now + (uint64_t)t;
	}
	return next;
}

static void sim_run(struct sim *s)
{
	unsigned long rounds = 0;
	size_t i;

	sim_output(s, 0);
	sim_output(s, 1);
	while (!sim_done(s)) {
		uint64_t next = sim_next_event(s);

		assert_true(next != UINT64_MAX);
		assert_true(++rounds < 5000000);
		s->now = next;
		for (i = 0; i < s->q_hi; i++) {
			if (!s->q[i].used || s->q[i].at > s->now)
				continue;
			s->q[i].used = false;
			sim_input(s, s->q[i].to, s->q[i].data, s->q[i].len);
		}
		sim_output(s, 0);
		sim_output(s, 1);
	}
}

static struct sim *sim_new(uint64_t seed, unsigned int loss, unsigned int dup,
			   unsigned int jitter, uint32_t n_msgs)
{
	struct sim *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	s->rng.s = seed * 0x9e3779b97f4a7c15ull + 1;
	s->loss = loss;
	s->dup = dup;
	s->jitter_ms = jitter;
	s->n_msgs = n_msgs;
	s->now = 1;
	assert_int_equal(reliable_init(&s->end[0].rel, 0, 0, 0), 0);
	assert_int_equal(reliable_init(&s->end[1].rel, 0, 0, 0), 0);
	s->end[0].sid = client_sid;
	s->end[0].peer_sid = server_sid;
	s->end[1].sid = server_sid;
	s->end[1].peer_sid = client_sid;
	return s;
}

static void test_lossless_exchange(void **state)
{
	struct sim *s = sim_new(1, 0, 0, 0, 500);
	int i;

	sim_run(s);
	for (i = 0; i < 2; i++) {
		assert_int_equal(s->end[i].delivered, 500);
		assert_int_equal(s->end[i].retransmits, 0);
		assert_int_equal(s->end[i].dups_seen, 0);
		assert_int_equal(s->end[i].sent, 500);
	}
	/* a constant delay and no loss: nothing waits for a timer */
	assert_true(s->now < 500 * 10);
	free(s);
}

static void test_lossy_exchange(void **state)
{
	static const struct {
		unsigned int loss, dup, jitter;
	} nets[] = {
		{ 10, 5, 50 },
		{ 30, 10, 3000 },       /* jitter beyond the RTO: spurious resends */
		{ 50, 20, 500 },
		{ 5, 50, 8000 },        /* heavy duplication and reordering */
	};
	unsigned long total_wire = 0;
	size_t n, seed;
	int i;

	for (n = 0; n < sizeof(nets) / sizeof(nets[0]); n++) {
		for (seed = 1; seed <= 5; seed++) {
			struct sim *s = sim_new(seed * 131 + n, nets[n].loss, nets[n].dup,
						nets[n].jitter, 1500);

			sim_run(s);
			for (i = 0; i < 2; i++) {
				assert_int_equal(s->end[i].delivered, 1500);
				assert_true(s->end[i].retransmits > 0);
				assert_true(s->end[i].dups_seen > 0);
				assert_true(s->end[i].ack_only > 0);
			}
			total_wire += s->on_wire;
			free(s);
		}
	}
	assert_true(total_wire > 100000);
}

/* Message ids are sequence numbers: nothing breaks when they wrap. */
static void test_id_wrap(void **state)
{
	struct sim *s = sim_new(7, 20, 10, 300, 60);
	int i;

	s->id_base = UINT32_MAX - 20;
	for (i = 0; i < 2; i++) {
		s->end[i].rel.next_send_id = s->id_base;
		s->end[i].rel.send_base = s->id_base;
		s->end[i].rel.recv_expected = s->id_base;
	}
	sim_run(s);
	for (i = 0; i < 2; i++) {
		assert_int_equal(s->end[i].delivered, 60);
		assert_int_equal(s->end[i].rel.recv_expected, s->id_base + 60);
		assert_true(s->end[i].retransmits > 0);
	}
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_minimal_packets),
		cmocka_unit_test(test_build_minimal_packets),
		cmocka_unit_test(test_round_trip_with_payload),
		cmocka_unit_test(test_ack_count_limit),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_opcodes),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_random_input),
		cmocka_unit_test(test_init_bounds),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_window_full),
		cmocka_unit_test(test_fast_retransmit),
		cmocka_unit_test(test_recv_reorder_dup_window),
		cmocka_unit_test(test_ack_piggyback_limits),
		cmocka_unit_test(test_lossless_exchange),
		cmocka_unit_test(test_lossy_exchange),
		cmocka_unit_test(test_id_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
