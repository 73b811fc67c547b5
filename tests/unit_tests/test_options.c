/* Option parsing: command line, config files, the table, finalize checks. */
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
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "log.h"
#include "options.h"

/* ---- helpers ------------------------------------------------------------- */

static int setup(void **state)
{
	struct options *o = calloc(1, sizeof(*o));

	if (!o)
		return -1;
	options_init(o);
	*state = o;
	return 0;
}

static int teardown(void **state)
{
	options_free(*state);
	free(*state);
	return 0;
}

/* Parse a NULL-terminated list of command-line words (argv[0] added). */
static int parse_args(struct options *o, ...)
{
	char *argv[64] = { "openvpn" };
	int argc = 1;
	va_list ap;

	va_start(ap, o);
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	return options_parse_argv(o, argc, argv);
}

static int parse_ctx(struct options *o, const char *text, unsigned int ctx)
{
	return options_parse_string(o, text, strlen(text), "t.conf", ctx);
}

static int parse(struct options *o, const char *text)
{
	return parse_ctx(o, text, OPT_CTX_CMDLINE);
}

static void assert_error(const char *expected)
{
	if (strcmp(options_last_error(), expected) != 0)
		fail_msg("last error '%s', expected '%s'", options_last_error(), expected);
}

static void assert_error_has(const char *frag)
{
	if (!strstr(options_last_error(), frag))
		fail_msg("last error '%s' lacks '%s'", options_last_error(), frag);
}

/* Expect one line of text to fail with an error containing `frag`. */
static void expect_bad(const char *text, const char *frag)
{
	struct options o;

	options_init(&o);
	if (parse(&o, text) != -EINVAL)
		fail_msg("'%s' was accepted", text);
	assert_error_has(frag);
	options_free(&o);
}

static void expect_good(const char *text)
{
	struct options o;

	options_init(&o);
	if (parse(&o, text) != 0)
		fail_msg("'%s' was rejected: %s", text, options_last_error());
	options_free(&o);
}

/* Finalize must fail, and its last report must contain `frag`. */
static void expect_finalize_error(struct options *o, const char *frag, int count)
{
	unsigned int before = options_error_count();

	assert_int_equal(options_finalize(o), -EINVAL);
	assert_int_equal(options_error_count() - before, count);
	assert_error_has(frag);
}

static char tmpdir[64];

/* TLS files as inline blocks: finalize checks no file for these. */
#define INLINE_CREDENTIALS "<ca>\nx\n</ca>\n<cert>\nx\n</cert>\n<key>\nx\n</key>\n"

static void write_file(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	fclose(f);
}

static int setup_dir(void **state)
{
	strcpy(tmpdir, "/tmp/test_options_XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	return setup(state);
}

/* The test directory is flat: remove its files, then itself. */
static int teardown_dir(void **state)
{
	char path[512];
	struct dirent *e;
	DIR *d = opendir(tmpdir);

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
		unlink(path);
	}
	closedir(d);
	if (rmdir(tmpdir) < 0)
		return -1;
	return teardown(state);
}

/* ---- defaults and basic parsing ------------------------------------------ */

static void test_defaults(void **state)
{
	struct options *o = *state;

	assert_int_equal(o->verb, 1);
	assert_string_equal(o->lport, "1194");
	assert_string_equal(o->rport, "1194");
	assert_true(o->bind_local);
	assert_int_equal(o->tun_mtu, 1500);
	assert_int_equal(o->resolv_retry, -1);
	assert_int_equal(o->connect_retry, 1);
	assert_int_equal(o->connect_retry_max_interval, 300);
	assert_int_equal(o->connect_timeout, 120);
	assert_int_equal(o->script_security, 1);
	assert_int_equal(o->topology, TOP_NET30);
	assert_int_equal(o->route_metric, 0);
	assert_int_equal(o->proto, PROTO_UDP);
	assert_false(o->mode_server);
	assert_null(o->dev);
}

static void test_argv_basic(void **state)
{
	struct options *o = *state;

	assert_int_equal(parse_args(o, "--dev", "tun", "--ifconfig", "10.8.0.1",
				    "10.8.0.2", "--verb", "4", "--remote", "vpn.example",
				    "1195", "udp4", "--remote", "h2", "--nobind",
				    "--persist-tun", "--syslog", "--daemon", "vpn",
				    "--log-append", "/tmp/x.log", "--mute", "20", NULL), 0);
	assert_string_equal(o->dev, "tun");
	assert_string_equal(o->ifconfig_local, "10.8.0.1");
	assert_string_equal(o->ifconfig_remote, "10.8.0.2");
	assert_int_equal(o->verb, 4);
	assert_int_equal(o->n_remotes, 2);
	assert_string_equal(o->remotes[0].host, "vpn.example");
	assert_string_equal(o->remotes[0].port, "1195");
	assert_true(o->remotes[0].has_proto);
	assert_int_equal(o->remotes[0].proto, PROTO_UDP4);
	assert_null(o->remotes[1].port);
	assert_false(o->remotes[1].has_proto);
	assert_false(o->bind_local);
	assert_true(o->persist_tun);
	assert_string_equal(o->syslog_ident, "openvpn");
	assert_true(o->daemon);
	assert_string_equal(o->daemon_name, "vpn");
	assert_string_equal(o->log_file, "/tmp/x.log");
	assert_true(o->log_append);
	assert_int_equal(o->mute, 20);
}

static void test_argv_arg_count(void **state)
{
	struct options *o = *state;

	assert_int_equal(parse_args(o, "--ping", NULL), -EINVAL);
	assert_error("command line: option 'ping' needs 1 argument (got 0)");
	assert_int_equal(parse_args(o, "--ping", "1", "2", NULL), -EINVAL);
	assert_error("command line: option 'ping' needs 1 argument (got 2)");
	assert_int_equal(parse_args(o, "--ifconfig", "10.0.0.1", "--dev", "tun", NULL),
			 -EINVAL);
	assert_error("command line: option 'ifconfig' needs 2 arguments (got 1)");
	assert_int_equal(parse_args(o, "--nobind", "x", NULL), -EINVAL);
	assert_error("command line: option 'nobind' takes no arguments (got 1)");
	assert_int_equal(parse_args(o, "--remote", NULL), -EINVAL);
	assert_error("command line: option 'remote' needs at least 1 argument (got 0)");
	assert_int_equal(parse_args(o, "--remote", "a", "1", "udp", "x", NULL), -EINVAL);
	assert_error("command line: option 'remote' takes at most 3 arguments (got 4)");
}

static void test_argv_bare_word(void **state)
{
	struct options *o = *state;

	/* a stray word after an option becomes its extra argument */
	assert_int_equal(parse_args(o, "--verb", "3", "foo", NULL), -EINVAL);
	assert_error("command line: option 'verb' needs 1 argument (got 2)");
	/* a leading word that is not alone is not an option */
	assert_int_equal(parse_args(o, "foo", "--verb", "3", NULL), -EINVAL);
	assert_error_has("command line: 'foo' is not an option");
	/* alone, it is a config file */
	assert_int_equal(parse_args(o, "/nonexistent/x.conf", NULL), -EINVAL);
	assert_error_has("cannot read '/nonexistent/x.conf'");
	assert_error_has("No such file");
}

static void test_argv_too_many_args(void **state)
{
	struct options *o = *state;
	char *argv[CONFIG_MAX_TOKENS + 3] = { "openvpn", "--remote" };
	int i;

	for (i = 2; i < CONFIG_MAX_TOKENS + 2; i++)
		argv[i] = "x";
	assert_int_equal(options_parse_argv(o, CONFIG_MAX_TOKENS + 2, argv), -EINVAL);
	assert_error("command line: option '--remote' has more than 63 arguments");
	/* one fewer reaches the row's own check */
	assert_int_equal(options_parse_argv(o, CONFIG_MAX_TOKENS + 1, argv), -EINVAL);
	assert_error("command line: option 'remote' takes at most 3 arguments (got 63)");
}

static void test_argv_lone_config(void **state)
{
	struct options *o = *state;
	char path[256];

	write_file("lone.conf", "verb 7\ndev tun\n");
	snprintf(path, sizeof(path), "%s/lone.conf", tmpdir);
	assert_int_equal(parse_args(o, path, NULL), 0);
	assert_int_equal(o->verb, 7);
	assert_string_equal(o->config_file, path);
}

static void test_unknown_option(void **state)
{
	struct options *o = *state;

	assert_int_equal(parse(o, "verb 3\n\nproot udp\n"), -EINVAL);
	assert_error("t.conf:3: unknown option 'proot' (did you mean 'proto'?)");
	assert_int_equal(parse(o, "frobnicate 1\n"), -EINVAL);
	assert_error("t.conf:1: unknown option 'frobnicate'");
	assert_int_equal(parse(o, "persist-tunn\n"), -EINVAL);
	assert_error("t.conf:1: unknown option 'persist-tunn' (did you mean 'persist-tun'?)");
	/* short words are close to everything: no wild guesses */
	assert_int_equal(parse(o, "xy\n"), -EINVAL);
	assert_error("t.conf:1: unknown option 'xy'");
	assert_int_equal(parse_args(o, "--pign", "3", NULL), -EINVAL);
	assert_error("command line: unknown option '--pign' (did you mean '--ping'?)");
	assert_int_equal(parse_args(o, "--", NULL), -EINVAL);
	assert_error_has("unknown option '--'");
}

static void test_dashes_in_file(void **state)
{
	struct options *o = *state;

	/* 2.6 accepts the command-line spelling in files too */
	assert_int_equal(parse(o, "--verb 5\n--dev tun\n"), 0);
	assert_int_equal(o->verb, 5);
	assert_string_equal(o->dev, "tun");
}

static void test_stops_at_first_error(void **state)
{
	struct options *o = *state;

	assert_int_equal(parse(o, "verb 5\nverb x\nverb 6\n"), -EINVAL);
	assert_int_equal(o->verb, 5);
	assert_error("t.conf:2: option 'verb': 'x' is not a number");
}

static void test_tokenizer_errors_reported(void **state)
{
	struct options *o = *state;
	static const char nul[] = "verb 3\nd\0ev tun\n";

	assert_int_equal(parse(o, "verb 3\nremote \"abc\n"), -EINVAL);
	assert_error("t.conf:2: missing closing quote (\")");
	assert_int_equal(options_parse_string(o, nul, sizeof(nul) - 1, "n.conf",
					      OPT_CTX_CMDLINE), -EINVAL);
	assert_error("n.conf:2: NUL byte in line");
	assert_int_equal(parse(o, "<ca>\nxx\n"), -EINVAL);
	assert_error_has("t.conf:1: inline block <ca> is not closed");
}

static void test_inline_options(void **state)
{
	struct options *o = *state;

	assert_int_equal(parse(o, "<pkcs12>\nAAAA\n</pkcs12>\n"), 0);
	assert_true(o->pkcs12.is_inline);
	assert_string_equal(o->pkcs12.name, "AAAA\n");
	assert_int_equal(parse(o, "<http-proxy-user-pass>\nu\np\n</http-proxy-user-pass>\n"), -EINVAL);
	assert_error("t.conf:1: option 'http-proxy-user-pass' is not supported yet by this version");
	assert_int_equal(parse(o, "<verb>\n3\n</verb>\n"), -EINVAL);
	assert_error("t.conf:1: option 'verb': cannot be given as an inline <verb> block");
	assert_int_equal(parse(o, "<bogus>\nx\n</bogus>\n"), -EINVAL);
	assert_error("t.conf:1: unknown option 'bogus'");
}

/* ---- contexts ------------------------------------------------------------ */

