/*
 * Control channel reliability: the plain control packet codec and the
 * per-key-state reliable transport (message ids, individual ACKs, send and
 * receive windows, retransmission with exponential backoff).
 *
 * Everything here is pure state driven by the caller: time comes in as an
 * explicit now_ms (any monotonic millisecond clock), nothing touches a socket
 * and nothing allocates after the owner placed a struct reliable somewhere.
 * One struct reliable per key state; each key state counts message ids from 0.
 */
#ifndef RELIABLE_H
#define RELIABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Packet header byte: opcode in the top 5 bits, key id in the low 3. */
#define P_OPCODE_SHIFT 3
#define P_KEY_ID_MASK 0x07

enum p_opcode {
	P_CONTROL_HARD_RESET_CLIENT_V1 = 1, /* key method 1: refused */
	P_CONTROL_HARD_RESET_SERVER_V1 = 2, /* key method 1: refused */
	P_CONTROL_SOFT_RESET_V1 = 3,
	P_CONTROL_V1 = 4,
	P_ACK_V1 = 5,
	P_DATA_V1 = 6,
	P_CONTROL_HARD_RESET_CLIENT_V2 = 7,
	P_CONTROL_HARD_RESET_SERVER_V2 = 8,
	P_DATA_V2 = 9,
	P_CONTROL_HARD_RESET_CLIENT_V3 = 10,
	P_CONTROL_WKC_V1 = 11,
};

#define RELIABLE_SID_LEN 8
/* op/kid byte + sender's session id: the part every wrap mode keeps in front. */
#define RELIABLE_PREFIX_LEN (1 + RELIABLE_SID_LEN)
#define RELIABLE_MSG_ID_LEN 4
/* ACKs a packet may carry (more is malformed) and the most we put on one
 * that is not an ACK_V1. */
#define RELIABLE_MAX_ACKS 8
#define RELIABLE_MAX_ACKS_PIGGYBACK 4

/* Bytes of the ACK block for n acknowledged ids (count byte, ids, remote sid). */
static inline size_t reliable_ack_block_len(size_t n_acks)
{
	return 1 + 4 * n_acks + (n_acks ? RELIABLE_SID_LEN : 0);
}

/* A plain (unwrapped) control packet, decoded. */
struct reliable_pkt {
	uint8_t opcode;
	uint8_t key_id;
	uint8_t sid[RELIABLE_SID_LEN];        /* the sender's own session id */
	uint8_t n_acks;
	uint32_t acks[RELIABLE_MAX_ACKS];
	uint8_t remote_sid[RELIABLE_SID_LEN]; /* receiver's sid; only if n_acks > 0 */
	bool has_msg_id;                      /* false exactly for P_ACK_V1 */
	uint32_t msg_id;
	const uint8_t *payload;               /* parse: points into the input */
	size_t payload_len;
};

/* Opcodes a control packet may carry on receive (3..11 minus data). */
bool reliable_opcode_is_control(uint8_t opcode);
/* Header bytes in front of the payload for this opcode and ACK count. */
size_t reliable_pkt_hdr_len(uint8_t opcode, size_t n_acks);

/*
 * Decode a plain control packet (after the wrap layer removed its fields).
 * Returns 0, -EPROTONOSUPPORT for the key-method-1 resets, -EINVAL for a
 * non-control opcode, -EBADMSG for anything malformed: truncated, more than
 * RELIABLE_MAX_ACKS ACKs, all-zero session id, bytes after an ACK_V1.
 */
int reliable_pkt_parse(struct reliable_pkt *pkt, const uint8_t *data, size_t len);
/*
 * Prepend the header described by `pkt` (payload fields ignored) to the
 * payload already in `b`. All or nothing: 0, -ENOSPC when the headroom is
 * too small, -EINVAL for a bad opcode/key id/ACK count or an ACK_V1 with
 * payload.
 */
int reliable_pkt_build(struct buf *b, const struct reliable_pkt *pkt);

/* ---- reliable transport --------------------------------------------------- */

#define RELIABLE_SEND_WINDOW 6        /* unacked outgoing packets, as 2.6 */
#define RELIABLE_RECV_WINDOW 12       /* buffered incoming packets, as 2.6 */
/* Largest control payload stored; 2.6 sends at most max-packet-size 2048
 * minus headers, so every real peer fits. */
#define RELIABLE_PAYLOAD_MAX 2048
#define RELIABLE_TIMEOUT_DEFAULT_MS 2000 /* --tls-timeout */
#define RELIABLE_FAST_RETRANSMIT 3    /* ACKs for later ids before resending */
#define RELIABLE_ACK_QUEUE 16         /* ids waiting to be acknowledged */
#define RELIABLE_ACK_MRU 8            /* recently sent ACKs repeated on later packets */

struct reliable_msg {
	bool active;
	uint8_t opcode;
	uint32_t msg_id;
	/* send side only */
	uint64_t next_try_ms;         /* due when <= now; 0 = at once */
	uint32_t timeout_ms;          /* wait after the next transmission */
	unsigned int later_acks;      /* ACKs seen for higher ids since last sent */
	unsigned int n_sent;
	size_t len;
	uint8_t data[RELIABLE_PAYLOAD_MAX];
};

