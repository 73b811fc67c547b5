/*
 * Management interface options: their handlers (rows in option_table.c)
 * and the cross-checks. The interface itself is management.c.
 */
#include "options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "log.h"

/* --management IP port [pw-file] | --management path unix [pw-file] */
int opt_management(struct options *o, const struct option_call *c)
{
	bool is_unix = strcmp(c->argv[2], "unix") == 0;
	int port, ret;

	if (is_unix && strlen(c->argv[1]) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return options_error(c, "unix socket path '%s' is too long", c->argv[1]);
	if (!is_unix) {
		ret = options_arg_int(c, 2, 1, 65535, &port);
		if (ret < 0)
			return ret;
	}
	/* 2.6 can prompt on the terminal; a daemon here never reads stdin */
	if (c->argc == 4 && strcmp(c->argv[3], "stdin") == 0)
		return options_error(c, "reading the password from stdin is not supported yet; "
				     "give a file whose first line is the password");
	/* a later --management replaces an earlier one as a whole */
	free(o->mgmt_port);
	free(o->mgmt_pw_file);
	o->mgmt_port = o->mgmt_pw_file = NULL;
	ret = options_set_str(c, &o->mgmt_addr, c->argv[1]);
	if (ret == 0 && !is_unix)
		ret = options_set_str(c, &o->mgmt_port, c->argv[2]);
	if (ret == 0 && c->argc == 4)
		ret = options_set_str(c, &o->mgmt_pw_file, c->argv[3]);
	return ret;
}

int opt_management_client_ug(struct options *o, const struct option_call *c)
{
	bool user = strcmp(c->argv[0], "management-client-user") == 0;

	return options_set_str(c, user ? &o->mgmt_client_user : &o->mgmt_client_group,
			       c->argv[1]);
}

int opt_management_flag(struct options *o, const struct option_call *c)
{
	if (strcmp(c->argv[0], "management-hold") == 0)
		o->mgmt_hold = true;
	else
		o->mgmt_signal = true;
	return 0;
}

int opt_management_log_cache(struct options *o, const struct option_call *c)
{
	/* each cached line takes a fixed slot: keep the memory bounded */
	return options_arg_int(c, 1, 1, 100000, &o->mgmt_log_cache);
}

int options_finalize_management(const struct options *o)
{
	int bad = 0;

	if (!o->mgmt_addr && (o->mgmt_hold || o->mgmt_signal || o->mgmt_client_user ||
			      o->mgmt_client_group)) {
		msg(M_ERR, "Options error: --management-hold, --management-signal and "
		    "--management-client-user/-group need --management");
		bad++;
	}
	if (o->mgmt_addr && o->mgmt_port && (o->mgmt_client_user || o->mgmt_client_group)) {
		msg(M_ERR, "Options error: --management-client-user and "
		    "--management-client-group require a unix socket (--management path unix)");
		bad++;
	}
	return bad;
}
