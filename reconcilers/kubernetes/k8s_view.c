/*
 * Decoding Kubernetes list responses into a k8s_view; see k8s_view.h.
 * Pure: JSON in, structs out. Field names follow the Kubernetes API
 * reference (ObjectMeta, DeploymentStatus, PodStatus).
 */
#include "k8s_view.h"
#include "k8s_drift.h"
#include "strbuf.h"
#include "xalloc.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

void
k8s_view_init(struct k8s_view *v, const char *vim)
{
	memset(v, 0, sizeof(*v));
	v->vim = vim;
}

void
k8s_view_done(struct k8s_view *v)
{
	size_t i;

	for (i = 0; i < v->nstrs; i++)
		free(v->strs[i]);
	free(v->strs);
	free(v->res);
	free(v->ns);
	free(v->replicas_drift);
	free(v->reclaim);
	free(v->endpoints);
	memset(v, 0, sizeof(*v));
}

static const char *
k8s_view_str(struct k8s_view *v, const char *s)
{
	if (!s)
		return NULL;
	XGROW(v->strs, v->capstrs, v->nstrs + 1);
	v->strs[v->nstrs] = xstrdup(s);
	return v->strs[v->nstrs++];
}

static struct json_object *
k8s_get(struct json_object *o, const char *key)
{
	struct json_object *f;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &f))
		return NULL;
	return f;
}

static const char *
k8s_str(struct json_object *o, const char *key)
{
	struct json_object *f = k8s_get(o, key);

	return f && json_object_is_type(f, json_type_string)
	           ? json_object_get_string(f)
	           : NULL;
}

static struct json_object *
k8s_items(struct json_object *body)
{
	struct json_object *items = k8s_get(body, "items");

	if (items && json_object_is_type(items, json_type_null))
		return NULL;
	return items && json_object_is_type(items, json_type_array) ? items
	                                                            : NULL;
}

static int
k8s_view_bad(const char *what, struct diag *reterr)
{
	diag_error(reterr, NULL, "%s: unexpected JSON (no items list)", what);
	return -EPROTO;
}

const char *
k8s_list_continue(struct json_object *body)
{
	const char *c = k8s_str(k8s_get(body, "metadata"), "continue");

	return c && *c ? c : NULL;
}

/* The condition of the given type in status.conditions, or NULL. */
static struct json_object *
k8s_condition(struct json_object *obj, const char *type)
{
	struct json_object *conds =
	    k8s_get(k8s_get(obj, "status"), "conditions");
	size_t i;

	if (!conds || !json_object_is_type(conds, json_type_array))
		return NULL;
	for (i = 0; i < json_object_array_length(conds); i++) {
		struct json_object *c = json_object_array_get_idx(conds, i);
		const char *t = k8s_str(c, "type");

		if (t && strcmp(t, type) == 0)
			return c;
	}
	return NULL;
}

static int64_t
k8s_int(struct json_object *o, const char *key, int64_t dflt)
{
	struct json_object *f = k8s_get(o, key);

	return f && json_object_is_type(f, json_type_int)
	           ? json_object_get_int64(f)
	           : dflt;
}

const char *
k8s_deployment_status(struct json_object *obj)
{
	struct json_object *spec = k8s_get(obj, "spec");
	struct json_object *st = k8s_get(obj, "status");
	struct json_object *prog = k8s_condition(obj, "Progressing");
	const char *reason = k8s_str(prog, "reason");
	int64_t want = k8s_int(spec, "replicas", 1);
	int64_t gen = k8s_int(k8s_get(obj, "metadata"), "generation", 0);

	bool current = k8s_int(st, "observedGeneration", 0) >= gen;

	/* A deadline exceeded by an older rollout says nothing of this one. */
	if (current && reason &&
	    strcmp(reason, "ProgressDeadlineExceeded") == 0)
		return "Failed";
	if (want == 0)
		return "ScaledDown";
	if (current && k8s_int(st, "updatedReplicas", 0) == want &&
	    k8s_int(st, "readyReplicas", 0) == want &&
	    k8s_int(st, "availableReplicas", 0) == want &&
	    k8s_int(st, "replicas", 0) == want)
		return "Available";
	return "Progressing";
}

static const char *
k8s_status_of(enum plan_kind kind, struct json_object *obj)
{
	switch (kind) {
	case PLAN_DEPLOYMENT:
		return k8s_deployment_status(obj);
	case PLAN_SERVICE: {
		const char *type = k8s_str(k8s_get(obj, "spec"), "type");
		struct json_object *ing = k8s_get(
		    k8s_get(k8s_get(obj, "status"), "loadBalancer"), "ingress");

		if (type && strcmp(type, "LoadBalancer") == 0 &&
		    (!ing || !json_object_is_type(ing, json_type_array) ||
		     json_object_array_length(ing) == 0))
			return "Pending";
		return "Active";
	}
	case PLAN_AUTOSCALER: {
		struct json_object *c = k8s_condition(obj, "ScalingActive");
		const char *s = k8s_str(c, "status");

		return s && strcmp(s, "False") == 0 ? "Inactive" : "Active";
	}
	default:
		return NULL;
	}
}

