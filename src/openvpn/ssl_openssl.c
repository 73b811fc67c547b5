/*
 * OpenSSL glue: the TLS context built from the options and TLS sessions
 * pumped through memory BIOs. The peer certificate checks are in
 * ssl_verify.c.
 */
#include "ssl_openssl.h"
#include "ssl_openssl_int.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "log.h"
#include "ssl_ciphers.h"
#include "ssl_keymethod.h"

/* room for a --tls-cipher list after translation to OpenSSL names */
#define TLS_CIPHER_LIST_MAX 4096

/* 2.6's TLS <= 1.2 list: (EC)DHE key exchange with RSA/ECDSA only. */
#define DEFAULT_TLS_CIPHERS "DEFAULT:!EXP:!LOW:!MEDIUM:!kDH:!kECDH:!DSS:!PSK:!SRP:!kRSA"

/* Where an SSL finds its ssl_conn, for the verify callback. */
static int conn_index = -1;

const char *ssl_library_version(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}

int ssl_rand_bytes(void *out, size_t len)
{
	if (len > INT_MAX)
		return -EINVAL;
	return RAND_bytes(out, (int)len) == 1 ? 0 : -EIO;
}

/* ---- errors --------------------------------------------------------------- */

/* The first queued OpenSSL error (the root cause) as one line; the queue is
 * emptied so that the next call starts clean. */
static void openssl_error(char *buf, size_t len)
{
	const char *data = NULL;
	int flags = 0;
	unsigned long e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags);
	char text[256];

	if (!e) {
		snprintf(buf, len, "OpenSSL: no error reported");
		return;
	}
	ERR_error_string_n(e, text, sizeof(text));
	if (data && (flags & ERR_TXT_STRING) && data[0])
		snprintf(buf, len, "OpenSSL: %s: %s", text, data);
	else
		snprintf(buf, len, "OpenSSL: %s", text);
	ERR_clear_error();
}

/* Log a context problem with the OpenSSL reason appended. */
__attribute__((format(printf, 1, 2)))
static int ctx_error(const char *fmt, ...)
{
	char what[512], why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	openssl_error(why, sizeof(why));
	msg(M_ERR, "%s: %s", what, why);
	return -EINVAL;
}

/* ---- reading PEM from files and inline blocks ---------------------------- */

static const char *source_name(const struct option_file *f, const char *opt,
			       char *buf, size_t len)
{
	if (f->is_inline)
		snprintf(buf, len, "inline <%s>", opt);
	else
		snprintf(buf, len, "--%s '%s'", opt, f->name);
	return buf;
}

static BIO *source_open(const struct option_file *f)
{
	if (f->is_inline)
		return BIO_new_mem_buf(f->name, -1);
	return BIO_new_file(f->name, "r");
}

/* Every certificate in a PEM source, in order; NULL if there is none. */
static STACK_OF(X509) *read_certs(const struct option_file *f)
{
	STACK_OF(X509) *certs = sk_X509_new_null();
	BIO *bio = source_open(f);
	X509 *x;

	if (!certs || !bio)
		goto fail;
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		if (!sk_X509_push(certs, x)) {
			X509_free(x);
			goto fail;
		}
	}
	/* Running out of PEM blocks is how the loop ends, not an error. */
	if (sk_X509_num(certs) == 0)
		goto fail;
	ERR_clear_error();
	BIO_free(bio);
	return certs;
fail:
	BIO_free(bio);
	sk_X509_pop_free(certs, X509_free);
	return NULL;
}

/* ---- building the context ------------------------------------------------- */

static int tls_version_value(enum tls_version v)
{
	switch (v) {
	case TLS_VER_1_0: return TLS1_VERSION;
	case TLS_VER_1_1: return TLS1_1_VERSION;
	case TLS_VER_1_2: return TLS1_2_VERSION;
	case TLS_VER_1_3: return TLS1_3_VERSION;
	default: return 0;
	}
}

