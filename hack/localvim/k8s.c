/*
 * Kubernetes API for localvim: discovery, namespaces, Deployments (with a
 * ReplicaSet-like controller whose pods are real workload processes on
 * 127.b.c.d for pod IPs in 10.244.0.0/16), Pods, Services, EndpointSlices
 * that follow ready pods, HorizontalPodAutoscalers and Leases (stored),
 * ConfigMaps; resourceVersion with 409 on stale writes; merge patch and
 * server-side apply with field managers and conflicts. Objects live in
 * the world's LV_K8S table; obj->parent holds "plural/namespace/name".
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http.h"
#include "ipam.h"
#include "lvutil.h"
#include "query.h"
#include "services.h"
#include "workload.h"
#include "xalloc.h"
#include "yamljson.h"

struct k8s_res {
	const char *group; /* "" = core */
	const char *version;
	const char *plural;
	const char *singular;
	const char *kind;
	bool namespaced;
	const char *shortnames;
};

static const struct k8s_res k8s_resources[] = {
    {"", "v1", "namespaces", "namespace", "Namespace", false, "ns"},
    {"", "v1", "pods", "pod", "Pod", true, "po"},
    {"", "v1", "services", "service", "Service", true, "svc"},
    {"", "v1", "configmaps", "configmap", "ConfigMap", true, "cm"},
    {"apps", "v1", "deployments", "deployment", "Deployment", true, "deploy"},
    {"discovery.k8s.io", "v1", "endpointslices", "endpointslice",
     "EndpointSlice", true, NULL},
    {"autoscaling", "v2", "horizontalpodautoscalers", "horizontalpodautoscaler",
     "HorizontalPodAutoscaler", true, "hpa"},
    {"autoscaling", "v1", "horizontalpodautoscalers", "horizontalpodautoscaler",
     "HorizontalPodAutoscaler", true, "hpa"},
    {"coordination.k8s.io", "v1", "leases", "lease", "Lease", true, NULL},
    {NULL, NULL, NULL, NULL, NULL, false, NULL},
};

/* Per-object extra state. */
struct k8s_priv {
	struct json_object *managers; /* name -> {operation, time, paths{}} */
	char *owner_uid;              /* pods: owning Deployment's uid */
	char *hash;                   /* pods: template hash */
};

static void
k8s_priv_free(void *p)
{
	struct k8s_priv *kp = p;

	if (kp == NULL)
		return;
	json_object_put(kp->managers);
	free(kp->owner_uid);
	free(kp->hash);
	free(kp);
}

static struct k8s_priv *
k8s_priv(struct lv_obj *o)
{
	if (o->priv == NULL) {
		struct k8s_priv *kp = xcalloc(1, sizeof(*kp));

		kp->managers = json_object_new_object();
		o->priv = kp;
		o->priv_free = k8s_priv_free;
	}
	return o->priv;
}

/* ------------------------------------------------------------- store */

static char *
k8s_key(const char *plural, const char *ns, const char *name)
{
	return xasprintf("%s/%s/%s", plural, ns ? ns : "", name);
}

static struct lv_obj *
k8s_find(struct localvim *lv, const char *plural, const char *ns,
         const char *name)
{
	struct lv_table *t = &lv->t[LV_K8S];
	char *key = k8s_key(plural, ns, name);
	struct lv_obj *found = NULL;
	size_t i;

	for (i = 0; i < t->n && !found; i++)
		if (strcmp(t->v[i]->parent, key) == 0)
			found = t->v[i];
	free(key);
	return found;
}

static bool
k8s_is(struct lv_obj *o, const char *plural)
{
	size_t n = strlen(plural);

	return strncmp(o->parent, plural, n) == 0 && o->parent[n] == '/';
}

static struct json_object *
k8s_meta(struct lv_obj *o)
{
	return lv_json_get(o->json, "metadata");
}

static const char *
k8s_ns_of(struct lv_obj *o)
{
	return lv_json_str(k8s_meta(o), "namespace");
}

static const char *
k8s_name_of(struct lv_obj *o)
{
	return lv_json_str(k8s_meta(o), "name");
}

static void
k8s_bump(struct localvim *lv, struct lv_obj *o)
{
	char rv[32];

	snprintf(rv, sizeof(rv), "%llu", ++lv->k8s_rv);
	lv_json_set_str(k8s_meta(o), "resourceVersion", rv);
}

static void
k8s_now(char out[40])
{
	lv_time_iso(out, time(NULL), false, true);
}

/* ------------------------------------------------- field management */

static void
k8s_path_push(struct strbuf *sb, const char *key)
{
	strbuf_putc(sb, '/');
	for (; *key; key++) {
		if (*key == '~')
			strbuf_puts(sb, "~0");
		else if (*key == '/')
			strbuf_puts(sb, "~1");
		else
			strbuf_putc(sb, *key);
	}
}

/* Collects the leaf paths of v (maps are descended, everything else is a
 * leaf) into set. Only spec-like fields count: not status, and of
 * metadata only labels and annotations. */
static void
k8s_leaves(struct json_object *v, const char *prefix, struct json_object *set,
           int depth)
{
	if (v != NULL && json_object_is_type(v, json_type_object) &&
	    json_object_object_length(v) > 0) {
		json_object_object_foreach(v, k, child)
		{
			struct strbuf sb = STRBUF_INIT;

			if (depth == 0 && (strcmp(k, "status") == 0 ||
			                   strcmp(k, "apiVersion") == 0 ||
			                   strcmp(k, "kind") == 0))
				continue;
			if (depth == 1 &&
			    strncmp(prefix, "/metadata", 9) == 0 &&
			    strcmp(k, "labels") != 0 &&
			    strcmp(k, "annotations") != 0)
				continue;
			strbuf_puts(&sb, prefix);
			k8s_path_push(&sb, k);
			k8s_leaves(child, strbuf_str(&sb), set, depth + 1);
			strbuf_done(&sb);
		}
		return;
	}
	if (depth > 0)
		json_object_object_add(set, prefix, json_object_new_boolean(1));
}

/* Splits "/a/b~1c" into unescaped segments; returns the count. */
static size_t
k8s_path_split(const char *path, char **segs, size_t max)
{
	size_t n = 0;
	const char *p = path;

	while (*p == '/' && n < max) {
		struct strbuf sb = STRBUF_INIT;

		p++;
		while (*p && *p != '/') {
			if (p[0] == '~' && p[1] == '1') {
				strbuf_putc(&sb, '/');
				p += 2;
			} else if (p[0] == '~' && p[1] == '0') {
				strbuf_putc(&sb, '~');
				p += 2;
			} else {
				strbuf_putc(&sb, *p++);
			}
		}
		segs[n++] = strbuf_detach(&sb);
	}
	return n;
}

static struct json_object *
k8s_path_get(struct json_object *root, const char *path, bool *found)
{
	char *segs[32];
	size_t n = k8s_path_split(path, segs, 32), i;
	struct json_object *v = root;

	*found = true;
	for (i = 0; i < n; i++) {
		if (*found &&
		    (v == NULL || !json_object_is_type(v, json_type_object) ||
		     !json_object_object_get_ex(v, segs[i], &v)))
			*found = false;
		free(segs[i]);
	}
	return *found ? v : NULL;
}

/* Removes a leaf and prunes the maps it leaves empty. */
static void
k8s_path_del(struct json_object *root, const char *path)
{
	char *segs[32];
	struct json_object *chain[33];
	size_t n = k8s_path_split(path, segs, 32), i, depth = 0;

	chain[0] = root;
	for (i = 0; i + 1 < n; i++) {
		struct json_object *next;

		if (!json_object_is_type(chain[i], json_type_object) ||
		    !json_object_object_get_ex(chain[i], segs[i], &next) ||
		    next == NULL)
			break;
		chain[i + 1] = next;
		depth = i + 1;
	}
	if (n > 0 && depth == n - 1 &&
	    json_object_is_type(chain[depth], json_type_object)) {
		json_object_object_del(chain[depth], segs[n - 1]);
		for (i = depth; i > 0; i--) {
			if (json_object_object_length(chain[i]) != 0)
				break;
			json_object_object_del(chain[i - 1], segs[i - 1]);
		}
	}
	for (i = 0; i < n; i++)
		free(segs[i]);
}

/* Deep merge of src into dst; with null_deletes (merge patch) a null in
 * src removes the key. */
static void
k8s_merge(struct json_object *dst, struct json_object *src, bool null_deletes)
{
	json_object_object_foreach(src, k, v)
	{
		struct json_object *d = NULL;

		if (v == NULL && null_deletes) {
			json_object_object_del(dst, k);
			continue;
		}
		if (v != NULL && json_object_is_type(v, json_type_object) &&
		    json_object_object_get_ex(dst, k, &d) && d != NULL &&
		    json_object_is_type(d, json_type_object)) {
			k8s_merge(d, v, null_deletes);
			continue;
		}
		json_object_object_add(dst, k, lv_json_copy(v));
	}
}

static struct json_object *
k8s_manager(struct lv_obj *o, const char *name, const char *op)
{
	struct k8s_priv *kp = k8s_priv(o);
	struct json_object *m = lv_json_get(kp->managers, name);

	if (m == NULL) {
		m = json_object_new_object();
		json_object_object_add(m, "paths", json_object_new_object());
		json_object_object_add(kp->managers, name, m);
	}
	lv_json_set_str(m, "operation", op);
	lv_json_set_now(m, "time", false, true);
	return m;
}

/* Someone other than self owns path. */
static const char *
k8s_other_owner(struct lv_obj *o, const char *self, const char *path)
{
	json_object_object_foreach(k8s_priv(o)->managers, name, m)
	{
		if (strcmp(name, self) != 0 &&
		    lv_json_get(lv_json_get(m, "paths"), path) != NULL)
			return name;
	}
	return NULL;
}

