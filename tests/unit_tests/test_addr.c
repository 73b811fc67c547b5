/* Unit tests for addr.c: parsers, printing, comparison, resolution. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "addr.h"
#include "compat.h"

static struct sockaddr_any v4(const char *ip, uint16_t port)
{
	struct sockaddr_any a;
	struct in_addr in;

	assert_int_equal(addr_parse_ipv4(ip, &in), 0);
	addr_from_ipv4(&a, in, port);
	return a;
}

static struct sockaddr_any v6(const char *ip, uint16_t port)
{
	struct sockaddr_any a;
	struct in6_addr in6;

	assert_int_equal(addr_parse_ipv6(ip, &in6), 0);
	addr_from_ipv6(&a, &in6, port);
	return a;
}

/* ---- parsers ---- */

static void test_parse_ipv4_good(void **state)
{
	struct in_addr a;

	assert_int_equal(addr_parse_ipv4("10.0.0.1", &a), 0);
	assert_int_equal(ntohl(a.s_addr), 0x0a000001);
	assert_int_equal(addr_parse_ipv4("0.0.0.0", &a), 0);
	assert_int_equal(a.s_addr, 0);
	assert_int_equal(addr_parse_ipv4("255.255.255.255", &a), 0);
	assert_int_equal(a.s_addr, 0xffffffff);
	assert_int_equal(addr_parse_ipv4("192.168.100.200", &a), 0);
	assert_int_equal(ntohl(a.s_addr), 0xc0a864c8);
}

static void test_parse_ipv4_bad(void **state)
{
	static const char *const bad[] = {
		"", "1", "1.2", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.256",
		"1.2.3.4x", "x1.2.3.4", " 1.2.3.4", "1.2.3.4 ", "1.2.3.4\n",
		"1..2.3", "1.2.3.", ".1.2.3", "a.b.c.d", "-1.2.3.4", "+1.2.3.4",
		"0x1.2.3.4", "01.2.3.4", "1.2.3.04", "1.2.3.4/24", "::1",
		"1000.1.1.1", "1.2.3.99999999999",
	};
	struct in_addr a = { .s_addr = 0x12345678 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (addr_parse_ipv4(bad[i], &a) != -EINVAL)
			fail_msg("accepted bad IPv4 '%s'", bad[i]);
	}
	assert_int_equal(addr_parse_ipv4(NULL, &a), -EINVAL);
	/* A failed parse leaves the output alone. */
	assert_int_equal(a.s_addr, 0x12345678);
}

static void test_parse_ipv6(void **state)
{
	static const char *const bad[] = {
		"", ":", ":::", "2001:db8:::1", "12345::", "gggg::", " ::1", "::1 ",
		"fe80::1%eth0", "2001:db8::1/64", "1:2:3:4:5:6:7:8:9", "1.2.3.4",
		"::ffff:1.2.3", "2001:db8::1::2",
	};
	struct in6_addr a;
	size_t i;

	assert_int_equal(addr_parse_ipv6("::", &a), 0);
	assert_true(IN6_IS_ADDR_UNSPECIFIED(&a));
	assert_int_equal(addr_parse_ipv6("::1", &a), 0);
	assert_true(IN6_IS_ADDR_LOOPBACK(&a));
	assert_int_equal(addr_parse_ipv6("2001:db8::1", &a), 0);
	assert_int_equal(a.s6_addr[0], 0x20);
	assert_int_equal(a.s6_addr[1], 0x01);
	assert_int_equal(a.s6_addr[15], 0x01);
	assert_int_equal(addr_parse_ipv6("::ffff:1.2.3.4", &a), 0);
	assert_true(IN6_IS_ADDR_V4MAPPED(&a));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (addr_parse_ipv6(bad[i], &a) != -EINVAL)
			fail_msg("accepted bad IPv6 '%s'", bad[i]);
	}
	assert_int_equal(addr_parse_ipv6(NULL, &a), -EINVAL);
}

