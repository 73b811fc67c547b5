/*
 * Compression framing of data-channel payloads (--compress, --comp-lzo),
 * applied after the payload is built and before it is encrypted, and
 * removed after decryption. LZ4 is the only real compression here: LZO
 * is framing only, so LZO-compressed packets from a peer are dropped and
 * none are ever sent.
 */
#ifndef COMP_H
#define COMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log.h"

struct buf;

/* What --compress / --comp-lzo selected, in a config file or pushed. */
enum comp_alg {
	COMP_ALG_NONE = 0,         /* no framing byte at all (also "migrate") */
	COMP_ALG_STUB,             /* "compress" / "compress stub": swap, 0xFB */
	COMP_ALG_STUB_V2,          /* "compress stub-v2": escape a leading 0x50 */
	COMP_ALG_LZO_STUB,         /* "comp-lzo no": prefix 0xFA */
	/* real compression from here on (what --allow-compression governs) */
	COMP_ALG_LZO,              /* "comp-lzo [yes|adaptive]", "compress lzo" */
	COMP_ALG_LZ4,              /* "compress lz4": swap, 0xFB or 0x69 */
	COMP_ALG_LZ4_V2,           /* "compress lz4-v2": 50 00 or 50 01 */
};

static inline bool comp_alg_compresses(enum comp_alg a)
{
	return a >= COMP_ALG_LZO;
}

/* --allow-compression */
enum comp_allow {
	COMP_ALLOW_NO = 0,         /* framing only; compressed input refused */
	COMP_ALLOW_ASYM,           /* decompress what arrives, send uncompressed */
	COMP_ALLOW_YES,            /* compress and decompress */
};

/* Why comp_unframe() refused a packet; each has its own counter. */
enum comp_drop {
	COMP_DROP_BAD_HEADER = 0,  /* marker not valid for the configured framing */
	COMP_DROP_TRUNCATED,       /* header cut short */
	COMP_DROP_LZO,             /* LZO-compressed: not built in */
	COMP_DROP_NOT_ALLOWED,     /* compressed, but only framing is accepted */
	COMP_DROP_CORRUPT,         /* LZ4 block does not decode */
	COMP_DROP_TOO_LARGE,       /* LZ4 block decodes beyond the buffer */
	COMP_DROP_MAX
};

/* Bytes comp_frame() may prepend (the v2 markers); it also needs one byte
 * of tailroom for the swap schemes. */
#define COMP_HEADROOM 2
#define COMP_TAILROOM 1

/* Payloads shorter than this are never compressed, as in OpenVPN 2.6. */
#define COMP_MIN_SIZE 100

struct comp_stats {
	uint64_t tx_compressed, tx_uncompressed;   /* packets framed */
	uint64_t tx_bytes_in, tx_bytes_out;        /* compressed ones: before/after */
	uint64_t rx_compressed, rx_uncompressed;   /* packets unframed */
	uint64_t drops[COMP_DROP_MAX];
};

struct comp_ctx {
	enum comp_alg alg;
	enum comp_allow allow;
	struct comp_stats stats;
	enum comp_drop last_drop;  /* for comp_log_drop() */
	uint8_t last_marker;
	struct ratelimit rl;
	/* LZ4 only, allocated once by comp_init() */
	void *lz4_state;
	uint8_t *scratch;
	size_t scratch_cap;
};

/* Returns 0, -EINVAL (unknown alg/allow) or -ENOMEM. */
int comp_init(struct comp_ctx *c, enum comp_alg alg, enum comp_allow allow);
/* Frees what comp_init() took; the ctx is then inactive (safe to repeat). */
void comp_free(struct comp_ctx *c);

/* Any framing at all on the wire. */
static inline bool comp_active(const struct comp_ctx *c)
{
	return c->alg != COMP_ALG_NONE;
}

/*
 * Sender: frame the payload in b in place. Needs COMP_HEADROOM in front and
 * COMP_TAILROOM behind. LZ4 compresses only with --allow-compression yes,
 * payloads of COMP_MIN_SIZE or more, and when the block is smaller.
 * Returns 0 or -ENOBUFS (no room).
 */
int comp_frame(struct comp_ctx *c, struct buf *b);

/*
 * Receiver: remove the framing in place; decompressed output is bounded by
 * BUF_PAYLOAD_MAX and by the room in b. Returns 0, or -EBADMSG (unknown
 * marker, truncated, corrupt LZ4), -EPROTONOSUPPORT (LZO-compressed, or
 * compressed where only framing is accepted), -EMSGSIZE (decompresses too
 * large). The reason is counted and kept for comp_log_drop().
 */
int comp_unframe(struct comp_ctx *c, struct buf *b);

/* Log why the last comp_unframe() failed, rate limited per ctx. */
void comp_log_drop(struct comp_ctx *c, const char *peer);

/* As the option is written: "compress lz4-v2", "comp-lzo no", "none". */
const char *comp_alg_name(enum comp_alg a);
const char *comp_allow_name(enum comp_allow a);

/* Bytes 2.6 adds to the link-mtu of the OCC options string for this
 * framing (1 for the one-byte schemes, 0 for v2); any framing other than
 * none also adds the item ",comp-lzo" there. */
int comp_occ_link_mtu_extra(enum comp_alg a);

/* For --compress migrate on a server: true when the peer's OCC options
 * string carries the ",comp-lzo" item, i.e. it is configured for framing. */
bool comp_occ_has_comp_lzo(const char *occ);

/*
 * Server mode: the framing one client gets, decided as OpenVPN 2.6 does.
 * The server's own --compress/--comp-lzo is never pushed by itself (a
 * config pushes it with --push); a client-config-dir file or client-connect
 * script may set the framing for its client; with --compress migrate, a
 * client whose OCC options string carries ",comp-lzo" is told to stop
 * compressing: "compress stub-v2" when it announces IV_COMP_STUBv2=1, else
 * (an old client) "comp-lzo no", which the server then frames with too.
 */
struct comp_client_in {
	enum comp_alg server_alg;  /* the server's --compress / --comp-lzo */
	bool migrate;              /* the server has --compress migrate */
	bool ccd_set;              /* ccd / client-connect set a framing ... */
	enum comp_alg ccd_alg;     /* ... this one */
	enum comp_allow allow;     /* the server's --allow-compression */
	bool occ_comp_lzo;         /* client's OCC string has ",comp-lzo" */
	bool iv_comp_stubv2;       /* client's peer-info has IV_COMP_STUBv2=1 */
};

struct comp_client_out {
	enum comp_alg alg;         /* framing the server uses with this client */
	const char *push;          /* item for its PUSH_REPLY, or NULL */
	const char *refuse;        /* non-NULL: refuse the client, and why */
};

void comp_for_client(const struct comp_client_in *in, struct comp_client_out *out);

const char *comp_lz4_version(void);

#endif
