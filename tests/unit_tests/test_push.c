/* PUSH_REPLY: gathering parts, applying options, building replies. */
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

#include "log.h"
#include "options.h"
#include "push.h"

/* What a 2.6 server with Debian's sample server.conf pushes to a 2.6
 * client, and to one that hides cc-exit (wire protocol notes, 9.3). */
static const char reply_26[] =
	"PUSH_REPLY,route-gateway 10.8.0.1,topology subnet,ping 10,ping-restart 120,"
	"ifconfig 10.8.0.2 255.255.255.0,peer-id 0,cipher AES-256-GCM,"
	"protocol-flags cc-exit tls-ekm dyn-tls-crypt,tun-mtu 1500";
static const char reply_26_no_cc_exit[] =
	"PUSH_REPLY,route-gateway 10.8.0.1,topology subnet,ping 10,ping-restart 120,"
	"ifconfig 10.8.0.2 255.255.255.0,peer-id 0,cipher AES-256-GCM,"
	"key-derivation tls-ekm,protocol-flags dyn-tls-crypt,tun-mtu 1500";

/* ---- helpers ------------------------------------------------------------- */

static char log_path[64];

/* Log to a file at verb 4, so that tests can look for the lines. */
static int setup_log(void **state)
{
	struct log_config cfg = { .verb = 4 };
	int fd;

	strcpy(log_path, "/tmp/test_push_log_XXXXXX");
	fd = mkstemp(log_path);
	if (fd < 0)
		return -1;
	close(fd);
	cfg.file = log_path;
	return log_configure(&cfg);
}

static int teardown_log(void **state)
{
	struct log_config cfg = { .verb = 1 };

	log_configure(&cfg);
	unlink(log_path);
	return 0;
}

static bool log_has(const char *frag)
{
	static char buf[65536];
	FILE *f = fopen(log_path, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, frag) != NULL;
}

#define assert_log_has(frag) do { \
	if (!log_has(frag)) \
		fail_msg("log lacks '%s'", (frag)); \
} while (0)

#define CLIENT_CONF "client\nremote vpn.example\ndev tun\nnobind\n" \
	"<ca>\nx\n</ca>\n<cert>\nx\n</cert>\n<key>\nx\n</key>\n"

/* A finalized client configuration plus `extra` config lines. */
static void client_options(struct options *o, const char *extra)
{
	char text[2048];

	snprintf(text, sizeof(text), "%s%s", CLIENT_CONF, extra);
	options_init(o);
	if (options_parse_string(o, text, strlen(text), "c.conf", OPT_CTX_CMDLINE) != 0)
		fail_msg("config rejected: %s", options_last_error());
	if (options_finalize(o) != 0)
		fail_msg("finalize failed: %s", options_last_error());
}

/* Gather one complete reply; its option list is copied to `list`. */
static void accum_one(const char *msg, char *list, size_t len)
{
	struct push_accum a;

	push_accum_init(&a);
	assert_int_equal(push_accum_add(&a, msg), 1);
	snprintf(list, len, "%s", a.text);
}

/* ---- gathering ----------------------------------------------------------- */

static void test_accum_single(void **state)
{
	struct push_accum a;

	push_accum_init(&a);
	assert_int_equal(push_accum_add(&a, reply_26), 1);
	assert_string_equal(a.text, reply_26 + strlen("PUSH_REPLY,"));
	assert_int_equal(a.len, strlen(a.text));
	assert_int_equal(a.parts, 1);

	/* an empty reply is legal */
	push_accum_init(&a);
	assert_int_equal(push_accum_add(&a, "PUSH_REPLY"), 1);
	assert_string_equal(a.text, "");
	assert_int_equal(a.len, 0);
	assert_int_equal(a.parts, 1);
}

