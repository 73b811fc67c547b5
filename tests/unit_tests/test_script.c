/*
 * script.c: environment sets and remapping, command splitting (including
 * malformed quoting), --script-security, real runs of /bin/sh scripts that
 * dump their arguments and environment, exit codes, timeouts, programs
 * that cannot run, temp files, and the server-side helpers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "config.h"
#include "script.h"
#include "options.h"
#include "log.h"

/* ---- helpers ----------------------------------------------------------------- */

struct fixture {
	char dir[64];              /* private temp dir, removed afterwards */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "%s", "/tmp/test_script.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	struct dirent *d;
	char path[512];
	DIR *dir = opendir(f->dir);

	while (dir && (d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", f->dir, d->d_name);
		unlink(path);
	}
	if (dir)
		closedir(dir);
	rmdir(f->dir);
	free(f);
	return 0;
}

static int count_files(const char *dirname)
{
	struct dirent *d;
	DIR *dir = opendir(dirname);
	int n = 0;

	assert_non_null(dir);
	while ((d = readdir(dir)) != NULL)
		if (d->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

/* Whole file as a string (test files are small). */
static char *slurp(const char *path)
{
	char *text = NULL;
	size_t len;

	assert_int_equal(script_read_file(path, 1 << 20, &text, &len), 0);
	return text;
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return true;
		p++;
	}
	return false;
}

/* A script that writes "ARGS: ..." and its sorted environment to out. */
static void write_dump_script(const char *path, const char *out)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fprintf(fp, "#!/bin/sh\n"
		"{ printf 'ARGC: %%s\\n' \"$#\"; for a in \"$@\"; do printf 'ARG: [%%s]\\n' \"$a\"; done;\n"
		"  /usr/bin/env | /usr/bin/sort; } > '%s'\n", out);
	fclose(fp);
	assert_int_equal(chmod(path, 0700), 0);
}

/* ---- environment sets --------------------------------------------------------- */

static void test_env_set_basics(void **state)
{
	struct env_set e;

	env_set_init(&e);
	assert_int_equal(env_set_add(&e, "dev", "tun0"), 0);
	assert_int_equal(env_set_addf(&e, "tun_mtu", "%d", 1500), 0);
	assert_string_equal(env_set_get(&e, "dev"), "tun0");
	assert_string_equal(env_set_get(&e, "tun_mtu"), "1500");
	/* replacing keeps one entry */
	assert_int_equal(env_set_add(&e, "dev", "tun1"), 0);
	assert_string_equal(env_set_get(&e, "dev"), "tun1");
	assert_int_equal(e.n, 2);
	assert_int_equal(env_set_del(&e, "dev"), 0);
	assert_null(env_set_get(&e, "dev"));
	assert_int_equal(env_set_del(&e, "dev"), -ENOENT);
	assert_int_equal(env_set_add(&e, "", "x"), -EINVAL);
	assert_int_equal(env_set_add(&e, "empty", ""), 0);
	assert_string_equal(env_set_get(&e, "empty"), "");
	env_set_free(&e);
	assert_int_equal(e.n, 0);
}

static void test_env_set_sanitises(void **state)
{
	struct env_set e;

	env_set_init(&e);
	/* names: only alnum and '_'; values: printable ASCII */
	assert_int_equal(env_set_add(&e, "bad-name=x", "line1\nline2\r\x01\x7f\xc3\xa9"), 0);
	assert_string_equal(env_set_get(&e, "bad_name_x"), "line1_line2_____");
	assert_null(env_set_get(&e, "bad-name=x"));
	assert_int_equal(env_set_add(&e, "sp", "a b\tc"), 0);
	assert_string_equal(env_set_get(&e, "sp"), "a b_c");
	env_set_free(&e);
}

static void test_env_set_bounds(void **state)
{
	char name[ENV_NAME_MAX + 2], *value = malloc(ENV_VALUE_MAX + 2);
	struct env_set e;
	int i;

	assert_non_null(value);
	env_set_init(&e);
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(env_set_add(&e, name, "v"), -E2BIG);
	memset(value, 'v', ENV_VALUE_MAX + 1);
	value[ENV_VALUE_MAX + 1] = '\0';
	assert_int_equal(env_set_add(&e, "big", value), -E2BIG);
	value[ENV_VALUE_MAX] = '\0';
	assert_int_equal(env_set_add(&e, "big", value), 0);
	assert_int_equal(env_set_addf(&e, "bigf", "%sx", value), -E2BIG);
	for (i = 0; e.n < ENV_SET_MAX; i++) {
		snprintf(name, sizeof(name), "var_%d", i);
		assert_int_equal(env_set_add(&e, name, "x"), 0);
	}
	assert_int_equal(env_set_add(&e, "one_too_many", "x"), -ENOSPC);
	/* replacing still works when full */
	assert_int_equal(env_set_add(&e, "big", "small"), 0);
	env_set_free(&e);
	free(value);
}

static void test_env_set_merge(void **state)
{
	struct env_set a, b;

	env_set_init(&a);
	env_set_init(&b);
	assert_int_equal(env_set_add(&a, "x", "1"), 0);
	assert_int_equal(env_set_add(&a, "y", "1"), 0);
	assert_int_equal(env_set_add(&b, "y", "2"), 0);
	assert_int_equal(env_set_merge(&a, &b), 0);
	assert_string_equal(env_set_get(&a, "x"), "1");
	assert_string_equal(env_set_get(&a, "y"), "2");
	assert_int_equal(env_set_merge(&a, NULL), 0);
	env_set_free(&a);
	env_set_free(&b);
}

static void test_string_classes(void **state)
{
	char cn[] = "Joe O'Neil <joe@x.org>/CN=x";
	char x509[] = "CN=Joe O'Neil/O=x.org,C=DE";
	char pw[] = "p a\ts\ns\x01w";
	char dot[] = ".", dotdot[] = "..", ok[] = "client-1.x_y@z";

	assert_true(script_string_remap(cn, SCRIPT_STR_COMMON_NAME));
	assert_string_equal(cn, "Joe_O_Neil__joe@x.org__CN_x");
	assert_true(script_string_remap(x509, SCRIPT_STR_X509_NAME));
	assert_string_equal(x509, "CN=Joe_O_Neil/O=x.org_C=DE");
	assert_true(script_string_remap(pw, SCRIPT_STR_PASSWORD));
	assert_string_equal(pw, "p a_s_s_w");
	assert_true(script_string_remap(dot, SCRIPT_STR_CCD_FILE));
	assert_string_equal(dot, "_");
	assert_true(script_string_remap(dotdot, SCRIPT_STR_CCD_FILE));
	assert_string_equal(dotdot, "__");
	assert_false(script_string_remap(ok, SCRIPT_STR_USERNAME));
	assert_string_equal(ok, "client-1.x_y@z");
}

/* ---- command splitting --------------------------------------------------------- */

static void expect_split(const char *cmd, int argc, ...)
{
	struct script_argv a;
	char err[160];
	va_list ap;
	int i;

	assert_int_equal(script_argv_parse(&a, cmd, err, sizeof(err)), 0);
	assert_int_equal(a.argc, argc);
	va_start(ap, argc);
	for (i = 0; i < argc; i++)
		assert_string_equal(a.argv[i], va_arg(ap, const char *));
	va_end(ap);
	assert_null(a.argv[argc]);
	script_argv_free(&a);
}

static void expect_split_error(const char *cmd, const char *reason)
{
	struct script_argv a;
	char err[160];

	assert_int_equal(script_argv_parse(&a, cmd, err, sizeof(err)), -EINVAL);
	if (!strstr(err, reason))
		fail_msg("'%s': error '%s' does not contain '%s'", cmd, err, reason);
	script_argv_free(&a);
}

static void test_split(void **state)
{
	expect_split("/bin/true", 1, "/bin/true");
	expect_split("  /x/up.sh   a\tb  ", 3, "/x/up.sh", "a", "b");
	expect_split("/x 'a b' \"c d\"", 3, "/x", "a b", "c d");
	expect_split("/x 'no \\escape \"here'", 2, "/x", "no \\escape \"here");
	expect_split("/x \"q\\\"uote\\\\\" b\\ c", 3, "/x", "q\"uote\\", "b c");
	expect_split("/x '' \"\"", 3, "/x", "", "");
	expect_split("/x it's", 2, "/x", "it's");   /* a quote inside a word */
	expect_split("/x a # comment", 2, "/x", "a");
	expect_split("/x a ;comment", 2, "/x", "a");
	expect_split("/x a#b", 2, "/x", "a#b");
	expect_split("'/path with space/up.sh' x", 2, "/path with space/up.sh", "x");
	/* the spellings of 2.6's --up "/path/with space/x.sh" arg */
	expect_split("\"/path/with space/x.sh\" arg", 2, "/path/with space/x.sh", "arg");
	expect_split("/path/with\\ space/x.sh arg", 2, "/path/with space/x.sh", "arg");
	expect_split("/x a\\\tb", 2, "/x", "a\tb");
	/* a closing quote ends the word, as on a config line */
	expect_split("/x 'a'b \"c\"d", 5, "/x", "a", "b", "c", "d");
	/* every blank of a config line separates words */
	expect_split("/x\va\fb", 3, "/x", "a", "b");
}

/* The command splitter is the config tokenizer: same words, same errors. */
static void test_split_is_config_tokenizer(void **state)
{
	static const char *const cmds[] = {
		"/x 'a b' \"c\\\"d\" e\\ f # c", "/x a\\", "/x 'a", "/x \\q",
		"/x \"\\\xc3\"", "/x it's a#b ;c",
	};
	struct config_words *w = malloc(sizeof(*w));
	struct script_argv a;
	char err[256], cerr[256];
	size_t i;
	int ret, j;

	assert_non_null(w);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		ret = script_argv_parse(&a, cmds[i], err, sizeof(err));
		assert_int_equal(config_split_line(cmds[i], w, cerr, sizeof(cerr)), ret);
		if (ret < 0)
			assert_string_equal(err, cerr);
		for (j = 0; ret == 0 && j <= w->argc; j++)
			assert_ptr_equal(a.argv[j] == NULL, w->argv[j] == NULL);
		for (j = 0; ret == 0 && j < w->argc; j++)
			assert_string_equal(a.argv[j], w->argv[j]);
		script_argv_free(&a);
	}
	free(w);
}

