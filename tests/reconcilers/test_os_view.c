/*
 * The OpenStack driver's decoders on real responses captured from the
 * OpenStack lab (tests/reconcilers/data/): servers, ports, load balancers and
 * members become the planner's observed resources, ownership comes from tags,
 * and name lookups find networks and the subnet holding an address.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "os_view.h"

static struct json_object *
load(const char *name)
{
	char path[512];
	struct json_object *o;

	snprintf(path, sizeof(path), "%s/%s", TEST_DATA_DIR, name);
	o = json_object_from_file(path);
	assert_non_null(o);
	return o;
}

/* {"<coll>": [<the single object under key in file>]} */
static struct json_object *
as_list(const char *file, const char *key, const char *coll)
{
	struct json_object *one = load(file), *obj, *list, *arr;

	assert_true(json_object_object_get_ex(one, key, &obj));
	list = json_object_new_object();
	arr = json_object_new_array();
	json_object_array_add(arr, json_object_get(obj));
	json_object_object_add(list, coll, arr);
	json_object_put(one);
	return list;
}

static void
tag(struct json_object *list, const char *coll, const char *service,
    const char *hash)
{
	struct json_object *arr, *obj;

	assert_true(json_object_object_get_ex(list, coll, &arr));
	obj = json_object_array_get_idx(arr, 0);
	json_object_object_add(obj, "tags", os_tags_json(service, hash));
}

static void
test_os_view_reads_servers_with_status_and_fixed_address(void **state)
{
	struct json_object *body = load("12-server-list-by-tag.json");
	struct os_view v;
	struct diag d;

	os_view_init(&v, "site1");
	diag_init(&d);
	assert_int_equal(os_view_add_servers(&v, body, &d), 0);
	assert_true(v.n >= 1);
	assert_int_equal(v.res[0].obs.kind, PLAN_SERVER);
	assert_string_equal(v.res[0].obs.name, "curl-vm");
	assert_string_equal(v.res[0].obs.status, "ACTIVE");
	assert_string_equal(v.res[0].obs.vim, "site1");
	assert_string_equal(v.res[0].address, "10.10.0.20");
	/* Tagged by somebody else: not nfvsync's. */
	assert_false(v.res[0].obs.managed);
	assert_null(os_view_find(&v, PLAN_SERVER, "curl-vm"));
	json_object_put(body);
	os_view_done(&v);
	diag_done(&d);
}

static void
test_os_view_reads_ownership_from_tags(void **state)
{
	struct json_object *body = load("12-server-list-by-tag.json");
	const struct os_res *r;
	struct os_view v;
	struct diag d;

	tag(body, "servers", "symmetric-web", "0123456789abcdef");
	os_view_init(&v, "site1");
	diag_init(&d);
	assert_int_equal(os_view_add_servers(&v, body, &d), 0);
	r = os_view_find(&v, PLAN_SERVER, "curl-vm");
	assert_non_null(r);
	assert_true(r->obs.managed);
	assert_string_equal(r->obs.service, "symmetric-web");
	assert_string_equal(r->obs.spec_hash, "0123456789abcdef");
	json_object_put(body);
	os_view_done(&v);
	diag_done(&d);
}

static void
test_os_view_reads_a_port_with_its_device_and_address(void **state)
{
	struct json_object *body =
	    as_list("13-port-bound.json", "port", "ports");
	struct os_view v;
	struct diag d;

	os_view_init(&v, "site1");
	diag_init(&d);
	assert_int_equal(os_view_add_ports(&v, body, &d), 0);
	assert_int_equal(v.n, 1);
	assert_int_equal(v.res[0].obs.kind, PLAN_PORT);
	assert_string_equal(v.res[0].address, "10.10.0.20");
	assert_string_equal(v.res[0].parent_id,
	                    "e28720ff-a62d-4ca9-a8b9-3be1269c57ce");
	assert_string_equal(v.res[0].network_id,
	                    "522a1683-aa5a-476a-a73a-4244e6931caf");
	json_object_put(body);
	os_view_done(&v);
	diag_done(&d);
}

