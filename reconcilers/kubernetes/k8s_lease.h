/*
 * Leader election through a Kubernetes Lease (coordination.k8s.io/v1), the
 * way client-go's leaderelection does it, so that of several nfvsync
 * replicas only one acts at a time. Every write is a compare-and-swap on
 * the object's resourceVersion: of two replicas that saw the same version,
 * one wins and the other gets 409 Conflict and stays a follower.
 *
 * A replica takes the lease when nobody holds it (no Lease yet, or an empty
 * holderIdentity after a release) or when the holder's renewTime +
 * leaseDurationSeconds has passed on this machine's clock. The holder
 * renews it; if renewing fails it keeps the lease only until one retry
 * period before the lease would expire, so it stops acting before anybody
 * else may start (clocks are assumed to agree within a retry period).
 *
 * The caller (the controller loop) calls k8s_lease_tick when *next_s says,
 * acts only while *leader is true, and releases on shutdown. It never logs
 * and never puts the token into an error. One thread.
 */
#ifndef NFV_K8S_LEASE_H
#define NFV_K8S_LEASE_H

#include <stdbool.h>

#include "diag.h"

struct k8s_lease;
struct http_options;

/*
 * A lease handle for the Lease ns/name (ns NULL: the kubeconfig context's
 * namespace, else "default"), held as identity (holderIdentity, e.g.
 * "hostname_pid"). kubeconfig and context as for the VIMs (k8s_config.h;
 * NULL: KUBECONFIG or ~/.kube/config, and the current context). Durations
 * are client-go's: lease 15 s, renew 10 s, retry 2 s. No request is sent
 * yet. Returns 0 and *ret, or a negative errno (k8s_config's) with the
 * reason in reterr.
 */
int k8s_lease_new(const char *kubeconfig, const char *context, const char *ns,
                  const char *name, const char *identity,
                  struct k8s_lease **ret, struct diag *reterr);
/* Same with HTTP client settings (e.g. a test clock, fewer retries); its
 * TLS fields are replaced by the kubeconfig's. */
int k8s_lease_new_with(const char *kubeconfig, const char *context,
                       const char *ns, const char *name, const char *identity,
                       const struct http_options *http, struct k8s_lease **ret,
                       struct diag *reterr);

/*
 * Acquires or renews the lease. *leader says whether this replica holds it
 * now; *next_s when to call again (the renew period while leading, the
 * retry period otherwise, sooner when a failing leader's time runs out).
 * Returns 0, or a negative errno when the API server could not be asked or
 * answered unexpectedly (`METHOD URL -> status` in reterr); *leader and
 * *next_s are set in every case (a leader whose renewal failed stays leader
 * only within its safety margin). A lost race (409) is not an error.
 */
int k8s_lease_tick(struct k8s_lease *l, bool *leader, double *next_s,
                   struct diag *reterr);

/*
 * Gives the lease up if this replica holds it: holderIdentity cleared, so
 * another replica takes over at its next tick instead of waiting for
 * expiry. 0 also when it was not held (nothing to do).
 */
int k8s_lease_release(struct k8s_lease *l, struct diag *reterr);

void k8s_lease_free(struct k8s_lease *l);

/* Requests sent so far. */
unsigned long long k8s_lease_requests(const struct k8s_lease *l);

/* For tests: shorter durations in seconds (leaseDurationSeconds on the
 * object is lease_s rounded up to whole seconds). */
void k8s_lease_set_durations(struct k8s_lease *l, double lease_s,
                             double renew_s, double retry_s);

#endif
