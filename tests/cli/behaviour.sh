#!/usr/bin/env bash
# The command line as a user meets it: exit codes (Terraform's
# -detailed-exitcode convention), help on every verb, refusal of empty
# sources, --out, parameter files, VIM placement errors in a repository.
# Usage: behaviour.sh NFVSYNC
. "$(dirname "$0")/lib.sh"
cli_init "$@"
cd "$repo"

ex=examples/symmetric-web
expect "validate example" 0 "configuration OK: 3 descriptor files, 1 service, 2 VNFs, 2 VIMs" "$nfvsync" validate --strict $ex
expect "plan example" 0 "Plan: 26 to create, 0 to update" "$nfvsync" plan --offline $ex
expect "plan --detailed-exitcode with changes" 2 "" "$nfvsync" plan --offline --detailed-exitcode $ex
expect "plan -o json" 0 '"format_version": 1' "$nfvsync" plan --offline -o json $ex
expect "plan --out needs the VIMs read" 1 "an --offline plan cannot be" "$nfvsync" plan --offline --out "$tmp/plan.txt" $ex
echo '{"format_version": 1}' >"$tmp/not-a-plan"
expect "apply of a JSON file that is no plan" 1 "not-a-plan: not an nfvsync plan file" "$nfvsync" apply "$tmp/not-a-plan"
printf '{"nfvsync_plan_file": 1, "inputs"' >"$tmp/cut.plan"
expect "apply of a damaged plan file" 1 "cut.plan: not a plan file: damaged JSON" "$nfvsync" apply "$tmp/cut.plan"
expect "plan lists unsupported features" 0 "? VNFFG forwarding paths: Forwarding_path1" "$nfvsync" plan --offline ../shared/corpus/tacker/vnffgd/tosca-vnffgd-sample.yaml
expect "plan of a VNFFG has no changes" 0 "" "$nfvsync" plan --offline --detailed-exitcode ../shared/corpus/tacker/vnffgd/tosca-vnffgd-sample.yaml
expect "show -o json" 0 '"name": "site2-web"' "$nfvsync" show -o json $ex
expect "bad output format" 1 "unknown output format 'yaml'" "$nfvsync" plan --offline -o yaml $ex
expect "no path" 1 "give the descriptor files or directories" "$nfvsync" validate
expect "missing path" 1 "no/such/dir: error: cannot read: No such file or directory" "$nfvsync" validate no/such/dir
expect "unknown command" 1 "unknown command 'aply'" "$nfvsync" aply
expect "unknown option" 1 "unknown option '--frobnicate'" "$nfvsync" plan --offline --frobnicate $ex
expect "option of another verb" 1 "does not apply here" "$nfvsync" validate --detailed-exitcode $ex
for verb in validate show plan; do
	expect "$verb --help" 0 "usage: nfvsync $verb" "$nfvsync" $verb --help
done
expect "top-level help" 0 "Commands:" "$nfvsync" --help
expect "apply --help" 0 "usage: nfvsync apply" "$nfvsync" apply --help
expect "plan without --offline reads the VIMs, and says why it cannot" 1 "SITE1_PASSWORD (password_env), which is not set" env -u SITE1_PASSWORD "$nfvsync" plan $ex
expect "a Kubernetes VIM's token is named too, never shown" 1 "the bearer token comes from the environment variable SITE2_TOKEN (bearer_token_env), which is not set" env -u SITE2_TOKEN "$nfvsync" plan $ex
expect "nothing is planned blind" 1 "could not read the VIMs; nothing was planned" env -u SITE1_PASSWORD "$nfvsync" plan $ex
expect "version" 0 "nfvsync " "$nfvsync" version
expect "apply --parallelism 0 is refused" 1 "--parallelism takes a number from 1 to 1000, not '0'" "$nfvsync" apply --parallelism 0 $ex
expect "watch --parallelism x is refused" 1 "nfvsync watch: --parallelism takes a number from 1 to 1000, not 'x'" "$nfvsync" watch --parallelism x $ex
expect "run --help names --parallelism" 0 "--parallelism N" "$nfvsync" run --help

