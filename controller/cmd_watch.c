/*
 * `nfvsync watch DIR`: the reconcile loop on a directory of descriptors,
 * watched with inotify (new subdirectories included): a saved edit is
 * applied without a restart, and drift is repaired every interval anyway.
 * Options are run's (cmd_run.c) minus the Git ones.
 */
#include "cli.h"

static const char watch_usage[] =
    "usage: nfvsync watch [options] DIR\n"
    "\n"
    "Keeps the VIMs converged to the descriptors in DIR: applies every\n"
    "saved change that validates (bursts of editor writes are taken as\n"
    "one; a change that does not validate is reported and the last good\n"
    "descriptors stay in force), and repairs drift every interval.\n"
    "SIGHUP re-reads everything, SIGTERM stops.\n"
    "\n";

int
cmd_watch(int argc, char **argv)
{
	return cli_loop_main(argc, argv, "watch", watch_usage);
}
