/*
 * Saved plans: a plan of the reference example against a converged world
 * (everything exists, as in test_plan_diff.c) is rendered, read back and
 * checked against the world as it is "now": unchanged (it holds), or
 * drifted in each way a stale plan must name, or with the descriptors
 * changed; and damaged or foreign files are refused with their reason.
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
#include "plan_file.h"
#include "repo.h"

struct world {
	struct nfv_repo *repo;
	struct plan_observed_res *res;
	size_t n;
	const char *vims[2];
	struct plan_endpoint pods[2];
	struct plan_observed obs;
	struct plan_file_inputs in;
	struct plan *plan; /* against obs as set up */
	char *text;        /* plan rendered as a plan file */
};

static char *
world_strdup(const char *s)
{
	char *c = strdup(s);

	assert_non_null(c);
	return c;
}

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
	/* Everything but the last action exists: the plan has one to do. */
	w->res = calloc(p->n + 4, sizeof(*w->res));
	for (i = 0; i + 1 < p->n; i++) {
		struct plan_observed_res *o = &w->res[w->n++];

		o->kind = p->actions[i].kind;
		o->vim = p->actions[i].vim;
		o->name = world_strdup(p->actions[i].name);
		o->id = world_strdup(p->actions[i].spec_hash);
		o->spec_hash = world_strdup(p->actions[i].spec_hash);
		o->status = "ACTIVE";
		o->service = "symmetric-web";
		o->managed = true;
	}
	plan_free(p);
	w->obs.res = w->res;
	w->obs.n = w->n;
	assert_int_equal(
	    plan_build(&w->repo->model, &w->obs, NULL, &w->plan, &d), 0);
	assert_int_equal(w->plan->n, 1);

	w->in.paths = calloc(1, sizeof(char *));
	w->in.paths[0] = world_strdup("/repo");
	w->in.npaths = 1;
	w->in.param_files = calloc(1, sizeof(char *));
	w->in.param_files[0] = world_strdup("/repo/params.yaml");
	w->in.nparam_files = 1;
	w->in.allow_mass_delete = true;
	w->in.sources = calloc(2, sizeof(*w->in.sources));
	w->in.sources[0].path = world_strdup("/repo/vnfd/b.yaml");
	plan_file_hash("b", 1, w->in.sources[0].hash);
	w->in.sources[1].path = world_strdup("/repo/nsd/a.yaml");
	plan_file_hash("a", 1, w->in.sources[1].hash);
	w->in.nsources = 2;
	plan_file_inputs_sort(&w->in);
	w->text = plan_file_render(w->plan, &w->obs, &w->in, "1.2.3");
	diag_done(&d);
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
	free(w->text);
	plan_free(w->plan);
	plan_file_inputs_done(&w->in);
	nfv_repo_free(w->repo);
	free(w);
	return 0;
}

static struct plan_file *
world_read(struct world *w)
{
	struct plan_file *f = NULL;
	struct diag d;

	diag_init(&d);
	assert_int_equal(plan_file_parse(w->text, "saved", &f, &d), 0);
	assert_int_equal(d.n, 0);
	diag_done(&d);
	return f;
}

