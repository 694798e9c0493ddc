/*
 * Inside the sources: the vtable each kind fills (git.c, dir.c), the
 * common head of struct source, and helpers shared by the kinds and their
 * tests. Not for the reconcile loop: it uses source.h only.
 */
#ifndef NFV_SOURCE_IMPL_H
#define NFV_SOURCE_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

struct source_ops {
	int (*sync)(struct source *s, struct source_rev *rev,
	            struct diag *reterr);
	int (*fd)(const struct source *s);
	bool (*drain)(struct source *s);
	void (*free)(struct source *s);
	/* optional */
	void (*keep)(struct source *s, const struct source_rev *rev);
	/* the name rev's files go by: "<prefix>relative/path" */
	char *(*file_prefix)(const struct source *s,
	                     const struct source_rev *rev);
};

/* The first member of every kind's own struct. */
struct source {
	const struct source_ops *ops;
	char *name;
};

#define SOURCE_FNV_INIT UINT64_C(0xcbf29ce484222325)
/* FNV-1a 64 of n bytes, continuing from h. */
uint64_t source_fnv1a(uint64_t h, const void *p, size_t n);

/* Whether a file or directory name is an editor's scratch file (vim swap
 * and its 4913 probe, backups ending in '~', emacs .#lock and #autosave#)
 * or a .git directory: never a descriptor, never a change. */
bool source_name_ignored(const char *name);

/*
 * Whether known_hosts text lists host (port 22 unless port > 0 and != 22,
 * then "[host]:port") with exactly this raw public key of type keytype
 * ("ssh-ed25519", "ssh-rsa", ...). Plain and hashed (|1|salt|hmac) host
 * names are understood; @cert-authority and @revoked lines never match.
 */
bool source_known_hosts_match(const char *text, const char *host, int port,
                              const char *keytype, const unsigned char *key,
                              size_t keylen);

/*
 * The Git source's certificate_check callback (payload: the source): SSH
 * host keys must be in its known_hosts file; TLS is left to libgit2.
 * Returns 0, GIT_PASSTHROUGH or GIT_ECERTIFICATE with the reason kept for
 * the error message, which source_git_refusal shows (tests).
 */
struct git_cert;
int source_git_certificate_check(struct git_cert *cert, int valid,
                                 const char *host, void *payload);
const char *source_git_refusal(const struct source *s);

#endif
