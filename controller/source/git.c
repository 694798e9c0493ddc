/*
 * The Git source: a bare repository per URL in the cache, fetched on each
 * sync, and the descriptors read straight from the resolved commit's tree
 * into a per-commit snapshot directory (no working tree, no index).
 *
 *   CACHE/<fnv64(url)>/repo.git        bare, fetched from the URL
 *   CACHE/<fnv64(url)>/url             the URL (to catch a collision)
 *   CACHE/<fnv64(url)>/rev/<sha>[-<p>] the files under --path at <sha>
 *
 * A snapshot is written into a temporary directory and renamed into place,
 * so one that exists is complete and is reused as is. Only the newest few
 * are kept. Secrets (the token, a password in the URL) never appear in a
 * message. It never prints: errors go to the caller's diag.
 *
 * Fetches are full-depth: libgit2 1.5 has no shallow fetch (depth arrived
 * in 1.7). A fetch asks only for the ref wanted, so after the first clone
 * it moves the new commits of that ref and nothing else. libgit2 1.5 has
 * no network timeouts either: a server that accepts and then stays silent
 * holds a sync until the connection drops. Nothing is garbage-collected:
 * objects of rewritten history stay in the bare cache.
 */
#include "source_impl.h"
#include "strbuf.h"
#include "xalloc.h"

#include <ctype.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Snapshots kept in the cache besides the current one and the one in
 * force; and the age (s) past which another process's are fair game. */
#define GIT_SNAPSHOTS_KEPT 3
#define GIT_FOREIGN_AGE 3600

struct source_git {
	struct source head;
	char *url;       /* as given (local paths made absolute) */
	char *url_shown; /* with any password replaced by "***" */
	char *ref;       /* NULL: the remote's HEAD */
	char *path;      /* "" for the whole tree, else "a/b" */
	char *cache;     /* CACHE/<hash> */
	char *token;     /* HTTPS token, or NULL */
	char *ssh_key;   /* or NULL */
	char *known_hosts;
	int ssh_port; /* 0 unless an ssh:// URL names one */
	git_repository *repo;
	char *kept;    /* the snapshot in force: never pruned */
	char **handed; /* snapshots this source returned */
	size_t nhanded, handed_cap;
	/* Per fetch: what a callback refused, and how often it was asked. */
	char *why;
	int cred_calls;
};

static const struct source_ops source_git_ops;

static int
git_mkdirs(const char *path)
{
	char *p = xstrdup(path), *q = p;
	int r = 0;

	while (r == 0 && (q = strchr(q + 1, '/'))) {
		*q = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			r = -errno;
		*q = '/';
	}
	if (r == 0 && mkdir(p, 0700) < 0 && errno != EEXIST)
		r = -errno;
	free(p);
	return r;
}

static int
git_rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path) < 0 ? -1 : 0;
}

