/*
 * Data channel offload without a kernel: the option compatibility table,
 * and (in a build with DCO) the ovpn-dco-v2 messages byte by byte, and the
 * parsers fed with well-formed and malformed replies and notifications.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "buildconf.h"
#include "dco.h"
#include "options.h"
#include "process.h"

#ifdef ENABLE_DCO
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include "dco_nl.h"
#endif

/* ---- option compatibility ------------------------------------------------ */

static char tmpdir[64];

/* finalize wants the key files to exist; their content does not matter */
static int group_setup(void **state)
{
	static const char *const files[] = { "ca.crt", "c.crt", "c.key" };
	size_t i;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_dco.XXXXXX");
	if (!mkdtemp(tmpdir) || chdir(tmpdir) < 0)
		return -1;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		FILE *f = fopen(files[i], "w");

		if (!f)
			return -1;
		fputs("x\n", f);
		fclose(f);
		chmod(files[i], 0600);
	}
	return 0;
}

static int group_teardown(void **state)
{
	unlink("ca.crt");
	unlink("c.crt");
	unlink("c.key");
	return chdir("/") == 0 ? rmdir(tmpdir) : -1;
}

/* A finalized P2P TLS configuration plus `extra` config lines. */
static void load(struct options *o, const char *extra)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "dev tun\nremote 192.0.2.1\ntls-client\nca ca.crt\ncert c.crt\nkey c.key\n%s",
		 extra);
	options_init(o);
	assert_int_equal(options_parse_string(o, text, strlen(text), "t.conf", OPT_CTX_CMDLINE), 0);
	assert_int_equal(options_finalize(o), 0);
}

static size_t check(const char *extra, struct dco_blocker *b)
{
	struct options o;
	size_t n;

	load(&o, extra);
	n = dco_check_options(&o, b, DCO_MAX_BLOCKERS);
	options_free(&o);
	return n;
}

static void test_clean_config_has_no_blocker(void **state)
{
	struct dco_blocker b[DCO_MAX_BLOCKERS];

	assert_int_equal(check("", b), 0);
	assert_int_equal(check("data-ciphers AES-128-GCM:CHACHA20-POLY1305\n"
			       "compress migrate\nproto tcp-client\npersist-tun\n"
			       "keepalive 10 60\n", b), 0);
}

struct one_case {
	const char *extra;
	const char *option;
	const char *reason_part;
	const char *fix_part;
};

