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
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR/../..
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
lv_start
k8s=$(sed -n 's/^ *server: *//p' "$tmp/lv/kubeconfig" | head -n1)
cp -r "$repo/examples/symmetric-web" "$tmp/r"
sed -i "s|^auth_url: .*|auth_url: '$LOCALVIM_AUTH_URL'|" "$tmp/r/vims/site1.yaml"
sed -i "s|^auth_url: .*|auth_url: '$k8s'|" "$tmp/r/vims/site2.yaml"
export SITE1_PASSWORD=localvim-admin SITE2_TOKEN=localvim-token

counts() { spread "$1" / | awk '{print $1}' | tr '\n' ' '; }
counts_are() { [ "$(counts 100)" = "$1" ]; }
servers_answering() { [ "$(spread 100 / | wc -l)" = "$1" ]; }
vms_and_pods_answer() {
	local s
	s=$(spread 100 /)
	[ "$(grep -c 'site1-web-VDU' <<<"$s")" = "$1" ] &&
		[ "$(grep -c 'site2-web-vdu1' <<<"$s")" = "$2" ]
}
route_reaches_one() { [ "$(spread 5 "/$1-mandbs" | awk '{print $1}')" = 5 ]; }

check "1. apply deploys both sites and the balancer" "$nfvsync" apply --auto-approve "$tmp/r"
rc=$(plan_rc "$tmp/r")
check "2. re-plan is a no-op (exit 0)" [ "$rc" = 0 ]
# The health monitor needs a few checks to put fresh members in rotation.
check "3. 100 GETs: 25 per server over 4 servers" wait_for 30 counts_are '25 25 25 25 '
check "3. 2 VMs and 2 pods answer" vms_and_pods_answer 2 2
for route in site1-web1 site1-web2 site2-web1 site2-web2; do
	check "3. /$route-mandbs reaches one server" wait_for 30 route_reaches_one "$route"
done

curl -s -X POST -d '{"name": "symmetric-web-site1-web-VDU1-0"}' "$LOCALVIM_ADMIN_URL/v1/kill" >/dev/null
check "4. a killed VM is planned for respawn" wait_for 20 bash -c \
	"'$nfvsync' plan '$tmp/r' 2>&1 | grep -q '! server        symmetric-web-site1-web-VDU1-0'"
pod=$(spread 100 / | awk '{print $2}' | grep site2 | head -n1)
curl -s -X POST -d "{\"name\": \"$pod\"}" "$LOCALVIM_ADMIN_URL/v1/kill" >/dev/null
check "4. the killed pod is replaced and the plan moves the pool to it" wait_for 30 bash -c \
	"'$nfvsync' plan '$tmp/r' 2>&1 | grep -q '^  - member .*$pod'"
check "4. apply heals both" "$nfvsync" apply --auto-approve "$tmp/r"
rc=$(plan_rc "$tmp/r")
check "4. converged (exit 0)" [ "$rc" = 0 ]
check "4. 4 servers share the traffic again" wait_for 45 counts_are '25 25 25 25 '
spread 100 / | sed 's/^/     /'

sed -i 's/default_instances: 2/default_instances: 3/' "$tmp/r/vnfd/site2-web.yaml"
check "5. scaling site2 to 3 applies" "$nfvsync" apply --auto-approve "$tmp/r"
rc=$(plan_rc "$tmp/r")
check "5. converged (exit 0)" [ "$rc" = 0 ]
check "5. 100 GETs spread over 5 servers" wait_for 30 servers_answering 5
check "5. evenly: 20 each" wait_for 30 counts_are '20 20 20 20 20 '

finish
