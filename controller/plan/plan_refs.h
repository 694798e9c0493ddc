/*
 * The plan's reference check (plan_refs.c), for plan_build: images,
 * flavors, networks and security groups named by what a plan makes on an
 * observed OpenStack VIM must exist there.
 */
#ifndef NFV_PLAN_REFS_H
#define NFV_PLAN_REFS_H

#include "plan.h"

/*
 * Reports, as errors at the descriptors' positions, each reference of a
 * server, port or load balancer that p creates or replaces (a port: also
 * updates; a server: also respawns from scratch) on a VIM with a catalog
 * in obs (NULL: none) that the VIM cannot resolve. Returns how many.
 */
size_t plan_check_refs(const struct plan *p, const struct plan_observed *obs,
                       struct diag *d);

#endif
