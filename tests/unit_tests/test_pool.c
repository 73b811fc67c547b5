/*
 * ifconfig pools. Expected values are what Debian's OpenVPN 2.6.14 did in
 * network namespaces (see the comment above each test): pool bases and
 * sizes from its "IFCONFIG POOL" lines, addresses from its PUSH_REPLY,
 * persist files as it wrote them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "pool.h"
#include "log.h"

static struct in_addr v4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static struct in6_addr v6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

#define assert_v4(a, s) assert_string_equal(str4(a), s)
#define assert_v6(a, s) assert_string_equal(str6(a), s)

static const char *str4(struct in_addr a)
{
	static char b[4][INET_ADDRSTRLEN];
	static int n;

	return inet_ntop(AF_INET, &a, b[n++ % 4], INET_ADDRSTRLEN);
}

static const char *str6(struct in6_addr a)
{
	static char b[4][INET6_ADDRSTRLEN];
	static int n;

	return inet_ntop(AF_INET6, &a, b[n++ % 4], INET6_ADDRSTRLEN);
}

/* ---- log capture: warnings must name file and line ---------------------- */

static char log_path[] = "/tmp/test_pool_log.XXXXXX";

static int log_setup(void **state)
{
	/* append: log_take() truncates the file under the logger's feet */
	struct log_config cfg = { .verb = 3, .file = log_path, .append = true };
	int fd = mkstemp(log_path);

	assert_true(fd >= 0);
	close(fd);
	return log_configure(&cfg);
}

static int log_teardown(void **state)
{
	struct log_config cfg = { .verb = 1 };

	log_configure(&cfg);
	unlink(log_path);
	return 0;
}

/* Everything logged since the last call. */
static char *log_take(void)
{
	static char text[16384];
	FILE *f = fopen(log_path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	assert_int_equal(truncate(log_path, 0), 0);
	return text;
}

/* ---- helpers --------------------------------------------------------------- */

static struct pool *server_pool(enum pool_topology topo, const char *net,
				const char *mask, const char *net6, unsigned bits6)
{
	struct pool_config cfg = { 0 };
	struct pool *p = NULL;

	assert_int_equal(pool_config_server(&cfg, topo, v4(net), v4(mask), NULL), 0);
	if (net6) {
		struct in6_addr a = v6(net6);

		assert_int_equal(pool_config_server_ipv6(&cfg, &a, bits6, NULL), 0);
	}
	assert_int_equal(pool_init(&p, &cfg), 0);
	return p;
}

static uint32_t get(struct pool *p, const char *cn, const char *want4, const char *want6)
{
	struct in_addr a4 = { 0 };
	struct in6_addr a6 = IN6ADDR_ANY_INIT;
	uint32_t h;

	assert_int_equal(pool_acquire(p, cn, &a4, &a6, &h), 0);
	if (want4)
		assert_v4(a4, want4);
	if (want6)
		assert_v6(a6, want6);
	return h;
}

static char *persist_text(const struct pool *p)
{
	static char text[4096];
	FILE *f;

	memset(text, 0, sizeof(text));    /* fmemopen leaves it alone if unwritten */
	f = fmemopen(text, sizeof(text) - 1, "w");

	assert_non_null(f);
	assert_int_equal(pool_persist_write(p, f), 0);
	fclose(f);
	return text;
}

static void persist_feed(struct pool *p, const char *text, const char *name)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	assert_non_null(f);
	assert_int_equal(pool_persist_read(p, f, name), 0);
	fclose(f);
}

/* ---- --server expansion ---------------------------------------------------- */

/* 2.6: "IFCONFIG POOL IPv4: base=10.8.0.2 size=253" (pool .2-.254, one
 * more than the man page's .253); first PUSH_REPLY ifconfig 10.8.0.2. */
static void test_subnet_first_last_full(void **state)
{
	struct pool_config cfg = { 0 };
	struct pool_server_v4 srv;
	struct pool *p;
	struct in_addr a;
	uint32_t h, first;

	assert_int_equal(pool_config_server(&cfg, POOL_TOPO_SUBNET, v4("10.8.0.0"),
					    v4("255.255.255.0"), &srv), 0);
	assert_v4(cfg.v4_start, "10.8.0.2");
	assert_v4(cfg.v4_end, "10.8.0.254");
	assert_v4(cfg.v4_netmask, "255.255.255.0");
	assert_v4(srv.local, "10.8.0.1");
	assert_v4(srv.remote, "255.255.255.0");
	assert_int_equal(pool_init(&p, &cfg), 0);
	assert_int_equal(pool_size(p), 253);
	assert_true(strstr(log_take(), "IFCONFIG POOL IPv4: base=10.8.0.2 size=253"));
	first = get(p, "c0", "10.8.0.2", NULL);
	for (int i = 1; i < 252; i++)
		get(p, NULL, NULL, NULL);
	assert_false(pool_is_full(p));
	get(p, NULL, "10.8.0.254", NULL);
	assert_true(pool_is_full(p));
	assert_int_equal(pool_acquire(p, "late", &a, NULL, &h), -ENOSPC);
	pool_release(p, first);
	assert_false(pool_is_full(p));
	get(p, "late", "10.8.0.2", NULL);
	pool_free(p);
}

