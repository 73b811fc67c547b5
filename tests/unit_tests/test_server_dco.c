/*
 * Server-mode DCO decisions that need no kernel: which clients can be
 * offloaded (and the AUTH_FAILED text for the others), and which kernel
 * route each of a client's routes becomes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "netcfg.h"
#include "options.h"
#include "peer_table.h"
#include "server_dco.h"

/* ---- client check ------------------------------------------------------------ */

struct words {
	struct option_words w[4];
	char *argv[4][1];
};

/* A push (or push-remove) list of up to four items, without the parser. */
static struct option_words *list(struct words *ws, const char *const *items, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		ws->argv[i][0] = (char *)items[i];
		ws->w[i] = (struct option_words){ .argc = 1, .argv = ws->argv[i] };
	}
	return ws->w;
}

static void test_client_ok(void **state)
{
	static const char *const push[] = { "route 10.1.0.0 255.255.0.0", "ping 2",
					    "compress stub-v2" };
	struct options o, c;
	struct words wp;
	char buf[200];

	memset(&o, 0, sizeof(o));
	memset(&c, 0, sizeof(c));
	o.push = list(&wp, push, 3);
	o.n_push = 3;
	assert_null(server_dco_client_check(&o, NULL, true, "AES-256-GCM", buf, sizeof(buf)));
	assert_null(server_dco_client_check(&o, &c, true, "CHACHA20-POLY1305", buf,
					    sizeof(buf)));
	assert_null(server_dco_client_check(&o, &c, true, "aes-128-gcm", buf, sizeof(buf)));
}

static void test_client_no_data_v2(void **state)
{
	struct options o;
	char buf[200];
	const char *why;

	memset(&o, 0, sizeof(o));
	why = server_dco_client_check(&o, NULL, false, "AES-256-GCM", buf, sizeof(buf));
	assert_non_null(why);
	/* the words OpenVPN 2.6 uses, so that 2.6 clients log the same */
	assert_string_equal(why, "Data channel negotiation failed (missing DATA_V2)");
}

static void test_client_cipher(void **state)
{
	struct options o;
	char buf[200];
	const char *why;

	memset(&o, 0, sizeof(o));
	why = server_dco_client_check(&o, NULL, true, "AES-256-CBC", buf, sizeof(buf));
	assert_non_null(why);
	assert_non_null(strstr(why, "cipher 'AES-256-CBC'"));
	assert_non_null(server_dco_client_check(&o, NULL, true, NULL, buf, sizeof(buf)));
}

static void test_client_pushed_compression(void **state)
{
	static const char *const srv_push[] = { "route 10.1.0.0 255.255.0.0", "comp-lzo no" };
	static const char *const ccd_push[] = { "compress lz4" };
	static const char *const frag[] = { "fragment 1300" };
	static const char *const rm[] = { "comp-lzo" };
	struct options o, c;
	struct words w1, w2, w3;
	char buf[200];
	const char *why;

	memset(&o, 0, sizeof(o));
	memset(&c, 0, sizeof(c));
	o.push = list(&w1, srv_push, 2);
	o.n_push = 2;
	why = server_dco_client_check(&o, &c, true, "AES-256-GCM", buf, sizeof(buf));
	assert_non_null(why);
	assert_non_null(strstr(why, "'comp-lzo no'"));
	/* the ccd forgets the server's list ... */
	c.push_reset = true;
	assert_null(server_dco_client_check(&o, &c, true, "AES-256-GCM", buf, sizeof(buf)));
	/* ... or removes just that item */
	c.push_reset = false;
	c.push_remove = list(&w2, rm, 1);
	c.n_push_remove = 1;
	assert_null(server_dco_client_check(&o, &c, true, "AES-256-GCM", buf, sizeof(buf)));
	/* its own push lines count too */
	c.push = list(&w3, ccd_push, 1);
	c.n_push = 1;
	why = server_dco_client_check(&o, &c, true, "AES-256-GCM", buf, sizeof(buf));
	assert_non_null(why);
	assert_non_null(strstr(why, "'compress lz4'"));
	c.push = list(&w3, frag, 1);
	why = server_dco_client_check(&o, &c, true, "AES-256-GCM", buf, sizeof(buf));
	assert_non_null(why);
	assert_non_null(strstr(why, "'fragment 1300'"));
}