static int ctx_load_cert(SSL_CTX *ctx, const struct options *o)
{
	char name[512];
	STACK_OF(X509) *certs = read_certs(&o->cert);
	int i, ret = 0;

	source_name(&o->cert, "cert", name, sizeof(name));
	if (!certs)
		return ctx_error("Cannot load certificate from %s", name);
	/* The first block is ours; any others complete the chain. */
	if (!SSL_CTX_use_certificate(ctx, sk_X509_value(certs, 0)))
		ret = ctx_error("Cannot use the certificate from %s", name);
	for (i = 1; !ret && i < sk_X509_num(certs); i++)
		if (!SSL_CTX_add1_chain_cert(ctx, sk_X509_value(certs, i)))
			ret = ctx_error("Cannot add a chain certificate from %s", name);
	sk_X509_pop_free(certs, X509_free);
	return ret;
}

static int ctx_load_extra_certs(SSL_CTX *ctx, const struct options *o)
{
	char name[512];
	STACK_OF(X509) *certs;
	int i, ret = 0;

	if (!option_file_set(&o->extra_certs))
		return 0;
	source_name(&o->extra_certs, "extra-certs", name, sizeof(name));
	certs = read_certs(&o->extra_certs);
	if (!certs)
		return ctx_error("Cannot load certificates from %s", name);
	for (i = 0; !ret && i < sk_X509_num(certs); i++)
		if (!SSL_CTX_add1_chain_cert(ctx, sk_X509_value(certs, i)))
			ret = ctx_error("Cannot add a chain certificate from %s", name);
	sk_X509_pop_free(certs, X509_free);
	return ret;
}

/* The --askpass password, if any, for an encrypted key. */
struct key_password {
	const char *pass;          /* NULL: no --askpass */
	bool asked;
};

static int key_password_cb(char *buf, int size, int rwflag, void *arg)
{
	struct key_password *kp = arg;
	size_t n;

	kp->asked = true;
	if (!kp->pass)
		return -1;
	n = strlen(kp->pass);
	if (n > (size_t)size)
		return -1;
	memcpy(buf, kp->pass, n);
	return (int)n;
}

static int ctx_load_key(SSL_CTX *ctx, const struct options *o)
{
	char name[512];
	char pass[256];
	struct key_password kp = { NULL, false };
	EVP_PKEY *key;
	BIO *bio;
	int ret = 0;

	/* read for each load and wiped right after: never kept in memory */
	if (option_file_set(&o->askpass)) {
		if (keymethod_read_password(&o->askpass, pass, sizeof(pass)) < 0)
			return -EINVAL;
		kp.pass = pass;
	}
	source_name(&o->key, "key", name, sizeof(name));
	bio = source_open(&o->key);
	key = bio ? PEM_read_bio_PrivateKey(bio, NULL, key_password_cb, &kp) : NULL;
	BIO_free(bio);
	OPENSSL_cleanse(pass, sizeof(pass));
	if (!key && kp.asked && !kp.pass) {
		ERR_clear_error();
		msg(M_ERR, "Cannot load private key from %s: it is encrypted; give the password with --askpass FILE",
		    name);
		return -EINVAL;
	}
	if (!key && kp.asked)
		return ctx_error("Cannot decrypt private key from %s: wrong --askpass password?", name);
	if (!key)
		return ctx_error("Cannot load private key from %s", name);
	/* OpenSSL already refuses a key that does not match the certificate;
	 * name that case in words. */
	if (!SSL_CTX_use_PrivateKey(ctx, key) &&
	    ERR_GET_REASON(ERR_peek_error()) != X509_R_KEY_VALUES_MISMATCH)
		ret = ctx_error("Cannot use the private key from %s", name);
	else if (!SSL_CTX_check_private_key(ctx))
		ret = ctx_error("Private key from %s does not belong to the certificate from --cert",
				name);
	EVP_PKEY_free(key);
	return ret;
}

