/*
 * --ifconfig, --ifconfig-ipv6, --route and --route-ipv6 turned into kernel
 * state on the VPN interface, and removed again at exit.
 *
 * Two layers: pure parsers (options text -> netcfg structs, no system
 * calls, unit tested) and the apply/undo functions that hand the result to
 * netcfg and remember exactly what they added.
 *
 * Route semantics, as OpenVPN 2.6 on Linux:
 * - IPv4 routes are installed "via GATEWAY" and the kernel picks the
 *   device, exactly as OpenVPN does. The gateway defaults to --route-gateway,
 *   else (net30/p2p) to the --ifconfig peer; a gateway outside the tunnel
 *   therefore keeps its OpenVPN meaning, and one that is not reachable
 *   fails the same way (Network is unreachable).
 *   With no gateway at all (subnet topology without --route-gateway, or no
 *   --ifconfig) OpenVPN refuses the route; we install a device route on
 *   the tun instead, which on a point-to-point device is a complete next
 *   hop.
 * - IPv6 routes are device routes on the tun: on a point-to-point device
 *   the device already names the next hop, and OpenVPN drops the gateway
 *   there too. The gateway is still parsed and checked.
 * - A route that cannot be parsed or added is reported and skipped; the
 *   others are still installed, and the daemon carries on (OpenVPN does
 *   not give up either). route_state.n_failed counts them.
 */
#ifndef ROUTE_H
#define ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netcfg.h"
#include "addr.h"
#include "options.h"

/* The addresses --ifconfig / --ifconfig-ipv6 ask for. */
struct route_ifconfig {
	bool has_v4;
	struct netcfg_addr4 v4;     /* net30/p2p: local peer R /32; subnet: local/prefix */
	bool has_v6;
	struct netcfg_addr6 v6;
	bool has_remote6;
	struct in6_addr remote6;
};

/* What a route line without a gateway or metric falls back to. */
struct route_defaults {
	bool has_gw;                /* also what "vpn_gateway" means */
	struct in_addr gw;
	bool has_gw6;               /* the --ifconfig-ipv6 remote */
	struct in6_addr gw6;
	uint32_t metric;            /* --route-metric; 0 = kernel default */
};

/* ---- pure: no system calls; errors are logged with the option text ---- */

int route_parse_ifconfig(const struct options *o, struct route_ifconfig *out);
int route_defaults_init(const struct options *o, struct route_defaults *d);

/*
 * --route network [netmask [gateway [metric]]]. network: an IPv4 address
 * or vpn_gateway; netmask: contiguous, "default" = 255.255.255.255;
 * network bits outside the netmask are an error (the kernel would refuse
 * the route). gateway: address, "default" or vpn_gateway; when neither the
 * line nor the defaults give one, out->has_gw is false. net_gateway and
 * remote_host give -EOPNOTSUPP, host names -EINVAL. out->ifindex is 0.
 */
int route_parse_v4(const struct route_entry *e, const struct route_defaults *d,
		   struct netcfg_route4 *out);

/*
 * --route-ipv6 network[/bits] [gateway] [metric]. bits default to 128;
 * host bits beyond the prefix are cleared with a warning (OpenVPN clears
 * them silently). out->has_gw says whether a gateway (given or default)
 * is known; out->ifindex is 0.
 */
int route_parse_v6(const struct route_ipv6_entry *e,
		   const struct route_defaults *d, struct netcfg_route6 *out);

/* ---- applying ------------------------------------------------------------ */

enum route_kind { ROUTE_ADDR4, ROUTE_ADDR6, ROUTE_ROUTE4, ROUTE_ROUTE6 };

struct route_done {
	enum route_kind kind;
	union {
		struct netcfg_addr4 addr4;
		struct netcfg_addr6 addr6;
		struct netcfg_route4 route4;
		struct netcfg_route6 route6;
	} u;
};

#define ROUTE_MAX_DONE (16 + 2 * OPT_MAX_ROUTES)

/*
 * What this process configured on one interface. It outlives a soft
 * restart with --persist-tun together with the tun: apply calls then see
 * that the work is done and keep it.
 */
struct route_state {
	int ifindex;
	bool ifconfig_done;
	bool routes_done;
	bool redirect_done;
	int n_failed;               /* routes skipped by the last route_apply() */
	size_t n_done;
	struct route_done done[ROUTE_MAX_DONE];
};

void route_state_init(struct route_state *st);

/*
 * --txqueuelen, then unless --ifconfig-noexec: --tun-mtu, link up, the
 * IPv4 and IPv6 addresses. Stops at the first failure and returns it
 * (OpenVPN treats a failed ifconfig as fatal); what was added before is
 * recorded, so route_undo() still cleans up.
 */
int route_ifconfig_apply(const struct options *o, int ifindex,
			 struct route_state *st);

/*
 * --route and --route-ipv6 unless --route-noexec. Tries every route; one
 * that fails is logged, counted in st->n_failed and skipped, which is not
 * an error. Returns a negative errno only when no route could be tried
 * (--route-gateway or --route-metric unusable). A route that already
 * exists is left alone and not recorded, so it is not removed at exit.
 */
int route_apply(const struct options *o, int ifindex, struct route_state *st);

/*
 * --redirect-gateway: all IPv4 traffic (and IPv6 with the ipv6 flag) goes
 * through the tunnel. The VPN server's own address (server, may be NULL or
 * unset) keeps its current route outside the tunnel unless "local". IPv4
 * uses two /1 routes via the VPN gateway in every case, so the system's
 * default route is never touched (2.6 without def1 replaces it); IPv6 uses
 * ::/3, 2000::/4, 3000::/4 and fc00::/7 on the device. block-local,
 * bypass-dhcp and bypass-dns are reported as not supported. Failures are
 * logged and counted; 0 or -errno when nothing could be tried.
 */
int route_redirect_apply(const struct options *o, int ifindex,
			 const struct sockaddr_any *server, struct route_state *st);

/* Remove what was recorded, newest first, and reset the state. */
void route_undo(struct route_state *st);

#endif