static void
git_rmtree(const char *path)
{
	nftw(path, git_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static char *
git_default_cache(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	if (xdg && *xdg == '/')
		return xasprintf("%s/nfvsync", xdg);
	if (home && *home)
		return xasprintf("%s/.cache/nfvsync", home);
	return NULL;
}

/* "https://user:secret@host/x" -> "https://user:***@host/x". */
static char *
git_url_redact(const char *url)
{
	const char *scheme = strstr(url, "://"), *at, *colon, *slash;

	if (!scheme)
		return xstrdup(url);
	scheme += 3;
	slash = strchr(scheme, '/');
	at = strchr(scheme, '@');
	if (!at || (slash && at > slash))
		return xstrdup(url);
	colon = memchr(scheme, ':', (size_t)(at - scheme));
	if (!colon)
		return xstrdup(url);
	return xasprintf("%.*s:***%s", (int)(colon - url), url, at);
}

/* A local path (no scheme, no scp-like host:) is made absolute, so the
 * cache key does not depend on the working directory. */
static char *
git_url_normalize(const char *url)
{
	const char *colon = strchr(url, ':'), *slash = strchr(url, '/');
	char *abs;

	if (strstr(url, "://") || (colon && (!slash || colon < slash)))
		return xstrdup(url);
	abs = realpath(url, NULL);
	return abs ? abs : xstrdup(url);
}

static int
git_ssh_port(const char *url)
{
	const char *h, *end, *colon;

	if (strncmp(url, "ssh://", 6) != 0 && strncmp(url, "git+ssh://", 10))
		return 0;
	h = strstr(url, "://") + 3;
	end = h + strcspn(h, "/");
	if (memchr(h, '@', (size_t)(end - h)))
		h = (const char *)memchr(h, '@', (size_t)(end - h)) + 1;
	if (*h == '[') {
		h = memchr(h, ']', (size_t)(end - h));
		if (!h)
			return 0;
	}
	colon = memchr(h, ':', (size_t)(end - h));
	return colon ? atoi(colon + 1) : 0;
}

/* "a//b/" -> "a/b"; "" for the root. NULL when a component is "..". */
static char *
git_path_normalize(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = path ? path : "";

	strbuf_puts(&sb, "");
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && strncmp(p, "..", 2) == 0) {
			strbuf_done(&sb);
			return NULL;
		}
		if (n && !(n == 1 && *p == '.')) {
			if (sb.len)
				strbuf_putc(&sb, '/');
			strbuf_add(&sb, p, n);
		}
		p += n;
		while (*p == '/')
			p++;
	}
	return strbuf_detach(&sb);
}

static int
git_read_token(const char *file, char **ret, struct diag *reterr)
{
	const char *env = getenv("NFVSYNC_GIT_TOKEN");
	struct strbuf sb = STRBUF_INIT;
	char buf[512];
	size_t n;
	FILE *f;

	*ret = NULL;
	if (!file) {
		if (env && *env)
			*ret = xstrdup(env);
		return 0;
	}
	f = fopen(file, "r");
	if (!f) {
		int r = -errno;

		diag_error(reterr, NULL, "Git token file %s: %s", file,
		           strerror(errno));
		return r;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	while (sb.len && isspace((unsigned char)sb.buf[sb.len - 1]))
		sb.buf[--sb.len] = '\0';
	if (!sb.len) {
		strbuf_done(&sb);
		diag_error(reterr, NULL, "Git token file %s is empty", file);
		return -EINVAL;
	}
	*ret = strbuf_detach(&sb);
	return 0;
}

static const char *
git_ref_shown(const struct source_git *g)
{
	return g->ref ? g->ref : "HEAD";
}

/* "fetch URL (REF): <why>" from a callback's reason or libgit2's error. */
static int
git_fail(struct source_git *g, const char *what, int err, struct diag *reterr)
{
	const git_error *e = git_error_last();
	const char *why = g->why ? g->why : e && e->message ? e->message : NULL;

	diag_error(reterr, NULL, "%s %s (%s): %s", what, g->url_shown,
	           git_ref_shown(g), why ? why : "failed");
	free(g->why);
	g->why = NULL;
	switch (err) {
	case GIT_ENOTFOUND:
		return -ENOENT;
	case GIT_EAUTH:
		return -EACCES;
	case GIT_ECERTIFICATE:
		return -EPERM;
	default:
		return -EIO;
	}
}

static void
git_set_why(struct source_git *g, char *why)
{
	free(g->why);
	g->why = why;
}

static int
git_credentials(git_credential **out, const char *url, const char *user,
                unsigned int allowed, void *payload)
{
	struct source_git *g = payload;
	int first = g->cred_calls++ == 0;

	if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
		if (!g->token) {
			git_set_why(g, xstrdup("authentication required (set "
			                       "NFVSYNC_GIT_TOKEN or a token "
			                       "file)"));
			return GIT_EAUTH;
		}
		if (!first) {
			git_set_why(g, xstrdup("authentication failed: the "
			                       "token was refused"));
			return GIT_EAUTH;
		}
		/* GitHub's convention; GitLab and Gitea take any user
		 * name with a token as the password. */
		return git_credential_userpass_plaintext_new(
		    out, "x-access-token", g->token);
	}
	if (allowed & GIT_CREDENTIAL_USERNAME)
		return git_credential_username_new(out, user ? user : "git");
	if (allowed & GIT_CREDENTIAL_SSH_KEY) {
		if (!g->ssh_key) {
			git_set_why(g, xstrdup("authentication required (give "
			                       "an SSH key file)"));
			return GIT_EAUTH;
		}
		if (g->cred_calls > 2) {
			git_set_why(g, xasprintf("authentication failed: the "
			                         "SSH key %s was refused",
			                         g->ssh_key));
			return GIT_EAUTH;
		}
		return git_credential_ssh_key_new(out, user ? user : "git",
		                                  NULL, g->ssh_key, NULL);
	}
	git_set_why(g, xstrdup("authentication required, and the server "
	                       "offers no method nfvsync supports"));
	return GIT_EAUTH;
}

