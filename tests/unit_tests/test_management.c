/*
 * The management interface without sockets: line framing (split, CRLF,
 * over-long lines), the bounded output queue, the history ring, the
 * password dialogue, every command with good and malformed arguments, and
 * the --management options. Expected replies are the words Debian's
 * OpenVPN 2.6.14 answers with.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "log.h"
#include "management_int.h"
#include "options.h"

/* ---- a fake run behind the interface ---------------------------------------- */

static struct {
	int status_version;
	char kill_cn[64], kill_host[64], kill_port[8];
	int kill_result;
	int bytecounts;
} F;

static char *fake_status(void *ctx, int version)
{
	F.status_version = version;
	return strdup("TITLE,x\nCLIENT_LIST,a\nEND\n");
}

static void fake_bytecount(void *ctx)
{
	F.bytecounts++;
}

static void fake_load(void *ctx, struct mgmt_load *l)
{
	l->nclients = 2;
	l->bytes_in = 10;
	l->bytes_out = 20;
}

static int fake_kill_cn(void *ctx, const char *cn)
{
	snprintf(F.kill_cn, sizeof(F.kill_cn), "%s", cn);
	return F.kill_result;
}

static int fake_kill_addr(void *ctx, const char *host, const char *port)
{
	snprintf(F.kill_host, sizeof(F.kill_host), "%s", host);
	snprintf(F.kill_port, sizeof(F.kill_port), "%s", port);
	return F.kill_result;
}

static const struct mgmt_ops server_ops = {
	.status = fake_status, .bytecount = fake_bytecount, .load_stats = fake_load,
	.kill_cn = fake_kill_cn, .kill_addr = fake_kill_addr,
};

static const struct mgmt_ops p2p_ops = { .status = fake_status };

static struct mgmt *new_session(const char *password, const struct mgmt_ops *ops)
{
	struct mgmt *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	memset(&F, 0, sizeof(F));
	assert_int_equal(mgmt_hist_init(&m->log, 4), 0);
	assert_int_equal(mgmt_hist_init(&m->state, 4), 0);
	assert_int_equal(mgmt_hist_init(&m->echo, 4), 0);
	m->password = password ? strdup(password) : NULL;
	m->ops = ops;
	mgmt_session_start(m);
	return m;
}

static void free_session(struct mgmt *m)
{
	mgmt_hist_free(&m->log);
	mgmt_hist_free(&m->state);
	mgmt_hist_free(&m->echo);
	mgmt_outq_free(&m->out);
	free(m->password);
	free(m);
}

/* The queued output as a string; the queue is emptied. */
static const char *take(struct mgmt *m)
{
	static char text[1 << 16];
	size_t n = m->out.len < sizeof(text) - 1 ? m->out.len : sizeof(text) - 1;

	memcpy(text, m->out.data, n);
	text[n] = '\0';
	mgmt_outq_consume(&m->out, m->out.len);
	return text;
}

static int cmd(struct mgmt *m, const char *line)
{
	char buf[MGMT_LINE_MAX + 1];

	snprintf(buf, sizeof(buf), "%s", line);
	take(m);
	return mgmt_handle_line(m, buf);
}

static void expect_reply(struct mgmt *m, const char *line, const char *want)
{
	const char *got;

	assert_int_equal(cmd(m, line), 0);
	got = take(m);
	if (strcmp(got, want) != 0)
		fail_msg("'%s': got '%s', want '%s'", line, got, want);
}

/* ---- framing -------------------------------------------------------------------- */

struct lines {
	int n;
	char text[8][64];
	int stop_at;
};

static int collect(void *arg, char *line)
{
	struct lines *l = arg;

	if (l->n < 8)
		snprintf(l->text[l->n], sizeof(l->text[0]), "%s", line);
	l->n++;
	return l->stop_at && l->n == l->stop_at ? -EPIPE : 0;
}