static void test_parse_ipv6_prefix(void **state)
{
	static const char *const bad[] = {
		"", "/64", "2001:db8::1/", "2001:db8::1/129", "2001:db8::1/-1",
		"2001:db8::1/+64", "2001:db8::1/064", "2001:db8::1/6 4",
		"2001:db8::1/64x", "2001:db8::1/ 64", "2001:db8::1 /64",
		"1.2.3.4/24", "2001:db8::1/64/64", "2001:db8::1/1000",
		"zz::/64", "2001:db8::1/0x10",
		"2001:0db8:0000:0000:0000:0000:0000:00001/64",
		"2001:0db8:0000:0000:0000:0000:0000:0001:2001:0db8:0000:0000/64",
	};
	struct in6_addr a;
	unsigned bits = 7;
	size_t i;

	assert_int_equal(addr_parse_ipv6_prefix("2001:db8::1/64", &a, &bits), 0);
	assert_int_equal(bits, 64);
	assert_int_equal(a.s6_addr[15], 1);
	assert_int_equal(addr_parse_ipv6_prefix("2001:db8::1", &a, &bits), 0);
	assert_int_equal(bits, 128);
	assert_int_equal(addr_parse_ipv6_prefix("::/0", &a, &bits), 0);
	assert_int_equal(bits, 0);
	assert_true(IN6_IS_ADDR_UNSPECIFIED(&a));
	assert_int_equal(addr_parse_ipv6_prefix("::1/128", &a, &bits), 0);
	assert_int_equal(bits, 128);
	assert_int_equal(addr_parse_ipv6_prefix("fd00::/8", &a, &bits), 0);
	assert_int_equal(bits, 8);

	bits = 7;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (addr_parse_ipv6_prefix(bad[i], &a, &bits) != -EINVAL)
			fail_msg("accepted bad IPv6 prefix '%s'", bad[i]);
	}
	assert_int_equal(addr_parse_ipv6_prefix(NULL, &a, &bits), -EINVAL);
	assert_int_equal(bits, 7);
}

static void test_netmask(void **state)
{
	static const char *const bad[] = {
		"255.0.255.0", "0.255.255.255", "255.255.255.253", "128.0.0.1",
		"255.255.0.255", "254.255.255.255", "0.0.0.1",
	};
	struct in_addr m;
	unsigned bits, b;
	size_t i;

	for (b = 0; b <= 32; b++) {
		m = addr_prefix_to_netmask(b);
		assert_int_equal(addr_netmask_to_prefix(m, &bits), 0);
		assert_int_equal(bits, b);
	}
	assert_int_equal(addr_prefix_to_netmask(0).s_addr, 0);
	assert_int_equal(ntohl(addr_prefix_to_netmask(24).s_addr), 0xffffff00);
	assert_int_equal(ntohl(addr_prefix_to_netmask(30).s_addr), 0xfffffffc);
	assert_int_equal(addr_prefix_to_netmask(32).s_addr, 0xffffffff);
	assert_int_equal(addr_prefix_to_netmask(33).s_addr, 0xffffffff);

	assert_int_equal(addr_parse_ipv4("255.255.255.0", &m), 0);
	assert_int_equal(addr_netmask_to_prefix(m, &bits), 0);
	assert_int_equal(bits, 24);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(addr_parse_ipv4(bad[i], &m), 0);
		bits = 99;
		if (addr_netmask_to_prefix(m, &bits) != -EINVAL)
			fail_msg("accepted non-contiguous mask %s", bad[i]);
		assert_int_equal(bits, 99);
	}
}

static void test_parse_port(void **state)
{
	static const char *const bad[] = {
		"", "0", "65536", "99999", "100000", "-1", "+1", "1a", "a", " 1",
		"1 ", "0x10", "1194.0",
	};
	uint16_t p = 0;
	size_t i;

	assert_int_equal(addr_parse_port("1", &p), 0);
	assert_int_equal(p, 1);
	assert_int_equal(addr_parse_port("1194", &p), 0);
	assert_int_equal(p, 1194);
	assert_int_equal(addr_parse_port("65535", &p), 0);
	assert_int_equal(p, 65535);
	assert_int_equal(addr_parse_port("01194", &p), 0);
	assert_int_equal(p, 1194);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (addr_parse_port(bad[i], &p) != -EINVAL)
			fail_msg("accepted bad port '%s'", bad[i]);
	}
	assert_int_equal(addr_parse_port(NULL, &p), -EINVAL);
}

/* ---- printing ---- */

