/*
 * The management protocol without sockets: line framing, the bounded output
 * queue, the history rings and the commands. Wording of replies follows
 * what OpenVPN 2.6.14 answers, so that existing tools parse them.
 */
#include "management_int.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "config.h"
#include "event.h"
#include "log.h"

/* ---- framing and queues ---------------------------------------------------- */

int mgmt_linebuf_feed(struct mgmt_linebuf *lb, const char *data, size_t len,
		      int (*on_line)(void *arg, char *line), void *arg)
{
	size_t i;
	int ret;

	for (i = 0; i < len; i++) {
		char c = data[i];

		if (c != '\n') {
			if (lb->len >= MGMT_LINE_MAX) {
				lb->overflow = true;
				return -EMSGSIZE;
			}
			lb->buf[lb->len++] = c;
			continue;
		}
		if (lb->len > 0 && lb->buf[lb->len - 1] == '\r')
			lb->len--;
		lb->buf[lb->len] = '\0';
		lb->len = 0;
		ret = on_line(arg, lb->buf);
		if (ret)
			return ret;
	}
	return 0;
}

void mgmt_outq_free(struct mgmt_outq *q)
{
	free(q->data);
	memset(q, 0, sizeof(*q));
}

static int mgmt_outq_reserve(struct mgmt_outq *q, size_t need)
{
	size_t cap = q->cap ? q->cap : 4096;
	char *p;

	while (cap < need)
		cap *= 2;
	if (cap == q->cap)
		return 0;
	p = realloc(q->data, cap);
	if (!p)
		return -ENOMEM;
	q->data = p;
	q->cap = cap;
	return 0;
}

int mgmt_outq_line(struct mgmt_outq *q, const char *line, bool realtime)
{
	size_t n = strlen(line);
	size_t limit = realtime ? MGMT_OUT_RT_MAX : MGMT_OUT_MAX;

	if (q->len + n + 2 > limit || mgmt_outq_reserve(q, q->len + n + 2) < 0) {
		q->dropped++;
		return -ENOBUFS;
	}
	memcpy(q->data + q->len, line, n);
	memcpy(q->data + q->len + n, "\r\n", 2);
	q->len += n + 2;
	return 0;
}

void mgmt_outq_consume(struct mgmt_outq *q, size_t n)
{
	if (n >= q->len) {
		q->len = 0;
		return;
	}
	memmove(q->data, q->data + n, q->len - n);
	q->len -= n;
}

int mgmt_hist_init(struct mgmt_hist *h, size_t cap)
{
	memset(h, 0, sizeof(*h));
	if (cap == 0)
		return 0;
	h->lines = calloc(cap, sizeof(*h->lines));
	if (!h->lines)
		return -ENOMEM;
	h->cap = cap;
	return 0;
}

void mgmt_hist_free(struct mgmt_hist *h)
{
	free(h->lines);
	memset(h, 0, sizeof(*h));
}

void mgmt_hist_add(struct mgmt_hist *h, const char *line)
{
	if (!h->cap)
		return;
	snprintf(h->lines[h->next], MGMT_HIST_LINE, "%s", line);
	h->next = (h->next + 1) % h->cap;
	if (h->n < h->cap)
		h->n++;
}

const char *mgmt_hist_get(const struct mgmt_hist *h, size_t i)
{
	size_t first = (h->next + h->cap - h->n) % h->cap;

	return h->lines[(first + i) % h->cap];
}

void mgmt_reply(struct mgmt *m, bool realtime, const char *fmt, ...)
{
	char line[MGMT_LINE_MAX + 64];
	va_list ap;

	if (!m->connected || (realtime && !m->authed))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	mgmt_outq_line(&m->out, line, realtime);
	if (m->kick)
		m->kick(m);
}

