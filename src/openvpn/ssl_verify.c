/*
 * The checks on the peer's certificate chain during the handshake: what
 * OpenSSL found, then our rules on the peer's own certificate (key usage,
 * extended key usage, name, fingerprints, CRL directory), the username it
 * yields, and --tls-verify. The rules come from the options once, when
 * the context is built.
 */
#include "ssl_openssl_int.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "log.h"

#define EKU_SERVER "TLS Web Server Authentication"
#define EKU_CLIENT "TLS Web Client Authentication"

/* The verify callback runs for any peer that starts a handshake. */
static struct ratelimit verify_rl = RATELIMIT_INIT(1000, 10);

/* --crl-verify DIR dir: a file named after the decimal serial revokes. */
static bool crl_dir_revoked(const struct ssl_ctx *c, const char *serial)
{
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", c->crl, serial) >= sizeof(path))
		return true;
	return access(path, F_OK) == 0;
}

/* ---- certificate checks --------------------------------------------------- */

/* The subject as 2.6 prints it: "C=KG, O=Org, CN=server". */
static void subject_string(X509 *cert, char *buf, size_t len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	int n = 0;

	buf[0] = '\0';
	if (!bio)
		return;
	X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0,
			   XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN |
			   ASN1_STRFLGS_UTF8_CONVERT | ASN1_STRFLGS_ESC_CTRL);
	if (len > 1)
		n = BIO_read(bio, buf, (int)(len - 1));
	buf[n > 0 ? n : 0] = '\0';
	BIO_free(bio);
}

static void serial_string(X509 *cert, char *buf, size_t len)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
	char *dec = bn ? BN_bn2dec(bn) : NULL;

	snprintf(buf, len, "%s", dec ? dec : "?");
	OPENSSL_free(dec);
	BN_free(bn);
}

/* The CN as UTF-8; false if missing or containing control bytes, which
 * could hide tricks in logs and in names handed to scripts. */
static bool common_name(X509 *cert, char *buf, size_t len)
{
	X509_NAME *name = X509_get_subject_name(cert);
	int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
	unsigned char *utf8 = NULL;
	int n, k;
	bool ok = false;

	if (i < 0)
		return false;
	n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
	if (n > 0 && (size_t)n < len) {
		for (k = 0; k < n && utf8[k] >= 0x20 && utf8[k] != 0x7f; k++)
			;
		ok = k == n;
		memcpy(buf, utf8, (size_t)n);
		buf[n] = '\0';
	}
	OPENSSL_free(utf8);
	return ok;
}

__attribute__((format(printf, 2, 3)))
static bool reject(struct ssl_conn *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->verify_error, sizeof(c->verify_error), fmt, ap);
	va_end(ap);
	msg(D_LOW, "%s", c->verify_error);
	return false;
}

/* 2.6's short verdict line, after a line that says why; the session's
 * error keeps both, so the "TLS Error" line names the reason. */
__attribute__((format(printf, 3, 4)))
static bool reject_why(struct ssl_conn *c, const char *verdict, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	msg(D_LOW, "%s", why);
	msg(D_LOW, "%s", verdict);
	snprintf(c->verify_error, sizeof(c->verify_error), "%s: %s", verdict, why);
	return false;
}

/* --remote-cert-ku: OpenSSL already checked the bits that are there against
 * the TLS role; here the extension must exist and, given values, hold all
 * the bits of one of them (0x80 digitalSignature ... 0x8000 decipherOnly). */
static bool check_ku(struct ssl_conn *c, X509 *cert)
{
	const struct ssl_verify *v = &c->ctx->verify;
	uint32_t have;
	int i;

	if (!v->ku_required)
		return true;
	if (!(X509_get_extension_flags(cert) & EXFLAG_KUSAGE))
		return reject_why(c, "VERIFY KU ERROR", "Certificate does not have key usage extension");
	have = X509_get_key_usage(cert);
	for (i = 0; i < v->n_ku; i++) {
		msg(D_LOW, "++ Certificate has key usage  %04x, expects %04x", have, v->ku[i]);
		if ((have & v->ku[i]) == v->ku[i])
			break;
	}
	if (v->n_ku && i == v->n_ku)
		return reject_why(c, "VERIFY KU ERROR",
				  "Certificate key usage %04x lacks bits of every --remote-cert-ku value",
				  have);
	msg(D_LOW, "VERIFY KU OK");
	return true;
}