/* 2.6, topology net30, --server 10.8.0.0/24: pool 10.8.0.4-10.8.0.251,
 * size 62; PUSH_REPLY "ifconfig 10.8.0.6 10.8.0.5", then 10.8.0.10
 * 10.8.0.9; persist file stores the block: "client1,10.8.0.4,...". */
static void test_net30(void **state)
{
	struct pool_config cfg = { 0 };
	struct pool_server_v4 srv;
	struct pool *p;
	struct in_addr a;
	uint32_t h;

	assert_int_equal(pool_config_server(&cfg, POOL_TOPO_NET30, v4("10.8.0.0"),
					    v4("255.255.255.0"), &srv), 0);
	assert_v4(cfg.v4_start, "10.8.0.4");
	assert_v4(cfg.v4_end, "10.8.0.251");
	assert_int_equal(cfg.v4_netmask.s_addr, 0);
	assert_v4(srv.local, "10.8.0.1");
	assert_v4(srv.remote, "10.8.0.2");
	assert_int_equal(pool_init(&p, &cfg), 0);
	assert_int_equal(pool_size(p), 62);
	get(p, "client1", "10.8.0.6", NULL);
	assert_v4(pool_net30_peer(v4("10.8.0.6")), "10.8.0.5");
	get(p, "client2", "10.8.0.10", NULL);
	for (int i = 2; i < 61; i++)
		get(p, NULL, NULL, NULL);
	/* last block 10.8.0.248/30 */
	get(p, "last", "10.8.0.250", NULL);
	assert_int_equal(pool_acquire(p, "x", &a, NULL, &h), -ENOSPC);
	assert_true(strncmp(persist_text(p), "client1,10.8.0.4,\nclient2,10.8.0.8,\n", 36) == 0);
	pool_free(p);
}

/* 2.6, topology p2p: pool 10.8.0.4-10.8.0.251 size 248, one address per
 * client ("ifconfig 10.8.0.4 10.8.0.1", the remote being the server). */
static void test_p2p(void **state)
{
	struct pool *p = server_pool(POOL_TOPO_P2P, "10.8.0.0", "255.255.255.0", NULL, 0);

	assert_int_equal(pool_size(p), 248);
	get(p, "client1", "10.8.0.4", NULL);
	get(p, "client2", "10.8.0.5", NULL);
	for (int i = 2; i < 247; i++)
		get(p, NULL, NULL, NULL);
	get(p, NULL, "10.8.0.251", NULL);
	assert_true(pool_is_full(p));
	pool_free(p);
}

/* 2.6's --server sizes: /16 subnet 65533, net30 /16 16382, p2p /16 65528,
 * /29 subnet 5, net30 /28 2, net30 /27 6, p2p /27 24, p2p /29 4; and its
 * refusals. */
