/* ifconfig pools and --ifconfig-pool-persist; see pool.h for the policy. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "pool.h"
#include "addr.h"
#include "log.h"

#define NO_SLOT UINT32_MAX
#define BITS_WORDS (POOL_MAX / 64)
#define SUM_WORDS (BITS_WORDS / 64)

/*
 * A set of slot numbers with O(1) "lowest member": one bit per slot, and
 * one summary bit per non-empty 64-bit word. POOL_MAX slots need 16
 * summary words, so a lookup reads at most 17 words.
 */
struct bitset {
	uint64_t w[BITS_WORDS];
	uint64_t sum[SUM_WORDS];
};

struct slot {
	char *cn;           /* last holder's name; NULL when none */
	uint32_t hnext;     /* next slot in the same name bucket */
	uint32_t lru_prev;
	uint32_t lru_next;
	bool in_use;
	bool in_lru;
};

struct pool {
	enum pool_topology topology;
	bool duplicate_cn;
	bool has_v4;
	bool has_v6;
	uint32_t v4_base;        /* host order; net30: first block's base */
	struct in6_addr v6_base;
	uint32_t size;
	uint32_t in_use;
	struct slot *slots;
	/* Free slots: all of them, and those no name has held (policy step 2);
	 * the free slots that keep a name are on the LRU list (step 3). */
	struct bitset free_all;
	struct bitset free_anon;
	uint32_t lru_head;       /* released longest ago */
	uint32_t lru_tail;
	uint32_t *buckets;       /* name hash: first slot of each chain */
	uint32_t nbuckets;       /* power of two */
};

static void bits_set(struct bitset *b, uint32_t i)
{
	b->w[i / 64] |= 1ull << (i % 64);
	b->sum[i / 4096] |= 1ull << (i / 64 % 64);
}

static void bits_clear(struct bitset *b, uint32_t i)
{
	b->w[i / 64] &= ~(1ull << (i % 64));
	if (!b->w[i / 64])
		b->sum[i / 4096] &= ~(1ull << (i / 64 % 64));
}

static uint32_t bits_first(const struct bitset *b)
{
	for (uint32_t s = 0; s < SUM_WORDS; s++) {
		if (!b->sum[s])
			continue;
		uint32_t wi = s * 64 + (uint32_t)__builtin_ctzll(b->sum[s]);

		return wi * 64 + (uint32_t)__builtin_ctzll(b->w[wi]);
	}
	return NO_SLOT;
}

/* FNV-1a: names are short and not attacker-chosen in bulk (they come from
 * certificates the CA signed), so a simple hash is enough. */
static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static void hash_link(struct pool *p, uint32_t i)
{
	uint32_t *head = &p->buckets[name_hash(p->slots[i].cn) & (p->nbuckets - 1)];

	p->slots[i].hnext = *head;
	*head = i;
}

static void hash_unlink(struct pool *p, uint32_t i)
{
	uint32_t *link = &p->buckets[name_hash(p->slots[i].cn) & (p->nbuckets - 1)];

	while (*link != NO_SLOT && *link != i)
		link = &p->slots[*link].hnext;
	if (*link == i)
		*link = p->slots[i].hnext;
	p->slots[i].hnext = NO_SLOT;
}

static void lru_unlink(struct pool *p, uint32_t i)
{
	struct slot *s = &p->slots[i];

	if (!s->in_lru)
		return;
	if (s->lru_prev != NO_SLOT)
		p->slots[s->lru_prev].lru_next = s->lru_next;
	else
		p->lru_head = s->lru_next;
	if (s->lru_next != NO_SLOT)
		p->slots[s->lru_next].lru_prev = s->lru_prev;
	else
		p->lru_tail = s->lru_prev;
	s->lru_prev = s->lru_next = NO_SLOT;
	s->in_lru = false;
}

static void lru_append(struct pool *p, uint32_t i)
{
	struct slot *s = &p->slots[i];

	s->lru_prev = p->lru_tail;
	s->lru_next = NO_SLOT;
	if (p->lru_tail != NO_SLOT)
		p->slots[p->lru_tail].lru_next = i;
	else
		p->lru_head = i;
	p->lru_tail = i;
	s->in_lru = true;
}

static void lru_prepend(struct pool *p, uint32_t i)
{
	struct slot *s = &p->slots[i];

	s->lru_prev = NO_SLOT;
	s->lru_next = p->lru_head;
	if (p->lru_head != NO_SLOT)
		p->slots[p->lru_head].lru_prev = i;
	else
		p->lru_tail = i;
	p->lru_head = i;
	s->in_lru = true;
}

