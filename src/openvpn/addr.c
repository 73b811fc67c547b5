/* Socket address parsing, printing, comparison and resolution. */
#include "addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

/* ---- resolution ---------------------------------------------------------- */

int addr_parse_port(const char *s, uint16_t *port)
{
	unsigned long v = 0;
	const char *p;

	if (!s || !*s || strlen(s) > 5)
		return -EINVAL;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v < 1 || v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

/* getaddrinfo() speaks EAI_*; the daemon speaks errno. */
static int addr_gai_errno(int rc, int saved_errno)
{
	switch (rc) {
	case EAI_AGAIN:
		return -EAGAIN;
	case EAI_MEMORY:
		return -ENOMEM;
	case EAI_FAMILY:
#ifdef EAI_ADDRFAMILY
	case EAI_ADDRFAMILY:
#endif
		return -EAFNOSUPPORT;
	case EAI_SERVICE:
	case EAI_BADFLAGS:
	case EAI_SOCKTYPE:
		return -EINVAL;
	case EAI_SYSTEM:
		return saved_errno ? -saved_errno : -EIO;
	default: /* EAI_NONAME, EAI_NODATA, EAI_FAIL */
		return -EHOSTUNREACH;
	}
}

/* socktype 0 makes getaddrinfo() list each address once per socket type. */
static bool addr_seen(const struct sockaddr_any *list, size_t n,
		      const struct sockaddr_any *a)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i].len == a->len && memcmp(&list[i].ss, &a->ss, a->len) == 0)
			return true;
	return false;
}

int addr_resolve(const char *host, const char *port, int family, int socktype,
		 bool passive, struct sockaddr_any *out, size_t max)
{
	struct addrinfo hints, *res = NULL, *ai;
	uint16_t portnum = 0;
	size_t n = 0;
	int rc;

	if (!out || !max)
		return -EINVAL;
	if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	if (port && addr_parse_port(port, &portnum) < 0) {
		msg(M_WARN, "RESOLVE: invalid port '%s' for host %s (must be 1..65535)",
		    port, host ? host : "[any]");
		return -EINVAL;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = socktype;
	hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
	/* The port is put in afterwards, so no service lookup can happen;
	 * "0" only because getaddrinfo() refuses host and service both NULL. */
	rc = getaddrinfo(host, "0", &hints, &res);
	if (rc != 0) {
		int err = addr_gai_errno(rc, errno);

		msg(M_WARN, "RESOLVE: Cannot resolve host address: %s:%s (%s)",
		    host ? host : "[any]", port ? port : "[none]", gai_strerror(rc));
		return err;
	}
	for (ai = res; ai && n < max; ai = ai->ai_next) {
		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		if (ai->ai_addrlen > sizeof(out[n].ss))
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		memcpy(&out[n].ss, ai->ai_addr, ai->ai_addrlen);
		out[n].len = ai->ai_addrlen;
		addr_set_port(&out[n], portnum);
		if (!addr_seen(out, n, &out[n]))
			n++;
	}
	freeaddrinfo(res);
	return n ? (int)n : -EHOSTUNREACH;
}

/* ---- construction and accessors ------------------------------------------ */

int addr_family(const struct sockaddr_any *a)
{
	return a->len ? a->sa.sa_family : AF_UNSPEC;
}

uint16_t addr_port(const struct sockaddr_any *a)
{
	switch (addr_family(a)) {
	case AF_INET:
		return ntohs(a->in4.sin_port);
	case AF_INET6:
		return ntohs(a->in6.sin6_port);
	default:
		return 0;
	}
}

void addr_set_port(struct sockaddr_any *a, uint16_t port)
{
	switch (addr_family(a)) {
	case AF_INET:
		a->in4.sin_port = htons(port);
		break;
	case AF_INET6:
		a->in6.sin6_port = htons(port);
		break;
	default:
		break;
	}
}

int addr_from_ipv4(struct sockaddr_any *a, struct in_addr ip, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->in4.sin_family = AF_INET;
	a->in4.sin_addr = ip;
	a->in4.sin_port = htons(port);
	a->len = sizeof(a->in4);
	return 0;
}

int addr_from_ipv6(struct sockaddr_any *a, const struct in6_addr *ip, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->in6.sin6_family = AF_INET6;
	a->in6.sin6_addr = *ip;
	a->in6.sin6_port = htons(port);
	a->len = sizeof(a->in6);
	return 0;
}

int addr_wildcard(struct sockaddr_any *a, int family, uint16_t port)
{
	struct in_addr any4 = { .s_addr = htonl(INADDR_ANY) };

	if (family == AF_INET)
		return addr_from_ipv4(a, any4, port);
	if (family == AF_INET6)
		return addr_from_ipv6(a, &in6addr_any, port);
	return -EAFNOSUPPORT;
}

bool addr_is_wildcard(const struct sockaddr_any *a)
{
	switch (addr_family(a)) {
	case AF_INET:
		return a->in4.sin_addr.s_addr == htonl(INADDR_ANY);
	case AF_INET6:
		return IN6_IS_ADDR_UNSPECIFIED(&a->in6.sin6_addr);
	default:
		return false;
	}
}

bool addr_is_v4mapped(const struct sockaddr_any *a)
{
	return addr_family(a) == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&a->in6.sin6_addr);
}

void addr_unmap(struct sockaddr_any *a)
{
	struct in_addr ip;
	uint16_t port;

	if (!addr_is_v4mapped(a))
		return;
	memcpy(&ip, &a->in6.sin6_addr.s6_addr[12], sizeof(ip));
	port = addr_port(a);
	addr_from_ipv4(a, ip, port);
}

