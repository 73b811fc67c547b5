/*
 * Netlink messages from the ovpn-dco module, as the daemon parses them:
 * peer-deleted notifications, GET_PEER replies (statistics) and
 * NLMSG_ERROR answers with extended acks. Each message is placed at the
 * very end of a heap block, so ASan sees any read past it.
 *
 * Input: one byte choosing the parser (modulo 3), then one netlink message
 * (header included) as the kernel would send it; the generic netlink family
 * id is fixed at 0x20.
 */
#include <errno.h>

#include "dco.h"
#include "dco_nl.h"
#include "fuzz_common.h"

#define FAMILY 0x20

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_log_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dco_notification n;
	struct dco_peer_stats st;
	char text[256];
	int kerr = 12345, ret;
	uint8_t *msg;
	size_t len;

	if (size < 1 || size > 65536)
		return -1;
	len = size - 1;
	msg = malloc(len ? len : 1);
	if (!msg)
		abort();
	memcpy(msg, data + 1, len);
	switch (data[0] % 3) {
	case 0:
		ret = dco_nl_parse_notification(msg, len, FAMILY, &n);
		fuzz_trace("notification: %d", ret);
		FUZZ_CHECK(ret == 0 || ret == -EBADMSG || ret == -ENOMSG);
		break;
	case 1:
		ret = dco_nl_parse_peer_stats(msg, len, FAMILY, &st);
		fuzz_trace("peer stats: %d", ret);
		FUZZ_CHECK(ret == 0 || ret == -EBADMSG || ret == -ENOMSG);
		break;
	default:
		memset(text, 'x', sizeof(text));
		ret = dco_nl_parse_error(msg, len, &kerr, text, sizeof(text));
		fuzz_trace("error: %d kernel %d", ret, kerr);
		FUZZ_CHECK(ret == 0 || ret == -EBADMSG || ret == -ENOMSG);
		if (ret == 0) {
			FUZZ_CHECK(kerr <= 0);
			FUZZ_CHECK(memchr(text, '\0', sizeof(text)) != NULL);
		}
		break;
	}
	free(msg);
	return 0;
}
