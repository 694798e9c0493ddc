#!/usr/bin/env bash
# Option parsing as users type it: options before or after the PATHs on
# every verb, "--" ending the options, a missing option argument, an option
# of another verb named by its flag, --server refused unless an http(s)
# URL (before any lookup), and the --help of every verb saying what the
# verb takes. No VIM and no controller is contacted.
# Usage: options.sh NFVSYNC
. "$(dirname "$0")/lib.sh"
cli_init "$@"
cd "$repo"

ex=examples/symmetric-web
corpus=../shared/corpus/tacker

# Options after the PATHs, on every verb that takes PATHs.
expect "plan PATH --offline" 0 "Plan: 26 to create" "$nfvsync" plan $ex --offline
expect "plan PATH -o json --offline" 0 '"format_version": 1' "$nfvsync" plan $ex -o json --offline
expect "plan PATH --detailed-exitcode" 2 "" "$nfvsync" plan $ex --offline --detailed-exitcode
expect "validate PATH -p FILE" 0 "configuration OK: 1 descriptor file" \
	"$nfvsync" validate $corpus/vnfd/tosca-vnfd-with-params.yaml -p $corpus/vnfd/tosca-vnfd-param-values.yaml
expect "validate PATH --strict" 1 "error: duplicate mapping key 'mgmt_driver'" \
	"$nfvsync" validate $corpus/vnfd/tosca-vnfd-monitoring-vdu-autoheal.yaml --strict
expect "options between PATHs" 0 "configuration OK: 2 descriptor files, 2 services" \
	"$nfvsync" validate $corpus/vnfd/tosca-vnfd-with-params.yaml --strict -p $corpus/vnfd/tosca-vnfd-param-values.yaml $corpus/vnfd/tosca-vnfd-userdata.yaml
expect "show PATH -o json" 0 '"name": "site2-web"' "$nfvsync" show $ex -o json
expect "apply PATH --parallelism 0 is read as an option" 1 "--parallelism takes a number from 1 to 1000, not '0'" \
	"$nfvsync" apply $ex --parallelism 0
expect "apply PATH --auto-approve reads the VIMs" 1 "SITE1_PASSWORD (password_env), which is not set" \
	env -u SITE1_PASSWORD "$nfvsync" apply $ex --auto-approve
expect "watch DIR --interval is read as an option" 1 "nfvsync watch: --interval: 'x' is not a number" \
	"$nfvsync" watch $ex --interval x
expect "watch DIR --once --listen bad" 1 "listen address '1.2.3.4:1': 1.2.3.4 is not a loopback address" \
	"$nfvsync" watch $ex --once --listen 1.2.3.4:1
expect "run --source URL --interval is read as an option" 1 "nfvsync run: --interval: 'x' is not a number" \
	"$nfvsync" run --source "file://$tmp/none" --interval x
expect "status -o json after nothing" 1 "unexpected argument 'x'" "$nfvsync" status x -o json

# "--" ends the options: what follows is a PATH, even with a leading '-'.
cp -r $ex "$tmp/--offline"
expect "-- then a PATH named like an option" 0 "configuration OK: 3 descriptor files" \
	bash -c 'cd "$0" && "$1" validate -- --offline' "$tmp" "$nfvsync"
expect "options before --, PATH after" 0 "Plan: 26 to create" \
	bash -c 'cd "$0" && "$1" plan --offline -- --offline' "$tmp" "$nfvsync"
expect "watch -- DIR" 1 "nfvsync watch: --interval: 'x' is not a number" \
	"$nfvsync" watch --interval x -- "$tmp/--offline"

# A missing argument is said as such, on every verb.
expect "plan --out without FILE" 1 "nfvsync plan: option '--out' needs an argument" "$nfvsync" plan --offline --out
expect "plan -o without FORMAT" 1 "nfvsync plan: option '-o' needs an argument" "$nfvsync" plan --offline -o
expect "validate -p without FILE" 1 "nfvsync validate: option '-p' needs an argument" "$nfvsync" validate $ex -p
expect "apply --parallelism without N" 1 "nfvsync apply: option '--parallelism' needs an argument" "$nfvsync" apply $ex --parallelism
expect "run --source without URL" 1 "nfvsync run: option '--source' needs an argument" "$nfvsync" run --source
expect "watch --interval without SECONDS" 1 "nfvsync watch: option '--interval' needs an argument" "$nfvsync" watch $ex --interval
expect "status --server without URL" 1 "nfvsync status: option '--server' needs an argument" "$nfvsync" status --server
expect "a flag given a value" 1 "nfvsync plan: option '--offline' takes no argument" "$nfvsync" plan --offline=yes $ex
expect "unknown short option" 1 "nfvsync validate: unknown option '-x'" "$nfvsync" validate -x $ex
expect "unknown option after the PATH" 1 "nfvsync plan: unknown option '--frobnicate'" "$nfvsync" plan $ex --frobnicate

