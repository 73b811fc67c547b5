/*
 * The --status file. Each expected text below is a status file that
 * Debian's OpenVPN 2.6.14 wrote in network namespaces (server + real
 * clients, TLS with throwaway certificates), copied byte for byte; the
 * test feeds the same data to status_format() and wants the same bytes.
 * The lab ran in UTC except where noted; 2.6 prints local time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "status.h"
#include "log.h"

#define TITLE "OpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL (OpenSSL)] [LZO] [LZ4] [EPOLL] [PKCS11] [MH/PKTINFO] [AEAD] [DCO]"
/* 2026-11-30 00:00:00 UTC, the lab's day */
#define DAY0 1795996800
#define HMS(h, m, s) ((time_t)DAY0 + (h) * 3600 + (m) * 60 + (s))

#define V2_CLIENT_HEADER "HEADER,CLIENT_LIST,Common Name,Real Address,Virtual Address,Virtual IPv6 Address,Bytes Received,Bytes Sent,Connected Since,Connected Since (time_t),Username,Client ID,Peer ID,Data Channel Cipher\n"
#define V2_ROUTE_HEADER "HEADER,ROUTING_TABLE,Virtual Address,Common Name,Real Address,Last Ref,Last Ref (time_t)\n"
#define V3_CLIENT_HEADER "HEADER\tCLIENT_LIST\tCommon Name\tReal Address\tVirtual Address\tVirtual IPv6 Address\tBytes Received\tBytes Sent\tConnected Since\tConnected Since (time_t)\tUsername\tClient ID\tPeer ID\tData Channel Cipher\n"
#define V3_ROUTE_HEADER "HEADER\tROUTING_TABLE\tVirtual Address\tCommon Name\tReal Address\tLast Ref\tLast Ref (time_t)\n"

static void set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static int utc(void **state)
{
	set_tz("UTC0");
	return 0;
}

static struct status_client client(const char *cn, const char *real, const char *a4,
				   const char *a6, uint64_t in, uint64_t out,
				   time_t since, unsigned long cid, uint32_t peer_id)
{
	struct status_client c = {
		.common_name = cn, .real_addr = real, .bytes_in = in, .bytes_out = out,
		.connected_since = since, .client_id = cid, .peer_id = peer_id,
		.cipher = "AES-256-GCM",
	};

	c.has_v4 = a4 != NULL;
	if (a4)
		assert_int_equal(inet_pton(AF_INET, a4, &c.v4), 1);
	c.has_v6 = a6 != NULL;
	if (a6)
		assert_int_equal(inet_pton(AF_INET6, a6, &c.v6), 1);
	return c;
}

static struct status_route route(const char *virt, const char *cn, const char *real, time_t t)
{
	struct status_route r = { .virt = virt, .common_name = cn, .real_addr = real, .last_ref = t };

	return r;
}

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static void assert_format(const struct status_server *s, int version, const char *want)
{
	char buf[8192];
	int n = status_format(s, version, buf, sizeof(buf));

	assert_int_equal(n, (int)strlen(want));
	assert_string_equal(buf, want);
}

/* --status-version 2, topology subnet + --server-ipv6, six clients; the
 * routing table in 2.6's hash order. */
