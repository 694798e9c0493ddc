/*
 * The planner's diff, case by case: the reference example is planned
 * offline, the result turned into an observed state ("everything exists,
 * tagged by nfvsync, with the same spec"), and that state is then altered
 * the way the world drifts — a server in ERROR, a balancer in ERROR, a
 * changed spec, an extra instance, a resource that is not ours, a VIM that
 * could not be observed, a mass deletion.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "plan.h"
#include "repo.h"

struct world {
	struct nfv_repo *repo;
	struct plan_observed_res *res;
	size_t n;
	size_t ndesired; /* resources of the offline plan */
	const char *vims[2];
	struct plan_endpoint pods[2];
	struct plan_observed obs;
};

static int
world_setup(void **state)
{
	const char *path = EXAMPLE_DIR;
	struct world *w = calloc(1, sizeof(*w));
	struct plan *p;
	struct diag d;
	size_t i;

	diag_init(&d);
	assert_int_equal(nfv_repo_load(&path, 1, NULL, &w->repo, &d), 0);
	/* Both VIMs observed, empty but for site2's two ready pods. */
	w->vims[0] = "site1";
	w->vims[1] = "site2";
	w->pods[0] =
	    (struct plan_endpoint){"site2", "symmetric-web", "site2-web",
	                           "VDU1",  "web-pod-a",     "10.244.0.5"};
	w->pods[1] =
	    (struct plan_endpoint){"site2", "symmetric-web", "site2-web",
	                           "VDU1",  "web-pod-b",     "10.244.0.6"};
	w->obs.vims = w->vims;
	w->obs.nvims = 2;
	w->obs.endpoints = w->pods;
	w->obs.nendpoints = 2;
	assert_int_equal(plan_build(&w->repo->model, &w->obs, NULL, &p, &d), 0);
	w->res = calloc(p->n + 8, sizeof(*w->res));
	for (i = 0; i < p->n; i++) {
		struct plan_observed_res *o = &w->res[w->n++];

		o->kind = p->actions[i].kind;
		o->vim = p->actions[i].vim;
		o->name = strdup(p->actions[i].name);
		o->id = strdup(p->actions[i].spec_hash); /* any unique id */
		o->spec_hash = strdup(p->actions[i].spec_hash);
		o->status = "ACTIVE";
		o->service = "symmetric-web";
		o->managed = true;
	}
	w->ndesired = w->n;
	plan_free(p);
	diag_done(&d);
	w->obs.res = w->res;
	w->obs.n = w->n;
	*state = w;
	return 0;
}

static int
world_teardown(void **state)
{
	struct world *w = *state;
	size_t i;

	for (i = 0; i < w->n; i++) {
		free((char *)w->res[i].name);
		free((char *)w->res[i].id);
		free((char *)w->res[i].spec_hash);
	}
	free(w->res);
	nfv_repo_free(w->repo);
	free(w);
	return 0;
}

static struct plan_observed_res *
world_find(struct world *w, enum plan_kind kind, const char *name)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		if (w->res[i].kind == kind && strcmp(w->res[i].name, name) == 0)
			return &w->res[i];
	}
	fail_msg("no observed %s %s", plan_kind_name(kind), name);
	return NULL;
}

static void
world_rename(struct world *w, enum plan_kind kind, const char *name,
             const char *to)
{
	struct plan_observed_res *o = world_find(w, kind, name);

	free((char *)o->name);
	o->name = strdup(to);
}

static struct plan *
world_plan(struct world *w, const struct plan_opts *opts, int want)
{
	struct plan *p = NULL;
	struct diag d;

	diag_init(&d);
	w->obs.n = w->n;
	assert_int_equal(plan_build(&w->repo->model, &w->obs, opts, &p, &d),
	                 want);
	diag_done(&d);
	return p;
}

static void
test_plan_is_empty_when_everything_exists_unchanged(void **state)
{
	struct world *w = *state;
	struct plan *p = world_plan(w, NULL, 0);

	assert_int_equal(p->n, 0);
	assert_false(p->offline);
	assert_int_equal(p->managed, w->ndesired);
	assert_true(w->ndesired >= 18);
	plan_free(p);
}

static void
test_plan_respawns_a_server_in_error(void **state)
{
	struct world *w = *state;
	struct plan *p;

	world_find(w, PLAN_SERVER, "symmetric-web-site1-web-VDU2-0")->status =
	    "ERROR";
	p = world_plan(w, NULL, 0);
	assert_int_equal(p->n, 1);
	assert_int_equal(p->actions[0].op, PLAN_RESPAWN);
	assert_string_equal(p->actions[0].name,
	                    "symmetric-web-site1-web-VDU2-0");
	assert_string_equal(p->actions[0].reason, "server is in ERROR");
	assert_non_null(p->actions[0].id);
	plan_free(p);
}

