/*
 * Tokenizer for the OpenVPN configuration language: comments, quoting,
 * backslash escapes and inline <tag> blocks, with bounded line and token
 * counts so that hostile input produces an error, never a crash.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

static const char utf8_bom[3] = { '\xef', '\xbb', '\xbf' };

void config_reader_init(struct config_reader *r, const char *text, size_t len,
			const char *name)
{
	memset(r, 0, sizeof(*r));
	r->name = name ? name : "(config)";
	r->text = text;
	r->len = len;
	/* Editors on some systems save a byte order mark; it is not text. */
	if (len >= sizeof(utf8_bom) && memcmp(text, utf8_bom, sizeof(utf8_bom)) == 0)
		r->pos = sizeof(utf8_bom);
}

void config_reader_free(struct config_reader *r)
{
	free(r->inline_buf);
	r->inline_buf = NULL;
	r->inline_cap = 0;
}

const char *config_error(const struct config_reader *r)
{
	return r->error;
}

__attribute__((format(printf, 3, 4)))
static int config_fail(struct config_reader *r, int lineno, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(r->error, sizeof(r->error), "%s:%d: ", r->name, lineno);
	if (n < 0 || (size_t)n >= sizeof(r->error))
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(r->error + n, sizeof(r->error) - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * Take the next physical line, without its LF or CRLF terminator.
 * Returns 1, 0 at the end of the text, or -EINVAL.
 */
static int next_physical(struct config_reader *r, const char **start, size_t *n)
{
	const char *p = r->text + r->pos;
	size_t rest = r->len - r->pos;
	const char *nl;
	size_t len;

	if (r->pos >= r->len)
		return 0;
	nl = memchr(p, '\n', rest);
	len = nl ? (size_t)(nl - p) : rest;
	r->pos += len + (nl ? 1 : 0);
	r->lineno++;
	if (len > 0 && p[len - 1] == '\r')
		len--;
	if (len > CONFIG_MAX_LINE)
		return config_fail(r, r->lineno, "line is longer than %d bytes",
				   CONFIG_MAX_LINE);
	/* A NUL would silently cut a token short later on: refuse it. */
	if (memchr(p, '\0', len))
		return config_fail(r, r->lineno, "NUL byte in line");
	*start = p;
	*n = len;
	return 1;
}

static void trim(const char **s, size_t *n)
{
	while (*n > 0 && is_blank(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_blank((*s)[*n - 1]))
		(*n)--;
}

static bool is_tag_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/*
 * Is the (trimmed) line "<name>" or, with `closing`, "</name>"? On success
 * the name is returned through tag/taglen.
 */
static bool parse_tag(const char *s, size_t n, bool closing,
		      const char **tag, size_t *taglen)
{
	size_t skip = closing ? 2 : 1;
	size_t i;

	if (n < skip + 2 || s[0] != '<' || s[n - 1] != '>')
		return false;
	if (closing != (s[1] == '/'))
		return false;
	if (n - skip - 1 >= CONFIG_MAX_TAG)
		return false;
	for (i = skip; i < n - 1; i++)
		if (!is_tag_char(s[i]))
			return false;
	*tag = s + skip;
	*taglen = n - skip - 1;
	return true;
}

static int inline_reserve(struct config_reader *r, size_t need)
{
	size_t cap = r->inline_cap ? r->inline_cap : 1024;
	char *p;

	if (need <= r->inline_cap)
		return 0;
	while (cap < need)
		cap *= 2;
	p = realloc(r->inline_buf, cap);
	if (!p)
		return -ENOMEM;
	r->inline_buf = p;
	r->inline_cap = cap;
	return 0;
}

static int inline_append(struct config_reader *r, size_t *used,
			 const char *s, size_t n)
{
	/* the line, its '\n' and the final NUL */
	if (inline_reserve(r, *used + n + 2) < 0)
		return -ENOMEM;
	memcpy(r->inline_buf + *used, s, n);
	*used += n;
	r->inline_buf[(*used)++] = '\n';
	r->inline_buf[*used] = '\0';
	return 0;
}

/*
 * Collect the lines of a <tag> block verbatim (each ended by '\n', CR
 * dropped) up to the matching </tag>.
 */
static int read_inline(struct config_reader *r, const char *tag, size_t taglen,
		       struct config_line *line)
{
	int start = r->lineno;
	size_t used = 0;
	const char *s, *t, *ctag;
	size_t n, tn, closelen;
	int ret;

	memcpy(r->tokens, tag, taglen);
	r->tokens[taglen] = '\0';
	if (inline_reserve(r, 1) < 0)
		return -ENOMEM;
	r->inline_buf[0] = '\0';
	for (;;) {
		ret = next_physical(r, &s, &n);
		if (ret < 0)
			return ret;
		if (ret == 0)
			return config_fail(r, start,
					   "inline block <%s> is not closed (missing </%s>)",
					   r->tokens, r->tokens);
		t = s;
		tn = n;
		trim(&t, &tn);
		if (parse_tag(t, tn, true, &ctag, &closelen)) {
			if (closelen == taglen && memcmp(ctag, tag, taglen) == 0)
				break;
			return config_fail(r, r->lineno,
					   "closing tag </%.*s> does not match <%s> opened on line %d",
					   (int)closelen, ctag, r->tokens, start);
		}
		ret = inline_append(r, &used, s, n);
		if (ret < 0)
			return ret;
	}
	line->lineno = start;
	line->argc = 2;
	line->argv[0] = r->tokens;
	line->argv[1] = r->inline_buf;
	line->argv[2] = NULL;
	line->is_inline = true;
	line->inline_len = used;
	return 1;
}

/*
 * One line being split: the input, the read position, the output cursor,
 * and where a problem is described. The file reader and config_split_line()
 * both split through it, so a line means the same wherever it comes from.
 */
struct splitter {
	const char *s;
	size_t n, i;
	char *out;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 2, 3)))
static int split_fail(struct splitter *sp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sp->err, sp->errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/*
 * Backslash escapes, outside quotes and inside double quotes. OpenVPN
 * accepts only these and rejects any other backslash, so that a Windows
 * path like c:\dir\file is caught instead of being mangled silently.
 */
static int unescape(struct splitter *sp)
{
	unsigned char c;

	if (sp->i + 1 >= sp->n)
		return split_fail(sp, "backslash at end of line (lines cannot be continued)");
	c = (unsigned char)sp->s[sp->i + 1];
	/* the byte is named in hex unless printable: messages go to logs */
	if ((c < 0x20 || c >= 0x7f) && c != '\t')
		return split_fail(sp, "invalid escape: backslash before byte 0x%02x", c);
	if (c != '\\' && c != '"' && c != ' ' && c != '\t')
		return split_fail(sp, "invalid escape '\\%c': only \\\\, \\\", \\<space> and \\<tab> are allowed (write \\\\ for a backslash)",
				  c);
	*sp->out++ = (char)c;
	sp->i += 2;
	return 0;
}

/* A token that starts with a quote ends at the closing quote. */
static int token_quoted(struct splitter *sp)
{
	char quote = sp->s[sp->i];
	int ret;

	sp->i++;
	while (sp->i < sp->n && sp->s[sp->i] != quote) {
		if (quote == '"' && sp->s[sp->i] == '\\') {
			ret = unescape(sp);
			if (ret < 0)
				return ret;
			continue;
		}
		*sp->out++ = sp->s[sp->i++];
	}
	if (sp->i >= sp->n)
		return split_fail(sp, "missing closing quote (%c)", quote);
	sp->i++;
	return 0;
}

/* Quote characters inside an unquoted token are ordinary characters. */
static int token_bare(struct splitter *sp)
{
	int ret;

	while (sp->i < sp->n && !is_blank(sp->s[sp->i])) {
		if (sp->s[sp->i] == '\\') {
			ret = unescape(sp);
			if (ret < 0)
				return ret;
			continue;
		}
		*sp->out++ = sp->s[sp->i++];
	}
	return 0;
}

/*
 * Split the line into argv[] (room for CONFIG_MAX_TOKENS + 1) with the
 * tokens written to sp->out. The output never needs more than n + 1 bytes:
 * a token is at most as long as its source, and each terminating NUL is
 * paid for by a separator, the quotes, or the line end.
 */
static int split_tokens(struct splitter *sp, char **argv, int *argc)
{
	int ret;

	*argc = 0;
	for (;;) {
		while (sp->i < sp->n && is_blank(sp->s[sp->i]))
			sp->i++;
		/* '#' and ';' start a comment only where a token would start. */
		if (sp->i >= sp->n || sp->s[sp->i] == '#' || sp->s[sp->i] == ';')
			break;
		if (*argc == CONFIG_MAX_TOKENS)
			return split_fail(sp, "more than %d tokens on one line",
					  CONFIG_MAX_TOKENS);
		argv[(*argc)++] = sp->out;
		if (sp->s[sp->i] == '"' || sp->s[sp->i] == '\'')
			ret = token_quoted(sp);
		else
			ret = token_bare(sp);
		if (ret < 0)
			return ret;
		*sp->out++ = '\0';
	}
	argv[*argc] = NULL;
	return 0;
}

/* One physical line of a file into r->tokens; errors get "NAME:LINE: ". */
static int tokenize(struct config_reader *r, const char *s, size_t n,
		    struct config_line *line)
{
	char err[sizeof(r->error)];
	struct splitter sp = {
		.s = s, .n = n, .out = r->tokens, .err = err, .errlen = sizeof(err),
	};

	if (split_tokens(&sp, line->argv, &line->argc) < 0)
		return config_fail(r, r->lineno, "%s", err);
	return 0;
}

int config_split_line(const char *text, struct config_words *w, char *err,
		      size_t errlen)
{
	size_t n = strnlen(text, CONFIG_MAX_LINE + 1);
	struct splitter sp = {
		.s = text, .n = n, .out = w->buf, .err = err, .errlen = errlen,
	};
	int ret;

	w->argc = 0;
	w->argv[0] = NULL;
	if (errlen > 0)
		err[0] = '\0';
	if (n > CONFIG_MAX_LINE)
		return split_fail(&sp, "line is longer than %d bytes", CONFIG_MAX_LINE);
	/* a line break would smuggle in a second line (a second command) */
	if (memchr(text, '\n', n) || memchr(text, '\r', n))
		return split_fail(&sp, "newline inside a single line");
	ret = split_tokens(&sp, w->argv, &w->argc);
	if (ret < 0) {
		/* no half-split words for a caller that skips the check */
		w->argc = 0;
		w->argv[0] = NULL;
	}
	return ret;
}

int config_next(struct config_reader *r, struct config_line *line)
{
	const char *s, *t, *tag;
	size_t n, tn, taglen;
	int ret;

	line->is_inline = false;
	line->inline_len = 0;
	for (;;) {
		ret = next_physical(r, &s, &n);
		if (ret <= 0)
			return ret;
		t = s;
		tn = n;
		trim(&t, &tn);
		if (parse_tag(t, tn, false, &tag, &taglen))
			return read_inline(r, tag, taglen, line);
		if (parse_tag(t, tn, true, &tag, &taglen))
			return config_fail(r, r->lineno,
					   "closing tag </%.*s> without an opening <%.*s>",
					   (int)taglen, tag, (int)taglen, tag);
		ret = tokenize(r, s, n, line);
		if (ret < 0)
			return ret;
		if (line->argc > 0) {
			line->lineno = r->lineno;
			return 1;
		}
	}
}

/* Works for pipes and /dev/fd/N as well, so the size is never trusted. */
int config_read_fd(int fd, size_t max, char **text, size_t *len)
{
	size_t used = 0, cap = max + 2 < 8192 ? max + 2 : 8192;
	char *buf, *p;
	ssize_t got;
	int ret;

	*text = NULL;
	*len = 0;
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		/* never more than max + 1 bytes: one past the bound tells */
		if (used + 1 >= cap) {
			cap = cap * 2 < max + 2 ? cap * 2 : max + 2;
			p = realloc(buf, cap);
			if (!p) {
				ret = -ENOMEM;
				goto out;
			}
			buf = p;
		}
		got = read(fd, buf + used, cap - used - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			ret = -errno;
			goto out;
		}
		if (got == 0)
			break;
		used += (size_t)got;
		if (used > max) {
			ret = -EFBIG;
			goto out;
		}
	}
	buf[used] = '\0';
	*text = buf;
	*len = used;
	buf = NULL;
	ret = 0;
out:
	free(buf);
	return ret;
}

int config_read_file(const char *path, char **text, size_t *len)
{
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = config_read_fd(fd, CONFIG_MAX_FILE, text, len);
	close(fd);
	return ret;
}
