/*
 * Plan renderings: Terraform-like text grouped by service and VIM, and a
 * versioned JSON document for machines (format_version 1). Pure.
 */
#include "plan.h"
#include "strbuf.h"
#include "xalloc.h"

#include <json-c/json.h>
#include <string.h>

static const char plan_op_symbols[PLAN_OP_MAX] = {
    [PLAN_CREATE] = '+',  [PLAN_UPDATE] = '~',   [PLAN_REPLACE] = 'R',
    [PLAN_RESPAWN] = '!', [PLAN_FAILOVER] = '!', [PLAN_DELETE] = '-',
};

static void
plan_text_action(struct strbuf *sb, const struct plan_action *a)
{
	size_t i;

	if (a->op == PLAN_REPLACE)
		strbuf_puts(sb, "  -/+ ");
	else
		strbuf_printf(sb, "  %c ", plan_op_symbols[a->op]);
	strbuf_printf(sb, "%-13s %s", plan_kind_name(a->kind), a->name);
	if (a->op != PLAN_CREATE)
		strbuf_printf(sb, "  (%s: %s)", plan_op_name(a->op), a->reason);
	strbuf_putc(sb, '\n');
	for (i = 0; i < a->nattrs; i++)
		strbuf_printf(sb, "        %-18s %s\n", a->attrs[i].key,
		              a->attrs[i].value);
}

bool
plan_action_suspended(const struct plan *p, const struct plan_action *a)
{
	size_t i;

	for (i = 0; a->service && i < p->model->nservices; i++) {
		if (strcmp(p->model->services[i].name, a->service) == 0)
			return p->model->services[i].sync == NFV_SYNC_SUSPEND;
	}
	return false;
}

size_t
plan_count_suspended(const struct plan *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->n; i++)
		n += plan_action_suspended(p, &p->actions[i]);
	return n;
}

static bool
plan_seen_before(const struct plan *p, size_t upto, const char *service,
                 const char *vim)
{
	size_t i;

	for (i = 0; i < upto; i++) {
		if (strcmp(p->actions[i].service, service) == 0 &&
		    (!vim || strcmp(p->actions[i].vim, vim) == 0))
			return true;
	}
	return false;
}

char *
plan_to_text(const struct plan *p)
{
	struct strbuf sb = STRBUF_INIT;
	const struct nfv_model *m = p->model;
	size_t i, j, k, suspended = plan_count_suspended(p);

	for (i = 0; i < m->nservices; i++) {
		const struct nfv_service *s = &m->services[i];

		strbuf_printf(&sb, "%s %s (%s)\n",
		              s->kind == NFV_SERVICE_NS    ? "Network service"
		              : s->kind == NFV_SERVICE_VNF ? "VNF"
		                                           : "Descriptor",
		              s->name, s->file);
		if (s->sync == NFV_SYNC_SUSPEND)
			strbuf_puts(
			    &sb, "\n Suspended (nfvsync.io/sync: suspend in "
			         "its metadata): apply skips this\n service, "
			         "run and watch leave it alone; the actions "
			         "below are not carried out.\n");
		for (j = 0; j < p->n; j++) {
			const struct plan_action *a = &p->actions[j];
			const struct nfv_vim *vim;

			if (strcmp(a->service, s->name) != 0 ||
			    plan_seen_before(p, j, s->name, a->vim))
				continue;
			vim = nfv_model_vim(m, a->vim);
			if (vim)
				strbuf_printf(&sb, "\n VIM %s (%s)\n", a->vim,
				              nfv_vim_kind_name(vim->kind));
			else
				strbuf_printf(
				    &sb,
				    "\n VIM %s (not registered: apply "
				    "needs vims/%s.yaml)\n",
				    a->vim, a->vim);
			for (k = j; k < p->n; k++) {
				if (strcmp(p->actions[k].service, s->name) ==
				        0 &&
				    strcmp(p->actions[k].vim, a->vim) == 0)
					plan_text_action(&sb, &p->actions[k]);
			}
		}
		if (!plan_seen_before(p, p->n, s->name, NULL))
			strbuf_puts(&sb, "\n  (nothing nfvsync deploys)\n");
		if (s->nunsupported) {
			strbuf_puts(&sb, "\n Not supported yet (read and "
			                 "validated, not deployed):\n");
			for (j = 0; j < s->nunsupported; j++) {
				const struct nfv_unsupported *u =
				    &s->unsupported[j];

				strbuf_printf(&sb, "  ? %s: %s (%s:%u)\n",
				              u->feature, u->subject,
				              u->pos.file, u->pos.line);
			}
		}
		strbuf_puts(&sb, "\n");
	}
	strbuf_printf(&sb,
	              "Plan: %zu to create, %zu to update, %zu to replace, "
	              "%zu to respawn, ",
	              p->counts[PLAN_CREATE], p->counts[PLAN_UPDATE],
	              p->counts[PLAN_REPLACE], p->counts[PLAN_RESPAWN]);
	/* Failovers are rare; the line keeps its usual shape without them. */
	if (p->counts[PLAN_FAILOVER])
		strbuf_printf(&sb, "%zu to fail over, ",
		              p->counts[PLAN_FAILOVER]);
	strbuf_printf(&sb, "%zu to delete.\n", p->counts[PLAN_DELETE]);
	if (suspended)
		strbuf_printf(&sb,
		              "(%zu of these actions %s in suspended services: "
		              "not carried out by apply, run or watch.)\n",
		              suspended, suspended == 1 ? "is" : "are");
	if (p->offline)
		strbuf_puts(&sb, "(No VIM was consulted: planned as if every "
		                 "VIM were empty.)\n");
	return strbuf_detach(&sb);
}

