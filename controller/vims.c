/* Drivers per VIM for one run; see vims.h. */
#include "vims.h"
#include "os_config.h"
#include "k8s_driver.h"
#include "os_driver.h"
#include "xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void
vim_set_drop_catalogs(struct vim_set *s)
{
	size_t i;

	for (i = 0; i < s->ncatalogs; i++)
		os_view_catalog_done(&s->catalogs[i]);
	free(s->catalogs);
	s->catalogs = NULL;
	s->ncatalogs = 0;
}

/* The namespaces the containerised VDUs placed on a VIM ask for. */
static void
vim_set_namespaces(struct k8s_driver *k8s, const struct nfv_model *m,
                   const char *vim)
{
	size_t i, j, k;

	for (i = 0; i < m->nservices; i++) {
		const struct nfv_service *s = &m->services[i];

		for (j = 0; j < s->nvnfs; j++) {
			if (!s->vnfs[j].vim || strcmp(s->vnfs[j].vim, vim) != 0)
				continue;
			for (k = 0; k < s->vnfs[j].nvdus; k++) {
				if (s->vnfs[j].vdus[k].namespace)
					k8s_driver_add_namespace(
					    k8s, s->vnfs[j].vdus[k].namespace);
			}
		}
	}
}

int
vim_set_open(struct vim_set *s, const struct nfv_model *m,
             const struct k8s_driver_opts *k8s, struct diag *reterr)
{
	struct k8s_driver_opts k8s_opts = {0};
	size_t i;
	int ret = 0;

	memset(s, 0, sizeof(*s));
	if (k8s)
		k8s_opts = *k8s;
	/* Some clouds cap list pages lower than nfvsync asks; this lets an
	 * operator (and the tests) match them. */
	if (getenv("NFVSYNC_PAGE_SIZE"))
		s->os_opts.page_size =
		    (unsigned)strtoul(getenv("NFVSYNC_PAGE_SIZE"), NULL, 10);
	for (i = 0; i < m->nvims; i++) {
		const struct nfv_vim *v = &m->vims[i];
		struct vim_conn *c;
		struct os_config *cfg;

		s->conns = xrealloc(s->conns, (s->n + 1) * sizeof(*s->conns));
		c = &s->conns[s->n++];
		memset(c, 0, sizeof(*c));
		c->cfg = v;
		if (v->kind == NFV_VIM_KUBERNETES) {
			if (k8s_driver_new_with(v, &k8s_opts, NULL, &c->k8s,
			                        reterr) < 0)
				ret = -EINVAL;
			else
				vim_set_namespaces(c->k8s, m, v->name);
			continue;
		}
		if (os_config_from_vim(v, &cfg, reterr) < 0) {
			ret = -EINVAL;
			continue;
		}
		if (os_driver_new(v->name, cfg, &s->os_opts, &c->os, reterr) <
		    0)
			ret = -EINVAL;
		os_config_free(cfg);
	}
	return ret;
}

