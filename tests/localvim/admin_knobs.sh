#!/usr/bin/env bash
# End-to-end: localvim's admin API. Injected 503s, 429 with Retry-After,
# latency, an unreachable site, token lifetime, PENDING duration, build
# failures with a fault, request accounting and its reset, state reset.
# Plain curl against the catalog, so each check is fast.
. "$(dirname "$0")/lib.sh"
lv_start

auth_url=$LOCALVIM_AUTH_URL
token() {
	curl -sf -D - -o /dev/null -H 'Content-Type: application/json' -d '
	{"auth":{"identity":{"methods":["password"],"password":{"user":{
	"name":"admin","domain":{"name":"Default"},"password":"localvim-admin"}}},
	"scope":{"project":{"name":"admin","domain":{"name":"Default"}}}}}' \
		"$auth_url/auth/tokens" | tr -d '\r' |
		awk -F': ' 'tolower($1) == "x-subject-token" { print $2 }'
}
tok=$(token)
[ -n "$tok" ] || fail "no token"
catalog=$(curl -sf -H "X-Auth-Token: $tok" -H "X-Subject-Token: $tok" \
	"$auth_url/auth/tokens")
url_of() {
	echo "$catalog" | python3 -c "import json,sys
d=json.load(sys.stdin)
print([e['endpoints'][0]['url'] for e in d['token']['catalog']
       if e['type']=='$1'][0])"
}
nova=$(url_of compute)
lb=$(url_of load-balancer)
code() { curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $tok" "$@"; }

[ "$(code "$nova/servers")" = 200 ] || fail "nova list"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Auth-Token: bogus' \
	"$nova/servers")" = 401 ] ||
	fail "bad token not 401"

# Error injection: every nova request answers 503, others are untouched.
admin PUT /v1/faults/nova '{"error_rate":1.0,"error_status":503}' >/dev/null
[ "$(code "$nova/servers")" = 503 ] || fail "no injected 503"
[ "$(code "$lb/v2/lbaas/loadbalancers")" = 200 ] || fail "octavia hit"
admin DELETE /v1/faults >/dev/null
[ "$(code "$nova/servers")" = 200 ] || fail "faults not cleared"

# 429 with Retry-After.
admin PUT /v1/faults/nova '{"rate_limit":1.0,"retry_after":7}' >/dev/null
hdrs=$(curl -s -D - -o /dev/null -H "X-Auth-Token: $tok" "$nova/servers")
echo "$hdrs" | has '^HTTP/1.1 429' || fail "no 429: $hdrs"
echo "$hdrs" | tr -d '\r' | has -i '^Retry-After: 7$' || fail "Retry-After"
admin DELETE /v1/faults >/dev/null

# Latency: the answer takes at least the injected 400 ms.
admin PUT /v1/faults/nova '{"latency_ms":400}' >/dev/null
t=$(curl -s -o /dev/null -w '%{time_total}' -H "X-Auth-Token: $tok" \
	"$nova/servers")
awk -v t="$t" 'BEGIN { exit !(t >= 0.4) }' || fail "latency $t"
admin DELETE /v1/faults >/dev/null

# Unreachable site: connections are dropped without an answer.
admin PUT /v1/faults/all '{"unreachable":true}' >/dev/null
if curl -s --max-time 5 -H "X-Auth-Token: $tok" "$nova/servers" >/dev/null; then
	fail "site still reachable"
fi
admin DELETE /v1/faults >/dev/null
[ "$(code "$nova/servers")" = 200 ] || fail "site not back"

# Token lifetime: a 1 s token expires into 401s.
admin PUT /v1/config '{"token_lifetime":1}' >/dev/null
short=$(token)
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $short" \
	"$nova/servers")" = 200 ] || fail "fresh short token"
wait_for 5 sh -c "[ \$(curl -s -o /dev/null -w '%{http_code}' \
	-H 'X-Auth-Token: $short' $nova/servers) = 401 ]" ||
	fail "short token never expired"
admin PUT /v1/config '{"token_lifetime":3600}' >/dev/null