char *
plan_to_json(const struct plan *p)
{
	json_object *root = json_object_new_object();
	json_object *acts = json_object_new_array();
	json_object *unsup = json_object_new_array();
	json_object *sum = json_object_new_object();
	char *out;
	size_t i, j;

	json_object_object_add(root, "format_version", json_object_new_int(1));
	json_object_object_add(root, "offline",
	                       json_object_new_boolean(p->offline));
	for (i = 0; i < p->n; i++) {
		const struct plan_action *a = &p->actions[i];
		json_object *o = json_object_new_object();
		json_object *attrs = json_object_new_object();

		json_object_object_add(
		    o, "op", json_object_new_string(plan_op_name(a->op)));
		json_object_object_add(
		    o, "kind", json_object_new_string(plan_kind_name(a->kind)));
		json_object_object_add(o, "service",
		                       json_object_new_string(a->service));
		json_object_object_add(o, "vim",
		                       json_object_new_string(a->vim));
		json_object_object_add(o, "name",
		                       json_object_new_string(a->name));
		if (a->vnf)
			json_object_object_add(o, "vnf",
			                       json_object_new_string(a->vnf));
		if (a->vdu)
			json_object_object_add(o, "vdu",
			                       json_object_new_string(a->vdu));
		if (a->instance >= 0)
			json_object_object_add(
			    o, "instance", json_object_new_int(a->instance));
		for (j = 0; j < a->nattrs; j++)
			json_object_object_add(
			    attrs, a->attrs[j].key,
			    json_object_new_string(a->attrs[j].value));
		json_object_object_add(o, "attributes", attrs);
		json_object_object_add(o, "spec_hash",
		                       json_object_new_string(a->spec_hash));
		if (a->id)
			json_object_object_add(o, "id",
			                       json_object_new_string(a->id));
		json_object_object_add(o, "reason",
		                       json_object_new_string(a->reason));
		if (plan_action_suspended(p, a))
			json_object_object_add(o, "suspended",
			                       json_object_new_boolean(true));
		json_object_array_add(acts, o);
	}
	json_object_object_add(root, "actions", acts);
	for (i = 0; i < p->model->nservices; i++) {
		const struct nfv_service *s = &p->model->services[i];

		for (j = 0; j < s->nunsupported; j++) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "service",
			                       json_object_new_string(s->name));
			json_object_object_add(
			    o, "feature",
			    json_object_new_string(s->unsupported[j].feature));
			json_object_object_add(
			    o, "subject",
			    json_object_new_string(s->unsupported[j].subject));
			json_object_array_add(unsup, o);
		}
	}
	json_object_object_add(root, "not_supported_yet", unsup);
	for (i = 0; i < PLAN_OP_MAX; i++)
		json_object_object_add(
		    sum, plan_op_name((enum plan_op)i),
		    json_object_new_int64((int64_t)p->counts[i]));
	json_object_object_add(root, "summary", sum);
	out = xstrdup(json_object_to_json_string_ext(
	    root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	              JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return out;
}