/* Multi-line text (a status report): one reply line per text line. */
static void mgmt_reply_text(struct mgmt *m, const char *text)
{
	const char *nl;

	while (*text) {
		nl = strchr(text, '\n');
		if (!nl)
			nl = text + strlen(text);
		mgmt_reply(m, false, "%.*s", (int)(nl - text), text);
		text = *nl ? nl + 1 : nl;
	}
}

/* ---- session --------------------------------------------------------------- */

static void mgmt_greet(struct mgmt *m)
{
	mgmt_reply(m, false, ">INFO:OpenVPN Management Interface Version 5 -- "
		   "type 'help' for more info");
	if (m->holding)
		mgmt_reply(m, true, ">HOLD:Waiting for hold release:0");
}

void mgmt_session_start(struct mgmt *m)
{
	m->connected = true;
	m->authed = m->password == NULL;
	if (m->authed) {
		mgmt_greet(m);
		return;
	}
	/* no line end: 2.6 leaves the cursor after the prompt */
	if (mgmt_outq_line(&m->out, "ENTER PASSWORD:", false) == 0)
		m->out.len -= 2;
	if (m->kick)
		m->kick(m);
}

void mgmt_session_end(struct mgmt *m)
{
	m->connected = m->authed = m->closing = false;
	m->pw_failures = 0;
	m->rt_log = m->rt_state = m->rt_echo = false;
	m->in.len = 0;
	m->in.overflow = false;
	m->out.len = 0;
	m->out.dropped = 0;
	if (m->bytecount_secs) {
		m->bytecount_secs = 0;
		if (m->bytecount_changed)
			m->bytecount_changed(m);
	}
}

/* Compare without an early exit, so timing does not tell the prefix. */
static bool mgmt_password_ok(const char *want, const char *got)
{
	size_t lw = strlen(want), lg = strlen(got), i;
	unsigned char diff = lw != lg;

	for (i = 0; i < lg; i++)
		diff |= (unsigned char)(got[i] ^ want[i % (lw ? lw : 1)]);
	return diff == 0;
}

static int mgmt_password_line(struct mgmt *m, const char *line)
{
	if (mgmt_password_ok(m->password, line)) {
		m->authed = true;
		mgmt_reply(m, false, "SUCCESS: password is correct");
		mgmt_greet(m);
		return 0;
	}
	if (++m->pw_failures >= MGMT_PW_TRIES) {
		msg(M_WARN, "MANAGEMENT: client connection rejected after %d failed "
		    "password attempts", m->pw_failures);
		m->closing = true;
		return -EPIPE;
	}
	if (mgmt_outq_line(&m->out, "ENTER PASSWORD:", false) == 0)
		m->out.len -= 2;
	if (m->kick)
		m->kick(m);
	return 0;
}

static int mgmt_cmd_dispatch(struct mgmt *m, int argc, char **argv);

int mgmt_handle_line(struct mgmt *m, char *line)
{
	struct config_words *w;
	char err[128];
	int ret = 0;

	if (!m->authed)
		return mgmt_password_line(m, line);
	w = malloc(sizeof(*w));
	if (!w) {
		mgmt_reply(m, false, "ERROR: out of memory");
		return 0;
	}
	if (config_split_line(line, w, err, sizeof(err)) < 0)
		mgmt_reply(m, false, "ERROR: %s", err);
	else if (w->argc > 0)
		ret = mgmt_cmd_dispatch(m, w->argc, w->argv);
	free(w);
	return ret;
}

/* ---- commands -------------------------------------------------------------- */

