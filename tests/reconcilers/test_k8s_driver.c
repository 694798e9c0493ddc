/*
 * The Kubernetes driver without a cluster: manifests built from model VDUs
 * (quantities, label sanitising, replicas left to an autoscaler), list
 * responses decoded into the view (ownership, status, pods as endpoints,
 * drift), and against the scripted server: the token from a file or the
 * environment (never in errors), one list per kind with pagination, and the
 * requests apply sends.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "fake_server.h"
#include "http.h"
#include "k8s_driver.h"
#include "k8s_drift.h"
#include "k8s_manifest.h"
#include "k8s_view.h"
#include "xalloc.h"

static int web_ports[] = {8080, 8443};
static struct nfv_container web_containers[] = {
    {.name = "web_server",
     .image = "nginx:1.25",
     .num_cpus = 0.5,
     .mem_bytes = 512LL << 20,
     .ports = web_ports,
     .nports = 2},
    {.name = "sidecar",
     .image = "busybox",
     .num_cpus = 2,
     .mem_bytes = 1000000},
};
static struct nfv_port_map web_map[] = {{80, 8080}, {443, 8443}};
static struct nfv_kv web_labels[] = {
    {"app", "web"},
    {"app.kubernetes.io/managed-by", "helm"}, /* cannot take ours over */
    {"tier", "front end!"},
};

static struct nfv_vdu
web_vdu(void)
{
	struct nfv_vdu v;

	memset(&v, 0, sizeof(v));
	v.name = "web_vdu";
	v.kind = NFV_VDU_CONTAINER;
	v.instances = 3;
	v.min_instances = 2;
	v.max_instances = 5;
	v.namespace = "nfv";
	v.service_type = "NodePort";
	v.mapping_ports = web_map;
	v.nmapping_ports = 2;
	v.labels = web_labels;
	v.nlabels = 3;
	v.containers = web_containers;
	v.ncontainers = 2;
	return v;
}

static struct plan_action
action(enum plan_op op, enum plan_kind kind, const struct nfv_vdu *vdu)
{
	struct plan_action a;

	memset(&a, 0, sizeof(a));
	a.op = op;
	a.kind = kind;
	a.service = "ns_site2";
	a.vim = "site2";
	a.name = "ns-site2-web-vnf-web-vdu";
	a.vnf = "web_vnf";
	a.vdu = vdu ? vdu->name : NULL;
	a.model_vdu = vdu;
	a.instance = -1;
	strcpy(a.spec_hash, "0123456789abcdef");
	return a;
}

/* The value at a dotted path ("spec.template.metadata.labels.app"; a
 * number segment indexes an array), or NULL. */
static struct json_object *
at(struct json_object *o, const char *path)
{
	char buf[256], *seg, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (seg = strtok_r(buf, ".", &save); seg && o;
	     seg = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, (size_t)atoi(seg));
		else if (!json_object_object_get_ex(o, seg, &o))
			return NULL;
	}
	return o;
}

static const char *
at_str(struct json_object *o, const char *path)
{
	struct json_object *v = at(o, path);

	return v ? json_object_get_string(v) : NULL;
}

/* Label values may not hold '/', so the ownership labels need keys with a
 * slash looked up directly. */
static const char *
label(struct json_object *labels, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(labels, key, &v))
		return NULL;
	return json_object_get_string(v);
}

/* ---- pure pieces ------------------------------------------------------- */

static void
test_k8s_manifest_quantities_are_millicores_and_binary_units(void **state)
{
	static const struct {
		double cpus;
		const char *want;
	} cpu[] = {{0.5, "500m"},
	           {2, "2"},
	           {1.25, "1250m"},
	           {0.1, "100m"},
	           {0.0001, "1m"}};
	static const struct {
		long long bytes;
		const char *want;
	} mem[] = {{512LL << 20, "512Mi"},
	           {2LL << 30, "2Gi"},
	           {1000000, "1000000"},
	           {1536LL << 20, "1536Mi"}};
	size_t i;

	for (i = 0; i < sizeof(cpu) / sizeof(cpu[0]); i++) {
		char *q = k8s_cpu_quantity(cpu[i].cpus);

		assert_string_equal(q, cpu[i].want);
		free(q);
	}
	for (i = 0; i < sizeof(mem) / sizeof(mem[0]); i++) {
		char *q = k8s_memory_quantity(mem[i].bytes);

		assert_string_equal(q, mem[i].want);
		free(q);
	}
}

static void
test_k8s_manifest_label_values_are_sanitised(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"ns_site2", "ns_site2"},
	    {"web.vnf-1", "web.vnf-1"},
	    {"-front end!-", "front-end"},
	    {"__x__", "x"},
	    {"a/b:c", "a-b-c"},
	    {"", ""},
	    {"---", ""},
	};
	char longname[101];
	char *v;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = k8s_label_value(cases[i].in);
		assert_string_equal(v, cases[i].want);
		free(v);
	}
	memset(longname, 'a', 100);
	longname[100] = '\0';
	longname[53] = '_';
	v = k8s_label_value(longname);
	assert_true(strlen(v) <= 63);
	assert_true(strlen(v) > 50);
	assert_true(v[strlen(v) - 1] != '-');
	/* Two long values differing only at the end stay distinct. */
	longname[99] = 'b';
	{
		char *w = k8s_label_value(longname);

		assert_string_not_equal(v, w);
		free(w);
	}
	free(v);
}

