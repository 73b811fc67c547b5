// SPDX-License-Identifier: GPL-2.0-only
/*
 * Key slots and AEAD operations.
 *
 * On the wire the tag sits between the packet id and the ciphertext,
 * while the crypto API wants it after the ciphertext: the scatterlist
 * therefore lists the associated data, then the payload, then the tag
 * area in the header, and the operation runs in place.
 */

#include <linux/skbuff.h>
#include <linux/slab.h>
#include <crypto/aead.h>

#include <uapi/linux/ovpn_dco.h>

#include "compat.h"
#include "crypto.h"
#include "ovpn.h"

static const char *ovpn_cipher_name(u16 alg)
{
	switch (alg) {
	case OVPN_CIPHER_ALG_AES_GCM:
		return "gcm(aes)";
	case OVPN_CIPHER_ALG_CHACHA20_POLY1305:
		return "rfc7539(chacha20,poly1305)";
	default:
		return NULL;
	}
}

static struct crypto_aead *ovpn_aead_new(const char *title, const char *alg,
					 const struct ovpn_key_dir *kd)
{
	struct crypto_aead *tfm;
	int err;

	tfm = crypto_alloc_aead(alg, 0, 0);
	if (IS_ERR(tfm)) {
		pr_err_ratelimited("ovpn-dco: %s: cannot allocate %s: %ld\n",
				   title, alg, PTR_ERR(tfm));
		return tfm;
	}
	err = crypto_aead_setkey(tfm, kd->key, kd->key_len);
	if (err) {
		pr_info_ratelimited("ovpn-dco: %s: %s rejects a %zu byte key: %d\n",
				    title, alg, kd->key_len, err);
		goto err;
	}
	err = crypto_aead_setauthsize(tfm, OVPN_TAG_SIZE);
	if (err)
		goto err;
	if (crypto_aead_ivsize(tfm) != OVPN_NONCE_SIZE) {
		err = -EINVAL;
		goto err;
	}
	return tfm;
err:
	crypto_free_aead(tfm);
	return ERR_PTR(err);
}

static void ovpn_crypto_key_free_work(struct work_struct *work)
{
	struct ovpn_crypto_key *ks = container_of(to_rcu_work(work),
						struct ovpn_crypto_key,
						free_work);

	crypto_free_aead(ks->encrypt);
	crypto_free_aead(ks->decrypt);
	kfree_sensitive(ks);
}

static void ovpn_crypto_key_release(struct kref *kref)
{
	struct ovpn_crypto_key *ks = container_of(kref, struct ovpn_crypto_key,
						refcount);

	/* transforms are freed in process context, after readers left */
	INIT_RCU_WORK(&ks->free_work, ovpn_crypto_key_free_work);
	queue_rcu_work(ovpn_wq, &ks->free_work);
}

void ovpn_crypto_key_put(struct ovpn_crypto_key *ks)
{
	kref_put(&ks->refcount, ovpn_crypto_key_release);
}

static struct ovpn_crypto_key *ovpn_crypto_key_new(const struct ovpn_key_config *kc)
{
	const char *alg = ovpn_cipher_name(kc->cipher_alg);
	struct ovpn_crypto_key *ks;
	int err;

	if (!alg)
		return ERR_PTR(-EINVAL);

	ks = kzalloc(sizeof(*ks), GFP_KERNEL);
	if (!ks)
		return ERR_PTR(-ENOMEM);

	ks->encrypt = ovpn_aead_new("encrypt", alg, &kc->encrypt);
	if (IS_ERR(ks->encrypt)) {
		err = PTR_ERR(ks->encrypt);
		goto err_free;
	}
	ks->decrypt = ovpn_aead_new("decrypt", alg, &kc->decrypt);
	if (IS_ERR(ks->decrypt)) {
		err = PTR_ERR(ks->decrypt);
		crypto_free_aead(ks->encrypt);
		goto err_free;
	}
	memcpy(ks->nonce_tail_xmit, kc->encrypt.nonce_tail,
	       OVPN_NONCE_TAIL_SIZE);
	memcpy(ks->nonce_tail_recv, kc->decrypt.nonce_tail,
	       OVPN_NONCE_TAIL_SIZE);
	ks->key_id = kc->key_id;
	ovpn_pktid_xmit_init(&ks->pid_xmit);
	ovpn_pktid_recv_init(&ks->pid_recv);
	kref_init(&ks->refcount);
	return ks;

err_free:
	kfree(ks);
	/* the crypto API's own errors other than a bad key are passed on */
	return ERR_PTR(err == -ENOENT ? err : -EINVAL);
}

