/*
 * Carries plans out on the VIMs; see executor.h. Keeps no state between
 * runs and never prints: the caller's callback does.
 */
#define _GNU_SOURCE /* qsort_r */
#include "executor.h"
#include "vims.h"
#include "xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
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

/* The stage of an action: its kind's place in the dependency order, the
 * deletions after every other action, in reverse. */
static int
executor_stage(const struct plan_action *a)
{
	static const int order[PLAN_KIND_MAX] = {
	    [PLAN_PORT] = 0,       [PLAN_SERVER] = 1,
	    [PLAN_DEPLOYMENT] = 2, [PLAN_SERVICE] = 2,
	    [PLAN_AUTOSCALER] = 2, [PLAN_LOADBALANCER] = 3,
	    [PLAN_LISTENER] = 4,   [PLAN_POOL] = 5,
	    [PLAN_MEMBER] = 6,     [PLAN_HEALTH_MONITOR] = 7,
	    [PLAN_L7_POLICY] = 8,
	};

	if (a->op == PLAN_DELETE)
		return 100 - order[a->kind];
	return order[a->kind];
}

static bool
executor_same(const char *x, const char *y)
{
	return x && y && strcmp(x, y) == 0;
}

/*
 * Whether b needs what the failed action a was to make: an attribute of b
 * names it (a member's pool, a listener's balancer), or a is the port or
 * server of b's VDU instance (b its server or its member).
 */
static bool
executor_needs(const struct plan_action *b, const struct plan_action *a)
{
	size_t k;

	if (a->op == PLAN_DELETE || b->op == PLAN_DELETE)
		return false;
	for (k = 0; k < b->nattrs; k++) {
		if (executor_same(b->attrs[k].value, a->name))
			return true;
	}
	return (a->kind == PLAN_PORT || a->kind == PLAN_SERVER) &&
	       a->kind != b->kind &&
	       (b->kind == PLAN_SERVER || b->kind == PLAN_MEMBER) &&
	       a->instance >= 0 && a->instance == b->instance &&
	       executor_same(a->vnf, b->vnf) && executor_same(a->vdu, b->vdu);
}

struct executor_pass {
	struct vim_set *vims;
	const struct plan *plan;
	const struct executor_opts *o;
	struct executor_stats *st;
	size_t *order;      /* action indexes in the order they are taken */
	size_t n;           /* of order */
	size_t next;        /* in order: the next to take */
	size_t end;         /* in order: the end of the current stage */
	bool *failed;       /* per action: failed, or skipped as a dependent */
	bool *taken;        /* per action: taken, in turn or with a batch */
	pthread_mutex_t mu; /* guards all of the above while parallel */
	pthread_mutex_t serial; /* drivers without workers: one at a time */
	bool parallel;
	size_t started; /* actions carried out (told EXECUTOR_START) so far */
};

/* The failed action i depends on, if any (called with mu held). */
static const struct plan_action *
executor_blocked_by(const struct executor_pass *p, size_t i)
{
	size_t j;

	for (j = 0; j < p->plan->n; j++) {
		if (p->failed[j] && j != i &&
		    executor_needs(&p->plan->actions[i], &p->plan->actions[j]))
			return &p->plan->actions[j];
	}
	return NULL;
}

/*
 * Asks the gate about action i and checks what it needs (mu held): true
 * when it is to be carried out (it was told EXECUTOR_START), false when
 * it was passed by, skipped or the gate said stop.
 */
static bool
executor_admit(struct executor_pass *p, size_t i)
{
	const struct plan_action *a = &p->plan->actions[i];
	const struct plan_action *dep;
	enum executor_verdict v;

	v = p->o->gate ? p->o->gate(a, p->o->payload) : EXECUTOR_GO;
	if (v == EXECUTOR_STOP) {
		p->st->stopped = true;
		return false;
	}
	if (v == EXECUTOR_PASS) {
		p->st->passed++;
		return false;
	}
	dep = executor_blocked_by(p, i);
	if (dep) {
		struct diag d;

		diag_init(&d);
		diag_error(&d, NULL,
		           "not attempted: it needs %s %s, "
		           "which failed",
		           plan_kind_name(dep->kind), dep->name);
		p->failed[i] = true;
		p->st->skipped++;
		executor_tell(p->o, EXECUTOR_SKIPPED, a, 0, &d);
		diag_done(&d);
		return false;
	}
	executor_tell(p->o, EXECUTOR_START, a, 0, NULL);
	p->started++;
	return true;
}

/*
 * Takes the next action of the stage and asks the gate (mu held). Returns
 * its index, or SIZE_MAX when the stage is over or the gate said stop.
 */