static void test_split_malformed(void **state)
{
	char big[SCRIPT_MAX_CMD + 10];
	char many[SCRIPT_MAX_ARGS * 3 + 16];
	char *huge;
	int i;

	expect_split_error("/x 'unclosed", "missing closing quote (')");
	expect_split_error("/x \"unclosed", "missing closing quote (\")");
	expect_split_error("'", "missing closing quote (')");
	expect_split_error("/x \"esc\\\"", "missing closing quote (\")");
	expect_split_error("/x \"bad \\n escape\"", "invalid escape '\\n'");
	expect_split_error("c:\\dir\\up.bat", "invalid escape '\\d'");
	expect_split_error("/x \\\x7f", "invalid escape: backslash before byte 0x7f");
	expect_split_error("/x a\\", "backslash at end of line");
	expect_split_error("\\", "backslash at end of line");
	expect_split_error("/x a\nrm -rf /", "newline");
	expect_split_error("/x a\r", "newline");
	expect_split_error("", "no program");
	expect_split_error("   ", "no program");
	expect_split_error("# only a comment", "no program");
	expect_split_error("'' a", "no program");
	/* the bound itself is accepted, one byte more is not */
	memset(big, 'a', SCRIPT_MAX_CMD);
	big[0] = '/';
	big[SCRIPT_MAX_CMD] = '\0';
	expect_split(big, 1, big);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	expect_split_error(big, "longer than");
	huge = malloc(1 << 20);
	assert_non_null(huge);
	memset(huge, 'a', (1 << 20) - 1);
	huge[(1 << 20) - 1] = '\0';
	expect_split_error(huge, "longer than 4096 bytes");
	free(huge);
	many[0] = '\0';
	for (i = 0; i <= SCRIPT_MAX_ARGS; i++)
		strcat(many, "a ");
	expect_split_error(many, "more than");
}

