/*
 * MSS clamping: mss_clamp() on arbitrary IPv4/IPv6 packets as read from
 * the tun device or decrypted from the peer. The packet sits at the very
 * end of its heap block, so ASan sees any read past it. A change may touch
 * only the MSS value and the TCP checksum (4 bytes), must keep the one's
 * complement sum of the packet (what the checksum protects), and a second
 * pass must find nothing left to do.
 *
 * Input: two bytes of IPv4 limit (big endian), then the packet.
 */
#include "mss.h"
#include "fuzz_common.h"

static uint32_t ones_sum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	/* 0x0000 and 0xffff are both zero in one's complement */
	return sum == 0xffff ? 0 : sum;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_log_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	uint16_t limit = fz_u16(&f);
	size_t len, i, changed = 0;
	const uint8_t *pkt = fz_bytes(&f, size, &len);
	uint8_t *p = malloc(len ? len : 1);
	bool did;

	if (!p)
		abort();
	memcpy(p, pkt, len);
	did = mss_clamp(p, len, limit);
	for (i = 0; i < len; i++)
		changed += p[i] != pkt[i];
	fuzz_trace("limit %u, %zu bytes: %s, %zu bytes changed", limit, len,
		   did ? "clamped" : "left alone", changed);
	FUZZ_CHECK(did || changed == 0);
	FUZZ_CHECK(changed <= 4);
	FUZZ_CHECK(ones_sum(p, len) == ones_sum(pkt, len));
	FUZZ_CHECK(!mss_clamp(p, len, limit));
	free(p);
	return 0;
}
