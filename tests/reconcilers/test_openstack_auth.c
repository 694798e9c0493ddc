/*
 * Unit tests of the OpenStack session against the scripted fake server
 * playing Keystone (the captured token response of the openstack-lab, its
 * catalog pointed at the fake server) and the services: token request
 * bodies, caching until shortly before expiry, one re-authentication on
 * 401, catalog selection by interface and region, URL joining, headers.
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

#include "fake_server.h"
#include "http.h"
#include "os_session.h"

/* The captured X-Subject-Token (01-token-response.headers). */
#define LAB_TOKEN                                                              \
	"gAAAAABrBeDqDb3c3J3IscLu3QjQAfBRliIfF0XVQABZpgolQDvnUmZTazrY1YbCN6c1" \
	"I3NYCygtg9RGvzEoKw4PGkRDUv-cJukIdQAR6or29mb22WWYOVOeQIkgEPxLF6TTMAzm" \
	"JPgce3Lsw1pp--w1JxlNl5yMtJ_zoAWKHRUoSPLuA6b1Wkg"
/* 2026-11-25T15:00:00Z; the captured token expires at 19:09:30Z. */
#define NOW_MS 1795618800000LL
#define EXPIRES_MS 1795633770000LL

struct fixture {
	struct fake_server *fs;
	int64_t now;
	struct os_config cfg;
	struct os_session *s;
	struct diag d;
	char auth_url[128];
	char buf[512];
};

static int64_t
fake_now(void *payload)
{
	return *(int64_t *)payload;
}

static void
fake_sleep(int64_t ms, void *payload)
{
	*(int64_t *)payload += ms;
}

static uint64_t
fake_random(void *payload)
{
	return 0;
}

/* The captured token body with every lab URL pointing at the fake server:
 * http://127.0.0.1:8774/v2.1 becomes <fake>/p8774/v2.1. */
static char *
lab_token_body(struct fixture *f)
{
	char *body = fake_read_file(TEST_DATA_DIR "/01-token-response.json");
	char prefix[128];
	char *out;

	snprintf(prefix, sizeof(prefix), "%s/p", fake_server_url(f->fs));
	out = fake_replace(body, "http://127.0.0.1:", prefix);
	free(body);
	return out;
}

static void
script_keystone(struct fixture *f, const char *token, const char *body,
                unsigned times)
{
	char hdr[512];
	struct fake_reply r = {
	    "POST", "/identity/v3/auth/tokens", 201, hdr, body, times};

	snprintf(hdr, sizeof(hdr), "X-Subject-Token: %s\nVary: X-Auth-Token",
	         token);
	fake_server_add(f->fs, &r);
}

static void
script_lab_keystone(struct fixture *f, const char *token, unsigned times)
{
	char *body = lab_token_body(f);

	script_keystone(f, token, body, times);
	free(body);
}

static void
reply(struct fixture *f, const char *method, const char *path, int status,
      const char *body, unsigned times)
{
	struct fake_reply r = {method, path, status, NULL, body, times};

	fake_server_add(f->fs, &r);
}

static void
open_session(struct fixture *f)
{
	struct http_options o;

	http_options_init(&o);
	o.clock.now_ms = fake_now;
	o.clock.sleep_ms = fake_sleep;
	o.clock.random = fake_random;
	o.clock.payload = &f->now;
	assert_int_equal(os_session_new(&f->cfg, &o, &f->s, &f->d), 0);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->fs = fake_server_start();
	f->now = NOW_MS;
	snprintf(f->auth_url, sizeof(f->auth_url), "%s/identity/v3",
	         fake_server_url(f->fs));
	/* The openstack-lab's admin credentials, as in the captured
	 * request. */
	f->cfg.name = "lab";
	f->cfg.auth_type = OS_AUTH_PASSWORD;
	f->cfg.auth_url = f->auth_url;
	f->cfg.username = "admin";
	f->cfg.password = "lab-s3cret";
	f->cfg.user_domain_name = "Default";
	f->cfg.project_name = "admin";
	f->cfg.project_domain_name = "Default";
	f->cfg.interface = "public";
	f->cfg.verify = true;
	diag_init(&f->d);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	size_t i;

	/* Whatever happened, no secret reached a message. */
	for (i = 0; i < f->d.n; i++) {
		assert_null(strstr(f->d.entries[i].message, "lab-s3cret"));
		assert_null(strstr(f->d.entries[i].message, LAB_TOKEN));
	}
	os_session_free(f->s);
	fake_server_stop(f->fs);
	diag_done(&f->d);
	free(f);
	return 0;
}