static void
k8s_view_grow(struct k8s_view *v)
{
	size_t cap = v->cap;

	if (v->n < cap)
		return;
	XGROW(v->res, v->cap, v->n + 1);
	v->ns = xrealloc(v->ns, v->cap * sizeof(*v->ns));
	v->replicas_drift =
	    xrealloc(v->replicas_drift, v->cap * sizeof(*v->replicas_drift));
	v->reclaim = xrealloc(v->reclaim, v->cap * sizeof(*v->reclaim));
	(void)cap;
}

/* Whether a manager other than nfvsync applies (server-side apply) to
 * obj: its writes are a co-owner's, not a hand edit. */
static bool
k8s_other_applier(struct json_object *obj)
{
	struct json_object *mf =
	    k8s_get(k8s_get(obj, "metadata"), "managedFields");
	size_t i, n;

	n = mf && json_object_is_type(mf, json_type_array)
	        ? json_object_array_length(mf)
	        : 0;
	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(mf, i);
		const char *m = k8s_str(e, "manager");
		const char *op = k8s_str(e, "operation");

		if (m && op && strcmp(op, "Apply") == 0 &&
		    strcmp(m, K8S_MANAGER) != 0)
			return true;
	}
	return false;
}

/* A Deployment's drift: replicas scaled by hand, and managed fields
 * edited by hand. Either drops the spec hash (the planner re-applies) and
 * says what drifted. */
static void
k8s_view_drift(struct k8s_view *v, size_t i, struct json_object *obj,
               struct json_object *replicas, const char *applied_replicas)
{
	struct plan_observed_res *r = &v->res[i];
	const char *applied =
	    k8s_str(k8s_get(k8s_get(obj, "metadata"), "annotations"),
	            K8S_ANNOTATION_FIELDS);
	char *fields = applied ? k8s_drift_describe(applied, obj) : NULL;
	struct strbuf sb = STRBUF_INIT;

	if (!v->replicas_drift[i] && !fields)
		return;
	strbuf_puts(&sb, "changed on the VIM: ");
	if (v->replicas_drift[i])
		strbuf_printf(&sb, "replicas %s (applied %s)%s",
		              json_object_get_string(replicas),
		              applied_replicas, fields ? "; " : "");
	if (fields)
		strbuf_puts(&sb, fields);
	r->spec_hash = NULL;
	r->drift = k8s_view_str(v, strbuf_str(&sb));
	v->reclaim[i] = fields && !k8s_other_applier(obj);
	strbuf_done(&sb);
	free(fields);
}

/* Fills r (at index i) from obj. */
static void
k8s_view_fill(struct k8s_view *v, size_t i, enum plan_kind kind,
              struct json_object *obj)
{
	struct plan_observed_res *r = &v->res[i];
	struct json_object *meta = k8s_get(obj, "metadata");
	struct json_object *labels = k8s_get(meta, "labels");
	struct json_object *ann = k8s_get(meta, "annotations");
	const char *managed = k8s_str(labels, K8S_LABEL_MANAGED_BY);
	const char *service = k8s_str(ann, K8S_ANNOTATION_NS);
	struct json_object *replicas;
	const char *applied;

	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->vim = v->vim;
	r->name = k8s_view_str(v, k8s_str(meta, "name"));
	if (!r->name)
		r->name = "";
	r->id = k8s_view_str(v, k8s_str(meta, "uid"));
	r->status = k8s_status_of(kind, obj); /* static strings */
	if (!service)
		service = k8s_str(labels, K8S_LABEL_NS);
	r->service = k8s_view_str(v, service);
	r->spec_hash = k8s_view_str(v, k8s_str(ann, K8S_ANNOTATION_SPEC));
	r->managed = managed && strcmp(managed, K8S_MANAGER) == 0;
	v->ns[i] = k8s_view_str(v, k8s_str(meta, "namespace"));
	/* Scaled by hand (not by an autoscaler: then we set no replicas):
	 * no spec hash, so the planner re-applies ours. */
	replicas = k8s_get(k8s_get(obj, "spec"), "replicas");
	applied = k8s_str(ann, K8S_ANNOTATION_REPLICAS);
	v->replicas_drift[i] =
	    kind == PLAN_DEPLOYMENT && replicas && applied &&
	    strcmp(json_object_get_string(replicas), applied) != 0;
	v->reclaim[i] = false;
	if (kind == PLAN_DEPLOYMENT)
		k8s_view_drift(v, i, obj, replicas, applied);
}

