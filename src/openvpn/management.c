/*
 * The management interface's sockets and its ties to the rest of the
 * daemon: the listening socket and the one client in the event loop, the
 * log tap that feeds the log cache and >LOG lines, the state history, the
 * hold and the bytecount timer. The protocol itself is management_cmd.c.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* accept4, struct ucred */
#endif
#include "management_int.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "addr.h"
#include "config.h"
#include "event.h"
#include "log.h"
#include "options.h"
#include "version.h"

#define MGMT_STATE_HIST 100
#define MGMT_ECHO_HIST 100
#define MGMT_READ_BUDGET (16 * 1024)   /* bytes read per wakeup, then yield */

static struct mgmt M;

static struct {
	bool enabled;
	int listen_fd;
	int client_fd;
	char unix_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	bool check_uid, check_gid;
	uid_t uid;
	gid_t gid;
	struct event_handler listen_h, client_h;
	uint32_t client_events;
	bool client_dead;          /* a write failed: close at the next event */
	bool in_tap;               /* management's own messages reach the tap too */
	struct timer bytecount_timer;
} S = { .listen_fd = -1, .client_fd = -1 };

bool management_enabled(void)
{
	return S.enabled;
}

/* ---- client I/O ------------------------------------------------------------ */

static void mgmt_set_events(uint32_t ev)
{
	if (S.client_fd < 0 || ev == S.client_events)
		return;
	S.client_events = ev;
	if (M.loop)
		event_mod(M.loop, S.client_fd, ev, &S.client_h);
}

/* Write what the client takes now; the rest waits for EPOLLOUT. */
static void mgmt_flush(struct mgmt *m)
{
	ssize_t n;

	while (S.client_fd >= 0 && !S.client_dead && m->out.len) {
		n = send(S.client_fd, m->out.data, m->out.len, MSG_NOSIGNAL);
		if (n > 0) {
			mgmt_outq_consume(&m->out, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		/* closing here could re-enter from a log line; the epoll
		 * error event on the socket closes it */
		S.client_dead = true;
		m->out.len = 0;
	}
	mgmt_set_events(EPOLLIN | (m->out.len ? EPOLLOUT : 0));
}

static void mgmt_client_close(void)
{
	bool was_authed = M.authed;

	if (S.client_fd < 0)
		return;
	mgmt_flush(&M);
	if (M.out.dropped)
		msg(M_WARN, "MANAGEMENT: %llu lines dropped, the client did not read them",
		    (unsigned long long)M.out.dropped);
	if (M.loop)
		event_del(M.loop, S.client_fd);
	close(S.client_fd);
	S.client_fd = -1;
	S.client_dead = false;
	S.client_events = 0;
	mgmt_session_end(&M);
	msg(D_NORMAL, "MANAGEMENT: Client disconnected");
	if (M.loop)
		event_add(M.loop, S.listen_fd, EPOLLIN, &S.listen_h);
	/* --management-signal: losing the client restarts the connection */
	if (M.signal_on_close && was_authed)
		kill(getpid(), SIGUSR1);
}

static int mgmt_on_line(void *arg, char *line)
{
	return mgmt_handle_line(arg, line);
}

static void mgmt_client_read(void)
{
	char data[4096];
	size_t budget = MGMT_READ_BUDGET;
	ssize_t n;
	int ret;

	while (budget > 0 && S.client_fd >= 0) {
		n = recv(S.client_fd, data, sizeof(data), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			mgmt_client_close();
			return;
		}
		budget -= (size_t)n < budget ? (size_t)n : budget;
		ret = mgmt_linebuf_feed(&M.in, data, (size_t)n, mgmt_on_line, &M);
		if (ret == -EMSGSIZE) {
			mgmt_reply(&M, false, "ERROR: input line too long (over %d bytes), "
				   "closing", MGMT_LINE_MAX);
			msg(M_WARN, "MANAGEMENT: client sent a line over %d bytes, disconnecting",
			    MGMT_LINE_MAX);
		}
		if (ret < 0 || M.closing) {
			mgmt_client_close();
			return;
		}
	}
}

static void mgmt_client_ready(struct event_handler *h, uint32_t events)
{
	if (events & EPOLLIN)
		mgmt_client_read();
	if (S.client_fd >= 0 && (events & EPOLLOUT))
		mgmt_flush(&M);
	if (S.client_fd >= 0 && (S.client_dead || (events & (EPOLLERR | EPOLLHUP))))
		mgmt_client_close();
}

static void mgmt_kick(struct mgmt *m)
{
	mgmt_flush(m);
}

/* --management-client-user/-group: the unix socket peer's credentials. */
static bool mgmt_peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (!S.check_uid && !S.check_gid)
		return true;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		msg(M_WARN | M_ERRNO, "MANAGEMENT: cannot read the client's credentials");
		return false;
	}
	if (S.check_uid && cred.uid != S.uid) {
		msg(M_WARN, "MANAGEMENT: client with uid %u refused (--management-client-user "
		    "wants uid %u)", (unsigned)cred.uid, (unsigned)S.uid);
		return false;
	}
	if (S.check_gid && cred.gid != S.gid) {
		msg(M_WARN, "MANAGEMENT: client with gid %u refused (--management-client-group "
		    "wants gid %u)", (unsigned)cred.gid, (unsigned)S.gid);
		return false;
	}
	return true;
}

