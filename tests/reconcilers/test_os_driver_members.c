/*
 * The OpenStack driver's batched pool member changes against the scripted
 * fake server (Keystone from the lab's captured token, its catalog pointed
 * at the fake server; Octavia answers shaped like the lab's captures): one
 * additive PUT /v2/lbaas/pools/{id}/members per pool for creates and
 * updates, deletions one DELETE each with somebody else's member never
 * written to, a member without an address left out, and a failed batch
 * failing each of its actions; parallel workers taking turns on one
 * balancer. What the driver sent is read back from the fake server's
 * record; nothing here waits on a clock (the turns test lets the fake
 * server hold requests, which measures, not synchronises).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_server.h"
#include "os_driver.h"

#define LB "/p9876/v2/lbaas"
#define POOL_ID "5b1f3c35-0a60-4d0e-9a7e-6f1b2a3c4d5e"
#define LB_ID "6122f629-3c81-4c36-8fe4-560aa58153b5"
#define MEMBERS LB "/pools/" POOL_ID "/members"
#define SUBNET "9ad534a2-448c-4575-b3f2-a0fff49f065d"

/* Our tags, as os_tags_json makes them for service t, spec abc. */
#define OURS "[\"nfvsync\", \"nfvsync.ns=t\", \"nfvsync.spec=abc\"]"

/* nfvsync's two members and one added by hand (weight 7, disabled, a
 * backup with its own monitor port and tag), as Octavia lists them. */
static const char members_before[] =
    "{\"members\": ["
    "{\"id\": \"m0-id\", \"name\": \"t-lb-pool-web-VDU1-0\","
    " \"address\": \"10.10.0.12\", \"protocol_port\": 80, \"weight\": 1,"
    " \"backup\": false, \"admin_state_up\": true,"
    " \"subnet_id\": null, \"monitor_address\": null,"
    " \"monitor_port\": null, \"provisioning_status\": \"ACTIVE\","
    " \"operating_status\": \"ONLINE\", \"tags\": " OURS "},"
    "{\"id\": \"m1-id\", \"name\": \"t-lb-pool-web-VDU1-1\","
    " \"address\": \"10.10.0.13\", \"protocol_port\": 80, \"weight\": 1,"
    " \"backup\": false, \"admin_state_up\": true,"
    " \"subnet_id\": null, \"monitor_address\": null,"
    " \"monitor_port\": null, \"provisioning_status\": \"ACTIVE\","
    " \"operating_status\": \"ONLINE\", \"tags\": " OURS "},"
    "{\"id\": \"hand-id\", \"name\": \"by-hand\","
    " \"address\": \"10.10.0.99\", \"protocol_port\": 8080, \"weight\": 7,"
    " \"backup\": true, \"admin_state_up\": false,"
    " \"subnet_id\": \"" SUBNET "\", \"monitor_address\": null,"
    " \"monitor_port\": 9000, \"provisioning_status\": \"ACTIVE\","
    " \"operating_status\": \"OFFLINE\", \"tags\": [\"ops\"],"
    " \"project_id\": \"d59ec5e08a424c7eb9286316e69e0b32\","
    " \"created_at\": \"2026-11-24T19:09:36\", \"updated_at\": null}"
    "]}";

/* The pool after a batch added VDU1-2 (10.10.0.14) and VDU1-3. */
static const char members_after_create[] =
    "{\"members\": ["
    "{\"id\": \"m0-id\", \"name\": \"t-lb-pool-web-VDU1-0\","
    " \"address\": \"10.10.0.12\", \"protocol_port\": 80, \"weight\": 1,"
    " \"backup\": false, \"admin_state_up\": true, \"tags\": " OURS "},"
    "{\"id\": \"m3-id\", \"name\": \"t-lb-pool-web-VDU1-3\","
    " \"address\": \"10.10.0.15\", \"protocol_port\": 80, \"weight\": 1,"
    " \"backup\": false, \"admin_state_up\": true, \"tags\": " OURS "},"
    "{\"id\": \"m2-id\", \"name\": \"t-lb-pool-web-VDU1-2\","
    " \"address\": \"10.10.0.14\", \"protocol_port\": 80, \"weight\": 1,"
    " \"backup\": false, \"admin_state_up\": true, \"tags\": " OURS "}"
    "]}";

