#!/usr/bin/env bash
# nfvsync watch DIR against localvim, as a user runs it: the first cycle
# deploys; a saved edit is applied without a restart; a broken edit is
# refused (status names it, nothing changes on the VIM) while the last good
# descriptors stay in force, and fixing it applies; SIGHUP re-reads; a
# killed VM is respawned once with its reason; /metrics counts; --dry-run
# and a suspended service change nothing; SIGTERM exits 0 leaving no child.
# Usage: loop_watch.sh NFVSYNC LOCALVIM
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
lv_start
write_site1_repo "$tmp/r" e2e
nsd="$tmp/r/nsd/web.yaml"

# st PYEXPR: a value of the controller's /status (s is the document).
st() {
	curl -sf "http://127.0.0.1:$port/status" |
		python3 -c "import json,sys; s=json.load(sys.stdin); print($1)" 2>/dev/null
}
# mutations: localvim's count of requests that change something.
mutations() {
	curl -sf "$LOCALVIM_ADMIN_URL/v1/requests" |
		python3 -c "import json,sys
d=json.load(sys.stdin)
d=d.get('requests', d)
print(sum(v for k, v in d.items() if isinstance(v, int) and
          k.split(' ')[0] in ('POST', 'PUT', 'PATCH', 'DELETE') and
          '/auth/tokens' not in k))"
}
start_watch() {
	"$nfvsync" watch --listen 127.0.0.1:0 "$@" "$tmp/r" 2>>"$tmp/w.log" &
	wpid=$!
	e2e_track "$wpid"
	wait_for 10 grep -q 'on port [0-9]' "$tmp/w.log" || return 1
	port=$(sed -n 's/.*on port \([0-9]*\).*/\1/p' "$tmp/w.log" | tail -n1)
}
cycles() { st "s['cycles']"; }

# --- SIGTERM in the middle of the first apply ---------------------------
# Slow server builds (3 s) keep actions in flight (both servers, in
# parallel) when SIGTERM comes: they finish, nothing new starts.
bd=$(curl -sf "$LOCALVIM_ADMIN_URL/v1/config" | python3 -c "import json,sys; print(json.load(sys.stdin)['build_delay'])")
curl -sf -X PUT -d '{"build_delay": 3}' "$LOCALVIM_ADMIN_URL/v1/config" >/dev/null
: >"$tmp/w.log"
check "0. watch starts" start_watch --interval 600 --log-level debug
wait_for 20 grep -q 'create server e2e-web-VDU1-0 \.\.\.' "$tmp/w.log"
kill -TERM "$wpid"
wait "$wpid"
rc=$?
check "0. SIGTERM mid-apply: exit 0" [ "$rc" = 0 ]
# in_flight LOG: prints what started and has no outcome, or started after
# the controller said it was stopping; exits 1 if anything did.
in_flight() {
	python3 - "$1" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
stop = next(i for i, l in enumerate(lines) if "stopping (no new action starts)" in l)
bad = 0
for i, l in enumerate(lines):
    m = re.search(r"\b(?:create|update|delete|replace|respawn|failover) (\w+ \S+) \.\.\.", l)
    if not m:
        continue
    if i > stop:
        print("started after SIGTERM:", l); bad = 1
    if not any(m.group(1) + " " in o and "..." not in o for o in lines[i + 1:]):
        print("no outcome:", l); bad = 1
sys.exit(bad)
PY
}
check "0. ... the actions in flight finished, none started after SIGTERM" in_flight "$tmp/w.log"
check "0. ... the server was among them" grep -q 'created server e2e-web-VDU1-0 ' "$tmp/w.log"
check "0. ... and the rest was left (no balancer)" bash -c "! grep -q 'loadbalancer e2e-lb' '$tmp/w.log'"
curl -sf -X PUT -d "{\"build_delay\": $bd}" "$LOCALVIM_ADMIN_URL/v1/config" >/dev/null

# --- events only (the interval is far away) -----------------------------
: >"$tmp/w.log"
check "watch starts and serves" start_watch --interval 600
check "1. the first cycle deploys: service Healthy" \
	wait_for 60 bash -c "[ \"\$($(declare -f st); port=$port st \"s['services'][0]['health']\")\" = Healthy ]"
