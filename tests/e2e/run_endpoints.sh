#!/usr/bin/env bash
# The HTTP side of `nfvsync run`, with the real binaries and localvim: a
# listen address off loopback is refused before anything is done; the
# endpoints answer with their status codes and content types; webhook
# requests that are unsigned, wrongly signed, for another ref or not a push
# are answered (401/202/200) and counted without bringing a cycle forward,
# and a GitLab push to the followed branch applies the new commit at once
# (the interval is 10 minutes).
# Usage: run_endpoints.sh NFVSYNC LOCALVIM
set -u
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR/../..
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
lv_start
export GIT_AUTHOR_NAME=e2e GIT_AUTHOR_EMAIL=e2e@localhost
export GIT_COMMITTER_NAME=e2e GIT_COMMITTER_EMAIL=e2e@localhost
git init -q --bare -b main "$tmp/bare.git"
git init -q -b main "$tmp/work"
write_site1_repo "$tmp/work" ep
commit() {
	git -C "$tmp/work" add -A &&
		git -C "$tmp/work" commit -q -m "$1" &&
		git -C "$tmp/work" push -q "$tmp/bare.git" main 2>/dev/null &&
		git -C "$tmp/work" rev-parse HEAD
}
sha1=$(commit "first")
printf 's3cret\n' >"$tmp/secret"
mutating() {
	curl -sf "$LOCALVIM_ADMIN_URL/v1/requests" |
		grep -cE '"(PUT|PATCH|DELETE) |"POST (compute|network|load-balancer|nova|neutron|octavia)'
}

# 1. off loopback: refused, said why, nothing done
for addr in 0.0.0.0:0 10.0.0.1:9180 '[::]:0'; do
	curl -sf -X DELETE "$LOCALVIM_ADMIN_URL/v1/requests" >/dev/null
	timeout 30 "$nfvsync" run --source "$tmp/bare.git" --ref main \
		--cache-dir "$tmp/cache" --listen "$addr" >"$tmp/out" 2>&1
	rc=$?
	check "1. --listen $addr: exit 1" [ "$rc" = 1 ]
	check "1. ... saying it is not loopback" grep -q "not a loopback address" "$tmp/out"
	check "1. ... and nothing changed on the VIM" [ "$(mutating)" = 0 ]
done

# 2. the endpoints
"$nfvsync" run --source "$tmp/bare.git" --ref main --cache-dir "$tmp/cache" \
	--interval 600 --listen 127.0.0.1:0 --webhook-secret-file "$tmp/secret" \
	2>"$tmp/run.log" &
rpid=$!
e2e_track "$rpid"
wait_for 10 grep -q 'on port [0-9]' "$tmp/run.log"
port=$(sed -n 's/.*on port \([0-9]*\).*/\1/p' "$tmp/run.log" | head -n1)
url=http://127.0.0.1:$port
# code METHOD PATH [curl args...]: the status code
code() {
	local m=$1 p=$2
	shift 2
	curl -s -o "$tmp/body" -w '%{http_code}' -X "$m" "$@" "$url$p"
}
ctype() { curl -s -o /dev/null -w '%{content_type}' "$url$1"; }
revision() {
	curl -sf "$url/status" | python3 -c "import json,sys; print(json.load(sys.stdin).get('revision'))" 2>/dev/null
}
metric() { curl -sf "$url/metrics" | sed -n "s/^$1 //p"; }

check "2. /healthz: 200 ok" bash -c "[ \"\$(curl -s '$url/healthz')\" = ok ]"
check "2. /readyz turns 200 once the first cycle is done" \
	wait_for 60 bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' '$url/readyz')\" = 200 ]"
check "2. /status: the first commit, as JSON" wait_for 60 bash -c "[ \"\$($(declare -f revision); url=$url revision)\" = $sha1 ]"
check "2. ... application/json" [ "$(ctype /status)" = application/json ]
check "2. /metrics: Prometheus text 0.0.4" bash -c "[[ '$(ctype /metrics)' == 'text/plain; version=0.0.4'* ]]"
check "2. ... which parses line by line" python3 -c "
import re, urllib.request
text = urllib.request.urlopen('$url/metrics').read().decode()
sample = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$')
for line in text.splitlines():
    assert line.startswith('# HELP ') or line.startswith('# TYPE ') or sample.match(line), line