int
vim_set_observe(struct vim_set *s, struct diag *reterr)
{
	size_t i, j;
	int ret = 0;

	free(s->res);
	free(s->observed);
	free(s->endpoints);
	free(s->flavors);
	s->res = NULL;
	s->observed = NULL;
	s->endpoints = NULL;
	s->flavors = NULL;
	s->nres = s->nobserved = s->nendpoints = s->nflavors = 0;
	vim_set_drop_catalogs(s);
	for (i = 0; i < s->n; i++) {
		struct vim_conn *c = &s->conns[i];
		const struct plan_observed_res *res;
		size_t n;

		c->observed = false;
		if (c->os) {
			const struct os_view *v;

			if (os_driver_observe(c->os, reterr) < 0) {
				ret = -EIO;
				continue;
			}
			v = os_driver_view(c->os);
			s->res = xrealloc(s->res,
			                  (s->nres + v->n) * sizeof(*s->res));
			for (j = 0; j < v->n; j++)
				s->res[s->nres++] = v->res[j].obs;
			{
				struct plan_flavor *f = os_view_flavors(v, &n);

				s->flavors = xrealloc(s->flavors,
				                      (s->nflavors + n + 1) *
				                          sizeof(*s->flavors));
				memcpy(s->flavors + s->nflavors, f,
				       n * sizeof(*f));
				s->nflavors += n;
				free(f);
			}
			s->catalogs =
			    xrealloc(s->catalogs,
			             (s->ncatalogs + 1) * sizeof(*s->catalogs));
			os_view_catalog(v, os_driver_project_id(c->os),
			                &s->catalogs[s->ncatalogs++]);
		} else if (c->k8s) {
			const struct k8s_view *v;

			if (k8s_driver_observe(c->k8s, reterr) < 0) {
				ret = -EIO;
				continue;
			}
			v = k8s_driver_view(c->k8s);
			res = v->res;
			n = v->n;
			s->res =
			    xrealloc(s->res, (s->nres + n) * sizeof(*s->res));
			for (j = 0; j < n; j++)
				s->res[s->nres++] = res[j];
			for (j = 0; j < v->nendpoints; j++) {
				const struct k8s_endpoint *e = &v->endpoints[j];
				struct plan_endpoint *pe;

				if (!e->ready)
					continue;
				s->endpoints = xrealloc(
				    s->endpoints, (s->nendpoints + 1) *
				                      sizeof(*s->endpoints));
				pe = &s->endpoints[s->nendpoints++];
				pe->vim = c->cfg->name;
				pe->service = e->service;
				pe->vnf = e->vnf;
				pe->vdu = e->vdu;
				pe->pod = e->pod;
				pe->address = e->address;
			}
		} else {
			continue;
		}
		c->observed = true;
		s->observed = xrealloc(s->observed, (s->nobserved + 1) *
		                                        sizeof(*s->observed));
		s->observed[s->nobserved++] = c->cfg->name;
	}
	s->obs.res = s->res;
	s->obs.n = s->nres;
	s->obs.vims = s->observed;
	s->obs.nvims = s->nobserved;
	s->obs.endpoints = s->endpoints;
	s->obs.nendpoints = s->nendpoints;
	s->obs.flavors = s->flavors;
	s->obs.nflavors = s->nflavors;
	s->obs.catalogs = s->catalogs;
	s->obs.ncatalogs = s->ncatalogs;
	return ret;
}

int
vim_set_apply(struct vim_set *s, const struct plan_action *a,
              struct diag *reterr)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		struct vim_conn *c = &s->conns[i];

		if (strcmp(c->cfg->name, a->vim) != 0)
			continue;
		if (c->os)
			return os_driver_apply(c->os, a, reterr);
		if (c->k8s)
			return k8s_driver_apply(c->k8s, a, reterr);
		break;
	}
	diag_error(reterr, NULL,
	           "VIM %s is not registered (no vims/%s.yaml): nothing to "
	           "apply it with",
	           a->vim, a->vim);
	return -ENOTSUP;
}

/* The connection of a VIM by name, NULL when it is not registered. */
static struct vim_conn *
vim_set_conn(const struct vim_set *s, const char *vim)
{
	size_t i;

	for (i = 0; vim && i < s->n; i++) {
		if (strcmp(s->conns[i].cfg->name, vim) == 0)
			return &s->conns[i];
	}
	return NULL;
}

const char *
vim_set_member_pool(const struct vim_set *s, const struct plan_action *a)
{
	const struct vim_conn *c;
	size_t i;

	if (a->kind != PLAN_MEMBER)
		return NULL;
	/* Creates and updates name it; deletions only through the view. */
	for (i = 0; i < a->nattrs; i++) {
		if (strcmp(a->attrs[i].key, "pool") == 0)
			return a->attrs[i].value;
	}
	c = vim_set_conn(s, a->vim);
	return c && c->os ? os_driver_member_pool(c->os, a) : NULL;
}

void
vim_set_apply_members(struct vim_set *s,
                      const struct plan_action *const *actions, size_t n,
                      int *results, struct diag *diags)
{
	struct vim_conn *c = n ? vim_set_conn(s, actions[0]->vim) : NULL;
	size_t i;

	if (c && c->os) {
		os_driver_apply_members(c->os, actions, n, results, diags);
		return;
	}
	for (i = 0; i < n; i++)
		results[i] = vim_set_apply(s, actions[i], &diags[i]);
}