static const char *
at(struct fixture *f, const char *path)
{
	snprintf(f->buf, sizeof(f->buf), "%s%s", fake_server_url(f->fs), path);
	return f->buf;
}

static struct json_object *
parse(const char *text)
{
	struct json_object *o = json_tokener_parse(text);

	assert_non_null(o);
	return o;
}

static void
test_openstack_auth_password_request_matches_the_lab_capture(void **state)
{
	struct fixture *f = *state;
	struct json_object *want, *got;
	const struct fake_request *seen;
	const char *tok;
	char *redacted, *capture;

	script_lab_keystone(f, LAB_TOKEN, 0);
	open_session(f);
	assert_int_equal(os_session_token(f->s, &tok, &f->d), 0);
	assert_string_equal(tok, LAB_TOKEN);
	assert_int_equal(os_session_token_expires_ms(f->s), EXPIRES_MS);
	assert_string_equal(os_session_project_id(f->s),
	                    "d59ec5e08a424c7eb9286316e69e0b32");

	seen = fake_server_request(f->fs, 0);
	assert_string_equal(seen->method, "POST");
	assert_string_equal(seen->path, "/identity/v3/auth/tokens");
	assert_string_equal(fake_request_header(seen, "Content-Type"),
	                    "application/json");
	/* The password is on the wire, and only there. */
	assert_non_null(strstr(seen->body, "\"password\":\"lab-s3cret\""));
	/* With the password redacted, the body is the captured request
	 * (whose password the capture shows as "***"). */
	redacted = http_redact_body(seen->body, seen->body_len);
	capture = fake_read_file(TEST_DATA_DIR "/01-token-request.json");
	want = parse(capture);
	got = parse(redacted);
	assert_true(json_object_equal(want, got));
	json_object_put(want);
	json_object_put(got);
	free(redacted);
	free(capture);
	assert_int_equal(f->d.n, 0);
}

static void
test_openstack_auth_application_credential_request(void **state)
{
	struct fixture *f = *state;
	const struct fake_request *seen;
	struct json_object *o, *v;
	const char *tok;

	f->cfg.auth_type = OS_AUTH_APPLICATION_CREDENTIAL;
	f->cfg.application_credential_id = "ac-123";
	f->cfg.application_credential_secret = "ac-s3cret";
	script_lab_keystone(f, LAB_TOKEN, 0);
	open_session(f);
	assert_int_equal(os_session_token(f->s, &tok, &f->d), 0);
	seen = fake_server_request(f->fs, 0);
	o = parse(seen->body);
	assert_true(json_object_object_get_ex(o, "auth", &v));
	/* Bound to its project: no scope. */
	assert_false(json_object_object_get_ex(v, "scope", NULL));
	assert_true(json_object_object_get_ex(v, "identity", &v));
	assert_string_equal(
	    json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN),
	    "{\"methods\":[\"application_credential\"],"
	    "\"application_credential\":{\"id\":\"ac-123\",\"secret\":"
	    "\"ac-s3cret\"}}");
	json_object_put(o);
}

static void
test_openstack_auth_url_with_or_without_v3(void **state)
{
	struct fixture *f = *state;
	static const char *const suffixes[] = {"/identity/v3", "/identity/v3/",
	                                       "/identity", "/identity/"};
	const char *tok;
	size_t i;

	script_lab_keystone(f, LAB_TOKEN, 0);
	for (i = 0; i < 4; i++) {
		snprintf(f->auth_url, sizeof(f->auth_url), "%s%s",
		         fake_server_url(f->fs), suffixes[i]);
		open_session(f);
		assert_int_equal(os_session_token(f->s, &tok, &f->d), 0);
		os_session_free(f->s);
		f->s = NULL;
	}
	assert_int_equal(
	    fake_server_count(f->fs, "POST", "/identity/v3/auth/tokens"), 4);
	assert_int_equal(fake_server_count(f->fs, NULL, NULL), 4);
}

