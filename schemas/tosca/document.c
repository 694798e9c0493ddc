/*
 * Loading TOSCA documents and their imports, parameter files and get_input
 * substitution; see document.h. Type checking is validate.c's job.
 */
#include "document.h"
#include "strbuf.h"
#include "xalloc.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TOSCA_IMPORT_DEPTH_MAX 32

const char *const tosca_supported_versions[] = {
    "tosca_simple_profile_for_nfv_1_0_0",
    "tosca_simple_yaml_1_0",
    "tosca_simple_yaml_1_1",
    "tosca_simple_yaml_1_2",
    "tosca_simple_yaml_1_3",
    NULL,
};

void
tosca_set_init(struct tosca_set *s)
{
	memset(s, 0, sizeof(*s));
}

static void
tosca_doc_free(struct tosca_doc *doc)
{
	if (!doc)
		return;
	free(doc->path);
	free(doc->real);
	free(doc->root_dir);
	free(doc->root_shown);
	ydoc_free(doc->ydoc);
	free(doc->imports);
	free(doc->inputs);
	free(doc);
}

void
tosca_set_done(struct tosca_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		tosca_doc_free(s->docs[i]);
	free(s->docs);
	for (i = 0; i < s->nparams; i++)
		ydoc_free(s->params[i]);
	free(s->params);
	memset(s, 0, sizeof(*s));
}

bool
tosca_is_descriptor(const struct ynode *root)
{
	return ynode_get(root, "tosca_definitions_version") != NULL;
}

/* Optimal string alignment distance, or more than max when it exceeds max. */
static size_t
tosca_distance(const char *a, const char *b, size_t max)
{
	size_t la = strlen(a), lb = strlen(b), i, j, r;
	size_t *row0, *row1, *row2, *t;

	if ((la > lb ? la - lb : lb - la) > max)
		return max + 1;
	row0 = xcalloc(lb + 1, sizeof(*row0)); /* i - 2 */
	row1 = xcalloc(lb + 1, sizeof(*row1)); /* i - 1 */
	row2 = xcalloc(lb + 1, sizeof(*row2)); /* i */
	for (j = 0; j <= lb; j++)
		row1[j] = j;
	for (i = 1; i <= la; i++) {
		row2[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = row1[j - 1] + cost;

			if (row1[j] + 1 < v)
				v = row1[j] + 1;
			if (row2[j - 1] + 1 < v)
				v = row2[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && row0[j - 2] + 1 < v)
				v = row0[j - 2] + 1;
			row2[j] = v;
		}
		t = row0;
		row0 = row1;
		row1 = row2;
		row2 = t;
	}
	r = row1[lb];
	free(row0);
	free(row1);
	free(row2);
	return r;
}

const char *
tosca_suggest(const char *word, const char *const *list)
{
	const char *best = NULL;
	size_t bestd = 3, len = strlen(word);

	for (; *list; list++) {
		size_t dist = tosca_distance(word, *list, 2);

		if (dist < bestd && dist < len) {
			best = *list;
			bestd = dist;
		}
	}
	return best;
}

bool
tosca_looks_like_descriptor(const struct ynode *root)
{
	static const char *const version[] = {"tosca_definitions_version",
	                                      NULL};
	size_t i;

	if (!ynode_is_map(root))
		return false;
	for (i = 0; i < root->n; i++) {
		const char *k = root->keys[i]->str;

		if (strcmp(k, "topology_template") == 0 ||
		    strcmp(k, "node_types") == 0 || tosca_suggest(k, version))
			return true;
	}
	return false;
}

const struct ynode *
tosca_doc_topology(const struct tosca_doc *doc)
{
	const struct ynode *t = ynode_get(doc->root, "topology_template");

	return ynode_is_map(t) ? t : NULL;
}

static bool
tosca_file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The directory part of path including the slash, or "" */
static char *
tosca_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? xstrndup(path, (size_t)(slash - path + 1)) : xstrdup("");
}

