/*
 * The server's peer lookup tables, all O(1) on the packet path:
 *  - by peer-id (DATA_V2): an array indexed by id, ids from a free stack;
 *  - by transport address (UDP control packets and DATA_V1): a hash;
 *  - by VPN address (tun -> client): a hash per (prefix, length), probed
 *    from the longest prefix length in use to the shortest, so iroutes and
 *    host addresses share one longest-prefix-match lookup.
 *
 * Entries are embedded in their owner (struct peer) and carry an `owner`
 * pointer; the table allocates nothing per entry. Hashes are seeded at
 * random so that a client cannot choose addresses or ports that collide.
 */
#ifndef PEER_TABLE_H
#define PEER_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"

/* A VPN prefix: family, length and the address with host bits cleared. */
struct vprefix {
	uint8_t family;            /* AF_INET or AF_INET6 */
	uint8_t bits;              /* 0..32 or 0..128 */
	uint8_t addr[16];          /* IPv4 in the first 4 bytes */
};

struct ptab_route {
	struct ptab_route *next;
	struct vprefix key;
	void *owner;
	bool linked;
};

struct ptab_addr {
	struct ptab_addr *next;
	struct sockaddr_any addr;
	void *owner;
	bool linked;
};

struct peer_table {
	uint32_t mask;             /* buckets - 1 (power of two) */
	uint64_t seed;
	struct ptab_addr **addr;
	struct ptab_route **route;
	uint32_t bits_v4[33];      /* routes per prefix length */
	uint32_t bits_v6[129];
	void **by_id;
	uint32_t n_ids;
	uint32_t *free_ids;        /* stack of free ids */
	uint32_t n_free;
	uint32_t n_addr, n_routes;
};

/* Room for max_peers ids; buckets scale with it. 0 or -ENOMEM. */
int ptab_init(struct peer_table *t, uint32_t max_peers);
void ptab_free(struct peer_table *t);

/* Lowest ids first, as 2.6 hands them out. -ENOSPC when all are taken. */
int ptab_id_alloc(struct peer_table *t, void *owner, uint32_t *id);
void ptab_id_release(struct peer_table *t, uint32_t id);
static inline void *ptab_by_id(const struct peer_table *t, uint32_t id)
{
	return id < t->n_ids ? t->by_id[id] : NULL;
}

/* e->addr and e->owner set by the caller. Adding a linked entry or
 * deleting an unlinked one does nothing. */
void ptab_addr_add(struct peer_table *t, struct ptab_addr *e);
void ptab_addr_del(struct peer_table *t, struct ptab_addr *e);
void *ptab_by_addr(const struct peer_table *t, const struct sockaddr_any *a);

/* Build a prefix (host bits cleared). -EINVAL for a bad length or family. */
int vprefix_make(struct vprefix *p, int family, const void *addr, unsigned bits);
/* "10.8.0.0/24", "fd00::1000/128". */
const char *vprefix_to_str(const struct vprefix *p, char *buf, size_t len);

/* r->key and r->owner set by the caller. An exact duplicate key is
 * refused with -EEXIST (the caller decides who keeps it). */
int ptab_route_add(struct peer_table *t, struct ptab_route *r);
void ptab_route_del(struct peer_table *t, struct ptab_route *r);
/* The route with exactly this key, or NULL. */
struct ptab_route *ptab_route_find(const struct peer_table *t, const struct vprefix *key);
/* Longest-prefix match for a destination (4 or 16 bytes); owner or NULL. */
void *ptab_route_lookup(const struct peer_table *t, int family, const uint8_t *addr);

#endif
