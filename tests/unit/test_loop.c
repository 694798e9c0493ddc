/*
 * Unit tests of the reconcile loop's pure parts (nfv_loop_parts): jitter
 * bounds, the debounce of event bursts, per-service backoff, the respawn
 * budget, health computation, and the status document and table built
 * from a model, an observation and a plan made in memory.
 */
#include "unit.h"

#include "loop_policy.h"
#include "status.h"

/* ---- policies ---------------------------------------------------------- */

static void
test_loop_jitter_stays_within_ten_percent(void **state)
{
	double u;

	for (u = 0; u < 1; u += 0.01) {
		double j = policy_jitter_s(30, 0.1, u);

		assert_true(j >= 27 && j < 33);
	}
	assert_true(policy_jitter_s(30, 0.1, 0) == 27);
	assert_true(policy_jitter_s(30, 0.1, 0.5) == 30);
}

static void
test_loop_debounce_waits_for_quiet_but_not_forever(void **state)
{
	/* one event at 10: fire at 10.3 */
	assert_true(policy_debounce_at(10, 10, 0.3, 2) == 10.3);
	/* events until 11: fire at 11.3 */
	assert_true(policy_debounce_at(10, 11, 0.3, 2) == 11.3);
	/* a burst that never stops fires 2 s after its first event */
	assert_true(policy_debounce_at(10, 11.9, 0.3, 2) == 12);
}

static void
test_loop_backoff_doubles_up_to_the_cap(void **state)
{
	assert_true(policy_backoff_s(0, 5, 300) == 0);
	assert_true(policy_backoff_s(1, 5, 300) == 5);
	assert_true(policy_backoff_s(2, 5, 300) == 10);
	assert_true(policy_backoff_s(4, 5, 300) == 40);
	assert_true(policy_backoff_s(7, 5, 300) == 300);
	assert_true(policy_backoff_s(1000, 5, 300) == 300);
}

static void
test_loop_service_backs_off_after_failures_and_resets_on_success(void **state)
{
	struct policy p;
	double until = 0;

	policy_init(&p);
	assert_false(policy_backing_off(&p, "shop", 100, NULL));
	policy_failed(&p, "shop", 100);
	assert_true(policy_backing_off(&p, "shop", 104, &until));
	assert_true(until == 105);
	assert_false(policy_backing_off(&p, "shop", 105, NULL));
	assert_false(policy_backing_off(&p, "other", 104, NULL));
	policy_failed(&p, "shop", 105);
	assert_true(policy_backing_off(&p, "shop", 114, &until));
	assert_true(until == 115);
	assert_true(policy_next_retry(&p, 110) == 115);
	assert_int_equal(policy_failures(&p, "shop"), 2);
	policy_succeeded(&p, "shop");
	assert_false(policy_backing_off(&p, "shop", 106, NULL));
	assert_int_equal(policy_failures(&p, "shop"), 0);
	assert_true(policy_next_retry(&p, 106) == 0);
	policy_done(&p);
}

static void
test_loop_respawn_budget_allows_three_per_window_then_cools_down(void **state)
{
	struct policy p;
	double until = 0;

	policy_init(&p);
	assert_true(policy_respawn_allowed(&p, "vm-0", 0, NULL));
	policy_respawned(&p, "vm-0", 0);
	policy_respawned(&p, "vm-0", 100);
	assert_true(policy_respawn_allowed(&p, "vm-0", 200, NULL));
	policy_respawned(&p, "vm-0", 200);
	/* the fourth within 600 s is refused until the first leaves */
	assert_false(policy_respawn_allowed(&p, "vm-0", 300, &until));
	assert_true(until == 600);
	assert_false(policy_respawn_allowed(&p, "vm-0", 599, NULL));
	/* another instance has its own budget */
	assert_true(policy_respawn_allowed(&p, "vm-1", 300, NULL));
	assert_true(policy_respawn_allowed(&p, "vm-0", 600, NULL));
	policy_respawned(&p, "vm-0", 600);
	assert_false(policy_respawn_allowed(&p, "vm-0", 650, &until));
	assert_true(until == 700);
	policy_done(&p);
}

