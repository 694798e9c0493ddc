#!/usr/bin/env bash
# The CLI paths under valgrind: no leak, no invalid access, on the examples,
# the corpus, and failing inputs (error paths free what they built).
# Usage: valgrind.sh VALGRIND NFVSYNC
set -u
vg=$1
nfvsync=$(realpath "$2")
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
corpus=../shared/corpus/tacker
pass=0 fail=0
run() { # exit code wanted, args...
	local want=$1
	shift
	"$vg" -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible "$nfvsync" "$@" >/dev/null 2>/tmp/vg.$$
	local rc=$?
	if [ $rc -ne "$want" ]; then
		echo "FAIL valgrind nfvsync $*: exit $rc (want $want)"; cat /tmp/vg.$$ | head -40
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}
run 0 validate examples/symmetric-web
run 0 show -o json examples/symmetric-web
run 0 plan --offline examples/symmetric-web
run 0 plan --offline -o json examples/symmetric-web
run 1 plan examples/symmetric-web
run 0 validate -p $corpus/nsd/ns_param.yaml $corpus/nsd/sample-tosca-nsd.yaml
run 0 plan --offline $corpus/vnffgd/tosca-vnffgd-sample.yaml
run 0 show $corpus/vnfd-containerized/tosca-vnfd-containerized.yaml
run 1 show $corpus/vnfd-containerized  # three services of one name
run 1 validate $corpus/vnfd
run 1 validate tests/cli/bad
run 1 validate tests/cli/bad/fixed-ip-twice.yaml
run 1 plan --offline examples/symmetric-web/vnfd/site1-web.yaml
run 1 plan no/such/path

# The Git source: a local repository, a good and a broken commit.
gtmp=$(mktemp -d)
trap 'rm -rf "$gtmp"' EXIT
export XDG_CACHE_HOME=$gtmp/cache GIT_CONFIG_NOSYSTEM=1
g() { git -C "$gtmp/repo" -c user.name=t -c user.email=t@example.org "$@"; }
cp -r examples/symmetric-web "$gtmp/repo"
git init -q -b main "$gtmp/repo" && g add -A && g commit -q -m good
g checkout -q -b broken
sed -i 's/mem_size: 512 MB/mem_size: lots/' "$gtmp/repo/vnfd/site2-web.yaml"
g commit -q -am broken
run 0 validate --source "file://$gtmp/repo" --ref main
run 0 plan --offline --source "$gtmp/repo" --ref main
run 1 validate --source "file://$gtmp/repo" --ref broken
run 1 validate --source "file://$gtmp/repo" --ref nosuch
run 1 validate --source "file://$gtmp/repo" --ref main --path nope
run 1 validate --source file:///nonexistent

# The controller's paths that need no VIM: one cycle on descriptors without
# VIM files (actions skipped), a refused revision, a source that cannot be
# read, the HTTP server up and down, status without a controller.
mkdir "$gtmp/cnf"
cp $corpus/vnfd-containerized/tosca-vnfd-containerized.yaml "$gtmp/cnf/"
run 0 watch --once --listen off "$gtmp/cnf"
run 0 watch --once --listen 127.0.0.1:0 --log-format json "$gtmp/cnf"
run 1 watch --once --listen off tests/cli/bad
run 1 run --once --listen off --cache-dir "$gtmp/cache2" --source "file://$gtmp/repo" --ref broken
run 1 run --once --listen off --source file:///nonexistent
run 1 watch --once --interval nope .
run 1 status --server http://127.0.0.1:1
tmp=$(mktemp -d)
echo '{"format_version": 1}' >"$tmp/foreign.plan"
printf '{"nfvsync_plan_file": 1, "inputs": {"paths": ["x"]' >"$tmp/cut.plan"
run 1 apply "$tmp/foreign.plan"
run 1 apply "$tmp/cut.plan"
run 1 plan --offline --out "$tmp/x.plan" examples/symmetric-web
rm -rf "$tmp" /tmp/vg.$$
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
