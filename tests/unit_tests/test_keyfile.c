/* Static key files: parsing, malformed input, directions, --genkey output. */
#include <setjmp.h>
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "keyfile.h"

/* The 256-byte key of the protocol reference's tls-auth/tls-crypt vectors. */
static const char *const key_hex[8] = {
	"374d430cfbd5bbb810bf481707f5710cf78d2063c6da3621b7c9291142cdcc57",
	"f33c8f798eac5f16843a107ad5f504c75b5605b17293ef7dc0bf99ea11d5cbde",
	"1ecfded6a229ba5b0bc1dbcfbce40989e453e065fb24a48fe9b02aeacaad813b",
	"18284d2b703adc6e4582b172ec7b26590a7d5b51f2ac17696668b1dd0370d983",
	"119520bb28d2646571aeab479bc2938c84252be8bd34cc827f346bfbbd936519",
	"4113264e4b4c7a28fc544a8b4f5beca871956e2e24ef16f3b4ce09ec4711d04f",
	"c7e9678bb728a8f2d0e327f81d776cf22ecc0bb12455baa065c109ea3e83d945",
	"d029cf370fef9f0974e3a5050afe6ddb47e0a70f9650130753df4dd1375a0129",
};

/* A file written by `openvpn --genkey secret` (2.6.14), verbatim. */
static const char genkey_26[] =
	"#\n"
	"# 2048 bit OpenVPN static key\n"
	"#\n"
	"-----BEGIN OpenVPN Static key V1-----\n"
	"c27a836a043be578f2f0719d6b7d7e74\n"
	"4305ff479bb8ee83a58f0d152d334daf\n"
	"10b6b0879e3a0b39f658d67b5369263b\n"
	"5995a1e65a4448bae4d276f46f94e27e\n"
	"e3ad4cfb26b0bdb9bd48e0626c860042\n"
	"961167fb3c2e78f80aace24200d3383b\n"
	"43889d95304ced22d07723dede3adecf\n"
	"8c02defbd8d72344457183777f8a02b8\n"
	"2bb97005104ffaf548edd55f6d0dc7e9\n"
	"931e1594d3ff9193270023e09185b1b9\n"
	"4e0cc6547e932a4f578e97b8937e8681\n"
	"970778f65e4cc999b8ff04b88c5ac8a2\n"
	"20a659d3b776c77db8eb8dadf5ed4173\n"
	"924e53fcf495c9c3e8923fe610482dca\n"
	"8d56ff5c034f550e1008da6e3e3a3187\n"
	"0600c16a1cdae29c4f282681d50459b1\n"
	"-----END OpenVPN Static key V1-----\n";

