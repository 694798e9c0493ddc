#!/usr/bin/env bash
# The reference scenario through `nfvsync watch DIR` on localvim: the
# descriptors are a plain directory the test edits in place, and the
# controller's interval is long, so every change below is picked up by
# inotify. A user's HTTP client checks
#   1. deploy from an empty world: every VDU Healthy at the directory's
#      revision;
#   3. 100 GETs: 25 per server;
#   a broken save: refused at file:line:col, the last good descriptors stay
#      in force, no change reaches a VIM; saving the fix brings it back;
#   5. site2 scaled to 3 by saving the VNFD: 5 members, 20 GETs each.
# Usage: controller_watch.sh NFVSYNC LOCALVIM
set -u
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR/../..
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
lv_start

d=$tmp/descriptors
example_on_localvim "$d"
"$nfvsync" watch --interval 300 --listen 127.0.0.1:0 "$d" >"$tmp/ctl.log" 2>&1 &
ctlpid=$!
e2e_track "$ctlpid"
if ! wait_for 10 grep -q ' on port [0-9]' "$tmp/ctl.log"; then
	echo "FAIL the controller did not start"
	cat "$tmp/ctl.log"
	exit 1
fi
url=http://127.0.0.1:$(sed -n 's/.* on port \([0-9]*\).*/\1/p' "$tmp/ctl.log" | head -n1)

# st EXPR: a Python expression over /status (d) and its service (s).
st() {
	curl -s --max-time 5 "$url/status" | python3 -c "
import json, sys
d = json.load(sys.stdin)
s = d['services'][0] if d.get('services') else {}
print($1)" 2>/dev/null
}
# healthy [REVISION]: Healthy, nothing pending, at REVISION (or any).
healthy() {
	[ "$(st "s.get('health'), len(s.get('pending', [])) == 0, d.get('revision') == s.get('revision')")" = \
		"Healthy True True" ] &&
		{ [ -z "${1-}" ] || [ "$(st "d.get('revision')")" = "$1" ]; }
}
all_vdus_up() {
	[ "$(st "[(v['name'], u['name'], u['observed'], u['health']) for v in s['vnfs'] for u in v['vdus']]")" = \
		"[('site1-web', 'VDU1', 1, 'Healthy'), ('site1-web', 'VDU2', 1, 'Healthy'), ('site2-web', 'VDU1', $1, 'Healthy')]" ]
}
counts() { spread "$1" / | awk '{print $1}' | tr '\n' ' '; }
counts_are() { [ "$(counts 100)" = "$1" ]; }
changed_from() { [ "$(st "d.get('revision')")" != "$1" ]; }

check "1. the directory is converged: Healthy" wait_for 120 healthy
rev1=$(st "d.get('revision')")
check "1. its revision is the directory's" grep -q "^dir:" <<<"$rev1"
check "1. every VDU observed as desired" all_vdus_up 2
check "3. 100 GETs: 25 per server over 4 servers" wait_for 45 counts_are '25 25 25 25 '

# A broken save.
curl -s -X DELETE "$LOCALVIM_ADMIN_URL/v1/requests"
cp "$d/vnfd/site1-web.yaml" "$tmp/site1-web.good"
sed -i 's/^        flavor: .*/        flavor: [not, a, flavor]/' "$d/vnfd/site1-web.yaml"
check "a broken save is refused" wait_for 20 bash -c \
	"curl -s '$url/status' | grep -q '\"failed_revision\":\"dir:'"
check "status shows its error at file:line:col" bash -c \
	"curl -s '$url/status' | python3 -c 'import json,sys; print(json.load(sys.stdin).get(\"error\"))' |
	grep -E 'vnfd/site1-web\.yaml:[0-9]+:[0-9]+: error: '"
check "the last good descriptors stay in force" healthy "$rev1"
check "no change reached a VIM" bash -c "! curl -s '$LOCALVIM_ADMIN_URL/v1/requests' | grep -q first_change"
check "the servers still serve: 25 each" counts_are '25 25 25 25 '
cp "$tmp/site1-web.good" "$d/vnfd/site1-web.yaml"
check "saving the fix clears the refusal" wait_for 20 bash -c \
	"! curl -s '$url/status' | grep -q failed_revision"

# 5. Scale by saving the VNFD.
sed -i 's/default_instances: 2/default_instances: 3/' "$d/vnfd/site2-web.yaml"
check "5. the save brings a new revision in" wait_for 20 changed_from "$rev1"
check "5. converged: Healthy with 3 pods" wait_for 60 healthy
check "5. every VDU observed as desired" all_vdus_up 3
check "5. 100 GETs: 20 per server over 5 servers" wait_for 45 counts_are '20 20 20 20 20 '

kill -TERM "$ctlpid"
wait "$ctlpid"
rc=$?
check "SIGTERM stops the controller (exit 0)" [ "$rc" = 0 ]
finish
