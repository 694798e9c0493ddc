/* `nfvsync validate PATH…`: load and check descriptors, change nothing. */
#include "cli.h"

#include <stdio.h>

static const char validate_usage[] =
    "usage: nfvsync validate [--strict] [-p PARAMS.yaml]... PATH...|--source "
    "URL\n"
    "\n"
    "Reads TOSCA descriptors (files, or directories searched for *.yaml,\n"
    "with VIM registrations in vims/) and checks them against the NFV\n"
    "types. Prints 'configuration OK' or file:line:col: errors; exits 1\n"
    "on any error. Reads no VIM.\n"
    "\n" CLI_INPUT_USAGE CLI_SOURCE_USAGE;

int
cmd_validate(int argc, char **argv)
{
	struct cli_opts o;
	struct nfv_repo *repo;
	size_t i, vnfs = 0;
	int r;

	r = cli_parse(argc, argv, "validate", validate_usage, "", &o);
	if (r != 0) {
		cli_opts_done(&o);
		return r > 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
	}
	r = cli_load(&o, &repo);
	cli_opts_done(&o);
	if (r < 0)
		return CLI_EXIT_ERROR;
	for (i = 0; i < repo->model.nservices; i++)
		vnfs += repo->model.services[i].nvnfs;
	printf("configuration OK: %zu descriptor file%s, %zu service%s, "
	       "%zu VNF%s, %zu VIM%s\n",
	       repo->set.n, repo->set.n == 1 ? "" : "s", repo->model.nservices,
	       repo->model.nservices == 1 ? "" : "s", vnfs,
	       vnfs == 1 ? "" : "s", repo->model.nvims,
	       repo->model.nvims == 1 ? "" : "s");
	nfv_repo_free(repo);
	return CLI_EXIT_OK;
}
