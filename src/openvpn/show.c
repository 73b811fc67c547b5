/*
 * Commands that report or prepare something and exit instead of starting
 * a tunnel: --show-ciphers, --show-digests, --show-tls, --show-groups,
 * --show-gateway, --show-engines, --mktun and --rmtun.
 */
#include "show.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "dco.h"
#include "log.h"
#include "netcfg.h"
#include "options.h"
#include "process.h"
#include "ssl_ciphers.h"
#include "ssl_openssl.h"
#include "tun.h"

static void show_ciphers(FILE *out)
{
	const struct crypto_cipher_info *c;
	const char *why;
	size_t i;

	fprintf(out, "Data channel ciphers (--data-ciphers, --data-ciphers-fallback, --cipher).\n"
		"AEAD ciphers need no --auth; the ones marked DCO can run in the kernel.\n\n");
	for (i = 0; (c = crypto_cipher_at(i, &why)); i++) {
		if (c->kind == CRYPTO_CIPHER_NONE)
			continue;
		fprintf(out, "%-18s %3u bit key, ", c->name, c->key_len * 8u);
		if (c->kind == CRYPTO_CIPHER_AEAD)
			fprintf(out, "AEAD%s", dco_cipher_from_name(c->name) != DCO_CIPHER_NONE ?
				", DCO" : "");
		else
			fprintf(out, "%u bit block, with --auth", c->block_size * 8u);
		fprintf(out, why ? " (unavailable: %s)\n" : "\n", why);
	}
}

static void show_digests(FILE *out)
{
	const struct crypto_digest_info *d;
	const char *why;
	size_t i;

	fprintf(out, "Message digests for --auth (the HMAC of CBC data channels,\n"
		"--tls-auth and --tls-crypt's control channel).\n\n");
	for (i = 0; (d = crypto_digest_at(i, &why)); i++) {
		if (d->size == 0)
			continue;
		fprintf(out, "%-12s %3u bit digest", d->name, d->size * 8u);
		fprintf(out, why ? " (unavailable: %s)\n" : "\n", why);
	}
}

/* The route the kernel takes to dst, the way --show-gateway prints it. */
static void show_route(FILE *out, const char *label, int family, const void *dst)
{
	char gw_text[INET6_ADDRSTRLEN], ifname[IF_NAMESIZE] = "?";
	struct in6_addr gw6;
	struct in_addr gw4;
	bool has_gw = false;
	int ifindex = 0, err;

	if (family == AF_INET)
		err = netcfg_route4_lookup(*(const struct in_addr *)dst, &has_gw, &gw4, &ifindex);
	else
		err = netcfg_route6_lookup(dst, &has_gw, &gw6, &ifindex);
	if (err) {
		fprintf(out, "%s none (%s)\n", label, strerror(-err));
		return;
	}
	if_indextoname((unsigned int)ifindex, ifname);
	if (!has_gw) {
		fprintf(out, "%s on-link IFACE=%s\n", label, ifname);
		return;
	}
	inet_ntop(family, family == AF_INET ? (const void *)&gw4 : (const void *)&gw6,
		  gw_text, sizeof(gw_text));
	fprintf(out, "%s %s IFACE=%s\n", label, gw_text, ifname);
}

static int show_gateway(const struct options *o, FILE *out)
{
	struct in6_addr target6 = IN6ADDR_ANY_INIT;
	/* an address no more specific route covers: the default route */
	struct in_addr any4 = { htonl(0xc6336401) };	/* 198.51.100.1 */

	if (o->show_gateway_target &&
	    inet_pton(AF_INET6, o->show_gateway_target, &target6) != 1) {
		msg(M_ERR, "--show-gateway: '%s' is not an IPv6 address", o->show_gateway_target);
		return 1;
	}
	show_route(out, "ROUTE_GATEWAY", AF_INET, &any4);
	show_route(out, "ROUTE6_GATEWAY", AF_INET6, &target6);
	return 0;
}

/* --mktun / --rmtun: a persistent tun interface for --persist-tun setups. */
static int make_or_remove_tun(const struct options *o, bool make)
{
	struct tun_config cfg = { .dev = o->dev, .dev_type = o->dev_type, .dev_node = o->dev_node };
	struct process_ids ids = { 0 };
	struct tun t;
	int err;

	if (!o->dev) {
		msg(M_ERR, "--%s needs --dev to name the interface", make ? "mktun" : "rmtun");
		return 1;
	}
	if (make && process_lookup_ids(o->user, o->group, &ids) < 0)
		return 1;
	err = tun_open(&t, &cfg);
	if (err)
		return 1;
	if (make) {
		err = tun_set_persist(&t, true);
		if (!err)
			err = tun_set_owner(&t, &ids);
		if (!err)
			msg(M_INFO, "%s is persistent: it stays after this program exits (--rmtun removes it)",
			    t.ifname);
	} else {
		msg(M_INFO, "%s removed", t.ifname);
	}
	/* with an error the interface is not left behind half set up */
	tun_close(&t, make && !err);
	return err ? 1 : 0;
}

int show_run(const struct options *o)
{
	switch (o->show) {
	case SHOW_CIPHERS:
		show_ciphers(stdout);
		return 0;
	case SHOW_DIGESTS:
		show_digests(stdout);
		return 0;
	case SHOW_TLS:
		return ssl_show_tls(o, stdout) < 0 ? 1 : 0;
	case SHOW_GROUPS:
		ssl_groups_print(stdout);
		return 0;
	case SHOW_ENGINES:
		printf("OpenSSL engines are not used by this version (OpenSSL 3 providers "
		       "replace them).\n");
		return 0;
	case SHOW_GATEWAY:
		return show_gateway(o, stdout);
	case SHOW_MKTUN:
		return make_or_remove_tun(o, true);
	case SHOW_RMTUN:
		return make_or_remove_tun(o, false);
	case SHOW_NONE:
		break;
	}
	return 0;
}
