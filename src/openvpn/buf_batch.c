/* Batches of packet buffers (see buf_batch.h). */
#include "buf_batch.h"

#include <errno.h>
#include <stdlib.h>

int buf_batch_alloc(uint8_t **mem, struct buf *rx, struct buf *tx, unsigned n)
{
	unsigned i;

	*mem = malloc((size_t)2 * n * BUF_SIZE);
	if (!*mem)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		buf_init(&rx[i], *mem + (size_t)i * BUF_SIZE, BUF_SIZE, BUF_HEADROOM);
		buf_init(&tx[i], *mem + (size_t)(n + i) * BUF_SIZE, BUF_SIZE, BUF_HEADROOM);
	}
	return 0;
}

void buf_batch_reset(struct buf *bufs, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		buf_reset(&bufs[i], BUF_HEADROOM);
}