void ovpn_crypto_state_init(struct ovpn_crypto_state *cs)
{
	RCU_INIT_POINTER(cs->primary, NULL);
	RCU_INIT_POINTER(cs->secondary, NULL);
	spin_lock_init(&cs->lock);
}

static struct ovpn_crypto_key __rcu **
ovpn_slot_ptr(struct ovpn_crypto_state *cs, u8 slot)
{
	return slot == OVPN_KEY_SLOT_PRIMARY ? &cs->primary : &cs->secondary;
}

int ovpn_crypto_key_install(struct ovpn_crypto_state *cs, u8 slot,
			    const struct ovpn_key_config *kc)
{
	struct ovpn_crypto_key *ks, *old;

	ks = ovpn_crypto_key_new(kc);
	if (IS_ERR(ks))
		return PTR_ERR(ks);

	spin_lock_bh(&cs->lock);
	old = rcu_replace_pointer(*ovpn_slot_ptr(cs, slot), ks,
				  lockdep_is_held(&cs->lock));
	spin_unlock_bh(&cs->lock);
	if (old)
		ovpn_crypto_key_put(old);
	return 0;
}

void ovpn_crypto_key_del(struct ovpn_crypto_state *cs, u8 slot)
{
	struct ovpn_crypto_key *old;

	spin_lock_bh(&cs->lock);
	old = rcu_replace_pointer(*ovpn_slot_ptr(cs, slot), NULL,
				  lockdep_is_held(&cs->lock));
	spin_unlock_bh(&cs->lock);
	if (old)
		ovpn_crypto_key_put(old);
}

void ovpn_crypto_keys_swap(struct ovpn_crypto_state *cs)
{
	struct ovpn_crypto_key *p, *s;

	spin_lock_bh(&cs->lock);
	p = rcu_dereference_protected(cs->primary, lockdep_is_held(&cs->lock));
	s = rcu_dereference_protected(cs->secondary,
				      lockdep_is_held(&cs->lock));
	rcu_assign_pointer(cs->primary, s);
	rcu_assign_pointer(cs->secondary, p);
	spin_unlock_bh(&cs->lock);
}

void ovpn_crypto_state_release(struct ovpn_crypto_state *cs)
{
	ovpn_crypto_key_del(cs, OVPN_KEY_SLOT_PRIMARY);
	ovpn_crypto_key_del(cs, OVPN_KEY_SLOT_SECONDARY);
}

static struct ovpn_crypto_key *ovpn_slot_get(struct ovpn_crypto_key __rcu **p)
{
	struct ovpn_crypto_key *ks;

	ks = rcu_dereference(*p);
	if (ks && !kref_get_unless_zero(&ks->refcount))
		ks = NULL;
	return ks;
}

struct ovpn_crypto_key *ovpn_crypto_primary(struct ovpn_crypto_state *cs)
{
	struct ovpn_crypto_key *ks;

	rcu_read_lock();
	ks = ovpn_slot_get(&cs->primary);
	rcu_read_unlock();
	return ks;
}

struct ovpn_crypto_key *ovpn_crypto_by_key_id(struct ovpn_crypto_state *cs,
					      u8 key_id)
{
	struct ovpn_crypto_key *ks;

	rcu_read_lock();
	ks = ovpn_slot_get(&cs->primary);
	if (ks && ks->key_id != key_id) {
		ovpn_crypto_key_put(ks);
		ks = NULL;
	}
	if (!ks) {
		ks = ovpn_slot_get(&cs->secondary);
		if (ks && ks->key_id != key_id) {
			ovpn_crypto_key_put(ks);
			ks = NULL;
		}
	}
	rcu_read_unlock();
	return ks;
}

/*
 * The request, its scatterlist and the nonce live in one block that must
 * stay put until the operation completes: for an asynchronous transform
 * (AES-GCM through the SIMD wrapper on x86) that is after we returned,
 * in the completion. Every CPU keeps a ring of such blocks, filled on
 * first use and kept until the module goes: the data path (bottom
 * halves off, so only this CPU takes from its ring) takes the block at
 * the ring's cursor when it is free, and the completion gives it back
 * from whatever CPU it runs on. Blocks are taken in order and mostly
 * completed in order, so the cursor's block is free unless more than a
 * ring's worth of packets are in flight on this CPU; only then, or for a
 * packet whose scatterlist does not fit a block, one is allocated.
 */
#define OVPN_CTX_RING		256
#define OVPN_CTX_BLOCK		2048	/* a kmalloc size class, header included */
/* blocks looked at past the cursor before falling back to the allocator */
#define OVPN_CTX_PROBE		4

