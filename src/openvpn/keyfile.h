/*
 * "OpenVPN Static key V1" files: the shared secret behind --tls-auth,
 * --tls-crypt and --secret. Reading (from a file or an inline block),
 * writing a fresh one for --genkey, and picking the send/receive halves
 * for a key direction.
 *
 * Errors are not logged here: functions that can fail on user input take an
 * error buffer and leave one line "NAME:LINE: problem" in it, so the caller
 * that knows the surrounding context prints it once.
 */
#ifndef KEYFILE_H
#define KEYFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KEYFILE_BEGIN "-----BEGIN OpenVPN Static key V1-----"
#define KEYFILE_END "-----END OpenVPN Static key V1-----"

/* A key file holds two keys; each is a cipher slot then an HMAC slot. */
#define STATIC_KEY_SLOT_LEN 64
#define STATIC_KEY_ONE_LEN (2 * STATIC_KEY_SLOT_LEN)
#define STATIC_KEY_LEN (2 * STATIC_KEY_ONE_LEN)

/* Key files are tiny; anything bigger is not a key file. */
#define KEYFILE_MAX_FILE (64 * 1024)
#define KEYFILE_ERR_LEN 256

/* Format a message into err (when err and errlen are set): how the key
 * file parsers here and in tls_crypt_v2.c report bad input. */
void keyfile_set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

struct static_key {
	uint8_t bytes[STATIC_KEY_LEN];
	size_t len;             /* STATIC_KEY_LEN, or STATIC_KEY_ONE_LEN (key0 only) */
};

/* --tls-auth FILE [0|1] / --key-direction. */
enum key_direction {
	KEY_DIR_BIDIRECTIONAL = 0, /* omitted: key0 both ways */
	KEY_DIR_NORMAL,            /* 0: send key0, receive key1 */
	KEY_DIR_INVERSE,           /* 1: send key1, receive key0 */
};

/* The 64-byte slots to use per direction; callers take only the prefix
 * their cipher or digest needs. Points into the static_key. */
struct static_key_dirs {
	const uint8_t *send_cipher;
	const uint8_t *send_hmac;
	const uint8_t *recv_cipher;
	const uint8_t *recv_hmac;
};

/*
 * Parse key file text (need not be NUL terminated). `name` and `first_line`
 * only label errors: a file path and 1, or "[[INLINE]]" (or the config file)
 * and the line the inline block starts on. Returns 0 or -EINVAL.
 */
int keyfile_parse(struct static_key *key, const char *text, size_t len,
		  const char *name, unsigned int first_line, char *err, size_t errlen);
/* Whole file (regular, at most KEYFILE_MAX_FILE bytes) into a heap buffer
 * the caller wipes and frees. 0 or -errno, with the reason in err. */
int keyfile_read_text(const char *path, char **text, size_t *len, char *err, size_t errlen);
/* Read and parse a file. Returns 0, -EINVAL (format) or -errno (I/O). */
int keyfile_read(struct static_key *key, const char *path, char *err, size_t errlen);

/* "0" / "1" as given to --tls-auth or --key-direction; -EINVAL otherwise. */
int keyfile_parse_direction(const char *s, enum key_direction *dir);
/*
 * Slots for a direction. A key0-only key works only bidirectionally
 * (-EINVAL otherwise, with the reason in err).
 */
int keyfile_key_dirs(const struct static_key *key, enum key_direction dir,
		     struct static_key_dirs *out, char *err, size_t errlen);

/* --genkey TYPE: the types this module writes (the aliases 2.6 accepts). */
bool keyfile_genkey_type_ok(const char *type);
/* Fill with 256 random bytes from the kernel. Returns 0 or -errno. */
int keyfile_generate(struct static_key *key);
/*
 * Text form (comment header, markers, 16 lines of 32 hex digits). Returns
 * the length written, or -ENOSPC if `cap` (incl. the NUL) is too small.
 */
int keyfile_format(const struct static_key *key, char *out, size_t cap);
#define KEYFILE_TEXT_MAX 1024
/* Write the text form to `path` (mode 0600 when created; existing files are
 * truncated, as 2.6 does) or to stdout when path is NULL. 0 or -errno. */
int keyfile_write(const struct static_key *key, const char *path, char *err, size_t errlen);

/* Key text to `path` (created 0600, truncated) or stdout when NULL. */
int keyfile_write_text(const char *path, const char *text, size_t len, char *err,
		       size_t errlen);

/* Forget the key material. */
void keyfile_wipe(struct static_key *key);

#endif
