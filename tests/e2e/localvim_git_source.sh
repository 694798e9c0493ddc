#!/usr/bin/env bash
# End to end with the real binaries: the site1 half of the reference
# scenario kept in a local Git repository (file://) and applied to
# localvim with `apply --source`: a user's HTTP client sees the servers
# behind the VIP; a broken commit is refused with its place in the commit
# and sends no request to the VIM; a new commit (the route removed) is
# applied by the next run; an older tag still plans the difference.
# Usage: localvim_git_source.sh NFVSYNC LOCALVIM
set -u
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR/../..
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
export XDG_CACHE_HOME=$tmp/cache GIT_CONFIG_NOSYSTEM=1 HOME=$tmp
lv_start
write_site1_repo "$tmp/r" gitsrc --with-route
g() { git -C "$tmp/r" -c user.name=e2e -c user.email=e2e@example.org "$@"; }
git init -q -b main "$tmp/r" && g add -A && g commit -q -m "site1 with a route"
g tag -a -m "with the route" v1
first=$(g rev-parse --short=7 HEAD)
url=file://$tmp/r

even() { [ "$(spread 100 /)" = "$(printf '50 gitsrc-web-VDU1-0\n50 gitsrc-web-VDU2-0')" ]; }
route_reaches_vdu1() { [ "$(spread 10 /site1-web1-mandbs)" = '10 gitsrc-web-VDU1-0' ]; }
route_balanced() { [ "$(spread 10 /site1-web1-mandbs | wc -l)" = 2 ]; }
src_plan_rc() {
	"$nfvsync" plan --detailed-exitcode --source "$url" "$@" >"$tmp/plan.txt" 2>&1
	echo $?
}
total() { curl -s "$LOCALVIM_ADMIN_URL/v1/requests" | sed -n 's/.*"total": *\([0-9]*\).*/\1/p'; }

"$nfvsync" apply --auto-approve --source "$url" --ref main >"$tmp/apply.txt" 2>&1
rc=$?
check "apply --source from scratch succeeds" [ "$rc" = 0 ]
check "it names the commit it applied" \
	grep -qF "Reading descriptors at $first (main) from $url" "$tmp/apply.txt"
rc=$(src_plan_rc)
check "re-plan from Git is a no-op (exit 0)" [ "$rc" = 0 ]
check "100 GETs through the VIP: 50 per server" wait_for 20 even
check "the route reaches only its server" route_reaches_vdu1

# A broken commit: refused where it is, and the VIM is not even asked.
sed -i 's/^        flavor: .*/        flavor: [not, a, flavor]/' "$tmp/r/vnfd/site1-web.yaml"
check "the fixture broke the flavor" grep -q 'flavor: \[not' "$tmp/r/vnfd/site1-web.yaml"
g commit -q -am "broken flavor"
bad=$(g rev-parse --short=7 HEAD)
before=$(total)
"$nfvsync" apply --auto-approve --source "$url" >"$tmp/bad.txt" 2>&1
rc=$?
check "a broken commit is not applied (exit 1)" [ "$rc" = 1 ]
check "the error points into the commit" grep -qE "^$bad:nsd/\.\./vnfd/site1-web\.yaml:[0-9]+:[0-9]+: error: " "$tmp/bad.txt"
check "and no request reached the VIM" [ "$(total)" = "$before" ]
check "the servers still serve" even
g revert --no-edit HEAD >/dev/null
check "reverted" [ "$(g show HEAD:vnfd/site1-web.yaml)" = "$(cat "$repo/examples/symmetric-web/vnfd/site1-web.yaml")" ]

# A new commit without the route: the next run applies it.
write_site1_repo "$tmp/r" gitsrc
g commit -q -am "no route"
rc=$(src_plan_rc)
check "the new commit plans the route's removal (exit 2)" [ "$rc" = 2 ]
"$nfvsync" apply --auto-approve --source "$url" >"$tmp/apply2.txt" 2>&1
rc=$?
check "apply --source applies it" [ "$rc" = 0 ]
rc=$(src_plan_rc)
check "converged to the new commit (exit 0)" [ "$rc" = 0 ]
check "the route is gone: the path is balanced like any other" \
	wait_for 20 route_balanced
rc=$(src_plan_rc --ref v1)
check "the older tag still plans the route back (exit 2)" [ "$rc" = 2 ]

finish
