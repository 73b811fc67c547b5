/*
 * Parsed, validated configuration. The option table (option_table.c) fills
 * a struct options; options_finalize() applies defaults and cross-option
 * checks; after that the rest of the daemon only reads it.
 */
#ifndef OPTIONS_H
#define OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "config.h"

/* Where an option may appear (bit set in the table row). */
enum option_context {
	OPT_CTX_CMDLINE = 1 << 0, /* command line and config files */
	OPT_CTX_CCD = 1 << 1,     /* client-config-dir file */
	OPT_CTX_PUSH = 1 << 2,    /* received in PUSH_REPLY */
};

enum proto {
	PROTO_UDP = 0,      /* udp: dual stack */
	PROTO_UDP4,
	PROTO_UDP6,
	PROTO_TCP_SERVER,   /* tcp-server, and tcp in server mode */
	PROTO_TCP4_SERVER,
	PROTO_TCP6_SERVER,
	PROTO_TCP_CLIENT,   /* tcp-client, and tcp in client/p2p mode */
	PROTO_TCP4_CLIENT,
	PROTO_TCP6_CLIENT,
};

static inline bool proto_is_tcp(enum proto p) { return p >= PROTO_TCP_SERVER; }
static inline bool proto_is_tcp_server(enum proto p)
{
	return p >= PROTO_TCP_SERVER && p <= PROTO_TCP6_SERVER;
}
/* AF_INET, AF_INET6, or AF_UNSPEC for the dual-stack variants. */
int proto_family(enum proto p);
const char *proto_name(enum proto p);

enum topology { TOP_NET30 = 0, TOP_P2P, TOP_SUBNET };

struct remote_entry {
	char *host;
	char *port;       /* NULL: --rport / --port / 1194 */
	bool has_proto;
	enum proto proto;
	bool tcp_role_unset; /* "tcp": client or server decided in options_finalize */
};

struct route_entry {
	char *network;    /* kept as text: may be a name, "vpn_gateway", ... */
	char *netmask;    /* NULL: 255.255.255.255 */
	char *gateway;    /* NULL: default gateway (the tun peer) */
	int metric;       /* -1: none */
};

struct route_ipv6_entry {
	char *network;    /* "2001:db8::/64" */
	char *gateway;    /* NULL: none */
	int metric;       /* -1: none */
};

#define OPT_MAX_REMOTES 64
#define OPT_MAX_ROUTES 256

struct options {
	/* --config files that were read, for messages and SIGHUP re-reads */
	char *config_file;

	/* mode */
	bool mode_server;          /* --mode server */
	bool tls_server, tls_client, client, pull;

	/* logging */
	int verb;                  /* default 1 */
	int mute;
	char *log_file;
	bool log_append;
	char *syslog_ident;        /* --syslog [name]; "openvpn" if no name */
	bool suppress_timestamps;

	/* transport */
	enum proto proto;
	bool proto_set;
	bool proto_tcp_role_unset; /* "--proto tcp": resolved in options_finalize */
	char *local;               /* --local host */
	char *lport;               /* default "1194" */
	char *rport;               /* default "1194" */
	bool bind_local;           /* false with --nobind */
	bool bind_ipv6_only;       /* --bind ipv6only */
	bool bind_set;             /* --bind, --local or --lport: bind even as tcp-client */
	struct remote_entry remotes[OPT_MAX_REMOTES];
	int n_remotes;
	bool remote_random;
	int resolv_retry;          /* seconds, -1 = infinite (the default) */
	int connect_retry;         /* default 1, for TCP too (as 2.6.14 shows) */
	int connect_retry_max_interval; /* default 300 */
	int connect_retry_max;     /* 0 = unlimited */
	int connect_timeout;       /* default 120 */
	bool float_peer;
	int sndbuf, rcvbuf;        /* 0 = system default */
	int mark;

	/* tun */
	char *dev;                 /* "tun", "tun3", ... */
	char *dev_type;            /* "tun"; NULL = derived from dev */
	char *dev_node;
	int tun_mtu;               /* default 1500 */
	int tun_mtu_occ;           /* --tun-mtu n occ-mtu; 0 = same as tun_mtu */
	int txqueuelen;            /* 0 = kernel default */
	enum topology topology;    /* default net30 for p2p, as 2.6 */
	bool topology_set;
	char *ifconfig_local;      /* --ifconfig L R|mask */
	char *ifconfig_remote;
	char *ifconfig_ipv6_local; /* --ifconfig-ipv6 addr/bits remote */
	char *ifconfig_ipv6_remote;
	bool ifconfig_noexec;
	bool persist_tun;
	bool persist_key;
	struct route_entry routes[OPT_MAX_ROUTES];
	int n_routes;
	struct route_ipv6_entry routes_ipv6[OPT_MAX_ROUTES];
	int n_routes_ipv6;
	int route_metric;          /* --route-metric, default 0 */
	char *route_gateway;       /* --route-gateway */
	bool route_noexec;

