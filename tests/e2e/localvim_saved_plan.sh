#!/usr/bin/env bash
# Saved plans against localvim's OpenStack: `plan --out FILE` prints the
# plan and saves it; `apply FILE` carries it out without a prompt (from
# another directory too), and refuses, changing nothing on the VIM (no
# write request reaches localvim), when the VIM moved (a killed server, or
# the plan's own changes already made), when the descriptors changed, and
# when the file is damaged or not a plan file at all.
# Usage: localvim_saved_plan.sh NFVSYNC LOCALVIM
set -u
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR/../..
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
lv_start
write_site1_repo "$tmp/r" sp
mkdir "$tmp/elsewhere"

# Kinds of write request (anything but GET, and Keystone's token POST) seen by
# localvim since the last reset.
writes() {
	curl -s "$LOCALVIM_ADMIN_URL/v1/requests" |
		grep -Eo '"(POST|PUT|PATCH|DELETE) (nova|neutron|octavia|glance|kubernetes) [^"]*"' |
		wc -l
}
reset_requests() { curl -s -X DELETE "$LOCALVIM_ADMIN_URL/v1/requests" >/dev/null; }
# apply_saved FILE: apply it from another directory, stdin not a terminal;
# output in $tmp/apply.txt, prints the exit status.
apply_saved() {
	(cd "$tmp/elsewhere" && "$nfvsync" apply "$1" </dev/null >"$tmp/apply.txt" 2>&1)
	echo $?
}
has() { grep -qF -- "$1" "$2"; }

"$nfvsync" plan --out "$tmp/create.plan" "$tmp/r" >"$tmp/plan.txt" 2>"$tmp/plan.err"
check "plan --out succeeds and prints the text plan" has "Plan: 10 to create, 0 to update" "$tmp/plan.txt"
check "and says where it saved it" has "Saved the plan to $tmp/create.plan" "$tmp/plan.err"
check "the file is a versioned plan file" has '"nfvsync_plan_file": 1' "$tmp/create.plan"
check "an --offline plan cannot be saved" bash -c "! '$nfvsync' plan --offline --out '$tmp/x.plan' '$tmp/r' 2>/dev/null"

reset_requests
rc=$(apply_saved "$tmp/create.plan")
check "apply FILE applies a fresh plan without asking (exit $rc)" [ "$rc" = 0 ]
check "all of it" has "Apply: 10 done, 0 failed, 0 skipped" "$tmp/apply.txt"
check "(the write count below sees writes: $(writes) kinds here)" [ "$(writes)" -gt 0 ]
check "converged: re-plan is a no-op" [ "$(plan_rc "$tmp/r")" = 0 ]

reset_requests
rc=$(apply_saved "$tmp/create.plan")
check "the same plan again is stale: what it creates exists now (exit $rc)" [ "$rc" = 1 ]
check "it says what moved" has "stale plan: site1 changed since the plan was made: " "$tmp/apply.txt"
check "and that nothing changed" has "Nothing was changed on any VIM." "$tmp/apply.txt"
check "no write request reached the VIM" [ "$(writes)" = 0 ]

"$nfvsync" plan --out "$tmp/noop.plan" "$tmp/r" >/dev/null 2>&1
curl -s -X POST -d '{"name": "sp-web-VDU2-0"}' "$LOCALVIM_ADMIN_URL/v1/kill" >/dev/null
check "a killed server is seen" wait_for 20 bash -c \
	"'$nfvsync' plan '$tmp/r' 2>&1 | grep -q '! server        sp-web-VDU2-0'"
reset_requests
rc=$(apply_saved "$tmp/noop.plan")
check "a plan made before the kill is refused (exit $rc)" [ "$rc" = 1 ]
check "naming the server and its state" grep -qE \
	"stale plan: site1 changed since the plan was made: .*server sp-web-VDU2-0 is now (ERROR|SHUTOFF) \(was ACTIVE\).*; run plan again" \
	"$tmp/apply.txt"
check "no write request reached the VIM" [ "$(writes)" = 0 ]

"$nfvsync" plan --out "$tmp/respawn.plan" "$tmp/r" >"$tmp/plan.txt" 2>&1
check "a fresh plan respawns it" has "! server        sp-web-VDU2-0" "$tmp/plan.txt"
rc=$(apply_saved "$tmp/respawn.plan")
check "and applies (exit $rc)" [ "$rc" = 0 ]
check "converged again" [ "$(plan_rc "$tmp/r")" = 0 ]

"$nfvsync" plan --out "$tmp/before-edit.plan" "$tmp/r" >/dev/null 2>&1
sed -i 's/delay: 1, timeout: 1/delay: 2, timeout: 1/' "$tmp/r/nsd/web.yaml"
reset_requests
rc=$(apply_saved "$tmp/before-edit.plan")
check "a plan made before a descriptor edit is refused (exit $rc)" [ "$rc" = 1 ]
check "naming the file" has "stale plan: the descriptors changed since the plan was made: $(realpath "$tmp/r/nsd/web.yaml") changed; run plan again" "$tmp/apply.txt"
check "no write request reached the VIM" [ "$(writes)" = 0 ]

"$nfvsync" plan --out "$tmp/good.plan" "$tmp/r" >/dev/null 2>&1
head -c 300 "$tmp/good.plan" >"$tmp/truncated.plan"
rc=$(apply_saved "$tmp/truncated.plan")
check "a truncated plan file is refused (exit $rc)" bash -c \
	"[ $rc = 1 ] && grep -qF 'truncated.plan: not a plan file: damaged JSON' '$tmp/apply.txt'"
"$nfvsync" plan -o json "$tmp/r" >"$tmp/foreign.json" 2>/dev/null
rc=$(apply_saved "$tmp/foreign.json")
check "plan -o json output is not a plan file (exit $rc)" bash -c \
	"[ $rc = 1 ] && grep -qF 'foreign.json: not an nfvsync plan file' '$tmp/apply.txt'"
sed 's/"ACTIVE"/"SHUTOFF"/' "$tmp/good.plan" >"$tmp/edited.plan"
rc=$(apply_saved "$tmp/edited.plan")
check "an observed state edited by hand is refused (exit $rc)" bash -c \
	"[ $rc = 1 ] && grep -qF 'fingerprint does not match' '$tmp/apply.txt'"
check "a plan file with options of its own is refused" bash -c \
	"'$nfvsync' apply --allow-mass-delete '$tmp/good.plan' 2>&1 | grep -qF 'give the plan file alone'"
check "the good plan still applies" [ "$(apply_saved "$tmp/good.plan")" = 0 ]
check "converged" [ "$(plan_rc "$tmp/r")" = 0 ]

finish
