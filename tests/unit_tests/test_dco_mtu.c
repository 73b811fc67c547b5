/*
 * DCO MTU diagnostics: the encapsulation overhead and the suggested tun-mtu
 * for each transport, and the once-only warning against the loopback path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "dco_mtu.h"

static void test_udp4(void **state)
{
	struct dco_mtu_eval e;

	/* the classic case: default tun-mtu over Ethernet */
	assert_int_equal(dco_mtu_evaluate(1500, 1500, AF_INET, false, "AES-256-GCM", &e), 0);
	assert_int_equal(e.ip_hdr, 20);
	assert_int_equal(e.transport_hdr, 8);
	assert_int_equal(e.crypto, 24);
	assert_int_equal(e.overhead, 52);
	assert_int_equal(e.outer, 1552);
	assert_true(e.exceeds);
	assert_int_equal(e.suggested_tun_mtu, 1448);
	/* the suggestion itself fits exactly, one byte more does not */
	assert_int_equal(dco_mtu_evaluate(1448, 1500, AF_INET, false, "AES-256-GCM", &e), 0);
	assert_false(e.exceeds);
	assert_int_equal(e.outer, 1500);
	assert_int_equal(dco_mtu_evaluate(1449, 1500, AF_INET, false, "AES-256-GCM", &e), 0);
	assert_true(e.exceeds);
	assert_int_equal(dco_mtu_evaluate(1400, 1500, AF_INET, false, "AES-256-GCM", &e), 0);
	assert_false(e.exceeds);
}

static void test_udp6_and_ciphers(void **state)
{
	static const char *const ciphers[] = {
		"AES-128-GCM", "AES-192-GCM", "AES-256-GCM", "CHACHA20-POLY1305", "aes-256-gcm",
	};
	struct dco_mtu_eval e;
	size_t i;

	/* every cipher the module runs has a 16-byte tag: same overhead */
	for (i = 0; i < sizeof(ciphers) / sizeof(ciphers[0]); i++) {
		assert_int_equal(dco_mtu_evaluate(1500, 1500, AF_INET6, false, ciphers[i], &e), 0);
		assert_int_equal(e.overhead, 72); /* the module's own default MTU is 1500 - 72 */
		assert_int_equal(e.suggested_tun_mtu, 1428);
		assert_true(e.exceeds);
	}
	/* a PPPoE path */
	assert_int_equal(dco_mtu_evaluate(1500, 1492, AF_INET, false, "CHACHA20-POLY1305", &e), 0);
	assert_int_equal(e.suggested_tun_mtu, 1440);
}

static void test_tcp(void **state)
{
	struct dco_mtu_eval e;

	assert_int_equal(dco_mtu_evaluate(1500, 1500, AF_INET, true, "AES-256-GCM", &e), 0);
	assert_int_equal(e.transport_hdr, 22);
	assert_int_equal(e.overhead, 66);
	assert_int_equal(e.suggested_tun_mtu, 1434);
	assert_int_equal(dco_mtu_evaluate(1500, 1500, AF_INET6, true, "AES-256-GCM", &e), 0);
	assert_int_equal(e.overhead, 86);
}

static void test_bad_input(void **state)
{
	struct dco_mtu_eval e;

	assert_int_equal(dco_mtu_evaluate(1500, 1500, AF_INET, false, "AES-256-CBC", &e), -EINVAL);
	assert_int_equal(dco_mtu_evaluate(1500, 1500, AF_INET, false, NULL, &e), -EINVAL);
	assert_int_equal(dco_mtu_evaluate(1500, 1500, AF_UNIX, false, "AES-256-GCM", &e), -EINVAL);
	assert_int_equal(dco_mtu_evaluate(0, 1500, AF_INET, false, "AES-256-GCM", &e), -EINVAL);
	assert_int_equal(dco_mtu_evaluate(70000, 1500, AF_INET, false, "AES-256-GCM", &e), -EINVAL);
	assert_int_equal(dco_mtu_evaluate(1500, 67, AF_INET, false, "AES-256-GCM", &e), -EINVAL);
	/* a path too small for any useful inner packet: no suggestion */
	assert_int_equal(dco_mtu_evaluate(1500, 100, AF_INET6, false, "AES-256-GCM", &e), 0);
	assert_true(e.exceeds);
	assert_int_equal(e.suggested_tun_mtu, 0);
	/* loopback reports 65536, more than a tun device can have */
	assert_int_equal(dco_mtu_evaluate(65535, 65536, AF_INET, false, "AES-256-GCM", &e), 0);
	assert_true(e.exceeds);
}

static void test_path_mtu_and_once(void **state)
{
	struct sockaddr_any lo = { .len = sizeof(struct sockaddr_in) };
	struct sockaddr_any none = { .len = 0 };
	bool once = false;
	int mtu = 0, ret;

	lo.in4.sin_family = AF_INET;
	lo.in4.sin_port = htons(1194);
	lo.in4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(dco_path_mtu(&none, &mtu), -EINVAL);
	ret = dco_path_mtu(&lo, &mtu);
	if (ret < 0)
		skip(); /* no loopback in this sandbox */
	assert_true(mtu >= 68);
	/* TCP: nothing is fragmented, nothing to say */
	assert_int_equal(dco_mtu_warn("", 1500, &lo, true, "AES-256-GCM", &once), 0);
	assert_false(once);
	/* a tun-mtu that fits the loopback path */
	assert_int_equal(dco_mtu_warn("", 1500, &lo, false, "AES-256-GCM", &once), mtu >= 1552 ? 0 : 1);
	if (mtu < 65535 + 52) {
		once = false;
		assert_int_equal(dco_mtu_warn("test", 65535, &lo, false, "AES-256-GCM", &once), 1);
		assert_true(once);
		/* only once */
		assert_int_equal(dco_mtu_warn("test", 65535, &lo, false, "AES-256-GCM", &once), 0);
	}
}

/* our module says "Y" in sysfs; the reference has no such file */
static void test_module_clamps(void **state)
{
	char path[] = "/tmp/test_dco_mtu.XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_false(dco_mtu_module_clamps(path)); /* empty */
	assert_int_equal(write(fd, "Y\n", 2), 2);
	assert_true(dco_mtu_module_clamps(path));
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(pwrite(fd, "N\n", 2, 0), 2);
	assert_false(dco_mtu_module_clamps(path));
	close(fd);
	unlink(path);
	assert_false(dco_mtu_module_clamps(path)); /* gone */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp4),
		cmocka_unit_test(test_udp6_and_ciphers),
		cmocka_unit_test(test_tcp),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_path_mtu_and_once),
		cmocka_unit_test(test_module_clamps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
