#!/usr/bin/env bash
# Benchmark: VIM requests of one no-op reconcile (a `plan` after a converged
# `apply`) for N = 10, 100, 1000 servers on localvim's OpenStack, counted by
# localvim itself (its admin API), plus the first apply's wall time and
# requests. The goal is a flat line: a steady-state cycle costs a constant
# number of list requests, whatever N. Prints a table; asserts nothing.
# Usage: hack/bench/noop-requests.sh [N...]   (default: 10 100)
# LOCALVIM_CONFIG=FILE starts localvim with that config file: with
# {"build_delay": 0} a server is ACTIVE at once, which brings the first
# apply of 1000 servers from over ten minutes down to seconds (apply waits
# for each server's build in turn).
set -u
# shellcheck source=hack/bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init "$@"
sizes=${*:-10 100}

printf '%8s %14s %16s %14s %16s\n' servers "apply (s)" "apply requests" "no-op (s)" "no-op requests"
for n in $sizes; do
	rm -rf "$tmp/r"
	lv_start ${LOCALVIM_CONFIG:+--config "$LOCALVIM_CONFIG"}
	bench_site1_vim "$tmp/r"
	bench_fleet "$tmp/r" "$n"
	bench_noop_row "$n" "$tmp/r"
	lv_stop
done