/* Member ERROR since t = 1000 (its updated_at); the server is ACTIVE. */
static void
world_member_error(struct world *w)
{
	struct plan_observed_res *m = world_find(
	    w, PLAN_MEMBER, "symmetric-web-web-lb-pool-site1-web-VDU2-0");

	m->health = "ERROR";
	m->health_since = 1000;
}

static void
test_plan_respawns_a_server_whose_member_stays_in_error(void **state)
{
	struct world *w = *state;
	struct plan_opts opts = {0.5, false, 1061, 0};
	struct plan *p;

	world_member_error(w);
	p = world_plan(w, &opts, 0);
	assert_int_equal(p->n, 1);
	assert_int_equal(p->actions[0].op, PLAN_RESPAWN);
	assert_int_equal(p->actions[0].kind, PLAN_SERVER);
	assert_string_equal(p->actions[0].name,
	                    "symmetric-web-site1-web-VDU2-0");
	assert_string_equal(p->actions[0].reason,
	                    "its pool member has been ERROR for longer than "
	                    "the grace period");
	assert_non_null(p->actions[0].id);
	plan_free(p);
	/* A grace period of its own. */
	opts.now = 1100;
	opts.member_error_grace = 120;
	p = world_plan(w, &opts, 0);
	assert_int_equal(p->n, 0);
	plan_free(p);
}

static void
test_plan_gives_a_member_in_error_its_grace_period(void **state)
{
	struct world *w = *state;
	struct plan_opts opts = {0.5, false, 1060, 0};
	struct plan *p;

	world_member_error(w);
	p = world_plan(w, &opts, 0); /* 60 s: not longer than 60 */
	assert_int_equal(p->n, 0);
	plan_free(p);
	p = world_plan(w, NULL, 0); /* no time given: no decision by time */
	assert_int_equal(p->n, 0);
	plan_free(p);
	world_find(w, PLAN_MEMBER, "symmetric-web-web-lb-pool-site1-web-VDU2-0")
	    ->health = "ONLINE";
	opts.now = 5000;
	p = world_plan(w, &opts, 0);
	assert_int_equal(p->n, 0);
	plan_free(p);
}

static void
test_plan_respawns_a_server_shut_off_behind_its_back(void **state)
{
	struct world *w = *state;
	struct plan *p;
	char *text;

	world_find(w, PLAN_SERVER, "symmetric-web-site1-web-VDU1-0")->status =
	    "SHUTOFF";
	p = world_plan(w, NULL, 0);
	assert_int_equal(p->n, 1);
	assert_int_equal(p->actions[0].op, PLAN_RESPAWN);
	assert_int_equal(p->counts[PLAN_RESPAWN], 1);
	/* no failover: the summary keeps its usual shape */
	text = plan_to_text(p);
	assert_non_null(strstr(text, "0 to replace, 1 to respawn, 0 to "
	                             "delete.\n"));
	free(text);
	plan_free(p);
}

static void
test_plan_fails_over_a_balancer_in_error(void **state)
{
	struct world *w = *state;
	struct plan *p;
	char *text;

	world_find(w, PLAN_LOADBALANCER, "symmetric-web-web-lb")->status =
	    "ERROR";
	p = world_plan(w, NULL, 0);
	assert_int_equal(p->n, 1);
	assert_int_equal(p->actions[0].op, PLAN_FAILOVER);
	assert_int_equal(p->actions[0].kind, PLAN_LOADBALANCER);
	/* the text summary counts failovers apart, as -o json does */
	text = plan_to_text(p);
	assert_non_null(strstr(text, "Plan: 0 to create, 0 to update, 0 to "
	                             "replace, 0 to respawn, 1 to fail over, "
	                             "0 to delete.\n"));
	free(text);
	plan_free(p);
}

static void
test_plan_replaces_servers_and_updates_pools_whose_spec_changed(void **state)
{
	struct world *w = *state;
	struct plan_observed_res *srv =
	    world_find(w, PLAN_SERVER, "symmetric-web-site1-web-VDU1-0");
	struct plan_observed_res *pool =
	    world_find(w, PLAN_POOL, "symmetric-web-web-lb-pool");
	struct plan *p;

	free((char *)srv->spec_hash);
	srv->spec_hash = strdup("0000000000000000");
	free((char *)pool->spec_hash);
	pool->spec_hash = NULL; /* untagged: spec unknown */
	p = world_plan(w, NULL, 0);
	assert_int_equal(p->n, 2);
	assert_int_equal(p->actions[0].op, PLAN_REPLACE);
	assert_int_equal(p->actions[0].kind, PLAN_SERVER);
	assert_int_equal(p->actions[1].op, PLAN_UPDATE);
	assert_int_equal(p->actions[1].kind, PLAN_POOL);
	plan_free(p);
}

