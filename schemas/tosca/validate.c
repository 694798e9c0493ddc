/*
 * TOSCA validation against the type registry; see validate.h. Reads property
 * lists only from type definitions: no property name is known in C. The
 * TOSCA grammar keywords (the keys a node template or policy may have) are
 * the language itself and are listed here.
 */
#include "validate.h"
#include "scalar.h"
#include "strbuf.h"
#include "xalloc.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct vctx {
	const struct tosca_registry *reg;
	struct diag *d;
	const struct ynode *nodes; /* node_templates of the current doc */
	const struct ynode *groups;
	const struct ynode *subst; /* substitution_mappings */
	int errors;
};

static const char *const node_template_keys[] = {
    "type",        "description",  "metadata",     "directives", "properties",
    "attributes",  "requirements", "capabilities", "interfaces", "artifacts",
    "node_filter", "copy",         NULL,
};
static const char *const policy_keys[] = {
    "type",    "description", "metadata",    "properties",
    "targets", "triggers",    "reservation", NULL,
};
static const char *const group_keys[] = {
    "type",    "description", "metadata", "properties",
    "members", "interfaces",  NULL,
};
static const char *const topology_keys[] = {
    "description", "inputs",   "node_templates", "relationship_templates",
    "groups",      "policies", "outputs",        "substitution_mappings",
    "workflows",   NULL,
};
static const char *const capability_keys[] = {
    "properties",
    "attributes",
    "occurrences",
    NULL,
};
static const char *const requirement_keys[] = {
    "node", "capability", "relationship", "node_filter", "occurrences", NULL,
};
static const char *const artifact_keys[] = {
    "type",        "file",
    "repository",  "description",
    "deploy_path", "artifact_version",
    "checksum",    "checksum_algorithm",
    "properties",  NULL,
};
static const char *const input_keys[] = {
    "type",     "description", "required",   "default",
    "status",   "constraints", "key_schema", "entry_schema",
    "metadata", "value",       NULL,
};
static const char *const substitution_keys[] = {
    "node_type",    "node",       "substitution_filter",
    "properties",   "attributes", "capabilities",
    "requirements", "interfaces", NULL,
};
static const char *const document_keys[] = {
    "tosca_definitions_version",
    "description",
    "metadata",
    "imports",
    "topology_template",
    "dsl_definitions",
    "repositories",
    "template_name",
    "template_author",
    "template_version",
    "node_types",
    "data_types",
    "capability_types",
    "relationship_types",
    "policy_types",
    "group_types",
    "artifact_types",
    "interface_types",
    NULL,
};

static bool
vctx_in(const char *const *list, const char *s)
{
	for (; *list; list++) {
		if (strcmp(*list, s) == 0)
			return true;
	}
	return false;
}

/*
 * Keynames of the grammar are not extensible, unlike a type's properties:
 * an unknown one is a typo that would silently drop what it holds
 * ("requirments:" loses a port), so it is an error everywhere.
 */
static void
vctx_check_keys(struct vctx *v, const struct ynode *map,
                const char *const *allowed, const char *what)
{
	size_t i;

	if (!ynode_is_map(map))
		return;
	for (i = 0; i < map->n; i++) {
		const char *k = map->keys[i]->str;
		const char *near;

		if (vctx_in(allowed, k))
			continue;
		near = tosca_suggest(k, allowed);
		if (near)
			diag_error(v->d, &map->keys[i]->pos,
			           "unknown key '%s' in %s (did you mean "
			           "'%s'?)",
			           k, what, near);
		else
			diag_error(v->d, &map->keys[i]->pos,
			           "unknown key '%s' in %s", k, what);
		v->errors++;
	}
}

static bool
tosca_is_function(const struct ynode *n)
{
	static const char *const fns[] = {
	    "get_property",
	    "get_attribute",
	    "get_operation_output",
	    "get_nodes_of_type",
	    "get_artifact",
	    "concat",
	    "token",
	    "join",
	    NULL,
	};

	return ynode_is_map(n) && n->n == 1 && vctx_in(fns, n->keys[0]->str);
}

static bool
tosca_is_primitive(const char *t)
{
	static const char *const prims[] = {
	    "string",
	    "integer",
	    "float",
	    "boolean",
	    "timestamp",
	    "version",
	    "range",
	    "list",
	    "map",
	    "scalar-unit.size",
	    "scalar-unit.time",
	    "scalar-unit.frequency",
	    "any",
	    NULL,
	};

	return vctx_in(prims, t);
}

