/*
 * The server's --status file, versions 1-3, byte for byte as OpenVPN 2.6
 * writes it (formats observed from Debian's 2.6.14):
 *
 * version 1                          versions 2 (',') and 3 (tab)
 *   OpenVPN CLIENT LIST                TITLE,<title>
 *   Updated,<time>                     TIME,<time>,<time_t>
 *   Common Name,Real Address,...       HEADER,CLIENT_LIST,Common Name,...
 *   <cn>,<real>,<in>,<out>,<since>     CLIENT_LIST,<cn>,<real>,<v4>,<v6>,...
 *   ROUTING TABLE                      HEADER,ROUTING_TABLE,...
 *   Virtual Address,Common Name,...    ROUTING_TABLE,<virt>,<cn>,<real>,...
 *   <virt>,<cn>,<real>,<last ref>      GLOBAL_STATS,Max bcast/mcast queue length,<n>
 *   GLOBAL STATS                       GLOBAL_STATS,dco_enabled,<0|1>
 *   Max bcast/mcast queue length,<n>   END
 *   END
 *
 * Times are local time as "%Y-%m-%d %H:%M:%S"; lines end in "\n". Fields
 * are written as they are, commas included, as 2.6 does; only control
 * characters (which 2.6's TLS layer has already mapped to '_' in names)
 * are written as '_' so that no field can break a line or a v3 column.
 * Rows are printed in the caller's order (2.6 prints hash order).
 */
#ifndef STATUS_H
#define STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <netinet/in.h>

#include "addr.h"

struct status_client {
	const char *common_name;   /* NULL: "UNDEF" */
	const char *real_addr;     /* as status_real_addr() formats it */
	bool has_v4;               /* virtual addresses; empty column if not */
	struct in_addr v4;
	bool has_v6;
	struct in6_addr v6;
	uint64_t bytes_in;         /* "Bytes Received": from the client */
	uint64_t bytes_out;
	time_t connected_since;
	const char *username;      /* NULL: "UNDEF" */
	unsigned long client_id;   /* management interface CID */
	uint32_t peer_id;
	const char *cipher;        /* data channel cipher, e.g. "AES-256-GCM" */
};

struct status_route {
	/* As the routing table keys it: "10.8.0.2", "fd00::1000",
	 * "10.9.0.0/24" (iroute), a MAC address in tap mode. */
	const char *virt;
	bool cached;               /* a host route learned through an iroute:
				    * 2.6 appends "C" */
	const char *common_name;   /* NULL: "UNDEF" */
	const char *real_addr;
	time_t last_ref;
};

struct status_server {
	const char *title;         /* v2/v3 TITLE: the --version title line */
	time_t now;
	const struct status_client *clients;
	size_t n_clients;
	const struct status_route *routes;
	size_t n_routes;
	unsigned max_bcast_mcast_queue_len;
	bool dco_enabled;          /* v2/v3 only; v1 does not print it */
};

/*
 * "10.0.0.2:51717" for IPv4 (a v4-mapped address prints as IPv4) and
 * "2001:db8::2" for IPv6: 2.6 leaves the port out for IPv6 peers, over
 * UDP and TCP alike. Returns buf.
 */
const char *status_real_addr(const struct sockaddr_any *a, char *buf, size_t len);

/*
 * Format into buf (NUL-terminated when len > 0). Returns the full length
 * of the text, like snprintf: a result >= len means buf was too small.
 * -EINVAL for a version other than 1..3.
 */
int status_format(const struct status_server *s, int version, char *buf, size_t len);
/* The whole text in a fresh heap buffer; *len excludes the NUL. */
int status_render(const struct status_server *s, int version, char **text, size_t *len);
/* Write to f. Returns 0, -EINVAL, -ENOMEM or -EIO. */
int status_print(const struct status_server *s, int version, FILE *f);
/*
 * Replace path atomically: write a temporary file next to it (mode 0600,
 * as 2.6 creates the status file), then rename it over path, so a reader
 * sees the old or the new content, never a mix. Returns 0 or -errno
 * (logged). The directory must be writable; 2.6 instead keeps the file
 * open from startup and rewrites it in place.
 */
int status_write_atomic(const char *path, const char *data, size_t len);
/* status_format() then status_write_atomic(). */
int status_write_file(const struct status_server *s, int version, const char *path);

/*
 * Point-to-point mode (the management interface's "status"): the same
 * counters in every version, as 2.6 prints them:
 *   OpenVPN STATISTICS / Updated,<time> / TUN/TAP read bytes,<n> / ...
 *   / Auth read bytes,<n> / END
 */
struct status_p2p {
	time_t now;
	uint64_t tun_read_bytes, tun_write_bytes;
	uint64_t link_read_bytes, link_write_bytes;
	uint64_t auth_read_bytes;   /* payload that passed authentication */
};

/* Like status_format(). */
int status_format_p2p(const struct status_p2p *s, char *buf, size_t len);

#endif
