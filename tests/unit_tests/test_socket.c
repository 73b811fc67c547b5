/* Unit tests for socket.c: UDP batches over loopback, TCP framing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addr.h"
#include "buf.h"
#include "compat.h"
#include "socket.h"

#define NBUF 128
static uint8_t pool[NBUF][BUF_SIZE];

static void bufs_init(struct buf *b, unsigned n, size_t cap)
{
	for (unsigned i = 0; i < n; i++)
		buf_init(&b[i], pool[i], cap, BUF_HEADROOM);
}

static bool wait_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

static struct sockaddr_any loopback4(void)
{
	struct sockaddr_any a;

	assert_int_equal(addr_resolve("127.0.0.1", NULL, AF_INET, SOCK_DGRAM, false, &a, 1), 1);
	return a;
}

/* Fill a buf with a recognisable packet: seq in the first byte, then a
 * pattern derived from seq and position. */
static void fill_pkt(struct buf *b, unsigned seq, size_t len)
{
	uint8_t *p = buf_put(b, len);

	assert_non_null(p);
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i == 0 ? seq : seq * 31 + i);
}

static void check_pkt(const struct buf *b, unsigned seq, size_t len)
{
	const uint8_t *p = buf_data(b);

	assert_int_equal(buf_len(b), len);
	for (size_t i = 0; i < len; i++) {
		if (p[i] != (uint8_t)(i == 0 ? seq : seq * 31 + i))
			fail_msg("packet %u byte %zu differs", seq, i);
	}
}

/* Receive until `want` datagrams arrived (loopback delivery is immediate,
 * the poll only guards against a hang). */
static unsigned udp_recv_all(struct link *l, struct buf *b, struct sockaddr_any *from,
			     unsigned want)
{
	unsigned got = 0;
	int rc;

	while (got < want && wait_readable(link_fd(l), 1000)) {
		rc = link_udp_recv_batch(l, b + got, from + got, want - got);
		assert_true(rc >= 0);
		got += (unsigned)rc;
	}
	return got;
}

/* ---- UDP ---- */

/* --mtu-disc reaches the socket, for IPv4 and dual-stack IPv6 */
static void test_udp_mtu_disc(void **state)
{
	static const struct { int mode, v4; } cases[] = {
		{ LINK_PMTUDISC_NO, IP_PMTUDISC_DONT },
		{ LINK_PMTUDISC_MAYBE, IP_PMTUDISC_WANT },
		{ LINK_PMTUDISC_YES, IP_PMTUDISC_DO },
	};
	struct sockaddr_any lo = loopback4();
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct link_opts o = { .pmtudisc = cases[i].mode };
		struct link l = { 0 };
		int v = -1;
		socklen_t len = sizeof(v);

		assert_int_equal(link_udp_open(&l, &lo, AF_INET, &o), 0);
		assert_int_equal(getsockopt(link_fd(&l), IPPROTO_IP, IP_MTU_DISCOVER, &v, &len), 0);
		assert_int_equal(v, cases[i].v4);
		link_close(&l);
		if (link_udp_open(&l, NULL, AF_INET6, &o) == 0) {
			len = sizeof(v);
			assert_int_equal(getsockopt(link_fd(&l), IPPROTO_IPV6, IPV6_MTU_DISCOVER,
						    &v, &len), 0);
			assert_int_equal(v, cases[i].v4); /* same numbers for v6 */
			link_close(&l);
		}
	}
}

