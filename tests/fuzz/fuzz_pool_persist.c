/*
 * --ifconfig-pool-persist files: pool_persist_read() into a pool of each
 * topology (IPv4, IPv6 or both), then the file written back must read into
 * a fresh pool and write out identically, and the pool must still hand out
 * addresses.
 *
 * Input: one byte choosing the pool (low 2 bits: net30, p2p, subnet,
 * subnet with IPv6; bit 2: IPv6 only), then the file text.
 */
#include <arpa/inet.h>
#include <errno.h>

#include "fuzz_common.h"
#include "pool.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_log_init();
	return 0;
}

static struct pool *make(uint8_t sel)
{
	struct pool_config cfg;
	struct pool *p;
	struct in_addr net, mask;
	unsigned t = sel & 3;

	memset(&cfg, 0, sizeof(cfg));
	inet_pton(AF_INET, "10.8.0.0", &net);
	inet_pton(AF_INET, "255.255.255.0", &mask);
	cfg.topology = t == 0 ? POOL_TOPO_NET30 : t == 1 ? POOL_TOPO_P2P : POOL_TOPO_SUBNET;
	if (!(sel & 4))
		FUZZ_CHECK(pool_config_server(&cfg, cfg.topology, net, mask, NULL) == 0);
	if (t == 3 || (sel & 4)) {
		cfg.has_v6 = true;
		inet_pton(AF_INET6, "fd00:8::1000", &cfg.v6_base);
		cfg.v6_bits = 120;
	}
	FUZZ_CHECK(pool_init(&p, &cfg) == 0);
	return p;
}

/* The pool written out, as a malloc'ed string. */
static char *dump(const struct pool *p, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	FUZZ_CHECK(f != NULL);
	FUZZ_CHECK(pool_persist_write(p, f) == 0);
	fclose(f);
	return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pool *p, *q;
	struct in_addr v4;
	struct in6_addr v6;
	uint32_t h;
	char *one, *two;
	size_t n1, n2;
	FILE *f;
	int ret;

	if (size < 1 || size > 65536)
		return -1;
	p = make(data[0]);
	f = fmemopen((void *)(data + 1), size - 1 ? size - 1 : 1, "r");
	FUZZ_CHECK(f != NULL);
	if (size == 1)
		fgetc(f);	/* fmemopen wants one byte at least: read it away */
	ret = pool_persist_read(p, f, "ipp.txt");
	fclose(f);
	fuzz_trace("read: %d, %u of %u in use", ret, pool_in_use(p), pool_size(p));
	FUZZ_CHECK(ret == 0 || ret == -ENOMEM || ret == -EIO);
	FUZZ_CHECK(pool_in_use(p) <= pool_size(p));
	one = dump(p, &n1);
	/* read back into a fresh pool: the same file again */
	q = make(data[0]);
	f = fmemopen(one, n1 ? n1 : 1, "r");
	FUZZ_CHECK(f != NULL);
	if (n1 == 0)
		fgetc(f);
	FUZZ_CHECK(pool_persist_read(q, f, "ipp-again.txt") == 0);
	fclose(f);
	two = dump(q, &n2);
	FUZZ_CHECK(n1 == n2 && memcmp(one, two, n1) == 0);
	/* and it still works as a pool */
	if (!pool_is_full(p)) {
		FUZZ_CHECK(pool_acquire(p, "fuzz-client", &v4, &v6, &h) == 0);
		pool_release(p, h);
	}
	free(one);
	free(two);
	pool_free(p);
	pool_free(q);
	return 0;
}