/* A command with all the words it may have takes no appended argument. */
static void test_split_then_append(void **state)
{
	char many[SCRIPT_MAX_ARGS * 2 + 8];
	struct script_argv a;
	char err[160];
	int i;

	many[0] = '\0';
	for (i = 0; i < SCRIPT_MAX_ARGS; i++)
		strcat(many, "a ");
	assert_int_equal(script_argv_parse(&a, many, err, sizeof(err)), 0);
	assert_int_equal(a.argc, SCRIPT_MAX_ARGS);
	assert_int_equal(script_argv_append(&a, "x"), -E2BIG);
	assert_null(a.argv[SCRIPT_MAX_ARGS]);
	script_argv_free(&a);
	assert_int_equal(a.argc, 0);
}

/* ---- running --------------------------------------------------------------------- */

static void test_run_exit_codes(void **state)
{
	struct script_call c = { .option = "up", .security = 2, .nargs = -1 };

	c.command = "/bin/sh -c 'exit 0'";
	assert_int_equal(script_run(&c), 0);
	c.command = "/bin/sh -c 'exit 3'";
	assert_int_equal(script_run(&c), 3);
	c.command = "/bin/sh -c 'exit 255'";
	assert_int_equal(script_run(&c), 255);
	c.command = "/bin/sh -c 'kill -TERM $$'";
	assert_int_equal(script_run(&c), 128 + 15);
	/* a script whose own exit status is 127 is not "could not run" */
	c.command = "/bin/sh -c 'exit 127'";
	assert_int_equal(script_run(&c), 127);
}

static void test_run_cannot_exec(void **state)
{
	struct fixture *f = *state;
	struct script_call c = { .option = "up", .security = 2, .nargs = -1 };
	char path[128], cmd[160];
	int fd;

	c.command = "/nonexistent/script.sh arg";
	assert_int_equal(script_run(&c), -ENOENT);
	/* no PATH search: a bare name is relative to the cwd */
	c.command = "sh -c true";
	assert_int_equal(script_run(&c), -ENOENT);
	snprintf(path, sizeof(path), "%s/noexec.sh", f->dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "#!/bin/sh\n", 10), 10);
	close(fd);
	snprintf(cmd, sizeof(cmd), "%s", path);
	c.command = cmd;
	if (geteuid() != 0)
		assert_int_equal(script_run(&c), -EACCES);
	c.command = "/x 'bad";
	assert_int_equal(script_run(&c), -EINVAL);
}

static void test_run_timeout(void **state)
{
	struct script_call c = { .option = "up", .security = 2, .nargs = -1,
				 .timeout_ms = 200 };

	c.command = "/bin/sh -c 'sleep 5'";
	assert_int_equal(script_run(&c), -ETIMEDOUT);
	c.command = "/bin/sh -c 'exit 4'";
	assert_int_equal(script_run(&c), 4);
}

