/* The pure side of route.c: --ifconfig, --route and --route-ipv6 parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "route.h"

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

#define assert_v4(a, s) assert_int_equal((a).s_addr, v4(s).s_addr)
#define assert_v6(a, s) do { \
	struct in6_addr want_ = v6(s); \
	assert_memory_equal(&(a), &want_, sizeof(want_)); \
} while (0)

/* Defaults as a p2p config "--ifconfig 10.8.0.1 10.8.0.2" gives them. */
static struct route_defaults p2p_defaults(void)
{
	struct route_defaults d = { .has_gw = true, .gw = v4("10.8.0.2") };

	return d;
}

static int parse4(const char *net, const char *mask, const char *gw, int metric,
		  const struct route_defaults *d, struct netcfg_route4 *out)
{
	struct route_entry e = {
		.network = (char *)net, .netmask = (char *)mask,
		.gateway = (char *)gw, .metric = metric,
	};

	return route_parse_v4(&e, d, out);
}

static int parse6(const char *net, const char *gw, int metric,
		  const struct route_defaults *d, struct netcfg_route6 *out)
{
	struct route_ipv6_entry e = {
		.network = (char *)net, .gateway = (char *)gw, .metric = metric,
	};

	return route_parse_v6(&e, d, out);
}

/* ---- --route ------------------------------------------------------------- */

static void test_v4_full_line(void **state)
{
	struct route_defaults d = p2p_defaults();
	struct netcfg_route4 r;

	assert_int_equal(parse4("192.168.10.0", "255.255.255.0", "10.8.0.9", 7, &d, &r), 0);
	assert_v4(r.dst, "192.168.10.0");
	assert_int_equal(r.prefixlen, 24);
	assert_true(r.has_gw);
	assert_v4(r.gw, "10.8.0.9");
	assert_int_equal(r.metric, 7);
	assert_int_equal(r.ifindex, 0);
	assert_int_equal(r.table, 0);
}

static void test_v4_defaults(void **state)
{
	struct route_defaults d = p2p_defaults();
	struct netcfg_route4 r;

	d.metric = 9;
	/* no netmask: a host route; no gateway: the peer; no metric: --route-metric */
	assert_int_equal(parse4("10.3.0.7", NULL, NULL, -1, &d, &r), 0);
	assert_int_equal(r.prefixlen, 32);
	assert_true(r.has_gw);
	assert_v4(r.gw, "10.8.0.2");
	assert_int_equal(r.metric, 9);
	/* "default" in the netmask and gateway positions */
	assert_int_equal(parse4("10.3.0.0", "default", "default", 0, &d, &r), 0);
	assert_int_equal(r.prefixlen, 32);
	assert_v4(r.gw, "10.8.0.2");
	assert_int_equal(r.metric, 0);
	/* the whole IPv4 space */
	assert_int_equal(parse4("0.0.0.0", "0.0.0.0", NULL, -1, &d, &r), 0);
	assert_int_equal(r.prefixlen, 0);
	assert_int_equal(parse4("10.1.0.0", "255.255.0.0", NULL, -1, &d, &r), 0);
	assert_int_equal(r.prefixlen, 16);
	assert_int_equal(parse4("10.1.2.128", "255.255.255.128", NULL, -1, &d, &r), 0);
	assert_int_equal(r.prefixlen, 25);
}

static void test_v4_vpn_gateway(void **state)
{
	struct route_defaults d = p2p_defaults();
	struct netcfg_route4 r;

	assert_int_equal(parse4("vpn_gateway", NULL, NULL, -1, &d, &r), 0);
	assert_v4(r.dst, "10.8.0.2");
	assert_int_equal(r.prefixlen, 32);
	assert_int_equal(parse4("10.5.0.0", "255.255.0.0", "vpn_gateway", 3, &d, &r), 0);
	assert_v4(r.gw, "10.8.0.2");
	assert_int_equal(r.metric, 3);
}

