/*
 * TLS cipher suite names as OpenVPN configurations write them, and the
 * --show-tls listing. OpenVPN names TLS 1.2 suites after their IANA name
 * with '-' for '_' (TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384); OpenSSL only
 * takes its own names (ECDHE-RSA-AES256-GCM-SHA384) in a cipher list.
 */
#ifndef SSL_CIPHERS_H
#define SSL_CIPHERS_H

#include <stddef.h>
#include <stdio.h>

#include <openssl/ssl.h>

/*
 * Rewrite a --tls-cipher list for SSL_CTX_set_cipher_list(): every entry
 * spelled the OpenVPN way ("TLS-..." after an optional '!', '+' or '-')
 * becomes OpenSSL's name; other entries (OpenSSL names, keywords like
 * DEFAULT or @SECLEVEL=1) are kept as they are. An OpenVPN-style name
 * OpenSSL does not know is left out with a warning, as OpenVPN 2.6 does.
 * Returns 0, -ENOSPC when out is too small, -ENOMEM.
 */
int ssl_cipher_list_translate(const char *list, char *out, size_t len);

/* The suites ctx would offer, TLS 1.3 first, in order of preference. */
void ssl_ciphers_print(SSL_CTX *ctx, FILE *out);

/* The elliptic curves OpenSSL has built in (--show-groups). */
void ssl_groups_print(FILE *out);

#endif