static const char *
git_hostkey_type(git_cert_ssh_raw_type_t t)
{
	switch (t) {
	case GIT_CERT_SSH_RAW_TYPE_RSA:
		return "ssh-rsa";
	case GIT_CERT_SSH_RAW_TYPE_DSS:
		return "ssh-dss";
	case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_256:
		return "ecdsa-sha2-nistp256";
	case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_384:
		return "ecdsa-sha2-nistp384";
	case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_521:
		return "ecdsa-sha2-nistp521";
	case GIT_CERT_SSH_RAW_TYPE_KEY_ED25519:
		return "ssh-ed25519";
	default:
		return NULL;
	}
}

static char *
git_read_file(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	strbuf_puts(&sb, "");
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	return strbuf_detach(&sb);
}

int
source_git_certificate_check(git_cert *cert, int valid, const char *host,
                             void *payload)
{
	struct source_git *g = payload;
	const git_cert_hostkey *hk;
	const char *type;
	char *text;
	bool ok;

	if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2)
		return GIT_PASSTHROUGH;
	hk = (const git_cert_hostkey *)cert;
	type =
	    hk->type & GIT_CERT_SSH_RAW ? git_hostkey_type(hk->raw_type) : NULL;
	if (!type) {
		git_set_why(g,
		            xasprintf("host %s: unknown host key type", host));
		return GIT_ECERTIFICATE;
	}
	text = g->known_hosts ? git_read_file(g->known_hosts) : NULL;
	if (!text) {
		git_set_why(g, xasprintf("host %s cannot be verified: cannot "
		                         "read known_hosts file %s",
		                         host,
		                         g->known_hosts ? g->known_hosts
		                                        : "(no $HOME)"));
		return GIT_ECERTIFICATE;
	}
	ok = source_known_hosts_match(text, host, g->ssh_port, type,
	                              (const unsigned char *)hk->hostkey,
	                              hk->hostkey_len);
	free(text);
	if (!ok) {
		git_set_why(g, xasprintf("unknown host: %s's %s key is not in "
		                         "%s (add it after checking its "
		                         "fingerprint)",
		                         host, type, g->known_hosts));
		return GIT_ECERTIFICATE;
	}
	return 0;
}

int
source_git_open(const struct source_git_opts *o, struct source **ret,
                struct diag *reterr)
{
	struct source_git *g;
	char *cache = NULL, *repo_path = NULL, *url_file = NULL;
	const char *home = getenv("HOME");
	uint64_t h;
	int r;

	*ret = NULL;
	if (!o->url || !*o->url) {
		diag_error(reterr, NULL, "Git source: no repository URL");
		return -EINVAL;
	}
	git_libgit2_init();
	g = xcalloc(1, sizeof(*g));
	g->head.ops = &source_git_ops;
	g->url = git_url_normalize(o->url);
	g->url_shown = git_url_redact(g->url);
	g->ref = o->ref && *o->ref ? xstrdup(o->ref) : NULL;
	g->ssh_port = git_ssh_port(g->url);
	g->head.name = g->ref ? xasprintf("%s@%s", g->url_shown, g->ref)
	                      : xstrdup(g->url_shown);
	g->path = git_path_normalize(o->path);
	if (!g->path) {
		diag_error(reterr, NULL,
		           "Git source %s: path '%s' leaves the "
		           "repository",
		           g->url_shown, o->path);
		r = -EINVAL;
		goto out;
	}
	g->ssh_key = o->ssh_key ? xstrdup(o->ssh_key) : NULL;
	if (o->known_hosts)
		g->known_hosts = xstrdup(o->known_hosts);
	else if (home && *home)
		g->known_hosts = xasprintf("%s/.ssh/known_hosts", home);
	r = git_read_token(o->token_file, &g->token, reterr);
	if (r < 0)
		goto out;

