/* Bounds of the packet buffer helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"

static void test_headroom_push_pull(void **state)
{
	uint8_t mem[64];
	struct buf b;
	uint8_t *p;

	buf_init(&b, mem, sizeof(mem), 16);
	assert_int_equal(buf_headroom(&b), 16);
	assert_int_equal(buf_tailroom(&b), 48);
	assert_true(buf_write(&b, "payload", 7));
	p = buf_push(&b, 2);
	assert_ptr_equal(p, mem + 14);
	p[0] = 0x12;
	p[1] = 0x34;
	assert_int_equal(buf_len(&b), 9);
	assert_memory_equal(buf_data(&b) + 2, "payload", 7);
	/* pushing past the front fails and leaves the buffer untouched */
	assert_null(buf_push(&b, 15));
	assert_int_equal(buf_len(&b), 9);
	assert_ptr_equal(buf_pull(&b, 2), mem + 14);
	assert_memory_equal(buf_data(&b), "payload", 7);
}

static void test_put_trim_bounds(void **state)
{
	uint8_t mem[8];
	struct buf b;

	buf_init(&b, mem, sizeof(mem), 2);
	assert_non_null(buf_put(&b, 6));
	assert_null(buf_put(&b, 1));
	assert_false(buf_write(&b, "x", 1));
	assert_false(buf_trim(&b, 7));
	assert_true(buf_trim(&b, 6));
	assert_int_equal(buf_len(&b), 0);
	assert_null(buf_pull(&b, 1));
}

static void test_headroom_larger_than_capacity(void **state)
{
	uint8_t mem[4];
	struct buf b;

	buf_init(&b, mem, sizeof(mem), 100);
	assert_int_equal(buf_headroom(&b), 4);
	assert_int_equal(buf_tailroom(&b), 0);
	assert_false(buf_write_u8(&b, 1));
}

static void test_integers_network_order(void **state)
{
	uint8_t mem[32];
	struct buf b;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;

	buf_init(&b, mem, sizeof(mem), 0);
	assert_true(buf_write_u8(&b, 0xab));
	assert_true(buf_write_u16(&b, 0x1234));
	assert_true(buf_write_u32(&b, 0xdeadbeef));
	assert_memory_equal(buf_data(&b), "\xab\x12\x34\xde\xad\xbe\xef", 7);
	assert_true(buf_read_u8(&b, &u8));
	assert_true(buf_read_u16(&b, &u16));
	assert_true(buf_read_u32(&b, &u32));
	assert_int_equal(u8, 0xab);
	assert_int_equal(u16, 0x1234);
	assert_int_equal(u32, 0xdeadbeef);
	/* short reads fail without consuming */
	assert_true(buf_write_u8(&b, 7));
	assert_false(buf_read_u16(&b, &u16));
	assert_int_equal(buf_len(&b), 1);
}

static void test_reset(void **state)
{
	uint8_t mem[16];
	struct buf b;

	buf_init(&b, mem, sizeof(mem), 4);
	assert_true(buf_write(&b, "abcdef", 6));
	buf_reset(&b, 8);
	assert_int_equal(buf_len(&b), 0);
	assert_int_equal(buf_headroom(&b), 8);
	assert_true(buf_prepend(&b, "hdr", 3));
	assert_memory_equal(buf_data(&b), "hdr", 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headroom_push_pull),
		cmocka_unit_test(test_put_trim_bounds),
		cmocka_unit_test(test_headroom_larger_than_capacity),
		cmocka_unit_test(test_integers_network_order),
		cmocka_unit_test(test_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
