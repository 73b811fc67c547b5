/*
 * External scripts: the environment they get, --script-security, splitting
 * a script option's command line into argv, running it and waiting for it,
 * and the temporary files some scripts exchange with the daemon.
 *
 * Scripts run synchronously, as in OpenVPN 2.6: the daemon (and so every
 * tunnel it serves) waits until the script exits. No shell is involved:
 * the command is split with the config tokenizer (as 2.6 does) and run with
 * execve(), with only the variables of the env sets below as its
 * environment (not the daemon's own).
 *
 * Layers, bottom up, and the file that owns each:
 *   script_env.c    env_set_*: a bounded set of name=value pairs with owned
 *                   copies; script_string_remap: the character classes 2.6
 *                   applies to untrusted text; script_env_from_options and
 *                   script_env_from_tunnel: the daemon's and the tunnel's
 *                   variables
 *   script.c        script_argv_*: command splitting; script_run: one run of
 *                   one command, the generic entry point; script_options_check
 *   script_hooks.c  script_tunnel_* / script_client_* / ...: the arguments
 *                   and variables of each script option, and the temporary
 *                   files (script_tmpfile_create, script_read_file)
 */
#ifndef SCRIPT_H
#define SCRIPT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "options.h"

/* ---- environment sets ------------------------------------------------------ */

#define ENV_SET_MAX 512          /* variables in one set */
#define ENV_NAME_MAX 128         /* bytes of a name, without NUL */
#define ENV_VALUE_MAX 4096       /* bytes of a value, without NUL */

struct env_item {
	char *name;
	char *value;
};

struct env_set {
	struct env_item *items;  /* in the order first added */
	size_t n, cap;
};

void env_set_init(struct env_set *e);
void env_set_free(struct env_set *e);

/*
 * Set name to value, replacing an earlier value of the same name. Both are
 * copied. Name characters other than [A-Za-z0-9_] become '_', value bytes
 * outside printable ASCII (control characters, newlines, non-ASCII) become
 * '_', as 2.6 does for environment names and values. Returns 0, -EINVAL for
 * an empty name, -E2BIG for a name or value over the bounds, -ENOSPC when
 * the set is full, -ENOMEM.
 */
