#!/usr/bin/env bash
# Benchmark: a back end killed -> respawned by the controller -> serving
# again. examples/symmetric-web is converged on localvim by `nfvsync apply`;
# each run starts `nfvsync watch DIR --interval S` (a fresh respawn budget:
# 3 per VDU instance in 10 minutes), waits for its first cycle, kills the
# VM symmetric-web-site1-web-VDU1-0 with localvim's /v1/kill (SIGKILL, Nova
# reports ERROR) and measures from the kill to
#   serving:     the respawned server answers on its own address;
#   in rotation: a GET through the balancer's VIP is served by it (the
#                example's health monitor checks every 5 s).
# Prints p50/p90/max of both; asserts nothing.
# Usage: hack/bench/respawn.sh [--runs N] [--interval S] [--csv FILE]
# Holds /tmp/nfvsync-dataplane.lock: the scenario uses localvim's data plane.
set -u
# shellcheck source=hack/bench/lib.sh
. "$(dirname "$0")/lib.sh"
runs=20 interval=2 csv="" args=("$@")
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2; shift ;;
	--interval) interval=$2; shift ;;
	--csv) csv=$2; shift ;;
	*) echo "usage: $0 [--runs N] [--interval S] [--csv FILE]" >&2; exit 2 ;;
	esac
	shift
done
bench_init --lock "${args[@]}"
lv_start
d=$tmp/descriptors
bench_example "$d"
"$nfvsync" apply --auto-approve "$d" >"$tmp/apply.log" 2>&1 || {
	cat "$tmp/apply.log" >&2
	exit 1
}

vm=symmetric-web-site1-web-VDU1-0
serving() { curl -s --max-time 1 http://127.10.0.12/ | grep -q "Served by $vm<"; }
in_rotation() {
	local _
	for _ in 1 2 3 4 5 6 7 8; do
		curl -s --max-time 1 http://127.10.0.200/ | grep -q "Served by $vm<" && return 0
	done
	return 1
}
now() { date +%s.%N; }
since() { awk -v a="$(now)" -v b="$1" 'BEGIN {printf "%.3f", a - b}'; }

until_ok 60 in_rotation
: >"$tmp/t.csv"
for run in $(seq 1 "$runs"); do
	"$nfvsync" watch --interval "$interval" --listen off "$d" >"$tmp/ctl.log" 2>&1 &
	ctl=$!
	bench_track "$ctl"
	until_ok 30 grep -q 'cycle 1 done' "$tmp/ctl.log"
	until_ok 60 in_rotation
	curl -s -X POST -d "{\"name\": \"$vm\"}" "$LOCALVIM_ADMIN_URL/v1/kill" >/dev/null
	t0=$(now)
	until_ok 10 bash -c "! curl -s --max-time 1 http://127.10.0.12/ >/dev/null"
	until_ok 60 serving
	up=$(since "$t0")
	until_ok 60 in_rotation
	rot=$(since "$t0")
	echo "$run,$up,$rot" >>"$tmp/t.csv"
	bench_end "$ctl"
done

[ -z "$csv" ] || { echo "run,serving_seconds,in_rotation_seconds" >"$csv" && cat "$tmp/t.csv" >>"$csv"; }
echo "back end killed (SIGKILL) -> respawned by nfvsync watch --interval $interval, $runs runs (localvim)"
cut -d, -f2 "$tmp/t.csv" | bench_percentiles "serving      "
cut -d, -f3 "$tmp/t.csv" | bench_percentiles "in rotation  "
