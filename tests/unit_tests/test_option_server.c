/*
 * Server-mode options: parsing, the --server / --server-ipv6 / --keepalive
 * expansion 2.6 does, client-config-dir context, and the errors for misuse.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "log.h"
#include "options.h"

#define CREDS "<ca>\nx\n</ca>\n<cert>\nx\n</cert>\n<key>\nx\n</key>\ndh none\n"

static int parse_ctx(struct options *o, const char *text, unsigned int ctx)
{
	return options_parse_string(o, text, strlen(text), "t.conf", ctx);
}

static int setup(void **state)
{
	static struct options o;

	options_init(&o);
	*state = &o;
	return 0;
}

static int teardown(void **state)
{
	options_free(*state);
	return 0;
}

static void assert_error_has(const char *frag)
{
	if (!strstr(options_last_error(), frag))
		fail_msg("last error '%s' lacks '%s'", options_last_error(), frag);
}

static const char *push_item(const struct options *o, int i)
{
	assert_true(i < o->n_push);
	return o->push[i].argv[0];
}

static void expect_bad(const char *text, unsigned int ctx, const char *frag)
{
	struct options o;

	options_init(&o);
	if (parse_ctx(&o, text, ctx) != -EINVAL)
		fail_msg("'%s' was accepted", text);
	assert_error_has(frag);
	options_free(&o);
}

static void expect_finalize_bad(const char *text, const char *frag)
{
	struct options o;

	options_init(&o);
	assert_int_equal(parse_ctx(&o, text, OPT_CTX_CMDLINE), 0);
	assert_int_equal(options_finalize(&o), -EINVAL);
	assert_error_has(frag);
	options_free(&o);
}

/* The Debian sample: subnet topology, keepalive 10 120. */
static void test_server_subnet(void **state)
{
	struct options *o = *state;

	assert_int_equal(parse_ctx(o, "dev tun\ntopology subnet\nserver 10.8.0.0 255.255.255.0\n"
				   "keepalive 10 120\npush \"route 192.168.10.0 255.255.255.0\"\n"
				   CREDS, OPT_CTX_CMDLINE), 0);
	assert_int_equal(options_finalize(o), 0);
	assert_true(o->mode_server);
	assert_true(o->tls_server);
	assert_string_equal(o->ifconfig_local, "10.8.0.1");
	assert_string_equal(o->ifconfig_remote, "255.255.255.0");
	/* the configured push first, then what the helpers add, as 2.6 */
	assert_int_equal(o->n_push, 5);
	assert_string_equal(push_item(o, 0), "route 192.168.10.0 255.255.255.0");
	assert_string_equal(push_item(o, 1), "route-gateway 10.8.0.1");
	assert_string_equal(push_item(o, 2), "topology subnet");
	assert_string_equal(push_item(o, 3), "ping 10");
	assert_string_equal(push_item(o, 4), "ping-restart 120");
	/* the server itself waits twice as long */
	assert_int_equal(o->ping, 10);
	assert_int_equal(o->ping_restart, 240);
	assert_int_equal(o->max_clients, 1024);
	assert_int_equal(o->status_version, 1);
}

static void test_server_net30(void **state)
{
	struct options *o = *state;

	assert_int_equal(parse_ctx(o, "dev tun\nserver 10.9.0.0 255.255.255.0\n" CREDS,
				   OPT_CTX_CMDLINE), 0);
	assert_int_equal(options_finalize(o), 0);
	assert_string_equal(o->ifconfig_local, "10.9.0.1");
	assert_string_equal(o->ifconfig_remote, "10.9.0.2");
	/* the rest of the network is routed via the tun peer */
	assert_int_equal(o->n_routes, 1);
	assert_string_equal(o->routes[0].network, "10.9.0.0");
	assert_string_equal(o->routes[0].netmask, "255.255.255.0");
	assert_int_equal(o->n_push, 2);
	assert_string_equal(push_item(o, 0), "route 10.9.0.1");
	assert_string_equal(push_item(o, 1), "topology net30");
}

