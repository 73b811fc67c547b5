/*
 * TLS context and sessions: full handshakes between two in-memory sessions,
 * the exporter, certificate verification and its failure modes. A
 * throwaway PKI is made with the OpenSSL API when the tests start (the
 * daemon's own code only meets OpenSSL in ssl_openssl.c; a test may).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "log.h"
#include "options.h"
#include "ssl_openssl.h"

static char dir[64];

/* ---- a throwaway PKI -------------------------------------------------------- */

struct pki {
	EVP_PKEY *ca_key, *server_key, *client_key, *other_key;
	X509 *ca, *other_ca;
};

static struct pki pki;

static void path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static void add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	assert_non_null(ext);
	assert_int_equal(X509_add_ext(cert, ext, -1), 1);
	X509_EXTENSION_free(ext);
}

struct cert_spec {
	const char *cn;
	bool full_subject;         /* C=KG, O=Org, CN=... */
	long serial;
	const char *ku, *eku;      /* NULL: leave the extension out */
	bool ca;
	const char *email;         /* emailAddress in the subject, and a SAN */
};

static X509 *make_cert(EVP_PKEY *key, const struct cert_spec *s, X509 *issuer,
		       EVP_PKEY *issuer_key)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();

	assert_non_null(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), s->serial);
	if (s->full_subject) {
		X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, (const unsigned char *)"KG", -1, -1, 0);
		X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"Org", -1, -1, 0);
	}
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)s->cn, -1, -1, 0);
	if (s->email)
		X509_NAME_add_entry_by_txt(name, "emailAddress", MBSTRING_ASC,
					   (const unsigned char *)s->email, -1, -1, 0);
	X509_set_subject_name(x, name);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
	X509_NAME_free(name);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, key);
	add_ext(x, issuer ? issuer : x, NID_basic_constraints,
		s->ca ? "critical,CA:TRUE" : "CA:FALSE");
	if (s->ku)
		add_ext(x, issuer ? issuer : x, NID_key_usage, s->ku);
	if (s->eku)
		add_ext(x, issuer ? issuer : x, NID_ext_key_usage, s->eku);
	if (s->email) {
		char san[128];

		snprintf(san, sizeof(san), "email:first@example.org,DNS:x.example.org,email:alt.%s",
			 s->email);
		add_ext(x, issuer ? issuer : x, NID_subject_alt_name, san);
	}
	assert_true(X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()) > 0);
	return x;
}

static void write_pem(const char *name, X509 *cert, EVP_PKEY *key, X509_CRL *crl)
{
	char path[256];
	FILE *f;
	int fd;

	path_of(path, sizeof(path), name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	if (cert)
		assert_int_equal(PEM_write_X509(f, cert), 1);
	if (key)
		assert_int_equal(PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL), 1);
	if (crl)
		assert_int_equal(PEM_write_X509_CRL(f, crl), 1);
	fclose(f);
}

static void write_text(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	path_of(path, sizeof(path), name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, 0600);
}

/* A CRL from the test CA revoking `serial` (0: revoking nothing). */
static void write_crl(const char *name, long serial)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *now = X509_gmtime_adj(NULL, -60), *next = X509_gmtime_adj(NULL, 86400);

	X509_CRL_set_version(crl, 1);
	X509_CRL_set_issuer_name(crl, X509_get_subject_name(pki.ca));
	X509_CRL_set1_lastUpdate(crl, now);
	X509_CRL_set1_nextUpdate(crl, next);
	if (serial) {
		X509_REVOKED *r = X509_REVOKED_new();
		ASN1_INTEGER *s = ASN1_INTEGER_new();

		ASN1_INTEGER_set(s, serial);
		X509_REVOKED_set_serialNumber(r, s);
		X509_REVOKED_set_revocationDate(r, now);
		X509_CRL_add0_revoked(crl, r);
		ASN1_INTEGER_free(s);
	}
	X509_CRL_sort(crl);
	assert_true(X509_CRL_sign(crl, pki.ca_key, EVP_sha256()) > 0);
	write_pem(name, NULL, NULL, crl);
	ASN1_TIME_free(now);
	ASN1_TIME_free(next);
	X509_CRL_free(crl);
}

static void write_dh(void)
{
	EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
	OSSL_PARAM params[] = {
		OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, "ffdhe2048", 0),
		OSSL_PARAM_END,
	};
	EVP_PKEY *dh = NULL;
	char path[256];
	BIO *bio;

	assert_non_null(pctx);
	assert_int_equal(EVP_PKEY_paramgen_init(pctx), 1);
	assert_int_equal(EVP_PKEY_CTX_set_params(pctx, params), 1);
	assert_int_equal(EVP_PKEY_paramgen(pctx, &dh), 1);
	path_of(path, sizeof(path), "dh.pem");
	bio = BIO_new_file(path, "w");
	assert_int_equal(PEM_write_bio_Parameters(bio, dh), 1);
	BIO_free(bio);
	EVP_PKEY_free(dh);
	EVP_PKEY_CTX_free(pctx);
}

static void write_encrypted_key(void)
{
	char path[256];
	FILE *f;

	path_of(path, sizeof(path), "enc.key");
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(PEM_write_PrivateKey(f, pki.client_key, EVP_aes_256_cbc(),
					      (unsigned char *)"pass", 4, NULL, NULL), 1);
	fclose(f);
	chmod(path, 0600);
}

static void make_leaf(const char *file, EVP_PKEY *key, const struct cert_spec *s,
		      X509 *issuer, EVP_PKEY *issuer_key)
{
	X509 *x = make_cert(key, s, issuer, issuer_key);

	write_pem(file, x, NULL, NULL);
	X509_free(x);
}

