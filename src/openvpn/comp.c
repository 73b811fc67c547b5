/*
 * Compression framing. Three wire schemes, all observed from OpenVPN 2.6:
 *
 *   LZO   (comp-lzo):        FA payload            | 66 lzo-block
 *   swap  (stub, lz4):       FB payload[1..] p[0]  | 69 block[1..] b[0]
 *   v2    (stub-v2, lz4-v2): payload, or 50 00 payload when it starts with
 *                            0x50                  | 50 01 block
 *
 * The swap schemes move the first byte to the end so that the rest of the
 * payload keeps its alignment; the v2 schemes cost nothing for IP packets,
 * which never start with 0x50.
 */
#include "comp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <lz4.h>

#include "buf.h"
#include "compat.h"

#define LZO_PLAIN 0xFA
#define LZO_COMPRESSED 0x66
#define SWAP_PLAIN 0xFB
#define SWAP_LZ4 0x69
#define V2_INDICATOR 0x50
#define V2_PLAIN 0x00
#define V2_LZ4 0x01
#define V2_LZO 0x02
/* OpenVPN 2.6.14 writes this instead of 0x00 when it escapes a payload
 * starting with 0x50 (and then refuses it itself); accepting it lets its
 * tap frames through. Nothing else uses the value. */
#define V2_PLAIN_26_QUIRK 0x0A

enum comp_scheme { SCHEME_NONE, SCHEME_LZO, SCHEME_SWAP, SCHEME_V2 };

static enum comp_scheme scheme_of(enum comp_alg a)
{
	switch (a) {
	case COMP_ALG_LZO_STUB:
	case COMP_ALG_LZO:
		return SCHEME_LZO;
	case COMP_ALG_STUB:
	case COMP_ALG_LZ4:
		return SCHEME_SWAP;
	case COMP_ALG_STUB_V2:
	case COMP_ALG_LZ4_V2:
		return SCHEME_V2;
	default:
		return SCHEME_NONE;
	}
}

static bool is_lz4(enum comp_alg a)
{
	return a == COMP_ALG_LZ4 || a == COMP_ALG_LZ4_V2;
}

/* ---- setup --------------------------------------------------------------- */

int comp_init(struct comp_ctx *c, enum comp_alg alg, enum comp_allow allow)
{
	memset(c, 0, sizeof(*c));
	if ((unsigned)alg > COMP_ALG_LZ4_V2 || (unsigned)allow > COMP_ALLOW_YES)
		return -EINVAL;
	c->alg = alg;
	c->allow = allow;
	c->rl = (struct ratelimit)RATELIMIT_INIT(10000, 5);
	if (!is_lz4(alg))
		return 0;
	/* Both are per-tunnel and reused for every packet: the LZ4 state
	 * (16 KB, too big for the stack of a busy loop) and one payload. */
	c->scratch_cap = BUF_PAYLOAD_MAX;
	c->scratch = malloc(c->scratch_cap);
	c->lz4_state = malloc((size_t)LZ4_sizeofState());
	if (!c->scratch || !c->lz4_state) {
		comp_free(c);
		return -ENOMEM;
	}
	return 0;
}

void comp_free(struct comp_ctx *c)
{
	free(c->scratch);
	free(c->lz4_state);
	memset(c, 0, sizeof(*c));
}

/* ---- sender -------------------------------------------------------------- */

/* The LZ4 block of b's payload in c->scratch, or 0 when it would not be
 * smaller or compression is not ours to do. */
static size_t lz4_try(struct comp_ctx *c, const struct buf *b)
{
	size_t len = buf_len(b);
	int n;

	if (!is_lz4(c->alg) || c->allow != COMP_ALLOW_YES ||
	    len < COMP_MIN_SIZE || len > c->scratch_cap)
		return 0;
	/* A destination one byte short of the payload makes LZ4 give up as
	 * soon as the block would not be smaller. */
	n = LZ4_compress_fast_extState(c->lz4_state, (const char *)buf_data(b),
				       (char *)c->scratch, (int)len, (int)len - 1, 1);
	return n > 0 ? (size_t)n : 0;
}

