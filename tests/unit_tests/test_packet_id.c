/* Packet id send counter and receive replay window. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "packet_id.h"

#define T0 ((time_t)1000)

/* Check, and record when accepted, like a receive path does. */
static enum packet_id_verdict take(struct packet_id_recv *r, uint32_t id, time_t now)
{
	enum packet_id_verdict v = packet_id_check(r, id, 0, false, now);

	if (v == PID_OK)
		packet_id_record(r, id, 0, false, now);
	return v;
}

static enum packet_id_verdict take_long(struct packet_id_recv *r, uint32_t id, uint32_t ts,
					time_t now)
{
	enum packet_id_verdict v = packet_id_check(r, id, ts, true, now);

	if (v == PID_OK)
		packet_id_record(r, id, ts, true, now);
	return v;
}

static int setup_default(void **state)
{
	static struct packet_id_recv r;

	if (packet_id_recv_init(&r, PACKET_ID_WINDOW_DEFAULT, PACKET_ID_TIME_DEFAULT))
		return -1;
	*state = &r;
	return 0;
}

static int teardown(void **state)
{
	packet_id_recv_free(*state);
	return 0;
}

static void test_sequential(void **state)
{
	struct packet_id_recv *r = *state;
	uint32_t id;

	for (id = 1; id <= 1000; id++)
		assert_int_equal(take(r, id, T0), PID_OK);
	assert_int_equal(r->highest, 1000);
	assert_int_equal(take(r, 1000, T0), PID_REPLAY);
}

static void test_reordered_within_window(void **state)
{
	struct packet_id_recv *r = *state;

	assert_int_equal(take(r, 5, T0), PID_OK);
	assert_int_equal(take(r, 3, T0), PID_OK);
	assert_int_equal(take(r, 1, T0), PID_OK);
	assert_int_equal(take(r, 4, T0), PID_OK);
	assert_int_equal(take(r, 2, T0), PID_OK);
	assert_int_equal(take(r, 6, T0), PID_OK);
	assert_int_equal(r->highest, 6);
	for (uint32_t id = 1; id <= 6; id++)
		assert_int_equal(take(r, id, T0), PID_REPLAY);
}

static void test_duplicate_check_does_not_record(void **state)
{
	struct packet_id_recv *r = *state;

	/* check alone (an unauthenticated packet) must leave no trace */
	assert_int_equal(packet_id_check(r, 7, 0, false, T0), PID_OK);
	assert_int_equal(packet_id_check(r, 7, 0, false, T0), PID_OK);
	assert_int_equal(r->highest, 0);
	assert_int_equal(take(r, 7, T0), PID_OK);
	assert_int_equal(take(r, 7, T0), PID_REPLAY);
	assert_int_equal(take(r, 6, T0), PID_OK);
	assert_int_equal(take(r, 6, T0), PID_REPLAY);
}

static void test_zero_rejected(void **state)
{
	struct packet_id_recv *r = *state;

	assert_int_equal(take(r, 0, T0), PID_ZERO);
	assert_int_equal(take(r, 1, T0), PID_OK);
	assert_int_equal(take(r, 0, T0), PID_ZERO);
	assert_int_equal(take_long(r, 0, 5, T0), PID_ZERO);
}

/* Convention: accepted iff highest - id < window. */
static void test_window_edges(void **state)
{
	struct packet_id_recv *r = *state;
	uint32_t h = 1000, w = PACKET_ID_WINDOW_DEFAULT;

	assert_int_equal(take(r, h, T0), PID_OK);
	assert_int_equal(packet_id_check(r, h - w, 0, false, T0), PID_TOO_OLD);
	assert_int_equal(packet_id_check(r, h - w - 1, 0, false, T0), PID_TOO_OLD);
	assert_int_equal(take(r, h - w + 1, T0), PID_OK);
	assert_int_equal(take(r, h - w + 1, T0), PID_REPLAY);
	/* one step up: the old edge id falls out, the next one is now the edge */
	assert_int_equal(take(r, h + 1, T0), PID_OK);
	assert_int_equal(packet_id_check(r, h - w + 1, 0, false, T0), PID_TOO_OLD);
	assert_int_equal(take(r, h - w + 2, T0), PID_OK);
}

