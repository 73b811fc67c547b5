/* rtnetlink through libnl-route-3: link state, addresses, routes. */

/* <net/if.h> first: libnl pulls in <linux/if.h>, which then defers to it. */
#include <net/if.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/socket.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include "netcfg.h"
#include "log.h"

enum nc_op { NC_SET, NC_ADD, NC_DEL };

static struct nl_sock *nl;

/*
 * What the kernel answered to the last request. libnl folds errno values
 * into its own smaller set (ENETUNREACH becomes "unspecific failure"), so
 * the error callback keeps the original, plus the extended ack text that
 * says which attribute the kernel disliked.
 */
static struct {
	int err;
	char text[128];
} last;

static void netcfg_extack(const struct nlmsghdr *h, const struct nlmsgerr *e)
{
	size_t off = NLMSG_HDRLEN + sizeof(*e);
	const struct nlattr *a;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* Without NLM_F_CAPPED the whole failed request is echoed first. */
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	if (off >= h->nlmsg_len)
		return;
	a = nla_find((const struct nlattr *)((const char *)h + off),
		     (int)(h->nlmsg_len - off), NLMSGERR_ATTR_MSG);
	if (a && nla_len(a) > 0)
		snprintf(last.text, sizeof(last.text), "%.*s",
			 (int)strnlen(nla_data(a), (size_t)nla_len(a)),
			 (const char *)nla_data(a));
}

static int netcfg_err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	/* libnl hands us the payload of the NLMSG_ERROR message. */
	const struct nlmsghdr *h = (const struct nlmsghdr *)
		((const char *)e - NLMSG_HDRLEN);

	last.err = -e->error;
	netcfg_extack(h, e);
	return NL_STOP;
}

/* For errors libnl raises itself, without a kernel answer. */
static int netcfg_nlerr_to_errno(int nlerr)
{
	switch (-nlerr) {
	case NLE_NOMEM: return -ENOMEM;
	case NLE_EXIST: return -EEXIST;
	case NLE_INVAL: return -EINVAL;
	case NLE_RANGE: return -ERANGE;
	case NLE_AGAIN: return -EAGAIN;
	case NLE_INTR: return -EINTR;
	case NLE_BAD_SOCK: return -EBADF;
	case NLE_PERM: return -EPERM;
	case NLE_NOACCESS: return -EACCES;
	case NLE_BUSY: return -EBUSY;
	case NLE_NODEV: return -ENODEV;
	case NLE_OBJ_NOTFOUND: return -ENOENT;
	case NLE_NOADDR: return -EADDRNOTAVAIL;
	case NLE_AF_NOSUPPORT: return -EAFNOSUPPORT;
	case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	case NLE_MSGSIZE: return -EMSGSIZE;
	default: return -EIO;
	}
}

