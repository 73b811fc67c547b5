/* Key method 2 messages, OCC options strings and peer-info. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "buf.h"
#include "log.h"
#include "options.h"
#include "ssl_keymethod.h"

/* ---- the captured P2P messages (wire protocol §13.8) --------------------- */

static const char cap_pre_master[] =
	"f54c749a3cd3ac7a53e977169f105fcd3d2db810806d08fd297ab2fed3224e7b9cd7aa15cdc91f85a28ec5443a054090";
static const char cap_random1[] =
	"1b7703707cb0f0744bee76936f9a01e63f694c0377ae53109403f856985bba6f";
static const char cap_random2[] =
	"7fecade974f97137867d69bff4588f5b3f00e3064a341656751748a756469a11";
static const char cap_client_options[] =
	"V4,dev-type tun,link-mtu 1541,tun-mtu 1500,proto UDPv4,ifconfig 10.8.0.1 10.8.0.2,cipher BF-CBC,auth SHA1,keysize 128,key-method 2,tls-client";
static const char cap_server_options[] =
	"V4,dev-type tun,link-mtu 1541,tun-mtu 1500,proto UDPv4,ifconfig 10.8.0.2 10.8.0.1,cipher BF-CBC,auth SHA1,keysize 128,key-method 2,tls-server";
static const char cap_p2p_peer_info[] = "IV_CIPHERS=AES-256-GCM\nIV_PROTO=746\n";
static const char cap_client_peer_info[] =
	"IV_VER=2.6.14\nIV_PLAT=linux\nIV_TCPNL=1\nIV_MTU=1600\nIV_NCP=2\n"
	"IV_CIPHERS=AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305\nIV_PROTO=990\n"
	"IV_LZO_STUB=1\nIV_COMP_STUB=1\nIV_COMP_STUBv2=1\n";

