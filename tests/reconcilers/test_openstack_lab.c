/*
 * Read-only checks of nfv_openstack against the real OpenStack services of
 * ../shared/openstack-lab (Keystone, Nova, Neutron, Glance, Octavia): the
 * lab's own clouds.yaml is read, a token is obtained, and one list per
 * service is fetched and decoded. Nothing is created or changed.
 *
 * Exits 77 (skipped for ctest), saying why, when the lab is not up
 * ($LAB/clouds.yaml missing or Keystone not answering); any failure against
 * a running lab fails.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "http.h"
#include "os_session.h"

static char lab_clouds[512];

static bool
lab_available(void)
{
	const char *lab = getenv("LAB");
	struct http_client *c = NULL;
	struct http_request req = {"identity", "GET", NULL, NULL,
	                           0,          NULL,  0,    1};
	struct http_response resp;
	struct os_config *cfg = NULL;
	struct stat st;
	struct diag d;
	bool ok;

	snprintf(lab_clouds, sizeof(lab_clouds), "%s/clouds.yaml",
	         lab && *lab ? lab : "/var/tmp/openstack-lab");
	if (stat(lab_clouds, &st) != 0) {
		fprintf(stderr, "SKIP: no %s (openstack-lab not set up)\n",
		        lab_clouds);
		return false;
	}
	if (os_config_from_clouds_file(lab_clouds, NULL, "openstack-lab", &cfg,
	                               NULL) < 0) {
		fprintf(stderr, "SKIP: %s has no usable openstack-lab cloud\n",
		        lab_clouds);
		return false;
	}
	if (http_client_new(NULL, &c, NULL) < 0) {
		os_config_free(cfg);
		return false;
	}
	req.url = cfg->auth_url;
	/* A down lab is a connection error, reported into d (never NULL:
	 * the HTTP layer writes its message there). */
	diag_init(&d);
	ok = http_do(c, &req, &resp, &d) == 0 && resp.status == 200;
	diag_done(&d);
	if (!ok)
		fprintf(stderr,
		        "SKIP: Keystone at %s does not answer (lab down)\n",
		        cfg->auth_url);
	http_response_done(&resp);
	http_client_free(c);
	os_config_free(cfg);
	return ok;
}

static size_t
list_length(struct os_session *s, const char *type, const char *path,
            const char *key)
{
	struct http_response resp;
	struct json_object *o = NULL, *v;
	struct diag d;
	size_t n;

	diag_init(&d);
	assert_int_equal(
	    os_session_request(s, type, "GET", path, NULL, &resp, &d), 0);
	if (http_response_check(&resp, &d) != 0) {
		diag_print(&d, stderr);
		fail_msg("%s %s failed", type, path);
	}
	assert_int_equal(http_response_json(&resp, &o, &d), 0);
	assert_true(json_object_object_get_ex(o, key, &v));
	assert_true(json_object_is_type(v, json_type_array));
	n = json_object_array_length(v);
	json_object_put(o);
	http_response_done(&resp);
	diag_done(&d);
	return n;
}

static void
test_openstack_lab_lists_every_service(void **state)
{
	struct os_config *cfg = NULL;
	struct os_session *s = NULL;
	struct http_client *http;
	struct diag d;
	char *ep = NULL;

	diag_init(&d);
	assert_int_equal(os_config_from_clouds_file(lab_clouds, NULL,
	                                            "openstack-lab", &cfg, &d),
	                 0);
	assert_int_equal(os_session_new(cfg, NULL, &s, &d), 0);
	os_session_set_api_version(s, "compute", "2.52");
	assert_int_equal(os_session_endpoint(s, "compute", &ep, &d), 0);
	assert_non_null(strstr(ep, "/v2.1"));
	free(ep);
	assert_non_null(os_session_project_id(s));

	/* The lab's fixed content: net0 and net1, the ubuntu image. */
	assert_true(list_length(s, "network", "/v2.0/networks", "networks") >=
	            2);
	assert_true(list_length(s, "image", "/v2/images", "images") >= 1);
	list_length(s, "compute", "/servers/detail?limit=5", "servers");
	list_length(s, "compute", "/v2.1/flavors/detail", "flavors");
	list_length(s, "load-balancer", "/v2/lbaas/loadbalancers",
	            "loadbalancers");

	/* One token for all of it. */
	http = os_session_http(s);
	assert_int_equal(http_client_count(http, "identity", "POST", 201), 1);
	assert_int_equal(http_client_count(http, NULL, "GET", 2), 5);
	assert_int_equal(d.errors, 0);
	os_session_free(s);
	os_config_free(cfg);
	diag_done(&d);
}

static void
test_openstack_lab_rejects_a_wrong_password(void **state)
{
	struct os_config *cfg = NULL;
	struct os_session *s = NULL;
	const char *tok;
	struct diag d;

	diag_init(&d);
	assert_int_equal(os_config_from_clouds_file(lab_clouds, NULL,
	                                            "openstack-lab", &cfg, &d),
	                 0);
	free(cfg->password);
	cfg->password = strdup("not-the-password");
	assert_int_equal(os_session_new(cfg, NULL, &s, &d), 0);
	assert_int_equal(os_session_token(s, &tok, &d), -EACCES);
	assert_int_equal(d.n, 1);
	assert_non_null(
	    strstr(d.entries[0].message, "/v3/auth/tokens -> 401: "));
	assert_null(strstr(d.entries[0].message, "not-the-password"));
	os_session_free(s);
	os_config_free(cfg);
	diag_done(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_openstack_lab_lists_every_service),
	    cmocka_unit_test(test_openstack_lab_rejects_a_wrong_password),
	};

	if (!lab_available())
		return 77; /* ctest: skipped */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
