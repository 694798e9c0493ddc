#!/usr/bin/env bash
# Field-level drift on Kubernetes, end to end: nfvsync applies a
# containerised VNF to localvim, then kubectl edits the Deployment behind
# its back — the image, the CPU request, a pod label, an ownership label —
# each time with the spec-hash annotation untouched. Every edit must show in
# `plan` (exit 2) with a reason naming what changed, and `apply` must put it
# back (kubectl sees the applied value again, the next plan is a no-op). A
# label another tool adds is not drift; a changed descriptor (CPU, labels)
# is a new spec, re-applied as such.
# Usage: localvim_k8s_drift.sh NFVSYNC LOCALVIM
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
lv_start
export HOME=$tmp # kubectl's cache stays out of ~

r=$tmp/r
mkdir -p "$r/vims" "$r/vnfd" "$r/nsd"
printf 'type: kubernetes\n' >"$r/vims/k8s.yaml" # KUBECONFIG's context
cat >"$r/vnfd/web.yaml" <<YAML
tosca_definitions_version: tosca_simple_profile_for_nfv_1_0_0
metadata: {template_name: drift-web}
node_types:
  e2e.nodes.DriftWeb: {derived_from: tosca.nodes.nfv.VNF}
topology_template:
  substitution_mappings: {node_type: e2e.nodes.DriftWeb}
  node_templates:
    VDU1:
      type: tosca.nodes.nfv.VDU.Tacker
      properties:
        labels: ["app: web"]
        vnfcs:
          web: {image: nginx, num_cpus: 0.1, mem_size: 64 MiB, ports: ["80"]}
YAML
cat >"$r/nsd/drift.yaml" <<YAML
tosca_definitions_version: tosca_simple_profile_for_nfv_1_0_0
metadata: {template_name: drift}
imports: [../vnfd/web.yaml]
topology_template:
  node_templates:
    web: {type: e2e.nodes.DriftWeb}
YAML
dep=deployment/drift-web-vdu1
spec_hash() { kubectl get "$dep" -o jsonpath='{.metadata.annotations.nfvsync\.io/spec-hash}'; }
# patch_container IMAGE CPU: a merge patch of the whole container (merge
# patches replace lists), changing only what the arguments change.
patch_container() {
	kubectl patch "$dep" --type merge -p "{\"spec\":{\"template\":{\"spec\":{\"containers\":[
		{\"name\":\"web\",\"image\":\"$1\",\"ports\":[{\"containerPort\":80,\"protocol\":\"TCP\"}],
		 \"resources\":{\"requests\":{\"cpu\":\"$2\",\"memory\":\"64Mi\"},\"limits\":{\"cpu\":\"100m\",\"memory\":\"64Mi\"}}}]}}}}" \
		>/dev/null
}
# drifted WHAT REASON: plan exits 2 naming REASON, apply restores, the next
# plan is a no-op.
drifted() {
	local what=$1 reason=$2 rc
	rc=$(plan_rc "$r")
	check "$what: plan exits 2" [ "$rc" = 2 ]
	check "$what: the reason names it" grep -qF "$reason" "$tmp/plan.txt"
	check "$what: the spec hash was not touched" [ "$(spec_hash)" = "$hash" ]
	check "$what: apply restores it" "$nfvsync" apply --auto-approve "$r"
	rc=$(plan_rc "$r")
	check "$what: then plan is a no-op (exit 0)" [ "$rc" = 0 ]
}

check "apply creates the Deployment" "$nfvsync" apply --auto-approve "$r"
hash=$(spec_hash)
check "it carries a spec hash" [ -n "$hash" ]
rc=$(plan_rc "$r")
check "re-plan is a no-op (exit 0)" [ "$rc" = 0 ]

patch_container nginx:evil 100m
drifted "image patched" "(update: changed on the VIM: container web: image nginx:evil (applied nginx))"
check "image patched: kubectl sees nginx again" \
	[ "$(kubectl get "$dep" -o jsonpath='{.spec.template.spec.containers[0].image}')" = nginx ]

patch_container nginx 50m
drifted "CPU request patched" "container web: requests.cpu 50m (applied 100m)"
check "CPU request patched: kubectl sees 100m again" \
	[ "$(kubectl get "$dep" -o jsonpath='{.spec.template.spec.containers[0].resources.requests.cpu}')" = 100m ]

kubectl patch "$dep" --type merge \
	-p '{"spec":{"template":{"metadata":{"labels":{"app":"hacked"}}}}}' >/dev/null
drifted "pod label patched" "pod label app=hacked (applied web)"
check "pod label patched: kubectl sees app=web again" \
	[ "$(kubectl get "$dep" -o jsonpath='{.spec.template.metadata.labels.app}')" = web ]

kubectl label --overwrite "$dep" nfvsync.io/vdu=hacked >/dev/null
drifted "ownership label overwritten" "label nfvsync.io/vdu=hacked (applied vdu1)"

kubectl label "$dep" team=ops >/dev/null
rc=$(plan_rc "$r")
check "a label another tool added is not drift (exit 0)" [ "$rc" = 0 ]

# Not drift but a new spec: the descriptors' CPU and labels change.
sed -i 's/num_cpus: 0.1/num_cpus: 0.2/; s/"app: web"/"app: web2"/' "$r/vnfd/web.yaml"
rc=$(plan_rc "$r")
check "descriptor CPU and label changed: plan exits 2" [ "$rc" = 2 ]
check "... because the descriptors changed" \
	grep -qF "(update: the descriptors changed its specification)" "$tmp/plan.txt"
check "... apply" "$nfvsync" apply --auto-approve "$r"
check "... kubectl sees 200m and app=web2" [ "$(kubectl get "$dep" -o \
	jsonpath='{.spec.template.spec.containers[0].resources.requests.cpu} {.spec.template.metadata.labels.app}')" = "200m web2" ]
rc=$(plan_rc "$r")
check "... then plan is a no-op (exit 0)" [ "$rc" = 0 ]

# Another field manager takes the image by server-side apply: nfvsync
# reports the conflict (exit 1, the manager named) and leaves it, unless
# told --force-conflicts.
kubectl apply --server-side --field-manager=ops --force-conflicts -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: drift-web-vdu1}
spec:
  template:
    spec:
      containers:
        - {name: web, image: nginx:ops}
YAML
image() { kubectl get "$dep" -o jsonpath='{.spec.template.spec.containers[0].image}'; }
check "ops applied its image" [ "$(image)" = nginx:ops ]
"$nfvsync" apply --auto-approve "$r" >"$tmp/conflict.txt" 2>&1
rc=$?
check "a field another manager owns: apply exits 1" [ "$rc" = 1 ]
check "... reporting the conflict with that manager" grep -q 'conflict.*ops' "$tmp/conflict.txt"
check "... and leaving its value" [ "$(image)" = nginx:ops ]
check "apply --force-conflicts takes it back" "$nfvsync" apply --auto-approve --force-conflicts "$r"
check "... kubectl sees nfvsync's image" [ "$(image)" = nginx ]
rc=$(plan_rc "$r")
check "... then plan is a no-op (exit 0)" [ "$rc" = 0 ]

lv_stop
finish
