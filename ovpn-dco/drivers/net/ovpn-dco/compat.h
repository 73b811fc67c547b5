/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel API differences across the versions this module builds for.
 * Every version test lives here; the rest of the code uses the ovpn_
 * wrappers below.
 */
#ifndef _NET_OVPN_DCO_COMPAT_H_
#define _NET_OVPN_DCO_COMPAT_H_

#include <linux/version.h>
#include <linux/timer.h>
#include <net/genetlink.h>

/* 6.4 moved the GSO helpers to their own header */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#include <net/gso.h>
#endif

/* 6.12 moved the unaligned helpers out of asm/ */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* 6.2 passes the split op to pre_doit/post_doit */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define ovpn_genl_op_t struct genl_split_ops
#else
#define ovpn_genl_op_t struct genl_ops
#endif

/* 6.2 added timer_shutdown_sync(); 6.16 renamed from_timer() */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define ovpn_timer_shutdown_sync(t) timer_shutdown_sync(t)
#else
#define ovpn_timer_shutdown_sync(t) del_timer_sync(t)
#endif

#ifndef from_timer
#define from_timer(var, callback_timer, timer_fieldname) \
	timer_container_of(var, callback_timer, timer_fieldname)
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
#define OVPN_NEWLINK_ARGS struct net_device *dev, \
	struct rtnl_newlink_params *params, struct netlink_ext_ack *extack
#define OVPN_NEWLINK_DATA (params->data)
#else
#define OVPN_NEWLINK_ARGS struct net *src_net, struct net_device *dev, \
	struct nlattr *tb[], struct nlattr *data[], \
	struct netlink_ext_ack *extack
#define OVPN_NEWLINK_DATA (data)
#endif

/* 6.6 made the dev stats helpers generic; older kernels have core_stats */
#define ovpn_dev_rx_dropped(dev) dev_core_stats_rx_dropped_inc(dev)
#define ovpn_dev_tx_dropped(dev) dev_core_stats_tx_dropped_inc(dev)

/* 6.3 passes the request data, not the request, to crypto callbacks */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define OVPN_CRYPTO_DONE_ARGS void *data, int err
#define OVPN_CRYPTO_DONE_DATA (data)
#else
#define OVPN_CRYPTO_DONE_ARGS struct crypto_async_request *areq, int err
#define OVPN_CRYPTO_DONE_DATA (areq->data)
#endif

/* 6.2 embeds a genl_info in the dump info */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define ovpn_dump_attrs(cb) (genl_dumpit_info(cb)->info.attrs)
#else
#define ovpn_dump_attrs(cb) (genl_dumpit_info(cb)->attrs)
#endif

#ifndef UDP_ENCAP_OVPNINUDP
#define UDP_ENCAP_OVPNINUDP 100
#endif

#endif /* _NET_OVPN_DCO_COMPAT_H_ */
