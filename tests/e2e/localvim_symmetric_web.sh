#!/usr/bin/env bash
# The reference scenario, end to end, as the seed evaluated it: nfvsync
# applies examples/symmetric-web to localvim (site1: OpenStack VMs and an
# Octavia balancer; site2: Kubernetes pods), and an HTTP client checks
#   1-2. everything deployed and connected: a no-op re-plan;
#   3.   100 GETs through the VIP: 25 per server, each route to its server;
#   4.   a killed VM is respawned; a killed pod is replaced by Kubernetes
#        and the pool follows it;
#   5.   site2 scaled to 3 in the descriptors: 5 members, 20 GETs each.
# Usage: localvim_symmetric_web.sh NFVSYNC LOCALVIM
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
wait_for() {
	local limit=$1
	shift
	local deadline=$((SECONDS + limit))
	until "$@"; do
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.2
	done
}

"$localvim" run --state-dir "$tmp/lv" --port-base 0 >"$tmp/lv.log" 2>&1 &
lvpid=$!
wait_for 10 test -s "$tmp/lv/env" || { echo "FAIL localvim did not start"; exit 1; }
# shellcheck disable=SC1091
. "$tmp/lv/env"
k8s=$(sed -n 's/^ *server: *//p' "$tmp/lv/kubeconfig" | head -n1)
cp -r "$repo/examples/symmetric-web" "$tmp/r"
sed -i "s|^auth_url: .*|auth_url: '$LOCALVIM_AUTH_URL'|" "$tmp/r/vims/site1.yaml"
sed -i "s|^auth_url: .*|auth_url: '$k8s'|" "$tmp/r/vims/site2.yaml"
export SITE1_PASSWORD=localvim-admin SITE2_TOKEN=localvim-token

# n GETs of path through the VIP -> "count server" lines
spread() {
	local i
	for i in $(seq 1 "$1"); do
		curl -s --max-time 2 "http://127.10.0.200$2" | sed -n 's|.*<h1>Served by \(.*\)</h1>.*|\1|p'
	done | sort | uniq -c | awk '{print $1, $2}'
}
counts() { spread "$1" / | awk '{print $1}' | tr '\n' ' '; }
plan_rc() { "$nfvsync" plan --detailed-exitcode "$tmp/r" >"$tmp/plan.txt" 2>&1; echo $?; }

check "1. apply deploys both sites and the balancer" "$nfvsync" apply --auto-approve "$tmp/r"
rc=$(plan_rc)
check "2. re-plan is a no-op (exit 0)" [ "$rc" = 0 ]
# The health monitor needs a few checks to put fresh members in rotation.
check "3. 100 GETs: 25 per server over 4 servers" wait_for 30 bash -c \
	"[ \"\$($(declare -f spread counts); counts 100)\" = '25 25 25 25 ' ]"
check "3. 2 VMs and 2 pods answer" bash -c \
	"[ \"\$($(declare -f spread); spread 100 / | grep -c 'site1-web-VDU')\" = 2 ] &&
	 [ \"\$($(declare -f spread); spread 100 / | grep -c 'site2-web-vdu1')\" = 2 ]"
for route in site1-web1 site1-web2 site2-web1 site2-web2; do
	check "3. /$route-mandbs reaches one server" wait_for 30 bash -c \
		"[ \"\$($(declare -f spread); spread 5 /$route-mandbs | awk '{print \$1}')\" = 5 ]"
done

curl -s -X POST -d '{"name": "symmetric-web-site1-web-VDU1-0"}' "$LOCALVIM_ADMIN_URL/v1/kill" >/dev/null
check "4. a killed VM is planned for respawn" wait_for 20 bash -c \
	"'$nfvsync' plan '$tmp/r' 2>&1 | grep -q '! server        symmetric-web-site1-web-VDU1-0'"
pod=$(spread 100 / | awk '{print $2}' | grep site2 | head -n1)
curl -s -X POST -d "{\"name\": \"$pod\"}" "$LOCALVIM_ADMIN_URL/v1/kill" >/dev/null
check "4. the killed pod is replaced and the plan moves the pool to it" wait_for 30 bash -c \
	"'$nfvsync' plan '$tmp/r' 2>&1 | grep -q '^  - member .*$pod'"
check "4. apply heals both" "$nfvsync" apply --auto-approve "$tmp/r"
rc=$(plan_rc)
check "4. converged (exit 0)" [ "$rc" = 0 ]
check "4. 4 servers share the traffic again" wait_for 45 bash -c \
	"[ \"\$($(declare -f spread counts); counts 100)\" = '25 25 25 25 ' ]"
spread 100 / | sed 's/^/     /'

sed -i 's/default_instances: 2/default_instances: 3/' "$tmp/r/vnfd/site2-web.yaml"
check "5. scaling site2 to 3 applies" "$nfvsync" apply --auto-approve "$tmp/r"
rc=$(plan_rc)
check "5. converged (exit 0)" [ "$rc" = 0 ]
check "5. 100 GETs spread over 5 servers" wait_for 30 bash -c \
	"[ \"\$($(declare -f spread); spread 100 / | wc -l)\" = 5 ]"
check "5. evenly: 20 each" wait_for 30 bash -c \
	"[ \"\$($(declare -f spread counts); counts 100)\" = '20 20 20 20 20 ' ]"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
