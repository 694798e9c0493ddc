/*
 * Saved plans at the command line: what `plan --out` records about its
 * inputs (absolute paths; the bytes of every descriptor, parameter and VIM
 * file, hashed) and reading a plan file back for `apply FILE`. The format
 * and the staleness check are plan_file.c's; this file only does the I/O.
 * It prints nothing and never reads a secret file.
 */
#include "cli.h"
#include "plan_file.h"
#include "strbuf.h"
#include "xalloc.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Plan files are small (about 200 bytes per observed resource); anything
 * far larger is not one. */
#define CLI_PLAN_FILE_MAX (256u << 20)

static int
cli_read_file(const char *path, size_t max, char **ret, size_t *retn,
              struct diag *d)
{
	struct strbuf b = STRBUF_INIT;
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int r = 0;

	if (!f) {
		r = -errno;
		diag_error(d, NULL, "%s: cannot read: %s", path,
		           strerror(errno));
		return r;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b.len + n > max) {
			diag_error(d, NULL, "%s: larger than %zu bytes", path,
			           max);
			r = -EFBIG;
			break;
		}
		strbuf_add(&b, chunk, n);
	}
	if (r == 0 && ferror(f)) {
		diag_error(d, NULL, "%s: cannot read", path);
		r = -EIO;
	}
	fclose(f);
	if (r < 0) {
		strbuf_done(&b);
		return r;
	}
	*retn = b.len;
	*ret = strbuf_detach(&b);
	return 0;
}

static int
cli_add_source(struct plan_file_inputs *in, const char *path, struct diag *d)
{
	struct plan_file_source *s;
	char *real = realpath(path, NULL), *bytes;
	size_t i, n;
	int r;

	if (!real) {
		r = -errno;
		diag_error(d, NULL, "%s: cannot read: %s", path, strerror(-r));
		return r;
	}
	for (i = 0; i < in->nsources; i++) {
		if (strcmp(in->sources[i].path, real) == 0) {
			free(real);
			return 0;
		}
	}
	r = cli_read_file(real, SIZE_MAX, &bytes, &n, d);
	if (r < 0) {
		free(real);
		return r;
	}
	in->sources =
	    xrealloc(in->sources, (in->nsources + 1) * sizeof(*in->sources));
	s = &in->sources[in->nsources++];
	s->path = real;
	plan_file_hash(bytes, n, s->hash);
	free(bytes);
	return 0;
}

static char **
cli_real_paths(const char *const *paths, size_t n, struct diag *d)
{
	char **out = xcalloc(n ? n : 1, sizeof(*out));
	size_t i;

	for (i = 0; i < n; i++) {
		out[i] = realpath(paths[i], NULL);
		if (!out[i]) {
			diag_error(d, NULL, "%s: %s", paths[i],
			           strerror(errno));
			while (i > 0)
				free(out[--i]);
			free(out);
			return NULL;
		}
	}
	return out;
}

int
cli_plan_sources(const struct nfv_repo *repo, struct plan_file_inputs *in,
                 struct diag *d)
{
	size_t i;
	int r = 0;

	for (i = 0; r == 0 && i < repo->set.n; i++)
		r = cli_add_source(in, repo->set.docs[i]->real, d);
	for (i = 0; r == 0 && i < repo->set.nparams; i++)
		r = cli_add_source(in, repo->set.params[i]->file, d);
	for (i = 0; r == 0 && i < repo->nvim_docs; i++)
		r = cli_add_source(in, repo->vim_docs[i]->file, d);
	plan_file_inputs_sort(in);
	return r;
}

int
cli_plan_inputs(const struct cli_opts *o, const struct nfv_repo *repo,
                struct plan_file_inputs *in, struct diag *d)
{
	memset(in, 0, sizeof(*in));
	in->strict = o->strict;
	in->allow_mass_delete = o->allow_mass_delete;
	in->paths = cli_real_paths(o->paths, o->npaths, d);
	if (!in->paths)
		return -ENOENT;
	in->npaths = o->npaths;
	in->param_files = cli_real_paths(o->param_files, o->nparam_files, d);
	if (!in->param_files)
		return -ENOENT;
	in->nparam_files = o->nparam_files;
	return cli_plan_sources(repo, in, d);
}

static bool
cli_has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

bool
cli_is_plan_file(const char *path)
{
	struct stat st;
	FILE *f;
	int c;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    cli_has_suffix(path, ".yaml") || cli_has_suffix(path, ".yml"))
		return false;
	f = fopen(path, "rb");
	if (!f)
		return false;
	do
		c = fgetc(f);
	while (c == ' ' || c == '\t' || c == '\n' || c == '\r');
	fclose(f);
	return c == '{';
}

int
cli_plan_file_read(const char *path, struct plan_file **ret, struct diag *d)
{
	char *text;
	size_t n;
	int r;

	r = cli_read_file(path, CLI_PLAN_FILE_MAX, &text, &n, d);
	if (r < 0)
		return r;
	if (strlen(text) != n) {
		diag_error(
		    d, NULL,
		    "%s: not a plan file: it holds NUL bytes; make a new "
		    "one with 'nfvsync plan --out'",
		    path);
		free(text);
		return -EINVAL;
	}
	r = plan_file_parse(text, path, ret, d);
	free(text);
	return r;
}