static const char *const mgmt_help_lines[] = {
	"Commands:",
	"bytecount n            : Show bytes in/out, update every n secs (0=off).",
	"echo [on|off] [N|all]  : Like log, but only show messages in echo buffer.",
	"exit|quit              : Close management session.",
	"help                   : Print this message.",
	"hold [on|off|release]  : Set/show hold flag to on/off state, or",
	"                         release current hold and start tunnel.",
	"kill cn                : Kill the client instance(s) having common name cn.",
	"kill IP:port           : Kill the client instance connecting from IP:port.",
	"load-stats             : Show global server load stats.",
	"log [on|off] [N|all]   : Turn on/off realtime log display",
	"                         + show last N lines or 'all' for entire history.",
	"mute [n]               : Set log mute level to n, or show level if n is absent.",
	"pid                    : Show process ID of the current OpenVPN process.",
	"signal s               : Send signal s to daemon,",
	"                         s = SIGHUP|SIGTERM|SIGUSR1|SIGUSR2.",
	"state [on|off] [N|all] : Like log, but show state history.",
	"status [n]             : Show current daemon status info using format #n.",
	"verb [n]               : Set log verbosity level to n, or show if n is absent.",
	"version [n]            : Set client's version to n or show current version of daemon.",
	"END",
};

static bool mgmt_parse_uint(const char *s, long max, long *out)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end || errno || v > max)
		return false;
	*out = v;
	return true;
}

static int cmd_help(struct mgmt *m, int argc, char **argv)
{
	size_t i;

	mgmt_reply(m, false, "Management Interface for %s", m->title ? m->title : "");
	for (i = 0; i < ARRAY_SIZE(mgmt_help_lines); i++)
		mgmt_reply(m, false, "%s", mgmt_help_lines[i]);
	return 0;
}

static int cmd_version(struct mgmt *m, int argc, char **argv)
{
	long v;

	if (argc > 1) {
		/* a client announcing its own version: nothing depends on it yet */
		if (!mgmt_parse_uint(argv[1], 1000000, &v))
			mgmt_reply(m, false, "ERROR: version parameter must be a number");
		else
			mgmt_reply(m, false, "SUCCESS: Management client version set to %ld", v);
		return 0;
	}
	mgmt_reply(m, false, "OpenVPN Version: %s", m->title ? m->title : "");
	mgmt_reply(m, false, "Management Version: 5");
	mgmt_reply(m, false, "END");
	return 0;
}

static int cmd_pid(struct mgmt *m, int argc, char **argv)
{
	mgmt_reply(m, false, "SUCCESS: pid=%ld", (long)getpid());
	return 0;
}

static int cmd_status(struct mgmt *m, int argc, char **argv)
{
	long version = 1;
	char *text;

	if (argc > 1 && (!mgmt_parse_uint(argv[1], 3, &version) || version < 1)) {
		mgmt_reply(m, false, "ERROR: bad status format version number");
		return 0;
	}
	text = m->ops && m->ops->status ? m->ops->status(m->ctx, (int)version) : NULL;
	if (!text) {
		mgmt_reply(m, false, "ERROR: status is not available yet");
		return 0;
	}
	mgmt_reply_text(m, text);
	free(text);
	return 0;
}

/* log, state and echo: "on", "off", "all" or a count, one or two of them. */
static int cmd_history(struct mgmt *m, int argc, char **argv, const struct mgmt_hist *h,
		       bool *rt, const char *what)
{
	int i;

	for (i = 1; i < argc; i++) {
		size_t n = h->n, k;
		long v;

		if (strcmp(argv[i], "on") == 0 || strcmp(argv[i], "off") == 0) {
			*rt = argv[i][1] == 'n';
			mgmt_reply(m, false, "SUCCESS: real-time %s notification set to %s", what,
				   *rt ? "ON" : "OFF");
			continue;
		}
		if (strcmp(argv[i], "all") != 0) {
			if (!mgmt_parse_uint(argv[i], 1000000, &v)) {
				mgmt_reply(m, false, "ERROR: %s parameter must be 'on' or 'off' "
					   "or some number n or 'all'", what);
				break;
			}
			n = (size_t)v < h->n ? (size_t)v : h->n;
		}
		for (k = h->n - n; k < h->n; k++)
			mgmt_reply(m, false, "%s", mgmt_hist_get(h, k));
		mgmt_reply(m, false, "END");
	}
	return 0;
}

