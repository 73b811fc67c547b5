/*
 * Options: config text through options_parse_string() in each context and,
 * when parsing succeeded, options_finalize(), the option dump and the OCC
 * string that is built from finalized options. Every path ends in
 * options_free(), so leaks show up under LeakSanitizer.
 *
 * Input: the config text, optionally followed by a NUL byte and the text
 * that any --config file reads as. The harness is linked with
 * -Wl,--wrap=config_read_file: included files come from the input, never
 * from the disk, so a fuzzed "config /dev/stdin" cannot block and runs are
 * reproducible. (The path must still exist: options.c stat()s it first to
 * find include loops.)
 *
 *   CMDLINE: fresh options, the text, finalize.
 *   CCD:     fresh options, the text, finalize (a ccd file is never
 *            finalized by the server; fuzz_ccd follows the server's path).
 *   PUSH:    a finalized TLS client config, then the text as a server's
 *            push would be applied on top of it, then finalize again.
 */
#include <errno.h>

#include "config.h"
#include "fuzz_common.h"
#include "options.h"
#include "ssl_keymethod.h"

int __wrap_config_read_file(const char *path, char **text, size_t *len);

static const char *include_text;
static size_t include_len;

int __wrap_config_read_file(const char *path, char **text, size_t *len)
{
	char *p = malloc(include_len + 1);

	if (!p)
		return -ENOMEM;
	memcpy(p, include_text, include_len);
	p[include_len] = '\0';
	*text = p;
	*len = include_len;
	return 0;
}

/* Inline blocks keep finalize away from the disk; contents are not checked. */
static const char push_base[] =
	"tls-client\n"
	"dev tun\n"
	"proto udp\n"
	"remote 192.0.2.1 1194\n"
	"nobind\n"
	"remote-cert-tls server\n"
	"<ca>\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n</ca>\n"
	"<cert>\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n</cert>\n"
	"<key>\n-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n</key>\n"
	"verb 3\n";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct options o;

	fuzz_log_init();
	/* The PUSH base must itself be valid, or that context tests nothing. */
	options_init(&o);
	include_text = "";
	if (options_parse_string(&o, push_base, sizeof(push_base) - 1, "base.conf",
				 OPT_CTX_CMDLINE) || options_finalize(&o)) {
		fprintf(stderr, "fuzz_options: base config rejected: %s\n", options_last_error());
		abort();
	}
	options_free(&o);
	return 0;
}

/* What the daemon does with options that finalized. */
static void use_finalized(struct options *o)
{
	struct keymethod_peer_info_cfg pic;
	char occ[KEYMETHOD_OPTIONS_MAX];
	char pi[1024];

	options_log(o);
	if (keymethod_options_string(o, occ, sizeof(occ)) == 0)
		FUZZ_CHECK(strlen(occ) < sizeof(occ) && strncmp(occ, "V4,", 3) == 0);
	keymethod_peer_info_defaults(o, &pic);
	if (keymethod_peer_info_build(&pic, pi, sizeof(pi)) == 0)
		FUZZ_CHECK(strlen(pi) < sizeof(pi));
}

static void check_counts(const struct options *o)
{
	FUZZ_CHECK(o->n_remotes >= 0 && o->n_remotes <= OPT_MAX_REMOTES);
	FUZZ_CHECK(o->n_routes >= 0 && o->n_routes <= OPT_MAX_ROUTES);
	FUZZ_CHECK(o->n_routes_ipv6 >= 0 && o->n_routes_ipv6 <= OPT_MAX_ROUTES);
}

static void run(const char *text, size_t len, unsigned int context)
{
	struct options o;
	int ret;

	options_init(&o);
	if (context == OPT_CTX_PUSH) {
		ret = options_parse_string(&o, push_base, sizeof(push_base) - 1, "base.conf",
					   OPT_CTX_CMDLINE);
		FUZZ_CHECK(ret == 0 && options_finalize(&o) == 0);
	}
	ret = options_parse_string(&o, text, len, "fuzz.conf", context);
	fuzz_trace("context %u: parse %d %s", context, ret, ret ? options_last_error() : "");
	FUZZ_CHECK(ret == 0 || ret == -EINVAL || ret == -ENOMEM);
	check_counts(&o);
	if (ret == 0) {
		ret = options_finalize(&o);
		fuzz_trace("context %u: finalize %d %s", context, ret,
			   ret ? options_last_error() : "");
		FUZZ_CHECK(ret == 0 || ret == -EINVAL);
		if (ret == 0)
			use_finalized(&o);
	}
	options_free(&o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(text, '\0', size);
	size_t len = nul ? (size_t)(nul - text) : size;

	if (size > CONFIG_MAX_FILE)
		return -1;
	include_text = nul ? nul + 1 : "";
	include_len = nul ? size - len - 1 : 0;
	run(text, len, OPT_CTX_CMDLINE);
	run(text, len, OPT_CTX_CCD);
	run(text, len, OPT_CTX_PUSH);
	return 0;
}