static void test_each_blocker_names_option_reason_fix(void **state)
{
	static const struct one_case cases[] = {
		{ "data-ciphers AES-256-GCM:AES-256-CBC\n", "--data-ciphers", "AES-256-CBC",
		  "remove AES-256-CBC" },
		{ "data-ciphers-fallback AES-256-CBC\n", "--data-ciphers-fallback", "AES-256-CBC",
		  "AEAD" },
		{ "compress lz4-v2\n", "--compress/--comp-lzo", "lz4-v2", "compress migrate" },
		{ "comp-lzo no\n", "--compress/--comp-lzo", "compression framing", "migrate" },
		{ "allow-compression asym\n", "--allow-compression", "asym", "allow-compression no" },
		{ "user nobody\n", "--user", "nobody", "remove --user" },
		{ "inactive 600\n", "--inactive", "no packets", "remove --inactive" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dco_blocker b[DCO_MAX_BLOCKERS];
		size_t n = check(cases[i].extra, b);

		if (n != 1)
			fail_msg("'%s': %zu blockers", cases[i].extra, n);
		assert_string_equal(b[0].option, cases[i].option);
		assert_non_null(strstr(b[0].reason, cases[i].reason_part));
		assert_non_null(strstr(b[0].fix, cases[i].fix_part));
	}
}

/*
 * --user blocks offload only when CAP_NET_ADMIN cannot be kept. Runs first:
 * as root it checks the permitted case, then removes the capability from
 * this process for good so the following tests see the blocker.
 */
static void test_user_needs_net_admin(void **state)
{
	struct dco_blocker b[DCO_MAX_BLOCKERS];

	if (process_net_admin_permitted()) {
		assert_int_equal(check("user nobody\n", b), 0);
		assert_int_equal(process_drop_net_admin_permitted(), 0);
		assert_false(process_net_admin_permitted());
	}
	assert_int_equal(check("user nobody\n", b), 1);
	assert_string_equal(b[0].option, "--user");
	assert_non_null(strstr(b[0].reason, "CAP_NET_ADMIN"));
	assert_int_equal(check("group nogroup\n", b), 0);
}

/* min(hand-window, reneg-sec / 2, tran-window / 2) after the start */
static void test_swap_delay(void **state)
{
	struct options o;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.hand_window = 60;
	o.tran_window = 3600;
	assert_int_equal(dco_swap_delay_ms(&o, 1000, 1000), 60000);
	o.reneg_sec = 10;
	assert_int_equal(dco_swap_delay_ms(&o, 1000, 1000), 5000);
	o.tran_window = 8;
	assert_int_equal(dco_swap_delay_ms(&o, 1000, 2000), 3000);
	/* already due */
	assert_int_equal(dco_swap_delay_ms(&o, 1000, 9000), 0);
}

static void test_three_blockers_three_lines(void **state)
{
	struct dco_blocker b[DCO_MAX_BLOCKERS];
	size_t n = check("compress lz4\ndata-ciphers AES-256-GCM:AES-128-CBC\nuser nobody\n", b);

	assert_int_equal(n, 3);
	assert_string_equal(b[0].option, "--data-ciphers");
	assert_string_equal(b[1].option, "--compress/--comp-lzo");
	assert_string_equal(b[2].option, "--user");
}

static void test_every_bad_cipher_listed(void **state)
{
	struct dco_blocker b[DCO_MAX_BLOCKERS];

	assert_int_equal(check("data-ciphers AES-128-CBC:AES-256-GCM:AES-256-CBC\n", b), 2);
	assert_non_null(strstr(b[0].reason, "AES-128-CBC"));
	assert_non_null(strstr(b[1].reason, "AES-256-CBC"));
}

/* Blockers of fields set directly: modes the parser refuses today. */
static void test_fields_without_parser_rows(void **state)
{
	struct dco_blocker b[DCO_MAX_BLOCKERS];
	struct options o;

	load(&o, "");
	o.tls_client = false;
	assert_int_equal(dco_check_options(&o, b, DCO_MAX_BLOCKERS), 1);
	assert_string_equal(b[0].option, "--tls-client/--tls-server");
	o.tls_client = true;
	o.mode_server = true;
	o.topology = TOP_NET30;
	/* servers are offloaded, with topology subnet only */
	assert_int_equal(dco_check_options(&o, b, DCO_MAX_BLOCKERS), 1);
	assert_string_equal(b[0].option, "--topology");
	assert_non_null(strstr(b[0].fix, "--topology subnet"));
	o.topology = TOP_SUBNET;
	assert_int_equal(dco_check_options(&o, b, DCO_MAX_BLOCKERS), 0);
	o.mode_server = false;
	free(o.dev);
	o.dev = strdup("tap0");
	assert_int_equal(dco_check_options(&o, b, DCO_MAX_BLOCKERS), 1);
	assert_string_equal(b[0].option, "--dev");
	assert_non_null(strstr(b[0].fix, "--dev tun"));
	/* counting works without storage, and past the storage */
	assert_int_equal(dco_check_options(&o, NULL, 0), 1);
	options_free(&o);
}

static void test_cipher_names(void **state)
{
	assert_int_equal(dco_cipher_from_name("AES-256-GCM"), DCO_CIPHER_AES_GCM);
	assert_int_equal(dco_cipher_from_name("aes-128-gcm"), DCO_CIPHER_AES_GCM);
	assert_int_equal(dco_cipher_from_name("CHACHA20-POLY1305"), DCO_CIPHER_CHACHA20_POLY1305);
	assert_int_equal(dco_cipher_from_name("AES-256-CBC"), DCO_CIPHER_NONE);
	assert_int_equal(dco_cipher_from_name("none"), DCO_CIPHER_NONE);
	assert_int_equal(dco_cipher_from_name(NULL), DCO_CIPHER_NONE);
}

#ifdef ENABLE_DCO
/* ---- netlink messages ---------------------------------------------------- */

#define FAM 0x20
#define IFX 7

struct rattr {
	uint16_t type;           /* as sent, flags included */
	const uint8_t *data;
	size_t len;
};

/* Walk attributes of [p, p+len) into out; fails the test on a bad layout. */
static size_t walk(const uint8_t *p, size_t len, struct rattr *out, size_t max)
{
	size_t n = 0;

	while (len > 0) {
		struct nlattr a;

		assert_true(len >= sizeof(a));
		memcpy(&a, p, sizeof(a));
		assert_true(a.nla_len >= sizeof(a) && a.nla_len <= len);
		assert_true(n < max);
		out[n].type = a.nla_type;
		out[n].data = p + NLA_HDRLEN;
		out[n].len = a.nla_len - NLA_HDRLEN;
		n++;
		if ((size_t)NLA_ALIGN(a.nla_len) >= len)
			break;
		p += NLA_ALIGN(a.nla_len);
		len -= NLA_ALIGN(a.nla_len);
	}
	return n;
}

static uint32_t u32(const struct rattr *a)
{
	uint32_t v;

	assert_int_equal(a->len, 4);
	memcpy(&v, a->data, 4);
	return v;
}

/* Check the headers and IFINDEX, return the command nest's attributes. */
static size_t request(struct nl_msg *m, uint8_t cmd, uint16_t nest, struct rattr *in, size_t max)
{
	size_t len;
	const uint8_t *p = dco_nl_msg_data(m, &len);
	struct nlmsghdr h;
	struct genlmsghdr g;
	struct rattr top[4];
	size_t n;

	memcpy(&h, p, sizeof(h));
	assert_int_equal(h.nlmsg_len, len);
	assert_int_equal(h.nlmsg_type, FAM);
	assert_true(h.nlmsg_flags & NLM_F_REQUEST);
	assert_true(h.nlmsg_flags & NLM_F_ACK);
	memcpy(&g, p + NLMSG_HDRLEN, sizeof(g));
	assert_int_equal(g.cmd, cmd);
	assert_int_equal(g.version, 0);
	n = walk(p + NLMSG_HDRLEN + GENL_HDRLEN, len - NLMSG_HDRLEN - GENL_HDRLEN, top, 4);
	assert_int_equal(n, 2);
	assert_int_equal(top[0].type, 1); /* IFINDEX first */
	assert_int_equal(u32(&top[0]), IFX);
	assert_int_equal(top[1].type, nest | NLA_F_NESTED);
	return walk(top[1].data, top[1].len, in, max);
}

static void test_build_new_peer_udp(void **state)
{
	struct sockaddr_any remote = { .len = sizeof(struct sockaddr_in) };
	struct dco_peer p = { .peer_id = 0x123456, .fd = 5, .remote = &remote };
	struct nl_msg *m;
	struct rattr a[8];
	size_t n;

	remote.in4.sin_family = AF_INET;
	remote.in4.sin_port = htons(1194);
	remote.in4.sin_addr.s_addr = htonl(0x0a630002);
	assert_int_equal(dco_nl_build_new_peer(&m, FAM, IFX, &p), 0);
	n = request(m, OVPN_CMD_NEW_PEER, OVPN_ATTR_NEW_PEER, a, 8);
	assert_int_equal(n, 3);
	assert_int_equal(a[0].type, OVPN_NEW_PEER_ATTR_PEER_ID);
	assert_int_equal(u32(&a[0]), 0x123456);
	assert_int_equal(a[1].type, OVPN_NEW_PEER_ATTR_SOCKET);
	assert_int_equal(u32(&a[1]), 5);
	assert_int_equal(a[2].type, OVPN_NEW_PEER_ATTR_SOCKADDR_REMOTE);
	assert_int_equal(a[2].len, 16);
	assert_memory_equal(a[2].data, "\x02\x00\x04\xaa\x0a\x63\x00\x02", 8);
	dco_nl_msg_free(m);

	/* TCP: no remote; IPv6 remote: 28 bytes */
	p.remote = NULL;
	assert_int_equal(dco_nl_build_new_peer(&m, FAM, IFX, &p), 0);
	assert_int_equal(request(m, OVPN_CMD_NEW_PEER, OVPN_ATTR_NEW_PEER, a, 8), 2);
	dco_nl_msg_free(m);
	memset(&remote, 0, sizeof(remote));
	remote.in6.sin6_family = AF_INET6;
	p.remote = &remote;
	assert_int_equal(dco_nl_build_new_peer(&m, FAM, IFX, &p), 0);
	assert_int_equal(request(m, OVPN_CMD_NEW_PEER, OVPN_ATTR_NEW_PEER, a, 8), 3);
	assert_int_equal(a[2].len, 28);
	dco_nl_msg_free(m);

	/* values the module would refuse are refused here */
	p.peer_id = 0xFFFFFF;
	assert_int_equal(dco_nl_build_new_peer(&m, FAM, IFX, &p), -EINVAL);
	p.peer_id = 1;
	remote.sa.sa_family = AF_UNIX;
	assert_int_equal(dco_nl_build_new_peer(&m, FAM, IFX, &p), -EINVAL);
	assert_null(m);
}

static void test_build_new_key(void **state)
{
	struct dco_key k = {
		.peer_id = 9, .slot = DCO_SLOT_SECONDARY, .key_id = 3,
		.cipher = DCO_CIPHER_AES_GCM,
		.enc = { .key_len = 32 }, .dec = { .key_len = 32 },
	};
	struct rattr a[8], d[4];
	struct nl_msg *m;
	size_t len;

	memset(k.enc.key, 0xE1, 32);
	memset(k.dec.key, 0xD1, 32);
	memcpy(k.enc.nonce_tail, "ENCNONCE", 8);
	memcpy(k.dec.nonce_tail, "DECNONCE", 8);
	assert_int_equal(dco_nl_build_new_key(&m, FAM, IFX, &k), 0);
	assert_int_equal(request(m, OVPN_CMD_NEW_KEY, OVPN_ATTR_NEW_KEY, a, 8), 6);
	assert_int_equal(u32(&a[0]), 9);
	/* exact widths: u8 slot, u8 key id, u16 cipher */
	assert_int_equal(a[1].type, OVPN_NEW_KEY_ATTR_KEY_SLOT);
	assert_int_equal(a[1].len, 1);
	assert_int_equal(a[1].data[0], 1);
	assert_int_equal(a[2].type, OVPN_NEW_KEY_ATTR_KEY_ID);
	assert_int_equal(a[2].len, 1);
	assert_int_equal(a[2].data[0], 3);
	assert_int_equal(a[3].type, OVPN_NEW_KEY_ATTR_CIPHER_ALG);
	assert_int_equal(a[3].len, 2);
	assert_int_equal(a[3].data[0] | a[3].data[1] << 8, 1);
	assert_int_equal(a[4].type, OVPN_NEW_KEY_ATTR_ENCRYPT_KEY | NLA_F_NESTED);
	assert_int_equal(walk(a[4].data, a[4].len, d, 4), 2);
	assert_int_equal(d[0].type, OVPN_KEY_DIR_ATTR_CIPHER_KEY);
	assert_int_equal(d[0].len, 32);
	assert_int_equal(d[0].data[0], 0xE1);
	assert_int_equal(d[1].type, OVPN_KEY_DIR_ATTR_NONCE_TAIL);
	assert_int_equal(d[1].len, 8);
	assert_memory_equal(d[1].data, "ENCNONCE", 8);
	assert_int_equal(a[5].type, OVPN_NEW_KEY_ATTR_DECRYPT_KEY | NLA_F_NESTED);
	assert_int_equal(walk(a[5].data, a[5].len, d, 4), 2);
	assert_memory_equal(d[1].data, "DECNONCE", 8);
	/* 16 + 4 genl + 8 ifindex + 4 nest + 8 + 3*8 + 2*(4 + 36 + 12) */
	dco_nl_msg_data(m, &len);
	assert_int_equal(len, 16 + 4 + 8 + 4 + 8 + 24 + 2 * 52);
	dco_nl_msg_free(m);

	k.enc.key_len = k.dec.key_len = 20; /* no such AES key size */
	assert_int_equal(dco_nl_build_new_key(&m, FAM, IFX, &k), -EINVAL);
	k.enc.key_len = k.dec.key_len = 16;
	k.cipher = DCO_CIPHER_CHACHA20_POLY1305;
	assert_int_equal(dco_nl_build_new_key(&m, FAM, IFX, &k), -EINVAL);
	k.cipher = DCO_CIPHER_NONE;
	assert_int_equal(dco_nl_build_new_key(&m, FAM, IFX, &k), -EINVAL);
}

static void test_build_small_requests(void **state)
{
	struct rattr a[4];
	struct nl_msg *m;

	assert_int_equal(dco_nl_build_set_peer(&m, FAM, IFX, 4, 10, 60), 0);
	assert_int_equal(request(m, OVPN_CMD_SET_PEER, OVPN_ATTR_SET_PEER, a, 4), 3);
	assert_int_equal(u32(&a[1]), 10);
	assert_int_equal(u32(&a[2]), 60);
	dco_nl_msg_free(m);
	assert_int_equal(dco_nl_build_del_peer(&m, FAM, IFX, 4), 0);
	assert_int_equal(request(m, OVPN_CMD_DEL_PEER, OVPN_ATTR_DEL_PEER, a, 4), 1);
	assert_int_equal(a[0].type, OVPN_DEL_PEER_ATTR_PEER_ID);
	dco_nl_msg_free(m);
	assert_int_equal(dco_nl_build_swap_keys(&m, FAM, IFX, 4), 0);
	assert_int_equal(request(m, OVPN_CMD_SWAP_KEYS, OVPN_ATTR_SWAP_KEYS, a, 4), 1);
	dco_nl_msg_free(m);
	assert_int_equal(dco_nl_build_del_key(&m, FAM, IFX, 4, DCO_SLOT_PRIMARY), 0);
	assert_int_equal(request(m, OVPN_CMD_DEL_KEY, OVPN_ATTR_DEL_KEY, a, 4), 2);
	assert_int_equal(a[1].len, 1);
	dco_nl_msg_free(m);
	assert_int_equal(dco_nl_build_del_key(&m, FAM, IFX, 4, (enum dco_key_slot)2), -EINVAL);
	assert_int_equal(dco_nl_build_get_peer(&m, FAM, IFX, 4), 0);
	assert_int_equal(request(m, OVPN_CMD_GET_PEER, OVPN_ATTR_GET_PEER, a, 4), 1);
	dco_nl_msg_free(m);
}

static void test_build_newlink(void **state)
{
	struct rattr top[4], info[4], data[2];
	struct nl_msg *m;
	struct nlmsghdr h;
	const uint8_t *p;
	size_t len, n;

	assert_int_equal(dco_nl_build_newlink(&m, "tun3", DCO_MODE_P2P), 0);
	p = dco_nl_msg_data(m, &len);
	memcpy(&h, p, sizeof(h));
	assert_int_equal(h.nlmsg_type, RTM_NEWLINK);
	assert_true(h.nlmsg_flags & NLM_F_CREATE);
	assert_true(h.nlmsg_flags & NLM_F_EXCL);
	n = walk(p + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ifinfomsg)),
		 len - NLMSG_HDRLEN - NLMSG_ALIGN(sizeof(struct ifinfomsg)), top, 4);
	assert_int_equal(n, 2);
	assert_int_equal(top[0].type, IFLA_IFNAME);
	assert_string_equal((const char *)top[0].data, "tun3");
	assert_int_equal(top[1].type & NLA_TYPE_MASK, IFLA_LINKINFO);
	assert_int_equal(walk(top[1].data, top[1].len, info, 4), 2);
	assert_string_equal((const char *)info[0].data, "ovpn-dco");
	assert_int_equal(walk(info[1].data, info[1].len, data, 2), 1);
	assert_int_equal(data[0].type, IFLA_OVPN_MODE);
	assert_int_equal(data[0].len, 1);
	assert_int_equal(data[0].data[0], 0);
	dco_nl_msg_free(m);
	assert_int_equal(dco_nl_build_newlink(&m, "a-name-much-too-long", DCO_MODE_P2P), -EINVAL);
	assert_int_equal(dco_nl_build_newlink(&m, "tun0", (enum dco_mode)2), -EINVAL);
	assert_int_equal(dco_nl_build_dellink(&m, 0), -EINVAL);
}

