/*
 * Unit tests of SHA-256 and HMAC-SHA256 (nfv_util): the FIPS 180-2
 * appendix B messages, block-boundary lengths fed in uneven pieces, the
 * RFC 4231 HMAC test cases, hex output and the constant-time comparison.
 */
#include "unit.h"

#include "sha256.h"

static void
sha256_expect(const void *data, size_t n, const char *hex)
{
	uint8_t d[SHA256_LEN];
	char got[2 * SHA256_LEN + 1];

	sha256_digest(data, n, d);
	sha256_hex(d, sizeof(d), got);
	assert_string_equal(got, hex);
}

static void
hmac_expect(const void *key, size_t keylen, const void *data, size_t n,
            const char *hex)
{
	uint8_t d[SHA256_LEN];
	char got[2 * SHA256_LEN + 1];

	hmac_sha256(key, keylen, data, n, d);
	sha256_hex(d, sizeof(d), got);
	/* RFC 4231 case 5 gives only a prefix (truncated output). */
	assert_memory_equal(got, hex, strlen(hex));
}

static void
test_sha256_fips_180_2_one_block_message(void **state)
{
	sha256_expect("abc", 3,
	              "ba7816bf8f01cfea414140de5dae2223"
	              "b00361a396177a9cb410ff61f20015ad");
}

static void
test_sha256_fips_180_2_two_block_message(void **state)
{
	const char *m =
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	sha256_expect(m, strlen(m),
	              "248d6a61d20638b8e5c026930c3e6039"
	              "a33ce45964ff2167f6ecedd419db06c1");
}

static void
test_sha256_fips_180_2_million_a_fed_in_uneven_pieces(void **state)
{
	static char chunk[997];
	uint8_t d[SHA256_LEN];
	char got[2 * SHA256_LEN + 1];
	struct sha256 s;
	size_t left = 1000000;

	memset(chunk, 'a', sizeof(chunk));
	sha256_init(&s);
	while (left) {
		size_t n = left < sizeof(chunk) ? left : sizeof(chunk);

		sha256_update(&s, chunk, n);
		left -= n;
	}
	sha256_final(&s, d);
	sha256_hex(d, sizeof(d), got);
	assert_string_equal(got, "cdc76e5c9914fb9281a1c7e284d73e67"
	                         "f1809a48a497200e046d39ccc7112cd0");
}

static void
test_sha256_empty_message(void **state)
{
	sha256_expect("", 0,
	              "e3b0c44298fc1c149afbf4c8996fb924"
	              "27ae41e4649b934ca495991b7852b855");
}

/* Padding edge cases: 55 bytes fit one block, 56 need a second, 64 is
 * exactly one. Fed whole and byte by byte, the digests must agree. */
static void
test_sha256_block_boundaries_agree_whole_and_byte_by_byte(void **state)
{
	static const size_t lens[] = {55, 56, 63, 64, 65, 119, 120, 128};
	char msg[128];
	size_t i, j;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (char)('A' + i % 26);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		uint8_t whole[SHA256_LEN], bytes[SHA256_LEN];
		struct sha256 s;

		sha256_digest(msg, lens[i], whole);
		sha256_init(&s);
		for (j = 0; j < lens[i]; j++)
			sha256_update(&s, msg + j, 1);
		sha256_final(&s, bytes);
		assert_memory_equal(whole, bytes, SHA256_LEN);
	}
	/* And the exactly-one-block case against coreutils' sha256sum. */
	sha256_expect("ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ"
	              "ABCDEFGHIJKL",
	              64,
	              "9b0c3567683f6d5198d714b00c40df30"
	              "39f7717ba5ca65c2b6617688b63b42fa");
}

static void
test_hmac_sha256_rfc4231_case_1(void **state)
{
	uint8_t key[20];

	memset(key, 0x0b, sizeof(key));
	hmac_expect(key, sizeof(key), "Hi There", 8,
	            "b0344c61d8db38535ca8afceaf0bf12b"
	            "881dc200c9833da726e9376c2e32cff7");
}

static void
test_hmac_sha256_rfc4231_case_2_short_key(void **state)
{
	const char *data = "what do ya want for nothing?";

	hmac_expect("Jefe", 4, data, strlen(data),
	            "5bdcc146bf60754e6a042426089575c7"
	            "5a003f089d2739839dec58b964ec3843");
}