static void test_server_sizes_and_errors(void **state)
{
	struct pool_config cfg = { 0 };
	struct pool *p;

	p = server_pool(POOL_TOPO_SUBNET, "10.8.0.0", "255.255.0.0", NULL, 0);
	assert_int_equal(pool_size(p), 65533);
	pool_free(p);
	p = server_pool(POOL_TOPO_NET30, "10.8.0.0", "255.255.0.0", NULL, 0);
	assert_int_equal(pool_size(p), 16382);
	pool_free(p);
	p = server_pool(POOL_TOPO_P2P, "10.8.0.0", "255.255.0.0", NULL, 0);
	assert_int_equal(pool_size(p), 65528);
	pool_free(p);
	p = server_pool(POOL_TOPO_SUBNET, "10.8.0.0", "255.255.255.248", NULL, 0);
	assert_int_equal(pool_size(p), 5);
	pool_free(p);
	p = server_pool(POOL_TOPO_NET30, "10.8.0.0", "255.255.255.240", NULL, 0);
	assert_int_equal(pool_size(p), 2);
	pool_free(p);
	p = server_pool(POOL_TOPO_NET30, "10.8.0.0", "255.255.255.224", NULL, 0);
	assert_int_equal(pool_size(p), 6);      /* .4 - .27 */
	pool_free(p);
	p = server_pool(POOL_TOPO_P2P, "10.8.0.0", "255.255.255.224", NULL, 0);
	assert_int_equal(pool_size(p), 24);
	pool_free(p);
	/* a /29 keeps its last block: 2.6 "ifconfig_pool_end = 10.8.0.7" */
	p = server_pool(POOL_TOPO_P2P, "10.8.0.0", "255.255.255.248", NULL, 0);
	assert_int_equal(pool_size(p), 4);
	get(p, NULL, "10.8.0.4", NULL);
	pool_free(p);
	log_take();

	/* net30 /29 passes --server but leaves one block: 2.6 exits with
	 * "IPv4 pool size is too small (1), must be at least 2" */
	assert_int_equal(pool_config_server(&cfg, POOL_TOPO_NET30, v4("10.8.0.0"),
					    v4("255.255.255.248"), NULL), 0);
	assert_int_equal(pool_init(&p, &cfg), -EINVAL);
	assert_true(strstr(log_take(), "IPv4 pool size is too small (1), must be at least 2"));
	assert_int_equal(pool_config_server(&cfg, POOL_TOPO_SUBNET, v4("10.0.0.0"),
					    v4("255.0.0.0"), NULL), -EINVAL);
	assert_true(strstr(log_take(), "(subnet must be 255.255.0.0 (/16) or higher)"));
	assert_int_equal(pool_config_server(&cfg, POOL_TOPO_SUBNET, v4("10.8.0.0"),
					    v4("255.255.255.252"), NULL), -EINVAL);
	assert_true(strstr(log_take(), "255.255.255.248 (/29) or lower"));
	assert_int_equal(pool_config_server(&cfg, POOL_TOPO_SUBNET, v4("10.8.0.5"),
					    v4("255.255.255.0"), NULL), -EINVAL);
	assert_int_equal(pool_config_server(&cfg, POOL_TOPO_SUBNET, v4("10.8.0.0"),
					    v4("255.0.255.0"), NULL), -EINVAL);
	assert_true(strstr(log_take(), "network/netmask combination is invalid"));
}

/* Explicit --ifconfig-pool, 2.6: net30 "10.8.0.5 10.8.0.20" -> base
 * 10.8.0.4 size 5; p2p same range -> base 10.8.0.5 size 16; subnet
 * "10.8.0.100 10.8.0.110" -> size 11; start > end and more than 65536
 * addresses refused. */
static void test_explicit_ranges(void **state)
{
	struct pool_config cfg = {
		.topology = POOL_TOPO_NET30, .has_v4 = true,
		.v4_start = v4("10.8.0.5"), .v4_end = v4("10.8.0.20"),
	};
	struct pool *p;

	assert_int_equal(pool_init(&p, &cfg), 0);
	assert_int_equal(pool_size(p), 5);
	get(p, "a", "10.8.0.6", NULL);
	pool_free(p);
	assert_true(strstr(log_take(), "base=10.8.0.4 size=5"));

	cfg.topology = POOL_TOPO_P2P;
	assert_int_equal(pool_init(&p, &cfg), 0);
	assert_int_equal(pool_size(p), 16);
	get(p, "a", "10.8.0.5", NULL);
	pool_free(p);

	cfg.topology = POOL_TOPO_SUBNET;
	cfg.v4_start = v4("10.8.0.100");
	cfg.v4_end = v4("10.8.0.110");
	assert_int_equal(pool_init(&p, &cfg), 0);
	assert_int_equal(pool_size(p), 11);
	get(p, "a", "10.8.0.100", NULL);
	pool_free(p);

	cfg.v4_start = v4("10.8.0.110");
	cfg.v4_end = v4("10.8.0.100");
	assert_int_equal(pool_init(&p, &cfg), -EINVAL);
	assert_true(strstr(log_take(), "start IP [10.8.0.110] is greater than end IP [10.8.0.100]"));
	cfg.v4_start = v4("10.0.0.0");
	cfg.v4_end = v4("10.1.0.0");        /* 65537 addresses */
	assert_int_equal(pool_init(&p, &cfg), -EINVAL);
	assert_true(strstr(log_take(), "address range is too large [10.0.0.0 -> 10.1.0.0]"));
	cfg.v4_end = v4("10.0.255.255");    /* exactly 65536 */
	assert_int_equal(pool_init(&p, &cfg), 0);
	assert_int_equal(pool_size(p), POOL_MAX);
	pool_free(p);
	cfg.v4_end = cfg.v4_start;
	assert_int_equal(pool_init(&p, &cfg), -EINVAL);

	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(pool_init(&p, &cfg), -EINVAL);
}

