#!/usr/bin/env bash
# The main job on a fresh machine: installs what nfvsync needs, builds it and
# localvim (the embedded VIM: OpenStack and Kubernetes APIs on loopback,
# with real servers, pods and an HAProxy balancer), starts localvim, puts
# the reference scenario examples/symmetric-web (a balancer in front of two
# VMs on an OpenStack site and two pods on a Kubernetes site) in a local Git
# repository, and starts the controller (`nfvsync run`) on it. Once the
# controller reports the service Healthy, 100 requests go through the
# balancer. With --keep everything stays up and the commands to scale
# (edit, commit, push) and to kill things are printed.
# Usage: hack/demo.sh [--keep]
set -euo pipefail
cd "$(dirname "$0")/.."
keep=${1:-}

./hack/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target nfvsync localvim >/dev/null

nfvsync=$PWD/build/controller/nfvsync
state=$(mktemp -d /tmp/nfvsync-demo.XXXXXX)
export XDG_CACHE_HOME=$state/cache

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

build/hack/localvim/localvim run --state-dir "$state/localvim" >"$state/localvim.log" 2>&1 &
lvpid=$!
ctlpid=""
stop() {
	if [ "$keep" != "--keep" ]; then
		[ -z "$ctlpid" ] || { kill -TERM "$ctlpid" 2>/dev/null || true; wait "$ctlpid" 2>/dev/null || true; }
		kill -TERM "$lvpid" 2>/dev/null || true
		wait "$lvpid" 2>/dev/null || true
	fi
}
trap stop EXIT
for _ in $(seq 1 100); do
	[ -s "$state/localvim/env" ] && break
	if ! kill -0 "$lvpid" 2>/dev/null; then
		echo "localvim did not start (its default ports 25000-29876 may be in use):" >&2
		cat "$state/localvim.log" >&2
		exit 1
	fi
	sleep 0.1
done
admin=$(sed -n 's/^export LOCALVIM_ADMIN_URL=//p' "$state/localvim/env")
echo "localvim is up (state in $state/localvim); its admin password and Kubernetes token:"
export SITE1_PASSWORD=localvim-admin SITE2_TOKEN=localvim-token
echo "  SITE1_PASSWORD=$SITE1_PASSWORD SITE2_TOKEN=$SITE2_TOKEN"

# The descriptors' home: a bare repository (the "server") and a clone to
# edit and push from.
git init -q --bare -b main "$state/sites.git"
git init -q -b main "$state/sites"
cp -r examples/symmetric-web/. "$state/sites/"
git -C "$state/sites" add -A
git -C "$state/sites" -c user.name=demo -c user.email=demo@localhost commit -q -m "symmetric-web"
git -C "$state/sites" remote add origin "$state/sites.git"
git -C "$state/sites" push -q origin main

say "nfvsync validate --source file://$state/sites.git --ref main"
"$nfvsync" validate --source "file://$state/sites.git" --ref main
say "nfvsync run --source file://$state/sites.git --ref main --interval 10 &"
"$nfvsync" run --source "file://$state/sites.git" --ref main --interval 10 \
	--listen 127.0.0.1:9180 >"$state/nfvsync.log" 2>&1 &
ctlpid=$!
healthy() {
	"$nfvsync" status -o json 2>/dev/null | grep -q '"health":"Healthy"' &&
		! "$nfvsync" status -o json | grep -qE '"health":"(Progressing|Degraded|Missing)"'
}
for _ in $(seq 1 240); do
	healthy && break
	if ! kill -0 "$ctlpid" 2>/dev/null; then
		echo "nfvsync run stopped:" >&2
		cat "$state/nfvsync.log" >&2
		exit 1
	fi
	sleep 0.5
done
echo "(its log: $state/nfvsync.log)"
grep -E 'first revision|cycle 1 ' "$state/nfvsync.log" | cut -c1-150
say "nfvsync status"
"$nfvsync" status

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

localvim (PID $lvpid) and the controller (PID $ctlpid) keep running. Try:
  # scale site2 to 3 pods: edit, commit, push; the controller takes it within
  # 10 s (kill -HUP $ctlpid: at once); the pool gets 5 members
  cd $state/sites
  sed -i 's/default_instances: 2/default_instances: 3/' vnfd/site2-web.yaml
  git commit -qam "site2: 3" && git push -q origin main
  $nfvsync status
  # kill a VM: HAProxy takes it out of rotation, the controller respawns it
  curl -X POST -d '{"name": "symmetric-web-site1-web-VDU1-0"}' $admin/v1/kill
  # kill the balancer's HAProxy: the controller fails it over
  curl -X POST -d '{"name": "symmetric-web-web-lb"}' $admin/v1/kill
  tail -f $state/nfvsync.log               # what the controller did, and why
  for i in \$(seq 100); do curl -s http://127.10.0.200/ | grep -o 'Served by [^<]*'; done | sort | uniq -c
  # stop everything (localvim ends every process it started)
  kill $ctlpid $lvpid
EOT
fi
