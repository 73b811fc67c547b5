/*
 * The peer certificate options: key usage values, fingerprints, username
 * field names (cert_opts.c), and the option rows that use them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cert_opts.h"
#include "log.h"
#include "options.h"

static void test_ku_values(void **state)
{
	static const char *const bad[] = {
		"", "0", "0000", "12345", "0x80", "g0", "a 0", "-1", "+80", " a0", "a0 ",
	};
	uint16_t v = 0;
	size_t i;

	assert_int_equal(cert_ku_parse("a0", &v), 0);
	assert_int_equal(v, 0xa0);
	assert_int_equal(cert_ku_parse("A0", &v), 0);
	assert_int_equal(v, 0xa0);
	assert_int_equal(cert_ku_parse("8", &v), 0);
	assert_int_equal(v, 0x8);
	assert_int_equal(cert_ku_parse("8000", &v), 0);
	assert_int_equal(v, 0x8000);
	assert_int_equal(cert_ku_parse("ffff", &v), 0);
	assert_int_equal(v, 0xffff);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 7;
		if (cert_ku_parse(bad[i], &v) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
		assert_int_equal(v, 7);
	}
}

#define FP20 "AD:B0:95:D8:09:C8:36:45:12:A9:89:C8:90:09:CB:13:72:A6:AD:16"
#define FP32 "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:" \
	     "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF"

static void test_fingerprint_formats(void **state)
{
	static const char *const bad[] = {
		"", ":", "A", "AD:", ":AD", "AD::B0", "ADB0", "AD:B0:", "AD-B0", "AD B0",
		"A:B0", "ADB:0", "GG:00", "AD:B0 ", " AD:B0", "AD:B0\n",
	};
	uint8_t out[CERT_FP_SHA256_LEN];
	size_t got, i;

	assert_int_equal(cert_fp_parse(FP20, CERT_FP_SHA1_LEN, out, &got), 0);
	assert_int_equal(got, 20);
	assert_int_equal(out[0], 0xad);
	assert_int_equal(out[19], 0x16);
	assert_int_equal(cert_fp_parse(FP32, CERT_FP_SHA256_LEN, out, &got), 0);
	assert_int_equal(out[10], 0xaa);
	assert_int_equal(out[26], 0xaa);
	assert_int_equal(out[31], 0xff);
	/* well formed but the wrong length: -ERANGE and how many there were */
	assert_int_equal(cert_fp_parse(FP20, CERT_FP_SHA256_LEN, out, &got), -ERANGE);
	assert_int_equal(got, 20);
	assert_int_equal(cert_fp_parse(FP32, CERT_FP_SHA1_LEN, out, &got), -ERANGE);
	assert_int_equal(got, 32);
	assert_int_equal(cert_fp_parse(FP32 ":00", CERT_FP_SHA256_LEN, out, &got), -ERANGE);
	assert_int_equal(got, 33);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (cert_fp_parse(bad[i], 2, out, &got) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
}

static void test_fingerprint_lists(void **state)
{
	uint8_t fp[4][CERT_FP_SHA256_LEN];
	int n = 0, line;

	assert_int_equal(cert_fp_list_parse("\n  " FP32 "  \n\n" FP32 "\n", 32, fp, 4, &n, &line), 0);
	assert_int_equal(n, 2);
	assert_int_equal(line, 0);
	/* appends; the bound counts what was there before */
	assert_int_equal(cert_fp_list_parse(FP32 "\n" FP32 "\n" FP32, 32, fp, 4, &n, &line), -E2BIG);
	assert_int_equal(line, 3);
	n = 0;
	assert_int_equal(cert_fp_list_parse(FP32 "\n\nnot-a-fingerprint\n", 32, fp, 4, &n, &line),
			 -EINVAL);
	assert_int_equal(line, 3);
	n = 0;
	assert_int_equal(cert_fp_list_parse(FP32 "\n" FP20 "\n", 32, fp, 4, &n, &line), -ERANGE);
	assert_int_equal(line, 2);
	n = 0;
	assert_int_equal(cert_fp_list_parse(FP32 " " FP32 "\n", 32, fp, 4, &n, &line), -EINVAL);
	n = 0;
	assert_int_equal(cert_fp_list_parse("", 32, fp, 4, &n, &line), 0);
	assert_int_equal(n, 0);
	/* a line longer than any fingerprint is malformed, not truncated */
	assert_int_equal(cert_fp_list_parse(FP32 FP32 FP32, 32, fp, 4, &n, &line), -EINVAL);
}