static void test_accum_multi(void **state)
{
	struct push_accum a;

	push_accum_init(&a);
	assert_int_equal(push_accum_add(&a, "PUSH_REPLY,route 10.1.0.0 255.255.0.0,"
					"ping 10,push-continuation 2"), 0);
	assert_string_equal(a.text, "route 10.1.0.0 255.255.0.0,ping 10");
	assert_int_equal(push_accum_add(&a, "PUSH_REPLY,route 10.2.0.0 255.255.0.0,"
					"push-continuation 2"), 0);
	assert_int_equal(push_accum_add(&a, "PUSH_REPLY,topology subnet,"
					"push-continuation 1"), 1);
	assert_string_equal(a.text, "route 10.1.0.0 255.255.0.0,ping 10,"
			    "route 10.2.0.0 255.255.0.0,topology subnet");
	assert_int_equal(a.len, strlen(a.text));
	assert_int_equal(a.parts, 3);

	/* a later part without the item ends the reply too */
	push_accum_init(&a);
	assert_int_equal(push_accum_add(&a, "PUSH_REPLY,a 1,push-continuation 2"), 0);
	assert_int_equal(push_accum_add(&a, "PUSH_REPLY,b 2"), 1);
	assert_string_equal(a.text, "a 1,b 2");
}

/* The item may stand anywhere; the last one in a message decides. */
static void test_accum_continuation_anywhere(void **state)
{
	struct push_accum a;

	push_accum_init(&a);
	assert_int_equal(push_accum_add(&a, "PUSH_REPLY,a 1,push-continuation 2,b 2"), 0);
	assert_int_equal(push_accum_add(&a, "PUSH_REPLY,push-continuation 1,c 3"), 1);
	assert_string_equal(a.text, "a 1,b 2,c 3");

	push_accum_init(&a);
	assert_int_equal(push_accum_add(&a, "PUSH_REPLY,push-continuation 1,a,"
					"push-continuation 2"), 0);
	assert_int_equal(push_accum_add(&a, "PUSH_REPLY,push-continuation 2,b,"
					" push-continuation  1 "), 1);
	assert_string_equal(a.text, "a,b");

	/* only the exact word is the continuation item */
	push_accum_init(&a);
	assert_int_equal(push_accum_add(&a, "PUSH_REPLY,push-continuationx 2"), 1);
	assert_string_equal(a.text, "push-continuationx 2");
}

/* A 2.6 server sends empty items for push "" and push " "; its clients
 * take the rest of the reply. */
static void test_accum_empty_items(void **state)
{
	struct push_accum a;

	push_accum_init(&a);
	assert_int_equal(push_accum_add(&a, "PUSH_REPLY,, ,  route 10.5.0.0 255.255.0.0,,"), 1);
	assert_string_equal(a.text, "  route 10.5.0.0 255.255.0.0");
	assert_int_equal(push_accum_add(&a, "PUSH_REPLY,"), 1);
	assert_string_equal(a.text, "  route 10.5.0.0 255.255.0.0");
}

static void test_accum_malformed(void **state)
{
	static const char *const bad[] = {
		"", "PUSH_REQUEST", "PUSH_REPL", "push_reply,ping 1", "PUSH_REPLYX",
		"PUSH_REPLYping 1", " PUSH_REPLY,ping 1", "PUSH_REPLY;ping 1",
		"PUSH_REPLY,ping 1\nscript-security 3", "PUSH_REPLY,ping 1\r",
		"PUSH_REPLY,ping\t1\x7f", "PUSH_REPLY,push-continuation",
		"PUSH_REPLY,push-continuation 3", "PUSH_REPLY,push-continuation 0",
		"PUSH_REPLY,push-continuation 12", "PUSH_REPLY,push-continuation x",
		"PUSH_REPLY,push-continuation 2 2", "AUTH_FAILED",
		/* 2.6 drops messages with any non-printable character */
		"PUSH_REPLY,ping\t1",
	};
	struct push_accum a;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		push_accum_init(&a);
		assert_int_equal(push_accum_add(&a, "PUSH_REPLY,a 1,push-continuation 2"), 0);
		if (push_accum_add(&a, bad[i]) != -EBADMSG)
			fail_msg("'%s' was not refused as malformed", bad[i]);
		/* nothing of a broken reply survives */
		assert_int_equal(a.len, 0);
		assert_int_equal(a.parts, 0);
		assert_string_equal(a.text, "");
	}
}

