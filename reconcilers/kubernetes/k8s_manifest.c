/*
 * Building apply manifests; see k8s_manifest.h. Field names follow the
 * apps/v1 Deployment, v1 Service and autoscaling/v2 HorizontalPodAutoscaler
 * API references. Must not do I/O or read anything but the action and its
 * model VDU.
 */
#include "k8s_manifest.h"
#include "k8s_drift.h"
#include "k8s_view.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
k8s_label_char(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.';
}

char *
k8s_label_value(const char *s)
{
	size_t len = s ? strlen(s) : 0, n = 0, start = 0;
	char *out = xmalloc(len + 1);
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		out[n++] = k8s_label_char(c) && c < 0x80 ? (char)c : '-';
	}
	out[n] = '\0';
	/* Alphanumeric at both ends. */
	while (start < n && !isalnum((unsigned char)out[start]))
		start++;
	while (n > start && !isalnum((unsigned char)out[n - 1]))
		n--;
	memmove(out, out + start, n - start);
	n -= start;
	out[n] = '\0';
	if (n > 63) {
		/* A prefix and a hash of the whole, so long values stay
		 * distinct (the planner's DNS names do the same). */
		uint64_t h = 1469598103934665603ULL;
		char tail[10];

		for (i = 0; i < len; i++) {
			h ^= (unsigned char)s[i];
			h *= 1099511628211ULL;
		}
		n = 54;
		while (n > 0 && !isalnum((unsigned char)out[n - 1]))
			n--;
		snprintf(tail, sizeof(tail), "-%08x",
		         (unsigned)(h & 0xffffffffu));
		memcpy(out + n, tail, strlen(tail) + 1);
	}
	return out;
}

char *
k8s_cpu_quantity(double cpus)
{
	long long milli = llround(cpus * 1000.0);

	if (milli <= 0)
		milli = 1;
	if (milli % 1000 == 0)
		return xasprintf("%lld", milli / 1000);
	return xasprintf("%lldm", milli);
}

char *
k8s_memory_quantity(long long bytes)
{
	static const long long gi = 1024LL * 1024 * 1024, mi = 1024LL * 1024;

	if (bytes > 0 && bytes % gi == 0)
		return xasprintf("%lldGi", bytes / gi);
	if (bytes > 0 && bytes % mi == 0)
		return xasprintf("%lldMi", bytes / mi);
	return xasprintf("%lld", bytes > 0 ? bytes : 0);
}

static void
k8s_set_str(struct json_object *o, const char *key, const char *value)
{
	json_object_object_add(o, key, json_object_new_string(value));
}

static void
k8s_set_label(struct json_object *labels, const char *key, const char *raw)
{
	char *v = k8s_label_value(raw ? raw : "");

	k8s_set_str(labels, key, v);
	free(v);
}

/* VNF and VDU labels are DNS-safe like the object names built from them
 * ("web_vnf" -> "web-vnf"). */
static void
k8s_set_dns_label(struct json_object *labels, const char *key, const char *raw)
{
	char *dns = plan_dns_name(raw ? raw : "");

	k8s_set_label(labels, key, dns);
	free(dns);
}

struct json_object *
k8s_owner_labels(const struct plan_action *a)
{
	struct json_object *l = json_object_new_object();

	k8s_set_str(l, K8S_LABEL_MANAGED_BY, K8S_MANAGER);
	k8s_set_label(l, K8S_LABEL_NS, a->service);
	k8s_set_dns_label(l, K8S_LABEL_VNF, a->vnf);
	k8s_set_dns_label(l, K8S_LABEL_VDU, a->vdu);
	return l;
}

static struct json_object *
k8s_metadata(const struct plan_action *a, const char *ns)
{
	struct json_object *m = json_object_new_object();
	struct json_object *ann = json_object_new_object();

	k8s_set_str(m, "name", a->name);
	k8s_set_str(m, "namespace", ns);
	json_object_object_add(m, "labels", k8s_owner_labels(a));
	k8s_set_str(ann, K8S_ANNOTATION_SPEC, a->spec_hash);
	if (a->service)
		k8s_set_str(ann, K8S_ANNOTATION_NS, a->service);
	json_object_object_add(m, "annotations", ann);
	return m;
}

static struct json_object *
k8s_object(const char *api_version, const char *kind,
           const struct plan_action *a, const char *ns)
{
	struct json_object *o = json_object_new_object();

	k8s_set_str(o, "apiVersion", api_version);
	k8s_set_str(o, "kind", kind);
	json_object_object_add(o, "metadata", k8s_metadata(a, ns));
	return o;
}

