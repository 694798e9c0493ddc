/*
 * Keystone v3 for localvim: version discovery, project-scoped password
 * authentication with a service catalog (token in X-Subject-Token), token
 * validation and revocation. One user, one project, one domain, taken
 * from the configuration. Never logs a password or a token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http.h"
#include "lvutil.h"
#include "services.h"
#include "xalloc.h"

static struct json_object *
keystone_version(struct localvim *lv)
{
	struct json_object *v = json_object_new_object(), *links, *link, *mt;
	char href[96];

	snprintf(href, sizeof(href), "%s/v3/", lv->url[SVC_KEYSTONE]);
	lv_json_set_str(v, "id", "v3.14");
	lv_json_set_str(v, "status", "stable");
	lv_json_set_str(v, "updated", "2020-04-07T00:00:00Z");
	links = json_object_new_array();
	link = json_object_new_object();
	lv_json_set_str(link, "rel", "self");
	lv_json_set_str(link, "href", href);
	json_object_array_add(links, link);
	json_object_object_add(v, "links", links);
	mt = json_object_new_object();
	lv_json_set_str(mt, "base", "application/json");
	lv_json_set_str(mt, "type",
	                "application/vnd.openstack.identity-v3+json");
	links = json_object_new_array();
	json_object_array_add(links, mt);
	json_object_object_add(v, "media-types", links);
	return v;
}

static struct json_object *
keystone_endpoint_entry(const char *type, const char *name, const char *url)
{
	static const char *const ifaces[] = {"public", "internal", "admin"};
	struct json_object *e = json_object_new_object(), *eps;
	char id[33];
	size_t i;

	eps = json_object_new_array();
	for (i = 0; i < 3; i++) {
		struct json_object *ep = json_object_new_object();

		lv_hex(id, 32);
		lv_json_set_str(ep, "id", id);
		lv_json_set_str(ep, "interface", ifaces[i]);
		lv_json_set_str(ep, "region_id", "RegionOne");
		lv_json_set_str(ep, "url", url);
		lv_json_set_str(ep, "region", "RegionOne");
		json_object_array_add(eps, ep);
	}
	json_object_object_add(e, "endpoints", eps);
	lv_hex(id, 32);
	lv_json_set_str(e, "id", id);
	lv_json_set_str(e, "type", type);
	lv_json_set_str(e, "name", name);
	return e;
}

static struct json_object *
keystone_catalog(struct localvim *lv)
{
	struct json_object *c = json_object_new_array();
	char url[96];

	snprintf(url, sizeof(url), "%s/v2.1", lv->url[SVC_NOVA]);
	json_object_array_add(c,
	                      keystone_endpoint_entry("compute", "nova", url));
	json_object_array_add(
	    c, keystone_endpoint_entry("image", "glance", lv->url[SVC_GLANCE]));
	json_object_array_add(c, keystone_endpoint_entry("network", "neutron",
	                                                 lv->url[SVC_NEUTRON]));
	snprintf(url, sizeof(url), "%s/v3/", lv->url[SVC_KEYSTONE]);
	json_object_array_add(
	    c, keystone_endpoint_entry("identity", "keystone", url));
	json_object_array_add(c, keystone_endpoint_entry("load-balancer",
	                                                 "octavia",
	                                                 lv->url[SVC_OCTAVIA]));
	return c;
}

static struct json_object *
keystone_domain(struct localvim *lv)
{
	struct json_object *d = json_object_new_object();

	lv_json_set_str(d, "id", lv->domain_id);
	lv_json_set_str(d, "name", "Default");
	return d;
}

/* True when a {"name", "domain": {...}} or {"id"} reference names ours. */
static bool
keystone_ref_ok(struct json_object *ref, const char *name, const char *id,
                const char *domain_id)
{
	const char *rid = lv_json_str(ref, "id");
	const char *rname = lv_json_str(ref, "name");
	struct json_object *dom;
	const char *did, *dname;

	if (rid != NULL)
		return strcmp(rid, id) == 0;
	if (rname == NULL || strcmp(rname, name) != 0)
		return false;
	dom = lv_json_get(ref, "domain");
	if (dom == NULL)
		return true;
	did = lv_json_str(dom, "id");
	dname = lv_json_str(dom, "name");
	if (did != NULL)
		return strcmp(did, domain_id) == 0;
	return dname == NULL || strcasecmp(dname, "Default") == 0;
}