/* ---- health ------------------------------------------------------------ */

static enum status_health
vdu(int desired, int running, int failed, size_t pending, bool error,
    bool exhausted, bool suspended)
{
	struct status_vdu_counts c = {desired, running,   failed,   pending,
	                              error,   exhausted, suspended};

	return status_health_vdu(&c);
}

static void
test_loop_health_of_a_vdu(void **state)
{
	assert_int_equal(vdu(2, 2, 0, 0, false, false, false), HEALTH_HEALTHY);
	assert_int_equal(vdu(2, 1, 0, 1, false, false, false),
	                 HEALTH_PROGRESSING);
	assert_int_equal(vdu(2, 2, 0, 1, false, false, false),
	                 HEALTH_PROGRESSING);
	assert_int_equal(vdu(2, 0, 0, 2, false, false, false), HEALTH_MISSING);
	assert_int_equal(vdu(2, 1, 1, 1, false, false, false), HEALTH_DEGRADED);
	assert_int_equal(vdu(2, 2, 0, 0, true, false, false), HEALTH_DEGRADED);
	assert_int_equal(vdu(1, 0, 1, 1, false, true, false), HEALTH_DEGRADED);
	assert_int_equal(vdu(2, 0, 0, 2, false, false, true), HEALTH_SUSPENDED);
}

static void
test_loop_health_combines_children(void **state)
{
	enum status_health ok[] = {HEALTH_HEALTHY, HEALTH_HEALTHY};
	enum status_health prog[] = {HEALTH_HEALTHY, HEALTH_PROGRESSING};
	enum status_health half[] = {HEALTH_HEALTHY, HEALTH_MISSING};
	enum status_health none[] = {HEALTH_MISSING, HEALTH_MISSING};
	enum status_health bad[] = {HEALTH_PROGRESSING, HEALTH_DEGRADED};

	assert_int_equal(status_health_combine(ok, 2, 0, false),
	                 HEALTH_HEALTHY);
	assert_int_equal(status_health_combine(ok, 2, 1, false),
	                 HEALTH_PROGRESSING);
	assert_int_equal(status_health_combine(ok, 2, 0, true),
	                 HEALTH_DEGRADED);
	assert_int_equal(status_health_combine(prog, 2, 0, false),
	                 HEALTH_PROGRESSING);
	assert_int_equal(status_health_combine(half, 2, 0, false),
	                 HEALTH_DEGRADED);
	assert_int_equal(status_health_combine(none, 2, 0, false),
	                 HEALTH_MISSING);
	assert_int_equal(status_health_combine(bad, 2, 0, false),
	                 HEALTH_DEGRADED);
	assert_string_equal(status_health_name(HEALTH_SUSPENDED), "Suspended");
}

/* ---- the status document ----------------------------------------------- */

struct world {
	struct nfv_vdu vdus[2];
	struct nfv_vnf vnf;
	struct nfv_service svc;
	struct nfv_model m;
	struct plan_observed_res res[2];
	const char *vims[1];
	struct plan_endpoint eps[1];
	struct plan_observed obs;
	struct plan_action acts[1];
	struct plan plan;
};

/* Service shop: VNF web on site1, VM VDU1 x2 (one ACTIVE, one ERROR) and
 * container VDU_2 x2 (one ready pod); a respawn of the ERROR one pending. */
