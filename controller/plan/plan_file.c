/*
 * Saved plans: rendering, parsing and the staleness check; see plan_file.h.
 * Pure: no file or VIM is read here.
 *
 * An observed resource is one row of five strings (kind, name, id, status,
 * spec hash); a ready pod is the row ("pod", pod, address, "ready",
 * service/vnf/vdu). A VIM's fingerprint is the hash of its rows joined by
 * tabs, sorted, one a line: equal fingerprints, equal observations.
 */
#include "plan_file.h"
#include "strbuf.h"
#include "xalloc.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PLAN_FILE_ROW_FIELDS 5
/* Changes named per VIM in a stale-plan message before "and N more". */
#define PLAN_FILE_CHANGES_SHOWN 3

struct plan_file_row {
	const char *f[PLAN_FILE_ROW_FIELDS]; /* borrowed */
	char *line;                          /* the fields joined by tabs */
};

struct plan_file_rows {
	struct plan_file_row *rows;
	size_t n;
	size_t cap;
	char **spec; /* endpoint "service/vnf/vdu" strings the rows borrow */
	size_t nspec;
};

void
plan_file_hash(const void *data, size_t n, char ret[17])
{
	const unsigned char *c = data;
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= c[i];
		h *= 1099511628211ULL;
	}
	snprintf(ret, 17, "%016" PRIx64, h);
}

static const char *
plan_file_str(const char *s)
{
	return s ? s : "";
}

static void
plan_file_rows_add(struct plan_file_rows *rs, const char *const f[])
{
	struct plan_file_row *r;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	XGROW(rs->rows, rs->cap, rs->n + 1);
	r = &rs->rows[rs->n++];
	for (i = 0; i < PLAN_FILE_ROW_FIELDS; i++) {
		r->f[i] = plan_file_str(f[i]);
		if (i)
			strbuf_putc(&sb, '\t');
		strbuf_puts(&sb, r->f[i]);
	}
	r->line = strbuf_detach(&sb);
}

static int
plan_file_row_cmp(const void *a, const void *b)
{
	const struct plan_file_row *x = a, *y = b;

	return strcmp(x->line, y->line);
}

static void
plan_file_rows_done(struct plan_file_rows *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		free(rs->rows[i].line);
	free(rs->rows);
	for (i = 0; i < rs->nspec; i++)
		free(rs->spec[i]);
	free(rs->spec);
	memset(rs, 0, sizeof(*rs));
}

/* The rows of one VIM as observed now, sorted. */
static void
plan_file_rows_observed(struct plan_file_rows *rs,
                        const struct plan_observed *obs, const char *vim)
{
	size_t i;

	for (i = 0; i < obs->n; i++) {
		const struct plan_observed_res *r = &obs->res[i];
		const char *f[PLAN_FILE_ROW_FIELDS];

		if (strcmp(plan_file_str(r->vim), vim) != 0)
			continue;
		f[0] = plan_kind_name(r->kind);
		f[1] = r->name;
		f[2] = r->id;
		f[3] = r->status;
		f[4] = r->spec_hash;
		plan_file_rows_add(rs, f);
	}
	for (i = 0; i < obs->nendpoints; i++) {
		const struct plan_endpoint *e = &obs->endpoints[i];
		const char *f[PLAN_FILE_ROW_FIELDS];

		if (strcmp(plan_file_str(e->vim), vim) != 0)
			continue;
		rs->spec =
		    xrealloc(rs->spec, (rs->nspec + 1) * sizeof(*rs->spec));
		rs->spec[rs->nspec++] =
		    xasprintf("%s/%s/%s", plan_file_str(e->service),
		              plan_file_str(e->vnf), plan_file_str(e->vdu));
		f[0] = "pod";
		f[1] = e->pod;
		f[2] = e->address;
		f[3] = "ready";
		f[4] = rs->spec[rs->nspec - 1];
		plan_file_rows_add(rs, f);
	}
	if (rs->n)
		qsort(rs->rows, rs->n, sizeof(*rs->rows), plan_file_row_cmp);
}

static void
plan_file_fingerprint(const struct plan_file_rows *rs, char ret[17])
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < rs->n; i++) {
		strbuf_puts(&sb, rs->rows[i].line);
		strbuf_putc(&sb, '\n');
	}
	plan_file_hash(strbuf_str(&sb), sb.len, ret);
	strbuf_done(&sb);
}

