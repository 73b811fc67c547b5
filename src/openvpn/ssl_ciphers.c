/*
 * TLS cipher suite names: OpenVPN's spelling to OpenSSL's, and the
 * listings behind --show-tls and --show-groups.
 */
#include "ssl_ciphers.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/ec.h>
#include <openssl/objects.h>

#include "log.h"

#define NAME_MAX_LEN 128

/* Every suite this OpenSSL knows, security level aside. */
static SSL_CTX *all_suites_ctx(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_method());

	if (!ctx)
		return NULL;
	SSL_CTX_set_security_level(ctx, 0);
	if (!SSL_CTX_set_cipher_list(ctx, "ALL:COMPLEMENTOFALL")) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* OpenSSL's name for an OpenVPN-style "TLS-..." name, or NULL. */
static const char *openssl_name(SSL_CTX *all, const char *ovpn)
{
	STACK_OF(SSL_CIPHER) *sk = SSL_CTX_get_ciphers(all);
	char iana[NAME_MAX_LEN];
	size_t i;
	int k;

	if (strlen(ovpn) >= sizeof(iana))
		return NULL;
	for (i = 0; ovpn[i]; i++)
		iana[i] = ovpn[i] == '-' ? '_' : ovpn[i];
	iana[i] = '\0';
	for (k = 0; k < sk_SSL_CIPHER_num(sk); k++) {
		const SSL_CIPHER *c = sk_SSL_CIPHER_value(sk, k);
		const char *std = SSL_CIPHER_standard_name(c);

		if (std && strcasecmp(std, iana) == 0)
			return SSL_CIPHER_get_name(c);
	}
	return NULL;
}

static int append(char *out, size_t len, size_t *used, const char *prefix,
		  size_t prefix_len, const char *name)
{
	size_t need = (*used ? 1 : 0) + prefix_len + strlen(name);

	if (*used + need >= len)
		return -ENOSPC;
	if (*used)
		out[(*used)++] = ':';
	memcpy(out + *used, prefix, prefix_len);
	*used += prefix_len;
	strcpy(out + *used, name);
	*used += strlen(name);
	return 0;
}

int ssl_cipher_list_translate(const char *list, char *out, size_t len)
{
	SSL_CTX *all = NULL;
	char *copy = strdup(list), *tok, *save = NULL;
	size_t used = 0;
	int ret = 0;

	if (!copy || len == 0) {
		ret = copy ? -ENOSPC : -ENOMEM;
		goto out;
	}
	out[0] = '\0';
	for (tok = strtok_r(copy, ":", &save); tok && !ret; tok = strtok_r(NULL, ":", &save)) {
		size_t prefix_len = strspn(tok, "!+-");
		const char *name = tok + prefix_len, *ossl;

		if (strncasecmp(name, "TLS-", 4) != 0) {
			ret = append(out, len, &used, tok, prefix_len, name);
			continue;
		}
		if (!all && !(all = all_suites_ctx())) {
			ret = -ENOMEM;
			break;
		}
		ossl = openssl_name(all, name);
		if (!ossl) {
			msg(M_WARN, "--tls-cipher: no TLS cipher suite is named '%s'; left out", name);
			continue;
		}
		ret = append(out, len, &used, tok, prefix_len, ossl);
	}
out:
	SSL_CTX_free(all);
	free(copy);
	return ret;
}

static void print_suite(FILE *out, const SSL_CIPHER *c, bool ovpn_style)
{
	const char *std = SSL_CIPHER_standard_name(c);
	char name[NAME_MAX_LEN];
	size_t i;

	if (!std || strlen(std) >= sizeof(name)) {
		fprintf(out, "%s\n", SSL_CIPHER_get_name(c));
		return;
	}
	for (i = 0; std[i]; i++)
		name[i] = ovpn_style && std[i] == '_' ? '-' : std[i];
	name[i] = '\0';
	fprintf(out, "%s\n", name);
}

void ssl_ciphers_print(SSL_CTX *ctx, FILE *out)
{
	STACK_OF(SSL_CIPHER) *sk = NULL;
	SSL *ssl = SSL_new(ctx);
	int pass, k;

	/* what a ClientHello would carry: filtered by version and level */
	if (ssl) {
		SSL_set_connect_state(ssl);
		sk = SSL_get1_supported_ciphers(ssl);
	}
	fprintf(out, "TLS cipher suites this configuration allows, most preferred first:\n");
	for (pass = 0; pass < 2; pass++) {
		fprintf(out, pass == 0 ? "\nTLS 1.3 (--tls-ciphersuites):\n\n"
				       : "\nTLS 1.2 (--tls-cipher, in OpenVPN's or OpenSSL's spelling):\n\n");
		for (k = 0; sk && k < sk_SSL_CIPHER_num(sk); k++) {
			const SSL_CIPHER *c = sk_SSL_CIPHER_value(sk, k);
			bool tls13 = strcmp(SSL_CIPHER_get_version(c), "TLSv1.3") == 0;

			if (tls13 == (pass == 0))
				print_suite(out, c, pass == 1);
		}
	}
	sk_SSL_CIPHER_free(sk);
	SSL_free(ssl);
}

void ssl_groups_print(FILE *out)
{
	size_t n = EC_get_builtin_curves(NULL, 0), i;
	EC_builtin_curve *curves = n ? calloc(n, sizeof(*curves)) : NULL;

	fprintf(out, "Elliptic curves for --tls-groups and --ecdh-curve (also X25519 and X448,\n"
		"which are not curves in this sense):\n\n");
	if (!curves)
		return;
	n = EC_get_builtin_curves(curves, n);
	for (i = 0; i < n; i++)
		fprintf(out, "%s\n", OBJ_nid2sn(curves[i].nid));
	free(curves);
}
