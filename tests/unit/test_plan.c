/*
 * Unit tests of nfv_plan for offline plans (every VIM empty): action order
 * and deterministic names on models built in memory, DNS names, the text
 * and JSON renderings. Links nfv_plan (and the model loader beneath it)
 * only. Diffs against observed state are tests/plan's; golden plans of
 * examples/ are tests/golden's.
 */
#include "unit.h"

#include <json-c/json.h>

#include "model.h"
#include "plan.h"
#include "repo.h"

/* ---- a small model in memory ------------------------------------------ */

struct fixture {
	struct nfv_vdu vdus[2];
	struct nfv_cp cps[2];
	struct nfv_vnf vnfs[2];
	struct nfv_container containers[1];
	struct nfv_port_map ports[1];
	const char *members[1];
	struct nfv_l7_rule rules[1];
	struct nfv_balancer lb;
	struct nfv_vim vims[2];
	struct nfv_service svc;
	struct nfv_model m;
};

/*
 * Service "shop": VNF "web" on site1 with VDU1 (VM, 2 instances, two CPs,
 * CP1 at a fixed address), VNF "cweb" on k8s with VDU_1 (containers,
 * autoscaled), and balancer "lb" over web with a monitor and one route.
 */
static void
fixture_init(struct fixture *f, bool with_balancer)
{
	memset(f, 0, sizeof(*f));
	f->vdus[0] = (struct nfv_vdu){
	    .name = "VDU1",
	    .kind = NFV_VDU_VM,
	    .instances = 2,
	    .min_instances = 1,
	    .max_instances = 3,
	    .image = "cirros",
	    .flavor = "m1.tiny",
	};
	f->cps[0] = (struct nfv_cp){.name = "CP1",
	                            .vdu = "VDU1",
	                            .network_name = "net0",
	                            .ip_address = "10.0.0.5",
	                            .anti_spoofing = true};
	f->cps[1] = (struct nfv_cp){.name = "CP2",
	                            .vdu = "VDU1",
	                            .network_name = "net1",
	                            .anti_spoofing = false};
	f->vnfs[0] = (struct nfv_vnf){.name = "web",
	                              .vim = "site1",
	                              .vdus = &f->vdus[0],
	                              .nvdus = 1,
	                              .cps = f->cps,
	                              .ncps = 2};
	f->containers[0] =
	    (struct nfv_container){.name = "nginx", .image = "nginx:1"};
	f->ports[0] = (struct nfv_port_map){80, 8080};
	f->vdus[1] = (struct nfv_vdu){
	    .name = "VDU_1",
	    .kind = NFV_VDU_CONTAINER,
	    .instances = 2,
	    .min_instances = 1,
	    .max_instances = 5,
	    .target_cpu_utilization = 50,
	    .containers = f->containers,
	    .ncontainers = 1,
	    .mapping_ports = f->ports,
	    .nmapping_ports = 1,
	};
	f->vnfs[1] = (struct nfv_vnf){
	    .name = "cweb", .vim = "k8s", .vdus = &f->vdus[1], .nvdus = 1};
	f->members[0] = "web";
	f->rules[0] = (struct nfv_l7_rule){"/one", "web", "VDU1", 1};
	f->lb = (struct nfv_balancer){
	    .name = "lb",
	    .vim = "site1",
	    .listener_protocol = "HTTP",
	    .listener_port = 80,
	    .pool_algorithm = "ROUND_ROBIN",
	    .pool_protocol = "HTTP",
	    .member_port = 8080,
	    .has_health_monitor = true,
	    .hm_type = "HTTP",
	    .hm_delay = 5,
	    .hm_timeout = 3,
	    .hm_max_retries = 3,
	    .hm_http_method = "GET",
	    .hm_url_path = "/",
	    .hm_expected_codes = "200",
	    .members = f->members,
	    .nmembers = 1,
	    .l7_rules = f->rules,
	    .nl7_rules = 1,
	};
	f->vims[0] =
	    (struct nfv_vim){.name = "site1", .kind = NFV_VIM_OPENSTACK};
	f->vims[1] =
	    (struct nfv_vim){.name = "k8s", .kind = NFV_VIM_KUBERNETES};
	f->svc = (struct nfv_service){.name = "shop",
	                              .file = "shop.yaml",
	                              .kind = NFV_SERVICE_NS,
	                              .vnfs = f->vnfs,
	                              .nvnfs = 2};
	if (with_balancer) {
		f->svc.balancers = &f->lb;
		f->svc.nbalancers = 1;
	}
	f->m = (struct nfv_model){
	    .vims = f->vims, .nvims = 2, .services = &f->svc, .nservices = 1};
}

/* The offline plan of m (every VIM taken as empty). */
static struct plan *
build(const struct nfv_model *m)
{
	struct plan *p = NULL;
	struct diag d;

	diag_init(&d);
	assert_int_equal(plan_build(m, NULL, NULL, &p, &d), 0);
	assert_no_diags(&d);
	diag_done(&d);
	assert_non_null(p);
	assert_true(p->offline);
	return p;
}

static const char *
attr(const struct plan_action *a, const char *key)
{
	size_t i;

	for (i = 0; i < a->nattrs; i++) {
		if (strcmp(a->attrs[i].key, key) == 0)
			return a->attrs[i].value;
	}
	return NULL;
}

static void
assert_action(const struct plan *p, size_t i, enum plan_kind kind,
              const char *name)
{
	if (i >= p->n)
		fail_msg("plan has %zu actions, wanted #%zu (%s)", p->n, i,
		         name);
	if (p->actions[i].kind != kind || strcmp(p->actions[i].name, name) != 0)
		fail_msg("action #%zu is %s %s, wanted %s %s", i,
		         plan_kind_name(p->actions[i].kind), p->actions[i].name,
		         plan_kind_name(kind), name);
	assert_int_equal(p->actions[i].op, PLAN_CREATE);
}