static void mgmt_listen_ready(struct event_handler *h, uint32_t events)
{
	struct sockaddr_any from = { .len = sizeof(from.ss) };
	char name[ADDR_STRLEN];
	int fd;

	fd = accept4(S.listen_fd, &from.sa, &from.len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (S.unix_path[0] && !mgmt_peer_allowed(fd)) {
		close(fd);
		return;
	}
	/* one client at a time: later ones wait in the backlog, as in 2.6 */
	event_del(M.loop, S.listen_fd);
	S.client_fd = fd;
	S.client_events = EPOLLIN;
	event_add(M.loop, fd, EPOLLIN, &S.client_h);
	if (S.unix_path[0])
		msg(D_NORMAL, "MANAGEMENT: Client connected from %s", S.unix_path);
	else
		msg(D_NORMAL, "MANAGEMENT: Client connected from %s",
		    addr_to_str(&from, name, sizeof(name)));
	mgmt_session_start(&M);
}

/* ---- log tap, state, bytecount ------------------------------------------------ */

/* 2.6's flag letter of a log line: I info, W warning, N non-fatal error,
 * F fatal, D debug, empty for the normal chatter. */
static const char *mgmt_log_flag(int level)
{
	int lvl = level & M_LEVEL_MASK;

	if (lvl == M_FATAL)
		return "F";
	if (level & M_IS_ERR)
		return "N";
	if (level & M_IS_WARN)
		return "W";
	if (lvl == M_INFO)
		return "I";
	return lvl > D_OPTIONS ? "D" : "";
}

static void mgmt_log_tap(int level, const char *text)
{
	char line[MGMT_HIST_LINE];

	if (S.in_tap)
		return;
	S.in_tap = true;
	snprintf(line, sizeof(line), "%lld,%s,%s", (long long)time(NULL),
		 mgmt_log_flag(level), text);
	mgmt_hist_add(&M.log, line);
	if (M.rt_log)
		mgmt_reply(&M, true, ">LOG:%s", line);
	S.in_tap = false;
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

void management_state(const char *state, const struct mgmt_state_info *info)
{
	static const struct mgmt_state_info none;
	char line[MGMT_HIST_LINE];

	if (!S.enabled)
		return;
	if (!info)
		info = &none;
	snprintf(line, sizeof(line), "%lld,%s,%s,%s,%s,%s,%s,%s%s%s", (long long)time(NULL),
		 state, nz(info->desc), nz(info->tun_ip), nz(info->remote_ip),
		 nz(info->remote_port), nz(info->local_ip), nz(info->local_port),
		 info->tun_ip6 ? "," : "", nz(info->tun_ip6));
	mgmt_hist_add(&M.state, line);
	if (M.rt_state)
		mgmt_reply(&M, true, ">STATE:%s", line);
}

void management_bytecount(uint64_t in, uint64_t out)
{
	mgmt_reply(&M, true, ">BYTECOUNT:%llu,%llu", (unsigned long long)in,
		   (unsigned long long)out);
}

void management_bytecount_cli(unsigned long cid, uint64_t in, uint64_t out)
{
	mgmt_reply(&M, true, ">BYTECOUNT_CLI:%lu,%llu,%llu", cid, (unsigned long long)in,
		   (unsigned long long)out);
}

static void mgmt_bytecount_due(struct timer *t)
{
	if (M.authed && M.ops && M.ops->bytecount)
		M.ops->bytecount(M.ctx);
	if (M.bytecount_secs > 0 && M.loop)
		timer_arm(M.loop, t, (uint64_t)M.bytecount_secs * 1000);
}

static void mgmt_bytecount_changed(struct mgmt *m)
{
	if (!m->loop)
		return;
	timer_cancel(m->loop, &S.bytecount_timer);
	if (m->bytecount_secs > 0)
		timer_arm(m->loop, &S.bytecount_timer, (uint64_t)m->bytecount_secs * 1000);
}

bool management_hold(struct event_loop *loop, int pause_secs)
{
	if (!S.enabled || !M.hold)
		return false;
	M.holding = true;
	mgmt_reply(&M, true, ">HOLD:Waiting for hold release:%d", pause_secs);
	msg(M_INFO, "Need hold release from the management interface, waiting...");
	event_loop_run(loop);
	M.holding = false;
	return true;
}

/* ---- a run attaches, the process opens and closes ------------------------------- */

void management_attach(struct event_loop *loop, const struct mgmt_ops *ops, void *ctx)
{
	if (!S.enabled)
		return;
	M.loop = loop;
	M.ops = ops;
	M.ctx = ctx;
	if (S.client_fd >= 0)
		event_add(loop, S.client_fd, S.client_events, &S.client_h);
	else
		event_add(loop, S.listen_fd, EPOLLIN, &S.listen_h);
	mgmt_bytecount_changed(&M);
}

void management_detach(void)
{
	if (!S.enabled || !M.loop)
		return;
	timer_cancel(M.loop, &S.bytecount_timer);
	event_del(M.loop, S.client_fd >= 0 ? S.client_fd : S.listen_fd);
	M.loop = NULL;
	M.ops = NULL;
	M.ctx = NULL;
}

/* The first line of the file; 2.6 reads the same. */
static int mgmt_read_password(const char *path, char **out)
{
	char *text = NULL, *nl;
	size_t len;
	int ret;

	ret = config_read_file(path, &text, &len);
	if (ret < 0) {
		msg(M_ERR, "--management: cannot read the password file '%s': %s", path,
		    strerror(-ret));
		return ret;
	}
	nl = strpbrk(text, "\r\n");
	if (nl)
		*nl = '\0';
	if (text[0] == '\0') {
		msg(M_ERR, "--management: the password file '%s' has an empty first line", path);
		explicit_bzero(text, len);
		free(text);
		return -EINVAL;
	}
	*out = text;
	return 0;
}

static int mgmt_listen_tcp(const char *host, const char *port)
{
	struct sockaddr_any sa;
	char name[ADDR_STRLEN];
	int one = 1, fd, ret;

	ret = addr_resolve(host, port, AF_UNSPEC, SOCK_STREAM, true, &sa, 1);
	if (ret < 0)
		return ret;
	fd = socket(sa.sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, &sa.sa, sa.len) < 0 || listen(fd, 1) < 0) {
		ret = -errno;
		msg(M_ERR | M_ERRNO, "MANAGEMENT: cannot listen on %s",
		    addr_to_str(&sa, name, sizeof(name)));
		close(fd);
		return ret;
	}
	S.listen_fd = fd;
	msg(D_NORMAL, "MANAGEMENT: TCP Socket listening on %s",
	    addr_to_str(&sa, name, sizeof(name)));
	return 0;
}

static int mgmt_listen_unix(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, ret;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	/* a socket left by an earlier run; never remove anything else */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 1) < 0) {
		ret = -errno;
		msg(M_ERR | M_ERRNO, "MANAGEMENT: cannot listen on unix socket %s", path);
		close(fd);
		return ret;
	}
	S.listen_fd = fd;
	snprintf(S.unix_path, sizeof(S.unix_path), "%s", path);
	msg(D_NORMAL, "MANAGEMENT: unix domain socket listening on %s", path);
	return 0;
}