/* A PKCS#12 file, or an inline block of its base64 (as OpenVPN writes it). */
static PKCS12 *read_pkcs12(const struct option_file *f)
{
	BIO *bio = source_open(f), *b64 = NULL;
	PKCS12 *p12 = NULL;

	if (bio && f->is_inline) {
		b64 = BIO_new(BIO_f_base64());
		if (!b64)
			goto out;
		bio = BIO_push(b64, bio);
	}
	if (bio)
		p12 = d2i_PKCS12_bio(bio, NULL);
out:
	BIO_free_all(bio);
	return p12;
}

/* The PKCS#12 password: none, or the first line of --askpass FILE. */
static int pkcs12_password(PKCS12 *p12, const struct options *o, const char *name,
			   char *pass, size_t plen)
{
	pass[0] = '\0';
	if (PKCS12_verify_mac(p12, "", 0) || PKCS12_verify_mac(p12, NULL, 0))
		return 0;
	if (!option_file_set(&o->askpass)) {
		msg(M_ERR, "Cannot open %s: it is protected by a password; give it with --askpass FILE",
		    name);
		return -EINVAL;
	}
	if (keymethod_read_password(&o->askpass, pass, plen) < 0)
		return -EINVAL;
	if (!PKCS12_verify_mac(p12, pass, -1)) {
		msg(M_ERR, "Cannot open %s: wrong --askpass password", name);
		return -EINVAL;
	}
	return 0;
}

/*
 * --pkcs12: this side's certificate and key, and the CAs it carries, which
 * are the trusted CAs unless --ca or --capath name others (then they only
 * complete the chain we send).
 */
static int ctx_load_pkcs12(SSL_CTX *ctx, const struct options *o, bool server)
{
	bool own_cas = !option_file_set(&o->ca) && !o->capath;
	STACK_OF(X509) *cas = NULL;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	char name[512], pass[256];
	PKCS12 *p12;
	int i, ret;

	source_name(&o->pkcs12, "pkcs12", name, sizeof(name));
	p12 = read_pkcs12(&o->pkcs12);
	if (!p12)
		return ctx_error("Cannot read a PKCS#12 file from %s", name);
	ret = pkcs12_password(p12, o, name, pass, sizeof(pass));
	if (!ret && !PKCS12_parse(p12, pass, &key, &cert, &cas))
		ret = ctx_error("Cannot decode %s (a legacy encryption may need OpenSSL's legacy provider)",
				name);
	OPENSSL_cleanse(pass, sizeof(pass));
	if (!ret && (!cert || !key))
		ret = ctx_error("%s holds no certificate with its private key", name);
	if (!ret && (!SSL_CTX_use_certificate(ctx, cert) || !SSL_CTX_use_PrivateKey(ctx, key) ||
		     !SSL_CTX_check_private_key(ctx)))
		ret = ctx_error("Cannot use the certificate and key from %s", name);
	if (!ret && own_cas && sk_X509_num(cas) == 0 && o->fp_mode != CERT_FP_PEER) {
		msg(M_ERR, "%s holds no CA certificate: give the CA with --ca", name);
		ret = -EINVAL;
	}
	for (i = 0; !ret && i < sk_X509_num(cas); i++) {
		X509 *x = sk_X509_value(cas, i);

		if (!own_cas)
			ret = SSL_CTX_add1_chain_cert(ctx, x) ? 0 : -EINVAL;
		else if (!X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), x) ||
			 (server && !SSL_CTX_add_client_CA(ctx, x)))
			ret = -EINVAL;
		if (ret)
			ret = ctx_error("Cannot use a CA certificate from %s", name);
	}
	sk_X509_pop_free(cas, X509_free);
	X509_free(cert);
	EVP_PKEY_free(key);
	PKCS12_free(p12);
	return ret;
}

