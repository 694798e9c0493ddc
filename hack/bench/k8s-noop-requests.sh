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
# shellcheck source=hack/bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init "$@"
sizes=${*:-10 100 1000}

printf '%8s %14s %16s %14s %16s\n' pods "apply (s)" "apply requests" "no-op (s)" "no-op requests"
for n in $sizes; do
	rm -rf "$tmp/r"
	echo "{\"pod_cidr\": \"10.$((100 + RANDOM % 140)).0.0/16\"}" >"$tmp/lv.json"
	lv_start --config "$tmp/lv.json"
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
	bench_noop_row "$n" "$tmp/r"
	lv_stop
done