static void test_udp_batch(void **state)
{
	struct link a = { 0 }, b = { 0 };
	struct sockaddr_any lo = loopback4();
	struct buf tx[10], rx[16];
	struct buf *txp[10];
	const struct sockaddr_any *to[10];
	struct sockaddr_any from[16];
	unsigned i;

	assert_int_equal(link_udp_open(&a, &lo, AF_INET, NULL), 0);
	assert_int_equal(link_udp_open(&b, &lo, AF_INET, NULL), 0);
	assert_int_not_equal(addr_port(&b.local), 0);
	assert_int_equal(fcntl(link_fd(&a), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	assert_true(fcntl(link_fd(&a), F_GETFL) & O_NONBLOCK);

	/* Nothing waiting: 0, not an error. */
	bufs_init(rx, 16, BUF_SIZE);
	assert_int_equal(link_udp_recv_batch(&b, rx, from, 16), 0);

	for (i = 0; i < 10; i++) {
		buf_init(&tx[i], pool[16 + i], BUF_SIZE, BUF_HEADROOM);
		fill_pkt(&tx[i], i, 100 + i * 37);
		txp[i] = &tx[i];
		to[i] = &b.local;
	}
	assert_int_equal(link_udp_send_batch(&a, txp, to, 10), 10);
	assert_int_equal(a.stats.pkts_out, 10);

	assert_int_equal(udp_recv_all(&b, rx, from, 10), 10);
	assert_int_equal(link_udp_recv_batch(&b, rx + 10, from + 10, 6), 0);
	for (i = 0; i < 10; i++) {
		check_pkt(&rx[i], i, 100 + i * 37);
		/* Written in place at the headroom, nothing copied around. */
		assert_ptr_equal(buf_data(&rx[i]), pool[i] + BUF_HEADROOM);
		assert_true(addr_equal(&from[i], &a.local));
	}
	assert_int_equal(b.stats.pkts_in, 10);
	assert_int_equal(b.stats.drop_trunc, 0);
	link_close(&a);
	link_close(&b);
	assert_int_equal(link_fd(&a), -1);
	link_close(&a); /* twice is harmless */
}

static void test_udp_more_than_batch(void **state)
{
	enum { N = 100 };
	struct link a = { 0 }, b = { 0 };
	struct sockaddr_any lo = loopback4();
	static struct buf tx[N], rx[N];
	static struct buf *txp[N];
	static const struct sockaddr_any *to[N];
	static struct sockaddr_any from[N];
	unsigned i, got = 0;
	int rc;

	assert_int_equal(link_udp_open(&a, &lo, AF_INET, NULL), 0);
	assert_int_equal(link_udp_open(&b, &lo, AF_INET, NULL), 0);
	for (i = 0; i < N; i++) {
		buf_init(&tx[i], pool[i], BUF_SIZE, BUF_HEADROOM);
		fill_pkt(&tx[i], i, 20);
		txp[i] = &tx[i];
		to[i] = &b.local;
	}
	assert_int_equal(link_udp_send_batch(&a, txp, to, N), N);
	/* Receive in full batches: each call is capped at LINK_BATCH_MAX. */
	static uint8_t rmem[N][256];
	for (i = 0; i < N; i++)
		buf_init(&rx[i], rmem[i], sizeof(rmem[i]), 64);
	while (got < N && wait_readable(link_fd(&b), 1000)) {
		rc = link_udp_recv_batch(&b, rx + got, from + got, N - got);
		assert_true(rc >= 0 && rc <= LINK_BATCH_MAX);
		got += (unsigned)rc;
	}
	assert_int_equal(got, N);
	for (i = 0; i < N; i++)
		check_pkt(&rx[i], i, 20);
	link_close(&a);
	link_close(&b);
}

static void test_udp_truncated(void **state)
{
	struct link a = { 0 }, b = { 0 };
	struct sockaddr_any lo = loopback4();
	struct buf tx[3], rx[4];
	struct buf *txp[3] = { &tx[0], &tx[1], &tx[2] };
	const struct sockaddr_any *to[3] = { &b.local, &b.local, &b.local };
	struct sockaddr_any from[4];
	static uint8_t rmem[4][BUF_HEADROOM + 200];
	bool seen[4] = { false };
	unsigned i, j;

	assert_int_equal(link_udp_open(&a, &lo, AF_INET, NULL), 0);
	assert_int_equal(link_udp_open(&b, &lo, AF_INET, NULL), 0);
	for (i = 0; i < 3; i++)
		buf_init(&tx[i], pool[i], BUF_SIZE, BUF_HEADROOM);
	fill_pkt(&tx[0], 0, 50);
	fill_pkt(&tx[1], 1, 201);       /* one byte too big for the receiver */
	fill_pkt(&tx[2], 2, 200);       /* exactly fits */
	assert_int_equal(link_udp_send_batch(&a, txp, to, 3), 3);

	for (i = 0; i < 4; i++)
		buf_init(&rx[i], rmem[i], sizeof(rmem[i]), BUF_HEADROOM);
	assert_true(wait_readable(link_fd(&b), 1000));
	assert_int_equal(link_udp_recv_batch(&b, rx, from, 4), 2);
	check_pkt(&rx[0], 0, 50);
	check_pkt(&rx[1], 2, 200);
	assert_true(addr_equal(&from[1], &a.local));
	assert_int_equal(b.stats.drop_trunc, 1);
	assert_int_equal(b.stats.pkts_in, 2);
	/* The bufs were only permuted: every memory block is still there once. */
	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++)
			if (rx[i].mem == rmem[j]) {
				assert_false(seen[j]);
				seen[j] = true;
			}
	for (j = 0; j < 4; j++)
		assert_true(seen[j]);
	link_close(&a);
	link_close(&b);
}

static void test_udp_dual_stack(void **state)
{
	struct link d = { 0 }, c4 = { 0 }, v6only = { 0 };
	struct sockaddr_any any, lo = loopback4(), from[2], dst;
	struct link_opts o6 = { .ipv6_only = true };
	struct buf tx, rx[2], *txp = &tx;
	const struct sockaddr_any *to = &dst;
	char s[ADDR_STRLEN], s2[ADDR_STRLEN];
	int on = -1;

	/* What "--proto udp --local ''" resolves to: a wildcard of any family. */
	assert_int_equal(addr_wildcard(&any, AF_INET, 0), 0);
	assert_int_equal(link_udp_open(&d, &any, AF_UNSPEC, NULL), 0);
	assert_int_equal(d.family, AF_INET6);
	assert_true(d.dual_stack);
	assert_int_equal(link_udp_open(&c4, &lo, AF_INET, NULL), 0);

	/* IPv4 client -> dual-stack server: arrives v4-mapped. */
	dst = lo;
	addr_set_port(&dst, addr_port(&d.local));
	buf_init(&tx, pool[0], BUF_SIZE, BUF_HEADROOM);
	fill_pkt(&tx, 7, 33);
	assert_int_equal(link_udp_send_batch(&c4, &txp, &to, 1), 1);
	bufs_init(rx, 2, BUF_SIZE);
	assert_int_equal(udp_recv_all(&d, rx, from, 1), 1);
	check_pkt(&rx[0], 7, 33);
	assert_true(addr_is_v4mapped(&from[0]));
	assert_true(addr_equal(&from[0], &c4.local));
	snprintf(s, sizeof(s), "[AF_INET6]::ffff:127.0.0.1:%u", addr_port(&c4.local));
	assert_string_equal(addr_to_str(&from[0], s2, sizeof(s2)), s);

	/* Reply to the plain IPv4 address: mapped automatically. */
	dst = c4.local;
	assert_int_equal(link_udp_send_batch(&d, &txp, &to, 1), 1);
	assert_int_equal(udp_recv_all(&c4, rx, from, 1), 1);
	check_pkt(&rx[0], 7, 33);
	assert_int_equal(addr_family(&from[0]), AF_INET);

	/* --bind ipv6only: an IPv4 destination is dropped and counted. */
	assert_int_equal(link_udp_open(&v6only, &any, AF_UNSPEC, &o6), 0);
	assert_false(v6only.dual_stack);
	assert_int_equal(getsockopt(link_fd(&v6only), IPPROTO_IPV6, IPV6_V6ONLY, &on,
				    &(socklen_t){ sizeof(on) }), 0);
	assert_int_equal(on, 1);
	assert_int_equal(getsockopt(link_fd(&d), IPPROTO_IPV6, IPV6_V6ONLY, &on,
				    &(socklen_t){ sizeof(on) }), 0);
	assert_int_equal(on, 0);
	/* ...and an IPv4 peer cannot reach it. */
	dst = lo;
	addr_set_port(&dst, addr_port(&v6only.local));
	assert_int_equal(link_udp_send_batch(&c4, &txp, &to, 1), 1);
	assert_false(wait_readable(link_fd(&v6only), 100));
	dst = c4.local;
	assert_int_equal(link_udp_send_batch(&v6only, &txp, &to, 1), 0);
	assert_int_equal(v6only.stats.drop_error, 1);

	link_close(&d);
	link_close(&c4);
	link_close(&v6only);
}

static void test_udp_nobind(void **state)
{
	struct link c = { 0 }, s = { 0 };
	struct sockaddr_any lo = loopback4(), from;
	struct buf tx, rx, *txp = &tx;
	const struct sockaddr_any *to = &s.local;
	struct link_opts o = { .sndbuf = 65536, .rcvbuf = 65536, .mark = 0x42 };
	int v = 0;

	assert_int_equal(link_udp_open(&s, &lo, AF_INET, NULL), 0);
	assert_int_equal(link_udp_open(&c, NULL, AF_UNSPEC, &o), 0);
	assert_int_equal(c.local.len, 0);
	/* Buffer sizes are applied (the kernel doubles them); SO_MARK needs
	 * CAP_NET_ADMIN, without it only a warning is logged. */
	assert_int_equal(getsockopt(link_fd(&c), SOL_SOCKET, SO_RCVBUF, &v,
				    &(socklen_t){ sizeof(v) }), 0);
	assert_int_equal(v, 2 * 65536);
	if (geteuid() == 0) {
		assert_int_equal(getsockopt(link_fd(&c), SOL_SOCKET, SO_MARK, &v,
					    &(socklen_t){ sizeof(v) }), 0);
		assert_int_equal(v, 0x42);
	}
	buf_init(&tx, pool[0], BUF_SIZE, BUF_HEADROOM);
	fill_pkt(&tx, 1, 10);
	assert_int_equal(link_udp_send_batch(&c, &txp, &to, 1), 1);
	buf_init(&rx, pool[1], BUF_SIZE, BUF_HEADROOM);
	assert_int_equal(udp_recv_all(&s, &rx, &from, 1), 1);
	assert_int_not_equal(addr_port(&from), 0);
	link_close(&c);
	link_close(&s);
}

/* ---- TCP framing over a socketpair ---- */

struct pair {
	struct link l;
	int raw;        /* the other end, driven by the test */
};

static void pair_open(struct pair *p)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	memset(&p->l, 0, sizeof(p->l));
	assert_int_equal(link_tcp_take_fd(&p->l, sv[0]), 0);
	p->raw = sv[1];
}

