/*
 * Data channel offload: availability, the option compatibility table, the
 * startup decision and --dco-check. The kernel conversation itself is in
 * the backend (dco_linux.c).
 *
 * Unlike OpenVPN 2.6, which stops at the first incompatible option, the
 * check lists every blocker, each with the change that would remove it, so
 * that one edit-and-retry round is enough.
 */
#include "dco.h"
#include "process.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buildconf.h"
#include "compat.h"
#include "crypto.h"
#include "log.h"

/* ---- names ------------------------------------------------------------------ */

static const struct {
	const char *name;
	enum dco_cipher alg;
} dco_ciphers[] = {
	{ "AES-128-GCM", DCO_CIPHER_AES_GCM },
	{ "AES-192-GCM", DCO_CIPHER_AES_GCM },
	{ "AES-256-GCM", DCO_CIPHER_AES_GCM },
	{ "CHACHA20-POLY1305", DCO_CIPHER_CHACHA20_POLY1305 },
};

#define DCO_CIPHER_LIST "AES-128-GCM, AES-192-GCM, AES-256-GCM, CHACHA20-POLY1305"

enum dco_cipher dco_cipher_from_name(const char *name)
{
	size_t i;

	for (i = 0; name && i < ARRAY_SIZE(dco_ciphers); i++)
		if (strcasecmp(name, dco_ciphers[i].name) == 0)
			return dco_ciphers[i].alg;
	return DCO_CIPHER_NONE;
}

const char *dco_del_reason_str(enum dco_del_reason r)
{
	switch (r) {
	case DCO_DEL_TEARDOWN: return "teardown";
	case DCO_DEL_USERSPACE: return "deleted by userspace";
	case DCO_DEL_EXPIRED: return "keepalive expired";
	case DCO_DEL_TRANSPORT_ERROR: return "transport error";
	case DCO_DEL_TRANSPORT_DISCONNECT: return "transport disconnected";
	}
	return "unknown reason";
}

/* ---- the compatibility table -------------------------------------------------- */

struct blockers {
	struct dco_blocker *out;
	size_t max, n;
};