static void test_v2_capture(void **state)
{
	const char *r1 = "10.201.0.2:51888", *r2 = "10.201.0.2:59099", *r3 = "10.201.0.2:55576",
		   *r4 = "10.201.0.2:57772", *r5 = "10.201.0.2:51268", *r6 = "10.201.0.2:58428";
	struct status_client c[] = {
		client("c8", r1, "10.8.0.9", "fd00:8::1007", 5692, 5667, 1796012026, 11, 7),
		client("c7", r2, "10.8.0.8", "fd00:8::1006", 5732, 5667, 1796012026, 10, 6),
		client("client2", r3, "10.8.0.3", "fd00:8::1001", 3289, 3107, 1796012605, 27, 3),
		client("client1", r4, "10.8.0.2", "fd00:8::1000", 3177, 3147, 1796012601, 25, 1),
		client("c5", r5, "10.8.0.6", "fd00:8::1004", 5732, 5635, 1796012021, 8, 4),
		client("client3", r6, "10.8.0.4", "fd00:8::1002", 3297, 3147, 1796012601, 26, 2),
	};
	struct status_route r[] = {
		route("fd00:8::1004", "c5", r5, 1796012021),
		route("10.8.0.8", "c7", r2, 1796012026),
		route("10.8.0.6", "c5", r5, 1796012021),
		route("10.8.0.9", "c8", r1, 1796012026),
		route("10.8.0.3", "client2", r3, 1796012605),
		route("fd00:8::1001", "client2", r3, 1796012605),
		route("fd00:8::1007", "c8", r1, 1796012026),
		route("10.8.0.4", "client3", r6, 1796012601),
		route("10.8.0.2", "client1", r4, 1796012601),
		route("fd00:8::1006", "c7", r2, 1796012026),
		route("fd00:8::1002", "client3", r6, 1796012601),
		route("fd00:8::1000", "client1", r4, 1796012601),
	};
	struct status_server s = {
		.title = TITLE, .now = 1796012623, .clients = c, .n_clients = ARRAY_LEN(c),
		.routes = r, .n_routes = ARRAY_LEN(r), .max_bcast_mcast_queue_len = 7,
	};

	assert_format(&s, 2,
		"TITLE," TITLE "\n"
		"TIME,2026-11-30 04:23:43,1796012623\n"
		V2_CLIENT_HEADER
		"CLIENT_LIST,c8,10.201.0.2:51888,10.8.0.9,fd00:8::1007,5692,5667,2026-11-30 04:13:46,1796012026,UNDEF,11,7,AES-256-GCM\n"
		"CLIENT_LIST,c7,10.201.0.2:59099,10.8.0.8,fd00:8::1006,5732,5667,2026-11-30 04:13:46,1796012026,UNDEF,10,6,AES-256-GCM\n"
		"CLIENT_LIST,client2,10.201.0.2:55576,10.8.0.3,fd00:8::1001,3289,3107,2026-11-30 04:23:25,1796012605,UNDEF,27,3,AES-256-GCM\n"
		"CLIENT_LIST,client1,10.201.0.2:57772,10.8.0.2,fd00:8::1000,3177,3147,2026-11-30 04:23:21,1796012601,UNDEF,25,1,AES-256-GCM\n"
		"CLIENT_LIST,c5,10.201.0.2:51268,10.8.0.6,fd00:8::1004,5732,5635,2026-11-30 04:13:41,1796012021,UNDEF,8,4,AES-256-GCM\n"
		"CLIENT_LIST,client3,10.201.0.2:58428,10.8.0.4,fd00:8::1002,3297,3147,2026-11-30 04:23:21,1796012601,UNDEF,26,2,AES-256-GCM\n"
		V2_ROUTE_HEADER
		"ROUTING_TABLE,fd00:8::1004,c5,10.201.0.2:51268,2026-11-30 04:13:41,1796012021\n"
		"ROUTING_TABLE,10.8.0.8,c7,10.201.0.2:59099,2026-11-30 04:13:46,1796012026\n"
		"ROUTING_TABLE,10.8.0.6,c5,10.201.0.2:51268,2026-11-30 04:13:41,1796012021\n"
		"ROUTING_TABLE,10.8.0.9,c8,10.201.0.2:51888,2026-11-30 04:13:46,1796012026\n"
		"ROUTING_TABLE,10.8.0.3,client2,10.201.0.2:55576,2026-11-30 04:23:25,1796012605\n"
		"ROUTING_TABLE,fd00:8::1001,client2,10.201.0.2:55576,2026-11-30 04:23:25,1796012605\n"
		"ROUTING_TABLE,fd00:8::1007,c8,10.201.0.2:51888,2026-11-30 04:13:46,1796012026\n"
		"ROUTING_TABLE,10.8.0.4,client3,10.201.0.2:58428,2026-11-30 04:23:21,1796012601\n"
		"ROUTING_TABLE,10.8.0.2,client1,10.201.0.2:57772,2026-11-30 04:23:21,1796012601\n"
		"ROUTING_TABLE,fd00:8::1006,c7,10.201.0.2:59099,2026-11-30 04:13:46,1796012026\n"
		"ROUTING_TABLE,fd00:8::1002,client3,10.201.0.2:58428,2026-11-30 04:23:21,1796012601\n"
		"ROUTING_TABLE,fd00:8::1000,client1,10.201.0.2:57772,2026-11-30 04:23:21,1796012601\n"
		"GLOBAL_STATS,Max bcast/mcast queue length,7\n"
		"GLOBAL_STATS,dco_enabled,0\n"
		"END\n");
}