/* Replace the payload by the n-byte block in scratch, framed. */
static int frame_lz4(struct comp_ctx *c, struct buf *b, size_t n)
{
	size_t len = buf_len(b);
	uint8_t *p;

	if (c->alg == COMP_ALG_LZ4) {
		p = buf_data(b);
		p[0] = SWAP_LZ4;
		memcpy(p + 1, c->scratch + 1, n - 1);
		p[n] = c->scratch[0];
		buf_trim(b, len - (n + 1));
	} else {
		p = buf_push(b, 2);
		if (!p)
			return -ENOBUFS;
		p[0] = V2_INDICATOR;
		p[1] = V2_LZ4;
		memcpy(p + 2, c->scratch, n);
		buf_trim(b, len - n);
	}
	c->stats.tx_compressed++;
	c->stats.tx_bytes_in += len;
	c->stats.tx_bytes_out += buf_len(b);
	return 0;
}

static int frame_plain(struct comp_ctx *c, struct buf *b)
{
	uint8_t *p;

	switch (scheme_of(c->alg)) {
	case SCHEME_LZO:
		p = buf_push(b, 1);
		if (!p)
			return -ENOBUFS;
		p[0] = LZO_PLAIN;
		break;
	case SCHEME_SWAP:
		if (!buf_put(b, 1))
			return -ENOBUFS;
		p = buf_data(b);
		p[buf_len(b) - 1] = p[0];
		p[0] = SWAP_PLAIN;
		break;
	case SCHEME_V2:
		if (buf_data(b)[0] != V2_INDICATOR)
			break;
		p = buf_push(b, 2);
		if (!p)
			return -ENOBUFS;
		p[0] = V2_INDICATOR;
		p[1] = V2_PLAIN;
		break;
	default:
		return 0;
	}
	c->stats.tx_uncompressed++;
	return 0;
}

int comp_frame(struct comp_ctx *c, struct buf *b)
{
	size_t n;

	/* Nothing sends empty payloads; framing one would only invent bytes. */
	if (!comp_active(c) || buf_len(b) == 0)
		return 0;
	n = lz4_try(c, b);
	if (n > 0)
		return frame_lz4(c, b, n);
	return frame_plain(c, b);
}

/* ---- receiver ------------------------------------------------------------ */

static const int drop_errno[COMP_DROP_MAX] = {
	[COMP_DROP_BAD_HEADER] = -EBADMSG,
	[COMP_DROP_TRUNCATED] = -EBADMSG,
	[COMP_DROP_LZO] = -EPROTONOSUPPORT,
	[COMP_DROP_NOT_ALLOWED] = -EPROTONOSUPPORT,
	[COMP_DROP_CORRUPT] = -EBADMSG,
	[COMP_DROP_TOO_LARGE] = -EMSGSIZE,
};