check "1. both VDUs observed 1/1" [ "$(st "[d['observed'] for d in s['services'][0]['vnfs'][0]['vdus']]")" = "[1, 1]" ]
rev1=$(st "s['revision']")
check "1. status names the revision (dir:HASH)" grep -q '^dir:[0-9a-f]\{16\}$' <<<"$rev1"
check "1. plan agrees: nothing to do" [ "$(plan_rc "$tmp/r")" = 0 ]
check "1. every log line of the cycle names the revision" \
	bash -c "! grep 'created\|cycle 1' '$tmp/w.log' | grep -v 'revision=$rev1'"

# 2. an edit: a route to web1 appears without a restart
t0=$(date +%s.%N)
sed -i 's|health_monitor: {type: HTTP, delay: 1|l7_rules: [{path_prefix: /site1-web1-mandbs, vnf: web, vdu: VDU1}]\n        health_monitor: {type: HTTP, delay: 1|' "$nsd"
check "2. a saved edit becomes the revision in force" \
	wait_for 30 bash -c "[ \"\$($(declare -f st); port=$port st \"s['revision']\")\" != '$rev1' ]"
check "2. ... and is applied: the route answers from web1 only" \
	wait_for 30 bash -c "[ \"\$($(declare -f spread); spread 5 /site1-web1-mandbs | awk '{print \$1}')\" = 5 ]"
t1=$(date +%s.%N)
echo "     (save -> route serving: $(awk "BEGIN {printf \"%.2f\", $t1 - $t0}") s)"
check "2. the same process did it (no restart)" kill -0 "$wpid"
check "2. its action is logged once with its reason" \
	bash -c "[ \$(grep -c 'created l7policy e2e-lb-route-0 .*reason=' '$tmp/w.log') = 1 ]"
rev2=$(st "s['revision']")

# 3. a broken edit is refused; the last good revision stays
wait_for 30 bash -c "[ \"\$($(declare -f st); port=$port st \"s['services'][0]['health']\")\" = Healthy ]"
cp "$nsd" "$tmp/good.yaml"
curl -sf -X DELETE "$LOCALVIM_ADMIN_URL/v1/requests" >/dev/null
sed -i 's|listener: {protocol: HTTP, port: 80}|listener: {protocol: HTTP, port: eighty}|' "$nsd"
check "3. a broken edit is reported on /status with file:line:col" \
	wait_for 30 bash -c "$(declare -f st); port=$port st \"s.get('error', '')\" | grep -q 'web.yaml:[0-9]*:[0-9]*: error'"
check "3. ... as the refused revision" [ -n "$(st "s.get('failed_revision', '')")" ]
check "3. ... the revision in force is still the last good one" [ "$(st "s['revision']")" = "$rev2" ]
check "3. ... and logged" grep -q 'revision refused: 1 error; the last good revision stays in force' "$tmp/w.log"
check "3. nothing changed on the VIM" [ "$(mutations)" = 0 ]
check "3. the service still runs the last good revision" \
	[ "$(spread 5 /site1-web1-mandbs | awk '{print $1}')" = 5 ]
cp "$tmp/good.yaml" "$nsd"
echo "# fixed" >>"$nsd"
check "3. fixing it applies it: a new revision in force, no error" \
	wait_for 30 bash -c "$(declare -f st); port=$port; [ \"\$(st \"s['revision']\")\" != '$rev2' ] && [ \"\$(st \"s.get('error')\")\" = None ]"

# 4. SIGHUP re-reads everything and runs a cycle at once
n=$(cycles)
kill -HUP "$wpid"
check "4. SIGHUP brings a cycle forward" \
	wait_for 20 bash -c "[ \"\$($(declare -f st cycles); port=$port cycles)\" -gt $n ]"
check "4. ... re-reading the descriptors" grep -q 'revision re-read' "$tmp/w.log"

# 5. metrics
curl -sf "http://127.0.0.1:$port/metrics" >"$tmp/metrics.txt"
check "5. /metrics counts cycles" grep -qE '^nfvsync_reconcile_cycles_total [1-9]' "$tmp/metrics.txt"
check "5. ... actions by kind, op and result" \
	grep -qE '^nfvsync_actions_total\{kind="loadbalancer",op="create",result="done"\} [1-9]' "$tmp/metrics.txt"
