/*
 * Leader election through a Lease; see k8s_lease.h. One GET and at most one
 * write per tick, the write conditional on the resourceVersion the GET saw
 * (client-go's tryAcquireOrRenew). It must not log, put the token anywhere
 * but the Authorization header, or write a Lease another live replica
 * holds.
 */
#define _DEFAULT_SOURCE /* timegm, gmtime_r */
#include "k8s_lease.h"
#include "http.h"
#include "k8s_config.h"
#include "model.h"
#include "xalloc.h"

#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct k8s_lease {
	char *collection; /* .../namespaces/NS/leases */
	char *url;        /* .../namespaces/NS/leases/NAME */
	char *ns;
	char *name;
	char *identity;
	char *auth_header; /* secret, or NULL */
	struct http_client *http;
	double lease_s;
	double renew_s;
	double retry_s;
	bool leader;
	int64_t renewed_ms; /* our last successful write as holder */
};

/* ---- time (MicroTime: 2006-01-02T15:04:05.000000Z) -------------------- */

static void
k8s_lease_format_time(int64_t ms, char *buf, size_t len)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;
	char day[32];

	gmtime_r(&s, &tm);
	strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%06dZ", day, (int)(ms % 1000) * 1000);
}

/* RFC 3339 with optional fraction and Z or ±hh:mm; -1 when malformed. */
static int64_t
k8s_lease_parse_time(const char *s)
{
	struct tm tm;
	int n = 0, frac_digits = 0, oh = 0, om = 0;
	int64_t ms, frac = 0;
	const char *p;

	if (!s)
		return -1;
	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
	           &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
		return -1;
	p = s + n;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (frac_digits < 3) {
				frac = frac * 10 + (*p - '0');
				frac_digits++;
			}
		}
		while (frac_digits++ < 3)
			frac *= 10;
	}
	if (*p == '+' || *p == '-') {
		if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2)
			return -1;
		if (*p == '-') {
			oh = -oh;
			om = -om;
		}
	} else if (*p != 'Z' && *p != 'z') {
		return -1;
	}
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	ms = (int64_t)timegm(&tm) * 1000 + frac;
	return ms - ((int64_t)oh * 3600 + (int64_t)om * 60) * 1000;
}

/* ---- life -------------------------------------------------------------- */

void
k8s_lease_set_durations(struct k8s_lease *l, double lease_s, double renew_s,
                        double retry_s)
{
	l->lease_s = lease_s;
	l->renew_s = renew_s;
	l->retry_s = retry_s;
}

int
k8s_lease_new_with(const char *kubeconfig, const char *context, const char *ns,
                   const char *name, const char *identity,
                   const struct http_options *http, struct k8s_lease **ret,
                   struct diag *reterr)
{
	struct k8s_config *cfg = NULL;
	struct http_options ho;
	struct k8s_lease *l;
	int r;

	*ret = NULL;
	if (!name || !*name || !identity || !*identity) {
		diag_error(reterr, NULL,
		           "a lease needs a name and a holder identity");
		return -EINVAL;
	}
	r = k8s_config_from_kubeconfig(kubeconfig, context, &cfg, reterr);
	if (r < 0)
		return r;
	l = xcalloc(1, sizeof(*l));
	l->ns = xstrdup(ns && *ns                           ? ns
	                : cfg->namespace && *cfg->namespace ? cfg->namespace
	                                                    : "default");
	l->name = xstrdup(name);
	l->identity = xstrdup(identity);
	l->collection =
	    xasprintf("%s/apis/coordination.k8s.io/v1/namespaces/%s/leases",
	              cfg->server, l->ns);
	l->url = xasprintf("%s/%s", l->collection, l->name);
	l->auth_header = k8s_config_auth_header(cfg);
	k8s_lease_set_durations(l, 15, 10, 2);
	if (http)
		ho = *http;
	else
		http_options_init(&ho);
	k8s_config_http_options(cfg, &ho);
	r = http_client_new(&ho, &l->http, reterr);
	k8s_config_free(cfg);
	if (r < 0) {
		k8s_lease_free(l);
		return r;
	}
	*ret = l;
	return 0;
}

int
k8s_lease_new(const char *kubeconfig, const char *context, const char *ns,
              const char *name, const char *identity, struct k8s_lease **ret,
              struct diag *reterr)
{
	return k8s_lease_new_with(kubeconfig, context, ns, name, identity, NULL,
	                          ret, reterr);
}

