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
cd "$(dirname "$0")/../.." || exit 1
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

printf '%8s %12s %14s %16s %10s\n' servers parallelism "first apply (s)" "its requests" result
for n in $sizes; do
	for par in 1 10; do
		rm -rf "$tmp/lv" "$tmp/r"
		"$localvim" run --state-dir "$tmp/lv" --port-base 0 >"$tmp/lv.log" 2>&1 &
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
		curl -s -X DELETE "$LOCALVIM_ADMIN_URL/v1/requests" >/dev/null
		t0=$(date +%s.%N)
		"$nfvsync" apply --auto-approve --parallelism "$par" "$tmp/r" >"$tmp/apply.log" 2>&1
		rc=$?
		t1=$(date +%s.%N)
		summary=$(grep -o '[0-9]* done, [0-9]* failed' "$tmp/apply.log")
		awk -v n="$n" -v p="$par" -v t="$(awk -v x="$t1" -v y="$t0" 'BEGIN{print x-y}')" \
			-v r="$(requests)" -v s="exit $rc: $summary" \
			'BEGIN{printf "%8d %12d %14.1f %16d   %s\n", n, p, t, r, s}'
		kill -TERM "$lvpid"
		wait "$lvpid" 2>/dev/null
		lvpid=""
	done
done
