/*
 * Per-client configuration in server mode: the client-config-dir file, the
 * --client-connect / --client-disconnect / --learn-address /
 * --auth-user-pass-verify scripts, and the environment they all see.
 *
 * Options from the ccd file and from the client-connect script's output
 * land in one struct options (peer->ccd), parsed in ccd context, so only
 * options allowed there (iroute, ifconfig-push, push, push-reset, disable,
 * ...) are accepted.
 */
#ifndef CCD_H
#define CCD_H

#include "peer_table.h"
#include "script.h"

struct peer;

/* Each returns NULL when the client may go on, else the reason to refuse
 * it (sent to the client with AUTH_FAILED). */
const char *ccd_auth_user_pass(struct peer *p);
const char *ccd_load(struct peer *p);
const char *ccd_client_connect(struct peer *p);

/* After a connected client is gone (bytes and duration in the env). */
void ccd_client_disconnect(struct peer *p);
/* --learn-address OP (add, update, delete) for one of the client's routes. */
void ccd_learn_address(struct peer *p, const char *op, const struct vprefix *r);

/* The client's variables: common_name, trusted_ip, ifconfig_pool_*, IV_*. */
int ccd_client_env(struct peer *p, struct env_set *e);

#endif