void
k8s_lease_free(struct k8s_lease *l)
{
	if (!l)
		return;
	http_client_free(l->http);
	nfv_secret_free(l->auth_header);
	free(l->collection);
	free(l->url);
	free(l->ns);
	free(l->name);
	free(l->identity);
	free(l);
}

unsigned long long
k8s_lease_requests(const struct k8s_lease *l)
{
	return http_client_count(l->http, NULL, NULL, -1);
}

/* ---- requests ---------------------------------------------------------- */

/*
 * One call; *ret_status is the HTTP status (0: none). A 2xx JSON answer
 * goes to *ret when ret is not NULL. 404 and 409 are answers the caller
 * decides on, not errors; other non-2xx statuses are (in reterr).
 */
static int
k8s_lease_call(struct k8s_lease *l, const char *method, const char *url,
               struct json_object *body, struct json_object **ret,
               long *ret_status, struct diag *reterr)
{
	const char *headers[1];
	struct http_request req;
	struct http_response resp;
	int r;

	memset(&req, 0, sizeof(req));
	req.service = "kubernetes";
	req.method = method;
	req.url = url;
	req.headers = headers;
	if (l->auth_header)
		headers[req.nheaders++] = l->auth_header;
	if (body)
		req.body = json_object_to_json_string_ext(
		    body, JSON_C_TO_STRING_PLAIN);
	/* A create whose fate is unknown is not sent twice; a conditional
	 * update may be (a repeat is a 409). */
	if (strcmp(method, "POST") == 0)
		req.max_attempts = 1;
	memset(&resp, 0, sizeof(resp));
	*ret_status = 0;
	if (ret)
		*ret = NULL;
	r = http_do(l->http, &req, &resp, reterr);
	if (r == 0) {
		*ret_status = resp.status;
		if (resp.status != 404 && resp.status != 409)
			r = http_response_check(&resp, reterr);
	}
	if (r == 0 && ret && resp.status / 100 == 2)
		r = http_response_json(&resp, ret, reterr);
	http_response_done(&resp);
	return r;
}

