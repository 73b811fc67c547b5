/*
 * Point-to-point instance: its transport. The --remote to try (in order,
 * or shuffled by --remote-random), name resolution, the UDP socket, the TCP
 * client connection and the TCP server's single accepted connection.
 */
#include "datapath_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "crypto.h"
#include "script.h"

const struct remote_entry *tunnel_current_remote(struct tunnel *t)
{
	struct tunnel_persist *p = t->persist;
	int n = t->o->n_remotes;
	int i;

	if (n == 0)
		return NULL;
	if (!p->order_ready) {
		/* --remote-random: one shuffle per process start, as 2.6 */
		for (i = 0; i < n; i++)
			p->order[i] = (uint8_t)i;
		for (i = n - 1; t->o->remote_random && i > 0; i--) {
			uint32_t r;
			uint8_t tmp;

			crypto_rand_bytes(&r, sizeof(r));
			r %= (uint32_t)(i + 1);
			tmp = p->order[i];
			p->order[i] = p->order[r];
			p->order[r] = tmp;
		}
		p->order_ready = true;
	}
	return &t->o->remotes[p->order[p->remote_index % n]];
}

/*
 * --remote-random-hostname: a fresh random label in front of a host name,
 * so that no DNS cache answers for it. Addresses are left alone.
 */
static const char *tunnel_random_host(const char *host, char *buf, size_t len)
{
	struct in6_addr a6;
	uint8_t rnd[6];
	int n;

	if (inet_pton(AF_INET, host, &a6) == 1 || inet_pton(AF_INET6, host, &a6) == 1)
		return host;
	if (crypto_rand_bytes(rnd, sizeof(rnd)) < 0)
		return host;
	n = snprintf(buf, len, "%02x%02x%02x%02x%02x%02x.%s", rnd[0], rnd[1], rnd[2],
		     rnd[3], rnd[4], rnd[5], host);
	return n > 0 && (size_t)n < len ? buf : host;
}

static int tunnel_resolve_remote(struct tunnel *t, int family, int socktype)
{
	const struct remote_entry *r = tunnel_current_remote(t);
	const char *port, *host;
	char rnd_host[300];
	int ret;

	if (!r)
		return 0;
	port = r->port ? r->port : t->o->rport;
	host = r->host;
	if (t->o->remote_random_hostname)
		host = tunnel_random_host(r->host, rnd_host, sizeof(rnd_host));
	ret = addr_resolve(host, port, family, socktype, false, &t->remote, 1);
	if (ret <= 0) {
		msg(M_ERR, "RESOLVE: Cannot resolve host address: %s:%s (%s)", host, port,
		    ret < 0 ? strerror(-ret) : "no address");
		t->resolve_failed = true;
		return ret < 0 ? ret : -EHOSTUNREACH;
	}
	t->persist->resolve_fail_since = 0;
	t->remote_known = true;
	return 0;
}

static int tunnel_resolve_local(struct tunnel *t, struct sockaddr_any *local, int family,
				int socktype)
{
	int ret = addr_resolve(t->o->local, t->o->lport, family, socktype, true, local, 1);

	if (ret <= 0) {
		msg(M_ERR, "RESOLVE: Cannot resolve local address %s:%s",
		    t->o->local ? t->o->local : "[wildcard]", t->o->lport);
		return ret < 0 ? ret : -EADDRNOTAVAIL;
	}
	return 0;
}

static int tunnel_open_udp(struct tunnel *t)
{
	struct sockaddr_any local;
	int family = proto_family(t->o->proto);
	int ret;

	ret = tunnel_resolve_remote(t, family, SOCK_DGRAM);
	if (ret < 0)
		return ret;
	/* With a remote, the socket takes its family unless --local says otherwise. */
	if (t->remote_known && family == AF_UNSPEC && !t->o->local)
		family = addr_family(&t->remote);
	if (t->o->bind_local) {
		ret = tunnel_resolve_local(t, &local, family, SOCK_DGRAM);
		if (ret < 0)
			return ret;
	}
	ret = link_udp_open(&t->link, t->o->bind_local ? &local : NULL, family, &t->lopts);
	if (ret < 0) {
		msg(M_ERR, "UDP socket: %s", strerror(-ret));
		return ret;
	}
	return 0;
}

/* --server-poll-timeout, else --connect-timeout (this connection's). */
static int tunnel_poll_secs(const struct tunnel *t)
{
	return t->o->server_poll_timeout > 0 ? t->o->server_poll_timeout : t->o->connect_timeout;
}

/* A --client/--pull client gives up on a server that has not answered in time and
 * tries the next one, as 2.6 does; a TCP connect is bounded the same way. */
bool tunnel_polls_server(const struct tunnel *t)
{
	return t->o->pull && t->o->n_remotes > 0 && tunnel_poll_secs(t) > 0;
}

void tunnel_poll_arm(struct tunnel *t)
{
	if (tunnel_poll_secs(t) > 0)
		timer_arm(&t->loop, &t->connect_timer, (uint64_t)tunnel_poll_secs(t) * 1000);
}