check "5. ... VIM requests by VIM, service and status" \
	grep -qE '^nfvsync_vim_requests_total\{vim="site1",service="compute",status="200"\} [1-9]' "$tmp/metrics.txt"
check "5. ... the refused revision as a load error" \
	grep -qE '^nfvsync_reconcile_errors_total\{stage="load"\} 1$' "$tmp/metrics.txt"
check "5. ... reconcile duration histogram" grep -q '^nfvsync_reconcile_duration_seconds_count' "$tmp/metrics.txt"

# 6. SIGTERM: exit 0, no child left
check "6. the controller has no child process" bash -c "[ -z \"\$(ps -o pid= --ppid $wpid)\" ]"
kill -TERM "$wpid"
wait "$wpid"
rc=$?
check "6. SIGTERM: exit 0" [ "$rc" = 0 ]
check "6. ... logged" grep -q 'SIGTERM: stopping' "$tmp/w.log"

# --- drift: dry-run, suspend, self-healing ------------------------------
curl -sf -X POST -d '{"name": "e2e-web-VDU1-0"}' "$LOCALVIM_ADMIN_URL/v1/kill" >/dev/null
wait_for 20 bash -c "'$nfvsync' plan '$tmp/r' 2>&1 | grep -q 'respawn'"
curl -sf -X DELETE "$LOCALVIM_ADMIN_URL/v1/requests" >/dev/null
"$nfvsync" watch --once --dry-run --listen off "$tmp/r" >"$tmp/dry.log" 2>&1
rc=$?
check "7. --dry-run --once: exit 0" [ "$rc" = 0 ]
check "7. ... reports the drift" grep -q 'drift: 1 action planned (dry-run: none carried out)' "$tmp/dry.log"
check "7. ... and changes nothing (no mutating request)" [ "$(mutations)" = 0 ]

cp "$nsd" "$tmp/good.yaml"
sed -i "s|^metadata: {template_name: e2e}|metadata: {template_name: e2e, nfvsync.io/sync: suspend}|" "$nsd"
"$nfvsync" watch --once "$tmp/r" >"$tmp/suspend.log" 2>&1
rc=$?
check "8. a suspended service: exit 0, nothing changed" \
	bash -c "[ $rc = 0 ] && [ \"\$($(declare -f mutations); mutations)\" = 0 ]"
check "8. --once without --listen serves nothing" bash -c "! grep -q serving '$tmp/suspend.log'"
cp "$tmp/good.yaml" "$nsd"

: >"$tmp/w.log"
check "9. watch with a 1 s interval" start_watch --interval 1
check "9. the killed VM is respawned" \
	wait_for 60 grep -q 'respawned server e2e-web-VDU1-0 .*reason=' "$tmp/w.log"
check "9. ... and the service is Healthy again" \
	wait_for 60 bash -c "[ \"\$($(declare -f st); port=$port st \"s['services'][0]['health']\")\" = Healthy ]"
check "9. the respawn is logged once" [ "$(grep -c 'respawned server' "$tmp/w.log")" = 1 ]
kill -TERM "$wpid"
wait "$wpid"
rc=$?
check "9. SIGTERM: exit 0" [ "$rc" = 0 ]

# --- a crash-looping VM: 3 respawns, then Degraded and left alone --------
: >"$tmp/w.log"
check "12. watch with a 1 s interval" start_watch --interval 1
vdu1_observed() { st "s['services'][0]['vnfs'][0]['vdus'][0].get('observed')"; }
for i in 1 2 3; do
	wait_for 30 bash -c "[ \"\$($(declare -f st vdu1_observed); port=$port vdu1_observed)\" = 1 ]"
	curl -sf -X POST -d '{"name": "e2e-web-VDU1-0"}' "$LOCALVIM_ADMIN_URL/v1/kill" >/dev/null
	check "12. crash $i is respawned" \
		wait_for 30 bash -c "[ \$(grep -c 'respawned server e2e-web-VDU1-0' '$tmp/w.log') = $i ]"