static void test_server_ipv6(void **state)
{
	struct options *o = *state;

	assert_int_equal(parse_ctx(o, "dev tun\ntopology subnet\nserver 10.8.0.0 255.255.255.0\n"
				   "server-ipv6 fd00:8::/64\n" CREDS, OPT_CTX_CMDLINE), 0);
	assert_int_equal(options_finalize(o), 0);
	assert_string_equal(o->ifconfig_ipv6_local, "fd00:8::1/64");
	assert_string_equal(o->ifconfig_ipv6_remote, "fd00:8::2");
	assert_int_equal(o->server_ipv6_bits, 64);
}

static void test_server_pools_and_flags(void **state)
{
	struct options *o = *state;
	char a[INET_ADDRSTRLEN];

	assert_int_equal(parse_ctx(o, "ifconfig-pool 10.8.0.10 10.8.0.20 255.255.255.0\n"
				   "ifconfig-pool-persist ipp.txt\nifconfig-ipv6-pool fd00::100/64\n"
				   "client-to-client\nduplicate-cn\nclient-config-dir ccd\n"
				   "ccd-exclusive\nconnect-freq 5 10\nstatus st.log 7\n"
				   "status-version 3\nmax-clients 50\npush-remove route\n",
				   OPT_CTX_CMDLINE), 0);
	assert_true(o->pool_set);
	assert_string_equal(inet_ntop(AF_INET, &o->pool_end, a, sizeof(a)), "10.8.0.20");
	assert_int_equal(o->pool_persist_secs, 600);
	assert_true(o->pool_ipv6_set);
	assert_int_equal(o->pool_ipv6_bits, 64);
	assert_true(o->client_to_client && o->duplicate_cn && o->ccd_exclusive);
	assert_string_equal(o->client_config_dir, "ccd");
	assert_int_equal(o->connect_freq_n, 5);
	assert_int_equal(o->connect_freq_secs, 10);
	assert_string_equal(o->status_file, "st.log");
	assert_int_equal(o->status_secs, 7);
	assert_int_equal(o->status_version, 3);
	assert_int_equal(o->max_clients, 50);
	assert_int_equal(o->n_push_remove, 1);
}

/* What a client-config-dir file may say. */
static void test_ccd_context(void **state)
{
	struct options *o = *state;
	char a[INET6_ADDRSTRLEN];

	assert_int_equal(parse_ctx(o, "iroute 10.20.0.0 255.255.0.0\niroute 10.30.1.1\n"
				   "iroute-ipv6 fd00:20::/48\nifconfig-push 10.8.0.50 255.255.255.0\n"
				   "ifconfig-ipv6-push fd00::50/64\npush \"dhcp-option DNS 10.8.0.1\"\n"
				   "push-reset\n", OPT_CTX_CCD), 0);
	assert_int_equal(o->n_iroutes, 2);
	assert_int_equal(o->n_iroutes_ipv6, 1);
	assert_true(o->ifconfig_push_set);
	assert_string_equal(inet_ntop(AF_INET, &o->ifconfig_push_local, a, sizeof(a)),
			    "10.8.0.50");
	assert_true(o->ifconfig_ipv6_push_set);
	assert_int_equal(o->ifconfig_ipv6_push_bits, 64);
	assert_int_equal(o->n_push, 1);
	assert_true(o->push_reset);
	assert_false(o->ccd_disable);
	assert_int_equal(parse_ctx(o, "disable\n", OPT_CTX_CCD), 0);
	assert_true(o->ccd_disable);
}