/* The hash of all sources: path, NUL, hash, newline each. */
static void
plan_file_sources_hash(const struct plan_file_source *s, size_t n, char ret[17])
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		strbuf_puts(&sb, s[i].path);
		strbuf_putc(&sb, '\0');
		strbuf_puts(&sb, s[i].hash);
		strbuf_putc(&sb, '\n');
	}
	plan_file_hash(sb.buf ? sb.buf : "", sb.len, ret);
	strbuf_done(&sb);
}

static int
plan_file_source_cmp(const void *a, const void *b)
{
	const struct plan_file_source *x = a, *y = b;

	return strcmp(x->path, y->path);
}

void
plan_file_inputs_sort(struct plan_file_inputs *in)
{
	if (in->nsources)
		qsort(in->sources, in->nsources, sizeof(*in->sources),
		      plan_file_source_cmp);
}

void
plan_file_inputs_done(struct plan_file_inputs *in)
{
	size_t i;

	for (i = 0; i < in->npaths; i++)
		free(in->paths[i]);
	free(in->paths);
	for (i = 0; i < in->nparam_files; i++)
		free(in->param_files[i]);
	free(in->param_files);
	for (i = 0; i < in->nsources; i++)
		free(in->sources[i].path);
	free(in->sources);
	memset(in, 0, sizeof(*in));
}

static json_object *
plan_file_strings(char *const *s, size_t n)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(s[i]));
	return a;
}

char *
plan_file_render(const struct plan *p, const struct plan_observed *obs,
                 const struct plan_file_inputs *in, const char *version)
{
	json_object *root = json_object_new_object();
	json_object *inputs = json_object_new_object();
	json_object *desc = json_object_new_object();
	json_object *files = json_object_new_array();
	json_object *observed = json_object_new_array();
	char hash[17], *actions, *out;
	size_t i, j, k;

	json_object_object_add(root, "nfvsync_plan_file",
	                       json_object_new_int(PLAN_FILE_VERSION));
	json_object_object_add(root, "nfvsync_version",
	                       json_object_new_string(version));
	json_object_object_add(inputs, "paths",
	                       plan_file_strings(in->paths, in->npaths));
	json_object_object_add(
	    inputs, "param_files",
	    plan_file_strings(in->param_files, in->nparam_files));
	json_object_object_add(inputs, "strict",
	                       json_object_new_boolean(in->strict));
	json_object_object_add(inputs, "allow_mass_delete",
	                       json_object_new_boolean(in->allow_mass_delete));
	json_object_object_add(root, "inputs", inputs);

	for (i = 0; i < in->nsources; i++) {
		json_object *f = json_object_new_object();

		json_object_object_add(
		    f, "path", json_object_new_string(in->sources[i].path));
		json_object_object_add(
		    f, "hash", json_object_new_string(in->sources[i].hash));
		json_object_array_add(files, f);
	}
	plan_file_sources_hash(in->sources, in->nsources, hash);
	json_object_object_add(desc, "hash", json_object_new_string(hash));
	json_object_object_add(desc, "files", files);
	json_object_object_add(root, "descriptors", desc);

	for (i = 0; i < obs->nvims; i++) {
		struct plan_file_rows rs = {0};
		json_object *v = json_object_new_object();
		json_object *rows = json_object_new_array();

		plan_file_rows_observed(&rs, obs, obs->vims[i]);
		plan_file_fingerprint(&rs, hash);
		for (j = 0; j < rs.n; j++) {
			json_object *row = json_object_new_array();

			for (k = 0; k < PLAN_FILE_ROW_FIELDS; k++)
				json_object_array_add(
				    row,
				    json_object_new_string(rs.rows[j].f[k]));
			json_object_array_add(rows, row);
		}
		json_object_object_add(v, "vim",
		                       json_object_new_string(obs->vims[i]));
		json_object_object_add(v, "fingerprint",
		                       json_object_new_string(hash));
		json_object_object_add(v, "resources", rows);
		json_object_array_add(observed, v);
		plan_file_rows_done(&rs);
	}
	json_object_object_add(root, "observed", observed);

	actions = plan_to_json(p);
	json_object_object_add(root, "plan", json_tokener_parse(actions));
	free(actions);

	out = xasprintf("%s\n", json_object_to_json_string_ext(
	                            root, JSON_C_TO_STRING_PRETTY |
	                                      JSON_C_TO_STRING_SPACED |
	                                      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return out;
}

/* Parsing: every field is checked for presence and type. */

static int
plan_file_damaged(struct diag *reterr, const char *name, const char *what)
{
	diag_error(reterr, NULL,
	           "%s: damaged plan file: %s; make a new one with "
	           "'nfvsync plan --out'",
	           name, what);
	return -EINVAL;
}

static json_object *
plan_file_get(json_object *o, const char *key, json_type type)
{
	json_object *v = NULL;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, type))
		return NULL;
	return v;
}

