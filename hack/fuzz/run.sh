#!/usr/bin/env bash
# Builds the loader's libFuzzer target in build-fuzz/ (clang, every nfvsync
# library instrumented with -fsanitize=fuzzer-no-link,address,undefined),
# seeds a corpus from the Tacker corpus, schemas/types/ and examples/, and
# fuzzes for SECONDS (default 60). Exits non-zero on a crash, leak, hang,
# out-of-memory or UB report; the reproducer lands in build-fuzz/fuzz/.
# Usage: hack/fuzz/run.sh [SECONDS] [extra libFuzzer flags...]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
secs=${1:-60}
shift || true
build=$repo/build-fuzz
work=$build/fuzz
tacker=$here/../../../shared/corpus/tacker

flags="-fsanitize=fuzzer-no-link,address,undefined"
flags+=" -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
# Warnings are the plain build's job; a clang-only warning in code being
# edited must not stop the fuzzer.
CC=clang cmake -S "$repo" -B "$build" -DNFVSYNC_FUZZ=ON \
	-DNFVSYNC_SANITIZE=OFF -DNFVSYNC_WERROR=OFF \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS="$flags" >/dev/null
cmake --build "$build" -j"$(nproc)" --target fuzz_loader >/dev/null

mkdir -p "$work/corpus" "$work/artifacts"
seed() {
	local f
	for f in "$@"; do
		# Content-named, so re-seeding adds nothing twice.
		cp "$f" "$work/corpus/seed-$(sha1sum "$f" | cut -c1-16)"
	done
}
if [ -d "$tacker" ]; then
	mapfile -t seeds < <(find "$tacker" -type f \( -name '*.yaml' -o -name '*.yml' \))
	seed "${seeds[@]}"
else
	echo "fuzz: $tacker not found; seeding from this repository only" >&2
fi
# Multi-part seeds: a root descriptor, then "---" and each import.
multi() {
	local out=$1 f sep=""
	shift
	for f in "$@"; do
		[ -f "$f" ] || return 0
	done
	for f in "$@"; do
		printf '%s' "$sep"
		cat "$f"
		sep=$'\n---\n'
	done >"$work/corpus/$out"
}
multi multi-tacker-nsd "$tacker/nsd/sample-tosca-nsd.yaml" \
	"$tacker/nsd/sample-tosca-vnfd1.yaml" "$tacker/nsd/sample-tosca-vnfd2.yaml"
multi multi-symmetric-web "$repo/examples/symmetric-web/nsd/symmetric-web.yaml" \
	"$repo/examples/symmetric-web/vnfd/site1-web.yaml" \
	"$repo/examples/symmetric-web/vnfd/site2-web.yaml"
mapfile -t seeds < <(find "$repo/schemas/types" "$repo/examples" -type f \
	\( -name '*.yaml' -o -name '*.yml' \))
[ ${#seeds[@]} -eq 0 ] || seed "${seeds[@]}"

echo "fuzz: fuzz_loader for ${secs}s, corpus $work/corpus" >&2
cd "$work"
set +e
"$build/hack/fuzz/fuzz_loader" \
	-max_total_time="$secs" -rss_limit_mb=2048 -max_len=65536 \
	-timeout=25 -dict="$here/tosca.dict" -print_final_stats=1 \
	-artifact_prefix="$work/artifacts/" "$@" "$work/corpus" \
	2>&1 | tee "$work/last-run.log"
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" -ne 0 ]; then
	echo "fuzz: FAILED (exit $rc); reproducer(s):" >&2
	ls -1 "$work/artifacts" >&2 || true
	echo "replay: $build/hack/fuzz/fuzz_loader <file>" >&2
fi
exit "$rc"
