/* SPDX-License-Identifier: GPL-2.0-only */
/* Key slots and AEAD transforms of one peer. */
#ifndef _NET_OVPN_DCO_CRYPTO_H_
#define _NET_OVPN_DCO_CRYPTO_H_

#include <linux/kref.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>
#include <crypto/aead.h>

#include "pktid.h"
#include "proto.h"

struct sk_buff;
struct ovpn_peer;

struct ovpn_key_dir {
	const u8 *key;
	size_t key_len;
	const u8 *nonce_tail;	/* OVPN_NONCE_TAIL_SIZE bytes */
};

struct ovpn_key_config {
	u16 cipher_alg;
	u8 key_id;
	struct ovpn_key_dir encrypt;
	struct ovpn_key_dir decrypt;
};

struct ovpn_crypto_key {
	struct crypto_aead *encrypt;
	struct crypto_aead *decrypt;
	u8 nonce_tail_xmit[OVPN_NONCE_TAIL_SIZE];
	u8 nonce_tail_recv[OVPN_NONCE_TAIL_SIZE];
	u8 key_id;
	struct ovpn_pktid_xmit pid_xmit;
	struct ovpn_pktid_recv pid_recv;
	struct kref refcount;
	struct rcu_work free_work;
};

struct ovpn_crypto_state {
	struct ovpn_crypto_key __rcu *primary;
	struct ovpn_crypto_key __rcu *secondary;
	spinlock_t lock;		/* serialises slot updates */
};

void ovpn_crypto_state_init(struct ovpn_crypto_state *cs);
void ovpn_crypto_state_release(struct ovpn_crypto_state *cs);
int ovpn_crypto_key_install(struct ovpn_crypto_state *cs, u8 slot,
			    const struct ovpn_key_config *kc);
void ovpn_crypto_key_del(struct ovpn_crypto_state *cs, u8 slot);
void ovpn_crypto_keys_swap(struct ovpn_crypto_state *cs);
struct ovpn_crypto_key *ovpn_crypto_primary(struct ovpn_crypto_state *cs);
struct ovpn_crypto_key *ovpn_crypto_by_key_id(struct ovpn_crypto_state *cs,
					      u8 key_id);
void ovpn_crypto_key_put(struct ovpn_crypto_key *ks);

/* what an skb in flight through the data path carries along */
struct ovpn_skb_cb {
	struct ovpn_peer *peer;
	struct ovpn_crypto_key *ks;
	void *crypto_ctx;
	bool ctx_ring;		/* crypto_ctx is a block of a CPU's ring */
};

#define OVPN_SKB_CB(skb) ((struct ovpn_skb_cb *)&((skb)->cb[0]))

int ovpn_crypto_init(void);
void ovpn_crypto_exit(void);
void ovpn_crypto_ctx_free(struct sk_buff *skb);

int ovpn_aead_encrypt(struct ovpn_crypto_key *ks, u32 peer_id,
		      struct sk_buff *skb, crypto_completion_t done);
int ovpn_aead_decrypt(struct ovpn_crypto_key *ks, struct sk_buff *skb,
		      crypto_completion_t done);

#endif /* _NET_OVPN_DCO_CRYPTO_H_ */
