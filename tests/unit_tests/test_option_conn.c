/*
 * Client options that configs from 2.6 installers carry: <connection>
 * blocks (option_conn.c), --ignore-unknown-option and "setenv opt", and
 * the small rows for auth-retry, askpass, nice and friends.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "log.h"
#include "options.h"

static int parse(struct options *o, const char *text)
{
	return options_parse_string(o, text, strlen(text), "t.conf", OPT_CTX_CMDLINE);
}

static void expect_bad(const char *text, const char *frag)
{
	struct options o;

	options_init(&o);
	if (parse(&o, text) != -EINVAL)
		fail_msg("'%s' was accepted", text);
	if (!strstr(options_last_error(), frag))
		fail_msg("'%s': last error '%s' lacks '%s'", text, options_last_error(), frag);
	options_free(&o);
}

static void parse_good(struct options *o, const char *text)
{
	options_init(o);
	if (parse(o, text) != 0)
		fail_msg("'%s' was rejected: %s", text, options_last_error());
}

/* ---- --ignore-unknown-option and setenv opt ----------------------------- */

static void test_ignore_unknown(void **state)
{
	struct options o;

	/* unknown, Windows only, not supported yet, wrong arguments: skipped */
	parse_good(&o, "ignore-unknown-option block-outside-dns no-such-thing\n"
		   "ignore-unknown-option tls-crypt-v2 verb\n"
		   "block-outside-dns\nno-such-thing 1 2 3\ntls-crypt-v2 k.key\n"
		   "verb 1 2\nverb 4\n");
	assert_int_equal(o.n_ignore_unknown, 2);
	assert_true(options_ignore_listed(&o, "no-such-thing"));
	assert_true(options_ignore_listed(&o, "verb"));
	assert_false(options_ignore_listed(&o, "remote"));
	/* a listed option that is known and given right still applies */
	assert_int_equal(o.verb, 4);
	options_free(&o);
	/* it only covers what follows it, and only the names listed */
	expect_bad("block-outside-dns\nignore-unknown-option block-outside-dns\n",
		   "exists only on Windows");
	expect_bad("ignore-unknown-option foo\nbar\n", "unknown option 'bar'");
	/* a bad value of a known, supported option is still an error */
	expect_bad("ignore-unknown-option verb\nverb x\n", "not a number");
	expect_bad("ignore-unknown-option\n", "needs at least 1 argument");
}

static void test_ignore_unknown_copy(void **state)
{
	struct options o, c;

	parse_good(&o, "ignore-unknown-option a b\nignore-unknown-option c\n");
	assert_int_equal(options_copy(&c, &o), 0);
	options_free(&o);
	assert_true(options_ignore_listed(&c, "c"));
	assert_true(options_ignore_listed(&c, "a"));
	options_free(&c);
}

static void test_setenv_opt(void **state)
{
	struct options o;

	parse_good(&o, "setenv opt block-outside-dns\nsetenv opt no-such-thing x\n"
		   "setenv opt tls-crypt-v2 k.key\nsetenv opt verb 1 2\nsetenv opt verb 5\n");
	assert_int_equal(o.verb, 5);
	options_free(&o);
	expect_bad("setenv opt\n", "needs the option");
	expect_bad("setenv opt verb x\n", "not a number");
	expect_bad("setenv opt peer-id 3\n", "not allowed here");
}

/* ---- small client rows --------------------------------------------------- */

static void test_client_rows(void **state)
{
	struct options o;

	parse_good(&o, "auth-nocache\nauth-retry nointeract\npush-peer-info\n"
		   "remote-random-hostname\nserver-poll-timeout 7\nnice -5\nmlock\n"
		   "errors-to-stderr\naskpass pw.txt\n");
	assert_true(o.auth_nocache);
	assert_int_equal(o.auth_retry, AUTH_RETRY_NOINTERACT);
	assert_true(o.push_peer_info);
	assert_true(o.remote_random_hostname);
	assert_int_equal(o.server_poll_timeout, 7);
	assert_true(o.nice_set);
	assert_int_equal(o.nice, -5);
	assert_true(o.mlock);
	assert_true(o.errors_to_stderr);
	assert_string_equal(o.askpass.name, "pw.txt");
	options_free(&o);
	parse_good(&o, "auth-retry nointeract\nauth-retry none\n");
	assert_int_equal(o.auth_retry, AUTH_RETRY_NONE);
	options_free(&o);
	expect_bad("auth-retry interact\n", "needs a console");
	expect_bad("auth-retry sometimes\n", "not one of none, nointeract, interact");
	expect_bad("auth-retry\n", "needs 1 argument");
	expect_bad("askpass\n", "asking on the console is not supported");
	expect_bad("askpass \"\"\n", "empty argument");
	expect_bad("nice 20\n", "out of range");
	expect_bad("nice -21\n", "out of range");
	expect_bad("nice five\n", "not a number");
	expect_bad("server-poll-timeout -1\n", "out of range");
	expect_bad("mlock yes\n", "takes no arguments");
}

