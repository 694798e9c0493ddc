/*
 * The source interface's dispatch (source.h) and what the Git and
 * directory sources share: name filtering and hashing. No I/O here.
 */
#include "source_impl.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

int
source_sync(struct source *s, struct source_rev *rev, struct diag *reterr)
{
	return s->ops->sync(s, rev, reterr);
}

int
source_fd(const struct source *s)
{
	return s->ops->fd ? s->ops->fd(s) : -1;
}

bool
source_drain(struct source *s)
{
	return s->ops->drain ? s->ops->drain(s) : false;
}

void
source_rev_keep(struct source *s, const struct source_rev *rev)
{
	if (s->ops->keep && rev && rev->dir)
		s->ops->keep(s, rev);
}

/* In s, every "dir/" becomes prefix; s is replaced (freed). */
static char *
source_replace_dir(char *s, const char *dir, const char *prefix)
{
	size_t n = strlen(dir);
	char *at, *from = s;

	while ((at = strstr(from, dir))) {
		char *r;
		size_t off;

		if (at[n] != '/') {
			from = at + 1;
			continue;
		}
		r = xasprintf("%.*s%s%s", (int)(at - s), s, prefix, at + n + 1);
		off = (size_t)(at - s) + strlen(prefix);
		free(s);
		s = r;
		from = s + off;
	}
	return s;
}

void
source_diag_rename(const struct source *s, const struct source_rev *rev,
                   struct diag *d)
{
	char *prefix;
	size_t i;

	if (!s->ops->file_prefix || !rev || !rev->dir)
		return;
	prefix = s->ops->file_prefix(s, rev);
	for (i = 0; i < d->n; i++) {
		struct diag_entry *e = &d->entries[i];

		if (e->file)
			e->file = source_replace_dir(e->file, rev->dir, prefix);
		e->message = source_replace_dir(e->message, rev->dir, prefix);
	}
	free(prefix);
}

const char *
source_name(const struct source *s)
{
	return s->name;
}

void
source_rev_done(struct source_rev *rev)
{
	if (!rev)
		return;
	free(rev->id);
	free(rev->dir);
	free(rev->summary);
	rev->id = rev->dir = rev->summary = NULL;
}

void
source_free(struct source *s)
{
	if (!s)
		return;
	free(s->name);
	s->ops->free(s);
}

uint64_t
source_fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

static bool
source_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

bool
source_name_ignored(const char *name)
{
	size_t n = strlen(name);

	if (strcmp(name, ".git") == 0 || strcmp(name, "4913") == 0)
		return true;
	if (n && name[n - 1] == '~')
		return true;
	if (strncmp(name, ".#", 2) == 0)
		return true;
	if (n >= 2 && name[0] == '#' && name[n - 1] == '#')
		return true;
	/* vim: .name.swp, then .swo, .swn, ... as swap files pile up */
	if (name[0] == '.' && n > 5 && strncmp(name + n - 4, ".sw", 3) == 0 &&
	    name[n - 1] >= 'a' && name[n - 1] <= 'p')
		return true;
	return source_ends_with(name, ".swpx") ||
	       source_ends_with(name, ".swx");
}