static void test_large_jump_clears_bitmap(void **state)
{
	struct packet_id_recv *r = *state;
	uint32_t id;

	for (id = 1; id <= 64; id++)
		assert_int_equal(take(r, id, T0), PID_OK);
	/* exactly window ahead, then far ahead: stale bits must not survive */
	assert_int_equal(take(r, 128, T0), PID_OK);
	for (id = 65; id < 128; id++)
		assert_int_equal(packet_id_check(r, id, 0, false, T0), PID_OK);
	assert_int_equal(take(r, 100000, T0), PID_OK);
	for (id = 100000 - 63; id < 100000; id++)
		assert_int_equal(packet_id_check(r, id, 0, false, T0), PID_OK);
	assert_int_equal(packet_id_check(r, 100000 - 64, 0, false, T0), PID_TOO_OLD);
	assert_int_equal(packet_id_check(r, 128, 0, false, T0), PID_TOO_OLD);
}

static void test_small_jump_clears_reused_slots(void **state)
{
	struct packet_id_recv *r = *state;

	/* id 3 and 67 share a slot: recording 3 must not make 67 a replay */
	assert_int_equal(take(r, 3, T0), PID_OK);
	assert_int_equal(take(r, 66, T0), PID_OK);
	assert_int_equal(take(r, 68, T0), PID_OK);
	assert_int_equal(take(r, 67, T0), PID_OK);
	assert_int_equal(take(r, 67, T0), PID_REPLAY);
	assert_int_equal(packet_id_check(r, 3, 0, false, T0), PID_TOO_OLD);
}

static void test_uint32_boundary(void **state)
{
	struct packet_id_recv *r = *state;

	assert_int_equal(take(r, 0xFFFFFFFEu, T0), PID_OK);
	assert_int_equal(take(r, 0xFFFFFFFEu, T0), PID_REPLAY);
	assert_int_equal(take(r, 0xFFFFFFFFu, T0), PID_OK);
	assert_int_equal(take(r, 0xFFFFFFFFu, T0), PID_REPLAY);
	assert_int_equal(take(r, 0xFFFFFFFDu, T0), PID_OK);
	assert_int_equal(packet_id_check(r, 0xFFFFFFFFu - 64, 0, false, T0), PID_TOO_OLD);
	assert_int_equal(take(r, 0xFFFFFFFFu - 63, T0), PID_OK);
	/* nothing can follow 0xFFFFFFFF: 0 is invalid, 1 is far below */
	assert_int_equal(take(r, 0, T0), PID_ZERO);
	assert_int_equal(take(r, 1, T0), PID_TOO_OLD);
}

static void test_time_limit(void **state)
{
	struct packet_id_recv *r = *state;
	time_t t = T0;

	assert_int_equal(take(r, 10, t), PID_OK);     /* 1..9 surpassed at T0 */
	assert_int_equal(take(r, 20, t + 10), PID_OK); /* 11..19 at T0+10 */
	/* limit 15: exactly 15 s old is fine, 16 s is not */
	assert_int_equal(take(r, 5, t + 15), PID_OK);
	assert_int_equal(packet_id_check(r, 6, 0, false, t + 16), PID_EXPIRED);
	assert_int_equal(take(r, 15, t + 16), PID_OK);
	assert_int_equal(packet_id_check(r, 16, 0, false, t + 26), PID_EXPIRED);
	/* a replay is still a replay after the time limit */
	assert_int_equal(packet_id_check(r, 5, 0, false, t + 100), PID_REPLAY);
	/* higher ids do not expire */
	assert_int_equal(take(r, 21, t + 100), PID_OK);
}

static void test_time_limit_zero_disables(void **state)
{
	struct packet_id_recv r;

	assert_int_equal(packet_id_recv_init(&r, 64, 0), 0);
	assert_int_equal(take(&r, 10, T0), PID_OK);
	assert_int_equal(take(&r, 3, T0 + 100000), PID_OK);
	packet_id_recv_free(&r);
}