static int make_pki(void **state)
{
	static const struct cert_spec ca = { "Test CA", false, 1, "critical,keyCertSign,cRLSign", NULL, true };
	static const struct cert_spec other = { "Other CA", false, 1, "critical,keyCertSign,cRLSign", NULL, true };
	static const struct cert_spec server = { "server", true, 2, "digitalSignature,keyEncipherment", "serverAuth", false };
	static const struct cert_spec client = { "client", true, 3, "digitalSignature", "clientAuth", false };
	static const struct cert_spec noku = { "server", true, 4, NULL, "serverAuth", false };
	static const struct cert_spec stranger = { "client", false, 5, "digitalSignature", "clientAuth", false };
	static const struct cert_spec mail = { "client", true, 6, "digitalSignature", "clientAuth", false,
					       "alice@example.org" };
	static const struct cert_spec self_server = { "self-server", false, 7, "digitalSignature", "serverAuth", false };
	static const struct cert_spec self_client = { "self-client", false, 8, "digitalSignature", "clientAuth", false };

	strcpy(dir, "/tmp/test_ssl_openssl_XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	pki.ca_key = EVP_RSA_gen(2048);
	pki.server_key = EVP_RSA_gen(2048);
	pki.client_key = EVP_RSA_gen(2048);
	pki.other_key = EVP_EC_gen("P-256");
	pki.ca = make_cert(pki.ca_key, &ca, NULL, NULL);
	pki.other_ca = make_cert(pki.other_key, &other, NULL, NULL);
	write_pem("ca.crt", pki.ca, NULL, NULL);
	write_pem("server.key", NULL, pki.server_key, NULL);
	write_pem("client.key", NULL, pki.client_key, NULL);
	write_pem("other.key", NULL, pki.other_key, NULL);
	make_leaf("server.crt", pki.server_key, &server, pki.ca, pki.ca_key);
	make_leaf("client.crt", pki.client_key, &client, pki.ca, pki.ca_key);
	make_leaf("noku.crt", pki.server_key, &noku, pki.ca, pki.ca_key);
	make_leaf("stranger.crt", pki.other_key, &stranger, pki.other_ca, pki.other_key);
	make_leaf("mail.crt", pki.client_key, &mail, pki.ca, pki.ca_key);
	make_leaf("self-server.crt", pki.server_key, &self_server, NULL, NULL);
	make_leaf("self-client.crt", pki.client_key, &self_client, NULL, NULL);
	write_crl("crl.pem", 3);
	write_crl("empty-crl.pem", 0);
	write_dh();
	write_encrypted_key();
	write_text("bad.key", "this is not a key\n");
	return 0;
}

static int remove_pki(void **state)
{
	char path[512];
	struct dirent *e;
	DIR *d = opendir(dir);

	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (unlink(path) < 0)
			rmdir(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
	EVP_PKEY_free(pki.ca_key);
	EVP_PKEY_free(pki.server_key);
	EVP_PKEY_free(pki.client_key);
	EVP_PKEY_free(pki.other_key);
	X509_free(pki.ca);
	X509_free(pki.other_ca);
	return 0;
}

/* ---- log capture ---------------------------------------------------------- */

static char log_path[300];

static void log_begin(void)
{
	struct log_config cfg = { .verb = 3, .append = false };

	path_of(log_path, sizeof(log_path), "test.log");
	cfg.file = log_path;
	assert_int_equal(log_configure(&cfg), 0);
}

/* The log so far; the caller frees it. */
static char *log_text(void)
{
	struct log_config cfg = { .verb = 1 };
	char *buf = calloc(1, 65536);
	FILE *f;
	size_t n;

	log_configure(&cfg);
	f = fopen(log_path, "r");
	assert_non_null(f);
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void assert_log_has(const char *log, const char *line)
{
	if (!strstr(log, line))
		fail_msg("log lacks '%s'; log:\n%s", line, log);
}

/* ---- options and sessions ------------------------------------------------- */

/* Finalized options from config text; "@" stands for the PKI directory. */
static void make_options(struct options *o, const char *text)
{
	char conf[4096], *p = conf;
	const char *s;

	for (s = text; *s && p < conf + sizeof(conf) - 80; s++) {
		if (*s == '@')
			p += sprintf(p, "%s", dir);
		else
			*p++ = *s;
	}
	*p = '\0';
	options_init(o);
	if (options_parse_string(o, conf, strlen(conf), "t.conf", OPT_CTX_CMDLINE) != 0 ||
	    options_finalize(o) != 0)
		fail_msg("options rejected: %s", options_last_error());
}

#define SERVER_CONF "dev tun\ntls-server\nca @/ca.crt\ncert @/server.crt\nkey @/server.key\n"
#define CLIENT_BARE "dev tun\ntls-client\nca @/ca.crt\ncert @/client.crt\nkey @/client.key\n"
#define CLIENT_CONF CLIENT_BARE "remote-cert-tls server\n"

struct pair {
	struct options so, co;
	struct ssl_ctx *sctx, *cctx;
	struct ssl_conn *s, *c;
	int sret, cret;
};

static void pair_open(struct pair *p, const char *server_extra, const char *client_extra)
{
	char text[2048];

	snprintf(text, sizeof(text), "%s%s", SERVER_CONF, server_extra);
	make_options(&p->so, text);
	snprintf(text, sizeof(text), "%s%s", CLIENT_CONF, client_extra);
	make_options(&p->co, text);
	assert_int_equal(ssl_ctx_new(&p->so, &p->sctx), 0);
	assert_int_equal(ssl_ctx_new(&p->co, &p->cctx), 0);
	assert_int_equal(ssl_conn_new(p->sctx, &p->s), 0);
	assert_int_equal(ssl_conn_new(p->cctx, &p->c), 0);
}

static void pair_close(struct pair *p)
{
	ssl_conn_free(p->s);
	ssl_conn_free(p->c);
	ssl_ctx_free(p->sctx);
	ssl_ctx_free(p->cctx);
	options_free(&p->so);
	options_free(&p->co);
}

/* Move ciphertext in pieces of `chunk` bytes, advancing the receiver after
 * each, as control packets would arrive. */
static size_t shuttle(struct ssl_conn *from, struct ssl_conn *to, size_t chunk)
{
	uint8_t buf[2048];
	size_t n, moved = 0;

	while ((n = ssl_conn_pull(from, buf, chunk)) > 0) {
		assert_int_equal(ssl_conn_feed(to, buf, n), 0);
		(void)ssl_conn_process(to);
		moved += n;
	}
	return moved;
}

static void handshake(struct pair *p, size_t chunk)
{
	int round;
	size_t moved;

	for (round = 0; round < 200; round++) {
		p->cret = ssl_conn_process(p->c);
		moved = shuttle(p->c, p->s, chunk);
		p->sret = ssl_conn_process(p->s);
		moved += shuttle(p->s, p->c, chunk);
		if (moved == 0 && (p->cret != 0 || p->sret != 0))
			break;
	}
	p->cret = ssl_conn_process(p->c);
	p->sret = ssl_conn_process(p->s);
}

static void assert_same_exports(struct pair *p, uint8_t *keys)
{
	uint8_t a[SSL_EXPORT_DATAKEYS_LEN], b[SSL_EXPORT_DATAKEYS_LEN], zero[256] = { 0 };
	uint8_t ida[3], idb[3];

	assert_int_equal(ssl_conn_export(p->c, SSL_EXPORT_DATAKEYS, a, sizeof(a)), 0);
	assert_int_equal(ssl_conn_export(p->s, SSL_EXPORT_DATAKEYS, b, sizeof(b)), 0);
	assert_memory_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, zero, sizeof(a));
	assert_int_equal(ssl_conn_export(p->c, SSL_EXPORT_P2P_PEERID, ida, 3), 0);
	assert_int_equal(ssl_conn_export(p->s, SSL_EXPORT_P2P_PEERID, idb, 3), 0);
	assert_memory_equal(ida, idb, 3);
	/* a different label gives different bytes */
	assert_memory_not_equal(ida, a, 3);
	if (keys)
		memcpy(keys, a, sizeof(a));
}

/* Plaintext both ways: the client's written before the handshake ends. */
static void exchange_plaintext(struct pair *p)
{
	uint8_t buf[256];
	int n;

	n = ssl_conn_read(p->s, buf, sizeof(buf));
	assert_int_equal(n, 10);
	assert_memory_equal(buf, "key-method", 10);
	assert_int_equal(ssl_conn_write(p->s, (const uint8_t *)"PUSH_REPLY", 11), 0);
	shuttle(p->s, p->c, 100);
	n = ssl_conn_read(p->c, buf, sizeof(buf));
	assert_int_equal(n, 11);
	assert_string_equal((char *)buf, "PUSH_REPLY");
	assert_int_equal(ssl_conn_read(p->c, buf, sizeof(buf)), 0);
}

/* ---- handshakes ------------------------------------------------------------- */

static void test_tls13_handshake(void **state)
{
	struct pair p;
	uint8_t first[256], second[256];
	char desc[512], *log;

	log_begin();
	pair_open(&p, "dh @/dh.pem\nremote-cert-tls client\n",
		  "remote-cert-tls server\nverify-x509-name server name\n");
	assert_null(ssl_conn_peer_cn(p.c));
	/* queued until the handshake completes, as the key method message */
	assert_int_equal(ssl_conn_write(p.c, (const uint8_t *)"key-method", 10), 0);
	handshake(&p, 100);
	assert_int_equal(p.cret, 1);
	assert_int_equal(p.sret, 1);
	assert_true(ssl_conn_established(p.c) && ssl_conn_established(p.s));
	assert_string_equal(ssl_conn_error(p.c), "");
	assert_string_equal(ssl_conn_peer_cn(p.c), "server");
	assert_string_equal(ssl_conn_peer_subject(p.c), "C=KG, O=Org, CN=server");
	assert_string_equal(ssl_conn_peer_cn(p.s), "client");
	assert_same_exports(&p, first);
	exchange_plaintext(&p);

	ssl_conn_describe(p.c, desc, sizeof(desc));
	assert_string_equal(desc, "TLSv1.3, cipher TLSv1.3 TLS_AES_256_GCM_SHA384, peer certificate: 2048 bits RSA, signature: RSA-SHA256, peer temporary key: 253 bits X25519");
	ssl_conn_describe(p.s, desc, sizeof(desc));
	{
		static const char want[] = "TLSv1.3, cipher TLSv1.3 TLS_AES_256_GCM_SHA384, peer certificate: 2048 bits RSA, signature: RSA-SHA256";

		assert_memory_equal(desc, want, sizeof(want) - 1);
	}

	/* every session has its own keys */
	ssl_conn_free(p.s);
	ssl_conn_free(p.c);
	assert_int_equal(ssl_conn_new(p.sctx, &p.s), 0);
	assert_int_equal(ssl_conn_new(p.cctx, &p.c), 0);
	handshake(&p, 1250);
	assert_int_equal(p.cret, 1);
	assert_same_exports(&p, second);
	assert_memory_not_equal(first, second, sizeof(first));
	pair_close(&p);

	log = log_text();
	assert_log_has(log, "Diffie-Hellman initialized with 2048 bit key\n");
	assert_log_has(log, "VERIFY OK: depth=1, CN=Test CA\n");
	assert_log_has(log, "VERIFY KU OK\nValidating certificate extended key usage\n"
		       "++ Certificate has EKU (str) TLS Web Server Authentication, expects TLS Web Server Authentication\n"
		       "VERIFY EKU OK\nVERIFY X509NAME OK: C=KG, O=Org, CN=server\n"
		       "VERIFY OK: depth=0, C=KG, O=Org, CN=server\n");
	assert_log_has(log, "++ Certificate has EKU (str) TLS Web Client Authentication, expects TLS Web Client Authentication\n");
	assert_log_has(log, "VERIFY OK: depth=0, C=KG, O=Org, CN=client\n");
	assert_null(strstr(log, "No server certificate verification"));
	free(log);

	/* a client that would take any certificate from the CA is warned */
	make_options(&p.co, CLIENT_BARE);
	log_begin();
	assert_int_equal(ssl_ctx_new(&p.co, &p.cctx), 0);
	ssl_ctx_free(p.cctx);
	options_free(&p.co);
	log = log_text();
	assert_log_has(log, "WARNING: No server certificate verification method has been enabled");
	free(log);
}

static void test_tls12_handshake(void **state)
{
	struct pair p;
	char desc[512];

	pair_open(&p, "dh none\n", "tls-version-max 1.2\n");
	assert_int_equal(ssl_conn_write(p.c, (const uint8_t *)"key-method", 10), 0);
	handshake(&p, 100);
	assert_int_equal(p.cret, 1);
	assert_int_equal(p.sret, 1);
	assert_same_exports(&p, NULL);
	exchange_plaintext(&p);
	ssl_conn_describe(p.c, desc, sizeof(desc));
	assert_string_equal(desc, "TLSv1.2, cipher TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384, peer certificate: 2048 bits RSA, signature: RSA-SHA256, peer temporary key: 253 bits X25519");
	pair_close(&p);

	/* finite-field DHE from --dh when the client asks for it */
	pair_open(&p, "dh @/dh.pem\n", "tls-version-max 1.2\ntls-cipher DHE-RSA-AES256-GCM-SHA384\n");
	handshake(&p, 300);
	assert_int_equal(p.cret, 1);
	assert_same_exports(&p, NULL);
	ssl_conn_describe(p.c, desc, sizeof(desc));
	assert_string_equal(desc, "TLSv1.2, cipher TLSv1.2 DHE-RSA-AES256-GCM-SHA384, peer certificate: 2048 bits RSA, signature: RSA-SHA256, peer temporary key: 2048 bits DH");
	pair_close(&p);

	/* TLS 1.2 is the floor by default */
	pair_open(&p, "dh none\n", "tls-version-min 1.0\ntls-version-max 1.1\ntls-cert-profile insecure\n");
	handshake(&p, 100);
	assert_true(p.cret < 0 || p.sret < 0);
	pair_close(&p);
}

static void test_one_byte_chunks(void **state)
{
	struct pair p;

	pair_open(&p, "dh none\n", "");
	assert_int_equal(ssl_conn_write(p.c, (const uint8_t *)"key-method", 10), 0);
	handshake(&p, 1);
	assert_int_equal(p.cret, 1);
	assert_int_equal(p.sret, 1);
	assert_same_exports(&p, NULL);
	exchange_plaintext(&p);
	pair_close(&p);
}

static void test_inline_blocks(void **state)
{
	struct options so, co;
	struct ssl_ctx *sctx, *cctx;
	struct ssl_conn *s, *c;
	struct pair p;
	char path[300], text[16384], *t = text;
	static const char *const parts[][2] = {
		{ "ca", "ca.crt" }, { "cert", "server.crt" }, { "key", "server.key" },
		{ "dh", "dh.pem" }, { "crl-verify", "empty-crl.pem" },
	};
	size_t i, n;
	FILE *f;

	t += sprintf(t, "dev tun\ntls-server\n");
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		path_of(path, sizeof(path), parts[i][1]);
		f = fopen(path, "r");
		assert_non_null(f);
		t += sprintf(t, "<%s>\n", parts[i][0]);
		n = fread(t, 1, 4000, f);
		fclose(f);
		t += n;
		t += sprintf(t, "</%s>\n", parts[i][0]);
	}
	options_init(&so);
	assert_int_equal(options_parse_string(&so, text, strlen(text), "inline.conf",
					      OPT_CTX_CMDLINE), 0);
	assert_true(so.key.is_inline && so.ca.is_inline && so.crl_verify.is_inline);
	assert_int_equal(options_finalize(&so), 0);
	make_options(&co, CLIENT_CONF);
	assert_int_equal(ssl_ctx_new(&so, &sctx), 0);
	assert_int_equal(ssl_ctx_new(&co, &cctx), 0);
	assert_int_equal(ssl_conn_new(sctx, &s), 0);
	assert_int_equal(ssl_conn_new(cctx, &c), 0);
	p = (struct pair) { .s = s, .c = c };
	handshake(&p, 200);
	assert_int_equal(p.cret, 1);
	assert_int_equal(p.sret, 1);
	assert_string_equal(ssl_conn_peer_cn(s), "client");
	ssl_conn_free(s);
	ssl_conn_free(c);
	ssl_ctx_free(sctx);
	ssl_ctx_free(cctx);
	options_free(&so);
	options_free(&co);
}

/*
 * 2.6 exports without a context (use_context = 0). In TLS 1.2 that differs
 * from an empty context, so check against a plain OpenSSL peer.
 */
static void test_exporter_no_context(void **state)
{
	static const char label[] = SSL_EXPORT_DATAKEYS;
	uint8_t ours[256], none[256], empty[256], buf[2048];
	struct options so;
	struct ssl_ctx *sctx;
	struct ssl_conn *s;
	SSL_CTX *rctx = SSL_CTX_new(TLS_client_method());
	char path[300];
	SSL *raw;
	BIO *in = BIO_new(BIO_s_mem()), *out = BIO_new(BIO_s_mem());
	int i, n;

	make_options(&so, SERVER_CONF "dh none\n");
	assert_int_equal(ssl_ctx_new(&so, &sctx), 0);
	assert_int_equal(ssl_conn_new(sctx, &s), 0);
	SSL_CTX_set_max_proto_version(rctx, TLS1_2_VERSION);
	path_of(path, sizeof(path), "client.crt");
	assert_int_equal(SSL_CTX_use_certificate_file(rctx, path, SSL_FILETYPE_PEM), 1);
	path_of(path, sizeof(path), "client.key");
	assert_int_equal(SSL_CTX_use_PrivateKey_file(rctx, path, SSL_FILETYPE_PEM), 1);
	raw = SSL_new(rctx);
	BIO_set_mem_eof_return(in, -1);
	SSL_set_bio(raw, in, out);
	SSL_set_connect_state(raw);
	for (i = 0; i < 50 && !(SSL_is_init_finished(raw) && ssl_conn_established(s)); i++) {
		SSL_do_handshake(raw);
		while ((n = BIO_read(out, buf, sizeof(buf))) > 0)
			assert_int_equal(ssl_conn_feed(s, buf, (size_t)n), 0);
		assert_true(ssl_conn_process(s) >= 0);
		while ((n = (int)ssl_conn_pull(s, buf, sizeof(buf))) > 0)
			BIO_write(in, buf, n);
	}
	assert_true(SSL_is_init_finished(raw));
	assert_string_equal(SSL_get_version(raw), "TLSv1.2");
	assert_int_equal(ssl_conn_export(s, label, ours, sizeof(ours)), 0);
	assert_int_equal(SSL_export_keying_material(raw, none, 256, label, strlen(label), NULL, 0, 0), 1);
	assert_int_equal(SSL_export_keying_material(raw, empty, 256, label, strlen(label), NULL, 0, 1), 1);
	assert_memory_equal(ours, none, 256);
	assert_memory_not_equal(ours, empty, 256);
	SSL_free(raw);
	SSL_CTX_free(rctx);
	ssl_conn_free(s);
	ssl_ctx_free(sctx);
	options_free(&so);
}

/* ---- verification failures ------------------------------------------------- */

/* The client rejected the server: the client fails in the handshake and
 * the server learns it from the alert. */
static void expect_client_rejects(struct pair *p, const char *why)
{
	handshake(p, 100);
	assert_true(p->cret < 0);
	assert_false(ssl_conn_established(p->c));
	if (!strstr(ssl_conn_error(p->c), why))
		fail_msg("client error '%s' lacks '%s'", ssl_conn_error(p->c), why);
	assert_non_null(strstr(ssl_conn_error(p->c), "TLS handshake failed: "));
	assert_non_null(strstr(ssl_conn_error(p->c), "certificate verify failed"));
	assert_true(p->sret < 0);
	assert_non_null(strstr(ssl_conn_error(p->s), "alert"));
	assert_null(ssl_conn_peer_cn(p->c));
	assert_int_equal(ssl_conn_export(p->c, SSL_EXPORT_DATAKEYS, (uint8_t[256]){ 0 }, 256),
			 -EAGAIN);
}

static void test_remote_cert_tls_wrong_usage(void **state)
{
	struct pair p;
	char *log;

	log_begin();
	/* the server's certificate is a server's, not a client's */
	pair_open(&p, "dh none\n", "remote-cert-tls client\n");
	expect_client_rejects(&p, "VERIFY EKU ERROR");
	pair_close(&p);
	log = log_text();
	assert_log_has(log, "++ Certificate has EKU (str) TLS Web Server Authentication, expects TLS Web Client Authentication\n"
		       "++ Certificate has EKU (oid) 1.3.6.1.5.5.7.3.1, expects TLS Web Client Authentication\n"
		       "VERIFY EKU ERROR\n");
	assert_null(strstr(log, "VERIFY OK: depth=0"));
	free(log);

	/* no keyUsage extension at all */
	log_begin();
	make_options(&p.so, "dev tun\ntls-server\nca @/ca.crt\ncert @/noku.crt\nkey @/server.key\ndh none\n");
	make_options(&p.co, CLIENT_CONF "remote-cert-tls server\n");
	assert_int_equal(ssl_ctx_new(&p.so, &p.sctx), 0);
	assert_int_equal(ssl_ctx_new(&p.co, &p.cctx), 0);
	assert_int_equal(ssl_conn_new(p.sctx, &p.s), 0);
	assert_int_equal(ssl_conn_new(p.cctx, &p.c), 0);
	expect_client_rejects(&p, "VERIFY KU ERROR");
	pair_close(&p);
	log = log_text();
	assert_log_has(log, "Certificate does not have key usage extension\nVERIFY KU ERROR\n");
	free(log);

	/* the server checks clients the same way */
	pair_open(&p, "dh none\nremote-cert-tls server\n", "");
	handshake(&p, 100);
	assert_true(p.sret < 0);
	assert_non_null(strstr(ssl_conn_error(p.s), "VERIFY EKU ERROR"));
	/* a TLS 1.3 client hears of it only after its own handshake */
	assert_true(ssl_conn_read(p.c, (uint8_t[64]){ 0 }, 64) < 0);
	assert_non_null(strstr(ssl_conn_error(p.c), "TLS read failed: "));
	pair_close(&p);
}

static void test_verify_x509_name(void **state)
{
	static const struct { const char *opt; bool ok; } cases[] = {
		{ "verify-x509-name server name\n", true },
		{ "verify-x509-name serverX name\n", false },
		{ "verify-x509-name serv name-prefix\n", true },
		{ "verify-x509-name erver name-prefix\n", false },
		{ "verify-x509-name \"C=KG, O=Org, CN=server\"\n", true },
		{ "verify-x509-name \"C=KG, O=Org, CN=server\" subject\n", true },
		{ "verify-x509-name \"O=Org, CN=server\"\n", false },
		{ "verify-x509-name server\n", false },
	};
	struct pair p;
	size_t i;
	char *log;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pair_open(&p, "dh none\n", cases[i].opt);
		if (cases[i].ok) {
			handshake(&p, 100);
			if (p.cret != 1)
				fail_msg("'%s' failed: %s", cases[i].opt, ssl_conn_error(p.c));
		} else {
			expect_client_rejects(&p, "VERIFY X509NAME ERROR: C=KG, O=Org, CN=server, must be ");
		}
		pair_close(&p);
	}
	log_begin();
	pair_open(&p, "dh none\n", "verify-x509-name serverX name\n");
	expect_client_rejects(&p, "VERIFY X509NAME ERROR: C=KG, O=Org, CN=server, must be serverX");
	pair_close(&p);
	log = log_text();
	assert_log_has(log, "VERIFY OK: depth=1, CN=Test CA\nVERIFY KU OK\n");
	assert_log_has(log, "VERIFY EKU OK\nVERIFY X509NAME ERROR: C=KG, O=Org, CN=server, must be serverX\n");
	assert_null(strstr(log, "VERIFY OK: depth=0"));
	free(log);
}

