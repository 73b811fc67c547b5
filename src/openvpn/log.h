/* Logging: one call, msg(), with OpenVPN's verbosity levels. */
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * Levels follow OpenVPN's --verb meaning: 0 prints only fatal errors,
 * 1..2 errors, warnings and the few lines an operator always wants,
 * 3 is the normal level, 4 adds option dumps, 5 per-packet R/W marks,
 * 6..11 increasingly verbose debugging.
 */
enum msg_level {
	M_FATAL = 0,   /* printed, then the process exits with status 1 */
	M_ERR = 1 | 0x200,    /* level 1; the flag picks the syslog priority */
	M_WARN = 1 | 0x400,
	M_INFO = 1,
	D_LOW = 2,
	D_NORMAL = 3,
	D_OPTIONS = 4,
	D_PACKET = 5,
	D_DEBUG = 7,
	D_VERBOSE = 9,
};

/* Or'ed into the level: append ": strerror(errno)". */
#define M_ERRNO 0x100
#define M_LEVEL_MASK 0xff
#define M_IS_ERR 0x200
#define M_IS_WARN 0x400

struct log_config {
	int verb;            /* default 1, as OpenVPN */
	int mute;            /* 0: off; else at most N repeats of one message */
	const char *file;    /* --log / --log-append, NULL for stderr */
	bool append;
	const char *syslog_ident; /* non-NULL: log to syslog */
	bool timestamps;     /* false with --suppress-timestamps or syslog */
};

/* Apply a configuration; returns 0 or -errno (log file could not be opened). */
int log_configure(const struct log_config *cfg);
void log_close(void);
int log_verb(void);
int log_mute(void);
/* The management interface's "verb n" and "mute n". */
void log_set_verb(int verb);
void log_set_mute(int mute);
/*
 * One more reader of every message that passed verb and mute (the
 * management interface's log cache and >LOG lines); NULL removes it.
 */
void log_set_tap(void (*tap)(int level, const char *text));
bool log_enabled(int level);

void msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vmsg(int level, const char *fmt, va_list ap);
/* Print and exit(1). */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/*
 * Rate limit for messages a remote peer can trigger: at most `burst`
 * messages per `interval_ms`; the suppressed count is reported with the next
 * message that passes.
 */
struct ratelimit {
	uint32_t interval_ms;
	uint32_t burst;
	uint64_t window_start;
	uint32_t in_window;
	uint64_t suppressed;
};
#define RATELIMIT_INIT(ms, n) { .interval_ms = (ms), .burst = (n) }

void msg_ratelimited(struct ratelimit *rl, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
