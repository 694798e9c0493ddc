#!/usr/bin/env bash
# Benchmark: webhook push -> first mutating VIM request, through `nfvsync
# run` on a local Git repository; watch-latency.sh --webhook (see there).
# Usage: hack/bench/webhook-latency.sh [--runs N] [--csv FILE]
exec "$(dirname "$0")/watch-latency.sh" --webhook "$@"
