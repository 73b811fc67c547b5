/* Timer heap ordering, cancellation, and fd dispatch of the event loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "event.h"

struct tagged_timer {
	struct timer t;
	int id;
};

static int fired[64];
static int n_fired;

static void record(struct timer *t)
{
	struct tagged_timer *tt = container_of(t, struct tagged_timer, t);

	fired[n_fired++] = tt->id;
}

static void test_timers_fire_in_order(void **state)
{
	struct event_loop loop;
	struct tagged_timer tt[20];
	int i;

	assert_int_equal(event_loop_init(&loop), 0);
	n_fired = 0;
	/* arm in scrambled order: delays 0..19 ms mapped by a permutation */
	for (i = 0; i < 20; i++) {
		tt[i].id = (i * 7) % 20;
		timer_init(&tt[i].t, record);
		assert_int_equal(timer_arm(&loop, &tt[i].t, 1000 + 10 * tt[i].id), 0);
	}
	assert_int_equal(loop.n_timers, 20);
	event_run_timers(&loop, event_now_ms() + 1000 + 10 * 19 + 5);
	assert_int_equal(n_fired, 20);
	for (i = 0; i < 20; i++)
		assert_int_equal(fired[i], i);
	assert_int_equal(loop.n_timers, 0);
	event_loop_free(&loop);
}

static void test_cancel_and_rearm(void **state)
{
	struct event_loop loop;
	struct tagged_timer a = { .id = 1 }, b = { .id = 2 }, c = { .id = 3 };
	uint64_t now;

	assert_int_equal(event_loop_init(&loop), 0);
	n_fired = 0;
	timer_init(&a.t, record);
	timer_init(&b.t, record);
	timer_init(&c.t, record);
	timer_arm(&loop, &a.t, 100);
	timer_arm(&loop, &b.t, 200);
	timer_arm(&loop, &c.t, 300);
	timer_cancel(&loop, &b.t);
	assert_false(timer_pending(&b.t));
	timer_cancel(&loop, &b.t); /* cancelling twice is harmless */
	timer_arm(&loop, &a.t, 400); /* re-arm moves it after c */
	assert_int_equal(loop.n_timers, 2);
	now = event_now_ms();
	event_run_timers(&loop, now + 350);
	assert_int_equal(n_fired, 1);
	assert_int_equal(fired[0], 3);
	event_run_timers(&loop, now + 450);
	assert_int_equal(n_fired, 2);
	assert_int_equal(fired[1], 1);
	event_loop_free(&loop);
}

static void test_next_timeout(void **state)
{
	struct event_loop loop;
	struct tagged_timer a = { .id = 1 };
	int ms;

	assert_int_equal(event_loop_init(&loop), 0);
	assert_int_equal(event_next_timeout(&loop), -1);
	timer_init(&a.t, record);
	timer_arm(&loop, &a.t, 5000);
	ms = event_next_timeout(&loop);
	assert_true(ms > 4900 && ms <= 5000);
	event_loop_free(&loop);
}

struct pipe_reader {
	struct event_handler h;
	int fd;
	int calls;
	struct event_loop *loop;
};

static void pipe_ready(struct event_handler *h, uint32_t events)
{
	struct pipe_reader *r = container_of(h, struct pipe_reader, h);
	char c;

	if (read(r->fd, &c, 1) == 1 && c == 'x')
		r->calls++;
	event_loop_stop(r->loop);
}

static void test_fd_dispatch(void **state)
{
	struct event_loop loop;
	struct pipe_reader r = { .h.cb = pipe_ready };
	int p[2];

	assert_int_equal(event_loop_init(&loop), 0);
	assert_int_equal(pipe(p), 0);
	r.fd = p[0];
	r.loop = &loop;
	assert_int_equal(event_add(&loop, p[0], EPOLLIN, &r.h), 0);
	/* nothing readable: a bounded wait returns without a call */
	assert_int_equal(event_loop_run_once(&loop, 10), 0);
	assert_int_equal(r.calls, 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(event_loop_run(&loop), 0);
	assert_int_equal(r.calls, 1);
	close(p[0]);
	close(p[1]);
	event_loop_free(&loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timers_fire_in_order),
		cmocka_unit_test(test_cancel_and_rearm),
		cmocka_unit_test(test_next_timeout),
		cmocka_unit_test(test_fd_dispatch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
