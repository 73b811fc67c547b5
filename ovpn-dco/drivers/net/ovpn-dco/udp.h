/* SPDX-License-Identifier: GPL-2.0-only */
/* The handed-over UDP socket: attach, receive hook, send. */
#ifndef _NET_OVPN_DCO_UDP_H_
#define _NET_OVPN_DCO_UDP_H_

#include <linux/kref.h>
#include <linux/net.h>

struct ovpn_struct;
struct ovpn_peer;
struct sk_buff;

struct ovpn_socket {
	struct ovpn_struct *ovpn;
	struct socket *sock;
	struct kref refcount;
};

struct ovpn_socket *ovpn_socket_attach(struct ovpn_struct *ovpn,
				       struct socket *sock);
void ovpn_socket_put(struct ovpn_socket *os);
void ovpn_udp_send(struct ovpn_peer *peer, struct sk_buff *skb);

#endif /* _NET_OVPN_DCO_UDP_H_ */