static void pair_close(struct pair *p)
{
	link_close(&p->l);
	if (p->raw >= 0)
		close(p->raw);
}

/* Append a framed packet to a stream image. */
static size_t frame(uint8_t *out, unsigned seq, size_t len)
{
	struct buf b;

	buf_init(&b, out + 2, len, 0);
	fill_pkt(&b, seq, len);
	out[0] = (uint8_t)(len >> 8);
	out[1] = (uint8_t)len;
	return len + 2;
}

static void test_tcp_byte_by_byte(void **state)
{
	static const size_t lens[] = { 1, 2, 3, 255, 256, 1500, LINK_TCP_MAX_PACKET, 7 };
	static uint8_t stream[2 * LINK_TCP_MAX_PACKET];
	size_t ends[ARRAY_SIZE(lens)], total = 0, i;
	struct pair p;
	struct buf rx[4];
	unsigned got = 0;
	int rc;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		total += frame(stream + total, (unsigned)i, lens[i]);
		ends[i] = total;
	}
	pair_open(&p);
	bufs_init(rx, 4, BUF_SIZE);
	for (i = 0; i < total; i++) {
		assert_int_equal(write(p.raw, stream + i, 1), 1);
		rc = link_tcp_recv_batch(&p.l, rx, 4);
		assert_true(rc >= 0);
		/* A packet appears exactly when its last byte was written. */
		if (i + 1 == ends[got]) {
			if (rc != 1)
				fail_msg("packet %u not complete after byte %zu", got, i);
			check_pkt(&rx[0], got, lens[got]);
			assert_ptr_equal(buf_data(&rx[0]), pool[0] + BUF_HEADROOM);
			got++;
		} else if (rc != 0) {
			fail_msg("packet yielded early at byte %zu", i);
		}
	}
	assert_int_equal(got, ARRAY_SIZE(lens));
	assert_int_equal(p.l.stats.pkts_in, ARRAY_SIZE(lens));
	pair_close(&p);
}

