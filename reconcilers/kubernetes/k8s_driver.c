/*
 * Kubernetes driver; see k8s_driver.h. Requests follow the Kubernetes API
 * concepts (labelSelector lists in chunks with limit/continue, server-side
 * apply with a field manager, DELETE with a propagationPolicy). It must not
 * log, put the token anywhere but the Authorization header, or force a
 * field conflict unless told to.
 */
#include "k8s_driver.h"
#include "http.h"
#include "k8s_config.h"
#include "k8s_manifest.h"
#include "strbuf.h"
#include "xalloc.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct k8s_driver {
	const struct nfv_vim *vim;
	char *server;      /* auth_url without a trailing '/' */
	char *auth_header; /* "Authorization: Bearer ..." (secret) */
	char *default_ns;
	struct http_client *http;
	struct k8s_view view;
	struct k8s_driver_opts opts;
	char **nss; /* namespaces observed */
	size_t nnss;
	size_t capnss;
};

/* ---- life -------------------------------------------------------------- */

void
k8s_driver_set_opts(struct k8s_driver *d, const struct k8s_driver_opts *opts)
{
	if (opts)
		d->opts = *opts;
	if (d->opts.wait_timeout_ms <= 0)
		d->opts.wait_timeout_ms = 120000;
	if (d->opts.poll_ms <= 0)
		d->opts.poll_ms = 250;
	if (d->opts.page_size == 0)
		d->opts.page_size = 500;
	if (!d->opts.propagation_policy)
		d->opts.propagation_policy = "Foreground";
}

void
k8s_driver_add_namespace(struct k8s_driver *d, const char *ns)
{
	size_t i;

	if (!ns || !*ns)
		return;
	for (i = 0; i < d->nnss; i++) {
		if (strcmp(d->nss[i], ns) == 0)
			return;
	}
	XGROW(d->nss, d->capnss, d->nnss + 1);
	d->nss[d->nnss++] = xstrdup(ns);
}

static int
k8s_driver_open(const struct nfv_vim *vim, const struct k8s_driver_opts *opts,
                const struct http_options *http, struct k8s_driver **ret,
                struct diag *reterr)
{
	struct http_options ho;
	struct k8s_driver *d;
	struct k8s_config *cfg = NULL;
	const char *ns;
	int r;

	r = k8s_config_from_vim(vim, opts ? opts->kubeconfig : NULL,
	                        opts ? opts->context : NULL, &cfg, reterr);
	if (r < 0)
		return r;
	d = xcalloc(1, sizeof(*d));
	d->vim = vim;
	d->server = xstrdup(cfg->server);
	ns = vim->project_name && *vim->project_name ? vim->project_name
	     : cfg->namespace                        ? cfg->namespace
	                                             : "default";
	d->default_ns = xstrdup(ns);
	k8s_driver_set_opts(d, opts);
	k8s_driver_add_namespace(d, d->default_ns);
	k8s_view_init(&d->view, vim->name);
	d->auth_header = k8s_config_auth_header(cfg);

	if (http)
		ho = *http;
	else
		http_options_init(&ho);
	k8s_config_http_options(cfg, &ho);
	r = http_client_new(&ho, &d->http, reterr);
	k8s_config_free(cfg);
	if (r < 0) {
		k8s_driver_free(d);
		return r;
	}
	*ret = d;
	return 0;
}

/* reterr is optional at the public entry points: NULL drops the detail
 * (diag itself wants a list to add to). */
int
k8s_driver_new_with(const struct nfv_vim *vim,
                    const struct k8s_driver_opts *opts,
                    const struct http_options *http, struct k8s_driver **ret,
                    struct diag *reterr)
{
	struct diag scratch;
	int r;

	*ret = NULL;
	if (reterr)
		return k8s_driver_open(vim, opts, http, ret, reterr);
	diag_init(&scratch);
	r = k8s_driver_open(vim, opts, http, ret, &scratch);
	diag_done(&scratch);
	return r;
}

int
k8s_driver_new(const struct nfv_vim *vim, struct k8s_driver **ret,
               struct diag *reterr)
{
	return k8s_driver_new_with(vim, NULL, NULL, ret, reterr);
}