static struct json_object *
k8s_container(const struct nfv_container *c, size_t index)
{
	struct json_object *o = json_object_new_object();
	char *name = plan_dns_name(c->name ? c->name : "");
	size_t i;

	if (!*name) {
		free(name);
		name = xasprintf("c%zu", index);
	}
	k8s_set_str(o, "name", name);
	free(name);
	k8s_set_str(o, "image", c->image);
	if (c->nports) {
		struct json_object *ports = json_object_new_array();

		for (i = 0; i < c->nports; i++) {
			struct json_object *p = json_object_new_object();

			json_object_object_add(
			    p, "containerPort",
			    json_object_new_int(c->ports[i]));
			k8s_set_str(p, "protocol", "TCP");
			json_object_array_add(ports, p);
		}
		json_object_object_add(o, "ports", ports);
	}
	if (c->num_cpus > 0 || c->mem_bytes > 0) {
		struct json_object *res = json_object_new_object();
		struct json_object *req = json_object_new_object();
		char *q;

		if (c->num_cpus > 0) {
			q = k8s_cpu_quantity(c->num_cpus);
			k8s_set_str(req, "cpu", q);
			free(q);
		}
		if (c->mem_bytes > 0) {
			q = k8s_memory_quantity(c->mem_bytes);
			k8s_set_str(req, "memory", q);
			free(q);
		}
		/* Guaranteed QoS: limits = requests. */
		json_object_object_add(res, "limits", json_object_get(req));
		json_object_object_add(res, "requests", req);
		json_object_object_add(o, "resources", res);
	}
	return o;
}

static int
k8s_deployment(const struct plan_action *a, const char *ns,
               struct json_object **ret, struct diag *reterr)
{
	const struct nfv_vdu *vdu = a->model_vdu;
	struct json_object *o, *spec, *sel, *tmpl, *tmeta, *labels, *pspec,
	    *containers;
	size_t i;

	if (vdu->ncontainers == 0) {
		diag_error(reterr, NULL,
		           "deployment %s: VDU %s has no containers", a->name,
		           vdu->name);
		return -EINVAL;
	}
	for (i = 0; i < vdu->ncontainers; i++) {
		if (!vdu->containers[i].image) {
			diag_error(reterr, NULL,
			           "deployment %s: container %s of VDU %s has "
			           "no image",
			           a->name,
			           vdu->containers[i].name
			               ? vdu->containers[i].name
			               : "?",
			           vdu->name);
			return -EINVAL;
		}
	}
	o = k8s_object("apps/v1", "Deployment", a, ns);
	spec = json_object_new_object();
	/* An autoscaler owns replicas: leaving the field out of our apply
	 * lets the HPA's writes stand instead of being fought. */
	if (!vdu->target_cpu_utilization) {
		char n[24];

		json_object_object_add(spec, "replicas",
		                       json_object_new_int(vdu->instances));
		snprintf(n, sizeof(n), "%d", vdu->instances);
		k8s_set_str(
		    json_object_object_get(
		        json_object_object_get(o, "metadata"), "annotations"),
		    K8S_ANNOTATION_REPLICAS, n);
	}
	sel = json_object_new_object();
	json_object_object_add(sel, "matchLabels", k8s_owner_labels(a));
	json_object_object_add(spec, "selector", sel);
	tmpl = json_object_new_object();
	tmeta = json_object_new_object();
	labels = json_object_new_object();
	for (i = 0; i < vdu->nlabels; i++) {
		if (vdu->labels[i].key)
			k8s_set_label(labels, vdu->labels[i].key,
			              vdu->labels[i].value);
	}
	/* Ours last: a VDU label cannot take over an ownership label. */
	{
		struct json_object *own = k8s_owner_labels(a);

		json_object_object_foreach(own, k, v)
		{
			json_object_object_add(labels, k, json_object_get(v));
		}
		json_object_put(own);
	}
	json_object_object_add(tmeta, "labels", labels);
	/* The service's full name on each pod too: a label value may have
	 * been cut to 63 characters, and endpoints are read from pods. */
	if (a->service) {
		struct json_object *ann = json_object_new_object();

		k8s_set_str(ann, K8S_ANNOTATION_NS, a->service);
		json_object_object_add(tmeta, "annotations", ann);
	}
	json_object_object_add(tmpl, "metadata", tmeta);
	pspec = json_object_new_object();
	containers = json_object_new_array();
	for (i = 0; i < vdu->ncontainers; i++)
		json_object_array_add(containers,
		                      k8s_container(&vdu->containers[i], i));
	json_object_object_add(pspec, "containers", containers);
	json_object_object_add(tmpl, "spec", pspec);
	json_object_object_add(spec, "template", tmpl);
	json_object_object_add(o, "spec", spec);
	/* What a hand edit could change, as applied (k8s_drift.h). */
	{
		char *fields = k8s_drift_fields(o);

		k8s_set_str(
		    json_object_object_get(
		        json_object_object_get(o, "metadata"), "annotations"),
		    K8S_ANNOTATION_FIELDS, fields);
		free(fields);
	}
	*ret = o;
	return 0;
}

static int
k8s_service(const struct plan_action *a, const char *ns,
            struct json_object **ret, struct diag *reterr)
{
	const struct nfv_vdu *vdu = a->model_vdu;
	struct json_object *o, *spec, *ports;
	size_t i;

