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

#include "cert_opts.h"
#include "comp.h"
#include "mss.h"
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
	/* From a <connection> block: the per-connection settings of that
	 * block (the fields options_conn_fields lists; nothing else is set),
	 * laid over the global ones while this entry is tried. NULL for a
	 * plain --remote. */
	struct options *conn;
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

/* A file argument that may also be given as an inline <name> block. */
struct option_file {
	char *name;                /* path, or the block's text when is_inline */
	bool is_inline;
};

static inline bool option_file_set(const struct option_file *f)
{
	return f->name != NULL;
}

enum tls_version {
	TLS_VER_UNSET = 0,
	TLS_VER_1_0 = 10,
	TLS_VER_1_1 = 11,
	TLS_VER_1_2 = 12,
	TLS_VER_1_3 = 13,
};

/* OpenSSL security levels 0..3 are what 2.6 maps these to. */
enum tls_cert_profile {
	TLS_PROFILE_LEGACY = 0,    /* the 2.6 default */
	TLS_PROFILE_INSECURE,
	TLS_PROFILE_PREFERRED,
	TLS_PROFILE_SUITEB,
};

enum remote_cert_tls { REMOTE_CERT_NONE = 0, REMOTE_CERT_CLIENT, REMOTE_CERT_SERVER };

/* Which certificate a fingerprint list pins: the CA one level above the
 * peer (--verify-hash) or the peer's own (--peer-fingerprint). */
enum cert_fp_mode { CERT_FP_NONE = 0, CERT_FP_VERIFY_HASH, CERT_FP_PEER };

enum verify_x509_type {
	VERIFY_X509_SUBJECT = 0,   /* the whole subject DN, the default */
	VERIFY_X509_NAME,          /* the common name */
	VERIFY_X509_NAME_PREFIX,   /* the common name starts with it */
};

/* secret, tls-auth and tls-crypt all write the same static key. */
enum genkey_type { GENKEY_SECRET = 0, GENKEY_TLS_CRYPT_V2_SERVER, GENKEY_TLS_CRYPT_V2_CLIENT };

enum show_action {
	SHOW_NONE, SHOW_CIPHERS, SHOW_DIGESTS, SHOW_TLS, SHOW_GROUPS, SHOW_ENGINES,
	SHOW_GATEWAY, SHOW_MKTUN, SHOW_RMTUN,
};

#define OPT_MAX_REMOTES 64
#define OPT_MAX_ROUTES 256
#define OPT_MAX_LIST 256	/* entries of each list below (filters, dns, ...) */

/* --pull-filter: the first filter whose text starts the pushed option decides. */
enum pull_filter_action {
	PULL_FILTER_ACCEPT = 0,
	PULL_FILTER_IGNORE,
	PULL_FILTER_REJECT,
};

struct pull_filter {
	enum pull_filter_action action;
	char *text;                /* may be "" (matches every option) */
};

/*
 * An option kept as its words (without the option name), for settings that
 * are only stored now and applied by later work: --dhcp-option, --dns.
 */
struct option_words {
	int argc;
	char **argv;
	bool pushed;               /* came from a PUSH_REPLY */
};

/* --redirect-gateway flags; 0 in options->redirect_gateway means off. */
#define REDIRECT_ENABLE      0x001u	/* the option was given */
#define REDIRECT_LOCAL       0x002u
#define REDIRECT_AUTOLOCAL   0x004u
#define REDIRECT_DEF1        0x008u
#define REDIRECT_BYPASS_DHCP 0x010u
#define REDIRECT_BYPASS_DNS  0x020u
#define REDIRECT_BLOCK_LOCAL 0x040u
#define REDIRECT_IPV6        0x080u	/* "ipv6": IPv6 default route too */
#define REDIRECT_NOT_IPV4    0x100u	/* "!ipv4": leave the IPv4 default route */

struct options {
	/* --config files that were read, for messages and SIGHUP re-reads */
	char *config_file;

	/* mode: options_finalize() turns --client into pull + tls_client */
	bool mode_server;          /* --mode server */
	bool tls_server, tls_client, client, pull;

	/* client mode: what to take from the server's PUSH_REPLY */
	bool route_nopull;
	struct pull_filter *pull_filters;  /* in the order given */
	int n_pull_filters;

	/* --ignore-unknown-option words, every list given */
	struct option_words *ignore_unknown;
	int n_ignore_unknown;