static void unhex(const char *hex, uint8_t *out, size_t len)
{
	size_t i;
	unsigned int v;

	assert_int_equal(strlen(hex), 2 * len);
	for (i = 0; i < len; i++) {
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

/* Append raw bytes to a hand-assembled expected message. */
static void put(uint8_t *out, size_t *n, const void *p, size_t len)
{
	memcpy(out + *n, p, len);
	*n += len;
}

static void put_str(uint8_t *out, size_t *n, const char *s)
{
	size_t len = strlen(s) + 1;
	uint8_t l[2] = { (uint8_t)(len >> 8), (uint8_t)len };

	put(out, n, l, 2);
	put(out, n, s, len);
}

/* The 304-byte client message as captured, assembled byte by byte. */
static size_t captured_client(uint8_t *out)
{
	static const uint8_t head[] = { 0, 0, 0, 0, 2 }, empty[] = { 0, 0 };
	uint8_t pm[48], r1[32], r2[32];
	size_t n = 0;

	unhex(cap_pre_master, pm, sizeof(pm));
	unhex(cap_random1, r1, sizeof(r1));
	unhex(cap_random2, r2, sizeof(r2));
	put(out, &n, head, sizeof(head));
	put(out, &n, pm, sizeof(pm));
	put(out, &n, r1, sizeof(r1));
	put(out, &n, r2, sizeof(r2));
	put_str(out, &n, cap_client_options);
	put(out, &n, empty, 2);
	put(out, &n, empty, 2);
	put_str(out, &n, cap_p2p_peer_info);
	return n;
}

static void fill_client_msg(struct keymethod_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->from_client = true;
	unhex(cap_pre_master, m->pre_master, sizeof(m->pre_master));
	unhex(cap_random1, m->random1, sizeof(m->random1));
	unhex(cap_random2, m->random2, sizeof(m->random2));
	m->options = cap_client_options;
	m->peer_info = cap_p2p_peer_info;
}

static int build(const struct keymethod_msg *m, uint8_t *mem, size_t cap,
		 size_t *len)
{
	struct buf b;
	int ret;

	buf_init(&b, mem, cap, 0);
	ret = keymethod_build(m, &b);
	*len = buf_len(&b);
	return ret;
}

/* ---- building and parsing -------------------------------------------------- */

static void test_capture_client_bytes(void **state)
{
	uint8_t want[KEYMETHOD_MSG_MAX], got[KEYMETHOD_MSG_MAX];
	size_t want_len = captured_client(want), got_len;
	struct keymethod_msg m;

	assert_int_equal(want_len, 304);
	fill_client_msg(&m);
	assert_int_equal(build(&m, got, sizeof(got), &got_len), 0);
	assert_int_equal(got_len, 304);
	assert_memory_equal(got, want, 304);
	/* the length fields the document shows */
	assert_int_equal(got[117], 0x00);
	assert_int_equal(got[118], 0x8e);
	assert_int_equal(got[265], 0x00);
	assert_int_equal(got[266], 0x25);
}

static void test_capture_client_parse(void **state)
{
	uint8_t data[KEYMETHOD_MSG_MAX], pm[48], r1[32], r2[32];
	size_t len = captured_client(data);
	struct keymethod_msg m;
	char err[256];

	assert_int_equal(keymethod_parse(data, len, true, &m, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	unhex(cap_pre_master, pm, sizeof(pm));
	unhex(cap_random1, r1, sizeof(r1));
	unhex(cap_random2, r2, sizeof(r2));
	assert_true(m.from_client);
	assert_int_equal(m.flags, 0);
	assert_memory_equal(m.pre_master, pm, 48);
	assert_memory_equal(m.random1, r1, 32);
	assert_memory_equal(m.random2, r2, 32);
	assert_string_equal(m.options, cap_client_options);
	assert_string_equal(m.username, "");
	assert_string_equal(m.password, "");
	assert_non_null(m.peer_info);
	assert_string_equal(m.peer_info, cap_p2p_peer_info);
	/* strings point into the message itself */
	assert_true((const uint8_t *)m.options > data && (const uint8_t *)m.options < data + len);
}

static void test_capture_server(void **state)
{
	struct keymethod_msg m = { 0 }, p;
	uint8_t mem[KEYMETHOD_MSG_MAX];
	size_t len;
	char err[256];

	unhex(cap_random1, m.random1, 32);
	unhex(cap_random2, m.random2, 32);
	m.options = cap_server_options;
	m.peer_info = cap_p2p_peer_info;
	assert_int_equal(build(&m, mem, sizeof(mem), &len), 0);
	assert_int_equal(len, 256);	/* as captured */
	assert_memory_equal(mem, "\0\0\0\0\2", 5);
	assert_memory_equal(mem + 5, m.random1, 32);
	assert_int_equal(keymethod_parse(mem, len, false, &p, err, sizeof(err)), 0);
	assert_false(p.from_client);
	assert_memory_equal(p.random2, m.random2, 32);
	assert_string_equal(p.options, cap_server_options);
	assert_string_equal(p.peer_info, cap_p2p_peer_info);

	/* a client/server-mode server sends an empty peer-info: 178 bytes
	 * with a 100-character options string */
	m.options = "V4,dev-type tun,link-mtu 1541,tun-mtu 1500,proto UDPv4,auth SHA1,keysize 128,key-method 2,tls-server";
	m.peer_info = "";
	assert_int_equal(build(&m, mem, sizeof(mem), &len), 0);
	assert_int_equal(len, 178);
	assert_memory_equal(mem + len - 6, "\0\0\0\0\0\0", 6);
}

static void test_round_trip_client(void **state)
{
	struct keymethod_msg m, p;
	uint8_t mem[KEYMETHOD_MSG_MAX];
	size_t len;
	char err[256];

	fill_client_msg(&m);
	m.username = "alice";
	m.password = "secret123";
	m.peer_info = cap_client_peer_info;
	m.flags = 0x30;
	assert_int_equal(build(&m, mem, sizeof(mem), &len), 0);
	assert_int_equal(mem[4], 0x32);
	assert_int_equal(keymethod_parse(mem, len, true, &p, err, sizeof(err)), 0);
	assert_int_equal(p.flags, 0x30);
	assert_memory_equal(p.pre_master, m.pre_master, 48);
	assert_string_equal(p.username, "alice");
	assert_string_equal(p.password, "secret123");
	assert_string_equal(p.peer_info, cap_client_peer_info);
	/* the credentials as captured: 00 06 alice 00, 00 0a secret123 00 */
	assert_memory_equal(mem + 117 + 2 + strlen(cap_client_options) + 1,
			    "\0\6alice\0\0\12secret123\0", 20);
}

static void test_no_peer_info(void **state)
{
	struct keymethod_msg m, p;
	uint8_t mem[KEYMETHOD_MSG_MAX];
	size_t len;
	char err[256];

	fill_client_msg(&m);
	m.peer_info = NULL;
	m.options = NULL;
	assert_int_equal(build(&m, mem, sizeof(mem), &len), 0);
	assert_int_equal(len, 117 + 6);
	assert_int_equal(keymethod_parse(mem, len, true, &p, err, sizeof(err)), 0);
	assert_null(p.peer_info);
	assert_string_equal(p.options, "");

	/* bytes after peer-info are left for later protocol versions */
	fill_client_msg(&m);
	assert_int_equal(build(&m, mem, sizeof(mem), &len), 0);
	memcpy(mem + len, "\0\5junk", 6);
	assert_int_equal(keymethod_parse(mem, len + 6, true, &p, err, sizeof(err)), 0);
	assert_string_equal(p.peer_info, cap_p2p_peer_info);
}

/* Cutting the message anywhere fails, except right after the password,
 * where a message may legally end. */
static void test_every_truncation(void **state)
{
	uint8_t data[KEYMETHOD_MSG_MAX], *copy;
	size_t len = captured_client(data), cut;
	size_t end_of_password = len - 2 - sizeof(cap_p2p_peer_info);
	struct keymethod_msg m;
	char err[256];
	int ret;

	for (cut = 0; cut < len; cut++) {
		/* an exact-size heap copy lets ASan catch any overread */
		copy = malloc(cut ? cut : 1);
		assert_non_null(copy);
		memcpy(copy, data, cut);
		ret = keymethod_parse(copy, cut, true, &m, err, sizeof(err));
		if (cut == end_of_password) {
			assert_int_equal(ret, 0);
			assert_null(m.peer_info);
		} else {
			if (ret != -EBADMSG)
				fail_msg("cut at %zu: got %d", cut, ret);
			assert_true(strlen(err) > 10);
			assert_null(m.options);
		}
		free(copy);
	}
}

static void test_every_truncation_server(void **state)
{
	struct keymethod_msg m = { .options = cap_server_options, .peer_info = "" };
	uint8_t mem[KEYMETHOD_MSG_MAX], *copy;
	size_t len, cut;
	char err[256];
	int ret;

	assert_int_equal(build(&m, mem, sizeof(mem), &len), 0);
	for (cut = 0; cut < len; cut++) {
		copy = malloc(cut ? cut : 1);
		assert_non_null(copy);
		memcpy(copy, mem, cut);
		ret = keymethod_parse(copy, cut, false, &m, err, sizeof(err));
		if (cut == len - 2)
			assert_int_equal(ret, 0);
		else if (ret != -EBADMSG)
			fail_msg("cut at %zu: got %d", cut, ret);
		free(copy);
	}
}

static void test_truncation_messages(void **state)
{
	uint8_t data[KEYMETHOD_MSG_MAX];
	size_t len = captured_client(data);
	struct keymethod_msg m;
	char err[256];

	assert_int_equal(keymethod_parse(data, 3, true, &m, err, sizeof(err)), -EBADMSG);
	assert_string_equal(err, "key method message truncated in the leading zero bytes (3 of 4 bytes)");
	assert_int_equal(keymethod_parse(data, 60, true, &m, err, sizeof(err)), -EBADMSG);
	assert_string_equal(err, "key method message truncated in the random1 (7 of 32 bytes)");
	assert_int_equal(keymethod_parse(data, 118, true, &m, err, sizeof(err)), -EBADMSG);
	assert_string_equal(err, "key method message truncated in the options string (1 of 2 bytes)");
	assert_int_equal(keymethod_parse(data, 200, true, &m, err, sizeof(err)), -EBADMSG);
	assert_string_equal(err, "key method options string length 142 runs past the end of the message (81 bytes left)");
	assert_int_equal(keymethod_parse(data, len - 1, true, &m, err, sizeof(err)), -EBADMSG);
	assert_string_equal(err, "key method peer-info length 37 runs past the end of the message (36 bytes left)");
	/* the server's message has no pre_master: the same bytes read as a
	 * server message find random bytes (0x3f69) as the options length */
	assert_int_equal(keymethod_parse(data, len, false, &m, err, sizeof(err)), -EMSGSIZE);
	assert_string_equal(err, "key method options string is 16233 bytes, more than 512");
}

static void test_length_past_end(void **state)
{
	uint8_t data[KEYMETHOD_MSG_MAX];
	size_t len = captured_client(data);
	struct keymethod_msg m;
	char err[256];

	/* username length claims 0xffff */
	data[117 + 2 + 142] = 0xff;
	data[117 + 2 + 142 + 1] = 0xff;
	assert_int_equal(keymethod_parse(data, len, true, &m, err, sizeof(err)), -EBADMSG);
	assert_string_equal(err, "key method username length 65535 runs past the end of the message (41 bytes left)");
	/* peer-info one byte longer than what is there */
	len = captured_client(data);
	data[len - 39] = 0;
	data[len - 38] = 38;
	assert_int_equal(keymethod_parse(data, len, true, &m, err, sizeof(err)), -EBADMSG);
	assert_non_null(strstr(err, "peer-info length 38 runs past the end"));
}

static void test_missing_nul(void **state)
{
	uint8_t data[KEYMETHOD_MSG_MAX];
	size_t len = captured_client(data);
	struct keymethod_msg m;
	char err[256];

	data[117 + 2 + 141] = 'x';	/* the options string's NUL */
	assert_int_equal(keymethod_parse(data, len, true, &m, err, sizeof(err)), -EBADMSG);
	assert_string_equal(err, "key method options string is not NUL-terminated");
	len = captured_client(data);
	data[len - 1] = '\n';
	assert_int_equal(keymethod_parse(data, len, true, &m, err, sizeof(err)), -EBADMSG);
	assert_string_equal(err, "key method peer-info is not NUL-terminated");
	len = captured_client(data);
	data[117 + 2 + 10] = '\0';
	assert_int_equal(keymethod_parse(data, len, true, &m, err, sizeof(err)), -EBADMSG);
	assert_string_equal(err, "key method options string contains a NUL byte");
	/* a length of 1 is just the NUL: an empty string */
	len = captured_client(data);
	memcpy(data + len - 39, "\0\1\0", 3);
	assert_int_equal(keymethod_parse(data, len - 36, true, &m, err, sizeof(err)), 0);
	assert_string_equal(m.peer_info, "");
}

static void test_oversize_options(void **state)
{
	char big[KEYMETHOD_OPTIONS_MAX + 1];
	uint8_t mem[KEYMETHOD_MSG_MAX];
	struct keymethod_msg m, p;
	size_t len;
	char err[256];

	fill_client_msg(&m);
	memset(big, 'o', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';	/* 512 characters: 513 with NUL */
	m.options = big;
	assert_int_equal(build(&m, mem, sizeof(mem), &len), -EMSGSIZE);
	assert_int_equal(len, 0);
	big[sizeof(big) - 2] = '\0';	/* 511: exactly at the limit */
	assert_int_equal(build(&m, mem, sizeof(mem), &len), 0);
	assert_int_equal(keymethod_parse(mem, len, true, &p, err, sizeof(err)), 0);
	assert_int_equal(strlen(p.options), 511);
	/* the same message claiming one more byte */
	mem[117] = 0x02;
	mem[118] = 0x01;
	assert_int_equal(keymethod_parse(mem, len, true, &p, err, sizeof(err)), -EMSGSIZE);
	assert_string_equal(err, "key method options string is 513 bytes, more than 512");
}

static void test_total_size(void **state)
{
	char pw[KEYMETHOD_MSG_MAX];
	uint8_t mem[2 * KEYMETHOD_MSG_MAX];
	struct keymethod_msg m, p;
	size_t len;
	char err[256];

	/* username and password are only bounded by the whole message */
	fill_client_msg(&m);
	memset(pw, 'p', sizeof(pw) - 1);
	pw[sizeof(pw) - 1] = '\0';
	m.password = pw;
	assert_int_equal(build(&m, mem, sizeof(mem), &len), -EMSGSIZE);
	pw[KEYMETHOD_MSG_MAX - 304 - 1] = '\0';	/* total exactly 2048 */
	assert_int_equal(build(&m, mem, sizeof(mem), &len), 0);
	assert_int_equal(len, KEYMETHOD_MSG_MAX);
	assert_int_equal(keymethod_parse(mem, len, true, &p, err, sizeof(err)), 0);
	assert_int_equal(strlen(p.password), KEYMETHOD_MSG_MAX - 305);
	mem[len] = 0;
	assert_int_equal(keymethod_parse(mem, len + 1, true, &p, err, sizeof(err)), -EMSGSIZE);
	assert_string_equal(err, "key method message is 2049 bytes, more than 2048");
}

static void test_build_no_room(void **state)
{
	uint8_t mem[400];
	struct keymethod_msg m;
	struct buf b;

	fill_client_msg(&m);
	buf_init(&b, mem, 303, 0);
	assert_int_equal(keymethod_build(&m, &b), -ENOBUFS);
	assert_int_equal(buf_len(&b), 0);
	/* appends after what is already there */
	buf_init(&b, mem, sizeof(mem), 0);
	assert_true(buf_write(&b, "ab", 2));
	assert_int_equal(keymethod_build(&m, &b), 0);
	assert_int_equal(buf_len(&b), 306);
	assert_memory_equal(buf_data(&b), "ab\0\0\0\0\2", 7);
}

static void test_method_byte(void **state)
{
	uint8_t data[KEYMETHOD_MSG_MAX];
	size_t len = captured_client(data);
	struct keymethod_msg m;
	char err[256];
	static const uint8_t bad[] = { 0x00, 0x01, 0x03, 0x0f, 0x21 };
	size_t i;

	for (i = 0; i < sizeof(bad); i++) {
		data[4] = bad[i];
		assert_int_equal(keymethod_parse(data, len, true, &m, err, sizeof(err)),
				 -EBADMSG);
		assert_non_null(strstr(err, "is not supported (only 2)"));
	}
	data[4] = 0x01;
	keymethod_parse(data, len, true, &m, err, sizeof(err));
	assert_string_equal(err, "key method 1 is not supported (only 2)");
	/* the upper nibble is reserved and ignored; the leading bytes too */
	data[4] = 0xa2;
	data[0] = 0x55;
	assert_int_equal(keymethod_parse(data, len, true, &m, err, sizeof(err)), 0);
	assert_int_equal(m.flags, 0xa0);
}

/* ---- OCC options string ---------------------------------------------------- */

static void expect_occ(const char *config, bool tls_client, const char *want)
{
	struct options o;
	char out[KEYMETHOD_OPTIONS_MAX];

	options_init(&o);
	if (options_parse_string(&o, config, strlen(config), "t.conf", OPT_CTX_CMDLINE) != 0)
		fail_msg("config rejected: %s", options_last_error());
	o.tls_client = tls_client;
	o.tls_server = !tls_client;
	/* what options_finalize() settles that matters here */
	if (o.tls_auth_dir < 0)
		o.tls_auth_dir = o.key_direction;
	assert_int_equal(keymethod_options_string(&o, out, sizeof(out)), 0);
	if (strcmp(out, want) != 0)
		fail_msg("for '%s':\n got  '%s'\n want '%s'", config, out, want);
	options_free(&o);
}

#define OCC_HEAD "V4,dev-type tun,link-mtu "
#define OCC_TAIL "key-method 2,tls-client"

/* Every string here was printed by openvpn 2.6.14 for the same options. */
static void test_options_string(void **state)
{
	expect_occ("dev tun\nifconfig 10.8.0.2 10.8.0.1\n", true, cap_client_options);
	expect_occ("dev tun\nifconfig 10.8.0.1 10.8.0.2\n", false, cap_server_options);
	expect_occ("dev tun\n", true, OCC_HEAD "1541,tun-mtu 1500,proto UDPv4,cipher BF-CBC,auth SHA1,keysize 128," OCC_TAIL);
	expect_occ("dev tun\nproto tcp-client\n", true, OCC_HEAD "1543,tun-mtu 1500,proto TCPv4_CLIENT,cipher BF-CBC,auth SHA1,keysize 128," OCC_TAIL);
	expect_occ("dev tun\nproto tcp-server\n", false, OCC_HEAD "1543,tun-mtu 1500,proto TCPv4_SERVER,cipher BF-CBC,auth SHA1,keysize 128,key-method 2,tls-server");
	expect_occ("dev tun\nproto tcp6-client\n", true, OCC_HEAD "1543,tun-mtu 1500,proto TCPv4_CLIENT,cipher BF-CBC,auth SHA1,keysize 128," OCC_TAIL);
	expect_occ("dev tun\nproto udp6\n", true, OCC_HEAD "1541,tun-mtu 1500,proto UDPv4,cipher BF-CBC,auth SHA1,keysize 128," OCC_TAIL);
	expect_occ("dev tun\nauth SHA256\n", true, OCC_HEAD "1553,tun-mtu 1500,proto UDPv4,cipher BF-CBC,auth SHA256,keysize 128," OCC_TAIL);
	expect_occ("dev tun\ncipher AES-256-CBC\n", true, OCC_HEAD "1557,tun-mtu 1500,proto UDPv4,cipher AES-256-CBC,auth SHA1,keysize 256," OCC_TAIL);
	expect_occ("dev tun\ncipher AES-128-CBC\n", true, OCC_HEAD "1557,tun-mtu 1500,proto UDPv4,cipher AES-128-CBC,auth SHA1,keysize 128," OCC_TAIL);
	expect_occ("dev tun\ncipher aes-256-cbc\nauth sha512\n", true, OCC_HEAD "1601,tun-mtu 1500,proto UDPv4,cipher AES-256-CBC,auth SHA512,keysize 256," OCC_TAIL);
	expect_occ("dev tun\ncipher AES-256-GCM\n", true, OCC_HEAD "1549,tun-mtu 1500,proto UDPv4,cipher AES-256-GCM,auth [null-digest],keysize 256," OCC_TAIL);
	expect_occ("dev tun\ncipher AES-128-GCM\n", true, OCC_HEAD "1549,tun-mtu 1500,proto UDPv4,cipher AES-128-GCM,auth [null-digest],keysize 128," OCC_TAIL);
	expect_occ("dev tun\ncipher CHACHA20-POLY1305\n", true, OCC_HEAD "1534,tun-mtu 1500,proto UDPv4,cipher CHACHA20-POLY1305,auth [null-digest],keysize 256," OCC_TAIL);
	expect_occ("dev tun\ncipher AES-256-GCM\nproto tcp-client\n", true, OCC_HEAD "1551,tun-mtu 1500,proto TCPv4_CLIENT,cipher AES-256-GCM,auth [null-digest],keysize 256," OCC_TAIL);
	expect_occ("dev tun\ncipher none\n", true, OCC_HEAD "1525,tun-mtu 1500,proto UDPv4,cipher [null-cipher],auth SHA1,keysize 0," OCC_TAIL);
	expect_occ("dev tun\nauth none\n", true, OCC_HEAD "1521,tun-mtu 1500,proto UDPv4,cipher BF-CBC,auth [null-digest],keysize 128," OCC_TAIL);
	expect_occ("dev tun\ncipher none\nauth none\n", true, OCC_HEAD "1505,tun-mtu 1500,proto UDPv4,cipher [null-cipher],auth [null-digest],keysize 0," OCC_TAIL);
	expect_occ("dev tun\ntun-mtu 1400\n", true, OCC_HEAD "1441,tun-mtu 1400,proto UDPv4,cipher BF-CBC,auth SHA1,keysize 128," OCC_TAIL);
	expect_occ("dev tun\ntun-mtu 9000\n", true, OCC_HEAD "9041,tun-mtu 9000,proto UDPv4,cipher BF-CBC,auth SHA1,keysize 128," OCC_TAIL);
	expect_occ("dev tun\ntun-mtu 1500 1400\n", true, OCC_HEAD "1541,tun-mtu 1400,proto UDPv4,cipher BF-CBC,auth SHA1,keysize 128," OCC_TAIL);
	expect_occ("dev tun\ntopology subnet\nifconfig 10.8.0.2 255.255.255.0\n", true, OCC_HEAD "1541,tun-mtu 1500,proto UDPv4,ifconfig 10.8.0.0 255.255.255.0,cipher BF-CBC,auth SHA1,keysize 128," OCC_TAIL);
	expect_occ("dev tun\ntopology p2p\nifconfig 10.8.0.2 10.8.0.1\n", true, cap_client_options);
	expect_occ("dev tun\nifconfig-ipv6 fd00::2/64 fd00::1\n", true, OCC_HEAD "1541,tun-mtu 1500,proto UDPv4,tun-ipv6,cipher BF-CBC,auth SHA1,keysize 128," OCC_TAIL);
	expect_occ("dev tun\ntls-auth ta.key 1\n", true, OCC_HEAD "1541,tun-mtu 1500,proto UDPv4,keydir 1,cipher BF-CBC,auth SHA1,keysize 128,tls-auth," OCC_TAIL);
	expect_occ("dev tun\ntls-auth ta.key\n", true, OCC_HEAD "1541,tun-mtu 1500,proto UDPv4,cipher BF-CBC,auth SHA1,keysize 128,tls-auth," OCC_TAIL);
	expect_occ("dev tun\ntls-auth ta.key\nkey-direction 0\n", true, OCC_HEAD "1541,tun-mtu 1500,proto UDPv4,keydir 0,cipher BF-CBC,auth SHA1,keysize 128,tls-auth," OCC_TAIL);
	expect_occ("dev tun\ntls-crypt ta.key\n", true, OCC_HEAD "1541,tun-mtu 1500,proto UDPv4,cipher BF-CBC,auth SHA1,keysize 128," OCC_TAIL);
	expect_occ("dev tun\ndata-ciphers AES-128-GCM\n", true, OCC_HEAD "1541,tun-mtu 1500,proto UDPv4,cipher BF-CBC,auth SHA1,keysize 128," OCC_TAIL);
}

/* Client/server mode leaves out a --cipher outside --data-ciphers. */
static void test_options_string_client(void **state)
{
	struct options o;
	char out[KEYMETHOD_OPTIONS_MAX];

	options_init(&o);
	assert_int_equal(options_parse_string(&o, "dev tun\n", 8, "t", OPT_CTX_CMDLINE), 0);
	o.tls_client = o.client = o.pull = true;
	assert_int_equal(keymethod_options_string(&o, out, sizeof(out)), 0);
	assert_string_equal(out, OCC_HEAD "1541,tun-mtu 1500,proto UDPv4,auth SHA1,keysize 128," OCC_TAIL);
	assert_int_equal(options_parse_string(&o, "cipher AES-256-GCM\n", 19, "t", OPT_CTX_CMDLINE), 0);
	assert_int_equal(keymethod_options_string(&o, out, sizeof(out)), 0);
	assert_string_equal(out, OCC_HEAD "1549,tun-mtu 1500,proto UDPv4,cipher AES-256-GCM,auth [null-digest],keysize 256," OCC_TAIL);
	/* too small a buffer */
	assert_int_equal(keymethod_options_string(&o, out, 40), -ENOSPC);
	assert_string_equal(out, "");
	options_free(&o);
}

/* ---- peer-info --------------------------------------------------------------- */

/* --push-peer-info: the tail 2.6.14 adds, with the variables of --setenv. */
static void test_peer_info_push_peer_info(void **state)
{
	static const char *const tail_detail =
		"IV_COMP_STUBv2=1\nIV_SSL=OpenSSL_3.0.19_27_Jan_2026\n"
		"IV_PLAT_VER=6.1.0\nIV_GUI_VER=gui 1.0\nUV_SITE=b\nUV_EMPTY=\n";
	static const char *const conf = "client\nsetenv IV_GUI_VER \"gui 1.0\"\n"
		"setenv UV_SITE b\nsetenv FOO x\nsetenv UV_EMPTY\n";
	struct options o;
	struct keymethod_peer_info_cfg c;
	char out[1024];

	options_init(&o);
	assert_int_equal(options_parse_string(&o, conf, strlen(conf), "t", OPT_CTX_CMDLINE), 0);
	keymethod_peer_info_defaults(&o, &c);
	/* without the option: only what a GUI sets */
	assert_int_equal(keymethod_peer_info_build(&c, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "IV_COMP_STUBv2=1\nIV_GUI_VER=gui 1.0\n"));
	assert_null(strstr(out, "UV_"));
	assert_null(strstr(out, "FOO"));
	c.ssl_version = "OpenSSL_3.0.19_27_Jan_2026";
	c.plat_version = "6.1.0";
	assert_int_equal(keymethod_peer_info_build(&c, out, sizeof(out)), 0);
	if (!strstr(out, tail_detail))
		fail_msg("peer-info:\n%s", out);
	assert_null(strstr(out, "FOO"));
	/* a server sends none of it */
	o.client = false;
	o.mode_server = true;
	keymethod_peer_info_defaults(&o, &c);
	c.ssl_version = "x";
	assert_int_equal(keymethod_peer_info_build(&c, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	options_free(&o);
}

static void test_peer_info_build(void **state)
{
	struct options o;
	struct keymethod_peer_info_cfg c;
	char out[1024];

	options_init(&o);
	keymethod_peer_info_defaults(&o, &c);
	assert_int_equal(keymethod_peer_info_build(&c, out, sizeof(out)), 0);
	assert_string_equal(out, "IV_CIPHERS=AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305\nIV_PROTO=42\n");
	assert_int_equal(c.iv_proto, 2 + 8 + 32);

	/* the 2.6 client's text, given its version and bits */
	o.client = true;
	keymethod_peer_info_defaults(&o, &c);
	assert_int_equal(c.iv_proto, 2 + 4 + 8);
	c.version = "2.6.14";
	c.iv_proto = 990;
	assert_int_equal(keymethod_peer_info_build(&c, out, sizeof(out)), 0);
	assert_string_equal(out, cap_client_peer_info);
	/* IV_NCP=2 promises both AES-GCM variants */
	c.ciphers = "AES-256-GCM:CHACHA20-POLY1305";
	assert_int_equal(keymethod_peer_info_build(&c, out, sizeof(out)), 0);
	assert_null(strstr(out, "IV_NCP"));
	assert_int_equal(keymethod_peer_info_build(&c, out, 50), -ENOSPC);
	assert_string_equal(out, "");

	/* a server in server mode sends nothing */
	o.client = false;
	o.mode_server = true;
	keymethod_peer_info_defaults(&o, &c);
	assert_int_equal(keymethod_peer_info_build(&c, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	options_free(&o);
}

static void test_peer_info_parse(void **state)
{
	struct keymethod_peer_info pi;

	keymethod_peer_info_parse(cap_p2p_peer_info, &pi);
	assert_int_equal(pi.iv_proto, 746);
	assert_true(pi.has_ciphers);
	assert_string_equal(pi.ciphers, "AES-256-GCM");
	assert_string_equal(pi.version, "");

	keymethod_peer_info_parse(cap_client_peer_info, &pi);
	assert_int_equal(pi.iv_proto, 990);
	assert_string_equal(pi.ciphers, "AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305");
	assert_string_equal(pi.version, "2.6.14");
	assert_string_equal(pi.platform, "linux");
	assert_int_equal(pi.ncp, 2);
	assert_int_equal(pi.mtu, 1600);
	assert_true(pi.tcpnl);
	assert_true(pi.lzo_stub && pi.comp_stub && pi.comp_stubv2);
	assert_false(pi.lz4 || pi.lz4v2 || pi.lzo);

	keymethod_peer_info_parse(NULL, &pi);
	assert_int_equal(pi.iv_proto, 0);
	assert_false(pi.has_ciphers);
	keymethod_peer_info_parse("", &pi);
	assert_false(pi.has_ciphers);
}

static void test_peer_info_junk(void **state)
{
	struct keymethod_peer_info pi;

	/* junk lines, a name that only starts like ours, no final newline */
	keymethod_peer_info_parse("garbage\n=\n\nIV_PROTOX=1\nXIV_PROTO=3\n"
				  "IV_CIPHERS\nIV_PLAT=linux\nIV_PROTO=42", &pi);
	assert_int_equal(pi.iv_proto, 42);
	assert_false(pi.has_ciphers);
	assert_string_equal(pi.platform, "linux");
	/* the first of duplicate names counts, even when it is invalid */
	keymethod_peer_info_parse("IV_PROTO=6\nIV_PROTO=746\nIV_CIPHERS=A\nIV_CIPHERS=B\n", &pi);
	assert_int_equal(pi.iv_proto, 6);
	assert_string_equal(pi.ciphers, "A");
	keymethod_peer_info_parse("IV_PROTO=7x\nIV_PROTO=746\n", &pi);
	assert_int_equal(pi.iv_proto, 0);
	/* not a number, negative, too big: 0 */
	keymethod_peer_info_parse("IV_PROTO=-2\n", &pi);
	assert_int_equal(pi.iv_proto, 0);
	keymethod_peer_info_parse("IV_PROTO=99999999999999999999\n", &pi);
	assert_int_equal(pi.iv_proto, 0);
	keymethod_peer_info_parse("IV_PROTO=\n", &pi);
	assert_int_equal(pi.iv_proto, 0);
	/* CRLF line ends */
	keymethod_peer_info_parse("IV_PROTO=746\r\nIV_CIPHERS=AES-256-GCM\r\n", &pi);
	assert_int_equal(pi.iv_proto, 746);
	assert_string_equal(pi.ciphers, "AES-256-GCM");
	/* an empty IV_CIPHERS is there, but lists nothing */
	keymethod_peer_info_parse("IV_CIPHERS=\n", &pi);
	assert_true(pi.has_ciphers);
	assert_string_equal(pi.ciphers, "");
	/* IV_TCPNL means yes only as "1" */
	keymethod_peer_info_parse("IV_TCPNL=yes\nIV_LZ4v2=1\n", &pi);
	assert_false(pi.tcpnl);
	assert_true(pi.lz4v2);
}

static void test_peer_info_long_values(void **state)
{
	struct keymethod_peer_info pi;
	char text[1024], *p;
	int i;

	/* 30 x "AES-256-GCM:" = 360 characters: keep whole names only */
	p = text + sprintf(text, "IV_VER=");
	memset(p, 'v', 100);
	p += 100;
	p += sprintf(p, "\nIV_CIPHERS=");
	for (i = 0; i < 30; i++)
		p += sprintf(p, "%sAES-256-GCM", i ? ":" : "");
	sprintf(p, "\nIV_PROTO=2\n");
	keymethod_peer_info_parse(text, &pi);
	assert_int_equal(strlen(pi.version), sizeof(pi.version) - 1);
	assert_true(strlen(pi.ciphers) <= KEYMETHOD_CIPHERS_MAX);
	assert_int_equal(strlen(pi.ciphers) % 12, 11);
	assert_string_equal(pi.ciphers + strlen(pi.ciphers) - 11, "AES-256-GCM");
	assert_int_equal(pi.iv_proto, 2);
}

static void test_peer_info_log(void **state)
{
	char path[] = "/tmp/test_ssl_keymethod_XXXXXX";
	int fd = mkstemp(path);
	struct log_config cfg = { .verb = 1, .file = path, .append = true };
	char out[512];
	ssize_t n;

	assert_true(fd >= 0);
	assert_int_equal(log_configure(&cfg), 0);
	keymethod_peer_info_log("IV_PROTO=746\nIV_X=a\033[2Jb\n\nIV_END=1");
	log_close();
	n = pread(fd, out, sizeof(out) - 1, 0);
	assert_true(n > 0);
	out[n] = '\0';
	close(fd);
	unlink(path);
	assert_non_null(strstr(out, "peer info: IV_PROTO=746\n"));
	assert_non_null(strstr(out, "peer info: IV_X=a?[2Jb\n"));
	assert_non_null(strstr(out, "peer info: IV_END=1\n"));
	assert_null(strstr(out, "\033"));
	assert_null(strstr(out, "peer info: \n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_client_bytes),
		cmocka_unit_test(test_capture_client_parse),
		cmocka_unit_test(test_capture_server),
		cmocka_unit_test(test_round_trip_client),
		cmocka_unit_test(test_no_peer_info),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_every_truncation_server),
		cmocka_unit_test(test_truncation_messages),
		cmocka_unit_test(test_length_past_end),
		cmocka_unit_test(test_missing_nul),
		cmocka_unit_test(test_oversize_options),
		cmocka_unit_test(test_total_size),
		cmocka_unit_test(test_build_no_room),
		cmocka_unit_test(test_method_byte),
		cmocka_unit_test(test_options_string),
		cmocka_unit_test(test_options_string_client),
		cmocka_unit_test(test_peer_info_build),
		cmocka_unit_test(test_peer_info_parse),
		cmocka_unit_test(test_peer_info_junk),
		cmocka_unit_test(test_peer_info_long_values),
		cmocka_unit_test(test_peer_info_log),
		cmocka_unit_test(test_peer_info_push_peer_info),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
