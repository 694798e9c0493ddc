/*
 * Manifests for server-side apply, built from a plan action and the model
 * VDU it points at: a Deployment, a Service or an autoscaling/v2
 * HorizontalPodAutoscaler carrying nfvsync's ownership labels (see
 * k8s_view.h) and spec-hash annotation. Pure: no I/O, unit-tested.
 *
 * They hold only the fields nfvsync owns ("fully specified intent" of
 * server-side apply): replicas is left out while an autoscaler owns it.
 */
#ifndef NFV_K8S_MANIFEST_H
#define NFV_K8S_MANIFEST_H

#include "diag.h"
#include "plan.h"

struct json_object;

/*
 * A valid label value from s: at most 63 characters of [A-Za-z0-9_.-],
 * alphanumeric at both ends; other characters become '-', a longer value
 * keeps a prefix and a hash of the whole. "" for an empty result. Caller
 * frees.
 */
char *k8s_label_value(const char *s);

/* Kubernetes quantities: CPUs as millicores ("500m", "2") and memory as
 * "512Mi" / "1Gi" when exact, else bytes. Caller frees. */
char *k8s_cpu_quantity(double cpus);
char *k8s_memory_quantity(long long bytes);

/* The ownership labels of an action's objects and pod template
 * ({managed-by, ns, vnf, vdu}); caller puts. */
struct json_object *k8s_owner_labels(const struct plan_action *a);

/*
 * The apply body for a (kind PLAN_DEPLOYMENT, PLAN_SERVICE or
 * PLAN_AUTOSCALER, with a->model_vdu set) in namespace ns. Returns 0 and
 * *ret (caller puts), or -EINVAL with the reason in reterr.
 */
int k8s_manifest_build(const struct plan_action *a, const char *ns,
                       struct json_object **ret, struct diag *reterr);

/* The API path of a kind's collection in ns ("/apis/apps/v1/namespaces/
 * NS/deployments"), or NULL for a kind this driver does not handle.
 * Caller frees. */
char *k8s_collection_path(enum plan_kind kind, const char *ns);

#endif