static void test_security_levels(void **state)
{
	struct fixture *f = *state;
	struct script_call c = { .option = "up", .nargs = -1 };
	char cmd[256], mark[128];

	snprintf(mark, sizeof(mark), "%s/ran", f->dir);
	snprintf(cmd, sizeof(cmd), "/bin/sh -c 'touch %s'", mark);
	c.command = cmd;
	c.security = 0;
	assert_int_equal(script_run(&c), -EPERM);
	c.security = 1;
	assert_int_equal(script_run(&c), -EPERM);
	assert_int_equal(access(mark, F_OK), -1);
	c.security = 2;
	c.passwords = true;
	assert_int_equal(script_run(&c), -EPERM);
	assert_int_equal(access(mark, F_OK), -1);
	c.passwords = false;
	assert_int_equal(script_run(&c), 0);
	assert_int_equal(access(mark, F_OK), 0);
	unlink(mark);
	c.security = 3;
	c.passwords = true;
	assert_int_equal(script_run(&c), 0);
	assert_int_equal(access(mark, F_OK), 0);
}

static void test_run_env_and_args(void **state)
{
	struct fixture *f = *state;
	struct script_call c = { .option = "learn-address", .security = 2 };
	const char *args[] = { "add", "10.8.0.6", "with space", "" };
	char script[128], out[128], *text;
	struct env_set base, env;

	snprintf(script, sizeof(script), "%s/dump.sh", f->dir);
	snprintf(out, sizeof(out), "%s/out", f->dir);
	write_dump_script(script, out);
	env_set_init(&base);
	env_set_init(&env);
	assert_int_equal(env_set_add(&base, "verb", "3"), 0);
	assert_int_equal(env_set_add(&base, "shared", "base"), 0);
	assert_int_equal(env_set_add(&env, "shared", "call"), 0);
	assert_int_equal(env_set_add(&env, "common_name", "evil\nINJECTED=1"), 0);
	/* the daemon's own environment does not leak */
	setenv("TEST_SCRIPT_SECRET", "x", 1);
	c.command = script;
	c.base = &base;
	c.env = &env;
	c.args = args;
	c.nargs = 4;
	assert_int_equal(script_run(&c), 0);
	text = slurp(out);
	assert_true(has_line(text, "ARGC: 4"));
	assert_true(has_line(text, "ARG: [add]"));
	assert_true(has_line(text, "ARG: [10.8.0.6]"));
	assert_true(has_line(text, "ARG: [with space]"));
	assert_true(has_line(text, "ARG: []"));
	assert_true(has_line(text, "script_type=learn-address"));
	assert_true(has_line(text, "verb=3"));
	assert_true(has_line(text, "shared=call"));
	assert_true(has_line(text, "common_name=evil_INJECTED=1"));
	assert_false(has_line(text, "INJECTED=1"));
	assert_null(strstr(text, "TEST_SCRIPT_SECRET"));
	free(text);
	unsetenv("TEST_SCRIPT_SECRET");
	env_set_free(&base);
	env_set_free(&env);
}

/* The quoting of a config line reaches the program: 2.6's
 * --up "/path/with space/x.sh" arg, with quoted and escaped arguments. */
static void test_run_path_with_space(void **state)
{
	struct fixture *f = *state;
	struct script_call c = { .option = "up", .security = 2, .nargs = -1 };
	char dir[128], script[160], out[128], cmd[512], *text;

	snprintf(dir, sizeof(dir), "%s/with space", f->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(script, sizeof(script), "%s/dump.sh", dir);
	snprintf(out, sizeof(out), "%s/out", f->dir);
	write_dump_script(script, out);
	snprintf(cmd, sizeof(cmd), "\"%s\" 'a  b' c\\ d \"e\\\"f\" # not an argument", script);
	c.command = cmd;
	assert_int_equal(script_run(&c), 0);
	text = slurp(out);
	assert_true(has_line(text, "ARGC: 3"));
	assert_true(has_line(text, "ARG: [a  b]"));
	assert_true(has_line(text, "ARG: [c d]"));
	assert_true(has_line(text, "ARG: [e\"f]"));
	free(text);
	unlink(script);
	assert_int_equal(rmdir(dir), 0);
}

/* ---- temp files ---------------------------------------------------------------------- */

static void test_tmpfile(void **state)
{
	struct fixture *f = *state;
	char path[256], path2[256], *text;
	struct stat st;
	size_t len;
	int fd;

	assert_int_equal(script_tmpfile_create(f->dir, "cc", path, sizeof(path), &fd), 0);
	assert_true(fd >= 0);
	assert_int_equal(strncmp(path, f->dir, strlen(f->dir)), 0);
	assert_non_null(strstr(path, "/openvpn_cc_"));
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(write(fd, "hello\n", 6), 6);
	close(fd);
	assert_int_equal(script_tmpfile_create(f->dir, "cc", path2, sizeof(path2), NULL), 0);
	assert_string_not_equal(path, path2);
	assert_int_equal(script_read_file(path, 6, &text, &len), 0);
	assert_int_equal(len, 6);
	assert_string_equal(text, "hello\n");
	free(text);
	assert_int_equal(script_read_file(path, 5, &text, &len), -EFBIG);
	assert_null(text);
	/* a symlink planted in a shared directory is not followed */
	unlink(path2);
	assert_int_equal(symlink(path, path2), 0);
	assert_int_equal(script_read_file(path2, 100, &text, &len), -ELOOP);
	unlink(path2);
	unlink(path);
	assert_int_equal(script_tmpfile_create("/nonexistent-dir", "cc", path, sizeof(path), NULL),
			 -ENOENT);
	assert_int_equal(script_tmpfile_create(f->dir, "cc", path, 10, NULL), -ENAMETOOLONG);
}

static void test_tmp_dir_default(void **state)
{
	char *old = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;

	assert_string_equal(script_tmp_dir("/var/tmp"), "/var/tmp");
	setenv("TMPDIR", "/some/where", 1);
	assert_string_equal(script_tmp_dir(NULL), "/some/where");
	unsetenv("TMPDIR");
	assert_string_equal(script_tmp_dir(NULL), "/tmp");
	if (old)
		setenv("TMPDIR", old, 1);
	free(old);
}

/* ---- server-side helpers --------------------------------------------------------------- */

static void ctx_init(struct script_ctx *ctx, const char *dir, int security)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->security = security;
	ctx->tmp_dir = dir;
	ctx->timeout_ms = 5000;
}