static void test_to_str(void **state)
{
	struct sockaddr_any a;
	char s[ADDR_STRLEN];
	char tiny[8];

	a = v4("10.0.0.1", 1194);
	assert_string_equal(addr_to_str(&a, s, sizeof(s)), "[AF_INET]10.0.0.1:1194");
	assert_string_equal(addr_host_to_str(&a, s, sizeof(s)), "10.0.0.1");
	a = v6("2001:db8::1", 1194);
	assert_string_equal(addr_to_str(&a, s, sizeof(s)), "[AF_INET6]2001:db8::1:1194");
	a = v6("::ffff:1.2.3.4", 1194);
	assert_string_equal(addr_to_str(&a, s, sizeof(s)), "[AF_INET6]::ffff:1.2.3.4:1194");
	addr_unmap(&a);
	assert_string_equal(addr_to_str(&a, s, sizeof(s)), "[AF_INET]1.2.3.4:1194");
	a = v6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65535);
	assert_string_equal(addr_to_str(&a, s, sizeof(s)),
			    "[AF_INET6]ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff:65535");
	memset(&a, 0, sizeof(a));
	assert_string_equal(addr_to_str(&a, s, sizeof(s)), "[undef]");
	/* Short buffers truncate, never overrun. */
	a = v4("10.0.0.1", 1194);
	assert_string_equal(addr_to_str(&a, tiny, sizeof(tiny)), "[AF_INE");
}

/* ---- comparison and helpers ---- */

static void test_equal(void **state)
{
	struct sockaddr_any a = v4("1.2.3.4", 1194);
	struct sockaddr_any b = v4("1.2.3.4", 1194);
	struct sockaddr_any m = v6("::ffff:1.2.3.4", 1194);
	struct sockaddr_any x = v6("2001:db8::1", 1194);
	struct sockaddr_any y = v6("2001:db8::1", 1194);
	struct sockaddr_any unset;

	memset(&unset, 0, sizeof(unset));
	assert_true(addr_equal(&a, &b));
	assert_true(addr_equal(&a, &m));
	assert_true(addr_equal(&m, &a));
	assert_true(addr_equal(&x, &y));
	assert_false(addr_equal(&a, &x));
	assert_false(addr_equal(&a, &unset));
	assert_false(addr_equal(&unset, &unset));

	b = v4("1.2.3.5", 1194);
	assert_false(addr_equal(&a, &b));
	assert_false(addr_equal_host(&a, &b));
	b = v4("1.2.3.4", 1195);
	assert_false(addr_equal(&a, &b));
	assert_true(addr_equal_host(&a, &b));
	addr_set_port(&m, 1);
	assert_false(addr_equal(&a, &m));
	assert_true(addr_equal_host(&a, &m));
	/* ::1.2.3.4 (v4-compatible) is not v4-mapped and not equal. */
	m = v6("::1.2.3.4", 1194);
	assert_false(addr_equal(&a, &m));

	/* Scope ids differ only when both are set. */
	x = v6("fe80::1", 1194);
	y = v6("fe80::1", 1194);
	y.in6.sin6_scope_id = 2;
	assert_true(addr_equal(&x, &y));
	x.in6.sin6_scope_id = 3;
	assert_false(addr_equal(&x, &y));
}

static void test_helpers(void **state)
{
	struct sockaddr_any a = v4("1.2.3.4", 1194), m;
	char s[ADDR_STRLEN];

	assert_int_equal(addr_port(&a), 1194);
	addr_set_port(&a, 443);
	assert_int_equal(addr_port(&a), 443);
	assert_int_equal(ntohs(a.in4.sin_port), 443);
	assert_int_equal(addr_family(&a), AF_INET);

	assert_int_equal(addr_map_v4(&m, &a), 0);
	assert_int_equal(addr_family(&m), AF_INET6);
	assert_int_equal(m.len, sizeof(struct sockaddr_in6));
	assert_true(addr_is_v4mapped(&m));
	assert_string_equal(addr_to_str(&m, s, sizeof(s)), "[AF_INET6]::ffff:1.2.3.4:443");
	assert_int_equal(addr_map_v4(&a, &m), -EINVAL);
	addr_unmap(&m);
	assert_int_equal(addr_family(&m), AF_INET);
	assert_int_equal(m.len, sizeof(struct sockaddr_in));
	assert_true(addr_equal(&a, &m));

	assert_int_equal(addr_wildcard(&a, AF_INET, 1194), 0);
	assert_true(addr_is_wildcard(&a));
	assert_string_equal(addr_to_str(&a, s, sizeof(s)), "[AF_INET]0.0.0.0:1194");
	assert_int_equal(addr_wildcard(&a, AF_INET6, 1), 0);
	assert_true(addr_is_wildcard(&a));
	assert_string_equal(addr_to_str(&a, s, sizeof(s)), "[AF_INET6]:::1");
	assert_int_equal(addr_wildcard(&a, AF_UNIX, 1), -EAFNOSUPPORT);
	a = v4("0.0.0.1", 1);
	assert_false(addr_is_wildcard(&a));
}

