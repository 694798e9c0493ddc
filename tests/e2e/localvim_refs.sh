#!/usr/bin/env bash
# Bad references are refused before anything changes: with an image, a
# flavor or a network the VIM does not have in the descriptors, `plan`
# exits 1 with the descriptor's file:line:col, naming the VIM and what it
# has, and plans nothing; `apply` exits 1 having sent localvim no request
# that changes anything (its request log: only GETs and the login). With
# the references fixed the same repository plans as usual.
# Usage: localvim_refs.sh NFVSYNC LOCALVIM
set -u
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR/../..
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
lv_start
example_on_localvim "$tmp/r"
vnfd=$tmp/r/vnfd/site1-web.yaml

# The first VDU's image line and column, as the loader reports it.
line=$(grep -n 'image: ubuntu-18.04' "$vnfd" | head -n1 | cut -d: -f1)
col=$(($(sed -n "${line}p" "$vnfd" | sed 's/image:.*//' | wc -c) + 7))
sed -i 's/image: ubuntu-18.04/image: ubuntu-99.04/' "$vnfd"

requests() {
	curl -s "$LOCALVIM_ADMIN_URL/v1/requests" |
		python3 -c 'import json, sys; print("\n".join(json.load(sys.stdin)["log"]))'
}
# Requests that change something: anything but GET and the login.
changes() { requests | grep -v '^GET \|^POST keystone /v3/auth/tokens '; }
no_changes() { [ -z "$(changes)" ]; }
read_the_vims() { requests | grep -q '^GET '; }

curl -s -X DELETE "$LOCALVIM_ADMIN_URL/v1/requests" >/dev/null
"$nfvsync" plan "$tmp/r" >"$tmp/plan.out" 2>&1
rc=$?
check "plan with a missing image exits 1 (got $rc)" [ "$rc" = 1 ]
check "the error is at the image, names the VIM and what it has" \
	grep -q "site1-web.yaml:$line:$col: error: image 'ubuntu-99.04' does not exist on VIM site1 (it has: .*ubuntu-18.04" "$tmp/plan.out"
check "nothing is planned" bash -c "! grep -q 'to create' '$tmp/plan.out'"
check "plan changed nothing" no_changes
"$nfvsync" apply --auto-approve "$tmp/r" >"$tmp/apply.out" 2>&1
rc=$?
check "apply with a missing image exits 1 (got $rc)" [ "$rc" = 1 ]
check "apply reports the image" grep -q "image 'ubuntu-99.04' does not exist on VIM site1" "$tmp/apply.out"
check "apply sent no request that changes anything" no_changes
check "apply did read the VIMs" read_the_vims

# A missing flavor and network: both reported, at once.
sed -i 's/image: ubuntu-99.04/image: ubuntu-18.04/; 0,/flavor: ds512M/s//flavor: m1.nope/' "$vnfd"
sed -i '0,/network_name: net0/s//network_name: net9/' "$tmp/r/nsd/symmetric-web.yaml"
"$nfvsync" plan "$tmp/r" >"$tmp/plan2.out" 2>&1
rc=$?
check "plan with a missing flavor and network exits 1 (got $rc)" [ "$rc" = 1 ]
check "the flavor is reported" grep -q "site1-web.yaml:[0-9]*:[0-9]*: error: flavor 'm1.nope' does not exist on VIM site1 (it has: " "$tmp/plan2.out"
check "the network is reported" grep -q "symmetric-web.yaml:[0-9]*:[0-9]*: error: network 'net9' does not exist on VIM site1 (it has: " "$tmp/plan2.out"
check "still no change" no_changes

cp "$repo/examples/symmetric-web/vnfd/site1-web.yaml" "$vnfd"
cp "$repo/examples/symmetric-web/nsd/symmetric-web.yaml" "$tmp/r/nsd/"
"$nfvsync" plan "$tmp/r" >"$tmp/plan3.out" 2>&1
rc=$?
check "fixed, the plan exits 0 (got $rc)" [ "$rc" = 0 ]
check "fixed, it creates everything" grep -q '^Plan: 22 to create' "$tmp/plan3.out"
[ $fail = 0 ] || cat "$tmp/plan.out" "$tmp/apply.out" "$tmp/plan2.out" "$tmp/plan3.out"

finish
