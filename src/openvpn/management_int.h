/*
 * Private to the management interface: management.c (sockets, event loop,
 * log tap, state) and management_cmd.c (line framing, output queue and the
 * commands), which the unit tests drive without a socket.
 */
#ifndef MANAGEMENT_INT_H
#define MANAGEMENT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "management.h"

#define MGMT_LINE_MAX 1024          /* longest command line accepted */
#define MGMT_OUT_MAX (1u << 20)     /* output queue bound: replies */
#define MGMT_OUT_RT_MAX (64u << 10) /* beyond this, real-time lines are dropped */
#define MGMT_HIST_LINE 512          /* one stored log/state line, truncated */
#define MGMT_PW_TRIES 3             /* then the client is disconnected, as 2.6 */

struct mgmt_linebuf {
	char buf[MGMT_LINE_MAX + 1];
	size_t len;
	bool overflow;
};

/* Bytes still to be written to the client. */
struct mgmt_outq {
	char *data;
	size_t len;
	size_t cap;
	uint64_t dropped;   /* lines dropped because the client did not read */
};

/* A ring of the latest lines ("time,rest"), oldest first when read. */
struct mgmt_hist {
	char (*lines)[MGMT_HIST_LINE];
	size_t cap;
	size_t n;
	size_t next;
};

struct mgmt {
	/* from the options */
	const char *title;           /* the version line for help/version */
	char *password;              /* NULL: no password prompt */
	bool hold;                   /* the hold flag */
	bool signal_on_close;        /* --management-signal */
	/* the attached run */
	const struct mgmt_ops *ops;
	void *ctx;
	struct event_loop *loop;
	bool holding;                /* inside management_hold() */
	/* history */
	struct mgmt_hist log, state, echo;
	/* the connected client */
	bool connected;
	bool authed;
	int pw_failures;
	bool rt_log, rt_state, rt_echo;
	int bytecount_secs;
	bool closing;                /* exit/quit, or too many bad passwords */
	struct mgmt_linebuf in;
	struct mgmt_outq out;
	/* set by management.c: the client has new output, or the bytecount
	 * interval changed */
	void (*kick)(struct mgmt *m);
	void (*bytecount_changed)(struct mgmt *m);
};

/* ---- management_cmd.c ----------------------------------------------------- */

/*
 * Append data to lb and call on_line(arg, line) for every complete line
 * (LF-terminated; a CR before it is dropped). A line longer than
 * MGMT_LINE_MAX makes it return -EMSGSIZE: the client is misbehaving.
 * Stops early and returns what on_line returned when that is not 0.
 */
int mgmt_linebuf_feed(struct mgmt_linebuf *lb, const char *data, size_t len,
		      int (*on_line)(void *arg, char *line), void *arg);

void mgmt_outq_free(struct mgmt_outq *q);
/* Queue one line plus CRLF. A real-time line is dropped (and counted)
 * beyond MGMT_OUT_RT_MAX, a reply beyond MGMT_OUT_MAX. 0 or -ENOBUFS. */
int mgmt_outq_line(struct mgmt_outq *q, const char *line, bool realtime);
/* Remove n written bytes from the front. */
void mgmt_outq_consume(struct mgmt_outq *q, size_t n);

int mgmt_hist_init(struct mgmt_hist *h, size_t cap);
void mgmt_hist_free(struct mgmt_hist *h);
void mgmt_hist_add(struct mgmt_hist *h, const char *line);
/* The i-th of the last n lines, oldest first (i < h->n). */
const char *mgmt_hist_get(const struct mgmt_hist *h, size_t i);

/* A client connected: greeting or password prompt. */
void mgmt_session_start(struct mgmt *m);
/* Reset the per-client state after it left. */
void mgmt_session_end(struct mgmt *m);
/* One line from the client (NUL-terminated, no CR/LF). 0, or -EPIPE when
 * the session must end (quit, password failures). */
int mgmt_handle_line(struct mgmt *m, char *line);
/* Queue a line for the client; realtime lines may be dropped. */
void mgmt_reply(struct mgmt *m, bool realtime, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