/* --status-version 3 with names that have a comma, quotes, a backslash,
 * '$' and UTF-8, and an --auth-user-pass username "us,er<TAB>x" (2.6's
 * auth code had already dropped the tab). 2.6 writes them all raw. */
static void test_v3_capture_special_names(void **state)
{
	const char *cafe = "caf\xc3\xa9-d$x", *quote = "q\"u'o\\te;x=y";
	const char *r1 = "10.201.0.2:44675", *r2 = "10.201.0.2:34554", *r3 = "10.201.0.2:51721",
		   *r4 = "10.201.0.2:50058";
	struct status_client c[] = {
		client(cafe, r1, "10.8.0.5", "fd00:8::1003", 3047, 3067, 1796012785, 3, 3),
		client("client1", r2, "10.8.0.2", "fd00:8::1000", 3045, 3067, 1796012784, 0, 0),
		client("a,b c", r3, "10.8.0.3", "fd00:8::1001", 3043, 3067, 1796012784, 1, 1),
		client(quote, r4, "10.8.0.4", "fd00:8::1002", 3050, 3067, 1796012785, 2, 2),
	};
	struct status_route r[] = {
		route("10.8.0.3", "a,b c", r3, 1796012784),
		route("10.8.0.4", quote, r4, 1796012785),
		route("fd00:8::1000", "client1", r2, 1796012784),
		route("fd00:8::1001", "a,b c", r3, 1796012784),
		route("fd00:8::1003", cafe, r1, 1796012785),
		route("10.8.0.5", cafe, r1, 1796012785),
		route("fd00:8::1002", quote, r4, 1796012785),
		route("10.8.0.2", "client1", r2, 1796012784),
	};
	struct status_server s = {
		.title = TITLE, .now = 1796012787, .clients = c, .n_clients = ARRAY_LEN(c),
		.routes = r, .n_routes = ARRAY_LEN(r),
	};

	for (size_t i = 0; i < ARRAY_LEN(c); i++)
		c[i].username = "us,erx";
	assert_format(&s, 3,
		"TITLE\t" TITLE "\n"
		"TIME\t2026-11-30 04:26:27\t1796012787\n"
		V3_CLIENT_HEADER
		"CLIENT_LIST\tcaf\xc3\xa9" "-d$x\t10.201.0.2:44675\t10.8.0.5\tfd00:8::1003\t3047\t3067\t2026-11-30 04:26:25\t1796012785\tus,erx\t3\t3\tAES-256-GCM\n"
		"CLIENT_LIST\tclient1\t10.201.0.2:34554\t10.8.0.2\tfd00:8::1000\t3045\t3067\t2026-11-30 04:26:24\t1796012784\tus,erx\t0\t0\tAES-256-GCM\n"
		"CLIENT_LIST\ta,b c\t10.201.0.2:51721\t10.8.0.3\tfd00:8::1001\t3043\t3067\t2026-11-30 04:26:24\t1796012784\tus,erx\t1\t1\tAES-256-GCM\n"
		"CLIENT_LIST\tq\"u'o\\te;x=y\t10.201.0.2:50058\t10.8.0.4\tfd00:8::1002\t3050\t3067\t2026-11-30 04:26:25\t1796012785\tus,erx\t2\t2\tAES-256-GCM\n"
		V3_ROUTE_HEADER
		"ROUTING_TABLE\t10.8.0.3\ta,b c\t10.201.0.2:51721\t2026-11-30 04:26:24\t1796012784\n"
		"ROUTING_TABLE\t10.8.0.4\tq\"u'o\\te;x=y\t10.201.0.2:50058\t2026-11-30 04:26:25\t1796012785\n"
		"ROUTING_TABLE\tfd00:8::1000\tclient1\t10.201.0.2:34554\t2026-11-30 04:26:24\t1796012784\n"
		"ROUTING_TABLE\tfd00:8::1001\ta,b c\t10.201.0.2:51721\t2026-11-30 04:26:24\t1796012784\n"
		"ROUTING_TABLE\tfd00:8::1003\tcaf\xc3\xa9" "-d$x\t10.201.0.2:44675\t2026-11-30 04:26:25\t1796012785\n"
		"ROUTING_TABLE\t10.8.0.5\tcaf\xc3\xa9" "-d$x\t10.201.0.2:44675\t2026-11-30 04:26:25\t1796012785\n"
		"ROUTING_TABLE\tfd00:8::1002\tq\"u'o\\te;x=y\t10.201.0.2:50058\t2026-11-30 04:26:25\t1796012785\n"
		"ROUTING_TABLE\t10.8.0.2\tclient1\t10.201.0.2:34554\t2026-11-30 04:26:24\t1796012784\n"
		"GLOBAL_STATS\tMax bcast/mcast queue length\t0\n"
		"GLOBAL_STATS\tdco_enabled\t0\n"
		"END\n");
}

