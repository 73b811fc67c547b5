/*
 * External scripts: environment sets, --script-security, command splitting,
 * fork/execve and waiting, temporary files, and the variables and
 * arguments of each script type. See script.h for the contracts.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* pipe2 */
#endif
#include "script.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "compat.h"
#include "log.h"

/* ---- environment sets ------------------------------------------------------ */

void env_set_init(struct env_set *e)
{
	memset(e, 0, sizeof(*e));
}

void env_set_free(struct env_set *e)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		free(e->items[i].name);
		/* values may be passwords (auth-user-pass-verify via-env) */
		explicit_bzero(e->items[i].value, strlen(e->items[i].value));
		free(e->items[i].value);
	}
	free(e->items);
	memset(e, 0, sizeof(*e));
}

static bool is_alnum_ascii(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_print_ascii(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

static bool class_allows(enum script_str_class cls, unsigned char c)
{
	switch (cls) {
	case SCRIPT_STR_X509_NAME:
		return is_alnum_ascii(c) || strchr("_-.@:/=", c) != NULL;
	case SCRIPT_STR_COMMON_NAME:
	case SCRIPT_STR_USERNAME:
	case SCRIPT_STR_CCD_FILE:
		return is_alnum_ascii(c) || strchr("_-.@", c) != NULL;
	case SCRIPT_STR_ENV_NAME:
		return is_alnum_ascii(c) || c == '_';
	case SCRIPT_STR_PASSWORD:
	case SCRIPT_STR_ENV_VALUE:
		return is_print_ascii(c);
	}
	return false;
}

bool script_string_remap(char *s, enum script_str_class cls)
{
	bool changed = false;
	char *p;

	for (p = s; *p; p++) {
		/* strchr() also finds the terminating NUL: c is never 0 here */
		if (!class_allows(cls, (unsigned char)*p)) {
			*p = '_';
			changed = true;
		}
	}
	/* "." and ".." as a file name would leave the directory */
	if (cls == SCRIPT_STR_CCD_FILE && (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)) {
		memset(s, '_', strlen(s));
		changed = true;
	}
	return changed;
}

static ssize_t env_set_find(const struct env_set *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (strcmp(e->items[i].name, name) == 0)
			return (ssize_t)i;
	return -1;
}

static int env_set_grow(struct env_set *e)
{
	struct env_item *items;
	size_t cap;

	if (e->n < e->cap)
		return 0;
	if (e->n >= ENV_SET_MAX)
		return -ENOSPC;
	cap = e->cap ? e->cap * 2 : 32;
	if (cap > ENV_SET_MAX)
		cap = ENV_SET_MAX;
	items = realloc(e->items, cap * sizeof(*items));
	if (!items)
		return -ENOMEM;
	e->items = items;
	e->cap = cap;
	return 0;
}

int env_set_add(struct env_set *e, const char *name, const char *value)
{
	char *n = NULL, *v = NULL;
	ssize_t at;
	int ret;

	if (!name || !name[0] || !value)
		return -EINVAL;
	if (strlen(name) > ENV_NAME_MAX || strlen(value) > ENV_VALUE_MAX)
		return -E2BIG;
	n = strdup(name);
	v = strdup(value);
	ret = -ENOMEM;
	if (!n || !v)
		goto out;
	script_string_remap(n, SCRIPT_STR_ENV_NAME);
	script_string_remap(v, SCRIPT_STR_ENV_VALUE);
	at = env_set_find(e, n);
	if (at >= 0) {
		explicit_bzero(e->items[at].value, strlen(e->items[at].value));
		free(e->items[at].value);
		e->items[at].value = v;
		v = NULL;
		ret = 0;
		goto out;
	}
	ret = env_set_grow(e);
	if (ret < 0)
		goto out;
	e->items[e->n].name = n;
	e->items[e->n].value = v;
	e->n++;
	n = v = NULL;
out:
	free(n);
	if (v)
		explicit_bzero(v, strlen(v));
	free(v);
	return ret;
}

int env_set_addf(struct env_set *e, const char *name, const char *fmt, ...)
{
	char buf[ENV_VALUE_MAX + 2];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n > ENV_VALUE_MAX)
		return -E2BIG;
	return env_set_add(e, name, buf);
}

int env_set_del(struct env_set *e, const char *name)
{
	ssize_t at = env_set_find(e, name);

	if (at < 0)
		return -ENOENT;
	free(e->items[at].name);
	explicit_bzero(e->items[at].value, strlen(e->items[at].value));
	free(e->items[at].value);
	memmove(&e->items[at], &e->items[at + 1],
		(e->n - (size_t)at - 1) * sizeof(e->items[0]));
	e->n--;
	return 0;
}

const char *env_set_get(const struct env_set *e, const char *name)
{
	ssize_t at = env_set_find(e, name);

	return at < 0 ? NULL : e->items[at].value;
}

int env_set_merge(struct env_set *dst, const struct env_set *src)
{
	size_t i;
	int ret;

	for (i = 0; src && i < src->n; i++) {
		ret = env_set_add(dst, src->items[i].name, src->items[i].value);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* "name=value" strings for execve(), NULL terminated; free with free_envp(). */
static char **env_set_to_envp(const struct env_set *e)
{
	char **envp = calloc(e->n + 1, sizeof(*envp));
	size_t i, len;

	if (!envp)
		return NULL;
	for (i = 0; i < e->n; i++) {
		len = strlen(e->items[i].name) + strlen(e->items[i].value) + 2;
		envp[i] = malloc(len);
		if (!envp[i])
			goto fail;
		snprintf(envp[i], len, "%s=%s", e->items[i].name, e->items[i].value);
	}
	return envp;
fail:
	while (i-- > 0) {
		explicit_bzero(envp[i], strlen(envp[i]));
		free(envp[i]);
	}
	free(envp);
	return NULL;
}

static void free_envp(char **envp)
{
	size_t i;

	for (i = 0; envp && envp[i]; i++) {
		explicit_bzero(envp[i], strlen(envp[i]));
		free(envp[i]);
	}
	free(envp);
}

/* ---- command splitting ----------------------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The escapes a config line allows; anything else is a typo or a Windows
 * path, and is refused rather than guessed at. */
static int split_escape(const char **s, char **out, char *err, size_t errlen)
{
	char c = (*s)[1];

	if (c == '\0') {
		snprintf(err, errlen, "backslash at the end of the command");
		return -EINVAL;
	}
	if (c != '\\' && c != '"' && c != ' ' && c != '\t') {
		snprintf(err, errlen, "invalid escape '\\%c' (only \\\\, \\\", \\<space> and \\<tab>)",
			 is_print_ascii((unsigned char)c) ? c : '?');
		return -EINVAL;
	}
	*(*out)++ = c;
	*s += 2;
	return 0;
}

/* One word starting at *s into out (which has room for strlen(*s) + 1). */
static int split_word(const char **s, char *out, char *err, size_t errlen)
{
	const char *p = *s;
	char quote = 0;
	int ret;

	if (*p == '"' || *p == '\'')
		quote = *p++;
	while (*p && (quote ? *p != quote : !is_blank(*p))) {
		if (*p == '\\' && quote != '\'') {
			ret = split_escape(&p, &out, err, errlen);
			if (ret < 0)
				return ret;
			continue;
		}
		*out++ = *p++;
	}
	if (quote && *p != quote) {
		snprintf(err, errlen, "missing closing quote (%c)", quote);
		return -EINVAL;
	}
	if (quote)
		p++;
	*out = '\0';
	*s = p;
	return 0;
}

int script_argv_parse(struct script_argv *a, const char *cmd, char *err, size_t errlen)
{
	const char *s = cmd;
	char *word = NULL;
	int ret = -EINVAL;

	memset(a, 0, sizeof(*a));
	err[0] = '\0';
	if (strlen(cmd) > SCRIPT_MAX_CMD) {
		snprintf(err, errlen, "command longer than %d bytes", SCRIPT_MAX_CMD);
		goto out;
	}
	if (strpbrk(cmd, "\r\n")) {
		snprintf(err, errlen, "newline in the command");
		goto out;
	}
	word = malloc(strlen(cmd) + 1);
	if (!word) {
		ret = -ENOMEM;
		goto out;
	}
	for (;;) {
		while (is_blank(*s))
			s++;
		if (!*s || *s == '#' || *s == ';')
			break;
		ret = split_word(&s, word, err, errlen);
		if (ret < 0)
			goto out;
		ret = script_argv_append(a, word);
		if (ret == -E2BIG) {
			snprintf(err, errlen, "more than %d words", SCRIPT_MAX_ARGS);
			ret = -EINVAL;
		}
		if (ret < 0)
			goto out;
	}
	ret = 0;
	if (a->argc == 0 || a->argv[0][0] == '\0') {
		snprintf(err, errlen, "no program to run");
		ret = -EINVAL;
	}
out:
	if (ret == -ENOMEM && !err[0])
		snprintf(err, errlen, "out of memory");
	free(word);
	return ret;
}

int script_argv_append(struct script_argv *a, const char *arg)
{
	char *p;

	if (a->argc >= SCRIPT_MAX_ARGS)
		return -E2BIG;
	p = strdup(arg);
	if (!p)
		return -ENOMEM;
	a->argv[a->argc++] = p;
	a->argv[a->argc] = NULL;
	return 0;
}

void script_argv_free(struct script_argv *a)
{
	int i;

	for (i = 0; i < a->argc; i++)
		free(a->argv[i]);
	memset(a, 0, sizeof(*a));
}

/* ---- running --------------------------------------------------------------- */

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The level needed, in the words 2.6 uses, so that searches for the
 * message find the explanation. */
static int script_refused(const struct script_call *c, int need)
{
	msg(M_WARN, "WARNING: External program may not be called unless "
	    "'--script-security %d' or higher is enabled. See --help text or man page "
	    "for detailed info.", need);
	msg(M_WARN, "WARNING: Failed running command (--%s): disallowed by script-security "
	    "setting (--script-security %d)", c->option, c->security);
	return -EPERM;
}

/* In the child: a clean signal state and no inherited descriptors. */
static void __attribute__((noreturn)) script_child(char **argv, char **envp, int errfd)
{
	struct sigaction sa;
	sigset_t none;
	int sig, err;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);	/* fails harmlessly for KILL, STOP */
	/* the daemon blocks signals for its signalfd; the mask survives exec */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
#ifdef SYS_close_range
	/* tun, sockets, netlink: a script must not hold them open */
	syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */);
#endif
	execve(argv[0], argv, envp);
	err = errno;
	if (write(errfd, &err, sizeof(err)) < 0)
		_exit(127);
	_exit(127);
}

/* Start argv; -errno when fork or execve failed (the child reports its
 * execve errno through a close-on-exec pipe, so "could not run" is never
 * mistaken for exit status 127). */
static int script_spawn(char **argv, char **envp, pid_t *pid)
{
	int pfd[2], err = 0;
	ssize_t n;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	*pid = fork();
	if (*pid < 0) {
		err = errno;
		close(pfd[0]);
		close(pfd[1]);
		return -err;
	}
	if (*pid == 0)
		script_child(argv, envp, pfd[1]);
	close(pfd[1]);
	do {
		n = read(pfd[0], &err, sizeof(err));
	} while (n < 0 && errno == EINTR);
	close(pfd[0]);
	if (n != (ssize_t)sizeof(err))
		return 0;
	while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
		;
	return -(err ? err : EIO);
}

/* Wait for pid; 0 with *status, -ETIMEDOUT (killed and reaped), -errno. */
static int script_wait(const struct script_call *c, pid_t pid, int *status)
{
	uint64_t start = mono_ms(), elapsed;
	struct timespec nap = { 0, 200 * 1000 };
	bool told = false;
	pid_t r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
		elapsed = mono_ms() - start;
		if (c->timeout_ms > 0 && elapsed >= (uint64_t)c->timeout_ms) {
			kill(pid, SIGKILL);
			while (waitpid(pid, status, 0) < 0 && errno == EINTR)
				;
			return -ETIMEDOUT;
		}
		if (!told && elapsed >= 10000) {
			/* 2.6 blocks the same way; say so instead of looking hung */
			msg(M_WARN, "--%s command (pid %d) still running after 10 s; "
			    "the daemon waits for it to exit", c->option, (int)pid);
			told = true;
		}
		nanosleep(&nap, NULL);
		if (nap.tv_nsec < 20 * 1000 * 1000)
			nap.tv_nsec *= 2;
	}
}