static bool
plan_file_is_hash(const char *s)
{
	size_t i;

	for (i = 0; i < 16; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return s[16] == '\0';
}

/* A list of strings into a fresh array; false when a member is no string. */
static bool
plan_file_get_strings(json_object *a, char ***ret, size_t *retn)
{
	size_t i, n = json_object_array_length(a);
	char **s = xcalloc(n ? n : 1, sizeof(*s));

	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(a, i);

		if (!json_object_is_type(e, json_type_string)) {
			while (i > 0)
				free(s[--i]);
			free(s);
			return false;
		}
		s[i] = xstrdup(json_object_get_string(e));
	}
	*ret = s;
	*retn = n;
	return true;
}

/* A VIM's saved rows (borrowed from the document) and their check. */
static const char *
plan_file_rows_saved(json_object *vim, struct plan_file_rows *rs)
{
	json_object *rows = plan_file_get(vim, "resources", json_type_array);
	json_object *fp = plan_file_get(vim, "fingerprint", json_type_string);
	char hash[17];
	size_t i, k;

	if (!plan_file_get(vim, "vim", json_type_string) || !rows || !fp)
		return "an observed VIM lacks vim, fingerprint or resources";
	for (i = 0; i < json_object_array_length(rows); i++) {
		json_object *row = json_object_array_get_idx(rows, i);
		const char *f[PLAN_FILE_ROW_FIELDS];

		if (!json_object_is_type(row, json_type_array) ||
		    json_object_array_length(row) != PLAN_FILE_ROW_FIELDS)
			return "an observed resource is not a row of five "
			       "strings";
		for (k = 0; k < PLAN_FILE_ROW_FIELDS; k++) {
			json_object *e = json_object_array_get_idx(row, k);

			if (!json_object_is_type(e, json_type_string))
				return "an observed resource is not a row of "
				       "five strings";
			f[k] = json_object_get_string(e);
		}
		plan_file_rows_add(rs, f);
	}
	if (rs->n)
		qsort(rs->rows, rs->n, sizeof(*rs->rows), plan_file_row_cmp);
	plan_file_fingerprint(rs, hash);
	if (strcmp(hash, json_object_get_string(fp)) != 0)
		return "an observed VIM's fingerprint does not match its "
		       "resources";
	return NULL;
}

static const char *
plan_file_parse_inputs(json_object *root, struct plan_file_inputs *in)
{
	json_object *inputs = plan_file_get(root, "inputs", json_type_object);
	json_object *desc =
	    plan_file_get(root, "descriptors", json_type_object);
	json_object *paths, *params, *strict, *mass, *files, *hash;
	char sum[17];
	size_t i, n;

	paths = plan_file_get(inputs, "paths", json_type_array);
	params = plan_file_get(inputs, "param_files", json_type_array);
	strict = plan_file_get(inputs, "strict", json_type_boolean);
	mass = plan_file_get(inputs, "allow_mass_delete", json_type_boolean);
	if (!paths || !params || !strict || !mass)
		return "inputs lacks paths, param_files, strict or "
		       "allow_mass_delete";
	if (!plan_file_get_strings(paths, &in->paths, &in->npaths) ||
	    in->npaths == 0)
		return "inputs.paths is not a list of paths";
	if (!plan_file_get_strings(params, &in->param_files, &in->nparam_files))
		return "inputs.param_files is not a list of paths";
	in->strict = json_object_get_boolean(strict);
	in->allow_mass_delete = json_object_get_boolean(mass);

	files = plan_file_get(desc, "files", json_type_array);
	hash = plan_file_get(desc, "hash", json_type_string);
	if (!files || !hash)
		return "descriptors lacks files or hash";
	n = json_object_array_length(files);
	in->sources = xcalloc(n ? n : 1, sizeof(*in->sources));
	for (i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(files, i);
		json_object *p = plan_file_get(f, "path", json_type_string);
		json_object *h = plan_file_get(f, "hash", json_type_string);

		if (!p || !h || !plan_file_is_hash(json_object_get_string(h)))
			return "a descriptor file lacks its path or hash";
		in->sources[i].path = xstrdup(json_object_get_string(p));
		memcpy(in->sources[i].hash, json_object_get_string(h), 17);
		in->nsources++;
	}
	plan_file_sources_hash(in->sources, in->nsources, sum);
	if (strcmp(sum, json_object_get_string(hash)) != 0)
		return "the descriptors' hash does not match their files";
	return NULL;
}