static void test_long_form(void **state)
{
	struct packet_id_recv *r = *state;

	assert_int_equal(take_long(r, 1, 500, T0), PID_OK);
	assert_int_equal(take_long(r, 3, 500, T0), PID_OK);
	assert_int_equal(take_long(r, 2, 500, T0), PID_OK);
	assert_int_equal(take_long(r, 2, 500, T0), PID_REPLAY);
	/* older timestamp: rejected whatever the id */
	assert_int_equal(take_long(r, 4, 499, T0), PID_OLD_TIME);
	assert_int_equal(take_long(r, 100, 0, T0), PID_OLD_TIME);
	/* newer timestamp: a fresh sequence, low ids accepted again */
	assert_int_equal(take_long(r, 1, 501, T0), PID_OK);
	assert_int_equal(r->seq_time, 501);
	assert_int_equal(r->highest, 1);
	assert_int_equal(take_long(r, 1, 501, T0), PID_REPLAY);
	assert_int_equal(take_long(r, 3, 500, T0), PID_OLD_TIME);
	/* a new sequence may start anywhere and forgets the old bitmap */
	assert_int_equal(take_long(r, 70, 600, T0), PID_OK);
	assert_int_equal(take_long(r, 7, 600, T0), PID_OK);
	assert_int_equal(take_long(r, 6, 600, T0), PID_TOO_OLD);
	/* a rejected check of a newer timestamp must not switch sequences */
	assert_int_equal(packet_id_check(r, 0, 700, true, T0), PID_ZERO);
	assert_int_equal(r->seq_time, 600);
}

static void test_window_zero(void **state)
{
	struct packet_id_recv r;

	assert_int_equal(packet_id_recv_init(&r, 0, 15), 0);
	assert_null(r.seen);
	assert_int_equal(take(&r, 2, T0), PID_NOT_NEXT);
	assert_int_equal(take(&r, 1, T0), PID_OK);
	assert_int_equal(take(&r, 2, T0), PID_OK);
	assert_int_equal(take(&r, 2, T0), PID_NOT_NEXT);
	assert_int_equal(take(&r, 1, T0), PID_NOT_NEXT);
	assert_int_equal(take(&r, 4, T0), PID_NOT_NEXT);
	assert_int_equal(take(&r, 3, T0), PID_OK);
	/* long form: a newer timestamp restarts at 1 */
	assert_int_equal(take_long(&r, 5, 10, T0), PID_NOT_NEXT);
	assert_int_equal(take_long(&r, 1, 10, T0), PID_OK);
	assert_int_equal(take_long(&r, 2, 10, T0), PID_OK);
	assert_int_equal(take_long(&r, 3, 9, T0), PID_OLD_TIME);
	/* at the top of the id space nothing is next */
	r.highest = 0xFFFFFFFFu;
	assert_int_equal(take_long(&r, 0xFFFFFFFFu, 10, T0), PID_NOT_NEXT);
	packet_id_recv_free(&r);
}

static void test_recv_init_limits(void **state)
{
	struct packet_id_recv r;

	assert_int_equal(packet_id_recv_init(&r, PACKET_ID_WINDOW_MAX + 1, 15), -EINVAL);
	assert_null(r.seen);
	packet_id_recv_free(&r);
	assert_int_equal(packet_id_recv_init(&r, PACKET_ID_WINDOW_MAX, 15), 0);
	assert_int_equal(take(&r, 70000, T0), PID_OK);
	assert_int_equal(take(&r, 70000 - 65535, T0), PID_OK);
	assert_int_equal(take(&r, 70000 - 65536, T0), PID_TOO_OLD);
	packet_id_recv_free(&r);
	packet_id_recv_free(&r);        /* twice is fine */
	/* a window that is not a multiple of 64 */
	assert_int_equal(packet_id_recv_init(&r, 5, 15), 0);
	assert_int_equal(take(&r, 10, T0), PID_OK);
	assert_int_equal(take(&r, 6, T0), PID_OK);
	assert_int_equal(take(&r, 5, T0), PID_TOO_OLD);
	assert_int_equal(take(&r, 11, T0), PID_OK);
	assert_int_equal(take(&r, 6, T0), PID_TOO_OLD);
	assert_int_equal(take(&r, 7, T0), PID_OK);
	packet_id_recv_free(&r);
}

