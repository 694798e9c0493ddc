/*
 * The directory source on a scratch tree: the content hash (stable, and
 * changed by an edit, a rename, a new file; not by editor scratch files
 * or .git), and the inotify watch: writes, renames, a new subdirectory
 * then a file in it, a moved directory, scratch files ignored. inotify
 * queues an event while the file operation runs, so once it has returned
 * the descriptor is readable; poll() waits with a deadline all the same.
 */
#include "unit.h"

#include "source.h"
#include "source_impl.h"
#include "xalloc.h"

#include <fcntl.h>
#include <poll.h>

struct fixture {
	char *dir;
	struct diag d;
	struct source *s;
	struct source_rev rev;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->dir = unit_tmpdir();
	free(unit_write(f->dir, "nsd/ns.yaml", "ns: 1\n"));
	free(unit_write(f->dir, "vnfd/web.yaml", "web: 1\n"));
	diag_init(&f->d);
	assert_int_equal(source_dir_open(f->dir, &f->s, &f->d), 0);
	assert_no_diags(&f->d);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	source_rev_done(&f->rev);
	source_free(f->s);
	diag_done(&f->d);
	unit_rmtree(f->dir);
	free(f);
	return 0;
}

/* The id of the tree now. */
static char *
sync_id(struct fixture *f)
{
	int r = source_sync(f->s, &f->rev, &f->d);

	if (r < 0)
		unit_print_diags(&f->d);
	assert_int_equal(r, 0);
	return xstrdup(f->rev.id);
}

static bool
readable(const struct fixture *f, int timeout_ms)
{
	struct pollfd p = {source_fd(f->s), POLLIN, 0};

	return poll(&p, 1, timeout_ms) == 1;
}

/* Drains once the events are there (deadline 5 s); what drain said. */
static bool
drained(struct fixture *f)
{
	bool relevant;

	assert_true(readable(f, 5000));
	relevant = source_drain(f->s);
	/* everything was read */
	assert_false(readable(f, 0));
	return relevant;
}

static void
sh(const char *dir, const char *cmd)
{
	char *full = xasprintf("cd '%s' && %s", dir, cmd);

	assert_int_equal(system(full), 0);
	free(full);
}

static void
test_source_dir_hash_is_stable_and_follows_content(void **state)
{
	struct fixture *f = *state;
	char *a = sync_id(f), *b = sync_id(f), *c, *d, *e;
	char *real = realpath(f->dir, NULL);

	assert_string_equal(a, b);
	assert_int_equal(strncmp(a, "dir:", 4), 0);
	assert_int_equal(strlen(a), 4 + 16);
	assert_string_equal(f->rev.dir, real);
	assert_null(f->rev.summary);
	/* an edit changes it, and undoing the edit restores it */
	free(unit_write(f->dir, "nsd/ns.yaml", "ns: 2\n"));
	c = sync_id(f);
	assert_string_not_equal(a, c);
	free(unit_write(f->dir, "nsd/ns.yaml", "ns: 1\n"));
	free(b);
	b = sync_id(f);
	assert_string_equal(a, b);
	/* a rename with the same contents changes it */
	sh(f->dir, "mv vnfd/web.yaml vnfd/web2.yaml");
	d = sync_id(f);
	assert_string_not_equal(a, d);
	sh(f->dir, "mv vnfd/web2.yaml vnfd/web.yaml");
	/* scratch files and .git do not */
	free(unit_write(f->dir, "nsd/.ns.yaml.swp", "swap"));
	free(unit_write(f->dir, "nsd/ns.yaml~", "backup"));
	free(unit_write(f->dir, "nsd/4913", ""));
	free(unit_write(f->dir, ".git/HEAD", "ref: refs/heads/main\n"));
	e = sync_id(f);
	assert_string_equal(a, e);
	free(a);
	free(b);
	free(c);
	free(d);
	free(e);
	free(real);
}

static void
test_source_dir_empty_is_an_error(void **state)
{
	struct fixture *f = *state;
	char *id = sync_id(f);

	sh(f->dir, "rm -r nsd vnfd");
	assert_int_equal(source_sync(f->s, &f->rev, &f->d), -ENOENT);
	expect_error(&f->d, ANY, ANY, "no descriptors");
	assert_string_equal(f->rev.id, id); /* untouched */
	free(id);
}

static void
test_source_dir_write_is_a_change(void **state)
{
	struct fixture *f = *state;

	assert_false(readable(f, 0));
	free(unit_write(f->dir, "nsd/ns.yaml", "ns: 2\n"));
	assert_true(drained(f));
	free(unit_write(f->dir, "new.yaml", "x\n"));
	assert_true(drained(f));
	sh(f->dir, "rm new.yaml");
	assert_true(drained(f));
}

static void
test_source_dir_rename_is_a_change(void **state)
{
	struct fixture *f = *state;

	sh(f->dir, "mv nsd/ns.yaml nsd/other.yaml");
	assert_true(drained(f));
}