/* true when the canonical path real is root or lies below it. */
static bool
tosca_path_below(const char *real, const char *root)
{
	size_t n = strlen(root);

	if (strcmp(root, "/") == 0)
		return true;
	return strncmp(real, root, n) == 0 &&
	       (real[n] == '/' || real[n] == '\0');
}

/*
 * true when base/rel, with "." and ".." taken as written (base is
 * canonical), stays below root. Checked before the file system is asked,
 * so a descriptor cannot probe which files exist outside its directory.
 */
static bool
tosca_rel_below(const char *base, const char *rel, const char *root)
{
	char *p = xasprintf("%s/%s", base, rel);
	char *out = xmalloc(strlen(p) + 2);
	char *tok, *save = NULL;
	size_t n = 0;
	bool below;

	out[0] = '\0';
	for (tok = strtok_r(p, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save)) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0) {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--; /* the slash */
			out[n] = '\0';
			continue;
		}
		out[n++] = '/';
		strcpy(out + n, tok);
		n += strlen(tok);
	}
	if (n == 0)
		strcpy(out, "/");
	below = tosca_path_below(out, root);
	free(p);
	free(out);
	return below;
}

/* "http://…", "file://…": a scheme is letters, digits, + - . then "://". */
static bool
tosca_is_url(const char *name)
{
	const char *p = name;

	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	       (*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.')
		p++;
	return p > name && strncmp(p, "://", 3) == 0;
}

/*
 * Finds the file an import names: a path relative to the importer, or, as
 * Tacker resolved on-boarded VNFDs by name, the same with .yaml/.yml added.
 * The file must lie inside the importer's descriptor directory, symbolic
 * links followed: descriptors from a Git commit or a CI checkout must not
 * read the rest of the machine. Returns 0 and *ret, or -errno with d set.
 */
static int
tosca_import_resolve(const struct tosca_doc *doc, const struct ynode *f,
                     char **ret, struct diag *d)
{
	static const char *const exts[] = {"", ".yaml", ".yml"};
	const char *name = f->str;
	char base[PATH_MAX], real[PATH_MAX];
	char *dir;
	size_t i;
	int r = -ENOENT;

	if (tosca_is_url(name)) {
		diag_error(d, &f->pos,
		           "import '%s': URL imports are not supported; vendor "
		           "the file into the repository and import it by its "
		           "relative path",
		           name);
		return -EINVAL;
	}
	if (name[0] == '/') {
		diag_error(d, &f->pos,
		           "import '%s' is outside the descriptor directory "
		           "%s: an import is a path relative to the importing "
		           "file, not an absolute path",
		           name, doc->root_shown);
		return -EINVAL;
	}
	dir = tosca_dirname(doc->path);
	if (!realpath(*dir ? dir : ".", base)) {
		r = -errno;
		diag_error(d, &f->pos, "import '%s': cannot resolve %s: %s",
		           name, *dir ? dir : ".", strerror(errno));
		free(dir);
		return r;
	}
	if (!tosca_rel_below(base, name, doc->root_dir)) {
		diag_error(d, &f->pos,
		           "import '%s' is outside the descriptor directory %s",
		           name, doc->root_shown);
		free(dir);
		return -EINVAL;
	}
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		char *p = xasprintf("%s%s%s", dir, name, exts[i]);

		if (!tosca_file_exists(p)) {
			free(p);
			continue;
		}
		if (!realpath(p, real) ||
		    !tosca_path_below(real, doc->root_dir)) {
			diag_error(d, &f->pos,
			           "import '%s' is outside the descriptor "
			           "directory %s (%s is a symbolic link out of "
			           "it)",
			           name, doc->root_shown, p);
			free(p);
			r = -EINVAL;
			break;
		}
		*ret = p;
		r = 0;
		break;
	}
	free(dir);
	if (r == -ENOENT)
		diag_error(d, &f->pos,
		           "import '%s' not found (looked for it, and with "
		           ".yaml/.yml added, next to %s)",
		           name, doc->path);
	return r;
}

