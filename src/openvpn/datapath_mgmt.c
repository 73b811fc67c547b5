/*
 * The point-to-point instance's side of the management interface: its
 * status report and byte counts (with DCO, the kernel's counters added, as
 * for the SIGUSR2 statistics) and the state lines it announces.
 */
#include "datapath_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include "dco.h"
#include "management.h"
#include "status.h"

/* Userspace counters plus, with DCO, what the kernel carried. */
static void tunnel_mgmt_counters(struct tunnel *t, struct status_p2p *s)
{
	struct dco_peer_stats st;

	s->tun_read_bytes = t->st.tun_read_bytes;
	s->tun_write_bytes = t->st.tun_write_bytes;
	s->link_read_bytes = t->st.link_read_bytes;
	s->link_write_bytes = t->st.link_write_bytes;
	s->auth_read_bytes = t->st.tun_write_bytes;
	if (!t->dco_peer || dco_get_peer_stats(t->persist->dco, t->dco_peer_id, &st) < 0)
		return;
	s->tun_read_bytes += st.vpn_tx_bytes;
	s->tun_write_bytes += st.vpn_rx_bytes;
	s->link_read_bytes += st.link_rx_bytes;
	s->link_write_bytes += st.link_tx_bytes;
	s->auth_read_bytes += st.vpn_rx_bytes;
}

static char *tunnel_mgmt_status(void *ctx, int version)
{
	struct status_p2p s = { .now = time(NULL) };
	char *text;
	int n;

	tunnel_mgmt_counters(ctx, &s);
	n = status_format_p2p(&s, NULL, 0);
	if (n < 0)
		return NULL;
	text = malloc((size_t)n + 1);
	if (text)
		status_format_p2p(&s, text, (size_t)n + 1);
	return text;
}

static void tunnel_mgmt_bytecount(void *ctx)
{
	struct status_p2p s = { 0 };

	tunnel_mgmt_counters(ctx, &s);
	management_bytecount(s.link_read_bytes, s.link_write_bytes);
}

static void tunnel_mgmt_load_stats(void *ctx, struct mgmt_load *l)
{
	struct status_p2p s = { 0 };

	tunnel_mgmt_counters(ctx, &s);
	l->bytes_in = s.link_read_bytes;
	l->bytes_out = s.link_write_bytes;
}

static const struct mgmt_ops tunnel_mgmt_ops = {
	.status = tunnel_mgmt_status,
	.bytecount = tunnel_mgmt_bytecount,
	.load_stats = tunnel_mgmt_load_stats,
};

void tunnel_mgmt_attach(struct tunnel *t)
{
	management_attach(&t->loop, &tunnel_mgmt_ops, t);
}

static void tunnel_mgmt_host_port(const struct sockaddr_any *a, char *host, size_t hlen,
				  char *port, size_t plen)
{
	addr_host_to_str(a, host, hlen);
	snprintf(port, plen, "%u", ntohs(a->sa.sa_family == AF_INET ? a->in4.sin_port :
					   a->in6.sin6_port));
}

void tunnel_mgmt_state(struct tunnel *t, const char *state, const char *desc)
{
	char rhost[ADDR_STRLEN] = "", rport[8] = "", lhost[ADDR_STRLEN] = "", lport[8] = "";
	char ip6[INET6_ADDRSTRLEN + 4] = "";
	struct mgmt_state_info info = { .desc = desc };
	struct sockaddr_any local = { .len = sizeof(local.ss) };
	bool connected = strcmp(state, "CONNECTED") == 0;

	if (!management_enabled())
		return;
	/* as 2.6: addresses in ASSIGN_IP and CONNECTED, the remote only in
	 * CONNECTED; the other states carry no fields */
	if (connected || strcmp(state, "ASSIGN_IP") == 0) {
		info.tun_ip = t->o->ifconfig_local;
		if (t->o->ifconfig_ipv6_local) {
			snprintf(ip6, sizeof(ip6), "%s", t->o->ifconfig_ipv6_local);
			ip6[strcspn(ip6, "/")] = '\0';
			info.tun_ip6 = ip6;
		}
	}
	if (connected && t->remote_known) {
		tunnel_mgmt_host_port(&t->remote, rhost, sizeof(rhost), rport, sizeof(rport));
		info.remote_ip = rhost;
		info.remote_port = rport;
	}
	/* a wildcard bind says nothing: the local address only when bound to one */
	if (connected && t->remote_known && link_is_open(&t->link) &&
	    getsockname(link_fd(&t->link), &local.sa, &local.len) == 0 &&
	    !addr_is_wildcard(&local)) {
		tunnel_mgmt_host_port(&local, lhost, sizeof(lhost), lport, sizeof(lport));
		info.local_ip = lhost;
		info.local_port = lport;
	}
	management_state(state, &info);
}
