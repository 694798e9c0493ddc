#!/usr/bin/env bash
# Converging through a bad day: localvim answers 10% of OpenStack requests
# with 503, rate-limits 10% with 429 + Retry-After, expires tokens after 3 s
# and keeps load balancers PENDING for a second after every change. nfvsync
# must still converge (at most three applies), leave no duplicate behind,
# and end with a no-op plan.
# Usage: localvim_faults.sh NFVSYNC LOCALVIM
set -u
nfvsync=$(realpath "$1")
localvim=$(realpath "$2")
repo=$(cd "$(dirname "$0")/../.." && pwd)
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
admin() { curl -sf -X "$1" -H 'Content-Type: application/json' -d "$3" "$LOCALVIM_ADMIN_URL$2" >/dev/null; }
admin PUT /v1/faults/all '{"error_rate": 0.1, "error_status": 503, "rate_limit": 0.1, "retry_after": 1}'
admin PUT /v1/faults/keystone '{"error_rate": 0, "rate_limit": 0}'
admin PUT /v1/config '{"token_lifetime": 3, "pending_delay": 1}'

mkdir -p "$tmp/r/vims" "$tmp/r/vnfd" "$tmp/r/nsd"
cp "$repo/examples/symmetric-web/vnfd/site1-web.yaml" "$tmp/r/vnfd/"
cat >"$tmp/r/vims/site1.yaml" <<YAML
auth_url: '$LOCALVIM_AUTH_URL'
username: 'admin'
password_env: 'SITE1_PASSWORD'
project_name: 'admin'
YAML
cat >"$tmp/r/nsd/web.yaml" <<'YAML'
tosca_definitions_version: tosca_simple_profile_for_nfv_1_0_0
metadata: {template_name: faults}
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
      requirements:
        - virtualLink: net0
        - members: web
YAML
export SITE1_PASSWORD=localvim-admin

converged=no
for attempt in 1 2 3; do
	"$nfvsync" apply --auto-approve "$tmp/r" >"$tmp/apply.$attempt.log" 2>&1
	"$nfvsync" plan --detailed-exitcode "$tmp/r" >"$tmp/plan.log" 2>&1
	rc=$?
	echo "     apply $attempt: $(grep '^Apply:' "$tmp/apply.$attempt.log"), then plan exit $rc"
	if [ $rc -eq 0 ]; then converged=yes; break; fi
done
check "converges despite 503s, 429s, expiring tokens and PENDING balancers" [ $converged = yes ]
requests=$(curl -s "$LOCALVIM_ADMIN_URL/v1/requests")
check "faults really happened (503 and 429 answers counted)" bash -c \
	"grep -q ' 503\"' <<<'$requests' && grep -q ' 429\"' <<<'$requests'"

admin DELETE /v1/faults ''
export OS_CLIENT_CONFIG_FILE OS_CLOUD
names=$(openstack server list -f value -c Name | sort)
check "no duplicate servers" [ "$names" = "$(printf 'faults-web-VDU1-0\nfaults-web-VDU2-0')" ]
ports=$(openstack port list -f value -c Name | grep -c '^faults-')
check "no duplicate ports ($ports)" [ "$ports" = 2 ]
members=$(openstack loadbalancer member list faults-lb-pool -f value -c name | sort | uniq -d | wc -l)
check "no duplicate members" [ "$members" = 0 ]

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
