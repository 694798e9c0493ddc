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
cd "$(dirname "$0")/../.."
sizes=${*:-10 100}
nfvsync=${NFVSYNC:-build/controller/nfvsync}
localvim=${LOCALVIM:-build/hack/localvim/localvim}
[ -x "$nfvsync" ] && [ -x "$localvim" ] || {
	echo "build first: cmake -S . -B build && cmake --build build" >&2
	exit 1
}
tmp=$(mktemp -d)
lvpid=""
cleanup() {
	[ -n "$lvpid" ] && kill -TERM "$lvpid" 2>/dev/null && wait "$lvpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

requests() { curl -s "$LOCALVIM_ADMIN_URL/v1/requests" | sed -n 's/.*"total": *\([0-9]*\).*/\1/p'; }
reset() { curl -s -X DELETE "$LOCALVIM_ADMIN_URL/v1/requests" >/dev/null; }

printf '%8s %14s %16s %14s %16s\n' servers "apply (s)" "apply requests" "no-op (s)" "no-op requests"
for n in $sizes; do
	rm -rf "$tmp/lv" "$tmp/r"
	"$localvim" run --state-dir "$tmp/lv" --port-base 0 ${LOCALVIM_CONFIG:+--config "$LOCALVIM_CONFIG"} >"$tmp/lv.log" 2>&1 &
	lvpid=$!
	for _ in $(seq 1 100); do [ -s "$tmp/lv/env" ] && break; sleep 0.1; done
	# shellcheck disable=SC1091
	. "$tmp/lv/env"
	mkdir -p "$tmp/r/vims" "$tmp/r/vnfd"
	cat >"$tmp/r/vims/site1.yaml" <<YAML
auth_url: '$LOCALVIM_AUTH_URL'
username: 'admin'
password_env: 'SITE1_PASSWORD'
project_name: 'admin'
YAML
	cat >"$tmp/r/vnfd/fleet.yaml" <<YAML
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
        properties: {min_instances: $n, max_instances: $n, default_instances: $n, increment: 1}
YAML
	export SITE1_PASSWORD=localvim-admin
	reset
	t0=$(date +%s.%N)
	"$nfvsync" apply --auto-approve "$tmp/r" >"$tmp/apply.log" 2>&1 || {
		echo "apply failed for N=$n:" >&2
		tail -n 5 "$tmp/apply.log" >&2
	}
	t1=$(date +%s.%N)
	ar=$(requests)
	reset
	"$nfvsync" plan --detailed-exitcode "$tmp/r" >"$tmp/plan.log" 2>&1
	rc=$?
	t2=$(date +%s.%N)
	nr=$(requests)
	[ $rc -eq 0 ] || echo "warning: N=$n: the no-op plan found changes (exit $rc)" >&2
	awk -v n="$n" -v a="$(awk -v x="$t1" -v y="$t0" 'BEGIN{print x-y}')" -v ar="$ar" \
		-v p="$(awk -v x="$t2" -v y="$t1" 'BEGIN{print x-y}')" -v nr="$nr" \
		'BEGIN{printf "%8d %14.1f %16d %14.2f %16d\n", n, a, ar, p, nr}'
	kill -TERM "$lvpid"
	wait "$lvpid" 2>/dev/null
	lvpid=""
done
