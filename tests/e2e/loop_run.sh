#!/usr/bin/env bash
# nfvsync run --source on a local bare Git repository against localvim: the
# first commit is deployed and /status names its SHA; a new commit is
# applied without a restart (brought forward by a signed webhook push); a
# commit that does not validate is refused and the last good commit stays
# in force; /metrics counts; SIGTERM exits 0.
# Usage: loop_run.sh NFVSYNC LOCALVIM
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
lv_start
export GIT_AUTHOR_NAME=e2e GIT_AUTHOR_EMAIL=e2e@localhost
export GIT_COMMITTER_NAME=e2e GIT_COMMITTER_EMAIL=e2e@localhost
git init -q --bare -b main "$tmp/bare.git"
git init -q -b main "$tmp/work"
write_site1_repo "$tmp/work" e2e
nsd="$tmp/work/nsd/web.yaml"
commit() {
	git -C "$tmp/work" add -A &&
		git -C "$tmp/work" commit -q -m "$1" &&
		git -C "$tmp/work" push -q "$tmp/bare.git" main 2>/dev/null &&
		git -C "$tmp/work" rev-parse HEAD
}
st() {
	curl -sf "http://127.0.0.1:$port/status" |
		python3 -c "import json,sys; s=json.load(sys.stdin); print($1)" 2>/dev/null
}
sha1=$(commit "site1 web")
printf 'hook-secret\n' >"$tmp/secret"

"$nfvsync" run --source "$tmp/bare.git" --ref main --cache-dir "$tmp/cache" \
	--interval 600 --listen 127.0.0.1:0 --webhook-secret-file "$tmp/secret" \
	--log-format json 2>"$tmp/run.log" &
rpid=$!
e2e_track "$rpid"
wait_for 10 grep -q 'on port [0-9]' "$tmp/run.log"
port=$(sed -n 's/.*on port \([0-9]*\).*/\1/p' "$tmp/run.log" | head -n1)
check "run serves /healthz" curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"
check "1. the first commit is applied: /status names its SHA" \
	wait_for 60 bash -c "[ \"\$($(declare -f st); port=$port st \"s['revision']\")\" = $sha1 ]"
check "1. ... with its subject" [ "$(st "s['summary']")" = "site1 web" ]
check "1. ... and the service Healthy at that revision" \
	wait_for 60 bash -c "[ \"\$($(declare -f st); port=$port st \"s['services'][0]['health'] + ' ' + s['services'][0]['revision']\")\" = 'Healthy $sha1' ]"
check "1. /readyz is 200 after the first cycle" curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"
check "1. logs are JSON lines naming the revision" \
	python3 -c "import json,sys
lines=[json.loads(l) for l in open('$tmp/run.log')]
assert any(l['msg'].startswith('created server') and l['revision'] == '$sha1' for l in lines)"
"$nfvsync" status --server "http://127.0.0.1:$port" >"$tmp/status.txt"
rc=$?
check "1. nfvsync status: exit 0, the table" \
	bash -c "[ $rc = 0 ] && grep -q '^Revision: *$sha1 (site1 web)' '$tmp/status.txt' &&
	grep -qE '^e2e +web +VDU1 +site1 +1 +1 +Healthy' '$tmp/status.txt'"
"$nfvsync" status --server "http://127.0.0.1:$port" -o json >"$tmp/status.json"
check "1. nfvsync status -o json" python3 -c "import json; assert json.load(open('$tmp/status.json'))['revision'] == '$sha1'"

# 2. a new commit, pushed and announced by a signed webhook
sed -i 's|health_monitor: {type: HTTP, delay: 1|l7_rules: [{path_prefix: /site1-web1-mandbs, vnf: web, vdu: VDU1}]\n        health_monitor: {type: HTTP, delay: 1|' "$nsd"
sha2=$(commit "route to web1")
body='{"ref": "refs/heads/main"}'
sig=$(python3 -c "import hmac,hashlib,sys; print(hmac.new(b'hook-secret', sys.argv[1].encode(), hashlib.sha256).hexdigest())" "$body")
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'X-GitHub-Event: push' \
	-H "X-Hub-Signature-256: sha256=$sig" -H 'Content-Type: application/json' \
	-d "$body" "http://127.0.0.1:$port/webhook")
check "2. the webhook push is accepted (2xx)" grep -q '^2' <<<"$code"
check "2. the new commit is applied without a restart: /status names it" \
	wait_for 60 bash -c "[ \"\$($(declare -f st); port=$port st \"s['services'][0]['revision']\")\" = $sha2 ]"
check "2. ... and its route serves web1" \
	wait_for 30 bash -c "[ \"\$($(declare -f spread); spread 5 /site1-web1-mandbs | awk '{print \$1}')\" = 5 ]"

# 3. a commit that does not validate
curl -sf -X DELETE "$LOCALVIM_ADMIN_URL/v1/requests" >/dev/null
sed -i 's|listener: {protocol: HTTP, port: 80}|listener: {protocol: HTTP, port: eighty}|' "$nsd"
sha3=$(commit "broken port")
kill -HUP "$rpid"
check "3. a bad commit is refused and named" \
	wait_for 60 bash -c "[ \"\$($(declare -f st); port=$port st \"s.get('failed_revision')\")\" = $sha3 ]"
check "3. ... the last good commit stays in force" [ "$(st "s['revision']")" = "$sha2" ]
check "3. ... the error says where" bash -c "$(declare -f st); port=$port st \"s['error']\" | grep -q 'web.yaml:[0-9]*:[0-9]*: error'"
check "3. ... nothing changed on the VIM" bash -c "! curl -sf '$LOCALVIM_ADMIN_URL/v1/requests' | grep -qE '\"(PUT|PATCH|DELETE) |\"POST (compute|network|load-balancer|nova|neutron|octavia)'"

curl -sf "http://127.0.0.1:$port/metrics" >"$tmp/metrics.txt"
check "4. /metrics: source sync durations" grep -qE '^nfvsync_source_sync_duration_seconds_count [1-9]' "$tmp/metrics.txt"
check "4. ... last applied timestamp" grep -qE '^nfvsync_last_applied_timestamp_seconds [1-9]' "$tmp/metrics.txt"
kill -TERM "$rpid"
wait "$rpid"
rc=$?
check "5. SIGTERM: exit 0" [ "$rc" = 0 ]

lv_stop
finish
