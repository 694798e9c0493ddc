#!/usr/bin/env bash
# Benchmark: what reading descriptors from Git costs the command line, on a
# local repository (file://) holding the reference scenario plus N filler
# descriptor files and a history of C commits. Prints, per size, the wall
# time of `nfvsync validate` on the plain directory (the baseline) and with
# --source: cold (empty cache: clone and snapshot), warm (same commit: a
# fetch that moves nothing and the snapshot reused), and after one new
# commit (fetch of one commit and a new snapshot). Asserts nothing.
# Usage: hack/bench/git-source.sh [N...]   (default: 0 100 1000)
set -u
cd "$(dirname "$0")/../.."
sizes=${*:-0 100 1000}
commits=${COMMITS:-50}
nfvsync=$(realpath "${NFVSYNC:-build/controller/nfvsync}")
[ -x "$nfvsync" ] || { echo "build first: cmake -S . -B build && cmake --build build" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export GIT_CONFIG_NOSYSTEM=1 HOME=$tmp
g() { git -C "$repo" -c user.name=b -c user.email=b@example.org "$@"; }
ms() { # runs the command 5 times, prints the median wall time in ms
	local t=() i s e
	for i in 1 2 3 4 5; do
		[ -n "${before:-}" ] && eval "$before"
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; return 1; }
		e=$(date +%s%N)
		t+=($(((e - s) / 1000000)))
	done
	printf '%s\n' "${t[@]}" | sort -n | sed -n 3p
}

printf '%7s %8s %14s %12s %12s %14s\n' files commits "directory ms" "cold ms" "warm ms" "new commit ms"
for n in $sizes; do
	repo=$tmp/repo-$n
	cp -r examples/symmetric-web "$repo"
	mkdir -p "$repo/extra"
	for i in $(seq 1 "$n"); do
		printf 'x%d: {}\n' "$i" >"$repo/extra/filler-$i.txt"
	done
	git init -q -b main "$repo" && g add -A && g commit -q -m start
	for i in $(seq 2 "$commits"); do
		echo "# $i" >>"$repo/nsd/symmetric-web.yaml"
		g commit -q -am "edit $i"
	done
	export XDG_CACHE_HOME=$tmp/cache-$n
	before=""
	dir=$(ms "$nfvsync" validate "$repo")
	before="rm -rf '$XDG_CACHE_HOME'"
	cold=$(ms "$nfvsync" validate --source "file://$repo")
	before=""
	"$nfvsync" validate --source "file://$repo" >/dev/null 2>&1
	warm=$(ms "$nfvsync" validate --source "file://$repo")
	before="echo '# more' >>'$repo/nsd/symmetric-web.yaml'; g commit -q -am more"
	new=$(ms "$nfvsync" validate --source "file://$repo")
	before=""
	printf '%7s %8s %14s %12s %12s %14s\n' "$((n + 5))" "$commits" "$dir" "$cold" "$warm" "$new"
done