static void add(struct blockers *bl, const char *option, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(struct blockers *bl, const char *option, const char *fix, const char *fmt, ...)
{
	va_list ap;

	if (bl->n < bl->max) {
		struct dco_blocker *b = &bl->out[bl->n];

		b->option = option;
		va_start(ap, fmt);
		vsnprintf(b->reason, sizeof(b->reason), fmt, ap);
		va_end(ap);
		snprintf(b->fix, sizeof(b->fix), "%s", fix);
	}
	bl->n++;
}

/* "tun", "tap" or "null", from --dev-type or the --dev name. */
static const char *dev_kind(const struct options *o)
{
	const char *d = o->dev_type ? o->dev_type : o->dev;

	if (!d)
		return NULL;
	if (strncmp(d, "tap", 3) == 0)
		return "tap";
	if (strncmp(d, "null", 4) == 0)
		return "null";
	return "tun";
}

static void check_dev(const struct options *o, struct blockers *bl)
{
	const char *k = dev_kind(o);

	if (!k)
		add(bl, "--dev", "add '--dev tun'", "no --dev given: there is no interface to offload to");
	else if (strcmp(k, "tun") != 0)
		add(bl, "--dev", "use '--dev tun'",
		    "the module carries layer 3 (tun) only, '%s' is a %s device", o->dev, k);
}

static void check_secret(const struct options *o, struct blockers *bl)
{
	if (o->secret)
		add(bl, "--secret", "use TLS (--tls-server / --tls-client with certificates)",
		    "static key mode: the module needs keys from a TLS session");
}

static void check_tls(const struct options *o, struct blockers *bl)
{
	if (!options_tls_mode(o) && !o->pull && !o->secret)
		add(bl, "--tls-client/--tls-server",
		    "add TLS: '--tls-server' on one side, '--tls-client' on the other",
		    "no TLS (cleartext tunnel): the module only carries AEAD-encrypted packets");
}

/* Every entry of the list that the module cannot run, one blocker each. */
static void check_data_ciphers(const struct options *o, struct blockers *bl)
{
	const char *p = o->data_ciphers;

	while (p && *p) {
		size_t len = strcspn(p, ":");
		char name[64], fix[160];

		if (len > 0 && len < sizeof(name)) {
			memcpy(name, p, len);
			name[len] = '\0';
			if (dco_cipher_from_name(name) == DCO_CIPHER_NONE) {
				snprintf(fix, sizeof(fix), "remove %s from --data-ciphers", name);
				add(bl, "--data-ciphers", fix,
				    "cipher '%s' is not supported by ovpn-dco (only " DCO_CIPHER_LIST ")",
				    name);
			}
		}
		p += len;
		if (*p == ':')
			p++;
	}
}

static void check_fallback(const struct options *o, struct blockers *bl)
{
	const char *c = o->data_ciphers_fallback;

	if (c && dco_cipher_from_name(c) == DCO_CIPHER_NONE)
		add(bl, "--data-ciphers-fallback",
		    "remove it or name an AEAD cipher (" DCO_CIPHER_LIST ")",
		    "fallback cipher '%s' is not supported by ovpn-dco", c);
}

static void check_compress(const struct options *o, struct blockers *bl)
{
	if (o->comp != COMP_ALG_NONE)
		add(bl, "--compress/--comp-lzo",
		    "remove it, or use '--compress migrate' to move away from compression",
		    "compression framing '%s' is not supported by ovpn-dco", comp_alg_name(o->comp));
}

static void check_allow_compression(const struct options *o, struct blockers *bl)
{
	if (o->allow_compression_set && o->allow_compression != COMP_ALLOW_NO)
		add(bl, "--allow-compression", "use '--allow-compression no'",
		    "'--allow-compression %s' admits compressed packets, which ovpn-dco cannot "
		    "handle", comp_allow_name(o->allow_compression));
}

static void check_topology(const struct options *o, struct blockers *bl)
{
	if (o->mode_server && o->topology != TOP_SUBNET)
		add(bl, "--topology", "add '--topology subnet'",
		    "server mode needs topology subnet: the module finds a client by its VPN "
		    "address");
}

/* After --user the daemon keeps CAP_NET_ADMIN (process.c), as 2.6 does;
 * that works only if the capability is in our permitted set now. */
static void check_user(const struct options *o, struct blockers *bl)
{
	if (o->user && !process_net_admin_permitted())
		add(bl, "--user", "start the daemon as root (or with CAP_NET_ADMIN permitted), "
		    "or remove --user",
		    "after switching to user '%s' the daemon must keep CAP_NET_ADMIN to install "
		    "keys, but this process is not permitted to hold it", o->user);
}

/* --inactive counts tunnel bytes on the userspace path, which sees none. */
static void check_inactive(const struct options *o, struct blockers *bl)
{
	if (o->inactive > 0)
		add(bl, "--inactive", "remove --inactive",
		    "this version measures --inactive on its own data path, which sees no "
		    "packets with DCO");
}

struct dco_rule {
	const char *option;
	const char *served;      /* what DCO does with it when it is fine */
	void (*check)(const struct options *o, struct blockers *bl);
};

static const struct dco_rule dco_rules[] = {
	{ "--dev", "layer 3 tun device: an ovpn-dco interface takes its place", check_dev },
	{ "--secret", "not used", check_secret },
	{ "--tls-client/--tls-server", "TLS session: keys are handed to the module", check_tls },
	{ "--data-ciphers", "every cipher is one the module runs", check_data_ciphers },
	{ "--data-ciphers-fallback", "none, or an AEAD cipher", check_fallback },
	{ "--compress/--comp-lzo", "no compression framing", check_compress },
	{ "--allow-compression", "no compressed packets admitted", check_allow_compression },
	{ "--topology", "fine for this mode (servers need subnet)", check_topology },
	{ "--user", "not used", check_user },
	{ "--inactive", "not used", check_inactive },
};

size_t dco_check_options(const struct options *o, struct dco_blocker *out, size_t max)
{
	struct blockers bl = { .out = out, .max = out ? max : 0 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dco_rules); i++)
		dco_rules[i].check(o, &bl);
	return bl.n;
}