/* ---- parsers: hand-made messages ------------------------------------------ */

struct mb {
	uint8_t b[512];
	size_t len;
	size_t nest[4];
	int depth;
};

static void mb_start(struct mb *m, uint16_t type, uint8_t cmd)
{
	struct nlmsghdr h = { .nlmsg_type = type };
	struct genlmsghdr g = { .cmd = cmd, .version = 1 };

	memset(m, 0, sizeof(*m));
	memcpy(m->b, &h, sizeof(h));
	memcpy(m->b + NLMSG_HDRLEN, &g, sizeof(g));
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

static void mb_attr(struct mb *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + len), .nla_type = type };

	memcpy(m->b + m->len, &a, sizeof(a));
	memcpy(m->b + m->len + NLA_HDRLEN, data, len);
	m->len += NLA_ALIGN(NLA_HDRLEN + len);
}

static void mb_u32(struct mb *m, uint16_t type, uint32_t v) { mb_attr(m, type, &v, 4); }
static void mb_u64(struct mb *m, uint16_t type, uint64_t v) { mb_attr(m, type, &v, 8); }
static void mb_u8(struct mb *m, uint16_t type, uint8_t v) { mb_attr(m, type, &v, 1); }

static void mb_nest(struct mb *m, uint16_t type)
{
	m->nest[m->depth++] = m->len;
	mb_attr(m, type, NULL, 0);
}

