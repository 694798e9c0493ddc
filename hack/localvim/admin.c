/*
 * localvim's admin API (its own port, no auth, loopback only): fault
 * injection per service (error rate and status, latency, 429 with
 * Retry-After, unreachable), timing knobs (token lifetime, BUILD and
 * PENDING durations), killing an instance (server, pod, or a balancer's
 * HAProxy) by name, request accounting per method/endpoint/status with
 * the time of the first change, and a full state reset. Also the hooks http.c
 * calls around every API request.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http.h"
#include "lvutil.h"
#include "services.h"
#include "strbuf.h"
#include "xalloc.h"

static bool
admin_chance(double rate)
{
	if (rate <= 0)
		return false;
	if (rate >= 1)
		return true;
	return (double)(lv_random() >> 11) / 9007199254740992.0 < rate;
}

bool
admin_intercept(struct localvim *lv, struct http_req *req)
{
	struct lv_fault *f = &lv->fault[req->svc];
	bool answered = false;

	if (f->unreachable) {
		req->drop = true;
		return true;
	}
	if (admin_chance(f->rate_limit)) {
		char buf[16];

		snprintf(buf, sizeof(buf), "%u",
		         f->retry_after ? f->retry_after : 1);
		http_error(req, 429, "Too many requests, retry later");
		http_set_header(req, "Retry-After", buf);
		answered = true;
	} else if (admin_chance(f->error_rate)) {
		http_error(req, f->error_status ? f->error_status : 500,
		           "Injected fault");
		answered = true;
	}
	if (f->latency > 0) {
		req->suspended = true;
		req->resume_at = lv_now() + f->latency;
		return true;
	}
	return answered;
}

/* An identifier-like segment (UUID, hex token, number) becomes "{id}". */
static bool
admin_is_id(const char *s)
{
	size_t n = strlen(s), digits = 0, i;

	for (i = 0; i < n; i++)
		if (isdigit((unsigned char)s[i]))
			digits++;
	if (n > 0 && digits == n)
		return true;
	return n >= 20 && digits > 0 && strspn(s, "0123456789abcdef-") == n;
}

/* Requests kept in order for GET /v1/requests ("log"). */
#define ADMIN_LOG_MAX 20000

/* Does the request ask for a change? Reads, and Keystone's token
 * requests, do not. */
static bool
admin_is_change(const struct http_req *req)
{
	if (strcmp(req->method, "GET") == 0 ||
	    strcmp(req->method, "HEAD") == 0 ||
	    strcmp(req->method, "OPTIONS") == 0)
		return false;
	return req->svc != SVC_KEYSTONE;
}

static double
admin_wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Forgets the counts, the log and the first change. */
static void
admin_counts_clear(struct localvim *lv)
{
	json_object_put(lv->counts);
	lv->counts = json_object_new_object();
	json_object_put(lv->log);
	lv->log = json_object_new_array();
	free(lv->first_change);
	lv->first_change = NULL;
	lv->first_change_at = 0;
}

void
admin_count(struct localvim *lv, const struct http_req *req)
{
	struct strbuf key = STRBUF_INIT;
	struct json_object *v;
	size_t i;

	if (req->svc == SVC_ADMIN)
		return;
	strbuf_printf(&key, "%s %s ", req->method, lv_service_names[req->svc]);
	if (req->nseg == 0)
		strbuf_putc(&key, '/');
	for (i = 0; i < req->nseg; i++)
		strbuf_printf(&key, "/%s",
		              admin_is_id(req->segs[i]) ? "{id}"
		                                        : req->segs[i]);
	strbuf_printf(&key, " %u", req->status);
	if (!lv->first_change && admin_is_change(req)) {
		lv->first_change = xstrdup(strbuf_str(&key));
		lv->first_change_at = admin_wall_now();
	}
	v = lv_json_get(lv->counts, strbuf_str(&key));
	lv_json_set_int(lv->counts, strbuf_str(&key),
	                (v ? json_object_get_int64(v) : 0) + 1);
	strbuf_done(&key);
	/* The order, with the real ids: who did what first. */
	if (json_object_array_length(lv->log) >= ADMIN_LOG_MAX)
		json_object_array_del_idx(lv->log, 0, 1);
	strbuf_printf(&key, "%s %s ", req->method, lv_service_names[req->svc]);
	if (req->nseg == 0)
		strbuf_putc(&key, '/');
	for (i = 0; i < req->nseg; i++)
		strbuf_printf(&key, "/%s", req->segs[i]);
	strbuf_printf(&key, " %u", req->status);
	json_object_array_add(lv->log,
	                      json_object_new_string(strbuf_str(&key)));
	strbuf_done(&key);
}

static struct json_object *
admin_fault_json(const struct lv_fault *f)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "error_rate",
	                       json_object_new_double(f->error_rate));
	lv_json_set_int(o, "error_status",
	                f->error_status ? f->error_status : 500);
	lv_json_set_int(o, "latency_ms", (int64_t)(f->latency * 1000));
	json_object_object_add(o, "rate_limit",
	                       json_object_new_double(f->rate_limit));
	lv_json_set_int(o, "retry_after", f->retry_after ? f->retry_after : 1);
	lv_json_set_bool(o, "unreachable", f->unreachable);
	return o;
}

static double
admin_num(struct json_object *in, const char *key, double def)
{
	struct json_object *v = lv_json_get(in, key);

	if (v == NULL || !(json_object_is_type(v, json_type_double) ||
	                   json_object_is_type(v, json_type_int)))
		return def;
	return json_object_get_double(v);
}