static struct tosca_doc *
tosca_set_find(const struct tosca_set *s, const char *real)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (strcmp(s->docs[i]->real, real) == 0)
			return s->docs[i];
	}
	return NULL;
}

struct tosca_import_stack {
	const struct tosca_doc *docs[TOSCA_IMPORT_DEPTH_MAX];
	size_t n;
};

static int tosca_set_load_at(struct tosca_set *s, const char *path,
                             const char *root, const char *root_shown,
                             const struct ynode *site,
                             struct tosca_import_stack *stack,
                             struct tosca_doc **ret, struct diag *d);

static int
tosca_doc_check_header(struct tosca_doc *doc, struct diag *d)
{
	const struct ynode *v;
	const char *const *sv;
	struct diag_pos top = {doc->path, 1, 1};

	if (!ynode_is_map(doc->root)) {
		diag_error(d, doc->root ? &doc->root->pos : &top,
		           "a TOSCA descriptor must be a mapping at the top "
		           "level, not %s",
		           ynode_kind_name(doc->root));
		return -EINVAL;
	}
	v = ynode_get(doc->root, "tosca_definitions_version");
	if (!v) {
		static const char *const want[] = {"tosca_definitions_version",
		                                   NULL};
		size_t i;

		for (i = 0; i < doc->root->n; i++) {
			const struct ynode *k = doc->root->keys[i];

			if (!tosca_suggest(k->str, want))
				continue;
			diag_error(d, &k->pos,
			           "unknown key '%s' in the descriptor (did "
			           "you mean 'tosca_definitions_version'?)",
			           k->str);
			return -EINVAL;
		}
		diag_error(d, &top,
		           "not a TOSCA descriptor: tosca_definitions_version "
		           "is missing");
		return -EINVAL;
	}
	for (sv = tosca_supported_versions; *sv; sv++) {
		if (ynode_str(v) && strcmp(ynode_str(v), *sv) == 0) {
			doc->version = ynode_str(v);
			return 0;
		}
	}
	diag_error(d, &v->pos,
	           "unsupported tosca_definitions_version '%s' (supported: "
	           "tosca_simple_profile_for_nfv_1_0_0, tosca_simple_yaml_1_0 "
	           "to 1_3)",
	           ynode_str(v) ? ynode_str(v) : ynode_kind_name(v));
	return -EINVAL;
}

/* The file an imports entry names: "file", {file: f}, or {name: {file: f}}. */
static const struct ynode *
tosca_import_file_node(const struct ynode *entry)
{
	const struct ynode *f;

	if (ynode_is_scalar(entry))
		return entry;
	if (!ynode_is_map(entry))
		return NULL;
	f = ynode_get(entry, "file");
	if (f)
		return ynode_is_scalar(f) ? f : NULL;
	if (entry->n == 1 && ynode_is_map(entry->items[0]))
		return tosca_import_file_node(entry->items[0]);
	if (entry->n == 1 && ynode_is_scalar(entry->items[0]))
		return entry->items[0];
	return NULL;
}

static int
tosca_doc_load_imports(struct tosca_set *s, struct tosca_doc *doc,
                       struct tosca_import_stack *stack, struct diag *d)
{
	const struct ynode *imports = ynode_get(doc->root, "imports");
	size_t i;
	int ret = 0, r;

	if (!imports || ynode_is_null(imports))
		return 0;
	if (!ynode_is_seq(imports)) {
		diag_error(d, &imports->pos, "imports must be a list");
		return -EINVAL;
	}
	for (i = 0; i < imports->n; i++) {
		const struct ynode *f =
		    tosca_import_file_node(imports->items[i]);
		struct tosca_doc *dep;
		char *path = NULL;

		if (!f || f->len == 0) {
			diag_error(d, &imports->items[i]->pos,
			           "an import must name a file: '- file.yaml' "
			           "or '- name: {file: file.yaml}'");
			ret = -EINVAL;
			continue;
		}
		r = tosca_import_resolve(doc, f, &path, d);
		if (r < 0) {
			ret = r;
			continue;
		}
		if (tosca_set_load_at(s, path, doc->root_dir, doc->root_shown,
		                      f, stack, &dep, d) < 0) {
			ret = -EINVAL;
		} else {
			dep->imported = true;
			doc->imports =
			    xrealloc(doc->imports, (doc->nimports + 1) *
			                               sizeof(*doc->imports));
			doc->imports[doc->nimports++] = dep;
		}
		free(path);
	}
	return ret;
}

