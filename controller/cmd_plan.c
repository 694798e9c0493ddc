/*
 * `nfvsync plan PATH…`: what apply would do. Offline for now — the VIM
 * drivers are not built yet, so every VIM is taken to be empty and the plan
 * lists what a first apply creates.
 */
#include "cli.h"
#include "plan.h"

#include <stdlib.h>

static const char plan_usage[] =
    "usage: nfvsync plan [-o text|json] [--out FILE] [--detailed-exitcode]\n"
    "                    [--strict] [-p PARAMS.yaml]... PATH...\n"
    "\n"
    "Shows the actions that would converge the VIMs to the descriptors,\n"
    "grouped by service and VIM. (This version plans against empty VIMs:\n"
    "the OpenStack and Kubernetes drivers are not built yet.)\n"
    "\n"
    "  -o, --output FORMAT    text (default) or json (format_version 1)\n"
    "      --out FILE         write the plan to FILE\n"
    "      --detailed-exitcode  exit 0 no changes, 1 error, 2 changes\n";

int
cmd_plan(int argc, char **argv)
{
	struct cli_opts o;
	struct nfv_repo *repo;
	struct plan *plan;
	char *text;
	int r, changes;

	r = cli_parse(argc, argv, "plan", plan_usage, "odf", &o);
	if (r != 0) {
		cli_opts_done(&o);
		return r > 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
	}
	r = cli_load(&o, &repo);
	if (r < 0) {
		cli_opts_done(&o);
		return CLI_EXIT_ERROR;
	}
	{
		struct diag d;

		diag_init(&d);
		r = plan_build(&repo->model, NULL, NULL, &plan, &d);
		diag_print(&d, stderr);
		diag_done(&d);
		if (r < 0) {
			nfv_repo_free(repo);
			cli_opts_done(&o);
			return CLI_EXIT_ERROR;
		}
	}
	text = o.format == CLI_FORMAT_JSON ? plan_to_json(plan)
	                                   : plan_to_text(plan);
	r = cli_emit(&o, text);
	if (o.format == CLI_FORMAT_JSON && r == 0)
		r = cli_emit(&o, "\n");
	changes = plan->n > 0;
	free(text);
	plan_free(plan);
	nfv_repo_free(repo);
	if (r < 0) {
		cli_opts_done(&o);
		return CLI_EXIT_ERROR;
	}
	r = o.detailed_exitcode && changes ? CLI_EXIT_CHANGES : CLI_EXIT_OK;
	cli_opts_done(&o);
	return r;
}
