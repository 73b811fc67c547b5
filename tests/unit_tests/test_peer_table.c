/*
 * Server peer tables: peer-ids, transport addresses (v4, v6, v4-mapped),
 * and the longest-prefix lookup that routes tun packets to clients by host
 * address or iroute.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "peer_table.h"

static int owner_a, owner_b, owner_c;

static void v4(uint8_t out[4], const char *s)
{
	assert_int_equal(inet_pton(AF_INET, s, out), 1);
}

static void v6(uint8_t out[16], const char *s)
{
	assert_int_equal(inet_pton(AF_INET6, s, out), 1);
}

static void route(struct ptab_route *r, int family, const char *addr, unsigned bits, void *owner)
{
	uint8_t a[16];

	memset(r, 0, sizeof(*r));
	if (family == AF_INET)
		v4(a, addr);
	else
		v6(a, addr);
	assert_int_equal(vprefix_make(&r->key, family, a, bits), 0);
	r->owner = owner;
}

static void *lookup4(struct peer_table *t, const char *s)
{
	uint8_t a[4];

	v4(a, s);
	return ptab_route_lookup(t, AF_INET, a);
}

static void *lookup6(struct peer_table *t, const char *s)
{
	uint8_t a[16];

	v6(a, s);
	return ptab_route_lookup(t, AF_INET6, a);
}

static void test_ids(void **state)
{
	struct peer_table t;
	uint32_t id, ids[4];
	int i;

	(void)state;
	assert_int_equal(ptab_init(&t, 4), 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(ptab_id_alloc(&t, &owner_a, &ids[i]), 0);
		assert_int_equal(ids[i], (uint32_t)i);   /* lowest first */
	}
	assert_int_equal(ptab_id_alloc(&t, &owner_a, &id), -ENOSPC);
	ptab_id_release(&t, 2);
	assert_null(ptab_by_id(&t, 2));
	ptab_id_release(&t, 2);                      /* twice: ignored */
	ptab_id_release(&t, 99);                     /* unknown: ignored */
	assert_int_equal(ptab_id_alloc(&t, &owner_b, &id), 0);
	assert_int_equal(id, 2);
	assert_ptr_equal(ptab_by_id(&t, 2), &owner_b);
	assert_null(ptab_by_id(&t, 4));              /* out of range */
	assert_null(ptab_by_id(&t, 0xffffff));
	assert_int_equal(ptab_id_alloc(&t, &owner_a, &id), -ENOSPC);
	ptab_free(&t);
}

static void test_addresses(void **state)
{
	struct peer_table t;
	struct ptab_addr a = { .owner = &owner_a }, b = { .owner = &owner_b };
	struct sockaddr_any q, mapped;
	struct in_addr ip;
	struct in6_addr ip6;

	(void)state;
	assert_int_equal(ptab_init(&t, 16), 0);
	inet_pton(AF_INET, "192.0.2.1", &ip);
	addr_from_ipv4(&a.addr, ip, 1194);
	inet_pton(AF_INET6, "2001:db8::1", &ip6);
	addr_from_ipv6(&b.addr, &ip6, 1194);
	ptab_addr_add(&t, &a);
	ptab_addr_add(&t, &a);                       /* twice: once */
	ptab_addr_add(&t, &b);
	assert_int_equal(t.n_addr, 2);
	assert_ptr_equal(ptab_by_addr(&t, &a.addr), &owner_a);
	assert_ptr_equal(ptab_by_addr(&t, &b.addr), &owner_b);
	/* the same host on another port is someone else */
	addr_from_ipv4(&q, ip, 1195);
	assert_null(ptab_by_addr(&t, &q));
	/* a v4-mapped spelling finds the IPv4 entry */
	assert_int_equal(addr_map_v4(&mapped, &a.addr), 0);
	assert_ptr_equal(ptab_by_addr(&t, &mapped), &owner_a);
	ptab_addr_del(&t, &a);
	ptab_addr_del(&t, &a);
	assert_null(ptab_by_addr(&t, &a.addr));
	assert_int_equal(t.n_addr, 1);
	ptab_free(&t);
}

