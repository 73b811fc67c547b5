/* SPDX-License-Identifier: GPL-2.0-only */
/* TCP MSS clamping so tunnelled segments fit the transport path. */
#ifndef _NET_OVPN_DCO_MSS_H_
#define _NET_OVPN_DCO_MSS_H_

struct ovpn_peer;
struct sk_buff;

void ovpn_mss_clamp(struct ovpn_peer *peer, struct sk_buff *skb);

#endif /* _NET_OVPN_DCO_MSS_H_ */