void
vim_set_apply_members_worker(struct vim_set *s, size_t w,
                             const struct plan_action *const *actions, size_t n,
                             int *results, struct diag *diags, bool *serial)
{
	struct vim_conn *c = n ? vim_set_conn(s, actions[0]->vim) : NULL;

	*serial = !c || w >= c->nworkers;
	if (!*serial)
		os_driver_apply_members(c->workers[w], actions, n, results,
		                        diags);
}

struct http_client *
vim_conn_http(const struct vim_conn *c, size_t k)
{
	if (c->os && k == 0)
		return os_driver_http(c->os);
	if (c->os && k <= c->nworkers)
		return os_driver_http(c->workers[k - 1]);
	if (c->k8s && k == 0)
		return k8s_driver_http(c->k8s);
	return NULL;
}

int
vim_set_open_workers(struct vim_set *s, size_t n, struct diag *reterr)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < s->n; i++) {
		struct vim_conn *c = &s->conns[i];
		struct os_config *cfg;

		if (!c->os || c->nworkers >= n)
			continue;
		if (os_config_from_vim(c->cfg, &cfg, reterr) < 0) {
			ret = -EINVAL;
			continue;
		}
		c->workers = xrealloc(c->workers, n * sizeof(*c->workers));
		while (c->nworkers < n) {
			struct os_driver *w;

			if (os_driver_new(c->cfg->name, cfg, &s->os_opts, &w,
			                  reterr) < 0) {
				ret = -EINVAL;
				break;
			}
			os_driver_adopt(w, c->os);
			c->workers[c->nworkers++] = w;
		}
		os_config_free(cfg);
	}
	return ret;
}

int
vim_set_apply_worker(struct vim_set *s, size_t w, const struct plan_action *a,
                     bool *serial, struct diag *reterr)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		struct vim_conn *c = &s->conns[i];

		if (strcmp(c->cfg->name, a->vim) != 0)
			continue;
		if (w < c->nworkers) {
			*serial = false;
			return os_driver_apply(c->workers[w], a, reterr);
		}
		break;
	}
	*serial = true;
	return 0;
}

void
vim_set_adopt_workers(struct vim_set *s)
{
	size_t i, w;

	for (i = 0; i < s->n; i++) {
		for (w = 0; w < s->conns[i].nworkers; w++)
			os_driver_adopt(s->conns[i].workers[w], s->conns[i].os);
	}
}

int
vim_set_sync_workers(struct vim_set *s, struct diag *reterr)
{
	size_t i, w;
	int ret = 0;

	for (i = 0; i < s->n; i++) {
		struct vim_conn *c = &s->conns[i];

		if (c->nworkers == 0)
			continue;
		if (os_driver_observe(c->workers[0], reterr) < 0) {
			ret = -EIO;
			continue;
		}
		for (w = 1; w < c->nworkers; w++)
			os_driver_adopt(c->workers[w], c->workers[0]);
	}
	return ret;
}

unsigned long long
vim_set_requests(const struct vim_set *s)
{
	unsigned long long n = 0;
	size_t i, w;

	for (i = 0; i < s->n; i++) {
		if (s->conns[i].os)
			n += os_driver_requests(s->conns[i].os);
		for (w = 0; w < s->conns[i].nworkers; w++)
			n += os_driver_requests(s->conns[i].workers[w]);
		if (s->conns[i].k8s)
			n += k8s_driver_requests(s->conns[i].k8s);
	}
	return n;
}

void
vim_set_done(struct vim_set *s)
{
	size_t i, w;

	for (i = 0; i < s->n; i++) {
		/* Workers first: they borrow the driver's turns. */
		for (w = 0; w < s->conns[i].nworkers; w++)
			os_driver_free(s->conns[i].workers[w]);
		free(s->conns[i].workers);
		os_driver_free(s->conns[i].os);
		k8s_driver_free(s->conns[i].k8s);
	}
	free(s->conns);
	free(s->res);
	free(s->endpoints);
	free(s->flavors);
	vim_set_drop_catalogs(s);
	free(s->observed);
	memset(s, 0, sizeof(*s));
}
