/*
 * The status document and its table; see status.h. Reads the model, the
 * observation and the plan; changes nothing and does no I/O.
 */
#include "status.h"
#include "loop_policy.h"
#include "strbuf.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char *const status_health_names[HEALTH_MAX] = {
    "Healthy", "Progressing", "Degraded", "Missing", "Suspended",
};

const char *
status_health_name(enum status_health h)
{
	return h >= 0 && h < HEALTH_MAX ? status_health_names[h] : "Unknown";
}

enum status_health
status_health_vdu(const struct status_vdu_counts *c)
{
	if (c->suspended)
		return HEALTH_SUSPENDED;
	if (c->desired > 0 && c->running == 0 && c->failed == 0 &&
	    !c->exhausted)
		return HEALTH_MISSING;
	if (c->failed > 0 || c->error || c->exhausted)
		return HEALTH_DEGRADED;
	if (c->pending > 0 || c->running != c->desired)
		return HEALTH_PROGRESSING;
	return HEALTH_HEALTHY;
}

enum status_health
status_health_combine(const enum status_health *hs, size_t n, size_t pending,
                      bool error)
{
	size_t i, missing = 0, suspended = 0;
	bool degraded = error, progressing = pending > 0;

	for (i = 0; i < n; i++) {
		missing += hs[i] == HEALTH_MISSING;
		suspended += hs[i] == HEALTH_SUSPENDED;
		degraded = degraded || hs[i] == HEALTH_DEGRADED;
		progressing = progressing || hs[i] == HEALTH_PROGRESSING;
	}
	if (n > 0 && suspended == n)
		return HEALTH_SUSPENDED;
	if (n > 0 && missing == n && !error)
		return HEALTH_MISSING;
	if (degraded || missing > 0)
		return HEALTH_DEGRADED;
	if (progressing)
		return HEALTH_PROGRESSING;
	return HEALTH_HEALTHY;
}

static void
status_put_str(struct json_object *o, const char *key, const char *v)
{
	if (v)
		json_object_object_add(o, key, json_object_new_string(v));
}

static bool
status_same_label(const char *a, const char *b)
{
	char *x, *y;
	bool same;

	if (!a || !b)
		return false;
	x = plan_dns_name(a);
	y = plan_dns_name(b);
	same = strcasecmp(x, y) == 0;
	free(x);
	free(y);
	return same;
}

static const struct plan_observed_res *
status_find_res(const struct plan_observed *obs, const char *vim,
                enum plan_kind kind, const char *name)
{
	size_t i;

	for (i = 0; obs && i < obs->n; i++) {
		const struct plan_observed_res *r = &obs->res[i];

		if (r->kind == kind && strcmp(r->vim, vim) == 0 &&
		    strcmp(r->name, name) == 0)
			return r;
	}
	return NULL;
}

/* Pending actions of a service, or of one VDU of it (vdu NULL: all). */
static size_t
status_pending(const struct plan *plan, const char *service, const char *vnf,
               const char *vdu)
{
	size_t i, n = 0;

	for (i = 0; plan && i < plan->n; i++) {
		const struct plan_action *a = &plan->actions[i];

		if (!a->service || strcmp(a->service, service) != 0)
			continue;
		if (vdu && (!a->vnf || !a->vdu || strcmp(a->vnf, vnf) != 0 ||
		            strcmp(a->vdu, vdu) != 0))
			continue;
		n++;
	}
	return n;
}

static const struct status_service_state *
status_state(const struct status_input *in, const char *name)
{
	size_t i;

	for (i = 0; i < in->nservices; i++) {
		if (strcmp(in->services[i].name, name) == 0)
			return &in->services[i];
	}
	return NULL;
}

/* Counts the instances of a VM VDU by the servers' deterministic names. */
static void
status_count_vm(const struct status_input *in, const struct nfv_service *s,
                const struct nfv_vnf *vnf, const struct nfv_vdu *vdu,
                struct status_vdu_counts *c)
{
	int i;

	for (i = 0; i < vdu->instances; i++) {
		char *name =
		    xasprintf("%s-%s-%s-%d", s->name, vnf->name, vdu->name, i);
		const struct plan_observed_res *r =
		    status_find_res(in->obs, vnf->vim, PLAN_SERVER, name);

		if (r && r->status && strcmp(r->status, "ACTIVE") == 0)
			c->running++;
		else if (r)
			c->failed++;
		if (in->policy &&
		    !policy_respawn_allowed(in->policy, name, in->now, NULL))
			c->exhausted = true;
		free(name);
	}
}

static void
status_count_pods(const struct status_input *in, const struct nfv_service *s,
                  const struct nfv_vnf *vnf, const struct nfv_vdu *vdu,
                  struct status_vdu_counts *c)
{
	size_t i;

	for (i = 0; in->obs && i < in->obs->nendpoints; i++) {
		const struct plan_endpoint *e = &in->obs->endpoints[i];

		if (strcmp(e->vim, vnf->vim) == 0 &&
		    status_same_label(e->service, s->name) &&
		    status_same_label(e->vnf, vnf->name) &&
		    status_same_label(e->vdu, vdu->name))
			c->running++;
	}
}

