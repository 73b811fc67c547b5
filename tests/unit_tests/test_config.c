/* The config tokenizer: quoting, escapes, inline blocks and malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"

/* A reader on the heap: it carries a line-sized buffer. */
static struct config_reader *reader(const char *text, size_t len)
{
	struct config_reader *r = malloc(sizeof(*r));

	assert_non_null(r);
	config_reader_init(r, text, len, "t.conf");
	return r;
}

static struct config_reader *reader_str(const char *text)
{
	return reader(text, strlen(text));
}

static void reader_done(struct config_reader *r)
{
	config_reader_free(r);
	free(r);
}

/* Expect the next entry to be exactly the given NULL-terminated tokens. */
static void expect_line(struct config_reader *r, int lineno, ...)
{
	struct config_line l;
	const char *tok;
	va_list ap;
	int i = 0;

	assert_int_equal(config_next(r, &l), 1);
	assert_int_equal(l.lineno, lineno);
	va_start(ap, lineno);
	while ((tok = va_arg(ap, const char *)) != NULL) {
		assert_true(i < l.argc);
		assert_string_equal(l.argv[i], tok);
		i++;
	}
	va_end(ap);
	assert_int_equal(l.argc, i);
	assert_null(l.argv[i]);
	assert_false(l.is_inline);
}

static void expect_end(struct config_reader *r)
{
	struct config_line l;

	assert_int_equal(config_next(r, &l), 0);
	/* and it stays at the end */
	assert_int_equal(config_next(r, &l), 0);
}

/* Expect an error whose message contains every given fragment. */
static void expect_error(struct config_reader *r, ...)
{
	struct config_line l;
	const char *frag;
	va_list ap;

	assert_int_equal(config_next(r, &l), -EINVAL);
	va_start(ap, r);
	while ((frag = va_arg(ap, const char *)) != NULL) {
		if (!strstr(config_error(r), frag))
			fail_msg("error '%s' lacks '%s'", config_error(r), frag);
	}
	va_end(ap);
}

static void test_comments(void **state)
{
	struct config_reader *r = reader_str(
		"# full line\n"
		"; also a comment\n"
		"   # indented comment\n"
		"verb 3 # trailing\n"
		"remote a ;trailing\n"
		"dev tun#not-a-comment\n"
		"dev a;b\n");

	expect_line(r, 4, "verb", "3", NULL);
	expect_line(r, 5, "remote", "a", NULL);
	expect_line(r, 6, "dev", "tun#not-a-comment", NULL);
	expect_line(r, 7, "dev", "a;b", NULL);
	expect_end(r);
	reader_done(r);
}

static void test_whitespace(void **state)
{
	struct config_reader *r = reader_str(" \t verb\t\t3  \v\f\n\n   \n\t\n");

	expect_line(r, 1, "verb", "3", NULL);
	expect_end(r);
	reader_done(r);
}

static void test_double_quotes(void **state)
{
	struct config_reader *r = reader_str(
		"remote \"a b\" \"\" \"#x\" \";y\"\n"
		"x \"q'q\" a\"b c\"d\n");

	expect_line(r, 1, "remote", "a b", "", "#x", ";y", NULL);
	/* a quote inside a bare token is an ordinary character */
	expect_line(r, 2, "x", "q'q", "a\"b", "c\"d", NULL);
	expect_end(r);
	reader_done(r);
}

static void test_closing_quote_ends_token(void **state)
{
	struct config_reader *r = reader_str("verb '4'x \"5\"y\n");

	expect_line(r, 1, "verb", "4", "x", "5", "y", NULL);
	reader_done(r);
}

static void test_escapes(void **state)
{
	struct config_reader *r = reader_str(
		"a\\\\b \"c\\\"d\" e\\ f \"g\\ h\" i\\\"j k\\\tl\n");

	expect_line(r, 1, "a\\b", "c\"d", "e f", "g h", "i\"j", "k\tl", NULL);
	reader_done(r);
	/* an escaped comment character is not accepted, as in 2.6 */
	r = reader_str("\\#x\n");
	expect_error(r, "t.conf:1:", "\\#", NULL);
	reader_done(r);
}

