#!/usr/bin/env bash
# Benchmark: wall time of a first apply of N servers (one VDU scaled to N,
# no ports, no balancer) on a fresh localvim, with --parallelism 1 (one
# action after another, in the plan's order) and 10 (ten in flight per
# dependency stage), and the VIM requests each took (localvim's count).
# Prints a table; asserts nothing.
# Usage: hack/bench/apply-time.sh [N...]   (default: 10 100)
# Uses localvim's data plane (servers bind 127.x addresses): run it under
# flock /tmp/nfvsync-dataplane.lock when others test on this machine.
set -u
# shellcheck source=hack/bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init "$@"
sizes=${*:-10 100}

printf '%8s %12s %14s %16s %10s\n' servers parallelism "first apply (s)" "its requests" result
for n in $sizes; do
	for par in 1 10; do
		rm -rf "$tmp/r"
		lv_start
		bench_site1_vim "$tmp/r"
		bench_fleet "$tmp/r" "$n"
		lv_reset
		t0=$(date +%s.%N)
		"$nfvsync" apply --auto-approve --parallelism "$par" "$tmp/r" >"$tmp/apply.log" 2>&1
		rc=$?
		t1=$(date +%s.%N)
		summary=$(grep -o '[0-9]* done, [0-9]* failed' "$tmp/apply.log")
		awk -v n="$n" -v p="$par" -v t="$(seconds_between "$t0" "$t1")" \
			-v r="$(lv_requests)" -v s="exit $rc: $summary" \
			'BEGIN{printf "%8d %12d %14.1f %16d   %s\n", n, p, t, r, s}'
		lv_stop
	done
done
