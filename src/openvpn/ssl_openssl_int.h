/*
 * Shared between ssl_openssl.c (contexts and sessions) and ssl_verify.c
 * (the peer certificate checks); nothing else includes it.
 */
#ifndef SSL_OPENSSL_INT_H
#define SSL_OPENSSL_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "options.h"
#include "script.h"

/* One --x509-track attribute: a digest, or a subject field or extension. */
struct ssl_track {
	char name[CERT_FIELD_LEN]; /* as written: X509_<depth>_<name> */
	const EVP_MD *md;          /* SHA1 or SHA256, else NULL */
	int nid;
	bool chain;                /* every depth, not only 0 */
};

/* The rules for the peer's certificate, resolved from the options once. */
struct ssl_verify {
	bool ku_required;          /* a keyUsage extension must be present */
	int n_ku;                  /* and, if n_ku > 0, hold one of these */
	uint16_t ku[CERT_KU_MAX];
	ASN1_OBJECT *eku;          /* required extended key usage, or NULL */
	char eku_name[128];        /* as the options wrote it */
	enum verify_x509_type x509_type;
	char *x509_name;
	enum cert_fp_mode fp_mode;
	bool no_ca;                /* --peer-fingerprint replaces the CA */
	const EVP_MD *fp_md;
	size_t fp_len;
	int n_fp;
	uint8_t (*fp)[CERT_FP_SHA256_LEN];
	int n_fields;              /* 0: the username is the common name */
	char (*fields)[CERT_FIELD_LEN];
	int n_track;               /* 0: every subject field goes to scripts */
	struct ssl_track *track;
	char *tls_verify;          /* --tls-verify command */
	struct script_ctx script;
	struct env_set script_env; /* the daemon-wide script variables */
};

struct ssl_ctx {
	SSL_CTX *ctx;
	bool server;
	struct ssl_verify verify;
	char *crl;                 /* file, directory or inline text */
	bool crl_inline;
	bool crl_dir;
	struct timespec crl_mtime; /* of the CRL file last loaded */
	off_t crl_size;
};

struct ssl_conn {
	struct ssl_ctx *ctx;
	SSL *ssl;
	BIO *rbio;                 /* ciphertext in: owned by ssl */
	BIO *wbio;                 /* ciphertext out: owned by ssl */
	bool established;
	bool failed;
	uint8_t *queue;            /* plaintext written before the handshake */
	size_t queue_len;
	bool verified;
	bool ca_hash_ok;           /* --verify-hash matched at depth 1 */
	char peer_cn[256];         /* the username: CN or --x509-username-field */
	char peer_subject[1024];
	char verify_error[1024];   /* why we rejected the peer certificate */
	char error[2048];
	struct env_set cert_env;   /* --tls-verify: the chain's variables so far */
};

/* The session an SSL belongs to (the verify callback starts from it). */
struct ssl_conn *ssl_conn_of(SSL *ssl);

/* ssl_verify.c: fill v from the options, logging any problem at M_ERR.
 * Returns 0, -EINVAL or -ENOMEM; ssl_verify_free() in any case. */
int ssl_verify_init(struct ssl_verify *v, const struct options *o, bool server);
void ssl_verify_free(struct ssl_verify *v);
/* The callback for SSL_CTX_set_verify(). */
int ssl_verify_callback(int ok, X509_STORE_CTX *store);
/* After the handshake: a peer certificate the checks never accepted. */
bool ssl_verify_missed(const struct ssl_conn *c);

#endif
