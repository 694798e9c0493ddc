/*
 * Shared OpenStack collection mechanics for localvim: list filtering and
 * pagination (through query.c) and the tags subresource.
 */
#include "api.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "lvutil.h"
#include "query.h"
#include "xalloc.h"

void
api_link(struct json_object *links, const char *rel, const char *href)
{
	struct json_object *l = json_object_new_object();

	lv_json_set_str(l, "rel", rel);
	lv_json_set_str(l, "href", href);
	json_object_array_add(links, l);
}

/* The item trimmed to the requested "fields", or a new reference. */
static struct json_object *
api_fields(struct http_req *req, const struct api_list_spec *spec,
           struct json_object *item)
{
	struct json_object *o;
	size_t i;

	if (!spec->fields || query_get(&req->query, "fields") == NULL)
		return json_object_get(item);
	o = json_object_new_object();
	for (i = 0; i < req->query.n; i++) {
		struct json_object *v;

		if (strcmp(req->query.v[i].key, "fields") == 0 &&
		    json_object_object_get_ex(item, req->query.v[i].val, &v))
			json_object_object_add(o, req->query.v[i].val,
			                       lv_json_copy(v));
	}
	return o;
}

void
api_list(struct localvim *lv, struct http_req *req,
         const struct api_list_spec *spec)
{
	struct lv_table *t = &lv->t[spec->kind];
	struct json_object **items = xcalloc(t->n + 1, sizeof(*items));
	struct json_object *arr, *out;
	size_t i, n = 0, start, count;
	bool more;
	int r;

	for (i = 0; i < t->n; i++) {
		struct lv_obj *o = t->v[i];
		struct json_object *j;

		if (spec->keep != NULL && !spec->keep(o, spec->payload))
			continue;
		j = spec->render ? spec->render(lv, req, o)
		                 : json_object_get(o->json);
		if (query_match(&req->query, j, spec->skip, spec->query_flags))
			items[n++] = j;
		else
			json_object_put(j);
	}
	r = query_page(&req->query, items, n, &start, &count, &more);
	if (r == -ENOENT) {
		http_error(req, 400, "marker [%s] not found",
		           query_get(&req->query, "marker"));
		goto out;
	} else if (r < 0) {
		http_error(req, 400, "Invalid limit %s",
		           query_get(&req->query, "limit"));
		goto out;
	}
	out = json_object_new_object();
	arr = json_object_new_array();
	for (i = start; i < start + count; i++)
		json_object_array_add(arr, api_fields(req, spec, items[i]));
	json_object_object_add(out, spec->collection, arr);
	if (more && count > 0) {
		struct json_object *links = json_object_new_array();
		struct strbuf href = STRBUF_INIT;
		char key[64];

		strbuf_printf(&href, "%s?limit=%s&marker=%s", spec->link_base,
		              query_get(&req->query, "limit"),
		              lv_json_str(items[start + count - 1], "id"));
		for (i = 0; i < req->query.n; i++) {
			const char *k = req->query.v[i].key;

			if (strcmp(k, "limit") == 0 || strcmp(k, "marker") == 0)
				continue;
			strbuf_printf(&href, "&%s=%s", k, req->query.v[i].val);
		}
		api_link(links, "next", strbuf_str(&href));
		strbuf_done(&href);
		snprintf(key, sizeof(key), "%s_links", spec->collection);
		json_object_object_add(out, key, links);
	}
	http_reply_json(req, 200, out);
out:
	for (i = 0; i < n; i++)
		json_object_put(items[i]);
	free(items);
}

static bool
api_tag_ok(const char *tag)
{
	return tag != NULL && *tag != '\0' && strlen(tag) <= 255 &&
	       strchr(tag, '/') == NULL && strchr(tag, ',') == NULL;
}

bool
api_tags(struct http_req *req, struct lv_obj *obj, size_t tagseg)
{
	struct json_object *tags = lv_json_get(obj->json, "tags");
	const char *m = req->method;

	if (tagseg >= req->nseg || strcmp(req->segs[tagseg], "tags") != 0)
		return false;
	if (tags == NULL) {
		tags = json_object_new_array();
		json_object_object_add(obj->json, "tags", tags);
	}
	if (req->nseg == tagseg + 1) {
		struct json_object *body = NULL, *o, *list;
		size_t i, n;

		if (strcmp(m, "GET") == 0) {
			o = json_object_new_object();
			json_object_object_add(o, "tags", lv_json_copy(tags));
			http_reply_json(req, 200, o);
		} else if (strcmp(m, "DELETE") == 0) {
			json_object_object_add(obj->json, "tags",
			                       json_object_new_array());
			http_reply_empty(req, 204);
		} else if (strcmp(m, "PUT") == 0 || strcmp(m, "POST") == 0) {
			if (http_body_json(req, &body) < 0)
				return true;
			list = lv_json_get(body, "tags");
			if (list == NULL ||
			    !json_object_is_type(list, json_type_array)) {
				http_error(req, 400, "Invalid tags body");
				json_object_put(body);
				return true;
			}
			n = lv_json_len(list);
			for (i = 0; i < n; i++) {
				const char *t = json_object_get_string(
				    lv_json_idx(list, i));

				if (!api_tag_ok(t)) {
					http_error(req, 400, "Invalid tag");
					json_object_put(body);
					return true;
				}
			}
			if (strcmp(m, "PUT") == 0) {
				tags = json_object_new_array();
				json_object_object_add(obj->json, "tags", tags);
			}
			for (i = 0; i < n; i++) {
				const char *t = json_object_get_string(
				    lv_json_idx(list, i));

				if (!lv_json_array_has(tags, t))
					json_object_array_add(
					    tags, json_object_new_string(t));
			}
			o = json_object_new_object();
			json_object_object_add(o, "tags", lv_json_copy(tags));
			http_reply_json(req, 200, o);
			json_object_put(body);
		} else {
			http_error(req, 405, "Method not allowed");
		}
		return true;
	}
	if (req->nseg == tagseg + 2) {
		const char *tag = req->segs[tagseg + 1];

		if (strcmp(m, "GET") == 0) {
			if (lv_json_array_has(tags, tag))
				http_reply_empty(req, 204);
			else
				http_error(req, 404, "Tag %s not found", tag);
		} else if (strcmp(m, "PUT") == 0) {
			if (!api_tag_ok(tag)) {
				http_error(req, 400, "Invalid tag");
			} else if (lv_json_array_has(tags, tag)) {
				http_reply_empty(req, 204);
			} else {
				json_object_array_add(
				    tags, json_object_new_string(tag));
				http_reply_empty(req, 201);
			}
		} else if (strcmp(m, "DELETE") == 0) {
			if (lv_json_array_remove(tags, tag) > 0)
				http_reply_empty(req, 204);
			else
				http_error(req, 404, "Tag %s not found", tag);
		} else {
			http_error(req, 405, "Method not allowed");
		}
		return true;
	}
	return false;
}

void
api_copy_keys(struct json_object *dst, struct json_object *src,
              const char *const *keys)
{
	for (; *keys != NULL; keys++) {
		struct json_object *v;

		if (json_object_object_get_ex(src, *keys, &v))
			json_object_object_add(dst, *keys, lv_json_copy(v));
	}
}
