/*
 * Running external scripts: the command split into argv, --script-security,
 * fork/execve, waiting with an optional timeout, the exit status, and the
 * startup check of the configured commands. See script.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* pipe2 */
#endif
#include "script.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "compat.h"
#include "config.h"
#include "log.h"

/* ---- command splitting ----------------------------------------------------- */

/* Every command config_split_line() accepts fits in a script_argv. */
_Static_assert(SCRIPT_MAX_CMD == CONFIG_MAX_LINE && SCRIPT_MAX_ARGS >= CONFIG_MAX_TOKENS,
	       "a command's bounds are those of a config line");

/* 2.6 splits a script command with its config line parser; so do we. */
int script_argv_parse(struct script_argv *a, const char *cmd, char *err, size_t errlen)
{
	struct config_words *w;
	int i, ret;

	memset(a, 0, sizeof(*a));
	err[0] = '\0';
	w = malloc(sizeof(*w));
	ret = -ENOMEM;
	if (!w)
		goto out;
	ret = config_split_line(cmd, w, err, errlen);
	if (ret < 0)
		goto out;
	if (w->argc == 0 || w->argv[0][0] == '\0') {
		snprintf(err, errlen, "no program to run");
		ret = -EINVAL;
		goto out;
	}
	for (i = 0; i < w->argc && ret == 0; i++)
		ret = script_argv_append(a, w->argv[i]);
out:
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	free(w);
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
	env_set_free_envp(envp);
	env_set_free(&env);
	script_argv_free(&a);
	return ret;
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
		{ "tls-crypt-v2-verify", o->tls_crypt_v2_verify },
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
