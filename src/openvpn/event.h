/*
 * The event loop: epoll for file descriptors, a min-heap of timers on
 * CLOCK_MONOTONIC, and signals delivered through a signalfd so handlers run
 * in the loop, never in signal context.
 */
#ifndef EVENT_H
#define EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>

struct event_loop;

/* Embed in the owner; recover the owner with container_of(). */
struct event_handler {
	void (*cb)(struct event_handler *h, uint32_t events);
};

struct timer {
	void (*cb)(struct timer *t);
	uint64_t expires_ms;
	size_t heap_idx;     /* position in the heap, or TIMER_IDLE */
};
#define TIMER_IDLE ((size_t)-1)

struct event_loop {
	int epfd;
	int sigfd;
	struct event_handler sig_handler;
	void (*on_signal)(struct event_loop *loop, int signo);
	struct timer **heap;
	size_t n_timers;
	size_t cap_timers;
	bool stop;
};

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#endif

uint64_t event_now_ms(void);

int event_loop_init(struct event_loop *loop);
void event_loop_free(struct event_loop *loop);

int event_add(struct event_loop *loop, int fd, uint32_t events, struct event_handler *h);
int event_mod(struct event_loop *loop, int fd, uint32_t events, struct event_handler *h);
void event_del(struct event_loop *loop, int fd);

void timer_init(struct timer *t, void (*cb)(struct timer *t));
/* (Re)arm to fire once, delay_ms from now. Returns 0 or -ENOMEM. */
int timer_arm(struct event_loop *loop, struct timer *t, uint64_t delay_ms);
void timer_cancel(struct event_loop *loop, struct timer *t);
static inline bool timer_pending(const struct timer *t) { return t->heap_idx != TIMER_IDLE; }
/* Milliseconds until the earliest timer, or -1 when none is armed. */
int event_next_timeout(const struct event_loop *loop);
/* Fire every timer that is due at `now`. */
void event_run_timers(struct event_loop *loop, uint64_t now);

/*
 * Block the given signals and route them to on_signal() through a signalfd.
 * SIGPIPE is ignored by this call as well.
 */
int event_signals(struct event_loop *loop, const int *signals, size_t n,
		  void (*on_signal)(struct event_loop *loop, int signo));

/* Wait up to max_wait_ms (-1: forever) for events, dispatch them and the timers. */
int event_loop_run_once(struct event_loop *loop, int max_wait_ms);
/* Run until event_loop_stop(). */
int event_loop_run(struct event_loop *loop);
static inline void event_loop_stop(struct event_loop *loop) { loop->stop = true; }

#endif