static void
test_plan_names_servers_service_vnf_vdu_index_with_ports_first(void **state)
{
	struct fixture f;
	struct plan *p = NULL;

	fixture_init(&f, false);
	f.svc.nvnfs = 1;
	p = build(&f.m);
	assert_int_equal(p->n, 6);
	assert_action(p, 0, PLAN_PORT, "shop-web-VDU1-0-CP1");
	assert_action(p, 1, PLAN_PORT, "shop-web-VDU1-0-CP2");
	assert_action(p, 2, PLAN_SERVER, "shop-web-VDU1-0");
	assert_action(p, 3, PLAN_PORT, "shop-web-VDU1-1-CP1");
	assert_action(p, 4, PLAN_PORT, "shop-web-VDU1-1-CP2");
	assert_action(p, 5, PLAN_SERVER, "shop-web-VDU1-1");
	assert_int_equal(p->counts[PLAN_CREATE], 6);
	assert_int_equal(p->counts[PLAN_DELETE], 0);
	assert_ptr_equal(p->model, &f.m);
	/* owners and attributes */
	assert_string_equal(p->actions[3].vnf, "web");
	assert_string_equal(p->actions[3].vdu, "VDU1");
	assert_int_equal(p->actions[3].instance, 1);
	assert_string_equal(p->actions[3].vim, "site1");
	assert_string_equal(p->actions[3].service, "shop");
	assert_string_equal(attr(&p->actions[0], "network"), "net0");
	assert_string_equal(attr(&p->actions[0], "fixed_ip"), "10.0.0.5");
	assert_null(attr(&p->actions[0], "port_security"));
	assert_string_equal(attr(&p->actions[1], "port_security"), "off");
	assert_string_equal(attr(&p->actions[2], "image"), "cirros");
	assert_string_equal(attr(&p->actions[2], "flavor"), "m1.tiny");
	assert_string_equal(p->actions[2].reason, "not found on the VIM");
	/* every desired resource carries a spec hash (16 hex digits) */
	assert_int_equal(strlen(p->actions[2].spec_hash), 16);
	assert_null(p->actions[2].id);
	plan_free(p);
}

static void
test_plan_server_count_follows_vdu_instances(void **state)
{
	struct fixture f;
	struct plan *p = NULL;
	size_t i, servers = 0;

	fixture_init(&f, false);
	f.svc.nvnfs = 1;
	f.vnfs[0].ncps = 0;
	f.vdus[0].instances = 5;
	p = build(&f.m);
	for (i = 0; i < p->n; i++)
		servers += p->actions[i].kind == PLAN_SERVER;
	assert_int_equal(servers, 5);
	assert_action(p, 4, PLAN_SERVER, "shop-web-VDU1-4");
	plan_free(p);

	f.vdus[0].instances = 0;
	p = build(&f.m);
	assert_int_equal(p->n, 0);
	plan_free(p);
}

/* The plan of m against obs (VIM site1 observed). */
static struct plan *
build_against(const struct nfv_model *m, struct plan_observed *obs)
{
	static const char *const vims[] = {"site1"};
	struct plan *p = NULL;
	struct diag d;

	obs->vims = vims;
	obs->nvims = 1;
	diag_init(&d);
	assert_int_equal(plan_build(m, obs, NULL, &p, &d), 0);
	diag_done(&d);
	return p;
}

static bool
attr_display_only(const struct plan_action *a, const char *key)
{
	size_t i;

	for (i = 0; i < a->nattrs; i++) {
		if (strcmp(a->attrs[i].key, key) == 0)
			return a->attrs[i].display_only;
	}
	fail_msg("no attribute %s", key);
	return false;
}

/* One VM instance sized by nfv_compute, no CPs. */
static void
fixture_compute(struct fixture *f)
{
	fixture_init(f, false);
	f->svc.nvnfs = 1;
	f->vnfs[0].ncps = 0;
	f->vdus[0].instances = 1;
	f->vdus[0].flavor = NULL;
	f->vdus[0].vcpus = 2;
	f->vdus[0].mem_bytes = 512000000;   /* 512 MB: 489 MiB */
	f->vdus[0].disk_bytes = 1000000000; /* 1 GB: 1 GiB rounded up */
}

static void
test_plan_server_without_flavor_asks_for_its_size(void **state)
{
	struct fixture f;
	struct plan *p = NULL;

	fixture_compute(&f);
	p = build(&f.m);
	assert_string_equal(attr(&p->actions[0], "compute"),
	                    "at least 2 vCPU, 489 MiB RAM, 1 GiB disk");
	assert_string_equal(attr(&p->actions[0], "flavor"),
	                    "(the smallest that fits, at apply)");
	assert_true(attr_display_only(&p->actions[0], "flavor"));
	plan_free(p);
}

/* Flavors of site1 (and one of another VIM, smaller, never picked). */
static const struct plan_flavor flavors[] = {
    {"site1", "m1.large", 4, 8192, 80, "f1"},
    {"site1", "m1.tiny", 1, 512, 1, "f2"},
    {"site1", "c2.b", 2, 1024, 10, "f3"},
    {"site1", "c2.a", 2, 1024, 10, "f4"},
    {"site1", "c2.small", 2, 2048, 20, "f5"},
    {"site1", "c2.nodisk", 2, 1024, 0, "f6"},
    {"site2", "other", 2, 512, 1, "f7"},
};

static void
test_plan_server_without_flavor_shows_the_smallest_that_fits(void **state)
{
	struct fixture f;
	struct plan_observed obs = {.flavors = flavors,
	                            .nflavors =
	                                sizeof(flavors) / sizeof(flavors[0])};
	struct plan *p;
	char offline_hash[17];

	fixture_compute(&f);
	p = build(&f.m);
	memcpy(offline_hash, p->actions[0].spec_hash, sizeof(offline_hash));
	plan_free(p);
	p = build_against(&f.m, &obs);
	/* Fewest vCPUs, then RAM, then disk, then name: c2.a over c2.b; not
	 * c2.nodisk (1 GiB disk asked), not site2's. */
	assert_string_equal(attr(&p->actions[0], "flavor"),
	                    "c2.a (the smallest that fits)");
	/* The spec is what the VDU needs, whichever flavor that gives. */
	assert_string_equal(p->actions[0].spec_hash, offline_hash);
	plan_free(p);

	f.vdus[0].vcpus = 16;
	p = build_against(&f.m, &obs);
	assert_string_equal(attr(&p->actions[0], "flavor"),
	                    "(none of VIM site1's flavors fits: apply fails)");
	plan_free(p);
}