static size_t
executor_take(struct executor_pass *p)
{
	while (p->next < p->end && !p->st->stopped) {
		size_t i = p->order[p->next++];

		if (p->taken[i])
			continue;
		p->taken[i] = true;
		if (executor_admit(p, i))
			return i;
	}
	return SIZE_MAX;
}

/*
 * Whether action b (at position pos of order) still waits for an action
 * not taken yet (mu held). One by one, in the plan's order, a member's
 * server may come later in the plan than another member of its pool.
 */
static bool
executor_waits(const struct executor_pass *p, size_t pos,
               const struct plan_action *b)
{
	size_t q;

	for (q = p->next; q < p->end; q++) {
		size_t k = p->order[q];

		if (q != pos && !p->taken[k] &&
		    executor_needs(b, &p->plan->actions[k]))
			return true;
	}
	return false;
}

/*
 * Member action i was just taken: takes with it the other member actions
 * of its stage, VIM and pool not taken yet, each through the gate and the
 * failed-dependency check like any action (mu held), so that the driver
 * changes the pool with one batch call. Their indexes go to batch;
 * returns how many.
 */
static size_t
executor_take_members(struct executor_pass *p, size_t i, size_t *batch)
{
	const struct plan_action *a = &p->plan->actions[i];
	const char *pool = vim_set_member_pool(p->vims, a);
	int stage = executor_stage(a);
	size_t pos, n = 0;

	if (!pool)
		return 0;
	for (pos = p->next; pos < p->end && !p->st->stopped; pos++) {
		size_t j = p->order[pos];
		const struct plan_action *b = &p->plan->actions[j];

		if (p->taken[j] || b->kind != PLAN_MEMBER ||
		    executor_stage(b) != stage || strcmp(b->vim, a->vim) != 0 ||
		    !executor_same(vim_set_member_pool(p->vims, b), pool))
			continue;
		if (!p->parallel && executor_waits(p, pos, b))
			continue;
		p->taken[j] = true;
		if (executor_admit(p, j))
			batch[n++] = j;
	}
	return n;
}

/* Records the outcome of action i (mu held). */
static void
executor_record(struct executor_pass *p, size_t i, int r, double t,
                const struct diag *d)
{
	const struct plan_action *a = &p->plan->actions[i];

	if (r == 0) {
		p->st->done++;
		executor_tell(p->o, EXECUTOR_DONE, a, t, d);
	} else if (r == -ENOTSUP || r == -EAGAIN) {
		/* -EAGAIN: a pod member whose address is not known. */
		p->st->skipped++;
		executor_tell(p->o, EXECUTOR_SKIPPED, a, t, d);
	} else {
		p->failed[i] = true;
		p->st->failed++;
		executor_tell(p->o, EXECUTOR_FAILED, a, t, d);
	}
}

/* Carries out action i, on worker w's driver when its VIM has workers. */
static int
executor_apply(struct executor_pass *p, size_t w, size_t i, struct diag *d)
{
	const struct plan_action *a = &p->plan->actions[i];
	bool serial = true;
	int r = 0;

	if (p->parallel)
		r = vim_set_apply_worker(p->vims, w, a, &serial, d);
	if (serial) {
		if (p->parallel)
			pthread_mutex_lock(&p->serial);
		r = vim_set_apply(p->vims, a, d);
		if (p->parallel)
			pthread_mutex_unlock(&p->serial);
	}
	return r;
}

/* Carries out the member actions batch[0..n) of one VIM and pool
 * together; results and diags per action. */
static void
executor_apply_members(struct executor_pass *p, size_t w, const size_t *batch,
                       size_t n, int *results, struct diag *diags)
{
	const struct plan_action **acts = xcalloc(n, sizeof(*acts));
	bool serial = true;
	size_t k;

	for (k = 0; k < n; k++)
		acts[k] = &p->plan->actions[batch[k]];
	if (p->parallel)
		vim_set_apply_members_worker(p->vims, w, acts, n, results,
		                             diags, &serial);
	if (serial) {
		if (p->parallel)
			pthread_mutex_lock(&p->serial);
		vim_set_apply_members(p->vims, acts, n, results, diags);
		if (p->parallel)
			pthread_mutex_unlock(&p->serial);
	}
	free(acts);
}

struct executor_worker {
	struct executor_pass *p;
	size_t w;
	pthread_t thread;
};