static void test_accum_oversize(void **state)
{
	struct push_accum a;
	char *msg = malloc(PUSH_TEXT_MAX + 64);
	size_t head = strlen("PUSH_REPLY,");
	int i, ret;

	assert_non_null(msg);
	/* exactly PUSH_TEXT_MAX - 1 characters fit */
	strcpy(msg, "PUSH_REPLY,");
	memset(msg + head, 'x', PUSH_TEXT_MAX - 1);
	msg[head + PUSH_TEXT_MAX - 1] = '\0';
	push_accum_init(&a);
	assert_int_equal(push_accum_add(&a, msg), 1);
	assert_int_equal(a.len, PUSH_TEXT_MAX - 1);
	msg[head + PUSH_TEXT_MAX - 1] = 'x';
	msg[head + PUSH_TEXT_MAX] = '\0';
	push_accum_init(&a);
	assert_int_equal(push_accum_add(&a, msg), -E2BIG);
	assert_int_equal(a.len, 0);

	/* many parts that add up to too much */
	memset(msg + head, 'y', 1000);
	strcpy(msg + head + 1000, ",push-continuation 2");
	push_accum_init(&a);
	for (i = 0, ret = 0; i < 40 && ret == 0; i++)
		ret = push_accum_add(&a, msg);
	assert_int_equal(ret, -E2BIG);
	assert_int_equal(i, 17);	/* 16 x 1001 fit into 16383, 17 do not */
	assert_int_equal(a.len, 0);
	free(msg);
}

/* ---- applying ------------------------------------------------------------ */

static void test_apply_26_reply(void **state)
{
	struct options cfg, o;
	char list[PUSH_TEXT_MAX];

	client_options(&cfg, "");
	assert_int_equal(options_copy(&o, &cfg), 0);
	accum_one(reply_26, list, sizeof(list));
	assert_int_equal(push_apply(&o, list), 9);
	assert_string_equal(o.route_gateway, "10.8.0.1");
	assert_int_equal(o.topology, TOP_SUBNET);
	assert_true(o.topology_set);
	assert_int_equal(o.ping, 10);
	assert_int_equal(o.ping_restart, 120);
	assert_int_equal(o.ping_exit, 0);
	assert_string_equal(o.ifconfig_local, "10.8.0.2");
	assert_string_equal(o.ifconfig_remote, "255.255.255.0");
	assert_int_equal(o.push_peer_id, 0);
	assert_string_equal(o.cipher, "AES-256-GCM");
	assert_true(o.cipher_set);
	assert_true(o.cipher_pushed);
	assert_true(o.protocol_flags_cc_exit);
	assert_true(o.protocol_flags_tls_ekm);
	assert_true(o.protocol_flags_dyn_tls_crypt);
	assert_false(o.key_derivation_ekm);
	assert_int_equal(o.tun_mtu, 1500);
	assert_int_equal(o.n_routes, 0);
	assert_int_equal(o.comp, COMP_ALG_NONE);
	/* the configuration the copy came from is untouched */
	assert_null(cfg.route_gateway);
	assert_null(cfg.ifconfig_local);
	assert_int_equal(cfg.topology, TOP_NET30);
	assert_int_equal(cfg.push_peer_id, -1);
	assert_string_equal(cfg.cipher, "BF-CBC");
	assert_false(cfg.cipher_pushed);
	assert_false(cfg.protocol_flags_tls_ekm);
	assert_int_equal(cfg.ping, 0);
	options_free(&o);

	assert_int_equal(options_copy(&o, &cfg), 0);
	accum_one(reply_26_no_cc_exit, list, sizeof(list));
	assert_int_equal(push_apply(&o, list), 10);
	assert_true(o.key_derivation_ekm);
	assert_false(o.protocol_flags_cc_exit);
	assert_false(o.protocol_flags_tls_ekm);
	assert_true(o.protocol_flags_dyn_tls_crypt);
	assert_int_equal(o.push_peer_id, 0);
	options_free(&o);
	options_free(&cfg);
}

