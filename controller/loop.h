/*
 * The reconcile loop behind `nfvsync run` and `nfvsync watch`. Each cycle
 * is level-triggered: bring the source up to date; if its revision changed,
 * load and validate it beside the one in force and swap only if it is good;
 * (re)open the VIMs when the revision or their credentials changed;
 * observe; plan; apply through the executor (unless dry-run, suspended or
 * backing off); publish status and metrics. Between cycles one poll()
 * waits for the interval (with jitter) or an event that brings the next
 * cycle forward: a file change (debounced), a webhook push, SIGHUP (re-read
 * everything, credentials included). SIGTERM and SIGINT stop it: no new
 * action starts, the one in flight finishes, and loop_run returns 0.
 */
#ifndef NFV_LOOP_H
#define NFV_LOOP_H

#include <stdbool.h>
#include <stddef.h>

struct source;

struct loop_opts {
	struct source *source; /* borrowed */
	const char *ref;       /* for webhook pushes; NULL any */
	double interval_s;     /* between cycles (jittered +-10 %) */
	bool once;             /* one cycle, then return */
	bool dry_run;          /* plan and report, change nothing */
	bool allow_mass_delete;
	const char *listen;         /* "127.0.0.1:9180"; NULL: no server */
	const char *webhook_secret; /* NULL: no /webhook */
	const char *const *param_files;
	size_t nparam_files;
	bool strict;
	const char *kubeconfig; /* for Kubernetes VIMs without auth_url */
	const char *context;
	bool force_conflicts; /* take fields other field managers own */
	unsigned parallelism; /* actions in flight at once (0, 1: one) */
	/* Leader election through a Kubernetes Lease (kubeconfig and context
	 * above): only the holder observes and acts. */
	bool leader_elect;
	const char *lease_namespace; /* NULL: the context's, else default */
	const char *lease_name;      /* NULL: "nfvsync" */
};

/*
 * Runs cycles until SIGTERM/SIGINT (or one with once). Returns 0 on a
 * clean stop; with once, 0 when the cycle converged or only reported, 1
 * when it failed; a negative errno when it could not start (reason
 * printed).
 */
int loop_run(const struct loop_opts *o);

#endif
