/*
 * The planner: a pure function from (desired model, observed state) to an
 * ordered list of typed actions, each with a reason, plus its renderings
 * (Terraform-like text, versioned JSON). No I/O.
 *
 * Desired resources get deterministic names and a spec hash; observed ones
 * carry the hash nfvsync tagged them with. Matching is by (VIM, kind,
 * name); only resources tagged as nfvsync's own are ever changed or
 * deleted, and only on VIMs that were actually observed.
 */
#ifndef NFV_PLAN_H
#define NFV_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

#include "model.h"

enum plan_op {
	PLAN_CREATE,
	PLAN_UPDATE,
	PLAN_REPLACE,
	PLAN_RESPAWN,
	PLAN_FAILOVER,
	PLAN_DELETE,
	PLAN_OP_MAX,
	PLAN_OP_INVALID = -22,
};

enum plan_kind {
	PLAN_PORT,
	PLAN_SERVER,
	PLAN_DEPLOYMENT,
	PLAN_SERVICE,
	PLAN_AUTOSCALER,
	PLAN_LOADBALANCER,
	PLAN_LISTENER,
	PLAN_POOL,
	PLAN_MEMBER,
	PLAN_HEALTH_MONITOR,
	PLAN_L7_POLICY,
	PLAN_KIND_MAX,
	PLAN_KIND_INVALID = -22,
};

struct plan_attr {
	const char *key;
	char *value;
	bool display_only; /* not part of the spec (e.g. "known after apply") */
	/* Part of the spec, but the VIM changes it in place (a port's
	 * security groups): a change to only such attributes is an update
	 * even for a kind that is otherwise replaced. */
	bool in_place;
};

struct plan_action {
	enum plan_op op;
	enum plan_kind kind;
	const char *service;
	const char *vim;
	char *name;      /* deterministic VIM-side name */
	const char *vnf; /* owner, when the resource belongs to a VNF */
	const char *vdu;
	/* The same owner in the model, for drivers that build manifests
	 * from it (borrowed from the plan's model; NULL for deletes). */
	const struct nfv_vnf *model_vnf;
	const struct nfv_vdu *model_vdu;
	const struct nfv_cp *model_cp;       /* ports */
	const struct nfv_balancer *model_lb; /* load balancers */
	int instance;                        /* -1 when not per instance */
	struct plan_attr *attrs;
	size_t nattrs;
	char spec_hash[17]; /* 64-bit FNV-1a of kind + spec attributes, hex */
	/* The same over the attributes that are not in_place: equal fixed
	 * hashes, the resource can be updated rather than replaced. */
	char fixed_hash[17];
	const char *id; /* the VIM's id, for actions on what exists */
	const char *reason;
};

/* A resource as a VIM driver found it (strings owned by the driver). */
struct plan_observed_res {
	enum plan_kind kind;
	const char *vim;
	const char *name;
	const char *id;
	const char *status;     /* the VIM's word: ACTIVE, ERROR, SHUTOFF… */
	const char *service;    /* from the ownership tag */
	const char *spec_hash;  /* from the ownership tag, or NULL */
	const char *fixed_hash; /* ports: likewise, or NULL (then replaced) */
	bool managed;           /* tagged managed-by=nfvsync */
	/* Pool members: the balancer's word on the back end (operating
	 * status: ONLINE, ERROR…) and since when, in Unix seconds (the
	 * member's updated_at; 0 unknown). */
	const char *health;
	long long health_since;
	/* What was changed on the VIM behind nfvsync's back (then spec_hash
	 * is NULL), for the plan's reason; NULL when nothing was. */
	const char *drift;
};

/* A ready pod of a containerised VDU, by the labels its driver reads. */
struct plan_endpoint {
	const char *vim;
	const char *service;
	const char *vnf;
	const char *vdu;
	const char *pod;     /* pod name */
	const char *address; /* pod IP */
};

/* A flavor an OpenStack VIM offers (GET /flavors/detail). */
struct plan_flavor {
	const char *vim;
	const char *name;
	int vcpus;
	long long ram_mib;
	long long disk_gib;
	const char *id;
};

/* An image, network or security group an OpenStack VIM has. */
struct plan_named {
	const char *name;
	const char *id;
	bool own; /* security groups: of the token's project */
};

/*
 * What the servers and ports the plan makes on one observed OpenStack VIM
 * may refer to, besides its flavors. A VIM with a catalog gets its
 * references checked (plan_build); one without (Kubernetes) does not.
 */