static void
test_plan_flavor_pick_breaks_ties_by_name(void **state)
{
	struct plan_compute need = {1, 0, 0};
	struct plan_flavor two[] = {{NULL, "b", 1, 512, 1, NULL},
	                            {NULL, "a", 1, 512, 1, NULL}};

	assert_string_equal(plan_flavor_pick(two, 2, NULL, &need)->name, "a");
	need.ram_mib = 513;
	assert_null(plan_flavor_pick(two, 2, NULL, &need));
	(void)state;
}

/* Server fields: AZ, key, config drive, metadata by key, user data by
 * size and digest only (it may hold secrets). */
static void
test_plan_server_carries_its_boot_fields(void **state)
{
	struct fixture f;
	struct nfv_kv md[] = {{"role", "web"}, {"metering.server_group", "g"}};
	struct plan *p = NULL;
	char hash[17];

	fixture_compute(&f);
	f.vdus[0].availability_zone = "az1";
	f.vdus[0].key_name = "k1";
	f.vdus[0].config_drive = true;
	f.vdus[0].metadata = md;
	f.vdus[0].nmetadata = 2;
	f.vdus[0].user_data = "#!/bin/sh\necho secret\n";
	f.vdus[0].user_data_format = "RAW";
	p = build(&f.m);
	assert_string_equal(attr(&p->actions[0], "availability_zone"), "az1");
	assert_string_equal(attr(&p->actions[0], "key_name"), "k1");
	assert_string_equal(attr(&p->actions[0], "config_drive"), "true");
	assert_string_equal(attr(&p->actions[0], "metadata"),
	                    "metering.server_group=g, role=web");
	assert_non_null(
	    strstr(attr(&p->actions[0], "user_data"), "22 bytes, sha256 "));
	assert_null(strstr(attr(&p->actions[0], "user_data"), "secret"));
	memcpy(hash, p->actions[0].spec_hash, sizeof(hash));
	plan_free(p);
	/* Another script, another spec. */
	f.vdus[0].user_data = "#!/bin/sh\necho other\n";
	p = build(&f.m);
	assert_string_not_equal(p->actions[0].spec_hash, hash);
	plan_free(p);
	/* Heat's formats are not passed on (the model lists them). */
	f.vdus[0].user_data_format = "SOFTWARE_CONFIG";
	p = build(&f.m);
	assert_null(attr(&p->actions[0], "user_data"));
	plan_free(p);
}

/* One instance, CP1 with groups and a pair. */
static void
fixture_port(struct fixture *f, struct nfv_address_pair *pair,
             const char **groups)
{
	fixture_init(f, false);
	f->svc.nvnfs = 1;
	f->vnfs[0].ncps = 1;
	f->vdus[0].instances = 1;
	groups[0] = "default";
	groups[1] = "web";
	pair->ip_address = "10.0.0.100";
	pair->mac_address = "fa:16:3e:00:00:01";
	f->cps[0].security_groups = groups;
	f->cps[0].nsecurity_groups = 2;
	f->cps[0].allowed_address_pairs = pair;
	f->cps[0].nallowed_address_pairs = 1;
	f->cps[0].mac_address = "fa:16:3e:00:00:05";
}

static void
test_plan_port_carries_groups_pairs_and_mac(void **state)
{
	struct fixture f;
	struct nfv_address_pair pair;
	const char *groups[2];
	struct plan *p;

	fixture_port(&f, &pair, groups);
	p = build(&f.m);
	assert_action(p, 0, PLAN_PORT, "shop-web-VDU1-0-CP1");
	assert_ptr_equal(p->actions[0].model_cp, &f.cps[0]);
	assert_string_equal(attr(&p->actions[0], "security_groups"),
	                    "default, web");
	assert_string_equal(attr(&p->actions[0], "allowed_address_pairs"),
	                    "10.0.0.100 (fa:16:3e:00:00:01)");
	assert_string_equal(attr(&p->actions[0], "mac_address"),
	                    "fa:16:3e:00:00:05");
	/* What Neutron changes in place is in the spec, not the fixed part. */
	assert_string_not_equal(p->actions[0].spec_hash,
	                        p->actions[0].fixed_hash);
	plan_free(p);
}

/* The port and server of the fixture as nfvsync left them, from p. */
static void
observed_from(const struct plan *p, struct plan_observed_res *res,
              char hashes[][2][17])
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		memcpy(hashes[i][0], p->actions[i].spec_hash, 17);
		memcpy(hashes[i][1], p->actions[i].fixed_hash, 17);
		res[i] = (struct plan_observed_res){
		    .kind = p->actions[i].kind,
		    .vim = "site1",
		    .name = p->actions[i].name,
		    .id = p->actions[i].kind == PLAN_PORT ? "port-id"
		                                          : "server-id",
		    .status = "ACTIVE",
		    .service = "shop",
		    .spec_hash = hashes[i][0],
		    .fixed_hash =
		        p->actions[i].kind == PLAN_PORT ? hashes[i][1] : NULL,
		    .managed = true,
		};
	}
}

static void
test_plan_updates_a_port_whose_groups_changed(void **state)
{
	struct fixture f;
	struct nfv_address_pair pair;
	const char *groups[2];
	struct plan_observed_res res[2];
	char hashes[2][2][17];
	struct plan_observed obs = {.res = res, .n = 2};
	struct plan *before = NULL, *p;

	fixture_port(&f, &pair, groups);
	before = build(&f.m);
	assert_int_equal(before->n, 2);
	observed_from(before, res, hashes);
	p = build_against(&f.m, &obs);
	assert_int_equal(p->n, 0);
	plan_free(p);

	groups[1] = "db";
	p = build_against(&f.m, &obs);
	assert_int_equal(p->n, 1);
	assert_int_equal(p->actions[0].kind, PLAN_PORT);
	assert_int_equal(p->actions[0].op, PLAN_UPDATE);
	assert_string_equal(p->actions[0].id, "port-id");
	plan_free(p);

	/* A port tagged before nfvsync knew what changes in place: to be
	 * safe, replaced (and its server with it). */
	res[0].fixed_hash = NULL;
	p = build_against(&f.m, &obs);
	assert_int_equal(p->n, 2);
	assert_int_equal(p->actions[0].op, PLAN_REPLACE);
	plan_free(p);
	plan_free(before);
}