done
wait_for 30 bash -c "[ \"\$($(declare -f st vdu1_observed); port=$port vdu1_observed)\" = 1 ]"
curl -sf -X POST -d '{"name": "e2e-web-VDU1-0"}' "$LOCALVIM_ADMIN_URL/v1/kill" >/dev/null
check "12. crash 4 within 10 min: the budget is spent (logged)" \
	wait_for 30 grep -q 'e2e-web-VDU1-0: respawn budget spent (3 in 600 s); Degraded' "$tmp/w.log"
check "12. ... the VDU is Degraded on /status" \
	wait_for 10 bash -c "[ \"\$($(declare -f st); port=$port st \"[s['services'][0]['vnfs'][0]['vdus'][0][k] for k in ('health', 'respawn_budget_spent')]\")\" = \"['Degraded', True]\" ]"
n=$(cycles)
wait_for 30 bash -c "[ \"\$($(declare -f st cycles); port=$port cycles)\" -ge $((n + 3)) ]"
check "12. ... and it is left alone: still 3 respawns after 3 more cycles" \
	[ "$(grep -c 'respawned server e2e-web-VDU1-0' "$tmp/w.log")" = 3 ]
kill -TERM "$wpid"
wait "$wpid"
# Leave the world converged for what follows.
"$nfvsync" watch --once "$tmp/r" >/dev/null 2>&1

# --- two replicas with --leader-elect: one acts, the other stands by ----
: >"$tmp/w.log"
check "10. replica A with --leader-elect" \
	start_watch --interval 2 --leader-elect --kubeconfig "$tmp/lv/kubeconfig" --lease-name e2e
apid=$wpid aport=$port
check "10. A leads" wait_for 20 grep -q 'leading: this replica holds the lease' "$tmp/w.log"
mv "$tmp/w.log" "$tmp/a.log"
: >"$tmp/w.log"
check "10. replica B with the same lease" \
	start_watch --interval 2 --leader-elect --kubeconfig "$tmp/lv/kubeconfig" --lease-name e2e
bpid=$wpid bport=$port
check "10. B stands by: /status says so and lists nothing" \
	wait_for 20 bash -c "[ \"\$($(declare -f st); port=$bport st \"[s['leader'], len(s['services'])]\")\" = '[False, 0]' ]"
n=$(grep -c 'drift\|observe' "$tmp/w.log")
check "10. B observes nothing and acts on nothing" [ "$n" = 0 ]
kill -TERM "$apid"
wait "$apid"
rc=$?
check "10. A stops (exit 0) and releases the lease" \
	bash -c "[ $rc = 0 ] && grep -q 'lease released' '$tmp/a.log'"
check "10. B takes over" wait_for 20 grep -q 'leading: this replica holds the lease' "$tmp/w.log"
check "10. ... and acts: /status lists the service" \
	wait_for 20 bash -c "[ \"\$($(declare -f st); port=$bport st \"[s['leader'], s['services'][0]['health']]\")\" = \"[True, 'Healthy']\" ]"
kill -TERM "$bpid"
wait "$bpid"

# --- SIGHUP re-reads VIM credentials (a rotated password file) -----------
mkdir -p "$tmp/secret"
echo wrong-password >"$tmp/secret/pw"
sed -i "s|^password_env: .*|password_file: '$tmp/secret/pw'|" "$tmp/r/vims/site1.yaml"
: >"$tmp/w.log"
check "11. watch with a wrong password in a file" start_watch --interval 600
check "11. the cycle fails with METHOD URL -> 401 on /status" \
	wait_for 20 bash -c "$(declare -f st); port=$port st \"s.get('error', '')\" | grep -q 'POST http://127.0.0.1:[0-9]*/v3/auth/tokens -> 401'"
check "11. ... and never shows the password" bash -c "! grep -q wrong-password '$tmp/w.log'"
echo localvim-admin >"$tmp/secret/pw"
n=$(cycles)
kill -HUP "$wpid"
check "11. after SIGHUP the new password is used: no error, Healthy" \
	wait_for 30 bash -c "$(declare -f st); port=$port; [ \"\$(st \"[s['cycles'] > $n, s.get('error'), s['services'][0]['health']]\")\" = \"[True, None, 'Healthy']\" ]"
kill -TERM "$wpid"
wait "$wpid"

lv_stop
finish