/* Give slot i the name cn (owned by the slot from now on; NULL clears).
 * The caller files a free slot under the right set afterwards. */
static void slot_set_name(struct pool *p, uint32_t i, char *cn)
{
	struct slot *s = &p->slots[i];

	if (s->cn) {
		hash_unlink(p, i);
		free(s->cn);
	}
	s->cn = cn;
	if (cn)
		hash_link(p, i);
}

/* File a free slot: named ones queue for reuse by age, anonymous ones are
 * handed out lowest first. */
static void slot_file_free(struct pool *p, uint32_t i, bool newest)
{
	bits_set(&p->free_all, i);
	if (p->slots[i].cn) {
		bits_clear(&p->free_anon, i);
		lru_unlink(p, i);
		if (newest)
			lru_append(p, i);
		else
			lru_prepend(p, i);
	} else {
		lru_unlink(p, i);
		bits_set(&p->free_anon, i);
	}
}

static void slot_take(struct pool *p, uint32_t i)
{
	bits_clear(&p->free_all, i);
	bits_clear(&p->free_anon, i);
	lru_unlink(p, i);
	p->slots[i].in_use = true;
	p->in_use++;
}

/* The lowest free slot that last belonged to cn. */
static uint32_t find_sticky(const struct pool *p, const char *cn)
{
	uint32_t best = NO_SLOT;
	uint32_t i = p->buckets[name_hash(cn) & (p->nbuckets - 1)];

	for (; i != NO_SLOT; i = p->slots[i].hnext) {
		const struct slot *s = &p->slots[i];

		if (!s->in_use && i < best && strcmp(s->cn, cn) == 0)
			best = i;
	}
	return best;
}

static uint32_t pick_slot(const struct pool *p, const char *cn)
{
	uint32_t i;

	if (p->duplicate_cn)
		return bits_first(&p->free_all);
	if (cn && (i = find_sticky(p, cn)) != NO_SLOT)
		return i;
	if ((i = bits_first(&p->free_anon)) != NO_SLOT)
		return i;
	return p->lru_head;
}

/* ---- address arithmetic ---------------------------------------------- */

static struct in_addr v4_of(uint32_t host_order)
{
	struct in_addr a = { .s_addr = htonl(host_order) };

	return a;
}

/* a += n over all 128 bits. */
static void v6_add(struct in6_addr *a, uint64_t n)
{
	for (int k = 15; k >= 0 && n; k--) {
		uint64_t sum = a->s6_addr[k] + (n & 0xff);

		a->s6_addr[k] = (uint8_t)sum;
		n = (n >> 8) + (sum >> 8);
	}
}

static uint64_t v6_low64(const struct in6_addr *a)
{
	uint64_t v = 0;

	for (int k = 8; k < 16; k++)
		v = v << 8 | a->s6_addr[k];
	return v;
}

static uint64_t v6_high64(const struct in6_addr *a)
{
	uint64_t v = 0;

	for (int k = 0; k < 8; k++)
		v = v << 8 | a->s6_addr[k];
	return v;
}

/* Host part of a for a prefix of bits (64..128): the low 128-bits bits. */
static uint64_t v6_host(const struct in6_addr *a, unsigned bits)
{
	unsigned host_bits = 128 - bits;

	if (host_bits >= 64)
		return v6_low64(a);
	return v6_low64(a) & ((1ull << host_bits) - 1);
}

static uint32_t slot_v4(const struct pool *p, uint32_t i)
{
	if (p->topology == POOL_TOPO_NET30)
		return p->v4_base + 4 * i + 2;
	return p->v4_base + i;
}

static struct in6_addr slot_v6(const struct pool *p, uint32_t i)
{
	struct in6_addr a = p->v6_base;

	v6_add(&a, i);
	return a;
}

struct in_addr pool_net30_peer(struct in_addr client)
{
	return v4_of(ntohl(client.s_addr) - 1);
}

/* ---- configuration ----------------------------------------------------- */

int pool_config_server(struct pool_config *cfg, enum pool_topology topo,
		       struct in_addr net, struct in_addr mask,
		       struct pool_server_v4 *srv)
{
	uint32_t n = ntohl(net.s_addr), m = ntohl(mask.s_addr);
	unsigned bits;

