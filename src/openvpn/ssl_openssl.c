/* OpenSSL glue. */
#include "ssl_openssl.h"

#include <openssl/crypto.h>

const char *ssl_library_version(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}
