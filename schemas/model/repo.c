/*
 * From paths to a validated model: walks directories, sorts out descriptors,
 * parameter files and vims/ registrations, builds one validated unit per
 * root descriptor, then the model. Refuses an input with no descriptor.
 */
#include "repo.h"
#include "strbuf.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

const char *
nfv_vim_kind_name(enum nfv_vim_kind k)
{
	switch (k) {
	case NFV_VIM_OPENSTACK:
		return "openstack";
	case NFV_VIM_KUBERNETES:
		return "kubernetes";
	default:
		return "unknown";
	}
}

const char *
nfv_service_kind_name(enum nfv_service_kind k)
{
	switch (k) {
	case NFV_SERVICE_NS:
		return "ns";
	case NFV_SERVICE_VNF:
		return "vnf";
	default:
		return "other";
	}
}

const char *
nfv_sync_mode_name(enum nfv_sync_mode m)
{
	switch (m) {
	case NFV_SYNC_DRY_RUN:
		return "dry-run";
	case NFV_SYNC_SUSPEND:
		return "suspend";
	default:
		return "apply";
	}
}

const struct nfv_vim *
nfv_model_vim(const struct nfv_model *m, const char *name)
{
	size_t i;

	for (i = 0; name && i < m->nvims; i++) {
		if (strcmp(m->vims[i].name, name) == 0)
			return &m->vims[i];
	}
	return NULL;
}

const struct nfv_vnf *
nfv_service_vnf(const struct nfv_service *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nvnfs; i++) {
		if (strcmp(s->vnfs[i].name, name) == 0)
			return &s->vnfs[i];
	}
	return NULL;
}

const struct nfv_vdu *
nfv_vnf_vdu(const struct nfv_vnf *v, const char *name)
{
	size_t i;

	for (i = 0; i < v->nvdus; i++) {
		if (strcmp(v->vdus[i].name, name) == 0)
			return &v->vdus[i];
	}
	return NULL;
}

static void
nfv_vnf_done(struct nfv_vnf *v)
{
	size_t i;

	for (i = 0; i < v->nvdus; i++) {
		size_t j;
		struct nfv_vdu *vdu = &v->vdus[i];

		for (j = 0; j < vdu->ncontainers; j++)
			free(vdu->containers[j].ports);
		free(vdu->containers);
		free(vdu->metadata);
		free(vdu->mapping_ports);
		free(vdu->labels);
	}
	for (i = 0; i < v->ncps; i++) {
		free(v->cps[i].security_groups);
		free(v->cps[i].security_group_pos);
		free(v->cps[i].allowed_address_pairs);
	}
	for (i = 0; i < v->nscaling; i++)
		free(v->scaling[i].targets);
	free(v->vdus);
	free(v->cps);
	free(v->vls);
	free(v->scaling);
}

void
nfv_model_done(struct nfv_model *m)
{
	size_t i, j;

	for (i = 0; i < m->nservices; i++) {
		struct nfv_service *s = &m->services[i];

		for (j = 0; j < s->nvnfs; j++)
			nfv_vnf_done(&s->vnfs[j]);
		for (j = 0; j < s->nbalancers; j++) {
			free(s->balancers[j].members);
			free(s->balancers[j].l7_rules);
		}
		free(s->vnfs);
		free(s->vls);
		free(s->balancers);
		free(s->unsupported);
	}
	free(m->services);
	free(m->vims);
	for (i = 0; i < m->nowned; i++)
		free(m->owned[i]);
	free(m->owned);
	memset(m, 0, sizeof(*m));
}

static const char *const vim_keys[] = {
    "type",
    "auth_url",
    "username",
    "password",
    "password_env",
    "password_file",
    "project_name",
    "project_domain_name",
    "user_domain_name",
    "cert_verify",
    "ssl_ca_cert",
    "bearer_token",
    "bearer_token_env",
    "bearer_token_file",
    "region_name",
    "interface",
    "description",
    "context",
    NULL,
};

