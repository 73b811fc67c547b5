/* OpenSSL specifics. The only daemon file (with crypto.c) that includes OpenSSL. */
#ifndef SSL_OPENSSL_H
#define SSL_OPENSSL_H

/* "OpenSSL 3.0.x dd Mon yyyy", from the library actually loaded. */
const char *ssl_library_version(void);

#endif
