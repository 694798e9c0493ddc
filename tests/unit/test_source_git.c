/*
 * The Git source against real repositories made with the git CLI in a
 * scratch directory (file:// URLs, never the network): branches, tags,
 * SHAs, --path, new and rewritten history, missing refs and paths, an
 * unreachable URL, snapshot reuse and pruning; the HTTPS token against the
 * scripted HTTP server on loopback; known_hosts matching.
 */
#include "unit.h"

#include "fake_server.h"
#include "source.h"
#include "source_impl.h"
#include "xalloc.h"

#include <dirent.h>
#include <fcntl.h>
#include <time.h>
#include <git2.h>
#include <stdarg.h>

struct fixture {
	char *tmp;
	char *work; /* the "remote": a non-bare repository we commit to */
	char *url;  /* file://work */
	char *cache;
	struct diag d;
	struct source *s;
	struct source_rev rev;
};

/* Runs a shell command built from fmt in the fixture's work tree. */
static void __attribute__((format(printf, 2, 3)))
sh(const struct fixture *f, const char *fmt, ...)
{
	char cmd[4096];
	int n;
	va_list ap;

	n = snprintf(cmd, sizeof(cmd), "cd '%s' && ", f->work);
	va_start(ap, fmt);
	vsnprintf(cmd + n, sizeof(cmd) - (size_t)n, fmt, ap);
	va_end(ap);
	if (system(cmd) != 0) {
		print_message("command failed: %s\n", cmd);
		fail();
	}
}