/* ---- availability and the decision ----------------------------------------------- */

void dco_probe(struct dco_probe *p)
{
	dco_backend_probe(p);
}

#define DCO_MISSING_NOTE "Note: Kernel support for ovpn-dco missing, disabling data channel offload."

static void log_probe(const struct dco_probe *p, int level)
{
	switch (p->avail) {
	case DCO_AVAILABLE:
		return;
	case DCO_NOT_BUILT:
		msg(level, "DCO: this build has no offload support (configure --disable-dco or "
		    "libnl-genl-3 missing)");
		return;
	case DCO_OTHER_GENERATION:
		msg(level, "DCO: found %s, but this daemon needs %s", p->found, p->needed);
		break;
	case DCO_MISSING:
		msg(level, "DCO: found %s; needed: %s", p->found, p->needed);
		break;
	case DCO_PROBE_FAILED:
		msg(level, "DCO: cannot check for the kernel module: %s", p->found);
		break;
	}
	msg(level, DCO_MISSING_NOTE);
}

bool dco_decide(const struct options *o, bool *fatal)
{
	struct dco_blocker b[DCO_MAX_BLOCKERS];
	struct dco_probe p;
	int level = o->require_dco ? M_ERR : D_NORMAL;
	size_t n, i;

	*fatal = false;
	if (o->disable_dco) {
		msg(D_NORMAL, "DCO: disabled by --disable-dco, the daemon carries the data channel");
		return false;
	}
	n = dco_check_options(o, b, ARRAY_SIZE(b));
	for (i = 0; i < n && i < ARRAY_SIZE(b); i++)
		msg(level, "Note: %s disables data channel offload: %s; to use DCO: %s",
		    b[i].option, b[i].reason, b[i].fix);
	/* the module is only worth asking about when the options allow it */
	if (n == 0) {
		dco_probe(&p);
		log_probe(&p, level);
		if (p.avail == DCO_AVAILABLE)
			return true;
	}
	if (o->require_dco) {
		msg(M_ERR, "--require-dco: data channel offload cannot be used, refusing to start");
		*fatal = true;
	}
	return false;
}

/* ---- --dco-check -------------------------------------------------------------------- */

struct dco_note {
	const char *option;
	bool (*applies)(const struct options *o);
	const char *text;
};

static bool has_tcp(const struct options *o) { return proto_is_tcp(o->proto); }
static bool has_persist_tun(const struct options *o) { return o->persist_tun; }
static bool has_ping(const struct options *o)
{
	return o->ping > 0 || o->ping_restart > 0 || o->ping_exit > 0;
}
static bool has_dev_node(const struct options *o) { return o->dev_node != NULL; }
static bool has_reneg_count(const struct options *o)
{
	return o->reneg_bytes > 0 || o->reneg_pkts > 0;
}
static bool has_exit_notify(const struct options *o) { return o->explicit_exit_notify > 0; }
static bool has_float(const struct options *o) { return o->float_peer; }
static bool has_c2c(const struct options *o) { return o->mode_server && o->client_to_client; }
static bool is_server(const struct options *o) { return o->mode_server; }
static bool is_p2p_tls(const struct options *o)
{
	return !o->mode_server && (options_tls_mode(o) || o->pull);
}