static void
test_plan_replaces_a_server_whose_port_is_replaced(void **state)
{
	struct fixture f;
	struct nfv_address_pair pair;
	const char *groups[2];
	struct plan_observed_res res[2];
	char hashes[2][2][17];
	struct plan_observed obs = {.res = res, .n = 2};
	struct plan *before, *p;

	fixture_port(&f, &pair, groups);
	before = build(&f.m);
	observed_from(before, res, hashes);
	f.cps[0].ip_address = "10.0.0.6";
	p = build_against(&f.m, &obs);
	assert_int_equal(p->n, 2);
	assert_int_equal(p->actions[0].kind, PLAN_PORT);
	assert_int_equal(p->actions[0].op, PLAN_REPLACE);
	assert_int_equal(p->actions[1].kind, PLAN_SERVER);
	assert_int_equal(p->actions[1].op, PLAN_REPLACE);
	assert_non_null(strstr(p->actions[1].reason, "port"));
	plan_free(p);
	plan_free(before);
}

/* A CP bound to no VDU (a VIP) is a port of the VNF's own, made first. */
static void
test_plan_free_standing_cp_is_a_port_of_its_own(void **state)
{
	struct fixture f;
	struct plan *p;

	fixture_init(&f, false);
	f.svc.nvnfs = 1;
	f.vdus[0].instances = 1;
	f.cps[1].vdu = NULL;
	f.cps[1].name = "VCP";
	f.cps[1].ip_address = "10.0.0.100";
	p = build(&f.m);
	assert_action(p, 0, PLAN_PORT, "shop-web-VCP");
	assert_null(p->actions[0].vdu);
	assert_string_equal(p->actions[0].vnf, "web");
	assert_string_equal(attr(&p->actions[0], "fixed_ip"), "10.0.0.100");
	assert_action(p, 1, PLAN_PORT, "shop-web-VDU1-0-CP1");
	assert_action(p, 2, PLAN_SERVER, "shop-web-VDU1-0");
	assert_int_equal(p->n, 3);
	plan_free(p);
}

static void
test_plan_container_vdu_is_deployment_service_and_autoscaler(void **state)
{
	struct fixture f;
	struct plan *p = NULL;

	fixture_init(&f, false);
	f.svc.vnfs = &f.vnfs[1];
	f.svc.nvnfs = 1;
	p = build(&f.m);
	assert_int_equal(p->n, 3);
	assert_action(p, 0, PLAN_DEPLOYMENT, "shop-cweb-vdu-1");
	assert_action(p, 1, PLAN_SERVICE, "shop-cweb-vdu-1");
	assert_action(p, 2, PLAN_AUTOSCALER, "shop-cweb-vdu-1");
	assert_int_equal(p->actions[0].instance, -1);
	assert_string_equal(p->actions[0].vim, "k8s");
	assert_string_equal(attr(&p->actions[0], "namespace"),
	                    "(the VIM's)"); /* no namespace of its own */
	assert_string_equal(attr(&p->actions[0], "replicas"),
	                    "2 (then owned by the autoscaler)");
	assert_string_equal(attr(&p->actions[0], "containers"),
	                    "nginx=nginx:1");
	assert_string_equal(attr(&p->actions[1], "type"), "ClusterIP");
	assert_string_equal(attr(&p->actions[1], "ports"), "80->8080");
	assert_string_equal(attr(&p->actions[2], "replicas"), "1..5");
	assert_string_equal(attr(&p->actions[2], "target_cpu"), "50%");
	plan_free(p);

	/* no ports, no autoscaler: a deployment only */
	f.vdus[1].nmapping_ports = 0;
	f.vdus[1].target_cpu_utilization = 0;
	p = build(&f.m);
	assert_int_equal(p->n, 1);
	assert_string_equal(attr(&p->actions[0], "replicas"), "2");
	plan_free(p);
}

static void
test_plan_balancer_actions_come_in_apply_order(void **state)
{
	struct fixture f;
	struct plan *p = NULL;
	size_t b;

	fixture_init(&f, true);
	p = build(&f.m);
	/* VNFs first: 2 x (2 ports + server), then deployment, service,
	 * autoscaler; then the balancer: LB, listener, default pool, its
	 * members, monitor, and per route a pool, its member and the policy */
	assert_int_equal(p->n, 6 + 3 + 9);
	b = 9;
	assert_action(p, b + 0, PLAN_LOADBALANCER, "shop-lb");
	assert_action(p, b + 1, PLAN_LISTENER, "shop-lb-HTTP-80");
	assert_action(p, b + 2, PLAN_POOL, "shop-lb-pool");
	assert_action(p, b + 3, PLAN_MEMBER, "shop-lb-pool-web-VDU1-0");
	assert_action(p, b + 4, PLAN_MEMBER, "shop-lb-pool-web-VDU1-1");
	assert_action(p, b + 5, PLAN_HEALTH_MONITOR, "shop-lb-hm");
	assert_action(p, b + 6, PLAN_POOL, "shop-lb-route-0");
	assert_action(p, b + 7, PLAN_MEMBER, "shop-lb-route-0-web-VDU1-1");
	assert_action(p, b + 8, PLAN_L7_POLICY, "shop-lb-route-0");
	assert_int_equal(p->counts[PLAN_CREATE], 18);
	/* children name their parents */
	assert_string_equal(attr(&p->actions[b + 1], "loadbalancer"),
	                    "shop-lb");
	assert_string_equal(attr(&p->actions[b + 1], "protocol"), "HTTP");
	assert_string_equal(attr(&p->actions[b + 1], "port"), "80");
	assert_string_equal(attr(&p->actions[b + 2], "listener"),
	                    "shop-lb-HTTP-80");
	assert_string_equal(attr(&p->actions[b + 2], "algorithm"),
	                    "ROUND_ROBIN");
	assert_string_equal(attr(&p->actions[b + 3], "pool"), "shop-lb-pool");
	assert_string_equal(attr(&p->actions[b + 5], "pool"), "shop-lb-pool");
	assert_string_equal(attr(&p->actions[b + 7], "pool"),
	                    "shop-lb-route-0");
	assert_string_equal(attr(&p->actions[b + 8], "pool"),
	                    "shop-lb-route-0");
	assert_string_equal(attr(&p->actions[b + 8], "listener"),
	                    "shop-lb-HTTP-80");
	/* the first instance has the CP's fixed address */
	assert_string_equal(attr(&p->actions[b + 3], "address"), "10.0.0.5");
	assert_string_equal(attr(&p->actions[b + 4], "address"),
	                    "(server address after apply)");
	assert_string_equal(attr(&p->actions[b + 3], "port"), "8080");
	assert_string_equal(attr(&p->actions[b + 3], "runs_on"), "site1");
	assert_int_equal(p->actions[b + 4].instance, 1);
	assert_int_equal(p->actions[b + 7].instance, 1);
	assert_string_equal(attr(&p->actions[b + 5], "type"), "HTTP");
	assert_string_equal(attr(&p->actions[b + 5], "url_path"), "/");
	assert_string_equal(attr(&p->actions[b + 5], "max_retries"), "3");
	assert_string_equal(attr(&p->actions[b + 8], "path_prefix"), "/one");
	assert_string_equal(attr(&p->actions[b + 8], "position"), "1");
	assert_string_equal(attr(&p->actions[b], "vip"), "(any)");
	plan_free(p);
}

