/*
 * Glance v2 for localvim: the image catalog (list with filters and
 * marker/limit pagination, show) so that clients resolve image names to
 * ids. Images carry no bytes; the workload an image runs is chosen by the
 * "images" map of localvim's configuration (workload.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "http.h"
#include "lvutil.h"
#include "query.h"
#include "services.h"
#include "xalloc.h"

static void
glance_image_new(struct localvim *lv, const char *id, const char *name)
{
	struct json_object *o = json_object_new_object();
	struct lv_obj *obj = world_add(lv, LV_IMAGE, id, o);
	char buf[160];

	snprintf(buf, sizeof(buf), "images/%s", name);
	lv_json_set_str(o, "owner_specified.openstack.md5", "");
	lv_json_set_str(o, "owner_specified.openstack.sha256", "");
	lv_json_set_str(o, "owner_specified.openstack.object", buf);
	lv_json_set_str(o, "name", name);
	lv_json_set_str(o, "disk_format", "qcow2");
	lv_json_set_str(o, "container_format", "bare");
	lv_json_set_str(o, "visibility", "public");
	lv_json_set_int(o, "size", 196616);
	lv_json_set_int(o, "virtual_size", 67108864);
	lv_json_set_str(o, "status", "active");
	lv_json_set_str(o, "checksum", "41ce4d32ce22529a293044bc1eb4e734");
	lv_json_set_bool(o, "protected", false);
	lv_json_set_int(o, "min_ram", 0);
	lv_json_set_int(o, "min_disk", 0);
	lv_json_set_str(o, "owner", lv->project_id);
	lv_json_set_bool(o, "os_hidden", false);
	lv_json_set_str(o, "os_hash_algo", "sha512");
	lv_json_set_str(o, "os_hash_value", "");
	lv_json_set_str(o, "id", obj->id);
	lv_json_set_now(o, "created_at", false, true);
	lv_json_set_now(o, "updated_at", false, true);
	json_object_object_add(o, "tags", json_object_new_array());
	snprintf(buf, sizeof(buf), "/v2/images/%s", obj->id);
	lv_json_set_str(o, "self", buf);
	snprintf(buf, sizeof(buf), "/v2/images/%s/file", obj->id);
	lv_json_set_str(o, "file", buf);
	lv_json_set_str(o, "schema", "/v2/schemas/image");
}

void
glance_populate(struct localvim *lv)
{
	glance_image_new(lv, "0f1ab6a2-6a0e-4a56-9a1b-1b52a1d8d601",
	                 "ubuntu-16.04");
	glance_image_new(lv, "7b94ee2e-f92e-4fb5-a914-7fe549d182df",
	                 "ubuntu-18.04");
	glance_image_new(lv, "3c1f0a57-5c53-4d1e-8c3f-6b0c2a77e1a2", "nginx");
	glance_image_new(lv, "a1e2c3d4-0000-4000-8000-00000000c1e0", "cirros");
}

static void
glance_list(struct localvim *lv, struct http_req *req)
{
	struct lv_table *t = &lv->t[LV_IMAGE];
	struct json_object **items = xcalloc(t->n + 1, sizeof(*items));
	struct json_object *out, *arr;
	size_t i, n = 0, start, count;
	bool more;
	int r;

	for (i = 0; i < t->n; i++)
		if (query_match(&req->query, t->v[i]->json, NULL,
		                QUERY_STRICT_ATTRS))
			items[n++] = t->v[i]->json;
	r = query_page(&req->query, items, n, &start, &count, &more);
	if (r < 0) {
		http_error(req, 400, "Invalid marker or limit");
		goto out;
	}
	out = json_object_new_object();
	arr = json_object_new_array();
	for (i = start; i < start + count; i++)
		json_object_array_add(arr, json_object_get(items[i]));
	json_object_object_add(out, "images", arr);
	lv_json_set_str(out, "first", "/v2/images");
	if (more && count > 0 && start + count < n) {
		char *next =
		    xasprintf("/v2/images?marker=%s&limit=%s",
		              lv_json_str(items[start + count - 1], "id"),
		              query_get(&req->query, "limit"));

		lv_json_set_str(out, "next", next);
		free(next);
	}
	lv_json_set_str(out, "schema", "/v2/schemas/images");
	http_reply_json(req, 200, out);
out:
	free(items);
}

void
glance_handle(struct localvim *lv, struct http_req *req)
{
	if (req->nseg == 0 || http_match(req, "GET", "/versions")) {
		struct json_object *o = json_object_new_object(), *arr, *v;
		struct json_object *links = json_object_new_array();
		char href[96];

		snprintf(href, sizeof(href), "%s/v2/", lv->url[SVC_GLANCE]);
		api_link(links, "self", href);
		v = json_object_new_object();
		lv_json_set_str(v, "id", "v2.16");
		lv_json_set_str(v, "status", "CURRENT");
		json_object_object_add(v, "links", links);
		arr = json_object_new_array();
		json_object_array_add(arr, v);
		json_object_object_add(o, "versions", arr);
		http_reply_json(req, req->nseg == 0 ? 300 : 200, o);
	} else if (http_match(req, "GET", "/v2/images")) {
		glance_list(lv, req);
	} else if (http_match(req, "GET", "/v2/images/*")) {
		struct lv_obj *img = world_get(lv, LV_IMAGE, req->segs[2]);

		if (img == NULL)
			http_error(req, 404, "No image found with ID %s",
			           req->segs[2]);
		else
			http_reply_json(req, 200, json_object_get(img->json));
	}
}