static void test_single_quotes(void **state)
{
	struct config_reader *r = reader_str("up 'a\\b \"c\" \\\\ # ;'\n");

	expect_line(r, 1, "up", "a\\b \"c\" \\\\ # ;", NULL);
	expect_end(r);
	reader_done(r);
}

static void test_bad_escape(void **state)
{
	struct config_reader *r = reader_str("verb 1\ndev c:\\dir\n");

	expect_line(r, 1, "verb", "1", NULL);
	expect_error(r, "t.conf:2:", "'\\d'", NULL);
	reader_done(r);

	r = reader_str("dev \"a\\qb\"\n");
	expect_error(r, "t.conf:1:", "'\\q'", NULL);
	reader_done(r);

	r = reader_str("dev ab\\\nverb 3\n");
	expect_error(r, "t.conf:1:", "end of line", NULL);
	reader_done(r);

	r = reader_str("dev a\\\x01\n");
	expect_error(r, "t.conf:1:", "0x01", NULL);
	reader_done(r);
}

static void test_unterminated_quote(void **state)
{
	struct config_reader *r = reader_str("verb 1\n\nremote \"abc\n");

	expect_line(r, 1, "verb", "1", NULL);
	expect_error(r, "t.conf:3:", "missing closing quote (\")", NULL);
	reader_done(r);

	r = reader_str("remote 'abc\n");
	expect_error(r, "t.conf:1:", "missing closing quote (')", NULL);
	reader_done(r);

	/* no escapes in single quotes: the backslash does not protect it */
	r = reader_str("remote 'abc\\' x\n");
	expect_line(r, 1, "remote", "abc\\", "x", NULL);
	reader_done(r);

	/* an escaped quote does not close */
	r = reader_str("remote \"abc\\\"\n");
	expect_error(r, "t.conf:1:", "missing closing quote", NULL);
	reader_done(r);
}

static void test_inline_block(void **state)
{
	const char *content = "-----BEGIN CERTIFICATE-----\n"
			      "  MIIB # not a comment; \"quotes\" \\kept\n"
			      "\n"
			      "-----END CERTIFICATE-----\n";
	char text[512];
	struct config_reader *r;
	struct config_line l;

	snprintf(text, sizeof(text), "verb 3\n<ca>\n%s</ca>\nremote x\n", content);
	r = reader_str(text);
	expect_line(r, 1, "verb", "3", NULL);
	assert_int_equal(config_next(r, &l), 1);
	assert_int_equal(l.lineno, 2);
	assert_true(l.is_inline);
	assert_int_equal(l.argc, 2);
	assert_string_equal(l.argv[0], "ca");
	assert_string_equal(l.argv[1], content);
	assert_int_equal(l.inline_len, strlen(content));
	assert_null(l.argv[2]);
	expect_line(r, 8, "remote", "x", NULL);
	expect_end(r);
	reader_done(r);
}

static void test_inline_variants(void **state)
{
	struct config_reader *r;
	struct config_line l;

	/* empty block, surrounding blanks, CRLF inside, no final newline */
	r = reader_str("<tls-auth>\n</tls-auth>\n  <key>  \r\nA\r\nB\r\n </key> \r\n"
		       "<dh>\nx\n</dh>");
	assert_int_equal(config_next(r, &l), 1);
	assert_string_equal(l.argv[0], "tls-auth");
	assert_string_equal(l.argv[1], "");
	assert_int_equal(l.inline_len, 0);
	assert_int_equal(config_next(r, &l), 1);
	assert_int_equal(l.lineno, 3);
	assert_string_equal(l.argv[0], "key");
	assert_string_equal(l.argv[1], "A\nB\n");
	assert_int_equal(config_next(r, &l), 1);
	assert_int_equal(l.lineno, 7);
	assert_string_equal(l.argv[1], "x\n");
	expect_end(r);
	reader_done(r);
}