static void
test_plan_route_to_an_instance_not_running_yet_has_no_member(void **state)
{
	struct fixture f;
	struct plan *p = NULL;

	fixture_init(&f, true);
	f.svc.nvnfs = 1;
	f.lb.has_health_monitor = false;
	f.rules[0].instance = 2; /* VDU1 runs instances 0 and 1 */
	p = build(&f.m);
	assert_int_equal(p->n, 6 + 5 + 2);
	assert_action(p, 11, PLAN_POOL, "shop-lb-route-0");
	assert_action(p, 12, PLAN_L7_POLICY, "shop-lb-route-0");
	plan_free(p);
}

static void
test_plan_balancer_without_monitor_or_routes(void **state)
{
	struct fixture f;
	struct plan *p = NULL;

	fixture_init(&f, true);
	f.svc.nvnfs = 1;
	f.lb.has_health_monitor = false;
	f.lb.nl7_rules = 0;
	p = build(&f.m);
	assert_int_equal(p->n, 6 + 5);
	assert_action(p, 10, PLAN_MEMBER, "shop-lb-pool-web-VDU1-1");
	plan_free(p);
}

static void
test_plan_dns_name_lowercases_and_replaces_invalid_characters(void **state)
{
	static const char *const cases[][2] = {
	    {"site2_web", "site2-web"},
	    {"Shop-CWEB-VDU1", "shop-cweb-vdu1"},
	    {"a.b c/d", "a-b-c-d"},
	    {"already-ok-1", "already-ok-1"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = plan_dns_name(cases[i][0]);

		assert_string_equal(s, cases[i][1]);
		free(s);
	}
}

static void
test_plan_dns_name_is_a_valid_dns1123_label(void **state)
{
	/* RFC 1123 label: 1..63 characters, alphanumeric at both ends. */
	char longname[101];
	char *s;

	s = plan_dns_name("_web_");
	assert_true(s[0] != '-' && s[strlen(s) - 1] != '-');
	free(s);
	memset(longname, 'a', 100);
	longname[100] = '\0';
	s = plan_dns_name(longname);
	assert_true(strlen(s) <= 63);
	free(s);
}

static void
test_plan_kind_and_op_names(void **state)
{
	assert_string_equal(plan_op_name(PLAN_CREATE), "create");
	assert_string_equal(plan_op_name(PLAN_DELETE), "delete");
	assert_string_equal(plan_op_name(PLAN_OP_INVALID), "?");
	assert_string_equal(plan_kind_name(PLAN_HEALTH_MONITOR),
	                    "healthmonitor");
	assert_string_equal(plan_kind_name(PLAN_L7_POLICY), "l7policy");
	assert_string_equal(plan_kind_name(PLAN_KIND_MAX), "?");
}

static void
test_plan_json_has_format_version_actions_and_summary(void **state)
{
	struct fixture f;
	struct plan *p = NULL;
	char *text;
	json_object *root, *v, *acts, *a0, *sum;

	fixture_init(&f, true);
	p = build(&f.m);
	text = plan_to_json(p);
	root = json_tokener_parse(text);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "format_version", &v));
	assert_int_equal(json_object_get_int(v), 1);
	assert_true(json_object_object_get_ex(root, "actions", &acts));
	assert_int_equal(json_object_array_length(acts), p->n);
	a0 = json_object_array_get_idx(acts, 0);
	assert_true(json_object_object_get_ex(a0, "name", &v));
	assert_string_equal(json_object_get_string(v), "shop-web-VDU1-0-CP1");
	assert_true(json_object_object_get_ex(a0, "kind", &v));
	assert_string_equal(json_object_get_string(v), "port");
	assert_true(json_object_object_get_ex(a0, "op", &v));
	assert_string_equal(json_object_get_string(v), "create");
	assert_true(json_object_object_get_ex(a0, "instance", &v));
	assert_int_equal(json_object_get_int(v), 0);
	assert_true(json_object_object_get_ex(a0, "attributes", &v));
	assert_true(json_object_object_get_ex(v, "fixed_ip", &v));
	assert_string_equal(json_object_get_string(v), "10.0.0.5");
	/* balancer actions carry no instance */
	assert_false(json_object_object_get_ex(
	    json_object_array_get_idx(acts, 9), "instance", NULL));
	assert_true(json_object_object_get_ex(root, "summary", &sum));
	assert_true(json_object_object_get_ex(sum, "create", &v));
	assert_int_equal(json_object_get_int(v), 18);
	assert_true(json_object_object_get_ex(sum, "update", &v));
	assert_int_equal(json_object_get_int(v), 0);
	assert_true(json_object_object_get_ex(sum, "delete", &v));
	assert_int_equal(json_object_get_int(v), 0);
	assert_true(json_object_object_get_ex(root, "not_supported_yet", &v));
	assert_int_equal(json_object_array_length(v), 0);
	json_object_put(root);
	free(text);
	plan_free(p);
}