static void
test_k8s_manifest_deployment_from_the_vdu(void **state)
{
	struct nfv_vdu vdu = web_vdu();
	struct plan_action a = action(PLAN_CREATE, PLAN_DEPLOYMENT, &vdu);
	struct json_object *m = NULL, *labels, *sel, *c;
	struct diag e;

	diag_init(&e);
	assert_int_equal(k8s_manifest_build(&a, "nfv", &m, &e), 0);
	assert_string_equal(at_str(m, "apiVersion"), "apps/v1");
	assert_string_equal(at_str(m, "kind"), "Deployment");
	assert_string_equal(at_str(m, "metadata.name"), a.name);
	assert_string_equal(at_str(m, "metadata.namespace"), "nfv");
	labels = at(m, "metadata.labels");
	assert_string_equal(label(labels, K8S_LABEL_MANAGED_BY), "nfvsync");
	assert_string_equal(label(labels, K8S_LABEL_NS), "ns_site2");
	assert_string_equal(label(labels, K8S_LABEL_VNF), "web-vnf");
	assert_string_equal(label(labels, K8S_LABEL_VDU), "web-vdu");
	assert_string_equal(
	    label(at(m, "metadata.annotations"), K8S_ANNOTATION_SPEC),
	    "0123456789abcdef");
	assert_string_equal(
	    label(at(m, "metadata.annotations"), K8S_ANNOTATION_REPLICAS), "3");
	assert_int_equal(json_object_get_int(at(m, "spec.replicas")), 3);
	/* The selector is exactly the ownership labels. */
	sel = at(m, "spec.selector.matchLabels");
	assert_int_equal(json_object_object_length(sel), 4);
	assert_string_equal(label(sel, K8S_LABEL_VDU), "web-vdu");
	/* Pod labels: the VDU's (sanitised) plus ours, ours winning. */
	labels = at(m, "spec.template.metadata.labels");
	assert_string_equal(label(labels, "app"), "web");
	assert_string_equal(label(labels, "tier"), "front-end");
	assert_string_equal(label(labels, K8S_LABEL_MANAGED_BY), "nfvsync");
	assert_string_equal(label(labels, K8S_LABEL_NS), "ns_site2");
	assert_string_equal(label(at(m, "spec.template.metadata.annotations"),
	                          K8S_ANNOTATION_NS),
	                    "ns_site2");
	c = at(m, "spec.template.spec.containers");
	assert_int_equal(json_object_array_length(c), 2);
	assert_string_equal(at_str(c, "0.name"), "web-server");
	assert_string_equal(at_str(c, "0.image"), "nginx:1.25");
	assert_int_equal(json_object_get_int(at(c, "0.ports.0.containerPort")),
	                 8080);
	assert_int_equal(json_object_get_int(at(c, "0.ports.1.containerPort")),
	                 8443);
	assert_string_equal(at_str(c, "0.resources.requests.cpu"), "500m");
	assert_string_equal(at_str(c, "0.resources.limits.cpu"), "500m");
	assert_string_equal(at_str(c, "0.resources.requests.memory"), "512Mi");
	assert_string_equal(at_str(c, "0.resources.limits.memory"), "512Mi");
	assert_string_equal(at_str(c, "1.resources.limits.cpu"), "2");
	assert_string_equal(at_str(c, "1.resources.limits.memory"), "1000000");
	assert_null(at(c, "1.ports"));
	json_object_put(m);
	diag_done(&e);
}

static void
test_k8s_manifest_replicas_are_left_to_an_autoscaler(void **state)
{
	struct nfv_vdu vdu = web_vdu();
	struct plan_action a;
	struct json_object *m = NULL;

	vdu.target_cpu_utilization = 70;
	a = action(PLAN_UPDATE, PLAN_DEPLOYMENT, &vdu);
	assert_int_equal(k8s_manifest_build(&a, "nfv", &m, NULL), 0);
	assert_null(at(m, "spec.replicas"));
	assert_null(
	    label(at(m, "metadata.annotations"), K8S_ANNOTATION_REPLICAS));
	json_object_put(m);

	a = action(PLAN_CREATE, PLAN_AUTOSCALER, &vdu);
	assert_int_equal(k8s_manifest_build(&a, "nfv", &m, NULL), 0);
	assert_string_equal(at_str(m, "apiVersion"), "autoscaling/v2");
	assert_string_equal(at_str(m, "kind"), "HorizontalPodAutoscaler");
	assert_string_equal(at_str(m, "spec.scaleTargetRef.kind"),
	                    "Deployment");
	assert_string_equal(at_str(m, "spec.scaleTargetRef.apiVersion"),
	                    "apps/v1");
	assert_string_equal(at_str(m, "spec.scaleTargetRef.name"), a.name);
	assert_int_equal(json_object_get_int(at(m, "spec.minReplicas")), 2);
	assert_int_equal(json_object_get_int(at(m, "spec.maxReplicas")), 5);
	assert_string_equal(at_str(m, "spec.metrics.0.type"), "Resource");
	assert_string_equal(at_str(m, "spec.metrics.0.resource.name"), "cpu");
	assert_string_equal(at_str(m, "spec.metrics.0.resource.target.type"),
	                    "Utilization");
	assert_int_equal(
	    json_object_get_int(at(m, "spec.metrics.0.resource.target."
	                              "averageUtilization")),
	    70);
	json_object_put(m);
}

static void
test_k8s_manifest_service_maps_published_to_target_ports(void **state)
{
	struct nfv_vdu vdu = web_vdu();
	struct plan_action a = action(PLAN_CREATE, PLAN_SERVICE, &vdu);
	struct json_object *m = NULL;

	assert_int_equal(k8s_manifest_build(&a, "nfv", &m, NULL), 0);
	assert_string_equal(at_str(m, "apiVersion"), "v1");
	assert_string_equal(at_str(m, "kind"), "Service");
	assert_string_equal(at_str(m, "spec.type"), "NodePort");
	assert_int_equal(json_object_object_length(at(m, "spec.selector")), 4);
	assert_int_equal(json_object_get_int(at(m, "spec.ports.0.port")), 80);
	assert_int_equal(json_object_get_int(at(m, "spec.ports.0.targetPort")),
	                 8080);
	assert_int_equal(json_object_get_int(at(m, "spec.ports.1.port")), 443);
	assert_string_equal(at_str(m, "spec.ports.1.name"), "port-443");
	json_object_put(m);

	vdu.service_type = NULL;
	assert_int_equal(k8s_manifest_build(&a, "nfv", &m, NULL), 0);
	assert_string_equal(at_str(m, "spec.type"), "ClusterIP");
	json_object_put(m);
}

