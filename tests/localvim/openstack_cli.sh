#!/usr/bin/env bash
# End-to-end: the real openstack CLI against localvim, with the clouds.yaml
# localvim wrote. Token, network + subnet create, server create --wait (a
# real process answers on 127.N.0.x:80), list with filters, port create
# with a fixed IP and the 409 on a taken one, a killed instance going to
# ERROR, delete. It uses its own 10.N.0.0/24 (lib.sh) so that it never competes for
# an address with a localvim someone runs by hand on the default world.
. "$(dirname "$0")/lib.sh"
lv_start

os() { openstack --os-cloud localvim "$@"; }

os token issue -f value -c id | has '^gAAAA' || fail "token issue"
[ "$(os network show net0 -f value -c name)" = net0 ] || fail "net0"
os network create lvt-net >/dev/null || fail "network create"
os subnet create --network lvt-net --subnet-range 10.$lv_net.0.0/24 lvt-subnet \
	>/dev/null || fail "subnet create"

os port create --network lvt-net \
	--fixed-ip subnet=lvt-subnet,ip-address=10.$lv_net.0.12 web1-port >/dev/null ||
	fail "port create"
if os port create --network lvt-net --fixed-ip ip-address=10.$lv_net.0.12 dup \
	>"$lv_tmp/dup.out" 2>&1; then
	fail "a taken fixed IP was accepted"
fi
grep -q 409 "$lv_tmp/dup.out" || fail "no 409 for a taken IP"

port_id=$(os port show web1-port -f value -c id)
os server create --image ubuntu-18.04 --flavor ds512M --port "$port_id" \
	--property nfv.ns=demo --wait web1 >/dev/null || fail "create web1"
os server create --image ubuntu-18.04 --flavor ds512M --network lvt-net \
	--wait web2 >/dev/null || fail "create web2"
[ "$(os server show web1 -f value -c status)" = ACTIVE ] || fail "status"

body=$(curl -sf --max-time 5 http://127.$lv_net.0.12/) || fail "no data plane"
echo "$body" | has "Served by web1" || fail "body: $body"
echo "$body" | has "Server IP: 10.$lv_net.0.12" || fail "body: $body"

os server list -f value -c Name | sort | tr '\n' ' ' | has "web1 web2" ||
	fail "server list"
[ "$(os server list --name '^web1$' -f value -c Name)" = web1 ] ||
	fail "name filter"
[ "$(os server list --limit 1 -f value -c Name | wc -l)" -ge 1 ] ||
	fail "limit"

# Metadata, tags (microversion 2.26+), actions, server groups.
os server set --property nfv.role=vnf web1 || fail "metadata set"
os server show web1 -f value -c properties | has "nfv.role.: .vnf." ||
	fail "metadata: $(os server show web1 -f value -c properties)"
os --os-compute-api-version 2.52 server set --tag nfv-demo web1 ||
	fail "tag set"
[ "$(os --os-compute-api-version 2.52 server list --tags nfv-demo \
	-f value -c Name)" = web1 ] || fail "list by tag"
os server stop web1 || fail "stop"
wait_for 10 sh -c "openstack --os-cloud localvim server show web1 \
	-f value -c status | grep -qx SHUTOFF" || fail "not SHUTOFF"
if curl -sf --max-time 1 http://127.$lv_net.0.12/ >/dev/null; then
	fail "a SHUTOFF server still serves"
fi
os server start web1 || fail "start"
wait_for 10 sh -c "openstack --os-cloud localvim server show web1 \
	-f value -c status | grep -qx ACTIVE" || fail "not ACTIVE again"
curl -sf --max-time 2 http://127.$lv_net.0.12/ | has "Served by web1" ||
	fail "not serving after start"
os server reboot --hard --wait web1 || fail "reboot"
os server group create --policy anti-affinity grp >/dev/null ||
	fail "server group"
os server group show grp -f json | has anti-affinity ||
	fail "server group policy"

# Neutron security groups and tags.
os security group create sg-web >/dev/null || fail "sg create"
os security group rule create --protocol tcp --dst-port 80 sg-web \
	>/dev/null || fail "sg rule"
os port set --tag nfvsync web1-port || fail "port tag"
[ "$(os port list --tags nfvsync -f value -c Name)" = web1-port ] ||
	fail "port list by tag"

# Kill web2's process: Nova must report ERROR with a fault.
admin POST /v1/kill '{"name":"web2"}' || fail "kill web2"
wait_for 10 sh -c "openstack --os-cloud localvim server show web2 \
	-f value -c status | grep -qx ERROR" || fail "web2 not ERROR"
os server show web2 -f json -c fault | has "killed" || fail "no fault"

os server delete --wait web1 || fail "delete web1"
if os server show web1 >/dev/null 2>&1; then
	fail "web1 still there"
fi
# The pre-created port is unbound, not deleted.
[ "$(os port show web1-port -f value -c device_id)" = "" ] ||
	fail "port still bound"
wait_for 5 sh -c "! curl -sf --max-time 1 http://127.$lv_net.0.12/ >/dev/null" ||
	fail "web1 process still serving"
lv_stop
echo "PASS"