/* ---- <connection> --------------------------------------------------------- */

#define CLIENT "client\ndev tun\n<ca>\nx\n</ca>\n<cert>\nx\n</cert>\n<key>\nx\n</key>\n"

static void test_connection_blocks(void **state)
{
	struct options o, eff;
	const struct remote_entry *r;

	parse_good(&o, CLIENT "proto udp\nconnect-timeout 9\nremote plain.example 1000\n"
		   "<connection>\nremote a.example 1194 udp\nconnect-timeout 3\n</connection>\n"
		   "nobind\n"
		   "<connection>\nremote b.example\nport 443\nproto tcp\n</connection>\n");
	assert_int_equal(options_finalize(&o), 0);
	assert_int_equal(o.n_remotes, 3);
	assert_null(o.remotes[0].conn);
	r = &o.remotes[1];
	assert_string_equal(r->host, "a.example");
	assert_non_null(r->conn);
	assert_int_equal(r->conn->connect_timeout, 3);
	/* nobind came after the first block: not its default, as 2.6 */
	assert_true(r->conn->bind_local);
	r = &o.remotes[2];
	assert_string_equal(r->host, "b.example");
	assert_null(r->port);
	assert_string_equal(r->conn->rport, "443");
	assert_int_equal(r->conn->proto, PROTO_TCP_CLIENT);
	assert_false(r->conn->proto_tcp_role_unset);
	/* the global default from before the block */
	assert_int_equal(r->conn->connect_timeout, 9);
	assert_int_equal(o.connect_timeout, 9);

	/* an instance trying entry 2 sees the block's settings */
	assert_int_equal(options_copy(&eff, &o), 0);
	assert_non_null(eff.remotes[2].conn);
	assert_int_equal(options_conn_apply(&eff, &eff.remotes[2]), 0);
	assert_int_equal(eff.proto, PROTO_TCP_CLIENT);
	assert_string_equal(eff.rport, "443");
	assert_false(eff.bind_local);
	options_free(&eff);
	/* and a plain --remote with a proto gets that proto */
	assert_int_equal(options_copy(&eff, &o), 0);
	eff.remotes[0].has_proto = true;
	eff.remotes[0].proto = PROTO_TCP_CLIENT;
	assert_int_equal(options_conn_apply(&eff, &eff.remotes[0]), 0);
	assert_int_equal(eff.proto, PROTO_TCP_CLIENT);
	assert_int_equal(eff.connect_timeout, 9);
	options_free(&eff);
	options_free(&o);
}

static void test_connection_malformed(void **state)
{
	expect_bad(CLIENT "<connection>\n</connection>\n",
		   "t.conf:12: a <connection> block needs exactly one 'remote' (it has 0)");
	expect_bad(CLIENT "<connection>\nremote a\nremote b\n</connection>\n",
		   "needs exactly one 'remote' (it has 2)");
	expect_bad(CLIENT "<connection>\nremote a\nverb 3\n</connection>\n",
		   "t.conf:14: option 'verb' is not allowed inside <connection>");
	expect_bad(CLIENT "<connection>\nremote a\nno-such-option\n</connection>\n",
		   "t.conf:14: option 'no-such-option' is not allowed inside <connection>");
	expect_bad(CLIENT "<connection>\nremote a\ntls-auth ta.key 1\n</connection>\n",
		   "'tls-auth' inside <connection> is not supported yet");
	expect_bad(CLIENT "<connection>\nremote a\nhttp-proxy p 8080\n</connection>\n",
		   "not supported yet");
	expect_bad(CLIENT "<connection>\nremote a\nport 99999\n</connection>\n",
		   "t.conf:14: option 'port'");
	expect_bad(CLIENT "<connection>\nremote a\n<connection>\nremote b\n</connection>\n"
		   "</connection>\n", "t.conf:");
	expect_bad(CLIENT "<connection>\nremote a\n", "connection");
	expect_bad("connection x\n", "inline <connection> block");
}

static void test_connection_nested(void **state)
{
	struct options o;

	/* the inner block's end tag ends the outer one: what is left over
	 * must not be taken for a valid configuration */
	options_init(&o);
	assert_int_equal(parse(&o, CLIENT "<connection>\n<connection>\nremote b\n"
			       "</connection>\n</connection>\n"), -EINVAL);
	options_free(&o);
}

static void test_connection_finalize(void **state)
{
	struct options o;

	parse_good(&o, "mode server\ndev tun\n<connection>\nremote a\n</connection>\n");
	assert_int_equal(options_finalize(&o), -EINVAL);
	if (!strstr(options_last_error(), "<connection> blocks are for clients"))
		fail_msg("%s", options_last_error());
	options_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ignore_unknown),
		cmocka_unit_test(test_ignore_unknown_copy),
		cmocka_unit_test(test_setenv_opt),
		cmocka_unit_test(test_client_rows),
		cmocka_unit_test(test_connection_blocks),
		cmocka_unit_test(test_connection_malformed),
		cmocka_unit_test(test_connection_nested),
		cmocka_unit_test(test_connection_finalize),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