/* --remote-cert-eku: compared as OIDs, whichever way it was written; the
 * lines show both spellings, as 2.6's do. */
static bool check_eku(struct ssl_conn *c, X509 *cert)
{
	const struct ssl_verify *v = &c->ctx->verify;
	EXTENDED_KEY_USAGE *eku;
	char text[128];
	bool found = false;
	int i;

	if (!v->eku)
		return true;
	eku = X509_get_ext_d2i(cert, NID_ext_key_usage, NULL, NULL);
	if (!eku)
		return reject_why(c, "VERIFY EKU ERROR",
				  "Certificate does not have extended key usage extension");
	msg(D_LOW, "Validating certificate extended key usage");
	for (i = 0; !found && i < sk_ASN1_OBJECT_num(eku); i++) {
		ASN1_OBJECT *obj = sk_ASN1_OBJECT_value(eku, i);

		found = OBJ_cmp(obj, v->eku) == 0;
		OBJ_obj2txt(text, sizeof(text), obj, 0);
		msg(D_LOW, "++ Certificate has EKU (str) %s, expects %s", text, v->eku_name);
		if (found)
			break;
		OBJ_obj2txt(text, sizeof(text), obj, 1);
		msg(D_LOW, "++ Certificate has EKU (oid) %s, expects %s", text, v->eku_name);
	}
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
	if (!found) {
		msg(D_LOW, "VERIFY EKU ERROR");
		snprintf(c->verify_error, sizeof(c->verify_error),
			 "VERIFY EKU ERROR: the certificate's extended key usage lacks %s",
			 v->eku_name);
		return false;
	}
	msg(D_LOW, "VERIFY EKU OK");
	return true;
}

static bool check_x509_name(struct ssl_conn *c, const char *subject, const char *cn)
{
	const char *want = c->ctx->verify.x509_name;
	bool ok;

	if (!want)
		return true;
	switch (c->ctx->verify.x509_type) {
	case VERIFY_X509_NAME:
		ok = strcmp(cn, want) == 0;
		break;
	case VERIFY_X509_NAME_PREFIX:
		ok = strncmp(cn, want, strlen(want)) == 0;
		break;
	default:
		ok = strcmp(subject, want) == 0;
		break;
	}
	if (!ok)
		return reject(c, "VERIFY X509NAME ERROR: %s, must be %s", subject, want);
	msg(D_LOW, "VERIFY X509NAME OK: %s", subject);
	return true;
}

/* "6d:de:3b:...", lower case with colons, as 2.6 writes digests and serials. */
static void hex_colons(const unsigned char *d, size_t n, char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < n && used + 4 <= len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%02x", i ? ":" : "", d[i]);
}

/* Whether the certificate's digest is in the --verify-hash or
 * --peer-fingerprint list; its digest goes to buf for the log. */
static bool fp_listed(const struct ssl_verify *v, X509 *cert, char *buf, size_t len)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	int i;

	buf[0] = '\0';
	if (!X509_digest(cert, v->fp_md, d, &n) || n != v->fp_len)
		return false;
	hex_colons(d, n, buf, len);
	for (i = 0; i < v->n_fp; i++)
		if (memcmp(d, v->fp[i], n) == 0)
			return true;
	return false;
}