	cache = o->cache_dir ? xstrdup(o->cache_dir) : git_default_cache();
	if (!cache) {
		diag_error(reterr, NULL,
		           "Git source %s: no cache directory "
		           "(neither XDG_CACHE_HOME nor HOME is set)",
		           g->url_shown);
		r = -EINVAL;
		goto out;
	}
	h = source_fnv1a(SOURCE_FNV_INIT, g->url, strlen(g->url));
	g->cache = xasprintf("%s/%016llx", cache, (unsigned long long)h);
	repo_path = xasprintf("%s/repo.git", g->cache);
	r = git_mkdirs(g->cache);
	if (r < 0) {
		diag_error(reterr, NULL, "Git cache %s: %s", g->cache,
		           strerror(-r));
		goto out;
	}
	/* The URL is kept in a file beside the repository, not as a named
	 * remote: libgit2 1.5's configuration regexes leak (pcre2 match
	 * data, fixed in 1.6), and an anonymous remote needs none. */
	url_file = xasprintf("%s/url", g->cache);
	if (git_repository_open_bare(&g->repo, repo_path) < 0) {
		FILE *uf;

		if (git_repository_init(&g->repo, repo_path, 1) < 0) {
			r = git_fail(g, "clone", 0, reterr);
			goto out;
		}
		uf = fopen(url_file, "w");
		if (!uf || fprintf(uf, "%s\n", g->url) < 0 || fclose(uf) != 0) {
			r = -errno;
			diag_error(reterr, NULL, "Git cache %s: %s", url_file,
			           strerror(errno));
			goto out;
		}
	} else {
		char *known = git_read_file(url_file);
		size_t n = known ? strlen(known) : 0;

		if (n && known[n - 1] == '\n')
			known[n - 1] = '\0';
		if (!known || strcmp(known, g->url) != 0) {
			diag_error(reterr, NULL,
			           "Git cache %s does not hold "
			           "%s; remove it",
			           g->cache, g->url_shown);
			free(known);
			r = -EEXIST;
			goto out;
		}
		free(known);
	}
	*ret = &g->head;
	g = NULL;
	r = 0;
out:
	free(url_file);
	free(repo_path);
	free(cache);
	if (g) {
		free(g->head.name);
		g->head.name = NULL;
		source_git_ops.free(&g->head);
	}
	return r;
}

static bool
git_is_hex(const char *s, size_t min)
{
	size_t n = strlen(s);

	return n >= min && n <= GIT_OID_HEXSZ &&
	       strspn(s, "0123456789abcdef") == n;
}

/* The advertised ref ref names (git's order: as given, then as a tag,
 * then as a branch); NULL when none. */
static const git_remote_head *
git_find_head(const git_remote_head **heads, size_t n, const char *ref)
{
	char *names[3];
	const git_remote_head *found = NULL;
	size_t i, k;

	names[0] = xstrdup(ref);
	names[1] = xasprintf("refs/tags/%s", ref);
	names[2] = xasprintf("refs/heads/%s", ref);
	for (k = strncmp(ref, "refs/", 5) == 0 ? 0 : 1; k < 3 && !found; k++)
		for (i = 0; i < n && !found; i++)
			if (strcmp(heads[i]->name, names[k]) == 0)
				found = heads[i];
	for (k = 0; k < 3; k++)
		free(names[k]);
	return found;
}

static const git_remote_head *
git_find_branch_at_head(const git_remote_head **heads, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (strcmp(heads[i]->name, "HEAD") != 0)
			continue;
		for (j = 0; j < n; j++)
			if (strncmp(heads[j]->name, "refs/heads/", 11) == 0 &&
			    git_oid_equal(&heads[j]->oid, &heads[i]->oid))
				return heads[j];
	}
	return NULL;
}

