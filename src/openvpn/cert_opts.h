/*
 * The text formats of the peer certificate options: key usage values,
 * certificate fingerprints and username field names. Pure parsing, no
 * TLS library; what the names mean is decided when the TLS context is
 * built (ssl_verify.c).
 */
#ifndef CERT_OPTS_H
#define CERT_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CERT_KU_MAX 16             /* values after --remote-cert-ku */
#define CERT_FP_SHA1_LEN 20
#define CERT_FP_SHA256_LEN 32
#define CERT_FP_MAX 64             /* fingerprints in one list */
#define CERT_FIELDS_MAX 8          /* --x509-username-field names */
#define CERT_FIELD_LEN 64          /* longest field name, with "ext:" */
#define CERT_TRACK_MAX 16          /* --x509-track options */

/*
 * One --remote-cert-ku value: 1 to 4 hex digits, nonzero (e.g. "a0",
 * "0x80" is not accepted: 2.6 reads plain hex). Returns 0 or -EINVAL.
 */
int cert_ku_parse(const char *s, uint16_t *out);

/*
 * A fingerprint written "AD:B0:95:...": exactly `len` bytes, each two hex
 * digits of either case, separated by single colons. Returns 0, -EINVAL
 * for a malformed text, or -ERANGE when it is well formed but has another
 * number of bytes (then *got says how many).
 */
int cert_fp_parse(const char *s, size_t len, uint8_t *out, size_t *got);

/*
 * An inline list: one fingerprint per line, blank lines and surrounding
 * blanks ignored. Appends to out[*n] (at most `max` in all). Returns 0,
 * or what cert_fp_parse() said about the line *bad_line (1-based), or
 * -E2BIG when the list is too long.
 */
int cert_fp_list_parse(const char *text, size_t len, uint8_t (*out)[CERT_FP_SHA256_LEN],
		       int max, int *n, int *bad_line);

/*
 * One --x509-username-field name: a subject attribute ("CN",
 * "emailAddress", "serialNumber", a dotted OID) or "ext:subjectAltName" /
 * "ext:issuerAltName". An all-lowercase attribute name is upper-cased, as
 * 2.6 still does ("ou" becomes "OU"). Returns 0 or -EINVAL.
 */
int cert_username_field_parse(const char *s, char *out, size_t outlen);

/*
 * One --x509-track attribute: a leading '+' (then *chain is set: every
 * certificate of the chain, not only the peer's), then a subject attribute,
 * an extension name, a dotted OID, SHA1 or SHA256. Returns 0 or -EINVAL.
 */
int cert_track_parse(const char *s, char *out, size_t outlen, bool *chain);

#endif
