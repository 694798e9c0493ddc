/*
 * Is this SSH host key known? A reading of OpenSSH's known_hosts format
 * (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): plain and hashed host names,
 * "[host]:port", '*'/'?' patterns and '!' negation; @revoked keys are
 * refused even when listed, @cert-authority lines are not host keys.
 * Pure: the caller reads the file.
 */
#include "source_impl.h"
#include "xalloc.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>

/* Decodes base64 text of length n into out (room for n bytes); returns
 * the length, or -1 on a bad character. */
static long
kh_base64(const char *s, size_t n, unsigned char *out)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned long acc = 0;
	int bits = 0;
	long len = 0;
	size_t i;

	for (i = 0; i < n && s[i] != '='; i++) {
		const char *p = strchr(alphabet, s[i]);

		if (!p || !s[i])
			return -1;
		acc = (acc << 6) | (unsigned long)(p - alphabet);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[len++] = (unsigned char)(acc >> bits);
		}
	}
	return len;
}

/* "|1|salt|hmac": HMAC-SHA1 of the name keyed with the salt. */
static bool
kh_hashed_match(const char *pattern, size_t n, const char *name)
{
	unsigned char salt[64], want[64], got[EVP_MAX_MD_SIZE];
	unsigned int gotlen = 0;
	const char *bar;
	long saltlen, wantlen;

	if (n < 3 || strncmp(pattern, "|1|", 3) != 0)
		return false;
	bar = memchr(pattern + 3, '|', n - 3);
	if (!bar || (size_t)(bar - pattern - 3) > sizeof(salt) ||
	    (size_t)(pattern + n - bar - 1) > sizeof(want))
		return false;
	saltlen = kh_base64(pattern + 3, (size_t)(bar - pattern - 3), salt);
	wantlen = kh_base64(bar + 1, (size_t)(pattern + n - bar - 1), want);
	if (saltlen <= 0 || wantlen != 20)
		return false;
	if (!HMAC(EVP_sha1(), salt, (int)saltlen, (const unsigned char *)name,
	          strlen(name), got, &gotlen))
		return false;
	return gotlen == 20 && memcmp(got, want, 20) == 0;
}

/* OpenSSH's patterns: '*' any run, '?' any one character, nothing else
 * special ("[host]:port" is literal). Case-insensitive, as host names. */
static bool
kh_wildcard(const char *p, const char *s)
{
	for (; *p; p++, s++) {
		if (*p == '*') {
			for (;; s++) {
				if (kh_wildcard(p + 1, s))
					return true;
				if (!*s)
					return false;
			}
		}
		if (!*s || (*p != '?' && tolower((unsigned char)*p) !=
		                             tolower((unsigned char)*s)))
			return false;
	}
	return !*s;
}

/* Whether the comma-separated host patterns match name. */
static bool
kh_hosts_match(const char *hosts, size_t n, const char *name)
{
	bool matched = false;
	const char *p = hosts, *end = hosts + n;

	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		size_t len = (size_t)((comma ? comma : end) - p);
		bool negated = len && *p == '!';
		char *pat = xstrndup(p + negated, len - negated);
		bool hit = *pat == '|' ? kh_hashed_match(pat, strlen(pat), name)
		                       : kh_wildcard(pat, name);

		free(pat);
		if (hit && negated)
			return false;
		matched |= hit;
		p += len + 1;
	}
	return matched;
}

bool
source_known_hosts_match(const char *text, const char *host, int port,
                         const char *keytype, const unsigned char *key,
                         size_t keylen)
{
	char *name = port > 0 && port != 22 ? xasprintf("[%s]:%d", host, port)
	                                    : xstrdup(host);
	const char *line = text;
	bool known = false, revoked = false;

	while (line && *line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		char *l = xstrndup(line, len), *f[4], *save = NULL;
		int nf = 0;
		bool is_revoked = false;

		for (char *t = strtok_r(l, " \t\r", &save); t && nf < 4;
		     t = strtok_r(NULL, " \t\r", &save))
			f[nf++] = t;
		if (nf >= 1 && f[0][0] == '@') {
			is_revoked = strcmp(f[0], "@revoked") == 0;
			if (!is_revoked) /* @cert-authority */
				nf = 0;
			else
				memmove(f, f + 1, sizeof(f[0]) * (size_t)--nf);
		}
		if (nf >= 3 && f[0][0] != '#' && strcmp(f[1], keytype) == 0 &&
		    kh_hosts_match(f[0], strlen(f[0]), name)) {
			size_t blen = strlen(f[2]);
			unsigned char *buf = xmalloc(blen + 1);
			long n = kh_base64(f[2], blen, buf);

			if (n == (long)keylen &&
			    memcmp(buf, key, keylen) == 0) {
				if (is_revoked)
					revoked = true;
				else
					known = true;
			}
			free(buf);
		}
		free(l);
		line = eol ? eol + 1 : NULL;
	}
	free(name);
	return known && !revoked;
}
