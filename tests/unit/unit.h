/*
 * Helpers shared by the unit tests: finding a diagnostic by severity,
 * position and message fragment (and printing them all when it is not
 * there), and scratch directories for descriptors written by a test. Only
 * libc and diag.h: every test binary can include it. Not a test framework.
 */
#ifndef NFV_TEST_UNIT_H
#define NFV_TEST_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"

/* Any line or column. */
#define ANY 0u

static inline void
unit_print_diags(const struct diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		char *s = diag_entry_format(&d->entries[i]);

		print_message("  diag[%zu]: %s\n", i, s);
		free(s);
	}
}

/*
 * The first entry of severity sev at line:col (ANY matches every value)
 * whose message contains fragment, or NULL.
 */
static inline const struct diag_entry *
unit_find_diag(const struct diag *d, enum diag_severity sev, unsigned line,
               unsigned col, const char *fragment)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct diag_entry *e = &d->entries[i];

		if (e->severity != sev)
			continue;
		if (line != ANY && e->line != line)
			continue;
		if (col != ANY && e->col != col)
			continue;
		if (!strstr(e->message, fragment))
			continue;
		return e;
	}
	return NULL;
}

static inline const struct diag_entry *
unit_expect_diag(const struct diag *d, enum diag_severity sev, unsigned line,
                 unsigned col, const char *fragment)
{
	const struct diag_entry *e =
	    unit_find_diag(d, sev, line, col, fragment);

	if (!e) {
		print_message("expected %s at %u:%u containing \"%s\"; got:\n",
		              sev == DIAG_ERROR ? "error" : "warning", line,
		              col, fragment);
		unit_print_diags(d);
	}
	assert_non_null(e);
	return e;
}

#define expect_error(d, line, col, frag)                                       \
	unit_expect_diag((d), DIAG_ERROR, (line), (col), (frag))
#define expect_warning(d, line, col, frag)                                     \
	unit_expect_diag((d), DIAG_WARNING, (line), (col), (frag))

/* Fails (printing them) when d holds any diagnostic at all. */
#define assert_no_diags(d)                                                     \
	do {                                                                   \
		if ((d)->n)                                                    \
			unit_print_diags(d);                                   \
		assert_int_equal((d)->n, 0);                                   \
	} while (0)

/* Fails (printing them) when d holds an error. */
#define assert_no_errors(d)                                                    \
	do {                                                                   \
		if ((d)->errors)                                               \
			unit_print_diags(d);                                   \
		assert_int_equal((d)->errors, 0);                              \
	} while (0)

/* A fresh scratch directory under $TMPDIR (or /tmp); caller frees. */
static inline char *
unit_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *path;
	size_t n;

	if (!base || !*base)
		base = "/tmp";
	n = strlen(base) + sizeof("/nfvsync-unit-XXXXXX");
	path = malloc(n);
	assert_non_null(path);
	snprintf(path, n, "%s/nfvsync-unit-XXXXXX", base);
	assert_non_null(mkdtemp(path));
	return path;
}

/* Writes text to dir/rel, creating the directories of rel; returns the
 * path (caller frees). */
static inline char *
unit_write(const char *dir, const char *rel, const char *text)
{
	size_t n = strlen(dir) + strlen(rel) + 2;
	char *path = malloc(n);
	char *p;
	FILE *f;

	assert_non_null(path);
	snprintf(path, n, "%s/%s", dir, rel);
	for (p = path + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0700) < 0)
			assert_int_equal(errno, EEXIST);
		*p = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	return path;
}

static inline int
unit_rm_entry(const char *path, const struct stat *st, int flag,
              struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Removes dir and everything below it, and frees the string. */
static inline void
unit_rmtree(char *dir)
{
	if (!dir)
		return;
	nftw(dir, unit_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

#endif
