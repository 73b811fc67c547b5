/*
 * Static key files: keyfile_parse() of arbitrary text (not NUL terminated,
 * as keyfile.h allows). A key it accepts has 128 or 256 bytes, is written
 * back by keyfile_format() to text that parses to the same key, and splits
 * into direction slots inside the key. A refused key leaves one error line
 * and a wiped struct.
 */
#include <errno.h>

#include "fuzz_common.h"
#include "keyfile.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_log_init();
	return 0;
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

static void check_dirs(const struct static_key *key)
{
	static const enum key_direction dirs[] = {
		KEY_DIR_BIDIRECTIONAL, KEY_DIR_NORMAL, KEY_DIR_INVERSE, (enum key_direction)7,
	};
	const uint8_t *lo = key->bytes, *hi = key->bytes + key->len;
	struct static_key_dirs d;
	char err[KEYFILE_ERR_LEN];
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		int ret = keyfile_key_dirs(key, dirs[i], &d, err, sizeof(err));
		bool ok = dirs[i] == KEY_DIR_BIDIRECTIONAL ||
			  (key->len == STATIC_KEY_LEN && dirs[i] <= KEY_DIR_INVERSE);

		FUZZ_CHECK((ret == 0) == ok);
		if (ret)
			continue;
		FUZZ_CHECK(d.send_cipher >= lo && d.send_cipher + STATIC_KEY_SLOT_LEN <= hi);
		FUZZ_CHECK(d.send_hmac >= lo && d.send_hmac + STATIC_KEY_SLOT_LEN <= hi);
		FUZZ_CHECK(d.recv_cipher >= lo && d.recv_cipher + STATIC_KEY_SLOT_LEN <= hi);
		FUZZ_CHECK(d.recv_hmac >= lo && d.recv_hmac + STATIC_KEY_SLOT_LEN <= hi);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct static_key key, again;
	char err[KEYFILE_ERR_LEN], small[16], out[KEYFILE_TEXT_MAX];
	enum key_direction dir;
	unsigned int first = size ? data[0] : 1;
	int ret, n;

	if (size > KEYFILE_MAX_FILE)
		return -1;
	err[0] = '\0';
	small[0] = '\0';
	ret = keyfile_parse(&key, text, size, "fuzz.key", first, err, sizeof(err));
	FUZZ_CHECK(ret == 0 || ret == -EINVAL);
	/* Short and absent error buffers give the same answer. */
	FUZZ_CHECK(keyfile_parse(&again, text, size, "fuzz.key", first, small,
				 sizeof(small)) == ret);
	FUZZ_CHECK(strlen(small) < sizeof(small));
	FUZZ_CHECK(keyfile_parse(&again, text, size, "fuzz.key", first, NULL, 0) == ret);
	if (ret) {
		FUZZ_CHECK(err[0] != '\0' && strlen(err) < sizeof(err));
		FUZZ_CHECK(all_zero(&key, sizeof(key)));
		goto direction;
	}
	FUZZ_CHECK(key.len == STATIC_KEY_LEN || key.len == STATIC_KEY_ONE_LEN);
	FUZZ_CHECK(all_zero(key.bytes + key.len, sizeof(key.bytes) - key.len));
	check_dirs(&key);
	n = keyfile_format(&key, out, sizeof(out));
	FUZZ_CHECK(n > 0 && (size_t)n < sizeof(out) && strlen(out) == (size_t)n);
	FUZZ_CHECK(keyfile_parse(&again, out, (size_t)n, "formatted", 1, err, sizeof(err)) == 0);
	FUZZ_CHECK(again.len == key.len && memcmp(again.bytes, key.bytes, key.len) == 0);
	/* Too small an output buffer is refused, not overrun. */
	FUZZ_CHECK(keyfile_format(&key, out, (size_t)n) == -ENOSPC);
	keyfile_wipe(&key);
	FUZZ_CHECK(all_zero(&key, sizeof(key)));
direction:
	/* The same text as a --key-direction argument. */
	if (size < 8 && !memchr(text, '\0', size)) {
		char arg[8];

		memcpy(arg, text, size);
		arg[size] = '\0';
		ret = keyfile_parse_direction(arg, &dir);
		FUZZ_CHECK((ret == 0) == (!strcmp(arg, "0") || !strcmp(arg, "1")));
	}
	return 0;
}