/* A word that merely starts like a blocked option is fine. */
static void test_client_word_boundary(void **state)
{
	static const char *const push[] = { "compression-note x", "fragmented y" };
	struct options o;
	struct words w;
	char buf[200];

	memset(&o, 0, sizeof(o));
	o.push = list(&w, push, 2);
	o.n_push = 2;
	assert_null(server_dco_client_check(&o, NULL, true, "AES-256-GCM", buf, sizeof(buf)));
}

/* A short buffer truncates the text but never overflows. */
static void test_client_short_buffer(void **state)
{
	struct options o;
	char buf[8];
	const char *why;

	memset(&o, 0, sizeof(o));
	why = server_dco_client_check(&o, NULL, true, "BF-CBC", buf, sizeof(buf));
	assert_non_null(why);
	assert_int_equal(strlen(why), sizeof(buf) - 1);
}

/* ---- kernel routes -------------------------------------------------------------- */

static void prefix(struct vprefix *k, int family, const char *addr, unsigned bits)
{
	uint8_t a[16];

	assert_int_equal(inet_pton(family, addr, a), 1);
	assert_int_equal(vprefix_make(k, family, a, bits), 0);
}

static void test_route_iroute_v4(void **state)
{
	struct in_addr v4;
	struct netcfg_route4 r4;
	struct netcfg_route6 r6;
	struct vprefix k;
	char s[INET_ADDRSTRLEN];

	inet_pton(AF_INET, "10.8.0.2", &v4);
	prefix(&k, AF_INET, "192.168.77.0", 24);
	assert_int_equal(server_dco_route_for(&k, 7, &v4, NULL, &r4, &r6), AF_INET);
	assert_string_equal(inet_ntop(AF_INET, &r4.dst, s, sizeof(s)), "192.168.77.0");
	assert_int_equal(r4.prefixlen, 24);
	assert_true(r4.has_gw);
	assert_string_equal(inet_ntop(AF_INET, &r4.gw, s, sizeof(s)), "10.8.0.2");
	assert_int_equal(r4.ifindex, 7);
	assert_int_equal(r4.metric, SERVER_DCO_IROUTE_METRIC);
	assert_int_equal(r4.table, 0);
	/* a /32 iroute that is not the client's own address is a route too */
	prefix(&k, AF_INET, "192.168.78.5", 32);
	assert_int_equal(server_dco_route_for(&k, 7, &v4, NULL, &r4, &r6), AF_INET);
}

static void test_route_own_address(void **state)
{
	struct in_addr v4;
	struct in6_addr v6;
	struct netcfg_route4 r4;
	struct netcfg_route6 r6;
	struct vprefix k;

	inet_pton(AF_INET, "10.8.0.2", &v4);
	inet_pton(AF_INET6, "fd00:8::1000", &v6);
	prefix(&k, AF_INET, "10.8.0.2", 32);
	assert_int_equal(server_dco_route_for(&k, 7, &v4, &v6, &r4, &r6), 0);
	prefix(&k, AF_INET6, "fd00:8::1000", 128);
	assert_int_equal(server_dco_route_for(&k, 7, &v4, &v6, &r4, &r6), 0);
}

