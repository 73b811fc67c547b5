/*
 * Kernel network configuration over rtnetlink: link state, MTU, queue
 * length, addresses and routes. The only user-space view of these objects
 * the daemon needs; tun, route and dco all go through here.
 *
 * Every function returns 0 or a negative errno value. The kernel's own
 * errno is passed through (libnl would otherwise fold several of them into
 * one code), so callers can tell -EEXIST (already there) and -ESRCH/-ENOENT
 * or -EADDRNOTAVAIL (already gone) from real failures. Each action is logged
 * at D_NORMAL before it runs; a failure is logged once, here, with the
 * kernel's reason.
 */
#ifndef NETCFG_H
#define NETCFG_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

/* Open the one rtnetlink socket. Idempotent. */
int netcfg_init(void);
void netcfg_cleanup(void);

int netcfg_link_set_up(int ifindex, bool up);
int netcfg_link_set_mtu(int ifindex, unsigned int mtu);
int netcfg_link_set_txqueuelen(int ifindex, unsigned int qlen);

/*
 * IPv4 address. With a peer it is a point-to-point address, the
 * equivalent of `ip addr add LOCAL peer PEER dev IF` (prefixlen is then
 * the peer's prefix, normally 32). Deleting needs the same arguments.
 */
struct netcfg_addr4 {
	struct in_addr local;
	int prefixlen;           /* 0..32 */
	bool has_peer;
	struct in_addr peer;
};
int netcfg_addr4_add(int ifindex, const struct netcfg_addr4 *a);
int netcfg_addr4_del(int ifindex, const struct netcfg_addr4 *a);

struct netcfg_addr6 {
	struct in6_addr local;
	int prefixlen;           /* 0..128 */
};
int netcfg_addr6_add(int ifindex, const struct netcfg_addr6 *a);
int netcfg_addr6_del(int ifindex, const struct netcfg_addr6 *a);

/*
 * Unicast route in a table (0 = main). At least one of a gateway and an
 * ifindex must be given: a gateway alone lets the kernel pick the device,
 * an ifindex alone makes a device route. metric 0 means the kernel
 * default (0 for IPv4, 1024 for IPv6). Adding an exact duplicate gives
 * -EEXIST; a route to the same prefix through another next hop is added
 * beside the existing one, as `ip route append` would. Delete with the
 * same struct.
 */
struct netcfg_route4 {
	struct in_addr dst;
	int prefixlen;           /* 0..32 */
	bool has_gw;
	struct in_addr gw;
	int ifindex;             /* 0: none */
	uint32_t metric;
	uint32_t table;
};
int netcfg_route4_add(const struct netcfg_route4 *r);
int netcfg_route4_del(const struct netcfg_route4 *r);

struct netcfg_route6 {
	struct in6_addr dst;
	int prefixlen;           /* 0..128 */
	bool has_gw;
	struct in6_addr gw;
	int ifindex;
	uint32_t metric;
	uint32_t table;
};
int netcfg_route6_add(const struct netcfg_route6 *r);
int netcfg_route6_del(const struct netcfg_route6 *r);

/*
 * The route the kernel would pick for dst right now: its gateway (has_gw
 * false for a directly reachable dst) and output interface. 0, or
 * -ENETUNREACH when there is none.
 */
int netcfg_route4_lookup(struct in_addr dst, bool *has_gw, struct in_addr *gw, int *ifindex);
int netcfg_route6_lookup(const struct in6_addr *dst, bool *has_gw, struct in6_addr *gw,
			 int *ifindex);

#endif
