/*
 * Carries plans out on the VIMs; see executor.h. Keeps no state between
 * runs and never prints: the caller's callback does.
 */
#include "executor.h"
#include "vims.h"

#include <errno.h>
#include <time.h>

static double
executor_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
executor_tell(const struct executor_opts *o, enum executor_phase phase,
              const struct plan_action *a, double seconds, const struct diag *d)
{
	struct executor_event ev = {phase, a, seconds, d};

	if (o->on_event)
		o->on_event(&ev, o->payload);
}

/* One pass over plan (members_only: pool members only). */
static void
executor_pass(struct vim_set *vims, const struct plan *plan, bool members_only,
              const struct executor_opts *o, struct executor_stats *st)
{
	struct diag d;
	size_t i;

	diag_init(&d);
	for (i = 0; i < plan->n && !st->stopped; i++) {
		const struct plan_action *a = &plan->actions[i];
		enum executor_verdict v;
		double t;
		int r;

		if (members_only && a->kind != PLAN_MEMBER)
			continue;
		v = o->gate ? o->gate(a, o->payload) : EXECUTOR_GO;
		if (v == EXECUTOR_STOP) {
			st->stopped = true;
			break;
		}
		if (v == EXECUTOR_PASS) {
			st->passed++;
			continue;
		}
		executor_tell(o, EXECUTOR_START, a, 0, NULL);
		t = executor_now();
		r = vim_set_apply(vims, a, &d);
		t = executor_now() - t;
		if (r == 0) {
			st->done++;
			executor_tell(o, EXECUTOR_DONE, a, t, &d);
		} else if (r == -ENOTSUP || r == -EAGAIN) {
			/* -EAGAIN: a pod member whose address is not known. */
			st->skipped++;
			executor_tell(o, EXECUTOR_SKIPPED, a, t, &d);
		} else {
			st->failed++;
			executor_tell(o, EXECUTOR_FAILED, a, t, &d);
		}
		diag_done(&d);
	}
}

int
executor_run(struct vim_set *vims, const struct plan *plan,
             const struct executor_opts *o, struct executor_stats *st)
{
	size_t done = st->done, failed = st->failed, skipped = st->skipped;

	executor_pass(vims, plan, false, o, st);
	/*
	 * Pods that the plan's Deployments started are pool members the plan
	 * could not know of: read the VIMs again and add those (members only;
	 * anything else that changed meanwhile waits for the next plan).
	 */
	if (o->model && !st->stopped && st->failed == failed &&
	    st->done > done) {
		struct plan *next = NULL;
		struct diag d;

		diag_init(&d);
		if (vim_set_observe(vims, &d) < 0 ||
		    plan_build(o->model, &vims->obs, o->plan_opts, &next, &d) <
		        0) {
			executor_tell(o, EXECUTOR_REREAD_FAILED, NULL, 0, &d);
		} else if (next->n > 0) {
			st->followed_up = true;
			executor_tell(o, EXECUTOR_FOLLOW_UP, NULL, 0, &d);
			/* What the first pass skipped is retried here. */
			st->skipped = skipped;
			executor_pass(vims, next, true, o, st);
		}
		diag_done(&d);
		plan_free(next);
	}
	if (st->stopped)
		return -ECANCELED;
	return st->failed || st->skipped ? -EIO : 0;
}