static void
test_os_view_reads_a_load_balancer_and_its_members(void **state)
{
	struct json_object *lbs =
	    as_list("21-lb-active.json", "loadbalancer", "loadbalancers");
	struct json_object *members =
	    as_list("24-member-create.json", "member", "members");
	struct os_view v;
	struct diag d;

	tag(lbs, "loadbalancers", "ns", NULL);
	tag(members, "members", "ns", NULL);
	os_view_init(&v, "site1");
	diag_init(&d);
	assert_int_equal(os_view_add_octavia(&v, PLAN_LOADBALANCER, lbs, &d),
	                 0);
	assert_int_equal(os_view_add_members(&v, "pool-1", members, &d), 0);
	assert_int_equal(v.n, 2);
	assert_string_equal(v.res[0].obs.status, "ACTIVE");
	assert_string_equal(v.res[0].address, "198.51.100.1");
	assert_true(v.res[0].obs.managed);
	assert_null(v.res[0].obs.spec_hash);
	assert_int_equal(v.res[1].obs.kind, PLAN_MEMBER);
	assert_string_equal(v.res[1].parent_id, "pool-1");
	assert_non_null(v.res[1].address);
	assert_string_equal(v.res[1].obs.health, "NO_MONITOR");
	assert_int_equal(v.res[1].obs.health_since, 0); /* updated_at null */
	assert_ptr_equal(os_view_find_id(&v, v.res[0].obs.id), &v.res[0]);
	json_object_put(lbs);
	json_object_put(members);
	/* A member the health monitor marked ERROR, with its time. */
	members = json_tokener_parse(
	    "{\"members\": [{\"id\": \"m2\", \"name\": \"x\", "
	    "\"operating_status\": \"ERROR\", \"tags\": [\"nfvsync\"], "
	    "\"updated_at\": \"2026-11-25T19:00:00\"}]}");
	assert_int_equal(os_view_add_members(&v, "pool-1", members, &d), 0);
	assert_string_equal(v.res[2].obs.health, "ERROR");
	assert_int_equal(v.res[2].obs.health_since, 1795633200LL);
	json_object_put(members);
	os_view_done(&v);
	diag_done(&d);
}

static void
test_os_view_takes_a_balancer_whose_amphora_died_for_one_in_error(void **state)
{
	struct json_object *lbs =
	    as_list("21-lb-active.json", "loadbalancer", "loadbalancers");
	struct json_object *arr, *lb;
	struct os_view v;
	struct diag d;

	tag(lbs, "loadbalancers", "ns", NULL);
	assert_true(json_object_object_get_ex(lbs, "loadbalancers", &arr));
	lb = json_object_array_get_idx(arr, 0);
	json_object_object_add(lb, "operating_status",
	                       json_object_new_string("ERROR"));
	os_view_init(&v, "site1");
	diag_init(&d);
	assert_int_equal(os_view_add_octavia(&v, PLAN_LOADBALANCER, lbs, &d),
	                 0);
	assert_string_equal(v.res[0].operating_status, "ERROR");
	assert_string_equal(v.res[0].obs.status, "ERROR");
	json_object_put(lbs);
	os_view_done(&v);
	diag_done(&d);
}

static void
test_os_view_finds_networks_and_the_subnet_holding_an_address(void **state)
{
	struct json_object *nets = load("02-network-list.json");
	struct json_object *subs =
	    json_tokener_parse("{\"subnets\": ["
	                       "{\"id\": \"s0\", \"network_id\": \"n0\", "
	                       "\"cidr\": \"10.10.0.0/24\"},"
	                       "{\"id\": \"s1\", \"network_id\": \"n0\", "
	                       "\"cidr\": \"10.10.9.0/24\"}"
	                       "]}");
	struct os_view v;
	struct diag d;

	os_view_init(&v, "site1");
	diag_init(&d);
	assert_int_equal(os_view_add_named(&v, "networks", nets, &d), 0);
	assert_int_equal(os_view_add_named(&v, "subnets", subs, &d), 0);
	assert_string_equal(os_view_id_of(&v, "networks", "net0"),
	                    "522a1683-aa5a-476a-a73a-4244e6931caf");
	assert_null(os_view_id_of(&v, "networks", "no-such-net"));
	/* Given by ID, as Heat would take it. */
	assert_string_equal(
	    os_view_id_of(&v, "networks",
	                  "522a1683-aa5a-476a-a73a-4244e6931caf"),
	    "522a1683-aa5a-476a-a73a-4244e6931caf");
	assert_string_equal(os_view_subnet_for(&v, "n0", "10.10.9.7"), "s1");
	assert_string_equal(os_view_subnet_for(&v, "n0", "10.10.0.200"), "s0");
	assert_string_equal(os_view_subnet_for(&v, "n0", NULL), "s0");
	assert_null(os_view_subnet_for(&v, "n0", "192.0.2.1"));
	json_object_put(nets);
	json_object_put(subs);
	os_view_done(&v);
	diag_done(&d);
}

/* The planner's catalog: names and IDs, the token's project's groups
 * marked as its own. */