static void
test_plan_text_groups_by_service_and_vim_and_ends_with_summary(void **state)
{
	struct fixture f;
	struct plan *p = NULL;
	char *text;
	const char *site1, *k8s, *lb;

	fixture_init(&f, true);
	p = build(&f.m);
	text = plan_to_text(p);
	assert_non_null(strstr(text, "Network service shop (shop.yaml)\n"));
	site1 = strstr(text, "\n VIM site1 (openstack)\n");
	k8s = strstr(text, "\n VIM k8s (kubernetes)\n");
	assert_non_null(site1);
	assert_non_null(k8s);
	/* the balancer is listed with site1's resources, before k8s's */
	lb = strstr(text, "  + loadbalancer  shop-lb\n");
	assert_non_null(lb);
	assert_true(site1 < lb && lb < k8s);
	assert_non_null(strstr(text, "Plan: 18 to create, 0 to update, 0 to "
	                             "replace, 0 to respawn, 0 to delete.\n"));
	free(text);
	plan_free(p);
}

static void
test_plan_text_marks_the_actions_of_a_suspended_service(void **state)
{
	struct fixture f;
	struct plan *p = NULL;
	json_object *root, *acts, *v;
	char *text, *json;
	size_t i;

	fixture_init(&f, true);
	p = build(&f.m);
	assert_int_equal(plan_count_suspended(p), 0);
	text = plan_to_text(p);
	assert_null(strstr(text, "Suspended"));
	assert_null(strstr(text, "suspended services"));
	free(text);
	plan_free(p);

	f.svc.sync = NFV_SYNC_SUSPEND;
	p = build(&f.m);
	assert_int_equal(plan_count_suspended(p), 18);
	assert_true(plan_action_suspended(p, &p->actions[0]));
	text = plan_to_text(p);
	assert_non_null(strstr(
	    text, "Network service shop (shop.yaml)\n\n Suspended "
	          "(nfvsync.io/sync: suspend in its metadata): apply skips "
	          "this\n service, run and watch leave it alone; the actions "
	          "below are not carried out.\n"));
	/* the actions are still shown, and counted */
	assert_non_null(strstr(text, "  + loadbalancer  shop-lb\n"));
	assert_non_null(
	    strstr(text, "Plan: 18 to create, 0 to update, 0 to replace, 0 to "
	                 "respawn, 0 to delete.\n(18 of these actions are in "
	                 "suspended services: not carried out by apply, run or "
	                 "watch.)\n"));
	json = plan_to_json(p);
	root = json_tokener_parse(json);
	assert_true(json_object_object_get_ex(root, "actions", &acts));
	for (i = 0; i < json_object_array_length(acts); i++) {
		assert_true(json_object_object_get_ex(
		    json_object_array_get_idx(acts, i), "suspended", &v));
		assert_true(json_object_get_boolean(v));
	}
	json_object_put(root);
	free(json);
	free(text);
	plan_free(p);
}

static void
test_plan_text_says_which_file_an_unregistered_vim_needs(void **state)
{
	struct fixture f;
	struct plan *p = NULL;
	char *text;

	fixture_init(&f, false);
	f.m.nvims = 0;
	f.svc.nvnfs = 1;
	p = build(&f.m);
	text = plan_to_text(p);
	assert_non_null(strstr(text, "\n VIM site1 (not registered: apply "
	                             "needs vims/site1.yaml)\n"));
	assert_null(strstr(text, "localvim"));
	free(text);
	plan_free(p);
}

static void
test_plan_of_empty_model_is_empty(void **state)
{
	struct nfv_model m = {0};
	struct plan *p = NULL;
	char *text;

	p = build(&m);
	assert_int_equal(p->n, 0);
	text = plan_to_text(p);
	assert_string_equal(text, "Plan: 0 to create, 0 to update, 0 to "
	                          "replace, 0 to respawn, 0 to delete.\n"
	                          "(No VIM was consulted: planned as if every "
	                          "VIM were empty.)\n");
	free(text);
	plan_free(p);
	plan_free(NULL);
}

static void
test_plan_refuses_a_port_without_a_network(void **state)
{
	/* A VNFD deployed on its own whose CP2 link is left to an NSD: the
	 * port would be planned on network "?". */
	struct fixture f;
	struct plan *p = NULL;
	struct diag d;

	fixture_init(&f, false);
	f.svc.kind = NFV_SERVICE_VNF;
	f.svc.nvnfs = 1;
	f.cps[1].network_name = NULL;
	f.cps[1].link_export = "virtualLink2";
	f.cps[1].link_export_pos = (struct diag_pos){"web.yaml", 30, 7};
	diag_init(&d);
	assert_int_equal(plan_build(&f.m, NULL, NULL, &p, &d), -EINVAL);
	assert_null(p);
	expect_error(&d, 30, 7,
	             "CP2: VNF 'web' is deployed on its own, so no network "
	             "service fills 'virtualLink2' and the port of VDU1 has "
	             "no network; nothing is planned");
	assert_int_equal(d.errors, 1);
	diag_done(&d);
}

/* ---- references to what the VIM has ----------------------------------- */

/* What site1 has: images, networks and security groups (one "web" of the
 * token's project and one of another's, two "dup"s of others'). */
static const struct plan_named cat_images[] = {
    {"ubuntu-18.04", "img-1", false},
    {"cirros", "img-2", false},
    {"nginx", "img-3", false},
};
static const struct plan_named cat_networks[] = {
    {"net0", "n-0", false}, {"net1", "n-1", false}, {"public", "n-2", false}};
static const struct plan_named cat_secgroups[] = {
    {"web", "sg-1", true},  {"web", "sg-2", false},    {"dup", "sg-3", false},
    {"dup", "sg-4", false}, {"default", "sg-5", true},
};
static const struct plan_catalog catalogs[] = {{
    .vim = "site1",
    .images = cat_images,
    .nimages = 3,
    .networks = cat_networks,
    .nnetworks = 3,
    .secgroups = cat_secgroups,
    .nsecgroups = 5,
}};