static int
tosca_set_load_at(struct tosca_set *s, const char *path, const char *root,
                  const char *root_shown, const struct ynode *site,
                  struct tosca_import_stack *stack, struct tosca_doc **ret,
                  struct diag *d)
{
	char real[PATH_MAX];
	struct tosca_doc *doc;
	int r;

	if (!realpath(path, real)) {
		struct diag_pos pos = {path, 0, 0};
		r = -errno;
		diag_error(d, site ? &site->pos : &pos, "cannot open %s: %s",
		           path, strerror(errno));
		return r;
	}
	doc = tosca_set_find(s, real);
	if (doc && doc->state == TOSCA_DOC_LOADING) {
		struct strbuf sb = STRBUF_INIT;
		size_t i;

		for (i = 0; i < stack->n; i++) {
			if (stack->docs[i] == doc || sb.len)
				strbuf_printf(&sb, "%s -> ",
				              stack->docs[i]->path);
		}
		strbuf_puts(&sb, doc->path);
		diag_error(d, &site->pos, "import cycle: %s", strbuf_str(&sb));
		strbuf_done(&sb);
		return -ELOOP;
	}
	if (doc) {
		*ret = doc;
		return doc->state == TOSCA_DOC_LOADED ? 0 : -EINVAL;
	}
	if (stack->n >= TOSCA_IMPORT_DEPTH_MAX) {
		diag_error(d, &site->pos, "imports nested deeper than %d files",
		           TOSCA_IMPORT_DEPTH_MAX);
		return -ELOOP;
	}

	doc = xcalloc(1, sizeof(*doc));
	doc->path = xstrdup(path);
	doc->real = xstrdup(real);
	doc->root_dir = xstrdup(root);
	doc->root_shown = xstrdup(root_shown);
	XGROW(s->docs, s->cap, s->n + 1);
	s->docs[s->n++] = doc;

	doc->state = TOSCA_DOC_FAILED;
	r = ydoc_load_file(path, s->limits, &doc->ydoc, d);
	if (r < 0)
		return r;
	doc->root = doc->ydoc->root;
	r = tosca_doc_check_header(doc, d);
	if (r < 0)
		return r;
	doc->state = TOSCA_DOC_LOADING;
	stack->docs[stack->n++] = doc;
	r = tosca_doc_load_imports(s, doc, stack, d);
	stack->n--;
	doc->state = r < 0 ? TOSCA_DOC_FAILED : TOSCA_DOC_LOADED;
	*ret = doc;
	return r;
}

int
tosca_set_load(struct tosca_set *s, const char *path, struct tosca_doc **ret,
               struct diag *d)
{
	struct tosca_import_stack stack = {.n = 0};
	struct diag_pos pos = {path, 0, 0};
	char root[PATH_MAX], real[PATH_MAX];
	char *dir = s->root ? NULL : tosca_dirname(path);
	const char *rootarg = s->root ? s->root : *dir ? dir : ".";
	char *shown;
	int r;

