/* Transports: batched UDP, framed TCP. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* recvmmsg, sendmmsg, accept4 */
#endif
#include "socket.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"

/* Messages a remote peer can trigger share these limits across all links,
 * so a thousand misbehaving clients still produce a bounded log. */
static struct ratelimit rl_trunc = RATELIMIT_INIT(10000, 5);
static struct ratelimit rl_refused = RATELIMIT_INIT(10000, 5);
static struct ratelimit rl_send = RATELIMIT_INIT(10000, 5);
static struct ratelimit rl_proto = RATELIMIT_INIT(10000, 5);

static bool errno_is_wouldblock(int e)
{
	return e == EAGAIN || e == EWOULDBLOCK;
}

/* ---- setup ------------------------------------------------------------------ */

static void link_reset(struct link *l)
{
	memset(l, 0, sizeof(*l));
	l->fd = -1;
}

void link_close(struct link *l)
{
	if (l->kind != LINK_NONE && l->fd >= 0)
		close(l->fd);
	free(l->rx); /* txq lives in the same allocation */
	link_reset(l);
}

static void link_setopt_warn(int fd, int level, int name, int val, const char *what)
{
	if (setsockopt(fd, level, name, &val, sizeof(val)) < 0)
		msg(M_WARN | M_ERRNO, "NOTE: setsockopt %s=%d failed", what, val);
}

/* no: never set DF (the kernel fragments); maybe: DF until the path
 * says otherwise; yes: always DF. A dual-stack socket carries IPv4 too. */
static void link_set_pmtudisc(int fd, int family, int mode)
{
	static const int v4[] = { [LINK_PMTUDISC_NO] = IP_PMTUDISC_DONT,
				  [LINK_PMTUDISC_MAYBE] = IP_PMTUDISC_WANT,
				  [LINK_PMTUDISC_YES] = IP_PMTUDISC_DO };
	static const int v6[] = { [LINK_PMTUDISC_NO] = IPV6_PMTUDISC_DONT,
				  [LINK_PMTUDISC_MAYBE] = IPV6_PMTUDISC_WANT,
				  [LINK_PMTUDISC_YES] = IPV6_PMTUDISC_DO };

	if (family == AF_INET6)
		link_setopt_warn(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, v6[mode], "IPV6_MTU_DISCOVER");
	link_setopt_warn(fd, IPPROTO_IP, IP_MTU_DISCOVER, v4[mode], "IP_MTU_DISCOVER");
}

/* sndbuf/rcvbuf/mark failing is a warning: OpenVPN 2.6 carries on too. */
static int link_set_sockopts(int fd, int family, const struct link_opts *o)
{
	int one = 1;

	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		return -errno;
	if (family == AF_INET6) {
		/* Set always: the sysctl bindv6only default must not decide. */
		int v6only = o && o->ipv6_only;

		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)) < 0)
			return -errno;
	}
	if (!o)
		return 0;
	if (o->sndbuf > 0)
		link_setopt_warn(fd, SOL_SOCKET, SO_SNDBUF, o->sndbuf, "SO_SNDBUF");
	if (o->rcvbuf > 0)
		link_setopt_warn(fd, SOL_SOCKET, SO_RCVBUF, o->rcvbuf, "SO_RCVBUF");
	if (o->mark)
		link_setopt_warn(fd, SOL_SOCKET, SO_MARK, o->mark, "SO_MARK");
	if (o->pmtudisc != LINK_PMTUDISC_DEFAULT)
		link_set_pmtudisc(fd, family, o->pmtudisc);
	return 0;
}