int
nfv_model_add_vim(struct nfv_model *m, const struct ydoc *doc, const char *name,
                  struct diag *d)
{
	const struct ynode *r = doc->root;
	const char *type, *cv, *secret;
	struct nfv_vim *v;
	struct diag_pos top = {doc->file, 1, 1};
	size_t i, k;
	bool token;

	if (!ynode_is_map(r)) {
		diag_error(d, r ? &r->pos : &top,
		           "a VIM registration must be a mapping (Tacker's VIM "
		           "file format)");
		return -EINVAL;
	}
	for (i = 0; i < r->n; i++) {
		for (k = 0; vim_keys[k]; k++) {
			if (strcmp(vim_keys[k], r->keys[i]->str) == 0)
				break;
		}
		if (!vim_keys[k])
			diag_lint(d, &r->keys[i]->pos,
			          "unknown key '%s' in VIM registration",
			          r->keys[i]->str);
	}
	for (i = 0; i < m->nvims; i++) {
		if (strcmp(m->vims[i].name, name) != 0)
			continue;
		diag_error(d, &r->pos,
		           "VIM '%s' is registered twice: %s registers it "
		           "already; a VIM's name is its file name, which "
		           "must be unique across the paths given",
		           name, m->vims[i].file);
		return -EINVAL;
	}
	m->vims = xrealloc(m->vims, (m->nvims + 1) * sizeof(*m->vims));
	v = &m->vims[m->nvims++];
	memset(v, 0, sizeof(*v));
	v->name = name;
	v->file = doc->file;
	type = ynode_str(ynode_get(r, "type"));
	if (!type || strcmp(type, "openstack") == 0) {
		v->kind = NFV_VIM_OPENSTACK;
	} else if (strcmp(type, "kubernetes") == 0) {
		v->kind = NFV_VIM_KUBERNETES;
	} else {
		diag_error(d, &ynode_get(r, "type")->pos,
		           "VIM type '%s' is not supported (openstack or "
		           "kubernetes)",
		           type);
		return -EINVAL;
	}
	v->auth_url = ynode_str(ynode_get(r, "auth_url"));
	v->context = ynode_str(ynode_get(r, "context"));
	if (v->kind == NFV_VIM_KUBERNETES && v->auth_url && v->context) {
		diag_error(d, &ynode_get(r, "context")->pos,
		           "VIM '%s': give either auth_url (and its token) or "
		           "context (a kubeconfig context), not both",
		           name);
		return -EINVAL;
	}
	if (v->kind == NFV_VIM_OPENSTACK && v->context) {
		diag_error(d, &ynode_get(r, "context")->pos,
		           "VIM '%s': context names a kubeconfig context; it "
		           "is for Kubernetes VIMs",
		           name);
		return -EINVAL;
	}
	/* A Kubernetes VIM without auth_url takes its cluster and user from
	 * kubeconfig. */
	if (v->kind == NFV_VIM_KUBERNETES && !v->auth_url) {
		for (k = 0; k < 3; k++) {
			static const char *const keys[] = {"bearer_token_env",
			                                   "bearer_token_file",
			                                   "username"};

			if (ynode_get(r, keys[k])) {
				diag_error(d, &ynode_get(r, keys[k])->pos,
				           "VIM '%s': %s goes with auth_url; "
				           "without auth_url the credentials "
				           "come from kubeconfig",
				           name, keys[k]);
				return -EINVAL;
			}
		}
		v->project_name = ynode_str(ynode_get(r, "project_name"));
		v->cert_verify = true;
		return 0;
	}
	if (!v->auth_url || (strncmp(v->auth_url, "http://", 7) != 0 &&
	                     strncmp(v->auth_url, "https://", 8) != 0)) {
		diag_error(d,
		           ynode_get(r, "auth_url")
		               ? &ynode_get(r, "auth_url")->pos
		               : &top,
		           "VIM '%s': auth_url must be an http:// or https:// "
		           "URL",
		           name);
		return -EINVAL;
	}
	v->username = ynode_str(ynode_get(r, "username"));
	if (v->kind == NFV_VIM_OPENSTACK && !v->username) {
		diag_error(d, &r->pos,
		           "VIM '%s': no username: an OpenStack VIM needs "
		           "auth_url, username and password_env or "
		           "password_file (Keystone password authentication)",
		           name);
		return -EINVAL;
	}
	v->project_name = ynode_str(ynode_get(r, "project_name"));
	v->user_domain_name = ynode_str(ynode_get(r, "user_domain_name"));
	v->project_domain_name = ynode_str(ynode_get(r, "project_domain_name"));
	v->ssl_ca_cert = ynode_str(ynode_get(r, "ssl_ca_cert"));
	cv = ynode_str(ynode_get(r, "cert_verify"));
	v->cert_verify = !cv || strcasecmp(cv, "false") != 0;
	token = ynode_get(r, "bearer_token") ||
	        ynode_get(r, "bearer_token_env") ||
	        ynode_get(r, "bearer_token_file");
	/* Kubernetes with auth_url: a bearer token, or a username and its
	 * password. */
	secret = token || (v->kind == NFV_VIM_KUBERNETES && !v->username)
	             ? "bearer_token"
	             : "password";
	{
		char *k_env = xasprintf("%s_env", secret);
		char *k_file = xasprintf("%s_file", secret);

		v->secret_env = ynode_str(ynode_get(r, k_env));
		v->secret_file = ynode_str(ynode_get(r, k_file));
		v->secret_inline = ynode_get(r, secret) != NULL;
		if (v->secret_inline)
			diag_lint(d, &ynode_get(r, secret)->pos,
			          "VIM '%s': %s is written in the file; keep "
			          "secrets out of Git with %s or %s",
			          name, secret, k_env, k_file);
		else if (!v->secret_env && !v->secret_file)
			diag_error(d, &top,
			           "VIM '%s': no %s: give %s (an environment "
			           "variable) or %s",
			           name, secret, k_env, k_file);
		free(k_env);
		free(k_file);
	}
	return 0;
}