static bool check_peer_fp(struct ssl_conn *c, X509 *cert, const char *subject)
{
	const struct ssl_verify *v = &c->ctx->verify;
	char hex[EVP_MAX_MD_SIZE * 3];

	if (v->fp_mode == CERT_FP_VERIFY_HASH && !c->ca_hash_ok)
		return reject(c, "VERIFY ERROR: --verify-hash: the chain of %s has no matching certificate at depth 1",
			      subject);
	if (v->fp_mode != CERT_FP_PEER)
		return true;
	if (!fp_listed(v, cert, hex, sizeof(hex)))
		return reject(c, "VERIFY ERROR: --peer-fingerprint: %s has fingerprint %s, which is not listed",
			      subject, hex);
	msg(D_LOW, "VERIFY OK: peer fingerprint %s", hex);
	return true;
}

/* --verify-hash pins the certificate one level above the peer's. */
static bool check_ca_hash(struct ssl_conn *c, X509 *cert, const char *subject)
{
	char hex[EVP_MAX_MD_SIZE * 3];

	if (!fp_listed(&c->ctx->verify, cert, hex, sizeof(hex)))
		return reject(c, "VERIFY ERROR: --verify-hash: depth=1, %s has fingerprint %s, which is not listed",
			      subject, hex);
	c->ca_hash_ok = true;
	msg(D_LOW, "VERIFY OK: depth=1, --verify-hash matched %s", hex);
	return true;
}

/* UTF-8 of an ASN.1 string into buf, control bytes replaced by '_' (they
 * would end up in logs, file names and script environments). */
static bool utf8_field(const ASN1_STRING *s, char *buf, size_t len)
{
	unsigned char *utf8 = NULL;
	int n = ASN1_STRING_to_UTF8(&utf8, s), k;
	bool ok = n > 0 && (size_t)n < len;

	for (k = 0; ok && k < n; k++)
		buf[k] = utf8[k] < 0x20 || utf8[k] == 0x7f ? '_' : (char)utf8[k];
	if (ok)
		buf[n] = '\0';
	OPENSSL_free(utf8);
	return ok;
}

/* ext:subjectAltName / ext:issuerAltName: the last e-mail address. */
static bool alt_name_email(X509 *cert, const char *ext, char *buf, size_t len)
{
	int nid = strcmp(ext, "subjectAltName") == 0 ? NID_subject_alt_name : NID_issuer_alt_name;
	GENERAL_NAMES *names = X509_get_ext_d2i(cert, nid, NULL, NULL);
	const ASN1_IA5STRING *email = NULL;
	bool ok;
	int i;

	for (i = 0; i < sk_GENERAL_NAME_num(names); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);

		if (g->type == GEN_EMAIL)
			email = g->d.rfc822Name;
	}
	ok = email && utf8_field(email, buf, len);
	GENERAL_NAMES_free(names);
	return ok;
}

/* serialNumber means the certificate's serial, "0x" and upper-case hex. */
static bool serial_hex(X509 *cert, char *buf, size_t len)
{
	const ASN1_INTEGER *sn = X509_get0_serialNumber(cert);
	const unsigned char *d = ASN1_STRING_get0_data(sn);
	int i, n = ASN1_STRING_length(sn);
	size_t used = 2;

	if (len < (size_t)n * 2 + 3)
		return false;
	memcpy(buf, "0x", 3);
	for (i = 0; i < n; i++)
		used += (size_t)snprintf(buf + used, len - used, "%02X", d[i]);
	return true;
}

/* A subject attribute; the last one when it occurs more than once. */
static bool subject_field_nid(X509 *cert, int nid, char *buf, size_t len)
{
	X509_NAME *name = X509_get_subject_name(cert);
	int i, last = -1;

	while ((i = X509_NAME_get_index_by_NID(name, nid, last)) >= 0)
		last = i;
	return last >= 0 &&
	       utf8_field(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last)), buf, len);
}

/* --x509-username-field: the fields joined by '_'. */
static bool username_fields(const struct ssl_verify *v, X509 *cert, char *buf, size_t len,
			    const char **missing)
{
	char part[256];
	size_t used = 0;
	int i;
	bool ok;

	buf[0] = '\0';
	for (i = 0; i < v->n_fields; i++) {
		const char *f = v->fields[i];

		if (strncmp(f, "ext:", 4) == 0)
			ok = alt_name_email(cert, f + 4, part, sizeof(part));
		else if (strcmp(f, "serialNumber") == 0)
			ok = serial_hex(cert, part, sizeof(part));
		else
			ok = subject_field_nid(cert, OBJ_txt2nid(f), part, sizeof(part));
		if (!ok || used + strlen(part) + 2 > len) {
			*missing = f;
			return false;
		}
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? "_" : "", part);
	}
	return true;
}

