/*
 * Socket addresses: parsing, printing, comparing, name resolution.
 *
 * IPv4 peers reach a dual-stack IPv6 socket as v4-mapped IPv6 addresses
 * (::ffff:a.b.c.d). Comparisons treat such an address as equal to the plain
 * IPv4 one, so the rest of the daemon need not care which kind of socket a
 * packet came through. Printing shows the address as the kernel gave it
 * ("[AF_INET6]::ffff:1.2.3.4:1194", as OpenVPN 2.6 logs it); call
 * addr_unmap() first to get "[AF_INET]1.2.3.4:1194".
 */
#ifndef ADDR_H
#define ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

struct sockaddr_any {
	union {
		struct sockaddr sa;
		struct sockaddr_in in4;
		struct sockaddr_in6 in6;
		struct sockaddr_storage ss;
	};
	socklen_t len;          /* bytes of the union in use; 0 = unset */
};

/* Enough for "[AF_INET6]" + the longest IPv6 text + ":65535" + NUL. */
#define ADDR_STRLEN 64

/*
 * Resolve host and port into at most `max` addresses, in the order
 * getaddrinfo() returns them (it applies RFC 6724 / gai.conf preference).
 * host NULL: the wildcard address when passive, else loopback.
 * port NULL: port 0 in the results; otherwise it must be a decimal number
 * 1..65535 (service names are not looked up).
 * family: AF_UNSPEC, AF_INET or AF_INET6. socktype: SOCK_DGRAM/SOCK_STREAM.
 * Returns the number of addresses (>= 1) or -errno; a failure is logged here
 * with the resolver's own reason, so callers need not log it again.
 */
int addr_resolve(const char *host, const char *port, int family, int socktype,
		 bool passive, struct sockaddr_any *out, size_t max);

/* Validate a decimal port 1..65535; 0 or -EINVAL. */
int addr_parse_port(const char *s, uint16_t *port);

/* "[AF_INET]10.0.0.1:1194", "[AF_INET6]2001:db8::1:1194", "[undef]".
 * The IPv6 scope id is not printed. Returns buf, truncated if len is short. */
const char *addr_to_str(const struct sockaddr_any *a, char *buf, size_t len);
/* The address alone, without family tag and port ("10.0.0.1"). */
const char *addr_host_to_str(const struct sockaddr_any *a, char *buf, size_t len);

/* Family, address and port; a v4-mapped IPv6 address equals its IPv4 form.
 * IPv6 scope ids are compared only when both are set. */
bool addr_equal(const struct sockaddr_any *a, const struct sockaddr_any *b);
/* As addr_equal(), ignoring the port. */
bool addr_equal_host(const struct sockaddr_any *a, const struct sockaddr_any *b);

/* Port in host byte order; 0 for an unset or non-IP address. */
uint16_t addr_port(const struct sockaddr_any *a);
void addr_set_port(struct sockaddr_any *a, uint16_t port);
int addr_family(const struct sockaddr_any *a);

/* Fill *a with the wildcard address (0.0.0.0 or ::) of family and port. */
int addr_wildcard(struct sockaddr_any *a, int family, uint16_t port);
/* 0.0.0.0 or :: (any port). */
bool addr_is_wildcard(const struct sockaddr_any *a);
bool addr_is_v4mapped(const struct sockaddr_any *a);
/* Turn a v4-mapped IPv6 address into the plain IPv4 one, in place;
 * other addresses are left alone. */
void addr_unmap(struct sockaddr_any *a);
/* Write the v4-mapped IPv6 form of an IPv4 address into dst; -EINVAL when
 * src is not IPv4. Used to send to IPv4 peers from a dual-stack socket. */
int addr_map_v4(struct sockaddr_any *dst, const struct sockaddr_any *src);
/* Set a from a raw address of the given family (port 0). */
int addr_from_ipv4(struct sockaddr_any *a, struct in_addr ip, uint16_t port);
int addr_from_ipv6(struct sockaddr_any *a, const struct in6_addr *ip, uint16_t port);

/*
 * Strict text parsers for configuration: the whole string must be the
 * value, no surrounding spaces. All return 0 or -EINVAL.
 * IPv4 is dotted quad only: "1.2.3" (inet_aton's shorthand), octets above
 * 255 and leading zeros (octal to inet_aton, decimal to humans) are refused.
 */
int addr_parse_ipv4(const char *s, struct in_addr *out);
int addr_parse_ipv6(const char *s, struct in6_addr *out);
/* "2001:db8::1/64" -> address and bits (0..128); no "/" means 128. */
int addr_parse_ipv6_prefix(const char *s, struct in6_addr *out, unsigned *bits);

/* 255.255.255.0 -> 24; a non-contiguous mask (255.0.255.0) is -EINVAL. */
int addr_netmask_to_prefix(struct in_addr mask, unsigned *bits);
/* 24 -> 255.255.255.0. bits must be 0..32; larger values give /32. */
struct in_addr addr_prefix_to_netmask(unsigned bits);

#endif