struct fixture {
	struct fake_server *fs;
	struct os_driver *d;
	char auth_url[128];
};

static void
reply(struct fixture *f, const char *method, const char *path, int status,
      const char *body, unsigned times)
{
	struct fake_reply r = {method, path, status, NULL, body, times};

	fake_server_add(f->fs, &r);
}

/* The lists observe reads: one balancer and its pool of nfvsync's, the
 * pool's members as members_before. */
static void
script_observed(struct fixture *f)
{
	reply(f, "GET", "/p8774/v2.1/servers/detail", 200, "{\"servers\": []}",
	      0);
	reply(f, "GET", "/p9696/v2.0/ports", 200, "{\"ports\": []}", 0);
	reply(f, "GET", LB "/loadbalancers", 200,
	      "{\"loadbalancers\": [{\"id\": \"" LB_ID "\", \"name\": \"t-lb\","
	      " \"provisioning_status\": \"ACTIVE\","
	      " \"operating_status\": \"ONLINE\", \"tags\": " OURS "}]}",
	      0);
	reply(f, "GET", LB "/listeners", 200, "{\"listeners\": []}", 0);
	reply(f, "GET", LB "/pools", 200,
	      "{\"pools\": [{\"id\": \"" POOL_ID "\", \"name\": \"t-lb-pool\","
	      " \"loadbalancers\": [{\"id\": \"" LB_ID "\"}],"
	      " \"provisioning_status\": \"ACTIVE\", \"tags\": " OURS "}]}",
	      0);
	reply(f, "GET", LB "/healthmonitors", 200, "{\"healthmonitors\": []}",
	      0);
	reply(f, "GET", LB "/l7policies", 200, "{\"l7policies\": []}", 0);
	reply(f, "GET", "/p9696/v2.0/networks", 200, "{\"networks\": []}", 0);
	reply(f, "GET", "/p9696/v2.0/subnets", 200, "{\"subnets\": []}", 0);
	reply(f, "GET", "/p9292/v2/images", 200, "{\"images\": []}", 0);
	reply(f, "GET", "/p9696/v2.0/security-groups", 200,
	      "{\"security_groups\": []}", 0);
	reply(f, "GET", "/p8774/v2.1/flavors/detail", 200, "{\"flavors\": []}",
	      0);
	reply(f, "GET", LB "/loadbalancers/" LB_ID, 200,
	      "{\"loadbalancer\": {\"id\": \"" LB_ID "\","
	      " \"provisioning_status\": \"ACTIVE\"}}",
	      0);
}

static struct os_driver *new_driver(struct fixture *f);

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->fs = fake_server_start();
	snprintf(f->auth_url, sizeof(f->auth_url), "%s/identity/v3",
	         fake_server_url(f->fs));
	f->d = new_driver(f);
	fake_server_lab_keystone(f->fs,
	                         TEST_DATA_DIR "/01-token-response.json");
	*state = f;
	return 0;
}

static struct os_driver *
new_driver(struct fixture *f)
{
	struct os_config cfg = {0};
	struct os_driver *d;
	struct diag diag;

	cfg.name = "site1";
	cfg.auth_type = OS_AUTH_PASSWORD;
	cfg.auth_url = f->auth_url;
	cfg.username = "admin";
	cfg.password = "lab-s3cret";
	cfg.user_domain_name = "Default";
	cfg.project_name = "admin";
	cfg.project_domain_name = "Default";
	cfg.interface = "public";
	cfg.verify = true;
	diag_init(&diag);
	assert_int_equal(os_driver_new("site1", &cfg, NULL, &d, &diag), 0);
	diag_done(&diag);
	return d;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	os_driver_free(f->d);
	fake_server_stop(f->fs);
	free(f);
	return 0;
}

static void
observe(struct fixture *f)
{
	struct diag d;

	diag_init(&d);
	assert_int_equal(os_driver_observe(f->d, &d), 0);
	diag_done(&d);
}

static void
attr(struct plan_action *a, const char *key, const char *value)
{
	a->attrs = realloc(a->attrs, (a->nattrs + 1) * sizeof(*a->attrs));
	a->attrs[a->nattrs].key = key;
	a->attrs[a->nattrs].value = (char *)value;
	a->attrs[a->nattrs].display_only = false;
	a->nattrs++;
}

