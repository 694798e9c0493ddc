/*
 * `nfvsync apply PATH…`: observe, plan, confirm, then carry out the plan
 * action by action in order (creates and repairs first, in dependency
 * order; deletions last, members before their servers). A failed action
 * does not stop the others; the summary says what was done and what was
 * not, and running apply again converges the rest.
 */
#include "cli.h"
#include "executor.h"
#include "plan.h"
#include "plan_file.h"
#include "vims.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char apply_usage[] =
    "usage: nfvsync apply [--auto-approve] [--parallelism N]\n"
    "                     [--allow-mass-delete] [--force-conflicts]\n"
    "                     [--kubeconfig FILE] [--context NAME]\n"
    "                     [--strict] [-p PARAMS.yaml]... PATH...|--source URL\n"
    "       nfvsync apply PLANFILE\n"
    "\n"
    "Reads what the VIMs hold, shows the plan, asks for confirmation (unless\n"
    "--auto-approve) and carries it out. Exits 0 when every action\n"
    "succeeded, 1 otherwise. A service whose descriptor says\n"
    "nfvsync.io/sync: suspend is left out, as run and watch leave it.\n"
    "\n"
    "A PLANFILE saved by 'nfvsync plan --out' is applied without asking,\n"
    "with the inputs and options it was made with, if the descriptors and\n"
    "the VIMs are still as they were; otherwise apply refuses and changes\n"
    "nothing.\n"
    "\n"
    "      --auto-approve     do not ask (needed without a terminal)\n"
    "      --parallelism N    actions in flight at once (default 10; 1: one\n"
    "                         by one in the plan's order)\n"
    "      --allow-mass-delete  allow deleting more than half of what\n"
    "                         nfvsync manages\n"
    "      --kubeconfig FILE  kubeconfig for Kubernetes VIMs without\n"
    "                         auth_url (default: $KUBECONFIG, ~/.kube/config)\n"
    "      --context NAME     kubeconfig context for those VIMs that name\n"
    "                         none (default: "
    "current-context)\n"
    "      --force-conflicts  take Kubernetes fields another field manager\n"
    "                         owns (default: report the "
    "conflict)\n" CLI_INPUT_USAGE CLI_SOURCE_USAGE;

static double
apply_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * What apply shows while it runs. Not a terminal: one line per action once
 * it ended (actions run side by side), and the errors of those that fail.
 * On a terminal, below those lines, a status line redrawn at every event:
 * how far it got, what runs, and what waits (per kind: each stage waits
 * for the one before).
 */
struct apply_progress {
	const struct plan *plan;
	bool tty;
	bool *started; /* per action of plan */
	const struct plan_action **running;
	size_t nrunning;
	size_t caprunning;
	size_t ended;
	double t0;
};

static void
apply_status_line(const struct apply_progress *pg)
{
	size_t waiting[PLAN_KIND_MAX] = {0}, i, k, shown = 0;
	char line[512];
	int n;

	for (i = 0; i < pg->plan->n; i++) {
		if (!pg->started[i])
			waiting[pg->plan->actions[i].kind]++;
	}
	n = snprintf(line, sizeof(line),
	             "[%zu/%zu, %.0f s] running:", pg->ended, pg->plan->n,
	             apply_now() - pg->t0);
	for (i = 0; i < pg->nrunning && n < (int)sizeof(line); i++) {
		if (i == 3) {
			n += snprintf(line + n, sizeof(line) - (size_t)n,
			              " +%zu", pg->nrunning - 3);
			break;
		}
		n += snprintf(line + n, sizeof(line) - (size_t)n, " %s %s",
		              plan_kind_name(pg->running[i]->kind),
		              pg->running[i]->name);
	}
	for (k = 0; k < PLAN_KIND_MAX && n < (int)sizeof(line); k++) {
		if (!waiting[k])
			continue;
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%s %zu %s",
		              shown++ ? "," : "; waiting:", waiting[k],
		              plan_kind_name((enum plan_kind)k));
	}
	/* One line, cut to 120 columns, redrawn in place. */
	printf("\r\033[K%.120s", line);
}

