#!/usr/bin/env bash
# The seed's evaluation of the reference scenario, through the controller:
# examples/symmetric-web is pushed to a bare Git repository (file://) that
# `nfvsync run` follows on localvim, and a user's HTTP client checks
#   1. deploy from an empty world: both VIMs in use, every VDU Healthy,
#      the commit SHA named;
#   2. connectivity through the balancer, each route to its server;
#   3. 100 GETs: 25 per server;
#   4. a killed back end leaves the rotation (health monitor), is respawned
#      by the controller and comes back; a killed HAProxy is failed over
#      by the controller and traffic resumes;
# plus a broken commit (refused at file:line:col, the previous SHA stays,
# no change reaches a VIM) and a controller killed with SIGKILL while it
# creates servers (restarted: converged, no duplicate, no orphan); then
#   5. site2 scaled to 3 in a commit, announced by a signed webhook push:
#      5 members, 20 GETs each.
# Usage: controller_git.sh NFVSYNC LOCALVIM
set -u
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR/../..
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
export XDG_CACHE_HOME=$tmp/cache GIT_CONFIG_NOSYSTEM=1 HOME=$tmp
lv_start

# The repository: a bare one the controller fetches, a clone the test
# commits to. The health monitor checks every second, so that a dead back
# end leaves the rotation within seconds.
git init -q --bare -b main "$tmp/origin.git"
git clone -q "$tmp/origin.git" "$tmp/w" 2>/dev/null
example_on_localvim "$tmp/w"
sed -i -e 's/^          delay: 5$/          delay: 1/' \
	-e 's/^          timeout: 3$/          timeout: 1/' \
	-e 's/^          max_retries: 3$/          max_retries: 1/' \
	"$tmp/w/nsd/symmetric-web.yaml"
g() { git -C "$tmp/w" -c user.name=e2e -c user.email=e2e@example.org "$@"; }
commit() { g commit -q -am "$1" && g push -q origin main 2>/dev/null && g rev-parse HEAD; }
g add -A
first=$(commit "symmetric-web on localvim")
printf 'e2e-webhook-secret\n' >"$tmp/secret"

# ctl_start LOG [--interval S]: the controller on the bare repository; sets
# ctlpid and url (its HTTP endpoints).
ctl_start() {
	local log=$1
	shift
	"$nfvsync" run --source "file://$tmp/origin.git" --ref main \
		--listen 127.0.0.1:0 --webhook-secret-file "$tmp/secret" \
		"$@" >"$log" 2>&1 &
	ctlpid=$!
	e2e_track "$ctlpid"
	if ! wait_for 10 grep -q ' on port [0-9]' "$log"; then
		echo "FAIL the controller did not start"
		cat "$log"
		exit 1
	fi
	url=http://127.0.0.1:$(sed -n 's/.* on port \([0-9]*\).*/\1/p' "$log" | head -n1)
}
ctl_kill9() {
	kill -KILL "$ctlpid"
	wait "$ctlpid" 2>/dev/null
}

