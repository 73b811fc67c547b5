/*
 * The batches of packet buffers an instance reads into and sends from
 * (recvmmsg/sendmmsg): allocated once per instance, so that the packet
 * path does not allocate. Both data paths use them.
 */
#ifndef BUF_BATCH_H
#define BUF_BATCH_H

#include <stdint.h>

#include "buf.h"

/* rx[0..n) and tx[0..n) in one allocation, each BUF_SIZE with
 * BUF_HEADROOM; *mem is the caller's to free. */
int buf_batch_alloc(uint8_t **mem, struct buf *rx, struct buf *tx, unsigned n);
/* Back to the full headroom before a new receive: decryption and
 * unframing moved the data windows. */
void buf_batch_reset(struct buf *bufs, unsigned n);

#endif
