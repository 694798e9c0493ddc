/*
 * The Kubernetes driver against localvim's Kubernetes API (real pods as
 * processes, Services, EndpointSlices, HPAs, server-side apply with field
 * managers). Started by k8s_localvim.sh, which runs localvim and exports
 * LOCALVIM_K8S_URL and LOCALVIM_K8S_TOKEN; skipped (77) without them.
 *
 * One scenario, in order: create a Deployment + Service, observe them and
 * their ready pods with 4 list requests, scale through the descriptor, see
 * a hand scale as drift, report (then force) a field-manager conflict, an
 * autoscaled VDU (no replicas in our apply, an HPA), delete everything, and
 * a wrong token whose error does not show it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "http.h"
#include "k8s_driver.h"
#include "k8s_manifest.h"
#include "xalloc.h"

static const char *url;

static struct nfv_vim vim = {
    .name = "site2",
    .file = "/nonexistent/vims/site2.yaml",
    .kind = NFV_VIM_KUBERNETES,
    .project_name = "default",
    .cert_verify = true,
    .secret_env = "LOCALVIM_K8S_TOKEN",
};

static int web_ports[] = {8080};
static struct nfv_container web_containers[] = {
    {.name = "web",
     .image = "nginx:1.25",
     .num_cpus = 0.25,
     .mem_bytes = 64LL << 20,
     .ports = web_ports,
     .nports = 1},
};
static struct nfv_port_map web_map[] = {{80, 8080}};
static struct nfv_kv web_labels[] = {{"app", "web"}};
static struct nfv_vdu web_vdu = {
    .name = "web_vdu",
    .kind = NFV_VDU_CONTAINER,
    .instances = 2,
    .min_instances = 2,
    .max_instances = 2,
    .mapping_ports = web_map,
    .nmapping_ports = 1,
    .labels = web_labels,
    .nlabels = 1,
    .containers = web_containers,
    .ncontainers = 1,
};
static struct nfv_vdu auto_vdu = {
    .name = "auto",
    .kind = NFV_VDU_CONTAINER,
    .namespace = "kube-public", /* not the VIM's */
    .instances = 1,
    .min_instances = 1,
    .max_instances = 4,
    .target_cpu_utilization = 60,
    .containers = web_containers,
    .ncontainers = 1,
};

static struct plan_action
action(enum plan_op op, enum plan_kind kind, char *name,
       const struct nfv_vdu *vdu, const char *hash)
{
	struct plan_action a;

	memset(&a, 0, sizeof(a));
	a.op = op;
	a.kind = kind;
	a.service = "ns_site2";
	a.vim = "site2";
	a.name = name;
	a.vnf = "web_vnf";
	a.vdu = vdu ? vdu->name : NULL;
	a.model_vdu = vdu;
	a.instance = -1;
	snprintf(a.spec_hash, sizeof(a.spec_hash), "%s", hash);
	return a;
}

static struct k8s_driver *
open_driver(void)
{
	struct k8s_driver *d = NULL;
	struct k8s_driver_opts o = {.wait_timeout_ms = 30000, .poll_ms = 50};
	struct diag e;

	diag_init(&e);
	vim.auth_url = url;
	if (k8s_driver_new_with(&vim, &o, NULL, &d, &e) < 0)
		diag_print(&e, stderr);
	diag_done(&e);
	assert_non_null(d);
	return d;
}

static void
apply_ok(struct k8s_driver *d, const struct plan_action *a)
{
	struct diag e;
	int r;

	diag_init(&e);
	r = k8s_driver_apply(d, a, &e);
	if (r < 0)
		diag_print(&e, stderr);
	assert_int_equal(r, 0);
	diag_done(&e);
}

static void
observe_ok(struct k8s_driver *d)
{
	struct diag e;
	int r;

	diag_init(&e);
	r = k8s_driver_observe(d, &e);
	if (r < 0)
		diag_print(&e, stderr);
	assert_int_equal(r, 0);
	diag_done(&e);
}

