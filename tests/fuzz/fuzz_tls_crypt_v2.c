/*
 * tls-crypt-v2: the key file parsers, WKc unwrap and the server's keyless
 * wrap context, all fed by one selector byte:
 *
 *   0  key file text: tls_crypt_v2_parse_server_key / _client_key. An
 *      accepted key has the right size (a client key a WKc whose length
 *      field matches), and tls_crypt_v2_pem_format() of it parses back to
 *      the same bytes.
 *   1  a WKc for tls_crypt_v2_unwrap() with the fixed server key. Random
 *      bytes never authenticate, so the harness also wraps Kc and metadata
 *      taken from the input itself: unwrap must return them exactly, and
 *      must refuse the same WKc with one byte (chosen by the input) changed.
 *   2  a control packet for a fresh server context (tls_wrap_decode with
 *      TLS_WRAP_CRYPT_V2): it must not read outside the packet; when it
 *      accepts, the plain packet is shorter and the metadata is there.
 *
 * The server key is one Debian's openvpn 2.6.14 generated.
 */
#include <errno.h>

#include "fuzz_common.h"
#include "reliable.h"
#include "tls_crypt_v2.h"
#include "tls_wrap.h"

static const char server_pem[] =
	"-----BEGIN OpenVPN tls-crypt-v2 server key-----\n"
	"9b3UuR/l/IvquSrhHNM7RCLt1ceJ+YSAeYgkrRNeRfgKYh2REPW8r+G8y3DLlee0\n"
	"KlbiX+9wKZZjRV3Uckr3zSmkGpYo0wzRB1JBfHKCJ4MI2wDcHA1fvZb52t7gS/tS\n"
	"psGOuXGl7trm++o/GSXl3WiRdC+KRf1GYfGRG/39pZU=\n"
	"-----END OpenVPN tls-crypt-v2 server key-----\n";

static struct tls_crypt_v2_server_key server_key;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];

	fuzz_log_init();
	if (tls_crypt_v2_parse_server_key(&server_key, server_pem, sizeof(server_pem) - 1, "fuzz",
					  err, sizeof(err))) {
		fprintf(stderr, "fuzz_tls_crypt_v2: %s\n", err);
		abort();
	}
	return 0;
}

static void check_key_text(const uint8_t *data, size_t size)
{
	static struct tls_crypt_v2_client_key ck, again_c;
	struct tls_crypt_v2_server_key sk, again_s;
	uint8_t raw[STATIC_KEY_LEN + TLS_CRYPT_V2_MAX_WKC];
	char err[256], text[4096];
	int n;

	if (tls_crypt_v2_parse_server_key(&sk, (const char *)data, size, "f", err,
					  sizeof(err)) == 0) {
		n = tls_crypt_v2_pem_format(TLS_CRYPT_V2_SERVER_LABEL, sk.bytes, sizeof(sk.bytes),
					    text, sizeof(text));
		FUZZ_CHECK(n > 0);
		FUZZ_CHECK(tls_crypt_v2_parse_server_key(&again_s, text, (size_t)n, "f", err,
							 sizeof(err)) == 0);
		FUZZ_CHECK(memcmp(sk.bytes, again_s.bytes, sizeof(sk.bytes)) == 0);
	}
	if (tls_crypt_v2_parse_client_key(&ck, (const char *)data, size, "f", err,
					  sizeof(err)) != 0)
		return;
	FUZZ_CHECK(ck.kc.len == STATIC_KEY_LEN);
	FUZZ_CHECK(ck.wkc_len >= TLS_CRYPT_V2_MIN_WKC && ck.wkc_len <= TLS_CRYPT_V2_MAX_WKC);
	FUZZ_CHECK(tls_crypt_v2_wkc_len(ck.wkc, ck.wkc_len) == ck.wkc_len);
	memcpy(raw, ck.kc.bytes, STATIC_KEY_LEN);
	memcpy(raw + STATIC_KEY_LEN, ck.wkc, ck.wkc_len);
	n = tls_crypt_v2_pem_format(TLS_CRYPT_V2_CLIENT_LABEL, raw, STATIC_KEY_LEN + ck.wkc_len,
				    text, sizeof(text));
	FUZZ_CHECK(n > 0);
	FUZZ_CHECK(tls_crypt_v2_parse_client_key(&again_c, text, (size_t)n, "f", err,
						 sizeof(err)) == 0);
	FUZZ_CHECK(again_c.wkc_len == ck.wkc_len &&
		   memcmp(again_c.wkc, ck.wkc, ck.wkc_len) == 0 &&
		   memcmp(again_c.kc.bytes, ck.kc.bytes, STATIC_KEY_LEN) == 0);
}

