/*
 * The OpenStack driver's VM requests against the scripted fake server
 * (Keystone from the lab's captured token, its catalog pointed at the fake
 * server): the port create body (security groups by ID, the project's own
 * "default" before another project's, address pairs, MAC) and its tags, an
 * unknown group refused before any write, a port updated in place (PUT),
 * and the server create body (the smallest flavor that fits nfv_compute,
 * user_data in base64, metadata, config drive), or a clear error when no
 * flavor fits. What the driver sent is read back from the fake server.
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
#include "os_driver.h"

#define NET "/p9696/v2.0"
#define NOVA "/p8774/v2.1"
#define OWN_PROJECT "d59ec5e08a424c7eb9286316e69e0b32"

struct fixture {
	struct fake_server *fs;
	struct os_driver *d;
	char auth_url[128];
	struct nfv_vdu vdu;
	struct nfv_cp cp;
	struct nfv_address_pair pair;
	const char *groups[2];
	struct nfv_kv md[1];
	struct plan_attr attrs[8];
	struct plan_action a;
};

static void
reply(struct fixture *f, const char *method, const char *path, int status,
      const char *body)
{
	struct fake_reply r = {method, path, status, NULL, body, 0};

	fake_server_add(f->fs, &r);
}

/* What observe reads: one port of nfvsync's, net0 and its subnet, three
 * security groups (two called default), an image, four flavors. */
