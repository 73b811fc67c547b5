/* Logging with verbosity, mute, timestamps, log file and syslog. */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <sys/time.h>

static struct {
	int verb;
	int mute;
	FILE *out;
	bool own_file;
	bool use_syslog;
	bool timestamps;
	char ident[64];     /* openlog() keeps the pointer, so we own the string */
	char last[256];     /* for --mute: the last message text seen */
	int repeats;
	int muted;
	void (*tap)(int level, const char *text);
} L = { .verb = 1, .timestamps = true };

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int log_configure(const struct log_config *cfg)
{
	FILE *f = NULL;

	if (cfg->file) {
		f = fopen(cfg->file, cfg->append ? "a" : "w");
		if (!f)
			return -errno;
		setvbuf(f, NULL, _IOLBF, 0);
	}
	log_close();
	L.verb = cfg->verb;
	L.mute = cfg->mute;
	L.timestamps = cfg->timestamps;
	if (f) {
		L.out = f;
		L.own_file = true;
	}
	if (cfg->syslog_ident && !f) {
		snprintf(L.ident, sizeof(L.ident), "%s", cfg->syslog_ident);
		openlog(L.ident, LOG_PID, LOG_DAEMON);
		L.use_syslog = true;
	}
	return 0;
}

void log_close(void)
{
	if (L.own_file && L.out)
		fclose(L.out);
	if (L.use_syslog)
		closelog();
	L.out = NULL;
	L.own_file = false;
	L.use_syslog = false;
}

int log_verb(void)
{
	return L.verb;
}

int log_mute(void)
{
	return L.mute;
}

void log_set_verb(int verb)
{
	L.verb = verb;
}

void log_set_mute(int mute)
{
	L.mute = mute;
}

void log_set_tap(void (*tap)(int level, const char *text))
{
	L.tap = tap;
}

bool log_enabled(int level)
{
	return (level & M_LEVEL_MASK) <= L.verb || (level & M_LEVEL_MASK) == M_FATAL;
}

static void log_write(int level, const char *text);

/* --mute N: after N consecutive repeats of one message, drop the rest.
 * Messages are compared as formatted text, so different errors logged
 * through one "%s" format are not mistaken for repeats. */
static bool log_muted(const char *text)
{
	if (L.mute <= 0)
		return false;
	if (strncmp(L.last, text, sizeof(L.last) - 1) == 0) {
		if (++L.repeats >= L.mute) {
			L.muted++;
			return true;
		}
		return false;
	}
	if (L.muted) {
		char note[64];

		snprintf(note, sizeof(note), "[previous message repeated, %d lines muted]",
			 L.muted);
		L.muted = 0;
		log_write(M_INFO, note);
	}
	strncpy(L.last, text, sizeof(L.last) - 1);
	L.last[sizeof(L.last) - 1] = '\0';
	L.repeats = 0;
	return false;
}

static void log_write(int level, const char *text)
{
	FILE *out = L.out ? L.out : stderr;

	if (L.use_syslog) {
		int prio = LOG_NOTICE;

		if ((level & M_LEVEL_MASK) == M_FATAL)
			prio = LOG_CRIT;
		else if (level & M_IS_ERR)
			prio = LOG_ERR;
		else if (level & M_IS_WARN)
			prio = LOG_WARNING;
		else if ((level & M_LEVEL_MASK) > D_NORMAL)
			prio = LOG_DEBUG;

		syslog(prio, "%s", text);
		return;
	}
	if (L.timestamps) {
		struct timeval tv;
		struct tm tm;
		char ts[32];

		gettimeofday(&tv, NULL);
		localtime_r(&tv.tv_sec, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(out, "%s us=%06ld %s\n", ts, (long)tv.tv_usec, text);
	} else {
		fprintf(out, "%s\n", text);
	}
	fflush(out);
}

void vmsg(int level, const char *fmt, va_list ap)
{
	char text[2048];
	int saved_errno = errno;
	int n;

	if (!log_enabled(level))
		return;
	n = vsnprintf(text, sizeof(text), fmt, ap);
	if (n < 0)
		return;
	if ((level & M_LEVEL_MASK) != M_FATAL && log_muted(text))
		return;
	if ((level & M_ERRNO) && (size_t)n < sizeof(text))
		snprintf(text + n, sizeof(text) - (size_t)n, ": %s (errno=%d)",
			 strerror(saved_errno), saved_errno);
	if (L.tap)
		L.tap(level, text);
	log_write(level, text);
	errno = saved_errno;
}

void msg(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(level, fmt, ap);
	va_end(ap);
}

void fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(M_FATAL, fmt, ap);
	va_end(ap);
	msg(M_FATAL, "Exiting due to fatal error");
	exit(1);
}

void msg_ratelimited(struct ratelimit *rl, int level, const char *fmt, ...)
{
	uint64_t now = mono_ms();
	va_list ap;

	if (!log_enabled(level))
		return;
	if (now - rl->window_start >= rl->interval_ms) {
		if (rl->suppressed)
			msg(level, "(%llu similar messages suppressed)",
			    (unsigned long long)rl->suppressed);
		rl->window_start = now;
		rl->in_window = 0;
		rl->suppressed = 0;
	}
	if (rl->in_window >= rl->burst) {
		rl->suppressed++;
		return;
	}
	rl->in_window++;
	va_start(ap, fmt);
	vmsg(level, fmt, ap);
	va_end(ap);
}