/* A full /16 through acquire and release in both orders. */
static void test_large_pool(void **state)
{
	struct pool *p = server_pool(POOL_TOPO_SUBNET, "10.8.0.0", "255.255.0.0", NULL, 0);
	uint32_t n = pool_size(p);
	uint32_t *h = malloc(n * sizeof(*h));
	char cn[16];

	assert_non_null(h);
	for (uint32_t i = 0; i < n; i++) {
		snprintf(cn, sizeof(cn), "c%u", i);
		assert_int_equal(pool_acquire(p, cn, NULL, NULL, &h[i]), 0);
		assert_int_equal(h[i], i);
	}
	assert_true(pool_is_full(p));
	assert_int_equal(pool_in_use(p), n);
	for (uint32_t i = n; i-- > 0;)
		pool_release(p, h[i]);
	assert_int_equal(pool_in_use(p), 0);
	/* everyone comes back to their own address, in any order */
	for (uint32_t i = 0; i < n; i += 997) {
		snprintf(cn, sizeof(cn), "c%u", i);
		assert_int_equal(pool_acquire(p, cn, NULL, NULL, &h[0]), 0);
		assert_int_equal(h[0], i);
	}
	/* a stranger gets the slot released longest ago: slot n-1 went first */
	assert_int_equal(pool_acquire(p, "new", NULL, NULL, &h[0]), 0);
	assert_int_equal(h[0], n - 1);
	pool_release(p, 12345678);   /* unknown handles are ignored */
	pool_release(p, n - 1);
	pool_release(p, n - 1);      /* double release too */
	assert_int_equal(pool_in_use(p), (n + 996) / 997);
	free(h);
	pool_free(p);
}

/* ---- stickiness, reuse order, duplicate-cn ---------------------------------- */

/* 2.6 (/24 + server-ipv6): client1 .2, client2 .3; client1 leaves;
 * client3 gets the never used .4, not client1's .2; client1 comes back
 * to .2 with the same IPv6 address. */
static void test_sticky_prefers_unused(void **state)
{
	struct pool *p = server_pool(POOL_TOPO_SUBNET, "10.8.0.0", "255.255.255.0",
				     "fd00:8::", 64);
	uint32_t h1 = get(p, "client1", "10.8.0.2", "fd00:8::1000");

	get(p, "client2", "10.8.0.3", "fd00:8::1001");
	pool_release(p, h1);
	get(p, "client3", "10.8.0.4", "fd00:8::1002");
	get(p, "client1", "10.8.0.2", "fd00:8::1000");
	assert_string_equal(persist_text(p),
			    "client1,10.8.0.2,fd00:8::1000\n"
			    "client2,10.8.0.3,fd00:8::1001\n"
			    "client3,10.8.0.4,fd00:8::1002\n");
	pool_free(p);
}

/* 2.6 (/29, five slots): all taken; c4 leaves, then client2; c6 gets c4's
 * .5 (released first), c7 client2's .3, c8 nothing; c6 leaves; client2
 * gets .5 because c7 still holds .3. Persist file as 2.6 wrote it. */
static void test_reuse_oldest_release(void **state)
{
	struct pool *p = server_pool(POOL_TOPO_SUBNET, "10.8.0.0", "255.255.255.248", NULL, 0);
	struct in_addr a;
	uint32_t h2, h4, h6, h;

	get(p, "client1", "10.8.0.2", NULL);
	h2 = get(p, "client2", "10.8.0.3", NULL);
	get(p, "client3", "10.8.0.4", NULL);
	h4 = get(p, "c4", "10.8.0.5", NULL);
	get(p, "c5", "10.8.0.6", NULL);
	pool_release(p, h4);
	pool_release(p, h2);
	h6 = get(p, "c6", "10.8.0.5", NULL);
	get(p, "c7", "10.8.0.3", NULL);
	assert_int_equal(pool_acquire(p, "c8", &a, NULL, &h), -ENOSPC);
	pool_release(p, h6);
	get(p, "client2", "10.8.0.5", NULL);
	assert_string_equal(persist_text(p),
			    "client1,10.8.0.2,\nc7,10.8.0.3,\nclient3,10.8.0.4,\n"
			    "client2,10.8.0.5,\nc5,10.8.0.6,\n");
	assert_string_equal(pool_handle_cn(p, 1), "c7");
	pool_free(p);
}

/* Without --duplicate-cn a second lease for a name that is still in use
 * (2.6 drops the old client first; here both run) gets another slot. */
