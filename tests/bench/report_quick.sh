#!/usr/bin/env bash
# Smoke test of the evaluation report: hack/bench/report.sh --quick
# --no-lab into a temporary directory, with the binaries under test. Checks
# that it writes evaluation.md and its PNG plots, and that the tables hold
# measured numbers (tests 1-5 reported, 100 requests counted per server
# with positive times, no-op request counts, plan memory); it does not
# judge the figures themselves (no timing thresholds).
# Usage: report_quick.sh REPORT_SH NFVSYNC LOCALVIM HTTPCLIENT
set -u
report=$1
export NFVSYNC=$2 LOCALVIM=$3 HTTPCLIENT=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { local what=$1; shift; if "$@"; then pass=$((pass + 1)); echo "ok   $what"; else fail=$((fail + 1)); echo "FAIL $what"; fi; }

"$report" --quick --no-lab --out "$tmp/docs" >"$tmp/log" 2>&1
rc=$?
check "report.sh --quick exits 0" [ $rc = 0 ] || tail -n 20 "$tmp/log"
md=$tmp/docs/evaluation.md
check "it wrote evaluation.md" test -s "$md"
check "it printed progress" grep -q 'test 5:' "$tmp/log"
check "the report names the commit" grep -Eq '^\| commit \| `[0-9a-f]{7,}`' "$md"
check "the report names the machine's cores and memory" \
	grep -Eq '^\| machine \| [0-9]+ cores .*[0-9.]+ GiB memory' "$md"

ispng() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }
for png in requests-4-servers requests-5-servers failover-backend failover-balancer noop-requests; do
	check "plot $png.png is a PNG" ispng "$tmp/docs/img/$png.png"
	check "the report shows $png.png" grep -q "(img/$png.png)" "$md"
done

for n in 1 2 3 4 5; do
	check "test $n has a result" grep -Eq "^\| $n \| (pass|\*\*FAIL\*\*) \| .+ \|$" "$md"
done
# Tables 2 and 3: per-server rows whose counts add up to 100, with times.
tables() { awk -F' *\\| *' '/^\| \*\*all\*\* \|/ && $3 == 100 && $4 > 0 && $5 > 0 {n++} END {print n + 0}' "$md"; }
check "both per-server tables count 100 requests with times" [ "$(tables)" = 2 ]
perserver() { awk -F' *\\| *' '/^\| symmetric-web-/ && $3 > 0 && $5 > 0 {n++} END {print n + 0}' "$md"; }
check "9 per-server rows (4 + 5 servers), each with a mean time" [ "$(perserver)" = 9 ]
# section TITLE: the lines of the report's section "### TITLE".
section() { awk -v t="### $1" '/^#/ {on = ($0 == t)} on' "$md"; }
noop() { section "VIM requests per no-op reconcile cycle" | awk -F' *\\| *' '($2 == 10 || $2 == 100) && NF == 7 && $6 ~ /^[0-9]+$/ && $6 > 0 {n++} END {print n + 0}'; }
check "no-op request counts for N = 10 and 100" [ "$(noop)" = 2 ]
rss() { section "Plan time and peak memory" | awk -F' *\\| *' '($2 == 100 || $2 == 1000) && NF == 7 && $5 > 0 && $6 > 0 {n++} END {print n + 0}'; }
check "plan time and peak RSS for 100 and 1000 instances" [ "$(rss)" = 2 ]
check "failed requests under load are counted" \
	grep -Eq '^\| scale-in of site2 .* \| [0-9]+ \| [0-9]+ \|$' "$md"
check "what could not be measured says why" \
	grep -q '^_Not measured: the comparison with the openstack CLI and the Ansible playbook — run with --no-lab' "$md"

if [ $fail -gt 0 ]; then
	echo "--- the report's own figures:"
	sed -n '/^## nfvsync/,$p' "$md"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
