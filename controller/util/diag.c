/* Diagnostics collector; see diag.h. Never prints unless asked to. */
#include "diag.h"
#include "strbuf.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void
diag_init(struct diag *d)
{
	memset(d, 0, sizeof(*d));
}

void
diag_done(struct diag *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->entries[i].file);
		free(d->entries[i].message);
	}
	free(d->entries);
	d->entries = NULL;
	d->n = d->cap = d->errors = 0;
}

static void
diag_vadd(struct diag *d, enum diag_severity sev, const struct diag_pos *pos,
          const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	struct diag_entry *e;

	strbuf_vprintf(&sb, fmt, ap);
	XGROW(d->entries, d->cap, d->n + 1);
	e = &d->entries[d->n++];
	e->severity = sev;
	e->file = pos && pos->file ? xstrdup(pos->file) : NULL;
	e->line = pos ? pos->line : 0;
	e->col = pos ? pos->col : 0;
	e->message = strbuf_detach(&sb);
	if (sev == DIAG_ERROR)
		d->errors++;
}

void
diag_error(struct diag *d, const struct diag_pos *pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, DIAG_ERROR, pos, fmt, ap);
	va_end(ap);
}

void
diag_warn(struct diag *d, const struct diag_pos *pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, DIAG_WARNING, pos, fmt, ap);
	va_end(ap);
}

void
diag_lint(struct diag *d, const struct diag_pos *pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, d->strict ? DIAG_ERROR : DIAG_WARNING, pos, fmt, ap);
	va_end(ap);
}

void
diag_move(struct diag *dst, struct diag *src)
{
	size_t i;

	for (i = 0; i < src->n; i++) {
		XGROW(dst->entries, dst->cap, dst->n + 1);
		dst->entries[dst->n++] = src->entries[i];
		if (src->entries[i].severity == DIAG_ERROR)
			dst->errors++;
	}
	free(src->entries);
	src->entries = NULL;
	src->n = src->cap = src->errors = 0;
}

static int
diag_cmp(const struct diag_entry *a, const struct diag_entry *b)
{
	int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");

	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return 0;
}

void
diag_sort(struct diag *d)
{
	size_t i, j;

	/* Insertion sort: stable, and diagnostics lists are short. */
	for (i = 1; i < d->n; i++) {
		struct diag_entry e = d->entries[i];

		for (j = i; j > 0 && diag_cmp(&d->entries[j - 1], &e) > 0; j--)
			d->entries[j] = d->entries[j - 1];
		d->entries[j] = e;
	}
}

char *
diag_entry_format(const struct diag_entry *e)
{
	struct strbuf sb = STRBUF_INIT;

	if (e->file) {
		strbuf_puts(&sb, e->file);
		if (e->line)
			strbuf_printf(&sb, ":%u", e->line);
		if (e->line && e->col)
			strbuf_printf(&sb, ":%u", e->col);
		strbuf_puts(&sb, ": ");
	}
	strbuf_puts(&sb, e->severity == DIAG_ERROR ? "error: " : "warning: ");
	strbuf_puts(&sb, e->message);
	return strbuf_detach(&sb);
}

void
diag_print(const struct diag *d, FILE *out)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		char *s = diag_entry_format(&d->entries[i]);

		fprintf(out, "%s\n", s);
		free(s);
	}
}