static void test_same_cn_twice(void **state)
{
	struct pool *p = server_pool(POOL_TOPO_SUBNET, "10.8.0.0", "255.255.255.248", NULL, 0);
	uint32_t a, b;

	a = get(p, "x", "10.8.0.2", NULL);
	b = get(p, "x", "10.8.0.3", NULL);
	pool_release(p, b);
	pool_release(p, a);
	/* both remember x; the lower one wins */
	get(p, "x", "10.8.0.2", NULL);
	get(p, "x", "10.8.0.3", NULL);
	pool_free(p);
}

/* 2.6 with --duplicate-cn and a persist file "client1,10.8.0.2,",
 * "c4,10.8.0.5,": client2 gets .2 (names play no part, lowest free
 * slot), client1 .3, client1 again .4; afterwards the file holds only
 * "c4,10.8.0.5," (no names recorded, client1's entry was reused). */
static void test_duplicate_cn(void **state)
{
	struct pool_config cfg = { 0 };
	struct pool *p;
	uint32_t h3;

	assert_int_equal(pool_config_server(&cfg, POOL_TOPO_SUBNET, v4("10.8.0.0"),
					    v4("255.255.255.248"), NULL), 0);
	cfg.duplicate_cn = true;
	assert_int_equal(pool_init(&p, &cfg), 0);
	persist_feed(p, "client1,10.8.0.2,\nc4,10.8.0.5,\n", "ipp.txt");
	assert_string_equal(persist_text(p), "client1,10.8.0.2,\nc4,10.8.0.5,\n");
	get(p, "client2", "10.8.0.2", NULL);
	h3 = get(p, "client1", "10.8.0.3", NULL);
	get(p, "client1", "10.8.0.4", NULL);
	assert_string_equal(persist_text(p), "c4,10.8.0.5,\n");
	pool_release(p, h3);
	get(p, "client1", "10.8.0.3", NULL);   /* lowest free, again */
	get(p, "other", "10.8.0.5", NULL);     /* c4's entry is just a slot */
	get(p, "other", "10.8.0.6", NULL);
	assert_true(pool_is_full(p));
	assert_string_equal(persist_text(p), "");
	pool_free(p);
}

/* ---- IPv6 ------------------------------------------------------------------- */

/* 2.6 --server-ipv6: /64 base ::1000 size 65536 (server ::1, remote ::2),
 * /111 ::1000, /112 ::2 size 65534, /113 32766, /120 254, /124 14,
 * ::77/64 base ::1077; /63 and /126 refused. */
static void test_server_ipv6(void **state)
{
	static const struct {
		const char *addr;
		unsigned bits;
		const char *base;
		uint32_t size;
	} t[] = {
		{ "fd00:8::", 64, "fd00:8::1000", 65536 },
		{ "fd00:8::", 111, "fd00:8::1000", 65536 },
		{ "fd00:8::", 112, "fd00:8::2", 65534 },
		{ "fd00:8::", 113, "fd00:8::2", 32766 },
		{ "fd00:8::", 120, "fd00:8::2", 254 },
		{ "fd00:8::", 124, "fd00:8::2", 14 },
		{ "fd00:8::77", 64, "fd00:8::1077", 65536 },
		{ "fd00:8::ffff:fff0", 124, "fd00:8::ffff:fff2", 14 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct pool_config cfg = { 0 };
		struct pool_server_v6 srv;
		struct in6_addr a = v6(t[i].addr);
		struct pool *p;

		assert_int_equal(pool_config_server_ipv6(&cfg, &a, t[i].bits, &srv), 0);
		assert_int_equal(pool_init(&p, &cfg), 0);
		assert_int_equal(pool_size(p), t[i].size);
		assert_false(pool_has_v4(p));
		get(p, "a", NULL, t[i].base);
		pool_free(p);
	}
	struct pool_config cfg = { 0 };
	struct pool_server_v6 srv;
	struct in6_addr a = v6("fd00:8::");

	assert_int_equal(pool_config_server_ipv6(&cfg, &a, 64, &srv), 0);
	assert_v6(srv.local, "fd00:8::1");
	assert_v6(srv.remote, "fd00:8::2");
	log_take();
	assert_int_equal(pool_config_server_ipv6(&cfg, &a, 63, NULL), -EINVAL);
	assert_int_equal(pool_config_server_ipv6(&cfg, &a, 126, NULL), -EINVAL);
	assert_true(strstr(log_take(), "network must be between /64 and /124 (not /126)"));
}

/* 2.6 --ifconfig-ipv6-pool: fd00:8::/64 -> "incrementing pool start to
 * avoid ::0 assignment", base ::1; ::ff00/120 -> ::ff01 size 255; ::10/112
 * -> 65520; ::fffe/112 -> 2; ::ffff/112 -> "IPv6 pool size is too small
 * (1)"; /128 refused. */
static void test_ipv6_pool(void **state)
{
	static const struct {
		const char *base;
		unsigned bits;
		const char *first;
		uint32_t size;
	} t[] = {
		{ "fd00:8::", 64, "fd00:8::1", 65536 },
		{ "fd00:8::", 96, "fd00:8::1", 65536 },
		{ "fd00:8::ff00", 120, "fd00:8::ff01", 255 },
		{ "fd00:8::10", 112, "fd00:8::10", 65520 },
		{ "fd00:8::fffe", 112, "fd00:8::fffe", 2 },
		{ "fd00:8::ffff:ffff:ffff:fff0", 64, "fd00:8::ffff:ffff:ffff:fff0", 16 },
	};
	struct pool_config cfg = { .has_v6 = true };
	struct pool *p;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cfg.v6_base = v6(t[i].base);
		cfg.v6_bits = t[i].bits;
		assert_int_equal(pool_init(&p, &cfg), 0);
		assert_int_equal(pool_size(p), t[i].size);
		get(p, "a", NULL, t[i].first);
		pool_free(p);
	}
	assert_true(strstr(log_take(), "incrementing pool start to avoid ::0 assignment"));
	/* the last address of the prefix is the last slot */
	cfg.v6_base = v6("fd00:8::fffe");
	cfg.v6_bits = 112;
	assert_int_equal(pool_init(&p, &cfg), 0);
	get(p, "a", NULL, "fd00:8::fffe");
	get(p, "b", NULL, "fd00:8::ffff");
	assert_true(pool_is_full(p));
	pool_free(p);
	cfg.v6_base = v6("fd00:8::ffff");
	assert_int_equal(pool_init(&p, &cfg), -EINVAL);
	assert_true(strstr(log_take(), "IPv6 pool size is too small (1), must be at least 2"));
	cfg.v6_bits = 128;
	assert_int_equal(pool_init(&p, &cfg), -EINVAL);
	cfg.v6_bits = 125;
	assert_int_equal(pool_init(&p, &cfg), -EINVAL);
}

