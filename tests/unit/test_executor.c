/*
 * Unit tests of the executor's control flow without a VIM: every action
 * goes to a VIM with no driver (so it is skipped, with the reason), which
 * is enough to see the order of events, the gate's go/pass/stop and the
 * counts. Applying on real VIMs is the e2e tests' job.
 */
#include "unit.h"

#include "executor.h"
#include "vims.h"

struct recorder {
	char log[512];
	size_t gate_calls;
	size_t stop_at; /* gate answers STOP for this call (1-based); 0 never */
	const char *pass_kind_name; /* gate passes this kind */
};

static enum executor_verdict
recorder_gate(const struct plan_action *a, void *payload)
{
	struct recorder *r = payload;

	r->gate_calls++;
	if (r->stop_at && r->gate_calls == r->stop_at)
		return EXECUTOR_STOP;
	if (r->pass_kind_name &&
	    strcmp(plan_kind_name(a->kind), r->pass_kind_name) == 0)
		return EXECUTOR_PASS;
	return EXECUTOR_GO;
}

static void
recorder_event(const struct executor_event *ev, void *payload)
{
	static const char *const names[] = {"start",   "done",      "failed",
	                                    "skipped", "follow-up", "reread"};
	struct recorder *r = payload;
	size_t n = strlen(r->log);

	snprintf(r->log + n, sizeof(r->log) - n, "%s%s:%s", n ? " " : "",
	         names[ev->phase], ev->action ? ev->action->name : "-");
	if (ev->phase == EXECUTOR_SKIPPED) {
		assert_int_equal(ev->diag->n, 1);
		assert_non_null(strstr(ev->diag->entries[0].message,
		                       "VIM site9 is not registered"));
	}
}

static struct plan_action actions[3] = {
    {.op = PLAN_CREATE, .kind = PLAN_PORT, .vim = "site9", .name = "p1"},
    {.op = PLAN_CREATE, .kind = PLAN_SERVER, .vim = "site9", .name = "s1"},
    {.op = PLAN_CREATE, .kind = PLAN_MEMBER, .vim = "site9", .name = "m1"},
};

static void
run(struct recorder *rec, struct executor_stats *st, int expect)
{
	struct plan p = {0};
	struct vim_set vims = {0};
	struct executor_opts o = {0};

	p.actions = actions;
	p.n = 3;
	o.gate = recorder_gate;
	o.on_event = recorder_event;
	o.payload = rec;
	assert_int_equal(executor_run(&vims, &p, &o, st), expect);
}

static void
test_executor_tells_each_action_in_plan_order(void **state)
{
	struct recorder rec = {0};
	struct executor_stats st = {0};

	run(&rec, &st, -EIO);
	assert_string_equal(rec.log, "start:p1 skipped:p1 start:s1 skipped:s1 "
	                             "start:m1 skipped:m1");
	assert_int_equal(st.skipped, 3);
	assert_int_equal(st.done + st.failed + st.passed, 0);
	assert_false(st.stopped);
}

static void
test_executor_gate_passes_actions_by(void **state)
{
	struct recorder rec = {.pass_kind_name = "server"};
	struct executor_stats st = {0};

	run(&rec, &st, -EIO);
	assert_string_equal(rec.log, "start:p1 skipped:p1 start:m1 skipped:m1");
	assert_int_equal(st.passed, 1);
	assert_int_equal(st.skipped, 2);
}

static void
test_executor_gate_stop_starts_nothing_more(void **state)
{
	struct recorder rec = {.stop_at = 2};
	struct executor_stats st = {0};

	run(&rec, &st, -ECANCELED);
	assert_string_equal(rec.log, "start:p1 skipped:p1");
	assert_true(st.stopped);
	assert_int_equal(rec.gate_calls, 2);
}

static void
test_executor_stop_before_the_first_action_does_nothing(void **state)
{
	struct recorder rec = {.stop_at = 1};
	struct executor_stats st = {0};

	run(&rec, &st, -ECANCELED);
	assert_string_equal(rec.log, "");
	assert_int_equal(st.skipped, 0);
}