static void test_route_iroute_v6(void **state)
{
	struct in6_addr v6;
	struct netcfg_route4 r4;
	struct netcfg_route6 r6;
	struct vprefix k;
	char s[INET6_ADDRSTRLEN];

	inet_pton(AF_INET6, "fd00:8::1000", &v6);
	prefix(&k, AF_INET6, "fd77::", 64);
	assert_int_equal(server_dco_route_for(&k, 3, NULL, &v6, &r4, &r6), AF_INET6);
	assert_string_equal(inet_ntop(AF_INET6, &r6.dst, s, sizeof(s)), "fd77::");
	assert_int_equal(r6.prefixlen, 64);
	assert_true(r6.has_gw);
	assert_string_equal(inet_ntop(AF_INET6, &r6.gw, s, sizeof(s)), "fd00:8::1000");
	assert_int_equal(r6.ifindex, 3);
	assert_int_equal(r6.metric, SERVER_DCO_IROUTE_METRIC);
}

/* The module finds the client by the next hop: without a VPN address of
 * the route's family there is nothing to route through. */
static void test_route_no_address_of_family(void **state)
{
	struct in_addr v4;
	struct in6_addr v6;
	struct netcfg_route4 r4;
	struct netcfg_route6 r6;
	struct vprefix k;

	inet_pton(AF_INET, "10.8.0.2", &v4);
	inet_pton(AF_INET6, "fd00:8::1000", &v6);
	prefix(&k, AF_INET6, "fd77::", 64);
	assert_int_equal(server_dco_route_for(&k, 3, &v4, NULL, &r4, &r6), -ENETUNREACH);
	prefix(&k, AF_INET, "192.168.77.0", 24);
	assert_int_equal(server_dco_route_for(&k, 3, NULL, &v6, &r4, &r6), -ENETUNREACH);
	k.family = 99;
	assert_int_equal(server_dco_route_for(&k, 3, &v4, &v6, &r4, &r6), -EINVAL);
}

static void test_prefix_overlap(void **state)
{
	struct vprefix a, b;

	prefix(&a, AF_INET, "192.168.0.0", 16);
	prefix(&b, AF_INET, "192.168.77.0", 24);
	assert_true(server_dco_prefix_overlap(&a, &b));
	assert_true(server_dco_prefix_overlap(&b, &a));
	prefix(&b, AF_INET, "192.169.0.0", 24);
	assert_false(server_dco_prefix_overlap(&a, &b));
	/* a bit inside the partial byte decides */
	prefix(&a, AF_INET, "10.0.0.0", 9);
	prefix(&b, AF_INET, "10.127.0.0", 16);
	assert_true(server_dco_prefix_overlap(&a, &b));
	prefix(&b, AF_INET, "10.128.0.0", 16);
	assert_false(server_dco_prefix_overlap(&a, &b));
	/* equal prefixes overlap; /0 overlaps everything of its family */
	assert_true(server_dco_prefix_overlap(&b, &b));
	prefix(&a, AF_INET, "0.0.0.0", 0);
	assert_true(server_dco_prefix_overlap(&a, &b));
	/* never across families */
	prefix(&a, AF_INET6, "::", 0);
	assert_false(server_dco_prefix_overlap(&a, &b));
	prefix(&a, AF_INET6, "fd00:8::", 64);
	prefix(&b, AF_INET6, "fd00:8::1000", 128);
	assert_true(server_dco_prefix_overlap(&a, &b));
	prefix(&b, AF_INET6, "fd00:9::1000", 128);
	assert_false(server_dco_prefix_overlap(&a, &b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_client_ok),
		cmocka_unit_test(test_client_no_data_v2),
		cmocka_unit_test(test_client_cipher),
		cmocka_unit_test(test_client_pushed_compression),
		cmocka_unit_test(test_client_word_boundary),
		cmocka_unit_test(test_client_short_buffer),
		cmocka_unit_test(test_route_iroute_v4),
		cmocka_unit_test(test_route_own_address),
		cmocka_unit_test(test_route_iroute_v6),
		cmocka_unit_test(test_route_no_address_of_family),
		cmocka_unit_test(test_prefix_overlap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
