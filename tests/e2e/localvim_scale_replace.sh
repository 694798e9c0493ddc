#!/usr/bin/env bash
# Scaling and replacing VMs behind a balancer on localvim, checked through
# the balancer: a VDU whose Scaling policy says 2, then 3, then 1 instances
# (traffic spread over that many servers each time; scaling in drains:
# every member deletion reaches localvim before any server deletion), then
# a new image, which replaces the server (same name, new id) and moves its
# pool member to it. Members are added in one batch call per pool
# (localvim's request log: one PUT .../pools/{id}/members?additive_only,
# no member POST) and removed one DELETE each, and a member added to
# nfvsync's pool by hand, with a weight of 7 and disabled, is never
# written to and keeps both through every step. Each scaling apply prints its
# wall time and request count ("info:" lines).
# Usage: localvim_scale_replace.sh NFVSYNC LOCALVIM
set -u
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR/../..
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
lv_start
write_site1_vim "$tmp/r"
mkdir -p "$tmp/r/vnfd" "$tmp/r/nsd"
cat >"$tmp/r/vnfd/web.yaml" <<'YAML'
tosca_definitions_version: tosca_simple_profile_for_nfv_1_0_0
metadata: {template_name: web}
node_types:
  e2e.nodes.Web:
    derived_from: tosca.nodes.nfv.VNF
    requirements:
      - virtualLink1:
          capability: tosca.capabilities.nfv.VirtualLinkable
          node: tosca.nodes.nfv.VL
          relationship: tosca.relationships.nfv.VirtualLinksTo
topology_template:
  substitution_mappings:
    node_type: e2e.nodes.Web
    requirements:
      virtualLink1: [CP1, virtualLink]
  node_templates:
    VDU1:
      type: tosca.nodes.nfv.VDU.Tacker
      properties: {image: ubuntu-18.04, flavor: ds512M}
    CP1:
      type: tosca.nodes.nfv.CP.Tacker
      properties: {order: 0}
      requirements:
        - virtualBinding: {node: VDU1}
  policies:
    - SP1:
        type: tosca.policies.tacker.Scaling
        targets: [VDU1]
        properties: {min_instances: 1, max_instances: 3, default_instances: 2, increment: 1}
YAML
cat >"$tmp/r/nsd/ns.yaml" <<'YAML'
tosca_definitions_version: tosca_simple_profile_for_nfv_1_0_0
metadata: {template_name: sc}
imports: [../vnfd/web.yaml]
topology_template:
  node_templates:
    web:
      type: e2e.nodes.Web
      requirements:
        - virtualLink1: net0
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

scale_to() { sed -i "s/default_instances: [0-9]*/default_instances: $1/" "$tmp/r/vnfd/web.yaml"; }
# The servers answering through the VIP, one per line.
answering() { spread 60 / | awk '{print $2}' | tr '\n' ' '; }
answer_is() { [ "$(answering)" = "$1" ]; }
# localvim's request log, one "METHOD service /path status" a line, in order.
requests_log() {
	curl -s "$LOCALVIM_ADMIN_URL/v1/requests" |
		python3 -c 'import json, sys; print("\n".join(json.load(sys.stdin)["log"]))'
}
server_id() {
	openstack server list -f value -c ID -c Name | awk -v n="$1" '$2 == n {print $1}'
}
export OS_CLIENT_CONFIG_FILE OS_CLOUD
now() { date +%s.%N; }
# timed_apply LABEL: apply, with its wall time and localvim's request count.
timed_apply() {
	local t0 t1 rc
	curl -s -X DELETE "$LOCALVIM_ADMIN_URL/v1/requests" >/dev/null
	t0=$(now)
	"$nfvsync" apply --auto-approve "$tmp/r" >"$tmp/apply.txt" 2>&1
	rc=$?
	t1=$(now)
	requests_log >"$tmp/log.txt"
	echo "info: $1: apply $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}') s," \
		"$(grep -vc ' /identity/' "$tmp/log.txt") requests to localvim" \
		"($(grep -c '^[A-Z]* octavia .*/members' "$tmp/log.txt") on members)"
	return $rc
}
# count PATTERN: lines of the last apply's request log matching PATTERN.
count() { grep -c -- "$1" "$tmp/log.txt"; }
lb_active() {
	[ "$(openstack loadbalancer show sc-lb -f value -c provisioning_status)" = ACTIVE ]
}
# The hand-made member, as "weight admin_state_up", e.g. "7 False".
hand_member() {
	openstack loadbalancer member show sc-lb-pool by-hand -f json |
		python3 -c 'import json, sys; m = json.load(sys.stdin); print(m["weight"], m["admin_state_up"])'
}
hand_member_kept() { [ "$(hand_member)" = "7 False" ]; }