static void mb_nest_end(struct mb *m)
{
	size_t at = m->nest[--m->depth];
	uint16_t l = (uint16_t)(m->len - at);

	memcpy(m->b + at, &l, 2);
}

static size_t mb_done(struct mb *m)
{
	uint32_t l = (uint32_t)m->len;

	memcpy(m->b, &l, 4);
	return m->len;
}

static size_t del_peer_msg(struct mb *m, int reason, int peer_id_len)
{
	mb_start(m, FAM, OVPN_CMD_DEL_PEER);
	mb_u32(m, OVPN_ATTR_IFINDEX, IFX);
	mb_nest(m, OVPN_ATTR_DEL_PEER | NLA_F_NESTED);
	if (reason >= 0)
		mb_u8(m, OVPN_DEL_PEER_ATTR_REASON, (uint8_t)reason);
	if (peer_id_len == 4)
		mb_u32(m, OVPN_DEL_PEER_ATTR_PEER_ID, 0x76706e);
	else if (peer_id_len > 0)
		mb_attr(m, OVPN_DEL_PEER_ATTR_PEER_ID, "\x01\x02\x03\x04\x05", (size_t)peer_id_len);
	mb_nest_end(m);
	return mb_done(m);
}

static void test_parse_notification(void **state)
{
	struct dco_notification n;
	struct mb m;
	size_t len;

	len = del_peer_msg(&m, DCO_DEL_EXPIRED, 4);
	assert_int_equal(dco_nl_parse_notification(m.b, len, FAM, &n), 0);
	assert_int_equal(n.ifindex, IFX);
	assert_int_equal(n.peer_id, 0x76706e);
	assert_int_equal(n.reason, DCO_DEL_EXPIRED);

	/* malformed: each is refused, none crashes */
	len = del_peer_msg(&m, 5, 4);                     /* reason out of range */
	assert_int_equal(dco_nl_parse_notification(m.b, len, FAM, &n), -EBADMSG);
	len = del_peer_msg(&m, -1, 4);                    /* no reason */
	assert_int_equal(dco_nl_parse_notification(m.b, len, FAM, &n), -EBADMSG);
	len = del_peer_msg(&m, 2, 0);                     /* no peer id */
	assert_int_equal(dco_nl_parse_notification(m.b, len, FAM, &n), -EBADMSG);
	len = del_peer_msg(&m, 2, 2);                     /* peer id of 2 bytes */
	assert_int_equal(dco_nl_parse_notification(m.b, len, FAM, &n), -EBADMSG);
	len = del_peer_msg(&m, 2, 4);
	assert_int_equal(dco_nl_parse_notification(m.b, len - 1, FAM, &n), -EBADMSG);
	assert_int_equal(dco_nl_parse_notification(m.b, 10, FAM, &n), -EBADMSG);
	m.b[NLMSG_HDRLEN + GENL_HDRLEN + 8] = 0xff;       /* nest length past the end */
	assert_int_equal(dco_nl_parse_notification(m.b, len, FAM, &n), -EBADMSG);
	len = del_peer_msg(&m, 2, 4);
	assert_int_equal(dco_nl_parse_notification(m.b, len, FAM + 1, &n), -ENOMSG);

	mb_start(&m, FAM, OVPN_CMD_DEL_PEER);             /* no ifindex */
	mb_nest(&m, OVPN_ATTR_DEL_PEER);
	mb_u8(&m, OVPN_DEL_PEER_ATTR_REASON, 2);
	mb_u32(&m, OVPN_DEL_PEER_ATTR_PEER_ID, 1);
	mb_nest_end(&m);
	len = mb_done(&m);
	assert_int_equal(dco_nl_parse_notification(m.b, len, FAM, &n), -EBADMSG);

	mb_start(&m, FAM, OVPN_CMD_NEW_PEER);             /* another command */
	mb_u32(&m, OVPN_ATTR_IFINDEX, IFX);
	len = mb_done(&m);
	assert_int_equal(dco_nl_parse_notification(m.b, len, FAM, &n), -ENOMSG);
}

