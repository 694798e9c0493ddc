#!/usr/bin/env bash
# Observation reads every page: with list pages of 5 (NFVSYNC_PAGE_SIZE,
# the knob for clouds that cap pages low), 12 servers applied to localvim
# must all be seen by the next plan (a no-op), with a request count that
# grows by pages, not by servers.
# Usage: localvim_paging.sh NFVSYNC LOCALVIM
set -u
nfvsync=$(realpath "$1")
localvim=$(realpath "$2")
tmp=$(mktemp -d)
lvpid=""
cleanup() {
	[ -n "$lvpid" ] && kill -TERM "$lvpid" 2>/dev/null && wait "$lvpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
pass=0 fail=0
check() { local what=$1; shift; if "$@"; then pass=$((pass + 1)); echo "ok   $what"; else fail=$((fail + 1)); echo "FAIL $what"; fi; }

"$localvim" run --state-dir "$tmp/lv" --port-base 0 >"$tmp/lv.log" 2>&1 &
lvpid=$!
deadline=$((SECONDS + 10))
until [ -s "$tmp/lv/env" ]; do
	[ $SECONDS -ge $deadline ] && { echo "FAIL localvim did not start"; exit 1; }
	sleep 0.1
done
# shellcheck disable=SC1091
. "$tmp/lv/env"
mkdir -p "$tmp/r/vims" "$tmp/r/vnfd"
cat >"$tmp/r/vims/site1.yaml" <<YAML
auth_url: '$LOCALVIM_AUTH_URL'
username: 'admin'
password_env: 'SITE1_PASSWORD'
project_name: 'admin'
YAML
cat >"$tmp/r/vnfd/fleet.yaml" <<'YAML'
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
        properties: {min_instances: 1, max_instances: 20, default_instances: 12, increment: 1}
YAML
export SITE1_PASSWORD=localvim-admin NFVSYNC_PAGE_SIZE=5
check "apply creates 12 servers" bash -c "'$nfvsync' apply --auto-approve '$tmp/r' | grep -q 'Apply: 12 done, 0 failed'"
curl -s -X DELETE "$LOCALVIM_ADMIN_URL/v1/requests" >/dev/null
"$nfvsync" plan --detailed-exitcode "$tmp/r" >"$tmp/plan.txt" 2>&1
rc=$?
check "a plan over 5-server pages sees all 12 (no-op)" [ $rc -eq 0 ]
servers=$(curl -s "$LOCALVIM_ADMIN_URL/v1/requests" | grep -o '"GET [a-z-]* [^"]*servers/detail[^"]*": *[0-9]*' | awk -F: '{s += $NF} END {print s + 0}')
check "servers were read in 3 pages ($servers requests)" [ "$servers" = 3 ]
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
