/*
 * `nfvsync plan PATH…`: what apply would do. Reads what exists on every VIM
 * the descriptors use (those nfvsync has a driver for) and diffs; with
 * --offline it contacts nothing and plans as if every VIM were empty.
 */
#include "cli.h"
#include "plan.h"
#include "vims.h"

#include <stdio.h>
#include <stdlib.h>

static const char plan_usage[] =
    "usage: nfvsync plan [-o text|json] [--out FILE] [--detailed-exitcode]\n"
    "                    [--offline] [--allow-mass-delete]\n"
    "                    [--kubeconfig FILE] [--context NAME]\n"
    "                    [--strict] [-p PARAMS.yaml]... PATH...|--source URL\n"
    "\n"
    "Shows the actions that would converge the VIMs to the descriptors,\n"
    "grouped by service and VIM, after reading what the VIMs hold.\n"
    "\n"
    "  -o, --output FORMAT    text (default) or json (format_version 1)\n"
    "      --out FILE         write the plan to FILE\n"
    "      --detailed-exitcode  exit 0 no changes, 1 error, 2 changes\n"
    "      --offline          contact no VIM: plan as if all were empty\n"
    "      --allow-mass-delete  plan deletions of more than half of what\n"
    "                         nfvsync manages\n"
    "      --kubeconfig FILE  kubeconfig for Kubernetes VIMs without\n"
    "                         auth_url (default: $KUBECONFIG, ~/.kube/config)\n"
    "      --context NAME     kubeconfig context for those VIMs that name\n"
    "                         none (default: "
    "current-context)\n" CLI_SOURCE_USAGE;

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
	if (cli_load(&o, &repo) < 0)
		goto out;
	r = cli_observe(&o, repo, &vims, &plan, &d);
	diag_print(&d, stderr);
	if (r < 0)
		goto out;
	text = o.format == CLI_FORMAT_JSON ? plan_to_json(plan)
	                                   : plan_to_text(plan);
	r = cli_emit(&o, text);
	if (o.format == CLI_FORMAT_JSON && r == 0)
		r = cli_emit(&o, "\n");
	if (r < 0)
		goto out;
	rc =
	    o.detailed_exitcode && plan->n > 0 ? CLI_EXIT_CHANGES : CLI_EXIT_OK;
out:
	free(text);
	plan_free(plan);
	vim_set_done(&vims);
	nfv_repo_free(repo);
	diag_done(&d);
	cli_opts_done(&o);
	return rc;
}