	if (addr_netmask_to_prefix(mask, &bits) < 0 || (n & ~m)) {
		msg(M_ERR, "--server directive network/netmask combination is invalid");
		return -EINVAL;
	}
	if (bits < 16) {
		msg(M_ERR, "--server directive netmask allows for too many host addresses (subnet must be 255.255.0.0 (/16) or higher)");
		return -EINVAL;
	}
	if (bits > 29) {
		msg(M_ERR, "--server directive when used with --dev tun must define a subnet of 255.255.255.248 (/29) or lower");
		return -EINVAL;
	}
	cfg->topology = topo;
	cfg->has_v4 = true;
	if (topo == POOL_TOPO_SUBNET) {
		cfg->v4_start = v4_of(n + 2);
		cfg->v4_end = v4_of((n | ~m) - 1);
		cfg->v4_netmask = mask;
	} else {
		/* Observed in 2.6: the last /30 stays out of the pool, except
		 * in a /29, which would then have no block at all. */
		cfg->v4_start = v4_of(n + 4);
		cfg->v4_end = v4_of((n | ~m) - (bits < 29 ? 4 : 0));
		cfg->v4_netmask.s_addr = 0;
	}
	if (srv) {
		srv->local = v4_of(n + 1);
		srv->remote = topo == POOL_TOPO_SUBNET ? mask : v4_of(n + 2);
	}
	return 0;
}

int pool_config_server_ipv6(struct pool_config *cfg,
			    const struct in6_addr *addr, unsigned bits,
			    struct pool_server_v6 *srv)
{
	if (bits < 64 || bits > 124) {
		msg(M_ERR, "--server-ipv6 settings: network must be between /64 and /124 (not /%u)", bits);
		return -EINVAL;
	}
	cfg->has_v6 = true;
	cfg->v6_bits = bits;
	cfg->v6_base = *addr;
	/* 2.6 leaves ::2 .. ::fff free for static assignments in large
	 * networks; small ones start right after the server's remote. */
	v6_add(&cfg->v6_base, bits < 112 ? 0x1000 : 2);
	if (srv) {
		srv->local = *addr;
		v6_add(&srv->local, 1);
		srv->remote = *addr;
		v6_add(&srv->remote, 2);
		srv->bits = bits;
	}
	return 0;
}

static int v4_range(const struct pool_config *cfg, uint32_t *base, uint32_t *size)
{
	uint32_t start = ntohl(cfg->v4_start.s_addr), end = ntohl(cfg->v4_end.s_addr);
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &cfg->v4_start, a, sizeof(a));
	inet_ntop(AF_INET, &cfg->v4_end, b, sizeof(b));
	if (start > end) {
		msg(M_ERR, "--ifconfig-pool start IP [%s] is greater than end IP [%s]", a, b);
		return -EINVAL;
	}
	if (end - start >= POOL_MAX) {
		msg(M_ERR, "--ifconfig-pool address range is too large [%s -> %s].  Current maximum is %u addresses",
		    a, b, POOL_MAX);
		return -EINVAL;
	}
	if (cfg->topology == POOL_TOPO_NET30) {
		/* Whole /30 blocks from the one holding start; 2.6 counts a
		 * block that merely begins at or before end. */
		*base = start & ~3u;
		*size = (end - *base) / 4 + 1;
	} else {
		*base = start;
		*size = end - start + 1;
	}
	if (*size < 2) {
		msg(M_ERR, "IPv4 pool size is too small (%u), must be at least 2", *size);
		return -EINVAL;
	}
	msg(D_NORMAL, "IFCONFIG POOL IPv4: base=%s size=%u",
	    inet_ntop(AF_INET, &(struct in_addr){ htonl(*base) }, a, sizeof(a)), *size);
	return 0;
}

static int v6_range(const struct pool_config *cfg, struct in6_addr *base, uint32_t *size)
{
	char a[INET6_ADDRSTRLEN];
	unsigned bits = cfg->v6_bits;
	uint64_t host, room;

	if (bits < 64 || bits > 124) {
		msg(M_ERR, "--ifconfig-ipv6-pool settings: network must be between /64 and /124 (not /%u)", bits);
		return -EINVAL;
	}
	*base = cfg->v6_base;
	if (v6_host(base, bits) == 0) {
		msg(D_NORMAL, "IFCONFIG POOL IPv6: incrementing pool start to avoid ::0 assignment");
		v6_add(base, 1);
	}
	host = v6_host(base, bits);
	/* Addresses left in the prefix from base on; host >= 1, so for a /64
	 * 2^64 - host does not overflow. */
	room = bits == 64 ? ~host + 1 : (1ull << (128 - bits)) - host;
	*size = room > POOL_MAX ? POOL_MAX : (uint32_t)room;
	if (*size < 2) {
		msg(M_ERR, "IPv6 pool size is too small (%u), must be at least 2", *size);
		return -EINVAL;
	}
	msg(D_NORMAL, "IFCONFIG POOL IPv6: base=%s size=%u netbits=%u",
	    inet_ntop(AF_INET6, base, a, sizeof(a)), *size, bits);
	return 0;
}

