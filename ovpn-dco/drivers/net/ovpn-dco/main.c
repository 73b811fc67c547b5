// SPDX-License-Identifier: GPL-2.0-only
/*
 * OpenVPN data channel offload: module entry points and the "ovpn-dco"
 * network device (rtnl link kind, P2P and MP modes).
 */

#include <linux/ethtool.h>
#include <linux/if_arp.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <net/ip.h>
#include <net/rtnetlink.h>

#include <uapi/linux/ovpn_dco.h>

#include "compat.h"
#include "crypto.h"
#include "io.h"
#include "netlink.h"
#include "ovpn.h"
#include "peer.h"
#include "proto.h"

#ifndef OVPN_DCO_VERSION
#define OVPN_DCO_VERSION "2.0.0"
#endif

#define OVPN_DCO_KIND "ovpn-dco"

/* DATA_V2 header and tag, UDP and an IPv6 header: 1500 - 72 */
#define OVPN_DEFAULT_MTU (ETH_DATA_LEN - OVPN_HEAD_SIZE - 8 - 40)
#define OVPN_MAX_MTU (IP_MAX_MTU - OVPN_HEAD_SIZE - 8 - 40)

struct workqueue_struct *ovpn_wq;

static int ovpn_net_init(struct net_device *dev)
{
	struct ovpn_struct *ovpn = netdev_priv(dev);
	int err;

	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	if (!dev->tstats)
		return -ENOMEM;
	err = gro_cells_init(&ovpn->gro_cells, dev);
	if (err) {
		free_percpu(dev->tstats);
		dev->tstats = NULL;
	}
	return err;
}

const struct net_device_ops ovpn_netdev_ops = {
	.ndo_init = ovpn_net_init,
	.ndo_start_xmit = ovpn_net_xmit,
	.ndo_get_stats64 = dev_get_tstats64,
};

static void ovpn_get_drvinfo(struct net_device *dev,
			     struct ethtool_drvinfo *info)
{
	strscpy(info->driver, OVPN_DCO_KIND, sizeof(info->driver));
	strscpy(info->version, OVPN_DCO_VERSION, sizeof(info->version));
	strscpy(info->bus_info, "ovpn", sizeof(info->bus_info));
}

static const struct ethtool_ops ovpn_ethtool_ops = {
	.get_drvinfo = ovpn_get_drvinfo,
	.get_link = ethtool_op_get_link,
};

/* runs once every reference is gone, so no packet can be in flight */
static void ovpn_net_destruct(struct net_device *dev)
{
	struct ovpn_struct *ovpn = netdev_priv(dev);

	gro_cells_destroy(&ovpn->gro_cells);
	free_percpu(dev->tstats);
}

static void ovpn_setup(struct net_device *dev)
{
	struct ovpn_struct *ovpn = netdev_priv(dev);
	netdev_features_t feat = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_RXCSUM |
				 NETIF_F_GSO_SOFTWARE | NETIF_F_HIGHDMA;

	ovpn->dev = dev;
	spin_lock_init(&ovpn->lock);
	hash_init(ovpn->by_id);
	hash_init(ovpn->by_vpn[OVPN_FAM_V4]);
	hash_init(ovpn->by_vpn[OVPN_FAM_V6]);
	hash_init(ovpn->by_transp);

	dev->netdev_ops = &ovpn_netdev_ops;
	dev->ethtool_ops = &ovpn_ethtool_ops;
	dev->needs_free_netdev = true;
	dev->priv_destructor = ovpn_net_destruct;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP | IFF_MULTICAST;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->mtu = OVPN_DEFAULT_MTU;
	dev->min_mtu = IPV4_MIN_MTU;
	dev->max_mtu = OVPN_MAX_MTU;
	dev->needed_headroom = OVPN_HEAD_SIZE + 8 + 40 + LL_MAX_HEADER;
	dev->features |= feat | NETIF_F_LLTX;
	dev->hw_features |= feat;
	dev->hw_enc_features |= feat;
}

static const struct nla_policy ovpn_link_policy[IFLA_OVPN_MAX + 1] = {
	[IFLA_OVPN_MODE] = NLA_POLICY_MAX(NLA_U8, OVPN_MODE_MP),
};

static int ovpn_newlink(OVPN_NEWLINK_ARGS)
{
	struct ovpn_struct *ovpn = netdev_priv(dev);
	struct nlattr **tbd = OVPN_NEWLINK_DATA;

	ovpn->mode = OVPN_MODE_P2P;
	if (tbd && tbd[IFLA_OVPN_MODE])
		ovpn->mode = nla_get_u8(tbd[IFLA_OVPN_MODE]);
	return register_netdevice(dev);
}

static void ovpn_dellink(struct net_device *dev, struct list_head *head)
{
	ovpn_peers_release_all(netdev_priv(dev));
	unregister_netdevice_queue(dev, head);
}

static size_t ovpn_get_size(const struct net_device *dev)
{
	return nla_total_size(sizeof(u8));
}

static int ovpn_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	const struct ovpn_struct *ovpn = netdev_priv(dev);

	return nla_put_u8(skb, IFLA_OVPN_MODE, ovpn->mode) ? -EMSGSIZE : 0;
}

static struct rtnl_link_ops ovpn_link_ops __read_mostly = {
	.kind = OVPN_DCO_KIND,
	.priv_size = sizeof(struct ovpn_struct),
	.setup = ovpn_setup,
	.policy = ovpn_link_policy,
	.maxtype = IFLA_OVPN_MAX,
	.newlink = ovpn_newlink,
	.dellink = ovpn_dellink,
	.get_size = ovpn_get_size,
	.fill_info = ovpn_fill_info,
};

static int __init ovpn_init(void)
{
	int err;

	err = ovpn_crypto_init();
	if (err)
		return err;
	ovpn_wq = alloc_workqueue("ovpn-dco", WQ_MEM_RECLAIM, 0);
	if (!ovpn_wq) {
		err = -ENOMEM;
		goto err_crypto;
	}
	err = rtnl_link_register(&ovpn_link_ops);
	if (err)
		goto err_wq;
	err = ovpn_nl_register();
	if (err)
		goto err_link;
	pr_info("OpenVPN data channel offload (ovpn-dco) %s\n",
		OVPN_DCO_VERSION);
	return 0;

err_link:
	rtnl_link_unregister(&ovpn_link_ops);
err_wq:
	destroy_workqueue(ovpn_wq);
err_crypto:
	ovpn_crypto_exit();
	return err;
}

static void __exit ovpn_exit(void)
{
	ovpn_nl_unregister();
	/* deletes every device, which releases every peer */
	rtnl_link_unregister(&ovpn_link_ops);
	/* pending RCU callbacks queue key and peer release work */
	rcu_barrier();
	destroy_workqueue(ovpn_wq);
	rcu_barrier();
	ovpn_crypto_exit();
}

module_init(ovpn_init);
module_exit(ovpn_exit);

MODULE_DESCRIPTION("OpenVPN data channel offload (ovpn-dco-v2 interface)");
MODULE_LICENSE("GPL");
MODULE_VERSION(OVPN_DCO_VERSION);
MODULE_ALIAS_RTNL_LINK(OVPN_DCO_KIND);
MODULE_ALIAS_GENL_FAMILY(OVPN_NL_NAME);
