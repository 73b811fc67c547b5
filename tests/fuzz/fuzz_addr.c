/*
 * Address text parsers: addr_parse_ipv4(), addr_parse_ipv6(),
 * addr_parse_ipv6_prefix() and addr_parse_port() on the input taken as a
 * string (up to the first NUL), as an option argument would reach them.
 *
 * What addr.h promises is checked: IPv4 is a strict dotted quad (so it
 * prints back as the very same text), prefixes are 0..128 with 128 for a
 * bare address, ports 1..65535. Parsed addresses then go through the
 * sockaddr helpers: printing, v4-mapping and comparison, and netmask
 * conversion both ways.
 */
#include <arpa/inet.h>
#include <errno.h>

#include "addr.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_log_init();
	return 0;
}

static void check_sockaddr(const struct sockaddr_any *a, uint16_t port)
{
	struct sockaddr_any m = { .len = 0 }, u;
	char s[ADDR_STRLEN], t[8];

	FUZZ_CHECK(addr_port(a) == port);
	addr_to_str(a, s, sizeof(s));
	FUZZ_CHECK(strlen(s) < sizeof(s) && s[0] == '[');
	addr_host_to_str(a, s, sizeof(s));
	addr_to_str(a, t, sizeof(t));        /* truncated, not overrun */
	FUZZ_CHECK(strlen(t) < sizeof(t));
	FUZZ_CHECK(addr_equal(a, a));
	if (addr_family(a) == AF_INET) {
		FUZZ_CHECK(addr_map_v4(&m, a) == 0 && addr_is_v4mapped(&m));
		FUZZ_CHECK(addr_equal(a, &m) && addr_equal(&m, a));
		u = m;
		addr_unmap(&u);
		FUZZ_CHECK(addr_family(&u) == AF_INET && addr_equal(&u, a));
		FUZZ_CHECK(memcmp(&u.in4, &a->in4, sizeof(u.in4)) == 0);
	} else {
		FUZZ_CHECK(addr_map_v4(&m, a) == -EINVAL);
	}
}

static void check_ipv4(const char *s, uint16_t port)
{
	struct in_addr ip, mask;
	struct sockaddr_any a;
	char back[INET_ADDRSTRLEN];
	unsigned int bits;

	if (addr_parse_ipv4(s, &ip))
		return;
	FUZZ_CHECK(inet_ntop(AF_INET, &ip, back, sizeof(back)));
	FUZZ_CHECK(strcmp(back, s) == 0);
	addr_from_ipv4(&a, ip, port);
	check_sockaddr(&a, port);
	if (addr_netmask_to_prefix(ip, &bits) == 0) {
		FUZZ_CHECK(bits <= 32);
		mask = addr_prefix_to_netmask(bits);
		FUZZ_CHECK(mask.s_addr == ip.s_addr);
	}
}

static void check_ipv6(const char *s, uint16_t port)
{
	struct in6_addr ip, again;
	struct sockaddr_any a;
	char back[INET6_ADDRSTRLEN];

	if (addr_parse_ipv6(s, &ip))
		return;
	FUZZ_CHECK(inet_ntop(AF_INET6, &ip, back, sizeof(back)));
	FUZZ_CHECK(addr_parse_ipv6(back, &again) == 0 && !memcmp(&ip, &again, sizeof(ip)));
	addr_from_ipv6(&a, &ip, port);
	check_sockaddr(&a, port);
	if (addr_is_v4mapped(&a)) {
		addr_unmap(&a);
		FUZZ_CHECK(addr_family(&a) == AF_INET && addr_port(&a) == port);
	}
}

static void check_prefix(const char *s)
{
	struct in6_addr ip, plain;
	unsigned int bits = 999;

	if (addr_parse_ipv6_prefix(s, &ip, &bits))
		return;
	FUZZ_CHECK(bits <= 128);
	if (!strchr(s, '/'))
		FUZZ_CHECK(bits == 128 && addr_parse_ipv6(s, &plain) == 0 &&
			   !memcmp(&ip, &plain, sizeof(ip)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	uint16_t port = 0;
	unsigned long v;
	char *end;

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	if (addr_parse_port(s, &port) == 0) {
		v = strtoul(s, &end, 10);
		FUZZ_CHECK(*end == '\0' && v >= 1 && v <= 65535 && v == port);
	} else {
		port = size ? data[0] : 0;
	}
	check_ipv4(s, port);
	check_ipv6(s, port);
	check_prefix(s);
	/* NULL is refused, not dereferenced. */
	if (size == 0)
		FUZZ_CHECK(addr_parse_ipv4(NULL, NULL) == -EINVAL &&
			   addr_parse_ipv6(NULL, NULL) == -EINVAL &&
			   addr_parse_ipv6_prefix(NULL, NULL, NULL) == -EINVAL);
	free(s);
	return 0;
}
