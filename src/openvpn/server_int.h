/*
 * Private to server mode (server.c, server_run.c, server_status.c): the
 * calls between its files. server.c carries packets and admits clients,
 * server_run.c sets up, runs and tears down, server_status.c writes the
 * status and pool files.
 */
#ifndef SERVER_INT_H
#define SERVER_INT_H

#include "server.h"

/* ---- server.c ------------------------------------------------------------- */

/* Event handlers: the tun device, and the UDP socket or TCP listener. */
void server_tun_readable(struct event_handler *h, uint32_t events);
void server_link_ready(struct event_handler *h, uint32_t events);

/* ---- server_status.c ------------------------------------------------------ */

void server_status_init(struct server *srv);
/* Arm the status and pool-persist timers (the status file at once). */
void server_status_start(struct server *srv);
void server_status_write(struct server *srv);
/* The status report in format 1..3, malloc'ed (NULL on failure). */
char *server_status_text(struct server *srv, int version);
void server_status_log(const struct server *srv);

/* ---- server_mgmt.c -------------------------------------------------------- */

/* The management interface joins this run's event loop. */
void server_mgmt_attach(struct server *srv);

#endif