static int ctx_load_ca(SSL_CTX *ctx, const struct options *o, bool server)
{
	X509_STORE *store = SSL_CTX_get_cert_store(ctx);
	char name[512];
	STACK_OF(X509) *certs;
	int i, ret = 0;

	if (o->capath && !X509_STORE_load_path(store, o->capath))
		return ctx_error("Cannot use --capath '%s'", o->capath);
	if (!option_file_set(&o->ca))
		return 0;
	source_name(&o->ca, "ca", name, sizeof(name));
	certs = read_certs(&o->ca);
	if (!certs)
		return ctx_error("Cannot load CA certificates from %s", name);
	for (i = 0; !ret && i < sk_X509_num(certs); i++) {
		X509 *x = sk_X509_value(certs, i);

		if (!X509_STORE_add_cert(store, x))
			ret = ctx_error("Cannot add a CA certificate from %s", name);
		/* A server names its CAs so a client can pick its certificate. */
		else if (server && !SSL_CTX_add_client_CA(ctx, x))
			ret = ctx_error("Cannot announce a CA certificate from %s", name);
	}
	sk_X509_pop_free(certs, X509_free);
	return ret;
}

static int ctx_load_dh(SSL_CTX *ctx, const struct options *o)
{
	char name[512];
	EVP_PKEY *dh;
	BIO *bio;
	int bits;

	/* Without DH parameters OpenSSL simply offers no DHE suites. */
	if (o->dh_none || !option_file_set(&o->dh))
		return 0;
	source_name(&o->dh, "dh", name, sizeof(name));
	bio = source_open(&o->dh);
	dh = bio ? PEM_read_bio_Parameters(bio, NULL) : NULL;
	BIO_free(bio);
	if (!dh)
		return ctx_error("Cannot load DH parameters from %s", name);
	bits = EVP_PKEY_get_bits(dh);
	if (!SSL_CTX_set0_tmp_dh_pkey(ctx, dh)) {
		EVP_PKEY_free(dh);
		return ctx_error("Cannot use the DH parameters from %s", name);
	}
	msg(D_NORMAL, "Diffie-Hellman initialized with %d bit key", bits);
	return 0;
}

/* 2.6 accepts the mbed TLS spelling secp256r1 for OpenSSL's prime256v1. */
static int ctx_set_groups(SSL_CTX *ctx, const char *groups, const char *opt)
{
	char list[1024] = "", *copy, *tok, *save = NULL;
	int ret = 0;

	copy = strdup(groups);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		if (list[0])
			strncat(list, ":", sizeof(list) - strlen(list) - 1);
		strncat(list, strcmp(tok, "secp256r1") == 0 ? "prime256v1" : tok,
			sizeof(list) - strlen(list) - 1);
	}
	free(copy);
	if (!SSL_CTX_set1_groups_list(ctx, list))
		ret = ctx_error("Cannot use --%s '%s' (unknown curve or group name?)", opt, groups);
	return ret;
}

/*
 * --ecdh-curve forces the one group for the (EC)DHE key exchange; OpenSSL
 * has a single list for key exchange and the curves of EC certificates,
 * so it then replaces --tls-groups (2.6 built with OpenSSL 3 ignores it).
 */
static int ctx_set_curves(SSL_CTX *ctx, const struct options *o)
{
	if (!o->ecdh_curve)
		return o->tls_groups ? ctx_set_groups(ctx, o->tls_groups, "tls-groups") : 0;
	if (o->tls_groups)
		msg(M_WARN, "WARNING: --ecdh-curve %s replaces --tls-groups '%s'; prefer --tls-groups alone",
		    o->ecdh_curve, o->tls_groups);
	return ctx_set_groups(ctx, o->ecdh_curve, "ecdh-curve");
}

