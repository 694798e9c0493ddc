/*
 * What an OpenStack VIM holds, as nfvsync sees it after one observe pass:
 * its own (tagged) servers, ports and Octavia objects, plus the name -> id
 * lookups apply needs (networks, subnets, images, flavors). Built from the
 * JSON of list calls by pure decoders, so it is unit-tested on recorded
 * responses. Ownership is read from tags:
 *   nfvsync                 managed by nfvsync
 *   nfvsync.ns=<service>    the network service (or VNF) it belongs to
 *   nfvsync.spec=<hash>     the desired spec it was created from
 *   nfvsync.fixed=<hash>    ports: that spec less what changes in place
 * Nova tags take no '/' or ',' and at most 60 characters; these fit.
 */
#ifndef NFV_OS_VIEW_H
#define NFV_OS_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "plan.h"

struct json_object;

#define OS_TAG_MANAGED "nfvsync"
#define OS_TAG_NS "nfvsync.ns="
#define OS_TAG_SPEC "nfvsync.spec="
/* Ports: the spec without what Neutron changes in place (plan.h). */
#define OS_TAG_FIXED "nfvsync.fixed="

/* One observed resource: the planner's view plus what apply needs. */
struct os_res {
	struct plan_observed_res obs; /* strings owned by the view */
	const char *address;   /* server/port: first fixed IP; member: address;
	                          load balancer: VIP */
	const char *parent_id; /* member: pool; listener: LB; pool: LB;
	                          health monitor: pool; port: device (server) */
	const char *network_id;
	const char *operating_status; /* Octavia objects */
	/* Pool members (nfvsync's and anybody else's): protocol_port, and
	 * the member as a batch update must list it to leave it exactly as
	 * it is — JSON text of the MemberPOST fields it showed (name,
	 * address, protocol_port, weight, backup, admin_state_up, subnet_id,
	 * monitor_address, monitor_port, tags). NULL when the list did not
	 * show address, protocol_port, weight and admin_state_up: such a
	 * member cannot be echoed safely. */
	int port;
	const char *echo;
};

struct os_named {
	const char *name;
	const char *id;
	const char *network_id; /* subnets */
	const char *cidr;       /* subnets */
	const char *project_id; /* security groups */
	int vcpus;              /* flavors */
	long long ram_mib;      /* flavors */
	long long disk_gib;     /* flavors */
};

struct os_view {
	const char *vim;
	struct os_res *res;
	size_t n;
	size_t cap;
	struct os_named *networks, *subnets, *images, *flavors, *secgroups;
	size_t nnetworks, nsubnets, nimages, nflavors, nsecgroups;
	char **strs; /* every string above */
	size_t nstrs;
	size_t capstrs;
};

void os_view_init(struct os_view *v, const char *vim);
void os_view_done(struct os_view *v);
/* dst (uninitialised) becomes a deep copy of src; its vim is borrowed from
 * src, like src's. */
void os_view_copy(struct os_view *dst, const struct os_view *src);

/*
 * Decoders: each takes the parsed body of a list call (or of one show
 * call for members of a pool, given its id) and adds what it holds.
 * Return 0, or -EPROTO with `what: unexpected JSON` in reterr.
 */
int os_view_add_servers(struct os_view *v, struct json_object *body,
                        struct diag *reterr);
int os_view_add_ports(struct os_view *v, struct json_object *body,
                      struct diag *reterr);
int os_view_add_octavia(struct os_view *v, enum plan_kind kind,
                        struct json_object *body, struct diag *reterr);
int os_view_add_members(struct os_view *v, const char *pool_id,
                        struct json_object *body, struct diag *reterr);
int os_view_add_named(struct os_view *v, const char *collection,
                      struct json_object *body, struct diag *reterr);
/* Forgets the members of one pool (before reading them again), or only
 * the one whose id is given (id non-NULL). Pointers to other resources
 * stay valid only until the next add. */
void os_view_drop_members(struct os_view *v, const char *pool_id,
                          const char *id);

/* Lookups; borrowed, NULL when absent. */
const struct os_res *os_view_find(const struct os_view *v, enum plan_kind kind,
                                  const char *name);
const struct os_res *os_view_find_id(const struct os_view *v, const char *id);
/* The ID of a network, image or flavor given by name (the first of that
 * name) or, failing that, by ID. */
const char *os_view_id_of(const struct os_view *v, const char *collection,
                          const char *name);
/*
 * The ID of a security group given by ID or by name: a group of project
 * (the token's, when not NULL) before the others'. NULL when there is
 * none, or when the name is not unique among the groups it picks from
 * (*ret_ambiguous is then true).
 */
const char *os_view_secgroup_id(const struct os_view *v, const char *ref,
                                const char *project, bool *ret_ambiguous);
/* The flavors as the planner takes them (caller frees the array; the
 * strings stay the view's). */
struct plan_flavor *os_view_flavors(const struct os_view *v, size_t *ret_n);
/* The images, networks and security groups (those of project, the
 * token's, marked own) as the planner checks references against them;
 * the strings stay the view's. Free with os_view_catalog_done. */
void os_view_catalog(const struct os_view *v, const char *project,
                     struct plan_catalog *ret);
void os_view_catalog_done(struct plan_catalog *c);

/* The subnet of a network whose CIDR holds address (IPv4), or the
 * network's first subnet when address is NULL. */
const char *os_view_subnet_for(const struct os_view *v, const char *network_id,
                               const char *address);

/* The tags nfvsync puts on a resource, as a JSON array (caller puts);
 * fixed_hash: ports only, else NULL. */
struct json_object *os_tags_json(const char *service, const char *spec_hash);
struct json_object *os_port_tags_json(const char *service,
                                      const char *spec_hash,
                                      const char *fixed_hash);

#endif