static void
test_source_dir_scratch_files_are_not_a_change(void **state)
{
	struct fixture *f = *state;

	free(unit_write(f->dir, "nsd/.ns.yaml.swp", "swap"));
	free(unit_write(f->dir, "nsd/.ns.yaml.swx", "swap"));
	free(unit_write(f->dir, "nsd/ns.yaml~", "backup"));
	free(unit_write(f->dir, "nsd/4913", ""));
	free(unit_write(f->dir, "nsd/.#ns.yaml", "lock"));
	free(unit_write(f->dir, "nsd/#ns.yaml#", "autosave"));
	sh(f->dir, "mkdir .git && echo x > .git/index && rm nsd/4913");
	assert_false(drained(f));
	/* a change after them is still seen */
	free(unit_write(f->dir, "nsd/ns.yaml", "ns: 3\n"));
	assert_true(drained(f));
}

static void
test_source_dir_new_subdirectory_is_watched(void **state)
{
	struct fixture *f = *state;

	/* an empty directory changes nothing... */
	sh(f->dir, "mkdir later");
	assert_false(drained(f));
	/* ...but it is watched: a file in it is a change */
	free(unit_write(f->dir, "later/x.yaml", "x\n"));
	assert_true(drained(f));
	/* a directory made with a file before drain ran */
	sh(f->dir, "mkdir -p deep/er && echo y > deep/er/y.yaml");
	assert_true(drained(f));
	free(unit_write(f->dir, "deep/er/z.yaml", "z\n"));
	assert_true(drained(f));
}

static void
test_source_dir_moved_directory_is_watched_at_its_new_place(void **state)
{
	struct fixture *f = *state;

	sh(f->dir, "mv vnfd vnfs");
	assert_true(drained(f));
	/* a directory made inside the moved one is watched too */
	sh(f->dir, "mkdir vnfs/inner");
	assert_false(drained(f));
	free(unit_write(f->dir, "vnfs/inner/a.yaml", "a\n"));
	assert_true(drained(f));
}

/* More events than the kernel queues: the watch starts over, and the
 * overflow itself counts as a change. */
static void
test_source_dir_event_overflow_is_a_change(void **state)
{
	struct fixture *f = *state;
	FILE *q = fopen("/proc/sys/fs/inotify/max_queued_events", "r");
	long max = 0, i;

	assert_non_null(q);
	assert_int_equal(fscanf(q, "%ld", &max), 1);
	fclose(q);
	/* each file: IN_CREATE and IN_CLOSE_WRITE */
	for (i = 0; i < max / 2 + 16; i++) {
		char *path = xasprintf("%s/vnfd/f%ld.yaml", f->dir, i);
		int fd = open(path, O_WRONLY | O_CREAT, 0600);

		assert_true(fd >= 0);
		close(fd);
		free(path);
	}
	assert_true(drained(f));
	/* still watching, new directories included */
	sh(f->dir, "mkdir vnfd/after");
	assert_false(drained(f));
	free(unit_write(f->dir, "vnfd/after/x.yaml", "x\n"));
	assert_true(drained(f));
}

static void
test_source_dir_one_at_a_time(void **state)
{
	struct fixture *f = *state;
	struct source *other = NULL;

	assert_int_equal(source_dir_open(f->dir, &other, &f->d), -EBUSY);
	assert_null(other);
	expect_error(&f->d, ANY, ANY, "one directory source");
}

static void
test_source_dir_missing_directory_is_an_error(void **state)
{
	struct fixture *f = *state;
	struct source *other = NULL;
	char *path = xasprintf("%s/nope", f->dir);

	assert_int_equal(source_dir_open(path, &other, &f->d), -ENOENT);
	expect_error(&f->d, ANY, ANY, "/nope: No such file");
	free(path);
}

static void
test_source_dir_ignored_names(void **state)
{
	(void)state;
	assert_true(source_name_ignored(".ns.yaml.swp"));
	assert_true(source_name_ignored(".ns.yaml.swo"));
	assert_true(source_name_ignored("ns.yaml~"));
	assert_true(source_name_ignored("4913"));
	assert_true(source_name_ignored(".#ns.yaml"));
	assert_true(source_name_ignored("#ns.yaml#"));
	assert_true(source_name_ignored(".git"));
	assert_false(source_name_ignored("ns.yaml"));
	assert_false(source_name_ignored(".swp"));
	assert_false(source_name_ignored("ns.swp.yaml"));
	assert_false(source_name_ignored(".gitignore"));
	assert_false(source_name_ignored("49130"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	    T(test_source_dir_hash_is_stable_and_follows_content),
	    T(test_source_dir_empty_is_an_error),
	    T(test_source_dir_write_is_a_change),
	    T(test_source_dir_rename_is_a_change),
	    T(test_source_dir_scratch_files_are_not_a_change),
	    T(test_source_dir_new_subdirectory_is_watched),
	    T(test_source_dir_moved_directory_is_watched_at_its_new_place),
	    T(test_source_dir_event_overflow_is_a_change),
	    T(test_source_dir_one_at_a_time),
	    T(test_source_dir_missing_directory_is_an_error),
	    cmocka_unit_test(test_source_dir_ignored_names),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