/* The server rejects the client: the client's TLS 1.3 handshake is done
 * by then, and the alert surfaces when it reads. */
static void expect_server_rejects(struct pair *p, const char *why)
{
	uint8_t buf[64];

	handshake(p, 100);
	assert_true(p->sret < 0);
	if (!strstr(ssl_conn_error(p->s), why))
		fail_msg("server error '%s' lacks '%s'", ssl_conn_error(p->s), why);
	assert_null(ssl_conn_peer_cn(p->s));
	assert_true(ssl_conn_read(p->c, buf, sizeof(buf)) < 0);
	assert_false(ssl_conn_established(p->c));
}

static void test_crl(void **state)
{
	char path[300], from[300], *log;
	struct pair p;

	log_begin();
	pair_open(&p, "dh none\ncrl-verify @/crl.pem\n", "");
	expect_server_rejects(&p, "VERIFY ERROR: depth=0, error=certificate revoked: C=KG, O=Org, CN=client, serial=3");
	assert_non_null(strstr(ssl_conn_error(p.c), "alert certificate revoked"));
	pair_close(&p);
	log = log_text();
	assert_log_has(log, "CRL: loaded 1 CRLs from --crl-verify '");
	assert_log_has(log, "VERIFY ERROR: depth=0, error=certificate revoked: C=KG, O=Org, CN=client, serial=3\n");
	free(log);

	/* a CRL that revokes someone else lets the client in; replacing the
	 * file takes effect for the next session */
	path_of(path, sizeof(path), "live-crl.pem");
	path_of(from, sizeof(from), "empty-crl.pem");
	assert_int_equal(link(from, path), 0);
	pair_open(&p, "dh none\ncrl-verify @/live-crl.pem\n", "");
	handshake(&p, 100);
	assert_int_equal(p.sret, 1);
	ssl_conn_free(p.s);
	ssl_conn_free(p.c);
	unlink(path);
	path_of(from, sizeof(from), "crl.pem");
	assert_int_equal(link(from, path), 0);
	assert_int_equal(ssl_conn_new(p.sctx, &p.s), 0);
	assert_int_equal(ssl_conn_new(p.cctx, &p.c), 0);
	expect_server_rejects(&p, "certificate revoked");
	pair_close(&p);
}

