#!/usr/bin/env bash
# The main job on a fresh machine: installs what nfvsync needs, builds it,
# validates the reference scenario (examples/symmetric-web: a balancer in
# front of an OpenStack site and a Kubernetes site) and shows the plan that
# would deploy it. Today the plan is computed against empty VIMs; applying it
# to localvim arrives with the VIM drivers.
set -euo pipefail
cd "$(dirname "$0")/.."

./hack/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target nfvsync >/dev/null

nfvsync=build/controller/nfvsync
example=examples/symmetric-web

echo "\$ nfvsync validate $example"
$nfvsync validate "$example"
echo
echo "\$ nfvsync plan --offline $example"
$nfvsync plan --offline "$example"