static uint32_t combined_size(uint32_t v4, uint32_t v6)
{
	if (!v4 || !v6)
		return v4 ? v4 : v6;
	if (v4 < v6)
		msg(D_NORMAL, "NOTE: IPv4 pool size is %u, IPv6 pool size is %u. IPv4 pool size limits the number of clients that can be served from the pool",
		    v4, v6);
	if (v6 < v4)
		msg(M_WARN, "WARNING: IPv4 pool size is %u, IPv6 pool size is %u. IPv6 pool size limits the number of clients that can be served from the pool. This is likely a MISTAKE - please check your configuration",
		    v4, v6);
	return v4 < v6 ? v4 : v6;
}

static int pool_alloc(struct pool *p)
{
	p->slots = calloc(p->size, sizeof(*p->slots));
	for (p->nbuckets = 16; p->nbuckets < p->size; p->nbuckets *= 2)
		;
	p->buckets = malloc(p->nbuckets * sizeof(*p->buckets));
	if (!p->slots || !p->buckets)
		return -ENOMEM;
	memset(p->buckets, 0xff, p->nbuckets * sizeof(*p->buckets));
	p->lru_head = p->lru_tail = NO_SLOT;
	for (uint32_t i = 0; i < p->size; i++) {
		p->slots[i].hnext = NO_SLOT;
		p->slots[i].lru_prev = p->slots[i].lru_next = NO_SLOT;
		slot_file_free(p, i, true);
	}
	return 0;
}