/* One JSON document and nothing after it but white space. */
static json_object *
plan_file_parse_json(const char *text, enum json_tokener_error *ret)
{
	struct json_tokener *tok = json_tokener_new();
	size_t n = strlen(text), end;
	json_object *o;

	o = json_tokener_parse_ex(tok, text, (int)n);
	*ret = json_tokener_get_error(tok);
	if (o) {
		end = json_tokener_get_parse_end(tok);
		while (end < n && strchr(" \t\r\n", text[end]))
			end++;
		if (end < n) {
			json_object_put(o);
			o = NULL;
			*ret = json_tokener_error_parse_unexpected;
		}
	} else if (*ret == json_tokener_continue) {
		*ret = json_tokener_error_parse_eof;
	}
	json_tokener_free(tok);
	return o;
}

int
plan_file_parse(const char *text, const char *name, struct plan_file **ret,
                struct diag *reterr)
{
	enum json_tokener_error jerr;
	json_object *root, *v, *plan, *observed;
	struct plan_file *f = NULL;
	const char *what;
	size_t i;
	int r;

	root = plan_file_parse_json(text, &jerr);
	if (!root) {
		diag_error(reterr, NULL,
		           "%s: not a plan file: damaged JSON (%s); make a new "
		           "one with 'nfvsync plan --out'",
		           name, json_tokener_error_desc(jerr));
		return -EINVAL;
	}
	v = plan_file_get(root, "nfvsync_plan_file", json_type_int);
	if (!v) {
		diag_error(reterr, NULL,
		           "%s: not an nfvsync plan file (no nfvsync_plan_file "
		           "version); make one with 'nfvsync plan --out FILE'",
		           name);
		r = -EINVAL;
		goto out;
	}
	if (json_object_get_int(v) != PLAN_FILE_VERSION) {
		diag_error(reterr, NULL,
		           "%s: plan file version %d; this nfvsync reads "
		           "version %d: run plan again",
		           name, json_object_get_int(v), PLAN_FILE_VERSION);
		r = -ENOTSUP;
		goto out;
	}
	f = xcalloc(1, sizeof(*f));
	what = plan_file_parse_inputs(root, &f->in);
	if (what) {
		r = plan_file_damaged(reterr, name, what);
		goto out;
	}
	v = plan_file_get(root, "nfvsync_version", json_type_string);
	f->version = xstrdup(v ? json_object_get_string(v) : "unknown");
	observed = plan_file_get(root, "observed", json_type_array);
	plan = plan_file_get(root, "plan", json_type_object);
	if (!observed || !plan ||
	    !plan_file_get(plan, "actions", json_type_array)) {
		r = plan_file_damaged(reterr, name,
		                      "it lacks the observed state or the "
		                      "actions");
		goto out;
	}
	for (i = 0; i < json_object_array_length(observed); i++) {
		struct plan_file_rows rs = {0};

		what = plan_file_rows_saved(
		    json_object_array_get_idx(observed, i), &rs);
		plan_file_rows_done(&rs);
		if (what) {
			r = plan_file_damaged(reterr, name, what);
			goto out;
		}
	}
	f->observed = json_object_get(observed);
	f->plan = json_object_get(plan);
	*ret = f;
	f = NULL;
	r = 0;
out:
	plan_file_free(f);
	json_object_put(root);
	return r;
}

