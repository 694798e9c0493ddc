/*
 * The Kubernetes VIM driver: observes what nfvsync owns on one cluster
 * (Deployments, Services, HorizontalPodAutoscalers and the pods behind
 * them) with one labelSelector list per kind per namespace, paginated, and
 * carries out plan actions by server-side apply (field manager "nfvsync")
 * of manifests built from the model, waiting until a Deployment's pods are
 * ready or a deleted object is gone.
 *
 * Credentials (k8s_config.h) come from a Tacker Kubernetes VIM registration
 * (auth_url, a bearer token or username/password from the environment or a
 * file, ssl_ca_cert) or, when the VIM gives no auth_url, from kubeconfig
 * (the VIM's context, else --context, else the current one). The token
 * never appears in an error. It builds requests and decodes responses over
 * nfv_http; it knows nothing of the reconcile loop.
 */
#ifndef NFV_K8S_DRIVER_H
#define NFV_K8S_DRIVER_H

#include <stdbool.h>

#include "diag.h"
#include "k8s_view.h"
#include "model.h"
#include "plan.h"

struct k8s_driver;
struct http_options;

struct k8s_driver_opts {
	long wait_timeout_ms; /* per wait (rollout, deletion); default 120 s */
	long poll_ms;         /* poll interval of those waits; default 250 ms */
	unsigned page_size;   /* list page size (limit=); default 500 */
	/* Server-side apply with force=true: take fields another manager
	 * owns instead of reporting the conflict (--force-conflicts). */
	bool force_conflicts;
	/* How to delete: "Foreground" (default) or "Background". */
	const char *propagation_policy;
	/* For a VIM without auth_url: the kubeconfig file (NULL: KUBECONFIG,
	 * else ~/.kube/config) and the context when the VIM names none
	 * (NULL: current-context); --kubeconfig and --context. */
	const char *kubeconfig;
	const char *context;
};

/*
 * Opens a driver for one Kubernetes VIM registration (vim is borrowed for
 * the driver's life). Reads the credentials now: a missing variable, file
 * or kubeconfig entry is -ENOENT with its name (never the token) in reterr.
 * No network yet.
 * http (may be NULL) overrides HTTP client settings, e.g. a test clock;
 * its TLS fields are replaced by the VIM's.
 */
int k8s_driver_new(const struct nfv_vim *vim, struct k8s_driver **ret,
                   struct diag *reterr);
int k8s_driver_new_with(const struct nfv_vim *vim,
                        const struct k8s_driver_opts *opts,
                        const struct http_options *http,
                        struct k8s_driver **ret, struct diag *reterr);
void k8s_driver_free(struct k8s_driver *d);

/* Options after creation (copied; zero fields keep defaults). */
void k8s_driver_set_opts(struct k8s_driver *d,
                         const struct k8s_driver_opts *opts);

/*
 * Also observe namespace ns (e.g. a VDU's own `namespace`); the VIM's
 * project_name (or "default") is always observed, and so is every
 * namespace an apply wrote to. Copied; duplicates are ignored.
 */
void k8s_driver_add_namespace(struct k8s_driver *d, const char *ns);

/* Re-reads everything nfvsync owns. 0, or a negative errno with
 * `METHOD URL -> status: message` in reterr. */
int k8s_driver_observe(struct k8s_driver *d, struct diag *reterr);
/* The last observation (borrowed until the next observe, apply or free). */
const struct k8s_view *k8s_driver_view(const struct k8s_driver *d);

/*
 * Carries out one action: create/update/replace/respawn = server-side
 * apply of the manifest built from a->model_vdu (a Deployment is then
 * waited for until its ready replicas match), delete = DELETE and wait
 * for 404. Conflicting field managers are a -EEXIST error naming the
 * fields unless force_conflicts is set. Applied objects are put into the
 * view; deleted ones leave it. A wait past its deadline is -ETIMEDOUT.
 */
int k8s_driver_apply(struct k8s_driver *d, const struct plan_action *a,
                     struct diag *reterr);

/* Requests sent so far, for reports and benchmarks. */
unsigned long long k8s_driver_requests(const struct k8s_driver *d);
/* The HTTP client, for per-status request counts (borrowed). */
struct http_client;
struct http_client *k8s_driver_http(const struct k8s_driver *d);

/* The namespace an action's objects go to: the VDU's own, else the VIM's
 * project_name, else "default" (borrowed). */
const char *k8s_driver_namespace_for(const struct k8s_driver *d,
                                     const struct plan_action *a);

#endif