static int mgmt_client_ids(const struct options *o)
{
	if (o->mgmt_client_user) {
		struct passwd *pw = getpwnam(o->mgmt_client_user);

		if (!pw) {
			msg(M_ERR, "--management-client-user: no user '%s'", o->mgmt_client_user);
			return -ENOENT;
		}
		S.uid = pw->pw_uid;
		S.check_uid = true;
	}
	if (o->mgmt_client_group) {
		struct group *gr = getgrnam(o->mgmt_client_group);

		if (!gr) {
			msg(M_ERR, "--management-client-group: no group '%s'",
			    o->mgmt_client_group);
			return -ENOENT;
		}
		S.gid = gr->gr_gid;
		S.check_gid = true;
	}
	return 0;
}

int management_open(const struct options *o)
{
	int ret;

	if (!o->mgmt_addr)
		return 0;
	ret = mgmt_hist_init(&M.log, (size_t)o->mgmt_log_cache);
	if (ret == 0)
		ret = mgmt_hist_init(&M.state, MGMT_STATE_HIST);
	if (ret == 0)
		ret = mgmt_hist_init(&M.echo, MGMT_ECHO_HIST);
	if (ret == 0 && o->mgmt_pw_file)
		ret = mgmt_read_password(o->mgmt_pw_file, &M.password);
	if (ret == 0)
		ret = mgmt_client_ids(o);
	if (ret == 0)
		ret = o->mgmt_port ? mgmt_listen_tcp(o->mgmt_addr, o->mgmt_port) :
				     mgmt_listen_unix(o->mgmt_addr);
	if (ret < 0) {
		management_close();
		return ret;
	}
	M.title = version_title();
	M.hold = o->mgmt_hold;
	M.signal_on_close = o->mgmt_signal;
	M.kick = mgmt_kick;
	M.bytecount_changed = mgmt_bytecount_changed;
	S.listen_h.cb = mgmt_listen_ready;
	S.client_h.cb = mgmt_client_ready;
	timer_init(&S.bytecount_timer, mgmt_bytecount_due);
	S.enabled = true;
	log_set_tap(mgmt_log_tap);
	return 0;
}

void management_close(void)
{
	log_set_tap(NULL);
	if (S.client_fd >= 0) {
		/* the last words (EXITING) if the client takes them now */
		mgmt_flush(&M);
		close(S.client_fd);
	}
	if (S.listen_fd >= 0)
		close(S.listen_fd);
	if (S.unix_path[0])
		unlink(S.unix_path);
	if (M.password) {
		explicit_bzero(M.password, strlen(M.password));
		free(M.password);
	}
	mgmt_hist_free(&M.log);
	mgmt_hist_free(&M.state);
	mgmt_hist_free(&M.echo);
	mgmt_outq_free(&M.out);
	memset(&M, 0, sizeof(M));
	S.enabled = false;
	S.client_fd = S.listen_fd = -1;
	S.unix_path[0] = '\0';
}