static void
test_openstack_auth_token_is_cached_until_shortly_before_expiry(void **state)
{
	struct fixture *f = *state;
	struct http_response resp;
	const struct fake_request *seen;

	script_lab_keystone(f, LAB_TOKEN, 0);
	reply(f, "GET", "/p8774/v2.1/servers/detail", 200, "{\"servers\": []}",
	      0);
	open_session(f);
	assert_int_equal(os_session_request(f->s, "compute", "GET",
	                                    "/servers/detail", NULL, &resp,
	                                    &f->d),
	                 0);
	assert_int_equal(resp.status, 200);
	http_response_done(&resp);
	f->now = EXPIRES_MS - OS_TOKEN_MARGIN_MS - 1;
	assert_int_equal(os_session_request(f->s, "compute", "GET",
	                                    "/servers/detail", NULL, &resp,
	                                    &f->d),
	                 0);
	http_response_done(&resp);
	assert_int_equal(fake_server_count(f->fs, "POST", NULL), 1);
	assert_int_equal(fake_server_count(f->fs, "GET", NULL), 2);
	seen = fake_server_request(f->fs, 1);
	assert_string_equal(fake_request_header(seen, "X-Auth-Token"),
	                    LAB_TOKEN);
	assert_string_equal(fake_request_header(seen, "Accept"),
	                    "application/json");

	/* Inside the margin: a new token before the request. */
	f->now = EXPIRES_MS - OS_TOKEN_MARGIN_MS;
	assert_int_equal(os_session_request(f->s, "compute", "GET",
	                                    "/servers/detail", NULL, &resp,
	                                    &f->d),
	                 0);
	http_response_done(&resp);
	assert_int_equal(fake_server_count(f->fs, "POST", NULL), 2);
	assert_int_equal(fake_server_count(f->fs, "GET", NULL), 3);
	assert_int_equal(
	    http_client_count(os_session_http(f->s), "identity", "POST", 201),
	    2);
	assert_int_equal(
	    http_client_count(os_session_http(f->s), "compute", "GET", 2), 3);
}

static void
test_openstack_auth_short_lived_token_is_renewed_halfway(void **state)
{
	struct fixture *f = *state;
	char *lab = lab_token_body(f);
	/* 20 s of life from the fake now (15:00:00Z). */
	char *body = fake_replace(lab, "2026-11-25T19:09:30.000000Z",
	                          "2026-11-25T15:00:20.000000Z");
	const char *tok;

	script_keystone(f, LAB_TOKEN, body, 0);
	free(lab);
	free(body);
	open_session(f);
	assert_int_equal(os_session_token(f->s, &tok, &f->d), 0);
	f->now = NOW_MS + 9999;
	assert_int_equal(os_session_token(f->s, &tok, &f->d), 0);
	assert_int_equal(fake_server_count(f->fs, "POST", NULL), 1);
	f->now = NOW_MS + 10000;
	assert_int_equal(os_session_token(f->s, &tok, &f->d), 0);
	assert_int_equal(fake_server_count(f->fs, "POST", NULL), 2);
}

/* A second session of the same credentials (a parallel worker) takes the
 * first one's token and catalog instead of logging in; a token due for
 * renewal is not handed on, and a fresher one replaces a due one. */