static struct plan_observed
observed_site1(void)
{
	static const char *const vims[] = {"site1"};
	struct plan_observed obs = {
	    .vims = vims,
	    .nvims = 1,
	    .flavors = flavors,
	    .nflavors = sizeof(flavors) / sizeof(flavors[0]),
	    .catalogs = catalogs,
	    .ncatalogs = 1,
	};

	return obs;
}

/* Positions of the properties, as the loader keeps them. */
static void
fixture_refs(struct fixture *f)
{
	fixture_init(f, true);
	f->vdus[0].image_pos = (struct diag_pos){"web.yaml", 12, 16};
	f->vdus[0].flavor_pos = (struct diag_pos){"web.yaml", 13, 17};
	f->vdus[0].compute_pos = (struct diag_pos){"web.yaml", 20, 11};
	f->cps[0].network_pos = (struct diag_pos){"web.yaml", 40, 23};
	f->cps[1].network_pos = (struct diag_pos){"web.yaml", 45, 23};
	f->lb.vip_network = "public";
	f->lb.vip_network_pos = (struct diag_pos){"shop.yaml", 50, 23};
}

/* Everything there (by name, or by ID): planned as before. */
static void
test_plan_with_every_reference_present_is_planned(void **state)
{
	struct fixture f;
	struct plan_observed obs = observed_site1();
	struct plan *p = NULL;
	struct diag d;

	fixture_refs(&f);
	f.vdus[0].flavor = "f2"; /* m1.tiny, by its ID */
	f.vdus[0].image = "img-2";
	diag_init(&d);
	assert_int_equal(plan_build(&f.m, &obs, NULL, &p, &d), 0);
	assert_no_diags(&d);
	assert_non_null(p);
	assert_int_equal(p->counts[PLAN_CREATE], p->n);
	plan_free(p);
	diag_done(&d);
	(void)state;
}

static void
test_plan_refuses_a_missing_image_flavor_and_network(void **state)
{
	struct fixture f;
	struct plan_observed obs = observed_site1();
	struct plan *p = NULL;
	struct diag d;

	fixture_refs(&f);
	f.vdus[0].image = "ubuntu-99.04";
	f.vdus[0].flavor = "m1.huge";
	f.cps[1].network_name = "net9";
	f.lb.vip_network = "nowhere";
	diag_init(&d);
	assert_int_equal(plan_build(&f.m, &obs, NULL, &p, &d), -ENOENT);
	assert_null(p);
	/* Once each, though VDU1 has two instances. */
	expect_error(&d, 12, 16,
	             "image 'ubuntu-99.04' does not exist on VIM site1 (it "
	             "has: cirros, nginx, ubuntu-18.04); nothing is planned");
	expect_error(&d, 13, 17,
	             "flavor 'm1.huge' does not exist on VIM site1 (it has: "
	             "c2.a, c2.b, c2.nodisk, c2.small, m1.large, m1.tiny)");
	expect_error(&d, 45, 23,
	             "network 'net9' does not exist on VIM site1 (it has: "
	             "net0, net1, public)");
	expect_error(&d, 50, 23,
	             "network 'nowhere' does not exist on VIM "
	             "site1");
	assert_int_equal(d.errors, 4);
	diag_done(&d);
	(void)state;
}

/* A VDU sized by nfv_compute that no flavor of its VIM fits. */
static void
test_plan_refuses_a_vdu_no_flavor_fits(void **state)
{
	struct fixture f;
	struct plan_observed obs = observed_site1();
	struct plan *p = NULL;
	struct diag d;

	fixture_refs(&f);
	f.vdus[0].flavor = NULL;
	f.vdus[0].vcpus = 16;
	diag_init(&d);
	assert_int_equal(plan_build(&f.m, &obs, NULL, &p, &d), -ENOENT);
	expect_error(&d, 20, 11,
	             "VDU1: no flavor of VIM site1 has at least 16 vCPU, 0 "
	             "MiB RAM, 0 GiB disk (it has: c2.a,");
	assert_int_equal(d.errors, 1);
	diag_done(&d);
	(void)state;
}

/* Security groups as the driver resolves them: by ID; by name, the
 * project's own first; a name others share twice is ambiguous. */
static void
test_plan_checks_security_groups_as_the_driver(void **state)
{
	static const char *good[] = {"web", "sg-4", "default"};
	static const char *bad[] = {"dup", "nope"};
	struct diag_pos pos[] = {{"web.yaml", 60, 9}, {"web.yaml", 61, 9}};
	struct fixture f;
	struct plan_observed obs = observed_site1();
	struct plan *p = NULL;
	struct diag d;

	fixture_refs(&f);
	f.cps[0].security_groups = good;
	f.cps[0].nsecurity_groups = 3;
	diag_init(&d);
	assert_int_equal(plan_build(&f.m, &obs, NULL, &p, &d), 0);
	assert_no_diags(&d);
	plan_free(p);
	p = NULL;
	f.cps[0].security_groups = bad;
	f.cps[0].security_group_pos = pos;
	f.cps[0].nsecurity_groups = 2;
	assert_int_equal(plan_build(&f.m, &obs, NULL, &p, &d), -ENOENT);
	expect_error(&d, 60, 9,
	             "several security groups are called 'dup' on VIM site1: "
	             "give its ID");
	expect_error(&d, 61, 9,
	             "security group 'nope' does not exist on VIM site1 (it "
	             "has: default, dup, web)");
	assert_int_equal(d.errors, 2);
	diag_done(&d);
	(void)state;
}

/* Only what the plan makes: a server that exists as planned keeps its
 * (since deleted) image; offline plans and VIMs without a catalog are
 * not checked. */
