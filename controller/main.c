/*
 * nfvsync: the command line. Dispatches a verb to its cmd_<verb>.c; every
 * verb prints its own --help. Only this layer prints or exits.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#ifndef NFVSYNC_VERSION
#define NFVSYNC_VERSION "dev"
#endif

static const char main_usage[] =
    "usage: nfvsync <command> [options] [PATH...]\n"
    "\n"
    "GitOps for network functions: reads TOSCA NFV descriptors (NSDs and\n"
    "VNFDs in the Tacker NFV profile) and converges OpenStack and\n"
    "Kubernetes VIMs to them.\n"
    "\n"
    "Commands:\n"
    "  validate   check descriptors; prints 'configuration OK' or errors\n"
    "  show       print the resolved model as JSON\n"
    "  plan       show what apply would create, change or delete\n"
    "  apply      carry the plan out on the VIMs\n"
    "  run        the controller on a Git repository (loop, /status)\n"
    "  watch      the controller on a directory (applies saved edits)\n"
    "  status     what a running controller reports\n"
    "  version    print the version\n"
    "\n"
    "Run 'nfvsync <command> --help' for a command's options.\n";

static const char version_usage[] = "usage: nfvsync version\n"
                                    "\n"
                                    "Prints nfvsync's version.\n";

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
};

static const struct cmd cmds[] = {
    {"validate", cmd_validate}, {"show", cmd_show}, {"plan", cmd_plan},
    {"apply", cmd_apply},       {"run", cmd_run},   {"watch", cmd_watch},
    {"status", cmd_status},     {NULL, NULL},
};

int
main(int argc, char **argv)
{
	const struct cmd *c;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		fputs(main_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_ERROR : CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "version") == 0 ||
	    strcmp(argv[1], "--version") == 0) {
		if (argc > 2 && (strcmp(argv[2], "--help") == 0 ||
		                 strcmp(argv[2], "-h") == 0)) {
			fputs(version_usage, stdout);
			return CLI_EXIT_OK;
		}
		if (argc > 2) {
			fprintf(stderr,
			        "nfvsync version: unexpected argument '%s'\n%s",
			        argv[2], version_usage);
			return CLI_EXIT_ERROR;
		}
		printf("nfvsync %s\n", NFVSYNC_VERSION);
		return CLI_EXIT_OK;
	}
	for (c = cmds; c->name; c++) {
		if (strcmp(argv[1], c->name) == 0)
			return c->fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "nfvsync: unknown command '%s'\n\n%s", argv[1],
	        main_usage);
	return CLI_EXIT_ERROR;
}
