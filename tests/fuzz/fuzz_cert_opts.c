/*
 * The peer certificate option formats (cert_opts.c): --remote-cert-ku
 * values, fingerprints (SHA1 and SHA256 lengths, and inline lists) and
 * --x509-username-field and --x509-track names. What a parser accepts must print back to
 * the same text: a fingerprint re-formatted as hex pairs equals the input
 * but for case, a key usage value fits its 1 to 4 digits, a field name
 * keeps its length.
 *
 * Input: a selector byte (0 ku, 1 SHA1 fingerprint, 2 SHA256 fingerprint,
 * 3 SHA256 list, 4 field name, 5 tracked attribute), then the text (a string: it ends at the
 * first NUL).
 */
#include <ctype.h>
#include <errno.h>
#include <strings.h>

#include "cert_opts.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_log_init();
	return 0;
}

static void check_fp(const char *s, size_t want)
{
	uint8_t out[CERT_FP_SHA256_LEN];
	char back[CERT_FP_SHA256_LEN * 3 + 1];
	size_t got, i;
	int ret = cert_fp_parse(s, want, out, &got);

	fuzz_trace("fingerprint of %zu bytes: %d (got %zu)", want, ret, got);
	FUZZ_CHECK(ret == 0 || ret == -EINVAL || ret == -ERANGE);
	if (ret == -ERANGE)
		FUZZ_CHECK(got != want && strlen(s) == got * 3 - 1);
	if (ret)
		return;
	for (i = 0; i < want; i++)
		snprintf(back + 3 * i, sizeof(back) - 3 * i, "%02x%s", out[i],
			 i + 1 < want ? ":" : "");
	FUZZ_CHECK(strcasecmp(back, s) == 0);
}

static void check_list(const char *s)
{
	uint8_t fp[4][CERT_FP_SHA256_LEN];
	int n = 0, line = 0;
	int ret = cert_fp_list_parse(s, CERT_FP_SHA256_LEN, fp, 4, &n, &line);

	fuzz_trace("list: %d, %d fingerprints, line %d", ret, n, line);
	FUZZ_CHECK(n >= 0 && n <= 4);
	FUZZ_CHECK(ret == 0 ? line == 0 : line > 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, out[CERT_FIELD_LEN];
	uint16_t ku;
	bool chain;
	int ret;

	if (size < 1)
		return 0;
	s = malloc(size);
	if (!s)
		abort();
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 6) {
	case 0:
		ret = cert_ku_parse(s, &ku);
		FUZZ_CHECK(ret == 0 || ret == -EINVAL);
		if (ret == 0)
			FUZZ_CHECK(ku != 0 && strlen(s) >= 1 && strlen(s) <= 4 &&
				   strtoul(s, NULL, 16) == ku);
		break;
	case 1:
		check_fp(s, CERT_FP_SHA1_LEN);
		break;
	case 2:
		check_fp(s, CERT_FP_SHA256_LEN);
		break;
	case 3:
		check_list(s);
		break;
	case 5:
		ret = cert_track_parse(s, out, sizeof(out), &chain);
		FUZZ_CHECK(ret == 0 || ret == -EINVAL);
		if (ret == 0)
			FUZZ_CHECK(strcmp(out, s + chain) == 0);
		break;
	default:
		ret = cert_username_field_parse(s, out, sizeof(out));
		FUZZ_CHECK(ret == 0 || ret == -EINVAL);
		if (ret == 0)
			FUZZ_CHECK(strlen(out) == strlen(s) && strcasecmp(out, s) == 0);
		break;
	}
	free(s);
	return 0;
}
