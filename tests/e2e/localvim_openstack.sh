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
nfvsync=$(realpath "$1")
localvim=$(realpath "$2")
repo=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
lvpid=""
cleanup() {
	if [ -n "$lvpid" ]; then
		kill -TERM "$lvpid" 2>/dev/null
		wait "$lvpid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

# Polls a command until it succeeds, for at most $1 seconds.
wait_for() {
	local limit=$1
	shift
	local deadline=$((SECONDS + limit))
	until "$@"; do
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.1
	done
}

"$localvim" run --state-dir "$tmp/lv" --port-base 0 >"$tmp/lv.log" 2>&1 &
lvpid=$!
if ! wait_for 10 test -s "$tmp/lv/env"; then
	echo "FAIL localvim did not start"; cat "$tmp/lv.log"; exit 1
fi
# shellcheck disable=SC1091
. "$tmp/lv/env"

mkdir -p "$tmp/r/vims" "$tmp/r/vnfd" "$tmp/r/nsd"
cp "$repo/examples/symmetric-web/vnfd/site1-web.yaml" "$tmp/r/vnfd/"
cat >"$tmp/r/vims/site1.yaml" <<YAML
auth_url: '$LOCALVIM_AUTH_URL'
username: 'admin'
password_env: 'SITE1_PASSWORD'
project_name: 'admin'
project_domain_name: 'Default'
user_domain_name: 'Default'
YAML
export SITE1_PASSWORD=localvim-admin
cat >"$tmp/r/nsd/web.yaml" <<'YAML'
tosca_definitions_version: tosca_simple_profile_for_nfv_1_0_0
metadata: {template_name: e2e}
imports: [../vnfd/site1-web.yaml]
topology_template:
  node_templates:
    web:
      type: example.nodes.Site1Web
      requirements:
        - virtualLink1: net0
        - virtualLink2: net0
    net0:
      type: tosca.nodes.nfv.VL
      properties: {network_name: net0, vendor: nfvsync}
    lb:
      type: nfvsync.nodes.LoadBalancer
      properties:
        vip_address: 10.10.0.200
        listener: {protocol: HTTP, port: 80}
        pool: {algorithm: ROUND_ROBIN, protocol: HTTP, member_port: 80}
        health_monitor: {type: HTTP, delay: 1, timeout: 1, max_retries: 1, url_path: /}
        l7_rules:
          - {path_prefix: /site1-web1-mandbs, vnf: web, vdu: VDU1}
      requirements:
        - virtualLink: net0
        - members: web
YAML

# GET the VIP n times; print "count server" lines.
spread() {
	local i
	for i in $(seq 1 "$1"); do
		curl -s --max-time 2 "http://127.10.0.200$2" | sed -n 's|.*<h1>Served by \(.*\)</h1>.*|\1|p'
	done | sort | uniq -c | awk '{print $1, $2}'
}
even() { [ "$(spread 100 /)" = "$(printf '50 e2e-web-VDU1-0\n50 e2e-web-VDU2-0')" ]; }
plan_rc() { "$nfvsync" plan --detailed-exitcode "$tmp/r" >"$tmp/plan.txt" 2>&1; echo $?; }

check "apply from scratch succeeds" "$nfvsync" apply --auto-approve "$tmp/r"
rc=$(plan_rc)
check "re-plan is a no-op (exit 0)" [ "$rc" = 0 ]
check "100 GETs through the VIP: 50 per server" even
check "the route reaches only its server" bash -c \
	"[ \"\$($(declare -f spread); spread 10 /site1-web1-mandbs)\" = '10 e2e-web-VDU1-0' ]"

curl -s -X POST -d '{"name": "e2e-web-VDU2-0"}' "$LOCALVIM_ADMIN_URL/v1/kill" >/dev/null
check "a killed server is seen and planned for respawn" \
	wait_for 20 bash -c "'$nfvsync' plan '$tmp/r' 2>&1 | grep -q '! server        e2e-web-VDU2-0'"
"$nfvsync" apply --auto-approve "$tmp/r" >"$tmp/apply.txt" 2>&1; rc=$?; cat "$tmp/apply.txt" | grep -E "^respawn|    error"
check "apply respawns it" [ "$rc" = 0 ]
rc=$(plan_rc)
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
rc=$(plan_rc)
check "nothing left to do (exit 0)" [ "$rc" = 0 ]

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