/* Our checks on the peer's own certificate, after OpenSSL accepted the
 * chain. The order and the lines are those of 2.6. */
static bool verify_leaf(struct ssl_conn *c, X509 *cert, const char *subject)
{
	const struct ssl_verify *v = &c->ctx->verify;
	char cn[sizeof(c->peer_cn)], serial[128];
	const char *missing = NULL;

	if (v->n_fields && !username_fields(v, cert, cn, sizeof(cn), &missing))
		return reject(c, "VERIFY ERROR: could not extract %s from the certificate ('%s') for --x509-username-field",
			      missing, subject);
	if (!v->n_fields && !common_name(cert, cn, sizeof(cn)))
		return reject(c, "VERIFY ERROR: could not extract a printable CN from X509 subject string ('%s')",
			      subject);
	if (!check_ku(c, cert) || !check_eku(c, cert) || !check_x509_name(c, subject, cn) ||
	    !check_peer_fp(c, cert, subject))
		return false;
	if (c->ctx->crl && c->ctx->crl_dir) {
		serial_string(cert, serial, sizeof(serial));
		if (crl_dir_revoked(c->ctx, serial))
			return reject(c, "VERIFY CRL: certificate serial number %s is revoked",
				      serial);
	}
	snprintf(c->peer_cn, sizeof(c->peer_cn), "%s", cn);
	snprintf(c->peer_subject, sizeof(c->peer_subject), "%s", subject);
	c->verified = true;
	return true;
}

/* OpenSSL found a problem in the chain. A missing CRL is only a warning,
 * as in 2.6, so that an expired CRL download does not lock everyone out. */
static int verify_chain_error(struct ssl_conn *c, X509_STORE_CTX *store,
			      X509 *cert, int depth, const char *subject)
{
	int err = X509_STORE_CTX_get_error(store);
	char serial[128];

	if (err == X509_V_ERR_UNABLE_TO_GET_CRL) {
		msg_ratelimited(&verify_rl, D_LOW, "VERIFY WARNING: depth=%d, %s",
				depth, X509_verify_cert_error_string(err));
		return 1;
	}
	serial_string(cert, serial, sizeof(serial));
	snprintf(c->verify_error, sizeof(c->verify_error),
		 "VERIFY ERROR: depth=%d, error=%s: %s, serial=%s", depth,
		 X509_verify_cert_error_string(err), subject, serial);
	msg_ratelimited(&verify_rl, D_LOW, "%s", c->verify_error);
	return 0;
}

/* ---- --tls-verify ----------------------------------------------------------- */

static int init_tls_verify(struct ssl_verify *v, const struct options *o)
{
	if (!o->tls_verify)
		return 0;
	v->tls_verify = strdup(o->tls_verify);
	if (!v->tls_verify)
		return -ENOMEM;
	/* the ctx may outlive o (--persist-key): nothing here points into it */
	v->script = (struct script_ctx) { .security = o->script_security,
					  .base = &v->script_env };
	return script_env_from_options(&v->script_env, o);
}

static int cert_env_add(struct env_set *e, const char *prefix, int depth, const char *value)
{
	char key[ENV_NAME_MAX + 1];

	snprintf(key, sizeof(key), "%s_%d", prefix, depth);
	return env_set_add(e, key, value);
}

/* 2.6's variables for the certificate at depth: tls_id_N, tls_serial_N,
 * tls_serial_hex_N, tls_digest_N, tls_digest_sha256_N and X509_N_field. */