/* --status-version 1 (the default), topology net30 + IPv6 pool. */
static void test_v1_capture_net30(void **state)
{
	const char *r1 = "10.201.0.2:54353", *r2 = "10.201.0.2:35527";
	struct status_client c[] = {
		client("client1", r1, "10.8.0.6", "fd00:8::1000", 3033, 3053, HMS(4, 26, 8), 0, 0),
		client("client2", r2, "10.8.0.10", "fd00:8::1001", 3033, 3054, HMS(4, 26, 9), 1, 1),
	};
	struct status_route r[] = {
		route("fd00:8::1000", "client1", r1, HMS(4, 26, 8)),
		route("10.8.0.10", "client2", r2, HMS(4, 26, 9)),
		route("10.8.0.6", "client1", r1, HMS(4, 26, 8)),
		route("fd00:8::1001", "client2", r2, HMS(4, 26, 9)),
	};
	struct status_server s = {
		.title = TITLE, .now = HMS(4, 26, 10), .clients = c, .n_clients = ARRAY_LEN(c),
		.routes = r, .n_routes = ARRAY_LEN(r), .dco_enabled = true,  /* v1 omits it */
	};

	assert_format(&s, 1,
		"OpenVPN CLIENT LIST\n"
		"Updated,2026-11-30 04:26:10\n"
		"Common Name,Real Address,Bytes Received,Bytes Sent,Connected Since\n"
		"client1,10.201.0.2:54353,3033,3053,2026-11-30 04:26:08\n"
		"client2,10.201.0.2:35527,3033,3054,2026-11-30 04:26:09\n"
		"ROUTING TABLE\n"
		"Virtual Address,Common Name,Real Address,Last Ref\n"
		"fd00:8::1000,client1,10.201.0.2:54353,2026-11-30 04:26:08\n"
		"10.8.0.10,client2,10.201.0.2:35527,2026-11-30 04:26:09\n"
		"10.8.0.6,client1,10.201.0.2:54353,2026-11-30 04:26:08\n"
		"fd00:8::1001,client2,10.201.0.2:35527,2026-11-30 04:26:09\n"
		"GLOBAL STATS\n"
		"Max bcast/mcast queue length,0\n"
		"END\n");
}

/* Version 1 with a ccd iroute 10.9.0.0/24 and the host route 2.6 cached
 * after the server pinged 10.9.0.5 ("C" suffix). */
