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
cd "$(dirname "$0")/../.." || exit 1
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
nfvsync=$(realpath "${NFVSYNC:-build/controller/nfvsync}")
localvim=$(realpath "${LOCALVIM:-build/hack/localvim/localvim}")
if ! [ -x "$nfvsync" ] || ! [ -x "$localvim" ]; then
	echo "build first: cmake -S . -B build && cmake --build build" >&2
	exit 1
fi
if [ -z "${NFVSYNC_BENCH_LOCKED-}" ]; then
	NFVSYNC_BENCH_LOCKED=1 exec flock /tmp/nfvsync-dataplane.lock "$0" "${args[@]}"
fi
tmp=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
until_ok() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		if [ $SECONDS -ge $deadline ]; then
			echo "timed out waiting for: $*" >&2
			exit 1
		fi
		sleep 0.05
	done
}

"$localvim" run --state-dir "$tmp/lv" --port-base 0 >"$tmp/lv.log" 2>&1 &
pids+=("$!")
until_ok 10 test -s "$tmp/lv/env"
# shellcheck disable=SC1091
. "$tmp/lv/env"
k8s=$(sed -n 's/^ *server: *//p' "$tmp/lv/kubeconfig" | head -n1)
export SITE1_PASSWORD=localvim-admin SITE2_TOKEN=localvim-token
d=$tmp/descriptors
cp -r examples/symmetric-web "$d"
sed -i "s|^auth_url: .*|auth_url: '$LOCALVIM_AUTH_URL'|" "$d/vims/site1.yaml"
sed -i "s|^auth_url: .*|auth_url: '$k8s'|" "$d/vims/site2.yaml"
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
	pids+=("$ctl")
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
	kill -TERM "$ctl" && wait "$ctl"
done

[ -z "$csv" ] || { echo "run,serving_seconds,in_rotation_seconds" >"$csv" && cat "$tmp/t.csv" >>"$csv"; }
echo "back end killed (SIGKILL) -> respawned by nfvsync watch --interval $interval, $runs runs (localvim)"
for col in 2 3; do
	cut -d, -f$col "$tmp/t.csv" | sort -n | awk -v what="$([ $col = 2 ] && echo "serving    " || echo "in rotation")" '
		{ v[NR] = $1 }
		END {
			p50 = v[int((NR * 50 + 99) / 100)]; p90 = v[int((NR * 90 + 99) / 100)]
			printf "  %s  p50 %.3f s   p90 %.3f s   max %.3f s   min %.3f s\n", what, p50, p90, v[NR], v[1]
		}'
done