static void
k8s_disown(struct lv_obj *o, const char *self, const char *path)
{
	json_object_object_foreach(k8s_priv(o)->managers, name, m)
	{
		if (strcmp(name, self) != 0)
			json_object_object_del(lv_json_get(m, "paths"), path);
	}
}

/* Records an Update by manager: it owns every leaf that changed. */
static void
k8s_track_update(struct lv_obj *o, struct json_object *before,
                 const char *manager)
{
	struct json_object *now = json_object_new_object();
	struct json_object *paths;

	k8s_leaves(o->json, "", now, 0);
	paths = lv_json_get(k8s_manager(o, manager, "Update"), "paths");
	json_object_object_foreach(now, p, unused)
	{
		bool found;
		struct json_object *old = k8s_path_get(before, p, &found);
		bool f2;
		struct json_object *cur = k8s_path_get(o->json, p, &f2);

		(void)unused;
		if (before == NULL || !found || !json_object_equal(old, cur)) {
			json_object_object_add(paths, p,
			                       json_object_new_boolean(1));
			k8s_disown(o, manager, p);
		}
	}
	json_object_put(now);
}

/* metadata.managedFields from the managers' path sets. */
static struct json_object *
k8s_managed_fields(struct lv_obj *o, const char *api_version)
{
	struct json_object *arr = json_object_new_array();

	json_object_object_foreach(k8s_priv(o)->managers, name, m)
	{
		struct json_object *e = json_object_new_object();
		struct json_object *tree = json_object_new_object();

		json_object_object_foreach(lv_json_get(m, "paths"), p, unused)
		{
			char *segs[32];
			size_t n = k8s_path_split(p, segs, 32), i;
			struct json_object *node = tree;

			(void)unused;
			for (i = 0; i < n; i++) {
				char *fk = xasprintf("f:%s", segs[i]);
				struct json_object *next =
				    lv_json_get(node, fk);

				if (next == NULL) {
					next = json_object_new_object();
					json_object_object_add(node, fk, next);
				}
				node = next;
				free(fk);
				free(segs[i]);
			}
		}
		lv_json_set_str(e, "manager", name);
		lv_json_set_str(e, "operation", lv_json_str(m, "operation"));
		lv_json_set_str(e, "apiVersion", api_version);
		lv_json_set_str(e, "time", lv_json_str(m, "time"));
		lv_json_set_str(e, "fieldsType", "FieldsV1");
		json_object_object_add(e, "fieldsV1", tree);
		json_object_array_add(arr, e);
	}
	return arr;
}

/* --------------------------------------------------------- objects */

static struct json_object *
k8s_render(struct lv_obj *o, const struct k8s_res *res)
{
	struct json_object *j = lv_json_copy(o->json);
	const char *av;

	if (res != NULL && strcmp(res->plural, "horizontalpodautoscalers") == 0)
		lv_json_set_str(j, "apiVersion",
		                res->version[1] == '1' ? "autoscaling/v1"
		                                       : "autoscaling/v2");
	av = lv_json_str(j, "apiVersion");
	json_object_object_add(lv_json_get(j, "metadata"), "managedFields",
	                       k8s_managed_fields(o, av ? av : "v1"));
	return j;
}

static void
k8s_api_version(const struct k8s_res *res, char out[64])
{
	if (*res->group == '\0')
		snprintf(out, 64, "%s", res->version);
	else
		snprintf(out, 64, "%s/%s", res->group, res->version);
}

