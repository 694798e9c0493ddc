/*
 * What the controller reports about each service, VNF and VDU: desired
 * and observed instances, health, the revision last applied, the last
 * error and the actions still pending; as JSON for /status and as the
 * table `nfvsync status` prints. Health is a pure function of counts and
 * flags (status_health_vdu), so it is unit-tested apart from any VIM.
 */
#ifndef NFV_STATUS_H
#define NFV_STATUS_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "model.h"
#include "plan.h"

struct policy;

enum status_health {
	HEALTH_HEALTHY,     /* everything desired runs, nothing pending */
	HEALTH_PROGRESSING, /* actions pending or in progress */
	HEALTH_DEGRADED,    /* instances failed, an action failed, or the
	                     * respawn budget is spent */
	HEALTH_MISSING,     /* nothing of it exists */
	HEALTH_SUSPENDED,   /* the service says suspend */
	HEALTH_MAX,
	HEALTH_INVALID = -22,
};

const char *status_health_name(enum status_health h);

struct status_vdu_counts {
	int desired;
	int running;    /* ACTIVE servers, ready pods */
	int failed;     /* servers in ERROR, SHUTOFF... */
	size_t pending; /* planned actions for it */
	bool error;     /* its last action failed */
	bool exhausted; /* respawn budget spent */
	bool suspended;
};

enum status_health status_health_vdu(const struct status_vdu_counts *c);
/* A parent's health from its children's (and its own pending/error). */
enum status_health status_health_combine(const enum status_health *hs, size_t n,
                                         size_t pending, bool error);

/* What the loop knows of one service beyond the VIMs. */
struct status_service_state {
	const char *name;
	const char *applied_revision; /* last revision applied in full */
	const char *error;            /* last error, or NULL */
	bool backing_off;
};

struct status_input {
	const char *source;
	const char *revision;        /* in force (last good), or NULL */
	const char *summary;         /* its commit subject, or NULL */
	const char *failed_revision; /* newest revision refused, or NULL */
	const char *error;           /* source/load/VIM error, or NULL */
	unsigned long long cycles;
	double last_cycle_wall; /* time(NULL) of the last cycle end */
	bool dry_run;
	bool leader;                     /* false: standby, acting on nothing */
	const struct nfv_model *model;   /* NULL before a good revision */
	const struct plan_observed *obs; /* NULL: not observed */
	const struct plan *plan;         /* pending actions, or NULL */
	const struct status_service_state *services;
	size_t nservices;
	struct policy *policy; /* respawn budgets, or NULL */
	double now;            /* on the policy's clock */
};

/* The status document (format_version 1); caller puts it. */
struct json_object *status_build(const struct status_input *in);
/* The table `nfvsync status` prints for a status document; caller frees. */
char *status_render(struct json_object *status);

#endif