/* A number for comparisons: integers, floats and scalar-units. */
static int
tosca_value_number(const char *type, const struct ynode *n, double *ret)
{
	long long i;

	if (!ynode_is_scalar(n))
		return -EINVAL;
	if (strcmp(type, "scalar-unit.size") == 0)
		return tosca_scalar_unit_parse(n->str, TOSCA_UNIT_SIZE, ret);
	if (strcmp(type, "scalar-unit.time") == 0)
		return tosca_scalar_unit_parse(n->str, TOSCA_UNIT_TIME, ret);
	if (strcmp(type, "scalar-unit.frequency") == 0)
		return tosca_scalar_unit_parse(n->str, TOSCA_UNIT_FREQUENCY,
		                               ret);
	if (ynode_to_int(n, &i) == 0) {
		*ret = (double)i;
		return 0;
	}
	return ynode_to_double(n, ret);
}

static bool
tosca_values_equal(const char *type, const struct ynode *a,
                   const struct ynode *b)
{
	double x, y;

	if (!ynode_is_scalar(a) || !ynode_is_scalar(b))
		return false;
	if (strcmp(a->str, b->str) == 0)
		return true;
	return strcmp(type, "string") != 0 &&
	       tosca_value_number(type, a, &x) == 0 &&
	       tosca_value_number(type, b, &y) == 0 && x == y;
}

static size_t
tosca_value_length(const struct ynode *n)
{
	return n->kind == YNODE_SCALAR ? n->len : n->n;
}

static void
vctx_constraint_fail(struct vctx *v, const struct ynode *value,
                     const char *what, const char *op, const struct ynode *arg)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (ynode_is_seq(arg)) {
		strbuf_puts(&sb, "[");
		for (i = 0; i < arg->n; i++)
			strbuf_printf(&sb, "%s%s", i ? ", " : "",
			              ynode_str(arg->items[i])
			                  ? ynode_str(arg->items[i])
			                  : "…");
		strbuf_puts(&sb, "]");
	} else {
		strbuf_puts(&sb, ynode_str(arg) ? ynode_str(arg) : "…");
	}
	diag_error(v->d, &value->pos, "%s: '%s' does not satisfy %s %s", what,
	           ynode_str(value) ? ynode_str(value) : ynode_kind_name(value),
	           op, strbuf_str(&sb));
	strbuf_done(&sb);
	v->errors++;
}

static void
vctx_check_constraints(struct vctx *v, const char *type,
                       const struct ynode *constraints,
                       const struct ynode *value, const char *what)
{
	size_t i, j;

	if (!ynode_is_seq(constraints))
		return;
	for (i = 0; i < constraints->n; i++) {
		const struct ynode *c = constraints->items[i];
		const char *op;
		const struct ynode *arg;
		double x, a, b;
		bool ok = true;

		if (!ynode_is_map(c) || c->n != 1)
			continue;
		op = c->keys[0]->str;
		arg = c->items[0];
		if (strcmp(op, "valid_values") == 0) {
			ok = false;
			for (j = 0; ynode_is_seq(arg) && j < arg->n; j++)
				ok = ok || tosca_values_equal(type, value,
				                              arg->items[j]);
		} else if (strcmp(op, "equal") == 0) {
			ok = tosca_values_equal(type, value, arg);
		} else if (strcmp(op, "length") == 0 ||
		           strcmp(op, "min_length") == 0 ||
		           strcmp(op, "max_length") == 0) {
			long long lim;
			size_t len = tosca_value_length(value);

			if (ynode_to_int(arg, &lim) < 0)
				continue;
			ok = op[0] == 'l'   ? (long long)len == lim
			     : op[1] == 'i' ? (long long)len >= lim
			                    : (long long)len <= lim;
		} else if (strcmp(op, "in_range") == 0) {
			if (!ynode_is_seq(arg) || arg->n != 2 ||
			    tosca_value_number(type, value, &x) < 0)
				continue;
			if (tosca_value_number(type, arg->items[0], &a) < 0)
				continue;
			if (ynode_str(arg->items[1]) &&
			    strcmp(ynode_str(arg->items[1]), "UNBOUNDED") == 0)
				b = INFINITY;
			else if (tosca_value_number(type, arg->items[1], &b) <
			         0)
				continue;
			ok = x >= a && x <= b;
		} else if (strcmp(op, "greater_than") == 0 ||
		           strcmp(op, "greater_or_equal") == 0 ||
		           strcmp(op, "less_than") == 0 ||
		           strcmp(op, "less_or_equal") == 0) {
			if (tosca_value_number(type, value, &x) < 0 ||
			    tosca_value_number(type, arg, &a) < 0)
				continue;
			if (strcmp(op, "greater_than") == 0)
				ok = x > a;
			else if (strcmp(op, "greater_or_equal") == 0)
				ok = x >= a;
			else if (strcmp(op, "less_than") == 0)
				ok = x < a;
			else
				ok = x <= a;
		} else {
			continue; /* pattern, schema: not checked */
		}
		if (!ok)
			vctx_constraint_fail(v, value, what, op, arg);
	}
}

static void vctx_check_props(struct vctx *v, const struct tosca_type *t,
                             const struct ynode *given,
                             const struct ynode *site, const char *owner);

