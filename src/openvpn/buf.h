/*
 * The one packet buffer type. Like an skb: memory owned elsewhere (a pool
 * or a stack array), a data window [off, off+len) inside it, headroom before
 * and tailroom after. Headers are prepended in place with buf_push().
 * Every helper is bounds checked and fails (NULL/false) instead of overrunning.
 */
#ifndef BUF_H
#define BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t *mem;
	size_t cap;
	size_t off;
	size_t len;
};

/* Room every data-path buffer reserves in front for headers (2-byte TCP
 * length, opcode/peer-id, packet id, AEAD tag, compression byte). */
#define BUF_HEADROOM 128
/* Largest packet we ever carry (tun MTU up to 9000 plus headers). */
#define BUF_PAYLOAD_MAX 9216
#define BUF_SIZE (BUF_HEADROOM + BUF_PAYLOAD_MAX + 64)

void buf_init(struct buf *b, uint8_t *mem, size_t cap, size_t headroom);
/* Empty the buffer and reserve `headroom` bytes in front again. */
void buf_reset(struct buf *b, size_t headroom);

static inline uint8_t *buf_data(const struct buf *b) { return b->mem + b->off; }
static inline size_t buf_len(const struct buf *b) { return b->len; }
static inline size_t buf_headroom(const struct buf *b) { return b->off; }
static inline size_t buf_tailroom(const struct buf *b) { return b->cap - b->off - b->len; }
static inline uint8_t *buf_tail(const struct buf *b) { return b->mem + b->off + b->len; }

/* Grow the data window at the front by n; returns the new start or NULL. */
uint8_t *buf_push(struct buf *b, size_t n);
/* Consume n bytes from the front; returns where they were, or NULL if short. */
uint8_t *buf_pull(struct buf *b, size_t n);
/* Grow the data window at the end by n; returns the new tail area or NULL. */
uint8_t *buf_put(struct buf *b, size_t n);
/* Drop n bytes from the end; false if shorter than n. */
bool buf_trim(struct buf *b, size_t n);

/* Append / prepend / consume copies, all or nothing. */
bool buf_write(struct buf *b, const void *src, size_t n);
bool buf_prepend(struct buf *b, const void *src, size_t n);
bool buf_read(struct buf *b, void *dst, size_t n);

/* Big-endian loads and stores on raw bytes (bounds are the caller's). */
static inline uint32_t get_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Network byte order integer helpers. */
bool buf_write_u8(struct buf *b, uint8_t v);
bool buf_write_u16(struct buf *b, uint16_t v);
bool buf_write_u32(struct buf *b, uint32_t v);
bool buf_read_u8(struct buf *b, uint8_t *v);
bool buf_read_u16(struct buf *b, uint16_t *v);
bool buf_read_u32(struct buf *b, uint32_t *v);

#endif