static void
test_k8s_manifest_refuses_what_it_cannot_build(void **state)
{
	struct nfv_vdu vdu = web_vdu();
	struct plan_action a = action(PLAN_CREATE, PLAN_AUTOSCALER, &vdu);
	struct json_object *m = NULL;
	struct diag e;

	diag_init(&e);
	/* No CPU target, no autoscaler. */
	assert_int_equal(k8s_manifest_build(&a, "nfv", &m, &e), -EINVAL);
	a = action(PLAN_CREATE, PLAN_DEPLOYMENT, NULL);
	assert_int_equal(k8s_manifest_build(&a, "nfv", &m, &e), -EINVAL);
	vdu.ncontainers = 0;
	a = action(PLAN_CREATE, PLAN_DEPLOYMENT, &vdu);
	assert_int_equal(k8s_manifest_build(&a, "nfv", &m, &e), -EINVAL);
	assert_int_equal(e.errors, 3);
	assert_null(m);
	diag_done(&e);
}

/* ---- decoding ---------------------------------------------------------- */

static struct json_object *
load(const char *name)
{
	char path[512];
	struct json_object *o;

	snprintf(path, sizeof(path), "%s/k8s/%s", TEST_DATA_DIR, name);
	o = json_object_from_file(path);
	assert_non_null(o);
	return o;
}

static void
test_k8s_view_decodes_lists_into_observed_resources(void **state)
{
	struct json_object *deps = load("deployments.json");
	struct json_object *svcs = load("services.json");
	struct json_object *hpas = load("hpas.json");
	struct k8s_view v;
	struct diag e;
	long i;

	k8s_view_init(&v, "site2");
	diag_init(&e);
	assert_int_equal(k8s_view_add_list(&v, PLAN_DEPLOYMENT, deps, &e), 0);
	assert_int_equal(k8s_view_add_list(&v, PLAN_SERVICE, svcs, &e), 0);
	assert_int_equal(k8s_view_add_list(&v, PLAN_AUTOSCALER, hpas, &e), 0);
	assert_int_equal(v.n, 5);

	i = k8s_view_find(&v, PLAN_DEPLOYMENT, "ns-site2-web-vnf-web-vdu",
	                  NULL);
	assert_true(i >= 0);
	assert_string_equal(v.res[i].vim, "site2");
	assert_string_equal(v.res[i].id,
	                    "0f3c2a7e-8a51-4d6b-9c1e-2b7f4e1d9a10");
	assert_string_equal(v.res[i].status, "Available");
	assert_string_equal(v.res[i].service, "ns_site2");
	assert_string_equal(v.res[i].spec_hash, "9f86d081884c7d65");
	assert_true(v.res[i].managed);
	assert_string_equal(v.ns[i], "nfv");
	/* Found by uid as well. */
	assert_int_equal(k8s_view_find(&v, PLAN_DEPLOYMENT, "other",
	                               "0f3c2a7e-8a51-4d6b-9c1e-2b7f4e1d9a10"),
	                 i);

	/* A rollout in progress, scaled by hand: no spec hash (drift). */
	i = k8s_view_find(&v, PLAN_DEPLOYMENT, "ns-site2-db-vnf-db", NULL);
	assert_true(i >= 0);
	assert_string_equal(v.res[i].status, "Progressing");
	assert_null(v.res[i].spec_hash);
	assert_true(v.replicas_drift[i]);

	i = k8s_view_find(&v, PLAN_SERVICE, "ns-site2-web-vnf-web-vdu", NULL);
	assert_true(i >= 0);
	assert_string_equal(v.res[i].status, "Active");
	assert_string_equal(v.res[i].spec_hash, "aaaabbbbccccdddd");
	/* A LoadBalancer Service still waiting for its address. */
	i = k8s_view_find(&v, PLAN_SERVICE, "ns-site2-lb", NULL);
	assert_true(i >= 0);
	assert_string_equal(v.res[i].status, "Pending");
	/* Service name from the label when there is no annotation. */
	assert_string_equal(v.res[i].service, "ns_site2");

	i = k8s_view_find(&v, PLAN_AUTOSCALER, "ns-site2-web-vnf-web-vdu",
	                  NULL);
	assert_true(i >= 0);
	assert_string_equal(v.res[i].status, "Active");
	assert_string_equal(v.res[i].spec_hash, "1234123412341234");

	/* Remove keeps the parallel arrays in step. */
	k8s_view_remove(&v, 0);
	assert_int_equal(v.n, 4);
	i = k8s_view_find(&v, PLAN_DEPLOYMENT, "ns-site2-db-vnf-db", NULL);
	assert_true(v.replicas_drift[i]);
	assert_string_equal(v.ns[i], "nfv");

	json_object_put(deps);
	json_object_put(svcs);
	json_object_put(hpas);
	k8s_view_done(&v);
	diag_done(&e);
}

static void
test_k8s_view_pods_become_endpoints(void **state)
{
	struct json_object *pods = load("pods.json");
	struct k8s_view v;
	size_t i, ready = 0;

	k8s_view_init(&v, "site2");
	assert_int_equal(k8s_view_add_pods(&v, pods, NULL), 0);
	/* 4 pods: one pending without an IP is left out. */
	assert_int_equal(v.nendpoints, 3);
	for (i = 0; i < v.nendpoints; i++) {
		assert_string_equal(v.endpoints[i].service, "ns_site2");
		assert_string_equal(v.endpoints[i].vnf, "web-vnf");
		assert_string_equal(v.endpoints[i].vdu, "web-vdu");
		if (v.endpoints[i].ready)
			ready++;
	}
	assert_string_equal(v.endpoints[0].pod,
	                    "ns-site2-web-vnf-web-vdu-6d4cf56db6-2xk7p");
	assert_string_equal(v.endpoints[0].address, "10.244.1.17");
	assert_true(v.endpoints[0].ready);
	/* Not Ready, and Ready but terminating. */
	assert_false(v.endpoints[1].ready);
	assert_false(v.endpoints[2].ready);
	assert_int_equal(ready, 1);
	assert_string_equal(k8s_list_continue(pods), "eyJ2IjoibWV0YS5r");
	json_object_put(pods);
	k8s_view_done(&v);
}