static void
admin_fault_set(struct lv_fault *f, struct json_object *in)
{
	f->error_rate = admin_num(in, "error_rate", f->error_rate);
	f->error_status =
	    (unsigned)admin_num(in, "error_status", f->error_status);
	f->latency = admin_num(in, "latency_ms", f->latency * 1000) / 1000;
	f->rate_limit = admin_num(in, "rate_limit", f->rate_limit);
	f->retry_after = (unsigned)admin_num(in, "retry_after", f->retry_after);
	f->unreachable = lv_json_bool(in, "unreachable", f->unreachable);
}

static void
admin_faults(struct localvim *lv, struct http_req *req)
{
	struct json_object *o, *body = NULL;
	int s;

	if (http_match(req, "GET", "/v1/faults")) {
		o = json_object_new_object();
		for (s = 0; s < SVC_MAX; s++)
			if (s != SVC_ADMIN)
				json_object_object_add(
				    o, lv_service_names[s],
				    admin_fault_json(&lv->fault[s]));
		http_reply_json(req, 200, o);
	} else if (http_match(req, "DELETE", "/v1/faults")) {
		memset(lv->fault, 0, sizeof(lv->fault));
		http_reply_empty(req, 204);
	} else if (http_match(req, "PUT", "/v1/faults/*")) {
		bool all = strcmp(req->segs[2], "all") == 0;
		int svc = lv_service_from_name(req->segs[2]);

		if ((!all && svc < 0) || svc == SVC_ADMIN) {
			http_error(req, 404, "unknown service %s",
			           req->segs[2]);
			return;
		}
		if (http_body_json(req, &body) < 0)
			return;
		for (s = 0; s < SVC_MAX; s++)
			if (s != SVC_ADMIN && (all || s == svc))
				admin_fault_set(&lv->fault[s], body);
		json_object_put(body);
		http_reply_json(req, 200,
		                admin_fault_json(&lv->fault[all ? 0 : svc]));
	}
}

static void
admin_config(struct localvim *lv, struct http_req *req)
{
	struct json_object *o, *body = NULL;
	struct lv_config *c = &lv->cfg;

	if (strcmp(req->method, "PUT") == 0) {
		if (http_body_json(req, &body) < 0)
			return;
		c->token_lifetime =
		    admin_num(body, "token_lifetime", c->token_lifetime);
		c->build_delay = admin_num(body, "build_delay", c->build_delay);
		c->delete_delay =
		    admin_num(body, "delete_delay", c->delete_delay);
		c->pending_delay =
		    admin_num(body, "pending_delay", c->pending_delay);
		c->build_failures =
		    (int)admin_num(body, "build_failures", c->build_failures);
		json_object_put(body);
	} else if (strcmp(req->method, "GET") != 0) {
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "token_lifetime",
	                       json_object_new_double(c->token_lifetime));
	json_object_object_add(o, "build_delay",
	                       json_object_new_double(c->build_delay));
	json_object_object_add(o, "delete_delay",
	                       json_object_new_double(c->delete_delay));
	json_object_object_add(o, "pending_delay",
	                       json_object_new_double(c->pending_delay));
	lv_json_set_int(o, "build_failures", c->build_failures);
	http_reply_json(req, 200, o);
}

void
admin_handle(struct localvim *lv, struct http_req *req)
{
	struct json_object *o, *body = NULL;

	if (http_match(req, "GET", "/healthz")) {
		o = json_object_new_object();
		lv_json_set_str(o, "status", "ok");
		http_reply_json(req, 200, o);
	} else if (http_match(req, "GET", "/v1/requests")) {
		int64_t total = 0;

		json_object_object_foreach(lv->counts, k, v)
		{
			(void)k;
			total += json_object_get_int64(v);
		}
		o = json_object_new_object();
		json_object_object_add(o, "counts", lv_json_copy(lv->counts));
		json_object_object_add(o, "log", lv_json_copy(lv->log));
		lv_json_set_int(o, "total", total);
		if (lv->first_change) {
			struct json_object *f = json_object_new_object();

			lv_json_set_str(f, "request", lv->first_change);
			json_object_object_add(
			    f, "at",
			    json_object_new_double(lv->first_change_at));
			json_object_object_add(o, "first_change", f);
		}
		http_reply_json(req, 200, o);
	} else if (http_match(req, "DELETE", "/v1/requests")) {
		admin_counts_clear(lv);
		http_reply_empty(req, 204);
	} else if (req->nseg >= 2 && strcmp(req->segs[0], "v1") == 0 &&
	           strcmp(req->segs[1], "faults") == 0) {
		admin_faults(lv, req);
	} else if (http_match(req, NULL, "/v1/config")) {
		admin_config(lv, req);
	} else if (http_match(req, "POST", "/v1/kill")) {
		const char *name;

		if (http_body_json(req, &body) < 0)
			return;
		name = lv_json_str(body, "name");
		if (name != NULL && (nova_kill_by_name(lv, name) == 0 ||
		                     k8s_kill_by_name(lv, name) == 0 ||
		                     octavia_kill_by_name(lv, name) == 0))
			http_reply_empty(req, 202);
		else
			http_error(req, 404, "no running instance named %s",
			           name ? name : "(none)");
		json_object_put(body);
	} else if (http_match(req, "POST", "/v1/reset")) {
		world_reset(lv);
		admin_counts_clear(lv);
		http_reply_empty(req, 204);
	}
}