static void test_username_fields(void **state)
{
	static const char *const bad[] = {
		"", "ext:", "ext:keyUsage", "ext:subjectaltname", "e mail", "CN;", "-CN",
		"x:y", "CN=foo",
		"a_field_name_that_is_longer_than_the_sixty_four_bytes_allowed_for_it",
	};
	char out[CERT_FIELD_LEN];
	size_t i;

	assert_int_equal(cert_username_field_parse("CN", out, sizeof(out)), 0);
	assert_string_equal(out, "CN");
	assert_int_equal(cert_username_field_parse("emailAddress", out, sizeof(out)), 0);
	assert_string_equal(out, "emailAddress");
	/* all lower case is upper-cased, as 2.6 still does */
	assert_int_equal(cert_username_field_parse("ou", out, sizeof(out)), 0);
	assert_string_equal(out, "OU");
	assert_int_equal(cert_username_field_parse("ext:subjectAltName", out, sizeof(out)), 0);
	assert_string_equal(out, "ext:subjectAltName");
	assert_int_equal(cert_username_field_parse("ext:issuerAltName", out, sizeof(out)), 0);
	assert_int_equal(cert_username_field_parse("2.5.4.3", out, sizeof(out)), 0);
	assert_string_equal(out, "2.5.4.3");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (cert_username_field_parse(bad[i], out, sizeof(out)) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
}

static void test_track_attributes(void **state)
{
	static const char *const bad[] = {
		"", "+", "++CN", "+ CN", "ext:subjectAltName", "CN=x", ".CN", "-CN", "C N",
		"a_field_name_that_is_longer_than_the_sixty_four_bytes_allowed_for_it",
	};
	char out[CERT_FIELD_LEN];
	bool chain;
	size_t i;

	assert_int_equal(cert_track_parse("CN", out, sizeof(out), &chain), 0);
	assert_string_equal(out, "CN");
	assert_false(chain);
	assert_int_equal(cert_track_parse("+emailAddress", out, sizeof(out), &chain), 0);
	assert_string_equal(out, "emailAddress");
	assert_true(chain);
	/* no upper-casing here: the name is the variable's name */
	assert_int_equal(cert_track_parse("basicConstraints", out, sizeof(out), &chain), 0);
	assert_string_equal(out, "basicConstraints");
	assert_int_equal(cert_track_parse("+SHA256", out, sizeof(out), &chain), 0);
	assert_int_equal(cert_track_parse("2.5.29.19", out, sizeof(out), &chain), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (cert_track_parse(bad[i], out, sizeof(out), &chain) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
}

/* ---- the option rows ------------------------------------------------------ */

static int parse(struct options *o, const char *text)
{
	return options_parse_string(o, text, strlen(text), "t.conf", OPT_CTX_CMDLINE);
}

static void expect_bad(const char *text, const char *frag)
{
	struct options o;

	options_init(&o);
	if (parse(&o, text) != -EINVAL)
		fail_msg("'%s' was accepted", text);
	if (!strstr(options_last_error(), frag))
		fail_msg("error '%s' lacks '%s'", options_last_error(), frag);
	options_free(&o);
}

static void test_option_ku_eku(void **state)
{
	struct options o;

	options_init(&o);
	assert_int_equal(parse(&o, "remote-cert-ku\n"), 0);
	assert_true(o.remote_cert_ku_set);
	assert_int_equal(o.n_remote_cert_ku, 0);
	assert_int_equal(parse(&o, "remote-cert-ku a0 88 8\n"), 0);
	assert_int_equal(o.n_remote_cert_ku, 3);
	assert_int_equal(o.remote_cert_ku[1], 0x88);
	assert_int_equal(parse(&o, "remote-cert-eku \"TLS Web Client Authentication\"\n"), 0);
	assert_string_equal(o.remote_cert_eku, "TLS Web Client Authentication");
	assert_int_equal(parse(&o, "remote-cert-eku 1.3.6.1.5.5.7.3.1\n"), 0);
	assert_string_equal(o.remote_cert_eku, "1.3.6.1.5.5.7.3.1");
	options_free(&o);
	expect_bad("remote-cert-ku 0x80\n", "'0x80' is not a key usage value");
	expect_bad("remote-cert-ku a0 zz\n", "'zz' is not a key usage value");
	expect_bad("remote-cert-ku 10000\n", "'10000' is not a key usage value");
	expect_bad("remote-cert-ku 1 2 3 4 5 6 7 8 9 a b c d e f 10 11\n", "at most 16");
	expect_bad("remote-cert-eku \"\"\n", "empty argument");
	expect_bad("remote-cert-eku\n", "remote-cert-eku");
}

static void test_option_fingerprints(void **state)
{
	struct options o;

	options_init(&o);
	assert_int_equal(parse(&o, "verify-hash " FP20 "\n"), 0);
	assert_int_equal(o.fp_mode, CERT_FP_VERIFY_HASH);
	assert_int_equal(o.fp_len, 20);
	assert_int_equal(parse(&o, "verify-hash " FP20 " SHA1\n"), 0);
	assert_int_equal(o.n_fp, 2);
	options_free(&o);

	options_init(&o);
	assert_int_equal(parse(&o, "peer-fingerprint " FP32 "\n<peer-fingerprint>\n" FP32 "\n"
			       FP32 "\n</peer-fingerprint>\n"), 0);
	assert_int_equal(o.fp_mode, CERT_FP_PEER);
	assert_int_equal(o.fp_len, 32);
	assert_int_equal(o.n_fp, 3);
	options_free(&o);

	options_init(&o);
	assert_int_equal(parse(&o, "<verify-hash>\n" FP32 "\n</verify-hash>\n"), 0);
	assert_int_equal(o.fp_len, 32);
	options_free(&o);

	expect_bad("verify-hash " FP32 "\n", "has 32 bytes, a SHA1 fingerprint has 20");
	expect_bad("verify-hash " FP20 " SHA256\n", "has 20 bytes, a SHA256 fingerprint has 32");
	expect_bad("verify-hash " FP20 " sha1\n", "'sha1' is not a hash algorithm");
	expect_bad("verify-hash " FP20 " MD5\n", "'MD5' is not a hash algorithm");
	expect_bad("verify-hash AD-B0\n", "'AD-B0' is not a fingerprint");
	expect_bad("peer-fingerprint AB:CD\n", "'AB:CD' has 2 bytes, a SHA256 fingerprint has 32");
	expect_bad("peer-fingerprint " FP20 "\n", "has 20 bytes");
	expect_bad("peer-fingerprint " FP32 ":\n", "is not a fingerprint");
	expect_bad("peer-fingerprint " FP32 "\nverify-hash " FP20 "\n",
		   "--verify-hash and --peer-fingerprint cannot be used together");
	expect_bad("verify-hash " FP20 "\n<verify-hash>\n" FP32 "\n</verify-hash>\n",
		   "all fingerprints must use the same hash");
	expect_bad("<peer-fingerprint>\n" FP32 "\nbogus\n</peer-fingerprint>\n",
		   "(line 2 of the block) is not a fingerprint");
	expect_bad("<peer-fingerprint>\n\n</peer-fingerprint>\n", "holds no fingerprint");
}

static void test_option_username_field(void **state)
{
	struct options o;

	options_init(&o);
	assert_int_equal(parse(&o, "x509-username-field emailAddress\n"), 0);
	assert_int_equal(o.n_username_fields, 1);
	assert_string_equal(o.username_fields[0], "emailAddress");
	assert_int_equal(parse(&o, "x509-username-field cn serialNumber ext:subjectAltName\n"), 0);
	assert_int_equal(o.n_username_fields, 3);
	assert_string_equal(o.username_fields[0], "CN");
	assert_string_equal(o.username_fields[2], "ext:subjectAltName");
	options_free(&o);
	expect_bad("x509-username-field ext:keyUsage\n", "'ext:keyUsage' is not a field");
	expect_bad("x509-username-field CN \"e mail\"\n", "'e mail' is not a field");
	expect_bad("x509-username-field a b c d e f g h i\n", "at most 8 fields");
}

#define TLS_CLIENT "dev tun\ntls-client\nremote 192.0.2.1\n<cert>\nx\n</cert>\n<key>\nx\n</key>\n"

static void test_option_track(void **state)
{
	struct options o;
	char text[2048] = "";
	int i;

	options_init(&o);
	assert_int_equal(parse(&o, "x509-track CN\nx509-track +SHA256\n"), 0);
	assert_int_equal(o.n_track, 2);
	assert_string_equal(o.track[1], "SHA256");
	assert_false(o.track_chain[0]);
	assert_true(o.track_chain[1]);
	options_free(&o);
	expect_bad("x509-track \"C N\"\n", "'C N' is not an attribute");
	expect_bad("x509-track +\n", "'+' is not an attribute");
	for (i = 0; i <= CERT_TRACK_MAX; i++)
		strcat(text, "x509-track CN\n");
	expect_bad(text, "at most 16 attributes");
}

static void test_option_finalize(void **state)
{
	struct options o;

	/* a peer fingerprint replaces the CA; a CA hash does not */
	options_init(&o);
	assert_int_equal(parse(&o, TLS_CLIENT
			       "peer-fingerprint " FP32 "\n"), 0);
	assert_int_equal(options_finalize(&o), 0);
	options_free(&o);
	options_init(&o);
	assert_int_equal(parse(&o, TLS_CLIENT
			       "verify-hash " FP20 "\n"), 0);
	assert_int_equal(options_finalize(&o), -EINVAL);
	options_free(&o);
	/* without TLS these mean nothing */
	options_init(&o);
	assert_int_equal(parse(&o, "dev tun\nremote-cert-ku\n"), 0);
	assert_int_equal(options_finalize(&o), -EINVAL);
	options_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ku_values),
		cmocka_unit_test(test_fingerprint_formats),
		cmocka_unit_test(test_fingerprint_lists),
		cmocka_unit_test(test_username_fields),
		cmocka_unit_test(test_track_attributes),
		cmocka_unit_test(test_option_ku_eku),
		cmocka_unit_test(test_option_fingerprints),
		cmocka_unit_test(test_option_username_field),
		cmocka_unit_test(test_option_track),
		cmocka_unit_test(test_option_finalize),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