/* Pushed routes add to the configured ones; single values replace them. */
static void test_apply_add_and_replace(void **state)
{
	struct options o;

	client_options(&o, "route 192.168.7.0 255.255.255.0\nping 3\n"
		       "ifconfig 10.9.0.2 10.9.0.1\ncipher AES-128-GCM\n");
	assert_int_equal(push_apply(&o, "route 10.1.0.0 255.255.0.0,ping 10,"
				    "topology subnet,ifconfig 10.8.0.2 255.255.255.0,"
				    "route-ipv6 2001:db8::/32,cipher AES-256-GCM"), 6);
	assert_int_equal(o.n_routes, 2);
	assert_string_equal(o.routes[0].network, "192.168.7.0");
	assert_string_equal(o.routes[1].network, "10.1.0.0");
	assert_int_equal(o.n_routes_ipv6, 1);
	assert_int_equal(o.ping, 10);
	assert_string_equal(o.ifconfig_local, "10.8.0.2");
	assert_string_equal(o.ifconfig_remote, "255.255.255.0");
	assert_string_equal(o.cipher, "AES-256-GCM");
	options_free(&o);
}

static void test_apply_pull_filter_order(void **state)
{
	struct options o;

	/* first match wins: the accept before the broader ignore */
	client_options(&o, "pull-filter accept \"route 10.99\"\n"
		       "pull-filter ignore \"route \"\n"
		       "pull-filter ignore \"  ping\"\n");
	assert_int_equal(push_apply(&o, "route 10.99.0.0 255.255.0.0,"
				    "route 10.98.0.0 255.255.0.0,route-gateway 10.8.0.1,"
				    "ping 10"), 3);
	assert_int_equal(o.n_routes, 1);
	assert_string_equal(o.routes[0].network, "10.99.0.0");
	/* "route " with its space does not match route-gateway */
	assert_string_equal(o.route_gateway, "10.8.0.1");
	/* leading blanks of the filter text are part of the prefix */
	assert_int_equal(o.ping, 10);
	assert_log_has("Pushed option accepted by filter: 'route 10.99.0.0 255.255.0.0'");
	assert_log_has("Pushed option removed by filter: 'route 10.98.0.0 255.255.0.0'");
	options_free(&o);

	/* a plain prefix takes everything that starts with it (2.6's example) */
	client_options(&o, "pull-filter ignore route\n");
	assert_int_equal(push_apply(&o, "route 10.1.0.0,route-gateway 10.8.0.1,"
				    " route-ipv6 2001:db8::/32,ping 5"), 1);
	assert_int_equal(o.n_routes, 0);
	assert_int_equal(o.n_routes_ipv6, 0);
	assert_null(o.route_gateway);
	assert_int_equal(o.ping, 5);
	options_free(&o);

	/* "" matches every option */
	client_options(&o, "pull-filter accept \"ping \"\npull-filter ignore \"\"\n");
	assert_int_equal(push_apply(&o, "ping 7,ping-restart 60,topology subnet"), 1);
	assert_int_equal(o.ping, 7);
	assert_int_equal(o.ping_restart, 0);
	options_free(&o);
}

static void test_apply_pull_filter_reject(void **state)
{
	struct options o;

	client_options(&o, "pull-filter accept \"route 10.\"\n"
		       "pull-filter reject route\n");
	/* accepted by the earlier filter */
	assert_int_equal(push_apply(&o, "route 10.1.0.0 255.255.0.0"), 1);
	/* the reject stops at once and fails the reply */
	assert_int_equal(push_apply(&o, "ping 10,route 192.168.0.0 255.255.0.0,"
				    "ping-restart 60"), -EINVAL);
	assert_int_equal(o.ping, 10);
	assert_int_equal(o.ping_restart, 0);
	assert_log_has("Pushed option rejected by filter: 'route 192.168.0.0 255.255.0.0'");
	/* blanks before the option do not hide it */
	assert_int_equal(push_apply(&o, "  route 192.168.0.0"), -EINVAL);
	options_free(&o);
}

