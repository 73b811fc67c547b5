/*
 * tls-crypt-v2: key files made by Debian's openvpn 2.6, WKc wrap/unwrap,
 * malformed and forged input, --genkey round trips, the control packet
 * wrap with per-client keys and the early-negotiation TLVs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <cmocka.h>

#include "reliable.h"
#include "ssl.h"
#include "tls_crypt_v2.h"
#include "tls_wrap.h"

/* Written by `openvpn --genkey tls-crypt-v2-server` (2.6.14). */
static const char deb_server[] =
	"-----BEGIN OpenVPN tls-crypt-v2 server key-----\n"
	"9b3UuR/l/IvquSrhHNM7RCLt1ceJ+YSAeYgkrRNeRfgKYh2REPW8r+G8y3DLlee0\n"
	"KlbiX+9wKZZjRV3Uckr3zSmkGpYo0wzRB1JBfHKCJ4MI2wDcHA1fvZb52t7gS/tS\n"
	"psGOuXGl7trm++o/GSXl3WiRdC+KRf1GYfGRG/39pZU=\n"
	"-----END OpenVPN tls-crypt-v2 server key-----\n";

/* `openvpn --tls-crypt-v2 <the above> --genkey tls-crypt-v2-client F aGVsbG8=` */
static const char deb_client[] =
	"-----BEGIN OpenVPN tls-crypt-v2 client key-----\n"
	"l3WWr2c2dHaPAPmIp0UtIpfL+Frxhrg888nyz94r2In0ima5Y79Yn8Fejrpwr/2o\n"
	"bLULRukfoxwvk3DHAQva9OCkliXWH+0nZ8WCc28kFSwlxy5n3FasWeUnd0O8aGlU\n"
	"q9IMtN5DQyNZLRIXRM6feX6snUtb8RibsMqPOubfj8Uf8qxongHc0Dx0eh9OWMoR\n"
	"w2sAXv1/+aXrFDW8titkCQmWUFSA/WCETD/C3trmwv7R2YusyNZ0mdnQUI2iBFjP\n"
	"LOKCCEPpM1kJ8olcjvhSfZLJEFZJCTzCkDoFVdFivB89q/jBjukTyvOxKoZ2MVkj\n"
	"/wJqFyt5xtHhtWQKEryo9YYxmCWxCCitij6Y0E+HV7BcNk/doX3hP4fx//4UiwXM\n"
	"HkxM67UTGb0J+1PfPVKxcV+B+PzhNAk2aaNl8dX7FFyVxQxqG3P+BVwy8h/RaFQ8\n"
	"WboCZrvPCHGdC23VADD2Yxgs/0eV2NKhCST32Ptgd9bmItZ4IyfPq0kIlWev3Z6o\n"
	"ddsFwiSPUjCW8S4tRkd8zaK9GwMBbxkLy2OI37drWIEtAY8KJtENxA4jQRFaZW0c\n"
	"661HQOR1IVc1Up0yg3qGgWSaHk8LrBduI/qMe/S/K4XGpZ0FyAUIuw8whZjFKwLz\n"
	"XSKUTWYwwmVyuEOrFfKlevO65Ceg+EUHyxqdXsADnuzhxtrOeJjM5kevFjoQG4TP\n"
	"r+6SVhToFw/n6LXTcTiWJ+D8AbO9oQEo\n"
	"-----END OpenVPN tls-crypt-v2 client key-----\n";

static char err[256];

static void load_deb(struct tls_crypt_v2_server_key *sk, struct tls_crypt_v2_client_key *ck)
{
	assert_int_equal(tls_crypt_v2_parse_server_key(sk, deb_server, strlen(deb_server), "s",
						       err, sizeof(err)), 0);
	assert_int_equal(tls_crypt_v2_parse_client_key(ck, deb_client, strlen(deb_client), "c",
						       err, sizeof(err)), 0);
}