static void test_crl_dir(void **state)
{
	char path[300];
	struct pair p;

	path_of(path, sizeof(path), "crl.d");
	assert_int_equal(mkdir(path, 0700), 0);
	pair_open(&p, "dh none\ncrl-verify @/crl.d dir\n", "");
	handshake(&p, 100);
	assert_int_equal(p.sret, 1);
	ssl_conn_free(p.s);
	ssl_conn_free(p.c);
	write_text("crl.d/3", "");
	assert_int_equal(ssl_conn_new(p.sctx, &p.s), 0);
	assert_int_equal(ssl_conn_new(p.cctx, &p.c), 0);
	expect_server_rejects(&p, "VERIFY CRL: certificate serial number 3 is revoked");
	pair_close(&p);
	path_of(path, sizeof(path), "crl.d/3");
	unlink(path);
	path_of(path, sizeof(path), "crl.d");
	rmdir(path);
}

static void test_unknown_ca(void **state)
{
	struct pair p;

	make_options(&p.so, SERVER_CONF "dh none\n");
	make_options(&p.co, "dev tun\ntls-client\nca @/ca.crt\ncert @/stranger.crt\nkey @/other.key\n"
		     "remote-cert-tls server\n");
	assert_int_equal(ssl_ctx_new(&p.so, &p.sctx), 0);
	assert_int_equal(ssl_ctx_new(&p.co, &p.cctx), 0);
	assert_int_equal(ssl_conn_new(p.sctx, &p.s), 0);
	assert_int_equal(ssl_conn_new(p.cctx, &p.c), 0);
	expect_server_rejects(&p, "VERIFY ERROR: depth=0, error=unable to get local issuer certificate: CN=client, serial=5");
	pair_close(&p);
}

