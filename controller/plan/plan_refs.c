/*
 * The plan's reference check: what a plan would create or replace on an
 * observed OpenStack VIM must name an image, flavor, network and security
 * groups that VIM has, looked up the way the OpenStack driver will look
 * them up at apply (os_view_id_of, os_view_secgroup_id). Otherwise apply
 * would stop half-way, after making the resources before the first bad
 * one. Pure: reads the model and the observed catalogs only.
 */
#include "plan_refs.h"
#include "strbuf.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

/* At most this many names are listed after "it has:". */
#define PLAN_REFS_LISTED 8

struct refs {
	const struct plan_observed *obs;
	struct diag *d;
	char **seen; /* errors given: "file:line:col message" */
	size_t nseen;
};

static const struct plan_catalog *
refs_catalog(const struct plan_observed *obs, const char *vim)
{
	size_t i;
	bool observed = false;

	for (i = 0; vim && i < obs->nvims; i++)
		observed |= strcmp(obs->vims[i], vim) == 0;
	for (i = 0; observed && i < obs->ncatalogs; i++) {
		if (obs->catalogs[i].vim &&
		    strcmp(obs->catalogs[i].vim, vim) == 0)
			return &obs->catalogs[i];
	}
	return NULL;
}

/* An error at pos, once per position and text (instances of one VDU, and
 * CPs on one VL, share them). */
static void
refs_error(struct refs *r, const struct diag_pos *pos, char *msg)
{
	char *key = xasprintf("%s:%u:%u %s", pos->file ? pos->file : "",
	                      pos->line, pos->col, msg);
	size_t i;

	for (i = 0; i < r->nseen; i++) {
		if (strcmp(r->seen[i], key) == 0) {
			free(key);
			free(msg);
			return;
		}
	}
	r->seen = xrealloc(r->seen, (r->nseen + 1) * sizeof(*r->seen));
	r->seen[r->nseen++] = key;
	diag_error(r->d, pos->file ? pos : NULL, "%s; nothing is planned", msg);
	free(msg);
}

static int
refs_strcmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* " (it has: a, b, c)": the distinct names, sorted, the first few. */
static char *
refs_has(const char **names, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, shown = 0, distinct = 0;

	qsort(names, n, sizeof(*names), refs_strcmp);
	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(names[i], names[i - 1]) == 0)
			continue;
		distinct++;
		if (shown < PLAN_REFS_LISTED)
			strbuf_printf(&sb, "%s%s",
			              shown++ ? ", " : " (it has: ", names[i]);
	}
	if (distinct > shown)
		strbuf_printf(&sb, " and %zu more", distinct - shown);
	strbuf_puts(&sb, distinct ? ")" : " (it has none)");
	return strbuf_detach(&sb);
}

static char *
refs_has_named(const struct plan_named *arr, size_t n)
{
	const char **names = xcalloc(n ? n : 1, sizeof(*names));
	size_t i, k = 0;
	char *s;

	for (i = 0; i < n; i++) {
		if (arr[i].name)
			names[k++] = arr[i].name;
	}
	s = refs_has(names, k);
	free(names);
	return s;
}

/* By name, else by ID, as os_view_id_of. */
static bool
refs_named_has(const struct plan_named *arr, size_t n, const char *ref)
{
	size_t i;

	for (i = 0; ref && i < n; i++) {
		if ((arr[i].name && strcmp(arr[i].name, ref) == 0) ||
		    (arr[i].id && strcmp(arr[i].id, ref) == 0))
			return true;
	}
	return false;
}

static void
refs_missing(struct refs *r, const struct diag_pos *pos, const char *what,
             const char *ref, const char *vim, const struct plan_named *arr,
             size_t n)
{
	char *has = refs_has_named(arr, n);

	refs_error(r, pos,
	           xasprintf("%s '%s' does not exist on VIM %s%s", what, ref,
	                     vim, has));
	free(has);
}

static void
refs_network(struct refs *r, const struct plan_catalog *c, const char *net,
             const struct diag_pos *pos)
{
	if (net && !refs_named_has(c->networks, c->nnetworks, net))
		refs_missing(r, pos, "network", net, c->vim, c->networks,
		             c->nnetworks);
}

/*
 * A security group by ID, else by name among the project's own groups,
 * else among all it sees; a name two groups share is ambiguous. As
 * os_view_secgroup_id.
 */
static void
refs_secgroup(struct refs *r, const struct plan_catalog *c, const char *ref,
              const struct diag_pos *pos)
{
	size_t i, pass, n = 0;

	for (i = 0; i < c->nsecgroups; i++) {
		if (c->secgroups[i].id && strcmp(c->secgroups[i].id, ref) == 0)
			return;
	}
	for (pass = 0; pass < 2 && n == 0; pass++) {
		for (i = 0; i < c->nsecgroups; i++) {
			const struct plan_named *g = &c->secgroups[i];

			if (g->name && strcmp(g->name, ref) == 0 &&
			    (pass == 1 || g->own))
				n++;
		}
	}
	if (n == 1)
		return;
	if (n > 1)
		refs_error(r, pos,
		           xasprintf("several security groups are called "
		                     "'%s' on VIM %s: give its ID",
		                     ref, c->vim));
	else
		refs_missing(r, pos, "security group", ref, c->vim,
		             c->secgroups, c->nsecgroups);
}