static uint32_t
k8s_fnv(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void
k8s_service_defaults(struct localvim *lv, struct lv_obj *o)
{
	struct json_object *spec = lv_json_get(o->json, "spec");
	struct json_object *ports = lv_json_get(spec, "ports");
	const char *type;
	size_t i, n = ports ? lv_json_len(ports) : 0;
	static unsigned next_ip = 10, next_node_port = 30000;

	if (spec == NULL) {
		spec = json_object_new_object();
		json_object_object_add(o->json, "spec", spec);
	}
	if (lv_json_str(spec, "type") == NULL)
		lv_json_set_str(spec, "type", "ClusterIP");
	type = lv_json_str(spec, "type");
	if (lv_json_str(spec, "clusterIP") == NULL &&
	    strcmp(type, "ExternalName") != 0) {
		char ip[16];

		ipam_format((10u << 24) | (96u << 16) | next_ip++, ip);
		lv_json_set_str(spec, "clusterIP", ip);
		json_object_object_add(
		    spec, "clusterIPs",
		    lv_json_strv((const char *const[]){ip, NULL}));
	}
	if (lv_json_str(spec, "sessionAffinity") == NULL)
		lv_json_set_str(spec, "sessionAffinity", "None");
	for (i = 0; i < n; i++) {
		struct json_object *p = lv_json_idx(ports, i);

		if (lv_json_str(p, "protocol") == NULL)
			lv_json_set_str(p, "protocol", "TCP");
		if (lv_json_get(p, "targetPort") == NULL)
			lv_json_set_int(p, "targetPort",
			                lv_json_int(p, "port", 80));
		if ((strcmp(type, "NodePort") == 0 ||
		     strcmp(type, "LoadBalancer") == 0) &&
		    lv_json_get(p, "nodePort") == NULL)
			lv_json_set_int(p, "nodePort", next_node_port++);
	}
	if (lv_json_get(o->json, "status") == NULL)
		json_object_object_add(
		    o->json, "status",
		    json_tokener_parse("{\"loadBalancer\":{}}"));
	(void)lv;
}

static void
k8s_deployment_defaults(struct lv_obj *o)
{
	struct json_object *spec = lv_json_get(o->json, "spec");

	if (spec == NULL) {
		spec = json_object_new_object();
		json_object_object_add(o->json, "spec", spec);
	}
	if (lv_json_get(spec, "replicas") == NULL)
		lv_json_set_int(spec, "replicas", 1);
	if (lv_json_get(spec, "strategy") == NULL)
		json_object_object_add(
		    spec, "strategy",
		    json_tokener_parse(
		        "{\"type\":\"RollingUpdate\",\"rollingUpdate\":"
		        "{\"maxUnavailable\":\"25%\",\"maxSurge\":"
		        "\"25%\"}}"));
	if (lv_json_get(spec, "revisionHistoryLimit") == NULL)
		lv_json_set_int(spec, "revisionHistoryLimit", 10);
	if (lv_json_get(spec, "progressDeadlineSeconds") == NULL)
		lv_json_set_int(spec, "progressDeadlineSeconds", 600);
	if (lv_json_get(o->json, "status") == NULL)
		json_object_object_add(o->json, "status",
		                       json_object_new_object());
}

static void
k8s_defaults(struct localvim *lv, struct lv_obj *o)
{
	if (k8s_is(o, "deployments"))
		k8s_deployment_defaults(o);
	else if (k8s_is(o, "services"))
		k8s_service_defaults(lv, o);
	else if (k8s_is(o, "namespaces") &&
	         lv_json_get(o->json, "status") == NULL)
		json_object_object_add(
		    o->json, "status",
		    json_tokener_parse("{\"phase\":\"Active\"}"));
}

/* Creates an object from body (consumed) under res/ns. */
static struct lv_obj *
k8s_create(struct localvim *lv, const struct k8s_res *res, const char *ns,
           struct json_object *body)
{
	struct json_object *meta = lv_json_get(body, "metadata");
	char av[64], ts[40], *key;
	struct lv_obj *o;

	if (meta == NULL) {
		meta = json_object_new_object();
		json_object_object_add(body, "metadata", meta);
	}
	if (lv_json_str(meta, "name") == NULL &&
	    lv_json_str(meta, "generateName") != NULL) {
		char suffix[6];

		lv_hex(suffix, 5);
		key = xasprintf("%s%s", lv_json_str(meta, "generateName"),
		                suffix);
		lv_json_set_str(meta, "name", key);
		free(key);
	}
	k8s_api_version(res, av);
	lv_json_set_str(body, "apiVersion", av);
	lv_json_set_str(body, "kind", res->kind);
	if (res->namespaced)
		lv_json_set_str(meta, "namespace", ns);
	else
		json_object_object_del(meta, "namespace");
	o = world_add(lv, LV_K8S, NULL, body);
	o->parent = k8s_key(res->plural, res->namespaced ? ns : "",
	                    lv_json_str(meta, "name"));
	lv_json_set_str(meta, "uid", o->id);
	lv_json_set_int(meta, "generation", 1);
	k8s_now(ts);
	lv_json_set_str(meta, "creationTimestamp", ts);
	json_object_object_del(meta, "resourceVersion");
	json_object_object_del(meta, "managedFields");
	k8s_defaults(lv, o);
	k8s_bump(lv, o);
	return o;
}

/* Bumps generation when the spec changed since before. */
static void
k8s_after_write(struct localvim *lv, struct lv_obj *o,
                struct json_object *before)
{
	struct json_object *m = k8s_meta(o);

	if (!json_object_equal(lv_json_get(before, "spec"),
	                       lv_json_get(o->json, "spec")))
		lv_json_set_int(m, "generation",
		                lv_json_int(m, "generation", 1) + 1);
	k8s_defaults(lv, o);
	k8s_bump(lv, o);
}

static void k8s_pod_remove(struct localvim *lv, struct lv_obj *pod);

static void
k8s_delete_obj(struct localvim *lv, struct lv_obj *o)
{
	struct lv_table *t = &lv->t[LV_K8S];
	size_t i;

	if (k8s_is(o, "deployments")) {
		for (i = 0; i < t->n;) {
			struct k8s_priv *kp = t->v[i]->priv;

			if (k8s_is(t->v[i], "pods") && kp && kp->owner_uid &&
			    strcmp(kp->owner_uid, o->id) == 0)
				k8s_pod_remove(lv, t->v[i]);
			else
				i++;
		}
	} else if (k8s_is(o, "namespaces")) {
		const char *ns = k8s_name_of(o);

		for (i = 0; i < t->n;) {
			const char *ons = k8s_ns_of(t->v[i]);

			if (ons != NULL && strcmp(ons, ns) == 0)
				k8s_delete_obj(lv, t->v[i]);
			else
				i++;
		}
	}
	if (k8s_is(o, "pods"))
		k8s_pod_remove(lv, o);
	else
		world_remove(lv, o);
}

/* ------------------------------------------------------ controllers */

static void
k8s_pod_remove(struct localvim *lv, struct lv_obj *pod)
{
	fprintf(stderr, "localvim: k8s: pod %s/%s: deleted\n", k8s_ns_of(pod),
	        k8s_name_of(pod));
	world_remove(lv, pod);
}

static int
k8s_pod_ip(struct localvim *lv, char out[16])
{
	struct lv_table *t = &lv->t[LV_K8S];
	uint32_t *taken = NULL, a;
	size_t n = 0, cap = 0, i;
	int r;

	for (i = 0; i < t->n; i++) {
		const char *ip =
		    lv_json_str(lv_json_get(t->v[i]->json, "status"), "podIP");

		if (k8s_is(t->v[i], "pods") && ip && ipam_parse(ip, &a) == 0) {
			XGROW(taken, cap, n + 1);
			taken[n++] = a;
		}
	}
	{
		uint32_t net = 0x0af40000u, host;
		unsigned prefix = 16;

		if (ipam_parse_cidr(lv->cfg.pod_cidr, &net, &prefix) < 0 ||
		    prefix > 30) {
			net = 0x0af40000u;
			prefix = 16;
		}
		host = prefix == 0 ? 0xffffffffu : 0xffffffffu >> prefix;
		r = ipam_next_free(net + 2, (net | host) - 1, taken, n, &a);
	}
	free(taken);
	if (r == 0)
		ipam_format(a, out);
	return r;
}

/* Starts a pod's process; sets its status Running (or Failed). */
static void
k8s_pod_start(struct localvim *lv, struct lv_obj *pod)
{
	struct json_object *spec = lv_json_get(pod->json, "spec");
	struct json_object *c0 =
	    lv_json_idx(lv_json_get(spec, "containers"), 0);
	struct json_object *p0 = lv_json_idx(lv_json_get(c0, "ports"), 0);
	struct json_object *status = json_object_new_object(), *cs, *arr;
	const char *image = lv_json_str(c0, "image");
	char ip[16], ts[40], img[128], *err = NULL;
	unsigned port = (unsigned)lv_json_int(p0, "containerPort", 80);
	bool ok;
	pid_t pid = 0;

	if (k8s_pod_ip(lv, ip) < 0)
		return;
	snprintf(img, sizeof(img), "%s", image ? image : "nginx");
	img[strcspn(img, ":@")] = '\0';
	ok = workload_spawn(lv, k8s_name_of(pod), ip, port, img, &pid, &err) ==
	     0;
	if (ok) {
		pod->pid = pid;
		pod->expect_exit = false;
	}
	k8s_now(ts);
	lv_json_set_str(status, "phase", ok ? "Running" : "Failed");
	if (!ok)
		lv_json_set_str(status, "message", err);
	lv_json_set_str(status, "hostIP", "127.0.0.1");
	lv_json_set_str(status, "podIP", ip);
	arr = json_object_new_array();
	cs = json_object_new_object();
	lv_json_set_str(cs, "ip", ip);
	json_object_array_add(arr, cs);
	json_object_object_add(status, "podIPs", arr);
	lv_json_set_str(status, "startTime", ts);
	lv_json_set_str(status, "qosClass", "BestEffort");
	arr = json_object_new_array();
	{
		static const char *const types[] = {"Initialized", "Ready",
		                                    "ContainersReady",
		                                    "PodScheduled", NULL};
		size_t i;

		for (i = 0; types[i]; i++) {
			struct json_object *c = json_object_new_object();

			lv_json_set_str(c, "type", types[i]);
			lv_json_set_str(c, "status",
			                ok || i == 0 || i == 3 ? "True"
			                                       : "False");
			lv_json_set_null(c, "lastProbeTime");
			lv_json_set_str(c, "lastTransitionTime", ts);
			json_object_array_add(arr, c);
		}
	}
	json_object_object_add(status, "conditions", arr);
	arr = json_object_new_array();
	cs = json_object_new_object();
	lv_json_set_str(cs, "name",
	                lv_json_str(c0, "name") ? lv_json_str(c0, "name")
	                                        : "main");
	lv_json_set_bool(cs, "ready", ok);
	lv_json_set_bool(cs, "started", ok);
	lv_json_set_int(cs, "restartCount", 0);
	lv_json_set_str(cs, "image", image ? image : "");
	lv_json_set_str(cs, "imageID", "");
	{
		char cid[80];

		snprintf(cid, sizeof(cid), "localvim://%d", (int)pid);
		lv_json_set_str(cs, "containerID", cid);
	}
	json_object_object_add(
	    cs, "state",
	    ok ? json_tokener_parse("{\"running\":{}}")
	       : json_tokener_parse("{\"waiting\":{\"reason\":"
	                            "\"CreateContainerError\"}}"));
	json_object_array_add(arr, cs);
	json_object_object_add(status, "containerStatuses", arr);
	json_object_object_add(pod->json, "status", status);
	lv_json_set_str(lv_json_get(pod->json, "spec"), "nodeName", "localvim");
	k8s_bump(lv, pod);
	fprintf(stderr, "localvim: k8s: pod %s/%s: %s on %s\n", k8s_ns_of(pod),
	        k8s_name_of(pod), ok ? "Running" : "Failed", ip);
	free(err);
}

static bool
k8s_pod_ready(struct lv_obj *pod)
{
	const char *phase =
	    lv_json_str(lv_json_get(pod->json, "status"), "phase");

	return pod->pid > 0 && phase && strcmp(phase, "Running") == 0;
}

static void
k8s_pod_new(struct localvim *lv, struct lv_obj *dep, const char *hash)
{
	struct json_object *tmpl =
	    lv_json_get(lv_json_get(dep->json, "spec"), "template");
	struct json_object *pod = json_object_new_object(), *meta, *labels;
	struct json_object *refs, *ref;
	const struct k8s_res *res = &k8s_resources[1];
	struct k8s_priv *kp;
	struct lv_obj *o;
	char suffix[6], *name;

	meta = json_object_new_object();
	lv_hex(suffix, 5);
	name = xasprintf("%s-%s-%s", k8s_name_of(dep), hash, suffix);
	lv_json_set_str(meta, "name", name);
	free(name);
	labels =
	    lv_json_copy(lv_json_get(lv_json_get(tmpl, "metadata"), "labels"));
	if (labels == NULL)
		labels = json_object_new_object();
	lv_json_set_str(labels, "pod-template-hash", hash);
	json_object_object_add(meta, "labels", labels);
	refs = json_object_new_array();
	ref = json_object_new_object();
	lv_json_set_str(ref, "apiVersion", "apps/v1");
	lv_json_set_str(ref, "kind", "ReplicaSet");
	name = xasprintf("%s-%s", k8s_name_of(dep), hash);
	lv_json_set_str(ref, "name", name);
	free(name);
	lv_json_set_str(ref, "uid", dep->id);
	lv_json_set_bool(ref, "controller", true);
	lv_json_set_bool(ref, "blockOwnerDeletion", true);
	json_object_array_add(refs, ref);
	json_object_object_add(meta, "ownerReferences", refs);
	json_object_object_add(pod, "metadata", meta);
	json_object_object_add(pod, "spec",
	                       lv_json_copy(lv_json_get(tmpl, "spec")));
	o = k8s_create(lv, res, k8s_ns_of(dep), pod);
	kp = k8s_priv(o);
	kp->owner_uid = xstrdup(dep->id);
	kp->hash = xstrdup(hash);
	k8s_pod_start(lv, o);
}

static void
k8s_cond(struct json_object *conds, const char *type, const char *status,
         const char *reason, const char *msg)
{
	struct json_object *c = json_object_new_object();

	lv_json_set_str(c, "type", type);
	lv_json_set_str(c, "status", status);
	lv_json_set_str(c, "reason", reason);
	lv_json_set_str(c, "message", msg);
	json_object_array_add(conds, c);
}

static void
k8s_deployment_sync(struct localvim *lv, struct lv_obj *dep)
{
	struct json_object *spec = lv_json_get(dep->json, "spec");
	struct json_object *tmpl = lv_json_get(spec, "template");
	struct lv_table *t = &lv->t[LV_K8S];
	int64_t want = lv_json_int(spec, "replicas", 1);
	struct json_object *status, *conds;
	char hash[16];
	size_t i;
	int64_t have = 0, ready = 0, updated = 0, total = 0;

	snprintf(hash, sizeof(hash), "%08x",
	         k8s_fnv(json_object_to_json_string_ext(
	             tmpl, JSON_C_TO_STRING_PLAIN)));
	hash[9] = '\0';
	/* Old-template pods go first (a Recreate-like rollout); then extra
	 * ones, newest first. */
	for (i = t->n; i > 0; i--) {
		struct lv_obj *p = t->v[i - 1];
		struct k8s_priv *kp = p->priv;

		if (!k8s_is(p, "pods") || kp == NULL || kp->owner_uid == NULL ||
		    strcmp(kp->owner_uid, dep->id) != 0)
			continue;
		if (strcmp(kp->hash, hash) != 0) {
			k8s_pod_remove(lv, p);
			continue;
		}
		have++;
	}
	for (i = t->n; i > 0 && have > want; i--) {
		struct lv_obj *p = t->v[i - 1];
		struct k8s_priv *kp = p->priv;

		if (k8s_is(p, "pods") && kp && kp->owner_uid &&
		    strcmp(kp->owner_uid, dep->id) == 0) {
			k8s_pod_remove(lv, p);
			have--;
		}
	}
	while (have < want && tmpl != NULL) {
		k8s_pod_new(lv, dep, hash);
		have++;
	}
	for (i = 0; i < t->n; i++) {
		struct lv_obj *p = t->v[i];
		struct k8s_priv *kp = p->priv;

		if (!k8s_is(p, "pods") || kp == NULL || kp->owner_uid == NULL ||
		    strcmp(kp->owner_uid, dep->id) != 0)
			continue;
		total++;
		updated++;
		if (k8s_pod_ready(p))
			ready++;
	}
	status = json_object_new_object();
	lv_json_set_int(status, "observedGeneration",
	                lv_json_int(k8s_meta(dep), "generation", 1));
	lv_json_set_int(status, "replicas", total);
	lv_json_set_int(status, "updatedReplicas", updated);
	lv_json_set_int(status, "readyReplicas", ready);
	lv_json_set_int(status, "availableReplicas", ready);
	if (total - ready > 0)
		lv_json_set_int(status, "unavailableReplicas", total - ready);
	conds = json_object_new_array();
	k8s_cond(conds, "Available", ready >= want ? "True" : "False",
	         ready >= want ? "MinimumReplicasAvailable"
	                       : "MinimumReplicasUnavailable",
	         "Deployment availability");
	k8s_cond(conds, "Progressing", "True", "NewReplicaSetAvailable",
	         "ReplicaSet has successfully progressed.");
	json_object_object_add(status, "conditions", conds);
	if (!json_object_equal(status, lv_json_get(dep->json, "status"))) {
		json_object_object_add(dep->json, "status", status);
		k8s_bump(lv, dep);
	} else {
		json_object_put(status);
	}
}

static void
k8s_slice_sync(struct localvim *lv, struct lv_obj *svc)
{
	struct json_object *spec = lv_json_get(svc->json, "spec");
	struct json_object *sel = lv_json_get(spec, "selector");
	struct json_object *eps = json_object_new_array(), *ports, *slice;
	struct lv_table *t = &lv->t[LV_K8S];
	const char *ns = k8s_ns_of(svc);
	struct lv_obj *o;
	char name[300];
	size_t i, n;

	snprintf(name, sizeof(name), "%s-%.5s", k8s_name_of(svc), svc->id);
	for (i = 0; i < t->n; i++) {
		struct lv_obj *p = t->v[i];
		struct json_object *labels, *e, *c, *ref;
		const char *ip;
		bool ok = true;

		if (!k8s_is(p, "pods") || strcmp(k8s_ns_of(p), ns) != 0)
			continue;
		labels = lv_json_get(k8s_meta(p), "labels");
		if (!json_object_is_type(sel, json_type_object))
			continue;
		json_object_object_foreach(sel, k, v)
		{
			const char *have = lv_json_str(labels, k);

			if (have == NULL || v == NULL ||
			    strcmp(have, json_object_get_string(v)) != 0)
				ok = false;
		}
		ip = lv_json_str(lv_json_get(p->json, "status"), "podIP");
		if (!ok || ip == NULL)
			continue;
		e = json_object_new_object();
		json_object_object_add(
		    e, "addresses",
		    lv_json_strv((const char *const[]){ip, NULL}));
		c = json_object_new_object();
		lv_json_set_bool(c, "ready", k8s_pod_ready(p));
		lv_json_set_bool(c, "serving", k8s_pod_ready(p));
		lv_json_set_bool(c, "terminating", false);
		json_object_object_add(e, "conditions", c);
		lv_json_set_str(e, "nodeName", "localvim");
		ref = json_object_new_object();
		lv_json_set_str(ref, "kind", "Pod");
		lv_json_set_str(ref, "namespace", ns);
		lv_json_set_str(ref, "name", k8s_name_of(p));
		lv_json_set_str(ref, "uid", p->id);
		json_object_object_add(e, "targetRef", ref);
		json_object_array_add(eps, e);
	}
	ports = json_object_new_array();
	n = lv_json_len(lv_json_get(spec, "ports"));
	for (i = 0; i < n; i++) {
		struct json_object *sp =
		    lv_json_idx(lv_json_get(spec, "ports"), i);
		struct json_object *p = json_object_new_object();

		if (lv_json_str(sp, "name"))
			lv_json_set_str(p, "name", lv_json_str(sp, "name"));
		else
			lv_json_set_str(p, "name", "");
		lv_json_set_int(
		    p, "port",
		    lv_json_int(sp, "targetPort", lv_json_int(sp, "port", 80)));
		lv_json_set_str(p, "protocol", lv_json_str(sp, "protocol"));
		json_object_array_add(ports, p);
	}
	o = k8s_find(lv, "endpointslices", ns, name);
	if (o != NULL &&
	    json_object_equal(eps, lv_json_get(o->json, "endpoints")) &&
	    json_object_equal(ports, lv_json_get(o->json, "ports"))) {
		json_object_put(eps);
		json_object_put(ports);
		return;
	}
	if (o == NULL) {
		struct json_object *meta = json_object_new_object(), *labels;
		struct json_object *refs = json_object_new_array(), *ref;

		slice = json_object_new_object();
		lv_json_set_str(meta, "name", name);
		labels = json_object_new_object();
		lv_json_set_str(labels, "kubernetes.io/service-name",
		                k8s_name_of(svc));
		lv_json_set_str(labels,
		                "endpointslice.kubernetes.io/managed-by",
		                "endpointslice-controller.k8s.io");
		json_object_object_add(meta, "labels", labels);
		ref = json_object_new_object();
		lv_json_set_str(ref, "apiVersion", "v1");
		lv_json_set_str(ref, "kind", "Service");
		lv_json_set_str(ref, "name", k8s_name_of(svc));
		lv_json_set_str(ref, "uid", svc->id);
		json_object_array_add(refs, ref);
		json_object_object_add(meta, "ownerReferences", refs);
		json_object_object_add(slice, "metadata", meta);
		lv_json_set_str(slice, "addressType", "IPv4");
		o = k8s_create(lv, &k8s_resources[5], ns, slice);
	}
	json_object_object_add(o->json, "endpoints", eps);
	json_object_object_add(o->json, "ports", ports);
	k8s_bump(lv, o);
}

void
k8s_tick(struct localvim *lv, double now)
{
	struct lv_table *t = &lv->t[LV_K8S];
	size_t i;

	for (i = 0; i < t->n; i++)
		if (k8s_is(t->v[i], "deployments"))
			k8s_deployment_sync(lv, t->v[i]);
	/* Bare pods (not from a Deployment) start once. */
	for (i = 0; i < t->n; i++) {
		struct lv_obj *p = t->v[i];

		if (k8s_is(p, "pods") && p->pid == 0 &&
		    lv_json_get(p->json, "status") == NULL)
			k8s_pod_start(lv, p);
	}
	for (i = 0; i < t->n; i++)
		if (k8s_is(t->v[i], "services") &&
		    lv_json_get(lv_json_get(t->v[i]->json, "spec"),
		                "selector") != NULL)
			k8s_slice_sync(lv, t->v[i]);
	/* Slices of deleted services go too. */
	for (i = 0; i < t->n;) {
		struct lv_obj *o = t->v[i];
		const char *svc =
		    lv_json_str(lv_json_get(k8s_meta(o), "labels"),
		                "kubernetes.io/service-name");

		if (k8s_is(o, "endpointslices") && svc != NULL &&
		    k8s_find(lv, "services", k8s_ns_of(o), svc) == NULL)
			world_remove(lv, o);
		else
			i++;
	}
	(void)now;
}

void
k8s_exited(struct localvim *lv, struct lv_obj *pod, int status)
{
	struct k8s_priv *kp = pod->priv;

	if (pod->expect_exit)
		return;
	fprintf(stderr, "localvim: k8s: pod %s/%s: process died\n",
	        k8s_ns_of(pod), k8s_name_of(pod));
	if (kp != NULL && kp->owner_uid != NULL) {
		/* The ReplicaSet replaces it on the next tick. */
		k8s_pod_remove(lv, pod);
		return;
	}
	lv_json_set_str(lv_json_get(pod->json, "status"), "phase", "Failed");
	k8s_bump(lv, pod);
}

int
k8s_kill_by_name(struct localvim *lv, const char *name)
{
	struct lv_table *t = &lv->t[LV_K8S];
	size_t i;

	for (i = 0; i < t->n; i++) {
		struct lv_obj *o = t->v[i];

		if (k8s_is(o, "pods") && o->pid > 0 &&
		    strcmp(k8s_name_of(o), name) == 0) {
			kill(o->pid, SIGKILL);
			return 0;
		}
	}
	return -ENOENT;
}

void
k8s_populate(struct localvim *lv)
{
	static const char *const names[] = {"default", "kube-system",
	                                    "kube-public", NULL};
	size_t i;

	for (i = 0; names[i]; i++) {
		struct json_object *ns = json_object_new_object();
		struct json_object *meta = json_object_new_object();

		lv_json_set_str(meta, "name", names[i]);
		json_object_object_add(ns, "metadata", meta);
		k8s_create(lv, &k8s_resources[0], NULL, ns);
	}
}

/* ---------------------------------------------------------- routing */

struct k8s_path {
	const struct k8s_res *res;
	const char *ns;
	const char *name;
	const char *sub;
};

static const struct k8s_res *
k8s_res_find(const char *group, const char *version, const char *plural)
{
	const struct k8s_res *r;

	for (r = k8s_resources; r->plural; r++)
		if (strcmp(r->group, group) == 0 &&
		    strcmp(r->version, version) == 0 &&
		    strcmp(r->plural, plural) == 0)
			return r;
	return NULL;
}

/* Parses /api/v1/... and /apis/G/V/...; false when not a resource path. */
static bool
k8s_parse(struct http_req *req, struct k8s_path *p)
{
	const char *group, *version;
	size_t b;

	memset(p, 0, sizeof(*p));
	if (req->nseg >= 3 && strcmp(req->segs[0], "api") == 0) {
		group = "";
		version = req->segs[1];
		b = 2;
	} else if (req->nseg >= 4 && strcmp(req->segs[0], "apis") == 0) {
		group = req->segs[1];
		version = req->segs[2];
		b = 3;
	} else {
		return false;
	}
	if (req->nseg >= b + 3 && strcmp(req->segs[b], "namespaces") == 0) {
		p->ns = req->segs[b + 1];
		b += 2;
	}
	p->res = k8s_res_find(group, version, req->segs[b]);
	if (p->res == NULL)
		return false;
	if (req->nseg > b + 1)
		p->name = req->segs[b + 1];
	if (req->nseg > b + 2)
		p->sub = req->segs[b + 2];
	return req->nseg <= b + 3;
}

static void
k8s_status_ok(struct http_req *req, struct lv_obj *o, const char *kind)
{
	struct json_object *s = json_object_new_object(), *d;

	lv_json_set_str(s, "kind", "Status");
	lv_json_set_str(s, "apiVersion", "v1");
	json_object_object_add(s, "metadata", json_object_new_object());
	lv_json_set_str(s, "status", "Success");
	d = json_object_new_object();
	lv_json_set_str(d, "name", k8s_name_of(o));
	lv_json_set_str(d, "kind", kind);
	lv_json_set_str(d, "uid", o->id);
	json_object_object_add(s, "details", d);
	http_reply_json(req, 200, s);
}

/* ------------------------------------------------- Table (kubectl get) */

static bool
k8s_wants_table(const struct http_req *req)
{
	const char *accept = http_header(req, "Accept");

	return accept != NULL && strstr(accept, "as=Table") != NULL;
}

static char *
k8s_age(struct json_object *obj)
{
	const char *ts =
	    lv_json_str(lv_json_get(obj, "metadata"), "creationTimestamp");
	struct tm tm;
	long age;

	memset(&tm, 0, sizeof(tm));
	if (ts == NULL || strptime(ts, "%Y-%m-%dT%H:%M:%SZ", &tm) == NULL)
		return xstrdup("<unknown>");
	age = (long)(time(NULL) - timegm(&tm));
	if (age < 0)
		age = 0;
	if (age < 120)
		return xasprintf("%lds", age);
	if (age < 7200)
		return xasprintf("%ldm", age / 60);
	if (age < 172800)
		return xasprintf("%ldh", age / 3600);
	return xasprintf("%ldd", age / 86400);
}

static void
k8s_col(struct json_object *cols, const char *name, const char *type,
        int priority)
{
	struct json_object *c = json_object_new_object();

	lv_json_set_str(c, "name", name);
	lv_json_set_str(c, "type", type);
	lv_json_set_str(c, "format", strcmp(name, "Name") == 0 ? "name" : "");
	lv_json_set_str(c, "description", "");
	lv_json_set_int(c, "priority", priority);
	json_object_array_add(cols, c);
}

static void
k8s_cell_str(struct json_object *cells, const char *s)
{
	json_object_array_add(cells, json_object_new_string(s ? s : ""));
}

static void k8s_cell_fmt(struct json_object *cells, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
k8s_cell_fmt(struct json_object *cells, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	k8s_cell_str(cells, strbuf_str(&sb));
	strbuf_done(&sb);
}

/* The columns kubectl prints for res and one row of cells for obj. */
static void
k8s_table_row(const struct k8s_res *res, struct json_object *obj,
              struct json_object *cols, struct json_object *cells)
{
	struct json_object *spec = lv_json_get(obj, "spec");
	struct json_object *st = lv_json_get(obj, "status");
	const char *plural = res->plural;
	char *age = k8s_age(obj);

	if (cols)
		k8s_col(cols, "Name", "string", 0);
	k8s_cell_str(cells, lv_json_str(lv_json_get(obj, "metadata"), "name"));
	if (strcmp(plural, "deployments") == 0) {
		if (cols) {
			k8s_col(cols, "Ready", "string", 0);
			k8s_col(cols, "Up-to-date", "integer", 0);
			k8s_col(cols, "Available", "integer", 0);
		}
		k8s_cell_fmt(cells, "%lld/%lld",
		             (long long)lv_json_int(st, "readyReplicas", 0),
		             (long long)lv_json_int(spec, "replicas", 1));
		json_object_array_add(cells, json_object_new_int64(lv_json_int(
		                                 st, "updatedReplicas", 0)));
		json_object_array_add(cells, json_object_new_int64(lv_json_int(
		                                 st, "availableReplicas", 0)));
	} else if (strcmp(plural, "pods") == 0) {
		struct json_object *cs =
		    lv_json_idx(lv_json_get(st, "containerStatuses"), 0);

		if (cols) {
			k8s_col(cols, "Ready", "string", 0);
			k8s_col(cols, "Status", "string", 0);
			k8s_col(cols, "Restarts", "string", 0);
		}
		k8s_cell_fmt(cells, "%d/1",
		             lv_json_bool(cs, "ready", false) ? 1 : 0);
		k8s_cell_str(cells, lv_json_str(st, "phase")
		                        ? lv_json_str(st, "phase")
		                        : "Pending");
		k8s_cell_fmt(cells, "%lld",
		             (long long)lv_json_int(cs, "restartCount", 0));
	} else if (strcmp(plural, "services") == 0) {
		struct json_object *ports = lv_json_get(spec, "ports");
		struct strbuf sb = STRBUF_INIT;
		size_t i, n = ports ? lv_json_len(ports) : 0;

		if (cols) {
			k8s_col(cols, "Type", "string", 0);
			k8s_col(cols, "Cluster-IP", "string", 0);
			k8s_col(cols, "External-IP", "string", 0);
			k8s_col(cols, "Port(s)", "string", 0);
		}
		for (i = 0; i < n; i++) {
			struct json_object *pt = lv_json_idx(ports, i);

			strbuf_printf(&sb, "%s%lld", i ? "," : "",
			              (long long)lv_json_int(pt, "port", 0));
			if (lv_json_get(pt, "nodePort"))
				strbuf_printf(
				    &sb, ":%lld",
				    (long long)lv_json_int(pt, "nodePort", 0));
			strbuf_printf(&sb, "/%s", lv_json_str(pt, "protocol"));
		}
		k8s_cell_str(cells, lv_json_str(spec, "type"));
		k8s_cell_str(cells, lv_json_str(spec, "clusterIP"));
		k8s_cell_str(cells, "<none>");
		k8s_cell_str(cells, n ? strbuf_str(&sb) : "<none>");
		strbuf_done(&sb);
	} else if (strcmp(plural, "endpointslices") == 0) {
		struct json_object *eps = lv_json_get(obj, "endpoints");
		struct strbuf sb = STRBUF_INIT;
		size_t i, n = eps ? lv_json_len(eps) : 0;

		if (cols) {
			k8s_col(cols, "AddressType", "string", 0);
			k8s_col(cols, "Ports", "string", 0);
			k8s_col(cols, "Endpoints", "string", 0);
		}
		for (i = 0; i < n; i++)
			strbuf_printf(
			    &sb, "%s%s", i ? "," : "",
			    json_object_get_string(lv_json_idx(
			        lv_json_get(lv_json_idx(eps, i), "addresses"),
			        0)));
		k8s_cell_str(cells, lv_json_str(obj, "addressType"));
		k8s_cell_fmt(
		    cells, "%lld",
		    (long long)lv_json_int(
		        lv_json_idx(lv_json_get(obj, "ports"), 0), "port", 0));
		k8s_cell_str(cells, n ? strbuf_str(&sb) : "<unset>");
		strbuf_done(&sb);
	} else if (strcmp(plural, "namespaces") == 0) {
		if (cols)
			k8s_col(cols, "Status", "string", 0);
		k8s_cell_str(cells, lv_json_str(st, "phase"));
	}
	if (cols)
		k8s_col(cols, "Age", "string", 0);
	k8s_cell_str(cells, age);
	free(age);
	if (strcmp(plural, "pods") == 0) {
		if (cols) {
			k8s_col(cols, "IP", "string", 1);
			k8s_col(cols, "Node", "string", 1);
		}
		k8s_cell_str(cells, lv_json_str(st, "podIP"));
		k8s_cell_str(cells, lv_json_str(spec, "nodeName"));
	}
}

/* Replies a meta.k8s.io/v1 Table of items (consumed). */
static void
k8s_table(struct localvim *lv, struct http_req *req, const struct k8s_res *res,
          struct json_object *items, const char *cont)
{
	struct json_object *t = json_object_new_object(), *cols, *rows, *meta;
	size_t i, n = lv_json_len(items);
	char rv[32];

	lv_json_set_str(t, "kind", "Table");
	lv_json_set_str(t, "apiVersion", "meta.k8s.io/v1");
	meta = json_object_new_object();
	snprintf(rv, sizeof(rv), "%llu", lv->k8s_rv);
	lv_json_set_str(meta, "resourceVersion", rv);
	if (cont != NULL)
		lv_json_set_str(meta, "continue", cont);
	json_object_object_add(t, "metadata", meta);
	cols = json_object_new_array();
	rows = json_object_new_array();
	if (n == 0) {
		struct json_object *dummy = json_object_new_object();
		struct json_object *cells = json_object_new_array();

		json_object_object_add(dummy, "metadata",
		                       json_object_new_object());
		k8s_table_row(res, dummy, cols, cells);
		json_object_put(cells);
		json_object_put(dummy);
	}
	for (i = 0; i < n; i++) {
		struct json_object *obj = lv_json_idx(items, i);
		struct json_object *row = json_object_new_object();
		struct json_object *cells = json_object_new_array();
		struct json_object *pom = json_object_new_object();

		k8s_table_row(res, obj, i == 0 ? cols : NULL, cells);
		json_object_object_add(row, "cells", cells);
		lv_json_set_str(pom, "kind", "PartialObjectMetadata");
		lv_json_set_str(pom, "apiVersion", "meta.k8s.io/v1");
		json_object_object_add(
		    pom, "metadata",
		    lv_json_copy(lv_json_get(obj, "metadata")));
		json_object_object_add(row, "object", pom);
		json_object_array_add(rows, row);
	}
	json_object_object_add(t, "columnDefinitions", cols);
	json_object_object_add(t, "rows", rows);
	json_object_put(items);
	http_reply_json(req, 200, t);
}

static void
k8s_list(struct localvim *lv, struct http_req *req, const struct k8s_path *p)
{
	const char *sel = query_get(&req->query, "labelSelector");
	const char *fsel = query_get(&req->query, "fieldSelector");
	struct lv_table *t = &lv->t[LV_K8S];
	struct json_object *out = json_object_new_object(), *items, *meta;
	char kind[96], av[64], rv[32];
	size_t i;

	items = json_object_new_array();
	for (i = 0; i < t->n; i++) {
		struct lv_obj *o = t->v[i];
		int m;

		if (!k8s_is(o, p->res->plural) ||
		    (p->ns && (k8s_ns_of(o) == NULL ||
		               strcmp(k8s_ns_of(o), p->ns) != 0)))
			continue;
		m = query_labels_match(sel, lv_json_get(k8s_meta(o), "labels"));
		if (m < 0) {
			json_object_put(items);
			json_object_put(out);
			http_error(req, 400, "unable to parse requirement: %s",
			           sel);
			return;
		}
		if (m == 0)
			continue;
		if (fsel != NULL && strncmp(fsel, "metadata.name=", 14) == 0 &&
		    strcmp(fsel + 14 + (fsel[14] == '='), k8s_name_of(o)) != 0)
			continue;
		if (fsel != NULL &&
		    strncmp(fsel, "metadata.namespace=", 19) == 0 &&
		    (k8s_ns_of(o) == NULL ||
		     strcmp(fsel + 19 + (fsel[19] == '='), k8s_ns_of(o)) != 0))
			continue;
		json_object_array_add(items, k8s_render(o, p->res));
	}
	{
		/* Chunks: "continue" is the offset of the next item. */
		const char *lim = query_get(&req->query, "limit");
		const char *cont = query_get(&req->query, "continue");
		size_t n = lv_json_len(items);
		size_t start = cont && *cont ? strtoul(cont, NULL, 10) : 0;
		size_t limit = lim && *lim ? strtoul(lim, NULL, 10) : 0;

		if (start > 0 || (limit > 0 && limit < n)) {
			struct json_object *page = json_object_new_array();

			for (i = start;
			     i < n && (limit == 0 || i < start + limit); i++)
				json_object_array_add(
				    page,
				    json_object_get(lv_json_idx(items, i)));
			if (i < n) {
				snprintf(rv, sizeof(rv), "%zu", i);
				lv_json_set_str(out, "continue-offset", rv);
			}
			json_object_put(items);
			items = page;
		}
	}
	if (k8s_wants_table(req)) {
		char *cont = lv_json_str(out, "continue-offset")
		                 ? xstrdup(lv_json_str(out, "continue-offset"))
		                 : NULL;

		json_object_put(out);
		k8s_table(lv, req, p->res, items, cont);
		free(cont);
		return;
	}
	k8s_api_version(p->res, av);
	snprintf(kind, sizeof(kind), "%sList", p->res->kind);
	lv_json_set_str(out, "kind", kind);
	lv_json_set_str(out, "apiVersion", av);
	meta = json_object_new_object();
	if (lv_json_str(out, "continue-offset") != NULL) {
		lv_json_set_str(meta, "continue",
		                lv_json_str(out, "continue-offset"));
		json_object_object_del(out, "continue-offset");
	}
	snprintf(rv, sizeof(rv), "%llu", lv->k8s_rv);
	lv_json_set_str(meta, "resourceVersion", rv);
	json_object_object_add(out, "metadata", meta);
	json_object_object_add(out, "items", items);
	http_reply_json(req, 200, out);
}

static int
k8s_body(struct http_req *req, struct json_object **ret)
{
	const char *ct = http_header(req, "Content-Type");

	if (req->body.len == 0) {
		http_error(req, 400, "the request body is empty");
		return -EINVAL;
	}
	if (ct != NULL && strstr(ct, "yaml") != NULL) {
		if (yamljson_parse(req->body.buf, req->body.len, ret) < 0 ||
		    *ret == NULL ||
		    !json_object_is_type(*ret, json_type_object)) {
			json_object_put(*ret);
			http_error(req, 400, "error decoding YAML body");
			return -EINVAL;
		}
		return 0;
	}
	if (http_body_json(req, ret) < 0)
		return -EINVAL;
	if (!json_object_is_type(*ret, json_type_object)) {
		json_object_put(*ret);
		*ret = NULL;
		http_error(req, 400, "the request body must be a JSON object");
		return -EINVAL;
	}
	return 0;
}

/* A stale metadata.resourceVersion in body is a 409. */
static bool
k8s_rv_ok(struct http_req *req, struct lv_obj *o, struct json_object *body)
{
	const char *want =
	    lv_json_str(lv_json_get(body, "metadata"), "resourceVersion");
	const char *have = lv_json_str(k8s_meta(o), "resourceVersion");

	if (want == NULL || *want == '\0' || strcmp(want, have) == 0)
		return true;
	http_error(req, 409,
	           "Operation cannot be fulfilled on %s \"%s\": the object has "
	           "been modified; please apply your changes to the latest "
	           "version and try again",
	           o->parent, k8s_name_of(o));
	return false;
}

static const char *
k8s_field_manager(struct http_req *req, const char *def)
{
	const char *m = query_get(&req->query, "fieldManager");

	return m && *m ? m : def;
}

/* Server-side apply of body onto o (or a new object). */
static void
k8s_apply(struct localvim *lv, struct http_req *req, const struct k8s_path *p,
          struct lv_obj *o, struct json_object *body)
{
	const char *manager = query_get(&req->query, "fieldManager");
	const char *force = query_get(&req->query, "force");
	bool forced = force && strcmp(force, "true") == 0;
	struct json_object *set = json_object_new_object(), *mgr, *old, *before;
	struct strbuf conflicts = STRBUF_INIT;
	int nconf = 0;

	if (manager == NULL || *manager == '\0') {
		http_error(req, 400,
		           "PATCH, application/apply-patch+yaml: "
		           "fieldManager is required for apply requests");
		goto out;
	}
	if (lv_json_str(lv_json_get(body, "metadata"), "name") != NULL &&
	    strcmp(lv_json_str(lv_json_get(body, "metadata"), "name"),
	           p->name) != 0) {
		http_error(req, 400,
		           "the name of the object does not match "
		           "the name on the URL");
		goto out;
	}
	k8s_leaves(body, "", set, 0);
	if (o == NULL) {
		struct json_object *copy = lv_json_copy(body);

		if (lv_json_get(copy, "metadata") == NULL)
			json_object_object_add(copy, "metadata",
			                       json_object_new_object());
		lv_json_set_str(lv_json_get(copy, "metadata"), "name", p->name);
		o = k8s_create(lv, p->res, p->ns, copy);
		mgr = k8s_manager(o, manager, "Apply");
		json_object_object_add(mgr, "paths", set);
		set = NULL;
		json_object_object_add(
		    o->json, "status",
		    lv_json_get(o->json, "status")
		        ? lv_json_copy(lv_json_get(o->json, "status"))
		        : NULL);
		if (lv_json_get(o->json, "status") == NULL)
			json_object_object_del(o->json, "status");
		k8s_defaults(lv, o);
		{
			struct json_object *r = k8s_render(o, p->res);

			http_reply_json(req, 201, r);
		}
		goto out;
	}
	json_object_object_foreach(set, path, unused)
	{
		bool f1, f2;
		struct json_object *live = k8s_path_get(o->json, path, &f1);
		struct json_object *want = k8s_path_get(body, path, &f2);
		const char *owner = k8s_other_owner(o, manager, path);

		(void)unused;
		if (f1 && owner != NULL && !json_object_equal(live, want)) {
			char *segs[32];
			size_t n = k8s_path_split(path, segs, 32), i;

			strbuf_printf(&conflicts, "%s conflict with \"%s\": ",
			              nconf ? "," : "", owner);
			for (i = 0; i < n; i++) {
				strbuf_printf(&conflicts, ".%s", segs[i]);
				free(segs[i]);
			}
			nconf++;
		}
	}
	if (nconf > 0 && !forced) {
		http_error(req, 409, "Apply failed with %d conflict%s:%s",
		           nconf, nconf > 1 ? "s" : "", strbuf_str(&conflicts));
		goto out;
	}
	before = lv_json_copy(o->json);
	mgr = k8s_manager(o, manager, "Apply");
	old = lv_json_get(mgr, "paths");
	json_object_object_foreach(old, oldp, unused2)
	{
		(void)unused2;
		if (lv_json_get(set, oldp) == NULL &&
		    k8s_other_owner(o, manager, oldp) == NULL)
			k8s_path_del(o->json, oldp);
	}
	{
		struct json_object *copy = lv_json_copy(body);

		json_object_object_del(copy, "status");
		json_object_object_del(copy, "apiVersion");
		json_object_object_del(copy, "kind");
		k8s_merge(o->json, copy, false);
		json_object_put(copy);
	}
	json_object_object_foreach(set, path2, unused3)
	{
		(void)unused3;
		if (forced)
			k8s_disown(o, manager, path2);
	}
	json_object_object_add(mgr, "paths", set);
	set = NULL;
	k8s_after_write(lv, o, before);
	json_object_put(before);
	http_reply_json(req, 200, k8s_render(o, p->res));
out:
	json_object_put(set);
	strbuf_done(&conflicts);
}

static struct json_object *
k8s_scale_of(struct lv_obj *dep)
{
	struct json_object *s = json_object_new_object(), *meta, *spec, *st;
	struct json_object *ml =
	    lv_json_get(lv_json_get(lv_json_get(dep->json, "spec"), "selector"),
	                "matchLabels");
	struct strbuf sel = STRBUF_INIT;

	lv_json_set_str(s, "kind", "Scale");
	lv_json_set_str(s, "apiVersion", "autoscaling/v1");
	meta = json_object_new_object();
	lv_json_set_str(meta, "name", k8s_name_of(dep));
	lv_json_set_str(meta, "namespace", k8s_ns_of(dep));
	lv_json_set_str(meta, "uid", dep->id);
	lv_json_set_str(meta, "resourceVersion",
	                lv_json_str(k8s_meta(dep), "resourceVersion"));
	json_object_object_add(s, "metadata", meta);
	spec = json_object_new_object();
	lv_json_set_int(
	    spec, "replicas",
	    lv_json_int(lv_json_get(dep->json, "spec"), "replicas", 1));
	json_object_object_add(s, "spec", spec);
	st = json_object_new_object();
	lv_json_set_int(
	    st, "replicas",
	    lv_json_int(lv_json_get(dep->json, "status"), "replicas", 0));
	if (ml != NULL && json_object_is_type(ml, json_type_object)) {
		json_object_object_foreach(ml, k, v)
		{
			strbuf_printf(&sel, "%s%s=%s", sel.len ? "," : "", k,
			              json_object_get_string(v));
		}
	}
	lv_json_set_str(st, "selector", strbuf_str(&sel));
	strbuf_done(&sel);
	json_object_object_add(s, "status", st);
	return s;
}

static void
k8s_scale(struct localvim *lv, struct http_req *req, struct lv_obj *dep)
{
	struct json_object *body = NULL, *before;
	int64_t replicas;

	if (strcmp(req->method, "GET") == 0) {
		http_reply_json(req, 200, k8s_scale_of(dep));
		return;
	}
	if (strcmp(req->method, "PUT") != 0 &&
	    strcmp(req->method, "PATCH") != 0) {
		http_error(req, 405, "method not allowed");
		return;
	}
	if (k8s_body(req, &body) < 0)
		return;
	if (strcmp(req->method, "PUT") == 0 && !k8s_rv_ok(req, dep, body))
		goto out;
	replicas = lv_json_int(lv_json_get(body, "spec"), "replicas", -1);
	if (replicas < 0) {
		http_error(req, 422, "spec.replicas: Invalid value");
		goto out;
	}
	before = lv_json_copy(dep->json);
	lv_json_set_int(lv_json_get(dep->json, "spec"), "replicas", replicas);
	k8s_track_update(dep, before, k8s_field_manager(req, "kubectl-scale"));
	k8s_after_write(lv, dep, before);
	json_object_put(before);
	http_reply_json(req, 200, k8s_scale_of(dep));
out:
	json_object_put(body);
}

static void
k8s_object(struct localvim *lv, struct http_req *req, const struct k8s_path *p)
{
	const char *m = req->method;
	struct lv_obj *o = k8s_find(lv, p->res->plural,
	                            p->res->namespaced ? p->ns : "", p->name);
	struct json_object *body = NULL, *before;
	const char *ct = http_header(req, "Content-Type");

	if (p->sub != NULL) {
		if (o == NULL)
			http_error(req, 404, "%s \"%s\" not found",
			           p->res->plural, p->name);
		else if (strcmp(p->sub, "scale") == 0 &&
		         strcmp(p->res->plural, "deployments") == 0)
			k8s_scale(lv, req, o);
		else if (strcmp(p->sub, "status") == 0 && strcmp(m, "GET") == 0)
			http_reply_json(req, 200, k8s_render(o, p->res));
		return;
	}
	if (strcmp(m, "PATCH") == 0 && ct != NULL &&
	    strstr(ct, "apply-patch") != NULL) {
		if (k8s_body(req, &body) < 0)
			return;
		k8s_apply(lv, req, p, o, body);
		json_object_put(body);
		return;
	}
	if (o == NULL) {
		http_error(req, 404, "%s \"%s\" not found", p->res->plural,
		           p->name);
		return;
	}
	if (strcmp(m, "GET") == 0 && k8s_wants_table(req)) {
		struct json_object *one = json_object_new_array();

		json_object_array_add(one, k8s_render(o, p->res));
		k8s_table(lv, req, p->res, one, NULL);
	} else if (strcmp(m, "GET") == 0) {
		http_reply_json(req, 200, k8s_render(o, p->res));
	} else if (strcmp(m, "DELETE") == 0) {
		char kind[64];

		snprintf(kind, sizeof(kind), "%s", p->res->plural);
		k8s_status_ok(req, o, kind);
		k8s_delete_obj(lv, o);
	} else if (strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0) {
		if (k8s_body(req, &body) < 0)
			return;
		if (!k8s_rv_ok(req, o, body))
			goto out;
		before = lv_json_copy(o->json);
		if (strcmp(m, "PUT") == 0) {
			struct json_object *meta =
			    lv_json_get(body, "metadata");
			struct json_object *keep = lv_json_copy(k8s_meta(o));

			if (meta != NULL) {
				json_object_object_add(
				    keep, "labels",
				    lv_json_copy(lv_json_get(meta, "labels")));
				json_object_object_add(
				    keep, "annotations",
				    lv_json_copy(
				        lv_json_get(meta, "annotations")));
			}
			json_object_object_del(body, "metadata");
			json_object_object_del(body, "status");
			json_object_object_add(body, "metadata", keep);
			json_object_object_add(
			    body, "status",
			    lv_json_copy(lv_json_get(o->json, "status")));
			json_object_put(o->json);
			o->json = json_object_get(body);
			lv_json_set_str(o->json, "apiVersion",
			                lv_json_str(before, "apiVersion"));
			lv_json_set_str(o->json, "kind", p->res->kind);
		} else if (ct != NULL && strstr(ct, "json-patch") != NULL) {
			http_error(req, 415,
			           "json-patch is not supported by "
			           "localvim; use a merge patch");
			json_object_put(before);
			goto out;
		} else {
			struct json_object *pmeta =
			    lv_json_get(body, "metadata");

			json_object_object_del(body, "apiVersion");
			json_object_object_del(body, "kind");
			/* A patch without metadata is common (kubectl
			 * patch -p '{"spec":...}'). */
			if (pmeta != NULL &&
			    json_object_is_type(pmeta, json_type_object)) {
				json_object_object_del(pmeta, "name");
				json_object_object_del(pmeta, "namespace");
				json_object_object_del(pmeta,
				                       "resourceVersion");
			}
			k8s_merge(o->json, body, true);
		}
		k8s_track_update(o, before, k8s_field_manager(req, "unknown"));
		k8s_after_write(lv, o, before);
		json_object_put(before);
		http_reply_json(req, 200, k8s_render(o, p->res));
	} else {
		http_error(req, 405, "method not allowed");
	}
out:
	json_object_put(body);
}

static void
k8s_collection(struct localvim *lv, struct http_req *req,
               const struct k8s_path *p)
{
	struct json_object *body = NULL;
	const char *name;
	struct lv_obj *o;

	if (strcmp(req->method, "GET") == 0) {
		k8s_list(lv, req, p);
		return;
	}
	if (strcmp(req->method, "POST") != 0) {
		http_error(req, 405, "method not allowed");
		return;
	}
	if (p->res->namespaced && p->ns == NULL) {
		http_error(req, 404,
		           "the server could not find the requested "
		           "resource");
		return;
	}
	if (k8s_body(req, &body) < 0)
		return;
	name = lv_json_str(lv_json_get(body, "metadata"), "name");
	if ((name == NULL || *name == '\0') &&
	    lv_json_str(lv_json_get(body, "metadata"), "generateName") ==
	        NULL) {
		http_error(req, 422, "metadata.name: Required value");
		json_object_put(body);
		return;
	}
	if (p->res->namespaced &&
	    k8s_find(lv, "namespaces", "", p->ns) == NULL) {
		http_error(req, 404, "namespaces \"%s\" not found", p->ns);
		json_object_put(body);
		return;
	}
	if (name != NULL && k8s_find(lv, p->res->plural,
	                             p->res->namespaced ? p->ns : "", name)) {
		http_error(req, 409, "%s \"%s\" already exists", p->res->plural,
		           name);
		json_object_put(body);
		return;
	}
	o = k8s_create(lv, p->res, p->ns, body);
	k8s_track_update(o, NULL, k8s_field_manager(req, "unknown"));
	http_reply_json(req, 201, k8s_render(o, p->res));
}

static void
k8s_discovery(struct localvim *lv, struct http_req *req)
{
	struct json_object *o = json_object_new_object(), *arr;
	const struct k8s_res *r;

	if (http_match(req, "GET", "/version")) {
		json_object_put(o);
		o = json_tokener_parse(
		    "{\"major\":\"1\",\"minor\":\"29\",\"gitVersion\":"
		    "\"v1.29.0-localvim\",\"gitCommit\":\"localvim\","
		    "\"gitTreeState\":\"clean\",\"buildDate\":"
		    "\"2026-01-01T00:00:00Z\",\"goVersion\":\"go1.21\","
		    "\"compiler\":\"gc\",\"platform\":\"linux/amd64\"}");
		http_reply_json(req, 200, o);
		return;
	}
	if (http_match(req, "GET", "/api")) {
		char addr[64];

		lv_json_set_str(o, "kind", "APIVersions");
		json_object_object_add(
		    o, "versions",
		    lv_json_strv((const char *const[]){"v1", NULL}));
		arr = json_object_new_array();
		{
			struct json_object *e = json_object_new_object();

			snprintf(addr, sizeof(addr), "127.0.0.1:%u",
			         (unsigned)lv->port[SVC_K8S]);
			lv_json_set_str(e, "clientCIDR", "0.0.0.0/0");
			lv_json_set_str(e, "serverAddress", addr);
			json_object_array_add(arr, e);
		}
		json_object_object_add(o, "serverAddressByClientCIDRs", arr);
		http_reply_json(req, 200, o);
		return;
	}
	if (http_match(req, "GET", "/apis")) {
		const char *last = "";

		lv_json_set_str(o, "kind", "APIGroupList");
		lv_json_set_str(o, "apiVersion", "v1");
		arr = json_object_new_array();
		for (r = k8s_resources; r->plural; r++) {
			struct json_object *g, *vs, *v;
			char gv[64];
			const struct k8s_res *q;

			if (*r->group == '\0' || strcmp(r->group, last) == 0)
				continue;
			last = r->group;
			g = json_object_new_object();
			lv_json_set_str(g, "name", r->group);
			vs = json_object_new_array();
			for (q = r; q->plural; q++) {
				if (strcmp(q->group, r->group) != 0 ||
				    (q != r &&
				     strcmp(q->version, q[-1].version) == 0))
					continue;
				v = json_object_new_object();
				snprintf(gv, sizeof(gv), "%s/%s", q->group,
				         q->version);
				lv_json_set_str(v, "groupVersion", gv);
				lv_json_set_str(v, "version", q->version);
				json_object_array_add(vs, v);
			}
			json_object_object_add(
			    g, "preferredVersion",
			    json_object_get(lv_json_idx(vs, 0)));
			json_object_object_add(g, "versions", vs);
			json_object_array_add(arr, g);
		}
		json_object_object_add(o, "groups", arr);
		http_reply_json(req, 200, o);
		return;
	}
	/* /api/v1 or /apis/G/V: the resource list. */
	{
		const char *group = NULL, *version = NULL;
		char gv[64];
		bool any = false;

		if (req->nseg == 2 && strcmp(req->segs[0], "api") == 0) {
			group = "";
			version = req->segs[1];
		} else if (req->nseg == 3 &&
		           strcmp(req->segs[0], "apis") == 0) {
			group = req->segs[1];
			version = req->segs[2];
		}
		if (group == NULL) {
			json_object_put(o);
			return;
		}
		snprintf(gv, sizeof(gv), "%s%s%s", group, *group ? "/" : "",
		         version);
		lv_json_set_str(o, "kind", "APIResourceList");
		lv_json_set_str(o, "apiVersion", "v1");
		lv_json_set_str(o, "groupVersion", gv);
		arr = json_object_new_array();
		for (r = k8s_resources; r->plural; r++) {
			struct json_object *e;

			if (strcmp(r->group, group) != 0 ||
			    strcmp(r->version, version) != 0)
				continue;
			any = true;
			e = json_object_new_object();
			lv_json_set_str(e, "name", r->plural);
			lv_json_set_str(e, "singularName", r->singular);
			lv_json_set_bool(e, "namespaced", r->namespaced);
			lv_json_set_str(e, "kind", r->kind);
			json_object_object_add(
			    e, "verbs",
			    lv_json_strv((const char *const[]){
			        "create", "delete", "get", "list", "patch",
			        "update", "watch", NULL}));
			if (r->shortnames)
				json_object_object_add(
				    e, "shortNames",
				    lv_json_strv((const char *const[]){
				        r->shortnames, NULL}));
			json_object_array_add(arr, e);
			if (strcmp(r->plural, "deployments") == 0) {
				e = json_object_new_object();
				lv_json_set_str(e, "name", "deployments/scale");
				lv_json_set_str(e, "singularName", "");
				lv_json_set_bool(e, "namespaced", true);
				lv_json_set_str(e, "group", "autoscaling");
				lv_json_set_str(e, "version", "v1");
				lv_json_set_str(e, "kind", "Scale");
				json_object_object_add(
				    e, "verbs",
				    lv_json_strv((const char *const[]){
				        "get", "patch", "update", NULL}));
				json_object_array_add(arr, e);
			}
		}
		json_object_object_add(o, "resources", arr);
		if (!any) {
			json_object_put(o);
			http_error(req, 404,
			           "the server could not find the requested "
			           "resource");
			return;
		}
		http_reply_json(req, 200, o);
	}
}

/* OpenAPI v3: only what kubectl needs to see that PATCH of every kind
 * supports server-side field validation (so it skips client-side schema
 * validation): the root index and one document per group/version. */
static void
k8s_openapi(struct localvim *lv, struct http_req *req)
{
	struct json_object *o = json_object_new_object(), *paths;
	const struct k8s_res *r;
	char gvpath[96];

	paths = json_object_new_object();
	if (req->nseg == 2) {
		for (r = k8s_resources; r->plural; r++) {
			struct json_object *e = json_object_new_object();
			char url[160];

			if (*r->group == '\0')
				snprintf(gvpath, sizeof(gvpath), "api/%s",
				         r->version);
			else
				snprintf(gvpath, sizeof(gvpath), "apis/%s/%s",
				         r->group, r->version);
			snprintf(url, sizeof(url), "/openapi/v3/%s?hash=%llu",
			         gvpath, (unsigned long long)k8s_fnv(gvpath));
			lv_json_set_str(e, "serverRelativeURL", url);
			json_object_object_add(paths, gvpath, e);
		}
		json_object_object_add(o, "paths", paths);
		http_reply_json(req, 200, o);
		return;
	}
	lv_json_set_str(o, "openapi", "3.0.0");
	json_object_object_add(
	    o, "info",
	    json_tokener_parse("{\"title\":\"Kubernetes\",\"version\":"
	                       "\"v1.29.0-localvim\"}"));
	for (r = k8s_resources; r->plural; r++) {
		const char *group = r->group;
		struct json_object *item, *op, *gvk, *params, *prm;
		char path[256];
		bool core = *group == '\0';

		if (core ? !(req->nseg == 4 &&
		             strcmp(req->segs[2], "api") == 0 &&
		             strcmp(req->segs[3], r->version) == 0)
		         : !(req->nseg == 5 &&
		             strcmp(req->segs[2], "apis") == 0 &&
		             strcmp(req->segs[3], group) == 0 &&
		             strcmp(req->segs[4], r->version) == 0))
			continue;
		if (core)
			snprintf(path, sizeof(path), "/api/%s/%s%s/{name}",
			         r->version,
			         r->namespaced ? "namespaces/{namespace}/" : "",
			         r->plural);
		else
			snprintf(path, sizeof(path), "/apis/%s/%s/%s%s/{name}",
			         group, r->version,
			         r->namespaced ? "namespaces/{namespace}/" : "",
			         r->plural);
		item = json_object_new_object();
		op = json_object_new_object();
		gvk = json_object_new_object();
		lv_json_set_str(gvk, "group", group);
		lv_json_set_str(gvk, "version", r->version);
		lv_json_set_str(gvk, "kind", r->kind);
		json_object_object_add(op, "x-kubernetes-group-version-kind",
		                       gvk);
		lv_json_set_str(op, "x-kubernetes-action", "patch");
		params = json_object_new_array();
		prm = json_object_new_object();
		lv_json_set_str(prm, "name", "fieldValidation");
		lv_json_set_str(prm, "in", "query");
		json_object_object_add(
		    prm, "schema", json_tokener_parse("{\"type\":\"string\"}"));
		json_object_array_add(params, prm);
		prm = json_object_new_object();
		lv_json_set_str(prm, "name", "fieldManager");
		lv_json_set_str(prm, "in", "query");
		json_object_object_add(
		    prm, "schema", json_tokener_parse("{\"type\":\"string\"}"));
		json_object_array_add(params, prm);
		json_object_object_add(op, "parameters", params);
		json_object_object_add(op, "responses",
		                       json_object_new_object());
		json_object_object_add(item, "patch", op);
		json_object_object_add(paths, path, item);
	}
	json_object_object_add(o, "paths", paths);
	json_object_object_add(o, "components",
	                       json_tokener_parse("{\"schemas\":{}}"));
	(void)lv;
	http_reply_json(req, 200, o);
}

void
k8s_handle(struct localvim *lv, struct http_req *req)
{
	if (req->nseg >= 2 && strcmp(req->segs[0], "openapi") == 0 &&
	    strcmp(req->segs[1], "v3") == 0 &&
	    strcmp(req->method, "GET") == 0) {
		k8s_openapi(lv, req);
		return;
	}
	struct k8s_path p;

	if (query_get(&req->query, "watch") != NULL &&
	    strcmp(query_get(&req->query, "watch"), "false") != 0 &&
	    strcmp(query_get(&req->query, "watch"), "0") != 0) {
		http_error(req, 405, "watch is not supported by localvim");
		return;
	}
	if (!k8s_parse(req, &p)) {
		k8s_discovery(lv, req);
		return;
	}
	if (p.res->namespaced && p.ns == NULL && p.name != NULL) {
		http_error(req, 404,
		           "the server could not find the requested "
		           "resource");
		return;
	}
	if (p.name == NULL)
		k8s_collection(lv, req, &p);
	else
		k8s_object(lv, req, &p);
}
