/*
 * The directory source: the descriptors as they are on disk. A revision's
 * id is a hash of every file's name and contents, so the loop sees whether
 * anything changed; changes are watched with inotify through
 * libinotifytools, every directory of the tree (new ones too) but .git and
 * editor scratch files. It reads and hashes, never writes, never prints.
 *
 * libinotifytools keeps one inotify instance per process, so there is at
 * most one directory source at a time. It does not hand out its
 * descriptor; we find it in /proc/self/fd as the one inotify descriptor
 * that its initialisation opened.
 */
#include "source_impl.h"
#include "strbuf.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inotifytools/inotify.h>
#include <inotifytools/inotifytools.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIR_EVENTS                                                             \
	(IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM |              \
	 IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

struct dir_watch {
	int wd;
	char *path;
};

struct source_dir {
	struct source head;
	char *root; /* absolute */
	int fd;
	struct dir_watch *watches;
	size_t nwatches, cap;
};

static const struct source_ops source_dir_ops;
static bool dir_open_once;

/* The inotify descriptors this process holds, up to max. */
static size_t
dir_inotify_fds(int *fds, size_t max)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max) {
		char link[300], target[64];
		ssize_t len;

		if (de->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "/proc/self/fd/%s", de->d_name);
		len = readlink(link, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		if (strcmp(target, "anon_inode:inotify") == 0)
			fds[n++] = atoi(de->d_name);
	}
	closedir(d);
	return n;
}

static bool
dir_fd_in(int fd, const int *fds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fds[i] == fd)
			return true;
	return false;
}

static struct dir_watch *
dir_watch_find(struct source_dir *d, int wd)
{
	size_t i;

	for (i = 0; i < d->nwatches; i++)
		if (d->watches[i].wd == wd)
			return &d->watches[i];
	return NULL;
}

static void
dir_watch_drop(struct source_dir *d, struct dir_watch *w)
{
	free(w->path);
	*w = d->watches[--d->nwatches];
}

/*
 * Watches path and every directory below it, the directory before its
 * entries so nothing created meanwhile is missed. Returns how many
 * descriptor candidates (files not ignored) it saw, or -errno.
 */
static long
dir_watch_tree(struct source_dir *d, const char *path)
{
	DIR *dd;
	struct dirent *de;
	long files = 0;
	int wd;

	if (!inotifytools_watch_file(path, DIR_EVENTS))
		return -(inotifytools_error() ? inotifytools_error() : EIO);
	/* Its wd: adding the same watch again returns it (libinotifytools'
	 * lookup by name can answer a deleted namesake's). */
	wd = inotify_add_watch(d->fd, path, DIR_EVENTS);
	if (wd < 0)
		return -errno;
	XGROW(d->watches, d->cap, d->nwatches + 1);
	d->watches[d->nwatches].wd = wd;
	d->watches[d->nwatches++].path = xstrdup(path);
	dd = opendir(path);
	if (!dd)
		return -errno;
	while ((de = readdir(dd))) {
		struct stat st;
		char *child;
		long r;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    source_name_ignored(de->d_name))
			continue;
		child = xasprintf("%s/%s", path, de->d_name);
		if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode)) {
			r = dir_watch_tree(d, child);
			if (r > 0)
				files += r;
		} else {
			files++;
		}
		free(child);
	}
	closedir(dd);
	return files;
}

/* Forgets every watch and watches the tree again: after a directory
 * moved (its watches' paths are stale) or the event queue overflowed.
 * The kernel watches are removed directly: libinotifytools would print
 * about a watch whose directory is already gone. */
static void
dir_rewatch(struct source_dir *d)
{
	size_t i;

	for (i = 0; i < d->nwatches; i++) {
		inotify_rm_watch(d->fd, d->watches[i].wd);
		free(d->watches[i].path);
	}
	d->nwatches = 0;
	dir_watch_tree(d, d->root);
}

int
source_dir_open(const char *dir, struct source **ret, struct diag *reterr)
{
	struct source_dir *d;
	int before[64], after[64];
	size_t nbefore, nafter, i;
	struct stat st;
	char *root;
	long r;

	*ret = NULL;
	root = realpath(dir, NULL);
	if (!root || stat(root, &st) < 0 || !S_ISDIR(st.st_mode)) {
		r = root ? -ENOTDIR : -errno;
		diag_error(reterr, NULL, "%s: %s", dir, strerror((int)-r));
		free(root);
		return (int)r;
	}
	if (dir_open_once) {
		diag_error(reterr, NULL,
		           "%s: only one directory source can "
		           "be watched at a time",
		           dir);
		free(root);
		return -EBUSY;
	}
	nbefore = dir_inotify_fds(before, 64);
	if (!inotifytools_initialize()) {
		r = -inotifytools_error();
		diag_error(reterr, NULL, "%s: inotify: %s", dir,
		           strerror((int)-r));
		free(root);
		return (int)r;
	}
	dir_open_once = true;
	d = xcalloc(1, sizeof(*d));
	d->head.ops = &source_dir_ops;
	d->head.name = xstrdup(dir);
	d->root = root;
	d->fd = -1;
	nafter = dir_inotify_fds(after, 64);
	for (i = 0; i < nafter; i++)
		if (!dir_fd_in(after[i], before, nbefore))
			d->fd = after[i];
	if (d->fd < 0) {
		diag_error(reterr, NULL,
		           "%s: cannot find libinotifytools' "
		           "descriptor",
		           dir);
		r = -EIO;
		goto out;
	}
	r = dir_watch_tree(d, d->root);
	if (r < 0) {
		diag_error(reterr, NULL, "%s: cannot watch: %s%s", dir,
		           strerror((int)-r),
		           r == -ENOSPC ? " (raise fs.inotify.max_user_watches)"
		                        : "");
		goto out;
	}
	*ret = &d->head;
	d = NULL;
	r = 0;
out:
	if (d) {
		free(d->head.name);
		d->head.name = NULL;
		source_dir_ops.free(&d->head);
	}
	return (int)r;
}

