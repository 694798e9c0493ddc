/* `nfvsync show PATH… -o json`: the resolved model, inputs substituted. */
#include "cli.h"

#include <stdlib.h>

static const char show_usage[] =
    "usage: nfvsync show [-o json] [--strict] [-p PARAMS.yaml]... "
    "PATH...|--source URL\n"
    "\n"
    "Prints the resolved desired-state model (inputs substituted,\n"
    "policies applied, VIM placement resolved) as JSON (format_version 1).\n"
    "Reads no VIM.\n"
    "\n"
    "  -o, --output FORMAT    json, the only format (and the "
    "default)\n" CLI_INPUT_USAGE CLI_SOURCE_USAGE;

int
cmd_show(int argc, char **argv)
{
	struct cli_opts o;
	struct nfv_repo *repo;
	char *json;
	int r;

	r = cli_parse(argc, argv, "show", show_usage, "oJ", &o);
	if (r != 0) {
		cli_opts_done(&o);
		return r > 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
	}
	r = cli_load(&o, &repo);
	if (r < 0) {
		cli_opts_done(&o);
		return CLI_EXIT_ERROR;
	}
	json = nfv_model_to_json(&repo->model);
	r = cli_emit(&o, json);
	cli_emit(&o, "\n");
	free(json);
	nfv_repo_free(repo);
	cli_opts_done(&o);
	return r < 0 ? CLI_EXIT_ERROR : CLI_EXIT_OK;
}