/* The output of a command in the work tree, trailing newline cut. */
static char *
sh_out(const struct fixture *f, const char *cmd)
{
	char buf[4096], *full;
	size_t n;
	FILE *p;

	full = malloc(strlen(f->work) + strlen(cmd) + 16);
	sprintf(full, "cd '%s' && %s", f->work, cmd);
	p = popen(full, "r");
	assert_non_null(p);
	n = fread(buf, 1, sizeof(buf) - 1, p);
	assert_int_equal(pclose(p), 0);
	free(full);
	while (n && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return strdup(buf);
}

#define GIT "git -c user.name=t -c user.email=t@example.org "

/* Writes rel in the work tree and commits everything with subject msg. */
static void
commit(const struct fixture *f, const char *rel, const char *text,
       const char *msg)
{
	free(unit_write(f->work, rel, text));
	sh(f, GIT "add -A && " GIT "commit -q -m '%s'", msg);
}

static char *
slurp(const char *dir, const char *rel)
{
	char path[4096], buf[4096];
	size_t n;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	fp = fopen(path, "r");
	if (!fp)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return strdup(buf);
}

static void
assert_file(const char *dir, const char *rel, const char *want)
{
	char *got = slurp(dir, rel);

	if (!got)
		print_message("%s/%s: missing\n", dir, rel);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static bool
exists(const char *dir, const char *rel)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return access(path, F_OK) == 0;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->tmp = unit_tmpdir();
	f->work = xasprintf("%s/work", f->tmp);
	f->url = xasprintf("file://%s", f->work);
	f->cache = xasprintf("%s/cache", f->tmp);
	assert_int_equal(mkdir(f->work, 0700), 0);
	/* no user or system git configuration leaks into the test */
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("HOME", f->tmp, 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("NFVSYNC_GIT_TOKEN");
	sh(f, "git init -q -b main .");
	diag_init(&f->d);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	source_rev_done(&f->rev);
	source_free(f->s);
	assert_int_equal(chdir("/"), 0);
	diag_done(&f->d);
	free(f->work);
	free(f->url);
	free(f->cache);
	unit_rmtree(f->tmp);
	free(f);
	return 0;
}

static int
open_src(struct fixture *f, const char *url, const char *ref, const char *path)
{
	struct source_git_opts o = {0};

	source_free(f->s);
	f->s = NULL;
	o.url = url;
	o.ref = ref;
	o.path = path;
	o.cache_dir = f->cache;
	return source_git_open(&o, &f->s, &f->d);
}

static void
sync_ok(struct fixture *f)
{
	int r = source_sync(f->s, &f->rev, &f->d);

	if (r < 0)
		unit_print_diags(&f->d);
	assert_int_equal(r, 0);
	assert_no_errors(&f->d);
}

static void
two_commits(struct fixture *f, char **first, char **second)
{
	commit(f, "nsd/ns.yaml", "ns: 1\n", "first version");
	*first = sh_out(f, "git rev-parse HEAD");
	commit(f, "nsd/ns.yaml", "ns: 2\n", "second version");
	*second = sh_out(f, "git rev-parse HEAD");
}

static void
test_source_git_reads_the_branch_head(void **state)
{
	struct fixture *f = *state;
	char *first, *second;

	two_commits(f, &first, &second);
	commit(f, "vnfd/web.yaml", "web: 1\n", "add web\n\nbody text");
	free(second);
	second = sh_out(f, "git rev-parse HEAD");
	assert_int_equal(open_src(f, f->url, "main", NULL), 0);
	sync_ok(f);
	assert_string_equal(f->rev.id, second);
	assert_string_equal(f->rev.summary, "add web");
	assert_file(f->rev.dir, "nsd/ns.yaml", "ns: 2\n");
	assert_file(f->rev.dir, "vnfd/web.yaml", "web: 1\n");
	assert_false(exists(f->rev.dir, ".git"));
	assert_non_null(strstr(source_name(f->s), "@main"));
	/* nothing to poll: the loop fetches on its timer */
	assert_int_equal(source_fd(f->s), -1);
	assert_false(source_drain(f->s));
	free(first);
	free(second);
}

static void
test_source_git_no_ref_is_the_remote_head(void **state)
{
	struct fixture *f = *state;
	char *first, *second;

	two_commits(f, &first, &second);
	sh(f, "git branch -q other %s", first);
	assert_int_equal(open_src(f, f->url, NULL, NULL), 0);
	sync_ok(f);
	assert_string_equal(f->rev.id, second);
	/* the remote's HEAD moves to another branch: followed */
	sh(f, "git checkout -q other");
	sync_ok(f);
	assert_string_equal(f->rev.id, first);
	assert_file(f->rev.dir, "nsd/ns.yaml", "ns: 1\n");
	free(first);
	free(second);
}

static void
test_source_git_reads_a_tag(void **state)
{
	struct fixture *f = *state;
	char *first, *second;

	two_commits(f, &first, &second);
	sh(f, GIT "tag -a -m release v1 %s", first);
	sh(f, "git tag light %s", first);
	assert_int_equal(open_src(f, f->url, "v1", NULL), 0);
	sync_ok(f);
	assert_string_equal(f->rev.id, first); /* peeled to the commit */
	assert_file(f->rev.dir, "nsd/ns.yaml", "ns: 1\n");
	assert_int_equal(open_src(f, f->url, "refs/tags/light", NULL), 0);
	sync_ok(f);
	assert_string_equal(f->rev.id, first);
	free(first);
	free(second);
}

static void
test_source_git_reads_a_full_and_a_short_sha(void **state)
{
	struct fixture *f = *state;
	char *first, *second, shortsha[8];

	two_commits(f, &first, &second);
	assert_int_equal(open_src(f, f->url, first, NULL), 0);
	sync_ok(f);
	assert_string_equal(f->rev.id, first);
	assert_file(f->rev.dir, "nsd/ns.yaml", "ns: 1\n");
	/* pinned and cached: no fetch needed, even with the remote gone */
	sh(f, "mv .git ../moved.git");
	sync_ok(f);
	assert_string_equal(f->rev.id, first);
	sh(f, "mv ../moved.git .git");

	snprintf(shortsha, sizeof(shortsha), "%.7s", first);
	assert_int_equal(open_src(f, f->url, shortsha, NULL), 0);
	sync_ok(f);
	assert_string_equal(f->rev.id, first);
	free(first);
	free(second);
}

static void
test_source_git_reads_only_the_path(void **state)
{
	struct fixture *f = *state;

	free(unit_write(f->work, "top.yaml", "top\n"));
	commit(f, "deploy/site/ns.yaml", "ns\n", "layout");
	assert_int_equal(open_src(f, f->url, "main", "/deploy//site/"), 0);
	sync_ok(f);
	assert_file(f->rev.dir, "ns.yaml", "ns\n");
	assert_false(exists(f->rev.dir, "top.yaml"));
	assert_false(exists(f->rev.dir, "deploy"));
}

static void
test_source_git_missing_path_is_an_error(void **state)
{
	struct fixture *f = *state;
	char *sha;

	commit(f, "nsd/ns.yaml", "ns\n", "one");
	sha = sh_out(f, "git rev-parse --short=12 HEAD");
	assert_int_equal(open_src(f, f->url, "main", "nope"), 0);
	assert_int_equal(source_sync(f->s, &f->rev, &f->d), -ENOENT);
	assert_null(f->rev.id);
	expect_error(&f->d, ANY, ANY, "no descriptors at");
	expect_error(&f->d, ANY, ANY, sha);
	expect_error(&f->d, ANY, ANY, ":nope");
	/* a file is not a directory of descriptors either */
	assert_int_equal(open_src(f, f->url, "main", "nsd/ns.yaml"), 0);
	assert_int_equal(source_sync(f->s, &f->rev, &f->d), -ENOENT);
	/* and the path may not leave the tree */
	assert_int_equal(open_src(f, f->url, "main", "nsd/../../etc"), -EINVAL);
	expect_error(&f->d, ANY, ANY, "leaves the repository");
	free(sha);
}

static void
test_source_git_empty_tree_is_an_error(void **state)
{
	struct fixture *f = *state;

	sh(f, GIT "commit -q --allow-empty -m nothing");
	assert_int_equal(open_src(f, f->url, "main", NULL), 0);
	assert_int_equal(source_sync(f->s, &f->rev, &f->d), -ENOENT);
	assert_null(f->rev.id);
	expect_error(&f->d, ANY, ANY, "no descriptors at");
}

static void
test_source_git_picks_up_a_new_commit(void **state)
{
	struct fixture *f = *state;
	char *first, *second, *old_dir;

	commit(f, "nsd/ns.yaml", "ns: 1\n", "first");
	first = sh_out(f, "git rev-parse HEAD");
	assert_int_equal(open_src(f, f->url, "main", NULL), 0);
	sync_ok(f);
	assert_string_equal(f->rev.id, first);
	old_dir = strdup(f->rev.dir);
	commit(f, "nsd/ns.yaml", "ns: 2\n", "second");
	second = sh_out(f, "git rev-parse HEAD");
	sync_ok(f);
	assert_string_equal(f->rev.id, second);
	assert_string_equal(f->rev.summary, "second");
	assert_file(f->rev.dir, "nsd/ns.yaml", "ns: 2\n");
	/* the earlier snapshot is intact: a loop may still be using it */
	assert_string_not_equal(old_dir, f->rev.dir);
	assert_file(old_dir, "nsd/ns.yaml", "ns: 1\n");
	free(old_dir);
	free(first);
	free(second);
}

static void
test_source_git_follows_rewritten_history(void **state)
{
	struct fixture *f = *state;
	char *first, *second, *rewritten;

	two_commits(f, &first, &second);
	assert_int_equal(open_src(f, f->url, "main", NULL), 0);
	sync_ok(f);
	assert_string_equal(f->rev.id, second);
	/* a force-push: main now ends in a commit that is not a child */
	sh(f, "git reset -q --hard %s", first);
	commit(f, "nsd/ns.yaml", "ns: rewritten\n", "rewritten");
	rewritten = sh_out(f, "git rev-parse HEAD");
	sync_ok(f);
	assert_string_equal(f->rev.id, rewritten);
	assert_file(f->rev.dir, "nsd/ns.yaml", "ns: rewritten\n");
	free(first);
	free(second);
	free(rewritten);
}

static void
test_source_git_missing_ref_is_an_error(void **state)
{
	struct fixture *f = *state;
	char *want;

	commit(f, "nsd/ns.yaml", "ns\n", "one");
	assert_int_equal(open_src(f, f->url, "main", NULL), 0);
	sync_ok(f);
	want = strdup(f->rev.id);
	assert_int_equal(open_src(f, f->url, "nosuch", NULL), 0);
	assert_int_equal(source_sync(f->s, &f->rev, &f->d), -ENOENT);
	/* on failure the previous revision is left as it was */
	assert_string_equal(f->rev.id, want);
	expect_error(&f->d, ANY, ANY, "(nosuch): no branch or tag named");
	expect_error(&f->d, ANY, ANY, f->url);
	/* hex that is no commit */
	assert_int_equal(open_src(f, f->url, "deadbeef", NULL), 0);
	assert_int_equal(source_sync(f->s, &f->rev, &f->d), -ENOENT);
	expect_error(&f->d, ANY, ANY,
	             "no branch, tag or commit named "
	             "'deadbeef'");
	free(want);
}

static void
test_source_git_unreachable_url_is_an_error(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(open_src(f, "file:///nonexistent", "main", NULL), 0);
	assert_true(source_sync(f->s, &f->rev, &f->d) < 0);
	assert_null(f->rev.id);
	expect_error(&f->d, ANY, ANY, "fetch file:///nonexistent (main): ");
}

static size_t
count_snapshots(const struct fixture *f)
{
	char *revdir;
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	/* CACHE/<hash>/rev: the one hash directory the fixture made */
	d = opendir(f->cache);
	assert_non_null(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			break;
	assert_non_null(de);
	revdir = xasprintf("%s/%s/rev", f->cache, de->d_name);
	closedir(d);
	d = opendir(revdir);
	assert_non_null(d);
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	free(revdir);
	return n;
}

static void
test_source_git_reuses_and_prunes_snapshots(void **state)
{
	struct fixture *f = *state;
	char *dir, *marker;
	int i;

	commit(f, "nsd/ns.yaml", "ns\n", "one");
	assert_int_equal(open_src(f, f->url, "main", NULL), 0);
	sync_ok(f);
	dir = strdup(f->rev.dir);
	marker = unit_write(dir, "marker", "reused\n");
	/* same commit, even from a new source on the same cache: reused,
	 * not written again */
	assert_int_equal(open_src(f, f->url, "main", NULL), 0);
	sync_ok(f);
	assert_string_equal(f->rev.dir, dir);
	assert_file(dir, "marker", "reused\n");
	assert_int_equal(count_snapshots(f), 1);

	for (i = 2; i <= 6; i++) {
		char text[32];

		snprintf(text, sizeof(text), "ns: %d\n", i);
		commit(f, "nsd/ns.yaml", text, "next");
		sync_ok(f);
		assert_file(f->rev.dir, "nsd/ns.yaml", text);
	}
	/* three kept besides the current one; the first is gone */
	assert_int_equal(count_snapshots(f), 4);
	assert_int_equal(access(dir, F_OK), -1);
	free(marker);
	free(dir);
}

/* Sets path's last use to seconds ago. */
static void
age(const char *path, long seconds)
{
	struct timespec t[2];

	clock_gettime(CLOCK_REALTIME, &t[0]);
	t[0].tv_sec -= seconds;
	t[1] = t[0];
	assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
}

/* Another process sharing the cache: its snapshots and its temporary
 * directory go only once unused for an hour. */
static void
test_source_git_prunes_another_process_snapshots_only_when_old(void **state)
{
	struct fixture *f = *state;
	char *revdir, *theirs, *their_tmp, *stale_tmp, *slash;
	int i;

	commit(f, "nsd/ns.yaml", "ns\n", "one");
	assert_int_equal(open_src(f, f->url, "main", NULL), 0);
	sync_ok(f);
	revdir = strdup(f->rev.dir);
	slash = strrchr(revdir, '/');
	*slash = '\0';
	theirs = unit_write(
	    revdir, "0123456789012345678901234567890123456789/a", "theirs\n");
	their_tmp = unit_write(revdir, ".tmp-x-123456/a", "writing\n");
	stale_tmp = unit_write(revdir, ".tmp-y-123456/a", "crashed\n");
	*strrchr(theirs, '/') = '\0';
	*strrchr(their_tmp, '/') = '\0';
	*strrchr(stale_tmp, '/') = '\0';
	age(theirs, 600);
	age(stale_tmp, 7200);
	for (i = 0; i < 5; i++) {
		char text[32];

		snprintf(text, sizeof(text), "ns: %d\n", i);
		commit(f, "nsd/ns.yaml", text, "next");
		sync_ok(f);
	}
	/* ours: 3 + the current; theirs, recent, stays */
	assert_int_equal(count_snapshots(f), 5);
	assert_int_equal(access(theirs, F_OK), 0);
	assert_int_equal(access(their_tmp, F_OK), 0);
	assert_int_equal(access(stale_tmp, F_OK), -1);
	age(theirs, 7200);
	commit(f, "nsd/ns.yaml", "ns: last\n", "last");
	sync_ok(f);
	assert_int_equal(access(theirs, F_OK), -1);
	assert_int_equal(count_snapshots(f), 4);
	free(theirs);
	free(their_tmp);
	free(stale_tmp);
	free(revdir);
}

static void
test_source_git_never_prunes_the_kept_snapshot(void **state)
{
	struct fixture *f = *state;
	char *kept;
	int i;

	commit(f, "nsd/ns.yaml", "ns: good\n", "good");
	assert_int_equal(open_src(f, f->url, "main", NULL), 0);
	sync_ok(f);
	source_rev_keep(f->s, &f->rev);
	kept = strdup(f->rev.dir);
	/* five newer revisions (broken ones, say): the kept one stays */
	for (i = 0; i < 5; i++) {
		char text[32];

		snprintf(text, sizeof(text), "ns: %d\n", i);
		commit(f, "nsd/ns.yaml", text, "next");
		sync_ok(f);
	}
	assert_file(kept, "nsd/ns.yaml", "ns: good\n");
	assert_int_equal(count_snapshots(f), 5);
	free(kept);
}

static void
test_source_git_names_files_in_the_commit(void **state)
{
	struct fixture *f = *state;
	struct diag d;
	struct diag_pos pos = {NULL, 3, 4};
	char *file, *want;

	commit(f, "deploy/nsd/ns.yaml", "ns\n", "one");
	assert_int_equal(open_src(f, f->url, "main", "deploy"), 0);
	sync_ok(f);
	file = xasprintf("%s/nsd/ns.yaml", f->rev.dir);
	pos.file = file;
	diag_init(&d);
	diag_error(&d, &pos, "imports %s/vnfd/x.yaml, not %sfoo", f->rev.dir,
	           f->rev.dir);
	source_diag_rename(f->s, &f->rev, &d);
	want = xasprintf("%.7s:deploy/nsd/ns.yaml", f->rev.id);
	assert_string_equal(d.entries[0].file, want);
	free(want);
	want = xasprintf("imports %.7s:deploy/vnfd/x.yaml, not %sfoo",
	                 f->rev.id, f->rev.dir);
	assert_string_equal(d.entries[0].message, want);
	assert_int_equal(d.entries[0].line, 3);
	free(want);
	diag_done(&d);
	free(file);
}

static void
test_source_git_reads_a_plain_path(void **state)
{
	struct fixture *f = *state;

	commit(f, "nsd/ns.yaml", "ns\n", "one");
	assert_int_equal(open_src(f, f->url, "main", NULL), 0);
	/* plain paths are the same repository as file:// for git, but
	 * their cache key differs; the absolute path is the key */
	assert_int_equal(open_src(f, f->work, "main", NULL), 0);
	sync_ok(f);
	assert_file(f->rev.dir, "nsd/ns.yaml", "ns\n");
}

/* The token goes to an HTTPS (here: plain HTTP on loopback) server as
 * the password of user x-access-token, and never into a message. */
static void
test_source_git_sends_the_token(void **state)
{
	struct fixture *f = *state;
	struct fake_server *fs = fake_server_start();
	struct fake_reply deny = {
	    "GET",  "/repo.git/info/refs",
	    401,    "WWW-Authenticate: Basic realm=\"git\"\n",
	    "no\n", 0};
	char *url, *token_file;
	const struct fake_request *req;
	const char *auth;
	size_t i;

	fake_server_add(fs, &deny);
	url = xasprintf("%s/repo.git", fake_server_url(fs));
	/* no token: the server's refusal is reported as such */
	assert_int_equal(open_src(f, url, "main", NULL), 0);
	assert_true(source_sync(f->s, &f->rev, &f->d) < 0);
	expect_error(&f->d, ANY, ANY, "): authentication required");

	token_file = unit_write(f->tmp, "token", "s3cr3t-token\n");
	{
		struct source_git_opts o = {0};

		source_free(f->s);
		f->s = NULL;
		o.url = url;
		o.ref = "main";
		o.cache_dir = f->cache;
		o.token_file = token_file;
		assert_int_equal(source_git_open(&o, &f->s, &f->d), 0);
	}
	diag_done(&f->d);
	diag_init(&f->d);
	assert_int_equal(source_sync(f->s, &f->rev, &f->d), -EACCES);
	expect_error(&f->d, ANY, ANY,
	             "authentication failed: the token was "
	             "refused");
	for (i = 0; i < f->d.n; i++)
		assert_null(strstr(f->d.entries[i].message, "s3cr3t"));
	/* base64("x-access-token:s3cr3t-token") */
	auth = NULL;
	for (i = 0; i < fake_server_count(fs, NULL, NULL); i++) {
		req = fake_server_request(fs, i);
		if (fake_request_header(req, "Authorization"))
			auth = fake_request_header(req, "Authorization");
	}
	assert_non_null(auth);
	assert_string_equal(auth, "Basic eC1hY2Nlc3MtdG9rZW46czNjcjN0LXRva2Vu");
	fake_server_stop(fs);
	free(token_file);
	free(url);
}

static void
test_source_git_password_in_url_is_not_shown(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(
	    open_src(f, "https://user:hunter2@127.0.0.1:1/x.git", "main", NULL),
	    0);
	assert_null(strstr(source_name(f->s), "hunter2"));
	assert_non_null(strstr(source_name(f->s), "user:***@127.0.0.1"));
	assert_true(source_sync(f->s, &f->rev, &f->d) < 0);
	assert_null(strstr(f->d.entries[0].message, "hunter2"));
}

/* ssh-keygen writes the known_hosts lines (plain, then hashed with -H). */
/* The host key check libgit2 calls during an SSH handshake. */
static void
test_source_git_unknown_ssh_host_is_refused(void **state)
{
	struct fixture *f = *state;
	struct source_git_opts o = {0};
	unsigned char key[32];
	git_cert_hostkey hk;
	char *kh;
	size_t i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)(i + 1);
	/* base64 of 1..32 */
	kh = unit_write(f->tmp, "known_hosts",
	                "[127.0.0.1]:2222 ssh-ed25519 "
	                "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=\n");
	o.url = "ssh://git@127.0.0.1:2222/srv/repo.git";
	o.ref = "main";
	o.cache_dir = f->cache;
	o.known_hosts = kh;
	assert_int_equal(source_git_open(&o, &f->s, &f->d), 0);
	memset(&hk, 0, sizeof(hk));
	hk.parent.cert_type = GIT_CERT_HOSTKEY_LIBSSH2;
	hk.type = GIT_CERT_SSH_RAW | GIT_CERT_SSH_SHA256;
	hk.raw_type = GIT_CERT_SSH_RAW_TYPE_KEY_ED25519;
	hk.hostkey = (const char *)key;
	hk.hostkey_len = sizeof(key);
	/* listed for this host and port: accepted, whatever libgit2 says */
	assert_int_equal(
	    source_git_certificate_check(&hk.parent, 0, "127.0.0.1", f->s), 0);
	/* another key: refused, and why */
	key[0] ^= 0xff;
	assert_int_equal(
	    source_git_certificate_check(&hk.parent, 1, "127.0.0.1", f->s),
	    GIT_ECERTIFICATE);
	assert_non_null(strstr(source_git_refusal(f->s),
	                       "unknown host: 127.0.0.1's ssh-ed25519 key is "
	                       "not in"));
	assert_non_null(strstr(source_git_refusal(f->s), kh));
	key[0] ^= 0xff;
	/* no known_hosts file: refused, not trusted */
	assert_int_equal(unlink(kh), 0);
	assert_int_equal(
	    source_git_certificate_check(&hk.parent, 1, "127.0.0.1", f->s),
	    GIT_ECERTIFICATE);
	assert_non_null(strstr(source_git_refusal(f->s), "cannot be verified"));
	/* TLS certificates are libgit2's to check */
	hk.parent.cert_type = GIT_CERT_X509;
	assert_int_equal(
	    source_git_certificate_check(&hk.parent, 1, "127.0.0.1", f->s),
	    GIT_PASSTHROUGH);
	free(kh);
}

static void
test_source_git_known_hosts(void **state)
{
	struct fixture *f = *state;
	/* an ed25519 public key blob (any 51 bytes do for matching) */
	unsigned char key[51];
	char *text, *hashed;
	size_t i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)(i * 7 + 3);
	/* base64 of key, by the shell's coreutils */
	{
		FILE *kf;
		char path[4096];

		snprintf(path, sizeof(path), "%s/key.bin", f->tmp);
		kf = fopen(path, "w");
		assert_non_null(kf);
		assert_int_equal(fwrite(key, 1, sizeof(key), kf), sizeof(key));
		fclose(kf);
	}
	sh(f, "k=$(base64 -w0 ../key.bin) && "
	      "printf '# comment\\n"
	      "git.example.org ssh-ed25519 %%s\\n"
	      "[git.example.org]:2222,other ssh-ed25519 %%s\\n"
	      "*.wild.example ssh-ed25519 %%s\\n' $k $k $k > ../kh && "
	      "printf '@revoked bad.example ssh-ed25519 %%s\\n"
	      "bad.example ssh-ed25519 %%s\\n' $k $k > ../revoked && "
	      "cp ../kh ../kh.hashed && "
	      "ssh-keygen -q -H -f ../kh.hashed >/dev/null 2>&1");
	text = slurp(f->tmp, "kh");
	hashed = slurp(f->tmp, "kh.hashed");
	assert_non_null(text);
	assert_non_null(hashed);
	assert_null(strstr(hashed, "git.example.org")); /* really hashed */

	assert_true(source_known_hosts_match(text, "git.example.org", 22,
	                                     "ssh-ed25519", key, sizeof(key)));
	assert_true(source_known_hosts_match(hashed, "git.example.org", 0,
	                                     "ssh-ed25519", key, sizeof(key)));
	assert_true(source_known_hosts_match(hashed, "git.example.org", 2222,
	                                     "ssh-ed25519", key, sizeof(key)));
	assert_true(source_known_hosts_match(text, "a.wild.example", 22,
	                                     "ssh-ed25519", key, sizeof(key)));
	/* another port, host, type or key: unknown */
	assert_false(source_known_hosts_match(hashed, "git.example.org", 2200,
	                                      "ssh-ed25519", key, sizeof(key)));
	assert_false(source_known_hosts_match(text, "evil.example.org", 22,
	                                      "ssh-ed25519", key, sizeof(key)));
	assert_false(source_known_hosts_match(text, "git.example.org", 22,
	                                      "ssh-rsa", key, sizeof(key)));
	key[10] ^= 1;
	assert_false(source_known_hosts_match(hashed, "git.example.org", 22,
	                                      "ssh-ed25519", key, sizeof(key)));
	key[10] ^= 1;
	free(text);
	text = slurp(f->tmp, "revoked");
	assert_false(source_known_hosts_match(text, "bad.example", 22,
	                                      "ssh-ed25519", key, sizeof(key)));
	free(text);
	free(hashed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	    T(test_source_git_reads_the_branch_head),
	    T(test_source_git_no_ref_is_the_remote_head),
	    T(test_source_git_reads_a_tag),
	    T(test_source_git_reads_a_full_and_a_short_sha),
	    T(test_source_git_reads_only_the_path),
	    T(test_source_git_missing_path_is_an_error),
	    T(test_source_git_empty_tree_is_an_error),
	    T(test_source_git_picks_up_a_new_commit),
	    T(test_source_git_follows_rewritten_history),
	    T(test_source_git_missing_ref_is_an_error),
	    T(test_source_git_unreachable_url_is_an_error),
	    T(test_source_git_reuses_and_prunes_snapshots),
	    T(test_source_git_never_prunes_the_kept_snapshot),
	    T(test_source_git_prunes_another_process_snapshots_only_when_old),
	    T(test_source_git_names_files_in_the_commit),
	    T(test_source_git_reads_a_plain_path),
	    T(test_source_git_sends_the_token),
	    T(test_source_git_password_in_url_is_not_shown),
	    T(test_source_git_known_hosts),
	    T(test_source_git_unknown_ssh_host_is_refused),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