static void *
executor_worker_main(void *arg)
{
	struct executor_worker *wk = arg;
	struct executor_pass *p = wk->p;
	size_t *batch = xcalloc(p->n + 1, sizeof(*batch));
	int *results = xcalloc(p->n + 1, sizeof(*results));
	struct diag *diags = xcalloc(p->n + 1, sizeof(*diags));
	size_t i, n, k;

	pthread_mutex_lock(&p->mu);
	while ((i = executor_take(p)) != SIZE_MAX) {
		bool members = p->plan->actions[i].kind == PLAN_MEMBER;
		double t;

		/* A pool's members change together: one batch call. */
		batch[0] = i;
		n = 1 + (members ? executor_take_members(p, i, batch + 1) : 0);
		pthread_mutex_unlock(&p->mu);
		for (k = 0; k < n; k++)
			diag_init(&diags[k]);
		t = executor_now();
		if (members)
			executor_apply_members(p, wk->w, batch, n, results,
			                       diags);
		else
			results[0] = executor_apply(p, wk->w, i, &diags[0]);
		t = executor_now() - t;
		pthread_mutex_lock(&p->mu);
		for (k = 0; k < n; k++) {
			executor_record(p, batch[k], results[k], t, &diags[k]);
			diag_done(&diags[k]);
		}
	}
	pthread_mutex_unlock(&p->mu);
	free(batch);
	free(results);
	free(diags);
	return NULL;
}

static int
executor_order_cmp(const void *x, const void *y, void *plan)
{
	const struct plan *pl = plan;
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	int si = executor_stage(&pl->actions[i]);
	int sj = executor_stage(&pl->actions[j]);

	if (si != sj)
		return si < sj ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* One pass over plan (members_only: pool members only). */
static void
executor_pass(struct vim_set *vims, const struct plan *plan, bool members_only,
              const struct executor_opts *o, struct executor_stats *st)
{
	struct executor_pass p = {.vims = vims, .plan = plan, .o = o, .st = st};
	struct executor_worker *wk = NULL;
	unsigned nworkers = o->parallelism > 1 ? o->parallelism : 1;
	size_t i, w, first;

	p.order = xcalloc(plan->n + 1, sizeof(*p.order));
	p.failed = xcalloc(plan->n + 1, sizeof(*p.failed));
	p.taken = xcalloc(plan->n + 1, sizeof(*p.taken));
	for (i = 0; i < plan->n; i++) {
		if (!members_only || plan->actions[i].kind == PLAN_MEMBER)
			p.order[p.n++] = i;
	}
	pthread_mutex_init(&p.mu, NULL);
	pthread_mutex_init(&p.serial, NULL);
	if (nworkers > 1 && p.n > 1) {
		struct diag d;

		/* Without workers (a VIM whose secret went away meanwhile), one
		 * by one: the actions will say what is wrong. */
		diag_init(&d);
		p.parallel = vim_set_open_workers(vims, nworkers, &d) == 0;
		diag_done(&d);
	}
	if (!p.parallel) {
		/* One by one, in the plan's order: one stage of everything. */
		struct executor_worker one = {.p = &p};

		p.end = p.n;
		executor_worker_main(&one);
		goto out;
	}
	qsort_r(p.order, p.n, sizeof(*p.order), executor_order_cmp,
	        (void *)plan);
	vim_set_adopt_workers(vims);
	wk = xcalloc(nworkers, sizeof(*wk));
	for (first = 0; first < p.n && !st->stopped; first = p.end) {
		int stage = executor_stage(&plan->actions[p.order[first]]);
		size_t n, started = p.started;

		for (p.end = first;
		     p.end < p.n &&
		     executor_stage(&plan->actions[p.order[p.end]]) == stage;
		     p.end++)
			;
		n = p.end - first < nworkers ? p.end - first : nworkers;
		for (w = 0; w < n; w++) {
			wk[w] = (struct executor_worker){.p = &p, .w = w};
			if (pthread_create(&wk[w].thread, NULL,
			                   executor_worker_main, &wk[w]) != 0)
				break;
		}
		if (w == 0) /* no thread at all: this one does the stage */
			executor_worker_main(
			    &(struct executor_worker){.p = &p});
		while (w > 0)
			pthread_join(wk[--w].thread, NULL);
		/* What this stage made, the next one looks up (nothing to
		 * look up when the gate let nothing through: --dry-run). */
		if (p.end < p.n && !st->stopped && p.started > started) {
			struct diag d;

			diag_init(&d);
			if (vim_set_sync_workers(vims, &d) < 0)
				executor_tell(o, EXECUTOR_REREAD_FAILED, NULL,
				              0, &d);
			diag_done(&d);
		}
	}
out:
	pthread_mutex_destroy(&p.mu);
	pthread_mutex_destroy(&p.serial);
	free(wk);
	free(p.order);
	free(p.failed);
	free(p.taken);
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