static struct json_object *
k8s_lease_get_obj(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static const char *
k8s_lease_get_str(struct json_object *o, const char *key)
{
	struct json_object *v = k8s_lease_get_obj(o, key);

	return v && json_object_is_type(v, json_type_string)
	           ? json_object_get_string(v)
	           : NULL;
}

/* Fills spec as holder `holder` (NULL: released). */
static void
k8s_lease_fill_spec(struct k8s_lease *l, struct json_object *spec,
                    const char *holder, bool taking, int64_t now)
{
	char ts[48];
	int transitions = 0;
	struct json_object *t = k8s_lease_get_obj(spec, "leaseTransitions");

	if (t)
		transitions = json_object_get_int(t);
	k8s_lease_format_time(now, ts, sizeof(ts));
	json_object_object_add(spec, "holderIdentity",
	                       json_object_new_string(holder ? holder : ""));
	json_object_object_add(
	    spec, "leaseDurationSeconds",
	    json_object_new_int(holder ? (int)ceil(l->lease_s) : 1));
	json_object_object_add(spec, "renewTime", json_object_new_string(ts));
	if (taking || !holder)
		json_object_object_add(spec, "acquireTime",
		                       json_object_new_string(ts));
	if (taking)
		transitions++;
	json_object_object_add(spec, "leaseTransitions",
	                       json_object_new_int(transitions));
}

/* Creates the Lease held by us: 1 won, 0 lost the race (409), < 0 error. */
static int
k8s_lease_create(struct k8s_lease *l, int64_t now, struct diag *reterr)
{
	struct json_object *o = json_object_new_object();
	struct json_object *meta = json_object_new_object();
	struct json_object *spec = json_object_new_object();
	long status;
	int r;

	json_object_object_add(
	    o, "apiVersion", json_object_new_string("coordination.k8s.io/v1"));
	json_object_object_add(o, "kind", json_object_new_string("Lease"));
	json_object_object_add(meta, "name", json_object_new_string(l->name));
	json_object_object_add(meta, "namespace",
	                       json_object_new_string(l->ns));
	json_object_object_add(o, "metadata", meta);
	k8s_lease_fill_spec(l, spec, l->identity, false, now);
	json_object_object_add(
	    spec, "acquireTime",
	    json_object_get(k8s_lease_get_obj(spec, "renewTime")));
	json_object_object_add(o, "spec", spec);
	r = k8s_lease_call(l, "POST", l->collection, o, NULL, &status, reterr);
	json_object_put(o);
	if (r < 0)
		return r;
	return status == 409 ? 0 : 1;
}

/* Writes obj (as read, resourceVersion included) back: 1 written, 0 lost
 * the race (409), < 0 error. */
static int
k8s_lease_update(struct k8s_lease *l, struct json_object *obj,
                 struct diag *reterr)
{
	long status;
	int r;

	r = k8s_lease_call(l, "PUT", l->url, obj, NULL, &status, reterr);
	if (r < 0)
		return r;
	return status == 409 || status == 404 ? 0 : 1;
}

/* ---- election ---------------------------------------------------------- */

/* Whether the record in spec is held by someone else and still valid. */
static bool
k8s_lease_held_by_other(const struct k8s_lease *l, struct json_object *spec,
                        int64_t now)
{
	const char *holder = k8s_lease_get_str(spec, "holderIdentity");
	struct json_object *dur =
	    k8s_lease_get_obj(spec, "leaseDurationSeconds");
	int64_t renewed =
	    k8s_lease_parse_time(k8s_lease_get_str(spec, "renewTime"));

	if (!holder || !*holder || strcmp(holder, l->identity) == 0)
		return false;
	if (renewed < 0)
		renewed = k8s_lease_parse_time(
		    k8s_lease_get_str(spec, "acquireTime"));
	if (renewed < 0 || !dur)
		return false; /* no valid record: free to take */
	return renewed + (int64_t)json_object_get_int(dur) * 1000 > now;
}

/* One attempt: 1 we hold it now, 0 we do not, < 0 could not tell. */
static int
k8s_lease_try(struct k8s_lease *l, int64_t now, struct diag *reterr)
{
	struct json_object *obj = NULL, *spec;
	const char *holder;
	long status;
	bool taking;
	int r;

	r = k8s_lease_call(l, "GET", l->url, NULL, &obj, &status, reterr);
	if (r < 0)
		return r;
	if (status == 404)
		return k8s_lease_create(l, now, reterr);
	if (status != 200 || !obj) {
		json_object_put(obj);
		diag_error(reterr, NULL,
		           "GET %s -> %ld: no Lease in the answer", l->url,
		           status);
		return -EPROTO;
	}
	spec = k8s_lease_get_obj(obj, "spec");
	if (!spec || !json_object_is_type(spec, json_type_object)) {
		spec = json_object_new_object();
		json_object_object_add(obj, "spec", spec);
	}
	if (k8s_lease_held_by_other(l, spec, now)) {
		json_object_put(obj);
		return 0;
	}
	holder = k8s_lease_get_str(spec, "holderIdentity");
	taking = !holder || strcmp(holder, l->identity) != 0;
	k8s_lease_fill_spec(l, spec, l->identity, taking, now);
	r = k8s_lease_update(l, obj, reterr);
	json_object_put(obj);
	return r;
}

int
k8s_lease_tick(struct k8s_lease *l, bool *leader, double *next_s,
               struct diag *reterr)
{
	int64_t now = http_client_now_ms(l->http);
	int r = k8s_lease_try(l, now, reterr);

	if (r > 0) {
		l->leader = true;
		l->renewed_ms = now;
	} else if (r == 0) {
		l->leader = false;
	} else if (l->leader) {
		/* Could not renew: lead on only while nobody else may take
		 * over, less one retry period for clock skew and requests in
		 * flight. */
		double left = (double)(l->renewed_ms - now) / 1000.0 +
		              l->lease_s - l->retry_s;

		if (left <= 0) {
			l->leader = false;
		} else {
			*leader = true;
			*next_s = left < l->retry_s ? left : l->retry_s;
			return r;
		}
	}
	*leader = l->leader;
	*next_s = l->leader && r > 0 ? l->renew_s : l->retry_s;
	return r < 0 ? r : 0;
}

int
k8s_lease_release(struct k8s_lease *l, struct diag *reterr)
{
	struct json_object *obj = NULL, *spec;
	const char *holder;
	long status;
	int r;

	l->leader = false;
	r = k8s_lease_call(l, "GET", l->url, NULL, &obj, &status, reterr);
	if (r < 0 || status == 404)
		return r;
	spec = k8s_lease_get_obj(obj, "spec");
	holder = k8s_lease_get_str(spec, "holderIdentity");
	if (!holder || strcmp(holder, l->identity) != 0) {
		json_object_put(obj);
		return 0; /* not ours (any more) */
	}
	k8s_lease_fill_spec(l, spec, NULL, false, http_client_now_ms(l->http));
	r = k8s_lease_update(l, obj, reterr);
	json_object_put(obj);
	return r < 0 ? r : 0;
}
