/*
 * Per-client configuration: client-config-dir files and the scripts that
 * decide about a client (see ccd.h).
 */
#include "ccd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "log.h"
#include "peer.h"
#include "pool.h"
#include "server.h"

/* Largest client-config-dir file we read. */
#define CCD_MAX_SIZE (64 * 1024)

/* ---- the client's environment ----------------------------------------------- */

static int env_addr(struct env_set *e, const char *v4name, const char *v6name,
		    const char *portname, const struct sockaddr_any *a)
{
	char host[ADDR_STRLEN];
	int ret;

	addr_host_to_str(a, host, sizeof(host));
	ret = env_set_add(e, addr_family(a) == AF_INET6 ? v6name : v4name, host);
	return ret ? ret : env_set_addf(e, portname, "%u", addr_port(a));
}

static int env_peer_info(struct env_set *e, const struct keymethod_peer_info *pi)
{
	int ret = 0;

	if (pi->version[0])
		ret = env_set_add(e, "IV_VER", pi->version);
	if (ret == 0 && pi->platform[0])
		ret = env_set_add(e, "IV_PLAT", pi->platform);
	if (ret == 0)
		ret = env_set_addf(e, "IV_PROTO", "%u", pi->iv_proto);
	if (ret == 0 && pi->has_ciphers)
		ret = env_set_add(e, "IV_CIPHERS", pi->ciphers);
	if (ret == 0 && pi->ncp)
		ret = env_set_addf(e, "IV_NCP", "%d", pi->ncp);
	if (ret == 0 && pi->mtu)
		ret = env_set_addf(e, "IV_MTU", "%d", pi->mtu);
	return ret;
}

static int env_pool(struct peer *p, struct env_set *e)
{
	const struct options *o = p->srv->o;
	char a[INET6_ADDRSTRLEN];
	struct in_addr second;
	int ret = 0;

	if (p->has_v4) {
		ret = env_set_add(e, "ifconfig_pool_remote_ip",
				  inet_ntop(AF_INET, &p->v4, a, sizeof(a)));
		if (o->topology == TOP_SUBNET) {
			second = o->server_set ? o->server_mask : o->pool_netmask;
			if (ret == 0 && second.s_addr)
				ret = env_set_add(e, "ifconfig_pool_netmask",
						  inet_ntop(AF_INET, &second, a, sizeof(a)));
		} else if (ret == 0) {
			second = o->topology == TOP_NET30 ? pool_net30_peer(p->v4) : p->srv->local_v4;
			ret = env_set_add(e, "ifconfig_pool_local_ip",
					  inet_ntop(AF_INET, &second, a, sizeof(a)));
		}
	}
	if (ret == 0 && p->has_v6)
		ret = env_set_add(e, "ifconfig_pool_remote_ip6",
				  inet_ntop(AF_INET6, &p->v6, a, sizeof(a)));
	return ret;
}

int ccd_client_env(struct peer *p, struct env_set *e)
{
	const struct sockaddr_any *real = p->tcp_mode ? &p->tcp.peer : &p->addr.addr;
	time_t now = time(NULL);
	char cn[sizeof(p->cn)], when[64];
	int ret;

	snprintf(cn, sizeof(cn), "%s", p->cn);
	script_string_remap(cn, SCRIPT_STR_COMMON_NAME);
	ret = env_set_add(e, "common_name", cn);
	if (ret == 0)
		ret = env_addr(e, "trusted_ip", "trusted_ip6", "trusted_port", real);
	if (ret == 0)
		ret = env_addr(e, "untrusted_ip", "untrusted_ip6", "untrusted_port", real);
	if (ret == 0 && p->ssl.peer_user[0]) {
		char user[sizeof(p->ssl.peer_user)];

		snprintf(user, sizeof(user), "%s", p->ssl.peer_user);
		script_string_remap(user, SCRIPT_STR_USERNAME);
		ret = env_set_add(e, "username", user);
	}
	if (ret == 0)
		ret = env_set_addf(e, "peer_id", "%u", p->id);
	if (ret == 0)
		ret = env_set_addf(e, "time_unix", "%lld", (long long)now);
	if (ret == 0) {
		strftime(when, sizeof(when), "%a %b %e %H:%M:%S %Y", localtime(&now));
		ret = env_set_add(e, "time_ascii", when);
	}
	if (ret == 0)
		ret = env_pool(p, e);
	if (ret == 0)
		ret = env_peer_info(e, &p->ssl.ks[SSL_KS_PRIMARY].peer_info);
	return ret;
}

/* ---- auth-user-pass-verify ----------------------------------------------------- */

const char *ccd_auth_user_pass(struct peer *p)
{
	const struct options *o = p->srv->o;
	struct env_set env;
	int ret;

	if (!o->auth_user_pass_verify)
		return NULL;
	if (!p->ssl.peer_user[0] && !p->ssl.peer_pass[0]) {
		msg(M_WARN, "%s: TLS Auth Error: Auth Username/Password was not provided by peer",
		    p->name);
		ssl_wipe_peer_credentials(&p->ssl);
		return "";
	}
	env_set_init(&env);
	ret = ccd_client_env(p, &env);
	if (ret == 0)
		ret = script_auth_user_pass_verify(&p->srv->sctx, o->auth_user_pass_verify,
						   o->auth_user_pass_verify_via_file,
						   p->ssl.peer_user, p->ssl.peer_pass, &env);
	env_set_free(&env);
	ssl_wipe_peer_credentials(&p->ssl);
	if (ret != 0) {
		msg(M_WARN, "%s: TLS Auth Error: Auth Username/Password verification failed for peer",
		    p->name);
		return "";
	}
	msg(M_INFO, "%s: TLS: Username/Password authentication succeeded for username '%s'",
	    p->name, p->ssl.peer_user);
	return NULL;
}