	/* logging */
	int verb;                  /* default 1 */
	int mute;
	char *log_file;
	bool log_append;
	char *syslog_ident;        /* --syslog [name]; "openvpn" if no name */
	bool suppress_timestamps;
	bool errors_to_stderr;

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
	bool remote_random_hostname; /* a random label before each host name */
	int server_poll_timeout;   /* seconds, 0: --connect-timeout decides */
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
	int mssfix;                /* --mssfix max; 0 = off, -1 = default (1492 mtu
				    * with tun-mtu 1500, else tun-mtu fixed) */
	enum mss_mode mssfix_mode;
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
	unsigned int redirect_gateway; /* REDIRECT_* bits, 0: not given */
	struct option_words *dhcp_options; /* --dhcp-option TYPE [value] */
	int n_dhcp_options;
	struct option_words *dns;  /* --dns words, e.g. "server" "1" "address" ... */
	int n_dns;

	/* liveness */
	int ping;                  /* seconds, 0 = off */
	int ping_restart;
	int ping_exit;
	bool ping_timer_remote;
	int keepalive_ping, keepalive_timeout; /* --keepalive a b, 0 = unset */
	int inactive;              /* --inactive n [bytes] */
	int64_t inactive_bytes;
	int explicit_exit_notify;

	/* data channel */
	char *cipher;              /* canonical name; default BF-CBC, which 2.6
				    * only uses in the OCC string */
	bool cipher_set;           /* --cipher given: in P2P also the fallback */
	char *auth;                /* canonical digest name or "none"; default SHA1 */
	char *data_ciphers;        /* ':'-list of canonical names, unavailable
				    * "?name" entries already dropped */
	char *data_ciphers_fallback;
	char *secret;              /* --secret: rejected for now */
	int replay_window;         /* default 64 packets */
	int replay_time;           /* default 15 s */
	bool mute_replay_warnings;
	int64_t reneg_bytes;       /* -1: unset (crypto picks 64 MB for 64-bit
				    * block ciphers), 0: off */
	int64_t reneg_pkts;        /* 0: off */
	enum comp_alg comp;        /* --compress / --comp-lzo, configured or
				    * pushed; the last one given wins */
	bool comp_migrate;         /* --compress migrate (comp stays NONE) */
	bool comp_set;             /* --compress / --comp-lzo given (ccd: per client) */
	enum comp_allow allow_compression; /* after finalize: 2.6's default
				    * (asym with any compression option, else no) */
	bool allow_compression_set;

	/* settings only a server sends (PUSH_REPLY) */
	bool cipher_pushed;        /* cipher came from the PUSH_REPLY */
	int push_peer_id;          /* peer-id N, -1: none (DATA_V1) */
	bool key_derivation_ekm;   /* key-derivation tls-ekm */
	bool protocol_flags_cc_exit;       /* protocol-flags cc-exit */
	bool protocol_flags_tls_ekm;       /* protocol-flags tls-ekm */
	bool protocol_flags_dyn_tls_crypt; /* protocol-flags dyn-tls-crypt */
	char *auth_token;          /* auth-token: secret, wiped on free */