static void test_debian_keys(void **state)
{
	struct tls_crypt_v2_server_key sk;
	struct tls_crypt_v2_client_key ck;
	struct tls_crypt_v2_unwrapped un;

	(void)state;
	load_deb(&sk, &ck);
	assert_int_equal(ck.kc.len, STATIC_KEY_LEN);
	assert_int_equal(ck.wkc_len, 32 + 256 + 6 + 2);
	assert_int_equal(tls_crypt_v2_unwrap(&sk, ck.wkc, ck.wkc_len, &un), 0);
	assert_memory_equal(un.kc.bytes, ck.kc.bytes, STATIC_KEY_LEN);
	assert_int_equal(un.meta_len, 6);
	assert_memory_equal(un.meta, "\0hello", 6);
}

static void random_key(struct tls_crypt_v2_server_key *sk, struct static_key *kc)
{
	size_t i;

	for (i = 0; i < sizeof(sk->bytes); i++)
		sk->bytes[i] = (uint8_t)(i * 7 + 3);
	for (i = 0; i < STATIC_KEY_LEN; i++)
		kc->bytes[i] = (uint8_t)(i * 13 + 1);
	kc->len = STATIC_KEY_LEN;
}

static void test_round_trip(void **state)
{
	static const size_t sizes[] = { 1, 9, 100, TLS_CRYPT_V2_MAX_METADATA };
	struct tls_crypt_v2_server_key sk;
	struct static_key kc;
	struct tls_crypt_v2_unwrapped un;
	uint8_t meta[TLS_CRYPT_V2_MAX_METADATA + 1], wkc[TLS_CRYPT_V2_MAX_WKC];
	size_t i, n;

	(void)state;
	random_key(&sk, &kc);
	memset(meta, 0x5a, sizeof(meta));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		assert_int_equal(tls_crypt_v2_wrap(&sk, &kc, meta, sizes[i], wkc, &n), 0);
		assert_int_equal(n, TLS_CRYPT_V2_MIN_WKC + sizes[i]);
		assert_int_equal(tls_crypt_v2_wkc_len(wkc, n), n);
		assert_int_equal(tls_crypt_v2_unwrap(&sk, wkc, n, &un), 0);
		assert_memory_equal(un.kc.bytes, kc.bytes, STATIC_KEY_LEN);
		assert_int_equal(un.meta_len, sizes[i]);
		assert_memory_equal(un.meta, meta, sizes[i]);
	}
	/* metadata that would make WKc exceed 1024 bytes, or none at all */
	assert_int_equal(tls_crypt_v2_wrap(&sk, &kc, meta, TLS_CRYPT_V2_MAX_METADATA + 1, wkc, &n),
			 -EMSGSIZE);
	assert_int_equal(tls_crypt_v2_wrap(&sk, &kc, meta, 0, wkc, &n), -EMSGSIZE);
}

