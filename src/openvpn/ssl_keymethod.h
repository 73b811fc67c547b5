/*
 * Key method 2: the first TLS plaintext each side sends on a key state, the
 * OCC options string it carries and the peer-info text with the IV_
 * variables (wire protocol §5, §10.1). Pure formatting and parsing: no TLS,
 * no randomness, no state; ssl.c fills in the randoms and acts on results.
 */
#ifndef SSL_KEYMETHOD_H
#define SSL_KEYMETHOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct options;
struct option_file;

#define KEYMETHOD_PRE_MASTER_LEN 48
#define KEYMETHOD_RANDOM_LEN 32
/* Options string, NUL included: 2.6 fails the handshake above this. */
#define KEYMETHOD_OPTIONS_MAX 512
/* Whole message: 2.6 reads it with one call into a buffer of this size.
 * It also bounds username and password, which 2.6 (PKCS#11 builds such as
 * Debian's) would only refuse above 4096 bytes. */
#define KEYMETHOD_MSG_MAX 2048
/* IV_CIPHERS we keep from a peer; 2.6 limits its own list to 127. */
#define KEYMETHOD_CIPHERS_MAX 255

/* IV_PROTO bits (§10.1). */
#define IV_PROTO_DATA_V2 (1u << 1)
#define IV_PROTO_REQUEST_PUSH (1u << 2)
#define IV_PROTO_TLS_KEY_EXPORT (1u << 3)
#define IV_PROTO_AUTH_PENDING_KW (1u << 4)
#define IV_PROTO_NCP_P2P (1u << 5)
#define IV_PROTO_DNS_OPTION (1u << 6)
#define IV_PROTO_CC_EXIT_NOTIFY (1u << 7)
#define IV_PROTO_AUTH_FAIL_TEMP (1u << 8)
#define IV_PROTO_DYN_TLS_CRYPT (1u << 9)

/*
 * What we announce. A 2.6 peer enables a feature when our bit is set, so a
 * bit may only be here once the daemon implements the feature:
 * P2P: DATA_V2 + exporter keys + P2P NCP (= 42, the minimal set of §12.1).
 * Client: DATA_V2 + exporter keys + unrequested PUSH_REPLY accepted.
 * CC_EXIT_NOTIFY joins both once ssl.c handles the "EXIT" control message
 * (and sends it instead of the OCC exit when the peer has the bit too).
 */
#define KEYMETHOD_IV_PROTO_P2P \
	(IV_PROTO_DATA_V2 | IV_PROTO_TLS_KEY_EXPORT | IV_PROTO_NCP_P2P)
#define KEYMETHOD_IV_PROTO_CLIENT \
	(IV_PROTO_DATA_V2 | IV_PROTO_REQUEST_PUSH | IV_PROTO_TLS_KEY_EXPORT)

/*
 * One key method 2 message. After keymethod_parse() the string pointers
 * point into the parsed bytes (each is NUL-terminated there) and live as
 * long as they do; "" stands for an empty field. The password may be in
 * there: the caller wipes the plaintext when done.
 */
struct keymethod_msg {
	bool from_client;          /* sent by the TLS client: has pre_master */
	uint8_t flags;             /* upper 4 bits of the method byte, reserved */
	uint8_t pre_master[KEYMETHOD_PRE_MASTER_LEN];
	uint8_t random1[KEYMETHOD_RANDOM_LEN];
	uint8_t random2[KEYMETHOD_RANDOM_LEN];
	const char *options;       /* OCC options string */
	const char *username;      /* client only; NULL or "" when none */
	const char *password;
	const char *peer_info;     /* NULL: absent (the message ended early) */
};

/*
 * Append the message to `out`, all or nothing. NULL strings are sent empty,
 * except a NULL peer_info, which is left out. Returns 0, -EMSGSIZE if the
 * options string or the whole message is over its limit, -ENOBUFS if `out`
 * lacks room.
 */