static void
refs_port(struct refs *r, const struct plan_catalog *c,
          const struct plan_action *a)
{
	const struct nfv_cp *cp = a->model_cp;
	size_t i;

	if (!cp)
		return;
	/* An update only sets the groups (and address pairs) in place. */
	if (a->op != PLAN_UPDATE)
		refs_network(r, c, cp->network_name, &cp->network_pos);
	for (i = 0; i < cp->nsecurity_groups; i++)
		refs_secgroup(r, c, cp->security_groups[i],
		              cp->security_group_pos
		                  ? &cp->security_group_pos[i]
		                  : &cp->pos);
}

/* The flavor: the one named (by name, else ID, as os_view_id_of), or one
 * that fits a VDU sized by nfv_compute (plan_flavor_pick, as apply). */
static void
refs_flavor(struct refs *r, const struct plan_catalog *c,
            const struct nfv_vdu *vdu)
{
	const struct plan_observed *obs = r->obs;
	const char **names =
	    xcalloc(obs->nflavors ? obs->nflavors : 1, sizeof(*names));
	struct plan_compute need;
	size_t i, k = 0;
	bool found = false;
	char *has, *text;

	for (i = 0; i < obs->nflavors; i++) {
		const struct plan_flavor *f = &obs->flavors[i];

		if (!f->vim || strcmp(f->vim, c->vim) != 0 || !f->name)
			continue;
		names[k++] = f->name;
		if (vdu->flavor && (strcmp(f->name, vdu->flavor) == 0 ||
		                    (f->id && strcmp(f->id, vdu->flavor) == 0)))
			found = true;
	}
	if (vdu->flavor) {
		if (!found) {
			has = refs_has(names, k);
			refs_error(r, &vdu->flavor_pos,
			           xasprintf("flavor '%s' does not exist on "
			                     "VIM %s%s",
			                     vdu->flavor, c->vim, has));
			free(has);
		}
	} else {
		plan_compute_of(vdu, &need);
		if (!plan_flavor_pick(obs->flavors, obs->nflavors, c->vim,
		                      &need)) {
			has = refs_has(names, k);
			text = plan_compute_text(&need);
			refs_error(r, &vdu->compute_pos,
			           xasprintf("%s: no flavor of VIM %s has at "
			                     "least %s%s",
			                     vdu->name, c->vim, text, has));
			free(text);
			free(has);
		}
	}
	free(names);
}

static void
refs_server(struct refs *r, const struct plan_catalog *c,
            const struct plan_action *a)
{
	const struct nfv_vdu *vdu = a->model_vdu;

	if (!vdu)
		return;
	if (vdu->image && !refs_named_has(c->images, c->nimages, vdu->image))
		refs_missing(r, &vdu->image_pos, "image", vdu->image, c->vim,
		             c->images, c->nimages);
	refs_flavor(r, c, vdu);
}

/* Whether carrying out a makes its resource anew (a respawn of a
 * SHUTOFF server only starts it). */
static bool
refs_makes(const struct plan_observed *obs, const struct plan_action *a)
{
	size_t i;

	if (a->op == PLAN_CREATE || a->op == PLAN_REPLACE)
		return true;
	if (a->op != PLAN_RESPAWN || a->kind != PLAN_SERVER)
		return false;
	for (i = 0; a->id && i < obs->n; i++) {
		if (obs->res[i].id && strcmp(obs->res[i].id, a->id) == 0)
			return !obs->res[i].status ||
			       strcmp(obs->res[i].status, "SHUTOFF") != 0;
	}
	return true;
}

size_t
plan_check_refs(const struct plan *p, const struct plan_observed *obs,
                struct diag *d)
{
	struct refs r = {obs, d, NULL, 0};
	size_t i, n;

	for (i = 0; obs && i < p->n; i++) {
		const struct plan_action *a = &p->actions[i];
		const struct plan_catalog *c = refs_catalog(obs, a->vim);

		if (!c)
			continue;
		if (a->kind == PLAN_PORT &&
		    (refs_makes(obs, a) || a->op == PLAN_UPDATE))
			refs_port(&r, c, a);
		else if (a->kind == PLAN_SERVER && refs_makes(obs, a))
			refs_server(&r, c, a);
		else if (a->kind == PLAN_LOADBALANCER && refs_makes(obs, a) &&
		         a->model_lb)
			refs_network(&r, c, a->model_lb->vip_network,
			             &a->model_lb->vip_network_pos);
	}
	n = r.nseen;
	for (i = 0; i < r.nseen; i++)
		free(r.seen[i]);
	free(r.seen);
	return n;
}