void
k8s_driver_free(struct k8s_driver *d)
{
	size_t i;

	if (!d)
		return;
	k8s_view_done(&d->view);
	http_client_free(d->http);
	nfv_secret_free(d->auth_header);
	for (i = 0; i < d->nnss; i++)
		free(d->nss[i]);
	free(d->nss);
	free(d->default_ns);
	free(d->server);
	free(d);
}

const struct k8s_view *
k8s_driver_view(const struct k8s_driver *d)
{
	return &d->view;
}

unsigned long long
k8s_driver_requests(const struct k8s_driver *d)
{
	return http_client_count(d->http, NULL, NULL, -1);
}

struct http_client *
k8s_driver_http(const struct k8s_driver *d)
{
	return d->http;
}

const char *
k8s_driver_namespace_for(const struct k8s_driver *d,
                         const struct plan_action *a)
{
	if (a->model_vdu && a->model_vdu->namespace && *a->model_vdu->namespace)
		return a->model_vdu->namespace;
	return d->default_ns;
}

/* ---- requests ---------------------------------------------------------- */

/* Percent-encoding of a query value (continue tokens are base64). */
static void
k8s_put_escaped(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~') {
			strbuf_putc(sb, (char)c);
		} else {
			strbuf_putc(sb, '%');
			strbuf_putc(sb, hex[c >> 4]);
			strbuf_putc(sb, hex[c & 15]);
		}
	}
}

static void
k8s_request_init(struct k8s_driver *d, struct http_request *req,
                 const char **headers, const char *method, const char *url)
{
	memset(req, 0, sizeof(*req));
	req->service = "kubernetes";
	req->method = method;
	req->url = url;
	req->headers = headers;
	if (d->auth_header)
		headers[req->nheaders++] = d->auth_header;
}

/*
 * One call to path (below the server) with an optional JSON body sent as
 * content_type (NULL: application/json). A 2xx answer's JSON goes to *ret
 * when ret is not NULL; the HTTP status (0: none) to *ret_status when that
 * is not NULL. Returns 0 or http_response_check's errno.
 */
static int
k8s_call_status(struct k8s_driver *d, const char *method, const char *path,
                const char *content_type, struct json_object *body,
                struct json_object **ret, long *ret_status, struct diag *reterr)
{
	const char *headers[2];
	struct http_request req;
	struct http_response resp;
	char *url = xasprintf("%s%s", d->server, path);
	char *ct = NULL;
	int r;

	k8s_request_init(d, &req, headers, method, url);
	if (body) {
		req.body = json_object_to_json_string_ext(
		    body, JSON_C_TO_STRING_PLAIN);
		if (content_type) {
			ct = xasprintf("Content-Type: %s", content_type);
			headers[req.nheaders++] = ct;
		}
	}
	memset(&resp, 0, sizeof(resp));
	r = http_do(d->http, &req, &resp, reterr);
	if (ret_status)
		*ret_status = resp.status;
	if (r == 0)
		r = http_response_check(&resp, reterr);
	if (r == 0 && ret) {
		*ret = NULL;
		if (resp.body_len > 0)
			r = http_response_json(&resp, ret, reterr);
	}
	http_response_done(&resp);
	free(ct);
	free(url);
	return r;
}

static int
k8s_call(struct k8s_driver *d, const char *method, const char *path,
         const char *content_type, struct json_object *body,
         struct json_object **ret, struct diag *reterr)
{
	return k8s_call_status(d, method, path, content_type, body, ret, NULL,
	                       reterr);
}

/* ---- observe ----------------------------------------------------------- */

enum k8s_list_kind {
	K8S_LIST_DEPLOYMENTS,
	K8S_LIST_SERVICES,
	K8S_LIST_AUTOSCALERS,
	K8S_LIST_PODS,
	K8S_LIST_MAX,
};

static char *
k8s_list_url(const struct k8s_driver *d, enum k8s_list_kind k, const char *ns,
             const char *cont)
{
	struct strbuf sb = STRBUF_INIT;
	char *coll;

	switch (k) {
	case K8S_LIST_DEPLOYMENTS:
		coll = k8s_collection_path(PLAN_DEPLOYMENT, ns);
		break;
	case K8S_LIST_SERVICES:
		coll = k8s_collection_path(PLAN_SERVICE, ns);
		break;
	case K8S_LIST_AUTOSCALERS:
		coll = k8s_collection_path(PLAN_AUTOSCALER, ns);
		break;
	default:
		coll = xasprintf("/api/v1/namespaces/%s/pods", ns);
		break;
	}
	strbuf_printf(&sb, "%s%s?%s&limit=%u", d->server, coll,
	              K8S_SELECTOR_QUERY, d->opts.page_size);
	if (cont) {
		strbuf_puts(&sb, "&continue=");
		k8s_put_escaped(&sb, cont);
	}
	free(coll);
	return strbuf_detach(&sb);
}

