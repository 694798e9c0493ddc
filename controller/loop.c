/*
 * The reconcile loop; see loop.h. One thread: the HTTP server runs on its
 * own (libmicrohttpd's), the loop only hands it status text and metric
 * updates. Logs every cycle's outcome with its revision, and every action
 * carried out once, with its reason. Must not act while stopping, on a
 * service that is suspended, dry-run or backing off, or beyond a VDU
 * instance's respawn budget.
 */
#include "loop.h"
#include "diag.h"
#include "executor.h"
#include "http.h"
#include "httpd.h"
#include "k8s_driver.h"
#include "k8s_lease.h"
#include "log.h"
#include "loop_policy.h"
#include "metrics.h"
#include "plan.h"
#include "repo.h"
#include "source.h"
#include "status.h"
#include "vims.h"
#include "xalloc.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

/* Bursts of editor writes: a cycle 300 ms after the last, 2 s at most. */
#define LOOP_QUIET_S 0.3
#define LOOP_BURST_MAX_S 2.0
#define LOOP_JITTER 0.1

struct loop_service {
	char *name;
	char *applied_revision;
	char *error;
};

struct loop {
	const struct loop_opts *o;
	struct metrics *metrics;
	struct httpd *httpd;
	int sigfd;
	bool stopping;
	bool reload;
	struct k8s_lease *lease; /* with --leader-elect */
	bool leader;             /* acting (always, without a lease) */
	double lease_next;       /* when to renew or retry */

	struct source_rev rev; /* in force: the last good revision */
	struct nfv_repo *repo;
	char *failed_rev;   /* newest revision refused */
	char *failed_error; /* why */
	char *error;        /* what else went wrong in the last cycle */
	struct vim_set vims;
	bool vims_open;
	struct policy policy;
	struct loop_service *services;
	size_t nservices;
	struct plan *pending; /* what is left to do, for status */
	bool observed;        /* the VIMs were read in the last cycle */

	unsigned long long cycles;
	double last_cycle_wall;
	double burst_first, burst_last; /* file events not yet acted on */
	bool cycle_failed;
};

static double
loop_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
loop_set_error(char **slot, const char *msg)
{
	free(*slot);
	*slot = msg ? xstrdup(msg) : NULL;
}

/* The first error of d (or its first entry) as one line; caller frees. */
static char *
loop_diag_text(const struct diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (d->entries[i].severity == DIAG_ERROR)
			return diag_entry_format(&d->entries[i]);
	}
	return d->n ? diag_entry_format(&d->entries[0])
	            : xstrdup("unknown error");
}

static void
loop_log_diag(const struct diag *d, const char *revision)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		char *msg = diag_entry_format(&d->entries[i]);

		if (d->entries[i].severity == DIAG_ERROR)
			log_error(LOG_FIELDS({"revision", revision}), "%s",
			          msg);
		else
			log_warn(LOG_FIELDS({"revision", revision}), "%s", msg);
		free(msg);
	}
}

static void
loop_error_metric(struct loop *l, const char *stage)
{
	char *labels = xasprintf("stage=\"%s\"", stage);

	metrics_add(l->metrics, "nfvsync_reconcile_errors_total", labels, 1);
	free(labels);
	l->cycle_failed = true;
}

/* ---- signals -------------------------------------------------------- */