static void test_contexts(void **state)
{
	struct options *o = *state;

	assert_int_equal(parse_ctx(o, "dev tun\n", OPT_CTX_CCD), -EINVAL);
	assert_error("t.conf:1: option 'dev': not allowed in a client-config-dir file");
	assert_int_equal(parse_ctx(o, "config x\n", OPT_CTX_CCD), -EINVAL);
	assert_error_has("not allowed in a client-config-dir file");
	assert_int_equal(parse(o, "iroute 10.1.0.0 255.255.0.0\n"), -EINVAL);
	assert_error("t.conf:1: option 'iroute': only allowed in a client-config-dir file");
	assert_int_equal(parse(o, "peer-id 3\n"), -EINVAL);
	assert_error_has("option 'peer-id': only a server can send this option");
	assert_int_equal(parse_ctx(o, "dev tun\n", OPT_CTX_PUSH), -EINVAL);
	assert_error("t.conf:1: option 'dev': a server may not push this option");
	/* a server must never make us read local files */
	assert_int_equal(parse_ctx(o, "config /etc/passwd\n", OPT_CTX_PUSH), -EINVAL);
	assert_error("t.conf:1: option 'config': a server may not push this option");

	/* allowed where they belong */
	assert_int_equal(parse_ctx(o, "iroute 10.1.0.0 255.255.0.0\n", OPT_CTX_CCD), 0);
	assert_int_equal(o->n_iroutes, 1);
	assert_int_equal(parse_ctx(o, "route 10.9.0.0 255.255.0.0\nping 7\n"
				   "topology subnet\n", OPT_CTX_PUSH), 0);
	assert_int_equal(o->n_routes, 1);
	assert_int_equal(o->ping, 7);
	assert_int_equal(o->topology, TOP_SUBNET);
}

/* ---- value validation ---------------------------------------------------- */

static void test_integer_validation(void **state)
{
	expect_bad("verb 3x\n", "t.conf:1: option 'verb': '3x' is not a number");
	expect_bad("verb \"\"\n", "'' is not a number");
	expect_bad("verb \" 3\"\n", "' 3' is not a number");
	expect_bad("verb +3\n", "'+3' is not a number");
	expect_bad("verb 0x3\n", "'0x3' is not a number");
	expect_bad("verb -1\n", "option 'verb': -1 is out of range (0..11)");
	expect_bad("verb 12\n", "12 is out of range (0..11)");
	expect_bad("verb 99999999999999999999999\n", "is out of range");
	expect_bad("ping -5\n", "-5 is out of range");
	expect_bad("ping 5s\n", "'5s' is not a number");
	expect_bad("ping-restart 99999999\n", "out of range");
	expect_bad("keepalive 10 0\n", "0 is out of range");
	expect_bad("inactive 10 1k\n", "'1k' is not a number");
	expect_bad("script-security 4\n", "out of range (0..3)");
	expect_bad("lport 65536\n", "out of range (0..65535)");
	expect_bad("rport 0\n", "out of range (1..65535)");
	expect_bad("port http\n", "'http' is not a number");
	expect_bad("remote h 0\n", "out of range (1..65535)");
	expect_bad("connect-retry 5 2\n", "smaller than the interval");
	expect_bad("resolv-retry forever\n", "'forever' is not a number");
	expect_bad("route 10.0.0.0 255.0.0.0 default x\n", "'x' is not a number");
	expect_bad("max-clients 0\n", "out of range");
	expect_bad("mark -1\n", "out of range");

	expect_good("verb 0\n");
	expect_good("verb 11\n");
	expect_good("lport 0\n");
	expect_good("resolv-retry infinite\n");
	expect_good("inactive 600 1000000\n");
	expect_good("ping 00010\n");
}

static void test_word_validation(void **state)
{
	expect_bad("proto sctp\n", "'sctp' is not a protocol");
	expect_bad("remote h 1194 quic\n", "'quic' is not a protocol");
	expect_bad("topology star\n", "'star' is not a topology");
	expect_bad("mode hub\n", "'hub' is not a mode");
	expect_bad("bind ipv4only\n", "'ipv4only' is not a keyword");
	expect_bad("dev-type foo\n", "'foo' is not a device type");
	expect_bad("dev averyveryverylongname\n", "1 to 15 characters");
	expect_bad("dev a/b\n", "not a valid interface name");
	expect_bad("ifconfig 10.0.0.1 10.0.0.256\n", "'10.0.0.256' is not an IPv4 address");
	expect_bad("ifconfig host 10.0.0.2\n", "'host' is not an IPv4 address");
	expect_bad("ifconfig-ipv6 fd00::1 fd00::2\n", "with prefix length");
	expect_bad("ifconfig-ipv6 fd00::1/129 fd00::2\n", "with prefix length");
	expect_bad("ifconfig-ipv6 fd00::1/64 fd00::2/64\n", "'fd00::2/64' is not an IPv6 address");
	expect_bad("route 10.0.0.0 255.0.255.0\n", "'255.0.255.0' is not a netmask");
	expect_bad("route-ipv6 2001:db8::/200\n", "not an IPv6 network");
	expect_bad("route-ipv6 2001:db8::/32 10.0.0.1\n", "not an IPv6 gateway");
	expect_bad("route-gateway gw.example\n", "neither an IPv4 address nor 'dhcp'");

	expect_bad("remote \"\"\n", "option 'remote': empty argument");
	expect_bad("user ''\n", "option 'user': empty argument");

	expect_good("route-gateway dhcp\n");
	expect_good("route-ipv6 2001:db8::/32 fd00::1 10\n");
	expect_good("route-ipv6 2001:db8::1\n");
	expect_good("bind ipv6only\n");
}

static void test_mssfix(void **state)
{
	struct options *o = *state;

	assert_int_equal(o->mssfix, -1);          /* 2.6's default, resolved later */
	assert_int_equal(parse(o, "mssfix 1400\n"), 0);
	assert_int_equal(o->mssfix, 1400);
	assert_int_equal(o->mssfix_mode, MSS_MODE_LINK);
	assert_int_equal(parse(o, "mssfix 1450 mtu\n"), 0);
	assert_int_equal(o->mssfix, 1450);
	assert_int_equal(o->mssfix_mode, MSS_MODE_MTU);
	assert_int_equal(parse(o, "mssfix 1300 fixed\n"), 0);
	assert_int_equal(o->mssfix_mode, MSS_MODE_FIXED);
	/* alone: back to the default, mode and all */
	assert_int_equal(parse(o, "mssfix\n"), 0);
	assert_int_equal(o->mssfix, -1);
	assert_int_equal(o->mssfix_mode, MSS_MODE_LINK);
	assert_int_equal(parse(o, "mssfix 0\n"), 0);
	assert_int_equal(o->mssfix, 0);
	/* a server may push it */
	assert_int_equal(parse_ctx(o, "mssfix 1360 mtu\n", OPT_CTX_PUSH), 0);
	assert_int_equal(o->mssfix, 1360);
	expect_bad("mssfix 1400 udp\n", "second argument must be 'mtu' or 'fixed', not 'udp'");
	expect_bad("mssfix -1\n", "out of range");
	expect_bad("mssfix big\n", "is not a number");
	expect_bad("mssfix 1400 mtu x\n", "takes at most 2 arguments");
}

static void test_values_stored(void **state)
{
	struct options *o = *state;

	assert_int_equal(parse(o,
		"proto tcp6-client\nlocal 192.0.2.1\nport 1200\nrport 1300\n"
		"resolv-retry 30\nconnect-retry 2 60\nconnect-retry-max 4\n"
		"connect-timeout 9\nfloat\nsndbuf 65536\nrcvbuf 131072\nmark 7\n"
		"dev-type tun\ndev vpn0\ndev-node /dev/net/tun\ntun-mtu 1400 1450\n"
		"txqueuelen 500\nifconfig-ipv6 fd00::1/64 fd00::2\nifconfig-noexec\n"
		"route 10.1.0.0 255.255.0.0 default 5\nroute 10.2.0.0\n"
		"route-ipv6 2001:db8::/48 default 3\nroute-metric 9\n"
		"route-gateway 10.8.0.1\nroute-noexec\nping-timer-rem\n"
		"inactive 300 4096\nexplicit-exit-notify\ncipher none\nauth none\n"
		"writepid /run/x.pid\nuser nobody\ngroup nogroup\ncd /etc\n"
		"chroot /var/empty\nscript-security 2\nmax-clients 10\n"
		"persist-key\nremote-random\nsuppress-timestamps\nlog x.log\n"
		"tun-ipv6\nhelp\nversion\n"), 0);
	assert_int_equal(o->proto, PROTO_TCP6_CLIENT);
	assert_true(o->proto_set);
	assert_false(o->proto_tcp_role_unset);
	assert_string_equal(o->local, "192.0.2.1");
	assert_string_equal(o->lport, "1200");
	assert_string_equal(o->rport, "1300");
	assert_int_equal(o->resolv_retry, 30);
	assert_int_equal(o->connect_retry, 2);
	assert_int_equal(o->connect_retry_max_interval, 60);
	assert_int_equal(o->connect_retry_max, 4);
	assert_int_equal(o->connect_timeout, 9);
	assert_true(o->float_peer);
	assert_int_equal(o->sndbuf, 65536);
	assert_int_equal(o->rcvbuf, 131072);
	assert_int_equal(o->mark, 7);
	assert_string_equal(o->dev_type, "tun");
	assert_string_equal(o->dev, "vpn0");
	assert_string_equal(o->dev_node, "/dev/net/tun");
	assert_int_equal(o->tun_mtu, 1400);
	assert_int_equal(o->tun_mtu_occ, 1450);
	assert_int_equal(o->txqueuelen, 500);
	assert_string_equal(o->ifconfig_ipv6_local, "fd00::1/64");
	assert_string_equal(o->ifconfig_ipv6_remote, "fd00::2");
	assert_true(o->ifconfig_noexec);
	assert_int_equal(o->n_routes, 2);
	assert_string_equal(o->routes[0].netmask, "255.255.0.0");
	assert_null(o->routes[0].gateway);
	assert_int_equal(o->routes[0].metric, 5);
	assert_null(o->routes[1].netmask);
	assert_int_equal(o->routes[1].metric, -1);
	assert_int_equal(o->n_routes_ipv6, 1);
	assert_null(o->routes_ipv6[0].gateway);
	assert_int_equal(o->routes_ipv6[0].metric, 3);
	assert_int_equal(o->route_metric, 9);
	assert_string_equal(o->route_gateway, "10.8.0.1");
	assert_true(o->route_noexec);
	assert_true(o->ping_timer_remote);
	assert_int_equal(o->inactive, 300);
	assert_int_equal(o->inactive_bytes, 4096);
	assert_int_equal(o->explicit_exit_notify, 1);
	assert_string_equal(o->cipher, "none");
	assert_string_equal(o->auth, "none");
	assert_string_equal(o->writepid, "/run/x.pid");
	assert_string_equal(o->user, "nobody");
	assert_string_equal(o->group, "nogroup");
	assert_string_equal(o->cd, "/etc");
	assert_string_equal(o->chroot_dir, "/var/empty");
	assert_int_equal(o->script_security, 2);
	assert_int_equal(o->max_clients, 10);
	assert_true(o->persist_key);
	assert_true(o->remote_random);
	assert_true(o->suppress_timestamps);
	assert_string_equal(o->log_file, "x.log");
	assert_false(o->log_append);
	assert_true(o->show_help);
	assert_true(o->show_version);
	assert_true(o->bind_set);	/* --local */
}

static void test_repeated_strings_replace(void **state)
{
	struct options *o = *state;

	/* the last one wins and the first is freed (ASan would notice) */
	assert_int_equal(parse(o, "dev tun0\ndev tun1\nuser a\nuser b\n"), 0);
	assert_string_equal(o->dev, "tun1");
	assert_string_equal(o->user, "b");
}

static void test_limits(void **state)
{
	struct options *o = *state;
	int i;

	for (i = 0; i < OPT_MAX_REMOTES; i++)
		assert_int_equal(parse(o, "remote h 1194 udp\n"), 0);
	assert_int_equal(parse(o, "remote h\n"), -EINVAL);
	assert_error_has("too many remotes (at most 64)");
	for (i = 0; i < OPT_MAX_ROUTES; i++)
		assert_int_equal(parse(o, "route 10.0.0.0 255.0.0.0\n"), 0);
	assert_int_equal(parse(o, "route 10.0.0.0\n"), -EINVAL);
	assert_error_has("too many routes");
}

static void test_tap_rejected(void **state)
{
	expect_bad("dev tap\n",
		   "t.conf:1: option 'dev': tap devices are not supported by this version; use --dev tun");
	expect_bad("dev tap7\n", "tap devices are not supported");
	expect_bad("dev-type tap\n",
		   "t.conf:1: option 'dev-type': tap devices are not supported by this version; use --dev tun");
	expect_bad("dev null\n", "not supported yet");
}