cp -r $ex "$tmp/unreachable"
sed -i "s|auth_url: .*|auth_url: 'http://127.0.0.1:1/v3'|" "$tmp/unreachable/vims/site1.yaml"
sed -i "s|auth_url: .*|auth_url: 'http://127.0.0.1:1'|" "$tmp/unreachable/vims/site2.yaml"
expect "an unreachable VIM is an error with the failing call" 1 "POST http://127.0.0.1:1/v3/auth/tokens -> connection failed" env SITE1_PASSWORD=x SITE2_TOKEN=x "$nfvsync" plan "$tmp/unreachable"
mkdir "$tmp/empty"
expect "empty directory is refused" 1 'never reads an empty source as "delete everything"' "$nfvsync" plan --offline "$tmp/empty"
echo "name: not a descriptor" >"$tmp/empty/notes.yaml"
expect "directory of non-descriptors is refused" 1 "no TOSCA descriptor found" "$nfvsync" plan --offline "$tmp/empty"

corpus=../shared/corpus/tacker
expect "parameter file (plain map wrapped in nsd:)" 0 "configuration OK: 3 descriptor files" "$nfvsync" validate -p $corpus/nsd/ns_param.yaml $corpus/nsd/sample-tosca-nsd.yaml
expect "parameter file (flow map, trailing comma)" 0 "configuration OK" "$nfvsync" validate -p $corpus/vnfd/tosca-vnfd-instance-reservation-param-values.yaml $corpus/vnfd/tosca-vnfd-instance-reservation.yaml
expect "parameter file (flat map)" 0 "configuration OK" "$nfvsync" validate -p $corpus/vnffgd/vnffg-param-file.yaml $corpus/vnffgd/tosca-vnffgd-param-sample.yaml
expect "inputs without parameters fail" 1 "input 'image_name' has no value" "$nfvsync" validate $corpus/vnfd/tosca-vnfd-with-params.yaml
expect "duplicate key in the corpus is a warning" 0 "warning: duplicate mapping key 'mgmt_driver'" "$nfvsync" validate $corpus/vnfd/tosca-vnfd-monitoring-vdu-autoheal.yaml
expect "and an error under --strict" 1 "error: duplicate mapping key 'mgmt_driver'" "$nfvsync" validate --strict $corpus/vnfd/tosca-vnfd-monitoring-vdu-autoheal.yaml

expect "a duplicate key under --strict names no value as used" 0 "" \
	sh -c "! '$nfvsync' validate --strict tests/cli/bad/duplicate-key-strict.yaml 2>&1 | grep -F 'value is used'"

# One-word typos must not change what is deployed: errors, not warnings.
cp -r $ex "$tmp/typo1"
sed -i '1s/tosca_definitions_version/tosca_definition_version/' "$tmp/typo1/vnfd/site1-web.yaml"
expect "a misspelt version key in a directory is an error, not a skipped file" 1 \
	"vnfd/site1-web.yaml:1:1: error: unknown key 'tosca_definition_version' in the descriptor (did you mean 'tosca_definitions_version'?)" \
	"$nfvsync" validate --strict "$tmp/typo1"
cp -r $ex "$tmp/typo2"
sed -i 's/^topology_template:/topology_templat:/' "$tmp/typo2/nsd/symmetric-web.yaml"
expect "a misspelt topology_template is an error, not an empty plan" 1 \
	"nsd/symmetric-web.yaml:17:1: error: unknown key 'topology_templat' in the descriptor (did you mean 'topology_template'?)" \
	"$nfvsync" plan --offline "$tmp/typo2"
cp -r $ex "$tmp/typo3"
sed -i '46s/requirements:/requirments:/' "$tmp/typo3/vnfd/site1-web.yaml"
expect "a misspelt requirements of a CP is an error" 1 \
	"vnfd/site1-web.yaml:46:7: error: unknown key 'requirments' in node template 'CP1' (did you mean 'requirements'?)" \
	"$nfvsync" validate "$tmp/typo3"

