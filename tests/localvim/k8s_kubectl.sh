#!/usr/bin/env bash
# End-to-end: the real kubectl against localvim's Kubernetes API with the
# kubeconfig localvim wrote. Server-side apply of a Deployment + Service,
# pods as real processes on 127.N.x.y:80, EndpointSlices following ready
# pods, scale, a killed pod replaced, field-manager conflicts, stale
# resourceVersion 409, bearer-token 401, HPA stored, delete.
. "$(dirname "$0")/lib.sh"
# Pods from 10.N.0.0/16 (lib.sh), clear of a hand-run localvim's.
echo "{\"pod_cidr\": \"10.$lv_net.0.0/16\"}" >"$lv_tmp/config.json"
lv_start --config "$lv_tmp/config.json"

k() { kubectl --request-timeout=20s "$@"; }
manifest="$lv_tmp/web.yaml"
cat >"$manifest" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - name: http
    port: 80
    targetPort: 80
YAML

ready() {
	[ "$(kubectl get deploy web -o jsonpath='{.status.readyReplicas}')" = "$1" ]
}
slice_ips() {
	kubectl get endpointslices -l kubernetes.io/service-name=web \
		-o jsonpath='{range .items[*].endpoints[*]}{.addresses[0]}{"\n"}{end}' |
		sort
}

k get namespace default -o name | has namespace/default || fail "ns"
k get ns kube-system >/dev/null || fail "kube-system"
k apply --server-side -f "$manifest" || fail "apply"
wait_for 10 ready 2 || fail "2 replicas never ready"
# kubectl's table (server-side Table rendering).
k get deploy web | has -E '^web +2/2 +2 +2 ' || fail "table: $(k get deploy)"
wait_for 10 sh -c "[ \$(kubectl get endpointslices -l \
	kubernetes.io/service-name=web -o jsonpath='{.items[*].endpoints[*].addresses[0]}' |
	wc -w) = 2 ]" || fail "endpointslice"
for ip in $(slice_ips); do
	case $ip in 10.$lv_net.*) ;; *) fail "pod IP $ip not from pod_cidr" ;; esac
	curl -sf --max-time 2 "http://127.${ip#*.}/" | has "Served by web-" ||
		fail "pod $ip not serving"
done

# Idempotent re-apply: no new pods.
before=$(k get pods -o name | sort)
k apply --server-side -f "$manifest" >/dev/null || fail "re-apply"
[ "$(k get pods -o name | sort)" = "$before" ] || fail "re-apply churned"

k scale deployment web --replicas=3 || fail "scale"
wait_for 10 ready 3 || fail "3 replicas never ready"
wait_for 10 sh -c "[ \$(kubectl get endpointslices -l \
	kubernetes.io/service-name=web -o jsonpath='{.items[*].endpoints[*].addresses[0]}' |
	wc -w) = 3 ]" || fail "3 endpoints"
[ "$(k get deploy web -o jsonpath='{.spec.replicas}')" = 3 ] || fail "spec"
# limit/continue: kubectl pages through one pod at a time.
[ "$(k get pods --chunk-size=1 -o name | wc -l)" = 3 ] || fail "chunks"

# The scale took spec.replicas from the applier: a plain re-apply
# conflicts, a forced one wins.
if k apply --server-side -f "$manifest" >"$lv_tmp/conflict" 2>&1; then
	fail "no conflict after scale"
fi
grep -q 'conflict with "kubectl-scale"' "$lv_tmp/conflict" ||
	fail "conflict message: $(cat "$lv_tmp/conflict")"
k apply --server-side --force-conflicts -f "$manifest" >/dev/null ||
	fail "forced apply"
wait_for 10 ready 2 || fail "back to 2"

# A killed pod is replaced.
victim=$(k get pods -o jsonpath='{.items[0].metadata.name}')
admin POST /v1/kill "{\"name\":\"$victim\"}" || fail "kill pod"
wait_for 10 sh -c "! kubectl get pod $victim >/dev/null 2>&1" ||
	fail "dead pod not removed"
wait_for 10 ready 2 || fail "pod not replaced"

# Leases: resourceVersion conflicts; tokens.
api=$(k config view --minify -o jsonpath='{.clusters[0].cluster.server}')
tok="Authorization: Bearer localvim-token"
lease='{"apiVersion":"coordination.k8s.io/v1","kind":"Lease",
	"metadata":{"name":"nfvsync"},"spec":{"holderIdentity":"a",
	"leaseDurationSeconds":15}}'
lpath="$api/apis/coordination.k8s.io/v1/namespaces/default/leases"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$tok" \
	-H 'Content-Type: application/json' -d "$lease" "$lpath")
[ "$code" = 201 ] || fail "lease create $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$tok" \
	-H 'Content-Type: application/json' -d "$lease" "$lpath")
[ "$code" = 409 ] || fail "lease AlreadyExists $code"
rv=$(k get lease nfvsync -o jsonpath='{.metadata.resourceVersion}')
put() {
	curl -s -o /dev/null -w '%{http_code}' -X PUT -H "$tok" \
		-H 'Content-Type: application/json' \
		-d "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\",
		\"metadata\":{\"name\":\"nfvsync\",\"resourceVersion\":\"$1\"},
		\"spec\":{\"holderIdentity\":\"$2\"}}" "$lpath/nfvsync"
}
[ "$(put "$rv" b)" = 200 ] || fail "lease update"
[ "$(put "$rv" c)" = 409 ] || fail "stale resourceVersion not 409"
[ "$(k get lease nfvsync -o jsonpath='{.spec.holderIdentity}')" = b ] ||
	fail "lease holder"
code=$(curl -s -o /dev/null -w '%{http_code}' \
	-H 'Authorization: Bearer wrong' "$lpath")
[ "$code" = 401 ] || fail "wrong token gave $code"

k autoscale deployment web --min=1 --max=3 --cpu-percent=50 ||
	fail "autoscale"
[ "$(k get hpa web -o jsonpath='{.spec.maxReplicas}')" = 3 ] || fail "hpa"

ip=$(slice_ips | head -1)
k delete deployment web || fail "delete"
[ -z "$(k get pods -o name)" ] || fail "pods left"
wait_for 5 sh -c "[ -z \"\$(kubectl get endpointslices -l \
	kubernetes.io/service-name=web -o jsonpath='{.items[*].endpoints[*].addresses[0]}')\" ]" ||
	fail "slice not emptied"
if curl -s --max-time 1 "http://127.${ip#*.}/" >/dev/null; then
	fail "deleted pod still serving"
fi
k delete service web || fail "delete service"
lv_stop
echo "PASS"