static void test_linebuf_split(void **state)
{
	struct mgmt_linebuf lb = { 0 };
	struct lines l = { 0 };

	assert_int_equal(mgmt_linebuf_feed(&lb, "sta", 3, collect, &l), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(mgmt_linebuf_feed(&lb, "tus 2\r\npid\n\nlog", 15, collect, &l), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.text[0], "status 2");
	assert_string_equal(l.text[1], "pid");
	assert_string_equal(l.text[2], "");
	assert_int_equal(mgmt_linebuf_feed(&lb, " on\n", 4, collect, &l), 0);
	assert_string_equal(l.text[3], "log on");
	/* a lone CR is part of the line, only CRLF loses it */
	assert_int_equal(mgmt_linebuf_feed(&lb, "a\rb\n", 4, collect, &l), 0);
	assert_string_equal(l.text[4], "a\rb");
}

static void test_linebuf_stop(void **state)
{
	struct mgmt_linebuf lb = { 0 };
	struct lines l = { .stop_at = 1 };

	assert_int_equal(mgmt_linebuf_feed(&lb, "quit\nhelp\n", 10, collect, &l), -EPIPE);
	assert_int_equal(l.n, 1);
}

static void test_linebuf_too_long(void **state)
{
	static char data[MGMT_LINE_MAX + 2];
	struct mgmt_linebuf lb = { 0 };
	struct lines l = { 0 };

	/* exactly the limit is fine */
	memset(data, 'x', MGMT_LINE_MAX);
	data[MGMT_LINE_MAX] = '\n';
	assert_int_equal(mgmt_linebuf_feed(&lb, data, MGMT_LINE_MAX + 1, collect, &l), 0);
	assert_int_equal(l.n, 1);
	/* one more byte without a line end is not, even across calls */
	assert_int_equal(mgmt_linebuf_feed(&lb, data, MGMT_LINE_MAX, collect, &l), 0);
	assert_int_equal(mgmt_linebuf_feed(&lb, "y", 1, collect, &l), -EMSGSIZE);
	assert_true(lb.overflow);
	assert_int_equal(l.n, 1);
}

static void test_outq_bounds(void **state)
{
	struct mgmt_outq q = { 0 };
	char line[1000];
	int i, ok = 0;

	memset(line, 'l', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	assert_int_equal(mgmt_outq_line(&q, "SUCCESS: x", false), 0);
	assert_int_equal(q.len, 12);
	assert_memory_equal(q.data, "SUCCESS: x\r\n", 12);
	/* real-time lines stop at MGMT_OUT_RT_MAX and are counted */
	for (i = 0; i < 200; i++)
		ok += mgmt_outq_line(&q, line, true) == 0;
	assert_true(q.len <= MGMT_OUT_RT_MAX);
	assert_int_equal(q.dropped, (uint64_t)(200 - ok));
	assert_true(q.dropped > 0);
	/* replies still fit, up to MGMT_OUT_MAX */
	assert_int_equal(mgmt_outq_line(&q, "END", false), 0);
	while (mgmt_outq_line(&q, line, false) == 0)
		;
	assert_true(q.len <= MGMT_OUT_MAX);
	assert_true(q.len > MGMT_OUT_MAX - sizeof(line) - 2);
	mgmt_outq_consume(&q, 12);
	assert_memory_equal(q.data, line, 10);
	mgmt_outq_consume(&q, q.len + 5);
	assert_int_equal(q.len, 0);
	mgmt_outq_free(&q);
}

static void test_hist_ring(void **state)
{
	struct mgmt_hist h;
	char line[16];
	int i;

	assert_int_equal(mgmt_hist_init(&h, 3), 0);
	assert_int_equal(h.n, 0);
	for (i = 1; i <= 5; i++) {
		snprintf(line, sizeof(line), "l%d", i);
		mgmt_hist_add(&h, line);
	}
	assert_int_equal(h.n, 3);
	assert_string_equal(mgmt_hist_get(&h, 0), "l3");
	assert_string_equal(mgmt_hist_get(&h, 2), "l5");
	mgmt_hist_free(&h);
	/* no cache: adding is a no-op */
	assert_int_equal(mgmt_hist_init(&h, 0), 0);
	mgmt_hist_add(&h, "x");
	assert_int_equal(h.n, 0);
}

/* ---- session ----------------------------------------------------------------- */

static void test_password(void **state)
{
	struct mgmt *m = new_session("s3cret", &p2p_ops);

	assert_string_equal(take(m), "ENTER PASSWORD:");
	assert_int_equal(cmd(m, "s3cre"), 0);
	assert_string_equal(take(m), "ENTER PASSWORD:");
	assert_int_equal(cmd(m, "s3cret "), 0);
	assert_false(m->authed);
	/* commands are not run before the password */
	assert_int_equal(cmd(m, "pid"), -EPIPE);
	assert_true(m->closing);
	assert_false(m->authed);
	free_session(m);

	m = new_session("s3cret", &p2p_ops);
	take(m);
	expect_reply(m, "s3cret", "SUCCESS: password is correct\r\n>INFO:OpenVPN Management "
		     "Interface Version 5 -- type 'help' for more info\r\n");
	assert_true(m->authed);
	free_session(m);
}

static void test_greeting_and_hold(void **state)
{
	struct mgmt *m = calloc(1, sizeof(*m));

	m->holding = true;
	mgmt_session_start(m);
	assert_string_equal(take(m), ">INFO:OpenVPN Management Interface Version 5 -- type "
			    "'help' for more info\r\n>HOLD:Waiting for hold release:0\r\n");
	m->hold = true;
	expect_reply(m, "hold", "SUCCESS: hold=1\r\n");
	expect_reply(m, "hold release", "SUCCESS: hold release succeeded\r\n");
	assert_false(m->holding);
	expect_reply(m, "hold off", "SUCCESS: hold flag set to OFF\r\n");
	expect_reply(m, "hold on", "SUCCESS: hold flag set to ON\r\n");
	assert_true(m->hold);
	expect_reply(m, "hold maybe", "ERROR: bad hold command parameter\r\n");
	expect_reply(m, "hold on off", "ERROR: too many parameters for the 'hold' command\r\n");
	free_session(m);
}

static void test_unknown_and_syntax(void **state)
{
	struct mgmt *m = new_session(NULL, &p2p_ops);

	take(m);
	expect_reply(m, "frobnicate", "ERROR: unknown command, enter 'help' for more options\r\n");
	expect_reply(m, "client-auth 1 2", "ERROR: unknown command, enter 'help' for more "
		     "options\r\n");
	expect_reply(m, "", "");
	expect_reply(m, "   ", "");
	/* quoting as in config files; an unclosed quote is an error, not a crash */
	expect_reply(m, "kill \"Test Client\"", "ERROR: The 'kill' command is not supported "
		     "by the current daemon mode\r\n");
	assert_int_equal(cmd(m, "kill \"unclosed"), 0);
	assert_non_null(strstr(take(m), "ERROR: "));
	assert_int_equal(cmd(m, "echo \\q"), 0);
	assert_non_null(strstr(take(m), "ERROR: "));
	expect_reply(m, "bytecount", "ERROR: the 'bytecount' command requires 1 parameter\r\n");
	expect_reply(m, "log", "ERROR: the 'log' command requires at least 1 parameter\r\n");
	expect_reply(m, "pid 1", "ERROR: too many parameters for the 'pid' command\r\n");
	assert_int_equal(cmd(m, "quit"), -EPIPE);
	assert_true(m->closing);
	free_session(m);
}

static void test_help_version(void **state)
{
	struct mgmt *m = new_session(NULL, &p2p_ops);
	const char *out;

	take(m);
	assert_int_equal(cmd(m, "help"), 0);
	out = take(m);
	assert_true(strncmp(out, "Management Interface for ", 25) == 0);
	assert_non_null(strstr(out, "\r\nCommands:\r\n"));
	assert_non_null(strstr(out, "\r\nstatus [n] "));
	assert_true(strcmp(out + strlen(out) - 5, "END\r\n") == 0);
	assert_int_equal(cmd(m, "version"), 0);
	out = take(m);
	assert_true(strncmp(out, "OpenVPN Version: ", 17) == 0);
	assert_non_null(strstr(out, "\r\nManagement Version: 5\r\nEND\r\n"));
	expect_reply(m, "version 3", "SUCCESS: Management client version set to 3\r\n");
	expect_reply(m, "version x", "ERROR: version parameter must be a number\r\n");
	assert_int_equal(cmd(m, "pid"), 0);
	assert_true(strncmp(take(m), "SUCCESS: pid=", 13) == 0);
	free_session(m);
}

static void test_status(void **state)
{
	struct mgmt *m = new_session(NULL, &p2p_ops);

	take(m);
	expect_reply(m, "status", "TITLE,x\r\nCLIENT_LIST,a\r\nEND\r\n");
	assert_int_equal(F.status_version, 1);
	expect_reply(m, "status 3", "TITLE,x\r\nCLIENT_LIST,a\r\nEND\r\n");
	assert_int_equal(F.status_version, 3);
	F.status_version = 0;
	expect_reply(m, "status 4", "ERROR: bad status format version number\r\n");
	expect_reply(m, "status 0", "ERROR: bad status format version number\r\n");
	expect_reply(m, "status -1", "ERROR: bad status format version number\r\n");
	expect_reply(m, "status 2x", "ERROR: bad status format version number\r\n");
	assert_int_equal(F.status_version, 0);
	m->ops = NULL;
	expect_reply(m, "status", "ERROR: status is not available yet\r\n");
	free_session(m);
}

static void test_state_log_echo(void **state)
{
	struct mgmt *m = new_session(NULL, &p2p_ops);

	take(m);
	expect_reply(m, "state", "END\r\n");
	mgmt_hist_add(&m->state, "1,CONNECTING,,,,,,");
	mgmt_hist_add(&m->state, "2,CONNECTED,SUCCESS,10.8.0.2,1.2.3.4,1194,,");
	expect_reply(m, "state", "2,CONNECTED,SUCCESS,10.8.0.2,1.2.3.4,1194,,\r\nEND\r\n");
	expect_reply(m, "state all", "1,CONNECTING,,,,,,\r\n2,CONNECTED,SUCCESS,10.8.0.2,"
		     "1.2.3.4,1194,,\r\nEND\r\n");
	expect_reply(m, "state 9", "1,CONNECTING,,,,,,\r\n2,CONNECTED,SUCCESS,10.8.0.2,"
		     "1.2.3.4,1194,,\r\nEND\r\n");
	expect_reply(m, "state 0", "END\r\n");
	expect_reply(m, "state on", "SUCCESS: real-time state notification set to ON\r\n");
	assert_true(m->rt_state);
	expect_reply(m, "state off x", "SUCCESS: real-time state notification set to OFF\r\n"
		     "ERROR: state parameter must be 'on' or 'off' or some number n or 'all'\r\n");
	assert_false(m->rt_state);
	expect_reply(m, "state -3", "ERROR: state parameter must be 'on' or 'off' or some "
		     "number n or 'all'\r\n");
	expect_reply(m, "state 99999999999999999999", "ERROR: state parameter must be 'on' or "
		     "'off' or some number n or 'all'\r\n");
	mgmt_hist_add(&m->log, "5,I,hello");
	expect_reply(m, "log on all", "SUCCESS: real-time log notification set to ON\r\n"
		     "5,I,hello\r\nEND\r\n");
	assert_true(m->rt_log);
	expect_reply(m, "echo hello", "ERROR: echo parameter must be 'on' or 'off' or some "
		     "number n or 'all'\r\n");
	expect_reply(m, "echo all", "END\r\n");
	expect_reply(m, "echo on", "SUCCESS: real-time echo notification set to ON\r\n");
	/* a new client starts with every notification off */
	mgmt_session_end(m);
	assert_false(m->rt_log || m->rt_state || m->rt_echo);
	free_session(m);
}

static void test_realtime_gated(void **state)
{
	struct mgmt *m = new_session("pw", &p2p_ops);

	take(m);
	/* nothing real-time reaches a client before its password */
	mgmt_reply(m, true, ">LOG:1,,secret");
	assert_string_equal(take(m), "");
	mgmt_session_end(m);
	mgmt_reply(m, false, "SUCCESS: nobody");
	assert_string_equal(take(m), "");
	free_session(m);
}

static void test_bytecount(void **state)
{
	struct mgmt *m = new_session(NULL, &server_ops);

	take(m);
	expect_reply(m, "bytecount 5", "SUCCESS: bytecount interval changed\r\n");
	assert_int_equal(m->bytecount_secs, 5);
	expect_reply(m, "bytecount 0", "SUCCESS: bytecount interval changed\r\n");
	assert_int_equal(m->bytecount_secs, 0);
	expect_reply(m, "bytecount -1", "ERROR: bytecount interval must be 0..86400 seconds\r\n");
	expect_reply(m, "bytecount 86401", "ERROR: bytecount interval must be 0..86400 "
		     "seconds\r\n");
	expect_reply(m, "bytecount 1s", "ERROR: bytecount interval must be 0..86400 seconds\r\n");
	expect_reply(m, "load-stats", "SUCCESS: nclients=2,bytesin=10,bytesout=20\r\n");
	free_session(m);
}

static void test_kill(void **state)
{
	struct mgmt *m = new_session(NULL, &server_ops);

	take(m);
	F.kill_result = 1;
	expect_reply(m, "kill Test-Client", "SUCCESS: common name 'Test-Client' found, 1 "
		     "client(s) killed\r\n");
	assert_string_equal(F.kill_cn, "Test-Client");
	expect_reply(m, "kill 10.0.0.2:51717", "SUCCESS: 1 client(s) at address "
		     "10.0.0.2:51717 killed\r\n");
	assert_string_equal(F.kill_host, "10.0.0.2");
	assert_string_equal(F.kill_port, "51717");
	expect_reply(m, "kill fd00::2:1194", "SUCCESS: 1 client(s) at address fd00::2:1194 "
		     "killed\r\n");
	assert_string_equal(F.kill_host, "fd00::2");
	/* found by fuzz_management: leading zeros are the same port */
	expect_reply(m, "kill 10.0.0.2:000080", "SUCCESS: 1 client(s) at address "
		     "10.0.0.2:000080 killed\r\n");
	assert_string_equal(F.kill_port, "80");
	F.kill_result = 0;
	expect_reply(m, "kill nobody", "ERROR: common name 'nobody' not found\r\n");
	expect_reply(m, "kill 1.2.3.4:5", "ERROR: client at address 1.2.3.4:5 not found\r\n");
	/* not a port: a common name that contains a colon */
	F.kill_cn[0] = '\0';
	expect_reply(m, "kill host:name", "ERROR: common name 'host:name' not found\r\n");
	assert_string_equal(F.kill_cn, "host:name");
	expect_reply(m, "kill :1194", "ERROR: common name ':1194' not found\r\n");
	expect_reply(m, "kill a:70000", "ERROR: common name 'a:70000' not found\r\n");
	free_session(m);
}

static void test_signal_verb_mute(void **state)
{
	struct mgmt *m = new_session(NULL, &p2p_ops);
	int verb = log_verb();

	take(m);
	expect_reply(m, "signal SIGFOO", "ERROR: signal 'SIGFOO' is not a known signal type\r\n");
	expect_reply(m, "signal sigterm", "ERROR: signal 'sigterm' is not a known signal "
		     "type\r\n");
	expect_reply(m, "signal", "ERROR: the 'signal' command requires 1 parameter\r\n");
	expect_reply(m, "verb 4", "SUCCESS: verb level changed\r\n");
	expect_reply(m, "verb", "SUCCESS: verb=4\r\n");
	expect_reply(m, "verb 12", "ERROR: verb level is out of range\r\n");
	expect_reply(m, "verb x", "ERROR: verb level is out of range\r\n");
	log_set_verb(verb);
	expect_reply(m, "mute 3", "SUCCESS: mute level changed\r\n");
	expect_reply(m, "mute", "SUCCESS: mute=3\r\n");
	log_set_mute(0);
	free_session(m);
}

/* ---- options ----------------------------------------------------------------- */

static int parse(struct options *o, const char *text)
{
	options_init(o);
	return options_parse_string(o, text, strlen(text), "t.conf", OPT_CTX_CMDLINE);
}

static void expect_bad(const char *text, const char *frag)
{
	struct options o;

	if (parse(&o, text) != -EINVAL)
		fail_msg("'%s' was accepted", text);
	if (!strstr(options_last_error(), frag))
		fail_msg("'%s': error '%s' lacks '%s'", text, options_last_error(), frag);
	options_free(&o);
}

static void test_options(void **state)
{
	struct options o;

	assert_int_equal(parse(&o, "management 127.0.0.1 7505 pw.txt\nmanagement-hold\n"
			       "management-log-cache 10\n"), 0);
	assert_string_equal(o.mgmt_addr, "127.0.0.1");
	assert_string_equal(o.mgmt_port, "7505");
	assert_string_equal(o.mgmt_pw_file, "pw.txt");
	assert_true(o.mgmt_hold);
	assert_int_equal(o.mgmt_log_cache, 10);
	assert_int_equal(options_finalize_management(&o), 0);
	options_free(&o);

	assert_int_equal(parse(&o, "management 127.0.0.1 7505 pw\nmanagement /run/ovpn.sock unix\n"
			       "management-client-user root\nmanagement-signal\n"), 0);
	assert_string_equal(o.mgmt_addr, "/run/ovpn.sock");
	assert_null(o.mgmt_port);
	assert_null(o.mgmt_pw_file);
	assert_string_equal(o.mgmt_client_user, "root");
	assert_true(o.mgmt_signal);
	assert_int_equal(o.mgmt_log_cache, 250);
	assert_int_equal(options_finalize_management(&o), 0);
	options_free(&o);

	expect_bad("management 127.0.0.1 70000\n", "out of range");
	expect_bad("management 127.0.0.1 http\n", "not a number");
	expect_bad("management 127.0.0.1 7505 stdin\n", "not supported yet");
	expect_bad("management 127.0.0.1\n", "management");
	expect_bad("management-log-cache 0\n", "out of range");
	expect_bad("management-log-cache lots\n", "not a number");
	expect_bad("management-client-auth\n", "not supported yet");
	expect_bad("management-external-key\n", "not supported yet");
	expect_bad("management-query-passwords\n", "not supported yet");
	expect_bad("management-up-down\n", "not supported yet");

	/* the modifiers without --management, user/group with TCP */
	assert_int_equal(parse(&o, "management-hold\n"), 0);
	assert_int_equal(options_finalize_management(&o), 1);
	options_free(&o);
	assert_int_equal(parse(&o, "management 127.0.0.1 7505\nmanagement-client-group x\n"), 0);
	assert_int_equal(options_finalize_management(&o), 1);
	options_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linebuf_split),
		cmocka_unit_test(test_linebuf_stop),
		cmocka_unit_test(test_linebuf_too_long),
		cmocka_unit_test(test_outq_bounds),
		cmocka_unit_test(test_hist_ring),
		cmocka_unit_test(test_password),
		cmocka_unit_test(test_greeting_and_hold),
		cmocka_unit_test(test_unknown_and_syntax),
		cmocka_unit_test(test_help_version),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_state_log_echo),
		cmocka_unit_test(test_realtime_gated),
		cmocka_unit_test(test_bytecount),
		cmocka_unit_test(test_kill),
		cmocka_unit_test(test_signal_verb_mute),
		cmocka_unit_test(test_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
