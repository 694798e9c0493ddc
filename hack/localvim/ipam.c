/*
 * IPv4 parsing and allocation for localvim. Pure: every caller passes the
 * taken set it computed from the world, so this file is unit-tested alone.
 */
#include "ipam.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
ipam_parse(const char *s, uint32_t *ret)
{
	unsigned long part;
	uint32_t a = 0;
	int i;

	if (s == NULL)
		return -EINVAL;
	for (i = 0; i < 4; i++) {
		char *end;

		if (*s < '0' || *s > '9')
			return -EINVAL;
		part = strtoul(s, &end, 10);
		if (part > 255 || end - s > 3)
			return -EINVAL;
		a = (a << 8) | (uint32_t)part;
		s = end;
		if (i < 3) {
			if (*s != '.')
				return -EINVAL;
			s++;
		}
	}
	if (*s != '\0')
		return -EINVAL;
	*ret = a;
	return 0;
}

void
ipam_format(uint32_t a, char out[16])
{
	snprintf(out, 16, "%u.%u.%u.%u", (a >> 24) & 255, (a >> 16) & 255,
	         (a >> 8) & 255, a & 255);
}

static uint32_t
ipam_mask(unsigned prefix)
{
	return prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
}

int
ipam_parse_cidr(const char *s, uint32_t *ret_net, unsigned *ret_prefix)
{
	char buf[32];
	const char *slash;
	unsigned long prefix;
	char *end;
	uint32_t a;

	if (s == NULL || (slash = strchr(s, '/')) == NULL ||
	    (size_t)(slash - s) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	if (ipam_parse(buf, &a) < 0)
		return -EINVAL;
	if (slash[1] < '0' || slash[1] > '9')
		return -EINVAL;
	prefix = strtoul(slash + 1, &end, 10);
	if (*end != '\0' || prefix > 32)
		return -EINVAL;
	*ret_net = a & ipam_mask((unsigned)prefix);
	*ret_prefix = (unsigned)prefix;
	return 0;
}

bool
ipam_in_cidr(uint32_t a, uint32_t net, unsigned prefix)
{
	return (a & ipam_mask(prefix)) == (net & ipam_mask(prefix));
}

int
ipam_next_free(uint32_t start, uint32_t end, const uint32_t *taken, size_t n,
               uint32_t *ret)
{
	uint64_t a;
	size_t i;

	for (a = start; a <= end; a++) {
		for (i = 0; i < n; i++)
			if (taken[i] == (uint32_t)a)
				break;
		if (i == n) {
			*ret = (uint32_t)a;
			return 0;
		}
	}
	return -ENOSPC;
}

uint32_t
ipam_loopback(uint32_t a)
{
	return (127u << 24) | (a & 0x00ffffffu);
}

int
ipam_loopback_text(const char *tenant, char out[16])
{
	uint32_t a;

	if (ipam_parse(tenant, &a) < 0)
		return -EINVAL;
	ipam_format(ipam_loopback(a), out);
	return 0;
}