static void test_unsupported_rejected(void **state)
{
	expect_bad("replay-persist r.txt\n", "t.conf:1: option 'replay-persist' is not supported yet by this version");
	expect_bad("secret static.key\n", "option 'secret' is not supported yet");
	expect_bad("tls-export-cert /tmp\n", "option 'tls-export-cert' is not supported yet");
	expect_bad("up-delay\n", "option 'up-delay' is not supported yet");
	expect_bad("genkey auth-token k\n",
		   "option 'genkey': key type 'auth-token' is not supported yet");
	/* 2.6.14 rejects these too */
	expect_bad("key-method 2\n", "option 'key-method' was removed");
	expect_bad("no-replay\n", "option 'no-replay' was removed");
	expect_bad("server-bridge\n", "option 'server-bridge' is not supported yet");
	expect_bad("block-outside-dns\n", "exists only on Windows");
	expect_bad("ns-cert-type server\n",
		   "option 'ns-cert-type' was removed in OpenVPN 2.5; use 'remote-cert-tls'");
	expect_good("mode p2p\n");
}

/* Every row the table marks as not supported yet says so when used. */
static void test_every_unsupported_row(void **state)
{
	const struct option_def *d;
	size_t i, n = 0;
	int k;

	for (i = 0; (d = option_table_row(i)) != NULL; i++) {
		struct options o;
		const char *status = option_def_status(d);
		unsigned int ctx = d->contexts & OPT_CTX_CMDLINE ? OPT_CTX_CMDLINE :
				   d->contexts & OPT_CTX_CCD ? OPT_CTX_CCD : OPT_CTX_PUSH;
		char line[256];

		if (!status)
			continue;
		snprintf(line, sizeof(line), "%s", d->name);
		for (k = 0; k < d->min_args; k++)
			strcat(line, " x");
		strcat(line, "\n");
		options_init(&o);
		if (parse_ctx(&o, line, ctx) != -EINVAL)
			fail_msg("'%s' was accepted", d->name);
		assert_error_has(d->name);
		if (strcmp(status, "not supported yet") == 0)
			assert_error_has("is not supported yet by this version");
		options_free(&o);
		n++;
	}
	assert_true(n > 60);	/* the loop ran: rows still refused */
}

/* ---- the table ----------------------------------------------------------- */

static void test_table_sane(void **state)
{
	const struct option_def *d, *e;
	size_t i, j, supported = 0;

	for (i = 0; (d = option_table_row(i)) != NULL; i++) {
		assert_non_null(d->name);
		assert_non_null(d->synopsis);
		assert_non_null(d->handler);
		assert_true(d->min_args <= d->max_args);
		assert_true(d->contexts != 0);
		assert_true((d->contexts & ~(unsigned int)(OPT_CTX_CMDLINE | OPT_CTX_CCD |
							   OPT_CTX_PUSH)) == 0);
		assert_ptr_equal(option_table_lookup(d->name), d);
		for (j = 0; j < i; j++) {
			e = option_table_row(j);
			if (strcmp(d->name, e->name) == 0)
				fail_msg("duplicate row '%s'", d->name);
		}
		if (option_def_supported(d)) {
			assert_null(option_def_status(d));
			supported++;
		}
	}
	assert_true(i >= 200);
	assert_true(supported >= 60);
	assert_null(option_table_lookup("no-such-option"));
	assert_null(option_table_lookup(""));
}

/* ---- --config nesting ---------------------------------------------------- */

static void test_nested_config(void **state)
{
	struct options *o = *state;
	char text[512];

	write_file("inner.conf", "verb 6\nping 9\n");
	snprintf(text, sizeof(text), "dev tun\nconfig %s/inner.conf\nping 10\n", tmpdir);
	write_file("outer.conf", text);
	snprintf(text, sizeof(text), "%s/outer.conf", tmpdir);
	assert_int_equal(parse_args(o, "--config", text, "--mute", "3", NULL), 0);
	assert_int_equal(o->verb, 6);
	assert_int_equal(o->ping, 10);
	assert_int_equal(o->mute, 3);
	assert_string_equal(o->dev, "tun");
	assert_string_equal(o->config_file, text);
}

static void test_nested_config_error_location(void **state)
{
	struct options *o = *state;
	char text[512], expect[600];

	write_file("bad.conf", "verb 3\n\nping x\n");
	snprintf(text, sizeof(text), "config %s/bad.conf\n", tmpdir);
	write_file("top.conf", text);
	snprintf(text, sizeof(text), "%s/top.conf", tmpdir);
	assert_int_equal(options_parse_file(o, text, 0), -EINVAL);
	snprintf(expect, sizeof(expect), "%s/bad.conf:3: option 'ping': 'x' is not a number",
		 tmpdir);
	assert_error(expect);

	assert_int_equal(parse(o, "\nconfig /nonexistent.conf\n"), -EINVAL);
	assert_error("t.conf:2: option 'config': cannot read '/nonexistent.conf': No such file or directory");
}

static void test_config_recursion(void **state)
{
	struct options *o = *state;
	char text[512];

	snprintf(text, sizeof(text), "verb 2\nconfig %s/b.conf\n", tmpdir);
	write_file("a.conf", text);
	snprintf(text, sizeof(text), "config %s/a.conf\n", tmpdir);
	write_file("b.conf", text);
	snprintf(text, sizeof(text), "%s/a.conf", tmpdir);
	assert_int_equal(parse_args(o, "--config", text, NULL), -EINVAL);
	assert_error_has("b.conf:1: option 'config':");
	assert_error_has("a.conf' includes itself");
	assert_error_has("a.conf -> ");
	assert_error_has("b.conf -> ");

	/* a file including itself directly */
	snprintf(text, sizeof(text), "config %s/self.conf\n", tmpdir);
	write_file("self.conf", text);
	snprintf(text, sizeof(text), "%s/self.conf", tmpdir);
	assert_int_equal(options_parse_file(o, text, 0), -EINVAL);
	assert_error_has("self.conf:1: option 'config':");
	assert_error_has("includes itself");
}

static void test_config_depth(void **state)
{
	struct options *o = *state;
	char name[32], text[512], path[256];
	int i;

	/* f0 -> f1 -> ... -> f10: eleven levels */
	for (i = 0; i <= OPT_MAX_DEPTH; i++) {
		snprintf(name, sizeof(name), "d%d.conf", i);
		if (i < OPT_MAX_DEPTH)
			snprintf(text, sizeof(text), "config %s/d%d.conf\n", tmpdir, i + 1);
		else
			snprintf(text, sizeof(text), "verb 9\n");
		write_file(name, text);
	}
	snprintf(path, sizeof(path), "%s/d0.conf", tmpdir);
	assert_int_equal(options_parse_file(o, path, 0), -EINVAL);
	assert_error_has("d9.conf:1: option 'config':");
	assert_error_has("nested more than 10 deep");
	assert_int_equal(o->verb, 1);

	/* ten levels are fine */
	snprintf(path, sizeof(path), "%s/d1.conf", tmpdir);
	assert_int_equal(options_parse_file(o, path, 0), 0);
	assert_int_equal(o->verb, 9);
}

static void test_config_after_cd(void **state)
{
	struct options *o = *state;

	write_file("rel.conf", "verb 8\n");
	assert_int_equal(parse_args(o, "--cd", tmpdir, "--config", "rel.conf", NULL), 0);
	assert_int_equal(o->verb, 8);
}

static void test_config_too_big(void **state)
{
	struct options *o = *state;
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/big.conf", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, CONFIG_MAX_FILE + 1), 0);
	close(fd);
	assert_int_equal(options_parse_file(o, path, 0), -EINVAL);
	assert_error_has("is larger than");
}

/* ---- finalize ------------------------------------------------------------ */

static void set_dev(struct options *o)
{
	assert_int_equal(parse(o, "dev tun\n"), 0);
}

static void test_finalize_minimal(void **state)
{
	struct options *o = *state;

	assert_int_equal(parse(o, "dev tun\nifconfig 10.8.0.1 10.8.0.2\n"), 0);
	assert_int_equal(options_finalize(o), 0);
	/* help and version need nothing else */
	options_free(o);
	options_init(o);
	assert_int_equal(parse_args(o, "--version", NULL), 0);
	assert_int_equal(options_finalize(o), 0);
}

static void test_finalize_dev_required(void **state)
{
	struct options *o = *state;

	expect_finalize_error(o, "options: --dev is required", 1);
	/* any name that is not tap... is a tun device */
	assert_int_equal(parse(o, "dev vpn0\n"), 0);
	assert_int_equal(options_finalize(o), 0);
	assert_null(o->dev_type);
}

static void test_finalize_tls_modes(void **state)
{
	struct options *o = *state;

	set_dev(o);
	o->tls_server = o->tls_client = true;
	expect_finalize_error(o, "--tls-server and --tls-client cannot be used together", 1);
}

static void test_finalize_ifconfig(void **state)
{
	struct options *o = *state;

	set_dev(o);
	o->ifconfig_local = strdup("10.0.0.300");
	o->ifconfig_remote = strdup("10.0.0.2");
	expect_finalize_error(o, "'10.0.0.300' is not an IPv4 address", 1);

	free(o->ifconfig_local);
	o->ifconfig_local = strdup("10.0.0.1");
	free(o->ifconfig_remote);
	o->ifconfig_remote = strdup("255.255.255.0");
	expect_finalize_error(o, "'255.255.255.0' looks like a netmask", 1);
	o->topology = TOP_SUBNET;
	assert_int_equal(options_finalize(o), 0);

	free(o->ifconfig_remote);
	o->ifconfig_remote = strdup("10.0.0.2");
	expect_finalize_error(o, "with --topology subnet the second argument is a netmask", 1);
	o->topology = TOP_P2P;
	free(o->ifconfig_remote);
	o->ifconfig_remote = strdup("10.0.0.1");
	expect_finalize_error(o, "local and remote address are both 10.0.0.1", 1);
}

static void test_finalize_ifconfig_ipv6(void **state)
{
	struct options *o = *state;

	set_dev(o);
	o->ifconfig_ipv6_local = strdup("fd00::1");
	o->ifconfig_ipv6_remote = strdup("fd00::zz");
	expect_finalize_error(o, "'fd00::zz' is not an IPv6 address", 2);
	free(o->ifconfig_ipv6_local);
	free(o->ifconfig_ipv6_remote);
	o->ifconfig_ipv6_local = strdup("fd00::1/64");
	o->ifconfig_ipv6_remote = strdup("fd00::2");
	assert_int_equal(options_finalize(o), 0);
}

static void test_finalize_ping(void **state)
{
	struct options *o = *state;

	/* one receive timeout, as in 2.6: the later option wins */
	assert_int_equal(parse(o, "dev tun\nping-restart 60\nping-exit 120\n"), 0);
	assert_int_equal(o->ping_exit, 120);
	assert_int_equal(o->ping_restart, 0);
	assert_int_equal(parse(o, "ping-restart 30\n"), 0);
	assert_int_equal(o->ping_exit, 0);
	assert_int_equal(o->ping_restart, 30);
	assert_int_equal(options_finalize(o), 0);
}

static void test_finalize_tun_mtu(void **state)
{
	struct options *o = *state;

	set_dev(o);
	o->tun_mtu = 67;
	expect_finalize_error(o, "--tun-mtu 67 is out of range (68..9000", 1);
	o->tun_mtu = 9001;
	expect_finalize_error(o, "--tun-mtu 9001 is out of range", 1);
	o->tun_mtu = 68;
	assert_int_equal(options_finalize(o), 0);
	o->tun_mtu = 9000;
	assert_int_equal(options_finalize(o), 0);
}

static void test_finalize_proto_tcp(void **state)
{
	struct options *o = *state;

	assert_int_equal(parse(o, "dev tun\nproto tcp\nremote h\n"), 0);
	assert_true(o->proto_tcp_role_unset);
	expect_finalize_error(o, "'tcp' is ambiguous in point-to-point mode", 1);

	/* a client connects */
	assert_int_equal(parse(o, "client\n" INLINE_CREDENTIALS), 0);
	assert_int_equal(options_finalize(o), 0);
	assert_int_equal(o->proto, PROTO_TCP_CLIENT);
	assert_false(o->proto_tcp_role_unset);
	options_free(o);
	options_init(o);

	/* a server listens, keeping the address family */
	assert_int_equal(parse(o, "dev tun\nproto tcp6\nmode server\ntls-server\ndh none\n"
			       INLINE_CREDENTIALS), 0);
	assert_int_equal(options_finalize(o), 0);
	assert_int_equal(o->proto, PROTO_TCP6_SERVER);
	options_free(o);
	options_init(o);

	/* the proto of a --remote is ambiguous just the same */
	assert_int_equal(parse(o, "dev tun\nremote h 1194 tcp\n"), 0);
	expect_finalize_error(o, "--remote: 'tcp' is ambiguous", 1);
}