static void
test_plan_checks_only_what_it_makes(void **state)
{
	struct fixture f;
	struct plan_observed obs = observed_site1();
	struct plan *p = NULL, *first;
	struct plan_observed_res *res;
	struct diag d;
	size_t i;

	fixture_refs(&f);
	f.svc.nbalancers = 0;
	f.svc.nvnfs = 1;
	first = build(&f.m);
	res = calloc(first->n, sizeof(*res));
	for (i = 0; i < first->n; i++)
		res[i] = (struct plan_observed_res){
		    .kind = first->actions[i].kind,
		    .vim = "site1",
		    .name = first->actions[i].name,
		    .id = "x",
		    .status = "ACTIVE",
		    .service = "shop",
		    .spec_hash = first->actions[i].spec_hash,
		    .fixed_hash = first->actions[i].fixed_hash,
		    .managed = true,
		};
	obs.res = res;
	obs.n = first->n;
	f.vdus[0].image_pos = (struct diag_pos){"web.yaml", 12, 16};
	/* The image is gone from the VIM: nothing to make, nothing to say. */
	diag_init(&d);
	{
		struct plan_catalog none = catalogs[0];

		none.nimages = 0;
		obs.catalogs = &none;
		assert_int_equal(plan_build(&f.m, &obs, NULL, &p, &d), 0);
		assert_no_diags(&d);
		assert_int_equal(p->n, 0);
		plan_free(p);
		/* A server in ERROR is made again: then it matters. */
		for (i = 0; i < first->n; i++)
			if (res[i].kind == PLAN_SERVER)
				res[i].status = "ERROR";
		assert_int_equal(plan_build(&f.m, &obs, NULL, &p, &d), -ENOENT);
		expect_error(&d, 12, 16,
		             "image 'cirros' does not exist on "
		             "VIM site1 (it has none)");
		diag_done(&d);
	}
	/* Offline: no catalog, no check. */
	f.vdus[0].image = "ubuntu-99.04";
	plan_free(build(&f.m));
	plan_free(first);
	free(res);
	(void)state;
}

/* ---- the example, end to end through the loader --------------------- */

static void
test_plan_of_symmetric_web_example_is_deterministic(void **state)
{
	const char *path = EXAMPLES_DIR "/symmetric-web";
	struct nfv_repo *r1 = NULL, *r2 = NULL;
	struct plan *p1, *p2;
	struct diag d;
	char *j1, *j2, *t1, *t2;
	size_t i, members = 0;

	diag_init(&d);
	assert_int_equal(nfv_repo_load(&path, 1, NULL, &r1, &d), 0);
	assert_int_equal(nfv_repo_load(&path, 1, NULL, &r2, &d), 0);
	assert_no_diags(&d);
	p1 = build(&r1->model);
	p2 = build(&r2->model);
	assert_int_equal(p1->n, p2->n);
	for (i = 0; i < p1->n; i++) {
		assert_string_equal(p1->actions[i].name, p2->actions[i].name);
		assert_string_equal(p1->actions[i].spec_hash,
		                    p2->actions[i].spec_hash);
		members += p1->actions[i].kind == PLAN_MEMBER &&
		           strcmp(attr(&p1->actions[i], "pool"),
		                  "symmetric-web-web-lb-pool") == 0;
	}
	/* default pool: 2 VMs on site1 + 2 replicas of the container VDU on
	 * site2 */
	assert_int_equal(members, 4);
	j1 = plan_to_json(p1);
	j2 = plan_to_json(p2);
	t1 = plan_to_text(p1);
	t2 = plan_to_text(p2);
	assert_string_equal(j1, j2);
	assert_string_equal(t1, t2);
	assert_non_null(strstr(t1, "symmetric-web-site1-web-VDU1-0\n"));
	free(j1);
	free(j2);
	free(t1);
	free(t2);
	plan_free(p1);
	plan_free(p2);
	nfv_repo_free(r1);
	nfv_repo_free(r2);
	diag_done(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(
	        test_plan_names_servers_service_vnf_vdu_index_with_ports_first),
	    cmocka_unit_test(test_plan_server_count_follows_vdu_instances),
	    cmocka_unit_test(test_plan_server_without_flavor_asks_for_its_size),
	    cmocka_unit_test(
	        test_plan_server_without_flavor_shows_the_smallest_that_fits),
	    cmocka_unit_test(test_plan_flavor_pick_breaks_ties_by_name),
	    cmocka_unit_test(test_plan_server_carries_its_boot_fields),
	    cmocka_unit_test(test_plan_port_carries_groups_pairs_and_mac),
	    cmocka_unit_test(test_plan_updates_a_port_whose_groups_changed),
	    cmocka_unit_test(
	        test_plan_replaces_a_server_whose_port_is_replaced),
	    cmocka_unit_test(test_plan_free_standing_cp_is_a_port_of_its_own),
	    cmocka_unit_test(
	        test_plan_container_vdu_is_deployment_service_and_autoscaler),
	    cmocka_unit_test(test_plan_balancer_actions_come_in_apply_order),
	    cmocka_unit_test(
	        test_plan_route_to_an_instance_not_running_yet_has_no_member),
	    cmocka_unit_test(test_plan_balancer_without_monitor_or_routes),
	    cmocka_unit_test(
	        test_plan_dns_name_lowercases_and_replaces_invalid_characters),
	    cmocka_unit_test(test_plan_dns_name_is_a_valid_dns1123_label),
	    cmocka_unit_test(test_plan_kind_and_op_names),
	    cmocka_unit_test(
	        test_plan_json_has_format_version_actions_and_summary),
	    cmocka_unit_test(
	        test_plan_text_groups_by_service_and_vim_and_ends_with_summary),
	    cmocka_unit_test(
	        test_plan_text_marks_the_actions_of_a_suspended_service),
	    cmocka_unit_test(
	        test_plan_text_says_which_file_an_unregistered_vim_needs),
	    cmocka_unit_test(test_plan_of_empty_model_is_empty),
	    cmocka_unit_test(test_plan_refuses_a_port_without_a_network),
	    cmocka_unit_test(test_plan_with_every_reference_present_is_planned),
	    cmocka_unit_test(
	        test_plan_refuses_a_missing_image_flavor_and_network),
	    cmocka_unit_test(test_plan_refuses_a_vdu_no_flavor_fits),
	    cmocka_unit_test(test_plan_checks_security_groups_as_the_driver),
	    cmocka_unit_test(test_plan_checks_only_what_it_makes),
	    cmocka_unit_test(
	        test_plan_of_symmetric_web_example_is_deterministic),
	};

	return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
