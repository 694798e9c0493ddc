#!/usr/bin/env bash
# Fails when a C file of ours differs from .clang-format's layout.
# Usage: hack/check-format.sh [--fix]
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.c' '*.h')
[ ${#files[@]} -gt 0 ] || exit 0
if [ "${1:-}" = "--fix" ]; then
	clang-format -i "${files[@]}"
else
	clang-format --dry-run -Werror "${files[@]}"
	echo "format: ${#files[@]} files OK"
fi