static void test_finalize_tcp_roles(void **state)
{
	struct options *o = *state;

	/* tcp-server with --remote is fine in p2p: it accepts only that peer */
	assert_int_equal(parse(o, "dev tun\nproto tcp-server\nremote h\n"), 0);
	assert_int_equal(options_finalize(o), 0);
	assert_true(o->bind_local);

	assert_int_equal(parse(o, "nobind\n"), 0);
	expect_finalize_error(o, "--nobind cannot be used with --proto tcp-server", 1);
	options_free(o);
	options_init(o);

	assert_int_equal(parse(o, "dev tun\nproto tcp-client\n"), 0);
	expect_finalize_error(o, "--proto tcp-client needs --remote", 1);
	assert_int_equal(parse(o, "remote h\n"), 0);
	assert_int_equal(options_finalize(o), 0);
	/* a TCP client does not bind unless asked to */
	assert_false(o->bind_local);
	options_free(o);
	options_init(o);

	assert_int_equal(parse(o, "dev tun\nproto tcp-client\nremote h\nbind\n"), 0);
	assert_int_equal(options_finalize(o), 0);
	assert_true(o->bind_local);
	options_free(o);
	options_init(o);

	assert_int_equal(parse(o, "dev tun\nnobind\n"), 0);
	expect_finalize_error(o, "--nobind needs --remote", 1);
}

static void test_finalize_reports_all(void **state)
{
	struct options *o = *state;

	/* no dev, bad tun-mtu (not checked without dev), ping conflict,
	 * tls conflict, ambiguous tcp */
	assert_int_equal(parse(o, "proto tcp\nremote h\nkeepalive 10 5\n"
			       "ifconfig 10.0.0.1 255.255.255.252\n"), 0);
	o->tls_server = o->tls_client = true;
	expect_finalize_error(o, "--keepalive: the timeout (5) must be at least twice", 5);
}

static void test_keepalive(void **state)
{
	struct options *o = *state;

	assert_int_equal(parse(o, "dev tun\nkeepalive 10 60\n"), 0);
	assert_int_equal(o->ping, 0);
	assert_int_equal(options_finalize(o), 0);
	assert_int_equal(o->ping, 10);
	assert_int_equal(o->ping_restart, 60);
	assert_int_equal(o->keepalive_ping, 10);
	assert_int_equal(o->keepalive_timeout, 60);
	/* running finalize again changes nothing */
	assert_int_equal(options_finalize(o), 0);
	assert_int_equal(o->ping, 10);
	assert_int_equal(o->ping_restart, 60);
}

static void test_keepalive_errors(void **state)
{
	struct options *o = *state;

	assert_int_equal(parse(o, "dev tun\nkeepalive 10 15\n"), 0);
	expect_finalize_error(o, "the timeout (15) must be at least twice the ping interval (10)", 1);
	options_free(o);
	options_init(o);

	assert_int_equal(parse(o, "dev tun\nkeepalive 10 60\nping 5\n"), 0);
	expect_finalize_error(o, "--keepalive cannot be combined with --ping", 1);
	options_free(o);
	options_init(o);

	assert_int_equal(parse(o, "dev tun\nkeepalive 10 60\nping-exit 100\n"), 0);
	expect_finalize_error(o, "--keepalive cannot be combined", 1);
	options_free(o);
	options_init(o);

	/* a server waits twice as long as it asks its clients to */
	assert_int_equal(parse(o, "dev tun\nkeepalive 10 60\nmode server\ntls-server\n"
			       "dh none\n" INLINE_CREDENTIALS), 0);
	assert_int_equal(options_finalize(o), 0);
	assert_int_equal(o->ping, 10);
	assert_int_equal(o->ping_restart, 120);
}

/* ---- TLS and data-channel options ----------------------------------------- */

static void test_tls_defaults(void **state)
{
	struct options *o = *state;

	assert_false(o->tls_server || o->tls_client);
	assert_string_equal(o->cipher, "BF-CBC");
	assert_false(o->cipher_set);
	assert_string_equal(o->auth, "SHA1");
	assert_string_equal(o->data_ciphers, "AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305");
	assert_null(o->data_ciphers_fallback);
	assert_int_equal(o->replay_window, 64);
	assert_int_equal(o->replay_time, 15);
	assert_int_equal(o->reneg_bytes, -1);
	assert_int_equal(o->reneg_pkts, 0);
	assert_int_equal(o->tls_auth_dir, -1);
	assert_int_equal(o->key_direction, -1);
	assert_int_equal(o->tls_version_min, TLS_VER_1_2);
	assert_int_equal(o->tls_version_max, TLS_VER_UNSET);
	assert_int_equal(o->tls_cert_profile, TLS_PROFILE_LEGACY);
	assert_int_equal(o->remote_cert_tls, REMOTE_CERT_NONE);
	assert_int_equal(o->tls_timeout, 2);
	assert_int_equal(o->hand_window, 60);
	assert_int_equal(o->tran_window, 3600);
	assert_int_equal(o->reneg_sec, 3600);
	assert_int_equal(o->reneg_sec_min, -1);
	assert_int_equal(o->max_packet_size, 1250);
	assert_false(option_file_set(&o->ca));
	assert_false(o->dh_none);
	assert_false(o->genkey);
}

static void test_tls_values_stored(void **state)
{
	struct options *o = *state;

	assert_int_equal(parse(o,
		"tls-client\nca ca.crt\ncapath /etc/ssl/certs\ncert c.crt\nkey c.key\n"
		"extra-certs x.crt\ndh d.pem\ndh none\ntls-auth ta.key 1\nkey-direction 0\n"
		"auth sha256\ncipher aes-256-cbc\n"
		"data-ciphers aes-256-gcm:?FOO:chacha20-poly1305:?AES-128-GCM\n"
		"data-ciphers-fallback aes-128-gcm\ntls-version-min 1.3\n"
		"tls-version-max 1.3\ntls-cipher A:B\ntls-ciphersuites C\ntls-groups X25519\n"
		"tls-cert-profile preferred\nremote-cert-tls server\n"
		"verify-x509-name server name-prefix\ncrl-verify crl.d dir\n"
		"tls-timeout 5\nhand-window 30\ntran-window 100\nreneg-sec 600 300\n"
		"reneg-bytes 1000\nreneg-pkts 500\nreplay-window 128 30\n"
		"mute-replay-warnings\ntls-exit\nsingle-session\nmax-packet-size 1400\n"), 0);
	assert_true(o->tls_client);
	assert_string_equal(o->ca.name, "ca.crt");
	assert_false(o->ca.is_inline);
	assert_string_equal(o->capath, "/etc/ssl/certs");
	assert_string_equal(o->cert.name, "c.crt");
	assert_string_equal(o->key.name, "c.key");
	assert_string_equal(o->extra_certs.name, "x.crt");
	assert_true(o->dh_none);
	assert_false(option_file_set(&o->dh));
	assert_string_equal(o->tls_auth.name, "ta.key");
	assert_int_equal(o->tls_auth_dir, 1);
	assert_int_equal(o->key_direction, 0);
	assert_string_equal(o->auth, "SHA256");
	assert_string_equal(o->cipher, "AES-256-CBC");
	assert_true(o->cipher_set);
	/* canonical names, the unknown optional entry dropped */
	assert_string_equal(o->data_ciphers, "AES-256-GCM:CHACHA20-POLY1305:AES-128-GCM");
	assert_string_equal(o->data_ciphers_fallback, "AES-128-GCM");
	assert_int_equal(o->tls_version_min, TLS_VER_1_3);
	assert_false(o->tls_version_min_or_highest);
	assert_int_equal(o->tls_version_max, TLS_VER_1_3);
	assert_string_equal(o->tls_cipher, "A:B");
	assert_string_equal(o->tls_ciphersuites, "C");
	assert_string_equal(o->tls_groups, "X25519");
	assert_int_equal(o->tls_cert_profile, TLS_PROFILE_PREFERRED);
	assert_int_equal(o->remote_cert_tls, REMOTE_CERT_SERVER);
	assert_string_equal(o->verify_x509_name, "server");
	assert_int_equal(o->verify_x509_type, VERIFY_X509_NAME_PREFIX);
	assert_string_equal(o->crl_verify.name, "crl.d");
	assert_true(o->crl_verify_dir);
	assert_int_equal(o->tls_timeout, 5);
	assert_int_equal(o->hand_window, 30);
	assert_int_equal(o->tran_window, 100);
	assert_int_equal(o->reneg_sec, 600);
	assert_int_equal(o->reneg_sec_min, 300);
	assert_int_equal(o->reneg_bytes, 1000);
	assert_int_equal(o->reneg_pkts, 500);
	assert_int_equal(o->replay_window, 128);
	assert_int_equal(o->replay_time, 30);
	assert_true(o->mute_replay_warnings && o->tls_exit && o->single_session);
	assert_int_equal(o->max_packet_size, 1400);

	/* --dh after "none" is a file again; ncp-ciphers is the old name */
	assert_int_equal(parse(o, "dh d.pem\nncp-ciphers AES-128-GCM\n"
			       "tls-server\nverify-x509-name \"CN=a, O=b\"\n"), 0);
	assert_false(o->dh_none);
	assert_string_equal(o->dh.name, "d.pem");
	assert_string_equal(o->data_ciphers, "AES-128-GCM");
	assert_int_equal(o->verify_x509_type, VERIFY_X509_SUBJECT);
}

static void test_tls_inline(void **state)
{
	struct options *o = *state;

	assert_int_equal(parse(o, "<ca>\nCA-PEM\n</ca>\n<cert>\nCERT\n</cert>\n"
			       "<key>\nKEY\n</key>\n<dh>\nnone\n</dh>\n"
			       "<tls-auth>\nSTATIC\n</tls-auth>\nkey-direction 1\n"
			       "<extra-certs>\nX\n</extra-certs>\n<crl-verify>\nCRL\n</crl-verify>\n"), 0);
	assert_true(o->ca.is_inline && o->cert.is_inline && o->key.is_inline);
	assert_true(o->tls_auth.is_inline && o->extra_certs.is_inline);
	assert_true(o->crl_verify.is_inline);
	assert_non_null(strstr(o->ca.name, "CA-PEM"));
	assert_non_null(strstr(o->key.name, "KEY"));
	/* an inline block holding "none" is content, not the keyword */
	assert_true(o->dh.is_inline);
	assert_false(o->dh_none);
	assert_int_equal(o->tls_auth_dir, -1);
	assert_int_equal(o->key_direction, 1);
	assert_int_equal(parse(o, "<tls-crypt>\nK\n</tls-crypt>\n"), 0);
	assert_true(o->tls_crypt.is_inline);
	/* a file name after an inline block is a file again */
	assert_int_equal(parse(o, "ca ca.crt\n"), 0);
	assert_false(o->ca.is_inline);
	assert_string_equal(o->ca.name, "ca.crt");
}