static void test_apply_route_nopull(void **state)
{
	struct options o;

	client_options(&o, "route-nopull\nroute 192.168.7.0 255.255.255.0\n");
	assert_true(o.route_nopull);
	assert_int_equal(push_apply(&o, "route 10.1.0.0 255.255.0.0,"
				    "route-ipv6 2001:db8::/32,redirect-gateway def1,"
				    "dhcp-option DNS 10.8.0.1,dns server 0 address 10.8.0.1,"
				    "route-metric 5,block-outside-dns,route-gateway 10.8.0.1,"
				    "topology subnet,ifconfig 10.8.0.2 255.255.255.0,"
				    "ifconfig-ipv6 fd00::2/64 fd00::1"), 4);
	assert_int_equal(o.n_routes, 1);
	assert_string_equal(o.routes[0].network, "192.168.7.0");
	assert_int_equal(o.n_routes_ipv6, 0);
	assert_int_equal(o.redirect_gateway, 0);
	assert_int_equal(o.n_dhcp_options, 0);
	assert_int_equal(o.n_dns, 0);
	assert_int_equal(o.route_metric, 0);
	/* the interface itself is still the server's to set */
	assert_string_equal(o.route_gateway, "10.8.0.1");
	assert_string_equal(o.ifconfig_local, "10.8.0.2");
	assert_string_equal(o.ifconfig_ipv6_local, "fd00::2/64");
	assert_log_has("Pushed option ignored (--route-nopull): 'route 10.1.0.0 255.255.0.0'");
	options_free(&o);

	/* without it the same reply is taken whole */
	client_options(&o, "");
	assert_int_equal(push_apply(&o, "route 10.1.0.0 255.255.0.0,"
				    "redirect-gateway def1 bypass-dhcp,"
				    "dhcp-option DNS 10.8.0.1,dns server 0 address 10.8.0.1"), 4);
	assert_int_equal(o.n_routes, 1);
	assert_int_equal(o.redirect_gateway,
			 REDIRECT_ENABLE | REDIRECT_DEF1 | REDIRECT_BYPASS_DHCP);
	assert_int_equal(o.n_dhcp_options, 1);
	assert_string_equal(o.dhcp_options[0].argv[0], "DNS");
	assert_string_equal(o.dhcp_options[0].argv[1], "10.8.0.1");
	assert_true(o.dhcp_options[0].pushed);
	assert_int_equal(o.n_dns, 1);
	options_free(&o);
}

/* What may not be pushed is reported, skipped, and the rest applies. */
static void test_apply_not_allowed(void **state)
{
	struct options o;
	unsigned int before;

	client_options(&o, "");
	before = options_error_count();
	assert_int_equal(push_apply(&o, "ping 10,script-security 3,up /bin/sh,"
				    "config /etc/passwd,dev tap0,no-such-option 1,"
				    "route 10.0.0.0 255.0.255.0,ping-restart 60"), 2);
	assert_int_equal(options_error_count() - before, 6);
	assert_int_equal(o.script_security, 1);
	assert_null(o.up);
	assert_string_equal(o.dev, "tun");
	assert_int_equal(o.n_routes, 0);
	assert_int_equal(o.ping, 10);
	assert_int_equal(o.ping_restart, 60);
	assert_log_has("[PUSH-OPTIONS]:2: option 'script-security': a server may not push this option");
	assert_log_has("[PUSH-OPTIONS]:3: option 'up': a server may not push this option");
	assert_log_has("[PUSH-OPTIONS]:4: option 'config': a server may not push this option");
	assert_log_has("[PUSH-OPTIONS]:5: option 'dev': a server may not push this option");
	assert_log_has("[PUSH-OPTIONS]:6: unknown option 'no-such-option'");
	assert_log_has("[PUSH-OPTIONS]:7: option 'route': '255.0.255.0' is not a netmask");
	options_free(&o);

	/* syntax errors, values out of range, wrong argument counts */
	client_options(&o, "");
	before = options_error_count();
	assert_int_equal(push_apply(&o, "ping \"10,peer-id 16777216,ping,"
				    "protocol-flags,key-derivation tls-prf,cipher AES 256,"
				    "route-gateway"), 0);
	assert_int_equal(options_error_count() - before, 7);
	assert_int_equal(o.push_peer_id, -1);
	assert_false(o.key_derivation_ekm);
	assert_string_equal(o.cipher, "BF-CBC");
	assert_log_has("[PUSH-OPTIONS]:1: ");
	assert_log_has("[PUSH-OPTIONS]:2: option 'peer-id': 16777216 is out of range");
	options_free(&o);
}