static void test_tcp_many_in_one_read(void **state)
{
	static uint8_t stream[20 * 102];
	size_t total = 0;
	struct pair p;
	struct buf rx[8];
	unsigned i, seq = 0;

	for (i = 0; i < 20; i++)
		total += frame(stream + total, i, 100);
	pair_open(&p);
	assert_int_equal(write(p.raw, stream, total), (ssize_t)total);
	bufs_init(rx, 8, BUF_SIZE);
	/* A full batch means "call again"; the short one means drained. */
	assert_int_equal(link_tcp_recv_batch(&p.l, rx, 8), 8);
	for (i = 0; i < 8; i++)
		check_pkt(&rx[i], seq++, 100);
	assert_int_equal(link_tcp_recv_batch(&p.l, rx, 8), 8);
	for (i = 0; i < 8; i++)
		check_pkt(&rx[i], seq++, 100);
	assert_int_equal(link_tcp_recv_batch(&p.l, rx, 8), 4);
	for (i = 0; i < 4; i++)
		check_pkt(&rx[i], seq++, 100);
	assert_int_equal(link_tcp_recv_batch(&p.l, rx, 8), 0);
	assert_int_equal(p.l.stats.bytes_in, 2000);
	pair_close(&p);
}

/* A stream larger than the reassembly buffer, in odd-sized writes, so
 * packets straddle every compaction point. */