/* The extension's value as OpenSSL prints it ("CA:FALSE"). */
static bool ext_text(X509 *cert, int nid, char *buf, size_t len)
{
	int i = X509_get_ext_by_NID(cert, nid, -1);
	BIO *bio;
	int n = 0;

	if (i < 0 || len < 2 || !(bio = BIO_new(BIO_s_mem())))
		return false;
	if (X509V3_EXT_print(bio, X509_get_ext(cert, i), 0, 0) == 1)
		n = BIO_read(bio, buf, (int)(len - 1));
	BIO_free(bio);
	ERR_clear_error();
	buf[n > 0 ? n : 0] = '\0';
	/* some extensions print over several lines */
	for (i = 0; i < n; i++)
		if ((unsigned char)buf[i] < 0x20)
			buf[i] = '_';
	return n > 0;
}

/* --x509-track: only the attributes asked for, from a subject field or
 * else an extension; a certificate without one just lacks the variable. */
static int track_env(const struct ssl_verify *v, struct env_set *e, X509 *cert, int depth)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	char val[1024], key[ENV_NAME_MAX + 1];
	unsigned int n;
	int i, ret = 0;
	bool found;

	for (i = 0; ret == 0 && i < v->n_track; i++) {
		const struct ssl_track *t = &v->track[i];

		if (depth > 0 && !t->chain)
			continue;
		if (t->md) {
			found = X509_digest(cert, t->md, d, &n);
			if (found)
				hex_colons(d, n, val, sizeof(val));
		} else
			found = subject_field_nid(cert, t->nid, val, sizeof(val)) ||
				ext_text(cert, t->nid, val, sizeof(val));
		snprintf(key, sizeof(key), "X509_%d_%s", depth, t->name);
		if (found)
			ret = env_set_add(e, key, val);
	}
	return ret;
}

static int cert_env(const struct ssl_verify *v, struct env_set *e, X509 *cert, int depth,
		    const char *subject)
{
	X509_NAME *name = X509_get_subject_name(cert);
	const ASN1_INTEGER *sn = X509_get0_serialNumber(cert);
	unsigned char d[EVP_MAX_MD_SIZE];
	char val[1024], key[64];
	unsigned int n;
	int i, ret;

	ret = cert_env_add(e, "tls_id", depth, subject);
	serial_string(cert, val, sizeof(val));
	if (ret == 0)
		ret = cert_env_add(e, "tls_serial", depth, val);
	hex_colons(ASN1_STRING_get0_data(sn), (size_t)ASN1_STRING_length(sn), val, sizeof(val));
	if (ret == 0)
		ret = cert_env_add(e, "tls_serial_hex", depth, val);
	if (ret == 0 && X509_digest(cert, EVP_sha1(), d, &n)) {
		hex_colons(d, n, val, sizeof(val));
		ret = cert_env_add(e, "tls_digest", depth, val);
	}
	if (ret == 0 && X509_digest(cert, EVP_sha256(), d, &n)) {
		hex_colons(d, n, val, sizeof(val));
		ret = cert_env_add(e, "tls_digest_sha256", depth, val);
	}
	if (ret == 0 && v->n_track)
		return track_env(v, e, cert, depth);
	for (i = 0; ret == 0 && i < X509_NAME_entry_count(name); i++) {
		X509_NAME_ENTRY *ent = X509_NAME_get_entry(name, i);
		ASN1_OBJECT *obj = X509_NAME_ENTRY_get_object(ent);
		int nid = OBJ_obj2nid(obj);
		unsigned char *utf8 = NULL;
		int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(ent));

		if (nid != NID_undef)
			snprintf(key, sizeof(key), "X509_%d_%s", depth, OBJ_nid2sn(nid));
		else
			OBJ_obj2txt(key + snprintf(key, sizeof(key), "X509_%d_", depth),
				    (int)(sizeof(key) - 8), obj, 1);
		if (len >= 0)
			ret = env_set_add(e, key, (const char *)utf8);
		OPENSSL_free(utf8);
	}
	return ret;
}