/* The entry type of an entry_schema: "string" or {type: string}. */
static const char *
tosca_entry_type(const struct ynode *es, const struct ynode **ret_def)
{
	*ret_def = NULL;
	if (ynode_is_scalar(es))
		return es->str;
	if (ynode_is_map(es)) {
		*ret_def = es;
		return ynode_str(ynode_get(es, "type"));
	}
	return NULL;
}

static void
vctx_value(struct vctx *v, const char *type, const struct ynode *def,
           const struct ynode *value, const char *what)
{
	const struct tosca_type *dt;
	long long i;
	double f;
	bool b;
	size_t k;

	if (!value || tosca_is_function(value))
		return;
	if (ynode_is_map(value) && ynode_get(value, "get_input")) {
		return; /* unresolved: reported by input resolution */
	}
	if (strcmp(type, "any") == 0)
		goto constraints;
	if (strcmp(type, "list") == 0 || strcmp(type, "map") == 0) {
		bool is_list = type[0] == 'l';
		const struct ynode *edef;
		const char *etype =
		    tosca_entry_type(ynode_get(def, "entry_schema"), &edef);

		if (is_list ? !ynode_is_seq(value) : !ynode_is_map(value)) {
			diag_error(v->d, &value->pos, "%s: expected %s, got %s",
			           what, is_list ? "a list" : "a mapping",
			           ynode_kind_name(value));
			v->errors++;
			return;
		}
		for (k = 0; etype && k < value->n; k++) {
			char *w = is_list ? xasprintf("%s[%zu]", what, k)
			                  : xasprintf("%s.%s", what,
			                              value->keys[k]->str);
			vctx_value(v, etype, edef, value->items[k], w);
			free(w);
		}
		goto constraints;
	}
	if (strcmp(type, "range") == 0) {
		long long lo, hi;
		bool ok = ynode_is_seq(value) && value->n == 2 &&
		          ynode_to_int(value->items[0], &lo) == 0;

		if (ok && ynode_str(value->items[1]) &&
		    strcmp(ynode_str(value->items[1]), "UNBOUNDED") == 0)
			hi = lo;
		else if (ok)
			ok =
			    ynode_to_int(value->items[1], &hi) == 0 && lo <= hi;
		if (!ok) {
			diag_error(
			    v->d, &value->pos,
			    "%s: expected a range [min, max] (integers, max "
			    "may be UNBOUNDED)",
			    what);
			v->errors++;
			return;
		}
		goto constraints;
	}
	if (tosca_is_primitive(type)) {
		const char *want = NULL;

		if (!ynode_is_scalar(value) || ynode_is_null(value)) {
			diag_error(v->d, &value->pos, "%s: expected %s, got %s",
			           what, type, ynode_kind_name(value));
			v->errors++;
			return;
		}
		if (strcmp(type, "integer") == 0 && ynode_to_int(value, &i) < 0)
			want = "an integer";
		else if (strcmp(type, "float") == 0 &&
		         ynode_to_double(value, &f) < 0)
			want = "a number";
		else if (strcmp(type, "boolean") == 0 &&
		         ynode_to_bool(value, &b) < 0)
			want = "true or false";
		else if (strcmp(type, "version") == 0 &&
		         !tosca_version_valid(value->str))
			want = "a version such as 1.0 or 2.1.3";
		else if (strncmp(type, "scalar-unit.", 12) == 0 &&
		         tosca_value_number(type, value, &f) < 0)
			want = strcmp(type, "scalar-unit.size") == 0
			           ? "a size such as '512 MB'"
			       : strcmp(type, "scalar-unit.time") == 0
			           ? "a duration such as '30 s'"
			           : "a frequency such as '2 GHz'";
		if (want) {
			diag_error(v->d, &value->pos,
			           "%s: expected %s, got '%s'", what, want,
			           value->str);
			v->errors++;
			return;
		}
		goto constraints;
	}
	dt = tosca_registry_find(v->reg, TOSCA_DATA_TYPE, type);
	if (!dt) {
		diag_error(v->d, &value->pos, "%s: unknown data type '%s'",
		           what, type);
		v->errors++;
		return;
	}
	/* A data type derived from a primitive: check as that primitive. */
	{
		const struct tosca_type *u = dt;
		const char *base = NULL;

		for (; u; u = u->parent) {
			const char *p =
			    ynode_str(ynode_get(u->def, "derived_from"));
			if (!u->parent && p && tosca_is_primitive(p))
				base = p;
		}
		if (base) {
			vctx_value(v, base, def, value, what);
			for (u = dt; u; u = u->parent)
				vctx_check_constraints(
				    v, base, ynode_get(u->def, "constraints"),
				    value, what);
			return;
		}
	}
	if (!ynode_is_map(value)) {
		diag_error(v->d, &value->pos,
		           "%s: expected a mapping (%s), got %s", what, type,
		           ynode_kind_name(value));
		v->errors++;
		return;
	}
	vctx_check_props(v, dt, value, value, what);
	return;
constraints:
	vctx_check_constraints(v, type, ynode_get(def, "constraints"), value,
	                       what);
}

