/*
 * Shared bits of the libFuzzer harnesses: quiet logging, a bounded reader
 * over the fuzz input, invariant checks that abort (so libFuzzer records the
 * input), packet buffers placed at the very end of a heap block (so ASan
 * sees any read past the packet), and the test key of the wire protocol
 * reference (§13.4), which every crypto harness uses.
 *
 * FUZZ_VERBOSE=1 prints the daemon's log lines, FUZZ_TRACE=1 the harness's
 * own notes; both only matter when running one input by hand.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant is a finding: abort so libFuzzer keeps the input. */
#define FUZZ_CHECK(cond)                                                     \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "%s:%d: invariant failed: %s\n",     \
				__FILE__, __LINE__, #cond);                  \
			abort();                                             \
		}                                                            \
	} while (0)

/*
 * Every message is formatted (verb 11), so format bugs in log calls on
 * parser paths are found too, but written to /dev/null. FUZZ_VERBOSE=1
 * sends them to stderr instead, to read while reproducing a crash.
 */
static inline void fuzz_log_init(void)
{
	struct log_config lc = { .verb = 11, .file = "/dev/null" };

	if (getenv("FUZZ_VERBOSE"))
		lc.file = NULL;
	if (log_configure(&lc) < 0) {
		lc.file = NULL;
		lc.verb = 0;
		log_configure(&lc);
	}
}

/* FUZZ_TRACE=1: harnesses say what each step returned, for reading seeds
 * and reproducers. */
__attribute__((format(printf, 1, 2)))
static inline void fuzz_trace(const char *fmt, ...)
{
	static int on = -1;
	va_list ap;

	if (on < 0)
		on = getenv("FUZZ_TRACE") != NULL;
	if (!on)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* A cursor over the fuzz input; reading past the end yields zeros. */
struct fz {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t fz_u8(struct fz *f)
{
	uint8_t v = 0;

	if (f->n) {
		v = *f->p++;
		f->n--;
	}
	return v;
}

static inline uint16_t fz_u16(struct fz *f)
{
	uint16_t hi = fz_u8(f);

	return (uint16_t)(hi << 8 | fz_u8(f));
}

static inline uint32_t fz_u32(struct fz *f)
{
	uint32_t hi = fz_u16(f);

	return hi << 16 | fz_u16(f);
}

/* Up to `want` bytes, fewer at the end of the input. */
static inline const uint8_t *fz_bytes(struct fz *f, size_t want, size_t *got)
{
	const uint8_t *p = f->p;

	*got = want < f->n ? want : f->n;
	f->p += *got;
	f->n -= *got;
	return p;
}

/*
 * A packet buffer like the daemon's: `head` bytes of headroom, the packet,
 * `tail` bytes of tailroom, and nothing after that in the heap block.
 */
static inline uint8_t *fuzz_buf_new(struct buf *b, const void *data, size_t len,
				    size_t head, size_t tail)
{
	uint8_t *mem = malloc(head + len + tail + 1);

	if (!mem)
		abort();
	/* The extra byte keeps malloc(0) out; cap excludes it. */
	buf_init(b, mem, head + len + tail, head);
	if (len && !buf_write(b, data, len))
		abort();
	return mem;
}

/* The 2048-bit static key of the wire protocol reference, §13.4. */
static const char fuzz_key_text[] =
	"#\n"
	"# 2048 bit OpenVPN static key\n"
	"#\n"
	"-----BEGIN OpenVPN Static key V1-----\n"
	"374d430cfbd5bbb810bf481707f5710c\n"
	"f78d2063c6da3621b7c9291142cdcc57\n"
	"f33c8f798eac5f16843a107ad5f504c7\n"
	"5b5605b17293ef7dc0bf99ea11d5cbde\n"
	"1ecfded6a229ba5b0bc1dbcfbce40989\n"
	"e453e065fb24a48fe9b02aeacaad813b\n"
	"18284d2b703adc6e4582b172ec7b2659\n"
	"0a7d5b51f2ac17696668b1dd0370d983\n"
	"119520bb28d2646571aeab479bc2938c\n"
	"84252be8bd34cc827f346bfbbd936519\n"
	"4113264e4b4c7a28fc544a8b4f5beca8\n"
	"71956e2e24ef16f3b4ce09ec4711d04f\n"
	"c7e9678bb728a8f2d0e327f81d776cf2\n"
	"2ecc0bb12455baa065c109ea3e83d945\n"
	"d029cf370fef9f0974e3a5050afe6ddb\n"
	"47e0a70f9650130753df4dd1375a0129\n"
	"-----END OpenVPN Static key V1-----\n";

/* Packet ids accepted so far in one input: none may be accepted twice. */
#define FUZZ_MAX_ACCEPTED 256
struct fuzz_accepted {
	uint64_t ids[FUZZ_MAX_ACCEPTED];
	size_t n;
};

static inline void fuzz_accept_once(struct fuzz_accepted *a, uint32_t time, uint32_t id)
{
	uint64_t v = (uint64_t)time << 32 | id;
	size_t i;

	for (i = 0; i < a->n; i++)
		FUZZ_CHECK(a->ids[i] != v); /* a replayed packet was accepted */
	if (a->n < FUZZ_MAX_ACCEPTED)
		a->ids[a->n++] = v;
}

#endif
