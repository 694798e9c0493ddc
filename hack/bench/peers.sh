#!/usr/bin/env bash
# Peer benchmark on real OpenStack services (../shared/openstack-lab): the
# same desired state — N servers on fixed addresses in net0 behind one
# Octavia balancer (HTTP:80 listener, ROUND_ROBIN pool, a member per server,
# HTTP health monitor) — converged by nfvsync and by the peers in
# ../shared/peers: the openstack CLI script, and the Ansible playbook (tried;
# as Debian packages it, it does not run, and the error is reported as it
# comes, the peer is not patched). For each: wall time and the control
# plane's requests (openstack-lab-request-count.sh, the whole plane's load)
# of a first apply and of a no-op re-run, with peer/nfvsync ratios.
# Prints a markdown table, also written to --out FILE.
# Starts the lab (up.sh, 2-3 min) unless it is already up, and stops it
# (down.sh) only if it started it. Asserts nothing.
# Usage: hack/bench/peers.sh [--out FILE] [N]   (default N = 10)
set -u
cd "$(dirname "$0")/../.." || exit 1
out="" n=10
while [ $# -gt 0 ]; do
	case $1 in
	--out) out=$2; shift 2 ;;
	*) n=$1; shift ;;
	esac
done
nfvsync=$(realpath "${NFVSYNC:-build/controller/nfvsync}")
lab=$(cd .. && pwd)/shared/openstack-lab
peers=$(cd .. && pwd)/shared/peers
LAB=${LAB:-/var/tmp/openstack-lab}
export LAB
[ -x "$nfvsync" ] || { echo "build first: cmake -S . -B build && cmake --build build" >&2; exit 1; }
tmp=$(mktemp -d)
started=no
cleanup() {
	[ $started = yes ] && "$lab/down.sh" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

if pgrep -f 'keystone' >/dev/null; then
	echo "the lab (keystone) is already running: using it, not stopping it" >&2
else
	echo "starting the OpenStack lab (2-3 minutes)..." >&2
	if ! "$lab/up.sh" >"$tmp/up.log" 2>&1; then
		echo "the lab did not start; last lines of up.sh:" >&2
		tail -n 20 "$tmp/up.log" >&2
		exit 1
	fi
	started=yes
fi
export OS_CLIENT_CONFIG_FILE=$LAB/clouds.yaml OS_CLOUD=openstack-lab LAB_PASSWORD=labadmin

count() { "$peers/openstack-lab-request-count.sh" | sed -n 's/.*total=\([0-9]*\).*/\1/p'; }
# run NAME COMMAND...: "seconds requests exit" of one run.
run() {
	local name=$1 c0 c1 t0 t1 rc
	shift
	c0=$(count)
	t0=$(date +%s.%N)
	"$@" >"$tmp/$name.log" 2>&1
	rc=$?
	t1=$(date +%s.%N)
	c1=$(count)
	echo "$(awk -v a="$t1" -v b="$t0" 'BEGIN{printf "%.1f", a-b}') $((c1 - c0)) $rc"
}

# nfvsync's repository: N VDUs with a fixed-address port each (10.10.0.100+i,
# so that the peers' 10.10.0.10+i stay free), VIP 10.10.0.201.
mkdir -p "$tmp/r/vims" "$tmp/r/vnfd" "$tmp/r/nsd"
cat >"$tmp/r/vims/lab.yaml" <<'YAML'
auth_url: 'http://127.0.0.1:5000/v3'
username: 'admin'
password_env: 'LAB_PASSWORD'
project_name: 'admin'
project_domain_name: 'Default'
user_domain_name: 'Default'
YAML
{
	cat <<'YAML'
tosca_definitions_version: tosca_simple_profile_for_nfv_1_0_0
metadata: {template_name: web}
node_types:
  bench.nodes.Web:
    derived_from: tosca.nodes.nfv.VNF
topology_template:
  substitution_mappings:
    node_type: bench.nodes.Web
  node_templates:
    VL1:
      type: tosca.nodes.nfv.VL
      properties: {network_name: net0, vendor: bench}
YAML
	for i in $(seq 1 "$n"); do
		cat <<YAML
    VDU$i:
      type: tosca.nodes.nfv.VDU.Tacker
      properties: {image: ubuntu-18.04, flavor: ds512M}
    CP$i:
      type: tosca.nodes.nfv.CP.Tacker
      properties: {ip_address: 10.10.0.$((100 + i)), order: 0}
      requirements:
        - virtualBinding: {node: VDU$i}
        - virtualLink: {node: VL1}
YAML
	done
} >"$tmp/r/vnfd/web.yaml"
cat >"$tmp/r/nsd/ns.yaml" <<'YAML'
tosca_definitions_version: tosca_simple_profile_for_nfv_1_0_0
metadata: {template_name: bench}
imports: [../vnfd/web.yaml]
topology_template:
  node_templates:
    web:
      type: bench.nodes.Web
    net0:
      type: tosca.nodes.nfv.VL
      properties: {network_name: net0, vendor: bench}
    lb:
      type: nfvsync.nodes.LoadBalancer
      properties:
        vip_address: 10.10.0.201
        listener: {protocol: HTTP, port: 80}
        pool: {algorithm: ROUND_ROBIN, protocol: HTTP, member_port: 80}
        health_monitor: {type: HTTP, delay: 5, timeout: 3, max_retries: 3, url_path: /}
      requirements:
        - virtualLink: net0
        - members: web
YAML

# teardown: removes what nfvsync and the peers made in the lab (an earlier
# run's leftovers too), so that every "first apply" starts from nothing:
# everything nfvsync manages there, by applying a repository without a
# service (--allow-mass-delete), and the peers' objects by their names.
mkdir -p "$tmp/empty/vims" "$tmp/empty/nsd"
cp "$tmp/r/vims/lab.yaml" "$tmp/empty/vims/"
cat >"$tmp/empty/nsd/empty.yaml" <<'YAML'
tosca_definitions_version: tosca_simple_profile_for_nfv_1_0_0
metadata: {template_name: bench}
topology_template:
  node_templates:
    net0:
      type: tosca.nodes.nfv.VL
      properties: {network_name: net0, vendor: bench}
YAML
teardown() {
	local i names=() ports=()
	"$nfvsync" apply --auto-approve --allow-mass-delete "$tmp/empty" >"$tmp/teardown.log" 2>&1 ||
		{ echo "removing nfvsync's objects failed:" && tail -n 5 "$tmp/teardown.log"; } >&2
	for i in $(seq 1 "$n"); do
		names+=("web-$i")
		ports+=("web-$i-port")
	done
	openstack loadbalancer delete --cascade --wait web-lb >/dev/null 2>&1
	openstack server delete --wait "${names[@]}" >/dev/null 2>&1
	openstack port delete "${ports[@]}" >/dev/null 2>&1
	if openstack server list -f value -c Name | grep -Eqx 'web-[0-9]+|bench-.*'; then
		echo "the lab still holds servers of an earlier run:" >&2
		openstack server list -f value -c Name | grep -Ex 'web-[0-9]+|bench-.*' >&2
		exit 1
	fi
}
echo "removing what an earlier run left in the lab..." >&2
teardown

echo "nfvsync, first apply..." >&2
read -r nf_t nf_r nf_rc < <(run nfvsync-first "$nfvsync" apply --auto-approve "$tmp/r")
echo "nfvsync, no-op re-apply..." >&2
read -r nn_t nn_r nn_rc < <(run nfvsync-noop "$nfvsync" apply --auto-approve "$tmp/r")
echo "removing nfvsync's objects..." >&2
teardown
echo "openstack CLI peer, first run..." >&2
read -r cf_t cf_r cf_rc < <(run cli-first "$peers/openstack-cli-peer.sh" "$n")
echo "openstack CLI peer, no-op re-run..." >&2
read -r cn_t cn_r cn_rc < <(run cli-noop "$peers/openstack-cli-peer.sh" "$n")
echo "removing the CLI peer's objects..." >&2
teardown
echo "Ansible peer..." >&2
if command -v ansible-playbook >/dev/null; then
	read -r af_t af_r af_rc < <(run ansible-first ansible-playbook -e "n=$n" "$peers/ansible-site.yml")
	ansible_error=$(grep -E 'FAILED|ERROR|fatal|msg' "$tmp/ansible-first.log" | head -n 3 | cut -c1-300 | tr '\n' ' ')
else
	af_rc=127
	ansible_error="ansible-playbook is not installed (Debian package: ansible)"
fi
echo "removing what the Ansible peer made..." >&2
teardown

ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.1f×", a / b; else print "-" }'; }
status() { [ "$1" = 0 ] && echo ok || echo "exit $1"; }
{
	echo "Peers on the OpenStack lab, N = $n servers (wall time; requests = the whole control plane's, from the lab's logs):"
	echo
	echo "| run | nfvsync | openstack CLI peer | CLI / nfvsync |"
	echo "|---|---|---|---|"
	echo "| first apply: wall | $nf_t s ($(status "$nf_rc")) | $cf_t s ($(status "$cf_rc")) | $(ratio "$cf_t" "$nf_t") |"
	echo "| first apply: requests | $nf_r | $cf_r | $(ratio "$cf_r" "$nf_r") |"
	echo "| no-op re-run: wall | $nn_t s ($(status "$nn_rc")) | $cn_t s ($(status "$cn_rc")) | $(ratio "$cn_t" "$nn_t") |"
	echo "| no-op re-run: requests | $nn_r | $cn_r | $(ratio "$cn_r" "$nn_r") |"
	echo
	if [ "${af_rc:-1}" = 0 ]; then
		echo "Ansible peer (openstack.cloud): first run $af_t s, $af_r requests."
	else
		echo "Ansible peer (openstack.cloud, Debian 12's ansible + python3-openstacksdk): did not run to the end (exit $af_rc${af_t:+, after $af_t s}): $ansible_error"
	fi
} >"$tmp/table.md"
cat "$tmp/table.md"
[ -z "$out" ] || cp "$tmp/table.md" "$out"