/* ---- context errors --------------------------------------------------------- */

#define NO_VERIFY_WARNING "WARNING: No server certificate verification"

static void expect_ctx_error(const char *conf, const char *want)
{
	struct options o;
	struct ssl_ctx *ctx = (struct ssl_ctx *)1;
	char *log, *p;

	make_options(&o, conf);
	log_begin();
	assert_int_equal(ssl_ctx_new(&o, &ctx), -EINVAL);
	assert_null(ctx);
	log = log_text();
	assert_log_has(log, want);
	/* one line, not a dump of the OpenSSL error queue (after the warning
	 * a client without server verification gets) */
	p = log;
	if (strncmp(p, NO_VERIFY_WARNING, strlen(NO_VERIFY_WARNING)) == 0)
		p = strchr(p, '\n') + 1;
	if (!strchr(p, '\n') || strchr(strchr(p, '\n') + 1, '\n'))
		fail_msg("not one line:\n%s", log);
	free(log);
	options_free(&o);
}

static void test_bad_files(void **state)
{
	char want[512];

	snprintf(want, sizeof(want), "Cannot load private key from --key '%s/bad.key': OpenSSL: error:", dir);
	expect_ctx_error("dev tun\ntls-client\nca @/ca.crt\ncert @/client.crt\nkey @/bad.key\n", want);
	snprintf(want, sizeof(want), "Private key from --key '%s/server.key' does not belong to the certificate from --cert: OpenSSL: error:", dir);
	expect_ctx_error("dev tun\ntls-client\nca @/ca.crt\ncert @/client.crt\nkey @/server.key\n", want);
	expect_ctx_error("dev tun\ntls-client\nca @/ca.crt\ncert @/client.crt\nkey @/enc.key\n",
			 "enc.key': it is encrypted; give the password with --askpass FILE\n");
	expect_ctx_error("dev tun\ntls-client\nca @/bad.key\ncert @/client.crt\nkey @/client.key\n",
			 "Cannot load CA certificates from --ca '");
	expect_ctx_error("dev tun\ntls-client\nca @/ca.crt\ncert @/client.key\nkey @/client.key\n",
			 "Cannot load certificate from --cert '");
	expect_ctx_error(SERVER_CONF "dh @/ca.crt\n", "Cannot load DH parameters from --dh '");
	expect_ctx_error(SERVER_CONF "dh none\ncrl-verify @/ca.crt\n", "CRL: cannot read a CRL from --crl-verify '");
	expect_ctx_error(CLIENT_CONF "tls-cipher NO-SUCH-CIPHER\n", "Cannot use --tls-cipher 'NO-SUCH-CIPHER': OpenSSL: error:");
	expect_ctx_error(CLIENT_CONF "tls-groups nosuchgroup\n", "Cannot use --tls-groups 'nosuchgroup'");
}

