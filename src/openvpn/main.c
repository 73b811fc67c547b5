/*
 * Process entry: parse options, set up logging and the process, then run
 * connection instances until told to exit. The signal policy lives here:
 * SIGTERM/SIGINT exit, SIGHUP re-reads the config, SIGUSR1 restarts the
 * connection (handled inside the instance), SIGUSR2 logs statistics.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datapath.h"
#include "dco.h"
#include "server.h"
#include "show.h"
#include "keyfile.h"
#include "tls_crypt_v2.h"
#include "log.h"
#include "management.h"
#include "netcfg.h"
#include "options.h"
#include "process.h"
#include "version.h"

static int load_options(struct options *o, int argc, char **argv)
{
	options_init(o);
	if (options_parse_argv(o, argc, argv) < 0)
		return -EINVAL;
	if (o->show_version || o->show_help || o->show != SHOW_NONE)
		return 0;
	return options_finalize(o);
}

/* reopen: a SIGHUP re-read appends to --log instead of truncating it. */
static int setup_logging(const struct options *o, bool reopen)
{
	struct log_config lc = {
		.verb = o->verb,
		.mute = o->mute,
		.file = o->log_file,
		.append = o->log_append || reopen,
		.syslog_ident = o->syslog_ident,
		.timestamps = !o->suppress_timestamps && (o->log_file || !o->syslog_ident),
	};
	int ret;

	/* --daemon without --log goes to syslog, as OpenVPN does */
	if (o->daemon && !o->log_file && !lc.syslog_ident)
		lc.syslog_ident = o->daemon_name ? o->daemon_name : "openvpn";
	ret = log_configure(&lc);
	if (ret < 0)
		msg(M_ERR, "Cannot open log file '%s': %s", o->log_file, strerror(-ret));
	return ret;
}

static void warn_cleartext(const struct options *o)
{
	if (o->tls_server || o->tls_client)
		return;
	msg(M_WARN, "******* WARNING *******: '--cipher none' was specified. This means NO "
	    "encryption will be performed and tunnelled data WILL be transmitted in "
	    "clear text over the network! PLEASE DO RECONSIDER THIS SETTING!");
	msg(M_WARN, "******* WARNING *******: '--auth none' was specified. This means no "
	    "authentication will be performed on received packets, meaning you CANNOT "
	    "trust that the data received by the remote side have NOT been manipulated. "
	    "PLEASE DO RECONSIDER THIS SETTING!");
	msg(M_WARN, "******* WARNING *******: All encryption and authentication features "
	    "disabled -- All data will be tunnelled as clear text and will not be "
	    "protected against man-in-the-middle changes. PLEASE DO RECONSIDER THIS "
	    "CONFIGURATION!");
}