static void test_inline_large(void **state)
{
	size_t lines = 2000, i;
	char *text = malloc(lines * 65 + 64), *p = text;
	struct config_reader *r;
	struct config_line l;

	assert_non_null(text);
	p += sprintf(p, "<cert>\n");
	for (i = 0; i < lines; i++)
		p += sprintf(p, "%064zu\n", i);
	p += sprintf(p, "</cert>\n");
	r = reader(text, (size_t)(p - text));
	assert_int_equal(config_next(r, &l), 1);
	assert_int_equal(l.inline_len, lines * 65);
	assert_int_equal(strlen(l.argv[1]), lines * 65);
	assert_memory_equal(l.argv[1] + 65 * 1999, "0000000000000000000000000000000000000000000000000000000000001999\n", 65);
	expect_end(r);
	reader_done(r);
	free(text);
}

static void test_unterminated_inline(void **state)
{
	struct config_reader *r = reader_str("verb 1\n\n<ca>\nAAAA\nBBBB\n");

	expect_line(r, 1, "verb", "1", NULL);
	expect_error(r, "t.conf:3:", "<ca>", "not closed", "</ca>", NULL);
	reader_done(r);
}

static void test_mismatched_close_tag(void **state)
{
	struct config_reader *r = reader_str("<ca>\nAAAA\n</cert>\n</ca>\n");

	expect_error(r, "t.conf:3:", "</cert>", "<ca>", "line 1", NULL);
	reader_done(r);

	r = reader_str("verb 1\n</ca>\n");
	expect_line(r, 1, "verb", "1", NULL);
	expect_error(r, "t.conf:2:", "</ca>", "without", NULL);
	reader_done(r);
}

static void test_not_a_tag(void **state)
{
	/* Only a line that is exactly <word> opens a block. */
	struct config_reader *r = reader_str("<ca> x\n<c a>\n<>\n");

	expect_line(r, 1, "<ca>", "x", NULL);
	expect_line(r, 2, "<c", "a>", NULL);
	expect_line(r, 3, "<>", NULL);
	expect_end(r);
	reader_done(r);
}

static void test_overlong_line(void **state)
{
	size_t n = CONFIG_MAX_LINE + 1;
	char *text = malloc(n + 16);
	struct config_reader *r;
	struct config_line l;

	assert_non_null(text);
	/* exactly at the limit: one token of CONFIG_MAX_LINE bytes is fine */
	memset(text, 'a', CONFIG_MAX_LINE);
	strcpy(text + CONFIG_MAX_LINE, "\r\n");
	r = reader_str(text);
	assert_int_equal(config_next(r, &l), 1);
	assert_int_equal(strlen(l.argv[0]), CONFIG_MAX_LINE);
	reader_done(r);

	memset(text, 'a', n);
	strcpy(text + n, "\n");
	r = reader_str(text);
	expect_error(r, "t.conf:1:", "longer than", NULL);
	reader_done(r);

	free(text);

	/* also inside an inline block */
	text = malloc(n + 16);
	assert_non_null(text);
	strcpy(text, "<ca>\n");
	memset(text + 5, 'a', n);
	strcpy(text + 5 + n, "\n</ca>\n");
	r = reader_str(text);
	expect_error(r, "t.conf:2:", "longer than", NULL);
	reader_done(r);
	free(text);
}

static void test_too_many_tokens(void **state)
{
	char text[CONFIG_MAX_TOKENS * 2 + 8];
	struct config_reader *r;
	struct config_line l;
	int i;

	for (i = 0; i < CONFIG_MAX_TOKENS; i++) {
		text[2 * i] = 'x';
		text[2 * i + 1] = ' ';
	}
	text[2 * CONFIG_MAX_TOKENS] = '\0';
	r = reader_str(text);
	assert_int_equal(config_next(r, &l), 1);
	assert_int_equal(l.argc, CONFIG_MAX_TOKENS);
	reader_done(r);

	strcat(text, "y\n");
	r = reader_str(text);
	expect_error(r, "t.conf:1:", "tokens", NULL);
	reader_done(r);
}

static void test_nul_byte(void **state)
{
	static const char text[] = "verb 1\nde\0v tun\n";
	struct config_reader *r = reader(text, sizeof(text) - 1);

	expect_line(r, 1, "verb", "1", NULL);
	expect_error(r, "t.conf:2:", "NUL", NULL);
	reader_done(r);

	/* a NUL in an inline block as well */
	static const char text2[] = "<ca>\nA\0B\n</ca>\n";
	r = reader(text2, sizeof(text2) - 1);
	expect_error(r, "t.conf:2:", "NUL", NULL);
	reader_done(r);
}