static void test_ccd_context_errors(void **state)
{
	(void)state;
	expect_bad("dev tun\n", OPT_CTX_CCD, "not allowed in a client-config-dir file");
	expect_bad("server 10.8.0.0 255.255.255.0\n", OPT_CTX_CCD,
		   "not allowed in a client-config-dir file");
	expect_bad("iroute 10.20.1.0 255.255.0.0\n", OPT_CTX_CCD, "host bits set");
	expect_bad("iroute 10.20.0.0 255.0.255.0\n", OPT_CTX_CCD, "is not a netmask");
	expect_bad("iroute 10.20.0.300\n", OPT_CTX_CCD, "is not an IPv4 address");
	expect_bad("iroute-ipv6 fd00::/129\n", OPT_CTX_CCD, "not an IPv6 prefix");
	expect_bad("iroute-ipv6 fd00::\n", OPT_CTX_CCD, "not an IPv6 prefix");
	expect_bad("iroute-ipv6 fd00::/\n", OPT_CTX_CCD, "not an IPv6 prefix");
	expect_bad("iroute-ipv6 fd00::/6x\n", OPT_CTX_CCD, "not an IPv6 prefix");
	expect_bad("ifconfig-push 10.8.0.5\n", OPT_CTX_CCD, "needs at least 2");
	expect_bad("ifconfig-ipv6-push fd00::5/64 nonsense\n", OPT_CTX_CCD,
		   "is not an IPv6 address");
	expect_bad("push \"route 10.0.0.0 255.0.0.0,redirect-gateway\"\n", OPT_CTX_CCD,
		   "cannot contain a comma");
	expect_bad("disable now\n", OPT_CTX_CCD, "takes no argument");
	/* these belong to ccd files only, as in 2.6 (the main config refuses
	 * them instead of accepting them to no effect) */
	expect_bad("iroute 10.20.0.0 255.255.0.0\n", OPT_CTX_CMDLINE,
		   "only allowed in a client-config-dir file");
	expect_bad("ifconfig-push 10.8.0.5 255.255.255.0\n", OPT_CTX_CMDLINE,
		   "only allowed in a client-config-dir file");
	expect_bad("ifconfig-ipv6-push fd00::5/64\n", OPT_CTX_CMDLINE,
		   "only allowed in a client-config-dir file");
	expect_bad("push-reset\n", OPT_CTX_CMDLINE, "only allowed in a client-config-dir file");
}

static void test_server_errors(void **state)
{
	(void)state;
	expect_bad("server 10.8.0.1 255.255.255.0\n", OPT_CTX_CMDLINE, "host bits are set");
	expect_bad("server 10.8.0.0 255.255.0.255\n", OPT_CTX_CMDLINE, "is not a netmask");
	expect_bad("server 10.8.0.0 255.255.255.0 pool\n", OPT_CTX_CMDLINE,
		   "not a --server flag");
	expect_bad("server-ipv6 fd00::/32\n", OPT_CTX_CMDLINE, "must be /64 or longer");
	expect_bad("server-ipv6 fd00::/126\n", OPT_CTX_CMDLINE, "must be /124 or shorter");
	expect_bad("ifconfig-pool 10.8.0.20 10.8.0.10\n", OPT_CTX_CMDLINE, "is after the end");
	expect_bad("status-version 4\n", OPT_CTX_CMDLINE, "out of range");
	expect_bad("connect-freq 0 10\n", OPT_CTX_CMDLINE, "out of range");
	expect_bad("mode client\n", OPT_CTX_CMDLINE, "is not a mode");
	expect_bad("push \"a\x01b\"\n", OPT_CTX_CMDLINE, "control characters");
	expect_finalize_bad("dev tun\nclient-to-client\n",
			    "--client-to-client only works in server mode");
	expect_finalize_bad("dev tun\nmode server\n", "--mode server needs --tls-server");
	expect_bad("verify-client-cert maybe\n", OPT_CTX_CMDLINE, "use none, optional or require");
	expect_finalize_bad("dev tun\nverify-client-cert none\n",
			    "--verify-client-cert only works in server mode");
	expect_finalize_bad("dev tun\nusername-as-common-name\n",
			    "--username-as-common-name only works in server mode");
	/* no password check: nothing would vouch for a client without a certificate */
	expect_finalize_bad("dev tun\nserver 10.8.0.0 255.255.255.0\nverify-client-cert optional\n" CREDS,
			    "--verify-client-cert optional needs --auth-user-pass-verify");
	expect_finalize_bad("dev tun\nserver 10.8.0.0 255.255.255.0\nifconfig-pool 10.8.0.5 10.8.0.9\n"
			    CREDS, "use 'nopool'");
	expect_finalize_bad("dev tun\nserver 10.8.0.0 255.255.255.0\nifconfig 10.8.0.1 10.8.0.2\n"
			    CREDS, "remove --ifconfig");
	expect_finalize_bad("dev tun\nserver 10.8.0.0 255.255.255.0\nccd-exclusive\n" CREDS,
			    "--ccd-exclusive needs --client-config-dir");
	expect_finalize_bad("dev tun\nserver 10.8.0.0 255.255.255.0\nnobind\n" CREDS,
			    "--nobind cannot be used in server mode");
}

