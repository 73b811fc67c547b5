/*
 * Peer lookup tables for server mode (see peer_table.h).
 */
#include "peer_table.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"

static uint32_t buckets_for(uint32_t max_peers)
{
	uint32_t n = 64;

	/* about two buckets per peer, for short chains */
	while (n < 2 * max_peers && n < (1u << 20))
		n <<= 1;
	return n;
}

int ptab_init(struct peer_table *t, uint32_t max_peers)
{
	uint32_t n = buckets_for(max_peers);
	uint32_t i;

	memset(t, 0, sizeof(*t));
	t->mask = n - 1;
	t->addr = calloc(n, sizeof(*t->addr));
	t->route = calloc(n, sizeof(*t->route));
	t->by_id = calloc(max_peers ? max_peers : 1, sizeof(*t->by_id));
	t->free_ids = calloc(max_peers ? max_peers : 1, sizeof(*t->free_ids));
	if (!t->addr || !t->route || !t->by_id || !t->free_ids ||
	    crypto_rand_bytes((uint8_t *)&t->seed, sizeof(t->seed)) < 0) {
		ptab_free(t);
		return -ENOMEM;
	}
	t->n_ids = max_peers;
	/* a stack popped from the top: push the highest id first */
	for (i = 0; i < max_peers; i++)
		t->free_ids[i] = max_peers - 1 - i;
	t->n_free = max_peers;
	return 0;
}

void ptab_free(struct peer_table *t)
{
	free(t->addr);
	free(t->route);
	free(t->by_id);
	free(t->free_ids);
	memset(t, 0, sizeof(*t));
}

/* ---- ids ------------------------------------------------------------------ */

int ptab_id_alloc(struct peer_table *t, void *owner, uint32_t *id)
{
	if (t->n_free == 0)
		return -ENOSPC;
	*id = t->free_ids[--t->n_free];
	t->by_id[*id] = owner;
	return 0;
}

void ptab_id_release(struct peer_table *t, uint32_t id)
{
	if (id >= t->n_ids || !t->by_id[id])
		return;
	t->by_id[id] = NULL;
	t->free_ids[t->n_free++] = id;
}

/* ---- hashing -------------------------------------------------------------- */

/* A keyed mix (64-bit multiply-xorshift rounds over the words). */
static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

static uint64_t hash_bytes(uint64_t seed, const uint8_t *p, size_t n)
{
	uint64_t h = seed;
	uint64_t w;

	while (n >= 8) {
		memcpy(&w, p, 8);
		h = mix(h, w);
		p += 8;
		n -= 8;
	}
	w = 0;
	memcpy(&w, p, n);
	h = mix(h, w ^ ((uint64_t)n << 56));
	h ^= h >> 29;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 32);
}

/* A v4-mapped IPv6 peer hashes like its IPv4 form, as addr_equal() says. */
static uint32_t addr_bucket(const struct peer_table *t, const struct sockaddr_any *a)
{
	uint8_t key[19];
	size_t n;

	if (a->sa.sa_family == AF_INET6 && !addr_is_v4mapped(a)) {
		memcpy(key, &a->in6.sin6_addr, 16);
		memcpy(key + 16, &a->in6.sin6_port, 2);
		key[18] = 6;
		n = 19;
	} else if (a->sa.sa_family == AF_INET6) {
		memcpy(key, &a->in6.sin6_addr.s6_addr[12], 4);
		memcpy(key + 4, &a->in6.sin6_port, 2);
		key[6] = 4;
		n = 7;
	} else {
		memcpy(key, &a->in4.sin_addr, 4);
		memcpy(key + 4, &a->in4.sin_port, 2);
		key[6] = 4;
		n = 7;
	}
	return (uint32_t)hash_bytes(t->seed, key, n) & t->mask;
}

static uint32_t prefix_bucket(const struct peer_table *t, const struct vprefix *p)
{
	return (uint32_t)hash_bytes(t->seed ^ 0x5bd1e995ull, &p->family,
				    2 + (p->family == AF_INET ? 4 : 16)) & t->mask;
}

/* ---- transport addresses ---------------------------------------------------- */