static void
keystone_issue(struct localvim *lv, struct http_req *req)
{
	struct json_object *body = NULL, *auth, *ident, *pw, *user, *scope;
	struct json_object *tok, *o, *roles, *role, *wrap;
	const char *password;
	char token[64], when[40];
	struct lv_obj *obj;
	time_t now = time(NULL);
	bool scoped;

	if (http_body_json(req, &body) < 0)
		return;
	auth = lv_json_get(body, "auth");
	ident = lv_json_get(auth, "identity");
	pw = lv_json_get(ident, "password");
	user = lv_json_get(pw, "user");
	scope = lv_json_get(auth, "scope");
	if (user == NULL) {
		const char *t = lv_json_str(lv_json_get(ident, "token"), "id");

		/* Token method: re-scope a valid token. */
		if (t == NULL || !keystone_token_valid(lv, t)) {
			http_error(req, 401,
			           "The request you have made requires "
			           "authentication.");
			goto out;
		}
	} else {
		password = lv_json_str(user, "password");
		if (!keystone_ref_ok(user, "admin", lv->user_id,
		                     lv->domain_id) ||
		    password == NULL ||
		    strcmp(password, lv->cfg.admin_password) != 0) {
			http_error(req, 401,
			           "The request you have made requires "
			           "authentication.");
			goto out;
		}
	}
	scoped = lv_json_get(scope, "project") != NULL;
	if (scoped && !keystone_ref_ok(lv_json_get(scope, "project"), "admin",
	                               lv->project_id, lv->domain_id)) {
		http_error(req, 401,
		           "The request you have made requires "
		           "authentication.");
		goto out;
	}

	tok = json_object_new_object();
	json_object_object_add(tok, "methods",
	                       lv_json_strv((const char *const[]){
	                           user ? "password" : "token", NULL}));
	o = json_object_new_object();
	json_object_object_add(o, "domain", keystone_domain(lv));
	lv_json_set_str(o, "id", lv->user_id);
	lv_json_set_str(o, "name", "admin");
	lv_json_set_null(o, "password_expires_at");
	json_object_object_add(tok, "user", o);
	{
		char audit[23];

		lv_hex(audit, 22);
		json_object_object_add(
		    tok, "audit_ids",
		    lv_json_strv((const char *const[]){audit, NULL}));
	}
	lv_time_iso(when, now + (time_t)lv->cfg.token_lifetime, true, true);
	lv_json_set_str(tok, "expires_at", when);
	lv_time_iso(when, now, true, true);
	lv_json_set_str(tok, "issued_at", when);
	if (scoped) {
		o = json_object_new_object();
		json_object_object_add(o, "domain", keystone_domain(lv));
		lv_json_set_str(o, "id", lv->project_id);
		lv_json_set_str(o, "name", "admin");
		json_object_object_add(tok, "project", o);
		lv_json_set_bool(tok, "is_domain", false);
		roles = json_object_new_array();
		role = json_object_new_object();
		lv_json_set_str(role, "id", "7f4ce936941944339e31d4eaa9447833");
		lv_json_set_str(role, "name", "admin");
		json_object_array_add(roles, role);
		role = json_object_new_object();
		lv_json_set_str(role, "id", "df9e855eee4644cdb512422108760e47");
		lv_json_set_str(role, "name", "member");
		json_object_array_add(roles, role);
		json_object_object_add(tok, "roles", roles);
		if (query_get(&req->query, "nocatalog") == NULL)
			json_object_object_add(tok, "catalog",
			                       keystone_catalog(lv));
	}
	wrap = json_object_new_object();
	json_object_object_add(wrap, "token", tok);

	memcpy(token, "gAAAAAB", 7);
	lv_hex(token + 7, 56);
	obj = world_add(lv, LV_TOKEN, token, json_object_get(wrap));
	obj->expires = lv_now() + lv->cfg.token_lifetime;
	http_set_header(req, "X-Subject-Token", token);
	http_set_header(req, "Vary", "X-Auth-Token");
	http_reply_json(req, 201, wrap);
out:
	json_object_put(body);
}

bool
keystone_token_valid(struct localvim *lv, const char *token)
{
	struct lv_obj *obj;

	if (token == NULL)
		return false;
	obj = world_get(lv, LV_TOKEN, token);
	return obj != NULL && obj->expires > lv_now();
}

void
keystone_handle(struct localvim *lv, struct http_req *req)
{
	struct json_object *o;

	if (http_match(req, "GET", "/")) {
		struct json_object *values = json_object_new_array();

		json_object_array_add(values, keystone_version(lv));
		o = json_object_new_object();
		json_object_object_add(o, "values", values);
		values = json_object_new_object();
		json_object_object_add(values, "versions", o);
		http_reply_json(req, 300, values);
	} else if (http_match(req, "GET", "/v3")) {
		o = json_object_new_object();
		json_object_object_add(o, "version", keystone_version(lv));
		http_reply_json(req, 200, o);
	} else if (http_match(req, "POST", "/v3/auth/tokens")) {
		keystone_issue(lv, req);
	} else if (http_match(req, NULL, "/v3/auth/tokens")) {
		const char *subject = http_header(req, "X-Subject-Token");
		struct lv_obj *obj = world_get(lv, LV_TOKEN, subject);

		if (obj == NULL || !keystone_token_valid(lv, subject)) {
			http_error(req, 404, "Could not find token: %s",
			           subject ? "(given)" : "(none)");
		} else if (strcmp(req->method, "DELETE") == 0) {
			world_remove(lv, obj);
			http_reply_empty(req, 204);
		} else if (strcmp(req->method, "GET") == 0 ||
		           strcmp(req->method, "HEAD") == 0) {
			http_set_header(req, "X-Subject-Token", subject);
			http_reply_json(req, 200, json_object_get(obj->json));
		} else {
			http_error(req, 405, "Method not allowed");
		}
	}
}