static size_t stats_msg(struct mb *m, bool short_counter, bool with_id)
{
	uint16_t port = htons(1194);

	mb_start(m, FAM, OVPN_CMD_GET_PEER);
	mb_nest(m, OVPN_ATTR_GET_PEER | NLA_F_NESTED);
	if (with_id)
		mb_u32(m, OVPN_GET_PEER_RESP_ATTR_PEER_ID, 42);
	mb_u32(m, OVPN_GET_PEER_RESP_ATTR_KEEPALIVE_INTERVAL, 10);
	mb_attr(m, OVPN_GET_PEER_RESP_ATTR_LOCAL_PORT | NLA_F_NET_BYTEORDER, &port, 2);
	mb_u64(m, OVPN_GET_PEER_RESP_ATTR_VPN_RX_BYTES, 168);
	mb_u32(m, OVPN_GET_PEER_RESP_ATTR_VPN_RX_PACKETS, 2);
	if (short_counter)
		mb_u32(m, OVPN_GET_PEER_RESP_ATTR_VPN_TX_BYTES, 1);
	else
		mb_u64(m, OVPN_GET_PEER_RESP_ATTR_VPN_TX_BYTES, 5000000000ULL);
	mb_u64(m, OVPN_GET_PEER_RESP_ATTR_LINK_RX_BYTES, 216);
	mb_u64(m, OVPN_GET_PEER_RESP_ATTR_LINK_TX_BYTES, 300);
	mb_u32(m, 0, 0);                                  /* padding attribute */
	mb_u32(m, 40, 0);                                 /* newer attribute: skipped */
	mb_nest_end(m);
	return mb_done(m);
}

