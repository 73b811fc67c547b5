/*
 * The daemon's scripts, one entry point per option: the arguments and the
 * variables 2.6 gives --up, --down, --route-up, --route-pre-down,
 * --ipchange, --learn-address, --tls-verify, --auth-user-pass-verify,
 * --client-connect and --client-disconnect, and the temporary files some of
 * them exchange with the daemon. See script.h.
 */
#include "script.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "config.h"
#include "log.h"

/* ---- temporary files --------------------------------------------------------- */

const char *script_tmp_dir(const char *configured)
{
	const char *env;

	if (configured && configured[0])
		return configured;
	env = getenv("TMPDIR");
	return env && env[0] == '/' ? env : "/tmp";
}

int script_tmpfile_create(const char *dir, const char *tag, char *path, size_t pathlen,
			  int *fd)
{
	uint64_t r;
	int tries, f, n, ret = -EEXIST;

	for (tries = 0; tries < 16; tries++) {
		if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
			ret = -errno;
			break;
		}
		n = snprintf(path, pathlen, "%s/openvpn_%s_%016llx.tmp", dir, tag,
			     (unsigned long long)r);
		if (n < 0 || (size_t)n >= pathlen) {
			ret = -ENAMETOOLONG;
			break;
		}
		f = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (f >= 0) {
			if (fd)
				*fd = f;
			else
				close(f);
			return 0;
		}
		ret = -errno;
		if (errno != EEXIST)
			break;
	}
	msg(M_ERR, "cannot create a temporary file in '%s' (--tmp-dir): %s", dir, strerror(-ret));
	if (pathlen)
		path[0] = '\0';
	return ret;
}

int script_read_file(const char *path, size_t max, char **text, size_t *len)
{
	struct stat st;
	int fd, ret;

	*text = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* a FIFO or a device put there by someone else would block or flood */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		ret = -EINVAL;
	else
		ret = config_read_fd(fd, max, text, len);
	close(fd);
	return ret;
}