struct vctx_props {
	struct vctx *v;
	const struct ynode *given;
	const struct ynode *site;
	const char *owner;
	const struct tosca_type *t;
};

static bool
tosca_def_required(const struct ynode *def)
{
	bool req = true; /* the TOSCA default */
	const struct ynode *r = ynode_get(def, "required");

	if (r)
		ynode_to_bool(r, &req);
	return req && !ynode_get(def, "default");
}

static void
vctx_props_required(const char *name, const struct ynode *def,
                    const struct tosca_type *owner, void *payload)
{
	struct vctx_props *p = payload;

	if (tosca_def_required(def) && !ynode_get(p->given, name)) {
		diag_error(p->v->d, &p->site->pos,
		           "%s: missing required property '%s' (declared by %s "
		           "at %s:%u)",
		           p->owner, name, owner->name, def->pos.file,
		           def->pos.line);
		p->v->errors++;
	}
}

static void
vctx_props_known(const char *name, const struct ynode *def,
                 const struct tosca_type *owner, void *payload)
{
	struct strbuf *sb = payload;

	strbuf_printf(sb, "%s%s", sb->len ? ", " : "", name);
}

static void
vctx_check_props(struct vctx *v, const struct tosca_type *t,
                 const struct ynode *given, const struct ynode *site,
                 const char *owner)
{
	struct vctx_props p = {v, given, site, owner, t};
	size_t i;

	if (given && !ynode_is_null(given) && !ynode_is_map(given)) {
		diag_error(v->d, &given->pos,
		           "%s: properties must be a mapping, not %s", owner,
		           ynode_kind_name(given));
		v->errors++;
		return;
	}
	for (i = 0; given && i < given->n; i++) {
		const char *name = given->keys[i]->str;
		const struct ynode *def =
		    tosca_type_lookup(t, "properties", name, NULL);
		const char *type;
		char *what;

		if (!def) {
			struct strbuf known = STRBUF_INIT;

			tosca_type_foreach(t, "properties", vctx_props_known,
			                   &known);
			diag_lint(v->d, &given->keys[i]->pos,
			          "%s: unknown property '%s' for %s (known: "
			          "%s)",
			          owner, name, t->name,
			          known.len ? strbuf_str(&known) : "none");
			strbuf_done(&known);
			continue;
		}
		type = ynode_str(ynode_get(def, "type"));
		if (!type)
			continue;
		what = xasprintf("%s: property '%s'", owner, name);
		vctx_value(v, type, def, given->items[i], what);
		free(what);
	}
	tosca_type_foreach(t, "properties", vctx_props_required, &p);
}

int
tosca_check_value(const struct tosca_registry *reg, const char *type,
                  const struct ynode *def, const struct ynode *value,
                  const char *what, struct diag *d)
{
	struct vctx v = {.reg = reg, .d = d};

	vctx_value(&v, type, def, value, what);
	return v.errors ? -EINVAL : 0;
}

const struct ynode *
tosca_doc_node(const struct tosca_doc *doc, const char *name)
{
	return ynode_get(ynode_get(tosca_doc_topology(doc), "node_templates"),
	                 name);
}

static const struct tosca_type *
vctx_type(struct vctx *v, enum tosca_section s, const struct ynode *tmpl,
          const char *owner)
{
	const struct ynode *tn = ynode_get(tmpl, "type");
	const struct tosca_type *t;

	if (!tn) {
		diag_error(v->d, &tmpl->pos, "%s: 'type' is missing", owner);
		v->errors++;
		return NULL;
	}
	if (!ynode_is_scalar(tn)) {
		diag_error(v->d, &tn->pos, "%s: 'type' must be a type name",
		           owner);
		v->errors++;
		return NULL;
	}
	t = tosca_registry_find(v->reg, s, tn->str);
	if (!t) {
		diag_error(v->d, &tn->pos, "%s: unknown %s '%s'", owner,
		           tosca_section_noun(s), tn->str);
		v->errors++;
	}
	return t;
}

static bool
vctx_is_template(struct vctx *v, const char *name)
{
	return ynode_get(v->nodes, name) != NULL ||
	       ynode_get(v->groups, name) != NULL;
}

