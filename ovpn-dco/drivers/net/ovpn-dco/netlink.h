/* SPDX-License-Identifier: GPL-2.0-only */
/* Generic netlink family "ovpn-dco-v2". */
#ifndef _NET_OVPN_DCO_NETLINK_H_
#define _NET_OVPN_DCO_NETLINK_H_

#include <linux/types.h>

struct ovpn_peer;

int ovpn_nl_register(void);
void ovpn_nl_unregister(void);
void ovpn_nl_notify_del_peer(struct ovpn_peer *peer, u8 reason);

#endif /* _NET_OVPN_DCO_NETLINK_H_ */