	/* TLS control channel */
	struct option_file ca, cert, key, dh, extra_certs;
	struct option_file pkcs12;  /* certificate, key and CAs in one file */
	bool dh_none;              /* --dh none: ECDHE only */
	char *capath;
	struct option_file tls_auth, tls_crypt;
	struct option_file tls_crypt_v2;   /* server key (server) or client key (client) */
	bool tls_crypt_v2_force_cookie;    /* server: refuse clients without early negotiation */
	char *tls_crypt_v2_verify;         /* --tls-crypt-v2-verify command */
	int tls_auth_dir;          /* -1 bidirectional; after finalize this is
				    * the effective one (--key-direction too) */
	int key_direction;         /* --key-direction, -1 unset */
	enum tls_version tls_version_min; /* default 1.2 */
	bool tls_version_min_or_highest;
	enum tls_version tls_version_max; /* TLS_VER_UNSET: library maximum */
	char *tls_cipher;          /* TLS <= 1.2 list; NULL: 2.6 default */
	char *tls_ciphersuites;    /* TLS 1.3 list; NULL: library default */
	char *tls_groups;
	enum tls_cert_profile tls_cert_profile;
	enum remote_cert_tls remote_cert_tls;
	char *verify_x509_name;
	enum verify_x509_type verify_x509_type;
	bool remote_cert_ku_set;   /* --remote-cert-ku, maybe without values */
	int n_remote_cert_ku;      /* 0: the extension must only be present */
	uint16_t remote_cert_ku[CERT_KU_MAX];
	char *remote_cert_eku;     /* OID or name, resolved by ssl_verify.c */
	char *ecdh_curve;
	enum cert_fp_mode fp_mode; /* --verify-hash or --peer-fingerprint */
	size_t fp_len;             /* 20 (SHA1) or 32 (SHA256) */
	int n_fp;
	uint8_t fp[CERT_FP_MAX][CERT_FP_SHA256_LEN];
	int n_username_fields;     /* 0: the common name */
	char username_fields[CERT_FIELDS_MAX][CERT_FIELD_LEN];
	int n_track;               /* --x509-track, in the order given */
	char track[CERT_TRACK_MAX][CERT_FIELD_LEN];
	bool track_chain[CERT_TRACK_MAX]; /* "+": the whole chain */
	struct option_file crl_verify;
	struct option_file auth_user_pass; /* client: username and password lines */
	bool auth_nocache;         /* read credentials for each use, then wipe */
	enum { AUTH_RETRY_NONE = 0, AUTH_RETRY_NOINTERACT, AUTH_RETRY_INTERACT }
		auth_retry;
	bool push_peer_info;       /* IV_HWADDR, IV_SSL and UV_* in peer-info */
	struct option_file askpass; /* private key password file */
	bool crl_verify_dir;       /* "dir": files named by revoked serials */
	int tls_timeout;           /* default 2 s */
	int hand_window;           /* default 60 s */
	int tran_window;           /* default 3600 s */
	int reneg_sec;             /* default 3600 s */
	int reneg_sec_min;         /* -1: not given (2.6 derives it per role) */
	bool tls_exit;
	bool single_session;
	int max_packet_size;       /* control packets, 154..2048, default 1250 */

	/* --genkey: the main code writes the key and exits */
	bool genkey;
	enum genkey_type genkey_type;
	char *genkey_file;         /* NULL: stdout */
	char *genkey_metadata;     /* tls-crypt-v2-client: base64 user metadata */

	/* process */
	bool daemon;
	char *daemon_name;
	char *writepid;
	char *user;
	char *group;
	char *cd;
	char *chroot_dir;
	bool nice_set;             /* --nice n after initialization */
	int nice;
	bool mlock;
	/* scripts (script.c runs them; commands are kept as written) */
	int script_security;       /* default 1 */
	char *up, *down;
	char *route_up, *route_pre_down, *ipchange;
	bool down_pre, up_restart;
	char *tmp_dir;             /* NULL: $TMPDIR or /tmp */
	struct option_words *setenv_list; /* --setenv name [value]; --setenv-safe
				    * names already carry the OPENVPN_ prefix */
	int n_setenv;
	char *tls_verify;
	char *learn_address, *client_connect, *client_disconnect;
	char *auth_user_pass_verify;
	bool auth_user_pass_verify_via_file; /* false: via-env */

	/* informational commands */
	bool show_version;
	bool show_help;
	int remap_usr1;            /* --remap-usr1: 0, SIGHUP or SIGTERM */
	enum show_action show;     /* --show-ciphers, --mktun, ...: show.c */
	char *show_gateway_target; /* --show-gateway IPv6-target */

	/* data channel offload (dco.c) */
	bool disable_dco;
	bool require_dco;          /* refuse to start without offload */
	bool dco_check;            /* --dco-check: report and exit */