/* A member create as the planner makes one (address NULL: a VM's
 * address that only the view can tell). */
static void
member_create(struct plan_action *a, int instance, const char *address)
{
	static char names[8][32];

	memset(a, 0, sizeof(*a));
	a->op = PLAN_CREATE;
	a->kind = PLAN_MEMBER;
	a->service = "t";
	a->vim = "site1";
	a->vnf = "web";
	a->vdu = "VDU1";
	a->instance = instance;
	snprintf(names[instance], sizeof(names[instance]),
	         "t-lb-pool-web-VDU1-%d", instance);
	a->name = names[instance];
	strcpy(a->spec_hash, "abc");
	attr(a, "pool", "t-lb-pool");
	if (address)
		attr(a, "address", address);
	attr(a, "port", "80");
	attr(a, "runs_on", "site1");
}

/* A member delete as the planner prunes one: name and id only. */
static void
member_delete(struct plan_action *a, const char *name, const char *id)
{
	memset(a, 0, sizeof(*a));
	a->op = PLAN_DELETE;
	a->kind = PLAN_MEMBER;
	a->service = "t";
	a->vim = "site1";
	a->name = (char *)name;
	a->id = id;
	a->instance = -1;
}

/* The members list of the only PUT to the pool's members (asserts there
 * is exactly one); *query gets its query string. Caller puts. */
static struct json_object *
the_put(struct fixture *f, const char **query)
{
	size_t i, n = 0;
	struct json_object *body = NULL, *list;

	assert_int_equal(fake_server_count(f->fs, "PUT", MEMBERS), 1);
	for (i = 0; fake_server_request(f->fs, i); i++) {
		const struct fake_request *r = fake_server_request(f->fs, i);

		if (strcmp(r->method, "PUT") != 0 ||
		    strcmp(r->path, MEMBERS) != 0)
			continue;
		n++;
		*query = r->query;
		body = json_tokener_parse(r->body);
	}
	assert_int_equal(n, 1);
	assert_non_null(body);
	assert_true(json_object_object_get_ex(body, "members", &list));
	json_object_get(list);
	json_object_put(body);
	return list;
}

/* The listed member with this address, or NULL. */
static struct json_object *
listed(struct json_object *list, const char *address)
{
	size_t i;

	for (i = 0; i < json_object_array_length(list); i++) {
		struct json_object *m = json_object_array_get_idx(list, i), *a;

		if (json_object_object_get_ex(m, "address", &a) &&
		    strcmp(json_object_get_string(a), address) == 0)
			return m;
	}
	return NULL;
}

static const char *
field(struct json_object *m, const char *key)
{
	struct json_object *v;

	assert_true(json_object_object_get_ex(m, key, &v));
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
}

static bool
has(struct json_object *m, const char *key)
{
	return json_object_object_get_ex(m, key, NULL);
}

static void
test_os_driver_members_creates_go_in_one_additive_put(void **state)
{
	struct fixture *f = *state;
	struct plan_action a[2];
	const struct plan_action *acts[2] = {&a[0], &a[1]};
	struct json_object *list, *m;
	struct diag diags[2];
	int results[2];
	const char *query = NULL;

	script_observed(f);
	/* observe and the read before the batch; the read after it shows
	 * the new member. */
	reply(f, "GET", MEMBERS, 200, members_before, 2);
	reply(f, "GET", MEMBERS, 200, members_after_create, 0);
	reply(f, "PUT", MEMBERS, 202, NULL, 0);
	observe(f);
	member_create(&a[0], 2, "10.10.0.14");
	member_create(&a[1], 3, "10.10.0.15");
	diag_init(&diags[0]);
	diag_init(&diags[1]);
	assert_int_equal(os_driver_apply_members(f->d, acts, 2, results, diags),
	                 0);
	assert_int_equal(results[0], 0);
	assert_int_equal(results[1], 0);

	list = the_put(f, &query);
	assert_string_equal(query, "additive_only=true");
	/* Only the new members: the others are not touched. */
	assert_int_equal(json_object_array_length(list), 2);
	m = listed(list, "10.10.0.14");
	assert_non_null(m);
	assert_string_equal(field(m, "name"), "\"t-lb-pool-web-VDU1-2\"");
	assert_string_equal(field(m, "protocol_port"), "80");
	assert_string_equal(field(m, "tags"), "[\"nfvsync\",\"nfvsync.ns=t\","
	                                      "\"nfvsync.spec=abc\"]");
	/* What a POST sent, nothing more (no weight: Octavia's default). */
	assert_false(has(m, "weight"));
	assert_false(has(m, "id"));
	assert_non_null(listed(list, "10.10.0.15"));
	json_object_put(list);
	assert_int_equal(fake_server_count(f->fs, "POST", MEMBERS), 0);
	/* One wait for the balancer; the new member's id is known. */
	assert_int_equal(
	    fake_server_count(f->fs, "GET", LB "/loadbalancers/" LB_ID), 1);
	assert_string_equal(os_view_find(os_driver_view(f->d), PLAN_MEMBER,
	                                 "t-lb-pool-web-VDU1-2")
	                        ->obs.id,
	                    "m2-id");
	free(a[0].attrs);
	free(a[1].attrs);
	diag_done(&diags[0]);
	diag_done(&diags[1]);
}