static void test_v1_capture_iroute_cache(void **state)
{
	const char *r1 = "10.201.0.2:55390", *r2 = "10.201.0.2:56908";
	struct status_client c[] = {
		client("client1", r1, "10.8.0.2", NULL, 3033, 3126, HMS(4, 28, 38), 0, 0),
		client("client2", r2, "10.8.0.3", NULL, 3033, 3018, HMS(4, 28, 38), 1, 1),
	};
	struct status_route r[] = {
		route("10.8.0.3", "client2", r2, HMS(4, 28, 38)),
		route("10.8.0.2", "client1", r1, HMS(4, 28, 38)),
		route("10.9.0.0/24", "client1", r1, HMS(4, 28, 38)),
		route("10.9.0.5", "client1", r1, HMS(4, 28, 39)),
	};
	struct status_server s = {
		.title = TITLE, .now = HMS(4, 28, 40), .clients = c, .n_clients = ARRAY_LEN(c),
		.routes = r, .n_routes = ARRAY_LEN(r),
	};

	r[3].cached = true;
	assert_format(&s, 1,
		"OpenVPN CLIENT LIST\n"
		"Updated,2026-11-30 04:28:40\n"
		"Common Name,Real Address,Bytes Received,Bytes Sent,Connected Since\n"
		"client1,10.201.0.2:55390,3033,3126,2026-11-30 04:28:38\n"
		"client2,10.201.0.2:56908,3033,3018,2026-11-30 04:28:38\n"
		"ROUTING TABLE\n"
		"Virtual Address,Common Name,Real Address,Last Ref\n"
		"10.8.0.3,client2,10.201.0.2:56908,2026-11-30 04:28:38\n"
		"10.8.0.2,client1,10.201.0.2:55390,2026-11-30 04:28:38\n"
		"10.9.0.0/24,client1,10.201.0.2:55390,2026-11-30 04:28:38\n"
		"10.9.0.5C,client1,10.201.0.2:55390,2026-11-30 04:28:39\n"
		"GLOBAL STATS\n"
		"Max bcast/mcast queue length,0\n"
		"END\n");
}

static struct sockaddr_any sa(const char *host, uint16_t port)
{
	struct sockaddr_any a = { 0 };

	if (inet_pton(AF_INET, host, &a.in4.sin_addr) == 1) {
		a.in4.sin_family = AF_INET;
		a.in4.sin_port = htons(port);
		a.len = sizeof(a.in4);
	} else {
		assert_int_equal(inet_pton(AF_INET6, host, &a.in6.sin6_addr), 1);
		a.in6.sin6_family = AF_INET6;
		a.in6.sin6_port = htons(port);
		a.len = sizeof(a.in6);
	}
	return a;
}

/* Version 2 from a dual-stack `proto udp6` server run with TZ=Asia/Tokyo:
 * local time, an IPv6 peer printed without its port, an IPv4 peer (v4-
 * mapped on the socket) printed as IPv4, a client the pool could not
 * serve (empty address columns), iroute and iroute-ipv6 prefixes. */
static void test_v2_capture_tokyo_udp6(void **state)
{
	char r1[ADDR_STRLEN], r2[ADDR_STRLEN], r3[ADDR_STRLEN];
	struct sockaddr_any a1 = sa("::ffff:10.201.0.2", 47556), a2 = sa("fd99::2", 41000),
			    a3 = sa("::ffff:10.201.0.2", 55961);
	struct status_client c[3];
	struct status_route r[6];
	struct status_server s = {
		.title = TITLE, .now = 1796012907, .clients = c, .n_clients = 3,
		.routes = r, .n_routes = 6,
	};

	status_real_addr(&a1, r1, sizeof(r1));
	status_real_addr(&a2, r2, sizeof(r2));
	status_real_addr(&a3, r3, sizeof(r3));
	c[0] = client("client2", r2, "10.8.0.3", "fd00:8::1001", 3033, 3058, 1796012905, 1, 1);
	c[1] = client("client3", r3, NULL, NULL, 2961, 2986, 1796012905, 2, 2);
	c[2] = client("client1", r1, "10.8.0.2", "fd00:8::1000", 3141, 3166, 1796012904, 0, 0);
	r[0] = route("10.9.0.0/24", "client1", r1, 1796012904);
	r[1] = route("fd00:8::1001", "client2", r2, 1796012905);
	r[2] = route("fd00:9::/64", "client1", r1, 1796012904);
	r[3] = route("10.8.0.3", "client2", r2, 1796012905);
	r[4] = route("10.8.0.2", "client1", r1, 1796012905);
	r[5] = route("fd00:8::1000", "client1", r1, 1796012904);
	set_tz("JST-9");
	assert_format(&s, 2,
		"TITLE," TITLE "\n"
		"TIME,2026-11-30 13:28:27,1796012907\n"
		V2_CLIENT_HEADER
		"CLIENT_LIST,client2,fd99::2,10.8.0.3,fd00:8::1001,3033,3058,2026-11-30 13:28:25,1796012905,UNDEF,1,1,AES-256-GCM\n"
		"CLIENT_LIST,client3,10.201.0.2:55961,,,2961,2986,2026-11-30 13:28:25,1796012905,UNDEF,2,2,AES-256-GCM\n"
		"CLIENT_LIST,client1,10.201.0.2:47556,10.8.0.2,fd00:8::1000,3141,3166,2026-11-30 13:28:24,1796012904,UNDEF,0,0,AES-256-GCM\n"
		V2_ROUTE_HEADER
		"ROUTING_TABLE,10.9.0.0/24,client1,10.201.0.2:47556,2026-11-30 13:28:24,1796012904\n"
		"ROUTING_TABLE,fd00:8::1001,client2,fd99::2,2026-11-30 13:28:25,1796012905\n"
		"ROUTING_TABLE,fd00:9::/64,client1,10.201.0.2:47556,2026-11-30 13:28:24,1796012904\n"
		"ROUTING_TABLE,10.8.0.3,client2,fd99::2,2026-11-30 13:28:25,1796012905\n"
		"ROUTING_TABLE,10.8.0.2,client1,10.201.0.2:47556,2026-11-30 13:28:25,1796012905\n"
		"ROUTING_TABLE,fd00:8::1000,client1,10.201.0.2:47556,2026-11-30 13:28:24,1796012904\n"
		"GLOBAL_STATS,Max bcast/mcast queue length,0\n"
		"GLOBAL_STATS,dco_enabled,0\n"
		"END\n");
	set_tz("UTC0");
}