static void test_v4_no_gateway_known(void **state)
{
	struct route_defaults d = { 0 };   /* subnet, no --route-gateway */
	struct netcfg_route4 r;

	/* Parses; route_apply() turns it into a device route. */
	assert_int_equal(parse4("10.1.0.0", "255.255.0.0", NULL, -1, &d, &r), 0);
	assert_false(r.has_gw);
	/* but the vpn_gateway keyword needs to know it */
	assert_int_equal(parse4("vpn_gateway", NULL, NULL, -1, &d, &r), -EINVAL);
	assert_int_equal(parse4("10.1.0.0", "255.255.0.0", "vpn_gateway", -1, &d, &r),
			 -EINVAL);
}

static void test_v4_bad_netmask(void **state)
{
	struct route_defaults d = p2p_defaults();
	struct netcfg_route4 r;

	/* not contiguous */
	assert_int_equal(parse4("10.2.0.0", "255.0.255.0", NULL, -1, &d, &r), -EINVAL);
	assert_int_equal(parse4("10.0.0.0", "0.255.255.255", NULL, -1, &d, &r), -EINVAL);
	assert_int_equal(parse4("10.2.0.0", "255.255.255.253", NULL, -1, &d, &r), -EINVAL);
	/* not an address */
	assert_int_equal(parse4("10.2.0.0", "255.255.0", NULL, -1, &d, &r), -EINVAL);
	assert_int_equal(parse4("10.2.0.0", "24", NULL, -1, &d, &r), -EINVAL);
	assert_int_equal(parse4("10.2.0.0", "/24", NULL, -1, &d, &r), -EINVAL);
	assert_int_equal(parse4("10.2.0.0", "", NULL, -1, &d, &r), -EINVAL);
	assert_int_equal(parse4("10.2.0.0", "255.255.0.0 ", NULL, -1, &d, &r), -EINVAL);
}

static void test_v4_bits_outside_mask(void **state)
{
	struct route_defaults d = p2p_defaults();
	struct netcfg_route4 r;

	/* OpenVPN passes these on and the kernel refuses them (EINVAL). */
	assert_int_equal(parse4("10.1.2.3", "255.255.0.0", NULL, -1, &d, &r), -EINVAL);
	assert_int_equal(parse4("10.1.2.1", "255.255.255.254", NULL, -1, &d, &r), -EINVAL);
	assert_int_equal(parse4("0.0.0.1", "0.0.0.0", NULL, -1, &d, &r), -EINVAL);
}

static void test_v4_bad_network(void **state)
{
	struct route_defaults d = p2p_defaults();
	struct netcfg_route4 r;

	/* inet_aton would read these as 10.0.0.1 and 8.2.0.0 */
	assert_int_equal(parse4("10.1", NULL, NULL, -1, &d, &r), -EINVAL);
	assert_int_equal(parse4("010.2.0.0", "255.255.0.0", NULL, -1, &d, &r), -EINVAL);
	assert_int_equal(parse4("10.2.0.256", NULL, NULL, -1, &d, &r), -EINVAL);
	assert_int_equal(parse4("10.2.0.0.0", NULL, NULL, -1, &d, &r), -EINVAL);
	assert_int_equal(parse4("", NULL, NULL, -1, &d, &r), -EINVAL);
	assert_int_equal(parse4(" 10.2.0.0", NULL, NULL, -1, &d, &r), -EINVAL);
	assert_int_equal(parse4("2001:db8::", NULL, NULL, -1, &d, &r), -EINVAL);
	assert_int_equal(parse4("vpn.example.com", NULL, NULL, -1, &d, &r), -EINVAL);
	assert_int_equal(parse4(NULL, NULL, NULL, -1, &d, &r), -EINVAL);
}

static void test_v4_unsupported_keywords(void **state)
{
	struct route_defaults d = p2p_defaults();
	struct netcfg_route4 r;

	assert_int_equal(parse4("remote_host", "255.255.255.255", "net_gateway", -1, &d, &r),
			 -EOPNOTSUPP);
	assert_int_equal(parse4("10.9.0.0", "255.255.0.0", "net_gateway", -1, &d, &r),
			 -EOPNOTSUPP);
	assert_int_equal(parse4("10.9.0.0", "255.255.0.0", "remote_host", -1, &d, &r),
			 -EOPNOTSUPP);
	assert_int_equal(parse4("net_gateway", NULL, NULL, -1, &d, &r), -EOPNOTSUPP);
}

