#!/usr/bin/env bash
# The main job on a fresh machine: installs what nfvsync needs, builds it and
# localvim (the embedded VIM: OpenStack and Kubernetes APIs on loopback,
# with real servers, pods and an HAProxy balancer), starts localvim, and
# has nfvsync converge it to the reference scenario examples/symmetric-web
# (a balancer in front of two VMs on an OpenStack site and two pods on a
# Kubernetes site). Then 100 requests go through the balancer.
# Usage: hack/demo.sh [--keep]   (--keep leaves localvim running to play)
set -euo pipefail
cd "$(dirname "$0")/.."
keep=${1:-}

./hack/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target nfvsync localvim >/dev/null

nfvsync=build/controller/nfvsync
example=examples/symmetric-web
state=$(mktemp -d /tmp/nfvsync-demo.XXXXXX)

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

build/hack/localvim/localvim run --state-dir "$state" >"$state/localvim.log" 2>&1 &
lvpid=$!
stop() {
	if [ "$keep" != "--keep" ]; then
		kill -TERM "$lvpid" 2>/dev/null || true
		wait "$lvpid" 2>/dev/null || true
	fi
}
trap stop EXIT
for _ in $(seq 1 100); do
	[ -s "$state/env" ] && break
	if ! kill -0 "$lvpid" 2>/dev/null; then
		echo "localvim did not start (its default ports 25000-29876 may be in use):" >&2
		cat "$state/localvim.log" >&2
		exit 1
	fi
	sleep 0.1
done
echo "localvim is up (state in $state); its admin password and Kubernetes token:"
export SITE1_PASSWORD=localvim-admin SITE2_TOKEN=localvim-token
echo "  SITE1_PASSWORD=$SITE1_PASSWORD SITE2_TOKEN=$SITE2_TOKEN"

say "nfvsync validate $example"
$nfvsync validate "$example"
say "nfvsync apply --auto-approve $example"
$nfvsync apply --auto-approve "$example" | grep -v '^        '
say "nfvsync plan --detailed-exitcode $example   # converged: exit 0"
$nfvsync plan --detailed-exitcode "$example" >/dev/null && echo "exit 0: nothing to do"

say "100 GETs through the balancer at 10.10.0.200 (served on 127.10.0.200)"
# The health monitor brings fresh members into rotation within a few checks.
for _ in $(seq 1 60); do
	n=$(for _ in $(seq 1 8); do curl -s --max-time 1 http://127.10.0.200/ | grep -o '<h1>Served by [^<]*'; done | sort -u | wc -l)
	[ "$n" -ge 4 ] && break
	sleep 0.5
done
for _ in $(seq 1 100); do
	curl -s --max-time 2 http://127.10.0.200/ | sed -n 's|.*<h1>Served by \(.*\)</h1>.*|\1|p'
done | sort | uniq -c
say "curl http://127.10.0.200/site2-web1-mandbs   # a per-server route"
curl -s --max-time 2 http://127.10.0.200/site2-web1-mandbs | sed -n 's|.*<h1>\(.*\)</h1>.*|\1|p'

if [ "$keep" = "--keep" ]; then
	cat <<EOT

localvim keeps running (PID $lvpid). Try:
  export SITE1_PASSWORD=$SITE1_PASSWORD SITE2_TOKEN=$SITE2_TOKEN
  sed -i 's/default_instances: 2/default_instances: 3/' $example/vnfd/site2-web.yaml
  $nfvsync apply --auto-approve $example          # 3 pods, 5 pool members
  . $state/env; openstack server stop symmetric-web-site1-web-VDU2-0
  $nfvsync plan $example                          # ! respawn
  kill $lvpid                                     # stops localvim and all it started
EOT
fi