static void
test_k8s_view_rejects_what_is_not_a_list(void **state)
{
	struct json_object *o = json_tokener_parse("{\"x\": 1}");
	struct k8s_view v;
	struct diag e;

	k8s_view_init(&v, "site2");
	diag_init(&e);
	assert_int_equal(k8s_view_add_list(&v, PLAN_DEPLOYMENT, o, &e),
	                 -EPROTO);
	assert_int_equal(k8s_view_add_pods(&v, o, &e), -EPROTO);
	assert_int_equal(e.errors, 2);
	json_object_put(o);
	/* An empty list is fine, with or without items. */
	o = json_tokener_parse("{\"kind\":\"DeploymentList\",\"items\":null}");
	assert_int_equal(k8s_view_add_list(&v, PLAN_DEPLOYMENT, o, &e), 0);
	assert_null(k8s_list_continue(o));
	json_object_put(o);
	k8s_view_done(&v);
	diag_done(&e);
}

/* ---- against the scripted server -------------------------------------- */

static const char empty_list[] = "{\"kind\":\"List\",\"metadata\":{},"
                                 "\"items\":[]}";

static struct nfv_vim
vim_at(const char *url)
{
	struct nfv_vim v;

	memset(&v, 0, sizeof(v));
	v.name = "site2";
	v.file = TEST_DATA_DIR "/vims/site2-k8s.yaml";
	v.kind = NFV_VIM_KUBERNETES;
	v.auth_url = url;
	v.project_name = "nfv";
	v.cert_verify = true;
	v.secret_env = "NFVSYNC_TEST_K8S_TOKEN";
	return v;
}

/* ---- field-level drift ------------------------------------------------- */

static void
test_k8s_drift_quantities_compare_by_value(void **state)
{
	(void)state;
	assert_true(k8s_quantity_value("500m") == 0.5);
	assert_true(k8s_quantity_value("0.5") == 0.5);
	assert_true(k8s_quantity_value("2") == 2);
	assert_true(k8s_quantity_value("512Mi") == 536870912.0);
	assert_true(k8s_quantity_value("1G") == 1e9);
	assert_true(k8s_quantity_value("1e3") == 1000);
	assert_true(k8s_quantity_value("lots") < 0);
	assert_true(k8s_quantity_value("5Q") < 0);
	assert_true(k8s_quantity_value("") < 0);
}

/* The manifest for web_vdu (2 containers, 3 labels, 2 ports). */
static struct json_object *
drift_manifest(void)
{
	static struct nfv_vdu vdu;
	struct plan_action a;
	struct json_object *m = NULL, *live;
	struct diag e;

	vdu = web_vdu();
	a = action(PLAN_CREATE, PLAN_DEPLOYMENT, &vdu);
	diag_init(&e);
	assert_int_equal(k8s_manifest_build(&a, "nfv", &m, &e), 0);
	diag_done(&e);
	/* As the API server would send it back: parsed text, no shared
	 * members (the manifest's limits and requests are one object). */
	live = json_tokener_parse(json_object_to_json_string(m));
	json_object_put(m);
	return live;
}

static void
set(struct json_object *o, const char *path, const char *key,
    struct json_object *v)
{
	struct json_object *p = at(o, path);

	assert_non_null(p);
	json_object_object_add(p, key, v);
}

static void
assert_drift(struct json_object *live, const char *want)
{
	const char *applied =
	    label(at(live, "metadata.annotations"), K8S_ANNOTATION_FIELDS);
	char *d;

	assert_non_null(applied);
	d = k8s_drift_describe(applied, live);
	if (!want) {
		if (d)
			fprintf(stderr, "unexpected drift: %s\n", d);
		assert_null(d);
	} else {
		assert_non_null(d);
		assert_string_equal(d, want);
	}
	free(d);
}

static void
test_k8s_drift_counts_only_what_nfvsync_applied(void **state)
{
	struct json_object *m = drift_manifest();
	struct json_object *c0, *ports, *p;

	(void)state;
	assert_drift(m, NULL);
	/* The API server's spellings of the same quantities. */
	set(m, "spec.template.spec.containers.0.resources.requests", "cpu",
	    json_object_new_string("0.5"));
	set(m, "spec.template.spec.containers.0.resources.limits", "memory",
	    json_object_new_string("536870912"));
	/* What others add: a label, a pod label, a resource, a port, a
	 * container (an injected sidecar). */
	set(m, "metadata.labels", "team", json_object_new_string("ops"));
	set(m, "spec.template.metadata.labels", "version",
	    json_object_new_string("7"));
	set(m, "spec.template.spec.containers.0.resources.requests",
	    "ephemeral-storage", json_object_new_string("1Gi"));
	ports = at(m, "spec.template.spec.containers.0.ports");
	p = json_object_new_object();
	json_object_object_add(p, "containerPort", json_object_new_int(9000));
	json_object_array_add(ports, p);
	c0 = json_object_new_object();
	json_object_object_add(c0, "name", json_object_new_string("istio"));
	json_object_object_add(c0, "image", json_object_new_string("proxy"));
	json_object_array_add(at(m, "spec.template.spec.containers"), c0);
	assert_drift(m, NULL);
	json_object_put(m);
}