static void
test_os_view_gives_the_planner_its_catalog(void **state)
{
	struct json_object *sgs = json_tokener_parse(
	    "{\"security_groups\": ["
	    "{\"id\": \"g1\", \"name\": \"web\", \"project_id\": \"p1\"},"
	    "{\"id\": \"g2\", \"name\": \"web\", \"project_id\": \"p2\"}"
	    "]}");
	struct json_object *imgs = json_tokener_parse(
	    "{\"images\": [{\"id\": \"i1\", \"name\": \"cirros\"}]}");
	struct plan_catalog c;
	struct os_view v;
	struct diag d;

	os_view_init(&v, "site1");
	diag_init(&d);
	assert_int_equal(os_view_add_named(&v, "security_groups", sgs, &d), 0);
	assert_int_equal(os_view_add_named(&v, "images", imgs, &d), 0);
	os_view_catalog(&v, "p1", &c);
	assert_string_equal(c.vim, "site1");
	assert_int_equal(c.nsecgroups, 2);
	assert_true(c.secgroups[0].own);
	assert_false(c.secgroups[1].own);
	assert_int_equal(c.nimages, 1);
	assert_string_equal(c.images[0].name, "cirros");
	assert_string_equal(c.images[0].id, "i1");
	assert_int_equal(c.nnetworks, 0);
	os_view_catalog_done(&c);
	json_object_put(sgs);
	json_object_put(imgs);
	os_view_done(&v);
	diag_done(&d);
	(void)state;
}

/* What a batch update must list to leave a member as it is: the captured
 * member's MemberPOST fields (nulls left out), or nothing when its weight
 * is not shown (Octavia would reset it to 1). */
static void
test_os_view_keeps_a_members_fields_for_a_batch_echo(void **state)
{
	struct json_object *list =
	    as_list("24-member-create.json", "member", "members");
	struct json_object *echo, *arr, *m;
	struct os_view v;
	struct diag d;

	os_view_init(&v, "site1");
	diag_init(&d);
	assert_int_equal(os_view_add_members(&v, "pool-1", list, &d), 0);
	assert_int_equal(v.res[0].port, 80);
	assert_non_null(v.res[0].echo);
	echo = json_tokener_parse(v.res[0].echo);
	assert_string_equal(
	    json_object_to_json_string_ext(echo, JSON_C_TO_STRING_PLAIN),
	    "{\"name\":\"\",\"address\":\"10.10.0.30\",\"protocol_port\":80,"
	    "\"weight\":1,\"backup\":false,\"admin_state_up\":true,"
	    "\"subnet_id\":\"9ad534a2-448c-4575-b3f2-a0fff49f065d\","
	    "\"tags\":[]}");
	json_object_put(echo);
	assert_true(json_object_object_get_ex(list, "members", &arr));
	m = json_object_array_get_idx(arr, 0);
	json_object_object_del(m, "weight");
	assert_int_equal(os_view_add_members(&v, "pool-2", list, &d), 0);
	assert_null(v.res[1].echo);
	/* Dropping one pool's members leaves the other's. */
	os_view_drop_members(&v, "pool-1", NULL);
	assert_int_equal(v.n, 1);
	assert_string_equal(v.res[0].parent_id, "pool-2");
	json_object_put(list);
	os_view_done(&v);
	diag_done(&d);
}

static void
test_os_view_rejects_an_answer_without_the_list(void **state)
{
	struct json_object *body = json_tokener_parse("{\"server\": {}}");
	struct os_view v;
	struct diag d;

	os_view_init(&v, "site1");
	diag_init(&d);
	assert_int_equal(os_view_add_servers(&v, body, &d), -EPROTO);
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.entries[0].message, "servers"));
	json_object_put(body);
	os_view_done(&v);
	diag_done(&d);
}

static void
test_os_tags_are_valid_nova_tags(void **state)
{
	struct json_object *t =
	    os_tags_json("symmetric-web", "59944f50e91a20dc");
	size_t i;

	assert_int_equal(json_object_array_length(t), 3);
	assert_string_equal(
	    json_object_get_string(json_object_array_get_idx(t, 0)), "nfvsync");
	for (i = 0; i < 3; i++) {
		const char *s =
		    json_object_get_string(json_object_array_get_idx(t, i));

		/* Nova: no '/' or ',', at most 60 characters. */
		assert_null(strpbrk(s, "/,"));
		assert_true(strlen(s) <= 60);
	}
	json_object_put(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(
	        test_os_view_reads_servers_with_status_and_fixed_address),
	    cmocka_unit_test(test_os_view_reads_ownership_from_tags),
	    cmocka_unit_test(
	        test_os_view_reads_a_port_with_its_device_and_address),
	    cmocka_unit_test(
	        test_os_view_reads_a_load_balancer_and_its_members),
	    cmocka_unit_test(
	        test_os_view_finds_networks_and_the_subnet_holding_an_address),
	    cmocka_unit_test(test_os_view_gives_the_planner_its_catalog),
	    cmocka_unit_test(
	        test_os_view_keeps_a_members_fields_for_a_batch_echo),
	    cmocka_unit_test(test_os_view_rejects_an_answer_without_the_list),
	    cmocka_unit_test(
	        test_os_view_takes_a_balancer_whose_amphora_died_for_one_in_error),
	    cmocka_unit_test(test_os_tags_are_valid_nova_tags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
