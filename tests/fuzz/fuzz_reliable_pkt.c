/*
 * Plain control packet codec: reliable_pkt_parse() on arbitrary bytes. A
 * packet it accepts must be consistent (payload inside the input, header
 * length as reliable_pkt_hdr_len() says) and must come out byte for byte
 * the same when rebuilt with reliable_pkt_build(): the format has exactly
 * one encoding for each decoded value.
 */
#include <errno.h>

#include "fuzz_common.h"
#include "reliable.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_log_init();
	return 0;
}

static void check_rebuild(const struct reliable_pkt *pkt, const uint8_t *data, size_t size)
{
	size_t hdr = reliable_pkt_hdr_len(pkt->opcode, pkt->n_acks);
	struct buf b;
	uint8_t *mem;

	/* Exactly the header's room in front: build must not need more. */
	mem = fuzz_buf_new(&b, pkt->payload, pkt->payload_len, hdr, 0);
	FUZZ_CHECK(reliable_pkt_build(&b, pkt) == 0);
	FUZZ_CHECK(buf_len(&b) == size && memcmp(buf_data(&b), data, size) == 0);
	free(mem);
	/* One byte less must fail and leave the buffer as it was. */
	mem = fuzz_buf_new(&b, pkt->payload, pkt->payload_len, hdr - 1, 0);
	FUZZ_CHECK(reliable_pkt_build(&b, pkt) == -ENOSPC);
	FUZZ_CHECK(b.off == hdr - 1 && b.len == pkt->payload_len);
	free(mem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reliable_pkt pkt;
	int ret = reliable_pkt_parse(&pkt, data, size);

	FUZZ_CHECK(ret == 0 || ret == -EPROTONOSUPPORT || ret == -EINVAL || ret == -EBADMSG);
	if (size > 0 && ret != -EPROTONOSUPPORT && size > RELIABLE_PREFIX_LEN)
		FUZZ_CHECK((ret == -EINVAL) == !reliable_opcode_is_control(data[0] >> P_OPCODE_SHIFT));
	if (ret)
		return 0;
	FUZZ_CHECK(reliable_opcode_is_control(pkt.opcode));
	FUZZ_CHECK(pkt.opcode == data[0] >> P_OPCODE_SHIFT && pkt.key_id == (data[0] & 7));
	FUZZ_CHECK(pkt.n_acks <= RELIABLE_MAX_ACKS);
	FUZZ_CHECK(pkt.has_msg_id == (pkt.opcode != P_ACK_V1));
	FUZZ_CHECK(pkt.payload >= data && pkt.payload + pkt.payload_len == data + size);
	FUZZ_CHECK(pkt.payload_len == size - reliable_pkt_hdr_len(pkt.opcode, pkt.n_acks));
	if (pkt.opcode == P_ACK_V1)
		FUZZ_CHECK(pkt.payload_len == 0);
	check_rebuild(&pkt, data, size);
	return 0;
}