static void
test_k8s_drift_names_each_hand_edit(void **state)
{
	struct json_object *m = drift_manifest();
	struct json_object *cs;

	(void)state;
	/* kubectl set image */
	set(m, "spec.template.spec.containers.0", "image",
	    json_object_new_string("nginx:evil"));
	assert_drift(m, "container web-server: image nginx:evil (applied "
	                "nginx:1.25)");
	json_object_put(m);

	/* kubectl set resources / edit */
	m = drift_manifest();
	set(m, "spec.template.spec.containers.0.resources.limits", "cpu",
	    json_object_new_string("4"));
	json_object_object_del(
	    at(m, "spec.template.spec.containers.1.resources.requests"),
	    "memory");
	assert_drift(m, "container web-server: limits.cpu 4 (applied 500m); "
	                "container sidecar: requests.memory removed");
	json_object_put(m);

	/* kubectl label --overwrite, and a pod label removed */
	m = drift_manifest();
	set(m, "metadata.labels", K8S_LABEL_VDU,
	    json_object_new_string("other"));
	json_object_object_del(at(m, "spec.template.metadata.labels"), "app");
	assert_drift(m, "label nfvsync.io/vdu=other (applied web-vdu); "
	                "pod label app removed");
	json_object_put(m);

	/* a port and a whole container removed */
	m = drift_manifest();
	cs = at(m, "spec.template.spec.containers");
	json_object_array_del_idx(at(cs, "0.ports"), 1, 1);
	json_object_array_del_idx(cs, 1, 1);
	assert_drift(m, "container web-server: port 8443 removed; "
	                "container sidecar removed");
	json_object_put(m);
}

/* A DeploymentList of one object, as the API server answers it. */
static struct k8s_view *
view_of(struct json_object *dep)
{
	static struct k8s_view v;
	struct json_object *list = json_object_new_object();
	struct json_object *items = json_object_new_array();
	struct diag e;

	set(dep, "metadata", "uid", json_object_new_string("uid-1"));
	json_object_array_add(items, json_object_get(dep));
	json_object_object_add(list, "items", items);
	k8s_view_init(&v, "site2");
	diag_init(&e);
	assert_int_equal(k8s_view_add_list(&v, PLAN_DEPLOYMENT, list, &e), 0);
	diag_done(&e);
	json_object_put(list);
	assert_int_equal(v.n, 1);
	return &v;
}

static void
test_k8s_view_sees_a_hand_edit_as_drift(void **state)
{
	struct json_object *m = drift_manifest(), *mf, *e;
	struct k8s_view *v;

	(void)state;
	v = view_of(m);
	assert_string_equal(v->res[0].spec_hash, "0123456789abcdef");
	assert_null(v->res[0].drift);
	assert_false(v->reclaim[0]);
	k8s_view_done(v);

	/* kubectl edit: the image and the replicas. */
	set(m, "spec.template.spec.containers.0", "image",
	    json_object_new_string("nginx:evil"));
	set(m, "spec", "replicas", json_object_new_int(5));
	mf = json_object_new_array();
	e = json_object_new_object();
	json_object_object_add(e, "manager", json_object_new_string("nfvsync"));
	json_object_object_add(e, "operation", json_object_new_string("Apply"));
	json_object_array_add(mf, e);
	e = json_object_new_object();
	json_object_object_add(e, "manager",
	                       json_object_new_string("kubectl-edit"));
	json_object_object_add(e, "operation",
	                       json_object_new_string("Update"));
	json_object_array_add(mf, e);
	set(m, "metadata", "managedFields", mf);
	v = view_of(m);
	assert_null(v->res[0].spec_hash); /* the planner re-applies it */
	assert_string_equal(v->res[0].drift,
	                    "changed on the VIM: replicas 5 (applied 3); "
	                    "container web-server: image nginx:evil (applied "
	                    "nginx:1.25)");
	assert_true(v->replicas_drift[0]);
	assert_true(v->reclaim[0]); /* a hand edit: take it back */
	k8s_view_done(v);

	/* Another manager applies to it too: its conflict is reported, not
	 * overridden. */
	e = json_object_new_object();
	json_object_object_add(e, "manager", json_object_new_string("argocd"));
	json_object_object_add(e, "operation", json_object_new_string("Apply"));
	json_object_array_add(mf, e);
	v = view_of(m);
	assert_null(v->res[0].spec_hash);
	assert_non_null(v->res[0].drift);
	assert_false(v->reclaim[0]);
	k8s_view_done(v);
	json_object_put(m);
}

static void
test_k8s_driver_token_sources_and_errors_never_show_it(void **state)
{
	struct nfv_vim v = vim_at("http://127.0.0.1:1");
	struct k8s_driver *d = NULL;
	struct diag e;
	char dir[] = "/tmp/k8s-token.XXXXXX", file[300], *msg;
	FILE *f;

	diag_init(&e);
	unsetenv("NFVSYNC_TEST_K8S_TOKEN");
	assert_int_equal(k8s_driver_new(&v, &d, &e), -ENOENT);
	assert_null(d);
	msg = diag_entry_format(&e.entries[0]);
	assert_non_null(strstr(msg, "NFVSYNC_TEST_K8S_TOKEN"));
	assert_non_null(strstr(msg, "not set"));
	free(msg);
	diag_done(&e);

	/* A file relative to the VIM file's directory; its newline is not
	 * part of the token. */
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/token", dir);
	f = fopen(file, "w");
	assert_non_null(f);
	fputs("file-s3cret\n", f);
	fclose(f);
	v.secret_env = NULL;
	v.secret_file = "token";
	v.file = xasprintf("%s/site2.yaml", dir);
	diag_init(&e);
	assert_int_equal(k8s_driver_new(&v, &d, &e), 0);
	k8s_driver_free(d);
	d = NULL;
	/* Missing: named, with its path. */
	v.secret_file = "missing-token";
	assert_int_equal(k8s_driver_new(&v, &d, &e), -ENOENT);
	msg = diag_entry_format(&e.entries[e.n - 1]);
	assert_non_null(strstr(msg, "missing-token"));
	free(msg);
	diag_done(&e);
	/* A CA that is neither PEM nor a file. */
	v.secret_file = "token";
	v.ssl_ca_cert = "no-such-ca.pem";
	diag_init(&e);
	assert_int_equal(k8s_driver_new(&v, &d, &e), -ENOENT);
	assert_non_null(strstr(e.entries[0].message, "ssl_ca_cert"));
	diag_done(&e);
	/* Not a Kubernetes VIM. */
	v.kind = NFV_VIM_OPENSTACK;
	assert_int_equal(k8s_driver_new(&v, &d, NULL), -EINVAL);
	unlink(file);
	rmdir(dir);
	free((char *)v.file);
}