static void test_tls_option_errors(void **state)
{
	char list[200];
	int i;

	expect_bad("cipher FOO-256\n", "t.conf:1: option 'cipher': 'FOO-256' is not a cipher this version knows");
	expect_bad("auth MD99\n", "option 'auth': 'MD99' is not a digest this version knows");
	expect_bad("data-ciphers AES-256-GCM:FOO\n",
		   "option 'data-ciphers': unsupported cipher 'FOO' in the list (use '?FOO' to skip it");
	expect_bad("data-ciphers BF-CBC\n", "unsupported cipher 'BF-CBC'");
	expect_bad("data-ciphers ?FOO\n", "option 'data-ciphers': no usable cipher in '?FOO'");
	expect_bad("data-ciphers ::\n", "no usable cipher");
	expect_bad("data-ciphers-fallback BF-CBC\n", "'BF-CBC' is not a data-channel cipher");
	expect_bad("key-direction 2\n", "option 'key-direction': '2' is not a key direction (0 or 1)");
	expect_bad("tls-auth ta.key 2\n", "option 'tls-auth': '2' is not a key direction");
	expect_bad("tls-auth ta.key 0 1\n", "takes at most 2 arguments");
	expect_bad("tls-version-min 1.4\n", "'1.4' is not a TLS version (1.0, 1.1, 1.2 or 1.3)");
	expect_bad("tls-version-min 1.2 or-lowest\n", "'or-lowest' is not a keyword (or-highest)");
	expect_bad("tls-version-max 2\n", "option 'tls-version-max': '2' is not a TLS version");
	expect_bad("tls-cert-profile paranoid\n", "'paranoid' is not a profile");
	expect_bad("remote-cert-tls peer\n", "'peer' is neither 'client' nor 'server'");
	expect_bad("verify-x509-name a dn\n", "'dn' is not a name type (subject, name or name-prefix)");
	expect_bad("crl-verify crl.pem directory\n", "'directory' is not a keyword (dir)");
	expect_bad("tls-timeout 0\n", "out of range");
	expect_bad("hand-window 0\n", "out of range");
	expect_bad("tran-window x\n", "'x' is not a number");
	expect_bad("reneg-sec -1\n", "out of range");
	expect_bad("reneg-bytes -5\n", "out of range");
	expect_bad("reneg-pkts 1e6\n", "not a number");
	expect_bad("replay-window 70000\n", "70000 is out of range (0..65536)");
	expect_bad("replay-window 64 700\n", "700 is out of range (0..600)");
	expect_bad("max-packet-size big\n", "not a number");
	expect_bad("genkey rsa\n", "'rsa' is not a key type (secret, tls-auth, tls-crypt, "
		   "tls-crypt-v2-server or tls-crypt-v2-client)");
	expect_bad("genkey tls-crypt-v2-server k extra\n", "metadata is only for tls-crypt-v2-client");
	expect_bad("tls-crypt-v2 k.key sometimes\n",
		   "'sometimes' is neither force-cookie nor allow-noncookie");
	expect_bad("tls-crypt-v2 k.key force-cookie x\n", "");
	expect_bad("tls-crypt-v2-verify\n", "");
	expect_bad("tls-crypt-v2-verify \"a 'b\"\n", "cannot split");
	expect_bad("genkey secret k extra\n", "metadata is only for tls-crypt-v2-client keys");
	expect_bad("ca \"\"\n", "option 'ca': empty argument");
	expect_bad("tls-server x\n", "takes no arguments");
	expect_bad("cipher AES-256-GCM\n<crl-verify>\nX\n</crl-verify>\ncrl-verify a b\n", "not a keyword (dir)");

	/* 2.6 limits the list to 127 characters */
	strcpy(list, "data-ciphers ");
	for (i = 0; i < 11; i++)
		strcat(list, "AES-256-GCM:");
	strcat(list, "AES-12-GCM\n");
	expect_bad(list, "the list is longer than 127 characters");

	expect_good("tls-version-min 1.4 or-highest\n");
	expect_good("data-ciphers none:AES-256-GCM\n");
	expect_good("cipher none\nauth none\n");
	expect_good("genkey\n");
	expect_good("replay-window 0 0\n");
	expect_good("reneg-sec 0\n");
}

static void test_tls_version_or_highest(void **state)
{
	struct options *o = *state;

	assert_int_equal(parse(o, "tls-version-min 1.9 or-highest\n"), 0);
	assert_int_equal(o->tls_version_min, TLS_VER_1_3);
	assert_true(o->tls_version_min_or_highest);
	assert_int_equal(parse(o, "tls-version-min 1.1 or-highest\n"), 0);
	assert_int_equal(o->tls_version_min, TLS_VER_1_1);
}

static void test_max_packet_size_clamped(void **state)
{
	struct options *o = *state;

	/* 2.6 says so and uses the nearest bound */
	assert_int_equal(parse(o, "max-packet-size 100\n"), 0);
	assert_int_equal(o->max_packet_size, 154);
	assert_int_equal(parse(o, "max-packet-size 3000\n"), 0);
	assert_int_equal(o->max_packet_size, 2048);
	assert_int_equal(parse(o, "max-packet-size 154\n"), 0);
	assert_int_equal(o->max_packet_size, 154);
}

static void test_genkey(void **state)
{
	struct options *o = *state;

	assert_int_equal(parse_args(o, "--genkey", "tls-crypt", "/tmp/k", NULL), 0);
	assert_true(o->genkey);
	assert_int_equal(o->genkey_type, GENKEY_SECRET);
	assert_string_equal(o->genkey_file, "/tmp/k");
	/* standalone: no --dev needed */
	assert_int_equal(options_finalize(o), 0);
}

static void test_genkey_tls_crypt_v2(void **state)
{
	struct options *o = *state;

	assert_int_equal(parse_args(o, "--tls-crypt-v2", "s.key", "--genkey", "tls-crypt-v2-client",
				    "/tmp/c", "aGVsbG8=", NULL), 0);
	assert_int_equal(o->genkey_type, GENKEY_TLS_CRYPT_V2_CLIENT);
	assert_string_equal(o->genkey_file, "/tmp/c");
	assert_string_equal(o->genkey_metadata, "aGVsbG8=");
	assert_string_equal(o->tls_crypt_v2.name, "s.key");
	assert_false(o->tls_crypt_v2.is_inline);
}

static void test_tls_crypt_v2_options(void **state)
{
	struct options *o = *state;

	assert_int_equal(parse(o, "tls-crypt-v2 s.key force-cookie\n"), 0);
	assert_true(o->tls_crypt_v2_force_cookie);
	assert_int_equal(parse(o, "tls-crypt-v2 s.key allow-noncookie\n"), 0);
	assert_false(o->tls_crypt_v2_force_cookie);
	assert_int_equal(parse(o, "<tls-crypt-v2>\nx\n</tls-crypt-v2>\n"), 0);
	assert_true(o->tls_crypt_v2.is_inline);
	assert_int_equal(parse(o, "tls-crypt-v2-verify \"/bin/check meta\"\n"), 0);
	assert_string_equal(o->tls_crypt_v2_verify, "/bin/check meta");
}

static void test_cipher_lookup(void **state)
{
	const struct option_cipher *c = options_cipher_find("chacha20-poly1305");
	int size = 0;

	assert_non_null(c);
	assert_string_equal(c->name, "CHACHA20-POLY1305");
	assert_true(c->aead && c->data_channel);
	assert_int_equal(c->key_bits, 256);
	c = options_cipher_find("BF-CBC");
	assert_non_null(c);
	assert_false(c->data_channel);
	assert_null(options_cipher_find("none"));
	assert_null(options_cipher_find("AES-256-GCMX"));
	assert_string_equal(options_digest_find("sha512", &size), "SHA512");
	assert_int_equal(size, 64);
	assert_null(options_digest_find("none", &size));
}

/* A TLS configuration with real files in the test directory. */
static void tls_files(struct options *o, const char *role)
{
	char text[1024];

	write_file("ca.crt", "x");
	write_file("c.crt", "x");
	write_file("c.key", "x");
	chmod(strcat(strcpy(text, tmpdir), "/c.key"), 0600);
	write_file("dh.pem", "x");
	snprintf(text, sizeof(text), "dev tun\n%s\nca %s/ca.crt\ncert %s/c.crt\n"
		 "key %s/c.key\n", role, tmpdir, tmpdir, tmpdir);
	assert_int_equal(parse(o, text), 0);
}

static void test_finalize_tls_required(void **state)
{
	struct options *o = *state;

	assert_int_equal(parse(o, "dev tun\ntls-server\n"), 0);
	expect_finalize_error(o, "options: TLS mode needs --key, the private key of --cert", 4);
	/* the missing file is one more problem, reported after the others */
	assert_int_equal(parse(o, "ca /nonexistent/ca.crt\n"), 0);
	expect_finalize_error(o, "options: --ca '/nonexistent/ca.crt': No such file or directory", 4);
	options_free(o);
	options_init(o);

	assert_int_equal(parse(o, "dev tun\ntls-client\n"), 0);
	expect_finalize_error(o, "TLS mode needs --key", 3);
	options_free(o);
	options_init(o);

	tls_files(o, "tls-server");
	expect_finalize_error(o, "options: --tls-server needs --dh: a DH parameter file, or 'none' to use ECDHE only", 1);
	assert_int_equal(parse(o, "dh none\n"), 0);
	assert_int_equal(options_finalize(o), 0);
}

static void test_finalize_tls_files(void **state)
{
	struct options *o = *state;
	char text[512];

	tls_files(o, "tls-client");
	assert_int_equal(options_finalize(o), 0);
	snprintf(text, sizeof(text), "ca %s/missing.crt\ncapath %s/c.crt\n", tmpdir, tmpdir);
	assert_int_equal(parse(o, text), 0);
	expect_finalize_error(o, "c.crt' is not a directory", 2);
	assert_non_null(strstr(options_last_error(), "options: --capath '"));
	options_free(o);
	options_init(o);

	tls_files(o, "tls-client");
	snprintf(text, sizeof(text), "ca %s/missing.crt\n", tmpdir);
	assert_int_equal(parse(o, text), 0);
	snprintf(text, sizeof(text), "options: --ca '%s/missing.crt': No such file or directory", tmpdir);
	expect_finalize_error(o, text, 1);
	/* inline content is not a file name */
	assert_int_equal(parse(o, "<ca>\nPEM\n</ca>\n"), 0);
	assert_int_equal(options_finalize(o), 0);
	/* the CRL directory must be one */
	snprintf(text, sizeof(text), "crl-verify %s/c.crt dir\n", tmpdir);
	assert_int_equal(parse(o, text), 0);
	expect_finalize_error(o, "--crl-verify", 1);
	snprintf(text, sizeof(text), "crl-verify %s dir\n", tmpdir);
	assert_int_equal(parse(o, text), 0);
	assert_int_equal(options_finalize(o), 0);
	options_free(o);
	options_init(o);

	/* relative names are found under --cd */
	write_file("ca.crt", "x");
	write_file("k.key", "x");
	snprintf(text, sizeof(text), "dev tun\ntls-client\ncd %s\nca ca.crt\ncert ca.crt\nkey k.key\n",
		 tmpdir);
	assert_int_equal(parse(o, text), 0);
	assert_int_equal(options_finalize(o), 0);
}

static void test_finalize_tls_conflicts(void **state)
{
	struct options *o = *state;

	tls_files(o, "tls-client");
	assert_int_equal(parse(o, "<tls-auth>\nK\n</tls-auth>\n<tls-crypt>\nK\n</tls-crypt>\n"), 0);
	expect_finalize_error(o, "--tls-auth and --tls-crypt cannot be used together", 1);
	options_free(o);
	options_init(o);

	tls_files(o, "tls-client");
	assert_int_equal(parse(o, "tls-version-min 1.3\ntls-version-max 1.2\n"), 0);
	expect_finalize_error(o, "--tls-version-min 1.3 is higher than --tls-version-max 1.2", 1);
	options_free(o);
	options_init(o);

	tls_files(o, "tls-client");
	assert_int_equal(parse(o, "reneg-sec 100 200\n"), 0);
	expect_finalize_error(o, "--reneg-sec: the minimum (200) is larger than the maximum (100)", 1);
	options_free(o);
	options_init(o);

	/* in P2P --cipher is also the fallback: it must carry data */
	tls_files(o, "tls-client");
	assert_int_equal(parse(o, "cipher BF-CBC\n"), 0);
	expect_finalize_error(o, "--cipher BF-CBC: this cipher cannot carry data", 1);
	assert_int_equal(parse(o, "client\nremote h\n"), 0);
	assert_int_equal(options_finalize(o), 0);
}

static void test_finalize_key_direction(void **state)
{
	struct options *o = *state;

	tls_files(o, "tls-client");
	assert_int_equal(parse(o, "<tls-auth>\nK\n</tls-auth>\nkey-direction 1\n"), 0);
	assert_int_equal(options_finalize(o), 0);
	assert_int_equal(o->tls_auth_dir, 1);
	/* the direction on --tls-auth itself wins */
	assert_int_equal(parse(o, "<tls-auth>\nK\n</tls-auth>\n"), 0);
	o->tls_auth_dir = 0;
	assert_int_equal(options_finalize(o), 0);
	assert_int_equal(o->tls_auth_dir, 0);
}

