# Shared start of the command-line tests (sourced, not run): the binary
# under test, the repository's root, a temporary directory removed on exit,
# and the checks with their tally. Mirrors tests/e2e/lib.sh for tests that
# run nfvsync alone (no VIM, or a VIM that the test script makes itself).
# shellcheck shell=bash

# cli_init NFVSYNC: $nfvsync, $repo and a fresh $tmp; counts from zero.
cli_init() {
	set -u
	nfvsync=$(realpath "$1")
	repo=$(cd "$(dirname "$0")/../.." && pwd)
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	pass=0 fail=0
}

# expect DESCRIPTION EXIT FRAGMENT COMMAND...: the command exits EXIT and
# its output (stdout and stderr) holds FRAGMENT ("": anything).
expect() {
	local what=$1 want_rc=$2 want_out=$3
	shift 3
	local out rc
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -ne "$want_rc" ]; then
		echo "FAIL $what: exit $rc, want $want_rc"
		echo "$out" | head -20
		fail=$((fail + 1))
		return
	fi
	if [ -n "$want_out" ] && ! grep -qF -- "$want_out" <<<"$out"; then
		echo "FAIL $what: output lacks '$want_out'"
		echo "$out" | head -20
		fail=$((fail + 1))
		return
	fi
	pass=$((pass + 1))
}

# lacks DESCRIPTION FRAGMENT COMMAND...: the command's output does not hold
# FRAGMENT.
lacks() {
	local what=$1 bad=$2
	shift 2
	if "$@" 2>&1 | grep -qF -- "$bad"; then
		echo "FAIL $what: output has '$bad'"
		fail=$((fail + 1))
		return
	fi
	pass=$((pass + 1))
}

# cli_done: the tally; fails the test when a check failed.
cli_done() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