static void test_client_connect(void **state)
{
	struct fixture *f = *state;
	struct script_client_connect cc;
	struct script_ctx ctx;
	struct env_set env;
	char cmd[512], *text;
	size_t len;

	ctx_init(&ctx, f->dir, 2);
	env_set_init(&env);
	assert_int_equal(env_set_add(&env, "common_name", "client1"), 0);
	/* the script writes options into the file named by its last argument */
	snprintf(cmd, sizeof(cmd), "/bin/sh -c '[ \"$1\" = \"$client_connect_config_file\" ] && "
		 "[ \"$common_name\" = client1 ] && [ \"$script_type\" = client-connect ] && "
		 "[ \"$(stat -c %%a \"$1\")\" = 600 ] && "
		 "echo \"push \\\"route 10.1.0.0 255.255.0.0\\\"\" > \"$1\"' cc");
	assert_int_equal(script_client_connect(&ctx, cmd, &env, &cc), 0);
	assert_int_equal(script_client_connect_read(&cc, &text, &len), 0);
	assert_string_equal(text, "push \"route 10.1.0.0 255.255.0.0\"\n");
	free(text);
	assert_int_equal(count_files(f->dir), 2);
	script_client_connect_done(&cc);
	assert_int_equal(count_files(f->dir), 0);

	/* a nonzero exit refuses; so does "0" in the deferred file */
	assert_int_equal(script_client_connect(&ctx, "/bin/sh -c 'exit 1'", &env, &cc), 1);
	script_client_connect_done(&cc);
	assert_int_equal(script_client_connect(&ctx,
		"/bin/sh -c 'echo 0 > \"$client_connect_deferred_file\"'", &env, &cc), 1);
	script_client_connect_done(&cc);
	assert_int_equal(script_client_connect(&ctx,
		"/bin/sh -c 'echo 2 > \"$client_connect_deferred_file\"'", &env, &cc), -EOPNOTSUPP);
	script_client_connect_done(&cc);
	/* a config larger than the bound is refused, not truncated */
	assert_int_equal(script_client_connect(&ctx,
		"/bin/sh -c 'head -c 70000 /dev/zero | tr \"\\\\0\" x > \"$1\"' cc", &env, &cc), 0);
	assert_int_equal(script_client_connect_read(&cc, &text, &len), -EFBIG);
	script_client_connect_done(&cc);
	assert_int_equal(count_files(f->dir), 0);
	/* refused by --script-security: still nothing left behind */
	ctx.security = 1;
	assert_int_equal(script_client_connect(&ctx, "/bin/true", &env, &cc), -EPERM);
	script_client_connect_done(&cc);
	assert_int_equal(count_files(f->dir), 0);
	env_set_free(&env);
}

