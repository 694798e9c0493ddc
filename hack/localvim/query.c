/*
 * Filtering, tag matching, pagination and label selectors for localvim's
 * list calls. Pure: no world state, no I/O.
 */
#include "query.h"

#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lvutil.h"
#include "xalloc.h"

/* Keys that never filter attributes. */
static const char *const query_reserved[] = {
    "limit",
    "marker",
    "page_reverse",
    "sort",
    "sort_key",
    "sort_dir",
    "fields",
    "tags",
    "tags-any",
    "not-tags",
    "not-tags-any",
    "all_tenants",
    "all_projects",
    "deleted",
    "changes-since",
    "changes-before",
    "labelSelector",
    "fieldSelector",
    "continue",
    "resourceVersion",
    "watch",
    "timeoutSeconds",
    NULL,
};

void
query_add(struct query *q, const char *key, const char *val)
{
	XGROW(q->v, q->cap, q->n + 1);
	q->v[q->n].key = xstrdup(key);
	q->v[q->n].val = xstrdup(val ? val : "");
	q->n++;
}

void
query_done(struct query *q)
{
	size_t i;

	for (i = 0; i < q->n; i++) {
		free(q->v[i].key);
		free(q->v[i].val);
	}
	free(q->v);
	q->v = NULL;
	q->n = q->cap = 0;
}

const char *
query_get(const struct query *q, const char *key)
{
	size_t i;

	for (i = 0; i < q->n; i++)
		if (strcmp(q->v[i].key, key) == 0)
			return q->v[i].val;
	return NULL;
}

static bool
query_listed(const char *const *list, const char *key)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcmp(*list, key) == 0)
			return true;
	return false;
}

/* Matches one comma-separated tag list against the tags array. all: every
 * listed tag must be present; otherwise any one. */
static bool
query_tags_hit(struct json_object *tags, const char *list, bool all)
{
	char *copy = xstrdup(list), *save = NULL, *t;
	bool hit = all;

	for (t = strtok_r(copy, ",", &save); t != NULL;
	     t = strtok_r(NULL, ",", &save)) {
		bool has = lv_json_array_has(tags, t);

		if (all && !has) {
			hit = false;
			break;
		}
		if (!all && has) {
			hit = true;
			break;
		}
	}
	free(copy);
	return hit;
}

static bool
query_value_eq(const char *key, const char *want, struct json_object *v,
               unsigned flags)
{
	char *have;
	bool eq;

	if (json_object_is_type(v, json_type_array)) {
		/* e.g. Neutron "security_groups=<id>": any element. */
		size_t i, n = lv_json_len(v);

		for (i = 0; i < n; i++)
			if (query_value_eq(key, want, lv_json_idx(v, i), flags))
				return true;
		return false;
	}
	have = lv_json_scalar_text(v);
	if (have == NULL)
		return false;
	if ((flags & QUERY_NAME_REGEX) && strcmp(key, "name") == 0) {
		regex_t re;

		if (regcomp(&re, want, REG_EXTENDED | REG_NOSUB) != 0) {
			eq = strcmp(have, want) == 0;
		} else {
			eq = regexec(&re, have, 0, NULL, 0) == 0;
			regfree(&re);
		}
	} else if (strcmp(key, "status") == 0 ||
	           json_object_is_type(v, json_type_boolean)) {
		eq = strcasecmp(have, want) == 0;
	} else {
		eq = strcmp(have, want) == 0;
	}
	free(have);
	return eq;
}

bool
query_match(const struct query *q, struct json_object *obj,
            const char *const *skip, unsigned flags)
{
	struct json_object *tags = lv_json_get(obj, "tags");
	size_t i, j;

	for (i = 0; i < q->n; i++) {
		const char *key = q->v[i].key, *val = q->v[i].val;

		/* Tag filters first; they may repeat and are AND-ed. */
		struct json_object *attr;
		bool any = false;

		if (strcmp(key, "tags") == 0 && !query_tags_hit(tags, val, 1))
			return false;
		if (strcmp(key, "tags-any") == 0 &&
		    !query_tags_hit(tags, val, 0))
			return false;
		if (strcmp(key, "not-tags") == 0 &&
		    query_tags_hit(tags, val, 1))
			return false;
		if (strcmp(key, "not-tags-any") == 0 &&
		    query_tags_hit(tags, val, 0))
			return false;
		if (query_listed(query_reserved, key) ||
		    query_listed(skip, key))
			continue;
		/* Repeated keys are OR-ed: check each key at its first use. */
		for (j = 0; j < i; j++)
			if (strcmp(q->v[j].key, key) == 0)
				break;
		if (j < i)
			continue;
		if (!json_object_object_get_ex(obj, key, &attr)) {
			if (flags & QUERY_STRICT_ATTRS)
				return false;
			continue;
		}
		for (j = i; j < q->n && !any; j++)
			if (strcmp(q->v[j].key, key) == 0 &&
			    query_value_eq(key, q->v[j].val, attr, flags))
				any = true;
		if (!any)
			return false;
	}
	return true;
}