static void
test_k8s_driver_observe_lists_each_kind_once_and_follows_continue(void **state)
{
	struct fake_server *fs = fake_server_start();
	struct nfv_vim v = vim_at(fake_server_url(fs));
	char *page1 = fake_read_file(TEST_DATA_DIR "/k8s/deployments.json");
	char *pods = fake_read_file(TEST_DATA_DIR "/k8s/pods.json");
	struct k8s_driver *d = NULL;
	const struct k8s_view *view;
	struct diag e;
	size_t i, n;
	bool saw_continue = false;

	setenv("NFVSYNC_TEST_K8S_TOKEN", "env-s3cret", 1);
	/* Deployments come in two pages: the continue token of the first
	 * (base64, with '=' and '/') must come back encoded. */
	{
		char *p1 = fake_replace(page1, "\"resourceVersion\": \"812\"",
		                        "\"resourceVersion\": \"812\", "
		                        "\"continue\": \"YWJj/ZA==\"");
		struct fake_reply r1 = {
		    "GET", "/apis/apps/v1/namespaces/nfv/deployments",
		    200,   NULL,
		    p1,    1};
		struct fake_reply r2 = {
		    "GET",
		    "/apis/apps/v1/namespaces/nfv/deployments",
		    200,
		    NULL,
		    "{\"kind\":\"DeploymentList\",\"metadata\":{},\"items\":[{"
		    "\"metadata\":{\"name\":\"third\",\"namespace\":\"nfv\","
		    "\"uid\":\"u3\",\"labels\":{\"app.kubernetes.io/"
		    "managed-by\":\"nfvsync\"}},\"spec\":{\"replicas\":1}}]}",
		    1};

		fake_server_add(fs, &r1);
		fake_server_add(fs, &r2);
		free(p1);
	}
	{
		struct fake_reply r = {
		    "GET", "/api/v1/namespaces/nfv/pods", 200, NULL, NULL, 0};
		char *p =
		    fake_replace(pods, "\"continue\": \"eyJ2IjoibWV0YS5r\"",
		                 "\"continue\": \"\"");

		r.body = p;
		fake_server_add(fs, &r);
		free(p);
	}
	{
		struct fake_reply r = {"GET", NULL, 200, NULL, empty_list, 0};

		fake_server_add(fs, &r);
	}
	diag_init(&e);
	assert_int_equal(k8s_driver_new(&v, &d, &e), 0);
	assert_int_equal(k8s_driver_observe(d, &e), 0);
	view = k8s_driver_view(d);
	/* 2 + 1 deployments, 3 pods with addresses. */
	assert_int_equal(view->n, 3);
	assert_int_equal(view->nendpoints, 3);
	/* 4 lists + 1 further page. */
	assert_int_equal(k8s_driver_requests(d), 5);
	n = fake_server_count(fs, NULL, NULL);
	assert_int_equal(n, 5);
	for (i = 0; i < n; i++) {
		const struct fake_request *q = fake_server_request(fs, i);

		assert_string_equal(fake_request_header(q, "Authorization"),
		                    "Bearer env-s3cret");
		assert_non_null(strstr(
		    q->query, "labelSelector=app.kubernetes.io/managed-by="
		              "nfvsync"));
		assert_non_null(strstr(q->query, "limit=500"));
		if (strstr(q->query, "continue=YWJj/ZA=="))
			saw_continue = true;
	}
	assert_true(saw_continue);
	assert_int_equal(fake_server_count(fs, "GET",
	                                   "/apis/autoscaling/v2/namespaces/"
	                                   "nfv/horizontalpodautoscalers"),
	                 1);
	assert_int_equal(
	    fake_server_count(fs, "GET", "/api/v1/namespaces/nfv/services"), 1);
	k8s_driver_free(d);
	diag_done(&e);
	fake_server_stop(fs);
	free(page1);
	free(pods);
}

static void
test_k8s_driver_apply_is_a_server_side_apply_then_a_wait(void **state)
{
	struct fake_server *fs = fake_server_start();
	struct nfv_vim v = vim_at(fake_server_url(fs));
	struct nfv_vdu vdu = web_vdu();
	struct plan_action a = action(PLAN_CREATE, PLAN_SERVICE, &vdu);
	struct k8s_driver *d = NULL;
	const struct fake_request *q;
	struct json_object *body;
	struct diag e;
	static const char svc_path[] =
	    "/api/v1/namespaces/nfv/services/ns-site2-web-vnf-web-vdu";
	struct fake_reply conflict = {
	    "PATCH",
	    svc_path,
	    409,
	    NULL,
	    "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":"
	    "\"Apply failed with 1 conflict: conflict with \\\"kubectl\\\": "
	    ".spec.type\",\"reason\":\"Conflict\",\"code\":409}",
	    1};
	struct fake_reply ok = {
	    "PATCH",
	    svc_path,
	    200,
	    NULL,
	    "{\"kind\":\"Service\",\"metadata\":{\"name\":"
	    "\"ns-site2-web-vnf-web-vdu\",\"namespace\":\"nfv\",\"uid\":"
	    "\"s1\",\"labels\":{\"app.kubernetes.io/managed-by\":"
	    "\"nfvsync\"}}}",
	    0};
	struct fake_reply gone = {
	    "GET", svc_path, 404, NULL, "{\"kind\":\"Status\",\"code\":404}",
	    0};
	struct fake_reply del = {"DELETE",
	                         svc_path,
	                         200,
	                         NULL,
	                         "{\"kind\":\"Status\",\"status\":\"Success\"}",
	                         0};

	setenv("NFVSYNC_TEST_K8S_TOKEN", "env-s3cret", 1);
	fake_server_add(fs, &conflict);
	fake_server_add(fs, &ok);
	fake_server_add(fs, &gone);
	fake_server_add(fs, &del);
	diag_init(&e);
	assert_int_equal(k8s_driver_new(&v, &d, &e), 0);
	/* A conflict is reported, with the manager and field. */
	assert_int_equal(k8s_driver_apply(d, &a, &e), -EEXIST);
	assert_non_null(strstr(e.entries[0].message, "PATCH http://"));
	assert_non_null(strstr(e.entries[0].message, "409"));
	assert_non_null(strstr(e.entries[0].message, ".spec.type"));
	assert_null(strstr(e.entries[0].message, "s3cret"));
	q = fake_server_request(fs, 0);
	assert_string_equal(q->query, "fieldManager=nfvsync");
	assert_string_equal(fake_request_header(q, "Content-Type"),
	                    "application/apply-patch+yaml");
	body = json_tokener_parse(q->body);
	assert_string_equal(at_str(body, "kind"), "Service");
	json_object_put(body);
	diag_done(&e);

	/* Forced when told. */
	{
		struct k8s_driver_opts o = {.force_conflicts = true};

		k8s_driver_set_opts(d, &o);
	}
	diag_init(&e);
	assert_int_equal(k8s_driver_apply(d, &a, &e), 0);
	assert_string_equal(fake_server_request(fs, 1)->query,
	                    "fieldManager=nfvsync&force=true");
	assert_true(
	    k8s_view_find(k8s_driver_view(d), PLAN_SERVICE, a.name, NULL) >= 0);
	/* Delete: DELETE with a propagation policy, then GET until 404. */
	a = action(PLAN_DELETE, PLAN_SERVICE, NULL);
	assert_int_equal(k8s_driver_apply(d, &a, &e), 0);
	q = fake_server_request(fs, 2);
	assert_string_equal(q->method, "DELETE");
	assert_string_equal(q->query, "propagationPolicy=Foreground");
	assert_string_equal(fake_server_request(fs, 3)->method, "GET");
	assert_int_equal(
	    k8s_view_find(k8s_driver_view(d), PLAN_SERVICE, a.name, NULL), -1);
	assert_int_equal(e.errors, 0);
	diag_done(&e);
	k8s_driver_free(d);
	fake_server_stop(fs);
}