static void test_apply_flags_and_misc(void **state)
{
	struct options o;

	client_options(&o, "");
	assert_int_equal(push_apply(&o, "protocol-flags cc-exit epoch-keys,"
				    "block-outside-dns,register-dns,echo msg hello there,"
				    "echo no-log,auth-token SESS_ID_xyz,inactive 3600 100,"
				    "explicit-exit-notify 2,peer-id 16777215,cipher SEED-CBC,"
				    "tun-ipv6,,  ,#comment"), 9);
	assert_true(o.protocol_flags_cc_exit);
	assert_false(o.protocol_flags_tls_ekm);
	assert_log_has("option 'protocol-flags': unknown flag 'epoch-keys' ignored");
	assert_log_has("option 'block-outside-dns' ignored: it only has an effect on Windows");
	assert_log_has("ECHO-PULL:msg hello there");
	assert_false(log_has("no-log"));
	assert_string_equal(o.auth_token, "SESS_ID_xyz");
	assert_int_equal(o.inactive, 3600);
	assert_int_equal(o.inactive_bytes, 100);
	assert_int_equal(o.explicit_exit_notify, 2);
	assert_int_equal(o.push_peer_id, 0xFFFFFF);
	/* a cipher we do not know is kept, so the check names it */
	assert_string_equal(o.cipher, "SEED-CBC");
	assert_true(o.cipher_pushed);
	options_free(&o);

	/* known names are written the canonical way */
	client_options(&o, "");
	assert_int_equal(push_apply(&o, "cipher aes-128-gcm"), 1);
	assert_string_equal(o.cipher, "AES-128-GCM");
	options_free(&o);

	/* a filtered auth token does not reach the log */
	client_options(&o, "pull-filter ignore auth-token\n");
	assert_int_equal(push_apply(&o, "auth-token SECRET_TOKEN_1"), 0);
	assert_null(o.auth_token);
	assert_false(log_has("SECRET_TOKEN_1"));
	options_free(&o);
}

static void test_apply_compression(void **state)
{
	static const struct { const char *opt; enum comp_alg a; } framing[] = {
		{ "compress", COMP_ALG_STUB }, { "compress stub", COMP_ALG_STUB },
		{ "compress stub-v2", COMP_ALG_STUB_V2 }, { "comp-lzo no", COMP_ALG_LZO_STUB },
	};
	static const char *const refused[] = {
		"compress lz4", "compress lz4-v2", "compress lzo", "comp-lzo",
		"comp-lzo yes", "comp-lzo adaptive",
	};
	struct options o;
	size_t i;

	for (i = 0; i < sizeof(framing) / sizeof(framing[0]); i++) {
		client_options(&o, "");
		assert_int_equal(push_apply(&o, framing[i].opt), 1);
		assert_int_equal(o.comp, framing[i].a);
		options_free(&o);
	}
	/* 2.6 restarts rather than run a tunnel it cannot read */
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		client_options(&o, "");
		if (push_apply(&o, refused[i]) != -EINVAL)
			fail_msg("'%s' was accepted", refused[i]);
		assert_log_has("the server pushed compression");
		options_free(&o);
	}
	client_options(&o, "");
	assert_int_equal(push_apply(&o, "compress migrate"), 0);
	assert_int_equal(o.comp, COMP_ALG_NONE);
	options_free(&o);
}