static int
loop_signals_open(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* Reads pending signals: SIGTERM/SIGINT stop, SIGHUP reloads. */
static void
loop_signals_drain(struct loop *l)
{
	struct signalfd_siginfo si;

	while (read(l->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			log_info(NULL, "SIGHUP: re-reading the source, the "
			               "descriptors and the VIM credentials");
			l->reload = true;
		} else if (!l->stopping) {
			log_info(NULL, "%s: stopping (no new action starts)",
			         si.ssi_signo == SIGTERM ? "SIGTERM"
			                                 : "SIGINT");
			l->stopping = true;
		}
	}
}

/* ---- leader election ------------------------------------------------ */

/* Acquires or renews the lease when due (or when force). */
static void
loop_lease_tick(struct loop *l, bool force)
{
	double now = loop_now(), next = 2;
	bool was = l->leader, leader = false;
	struct diag d;

	if (!l->lease || (!force && now < l->lease_next))
		return;
	diag_init(&d);
	if (k8s_lease_tick(l->lease, &leader, &next, &d) < 0) {
		char *msg = loop_diag_text(&d);

		log_warn(NULL, "lease: %s", msg);
		free(msg);
	}
	diag_done(&d);
	l->leader = leader;
	l->lease_next = now + next;
	if (leader && !was)
		log_info(NULL,
		         "leading: this replica holds the lease and acts");
	else if (!leader && was)
		log_warn(NULL, "lease lost: standing by, acting on nothing");
}

/* ---- services ------------------------------------------------------- */

static struct loop_service *
loop_service(struct loop *l, const char *name)
{
	struct loop_service *s;
	size_t i;

	for (i = 0; i < l->nservices; i++) {
		if (strcmp(l->services[i].name, name) == 0)
			return &l->services[i];
	}
	l->services =
	    xrealloc(l->services, (l->nservices + 1) * sizeof(*l->services));
	s = &l->services[l->nservices++];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name);
	return s;
}

static const struct nfv_service *
loop_model_service(const struct loop *l, const char *name)
{
	size_t i;

	for (i = 0; name && l->repo && i < l->repo->model.nservices; i++) {
		if (strcmp(l->repo->model.services[i].name, name) == 0)
			return &l->repo->model.services[i];
	}
	return NULL;
}

/* ---- source and revision -------------------------------------------- */

/* Syncs the source; loads a new revision beside the one in force and
 * swaps it in only when it is valid. */
static void
loop_sync(struct loop *l)
{
	struct nfv_load_opts lo = {l->o->param_files, l->o->nparam_files,
	                           l->o->strict, true};
	struct source_rev rev = {NULL, NULL, NULL};
	struct nfv_repo *repo = NULL;
	struct diag d;
	double t = loop_now();
	const char *dir;
	int r;

	diag_init(&d);
	r = source_sync(l->o->source, &rev, &d);
	metrics_observe(l->metrics, "nfvsync_source_sync_duration_seconds",
	                NULL, loop_now() - t);
	if (r < 0) {
		char *msg = loop_diag_text(&d);

		log_error(LOG_FIELDS({"source", source_name(l->o->source)},
		                     {"revision", l->rev.id}),
		          "source: %s%s", msg,
		          l->repo ? "; the revision in force stays" : "");
		loop_set_error(&l->error, msg);
		loop_error_metric(l, "source");
		free(msg);
		goto out;
	}
	if (!l->reload && l->rev.id && strcmp(rev.id, l->rev.id) == 0) {
		/* Back to the revision in force (a directory restored): no
		 * refusal stands any more. */
		loop_set_error(&l->failed_rev, NULL);
		loop_set_error(&l->failed_error, NULL);
		goto out;
	}
	if (!l->reload && l->failed_rev && strcmp(rev.id, l->failed_rev) == 0)
		goto out; /* refused already; its error stays reported */
	dir = rev.dir;
	r = nfv_repo_load(&dir, 1, &lo, &repo, &d);
	source_diag_rename(l->o->source, &rev, &d); /* SHA7:file, not cache */
	if (r < 0) {
		char *msg = loop_diag_text(&d);
		char *err =
		    xasprintf("revision %s refused (%zu error%s): %s", rev.id,
		              d.errors, d.errors == 1 ? "" : "s", msg);

		loop_log_diag(&d, rev.id);
		log_error(
		    LOG_FIELDS({"revision", rev.id}, {"in_force", l->rev.id}),
		    "revision refused: %zu error%s; %s", d.errors,
		    d.errors == 1 ? "" : "s",
		    l->repo ? "the last good revision stays in force"
		            : "nothing is applied");
		loop_set_error(&l->failed_error, err);
		loop_set_error(&l->failed_rev, rev.id);
		loop_error_metric(l, "load");
		free(err);
		free(msg);
		goto out;
	}
	loop_log_diag(&d, rev.id); /* warnings */
	log_info(LOG_FIELDS({"revision", rev.id}, {"summary", rev.summary}),
	         "%s revision %s", l->repo ? "new" : "first",
	         l->reload && l->rev.id && strcmp(rev.id, l->rev.id) == 0
	             ? "re-read"
	             : "loaded");
	/* The VIM connections borrow from the model they were opened for. */
	vim_set_done(&l->vims);
	l->vims_open = false;
	plan_free(l->pending);
	l->pending = NULL;
	nfv_repo_free(l->repo);
	l->repo = repo;
	repo = NULL;
	source_rev_done(&l->rev);
	l->rev = rev;
	memset(&rev, 0, sizeof(rev));
	source_rev_keep(l->o->source, &l->rev); /* its files stay on disk */
	loop_set_error(&l->failed_rev, NULL);
	loop_set_error(&l->failed_error, NULL);
	loop_set_error(&l->error, NULL);
out:
	l->reload = false;
	nfv_repo_free(repo);
	source_rev_done(&rev);
	diag_done(&d);
}

