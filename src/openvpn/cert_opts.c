/*
 * Parsers for the peer certificate options (see cert_opts.h).
 */
#include "cert_opts.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

static int hex_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int cert_ku_parse(const char *s, uint16_t *out)
{
	unsigned int v = 0;
	size_t i, n = strlen(s);

	if (n == 0 || n > 4)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		int d = hex_value(s[i]);

		if (d < 0)
			return -EINVAL;
		v = v << 4 | (unsigned int)d;
	}
	/* zero would match every certificate: surely a typo */
	if (v == 0)
		return -EINVAL;
	*out = (uint16_t)v;
	return 0;
}

int cert_fp_parse(const char *s, size_t len, uint8_t *out, size_t *got)
{
	uint8_t tmp[CERT_FP_SHA256_LEN];
	size_t n = 0;
	int hi, lo;

	*got = 0;
	for (;;) {
		hi = hex_value(s[0]);
		lo = hi < 0 ? -1 : hex_value(s[1]);
		if (lo < 0)
			return -EINVAL;
		if (n < sizeof(tmp))
			tmp[n] = (uint8_t)(hi << 4 | lo);
		n++;
		s += 2;
		if (*s == '\0')
			break;
		if (*s != ':')
			return -EINVAL;
		s++;
	}
	*got = n;
	if (n != len || len > sizeof(tmp))
		return -ERANGE;
	memcpy(out, tmp, len);
	return 0;
}

/* The next line of text without its surrounding blanks, in buf. */
static const char *next_line(const char *p, char *buf, size_t buflen, bool *too_long)
{
	const char *end = strchr(p, '\n');
	size_t n;

	if (!end)
		end = p + strlen(p);
	while (p < end && isspace((unsigned char)*p))
		p++;
	n = (size_t)(end - p);
	while (n > 0 && isspace((unsigned char)p[n - 1]))
		n--;
	*too_long = n >= buflen;
	if (*too_long)
		n = buflen - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return *end ? end + 1 : end;
}

int cert_fp_list_parse(const char *text, size_t len, uint8_t (*out)[CERT_FP_SHA256_LEN],
		       int max, int *n, int *bad_line)
{
	char line[128];
	const char *p = text;
	size_t got;
	bool too_long;
	int ret, lineno = 0;

	*bad_line = 0;
	while (*p) {
		p = next_line(p, line, sizeof(line), &too_long);
		lineno++;
		if (line[0] == '\0')
			continue;
		*bad_line = lineno;
		if (too_long)
			return -EINVAL;
		if (*n >= max)
			return -E2BIG;
		ret = cert_fp_parse(line, len, out[*n], &got);
		if (ret)
			return ret;
		(*n)++;
	}
	*bad_line = 0;
	return 0;
}

static bool all_lower(const char *s)
{
	for (; *s; s++)
		if (!islower((unsigned char)*s))
			return false;
	return true;
}

/* Letters, digits, '.', '-' and '_', starting with a letter or digit:
 * what OpenSSL's short and long names and dotted OIDs are made of (long
 * names with blanks are not, and need not be, accepted). */
static bool attribute_name(const char *s)
{
	size_t i;

	if (!isalnum((unsigned char)s[0]))
		return false;
	for (i = 1; s[i]; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

int cert_track_parse(const char *s, char *out, size_t outlen, bool *chain)
{
	size_t n;

	*chain = s[0] == '+';
	s += *chain;
	n = strlen(s);
	if (n == 0 || n >= outlen || !attribute_name(s))
		return -EINVAL;
	memcpy(out, s, n + 1);
	return 0;
}

int cert_username_field_parse(const char *s, char *out, size_t outlen)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= outlen)
		return -EINVAL;
	if (strncmp(s, "ext:", 4) == 0) {
		/* the only extensions that can carry an e-mail address */
		if (strcmp(s + 4, "subjectAltName") != 0 && strcmp(s + 4, "issuerAltName") != 0)
			return -EINVAL;
		memcpy(out, s, n + 1);
		return 0;
	}
	if (!attribute_name(s))
		return -EINVAL;
	memcpy(out, s, n + 1);
	if (all_lower(out))
		for (i = 0; i < n; i++)
			out[i] = (char)toupper((unsigned char)out[i]);
	return 0;
}