static void
test_hmac_sha256_rfc4231_case_3(void **state)
{
	uint8_t key[20], data[50];

	memset(key, 0xaa, sizeof(key));
	memset(data, 0xdd, sizeof(data));
	hmac_expect(key, sizeof(key), data, sizeof(data),
	            "773ea91e36800e46854db8ebd09181a7"
	            "2959098b3ef8c122d9635514ced565fe");
}

static void
test_hmac_sha256_rfc4231_case_4(void **state)
{
	uint8_t key[25], data[50];
	unsigned i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i + 1);
	memset(data, 0xcd, sizeof(data));
	hmac_expect(key, sizeof(key), data, sizeof(data),
	            "82558a389a443c0ea4cc819899f2083a"
	            "85f0faa3e578f8077a2e3ff46729665b");
}

static void
test_hmac_sha256_rfc4231_case_5_truncated(void **state)
{
	uint8_t key[20];

	memset(key, 0x0c, sizeof(key));
	hmac_expect(key, sizeof(key), "Test With Truncation", 20,
	            "a3b6167473100ee06e0c796c2955552b");
}

static void
test_hmac_sha256_rfc4231_case_6_key_longer_than_a_block(void **state)
{
	const char *data = "Test Using Larger Than Block-Size Key - Hash Key "
	                   "First";
	uint8_t key[131];

	memset(key, 0xaa, sizeof(key));
	hmac_expect(key, sizeof(key), data, strlen(data),
	            "60e431591ee0b67f0d8a26aacbf5b77f"
	            "8e0bc6213728c5140546040f0ee37f54");
}

static void
test_hmac_sha256_rfc4231_case_7_long_key_and_data(void **state)
{
	const char *data =
	    "This is a test using a larger than block-size key and a larger "
	    "than block-size data. The key needs to be hashed before being "
	    "used by the HMAC algorithm.";
	uint8_t key[131];

	memset(key, 0xaa, sizeof(key));
	hmac_expect(key, sizeof(key), data, strlen(data),
	            "9b09ffa71b942fcb27635fbcd5b0e944"
	            "bfdc63644f0713938a7f51535c3a35e2");
}

static void
test_memeq_const_time_needs_equal_length_and_bytes(void **state)
{
	assert_true(memeq_const_time("abc", 3, "abc", 3));
	assert_true(memeq_const_time("", 0, "", 0));
	assert_false(memeq_const_time("abc", 3, "abd", 3));
	assert_false(memeq_const_time("xbc", 3, "abc", 3));
	assert_false(memeq_const_time("abc", 3, "ab", 2));
	assert_false(memeq_const_time("ab", 2, "abc", 3));
	assert_false(memeq_const_time("abc", 3, "", 0));
	assert_false(memeq_const_time("", 0, "abc", 3));
	/* A prefix repeated is not equal either. */
	assert_false(memeq_const_time("abab", 4, "ab", 2));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sha256_fips_180_2_one_block_message),
	    cmocka_unit_test(test_sha256_fips_180_2_two_block_message),
	    cmocka_unit_test(
	        test_sha256_fips_180_2_million_a_fed_in_uneven_pieces),
	    cmocka_unit_test(test_sha256_empty_message),
	    cmocka_unit_test(
	        test_sha256_block_boundaries_agree_whole_and_byte_by_byte),
	    cmocka_unit_test(test_hmac_sha256_rfc4231_case_1),
	    cmocka_unit_test(test_hmac_sha256_rfc4231_case_2_short_key),
	    cmocka_unit_test(test_hmac_sha256_rfc4231_case_3),
	    cmocka_unit_test(test_hmac_sha256_rfc4231_case_4),
	    cmocka_unit_test(test_hmac_sha256_rfc4231_case_5_truncated),
	    cmocka_unit_test(
	        test_hmac_sha256_rfc4231_case_6_key_longer_than_a_block),
	    cmocka_unit_test(test_hmac_sha256_rfc4231_case_7_long_key_and_data),
	    cmocka_unit_test(
	        test_memeq_const_time_needs_equal_length_and_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