	if (!realpath(rootarg, root)) {
		r = -errno;
		diag_error(d, &pos, "cannot resolve %s: %s", rootarg,
		           strerror(errno));
		free(dir);
		return r;
	}
	/* Messages name the directory as given ("dir/"), which a Git
	 * source can rename to "SHA7:path/". */
	if (strcmp(rootarg, ".") == 0)
		rootarg = root;
	shown = xasprintf("%s%s", rootarg,
	                  rootarg[strlen(rootarg) - 1] == '/' ? "" : "/");
	free(dir);
	/* A file found in the directory may be a link to anywhere. */
	if (realpath(path, real) && !tosca_path_below(real, root)) {
		diag_error(
		    d, &pos,
		    "a symbolic link out of the descriptor directory %s; "
		    "not read",
		    shown);
		r = -EINVAL;
	} else {
		r = tosca_set_load_at(s, path, root, shown, NULL, &stack, ret,
		                      d);
	}
	free(shown);
	return r;
}

int
tosca_set_add_params(struct tosca_set *s, const char *path, struct diag *d)
{
	struct ydoc *doc;
	const struct ynode *root;
	int r;

	r = ydoc_load_file(path, s->limits, &doc, d);
	if (r < 0)
		return r;
	root = doc->root;
	if (!ynode_is_map(root) && !ynode_is_null(root)) {
		diag_error(d, &root->pos,
		           "a parameter file must be a mapping of input names "
		           "to values, not %s",
		           ynode_kind_name(root));
		ydoc_free(doc);
		return -EINVAL;
	}
	s->params = xrealloc(s->params, (s->nparams + 1) * sizeof(*s->params));
	s->params[s->nparams++] = doc;
	return 0;
}

/* The map a parameter file wraps in a single `nsd:` or `vnfd:` key. */
static const struct ynode *
tosca_params_wrapped(const struct ynode *root)
{
	if (ynode_is_map(root) && root->n == 1 &&
	    ynode_is_map(root->items[0]) &&
	    (strcmp(root->keys[0]->str, "nsd") == 0 ||
	     strcmp(root->keys[0]->str, "vnfd") == 0))
		return root->items[0];
	return NULL;
}

/* A parameter's value: later files win; `nsd:`/`vnfd:` wrappers unwrap. */
static const struct ynode *
tosca_set_param(const struct tosca_set *s, const char *name)
{
	size_t i;

	for (i = s->nparams; i > 0; i--) {
		const struct ynode *root = s->params[i - 1]->root;
		const struct ynode *v = ynode_get(root, name);

		if (!v)
			v = ynode_get(tosca_params_wrapped(root), name);
		if (v)
			return v;
	}
	return NULL;
}

void
tosca_set_check_params(const struct tosca_set *s, struct diag *d)
{
	const char **names = NULL;
	size_t n = 0, cap = 0, i, j;

	for (i = 0; i < s->n; i++) {
		const struct ynode *in =
		    ynode_get(tosca_doc_topology(s->docs[i]), "inputs");

		for (j = 0; ynode_is_map(in) && j < in->n; j++) {
			XGROW(names, cap, n + 2);
			names[n++] = in->keys[j]->str;
		}
	}
	XGROW(names, cap, n + 1);
	names[n] = NULL;
	for (i = 0; i < s->nparams; i++) {
		const struct ynode *root = s->params[i]->root;
		const struct ynode *wrapped = tosca_params_wrapped(root);

		if (wrapped)
			root = wrapped;
		for (j = 0; ynode_is_map(root) && j < root->n; j++) {
			const char *k = root->keys[j]->str;
			const char *near;
			size_t m;

			for (m = 0; m < n && strcmp(names[m], k) != 0; m++)
				;
			if (m < n)
				continue;
			near = tosca_suggest(k, names);
			if (near)
				diag_lint(d, &root->keys[j]->pos,
				          "parameter '%s' is not an input of "
				          "any descriptor read (did you mean "
				          "'%s'?)",
				          k, near);
			else
				diag_lint(d, &root->keys[j]->pos,
				          "parameter '%s' is not an input of "
				          "any descriptor read",
				          k);
		}
	}
	free(names);
}

static const struct tosca_input *
tosca_doc_input(const struct tosca_doc *doc, const char *name)
{
	size_t i;

	for (i = 0; i < doc->ninputs; i++) {
		if (strcmp(doc->inputs[i].name, name) == 0)
			return &doc->inputs[i];
	}
	return NULL;
}