	/* liveness */
	int ping;                  /* seconds, 0 = off */
	int ping_restart;
	int ping_exit;
	bool ping_timer_remote;
	int keepalive_ping, keepalive_timeout; /* --keepalive a b, 0 = unset */
	int inactive;              /* --inactive n [bytes] */
	int64_t inactive_bytes;
	int explicit_exit_notify;

	/* crypto (cleartext mode only in the foundation) */
	char *cipher;              /* "none" accepted */
	char *auth;                /* "none" accepted */
	char *secret;              /* --secret: rejected for now */

	/* process */
	bool daemon;
	char *daemon_name;
	char *writepid;
	char *user;
	char *group;
	char *cd;
	char *chroot_dir;
	int script_security;       /* default 1 */
	char *up, *down;

	/* informational commands */
	bool show_version;
	bool show_help;

	/* server mode (parsed for later issues) */
	int max_clients;
};

/* Outcome codes for options_parse_*(): 0 ok, -EINVAL on a user error that was
 * already reported with file:line. */
void options_init(struct options *o);
void options_free(struct options *o);

/* Parse argv (argv[0] is the program name). --config files are read here. */
int options_parse_argv(struct options *o, int argc, char **argv);
/* Parse one config file (used by --config and by tests). */
int options_parse_file(struct options *o, const char *path, int depth);
/* Parse config text held in memory; `name` is used in messages. */
int options_parse_string(struct options *o, const char *text, size_t len,
			 const char *name, unsigned int context);

/* Defaults that depend on other options, and cross-option validation.
 * Reports every problem it finds (one line each) and returns -EINVAL if any. */
int options_finalize(struct options *o);

/* --help text to stdout. */
void options_print_help(void);
/* Dump the effective options at D_OPTIONS (--verb 4), as 2.6 does. */
void options_log(const struct options *o);

/*
 * The last error any options_* function reported, as it was logged (without
 * timestamp), and how many errors were reported so far. For tests and for a
 * caller that wants to show the reason again (e.g. on the management port).
 */
const char *options_last_error(void);
unsigned int options_error_count(void);

/* ---- shared by options.c and option_table.c only ------------------------ */

struct option_frame;	/* chain of --config files being read (options.c) */

/* One option occurrence handed to its handler. */
struct option_call {
	const char *file;          /* NULL: the command line */
	int line;
	unsigned int context;      /* the OPT_CTX_* it was found in */
	int depth;                 /* --config nesting depth of `file` */
	const struct option_frame *frame;
	int argc;                  /* argv[0] is the option name, no "--" */
	char **argv;
	bool is_inline;            /* argv[1] came from a <name> block */
};

typedef int (*option_handler)(struct options *o, const struct option_call *c);

#define OPT_F_INLINE 0x1u  /* may be given as an inline <name> block */

struct option_def {
	const char *name;
	const char *synopsis;      /* arguments, for --help */
	unsigned char min_args, max_args;
	unsigned int contexts;     /* OPT_CTX_* bits */
	unsigned int flags;        /* OPT_F_* */
	option_handler handler;
};

#define OPT_MAX_ARGS 255	/* max_args of options taking a free list */
#define OPT_MAX_DEPTH 10	/* --config nesting */

const struct option_def *option_table_lookup(const char *name);
/* Rows in table order; NULL past the end. */
const struct option_def *option_table_row(size_t i);
/* false for rows whose handler only rejects (not yet, Windows, removed). */
bool option_def_supported(const struct option_def *d);
/* Short tag for --help: NULL, "not supported yet", "Windows only", "removed". */
const char *option_def_status(const struct option_def *d);

/* Log "FILE:LINE: option 'x': ..." (or "command line: ...") and remember it
 * as the last error. Returns -EINVAL. */
int options_error(const struct option_call *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same, with only the "FILE:LINE: " prefix. */
int options_error_at(const struct option_call *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Address syntax checks shared by the handlers and options_finalize(). */
bool options_is_ipv4(const char *s);
bool options_is_netmask(const char *s);
/* "addr/bits" (bits 0..128); without need_bits a bare address is fine. */
bool options_is_ipv6_prefix(const char *s, bool need_bits);
/* Read a --config file named by option call `from`. */
int options_include(struct options *o, const char *path,
		    const struct option_call *from);

#endif
