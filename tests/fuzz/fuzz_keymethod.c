/*
 * Key method 2: keymethod_parse() of arbitrary TLS plaintext as sent by a
 * client and as sent by a server, and keymethod_peer_info_parse() of the
 * peer-info it carries and of the whole input taken as text.
 *
 * A message that parses must have its strings inside the input and
 * NUL-terminated there, and must survive keymethod_build() and a second
 * parse unchanged (build may drop what parse ignores: bytes after the
 * peer-info, and a string that is only its NUL).
 */
#include <errno.h>

#include "buf.h"
#include "fuzz_common.h"
#include "ssl_keymethod.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_log_init();
	return 0;
}

static bool str_inside(const char *s, const uint8_t *data, size_t size)
{
	const char *lo = (const char *)data;

	if (s == NULL || s[0] == '\0')
		return true;    /* "" may be a literal */
	return s >= lo && s < lo + size && memchr(s, '\0', (size_t)(lo + size - s)) != NULL;
}

static bool str_same(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static void check_peer_info(const struct keymethod_peer_info *pi)
{
	FUZZ_CHECK(memchr(pi->ciphers, '\0', sizeof(pi->ciphers)));
	FUZZ_CHECK(memchr(pi->version, '\0', sizeof(pi->version)));
	FUZZ_CHECK(memchr(pi->platform, '\0', sizeof(pi->platform)));
	if (!pi->has_ciphers)
		FUZZ_CHECK(pi->ciphers[0] == '\0');
}

static void rebuild(const struct keymethod_msg *m, const uint8_t *data, size_t size)
{
	uint8_t mem[KEYMETHOD_MSG_MAX + 64];
	struct keymethod_msg again;
	char err[256];
	struct buf b;

	buf_init(&b, mem, sizeof(mem), 0);
	FUZZ_CHECK(keymethod_build(m, &b) == 0);
	FUZZ_CHECK(buf_len(&b) <= size);
	FUZZ_CHECK(keymethod_parse(buf_data(&b), buf_len(&b), m->from_client, &again, err,
				   sizeof(err)) == 0);
	FUZZ_CHECK(again.flags == m->flags);
	FUZZ_CHECK(memcmp(again.pre_master, m->pre_master, sizeof(m->pre_master)) == 0);
	FUZZ_CHECK(memcmp(again.random1, m->random1, sizeof(m->random1)) == 0);
	FUZZ_CHECK(memcmp(again.random2, m->random2, sizeof(m->random2)) == 0);
	FUZZ_CHECK(str_same(again.options, m->options));
	FUZZ_CHECK(str_same(again.username, m->username));
	FUZZ_CHECK(str_same(again.password, m->password));
	FUZZ_CHECK(str_same(again.peer_info, m->peer_info));
	/* Too little room: refused, and nothing written. */
	buf_init(&b, mem, buf_len(&b) ? buf_len(&b) - 1 : 0, 0);
	if (b.cap)
		FUZZ_CHECK(keymethod_build(m, &b) == -ENOBUFS && buf_len(&b) == 0);
}

static void parse_as(const uint8_t *data, size_t size, bool from_client)
{
	struct keymethod_peer_info pi;
	struct keymethod_msg m;
	char err[256];
	int ret;

	ret = keymethod_parse(data, size, from_client, &m, err, sizeof(err));
	FUZZ_CHECK(ret == 0 || ret == -EBADMSG || ret == -EMSGSIZE);
	if (ret) {
		FUZZ_CHECK(err[0] != '\0' && strlen(err) < sizeof(err));
		return;
	}
	FUZZ_CHECK(size <= KEYMETHOD_MSG_MAX && m.from_client == from_client);
	FUZZ_CHECK(m.options && m.username && m.password);
	FUZZ_CHECK(strlen(m.options) < KEYMETHOD_OPTIONS_MAX);
	FUZZ_CHECK(str_inside(m.options, data, size) && str_inside(m.username, data, size) &&
		   str_inside(m.password, data, size) && str_inside(m.peer_info, data, size));
	keymethod_peer_info_parse(m.peer_info, &pi);
	check_peer_info(&pi);
	keymethod_peer_info_log(m.peer_info);
	rebuild(&m, data, size);
	/* A short error buffer is cut, not overrun. */
	keymethod_parse(data, size, !from_client, &m, err, 8);
	keymethod_parse(data, size, !from_client, &m, err, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct keymethod_peer_info pi;
	char *text;

	parse_as(data, size, true);
	parse_as(data, size, false);
	/* The same bytes as a peer-info text (up to the first NUL). */
	text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	keymethod_peer_info_parse(text, &pi);
	check_peer_info(&pi);
	keymethod_peer_info_log(text);
	free(text);
	return 0;
}