/* --askpass FILE: the first line decrypts the key; a wrong one is named. */
static void test_askpass(void **state)
{
	struct options o;
	struct ssl_ctx *ctx = NULL;

	write_text("pass.txt", "pass\nignored second line\n");
	write_text("wrong.txt", "nope\n");
	make_options(&o, "dev tun\ntls-client\nca @/ca.crt\ncert @/client.crt\n"
		     "key @/enc.key\naskpass @/pass.txt\n");
	assert_int_equal(ssl_ctx_new(&o, &ctx), 0);
	assert_non_null(ctx);
	ssl_ctx_free(ctx);
	options_free(&o);
	expect_ctx_error("dev tun\ntls-client\nca @/ca.crt\ncert @/client.crt\n"
			 "key @/enc.key\naskpass @/wrong.txt\n",
			 "Cannot decrypt private key from --key '");
	expect_ctx_error("dev tun\ntls-client\nca @/ca.crt\ncert @/client.crt\n"
			 "key @/enc.key\naskpass @/missing.txt\n",
			 "--askpass: cannot open ");
}

static void test_groups_and_suites(void **state)
{
	struct pair p;
	char desc[512];

	/* the mbed TLS curve name is accepted */
	pair_open(&p, "dh none\n", "tls-groups secp256r1\ntls-ciphersuites TLS_AES_128_GCM_SHA256\n");
	handshake(&p, 100);
	assert_int_equal(p.cret, 1);
	ssl_conn_describe(p.c, desc, sizeof(desc));
	assert_string_equal(desc, "TLSv1.3, cipher TLSv1.3 TLS_AES_128_GCM_SHA256, peer certificate: 2048 bits RSA, signature: RSA-SHA256, peer temporary key: 256 bits EC, curve prime256v1");
	pair_close(&p);
}

/* ---- key usage, fingerprints, usernames, curves ---------------------------- */