void ptab_addr_add(struct peer_table *t, struct ptab_addr *e)
{
	uint32_t b;

	if (e->linked)
		return;
	b = addr_bucket(t, &e->addr);
	e->next = t->addr[b];
	t->addr[b] = e;
	e->linked = true;
	t->n_addr++;
}

void ptab_addr_del(struct peer_table *t, struct ptab_addr *e)
{
	struct ptab_addr **pp;

	if (!e->linked)
		return;
	for (pp = &t->addr[addr_bucket(t, &e->addr)]; *pp; pp = &(*pp)->next) {
		if (*pp == e) {
			*pp = e->next;
			e->next = NULL;
			e->linked = false;
			t->n_addr--;
			return;
		}
	}
}

void *ptab_by_addr(const struct peer_table *t, const struct sockaddr_any *a)
{
	const struct ptab_addr *e;

	for (e = t->addr[addr_bucket(t, a)]; e; e = e->next)
		if (addr_equal(&e->addr, a))
			return e->owner;
	return NULL;
}

/* ---- VPN prefixes ------------------------------------------------------------ */

int vprefix_make(struct vprefix *p, int family, const void *addr, unsigned bits)
{
	unsigned len = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
	unsigned i;

	if (len == 0 || bits > len * 8)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	p->family = (uint8_t)family;
	p->bits = (uint8_t)bits;
	memcpy(p->addr, addr, len);
	for (i = 0; i < len; i++) {
		unsigned keep = bits >= (i + 1) * 8 ? 8 : bits > i * 8 ? bits - i * 8 : 0;

		p->addr[i] &= (uint8_t)(0xff00u >> keep);
	}
	return 0;
}

const char *vprefix_to_str(const struct vprefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(p->family, p->addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, len, "%s/%u", a, p->bits);
	return buf;
}

static bool vprefix_equal(const struct vprefix *a, const struct vprefix *b)
{
	return a->family == b->family && a->bits == b->bits &&
	       memcmp(a->addr, b->addr, a->family == AF_INET ? 4 : 16) == 0;
}

static uint32_t *bits_count(struct peer_table *t, const struct vprefix *p)
{
	return p->family == AF_INET ? &t->bits_v4[p->bits] : &t->bits_v6[p->bits];
}

struct ptab_route *ptab_route_find(const struct peer_table *t, const struct vprefix *key)
{
	struct ptab_route *r;

	for (r = t->route[prefix_bucket(t, key)]; r; r = r->next)
		if (vprefix_equal(&r->key, key))
			return r;
	return NULL;
}

int ptab_route_add(struct peer_table *t, struct ptab_route *r)
{
	uint32_t b;

	if (r->linked)
		return 0;
	if (ptab_route_find(t, &r->key))
		return -EEXIST;
	b = prefix_bucket(t, &r->key);
	r->next = t->route[b];
	t->route[b] = r;
	r->linked = true;
	(*bits_count(t, &r->key))++;
	t->n_routes++;
	return 0;
}

void ptab_route_del(struct peer_table *t, struct ptab_route *r)
{
	struct ptab_route **pp;

	if (!r->linked)
		return;
	for (pp = &t->route[prefix_bucket(t, &r->key)]; *pp; pp = &(*pp)->next) {
		if (*pp == r) {
			*pp = r->next;
			r->next = NULL;
			r->linked = false;
			(*bits_count(t, &r->key))--;
			t->n_routes--;
			return;
		}
	}
}

void *ptab_route_lookup(const struct peer_table *t, int family, const uint8_t *addr)
{
	const uint32_t *counts = family == AF_INET ? t->bits_v4 : t->bits_v6;
	int bits = family == AF_INET ? 32 : 128;
	struct vprefix key;
	struct ptab_route *r;

	if (family != AF_INET && family != AF_INET6)
		return NULL;
	for (; bits >= 0; bits--) {
		if (counts[bits] == 0)
			continue;
		vprefix_make(&key, family, addr, (unsigned)bits);
		r = ptab_route_find(t, &key);
		if (r)
			return r->owner;
	}
	return NULL;
}