/*
 * Connects, picks the ref to fetch and fetches it (a name into the same
 * name in the bare cache, forced so rewritten history is followed; a SHA
 * by fetching every branch and tag). *ret_ref: the local ref to peel, or
 * NULL when the SHA is to be looked up.
 */
static int
git_fetch(struct source_git *g, char **ret_ref, struct diag *reterr)
{
	git_remote *remote = NULL;
	git_remote_create_options co;
	git_remote_callbacks cbs;
	git_fetch_options fo;
	const git_remote_head **heads;
	const git_remote_head *head = NULL;
	git_buf defbranch = {0};
	char *spec[2] = {NULL, NULL};
	git_strarray specs = {spec, 1};
	size_t n;
	int err, r = 0;

	*ret_ref = NULL;
	git_remote_init_callbacks(&cbs, GIT_REMOTE_CALLBACKS_VERSION);
	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	g->cred_calls = 0;
	free(g->why);
	g->why = NULL;
	cbs.credentials = git_credentials;
	cbs.certificate_check = source_git_certificate_check;
	cbs.payload = g;
	git_remote_create_options_init(&co, GIT_REMOTE_CREATE_OPTIONS_VERSION);
	co.repository = g->repo;
	/* The URL given is the URL used: no url.*.insteadOf rewriting from
	 * whoever's ~/.gitconfig (whose lookup also leaks in libgit2 1.5) */
	co.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF;
	err = git_remote_create_with_opts(&remote, g->url, &co);
	if (err == 0)
		err = git_remote_connect(remote, GIT_DIRECTION_FETCH, &cbs,
		                         NULL, NULL);
	if (err == 0)
		err = git_remote_ls(&heads, &n, remote);
	if (err < 0) {
		r = git_fail(g, "fetch", err, reterr);
		goto out;
	}
	if (!g->ref) {
		if (git_remote_default_branch(&defbranch, remote) == 0)
			head = git_find_head(heads, n, defbranch.ptr);
		else /* no symref advertised: a branch at HEAD's commit */
			head = git_find_branch_at_head(heads, n);
		if (!head) {
			git_set_why(g,
			            xstrdup("the remote has no HEAD (an empty "
			                    "repository?)"));
			r = git_fail(g, "fetch", GIT_ENOTFOUND, reterr);
			goto out;
		}
	} else {
		head = git_find_head(heads, n, g->ref);
	}
	if (head) {
		spec[0] = xasprintf("+%s:%s", head->name, head->name);
		*ret_ref = xstrdup(head->name);
	} else if (git_is_hex(g->ref, 4)) {
		spec[0] = xstrdup("+refs/heads/*:refs/heads/*");
		spec[1] = xstrdup("+refs/tags/*:refs/tags/*");
		specs.count = 2;
		fo.prune = GIT_FETCH_PRUNE;
	} else {
		git_set_why(g,
		            xasprintf("no branch or tag named '%s'", g->ref));
		r = git_fail(g, "fetch", GIT_ENOTFOUND, reterr);
		goto out;
	}
	fo.callbacks = cbs;
	fo.update_fetchhead = 0;
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	err = git_remote_fetch(remote, &specs, &fo, NULL);
	if (err < 0) {
		free(*ret_ref);
		*ret_ref = NULL;
		r = git_fail(g, "fetch", err, reterr);
	}
out:
	git_buf_dispose(&defbranch);
	free(spec[0]);
	free(spec[1]);
	git_remote_free(remote);
	return r;
}

static int
git_resolve(struct source_git *g, const char *local_ref, git_commit **ret,
            struct diag *reterr)
{
	git_object *obj = NULL, *peeled = NULL;
	git_oid oid;
	int err;