/* ---- applying ------------------------------------------------------- */

struct loop_apply {
	struct loop *l;
	double now;
	struct diag errors; /* per action, "service\tmessage" */
};

static enum executor_verdict
loop_gate(const struct plan_action *a, void *payload)
{
	struct loop_apply *la = payload;
	struct loop *l = la->l;
	const struct nfv_service *s = loop_model_service(l, a->service);
	double until = 0;

	loop_signals_drain(l);
	loop_lease_tick(l, false);
	if (l->stopping || !l->leader)
		return EXECUTOR_STOP;
	if (l->o->dry_run || (s && s->sync != NFV_SYNC_APPLY))
		return EXECUTOR_PASS;
	if (a->service &&
	    policy_backing_off(&l->policy, a->service, la->now, NULL))
		return EXECUTOR_PASS;
	if (a->op == PLAN_RESPAWN && a->kind == PLAN_SERVER) {
		if (!policy_respawn_allowed(&l->policy, a->name, la->now,
		                            &until)) {
			log_warn(LOG_FIELDS({"ns", a->service}, {"vnf", a->vnf},
			                    {"vdu", a->vdu}, {"vim", a->vim},
			                    {"revision", l->rev.id}),
			         "%s: respawn budget spent (%u in %.0f s); "
			         "Degraded and left alone for %.0f s",
			         a->name, l->policy.respawn_max,
			         l->policy.respawn_window_s, until - la->now);
			return EXECUTOR_PASS;
		}
		policy_respawned(&l->policy, a->name, la->now);
	}
	return EXECUTOR_GO;
}

static const char *
loop_result_name(enum executor_phase p)
{
	switch (p) {
	case EXECUTOR_DONE:
		return "done";
	case EXECUTOR_FAILED:
		return "failed";
	case EXECUTOR_SKIPPED:
		return "skipped";
	default:
		return "?";
	}
}

/* Self-healing actions get their own words in the log. */
static const char *
loop_action_words(const struct plan_action *a)
{
	if (a->op == PLAN_RESPAWN)
		return "respawned";
	if (a->op == PLAN_FAILOVER)
		return "failed over";
	if (a->op == PLAN_UPDATE)
		return "updated";
	if (a->op == PLAN_DELETE)
		return "deleted";
	if (a->op == PLAN_REPLACE)
		return "replaced";
	return a->kind == PLAN_MEMBER ? "member added" : "created";
}

