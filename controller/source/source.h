/*
 * Where descriptors come from. A source hands the reconcile loop
 * revisions: an id (the commit SHA for Git, a content hash for a
 * directory) and a directory holding that revision's files, ready for
 * nfv_repo_load. Git sources fetch into a cache and read the commit's tree
 * (no working-tree checkout); directory sources are watched with inotify.
 */
#ifndef NFV_SOURCE_H
#define NFV_SOURCE_H

#include <stdbool.h>

#include "diag.h"

struct source_rev {
	char *id;      /* full commit SHA, or "dir:" + content hash */
	char *dir;     /* root of this revision's descriptors */
	char *summary; /* commit subject line, or NULL */
};

struct source_git_opts {
	const char *url;  /* https://, ssh://, user@host:path, file://, path */
	const char *ref;  /* branch, tag or SHA; NULL: the remote's HEAD */
	const char *path; /* subdirectory of the tree, or NULL */
	const char
	    *cache_dir; /* NULL: $XDG_CACHE_HOME/nfvsync or ~/.cache/nfvsync */
	const char *token_file;  /* HTTPS token; else $NFVSYNC_GIT_TOKEN */
	const char *ssh_key;     /* SSH private key file */
	const char *known_hosts; /* NULL: ~/.ssh/known_hosts */
};

struct source;

int source_git_open(const struct source_git_opts *o, struct source **ret,
                    struct diag *reterr);
int source_dir_open(const char *dir, struct source **ret, struct diag *reterr);
/* Brings the source up to date (Git: fetch the ref; directory: re-hash)
 * and fills rev with its current revision. 0, or a negative errno with
 * the reason in reterr; on failure rev is untouched. rev starts zeroed or
 * holds an earlier revision, which a successful sync releases. Warnings
 * (a file that was not read) may come with success. */
int source_sync(struct source *s, struct source_rev *rev, struct diag *reterr);
/* A file descriptor to poll: readable when the source changed (inotify);
 * -1 when the source has none (Git). */
int source_fd(const struct source *s);
/* Reads pending change events; true when a descriptor-relevant file
 * changed (editor swap and backup files are ignored). */
bool source_drain(struct source *s);
/* Keeps rev's files on disk while it is in force: a Git source prunes
 * old snapshots but never the kept one (until another is kept). */
void source_rev_keep(struct source *s, const struct source_rev *rev);
/* Names rev's files in d's entries (positions and messages) the way the
 * source knows them: Git's "1a2b3c4:path/file" rather than the snapshot's
 * place in the cache; a directory's stay as they are. */
void source_diag_rename(const struct source *s, const struct source_rev *rev,
                        struct diag *d);
/* A short human name: the URL@ref or the directory. */
const char *source_name(const struct source *s);
void source_rev_done(struct source_rev *rev);
void source_free(struct source *s);

#endif