static void
test_executor_empty_plan_succeeds(void **state)
{
	struct plan p = {0};
	struct vim_set vims = {0};
	struct executor_opts o = {0};
	struct executor_stats st = {0};

	assert_int_equal(executor_run(&vims, &p, &o, &st), 0);
	assert_int_equal(st.done + st.failed + st.skipped, 0);
}

/* Stage order in parallel: every port before any server, members after
 * both, deletions last with the member (drain) before its server. */
static void
test_executor_in_parallel_runs_stage_after_stage(void **state)
{
	static struct plan_action mixed[6] = {
	    {.op = PLAN_DELETE,
	     .kind = PLAN_SERVER,
	     .vim = "site9",
	     .name = "ds"},
	    {.op = PLAN_CREATE,
	     .kind = PLAN_MEMBER,
	     .vim = "site9",
	     .name = "m1"},
	    {.op = PLAN_CREATE,
	     .kind = PLAN_SERVER,
	     .vim = "site9",
	     .name = "s1"},
	    {.op = PLAN_DELETE,
	     .kind = PLAN_MEMBER,
	     .vim = "site9",
	     .name = "dm"},
	    {.op = PLAN_CREATE,
	     .kind = PLAN_PORT,
	     .vim = "site9",
	     .name = "p1"},
	    {.op = PLAN_CREATE,
	     .kind = PLAN_PORT,
	     .vim = "site9",
	     .name = "p2"},
	};
	struct recorder rec = {0};
	struct executor_stats st = {0};
	struct plan p = {0};
	struct vim_set vims = {0};
	struct executor_opts o = {0};
	const char *order[] = {"p", "s1", "m1", "dm", "ds"};
	const char *at, *prev;
	size_t i;

	(void)state;
	p.actions = mixed;
	p.n = 6;
	o.on_event = recorder_event;
	o.payload = &rec;
	o.parallelism = 4;
	assert_int_equal(executor_run(&vims, &p, &o, &st), -EIO);
	assert_int_equal(st.skipped, 6);
	/* p1 and p2 run side by side, in either order; then one by one. */
	assert_non_null(strstr(rec.log, "skipped:p1"));
	assert_non_null(strstr(rec.log, "skipped:p2"));
	prev = strstr(rec.log, "skipped:p2") > strstr(rec.log, "skipped:p1")
	           ? strstr(rec.log, "skipped:p2")
	           : strstr(rec.log, "skipped:p1");
	for (i = 1; i < sizeof(order) / sizeof(*order); i++) {
		char want[32];

		snprintf(want, sizeof(want), "start:%s", order[i]);
		at = strstr(rec.log, want);
		assert_non_null(at);
		assert_true(at > prev);
		prev = at;
	}
}

/* Pool members of one VIM and stage go to the VIM together (one batch
 * call; here, on a VIM without a driver, every one is started before any
 * ends), a second pool in a batch of its own; the gate still hears of
 * each action once. With --parallelism 1 too. */
