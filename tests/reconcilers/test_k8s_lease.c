/*
 * Leader election (k8s_lease) against localvim's coordination.k8s.io/v1
 * Leases. Started by k8s_localvim.sh, which runs localvim and exports its
 * KUBECONFIG and LOCALVIM_ADMIN_URL; skipped (77) without them.
 *
 * localvim refuses a stale resourceVersion (409); two replicas competing
 * for one Lease: one leader at a time, a release hands over at once, a
 * stale holder is taken over only once its lease has expired (real time,
 * short durations, polled with a deadline), and a leader that cannot renew
 * steps down before its lease runs out (a test clock and localvim's fault
 * injection). Each test uses its own Lease.
 */
#define _GNU_SOURCE /* asprintf */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "http.h"
#include "k8s_config.h"
#include "k8s_lease.h"
#include "model.h"

static const char *admin_url;

/* ---- helpers ----------------------------------------------------------- */

static struct k8s_lease *
lease_open(const char *name, const char *identity,
           const struct http_options *ho)
{
	struct k8s_lease *l = NULL;
	struct diag d;

	diag_init(&d);
	if (k8s_lease_new_with(NULL, NULL, "kube-system", name, identity, ho,
	                       &l, &d) < 0)
		diag_print(&d, stderr);
	diag_done(&d);
	assert_non_null(l);
	return l;
}

/* One tick that must reach the API server; returns *leader. */
static bool
tick(struct k8s_lease *l, double *next_s)
{
	struct diag d;
	double next;
	bool leader = false;
	int r;

	diag_init(&d);
	r = k8s_lease_tick(l, &leader, &next, &d);
	if (r < 0)
		diag_print(&d, stderr);
	assert_int_equal(r, 0);
	diag_done(&d);
	if (next_s)
		*next_s = next;
	return leader;
}