static int ctx_set_algorithms(SSL_CTX *ctx, const struct options *o)
{
	static const int levels[] = {
		[TLS_PROFILE_LEGACY] = 1, [TLS_PROFILE_INSECURE] = 0,
		[TLS_PROFILE_PREFERRED] = 2, [TLS_PROFILE_SUITEB] = 3,
	};
	const char *list = o->tls_cipher;
	char translated[TLS_CIPHER_LIST_MAX];
	int min = tls_version_value(o->tls_version_min);
	int max = tls_version_value(o->tls_version_max);

	if (!SSL_CTX_set_min_proto_version(ctx, min ? min : TLS1_2_VERSION) ||
	    !SSL_CTX_set_max_proto_version(ctx, max))
		return ctx_error("Cannot set the TLS version range");
	SSL_CTX_set_security_level(ctx, levels[o->tls_cert_profile]);
	if (!list)
		list = o->tls_cert_profile == TLS_PROFILE_SUITEB ? "SUITEB128"
								 : DEFAULT_TLS_CIPHERS;
	if (ssl_cipher_list_translate(list, translated, sizeof(translated)) < 0)
		return ctx_error("Cannot use --tls-cipher '%s': too long", list);
	if (!translated[0] || !SSL_CTX_set_cipher_list(ctx, translated))
		return ctx_error("Cannot use --tls-cipher '%s'", list);
	if (o->tls_ciphersuites && !SSL_CTX_set_ciphersuites(ctx, o->tls_ciphersuites))
		return ctx_error("Cannot use --tls-ciphersuites '%s'", o->tls_ciphersuites);
	return ctx_set_curves(ctx, o);
}

static int crl_load(struct ssl_ctx *c);

/*
 * Every key-id is a fresh, full handshake (§4.1): no session cache, no
 * tickets, no TLS-level renegotiation. Compression stays off.
 */
static void ctx_set_behaviour(struct ssl_ctx *c)
{
	SSL_CTX_set_options(c->ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET |
			    SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
	SSL_CTX_set_session_cache_mode(c->ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_num_tickets(c->ctx, 0);
	/* Idle sessions (a server has many) give their buffers back. */
	SSL_CTX_set_mode(c->ctx, SSL_MODE_RELEASE_BUFFERS);
	/* A server insists on a client certificate, as 2.6 does by default. */
	SSL_CTX_set_verify(c->ctx, c->server ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT
					      : SSL_VERIFY_PEER, ssl_verify_callback);
}

static int ctx_copy_rules(struct ssl_ctx *c, const struct options *o)
{
	int ret = ssl_verify_init(&c->verify, o, c->server);

	if (ret)
		return ret;
	if (option_file_set(&o->crl_verify)) {
		c->crl = strdup(o->crl_verify.name);
		if (!c->crl)
			return -ENOMEM;
		c->crl_inline = o->crl_verify.is_inline;
		c->crl_dir = o->crl_verify_dir;
	}
	return 0;
}

int ssl_show_tls(const struct options *o, FILE *out)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_method());
	int ret = -ENOMEM;

	if (ctx)
		ret = ctx_set_algorithms(ctx, o);
	if (!ret)
		ssl_ciphers_print(ctx, out);
	SSL_CTX_free(ctx);
	return ret;
}

int ssl_ctx_new(const struct options *o, struct ssl_ctx **out)
{
	struct ssl_ctx *c = calloc(1, sizeof(*c));
	int ret = -ENOMEM;

	*out = NULL;
	if (!c)
		return -ENOMEM;
	if (conn_index < 0)
		conn_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	c->server = o->tls_server;
	c->ctx = SSL_CTX_new(c->server ? TLS_server_method() : TLS_client_method());
	if (!c->ctx || conn_index < 0)
		goto out;
	ctx_set_behaviour(c);
	if (c->server && o->verify_client_cert != VERIFY_CLIENT_REQUIRE)
		SSL_CTX_set_verify(c->ctx, o->verify_client_cert == VERIFY_CLIENT_NONE ?
				   SSL_VERIFY_NONE : SSL_VERIFY_PEER, ssl_verify_callback);
	ret = ctx_copy_rules(c, o);
	if (!ret)
		ret = ctx_set_algorithms(c->ctx, o);
	if (!ret)
		ret = ctx_load_ca(c->ctx, o, c->server);
	if (!ret && option_file_set(&o->pkcs12))
		ret = ctx_load_pkcs12(c->ctx, o, c->server);
	if (!ret && option_file_set(&o->cert))
		ret = ctx_load_cert(c->ctx, o);
	if (!ret)
		ret = ctx_load_extra_certs(c->ctx, o);
	if (!ret && option_file_set(&o->key))
		ret = ctx_load_key(c->ctx, o);
	if (!ret && c->server)
		ret = ctx_load_dh(c->ctx, o);
	if (!ret && c->crl && !c->crl_dir)
		ret = crl_load(c);
out:
	if (ret) {
		ssl_ctx_free(c);
		return ret;
	}
	*out = c;
	return 0;
}

