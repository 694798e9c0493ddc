#!/usr/bin/env bash
# Observation reads every page: with list pages of 5 (NFVSYNC_PAGE_SIZE,
# the knob for clouds that cap pages low), 12 servers applied to localvim
# must all be seen by the next plan (a no-op), with a request count that
# grows by pages, not by servers.
# Usage: localvim_paging.sh NFVSYNC LOCALVIM
set -u
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR/../..
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
lv_start
write_site1_vim "$tmp/r"
mkdir -p "$tmp/r/vnfd"
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
export NFVSYNC_PAGE_SIZE=5
check "apply creates 12 servers" bash -c "'$nfvsync' apply --auto-approve '$tmp/r' | grep -q 'Apply: 12 done, 0 failed'"
curl -s -X DELETE "$LOCALVIM_ADMIN_URL/v1/requests" >/dev/null
"$nfvsync" plan --detailed-exitcode "$tmp/r" >"$tmp/plan.txt" 2>&1
rc=$?
check "a plan over 5-server pages sees all 12 (no-op)" [ $rc -eq 0 ]
servers=$(curl -s "$LOCALVIM_ADMIN_URL/v1/requests" | grep -o '"GET [a-z-]* [^"]*servers/detail[^"]*": *[0-9]*' | awk -F: '{s += $NF} END {print s + 0}')
check "servers were read in 3 pages ($servers requests)" [ "$servers" = 3 ]
finish