/* Checks the saved plan against the world now; returns the message. */
static char *
world_check(struct world *w, int want)
{
	struct plan_file *f = world_read(w);
	struct plan *now;
	struct diag d;
	char *msg = NULL;

	diag_init(&d);
	assert_int_equal(plan_build(&w->repo->model, &w->obs, NULL, &now, &d),
	                 0);
	assert_int_equal(
	    plan_file_check(f, w->in.sources, w->in.nsources, &w->obs, now, &d),
	    want);
	if (d.n) {
		assert_int_equal(d.n, 1);
		msg = world_strdup(d.entries[0].message);
	}
	diag_done(&d);
	plan_free(now);
	plan_file_free(f);
	return msg;
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
test_plan_file_keeps_the_inputs(void **state)
{
	struct world *w = *state;
	struct plan_file *f = world_read(w);

	assert_int_equal(f->in.npaths, 1);
	assert_string_equal(f->in.paths[0], "/repo");
	assert_int_equal(f->in.nparam_files, 1);
	assert_string_equal(f->in.param_files[0], "/repo/params.yaml");
	assert_false(f->in.strict);
	assert_true(f->in.allow_mass_delete);
	assert_int_equal(f->in.nsources, 2);
	assert_string_equal(f->in.sources[0].path, "/repo/nsd/a.yaml");
	assert_string_equal(f->in.sources[1].path, "/repo/vnfd/b.yaml");
	assert_string_equal(f->version, "1.2.3");
	plan_file_free(f);
}

static void
test_plan_file_holds_when_nothing_moved(void **state)
{
	struct world *w = *state;

	assert_null(world_check(w, 0));
}

static void
test_plan_file_holds_whatever_the_order_of_observation(void **state)
{
	struct world *w = *state;
	struct plan_observed_res first = w->res[0];

	/* VIMs list in any order; the fingerprint sorts. */
	w->res[0] = w->res[w->n - 1];
	w->res[w->n - 1] = first;
	assert_null(world_check(w, 0));
}

static void
test_plan_file_is_stale_when_a_server_stopped(void **state)
{
	struct world *w = *state;
	char *msg;

	world_find(w, PLAN_SERVER, "symmetric-web-site1-web-VDU2-0")->status =
	    "SHUTOFF";
	msg = world_check(w, -ESTALE);
	assert_string_equal(msg, "stale plan: site1 changed since the plan was "
	                         "made: server symmetric-web-site1-web-VDU2-0 "
	                         "is now SHUTOFF (was ACTIVE); run plan again");
	free(msg);
}

static void
test_plan_file_is_stale_when_a_resource_is_replaced_or_gone(void **state)
{
	struct world *w = *state;
	struct plan_observed_res *s;
	char *msg;

	s = world_find(w, PLAN_SERVER, "symmetric-web-site1-web-VDU1-0");
	free((char *)s->id);
	s->id = world_strdup("new-id");
	/* The last resource vanishes. */
	w->obs.n = --w->n;
	free((char *)w->res[w->n].name);
	free((char *)w->res[w->n].id);
	free((char *)w->res[w->n].spec_hash);
	msg = world_check(w, -ESTALE);
	assert_non_null(strstr(
	    msg, "server symmetric-web-site1-web-VDU1-0 was replaced (id "
	         "new-id, was "));
	assert_non_null(strstr(msg, " is gone"));
	free(msg);
}

static void
test_plan_file_is_stale_when_a_pod_moved_or_a_resource_appeared(void **state)
{
	struct world *w = *state;
	struct plan_observed_res *extra = &w->res[w->n++];
	char *msg;

	*extra = w->res[0];
	extra->name = world_strdup("someone-elses");
	extra->id = world_strdup("x");
	extra->spec_hash = NULL;
	extra->managed = false;
	w->obs.n = w->n;
	w->pods[1].pod = "web-pod-c";
	msg = world_check(w, -ESTALE);
	assert_non_null(strstr(msg, "site1 changed since the plan was made: "));
	assert_non_null(strstr(msg, " someone-elses appeared"));
	assert_non_null(
	    strstr(msg, "; site2 changed since the plan was made: pod "
	                "web-pod-b is gone, pod web-pod-c appeared; run plan "
	                "again"));
	free(msg);
}

static void
test_plan_file_names_three_changes_and_counts_the_rest(void **state)
{
	struct world *w = *state;
	size_t i;
	char *msg;

	for (i = 0; i < w->n; i++) {
		if (strcmp(w->res[i].vim, "site1") == 0)
			w->res[i].status = "ERROR";
	}
	msg = world_check(w, -ESTALE);
	assert_non_null(strstr(msg, " is now ERROR (was ACTIVE) and "));
	assert_non_null(strstr(msg, " more; run plan again"));
	free(msg);
}

static void
test_plan_file_is_stale_when_a_vim_was_not_read(void **state)
{
	struct world *w = *state;
	char *msg;

	w->obs.nvims = 1; /* site2 not observed now */
	w->obs.nendpoints = 0;
	msg = world_check(w, -ESTALE);
	assert_string_equal(msg, "stale plan: site2 was read for the plan and "
	                         "is not now; run plan again");
	free(msg);
}

static void
test_plan_file_is_stale_when_descriptors_changed(void **state)
{
	struct world *w = *state;
	char *msg;

	plan_file_hash("b2", 2, w->in.sources[1].hash);
	free(w->in.sources[0].path);
	w->in.sources[0].path = world_strdup("/repo/nsd/c.yaml");
	msg = world_check(w, -ESTALE);
	assert_string_equal(
	    msg, "stale plan: the descriptors changed since the plan "
	         "was made: /repo/nsd/a.yaml is gone, "
	         "/repo/nsd/c.yaml is new, /repo/vnfd/b.yaml "
	         "changed; run plan again");
	free(msg);
}

static void
test_plan_file_refuses_other_actions_from_the_same_state(void **state)
{
	struct world *w = *state;
	struct plan_file *f = world_read(w);
	struct plan *offline;
	struct diag d;

	/* Same descriptors and observations, yet another plan (as another
	 * nfvsync version might make): refused. */
	diag_init(&d);
	assert_int_equal(plan_build(&w->repo->model, NULL, NULL, &offline, &d),
	                 0);
	assert_int_equal(plan_file_check(f, w->in.sources, w->in.nsources,
	                                 &w->obs, offline, &d),
	                 -ESTALE);
	assert_non_null(strstr(d.entries[0].message,
	                       "planning again gives other actions (1 saved by "
	                       "nfvsync 1.2.3, "));
	diag_done(&d);
	plan_free(offline);
	plan_file_free(f);
}

/* Parses text; returns the error message. */
static char *
parse_error(const char *text, int want)
{
	struct plan_file *f = NULL;
	struct diag d;
	char *msg;

	diag_init(&d);
	assert_int_equal(plan_file_parse(text, "p.plan", &f, &d), want);
	assert_null(f);
	assert_int_equal(d.n, 1);
	msg = world_strdup(d.entries[0].message);
	diag_done(&d);
	return msg;
}

static char *
replace_once(const char *s, const char *what, const char *with)
{
	const char *at = strstr(s, what);
	size_t n = strlen(s) - strlen(what) + strlen(with) + 1;
	char *out = malloc(n);

	assert_non_null(at);
	memcpy(out, s, (size_t)(at - s));
	strcpy(out + (at - s), with);
	strcat(out, at + strlen(what));
	return out;
}

static void
test_plan_file_refuses_damaged_and_foreign_files(void **state)
{
	struct world *w = *state;
	char *text, *msg, *json;

	text = world_strdup(w->text);
	text[strlen(text) / 2] = '\0'; /* truncated */
	msg = parse_error(text, -EINVAL);
	assert_non_null(strstr(msg, "p.plan: not a plan file: damaged JSON ("));
	free(msg);
	free(text);

	text = malloc(strlen(w->text) + 8);
	strcpy(text, w->text);
	strcat(text, "{}\n");
	msg = parse_error(text, -EINVAL);
	assert_non_null(strstr(msg, "damaged JSON"));
	free(msg);
	free(text);

	json = plan_to_json(w->plan); /* plan -o json: not a plan file */
	msg = parse_error(json, -EINVAL);
	assert_string_equal(msg, "p.plan: not an nfvsync plan file (no "
	                         "nfvsync_plan_file version); make one with "
	                         "'nfvsync plan --out FILE'");
	free(msg);
	free(json);

	text = replace_once(w->text, "\"nfvsync_plan_file\": 1",
	                    "\"nfvsync_plan_file\": 2");
	msg = parse_error(text, -ENOTSUP);
	assert_string_equal(msg, "p.plan: plan file version 2; this nfvsync "
	                         "reads version 1: run plan again");
	free(msg);
	free(text);

	/* An observed status edited by hand no longer matches the VIM's
	 * fingerprint. */
	text = replace_once(w->text, "\"ACTIVE\"", "\"SHUTOFF\"");
	msg = parse_error(text, -EINVAL);
	assert_string_equal(msg, "p.plan: damaged plan file: an observed VIM's "
	                         "fingerprint does not match its resources; "
	                         "make a new one with 'nfvsync plan --out'");
	free(msg);
	free(text);

	text = replace_once(w->text, "\"/repo/nsd/a.yaml\"", "\"/x.yaml\"");
	msg = parse_error(text, -EINVAL);
	assert_non_null(strstr(msg, "the descriptors' hash does not match"));
	free(msg);
	free(text);

	text = replace_once(w->text, "\"paths\"", "\"pathz\"");
	msg = parse_error(text, -EINVAL);
	assert_non_null(strstr(msg, "damaged plan file: inputs lacks paths"));
	free(msg);
	free(text);

	text = replace_once(w->text, "\"actions\"", "\"actionz\"");
	msg = parse_error(text, -EINVAL);
	assert_non_null(
	    strstr(msg, "it lacks the observed state or the actions"));
	free(msg);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name)                                                                \
	cmocka_unit_test_setup_teardown(name, world_setup, world_teardown)
	    T(test_plan_file_keeps_the_inputs),
	    T(test_plan_file_holds_when_nothing_moved),
	    T(test_plan_file_holds_whatever_the_order_of_observation),
	    T(test_plan_file_is_stale_when_a_server_stopped),
	    T(test_plan_file_is_stale_when_a_resource_is_replaced_or_gone),
	    T(test_plan_file_is_stale_when_a_pod_moved_or_a_resource_appeared),
	    T(test_plan_file_names_three_changes_and_counts_the_rest),
	    T(test_plan_file_is_stale_when_a_vim_was_not_read),
	    T(test_plan_file_is_stale_when_descriptors_changed),
	    T(test_plan_file_refuses_other_actions_from_the_same_state),
	    T(test_plan_file_refuses_damaged_and_foreign_files),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