static void test_tcp_long_stream(void **state)
{
	enum { N = 200 };
	static uint8_t stream[N * 3002];
	size_t total = 0, off = 0, chunk = 1;
	struct pair p;
	struct buf rx[8];
	unsigned i, seq = 0;
	int rc;

	for (i = 0; i < N; i++)
		total += frame(stream + total, i, 1 + (i * 997) % 3000);
	pair_open(&p);
	bufs_init(rx, 8, BUF_SIZE);
	while (seq < N) {
		if (off < total) {
			size_t n = total - off < chunk ? total - off : chunk;

			assert_int_equal(write(p.raw, stream + off, n), (ssize_t)n);
			off += n;
			chunk = chunk * 7 % 5003 + 1;
		}
		rc = link_tcp_recv_batch(&p.l, rx, 8);
		assert_true(rc >= 0);
		for (i = 0; i < (unsigned)rc; i++, seq++)
			check_pkt(&rx[i], seq, 1 + (seq * 997) % 3000);
		if (off >= total && rc == 0)
			break;
	}
	assert_int_equal(seq, N);
	pair_close(&p);
}

static void test_tcp_bad_length(void **state)
{
	static const uint8_t too_long[] = { 0x24, 0x01 }; /* 9217 */
	static const uint8_t max_len[] = { 0xff, 0xff };
	static const uint8_t zero[] = { 0x00, 0x00, 0x01 };
	const uint8_t *cases[] = { too_long, max_len, zero };
	struct pair p;
	struct buf rx[2];
	unsigned i;

	for (i = 0; i < 3; i++) {
		pair_open(&p);
		bufs_init(rx, 2, BUF_SIZE);
		/* Refused as soon as the length is read, body or not. */
		assert_int_equal(write(p.raw, cases[i], 2), 2);
		assert_int_equal(link_tcp_recv_batch(&p.l, rx, 2), -EPROTO);
		assert_int_equal(p.l.stats.proto_errors, 1);
		/* The stream is dead for good: every later call says so. */
		assert_int_equal(link_tcp_recv_batch(&p.l, rx, 2), -EPROTO);
		assert_int_equal(link_tcp_send(&p.l, &rx[0]), -EPROTO);
		pair_close(&p);
	}

	/* The largest legal length passes. */
	static uint8_t big[LINK_TCP_MAX_PACKET + 2];
	pair_open(&p);
	bufs_init(rx, 2, BUF_SIZE);
	assert_int_equal(write(p.raw, big, frame(big, 5, LINK_TCP_MAX_PACKET)),
			 LINK_TCP_MAX_PACKET + 2);
	assert_true(wait_readable(link_fd(&p.l), 1000));
	assert_int_equal(link_tcp_recv_batch(&p.l, rx, 2), 1);
	check_pkt(&rx[0], 5, LINK_TCP_MAX_PACKET);
	pair_close(&p);
}

static void test_tcp_packet_larger_than_buf(void **state)
{
	uint8_t stream[600];
	size_t total = 0;
	struct pair p;
	struct buf rx[2];
	static uint8_t small[2][BUF_HEADROOM + 100];

	total += frame(stream, 0, 101);
	total += frame(stream + total, 1, 100);
	pair_open(&p);
	buf_init(&rx[0], small[0], sizeof(small[0]), BUF_HEADROOM);
	buf_init(&rx[1], small[1], sizeof(small[1]), BUF_HEADROOM);
	assert_int_equal(write(p.raw, stream, total), (ssize_t)total);
	/* The too-long one is dropped; the stream stays in step. */
	assert_int_equal(link_tcp_recv_batch(&p.l, rx, 2), 1);
	check_pkt(&rx[0], 1, 100);
	assert_int_equal(p.l.stats.drop_trunc, 1);
	assert_int_equal(p.l.stats.proto_errors, 0);
	pair_close(&p);
}