static void test_send_sequence_and_exhaustion(void **state)
{
	struct packet_id_send s;
	uint32_t id = 0;

	memset(&s, 0, sizeof(s));
	assert_true(packet_id_send_next(&s, &id));
	assert_int_equal(id, 1);
	assert_true(packet_id_send_next(&s, &id));
	assert_int_equal(id, 2);
	assert_false(packet_id_wants_reneg(&s));
	s.id = PACKET_ID_RENEG_AT - 2;
	assert_true(packet_id_send_next(&s, &id));
	assert_false(packet_id_wants_reneg(&s));
	assert_true(packet_id_send_next(&s, &id));
	assert_int_equal(id, PACKET_ID_RENEG_AT);
	assert_true(packet_id_wants_reneg(&s));
	s.id = 0xFFFFFFFDu;
	assert_true(packet_id_send_next(&s, &id));
	assert_int_equal(id, 0xFFFFFFFEu);
	assert_true(packet_id_send_next(&s, &id));
	assert_int_equal(id, 0xFFFFFFFFu);
	id = 42;
	assert_false(packet_id_send_next(&s, &id));
	assert_false(packet_id_send_next(&s, &id));
	assert_int_equal(id, 42);
	assert_int_equal(s.id, 0xFFFFFFFFu);
}

static void test_send_long_form(void **state)
{
	struct packet_id_send s;
	uint32_t id, ts;

	memset(&s, 0, sizeof(s));
	assert_true(packet_id_send_next_long(&s, &id, &ts, 1700000000));
	assert_int_equal(id, 1);
	assert_int_equal(ts, 1700000000);
	/* the timestamp stays that of the first packet */
	assert_true(packet_id_send_next_long(&s, &id, &ts, 1700000099));
	assert_int_equal(id, 2);
	assert_int_equal(ts, 1700000000);
	/* exhausted within the same second: refuse; later: new sequence */
	s.id = 0xFFFFFFFFu;
	assert_false(packet_id_send_next_long(&s, &id, &ts, 1700000000));
	assert_true(packet_id_send_next_long(&s, &id, &ts, 1700000100));
	assert_int_equal(id, 1);
	assert_int_equal(ts, 1700000100);
}

static void test_send_long_form_accepted_by_receiver(void **state)
{
	struct packet_id_recv *r = *state;
	struct packet_id_send s;
	uint32_t id, ts;

	memset(&s, 0, sizeof(s));
	for (int i = 0; i < 3; i++) {
		assert_true(packet_id_send_next_long(&s, &id, &ts, 1234));
		assert_int_equal(take_long(r, id, ts, T0), PID_OK);
	}
	s.id = 0xFFFFFFFFu;
	assert_true(packet_id_send_next_long(&s, &id, &ts, 1300));
	assert_int_equal(take_long(r, id, ts, T0), PID_OK);
}

static void test_verdict_strings(void **state)
{
	for (int v = PID_OK; v <= PID_NOT_NEXT; v++) {
		assert_non_null(packet_id_verdict_str(v));
		assert_string_not_equal(packet_id_verdict_str(v), "unknown packet id verdict");
	}
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_default, teardown)
	const struct CMUnitTest tests[] = {
		T(test_sequential),
		T(test_reordered_within_window),
		T(test_duplicate_check_does_not_record),
		T(test_zero_rejected),
		T(test_window_edges),
		T(test_large_jump_clears_bitmap),
		T(test_small_jump_clears_reused_slots),
		T(test_uint32_boundary),
		T(test_time_limit),
		cmocka_unit_test(test_time_limit_zero_disables),
		T(test_long_form),
		cmocka_unit_test(test_window_zero),
		cmocka_unit_test(test_recv_init_limits),
		cmocka_unit_test(test_send_sequence_and_exhaustion),
		cmocka_unit_test(test_send_long_form),
		T(test_send_long_form_accepted_by_receiver),
		cmocka_unit_test(test_verdict_strings),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
