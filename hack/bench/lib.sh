# Shared start-up of the benchmarks under hack/bench/ (sourced, not run):
# the binaries under test, a temporary directory removed on exit, every
# process started ended by its PID, localvim started on free loopback ports
# and its request counters, a bounded poll, and examples/symmetric-web
# pointed at localvim. Mirrors tests/e2e/lib.sh for the benchmarks, which
# print figures instead of passing or failing.
# shellcheck shell=bash

# bench_lock ARGS...: runs the script again (ARGS: its own arguments) under
# /tmp/nfvsync-dataplane.lock, unless a script that called it already holds
# it (report.sh runs the other benchmarks inside its own hold).
bench_lock() {
	[ -n "${NFVSYNC_BENCH_LOCKED-}" ] ||
		NFVSYNC_BENCH_LOCKED=1 exec flock /tmp/nfvsync-dataplane.lock "$0" "$@"
}

# bench_init [--lock] ARGS... (the script's own arguments): from the
# repository's root, with $nfvsync and $localvim (NFVSYNC/LOCALVIM
# override) built, and a fresh $tmp.
# --lock: the benchmark uses the data plane's fixed 127.10.x addresses, so
# it runs under bench_lock.
bench_init() {
	local lock=0
	if [ "${1-}" = --lock ]; then
		lock=1
		shift
	fi
	[ $lock = 0 ] || bench_lock "$@"
	cd "$(dirname "$0")/../.." || exit 1
	nfvsync=$(realpath "${NFVSYNC:-build/controller/nfvsync}")
	localvim=$(realpath "${LOCALVIM:-build/hack/localvim/localvim}")
	if ! [ -x "$nfvsync" ] || ! [ -x "$localvim" ]; then
		echo "build first: cmake -S . -B build && cmake --build build" >&2
		exit 1
	fi
	tmp=$(mktemp -d)
	bench_pids=()
	lvpid=""
	trap bench_cleanup EXIT
}

bench_cleanup() {
	local p
	for p in "${bench_pids[@]}"; do
		kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}

# bench_track PID: ended on exit unless bench_end ended it before.
bench_track() { bench_pids+=("$1"); }

# bench_end PID: ends a tracked process now (SIGTERM), waits for it, and
# forgets it, so that exit never signals a PID the system gave to another.
bench_end() {
	local p keep=()
	kill -TERM "$1" 2>/dev/null && wait "$1" 2>/dev/null
	for p in "${bench_pids[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	bench_pids=("${keep[@]}")
}

# until_ok SECONDS COMMAND...: polls with a deadline; a timeout ends the
# benchmark (exit 1).
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

# lv_start [LOCALVIM RUN OPTIONS...]: a fresh localvim in $tmp/lv on free
# ports; sources its env ($LOCALVIM_AUTH_URL, $LOCALVIM_ADMIN_URL), sets
# $k8s (its Kubernetes API URL) and the example's VIM secrets.
lv_start() {
	rm -rf "$tmp/lv"
	"$localvim" run --state-dir "$tmp/lv" --port-base 0 "$@" >"$tmp/lv.log" 2>&1 &
	lvpid=$!
	bench_track "$lvpid"
	until_ok 10 test -s "$tmp/lv/env"
	# shellcheck disable=SC1091
	. "$tmp/lv/env"
	k8s=$(sed -n 's/^ *server: *//p' "$tmp/lv/kubeconfig" | head -n1)
	export SITE1_PASSWORD=localvim-admin SITE2_TOKEN=localvim-token
}

# lv_stop: ends the localvim lv_start started.
lv_stop() {
	[ -n "$lvpid" ] && bench_end "$lvpid"
	lvpid=""
}

# lv_requests: requests localvim served since the last lv_reset.
lv_requests() {
	curl -s "$LOCALVIM_ADMIN_URL/v1/requests" | sed -n 's/.*"total": *\([0-9]*\).*/\1/p'
}
lv_reset() { curl -s -X DELETE "$LOCALVIM_ADMIN_URL/v1/requests" >/dev/null; }

# bench_site1_vim DIR: DIR/vims/site1.yaml, localvim's OpenStack.
bench_site1_vim() {
	mkdir -p "$1/vims"
	cat >"$1/vims/site1.yaml" <<YAML
auth_url: '$LOCALVIM_AUTH_URL'
username: 'admin'
password_env: 'SITE1_PASSWORD'
project_name: 'admin'
YAML
}

# bench_fleet DIR N: one VNF whose one VDU is scaled to N servers (no
# ports, no balancer) in DIR/vnfd/fleet.yaml.
bench_fleet() {
	mkdir -p "$1/vnfd"
	cat >"$1/vnfd/fleet.yaml" <<YAML
tosca_definitions_version: tosca_simple_profile_for_nfv_1_0_0
metadata: {template_name: fleet}
topology_template:
  node_templates:
    VDU1:
      type: tosca.nodes.nfv.VDU.Tacker
      properties: {image: ubuntu-18.04, flavor: ds512M}
  policies:
    - SP1:
        type: tosca.policies.tacker.Scaling
        targets: [VDU1]
        properties: {min_instances: $2, max_instances: $2, default_instances: $2, increment: 1}
YAML
}

# bench_example DIR: examples/symmetric-web in DIR, its VIMs localvim's.
bench_example() {
	cp -r examples/symmetric-web "$1"
	sed -i "s|^auth_url: .*|auth_url: '$LOCALVIM_AUTH_URL'|" "$1/vims/site1.yaml"
	sed -i "s|^auth_url: .*|auth_url: '$k8s'|" "$1/vims/site2.yaml"
}

# bench_noop_row N DIR: applies DIR from scratch, then plans it again (a
# reconcile cycle with nothing to do); prints N, the apply's seconds and
# requests, the no-op's seconds and requests (localvim's counts).
bench_noop_row() {
	local n=$1 dir=$2 t0 t1 t2 ar nr rc
	lv_reset
	t0=$(date +%s.%N)
	"$nfvsync" apply --auto-approve "$dir" >"$tmp/apply.log" 2>&1 || {
		echo "apply failed for N=$n:" >&2
		tail -n 5 "$tmp/apply.log" >&2
	}
	t1=$(date +%s.%N)
	ar=$(lv_requests)
	lv_reset
	"$nfvsync" plan --detailed-exitcode "$dir" >"$tmp/plan.log" 2>&1
	rc=$?
	t2=$(date +%s.%N)
	nr=$(lv_requests)
	[ $rc -eq 0 ] || echo "warning: N=$n: the no-op plan found changes (exit $rc)" >&2
	awk -v n="$n" -v a="$(seconds_between "$t0" "$t1")" -v ar="$ar" \
		-v p="$(seconds_between "$t1" "$t2")" -v nr="$nr" \
		'BEGIN{printf "%8d %14.1f %16d %14.2f %16d\n", n, a, ar, p, nr}'
}

# bench_percentiles LABEL: p50/p90/max/min of the numbers on stdin (one a
# line, seconds), on one line after LABEL.
bench_percentiles() {
	sort -n | awk -v what="$1" '
		{ v[NR] = $1 }
		END {
			p50 = v[int((NR * 50 + 99) / 100)]; p90 = v[int((NR * 90 + 99) / 100)]
			printf "  %sp50 %.3f s   p90 %.3f s   max %.3f s   min %.3f s\n", what, p50, p90, v[NR], v[1]
		}'
}

# seconds_between T0 T1: T1 - T0 for `date +%s.%N` stamps.
seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN{print b - a}'; }
