/*
 * The planner: a pure function from (desired model, observed state) to an
 * ordered list of typed actions, each with a reason, plus its renderings
 * (Terraform-like text, versioned JSON). No I/O. Until the VIM drivers land
 * (issues 4 and 5) the observed state is always empty: every desired
 * resource is a create.
 */
#ifndef NFV_PLAN_H
#define NFV_PLAN_H

#include <stddef.h>

#include "model.h"

enum plan_op {
	PLAN_CREATE,
	PLAN_UPDATE,
	PLAN_REPLACE,
	PLAN_RESPAWN,
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
};

struct plan_action {
	enum plan_op op;
	enum plan_kind kind;
	const char *service;
	const char *vim;
	char *name;      /* deterministic VIM-side name */
	const char *vnf; /* owner, when the resource belongs to a VNF */
	const char *vdu;
	int instance; /* -1 when not per instance */
	struct plan_attr *attrs;
	size_t nattrs;
	const char *reason;
};

struct plan {
	struct plan_action *actions;
	size_t n;
	const struct nfv_model *model; /* borrowed */
	size_t counts[PLAN_OP_MAX];
};

const char *plan_op_name(enum plan_op op);
const char *plan_kind_name(enum plan_kind k);

/* Builds the plan for m against empty VIMs; caller frees with plan_free. */
int plan_build(const struct nfv_model *m, struct plan **ret);
void plan_free(struct plan *p);

/* Renderings; the caller frees the string. */
char *plan_to_text(const struct plan *p);
char *plan_to_json(const struct plan *p);

/* A DNS-1123 label from a name ("site2_web" -> "site2-web"), caller frees. */
char *plan_dns_name(const char *name);

#endif
