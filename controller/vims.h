/*
 * The VIMs of one run: opens a driver for each registered VIM (OpenStack or
 * Kubernetes), observes them all — resources, and the ready pods that
 * become pool members on a balancer elsewhere — and routes each plan action
 * to its VIM's driver. Actions for a VIM that is not registered (offline
 * plans of repositories without vims/) are reported as skipped.
 */
#ifndef NFV_VIMS_H
#define NFV_VIMS_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "model.h"
#include "os_driver.h"
#include "plan.h"

struct k8s_driver;
struct k8s_driver_opts;

struct vim_conn {
	const struct nfv_vim *cfg;
	struct os_driver *os;   /* an OpenStack VIM */
	struct k8s_driver *k8s; /* a Kubernetes VIM */
	bool observed;
	/* Parallel apply on an OpenStack VIM: one more driver per worker
	 * thread (own session and view); os stays untouched meanwhile. */
	struct os_driver **workers;
	size_t nworkers;
};

struct vim_set {
	struct vim_conn *conns;
	size_t n;
	const char **observed; /* names of the VIMs observed */
	size_t nobserved;
	struct plan_observed_res *res; /* copies; strings borrowed */
	size_t nres;
	struct plan_endpoint *endpoints; /* ready pods; strings borrowed */
	size_t nendpoints;
	struct plan_flavor *flavors; /* OpenStack flavors; strings borrowed */
	size_t nflavors;
	/* Their images, networks and security groups, per VIM. */
	struct plan_catalog *catalogs;
	size_t ncatalogs;
	struct plan_observed obs;
	struct os_driver_opts os_opts;
};

/* Opens drivers for every VIM registered in the repository (vims/): a
 * registered VIM is one whose nfvsync resources the repository governs, so
 * its leftovers are pruned even when no service is placed on it any more.
 * k8s (may be NULL): kubeconfig and context (NULL: kubectl's defaults)
 * for the Kubernetes VIMs that give no auth_url, and --force-conflicts. */
int vim_set_open(struct vim_set *s, const struct nfv_model *m,
                 const struct k8s_driver_opts *k8s, struct diag *reterr);
/* Observes every VIM with a driver; fills s->obs for plan_build. A VIM
 * that cannot be read is an error: nothing is planned blind. */
int vim_set_observe(struct vim_set *s, struct diag *reterr);
/* Carries out one action; -ENOTSUP when its VIM has no driver yet. */
int vim_set_apply(struct vim_set *s, const struct plan_action *a,
                  struct diag *reterr);
/*
 * Pool members in batches (executor.c): vim_set_member_pool names the pool
 * a member action is about (borrowed; NULL when unknown), and member
 * actions of one VIM, one pool and one stage go together to
 * vim_set_apply_members, which gives each its result and diag (results[i],
 * diags[i], initialised by the caller): on an OpenStack VIM one batch call
 * per pool (os_driver_apply_members), elsewhere one action at a time.
 */
const char *vim_set_member_pool(const struct vim_set *s,
                                const struct plan_action *a);
void vim_set_apply_members(struct vim_set *s,
                           const struct plan_action *const *actions, size_t n,
                           int *results, struct diag *diags);
/* The HTTP clients of a VIM's drivers (borrowed): k = 0 the main
 * driver's, k >= 1 parallel apply's worker k-1's; NULL past the last. */
struct http_client;
struct http_client *vim_conn_http(const struct vim_conn *c, size_t k);
/*
 * Parallel apply (executor.c). vim_set_open_workers: n drivers per
 * OpenStack VIM, opened from the main thread, each starting from the main
 * driver's view. vim_set_apply_worker: a on worker w's driver, from worker
 * thread w only; false in *serial when the VIM has no workers (the caller
 * then uses vim_set_apply, one action at a time; likewise
 * vim_set_apply_members_worker and vim_set_apply_members).
 * vim_set_sync_workers: between dependency stages, worker 0 reads each VIM
 * again (one observe) and the others copy its view, so later stages find what
 * earlier ones made whichever worker made it. Plans keep pointing into the main
 * drivers' views, which none of this changes.
 */
int vim_set_open_workers(struct vim_set *s, size_t n, struct diag *reterr);
int vim_set_apply_worker(struct vim_set *s, size_t w,
                         const struct plan_action *a, bool *serial,
                         struct diag *reterr);
void vim_set_apply_members_worker(struct vim_set *s, size_t w,
                                  const struct plan_action *const *actions,
                                  size_t n, int *results, struct diag *diags,
                                  bool *serial);
void vim_set_adopt_workers(struct vim_set *s);
int vim_set_sync_workers(struct vim_set *s, struct diag *reterr);

/* Requests sent to all VIMs so far. */
unsigned long long vim_set_requests(const struct vim_set *s);
void vim_set_done(struct vim_set *s);

#endif