/* The server's certificate has digitalSignature and keyEncipherment (a0). */
static void test_remote_cert_ku_eku(void **state)
{
	static const struct { const char *opt; const char *why; } cases[] = {
		{ "remote-cert-ku\n", NULL },
		{ "remote-cert-ku a0\n", NULL },
		{ "remote-cert-ku 80\n", NULL },
		{ "remote-cert-ku 08 a0\n", NULL },
		{ "remote-cert-ku 08\n", "VERIFY KU ERROR: Certificate key usage 00a0 lacks bits" },
		{ "remote-cert-ku e0\n", "VERIFY KU ERROR" },
		{ "remote-cert-eku serverAuth\n", NULL },
		{ "remote-cert-eku 1.3.6.1.5.5.7.3.1\n", NULL },
		{ "remote-cert-eku \"TLS Web Server Authentication\"\n", NULL },
		{ "remote-cert-eku clientAuth\n", "VERIFY EKU ERROR: the certificate's extended key usage lacks clientAuth" },
		{ "remote-cert-eku 1.3.6.1.5.5.7.3.4\n", "VERIFY EKU ERROR" },
	};
	struct pair p;
	size_t i;
	char *log;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pair_open(&p, "dh none\n", cases[i].opt);
		if (!cases[i].why) {
			handshake(&p, 100);
			if (p.cret != 1)
				fail_msg("'%s' failed: %s", cases[i].opt, ssl_conn_error(p.c));
		} else {
			expect_client_rejects(&p, cases[i].why);
		}
		pair_close(&p);
	}
	log_begin();
	pair_open(&p, "dh none\n", "remote-cert-ku 08\n");
	expect_client_rejects(&p, "VERIFY KU ERROR");
	pair_close(&p);
	log = log_text();
	assert_log_has(log, "++ Certificate has key usage  00a0, expects 0008\n"
		       "Certificate key usage 00a0 lacks bits of every --remote-cert-ku value\n"
		       "VERIFY KU ERROR\n");
	free(log);
	expect_ctx_error(CLIENT_CONF "remote-cert-eku nosuchUsage\n",
			 "--remote-cert-eku 'nosuchUsage': not an OID");
}

/* The certificate's digest as "AB:CD:...". */
static void fp_text(const char *file, const EVP_MD *md, char *out, size_t len)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n, i;
	size_t used = 0;
	char path[300];
	X509 *x;
	FILE *f;

	path_of(path, sizeof(path), file);
	f = fopen(path, "r");
	assert_non_null(f);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(x);
	assert_int_equal(X509_digest(x, md, d, &n), 1);
	X509_free(x);
	for (i = 0; i < n && used + 4 < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%02X", i ? ":" : "", d[i]);
}

#define SELF_SERVER "dev tun\ntls-server\ncert @/self-server.crt\nkey @/server.key\ndh none\n"
#define SELF_CLIENT "dev tun\ntls-client\ncert @/self-client.crt\nkey @/client.key\n"

/* PKI-less: self-signed on both sides, no --ca, fingerprints decide. */
static void test_peer_fingerprint(void **state)
{
	char sfp[128], cfp[128], other[128], conf[1024];
	struct pair p;

	fp_text("self-server.crt", EVP_sha256(), sfp, sizeof(sfp));
	fp_text("self-client.crt", EVP_sha256(), cfp, sizeof(cfp));
	fp_text("server.crt", EVP_sha256(), other, sizeof(other));
	snprintf(conf, sizeof(conf), SELF_SERVER "<peer-fingerprint>\n%s\n%s\n</peer-fingerprint>\n",
		 other, cfp);
	make_options(&p.so, conf);
	snprintf(conf, sizeof(conf), SELF_CLIENT "peer-fingerprint %s\n", sfp);
	make_options(&p.co, conf);
	assert_int_equal(ssl_ctx_new(&p.so, &p.sctx), 0);
	assert_int_equal(ssl_ctx_new(&p.co, &p.cctx), 0);
	assert_int_equal(ssl_conn_new(p.sctx, &p.s), 0);
	assert_int_equal(ssl_conn_new(p.cctx, &p.c), 0);
	handshake(&p, 100);
	if (p.cret != 1 || p.sret != 1)
		fail_msg("handshake failed: %s / %s", ssl_conn_error(p.c), ssl_conn_error(p.s));
	assert_string_equal(ssl_conn_peer_cn(p.s), "self-client");
	assert_string_equal(ssl_conn_peer_cn(p.c), "self-server");
	pair_close(&p);

	/* the client pins another certificate */
	snprintf(conf, sizeof(conf), SELF_SERVER "peer-fingerprint %s\n", cfp);
	options_free(&p.so);
	make_options(&p.so, conf);
	snprintf(conf, sizeof(conf), SELF_CLIENT "peer-fingerprint %s\n", other);
	make_options(&p.co, conf);
	assert_int_equal(ssl_ctx_new(&p.so, &p.sctx), 0);
	assert_int_equal(ssl_ctx_new(&p.co, &p.cctx), 0);
	assert_int_equal(ssl_conn_new(p.sctx, &p.s), 0);
	assert_int_equal(ssl_conn_new(p.cctx, &p.c), 0);
	expect_client_rejects(&p, "VERIFY ERROR: --peer-fingerprint: CN=self-server has fingerprint");
	pair_close(&p);

	/* with a CA both must hold: the CA-signed server and its fingerprint */
	snprintf(conf, sizeof(conf), "peer-fingerprint %s\n", other);
	pair_open(&p, "dh none\n", conf);
	handshake(&p, 100);
	assert_int_equal(p.cret, 1);
	pair_close(&p);
	snprintf(conf, sizeof(conf), "peer-fingerprint %s\n", sfp);
	pair_open(&p, "dh none\n", conf);
	expect_client_rejects(&p, "--peer-fingerprint");
	pair_close(&p);
}

static void test_verify_hash(void **state)
{
	char sha1[128], sha256[128], wrong[128], conf[512];
	struct pair p;

	fp_text("ca.crt", EVP_sha1(), sha1, sizeof(sha1));
	fp_text("ca.crt", EVP_sha256(), sha256, sizeof(sha256));
	fp_text("server.crt", EVP_sha1(), wrong, sizeof(wrong));
	snprintf(conf, sizeof(conf), "verify-hash %s\n", sha1);
	pair_open(&p, "dh none\n", conf);
	handshake(&p, 100);
	assert_int_equal(p.cret, 1);
	pair_close(&p);
	snprintf(conf, sizeof(conf), "<verify-hash>\n%s\n</verify-hash>\n", sha256);
	pair_open(&p, "dh none\n", conf);
	handshake(&p, 100);
	assert_int_equal(p.cret, 1);
	pair_close(&p);
	snprintf(conf, sizeof(conf), "verify-hash %s SHA1\n", wrong);
	pair_open(&p, "dh none\n", conf);
	expect_client_rejects(&p, "VERIFY ERROR: --verify-hash: depth=1, CN=Test CA has fingerprint");
	pair_close(&p);
}

