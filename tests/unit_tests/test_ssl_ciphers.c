/*
 * --tls-cipher names in OpenVPN's spelling become OpenSSL's; everything
 * else passes through; the --show-tls listing uses OpenVPN's spelling.
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

#include "ssl_ciphers.h"

static void expect_translation(const char *in, const char *want)
{
	char out[512];

	assert_int_equal(ssl_cipher_list_translate(in, out, sizeof(out)), 0);
	assert_string_equal(out, want);
}

static void test_openvpn_names(void **state)
{
	(void)state;
	expect_translation("TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256",
			   "ECDHE-ECDSA-AES128-GCM-SHA256");
	/* case does not matter, as in OpenVPN */
	expect_translation("tls-ecdhe-rsa-with-aes-256-gcm-sha384", "ECDHE-RSA-AES256-GCM-SHA384");
	expect_translation("TLS-ECDHE-RSA-WITH-CHACHA20-POLY1305-SHA256:TLS-DHE-RSA-WITH-AES-256-CBC-SHA256",
			   "ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES256-SHA256");
}

static void test_passthrough_and_prefixes(void **state)
{
	(void)state;
	expect_translation("DEFAULT:!aNULL:@SECLEVEL=1", "DEFAULT:!aNULL:@SECLEVEL=1");
	expect_translation("ECDHE-RSA-AES256-GCM-SHA384:!TLS-DHE-RSA-WITH-AES-128-GCM-SHA256",
			   "ECDHE-RSA-AES256-GCM-SHA384:!DHE-RSA-AES128-GCM-SHA256");
	expect_translation("+TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256", "+ECDHE-RSA-AES128-GCM-SHA256");
	/* empty elements disappear */
	expect_translation("::DEFAULT::", "DEFAULT");
}

static void test_unknown_names_left_out(void **state)
{
	char longname[300];

	(void)state;
	expect_translation("TLS-NO-SUCH-SUITE:DEFAULT", "DEFAULT");
	expect_translation("TLS-NO-SUCH-SUITE", "");
	expect_translation("TLS-", "");
	expect_translation("!TLS-", "");
	memset(longname, 'A', sizeof(longname) - 1);
	memcpy(longname, "TLS-", 4);
	longname[sizeof(longname) - 1] = '\0';
	expect_translation(longname, "");
}

static void test_output_too_small(void **state)
{
	char out[16];

	(void)state;
	assert_int_equal(ssl_cipher_list_translate("TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256",
						   out, sizeof(out)), -ENOSPC);
	assert_int_equal(ssl_cipher_list_translate("DEFAULT", out, 0), -ENOSPC);
	/* exactly full: 15 characters and the terminator */
	assert_int_equal(ssl_cipher_list_translate("AAAAAAAAAAAAAAA", out, sizeof(out)), 0);
	assert_int_equal(ssl_cipher_list_translate("AAAAAAAAAAAAAAAA", out, sizeof(out)), -ENOSPC);
	assert_int_equal(ssl_cipher_list_translate("AAAAAAA:BBBBBBBB", out, sizeof(out)), -ENOSPC);
}

static void test_listing(void **state)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_method());
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(ctx);
	assert_non_null(f);
	assert_int_equal(SSL_CTX_set_cipher_list(ctx, "ECDHE-RSA-AES256-GCM-SHA384"), 1);
	assert_int_equal(SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256"), 1);
	ssl_ciphers_print(ctx, f);
	fclose(f);
	assert_non_null(strstr(text, "\nTLS_AES_128_GCM_SHA256\n"));
	assert_non_null(strstr(text, "\nTLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384\n"));
	/* nothing else was allowed */
	assert_null(strstr(text, "TLS_AES_256_GCM_SHA384"));
	assert_null(strstr(text, "CHACHA20"));
	/* TLS 1.3 first */
	assert_true(strstr(text, "TLS_AES_128") < strstr(text, "TLS-ECDHE"));
	free(text);
	SSL_CTX_free(ctx);
}

static void test_groups_listing(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	ssl_groups_print(f);
	fclose(f);
	assert_non_null(strstr(text, "\nsecp384r1\n"));
	assert_non_null(strstr(text, "\nprime256v1\n"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_openvpn_names),
		cmocka_unit_test(test_passthrough_and_prefixes),
		cmocka_unit_test(test_unknown_names_left_out),
		cmocka_unit_test(test_output_too_small),
		cmocka_unit_test(test_listing),
		cmocka_unit_test(test_groups_listing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