/* An update goes in the same PUT: the member as observed (Octavia matches
 * it by address and port), with nfvsync's name and new tags. */
static void
test_os_driver_members_update_echoes_the_member_with_new_tags(void **state)
{
	struct fixture *f = *state;
	struct plan_action a;
	const struct plan_action *acts[1] = {&a};
	struct json_object *list, *m;
	struct diag diag;
	int result;
	const char *query = NULL;

	script_observed(f);
	reply(f, "GET", MEMBERS, 200, members_before, 0);
	reply(f, "PUT", MEMBERS, 202, NULL, 0);
	observe(f);
	member_create(&a, 0, "10.10.0.12");
	a.op = PLAN_UPDATE;
	a.id = "m0-id";
	strcpy(a.spec_hash, "def");
	diag_init(&diag);
	assert_int_equal(os_driver_apply_members(f->d, acts, 1, &result, &diag),
	                 0);
	list = the_put(f, &query);
	assert_string_equal(query, "additive_only=true");
	assert_int_equal(json_object_array_length(list), 1);
	m = listed(list, "10.10.0.12");
	assert_non_null(m);
	assert_string_equal(field(m, "protocol_port"), "80");
	assert_string_equal(field(m, "weight"), "1");
	assert_string_equal(field(m, "tags"), "[\"nfvsync\",\"nfvsync.ns=t\","
	                                      "\"nfvsync.spec=def\"]");
	json_object_put(list);
	free(a.attrs);
	diag_done(&diag);
}

/*
 * Deletions go one DELETE each, never as a batch: a deleting PUT would
 * list the members that stay (the hand-made one too) and delete whatever
 * somebody added between the read and the PUT. The hand-made member is
 * never written to.
 */
static void
test_os_driver_members_deletes_go_one_by_one(void **state)
{
	struct fixture *f = *state;
	struct plan_action a[2];
	const struct plan_action *acts[2] = {&a[0], &a[1]};
	struct diag diags[2];
	int results[2];

	script_observed(f);
	reply(f, "GET", MEMBERS, 200, members_before, 0);
	reply(f, "DELETE", MEMBERS "/*", 204, NULL, 0);
	observe(f);
	member_delete(&a[0], "t-lb-pool-web-VDU1-0", "m0-id");
	member_delete(&a[1], "t-lb-pool-web-VDU1-1", "m1-id");
	diag_init(&diags[0]);
	diag_init(&diags[1]);
	assert_int_equal(os_driver_apply_members(f->d, acts, 2, results, diags),
	                 0);
	assert_int_equal(results[0], 0);
	assert_int_equal(results[1], 0);
	assert_int_equal(fake_server_count(f->fs, "PUT", MEMBERS), 0);
	assert_int_equal(fake_server_count(f->fs, "DELETE", MEMBERS "/m0-id"),
	                 1);
	assert_int_equal(fake_server_count(f->fs, "DELETE", MEMBERS "/m1-id"),
	                 1);
	assert_int_equal(fake_server_count(f->fs, "DELETE", MEMBERS "/hand-id"),
	                 0);
	diag_done(&diags[0]);
	diag_done(&diags[1]);
}