static void
test_openstack_auth_worker_adopts_the_token(void **state)
{
	struct fixture *f = *state;
	struct os_session *worker;
	struct http_response resp;
	struct http_options o;
	const char *tok;

	script_lab_keystone(f, "token-one", 1);
	script_lab_keystone(f, "token-two", 0);
	reply(f, "GET", "/p9696/v2.0/ports", 200, "{\"ports\": []}", 0);
	open_session(f);
	http_options_init(&o);
	o.clock.now_ms = fake_now;
	o.clock.sleep_ms = fake_sleep;
	o.clock.random = fake_random;
	o.clock.payload = &f->now;
	assert_int_equal(os_session_new(&f->cfg, &o, &worker, &f->d), 0);

	/* Nothing to take yet: the worker keeps no token. */
	os_session_adopt_token(worker, f->s);
	assert_int_equal(os_session_token_expires_ms(worker), 0);

	assert_int_equal(os_session_token(f->s, &tok, &f->d), 0);
	os_session_adopt_token(worker, f->s);
	assert_int_equal(os_session_token_expires_ms(worker), EXPIRES_MS);
	assert_string_equal(os_session_project_id(worker),
	                    os_session_project_id(f->s));
	assert_int_equal(os_session_request(worker, "network", "GET",
	                                    "/v2.0/ports", NULL, &resp, &f->d),
	                 0);
	assert_int_equal(resp.status, 200);
	http_response_done(&resp);
	assert_int_equal(fake_server_count(f->fs, "POST", NULL), 1);
	assert_string_equal(
	    fake_request_header(fake_server_request(f->fs, 1), "X-Auth-Token"),
	    "token-one");
	/* The worker's catalog is its own copy. */
	os_session_free(f->s);
	f->s = NULL;
	assert_int_equal(os_session_request(worker, "network", "GET",
	                                    "/v2.0/ports", NULL, &resp, &f->d),
	                 0);
	http_response_done(&resp);
	assert_int_equal(fake_server_count(f->fs, "POST", NULL), 1);

	/* A token inside its renewal margin is not handed on: the other
	 * session logs in. */
	open_session(f);
	f->now = EXPIRES_MS - OS_TOKEN_MARGIN_MS;
	os_session_adopt_token(f->s, worker);
	assert_int_equal(os_session_token_expires_ms(f->s), 0);
	assert_int_equal(os_session_token(f->s, &tok, &f->d), 0);
	assert_string_equal(tok, "token-two");
	assert_int_equal(fake_server_count(f->fs, "POST", NULL), 2);
	/* ... and that fresher token goes back to the worker, whose own is
	 * due: no third login. */
	os_session_adopt_token(worker, f->s);
	assert_int_equal(os_session_token(worker, &tok, &f->d), 0);
	assert_string_equal(tok, "token-two");
	assert_int_equal(fake_server_count(f->fs, "POST", NULL), 2);
	os_session_free(worker);
}

static void
test_openstack_auth_reauthenticates_once_on_401(void **state)
{
	struct fixture *f = *state;
	struct http_response resp;
	const struct fake_request *seen;

	script_lab_keystone(f, "token-one", 1);
	script_lab_keystone(f, "token-two", 0);
	reply(f, "GET", "/p9696/v2.0/ports", 401,
	      "{\"error\": {\"code\": 401, \"message\": \"The request you have "
	      "made requires authentication.\", \"title\": "
	      "\"Unauthorized\"}}",
	      1);
	reply(f, "GET", "/p9696/v2.0/ports", 200, "{\"ports\": []}", 0);
	open_session(f);
	assert_int_equal(os_session_request(f->s, "network", "GET",
	                                    "/v2.0/ports", NULL, &resp, &f->d),
	                 0);
	assert_int_equal(resp.status, 200);
	assert_int_equal(http_response_check(&resp, &f->d), 0);
	http_response_done(&resp);
	assert_int_equal(fake_server_count(f->fs, "POST", NULL), 2);
	assert_int_equal(fake_server_count(f->fs, "GET", NULL), 2);
	seen = fake_server_request(f->fs, 1);
	assert_string_equal(fake_request_header(seen, "X-Auth-Token"),
	                    "token-one");
	seen = fake_server_request(f->fs, 3);
	assert_string_equal(fake_request_header(seen, "X-Auth-Token"),
	                    "token-two");
	assert_int_equal(f->d.n, 0);
}

