/*
 * Transports: UDP with batched I/O, TCP client and server with OpenVPN's
 * 2-byte length framing. A struct link is one socket the event loop polls
 * through link_fd().
 *
 * Polling contract: link fds are meant for level-triggered epoll.
 * - EPOLLIN: call the recv_batch function until it returns less than the
 *   batch size (a full batch means more may be waiting).
 * - EPOLLOUT: wanted exactly while link_wants_write() is true (a TCP
 *   connect in progress or queued TCP bytes); then call link_flush(), or
 *   link_tcp_connect_finish() first while connecting.
 *
 * Return values are 0 (or a count) and negative errno values. On TCP any
 * negative value ends the connection; LINK_ECLOSED means the peer closed or
 * reset it, -EPROTO means it sent a bad length.
 *
 * Nothing here allocates after a link is set up: a TCP link gets its
 * reassembly buffer and transmit queue once, when it is connected, accepted
 * or adopted, and gives them back in link_close().
 */
#ifndef SOCKET_H
#define SOCKET_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "buf.h"

/* Most datagrams moved by one recvmmsg()/sendmmsg() call. */
#define LINK_BATCH_MAX 64

/*
 * TCP framing: each packet is preceded by its length, 2 bytes big endian.
 * A length of 0 is a protocol error, as in OpenVPN 2.6 (a packet has at
 * least its opcode byte); so is a length above LINK_TCP_MAX_PACKET, the
 * most a struct buf can carry. Both close the connection.
 */
#define LINK_TCP_HDR 2
#define LINK_TCP_MAX_PACKET BUF_PAYLOAD_MAX
/* Reassembly buffer: room for one maximal packet after compaction, plus as
 * much again so that one recv() usually brings several packets. */
#define LINK_TCP_RX_SIZE (2 * (LINK_TCP_HDR + LINK_TCP_MAX_PACKET))
/* Bytes queued in userspace once the kernel send buffer is full; beyond
 * that, whole packets are dropped (TCP's own queue is the kernel's). */
#define LINK_TCP_TXQ_SIZE (4 * (LINK_TCP_HDR + LINK_TCP_MAX_PACKET))
#define LINK_TCP_BACKLOG 16

/* The peer closed the TCP connection: EOF, ECONNRESET or EPIPE. */
#define LINK_ECLOSED (-ECONNRESET)

enum link_kind {
	LINK_NONE = 0,          /* a zeroed struct link is closed */
	LINK_UDP,
	LINK_TCP_LISTENER,
	LINK_TCP,
};

struct link_opts {
	int sndbuf;             /* SO_SNDBUF, 0 = kernel default */
	int rcvbuf;             /* SO_RCVBUF, 0 = kernel default */
	int mark;               /* SO_MARK, 0 = none */
	bool ipv6_only;         /* --bind ipv6only: no v4-mapped peers */
	int pmtudisc;           /* --mtu-disc: LINK_PMTUDISC_*; 0 = kernel default */
};

/* --mtu-disc no|maybe|yes: the DF bit and path MTU discovery of the socket */
enum { LINK_PMTUDISC_DEFAULT = 0, LINK_PMTUDISC_NO, LINK_PMTUDISC_MAYBE, LINK_PMTUDISC_YES };

/* Packet and byte counters count OpenVPN packets, without the TCP length. */
struct link_stats {
	uint64_t pkts_in, bytes_in;
	uint64_t pkts_out, bytes_out;
	uint64_t drop_trunc;    /* rx: datagram/packet larger than the buffer */
	uint64_t drop_full;     /* tx: EAGAIN/ENOBUFS (UDP), queue full (TCP) */
	uint64_t drop_refused;  /* tx/rx: ICMP port unreachable (UDP) */
	uint64_t drop_error;    /* tx: other per-packet errors (no route, ...) */
	uint64_t proto_errors;  /* rx: bad TCP length field */
};

struct link {
	int fd;
	enum link_kind kind;
	int family;             /* of the socket: AF_INET or AF_INET6 */
	bool dual_stack;        /* AF_INET6 socket that also carries IPv4 */
	bool connecting;        /* TCP connect() in progress */
	int error;              /* TCP: sticky error once the stream is dead */
	struct sockaddr_any local;  /* bound address; unset with nobind */
	struct sockaddr_any peer;   /* TCP: the other end */
	struct link_stats stats;

	/* TCP stream state (NULL for UDP and listeners). */
	uint8_t *rx;            /* LINK_TCP_RX_SIZE bytes */
	size_t rx_head, rx_tail;/* unconsumed bytes are rx[rx_head..rx_tail) */
	uint8_t *txq;           /* LINK_TCP_TXQ_SIZE bytes */
	size_t txq_head, txq_tail;
};

static inline int link_fd(const struct link *l) { return l->fd; }
static inline bool link_is_open(const struct link *l) { return l->kind != LINK_NONE; }

/* Release the socket and buffers; safe on a zeroed or closed link. */
void link_close(struct link *l);