/* The whole reply must make sense once it is in. */
static void test_apply_inconsistent(void **state)
{
	struct options o;

	/* a netmask without topology subnet */
	client_options(&o, "");
	assert_int_equal(push_apply(&o, "ifconfig 10.8.0.2 255.255.255.0"), -EINVAL);
	options_free(&o);
	/* the order of topology and ifconfig does not matter */
	client_options(&o, "");
	assert_int_equal(push_apply(&o, "ifconfig 10.8.0.2 255.255.255.0,topology subnet"), 2);
	options_free(&o);
	client_options(&o, "");
	assert_int_equal(push_apply(&o, "tun-mtu 20000"), -EINVAL);
	options_free(&o);
	client_options(&o, "");
	assert_int_equal(push_apply(&o, "tun-mtu 1400"), 1);
	assert_int_equal(o.tun_mtu, 1400);
	options_free(&o);
}

static void test_apply_dns(void **state)
{
	struct options o;

	client_options(&o, "dns server 1 address 192.0.2.53\n"
		       "dns server 1 dnssec yes\n"
		       "dns server 2 address [2001:db8::53]:5353\n"
		       "dns search-domains local.example\n");
	assert_int_equal(o.n_dns, 4);
	assert_int_equal(push_apply(&o, "dns server 1 address 10.8.0.1 10.8.0.2:53,"
				    "dns search-domains vpn.example,"
				    "dns server -1 address 10.8.0.3,"
				    "dns server 0 transport DoX"), 2);
	/* server 1 from the config is replaced, 2 stays, domains add up */
	assert_int_equal(o.n_dns, 4);
	assert_string_equal(o.dns[0].argv[1], "2");
	assert_string_equal(o.dns[1].argv[0], "search-domains");
	assert_false(o.dns[1].pushed);
	assert_string_equal(o.dns[2].argv[3], "10.8.0.1");
	assert_string_equal(o.dns[2].argv[4], "10.8.0.2:53");
	assert_true(o.dns[2].pushed);
	assert_string_equal(o.dns[3].argv[1], "vpn.example");
	/* the second server 1 line of the reply adds to the first */
	assert_int_equal(push_apply(&o, "dns server 1 dnssec optional"), 1);
	assert_int_equal(o.n_dns, 5);
	options_free(&o);
}

static void test_apply_empty_and_blank(void **state)
{
	struct options o;

	client_options(&o, "");
	assert_int_equal(push_apply(&o, ""), 0);
	assert_int_equal(push_apply(&o, " , ,\t"), 0);
	options_free(&o);
}

/* ---- building ------------------------------------------------------------ */

static void test_build_single(void **state)
{
	const char *opts[] = { "route-gateway 10.8.0.1", "topology subnet", "ping 10" };
	char out[2][PUSH_MSG_MAX];

	assert_int_equal(push_build_replies(opts, 3, out, 2), 1);
	assert_string_equal(out[0], "PUSH_REPLY,route-gateway 10.8.0.1,topology subnet,ping 10");
	assert_int_equal(push_build_replies(opts, 0, out, 2), 1);
	assert_string_equal(out[0], "PUSH_REPLY");
	assert_int_equal(push_build_replies(opts, 3, out, 0), -ENOSPC);
}

/* Split, gather again, compare: nothing lost, reordered or cut. */
static void test_build_round_trip(void **state)
{
	enum { N = 300, MSGS = 32 };
	static char store[N][40];
	const char *opts[N];
	static char out[MSGS][PUSH_MSG_MAX];
	static char want[PUSH_TEXT_MAX];
	static struct push_accum a;
	size_t used = 0, len;
	int i, n, ret = 0;

	for (i = 0; i < N; i++) {
		snprintf(store[i], sizeof(store[i]), "route 10.%d.%d.0 255.255.255.0",
			 i / 250, i % 250);
		opts[i] = store[i];
		used += (size_t)snprintf(want + used, sizeof(want) - used, "%s%s",
					 i ? "," : "", store[i]);
	}
	n = push_build_replies(opts, N, out, MSGS);
	assert_true(n > 1);
	push_accum_init(&a);
	for (i = 0; i < n; i++) {
		len = strlen(out[i]);
		assert_true(len < PUSH_MSG_MAX);
		if (i < n - 1) {
			assert_string_equal(out[i] + len - 20, ",push-continuation 2");
			/* the next message's first option did not fit here */
			assert_true(len + 1 + strcspn(out[i + 1] + 11, ",") > PUSH_MSG_MAX - 1);
		} else {
			assert_string_equal(out[i] + len - 20, ",push-continuation 1");
		}
		ret = push_accum_add(&a, out[i]);
		assert_int_equal(ret, i < n - 1 ? 0 : 1);
	}
	assert_string_equal(a.text, want);
	assert_int_equal(a.parts, n);
	assert_int_equal(push_build_replies(opts, N, out, (size_t)n - 1), -ENOSPC);
}