int addr_map_v4(struct sockaddr_any *dst, const struct sockaddr_any *src)
{
	struct in6_addr ip6 = { .s6_addr = { [10] = 0xff, [11] = 0xff } };

	if (addr_family(src) != AF_INET)
		return -EINVAL;
	memcpy(&ip6.s6_addr[12], &src->in4.sin_addr, 4);
	return addr_from_ipv6(dst, &ip6, addr_port(src));
}

/* ---- printing -------------------------------------------------------------- */

const char *addr_host_to_str(const struct sockaddr_any *a, char *buf, size_t len)
{
	char tmp[INET6_ADDRSTRLEN];
	const void *src;
	int fam = addr_family(a);

	if (fam == AF_INET)
		src = &a->in4.sin_addr;
	else if (fam == AF_INET6)
		src = &a->in6.sin6_addr;
	else
		src = NULL;
	if (!src || !inet_ntop(fam, src, tmp, sizeof(tmp)))
		snprintf(tmp, sizeof(tmp), "undef");
	if (len)
		snprintf(buf, len, "%s", tmp);
	return buf;
}

const char *addr_to_str(const struct sockaddr_any *a, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];
	int fam = addr_family(a);

	if (!len)
		return buf;
	if (fam != AF_INET && fam != AF_INET6) {
		snprintf(buf, len, "[undef]");
		return buf;
	}
	addr_host_to_str(a, host, sizeof(host));
	snprintf(buf, len, "[%s]%s:%u", fam == AF_INET ? "AF_INET" : "AF_INET6",
		 host, (unsigned)addr_port(a));
	return buf;
}

/* ---- comparison ------------------------------------------------------------ */

/* The address bytes, folding v4-mapped IPv6 into IPv4 so both compare equal. */
struct addr_key {
	int family;
	const uint8_t *bytes;
	size_t n;
	uint32_t scope;
};

static bool addr_key(const struct sockaddr_any *a, struct addr_key *k)
{
	k->scope = 0;
	switch (addr_family(a)) {
	case AF_INET:
		k->family = AF_INET;
		k->bytes = (const uint8_t *)&a->in4.sin_addr;
		k->n = 4;
		return true;
	case AF_INET6:
		if (IN6_IS_ADDR_V4MAPPED(&a->in6.sin6_addr)) {
			k->family = AF_INET;
			k->bytes = &a->in6.sin6_addr.s6_addr[12];
			k->n = 4;
			return true;
		}
		k->family = AF_INET6;
		k->bytes = a->in6.sin6_addr.s6_addr;
		k->n = 16;
		k->scope = a->in6.sin6_scope_id;
		return true;
	default:
		return false;
	}
}

bool addr_equal_host(const struct sockaddr_any *a, const struct sockaddr_any *b)
{
	struct addr_key ka, kb;

	if (!addr_key(a, &ka) || !addr_key(b, &kb))
		return false;
	if (ka.family != kb.family || memcmp(ka.bytes, kb.bytes, ka.n) != 0)
		return false;
	/* A configured link-local address usually has no scope; a received one
	 * always has. Only two different explicit scopes make them differ. */
	return !ka.scope || !kb.scope || ka.scope == kb.scope;
}

bool addr_equal(const struct sockaddr_any *a, const struct sockaddr_any *b)
{
	return addr_equal_host(a, b) && addr_port(a) == addr_port(b);
}

/* ---- parsers ----------------------------------------------------------------- */

int addr_parse_ipv4(const char *s, struct in_addr *out)
{
	struct in_addr tmp;

	/* inet_pton(), unlike inet_aton(), accepts exactly four decimal
	 * octets 0..255 without leading zeros and nothing else. */
	if (!s || inet_pton(AF_INET, s, &tmp) != 1)
		return -EINVAL;
	*out = tmp;
	return 0;
}

int addr_parse_ipv6(const char *s, struct in6_addr *out)
{
	struct in6_addr tmp;

	if (!s || inet_pton(AF_INET6, s, &tmp) != 1)
		return -EINVAL;
	*out = tmp;
	return 0;
}

/* Strict decimal 0..max: no sign, no spaces, no leading zeros. */
static int addr_parse_bits(const char *s, unsigned max, unsigned *bits)
{
	unsigned v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(*s - '0');
	}
	if (v > max)
		return -EINVAL;
	*bits = v;
	return 0;
}

int addr_parse_ipv6_prefix(const char *s, struct in6_addr *out, unsigned *bits)
{
	char host[INET6_ADDRSTRLEN];
	struct in6_addr tmp;
	unsigned b = 128;
	const char *slash;
	size_t hlen;

	if (!s)
		return -EINVAL;
	slash = strchr(s, '/');
	hlen = slash ? (size_t)(slash - s) : strlen(s);
	if (hlen == 0 || hlen >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (slash && addr_parse_bits(slash + 1, 128, &b) < 0)
		return -EINVAL;
	if (addr_parse_ipv6(host, &tmp) < 0)
		return -EINVAL;
	*out = tmp;
	*bits = b;
	return 0;
}

int addr_netmask_to_prefix(struct in_addr mask, unsigned *bits)
{
	uint32_t m = ntohl(mask.s_addr);
	uint32_t inv = ~m;

	/* Contiguous means the host part (~m) is of the form 0...01...1. */
	if (inv & (inv + 1))
		return -EINVAL;
	*bits = (unsigned)__builtin_popcount(m);
	return 0;
}

struct in_addr addr_prefix_to_netmask(unsigned bits)
{
	struct in_addr mask;

	if (bits > 32)
		bits = 32;
	/* Shifting a 32-bit value by 32 is undefined, hence the special case. */
	mask.s_addr = htonl(bits ? 0xffffffffu << (32 - bits) : 0);
	return mask;
}