	if (local_ref) {
		err = git_revparse_single(&obj, g->repo, local_ref);
	} else {
		err = git_oid_fromstrn(&oid, g->ref, strlen(g->ref));
		if (err == 0)
			err = git_object_lookup_prefix(&obj, g->repo, &oid,
			                               strlen(g->ref),
			                               GIT_OBJECT_ANY);
		if (err == GIT_ENOTFOUND)
			git_set_why(g, xasprintf("no branch, tag or commit "
			                         "named '%s'",
			                         g->ref));
		else if (err == GIT_EAMBIGUOUS)
			git_set_why(g, xasprintf("'%s' names more than one "
			                         "object; give more digits",
			                         g->ref));
	}
	if (err == 0)
		err = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
	git_object_free(obj);
	if (err < 0)
		return git_fail(g, "resolve", err, reterr);
	*ret = (git_commit *)peeled;
	return 0;
}

/* Writes tree into dir (which exists); counts the files written. */
static int
git_write_tree(struct source_git *g, const git_tree *tree, const char *dir,
               const char *where, size_t *count, struct diag *reterr)
{
	size_t i, n = git_tree_entrycount(tree);
	int r = 0;

	for (i = 0; i < n && r == 0; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(e);
		git_filemode_t mode = git_tree_entry_filemode(e);
		char *path, *shown;
		git_object *obj = NULL;

		if (strchr(name, '/') || strcmp(name, ".") == 0 ||
		    strcmp(name, "..") == 0 || strcmp(name, ".git") == 0)
			continue;
		path = xasprintf("%s/%s", dir, name);
		shown =
		    *where ? xasprintf("%s/%s", where, name) : xstrdup(name);
		if (mode == GIT_FILEMODE_TREE) {
			if (mkdir(path, 0700) < 0)
				r = -errno;
			else if (git_tree_entry_to_object(&obj, g->repo, e) < 0)
				r = -EIO;
			else
				r = git_write_tree(g, (git_tree *)obj, path,
				                   shown, count, reterr);
		} else if (mode == GIT_FILEMODE_BLOB ||
		           mode == GIT_FILEMODE_BLOB_EXECUTABLE) {
			const git_blob *b;
			FILE *f;

			if (git_tree_entry_to_object(&obj, g->repo, e) < 0) {
				r = -EIO;
			} else if (!(f = fopen(path, "wx"))) {
				r = -errno;
			} else {
				b = (const git_blob *)obj;
				if (fwrite(git_blob_rawcontent(b), 1,
				           (size_t)git_blob_rawsize(b),
				           f) != (size_t)git_blob_rawsize(b))
					r = -EIO;
				if (fclose(f) != 0 && r == 0)
					r = -errno;
				(*count)++;
			}
		} else if (mode == GIT_FILEMODE_LINK) {
			/* A link could point out of the snapshot, at any
			 * file of this machine: not followed. */
			diag_warn(reterr, NULL,
			          "%s: symbolic link not read "
			          "(descriptors must be regular files)",
			          shown);
		}
		if (r < 0 && r != -EIO)
			diag_error(reterr, NULL, "snapshot %s: %s", path,
			           strerror(-r));
		else if (r == -EIO)
			diag_error(reterr, NULL,
			           "snapshot %s: cannot read "
			           "%s from the repository",
			           dir, shown);
		git_object_free(obj);
		free(shown);
		free(path);
	}
	return r;
}

struct git_snap {
	char *path;
	struct timespec used;
	bool tmp;
};

static int
git_snap_cmp(const void *a, const void *b)
{
	const struct git_snap *x = a, *y = b;

	if (x->used.tv_sec != y->used.tv_sec)
		return x->used.tv_sec < y->used.tv_sec ? 1 : -1;
	if (x->used.tv_nsec != y->used.tv_nsec)
		return x->used.tv_nsec < y->used.tv_nsec ? 1 : -1;
	return 0;
}

static size_t
git_handed_find(const struct source_git *g, const char *dir)
{
	size_t i;

	for (i = 0; i < g->nhanded; i++)
		if (strcmp(g->handed[i], dir) == 0)
			return i;
	return SIZE_MAX;
}

