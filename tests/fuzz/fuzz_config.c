/*
 * Config tokenizer: arbitrary text through config_next() until the end or
 * the first error. Beyond memory safety it checks what config.h promises:
 * argv is NULL terminated and points into the reader's token storage (or
 * the inline buffer), an inline entry is {tag, content} with the content's
 * length, line numbers never go backwards, and an error leaves a message.
 *
 * The first line of the input also goes through config_split_line(), the
 * splitter script commands use: its words stay in its buffer, an error is
 * one printable line and leaves no words, and where a file could not read
 * the line differently (no CR, BOM or <tag>) the words or the message are
 * exactly the reader's.
 */
#include <errno.h>

#include "config.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_log_init();
	return 0;
}

static bool inside(const char *p, size_t n, const char *lo, size_t cap)
{
	return p >= lo && p + n <= lo + cap;
}

static void check_line(const struct config_reader *r, const struct config_line *l,
		       int prev_lineno)
{
	int i;

	FUZZ_CHECK(l->argc > 0 && l->argc <= CONFIG_MAX_TOKENS);
	FUZZ_CHECK(l->argv[l->argc] == NULL);
	FUZZ_CHECK(l->lineno >= 1 && l->lineno >= prev_lineno && l->lineno <= r->lineno);
	if (l->is_inline) {
		FUZZ_CHECK(l->argc == 2);
		FUZZ_CHECK(strlen(l->argv[0]) > 0 && strlen(l->argv[0]) < CONFIG_MAX_TAG);
		FUZZ_CHECK(strlen(l->argv[1]) == l->inline_len);
		FUZZ_CHECK(inside(l->argv[1], l->inline_len + 1, r->inline_buf, r->inline_cap));
		/* Every line of a block is stored with its '\n'. */
		FUZZ_CHECK(l->inline_len == 0 || l->argv[1][l->inline_len - 1] == '\n');
		return;
	}
	for (i = 0; i < l->argc; i++) {
		size_t n = strlen(l->argv[i]);

		FUZZ_CHECK(inside(l->argv[i], n + 1, r->tokens, sizeof(r->tokens)));
		FUZZ_CHECK(n <= CONFIG_MAX_LINE);
	}
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

/* A reader's view of one line may differ only for what a file has and a
 * lone line does not: CRLF endings, a byte order mark, inline blocks. */
static bool reader_comparable(const char *line, size_t n)
{
	size_t i = strspn(line, " \t\r\v\f");

	return n <= CONFIG_MAX_LINE && !memchr(line, '\r', n) && line[i] != '<' &&
	       !(n >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0);
}

static void compare_with_reader(const char *line, size_t n, const struct config_words *w,
				int ret, const char *err)
{
	static const char prefix[] = "fuzz.conf:1: ";
	struct config_reader *r = malloc(sizeof(*r));
	struct config_line l;
	int want, i;

	if (!r)
		abort();
	config_reader_init(r, line, n, "fuzz.conf");
	want = config_next(r, &l);
	if (want == -EINVAL) {
		FUZZ_CHECK(ret == -EINVAL);
		FUZZ_CHECK(strcmp(config_error(r) + sizeof(prefix) - 1, err) == 0);
	} else {
		FUZZ_CHECK(ret == 0);
		FUZZ_CHECK(w->argc == (want == 1 ? l.argc : 0));
		for (i = 0; i < w->argc; i++)
			FUZZ_CHECK(strcmp(w->argv[i], l.argv[i]) == 0);
	}
	config_reader_free(r);
	free(r);
}

static void check_split_line(const uint8_t *data, size_t size)
{
	size_t n = 0;
	struct config_words *w = malloc(sizeof(*w));
	char *line = malloc(size + 1), err[1024];
	int ret, i;

	if (!w || !line)
		abort();
	while (n < size && data[n] != '\n' && data[n] != '\0')
		n++;
	memcpy(line, data, n);
	line[n] = '\0';
	ret = config_split_line(line, w, err, sizeof(err));
	FUZZ_CHECK(ret == 0 || ret == -EINVAL);
	FUZZ_CHECK(w->argc >= 0 && w->argc <= CONFIG_MAX_TOKENS && w->argv[w->argc] == NULL);
	if (ret < 0)
		FUZZ_CHECK(w->argc == 0 && err[0] != '\0' && printable(err));
	for (i = 0; i < w->argc; i++)
		FUZZ_CHECK(inside(w->argv[i], strlen(w->argv[i]) + 1, w->buf, n + 1));
	if (reader_comparable(line, n))
		compare_with_reader(line, n, w, ret, err);
	free(line);
	free(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_reader *r;
	struct config_line line;
	int prev = 0, ret;

	if (size > CONFIG_MAX_FILE)
		return -1;
	/* On the heap, so that ASan watches the end of the reader. */
	r = malloc(sizeof(*r));
	if (!r)
		abort();
	config_reader_init(r, (const char *)data, size, "fuzz.conf");
	while ((ret = config_next(r, &line)) == 1) {
		check_line(r, &line, prev);
		prev = line.lineno;
	}
	FUZZ_CHECK(ret == 0 || ret == -EINVAL || ret == -ENOMEM);
	if (ret == -EINVAL)
		FUZZ_CHECK(strncmp(config_error(r), "fuzz.conf:", 10) == 0);
	/* After the end the reader stays at the end. */
	if (ret == 0)
		FUZZ_CHECK(config_next(r, &line) == 0);
	config_reader_free(r);
	free(r);
	check_split_line(data, size);
	return 0;
}