static void link_set_nodelay(int fd)
{
	int one = 1;

	/* Fails harmlessly on AF_UNIX (tests, adopted sockets). */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* Create a socket of family/type and bind it to *bind_addr (if any). */
static int link_socket(struct link *l, int family, int type,
		       const struct sockaddr_any *bind_addr,
		       const struct link_opts *opts)
{
	socklen_t len = sizeof(l->local.ss);
	int fd, rc;

	fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	rc = link_set_sockopts(fd, family, opts);
	if (rc < 0)
		goto fail;
	if (bind_addr) {
		if (bind(fd, &bind_addr->sa, bind_addr->len) < 0) {
			char a[ADDR_STRLEN];

			rc = -errno;
			msg(M_ERR | M_ERRNO, "TCP/UDP: Socket bind failed on local address %s",
			    addr_to_str(bind_addr, a, sizeof(a)));
			goto fail;
		}
		if (getsockname(fd, &l->local.sa, &len) == 0)
			l->local.len = len;
	}
	l->fd = fd;
	l->family = family;
	/* Only an unbound or wildcard-bound IPv6 socket can reach IPv4. */
	l->dual_stack = family == AF_INET6 && !(opts && opts->ipv6_only) &&
			(!bind_addr || addr_is_wildcard(bind_addr));
	return 0;
fail:
	close(fd);
	return rc;
}

/*
 * Pick the socket family and address to bind, and open. AF_UNSPEC with no
 * address or a wildcard one means dual stack on [::]; a host without IPv6
 * gets an IPv4 socket instead.
 */
static int link_open_bound(struct link *l, int type,
			   const struct sockaddr_any *bind_addr, int family,
			   const struct link_opts *opts)
{
	struct sockaddr_any any;
	int rc;

	link_reset(l);
	if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	if (bind_addr && family != AF_UNSPEC && addr_family(bind_addr) != family)
		return -EAFNOSUPPORT;
	if (bind_addr && !(family == AF_UNSPEC && addr_is_wildcard(bind_addr)))
		return link_socket(l, addr_family(bind_addr), type, bind_addr, opts);
	if (family != AF_UNSPEC)
		return link_socket(l, family, type, NULL, opts);

	/* Dual stack: [::] with the requested port, or no bind at all. */
	if (bind_addr)
		addr_wildcard(&any, AF_INET6, addr_port(bind_addr));
	rc = link_socket(l, AF_INET6, type, bind_addr ? &any : NULL, opts);
	if (rc != -EAFNOSUPPORT)
		return rc;
	if (bind_addr)
		addr_wildcard(&any, AF_INET, addr_port(bind_addr));
	return link_socket(l, AF_INET, type, bind_addr ? &any : NULL, opts);
}

int link_udp_open(struct link *l, const struct sockaddr_any *bind_addr,
		  int family, const struct link_opts *opts)
{
	int rc = link_open_bound(l, SOCK_DGRAM, bind_addr, family, opts);

	if (rc < 0) {
		link_reset(l);
		return rc;
	}
	l->kind = LINK_UDP;
	return 0;
}

/*
 * The address to give the kernel for destination `to` on this socket:
 * IPv4 goes out of a dual-stack socket as v4-mapped IPv6, and a v4-mapped
 * destination out of an IPv4 socket as plain IPv4. NULL if unreachable.
 */
static const struct sockaddr_any *link_dest(const struct link *l,
					    const struct sockaddr_any *to,
					    struct sockaddr_any *tmp)
{
	int fam = addr_family(to);

	if (fam == l->family)
		return to;
	if (fam == AF_INET && l->dual_stack) {
		addr_map_v4(tmp, to);
		return tmp;
	}
	if (fam == AF_INET6 && l->family == AF_INET && addr_is_v4mapped(to)) {
		*tmp = *to;
		addr_unmap(tmp);
		return tmp;
	}
	return NULL;
}

/* ---- UDP receive -------------------------------------------------------------- */

static void link_swap_slot(struct buf *bufs, struct sockaddr_any *from,
			   unsigned a, unsigned b)
{
	struct buf tb = bufs[a];

	bufs[a] = bufs[b];
	bufs[b] = tb;
	from[a] = from[b];
}

/* Drop truncated datagrams; move the good ones to the front, in order. */
static unsigned link_udp_compact(struct link *l, struct mmsghdr *mm,
				 struct buf *bufs, struct sockaddr_any *from,
				 unsigned got)
{
	char a[ADDR_STRLEN];
	unsigned i, k = 0;

	for (i = 0; i < got; i++) {
		from[i].len = mm[i].msg_hdr.msg_namelen;
		if (mm[i].msg_hdr.msg_flags & MSG_TRUNC) {
			l->stats.drop_trunc++;
			msg_ratelimited(&rl_trunc, D_LOW,
					"UDP datagram from %s larger than %zu bytes dropped",
					addr_to_str(&from[i], a, sizeof(a)),
					mm[i].msg_hdr.msg_iov->iov_len);
			continue;
		}
		bufs[i].len = mm[i].msg_len;
		l->stats.pkts_in++;
		l->stats.bytes_in += mm[i].msg_len;
		if (k != i)
			link_swap_slot(bufs, from, k, i);
		k++;
	}
	return k;
}

int link_udp_recv_batch(struct link *l, struct buf *bufs,
			struct sockaddr_any *from, unsigned n)
{
	struct mmsghdr mm[LINK_BATCH_MAX];
	struct iovec iov[LINK_BATCH_MAX];
	unsigned i;
	int got;

	if (l->kind != LINK_UDP)
		return -EINVAL;
	if (n > LINK_BATCH_MAX)
		n = LINK_BATCH_MAX;
	memset(mm, 0, n * sizeof(mm[0]));
	for (i = 0; i < n; i++) {
		bufs[i].len = 0;
		iov[i].iov_base = buf_data(&bufs[i]);
		iov[i].iov_len = buf_tailroom(&bufs[i]);
		mm[i].msg_hdr.msg_name = &from[i].ss;
		mm[i].msg_hdr.msg_namelen = sizeof(from[i].ss);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	got = recvmmsg(l->fd, mm, n, MSG_DONTWAIT, NULL);
	if (got < 0) {
		int e = errno;

		if (errno_is_wouldblock(e) || e == EINTR)
			return 0;
		if (e == ECONNREFUSED) {
			/* An ICMP error for an earlier send, not a socket failure. */
			l->stats.drop_refused++;
			msg_ratelimited(&rl_refused, D_LOW,
					"UDP: peer port unreachable (ICMP)");
			return 0;
		}
		return -e;
	}
	return (int)link_udp_compact(l, mm, bufs, from, (unsigned)got);
}

/* ---- UDP send ------------------------------------------------------------------ */

/* Per-destination failures drop one packet; these mean the socket is gone. */
static bool errno_is_fatal_send(int e)
{
	return e == EBADF || e == ENOTSOCK || e == EFAULT || e == ENOTCONN ||
	       e == EOPNOTSUPP;
}

static void link_udp_drop_one(struct link *l, const struct mmsghdr *m, int e)
{
	struct sockaddr_any to;
	char a[ADDR_STRLEN];

	memset(&to, 0, sizeof(to));
	memcpy(&to.ss, m->msg_hdr.msg_name, m->msg_hdr.msg_namelen);
	to.len = m->msg_hdr.msg_namelen;
	if (e == ECONNREFUSED)
		l->stats.drop_refused++;
	else
		l->stats.drop_error++;
	msg_ratelimited(e == ECONNREFUSED ? &rl_refused : &rl_send, D_LOW,
			"UDP send to %s failed: %s", addr_to_str(&to, a, sizeof(a)),
			strerror(e));
}

/*
 * sendmmsg() stops at the first failing message and reports only that it
 * sent fewer; calling again from there surfaces the error for that one.
 * Returns the number sent, or -errno for a socket-level failure.
 */
static int link_udp_sendmmsg(struct link *l, struct mmsghdr *mm, unsigned k,
			     bool *full)
{
	unsigned i = 0, sent = 0;
	int rc, e;

	while (i < k) {
		rc = sendmmsg(l->fd, mm + i, k - i, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (rc > 0) {
			for (unsigned j = i; j < i + (unsigned)rc; j++) {
				l->stats.pkts_out++;
				l->stats.bytes_out += mm[j].msg_len;
			}
			i += (unsigned)rc;
			sent += (unsigned)rc;
			continue;
		}
		e = rc < 0 ? errno : EIO;
		if (e == EINTR)
			continue;
		if (errno_is_wouldblock(e) || e == ENOBUFS) {
			/* Like a full NIC queue: UDP may lose packets. */
			l->stats.drop_full += k - i;
			*full = true;
			return (int)sent;
		}
		if (errno_is_fatal_send(e))
			return sent ? (int)sent : -e;
		link_udp_drop_one(l, &mm[i], e);
		i++;
	}
	return (int)sent;
}

static void link_udp_bad_family(struct link *l, const struct sockaddr_any *to)
{
	char a[ADDR_STRLEN];

	l->stats.drop_error++;
	msg_ratelimited(&rl_send, D_LOW, "UDP send to %s: not reachable from an %s socket",
			addr_to_str(to, a, sizeof(a)),
			l->family == AF_INET ? "IPv4" : "IPv6-only");
}

int link_udp_send_batch(struct link *l, struct buf *const *bufs,
			const struct sockaddr_any *const *to, unsigned n)
{
	struct mmsghdr mm[LINK_BATCH_MAX];
	struct iovec iov[LINK_BATCH_MAX];
	struct sockaddr_any mapped[LINK_BATCH_MAX];
	const struct sockaddr_any *dst;
	unsigned done = 0, i, k;
	int total = 0, rc;
	bool full = false;

	if (l->kind != LINK_UDP)
		return -EINVAL;
	while (done < n) {
		memset(mm, 0, sizeof(mm));
		for (i = done, k = 0; i < n && k < LINK_BATCH_MAX; i++) {
			dst = link_dest(l, to[i], &mapped[k]);
			if (!dst) {
				link_udp_bad_family(l, to[i]);
				continue;
			}
			iov[k].iov_base = buf_data(bufs[i]);
			iov[k].iov_len = buf_len(bufs[i]);
			mm[k].msg_hdr.msg_name = (void *)&dst->ss;
			mm[k].msg_hdr.msg_namelen = dst->len;
			mm[k].msg_hdr.msg_iov = &iov[k];
			mm[k].msg_hdr.msg_iovlen = 1;
			k++;
		}
		done = i;
		rc = link_udp_sendmmsg(l, mm, k, &full);
		if (rc < 0)
			return total ? total : rc;
		total += rc;
		if (full) {
			/* The socket buffer is full: the rest would fail too. */
			l->stats.drop_full += n - done;
			break;
		}
	}
	return total;
}

/* ---- TCP setup ------------------------------------------------------------------ */

/* Both stream buffers in one allocation, made once per connection. */
static int link_tcp_stream_init(struct link *l, int fd)
{
	l->rx = malloc(LINK_TCP_RX_SIZE + LINK_TCP_TXQ_SIZE);
	if (!l->rx)
		return -ENOMEM;
	l->txq = l->rx + LINK_TCP_RX_SIZE;
	l->fd = fd;
	l->kind = LINK_TCP;
	link_set_nodelay(fd);
	return 0;
}

int link_tcp_listen(struct link *l, const struct sockaddr_any *bind_addr,
		    int family, const struct link_opts *opts)
{
	int rc;

	if (!bind_addr)
		return -EINVAL;
	rc = link_open_bound(l, SOCK_STREAM, bind_addr, family, opts);
	if (rc < 0)
		goto fail;
	if (listen(l->fd, LINK_TCP_BACKLOG) < 0) {
		rc = -errno;
		close(l->fd);
		goto fail;
	}
	l->kind = LINK_TCP_LISTENER;
	return 0;
fail:
	link_reset(l);
	return rc;
}

int link_tcp_accept(struct link *listener, struct link *out)
{
	struct sockaddr_any peer;
	socklen_t len = sizeof(peer.ss);
	int fd, rc;

	if (listener->kind != LINK_TCP_LISTENER)
		return -EINVAL;
	memset(&peer, 0, sizeof(peer));
	fd = accept4(listener->fd, &peer.sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return errno_is_wouldblock(errno) ? -EAGAIN : -errno;
	peer.len = len;
	link_reset(out);
	/* sndbuf, rcvbuf and mark come with the socket, cloned from the
	 * listener by the kernel. */
	rc = link_tcp_stream_init(out, fd);
	if (rc < 0) {
		close(fd);
		link_reset(out);
		return rc;
	}
	out->family = listener->family;
	out->dual_stack = listener->dual_stack;
	out->peer = peer;
	len = sizeof(out->local.ss);
	if (getsockname(fd, &out->local.sa, &len) == 0)
		out->local.len = len;
	return 0;
}

int link_tcp_connect(struct link *l, const struct sockaddr_any *remote,
		     const struct sockaddr_any *bind_addr,
		     const struct link_opts *opts)
{
	struct sockaddr_any tmp;
	const struct sockaddr_any *dst;
	int family = bind_addr ? addr_family(bind_addr) : addr_family(remote);
	int rc, fd;

	link_reset(l);
	rc = link_socket(l, family, SOCK_STREAM, bind_addr, opts);
	if (rc < 0)
		goto fail;
	fd = l->fd;
	rc = link_tcp_stream_init(l, fd);
	if (rc < 0)
		goto fail_fd;
	dst = link_dest(l, remote, &tmp);
	if (!dst) {
		rc = -EAFNOSUPPORT;
		goto fail_fd;
	}
	l->peer = *remote;
	if (connect(fd, &dst->sa, dst->len) == 0)
		return 0;
	rc = -errno;
	if (rc == -EINPROGRESS) {
		l->connecting = true;
		return rc;
	}
fail_fd:
	close(fd);
fail:
	free(l->rx);
	link_reset(l);
	return rc;
}

int link_tcp_connect_finish(struct link *l)
{
	struct sockaddr_any peer;
	socklen_t len = sizeof(int);
	int err = 0;

	if (l->kind != LINK_TCP)
		return -EINVAL;
	if (!l->connecting)
		return l->error;
	if (getsockopt(l->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return -errno;
	if (err == EINPROGRESS || err == EALREADY)
		return -EINPROGRESS;
	if (err) {
		l->error = -err;
		return l->error;
	}
	/* SO_ERROR is 0 both when connected and while still in SYN_SENT. */
	len = sizeof(peer.ss);
	if (getpeername(l->fd, &peer.sa, &len) < 0)
		return errno == ENOTCONN ? -EINPROGRESS : -errno;
	l->connecting = false;
	len = sizeof(l->local.ss);
	if (getsockname(l->fd, &l->local.sa, &len) == 0)
		l->local.len = len;
	/* Packets sent while connecting are waiting in the queue. */
	return link_flush(l);
}

int link_tcp_take_fd(struct link *l, int fd)
{
	socklen_t len;
	int flags, rc;

	link_reset(l);
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
		rc = -errno;
		goto fail;
	}
	rc = link_tcp_stream_init(l, fd);
	if (rc < 0)
		goto fail;
	len = sizeof(l->peer.ss);
	if (getpeername(fd, &l->peer.sa, &len) == 0)
		l->peer.len = len;
	len = sizeof(l->local.ss);
	if (getsockname(fd, &l->local.sa, &len) == 0)
		l->local.len = len;
	l->family = l->local.len ? l->local.sa.sa_family : AF_UNSPEC;
	return 0;
fail:
	close(fd);
	link_reset(l);
	return rc;
}

/* ---- TCP receive ------------------------------------------------------------------ */

static int link_stream_errno(int e)
{
	return e == ECONNRESET || e == EPIPE ? LINK_ECLOSED : -e;
}

/*
 * Yield the next whole packet from the reassembly buffer into b.
 * Returns 1 when b got a packet, 0 when more bytes are needed, -EPROTO
 * when the length field is invalid (checked as soon as it is complete, so
 * a bad stream is refused without waiting for its body).
 */
static int link_tcp_next(struct link *l, struct buf *b)
{
	char a[ADDR_STRLEN];
	const uint8_t *p;
	size_t avail, plen;

	for (;;) {
		avail = l->rx_tail - l->rx_head;
		if (avail < LINK_TCP_HDR)
			return 0;
		p = l->rx + l->rx_head;
		plen = (size_t)p[0] << 8 | p[1];
		if (plen == 0 || plen > LINK_TCP_MAX_PACKET) {
			l->stats.proto_errors++;
			msg_ratelimited(&rl_proto, M_WARN,
					"TCP: bad packet length %zu from %s (must be 1..%d), closing connection",
					plen, addr_to_str(&l->peer, a, sizeof(a)),
					LINK_TCP_MAX_PACKET);
			return -EPROTO;
		}
		if (avail < LINK_TCP_HDR + plen)
			return 0;
		l->rx_head += LINK_TCP_HDR + plen;
		b->len = 0;
		if (buf_write(b, p + LINK_TCP_HDR, plen)) {
			l->stats.pkts_in++;
			l->stats.bytes_in += plen;
			return 1;
		}
		/* The stream stays in step: only this packet is lost. */
		l->stats.drop_trunc++;
		msg_ratelimited(&rl_trunc, D_LOW,
				"TCP packet of %zu bytes from %s larger than the buffer, dropped",
				plen, addr_to_str(&l->peer, a, sizeof(a)));
	}
}

/*
 * One recv() into the reassembly buffer. Compacts first when the free tail
 * could not take a maximal packet; what is moved is less than one packet.
 * Returns bytes read, -EAGAIN, LINK_ECLOSED (EOF included) or -errno.
 */
static int link_tcp_fill(struct link *l)
{
	size_t pending = l->rx_tail - l->rx_head;
	ssize_t r;

	if (pending == 0) {
		l->rx_head = l->rx_tail = 0;
	} else if (LINK_TCP_RX_SIZE - l->rx_tail < LINK_TCP_HDR + LINK_TCP_MAX_PACKET) {
		memmove(l->rx, l->rx + l->rx_head, pending);
		l->rx_head = 0;
		l->rx_tail = pending;
	}
	do {
		r = recv(l->fd, l->rx + l->rx_tail, LINK_TCP_RX_SIZE - l->rx_tail,
			 MSG_DONTWAIT);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return errno_is_wouldblock(errno) ? -EAGAIN : link_stream_errno(errno);
	if (r == 0)
		return LINK_ECLOSED;
	l->rx_tail += (size_t)r;
	return (int)r;
}

int link_tcp_recv_batch(struct link *l, struct buf *bufs, unsigned n)
{
	unsigned got = 0;
	int rc;

	if (l->kind != LINK_TCP)
		return -EINVAL;
	if (l->error)
		return l->error;
	while (got < n) {
		rc = link_tcp_next(l, &bufs[got]);
		if (rc < 0)
			goto dead; /* a bad stream: what came before is suspect too */
		if (rc > 0) {
			got++;
			continue;
		}
		rc = link_tcp_fill(l);
		if (rc == -EAGAIN)
			break;
		if (rc < 0) {
			l->error = rc;
			/* Deliver what arrived before the close (an AUTH_FAILED,
			 * say); the still-readable socket brings us back. */
			return got ? (int)got : rc;
		}
	}
	return (int)got;
dead:
	l->error = rc;
	return rc;
}

/* ---- TCP send ---------------------------------------------------------------------- */

/* Append to the transmit queue, whole or not at all. */
static int link_txq_add(struct link *l, const uint8_t *p, size_t n)
{
	size_t used = link_txq_len(l);

	if (n > LINK_TCP_TXQ_SIZE - used)
		return -ENOBUFS;
	if (n > LINK_TCP_TXQ_SIZE - l->txq_tail) {
		memmove(l->txq, l->txq + l->txq_head, used);
		l->txq_head = 0;
		l->txq_tail = used;
	}
	memcpy(l->txq + l->txq_tail, p, n);
	l->txq_tail += n;
	return 0;
}

/* Write a framed packet; queue what the kernel does not take. */
static int link_tcp_write(struct link *l, const uint8_t *p, size_t n)
{
	ssize_t w;

	/* Behind queued bytes (or a pending connect) we must not jump the
	 * queue; a packet is dropped whole before any byte of it is sent. */
	if (l->connecting || link_txq_len(l))
		return link_txq_add(l, p, n);
	do {
		w = send(l->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	} while (w < 0 && errno == EINTR);
	if (w < 0) {
		if (!errno_is_wouldblock(errno))
			return link_stream_errno(errno);
		w = 0;
	}
	if ((size_t)w == n)
		return 0;
	/* The queue is empty here and holds more than one maximal packet,
	 * so the tail of a partly sent packet always fits. */
	return link_txq_add(l, p + w, n - (size_t)w);
}

int link_tcp_send(struct link *l, struct buf *pkt)
{
	size_t len = buf_len(pkt);
	uint8_t *hdr;
	int rc;

	if (l->kind != LINK_TCP)
		return -EINVAL;
	if (l->error)
		return l->error;
	if (len == 0 || len > LINK_TCP_MAX_PACKET) {
		l->stats.drop_error++;
		return -EMSGSIZE;
	}
	hdr = buf_push(pkt, LINK_TCP_HDR);
	if (!hdr) {
		l->stats.drop_error++;
		return -ENOSPC;
	}
	hdr[0] = (uint8_t)(len >> 8);
	hdr[1] = (uint8_t)len;
	rc = link_tcp_write(l, hdr, len + LINK_TCP_HDR);
	buf_pull(pkt, LINK_TCP_HDR);
	if (rc == 0) {
		l->stats.pkts_out++;
		l->stats.bytes_out += len;
	} else if (rc == -ENOBUFS) {
		l->stats.drop_full++;
	} else {
		l->error = rc;
	}
	return rc;
}

int link_flush(struct link *l)
{
	ssize_t w;

	if (l->kind != LINK_TCP)
		return -EINVAL;
	if (l->error)
		return l->error;
	while (link_txq_len(l)) {
		w = send(l->fd, l->txq + l->txq_head, link_txq_len(l),
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno_is_wouldblock(errno))
				return 0;
			l->error = link_stream_errno(errno);
			return l->error;
		}
		l->txq_head += (size_t)w;
	}
	l->txq_head = l->txq_tail = 0;
	return 0;
}

bool link_wants_write(const struct link *l)
{
	return l->kind == LINK_TCP && (l->connecting || link_txq_len(l) > 0);
}