# PENDING duration: a balancer stays PENDING_CREATE for the set time (4 s,
# long enough for a loaded CI machine to look in between).
admin PUT /v1/config '{"pending_delay":4}' >/dev/null
lb_id=$(curl -sf -H "X-Auth-Token: $tok" -H 'Content-Type: application/json' \
	-d '{"loadbalancer":{"name":"slow","vip_subnet_id":"9ad534a2-448c-4575-b3f2-a0fff49f065d"}}' \
	"$lb/v2/lbaas/loadbalancers" | python3 -c \
	"import json,sys; print(json.load(sys.stdin)['loadbalancer']['id'])")
prov() {
	curl -sf -H "X-Auth-Token: $tok" "$lb/v2/lbaas/loadbalancers/$lb_id" |
		python3 -c "import json,sys
print(json.load(sys.stdin)['loadbalancer']['provisioning_status'])"
}
[ "$(prov)" = PENDING_CREATE ] || fail "not PENDING_CREATE"
wait_for 20 sh -c "[ \"\$(curl -sf -H 'X-Auth-Token: $tok' \
	$lb/v2/lbaas/loadbalancers/$lb_id | grep -o '\"provisioning_status\": *\"[A-Z_]*\"')\" \
	= '\"provisioning_status\":\"ACTIVE\"' ]" || fail "never ACTIVE"

# Injected build failure: ERROR with a fault.
admin PUT /v1/config '{"build_failures":1,"pending_delay":0.5}' >/dev/null
sid=$(curl -sf -H "X-Auth-Token: $tok" -H 'Content-Type: application/json' \
	-d '{"server":{"name":"doomed","imageRef":"7b94ee2e-f92e-4fb5-a914-7fe549d182df",
	"flavorRef":"1","networks":"none"}}' "$nova/servers" |
	python3 -c "import json,sys; print(json.load(sys.stdin)['server']['id'])")
wait_for 10 sh -c "curl -sf -H 'X-Auth-Token: $tok' $nova/servers/$sid |
	grep -q '\"status\":\"ERROR\"'" || fail "build did not fail"
curl -sf -H "X-Auth-Token: $tok" "$nova/servers/$sid" | has 'injected' ||
	fail "no fault"

# Accounting: counts per method/endpoint/status, then reset.
counts=$(admin GET /v1/requests)
echo "$counts" | has '"GET nova /v2.1/servers 503":1' ||
	fail "503 not counted: $counts"
echo "$counts" | has '"POST keystone /v3/auth/tokens 201"' ||
	fail "token issue not counted"
admin DELETE /v1/requests >/dev/null
[ "$(admin GET /v1/requests | grep -o '"total":[0-9]*')" = '"total":0' ] ||
	fail "counts not reset"

# The first change since the reset, with its time: reads and tokens are no
# change; a server create is.
tok=$(token)
curl -sf -H "X-Auth-Token: $tok" "$nova/servers" >/dev/null
admin GET /v1/requests | has '"first_change"' && fail "a read is a change"
before=$(date +%s.%N)
curl -sf -H "X-Auth-Token: $tok" -H 'Content-Type: application/json' \
	-d '{"server":{"name":"timed","imageRef":"7b94ee2e-f92e-4fb5-a914-7fe549d182df",
	"flavorRef":"1","networks":"none"}}' "$nova/servers" >/dev/null ||
	fail "create timed"
after=$(date +%s.%N)
admin GET /v1/requests | python3 -c "import json,sys
f = json.load(sys.stdin)['first_change']
assert f['request'] == 'POST nova /v2.1/servers 202', f
assert $before <= f['at'] <= $after, (f, $before, $after)" ||
	fail "first change not named or not timed"

# State reset: back to the default world.
admin POST /v1/reset >/dev/null || fail "reset"
tok=$(token)
[ "$(curl -sf -H "X-Auth-Token: $tok" "$nova/servers")" = '{"servers":[]}' ] ||
	fail "servers survived reset"
curl -sf -H "X-Auth-Token: $tok" "$lb/v2/lbaas/loadbalancers" |
	has '"loadbalancers":\[\]' || fail "balancers survived reset"
"$LOCALVIM" env --state-dir "$lv_tmp/state" | has '^export OS_CLOUD=localvim$' ||
	fail "localvim env"
lv_stop
echo "PASS"