static void test_parse_peer_stats(void **state)
{
	struct dco_peer_stats st;
	struct mb m;
	size_t len;

	len = stats_msg(&m, false, true);
	assert_int_equal(dco_nl_parse_peer_stats(m.b, len, FAM, &st), 0);
	assert_int_equal(st.peer_id, 42);
	assert_int_equal(st.vpn_rx_bytes, 168);
	assert_int_equal(st.vpn_rx_packets, 2);
	assert_int_equal(st.vpn_tx_bytes, 5000000000ULL);
	assert_int_equal(st.link_rx_bytes, 216);
	assert_int_equal(st.present, DCO_STAT_VPN_RX | DCO_STAT_VPN_TX | DCO_STAT_LINK_RX |
			 DCO_STAT_LINK_TX);
	len = stats_msg(&m, true, true);
	assert_int_equal(dco_nl_parse_peer_stats(m.b, len, FAM, &st), -EBADMSG);
	len = stats_msg(&m, false, false);
	assert_int_equal(dco_nl_parse_peer_stats(m.b, len, FAM, &st), -EBADMSG);
	len = stats_msg(&m, false, true);
	assert_int_equal(dco_nl_parse_peer_stats(m.b, len - 4, FAM, &st), -EBADMSG);
	mb_start(&m, FAM, OVPN_CMD_GET_PEER);             /* no nest at all */
	len = mb_done(&m);
	assert_int_equal(dco_nl_parse_peer_stats(m.b, len, FAM, &st), -EBADMSG);
	len = del_peer_msg(&m, 2, 4);
	assert_int_equal(dco_nl_parse_peer_stats(m.b, len, FAM, &st), -ENOMSG);
}