static void
world_init(struct world *w)
{
	memset(w, 0, sizeof(*w));
	w->vdus[0] = (struct nfv_vdu){
	    .name = "VDU1", .kind = NFV_VDU_VM, .instances = 2};
	w->vdus[1] = (struct nfv_vdu){
	    .name = "VDU_2", .kind = NFV_VDU_CONTAINER, .instances = 2};
	w->vnf = (struct nfv_vnf){
	    .name = "web", .vim = "site1", .vdus = w->vdus, .nvdus = 2};
	w->svc = (struct nfv_service){.name = "shop",
	                              .kind = NFV_SERVICE_NS,
	                              .vnfs = &w->vnf,
	                              .nvnfs = 1};
	w->m = (struct nfv_model){.services = &w->svc, .nservices = 1};
	w->res[0] = (struct plan_observed_res){.kind = PLAN_SERVER,
	                                       .vim = "site1",
	                                       .name = "shop-web-VDU1-0",
	                                       .status = "ACTIVE",
	                                       .managed = true};
	w->res[1] = w->res[0];
	w->res[1].name = "shop-web-VDU1-1";
	w->res[1].status = "ERROR";
	w->vims[0] = "site1";
	w->eps[0] = (struct plan_endpoint){"site1", "shop",  "web",
	                                   "vdu-2", "pod-a", "10.0.0.9"};
	w->obs = (struct plan_observed){.res = w->res,
	                                .n = 2,
	                                .vims = w->vims,
	                                .nvims = 1,
	                                .endpoints = w->eps,
	                                .nendpoints = 1};
	w->acts[0] = (struct plan_action){.op = PLAN_RESPAWN,
	                                  .kind = PLAN_SERVER,
	                                  .service = "shop",
	                                  .vim = "site1",
	                                  .name = "shop-web-VDU1-1",
	                                  .vnf = "web",
	                                  .vdu = "VDU1",
	                                  .reason = "server in ERROR"};
	w->plan.actions = w->acts;
	w->plan.n = 1;
}

static struct json_object *
jget(struct json_object *o, const char *path)
{
	char buf[128], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok && o;
	     tok = strtok_r(NULL, ".", &save)) {
		if (*tok >= '0' && *tok <= '9')
			o = json_object_array_get_idx(o, (size_t)atoi(tok));
		else if (!json_object_object_get_ex(o, tok, &o))
			return NULL;
	}
	return o;
}

static const char *
jstr(struct json_object *o, const char *path)
{
	return json_object_get_string(jget(o, path));
}

static void
test_loop_status_counts_instances_and_names_revision(void **state)
{
	struct world w;
	struct status_service_state ss = {"shop", "abc123", NULL, false};
	struct status_input in = {0};
	struct json_object *o;
	char *text;

	world_init(&w);
	in.source = "file:///r.git@main";
	in.revision = "abc123";
	in.cycles = 4;
	in.leader = true;
	in.model = &w.m;
	in.obs = &w.obs;
	in.plan = &w.plan;
	in.services = &ss;
	in.nservices = 1;
	o = status_build(&in);
	assert_string_equal(jstr(o, "revision"), "abc123");
	assert_string_equal(jstr(o, "services.0.revision"), "abc123");
	assert_string_equal(jstr(o, "services.0.vnfs.0.vdus.0.name"), "VDU1");
	assert_int_equal(
	    json_object_get_int(jget(o, "services.0.vnfs.0.vdus.0.observed")),
	    1);
	assert_int_equal(
	    json_object_get_int(jget(o, "services.0.vnfs.0.vdus.0.failed")), 1);
	assert_string_equal(jstr(o, "services.0.vnfs.0.vdus.0.health"),
	                    "Degraded");
	/* the pod's labels are DNS names: vdu-2 is VDU_2 */
	assert_int_equal(
	    json_object_get_int(jget(o, "services.0.vnfs.0.vdus.1.observed")),
	    1);
	assert_string_equal(jstr(o, "services.0.vnfs.0.vdus.1.health"),
	                    "Progressing");
	assert_string_equal(jstr(o, "services.0.health"), "Degraded");
	assert_string_equal(jstr(o, "services.0.pending.0"),
	                    "respawn server shop-web-VDU1-1 on site1: server "
	                    "in ERROR");
	text = status_render(o);
	assert_non_null(strstr(text, "Revision:        abc123\n"));
	assert_non_null(strstr(text, "shop                     apply    "
	                             "Degraded     abc123            1\n"));
	assert_non_null(strstr(text, "shop                     web             "
	                             " VDU1       site1    2        1         "
	                             "Degraded\n"));
	assert_non_null(strstr(text, "shop: pending: respawn server"));
	free(text);
	json_object_put(o);
}