static void
apply_print(const struct executor_event *ev, void *payload)
{
	struct apply_progress *pg = payload;
	const struct plan_action *a = ev->action;
	bool ours =
	    a && a >= pg->plan->actions && a < pg->plan->actions + pg->plan->n;
	size_t k;

	if (pg->tty)
		printf("\r\033[K");
	switch (ev->phase) {
	case EXECUTOR_START:
		if (ours)
			pg->started[a - pg->plan->actions] = true;
		/* A pool's members start together: more than --parallelism
		 * may be in flight. */
		XGROW(pg->running, pg->caprunning, pg->nrunning + 1);
		pg->running[pg->nrunning++] = a;
		break;
	case EXECUTOR_DONE:
	case EXECUTOR_FAILED:
	case EXECUTOR_SKIPPED:
		if (ours)
			pg->started[a - pg->plan->actions] = true;
		for (k = 0; k < pg->nrunning; k++) {
			if (pg->running[k] == a) {
				pg->running[k] = pg->running[--pg->nrunning];
				break;
			}
		}
		pg->ended++;
		printf("%s %s %s on %s ... ", plan_op_name(a->op),
		       plan_kind_name(a->kind), a->name, a->vim);
		if (ev->phase == EXECUTOR_DONE) {
			printf("done (%.1f s)\n", ev->seconds);
			break;
		}
		printf("%s\n",
		       ev->phase == EXECUTOR_SKIPPED ? "skipped" : "failed");
		for (k = 0; k < ev->diag->n; k++) {
			char *msg = diag_entry_format(&ev->diag->entries[k]);

			printf("    %s\n", msg);
			free(msg);
		}
		break;
	case EXECUTOR_FOLLOW_UP:
		printf("\nThe VIMs moved on (new pods): following up.\n");
		diag_print(ev->diag, stderr);
		break;
	case EXECUTOR_REREAD_FAILED:
		diag_print(ev->diag, stderr);
		break;
	}
	if (pg->tty && ev->phase != EXECUTOR_FOLLOW_UP)
		apply_status_line(pg);
	fflush(stdout);
}

/* Suspended services are left out, as run and watch leave them. */
static enum executor_verdict
apply_gate(const struct plan_action *a, void *payload)
{
	struct apply_progress *pg = payload;

	if (!plan_action_suspended(pg->plan, a))
		return EXECUTOR_GO;
	/* not waiting either, for the status line */
	if (a >= pg->plan->actions && a < pg->plan->actions + pg->plan->n)
		pg->started[a - pg->plan->actions] = true;
	return EXECUTOR_PASS;
}

/* Says which services apply leaves alone; returns how many actions. */
static size_t
apply_suspended_notice(const struct plan *plan)
{
	size_t i, j, n = plan_count_suspended(plan);

	for (i = 0; n && i < plan->model->nservices; i++) {
		const struct nfv_service *s = &plan->model->services[i];
		size_t k = 0;

		if (s->sync != NFV_SYNC_SUSPEND)
			continue;
		for (j = 0; j < plan->n; j++)
			k += strcmp(plan->actions[j].service, s->name) == 0;
		if (k)
			printf("Service %s is suspended (nfvsync.io/sync: "
			       "suspend in %s): its %zu action%s left "
			       "out.\n",
			       s->name, s->file, k, k == 1 ? " is" : "s are");
	}
	return n;
}

static bool
apply_confirm(void)
{
	char line[16];

	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "nfvsync apply: no terminal to confirm on; "
		                "run with --auto-approve\n");
		return false;
	}
	printf("\nApply these actions? Only 'yes' is accepted: ");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	return strcmp(line, "yes\n") == 0;
}