static void
vctx_requirements(struct vctx *v, const struct tosca_type *t,
                  const struct ynode *reqs, const char *owner)
{
	size_t i;

	if (!reqs || ynode_is_null(reqs))
		return;
	if (!ynode_is_seq(reqs)) {
		diag_error(v->d, &reqs->pos,
		           "%s: requirements must be a list of "
		           "'- name: target' entries",
		           owner);
		v->errors++;
		return;
	}
	for (i = 0; i < reqs->n; i++) {
		const struct ynode *r = reqs->items[i];
		const struct ynode *target;
		const char *name;

		if (!ynode_is_map(r) || r->n != 1) {
			diag_error(v->d, &r->pos,
			           "%s: each requirement is a single "
			           "'name: target' entry",
			           owner);
			v->errors++;
			continue;
		}
		name = r->keys[0]->str;
		target = r->items[0];
		if (t && !tosca_type_requirement(t, name))
			diag_lint(v->d, &r->keys[0]->pos,
			          "%s: unknown requirement '%s' for %s", owner,
			          name, t->name);
		if (ynode_is_map(target)) {
			char *what =
			    xasprintf("%s: requirement '%s'", owner, name);

			vctx_check_keys(v, target, requirement_keys, what);
			free(what);
			target = ynode_get(target, "node");
		}
		if (!target)
			continue; /* capability-only requirement */
		if (!ynode_is_scalar(target)) {
			diag_error(v->d, &target->pos,
			           "%s: requirement '%s' must name a node "
			           "template",
			           owner, name);
			v->errors++;
			continue;
		}
		if (!vctx_is_template(v, target->str) &&
		    !tosca_registry_find(v->reg, TOSCA_NODE_TYPE,
		                         target->str)) {
			diag_error(v->d, &target->pos,
			           "%s: requirement '%s' refers to '%s', which "
			           "is not a node template of this topology",
			           owner, name, target->str);
			v->errors++;
		}
	}
}

/* Requirement name -> assignments in the template, plus one when the VNFD
 * exports it for the NSD to fill (substitution_mappings.requirements). */
static long long
vctx_req_count(struct vctx *v, const struct ynode *reqs, const char *tname,
               const char *req)
{
	const struct ynode *map = ynode_get(v->subst, "requirements");
	long long n = 0;
	size_t i;

	for (i = 0; ynode_is_seq(reqs) && i < reqs->n; i++) {
		if (ynode_get(reqs->items[i], req))
			n++;
	}
	for (i = 0; ynode_is_map(map) && i < map->n; i++) {
		const struct ynode *m = map->items[i];

		if (ynode_is_seq(m) && m->n == 2 && ynode_str(m->items[0]) &&
		    ynode_str(m->items[1]) &&
		    strcmp(ynode_str(m->items[0]), tname) == 0 &&
		    strcmp(ynode_str(m->items[1]), req) == 0)
			n++;
	}
	return n;
}

/* Whether t itself (not an ancestor) declares requirement name. */
static bool
vctx_declares_req(const struct tosca_type *t, const char *name)
{
	const struct ynode *defs = ynode_get(t->def, "requirements");
	size_t i;

	for (i = 0; ynode_is_seq(defs) && i < defs->n; i++) {
		if (ynode_get(defs->items[i], name))
			return true;
	}
	return false;
}

/* Checks requirement occurrences ([min, max], TOSCA default [1, 1]). */
static void
vctx_occurrences(struct vctx *v, const struct tosca_type *t,
                 const struct ynode *tmpl, const struct ynode *key)
{
	const struct ynode *reqs = ynode_get(tmpl, "requirements");
	const struct tosca_type *u, *w;
	size_t i;

	for (u = t; u; u = u->parent) {
		const struct ynode *defs = ynode_get(u->def, "requirements");

		for (i = 0; ynode_is_seq(defs) && i < defs->n; i++) {
			const struct ynode *e = defs->items[i], *occ;
			const char *name;
			long long lo = 1, hi = 1, n;
			bool shadowed = false;

			if (!ynode_is_map(e) || e->n != 1)
				continue;
			name = e->keys[0]->str;
			for (w = t; w != u; w = w->parent)
				shadowed =
				    shadowed || vctx_declares_req(w, name);
			if (shadowed)
				continue;
			occ = ynode_get(e->items[0], "occurrences");
			if (ynode_is_seq(occ) && occ->n == 2) {
				ynode_to_int(occ->items[0], &lo);
				if (ynode_to_int(occ->items[1], &hi) < 0)
					hi = -1; /* UNBOUNDED */
			}
			n = vctx_req_count(v, reqs, key->str, name);
			if (n < lo) {
				diag_error(
				    v->d, &key->pos,
				    "%s: requirement '%s' is missing (%s "
				    "needs at least %lld)",
				    key->str, name, t->name, lo);
				v->errors++;
			} else if (hi >= 0 && n > hi) {
				diag_error(v->d, &key->pos,
				           "%s: requirement '%s' is given %lld "
				           "times (%s allows at most %lld)",
				           key->str, name, n, t->name, hi);
				v->errors++;
			}
		}
	}
}