static void test_tcp_peer_close(void **state)
{
	uint8_t stream[64];
	size_t n;
	struct pair p;
	struct buf rx[4];

	/* Packets before the close are delivered, then the close. */
	pair_open(&p);
	bufs_init(rx, 4, BUF_SIZE);
	n = frame(stream, 3, 10);
	n += frame(stream + n, 4, 10);
	assert_int_equal(write(p.raw, stream, n), (ssize_t)n);
	close(p.raw);
	p.raw = -1;
	assert_int_equal(link_tcp_recv_batch(&p.l, rx, 4), 2);
	check_pkt(&rx[0], 3, 10);
	check_pkt(&rx[1], 4, 10);
	assert_true(wait_readable(link_fd(&p.l), 0)); /* poll brings us back */
	assert_int_equal(link_tcp_recv_batch(&p.l, rx, 4), LINK_ECLOSED);
	assert_int_equal(link_tcp_recv_batch(&p.l, rx, 4), LINK_ECLOSED);
	pair_close(&p);

	/* Close in the middle of a packet. */
	pair_open(&p);
	n = frame(stream, 3, 10);
	assert_int_equal(write(p.raw, stream, 5), 5);
	assert_int_equal(link_tcp_recv_batch(&p.l, rx, 4), 0);
	close(p.raw);
	p.raw = -1;
	assert_int_equal(link_tcp_recv_batch(&p.l, rx, 4), LINK_ECLOSED);
	pair_close(&p);

	/* Sending to a closed peer: EPIPE becomes LINK_ECLOSED, no SIGPIPE. */
	pair_open(&p);
	close(p.raw);
	p.raw = -1;
	buf_init(&rx[0], pool[0], BUF_SIZE, BUF_HEADROOM);
	fill_pkt(&rx[0], 1, 10);
	assert_int_equal(link_tcp_send(&p.l, &rx[0]), LINK_ECLOSED);
	pair_close(&p);
}

static void test_tcp_send_in_place(void **state)
{
	struct pair p;
	struct buf pkt, bare;
	uint8_t in[400];
	size_t off;

	pair_open(&p);
	buf_init(&pkt, pool[0], BUF_SIZE, BUF_HEADROOM);
	fill_pkt(&pkt, 9, 300);
	off = pkt.off;
	assert_int_equal(link_tcp_send(&p.l, &pkt), 0);
	/* The length went into the buf's own headroom, right before the data
	 * (so the kernel got one contiguous block: no copy), and the buf is
	 * as it was, ready for a retransmission. */
	assert_int_equal(pkt.off, off);
	assert_int_equal(buf_len(&pkt), 300);
	assert_int_equal(pool[0][off - 2], 300 >> 8);
	assert_int_equal(pool[0][off - 1], 300 & 0xff);
	assert_int_equal(read(p.raw, in, sizeof(in)), 302);
	assert_memory_equal(in, pool[0] + off - 2, 302);
	assert_false(link_wants_write(&p.l));
	assert_int_equal(p.l.stats.pkts_out, 1);
	assert_int_equal(p.l.stats.bytes_out, 300);

	/* Sending the same buf again gives the same bytes. */
	assert_int_equal(link_tcp_send(&p.l, &pkt), 0);
	assert_int_equal(read(p.raw, in, sizeof(in)), 302);
	assert_int_equal(in[1], 300 & 0xff);

	/* No headroom: refused rather than copied. */
	buf_init(&bare, pool[1], 100, 0);
	fill_pkt(&bare, 1, 10);
	assert_int_equal(link_tcp_send(&p.l, &bare), -ENOSPC);
	/* Nothing to frame, or too much. */
	buf_init(&bare, pool[1], BUF_SIZE, BUF_HEADROOM);
	assert_int_equal(link_tcp_send(&p.l, &bare), -EMSGSIZE);
	assert_non_null(buf_put(&bare, LINK_TCP_MAX_PACKET + 1));
	assert_int_equal(link_tcp_send(&p.l, &bare), -EMSGSIZE);
	pair_close(&p);
}