int
cmd_apply(int argc, char **argv)
{
	struct cli_opts o;
	struct nfv_repo *repo = NULL;
	struct vim_set vims = {0};
	struct plan *plan = NULL;
	struct plan_file *saved = NULL;
	struct plan_file_inputs now = {0};
	struct diag d;
	char *text = NULL;
	struct executor_opts eo = {0};
	struct executor_stats st = {0};
	struct apply_progress pg = {0};
	double t0 = apply_now();
	size_t i, suspended;
	int r, rc = CLI_EXIT_ERROR;

	r = cli_parse(argc, argv, "apply", apply_usage, "ymkPF", &o);
	if (r != 0) {
		cli_opts_done(&o);
		return r > 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
	}
	diag_init(&d);
	if (o.npaths == 1 && cli_is_plan_file(o.paths[0])) {
		if (o.strict || o.allow_mass_delete || o.nparam_files) {
			fprintf(stderr,
			        "nfvsync apply: a saved plan carries its "
			        "own inputs and options; give the plan "
			        "file alone\n");
			goto out;
		}
		r = cli_plan_file_read(o.paths[0], &saved, &d);
		diag_print(&d, stderr);
		diag_done(&d);
		if (r < 0)
			goto out;
		free(o.paths);
		o.paths = xcalloc(saved->in.npaths + 1, sizeof(*o.paths));
		for (i = 0; i < saved->in.npaths; i++)
			o.paths[i] = saved->in.paths[i];
		o.npaths = saved->in.npaths;
		free(o.param_files);
		o.param_files =
		    xcalloc(saved->in.nparam_files + 1, sizeof(*o.param_files));
		for (i = 0; i < saved->in.nparam_files; i++)
			o.param_files[i] = saved->in.param_files[i];
		o.nparam_files = saved->in.nparam_files;
		o.strict = saved->in.strict;
		o.allow_mass_delete = saved->in.allow_mass_delete;
		o.auto_approve = true;
	}
	if (cli_load(&o, &repo) < 0)
		goto out;
	r = cli_observe(&o, repo, &vims, &plan, &d);
	if (r == 0 && saved) {
		r = cli_plan_sources(repo, &now, &d);
		if (r == 0)
			r = plan_file_check(saved, now.sources, now.nsources,
			                    &vims.obs, plan, &d);
	}
	diag_print(&d, stderr);
	diag_done(&d);
	if (r < 0) {
		if (saved)
			fprintf(stderr, "Nothing was changed on any VIM.\n");
		goto out;
	}
	text = plan_to_text(plan);
	fputs(text, stdout);
	suspended = apply_suspended_notice(plan);
	if (plan->n == suspended) {
		printf("Nothing to do: the VIMs match the descriptors%s.\n",
		       suspended ? " outside the suspended services" : "");
		rc = CLI_EXIT_OK;
		goto out;
	}
	if (!o.auto_approve && !apply_confirm()) {
		fprintf(stderr, "Apply cancelled; nothing was changed.\n");
		goto out;
	}
	printf("\n");
	eo.model = &repo->model;
	pg.plan = plan;
	pg.tty = isatty(STDOUT_FILENO);
	pg.started = xcalloc(plan->n + 1, sizeof(*pg.started));
	pg.t0 = apply_now();
	eo.on_event = apply_print;
	eo.gate = apply_gate;
	eo.payload = &pg;
	eo.parallelism = o.parallelism;
	executor_run(&vims, plan, &eo, &st);
	if (pg.tty)
		printf("\r\033[K");
	printf("\nApply: %zu done, %zu failed, %zu skipped", st.done, st.failed,
	       st.skipped);
	if (st.passed)
		printf(", %zu left out (suspended)", st.passed);
	printf(" in %.1f s (%llu VIM requests).\n", apply_now() - t0,
	       vim_set_requests(&vims));
	if (st.failed || st.skipped)
		printf("Run apply again to retry what did not succeed.\n");
	rc = st.failed || st.skipped ? CLI_EXIT_ERROR : CLI_EXIT_OK;
out:
	free(pg.started);
	free(pg.running);
	free(text);
	plan_free(plan);
	plan_file_inputs_done(&now);
	plan_file_free(saved);
	vim_set_done(&vims);
	nfv_repo_free(repo);
	diag_done(&d);
	cli_opts_done(&o);
	return rc;
}
