/*
 * Type registry: loads TOSCA *_types sections, resolves derived_from, and
 * answers lookups over the derivation chain. See types.h.
 */
#include "types.h"
#include "xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const tosca_section_keys[TOSCA_SECTION_MAX] = {
    [TOSCA_DATA_TYPE] = "data_types",
    [TOSCA_CAPABILITY_TYPE] = "capability_types",
    [TOSCA_RELATIONSHIP_TYPE] = "relationship_types",
    [TOSCA_NODE_TYPE] = "node_types",
    [TOSCA_POLICY_TYPE] = "policy_types",
    [TOSCA_GROUP_TYPE] = "group_types",
    [TOSCA_ARTIFACT_TYPE] = "artifact_types",
    [TOSCA_INTERFACE_TYPE] = "interface_types",
};

static const char *const tosca_section_nouns[TOSCA_SECTION_MAX] = {
    [TOSCA_DATA_TYPE] = "data type",
    [TOSCA_CAPABILITY_TYPE] = "capability type",
    [TOSCA_RELATIONSHIP_TYPE] = "relationship type",
    [TOSCA_NODE_TYPE] = "node type",
    [TOSCA_POLICY_TYPE] = "policy type",
    [TOSCA_GROUP_TYPE] = "group type",
    [TOSCA_ARTIFACT_TYPE] = "artifact type",
    [TOSCA_INTERFACE_TYPE] = "interface type",
};

const char *
tosca_section_key(enum tosca_section s)
{
	return s >= 0 && s < TOSCA_SECTION_MAX ? tosca_section_keys[s] : NULL;
}

const char *
tosca_section_noun(enum tosca_section s)
{
	return s >= 0 && s < TOSCA_SECTION_MAX ? tosca_section_nouns[s]
	                                       : "type";
}

enum tosca_section
tosca_section_from_key(const char *key)
{
	int i;

	for (i = 0; i < TOSCA_SECTION_MAX; i++) {
		if (strcmp(tosca_section_keys[i], key) == 0)
			return (enum tosca_section)i;
	}
	return TOSCA_SECTION_INVALID;
}

struct tosca_registry *
tosca_registry_new(const struct tosca_registry *base)
{
	struct tosca_registry *r = xcalloc(1, sizeof(*r));

	r->base = base;
	return r;
}

void
tosca_registry_free(struct tosca_registry *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->ndocs; i++)
		ydoc_free(r->docs[i]);
	free(r->docs);
	free(r->types);
	free(r);
}

static struct tosca_type *
tosca_registry_find_local(const struct tosca_registry *r, enum tosca_section s,
                          const char *name)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (r->types[i].section == s &&
		    strcmp(r->types[i].name, name) == 0)
			return &r->types[i];
	}
	return NULL;
}

const struct tosca_type *
tosca_registry_find(const struct tosca_registry *r, enum tosca_section s,
                    const char *name)
{
	for (; r; r = r->base) {
		const struct tosca_type *t =
		    tosca_registry_find_local(r, s, name);
		if (t)
			return t;
	}
	return NULL;
}

int
tosca_registry_add_doc(struct tosca_registry *r, const struct ynode *root,
                       struct diag *d)
{
	size_t i, j;
	int ret = 0;

	if (!ynode_is_map(root))
		return 0;
	for (i = 0; i < root->n; i++) {
		enum tosca_section s =
		    tosca_section_from_key(root->keys[i]->str);
		const struct ynode *sec = root->items[i];

		if (s == TOSCA_SECTION_INVALID || ynode_is_null(sec))
			continue;
		if (!ynode_is_map(sec)) {
			diag_error(d, &sec->pos,
			           "%s must be a mapping of type "
			           "names to definitions",
			           root->keys[i]->str);
			ret = -EINVAL;
			continue;
		}
		for (j = 0; j < sec->n; j++) {
			const struct ynode *key = sec->keys[j];
			const struct tosca_type *prev =
			    tosca_registry_find(r, s, key->str);
			struct tosca_type *t;

			if (prev && prev->key != key) {
				diag_error(d, &key->pos,
				           "%s '%s' is already defined at "
				           "%s:%u:%u",
				           tosca_section_noun(s), key->str,
				           prev->key->pos.file,
				           prev->key->pos.line,
				           prev->key->pos.col);
				ret = -EINVAL;
				continue;
			}
			if (prev)
				continue; /* same document imported twice */
			if (!ynode_is_map(sec->items[j]) &&
			    !ynode_is_null(sec->items[j])) {
				diag_error(d, &sec->items[j]->pos,
				           "definition of %s '%s' must be a "
				           "mapping",
				           tosca_section_noun(s), key->str);
				ret = -EINVAL;
				continue;
			}
			XGROW(r->types, r->cap, r->n + 1);
			t = &r->types[r->n++];
			memset(t, 0, sizeof(*t));
			t->name = key->str;
			t->section = s;
			t->key = key;
			t->def = sec->items[j];
		}
	}
	return ret;
}