static void test_v4_bad_gateway_and_metric(void **state)
{
	struct route_defaults d = p2p_defaults();
	struct netcfg_route4 r;

	assert_int_equal(parse4("10.9.0.0", "255.255.0.0", "10.8.0", -1, &d, &r), -EINVAL);
	assert_int_equal(parse4("10.9.0.0", "255.255.0.0", "gw.example", -1, &d, &r), -EINVAL);
	assert_int_equal(parse4("10.9.0.0", "255.255.0.0", "0.0.0.0", -1, &d, &r), -EINVAL);
	assert_int_equal(parse4("10.9.0.0", "255.255.0.0", "fd00::1", -1, &d, &r), -EINVAL);
	assert_int_equal(parse4("10.9.0.0", "255.255.0.0", "10.8.0.2", -2, &d, &r), -EINVAL);
}

/* ---- --route-ipv6 -------------------------------------------------------- */

static void test_v6_good(void **state)
{
	struct route_defaults d = { .has_gw6 = true, .gw6 = v6("fd00::2"), .metric = 4 };
	struct netcfg_route6 r;

	assert_int_equal(parse6("2001:db8:2::/64", "fd00::9", 5, &d, &r), 0);
	assert_v6(r.dst, "2001:db8:2::");
	assert_int_equal(r.prefixlen, 64);
	assert_true(r.has_gw);
	assert_v6(r.gw, "fd00::9");
	assert_int_equal(r.metric, 5);
	assert_int_equal(r.ifindex, 0);
	/* defaults: /128, the --ifconfig-ipv6 remote, --route-metric */
	assert_int_equal(parse6("2001:db8::7", NULL, -1, &d, &r), 0);
	assert_int_equal(r.prefixlen, 128);
	assert_v6(r.gw, "fd00::2");
	assert_int_equal(r.metric, 4);
	assert_int_equal(parse6("2001:db8::/32", "default", -1, &d, &r), 0);
	assert_v6(r.gw, "fd00::2");
	assert_int_equal(parse6("::/0", NULL, 0, &d, &r), 0);
	assert_int_equal(r.prefixlen, 0);
	assert_int_equal(r.metric, 0);
	/* no remote known: no gateway, still a valid (device) route */
	d.has_gw6 = false;
	assert_int_equal(parse6("2000::/3", NULL, -1, &d, &r), 0);
	assert_false(r.has_gw);
	assert_int_equal(r.prefixlen, 3);
}

static void test_v6_host_bits_cleared(void **state)
{
	struct route_defaults d = { 0 };
	struct netcfg_route6 r;

	/* what OpenVPN 2.6 does too: 2001:db8:1::5/48 becomes 2001:db8:1::/48 */
	assert_int_equal(parse6("2001:db8:1::5/48", NULL, -1, &d, &r), 0);
	assert_v6(r.dst, "2001:db8:1::");
	assert_int_equal(parse6("2001:db8:1:ffff::/49", NULL, -1, &d, &r), 0);
	assert_v6(r.dst, "2001:db8:1:8000::");
	assert_int_equal(parse6("ffff::1/0", NULL, -1, &d, &r), 0);
	assert_v6(r.dst, "::");
}

