/*
 * `nfvsync plan PATH…`: what apply would do. Reads what exists on every VIM
 * the descriptors use (those nfvsync has a driver for) and diffs; with
 * --offline it contacts nothing and plans as if every VIM were empty.
 */
#include "cli.h"
#include "plan.h"
#include "plan_file.h"
#include "vims.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef NFVSYNC_VERSION
#define NFVSYNC_VERSION "dev"
#endif

static const char plan_usage[] =
    "usage: nfvsync plan [-o text|json] [--out FILE] [--detailed-exitcode]\n"
    "                    [--offline] [--allow-mass-delete]\n"
    "                    [--kubeconfig FILE] [--context NAME]\n"
    "                    [--strict] [-p PARAMS.yaml]... PATH...|--source URL\n"
    "\n"
    "Shows the actions that would converge the VIMs to the descriptors,\n"
    "grouped by service and VIM, after reading what the VIMs hold. The\n"
    "actions of a service whose descriptor says nfvsync.io/sync: suspend\n"
    "are shown and marked; apply, run and watch leave them out.\n"
    "\n"
    "  -o, --output FORMAT    text (default) or json (format_version 1)\n"
    "      --out FILE         also save the plan to FILE, for 'nfvsync apply\n"
    "                         FILE' (which refuses it once stale)\n"
    "      --detailed-exitcode  exit 0 no changes, 1 error, 2 changes\n"
    "                         (outside suspended services)\n"
    "      --offline          contact no VIM: plan as if all were empty\n"
    "      --allow-mass-delete  plan deletions of more than half of what\n"
    "                         nfvsync manages\n"
    "      --kubeconfig FILE  kubeconfig for Kubernetes VIMs without\n"
    "                         auth_url (default: $KUBECONFIG, ~/.kube/config)\n"
    "      --context NAME     kubeconfig context for those VIMs that name\n"
    "                         none (default: current-context)\n" CLI_INPUT_USAGE
        CLI_SOURCE_USAGE;

/* Saves the plan with what apply needs to check it still holds. */
static int
plan_save(const struct cli_opts *o, const struct nfv_repo *repo,
          const struct vim_set *vims, const struct plan *plan)
{
	struct plan_file_inputs in;
	struct diag d;
	char *text = NULL;
	FILE *f;
	int r;

	diag_init(&d);
	r = cli_plan_inputs(o, repo, &in, &d);
	diag_print(&d, stderr);
	diag_done(&d);
	if (r < 0)
		goto out;
	text = plan_file_render(plan, &vims->obs, &in, NFVSYNC_VERSION);
	f = fopen(o->out_file, "w");
	if (f) {
		r = fputs(text, f) < 0 ? -errno : 0;
		if (fclose(f) != 0 && r == 0)
			r = -errno;
	} else {
		r = -errno;
	}
	if (r < 0) {
		fprintf(stderr, "nfvsync plan: cannot write %s: %s\n",
		        o->out_file, strerror(-r));
		goto out;
	}
	fprintf(stderr,
	        "Saved the plan to %s; 'nfvsync apply %s' carries out exactly "
	        "these actions, or refuses if the descriptors or the VIMs "
	        "changed.\n",
	        o->out_file, o->out_file);
out:
	free(text);
	plan_file_inputs_done(&in);
	return r;
}

int
cmd_plan(int argc, char **argv)
{
	struct cli_opts o;
	struct nfv_repo *repo = NULL;
	struct vim_set vims = {0};
	struct plan *plan = NULL;
	struct diag d;
	char *text = NULL;
	int r, rc = CLI_EXIT_ERROR;

	r = cli_parse(argc, argv, "plan", plan_usage, "odfOmk", &o);
	if (r != 0) {
		cli_opts_done(&o);
		return r > 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
	}
	diag_init(&d);
	if (o.out_file && o.offline) {
		fprintf(stderr, "nfvsync plan: --out saves a plan to apply "
		                "later, which an --offline plan cannot be: it "
		                "read no VIM\n");
		goto out;
	}
	if (o.out_file && o.source) {
		fprintf(stderr, "nfvsync plan: --out does not record a Git "
		                "--source yet; plan a checked-out directory "
		                "instead\n");
		goto out;
	}
	if (cli_load(&o, &repo) < 0)
		goto out;
	r = cli_observe(&o, repo, &vims, &plan, &d);
	diag_print(&d, stderr);
	if (r < 0)
		goto out;
	text = o.format == CLI_FORMAT_JSON ? plan_to_json(plan)
	                                   : plan_to_text(plan);
	fputs(text, stdout);
	if (o.format == CLI_FORMAT_JSON)
		fputs("\n", stdout);
	if (o.out_file && plan_save(&o, repo, &vims, plan) < 0)
		goto out;
	/* Changes are pending only where apply would carry them out. */
	rc = o.detailed_exitcode && plan->n > plan_count_suspended(plan)
	         ? CLI_EXIT_CHANGES
	         : CLI_EXIT_OK;
out:
	free(text);
	plan_free(plan);
	vim_set_done(&vims);
	nfv_repo_free(repo);
	diag_done(&d);
	cli_opts_done(&o);
	return rc;
}
