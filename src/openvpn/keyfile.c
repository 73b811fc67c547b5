/* Static key files: parse, generate, write, split by key direction. */
#include "keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>

void keyfile_set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Marker lines may carry surrounding blanks (and a CR from CRLF files). */
static bool line_is(const char *line, size_t len, const char *marker)
{
	size_t mlen = strlen(marker);

	while (len && is_space(*line)) {
		line++;
		len--;
	}
	while (len && is_space(line[len - 1]))
		len--;
	return len == mlen && memcmp(line, marker, mlen) == 0;
}

struct key_parser {
	struct static_key *key;
	size_t digits;          /* hex digits seen between the markers */
	uint8_t pending;        /* high nibble waiting for its partner */
};

/* Hex digits of one line inside the markers; anything else is an error. */
static int parse_key_line(struct key_parser *p, const char *line, size_t len,
			  const char *name, unsigned int lineno, char *err, size_t errlen)
{
	size_t i;
	int v;

	for (i = 0; i < len; i++) {
		if (is_space(line[i]))
			continue;
		v = hex_value(line[i]);
		if (v < 0) {
			unsigned char c = (unsigned char)line[i];

			if (c >= 0x21 && c < 0x7f)
				keyfile_set_err(err, errlen, "%s:%u: invalid character '%c' in static key "
					"(only hex digits may appear between the markers)",
					name, lineno, c);
			else
				keyfile_set_err(err, errlen, "%s:%u: invalid byte 0x%02x in static key "
					"(only hex digits may appear between the markers)",
					name, lineno, c);
			return -EINVAL;
		}
		if (p->digits % 2 == 0) {
			p->pending = (uint8_t)(v << 4);
		} else {
			size_t n = p->digits / 2;

			if (n >= STATIC_KEY_LEN) {
				keyfile_set_err(err, errlen, "%s:%u: static key is longer than %d bytes",
					name, lineno, STATIC_KEY_LEN);
				return -EINVAL;
			}
			p->key->bytes[n] = p->pending | (uint8_t)v;
		}
		p->digits++;
	}
	return 0;
}

static int check_key_size(const struct key_parser *p, const char *name, unsigned int lineno,
			  char *err, size_t errlen)
{
	size_t n = p->digits / 2;

	if (p->digits % 2) {
		keyfile_set_err(err, errlen, "%s:%u: static key has an odd number of hex digits (%zu)",
			name, lineno, p->digits);
		return -EINVAL;
	}
	if (n != STATIC_KEY_LEN && n != STATIC_KEY_ONE_LEN) {
		keyfile_set_err(err, errlen, "%s:%u: static key has %zu bytes, expected %d (or %d for "
			"a single key)", name, lineno, n, STATIC_KEY_LEN, STATIC_KEY_ONE_LEN);
		return -EINVAL;
	}
	p->key->len = n;
	return 0;
}

int keyfile_parse(struct static_key *key, const char *text, size_t len,
		  const char *name, unsigned int first_line, char *err, size_t errlen)
{
	struct key_parser p = { .key = key };
	enum { SEEK_BEGIN, IN_KEY } state = SEEK_BEGIN;
	unsigned int lineno = first_line;
	size_t pos = 0;
	int ret = -EINVAL;

	memset(key, 0, sizeof(*key));
	for (; pos < len; lineno++) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - line) : len - pos;

		pos += llen + (nl ? 1 : 0);
		if (state == SEEK_BEGIN) {
			if (line_is(line, llen, KEYFILE_BEGIN))
				state = IN_KEY;
			continue;
		}
		if (line_is(line, llen, KEYFILE_END)) {
			ret = check_key_size(&p, name, lineno, err, errlen);
			goto out;
		}
		ret = parse_key_line(&p, line, llen, name, lineno, err, errlen);
		if (ret)
			goto out;
	}
	if (state == SEEK_BEGIN)
		keyfile_set_err(err, errlen, "%s: no '%s' line found", name, KEYFILE_BEGIN);
	else
		keyfile_set_err(err, errlen, "%s:%u: missing '%s' line", name,
			lineno > first_line ? lineno - 1 : first_line, KEYFILE_END);
	ret = -EINVAL;
out:
	if (ret)
		keyfile_wipe(key);
	return ret;
}

int keyfile_read_text(const char *path, char **out, size_t *out_len, char *err, size_t errlen)
{
	struct stat st;
	char *text = NULL;
	size_t size, got = 0;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		keyfile_set_err(err, errlen, "%s: cannot open static key file: %s", path, strerror(errno));
		return ret;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > KEYFILE_MAX_FILE) {
		keyfile_set_err(err, errlen, "%s: not a regular file of at most %d bytes", path,
			KEYFILE_MAX_FILE);
		ret = -EINVAL;
		goto out;
	}
	size = (size_t)st.st_size;
	text = malloc(size + 1);
	if (!text) {
		ret = -ENOMEM;
		goto out;
	}
	while (got < size) {
		ssize_t n = read(fd, text + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			keyfile_set_err(err, errlen, "%s: read error: %s", path, strerror(-ret));
			goto out;
		}
		got += (size_t)n;
	}
	*out = text;
	*out_len = got;
	text = NULL;