static bool
nfv_has_ext(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
	       (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

static int
nfv_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct nfv_walk {
	char **files;
	size_t n;
	size_t cap;
	char **vim_files;
	size_t nvim;
	size_t capvim;
};

static int
nfv_walk_dir(struct nfv_walk *w, const char *dir, bool vims, unsigned depth,
             struct diag *d)
{
	struct diag_pos pos = {dir, 0, 0};
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *dh;
	int r = 0;

	if (depth > 16) {
		diag_error(d, &pos, "directories nested too deep");
		return -ELOOP;
	}
	dh = opendir(dir);
	if (!dh) {
		r = -errno;
		diag_error(d, &pos, "cannot read directory: %s",
		           strerror(errno));
		return r;
	}
	while ((de = readdir(dh))) {
		if (de->d_name[0] == '.')
			continue;
		XGROW(names, cap, n + 1);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(dh);
	if (n > 1)
		qsort(names, n, sizeof(*names), nfv_name_cmp);
	for (i = 0; i < n; i++) {
		size_t dl = strlen(dir);
		char *p =
		    xasprintf("%s%s%s", dir,
		              dl && dir[dl - 1] == '/' ? "" : "/", names[i]);
		struct stat st;

		if (stat(p, &st) < 0) {
			struct diag_pos ppos = {p, 0, 0};

			/* A dangling link where a descriptor should be. */
			if (nfv_has_ext(names[i])) {
				diag_error(d, &ppos, "cannot read: %s",
				           strerror(errno));
				r = -EINVAL;
			}
			free(p);
		} else if (S_ISDIR(st.st_mode)) {
			if (nfv_walk_dir(w, p, strcmp(names[i], "vims") == 0,
			                 depth + 1, d) < 0)
				r = -EINVAL;
			free(p);
		} else if (S_ISREG(st.st_mode) && nfv_has_ext(names[i])) {
			if (vims) {
				XGROW(w->vim_files, w->capvim, w->nvim + 1);
				w->vim_files[w->nvim++] = p;
			} else {
				XGROW(w->files, w->cap, w->n + 1);
				w->files[w->n++] = p;
			}
		} else {
			free(p);
		}
		free(names[i]);
	}
	free(names);
	return r;
}

/* Whether VIM file i is one of the files before it (by real path). */
static bool
nfv_walk_seen(const struct nfv_walk *w, size_t i)
{
	char a[4096], b[4096];
	size_t j;

	if (!realpath(w->vim_files[i], a))
		return false; /* loading it reports why */
	for (j = 0; j < i; j++) {
		if (realpath(w->vim_files[j], b) && strcmp(a, b) == 0)
			return true;
	}
	return false;
}

static void
nfv_walk_done(struct nfv_walk *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->files[i]);
	for (i = 0; i < w->nvim; i++)
		free(w->vim_files[i]);
	free(w->files);
	free(w->vim_files);
}

void
nfv_repo_free(struct nfv_repo *r)
{
	size_t i;

	if (!r)
		return;
	nfv_model_done(&r->model);
	for (i = 0; i < r->nunits; i++)
		tosca_unit_free(r->units[i]);
	free(r->units);
	for (i = 0; i < r->nvim_docs; i++)
		ydoc_free(r->vim_docs[i]);
	free(r->vim_docs);
	tosca_set_done(&r->set);
	tosca_registry_free(r->builtin);
	free(r);
}

static bool
nfv_is_param_file(const struct nfv_load_opts *o, const char *path)
{
	char a[4096], b[4096];
	size_t i;

	if (!realpath(path, a))
		return false;
	for (i = 0; i < o->nparam_files; i++) {
		if (realpath(o->param_files[i], b) && strcmp(a, b) == 0)
			return true;
	}
	return false;
}

/* false when path leads out of the directory root (NULL: none). */
static bool
nfv_below_root(const char *root, const char *path)
{
	char a[4096], b[4096];
	size_t n;

	if (!root || !realpath(root, a) || !realpath(path, b))
		return true;
	n = strlen(a);
	return strcmp(a, "/") == 0 ||
	       (strncmp(a, b, n) == 0 && (b[n] == '/' || b[n] == '\0'));
}

/* Loads one candidate file: a descriptor, or a skipped non-TOSCA file. */
static int
nfv_repo_add_file(struct nfv_repo *r, const struct nfv_load_opts *o,
                  const char *path, bool explicit, struct diag *d)
{
	struct tosca_doc *doc;
	struct ydoc *probe;
	bool is_tosca;
	struct diag quiet;

	if (!explicit && nfv_is_param_file(o, path))
		return 0;
	/* A link out of the directory is refused unread (by the load). */
	if (!nfv_below_root(r->set.root, path))
		return tosca_set_load(&r->set, path, &doc, d);
	/* Probe first, so a parameter file in a directory is skipped, not
	 * reported; a YAML error is reported by the real load below. */
	diag_init(&quiet);
	if (ydoc_load_file(path, r->set.limits, &probe, &quiet) < 0) {
		diag_done(&quiet);
		return tosca_set_load(&r->set, path, &doc, d);
	}
	/* A misspelt version key must not turn a descriptor into a skipped
	 * file: the real load reports it. */
	is_tosca = tosca_is_descriptor(probe->root) ||
	           tosca_looks_like_descriptor(probe->root);
	ydoc_free(probe);
	diag_done(&quiet);
	if (!is_tosca && !explicit) {
		struct diag_pos pos = {path, 0, 0};

		r->nskipped++;
		diag_warn(d, &pos,
		          "not a TOSCA descriptor (no "
		          "tosca_definitions_version); skipped");
		return 0;
	}
	return tosca_set_load(&r->set, path, &doc, d);
}

/*
 * The descriptor directory of a file named alone: the Git work tree it is
 * in (a directory holding .git), else the working directory when the file
 * is below it, else NULL (the file's own directory). Written to buf.
 */
static const char *
nfv_file_root(const char *file, char *buf, size_t size)
{
	char cwd[4096], real[4096];
	struct stat st;
	char *slash;
	size_t n;

	if (!realpath(file, real) || !realpath(".", cwd))
		return NULL;
	while ((slash = strrchr(real, '/'))) {
		char *git;
		bool found;

		*slash = '\0'; /* the next directory up */
		git = xasprintf("%s/.git", real);
		found = stat(git, &st) == 0;
		free(git);
		if (found) {
			snprintf(buf, size, "%s", *real ? real : "/");
			return buf;
		}
	}
	if (!realpath(file, real))
		return NULL;
	n = strlen(cwd);
	if (strcmp(cwd, "/") == 0 ||
	    (strncmp(real, cwd, n) == 0 && real[n] == '/'))
		return ".";
	return NULL;
}

static const char *
nfv_vim_name(struct nfv_model *m, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *stem = xstrdup(slash ? slash + 1 : path);
	char *dot = strrchr(stem, '.');

	if (dot)
		*dot = '\0';
	m->owned = xrealloc(m->owned, (m->nowned + 1) * sizeof(*m->owned));
	m->owned[m->nowned++] = stem;
	return stem;
}

int
nfv_model_resolve_placement(struct nfv_model *m, struct diag *d)
{
	size_t i, j;
	int errors = 0;
	struct strbuf names = STRBUF_INIT;

	for (i = 0; i < m->nvims; i++)
		strbuf_printf(&names, "%s%s", i ? ", " : "", m->vims[i].name);
	for (i = 0; i < m->nservices; i++) {
		struct nfv_service *s = &m->services[i];

		for (j = 0; j < s->nvnfs + s->nbalancers; j++) {
			bool is_vnf = j < s->nvnfs;
			struct nfv_vnf *vnf = is_vnf ? &s->vnfs[j] : NULL;
			struct nfv_balancer *lb =
			    is_vnf ? NULL : &s->balancers[j - s->nvnfs];
			const char **vim = is_vnf ? &vnf->vim : &lb->vim;
			const struct diag_pos *vpos =
			    is_vnf ? &vnf->vim_pos : &lb->vim_pos;
			const struct diag_pos *pos =
			    is_vnf ? &vnf->pos : &lb->pos;
			const char *name = is_vnf ? vnf->name : lb->name;
			const struct nfv_vim *v;
			size_t k;

			if (!*vim && m->nvims == 1) {
				*vim = m->vims[0].name;
			} else if (!*vim && m->nvims == 0) {
				*vim = NFV_DEFAULT_VIM;
				continue;
			} else if (!*vim) {
				diag_error(d, pos,
				           "%s: %zu VIMs are registered (%s); "
				           "say which one with an "
				           "nfvsync.policies.VimPlacement "
				           "policy",
				           name, m->nvims, strbuf_str(&names));
				errors++;
				continue;
			}
			v = nfv_model_vim(m, *vim);
			if (!v) {
				diag_error(d, vpos,
				           "%s: no VIM named '%s' is "
				           "registered (vims/: %s)",
				           name, *vim,
				           m->nvims ? strbuf_str(&names)
				                    : "none");
				errors++;
				continue;
			}
			if (lb && v->kind != NFV_VIM_OPENSTACK) {
				diag_error(
				    d, vpos,
				    "%s: load balancers run on OpenStack "
				    "(Octavia); '%s' is a %s VIM",
				    name, v->name, nfv_vim_kind_name(v->kind));
				errors++;
			}
			for (k = 0; vnf && k < vnf->nvdus; k++) {
				bool container =
				    vnf->vdus[k].kind == NFV_VDU_CONTAINER;

				if (container ==
				    (v->kind == NFV_VIM_KUBERNETES))
					continue;
				diag_error(d, &vnf->vdus[k].pos,
				           "%s/%s: a %s VDU cannot run on %s "
				           "VIM '%s'",
				           name, vnf->vdus[k].name,
				           container ? "containerised" : "VM",
				           nfv_vim_kind_name(v->kind), v->name);
				errors++;
			}
		}
	}
	strbuf_done(&names);
	return errors ? -EINVAL : 0;
}

int
nfv_repo_load(const char *const *paths, size_t npaths,
              const struct nfv_load_opts *opts, struct nfv_repo **ret,
              struct diag *d)
{
	static const struct nfv_load_opts no_opts = {NULL, 0, false, false};
	struct nfv_repo *r = xcalloc(1, sizeof(*r));
	struct nfv_walk w = {0};
	size_t i;
	int rc = 0;

	if (!opts)
		opts = &no_opts;
	d->strict = opts->strict;
	tosca_set_init(&r->set);
	if (tosca_registry_new_builtin(&r->builtin, d) < 0) {
		rc = -EINVAL;
		goto out;
	}
	for (i = 0; i < opts->nparam_files; i++) {
		if (tosca_set_add_params(&r->set, opts->param_files[i], d) < 0)
			rc = -EINVAL;
	}
	for (i = 0; i < npaths; i++) {
		struct stat st;
		struct diag_pos pos = {paths[i], 0, 0};

		if (stat(paths[i], &st) < 0) {
			diag_error(d, &pos, "cannot read: %s", strerror(errno));
			rc = -ENOENT;
		} else if (S_ISDIR(st.st_mode)) {
			size_t first = w.n;

			/* Imports stay inside the directory given. */
			r->set.root = paths[i];
			if (nfv_walk_dir(&w, paths[i], false, 0, d) < 0)
				rc = -EINVAL;
			for (; first < w.n; first++) {
				if (nfv_repo_add_file(r, opts, w.files[first],
				                      false, d) < 0)
					rc = -EINVAL;
			}
		} else {
			char root[4096];

			r->set.root =
			    nfv_file_root(paths[i], root, sizeof(root));
			if (nfv_repo_add_file(r, opts, paths[i], true, d) < 0)
				rc = -EINVAL;
		}
	}
	r->set.root = NULL;
	for (i = 0; i < w.nvim; i++) {
		struct ydoc *doc;

		/* A directory given twice (or inside another one given) is
		 * read once, as its descriptors are. */
		if (nfv_walk_seen(&w, i))
			continue;
		if (ydoc_load_file(w.vim_files[i], NULL, &doc, d) < 0) {
			rc = -EINVAL;
			continue;
		}
		r->vim_docs = xrealloc(r->vim_docs, (r->nvim_docs + 1) *
		                                        sizeof(*r->vim_docs));
		r->vim_docs[r->nvim_docs++] = doc;
		if (nfv_model_add_vim(&r->model, doc,
		                      nfv_vim_name(&r->model, w.vim_files[i]),
		                      d) < 0)
			rc = -EINVAL;
	}
	if (rc < 0)
		goto out;
	for (i = 0; i < r->set.n; i++) {
		struct tosca_doc *doc = r->set.docs[i];
		struct tosca_unit *u;

		if (doc->imported)
			continue;
		if (tosca_unit_new(&r->set, r->builtin, doc, &u, d) < 0)
			rc = -EINVAL;
		r->units =
		    xrealloc(r->units, (r->nunits + 1) * sizeof(*r->units));
		r->units[r->nunits++] = u;
	}
	tosca_set_check_params(&r->set, d);
	if (rc < 0 || d->errors)
		goto out;
	if (r->nunits == 0) {
		struct diag_pos pos = {npaths ? paths[0] : ".", 0, 0};

		diag_error(d, &pos,
		           "no TOSCA descriptor found; nfvsync never reads an "
		           "empty source as \"delete everything\"");
		rc = -ENOENT;
		goto out;
	}
	for (i = 0; i < r->nunits; i++) {
		if (nfv_model_add_unit(&r->model, r->units[i], d) < 0)
			rc = -EINVAL;
	}
	if (rc == 0 && nfv_model_resolve_placement(&r->model, d) < 0)
		rc = -EINVAL;
	if (rc == 0 && nfv_model_check_addresses(&r->model, d) < 0)
		rc = -EINVAL;
	if (rc == 0)
		nfv_model_check_links(&r->model, opts->deploy, d);
out:
	nfv_walk_done(&w);
	if (rc == 0 && d->errors)
		rc = -EINVAL;
	if (rc < 0) {
		nfv_repo_free(r);
		return rc;
	}
	*ret = r;
	return 0;
}