static void test_crlf(void **state)
{
	struct config_reader *r = reader_str("verb 3\r\n\r\ndev \"tun 0\"\r\nx\r");

	expect_line(r, 1, "verb", "3", NULL);
	expect_line(r, 3, "dev", "tun 0", NULL);
	expect_line(r, 4, "x", NULL);
	expect_end(r);
	reader_done(r);
}

static void test_bom(void **state)
{
	struct config_reader *r = reader_str("\xef\xbb\xbfverb 3\n");

	expect_line(r, 1, "verb", "3", NULL);
	expect_end(r);
	reader_done(r);

	/* only at the very start */
	r = reader_str("verb 3\n\xef\xbb\xbf" "dev tun\n");
	expect_line(r, 1, "verb", "3", NULL);
	expect_line(r, 2, "\xef\xbb\xbf" "dev", "tun", NULL);
	reader_done(r);

	/* a file that is only a BOM is empty */
	r = reader_str("\xef\xbb\xbf");
	expect_end(r);
	reader_done(r);
}

static void test_empty(void **state)
{
	struct config_reader *r = reader("", 0);

	expect_end(r);
	assert_string_equal(config_error(r), "");
	reader_done(r);

	r = reader_str("\n\n# nothing\n   ;\n");
	expect_end(r);
	reader_done(r);
}

static void test_line_numbers(void **state)
{
	struct config_reader *r = reader_str(
		"\n"
		"# c\n"
		"a\n"
		"<ca>\n"
		"x\n"
		"</ca>\n"
		"\n"
		"b 'q'\n"
		"c");

	expect_line(r, 3, "a", NULL);
	assert_int_equal(config_next(r, &(struct config_line){ 0 }), 1);
	expect_line(r, 8, "b", "q", NULL);
	expect_line(r, 9, "c", NULL);
	expect_end(r);
	reader_done(r);
}

static void test_read_file(void **state)
{
	char path[] = "/tmp/test_config_XXXXXX";
	char *text = NULL, *big;
	size_t len = 0;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "verb 3\n", 7), 7);
	assert_int_equal(config_read_file(path, &text, &len), 0);
	assert_int_equal(len, 7);
	assert_string_equal(text, "verb 3\n");
	free(text);

	/* exactly the bound is fine, one byte more is not */
	big = calloc(1, CONFIG_MAX_FILE + 1);
	assert_non_null(big);
	memset(big, '#', CONFIG_MAX_FILE + 1);
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(pwrite(fd, big, CONFIG_MAX_FILE, 0), CONFIG_MAX_FILE);
	assert_int_equal(config_read_file(path, &text, &len), 0);
	assert_int_equal(len, CONFIG_MAX_FILE);
	free(text);
	assert_int_equal(pwrite(fd, big, 1, CONFIG_MAX_FILE), 1);
	text = NULL;
	assert_int_equal(config_read_file(path, &text, &len), -EFBIG);
	assert_null(text);
	free(big);
	close(fd);
	unlink(path);

	assert_int_equal(config_read_file(path, &text, &len), -ENOENT);
	assert_int_equal(config_read_file("/tmp", &text, &len), -EISDIR);
}

/* A bound from the caller, on a pipe (no size to trust): exactly max bytes
 * are read, one more is -EFBIG, also across the buffer's growth. */
static void expect_read_fd(const char *data, size_t n, size_t max, int want)
{
	char *text = (char *)"untouched";
	size_t len = 99;
	int pfd[2];

	assert_int_equal(pipe(pfd), 0);
	assert_int_equal(write(pfd[1], data, n), (ssize_t)n);
	close(pfd[1]);
	assert_int_equal(config_read_fd(pfd[0], max, &text, &len), want);
	close(pfd[0]);
	if (want < 0) {
		assert_null(text);
		assert_int_equal(len, 0);
		return;
	}
	assert_int_equal(len, n);
	assert_memory_equal(text, data, n);
	assert_int_equal(text[n], '\0');
	free(text);
}

