/*
 * Diagnostics: the human-readable errors and warnings a stage reports to the
 * caller. Descriptors report `file:line:col: severity: message`; VIM calls
 * report `METHOD URL -> status: message` as the message with no position.
 * Libraries fill a caller-owned struct diag; only the CLI and daemon print.
 */
#ifndef NFV_DIAG_H
#define NFV_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum diag_severity {
	DIAG_WARNING,
	DIAG_ERROR,
};

/* A place in a source file; file is borrowed and may be NULL. */
struct diag_pos {
	const char *file;
	unsigned line; /* 1-based; 0 when unknown */
	unsigned col;  /* 1-based; 0 when unknown */
};

struct diag_entry {
	enum diag_severity severity;
	char *file; /* owned copy, or NULL */
	unsigned line;
	unsigned col;
	char *message;
};

struct diag {
	struct diag_entry *entries;
	size_t n;
	size_t cap;
	size_t errors;
	/* When set, lint findings (diag_lint) are errors, not warnings. */
	bool strict;
};

void diag_init(struct diag *d);
void diag_done(struct diag *d);

void diag_error(struct diag *d, const struct diag_pos *pos, const char *fmt,
                ...) __attribute__((format(printf, 3, 4)));
void diag_warn(struct diag *d, const struct diag_pos *pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A finding that is a warning, or an error under --strict. */
void diag_lint(struct diag *d, const struct diag_pos *pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Moves every entry of src to the end of dst; src is left empty. */
void diag_move(struct diag *dst, struct diag *src);
/* Orders entries by file, line, column (stable), for reproducible output. */
void diag_sort(struct diag *d);
/* Prints one entry a line: "file:line:col: error: message". */
void diag_print(const struct diag *d, FILE *out);
/* Formats one entry into a fresh string (caller frees). */
char *diag_entry_format(const struct diag_entry *e);

#endif