static void hex_to_bytes(const char *hex, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned int v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void expected_key(uint8_t out[STATIC_KEY_LEN])
{
	int i;

	for (i = 0; i < 8; i++)
		hex_to_bytes(key_hex[i], out + 32 * i, 32);
}

/* Key file text: `lines` lines of the vector key between the markers. */
static size_t make_text(char *out, size_t cap, int lines, const char *eol)
{
	size_t n = 0;
	int i;

	n += (size_t)snprintf(out + n, cap - n, "# a comment 0123 abcdef%s#%s%s%s", eol, eol,
			      KEYFILE_BEGIN, eol);
	for (i = 0; i < lines; i++)
		n += (size_t)snprintf(out + n, cap - n, "%s%s", key_hex[i], eol);
	n += (size_t)snprintf(out + n, cap - n, "%s%s", KEYFILE_END, eol);
	assert_true(n < cap);
	return n;
}

static int parse(struct static_key *k, const char *text, char *err)
{
	err[0] = 0;
	return keyfile_parse(k, text, strlen(text), "key.txt", 1, err, KEYFILE_ERR_LEN);
}

static void assert_err_has(const char *err, const char *needle)
{
	if (!strstr(err, needle))
		fail_msg("error '%s' does not contain '%s'", err, needle);
}

static void test_good_file(void **state)
{
	uint8_t want[STATIC_KEY_LEN];
	char text[2048], err[KEYFILE_ERR_LEN];
	struct static_key k;

	expected_key(want);
	make_text(text, sizeof(text), 8, "\n");
	assert_int_equal(parse(&k, text, err), 0);
	assert_int_equal(k.len, STATIC_KEY_LEN);
	assert_memory_equal(k.bytes, want, STATIC_KEY_LEN);
}

static void test_crlf(void **state)
{
	uint8_t want[STATIC_KEY_LEN];
	char text[2048], err[KEYFILE_ERR_LEN];
	struct static_key k;

	expected_key(want);
	make_text(text, sizeof(text), 8, "\r\n");
	assert_int_equal(parse(&k, text, err), 0);
	assert_memory_equal(k.bytes, want, STATIC_KEY_LEN);
}

/* What 2.6 writes must read back, as must upper case, blanks and text around. */
static void test_real_genkey_and_lenient_forms(void **state)
{
	char text[4096], err[KEYFILE_ERR_LEN];
	struct static_key k;
	size_t n;
	int i;

	assert_int_equal(parse(&k, genkey_26, err), 0);
	assert_int_equal(k.len, STATIC_KEY_LEN);
	assert_int_equal(k.bytes[0], 0xc2);
	assert_int_equal(k.bytes[255], 0xb1);

	n = (size_t)snprintf(text, sizeof(text), "garbage ### -----BEGIN nothing\n  %s  \n",
			     KEYFILE_BEGIN);
	for (i = 0; i < 8; i++) {
		size_t start = n;

		/* blanks and tabs between digits, upper case on one line */
		n += (size_t)snprintf(text + n, sizeof(text) - n, "\t%.10s %s\n", key_hex[i],
				      key_hex[i] + 10);
		for (; i == 3 && start < n; start++)
			text[start] = (char)toupper((unsigned char)text[start]);
	}
	n += (size_t)snprintf(text + n, sizeof(text) - n, "%s\ntrailing text z!\n", KEYFILE_END);
	assert_true(n < sizeof(text));
	assert_int_equal(parse(&k, text, err), 0);
	assert_int_equal(k.bytes[0], 0x37);
	assert_int_equal(k.bytes[127], 0x83);
}

static void test_short_key(void **state)
{
	char text[2048], err[KEYFILE_ERR_LEN];
	struct static_key k;

	make_text(text, sizeof(text), 7, "\n");   /* 224 bytes */
	assert_int_equal(parse(&k, text, err), -EINVAL);
	assert_err_has(err, "key.txt:11:");
	assert_err_has(err, "224 bytes");
	make_text(text, sizeof(text), 3, "\n");   /* 96 bytes */
	assert_int_equal(parse(&k, text, err), -EINVAL);
	assert_err_has(err, "96 bytes");
	make_text(text, sizeof(text), 0, "\n");
	assert_int_equal(parse(&k, text, err), -EINVAL);
	assert_err_has(err, "0 bytes");
}

static void test_long_key(void **state)
{
	char text[2048], err[KEYFILE_ERR_LEN];
	struct static_key k;
	char *end;

	make_text(text, sizeof(text), 8, "\n");
	end = strstr(text, KEYFILE_END);
	memmove(end + 3, end, strlen(end) + 1);
	memcpy(end, "00\n", 3);
	assert_int_equal(parse(&k, text, err), -EINVAL);
	assert_err_has(err, "key.txt:12:");
	assert_err_has(err, "longer than 256");
}

static void test_odd_digits(void **state)
{
	char text[2048], err[KEYFILE_ERR_LEN];
	struct static_key k;
	char *line;

	make_text(text, sizeof(text), 8, "\n");
	line = strstr(text, key_hex[2]);
	line[0] = ' ';          /* 511 digits */
	assert_int_equal(parse(&k, text, err), -EINVAL);
	assert_err_has(err, "odd number of hex digits (511)");
	assert_err_has(err, "key.txt:12:");
}

static void test_bad_chars(void **state)
{
	static const char bad[] = { 'g', 'x', '#', '-', ';', 0x01, (char)0xc3 };
	char text[2048], err[KEYFILE_ERR_LEN];
	struct static_key k;
	size_t i, len;
	char *line;

	for (i = 0; i < sizeof(bad); i++) {
		len = make_text(text, sizeof(text), 8, "\n");
		line = strstr(text, key_hex[4]);
		line[7] = bad[i];
		err[0] = 0;
		assert_int_equal(keyfile_parse(&k, text, len, "ta.key", 1, err, sizeof(err)),
				 -EINVAL);
		assert_err_has(err, "ta.key:8:");
		/* the key never survives a failed parse */
		assert_int_equal(k.len, 0);
	}
	assert_err_has(err, "0xc3");
	/* an embedded NUL is just another bad byte */
	len = make_text(text, sizeof(text), 8, "\n");
	strstr(text, key_hex[1])[0] = 0;
	assert_int_equal(keyfile_parse(&k, text, len, "ta.key", 1, err, sizeof(err)), -EINVAL);
	assert_err_has(err, "ta.key:5:");
	assert_err_has(err, "0x00");
	/* a comment between the markers is an error too */
	make_text(text, sizeof(text), 8, "\n");
	line = strstr(text, key_hex[0]);
	memcpy(line, "# ", 2);
	assert_int_equal(parse(&k, text, err), -EINVAL);
	assert_err_has(err, "'#'");
}

static void test_missing_markers(void **state)
{
	char text[2048], err[KEYFILE_ERR_LEN];
	struct static_key k;

	make_text(text, sizeof(text), 8, "\n");
	*strstr(text, KEYFILE_END) = 0;
	assert_int_equal(parse(&k, text, err), -EINVAL);
	assert_err_has(err, "missing '" KEYFILE_END "'");
	assert_err_has(err, "key.txt:11:");

	make_text(text, sizeof(text), 8, "\n");
	strstr(text, "BEGIN")[0] = 'b';
	assert_int_equal(parse(&k, text, err), -EINVAL);
	assert_err_has(err, "no '" KEYFILE_BEGIN "'");

	assert_int_equal(parse(&k, "", err), -EINVAL);
	/* a marker must be the whole line */
	make_text(text, sizeof(text), 8, "\n");
	strstr(text, KEYFILE_END)[strlen(KEYFILE_END)] = 'x';
	assert_int_equal(parse(&k, text, err), -EINVAL);
}

/* Inline blocks report lines of the config file that holds them. */
static void test_inline_line_numbers(void **state)
{
	char text[2048], err[KEYFILE_ERR_LEN];
	struct static_key k;
	size_t len;

	len = make_text(text, sizeof(text), 8, "\n");
	strstr(text, key_hex[0])[0] = 'q';
	assert_int_equal(keyfile_parse(&k, text, len, "[[INLINE]]", 40, err, sizeof(err)),
			 -EINVAL);
	assert_err_has(err, "[[INLINE]]:43:");
}

static void test_key0_only(void **state)
{
	char text[2048], err[KEYFILE_ERR_LEN];
	struct static_key_dirs d;
	struct static_key k;

	make_text(text, sizeof(text), 4, "\n");
	assert_int_equal(parse(&k, text, err), 0);
	assert_int_equal(k.len, STATIC_KEY_ONE_LEN);
	assert_int_equal(keyfile_key_dirs(&k, KEY_DIR_BIDIRECTIONAL, &d, err, sizeof(err)), 0);
	assert_ptr_equal(d.send_cipher, k.bytes);
	assert_ptr_equal(d.send_hmac, k.bytes + 64);
	assert_ptr_equal(d.recv_hmac, k.bytes + 64);
	assert_int_equal(keyfile_key_dirs(&k, KEY_DIR_NORMAL, &d, err, sizeof(err)), -EINVAL);
	assert_err_has(err, "key direction");
	assert_int_equal(keyfile_key_dirs(&k, KEY_DIR_INVERSE, &d, err, sizeof(err)), -EINVAL);
}

static void test_directions(void **state)
{
	char text[2048], err[KEYFILE_ERR_LEN];
	struct static_key_dirs d;
	enum key_direction dir;
	struct static_key k;

	make_text(text, sizeof(text), 8, "\n");
	assert_int_equal(parse(&k, text, err), 0);
	assert_int_equal(keyfile_key_dirs(&k, KEY_DIR_BIDIRECTIONAL, &d, err, sizeof(err)), 0);
	assert_ptr_equal(d.send_hmac, k.bytes + 64);
	assert_ptr_equal(d.recv_hmac, k.bytes + 64);
	assert_ptr_equal(d.recv_cipher, k.bytes);
	assert_int_equal(keyfile_key_dirs(&k, KEY_DIR_NORMAL, &d, err, sizeof(err)), 0);
	assert_ptr_equal(d.send_cipher, k.bytes);
	assert_ptr_equal(d.send_hmac, k.bytes + 64);
	assert_ptr_equal(d.recv_cipher, k.bytes + 128);
	assert_ptr_equal(d.recv_hmac, k.bytes + 192);
	assert_int_equal(keyfile_key_dirs(&k, KEY_DIR_INVERSE, &d, err, sizeof(err)), 0);
	assert_ptr_equal(d.send_cipher, k.bytes + 128);
	assert_ptr_equal(d.send_hmac, k.bytes + 192);
	assert_ptr_equal(d.recv_cipher, k.bytes);
	assert_ptr_equal(d.recv_hmac, k.bytes + 64);
	/* the protocol reference: client 'tls-auth ta.key 1' HMACs with bytes 192.. */
	assert_int_equal(d.send_hmac[0], 0xc7);

	assert_int_equal(keyfile_parse_direction("0", &dir), 0);
	assert_int_equal(dir, KEY_DIR_NORMAL);
	assert_int_equal(keyfile_parse_direction("1", &dir), 0);
	assert_int_equal(dir, KEY_DIR_INVERSE);
	assert_int_equal(keyfile_parse_direction("2", &dir), -EINVAL);
	assert_int_equal(keyfile_parse_direction("", &dir), -EINVAL);
	assert_int_equal(keyfile_parse_direction("01", &dir), -EINVAL);
	assert_int_equal(keyfile_key_dirs(&k, (enum key_direction)7, &d, err, sizeof(err)),
			 -EINVAL);
}

static void test_genkey_round_trip(void **state)
{
	char path[] = "/tmp/test_keyfile.XXXXXX";
	char text[KEYFILE_TEXT_MAX], err[KEYFILE_ERR_LEN];
	struct static_key a, b, c;
	struct stat st;
	int fd, len, lines = 0;
	char *p;

	assert_int_equal(keyfile_generate(&a), 0);
	assert_int_equal(keyfile_generate(&c), 0);
	assert_memory_not_equal(a.bytes, c.bytes, STATIC_KEY_LEN);

	len = keyfile_format(&a, text, sizeof(text));
	assert_true(len > 0);
	assert_int_equal((size_t)len, strlen(text));
	assert_int_equal(text[0], '#');
	/* 16 lines of 32 hex digits between the markers, as 2.6 writes */
	for (p = strstr(text, KEYFILE_BEGIN "\n") + sizeof(KEYFILE_BEGIN); *p != '-'; p += 33) {
		assert_int_equal(p[32], '\n');
		lines++;
	}
	assert_int_equal(lines, 16);
	assert_string_equal(p, KEYFILE_END "\n");
	assert_int_equal(keyfile_format(&a, text, 600), -ENOSPC);

	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	assert_int_equal(keyfile_write(&a, path, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(keyfile_read(&b, path, err, sizeof(err)), 0);
	assert_int_equal(b.len, STATIC_KEY_LEN);
	assert_memory_equal(a.bytes, b.bytes, STATIC_KEY_LEN);
	/* an existing file is replaced */
	assert_int_equal(keyfile_write(&c, path, err, sizeof(err)), 0);
	assert_int_equal(keyfile_read(&b, path, err, sizeof(err)), 0);
	assert_memory_equal(c.bytes, b.bytes, STATIC_KEY_LEN);
	unlink(path);

	assert_int_equal(keyfile_read(&b, path, err, sizeof(err)), -ENOENT);
	assert_err_has(err, path);
	assert_int_equal(keyfile_write(&a, "/nonexistent-dir/x", err, sizeof(err)), -ENOENT);
	assert_err_has(err, "/nonexistent-dir/x");

	assert_true(keyfile_genkey_type_ok("secret"));
	assert_true(keyfile_genkey_type_ok("tls-auth"));
	assert_true(keyfile_genkey_type_ok("tls-crypt"));
	assert_false(keyfile_genkey_type_ok("tls-crypt-v2-server"));
	assert_false(keyfile_genkey_type_ok("foo"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_real_genkey_and_lenient_forms),
		cmocka_unit_test(test_short_key),
		cmocka_unit_test(test_long_key),
		cmocka_unit_test(test_odd_digits),
		cmocka_unit_test(test_bad_chars),
		cmocka_unit_test(test_missing_markers),
		cmocka_unit_test(test_inline_line_numbers),
		cmocka_unit_test(test_key0_only),
		cmocka_unit_test(test_directions),
		cmocka_unit_test(test_genkey_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