/* A clock that only moves when the driver sleeps. */
struct fake_clock {
	int64_t now;
	unsigned sleeps;
};

static int64_t
fake_now(void *payload)
{
	return ((struct fake_clock *)payload)->now;
}

static void
fake_sleep(int64_t ms, void *payload)
{
	struct fake_clock *c = payload;

	c->now += ms;
	c->sleeps++;
}

/* A rollout that never finishes is -ETIMEDOUT after the wait (polled every
 * poll_ms, no real sleep); one whose deadline passed is -EIO at once. */
static void
test_k8s_driver_rollout_wait_is_bounded(void **state)
{
	struct fake_server *fs = fake_server_start();
	struct nfv_vim v = vim_at(fake_server_url(fs));
	struct nfv_vdu vdu = web_vdu();
	struct plan_action a = action(PLAN_CREATE, PLAN_DEPLOYMENT, &vdu);
	struct fake_clock clock = {1000000, 0};
	struct http_options ho;
	struct k8s_driver_opts o = {.wait_timeout_ms = 2000, .poll_ms = 250};
	static const char dep[] =
	    "/apis/apps/v1/namespaces/nfv/deployments/ns-site2-web-vnf-web-vdu";
	static const char progressing[] =
	    "{\"kind\":\"Deployment\",\"metadata\":{\"name\":"
	    "\"ns-site2-web-vnf-web-vdu\",\"namespace\":\"nfv\","
	    "\"generation\":1},\"spec\":{\"replicas\":3},\"status\":{"
	    "\"observedGeneration\":1,\"replicas\":3,\"updatedReplicas\":3,"
	    "\"readyReplicas\":1,\"availableReplicas\":1}}";
	static const char failed[] =
	    "{\"kind\":\"Deployment\",\"metadata\":{\"name\":"
	    "\"ns-site2-web-vnf-web-vdu\",\"generation\":1},\"spec\":{"
	    "\"replicas\":3},\"status\":{\"observedGeneration\":1,"
	    "\"conditions\":[{\"type\":\"Progressing\",\"status\":"
	    "\"False\",\"reason\":\"ProgressDeadlineExceeded\"}]}}";
	struct fake_reply patch = {"PATCH", dep, 200, NULL, progressing, 0};
	struct fake_reply get = {"GET", dep, 200, NULL, progressing, 0};
	struct k8s_driver *d = NULL;
	struct diag e;

	setenv("NFVSYNC_TEST_K8S_TOKEN", "env-s3cret", 1);
	fake_server_add(fs, &patch);
	fake_server_add(fs, &get);
	http_options_init(&ho);
	ho.clock.now_ms = fake_now;
	ho.clock.sleep_ms = fake_sleep;
	ho.clock.payload = &clock;
	diag_init(&e);
	assert_int_equal(k8s_driver_new_with(&v, &o, &ho, &d, &e), 0);
	assert_int_equal(k8s_driver_apply(d, &a, &e), -ETIMEDOUT);
	assert_non_null(strstr(e.entries[e.n - 1].message, "not ready"));
	assert_int_equal(clock.now, 1000000 + 2000);
	assert_int_equal(clock.sleeps, 8);
	/* One GET per poll: at 0, 250, ..., 2000 ms. */
	assert_int_equal(fake_server_count(fs, "GET", dep), 9);
	diag_done(&e);
	k8s_driver_free(d);
	fake_server_stop(fs);

	fs = fake_server_start();
	v = vim_at(fake_server_url(fs));
	patch.body = failed;
	get.body = failed;
	fake_server_add(fs, &patch);
	fake_server_add(fs, &get);
	clock.sleeps = 0;
	diag_init(&e);
	assert_int_equal(k8s_driver_new_with(&v, &o, &ho, &d, &e), 0);
	assert_int_equal(k8s_driver_apply(d, &a, &e), -EIO);
	assert_non_null(
	    strstr(e.entries[e.n - 1].message, "ProgressDeadlineExceeded"));
	assert_int_equal(clock.sleeps, 0);
	diag_done(&e);
	k8s_driver_free(d);
	fake_server_stop(fs);
}