# st EXPR: a Python expression over the controller's /status document d
# and its service s; prints its value.
st() {
	curl -s --max-time 5 "$url/status" | python3 -c "
import json, sys
d = json.load(sys.stdin)
s = d['services'][0] if d.get('services') else {}
print($1)" 2>/dev/null
}
healthy_at() {
	[ "$(st "d.get('revision'), s.get('revision'), s.get('health'), len(s.get('pending', [])) == 0")" = \
		"$1 $1 Healthy True" ]
}
all_vdus_up() {
	[ "$(st "[(v['name'], u['name'], u['observed'], u['health']) for v in s['vnfs'] for u in v['vdus']]")" = \
		"[('site1-web', 'VDU1', 1, 'Healthy'), ('site1-web', 'VDU2', 1, 'Healthy'), ('site2-web', 'VDU1', $1, 'Healthy')]" ]
}
lv_requests() { curl -s "$LOCALVIM_ADMIN_URL/v1/requests"; }
admin() { curl -s -X "$1" -d "${3-}" "$LOCALVIM_ADMIN_URL$2" >/dev/null; }
counts() { spread "$1" / | awk '{print $1}' | tr '\n' ' '; }
counts_are() { [ "$(counts 100)" = "$1" ]; }
# without NAME: 30 GETs all answered, none by NAME.
without() {
	local s
	s=$(spread 30 /)
	[ "$(awk '{n += $1} END {print n}' <<<"$s")" = 30 ] && ! grep -q " $1\$" <<<"$s"
}
route_reaches_one() { [ "$(spread 5 "/$1-mandbs" | awk '{print $1}')" = 5 ]; }
# webhook BODY [SECRET]: a GitHub push event, signed; prints the status.
webhook() {
	local sig
	sig=$(printf '%s' "$1" | python3 -c "
import hashlib, hmac, sys
print(hmac.new(sys.argv[1].encode(), sys.stdin.buffer.read(), hashlib.sha256).hexdigest())" \
		"${2-e2e-webhook-secret}")
	curl -s -o /dev/null -w '%{http_code}' -X POST "$url/webhook" \
		-H 'Content-Type: application/json' -H 'X-GitHub-Event: push' \
		-H "X-Hub-Signature-256: sha256=$sig" --data-binary "$1"
}
push_event='{"ref": "refs/heads/main", "after": "0000000000000000000000000000000000000000"}'
# os_names COLUMN LIST-COMMAND...: the names the openstack CLI lists, sorted.
os_names() {
	local col=$1
	shift
	openstack "$@" -f value -c "$col" 2>/dev/null | sort
}

# ---- 1. deploy from an empty world --------------------------------------
ctl_start "$tmp/ctl1.log" --interval 2
check "1. the controller converges the first commit: Healthy at its SHA" \
	wait_for 120 healthy_at "$first"
check "1. every VDU observed as desired" all_vdus_up 2
check "1. both VIMs were used" bash -c "curl -s '$url/metrics' | grep -q 'nfvsync_vim_requests_total{.*vim=\"site1\"' &&
	curl -s '$url/metrics' | grep -q 'nfvsync_vim_requests_total{.*vim=\"site2\"'"
check "1. nfvsync status names the commit" bash -c \
	"'$nfvsync' status --server '$url' | grep -E '^symmetric-web +apply +Healthy +${first:0:12} +0\$'"
check "1. the log names the commit it loaded" grep -q "first revision loaded revision=$first" "$tmp/ctl1.log"

# ---- 2. connectivity ----------------------------------------------------
check "2. the VIP answers" curl -sf --max-time 2 -o /dev/null http://127.10.0.200/
for route in site1-web1 site1-web2 site2-web1 site2-web2; do
	check "2. /$route-mandbs reaches one server" wait_for 30 route_reaches_one "$route"
done

# ---- 3. the spread ------------------------------------------------------
check "3. 100 GETs: 25 per server over 4 servers" wait_for 30 counts_are '25 25 25 25 '

# ---- 4. failures --------------------------------------------------------
# A slow rebuild leaves the dead server out of rotation long enough to see.
vm=symmetric-web-site1-web-VDU1-0
admin PUT /v1/config '{"build_delay": 6}'
admin POST /v1/kill "{\"name\": \"$vm\"}"
check "4. a killed back end leaves the rotation" wait_for 15 without "$vm"
check "4. the controller respawns it" wait_for 30 grep -q "respawned server $vm" "$tmp/ctl1.log"
admin PUT /v1/config '{"build_delay": 0.5}'
check "4. it is back in rotation: 25 per server" wait_for 30 counts_are '25 25 25 25 '
admin POST /v1/kill '{"name": "symmetric-web-web-lb"}'
check "4. the balancer's HAProxy died" wait_for 10 grep -q 'symmetric-web-web-lb: HAProxy died' "$tmp/lv.log"
check "4. the controller fails it over" wait_for 30 grep -q 'failed over loadbalancer symmetric-web-web-lb' "$tmp/ctl1.log"
check "4. traffic resumes: 25 per server" wait_for 30 counts_are '25 25 25 25 '
check "4. Healthy again" wait_for 20 healthy_at "$first"

# ---- a broken commit ----------------------------------------------------
wait_for 10 grep -q "cycle [0-9]* done" "$tmp/ctl1.log"
admin DELETE /v1/requests
sed -i 's/^        flavor: .*/        flavor: [not, a, flavor]/' "$tmp/w/vnfd/site1-web.yaml"
broken=$(commit "a broken flavor")
check "a signed push triggers a cycle (200)" [ "$(webhook "$push_event")" = 200 ]
check "a badly signed one is refused (401)" [ "$(webhook "$push_event" wrong)" = 401 ]
check "the broken commit is refused" wait_for 20 bash -c \
	"[ \"\$(curl -s '$url/status' | python3 -c 'import json,sys; print(json.load(sys.stdin).get(\"failed_revision\"))')\" = '$broken' ]"
cycles=$(st "d['cycles']")
wait_for 20 bash -c "[ \$(curl -s '$url/status' | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"cycles\"])') -ge $((cycles + 2)) ]"
check "status shows its error at file:line:col" bash -c \
	"curl -s '$url/status' | python3 -c 'import json,sys; print(json.load(sys.stdin).get(\"error\"))' |
	grep -E 'vnfd/site1-web\.yaml:[0-9]+:[0-9]+: error: '"
check "the previous commit stays in force" healthy_at "$first"
check "no change reached a VIM" bash -c "! curl -s '$LOCALVIM_ADMIN_URL/v1/requests' | grep -q first_change"
check "the log says so" grep -q "revision refused: .*the last good revision stays in force" "$tmp/ctl1.log"
g revert --no-edit HEAD >/dev/null
fixed=$(g rev-parse HEAD)
g push -q origin main 2>/dev/null
check "the revert is applied" wait_for 20 healthy_at "$fixed"

# ---- kill -9 mid-apply --------------------------------------------------
# An empty world again; the controller dies while servers are being built.
ctl_kill9
admin POST /v1/reset
admin PUT /v1/config '{"build_delay": 5}'
ctl_start "$tmp/ctl2.log" --interval 2
check "the controller starts creating servers" wait_for 30 bash -c \
	"curl -s '$LOCALVIM_ADMIN_URL/v1/requests' | grep -q 'POST nova /v2.1/servers 202'"
ctl_kill9
check "it died with a server in BUILD" bash -c \
	"openstack server list -f value -c Status | grep -q BUILD"
admin PUT /v1/config '{"build_delay": 0.5}'
# Restarted with a long interval: what follows comes from the webhook.
ctl_start "$tmp/ctl3.log" --interval 300
check "restarted: converged, Healthy" wait_for 120 healthy_at "$fixed"
check "every VDU observed as desired" all_vdus_up 2
check "no duplicate or orphan server" [ "$(os_names Name server list)" = \
	"$(printf 'symmetric-web-site1-web-VDU1-0\nsymmetric-web-site1-web-VDU2-0')" ]
check "no duplicate or orphan port" [ "$(os_names name port list | grep -v '^$')" = \
	"$(printf 'symmetric-web-site1-web-VDU1-0-CP1\nsymmetric-web-site1-web-VDU2-0-CP2')" ]
check "one balancer" [ "$(os_names name loadbalancer list)" = symmetric-web-web-lb ]
check "4 members in the pool" [ "$(os_names name loadbalancer member list symmetric-web-web-lb-pool | wc -l)" = 4 ]
check "2 pods" [ "$(kubectl get pods -o name 2>/dev/null | wc -l)" = 2 ]
check "100 GETs: 25 per server" wait_for 30 counts_are '25 25 25 25 '

# ---- 5. scale through Git and a webhook ---------------------------------
sed -i 's/default_instances: 2/default_instances: 3/' "$tmp/w/vnfd/site2-web.yaml"
scaled=$(commit "site2: 3 replicas")
check "5. the push triggers a cycle (200)" [ "$(webhook "$push_event")" = 200 ]
check "5. the webhook brings the commit in at once" wait_for 15 bash -c \
	"curl -s '$url/status' | grep -q '\"revision\":\"$scaled\"'"
check "5. converged: Healthy with 3 pods" wait_for 60 healthy_at "$scaled"
check "5. every VDU observed as desired" all_vdus_up 3
check "5. 5 members in the pool" [ "$(os_names name loadbalancer member list symmetric-web-web-lb-pool | wc -l)" = 5 ]
check "5. 100 GETs: 20 per server over 5 servers" wait_for 30 counts_are '20 20 20 20 20 '

kill -TERM "$ctlpid"
wait "$ctlpid"
rc=$?
check "SIGTERM stops the controller (exit 0)" [ "$rc" = 0 ]
finish