/* ---- resolution (numeric only: unit tests must not need DNS) ---- */

static void test_resolve_numeric(void **state)
{
	struct sockaddr_any out[4];
	char s[ADDR_STRLEN];
	int n;

	n = addr_resolve("127.0.0.1", "1194", AF_UNSPEC, SOCK_DGRAM, false, out, 4);
	assert_int_equal(n, 1);
	assert_string_equal(addr_to_str(&out[0], s, sizeof(s)), "[AF_INET]127.0.0.1:1194");
	assert_int_equal(out[0].len, sizeof(struct sockaddr_in));

	n = addr_resolve("2001:db8::5", "65535", AF_INET6, SOCK_STREAM, false, out, 4);
	assert_int_equal(n, 1);
	assert_string_equal(addr_to_str(&out[0], s, sizeof(s)), "[AF_INET6]2001:db8::5:65535");

	/* Passive, no host: the wildcard of the family asked for. */
	n = addr_resolve(NULL, "1194", AF_INET, SOCK_DGRAM, true, out, 4);
	assert_int_equal(n, 1);
	assert_string_equal(addr_to_str(&out[0], s, sizeof(s)), "[AF_INET]0.0.0.0:1194");
	n = addr_resolve(NULL, "1194", AF_INET6, SOCK_DGRAM, true, out, 4);
	assert_int_equal(n, 1);
	assert_string_equal(addr_to_str(&out[0], s, sizeof(s)), "[AF_INET6]:::1194");

	/* No port: port 0; socktype 0 does not list an address twice. */
	n = addr_resolve("10.1.2.3", NULL, AF_INET, 0, false, out, 4);
	assert_int_equal(n, 1);
	assert_int_equal(addr_port(&out[0]), 0);

	/* max bounds the output. */
	n = addr_resolve(NULL, "1", AF_UNSPEC, SOCK_DGRAM, true, out, 1);
	assert_int_equal(n, 1);
}

static void test_resolve_bad(void **state)
{
	static const char *const bad_ports[] = {
		"0", "65536", "abc", "", "12a", "-1", "+1", "1194 ", "openvpn",
	};
	struct sockaddr_any out[2];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_ports); i++) {
		if (addr_resolve("127.0.0.1", bad_ports[i], AF_UNSPEC, SOCK_DGRAM,
				 false, out, 2) != -EINVAL)
			fail_msg("accepted bad port '%s'", bad_ports[i]);
	}
	/* A numeric address of the other family cannot satisfy the request. */
	assert_true(addr_resolve("127.0.0.1", "1194", AF_INET6, SOCK_DGRAM,
				 false, out, 2) < 0);
	assert_true(addr_resolve("::1", "1194", AF_INET, SOCK_DGRAM,
				 false, out, 2) < 0);
	assert_int_equal(addr_resolve("::1", "1194", AF_UNIX, SOCK_DGRAM,
				      false, out, 2), -EAFNOSUPPORT);
	assert_int_equal(addr_resolve("::1", "1194", AF_UNSPEC, SOCK_DGRAM,
				      false, out, 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ipv4_good),
		cmocka_unit_test(test_parse_ipv4_bad),
		cmocka_unit_test(test_parse_ipv6),
		cmocka_unit_test(test_parse_ipv6_prefix),
		cmocka_unit_test(test_netmask),
		cmocka_unit_test(test_parse_port),
		cmocka_unit_test(test_to_str),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_helpers),
		cmocka_unit_test(test_resolve_numeric),
		cmocka_unit_test(test_resolve_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