static struct json_object *
status_service(const struct status_input *in, const struct nfv_service *s)
{
	const struct status_service_state *st = status_state(in, s->name);
	struct json_object *o = json_object_new_object();
	struct json_object *vnfs = json_object_new_array();
	struct json_object *pending = json_object_new_array();
	enum status_health *vnf_h = xcalloc(s->nvnfs + 1, sizeof(*vnf_h));
	bool suspended = s->sync == NFV_SYNC_SUSPEND;
	size_t i, j, own = 0;

	for (i = 0; i < s->nvnfs; i++) {
		const struct nfv_vnf *vnf = &s->vnfs[i];
		struct json_object *v = json_object_new_object();
		struct json_object *vdus = json_object_new_array();
		enum status_health *vdu_h =
		    xcalloc(vnf->nvdus + 1, sizeof(*vdu_h));

		for (j = 0; j < vnf->nvdus; j++) {
			const struct nfv_vdu *vdu = &vnf->vdus[j];
			struct status_vdu_counts c = {0};
			struct json_object *d = json_object_new_object();

			c.desired = vdu->instances;
			c.pending = status_pending(in->plan, s->name, vnf->name,
			                           vdu->name);
			c.suspended = suspended;
			if (vdu->kind == NFV_VDU_VM)
				status_count_vm(in, s, vnf, vdu, &c);
			else
				status_count_pods(in, s, vnf, vdu, &c);
			vdu_h[j] = in->obs || suspended ? status_health_vdu(&c)
			                                : HEALTH_PROGRESSING;
			status_put_str(d, "name", vdu->name);
			status_put_str(d, "kind",
			               vdu->kind == NFV_VDU_VM ? "vm"
			                                       : "container");
			json_object_object_add(d, "desired",
			                       json_object_new_int(c.desired));
			if (in->obs) {
				json_object_object_add(
				    d, "observed",
				    json_object_new_int(c.running));
				json_object_object_add(
				    d, "failed", json_object_new_int(c.failed));
			}
			json_object_object_add(
			    d, "pending", json_object_new_int((int)c.pending));
			if (c.exhausted)
				json_object_object_add(
				    d, "respawn_budget_spent",
				    json_object_new_boolean(true));
			status_put_str(d, "health",
			               status_health_name(vdu_h[j]));
			json_object_array_add(vdus, d);
		}
		vnf_h[i] = status_health_combine(vdu_h, vnf->nvdus, 0, false);
		free(vdu_h);
		status_put_str(v, "name", vnf->name);
		status_put_str(v, "vim", vnf->vim);
		status_put_str(v, "health", status_health_name(vnf_h[i]));
		json_object_object_add(v, "vdus", vdus);
		json_object_array_add(vnfs, v);
	}
	for (i = 0; in->plan && i < in->plan->n; i++) {
		const struct plan_action *a = &in->plan->actions[i];
		char *text;

		if (!a->service || strcmp(a->service, s->name) != 0)
			continue;
		if (!a->vdu)
			own++;
		text = xasprintf("%s %s %s on %s%s%s", plan_op_name(a->op),
		                 plan_kind_name(a->kind), a->name, a->vim,
		                 a->reason ? ": " : "",
		                 a->reason ? a->reason : "");
		json_object_array_add(pending, json_object_new_string(text));
		free(text);
	}
	status_put_str(o, "name", s->name);
	status_put_str(o, "sync",
	               in->dry_run && s->sync == NFV_SYNC_APPLY
	                   ? "dry-run"
	                   : nfv_sync_mode_name(s->sync));
	status_put_str(o, "health",
	               status_health_name(suspended ? HEALTH_SUSPENDED
	                                            : status_health_combine(
	                                                  vnf_h, s->nvnfs, own,
	                                                  st && st->error)));
	status_put_str(o, "revision", st ? st->applied_revision : NULL);
	status_put_str(o, "error", st ? st->error : NULL);
	if (st && st->backing_off)
		json_object_object_add(o, "backing_off",
		                       json_object_new_boolean(true));
	json_object_object_add(o, "pending", pending);
	json_object_object_add(o, "vnfs", vnfs);
	free(vnf_h);
	return o;
}

struct json_object *
status_build(const struct status_input *in)
{
	struct json_object *o = json_object_new_object();
	struct json_object *svcs = json_object_new_array();
	char ts[32] = "";
	size_t i;

	json_object_object_add(o, "format_version", json_object_new_int(1));
	status_put_str(o, "source", in->source);
	status_put_str(o, "revision", in->revision);
	status_put_str(o, "summary", in->summary);
	status_put_str(o, "failed_revision", in->failed_revision);
	status_put_str(o, "error", in->error);
	json_object_object_add(o, "cycles",
	                       json_object_new_int64((int64_t)in->cycles));
	if (in->last_cycle_wall > 0) {
		time_t t = (time_t)in->last_cycle_wall;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
		status_put_str(o, "last_cycle", ts);
	}
	json_object_object_add(o, "dry_run",
	                       json_object_new_boolean(in->dry_run));
	json_object_object_add(o, "leader",
	                       json_object_new_boolean(in->leader));
	for (i = 0; in->model && i < in->model->nservices; i++) {
		if (in->model->services[i].kind == NFV_SERVICE_OTHER)
			continue;
		json_object_array_add(
		    svcs, status_service(in, &in->model->services[i]));
	}
	json_object_object_add(o, "services", svcs);
	return o;
}