int pool_init(struct pool **out, const struct pool_config *cfg)
{
	struct pool *p;
	uint32_t size4 = 0, size6 = 0;
	int ret = -EINVAL;

	if (!cfg->has_v4 && !cfg->has_v6) {
		msg(M_ERR, "ifconfig pool: neither an IPv4 nor an IPv6 range configured");
		return -EINVAL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->topology = cfg->topology;
	p->duplicate_cn = cfg->duplicate_cn;
	p->has_v4 = cfg->has_v4;
	p->has_v6 = cfg->has_v6;
	if (p->has_v4 && v4_range(cfg, &p->v4_base, &size4) < 0)
		goto out;
	if (p->has_v6 && v6_range(cfg, &p->v6_base, &size6) < 0)
		goto out;
	p->size = combined_size(size4, size6);
	ret = pool_alloc(p);
	if (ret < 0)
		goto out;
	*out = p;
	return 0;
out:
	pool_free(p);
	return ret;
}

void pool_free(struct pool *p)
{
	if (!p)
		return;
	for (uint32_t i = 0; p->slots && i < p->size; i++)
		free(p->slots[i].cn);
	free(p->slots);
	free(p->buckets);
	free(p);
}

/* ---- leases ------------------------------------------------------------ */

int pool_acquire(struct pool *p, const char *cn, struct in_addr *v4,
		 struct in6_addr *v6, uint32_t *handle)
{
	bool record = cn && !p->duplicate_cn;   /* 2.6 keeps no names with
						 * --duplicate-cn */
	uint32_t i = pick_slot(p, cn);

	if (i == NO_SLOT)
		return -ENOSPC;
	if (!record || !p->slots[i].cn || strcmp(p->slots[i].cn, cn) != 0) {
		char *name = NULL;

		if (record && !(name = strdup(cn)))
			return -ENOMEM;
		slot_set_name(p, i, name);
	}
	slot_take(p, i);
	if (v4 && p->has_v4)
		*v4 = v4_of(slot_v4(p, i));
	if (v6 && p->has_v6)
		*v6 = slot_v6(p, i);
	*handle = i;
	return 0;
}

void pool_release(struct pool *p, uint32_t handle)
{
	if (handle >= p->size || !p->slots[handle].in_use)
		return;
	p->slots[handle].in_use = false;
	p->in_use--;
	slot_file_free(p, handle, true);
}

bool pool_is_full(const struct pool *p)
{
	return p->in_use == p->size;
}

uint32_t pool_size(const struct pool *p)
{
	return p->size;
}

uint32_t pool_in_use(const struct pool *p)
{
	return p->in_use;
}

bool pool_has_v4(const struct pool *p)
{
	return p->has_v4;
}

bool pool_has_v6(const struct pool *p)
{
	return p->has_v6;
}

const char *pool_handle_cn(const struct pool *p, uint32_t handle)
{
	return handle < p->size ? p->slots[handle].cn : NULL;
}

/* ---- persist file ------------------------------------------------------ */

/* Slot of an IPv4 address: any address of a net30 block names the block. */
static uint32_t v4_slot(const struct pool *p, struct in_addr a)
{
	uint32_t off = ntohl(a.s_addr) - p->v4_base;

	if (p->topology == POOL_TOPO_NET30)
		off /= 4;
	return off < p->size ? off : NO_SLOT;
}

static uint32_t v6_slot(const struct pool *p, const struct in6_addr *a)
{
	uint64_t hi = v6_high64(a), lo = v6_low64(a);
	uint64_t bhi = v6_high64(&p->v6_base), blo = v6_low64(&p->v6_base);
	uint64_t dlo = lo - blo, dhi = hi - bhi - (lo < blo);

	return dhi == 0 && dlo < p->size ? (uint32_t)dlo : NO_SLOT;
}

struct persist_line {
	const char *file;
	unsigned lineno;
	char *cn;
	char *v4;     /* "" when absent */
	char *v6;
};

/* Split "CN,IPv4,IPv6" or "CN,IPv4" in place. The addresses never contain
 * commas, so they are taken from the right and the name keeps the rest. */
static int persist_split(char *s, struct persist_line *l)
{
	char *last = strrchr(s, ',');
	char *prev;

	if (!last)
		return -EINVAL;
	*last = '\0';
	prev = strrchr(s, ',');
	if (prev) {
		*prev = '\0';
		l->v4 = prev + 1;
		l->v6 = last + 1;
	} else {
		l->v4 = last + 1;
		l->v6 = last + 1 + strlen(last + 1);   /* "" */
	}
	l->cn = s;
	return l->cn[0] ? 0 : -EINVAL;
}

static uint32_t persist_v4(const struct pool *p, const struct persist_line *l)
{
	struct in_addr a;
	uint32_t i;

	if (!p->has_v4 || !l->v4[0])
		return NO_SLOT;
	if (addr_parse_ipv4(l->v4, &a) < 0) {
		msg(M_WARN, "%s:%u: invalid IPv4 address '%s' for CN=%s",
		    l->file, l->lineno, l->v4, l->cn);
		return NO_SLOT;
	}
	i = v4_slot(p, a);
	if (i == NO_SLOT)
		msg(M_WARN, "%s:%u: IPv4 address %s is outside the pool (CN=%s)",
		    l->file, l->lineno, l->v4, l->cn);
	return i;
}

static uint32_t persist_v6(const struct pool *p, const struct persist_line *l)
{
	struct in6_addr a;
	uint32_t i;

	if (!p->has_v6 || !l->v6[0])
		return NO_SLOT;
	if (addr_parse_ipv6(l->v6, &a) < 0) {
		msg(M_WARN, "%s:%u: invalid IPv6 address '%s' for CN=%s",
		    l->file, l->lineno, l->v6, l->cn);
		return NO_SLOT;
	}
	i = v6_slot(p, &a);
	if (i == NO_SLOT)
		msg(M_WARN, "%s:%u: IPv6 address %s is outside the pool (CN=%s)",
		    l->file, l->lineno, l->v6, l->cn);
	return i;
}

/* Apply one non-comment line; problems are logged, never fatal. */
static int persist_apply(struct pool *p, char *line, const char *file, unsigned lineno)
{
	struct persist_line l = { .file = file, .lineno = lineno };
	uint32_t i4, i6, i;
	char *name;

	if (persist_split(line, &l) < 0) {
		msg(M_WARN, "%s:%u: malformed line (want CN,IPv4,IPv6 with a non-empty CN), ignored",
		    file, lineno);
		return 0;
	}
	i4 = persist_v4(p, &l);
	i6 = persist_v6(p, &l);
	if (i4 != NO_SLOT && i6 != NO_SLOT && i4 != i6)
		msg(M_WARN, "%s:%u: IPv4 %s and IPv6 %s are different pool entries, using IPv4",
		    file, lineno, l.v4, l.v6);
	i = i4 != NO_SLOT ? i4 : i6;
	if (i == NO_SLOT) {
		msg(M_WARN, "%s:%u: no address of the pool for CN=%s, line ignored",
		    file, lineno, l.cn);
		return 0;
	}
	if (p->slots[i].in_use)
		return 0;
	name = strdup(l.cn);
	if (!name)
		return -ENOMEM;
	lru_unlink(p, i);
	slot_set_name(p, i, name);
	return 0;
}

/* Named free slots from the file have no release time; they count as
 * older than any slot released while running, lowest slot first. */
static void persist_refile(struct pool *p)
{
	for (uint32_t i = p->size; i-- > 0;) {
		struct slot *s = &p->slots[i];

		if (!s->in_use && !s->in_lru)
			slot_file_free(p, i, false);
	}
}

int pool_persist_read(struct pool *p, FILE *f, const char *name)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned lineno = 0;
	int ret = 0;

	while (ret == 0 && (n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0 || line[0] == '#' || line[0] == ';')
			continue;
		ret = persist_apply(p, line, name, lineno);
	}
	if (ret == 0 && ferror(f))
		ret = errno ? -errno : -EIO;
	persist_refile(p);
	free(line);
	return ret;
}