static int
k8s_decode(struct k8s_view *v, enum k8s_list_kind k, struct json_object *body,
           struct diag *reterr)
{
	static const enum plan_kind kinds[] = {
	    [K8S_LIST_DEPLOYMENTS] = PLAN_DEPLOYMENT,
	    [K8S_LIST_SERVICES] = PLAN_SERVICE,
	    [K8S_LIST_AUTOSCALERS] = PLAN_AUTOSCALER,
	};

	if (k == K8S_LIST_PODS)
		return k8s_view_add_pods(v, body, reterr);
	return k8s_view_add_list(v, kinds[k], body, reterr);
}

/* Decodes a first page and fetches and decodes the pages after it. An
 * expired continue token (410 Gone) is -ESTALE: list again from the start. */
static int
k8s_pages(struct k8s_driver *d, enum k8s_list_kind k, const char *ns,
          struct json_object *first, struct diag *reterr)
{
	struct json_object *body = json_object_get(first);
	struct diag quiet;
	unsigned pages = 0;
	long status;
	int r;

	for (;;) {
		const char *cont;
		char *url, *path;

		r = k8s_decode(&d->view, k, body, reterr);
		cont = r == 0 ? k8s_list_continue(body) : NULL;
		if (!cont)
			break;
		if (++pages > 100000) {
			diag_error(reterr, NULL,
			           "%s: more than 100000 pages in namespace %s",
			           d->server, ns);
			r = -ELOOP;
			break;
		}
		url = k8s_list_url(d, k, ns, cont);
		path = xstrdup(url + strlen(d->server));
		free(url);
		json_object_put(body);
		body = NULL;
		diag_init(&quiet);
		r = k8s_call_status(d, "GET", path, NULL, NULL, &body, &status,
		                    &quiet);
		free(path);
		if (r < 0 && status == 410) {
			diag_done(&quiet);
			r = -ESTALE;
			break;
		}
		diag_move(reterr, &quiet);
		if (r < 0)
			break;
		if (!body) {
			diag_error(reterr, NULL, "empty list page");
			r = -EPROTO;
			break;
		}
	}
	json_object_put(body);
	return r;
}

static int k8s_driver_observe_all(struct k8s_driver *d, struct diag *reterr);

int
k8s_driver_observe(struct k8s_driver *d, struct diag *reterr)
{
	struct diag scratch;
	int r;

	diag_init(&scratch);
	if (!reterr)
		reterr = &scratch;
	/* A continue token expires after a few minutes (etcd compaction):
	 * the list must start again, and with it the whole view. */
	r = k8s_driver_observe_all(d, reterr);
	if (r == -ESTALE)
		r = k8s_driver_observe_all(d, reterr);
	if (r == -ESTALE) {
		diag_error(reterr, NULL,
		           "%s: list continue tokens expired twice in a row "
		           "(410 Gone)",
		           d->server);
		r = -EAGAIN;
	}
	diag_done(&scratch);
	return r;
}

static int
k8s_driver_observe_all(struct k8s_driver *d, struct diag *reterr)
{
	size_t n = d->nnss * K8S_LIST_MAX, i;
	struct http_request *reqs = xcalloc(n, sizeof(*reqs));
	struct http_response *resps = xcalloc(n, sizeof(*resps));
	char **urls = xcalloc(n, sizeof(*urls));
	const char **headers = xcalloc(n, sizeof(*headers));
	int r, ret = 0;

	k8s_view_done(&d->view);
	k8s_view_init(&d->view, d->vim->name);
	for (i = 0; i < n; i++) {
		urls[i] =
		    k8s_list_url(d, (enum k8s_list_kind)(i % K8S_LIST_MAX),
		                 d->nss[i / K8S_LIST_MAX], NULL);
		k8s_request_init(d, &reqs[i], &headers[i], "GET", urls[i]);
	}
	/* First pages of every list at once; the rest one by one. */
	r = http_do_many(d->http, reqs, n, resps, reterr);
	for (i = 0; i < n && ret == 0; i++) {
		struct json_object *body = NULL;
		int c = r;

		if (c == 0)
			c = http_response_check(&resps[i], reterr);
		if (c == 0)
			c = http_response_json(&resps[i], &body, reterr);
		if (c == 0)
			c = k8s_pages(d, (enum k8s_list_kind)(i % K8S_LIST_MAX),
			              d->nss[i / K8S_LIST_MAX], body, reterr);
		json_object_put(body);
		ret = c;
	}
	for (i = 0; i < n; i++) {
		http_response_done(&resps[i]);
		free(urls[i]);
	}
	free(urls);
	free(headers);
	free(resps);
	free(reqs);
	return ret;
}