static void test_finalize_tls_only_options(void **state)
{
	static const char *const lines[] = {
		"ca x\n", "cert x\n", "key x\n", "capath /\n", "extra-certs x\n",
		"tls-auth x\n", "tls-crypt x\n", "crl-verify x\n",
		"remote-cert-tls server\n", "verify-x509-name x\n", "tls-exit\n",
		"tls-timeout 3\n", "hand-window 5\n", "tran-window 5\n", "reneg-sec 60\n",
	};
	struct options o;
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		options_init(&o);
		assert_int_equal(parse(&o, "dev tun\n"), 0);
		assert_int_equal(parse(&o, lines[i]), 0);
		expect_finalize_error(&o, "only works in TLS mode (with --tls-server or --tls-client)", 1);
		options_free(&o);
	}
	/* data-channel options are harmless without TLS, as in 2.6 */
	options_init(&o);
	assert_int_equal(parse(&o, "dev tun\ndata-ciphers AES-256-GCM\ncipher AES-256-GCM\n"
			       "tls-version-min 1.3\ndh none\nauth SHA256\n"), 0);
	assert_int_equal(options_finalize(&o), 0);
	options_free(&o);
}

/* ---- helpers: proto, help, log ------------------------------------------- */

static void test_proto_helpers(void **state)
{
	assert_string_equal(proto_name(PROTO_UDP), "udp");
	assert_string_equal(proto_name(PROTO_UDP6), "udp6");
	assert_string_equal(proto_name(PROTO_TCP4_SERVER), "tcp4-server");
	assert_string_equal(proto_name(PROTO_TCP_CLIENT), "tcp-client");
	assert_string_equal(proto_name((enum proto)99), "unknown");
	assert_int_equal(proto_family(PROTO_UDP), AF_UNSPEC);
	assert_int_equal(proto_family(PROTO_UDP4), AF_INET);
	assert_int_equal(proto_family(PROTO_TCP6_CLIENT), AF_INET6);
	assert_int_equal(proto_family(PROTO_TCP_SERVER), AF_UNSPEC);
	assert_true(options_is_netmask("255.255.255.0"));
	assert_true(options_is_netmask("0.0.0.0"));
	assert_false(options_is_netmask("255.0.255.0"));
	assert_true(options_is_ipv6_prefix("::/0", true));
	assert_false(options_is_ipv6_prefix("::/", true));
	assert_false(options_is_ipv6_prefix("::/1x", true));
	assert_false(options_is_ipv6_prefix("/64", true));
}

/* Run fn with stdout or stderr sent to a file, return what it wrote. */
static char *capture(int fd_out, void (*fn)(void *), void *arg)
{
	char path[] = "/tmp/test_options_out_XXXXXX";
	int fd = mkstemp(path), saved = dup(fd_out);
	static char buf[65536];
	ssize_t n;

	assert_true(fd >= 0 && saved >= 0);
	fflush(NULL);
	dup2(fd, fd_out);
	fn(arg);
	fflush(NULL);
	dup2(saved, fd_out);
	close(saved);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	close(fd);
	unlink(path);
	return buf;
}

static void run_help(void *arg)
{
	options_print_help();
}

static void test_help(void **state)
{
	char *out = capture(STDOUT_FILENO, run_help, NULL);

	assert_non_null(strstr(out, "Usage: openvpn"));
	assert_non_null(strstr(out, "  --remote host [port] [proto]\n"));
	assert_non_null(strstr(out, "  --keepalive interval timeout\n"));
	assert_non_null(strstr(out, "  --tls-server\n"));
	assert_non_null(strstr(out, "  --secret file [direction] "));
	assert_non_null(strstr(out, "[not supported yet]"));
	assert_non_null(strstr(out, "[Windows only]"));
	assert_null(strstr(out, "  --verb n ["));
}

static void run_log(void *arg)
{
	struct log_config cfg = { .verb = 4 };

	log_configure(&cfg);
	options_log(arg);
	cfg.verb = 1;
	log_configure(&cfg);
}

static void test_log(void **state)
{
	struct options *o = *state;
	char *out;

	assert_int_equal(parse(o, "dev tun\nverb 3\nremote peer 1195\n"
			       "route 10.0.0.0 255.0.0.0\n"), 0);
	out = capture(STDERR_FILENO, run_log, o);
	assert_non_null(strstr(out, "  verb = 3\n"));
	assert_non_null(strstr(out, "  dev = tun\n"));
	assert_non_null(strstr(out, "  remote[0] = peer 1195 udp\n"));
	assert_non_null(strstr(out, "  bind_local = ENABLED\n"));
	assert_non_null(strstr(out, "  route[0] = 10.0.0.0 255.0.0.0"));
	assert_non_null(strstr(out, "  topology = net30\n"));
}

static void test_error_count(void **state)
{
	struct options *o = *state;
	unsigned int before = options_error_count();

	assert_int_equal(parse(o, "verb 3\n"), 0);
	assert_int_equal(options_error_count(), before);
	assert_int_equal(parse(o, "verb x\n"), -EINVAL);
	assert_int_equal(options_error_count(), before + 1);
}

/* ---- client mode options -------------------------------------------------- */

static void test_client_options_stored(void **state)
{
	struct options *o = *state;

	assert_int_equal(parse(o, "client\nroute-nopull\n"
			       "pull-filter accept \"route 10.\"\n"
			       "pull-filter ignore \"route \"\n"
			       "pull-filter reject \"\"\n"
			       "redirect-gateway def1 bypass-dhcp\nredirect-gateway ipv6 !ipv4\n"
			       "dhcp-option DNS 10.8.0.1\ndhcp-option DISABLE-NBT\n"
			       "dns search-domains a.example b.example\n"
			       "dns server -5 address 192.0.2.1 192.0.2.2:5353 2001:db8::1 [2001:db8::2]:53\n"
			       "dns server -5 resolve-domains corp.example\n"
			       "dns server 3 address 192.0.2.3\ndns server 3 dnssec optional\n"
			       "dns server 3 transport DoT\ndns server 3 sni dns.example\n"
			       "echo msg hello\necho anything at all\n"), 0);
	assert_true(o->client);
	assert_true(o->route_nopull);
	assert_int_equal(o->n_pull_filters, 3);
	assert_int_equal(o->pull_filters[0].action, PULL_FILTER_ACCEPT);
	assert_string_equal(o->pull_filters[0].text, "route 10.");
	assert_int_equal(o->pull_filters[1].action, PULL_FILTER_IGNORE);
	assert_string_equal(o->pull_filters[1].text, "route ");
	assert_int_equal(o->pull_filters[2].action, PULL_FILTER_REJECT);
	assert_string_equal(o->pull_filters[2].text, "");
	assert_int_equal(o->redirect_gateway,
			 REDIRECT_ENABLE | REDIRECT_DEF1 | REDIRECT_BYPASS_DHCP |
			 REDIRECT_IPV6 | REDIRECT_NOT_IPV4);
	assert_int_equal(o->n_dhcp_options, 2);
	assert_int_equal(o->dhcp_options[0].argc, 2);
	assert_string_equal(o->dhcp_options[0].argv[0], "DNS");
	assert_string_equal(o->dhcp_options[0].argv[1], "10.8.0.1");
	assert_null(o->dhcp_options[0].argv[2]);
	assert_false(o->dhcp_options[0].pushed);
	assert_int_equal(o->dhcp_options[1].argc, 1);
	assert_int_equal(o->n_dns, 7);
	assert_int_equal(o->dns[0].argc, 3);
	assert_string_equal(o->dns[1].argv[6], "[2001:db8::2]:53");
	assert_int_equal(o->push_peer_id, -1);
	/* --pull alone, for a pulling TLS client without the helper */
	assert_int_equal(parse(o, "pull\n"), 0);
	assert_true(o->pull);
}

static void test_client_option_errors(void **state)
{
	expect_bad("pull-filter drop x\n", "'drop' is not a filter action (accept, ignore or reject)");
	expect_bad("pull-filter ignore\n", "needs 2 arguments");
	expect_bad("redirect-gateway def1 foo\n", "option 'redirect-gateway': 'foo' is not a flag");
	expect_bad("dns search-domains\n", "needs at least 2 arguments");
	expect_bad("dns bogus x\n", "'bogus' is not a dns setting");
	expect_bad("dns server 1 address\n", "needs an id, a setting and its value");
	expect_bad("dns server 128 address 1.2.3.4\n", "128 is out of range (-128..127)");
	expect_bad("dns server x address 1.2.3.4\n", "'x' is not a number");
	expect_bad("dns server 1 address a.b.c\n", "'a.b.c' is not an address");
	expect_bad("dns server 1 address 1.2.3.4:0\n", "'1.2.3.4:0' is not an address");
	expect_bad("dns server 1 address [::1\n", "'[::1' is not an address");
	expect_bad("dns server 1 address 10.0.0.0/8\n", "is not an address");
	expect_bad("dns server 1 address 1.1.1.1 1.1.1.2 1.1.1.3 1.1.1.4 1.1.1.5 "
		   "1.1.1.6 1.1.1.7 1.1.1.8 1.1.1.9\n", "at most 8 addresses");
	expect_bad("dns server 1 dnssec maybe\n", "'maybe' is not a dnssec value");
	expect_bad("dns server 1 transport udp\n", "'udp' is not a transport");
	expect_bad("dns server 1 sni a b\n", "'sni' takes one value");
	expect_bad("dns server 1 exclude-domains a\n", "'exclude-domains' is not a dns server setting");
	/* only a server sends these */
	expect_bad("peer-id 3\n", "option 'peer-id': only a server can send this option");
	expect_bad("protocol-flags cc-exit\n", "only a server can send this option");
	expect_bad("key-derivation tls-ekm\n", "only a server can send this option");
	expect_bad("auth-token abc\n", "only a server can send this option");
	expect_good("dhcp-option ANYTHING-2.6-KEEPS value\n");
}

/* A server may not push options that act on this host or its files. */
static void test_push_context_rows(void **state)
{
	static const char *const allowed[] = {
		"ifconfig", "ifconfig-ipv6", "route", "route-ipv6", "route-gateway",
		"topology", "ping", "ping-restart", "peer-id", "cipher", "protocol-flags",
		"key-derivation", "tun-mtu", "redirect-gateway", "dhcp-option", "dns",
		"explicit-exit-notify", "inactive", "compress", "comp-lzo", "auth-token",
		"echo", "block-outside-dns", "register-dns",
	};
	static const char *const refused[] = {
		"config", "script-security", "up", "down", "route-up", "dev", "cd",
		"chroot", "user", "group", "writepid", "log", "ca", "cert", "key",
		"tls-auth", "tls-crypt", "plugin", "client", "pull", "pull-filter",
		"route-nopull", "data-ciphers", "remote", "management", "tls-verify",
	};
	size_t i;

	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (!(option_table_lookup(allowed[i])->contexts & OPT_CTX_PUSH))
			fail_msg("'%s' cannot be pushed", allowed[i]);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (option_table_lookup(refused[i])->contexts & OPT_CTX_PUSH)
			fail_msg("'%s' can be pushed", refused[i]);
	/* --route-nopull drops the pushed routes and DNS settings, as 2.6 */
	assert_true(option_table_lookup("route")->flags & OPT_F_ROUTE);
	assert_true(option_table_lookup("dhcp-option")->flags & OPT_F_ROUTE);
	assert_true(option_table_lookup("dns")->flags & OPT_F_ROUTE);
	assert_false(option_table_lookup("route-gateway")->flags & OPT_F_ROUTE);
	assert_false(option_table_lookup("ifconfig")->flags & OPT_F_ROUTE);
	/* compression is configured as well as pushed */
	assert_null(option_def_status(option_table_lookup("compress")));
	assert_null(option_def_status(option_table_lookup("comp-lzo")));
	assert_null(option_def_status(option_table_lookup("allow-compression")));
	assert_false(option_table_lookup("allow-compression")->contexts & OPT_CTX_PUSH);
	assert_string_equal(option_def_status(option_table_lookup("block-outside-dns")),
			    "Windows only");
	assert_null(option_def_status(option_table_lookup("pull-filter")));
}

static void test_parse_pushed(void **state)
{
	struct options *o = *state;

	assert_int_equal(options_parse_pushed(o, "topology subnet", 1), 0);
	assert_int_equal(o->topology, TOP_SUBNET);
	assert_int_equal(options_parse_pushed(o, "script-security 3", 7), -EINVAL);
	assert_error("[PUSH-OPTIONS]:7: option 'script-security': a server may not push this option");
	assert_int_equal(options_parse_pushed(o, "ping 'x", 9), -EINVAL);
	assert_error_has("[PUSH-OPTIONS]:9: ");
	assert_int_equal(options_parse_pushed(o, "   ", 2), OPT_IGNORED);
	assert_int_equal(options_parse_pushed(o, "# note", 2), OPT_IGNORED);
	assert_int_equal(options_parse_pushed(o, "register-dns", 3), OPT_IGNORED);
	assert_int_equal(options_parse_pushed(o, "echo msg hi", 3), 0);
	/* a second line would be a second option: never */
	assert_int_equal(options_parse_pushed(o, "<ca>", 4), -EINVAL);
	assert_int_equal(options_parse_pushed(o, "ping 5\nscript-security 3", 5), -EINVAL);
	assert_error_has("[PUSH-OPTIONS]:5: a pushed option may not contain a line break");
	assert_int_equal(o->script_security, 1);
	assert_int_equal(o->ping, 0);
}