static void
loop_event(const struct executor_event *ev, void *payload)
{
	struct loop_apply *la = payload;
	struct loop *l = la->l;
	const struct plan_action *a = ev->action;
	char *labels, *msg = NULL;

	if (ev->phase == EXECUTOR_START) {
		log_debug(LOG_FIELDS({"ns", a->service}, {"vnf", a->vnf},
		                     {"vdu", a->vdu}, {"vim", a->vim},
		                     {"revision", l->rev.id}),
		          "%s %s %s ...", plan_op_name(a->op),
		          plan_kind_name(a->kind), a->name);
		return;
	}
	if (ev->phase == EXECUTOR_FOLLOW_UP ||
	    ev->phase == EXECUTOR_REREAD_FAILED) {
		loop_log_diag(ev->diag, l->rev.id);
		if (ev->phase == EXECUTOR_FOLLOW_UP)
			log_info(LOG_FIELDS({"revision", l->rev.id}),
			         "new pods: adding their pool members");
		return;
	}
	labels = xasprintf("kind=\"%s\",op=\"%s\",result=\"%s\"",
	                   plan_kind_name(a->kind), plan_op_name(a->op),
	                   loop_result_name(ev->phase));
	metrics_add(l->metrics, "nfvsync_actions_total", labels, 1);
	free(labels);
	if (ev->diag && ev->diag->n)
		msg = loop_diag_text(ev->diag);
	if (ev->phase == EXECUTOR_DONE) {
		char secs[32];

		snprintf(secs, sizeof(secs), "%.1f", ev->seconds);
		log_info(LOG_FIELDS({"ns", a->service}, {"vnf", a->vnf},
		                    {"vdu", a->vdu}, {"vim", a->vim},
		                    {"action", plan_op_name(a->op)},
		                    {"kind", plan_kind_name(a->kind)},
		                    {"reason", a->reason}, {"seconds", secs},
		                    {"revision", l->rev.id}),
		         "%s %s %s", loop_action_words(a),
		         plan_kind_name(a->kind), a->name);
	} else {
		log_error(LOG_FIELDS({"ns", a->service}, {"vnf", a->vnf},
		                     {"vdu", a->vdu}, {"vim", a->vim},
		                     {"action", plan_op_name(a->op)},
		                     {"kind", plan_kind_name(a->kind)},
		                     {"revision", l->rev.id}),
		          "%s %s %s %s: %s", plan_op_name(a->op),
		          plan_kind_name(a->kind), a->name,
		          loop_result_name(ev->phase), msg ? msg : "");
		if (a->service)
			diag_error(&la->errors, NULL, "%s\t%s %s %s: %s",
			           a->service, plan_op_name(a->op),
			           plan_kind_name(a->kind), a->name,
			           msg ? msg : "failed");
	}
	free(msg);
}

/* The first error of a service's actions in this cycle, or NULL. */
static const char *
loop_service_error(const struct diag *errors, const char *service)
{
	size_t n = strlen(service), i;

	for (i = 0; i < errors->n; i++) {
		const char *m = errors->entries[i].message;

		if (strncmp(m, service, n) == 0 && m[n] == '\t')
			return m + n + 1;
	}
	return NULL;
}

/* Per service: an error backs it off, a clean cycle makes the revision
 * its applied one. */
static void
loop_account(struct loop *l, const struct diag *errors, double now)
{
	size_t i;

	for (i = 0; i < l->repo->model.nservices; i++) {
		const struct nfv_service *ms = &l->repo->model.services[i];
		struct loop_service *s = loop_service(l, ms->name);
		const char *err = loop_service_error(errors, ms->name);

		if (ms->sync != NFV_SYNC_APPLY || l->o->dry_run)
			continue;
		if (policy_backing_off(&l->policy, ms->name, now, NULL))
			continue;
		if (err) {
			policy_failed(&l->policy, ms->name, now);
			loop_set_error(&s->error, err);
			log_warn(LOG_FIELDS({"ns", ms->name},
			                    {"revision", l->rev.id}),
			         "retrying in %.0f s (failure %u)",
			         policy_backoff_s(
			             policy_failures(&l->policy, ms->name),
			             l->policy.backoff_base_s,
			             l->policy.backoff_cap_s),
			         policy_failures(&l->policy, ms->name));
			continue;
		}
		if (policy_failures(&l->policy, ms->name))
			log_info(LOG_FIELDS({"ns", ms->name},
			                    {"revision", l->rev.id}),
			         "recovered");
		policy_succeeded(&l->policy, ms->name);
		loop_set_error(&s->error, NULL);
		if (!s->applied_revision ||
		    strcmp(s->applied_revision, l->rev.id) != 0) {
			loop_set_error(&s->applied_revision, l->rev.id);
			metrics_set(l->metrics,
			            "nfvsync_last_applied_timestamp_seconds",
			            NULL, (double)time(NULL));
		}
	}
}