void
plan_file_free(struct plan_file *f)
{
	if (!f)
		return;
	plan_file_inputs_done(&f->in);
	free(f->version);
	json_object_put(f->observed);
	json_object_put(f->plan);
	free(f);
}

/* The staleness check. */

struct plan_file_changes {
	struct strbuf sb;
	size_t n; /* changes found in the current group */
};

static void plan_file_change(struct plan_file_changes *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
plan_file_change(struct plan_file_changes *c, const char *fmt, ...)
{
	va_list ap;

	if (c->n++ >= PLAN_FILE_CHANGES_SHOWN)
		return;
	if (c->n > 1)
		strbuf_puts(&c->sb, ", ");
	va_start(ap, fmt);
	strbuf_vprintf(&c->sb, fmt, ap);
	va_end(ap);
}

static void
plan_file_changes_end(struct plan_file_changes *c)
{
	if (c->n > PLAN_FILE_CHANGES_SHOWN)
		strbuf_printf(&c->sb, " and %zu more",
		              c->n - PLAN_FILE_CHANGES_SHOWN);
}

static bool
plan_file_same_key(const struct plan_file_row *a, const struct plan_file_row *b)
{
	return strcmp(a->f[0], b->f[0]) == 0 && strcmp(a->f[1], b->f[1]) == 0;
}

static const char *
plan_file_or(const char *s, const char *none)
{
	return *s ? s : none;
}

/*
 * Names what differs between the saved rows and the current ones (both
 * sorted). Rows present in both are skipped; the rest are paired by
 * (kind, name) to say "is now", "was replaced", or else "is gone" /
 * "appeared".
 */
static void
plan_file_rows_diff(struct plan_file_changes *c,
                    const struct plan_file_rows *was,
                    const struct plan_file_rows *now)
{
	bool *was_seen = xcalloc(was->n + 1, sizeof(bool));
	bool *now_seen = xcalloc(now->n + 1, sizeof(bool));
	size_t i = 0, j = 0;

	while (i < was->n && j < now->n) {
		int d = strcmp(was->rows[i].line, now->rows[j].line);

		if (d == 0)
			was_seen[i++] = now_seen[j++] = true;
		else if (d < 0)
			i++;
		else
			j++;
	}
	for (i = 0; i < was->n; i++) {
		const struct plan_file_row *a = &was->rows[i], *b = NULL;

		if (was_seen[i])
			continue;
		for (j = 0; j < now->n; j++) {
			if (!now_seen[j] &&
			    plan_file_same_key(a, &now->rows[j])) {
				b = &now->rows[j];
				now_seen[j] = true;
				break;
			}
		}
		if (!b)
			plan_file_change(c, "%s %s is gone", a->f[0], a->f[1]);
		else if (strcmp(a->f[2], b->f[2]) != 0)
			plan_file_change(
			    c, "%s %s was replaced (id %s, was %s)", a->f[0],
			    a->f[1], plan_file_or(b->f[2], "none"),
			    plan_file_or(a->f[2], "none"));
		else if (strcmp(a->f[3], b->f[3]) != 0)
			plan_file_change(c, "%s %s is now %s (was %s)", a->f[0],
			                 a->f[1],
			                 plan_file_or(b->f[3], "unknown"),
			                 plan_file_or(a->f[3], "unknown"));
		else
			plan_file_change(c, "%s %s has another spec", a->f[0],
			                 a->f[1]);
	}
	for (j = 0; j < now->n; j++) {
		if (!now_seen[j])
			plan_file_change(c, "%s %s appeared", now->rows[j].f[0],
			                 now->rows[j].f[1]);
	}
	free(was_seen);
	free(now_seen);
}

static bool
plan_file_observed_now(const struct plan_observed *obs, const char *vim)
{
	size_t i;

	for (i = 0; i < obs->nvims; i++) {
		if (strcmp(obs->vims[i], vim) == 0)
			return true;
	}
	return false;
}

static json_object *
plan_file_saved_vim(const struct plan_file *f, const char *vim)
{
	size_t i;

	for (i = 0; i < json_object_array_length(f->observed); i++) {
		json_object *v = json_object_array_get_idx(f->observed, i);

		if (strcmp(json_object_get_string(
		               plan_file_get(v, "vim", json_type_string)),
		           vim) == 0)
			return v;
	}
	return NULL;
}

/* Appends "site1 changed since the plan was made: ..." for each VIM. */
static size_t
plan_file_check_observed(const struct plan_file *f,
                         const struct plan_observed *obs, struct strbuf *msg)
{
	size_t i, stale = 0;

	for (i = 0; i < json_object_array_length(f->observed); i++) {
		json_object *v = json_object_array_get_idx(f->observed, i);
		const char *vim = json_object_get_string(
		    plan_file_get(v, "vim", json_type_string));
		struct plan_file_rows was = {0}, now = {0};
		struct plan_file_changes c = {STRBUF_INIT, 0};

		if (!plan_file_observed_now(obs, vim)) {
			strbuf_printf(msg,
			              "%s%s was read for the plan and "
			              "is not now",
			              stale++ ? "; " : "", vim);
			continue;
		}
		plan_file_rows_saved(v, &was);
		plan_file_rows_observed(&now, obs, vim);
		plan_file_rows_diff(&c, &was, &now);
		plan_file_changes_end(&c);
		if (c.n)
			strbuf_printf(
			    msg, "%s%s changed since the plan was made: %s",
			    stale++ ? "; " : "", vim, strbuf_str(&c.sb));
		strbuf_done(&c.sb);
		plan_file_rows_done(&was);
		plan_file_rows_done(&now);
	}
	for (i = 0; i < obs->nvims; i++) {
		if (!plan_file_saved_vim(f, obs->vims[i]))
			strbuf_printf(msg,
			              "%s%s is read now and was not for "
			              "the plan",
			              stale++ ? "; " : "", obs->vims[i]);
	}
	return stale;
}

static size_t
plan_file_check_sources(const struct plan_file *f,
                        const struct plan_file_source *s, size_t n,
                        struct strbuf *msg)
{
	struct plan_file_changes c = {STRBUF_INIT, 0};
	size_t i = 0, j = 0;

	while (i < f->in.nsources || j < n) {
		int d = i == f->in.nsources ? 1
		        : j == n            ? -1
		                 : strcmp(f->in.sources[i].path, s[j].path);

		if (d < 0) {
			plan_file_change(&c, "%s is gone",
			                 f->in.sources[i++].path);
		} else if (d > 0) {
			plan_file_change(&c, "%s is new", s[j++].path);
		} else {
			if (strcmp(f->in.sources[i].hash, s[j].hash) != 0)
				plan_file_change(&c, "%s changed", s[j].path);
			i++;
			j++;
		}
	}
	plan_file_changes_end(&c);
	if (c.n)
		strbuf_printf(
		    msg,
		    "the descriptors changed since the plan was made: "
		    "%s",
		    strbuf_str(&c.sb));
	strbuf_done(&c.sb);
	return c.n ? 1 : 0;
}

int
plan_file_check(const struct plan_file *f,
                const struct plan_file_source *sources, size_t nsources,
                const struct plan_observed *obs, const struct plan *p,
                struct diag *reterr)
{
	struct strbuf msg = STRBUF_INIT;
	json_object *now;
	char *text;
	bool same;
	int r = 0;

	if (plan_file_check_sources(f, sources, nsources, &msg) +
	        plan_file_check_observed(f, obs, &msg) >
	    0) {
		diag_error(reterr, NULL, "stale plan: %s; run plan again",
		           strbuf_str(&msg));
		strbuf_done(&msg);
		return -ESTALE;
	}
	strbuf_done(&msg);
	/* Same inputs, same observations: the pure planner must give the
	 * same actions. If not (another nfvsync version, a clock-dependent
	 * decision), the saved plan is not what would run. */
	text = plan_to_json(p);
	now = json_tokener_parse(text);
	free(text);
	same = now && json_object_equal(now, f->plan);
	if (!same) {
		json_object *acts =
		    plan_file_get(f->plan, "actions", json_type_array);

		diag_error(reterr, NULL,
		           "stale plan: the descriptors and the VIMs are as "
		           "they were, but planning again gives other actions "
		           "(%zu saved by nfvsync %s, %zu now); run plan again",
		           acts ? json_object_array_length(acts) : 0,
		           f->version, p->n);
		r = -ESTALE;
	}
	json_object_put(now);
	return r;
}
