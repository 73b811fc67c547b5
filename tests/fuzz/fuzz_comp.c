/*
 * Compression framing: comp_unframe() on a received payload, for every
 * framing and --allow-compression setting, then the way back. A payload
 * that unframes must fit the packet buffer (decompression bombs stop at
 * it), and framing it again must unframe to the same bytes.
 *
 * Input: one byte choosing the framing (low 3 bits, modulo the number of
 * algorithms) and --allow-compression (next 2 bits, modulo 3); the rest is
 * the payload as it comes out of decryption.
 */
#include <errno.h>

#include "comp.h"
#include "fuzz_common.h"

#define N_ALGS (COMP_ALG_LZ4_V2 + 1)

static struct comp_ctx ctx[N_ALGS][3];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int a, w;

	fuzz_log_init();
	/* set up once, as the daemon does per tunnel */
	for (a = 0; a < N_ALGS; a++)
		for (w = 0; w < 3; w++)
			if (comp_init(&ctx[a][w], (enum comp_alg)a, (enum comp_allow)w) < 0)
				abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct comp_ctx *c;
	struct buf b, again;
	uint8_t *mem, *mem2;
	size_t len;
	int ret;

	if (size < 1 || size - 1 > BUF_PAYLOAD_MAX)
		return -1;
	c = &ctx[(data[0] & 7) % N_ALGS][((data[0] >> 3) & 3) % 3];
	/* the room a received packet has in the daemon: the whole buffer */
	mem = fuzz_buf_new(&b, data + 1, size - 1, 0, BUF_PAYLOAD_MAX - (size - 1));
	ret = comp_unframe(c, &b);
	fuzz_trace("%s/%s: unframe %d, %zu bytes", comp_alg_name(c->alg),
		   comp_allow_name(c->allow), ret, buf_len(&b));
	FUZZ_CHECK(ret == 0 || ret == -EBADMSG || ret == -EPROTONOSUPPORT || ret == -EMSGSIZE);
	if (ret < 0) {
		comp_log_drop(c, "fuzz");
		free(mem);
		return 0;
	}
	len = buf_len(&b);
	FUZZ_CHECK(len <= BUF_PAYLOAD_MAX);
	if (len > 0) {
		/* and back: frame what came out, unframe it again */
		mem2 = fuzz_buf_new(&again, buf_data(&b), len, COMP_HEADROOM,
				    COMP_TAILROOM);
		ret = comp_frame(c, &again);
		FUZZ_CHECK(ret == 0);
		/* give the receiver the room it would have */
		{
			struct buf rx;
			uint8_t *mem3 = fuzz_buf_new(&rx, buf_data(&again), buf_len(&again), 0,
						     BUF_PAYLOAD_MAX);

			ret = comp_unframe(c, &rx);
			FUZZ_CHECK(ret == 0);
			FUZZ_CHECK(buf_len(&rx) == len && memcmp(buf_data(&rx), buf_data(&b), len) == 0);
			free(mem3);
		}
		free(mem2);
	}
	free(mem);
	return 0;
}
