/*
 * Unit tests of localvim's IPv4 allocation (hack/localvim/ipam.c): parsing,
 * CIDR membership, first-free allocation and the loopback mapping.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ipam.h"

static void
test_ipam_parse_accepts_dotted_quads(void **state)
{
	uint32_t a;
	char buf[16];

	assert_int_equal(ipam_parse("10.10.0.12", &a), 0);
	assert_int_equal(a, 0x0a0a000c);
	ipam_format(a, buf);
	assert_string_equal(buf, "10.10.0.12");
	assert_int_equal(ipam_parse("256.1.1.1", &a), -EINVAL);
	assert_int_equal(ipam_parse("1.2.3", &a), -EINVAL);
	assert_int_equal(ipam_parse("1.2.3.4x", &a), -EINVAL);
	assert_int_equal(ipam_parse("", &a), -EINVAL);
}

static void
test_ipam_cidr_masks_the_network(void **state)
{
	uint32_t net, a;
	unsigned prefix;

	assert_int_equal(ipam_parse_cidr("10.10.0.7/24", &net, &prefix), 0);
	assert_int_equal(net, 0x0a0a0000);
	assert_int_equal(prefix, 24);
	ipam_parse("10.10.0.254", &a);
	assert_true(ipam_in_cidr(a, net, prefix));
	ipam_parse("10.10.1.1", &a);
	assert_false(ipam_in_cidr(a, net, prefix));
	assert_int_equal(ipam_parse_cidr("10.10.0.0/33", &net, &prefix),
	                 -EINVAL);
	assert_int_equal(ipam_parse_cidr("10.10.0.0", &net, &prefix), -EINVAL);
}

static void
test_ipam_next_free_skips_taken_addresses(void **state)
{
	uint32_t taken[] = {0x0a0a0002, 0x0a0a0003, 0x0a0a0005};
	uint32_t a;

	assert_int_equal(ipam_next_free(0x0a0a0002, 0x0a0a0006, taken, 3, &a),
	                 0);
	assert_int_equal(a, 0x0a0a0004);
	assert_int_equal(ipam_next_free(0x0a0a0002, 0x0a0a0003, taken, 3, &a),
	                 -ENOSPC);
	assert_int_equal(ipam_next_free(0x0a0a0002, 0x0a0a0002, NULL, 0, &a),
	                 0);
	assert_int_equal(a, 0x0a0a0002);
}

static void
test_ipam_loopback_keeps_the_low_three_octets(void **state)
{
	char buf[16];

	assert_int_equal(ipam_loopback_text("10.10.0.12", buf), 0);
	assert_string_equal(buf, "127.10.0.12");
	assert_int_equal(ipam_loopback_text("172.24.4.9", buf), 0);
	assert_string_equal(buf, "127.24.4.9");
	assert_int_equal(ipam_loopback_text("nope", buf), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ipam_parse_accepts_dotted_quads),
	    cmocka_unit_test(test_ipam_cidr_masks_the_network),
	    cmocka_unit_test(test_ipam_next_free_skips_taken_addresses),
	    cmocka_unit_test(test_ipam_loopback_keeps_the_low_three_octets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