/*
 * Keeps the current snapshot, the one in force, and the newest few by
 * last use. Other processes may share the cache (a `plan --source` beside
 * `run`): what this source did not hand out goes only once unused for
 * GIT_FOREIGN_AGE, as does a stray temporary directory.
 */
static void
git_prune_snapshots(struct source_git *g, const char *revdir,
                    const char *current)
{
	struct git_snap *snaps = NULL;
	size_t n = 0, cap = 0, i, newest = 0, h;
	struct timespec now;
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(revdir);

	if (!d)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	while ((de = readdir(d))) {
		char *p;

		if (de->d_name[0] == '.' &&
		    strncmp(de->d_name, ".tmp-", 5) != 0)
			continue;
		p = xasprintf("%s/%s", revdir, de->d_name);
		if (lstat(p, &st) < 0 || !S_ISDIR(st.st_mode)) {
			free(p);
			continue;
		}
		XGROW(snaps, cap, n + 1);
		snaps[n].path = p;
		snaps[n].used = st.st_mtim;
		snaps[n++].tmp = de->d_name[0] == '.';
	}
	closedir(d);
	qsort(snaps, n, sizeof(*snaps), git_snap_cmp);
	for (i = 0; i < n; i++) {
		bool old = now.tv_sec - snaps[i].used.tv_sec > GIT_FOREIGN_AGE;

		h = git_handed_find(g, snaps[i].path);
		if (strcmp(snaps[i].path, current) == 0 ||
		    (g->kept && strcmp(snaps[i].path, g->kept) == 0))
			;
		else if (snaps[i].tmp ? old
		                      : newest++ >= GIT_SNAPSHOTS_KEPT &&
		                            (h != SIZE_MAX || old)) {
			git_rmtree(snaps[i].path);
			if (h != SIZE_MAX) {
				free(g->handed[h]);
				g->handed[h] = g->handed[--g->nhanded];
			}
		}
		free(snaps[i].path);
	}
	free(snaps);
}

/* The snapshot of commit's tree under g->path: reused, or written. */
static int
git_snapshot(struct source_git *g, git_commit *commit, const char *sha,
             char **ret, struct diag *reterr)
{
	git_tree *root = NULL;
	git_tree_entry *sub = NULL;
	git_object *tree_obj = NULL;
	const git_tree *tree;
	char *revdir = xasprintf("%s/rev", g->cache), *dir, *tmp = NULL;
	size_t count = 0;
	int r;

	if (*g->path)
		dir = xasprintf(
		    "%s/%s-%08llx", revdir, sha,
		    (unsigned long long)(source_fnv1a(SOURCE_FNV_INIT, g->path,
		                                      strlen(g->path)) &
		                         0xffffffffu));
	else
		dir = xasprintf("%s/%s", revdir, sha);
	if (access(dir, F_OK) == 0) {
		/* mark it used, for pruning */
		utimensat(AT_FDCWD, dir, NULL, 0);
		r = 0;
		goto done;
	}
	r = git_commit_tree(&root, commit);
	if (r < 0) {
		r = git_fail(g, "read", r, reterr);
		goto out;
	}
	tree = root;
	if (*g->path) {
		if (git_tree_entry_bypath(&sub, root, g->path) < 0 ||
		    git_tree_entry_type(sub) != GIT_OBJECT_TREE ||
		    git_tree_entry_to_object(&tree_obj, g->repo, sub) < 0) {
			diag_error(reterr, NULL,
			           "%s (%s): no descriptors at "
			           "%.12s:%s (no such directory)",
			           g->url_shown, git_ref_shown(g), sha,
			           g->path);
			r = -ENOENT;
			goto out;
		}
		tree = (const git_tree *)tree_obj;
	}
	r = git_mkdirs(revdir);
	if (r < 0) {
		diag_error(reterr, NULL, "snapshot %s: %s", revdir,
		           strerror(-r));
		goto out;
	}
	tmp = xasprintf("%s/.tmp-%s-XXXXXX", revdir, sha);
	if (!mkdtemp(tmp)) {
		r = -errno;
		diag_error(reterr, NULL, "snapshot %s: %s", tmp, strerror(-r));
		goto out;
	}
	r = git_write_tree(g, tree, tmp, g->path, &count, reterr);
	if (r < 0)
		goto out;
	if (count == 0) {
		diag_error(reterr, NULL,
		           "%s (%s): no descriptors at %.12s:%s "
		           "(no files)",
		           g->url_shown, git_ref_shown(g), sha,
		           *g->path ? g->path : "/");
		r = -ENOENT;
		goto out;
	}
	if (rename(tmp, dir) < 0 && errno != EEXIST && errno != ENOTEMPTY) {
		r = -errno;
		diag_error(reterr, NULL, "snapshot %s: %s", dir, strerror(-r));
		goto out;
	}
done:
	if (git_handed_find(g, dir) == SIZE_MAX) {
		XGROW(g->handed, g->handed_cap, g->nhanded + 1);
		g->handed[g->nhanded++] = xstrdup(dir);
	}
	/* in use here: recent, for whoever else prunes */
	if (g->kept)
		utimensat(AT_FDCWD, g->kept, NULL, 0);
	git_prune_snapshots(g, revdir, dir);
	*ret = dir;
	dir = NULL;
out:
	if (tmp && access(tmp, F_OK) == 0)
		git_rmtree(tmp);
	free(tmp);
	git_object_free(tree_obj);
	git_tree_entry_free(sub);
	git_tree_free(root);
	free(dir);
	free(revdir);
	return r;
}