/* Both families: slot i has the i-th of each; the smaller pool limits.
 * 2.6 /24 + /124: "WARNING: IPv4 pool size is 253, IPv6 pool size is 14". */
static void test_dual_stack_sizes(void **state)
{
	struct pool *p = server_pool(POOL_TOPO_SUBNET, "10.8.0.0", "255.255.255.0", "fd00:8::", 124);

	assert_int_equal(pool_size(p), 14);
	assert_true(strstr(log_take(), "WARNING: IPv4 pool size is 253, IPv6 pool size is 14. IPv6 pool size limits"));
	get(p, "a", "10.8.0.2", "fd00:8::2");
	for (int i = 1; i < 13; i++)
		get(p, NULL, NULL, NULL);
	get(p, "z", "10.8.0.15", "fd00:8::f");
	assert_true(pool_is_full(p));
	pool_free(p);

	p = server_pool(POOL_TOPO_NET30, "10.8.0.0", "255.255.255.0", "fd00:8::", 64);
	assert_int_equal(pool_size(p), 62);
	assert_true(strstr(log_take(), "NOTE: IPv4 pool size is 62, IPv6 pool size is 65536. IPv4 pool size limits"));
	get(p, "client1", "10.8.0.6", "fd00:8::1000");
	get(p, "client2", "10.8.0.10", "fd00:8::1001");
	assert_string_equal(persist_text(p), "client1,10.8.0.4,fd00:8::1000\nclient2,10.8.0.8,fd00:8::1001\n");
	pool_free(p);
}

/* ---- persist file ------------------------------------------------------------- */

/* A file 2.6 wrote (with a comma in a name, which 2.6 itself cannot read
 * back) loads into the same slots and is written out byte for byte. */
static void test_persist_round_trip(void **state)
{
	static const char file[] =
		"client1,10.8.0.2,fd00:8::1000\n"
		"a,b c,10.8.0.3,fd00:8::1001\n"
		"q\"u'o\\te;x=y,10.8.0.4,fd00:8::1002\n"
		"caf\xc3\xa9-d$x,10.8.0.5,fd00:8::1003\n";
	struct pool *p = server_pool(POOL_TOPO_SUBNET, "10.8.0.0", "255.255.255.0", "fd00:8::", 64);

	persist_feed(p, file, "ipp.txt");
	assert_string_equal(persist_text(p), file);
	log_take();
	/* sticky after loading; strangers get never used slots first */
	get(p, "stranger", "10.8.0.6", "fd00:8::1004");
	get(p, "a,b c", "10.8.0.3", "fd00:8::1001");
	pool_free(p);
	assert_null(strstr(log_take(), "ipp.txt:"));
}