static void test_v6_malformed(void **state)
{
	static const char *const bad[] = {
		"2001:db8::/129", "2001:db8::/", "2001:db8::/-1", "2001:db8::/6a",
		"2001:db8::/64/1", "2001:db8::/ 64", "2001:db8::/1000", "2001:db8:::1/64",
		"10.0.0.0/8", "foo", "", "/64", "2001:db8::/64 ",
		"2001:db8:1:2:3:4:5:6:7/64",
	};
	struct route_defaults d = { 0 };
	struct netcfg_route6 r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse6(bad[i], NULL, -1, &d, &r) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
	}
	assert_int_equal(parse6(NULL, NULL, -1, &d, &r), -EINVAL);
	assert_int_equal(parse6("2001:db8::/64", "bad", -1, &d, &r), -EINVAL);
	assert_int_equal(parse6("2001:db8::/64", "10.8.0.1", -1, &d, &r), -EINVAL);
	assert_int_equal(parse6("2001:db8::/64", "fd00::1", -2, &d, &r), -EINVAL);
}

/* ---- --ifconfig, --ifconfig-ipv6, defaults -------------------------------- */

static void test_ifconfig_ptp(void **state)
{
	struct options o = { .ifconfig_local = "10.8.0.1", .ifconfig_remote = "10.8.0.2" };
	struct route_ifconfig ic;

	for (int t = TOP_NET30; t <= TOP_P2P; t++) {
		o.topology = (enum topology)t;
		assert_int_equal(route_parse_ifconfig(&o, &ic), 0);
		assert_true(ic.has_v4);
		assert_v4(ic.v4.local, "10.8.0.1");
		assert_true(ic.v4.has_peer);
		assert_v4(ic.v4.peer, "10.8.0.2");
		assert_int_equal(ic.v4.prefixlen, 32);
		assert_false(ic.has_v6);
	}
	/* something that looks like a netmask is a warning, as in 2.6 */
	o.ifconfig_remote = "255.255.255.0";
	assert_int_equal(route_parse_ifconfig(&o, &ic), 0);
	/* but the same address twice is refused, as in 2.6 */
	o.ifconfig_remote = "10.8.0.1";
	assert_int_equal(route_parse_ifconfig(&o, &ic), -EINVAL);
}

static void test_ifconfig_subnet(void **state)
{
	struct options o = {
		.topology = TOP_SUBNET,
		.ifconfig_local = "10.8.0.2", .ifconfig_remote = "255.255.255.0",
	};
	struct route_ifconfig ic;

	assert_int_equal(route_parse_ifconfig(&o, &ic), 0);
	assert_v4(ic.v4.local, "10.8.0.2");
	assert_false(ic.v4.has_peer);
	assert_int_equal(ic.v4.prefixlen, 24);
	o.ifconfig_remote = "255.255.255.255";
	assert_int_equal(route_parse_ifconfig(&o, &ic), 0);
	assert_int_equal(ic.v4.prefixlen, 32);
	o.ifconfig_remote = "255.0.255.0";
	assert_int_equal(route_parse_ifconfig(&o, &ic), -EINVAL);
	o.ifconfig_remote = "10.8.0.1";   /* a peer address where a mask belongs */
	assert_int_equal(route_parse_ifconfig(&o, &ic), -EINVAL);
	o.ifconfig_remote = "0.0.0.0";
	assert_int_equal(route_parse_ifconfig(&o, &ic), -EINVAL);
}

static void test_ifconfig_bad_v4(void **state)
{
	struct options o = { .ifconfig_local = "10.8.0.1", .ifconfig_remote = "999.1.1.1" };
	struct route_ifconfig ic;

	assert_int_equal(route_parse_ifconfig(&o, &ic), -EINVAL);
	o.ifconfig_remote = NULL;
	assert_int_equal(route_parse_ifconfig(&o, &ic), -EINVAL);
	o.ifconfig_local = "10.8.0";
	o.ifconfig_remote = "10.8.0.2";
	assert_int_equal(route_parse_ifconfig(&o, &ic), -EINVAL);
}