static void
script_observed(struct fixture *f)
{
	reply(f, "GET", NOVA "/servers/detail", 200, "{\"servers\": []}");
	reply(f, "GET", NET "/ports", 200,
	      "{\"ports\": [{\"id\": \"port-id\", \"name\": \"t-w-VDU1-0-CP1\","
	      " \"network_id\": \"net-id\", \"status\": \"DOWN\","
	      " \"tags\": [\"nfvsync\", \"nfvsync.ns=t\"]}]}");
	reply(f, "GET", "/p9876/v2/lbaas/loadbalancers", 200,
	      "{\"loadbalancers\": []}");
	reply(f, "GET", "/p9876/v2/lbaas/listeners", 200,
	      "{\"listeners\": []}");
	reply(f, "GET", "/p9876/v2/lbaas/pools", 200, "{\"pools\": []}");
	reply(f, "GET", "/p9876/v2/lbaas/healthmonitors", 200,
	      "{\"healthmonitors\": []}");
	reply(f, "GET", "/p9876/v2/lbaas/l7policies", 200,
	      "{\"l7policies\": []}");
	reply(f, "GET", NET "/networks", 200,
	      "{\"networks\": [{\"id\": \"net-id\", \"name\": \"net0\"}]}");
	reply(f, "GET", NET "/subnets", 200,
	      "{\"subnets\": [{\"id\": \"sub-id\", \"network_id\": \"net-id\","
	      " \"cidr\": \"10.0.0.0/24\"}]}");
	reply(f, "GET", NET "/security-groups", 200,
	      "{\"security_groups\": ["
	      "{\"id\": \"other-default\", \"name\": \"default\","
	      " \"project_id\": \"another\"},"
	      "{\"id\": \"own-default\", \"name\": \"default\","
	      " \"project_id\": \"" OWN_PROJECT "\"},"
	      "{\"id\": \"web-id\", \"name\": \"web\","
	      " \"project_id\": \"" OWN_PROJECT "\"}]}");
	reply(f, "GET", "/p9292/v2/images", 200,
	      "{\"images\": [{\"id\": \"img-id\", \"name\": \"cirros\"}]}");
	reply(f, "GET", NOVA "/flavors/detail", 200,
	      "{\"flavors\": ["
	      "{\"id\": \"4\", \"name\": \"m1.large\", \"vcpus\": 4,"
	      " \"ram\": 8192, \"disk\": 80},"
	      "{\"id\": \"1\", \"name\": \"m1.tiny\", \"vcpus\": 1,"
	      " \"ram\": 512, \"disk\": 1},"
	      "{\"id\": \"cb\", \"name\": \"c2.b\", \"vcpus\": 2,"
	      " \"ram\": 1024, \"disk\": 10},"
	      "{\"id\": \"ca\", \"name\": \"c2.a\", \"vcpus\": 2,"
	      " \"ram\": 1024, \"disk\": 10}]}");
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct os_config cfg = {0};
	struct diag diag;

	f->fs = fake_server_start();
	snprintf(f->auth_url, sizeof(f->auth_url), "%s/identity/v3",
	         fake_server_url(f->fs));
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
	assert_int_equal(os_driver_new("site1", &cfg, NULL, &f->d, &diag), 0);
	diag_done(&diag);
	fake_server_lab_keystone(f->fs,
	                         TEST_DATA_DIR "/01-token-response.json");
	script_observed(f);
	diag_init(&diag);
	assert_int_equal(os_driver_observe(f->d, &diag), 0);
	diag_done(&diag);
	*state = f;
	return 0;
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
attr(struct plan_action *a, const char *key, const char *value,
     bool display_only)
{
	a->attrs[a->nattrs] =
	    (struct plan_attr){key, (char *)value, display_only, false};
	a->nattrs++;
}

/* Port t-w-VDU1-0-CP1 on net0 with groups default and web and a pair, as
 * the planner makes it. */
static void
port_action(struct fixture *f, enum plan_op op)
{
	f->groups[0] = "default";
	f->groups[1] = "web";
	f->pair = (struct nfv_address_pair){"10.0.0.100", "fa:16:3e:00:00:01"};
	f->cp = (struct nfv_cp){.name = "CP1",
	                        .vdu = "VDU1",
	                        .network_name = "net0",
	                        .ip_address = "10.0.0.5",
	                        .mac_address = "fa:16:3e:00:00:05",
	                        .anti_spoofing = true,
	                        .security_groups = f->groups,
	                        .nsecurity_groups = 2,
	                        .allowed_address_pairs = &f->pair,
	                        .nallowed_address_pairs = 1};
	memset(&f->a, 0, sizeof(f->a));
	f->a.op = op;
	f->a.kind = PLAN_PORT;
	f->a.service = "t";
	f->a.vim = "site1";
	f->a.name = "t-w-VDU1-0-CP1";
	f->a.vnf = "w";
	f->a.vdu = "VDU1";
	f->a.instance = 0;
	f->a.model_cp = &f->cp;
	f->a.id = op == PLAN_UPDATE ? "port-id" : NULL;
	f->a.attrs = f->attrs;
	attr(&f->a, "network", "net0", false);
	attr(&f->a, "fixed_ip", "10.0.0.5", false);
	attr(&f->a, "mac_address", "fa:16:3e:00:00:05", false);
	snprintf(f->a.spec_hash, sizeof(f->a.spec_hash), "spec1");
	snprintf(f->a.fixed_hash, sizeof(f->a.fixed_hash), "fixed1");
}

/* The body of the only request method path; caller puts. */
static struct json_object *
sent(struct fixture *f, const char *method, const char *path)
{
	size_t i;

	assert_int_equal(fake_server_count(f->fs, method, path), 1);
	for (i = 0; fake_server_request(f->fs, i); i++) {
		const struct fake_request *r = fake_server_request(f->fs, i);

		if (strcmp(r->method, method) == 0 &&
		    strcmp(r->path, path) == 0)
			return json_tokener_parse(r->body);
	}
	fail();
	return NULL;
}

/* The last message in d. */
static const char *
last_message(const struct diag *d)
{
	assert_true(d->n > 0);
	return d->entries[d->n - 1].message;
}

static const char *
text_of(struct json_object *o, const char *path)
{
	struct json_object *cur = o;
	char key[64];
	const char *p = path;

	while (*p) {
		size_t n = strcspn(p, ".");
		char *end;
		long idx;

		snprintf(key, sizeof(key), "%.*s", (int)n, p);
		idx = strtol(key, &end, 10);
		if (*end == '\0' && json_object_is_type(cur, json_type_array))
			cur = json_object_array_get_idx(cur, (size_t)idx);
		else if (!json_object_object_get_ex(cur, key, &cur))
			return NULL;
		p += n;
		if (*p == '.')
			p++;
	}
	return json_object_to_json_string_ext(cur, JSON_C_TO_STRING_PLAIN);
}

static void
test_os_driver_vm_port_create_sends_groups_pairs_and_mac(void **state)
{
	struct fixture *f = *state;
	struct json_object *body;
	struct diag d;

	reply(f, "POST", NET "/ports", 201,
	      "{\"port\": {\"id\": \"new-port\", \"name\": \"t-w-VDU1-0-CP1\","
	      " \"network_id\": \"net-id\", \"status\": \"DOWN\"}}");
	reply(f, "PUT", NET "/ports/new-port/tags", 200, "{\"tags\": []}");
	port_action(f, PLAN_CREATE);
	diag_init(&d);
	assert_int_equal(os_driver_apply(f->d, &f->a, &d), 0);
	diag_done(&d);
	body = sent(f, "POST", NET "/ports");
	/* The project's own default, not another project's. */
	assert_string_equal(text_of(body, "port.security_groups"),
	                    "[\"own-default\",\"web-id\"]");
	assert_string_equal(text_of(body, "port.allowed_address_pairs"),
	                    "[{\"ip_address\":\"10.0.0.100\","
	                    "\"mac_address\":\"fa:16:3e:00:00:01\"}]");
	assert_string_equal(text_of(body, "port.mac_address"),
	                    "\"fa:16:3e:00:00:05\"");
	assert_string_equal(text_of(body, "port.fixed_ips.0.subnet_id"),
	                    "\"sub-id\"");
	assert_null(text_of(body, "port.port_security_enabled"));
	json_object_put(body);
	body = sent(f, "PUT", NET "/ports/new-port/tags");
	assert_string_equal(
	    text_of(body, "tags"),
	    "[\"nfvsync\",\"nfvsync.ns=t\",\"nfvsync.spec=spec1\","
	    "\"nfvsync.fixed=fixed1\"]");
	json_object_put(body);
}

static void
test_os_driver_vm_unknown_security_group_writes_nothing(void **state)
{
	struct fixture *f = *state;
	struct diag d;

	port_action(f, PLAN_CREATE);
	f->groups[1] = "db";
	diag_init(&d);
	assert_int_equal(os_driver_apply(f->d, &f->a, &d), -ENOENT);
	assert_non_null(strstr(last_message(&d),
	                       "security group 'db' does not exist on VIM "
	                       "site1"));
	diag_done(&d);
	assert_int_equal(fake_server_count(f->fs, "POST", NET "/ports"), 0);
}

static void
test_os_driver_vm_port_update_puts_groups_and_pairs(void **state)
{
	struct fixture *f = *state;
	struct json_object *body;
	struct diag d;

	reply(f, "PUT", NET "/ports/port-id", 200,
	      "{\"port\": {\"id\": \"port-id\"}}");
	reply(f, "PUT", NET "/ports/port-id/tags", 200, "{\"tags\": []}");
	port_action(f, PLAN_UPDATE);
	f->groups[0] = "web-id"; /* by ID works too */
	f->cp.nsecurity_groups = 1;
	diag_init(&d);
	assert_int_equal(os_driver_apply(f->d, &f->a, &d), 0);
	diag_done(&d);
	body = sent(f, "PUT", NET "/ports/port-id");
	assert_string_equal(text_of(body, "port"),
	                    "{\"security_groups\":[\"web-id\"],"
	                    "\"allowed_address_pairs\":[{\"ip_address\":"
	                    "\"10.0.0.100\",\"mac_address\":"
	                    "\"fa:16:3e:00:00:01\"}]}");
	json_object_put(body);
	body = sent(f, "PUT", NET "/ports/port-id/tags");
	assert_non_null(strstr(text_of(body, "tags"), "nfvsync.fixed=fixed1"));
	json_object_put(body);
	assert_int_equal(fake_server_count(f->fs, "POST", NET "/ports"), 0);
	assert_int_equal(
	    fake_server_count(f->fs, "DELETE", NET "/ports/port-id"), 0);
}

/* Server t-w-VDU1-0 sized by nfv_compute (2 vCPUs, 512 MB, 1 GB). */
static void
server_action(struct fixture *f)
{
	f->md[0] = (struct nfv_kv){"role", "web"};
	f->vdu = (struct nfv_vdu){.name = "VDU1",
	                          .kind = NFV_VDU_VM,
	                          .instances = 1,
	                          .image = "cirros",
	                          .vcpus = 2,
	                          .mem_bytes = 512000000,
	                          .disk_bytes = 1000000000,
	                          .user_data = "#!/bin/sh\necho hi\n",
	                          .user_data_format = "RAW",
	                          .config_drive = true,
	                          .metadata = f->md,
	                          .nmetadata = 1};
	memset(&f->a, 0, sizeof(f->a));
	f->a.op = PLAN_CREATE;
	f->a.kind = PLAN_SERVER;
	f->a.service = "t";
	f->a.vim = "site1";
	f->a.name = "t-w-VDU1-0";
	f->a.vnf = "w";
	f->a.vdu = "VDU1";
	f->a.instance = 0;
	f->a.model_vdu = &f->vdu;
	f->a.attrs = f->attrs;
	attr(&f->a, "image", "cirros", false);
	attr(&f->a, "compute", "at least 2 vCPU, 489 MiB RAM, 1 GiB disk",
	     false);
	attr(&f->a, "flavor", "c2.a (the smallest that fits)", true);
	attr(&f->a, "config_drive", "true", false);
	attr(&f->a, "metadata", "role=web", false);
	attr(&f->a, "user_data", "19 bytes, sha256 …", false);
	snprintf(f->a.spec_hash, sizeof(f->a.spec_hash), "spec1");
}

static void
test_os_driver_vm_server_create_picks_flavor_and_sends_boot_fields(void **state)
{
	struct fixture *f = *state;
	struct json_object *body;
	struct diag d;

	reply(f, "POST", NOVA "/servers", 202,
	      "{\"server\": {\"id\": \"srv-id\"}}");
	reply(f, "GET", NOVA "/servers/srv-id", 200,
	      "{\"server\": {\"id\": \"srv-id\", \"name\": \"t-w-VDU1-0\","
	      " \"status\": \"ACTIVE\"}}");
	server_action(f);
	diag_init(&d);
	assert_int_equal(os_driver_apply(f->d, &f->a, &d), 0);
	diag_done(&d);
	body = sent(f, "POST", NOVA "/servers");
	/* Fewest vCPUs, then RAM, disk, name: c2.a. */
	assert_string_equal(text_of(body, "server.flavorRef"), "\"ca\"");
	assert_string_equal(text_of(body, "server.imageRef"), "\"img-id\"");
	assert_string_equal(text_of(body, "server.user_data"),
	                    "\"IyEvYmluL3NoCmVjaG8gaGkK\"");
	assert_string_equal(text_of(body, "server.config_drive"), "true");
	assert_string_equal(text_of(body, "server.metadata.role"), "\"web\"");
	assert_non_null(
	    strstr(text_of(body, "server.metadata"), "\"nfvsync.ns\":\"t\""));
	json_object_put(body);
}

static void
test_os_driver_vm_no_flavor_fits_names_the_need(void **state)
{
	struct fixture *f = *state;
	struct diag d;

	server_action(f);
	f->vdu.vcpus = 8;
	diag_init(&d);
	assert_int_equal(os_driver_apply(f->d, &f->a, &d), -ENOENT);
	assert_string_equal(last_message(&d),
	                    "t-w-VDU1-0: no flavor on VIM site1 has at least "
	                    "8 vCPU, 489 MiB RAM, 1 GiB disk (of 4 flavors)");
	diag_done(&d);
	assert_int_equal(fake_server_count(f->fs, "POST", NOVA "/servers"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_os_driver_vm_port_create_sends_groups_pairs_and_mac, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_os_driver_vm_unknown_security_group_writes_nothing, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_os_driver_vm_port_update_puts_groups_and_pairs, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_os_driver_vm_server_create_picks_flavor_and_sends_boot_fields,
	        setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_os_driver_vm_no_flavor_fits_names_the_need, setup,
	        teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