static void test_malformed_wkc(void **state)
{
	struct tls_crypt_v2_server_key sk, other;
	struct static_key kc;
	struct tls_crypt_v2_unwrapped un;
	uint8_t wkc[TLS_CRYPT_V2_MAX_WKC + 8], bad[TLS_CRYPT_V2_MAX_WKC + 8];
	uint8_t meta[9] = { 1 };
	size_t n, i;

	(void)state;
	random_key(&sk, &kc);
	assert_int_equal(tls_crypt_v2_wrap(&sk, &kc, meta, sizeof(meta), wkc, &n), 0);
	/* short: every length below the minimum */
	for (i = 0; i < TLS_CRYPT_V2_MIN_WKC; i++)
		assert_int_equal(tls_crypt_v2_unwrap(&sk, wkc, i, &un), -EMSGSIZE);
	/* one flipped bit anywhere in tag or ciphertext: tag mismatch */
	for (i = 0; i < n - 2; i += 17) {
		memcpy(bad, wkc, n);
		bad[i] ^= 0x01;
		assert_int_equal(tls_crypt_v2_unwrap(&sk, bad, n, &un), -EBADMSG);
		assert_int_equal(un.meta_len, 0);
	}
	/* the length field disagrees with the real length */
	memcpy(bad, wkc, n);
	bad[n - 1]++;
	assert_int_equal(tls_crypt_v2_unwrap(&sk, bad, n, &un), -EMSGSIZE);
	bad[n - 1] -= 2;
	assert_int_equal(tls_crypt_v2_unwrap(&sk, bad, n, &un), -EMSGSIZE);
	/* truncated at the front: the field then claims more than there is */
	assert_int_equal(tls_crypt_v2_unwrap(&sk, wkc + 1, n - 1, &un), -EMSGSIZE);
	/* oversized: 1025 bytes with a matching length field */
	memset(bad, 0, sizeof(bad));
	bad[TLS_CRYPT_V2_MAX_WKC - 1] = (TLS_CRYPT_V2_MAX_WKC + 1) >> 8;
	bad[TLS_CRYPT_V2_MAX_WKC] = (TLS_CRYPT_V2_MAX_WKC + 1) & 0xff;
	assert_int_equal(tls_crypt_v2_unwrap(&sk, bad, TLS_CRYPT_V2_MAX_WKC + 1, &un), -EMSGSIZE);
	assert_int_equal(tls_crypt_v2_wkc_len(bad, TLS_CRYPT_V2_MAX_WKC + 1), 0);
	/* wrapped with another server key */
	other = sk;
	other.bytes[64] ^= 1;
	assert_int_equal(tls_crypt_v2_unwrap(&other, wkc, n, &un), -EBADMSG);
	other = sk;
	other.bytes[0] ^= 1;
	assert_int_equal(tls_crypt_v2_unwrap(&other, wkc, n, &un), -EBADMSG);
	assert_int_equal(tls_crypt_v2_wkc_len(wkc, 1), 0);
}

static void test_pem_labels(void **state)
{
	struct tls_crypt_v2_server_key sk;
	struct tls_crypt_v2_client_key ck;
	char text[4096];

	(void)state;
	/* each file handed to the other parser */
	assert_int_equal(tls_crypt_v2_parse_server_key(&sk, deb_client, strlen(deb_client), "c",
						       err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "expected a 'OpenVPN tls-crypt-v2 server key'"));
	assert_int_equal(tls_crypt_v2_parse_client_key(&ck, deb_server, strlen(deb_server), "s",
						       err, sizeof(err)), -EINVAL);
	/* a static key file */
	snprintf(text, sizeof(text), "-----BEGIN OpenVPN Static key V1-----\n00\n"
		 "-----END OpenVPN Static key V1-----\n");
	assert_int_equal(tls_crypt_v2_parse_server_key(&sk, text, strlen(text), "x", err,
						       sizeof(err)), -EINVAL);
	/* no END line, END with another label, nothing */
	snprintf(text, sizeof(text), "%.*s", (int)(strlen(deb_server) - 47), deb_server);
	assert_int_equal(tls_crypt_v2_parse_server_key(&sk, text, strlen(text), "x", err,
						       sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "no complete"));
	strcat(text, "-----END OpenVPN tls-crypt-v2 client key-----\n");
	assert_int_equal(tls_crypt_v2_parse_server_key(&sk, text, strlen(text), "x", err,
						       sizeof(err)), -EINVAL);
	assert_int_equal(tls_crypt_v2_parse_server_key(&sk, "", 0, "x", err, sizeof(err)),
			 -EINVAL);
	/* leading comments and CRLF are fine */
	snprintf(text, sizeof(text), "# made elsewhere\r\n%s", deb_server);
	assert_int_equal(tls_crypt_v2_parse_server_key(&sk, text, strlen(text), "x", err,
						       sizeof(err)), 0);
}

