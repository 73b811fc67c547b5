/*
 * Config tokenizer: arbitrary text through config_next() until the end or
 * the first error. Beyond memory safety it checks what config.h promises:
 * argv is NULL terminated and points into the reader's token storage (or
 * the inline buffer), an inline entry is {tag, content} with the content's
 * length, line numbers never go backwards, and an error leaves a message.
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
	return 0;
}