/* Write all of s, then close; -errno. */
static int write_all_close(int fd, const char *s, size_t len)
{
	ssize_t n;
	int ret = 0;

	while (len > 0) {
		n = write(fd, s, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		s += n;
		len -= (size_t)n;
	}
	if (close(fd) < 0 && ret == 0)
		ret = -errno;
	return ret;
}


/* ---- tunnel scripts ---------------------------------------------------------- */

static void call_init(struct script_call *c, const struct options *o, const char *option,
		      const char *cmd)
{
	memset(c, 0, sizeof(*c));
	c->option = option;
	c->command = cmd;
	c->security = o->script_security;
	c->nargs = -1;
}

/* Build base + tunnel variables and run one tunnel script. */
static int run_tunnel_script(const struct options *o, const char *option, const char *cmd,
			     const char *dev, bool restart, const char *signal, bool with_args)
{
	struct script_call c;
	struct env_set base, env;
	const char *args[7];
	int ret;

	env_set_init(&base);
	env_set_init(&env);
	ret = script_env_from_options(&base, o);
	if (ret == 0)
		ret = script_env_from_tunnel(&env, o, dev, restart);
	if (ret == 0 && signal) {
		char sig[32];
		size_t i;

		/* 2.6 spells the reason in lower case: sigterm, ping-restart */
		for (i = 0; signal[i] && i + 1 < sizeof(sig); i++)
			sig[i] = (char)tolower((unsigned char)signal[i]);
		sig[i] = '\0';
		ret = env_set_add(&env, "signal", sig);
	}
	if (ret < 0) {
		msg(M_ERR, "--%s: cannot build the script environment: %s", option, strerror(-ret));
		goto out;
	}
	call_init(&c, o, option, cmd);
	c.base = &base;
	c.env = &env;
	if (with_args) {
		char mtu[16];

		snprintf(mtu, sizeof(mtu), "%d", o->tun_mtu);
		/* "0" holds the place of link_mtu, which 2.6 no longer passes */
		args[0] = dev;
		args[1] = mtu;
		args[2] = "0";
		args[3] = o->ifconfig_local ? o->ifconfig_local : "";
		args[4] = o->ifconfig_remote ? o->ifconfig_remote : "";
		args[5] = restart ? "restart" : "init";
		c.args = args;
		c.nargs = 6;
		ret = script_run(&c);
	} else {
		ret = script_run(&c);
	}
out:
	env_set_free(&env);
	env_set_free(&base);
	return ret;
}

int script_tunnel_up(const struct options *o, const char *dev, bool restart)
{
	if (!o->up)
		return 0;
	return run_tunnel_script(o, "up", o->up, dev, restart, NULL, true);
}

int script_tunnel_down(const struct options *o, const char *dev, bool restart,
		       const char *signal)
{
	if (!o->down)
		return 0;
	return run_tunnel_script(o, "down", o->down, dev, restart, signal ? signal : "sigterm",
				 true);
}

int script_route_up(const struct options *o, const char *dev)
{
	if (!o->route_up)
		return 0;
	return run_tunnel_script(o, "route-up", o->route_up, dev, false, NULL, false);
}

int script_route_pre_down(const struct options *o, const char *dev)
{
	if (!o->route_pre_down)
		return 0;
	return run_tunnel_script(o, "route-pre-down", o->route_pre_down, dev, false, NULL, false);
}

int script_ipchange(const struct options *o, const struct sockaddr_any *peer)
{
	struct sockaddr_any a = *peer;
	struct script_call c;
	struct env_set base, env;
	char host[ADDR_STRLEN], port[8];
	const char *args[2];
	int ret;

	if (!o->ipchange)
		return 0;
	addr_unmap(&a);
	addr_host_to_str(&a, host, sizeof(host));
	snprintf(port, sizeof(port), "%u", addr_port(&a));
	env_set_init(&base);
	env_set_init(&env);
	ret = script_env_from_options(&base, o);
	if (ret == 0)
		ret = env_set_add(&env, addr_family(&a) == AF_INET6 ? "trusted_ip6" : "trusted_ip",
				  host);
	if (ret == 0)
		ret = env_set_add(&env, "trusted_port", port);
	if (ret < 0) {
		msg(M_ERR, "--ipchange: cannot build the script environment: %s", strerror(-ret));
		goto out;
	}
	call_init(&c, o, "ipchange", o->ipchange);
	c.base = &base;
	c.env = &env;
	args[0] = host;
	args[1] = port;
	c.args = args;
	c.nargs = 2;
	ret = script_run(&c);
out:
	env_set_free(&env);
	env_set_free(&base);
	return ret;
}

/* ---- server-side scripts ------------------------------------------------------ */

static void ctx_call_init(struct script_call *c, const struct script_ctx *ctx,
			  const char *option, const char *cmd, const struct env_set *env)
{
	memset(c, 0, sizeof(*c));
	c->option = option;
	c->command = cmd;
	c->security = ctx->security;
	c->base = ctx->base;
	c->env = env;
	c->timeout_ms = ctx->timeout_ms;
	c->nargs = -1;
}

int script_learn_address(const struct script_ctx *ctx, const char *cmd, const char *op,
			 const char *addr, const char *common_name,
			 const struct env_set *client_env)
{
	struct script_call c;
	const char *args[3];
	char *cn = NULL;
	int ret;

	args[0] = op;
	args[1] = addr;
	args[2] = NULL;
	if (common_name && strcmp(op, "delete") != 0) {
		cn = strdup(common_name);
		if (!cn)
			return -ENOMEM;
		script_string_remap(cn, SCRIPT_STR_COMMON_NAME);
		args[2] = cn;
	}
	ctx_call_init(&c, ctx, "learn-address", cmd, client_env);
	c.args = args;
	c.nargs = args[2] ? 3 : 2;
	c.status_is_answer = true;
	ret = script_run(&c);
	free(cn);
	return ret;
}

int script_tls_verify(const struct script_ctx *ctx, const char *cmd, int depth,
		      const char *subject, const struct env_set *env)
{
	struct script_call c;
	const char *args[2];
	char d[16], *subj;
	int ret;

	subj = strdup(subject ? subject : "");
	if (!subj)
		return -ENOMEM;
	/* 2.6 passes the subject as printed ("CN=Test CA"), only without
	 * control characters */
	script_string_remap(subj, SCRIPT_STR_ENV_VALUE);
	snprintf(d, sizeof(d), "%d", depth);
	args[0] = d;
	args[1] = subj;
	ctx_call_init(&c, ctx, "tls-verify", cmd, env);
	c.args = args;
	c.nargs = 2;
	c.status_is_answer = true;
	ret = script_run(&c);
	free(subj);
	return ret;
}

/* "username\npassword\n" into a fresh 0600 file; path receives its name. */
static int write_credentials(const struct script_ctx *ctx, const char *user, const char *pass,
			     char *path, size_t pathlen)
{
	size_t len = strlen(user) + strlen(pass) + 3;
	char *buf = malloc(len);
	int fd = -1, ret;

	if (!buf)
		return -ENOMEM;
	snprintf(buf, len, "%s\n%s\n", user, pass);
	ret = script_tmpfile_create(ctx->tmp_dir, "up", path, pathlen, &fd);
	if (ret == 0)
		ret = write_all_close(fd, buf, len - 1);
	if (ret < 0 && path[0]) {
		msg(M_ERR, "cannot write '%s': %s", path, strerror(-ret));
		unlink(path);
		path[0] = '\0';
	}
	explicit_bzero(buf, len);
	free(buf);
	return ret;
}

int script_auth_user_pass_verify(const struct script_ctx *ctx, const char *cmd,
				 bool via_file, const char *username, const char *password,
				 const struct env_set *client_env)
{
	char *user = strdup(username ? username : "");
	char *pass = strdup(password ? password : "");
	char path[4096] = "";
	struct env_set env;
	struct script_call c;
	const char *args[1];
	int ret = -ENOMEM;

	env_set_init(&env);
	if (!user || !pass)
		goto out;
	script_string_remap(user, SCRIPT_STR_USERNAME);
	script_string_remap(pass, SCRIPT_STR_PASSWORD);
	ret = env_set_merge(&env, client_env);
	if (ret == 0)
		ret = env_set_add(&env, "username", user);
	if (ret == 0 && !via_file)
		ret = env_set_add(&env, "password", pass);
	if (ret == 0 && via_file)
		ret = write_credentials(ctx, user, pass, path, sizeof(path));
	if (ret < 0)
		goto out;
	ctx_call_init(&c, ctx, "auth-user-pass-verify", cmd, &env);
	c.status_is_answer = true;
	c.passwords = !via_file;
	if (via_file) {
		args[0] = path;
		c.args = args;
		c.nargs = 1;
	}
	ret = script_run(&c);
out:
	if (path[0])
		unlink(path);
	env_set_free(&env);
	if (pass)
		explicit_bzero(pass, strlen(pass));
	free(pass);
	free(user);
	return ret;
}

/* The first byte of the deferred file: '0' no, '1' or nothing yes, '2' defer. */
static int client_connect_verdict(const struct script_client_connect *cc)
{
	char *text = NULL;
	size_t len = 0;
	int ret = script_read_file(cc->deferred_path, 64, &text, &len);

	if (ret == -ENOENT)
		return 0;	/* removed by the script: as if empty */
	if (ret < 0) {
		msg(M_WARN, "--client-connect: cannot read '%s': %s", cc->deferred_path,
		    strerror(-ret));
		return 1;
	}
	ret = 0;
	if (len > 0 && text[0] == '0') {
		msg(D_LOW, "--client-connect: the script refused the client (deferred file says 0)");
		ret = 1;
	} else if (len > 0 && text[0] == '2') {
		msg(M_WARN, "--client-connect: deferred client-connect is not supported yet by this "
		    "version; refusing the client");
		ret = -EOPNOTSUPP;
	}
	free(text);
	return ret;
}

int script_client_connect(const struct script_ctx *ctx, const char *cmd,
			  const struct env_set *client_env, struct script_client_connect *cc)
{
	struct env_set env;
	struct script_call c;
	const char *args[1];
	int ret;

	memset(cc, 0, sizeof(*cc));
	env_set_init(&env);
	ret = script_tmpfile_create(ctx->tmp_dir, "cc", cc->config_path,
				    sizeof(cc->config_path), NULL);
	if (ret == 0)
		ret = script_tmpfile_create(ctx->tmp_dir, "ccd", cc->deferred_path,
					    sizeof(cc->deferred_path), NULL);
	if (ret == 0)
		ret = env_set_merge(&env, client_env);
	if (ret == 0)
		ret = env_set_add(&env, "client_connect_config_file", cc->config_path);
	if (ret == 0)
		ret = env_set_add(&env, "client_connect_deferred_file", cc->deferred_path);
	if (ret < 0)
		goto out;
	ctx_call_init(&c, ctx, "client-connect", cmd, &env);
	args[0] = cc->config_path;
	c.args = args;
	c.nargs = 1;
	ret = script_run(&c);
	if (ret == 0)
		ret = client_connect_verdict(cc);
out:
	env_set_free(&env);
	return ret;
}

int script_client_connect_read(const struct script_client_connect *cc, char **text,
			       size_t *len)
{
	int ret = script_read_file(cc->config_path, SCRIPT_CC_MAX_CONFIG, text, len);

	if (ret == -EFBIG)
		msg(M_WARN, "--client-connect: '%s' is larger than %d bytes; ignored",
		    cc->config_path, SCRIPT_CC_MAX_CONFIG);
	else if (ret < 0)
		msg(M_WARN, "--client-connect: cannot read '%s': %s", cc->config_path,
		    strerror(-ret));
	return ret;
}

void script_client_connect_done(struct script_client_connect *cc)
{
	if (cc->config_path[0])
		unlink(cc->config_path);
	if (cc->deferred_path[0])
		unlink(cc->deferred_path);
	cc->config_path[0] = cc->deferred_path[0] = '\0';
}

int script_client_disconnect(const struct script_ctx *ctx, const char *cmd,
			     const struct env_set *client_env)
{
	struct script_call c;

	ctx_call_init(&c, ctx, "client-disconnect", cmd, client_env);
	return script_run(&c);
}

int script_tls_crypt_v2_verify(const struct script_ctx *ctx, const char *cmd,
			       const uint8_t *meta, size_t meta_len)
{
	char path[4096] = "";
	struct env_set env;
	struct script_call c;
	int fd = -1, ret;

	if (meta_len < 1)
		return -EINVAL;
	env_set_init(&env);
	ret = env_set_addf(&env, "metadata_type", "%u", meta[0]);
	if (ret == 0)
		ret = script_tmpfile_create(ctx->tmp_dir, "tls_crypt_v2", path, sizeof(path), &fd);
	/* the file holds the metadata after its type byte */
	if (ret == 0)
		ret = write_all_close(fd, (const char *)meta + 1, meta_len - 1);
	if (ret == 0)
		ret = env_set_add(&env, "metadata_file", path);
	if (ret < 0)
		goto out;
	ctx_call_init(&c, ctx, "tls-crypt-v2-verify", cmd, &env);
	c.base = NULL;          /* only these variables, as 2.6 documents */
	c.status_is_answer = true;
	ret = script_run(&c);
out:
	if (path[0])
		unlink(path);
	env_set_free(&env);
	return ret;
}