/* ---- the table ---------------------------------------------------------- */

static const char *
status_str(struct json_object *o, const char *key, const char *dflt)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !v)
		return dflt;
	return json_object_get_string(v);
}

static struct json_object *
status_arr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_array))
		return NULL;
	return v;
}

/* A revision as a short SHA (or "dir:" + 12 hex). */
static void
status_short_rev(struct strbuf *sb, const char *rev)
{
	if (!rev) {
		strbuf_puts(sb, "-");
		return;
	}
	size_t want = strncmp(rev, "dir:", 4) == 0 ? 16 : 12;

	strbuf_add(sb, rev, strnlen(rev, want));
}

char *
status_render(struct json_object *st)
{
	struct strbuf sb = STRBUF_INIT, rev = STRBUF_INIT;
	struct json_object *svcs = status_arr(st, "services");
	size_t i, j, k, n = svcs ? json_object_array_length(svcs) : 0;

	strbuf_printf(&sb, "Source:          %s\n",
	              status_str(st, "source", "-"));
	strbuf_printf(&sb, "Revision:        %s",
	              status_str(st, "revision", "-"));
	if (status_str(st, "summary", NULL))
		strbuf_printf(&sb, " (%s)", status_str(st, "summary", NULL));
	strbuf_printf(&sb, "\nLast cycle:      %s (cycle %s)\n",
	              status_str(st, "last_cycle", "-"),
	              status_str(st, "cycles", "0"));
	strbuf_printf(
	    &sb, "Mode:            %s%s\n",
	    json_object_get_boolean(json_object_object_get(st, "dry_run"))
	        ? "dry-run"
	        : "apply",
	    json_object_get_boolean(json_object_object_get(st, "leader"))
	        ? ""
	        : " (standby: acting on nothing)");
	if (status_str(st, "failed_revision", NULL))
		strbuf_printf(&sb, "Refused:         %s\n",
		              status_str(st, "failed_revision", NULL));
	if (status_str(st, "error", NULL))
		strbuf_printf(&sb, "Error:           %s\n",
		              status_str(st, "error", NULL));
	strbuf_printf(&sb, "\n%-24s %-8s %-12s %-17s %s\n", "SERVICE", "SYNC",
	              "HEALTH", "REVISION", "PENDING");
	for (i = 0; i < n; i++) {
		struct json_object *s = json_object_array_get_idx(svcs, i);
		struct json_object *p = status_arr(s, "pending");

		strbuf_reset(&rev);
		status_short_rev(&rev, status_str(s, "revision", NULL));
		strbuf_printf(&sb, "%-24s %-8s %-12s %-17s %zu\n",
		              status_str(s, "name", "?"),
		              status_str(s, "sync", "?"),
		              status_str(s, "health", "?"), strbuf_str(&rev),
		              p ? json_object_array_length(p) : 0);
	}
	strbuf_printf(&sb, "\n%-24s %-16s %-10s %-8s %-8s %-9s %s\n", "SERVICE",
	              "VNF", "VDU", "VIM", "DESIRED", "OBSERVED", "HEALTH");
	for (i = 0; i < n; i++) {
		struct json_object *s = json_object_array_get_idx(svcs, i);
		struct json_object *vnfs = status_arr(s, "vnfs");

		for (j = 0; vnfs && j < json_object_array_length(vnfs); j++) {
			struct json_object *v =
			    json_object_array_get_idx(vnfs, j);
			struct json_object *vdus = status_arr(v, "vdus");

			for (k = 0; vdus && k < json_object_array_length(vdus);
			     k++) {
				struct json_object *d =
				    json_object_array_get_idx(vdus, k);

				strbuf_printf(
				    &sb,
				    "%-24s %-16s %-10s %-8s %-8s %-9s %s\n",
				    status_str(s, "name", "?"),
				    status_str(v, "name", "?"),
				    status_str(d, "name", "?"),
				    status_str(v, "vim", "?"),
				    status_str(d, "desired", "?"),
				    status_str(d, "observed", "?"),
				    status_str(d, "health", "?"));
			}
		}
	}
	for (i = 0; i < n; i++) {
		struct json_object *s = json_object_array_get_idx(svcs, i);
		struct json_object *p = status_arr(s, "pending");

		if (status_str(s, "error", NULL))
			strbuf_printf(&sb, "\n%s: error: %s\n",
			              status_str(s, "name", "?"),
			              status_str(s, "error", NULL));
		for (j = 0; p && j < json_object_array_length(p); j++)
			strbuf_printf(&sb, "%s%s: pending: %s\n", j ? "" : "\n",
			              status_str(s, "name", "?"),
			              json_object_get_string(
			                  json_object_array_get_idx(p, j)));
	}
	strbuf_done(&rev);
	return strbuf_detach(&sb);
}