/* ---- apply ------------------------------------------------------------- */

static char *
k8s_object_path(enum plan_kind kind, const char *ns, const char *name)
{
	char *coll = k8s_collection_path(kind, ns);
	char *p = xasprintf("%s/%s", coll, name);

	free(coll);
	return p;
}

static int
k8s_driver_sleep_until(struct k8s_driver *d, int64_t deadline)
{
	int64_t now = http_client_now_ms(d->http);
	int64_t step = d->opts.poll_ms;

	if (now >= deadline)
		return -ETIMEDOUT;
	if (now + step > deadline)
		step = deadline - now;
	http_client_sleep_ms(d->http, step);
	return 0;
}

/* Polls a Deployment until its rollout is done (every replica updated and
 * ready), fails, or the deadline passes. */
static int
k8s_wait_rollout(struct k8s_driver *d, const char *path, const char *name,
                 struct diag *reterr)
{
	int64_t deadline =
	    http_client_now_ms(d->http) + d->opts.wait_timeout_ms;
	const char *status = "Progressing";

	for (;;) {
		struct json_object *obj = NULL;
		int r = k8s_call(d, "GET", path, NULL, NULL, &obj, reterr);

		if (r < 0)
			return r;
		status = k8s_deployment_status(obj);
		if (strcmp(status, "Available") == 0 ||
		    strcmp(status, "ScaledDown") == 0) {
			k8s_view_put(&d->view, PLAN_DEPLOYMENT, obj);
			json_object_put(obj);
			return 0;
		}
		json_object_put(obj);
		if (strcmp(status, "Failed") == 0) {
			diag_error(reterr, NULL,
			           "GET %s%s -> deployment %s failed: "
			           "ProgressDeadlineExceeded",
			           d->server, path, name);
			return -EIO;
		}
		if (k8s_driver_sleep_until(d, deadline) < 0)
			break;
	}
	diag_error(reterr, NULL, "deployment %s: not ready after %ld ms (%s)",
	           name, d->opts.wait_timeout_ms, status);
	return -ETIMEDOUT;
}

/*
 * A Deployment scaled by hand (and not under an autoscaler) gets its
 * replicas back through the scale subresource, as `kubectl scale` would:
 * the hand scale made another manager own spec.replicas, so an apply alone
 * would be a conflict; once the value is ours again the apply shares it.
 */
static int
k8s_restore_replicas(struct k8s_driver *d, const struct plan_action *a,
                     const char *path, struct diag *reterr)
{
	long i = k8s_view_find(&d->view, a->kind, a->name, NULL);
	struct json_object *body, *spec;
	char *scale;
	int r;

	if (a->kind != PLAN_DEPLOYMENT || i < 0 || !d->view.replicas_drift[i] ||
	    a->model_vdu->target_cpu_utilization)
		return 0;
	body = json_object_new_object();
	spec = json_object_new_object();
	json_object_object_add(spec, "replicas",
	                       json_object_new_int(a->model_vdu->instances));
	json_object_object_add(body, "spec", spec);
	scale = xasprintf("%s/scale?fieldManager=" K8S_MANAGER, path);
	r = k8s_call(d, "PATCH", scale, "application/merge-patch+json", body,
	             NULL, reterr);
	free(scale);
	json_object_put(body);
	return r;
}

static int
k8s_apply_object(struct k8s_driver *d, const struct plan_action *a,
                 struct diag *reterr)
{
	const char *ns = k8s_driver_namespace_for(d, a);
	struct json_object *manifest = NULL, *obj = NULL;
	char *path = NULL, *query = NULL;
	bool force;
	long i;
	int r;