int keymethod_build(const struct keymethod_msg *m, struct buf *out);

/*
 * Parse a message sent by the TLS client (from_client) or server. Never
 * reads outside data[0..len). Returns 0, -EMSGSIZE (message or options
 * string over its limit) or -EBADMSG (anything malformed); `err` then says
 * what, in one line without a trailing period.
 */
int keymethod_parse(const uint8_t *data, size_t len, bool from_client,
		    struct keymethod_msg *m, char *err, size_t errlen);

/*
 * The OCC options string 2.6 would send for these options, e.g.
 * "V4,dev-type tun,link-mtu 1541,tun-mtu 1500,proto UDPv4,cipher BF-CBC,
 * auth SHA1,keysize 128,key-method 2,tls-client". Needs finalized options.
 * Returns 0 or -ENOSPC.
 */
/*
 * --auth-user-pass: username on the first line, password on the second, from
 * a file or an inline block. Errors are logged. 0, -EINVAL (missing or
 * over-long lines) or -errno from reading the file.
 */
int keymethod_read_credentials(const struct option_file *f, char *user, size_t ulen,
			       char *pass, size_t plen);
/* --askpass: the first line of the file is the private key password.
 * Returns 0 or -errno (reported); the caller wipes pass after use. */
int keymethod_read_password(const struct option_file *f, char *pass, size_t plen);

int keymethod_options_string(const struct options *o, char *out, size_t len);

/* What our peer-info says (§5.4). */
struct keymethod_peer_info_cfg {
	bool omit;                 /* server mode: 2.6 sends an empty string */
	bool pull;                 /* client mode: the full set of variables */
	const char *version;       /* IV_VER */
	const char *ciphers;       /* IV_CIPHERS: our --data-ciphers */
	unsigned int iv_proto;
	int mtu;                   /* IV_MTU: largest tun MTU a push may set */
	bool comp_stubs;           /* IV_LZO_STUB, IV_COMP_STUB, IV_COMP_STUBv2 */
	bool comp_lz4;             /* IV_LZ4, IV_LZ4v2 (--allow-compression not no) */
	/* --push-peer-info: IV_SSL and IV_PLAT_VER (NULL: not sent), and the
	 * UV_* variables of --setenv */
	const char *ssl_version;   /* no spaces: 2.6 writes '_' for them */
	const char *plat_version;
	const struct option_words *setenv_list;
	int n_setenv;
};

/* Our defaults for the role the options describe. */
void keymethod_peer_info_defaults(const struct options *o,
				  struct keymethod_peer_info_cfg *c);
/* "IV_CIPHERS=...\nIV_PROTO=42\n" and so on. Returns 0 or -ENOSPC. */
int keymethod_peer_info_build(const struct keymethod_peer_info_cfg *c,
			      char *out, size_t len);

/* The peer's peer-info, as far as we use it. */
struct keymethod_peer_info {
	unsigned int iv_proto;     /* 0 when absent or not a number */
	bool has_ciphers;
	char ciphers[KEYMETHOD_CIPHERS_MAX + 1]; /* whole entries only */
	int ncp;                   /* IV_NCP */
	int mtu;                   /* IV_MTU */
	bool tcpnl;
	char version[32];          /* IV_VER */
	char platform[32];         /* IV_PLAT */
	bool lzo_stub, comp_stub, comp_stubv2, lzo, lz4, lz4v2;
};

/*
 * Lines of NAME=value. Junk lines are skipped, the first occurrence of a
 * name counts (2.6 looks for the first one too), the last line needs no
 * newline, over-long values are cut to what fits. NULL is an empty text.
 */
void keymethod_peer_info_parse(const char *text, struct keymethod_peer_info *pi);

/* Log each line as "peer info: LINE" at M_INFO, as 2.6 does, with
 * non-printable bytes replaced: the text comes from the network. */
void keymethod_peer_info_log(const char *text);

#endif