int netcfg_init(void)
{
	int one = 1;
	int err;

	if (nl)
		return 0;
	nl = nl_socket_alloc();
	if (!nl)
		return -ENOMEM;
	err = nl_connect(nl, NETLINK_ROUTE);
	if (err < 0) {
		msg(M_ERR, "Cannot open rtnetlink socket: %s", nl_geterror(err));
		nl_socket_free(nl);
		nl = NULL;
		return netcfg_nlerr_to_errno(err);
	}
	/* --up scripts must not inherit it. */
	fcntl(nl_socket_get_fd(nl), F_SETFD, FD_CLOEXEC);
	nl_socket_modify_err_cb(nl, NL_CB_CUSTOM, netcfg_err_cb, NULL);
	/* Best effort: older kernels just give no text. */
	setsockopt(nl_socket_get_fd(nl), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	return 0;
}

void netcfg_cleanup(void)
{
	if (!nl)
		return;
	nl_close(nl);
	nl_socket_free(nl);
	nl = NULL;
}

static const char *netcfg_ifname(int ifindex, char buf[IF_NAMESIZE])
{
	if (!if_indextoname((unsigned int)ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "if%d", ifindex);
	return buf;
}

static void netcfg_begin(const char *desc)
{
	msg(D_NORMAL, "netcfg: %s", desc);
	last.err = 0;
	last.text[0] = '\0';
}

static bool netcfg_is_gone(int err)
{
	return err == -ESRCH || err == -ENOENT || err == -EADDRNOTAVAIL ||
	       err == -ENODEV;
}

/* Translate the result and log a failure once, with the kernel's reason. */
static int netcfg_end(const char *desc, enum nc_op op, int nlerr)
{
	int err;

	if (nlerr >= 0)
		return 0;
	err = last.err ? -last.err : netcfg_nlerr_to_errno(nlerr);
	if (op == NC_ADD && err == -EEXIST)
		msg(D_NORMAL, "netcfg: %s: already present", desc);
	else if (op == NC_DEL && netcfg_is_gone(err))
		msg(D_NORMAL, "netcfg: %s: already gone", desc);
	else
		msg(M_WARN, "netcfg: %s failed: %s%s%s%s", desc, strerror(-err),
		    last.text[0] ? " (" : "", last.text,
		    last.text[0] ? ")" : "");
	return err;
}

/* ---- links -------------------------------------------------------------- */

static int netcfg_link_change(int ifindex, struct rtnl_link *change,
			      const char *desc)
{
	struct rtnl_link *orig;
	int err;

	orig = rtnl_link_alloc();
	if (!orig)
		return -ENOMEM;
	rtnl_link_set_ifindex(orig, ifindex);
	netcfg_begin(desc);
	err = netcfg_end(desc, NC_SET, rtnl_link_change(nl, orig, change, 0));
	rtnl_link_put(orig);
	return err;
}

enum nc_link_attr { NC_LINK_UP, NC_LINK_DOWN, NC_LINK_MTU, NC_LINK_TXQLEN };

static int netcfg_link_set(int ifindex, enum nc_link_attr what,
			   unsigned int val)
{
	static const char *const verb[] = { "up", "down", "mtu", "txqueuelen" };
	struct rtnl_link *c;
	char ifn[IF_NAMESIZE];
	char desc[96];
	int err;

	if (!nl)
		return -ENOTCONN;
	c = rtnl_link_alloc();
	if (!c)
		return -ENOMEM;
	switch (what) {
	case NC_LINK_UP: rtnl_link_set_flags(c, IFF_UP); break;
	case NC_LINK_DOWN: rtnl_link_unset_flags(c, IFF_UP); break;
	case NC_LINK_MTU: rtnl_link_set_mtu(c, val); break;
	case NC_LINK_TXQLEN: rtnl_link_set_txqlen(c, val); break;
	}
	if (what == NC_LINK_UP || what == NC_LINK_DOWN)
		snprintf(desc, sizeof(desc), "set link %s %s",
			 netcfg_ifname(ifindex, ifn), verb[what]);
	else
		snprintf(desc, sizeof(desc), "set link %s %s %u",
			 netcfg_ifname(ifindex, ifn), verb[what], val);
	err = netcfg_link_change(ifindex, c, desc);
	rtnl_link_put(c);
	return err;
}

int netcfg_link_set_up(int ifindex, bool up)
{
	return netcfg_link_set(ifindex, up ? NC_LINK_UP : NC_LINK_DOWN, 0);
}

int netcfg_link_set_mtu(int ifindex, unsigned int mtu)
{
	return netcfg_link_set(ifindex, NC_LINK_MTU, mtu);
}

int netcfg_link_set_txqueuelen(int ifindex, unsigned int qlen)
{
	return netcfg_link_set(ifindex, NC_LINK_TXQLEN, qlen);
}

/* ---- addresses ---------------------------------------------------------- */

static size_t netcfg_alen(int family)
{
	return family == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr);
}

/* Fill an address object: local, then peer, then the prefix length, in
 * that order because libnl derives the prefix from whichever it saw last. */
static int netcfg_addr_fill(struct rtnl_addr *a, int family, int ifindex,
			    const void *local, int plen, const void *peer)
{
	struct nl_addr *l, *p = NULL;
	int err = -NLE_NOMEM;

	l = nl_addr_build(family, local, netcfg_alen(family));
	if (peer)
		p = nl_addr_build(family, peer, netcfg_alen(family));
	if (!l || (peer && !p))
		goto out;
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_family(a, family);
	err = rtnl_addr_set_local(a, l);
	if (!err && p)
		err = rtnl_addr_set_peer(a, p);
	if (!err)
		rtnl_addr_set_prefixlen(a, plen);
out:
	if (l)
		nl_addr_put(l);
	if (p)
		nl_addr_put(p);
	return err;
}

static int netcfg_addr(enum nc_op op, int family, int ifindex, const void *local,
		       int plen, const void *peer)
{
	char ifn[IF_NAMESIZE], l[INET6_ADDRSTRLEN], p[INET6_ADDRSTRLEN];
	char desc[160];
	struct rtnl_addr *a;
	int err;

	if (!nl)
		return -ENOTCONN;
	inet_ntop(family, local, l, sizeof(l));
	if (peer)
		snprintf(desc, sizeof(desc), "%s address %s peer %s dev %s",
			 op == NC_ADD ? "add" : "del", l,
			 inet_ntop(family, peer, p, sizeof(p)),
			 netcfg_ifname(ifindex, ifn));
	else
		snprintf(desc, sizeof(desc), "%s address %s/%d dev %s",
			 op == NC_ADD ? "add" : "del", l, plen,
			 netcfg_ifname(ifindex, ifn));
	a = rtnl_addr_alloc();
	if (!a)
		return -ENOMEM;
	err = netcfg_addr_fill(a, family, ifindex, local, plen, peer);
	if (err < 0) {
		err = netcfg_nlerr_to_errno(err);
		goto out;
	}
	netcfg_begin(desc);
	if (op == NC_ADD)
		err = netcfg_end(desc, op, rtnl_addr_add(nl, a, NLM_F_EXCL));
	else
		err = netcfg_end(desc, op, rtnl_addr_delete(nl, a, 0));
out:
	rtnl_addr_put(a);
	return err;
}

static int netcfg_addr4(enum nc_op op, int ifindex, const struct netcfg_addr4 *a)
{
	if (a->prefixlen < 0 || a->prefixlen > 32)
		return -EINVAL;
	return netcfg_addr(op, AF_INET, ifindex, &a->local, a->prefixlen,
			   a->has_peer ? &a->peer : NULL);
}

int netcfg_addr4_add(int ifindex, const struct netcfg_addr4 *a)
{
	return netcfg_addr4(NC_ADD, ifindex, a);
}

int netcfg_addr4_del(int ifindex, const struct netcfg_addr4 *a)
{
	return netcfg_addr4(NC_DEL, ifindex, a);
}

int netcfg_addr6_add(int ifindex, const struct netcfg_addr6 *a)
{
	if (a->prefixlen < 0 || a->prefixlen > 128)
		return -EINVAL;
	return netcfg_addr(NC_ADD, AF_INET6, ifindex, &a->local, a->prefixlen, NULL);
}

int netcfg_addr6_del(int ifindex, const struct netcfg_addr6 *a)
{
	if (a->prefixlen < 0 || a->prefixlen > 128)
		return -EINVAL;
	return netcfg_addr(NC_DEL, AF_INET6, ifindex, &a->local, a->prefixlen, NULL);
}

/* ---- routes ------------------------------------------------------------- */

/* The family-independent view of netcfg_route4/6. */
struct nc_route {
	int family;
	const void *dst;
	int plen;
	const void *gw;          /* NULL: none */
	int ifindex;
	uint32_t metric;
	uint32_t table;
};

static void netcfg_route_desc(char *desc, size_t size, enum nc_op op,
			      const struct nc_route *r)
{
	char d[INET6_ADDRSTRLEN], g[INET6_ADDRSTRLEN], ifn[IF_NAMESIZE];
	char via[INET6_ADDRSTRLEN + 8] = "", dev[IF_NAMESIZE + 8] = "";
	char metric[24] = "", table[24] = "";

	inet_ntop(r->family, r->dst, d, sizeof(d));
	if (r->gw)
		snprintf(via, sizeof(via), " via %s",
			 inet_ntop(r->family, r->gw, g, sizeof(g)));
	if (r->ifindex)
		snprintf(dev, sizeof(dev), " dev %s",
			 netcfg_ifname(r->ifindex, ifn));
	if (r->metric)
		snprintf(metric, sizeof(metric), " metric %u", r->metric);
	if (r->table && r->table != RT_TABLE_MAIN)
		snprintf(table, sizeof(table), " table %u", r->table);
	snprintf(desc, size, "%s route %s/%d%s%s%s%s",
		 op == NC_ADD ? "add" : "del", d, r->plen, via, dev, metric, table);
}

static int netcfg_route_fill(struct rtnl_route *rt, const struct nc_route *r)
{
	struct nl_addr *dst, *gw = NULL;
	struct rtnl_nexthop *nh;
	int err = -NLE_NOMEM;

	dst = nl_addr_build(r->family, r->dst, netcfg_alen(r->family));
	if (r->gw)
		gw = nl_addr_build(r->family, r->gw, netcfg_alen(r->family));
	nh = rtnl_route_nh_alloc();
	if (!dst || (r->gw && !gw) || !nh)
		goto out;
	nl_addr_set_prefixlen(dst, r->plen);
	rtnl_route_set_family(rt, (uint8_t)r->family);
	err = rtnl_route_set_dst(rt, dst);
	if (err < 0)
		goto out;
	rtnl_route_set_table(rt, r->table ? r->table : RT_TABLE_MAIN);
	rtnl_route_set_protocol(rt, RTPROT_BOOT);
	rtnl_route_set_type(rt, RTN_UNICAST);
	/* As `ip route` does: a device route is link scope, one via a
	 * gateway is universe; deletes must repeat it to match. */
	rtnl_route_set_scope(rt, r->family == AF_INET && !r->gw ?
			     RT_SCOPE_LINK : RT_SCOPE_UNIVERSE);
	if (r->metric)
		rtnl_route_set_priority(rt, r->metric);
	if (gw)
		rtnl_route_nh_set_gateway(nh, gw);
	if (r->ifindex)
		rtnl_route_nh_set_ifindex(nh, r->ifindex);
	rtnl_route_add_nexthop(rt, nh);   /* the route owns it now */
	nh = NULL;
out:
	if (nh)
		rtnl_route_nh_free(nh);
	if (gw)
		nl_addr_put(gw);
	if (dst)
		nl_addr_put(dst);
	return err;
}

static int netcfg_route(enum nc_op op, const struct nc_route *r)
{
	struct rtnl_route *rt;
	char desc[200];
	int err;

	if (!nl)
		return -ENOTCONN;
	if (!r->gw && !r->ifindex)
		return -EINVAL;
	netcfg_route_desc(desc, sizeof(desc), op, r);
	rt = rtnl_route_alloc();
	if (!rt)
		return -ENOMEM;
	err = netcfg_route_fill(rt, r);
	if (err < 0) {
		err = netcfg_nlerr_to_errno(err);
		goto out;
	}
	netcfg_begin(desc);
	/*
	 * No NLM_F_EXCL, as OpenVPN: a route that differs from an existing
	 * one only in its next hop or protocol is added beside it (with
	 * --route vpn_gateway next to the kernel's peer route, for one).
	 * An exact duplicate still fails with EEXIST.
	 */
	if (op == NC_ADD)
		err = netcfg_end(desc, op, rtnl_route_add(nl, rt, 0));
	else
		err = netcfg_end(desc, op, rtnl_route_delete(nl, rt, 0));
out:
	rtnl_route_put(rt);
	return err;
}

static int netcfg_route4(enum nc_op op, const struct netcfg_route4 *r)
{
	struct nc_route nr = {
		.family = AF_INET, .dst = &r->dst, .plen = r->prefixlen,
		.gw = r->has_gw ? &r->gw : NULL, .ifindex = r->ifindex,
		.metric = r->metric, .table = r->table,
	};

	if (r->prefixlen < 0 || r->prefixlen > 32)
		return -EINVAL;
	return netcfg_route(op, &nr);
}

static int netcfg_route6(enum nc_op op, const struct netcfg_route6 *r)
{
	struct nc_route nr = {
		.family = AF_INET6, .dst = &r->dst, .plen = r->prefixlen,
		.gw = r->has_gw ? &r->gw : NULL, .ifindex = r->ifindex,
		.metric = r->metric, .table = r->table,
	};

	if (r->prefixlen < 0 || r->prefixlen > 128)
		return -EINVAL;
	return netcfg_route(op, &nr);
}

int netcfg_route4_add(const struct netcfg_route4 *r)
{
	return netcfg_route4(NC_ADD, r);
}

int netcfg_route4_del(const struct netcfg_route4 *r)
{
	return netcfg_route4(NC_DEL, r);
}

int netcfg_route6_add(const struct netcfg_route6 *r)
{
	return netcfg_route6(NC_ADD, r);
}

int netcfg_route6_del(const struct netcfg_route6 *r)
{
	return netcfg_route6(NC_DEL, r);
}

/* ---- route lookup (what the kernel would use now) ------------------------- */

struct route_answer {
	int family;
	bool has_gw;
	uint8_t gw[16];
	int ifindex;
	bool found;
};

static int netcfg_lookup_cb(struct nl_msg *m, void *arg)
{
	struct route_answer *ans = arg;
	struct nlmsghdr *h = nlmsg_hdr(m);
	struct nlattr *tb[RTA_MAX + 1];
	size_t alen = ans->family == AF_INET ? 4 : 16;

	if (h->nlmsg_type != RTM_NEWROUTE ||
	    nlmsg_parse(h, sizeof(struct rtmsg), tb, RTA_MAX, NULL) < 0)
		return NL_SKIP;
	if (tb[RTA_OIF] && nla_len(tb[RTA_OIF]) >= 4)
		ans->ifindex = (int)nla_get_u32(tb[RTA_OIF]);
	if (tb[RTA_GATEWAY] && (size_t)nla_len(tb[RTA_GATEWAY]) == alen) {
		memcpy(ans->gw, nla_data(tb[RTA_GATEWAY]), alen);
		ans->has_gw = true;
	}
	ans->found = ans->ifindex > 0;
	return NL_OK;
}

/* RTM_GETROUTE for one destination, on a socket of its own (rarely used). */
static int netcfg_route_lookup(int family, const void *dst, struct route_answer *ans)
{
	struct rtmsg rtm = { .rtm_family = (unsigned char)family,
			     .rtm_dst_len = family == AF_INET ? 32 : 128 };
	struct nl_sock *s = nl_socket_alloc();
	struct nl_msg *m = NULL;
	int ret = -ENOMEM;

	memset(ans, 0, sizeof(*ans));
	ans->family = family;
	if (!s)
		goto out;
	if (nl_connect(s, NETLINK_ROUTE) < 0) {
		ret = -EIO;
		goto out;
	}
	m = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_REQUEST);
	if (!m || nlmsg_append(m, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put(m, RTA_DST, family == AF_INET ? 4 : 16, dst) < 0)
		goto out;
	nl_socket_modify_cb(s, NL_CB_VALID, NL_CB_CUSTOM, netcfg_lookup_cb, ans);
	if (nl_send_auto(s, m) < 0) {
		ret = -EIO;
		goto out;
	}
	ret = nl_recvmsgs_default(s);
	ret = ret < 0 ? -ENETUNREACH : ans->found ? 0 : -ENETUNREACH;
out:
	nlmsg_free(m);
	nl_socket_free(s);
	return ret;
}

int netcfg_route4_lookup(struct in_addr dst, bool *has_gw, struct in_addr *gw, int *ifindex)
{
	struct route_answer ans;
	int ret = netcfg_route_lookup(AF_INET, &dst, &ans);

	if (ret == 0) {
		*has_gw = ans.has_gw;
		memcpy(gw, ans.gw, 4);
		*ifindex = ans.ifindex;
	}
	return ret;
}

int netcfg_route6_lookup(const struct in6_addr *dst, bool *has_gw, struct in6_addr *gw,
			 int *ifindex)
{
	struct route_answer ans;
	int ret = netcfg_route_lookup(AF_INET6, dst, &ans);

	if (ret == 0) {
		*has_gw = ans.has_gw;
		memcpy(gw, ans.gw, 16);
		*ifindex = ans.ifindex;
	}
	return ret;
}