/* ---- compression ---------------------------------------------------------- */

#define P2P_CONF "dev tun\nifconfig 10.8.0.1 10.8.0.2\n"

static void run_finalize(void *arg)
{
	void **args = arg;

	*(int *)args[1] = options_finalize(args[0]);
	/* capture() wants output even when finalize says nothing */
	fprintf(stderr, "<end>\n");
}

/* Finalize `text` (after P2P_CONF); returns what it logged, *ret its result. */
static char *finalize_log(struct options *o, const char *text, int *ret)
{
	char conf[512];
	void *args[2] = { o, ret };

	options_free(o);
	options_init(o);
	snprintf(conf, sizeof(conf), "%s%s", P2P_CONF, text);
	if (parse(o, conf) != 0)
		fail_msg("'%s' was rejected: %s", text, options_last_error());
	return capture(STDERR_FILENO, run_finalize, args);
}

static void test_comp_parse(void **state)
{
	static const struct { const char *text; enum comp_alg a; bool migrate; } cases[] = {
		{ "", COMP_ALG_NONE, false },
		{ "compress\n", COMP_ALG_STUB, false },
		{ "compress stub\n", COMP_ALG_STUB, false },
		{ "compress stub-v2\n", COMP_ALG_STUB_V2, false },
		{ "compress lz4\n", COMP_ALG_LZ4, false },
		{ "compress lz4-v2\n", COMP_ALG_LZ4_V2, false },
		{ "compress lzo\n", COMP_ALG_LZO, false },
		{ "compress migrate\n", COMP_ALG_NONE, true },
		{ "comp-lzo\n", COMP_ALG_LZO, false },
		{ "comp-lzo yes\n", COMP_ALG_LZO, false },
		{ "comp-lzo adaptive\n", COMP_ALG_LZO, false },
		{ "comp-lzo no\n", COMP_ALG_LZO_STUB, false },
		/* the last one given counts, as in 2.6 */
		{ "compress lz4\ncomp-lzo no\n", COMP_ALG_LZO_STUB, false },
		{ "comp-lzo no\ncompress lz4\n", COMP_ALG_LZ4, false },
		{ "compress migrate\ncompress stub-v2\n", COMP_ALG_STUB_V2, false },
	};
	struct options *o = *state;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		options_free(o);
		options_init(o);
		if (parse(o, cases[i].text) != 0)
			fail_msg("'%s' was rejected: %s", cases[i].text, options_last_error());
		if (o->comp != cases[i].a || o->comp_migrate != cases[i].migrate)
			fail_msg("'%s': comp %d migrate %d", cases[i].text, o->comp, o->comp_migrate);
	}
	expect_bad("compress lz5\n", "option 'compress': 'lz5' is not a compression (lz4, lz4-v2, stub, stub-v2, migrate or lzo)");
	expect_bad("compress LZ4\n", "'LZ4' is not a compression");
	expect_bad("compress lz4 stub\n", "option 'compress'");
	expect_bad("comp-lzo maybe\n", "option 'comp-lzo': 'maybe' is not yes, no or adaptive");
	expect_bad("allow-compression maybe\n", "option 'allow-compression': 'maybe' is not no, asym or yes");
	expect_bad("allow-compression\n", "option 'allow-compression'");
	/* a server never pushes migrate: it is how a server decides what to push */
	assert_int_equal(options_parse_pushed(o, "compress migrate", 2), -EINVAL);
	assert_error_has("'migrate' is not a compression a server can push");
	assert_int_equal(options_parse_pushed(o, "allow-compression yes", 3), -EINVAL);
}

/* 2.6's default: asym as soon as a compression option is given. */
static void test_comp_allow_defaults(void **state)
{
	static const struct { const char *text; enum comp_allow allow; } cases[] = {
		{ "", COMP_ALLOW_NO },
		{ "compress migrate\n", COMP_ALLOW_NO },
		{ "compress\n", COMP_ALLOW_ASYM },
		{ "compress stub-v2\n", COMP_ALLOW_ASYM },
		{ "comp-lzo no\n", COMP_ALLOW_ASYM },
		{ "compress lz4-v2\n", COMP_ALLOW_ASYM },
		{ "comp-lzo\n", COMP_ALLOW_ASYM },
		{ "allow-compression yes\n", COMP_ALLOW_YES },
		{ "allow-compression asym\n", COMP_ALLOW_ASYM },
		{ "compress lz4\nallow-compression yes\n", COMP_ALLOW_YES },
		{ "allow-compression no\ncompress stub-v2\n", COMP_ALLOW_NO },
		{ "allow-compression no\ncomp-lzo no\n", COMP_ALLOW_NO },
		{ "allow-compression yes\nallow-compression no\n", COMP_ALLOW_NO },
	};
	struct options *o = *state;
	int ret;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		finalize_log(o, cases[i].text, &ret);
		if (ret != 0 || o->allow_compression != cases[i].allow)
			fail_msg("'%s': finalize %d, allow %d", cases[i].text, ret,
				 o->allow_compression);
	}
	/* finalize again (SIGHUP) keeps the resolved default */
	finalize_log(o, "compress stub-v2\n", &ret);
	assert_int_equal(options_finalize(o), 0);
	assert_int_equal(o->allow_compression, COMP_ALLOW_ASYM);
}

static void test_comp_finalize_messages(void **state)
{
	struct options *o = *state;
	char *out;
	int ret;

	/* an algorithm without "yes": receive only, and 2.6's warning */
	out = finalize_log(o, "compress lz4-v2\n", &ret);
	assert_int_equal(ret, 0);
	assert_non_null(strstr(out, "WARNING: Compression for receiving enabled (--compress lz4-v2)"));
	assert_null(strstr(out, "sending and receiving"));
	out = finalize_log(o, "compress lz4\nallow-compression asym\n", &ret);
	assert_non_null(strstr(out, "WARNING: Compression for receiving enabled (--compress lz4)"));
	/* "yes" warns about both directions, even without an algorithm (2.6) */
	out = finalize_log(o, "compress lz4\nallow-compression yes\n", &ret);
	assert_int_equal(ret, 0);
	assert_non_null(strstr(out, "WARNING: Compression for sending and receiving enabled"));
	assert_null(strstr(out, "Compression for receiving enabled"));
	out = finalize_log(o, "allow-compression yes\n", &ret);
	assert_non_null(strstr(out, "WARNING: Compression for sending and receiving enabled"));
	/* framing only says nothing */
	out = finalize_log(o, "compress stub-v2\n", &ret);
	assert_int_equal(ret, 0);
	assert_null(strstr(out, "WARNING"));
	out = finalize_log(o, "comp-lzo no\nallow-compression no\n", &ret);
	assert_int_equal(ret, 0);
	assert_null(strstr(out, "WARNING"));
	/* LZO is framing only here, and the user is told so */
	out = finalize_log(o, "comp-lzo yes\n", &ret);
	assert_int_equal(ret, 0);
	assert_non_null(strstr(out, "WARNING: --comp-lzo: this version has no LZO"));
	assert_null(strstr(out, "Compression for receiving enabled"));
	/* "no" and an algorithm contradict each other (2.6 refuses too) */
	finalize_log(o, "compress lz4\nallow-compression no\n", &ret);
	assert_int_equal(ret, -EINVAL);
	assert_error("options: --allow-compression no conflicts with --compress lz4; use --compress stub-v2 for framing only");
	finalize_log(o, "allow-compression no\ncomp-lzo\n", &ret);
	assert_int_equal(ret, -EINVAL);
	assert_error_has("--allow-compression no conflicts with --comp-lzo");
}

static void run_log_comp(void *arg)
{
	struct log_config cfg = { .verb = 4 };

	log_configure(&cfg);
	options_log(arg);
	cfg.verb = 1;
	log_configure(&cfg);
}

static void test_comp_logged(void **state)
{
	struct options *o = *state;
	int ret;
	char *out;

	finalize_log(o, "compress lz4-v2\n", &ret);
	out = capture(STDERR_FILENO, run_log_comp, o);
	assert_non_null(strstr(out, "  comp = compress lz4-v2\n"));
	assert_non_null(strstr(out, "  allow_compression = asym\n"));
	finalize_log(o, "compress migrate\n", &ret);
	out = capture(STDERR_FILENO, run_log_comp, o);
	assert_non_null(strstr(out, "  comp = none (migrate)\n"));
	assert_non_null(strstr(out, "  allow_compression = no\n"));
}

/* Pushed compression needs --allow-compression asym or yes, as in 2.6. */
static void test_comp_pushed(void **state)
{
	struct options *o = *state;
	int ret;

	finalize_log(o, "", &ret);
	assert_int_equal(options_parse_pushed(o, "compress lz4-v2", 1), 0);
	assert_int_equal(options_check_pushed(o), -EINVAL);
	assert_error_has("the server pushed compression (compress lz4-v2), which --allow-compression no does not allow");
	/* framing only is always fine */
	assert_int_equal(options_parse_pushed(o, "compress stub-v2", 1), 0);
	assert_int_equal(options_check_pushed(o), 0);
	/* a compression option in the config means asym: lz4 is taken */
	finalize_log(o, "compress stub-v2\n", &ret);
	assert_int_equal(options_parse_pushed(o, "compress lz4", 1), 0);
	assert_int_equal(o->comp, COMP_ALG_LZ4);
	assert_int_equal(options_check_pushed(o), 0);
	/* LZO is accepted as framing, and the user warned */
	assert_int_equal(options_parse_pushed(o, "comp-lzo yes", 1), 0);
	assert_int_equal(options_check_pushed(o), 0);
	finalize_log(o, "allow-compression yes\n", &ret);
	assert_int_equal(options_parse_pushed(o, "compress lz4-v2", 1), 0);
	assert_int_equal(options_check_pushed(o), 0);
	finalize_log(o, "allow-compression no\ncompress stub-v2\n", &ret);
	assert_int_equal(options_parse_pushed(o, "comp-lzo", 1), 0);
	assert_int_equal(options_check_pushed(o), -EINVAL);
}

/* ---- finalize: client mode ------------------------------------------------ */

static void test_finalize_client(void **state)
{
	struct options *o = *state;

	/* --client is --pull --tls-client; no --ifconfig needed */
	assert_int_equal(parse(o, "client\ndev tun\nremote vpn.example\nnobind\n"
			       INLINE_CREDENTIALS), 0);
	assert_false(o->pull);
	assert_false(o->tls_client);
	assert_int_equal(options_finalize(o), 0);
	assert_true(o->pull);
	assert_true(o->tls_client);
	assert_null(o->ifconfig_local);
	/* twice is fine: the daemon finalizes again on SIGHUP re-reads */
	assert_int_equal(options_finalize(o), 0);
	/* a client's own --ifconfig is allowed (2.6 warns) */
	assert_int_equal(parse(o, "ifconfig 10.8.0.6 10.8.0.5\n"), 0);
	assert_int_equal(options_finalize(o), 0);
	options_free(o);
	options_init(o);

	/* the server is needed */
	assert_int_equal(parse(o, "client\ndev tun\n" INLINE_CREDENTIALS), 0);
	expect_finalize_error(o, "--client and --pull need --remote", 1);
	options_free(o);
	options_init(o);

	/* a client connects: tcp means tcp-client, tcp-server is wrong */
	assert_int_equal(parse(o, "client\ndev tun\nremote h\nproto tcp-server\n"
			       INLINE_CREDENTIALS), 0);
	expect_finalize_error(o, "--proto tcp-server cannot be used with --client or --pull", 1);
	options_free(o);
	options_init(o);
	assert_int_equal(parse(o, "client\ndev tun\nremote h 443 tcp6-server\n"
			       INLINE_CREDENTIALS), 0);
	expect_finalize_error(o, "--remote h: tcp6-server cannot be used with --client", 1);
	options_free(o);
	options_init(o);

	/* --pull only in TLS client mode, as 2.6 */
	assert_int_equal(parse(o, "pull\ndev tun\nremote h\n"), 0);
	expect_finalize_error(o, "--pull works only in TLS client mode", 1);
	assert_int_equal(parse(o, "tls-client\n" INLINE_CREDENTIALS), 0);
	assert_int_equal(options_finalize(o), 0);
	options_free(o);
	options_init(o);

	assert_int_equal(parse(o, "client\ntls-server\ndh none\ndev tun\nremote h\n"
			       INLINE_CREDENTIALS), 0);
	expect_finalize_error(o, "--tls-server and --tls-client cannot be used together", 1);
	options_free(o);
	options_init(o);

	/* meaningless without pull, but harmless (2.6 says nothing) */
	assert_int_equal(parse(o, "dev tun\nroute-nopull\npull-filter ignore route\n"), 0);
	assert_int_equal(options_finalize(o), 0);
}