	r = k8s_manifest_build(a, ns, &manifest, reterr);
	if (r < 0)
		return r;
	path = k8s_object_path(a->kind, ns, a->name);
	r = k8s_restore_replicas(d, a, path, reterr);
	if (r < 0)
		goto out;
	/* Fields edited by hand are taken back; a co-owner's conflict is
	 * reported unless --force-conflicts. */
	i = k8s_view_find(&d->view, a->kind, a->name, NULL);
	force = d->opts.force_conflicts || (i >= 0 && d->view.reclaim[i]);
	query = xasprintf("%s?fieldManager=" K8S_MANAGER "%s", path,
	                  force ? "&force=true" : "");
	/* Apply is idempotent: the HTTP layer may retry it safely. */
	r = k8s_call(d, "PATCH", query, "application/apply-patch+yaml",
	             manifest, &obj, reterr);
	if (r < 0)
		goto out;
	k8s_driver_add_namespace(d, ns);
	if (obj)
		k8s_view_put(&d->view, a->kind, obj);
	if (a->kind == PLAN_DEPLOYMENT)
		r = k8s_wait_rollout(d, path, a->name, reterr);
out:
	json_object_put(obj);
	json_object_put(manifest);
	free(query);
	free(path);
	return r;
}

static int
k8s_delete_object(struct k8s_driver *d, const struct plan_action *a,
                  struct diag *reterr)
{
	long i = k8s_view_find(&d->view, a->kind, a->name, a->id);
	const char *ns = i >= 0 && d->view.ns[i]
	                     ? d->view.ns[i]
	                     : k8s_driver_namespace_for(d, a);
	char *path = k8s_object_path(a->kind, ns, a->name);
	char *query = xasprintf("%s?propagationPolicy=%s", path,
	                        d->opts.propagation_policy);
	int64_t deadline =
	    http_client_now_ms(d->http) + d->opts.wait_timeout_ms;
	struct diag quiet;
	int r;

	diag_init(&quiet);
	r = k8s_call(d, "DELETE", query, NULL, NULL, NULL, &quiet);
	while (r == 0) {
		diag_done(&quiet);
		diag_init(&quiet);
		r = k8s_call(d, "GET", path, NULL, NULL, NULL, &quiet);
		if (r == 0 && k8s_driver_sleep_until(d, deadline) < 0) {
			diag_error(reterr, NULL,
			           "%s %s/%s: still there %ld ms after DELETE",
			           plan_kind_name(a->kind), ns, a->name,
			           d->opts.wait_timeout_ms);
			r = -ETIMEDOUT;
			goto out;
		}
	}
	if (r == -ENOENT) {
		r = 0; /* gone (or already gone) */
		i = k8s_view_find(&d->view, a->kind, a->name, a->id);
		if (i >= 0)
			k8s_view_remove(&d->view, (size_t)i);
	} else {
		diag_move(reterr, &quiet);
	}
out:
	diag_done(&quiet);
	free(query);
	free(path);
	return r;
}

static int
k8s_driver_apply_one(struct k8s_driver *d, const struct plan_action *a,
                     struct diag *reterr)
{
	if (a->kind != PLAN_DEPLOYMENT && a->kind != PLAN_SERVICE &&
	    a->kind != PLAN_AUTOSCALER) {
		diag_error(reterr, NULL,
		           "%s %s: not a resource of a Kubernetes VIM",
		           plan_kind_name(a->kind), a->name);
		return -EINVAL;
	}
	switch (a->op) {
	case PLAN_CREATE:
	case PLAN_UPDATE:
	case PLAN_REPLACE:
	case PLAN_RESPAWN:
		return k8s_apply_object(d, a, reterr);
	case PLAN_DELETE:
		return k8s_delete_object(d, a, reterr);
	default:
		diag_error(reterr, NULL,
		           "%s %s: %s is not supported on "
		           "Kubernetes",
		           plan_kind_name(a->kind), a->name,
		           plan_op_name(a->op));
		return -ENOTSUP;
	}
}

int
k8s_driver_apply(struct k8s_driver *d, const struct plan_action *a,
                 struct diag *reterr)
{
	struct diag scratch;
	int r;

	if (reterr)
		return k8s_driver_apply_one(d, a, reterr);
	diag_init(&scratch);
	r = k8s_driver_apply_one(d, a, &scratch);
	diag_done(&scratch);
	return r;
}