static int cmd_log(struct mgmt *m, int argc, char **argv)
{
	return cmd_history(m, argc, argv, &m->log, &m->rt_log, "log");
}

static int cmd_echo(struct mgmt *m, int argc, char **argv)
{
	return cmd_history(m, argc, argv, &m->echo, &m->rt_echo, "echo");
}

static int cmd_state(struct mgmt *m, int argc, char **argv)
{
	static char one[] = "1";
	char *argv1[] = { argv[0], one };

	/* plain "state": the current state only */
	if (argc == 1)
		return cmd_history(m, 2, argv1, &m->state, &m->rt_state, "state");
	return cmd_history(m, argc, argv, &m->state, &m->rt_state, "state");
}

static int cmd_bytecount(struct mgmt *m, int argc, char **argv)
{
	long v;

	if (!mgmt_parse_uint(argv[1], 86400, &v)) {
		mgmt_reply(m, false, "ERROR: bytecount interval must be 0..86400 seconds");
		return 0;
	}
	m->bytecount_secs = (int)v;
	if (m->bytecount_changed)
		m->bytecount_changed(m);
	mgmt_reply(m, false, "SUCCESS: bytecount interval changed");
	return 0;
}

static const struct {
	const char *name;
	int signo;
} mgmt_signals[] = {
	{ "SIGHUP", SIGHUP }, { "SIGTERM", SIGTERM },
	{ "SIGUSR1", SIGUSR1 }, { "SIGUSR2", SIGUSR2 },
};

static int cmd_signal(struct mgmt *m, int argc, char **argv)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mgmt_signals); i++) {
		if (strcmp(argv[1], mgmt_signals[i].name) != 0)
			continue;
		/* the signal is blocked and read from the loop's signalfd, so
		 * it takes the same path as one sent with kill(1) */
		kill(getpid(), mgmt_signals[i].signo);
		mgmt_reply(m, false, "SUCCESS: signal %s thrown", argv[1]);
		return 0;
	}
	mgmt_reply(m, false, "ERROR: signal '%s' is not a known signal type", argv[1]);
	return 0;
}

/* "IP:port" (the port after the last ':', so IPv6 works) or a common name. */
static int cmd_kill(struct mgmt *m, int argc, char **argv)
{
	char host[MGMT_LINE_MAX + 1], pnum[8];
	const char *colon = strrchr(argv[1], ':');
	long port;
	int n;

	if (!m->ops || !m->ops->kill_cn) {
		mgmt_reply(m, false, "ERROR: The 'kill' command is not supported by the "
			   "current daemon mode");
		return 0;
	}
	if (colon && colon != argv[1] && mgmt_parse_uint(colon + 1, 65535, &port)) {
		snprintf(host, sizeof(host), "%.*s", (int)(colon - argv[1]), argv[1]);
		/* the port as a plain number: "0080" is port 80 */
		snprintf(pnum, sizeof(pnum), "%ld", port);
		n = m->ops->kill_addr(m->ctx, host, pnum);
		if (n > 0)
			mgmt_reply(m, false, "SUCCESS: %d client(s) at address %s killed", n,
				   argv[1]);
		else
			mgmt_reply(m, false, "ERROR: client at address %s not found", argv[1]);
		return 0;
	}
	n = m->ops->kill_cn(m->ctx, argv[1]);
	if (n > 0)
		mgmt_reply(m, false, "SUCCESS: common name '%s' found, %d client(s) killed",
			   argv[1], n);
	else
		mgmt_reply(m, false, "ERROR: common name '%s' not found", argv[1]);
	return 0;
}

