#!/usr/bin/env bash
# A service whose descriptor says `metadata: {nfvsync.io/sync: suspend}`:
# plan shows its actions marked suspended (and --detailed-exitcode does not
# count them), apply leaves them out and says so, as run and watch do.
# The descriptors register no VIM, so apply has no VIM to reach: what it
# would carry out is "skipped" (no driver), what it leaves out is not tried.
# Usage: suspend.sh NFVSYNC
. "$(dirname "$0")/lib.sh"
cli_init "$@"
cd "$repo"

hello=../shared/corpus/tacker/vnfd/tosca-vnfd-hello-world.yaml
mkdir "$tmp/held" "$tmp/two"
sed 's/^  template_name: sample-tosca-vnfd$/  template_name: held\n  nfvsync.io\/sync: suspend/' $hello >"$tmp/held/held.yaml"
cp "$tmp/held/held.yaml" "$tmp/two/held.yaml"
sed 's/^  template_name: sample-tosca-vnfd$/  template_name: active/' $hello >"$tmp/two/active.yaml"
grep -q "nfvsync.io/sync: suspend" "$tmp/held/held.yaml" || { echo "FAIL fixture: no suspend"; exit 1; }

expect "plan marks the suspended service" 0 " Suspended (nfvsync.io/sync: suspend in its metadata): apply skips this" \
	"$nfvsync" plan --offline "$tmp/held"
expect "plan counts what is suspended" 0 "(4 of these actions are in suspended services: not carried out by apply, run or watch.)" \
	"$nfvsync" plan --offline "$tmp/held"
expect "plan -o json marks the actions" 0 '"suspended": true' "$nfvsync" plan --offline -o json "$tmp/held"
expect "only suspended changes: --detailed-exitcode says none pending" 0 "" \
	"$nfvsync" plan --offline --detailed-exitcode "$tmp/held"
expect "other changes: --detailed-exitcode says pending" 2 "" \
	"$nfvsync" plan --offline --detailed-exitcode "$tmp/two"
lacks "an active service is not marked" "Suspended" "$nfvsync" plan --offline "$tmp/two/active.yaml"

expect "apply says the service is left out" 0 "Service held is suspended (nfvsync.io/sync: suspend in $tmp/held/held.yaml): its 4 actions are left out." \
	"$nfvsync" apply --auto-approve "$tmp/held"
expect "apply of a suspended service only: nothing to do" 0 "Nothing to do: the VIMs match the descriptors outside the suspended services." \
	"$nfvsync" apply --auto-approve "$tmp/held"
expect "apply carries out the others (here: no VIM to do it with)" 1 "create server active-active-VDU1-0 on default ... skipped" \
	"$nfvsync" apply --auto-approve "$tmp/two"
lacks "apply does not try the suspended service's actions" "held-held-VDU1-0 on default" "$nfvsync" apply --auto-approve "$tmp/two"
expect "apply's summary counts what it left out" 1 "Apply: 0 done, 0 failed, 4 skipped, 4 left out (suspended) in" \
	"$nfvsync" apply --auto-approve "$tmp/two"

cli_done