void ssl_ctx_free(struct ssl_ctx *c)
{
	if (!c)
		return;
	SSL_CTX_free(c->ctx);
	ssl_verify_free(&c->verify);
	if (c->crl && c->crl_inline)
		OPENSSL_cleanse(c->crl, strlen(c->crl));
	free(c->crl);
	free(c);
}

/* ---- CRL ------------------------------------------------------------------ */

static void crl_remove_all(X509_STORE *store)
{
	STACK_OF(X509_OBJECT) *objs;
	int i;

	X509_STORE_lock(store);
	objs = X509_STORE_get0_objects(store);
	for (i = sk_X509_OBJECT_num(objs) - 1; i >= 0; i--) {
		X509_OBJECT *obj = sk_X509_OBJECT_value(objs, i);

		if (X509_OBJECT_get_type(obj) == X509_LU_CRL) {
			(void)sk_X509_OBJECT_delete(objs, i);
			X509_OBJECT_free(obj);
		}
	}
	X509_STORE_unlock(store);
}

/* All CRLs of a PEM source; NULL if it has none. */
static STACK_OF(X509_CRL) *read_crls(const struct option_file *f)
{
	STACK_OF(X509_CRL) *crls = sk_X509_CRL_new_null();
	BIO *bio = source_open(f);
	X509_CRL *crl;

	if (!crls || !bio)
		goto fail;
	while ((crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL)) != NULL) {
		if (!sk_X509_CRL_push(crls, crl)) {
			X509_CRL_free(crl);
			goto fail;
		}
	}
	if (sk_X509_CRL_num(crls) == 0)
		goto fail;
	ERR_clear_error();
	BIO_free(bio);
	return crls;
fail:
	BIO_free(bio);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	return NULL;
}

/* Replace the CRLs in the store with the ones from --crl-verify; on
 * failure the store keeps what it had. */
static int crl_load(struct ssl_ctx *c)
{
	X509_STORE *store = SSL_CTX_get_cert_store(c->ctx);
	struct option_file f = { .name = c->crl, .is_inline = c->crl_inline };
	STACK_OF(X509_CRL) *crls;
	struct stat st;
	bool stamped = !c->crl_inline && stat(c->crl, &st) == 0;
	char name[512];
	int i, n = 0;

	source_name(&f, "crl-verify", name, sizeof(name));
	crls = read_crls(&f);
	if (!crls)
		return ctx_error("CRL: cannot read a CRL from %s", name);
	crl_remove_all(store);
	for (i = 0; i < sk_X509_CRL_num(crls); i++)
		n += X509_STORE_add_crl(store, sk_X509_CRL_value(crls, i)) == 1;
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	ERR_clear_error();
	X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
	if (stamped) {
		c->crl_mtime = st.st_mtim;
		c->crl_size = st.st_size;
	}
	msg(M_INFO, "CRL: loaded %d CRLs from %s", n, name);
	return 0;
}

/* A CRL file that changed since it was loaded is read again. */
static void crl_refresh(struct ssl_ctx *c)
{
	struct stat st;

	if (!c->crl || c->crl_inline || c->crl_dir || stat(c->crl, &st) < 0)
		return;
	if (st.st_mtim.tv_sec == c->crl_mtime.tv_sec &&
	    st.st_mtim.tv_nsec == c->crl_mtime.tv_nsec && st.st_size == c->crl_size)
		return;
	(void)crl_load(c);
}

/* ---- sessions ------------------------------------------------------------- */

struct ssl_conn *ssl_conn_of(SSL *ssl)
{
	return SSL_get_ex_data(ssl, conn_index);
}