static void test_read_fd(void **state)
{
	static char big[20000];

	memset(big, 'x', sizeof(big));
	expect_read_fd("", 0, 0, 0);
	expect_read_fd("a", 1, 0, -EFBIG);
	expect_read_fd("abcdef", 6, 6, 0);
	expect_read_fd("abcdef", 6, 5, -EFBIG);
	expect_read_fd(big, 16384, 16384, 0);
	expect_read_fd(big, 16385, 16384, -EFBIG);
	expect_read_fd(big, 9000, 65536, 0);
}

/* Arbitrary bytes never crash the reader and always end. */
static void test_random_input(void **state)
{
	static const char alphabet[] = "ab \t\n\r\"'\\#;<>/\0";
	char text[512];
	struct config_reader *r;
	struct config_line l;
	int round, ret, steps;
	size_t i;

	srand(1234);
	for (round = 0; round < 2000; round++) {
		for (i = 0; i < sizeof(text); i++)
			text[i] = alphabet[rand() % (sizeof(alphabet) - 1)];
		r = reader(text, (size_t)(rand() % (int)sizeof(text)));
		steps = 0;
		while ((ret = config_next(r, &l)) == 1) {
			assert_true(l.argc >= 1 && l.argc <= CONFIG_MAX_TOKENS);
			assert_true(++steps < 1000);
		}
		assert_true(ret == 0 || ret == -EINVAL);
		if (ret == -EINVAL)
			assert_non_null(strstr(config_error(r), "t.conf:"));
		reader_done(r);
	}
}

/* ---- config_split_line(): one line that is not read from a file ---------- */

