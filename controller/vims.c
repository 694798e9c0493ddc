/* Drivers per VIM for one run; see vims.h. */
#include "vims.h"
#include "os_config.h"
#include "os_driver.h"
#include "xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int
vim_set_open(struct vim_set *s, const struct nfv_model *m, struct diag *reterr)
{
	size_t i;
	int ret = 0;

	memset(s, 0, sizeof(*s));
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
		if (v->kind != NFV_VIM_OPENSTACK)
			continue;
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
	s->res = NULL;
	s->observed = NULL;
	s->nres = s->nobserved = 0;
	for (i = 0; i < s->n; i++) {
		struct vim_conn *c = &s->conns[i];
		const struct os_view *v;

		c->observed = false;
		if (!c->os)
			continue;
		if (os_driver_observe(c->os, reterr) < 0) {
			ret = -EIO;
			continue;
		}
		c->observed = true;
		s->observed = xrealloc(s->observed, (s->nobserved + 1) *
		                                        sizeof(*s->observed));
		s->observed[s->nobserved++] = c->cfg->name;
		v = os_driver_view(c->os);
		s->res = xrealloc(s->res, (s->nres + v->n) * sizeof(*s->res));
		for (j = 0; j < v->n; j++)
			s->res[s->nres++] = v->res[j].obs;
	}
	s->obs.res = s->res;
	s->obs.n = s->nres;
	s->obs.vims = s->observed;
	s->obs.nvims = s->nobserved;
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
		if (!c->os)
			break;
		return os_driver_apply(c->os, a, reterr);
	}
	diag_error(reterr, NULL,
	           "VIM %s: nfvsync has no driver for it yet (Kubernetes and "
	           "unregistered VIMs arrive with later versions)",
	           a->vim);
	return -ENOTSUP;
}

unsigned long long
vim_set_requests(const struct vim_set *s)
{
	unsigned long long n = 0;
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (s->conns[i].os)
			n += os_driver_requests(s->conns[i].os);
	}
	return n;
}

void
vim_set_done(struct vim_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		os_driver_free(s->conns[i].os);
	free(s->conns);
	free(s->res);
	free(s->observed);
	memset(s, 0, sizeof(*s));
}