static void test_auth_user_pass_verify(void **state)
{
	struct fixture *f = *state;
	struct script_ctx ctx;
	char cmd[512], copy[128], *text;

	ctx_init(&ctx, f->dir, 2);
	snprintf(copy, sizeof(copy), "%s/copy", f->dir);
	/* via-file: the file holds the two lines and is gone afterwards */
	snprintf(cmd, sizeof(cmd), "/bin/sh -c 'cp \"$1\" %s; [ \"$username\" = \"bob_x\" ] && "
		 "[ -z \"$password\" ]' auth", copy);
	assert_int_equal(script_auth_user_pass_verify(&ctx, cmd, true, "bob x", "s3cr et", NULL),
			 0);
	text = slurp(copy);
	assert_string_equal(text, "bob_x\ns3cr et\n");
	free(text);
	unlink(copy);
	assert_int_equal(count_files(f->dir), 0);
	assert_int_equal(script_auth_user_pass_verify(&ctx, "/bin/sh -c 'exit 1'", true,
						      "bob", "pw", NULL), 1);
	/* via-env needs level 3 */
	snprintf(cmd, sizeof(cmd), "/bin/sh -c '[ \"$username\" = bob ] && "
		 "[ \"$password\" = \"p_w\" ]'");
	assert_int_equal(script_auth_user_pass_verify(&ctx, cmd, false, "bob", "p\nw", NULL),
			 -EPERM);
	ctx.security = 3;
	assert_int_equal(script_auth_user_pass_verify(&ctx, cmd, false, "bob", "p\nw", NULL), 0);
	assert_int_equal(count_files(f->dir), 0);
}

static void test_learn_address_and_tls_verify(void **state)
{
	struct fixture *f = *state;
	struct script_ctx ctx;
	char script[128], out[128], *text;

	ctx_init(&ctx, f->dir, 2);
	snprintf(script, sizeof(script), "%s/dump.sh", f->dir);
	snprintf(out, sizeof(out), "%s/out", f->dir);
	write_dump_script(script, out);
	assert_int_equal(script_learn_address(&ctx, script, "add", "10.8.0.6", "a b", NULL), 0);
	text = slurp(out);
	assert_true(has_line(text, "ARGC: 3"));
	assert_true(has_line(text, "ARG: [a_b]"));
	assert_true(has_line(text, "script_type=learn-address"));
	free(text);
	assert_int_equal(script_learn_address(&ctx, script, "delete", "10.8.0.6", "a b", NULL), 0);
	text = slurp(out);
	assert_true(has_line(text, "ARGC: 2"));
	assert_true(has_line(text, "ARG: [delete]"));
	free(text);
	assert_int_equal(script_tls_verify(&ctx, script, 1, "CN=My CA,O=x", NULL), 0);
	text = slurp(out);
	assert_true(has_line(text, "ARG: [1]"));
	assert_true(has_line(text, "ARG: [CN=My CA,O=x]"));
	assert_true(has_line(text, "script_type=tls-verify"));
	free(text);
	assert_int_equal(script_client_disconnect(&ctx, script, NULL), 0);
	text = slurp(out);
	assert_true(has_line(text, "ARGC: 0"));
	free(text);
}

/* ---- the tunnel scripts' environment ------------------------------------------------------ */

static void parse(struct options *o, const char *text)
{
	options_init(o);
	assert_int_equal(options_parse_string(o, text, strlen(text), "t.conf", OPT_CTX_CMDLINE), 0);
}

static void test_env_from_options(void **state)
{
	struct options o;
	struct env_set e;

	parse(&o, "proto tcp-client\nremote a.example 1234\nremote b.example\nverb 4\n"
		  "setenv FOO bar\nsetenv EMPTY\nsetenv-safe BAZ \"q q\"\nsetenv FOO again\n");
	env_set_init(&e);
	assert_int_equal(script_env_from_options(&e, &o), 0);
	assert_string_equal(env_set_get(&e, "verb"), "4");
	assert_string_equal(env_set_get(&e, "daemon"), "0");
	assert_string_equal(env_set_get(&e, "proto_1"), "tcp-client");
	assert_string_equal(env_set_get(&e, "remote_1"), "a.example");
	assert_string_equal(env_set_get(&e, "remote_port_1"), "1234");
	assert_string_equal(env_set_get(&e, "remote_2"), "b.example");
	assert_string_equal(env_set_get(&e, "remote_port_2"), "1194");
	assert_string_equal(env_set_get(&e, "local_port_2"), "1194");
	assert_string_equal(env_set_get(&e, "FOO"), "again");
	assert_string_equal(env_set_get(&e, "EMPTY"), "");
	assert_string_equal(env_set_get(&e, "OPENVPN_BAZ"), "q q");
	assert_null(env_set_get(&e, "BAZ"));
	env_set_free(&e);
	options_free(&o);
}