static void
vctx_capabilities(struct vctx *v, const struct tosca_type *t,
                  const struct ynode *caps, const char *owner)
{
	size_t i;

	if (!caps || ynode_is_null(caps) || !t)
		return;
	if (!ynode_is_map(caps)) {
		diag_error(v->d, &caps->pos,
		           "%s: capabilities must be a mapping", owner);
		v->errors++;
		return;
	}
	for (i = 0; i < caps->n; i++) {
		const char *name = caps->keys[i]->str;
		const struct ynode *def =
		    tosca_type_lookup(t, "capabilities", name, NULL);
		const char *ctn;
		const struct tosca_type *ct;
		char *what;

		what = xasprintf("%s: capability '%s'", owner, name);
		vctx_check_keys(v, caps->items[i], capability_keys, what);
		free(what);
		if (!def) {
			diag_lint(v->d, &caps->keys[i]->pos,
			          "%s: unknown capability '%s' for %s", owner,
			          name, t->name);
			continue;
		}
		ctn = ynode_is_scalar(def) ? def->str
		                           : ynode_str(ynode_get(def, "type"));
		ct = ctn ? tosca_registry_find(v->reg, TOSCA_CAPABILITY_TYPE,
		                               ctn)
		         : NULL;
		if (!ct)
			continue;
		what = xasprintf("%s: capability '%s'", owner, name);
		if (ynode_is_map(caps->items[i]))
			vctx_check_props(
			    v, ct, ynode_get(caps->items[i], "properties"),
			    caps->items[i], what);
		free(what);
	}
}

static void
vctx_artifacts(struct vctx *v, const struct ynode *arts, const char *owner)
{
	size_t i;

	if (!arts || !ynode_is_map(arts))
		return;
	for (i = 0; i < arts->n; i++) {
		const struct ynode *tn = ynode_get(arts->items[i], "type");
		char *what =
		    xasprintf("%s: artifact '%s'", owner, arts->keys[i]->str);

		vctx_check_keys(v, arts->items[i], artifact_keys, what);
		free(what);

		if (ynode_is_scalar(tn) &&
		    !tosca_registry_find(v->reg, TOSCA_ARTIFACT_TYPE,
		                         tn->str)) {
			diag_error(v->d, &tn->pos,
			           "%s: artifact '%s': unknown artifact type "
			           "'%s'",
			           owner, arts->keys[i]->str, tn->str);
			v->errors++;
		}
	}
}

static void
vctx_node_templates(struct vctx *v)
{
	size_t i;

	if (!v->nodes)
		return;
	if (!ynode_is_map(v->nodes)) {
		diag_error(v->d, &v->nodes->pos,
		           "node_templates must be a mapping of names to "
		           "templates");
		v->errors++;
		return;
	}
	for (i = 0; i < v->nodes->n; i++) {
		const struct ynode *tmpl = v->nodes->items[i];
		const char *name = v->nodes->keys[i]->str;
		const struct tosca_type *t;

		if (!ynode_is_map(tmpl)) {
			diag_error(v->d, &tmpl->pos,
			           "node template '%s' must be a mapping",
			           name);
			v->errors++;
			continue;
		}
		{
			char *what = xasprintf("node template '%s'", name);

			vctx_check_keys(v, tmpl, node_template_keys, what);
			free(what);
		}
		t = vctx_type(v, TOSCA_NODE_TYPE, tmpl, name);
		if (t)
			vctx_check_props(v, t, ynode_get(tmpl, "properties"),
			                 v->nodes->keys[i], name);
		vctx_requirements(v, t, ynode_get(tmpl, "requirements"), name);
		if (t)
			vctx_occurrences(v, t, tmpl, v->nodes->keys[i]);
		vctx_capabilities(v, t, ynode_get(tmpl, "capabilities"), name);
		vctx_artifacts(v, ynode_get(tmpl, "artifacts"), name);
	}
}

static void
vctx_targets(struct vctx *v, const struct ynode *targets, const char *owner,
             const char *field)
{
	size_t i;

	if (!targets)
		return;
	if (!ynode_is_seq(targets)) {
		diag_error(v->d, &targets->pos,
		           "%s: %s must be a list of "
		           "template names",
		           owner, field);
		v->errors++;
		return;
	}
	for (i = 0; i < targets->n; i++) {
		const struct ynode *t = targets->items[i];

		if (!ynode_is_scalar(t) || !vctx_is_template(v, t->str)) {
			diag_error(v->d, &t->pos,
			           "%s: %s entry '%s' is not a node template "
			           "or group of this topology",
			           owner, field,
			           ynode_str(t) ? ynode_str(t) : "…");
			v->errors++;
		}
	}
}

/*
 * Policy-level blocks that the type grammar has no key for: Tacker's
 * Alarming triggers and Reservation block, checked against the data types
 * the schema defines for them when it does.
 */