static void
test_loop_status_suspended_service_and_dry_run(void **state)
{
	struct world w;
	struct status_input in = {0};
	struct json_object *o;

	world_init(&w);
	w.svc.sync = NFV_SYNC_SUSPEND;
	in.model = &w.m;
	in.obs = &w.obs;
	in.dry_run = true;
	o = status_build(&in);
	assert_string_equal(jstr(o, "services.0.health"), "Suspended");
	assert_string_equal(jstr(o, "services.0.sync"), "suspend");
	assert_true(json_object_get_boolean(jget(o, "dry_run")));
	json_object_put(o);
	w.svc.sync = NFV_SYNC_APPLY;
	o = status_build(&in);
	assert_string_equal(jstr(o, "services.0.sync"), "dry-run");
	json_object_put(o);
}

static void
test_loop_status_spent_respawn_budget_degrades(void **state)
{
	struct world w;
	struct policy p;
	struct status_input in = {0};
	struct json_object *o;

	world_init(&w);
	w.res[1].status = "ACTIVE";
	w.eps[0].vdu = "nothing";
	w.vdus[1].instances = 0;
	w.plan.n = 0;
	policy_init(&p);
	in.model = &w.m;
	in.obs = &w.obs;
	in.policy = &p;
	in.now = 10;
	o = status_build(&in);
	assert_string_equal(jstr(o, "services.0.health"), "Healthy");
	json_object_put(o);
	policy_respawned(&p, "shop-web-VDU1-1", 1);
	policy_respawned(&p, "shop-web-VDU1-1", 2);
	policy_respawned(&p, "shop-web-VDU1-1", 3);
	o = status_build(&in);
	assert_string_equal(jstr(o, "services.0.vnfs.0.vdus.0.health"),
	                    "Degraded");
	assert_true(json_object_get_boolean(
	    jget(o, "services.0.vnfs.0.vdus.0.respawn_budget_spent")));
	json_object_put(o);
	policy_done(&p);
}

static void
test_loop_status_of_a_standby_lists_nothing_and_says_so(void **state)
{
	struct status_input in = {0};
	struct json_object *o;
	char *text;

	in.source = "/srv/nfv";
	in.cycles = 2;
	in.leader = false;
	o = status_build(&in);
	assert_false(json_object_get_boolean(jget(o, "leader")));
	assert_int_equal(json_object_array_length(jget(o, "services")), 0);
	text = status_render(o);
	assert_non_null(strstr(
	    text, "Mode:            apply (standby: acting on nothing)"));
	assert_non_null(strstr(text, "Revision:        -\n"));
	free(text);
	json_object_put(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_loop_jitter_stays_within_ten_percent),
	    cmocka_unit_test(
	        test_loop_debounce_waits_for_quiet_but_not_forever),
	    cmocka_unit_test(test_loop_backoff_doubles_up_to_the_cap),
	    cmocka_unit_test(
	        test_loop_service_backs_off_after_failures_and_resets_on_success),
	    cmocka_unit_test(
	        test_loop_respawn_budget_allows_three_per_window_then_cools_down),
	    cmocka_unit_test(test_loop_health_of_a_vdu),
	    cmocka_unit_test(test_loop_health_combines_children),
	    cmocka_unit_test(
	        test_loop_status_counts_instances_and_names_revision),
	    cmocka_unit_test(test_loop_status_suspended_service_and_dry_run),
	    cmocka_unit_test(test_loop_status_spent_respawn_budget_degrades),
	    cmocka_unit_test(
	        test_loop_status_of_a_standby_lists_nothing_and_says_so),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