static void test_env_from_tunnel(void **state)
{
	struct options o;
	struct env_set e;

	/* values as 2.6.14 put them into an --up script's environment */
	parse(&o, "dev tun\nifconfig 10.9.0.1 255.255.255.0\ntopology subnet\n"
		  "ifconfig-ipv6 fd00::1/64 fd00::2\nroute-ipv6 fd01::/64\n"
		  "route 10.50.0.0 255.255.0.0 10.9.0.254 5\n"
		  "dhcp-option DOMAIN x.org\ndhcp-option DNS 1.1.1.1\n"
		  "dns search-domains ex.com\ndns server 2 address 8.8.8.8\n"
		  "dns server 1 address 9.9.9.9 [2001:db8::1]:53\n");
	env_set_init(&e);
	assert_int_equal(script_env_from_tunnel(&e, &o, "tun7", false), 0);
	assert_string_equal(env_set_get(&e, "dev"), "tun7");
	assert_string_equal(env_set_get(&e, "dev_type"), "tun");
	assert_string_equal(env_set_get(&e, "tun_mtu"), "1500");
	assert_string_equal(env_set_get(&e, "script_context"), "init");
	assert_string_equal(env_set_get(&e, "ifconfig_local"), "10.9.0.1");
	assert_string_equal(env_set_get(&e, "ifconfig_netmask"), "255.255.255.0");
	assert_null(env_set_get(&e, "ifconfig_remote"));
	assert_string_equal(env_set_get(&e, "ifconfig_ipv6_local"), "fd00::1");
	assert_string_equal(env_set_get(&e, "ifconfig_ipv6_netbits"), "64");
	assert_string_equal(env_set_get(&e, "ifconfig_ipv6_remote"), "fd00::2");
	assert_string_equal(env_set_get(&e, "route_ipv6_network_1"), "fd01::/64");
	assert_string_equal(env_set_get(&e, "route_ipv6_gateway_1"), "fd00::2");
	assert_string_equal(env_set_get(&e, "route_network_1"), "10.50.0.0");
	assert_string_equal(env_set_get(&e, "route_netmask_1"), "255.255.0.0");
	assert_string_equal(env_set_get(&e, "route_gateway_1"), "10.9.0.254");
	assert_string_equal(env_set_get(&e, "route_metric_1"), "5");
	assert_string_equal(env_set_get(&e, "foreign_option_1"), "dhcp-option DOMAIN x.org");
	assert_string_equal(env_set_get(&e, "foreign_option_2"), "dhcp-option DNS 9.9.9.9");
	assert_string_equal(env_set_get(&e, "foreign_option_3"), "dhcp-option DNS6 2001:db8::1");
	assert_string_equal(env_set_get(&e, "foreign_option_4"), "dhcp-option DNS 8.8.8.8");
	assert_string_equal(env_set_get(&e, "foreign_option_5"), "dhcp-option DOMAIN-SEARCH ex.com");
	assert_null(env_set_get(&e, "foreign_option_6"));
	assert_string_equal(env_set_get(&e, "dns_search_domain_1"), "ex.com");
	assert_string_equal(env_set_get(&e, "dns_server_1_address_1"), "9.9.9.9");
	assert_string_equal(env_set_get(&e, "dns_server_1_address_2"), "2001:db8::1");
	assert_string_equal(env_set_get(&e, "dns_server_1_port_2"), "53");
	assert_string_equal(env_set_get(&e, "dns_server_2_address_1"), "8.8.8.8");
	env_set_free(&e);
	/* on restart: no routes */
	env_set_init(&e);
	assert_int_equal(script_env_from_tunnel(&e, &o, "tun7", true), 0);
	assert_string_equal(env_set_get(&e, "script_context"), "restart");
	assert_null(env_set_get(&e, "route_network_1"));
	env_set_free(&e);
	options_free(&o);

	/* without --dns the dhcp-options pass as they are */
	parse(&o, "dev tun\nifconfig 10.9.0.1 10.9.0.2\ndhcp-option DNS 1.1.1.1\n"
		  "route 10.50.0.0\n");
	env_set_init(&e);
	assert_int_equal(script_env_from_tunnel(&e, &o, "tun0", false), 0);
	assert_string_equal(env_set_get(&e, "ifconfig_remote"), "10.9.0.2");
	assert_string_equal(env_set_get(&e, "foreign_option_1"), "dhcp-option DNS 1.1.1.1");
	assert_string_equal(env_set_get(&e, "route_vpn_gateway"), "10.9.0.2");
	assert_string_equal(env_set_get(&e, "route_gateway_1"), "10.9.0.2");
	assert_string_equal(env_set_get(&e, "route_netmask_1"), "255.255.255.255");
	env_set_free(&e);
	options_free(&o);
}

static void test_tunnel_up_down(void **state)
{
	struct fixture *f = *state;
	char conf[1024], script[128], out[128], *text;
	struct options o;

	snprintf(script, sizeof(script), "%s/dump.sh", f->dir);
	snprintf(out, sizeof(out), "%s/out", f->dir);
	write_dump_script(script, out);
	snprintf(conf, sizeof(conf), "script-security 2\nifconfig 10.9.0.1 10.9.0.2\n"
		 "up \"%s 'first arg'\"\ndown %s\n", script, script);
	parse(&o, conf);
	assert_int_equal(script_tunnel_up(&o, "tun9", false), 0);
	text = slurp(out);
	assert_true(has_line(text, "ARGC: 7"));
	assert_true(has_line(text, "ARG: [first arg]"));
	assert_true(has_line(text, "ARG: [tun9]"));
	assert_true(has_line(text, "ARG: [1500]"));
	assert_true(has_line(text, "ARG: [0]"));
	assert_true(has_line(text, "ARG: [10.9.0.1]"));
	assert_true(has_line(text, "ARG: [10.9.0.2]"));
	assert_true(has_line(text, "ARG: [init]"));
	assert_true(has_line(text, "script_type=up"));
	assert_true(has_line(text, "dev=tun9"));
	free(text);
	assert_int_equal(script_tunnel_down(&o, "tun9", true, "SIGUSR1"), 0);
	text = slurp(out);
	assert_true(has_line(text, "ARGC: 6"));
	assert_true(has_line(text, "ARG: [restart]"));
	assert_true(has_line(text, "script_type=down"));
	assert_true(has_line(text, "signal=sigusr1"));
	free(text);
	/* unset options run nothing */
	assert_int_equal(script_route_up(&o, "tun9"), 0);
	options_free(&o);
	/* refused at level 1 */
	snprintf(conf, sizeof(conf), "up %s\n", script);
	parse(&o, conf);
	assert_int_equal(script_tunnel_up(&o, "tun9", false), -EPERM);
	options_free(&o);
}

