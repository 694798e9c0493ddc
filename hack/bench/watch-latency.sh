#!/usr/bin/env bash
# Benchmark: how soon a change reaches a VIM through the controller. The
# reference scenario (examples/symmetric-web) runs on localvim under
# `nfvsync watch DIR` (or, with --webhook, `nfvsync run` on a local bare
# Git repository with a webhook secret); the interval is 300 s, so only
# the event brings a cycle. Each run toggles site2's replicas (2 <-> 3):
#   watch:   t0 = the file is saved;
#   webhook: the commit is pushed, t0 = the signed push event is POSTed;
# and the latency is t0 -> the first mutating request localvim answers
# (its /v1/requests first_change, wall clock). Between runs the test waits
# until the controller reports the service Healthy with nothing pending.
# Prints p50/p90/max; asserts nothing.
# Usage: hack/bench/watch-latency.sh [--webhook] [--runs N] [--csv FILE]
#   (hack/bench/webhook-latency.sh is --webhook)
# Holds /tmp/nfvsync-dataplane.lock: the scenario uses localvim's data plane.
set -u
# shellcheck source=hack/bench/lib.sh
. "$(dirname "$0")/lib.sh"
mode=watch runs=20 csv="" args=("$@")
while [ $# -gt 0 ]; do
	case $1 in
	--webhook) mode=webhook ;;
	--runs) runs=$2; shift ;;
	--csv) csv=$2; shift ;;
	*) echo "usage: $0 [--webhook] [--runs N] [--csv FILE]" >&2; exit 2 ;;
	esac
	shift
done
bench_init --lock "${args[@]}"
lv_start
export XDG_CACHE_HOME=$tmp/cache GIT_CONFIG_NOSYSTEM=1
d=$tmp/descriptors
bench_example "$d"
secret=bench-secret
printf '%s\n' "$secret" >"$tmp/secret"
g() { git -C "$d" -c user.name=bench -c user.email=bench@example.org "$@"; }
if [ $mode = webhook ]; then
	git init -q --bare -b main "$tmp/origin.git"
	git init -q -b main "$d"
	g add -A && g commit -q -m scenario && g push -q "$tmp/origin.git" main
	"$nfvsync" run --source "file://$tmp/origin.git" --ref main --interval 300 \
		--listen 127.0.0.1:0 --webhook-secret-file "$tmp/secret" >"$tmp/ctl.log" 2>&1 &
else
	"$nfvsync" watch --interval 300 --listen 127.0.0.1:0 "$d" >"$tmp/ctl.log" 2>&1 &
fi
bench_track "$!"
until_ok 10 grep -q ' on port [0-9]' "$tmp/ctl.log"
url=http://127.0.0.1:$(sed -n 's/.* on port \([0-9]*\).*/\1/p' "$tmp/ctl.log" | head -n1)

# converged N: the service Healthy with N pods and nothing pending.
converged() {
	curl -s "$url/status" | python3 -c "
import json, sys
d = json.load(sys.stdin)
s = d['services'][0]
u = s['vnfs'][1]['vdus'][0]
sys.exit(not (s['health'] == 'Healthy' and not s['pending'] and u['observed'] == $1))" 2>/dev/null
}
first_change() {
	curl -s "$LOCALVIM_ADMIN_URL/v1/requests" | python3 -c "
import json, sys
f = json.load(sys.stdin).get('first_change')
if f: print('%.6f %s' % (f['at'], f['request']))" 2>/dev/null
}
changed() { [ -n "$(first_change)" ]; }
signed_push() {
	local body='{"ref": "refs/heads/main"}' sig
	sig=$(printf '%s' "$body" | python3 -c "
import hashlib, hmac, sys
print(hmac.new(sys.argv[1].encode(), sys.stdin.buffer.read(), hashlib.sha256).hexdigest())" "$secret")
	curl -s -o /dev/null -X POST "$url/webhook" -H 'X-GitHub-Event: push' \
		-H "X-Hub-Signature-256: sha256=$sig" --data-binary "$body"
}

until_ok 180 converged 2
: >"$tmp/lat.csv"
n=2
for run in $(seq 1 "$runs"); do
	m=$((5 - n))
	lv_reset
	if [ $mode = webhook ]; then
		sed -i "s/default_instances: $n/default_instances: $m/" "$d/vnfd/site2-web.yaml"
		g commit -q -am "site2: $m" && g push -q "$tmp/origin.git" main
		t0=$(date +%s.%N)
		signed_push
	else
		t0=$(date +%s.%N)
		sed -i "s/default_instances: $n/default_instances: $m/" "$d/vnfd/site2-web.yaml"
	fi
	until_ok 30 changed
	read -r at request <<<"$(first_change)"
	lat=$(awk -v a="$at" -v b="$t0" 'BEGIN {printf "%.3f", a - b}')
	echo "$run,$lat,$request" >>"$tmp/lat.csv"
	until_ok 120 converged $m
	n=$m
done

[ -z "$csv" ] || { echo "run,seconds,first_request" >"$csv" && cat "$tmp/lat.csv" >>"$csv"; }
what=$([ $mode = webhook ] && echo "webhook POST (signed push)" || echo "file saved")
echo "$what -> first mutating VIM request, $runs runs (localvim, interval 300 s)"
cut -d, -f2 "$tmp/lat.csv" | bench_percentiles ""
echo "  first requests: $(cut -d, -f3 "$tmp/lat.csv" | sort | uniq -c | awk '{c = $1; $1 = ""; printf "%s%s x%d", sep, substr($0, 2), c; sep = ", "}')"