static void test_ifconfig_v6(void **state)
{
	struct options o = {
		.ifconfig_ipv6_local = "fd00::1/64", .ifconfig_ipv6_remote = "fd00::2",
	};
	struct route_ifconfig ic;

	assert_int_equal(route_parse_ifconfig(&o, &ic), 0);
	assert_false(ic.has_v4);
	assert_true(ic.has_v6);
	assert_v6(ic.v6.local, "fd00::1");
	assert_int_equal(ic.v6.prefixlen, 64);
	assert_true(ic.has_remote6);
	assert_v6(ic.remote6, "fd00::2");
	/* without /bits: /64, as 2.6; host bits are the point of an address */
	o.ifconfig_ipv6_local = "fd00:1::5";
	o.ifconfig_ipv6_remote = NULL;
	assert_int_equal(route_parse_ifconfig(&o, &ic), 0);
	assert_int_equal(ic.v6.prefixlen, 64);
	assert_v6(ic.v6.local, "fd00:1::5");
	assert_false(ic.has_remote6);
	o.ifconfig_ipv6_local = "fd00::1/0";
	assert_int_equal(route_parse_ifconfig(&o, &ic), -EINVAL);
	o.ifconfig_ipv6_local = "fd00::1/129";
	assert_int_equal(route_parse_ifconfig(&o, &ic), -EINVAL);
	o.ifconfig_ipv6_local = "10.8.0.1/24";
	assert_int_equal(route_parse_ifconfig(&o, &ic), -EINVAL);
	o.ifconfig_ipv6_local = "fd00::1/64";
	o.ifconfig_ipv6_remote = "fd00::zz";
	assert_int_equal(route_parse_ifconfig(&o, &ic), -EINVAL);
}

static void test_defaults(void **state)
{
	struct options o = {
		.topology = TOP_NET30, .route_metric = 6,
		.ifconfig_local = "10.8.0.1", .ifconfig_remote = "10.8.0.2",
		.ifconfig_ipv6_local = "fd00::1/64", .ifconfig_ipv6_remote = "fd00::2",
	};
	struct route_defaults d;

	assert_int_equal(route_defaults_init(&o, &d), 0);
	assert_true(d.has_gw);
	assert_v4(d.gw, "10.8.0.2");
	assert_true(d.has_gw6);
	assert_v6(d.gw6, "fd00::2");
	assert_int_equal(d.metric, 6);
	/* --route-gateway wins over the peer */
	o.route_gateway = "10.8.0.5";
	assert_int_equal(route_defaults_init(&o, &d), 0);
	assert_v4(d.gw, "10.8.0.5");
	/* subnet: the second --ifconfig argument is a mask, never a gateway */
	o.route_gateway = NULL;
	o.topology = TOP_SUBNET;
	o.ifconfig_remote = "255.255.255.0";
	assert_int_equal(route_defaults_init(&o, &d), 0);
	assert_false(d.has_gw);
	o.route_gateway = "10.8.0.1";
	assert_int_equal(route_defaults_init(&o, &d), 0);
	assert_true(d.has_gw);
	assert_v4(d.gw, "10.8.0.1");
	/* bad values */
	o.route_gateway = "dhcp";
	assert_int_equal(route_defaults_init(&o, &d), -EOPNOTSUPP);
	o.route_gateway = "10.8.0.300";
	assert_int_equal(route_defaults_init(&o, &d), -EINVAL);
	o.route_gateway = NULL;
	o.route_metric = -1;
	assert_int_equal(route_defaults_init(&o, &d), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4_full_line),
		cmocka_unit_test(test_v4_defaults),
		cmocka_unit_test(test_v4_vpn_gateway),
		cmocka_unit_test(test_v4_no_gateway_known),
		cmocka_unit_test(test_v4_bad_netmask),
		cmocka_unit_test(test_v4_bits_outside_mask),
		cmocka_unit_test(test_v4_bad_network),
		cmocka_unit_test(test_v4_unsupported_keywords),
		cmocka_unit_test(test_v4_bad_gateway_and_metric),
		cmocka_unit_test(test_v6_good),
		cmocka_unit_test(test_v6_host_bits_cleared),
		cmocka_unit_test(test_v6_malformed),
		cmocka_unit_test(test_ifconfig_ptp),
		cmocka_unit_test(test_ifconfig_subnet),
		cmocka_unit_test(test_ifconfig_bad_v4),
		cmocka_unit_test(test_ifconfig_v6),
		cmocka_unit_test(test_defaults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
