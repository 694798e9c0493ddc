/*
 * The executor: carries a plan out on the VIMs, for `nfvsync apply` and the
 * reconcile loop alike: action by action in the plan's order, or with
 * parallelism > 1 stage by stage (ports, servers, Kubernetes objects,
 * balancers, listeners, pools, members, health monitors, L7 policies; then
 * the deletions in reverse, members before servers), at most that many
 * actions of a stage in flight on worker threads, each with its own
 * OpenStack session. The member actions of one VIM, pool and stage are
 * taken together and go to the VIM as one batch (one Octavia call per pool;
 * one by one too, where a member whose server comes later in the plan
 * waits for it); each still has its own gate call and events, their
 * duration the batch's. A failed action does not stop the others, but what
 * depends on a failed create (a server on its port, anything naming a
 * failed object, a member of a failed server) is skipped with the reason. After
 * Deployments were applied it reads the VIMs again and adds the pool members of
 * the pods they started (the plan could not know their addresses). It prints
 * nothing: callers hear of each action through a callback, and decide before
 * each one whether to go on (SIGTERM, a lost lease) or pass it by (a suspended
 * service).
 */
#ifndef NFV_EXECUTOR_H
#define NFV_EXECUTOR_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "plan.h"

struct vim_set;
struct nfv_model;

enum executor_verdict {
	EXECUTOR_GO,   /* carry the action out */
	EXECUTOR_PASS, /* leave this action out (not counted) */
	EXECUTOR_STOP, /* start no further action */
};

enum executor_phase {
	EXECUTOR_START,         /* an action is about to be carried out */
	EXECUTOR_DONE,          /* it succeeded */
	EXECUTOR_FAILED,        /* it failed; diag says why */
	EXECUTOR_SKIPPED,       /* it could not be carried out yet (no driver,
	                         * a pod member without an address); diag says why */
	EXECUTOR_FOLLOW_UP,     /* the VIMs moved on (new pods): their members
	                         * follow (action NULL; diag: warnings) */
	EXECUTOR_REREAD_FAILED, /* reading the VIMs again failed (action
	                         * NULL; diag says why) */
};

struct executor_event {
	enum executor_phase phase;
	const struct plan_action *action; /* borrowed, for the call only */
	double seconds;                   /* how long the action took */
	const struct diag *diag;          /* borrowed, for the call only */
};

struct executor_opts {
	/* For the follow-up plan after Deployments (NULL: no follow-up). */
	const struct nfv_model *model;
	const struct plan_opts *plan_opts;
	/* Asked before each action; NULL means always EXECUTOR_GO. */
	enum executor_verdict (*gate)(const struct plan_action *a,
	                              void *payload);
	/* Told of every phase of every action; may be NULL. */
	void (*on_event)(const struct executor_event *ev, void *payload);
	void *payload;
	/* Actions in flight at once; 0 or 1: one by one in plan order. The
	 * gate and on_event are then called from worker threads, one call at
	 * a time. */
	unsigned parallelism;
};

struct executor_stats {
	size_t done;
	size_t failed;
	size_t skipped;
	size_t passed; /* left out by the gate */
	bool stopped;  /* the gate said stop */
	bool followed_up;
};

/*
 * Carries plan out on vims. Returns 0 when every action that ran
 * succeeded, -EIO when some failed or were skipped, -ECANCELED when the
 * gate stopped it (the stats say how far it got). Counts are added to st.
 */
int executor_run(struct vim_set *vims, const struct plan *plan,
                 const struct executor_opts *o, struct executor_stats *st);

#endif