static int cmd_hold(struct mgmt *m, int argc, char **argv)
{
	if (argc == 1) {
		mgmt_reply(m, false, "SUCCESS: hold=%d", m->hold ? 1 : 0);
	} else if (strcmp(argv[1], "on") == 0 || strcmp(argv[1], "off") == 0) {
		m->hold = argv[1][1] == 'n';
		mgmt_reply(m, false, "SUCCESS: hold flag set to %s", m->hold ? "ON" : "OFF");
	} else if (strcmp(argv[1], "release") == 0) {
		if (m->holding && m->loop)
			event_loop_stop(m->loop);
		m->holding = false;
		mgmt_reply(m, false, "SUCCESS: hold release succeeded");
	} else {
		mgmt_reply(m, false, "ERROR: bad hold command parameter");
	}
	return 0;
}

/* verb and mute: show the value, or set it. */
static int cmd_level(struct mgmt *m, int argc, char **argv)
{
	bool verb = argv[0][0] == 'v';
	long v;

	if (argc == 1) {
		mgmt_reply(m, false, "SUCCESS: %s=%d", argv[0], verb ? log_verb() : log_mute());
		return 0;
	}
	if (!mgmt_parse_uint(argv[1], verb ? 11 : 1000000, &v)) {
		mgmt_reply(m, false, "ERROR: %s level is out of range", argv[0]);
		return 0;
	}
	if (verb)
		log_set_verb((int)v);
	else
		log_set_mute((int)v);
	mgmt_reply(m, false, "SUCCESS: %s level changed", argv[0]);
	return 0;
}

static int cmd_load_stats(struct mgmt *m, int argc, char **argv)
{
	struct mgmt_load l = { 0 };

	if (m->ops && m->ops->load_stats)
		m->ops->load_stats(m->ctx, &l);
	mgmt_reply(m, false, "SUCCESS: nclients=%u,bytesin=%llu,bytesout=%llu", l.nclients,
		   (unsigned long long)l.bytes_in, (unsigned long long)l.bytes_out);
	return 0;
}

static int cmd_quit(struct mgmt *m, int argc, char **argv)
{
	m->closing = true;
	return -EPIPE;
}

struct mgmt_cmd {
	const char *name;
	int min_args, max_args;     /* after the command word */
	int (*fn)(struct mgmt *m, int argc, char **argv);
};

static const struct mgmt_cmd mgmt_cmds[] = {
	{ "help", 0, 0, cmd_help },
	{ "version", 0, 1, cmd_version },
	{ "pid", 0, 0, cmd_pid },
	{ "status", 0, 1, cmd_status },
	{ "state", 0, 2, cmd_state },
	{ "log", 1, 2, cmd_log },
	{ "echo", 1, 2, cmd_echo },
	{ "bytecount", 1, 1, cmd_bytecount },
	{ "signal", 1, 1, cmd_signal },
	{ "kill", 1, 1, cmd_kill },
	{ "hold", 0, 1, cmd_hold },
	{ "verb", 0, 1, cmd_level },
	{ "mute", 0, 1, cmd_level },
	{ "load-stats", 0, 0, cmd_load_stats },
	{ "exit", 0, 0, cmd_quit },
	{ "quit", 0, 0, cmd_quit },
};

static int mgmt_cmd_dispatch(struct mgmt *m, int argc, char **argv)
{
	const struct mgmt_cmd *c = NULL;
	int nargs = argc - 1;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mgmt_cmds); i++)
		if (strcmp(argv[0], mgmt_cmds[i].name) == 0)
			c = &mgmt_cmds[i];
	if (!c) {
		mgmt_reply(m, false, "ERROR: unknown command, enter 'help' for more options");
		return 0;
	}
	if (nargs < c->min_args) {
		mgmt_reply(m, false, "ERROR: the '%s' command requires %s%d parameter%s",
			   c->name, c->min_args == c->max_args ? "" : "at least ",
			   c->min_args, c->min_args == 1 ? "" : "s");
		return 0;
	}
	if (nargs > c->max_args) {
		mgmt_reply(m, false, "ERROR: too many parameters for the '%s' command", c->name);
		return 0;
	}
	msg(D_DEBUG, "MANAGEMENT: CMD '%s'", argv[0]);
	return c->fn(m, argc, argv);
}