/* A server's options copy (SIGHUP re-read keeps working on copies). */
/* 2.6 configuration lines with nothing (or little) to do here */
static void test_accepted_for_compat(void **state)
{
	struct options *o = *state;

	assert_int_equal(parse_ctx(o, "dev tun\nserver 10.8.0.0 255.255.255.0\ntcp-nodelay\n"
				   "fast-io\nhash-size 1024 1024\nbcast-buffers 256\n"
				   "socket-flags TCP_NODELAY\n" CREDS, OPT_CTX_CMDLINE), 0);
	assert_int_equal(options_finalize(o), 0);
	/* 2.6's default bound on stateless reset answers */
	assert_int_equal(o->connect_freq_initial_n, 100);
	assert_int_equal(o->connect_freq_initial_secs, 10);
	/* the server asks its clients for TCP_NODELAY too, as 2.6 */
	assert_string_equal(push_item(o, o->n_push - 1), "socket-flags TCP_NODELAY");
	assert_int_equal(parse_ctx(o, "socket-flags TCP_NODELAY\n", OPT_CTX_PUSH), 0);
	expect_bad("socket-flags TCP_NODELAY SO_REUSEPORT\n", OPT_CTX_CMDLINE,
		   "unknown socket flag 'SO_REUSEPORT'");
	expect_bad("hash-size 1024\n", OPT_CTX_CMDLINE, "needs");
	expect_bad("connect-freq-initial 0 10\n", OPT_CTX_CMDLINE, "out of range");
	expect_finalize_bad("dev tun\nconnect-freq-initial 50 10\n",
			    "--connect-freq-initial only works in server mode");
}

static void test_server_copy(void **state)
{
	struct options *o = *state, c;

	assert_int_equal(parse_ctx(o, "push \"ping 5\"\npush \"route 1.2.3.0 255.255.255.0\"\n"
				   "client-config-dir d\nstatus s 3\n", OPT_CTX_CMDLINE), 0);
	assert_int_equal(options_copy(&c, o), 0);
	assert_int_equal(c.n_push, 2);
	assert_ptr_not_equal(c.push, o->push);
	assert_string_equal(c.push[1].argv[0], "route 1.2.3.0 255.255.255.0");
	assert_ptr_not_equal(c.client_config_dir, o->client_config_dir);
	assert_string_equal(c.status_file, "s");
	options_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_server_subnet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_net30, setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_ipv6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_pools_and_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ccd_context, setup, teardown),
		cmocka_unit_test(test_ccd_context_errors),
		cmocka_unit_test(test_server_errors),
		cmocka_unit_test_setup_teardown(test_accepted_for_compat, setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_copy, setup, teardown),
	};

	log_configure(&(struct log_config){ .verb = 0 });
	return cmocka_run_group_tests(tests, NULL, NULL);
}