static void
test_os_driver_members_without_an_address_is_left_out(void **state)
{
	struct fixture *f = *state;
	struct plan_action a[2];
	const struct plan_action *acts[2] = {&a[0], &a[1]};
	struct json_object *list;
	struct diag diags[2];
	int results[2];
	const char *query = NULL;

	script_observed(f);
	reply(f, "GET", MEMBERS, 200, members_before, 2);
	reply(f, "GET", MEMBERS, 200, members_after_create, 0);
	reply(f, "PUT", MEMBERS, 202, NULL, 0);
	observe(f);
	/* Its server (t-web-VDU1-4) is not on the VIM: no address. */
	member_create(&a[0], 4, NULL);
	member_create(&a[1], 2, "10.10.0.14");
	diag_init(&diags[0]);
	diag_init(&diags[1]);
	os_driver_apply_members(f->d, acts, 2, results, diags);
	assert_int_equal(results[0], -EAGAIN);
	assert_non_null(strstr(diags[0].entries[0].message,
	                       "the member's address is not known yet"));
	assert_int_equal(results[1], 0);
	assert_int_equal(diags[1].n, 0);
	list = the_put(f, &query);
	assert_int_equal(json_object_array_length(list), 1);
	assert_non_null(listed(list, "10.10.0.14"));
	json_object_put(list);
	free(a[0].attrs);
	free(a[1].attrs);
	diag_done(&diags[0]);
	diag_done(&diags[1]);
}

static void
test_os_driver_members_failed_put_fails_every_action(void **state)
{
	struct fixture *f = *state;
	struct plan_action a[2];
	const struct plan_action *acts[2] = {&a[0], &a[1]};
	struct diag diags[2];
	int results[2], i;
	char want[256];

	script_observed(f);
	reply(f, "GET", MEMBERS, 200, members_before, 0);
	reply(f, "PUT", MEMBERS, 400,
	      "{\"faultcode\": \"Client\", \"faultstring\": \"Invalid input "
	      "for field/attribute members.\", \"debuginfo\": null}",
	      0);
	observe(f);
	member_create(&a[0], 2, "10.10.0.14");
	member_create(&a[1], 3, "10.10.0.15");
	diag_init(&diags[0]);
	diag_init(&diags[1]);
	assert_int_equal(os_driver_apply_members(f->d, acts, 2, results, diags),
	                 -EPROTO);
	snprintf(want, sizeof(want),
	         "PUT %s" MEMBERS "?additive_only=true -> 400: Invalid input "
	         "for field/attribute members.",
	         fake_server_url(f->fs));
	for (i = 0; i < 2; i++) {
		assert_int_equal(results[i], -EPROTO);
		assert_int_equal(diags[i].n, 1);
		assert_string_equal(diags[i].entries[0].message, want);
		free(a[i].attrs);
		diag_done(&diags[i]);
	}
	/* Sent once (a 400 is not retried), no wait for the balancer. */
	assert_int_equal(fake_server_count(f->fs, "PUT", MEMBERS), 1);
	assert_int_equal(
	    fake_server_count(f->fs, "GET", LB "/loadbalancers/" LB_ID), 0);
}

static void
test_os_driver_members_somebody_elses_address_is_not_taken_over(void **state)
{
	struct fixture *f = *state;
	struct plan_action a;
	const struct plan_action *acts[1] = {&a};
	struct diag diag;
	int result;

	script_observed(f);
	reply(f, "GET", MEMBERS, 200, members_before, 0);
	reply(f, "PUT", MEMBERS, 202, NULL, 0);
	observe(f);
	/* A listed member with the hand-made one's address and port would
	 * rename and retag it. */
	member_create(&a, 2, "10.10.0.99");
	assert_string_equal(a.attrs[2].key, "port");
	a.attrs[2].value = "8080";
	diag_init(&diag);
	os_driver_apply_members(f->d, acts, 1, &result, &diag);
	assert_int_equal(result, -EEXIST);
	assert_non_null(
	    strstr(diag.entries[0].message,
	           "10.10.0.99:8080 exists already (as 'by-hand')"));
	assert_int_equal(fake_server_count(f->fs, "PUT", MEMBERS), 0);
	free(a.attrs);
	diag_done(&diag);
}

