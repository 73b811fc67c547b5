/*
 * OpenSSL specifics. The only daemon file (with crypto.c) that includes
 * OpenSSL; no OpenSSL type crosses this header.
 *
 * An ssl_ctx is built once from the options: certificates, CA, DH, TLS
 * versions and lists, and the peer verification rules (remote-cert-tls,
 * verify-x509-name, crl-verify). An ssl_conn is one TLS session, i.e. one
 * key state; OpenVPN never resumes or renegotiates TLS, every key-id gets
 * a new one. It is driven only through memory: the caller feeds it the
 * ciphertext that arrived in control packets, pulls the ciphertext to send
 * in chunks of its choosing, and writes and reads plaintext.
 */
#ifndef SSL_OPENSSL_H
#define SSL_OPENSSL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

struct options;
struct ssl_ctx;
struct ssl_conn;

/* Exporter labels (RFC 5705, used without context) and their lengths. */
#define SSL_EXPORT_DATAKEYS "EXPORTER-OpenVPN-datakeys"
#define SSL_EXPORT_DATAKEYS_LEN 256
#define SSL_EXPORT_P2P_PEERID "EXPORTER-OpenVPN-p2p-peerid"
#define SSL_EXPORT_P2P_PEERID_LEN 3

/* Plaintext written before the handshake completes waits in the session;
 * this bounds it (the key method message and a few control messages). */
#define SSL_CONN_QUEUE_MAX 8192

/* "OpenSSL 3.0.x dd Mon yyyy", from the library actually loaded. */
const char *ssl_library_version(void);

/* Cryptographically strong random bytes (key method randoms, session
 * ids). Returns 0 or -EIO. */
int ssl_rand_bytes(void *out, size_t len);

/*
 * Build the TLS context for the TLS role the finalized options select.
 * Problems (file names and the OpenSSL reason) are logged once at M_ERR.
 * Returns 0, -EINVAL or -ENOMEM.
 */
int ssl_ctx_new(const struct options *o, struct ssl_ctx **out);
void ssl_ctx_free(struct ssl_ctx *ctx);

/* --show-tls: the suites the TLS options allow, in order. 0 or -EINVAL. */
int ssl_show_tls(const struct options *o, FILE *out);

/* A new session; also picks up a changed --crl-verify file, as 2.6 reads
 * the CRL again for each new connection. Returns 0 or -ENOMEM. */
int ssl_conn_new(struct ssl_ctx *ctx, struct ssl_conn **out);
void ssl_conn_free(struct ssl_conn *c);

/* Ciphertext received from the peer, in any split. Returns 0 or -ENOMEM. */
int ssl_conn_feed(struct ssl_conn *c, const uint8_t *data, size_t len);

/*
 * Advance the handshake with what was fed, and send queued plaintext once
 * it is done. Returns 1 when established, 0 while in progress, a negative
 * errno when the session failed (ssl_conn_error() says why). A TLS client
 * calls it once on a new session to produce its ClientHello.
 */
int ssl_conn_process(struct ssl_conn *c);
bool ssl_conn_established(const struct ssl_conn *c);

/* Ciphertext waiting to be sent, and taking up to `len` bytes of it. */
size_t ssl_conn_pending(const struct ssl_conn *c);
size_t ssl_conn_pull(struct ssl_conn *c, uint8_t *out, size_t len);

/* Plaintext to the peer; queued until the handshake completes. Returns 0,
 * -ENOBUFS when the queue bound would be passed, or -EPROTO. */
int ssl_conn_write(struct ssl_conn *c, const uint8_t *data, size_t len);
/* Plaintext from the peer: bytes read, 0 when none is ready, or a
 * negative errno (-ECONNRESET when the peer closed the session). */
int ssl_conn_read(struct ssl_conn *c, uint8_t *out, size_t len);

/* One line saying why the session failed, "" while it has not. */
const char *ssl_conn_error(const struct ssl_conn *c);

/* RFC 5705 keying material with no context, once established. Returns 0,
 * -EAGAIN before the handshake completed, or -EIO. */
int ssl_conn_export(struct ssl_conn *c, const char *label, uint8_t *out,
		    size_t len);

/* The verified peer certificate's common name and subject, NULL before. */
const char *ssl_conn_peer_cn(const struct ssl_conn *c);
const char *ssl_conn_peer_subject(const struct ssl_conn *c);

/*
 * The summary 2.6 logs after "Control Channel: ", e.g. "TLSv1.3, cipher
 * TLSv1.3 TLS_AES_256_GCM_SHA384, peer certificate: 2048 bits RSA,
 * signature: RSA-SHA256, peer temporary key: 253 bits X25519".
 */
void ssl_conn_describe(const struct ssl_conn *c, char *out, size_t len);

#endif
