#!/usr/bin/env bash
# apply's output on localvim: not a terminal, quiet and line-oriented (one
# line per action, no escape sequence, no carriage return); on a terminal
# (script -qc gives it one), a status line redrawn in place that says what
# runs and what waits, erased before each action's line and at the end.
# Usage: localvim_progress.sh NFVSYNC LOCALVIM
set -u
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR/../..
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
lv_start
write_site1_repo "$tmp/r" pg

"$nfvsync" apply --auto-approve "$tmp/r" >"$tmp/pipe.txt" 2>&1
check "not a terminal: apply succeeds" grep -q "^Apply: 10 done, 0 failed" "$tmp/pipe.txt"
check "not a terminal: no escape sequence or carriage return" bash -c \
	"! grep -q \$'[\\r\\033]' '$tmp/pipe.txt'"
check "not a terminal: one line per action" bash -c \
	"[ \$(grep -cE '^(create|update|replace|respawn|failover|delete) [a-z0-9]+ [^ ]+ on site1 \.\.\. (done|failed|skipped)' '$tmp/pipe.txt') = 10 ]"

# Tear down (teardown is another apply), then apply again on a terminal.
mkdir -p "$tmp/none/nsd"
cp -r "$tmp/r/vims" "$tmp/none/"
cat >"$tmp/none/nsd/ns.yaml" <<'YAML'
tosca_definitions_version: tosca_simple_profile_for_nfv_1_0_0
metadata: {template_name: pg}
topology_template:
  node_templates:
    net0:
      type: tosca.nodes.nfv.VL
      properties: {network_name: net0, vendor: nfvsync}
YAML
"$nfvsync" apply --auto-approve --allow-mass-delete "$tmp/none" >/dev/null 2>&1
check "torn down" [ "$(plan_rc "$tmp/r")" = 2 ]
script -qec "'$nfvsync' apply --auto-approve '$tmp/r'" /dev/null >"$tmp/tty.txt" 2>&1
check "on a terminal: apply succeeds" grep -q "Apply: 10 done, 0 failed" "$tmp/tty.txt"
check "on a terminal: the status line is redrawn in place" grep -q $'\r\033\\[K\\[[0-9]*/10, [0-9]* s\\] running:' "$tmp/tty.txt"
check "on a terminal: it says what waits" grep -qE 'waiting: [0-9]+ (server|member|loadbalancer)' "$tmp/tty.txt"
check "on a terminal: every action still gets its line" bash -c \
	"[ \$(tr '\\r' '\\n' <'$tmp/tty.txt' | grep -cE 'create [a-z0-9]+ [^ ]+ on site1 \.\.\. done') = 10 ]"
check "converged" [ "$(plan_rc "$tmp/r")" = 0 ]

finish