/* Another service's member at the address is not taken over either: only
 * a member of the same service (a replaced pod's) is. */
static void
test_os_driver_members_other_services_address_is_not_taken_over(void **state)
{
	struct fixture *f = *state;
	struct plan_action a;
	const struct plan_action *acts[1] = {&a};
	struct diag diag;
	int result;

	script_observed(f);
	reply(f, "GET", MEMBERS, 200, members_before, 0);
	reply(f, "PUT", MEMBERS, 202, NULL, 0);
	observe(f);
	member_create(&a, 2, "10.10.0.12"); /* service t's VDU1-0 there */
	a.service = "u";
	diag_init(&diag);
	os_driver_apply_members(f->d, acts, 1, &result, &diag);
	assert_int_equal(result, -EEXIST);
	assert_non_null(strstr(diag.entries[0].message,
	                       "exists already (as 't-lb-pool-web-VDU1-0')"));
	assert_int_equal(fake_server_count(f->fs, "PUT", MEMBERS), 0);
	free(a.attrs);
	diag_done(&diag);
}

/* A replaced pod may come back with its old address: nfvsync's own
 * member there is taken over (renamed and retagged by the batch), and the
 * old name's deletion then has nothing left to delete. */
static void
test_os_driver_members_own_member_at_the_address_is_taken_over(void **state)
{
	struct fixture *f = *state;
	struct plan_action a[2];
	const struct plan_action *acts[1] = {&a[0]};
	const struct plan_action *dels[1] = {&a[1]};
	struct json_object *list, *m;
	struct diag diags[2];
	int results[2];
	const char *query = NULL;
	char *renamed = fake_replace(members_before, "t-lb-pool-web-VDU1-1",
	                             "t-lb-pool-web-VDU1-2");

	script_observed(f);
	reply(f, "GET", MEMBERS, 200, members_before, 2);
	reply(f, "GET", MEMBERS, 200, renamed, 0);
	reply(f, "PUT", MEMBERS, 202, NULL, 0);
	observe(f);
	member_create(&a[0], 2, "10.10.0.13"); /* VDU1-1's address */
	member_delete(&a[1], "t-lb-pool-web-VDU1-1", "m1-id");
	diag_init(&diags[0]);
	diag_init(&diags[1]);
	assert_int_equal(
	    os_driver_apply_members(f->d, acts, 1, &results[0], &diags[0]), 0);
	list = the_put(f, &query);
	m = listed(list, "10.10.0.13");
	assert_non_null(m);
	assert_string_equal(field(m, "name"), "\"t-lb-pool-web-VDU1-2\"");
	json_object_put(list);
	assert_int_equal(
	    os_driver_apply_members(f->d, dels, 1, &results[1], &diags[1]), 0);
	/* No second PUT: m1-id is VDU1-2 now, which stays. */
	assert_int_equal(fake_server_count(f->fs, "PUT", MEMBERS), 1);
	assert_int_equal(fake_server_count(f->fs, "DELETE", NULL), 0);
	free(a[0].attrs);
	diag_done(&diags[0]);
	diag_done(&diags[1]);
	free(renamed);
}

/*
 * A balancer that stays busy (every write answered 409 "immutable"): the
 * write is tried again after each wait for ACTIVE, and when the tries run
 * out the action fails with the last 409. It was once reported done.
 */
