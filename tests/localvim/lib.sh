# Shared helpers of localvim's shell tests: start localvim on ephemeral
# control-plane ports in a fresh state dir, wait (bounded) for readiness,
# and end it by PID on exit. Source it, then call lv_start.
set -euo pipefail

LOCALVIM=${LOCALVIM:?path of the localvim binary}
# Tenant networks of a test are 10.$lv_net.x.y (served on 127.$lv_net.x.y):
# random in 100-239 so that two test runs on one machine (a CI checkout
# next to a developer's tree), which RESOURCE_LOCK cannot order, rarely
# meet, and never meet the default world (10.10/16, pods 10.244/16).
lv_net=$((100 + RANDOM % 140))
lv_tmp=$(mktemp -d "${TMPDIR:-/tmp}/localvim-test.XXXXXX")
lv_pid=""

lv_cleanup() {
	if [ -n "$lv_pid" ] && kill -0 "$lv_pid" 2>/dev/null; then
		kill -TERM "$lv_pid" 2>/dev/null || true
		wait "$lv_pid" 2>/dev/null || true
	fi
	rm -rf "$lv_tmp"
}
trap lv_cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	echo "--- localvim log" >&2
	cat "$lv_tmp/localvim.log" >&2 || true
	exit 1
}

# has ARGS...: grep that reads all of its input. "cmd | grep -q" can end
# before cmd has written everything; cmd then dies of SIGPIPE and, with
# pipefail, a match reads as a failure.
has() {
	grep "$@" >/dev/null
}

# wait_for SECONDS CMD...: polls CMD every 0.1 s until it succeeds.
wait_for() {
	local limit=$1 start
	shift
	start=$(date +%s.%N)
	until "$@"; do
		if awk -v s="$start" -v l="$limit" -v n="$(date +%s.%N)" \
			'BEGIN { exit !(n - s > l) }'; then
			return 1
		fi
		sleep 0.1
	done
}

lv_start() {
	"$LOCALVIM" run --state-dir "$lv_tmp/state" --port-base 0 "$@" \
		>"$lv_tmp/localvim.log" 2>&1 &
	lv_pid=$!
	wait_for 10 test -f "$lv_tmp/state/env" || fail "localvim not ready"
	# shellcheck disable=SC1091
	. "$lv_tmp/state/env"
	export HOME="$lv_tmp" # keep openstack/kubectl caches out of ~
}

# lv_stop: SIGTERM, then localvim must exit 0 (clean under ASan too) and
# leave none of its children behind.
lv_stop() {
	local rc=0 kids
	kids=$(pgrep -P "$lv_pid" || true)
	kill -TERM "$lv_pid"
	wait "$lv_pid" || rc=$?
	lv_pid=""
	[ "$rc" -eq 0 ] || fail "localvim exited with status $rc"
	for k in $kids; do
		if kill -0 "$k" 2>/dev/null &&
			! grep -q zombie "/proc/$k/status" 2>/dev/null; then
			fail "child $k survived localvim"
		fi
	done
}

# admin METHOD PATH [BODY]: calls the admin API.
admin() {
	if [ $# -ge 3 ]; then
		curl -sf -X "$1" -H 'Content-Type: application/json' \
			-d "$3" "$LOCALVIM_ADMIN_URL$2"
	else
		curl -sf -X "$1" "$LOCALVIM_ADMIN_URL$2"
	fi
}
