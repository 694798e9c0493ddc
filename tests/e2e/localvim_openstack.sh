#!/usr/bin/env bash
# End to end with the real binaries: nfvsync converges localvim's OpenStack
# (Keystone, Nova, Neutron, Octavia with HAProxy, servers as real
# processes) to the site1 half of the reference scenario, and a user's HTTP
# client checks what matters: 100 GETs through the VIP spread evenly over
# the two servers, the per-server route reaches only its server, a killed
# server is respawned by the next apply and traffic is even again, and a
# teardown leaves nothing behind.
# Usage: localvim_openstack.sh NFVSYNC LOCALVIM
set -u
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR/../..
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
lv_start
write_site1_repo "$tmp/r" e2e --with-route

even() { [ "$(spread 100 /)" = "$(printf '50 e2e-web-VDU1-0\n50 e2e-web-VDU2-0')" ]; }
route_reaches_vdu1() { [ "$(spread 10 /site1-web1-mandbs)" = '10 e2e-web-VDU1-0' ]; }

check "apply from scratch succeeds" "$nfvsync" apply --auto-approve "$tmp/r"
rc=$(plan_rc "$tmp/r")
check "re-plan is a no-op (exit 0)" [ "$rc" = 0 ]
check "100 GETs through the VIP: 50 per server" even
check "the route reaches only its server" route_reaches_vdu1

curl -s -X POST -d '{"name": "e2e-web-VDU2-0"}' "$LOCALVIM_ADMIN_URL/v1/kill" >/dev/null
check "a killed server is seen and planned for respawn" \
	wait_for 20 bash -c "'$nfvsync' plan '$tmp/r' 2>&1 | grep -q '! server        e2e-web-VDU2-0'"
"$nfvsync" apply --auto-approve "$tmp/r" >"$tmp/apply.txt" 2>&1
rc=$?
grep -E "^respawn|    error" "$tmp/apply.txt"
check "apply respawns it" [ "$rc" = 0 ]
rc=$(plan_rc "$tmp/r")
check "converged again (exit 0)" [ "$rc" = 0 ]
check "traffic is even again once the health monitor sees it up" wait_for 20 even

cat >"$tmp/r/nsd/web.yaml" <<'YAML'
tosca_definitions_version: tosca_simple_profile_for_nfv_1_0_0
metadata: {template_name: e2e}
topology_template:
  node_templates:
    net0:
      type: tosca.nodes.nfv.VL
      properties: {network_name: net0, vendor: nfvsync}
YAML
rm "$tmp/r/vnfd/site1-web.yaml"
check "teardown is refused without --allow-mass-delete" bash -c "! '$nfvsync' apply --auto-approve '$tmp/r' >/dev/null 2>&1"
check "and done with it" "$nfvsync" apply --auto-approve --allow-mass-delete "$tmp/r"
check "the VIP no longer answers" bash -c "! curl -s --max-time 1 http://127.10.0.200/ >/dev/null"
rc=$(plan_rc "$tmp/r")
check "nothing left to do (exit 0)" [ "$rc" = 0 ]

finish