struct reliable {
	uint32_t send_window;
	uint32_t recv_window;
	uint32_t timeout_ms;          /* initial retransmission timeout */
	uint32_t next_send_id;        /* id the next enqueued message gets */
	uint32_t send_base;           /* lowest unacked id; == next_send_id when idle */
	uint32_t recv_expected;       /* next id to deliver in order */
	/* Ring buffers: send_head is the slot of send_base, recv_head the slot
	 * of recv_expected. (Plain id % capacity would break where the 32-bit
	 * ids wrap, as the capacities are no powers of two.) */
	uint32_t send_head;
	uint32_t recv_head;
	struct reliable_msg send[RELIABLE_SEND_WINDOW];
	struct reliable_msg recv[RELIABLE_RECV_WINDOW];
	uint32_t ack_queue[RELIABLE_ACK_QUEUE]; /* oldest first */
	size_t n_ack_queue;
	uint32_t ack_mru[RELIABLE_ACK_MRU];     /* newest first */
	size_t n_ack_mru;
};

/*
 * Windows up to the compile-time capacities (0 = the 2.6 default), initial
 * timeout in ms (0 = 2000). Returns 0 or -EINVAL.
 */
int reliable_init(struct reliable *rel, uint32_t send_window, uint32_t recv_window,
		  uint32_t timeout_ms);

/* -- sending -- */

/* How many more messages reliable_send_enqueue() would take now. */
uint32_t reliable_send_room(const struct reliable *rel);
/*
 * Copy a payload into the next slot, give it the next message id (returned
 * in *msg_id if non-NULL) and make it due at once. Returns 0, -EAGAIN when
 * the send window is full, -EMSGSIZE when len > RELIABLE_PAYLOAD_MAX,
 * -EINVAL for P_ACK_V1 or a non-control opcode.
 */
int reliable_send_enqueue(struct reliable *rel, uint8_t opcode, const void *payload,
			  size_t len, uint32_t *msg_id);
/*
 * The message that must go out now (lowest id first), or NULL. Counts it as
 * transmitted: the next try is now + timeout and the timeout doubles, so the
 * caller builds and sends exactly one packet per non-NULL return (a send
 * error is repaired by the retransmission timer).
 */
const struct reliable_msg *reliable_next_to_send(struct reliable *rel, uint64_t now_ms);
/* ms until reliable_next_to_send() returns something (0: now), -1 if idle. */
int64_t reliable_next_timeout(const struct reliable *rel, uint64_t now_ms);
/*
 * The peer acknowledged msg_id. Returns 0 if that freed a slot, -ENOENT for
 * an id not (or no longer) in flight, which is normal with repeated ACKs.
 * Either way, in-flight messages with lower ids count it towards a fast
 * retransmit.
 */
int reliable_ack_received(struct reliable *rel, uint32_t msg_id);
/* Everything in flight becomes due now with the initial timeout again (2.6
 * does this once when the peer's first packet of a session arrives). */
void reliable_send_all_now(struct reliable *rel);
/* True once msg_id was sent and acknowledged (the three-way handshake waits
 * for id 0 of its own reset). */
bool reliable_send_is_acked(const struct reliable *rel, uint32_t msg_id);
/* Nothing sent is waiting for an ACK. */
bool reliable_send_idle(const struct reliable *rel);

/* -- receiving -- */

enum reliable_recv_result {
	RELIABLE_RECV_NEW,      /* stored; ACK queued */
	RELIABLE_RECV_DUP,      /* seen before (buffered or delivered); ACK queued again */
	RELIABLE_RECV_DROP,     /* beyond the receive window: no ACK, peer resends */
	RELIABLE_RECV_TOO_BIG,  /* payload larger than a slot: dropped, no ACK */
};

/* A reliable packet (any opcode but P_ACK_V1) arrived with this id. */
enum reliable_recv_result reliable_recv(struct reliable *rel, uint8_t opcode, uint32_t msg_id,
					const void *payload, size_t len);
/* The next message in id order if it has arrived, else NULL ... */
const struct reliable_msg *reliable_recv_peek(const struct reliable *rel);
/* ... and release it once consumed. */
void reliable_recv_pop(struct reliable *rel);

/* -- ACKs to send -- */

/* Some received packet still needs its ACK. After this round's packets went
 * out, send ACK_V1s while it holds (one carries at most 8). */
bool reliable_ack_pending(const struct reliable *rel);
/*
 * Fill ids[] with at most max ids (RELIABLE_MAX_ACKS_PIGGYBACK on ordinary
 * packets, RELIABLE_MAX_ACKS on ACK_V1): queued ACKs newest first, then
 * recently sent ones repeated, newest first, as 2.6 does so a lost ACK is
 * repaired without waiting for a retransmission. Taken ids leave the queue.
 * Returns the count.
 */
size_t reliable_acks_take(struct reliable *rel, uint32_t *ids, size_t max);

#endif