# Imports stay inside the directory given.
cp -r $ex "$tmp/outside"
echo "tosca_definitions_version: tosca_simple_yaml_1_2" >"$tmp/secret.yaml"
sed -i 's|  - ../vnfd/site2-web.yaml|  - ../vnfd/site2-web.yaml\n  - ../../secret.yaml|' "$tmp/outside/nsd/symmetric-web.yaml"
expect "an import that leaves the directory is an error" 1 \
	"nsd/symmetric-web.yaml:16:5: error: import '../../secret.yaml' is outside the descriptor directory $tmp/outside/" \
	"$nfvsync" validate "$tmp/outside"
cp -r $ex "$tmp/link"
ln -s "$tmp/secret.yaml" "$tmp/link/vnfd/shared.yaml"
expect "a descriptor that links out of the directory is not read" 1 \
	"vnfd/shared.yaml: error: a symbolic link out of the descriptor directory $tmp/link/; not read" \
	"$nfvsync" validate "$tmp/link"
expect "an NSD named alone in a Git work tree imports from its siblings" 0 "" \
	sh -c "cd $ex/nsd && ! '$nfvsync' validate symmetric-web.yaml 2>&1 | grep -F 'outside the descriptor directory'"

# Parameters that no descriptor takes.
echo "{image_name: a, image_source: b, flavor: c, flavr: d, zone: e, network: f, management: 'true', pkt_in_network: g, pkt_out_network: h, vendor: i}" >"$tmp/params2.yaml"
expect "an unused parameter is a warning with a hint" 0 \
	"params2.yaml:1:45: warning: parameter 'flavr' is not an input of any descriptor read (did you mean 'flavor'?)" \
	"$nfvsync" validate -p "$tmp/params2.yaml" ../shared/corpus/tacker/vnfd/tosca-vnfd-with-params.yaml
expect "and an error under --strict" 1 "params2.yaml:1:45: error: parameter 'flavr'" \
	"$nfvsync" validate --strict -p "$tmp/params2.yaml" ../shared/corpus/tacker/vnfd/tosca-vnfd-with-params.yaml

# A CPU target on a VM VDU's scaling policy does nothing: say so.
sed '65a\          target_cpu_utilization_percentage: 50' ../shared/corpus/tacker/vnfd/tosca-vnfd-scale.yaml >"$tmp/cpu.yaml"
expect "a CPU target on a VM VDU is a warning at it" 0 \
	"cpu.yaml:66:11: warning: policy 'SP1': target_cpu_utilization_percentage has no effect on VM VDU 'VDU1'" \
	"$nfvsync" validate "$tmp/cpu.yaml"

# A repository whose placement names a VIM that is not registered.
cp -r $ex "$tmp/repo"
sed -i 's/vim: site2/vim: site3/' "$tmp/repo/nsd/symmetric-web.yaml"
expect "unknown VIM" 1 "site2-web: no VIM named 'site3' is registered (vims/: site1, site2)" "$nfvsync" validate "$tmp/repo"
sed -i 's/vim: site3/vim: site1/' "$tmp/repo/nsd/symmetric-web.yaml"
expect "container VDU on OpenStack" 1 "site2-web/VDU1: a containerised VDU cannot run on openstack VIM 'site1'" "$nfvsync" validate "$tmp/repo"
cp -r $ex "$tmp/repo2"
sed -i 's/instance: 1/instance: 3/' "$tmp/repo2/nsd/symmetric-web.yaml"
expect "route to an instance that cannot exist" 1 "instance 3 of site2-web/VDU1 can never exist (max_instances 3)" "$nfvsync" validate "$tmp/repo2"
cp -r $ex "$tmp/repo3"
sed -i 's/default_instances: 2/default_instances: 3/' "$tmp/repo3/vnfd/site2-web.yaml"
expect "scale-up in Git shows 5 members" 0 "replicas           3" "$nfvsync" plan --offline "$tmp/repo3"
n=$("$nfvsync" plan --offline -o json "$tmp/repo3" | grep -c '"name": "symmetric-web-web-lb-pool-')
if [ "$n" -eq 5 ]; then pass=$((pass + 1)); else echo "FAIL scale-up: $n members, want 5"; fail=$((fail + 1)); fi

cli_done
