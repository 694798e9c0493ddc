#!/usr/bin/env bash
# Converging through a bad day: localvim answers 10% of OpenStack requests
# with 503, rate-limits 10% with 429 + Retry-After, expires tokens after 3 s
# and keeps load balancers PENDING for a second after every change. nfvsync
# must still converge (at most three applies), leave no duplicate behind,
# and end with a no-op plan.
# Usage: localvim_faults.sh NFVSYNC LOCALVIM
set -u
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR/../..
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
lv_start
admin() { curl -sf -X "$1" -H 'Content-Type: application/json' -d "$3" "$LOCALVIM_ADMIN_URL$2" >/dev/null; }
admin PUT /v1/faults/all '{"error_rate": 0.1, "error_status": 503, "rate_limit": 0.1, "retry_after": 1}'
admin PUT /v1/faults/keystone '{"error_rate": 0, "rate_limit": 0}'
admin PUT /v1/config '{"token_lifetime": 3, "pending_delay": 1}'

write_site1_repo "$tmp/r" faults

converged=no
for attempt in 1 2 3; do
	"$nfvsync" apply --auto-approve "$tmp/r" >"$tmp/apply.$attempt.log" 2>&1
	"$nfvsync" plan --detailed-exitcode "$tmp/r" >"$tmp/plan.log" 2>&1
	rc=$?
	echo "     apply $attempt: $(grep '^Apply:' "$tmp/apply.$attempt.log"), then plan exit $rc"
	if [ $rc -eq 0 ]; then converged=yes; break; fi
done
check "converges despite 503s, 429s, expiring tokens and PENDING balancers" [ $converged = yes ]
requests=$(curl -s "$LOCALVIM_ADMIN_URL/v1/requests")
check "faults really happened (503 and 429 answers counted)" bash -c \
	"grep -q ' 503\"' <<<'$requests' && grep -q ' 429\"' <<<'$requests'"

admin DELETE /v1/faults ''
export OS_CLIENT_CONFIG_FILE OS_CLOUD
names=$(openstack server list -f value -c Name | sort)
check "no duplicate servers" [ "$names" = "$(printf 'faults-web-VDU1-0\nfaults-web-VDU2-0')" ]
ports=$(openstack port list -f value -c Name | grep -c '^faults-')
check "no duplicate ports ($ports)" [ "$ports" = 2 ]
members=$(openstack loadbalancer member list faults-lb-pool -f value -c name | sort | uniq -d | wc -l)
check "no duplicate members" [ "$members" = 0 ]

finish