static void
vctx_policy_blocks(struct vctx *v, const struct ynode *p, const char *owner)
{
	const struct ynode *trig = ynode_get(p, "triggers");
	const struct ynode *rsv = ynode_get(p, "reservation");
	size_t i;

	if (trig &&
	    tosca_registry_find(v->reg, TOSCA_DATA_TYPE,
	                        "tosca.datatypes.tacker.AlarmTrigger")) {
		if (!ynode_is_map(trig)) {
			diag_error(v->d, &trig->pos,
			           "%s: triggers must be a mapping of trigger "
			           "names to definitions",
			           owner);
			v->errors++;
		}
		for (i = 0; ynode_is_map(trig) && i < trig->n; i++) {
			char *what = xasprintf("%s: trigger '%s'", owner,
			                       trig->keys[i]->str);

			vctx_value(v, "tosca.datatypes.tacker.AlarmTrigger",
			           NULL, trig->items[i], what);
			free(what);
		}
	}
	if (rsv && tosca_registry_find(v->reg, TOSCA_DATA_TYPE,
	                               "tosca.datatypes.tacker.Reservation")) {
		char *what = xasprintf("%s: reservation", owner);

		vctx_value(v, "tosca.datatypes.tacker.Reservation", NULL, rsv,
		           what);
		free(what);
	}
}

static void
vctx_policies(struct vctx *v, const struct ynode *pols)
{
	size_t i;

	if (!pols || ynode_is_null(pols))
		return;
	if (!ynode_is_seq(pols)) {
		diag_error(v->d, &pols->pos,
		           "policies must be a list of '- name: {type: …}' "
		           "entries");
		v->errors++;
		return;
	}
	for (i = 0; i < pols->n; i++) {
		const struct ynode *e = pols->items[i], *p;
		const struct tosca_type *t;
		const char *name;
		char *owner;

		if (!ynode_is_map(e) || e->n != 1 ||
		    !ynode_is_map(e->items[0])) {
			diag_error(v->d, &e->pos,
			           "each policy is a single 'name: {type: …}' "
			           "entry");
			v->errors++;
			continue;
		}
		name = e->keys[0]->str;
		p = e->items[0];
		owner = xasprintf("policy '%s'", name);
		vctx_check_keys(v, p, policy_keys, owner);
		t = vctx_type(v, TOSCA_POLICY_TYPE, p, owner);
		if (t)
			vctx_check_props(v, t, ynode_get(p, "properties"),
			                 e->keys[0], owner);
		vctx_targets(v, ynode_get(p, "targets"), owner, "targets");
		/* Tacker's Scaling also accepts targets among properties, but
		 * two lists would leave the reader guessing which one counts.
		 */
		vctx_targets(v,
		             ynode_get(ynode_get(p, "properties"), "targets"),
		             owner, "targets");
		if (ynode_get(p, "targets") &&
		    ynode_get(ynode_get(p, "properties"), "targets")) {
			diag_error(v->d, &ynode_get_key(p, "targets")->pos,
			           "%s: targets are given both at policy level "
			           "and under properties; keep one",
			           owner);
			v->errors++;
		}
		vctx_policy_blocks(v, p, owner);
		free(owner);
	}
}

static void
vctx_groups(struct vctx *v)
{
	size_t i;

	if (!v->groups || ynode_is_null(v->groups))
		return;
	if (!ynode_is_map(v->groups)) {
		diag_error(v->d, &v->groups->pos, "groups must be a mapping");
		v->errors++;
		return;
	}
	for (i = 0; i < v->groups->n; i++) {
		const struct ynode *g = v->groups->items[i];
		const struct tosca_type *t;
		char *owner = xasprintf("group '%s'", v->groups->keys[i]->str);

		if (!ynode_is_map(g)) {
			diag_error(v->d, &g->pos, "%s must be a mapping",
			           owner);
			v->errors++;
			free(owner);
			continue;
		}
		vctx_check_keys(v, g, group_keys, owner);
		t = vctx_type(v, TOSCA_GROUP_TYPE, g, owner);
		if (t)
			vctx_check_props(v, t, ynode_get(g, "properties"),
			                 v->groups->keys[i], owner);
		vctx_targets(v, ynode_get(g, "members"), owner, "members");
		free(owner);
	}
}