static void
test_plan_reapplies_a_deployment_edited_on_the_vim_saying_what(void **state)
{
	struct world *w = *state;
	struct plan_observed_res *dep =
	    world_find(w, PLAN_DEPLOYMENT, "symmetric-web-site2-web-vdu1");
	struct plan *p;

	/* The driver saw a hand edit: no spec hash, and what changed. */
	free((char *)dep->spec_hash);
	dep->spec_hash = NULL;
	dep->drift = "changed on the VIM: container web: image evil "
	             "(applied nginx)";
	p = world_plan(w, NULL, 0);
	assert_int_equal(p->n, 1);
	assert_int_equal(p->actions[0].op, PLAN_UPDATE);
	assert_int_equal(p->actions[0].kind, PLAN_DEPLOYMENT);
	assert_string_equal(p->actions[0].reason, dep->drift);
	plan_free(p);
}

static void
test_plan_creates_what_vanished(void **state)
{
	struct world *w = *state;
	struct plan *p;

	world_rename(w, PLAN_DEPLOYMENT, "symmetric-web-site2-web-vdu1",
	             "symmetric-web-site2-web-vdu1-renamed");
	p = world_plan(w, NULL, 0);
	/* The renamed one is not desired (deleted); the desired one is
	 * missing (created). */
	assert_int_equal(p->counts[PLAN_CREATE], 1);
	assert_int_equal(p->counts[PLAN_DELETE], 1);
	assert_int_equal(p->actions[0].op, PLAN_CREATE);
	assert_string_equal(p->actions[0].name, "symmetric-web-site2-web-vdu1");
	assert_int_equal(p->actions[1].op, PLAN_DELETE);
	plan_free(p);
}

/* An extra instance (scale-in): its member goes first, then the server,
 * then its port — drain before delete. */
static void
test_plan_prunes_an_extra_instance_draining_it_first(void **state)
{
	struct world *w = *state;
	static const struct {
		enum plan_kind kind;
		const char *name;
	} extra[] = {
	    {PLAN_PORT, "symmetric-web-site1-web-VDU1-1-CP1"},
	    {PLAN_SERVER, "symmetric-web-site1-web-VDU1-1"},
	    {PLAN_MEMBER, "symmetric-web-web-lb-pool-site1-web-VDU1-1"},
	};
	struct plan_opts opts = {0.5, false, 0, 0};
	struct plan *p;
	size_t i;

	for (i = 0; i < 3; i++) {
		struct plan_observed_res *o = &w->res[w->n++];

		o->kind = extra[i].kind;
		o->vim = "site1";
		o->name = strdup(extra[i].name);
		o->id = strdup(extra[i].name);
		o->spec_hash = strdup("0123456789abcdef");
		o->status = "ACTIVE";
		o->service = "symmetric-web";
		o->managed = true;
	}
	p = world_plan(w, &opts, 0);
	assert_int_equal(p->n, 3);
	assert_int_equal(p->actions[0].kind, PLAN_MEMBER);
	assert_int_equal(p->actions[1].kind, PLAN_SERVER);
	assert_int_equal(p->actions[2].kind, PLAN_PORT);
	for (i = 0; i < 3; i++) {
		assert_int_equal(p->actions[i].op, PLAN_DELETE);
		assert_string_equal(p->actions[i].reason,
		                    "no longer in the descriptors");
	}
	plan_free(p);
}

/* The pool follows the pods: a replaced pod's member goes (drained before
 * anything else), the new pod's member comes, named after the pod. */
static void
test_plan_pool_follows_pods(void **state)
{
	struct world *w = *state;
	struct plan *p;
	size_t i, creates = 0, deletes = 0;

	w->pods[1].pod = "web-pod-c";
	w->pods[1].address = "10.244.0.7";
	p = world_plan(w, NULL, 0);
	for (i = 0; i < p->n; i++) {
		assert_int_equal(p->actions[i].kind, PLAN_MEMBER);
		if (p->actions[i].op == PLAN_CREATE) {
			assert_non_null(
			    strstr(p->actions[i].name, "web-pod-c"));
			creates++;
		} else {
			assert_int_equal(p->actions[i].op, PLAN_DELETE);
			assert_non_null(
			    strstr(p->actions[i].name, "web-pod-b"));
			deletes++;
		}
	}
	/* The main pool, and the route to instance 1 (the second pod). */
	assert_int_equal(creates, 2);
	assert_int_equal(deletes, 2);
	plan_free(p);
}