static const struct plan_observed_res *
find(const struct k8s_view *v, enum plan_kind kind, const char *name)
{
	long i = k8s_view_find(v, kind, name, NULL);

	return i >= 0 ? &v->res[i] : NULL;
}

static size_t
ready_endpoints(const struct k8s_view *v, const char *vdu)
{
	size_t i, n = 0;

	for (i = 0; i < v->nendpoints; i++) {
		if (v->endpoints[i].ready &&
		    strcmp(v->endpoints[i].vdu, vdu) == 0) {
			assert_non_null(v->endpoints[i].address);
			assert_non_null(v->endpoints[i].pod);
			assert_string_equal(v->endpoints[i].service,
			                    "ns_site2");
			assert_string_equal(v->endpoints[i].vnf, "web-vnf");
			n++;
		}
	}
	return n;
}

/* Another client's request, with its own field manager. */
static int
raw(const char *method, const char *path, const char *ctype, const char *body,
    struct json_object **ret)
{
	struct http_client *c = NULL;
	struct http_request req;
	struct http_response resp;
	char *u, *hdr[2];
	const char *hdrs[2];
	int r;

	assert_int_equal(http_client_new(NULL, &c, NULL), 0);
	u = xasprintf("%s%s", url, path);
	hdr[0] =
	    xasprintf("Authorization: Bearer %s", getenv("LOCALVIM_K8S_TOKEN"));
	hdr[1] = xasprintf("Content-Type: %s", ctype);
	hdrs[0] = hdr[0];
	hdrs[1] = hdr[1];
	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	req.method = method;
	req.url = u;
	req.headers = hdrs;
	req.nheaders = body ? 2 : 1;
	req.body = body;
	r = http_do(c, &req, &resp, NULL);
	if (r == 0)
		r = (int)resp.status;
	if (ret)
		*ret = json_tokener_parse(resp.body ? resp.body : "null");
	http_response_done(&resp);
	http_client_free(c);
	free(u);
	free(hdr[0]);
	free(hdr[1]);
	return r;
}

/* Each ready endpoint answers on its pod address: localvim serves pod IP
 * a.b.c.d on 127.b.c.d, with the pod's name in the reply. */
static void
served_by_their_pods(const struct k8s_view *v)
{
	size_t i;

	for (i = 0; i < v->nendpoints; i++) {
		const char *dot = strchr(v->endpoints[i].address, '.');
		struct http_client *c = NULL;
		struct http_request req;
		struct http_response resp;
		char *u;

		assert_non_null(dot);
		u = xasprintf("http://127%s:8080/", dot);
		assert_int_equal(http_client_new(NULL, &c, NULL), 0);
		memset(&req, 0, sizeof(req));
		memset(&resp, 0, sizeof(resp));
		req.method = "GET";
		req.url = u;
		assert_int_equal(http_do(c, &req, &resp, NULL), 0);
		assert_int_equal(resp.status, 200);
		assert_non_null(strstr(resp.body, v->endpoints[i].pod));
		http_response_done(&resp);
		http_client_free(c);
		free(u);
	}
}