static void test_build_boundaries(void **state)
{
	static char big[PUSH_MSG_MAX + 8], small[] = "route 10.20.30.0 255.255.255.0";
	const char *opts[2] = { big, small };
	char out[4][PUSH_MSG_MAX];
	size_t fit = PUSH_MSG_MAX - 1 - strlen("PUSH_REPLY,");

	/* one option that fills a message exactly: no split needed */
	memset(big, 'x', fit);
	big[fit] = '\0';
	assert_int_equal(push_build_replies(opts, 1, out, 4), 1);
	assert_int_equal(strlen(out[0]), PUSH_MSG_MAX - 1);
	/* with one more option it must split, and then it is too long */
	assert_int_equal(push_build_replies(opts, 2, out, 4), -E2BIG);
	/* the longest option a split reply can carry, and one more byte */
	big[fit - strlen(",push-continuation 2") + 1] = '\0';
	assert_int_equal(push_build_replies(opts, 2, out, 4), -E2BIG);
	big[fit - strlen(",push-continuation 2")] = '\0';
	assert_int_equal(push_build_replies(opts, 2, out, 4), 2);
	assert_int_equal(strlen(out[0]), PUSH_MSG_MAX - 1);
	assert_string_equal(out[1], "PUSH_REPLY,route 10.20.30.0 255.255.255.0,push-continuation 1");
	/* everything in one message, one byte short of splitting */
	big[PUSH_MSG_MAX - 1 - strlen("PUSH_REPLY,,") - strlen(small)] = '\0';
	assert_int_equal(push_build_replies(opts, 2, out, 4), 1);
	assert_int_equal(strlen(out[0]), PUSH_MSG_MAX - 1);
	/* options that would break the format */
	opts[1] = "route 10.0.0.0,255.0.0.0";
	assert_int_equal(push_build_replies(opts + 1, 1, out, 4), -EINVAL);
	opts[1] = "";
	assert_int_equal(push_build_replies(opts + 1, 1, out, 4), -EINVAL);
	opts[1] = "ping 1\nup /bin/sh";
	assert_int_equal(push_build_replies(opts + 1, 1, out, 4), -EINVAL);
}

static void test_is_request(void **state)
{
	assert_true(push_is_request("PUSH_REQUEST"));
	assert_false(push_is_request("PUSH_REPLY"));
	assert_false(push_is_request("PUSH_REQUESTX"));
	assert_false(push_is_request("push_request"));
	assert_false(push_is_request(""));
}

int main(void)
{
#define T(f) cmocka_unit_test(f)
#define TL(f) cmocka_unit_test_setup_teardown(f, setup_log, teardown_log)
	const struct CMUnitTest tests[] = {
		T(test_accum_single),
		T(test_accum_multi),
		T(test_accum_continuation_anywhere),
		T(test_accum_empty_items),
		T(test_accum_malformed),
		T(test_accum_oversize),
		TL(test_apply_26_reply),
		TL(test_apply_add_and_replace),
		TL(test_apply_pull_filter_order),
		TL(test_apply_pull_filter_reject),
		TL(test_apply_route_nopull),
		TL(test_apply_not_allowed),
		TL(test_apply_flags_and_misc),
		TL(test_apply_compression),
		TL(test_apply_inconsistent),
		TL(test_apply_dns),
		TL(test_apply_empty_and_blank),
		T(test_build_single),
		T(test_build_round_trip),
		T(test_build_boundaries),
		T(test_is_request),
	};
#undef T
#undef TL

	return cmocka_run_group_tests(tests, NULL, NULL);
}