static int script_status(const struct script_call *c, int status)
{
	int code;

	if (WIFEXITED(status)) {
		code = WEXITSTATUS(status);
		if (code == 0)
			return 0;
		msg(c->status_is_answer ? D_LOW : M_WARN,
		    "%sFailed running command (--%s): external program exited with error status: %d",
		    c->status_is_answer ? "" : "WARNING: ", c->option, code);
		return code;
	}
	code = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	msg(M_WARN, "WARNING: Failed running command (--%s): external program did not exit "
	    "normally (signal %d)", c->option, code);
	return 128 + code;
}

static void script_log_command(const struct script_argv *a)
{
	char line[1024];
	size_t used = 0;
	int i, n;

	line[0] = '\0';
	for (i = 0; i < a->argc && used < sizeof(line); i++) {
		n = snprintf(line + used, sizeof(line) - used, "%s%s", i ? " " : "", a->argv[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	msg(D_NORMAL, "%s", line);
}

/* The command's words, then the appended arguments. */
static int script_build_argv(const struct script_call *c, struct script_argv *a)
{
	char err[160];
	int i, ret;

	ret = script_argv_parse(a, c->command ? c->command : "", err, sizeof(err));
	if (ret < 0) {
		msg(M_ERR, "--%s: cannot run '%s': %s", c->option,
		    c->command ? c->command : "", err);
		return ret;
	}
	for (i = 0; c->args && (c->nargs < 0 ? c->args[i] != NULL : i < c->nargs); i++) {
		ret = script_argv_append(a, c->args[i] ? c->args[i] : "");
		if (ret < 0) {
			msg(M_ERR, "--%s: too many arguments", c->option);
			return ret;
		}
	}
	return 0;
}

int script_run(const struct script_call *c)
{
	struct script_argv a;
	struct env_set env;
	char **envp = NULL;
	int status = 0, ret;
	pid_t pid = -1;

	memset(&a, 0, sizeof(a));
	env_set_init(&env);
	ret = script_build_argv(c, &a);
	if (ret < 0)
		goto out;
	script_log_command(&a);
	if (c->security < SCRIPT_SEC_SCRIPTS || (c->passwords && c->security < SCRIPT_SEC_PASSWORDS)) {
		ret = script_refused(c, c->passwords ? SCRIPT_SEC_PASSWORDS : SCRIPT_SEC_SCRIPTS);
		goto out;
	}
	ret = env_set_add(&env, "script_type", c->option);
	if (ret == 0)
		ret = env_set_merge(&env, c->base);
	if (ret == 0)
		ret = env_set_merge(&env, c->env);
	envp = ret == 0 ? env_set_to_envp(&env) : NULL;
	if (!envp) {
		msg(M_ERR, "--%s: cannot build the environment: %s", c->option,
		    strerror(ret ? -ret : ENOMEM));
		ret = ret ? ret : -ENOMEM;
		goto out;
	}
	ret = script_spawn(a.argv, envp, &pid);
	if (ret < 0) {
		msg(M_WARN, "WARNING: Failed running command (--%s): could not execute external "
		    "program '%s': %s", c->option, a.argv[0], strerror(-ret));
		goto out;
	}
	ret = script_wait(c, pid, &status);
	if (ret == -ETIMEDOUT)
		msg(M_WARN, "WARNING: Failed running command (--%s): killed after %d ms",
		    c->option, c->timeout_ms);
	else if (ret < 0)
		msg(M_WARN, "WARNING: Failed running command (--%s): waiting for it failed: %s",
		    c->option, strerror(-ret));
	else
		ret = script_status(c, status);
out:
	free_envp(envp);
	env_set_free(&env);
	script_argv_free(&a);
	return ret;
}

/* ---- temporary files --------------------------------------------------------- */

const char *script_tmp_dir(const char *configured)
{
	const char *env;

	if (configured && configured[0])
		return configured;
	env = getenv("TMPDIR");
	return env && env[0] == '/' ? env : "/tmp";
}

int script_tmpfile_create(const char *dir, const char *tag, char *path, size_t pathlen,
			  int *fd)
{
	uint64_t r;
	int tries, f, n, ret = -EEXIST;

	for (tries = 0; tries < 16; tries++) {
		if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
			ret = -errno;
			break;
		}
		n = snprintf(path, pathlen, "%s/openvpn_%s_%016llx.tmp", dir, tag,
			     (unsigned long long)r);
		if (n < 0 || (size_t)n >= pathlen) {
			ret = -ENAMETOOLONG;
			break;
		}
		f = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (f >= 0) {
			if (fd)
				*fd = f;
			else
				close(f);
			return 0;
		}
		ret = -errno;
		if (errno != EEXIST)
			break;
	}
	msg(M_ERR, "cannot create a temporary file in '%s' (--tmp-dir): %s", dir, strerror(-ret));
	if (pathlen)
		path[0] = '\0';
	return ret;
}

int script_read_file(const char *path, size_t max, char **text, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	size_t used = 0;
	ssize_t n;
	int fd, ret;

	*text = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = -EINVAL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		goto out;
	ret = -ENOMEM;
	buf = malloc(max + 2);
	if (!buf)
		goto out;
	for (;;) {
		n = read(fd, buf + used, max + 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			goto out;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > max) {
			ret = -EFBIG;
			goto out;
		}
	}
	buf[used] = '\0';
	*text = buf;
	*len = used;
	buf = NULL;
	ret = 0;
out:
	free(buf);
	close(fd);
	return ret;
}

/* Write all of s, then close; -errno. */
static int write_all_close(int fd, const char *s, size_t len)
{
	ssize_t n;
	int ret = 0;

	while (len > 0) {
		n = write(fd, s, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		s += n;
		len -= (size_t)n;
	}
	if (close(fd) < 0 && ret == 0)
		ret = -errno;
	return ret;
}

/* ---- the daemon's environment ---------------------------------------------- */

/* Collects the first error of a run of env_set_add()s. */
struct env_builder {
	struct env_set *e;
	int err;
};

static void put(struct env_builder *b, const char *name, const char *value)
{
	int ret;

	if (b->err || !value)
		return;
	ret = env_set_add(b->e, name, value);
	if (ret < 0)
		b->err = ret;
}

static void putf(struct env_builder *b, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void putf(struct env_builder *b, const char *name, const char *fmt, ...)
{
	char value[ENV_VALUE_MAX + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	put(b, name, value);
}

/* name_N */
static void put_n(struct env_builder *b, const char *name, int n, const char *value)
{
	char key[ENV_NAME_MAX + 1];

	snprintf(key, sizeof(key), "%s_%d", name, n);
	put(b, key, value);
}

int script_env_from_options(struct env_set *e, const struct options *o)
{
	struct env_builder b = { e, 0 };
	int i, n = o->n_remotes > 0 ? o->n_remotes : 1;

	put(&b, "config", o->config_file);
	put(&b, "daemon", o->daemon ? "1" : "0");
	put(&b, "daemon_log_redirect", o->log_file ? "1" : "0");
	putf(&b, "daemon_pid", "%ld", (long)getpid());
	putf(&b, "verb", "%d", o->verb);
	for (i = 0; i < n; i++) {
		const struct remote_entry *r = o->n_remotes > 0 ? &o->remotes[i] : NULL;

		put_n(&b, "proto", i + 1, proto_name(r && r->has_proto ? r->proto : o->proto));
		if (o->local)
			put_n(&b, "local", i + 1, o->local);
		put_n(&b, "local_port", i + 1, o->lport);
		if (r)
			put_n(&b, "remote", i + 1, r->host);
		put_n(&b, "remote_port", i + 1, r && r->port ? r->port : o->rport);
	}
	for (i = 0; i < o->n_setenv; i++) {
		const struct option_words *w = &o->setenv_list[i];

		if (w->argc >= 1)
			put(&b, w->argv[0], w->argc >= 2 ? w->argv[1] : "");
	}
	return b.err;
}

static bool words_is(const struct option_words *w, int i, const char *s)
{
	return w->argc > i && strcmp(w->argv[i], s) == 0;
}

/* One --dns server line's settings: addresses (m counts them per server). */
static void env_dns_server(struct env_builder *b, const struct option_words *w, int *m, int *fo)
{
	char key[ENV_NAME_MAX + 1], val[ENV_VALUE_MAX + 1];
	int j;

	if (words_is(w, 2, "resolve-domains")) {
		for (j = 3; j < w->argc; j++) {
			snprintf(key, sizeof(key), "dns_server_%s_resolve_domain_%d", w->argv[1], j - 2);
			put(b, key, w->argv[j]);
		}
		return;
	}
	if (!words_is(w, 2, "address")) {
		/* dnssec, transport, sni */
		snprintf(key, sizeof(key), "dns_server_%s_%s", w->argv[1], w->argv[2]);
		put(b, key, w->argv[3]);
		return;
	}
	for (j = 3; j < w->argc; j++) {
		const char *a = w->argv[j], *port = NULL, *end;
		char host[256];

		snprintf(host, sizeof(host), "%s", a);
		if (a[0] == '[' && (end = strchr(a, ']')) != NULL) {
			snprintf(host, sizeof(host), "%.*s", (int)(end - a - 1), a + 1);
			port = end[1] == ':' ? end + 2 : NULL;
		} else if (strchr(a, ':') && strchr(a, ':') == strrchr(a, ':')) {
			port = strchr(a, ':') + 1;
			if ((size_t)(port - 1 - a) < sizeof(host))
				host[port - 1 - a] = '\0';
		}
		++*m;
		snprintf(key, sizeof(key), "dns_server_%s_address_%d", w->argv[1], *m);
		put(b, key, host);
		if (port) {
			snprintf(key, sizeof(key), "dns_server_%s_port_%d", w->argv[1], *m);
			put(b, key, port);
		}
		snprintf(val, sizeof(val), "dhcp-option %s %s", strchr(host, ':') ? "DNS6" : "DNS",
			 host);
		put_n(b, "foreign_option", ++*fo, val);
	}
}

/*
 * The dns_* variables, and the foreign options 2.6 derives from --dns for
 * scripts that only know dhcp-option: servers by their number (lowest
 * first), then the search domains. *fo is the foreign_option counter.
 */
static void env_dns(struct env_builder *b, const struct options *o, int *fo)
{
	char val[ENV_VALUE_MAX + 1];
	int i, j, id, m, search = 0;

	for (id = -128; id <= 127; id++) {
		m = 0;
		for (i = 0; i < o->n_dns; i++) {
			const struct option_words *w = &o->dns[i];

			if (words_is(w, 0, "server") && w->argc >= 4 && atoi(w->argv[1]) == id)
				env_dns_server(b, w, &m, fo);
		}
	}
	for (i = 0; i < o->n_dns; i++) {
		const struct option_words *w = &o->dns[i];

		if (!words_is(w, 0, "search-domains"))
			continue;
		for (j = 1; j < w->argc; j++) {
			put_n(b, "dns_search_domain", ++search, w->argv[j]);
			snprintf(val, sizeof(val), "dhcp-option DOMAIN-SEARCH %s", w->argv[j]);
			put_n(b, "foreign_option", ++*fo, val);
		}
	}
}

static bool dns_has(const struct options *o, const char *what)
{
	int i;

	for (i = 0; i < o->n_dns; i++)
		if (words_is(&o->dns[i], 0, what))
			return true;
	return false;
}

/* --dhcp-option as foreign_option_N; with --dns, its servers and search
 * domains replace the dhcp-option ones, as 2.6 does. */
static void env_foreign(struct env_builder *b, const struct options *o)
{
	bool dns_servers = dns_has(o, "server"), dns_search = dns_has(o, "search-domains");
	char val[ENV_VALUE_MAX + 1];
	int i, j, fo = 0;
	size_t used;

	for (i = 0; i < o->n_dhcp_options; i++) {
		const struct option_words *w = &o->dhcp_options[i];

		if (w->argc < 1)
			continue;
		if (dns_servers && (words_is(w, 0, "DNS") || words_is(w, 0, "DNS6")))
			continue;
		if (dns_search && words_is(w, 0, "DOMAIN-SEARCH"))
			continue;
		used = (size_t)snprintf(val, sizeof(val), "dhcp-option");
		for (j = 0; j < w->argc && used < sizeof(val); j++)
			used += (size_t)snprintf(val + used, sizeof(val) - used, " %s", w->argv[j]);
		put_n(b, "foreign_option", ++fo, val);
	}
	env_dns(b, o, &fo);
}

static void env_routes(struct env_builder *b, const struct options *o)
{
	const char *vpn_gw = o->route_gateway;
	int i;

	if (!vpn_gw && o->topology != TOP_SUBNET)
		vpn_gw = o->ifconfig_remote;
	if (o->n_routes > 0 || o->redirect_gateway)
		put(b, "route_vpn_gateway", vpn_gw);
	for (i = 0; i < o->n_routes; i++) {
		const struct route_entry *r = &o->routes[i];

		put_n(b, "route_network", i + 1, r->network);
		put_n(b, "route_netmask", i + 1, r->netmask ? r->netmask : "255.255.255.255");
		put_n(b, "route_gateway", i + 1, r->gateway ? r->gateway : vpn_gw);
		if (r->metric >= 0) {
			char m[16];

			snprintf(m, sizeof(m), "%d", r->metric);
			put_n(b, "route_metric", i + 1, m);
		}
	}
	for (i = 0; i < o->n_routes_ipv6; i++) {
		const struct route_ipv6_entry *r = &o->routes_ipv6[i];

		put_n(b, "route_ipv6_network", i + 1, r->network);
		put_n(b, "route_ipv6_gateway", i + 1,
		      r->gateway ? r->gateway : o->ifconfig_ipv6_remote);
		if (r->metric >= 0) {
			char m[16];

			snprintf(m, sizeof(m), "%d", r->metric);
			put_n(b, "route_ipv6_metric", i + 1, m);
		}
	}
}

int script_env_from_tunnel(struct env_set *e, const struct options *o, const char *dev,
			   bool restart)
{
	struct env_builder b = { e, 0 };
	const char *slash;

	put(&b, "dev", dev);
	put(&b, "dev_type", o->dev_type ? o->dev_type : "tun");
	putf(&b, "tun_mtu", "%d", o->tun_mtu);
	put(&b, "script_context", restart ? "restart" : "init");
	put(&b, "ifconfig_local", o->ifconfig_local);
	put(&b, o->topology == TOP_SUBNET ? "ifconfig_netmask" : "ifconfig_remote",
	    o->ifconfig_remote);
	if (o->ifconfig_ipv6_local) {
		slash = strchr(o->ifconfig_ipv6_local, '/');
		putf(&b, "ifconfig_ipv6_local", "%.*s",
		     (int)(slash ? (size_t)(slash - o->ifconfig_ipv6_local)
				 : strlen(o->ifconfig_ipv6_local)),
		     o->ifconfig_ipv6_local);
		put(&b, "ifconfig_ipv6_netbits", slash ? slash + 1 : "128");
		put(&b, "ifconfig_ipv6_remote", o->ifconfig_ipv6_remote);
	}
	putf(&b, "redirect_gateway", "%d", o->redirect_gateway ? 1 : 0);
	/* on restart 2.6 leaves out routing: nothing is set up again */
	if (!restart)
		env_routes(&b, o);
	env_foreign(&b, o);
	return b.err;
}

/* ---- tunnel scripts ---------------------------------------------------------- */

static void call_init(struct script_call *c, const struct options *o, const char *option,
		      const char *cmd)
{
	memset(c, 0, sizeof(*c));
	c->option = option;
	c->command = cmd;
	c->security = o->script_security;
	c->nargs = -1;
}

/* Build base + tunnel variables and run one tunnel script. */
static int run_tunnel_script(const struct options *o, const char *option, const char *cmd,
			     const char *dev, bool restart, const char *signal, bool with_args)
{
	struct script_call c;
	struct env_set base, env;
	const char *args[7];
	int ret;

	env_set_init(&base);
	env_set_init(&env);
	ret = script_env_from_options(&base, o);
	if (ret == 0)
		ret = script_env_from_tunnel(&env, o, dev, restart);
	if (ret == 0 && signal) {
		char sig[32];
		size_t i;

		/* 2.6 spells the reason in lower case: sigterm, ping-restart */
		for (i = 0; signal[i] && i + 1 < sizeof(sig); i++)
			sig[i] = (char)tolower((unsigned char)signal[i]);
		sig[i] = '\0';
		ret = env_set_add(&env, "signal", sig);
	}
	if (ret < 0) {
		msg(M_ERR, "--%s: cannot build the script environment: %s", option, strerror(-ret));
		goto out;
	}
	call_init(&c, o, option, cmd);
	c.base = &base;
	c.env = &env;
	if (with_args) {
		char mtu[16];

		snprintf(mtu, sizeof(mtu), "%d", o->tun_mtu);
		/* "0" holds the place of link_mtu, which 2.6 no longer passes */
		args[0] = dev;
		args[1] = mtu;
		args[2] = "0";
		args[3] = o->ifconfig_local ? o->ifconfig_local : "";
		args[4] = o->ifconfig_remote ? o->ifconfig_remote : "";
		args[5] = restart ? "restart" : "init";
		c.args = args;
		c.nargs = 6;
		ret = script_run(&c);
	} else {
		ret = script_run(&c);
	}
out:
	env_set_free(&env);
	env_set_free(&base);
	return ret;
}

int script_tunnel_up(const struct options *o, const char *dev, bool restart)
{
	if (!o->up)
		return 0;
	return run_tunnel_script(o, "up", o->up, dev, restart, NULL, true);
}

int script_tunnel_down(const struct options *o, const char *dev, bool restart,
		       const char *signal)
{
	if (!o->down)
		return 0;
	return run_tunnel_script(o, "down", o->down, dev, restart, signal ? signal : "sigterm",
				 true);
}

int script_route_up(const struct options *o, const char *dev)
{
	if (!o->route_up)
		return 0;
	return run_tunnel_script(o, "route-up", o->route_up, dev, false, NULL, false);
}

int script_route_pre_down(const struct options *o, const char *dev)
{
	if (!o->route_pre_down)
		return 0;
	return run_tunnel_script(o, "route-pre-down", o->route_pre_down, dev, false, NULL, false);
}

int script_ipchange(const struct options *o, const struct sockaddr_any *peer)
{
	struct sockaddr_any a = *peer;
	struct script_call c;
	struct env_set base, env;
	char host[ADDR_STRLEN], port[8];
	const char *args[2];
	int ret;

	if (!o->ipchange)
		return 0;
	addr_unmap(&a);
	addr_host_to_str(&a, host, sizeof(host));
	snprintf(port, sizeof(port), "%u", addr_port(&a));
	env_set_init(&base);
	env_set_init(&env);
	ret = script_env_from_options(&base, o);
	if (ret == 0)
		ret = env_set_add(&env, addr_family(&a) == AF_INET6 ? "trusted_ip6" : "trusted_ip",
				  host);
	if (ret == 0)
		ret = env_set_add(&env, "trusted_port", port);
	if (ret < 0) {
		msg(M_ERR, "--ipchange: cannot build the script environment: %s", strerror(-ret));
		goto out;
	}
	call_init(&c, o, "ipchange", o->ipchange);
	c.base = &base;
	c.env = &env;
	args[0] = host;
	args[1] = port;
	c.args = args;
	c.nargs = 2;
	ret = script_run(&c);
out:
	env_set_free(&env);
	env_set_free(&base);
	return ret;
}

/* ---- server-side scripts ------------------------------------------------------ */

static void ctx_call_init(struct script_call *c, const struct script_ctx *ctx,
			  const char *option, const char *cmd, const struct env_set *env)
{
	memset(c, 0, sizeof(*c));
	c->option = option;
	c->command = cmd;
	c->security = ctx->security;
	c->base = ctx->base;
	c->env = env;
	c->timeout_ms = ctx->timeout_ms;
	c->nargs = -1;
}

int script_learn_address(const struct script_ctx *ctx, const char *cmd, const char *op,
			 const char *addr, const char *common_name,
			 const struct env_set *client_env)
{
	struct script_call c;
	const char *args[3];
	char *cn = NULL;
	int ret;

	args[0] = op;
	args[1] = addr;
	args[2] = NULL;
	if (common_name && strcmp(op, "delete") != 0) {
		cn = strdup(common_name);
		if (!cn)
			return -ENOMEM;
		script_string_remap(cn, SCRIPT_STR_COMMON_NAME);
		args[2] = cn;
	}
	ctx_call_init(&c, ctx, "learn-address", cmd, client_env);
	c.args = args;
	c.nargs = args[2] ? 3 : 2;
	c.status_is_answer = true;
	ret = script_run(&c);
	free(cn);
	return ret;
}

int script_tls_verify(const struct script_ctx *ctx, const char *cmd, int depth,
		      const char *subject, const struct env_set *env)
{
	struct script_call c;
	const char *args[2];
	char d[16], *subj;
	int ret;

	subj = strdup(subject ? subject : "");
	if (!subj)
		return -ENOMEM;
	/* 2.6 passes the subject as printed ("CN=Test CA"), only without
	 * control characters */
	script_string_remap(subj, SCRIPT_STR_ENV_VALUE);
	snprintf(d, sizeof(d), "%d", depth);
	args[0] = d;
	args[1] = subj;
	ctx_call_init(&c, ctx, "tls-verify", cmd, env);
	c.args = args;
	c.nargs = 2;
	c.status_is_answer = true;
	ret = script_run(&c);
	free(subj);
	return ret;
}

/* "username\npassword\n" into a fresh 0600 file; path receives its name. */
static int write_credentials(const struct script_ctx *ctx, const char *user, const char *pass,
			     char *path, size_t pathlen)
{
	size_t len = strlen(user) + strlen(pass) + 3;
	char *buf = malloc(len);
	int fd = -1, ret;

	if (!buf)
		return -ENOMEM;
	snprintf(buf, len, "%s\n%s\n", user, pass);
	ret = script_tmpfile_create(ctx->tmp_dir, "up", path, pathlen, &fd);
	if (ret == 0)
		ret = write_all_close(fd, buf, len - 1);
	if (ret < 0 && path[0]) {
		msg(M_ERR, "cannot write '%s': %s", path, strerror(-ret));
		unlink(path);
		path[0] = '\0';
	}
	explicit_bzero(buf, len);
	free(buf);
	return ret;
}

int script_auth_user_pass_verify(const struct script_ctx *ctx, const char *cmd,
				 bool via_file, const char *username, const char *password,
				 const struct env_set *client_env)
{
	char *user = strdup(username ? username : "");
	char *pass = strdup(password ? password : "");
	char path[4096] = "";
	struct env_set env;
	struct script_call c;
	const char *args[1];
	int ret = -ENOMEM;

	env_set_init(&env);
	if (!user || !pass)
		goto out;
	script_string_remap(user, SCRIPT_STR_USERNAME);
	script_string_remap(pass, SCRIPT_STR_PASSWORD);
	ret = env_set_merge(&env, client_env);
	if (ret == 0)
		ret = env_set_add(&env, "username", user);
	if (ret == 0 && !via_file)
		ret = env_set_add(&env, "password", pass);
	if (ret == 0 && via_file)
		ret = write_credentials(ctx, user, pass, path, sizeof(path));
	if (ret < 0)
		goto out;
	ctx_call_init(&c, ctx, "auth-user-pass-verify", cmd, &env);
	c.status_is_answer = true;
	c.passwords = !via_file;
	if (via_file) {
		args[0] = path;
		c.args = args;
		c.nargs = 1;
	}
	ret = script_run(&c);
out:
	if (path[0])
		unlink(path);
	env_set_free(&env);
	if (pass)
		explicit_bzero(pass, strlen(pass));
	free(pass);
	free(user);
	return ret;
}

/* The first byte of the deferred file: '0' no, '1' or nothing yes, '2' defer. */
static int client_connect_verdict(const struct script_client_connect *cc)
{
	char *text = NULL;
	size_t len = 0;
	int ret = script_read_file(cc->deferred_path, 64, &text, &len);

	if (ret == -ENOENT)
		return 0;	/* removed by the script: as if empty */
	if (ret < 0) {
		msg(M_WARN, "--client-connect: cannot read '%s': %s", cc->deferred_path,
		    strerror(-ret));
		return 1;
	}
	ret = 0;
	if (len > 0 && text[0] == '0') {
		msg(D_LOW, "--client-connect: the script refused the client (deferred file says 0)");
		ret = 1;
	} else if (len > 0 && text[0] == '2') {
		msg(M_WARN, "--client-connect: deferred client-connect is not supported yet by this "
		    "version; refusing the client");
		ret = -EOPNOTSUPP;
	}
	free(text);
	return ret;
}

int script_client_connect(const struct script_ctx *ctx, const char *cmd,
			  const struct env_set *client_env, struct script_client_connect *cc)
{
	struct env_set env;
	struct script_call c;
	const char *args[1];
	int ret;

	memset(cc, 0, sizeof(*cc));
	env_set_init(&env);
	ret = script_tmpfile_create(ctx->tmp_dir, "cc", cc->config_path,
				    sizeof(cc->config_path), NULL);
	if (ret == 0)
		ret = script_tmpfile_create(ctx->tmp_dir, "ccd", cc->deferred_path,
					    sizeof(cc->deferred_path), NULL);
	if (ret == 0)
		ret = env_set_merge(&env, client_env);
	if (ret == 0)
		ret = env_set_add(&env, "client_connect_config_file", cc->config_path);
	if (ret == 0)
		ret = env_set_add(&env, "client_connect_deferred_file", cc->deferred_path);
	if (ret < 0)
		goto out;
	ctx_call_init(&c, ctx, "client-connect", cmd, &env);
	args[0] = cc->config_path;
	c.args = args;
	c.nargs = 1;
	ret = script_run(&c);
	if (ret == 0)
		ret = client_connect_verdict(cc);
out:
	env_set_free(&env);
	return ret;
}

int script_client_connect_read(const struct script_client_connect *cc, char **text,
			       size_t *len)
{
	int ret = script_read_file(cc->config_path, SCRIPT_CC_MAX_CONFIG, text, len);

	if (ret == -EFBIG)
		msg(M_WARN, "--client-connect: '%s' is larger than %d bytes; ignored",
		    cc->config_path, SCRIPT_CC_MAX_CONFIG);
	else if (ret < 0)
		msg(M_WARN, "--client-connect: cannot read '%s': %s", cc->config_path,
		    strerror(-ret));
	return ret;
}

void script_client_connect_done(struct script_client_connect *cc)
{
	if (cc->config_path[0])
		unlink(cc->config_path);
	if (cc->deferred_path[0])
		unlink(cc->deferred_path);
	cc->config_path[0] = cc->deferred_path[0] = '\0';
}

int script_client_disconnect(const struct script_ctx *ctx, const char *cmd,
			     const struct env_set *client_env)
{
	struct script_call c;

	ctx_call_init(&c, ctx, "client-disconnect", cmd, client_env);
	return script_run(&c);
}

/* ---- options ---------------------------------------------------------------- */

static int check_command(const struct options *o, const char *option, const char *cmd,
			 bool exists)
{
	struct script_argv a;
	char err[160];
	int ret;

	if (!cmd)
		return 0;
	ret = script_argv_parse(&a, cmd, err, sizeof(err));
	if (ret < 0) {
		msg(M_ERR, "Options error: --%s: cannot split '%s': %s", option, cmd, err);
		goto out;
	}
	if (exists && o->script_security >= SCRIPT_SEC_SCRIPTS && access(a.argv[0], X_OK) < 0) {
		ret = -errno;
		msg(M_ERR, "Options error: --%s script fails with '%s': %s (errno=%d)", option,
		    a.argv[0], strerror(errno), errno);
	}
out:
	script_argv_free(&a);
	return ret;
}

int script_options_check(const struct options *o)
{
	const struct {
		const char *name, *cmd;
	} cmds[] = {
		{ "up", o->up }, { "down", o->down }, { "route-up", o->route_up },
		{ "route-pre-down", o->route_pre_down }, { "ipchange", o->ipchange },
		{ "tls-verify", o->tls_verify }, { "learn-address", o->learn_address },
		{ "client-connect", o->client_connect },
		{ "client-disconnect", o->client_disconnect },
		{ "auth-user-pass-verify", o->auth_user_pass_verify },
	};
	bool any = false;
	size_t i;
	int bad = 0;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		bool down_in_chroot = strcmp(cmds[i].name, "down") == 0 && o->chroot_dir;

		if (!cmds[i].cmd)
			continue;
		any = true;
		if (check_command(o, cmds[i].name, cmds[i].cmd, !down_in_chroot) < 0)
			bad++;
	}
	if (o->tmp_dir && access(o->tmp_dir, W_OK | X_OK) < 0) {
		msg(M_ERR, "Options error: --tmp-dir '%s' is not a writable directory: %s",
		    o->tmp_dir, strerror(errno));
		bad++;
	}
	if (any && o->script_security < SCRIPT_SEC_SCRIPTS)
		msg(M_WARN, "NOTE: starting with OpenVPN 2.1, '--script-security 2' or higher is "
		    "required to call user-defined scripts or executables");
	if (o->auth_user_pass_verify && !o->auth_user_pass_verify_via_file &&
	    o->script_security < SCRIPT_SEC_PASSWORDS)
		msg(M_WARN, "NOTE: --auth-user-pass-verify via-env passes the password in the "
		    "environment, which needs '--script-security 3'; use via-file");
	return bad ? -EINVAL : 0;
}
