#!/usr/bin/env bash
# The examples under hack/examples do what they say, with the real binaries:
# the systemd unit passes `systemd-analyze verify` and names only options
# `nfvsync run --help` lists; the CI workflow's steps, run the way GitHub
# runs them (bash -eo pipefail, $GITHUB_STEP_SUMMARY), against localvim:
# a pull request with changes plans (exit 2) and passes with the plan in the
# summary, a broken descriptor fails it, the main-branch job applies and
# finds itself converged, and the next pull request plans "No changes.".
# Usage: hack_examples.sh NFVSYNC LOCALVIM
set -u
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR/../..
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
unit=$repo/hack/examples/nfvsync.service
workflow=$repo/hack/examples/ci.yml

# --- the systemd unit -----------------------------------------------------

# The ExecStart command line, continuation lines joined.
exec_start=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$unit" | sed 's/\\$//' | tr -d '\t\n' |
	sed 's/^ExecStart=//')
check "the unit runs 'nfvsync run' with a source and --ref main" \
	bash -c "[[ '$exec_start' == */nfvsync\ run\ *--source\ *--ref\ main* ]]"

if command -v systemd-analyze >/dev/null; then
	sed "s|^ExecStart=/usr/local/bin/nfvsync|ExecStart=$nfvsync|" "$unit" >"$tmp/nfvsync.service"
	systemd-analyze verify "$tmp/nfvsync.service" >"$tmp/verify.txt" 2>&1
	rc=$?
	cat "$tmp/verify.txt"
	check "systemd-analyze verify: no error, no warning" \
		bash -c "[ $rc = 0 ] && [ ! -s '$tmp/verify.txt' ]"
else
	echo "note: no systemd-analyze here (hack/setup.sh installs it)"
	bad "systemd-analyze is missing"
fi

for key in ProtectSystem=strict DynamicUser=yes CacheDirectory=nfvsync \
	Restart=on-failure EnvironmentFile=/etc/nfvsync/env NoNewPrivileges=yes; do
	check "the unit sets $key" grep -qx "$key" "$unit"
done

# options_known VERB OPTION...: each OPTION appears in `nfvsync VERB --help`.
options_known() {
	local verb=$1 help opt
	shift
	help=$("$nfvsync" "$verb" --help 2>&1) || return 1
	for opt in "$@"; do
		grep -q -- "$opt\b" <<<"$help" || { echo "  $verb has no $opt"; return 1; }
	done
}
run_opts=$(grep -o -- ' --[a-z-]*' <<<"$exec_start" | tr -d ' ' | tr '\n' ' ')
if "$nfvsync" run --help >/dev/null 2>&1; then
	# shellcheck disable=SC2086
	check "every option of the unit's command is one 'nfvsync run' has" \
		options_known run $run_opts
else
	echo "note: this nfvsync has no 'run' command yet; not checking $run_opts"
fi

# --- the CI workflow ------------------------------------------------------

# step JOB NAME: the shell of that step of the workflow, on stdout.
step() {
	python3 - "$workflow" "$1" "$2" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
for s in doc["jobs"][sys.argv[2]]["steps"]:
    if s.get("name") == sys.argv[3]:
        print(s["run"])
        break
else:
    sys.exit("no step %r in job %r" % (sys.argv[3], sys.argv[2]))
PY
}

# run_step JOB NAME: runs it in the checkout ($tmp/r) as GitHub would, with
# nfvsync on the PATH; its exit status, output in $tmp/step.out.
run_step() {
	local script
	script=$(step "$1" "$2") || return 99
	(cd "$tmp/r" && PATH="$(dirname "$nfvsync"):$PATH" \
		GITHUB_STEP_SUMMARY="$tmp/summary.md" \
		bash --noprofile --norc -eo pipefail -c "$script") >"$tmp/step.out" 2>&1
}

check "the workflow is YAML with a plan job on pull requests and an apply job on main" \
	python3 -c "
import sys, yaml
d = yaml.safe_load(open('$workflow'))
on = d.get('on', d.get(True))
assert set(on) == {'pull_request', 'push'}, on
assert 'pull_request' in d['jobs']['plan']['if']
assert \"refs/heads/main\" in d['jobs']['apply']['if']
"

# Every nfvsync command the workflow's steps run uses options its verb has.
python3 - "$workflow" >"$tmp/commands" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
for job in doc["jobs"].values():
    for s in job["steps"]:
        for line in s.get("run", "").splitlines():
            words = line.split()
            if words[:1] == ["nfvsync"]:
                print(" ".join(w for w in words[1:] if w == words[1] or w.startswith("--")))
PY
check "the workflow runs nfvsync validate, plan and apply" \
	bash -c "[ \"\$(cut -d' ' -f1 '$tmp/commands' | sort -u | tr '\n' ' ')\" = 'apply plan validate ' ]"
while read -r verb opts; do
	# shellcheck disable=SC2086
	check "workflow: 'nfvsync $verb $opts': options exist" options_known "$verb" $opts
done < <(sort -u "$tmp/commands")

lv_start
write_site1_repo "$tmp/r" ci

rm -f "$tmp/summary.md"
check "pull request: validate passes" run_step plan Validate
run_step plan Plan
rc=$?
tail -1 "$tmp/step.out"
check "pull request with changes: the plan step passes (exit 2 is not a failure)" [ "$rc" = 0 ]
check "and says changes are pending" grep -q "Changes pending" "$tmp/step.out"
check "the plan is in the job summary" \
	bash -c "grep -q '^## nfvsync plan' '$tmp/summary.md' && grep -q '^Plan: [1-9][0-9]* to create' '$tmp/summary.md'"

nsd=$(echo "$tmp"/r/nsd/*.yaml)
cp "$nsd" "$tmp/ci.yaml.good"
sed -i 's/ROUND_ROBIN/ROUND_AND_ROUND/' "$nsd"
run_step plan Plan
rc=$?
check "pull request with a broken descriptor: the plan step fails (exit 1)" [ "$rc" = 1 ]
check "and the log says where" grep -q "nsd/web.yaml:[0-9]*:[0-9]*: error" "$tmp/step.out"
cp "$tmp/ci.yaml.good" "$nsd"

check "main: validate passes" run_step apply Validate
run_step apply Apply
rc=$?
if [ "$rc" = 0 ]; then tail -1 "$tmp/step.out"; else cat "$tmp/step.out"; fi
check "main: apply succeeds" [ "$rc" = 0 ]
run_step apply Converged
rc=$?
check "main: the check after apply finds nothing left to do" [ "$rc" = 0 ]

rm -f "$tmp/summary.md"
run_step plan Plan
rc=$?
check "the next pull request plans no changes and passes" \
	bash -c "[ $rc = 0 ] && grep -q '^No changes.' '$tmp/step.out'"

lv_stop
finish
