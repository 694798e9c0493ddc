#!/usr/bin/env bash
# Data-driven checks of bad descriptors (curl's tests/data idea): each
# tests/cli/bad/*.yaml starts with a line
#   # expect: <text>          nfvsync validate must exit 1 and print <text>
#   # expect-strict: <text>   the same under --strict; without --strict the
#                             file must pass with a warning
#   # expect-skip: <why>      not a case of its own
# Usage: bad_inputs.sh NFVSYNC
set -u
nfvsync=$(realpath "$1")
cd "$(dirname "$0")/bad"
pass=0 fail=0
for f in *.yaml; do
	first=$(head -n1 "$f")
	case "$first" in
	"# expect: "*) strict=""; want=${first#"# expect: "} ;;
	"# expect-strict: "*) strict="--strict"; want=${first#"# expect-strict: "} ;;
	"# expect-skip: "*) continue ;;
	*) echo "FAIL $f: no '# expect:' line"; fail=$((fail + 1)); continue ;;
	esac
	out=$("$nfvsync" validate $strict "$f" 2>&1)
	rc=$?
	if [ $rc -ne 1 ]; then
		echo "FAIL $f: exit $rc, want 1"; echo "$out"; fail=$((fail + 1)); continue
	fi
	if ! grep -qF -- "$want" <<<"$out"; then
		echo "FAIL $f: output lacks: $want"; echo "$out"; fail=$((fail + 1)); continue
	fi
	if grep -q "configuration OK" <<<"$out"; then
		echo "FAIL $f: said configuration OK"; fail=$((fail + 1)); continue
	fi
	if [ -n "$strict" ]; then
		out=$("$nfvsync" validate "$f" 2>&1)
		rc=$?
		if [ $rc -ne 0 ] || ! grep -q "warning: " <<<"$out"; then
			echo "FAIL $f: without --strict want exit 0 and a warning, got $rc"
			echo "$out"; fail=$((fail + 1)); continue
		fi
	fi
	pass=$((pass + 1))
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
