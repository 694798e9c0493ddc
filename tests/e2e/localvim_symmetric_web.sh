#!/usr/bin/env bash
# The reference scenario, end to end, as the seed evaluated it: nfvsync
# applies examples/symmetric-web to localvim (site1: OpenStack VMs and an
# Octavia balancer; site2: Kubernetes pods), and an HTTP client checks
#   1-2. everything deployed and connected: a no-op re-plan;
#   3.   100 GETs through the VIP: 25 per server, each route to its server;
#   4.   a killed VM is respawned; a killed pod is replaced by Kubernetes
#        and the pool follows it;
#   5.   site2 scaled to 3 in the descriptors: 5 members, 20 GETs each;
#   6.   site2's VNF removed from the NSD: its Deployment, Service, members
#        and routes are gone (members drained first), site1's servers and
#        the balancer are the same objects, a Deployment nfvsync does not
#        own is untouched, and the two VMs share the traffic.
# Usage: localvim_symmetric_web.sh NFVSYNC LOCALVIM
set -u
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR/../..
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
lv_start
example_on_localvim "$tmp/r"

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

curl -s -X DELETE "$LOCALVIM_ADMIN_URL/v1/requests" >/dev/null
check "1. apply deploys both sites and the balancer" "$nfvsync" apply --auto-approve "$tmp/r"
curl -s "$LOCALVIM_ADMIN_URL/v1/requests" |
	python3 -c 'import json, sys; print("\n".join(json.load(sys.stdin)["log"]))' >"$tmp/log1.txt"
# Ten workers (the default parallelism), one login, and no worker's change
# made Octavia refuse another's (409 while the balancer is PENDING_*).
check "1. one Keystone login for the whole apply" \
	[ "$(grep -c '^POST keystone .*/auth/tokens ' "$tmp/log1.txt")" = 1 ]
check "1. Octavia never answered 409 ($(grep -c '^[A-Z]* octavia .* 409$' "$tmp/log1.txt") times)" \
	bash -c "! grep -q '^[A-Z]* octavia .* 409\$' '$tmp/log1.txt'"
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

# 6. Remove the containerised VNF from the service.
export HOME=$tmp OS_CLIENT_CONFIG_FILE OS_CLOUD # kubectl's cache stays out of ~
kubectl create deployment bystander --image=nginx >/dev/null
ids() {
	openstack server list -f value -c ID | sort | tr '\n' ' '
	openstack loadbalancer list -f value -c id
}
before=$(ids)
python3 - "$tmp/r/nsd/symmetric-web.yaml" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("    site2-web:\n      type: example.nodes.Site2Web\n\n", "")
s = s.replace("        - members: site2-web\n", "")
s = re.sub(r"          - path_prefix: /site2-web\d-mandbs\n(            .*\n)+?(?=          - |      requirements)", "", s)
s = re.sub(r"    - site2-placement:\n(        .*\n)+", "", s)
open(p, "w").write(s)
PY
check "6. the edited NSD no longer names site2-web" bash -c "! grep -q 'site2-web:\|members: site2-web\|site2-web.-mandbs\|site2-placement' '$tmp/r/nsd/symmetric-web.yaml'"
curl -s -X DELETE "$LOCALVIM_ADMIN_URL/v1/requests" >/dev/null
check "6. removing site2's VNF applies" "$nfvsync" apply --auto-approve "$tmp/r"
rc=$(plan_rc "$tmp/r")
check "6. converged (exit 0)" [ "$rc" = 0 ]
check "6. site2's Deployment is gone" [ -z "$(kubectl get deployments -l app.kubernetes.io/managed-by=nfvsync -o name)" ]
check "6. ... and its Service" [ -z "$(kubectl get services -l app.kubernetes.io/managed-by=nfvsync -o name)" ]
check "6. a Deployment nfvsync does not own is untouched" bash -c "kubectl get deployment bystander -o name >/dev/null"
check "6. site1's servers and the balancer are the same objects" [ "$(ids)" = "$before" ]
curl -s "$LOCALVIM_ADMIN_URL/v1/requests" |
	python3 -c 'import json, sys; print("\n".join(json.load(sys.stdin)["log"]))' >"$tmp/log.txt"
# Members leave a pool one DELETE each.
last_member=$(grep -n '^DELETE octavia .*/members/' "$tmp/log.txt" | tail -n1 | cut -d: -f1)
first_k8s=$(grep -n '^DELETE kubernetes ' "$tmp/log.txt" | head -n1 | cut -d: -f1)
check "6. drained first (member deletions by request $last_member, Kubernetes deletions from $first_k8s)" \
	bash -c "[ -n '$last_member' ] && [ -n '$first_k8s' ] && [ '$last_member' -lt '$first_k8s' ]"
check "6. 100 GETs: 50 per VM" wait_for 30 counts_are '50 50 '
check "6. only the VMs answer" vms_and_pods_answer 2 0

finish