static void test_username_field(void **state)
{
	static const struct { const char *opt, *name; } cases[] = {
		{ "x509-username-field emailAddress\n", "alice@example.org" },
		{ "x509-username-field ext:subjectAltName\n", "alt.alice@example.org" },
		{ "x509-username-field CN serialNumber\n", "client_0x06" },
		{ "x509-username-field cn o\n", "client_Org" },
		{ "x509-username-field emailAddress\nverify-x509-name alice name-prefix\n",
		  "alice@example.org" },
	};
	char conf[512];
	struct pair p;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(conf, sizeof(conf), SERVER_CONF "dh none\n%s", cases[i].opt);
		make_options(&p.so, conf);
		make_options(&p.co, CLIENT_BARE "cert @/mail.crt\n");
		assert_int_equal(ssl_ctx_new(&p.so, &p.sctx), 0);
		assert_int_equal(ssl_ctx_new(&p.co, &p.cctx), 0);
		assert_int_equal(ssl_conn_new(p.sctx, &p.s), 0);
		assert_int_equal(ssl_conn_new(p.cctx, &p.c), 0);
		handshake(&p, 100);
		if (p.sret != 1)
			fail_msg("'%s' failed: %s", cases[i].opt, ssl_conn_error(p.s));
		assert_string_equal(ssl_conn_peer_cn(p.s), cases[i].name);
		pair_close(&p);
	}
	/* a certificate without the field is refused */
	pair_open(&p, "dh none\nx509-username-field emailAddress\n", "");
	expect_server_rejects(&p, "VERIFY ERROR: could not extract emailAddress from the certificate");
	pair_close(&p);
	expect_ctx_error(SERVER_CONF "dh none\nx509-username-field noSuchAttribute\n",
			 "--x509-username-field 'noSuchAttribute': not a known X.509 subject attribute");
}

static void test_ecdh_curve(void **state)
{
	struct pair p;
	char desc[512];

	pair_open(&p, "dh none\necdh-curve secp384r1\n", "");
	handshake(&p, 100);
	assert_int_equal(p.cret, 1);
	ssl_conn_describe(p.c, desc, sizeof(desc));
	assert_non_null(strstr(desc, "peer temporary key: 384 bits EC, curve secp384r1"));
	pair_close(&p);
	/* it forces the group even when --tls-groups says otherwise */
	pair_open(&p, "dh none\n", "tls-groups X25519:secp521r1\necdh-curve secp521r1\n");
	handshake(&p, 100);
	assert_int_equal(p.cret, 1);
	ssl_conn_describe(p.c, desc, sizeof(desc));
	assert_non_null(strstr(desc, "curve secp521r1"));
	pair_close(&p);
	expect_ctx_error(CLIENT_CONF "ecdh-curve bogus\n",
			 "Cannot use --ecdh-curve 'bogus' (unknown curve or group name?)");
}

/* ---- misc ------------------------------------------------------------------- */

static void test_write_limits(void **state)
{
	static uint8_t big[SSL_CONN_QUEUE_MAX + 1];
	uint8_t out[16];
	struct pair p;

	pair_open(&p, "dh none\n", "");
	assert_int_equal(ssl_conn_write(p.c, big, sizeof(big)), -ENOBUFS);
	assert_int_equal(ssl_conn_write(p.c, big, SSL_CONN_QUEUE_MAX), 0);
	assert_int_equal(ssl_conn_write(p.c, big, 1), -ENOBUFS);
	assert_int_equal(ssl_conn_export(p.c, SSL_EXPORT_DATAKEYS, out, sizeof(out)), -EAGAIN);
	/* nothing to read before the handshake */
	assert_int_equal(ssl_conn_read(p.s, out, sizeof(out)), 0);
	assert_int_equal(ssl_conn_pending(p.c), 0);
	assert_int_equal(ssl_conn_process(p.c), 0);
	assert_true(ssl_conn_pending(p.c) > 100);	/* the ClientHello */
	handshake(&p, 500);
	assert_int_equal(p.sret, 1);
	/* the whole queue arrives */
	{
		size_t total = 0;
		int n;
		uint8_t buf[4096];

		while ((n = ssl_conn_read(p.s, buf, sizeof(buf))) > 0)
			total += (size_t)n;
		assert_int_equal(total, SSL_CONN_QUEUE_MAX);
	}
	pair_close(&p);
}

/* Garbage instead of a ClientHello fails the server with one line. */
static void test_garbage_input(void **state)
{
	struct pair p;
	static const uint8_t junk[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

	pair_open(&p, "dh none\n", "");
	assert_int_equal(ssl_conn_feed(p.s, junk, sizeof(junk)), 0);
	assert_true(ssl_conn_process(p.s) < 0);
	assert_non_null(strstr(ssl_conn_error(p.s), "TLS handshake failed: OpenSSL: error:"));
	assert_null(strchr(ssl_conn_error(p.s), '\n'));
	/* stays failed */
	assert_true(ssl_conn_process(p.s) < 0);
	assert_true(ssl_conn_write(p.s, junk, 3) < 0);
	pair_close(&p);
}

static void test_rand_bytes(void **state)
{
	uint8_t a[32], b[32];

	assert_int_equal(ssl_rand_bytes(a, sizeof(a)), 0);
	assert_int_equal(ssl_rand_bytes(b, sizeof(b)), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_int_equal(ssl_rand_bytes(a, 0), 0);
	assert_non_null(strstr(ssl_library_version(), "OpenSSL 3"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tls13_handshake),
		cmocka_unit_test(test_tls12_handshake),
		cmocka_unit_test(test_one_byte_chunks),
		cmocka_unit_test(test_inline_blocks),
		cmocka_unit_test(test_exporter_no_context),
		cmocka_unit_test(test_remote_cert_tls_wrong_usage),
		cmocka_unit_test(test_verify_x509_name),
		cmocka_unit_test(test_crl),
		cmocka_unit_test(test_crl_dir),
		cmocka_unit_test(test_unknown_ca),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_askpass),
		cmocka_unit_test(test_groups_and_suites),
		cmocka_unit_test(test_remote_cert_ku_eku),
		cmocka_unit_test(test_peer_fingerprint),
		cmocka_unit_test(test_verify_hash),
		cmocka_unit_test(test_username_field),
		cmocka_unit_test(test_ecdh_curve),
		cmocka_unit_test(test_write_limits),
		cmocka_unit_test(test_garbage_input),
		cmocka_unit_test(test_rand_bytes),
	};

	return cmocka_run_group_tests(tests, make_pki, remove_pki);
}