/* The lines 2.6 was fed in the lab, and what it wrote back:
 *   c6,10.8.0.2,fd00:8::1000   <- "c6,10.8.0.2,extra,fields"
 *   ,10.8.0.3,fd00:8::1001     <- ",10.8.0.3,"
 *   client3,10.8.0.4,fd00:8::1002
 *   c7,10.8.0.5,fd00:8::1003   <- "c7,,fd00:8::1003" replaced client1
 *   client1,10.8.0.6,fd00:8::1004
 * We differ on purpose for the first two: an empty name and a line whose
 * last two fields are not addresses are skipped with a warning. */
static void test_persist_malformed(void **state)
{
	static const char in[] =
		"client1,10.8.0.5,\n"
		"client2,10.8.0.99,\n"
		"garbage line\n"
		",10.8.0.3,\n"
		"client3,10.8.0.4,fd00:8::1005\n"
		"c4\n"
		"c5,notanip,\n"
		"client1,10.8.0.6,\n"
		"c6,10.8.0.2,extra,fields\n"
		"# comment\n"
		"\n"
		"c7,,fd00:8::1003\n"
		"c8 ,10.8.0.3 ,\n"
		"; also a comment\n";
	struct pool *p = server_pool(POOL_TOPO_SUBNET, "10.8.0.0", "255.255.255.248", "fd00:8::", 64);
	char *log;

	persist_feed(p, in, "ipp.txt");
	assert_string_equal(persist_text(p),
			    "client3,10.8.0.4,fd00:8::1002\n"
			    "c7,10.8.0.5,fd00:8::1003\n"
			    "client1,10.8.0.6,fd00:8::1004\n");
	log = log_take();
	assert_true(strstr(log, "ipp.txt:2: IPv4 address 10.8.0.99 is outside the pool"));
	assert_true(strstr(log, "ipp.txt:3: malformed line"));
	assert_true(strstr(log, "ipp.txt:4: malformed line"));
	assert_true(strstr(log, "ipp.txt:5: IPv6 address fd00:8::1005 is outside the pool"));
	assert_true(strstr(log, "ipp.txt:6: malformed line"));
	assert_true(strstr(log, "ipp.txt:7: invalid IPv4 address 'notanip'"));
	assert_true(strstr(log, "ipp.txt:9: invalid IPv4 address 'extra'"));
	assert_true(strstr(log, "ipp.txt:13: invalid IPv4 address '10.8.0.3 '"));
	assert_null(strstr(log, "ipp.txt:1:"));
	assert_null(strstr(log, "ipp.txt:10:"));
	assert_null(strstr(log, "ipp.txt:14:"));
	/* the first client1 line lost slot .5 to c7; client1 keeps .6 */
	get(p, "client1", "10.8.0.6", NULL);
	get(p, "c7", "10.8.0.5", NULL);
	pool_free(p);
}

/* 2.6 reads CRLF files, 2.3-style "CN,IP" lines, any address of a net30
 * block (.6 and .9 name blocks .4 and .8), and prefers IPv4 when the two
 * addresses disagree ("have different offsets! Relying on IPv4"). */
static void test_persist_variants(void **state)
{
	struct pool *p = server_pool(POOL_TOPO_NET30, "10.8.0.0", "255.255.255.0", "fd00:8::", 64);

	persist_feed(p, "crlf,10.8.0.9,\r\nclient1,10.8.0.6\nc4,10.8.0.21,fd00:8::1000\n"
		     "v6only,,fd00:8::1007\n", "ipp.txt");
	assert_string_equal(persist_text(p),
			    "client1,10.8.0.4,fd00:8::1000\n"
			    "crlf,10.8.0.8,fd00:8::1001\n"
			    "c4,10.8.0.20,fd00:8::1004\n"
			    "v6only,10.8.0.32,fd00:8::1007\n");
	assert_true(strstr(log_take(), "ipp.txt:3: IPv4 10.8.0.21 and IPv6 fd00:8::1000 are different pool entries"));
	get(p, "crlf", "10.8.0.10", "fd00:8::1001");
	get(p, "new", "10.8.0.14", "fd00:8::1002");
	pool_free(p);

	/* an IPv6-only pool writes an empty IPv4 column and ignores IPv4 */
	p = server_pool(POOL_TOPO_SUBNET, "10.8.0.0", "255.255.255.0", NULL, 0);
	pool_free(p);
	struct pool_config cfg = { .has_v6 = true, .v6_base = v6("fd00:8::2"), .v6_bits = 112 };

	assert_int_equal(pool_init(&p, &cfg), 0);
	persist_feed(p, "x,10.8.0.2,fd00:8::3\n", "ipp.txt");
	assert_string_equal(persist_text(p), "x,,fd00:8::3\n");
	get(p, "client1", NULL, "fd00:8::2");
	assert_string_equal(persist_text(p), "client1,,fd00:8::2\nx,,fd00:8::3\n");
	pool_free(p);
}