/* Replaces {get_input: x} nodes below n, in place. */
static int
tosca_doc_substitute(const struct tosca_doc *doc, struct ynode *n,
                     unsigned depth, struct diag *d)
{
	size_t i;
	int ret = 0;

	if (!n || n->kind == YNODE_SCALAR || depth > 256)
		return 0;
	for (i = 0; i < n->n; i++) {
		struct ynode *c = n->items[i];
		const struct ynode *arg = ynode_get(c, "get_input");
		const struct tosca_input *in;

		if (!arg || c->n != 1) {
			if (tosca_doc_substitute(doc, c, depth + 1, d) < 0)
				ret = -EINVAL;
			continue;
		}
		if (!ynode_is_scalar(arg)) {
			diag_error(d, &arg->pos,
			           "get_input takes the name of an input");
			ret = -EINVAL;
			continue;
		}
		in = tosca_doc_input(doc, arg->str);
		if (!in) {
			diag_error(d, &arg->pos,
			           "get_input: '%s' is not an input of this "
			           "descriptor (declare it under "
			           "topology_template.inputs)",
			           arg->str);
			ret = -EINVAL;
			continue;
		}
		if (!in->value) {
			ret = -EINVAL; /* reported once, at the input */
			continue;
		}
		/* The value node belongs to a document that outlives this
		 * one's use (same set), so it may be shared. */
		n->items[i] = (struct ynode *)in->value;
	}
	return ret;
}

int
tosca_doc_resolve_inputs(struct tosca_set *s, struct tosca_doc *doc,
                         struct diag *d)
{
	const struct ynode *topo = tosca_doc_topology(doc);
	const struct ynode *inputs = ynode_get(topo, "inputs");
	size_t i;
	int ret = 0;

	if (doc->inputs_resolved)
		return 0;
	doc->inputs_resolved = true;
	if (inputs && !ynode_is_null(inputs) && !ynode_is_map(inputs)) {
		diag_error(d, &inputs->pos,
		           "inputs must be a mapping of input names to "
		           "definitions");
		return -EINVAL;
	}
	for (i = 0; inputs && i < inputs->n; i++) {
		struct tosca_input *in;
		const struct ynode *p =
		    tosca_set_param(s, inputs->keys[i]->str);

		doc->inputs = xrealloc(doc->inputs, (doc->ninputs + 1) *
		                                        sizeof(*doc->inputs));
		in = &doc->inputs[doc->ninputs++];
		in->name = inputs->keys[i]->str;
		in->def = inputs->items[i];
		in->from_params = p != NULL;
		in->value = p ? p : ynode_get(in->def, "default");
		if (!in->value) {
			diag_error(d, &inputs->keys[i]->pos,
			           "input '%s' has no value: give it in a "
			           "parameter file (--param-file) or add a "
			           "default",
			           in->name);
			ret = -EINVAL;
		}
	}
	if (topo) {
		for (i = 0; i < topo->n; i++) {
			if (strcmp(topo->keys[i]->str, "inputs") == 0)
				continue;
			if (tosca_doc_substitute(doc, topo->items[i], 0, d) < 0)
				ret = -EINVAL;
		}
	}
	return ret;
}

size_t
tosca_doc_closure(struct tosca_doc *doc, struct tosca_doc ***ret)
{
	struct tosca_doc **v = NULL;
	size_t n = 0, cap = 0, i, j, k;

	XGROW(v, cap, 1);
	v[n++] = doc;
	for (i = 0; i < n; i++) {
		for (j = 0; j < v[i]->nimports; j++) {
			struct tosca_doc *dep = v[i]->imports[j];

			for (k = 0; k < n && v[k] != dep; k++)
				;
			if (k < n)
				continue;
			XGROW(v, cap, n + 1);
			v[n++] = dep;
		}
	}
	*ret = v;
	return n;
}