/* A server without clients, each version as 2.6 wrote it. */
static void test_empty(void **state)
{
	struct status_server s = { .title = TITLE, .now = HMS(4, 29, 8) };

	assert_format(&s, 1,
		"OpenVPN CLIENT LIST\n"
		"Updated,2026-11-30 04:29:08\n"
		"Common Name,Real Address,Bytes Received,Bytes Sent,Connected Since\n"
		"ROUTING TABLE\n"
		"Virtual Address,Common Name,Real Address,Last Ref\n"
		"GLOBAL STATS\n"
		"Max bcast/mcast queue length,0\n"
		"END\n");
	s.now = 1796012951;
	assert_format(&s, 2,
		"TITLE," TITLE "\n"
		"TIME,2026-11-30 04:29:11,1796012951\n"
		V2_CLIENT_HEADER
		V2_ROUTE_HEADER
		"GLOBAL_STATS,Max bcast/mcast queue length,0\n"
		"GLOBAL_STATS,dco_enabled,0\n"
		"END\n");
	s.now = 1796012953;
	assert_format(&s, 3,
		"TITLE\t" TITLE "\n"
		"TIME\t2026-11-30 04:29:13\t1796012953\n"
		V3_CLIENT_HEADER
		V3_ROUTE_HEADER
		"GLOBAL_STATS\tMax bcast/mcast queue length\t0\n"
		"GLOBAL_STATS\tdco_enabled\t0\n"
		"END\n");
}

/* Missing names print as UNDEF; control characters cannot split a line
 * or a v3 column; dco_enabled and large counters. */
static void test_fields(void **state)
{
	struct status_client c = client(NULL, "10.0.0.2:1", "10.8.0.2", NULL,
					UINT64_MAX, 0, HMS(0, 0, 0), 4294967295ul, 16777215);
	struct status_route r = route("10.8.0.2", "a\tb\nc", "10.0.0.2:1", HMS(0, 0, 1));
	struct status_server s = {
		.title = "t", .now = HMS(23, 59, 59), .clients = &c, .n_clients = 1,
		.routes = &r, .n_routes = 1, .dco_enabled = true,
		.max_bcast_mcast_queue_len = 4096,
	};

	c.username = "u\x01";
	c.cipher = "CHACHA20-POLY1305";
	assert_format(&s, 3,
		"TITLE\tt\n"
		"TIME\t2026-11-30 23:59:59\t1796083199\n"
		V3_CLIENT_HEADER
		"CLIENT_LIST\tUNDEF\t10.0.0.2:1\t10.8.0.2\t\t18446744073709551615\t0\t2026-11-30 00:00:00\t1795996800\tu_\t4294967295\t16777215\tCHACHA20-POLY1305\n"
		V3_ROUTE_HEADER
		"ROUTING_TABLE\t10.8.0.2\ta_b_c\t10.0.0.2:1\t2026-11-30 00:00:01\t1795996801\n"
		"GLOBAL_STATS\tMax bcast/mcast queue length\t4096\n"
		"GLOBAL_STATS\tdco_enabled\t1\n"
		"END\n");
}