static void
test_executor_takes_a_pools_members_together(void **state)
{
	static struct plan_attr pool_a[] = {{"pool", "a", false, false}};
	static struct plan_attr pool_b[] = {{"pool", "b", false, false}};
	static struct plan_action members[4] = {
	    {.op = PLAN_CREATE,
	     .kind = PLAN_MEMBER,
	     .vim = "site9",
	     .name = "a1",
	     .attrs = pool_a,
	     .nattrs = 1,
	     .instance = -1},
	    {.op = PLAN_CREATE,
	     .kind = PLAN_MEMBER,
	     .vim = "site9",
	     .name = "b1",
	     .attrs = pool_b,
	     .nattrs = 1,
	     .instance = -1},
	    {.op = PLAN_CREATE,
	     .kind = PLAN_MEMBER,
	     .vim = "site9",
	     .name = "a2",
	     .attrs = pool_a,
	     .nattrs = 1,
	     .instance = -1},
	    {.op = PLAN_CREATE,
	     .kind = PLAN_MEMBER,
	     .vim = "site9",
	     .name = "a3",
	     .attrs = pool_a,
	     .nattrs = 1,
	     .instance = -1},
	};
	unsigned parallelism[] = {1, 4};
	size_t k;

	(void)state;
	for (k = 0; k < 2; k++) {
		struct recorder rec = {0};
		struct executor_stats st = {0};
		struct plan p = {.actions = members, .n = 4};
		struct vim_set vims = {0};
		struct executor_opts o = {.gate = recorder_gate,
		                          .on_event = recorder_event,
		                          .payload = &rec,
		                          .parallelism = parallelism[k]};
		const char *first_end;

		assert_int_equal(executor_run(&vims, &p, &o, &st), -EIO);
		assert_int_equal(st.skipped, 4);
		assert_int_equal(rec.gate_calls, 4);
		if (parallelism[k] == 1) {
			/* In the plan's order, pool a's batch first. */
			assert_string_equal(rec.log,
			                    "start:a1 start:a2 start:a3 "
			                    "skipped:a1 skipped:a2 skipped:a3 "
			                    "start:b1 skipped:b1");
			continue;
		}
		/* Side by side: b1 may come in between, but pool a's three
		 * start together, before any of them ends. */
		first_end = strstr(rec.log, "skipped:a");
		assert_non_null(first_end);
		assert_non_null(strstr(rec.log, "start:a1 start:a2 start:a3"));
		assert_true(strstr(rec.log, "start:a3") < first_end);
		assert_non_null(strstr(rec.log, "skipped:b1"));
	}
}

/* One by one, a member whose server comes later in the plan waits for
 * it instead of joining the pool's batch. */
static void
test_executor_serial_batch_leaves_a_member_waiting_for_its_server(void **state)
{
	static struct plan_attr pool[] = {{"pool", "a", false, false}};
	static struct plan_action acts[3] = {
	    {.op = PLAN_CREATE,
	     .kind = PLAN_MEMBER,
	     .vim = "site9",
	     .name = "m0",
	     .vnf = "web",
	     .vdu = "VDU1",
	     .instance = 0,
	     .attrs = pool,
	     .nattrs = 1},
	    {.op = PLAN_CREATE,
	     .kind = PLAN_SERVER,
	     .vim = "site9",
	     .name = "s1",
	     .vnf = "web",
	     .vdu = "VDU1",
	     .instance = 1},
	    {.op = PLAN_CREATE,
	     .kind = PLAN_MEMBER,
	     .vim = "site9",
	     .name = "m1",
	     .vnf = "web",
	     .vdu = "VDU1",
	     .instance = 1,
	     .attrs = pool,
	     .nattrs = 1},
	};
	struct recorder rec = {0};
	struct executor_stats st = {0};
	struct plan p = {.actions = acts, .n = 3};
	struct vim_set vims = {0};
	struct executor_opts o = {.on_event = recorder_event, .payload = &rec};

	(void)state;
	assert_int_equal(executor_run(&vims, &p, &o, &st), -EIO);
	assert_string_equal(rec.log, "start:m0 skipped:m0 start:s1 "
	                             "skipped:s1 start:m1 skipped:m1");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_executor_tells_each_action_in_plan_order),
	    cmocka_unit_test(test_executor_gate_passes_actions_by),
	    cmocka_unit_test(test_executor_gate_stop_starts_nothing_more),
	    cmocka_unit_test(
	        test_executor_stop_before_the_first_action_does_nothing),
	    cmocka_unit_test(test_executor_empty_plan_succeeds),
	    cmocka_unit_test(test_executor_in_parallel_runs_stage_after_stage),
	    cmocka_unit_test(test_executor_takes_a_pools_members_together),
	    cmocka_unit_test(
	        test_executor_serial_batch_leaves_a_member_waiting_for_its_server),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