static void
test_openstack_auth_gives_up_after_one_reauthentication(void **state)
{
	struct fixture *f = *state;
	struct http_response resp;
	char want[1024];

	script_lab_keystone(f, LAB_TOKEN, 0);
	reply(f, "GET", "/p9876/v2/lbaas/loadbalancers", 401,
	      "{\"faultcode\": \"Client\", \"faultstring\": \"Authentication "
	      "required\", \"debuginfo\": null}",
	      0);
	open_session(f);
	assert_int_equal(os_session_request(f->s, "load-balancer", "GET",
	                                    "/v2/lbaas/loadbalancers", NULL,
	                                    &resp, &f->d),
	                 0);
	assert_int_equal(resp.status, 401);
	assert_int_equal(fake_server_count(f->fs, "POST", NULL), 2);
	assert_int_equal(fake_server_count(f->fs, "GET", NULL), 2);
	assert_int_equal(http_response_check(&resp, &f->d), -EACCES);
	snprintf(want, sizeof(want), "GET %s -> 401: Authentication required",
	         at(f, "/p9876/v2/lbaas/loadbalancers"));
	assert_string_equal(f->d.entries[0].message, want);
	http_response_done(&resp);
}

static void
test_openstack_auth_many_401s_cost_one_reauthentication(void **state)
{
	struct fixture *f = *state;
	struct os_request reqs[3] = {
	    {"compute", "GET", "/servers/detail?tags=nfv", NULL, 0},
	    {"network", "GET", "/v2.0/ports?tags=nfv", NULL, 0},
	    {"load-balancer", "GET", "/v2/lbaas/pools", NULL, 0},
	};
	struct http_response resps[3];
	size_t i;

	script_lab_keystone(f, LAB_TOKEN, 0);
	reply(f, "GET", "/p8774/*", 401, "{}", 1);
	reply(f, "GET", "/p9696/*", 401, "{}", 1);
	reply(f, "GET", "*", 200, "{}", 0);
	open_session(f);
	assert_int_equal(os_session_request_many(f->s, reqs, 3, resps, &f->d),
	                 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(resps[i].status, 200);
		http_response_done(&resps[i]);
	}
	assert_int_equal(fake_server_count(f->fs, "POST", NULL), 2);
	assert_int_equal(fake_server_count(f->fs, "GET", "/p8774/*"), 2);
	assert_int_equal(fake_server_count(f->fs, "GET", "/p9696/*"), 2);
	assert_int_equal(fake_server_count(f->fs, "GET", "/p9876/*"), 1);
}

static void
test_openstack_auth_keystone_rejection_is_reported(void **state)
{
	struct fixture *f = *state;
	struct http_response resp;
	char want[1024];

	reply(f, "POST", "/identity/v3/auth/tokens", 401,
	      "{\"error\": {\"code\": 401, \"message\": \"The request you have "
	      "made requires authentication.\", \"title\": "
	      "\"Unauthorized\"}}",
	      0);
	open_session(f);
	assert_int_equal(os_session_request(f->s, "compute", "GET", "/servers",
	                                    NULL, &resp, &f->d),
	                 -EACCES);
	http_response_done(&resp);
	/* A wrong password is not retried, and no service is called. */
	assert_int_equal(fake_server_count(f->fs, NULL, NULL), 1);
	assert_int_equal(f->d.n, 1);
	snprintf(want, sizeof(want),
	         "POST %s -> 401: The request you have made requires "
	         "authentication.",
	         at(f, "/identity/v3/auth/tokens"));
	assert_string_equal(f->d.entries[0].message, want);
}

static void
test_openstack_auth_answer_without_token_header_is_an_error(void **state)
{
	struct fixture *f = *state;
	const char *tok;
	char *body = lab_token_body(f);

	reply(f, "POST", "/identity/v3/auth/tokens", 201, body, 0);
	free(body);
	open_session(f);
	assert_int_equal(os_session_token(f->s, &tok, &f->d), -EPROTO);
	assert_non_null(
	    strstr(f->d.entries[0].message, "no X-Subject-Token header"));
}