static void expect_split(const char *text, int argc, ...)
{
	struct config_words *w = malloc(sizeof(*w));
	char err[256];
	va_list ap;
	int i;

	assert_non_null(w);
	assert_int_equal(config_split_line(text, w, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(w->argc, argc);
	va_start(ap, argc);
	for (i = 0; i < argc; i++)
		assert_string_equal(w->argv[i], va_arg(ap, const char *));
	va_end(ap);
	assert_null(w->argv[argc]);
	free(w);
}

static void expect_split_error(const char *text, const char *reason)
{
	struct config_words *w = malloc(sizeof(*w));
	char err[256];

	assert_non_null(w);
	assert_int_equal(config_split_line(text, w, err, sizeof(err)), -EINVAL);
	if (!strstr(err, reason))
		fail_msg("error '%s' lacks '%s'", err, reason);
	/* no "NAME:LINE:" prefix: the caller knows where the text came from */
	assert_null(strstr(err, "(config)"));
	assert_int_equal(w->argc, 0);
	assert_null(w->argv[0]);
	free(w);
}

static void test_split_line(void **state)
{
	expect_split("/bin/up.sh a b", 3, "/bin/up.sh", "a", "b");
	expect_split("\"/path/with space/x.sh\" arg", 2, "/path/with space/x.sh", "arg");
	expect_split("/path/with\\ space/x.sh arg", 2, "/path/with space/x.sh", "arg");
	expect_split("'/a b' \"c\\\"d\" '\\x' e\\\\f", 4, "/a b", "c\"d", "\\x", "e\\f");
	expect_split(" \t\v\fx\v y ", 2, "x", "y");
	expect_split("x # rest", 1, "x");
	expect_split("", 0);
	expect_split("   ", 0);
	expect_split("; comment", 0);
}

static void test_split_line_errors(void **state)
{
	char *big = malloc(1 << 20);
	char tokens[CONFIG_MAX_TOKENS * 2 + 8];
	int i;

	expect_split_error("x 'open", "missing closing quote (')");
	expect_split_error("x \"open", "missing closing quote (\")");
	expect_split_error("x \"esc\\\"", "missing closing quote (\")");
	expect_split_error("x\\", "backslash at end of line");
	expect_split_error("\\", "backslash at end of line");
	expect_split_error("c:\\dir", "invalid escape '\\d'");
	expect_split_error("x\\\x01", "0x01");
	expect_split_error("x \"\\\xc3\xa4\"", "0xc3");
	expect_split_error("a\nb", "newline");
	expect_split_error("a\r", "newline");
	expect_split_error("'a\nb'", "newline");

	/* the bound is inclusive; past it, and far past it, is an error */
	assert_non_null(big);
	memset(big, 'a', CONFIG_MAX_LINE);
	big[CONFIG_MAX_LINE] = '\0';
	expect_split(big, 1, big);
	big[CONFIG_MAX_LINE] = 'a';
	big[CONFIG_MAX_LINE + 1] = '\0';
	expect_split_error(big, "longer than 4096 bytes");
	memset(big, 'a', (1 << 20) - 1);
	big[(1 << 20) - 1] = '\0';
	expect_split_error(big, "longer than 4096 bytes");
	free(big);

	tokens[0] = '\0';
	for (i = 0; i < CONFIG_MAX_TOKENS; i++)
		strcat(tokens, "a ");
	{
		struct config_words *w = malloc(sizeof(*w));
		char err[64];

		assert_non_null(w);
		assert_int_equal(config_split_line(tokens, w, err, sizeof(err)), 0);
		assert_int_equal(w->argc, CONFIG_MAX_TOKENS);
		free(w);
	}
	strcat(tokens, "b");
	expect_split_error(tokens, "more than 64 tokens");
}

/* A short error buffer truncates the message, never overruns. */
static void test_split_line_small_err(void **state)
{
	struct config_words *w = malloc(sizeof(*w));
	char err[8];

	assert_non_null(w);
	memset(err, 'X', sizeof(err));
	assert_int_equal(config_split_line("'x", w, err, sizeof(err)), -EINVAL);
	assert_int_equal(strlen(err), sizeof(err) - 1);
	assert_int_equal(config_split_line("'x", w, err, 0), -EINVAL);
	free(w);
}

/* The one tokenizer: a line split alone gives what the file reader gives. */
static void test_split_line_matches_reader(void **state)
{
	static const char alphabet[] = "ab \t\v\"'\\#;<>/\xc3";
	struct config_words *w = malloc(sizeof(*w));
	char text[200], err[1024];
	struct config_reader *r;
	struct config_line l;
	int round, ret, want, i, errors = 0, lines = 0;
	size_t n;

	assert_non_null(w);
	srand(4321);
	for (round = 0; round < 20000; round++) {
		n = (size_t)(rand() % (int)sizeof(text));
		for (i = 0; i < (int)n; i++)
			text[i] = alphabet[rand() % (sizeof(alphabet) - 1)];
		text[n] = '\0';
		/* "<tag>" alone on a line opens an inline block in a file */
		if (strchr(text, '<'))
			text[strcspn(text, "<")] = 'c';
		r = reader_str(text);
		want = config_next(r, &l);
		ret = config_split_line(text, w, err, sizeof(err));
		if (want == -EINVAL) {
			assert_int_equal(ret, -EINVAL);
			/* the same reason, after the reader's "t.conf:1: " */
			assert_string_equal(config_error(r) + strlen("t.conf:1: "), err);
			errors++;
		} else {
			lines += w->argc > 1;
			assert_int_equal(ret, 0);
			assert_int_equal(w->argc, want == 1 ? l.argc : 0);
			for (i = 0; i < w->argc; i++)
				assert_string_equal(w->argv[i], l.argv[i]);
		}
		reader_done(r);
	}
	/* both sides of the comparison were exercised */
	assert_true(errors > 1000 && lines > 1000);
	free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_whitespace),
		cmocka_unit_test(test_double_quotes),
		cmocka_unit_test(test_closing_quote_ends_token),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_single_quotes),
		cmocka_unit_test(test_bad_escape),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_inline_block),
		cmocka_unit_test(test_inline_variants),
		cmocka_unit_test(test_inline_large),
		cmocka_unit_test(test_unterminated_inline),
		cmocka_unit_test(test_mismatched_close_tag),
		cmocka_unit_test(test_not_a_tag),
		cmocka_unit_test(test_overlong_line),
		cmocka_unit_test(test_too_many_tokens),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_line_numbers),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_read_fd),
		cmocka_unit_test(test_random_input),
		cmocka_unit_test(test_split_line),
		cmocka_unit_test(test_split_line_errors),
		cmocka_unit_test(test_split_line_small_err),
		cmocka_unit_test(test_split_line_matches_reader),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
