/*
 * What a Kubernetes VIM holds, as nfvsync sees it after one observe pass:
 * its own Deployments, Services and HorizontalPodAutoscalers (as the
 * planner's observed resources) and the pods behind them (as endpoints that
 * a load balancer on another VIM can use as members). Built from the JSON
 * of labelSelector list calls by pure decoders, so it is unit-tested on
 * recorded responses. Ownership is read from labels and annotations:
 *   app.kubernetes.io/managed-by=nfvsync    managed by nfvsync
 *   nfvsync.io/ns=<service>                 the network service (or VNF)
 *   nfvsync.io/vnf=<vnf>, nfvsync.io/vdu=<vdu>
 *   annotation nfvsync.io/spec-hash=<hash>  the spec it was applied from
 *   annotation nfvsync.io/ns=<service>      the service's name unsanitised
 *   annotation nfvsync.io/replicas=<n>      the replicas applied (no HPA)
 *   annotation nfvsync.io/applied-fields    labels, images, resources and
 *                                           ports as applied (k8s_drift.h)
 * A Deployment whose spec.replicas differs from the replicas annotation was
 * scaled by hand: it is observed without a spec hash, so the planner
 * re-applies it (and apply restores the count through the scale
 * subresource, since the hand scale's manager now owns the field). One
 * whose labels, images, resources or ports differ from what was applied
 * (kubectl edit, patch, set image) is observed the same way, with drift
 * naming what changed; apply then takes the fields back (server-side apply
 * with force) unless another manager applies to the object too, whose
 * conflict is reported instead.
 *
 * No I/O here: k8s_driver.c fetches, this decodes.
 */
#ifndef NFV_K8S_VIEW_H
#define NFV_K8S_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "plan.h"

struct json_object;

#define K8S_LABEL_MANAGED_BY "app.kubernetes.io/managed-by"
#define K8S_MANAGER "nfvsync"
#define K8S_LABEL_NS "nfvsync.io/ns"
#define K8S_LABEL_VNF "nfvsync.io/vnf"
#define K8S_LABEL_VDU "nfvsync.io/vdu"
#define K8S_ANNOTATION_SPEC "nfvsync.io/spec-hash"
#define K8S_ANNOTATION_NS "nfvsync.io/ns"
#define K8S_ANNOTATION_REPLICAS "nfvsync.io/replicas"
/* K8S_ANNOTATION_FIELDS: k8s_drift.h */
/* The labelSelector of every list, URL-encoded. */
#define K8S_SELECTOR_QUERY                                                     \
	"labelSelector=app.kubernetes.io%2Fmanaged-by%3Dnfvsync"

/* A pod of a managed Deployment (labels of its pod template). */
struct k8s_endpoint {
	const char *service; /* nfvsync.io/ns annotation, else label */
	const char *vnf;     /* nfvsync.io/vnf label */
	const char *vdu;     /* nfvsync.io/vdu label */
	const char *pod;     /* pod name (an EndpointSlice's targetRef.name) */
	const char *address; /* pod IP; never NULL in a view */
	bool ready;          /* Ready condition True and not terminating */
};

/*
 * One observation; every string is owned by the view. res[i] lives in the
 * namespace ns[i] (the planner's struct has no room for it; apply needs it
 * to delete what the plan names).
 */
struct k8s_view {
	const char *vim;
	struct plan_observed_res *res; /* deployments, services, autoscalers */
	size_t n;
	struct k8s_endpoint *endpoints;
	size_t nendpoints;
	/* private bookkeeping */
	const char **ns;      /* parallel to res */
	bool *replicas_drift; /* parallel to res: scaled by hand */
	bool *reclaim;        /* parallel to res: hand-edited, force back */
	size_t cap;
	size_t capendpoints;
	char **strs;
	size_t nstrs;
	size_t capstrs;
};

void k8s_view_init(struct k8s_view *v, const char *vim);
void k8s_view_done(struct k8s_view *v);

/*
 * Decoders of one list page (a DeploymentList, ServiceList,
 * HorizontalPodAutoscalerList or PodList): add what it holds. kind is
 * PLAN_DEPLOYMENT, PLAN_SERVICE or PLAN_AUTOSCALER. Return 0, or -EPROTO
 * with `what: unexpected JSON` in reterr.
 */
int k8s_view_add_list(struct k8s_view *v, enum plan_kind kind,
                      struct json_object *body, struct diag *reterr);
int k8s_view_add_pods(struct k8s_view *v, struct json_object *body,
                      struct diag *reterr);
/* Adds (or replaces, same kind/namespace/name) one object, e.g. what an
 * apply answered. */
void k8s_view_put(struct k8s_view *v, enum plan_kind kind,
                  struct json_object *obj);
/* Drops the resource at index i (an object deleted by apply). */
void k8s_view_remove(struct k8s_view *v, size_t i);

/* The index of a managed resource by kind and name (id, when not NULL,
 * wins), or -1. */
long k8s_view_find(const struct k8s_view *v, enum plan_kind kind,
                   const char *name, const char *id);

/* The continue token of a list answer (borrowed from body), or NULL when it
 * was the last page. */
const char *k8s_list_continue(struct json_object *body);

/* The status word of a Deployment object: "Available", "Progressing",
 * "Failed" (ProgressDeadlineExceeded) or "ScaledDown"; borrowed. */
const char *k8s_deployment_status(struct json_object *obj);

#endif