/* snprintf semantics: the full length comes back whatever the buffer. */
static void test_buffer_sizes(void **state)
{
	struct status_server s = { .title = TITLE, .now = HMS(1, 2, 3) };
	char full[1024], small[16];
	int n = status_format(&s, 2, full, sizeof(full));

	assert_true(n > 0 && (size_t)n < sizeof(full));
	assert_int_equal(status_format(&s, 2, NULL, 0), n);
	memset(small, 'x', sizeof(small));
	assert_int_equal(status_format(&s, 2, small, sizeof(small)), n);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_memory_equal(small, full, sizeof(small) - 1);
	/* exactly n+1 bytes fit; n bytes do not */
	char *exact = malloc((size_t)n + 1);

	assert_int_equal(status_format(&s, 2, exact, (size_t)n + 1), n);
	assert_string_equal(exact, full);
	assert_int_equal(status_format(&s, 2, exact, (size_t)n), n);
	assert_int_equal(strlen(exact), (size_t)n - 1);
	free(exact);
	assert_int_equal(status_format(&s, 0, full, sizeof(full)), -EINVAL);
	assert_int_equal(status_format(&s, 4, full, sizeof(full)), -EINVAL);
}

static void test_real_addr(void **state)
{
	char buf[ADDR_STRLEN];
	struct sockaddr_any a = sa("10.201.0.2", 51717);

	assert_string_equal(status_real_addr(&a, buf, sizeof(buf)), "10.201.0.2:51717");
	a = sa("::ffff:192.0.2.7", 1194);
	assert_string_equal(status_real_addr(&a, buf, sizeof(buf)), "192.0.2.7:1194");
	a = sa("2001:db8::1", 1194);
	assert_string_equal(status_real_addr(&a, buf, sizeof(buf)), "2001:db8::1");
}

static int count_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* The file is replaced as a whole, mode 0600 like 2.6's, without leaving
 * a temporary behind; status_print writes the same bytes to a FILE. */
static void test_write_file(void **state)
{
	struct status_server s = { .title = TITLE, .now = HMS(4, 29, 8) };
	char dir[] = "/tmp/test_status.XXXXXX";
	char path[64], bad[96], want[1024], got[1024];
	struct stat st;
	FILE *f;
	size_t n;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/status.log", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("an older, much longer status file that must disappear entirely\n", f);
	fclose(f);
	assert_int_equal(status_write_file(&s, 1, path), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(count_dir(dir), 1);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(got, 1, sizeof(got) - 1, f);
	got[n] = '\0';
	fclose(f);
	status_format(&s, 1, want, sizeof(want));
	assert_string_equal(got, want);

	f = tmpfile();
	assert_non_null(f);
	assert_int_equal(status_print(&s, 3, f), 0);
	rewind(f);
	n = fread(got, 1, sizeof(got) - 1, f);
	got[n] = '\0';
	fclose(f);
	status_format(&s, 3, want, sizeof(want));
	assert_string_equal(got, want);
	assert_int_equal(status_print(&s, 9, stdout), -EINVAL);

	snprintf(bad, sizeof(bad), "%s/missing/status.log", dir);
	assert_int_equal(status_write_file(&s, 2, bad), -ENOENT);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v2_capture),
		cmocka_unit_test(test_v3_capture_special_names),
		cmocka_unit_test(test_v1_capture_net30),
		cmocka_unit_test(test_v1_capture_iroute_cache),
		cmocka_unit_test(test_v2_capture_tokyo_udp6),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_buffer_sizes),
		cmocka_unit_test(test_real_addr),
		cmocka_unit_test(test_write_file),
	};

	return cmocka_run_group_tests(tests, utc, NULL);
}