static bool
k8s_same_ns(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

void
k8s_view_put(struct k8s_view *v, enum plan_kind kind, struct json_object *obj)
{
	struct json_object *meta = k8s_get(obj, "metadata");
	const char *name = k8s_str(meta, "name");
	const char *ns = k8s_str(meta, "namespace");
	size_t i;

	for (i = 0; name && i < v->n; i++) {
		if (v->res[i].kind == kind &&
		    strcmp(v->res[i].name, name) == 0 &&
		    k8s_same_ns(v->ns[i], ns)) {
			k8s_view_fill(v, i, kind, obj);
			return;
		}
	}
	k8s_view_grow(v);
	k8s_view_fill(v, v->n++, kind, obj);
}

void
k8s_view_remove(struct k8s_view *v, size_t i)
{
	if (i >= v->n)
		return;
	memmove(&v->res[i], &v->res[i + 1], (v->n - i - 1) * sizeof(*v->res));
	memmove(&v->ns[i], &v->ns[i + 1], (v->n - i - 1) * sizeof(*v->ns));
	memmove(&v->replicas_drift[i], &v->replicas_drift[i + 1],
	        (v->n - i - 1) * sizeof(*v->replicas_drift));
	memmove(&v->reclaim[i], &v->reclaim[i + 1],
	        (v->n - i - 1) * sizeof(*v->reclaim));
	v->n--;
}

int
k8s_view_add_list(struct k8s_view *v, enum plan_kind kind,
                  struct json_object *body, struct diag *reterr)
{
	struct json_object *items = k8s_items(body);
	size_t i;

	if (kind != PLAN_DEPLOYMENT && kind != PLAN_SERVICE &&
	    kind != PLAN_AUTOSCALER)
		return k8s_view_bad(plan_kind_name(kind), reterr);
	if (!items) {
		/* An empty list may come as "items": null. */
		if (k8s_get(body, "items") || k8s_get(body, "kind"))
			return 0;
		return k8s_view_bad(plan_kind_name(kind), reterr);
	}
	for (i = 0; i < json_object_array_length(items); i++) {
		k8s_view_grow(v);
		k8s_view_fill(v, v->n++, kind,
		              json_object_array_get_idx(items, i));
	}
	return 0;
}

static bool
k8s_pod_ready(struct json_object *pod)
{
	struct json_object *c = k8s_condition(pod, "Ready");
	const char *s = k8s_str(c, "status");
	const char *phase = k8s_str(k8s_get(pod, "status"), "phase");

	if (k8s_get(k8s_get(pod, "metadata"), "deletionTimestamp"))
		return false;
	if (phase && strcmp(phase, "Running") != 0)
		return false;
	return s && strcmp(s, "True") == 0;
}

int
k8s_view_add_pods(struct k8s_view *v, struct json_object *body,
                  struct diag *reterr)
{
	struct json_object *items = k8s_items(body);
	size_t i;

	if (!items) {
		if (k8s_get(body, "items") || k8s_get(body, "kind"))
			return 0;
		return k8s_view_bad("pods", reterr);
	}
	for (i = 0; i < json_object_array_length(items); i++) {
		struct json_object *p = json_object_array_get_idx(items, i);
		struct json_object *meta = k8s_get(p, "metadata");
		struct json_object *labels = k8s_get(meta, "labels");
		const char *managed = k8s_str(labels, K8S_LABEL_MANAGED_BY);
		const char *ip = k8s_str(k8s_get(p, "status"), "podIP");
		struct k8s_endpoint *e;

		/* A pod not scheduled yet has no address to balance to. */
		if (!ip || !*ip || !managed ||
		    strcmp(managed, K8S_MANAGER) != 0)
			continue;
		XGROW(v->endpoints, v->capendpoints, v->nendpoints + 1);
		e = &v->endpoints[v->nendpoints++];
		e->service = k8s_view_str(
		    v, k8s_str(k8s_get(meta, "annotations"), K8S_ANNOTATION_NS)
		           ? k8s_str(k8s_get(meta, "annotations"),
		                     K8S_ANNOTATION_NS)
		           : k8s_str(labels, K8S_LABEL_NS));
		e->vnf = k8s_view_str(v, k8s_str(labels, K8S_LABEL_VNF));
		e->vdu = k8s_view_str(v, k8s_str(labels, K8S_LABEL_VDU));
		e->pod = k8s_view_str(v, k8s_str(meta, "name"));
		e->address = k8s_view_str(v, ip);
		e->ready = k8s_pod_ready(p);
	}
	return 0;
}

long
k8s_view_find(const struct k8s_view *v, enum plan_kind kind, const char *name,
              const char *id)
{
	size_t i;

	for (i = 0; id && i < v->n; i++) {
		if (v->res[i].kind == kind && v->res[i].id &&
		    strcmp(v->res[i].id, id) == 0)
			return (long)i;
	}
	for (i = 0; name && i < v->n; i++) {
		if (v->res[i].kind == kind && v->res[i].managed &&
		    strcmp(v->res[i].name, name) == 0)
			return (long)i;
	}
	return -1;
}
