#!/usr/bin/env bash
# kubeconfig end to end: nfvsync and kubectl read the same kubeconfig and
# see the same cluster. A Kubernetes VIM registered by context (no
# auth_url) is converged through a KUBECONFIG list whose context, defined
# in one file, uses the cluster and user of another (localvim's); the
# context's namespace is where the Deployment lands. --kubeconfig and
# --context select another file and context; a context that does not exist,
# or a user with a wrong token, fails with a clear error, changes nothing
# and never shows the token.
# Usage: localvim_kubeconfig.sh NFVSYNC LOCALVIM
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
lv_start
export HOME=$tmp # kubectl's cache stays out of ~

# A context in its own file, on localvim's cluster and user.
cat >"$tmp/contexts.yaml" <<YAML
apiVersion: v1
kind: Config
current-context: nfv
contexts:
- name: nfv
  context: {cluster: localvim, user: localvim-admin, namespace: nfv-e2e}
- name: wrong-token
  context: {cluster: localvim, user: intruder}
users:
- name: intruder
  user: {token: not-the-localvim-token-42}
YAML
export KUBECONFIG=$tmp/contexts.yaml:$tmp/lv/kubeconfig

r=$tmp/r
mkdir -p "$r/vims" "$r/vnfd" "$r/nsd"
cat >"$r/vims/site2.yaml" <<YAML
type: kubernetes
context: nfv
YAML
cat >"$r/vnfd/web.yaml" <<YAML
tosca_definitions_version: tosca_simple_profile_for_nfv_1_0_0
metadata: {template_name: kc-web}
node_types:
  e2e.nodes.KcWeb: {derived_from: tosca.nodes.nfv.VNF}
topology_template:
  substitution_mappings: {node_type: e2e.nodes.KcWeb}
  node_templates:
    VDU1:
      type: tosca.nodes.nfv.VDU.Tacker
      properties:
        mapping_ports: ["80:80"]
        vnfcs:
          web: {image: nginx, num_cpus: 0.1, mem_size: 64 MB, ports: ["80"]}
YAML
cat >"$r/nsd/kc.yaml" <<YAML
tosca_definitions_version: tosca_simple_profile_for_nfv_1_0_0
metadata: {template_name: kc}
imports: [../vnfd/web.yaml]
topology_template:
  node_templates:
    web: {type: e2e.nodes.KcWeb}
YAML

deployments() { kubectl "$@" get deployments -o name 2>&1 | sort | tr '\n' ' '; }

check "kubectl reaches localvim through the merged KUBECONFIG" \
	kubectl get namespaces -o name
check "apply through the VIM's context succeeds" \
	"$nfvsync" apply --auto-approve "$r"
check "kubectl (same KUBECONFIG, context nfv) sees the Deployment in the context's namespace" \
	[ "$(deployments)" = "deployment.apps/kc-web-vdu1 " ]
check "... and not in default" [ "$(deployments -n default)" = "" ]
rc=$(plan_rc "$r")
check "re-plan through kubeconfig is a no-op (exit 0)" [ "$rc" = 0 ]

# A VIM that names no context: --context, or the current one.
printf 'type: kubernetes\n' >"$r/vims/site2.yaml"
rc=$(plan_rc "$r")
check "no context in the VIM: the current context (nfv), no-op" [ "$rc" = 0 ]
"$nfvsync" plan --detailed-exitcode --kubeconfig "$tmp/lv/kubeconfig" \
	"$r" >"$tmp/plan.txt" 2>&1
rc=$?
check "--kubeconfig alone (namespace default): the Deployment is to create (exit 2)" \
	[ "$rc" = 2 ]
check "... kc-web-vdu1 to create" grep -q '+ deployment *kc-web-vdu1' "$tmp/plan.txt"
"$nfvsync" plan --detailed-exitcode --context localvim "$r" \
	>"$tmp/plan.txt" 2>&1
rc=$?
check "--context localvim (KUBECONFIG's other context): exit 2" [ "$rc" = 2 ]

curl -sf -X DELETE "$LOCALVIM_ADMIN_URL/v1/requests" >/dev/null
"$nfvsync" apply --auto-approve --context nope "$r" >"$tmp/out.txt" 2>&1
rc=$?
check "an unknown context: exit 1" [ "$rc" = 1 ]
check "... names it and lists the contexts" \
	grep -q "no context 'nope' (contexts: nfv, wrong-token, localvim)" "$tmp/out.txt"
"$nfvsync" apply --auto-approve --context wrong-token "$r" >"$tmp/out.txt" 2>&1
rc=$?
check "a wrong token: exit 1" [ "$rc" = 1 ]
check "... with METHOD URL -> 401" grep -q 'GET http://127.0.0.1:[0-9]*/apis/apps/v1/namespaces/default/deployments?.* -> 401' "$tmp/out.txt"
check "... and never the token" bash -c "! grep -q not-the-localvim-token-42 '$tmp/out.txt'"
curl -sf "$LOCALVIM_ADMIN_URL/v1/requests" >"$tmp/counts.json"
check "... localvim counted the failed runs' requests" grep -q '"GET kubernetes' "$tmp/counts.json"
check "... and none of them changed anything (no POST/PUT/PATCH/DELETE)" \
	bash -c "! grep -qE '\"(POST|PUT|PATCH|DELETE) ' '$tmp/counts.json'"

lv_stop
finish