static void test_options_rows(void **state)
{
	struct options o;
	const char *bad[][2] = {
		{ "up \"/x 'unclosed\"\n", "missing closing quote" },
		{ "auth-user-pass-verify /x via-nothing\n", "must be 'via-env' or 'via-file'" },
		{ "setenv a b c\n", "one value" },
		{ "setenv opt\n", "needs the option" },
		{ "setenv opt verb x\n", "not a number" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		options_init(&o);
		assert_int_equal(options_parse_string(&o, bad[i][0], strlen(bad[i][0]), "t.conf",
						      OPT_CTX_CMDLINE), -EINVAL);
		if (!strstr(options_last_error(), bad[i][1]))
			fail_msg("'%s': '%s'", bad[i][0], options_last_error());
		options_free(&o);
	}
	parse(&o, "down-pre\nup-restart\ntmp-dir /tmp\nroute-up /a\nroute-pre-down /b\n"
		  "ipchange /c\nlearn-address /d\nclient-connect /e\nclient-disconnect /f\n"
		  "auth-user-pass-verify \"/g x\" via-file\nsetenv opt verb 5\n"
		  "setenv opt some-future-option 1 2 3\n");
	assert_true(o.down_pre);
	assert_true(o.up_restart);
	assert_string_equal(o.tmp_dir, "/tmp");
	assert_string_equal(o.route_up, "/a");
	assert_string_equal(o.route_pre_down, "/b");
	assert_string_equal(o.ipchange, "/c");
	assert_string_equal(o.learn_address, "/d");
	assert_string_equal(o.client_connect, "/e");
	assert_string_equal(o.client_disconnect, "/f");
	assert_string_equal(o.auth_user_pass_verify, "/g x");
	assert_true(o.auth_user_pass_verify_via_file);
	assert_int_equal(o.verb, 5);
	/* setenv-safe may be pushed, plain setenv not */
	assert_int_equal(options_parse_pushed(&o, "setenv-safe X 1", 1), 0);
	assert_int_equal(options_parse_pushed(&o, "setenv PATH /evil", 2), -EINVAL);
	assert_string_equal(o.setenv_list[o.n_setenv - 1].argv[0], "OPENVPN_X");
	options_free(&o);
}

static void test_options_check(void **state)
{
	struct options o;

	parse(&o, "script-security 2\nup /bin/true\nroute-up \"/bin/sh -c true\"\n");
	assert_int_equal(script_options_check(&o), 0);
	options_free(&o);
	parse(&o, "script-security 2\nup /nonexistent/up.sh\n");
	assert_int_equal(script_options_check(&o), -EINVAL);
	options_free(&o);
	/* at level 1 the script never runs: only a NOTE */
	parse(&o, "up /nonexistent/up.sh\n");
	assert_int_equal(script_options_check(&o), 0);
	options_free(&o);
	parse(&o, "tmp-dir /nonexistent-dir\n");
	assert_int_equal(script_options_check(&o), -EINVAL);
	options_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_env_set_basics),
		cmocka_unit_test(test_env_set_sanitises),
		cmocka_unit_test(test_env_set_bounds),
		cmocka_unit_test(test_env_set_merge),
		cmocka_unit_test(test_string_classes),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_split_malformed),
		cmocka_unit_test(test_split_is_config_tokenizer),
		cmocka_unit_test(test_split_then_append),
		cmocka_unit_test(test_run_exit_codes),
		cmocka_unit_test_setup_teardown(test_run_cannot_exec, setup, teardown),
		cmocka_unit_test(test_run_timeout),
		cmocka_unit_test_setup_teardown(test_security_levels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_env_and_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_path_with_space, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tmpfile, setup, teardown),
		cmocka_unit_test(test_tmp_dir_default),
		cmocka_unit_test_setup_teardown(test_client_connect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auth_user_pass_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_learn_address_and_tls_verify, setup, teardown),
		cmocka_unit_test(test_env_from_options),
		cmocka_unit_test(test_env_from_tunnel),
		cmocka_unit_test_setup_teardown(test_tunnel_up_down, setup, teardown),
		cmocka_unit_test(test_options_rows),
		cmocka_unit_test(test_options_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