/* The TOSCA primitive types a data type may derive from. */
static bool
tosca_primitive_name(const char *name)
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
	    NULL,
	};
	size_t i;

	for (i = 0; prims[i]; i++) {
		if (strcmp(prims[i], name) == 0)
			return true;
	}
	return false;
}

int
tosca_registry_link(struct tosca_registry *r, struct diag *d)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < r->n; i++) {
		struct tosca_type *t = &r->types[i];
		const struct ynode *df = ynode_get(t->def, "derived_from");
		const char *pname = ynode_str(df);

		t->parent = NULL;
		if (!df || ynode_is_null(df))
			continue;
		if (!pname) {
			diag_error(d, &df->pos,
			           "derived_from must be a type "
			           "name");
			ret = -EINVAL;
			continue;
		}
		t->parent = tosca_registry_find(r, t->section, pname);
		/* Data types may derive from primitive types ("string"). */
		if (!t->parent && (t->section != TOSCA_DATA_TYPE ||
		                   !tosca_primitive_name(pname))) {
			diag_error(d, &df->pos,
			           "%s '%s' derives from unknown "
			           "%s '%s'",
			           tosca_section_noun(t->section), t->name,
			           tosca_section_noun(t->section), pname);
			ret = -EINVAL;
		}
	}
	/* A derivation cycle would make every chain walk loop forever. It is
	 * reported once, at its first member, and broken there. */
	for (i = 0; i < r->n; i++) {
		struct tosca_type *t = &r->types[i];
		const struct tosca_type *u = t->parent;
		size_t steps;
		bool first = true;

		for (steps = 0; u && u != t && steps <= r->n; steps++)
			u = u->parent;
		if (u != t)
			continue;
		for (u = t->parent; u != t; u = u->parent)
			first = first && !(u >= r->types && u < t);
		if (!first)
			continue;
		diag_error(d, &t->key->pos,
		           "%s '%s' derives from itself (derived_from cycle)",
		           tosca_section_noun(t->section), t->name);
		t->parent = NULL;
		ret = -EINVAL;
	}
	return ret;
}

int
tosca_registry_new_builtin(struct tosca_registry **ret, struct diag *d)
{
	struct tosca_registry *r = tosca_registry_new(NULL);
	const struct tosca_type_file *f;
	int rc = 0;

	for (f = tosca_type_files; f->name; f++) {
		struct ydoc *doc;

		if (ydoc_load_buffer(f->name, f->data, f->len, NULL, &doc, d) <
		    0) {
			rc = -EINVAL;
			continue;
		}
		r->docs = xrealloc(r->docs, (r->ndocs + 1) * sizeof(*r->docs));
		r->docs[r->ndocs++] = doc;
		if (tosca_registry_add_doc(r, doc->root, d) < 0)
			rc = -EINVAL;
	}
	if (rc == 0 && tosca_registry_link(r, d) < 0)
		rc = -EINVAL;
	if (rc < 0) {
		tosca_registry_free(r);
		return rc;
	}
	*ret = r;
	return 0;
}

bool
tosca_type_is_a(const struct tosca_type *t, const char *ancestor)
{
	for (; t; t = t->parent) {
		if (strcmp(t->name, ancestor) == 0)
			return true;
	}
	return false;
}

const struct ynode *
tosca_type_lookup(const struct tosca_type *t, const char *field,
                  const char *name, const struct tosca_type **ret_owner)
{
	for (; t; t = t->parent) {
		const struct ynode *v =
		    ynode_get(ynode_get(t->def, field), name);

		if (v) {
			if (ret_owner)
				*ret_owner = t;
			return v;
		}
	}
	return NULL;
}

const struct ynode *
tosca_type_requirement(const struct tosca_type *t, const char *name)
{
	size_t i;

	for (; t; t = t->parent) {
		const struct ynode *reqs = ynode_get(t->def, "requirements");

		if (!ynode_is_seq(reqs))
			continue;
		for (i = 0; i < reqs->n; i++) {
			const struct ynode *v = ynode_get(reqs->items[i], name);

			if (v)
				return v;
		}
	}
	return NULL;
}

void
tosca_type_foreach(const struct tosca_type *t, const char *field,
                   tosca_def_cb cb, void *payload)
{
	const struct tosca_type *u, *v;
	size_t i;

	for (u = t; u; u = u->parent) {
		const struct ynode *m = ynode_get(u->def, field);

		if (!ynode_is_map(m))
			continue;
		for (i = 0; i < m->n; i++) {
			bool shadowed = false;

			/* Skip names that a nearer type redefines. */
			for (v = t; v != u; v = v->parent) {
				if (ynode_get(ynode_get(v->def, field),
				              m->keys[i]->str)) {
					shadowed = true;
					break;
				}
			}
			if (!shadowed)
				cb(m->keys[i]->str, m->items[i], u, payload);
		}
	}
}