static int drop(struct comp_ctx *c, enum comp_drop why, uint8_t marker)
{
	c->stats.drops[why]++;
	c->last_drop = why;
	c->last_marker = marker;
	return drop_errno[why];
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* b holds a bare LZ4 block: replace it by what it decodes to. */
static int lz4_unframe(struct comp_ctx *c, struct buf *b, uint8_t marker)
{
	/* The output must fit the packet buffer as well as the scratch. */
	size_t limit = min_size(c->scratch_cap, buf_len(b) + buf_tailroom(b));
	const char *src = (const char *)buf_data(b);
	int n, got;

	n = LZ4_decompress_safe(src, (char *)c->scratch, (int)buf_len(b), (int)limit);
	if (n < 0) {
		/* Tell a block that is valid but too big from garbage: only a
		 * valid one fills the whole destination when decoded partially. */
		got = LZ4_decompress_safe_partial(src, (char *)c->scratch, (int)buf_len(b),
						  (int)limit, (int)limit);
		return drop(c, got == (int)limit ? COMP_DROP_TOO_LARGE : COMP_DROP_CORRUPT,
			    marker);
	}
	if ((size_t)n > buf_len(b))
		buf_put(b, (size_t)n - buf_len(b));
	else
		buf_trim(b, buf_len(b) - (size_t)n);
	memcpy(buf_data(b), c->scratch, (size_t)n);
	c->stats.rx_compressed++;
	return 0;
}

/* A compressed packet: decoded only when this side takes compression. */
static int accept_compressed(struct comp_ctx *c, uint8_t marker)
{
	if (!is_lz4(c->alg) || c->allow == COMP_ALLOW_NO)
		return drop(c, COMP_DROP_NOT_ALLOWED, marker);
	return 0;
}

static int unframe_lzo(struct comp_ctx *c, struct buf *b)
{
	uint8_t m = buf_data(b)[0];

	if (m == LZO_COMPRESSED)
		return drop(c, COMP_DROP_LZO, m);
	if (m != LZO_PLAIN)
		return drop(c, COMP_DROP_BAD_HEADER, m);
	buf_pull(b, 1);
	c->stats.rx_uncompressed++;
	return 0;
}

static int unframe_swap(struct comp_ctx *c, struct buf *b)
{
	uint8_t *p = buf_data(b);
	uint8_t m = p[0];
	size_t len = buf_len(b);
	int ret;

	if (m != SWAP_PLAIN && m != SWAP_LZ4)
		return drop(c, COMP_DROP_BAD_HEADER, m);
	if (len < 2)
		return drop(c, COMP_DROP_TRUNCATED, m);
	if (m == SWAP_LZ4 && (ret = accept_compressed(c, m)) < 0)
		return ret;
	/* Undo the swap: the byte the marker replaced travelled last. */
	p[0] = p[len - 1];
	buf_trim(b, 1);
	if (m == SWAP_LZ4)
		return lz4_unframe(c, b, m);
	c->stats.rx_uncompressed++;
	return 0;
}

static int unframe_v2(struct comp_ctx *c, struct buf *b)
{
	const uint8_t *p = buf_data(b);
	int ret;

	if (p[0] != V2_INDICATOR) {
		c->stats.rx_uncompressed++;
		return 0;
	}
	if (buf_len(b) < 2)
		return drop(c, COMP_DROP_TRUNCATED, p[0]);
	switch (p[1]) {
	case V2_PLAIN:
	case V2_PLAIN_26_QUIRK:
		buf_pull(b, 2);
		c->stats.rx_uncompressed++;
		return 0;
	case V2_LZ4:
		if ((ret = accept_compressed(c, p[1])) < 0)
			return ret;
		buf_pull(b, 2);
		return lz4_unframe(c, b, V2_LZ4);
	case V2_LZO:
		return drop(c, COMP_DROP_LZO, p[1]);
	default:
		return drop(c, COMP_DROP_BAD_HEADER, p[1]);
	}
}

int comp_unframe(struct comp_ctx *c, struct buf *b)
{
	if (!comp_active(c) || buf_len(b) == 0)
		return 0;
	switch (scheme_of(c->alg)) {
	case SCHEME_LZO:
		return unframe_lzo(c, b);
	case SCHEME_SWAP:
		return unframe_swap(c, b);
	case SCHEME_V2:
		return unframe_v2(c, b);
	default:
		return 0;
	}
}

/* ---- messages ------------------------------------------------------------ */

void comp_log_drop(struct comp_ctx *c, const char *peer)
{
	const char *name = comp_alg_name(c->alg);

	switch (c->last_drop) {
	case COMP_DROP_LZO:
		msg_ratelimited(&c->rl, M_WARN, "%s: dropping an LZO-compressed packet: this version cannot decompress LZO; the peer must not compress (--allow-compression asym or no there) or use --compress lz4-v2 on both ends",
				peer);
		break;
	case COMP_DROP_NOT_ALLOWED:
		msg_ratelimited(&c->rl, M_WARN, "%s: dropping a compressed packet: %s",
				peer, is_lz4(c->alg) ? "--allow-compression no refuses compressed packets"
				: "this end only does compression framing");
		break;
	case COMP_DROP_BAD_HEADER:
		msg_ratelimited(&c->rl, M_WARN, "%s: dropping a packet with compression header byte 0x%02x, not valid for '%s' (do both ends use the same compression setting?)",
				peer, c->last_marker, name);
		break;
	case COMP_DROP_TRUNCATED:
		msg_ratelimited(&c->rl, M_WARN, "%s: dropping a packet whose compression header is cut short",
				peer);
		break;
	case COMP_DROP_CORRUPT:
		msg_ratelimited(&c->rl, M_WARN, "%s: dropping a packet whose LZ4 data does not decompress",
				peer);
		break;
	default:
		msg_ratelimited(&c->rl, M_WARN, "%s: dropping a packet whose LZ4 data decompresses to more than %zu bytes",
				peer, c->scratch_cap);
		break;
	}
}

const char *comp_alg_name(enum comp_alg a)
{
	static const char *const names[] = {
		[COMP_ALG_NONE] = "none",
		[COMP_ALG_STUB] = "compress stub",
		[COMP_ALG_STUB_V2] = "compress stub-v2",
		[COMP_ALG_LZO_STUB] = "comp-lzo no",
		[COMP_ALG_LZO] = "comp-lzo",
		[COMP_ALG_LZ4] = "compress lz4",
		[COMP_ALG_LZ4_V2] = "compress lz4-v2",
	};

	if ((size_t)a >= ARRAY_SIZE(names))
		return "?";
	return names[a];
}

const char *comp_allow_name(enum comp_allow a)
{
	return a == COMP_ALLOW_YES ? "yes" : a == COMP_ALLOW_ASYM ? "asym" : "no";
}

int comp_occ_link_mtu_extra(enum comp_alg a)
{
	enum comp_scheme s = scheme_of(a);

	return s == SCHEME_LZO || s == SCHEME_SWAP ? 1 : 0;
}

bool comp_occ_has_comp_lzo(const char *occ)
{
	static const char item[] = ",comp-lzo";
	const char *p = occ;

	/* The item, not a prefix of a longer one. */
	while ((p = strstr(p, item)) != NULL) {
		p += sizeof(item) - 1;
		if (*p == ',' || *p == '\0')
			return true;
	}
	return false;
}

/* ---- server mode: one client ---------------------------------------------- */

void comp_for_client(const struct comp_client_in *in, struct comp_client_out *out)
{
	memset(out, 0, sizeof(*out));
	out->alg = in->server_alg;
	/* Migration first: it only concerns clients configured for framing. */
	if (in->migrate && in->occ_comp_lzo) {
		if (in->iv_comp_stubv2) {
			/* the client drops its framing to stub-v2, which costs
			 * nothing on IP packets; frame the same way here */
			out->push = "compress stub-v2";
			out->alg = COMP_ALG_STUB_V2;
		} else {
			/* pre-2.4 clients only know comp-lzo: keep its 0xFA byte */
			out->push = "comp-lzo no";
			out->alg = COMP_ALG_LZO_STUB;
		}
	}
	/* A client-config-dir file or client-connect script has the last word
	 * on the framing; what it pushes is its own business. */
	if (in->ccd_set)
		out->alg = in->ccd_alg;
	if (comp_alg_compresses(out->alg) && in->allow == COMP_ALLOW_NO)
		out->refuse = "compression for this client is not allowed by --allow-compression no";
}

const char *comp_lz4_version(void)
{
	return LZ4_versionString();
}