static void
test_k8s_localvim_creates_observes_scales_and_deletes(void **state)
{
	struct k8s_driver *d = open_driver();
	char name[] = "ns-site2-web-vnf-web-vdu";
	char aname[] = "ns-site2-web-vnf-auto";
	struct plan_action dep =
	    action(PLAN_CREATE, PLAN_DEPLOYMENT, name, &web_vdu, "1111");
	struct plan_action svc =
	    action(PLAN_CREATE, PLAN_SERVICE, name, &web_vdu, "2222");
	const struct k8s_view *v;
	const struct plan_observed_res *r;
	unsigned long long before;
	struct diag e;
	int rc;

	/* Nothing of ours yet: one list per kind, 4 requests. */
	before = k8s_driver_requests(d);
	observe_ok(d);
	v = k8s_driver_view(d);
	assert_int_equal(k8s_driver_requests(d) - before, 4);
	assert_int_equal(v->n, 0);
	assert_int_equal(v->nendpoints, 0);

	/* Create: the apply returns once both replicas are ready. */
	apply_ok(d, &dep);
	apply_ok(d, &svc);
	observe_ok(d);
	v = k8s_driver_view(d);
	r = find(v, PLAN_DEPLOYMENT, name);
	assert_non_null(r);
	assert_true(r->managed);
	assert_string_equal(r->status, "Available");
	assert_string_equal(r->spec_hash, "1111");
	assert_string_equal(r->service, "ns_site2");
	assert_string_equal(r->vim, "site2");
	assert_non_null(r->id);
	r = find(v, PLAN_SERVICE, name);
	assert_non_null(r);
	assert_string_equal(r->spec_hash, "2222");
	assert_int_equal(ready_endpoints(v, "web-vdu"), 2);
	served_by_their_pods(v);

	/* Scale through the descriptor. */
	web_vdu.instances = 3;
	dep = action(PLAN_UPDATE, PLAN_DEPLOYMENT, name, &web_vdu, "3333");
	apply_ok(d, &dep);
	observe_ok(d);
	v = k8s_driver_view(d);
	assert_int_equal(ready_endpoints(v, "web-vdu"), 3);
	assert_string_equal(find(v, PLAN_DEPLOYMENT, name)->spec_hash, "3333");
	/* In pages of one: 1 deployment, 1 service, no HPA (1 request each),
	 * 3 pods (3 requests). */
	{
		struct k8s_driver_opts o = {
		    .wait_timeout_ms = 30000, .poll_ms = 50, .page_size = 1};

		k8s_driver_set_opts(d, &o);
		before = k8s_driver_requests(d);
		observe_ok(d);
		assert_int_equal(k8s_driver_requests(d) - before, 6);
		assert_int_equal(k8s_driver_view(d)->n, 2);
		assert_int_equal(ready_endpoints(k8s_driver_view(d), "web-vdu"),
		                 3);
		o.page_size = 0;
		k8s_driver_set_opts(d, &o);
	}

	/* Scaled by hand: drift, seen as a missing spec hash. */
	assert_int_equal(raw("PATCH",
	                     "/apis/apps/v1/namespaces/default/deployments/"
	                     "ns-site2-web-vnf-web-vdu/scale",
	                     "application/merge-patch+json",
	                     "{\"spec\":{\"replicas\":1}}", NULL),
	                 200);
	observe_ok(d);
	assert_null(find(k8s_driver_view(d), PLAN_DEPLOYMENT, name)->spec_hash);
	/* Re-applying restores it. */
	apply_ok(d, &dep);
	observe_ok(d);
	assert_string_equal(
	    find(k8s_driver_view(d), PLAN_DEPLOYMENT, name)->spec_hash, "3333");
	assert_int_equal(ready_endpoints(k8s_driver_view(d), "web-vdu"), 3);

	/* Another manager takes one of our labels: our apply is a conflict,
	 * not forced, and says with whom. */
	assert_int_equal(
	    raw("PATCH",
	        "/apis/apps/v1/namespaces/default/deployments/"
	        "ns-site2-web-vnf-web-vdu?fieldManager=ops&force=true",
	        "application/apply-patch+yaml",
	        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
	        "\"metadata\":{\"name\":\"ns-site2-web-vnf-web-vdu\","
	        "\"labels\":{\"nfvsync.io/vdu\":\"stolen\"}}}",
	        NULL),
	    200);
	diag_init(&e);
	rc = k8s_driver_apply(d, &dep, &e);
	assert_int_equal(rc, -EEXIST);
	assert_true(e.n > 0);
	assert_non_null(strstr(e.entries[0].message, "409"));
	assert_non_null(strstr(e.entries[0].message, "conflict"));
	assert_non_null(strstr(e.entries[0].message, "ops"));
	diag_done(&e);
	{
		struct k8s_driver_opts o = {.wait_timeout_ms = 30000,
		                            .poll_ms = 50,
		                            .force_conflicts = true};

		k8s_driver_set_opts(d, &o);
		apply_ok(d, &dep);
		o.force_conflicts = false;
		k8s_driver_set_opts(d, &o);
	}

	/* An autoscaled VDU: the Deployment without replicas, an HPA. */
	dep = action(PLAN_CREATE, PLAN_DEPLOYMENT, aname, &auto_vdu, "4444");
	apply_ok(d, &dep);
	dep = action(PLAN_CREATE, PLAN_AUTOSCALER, aname, &auto_vdu, "5555");
	apply_ok(d, &dep);
	{
		struct json_object *hpa = NULL, *f;

		assert_int_equal(
		    raw("GET",
		        "/apis/autoscaling/v2/namespaces/kube-public/"
		        "horizontalpodautoscalers/ns-site2-web-vnf-auto",
		        "application/json", NULL, &hpa),
		    200);
		assert_true(json_object_object_get_ex(hpa, "spec", &f));
		assert_true(json_object_object_get_ex(f, "maxReplicas", &f));
		assert_int_equal(json_object_get_int(f), 4);
		json_object_put(hpa);
	}
	/* Two namespaces now (the VIM's and the one the apply used): one list
	 * per kind in each. */
	before = k8s_driver_requests(d);
	observe_ok(d);
	assert_int_equal(k8s_driver_requests(d) - before, 8);
	v = k8s_driver_view(d);
	assert_int_equal(v->n, 4);
	r = find(v, PLAN_AUTOSCALER, aname);
	assert_non_null(r);
	assert_string_equal(r->spec_hash, "5555");
	assert_string_equal(
	    v->ns[k8s_view_find(v, PLAN_AUTOSCALER, aname, NULL)],
	    "kube-public");
	assert_int_equal(ready_endpoints(v, "auto"), 1);

	/* Delete everything (the planner gives name and uid only). */
	{
		static const enum plan_kind kinds[] = {
		    PLAN_AUTOSCALER, PLAN_SERVICE, PLAN_DEPLOYMENT,
		    PLAN_DEPLOYMENT};
		char *names[] = {aname, name, name, aname};
		size_t i;

		for (i = 0; i < 4; i++) {
			struct plan_action del =
			    action(PLAN_DELETE, kinds[i], names[i], NULL, "");
			long at = k8s_view_find(k8s_driver_view(d), kinds[i],
			                        names[i], NULL);

			assert_true(at >= 0);
			del.vnf = del.vdu = NULL;
			del.id = k8s_driver_view(d)->res[at].id;
			apply_ok(d, &del);
		}
	}
	observe_ok(d);
	v = k8s_driver_view(d);
	assert_int_equal(v->n, 0);
	assert_int_equal(v->nendpoints, 0);
	k8s_driver_free(d);
}