static void test_pem_body(void **state)
{
	struct tls_crypt_v2_server_key sk;
	struct tls_crypt_v2_client_key ck;
	char text[4096], *p;

	(void)state;
	/* a character outside base64 */
	snprintf(text, sizeof(text), "%s", deb_server);
	p = strchr(text, '\n') + 5;
	*p = '!';
	assert_int_equal(tls_crypt_v2_parse_server_key(&sk, text, strlen(text), "x", err,
						       sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "base64"));
	/* one byte short: 127 bytes */
	snprintf(text, sizeof(text), "-----BEGIN OpenVPN tls-crypt-v2 server key-----\n");
	p = text + strlen(text);
	memset(p, 'A', 168);
	strcpy(p + 168, "AA==\n-----END OpenVPN tls-crypt-v2 server key-----\n");
	assert_int_equal(tls_crypt_v2_parse_server_key(&sk, text, strlen(text), "x", err,
						       sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "127 bytes"));
	/* a client key whose WKc length field is wrong */
	snprintf(text, sizeof(text), "%s", deb_client);
	p = strstr(text, "oQEo");
	p[3] = 'p';
	assert_int_equal(tls_crypt_v2_parse_client_key(&ck, text, strlen(text), "x", err,
						       sizeof(err)), -EINVAL);
	/* a client key with only Kc */
	snprintf(text, sizeof(text), "-----BEGIN OpenVPN tls-crypt-v2 client key-----\n");
	p = text + strlen(text);
	memset(p, 'A', 344);
	strcpy(p + 344, "\n-----END OpenVPN tls-crypt-v2 client key-----\n");
	assert_int_equal(tls_crypt_v2_parse_client_key(&ck, text, strlen(text), "x", err,
						       sizeof(err)), -EINVAL);
}

