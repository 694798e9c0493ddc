#!/usr/bin/env bash
# The Kubernetes driver against localvim: starts localvim (ephemeral
# control-plane ports, pods from 10.83.0.0/16 = 127.83.x.y so a hand-run
# localvim or another test cannot take their addresses), exports the API
# server URL from the kubeconfig it wrote and the bearer token (and, from
# its env file, KUBECONFIG and LOCALVIM_ADMIN_URL), runs the test binary
# (test_k8s_localvim, test_k8s_lease), and ends localvim by PID (lib.sh's
# trap).
# Usage: k8s_localvim.sh TEST_BINARY  (LOCALVIM = the localvim binary)
test_bin=${1:?path of test_k8s_localvim}
. "$(dirname "$0")/../localvim/lib.sh"

echo '{"pod_cidr": "10.83.0.0/16"}' >"$lv_tmp/config.json"
lv_start --config "$lv_tmp/config.json"

server=$(awk '$1 == "server:" { print $2; exit }' "$lv_tmp/state/kubeconfig")
[ -n "$server" ] || fail "no server in $lv_tmp/state/kubeconfig"
export LOCALVIM_K8S_URL=$server
export LOCALVIM_K8S_TOKEN=localvim-token

rc=0
"$test_bin" || rc=$?
[ "$rc" -eq 0 ] || fail "$(basename "$test_bin") exited with $rc"
lv_stop