static void
test_os_driver_octavia_busy_balancer_fails_with_the_last_409(void **state)
{
	struct fixture *f = *state;
	struct plan_action a;
	struct diag d;
	unsigned posts, waits;

	script_observed(f);
	reply(f, "GET", MEMBERS, 200, members_before, 0);
	reply(f, "POST", LB "/healthmonitors", 409,
	      "{\"faultcode\": \"Client\", \"faultstring\": \"Load "
	      "Balancer " LB_ID " is immutable and cannot be updated.\", "
	      "\"debuginfo\": null}",
	      0);
	observe(f);
	memset(&a, 0, sizeof(a));
	a.op = PLAN_CREATE;
	a.kind = PLAN_HEALTH_MONITOR;
	a.service = "t";
	a.vim = "site1";
	a.name = "t-lb-hm";
	a.instance = -1;
	strcpy(a.spec_hash, "abc");
	attr(&a, "pool", "t-lb-pool");
	attr(&a, "loadbalancer", "t-lb");
	attr(&a, "type", "TCP");
	diag_init(&d);
	assert_int_equal(os_driver_apply(f->d, &a, &d), -EEXIST);
	assert_int_equal(d.n, 1);
	assert_non_null(strstr(d.entries[0].message,
	                       "/healthmonitors -> 409: Load Balancer"));
	posts = fake_server_count(f->fs, "POST", LB "/healthmonitors");
	waits = fake_server_count(f->fs, "GET", LB "/loadbalancers/" LB_ID);
	/* Tried 30 times (os_driver.c's OS_OCTAVIA_ATTEMPTS), with a wait
	 * for ACTIVE between tries and none after the last. */
	assert_int_equal(posts, 30);
	assert_int_equal(waits, posts - 1);
	diag_done(&d);
	free(a.attrs);
}

struct worker_job {
	struct os_driver *d;
	struct plan_action a;
	int r;
};

static void *
worker_apply(void *arg)
{
	struct worker_job *j = arg;
	struct diag d;

	diag_init(&d);
	j->r = os_driver_apply(j->d, &j->a, &d);
	diag_done(&d);
	return NULL;
}

/*
 * Two workers (a driver and one that adopted it) removing a member each
 * from one balancer at the same moment: they take turns, so Octavia never
 * has two of this process's changes in flight on it (the fake server
 * holds each request 100 ms to let a second one show), and the second
 * change starts only after the first one's wait for ACTIVE. The worker
 * uses the adopted token: one login in all.
 */
static void
test_os_driver_workers_take_turns_on_a_balancer(void **state)
{
	struct fixture *f = *state;
	struct worker_job jobs[2];
	pthread_t th[2];
	size_t i, k = 0;
	const char *seq[4];

	script_observed(f);
	reply(f, "GET", MEMBERS, 200, members_before, 0);
	reply(f, "DELETE", MEMBERS "/*", 204, NULL, 0);
	observe(f);
	jobs[0].d = f->d;
	jobs[1].d = new_driver(f);
	os_driver_adopt(jobs[1].d, f->d);
	member_delete(&jobs[0].a, "t-lb-pool-web-VDU1-0", "m0-id");
	member_delete(&jobs[1].a, "t-lb-pool-web-VDU1-1", "m1-id");
	fake_server_hold(f->fs, 1, 4);
	for (i = 0; i < 2; i++)
		assert_int_equal(
		    pthread_create(&th[i], NULL, worker_apply, &jobs[i]), 0);
	for (i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(jobs[i].r, 0);
	}
	assert_int_equal(fake_server_max_in_flight(f->fs), 1);
	for (i = 0; fake_server_request(f->fs, i); i++) {
		const struct fake_request *r = fake_server_request(f->fs, i);

		if (strcmp(r->method, "DELETE") == 0)
			seq[k++] = "DELETE";
		else if (k > 0 &&
		         strcmp(r->path, LB "/loadbalancers/" LB_ID) == 0)
			seq[k++] = "wait";
		assert_true(k <= 4);
	}
	assert_int_equal(k, 4);
	assert_string_equal(seq[0], "DELETE");
	assert_string_equal(seq[1], "wait");
	assert_string_equal(seq[2], "DELETE");
	assert_string_equal(seq[3], "wait");
	assert_int_equal(fake_server_count(f->fs, "POST", "/identity/*"), 1);
	os_driver_free(jobs[1].d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_os_driver_members_creates_go_in_one_additive_put, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_os_driver_members_update_echoes_the_member_with_new_tags,
	        setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_os_driver_members_deletes_go_one_by_one, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_os_driver_members_without_an_address_is_left_out, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_os_driver_members_failed_put_fails_every_action, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_os_driver_members_somebody_elses_address_is_not_taken_over,
	        setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_os_driver_members_other_services_address_is_not_taken_over,
	        setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_os_driver_members_own_member_at_the_address_is_taken_over,
	        setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_os_driver_octavia_busy_balancer_fails_with_the_last_409,
	        setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_os_driver_workers_take_turns_on_a_balancer, setup,
	        teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