static void
test_k8s_localvim_wrong_token_is_refused_without_showing_it(void **state)
{
	struct k8s_driver *d;
	struct diag e;
	char *saved = strdup(getenv("LOCALVIM_K8S_TOKEN"));
	size_t i;

	setenv("LOCALVIM_K8S_TOKEN", "wrong-s3cr3t-token", 1);
	d = open_driver();
	diag_init(&e);
	assert_int_equal(k8s_driver_observe(d, &e), -EACCES);
	assert_true(e.n > 0);
	for (i = 0; i < e.n; i++) {
		assert_null(strstr(e.entries[i].message, "s3cr3t"));
	}
	assert_non_null(strstr(e.entries[0].message, "401"));
	diag_done(&e);
	k8s_driver_free(d);
	setenv("LOCALVIM_K8S_TOKEN", saved, 1);
	free(saved);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(
	        test_k8s_localvim_creates_observes_scales_and_deletes),
	    cmocka_unit_test(
	        test_k8s_localvim_wrong_token_is_refused_without_showing_it),
	};

	url = getenv("LOCALVIM_K8S_URL");
	if (!url || !*url || !getenv("LOCALVIM_K8S_TOKEN")) {
		fprintf(stderr, "skipped: LOCALVIM_K8S_URL and "
		                "LOCALVIM_K8S_TOKEN are not set (run "
		                "k8s_localvim.sh)\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
