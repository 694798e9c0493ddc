#!/usr/bin/env bash
# Golden tests: the resolved model (`nfvsync show -o json`) of every corpus
# descriptor and of the examples, and the plan of the reference example, are
# compared with the files checked in under tests/golden/. Every corpus
# descriptor must load without error: that is the corpus test.
# Usage: golden.sh NFVSYNC [--update]
set -u
nfvsync=$(realpath "$1")
update=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
golden="$repo/tests/golden"
corpus="$repo/../shared/corpus/tacker"
pass=0 fail=0

check() { # name, command...
	local name=$1
	shift
	local out rc
	out=$("$@" 2>/tmp/golden.err.$$)
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "FAIL $name: exit $rc"; cat /tmp/golden.err.$$
		fail=$((fail + 1)); return
	fi
	if [ "$update" = "--update" ]; then
		mkdir -p "$(dirname "$golden/$name")"
		printf '%s\n' "$out" >"$golden/$name"
	fi
	if ! diff -u "$golden/$name" <(printf '%s\n' "$out") >/tmp/golden.diff.$$; then
		echo "FAIL $name: differs from tests/golden/$name"
		head -n 40 /tmp/golden.diff.$$
		fail=$((fail + 1)); return
	fi
	pass=$((pass + 1))
}

if [ -d "$corpus" ]; then
	ndesc=0
	while read -r desc params; do
		case "$desc" in ""|\#*) continue ;; esac
		ndesc=$((ndesc + 1))
		(cd "$corpus" && test -f "$desc") || { echo "FAIL corpus file $desc missing"; fail=$((fail + 1)); continue; }
		name="corpus/$(basename "$desc" .yaml).json"
		if [ -n "$params" ]; then
			check "$name" bash -c 'cd "$0" && "$1" show -p "$3" "$2"' "$corpus" "$nfvsync" "$desc" "$params"
		else
			check "$name" bash -c 'cd "$0" && "$1" show "$2"' "$corpus" "$nfvsync" "$desc"
		fi
	done <"$here/corpus.list"
	echo "corpus: $ndesc descriptors"
else
	echo "FAIL corpus not found at $corpus"; fail=$((fail + 1))
fi

for ex in "$repo"/examples/*/; do
	n=$(basename "$ex")
	check "examples/$n.json" bash -c 'cd "$0" && "$1" show "examples/$2"' "$repo" "$nfvsync" "$n"
done
check "examples/symmetric-web.plan.txt" bash -c 'cd "$0" && "$1" plan --offline examples/symmetric-web' "$repo" "$nfvsync"
check "examples/symmetric-web.plan.json" bash -c 'cd "$0" && "$1" plan --offline -o json examples/symmetric-web' "$repo" "$nfvsync"

rm -f /tmp/golden.err.$$ /tmp/golden.diff.$$
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