void tunnel_connect_timeout(struct timer *tm)
{
	struct tunnel *t = container_of(tm, struct tunnel, connect_timer);
	char a[96];

	if (t->link.connecting) {
		msg(M_INFO, "TCP: connect to %s timed out after %d s (--connect-timeout)",
		    addr_to_str(&t->remote, a, sizeof(a)), tunnel_poll_secs(t));
		tunnel_end(t, TUNNEL_RESTART_SOFT, "connection-failed");
		return;
	}
	if (t->heard || !tunnel_polls_server(t))
		return;
	msg(M_INFO, "Server poll timeout (%d s): no answer from %s, trying the next server",
	    tunnel_poll_secs(t), addr_to_str(&t->remote, a, sizeof(a)));
	tunnel_end(t, TUNNEL_RESTART_SOFT, "server_poll");
}

void tunnel_tcp_connected(struct tunnel *t)
{
	char a[96];

	/* a TLS client keeps the timer until the server answers */
	if (!tunnel_polls_server(t))
		timer_cancel(&t->loop, &t->connect_timer);

	msg(M_INFO, "TCP connection established with %s", addr_to_str(&t->link.peer, a, sizeof(a)));
	t->remote = t->link.peer;
	t->remote_known = true;
	addr_to_str(&t->remote, t->peer_name, sizeof(t->peer_name));
	if (t->tls_mode) {
		/* the TCP server waits for the client's reset */
		tunnel_ssl_begin(t, !proto_is_tcp_server(t->o->proto));
		return;
	}
	t->peer_seen = true;
	ping_start_receive_timer(&t->ping);
	script_ipchange(t->o, &t->remote);
	tunnel_mark_up(t);
}

void tunnel_listener_ready(struct event_handler *h, uint32_t events)
{
	struct tunnel *t = container_of(h, struct tunnel, listen_h);
	int ret;

	if (link_is_open(&t->link)) {
		struct link extra = { 0 };

		/* P2P carries one connection; later ones are refused. */
		if (link_tcp_accept(&t->listener, &extra) == 0) {
			char a[96];

			msg_ratelimited(&t->rl_peer, M_WARN, "TCP: refusing second connection from %s",
					addr_to_str(&extra.peer, a, sizeof(a)));
			link_close(&extra);
		}
		return;
	}
	ret = link_tcp_accept(&t->listener, &t->link);
	if (ret == -EAGAIN)
		return;
	if (ret < 0) {
		msg(M_WARN, "TCP: accept failed: %s", strerror(-ret));
		return;
	}
	t->link_events = EPOLLIN;
	event_add(&t->loop, link_fd(&t->link), EPOLLIN, &t->link_h);
	tunnel_tcp_connected(t);
}

static int tunnel_open_tcp_server(struct tunnel *t)
{
	struct sockaddr_any local;
	int family = proto_family(t->o->proto);
	int ret;

	ret = tunnel_resolve_local(t, &local, family, SOCK_STREAM);
	if (ret < 0)
		return ret;
	ret = link_tcp_listen(&t->listener, &local, family, &t->lopts);
	if (ret < 0) {
		char a[96];

		msg(M_ERR, "TCP: listen on %s failed: %s", addr_to_str(&local, a, sizeof(a)),
		    strerror(-ret));
		return ret;
	}
	msg(M_INFO, "Listening for incoming TCP connection on %s",
	    addr_to_str(&t->listener.local, (char[96]){ 0 }, 96));
	return event_add(&t->loop, link_fd(&t->listener), EPOLLIN, &t->listen_h);
}

static int tunnel_open_tcp_client(struct tunnel *t)
{
	struct sockaddr_any local;
	char a[96];
	int family = proto_family(t->o->proto);
	int ret;

	ret = tunnel_resolve_remote(t, family, SOCK_STREAM);
	if (ret < 0)
		return ret;
	if (!t->remote_known) {
		msg(M_ERR, "TCP client mode needs --remote");
		return -EINVAL;
	}
	if (t->o->bind_local && t->o->local) {
		ret = tunnel_resolve_local(t, &local, addr_family(&t->remote), SOCK_STREAM);
		if (ret < 0)
			return ret;
	}
	msg(M_INFO, "Attempting to establish TCP connection with %s",
	    addr_to_str(&t->remote, a, sizeof(a)));
	ret = link_tcp_connect(&t->link, &t->remote,
			       t->o->bind_local && t->o->local ? &local : NULL, &t->lopts);
	if (ret < 0 && ret != -EINPROGRESS) {
		msg(M_INFO, "TCP: connect to %s failed: %s", a, strerror(-ret));
		return ret;
	}
	t->link_events = EPOLLIN | EPOLLOUT;
	ret = event_add(&t->loop, link_fd(&t->link), t->link_events, &t->link_h);
	if (ret == 0 && !t->link.connecting)
		tunnel_tcp_connected(t);
	else if (ret == 0)
		tunnel_poll_arm(t);
	return ret;
}

int tunnel_open_transport(struct tunnel *t)
{
	int ret;

	t->lopts.sndbuf = t->o->sndbuf;
	t->lopts.rcvbuf = t->o->rcvbuf;
	t->lopts.mark = t->o->mark;
	t->lopts.ipv6_only = t->o->bind_ipv6_only;
	t->lopts.pmtudisc = t->o->mtu_disc;
	if (proto_is_tcp_server(t->o->proto))
		return tunnel_open_tcp_server(t);
	if (proto_is_tcp(t->o->proto))
		return tunnel_open_tcp_client(t);
	ret = tunnel_open_udp(t);
	if (ret < 0)
		return ret;
	if (tunnel_polls_server(t))
		tunnel_poll_arm(t);
	t->link_events = EPOLLIN;
	return event_add(&t->loop, link_fd(&t->link), EPOLLIN, &t->link_h);
}