int env_set_add(struct env_set *e, const char *name, const char *value);
int env_set_addf(struct env_set *e, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* 0, or -ENOENT when the name is not set. */
int env_set_del(struct env_set *e, const char *name);
/* The value, or NULL. The pointer is valid until the set changes. */
const char *env_set_get(const struct env_set *e, const char *name);
/* Add every variable of src to dst (src wins over dst). 0 or -errno. */
int env_set_merge(struct env_set *dst, const struct env_set *src);
/*
 * The set as execve()'s "name=value" strings, NULL terminated, or NULL when
 * out of memory. Free with env_set_free_envp(), which also wipes them.
 */
char **env_set_to_envp(const struct env_set *e);
void env_set_free_envp(char **envp);

/* ---- untrusted strings ----------------------------------------------------- */

/* 2.6's string types: which characters survive, the others become '_'. */
enum script_str_class {
	SCRIPT_STR_X509_NAME,    /* alnum _ - . @ : / = */
	SCRIPT_STR_COMMON_NAME,  /* alnum _ - . @ */
	SCRIPT_STR_USERNAME,     /* as common name */
	SCRIPT_STR_PASSWORD,     /* printable, no CR/LF */
	SCRIPT_STR_CCD_FILE,     /* alnum _ - . @, and never "." or ".." */
	SCRIPT_STR_ENV_NAME,     /* alnum _ */
	SCRIPT_STR_ENV_VALUE,    /* printable */
};

/* Remap s in place; returns true when something was changed. */
bool script_string_remap(char *s, enum script_str_class cls);

/* ---- --script-security ----------------------------------------------------- */

enum script_security {
	SCRIPT_SEC_NONE = 0,      /* no external program at all */
	SCRIPT_SEC_BUILTIN = 1,   /* only the system's own tools; we run none */
	SCRIPT_SEC_SCRIPTS = 2,   /* user scripts */
	SCRIPT_SEC_PASSWORDS = 3, /* passwords may go into the environment */
};

/* ---- command splitting ----------------------------------------------------- */

#define SCRIPT_MAX_ARGS 64       /* words of a command plus appended ones */
#define SCRIPT_MAX_CMD 4096      /* bytes of a command line: CONFIG_MAX_LINE */

struct script_argv {
	int argc;
	char *argv[SCRIPT_MAX_ARGS + 1];  /* NULL terminated, each malloc'ed */
};

/*
 * Split a command into words, without a shell, by config_split_line(): the
 * rules of a config line, as in 2.6. Words are separated by blanks; '...'
 * keeps everything up to the next single quote; "..." and bare words take
 * the backslash escapes \\ \" \<space> \<tab>; a word that starts with '#'
 * or ';' ends the command. Any other backslash, an unclosed quote, a
 * newline, an empty command or too many words is -EINVAL with the reason
 * in err. a is initialised here; free it with script_argv_free() also
 * after an error.
 */
int script_argv_parse(struct script_argv *a, const char *cmd, char *err, size_t errlen);
/* Append one argument (copied). 0, -E2BIG when full, -ENOMEM. */
int script_argv_append(struct script_argv *a, const char *arg);
void script_argv_free(struct script_argv *a);

/* ---- running --------------------------------------------------------------- */

struct script_call {
	const char *option;        /* "up", "client-connect": messages, script_type */
	const char *command;       /* the option's argument, split by script_argv_parse */
	const char *const *args;   /* appended after the command's words; NULL ends */
	int nargs;                 /* entries of args; -1: up to a NULL entry */
	const struct env_set *base;  /* daemon-wide variables; may be NULL */
	const struct env_set *env;   /* this call's variables, win over base; may be NULL */
	int security;              /* the --script-security level */
	bool passwords;            /* env carries a password: needs level 3 */
	bool status_is_answer;     /* a nonzero exit is a "no", not a failure:
				    * logged at D_LOW instead of as a warning */
	int timeout_ms;            /* 0: wait for as long as it runs (2.6) */
};

/*
 * Run the command with its environment (script_type=option is added unless
 * env sets it) and wait for it. Returns 0 when it exited with status 0, the
 * exit status (1..255) otherwise, 128+N when signal N killed it, and a
 * negative errno when it could not run: -EPERM refused by
 * --script-security (logged with the level needed, as 2.6 words it),
 * -EINVAL a malformed command, -ENOENT/-EACCES/... from execve(),
 * -ETIMEDOUT past timeout_ms (the script is killed and reaped). Every
 * outcome but 0 is logged once here, naming the option.
 */
int script_run(const struct script_call *call);

/* ---- temporary files --------------------------------------------------------- */

/* --tmp-dir, else $TMPDIR, else /tmp. */
const char *script_tmp_dir(const char *configured);

/*
 * Create "DIR/openvpn_TAG_XXXXXXXXXXXXXXXX.tmp" with O_EXCL|O_NOFOLLOW, mode
 * 0600, a random name (retried when taken). path receives the name. When
 * fd is NULL the file is closed. Returns 0 or -errno (logged).
 */
int script_tmpfile_create(const char *dir, const char *tag, char *path, size_t pathlen,
			  int *fd);
/*
 * Read a whole file a script wrote, at most max bytes, into a NUL
 * terminated malloc'ed buffer. -EFBIG when it is larger, -errno otherwise.
 * A symlink is refused (-ELOOP): the directory may be shared.
 */
int script_read_file(const char *path, size_t max, char **text, size_t *len);

/* ---- the daemon's scripts --------------------------------------------------- */

/*
 * What every script needs from the configuration, taken once per
 * connection instance. base holds the daemon-wide variables (see
 * script_env_from_options) and belongs to the caller.
 */
struct script_ctx {
	int security;
	const char *tmp_dir;       /* already resolved by script_tmp_dir() */
	const struct env_set *base;
	int timeout_ms;            /* 0 as in 2.6; tests set a bound */
};

/*
 * The daemon-wide variables: config, daemon, daemon_log_redirect, verb,
 * daemon_pid, proto_N, local_N, local_port_N, remote_N, remote_port_N
 * (N counts from 1 over --remote entries, one entry without --remote),
 * and --setenv / --setenv-safe. 0 or -errno.
 */
int script_env_from_options(struct env_set *e, const struct options *o);

/*
 * The variables of the tunnel scripts (--up, --down, --route-up,
 * --route-pre-down): dev, dev_type, tun_mtu, ifconfig_local and
 * ifconfig_remote (ifconfig_netmask with --topology subnet),
 * ifconfig_ipv6_local/_netbits/_remote, redirect_gateway, route_* for each
 * --route and --route-ipv6, foreign_option_N for every --dhcp-option
 * (configured or pushed) and, as 2.6 does, for --dns server addresses and
 * search domains ("dhcp-option DNS ..."), dns_* for --dns, and
 * script_context (init or restart). o is the effective options, with the
 * pushed ones applied. 0 or -errno.
 */
int script_env_from_tunnel(struct env_set *e, const struct options *o, const char *dev,
			   bool restart);

/*
 * --up / --down with 2.6's arguments: dev tun_mtu 0 ifconfig_local
 * ifconfig_remote|netmask init|restart. The down variant also sets
 * signal (the reason the tunnel ends, e.g. "sigterm"). Both return 0 when
 * the option is not set, else as script_run(). OpenVPN treats a failed --up
 * as fatal; the caller decides.
 */
int script_tunnel_up(const struct options *o, const char *dev, bool restart);
int script_tunnel_down(const struct options *o, const char *dev, bool restart,
		       const char *signal);
/* --route-up and --route-pre-down: no arguments, the tunnel variables. */
int script_route_up(const struct options *o, const char *dev);
int script_route_pre_down(const struct options *o, const char *dev);
/* --ipchange: arguments "ip port"; trusted_ip (or trusted_ip6), trusted_port. */
int script_ipchange(const struct options *o, const struct sockaddr_any *peer);

/* ---- server-side scripts (for server mode) ------------------------------------
 *
 * Each takes the command (the option's value), a script_ctx, and the
 * client's own variables in client_env (common_name, trusted_ip,
 * trusted_port, ifconfig_pool_*, time_unix, ...: the caller sets what it
 * knows; a common name must already be remapped with
 * SCRIPT_STR_COMMON_NAME). Returns as script_run(): 0 accept, >0 the
 * script's "no", <0 could not run (the caller should treat it as a "no").
 */

/* --learn-address: op "add", "update" or "delete"; addr "10.8.0.6" or a
 * subnet "10.0.0.0/24"; common_name is passed only for add and update and
 * is remapped here. */
int script_learn_address(const struct script_ctx *ctx, const char *cmd, const char *op,
			 const char *addr, const char *common_name,
			 const struct env_set *client_env);

/*
 * --tls-verify: arguments "depth subject"; the subject as 2.6 passes it
 * ("CN=Test CA"), with non-printable bytes turned into '_'. env holds the
 * certificate variables (tls_id_N, tls_serial_N, X509_N_*, ...).
 */
int script_tls_verify(const struct script_ctx *ctx, const char *cmd, int depth,
		      const char *subject, const struct env_set *env);

/*
 * --auth-user-pass-verify. via_file: username and password go into a fresh
 * 0600 file in the tmp dir, one per line, whose path is the last argument;
 * the file is removed when the script returns. Otherwise (via-env) they are
 * the variables username and password, which needs --script-security 3.
 * The username is remapped as a common name, the password as a password.
 */
int script_auth_user_pass_verify(const struct script_ctx *ctx, const char *cmd,
				 bool via_file, const char *username, const char *password,
				 const struct env_set *client_env);

/*
 * --client-connect. Creates the config file the script may fill in (its
 * path is the last argument and client_connect_config_file) and the
 * deferred-status file (client_connect_deferred_file), runs the script, and
 * leaves both files for the caller:
 *
 *	struct script_client_connect cc;
 *	char *text;
 *	size_t len;
 *	int ret = script_client_connect(&ctx, cmd, env, &cc);
 *	if (ret == 0 && script_client_connect_read(&cc, &text, &len) == 0) {
 *		... parse text as ccd options, free(text) ...
 *	}
 *	script_client_connect_done(&cc);	// always: removes the files
 *
 * Returns 0 when the client may connect, >0 when not (the exit status, or 1
 * when the script wrote "0" into the deferred file), -EOPNOTSUPP when the
 * script asked to defer (writes "2"; not supported yet, logged), <0 when it
 * could not run. cc is valid for _done() whatever the result.
 */
#define SCRIPT_CC_MAX_CONFIG (64 * 1024)  /* bytes of the config it may write */

struct script_client_connect {
	char config_path[4096];
	char deferred_path[4096];
};

int script_client_connect(const struct script_ctx *ctx, const char *cmd,
			  const struct env_set *client_env, struct script_client_connect *cc);
/* The config file's text (at most SCRIPT_CC_MAX_CONFIG bytes, else -EFBIG);
 * an empty file gives len 0. Caller frees *text. */
int script_client_connect_read(const struct script_client_connect *cc, char **text,
			       size_t *len);
void script_client_connect_done(struct script_client_connect *cc);

/*
 * --tls-crypt-v2-verify: no arguments; only the variables script_type,
 * metadata_type (the first metadata byte) and metadata_file (a temporary
 * file with the rest of the metadata, removed afterwards).
 */
int script_tls_crypt_v2_verify(const struct script_ctx *ctx, const char *cmd,
			       const uint8_t *meta, size_t meta_len);

/* --client-disconnect: no extra arguments; client_env as for connect plus
 * bytes_received, bytes_sent, time_duration. */
int script_client_disconnect(const struct script_ctx *ctx, const char *cmd,
			     const struct env_set *client_env);

/* ---- options ---------------------------------------------------------------- */

/*
 * Checks the configured commands at startup, once: that each one splits,
 * and that its program exists and is executable (not for --down with
 * --chroot, whose path is inside the chroot). With --script-security below
 * 2 and a script configured, logs 2.6's NOTE that scripts need level 2.
 * Reports each problem; returns 0 or -EINVAL.
 */
int script_options_check(const struct options *o);

#endif