/* --tls-verify runs for every certificate of the chain that passed the
 * other checks; a nonzero exit status (or a refusal) fails the handshake. */
static bool tls_verify_script(struct ssl_conn *c, X509 *cert, int depth, const char *subject)
{
	int ret;

	const struct ssl_verify *v = &c->ctx->verify;

	if (!v->tls_verify)
		return true;
	ret = cert_env(v, &c->cert_env, cert, depth, subject);
	if (ret == 0 && depth == 0 && c->peer_cn[0])
		ret = env_set_add(&c->cert_env, "common_name", c->peer_cn);
	if (ret == 0)
		ret = script_tls_verify(&v->script, v->tls_verify, depth, subject,
					&c->cert_env);
	if (ret != 0) {
		c->verified = false;
		return reject(c, "VERIFY SCRIPT ERROR: depth=%d, %s", depth, subject);
	}
	msg(D_LOW, "VERIFY SCRIPT OK: depth=%d, %s", depth, subject);
	return true;
}

/*
 * Chain errors are OpenSSL's verdict, except that with --peer-fingerprint
 * and no CA a self-signed (or unknown-issuer) peer is expected: then only
 * its fingerprint decides, as in 2.6's PKI-less mode.
 */
int ssl_verify_callback(int ok, X509_STORE_CTX *store)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct ssl_conn *c = ssl ? ssl_conn_of(ssl) : NULL;
	X509 *cert = X509_STORE_CTX_get_current_cert(store);
	int depth = X509_STORE_CTX_get_error_depth(store);
	char subject[sizeof(c->peer_subject)];

	if (!c || !cert)
		return 0;
	subject_string(cert, subject, sizeof(subject));
	if (!ok && c->ctx->verify.no_ca) {
		msg(D_LOW, "VERIFY: depth=%d, %s: %s; the peer fingerprint decides", depth,
		    X509_verify_cert_error_string(X509_STORE_CTX_get_error(store)), subject);
		return 1;
	}
	if (!ok)
		return verify_chain_error(c, store, cert, depth, subject);
	if (depth == 1 && c->ctx->verify.fp_mode == CERT_FP_VERIFY_HASH &&
	    !check_ca_hash(c, cert, subject))
		return 0;
	if (depth == 0 && !verify_leaf(c, cert, subject))
		return 0;
	if (!tls_verify_script(c, cert, depth, subject))
		return 0;
	msg(D_LOW, "VERIFY OK: depth=%d, %s", depth, subject);
	return 1;
}

/* OpenSSL calls back for depth 0 last; should a chain ever end without
 * that call, the handshake must not count as verified. */
bool ssl_verify_missed(const struct ssl_conn *c)
{
	return SSL_get0_peer_certificate(c->ssl) && !c->verified;
}

/* --remote-cert-tls is shorthand for a key usage extension and the TLS
 * EKU of the role; explicit --remote-cert-ku/-eku take precedence. */
static int init_usage(struct ssl_verify *v, const struct options *o)
{
	const char *eku = o->remote_cert_eku;

	v->ku_required = o->remote_cert_ku_set || o->remote_cert_tls != REMOTE_CERT_NONE;
	v->n_ku = o->n_remote_cert_ku;
	memcpy(v->ku, o->remote_cert_ku, sizeof(v->ku));
	if (!eku && o->remote_cert_tls != REMOTE_CERT_NONE)
		eku = o->remote_cert_tls == REMOTE_CERT_SERVER ? EKU_SERVER : EKU_CLIENT;
	if (!eku)
		return 0;
	/* long name, short name or dotted OID */
	v->eku = OBJ_txt2obj(eku, 0);
	ERR_clear_error();
	snprintf(v->eku_name, sizeof(v->eku_name), "%s", eku);
	if (!v->eku) {
		msg(M_ERR, "--remote-cert-eku '%s': not an OID (1.3.6.1.5.5.7.3.1) nor a known extended key usage name (serverAuth, \"TLS Web Server Authentication\", ...)",
		    eku);
		return -EINVAL;
	}
	return 0;
}