static void check_wkc(const uint8_t *data, size_t size)
{
	static struct tls_crypt_v2_unwrapped un;
	struct static_key kc = { .len = STATIC_KEY_LEN };
	uint8_t wkc[TLS_CRYPT_V2_MAX_WKC];
	struct fz f = { data, size };
	const uint8_t *meta;
	size_t n, got, at;
	int ret;

	/* as given: almost always refused, and then nothing is left behind */
	ret = tls_crypt_v2_unwrap(&server_key, data, size, &un);
	FUZZ_CHECK(ret == 0 || ret == -EBADMSG || ret == -EMSGSIZE);
	if (ret == 0)
		FUZZ_CHECK(un.meta_len == size - TLS_CRYPT_V2_MIN_WKC);
	else
		FUZZ_CHECK(un.meta_len == 0);
	/* sealed here: [flip position u16] [Kc 256] [metadata...] */
	at = fz_u16(&f);
	memcpy(kc.bytes, fz_bytes(&f, STATIC_KEY_LEN, &got), got);
	meta = fz_bytes(&f, TLS_CRYPT_V2_MAX_METADATA, &got);
	if (got == 0)
		return;
	FUZZ_CHECK(tls_crypt_v2_wrap(&server_key, &kc, meta, got, wkc, &n) == 0);
	FUZZ_CHECK(n == TLS_CRYPT_V2_MIN_WKC + got);
	FUZZ_CHECK(tls_crypt_v2_unwrap(&server_key, wkc, n, &un) == 0);
	FUZZ_CHECK(memcmp(un.kc.bytes, kc.bytes, STATIC_KEY_LEN) == 0);
	FUZZ_CHECK(un.meta_len == got && memcmp(un.meta, meta, got) == 0);
	at %= n;
	wkc[at] ^= (uint8_t)(1 + (at & 0x7f));
	ret = tls_crypt_v2_unwrap(&server_key, wkc, n, &un);
	FUZZ_CHECK(ret == -EBADMSG || ret == -EMSGSIZE);
}

static void check_packet(const uint8_t *data, size_t size)
{
	struct tls_wrap_config cfg = {
		.mode = TLS_WRAP_CRYPT_V2, .tls_server = true, .replay_window = 64,
		.replay_time = 15, .v2_server = &server_key,
	};
	struct tls_wrap_ctx w;
	enum tls_wrap_status st;
	const uint8_t *meta;
	size_t mlen = 0;
	struct buf b;
	uint8_t *mem;

	if (tls_wrap_init(&w, &cfg) < 0)
		abort();
	mem = fuzz_buf_new(&b, data, size, 0, 0);
	st = size >= RELIABLE_PREFIX_LEN ? tls_wrap_decode(&w, &b, 1000, NULL) : TLS_WRAP_SHORT;
	fuzz_trace("decode: %s", tls_wrap_status_str(st));
	meta = tls_wrap_v2_metadata(&w, &mlen);
	if (st == TLS_WRAP_OK) {
		FUZZ_CHECK(buf_len(&b) + TLS_WRAP_CRYPT_OVERHEAD + TLS_CRYPT_V2_MIN_WKC <= size);
		FUZZ_CHECK(meta && mlen >= 1);
	} else if (st != TLS_WRAP_REPLAY) {
		/* a refused packet leaves no client key behind */
		FUZZ_CHECK(meta == NULL);
	}
	free(mem);
	tls_wrap_free(&w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		check_key_text(data + 1, size - 1);
		break;
	case 1:
		check_wkc(data + 1, size - 1);
		break;
	default:
		check_packet(data + 1, size - 1);
		break;
	}
	return 0;
}
