/*
 * The OpenStack VIM driver: observes what nfvsync owns on one OpenStack
 * (Nova servers, Neutron ports, Octavia load balancers and their parts) with
 * a constant number of filtered list calls, and carries out plan actions on
 * it — creating with ownership tags, waiting for ACTIVE, respawning,
 * replacing, failing over and deleting (members before their servers).
 *
 * It builds requests and decodes responses itself, over os_session (Keystone)
 * and nfv_http; it knows nothing of the reconcile loop.
 */
#ifndef NFV_OS_DRIVER_H
#define NFV_OS_DRIVER_H

#include "diag.h"
#include "os_config.h"
#include "os_view.h"
#include "plan.h"

struct os_driver;

struct os_driver_opts {
	long wait_timeout_ms; /* per asynchronous wait; default 300 s */
	long poll_ms;         /* first poll interval; default 250 ms */
	unsigned page_size;   /* list page size (limit=); default 1000 */
};

/* Opens a driver for one VIM (cfg is copied). No network yet. */
int os_driver_new(const char *vim_name, const struct os_config *cfg,
                  const struct os_driver_opts *opts, struct os_driver **ret,
                  struct diag *reterr);
void os_driver_free(struct os_driver *d);

/* Re-reads everything from the VIM. 0, or a negative errno with
 * `METHOD URL -> status: message` in reterr. */
int os_driver_observe(struct os_driver *d, struct diag *reterr);
/* The last observation (borrowed until the next observe or free). */
const struct os_view *os_driver_view(const struct os_driver *d);
/* The project of the driver's token (NULL before the first login). */
const char *os_driver_project_id(const struct os_driver *d);

/*
 * Carries out one action and waits until the VIM reports it done (server
 * ACTIVE, load balancer ACTIVE again, resource gone). Resources it creates
 * are added to the view, so later actions of the same plan find them.
 * A pool member whose address is not known yet (a pod on another VIM) is
 * refused with -EAGAIN.
 */
int os_driver_apply(struct os_driver *d, const struct plan_action *a,
                    struct diag *reterr);

/*
 * Carries out pool member actions: creates and updates with one batch
 * call per pool, PUT /v2/lbaas/pools/{id}/members?additive_only=true
 * listing them (members not listed stay as they are), then one wait for
 * the balancer to be ACTIVE and one read of the pool's members (new
 * members' ids). Deletions, and anything else, go to os_driver_apply one
 * by one: a deleting batch would have to list every member that stays,
 * somebody else's too. results[i] and diags[i] (caller's, initialised)
 * get each action's outcome as os_driver_apply would give it (-EAGAIN:
 * address not known yet); a failed batch call fails each of its actions
 * with its `PUT URL -> status: message`. Returns 0, or the first action's
 * negative errno.
 */
int os_driver_apply_members(struct os_driver *d,
                            const struct plan_action *const *actions, size_t n,
                            int *results, struct diag *diags);
/* The name of the pool a member action is about (its attributes', else
 * the observed member's pool; borrowed), NULL when unknown or not a
 * member: actions with the same one can go in one batch. */
const char *os_driver_member_pool(const struct os_driver *d,
                                  const struct plan_action *a);

/*
 * Parallel apply: several drivers of one VIM (one per worker thread, each
 * with its own session), none used by two threads at once. os_driver_adopt
 * makes dst's view a copy of src's (its own observation, or what another
 * driver created), so that dst's next actions find what src knows; dst
 * also takes src's token when it has none as good (one login for all the
 * workers) and from then on takes turns with src, and with every driver
 * that adopted src, on each load balancer: the workers of one process
 * never make Octavia answer 409 to each other. Call it while neither
 * driver is in use; src must outlive dst.
 */
void os_driver_adopt(struct os_driver *dst, const struct os_driver *src);

/* Requests sent so far (all services), for reports and benchmarks. */
unsigned long long os_driver_requests(const struct os_driver *d);
/* The HTTP client, for per-status request counts (borrowed). */
struct http_client;
struct http_client *os_driver_http(const struct os_driver *d);

#endif
