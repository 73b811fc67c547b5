/*
 * Point-to-point instance: its device, the tun or the ovpn-dco interface,
 * with addresses, --up, routes and --route-up on the way in, --route-pre-down
 * and --down on the way out; kept across soft restarts with --persist-tun.
 */
#include "datapath_int.h"

#include <errno.h>
#include <stdio.h>

#include "dco.h"
#include "script.h"

static void tunnel_release_tun(struct tunnel_persist *p)
{
	if (p->dco) {
		route_undo(&p->routes);
		msg(M_INFO, "Closing DCO interface %s", dco_ifname(p->dco));
		dco_close(p->dco);
		p->dco = NULL;
	}
	if (!p->tun_open)
		return;
	route_undo(&p->routes);
	msg(M_INFO, "Closing TUN/TAP interface %s", p->tun.ifname);
	/* an interface made persistent by --mktun (or ip tuntap) stays, as
	 * in 2.6; its addresses and routes went with route_undo() */
	tun_close(&p->tun, true);
	p->tun_open = false;
}

int tunnel_persist_open_tun(struct tunnel_persist *p, const struct options *o)
{
	struct tun_config cfg = { .dev = o->dev, .dev_type = o->dev_type, .dev_node = o->dev_node };
	int ret;

	if (p->tun_open) {
		msg(M_INFO, "Preserving previous TUN/TAP instance: %s", p->tun.ifname);
		return 0;
	}
	tun_init(&p->tun);
	route_state_init(&p->routes);
	ret = tun_open(&p->tun, &cfg);
	if (ret < 0)
		return ret;
	p->tun_open = true;
	msg(M_INFO, "TUN/TAP device %s opened", p->tun.ifname);
	return 1;
}

int tunnel_dev_configure(struct tunnel *t, int ifindex, const char *ifname)
{
	struct tunnel_persist *p = t->persist;
	int ret;

	ret = route_ifconfig_apply(t->o, ifindex, &p->routes);
	/* 2.6 order: addresses, --up, routes, --route-up; a failed --up is fatal */
	if (ret == 0 && script_tunnel_up(t->o, ifname, false) != 0)
		ret = -ECANCELED;
	/* as 2.6, only when there are routes to add */
	if (ret == 0 && (t->o->n_routes || t->o->n_routes_ipv6 || t->o->redirect_gateway))
		tunnel_mgmt_state(t, "ADD_ROUTES", NULL);
	if (ret == 0)
		ret = route_apply(t->o, ifindex, &p->routes);
	if (ret == 0)
		ret = route_redirect_apply(t->o, ifindex, t->remote_known ? &t->remote : NULL,
					   &p->routes);
	if (ret < 0)
		return ret;
	script_route_up(t->o, ifname);
	return 0;
}

int tunnel_open_tun(struct tunnel *t)
{
	struct tunnel_persist *p = t->persist;
	int ret;

	if (tunnel_dco_wanted(t)) {
		ret = tunnel_dco_open_dev(t);
		if (ret <= 0)
			return ret;
	}
	ret = tunnel_persist_open_tun(p, t->o);
	if (ret == 1)
		ret = tunnel_dev_configure(t, p->tun.ifindex, p->tun.ifname);
	else if (ret == 0 && t->o->up_restart && script_tunnel_up(t->o, p->tun.ifname, true) != 0)
		ret = -ECANCELED;
	if (ret < 0)
		return ret;
	t->tun = &p->tun;
	return 0;
}

/* Open (or keep) the tun device and start reading it. */
int tunnel_tun_attach(struct tunnel *t)
{
	int ret = tunnel_open_tun(t);

	if (ret < 0 || t->dco)
		return ret;
	t->tun_events = EPOLLIN;
	return event_add(&t->loop, t->tun->fd, EPOLLIN, &t->tun_h);
}

/* The device scripts are told about: the tun or the ovpn-dco interface. */
const char *tunnel_dev_name(const struct tunnel_persist *p)
{
	if (p->dco)
		return dco_ifname(p->dco);
	return p->tun_open ? p->tun.ifname : NULL;
}

/* --route-pre-down, then --down once the device is gone (--down-pre:
 * before it goes), as 2.6 orders them. */
void tunnel_close_tun(struct tunnel *t)
{
	const char *why = t->end_reason ? t->end_reason : "error";
	char dev[TUN_IFNAMSIZ] = "";

	if (tunnel_dev_name(t->persist))
		snprintf(dev, sizeof(dev), "%s", tunnel_dev_name(t->persist));
	if (dev[0])
		script_route_pre_down(t->o, dev);
	if (dev[0] && t->o->down_pre)
		script_tunnel_down(t->o, dev, false, why);
	tunnel_release_tun(t->persist);
	if (dev[0] && !t->o->down_pre)
		script_tunnel_down(t->o, dev, false, why);
}

void tunnel_persist_release_tun(struct tunnel_persist *p)
{
	tunnel_release_tun(p);
}