/* ---- client-config-dir ---------------------------------------------------------- */

static int ccd_read(const char *path, char **text, size_t *len)
{
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > CCD_MAX_SIZE) {
		ret = -EINVAL;
		goto out;
	}
	*text = malloc((size_t)st.st_size + 1);
	if (!*text) {
		ret = -ENOMEM;
		goto out;
	}
	n = read(fd, *text, (size_t)st.st_size);
	if (n < 0) {
		ret = -errno;
		free(*text);
		*text = NULL;
		goto out;
	}
	(*text)[n] = '\0';
	*len = (size_t)n;
out:
	close(fd);
	return ret;
}

/* Options from a ccd file or client-connect output, into p->ccd. */
static int ccd_parse(struct peer *p, const char *text, size_t len, const char *name)
{
	if (!p->ccd_loaded) {
		options_init(&p->ccd);
		p->ccd_loaded = true;
	}
	return options_parse_string(&p->ccd, text, len, name, OPT_CTX_CCD);
}

const char *ccd_load(struct peer *p)
{
	const struct options *o = p->srv->o;
	char cn[sizeof(p->cn)];
	const char *names[2] = { cn, "DEFAULT" };
	char path[4096];
	char *text = NULL;
	size_t len = 0, i;
	int ret = -ENOENT;

	if (!o->client_config_dir)
		return NULL;
	/* a name that could leave the directory is never a file name */
	snprintf(cn, sizeof(cn), "%s", p->cn);
	if (script_string_remap(cn, SCRIPT_STR_CCD_FILE))
		names[0] = NULL;
	for (i = 0; i < 2 && ret == -ENOENT; i++) {
		if (!names[i])
			continue;
		snprintf(path, sizeof(path), "%s/%s", o->client_config_dir, names[i]);
		ret = ccd_read(path, &text, &len);
	}
	if (ret == -ENOENT) {
		if (o->ccd_exclusive)
			return "client-config-dir: no file for this client (--ccd-exclusive)";
		return NULL;
	}
	if (ret < 0) {
		msg(M_WARN, "%s: cannot read client-config-dir file %s: %s", p->name, path,
		    strerror(-ret));
		return "client-config-dir file unreadable";
	}
	ret = ccd_parse(p, text, len, path);
	free(text);
	if (ret < 0)
		return "client-config-dir file has errors";
	msg(D_NORMAL, "MULTI: %s: read client-config-dir file %s", p->name, path);
	if (p->ccd.ccd_disable)
		return "client-config-dir says 'disable'";
	return NULL;
}

/* ---- client-connect / client-disconnect / learn-address -------------------------- */

const char *ccd_client_connect(struct peer *p)
{
	const struct options *o = p->srv->o;
	struct script_client_connect cc;
	struct env_set env;
	char *text = NULL;
	size_t len = 0;
	int ret;

	if (!o->client_connect)
		return NULL;
	env_set_init(&env);
	ret = ccd_client_env(p, &env);
	if (ret == 0)
		ret = script_client_connect(&p->srv->sctx, o->client_connect, &env, &cc);
	env_set_free(&env);
	if (ret != 0) {
		script_client_connect_done(&cc);
		msg(M_WARN, "%s: client-connect script refused the client (status %d)", p->name,
		    ret);
		return "client-connect refused";
	}
	if (script_client_connect_read(&cc, &text, &len) == 0 && len > 0) {
		ret = ccd_parse(p, text, len, "[client-connect output]");
		if (ret < 0) {
			free(text);
			script_client_connect_done(&cc);
			return "client-connect output has errors";
		}
	}
	free(text);
	script_client_connect_done(&cc);
	if (p->ccd_loaded && p->ccd.ccd_disable)
		return "client-connect says 'disable'";
	return NULL;
}

void ccd_client_disconnect(struct peer *p)
{
	const struct options *o = p->srv->o;
	struct env_set env;
	int ret;

	if (!o->client_disconnect)
		return;
	env_set_init(&env);
	ret = ccd_client_env(p, &env);
	if (ret == 0)
		ret = env_set_addf(&env, "bytes_received", "%llu", (unsigned long long)p->bytes_in);
	if (ret == 0)
		ret = env_set_addf(&env, "bytes_sent", "%llu", (unsigned long long)p->bytes_out);
	if (ret == 0)
		ret = env_set_addf(&env, "time_duration", "%lld",
				   (long long)(time(NULL) - p->connected_since));
	if (ret == 0)
		script_client_disconnect(&p->srv->sctx, o->client_disconnect, &env);
	env_set_free(&env);
}

void ccd_learn_address(struct peer *p, const char *op, const struct vprefix *r)
{
	const struct options *o = p->srv->o;
	struct env_set env;
	char a[64];

	if (!o->learn_address)
		return;
	if ((r->family == AF_INET && r->bits == 32) || (r->family == AF_INET6 && r->bits == 128))
		inet_ntop(r->family, r->addr, a, sizeof(a));
	else
		vprefix_to_str(r, a, sizeof(a));
	env_set_init(&env);
	if (ccd_client_env(p, &env) == 0)
		script_learn_address(&p->srv->sctx, o->learn_address, op, a, p->cn, &env);
	env_set_free(&env);
}