static void test_finalize_dns(void **state)
{
	struct options *o = *state;

	assert_int_equal(parse(o, "dev tun\ndns server 1 dnssec yes\n"
			       "dns server 1 sni a.example\ndns server 2 address 192.0.2.1\n"
			       "dns search-domains x.example\n"), 0);
	expect_finalize_error(o, "--dns server 1 has no address", 1);
	assert_int_equal(parse(o, "dns server 1 address 192.0.2.2\n"), 0);
	assert_int_equal(options_finalize(o), 0);
}

/* ---- copy ------------------------------------------------------------------ */

/* Every kind of heap field set: strings, files (inline and not), arrays
 * and lists. */
static void fill_everything(struct options *o)
{
	assert_int_equal(parse(o,
		"client\nproto udp6\nlocal 192.0.2.1\nlport 1200\nrport 1300\n"
		"remote a.example 1194 udp\nremote b.example\n"
		"dev tun5\ndev-type tun\ndev-node /dev/net/tun\n"
		"ifconfig 10.8.0.2 10.8.0.1\nifconfig-ipv6 fd00::2/64 fd00::1\n"
		"route 10.1.0.0 255.255.0.0 10.8.0.1 5\nroute 10.2.0.0\n"
		"route-ipv6 2001:db8::/32 fd00::1 3\nroute-gateway 10.8.0.1\n"
		"cipher AES-256-GCM\nauth SHA256\ndata-ciphers AES-128-GCM\n"
		"data-ciphers-fallback AES-256-CBC\n"
		"<ca>\nCA BLOCK\n</ca>\n<cert>\nCERT BLOCK\n</cert>\n<key>\nKEY BLOCK\n</key>\n"
		"extra-certs /etc/extra.pem\n<tls-crypt>\nTLS CRYPT\n</tls-crypt>\n"
		"dh none\ncapath /etc/ssl/certs\ntls-cipher DEFAULT\n"
		"tls-ciphersuites TLS_AES_256_GCM_SHA384\ntls-groups X25519\n"
		"verify-x509-name server name\ncrl-verify /etc/crl.pem\n"
		"log-append /tmp/x.log\nsyslog tag\ndaemon name\nwritepid /run/x.pid\n"
		"user nobody\ngroup nogroup\ncd /tmp\nchroot /var/empty\n"
		"pull-filter ignore \"route \"\npull-filter accept x\nroute-nopull\n"
		"redirect-gateway def1\ndhcp-option DNS 10.8.0.1\n"
		"dns server 1 address 10.8.0.1\ndns search-domains a.example\n"), 0);
	o->config_file = strdup("/etc/openvpn/client.conf");
	o->genkey_file = strdup("/tmp/key");
	o->auth_token = strdup("TOKEN");
	assert_non_null(o->config_file);
	assert_non_null(o->auth_token);
}

#define assert_copied_str(d, s, f) do { \
	if ((s)->f) { \
		assert_non_null((d)->f); \
		assert_string_equal((d)->f, (s)->f); \
		assert_ptr_not_equal((d)->f, (s)->f); \
	} else { \
		assert_null((d)->f); \
	} \
} while (0)

static void assert_copied_words(const struct option_words *d,
				const struct option_words *s, int n)
{
	int i, k;

	for (i = 0; i < n; i++) {
		assert_int_equal(d[i].argc, s[i].argc);
		assert_int_equal(d[i].pushed, s[i].pushed);
		assert_null(d[i].argv[d[i].argc]);
		for (k = 0; k < s[i].argc; k++) {
			assert_string_equal(d[i].argv[k], s[i].argv[k]);
			assert_ptr_not_equal(d[i].argv[k], s[i].argv[k]);
		}
	}
}

static void assert_copied(const struct options *d, const struct options *s)
{
	int i;

	assert_copied_str(d, s, config_file);
	assert_copied_str(d, s, local);
	assert_copied_str(d, s, lport);
	assert_copied_str(d, s, dev);
	assert_copied_str(d, s, ifconfig_ipv6_remote);
	assert_copied_str(d, s, route_gateway);
	assert_copied_str(d, s, cipher);
	assert_copied_str(d, s, data_ciphers_fallback);
	assert_copied_str(d, s, tls_groups);
	assert_copied_str(d, s, verify_x509_name);
	assert_copied_str(d, s, syslog_ident);
	assert_copied_str(d, s, chroot_dir);
	assert_copied_str(d, s, genkey_file);
	assert_copied_str(d, s, auth_token);
	assert_copied_str(d, s, ca.name);
	assert_copied_str(d, s, key.name);
	assert_copied_str(d, s, tls_crypt.name);
	assert_copied_str(d, s, crl_verify.name);
	assert_true(d->key.is_inline);
	assert_false(d->crl_verify.is_inline);
	assert_int_equal(d->n_remotes, s->n_remotes);
	for (i = 0; i < s->n_remotes; i++) {
		assert_copied_str(d, s, remotes[i].host);
		assert_copied_str(d, s, remotes[i].port);
		assert_int_equal(d->remotes[i].proto, s->remotes[i].proto);
	}
	assert_int_equal(d->n_routes, s->n_routes);
	for (i = 0; i < s->n_routes; i++) {
		assert_copied_str(d, s, routes[i].network);
		assert_copied_str(d, s, routes[i].netmask);
		assert_copied_str(d, s, routes[i].gateway);
		assert_int_equal(d->routes[i].metric, s->routes[i].metric);
	}
	assert_int_equal(d->n_routes_ipv6, s->n_routes_ipv6);
	assert_copied_str(d, s, routes_ipv6[0].network);
	assert_copied_str(d, s, routes_ipv6[0].gateway);
	assert_int_equal(d->n_pull_filters, s->n_pull_filters);
	for (i = 0; i < s->n_pull_filters; i++) {
		assert_int_equal(d->pull_filters[i].action, s->pull_filters[i].action);
		assert_copied_str(d, s, pull_filters[i].text);
	}
	assert_int_equal(d->n_dhcp_options, s->n_dhcp_options);
	assert_copied_words(d->dhcp_options, s->dhcp_options, s->n_dhcp_options);
	assert_int_equal(d->n_dns, s->n_dns);
	assert_copied_words(d->dns, s->dns, s->n_dns);
	/* and the plain values came along */
	assert_int_equal(d->proto, s->proto);
	assert_int_equal(d->redirect_gateway, s->redirect_gateway);
	assert_int_equal(d->route_nopull, s->route_nopull);
	assert_int_equal(d->push_peer_id, s->push_peer_id);
	assert_int_equal(d->client, s->client);
}

static void test_copy(void **state)
{
	struct options *o = *state;
	struct options c, cc;

	fill_everything(o);
	assert_int_equal(options_copy(&c, o), 0);
	assert_copied(&c, o);
	/* a copy of a copy is as good */
	assert_int_equal(options_copy(&cc, &c), 0);
	assert_copied(&cc, o);
	options_free(&cc);

	/* changing the copy leaves the original alone */
	assert_int_equal(parse(&c, "route 10.3.0.0\nremote c.example\ncipher AES-128-GCM\n"
			       "pull-filter reject y\ndns search-domains c.example\n"
			       "dhcp-option DOMAIN c.example\n<ca>\nOTHER CA\n</ca>\n"), 0);
	c.routes[0].network[0] = 'X';
	c.dev[0] = 'X';
	c.auth_token[0] = 'X';
	c.dns[0].argv[0][0] = 'X';
	assert_int_equal(options_parse_pushed(&c, "ifconfig 10.9.0.2 10.9.0.1", 1), 0);
	assert_int_equal(o->n_routes, 2);
	assert_string_equal(o->routes[0].network, "10.1.0.0");
	assert_int_equal(o->n_remotes, 2);
	assert_string_equal(o->cipher, "AES-256-GCM");
	assert_int_equal(o->n_pull_filters, 2);
	assert_int_equal(o->n_dns, 2);
	assert_string_equal(o->dns[0].argv[0], "server");
	assert_int_equal(o->n_dhcp_options, 1);
	assert_string_equal(o->dev, "tun5");
	assert_string_equal(o->auth_token, "TOKEN");
	assert_string_equal(o->ca.name, "CA BLOCK\n");
	assert_string_equal(o->ifconfig_local, "10.8.0.2");

	/* freeing the copy first, then the original (teardown): ASan and
	 * valgrind see any shared or leaked block */
	options_free(&c);
	assert_string_equal(o->routes[1].network, "10.2.0.0");
}

static void test_copy_defaults(void **state)
{
	struct options *o = *state;
	struct options c;

	assert_int_equal(options_copy(&c, o), 0);
	assert_string_equal(c.lport, "1194");
	assert_ptr_not_equal(c.lport, o->lport);
	assert_null(c.pull_filters);
	assert_null(c.dns);
	assert_int_equal(c.push_peer_id, -1);
	assert_int_equal(c.verb, o->verb);
	options_free(&c);
	/* options_free leaves a struct that can be freed again */
	options_free(&c);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
#define TD(f) cmocka_unit_test_setup_teardown(f, setup_dir, teardown_dir)
	const struct CMUnitTest tests[] = {
		T(test_defaults),
		T(test_argv_basic),
		T(test_argv_arg_count),
		T(test_argv_bare_word),
		T(test_argv_too_many_args),
		TD(test_argv_lone_config),
		T(test_unknown_option),
		T(test_dashes_in_file),
		T(test_stops_at_first_error),
		T(test_tokenizer_errors_reported),
		T(test_inline_options),
		T(test_contexts),
		T(test_integer_validation),
		T(test_word_validation),
		T(test_mssfix),
		T(test_values_stored),
		T(test_repeated_strings_replace),
		T(test_limits),
		T(test_tap_rejected),
		T(test_unsupported_rejected),
		T(test_every_unsupported_row),
		T(test_table_sane),
		TD(test_nested_config),
		TD(test_nested_config_error_location),
		TD(test_config_recursion),
		TD(test_config_depth),
		TD(test_config_after_cd),
		TD(test_config_too_big),
		T(test_finalize_minimal),
		T(test_finalize_dev_required),
		T(test_finalize_tls_modes),
		T(test_finalize_ifconfig),
		T(test_finalize_ifconfig_ipv6),
		T(test_finalize_ping),
		T(test_finalize_tun_mtu),
		T(test_finalize_proto_tcp),
		T(test_finalize_tcp_roles),
		T(test_finalize_reports_all),
		T(test_keepalive),
		T(test_keepalive_errors),
		T(test_tls_defaults),
		T(test_tls_values_stored),
		T(test_tls_inline),
		T(test_tls_option_errors),
		T(test_tls_version_or_highest),
		T(test_max_packet_size_clamped),
		T(test_genkey),
		T(test_genkey_tls_crypt_v2),
		T(test_tls_crypt_v2_options),
		T(test_cipher_lookup),
		TD(test_finalize_tls_required),
		TD(test_finalize_tls_files),
		TD(test_finalize_tls_conflicts),
		TD(test_finalize_key_direction),
		T(test_finalize_tls_only_options),
		T(test_proto_helpers),
		T(test_help),
		T(test_log),
		T(test_error_count),
		T(test_client_options_stored),
		T(test_client_option_errors),
		T(test_push_context_rows),
		T(test_parse_pushed),
		T(test_finalize_client),
		T(test_finalize_dns),
		T(test_copy),
		T(test_copy_defaults),
		T(test_comp_parse),
		T(test_comp_allow_defaults),
		T(test_comp_finalize_messages),
		T(test_comp_logged),
		T(test_comp_pushed),
	};
#undef T
#undef TD

	return cmocka_run_group_tests(tests, NULL, NULL);
}