static int
dir_fd(const struct source *s)
{
	return ((const struct source_dir *)s)->fd;
}

static bool
dir_drain(struct source *s)
{
	struct source_dir *d = (struct source_dir *)s;
	struct inotify_event *ev;
	bool relevant = false, rewatch = false;

	for (;;) {
		while ((ev = inotifytools_next_events(0, 1))) {
			struct dir_watch *w;
			const char *name = ev->len ? ev->name : NULL;

			if (ev->mask & IN_Q_OVERFLOW) {
				relevant = rewatch = true;
				continue;
			}
			w = dir_watch_find(d, ev->wd);
			if (!w)
				continue;
			if (ev->mask & IN_IGNORED) {
				dir_watch_drop(d, w);
				continue;
			}
			if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
				if (strcmp(w->path, d->root) == 0)
					relevant = true;
				continue;
			}
			if (!name || source_name_ignored(name))
				continue;
			if (!(ev->mask & IN_ISDIR)) {
				relevant = true;
			} else if (ev->mask & IN_CREATE) {
				char *path = xasprintf("%s/%s", w->path, name);

				/* files made before the watch count as changes
				 */
				if (dir_watch_tree(d, path) > 0)
					relevant = true;
				free(path);
			} else if (ev->mask & (IN_MOVED_FROM | IN_MOVED_TO)) {
				relevant = rewatch = true;
			}
		}
		if (!rewatch)
			break;
		/* the old watches' IN_IGNORED (and whatever happened
		 * meanwhile) are read by the next pass */
		dir_rewatch(d);
		rewatch = false;
	}
	return relevant;
}

static int
dir_file_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the files below root/rel (paths relative to root). */
static int
dir_list(const char *root, const char *rel, char ***files, size_t *n,
         size_t *cap, struct diag *reterr)
{
	char *path = *rel ? xasprintf("%s/%s", root, rel) : xstrdup(root);
	struct dirent *de;
	DIR *dd = opendir(path);
	int r = 0;

	if (!dd) {
		r = -errno;
		diag_error(reterr, NULL, "%s: %s", path, strerror(errno));
		free(path);
		return r;
	}
	while (r == 0 && (de = readdir(dd))) {
		struct stat st;
		char *child, *crel;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    source_name_ignored(de->d_name))
			continue;
		crel = *rel ? xasprintf("%s/%s", rel, de->d_name)
		            : xstrdup(de->d_name);
		child = xasprintf("%s/%s", root, crel);
		if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode)) {
			r = dir_list(root, crel, files, n, cap, reterr);
			free(crel);
		} else if (stat(child, &st) == 0 && S_ISREG(st.st_mode)) {
			XGROW(*files, *cap, *n + 1);
			(*files)[(*n)++] = crel;
		} else {
			free(crel); /* dangling link, socket, ... */
		}
		free(child);
	}
	closedir(dd);
	free(path);
	return r;
}

static int
dir_hash_file(const char *path, uint64_t *h, struct diag *reterr)
{
	char buf[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		diag_error(reterr, NULL, "%s: %s", path, strerror(errno));
		return -errno;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		*h = source_fnv1a(*h, buf, (size_t)n);
	if (n < 0) {
		int r = -errno;

		diag_error(reterr, NULL, "%s: %s", path, strerror(errno));
		close(fd);
		return r;
	}
	close(fd);
	return 0;
}

static int
dir_sync(struct source *s, struct source_rev *rev, struct diag *reterr)
{
	struct source_dir *d = (struct source_dir *)s;
	char **files = NULL;
	size_t n = 0, cap = 0, i;
	uint64_t h = SOURCE_FNV_INIT;
	int r;

	r = dir_list(d->root, "", &files, &n, &cap, reterr);
	if (r == 0 && n == 0) {
		diag_error(reterr, NULL,
		           "%s: no descriptors (the directory "
		           "is empty)",
		           d->head.name);
		r = -ENOENT;
	}
	if (r == 0)
		qsort(files, n, sizeof(*files), dir_file_cmp);
	for (i = 0; r == 0 && i < n; i++) {
		char *path = xasprintf("%s/%s", d->root, files[i]);

		/* the NUL ends the name: "ab"+"c" differs from "a"+"bc" */
		h = source_fnv1a(h, files[i], strlen(files[i]) + 1);
		r = dir_hash_file(path, &h, reterr);
		h = source_fnv1a(h, "", 1);
		free(path);
	}
	for (i = 0; i < n; i++)
		free(files[i]);
	free(files);
	if (r < 0)
		return r;
	source_rev_done(rev);
	rev->id = xasprintf("dir:%016llx", (unsigned long long)h);
	rev->dir = xstrdup(d->root);
	rev->summary = NULL;
	return 0;
}

static void
dir_free(struct source *s)
{
	struct source_dir *d = (struct source_dir *)s;
	size_t i;

	for (i = 0; i < d->nwatches; i++)
		free(d->watches[i].path);
	free(d->watches);
	free(d->root);
	free(d);
	inotifytools_cleanup();
	dir_open_once = false;
}

static const struct source_ops source_dir_ops = {
    .sync = dir_sync,
    .fd = dir_fd,
    .drain = dir_drain,
    .free = dir_free,
};