/* Request counts of one HTTP client of VIM vim since the last harvest. */
static void
loop_harvest_client(struct loop *l, const char *vim, struct http_client *c)
{
	const struct http_stat *st;
	size_t j, n = http_client_stats(c, &st);

	for (j = 0; j < n; j++) {
		char *svc = metrics_label_escape(st[j].service);
		char *labels =
		    xasprintf("vim=\"%s\",service=\"%s\",status=\"%ld\"", vim,
		              svc, st[j].status);

		metrics_add(l->metrics, "nfvsync_vim_requests_total", labels,
		            (double)st[j].count);
		if (st[j].status == 429) {
			free(labels);
			labels = xasprintf("vim=\"%s\"", vim);
			metrics_add(l->metrics, "nfvsync_vim_throttled_total",
			            labels, (double)st[j].count);
		}
		free(labels);
		free(svc);
	}
	http_client_stats_reset(c);
}

/* Request counts of every VIM since the last harvest, into metrics: its
 * main driver's and those of parallel apply's workers. */
static void
loop_harvest_requests(struct loop *l)
{
	struct http_client *c;
	size_t i, k;

	for (i = 0; i < l->vims.n; i++) {
		char *vim = metrics_label_escape(l->vims.conns[i].cfg->name);

		for (k = 0; (c = vim_conn_http(&l->vims.conns[i], k)); k++)
			loop_harvest_client(l, vim, c);
		free(vim);
	}
}

static void
loop_observe_apply(struct loop *l)
{
	struct plan_opts popts = {0.5, l->o->allow_mass_delete,
	                          (long long)time(NULL), 0};
	struct loop_apply la = {l, loop_now(), {0}};
	struct executor_opts eo = {0};
	struct executor_stats st = {0};
	struct plan *plan = NULL;
	struct diag d;
	char *msg;

	diag_init(&d);
	diag_init(&la.errors);
	l->observed = false;
	if (!l->vims_open) {
		struct k8s_driver_opts k8s = {.kubeconfig = l->o->kubeconfig,
		                              .context = l->o->context,
		                              .force_conflicts =
		                                  l->o->force_conflicts};

		if (vim_set_open(&l->vims, &l->repo->model, &k8s, &d) < 0) {
			msg = loop_diag_text(&d);
			log_error(LOG_FIELDS({"revision", l->rev.id}),
			          "VIMs: %s", msg);
			loop_set_error(&l->error, msg);
			loop_error_metric(l, "vim");
			free(msg);
			vim_set_done(&l->vims);
			goto out;
		}
		loop_log_diag(&d, l->rev.id); /* TLS warnings */
		diag_done(&d);
		l->vims_open = true;
	}
	if (vim_set_observe(&l->vims, &d) < 0) {
		msg = loop_diag_text(&d);
		log_error(LOG_FIELDS({"revision", l->rev.id}),
		          "observe: %s; nothing is planned blind", msg);
		loop_set_error(&l->error, msg);
		loop_error_metric(l, "observe");
		free(msg);
		goto out;
	}
	l->observed = true;
	if (plan_build(&l->repo->model, &l->vims.obs, &popts, &plan, &d) < 0) {
		msg = loop_diag_text(&d);
		log_error(LOG_FIELDS({"revision", l->rev.id}), "plan: %s", msg);
		loop_set_error(&l->error, msg);
		loop_error_metric(l, "plan");
		free(msg);
		goto out;
	}
	loop_set_error(&l->error, NULL);
	metrics_set(l->metrics, "nfvsync_drift_actions", NULL, (double)plan->n);
	if (plan->n > 0) {
		metrics_add(l->metrics, "nfvsync_drift_detected_total", NULL,
		            (double)plan->n);
		log_info(LOG_FIELDS({"revision", l->rev.id}),
		         "drift: %zu action%s planned%s", plan->n,
		         plan->n == 1 ? "" : "s",
		         l->o->dry_run ? " (dry-run: none carried out)" : "");
	}
	eo.model = &l->repo->model;
	eo.gate = loop_gate;
	eo.on_event = loop_event;
	eo.payload = &la;
	eo.parallelism = l->o->parallelism;
	executor_run(&l->vims, plan, &eo, &st);
	if (st.failed)
		loop_error_metric(l, "apply");
	loop_account(l, &la.errors, la.now);
	/* What is still to do, for status: read the VIMs again when
	 * something changed. */
	if (st.done > 0 && !l->stopping) {
		struct plan *after = NULL;

		diag_done(&d);
		if (vim_set_observe(&l->vims, &d) == 0 &&
		    plan_build(&l->repo->model, &l->vims.obs, &popts, &after,
		               &d) == 0) {
			plan_free(plan);
			plan = after;
		}
	}
	plan_free(l->pending);
	l->pending = plan;
	plan = NULL;
out:
	loop_harvest_requests(l);
	plan_free(plan);
	diag_done(&la.errors);
	diag_done(&d);
}

