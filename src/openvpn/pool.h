/*
 * ifconfig pools: the VPN addresses a server hands to clients that have no
 * --ifconfig-push, and --ifconfig-pool-persist.
 *
 * A pool is a range of `size` slots. Slot i carries the i-th IPv4 address
 * (or, in net30 topology, the i-th /30 block) and the i-th IPv6 address;
 * when both families are configured the smaller one limits the size.
 *
 * Which free slot a client gets (as OpenVPN 2.6 chooses, observed with the
 * Debian 2.6.14 binary):
 *   1. a free slot last held by the same common name (sticky);
 *   2. else the lowest free slot that no common name has held;
 *   3. else the free slot released longest ago (it forgets its old name).
 * With --duplicate-cn 2.6 keeps no names at all: the lowest free slot is
 * taken, names loaded from the persist file are dropped when their slot is
 * reused, and nothing new is written to the file.
 *
 * acquire and release are O(1) (two-level bitmaps, an LRU list and a
 * hash of common names); pools hold at most POOL_MAX slots.
 */
#ifndef POOL_H
#define POOL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

/* 2.6's IFCONFIG_POOL_MAX: the largest --ifconfig-pool range and the cap
 * on IPv6 pool sizes. */
#define POOL_MAX 65536u

enum pool_topology {
	POOL_TOPO_NET30,   /* tun, --topology net30: one /30 block per client */
	POOL_TOPO_P2P,     /* tun, --topology p2p: one address per client */
	POOL_TOPO_SUBNET,  /* tun --topology subnet, and tap: one address each */
};

/* Parameters as --ifconfig-pool / --ifconfig-ipv6-pool / --duplicate-cn
 * give them, or as pool_config_server*() derive them from --server. */
struct pool_config {
	enum pool_topology topology;
	bool has_v4;
	struct in_addr v4_start;    /* --ifconfig-pool start end [netmask] */
	struct in_addr v4_end;
	struct in_addr v4_netmask;  /* 0.0.0.0 when not given; only pushed */
	bool has_v6;
	struct in6_addr v6_base;    /* --ifconfig-ipv6-pool base/bits */
	unsigned v6_bits;
	bool duplicate_cn;
};

/* What --server NET MASK sets on the server side besides the pool. */
struct pool_server_v4 {
	struct in_addr local;   /* NET+1: the server's tun address */
	struct in_addr remote;  /* net30/p2p: NET+2 (ifconfig remote);
				 * subnet: MASK */
};

/* What --server-ipv6 ADDR/BITS sets: local ADDR+1, remote ADDR+2. */
struct pool_server_v6 {
	struct in6_addr local;
	struct in6_addr remote;
	unsigned bits;
};

struct pool;

/*
 * Fill the IPv4 part of cfg as `--server net mask` does in 2.6 for the
 * topology: subnet NET+2 .. broadcast-1; net30 and p2p NET+4 ..
 * broadcast-4 (in a /29: NET+4 .. broadcast). Refuses, as 2.6 does, host
 * bits in net, a non-contiguous mask, a network larger than /16 and one
 * smaller than /29.
 * srv may be NULL. Returns 0 or -EINVAL (logged).
 */
int pool_config_server(struct pool_config *cfg, enum pool_topology topo,
		       struct in_addr net, struct in_addr mask,
		       struct pool_server_v4 *srv);

/*
 * Fill the IPv6 part of cfg as `--server-ipv6 addr/bits` does: the pool
 * starts at addr+0x1000 for bits < 112, else at addr+2; bits must be
 * 64..124. srv may be NULL. Returns 0 or -EINVAL (logged).
 */
int pool_config_server_ipv6(struct pool_config *cfg,
			    const struct in6_addr *addr, unsigned bits,
			    struct pool_server_v6 *srv);

/*
 * Build a pool. Validates like 2.6 (start <= end, at most POOL_MAX
 * addresses in the range, IPv6 bits 64..124, at least two slots per family)
 * and logs the pool's base and size. An IPv6 base whose host part is zero
 * is moved to +1. Returns 0 or -EINVAL / -ENOMEM; *out is set on success.
 */
int pool_init(struct pool **out, const struct pool_config *cfg);
void pool_free(struct pool *p);

/*
 * Give a free slot to a client; cn may be NULL (no stickiness, no name
 * recorded). v4/v6 may be NULL; they are written only for configured
 * families (see pool_has_v4/v6). In net30 topology *v4 is the client's
 * address, block base + 2; its peer is pool_net30_peer(*v4).
 * Returns 0, -ENOSPC when no slot is free, -ENOMEM.
 */
int pool_acquire(struct pool *p, const char *cn, struct in_addr *v4,
		 struct in6_addr *v6, uint32_t *handle);
/* Return a slot; it keeps its common name for a later sticky acquire.
 * Releasing a free or unknown handle is ignored. */
void pool_release(struct pool *p, uint32_t handle);

bool pool_is_full(const struct pool *p);
uint32_t pool_size(const struct pool *p);
uint32_t pool_in_use(const struct pool *p);
bool pool_has_v4(const struct pool *p);
bool pool_has_v6(const struct pool *p);
/* The name slot `handle` is associated with, or NULL. */
const char *pool_handle_cn(const struct pool *p, uint32_t handle);

/* net30: the server-side address of a client's /30 block (client - 1),
 * pushed as the remote end of `ifconfig`. */
struct in_addr pool_net30_peer(struct in_addr client);

/*
 * --ifconfig-pool-persist. The file holds one line per slot that has a
 * name, in slot order: "CN,IPv4,IPv6\n" with an empty field for a family
 * the pool does not have (net30 writes the block's base address). The
 * common name is written as is, commas included, as 2.6 does; control
 * characters (2.6's TLS layer maps them to '_' before the pool sees the
 * name) are written as '_' so a name cannot split a line.
 *
 * Reading is tolerant: empty lines and lines starting with '#' or ';' are
 * skipped; so, with a warning naming file and line, is a line without a
 * usable address (malformed, or outside the pool). The last two fields are
 * the addresses, so a name containing commas reads back. A 2.3-style
 * "CN,IPv4" line is accepted. When both addresses are usable but name
 * different slots the IPv4 one wins. A later line for the same slot
 * replaces an earlier one. Slots in use are not touched.
 *
 * pool_persist_load: a missing file is not an error. Returns 0 or -errno.
 * pool_persist_save: writes a temporary file in the same directory (mode
 * 0600, as 2.6 creates it), syncs it and renames it over path, so readers
 * never see a partial file. Returns 0 or -errno (logged).
 */
int pool_persist_read(struct pool *p, FILE *f, const char *name);
int pool_persist_load(struct pool *p, const char *path);
int pool_persist_write(const struct pool *p, FILE *f);
int pool_persist_save(const struct pool *p, const char *path);

#endif