	/* server mode (option_server.c parses and expands these) */
	int max_clients;           /* default 1024 */
	int max_routes_per_client; /* addresses + iroutes learned, default 256 */
	int mtu_disc;              /* LINK_PMTUDISC_* of socket.h; 0: kernel default */
	bool server_set;           /* --server NET MASK [nopool] */
	struct in_addr server_net, server_mask;
	bool server_nopool;
	bool server_ipv6_set;      /* --server-ipv6 ADDR/BITS */
	struct in6_addr server_ipv6;
	int server_ipv6_bits;
	bool pool_set;             /* --ifconfig-pool START END [MASK] */
	struct in_addr pool_start, pool_end, pool_netmask;
	bool pool_ipv6_set;        /* --ifconfig-ipv6-pool ADDR/BITS */
	struct in6_addr pool_ipv6;
	int pool_ipv6_bits;
	char *pool_persist_file;   /* --ifconfig-pool-persist FILE [secs] */
	int pool_persist_secs;     /* default 600, 0: only at exit */
	struct option_words *push; /* --push "opt": argv[0] is the option */
	int n_push;
	bool push_reset;           /* ccd: forget the inherited --push list */
	struct option_words *push_remove;
	int n_push_remove;
	bool client_to_client, duplicate_cn, ccd_exclusive;
	/* --verify-client-cert: what a server asks of its clients' certificates */
	enum { VERIFY_CLIENT_REQUIRE = 0, VERIFY_CLIENT_OPTIONAL, VERIFY_CLIENT_NONE }
		verify_client_cert;
	bool username_as_cn;        /* --username-as-common-name */
	bool tcp_nodelay;           /* --tcp-nodelay: pushed as socket-flags */
	char *client_config_dir;
	int connect_freq_n, connect_freq_secs;   /* 0: unlimited */
	int connect_freq_initial_n, connect_freq_initial_secs; /* default 100 per 10 s */
	/* --management (management.c) */
	char *mgmt_addr;           /* IP address, or the unix socket path */
	char *mgmt_port;           /* NULL: a unix socket */
	char *mgmt_pw_file;
	char *mgmt_client_user, *mgmt_client_group;
	bool mgmt_hold, mgmt_signal;
	int mgmt_log_cache;        /* default 250 */
	char *status_file;         /* --status FILE [secs] */
	int status_secs;           /* default 60 */
	int status_version;        /* default 1 */
	/* client-config-dir files (and --ifconfig-push on the command line) */
	bool ifconfig_push_set;
	struct in_addr ifconfig_push_local, ifconfig_push_remote;
	bool ifconfig_ipv6_push_set;
	struct in6_addr ifconfig_ipv6_push;
	int ifconfig_ipv6_push_bits;
	struct option_words *iroutes;        /* network [netmask] */
	int n_iroutes;
	struct option_words *iroutes_ipv6;   /* addr/bits */
	int n_iroutes_ipv6;
	bool ccd_disable;          /* ccd: 'disable' */
};

/* Outcome codes for options_parse_*(): 0 ok, -EINVAL on a user error that was
 * already reported with file:line. */
void options_init(struct options *o);
void options_free(struct options *o);

/*
 * Deep copy: every string, file name, inline block and list of src gets its
 * own copy in dst, so either can be changed or freed without the other.
 * dst need not be initialised and is overwritten. Returns 0 or -ENOMEM (dst
 * then holds nothing that needs freeing). Free dst with options_free().
 */
int options_copy(struct options *dst, const struct options *src);

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

/* Name used as the "file" of pushed options in messages, as 2.6 does. */
#define OPTIONS_PUSH_NAME "[PUSH-OPTIONS]"

/*
 * Apply one option of a PUSH_REPLY (a config line without newline) to o, in
 * push context. `index` numbers the option in the reply for messages
 * ("[PUSH-OPTIONS]:5: ..."). Problems are reported at warning level, not
 * as fatal errors: the caller skips the option and goes on, as 2.6 does.
 * Returns 0 when applied, OPT_IGNORED when accepted without effect (blank,
 * Windows only, ...), -EINVAL when refused (reported), -ENOMEM.
 */
int options_parse_pushed(struct options *o, const char *line, int index);

/*
 * After all pushed options are in: check that they make a usable whole
 * (addresses fit the pushed topology, no compression 2.6 would refuse).
 * Reports each problem; returns 0 or -EINVAL.
 */
int options_check_pushed(const struct options *o);

/* True when the options ask for a TLS control channel. */
static inline bool options_tls_mode(const struct options *o)
{
	return o->tls_server || o->tls_client;
}

/*
 * What the options layer knows about data-channel cipher and digest names:
 * enough to validate names (case-insensitively, as 2.6) and to write the OCC
 * options string the way 2.6 does. crypto.c owns the real algorithms.
 */
struct option_cipher {
	const char *name;          /* canonical spelling, as 2.6 prints it */
	unsigned short key_bits;
	unsigned char iv_len;
	unsigned char block_size;
	bool aead;
	bool data_channel;         /* false: known to 2.6 (BF-CBC, the --cipher
				    * default) but not usable for data */
};

/* NULL if unknown; "none" is not a cipher here. */
const struct option_cipher *options_cipher_find(const char *name);
/* Canonical digest name ("SHA256") and its size; NULL if unknown. */
const char *options_digest_find(const char *name, int *size);

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