/* Names loaded from the file count as released before anything released
 * while running; among themselves the lowest slot goes first. Slots in
 * use are not touched by a (re)load. */
static void test_persist_load_order(void **state)
{
	struct pool *p = server_pool(POOL_TOPO_SUBNET, "10.8.0.0", "255.255.255.248", NULL, 0);
	uint32_t h;

	h = get(p, "run", "10.8.0.2", NULL);
	get(p, "busy", "10.8.0.3", NULL);
	pool_release(p, h);
	persist_feed(p, "f6,10.8.0.6,\nf4,10.8.0.4,\nf5,10.8.0.5,\nthief,10.8.0.3,\n", "ipp.txt");
	assert_string_equal(pool_handle_cn(p, 1), "busy");
	get(p, "n1", "10.8.0.4", NULL);
	get(p, "n2", "10.8.0.5", NULL);
	get(p, "n3", "10.8.0.6", NULL);
	get(p, "n4", "10.8.0.2", NULL);
	assert_true(pool_is_full(p));
	pool_free(p);
}

static int count_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Save replaces the file as a whole, mode 0600 like 2.6's, leaves no
 * temporary behind, and load reads it back; a missing file is empty. */
static void test_persist_save_load(void **state)
{
	char dir[] = "/tmp/test_pool.XXXXXX";
	char path[64], bad[96];
	struct pool *p, *q;
	struct stat st;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ipp.txt", dir);
	p = server_pool(POOL_TOPO_SUBNET, "10.8.0.0", "255.255.255.0", "fd00:8::", 64);
	assert_int_equal(pool_persist_load(p, path), 0);   /* no file yet */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("stale content that must go away\n", f);
	fclose(f);
	chmod(path, 0644);
	get(p, "client1", NULL, NULL);
	get(p, "a,b c", NULL, NULL);
	assert_int_equal(pool_persist_save(p, path), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(count_dir(dir), 1);

	q = server_pool(POOL_TOPO_SUBNET, "10.8.0.0", "255.255.255.0", "fd00:8::", 64);
	assert_int_equal(pool_persist_load(q, path), 0);
	assert_string_equal(persist_text(q),
			    "client1,10.8.0.2,fd00:8::1000\na,b c,10.8.0.3,fd00:8::1001\n");
	get(q, "a,b c", "10.8.0.3", NULL);

	snprintf(bad, sizeof(bad), "%s/missing/ipp.txt", dir);
	assert_int_equal(pool_persist_save(p, bad), -ENOENT);
	assert_int_equal(pool_persist_load(q, dir), -EISDIR);
	pool_free(p);
	pool_free(q);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

/* A control character in a name cannot break the file's lines. */
static void test_persist_control_chars(void **state)
{
	struct pool *p = server_pool(POOL_TOPO_SUBNET, "10.8.0.0", "255.255.255.0", NULL, 0);

	get(p, "evil\nx,10.8.0.9,", NULL, NULL);
	get(p, "ta\tb", NULL, NULL);
	assert_string_equal(persist_text(p), "evil_x,10.8.0.9,,10.8.0.2,\nta_b,10.8.0.3,\n");
	pool_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subnet_first_last_full),
		cmocka_unit_test(test_net30),
		cmocka_unit_test(test_p2p),
		cmocka_unit_test(test_server_sizes_and_errors),
		cmocka_unit_test(test_explicit_ranges),
		cmocka_unit_test(test_large_pool),
		cmocka_unit_test(test_sticky_prefers_unused),
		cmocka_unit_test(test_reuse_oldest_release),
		cmocka_unit_test(test_same_cn_twice),
		cmocka_unit_test(test_duplicate_cn),
		cmocka_unit_test(test_server_ipv6),
		cmocka_unit_test(test_ipv6_pool),
		cmocka_unit_test(test_dual_stack_sizes),
		cmocka_unit_test(test_persist_round_trip),
		cmocka_unit_test(test_persist_malformed),
		cmocka_unit_test(test_persist_variants),
		cmocka_unit_test(test_persist_load_order),
		cmocka_unit_test(test_persist_save_load),
		cmocka_unit_test(test_persist_control_chars),
	};

	return cmocka_run_group_tests(tests, log_setup, log_teardown);
}
