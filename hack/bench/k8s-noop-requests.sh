#!/usr/bin/env bash
# Benchmark: Kubernetes VIM requests of one no-op reconcile (a `plan` after
# a converged `apply`) for N = 10, 100, 1000 pods (one containerised VDU,
# N replicas) on localvim's Kubernetes, counted by localvim itself (its
# admin API), plus the first apply's wall time and requests. The goal is a
# flat line: one labelSelector list per kind per namespace (pages of 500),
# whatever N. Prints a table; asserts nothing. Pods are real processes on
# a random 10.N.0.0/16 pod network (127.N.x.y), away from the default
# world's, so that it does not meet another localvim's data plane.
# Usage: hack/bench/k8s-noop-requests.sh [N...]   (default: 10 100 1000)
set -u
cd "$(dirname "$0")/../.."
sizes=${*:-10 100 1000}
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

printf '%8s %14s %16s %14s %16s\n' pods "apply (s)" "apply requests" "no-op (s)" "no-op requests"
for n in $sizes; do
	rm -rf "$tmp/lv" "$tmp/r"
	echo "{\"pod_cidr\": \"10.$((100 + RANDOM % 140)).0.0/16\"}" >"$tmp/lv.json"
	"$localvim" run --state-dir "$tmp/lv" --port-base 0 --config "$tmp/lv.json" >"$tmp/lv.log" 2>&1 &
	lvpid=$!
	for _ in $(seq 1 100); do [ -s "$tmp/lv/env" ] && break; sleep 0.1; done
	# shellcheck disable=SC1091
	. "$tmp/lv/env"
	mkdir -p "$tmp/r/vims" "$tmp/r/vnfd"
	printf 'type: kubernetes\n' >"$tmp/r/vims/k8s.yaml" # KUBECONFIG from env
	cat >"$tmp/r/vnfd/fleet.yaml" <<YAML
tosca_definitions_version: tosca_simple_profile_for_nfv_1_0_0
metadata: {template_name: fleet}
topology_template:
  node_templates:
    VDU1:
      type: tosca.nodes.nfv.VDU.Tacker
      properties:
        mapping_ports: ["80:80"]
        vnfcs:
          web: {image: nginx, num_cpus: 0.01, mem_size: 16 MiB, ports: ["80"]}
  policies:
    - SP1:
        type: tosca.policies.tacker.Scaling
        targets: [VDU1]
        properties: {min_instances: $n, max_instances: $n, default_instances: $n, increment: 1}
YAML
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