static void test_routes(void **state)
{
	struct peer_table t;
	struct ptab_route host_a, host_b, iroute_b, wide_c, host6_a, net6_c, dup;

	(void)state;
	assert_int_equal(ptab_init(&t, 8), 0);
	route(&host_a, AF_INET, "10.8.0.2", 32, &owner_a);
	route(&host_b, AF_INET, "10.8.0.3", 32, &owner_b);
	route(&iroute_b, AF_INET, "192.168.7.99", 24, &owner_b);   /* host bits cleared */
	route(&wide_c, AF_INET, "192.168.0.0", 16, &owner_c);
	route(&host6_a, AF_INET6, "fd00::1000", 128, &owner_a);
	route(&net6_c, AF_INET6, "fd00:99::", 48, &owner_c);
	assert_int_equal(ptab_route_add(&t, &host_a), 0);
	assert_int_equal(ptab_route_add(&t, &host_b), 0);
	assert_int_equal(ptab_route_add(&t, &iroute_b), 0);
	assert_int_equal(ptab_route_add(&t, &wide_c), 0);
	assert_int_equal(ptab_route_add(&t, &host6_a), 0);
	assert_int_equal(ptab_route_add(&t, &net6_c), 0);
	/* exact duplicate refused; the caller decides who keeps it */
	route(&dup, AF_INET, "192.168.7.0", 24, &owner_a);
	assert_int_equal(ptab_route_add(&t, &dup), -EEXIST);

	assert_ptr_equal(lookup4(&t, "10.8.0.2"), &owner_a);
	assert_ptr_equal(lookup4(&t, "10.8.0.3"), &owner_b);
	assert_null(lookup4(&t, "10.8.0.4"));
	/* longest prefix wins: the /24 iroute inside the /16 */
	assert_ptr_equal(lookup4(&t, "192.168.7.1"), &owner_b);
	assert_ptr_equal(lookup4(&t, "192.168.8.1"), &owner_c);
	assert_null(lookup4(&t, "192.169.0.1"));
	assert_ptr_equal(lookup6(&t, "fd00::1000"), &owner_a);
	assert_null(lookup6(&t, "fd00::1001"));
	assert_ptr_equal(lookup6(&t, "fd00:99:0:5::1"), &owner_c);
	/* families never mix */
	assert_null(ptab_route_lookup(&t, AF_UNIX, (const uint8_t *)"xxxx"));

	ptab_route_del(&t, &iroute_b);
	ptab_route_del(&t, &iroute_b);                 /* twice: ignored */
	assert_ptr_equal(lookup4(&t, "192.168.7.1"), &owner_c);
	assert_int_equal(ptab_route_add(&t, &dup), 0);   /* free again */
	assert_ptr_equal(lookup4(&t, "192.168.7.1"), &owner_a);
	assert_int_equal(t.n_routes, 6);
	ptab_free(&t);
}

static void test_prefixes(void **state)
{
	struct vprefix p;
	uint8_t a[16];
	char s[64];

	(void)state;
	v4(a, "10.1.2.255");
	assert_int_equal(vprefix_make(&p, AF_INET, a, 20), 0);
	assert_string_equal(vprefix_to_str(&p, s, sizeof(s)), "10.1.0.0/20");
	assert_int_equal(vprefix_make(&p, AF_INET, a, 0), 0);
	assert_string_equal(vprefix_to_str(&p, s, sizeof(s)), "0.0.0.0/0");
	assert_int_equal(vprefix_make(&p, AF_INET, a, 33), -EINVAL);
	v6(a, "fd00:1:2:3:4:5:6:7");
	assert_int_equal(vprefix_make(&p, AF_INET6, a, 62), 0);
	assert_string_equal(vprefix_to_str(&p, s, sizeof(s)), "fd00:1:2::/62");
	assert_int_equal(vprefix_make(&p, AF_INET6, a, 129), -EINVAL);
	assert_int_equal(vprefix_make(&p, AF_UNIX, a, 1), -EINVAL);
}

/* Many peers: every one still found (chains stay correct under load). */
static void test_many(void **state)
{
	static struct ptab_route r[3000];
	static struct ptab_addr ad[3000];
	struct peer_table t;
	uint8_t a[4];
	int i;

	(void)state;
	assert_int_equal(ptab_init(&t, 3000), 0);
	for (i = 0; i < 3000; i++) {
		struct in_addr ip = { .s_addr = htonl(0x0a000000u + (uint32_t)i) };

		memcpy(a, &ip, 4);
		vprefix_make(&r[i].key, AF_INET, a, 32);
		r[i].owner = &r[i];
		assert_int_equal(ptab_route_add(&t, &r[i]), 0);
		addr_from_ipv4(&ad[i].addr, ip, (uint16_t)(1000 + i));
		ad[i].owner = &ad[i];
		ptab_addr_add(&t, &ad[i]);
	}
	for (i = 0; i < 3000; i++) {
		memcpy(a, r[i].key.addr, 4);
		assert_ptr_equal(ptab_route_lookup(&t, AF_INET, a), &r[i]);
		assert_ptr_equal(ptab_by_addr(&t, &ad[i].addr), &ad[i]);
	}
	ptab_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
