/*
 * Push replies as a client receives them: each input line is one control
 * message for push_accum_add(); when a reply is complete it is applied with
 * push_apply() to a finalized client configuration, as the daemon does,
 * and the options that result go through options_finalize() once more.
 *
 * The way back is checked too: the options of a complete reply, packed by
 * push_build_replies() as a server does, must accumulate to the same list.
 *
 * Input: control messages separated by '\n' (a line that does not start
 * with "PUSH_REPLY" is still passed, and must be refused). A line that is
 * the single character '!' makes the next complete reply be applied with
 * --route-nopull and a --pull-filter list.
 */
#include <errno.h>

#include "config.h"
#include "fuzz_common.h"
#include "options.h"
#include "push.h"

/* Inline blocks keep finalize away from the disk; contents are not checked. */
static const char client_base[] =
	"client\n"
	"dev tun\n"
	"proto udp\n"
	"remote 192.0.2.1 1194\n"
	"nobind\n"
	"remote-cert-tls server\n"
	"<ca>\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n</ca>\n"
	"<cert>\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n</cert>\n"
	"<key>\n-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n</key>\n"
	"verb 3\n";

static const char filters[] =
	"route-nopull\n"
	"pull-filter ignore \"route 10.\"\n"
	"pull-filter accept \"route\"\n"
	"pull-filter ignore dhcp-option\n";

static struct push_accum acc, again;
static char reply[PUSH_TEXT_MAX + 1];
static char msgs[64][PUSH_MSG_MAX];

static void base(struct options *o, bool filtered)
{
	options_init(o);
	FUZZ_CHECK(options_parse_string(o, client_base, sizeof(client_base) - 1, "base.conf",
					OPT_CTX_CMDLINE) == 0);
	if (filtered)
		FUZZ_CHECK(options_parse_string(o, filters, sizeof(filters) - 1, "filters.conf",
						OPT_CTX_CMDLINE) == 0);
	FUZZ_CHECK(options_finalize(o) == 0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct options o;

	fuzz_log_init();
	base(&o, true);
	options_free(&o);
	return 0;
}

/* A complete reply's list, packed again and accumulated again. */
static void round_trip(const char *list)
{
	const char *items[OPT_MAX_LIST * 4];
	char *p;
	size_t n = 0;
	int i, k, ret = 0;

	snprintf(reply, sizeof(reply), "%s", list);
	for (p = strtok(reply, ","); p && n < sizeof(items) / sizeof(items[0]);
	     p = strtok(NULL, ","))
		items[n++] = p;
	if (n == sizeof(items) / sizeof(items[0]))
		return;
	k = push_build_replies(items, n, msgs, sizeof(msgs) / sizeof(msgs[0]));
	fuzz_trace("rebuilt %zu items: %d messages", n, k);
	if (k <= 0)
		return;
	push_accum_init(&again);
	for (i = 0; i < k; i++) {
		ret = push_accum_add(&again, msgs[i]);
		FUZZ_CHECK(ret == (i == k - 1 ? 1 : 0));
	}
	FUZZ_CHECK(strcmp(again.text, list) == 0);
}

static void apply(const char *list, bool filtered)
{
	struct options o;
	int ret;

	base(&o, filtered);
	ret = push_apply(&o, list);
	fuzz_trace("push_apply: %d", ret);
	FUZZ_CHECK(ret >= 0 || ret == -EINVAL || ret == -ENOMEM);
	if (ret >= 0) {
		ret = options_finalize(&o);
		FUZZ_CHECK(ret == 0 || ret == -EINVAL);
	}
	options_free(&o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[PUSH_MSG_MAX * 2];
	size_t pos = 0;
	bool filtered = false;
	int ret;

	if (size > 64 * 1024)
		return -1;
	push_accum_init(&acc);
	while (pos < size) {
		const uint8_t *nl = memchr(data + pos, '\n', size - pos);
		size_t n = nl ? (size_t)(nl - (data + pos)) : size - pos;

		if (n < sizeof(line)) {
			memcpy(line, data + pos, n);
			line[n] = '\0';
			if (strcmp(line, "!") == 0) {
				filtered = true;
			} else if (strlen(line) == n) {
				ret = push_accum_add(&acc, line);
				fuzz_trace("accum '%.40s': %d", line, ret);
				FUZZ_CHECK(ret == 0 || ret == 1 || ret == -EBADMSG || ret == -E2BIG);
				FUZZ_CHECK(acc.len == strlen(acc.text) && acc.len < PUSH_TEXT_MAX);
				if (ret == 1) {
					round_trip(acc.text);
					apply(acc.text, filtered);
					filtered = false;
					push_accum_init(&acc);
				}
				if (strncmp(line, "PUSH_REPLY", 10) != 0)
					FUZZ_CHECK(ret == -EBADMSG);
			}
		}
		pos += n + 1;
	}
	return 0;
}