/* ---- status --------------------------------------------------------- */

static void
loop_publish(struct loop *l)
{
	struct status_service_state *ss =
	    xcalloc(l->nservices + 1, sizeof(*ss));
	struct status_input in = {0};
	struct json_object *o;
	double now = loop_now();
	size_t i;

	for (i = 0; i < l->nservices; i++) {
		ss[i].name = l->services[i].name;
		ss[i].applied_revision = l->services[i].applied_revision;
		ss[i].error = l->services[i].error;
		ss[i].backing_off = policy_backing_off(
		    &l->policy, l->services[i].name, now, NULL);
	}
	in.source = source_name(l->o->source);
	in.revision = l->rev.id;
	in.summary = l->rev.summary;
	in.failed_revision = l->failed_rev;
	in.error = l->error ? l->error : l->failed_error;
	in.cycles = l->cycles;
	in.last_cycle_wall = l->last_cycle_wall;
	in.dry_run = l->o->dry_run;
	in.leader = l->leader;
	in.model = l->repo && l->leader ? &l->repo->model : NULL;
	in.obs = l->observed ? &l->vims.obs : NULL;
	in.plan = l->pending;
	in.services = ss;
	in.nservices = l->nservices;
	in.policy = &l->policy;
	in.now = now;
	o = status_build(&in);
	if (l->httpd)
		httpd_set_status(l->httpd,
		                 json_object_to_json_string_ext(
		                     o, JSON_C_TO_STRING_PRETTY |
		                            JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	free(ss);
}

static void
loop_cycle(struct loop *l)
{
	double t0 = loop_now();

	l->cycles++;
	l->cycle_failed = false;
	loop_lease_tick(l, false);
	if (!l->leader) {
		/* A standby observes nothing and acts on nothing. */
		l->observed = false;
		l->last_cycle_wall = (double)time(NULL);
		loop_publish(l);
		if (l->httpd)
			httpd_set_ready(l->httpd, true);
		return;
	}
	loop_sync(l);
	if (l->repo && !l->stopping)
		loop_observe_apply(l);
	l->last_cycle_wall = (double)time(NULL);
	metrics_add(l->metrics, "nfvsync_reconcile_cycles_total", NULL, 1);
	metrics_observe(l->metrics, "nfvsync_reconcile_duration_seconds", NULL,
	                loop_now() - t0);
	loop_publish(l);
	if (l->httpd && l->repo)
		httpd_set_ready(l->httpd, true);
	log_info(
	    LOG_FIELDS({"revision", l->rev.id},
	               {"pending", l->pending && l->pending->n ? "yes" : NULL}),
	    "cycle %llu %s in %.2f s", l->cycles,
	    l->cycle_failed ? "failed" : "done", loop_now() - t0);
}

/* ---- waiting -------------------------------------------------------- */

static void
loop_metrics_declare(struct metrics *m)
{
	static const double secs[] = {0.05, 0.1, 0.25, 0.5, 1,   2.5,
	                              5,    10,  30,   60,  120, 300};

	metrics_declare(m, "nfvsync_reconcile_duration_seconds", "histogram",
	                "Duration of a reconcile cycle.", secs,
	                sizeof(secs) / sizeof(secs[0]));
	metrics_declare(m, "nfvsync_reconcile_cycles_total", "counter",
	                "Reconcile cycles run.", NULL, 0);
	metrics_declare(m, "nfvsync_reconcile_errors_total", "counter",
	                "Cycles that failed, by stage (source, load, vim, "
	                "observe, plan, apply).",
	                NULL, 0);
	metrics_declare(m, "nfvsync_drift_detected_total", "counter",
	                "Planned actions found by cycles (drift).", NULL, 0);
	metrics_declare(m, "nfvsync_drift_actions", "gauge",
	                "Actions the last cycle planned.", NULL, 0);
	metrics_declare(m, "nfvsync_actions_total", "counter",
	                "Actions carried out, by kind, op and result.", NULL,
	                0);
	metrics_declare(m, "nfvsync_vim_requests_total", "counter",
	                "Requests to VIMs by VIM, service and HTTP status "
	                "(0: no answer).",
	                NULL, 0);
	metrics_declare(m, "nfvsync_vim_throttled_total", "counter",
	                "429 answers from VIMs.", NULL, 0);
	metrics_declare(m, "nfvsync_source_sync_duration_seconds", "histogram",
	                "Time to bring the source up to date (Git: fetch).",
	                secs, sizeof(secs) / sizeof(secs[0]));
	metrics_declare(m, "nfvsync_last_applied_timestamp_seconds", "gauge",
	                "When a revision was last applied in full (Unix "
	                "time).",
	                NULL, 0);
}

/* The next cycle's time: due (the jittered interval), or sooner for a
 * service's retry, a burst of file events or the lease. */
static double
loop_next(const struct loop *l, double due)
{
	double next = due;
	double retry = policy_next_retry(&l->policy, loop_now());

	if (retry > 0 && retry < next)
		next = retry;
	if (l->lease && l->lease_next < next)
		next = l->lease_next;
	if (l->burst_first > 0) {
		double b = policy_debounce_at(l->burst_first, l->burst_last,
		                              LOOP_QUIET_S, LOOP_BURST_MAX_S);

		if (b < next)
			next = b;
	}
	return next;
}

/* Waits for the next cycle; returns early on events. */
static void
loop_wait(struct loop *l, double last)
{
	int sfd = source_fd(l->o->source);
	int tfd = l->httpd ? httpd_trigger_fd(l->httpd) : -1;
	double due = last + policy_jitter_s(l->o->interval_s, LOOP_JITTER,
	                                    (double)random() / 2147483648.0);

	for (;;) {
		struct pollfd p[3] = {
		    {l->sigfd, POLLIN, 0}, {sfd, POLLIN, 0}, {tfd, POLLIN, 0}};
		double now = loop_now(), next = loop_next(l, due);
		int ms;

		if (l->stopping || l->reload)
			return;
		if (l->lease && now >= l->lease_next) {
			bool was = l->leader;

			loop_lease_tick(l, false);
			if (l->leader && !was)
				return; /* act at once */
			continue;
		}
		if (now >= next)
			return;
		ms = (int)((next - now) * 1000) + 1;
		if (poll(p, 3, ms) < 0 && errno != EINTR)
			return;
		if (p[0].revents)
			loop_signals_drain(l);
		if (p[1].revents && source_drain(l->o->source)) {
			now = loop_now();
			if (l->burst_first == 0)
				l->burst_first = now;
			l->burst_last = now;
			log_debug(NULL, "source changed");
		}
		if (p[2].revents && httpd_take_trigger(l->httpd)) {
			log_info(
			    LOG_FIELDS({"source", source_name(l->o->source)}),
			    "webhook: push received, syncing now");
			return;
		}
	}
}

static void
loop_free(struct loop *l)
{
	size_t i;

	if (l->lease) {
		struct diag d;

		diag_init(&d);
		if (k8s_lease_release(l->lease, &d) < 0) {
			char *msg = loop_diag_text(&d);

			log_warn(NULL, "lease release: %s", msg);
			free(msg);
		} else if (l->leader) {
			log_info(NULL, "lease released");
		}
		diag_done(&d);
		k8s_lease_free(l->lease);
	}
	if (l->httpd)
		httpd_stop(l->httpd);
	metrics_free(l->metrics);
	if (l->sigfd >= 0)
		close(l->sigfd);
	vim_set_done(&l->vims);
	plan_free(l->pending);
	nfv_repo_free(l->repo);
	source_rev_done(&l->rev);
	free(l->failed_rev);
	free(l->failed_error);
	free(l->error);
	policy_done(&l->policy);
	for (i = 0; i < l->nservices; i++) {
		free(l->services[i].name);
		free(l->services[i].applied_revision);
		free(l->services[i].error);
	}
	free(l->services);
}

int
loop_run(const struct loop_opts *o)
{
	struct loop l;
	struct diag d;
	int ret = 0;

	memset(&l, 0, sizeof(l));
	l.o = o;
	policy_init(&l.policy);
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	l.metrics = metrics_new();
	loop_metrics_declare(l.metrics);
	l.leader = !o->leader_elect;
	l.sigfd = loop_signals_open();
	if (l.sigfd < 0) {
		fprintf(stderr, "nfvsync: signalfd: %s\n", strerror(-l.sigfd));
		ret = l.sigfd;
		goto out;
	}
	if (o->listen) {
		struct httpd_opts ho = {o->listen, o->webhook_secret, o->ref,
		                        l.metrics};

		diag_init(&d);
		if (httpd_start(&ho, &l.httpd, &d) < 0) {
			diag_print(&d, stderr);
			diag_done(&d);
			ret = -EADDRNOTAVAIL;
			goto out;
		}
		diag_done(&d);
		log_info(NULL,
		         "serving /healthz /readyz /status /metrics%s on "
		         "port %u",
		         o->webhook_secret ? " /webhook" : "",
		         httpd_port(l.httpd));
	}
	if (o->leader_elect) {
		char host[256] = "nfvsync", *id;
		const char *name = o->lease_name ? o->lease_name : "nfvsync";

		gethostname(host, sizeof(host) - 1);
		id = xasprintf("%s_%ld", host, (long)getpid());
		diag_init(&d);
		ret = k8s_lease_new(o->kubeconfig, o->context,
		                    o->lease_namespace, name, id, &l.lease, &d);
		if (ret < 0) {
			diag_print(&d, stderr);
			diag_done(&d);
			free(id);
			goto out;
		}
		diag_done(&d);
		log_info(LOG_FIELDS({"lease", name}, {"identity", id}),
		         "leader election: acting only while holding the "
		         "lease");
		free(id);
	}
	log_info(LOG_FIELDS({"source", source_name(o->source)}),
	         "reconciling every %.0f s%s", o->interval_s,
	         o->dry_run ? " (dry-run: nothing is changed)" : "");
	for (;;) {
		double last;

		loop_cycle(&l);
		last = loop_now();
		l.burst_first = l.burst_last = 0;
		if (o->once) {
			ret = l.cycle_failed || !l.repo ? 1 : 0;
			break;
		}
		loop_wait(&l, last);
		if (l.stopping)
			break;
	}
	log_info(LOG_FIELDS({"revision", l.rev.id}),
	         "stopped after %llu "
	         "cycle%s",
	         l.cycles, l.cycles == 1 ? "" : "s");
out:
	loop_free(&l);
	return ret;
}