static void
release(struct k8s_lease *l)
{
	struct diag d;

	diag_init(&d);
	assert_int_equal(k8s_lease_release(l, &d), 0);
	diag_done(&d);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
sleep_s(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

/* An HTTP call with localvim's kubeconfig credentials (or to the admin
 * API when admin is set); returns the status. */
static long
call(const char *method, const char *url, const char *body,
     struct json_object **ret)
{
	struct k8s_config *c = NULL;
	struct http_options o;
	struct http_client *h = NULL;
	struct http_request req;
	struct http_response resp;
	const char *headers[1];
	struct diag d;
	long status;

	diag_init(&d);
	assert_int_equal(k8s_config_from_kubeconfig(NULL, NULL, &c, &d), 0);
	http_options_init(&o);
	o.max_attempts = 1;
	assert_int_equal(http_client_new(&o, &h, &d), 0);
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.url = url;
	req.body = body;
	req.headers = headers;
	headers[0] = k8s_config_auth_header(c);
	req.nheaders = 1;
	memset(&resp, 0, sizeof(resp));
	assert_int_equal(http_do(h, &req, &resp, &d), 0);
	status = resp.status;
	if (ret)
		*ret = json_tokener_parse(resp.body);
	http_response_done(&resp);
	nfv_secret_free((char *)headers[0]);
	http_client_free(h);
	k8s_config_free(c);
	diag_done(&d);
	return status;
}

static char *
lease_url(const char *name)
{
	struct k8s_config *c = NULL;
	struct diag d;
	char *u;

	diag_init(&d);
	assert_int_equal(k8s_config_from_kubeconfig(NULL, NULL, &c, &d), 0);
	diag_done(&d);
	u = NULL;
	assert_true(asprintf(&u,
	                     "%s/apis/coordination.k8s.io/v1/namespaces/"
	                     "kube-system/leases%s%s",
	                     c->server, name ? "/" : "", name ? name : "") > 0);
	k8s_config_free(c);
	return u;
}

/* The Lease's spec.<key> as a string (caller frees), or NULL. */
static char *
lease_field(const char *name, const char *key)
{
	char *url = lease_url(name);
	struct json_object *o = NULL, *spec, *v;
	char *s = NULL;

	assert_int_equal(call("GET", url, NULL, &o), 200);
	if (json_object_object_get_ex(o, "spec", &spec) &&
	    json_object_object_get_ex(spec, key, &v))
		s = strdup(json_object_get_string(v));
	json_object_put(o);
	free(url);
	return s;
}

static void
assert_holder(const char *name, const char *want)
{
	char *h = lease_field(name, "holderIdentity");

	assert_non_null(h);
	assert_string_equal(h, want);
	free(h);
}

/* ---- a test clock ------------------------------------------------------ */

static int64_t fake_now = 1900000000000LL; /* 2030, ms */

static int64_t
fake_now_ms(void *payload)
{
	(void)payload;
	return fake_now;
}

static void
fake_sleep_ms(int64_t ms, void *payload)
{
	(void)payload;
	fake_now += ms;
}

static void
fake_options(struct http_options *o)
{
	http_options_init(o);
	o->max_attempts = 1;
	o->clock.now_ms = fake_now_ms;
	o->clock.sleep_ms = fake_sleep_ms;
}

/* ---- tests ------------------------------------------------------------- */

static void
test_k8s_lease_localvim_refuses_a_stale_resource_version(void **state)
{
	char *coll = lease_url(NULL), *url = lease_url("rv-check");
	struct json_object *o = NULL, *meta, *rv;
	char *stale, *body;

	(void)state;
	assert_int_equal(
	    call("POST", coll,
	         "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":"
	         "\"Lease\",\"metadata\":{\"name\":\"rv-check\"},\"spec\":{"
	         "\"holderIdentity\":\"x\"}}",
	         NULL),
	    201);
	assert_int_equal(call("GET", url, NULL, &o), 200);
	assert_true(json_object_object_get_ex(o, "metadata", &meta));
	assert_true(json_object_object_get_ex(meta, "resourceVersion", &rv));
	stale = strdup(json_object_get_string(rv));
	json_object_put(o);
	assert_true(asprintf(&body,
	                     "{\"apiVersion\":\"coordination.k8s.io/v1\","
	                     "\"kind\":\"Lease\",\"metadata\":{\"name\":"
	                     "\"rv-check\",\"resourceVersion\":\"%s\"},"
	                     "\"spec\":{\"holderIdentity\":\"y\"}}",
	                     stale) > 0);
	assert_int_equal(call("PUT", url, body, NULL), 200);
	/* The same version again: somebody (we) wrote since. */
	assert_int_equal(call("PUT", url, body, NULL), 409);
	assert_holder("rv-check", "y");
	/* Creating it twice is a conflict too. */
	assert_int_equal(
	    call("POST", coll,
	         "{\"metadata\":{\"name\":\"rv-check\"},\"spec\":{}}", NULL),
	    409);
	free(body);
	free(stale);
	free(url);
	free(coll);
}

static void
test_k8s_lease_one_leader_at_a_time(void **state)
{
	struct http_options ho;
	struct k8s_lease *a, *b;
	double next;
	int i;

	(void)state;
	fake_options(&ho);
	a = lease_open("one-leader", "replica-a", &ho);
	b = lease_open("one-leader", "replica-b", &ho);
	assert_true(tick(a, &next)); /* creates it */
	assert_true(next == 10.0);   /* renew period */
	assert_false(tick(b, &next));
	assert_true(next == 2.0); /* retry period */
	for (i = 0; i < 3; i++) {
		fake_now += 10000; /* within 15 s of the last renewal */
		assert_true(tick(a, NULL));
		assert_false(tick(b, NULL));
		fake_now += 2000;
		assert_false(tick(b, NULL));
	}
	assert_holder("one-leader", "replica-a");
	k8s_lease_free(a);
	k8s_lease_free(b);
}

static void
test_k8s_lease_release_hands_over_at_once(void **state)
{
	struct http_options ho;
	struct k8s_lease *a, *b;
	char *t;

	(void)state;
	fake_options(&ho);
	a = lease_open("handover", "replica-a", &ho);
	b = lease_open("handover", "replica-b", &ho);
	assert_true(tick(a, NULL));
	assert_false(tick(b, NULL));
	release(a);
	assert_holder("handover", "");
	/* No time passes: an empty holder is free. */
	assert_true(tick(b, NULL));
	assert_false(tick(a, NULL));
	assert_holder("handover", "replica-b");
	t = lease_field("handover", "leaseTransitions");
	assert_string_equal(t, "1");
	free(t);
	/* Releasing what another holds changes nothing. */
	release(a);
	assert_holder("handover", "replica-b");
	k8s_lease_free(a);
	k8s_lease_free(b);
}

static void
test_k8s_lease_stale_holder_is_taken_over_after_expiry(void **state)
{
	struct http_options ho;
	struct k8s_lease *a, *b;
	double next, renewed, waited, deadline;
	bool leader = false;
	int polls = 0;

	(void)state;
	http_options_init(&ho);
	ho.max_attempts = 1;
	a = lease_open("stale", "replica-a", &ho);
	b = lease_open("stale", "replica-b", &ho);
	k8s_lease_set_durations(a, 1.0, 0.5, 0.1);
	k8s_lease_set_durations(b, 1.0, 0.5, 0.1);
	renewed = now_s(); /* no later than the renewTime a writes */
	assert_true(tick(a, &next));
	assert_true(next == 0.5);
	/* a stops renewing (a crash); b polls at its retry period. */
	deadline = renewed + 10;
	while (!leader && now_s() < deadline) {
		double before = now_s();

		leader = tick(b, &next);
		if (!leader) {
			/* Refused while a's lease (1 s) runs, give or take
			 * the time a's own tick took. */
			assert_true(before - renewed < 1.5);
			assert_true(next == 0.1);
			sleep_s(next);
		}
		polls++;
	}
	waited = now_s() - renewed;
	assert_true(leader);
	assert_true(waited >= 1.0);
	assert_true(polls > 1);
	assert_holder("stale", "replica-b");
	/* a comes back: it has lost the lease. */
	assert_false(tick(a, &next));
	assert_true(next == 0.1);
	k8s_lease_free(a);
	k8s_lease_free(b);
}

static void
test_k8s_lease_failing_leader_steps_down_before_expiry(void **state)
{
	char *faults;
	struct http_options ho;
	struct k8s_lease *a;
	struct diag d;
	double next;
	bool leader;

	(void)state;
	assert_true(asprintf(&faults, "%s/v1/faults/kubernetes", admin_url) >
	            0);
	fake_options(&ho);
	a = lease_open("failing", "replica-a", &ho);
	assert_true(tick(a, NULL));
	assert_int_equal(call("PUT", faults,
	                      "{\"error_rate\":1,\"error_status\":500}", NULL),
	                 200);
	diag_init(&d);
	/* Renewal due at +10 s fails: still leader until 15 - 2 = 13 s. */
	fake_now += 10000;
	assert_true(k8s_lease_tick(a, &leader, &next, &d) < 0);
	assert_true(leader);
	assert_true(next == 2.0);
	fake_now += 2500; /* +12.5 s */
	assert_true(k8s_lease_tick(a, &leader, &next, &d) < 0);
	assert_true(leader);
	assert_true(next > 0.49 && next < 0.51); /* called back at 13 s */
	fake_now += 500;                         /* +13 s */
	assert_true(k8s_lease_tick(a, &leader, &next, &d) < 0);
	assert_false(leader);
	assert_true(next == 2.0);
	assert_true(d.errors > 0);
	diag_done(&d);
	faults[strlen(faults) - strlen("/kubernetes")] = '\0';
	assert_int_equal(call("DELETE", faults, NULL, NULL) / 100, 2);
	/* The API is back and nobody took the lease: a takes it again. */
	assert_true(tick(a, NULL));
	k8s_lease_free(a);
	free(faults);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(
	        test_k8s_lease_localvim_refuses_a_stale_resource_version),
	    cmocka_unit_test(test_k8s_lease_one_leader_at_a_time),
	    cmocka_unit_test(test_k8s_lease_release_hands_over_at_once),
	    cmocka_unit_test(
	        test_k8s_lease_stale_holder_is_taken_over_after_expiry),
	    cmocka_unit_test(
	        test_k8s_lease_failing_leader_steps_down_before_expiry),
	};

	admin_url = getenv("LOCALVIM_ADMIN_URL");
	if (!getenv("KUBECONFIG") || !admin_url) {
		fprintf(stderr, "skipped: run through k8s_localvim.sh "
		                "(KUBECONFIG and LOCALVIM_ADMIN_URL)\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