# An option of another verb is named by its flag, not its value.
expect "validate -o json" 1 "nfvsync validate: option '-o' does not apply here" "$nfvsync" validate -o json $ex
expect "plan --parallelism 3" 1 "nfvsync plan: option '--parallelism' does not apply here" "$nfvsync" plan --parallelism 3 $ex
expect "validate --kubeconfig x" 1 "nfvsync validate: option '--kubeconfig' does not apply here" "$nfvsync" validate --kubeconfig x $ex
expect "validate --context x" 1 "nfvsync validate: option '--context' does not apply here" "$nfvsync" validate $ex --context x
expect "watch --source" 1 "nfvsync watch: option '--source' is run's" "$nfvsync" watch --source x $ex

# status --server: an http(s) URL, refused otherwise before any lookup.
expect "status --server foo" 1 "nfvsync status: --server takes the controller's http:// or https:// URL, such as http://127.0.0.1:9180 (its --listen address), not 'foo'" \
	"$nfvsync" status --server foo
lacks "status --server foo asks no DNS" "resolve" "$nfvsync" status --server foo
expect "status --server ADDR:PORT" 1 "not '127.0.0.1:9180'" "$nfvsync" status --server 127.0.0.1:9180
expect "status --server ftp://" 1 "not 'ftp://127.0.0.1/'" "$nfvsync" status --server ftp://127.0.0.1/
expect "status --server http:// without a host" 1 "not 'http://:9180'" "$nfvsync" status --server http://:9180
expect "status --server http URL is asked" 1 "GET http://127.0.0.1:1/status -> connection failed" \
	"$nfvsync" status --server http://127.0.0.1:1

# Help: every verb's --help is its usage, on stdout, exit 0.
for verb in validate show plan apply run watch status version; do
	expect "$verb --help" 0 "usage: nfvsync $verb" "$nfvsync" $verb --help
done
expect "version --help is help, not the version" 0 "Prints nfvsync's version." "$nfvsync" version --help
expect "version with an argument" 1 "nfvsync version: unexpected argument 'x'" "$nfvsync" version x
expect "apply's usage line has --force-conflicts" 0 "[--allow-mass-delete] [--force-conflicts]" "$nfvsync" apply --help
expect "apply's usage line has --parallelism" 0 "usage: nfvsync apply [--auto-approve] [--parallelism N]" "$nfvsync" apply --help
for verb in validate show plan apply; do
	expect "$verb --help describes --strict fully" 0 "keys and secrets written in VIM files are" "$nfvsync" $verb --help
	expect "$verb --help describes -p" 0 "-p, --param-file FILE" "$nfvsync" $verb --help
done
expect "show --help describes -o" 0 "-o, --output FORMAT    json, the only format" "$nfvsync" show --help
expect "show -o text is refused, not JSON" 1 "nfvsync show: the model is printed as JSON only (-o json), not as 'text'" \
	"$nfvsync" show -o text $ex
expect "show -o yaml the same way" 1 "not as 'yaml'" "$nfvsync" show -o yaml $ex

# What an error says it did not do: validate and show read no VIM.
cp -r $ex "$tmp/broken"
sed -i 's/mem_size: 512 MB/mem_size: lots/' "$tmp/broken/vnfd/site2-web.yaml"
expect "validate error count" 1 "1 error." "$nfvsync" validate "$tmp/broken"
lacks "validate does not speak of VIMs" "VIM" "$nfvsync" validate "$tmp/broken"
lacks "show does not speak of VIMs" "VIM" "$nfvsync" show "$tmp/broken"
expect "plan: nothing was planned" 1 "1 error; nothing was planned." "$nfvsync" plan --offline "$tmp/broken"
expect "apply: nothing was changed" 1 "1 error; nothing was changed on any VIM." "$nfvsync" apply --auto-approve "$tmp/broken"

cli_done