/* Options DCO serves differently: not blockers, but worth knowing. */
static const struct dco_note dco_notes[] = {
	{ "--proto tcp", has_tcp, "served: the module takes over the connected TCP socket" },
	{ "--persist-tun", has_persist_tun, "served: the ovpn-dco interface is kept across restarts" },
	{ "--ping/--ping-restart", has_ping,
	  "served: the module sends the pings and reports an expired peer" },
	{ "--dev-node", has_dev_node, "ignored: an ovpn-dco interface has no device node" },
	{ "--reneg-bytes/--reneg-pkts", has_reneg_count,
	  "not enforced: the daemon sees no data packets, only --reneg-sec renegotiates" },
	{ "--explicit-exit-notify", has_exit_notify,
	  "the exit notification is a data packet: not sent while the module owns the data "
	  "channel (a peer with cc-exit gets it on the control channel)" },
	{ "--float", has_float,
	  "the module follows a floating peer by itself, before authenticating the packet" },
	{ "--mode server", is_server,
	  "served: every client is a kernel peer; its iroutes become kernel routes via its VPN "
	  "address; a client whose ccd or client-connect options the module cannot serve is "
	  "refused (AUTH_FAILED with the reason)" },
	{ "--client-to-client", has_c2c,
	  "served by the host: packets between clients leave and re-enter the ovpn-dco "
	  "interface, so net.ipv4.ip_forward (and the firewall) decide" },
	{ "peer (P2P NCP)", is_p2p_tls,
	  "depends on the peer: it must negotiate DATA_V2 and an AEAD cipher (OpenVPN 2.6+ or "
	  "this daemon); otherwise the daemon carries the data channel" },
};

static const char *avail_word(enum dco_avail a)
{
	switch (a) {
	case DCO_AVAILABLE: return "available";
	case DCO_NOT_BUILT: return "not built in";
	case DCO_MISSING: return "missing";
	case DCO_OTHER_GENERATION: return "other generation loaded";
	case DCO_PROBE_FAILED: return "cannot check";
	}
	return "?";
}

int dco_check_report(const struct options *o)
{
	struct dco_blocker b[DCO_MAX_BLOCKERS];
	struct dco_probe p;
	size_t i, n, total = 0;
	bool ok = true;

	printf("DCO check of %s\n", o->config_file ? o->config_file : "the command line");
	dco_probe(&p);
	printf("  kernel module: %s: %s\n", avail_word(p.avail),
	       p.avail == DCO_NOT_BUILT ? "this build has no DCO support" : p.found);
	if (p.avail != DCO_AVAILABLE) {
		if (p.needed[0])
			printf("    needed: %s\n", p.needed);
		ok = false;
	}
	if (o->disable_dco) {
		printf("  --disable-dco: NO: offload is turned off; to use DCO: remove --disable-dco\n");
		ok = false;
	}
	for (i = 0; i < ARRAY_SIZE(dco_rules); i++) {
		struct blockers bl = { .out = b, .max = ARRAY_SIZE(b) };
		size_t k;

		dco_rules[i].check(o, &bl);
		n = bl.n;
		if (n == 0)
			printf("  %s: yes: %s\n", dco_rules[i].option, dco_rules[i].served);
		for (k = 0; k < n && k < ARRAY_SIZE(b); k++)
			printf("  %s: NO: %s; to use DCO: %s\n", b[k].option, b[k].reason, b[k].fix);
		total += n;
	}
	for (i = 0; i < ARRAY_SIZE(dco_notes); i++)
		if (dco_notes[i].applies(o))
			printf("  %s: %s\n", dco_notes[i].option, dco_notes[i].text);
	if (total > 0)
		ok = false;
	if (ok)
		printf("result: data channel offload would be used\n");
	else
		printf("result: data channel offload would NOT be used (%zu option blocker%s, "
		       "kernel module %s)\n", total, total == 1 ? "" : "s", avail_word(p.avail));
	fflush(stdout);
	return ok ? 0 : 1;
}

