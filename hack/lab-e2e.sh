#!/usr/bin/env bash
# The OpenStack end-to-end test against real OpenStack services: starts
# ../shared/openstack-lab (Keystone, Nova with the fake driver, Neutron,
# Glance, Octavia with noop drivers, all on 127.0.0.1), runs
# tests/e2e/openstack_lab.sh with the built nfvsync, and stops the lab by the
# PIDs it recorded. If the lab itself cannot start, that is said loudly and
# the test is skipped; any nfvsync failure against it fails.
# Usage: hack/lab-e2e.sh [NFVSYNC]
set -u
cd "$(dirname "$0")/.."
nfvsync=${1:-build/controller/nfvsync}
lab=$(cd .. && pwd)/shared/openstack-lab
log=build/openstack-lab-up.log

if [ ! -x "$lab/up.sh" ]; then
	echo "SKIPPED e2e against OpenStack: no lab at $lab"
	exit 0
fi
mkdir -p build
echo "== starting the OpenStack lab (a few minutes on a fresh machine)"
if ! "$lab/up.sh" >"$log" 2>&1; then
	echo "SKIPPED e2e against OpenStack: the lab did not start. Last lines of $log:"
	tail -n 20 "$log" | sed 's/^/    /'
	"$lab/down.sh" >/dev/null 2>&1
	exit 0
fi
echo "== nfvsync against the OpenStack lab"
tests/e2e/openstack_lab.sh "$nfvsync"
rc=$?
"$lab/down.sh" >/dev/null 2>&1
exit $rc