static int
git_sync(struct source *s, struct source_rev *rev, struct diag *reterr)
{
	struct source_git *g = (struct source_git *)s;
	git_commit *commit = NULL;
	git_object *local = NULL;
	char sha[GIT_OID_HEXSZ + 1], *local_ref = NULL, *dir = NULL;
	const char *summary;
	int r;

	/* A full SHA already in the cache names the same tree forever. */
	if (!(g->ref && git_is_hex(g->ref, GIT_OID_HEXSZ) &&
	      git_revparse_single(&local, g->repo, g->ref) == 0)) {
		r = git_fetch(g, &local_ref, reterr);
		if (r < 0)
			goto out;
	}
	git_object_free(local);
	r = git_resolve(g, local_ref, &commit, reterr);
	if (r < 0)
		goto out;
	git_oid_tostr(sha, sizeof(sha), git_commit_id(commit));
	r = git_snapshot(g, commit, sha, &dir, reterr);
	if (r < 0)
		goto out;
	summary = git_commit_summary(commit);
	source_rev_done(rev);
	rev->id = xstrdup(sha);
	rev->dir = dir;
	rev->summary = summary ? xstrdup(summary) : NULL;
	dir = NULL;
out:
	free(dir);
	free(local_ref);
	git_commit_free(commit);
	return r;
}

const char *
source_git_refusal(const struct source *s)
{
	return ((const struct source_git *)s)->why;
}

static void
git_keep(struct source *s, const struct source_rev *rev)
{
	struct source_git *g = (struct source_git *)s;

	free(g->kept);
	g->kept = xstrdup(rev->dir);
}

static char *
git_file_prefix(const struct source *s, const struct source_rev *rev)
{
	const struct source_git *g = (const struct source_git *)s;

	return xasprintf("%.7s:%s%s", rev->id, g->path, *g->path ? "/" : "");
}

static void
git_free(struct source *s)
{
	struct source_git *g = (struct source_git *)s;
	size_t i;

	git_repository_free(g->repo);
	free(g->url);
	free(g->url_shown);
	free(g->ref);
	free(g->path);
	free(g->cache);
	if (g->token) {
		memset(g->token, 0, strlen(g->token));
		free(g->token);
	}
	free(g->ssh_key);
	free(g->known_hosts);
	free(g->why);
	free(g->kept);
	for (i = 0; i < g->nhanded; i++)
		free(g->handed[i]);
	free(g->handed);
	free(g);
	git_libgit2_shutdown();
}

static const struct source_ops source_git_ops = {
    .sync = git_sync,
    .fd = NULL,
    .drain = NULL,
    .free = git_free,
    .keep = git_keep,
    .file_prefix = git_file_prefix,
};