/*
 * UDP socket, nonblocking and close-on-exec, SO_REUSEADDR.
 * bind_addr NULL (--nobind): not bound; the kernel picks an ephemeral port
 * at the first send. family AF_UNSPEC without a bind address, or with a
 * wildcard one, makes a dual-stack socket: [::] with IPV6_V6ONLY off, so
 * IPv4 peers appear as v4-mapped IPv6 (falls back to IPv4 when the host
 * has no IPv6). family AF_INET/AF_INET6 forces that family. Every AF_INET6
 * socket has IPV6_V6ONLY set from opts->ipv6_only. opts may be NULL.
 * sndbuf/rcvbuf/mark failures are warnings, as in OpenVPN 2.6; a bind
 * failure is logged here with the address, the caller need not repeat it.
 */
int link_udp_open(struct link *l, const struct sockaddr_any *bind_addr,
		  int family, const struct link_opts *opts);

/*
 * Receive up to n (capped at LINK_BATCH_MAX) datagrams with one recvmmsg().
 * Each datagram lands in bufs[i] at its current headroom (its data window
 * is replaced); from[i] gets the sender as the kernel reports it (v4-mapped
 * on a dual-stack socket). Datagrams larger than a buffer's room are
 * dropped and counted; to keep the valid ones at the front in arrival
 * order, the struct buf values of the array may be exchanged among
 * themselves (the memory they point to is never copied).
 * Returns the number of datagrams, 0 when none is waiting, or -errno.
 */
int link_udp_recv_batch(struct link *l, struct buf *bufs,
			struct sockaddr_any *from, unsigned n);

/*
 * Send n datagrams, bufs[i] to *to[i], with sendmmsg() (LINK_BATCH_MAX per
 * call). Per-packet destination pointers let a server batch packets for
 * many peers; a P2P caller points every entry at the one peer address.
 * IPv4 destinations are mapped to v4-mapped IPv6 on a dual-stack socket
 * and back on an IPv4 one. A full socket buffer (EAGAIN/ENOBUFS) drops the
 * rest of the batch; an unreachable destination drops that packet only;
 * both are counted and neither is an error. Returns the number handed to
 * the kernel, or -errno when the socket itself is unusable.
 */
int link_udp_send_batch(struct link *l, struct buf *const *bufs,
			const struct sockaddr_any *const *to, unsigned n);

/* TCP listener: dual stack like UDP, SO_REUSEADDR, small backlog. */
int link_tcp_listen(struct link *l, const struct sockaddr_any *bind_addr,
		    int family, const struct link_opts *opts);
/* Accept one connection into *out (nonblocking, TCP_NODELAY; buffer
 * sizes and mark are inherited from the listener). Returns 0, -EAGAIN
 * when none is pending, or -errno (ECONNABORTED, EMFILE: not fatal). */
int link_tcp_accept(struct link *listener, struct link *out);
/*
 * Start a nonblocking connect to remote, optionally from bind_addr (which
 * then chooses the socket family; an IPv4 remote is mapped when that is a
 * dual-stack IPv6 address). Returns 0 when connected at once, -EINPROGRESS
 * (wait for EPOLLOUT, then link_tcp_connect_finish()), or -errno.
 * Packets sent while connecting are queued.
 */
int link_tcp_connect(struct link *l, const struct sockaddr_any *remote,
		     const struct sockaddr_any *bind_addr,
		     const struct link_opts *opts);
/* 0 when the connection is up (packets queued meanwhile are flushed),
 * -EINPROGRESS if not yet, or the connection's error. */
int link_tcp_connect_finish(struct link *l);
/* Adopt a connected stream socket (ownership moves to the link), e.g. one
 * end of a socketpair. Returns 0 or -errno; fd is closed on failure. */
int link_tcp_take_fd(struct link *l, int fd);

/*
 * Read what the stream has and yield up to n whole packets, one per buf,
 * each written at the buf's current headroom. Returns the count, 0 when no
 * whole packet is available yet, LINK_ECLOSED, -EPROTO or -errno. When the
 * peer closes right after some packets, those are returned first and the
 * next call reports LINK_ECLOSED (a closed socket stays readable).
 * A packet longer than its buf's room is dropped and counted.
 */
int link_tcp_recv_batch(struct link *l, struct buf *bufs, unsigned n);

/*
 * Send one packet: its 2-byte length is written in place into pkt's
 * headroom (LINK_TCP_HDR bytes needed) and taken off again before return,
 * so pkt is unchanged and can be sent again (retransmission). What the
 * kernel does not take is copied to the link's queue: check
 * link_wants_write() and poll for EPOLLOUT. Returns 0 when the packet was
 * sent or queued, -ENOBUFS when the queue was full and it was dropped
 * (counted), -EMSGSIZE for an empty or oversize packet, -ENOSPC without
 * headroom, or a connection error.
 */
int link_tcp_send(struct link *l, struct buf *pkt);
/* Write queued bytes; 0 (possibly with bytes still queued) or an error. */
int link_flush(struct link *l);
/* True while the link needs EPOLLOUT. */
bool link_wants_write(const struct link *l);
/* Bytes waiting in the TCP transmit queue. */
static inline size_t link_txq_len(const struct link *l)
{
	return l->txq_tail - l->txq_head;
}

#endif
