/*
 * Client-config-dir files and --client-connect output: the text goes
 * through options_parse_string() in CCD context into a fresh options
 * struct, then, as when a client-connect script writes a second file for
 * the same client, the rest of the input goes into the same struct. What
 * the server then reads from it is used the way peer.c does: iroute
 * networks through inet_pton / addr_parse_ipv6_prefix, and the client's
 * compression framing through comp_for_client().
 *
 * Input: the ccd file text, optionally followed by a NUL byte and the
 * client-connect output.
 */
#include <arpa/inet.h>
#include <errno.h>

#include "addr.h"
#include "comp.h"
#include "config.h"
#include "fuzz_common.h"
#include "options.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_log_init();
	return 0;
}

static void use(const struct options *c)
{
	struct comp_client_in in = {
		.server_alg = COMP_ALG_NONE, .migrate = true, .allow = COMP_ALLOW_NO,
		.ccd_set = c->comp_set, .ccd_alg = c->comp,
		.occ_comp_lzo = true, .iv_comp_stubv2 = c->n_iroutes & 1,
	};
	struct comp_client_out out;
	int i;

	FUZZ_CHECK(c->n_iroutes >= 0 && c->n_iroutes <= OPT_MAX_LIST);
	FUZZ_CHECK(c->n_iroutes_ipv6 >= 0 && c->n_iroutes_ipv6 <= OPT_MAX_LIST);
	FUZZ_CHECK(c->n_push >= 0 && c->n_push <= OPT_MAX_LIST);
	for (i = 0; i < c->n_iroutes; i++) {
		struct in_addr a;

		FUZZ_CHECK(c->iroutes[i].argc >= 1);
		FUZZ_CHECK(inet_pton(AF_INET, c->iroutes[i].argv[0], &a) == 1);
	}
	for (i = 0; i < c->n_iroutes_ipv6; i++) {
		struct in6_addr a;
		unsigned bits;

		FUZZ_CHECK(addr_parse_ipv6_prefix(c->iroutes_ipv6[i].argv[0], &a, &bits) == 0);
	}
	comp_for_client(&in, &out);
	FUZZ_CHECK(!comp_alg_compresses(out.alg) || out.refuse);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(text, '\0', size);
	size_t len = nul ? (size_t)(nul - text) : size;
	struct options c;
	int ret;

	if (size > CONFIG_MAX_FILE)
		return -1;
	options_init(&c);
	ret = options_parse_string(&c, text, len, "ccd/fuzz", OPT_CTX_CCD);
	fuzz_trace("ccd: %d %s", ret, ret ? options_last_error() : "");
	FUZZ_CHECK(ret == 0 || ret == -EINVAL || ret == -ENOMEM);
	if (ret == 0 && nul) {
		ret = options_parse_string(&c, nul + 1, size - len - 1, "client-connect",
					   OPT_CTX_CCD);
		fuzz_trace("client-connect: %d %s", ret, ret ? options_last_error() : "");
		FUZZ_CHECK(ret == 0 || ret == -EINVAL || ret == -ENOMEM);
	}
	if (ret == 0)
		use(&c);
	options_free(&c);
	return 0;
}