static void
test_openstack_auth_joins_paths_as_each_service_expects(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *type, *path, *want;
	} cases[] = {
	    {"compute", "/servers/detail", "/p8774/v2.1/servers/detail"},
	    {"compute", "/v2.1/servers", "/p8774/v2.1/servers"},
	    {"network", "/v2.0/ports", "/p9696/v2.0/ports"},
	    {"load-balancer", "/v2/lbaas/loadbalancers",
	     "/p9876/v2/lbaas/loadbalancers"},
	    {"image", "v2/images", "/p9292/v2/images"},
	};
	struct http_response resp;
	const struct fake_request *seen;
	size_t i;

	script_lab_keystone(f, LAB_TOKEN, 0);
	reply(f, "GET", "*", 200, "{}", 0);
	open_session(f);
	os_session_set_api_version(f->s, "compute", "2.64");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(os_session_request(f->s, cases[i].type, "GET",
		                                    cases[i].path, NULL, &resp,
		                                    &f->d),
		                 0);
		assert_int_equal(resp.status, 200);
		http_response_done(&resp);
		seen = fake_server_request(f->fs, i + 1);
		assert_string_equal(seen->path, cases[i].want);
		if (strcmp(cases[i].type, "compute") == 0)
			assert_string_equal(
			    fake_request_header(seen, "OpenStack-API-Version"),
			    "compute 2.64");
		else
			assert_null(
			    fake_request_header(seen, "OpenStack-API-Version"));
	}
}

