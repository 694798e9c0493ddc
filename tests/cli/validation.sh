#!/usr/bin/env bash
# Input that passed `validate` and then collided or misbehaved in `plan`:
# two services of one name, a VIM registered twice, fixed addresses given
# twice or to every instance of a scaled VDU, a VNFD that leaves its ports'
# networks to an NSD deployed on its own, an OpenStack VIM without a user.
# Each must be refused with file:line:col, exit 1 and nothing planned.
# Usage: validation.sh NFVSYNC
. "$(dirname "$0")/lib.sh"
cli_init "$@"

# refused DESCRIPTION FRAGMENT COMMAND...: exit 1 with FRAGMENT, and no plan
# or "configuration OK" on the way.
refused() {
	local what=$1 want=$2 out
	shift 2
	out=$("$@" 2>&1)
	if grep -qE '^Plan: |configuration OK' <<<"$out"; then
		echo "FAIL $what: refused, yet planned or said OK"
		echo "$out" | head -20
		fail=$((fail + 1))
		return
	fi
	expect "$what" 1 "$want" "$@"
}
corpus=$repo/../shared/corpus/tacker
cd "$tmp"

cp -r "$repo/examples/symmetric-web" x

# Two descriptors of one service name (Tacker's samples all say
# template_name: sample-tosca-vnfd).
mkdir -p same/vims
cp "$corpus/vnfd/tosca-vnfd-hello-world.yaml" "$corpus/vnfd/tosca-vnfd-multi-vdu.yaml" same/
cp x/vims/site1.yaml same/vims/
refused "two VNFDs of one name" "same/tosca-vnfd-multi-vdu.yaml:6:18: error: service 'sample-tosca-vnfd' is defined twice: same/tosca-vnfd-hello-world.yaml:6:18 already defines it" "$nfvsync" validate same
refused "and plan refuses them" "is defined twice" "$nfvsync" plan --offline same
cp -r x dup
cp dup/nsd/symmetric-web.yaml dup/nsd/copy.yaml
refused "a copied NSD" "dup/nsd/symmetric-web.yaml:11:18: error: service 'symmetric-web' is defined twice: dup/nsd/copy.yaml:11:18 already defines it" "$nfvsync" plan --offline dup

# VIMs: one name in two directories is an error; one directory twice is
# read once.
mkdir -p d1/vims d2/vims
cp x/vnfd/site2-web.yaml d1/
cp x/vims/site1.yaml d1/vims/
sed 's|25000|25001|' x/vims/site1.yaml >d2/vims/site1.yaml
refused "a VIM registered in two directories" "d2/vims/site1.yaml:6:1: error: VIM 'site1' is registered twice: d1/vims/site1.yaml registers it already" "$nfvsync" validate d1 d2
expect "a directory given twice" 0 "configuration OK: 3 descriptor files, 1 service, 2 VNFs, 2 VIMs" "$nfvsync" validate x x
expect "a directory and its vims/" 0 "2 VIMs" "$nfvsync" validate x x/vims

# An OpenStack VIM needs a user, at validate time and at its line.
cp -r x novim
echo "auth_url: 'http://127.0.0.1:25000/v3'" >novim/vims/site1.yaml
refused "OpenStack VIM with auth_url only" "novim/vims/site1.yaml:1:1: error: VIM 'site1': no username" "$nfvsync" validate novim

# A VNFD that leaves CP1's and CP2's networks to the NSD, on its own.
expect "VNFD for an NSD, validated alone: a warning" 0 "x/vnfd/site1-web.yaml:30:7: warning: CP1: VNF 'site1-web' is deployed on its own" "$nfvsync" validate x/vnfd/site1-web.yaml
refused "and planned alone: an error" "x/vnfd/site1-web.yaml:30:7: error: CP1: VNF 'site1-web' is deployed on its own, so no network service fills 'virtualLink1' and the port of VDU1 has no network; nothing is planned" "$nfvsync" plan --offline x/vnfd/site1-web.yaml
expect "the corpus' VNFD for an NSD still validates" 0 "configuration OK" "$nfvsync" validate "$corpus/nsd/sample-tosca-vnfd1.yaml"

# Fixed addresses.
cp -r x scaled
cat >>scaled/vnfd/site1-web.yaml <<'YAML'
  policies:
    - SP1:
        type: tosca.policies.tacker.Scaling
        targets: [VDU1]
        properties: {min_instances: 1, max_instances: 2, default_instances: 2, increment: 1}
YAML
refused "a fixed IP on a scaled VDU" "site1-web.yaml:43:21: error: CP1: fixed ip_address 10.10.0.12 on VDU1, which policy 'SP1' scales to up to 2 instances" "$nfvsync" plan --offline scaled
cp -r x twice
sed -i 's/ip_address: 10.10.0.13/ip_address: 10.10.0.12/' twice/vnfd/site1-web.yaml
refused "one fixed IP on two CPs" "site1-web.yaml:59:21: error: CP2 of VNF site1-web (service symmetric-web): address 10.10.0.12 is also given to CP1 of VNF site1-web (service symmetric-web) at twice/nsd/../vnfd/site1-web.yaml:43:21, on network net0 of VIM site1" "$nfvsync" plan --offline twice
cp -r x vip
sed -i 's/vip_address: 10.10.0.200/vip_address: 10.10.0.13/' vip/nsd/symmetric-web.yaml
refused "a VIP on a port's address" "vip/nsd/symmetric-web.yaml:37:22: error: the VIP of balancer web-lb (service symmetric-web): address 10.10.0.13 is also given to CP2" "$nfvsync" plan --offline vip
sed -i 's/vip_address: 10.10.0.13/vip_address: not-an-ip/' vip/nsd/symmetric-web.yaml
refused "a VIP that is no address" "vip/nsd/symmetric-web.yaml:37:22: error: web-lb: vip_address 'not-an-ip' is not an IPv4 or IPv6 address" "$nfvsync" validate vip

cli_done
