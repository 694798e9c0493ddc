/*
 * List queries as the OpenStack and Kubernetes APIs define them: attribute
 * filters, tag filters (tags, tags-any, not-tags, not-tags-any),
 * limit/marker pagination and Kubernetes label selectors. Pure functions
 * over json-c objects, unit-tested alone.
 */
#ifndef LV_QUERY_H
#define LV_QUERY_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

struct query_arg {
	char *key;
	char *val;
};

/* The query string of one request, in order; a key may repeat. */
struct query {
	struct query_arg *v;
	size_t n;
	size_t cap;
};

void query_add(struct query *q, const char *key, const char *val);
void query_done(struct query *q);
/* The first value of key, borrowed, or NULL. */
const char *query_get(const struct query *q, const char *key);

enum query_flags {
	/* "name" is a POSIX extended regex (Nova), not an exact match. */
	QUERY_NAME_REGEX = 1 << 0,
	/* A filter on an attribute the object lacks excludes it (Neutron);
	 * otherwise such filters are ignored (Nova). */
	QUERY_STRICT_ATTRS = 1 << 1,
};

/* True when obj passes every filter of q. Keys listed in skip (NULL
 * terminated) and the pagination/tag keys are not attribute filters.
 * Repeated keys are OR-ed; different keys AND-ed. Tag filters read the
 * "tags" array of obj. */
bool query_match(const struct query *q, struct json_object *obj,
                 const char *const *skip, unsigned flags);

/* Pagination over items[0..n) (objects with an "id" string): honours
 * "limit" and "marker". Sets the first index and count to return and
 * whether more items follow. 0, -EINVAL for a bad limit, -ENOENT for an
 * unknown marker. */
int query_page(const struct query *q, struct json_object *const *items,
               size_t n, size_t *ret_start, size_t *ret_count, bool *ret_more);

/* Kubernetes label selector ("a=b,c!=d,e,!f,g in (x,y),h notin (z)")
 * against a labels object (may be NULL). 1 match, 0 no match, -EINVAL
 * for a malformed selector. */
int query_labels_match(const char *selector, struct json_object *labels);

#endif
