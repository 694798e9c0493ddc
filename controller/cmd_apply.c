/*
 * `nfvsync apply PATH…`: observe, plan, confirm, then carry out the plan
 * action by action in order (creates and repairs first, in dependency
 * order; deletions last, members before their servers). A failed action
 * does not stop the others; the summary says what was done and what was
 * not, and running apply again converges the rest.
 */
#include "cli.h"
#include "plan.h"
#include "vims.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char apply_usage[] =
    "usage: nfvsync apply [--auto-approve] [--allow-mass-delete]\n"
    "                     [--strict] [-p PARAMS.yaml]... PATH...\n"
    "\n"
    "Reads what the VIMs hold, shows the plan, asks for confirmation (unless\n"
    "--auto-approve) and carries it out. Exits 0 when every action\n"
    "succeeded, 1 otherwise.\n"
    "\n"
    "      --auto-approve     do not ask (needed without a terminal)\n"
    "      --allow-mass-delete  allow deleting more than half of what\n"
    "                         nfvsync manages\n";

static double
apply_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct apply_stats {
	size_t done;
	size_t failed;
	size_t skipped;
};

/* Carries out plan's actions in order (members_only: pool members only),
 * printing one line each and the errors of those that fail. */
static void
apply_run(struct vim_set *vims, const struct plan *plan, bool members_only,
          struct apply_stats *st)
{
	struct diag d;
	size_t i, k;

	diag_init(&d);
	for (i = 0; i < plan->n; i++) {
		const struct plan_action *a = &plan->actions[i];
		double t = apply_now();
		int r;

		if (members_only && a->kind != PLAN_MEMBER)
			continue;
		printf("%s %s %s on %s ... ", plan_op_name(a->op),
		       plan_kind_name(a->kind), a->name, a->vim);
		fflush(stdout);
		r = vim_set_apply(vims, a, &d);
		if (r == 0) {
			printf("done (%.1f s)\n", apply_now() - t);
			st->done++;
		} else {
			/* -EAGAIN: a pod member whose address is not known. */
			bool skip = r == -ENOTSUP || r == -EAGAIN;

			printf("%s\n", skip ? "skipped" : "failed");
			if (skip)
				st->skipped++;
			else
				st->failed++;
			for (k = 0; k < d.n; k++) {
				char *msg = diag_entry_format(&d.entries[k]);

				printf("    %s\n", msg);
				free(msg);
			}
		}
		diag_done(&d);
	}
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
	struct diag d;
	char *text = NULL;
	struct apply_stats st = {0, 0, 0};
	size_t done = 0, failed = 0, skipped = 0;
	double t0 = apply_now();
	int r, rc = CLI_EXIT_ERROR;

	r = cli_parse(argc, argv, "apply", apply_usage, "ym", &o);
	if (r != 0) {
		cli_opts_done(&o);
		return r > 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
	}
	diag_init(&d);
	if (cli_load(&o, &repo) < 0)
		goto out;
	r = cli_observe(&o, repo, &vims, &plan, &d);
	diag_print(&d, stderr);
	diag_done(&d);
	if (r < 0)
		goto out;
	text = plan_to_text(plan);
	fputs(text, stdout);
	if (plan->n == 0) {
		printf("Nothing to do: the VIMs match the descriptors.\n");
		rc = CLI_EXIT_OK;
		goto out;
	}
	if (!o.auto_approve && !apply_confirm()) {
		fprintf(stderr, "Apply cancelled; nothing was changed.\n");
		goto out;
	}
	printf("\n");
	apply_run(&vims, plan, false, &st);
	/*
	 * Pods that the plan's Deployments started are pool members the plan
	 * could not know of: read the VIMs again and add those (members only;
	 * anything else that changed meanwhile waits for the next apply).
	 */
	if (st.failed == 0 && st.done > 0) {
		struct plan *next = NULL;

		diag_init(&d);
		if (vim_set_observe(&vims, &d) == 0 &&
		    plan_build(&repo->model, &vims.obs, NULL, &next, &d) == 0 &&
		    next->n > 0) {
			printf(
			    "\nThe VIMs moved on (new pods): following up.\n");
			st.skipped = 0;
			apply_run(&vims, next, true, &st);
		}
		diag_print(&d, stderr);
		diag_done(&d);
		plan_free(next);
	}
	done = st.done;
	failed = st.failed;
	skipped = st.skipped;
	printf("\nApply: %zu done, %zu failed, %zu skipped in %.1f s (%llu VIM "
	       "requests).\n",
	       done, failed, skipped, apply_now() - t0,
	       vim_set_requests(&vims));
	if (failed || skipped)
		printf("Run apply again to retry what did not succeed.\n");
	rc = failed || skipped ? CLI_EXIT_ERROR : CLI_EXIT_OK;
out:
	free(text);
	plan_free(plan);
	vim_set_done(&vims);
	nfv_repo_free(repo);
	diag_done(&d);
	cli_opts_done(&o);
	return rc;
}
