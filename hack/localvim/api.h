/*
 * Collection helpers shared by localvim's OpenStack modules: a filtered,
 * paginated list reply with "<collection>_links", and the tags
 * subresource (GET/PUT/DELETE .../tags[/tag]) that Nova, Neutron and
 * Octavia share. Each module still renders its own objects.
 */
#ifndef LV_API_H
#define LV_API_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "world.h"

struct http_req;

/* Renders obj for req (a new reference); NULL means obj->json as is. */
typedef struct json_object *(*api_render_fn)(struct localvim *lv,
                                             struct http_req *req,
                                             struct lv_obj *obj);
/* Pre-filter on the object before rendering; NULL keeps all. */
typedef bool (*api_keep_fn)(struct lv_obj *obj, void *payload);

struct api_list_spec {
	enum lv_kind kind;
	const char *collection;  /* "servers": body key and link prefix */
	const char *link_base;   /* URL of the collection for next links */
	unsigned query_flags;    /* enum query_flags */
	const char *const *skip; /* query keys that are not filters */
	api_render_fn render;
	api_keep_fn keep;
	void *payload;
	bool fields; /* honour "fields=a&fields=b" (Neutron, Octavia) */
};

/* Replies 200 {"<collection>": [...], "<collection>_links": [...]}, or 400
 * for a bad limit or marker. */
void api_list(struct localvim *lv, struct http_req *req,
              const struct api_list_spec *spec);

/* Handles the tags subresource of obj: segs[tagseg] is "tags". Keeps the
 * object's "tags" array. True when the request was answered. */
bool api_tags(struct http_req *req, struct lv_obj *obj, size_t tagseg);

/* Copies the members listed in keys (NULL terminated) from src to dst. */
void api_copy_keys(struct json_object *dst, struct json_object *src,
                   const char *const *keys);

/* {"rel": rel, "href": href} appended to links. */
void api_link(struct json_object *links, const char *rel, const char *href);

#endif