/* Process setup that happens once, not on every restart. */
static int setup_process(const struct options *o)
{
	if (o->daemon) {
		int ret = process_daemonize();

		if (ret < 0) {
			msg(M_ERR, "daemon() failed: %s", strerror(-ret));
			return ret;
		}
	}
	if (o->mlock)
		process_lock_memory();
	if (o->nice_set)
		process_set_nice(o->nice);
	if (o->writepid) {
		int ret = process_write_pid(o->writepid);

		if (ret < 0) {
			msg(M_ERR, "Cannot write pid file '%s': %s", o->writepid, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/* --genkey tls-crypt-v2-server|tls-crypt-v2-client [file [metadata]]. */
static int genkey_v2(const struct options *o, char *err, size_t errlen)
{
	struct tls_crypt_v2_server_key sk;
	int ret;

	if (o->genkey_type == GENKEY_TLS_CRYPT_V2_SERVER)
		return tls_crypt_v2_genkey_server(o->genkey_file, err, errlen);
	if (!option_file_set(&o->tls_crypt_v2)) {
		snprintf(err, errlen, "a tls-crypt-v2 client key is wrapped with the server key: "
			 "give it with --tls-crypt-v2");
		return -EINVAL;
	}
	ret = tls_crypt_v2_load_server_key(&sk, o->tls_crypt_v2.name, o->tls_crypt_v2.is_inline,
					   err, errlen);
	if (ret == 0)
		ret = tls_crypt_v2_genkey_client(&sk, o->genkey_metadata, o->genkey_file, err,
						 errlen);
	explicit_bzero(&sk, sizeof(sk));
	return ret;
}

/* --genkey secret|tls-auth|tls-crypt [file]: write a static key, exit. */
static int genkey(const struct options *o)
{
	struct static_key key;
	char err[KEYFILE_ERR_LEN];
	int ret;

	if (o->genkey_type != GENKEY_SECRET) {
		ret = genkey_v2(o, err, sizeof(err));
		goto out;
	}
	ret = keyfile_generate(&key);
	if (ret == 0)
		ret = keyfile_write(&key, o->genkey_file, err, sizeof(err));
	else
		snprintf(err, sizeof(err), "cannot get random bytes for the key");
	keyfile_wipe(&key);
out:
	if (ret < 0) {
		msg(M_ERR, "--genkey: %s", err);
		return 1;
	}
	return 0;
}

static void announce_config(const struct options *o)
{
	msg(M_INFO, "%s", version_title());
	options_log(o);
	warn_cleartext(o);
}

/* Once per configuration: offload or not (--require-dco: not at all). */
static int decide_dco(const struct options *o, struct tunnel_persist *persist)
{
	bool fatal;

	persist->dco_wanted = dco_decide(o, &fatal);
	persist->dco_off = false;
	/* the offloaded data channel needs CAP_NET_ADMIN after --user too */
	process_keep_net_admin(persist->dco_wanted && o->user);
	return fatal ? -EINVAL : 0;
}

/* SIGHUP: parse the same command line (and its config files) again. */
static int reload_options(struct options *o, int argc, char **argv)
{
	struct options fresh;

	if (load_options(&fresh, argc, argv) < 0) {
		msg(M_ERR, "configuration re-read failed, exiting");
		options_free(&fresh);
		return -EINVAL;
	}
	options_free(o);
	*o = fresh;
	setup_logging(o, true);
	return 0;
}

int main(int argc, char **argv)
{
	struct options o;
	struct tunnel_persist persist;
	enum tunnel_end end;
	int status;

	if (load_options(&o, argc, argv) < 0) {
		msg(M_ERR, "Use --help for more information.");
		return 1;
	}
	if (o.show_version) {
		version_print(stdout);
		return 0;
	}
	if (o.show_help) {
		options_print_help();
		return 0;
	}
	if (o.show != SHOW_NONE)
		return show_run(&o);
	if (o.genkey)
		return genkey(&o);
	if (o.dco_check)
		return dco_check_report(&o);
	/* --cd: every relative path after this (keys, scripts, pid file) is
	 * relative to that directory, as in OpenVPN. */
	if (o.cd && chdir(o.cd) < 0) {
		msg(M_ERR | M_ERRNO, "cd to '%s' failed", o.cd);
		return 1;
	}
	if (setup_logging(&o, false) < 0 || setup_process(&o) < 0)
		return 1;

	if (netcfg_init() < 0) {
		msg(M_ERR, "Cannot open an rtnetlink socket to configure interfaces");
		return 1;
	}
	memset(&persist, 0, sizeof(persist));
	announce_config(&o);
	if (management_open(&o) < 0)
		return 1;
	if (decide_dco(&o, &persist) < 0)
		return 1;
	for (;;) {
		end = o.mode_server ? server_run(&o, &persist) : tunnel_run(&o, &persist);
		if (end == TUNNEL_RESTART_SOFT && o.remap_usr1) {
			msg(M_INFO, "--remap-usr1: the restart becomes %s",
			    o.remap_usr1 == SIGHUP ? "SIGHUP (configuration read again)" :
						     "SIGTERM (exit)");
			end = o.remap_usr1 == SIGHUP ? TUNNEL_RESTART_HARD : TUNNEL_EXIT;
		}
		if (end == TUNNEL_RESTART_SOFT)
			continue;
		if (end != TUNNEL_RESTART_HARD)
			break;
		/* SIGHUP: everything is torn down and the config read again */
		tunnel_persist_release(&persist);
		if (reload_options(&o, argc, argv) < 0) {
			end = TUNNEL_FATAL;
			break;
		}
		announce_config(&o);
		if (decide_dco(&o, &persist) < 0) {
			end = TUNNEL_FATAL;
			break;
		}
	}
	tunnel_persist_release(&persist);
	status = end == TUNNEL_FATAL ? 1 : 0;
	netcfg_cleanup();
	process_remove_pid(o.writepid);
	msg(M_INFO, "Exiting%s", status ? " due to fatal error" : "");
	management_close();
	options_free(&o);
	log_close();
	return status;
}