/* Field names OpenSSL does not know would fail every handshake: say so now. */
static int init_fields(struct ssl_verify *v, const struct options *o)
{
	int i;

	v->n_fields = o->n_username_fields;
	if (!v->n_fields)
		return 0;
	v->fields = calloc((size_t)v->n_fields, sizeof(*v->fields));
	if (!v->fields)
		return -ENOMEM;
	for (i = 0; i < v->n_fields; i++) {
		const char *f = o->username_fields[i];

		if (strncmp(f, "ext:", 4) != 0 && strcmp(f, "serialNumber") != 0 &&
		    OBJ_txt2nid(f) == NID_undef) {
			msg(M_ERR, "--x509-username-field '%s': not a known X.509 subject attribute",
			    f);
			return -EINVAL;
		}
		memcpy(v->fields[i], f, sizeof(v->fields[i]));
	}
	return 0;
}

static int init_track(struct ssl_verify *v, const struct options *o)
{
	int i;

	if (!o->n_track)
		return 0;
	v->track = calloc((size_t)o->n_track, sizeof(*v->track));
	if (!v->track)
		return -ENOMEM;
	v->n_track = o->n_track;
	for (i = 0; i < v->n_track; i++) {
		struct ssl_track *t = &v->track[i];

		memcpy(t->name, o->track[i], sizeof(t->name));
		t->chain = o->track_chain[i];
		if (strcmp(t->name, "SHA1") == 0)
			t->md = EVP_sha1();
		else if (strcmp(t->name, "SHA256") == 0)
			t->md = EVP_sha256();
		else if ((t->nid = OBJ_txt2nid(t->name)) == NID_undef) {
			msg(M_ERR, "--x509-track '%s': not a known X.509 subject field or extension",
			    t->name);
			return -EINVAL;
		}
	}
	return 0;
}

static int init_fingerprints(struct ssl_verify *v, const struct options *o)
{
	v->fp_mode = o->fp_mode;
	v->no_ca = o->fp_mode == CERT_FP_PEER && !option_file_set(&o->ca) && !o->capath;
	if (o->fp_mode == CERT_FP_NONE)
		return 0;
	v->fp_len = o->fp_len;
	v->fp_md = o->fp_len == CERT_FP_SHA1_LEN ? EVP_sha1() : EVP_sha256();
	v->n_fp = o->n_fp;
	v->fp = calloc((size_t)v->n_fp, sizeof(*v->fp));
	if (!v->fp)
		return -ENOMEM;
	memcpy(v->fp, o->fp, sizeof(*v->fp) * (size_t)v->n_fp);
	return 0;
}

int ssl_verify_init(struct ssl_verify *v, const struct options *o, bool server)
{
	int ret;

	/* Any certificate from the CA would do: another client's, too. */
	if (!server && o->remote_cert_tls == REMOTE_CERT_NONE && !o->remote_cert_eku &&
	    !o->verify_x509_name && o->fp_mode != CERT_FP_PEER && !o->tls_verify)
		msg(M_WARN, "WARNING: No server certificate verification method has been enabled: "
		    "any certificate from the CA is accepted as the server; "
		    "use --remote-cert-tls server and/or --verify-x509-name");
	v->x509_type = o->verify_x509_type;
	if (o->verify_x509_name) {
		v->x509_name = strdup(o->verify_x509_name);
		if (!v->x509_name)
			return -ENOMEM;
	}
	ret = init_usage(v, o);
	if (!ret)
		ret = init_fields(v, o);
	if (!ret)
		ret = init_fingerprints(v, o);
	if (!ret)
		ret = init_track(v, o);
	if (!ret)
		ret = init_tls_verify(v, o);
	return ret;
}

void ssl_verify_free(struct ssl_verify *v)
{
	ASN1_OBJECT_free(v->eku);
	free(v->x509_name);
	free(v->fp);
	free(v->fields);
	free(v->track);
	free(v->tls_verify);
	env_set_free(&v->script_env);
	memset(v, 0, sizeof(*v));
}