int pool_persist_load(struct pool *p, const char *path)
{
	FILE *f = fopen(path, "r");
	int ret;

	if (!f) {
		if (errno == ENOENT)
			return 0;
		ret = -errno;
		msg(M_ERR | M_ERRNO, "cannot read --ifconfig-pool-persist file %s", path);
		return ret;
	}
	ret = pool_persist_read(p, f, path);
	fclose(f);
	if (ret < 0)
		msg(M_ERR, "reading %s failed: %s", path, strerror(-ret));
	return ret;
}

/* Names come from certificates; a control character (2.6's TLS layer
 * would already have mapped it to '_') must not split a line here. */
static void put_name(FILE *f, const char *cn)
{
	for (; *cn; cn++)
		fputc((unsigned char)*cn < 0x20 || *cn == 0x7f ? '_' : *cn, f);
}

int pool_persist_write(const struct pool *p, FILE *f)
{
	char a4[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN];

	for (uint32_t i = 0; i < p->size; i++) {
		const struct slot *s = &p->slots[i];

		if (!s->cn)
			continue;
		a4[0] = a6[0] = '\0';
		if (p->has_v4) {
			/* net30 stores the block, not the client's address */
			uint32_t v = slot_v4(p, i);

			if (p->topology == POOL_TOPO_NET30)
				v -= 2;
			inet_ntop(AF_INET, &(struct in_addr){ htonl(v) }, a4, sizeof(a4));
		}
		if (p->has_v6) {
			struct in6_addr v = slot_v6(p, i);

			inet_ntop(AF_INET6, &v, a6, sizeof(a6));
		}
		put_name(f, s->cn);
		fprintf(f, ",%s,%s\n", a4, a6);
	}
	return ferror(f) ? -EIO : 0;
}

int pool_persist_save(const struct pool *p, const char *path)
{
	size_t len = strlen(path);
	char *tmp = malloc(len + sizeof(".XXXXXX"));
	FILE *f = NULL;
	int fd, ret;

	if (!tmp)
		return -ENOMEM;
	memcpy(tmp, path, len);
	memcpy(tmp + len, ".XXXXXX", sizeof(".XXXXXX"));
	fd = mkstemp(tmp);    /* mode 0600, as 2.6 creates the file */
	if (fd < 0) {
		ret = -errno;
		msg(M_ERR | M_ERRNO, "cannot create a temporary file for %s", path);
		free(tmp);
		return ret;
	}
	f = fdopen(fd, "w");
	if (!f) {
		ret = -errno;
		close(fd);
		goto out;
	}
	ret = pool_persist_write(p, f);
	if (ret == 0 && (fflush(f) != 0 || fsync(fileno(f)) != 0))
		ret = -errno;
	if (fclose(f) != 0 && ret == 0)
		ret = -errno;
	if (ret == 0 && rename(tmp, path) != 0)
		ret = -errno;
out:
	if (ret < 0) {
		msg(M_ERR, "writing --ifconfig-pool-persist file %s failed: %s",
		    path, strerror(-ret));
		unlink(tmp);
	}
	free(tmp);
	return ret;
}
