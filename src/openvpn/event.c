/* epoll loop with a timer heap and signalfd. */
#include "event.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>

#include "log.h"

#define EVENT_BATCH 64

uint64_t event_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int event_loop_init(struct event_loop *loop)
{
	memset(loop, 0, sizeof(*loop));
	loop->sigfd = -1;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0)
		return -errno;
	return 0;
}

void event_loop_free(struct event_loop *loop)
{
	size_t i;

	for (i = 0; i < loop->n_timers; i++)
		loop->heap[i]->heap_idx = TIMER_IDLE;
	free(loop->heap);
	loop->heap = NULL;
	loop->n_timers = loop->cap_timers = 0;
	if (loop->sigfd >= 0)
		close(loop->sigfd);
	if (loop->epfd >= 0)
		close(loop->epfd);
	loop->sigfd = loop->epfd = -1;
}

static int event_ctl(struct event_loop *loop, int op, int fd, uint32_t events,
		     struct event_handler *h)
{
	struct epoll_event ev = { .events = events, .data.ptr = h };

	if (epoll_ctl(loop->epfd, op, fd, &ev) < 0)
		return -errno;
	return 0;
}

int event_add(struct event_loop *loop, int fd, uint32_t events, struct event_handler *h)
{
	return event_ctl(loop, EPOLL_CTL_ADD, fd, events, h);
}

int event_mod(struct event_loop *loop, int fd, uint32_t events, struct event_handler *h)
{
	return event_ctl(loop, EPOLL_CTL_MOD, fd, events, h);
}

void event_del(struct event_loop *loop, int fd)
{
	if (fd >= 0)
		epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
}

/* ---- timer heap -------------------------------------------------------- */

void timer_init(struct timer *t, void (*cb)(struct timer *t))
{
	t->cb = cb;
	t->expires_ms = 0;
	t->heap_idx = TIMER_IDLE;
}

static void heap_place(struct event_loop *loop, size_t i, struct timer *t)
{
	loop->heap[i] = t;
	t->heap_idx = i;
}

static void heap_sift_up(struct event_loop *loop, size_t i)
{
	struct timer *t = loop->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (loop->heap[parent]->expires_ms <= t->expires_ms)
			break;
		heap_place(loop, i, loop->heap[parent]);
		i = parent;
	}
	heap_place(loop, i, t);
}

static void heap_sift_down(struct event_loop *loop, size_t i)
{
	struct timer *t = loop->heap[i];
	size_t n = loop->n_timers;

	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= n)
			break;
		if (child + 1 < n &&
		    loop->heap[child + 1]->expires_ms < loop->heap[child]->expires_ms)
			child++;
		if (t->expires_ms <= loop->heap[child]->expires_ms)
			break;
		heap_place(loop, i, loop->heap[child]);
		i = child;
	}
	heap_place(loop, i, t);
}

void timer_cancel(struct event_loop *loop, struct timer *t)
{
	size_t i = t->heap_idx;
	struct timer *last;

	if (i == TIMER_IDLE)
		return;
	t->heap_idx = TIMER_IDLE;
	last = loop->heap[--loop->n_timers];
	if (last == t)
		return;
	heap_place(loop, i, last);
	heap_sift_down(loop, i);
	heap_sift_up(loop, last->heap_idx);
}

int timer_arm(struct event_loop *loop, struct timer *t, uint64_t delay_ms)
{
	timer_cancel(loop, t);
	if (loop->n_timers == loop->cap_timers) {
		size_t cap = loop->cap_timers ? loop->cap_timers * 2 : 16;
		struct timer **h = realloc(loop->heap, cap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		loop->heap = h;
		loop->cap_timers = cap;
	}
	/* At least 1 ms, so a callback re-arming itself with 0 cannot spin
	 * inside one event_run_timers() pass. */
	t->expires_ms = event_now_ms() + (delay_ms ? delay_ms : 1);
	heap_place(loop, loop->n_timers++, t);
	heap_sift_up(loop, t->heap_idx);
	return 0;
}

int event_next_timeout(const struct event_loop *loop)
{
	uint64_t now;
	uint64_t first;

	if (loop->n_timers == 0)
		return -1;
	now = event_now_ms();
	first = loop->heap[0]->expires_ms;
	if (first <= now)
		return 0;
	return first - now > 3600000 ? 3600000 : (int)(first - now);
}

void event_run_timers(struct event_loop *loop, uint64_t now)
{
	while (loop->n_timers > 0 && loop->heap[0]->expires_ms <= now) {
		struct timer *t = loop->heap[0];

		timer_cancel(loop, t);
		t->cb(t);
		if (loop->stop)
			break;
	}
}

/* ---- signals ----------------------------------------------------------- */

static void event_signal_ready(struct event_handler *h, uint32_t events)
{
	struct event_loop *loop = container_of(h, struct event_loop, sig_handler);
	struct signalfd_siginfo si;

	while (read(loop->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (loop->on_signal)
			loop->on_signal(loop, (int)si.ssi_signo);
	}
}

int event_signals(struct event_loop *loop, const int *signals, size_t n,
		  void (*on_signal)(struct event_loop *loop, int signo))
{
	sigset_t set;
	size_t i;
	int ret;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	for (i = 0; i < n; i++)
		sigaddset(&set, signals[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	loop->sigfd = signalfd(loop->sigfd, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (loop->sigfd < 0)
		return -errno;
	loop->on_signal = on_signal;
	loop->sig_handler.cb = event_signal_ready;
	ret = event_add(loop, loop->sigfd, EPOLLIN, &loop->sig_handler);
	if (ret == -EEXIST)
		ret = 0;
	return ret;
}

/* ---- dispatch ---------------------------------------------------------- */

int event_loop_run_once(struct event_loop *loop, int max_wait_ms)
{
	struct epoll_event evs[EVENT_BATCH];
	int timeout = event_next_timeout(loop);
	int n, i;

	if (max_wait_ms >= 0 && (timeout < 0 || timeout > max_wait_ms))
		timeout = max_wait_ms;
	n = epoll_wait(loop->epfd, evs, EVENT_BATCH, timeout);
	if (n < 0) {
		if (errno == EINTR)
			return 0;
		return -errno;
	}
	for (i = 0; i < n && !loop->stop; i++) {
		struct event_handler *h = evs[i].data.ptr;

		h->cb(h, evs[i].events);
	}
	if (!loop->stop)
		event_run_timers(loop, event_now_ms());
	return 0;
}

int event_loop_run(struct event_loop *loop)
{
	int ret = 0;

	loop->stop = false;
	while (!loop->stop && ret == 0)
		ret = event_loop_run_once(loop, -1);
	return ret;
}