struct ovpn_ctx_block {
	/* set by the owning CPU's data path, cleared by the completion */
	int busy;
	u8 buf[] __aligned(__alignof__(u64));
};

#define OVPN_CTX_ROOM (OVPN_CTX_BLOCK - offsetof(struct ovpn_ctx_block, buf))

struct ovpn_ctx_ring {
	struct ovpn_ctx_block *slot[OVPN_CTX_RING];
	unsigned int next;
	/* requests served from the ring and from the allocator */
	u64 from_ring;
	u64 allocated;
};

static struct ovpn_ctx_ring __percpu *ovpn_ctx_rings;

int ovpn_crypto_init(void)
{
	ovpn_ctx_rings = alloc_percpu(struct ovpn_ctx_ring);
	return ovpn_ctx_rings ? 0 : -ENOMEM;
}

/* module exit: no packet is in flight any more */
void ovpn_crypto_exit(void)
{
	u64 from_ring = 0, allocated = 0;
	int cpu, i;

	for_each_possible_cpu(cpu) {
		struct ovpn_ctx_ring *r = per_cpu_ptr(ovpn_ctx_rings, cpu);

		for (i = 0; i < OVPN_CTX_RING; i++)
			kfree_sensitive(r->slot[i]);
		from_ring += r->from_ring;
		allocated += r->allocated;
	}
	free_percpu(ovpn_ctx_rings);
	pr_info("ovpn-dco: crypto requests: %llu from the per-cpu rings, %llu allocated\n",
		from_ring, allocated);
}

/* a free block of this CPU's ring, marked busy; NULL if none is at hand */
static struct ovpn_ctx_block *ovpn_ctx_ring_get(void)
{
	struct ovpn_ctx_ring *r = this_cpu_ptr(ovpn_ctx_rings);
	struct ovpn_ctx_block *b;
	unsigned int i, idx;

	for (i = 0; i < OVPN_CTX_PROBE; i++) {
		idx = (r->next + i) % OVPN_CTX_RING;
		b = r->slot[idx];
		if (!b) {
			/* once per slot in the module's lifetime */
			b = kzalloc(OVPN_CTX_BLOCK, GFP_ATOMIC);
			if (!b)
				return NULL;
			r->slot[idx] = b;
		}
		/* pairs with the release in ovpn_crypto_ctx_free() */
		if (!smp_load_acquire(&b->busy)) {
			WRITE_ONCE(b->busy, 1);
			r->next = (idx + 1) % OVPN_CTX_RING;
			return b;
		}
	}
	return NULL;
}

static struct aead_request *ovpn_aead_req_get(struct sk_buff *skb,
					      struct crypto_aead *tfm,
					      unsigned int nsg,
					      struct scatterlist **sg,
					      u8 **iv)
{
	size_t reqlen = ALIGN(sizeof(struct aead_request) +
			      crypto_aead_reqsize(tfm),
			      __alignof__(struct scatterlist));
	size_t len = reqlen + nsg * sizeof(**sg) + OVPN_NONCE_SIZE;
	struct ovpn_ctx_block *b = NULL;
	struct aead_request *req;

	/* bottom halves off: nothing else takes from this CPU's ring */
	if (likely(len <= OVPN_CTX_ROOM && in_softirq()))
		b = ovpn_ctx_ring_get();
	if (likely(b)) {
		req = (struct aead_request *)b->buf;
		OVPN_SKB_CB(skb)->ctx_ring = true;
		this_cpu_inc(ovpn_ctx_rings->from_ring);
	} else {
		req = kmalloc(len, GFP_ATOMIC);
		if (!req)
			return NULL;
		OVPN_SKB_CB(skb)->ctx_ring = false;
		this_cpu_inc(ovpn_ctx_rings->allocated);
	}
	OVPN_SKB_CB(skb)->crypto_ctx = req;
	*sg = (struct scatterlist *)((u8 *)req + reqlen);
	*iv = (u8 *)(*sg + nsg);
	aead_request_set_tfm(req, tfm);
	return req;
}

/* the operation is complete: give its block back */
void ovpn_crypto_ctx_free(struct sk_buff *skb)
{
	void *ctx = OVPN_SKB_CB(skb)->crypto_ctx;
	struct ovpn_ctx_block *b;

	if (!ctx)
		return;
	OVPN_SKB_CB(skb)->crypto_ctx = NULL;
	if (!OVPN_SKB_CB(skb)->ctx_ring) {
		kfree_sensitive(ctx);
		return;
	}
	b = container_of(ctx, struct ovpn_ctx_block, buf[0]);
	/* the request context may hold key-derived state */
	memzero_explicit(b->buf, sizeof(struct aead_request) +
			 crypto_aead_reqsize(crypto_aead_reqtfm(ctx)));
	/* the owning CPU sees the block free only after it was wiped */
	smp_store_release(&b->busy, 0);
}