check "2 instances: apply" "$nfvsync" apply --auto-approve "$tmp/r"
check "2 instances: converged" [ "$(plan_rc "$tmp/r")" = 0 ]
check "2 instances: both answer through the VIP" wait_for 30 answer_is "sc-web-VDU1-0 sc-web-VDU1-1 "

# Somebody else's member in nfvsync's pool: not nfvsync's to change.
check "by hand: a member with weight 7, disabled, added to the pool" \
	openstack loadbalancer member create --name by-hand --address 10.10.0.99 \
	--protocol-port 8080 --weight 7 --disable sc-lb-pool -f value -c id
check "by hand: the balancer is ACTIVE again" wait_for 30 lb_active
check "by hand: nfvsync has nothing to do about it" [ "$(plan_rc "$tmp/r")" = 0 ]

scale_to 3
check "3 instances: the plan adds one server and its member" bash -c \
	"'$nfvsync' plan '$tmp/r' | grep -q 'Plan: 3 to create, 0 to update, 0 to replace, 0 to respawn, 0 to delete'"
check "3 instances: apply" timed_apply "scale-out 2 -> 3"
check "3 instances: the member was added by one PUT .../members, no member POST" bash -c \
	"[ $(count '^PUT octavia /v2/lbaas/pools/[^/]*/members 202') = 1 ] &&
	 [ $(count '^POST octavia .*/members') = 0 ]"
check "3 instances: converged" [ "$(plan_rc "$tmp/r")" = 0 ]
check "3 instances: all three answer" wait_for 30 answer_is "sc-web-VDU1-0 sc-web-VDU1-1 sc-web-VDU1-2 "
check "3 instances: the hand-made member kept weight 7, disabled" hand_member_kept

scale_to 1
check "1 instance: apply" timed_apply "scale-in 3 -> 1"
check "1 instance: converged" [ "$(plan_rc "$tmp/r")" = 0 ]
last_member=$(grep -n '^DELETE octavia .*/members/' "$tmp/log.txt" | tail -n1 | cut -d: -f1)
first_server=$(grep -n '^DELETE nova .*/servers/' "$tmp/log.txt" | head -n1 | cut -d: -f1)
check "1 instance: two members removed one DELETE each (no member PUT), two servers deleted" bash -c \
	"[ $(count '^DELETE octavia .*/members/.* 204') = 2 ] &&
	 [ $(count '^PUT octavia /v2/lbaas/pools/[^/]*/members') = 0 ] &&
	 [ $(count '^DELETE nova .*/servers/.* 20[0-9]') = 2 ]"
before() { [ -n "$1" ] && [ -n "$2" ] && [ "$1" -lt "$2" ]; }
check "1 instance: drained first (member deletions by request $last_member, server deletions from $first_server)" \
	before "$last_member" "$first_server"
check "1 instance: only it answers" wait_for 30 answer_is "sc-web-VDU1-0 "
check "1 instance: the pool holds it and the hand-made member" bash -c \
	"[ \"\$(openstack loadbalancer member list sc-lb-pool -f value -c name | sort | tr '\n' ' ')\" = 'by-hand sc-lb-pool-web-VDU1-0 ' ]"
check "1 instance: the hand-made member kept weight 7, disabled" hand_member_kept

old_id=$(server_id sc-web-VDU1-0)
sed -i 's/image: ubuntu-18.04/image: cirros/' "$tmp/r/vnfd/web.yaml"
check "new image: the plan replaces the server" bash -c \
	"'$nfvsync' plan '$tmp/r' | grep -q -- '-/+ server        sc-web-VDU1-0'"
check "new image: apply" "$nfvsync" apply --auto-approve "$tmp/r"
check "new image: converged" [ "$(plan_rc "$tmp/r")" = 0 ]
new_id=$(server_id sc-web-VDU1-0)
differ() { [ -n "$1" ] && [ -n "$2" ] && [ "$1" != "$2" ]; }
check "new image: same name, new id ($old_id -> $new_id)" differ "$old_id" "$new_id"
check "new image: the server runs it" bash -c \
	"openstack server show sc-web-VDU1-0 -f value -c image | grep -q cirros"
check "new image: its member follows, traffic reaches it" wait_for 30 answer_is "sc-web-VDU1-0 "
check "new image: the hand-made member kept weight 7, disabled" hand_member_kept

finish