assert '# TYPE nfvsync_reconcile_duration_seconds histogram' in text
"
check "2. unknown path: 404" [ "$(code GET /nope)" = 404 ]
check "2. POST /status: 405" [ "$(code POST /status -d x)" = 405 ]
check "2. GET /webhook: 405" [ "$(code GET /webhook)" = 405 ]

# 3. webhook requests that must not bring a cycle forward
cycles=$(metric nfvsync_reconcile_cycles_total)
echo "# a second commit" >>"$tmp/work/nsd/web.yaml"
sha2=$(commit "second")
body='{"ref":"refs/heads/main"}'
dev='{"ref":"refs/heads/dev"}'
sign() { printf '%s' "$1" | openssl dgst -sha256 -hmac s3cret | sed 's/^.*= //'; }
check "3. unsigned push: 401" [ "$(code POST /webhook -H 'X-GitHub-Event: push' -d "$body")" = 401 ]
check "3. push signed with another secret: 401" \
	[ "$(code POST /webhook -H 'X-GitHub-Event: push' -H "X-Hub-Signature-256: sha256=$(printf '%s' "$body" | openssl dgst -sha256 -hmac other | sed 's/^.*= //')" -d "$body")" = 401 ]
check "3. GitLab push with a wrong token: 401" \
	[ "$(code POST /webhook -H 'X-Gitlab-Event: Push Hook' -H 'X-Gitlab-Token: s3cre' -d "$body")" = 401 ]
check "3. signed push to another branch: 202" \
	[ "$(code POST /webhook -H 'X-GitHub-Event: push' -H "X-Hub-Signature-256: sha256=$(sign "$dev")" -d "$dev")" = 202 ]
check "3. Gitea ping: 200" \
	[ "$(code POST /webhook -H 'X-Gitea-Event: ping' -H "X-Gitea-Signature: $(sign "$body")" -d "$body")" = 200 ]
check "3. ... none of them counted as a trigger" \
	bash -c "! curl -sf '$url/metrics' | grep -q 'result=\"triggered\"'"
check "3. ... each counted by result" bash -c "curl -sf '$url/metrics' | grep -qx 'nfvsync_webhook_requests_total{forge=\"github\",result=\"unauthorized\"} 1' &&
	curl -sf '$url/metrics' | grep -qx 'nfvsync_webhook_requests_total{forge=\"unknown\",result=\"unauthorized\"} 1' &&
	curl -sf '$url/metrics' | grep -qx 'nfvsync_webhook_requests_total{forge=\"gitlab\",result=\"unauthorized\"} 1' &&
	curl -sf '$url/metrics' | grep -qx 'nfvsync_webhook_requests_total{forge=\"github\",result=\"ignored\"} 1' &&
	curl -sf '$url/metrics' | grep -qx 'nfvsync_webhook_requests_total{forge=\"gitea\",result=\"ping\"} 1'"
check "3. ... the first commit still in force" [ "$(revision)" = "$sha1" ]

# 4. a GitLab push to main: applied now, in one cycle
check "4. GitLab push with the token: 200" \
	[ "$(code POST /webhook -H 'X-Gitlab-Event: Push Hook' -H 'X-Gitlab-Token: s3cret' -d "$body")" = 200 ]
check "4. the new commit is in force without waiting for the interval" \
	wait_for 60 bash -c "[ \"\$($(declare -f revision); url=$url revision)\" = $sha2 ]"
check "4. exactly one cycle more than before the webhook requests" \
	[ "$(metric nfvsync_reconcile_cycles_total)" = $((cycles + 1)) ]
check "4. counted as triggered" \
	bash -c "curl -sf '$url/metrics' | grep -qx 'nfvsync_webhook_requests_total{forge=\"gitlab\",result=\"triggered\"} 1'"

kill -TERM "$rpid"
wait "$rpid"
check "5. SIGTERM: exit 0" [ $? = 0 ]
check "5. the port is closed" bash -c "! curl -s --max-time 2 '$url/healthz' >/dev/null"

lv_stop
finish
