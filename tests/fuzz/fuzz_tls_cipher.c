/*
 * --tls-cipher lists: ssl_cipher_list_translate() on arbitrary text and an
 * arbitrary output size. The output must fit (terminated inside the given
 * size), and no entry left in it may still be an OpenVPN-style "TLS-"
 * name: those are either translated or left out.
 *
 * Input: one byte of output size (0..255), then the list text.
 */
#include <errno.h>
#include <strings.h>

#include "ssl_ciphers.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_log_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	size_t out_len = fz_u8(&f), len;
	const uint8_t *text = fz_bytes(&f, size, &len);
	char *list = malloc(len + 1), *out = malloc(out_len + 1), *tok, *save = NULL;
	int ret;

	if (!list || !out)
		goto done;
	memcpy(list, text, len);
	list[len] = '\0';
	out[out_len] = 'X';
	ret = ssl_cipher_list_translate(list, out, out_len);
	FUZZ_CHECK(out[out_len] == 'X');
	FUZZ_CHECK(ret == 0 || ret == -ENOSPC);
	if (ret == 0) {
		FUZZ_CHECK(strlen(out) < out_len);
		for (tok = strtok_r(out, ":", &save); tok; tok = strtok_r(NULL, ":", &save))
			FUZZ_CHECK(strncasecmp(tok + strspn(tok, "!+-"), "TLS-", 4) != 0);
	}
done:
	free(list);
	free(out);
	return 0;
}