int ssl_conn_new(struct ssl_ctx *ctx, struct ssl_conn **out)
{
	struct ssl_conn *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c)
		return -ENOMEM;
	crl_refresh(ctx);
	c->ctx = ctx;
	c->ssl = SSL_new(ctx->ctx);
	c->rbio = BIO_new(BIO_s_mem());
	c->wbio = BIO_new(BIO_s_mem());
	if (!c->ssl || !c->rbio || !c->wbio ||
	    !SSL_set_ex_data(c->ssl, conn_index, c)) {
		BIO_free(c->rbio);
		BIO_free(c->wbio);
		SSL_free(c->ssl);
		free(c);
		ERR_clear_error();
		return -ENOMEM;
	}
	/* An empty input BIO means "wait for more", not end of stream. */
	BIO_set_mem_eof_return(c->rbio, -1);
	SSL_set_bio(c->ssl, c->rbio, c->wbio);
	if (ctx->server)
		SSL_set_accept_state(c->ssl);
	else
		SSL_set_connect_state(c->ssl);
	*out = c;
	return 0;
}

void ssl_conn_free(struct ssl_conn *c)
{
	if (!c)
		return;
	SSL_free(c->ssl);
	if (c->queue)
		OPENSSL_cleanse(c->queue, c->queue_len);
	free(c->queue);
	env_set_free(&c->cert_env);
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

/* Record why the session ended; it stays failed. */
static int conn_fail(struct ssl_conn *c, const char *what, int ret)
{
	char why[512];

	openssl_error(why, sizeof(why));
	if (c->verify_error[0])
		snprintf(c->error, sizeof(c->error), "%s: %s (%s)", what,
			 c->verify_error, why);
	else
		snprintf(c->error, sizeof(c->error), "%s: %s", what, why);
	c->failed = true;
	return ret;
}

int ssl_conn_feed(struct ssl_conn *c, const uint8_t *data, size_t len)
{
	if (len > INT_MAX)
		return -EINVAL;
	if (len && BIO_write(c->rbio, data, (int)len) != (int)len) {
		ERR_clear_error();
		return -ENOMEM;
	}
	return 0;
}

static int flush_queue(struct ssl_conn *c)
{
	size_t done = 0;
	int ret = 0;

	if (c->queue_len) {
		ERR_clear_error();
		if (!SSL_write_ex(c->ssl, c->queue, c->queue_len, &done))
			ret = conn_fail(c, "TLS write failed", -EPROTO);
		OPENSSL_cleanse(c->queue, c->queue_len);
	}
	free(c->queue);
	c->queue = NULL;
	c->queue_len = 0;
	return ret;
}

int ssl_conn_process(struct ssl_conn *c)
{
	int r;

	if (c->failed)
		return -EPROTO;
	if (c->established)
		return 1;
	ERR_clear_error();
	r = SSL_do_handshake(c->ssl);
	if (r != 1) {
		int err = SSL_get_error(c->ssl, r);

		if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
			return 0;
		return conn_fail(c, "TLS handshake failed", -EPROTO);
	}
	if (ssl_verify_missed(c)) {
		snprintf(c->verify_error, sizeof(c->verify_error),
			 "VERIFY ERROR: the peer certificate was never checked");
		return conn_fail(c, "TLS handshake failed", -EPROTO);
	}
	c->established = true;
	if (flush_queue(c) < 0)
		return -EPROTO;
	return 1;
}

bool ssl_conn_established(const struct ssl_conn *c)
{
	return c->established && !c->failed;
}

size_t ssl_conn_pending(const struct ssl_conn *c)
{
	return BIO_ctrl_pending(c->wbio);
}

size_t ssl_conn_pull(struct ssl_conn *c, uint8_t *out, size_t len)
{
	int n;

	if (len > INT_MAX)
		len = INT_MAX;
	if (len == 0)
		return 0;
	n = BIO_read(c->wbio, out, (int)len);
	return n > 0 ? (size_t)n : 0;
}

int ssl_conn_write(struct ssl_conn *c, const uint8_t *data, size_t len)
{
	size_t done = 0;
	uint8_t *q;

	if (c->failed)
		return -EPROTO;
	if (!c->established) {
		if (len > SSL_CONN_QUEUE_MAX - c->queue_len)
			return -ENOBUFS;
		q = realloc(c->queue, c->queue_len + len);
		if (!q)
			return -ENOMEM;
		memcpy(q + c->queue_len, data, len);
		c->queue = q;
		c->queue_len += len;
		return 0;
	}
	ERR_clear_error();
	if (len && !SSL_write_ex(c->ssl, data, len, &done))
		return conn_fail(c, "TLS write failed", -EPROTO);
	return 0;
}

int ssl_conn_read(struct ssl_conn *c, uint8_t *out, size_t len)
{
	size_t n = 0;
	int r, err;

	r = ssl_conn_process(c);
	if (r <= 0)
		return r;
	if (len > INT_MAX)
		len = INT_MAX;
	ERR_clear_error();
	if (SSL_read_ex(c->ssl, out, len, &n))
		return (int)n;
	err = SSL_get_error(c->ssl, 0);
	if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
		return 0;
	if (err == SSL_ERROR_ZERO_RETURN) {
		snprintf(c->error, sizeof(c->error), "TLS session closed by the peer");
		c->failed = true;
		return -ECONNRESET;
	}
	return conn_fail(c, "TLS read failed", -EPROTO);
}

const char *ssl_conn_error(const struct ssl_conn *c)
{
	return c->error;
}

int ssl_conn_export(struct ssl_conn *c, const char *label, uint8_t *out,
		    size_t len)
{
	if (!ssl_conn_established(c))
		return -EAGAIN;
	/* use_context = 0: "no context" differs from an empty one in TLS 1.2,
	 * and 2.6 uses none. */
	if (SSL_export_keying_material(c->ssl, out, len, label, strlen(label),
				       NULL, 0, 0) != 1) {
		ERR_clear_error();
		return -EIO;
	}
	return 0;
}

const char *ssl_conn_peer_cn(const struct ssl_conn *c)
{
	return c->verified ? c->peer_cn : NULL;
}

const char *ssl_conn_peer_subject(const struct ssl_conn *c)
{
	return c->verified ? c->peer_subject : NULL;
}

/* "2048 bits RSA", "256 bits EC, curve prime256v1", "253 bits X25519". */
static void describe_key(EVP_PKEY *pk, char *buf, size_t len)
{
	char group[64];
	size_t glen = 0;

	if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_EC &&
	    EVP_PKEY_get_group_name(pk, group, sizeof(group), &glen))
		snprintf(buf, len, "%d bits EC, curve %s", EVP_PKEY_get_bits(pk), group);
	else
		snprintf(buf, len, "%d bits %s", EVP_PKEY_get_bits(pk),
			 EVP_PKEY_get0_type_name(pk) ? EVP_PKEY_get0_type_name(pk) : "?");
}

void ssl_conn_describe(const struct ssl_conn *c, char *out, size_t len)
{
	const SSL_CIPHER *ci = SSL_get_current_cipher(c->ssl);
	X509 *peer = SSL_get0_peer_certificate(c->ssl);
	EVP_PKEY *tmp = NULL;
	char key[128];
	size_t n;

	snprintf(out, len, "%s, cipher %s %s", SSL_get_version(c->ssl),
		 ci ? SSL_CIPHER_get_version(ci) : "?", ci ? SSL_CIPHER_get_name(ci) : "?");
	if (peer && X509_get0_pubkey(peer)) {
		describe_key(X509_get0_pubkey(peer), key, sizeof(key));
		n = strlen(out);
		snprintf(out + n, len - n, ", peer certificate: %s, signature: %s", key,
			 OBJ_nid2sn(X509_get_signature_nid(peer)));
	}
	if (SSL_get_peer_tmp_key(c->ssl, &tmp) && tmp) {
		describe_key(tmp, key, sizeof(key));
		n = strlen(out);
		snprintf(out + n, len - n, ", peer temporary key: %s", key);
	}
	EVP_PKEY_free(tmp);
	ERR_clear_error();
}