/* A create retried after a lost answer can leave two servers of one name:
 * the first is kept, the second deleted. */
static void
test_plan_deletes_a_duplicate_and_keeps_the_first(void **state)
{
	struct world *w = *state;
	const struct plan_observed_res *orig =
	    world_find(w, PLAN_SERVER, "symmetric-web-site1-web-VDU1-0");
	struct plan_observed_res *o = &w->res[w->n++];
	struct plan *p;

	*o = *orig;
	o->name = strdup(orig->name);
	o->id = strdup("the-second-one");
	o->spec_hash = strdup(orig->spec_hash);
	p = world_plan(w, NULL, 0);
	assert_int_equal(p->n, 1);
	assert_int_equal(p->actions[0].op, PLAN_DELETE);
	assert_string_equal(p->actions[0].id, "the-second-one");
	assert_non_null(strstr(p->actions[0].reason, "duplicate"));
	plan_free(p);
}

static void
test_plan_never_touches_resources_nfvsync_does_not_own(void **state)
{
	struct world *w = *state;
	struct plan_observed_res *o = &w->res[w->n++];
	struct plan *p;

	o->kind = PLAN_SERVER;
	o->vim = "site1";
	o->name = strdup("somebody-elses-server");
	o->id = strdup("x");
	o->spec_hash = NULL;
	o->status = "ERROR";
	o->managed = false;
	/* And one of ours, same name as a desired one but untagged. */
	world_find(w, PLAN_SERVER, "symmetric-web-site1-web-VDU1-0")->managed =
	    false;
	p = world_plan(w, NULL, 0);
	assert_int_equal(p->n, 1);
	assert_int_equal(p->actions[0].op, PLAN_CREATE);
	assert_string_equal(p->actions[0].name,
	                    "symmetric-web-site1-web-VDU1-0");
	plan_free(p);
}

static void
test_plan_leaves_vims_that_were_not_observed_alone(void **state)
{
	struct world *w = *state;
	struct plan *p;

	/* site2 not observed: its (managed, undesired-looking) resources are
	 * not pruned. */
	world_rename(w, PLAN_SERVICE, "symmetric-web-site2-web-vdu1",
	             "stale-service");
	w->obs.nvims = 1;
	p = world_plan(w, NULL, 0);
	assert_int_equal(p->counts[PLAN_DELETE], 0);
	assert_int_equal(p->counts[PLAN_CREATE], 1);
	plan_free(p);
}

static void
test_plan_refuses_a_mass_deletion_without_override(void **state)
{
	struct world *w = *state;
	struct plan_opts opts = {0.5, false, 0, 0};
	struct plan *p;
	size_t i;

	/* Everything observed is tagged for names no longer desired. */
	for (i = 0; i < w->n; i++) {
		char *renamed = malloc(strlen(w->res[i].name) + 5);

		strcpy(renamed, "old-");
		strcat(renamed, w->res[i].name);
		free((char *)w->res[i].name);
		w->res[i].name = renamed;
	}
	p = world_plan(w, &opts, -EPERM);
	assert_null(p);
	opts.allow_mass_delete = true;
	p = world_plan(w, &opts, 0);
	assert_int_equal(p->counts[PLAN_DELETE], w->ndesired);
	assert_int_equal(p->counts[PLAN_CREATE], w->ndesired);
	plan_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_plan_is_empty_when_everything_exists_unchanged,
	        world_setup, world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_plan_respawns_a_server_in_error, world_setup,
	        world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_plan_respawns_a_server_shut_off_behind_its_back,
	        world_setup, world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_plan_fails_over_a_balancer_in_error, world_setup,
	        world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_plan_replaces_servers_and_updates_pools_whose_spec_changed,
	        world_setup, world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_plan_respawns_a_server_whose_member_stays_in_error,
	        world_setup, world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_plan_gives_a_member_in_error_its_grace_period, world_setup,
	        world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_plan_reapplies_a_deployment_edited_on_the_vim_saying_what,
	        world_setup, world_teardown),
	    cmocka_unit_test_setup_teardown(test_plan_creates_what_vanished,
	                                    world_setup, world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_plan_prunes_an_extra_instance_draining_it_first,
	        world_setup, world_teardown),
	    cmocka_unit_test_setup_teardown(test_plan_pool_follows_pods,
	                                    world_setup, world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_plan_deletes_a_duplicate_and_keeps_the_first, world_setup,
	        world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_plan_never_touches_resources_nfvsync_does_not_own,
	        world_setup, world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_plan_leaves_vims_that_were_not_observed_alone, world_setup,
	        world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_plan_refuses_a_mass_deletion_without_override, world_setup,
	        world_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