struct plan_catalog {
	const char *vim;
	const struct plan_named *images;
	size_t nimages;
	const struct plan_named *networks;
	size_t nnetworks;
	const struct plan_named *secgroups;
	size_t nsecgroups;
};

/* What a VDU sized by nfv_compute needs of a flavor: at least these. */
struct plan_compute {
	int vcpus;
	long long ram_mib;  /* mem_size, rounded up to MiB */
	long long disk_gib; /* disk_size, rounded up to GiB */
};

struct plan_observed {
	const struct plan_observed_res *res;
	size_t n;
	const char *const *vims; /* VIMs observed; others are left alone */
	size_t nvims;
	/* Ready pods: the pool members of containerised VDUs. */
	const struct plan_endpoint *endpoints;
	size_t nendpoints;
	/* Flavors of the observed OpenStack VIMs, to show which one a VDU
	 * sized by nfv_compute gets. */
	const struct plan_flavor *flavors;
	size_t nflavors;
	/* Images, networks and security groups of the observed OpenStack
	 * VIMs, to refuse a plan that refers to one that is not there. */
	const struct plan_catalog *catalogs;
	size_t ncatalogs;
};

struct plan_opts {
	/* Refuse a plan deleting more than this share of the managed
	 * resources of the observed VIMs (0.5 by default)... */
	double max_delete_share;
	/* ...unless the user said --allow-mass-delete. */
	bool allow_mass_delete;
	/* The time of the plan, in Unix seconds, for decisions that depend
	 * on it (the planner reads no clock); 0: none is taken. */
	long long now;
	/* A pool member ERROR for longer than this (seconds; 0: 60) gets
	 * its server respawned. */
	long member_error_grace;
};

struct plan {
	struct plan_action *actions;
	size_t n;
	const struct nfv_model *model; /* borrowed */
	size_t counts[PLAN_OP_MAX];
	size_t managed; /* managed resources observed */
	bool offline;   /* no VIM was observed: planned against empty VIMs */
	const struct plan_observed *obs; /* while building; NULL after */
	/* Members of pods on VIMs that were not observed: neither planned
	 * nor pruned (name prefixes). */
	char **keep;
	size_t nkeep;
};

const char *plan_op_name(enum plan_op op);
const char *plan_kind_name(enum plan_kind k);

/*
 * Builds the plan for m against obs (NULL: every VIM taken as empty, an
 * offline plan). Returns 0 and *ret (free with plan_free), -EINVAL when a
 * port would have no network (nfv_model_check_links), -ENOENT when what
 * it would create or replace on a VIM with a catalog names an image,
 * flavor, network or security group the VIM does not have (or no flavor
 * fits a VDU sized by nfv_compute), or -EPERM when the plan would delete
 * too much (details in reterr at the descriptors' positions, no plan
 * returned).
 */
int plan_build(const struct nfv_model *m, const struct plan_observed *obs,
               const struct plan_opts *opts, struct plan **ret,
               struct diag *reterr);
void plan_free(struct plan *p);

/* Whether a belongs to a service whose descriptor says
 * `nfvsync.io/sync: suspend` (apply, run and watch leave it out); how
 * many of p's actions do. */
bool plan_action_suspended(const struct plan *p, const struct plan_action *a);
size_t plan_count_suspended(const struct plan *p);
/* Renderings; the caller frees the string. */
char *plan_to_text(const struct plan *p);
char *plan_to_json(const struct plan *p);

/* What vdu's nfv_compute capability asks of a flavor. */
void plan_compute_of(const struct nfv_vdu *vdu, struct plan_compute *ret);
/*
 * The smallest of the n flavors (those of vim only, when vim is not NULL)
 * with at least need's vCPUs, RAM and disk: fewest vCPUs, then least RAM,
 * then least disk, then the first name in byte order. NULL when none fits.
 */
const struct plan_flavor *plan_flavor_pick(const struct plan_flavor *flavors,
                                           size_t n, const char *vim,
                                           const struct plan_compute *need);
/* "1 vCPU, 512 MiB RAM, 1 GiB disk" (what a flavor must have), caller
 * frees. */
char *plan_compute_text(const struct plan_compute *need);

/* A DNS-1123 label from a name ("site2_web" -> "site2-web"), caller frees. */
char *plan_dns_name(const char *name);

#endif
