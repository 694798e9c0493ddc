#!/usr/bin/env bash
# End to end against a real OpenStack (../shared/openstack-lab: Keystone,
# Nova with the fake driver, Neutron, Glance, Octavia with noop drivers):
# the site1 half of examples/symmetric-web is applied from scratch, re-planned
# as a no-op, healed after drift (a server stopped behind nfvsync's back, a
# pool member deleted by hand), a removed route is pruned in drain order, a
# server nfvsync does not own is left alone, and a full teardown needs
# --allow-mass-delete. There is no data plane in the lab: traffic checks
# live in the localvim tests.
# Usage: openstack_lab.sh NFVSYNC   (the lab must be up; LAB=/var/tmp/openstack-lab)
set -u
nfvsync=$(realpath "$1")
repo=$(cd "$(dirname "$0")/../.." && pwd)
LAB=${LAB:-/var/tmp/openstack-lab}
export OS_CLIENT_CONFIG_FILE=$LAB/clouds.yaml OS_CLOUD=openstack-lab
export LAB_PASSWORD=labadmin
tmp=$(mktemp -d)
pass=0 fail=0
bystander=""
cleanup() {
	[ -n "$bystander" ] && openstack server delete --wait "$bystander" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check() { # description, command...
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}

# The descriptor repository: site1's VNFD from the example, an NSD with the
# balancer and one route, and the lab registered as the only VIM.
mkdir -p "$tmp/r/vims" "$tmp/r/vnfd" "$tmp/r/nsd"
# The lab is shared: a port someone else made may hold one of the example's
# fixed addresses (10.10.0.12/.13), so the VNFD gets two free ones of net0.
used=$(openstack port list --network net0 -f value -c "Fixed IP Addresses" | grep -oE '10\.10\.0\.[0-9]+')
free=()
for i in $(seq 100 199); do
	grep -qx "10.10.0.$i" <<<"$used" || free+=("10.10.0.$i")
	[ ${#free[@]} = 2 ] && break
done
[ ${#free[@]} = 2 ] || { echo "FAIL net0 has no two free addresses in 10.10.0.100-199"; exit 1; }
ip1=${free[0]} ip2=${free[1]}
sed -e "s/10\.10\.0\.12\b/$ip1/" -e "s/10\.10\.0\.13\b/$ip2/" \
	"$repo/examples/symmetric-web/vnfd/site1-web.yaml" >"$tmp/r/vnfd/site1-web.yaml"
grep -q "$ip1" "$tmp/r/vnfd/site1-web.yaml" && grep -q "$ip2" "$tmp/r/vnfd/site1-web.yaml" ||
	{ echo "FAIL could not give the VNFD free addresses ($ip1, $ip2)"; exit 1; }
cat >"$tmp/r/vims/lab.yaml" <<'YAML'
auth_url: 'http://127.0.0.1:5000/v3'
username: 'admin'
password_env: 'LAB_PASSWORD'
project_name: 'admin'
project_domain_name: 'Default'
user_domain_name: 'Default'
YAML
write_nsd() { # with_route (yes|no)
	{
		cat <<'YAML'
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
        health_monitor: {type: HTTP, delay: 5, timeout: 3, max_retries: 3, url_path: /}
YAML
		if [ "$1" = yes ]; then
			cat <<'YAML'
        l7_rules:
          - {path_prefix: /site1-web1-mandbs, vnf: web, vdu: VDU1}
YAML
		fi
		cat <<'YAML'
      requirements:
        - virtualLink: net0
        - members: web
YAML
	} >"$tmp/r/nsd/e2e.yaml"
}

plan_rc() { "$nfvsync" plan --detailed-exitcode "$tmp/r" >"$tmp/plan.txt" 2>&1; echo $?; }

write_nsd yes
# Services nfvsync made in the lab for someone else (a benchmark) are not in
# these descriptors, so every apply here would prune them: say so and stop.
"$nfvsync" plan "$tmp/r" >"$tmp/plan.txt" 2>&1
if grep -qE '^  - ' "$tmp/plan.txt"; then
	echo "FAIL the lab holds nfvsync resources of other services, which this test's applies would prune:"
	grep -E '^  - ' "$tmp/plan.txt" | head -n 20
	echo "     start from a clean lab: ../shared/openstack-lab/down.sh --purge && ../shared/openstack-lab/up.sh"
	exit 1
fi
check "apply from scratch succeeds" "$nfvsync" apply --auto-approve "$tmp/r"
server_is() { # name status address
	local j
	j=$(openstack server show "$1" -f json) || return 1
	jq -e --arg s "$2" --arg a "$3" \
		'.status == $s and (.addresses | tostring | contains($a))' <<<"$j" >/dev/null
}
check "servers are ACTIVE on their fixed IPs" bash -c \
	"$(declare -f server_is); server_is e2e-web-VDU1-0 ACTIVE $ip1 && server_is e2e-web-VDU2-0 ACTIVE $ip2"
check "the balancer is ACTIVE with both members" bash -c \
	"openstack loadbalancer show e2e-lb -f value -c provisioning_status | grep -qx ACTIVE &&
	 [ \"\$(openstack loadbalancer member list e2e-lb-pool -f value -c address | sort -V | tr '\n' ' ')\" = '$ip1 $ip2 ' ]"
check "servers carry nfvsync's tags" bash -c \
	'j=$(openstack --os-compute-api-version 2.26 server show e2e-web-VDU1-0 -f json) && jq -e ".tags | index(\"nfvsync.ns=e2e\")" <<<"$j" >/dev/null'
rc=$(plan_rc)
check "a second plan is a no-op (exit 0)" [ "$rc" = 0 ]

openstack server create --flavor ds512M --image ubuntu-18.04 --network net0 --wait bystander-e2e >/dev/null && bystander=bystander-e2e
openstack server stop e2e-web-VDU2-0
for _ in $(seq 1 60); do
	[ "$(openstack server show e2e-web-VDU2-0 -f value -c status)" = SHUTOFF ] && break
	sleep 1 # polling the lab for the state we caused, bounded
done
openstack loadbalancer member delete e2e-lb-pool e2e-lb-pool-web-VDU1-0
rc=$(plan_rc)
check "drift is detected (exit 2)" [ "$rc" = 2 ]
check "the stopped server is to be respawned" grep -q "! server        e2e-web-VDU2-0  (respawn: server is SHUTOFF" "$tmp/plan.txt"
check "the deleted member is to be recreated" grep -q "+ member        e2e-lb-pool-web-VDU1-0" "$tmp/plan.txt"
check "the bystander is not in the plan" bash -c "! grep -q bystander '$tmp/plan.txt'"
check "apply heals the drift" "$nfvsync" apply --auto-approve "$tmp/r"
rc=$(plan_rc)
check "converged again (exit 0)" [ "$rc" = 0 ]

write_nsd no
"$nfvsync" plan "$tmp/r" >"$tmp/plan.txt" 2>&1
check "a removed route is pruned policy first, then member, then pool" bash -c \
	"grep -E '^  - ' '$tmp/plan.txt' | awk '{print \$2}' | tr '\n' ' ' | grep -qx 'l7policy member pool '"
check "apply prunes it" "$nfvsync" apply --auto-approve "$tmp/r"
rc=$(plan_rc)
check "converged after pruning (exit 0)" [ "$rc" = 0 ]

# Somebody adds a member of their own to nfvsync's pool (weight 5,
# disabled); then VDU2 leaves the VNFD. Its member is drained (one DELETE)
# and the stranger is left as it was.
openstack loadbalancer member create --address 10.10.0.250 --protocol-port 8080 \
	--weight 5 --disable --name ops-member --wait e2e-lb-pool >/dev/null
sed -i -e '/^    VDU2:/,$d' -e '/virtualLink2: \[CP2/d' "$tmp/r/vnfd/site1-web.yaml"
"$nfvsync" apply --auto-approve "$tmp/r" >"$tmp/apply.txt" 2>&1
check "VDU2 removed from the VNFD: apply deletes its member, server and port" \
	grep -q 'Apply: 3 done, 0 failed' "$tmp/apply.txt"
check "... the hand-made member is untouched (weight 5, disabled, its name)" bash -c \
	'openstack loadbalancer member show e2e-lb-pool ops-member -f json |
	 jq -e ".weight == 5 and .admin_state_up == false and .protocol_port == 8080" >/dev/null'
check "... and the pool holds it and VDU1's member" bash -c \
	"[ \"\$(openstack loadbalancer member list e2e-lb-pool -f value -c name | sort | tr '\n' ' ')\" = 'e2e-lb-pool-web-VDU1-0 ops-member ' ]"
rc=$(plan_rc)
check "converged after removing VDU2 (exit 0)" [ "$rc" = 0 ]

# Teardown: a service with nothing to deploy deletes all of it, which the
# mass-deletion guard refuses until told.
cat >"$tmp/r/nsd/e2e.yaml" <<'YAML'
tosca_definitions_version: tosca_simple_profile_for_nfv_1_0_0
metadata: {template_name: e2e}
topology_template:
  node_templates:
    net0:
      type: tosca.nodes.nfv.VL
      properties: {network_name: net0, vendor: nfvsync}
YAML
rm "$tmp/r/vnfd/site1-web.yaml"
check "a mass deletion is refused" bash -c "! '$nfvsync' apply --auto-approve '$tmp/r' 2>&1 | grep -q 'done'"
check "and the refusal says why" bash -c "'$nfvsync' plan '$tmp/r' 2>&1 | grep -q 'refusing without --allow-mass-delete'"
check "with --allow-mass-delete everything nfvsync made is deleted" "$nfvsync" apply --auto-approve --allow-mass-delete "$tmp/r"
check "nothing of nfvsync's is left" bash -c \
	'[ -z "$(openstack --os-compute-api-version 2.26 server list --tags nfvsync -f value -c ID)" ] &&
	 [ -z "$(openstack port list --tags nfvsync -f value -c ID)" ] &&
	 [ -z "$(openstack loadbalancer list --tags nfvsync -f value -c id)" ]'
check "the bystander survived every apply" bash -c \
	'openstack server show bystander-e2e -f value -c status | grep -qx ACTIVE'

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