/* Returns 0, OPT_IGNORED (accepted, nothing to do here) or -errno. */
typedef int (*option_handler)(struct options *o, const struct option_call *c);
#define OPT_IGNORED 1

#define OPT_F_INLINE 0x1u  /* may be given as an inline <name> block */
/* A pushed copy is dropped under --route-nopull: routes and DNS, as 2.6. */
#define OPT_F_ROUTE 0x2u
/* Accepted when pushed; in config files "not supported yet". */
#define OPT_F_PUSH_ONLY_YET 0x4u

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

/* Argument helpers of the table, for handlers kept in other files
 * (option_server.c). Same contracts as the table's own. */
int options_arg_int(const struct option_call *c, int i, long long min, long long max,
		    int *out);
int options_words_add(const struct option_call *c, struct option_words **list, int *n);
int options_set_str(const struct option_call *c, char **dst, const char *val);
/* A problem found by a finalize step: logged, counted, remembered. */
int options_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Server-mode option handlers (option_server.c) and their finalize step:
 * --server/--server-ipv6 expand into what 2.6 derives from them. */
int opt_server(struct options *o, const struct option_call *c);
int opt_server_ipv6(struct options *o, const struct option_call *c);
int opt_ifconfig_pool(struct options *o, const struct option_call *c);
int opt_ifconfig_ipv6_pool(struct options *o, const struct option_call *c);
int opt_ifconfig_pool_persist(struct options *o, const struct option_call *c);
int opt_push(struct options *o, const struct option_call *c);
int opt_push_reset(struct options *o, const struct option_call *c);
int opt_push_remove(struct options *o, const struct option_call *c);
int opt_server_flag(struct options *o, const struct option_call *c);
int opt_client_config_dir(struct options *o, const struct option_call *c);
int opt_connect_freq(struct options *o, const struct option_call *c);
int opt_verify_client_cert(struct options *o, const struct option_call *c);
int opt_max_routes_per_client(struct options *o, const struct option_call *c);
int opt_status(struct options *o, const struct option_call *c);
int opt_management(struct options *o, const struct option_call *c);
int opt_management_client_ug(struct options *o, const struct option_call *c);
int opt_management_flag(struct options *o, const struct option_call *c);
int opt_management_log_cache(struct options *o, const struct option_call *c);
int options_finalize_management(const struct options *o);
int opt_status_version(struct options *o, const struct option_call *c);
int opt_ifconfig_push(struct options *o, const struct option_call *c);
int opt_ifconfig_ipv6_push(struct options *o, const struct option_call *c);
int opt_iroute(struct options *o, const struct option_call *c);
int opt_iroute_ipv6(struct options *o, const struct option_call *c);
int options_finalize_server(struct options *o);

/* Log "FILE:LINE: option 'x': ..." (or "command line: ...") and remember it
 * as the last error. Returns -EINVAL. */
int options_error(const struct option_call *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same, with only the "FILE:LINE: " prefix. */
int options_error_at(const struct option_call *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A line about an accepted option, with its location (always logged). */
void options_note(const struct option_call *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Address syntax checks shared by the handlers and options_finalize(). */
bool options_is_ipv4(const char *s);
bool options_is_netmask(const char *s);
/* "addr/bits" (bits 0..128); without need_bits a bare address is fine. */
bool options_is_ipv6_prefix(const char *s, bool need_bits);
/* The option's name is in an --ignore-unknown-option list. */
bool options_ignore_listed(const struct options *o, const char *name);
/* Warn that optional option c (d: its row, NULL if unknown) is skipped,
 * and why it may be; returns OPT_IGNORED. */
int options_skip_optional(const struct option_call *c, const struct option_def *d,
			  const char *why);
/*
 * The text of inline block c (c->argv[1]) as config lines of c's file,
 * numbered from the line after the block's tag. check() sees each line
 * first and refuses it by reporting and returning -EINVAL.
 */
int options_parse_block(struct options *o, const struct option_call *c,
			int (*check)(const struct option_call *line));
/* <connection> (option_conn.c): the block's row handler, laying its
 * settings over a copy of the options, and the finalize step for them. */
int opt_connection(struct options *o, const struct option_call *c);
int options_conn_apply(struct options *dst, const struct remote_entry *r);
int options_finalize_conn(struct options *o);
/* Read a --config file named by option call `from`. */
int options_include(struct options *o, const char *path,
		    const struct option_call *from);

#endif
