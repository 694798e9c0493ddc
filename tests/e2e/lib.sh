# Shared by the end-to-end scripts (sourced, not run): the test's scratch
# directory and its cleanup, pass/fail accounting, polling with a deadline,
# localvim start and stop, and the site1 descriptor repository most tests
# converge. It starts nothing by itself and sleeps only inside wait_for's
# polling.
#
#   . "$(dirname "$0")/lib.sh"
#   e2e_init "$@"          # nfvsync, localvim, repo, tmp; cleanup on exit
#   lv_start               # localvim on ephemeral ports; its env is sourced
#   write_site1_repo "$tmp/r" e2e --with-route
#   check "what" command...
#   finish                 # "N passed, N failed"; exit status
# shellcheck shell=bash

pass=0 fail=0
e2e_pids=()
lvpid=""

# e2e_init NFVSYNC LOCALVIM: absolute paths of the binaries, the source tree
# and a scratch directory removed on exit with every tracked process.
e2e_init() {
	nfvsync=$(realpath "$1")
	localvim=$(realpath "$2")
	repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	tmp=$(mktemp -d)
	trap e2e_cleanup EXIT
}

# Ends every process the test started (by PID), then removes the scratch
# directory.
e2e_cleanup() {
	local pid
	for pid in "${e2e_pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	e2e_pids=()
	rm -rf "$tmp"
}

# e2e_track PID: ended by the cleanup.
e2e_track() { e2e_pids+=("$1"); }

ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}

# wait_for SECONDS command...: runs the command until it succeeds; 1 when the
# deadline passes first.
wait_for() {
	local limit=$1
	shift
	local deadline=$((SECONDS + limit))
	until "$@"; do
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.2
	done
}

# Prints the tally; the script's exit status.
finish() {
	echo "$pass passed, $fail failed"
	[ $fail -eq 0 ]
}

# lv_start: localvim with its state in $tmp/lv, every port ephemeral; exits
# the test when it does not come up. Sets lvpid and sources its env
# (LOCALVIM_AUTH_URL, LOCALVIM_ADMIN_URL, OS_CLOUD, ...).
lv_start() {
	"$localvim" run --state-dir "$tmp/lv" --port-base 0 >"$tmp/lv.log" 2>&1 &
	lvpid=$!
	e2e_track "$lvpid"
	if ! wait_for 10 test -s "$tmp/lv/env"; then
		echo "FAIL localvim did not start"
		cat "$tmp/lv.log"
		exit 1
	fi
	# shellcheck disable=SC1091
	. "$tmp/lv/env"
}

# lv_stop: ends the localvim lv_start started.
lv_stop() {
	[ -n "$lvpid" ] || return 0
	kill -TERM "$lvpid" 2>/dev/null
	wait "$lvpid" 2>/dev/null
	local pids=() pid
	for pid in "${e2e_pids[@]}"; do
		[ "$pid" = "$lvpid" ] || pids+=("$pid")
	done
	e2e_pids=("${pids[@]}")
	lvpid=""
}

# example_on_localvim DIR: examples/symmetric-web copied into DIR (made,
# or merged into it), its VIMs pointed at localvim (site1: OpenStack,
# site2: Kubernetes, whose URL is left in $k8s) and their secrets exported.
example_on_localvim() {
	k8s=$(sed -n 's/^ *server: *//p' "$tmp/lv/kubeconfig" | head -n1)
	mkdir -p "$1"
	cp -r "$repo/examples/symmetric-web/." "$1/"
	sed -i "s|^auth_url: .*|auth_url: '$LOCALVIM_AUTH_URL'|" "$1/vims/site1.yaml"
	sed -i "s|^auth_url: .*|auth_url: '$k8s'|" "$1/vims/site2.yaml"
	export SITE1_PASSWORD=localvim-admin SITE2_TOKEN=localvim-token
}

# write_site1_vim DIR: DIR/vims/site1.yaml, localvim's OpenStack (password
# from SITE1_PASSWORD, which is exported).
write_site1_vim() {
	mkdir -p "$1/vims"
	cat >"$1/vims/site1.yaml" <<YAML
auth_url: '$LOCALVIM_AUTH_URL'
username: 'admin'
password_env: 'SITE1_PASSWORD'
project_name: 'admin'
project_domain_name: 'Default'
user_domain_name: 'Default'
YAML
	export SITE1_PASSWORD=localvim-admin
}

# write_site1_repo DIR NAME [--with-route]: the site1 half of the reference
# scenario as service NAME: the example's two web VMs on net0 behind a
# balancer at 10.10.0.200 (HTTP health monitor, 1 s checks); --with-route
# adds the path route /site1-web1-mandbs to VDU1.
write_site1_repo() {
	local dir=$1 name=$2 route=""
	if [ "${3-}" = --with-route ]; then
		route='        l7_rules:
          - {path_prefix: /site1-web1-mandbs, vnf: web, vdu: VDU1}'
	fi
	write_site1_vim "$dir"
	mkdir -p "$dir/vnfd" "$dir/nsd"
	cp "$repo/examples/symmetric-web/vnfd/site1-web.yaml" "$dir/vnfd/"
	{
		cat <<YAML
tosca_definitions_version: tosca_simple_profile_for_nfv_1_0_0
metadata: {template_name: $name}
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
YAML
		[ -z "$route" ] || echo "$route"
		cat <<YAML
      requirements:
        - virtualLink: net0
        - members: web
YAML
	} >"$dir/nsd/web.yaml"
}

# spread N PATH: GETs PATH through the VIP 10.10.0.200 N times; prints
# "count server" lines, sorted by server.
spread() {
	local _
	for _ in $(seq 1 "$1"); do
		curl -s --max-time 2 "http://127.10.0.200$2" |
			sed -n 's|.*<h1>Served by \(.*\)</h1>.*|\1|p'
	done | sort | uniq -c | awk '{print $1, $2}'
}

# plan_rc DIR: the exit status of `plan --detailed-exitcode DIR` (output in
# $tmp/plan.txt).
plan_rc() {
	"$nfvsync" plan --detailed-exitcode "$1" >"$tmp/plan.txt" 2>&1
	echo $?
}