static void test_parse_error(void **state)
{
	uint8_t b[128];
	struct nlmsghdr h = { .nlmsg_type = NLMSG_ERROR };
	struct nlmsgerr e = { .error = -ENOENT };
	struct nlattr a = { .nla_len = NLA_HDRLEN + 6, .nla_type = NLMSGERR_ATTR_MSG };
	char text[64];
	int err;
	size_t len = NLMSG_HDRLEN + sizeof(e);

	memset(b, 0, sizeof(b));
	h.nlmsg_len = (uint32_t)len;
	memcpy(b, &h, sizeof(h));
	memcpy(b + NLMSG_HDRLEN, &e, sizeof(e));
	assert_int_equal(dco_nl_parse_error(b, len, &err, text, sizeof(text)), 0);
	assert_int_equal(err, -ENOENT);
	assert_string_equal(text, "");

	/* with an extended-ack text after the capped request header */
	h.nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
	h.nlmsg_len = (uint32_t)(len + NLA_ALIGN(a.nla_len));
	memcpy(b, &h, sizeof(h));
	memcpy(b + len, &a, sizeof(a));
	memcpy(b + len + NLA_HDRLEN, "range", 6);
	assert_int_equal(dco_nl_parse_error(b, h.nlmsg_len, &err, text, sizeof(text)), 0);
	assert_string_equal(text, "range");

	/* truncated, positive error, not an error message */
	assert_int_equal(dco_nl_parse_error(b, NLMSG_HDRLEN + 2, &err, NULL, 0), -EBADMSG);
	e.error = 5;
	memcpy(b + NLMSG_HDRLEN, &e, sizeof(e));
	assert_int_equal(dco_nl_parse_error(b, h.nlmsg_len, &err, NULL, 0), -EBADMSG);
	h.nlmsg_type = NLMSG_DONE;
	memcpy(b, &h, sizeof(h));
	assert_int_equal(dco_nl_parse_error(b, h.nlmsg_len, &err, NULL, 0), -ENOMSG);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_user_needs_net_admin), /* first: see its comment */
		cmocka_unit_test(test_clean_config_has_no_blocker),
		cmocka_unit_test(test_swap_delay),
		cmocka_unit_test(test_each_blocker_names_option_reason_fix),
		cmocka_unit_test(test_three_blockers_three_lines),
		cmocka_unit_test(test_every_bad_cipher_listed),
		cmocka_unit_test(test_fields_without_parser_rows),
		cmocka_unit_test(test_cipher_names),
#ifdef ENABLE_DCO
		cmocka_unit_test(test_build_new_peer_udp),
		cmocka_unit_test(test_build_new_key),
		cmocka_unit_test(test_build_small_requests),
		cmocka_unit_test(test_build_newlink),
		cmocka_unit_test(test_parse_notification),
		cmocka_unit_test(test_parse_peer_stats),
		cmocka_unit_test(test_parse_error),
#endif
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