/* A continue token that expired (410 Gone) restarts the observation. */
static void
test_k8s_driver_observe_lists_again_when_a_continue_token_expired(void **state)
{
	struct fake_server *fs = fake_server_start();
	struct nfv_vim v = vim_at(fake_server_url(fs));
	static const char path[] = "/apis/apps/v1/namespaces/nfv/deployments";
	static const char page1[] =
	    "{\"kind\":\"DeploymentList\",\"metadata\":{\"continue\":"
	    "\"tok\"},\"items\":[{\"metadata\":{\"name\":\"a\","
	    "\"labels\":{\"app.kubernetes.io/managed-by\":\"nfvsync\"}}}]}";
	static const char page2[] =
	    "{\"kind\":\"DeploymentList\",\"metadata\":{},\"items\":[{"
	    "\"metadata\":{\"name\":\"b\",\"labels\":{"
	    "\"app.kubernetes.io/managed-by\":\"nfvsync\"}}}]}";
	struct fake_reply r1 = {"GET", path, 200, NULL, page1, 1};
	struct fake_reply gone = {
	    "GET",
	    path,
	    410,
	    NULL,
	    "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":"
	    "\"The provided continue parameter is too old\",\"reason\":"
	    "\"Expired\",\"code\":410}",
	    1};
	struct fake_reply r2 = {"GET", path, 200, NULL, page2, 1};
	struct fake_reply rest = {"GET", NULL, 200, NULL, empty_list, 0};
	struct k8s_driver *d = NULL;
	struct diag e;

	setenv("NFVSYNC_TEST_K8S_TOKEN", "env-s3cret", 1);
	fake_server_add(fs, &r1);
	fake_server_add(fs, &gone);
	fake_server_add(fs, &r1);
	fake_server_add(fs, &r2);
	fake_server_add(fs, &rest);
	diag_init(&e);
	assert_int_equal(k8s_driver_new(&v, &d, &e), 0);
	assert_int_equal(k8s_driver_observe(d, &e), 0);
	assert_int_equal(e.n, 0);
	/* a, b: nothing twice from the first attempt. */
	assert_int_equal(k8s_driver_view(d)->n, 2);
	assert_int_equal(k8s_driver_requests(d), 10);
	k8s_driver_free(d);
	diag_done(&e);
	fake_server_stop(fs);
}

/* TLS: the VIM's ssl_ca_cert as PEM text or as a path relative to the
 * VIM file; without it the test CA is unknown; cert_verify False turns
 * verification off (with a warning). */
static int
tls_observe(const char *ca, bool verify, size_t *ret_warnings)
{
	struct fake_server *fs = fake_server_start_tls(
	    TEST_DATA_DIR "/tls/server.pem", TEST_DATA_DIR "/tls/server.key");
	struct nfv_vim v = vim_at(fake_server_url(fs));
	struct fake_reply r = {"GET", NULL, 200, NULL, empty_list, 0};
	struct k8s_driver *d = NULL;
	struct diag e;
	int rc;

	fake_server_add(fs, &r);
	setenv("NFVSYNC_TEST_K8S_TOKEN", "env-s3cret", 1);
	v.ssl_ca_cert = ca;
	v.cert_verify = verify;
	diag_init(&e);
	assert_int_equal(k8s_driver_new(&v, &d, &e), 0);
	rc = k8s_driver_observe(d, &e);
	*ret_warnings = e.n - e.errors;
	k8s_driver_free(d);
	diag_done(&e);
	fake_server_stop(fs);
	return rc;
}

static void
test_k8s_driver_tls_trusts_the_vim_ca_as_pem_or_path(void **state)
{
	char *pem = fake_read_file(TEST_DATA_DIR "/tls/ca.pem");
	size_t warnings;

	/* vim_at's VIM file is data/vims/site2-k8s.yaml: ../tls/ca.pem. */
	assert_int_equal(tls_observe("../tls/ca.pem", true, &warnings), 0);
	assert_int_equal(warnings, 0);
	assert_int_equal(tls_observe(pem, true, &warnings), 0);
	assert_int_equal(tls_observe(NULL, true, &warnings), -EPROTO);
	assert_int_equal(tls_observe(NULL, false, &warnings), 0);
	assert_int_equal(warnings, 1);
	free(pem);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(
	        test_k8s_manifest_quantities_are_millicores_and_binary_units),
	    cmocka_unit_test(test_k8s_manifest_label_values_are_sanitised),
	    cmocka_unit_test(test_k8s_manifest_deployment_from_the_vdu),
	    cmocka_unit_test(
	        test_k8s_manifest_replicas_are_left_to_an_autoscaler),
	    cmocka_unit_test(
	        test_k8s_manifest_service_maps_published_to_target_ports),
	    cmocka_unit_test(test_k8s_manifest_refuses_what_it_cannot_build),
	    cmocka_unit_test(
	        test_k8s_view_decodes_lists_into_observed_resources),
	    cmocka_unit_test(test_k8s_view_pods_become_endpoints),
	    cmocka_unit_test(test_k8s_view_rejects_what_is_not_a_list),
	    cmocka_unit_test(test_k8s_drift_quantities_compare_by_value),
	    cmocka_unit_test(test_k8s_drift_counts_only_what_nfvsync_applied),
	    cmocka_unit_test(test_k8s_drift_names_each_hand_edit),
	    cmocka_unit_test(test_k8s_view_sees_a_hand_edit_as_drift),
	    cmocka_unit_test(
	        test_k8s_driver_token_sources_and_errors_never_show_it),
	    cmocka_unit_test(
	        test_k8s_driver_observe_lists_each_kind_once_and_follows_continue),
	    cmocka_unit_test(
	        test_k8s_driver_apply_is_a_server_side_apply_then_a_wait),
	    cmocka_unit_test(test_k8s_driver_rollout_wait_is_bounded),
	    cmocka_unit_test(
	        test_k8s_driver_observe_lists_again_when_a_continue_token_expired),
	    cmocka_unit_test(
	        test_k8s_driver_tls_trusts_the_vim_ca_as_pem_or_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