static void test_base64(void **state)
{
	uint8_t out[16];
	size_t n;

	(void)state;
	assert_int_equal(tls_crypt_v2_base64_decode("aGVsbG8=", 8, out, sizeof(out), &n), 0);
	assert_int_equal(n, 5);
	assert_memory_equal(out, "hello", 5);
	assert_int_equal(tls_crypt_v2_base64_decode("aGVs\nbG8h", 9, out, sizeof(out), &n), 0);
	assert_int_equal(n, 6);
	assert_int_equal(tls_crypt_v2_base64_decode("", 0, out, sizeof(out), &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(tls_crypt_v2_base64_decode("aGVsb", 5, out, sizeof(out), &n), -EINVAL);
	assert_int_equal(tls_crypt_v2_base64_decode("aG=Vs", 5, out, sizeof(out), &n), -EINVAL);
	assert_int_equal(tls_crypt_v2_base64_decode("aGVs=", 5, out, sizeof(out), &n), -EINVAL);
	assert_int_equal(tls_crypt_v2_base64_decode("aG-s", 4, out, sizeof(out), &n), -EINVAL);
	assert_int_equal(tls_crypt_v2_base64_decode("aGVsbG8=", 8, out, 4, &n), -EMSGSIZE);
}

static void test_genkey_files(void **state)
{
	char dir[] = "/tmp/cv2test.XXXXXX", spath[64], cpath[64], meta[1000];
	struct tls_crypt_v2_server_key sk;
	struct tls_crypt_v2_client_key ck;
	struct tls_crypt_v2_unwrapped un;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(spath, sizeof(spath), "%s/s.key", dir);
	snprintf(cpath, sizeof(cpath), "%s/c.key", dir);
	assert_int_equal(tls_crypt_v2_genkey_server(spath, err, sizeof(err)), 0);
	assert_int_equal(tls_crypt_v2_load_server_key(&sk, spath, false, err, sizeof(err)), 0);
	/* default metadata: the creation time */
	assert_int_equal(tls_crypt_v2_genkey_client(&sk, NULL, cpath, err, sizeof(err)), 0);
	assert_int_equal(tls_crypt_v2_load_client_key(&ck, cpath, false, err, sizeof(err)), 0);
	assert_int_equal(tls_crypt_v2_unwrap(&sk, ck.wkc, ck.wkc_len, &un), 0);
	assert_int_equal(un.meta_len, 9);
	assert_int_equal(un.meta[0], TLS_CRYPT_V2_META_TIMESTAMP);
	assert_memory_equal(un.kc.bytes, ck.kc.bytes, STATIC_KEY_LEN);
	/* user metadata */
	assert_int_equal(tls_crypt_v2_genkey_client(&sk, "aGVsbG8=", cpath, err, sizeof(err)), 0);
	assert_int_equal(tls_crypt_v2_load_client_key(&ck, cpath, false, err, sizeof(err)), 0);
	assert_int_equal(tls_crypt_v2_unwrap(&sk, ck.wkc, ck.wkc_len, &un), 0);
	assert_memory_equal(un.meta, "\0hello", 6);
	/* 733 bytes of user metadata fit, 734 do not; bad base64 neither */
	memset(meta, 'A', 980);
	meta[980] = '\0';                       /* 735 bytes */
	assert_int_equal(tls_crypt_v2_genkey_client(&sk, meta, cpath, err, sizeof(err)), -EINVAL);
	meta[976] = '\0';                       /* 732 bytes */
	assert_int_equal(tls_crypt_v2_genkey_client(&sk, meta, cpath, err, sizeof(err)), 0);
	assert_int_equal(tls_crypt_v2_genkey_client(&sk, "**", cpath, err, sizeof(err)), -EINVAL);
	/* the inline form and a missing file */
	assert_int_equal(tls_crypt_v2_load_server_key(&sk, deb_server, true, err, sizeof(err)), 0);
	assert_true(tls_crypt_v2_load_server_key(&sk, "/nonexistent/k", false, err,
						 sizeof(err)) < 0);
	unlink(spath);
	unlink(cpath);
	rmdir(dir);
}

/* A client V3 reset through both wrap contexts, as on the wire. */
static void test_wrap_v3(void **state)
{
	struct tls_crypt_v2_server_key sk;
	struct tls_crypt_v2_client_key ck;
	struct tls_wrap_config ccfg = { .mode = TLS_WRAP_CRYPT_V2, .replay_window = 64,
					.replay_time = 15 };
	struct tls_wrap_config scfg = { .mode = TLS_WRAP_CRYPT_V2, .tls_server = true,
					.replay_window = 64, .replay_time = 15 };
	struct tls_wrap_ctx c, s, s2;
	struct reliable_pkt hdr = { .opcode = P_CONTROL_HARD_RESET_CLIENT_V3, .has_msg_id = true,
				    .sid = { 1, 2, 3, 4, 5, 6, 7, 8 } };
	static uint8_t mem[BUF_SIZE], keep[BUF_SIZE];
	const uint8_t *meta;
	struct buf b;
	size_t wire, mlen = 0;

	(void)state;
	load_deb(&sk, &ck);
	ccfg.v2_client = &ck;
	scfg.v2_server = &sk;
	assert_int_equal(tls_wrap_init(&c, &ccfg), 0);
	assert_int_equal(tls_wrap_init(&s, &scfg), 0);
	assert_int_equal(tls_wrap_init(&s2, &scfg), 0);
	buf_init(&b, mem, sizeof(mem), BUF_HEADROOM);
	assert_int_equal(reliable_pkt_build(&b, &hdr), 0);
	assert_int_equal(tls_wrap_encode(&c, &b, 1000), 0);
	wire = buf_len(&b);
	assert_int_equal(wire, 14 + 40 + ck.wkc_len);
	/* the early-negotiation marker in clear: 0x0f000001 */
	assert_int_equal(get_be32(buf_data(&b) + 9), 0x0f000001);
	memcpy(keep, buf_data(&b), wire);
	/* a keyless server has nothing to check a packet without WKc with */
	{
		uint8_t m2[256];
		struct buf b2;

		buf_init(&b2, m2, sizeof(m2), 0);
		buf_write(&b2, keep, 60);
		buf_data(&b2)[0] = P_CONTROL_V1 << P_OPCODE_SHIFT;
		assert_int_equal(tls_wrap_decode(&s, &b2, 1000, NULL), TLS_WRAP_BAD_WKC);
	}
	/* truncated WKc */
	buf_init(&b, mem, sizeof(mem), 0);
	buf_write(&b, keep, wire - 1);
	assert_int_equal(tls_wrap_decode(&s, &b, 1000, NULL), TLS_WRAP_BAD_WKC);
	/* forged WKc */
	buf_init(&b, mem, sizeof(mem), 0);
	buf_write(&b, keep, wire);
	buf_data(&b)[wire - 20] ^= 0x80;
	assert_int_equal(tls_wrap_decode(&s, &b, 1000, NULL), TLS_WRAP_BAD_WKC);
	assert_null(tls_wrap_v2_metadata(&s, &mlen));
	/* the real one */
	buf_init(&b, mem, sizeof(mem), 0);
	buf_write(&b, keep, wire);
	assert_int_equal(tls_wrap_decode(&s, &b, 1000, NULL), TLS_WRAP_OK);
	assert_int_equal(buf_len(&b), 14);
	assert_true(tls_wrap_v2_early_neg(&s));
	meta = tls_wrap_v2_metadata(&s, &mlen);
	assert_non_null(meta);
	assert_int_equal(mlen, 6);
	/* a tampered packet body with a good WKc: tls-crypt rejects it */
	buf_init(&b, mem, sizeof(mem), 0);
	buf_write(&b, keep, wire);
	buf_data(&b)[30] ^= 1;
	assert_int_equal(tls_wrap_decode(&s2, &b, 1000, NULL), TLS_WRAP_BAD_AUTH);
	/* the server's answer reaches the client */
	hdr.opcode = P_CONTROL_HARD_RESET_SERVER_V2;
	buf_init(&b, mem, sizeof(mem), BUF_HEADROOM);
	assert_int_equal(reliable_pkt_build(&b, &hdr), 0);
	assert_int_equal(tls_wrap_encode(&s, &b, 1000), 0);
	assert_int_equal(buf_len(&b), 14 + 40);
	assert_int_equal(tls_wrap_decode(&c, &b, 1000, NULL), TLS_WRAP_OK);
	/* a keyless server cannot send */
	buf_init(&b, mem, sizeof(mem), BUF_HEADROOM);
	assert_int_equal(reliable_pkt_build(&b, &hdr), 0);
	assert_int_equal(tls_wrap_encode(&s2, &b, 1000), -ENOKEY);
	tls_wrap_free(&c);
	tls_wrap_free(&s);
	tls_wrap_free(&s2);
}

static void test_reset_tlvs(void **state)
{
	static const uint8_t resend[] = { 0, 1, 0, 2, 0, 1 };
	static const uint8_t unknown_then[] = { 0, 9, 0, 1, 0xaa, 0, 1, 0, 2, 0, 3 };
	static const uint8_t short_hdr[] = { 0, 1, 0 };
	static const uint8_t short_val[] = { 0, 1, 0, 2, 0 };
	static const uint8_t bad_len[] = { 0, 1, 0, 3, 0, 1, 0 };
	uint16_t flags;

	(void)state;
	assert_int_equal(ssl_parse_reset_tlvs(resend, sizeof(resend), &flags), 0);
	assert_int_equal(flags, SSL_EARLY_NEG_RESEND_WKC);
	assert_int_equal(ssl_parse_reset_tlvs(unknown_then, sizeof(unknown_then), &flags), 0);
	assert_int_equal(flags, 3);
	assert_int_equal(ssl_parse_reset_tlvs(NULL, 0, &flags), 0);
	assert_int_equal(flags, 0);
	assert_int_equal(ssl_parse_reset_tlvs(short_hdr, sizeof(short_hdr), &flags), -EBADMSG);
	assert_int_equal(ssl_parse_reset_tlvs(short_val, sizeof(short_val), &flags), -EBADMSG);
	assert_int_equal(ssl_parse_reset_tlvs(bad_len, sizeof(bad_len), &flags), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_keys),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_malformed_wkc),
		cmocka_unit_test(test_pem_labels),
		cmocka_unit_test(test_pem_body),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_genkey_files),
		cmocka_unit_test(test_wrap_v3),
		cmocka_unit_test(test_reset_tlvs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
