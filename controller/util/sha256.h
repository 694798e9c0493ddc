/*
 * SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), for verifying webhook
 * signatures without a crypto library. Not for secrets at rest, not
 * hardened against side channels beyond the constant-time comparison
 * offered here.
 */
#ifndef NFV_SHA256_H
#define NFV_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32
#define SHA256_BLOCK 64

struct sha256 {
	uint32_t h[8];
	uint64_t total; /* bytes hashed so far */
	uint8_t block[SHA256_BLOCK];
	size_t fill; /* bytes waiting in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN]);
void sha256_digest(const void *data, size_t n, uint8_t out[SHA256_LEN]);

void hmac_sha256(const void *key, size_t keylen, const void *data, size_t n,
                 uint8_t out[SHA256_LEN]);

/* Lower-case hex of len bytes into hex (2 * len + 1 bytes). */
void sha256_hex(const uint8_t *bytes, size_t len, char *hex);

/* Compares a and b in a time that depends on their lengths only. */
bool memeq_const_time(const void *a, size_t alen, const void *b, size_t blen);

#endif
