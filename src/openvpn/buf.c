/* Bounded packet buffer helpers. */
#include "buf.h"

#include <string.h>

void buf_init(struct buf *b, uint8_t *mem, size_t cap, size_t headroom)
{
	b->mem = mem;
	b->cap = cap;
	buf_reset(b, headroom);
}

void buf_reset(struct buf *b, size_t headroom)
{
	b->off = headroom <= b->cap ? headroom : b->cap;
	b->len = 0;
}

uint8_t *buf_push(struct buf *b, size_t n)
{
	if (n > b->off)
		return NULL;
	b->off -= n;
	b->len += n;
	return buf_data(b);
}

uint8_t *buf_pull(struct buf *b, size_t n)
{
	uint8_t *p;

	if (n > b->len)
		return NULL;
	p = buf_data(b);
	b->off += n;
	b->len -= n;
	return p;
}

uint8_t *buf_put(struct buf *b, size_t n)
{
	uint8_t *p;

	if (n > buf_tailroom(b))
		return NULL;
	p = buf_tail(b);
	b->len += n;
	return p;
}

bool buf_trim(struct buf *b, size_t n)
{
	if (n > b->len)
		return false;
	b->len -= n;
	return true;
}

bool buf_write(struct buf *b, const void *src, size_t n)
{
	uint8_t *p = buf_put(b, n);

	if (!p)
		return false;
	if (n)
		memcpy(p, src, n);
	return true;
}

bool buf_prepend(struct buf *b, const void *src, size_t n)
{
	uint8_t *p = buf_push(b, n);

	if (!p)
		return false;
	if (n)
		memcpy(p, src, n);
	return true;
}

bool buf_read(struct buf *b, void *dst, size_t n)
{
	uint8_t *p = buf_pull(b, n);

	if (!p)
		return false;
	if (n)
		memcpy(dst, p, n);
	return true;
}

bool buf_write_u8(struct buf *b, uint8_t v)
{
	return buf_write(b, &v, 1);
}

bool buf_write_u16(struct buf *b, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	return buf_write(b, x, sizeof(x));
}

bool buf_write_u32(struct buf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	return buf_write(b, x, sizeof(x));
}

bool buf_read_u8(struct buf *b, uint8_t *v)
{
	return buf_read(b, v, 1);
}

bool buf_read_u16(struct buf *b, uint16_t *v)
{
	uint8_t x[2];

	if (!buf_read(b, x, sizeof(x)))
		return false;
	*v = (uint16_t)((x[0] << 8) | x[1]);
	return true;
}

bool buf_read_u32(struct buf *b, uint32_t *v)
{
	uint8_t x[4];

	if (!buf_read(b, x, sizeof(x)))
		return false;
	*v = get_be32(x);
	return true;
}
