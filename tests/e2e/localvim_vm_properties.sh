#!/usr/bin/env bash
# End to end with the real binaries: a VNF whose VDU is sized by
# nfv_compute and carries the server fields nfvsync passes to Nova
# (availability zone, metadata, user data, config drive), a CP with a
# security group given by name, an allowed address pair and a fixed MAC, a
# CP without port security, and a free-standing VIP port. The openstack
# CLI, pointed at localvim, checks what the server and ports got; a changed
# security group list then updates the port in place (same port, same
# server).
# Usage: localvim_vm_properties.sh NFVSYNC LOCALVIM
set -u
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR/../..
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
lv_start
write_site1_vim "$tmp/r"
mkdir -p "$tmp/r/vnfd"

# $1: the security groups of CP1, as a YAML flow list.
write_vnfd() {
	cat >"$tmp/r/vnfd/vm.yaml" <<YAML
tosca_definitions_version: tosca_simple_profile_for_nfv_1_0_0
metadata: {template_name: vm}
topology_template:
  node_templates:
    VDU1:
      type: tosca.nodes.nfv.VDU.Tacker
      capabilities:
        nfv_compute:
          properties: {num_cpus: 1, mem_size: 512 MB, disk_size: 1 GB}
      properties:
        image: cirros
        availability_zone: nova
        config_drive: true
        metadata: {role: web}
        user_data_format: RAW
        user_data: |
          #!/bin/sh
          echo hello
    CP1:
      type: tosca.nodes.nfv.CP.Tacker
      properties:
        ip_address: 10.10.0.21
        mac_address: "fa:16:3e:aa:bb:01"
        security_groups: $1
        allowed_address_pairs:
          - ip_address: 10.10.0.50
      requirements:
        - virtualBinding: {node: VDU1}
        - virtualLink: {node: VL1}
    CP2:
      type: tosca.nodes.nfv.CP.Tacker
      properties: {anti_spoofing_protection: false}
      requirements:
        - virtualBinding: {node: VDU1}
        - virtualLink: {node: VL1}
    VCP:
      type: tosca.nodes.nfv.CP.Tacker
      properties: {ip_address: 10.10.0.50, security_groups: [default]}
      requirements:
        - virtualLink: {node: VL1}
    VL1:
      type: tosca.nodes.nfv.VL
      properties: {network_name: net0, vendor: nfvsync}
YAML
}

# show RESOURCE NAME: reads `openstack RESOURCE show NAME` (compute API
# 2.3 for servers: it shows user_data) into $tmp/RESOURCE-NAME.json.
show() {
	openstack --os-compute-api-version 2.3 "$1" show "$2" -f json >"$tmp/$1-$2.json"
}
# field RESOURCE NAME FIELD: one field of what show read, as JSON.
field() {
	python3 -c "import json, sys; print(json.dumps(json.load(open(sys.argv[1])).get(sys.argv[2])))" \
		"$tmp/$1-$2.json" "$3"
}

sg=$(openstack security group create web-sg -f value -c id)
default_sg=$(openstack security group list -f value -c ID -c Name | awk '$2 == "default" {print $1}')
write_vnfd "[web-sg]"

"$nfvsync" plan "$tmp/r" >"$tmp/plan.txt" 2>&1
check "the plan shows what the VDU needs and the flavor it gets" \
	grep -q "compute            at least 1 vCPU, 489 MiB RAM, 1 GiB disk" "$tmp/plan.txt"
# ds512M and m1.tiny are alike (1 vCPU, 512 MiB, 1 GiB): the name decides.
check "... ds512M, the smallest that fits" \
	grep -q "flavor             ds512M (the smallest that fits)" "$tmp/plan.txt"
check "the free-standing VIP port is planned" \
	grep -q "+ port          vm-vm-VCP" "$tmp/plan.txt"
check "apply succeeds" "$nfvsync" apply --auto-approve "$tmp/r"
rc=$(plan_rc "$tmp/r")
check "re-plan is a no-op (exit 0)" [ "$rc" = 0 ]

server=vm-vm-VDU1-0
port=vm-vm-VDU1-0-CP1
for r in "server $server" "port $port" "port vm-vm-VDU1-0-CP2" "port vm-vm-VCP"; do
	# shellcheck disable=SC2086
	show $r
done
check "server flavor is ds512M" bash -c "grep -q '\"flavor\": \"ds512M' '$tmp/server-$server.json'"
check "server is in zone nova" \
	[ "$(field server $server OS-EXT-AZ:availability_zone)" = '"nova"' ]
check "server has a config drive" [ "$(field server $server config_drive)" = '"True"' ]
check "server metadata has role=web" grep -q '"role": "web"' "$tmp/server-$server.json"
ud=$(printf '#!/bin/sh\necho hello\n' | base64 -w0)
check "server got the user data in base64" \
	[ "$(field server $server OS-EXT-SRV-ATTR:user_data)" = "\"$ud\"" ]

check "CP1's port has web-sg by ID" [ "$(field port $port security_group_ids)" = "[\"$sg\"]" ]
check "CP1's port has the address pair (with its own MAC)" \
	[ "$(field port $port allowed_address_pairs)" = '[{"ip_address": "10.10.0.50", "mac_address": "fa:16:3e:aa:bb:01"}]' ]
check "CP1's port has the fixed MAC" [ "$(field port $port mac_address)" = '"fa:16:3e:aa:bb:01"' ]
check "CP2's port has port security off and no groups" \
	[ "$(field port vm-vm-VDU1-0-CP2 port_security_enabled) $(field port vm-vm-VDU1-0-CP2 security_group_ids)" = "false []" ]
check "the VIP port holds 10.10.0.50 with the project's default group" \
	[ "$(field port vm-vm-VCP fixed_ips | grep -o '10.10.0.50') $(field port vm-vm-VCP security_group_ids)" = "10.10.0.50 [\"$default_sg\"]" ]

port_id=$(field port $port id)
server_id=$(field server $server id)
write_vnfd "[web-sg, default]"
"$nfvsync" plan "$tmp/r" >"$tmp/plan2.txt" 2>&1
check "a changed group list is planned as an update of the port alone" \
	bash -c "grep -q '~ port          $port' '$tmp/plan2.txt' && grep -q '^Plan: 0 to create, 1 to update, 0 to replace' '$tmp/plan2.txt'"
check "apply updates it" "$nfvsync" apply --auto-approve "$tmp/r"
show port $port
show server $server
check "same port, now with both groups" \
	[ "$(field port $port id) $(field port $port security_group_ids | tr -d '[]" ' | tr ',' '\n' | sort | tr '\n' ' ')" = \
	"$port_id $(printf '%s\n' "$sg" "$default_sg" | sort | tr '\n' ' ')" ]
check "same server" [ "$(field server $server id)" = "$server_id" ]
rc=$(plan_rc "$tmp/r")
check "converged (exit 0)" [ "$rc" = 0 ]

finish