static void
vctx_substitution(struct vctx *v, const struct ynode *sm)
{
	const struct ynode *nt, *sec;
	const struct tosca_type *t = NULL;
	static const char *const fields[] = {"requirements", "capabilities"};
	size_t f, i;

	if (!sm)
		return;
	vctx_check_keys(v, sm, substitution_keys, "substitution_mappings");
	nt = ynode_get(sm, "node_type");
	if (!ynode_is_scalar(nt)) {
		diag_error(v->d, &sm->pos,
		           "substitution_mappings needs a node_type");
		v->errors++;
	} else {
		t = tosca_registry_find(v->reg, TOSCA_NODE_TYPE, nt->str);
		if (!t) {
			diag_error(v->d, &nt->pos,
			           "substitution_mappings: unknown node type "
			           "'%s' (define it under node_types)",
			           nt->str);
			v->errors++;
		}
	}
	for (f = 0; f < 2; f++) {
		sec = ynode_get(sm, fields[f]);
		for (i = 0; ynode_is_map(sec) && i < sec->n; i++) {
			const struct ynode *m = sec->items[i];
			const char *name = sec->keys[i]->str;
			bool declared =
			    f == 0 ? tosca_type_requirement(t, name) != NULL
			           : tosca_type_lookup(t, "capabilities", name,
			                               NULL) != NULL;

			if (t && !declared)
				diag_lint(v->d, &sec->keys[i]->pos,
				          "substitution_mappings: %s '%s' is "
				          "not declared by node type %s",
				          f == 0 ? "requirement" : "capability",
				          name, t->name);
			if (!ynode_is_seq(m) || m->n != 2 ||
			    !ynode_is_scalar(m->items[0])) {
				diag_error(v->d, &m->pos,
				           "substitution_mappings: '%s' must "
				           "be [node_template, %s]",
				           name,
				           f == 0 ? "requirement"
				                  : "capability");
				v->errors++;
				continue;
			}
			if (!ynode_get(v->nodes, m->items[0]->str)) {
				diag_error(v->d, &m->items[0]->pos,
				           "substitution_mappings: '%s' is "
				           "not a node template",
				           m->items[0]->str);
				v->errors++;
			}
		}
	}
}

static void
vctx_inputs(struct vctx *v, const struct tosca_doc *doc)
{
	size_t i;

	for (i = 0; i < doc->ninputs; i++) {
		const struct tosca_input *in = &doc->inputs[i];
		const char *type = ynode_str(ynode_get(in->def, "type"));
		char *what;

		what = xasprintf("input '%s'", in->name);
		vctx_check_keys(v, in->def, input_keys, what);
		free(what);
		if (!type || !in->value)
			continue;
		if (!tosca_is_primitive(type) &&
		    !tosca_registry_find(v->reg, TOSCA_DATA_TYPE, type)) {
			diag_error(v->d, &ynode_get(in->def, "type")->pos,
			           "input '%s': unknown type '%s'", in->name,
			           type);
			v->errors++;
			continue;
		}
		what = xasprintf("input '%s'", in->name);
		vctx_value(v, type, in->def, in->value, what);
		free(what);
	}
}

static void
vctx_doc(struct vctx *v, const struct tosca_doc *doc)
{
	const struct ynode *topo = tosca_doc_topology(doc);
	const struct ynode *tt = ynode_get(doc->root, "topology_template");

	vctx_check_keys(v, doc->root, document_keys, "the descriptor");
	if (tt && !topo && !ynode_is_null(tt)) {
		diag_error(v->d, &tt->pos,
		           "topology_template must be a mapping");
		v->errors++;
	}
	vctx_inputs(v, doc);
	if (!topo)
		return;
	vctx_check_keys(v, topo, topology_keys, "topology_template");
	v->nodes = ynode_get(topo, "node_templates");
	v->groups = ynode_get(topo, "groups");
	v->subst = ynode_get(topo, "substitution_mappings");
	vctx_node_templates(v);
	vctx_groups(v);
	vctx_policies(v, ynode_get(topo, "policies"));
	vctx_substitution(v, ynode_get(topo, "substitution_mappings"));
}

void
tosca_unit_free(struct tosca_unit *u)
{
	if (!u)
		return;
	tosca_registry_free(u->reg);
	free(u->docs);
	free(u);
}

int
tosca_unit_new(struct tosca_set *s, const struct tosca_registry *builtin,
               struct tosca_doc *root, struct tosca_unit **ret, struct diag *d)
{
	struct tosca_unit *u = xcalloc(1, sizeof(*u));
	struct vctx v = {.d = d};
	size_t i, errors_before = d->errors;
	int rc = 0;

	u->root = root;
	u->ndocs = tosca_doc_closure(root, &u->docs);
	u->reg = tosca_registry_new(builtin);
	for (i = 0; i < u->ndocs; i++) {
		if (tosca_doc_resolve_inputs(s, u->docs[i], d) < 0)
			rc = -EINVAL;
		if (tosca_registry_add_doc(u->reg, u->docs[i]->root, d) < 0)
			rc = -EINVAL;
	}
	if (tosca_registry_link(u->reg, d) < 0)
		rc = -EINVAL;
	v.reg = u->reg;
	for (i = 0; i < u->ndocs; i++) {
		if (u->docs[i]->validated)
			continue;
		u->docs[i]->validated = true;
		vctx_doc(&v, u->docs[i]);
	}
	*ret = u;
	/* Lint findings count too when --strict made them errors. */
	return rc < 0 || v.errors || d->errors > errors_before ? -EINVAL : 0;
}