uint64_t dco_swap_delay_ms(const struct options *o, uint64_t start_ms, uint64_t now_ms)
{
	int secs = o->hand_window;
	uint64_t due;

	if (o->reneg_sec > 0 && o->reneg_sec / 2 < secs)
		secs = o->reneg_sec / 2;
	if (o->tran_window > 0 && o->tran_window / 2 < secs)
		secs = o->tran_window / 2;
	due = start_ms + (uint64_t)(secs > 0 ? secs : 0) * 1000;
	return due > now_ms ? due - now_ms : 0;
}

int dco_key_fill(struct dco_key *k, const char *cipher, bool tls_server, uint32_t peer_id,
		 uint8_t key_id, const struct key2 *k2)
{
	const struct crypto_cipher_info *ci;
	int enc = tls_server ? 1 : 0;
	int ret = crypto_cipher_lookup(cipher, &ci, NULL);

	if (ret < 0 || ci->key_len > DCO_KEY_MAX)
		return ret < 0 ? ret : -EINVAL;
	k->peer_id = peer_id;
	k->key_id = key_id;
	k->cipher = dco_cipher_from_name(cipher);
	if (k->cipher == DCO_CIPHER_NONE)
		return -EPROTONOSUPPORT;
	k->enc.key_len = k->dec.key_len = (uint8_t)ci->key_len;
	memcpy(k->enc.key, k2->keys[enc][KEY2_CIPHER], ci->key_len);
	memcpy(k->enc.nonce_tail, k2->keys[enc][KEY2_HMAC], DCO_NONCE_TAIL_LEN);
	memcpy(k->dec.key, k2->keys[!enc][KEY2_CIPHER], ci->key_len);
	memcpy(k->dec.nonce_tail, k2->keys[!enc][KEY2_HMAC], DCO_NONCE_TAIL_LEN);
	return 0;
}

/* ---- without a backend ------------------------------------------------------------------ */

#ifndef ENABLE_DCO
void dco_backend_probe(struct dco_probe *p)
{
	memset(p, 0, sizeof(*p));
	p->avail = DCO_NOT_BUILT;
	snprintf(p->needed, sizeof(p->needed), "a build with DCO (configure --enable-dco, "
		 "libnl-genl-3)");
}

int dco_open(struct dco_ctx **out, const char *ifname, enum dco_mode mode)
{
	*out = NULL;
	return -EOPNOTSUPP;
}

void dco_close(struct dco_ctx *c) {}
int dco_ifindex(const struct dco_ctx *c) { return -1; }
const char *dco_ifname(const struct dco_ctx *c) { return ""; }
int dco_notify_fd(const struct dco_ctx *c) { return -1; }
int dco_notify_read(struct dco_ctx *c, dco_notify_fn fn, void *arg) { return -EOPNOTSUPP; }
int dco_new_peer(struct dco_ctx *c, const struct dco_peer *p) { return -EOPNOTSUPP; }
int dco_del_peer(struct dco_ctx *c, uint32_t peer_id) { return -EOPNOTSUPP; }
int dco_set_keepalive(struct dco_ctx *c, uint32_t peer_id, uint32_t interval_s,
		      uint32_t timeout_s)
{
	return -EOPNOTSUPP;
}
int dco_new_key(struct dco_ctx *c, const struct dco_key *k) { return -EOPNOTSUPP; }
int dco_swap_keys(struct dco_ctx *c, uint32_t peer_id) { return -EOPNOTSUPP; }
int dco_del_key(struct dco_ctx *c, uint32_t peer_id, enum dco_key_slot slot)
{
	return -EOPNOTSUPP;
}
int dco_get_peer_stats(struct dco_ctx *c, uint32_t peer_id, struct dco_peer_stats *st)
{
	return -EOPNOTSUPP;
}
bool dco_link_present(const struct dco_ctx *c) { return false; }
int dco_peer_check(struct dco_ctx *c, uint32_t peer_id) { return -EOPNOTSUPP; }
#endif
