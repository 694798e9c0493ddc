#!/usr/bin/env bash
# Runs every test of nfvsync on this machine: installs dependencies, builds
# plain and with AddressSanitizer + UBSan, runs the whole ctest suite in both
# builds, checks formatting, gives the loader's fuzz target a short run, and
# runs the OpenStack end-to-end test against real OpenStack services
# (../shared/openstack-lab).
# Usage: hack/test.sh [ctest args…]   (e.g. hack/test.sh -R yaml)
set -euo pipefail
cd "$(dirname "$0")/.."

./hack/setup.sh

jobs=$(nproc)

echo "== plain build"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs" "$@"

echo "== AddressSanitizer + UBSan build"
cmake -S . -B build-san -DCMAKE_BUILD_TYPE=Debug -DNFVSYNC_SANITIZE=ON >/dev/null
cmake --build build-san -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ctest --test-dir build-san --output-on-failure -j"$jobs" "$@"

if [ $# -eq 0 ]; then
	./hack/check-format.sh
	./hack/fuzz/run.sh 30
	./hack/lab-e2e.sh build/controller/nfvsync
fi