out:
	if (text) {
		explicit_bzero(text, got);
		free(text);
	}
	close(fd);
	return ret;
}

int keyfile_read(struct static_key *key, const char *path, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	int ret;

	ret = keyfile_read_text(path, &text, &len, err, errlen);
	if (ret)
		return ret;
	ret = keyfile_parse(key, text, len, path, 1, err, errlen);
	explicit_bzero(text, len);
	free(text);
	return ret;
}

int keyfile_parse_direction(const char *s, enum key_direction *dir)
{
	if (!strcmp(s, "0")) {
		*dir = KEY_DIR_NORMAL;
		return 0;
	}
	if (!strcmp(s, "1")) {
		*dir = KEY_DIR_INVERSE;
		return 0;
	}
	return -EINVAL;
}

static const uint8_t *cipher_slot(const struct static_key *key, int n)
{
	return key->bytes + n * STATIC_KEY_ONE_LEN;
}

static const uint8_t *hmac_slot(const struct static_key *key, int n)
{
	return key->bytes + n * STATIC_KEY_ONE_LEN + STATIC_KEY_SLOT_LEN;
}

int keyfile_key_dirs(const struct static_key *key, enum key_direction dir,
		     struct static_key_dirs *out, char *err, size_t errlen)
{
	int send, recv;

	switch (dir) {
	case KEY_DIR_BIDIRECTIONAL:
		send = 0;
		recv = 0;
		break;
	case KEY_DIR_NORMAL:
		send = 0;
		recv = 1;
		break;
	case KEY_DIR_INVERSE:
		send = 1;
		recv = 0;
		break;
	default:
		keyfile_set_err(err, errlen, "invalid key direction %d", (int)dir);
		return -EINVAL;
	}
	if (key->len < STATIC_KEY_LEN && (send || recv)) {
		keyfile_set_err(err, errlen, "a static key with only %zu bytes holds one key and cannot "
			"be used with a key direction", key->len);
		return -EINVAL;
	}
	out->send_cipher = cipher_slot(key, send);
	out->send_hmac = hmac_slot(key, send);
	out->recv_cipher = cipher_slot(key, recv);
	out->recv_hmac = hmac_slot(key, recv);
	return 0;
}

bool keyfile_genkey_type_ok(const char *type)
{
	/* 2.6 writes the same static key for all three names. */
	return !strcmp(type, "secret") || !strcmp(type, "tls-auth") ||
	       !strcmp(type, "tls-crypt");
}

int keyfile_generate(struct static_key *key)
{
	size_t got = 0;

	while (got < STATIC_KEY_LEN) {
		ssize_t n = getrandom(key->bytes + got, STATIC_KEY_LEN - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += (size_t)n;
	}
	key->len = STATIC_KEY_LEN;
	return 0;
}

static const char keyfile_header[] =
	"#\n"
	"# OpenVPN static key: 2048 bits of shared secret for --tls-auth,\n"
	"# --tls-crypt or --secret. Whoever holds this file can talk to your\n"
	"# peers; keep it private and copy it only over a secure channel.\n"
	"#\n";

int keyfile_format(const struct static_key *key, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	size_t pos, i;
	int n;

	n = snprintf(out, cap, "%s%s\n", keyfile_header, KEYFILE_BEGIN);
	if (n < 0 || (size_t)n >= cap)
		return -ENOSPC;
	pos = (size_t)n;
	/* 32 hex digits and a newline per 16 bytes, then the END line. */
	if (cap - pos < key->len / 16 * 33 + sizeof(KEYFILE_END "\n"))
		return -ENOSPC;
	for (i = 0; i < key->len; i++) {
		out[pos++] = hex[key->bytes[i] >> 4];
		out[pos++] = hex[key->bytes[i] & 0xf];
		if (i % 16 == 15)
			out[pos++] = '\n';
	}
	memcpy(out + pos, KEYFILE_END "\n", sizeof(KEYFILE_END "\n"));
	pos += sizeof(KEYFILE_END "\n") - 1;
	return (int)pos;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int keyfile_write_text(const char *path, const char *text, size_t len, char *err,
		       size_t errlen)
{
	int fd = STDOUT_FILENO;
	int ret;

	if (path) {
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0) {
			ret = -errno;
			keyfile_set_err(err, errlen, "%s: cannot open for writing: %s", path,
				strerror(errno));
			return ret;
		}
	}
	ret = write_all(fd, text, len);
	if (path && close(fd) < 0 && !ret)
		ret = -errno;
	if (ret)
		keyfile_set_err(err, errlen, "%s: write error: %s", path ? path : "stdout",
			strerror(-ret));
	return ret;
}

int keyfile_write(const struct static_key *key, const char *path, char *err, size_t errlen)
{
	char text[KEYFILE_TEXT_MAX];
	int len, ret;

	len = keyfile_format(key, text, sizeof(text));
	if (len < 0)
		return len;
	ret = keyfile_write_text(path, text, (size_t)len, err, errlen);
	explicit_bzero(text, sizeof(text));
	return ret;
}

void keyfile_wipe(struct static_key *key)
{
	explicit_bzero(key, sizeof(*key));
}
