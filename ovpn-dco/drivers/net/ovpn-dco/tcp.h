/* SPDX-License-Identifier: GPL-2.0-only */
/* A connected TCP socket carrying one peer's records. */
#ifndef _NET_OVPN_DCO_TCP_H_
#define _NET_OVPN_DCO_TCP_H_

#include <linux/net.h>

struct ovpn_peer;
struct ovpn_tcp;
struct sk_buff;

int ovpn_tcp_attach(struct ovpn_peer *peer, struct socket *sock);
void ovpn_tcp_detach(struct ovpn_tcp *tcp);
void ovpn_tcp_send(struct ovpn_peer *peer, struct sk_buff *skb);
__be16 ovpn_tcp_local_port(struct ovpn_tcp *tcp);

#endif /* _NET_OVPN_DCO_TCP_H_ */