static void
test_openstack_auth_url_join_rules(void **state)
{
	static const struct {
		const char *ep, *path, *project, *want;
	} cases[] = {
	    {"http://h:8774/v2.1", "/servers", NULL,
	     "http://h:8774/v2.1/servers"},
	    {"http://h:8774/v2.1/", "servers", NULL,
	     "http://h:8774/v2.1/servers"},
	    {"http://h:8774/v2.1", "/v2.1/servers", NULL,
	     "http://h:8774/v2.1/servers"},
	    {"http://h:8774/v2.1/p1", "/v2.1/servers", "p1",
	     "http://h:8774/v2.1/p1/servers"},
	    {"http://h:8774/v2.1/p1", "/servers", "p1",
	     "http://h:8774/v2.1/p1/servers"},
	    {"http://h:8774/", "/v2.1/servers", NULL,
	     "http://h:8774/v2.1/servers"},
	    {"http://h:9696", "/v2.0/ports?tags=a", NULL,
	     "http://h:9696/v2.0/ports?tags=a"},
	    {"http://h:9696/", "/v2.0/ports", NULL, "http://h:9696/v2.0/ports"},
	    {"http://h/load-balancer", "/v2/lbaas/pools", NULL,
	     "http://h/load-balancer/v2/lbaas/pools"},
	    /* v2 is not v2.0: only the same version is not repeated. */
	    {"http://h:9876/v2", "/v2.0/lbaas", NULL,
	     "http://h:9876/v2/v2.0/lbaas"},
	    {"http://h:8774/v2.1", "?limit=1", NULL,
	     "http://h:8774/v2.1?limit=1"},
	    {"http://h:8774/v2.1", "/", NULL, "http://h:8774/v2.1"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *u =
		    os_url_join(cases[i].ep, cases[i].path, cases[i].project);

		assert_string_equal(u, cases[i].want);
		free(u);
	}
}

static void
test_openstack_auth_tokens_url_and_time_parsing(void **state)
{
	char *u;
	int64_t t;

	u = os_keystone_tokens_url("https://ks:5000/v3/");
	assert_string_equal(u, "https://ks:5000/v3/auth/tokens");
	free(u);
	u = os_keystone_tokens_url("https://ks/identity");
	assert_string_equal(u, "https://ks/identity/v3/auth/tokens");
	free(u);

	assert_int_equal(os_parse_time("2026-11-25T19:09:30.000000Z", &t), 0);
	assert_int_equal(t, EXPIRES_MS);
	assert_int_equal(os_parse_time("2026-11-25T19:09:30.250Z", &t), 0);
	assert_int_equal(t, EXPIRES_MS + 250);
	assert_int_equal(os_parse_time("2026-11-25T21:09:30+02:00", &t), 0);
	assert_int_equal(t, EXPIRES_MS);
	assert_int_equal(os_parse_time("1970-01-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(os_parse_time("2024-02-29T00:00:00Z", &t), 0);
	assert_int_equal(t, 1709164800000LL);
	assert_int_equal(os_parse_time("2026-13-01T00:00:00Z", &t), -EINVAL);
	assert_int_equal(os_parse_time("yesterday", &t), -EINVAL);
	assert_int_equal(os_parse_time("2026-11-25T19:09:30Zjunk", &t),
	                 -EINVAL);
}

/* ---- catalog selection (hand-written two-region catalog) ---- */

static void
script_two_regions(struct fixture *f)
{
	char *raw = fake_read_file(TEST_DATA_DIR "/token-two-regions.json");
	char *body = fake_replace(raw, "BASE", fake_server_url(f->fs));

	script_keystone(f, LAB_TOKEN, body, 0);
	free(raw);
	free(body);
}

static char *
endpoint(struct fixture *f, const char *type, int want_r)
{
	char *u = NULL;

	assert_int_equal(os_session_endpoint(f->s, type, &u, &f->d), want_r);
	return u;
}

static void
test_openstack_auth_catalog_by_interface_and_region(void **state)
{
	struct fixture *f = *state;
	char *u;

	script_two_regions(f);
	f->cfg.region_name = "RegionTwo";
	open_session(f);
	u = endpoint(f, "compute", 0);
	assert_string_equal(u, at(f, "/two-public/v2.1/p1"));
	free(u);
	os_session_free(f->s);

	f->cfg.region_name = "RegionOne";
	f->cfg.interface = "internal";
	open_session(f);
	u = endpoint(f, "compute", 0);
	assert_string_equal(u, at(f, "/one-internal/v2.1"));
	free(u);
	/* Neutron has no internal endpoint in this catalog. */
	assert_null(endpoint(f, "network", -ENOENT));
	assert_string_equal(f->d.entries[0].message,
	                    "cloud 'lab': no internal endpoint for 'network' "
	                    "in region RegionOne in the service catalog");
	assert_null(endpoint(f, "dns", -ENOENT));
	assert_string_equal(f->d.entries[1].message,
	                    "cloud 'lab': the service catalog has no 'dns' "
	                    "service (it has: compute, network)");
}

static void
test_openstack_auth_catalog_refuses_to_guess_a_region(void **state)
{
	struct fixture *f = *state;
	struct http_response resp;
	char *u;

	script_two_regions(f);
	open_session(f);
	/* One region offers the network: no need to name it. */
	u = endpoint(f, "network", 0);
	assert_string_equal(u, at(f, "/net"));
	free(u);
	assert_null(endpoint(f, "compute", -EINVAL));
	assert_string_equal(f->d.entries[0].message,
	                    "cloud 'lab': several regions offer a public "
	                    "'compute' endpoint (RegionOne, RegionTwo); set "
	                    "region_name");
	/* And nothing is sent to a guessed endpoint. */
	assert_int_equal(os_session_request(f->s, "compute", "GET", "/servers",
	                                    NULL, &resp, &f->d),
	                 -EINVAL);
	http_response_done(&resp);
	assert_int_equal(fake_server_count(f->fs, "GET", NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	    T(test_openstack_auth_password_request_matches_the_lab_capture),
	    T(test_openstack_auth_application_credential_request),
	    T(test_openstack_auth_url_with_or_without_v3),
	    T(test_openstack_auth_token_is_cached_until_shortly_before_expiry),
	    T(test_openstack_auth_short_lived_token_is_renewed_halfway),
	    T(test_openstack_auth_worker_adopts_the_token),
	    T(test_openstack_auth_reauthenticates_once_on_401),
	    T(test_openstack_auth_gives_up_after_one_reauthentication),
	    T(test_openstack_auth_many_401s_cost_one_reauthentication),
	    T(test_openstack_auth_keystone_rejection_is_reported),
	    T(test_openstack_auth_answer_without_token_header_is_an_error),
	    T(test_openstack_auth_joins_paths_as_each_service_expects),
	    cmocka_unit_test(test_openstack_auth_url_join_rules),
	    cmocka_unit_test(test_openstack_auth_tokens_url_and_time_parsing),
	    T(test_openstack_auth_catalog_by_interface_and_region),
	    T(test_openstack_auth_catalog_refuses_to_guess_a_region),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