	if (vdu->nmapping_ports == 0) {
		diag_error(reterr, NULL,
		           "service %s: VDU %s has no mapping_ports", a->name,
		           vdu->name);
		return -EINVAL;
	}
	o = k8s_object("v1", "Service", a, ns);
	spec = json_object_new_object();
	k8s_set_str(spec, "type",
	            vdu->service_type ? vdu->service_type : "ClusterIP");
	json_object_object_add(spec, "selector", k8s_owner_labels(a));
	ports = json_object_new_array();
	for (i = 0; i < vdu->nmapping_ports; i++) {
		struct json_object *p = json_object_new_object();
		char name[32];

		/* Names are required once a Service has two ports. */
		snprintf(name, sizeof(name), "port-%d",
		         vdu->mapping_ports[i].published);
		k8s_set_str(p, "name", name);
		k8s_set_str(p, "protocol", "TCP");
		json_object_object_add(
		    p, "port",
		    json_object_new_int(vdu->mapping_ports[i].published));
		json_object_object_add(
		    p, "targetPort",
		    json_object_new_int(vdu->mapping_ports[i].target));
		json_object_array_add(ports, p);
	}
	json_object_object_add(spec, "ports", ports);
	json_object_object_add(o, "spec", spec);
	*ret = o;
	return 0;
}

static int
k8s_autoscaler(const struct plan_action *a, const char *ns,
               struct json_object **ret, struct diag *reterr)
{
	const struct nfv_vdu *vdu = a->model_vdu;
	struct json_object *o, *spec, *ref, *metrics, *m, *res, *target;
	int min = vdu->min_instances > 0 ? vdu->min_instances : 1;
	int max = vdu->max_instances >= min ? vdu->max_instances : min;

	if (vdu->target_cpu_utilization <= 0) {
		diag_error(reterr, NULL,
		           "autoscaler %s: VDU %s has no CPU utilization "
		           "target",
		           a->name, vdu->name);
		return -EINVAL;
	}
	o = k8s_object("autoscaling/v2", "HorizontalPodAutoscaler", a, ns);
	spec = json_object_new_object();
	ref = json_object_new_object();
	k8s_set_str(ref, "apiVersion", "apps/v1");
	k8s_set_str(ref, "kind", "Deployment");
	/* The Deployment of the same VDU has the same name. */
	k8s_set_str(ref, "name", a->name);
	json_object_object_add(spec, "scaleTargetRef", ref);
	json_object_object_add(spec, "minReplicas", json_object_new_int(min));
	json_object_object_add(spec, "maxReplicas", json_object_new_int(max));
	metrics = json_object_new_array();
	m = json_object_new_object();
	k8s_set_str(m, "type", "Resource");
	res = json_object_new_object();
	k8s_set_str(res, "name", "cpu");
	target = json_object_new_object();
	k8s_set_str(target, "type", "Utilization");
	json_object_object_add(
	    target, "averageUtilization",
	    json_object_new_int(vdu->target_cpu_utilization));
	json_object_object_add(res, "target", target);
	json_object_object_add(m, "resource", res);
	json_object_array_add(metrics, m);
	json_object_object_add(spec, "metrics", metrics);
	json_object_object_add(o, "spec", spec);
	*ret = o;
	return 0;
}

static int
k8s_manifest_one(const struct plan_action *a, const char *ns,
                 struct json_object **ret, struct diag *reterr)
{
	if (!a->model_vdu) {
		diag_error(reterr, NULL,
		           "%s %s: no VDU in the model to build it from",
		           plan_kind_name(a->kind), a->name);
		return -EINVAL;
	}
	switch (a->kind) {
	case PLAN_DEPLOYMENT:
		return k8s_deployment(a, ns, ret, reterr);
	case PLAN_SERVICE:
		return k8s_service(a, ns, ret, reterr);
	case PLAN_AUTOSCALER:
		return k8s_autoscaler(a, ns, ret, reterr);
	default:
		diag_error(reterr, NULL, "%s %s: not a Kubernetes kind",
		           plan_kind_name(a->kind), a->name);
		return -EINVAL;
	}
}

int
k8s_manifest_build(const struct plan_action *a, const char *ns,
                   struct json_object **ret, struct diag *reterr)
{
	struct diag scratch;
	int r;

	if (reterr)
		return k8s_manifest_one(a, ns, ret, reterr);
	diag_init(&scratch);
	r = k8s_manifest_one(a, ns, ret, &scratch);
	diag_done(&scratch);
	return r;
}

char *
k8s_collection_path(enum plan_kind kind, const char *ns)
{
	switch (kind) {
	case PLAN_DEPLOYMENT:
		return xasprintf("/apis/apps/v1/namespaces/%s/deployments", ns);
	case PLAN_SERVICE:
		return xasprintf("/api/v1/namespaces/%s/services", ns);
	case PLAN_AUTOSCALER:
		return xasprintf("/apis/autoscaling/v2/namespaces/%s/"
		                 "horizontalpodautoscalers",
		                 ns);
	default:
		return NULL;
	}
}