int
query_page(const struct query *q, struct json_object *const *items, size_t n,
           size_t *ret_start, size_t *ret_count, bool *ret_more)
{
	const char *limit = query_get(q, "limit");
	const char *marker = query_get(q, "marker");
	size_t start = 0, count;

	if (marker != NULL && *marker != '\0') {
		size_t i;

		for (i = 0; i < n; i++) {
			const char *id = lv_json_str(items[i], "id");

			if (id != NULL && strcmp(id, marker) == 0)
				break;
		}
		if (i == n)
			return -ENOENT;
		start = i + 1;
	}
	count = n - start;
	*ret_more = false;
	if (limit != NULL && *limit != '\0') {
		char *end;
		long l = strtol(limit, &end, 10);

		if (*end != '\0' || l < 0)
			return -EINVAL;
		if ((size_t)l < count) {
			count = (size_t)l;
			*ret_more = true;
		} else if ((size_t)l == count && l > 0) {
			/* Nova and Neutron link to a next page when a page is
			 * full; the next page is then empty. */
			*ret_more = true;
		}
	}
	*ret_start = start;
	*ret_count = count;
	return 0;
}

static char *
query_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* One requirement "k=v", "k!=v", "k", "!k", "k in (a,b)", "k notin (a)". */
static int
query_label_req(char *req, struct json_object *labels)
{
	char *p, *key;
	const char *have;

	req = query_trim(req);
	if (*req == '\0')
		return -EINVAL;
	if (*req == '!') {
		key = query_trim(req + 1);
		return lv_json_get(labels, key) == NULL;
	}
	if ((p = strstr(req, "!=")) != NULL) {
		*p = '\0';
		key = query_trim(req);
		have = lv_json_str(labels, key);
		return have == NULL || strcmp(have, query_trim(p + 2)) != 0;
	}
	if ((p = strchr(req, '=')) != NULL) {
		char *val = p + 1;

		*p = '\0';
		if (*val == '=')
			val++;
		key = query_trim(req);
		have = lv_json_str(labels, key);
		return have != NULL && strcmp(have, query_trim(val)) == 0;
	}
	if ((p = strchr(req, '(')) != NULL) {
		char *close = strchr(p, ')'), *save = NULL, *v, *sp;
		bool notin, found = false;

		if (close == NULL)
			return -EINVAL;
		*close = '\0';
		*p = '\0';
		sp = query_trim(req);
		/* sp is "key in" or "key notin". */
		key = sp;
		while (*sp && !isspace((unsigned char)*sp))
			sp++;
		if (*sp == '\0')
			return -EINVAL;
		*sp++ = '\0';
		sp = query_trim(sp);
		if (strcmp(sp, "in") == 0)
			notin = false;
		else if (strcmp(sp, "notin") == 0)
			notin = true;
		else
			return -EINVAL;
		have = lv_json_str(labels, key);
		for (v = strtok_r(p + 1, ",", &save); v != NULL;
		     v = strtok_r(NULL, ",", &save))
			if (have != NULL && strcmp(have, query_trim(v)) == 0)
				found = true;
		return notin ? !found : found;
	}
	return lv_json_get(labels, req) != NULL;
}

int
query_labels_match(const char *selector, struct json_object *labels)
{
	char *copy, *p, *start;
	int depth = 0, r = 1;

	if (selector == NULL || *selector == '\0')
		return 1;
	copy = xstrdup(selector);
	/* Split on commas outside parentheses. */
	for (p = start = copy;; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')')
			depth--;
		if ((*p == ',' && depth == 0) || *p == '\0') {
			bool last = *p == '\0';
			int m;

			*p = '\0';
			m = query_label_req(start, labels);
			if (m < 0) {
				r = m;
				break;
			}
			if (m == 0)
				r = 0;
			if (last)
				break;
			start = p + 1;
		}
	}
	free(copy);
	return r;
}