/* Parse what the reader got: framed packets, exactly the accepted ones. */
static void check_stream(const uint8_t *s, size_t n, const unsigned *seqs,
			 unsigned count)
{
	struct buf b;
	unsigned k = 0;
	size_t len;

	while (n) {
		assert_true(n >= 2);
		len = (size_t)(s[0] << 8 | s[1]);
		assert_true(n >= 2 + len);
		assert_true(k < count);
		buf_init(&b, (uint8_t *)s + 2, len, 0);
		b.len = len;
		check_pkt(&b, seqs[k], seqs[k] == 0 ? LINK_TCP_MAX_PACKET : 1000);
		k++;
		s += 2 + len;
		n -= 2 + len;
	}
	assert_int_equal(k, count);
}

static void test_tcp_partial_write_queue(void **state)
{
	enum { MAXP = 100, MORE = 20 };
	static uint8_t got[(MAXP + MORE) * (LINK_TCP_MAX_PACKET + 2)];
	static unsigned accepted[MAXP + MORE];
	unsigned n_acc = 0, seq, dropped = 0;
	size_t n_got = 0, want = 0, len;
	struct pair p;
	struct buf pkt;
	int small = 4096, rc;
	bool partly_drained = false;
	ssize_t r;

	pair_open(&p);
	assert_int_equal(fcntl(p.raw, F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(setsockopt(link_fd(&p.l), SOL_SOCKET, SO_SNDBUF, &small,
				    sizeof(small)), 0);
	buf_init(&pkt, pool[0], BUF_SIZE, BUF_HEADROOM);

	/* A maximal packet does not fit the small send buffer: the kernel
	 * takes part of it and the rest must be queued. */
	fill_pkt(&pkt, 0, LINK_TCP_MAX_PACKET);
	assert_int_equal(link_tcp_send(&p.l, &pkt), 0);
	assert_true(link_wants_write(&p.l));
	assert_true(link_txq_len(&p.l) > 0);
	assert_true(link_txq_len(&p.l) < LINK_TCP_MAX_PACKET + 2);
	accepted[n_acc++] = 0;
	want = LINK_TCP_MAX_PACKET + 2;

	/* Then fill the queue until it overflows. */
	for (seq = 1; seq < MAXP; seq++) {
		if (seq == 3 && !partly_drained) {
			/* Room in the kernel again, but queued bytes must go
			 * first: later packets may not jump the queue. */
			r = read(p.raw, got, sizeof(got));
			assert_true(r > 0);
			n_got = (size_t)r;
			partly_drained = true;
		}
		buf_reset(&pkt, BUF_HEADROOM);
		fill_pkt(&pkt, seq, 1000);
		rc = link_tcp_send(&p.l, &pkt);
		if (rc == -ENOBUFS) {
			dropped++;
			continue;
		}
		assert_int_equal(rc, 0);
		accepted[n_acc++] = seq;
		want += 1002;
	}
	assert_true(dropped > 0);
	len = link_txq_len(&p.l);
	assert_true(len > LINK_TCP_TXQ_SIZE - 1002 && len <= LINK_TCP_TXQ_SIZE);
	assert_int_equal(p.l.stats.drop_full, dropped);
	assert_int_equal(p.l.stats.pkts_out, n_acc);

	/* The link flushes on "EPOLLOUT" while the reader drains; new
	 * packets keep arriving meanwhile, so the queue wraps and compacts. */
	for (int rounds = 0; rounds < 10000 && (n_got < want || seq < MAXP + MORE); rounds++) {
		assert_int_equal(link_flush(&p.l), 0);
		if (seq < MAXP + MORE) {
			buf_reset(&pkt, BUF_HEADROOM);
			fill_pkt(&pkt, seq, 1000);
			rc = link_tcp_send(&p.l, &pkt);
			assert_true(rc == 0 || rc == -ENOBUFS);
			if (rc == 0) {
				accepted[n_acc++] = seq;
				want += 1002;
			}
			seq++;
		}
		r = read(p.raw, got + n_got, sizeof(got) - n_got);
		if (r > 0)
			n_got += (size_t)r;
		else
			assert_true(r < 0 && errno == EAGAIN);
	}
	assert_true(n_acc > MAXP - dropped);
	assert_false(link_wants_write(&p.l));
	assert_int_equal(n_got, want);
	check_stream(got, n_got, accepted, n_acc);
	pair_close(&p);
}

/* ---- TCP over real loopback ---- */

static void test_tcp_loopback(void **state)
{
	struct link srv = { 0 }, cli = { 0 }, acc = { 0 };
	struct sockaddr_any lo = loopback4(), any;
	struct buf pkt, rx[2];
	struct pollfd pfd;
	int rc, one = 1;

	assert_int_equal(addr_wildcard(&any, AF_INET6, 0), 0);
	assert_int_equal(link_tcp_listen(&srv, &any, AF_UNSPEC, NULL), 0);
	assert_int_equal(srv.kind, LINK_TCP_LISTENER);
	assert_int_equal(link_tcp_accept(&srv, &acc), -EAGAIN);

	/* IPv4 client to the dual-stack listener. */
	addr_set_port(&lo, addr_port(&srv.local));
	rc = link_tcp_connect(&cli, &lo, NULL, NULL);
	assert_true(rc == 0 || rc == -EINPROGRESS);
	/* A packet sent while connecting waits in the queue. */
	buf_init(&pkt, pool[0], BUF_SIZE, BUF_HEADROOM);
	fill_pkt(&pkt, 42, 64);
	assert_int_equal(link_tcp_send(&cli, &pkt), 0);
	if (rc == -EINPROGRESS) {
		assert_true(link_wants_write(&cli));
		pfd = (struct pollfd){ .fd = link_fd(&cli), .events = POLLOUT };
		assert_int_equal(poll(&pfd, 1, 2000), 1);
		assert_int_equal(link_tcp_connect_finish(&cli), 0);
	}
	assert_false(link_wants_write(&cli));
	assert_int_equal(getsockopt(link_fd(&cli), IPPROTO_TCP, TCP_NODELAY, &one,
				    &(socklen_t){ sizeof(one) }), 0);
	assert_int_equal(one, 1);

	assert_true(wait_readable(link_fd(&srv), 2000));
	assert_int_equal(link_tcp_accept(&srv, &acc), 0);
	assert_true(addr_is_v4mapped(&acc.peer));
	assert_true(addr_equal(&acc.peer, &cli.local));

	bufs_init(rx, 2, BUF_SIZE);
	assert_true(wait_readable(link_fd(&acc), 2000));
	assert_int_equal(link_tcp_recv_batch(&acc, rx, 2), 1);
	check_pkt(&rx[0], 42, 64);

	/* And back; then the client hangs up. */
	assert_int_equal(link_tcp_send(&acc, &rx[0]), 0);
	assert_true(wait_readable(link_fd(&cli), 2000));
	bufs_init(rx, 2, BUF_SIZE);
	assert_int_equal(link_tcp_recv_batch(&cli, rx, 2), 1);
	check_pkt(&rx[0], 42, 64);
	link_close(&cli);
	assert_true(wait_readable(link_fd(&acc), 2000));
	assert_int_equal(link_tcp_recv_batch(&acc, rx, 2), LINK_ECLOSED);

	link_close(&acc);
	link_close(&srv);
}

static void test_tcp_connect_refused(void **state)
{
	struct link l = { 0 }, u = { 0 };
	struct sockaddr_any lo = loopback4();
	struct pollfd pfd;
	int rc;

	/* A port that was just free: bind a UDP socket to learn one. */
	assert_int_equal(link_udp_open(&u, &lo, AF_INET, NULL), 0);
	addr_set_port(&lo, addr_port(&u.local));
	link_close(&u);
	rc = link_tcp_connect(&l, &lo, NULL, NULL);
	if (rc == -EINPROGRESS) {
		pfd = (struct pollfd){ .fd = link_fd(&l), .events = POLLOUT };
		assert_int_equal(poll(&pfd, 1, 2000), 1);
		rc = link_tcp_connect_finish(&l);
	}
	assert_int_equal(rc, -ECONNREFUSED);
	link_close(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp_mtu_disc),
		cmocka_unit_test(test_udp_batch),
		cmocka_unit_test(test_udp_more_than_batch),
		cmocka_unit_test(test_udp_truncated),
		cmocka_unit_test(test_udp_dual_stack),
		cmocka_unit_test(test_udp_nobind),
		cmocka_unit_test(test_tcp_byte_by_byte),
		cmocka_unit_test(test_tcp_many_in_one_read),
		cmocka_unit_test(test_tcp_long_stream),
		cmocka_unit_test(test_tcp_bad_length),
		cmocka_unit_test(test_tcp_packet_larger_than_buf),
		cmocka_unit_test(test_tcp_peer_close),
		cmocka_unit_test(test_tcp_send_in_place),
		cmocka_unit_test(test_tcp_partial_write_queue),
		cmocka_unit_test(test_tcp_loopback),
		cmocka_unit_test(test_tcp_connect_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