/* fill @sg with: AAD, @len payload bytes after the header, tag */
static int ovpn_aead_sg(struct sk_buff *skb, struct scatterlist *sg,
			unsigned int nsg, unsigned int len)
{
	int n;

	sg_init_table(sg, nsg);
	sg_set_buf(&sg[0], skb->data, OVPN_AAD_SIZE);
	n = skb_to_sgvec_nomark(skb, &sg[1], OVPN_HEAD_SIZE, len);
	if (unlikely(n < 0))
		return n;
	sg_set_buf(&sg[n + 1], skb->data + OVPN_AAD_SIZE, OVPN_TAG_SIZE);
	sg_mark_end(&sg[n + 1]);
	return 0;
}

/* Encrypts the plaintext in @skb in place and prepends the header. The
 * caller made sure OVPN_HEAD_SIZE bytes of headroom exist. Returns 0,
 * -EINPROGRESS (then @done runs later) or an error.
 */
int ovpn_aead_encrypt(struct ovpn_crypto_key *ks, u32 peer_id,
		      struct sk_buff *skb, crypto_completion_t done)
{
	unsigned int len = skb->len;
	struct aead_request *req;
	struct sk_buff *trailer;
	struct scatterlist *sg;
	int nfrags, err;
	u32 pktid;
	u8 *iv;

	if (unlikely(!len))
		return -EINVAL;
	nfrags = skb_cow_data(skb, 0, &trailer);
	if (unlikely(nfrags < 0))
		return nfrags;
	err = ovpn_pktid_xmit_next(&ks->pid_xmit, &pktid);
	if (unlikely(err)) {
		pr_warn_ratelimited("ovpn-dco: peer %u: transmit packet ids exhausted, renegotiation needed\n",
				    peer_id);
		return err;
	}
	req = ovpn_aead_req_get(skb, ks->encrypt, nfrags + 2, &sg, &iv);
	if (unlikely(!req))
		return -ENOMEM;

	__skb_push(skb, OVPN_HEAD_SIZE);
	ovpn_write_op(skb->data, ks->key_id, peer_id);
	put_unaligned_be32(pktid, skb->data + OVPN_OP_SIZE);
	memcpy(iv, skb->data + OVPN_OP_SIZE, OVPN_PKTID_SIZE);
	memcpy(iv + OVPN_PKTID_SIZE, ks->nonce_tail_xmit, OVPN_NONCE_TAIL_SIZE);

	err = ovpn_aead_sg(skb, sg, nfrags + 2, len);
	if (unlikely(err))
		return err;
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG, done, skb);
	aead_request_set_crypt(req, sg, sg, len, iv);
	aead_request_set_ad(req, OVPN_AAD_SIZE);
	err = crypto_aead_encrypt(req);
	return err == -EBUSY ? -EINPROGRESS : err;
}

/* Authenticates and decrypts the packet in @skb (starting at the opcode)
 * in place; the plaintext then starts at OVPN_HEAD_SIZE.
 */
int ovpn_aead_decrypt(struct ovpn_crypto_key *ks, struct sk_buff *skb,
		      crypto_completion_t done)
{
	struct aead_request *req;
	struct sk_buff *trailer;
	struct scatterlist *sg;
	int nfrags, err;
	unsigned int len;
	u8 *iv;

	if (unlikely(skb->len <= OVPN_HEAD_SIZE))
		return -EINVAL;
	len = skb->len - OVPN_HEAD_SIZE;
	nfrags = skb_cow_data(skb, 0, &trailer);
	if (unlikely(nfrags < 0))
		return nfrags;
	req = ovpn_aead_req_get(skb, ks->decrypt, nfrags + 2, &sg, &iv);
	if (unlikely(!req))
		return -ENOMEM;

	memcpy(iv, skb->data + OVPN_OP_SIZE, OVPN_PKTID_SIZE);
	memcpy(iv + OVPN_PKTID_SIZE, ks->nonce_tail_recv, OVPN_NONCE_TAIL_SIZE);

	err = ovpn_aead_sg(skb, sg, nfrags + 2, len);
	if (unlikely(err))
		return err;
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG, done, skb);
	aead_request_set_crypt(req, sg, sg, len + OVPN_TAG_SIZE, iv);
	aead_request_set_ad(req, OVPN_AAD_SIZE);
	err = crypto_aead_decrypt(req);
	return err == -EBUSY ? -EINPROGRESS : err;
}
