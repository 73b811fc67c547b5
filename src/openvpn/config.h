/*
 * Tokenizer for the OpenVPN configuration language.
 *
 * A config_reader walks text held in memory and yields one entry at a time:
 * either an ordinary line split into tokens, or an inline <tag>...</tag>
 * block turned into the two tokens {tag, content}. It knows nothing about
 * option names; options.c gives the tokens meaning.
 *
 * Errors are not logged here: config_next() returns -EINVAL and leaves one
 * line "NAME:LINE: problem" in the reader for the caller to report, so the
 * message is printed once, by the layer that also knows the context.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* Pseudo file name OpenVPN uses for content given in an inline block. */
#define CONFIG_INLINE_NAME "[[INLINE]]"

/* Bounds: a physical line, the tokens of one line, a whole file. */
#define CONFIG_MAX_LINE 4096
#define CONFIG_MAX_TOKENS 64
#define CONFIG_MAX_FILE (1024 * 1024)
#define CONFIG_MAX_TAG 64

/*
 * One entry. argv[] is NULL terminated and points into storage owned by the
 * reader: it stays valid until the next config_next() or config_reader_free().
 */
struct config_line {
	int lineno;                 /* line the entry starts on, 1-based */
	int argc;
	char *argv[CONFIG_MAX_TOKENS + 1];
	bool is_inline;             /* argv[1] is the content of a <tag> block */
	size_t inline_len;          /* strlen(argv[1]) when is_inline */
};

struct config_reader {
	const char *name;           /* file name used in messages */
	const char *text;
	size_t len;
	size_t pos;
	int lineno;                 /* last physical line consumed */
	char tokens[CONFIG_MAX_LINE + 1];
	char *inline_buf;           /* content of the last inline block */
	size_t inline_cap;
	char error[1024];
};

/* `text` need not be NUL terminated and must outlive the reader. */
void config_reader_init(struct config_reader *r, const char *text, size_t len,
			const char *name);
void config_reader_free(struct config_reader *r);

/*
 * Produce the next entry. Returns 1 when `line` was filled, 0 at the end of
 * the text, -EINVAL on a syntax error (config_error() says what and where)
 * or -ENOMEM.
 */
int config_next(struct config_reader *r, struct config_line *line);

/* The message for the last error config_next() returned, "" if none. */
const char *config_error(const struct config_reader *r);

/*
 * The words of one line that does not come from a file (a script option's
 * command, split again when it runs). The words point into buf.
 */
struct config_words {
	int argc;
	char *argv[CONFIG_MAX_TOKENS + 1];   /* NULL terminated */
	char buf[CONFIG_MAX_LINE + 1];
};

/*
 * Split NUL-terminated text exactly as config_next() splits a line of a
 * file: blanks separate words, '...' and "..." quote, the escapes \\ \"
 * \<space> \<tab> (not inside '...'), a word starting with '#' or ';' ends
 * the line. Returns 0 with w->argc words (0 for a blank line or a comment),
 * or -EINVAL with the reason in err (no "NAME:LINE:" prefix): an unclosed
 * quote, any other escape, a backslash at the end, a LF or CR in the text,
 * more than CONFIG_MAX_LINE bytes or CONFIG_MAX_TOKENS words; w then has
 * no words.
 */
int config_split_line(const char *text, struct config_words *w, char *err,
		      size_t errlen);

/*
 * Read a whole file of at most CONFIG_MAX_FILE bytes into a NUL-terminated
 * malloc'ed buffer the caller frees. Returns 0, -errno from the system, or
 * -EFBIG when the file is larger than the bound.
 */
int config_read_file(const char *path, char **text, size_t *len);
/*
 * The same from an open descriptor, read to its end, with a bound of max
 * bytes: for files whose opening needs more care (script output). *text
 * is NULL and *len 0 after an error.
 */
int config_read_fd(int fd, size_t max, char **text, size_t *len);

#endif
