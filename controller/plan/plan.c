/*
 * Plan building: walks the desired model in apply order (ports, servers,
 * Kubernetes objects, then each balancer's LB, listener, pool, members,
 * health monitor, L7 policies) and emits one action per VIM resource with a
 * deterministic name, so a retried create can be recognised. Pure.
 */
#include "plan.h"
#include "strbuf.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *const plan_op_names[PLAN_OP_MAX] = {
    [PLAN_CREATE] = "create",   [PLAN_UPDATE] = "update",
    [PLAN_REPLACE] = "replace", [PLAN_RESPAWN] = "respawn",
    [PLAN_DELETE] = "delete",
};

static const char *const plan_kind_names[PLAN_KIND_MAX] = {
    [PLAN_PORT] = "port",
    [PLAN_SERVER] = "server",
    [PLAN_DEPLOYMENT] = "deployment",
    [PLAN_SERVICE] = "service",
    [PLAN_AUTOSCALER] = "autoscaler",
    [PLAN_LOADBALANCER] = "loadbalancer",
    [PLAN_LISTENER] = "listener",
    [PLAN_POOL] = "pool",
    [PLAN_MEMBER] = "member",
    [PLAN_HEALTH_MONITOR] = "healthmonitor",
    [PLAN_L7_POLICY] = "l7policy",
};

const char *
plan_op_name(enum plan_op op)
{
	return op >= 0 && op < PLAN_OP_MAX ? plan_op_names[op] : "?";
}

const char *
plan_kind_name(enum plan_kind k)
{
	return k >= 0 && k < PLAN_KIND_MAX ? plan_kind_names[k] : "?";
}

char *
plan_dns_name(const char *name)
{
	char *s = xstrdup(name);
	char *p;

	for (p = s; *p; p++) {
		*p = (char)tolower((unsigned char)*p);
		if (!isalnum((unsigned char)*p) && *p != '-')
			*p = '-';
	}
	return s;
}

static struct plan_action *
plan_add(struct plan *p, enum plan_kind kind, const struct nfv_service *s,
         const char *vim, char *name)
{
	struct plan_action *a;

	p->actions = xrealloc(p->actions, (p->n + 1) * sizeof(*p->actions));
	a = &p->actions[p->n++];
	memset(a, 0, sizeof(*a));
	a->op = PLAN_CREATE;
	a->kind = kind;
	a->service = s->name;
	a->vim = vim;
	a->name = name;
	a->instance = -1;
	a->reason = "desired, not found on the VIM";
	p->counts[PLAN_CREATE]++;
	return a;
}

static void plan_attr(struct plan_action *a, const char *key, const char *fmt,
                      ...) __attribute__((format(printf, 3, 4)));

static void
plan_attr(struct plan_action *a, const char *key, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	a->attrs = xrealloc(a->attrs, (a->nattrs + 1) * sizeof(*a->attrs));
	a->attrs[a->nattrs].key = key;
	a->attrs[a->nattrs].value = strbuf_detach(&sb);
	a->nattrs++;
}

static void
plan_owner(struct plan_action *a, const struct nfv_vnf *vnf,
           const struct nfv_vdu *vdu, int instance)
{
	a->vnf = vnf->name;
	a->vdu = vdu ? vdu->name : NULL;
	a->instance = instance;
}

static void
plan_vm_vdu(struct plan *p, const struct nfv_service *s,
            const struct nfv_vnf *vnf, const struct nfv_vdu *vdu)
{
	int i;
	size_t c;

	for (i = 0; i < vdu->instances; i++) {
		char *server =
		    xasprintf("%s-%s-%s-%d", s->name, vnf->name, vdu->name, i);
		struct plan_action *a;

		for (c = 0; c < vnf->ncps; c++) {
			const struct nfv_cp *cp = &vnf->cps[c];

			if (!cp->vdu || strcmp(cp->vdu, vdu->name) != 0)
				continue;
			a = plan_add(p, PLAN_PORT, s, vnf->vim,
			             xasprintf("%s-%s", server, cp->name));
			plan_owner(a, vnf, vdu, i);
			plan_attr(a, "network", "%s",
			          cp->network_name ? cp->network_name : "?");
			if (cp->ip_address)
				plan_attr(a, "fixed_ip", "%s", cp->ip_address);
			if (cp->mac_address)
				plan_attr(a, "mac_address", "%s",
				          cp->mac_address);
			if (!cp->anti_spoofing)
				plan_attr(a, "port_security", "off");
		}
		a = plan_add(p, PLAN_SERVER, s, vnf->vim, server);
		plan_owner(a, vnf, vdu, i);
		plan_attr(a, "image", "%s", vdu->image ? vdu->image : "?");
		if (vdu->flavor)
			plan_attr(a, "flavor", "%s", vdu->flavor);
		else
			plan_attr(a, "flavor", "%d vCPU, %lld MB", vdu->vcpus,
			          vdu->mem_bytes / 1000000);
		if (vdu->availability_zone)
			plan_attr(a, "availability_zone", "%s",
			          vdu->availability_zone);
		if (vdu->key_name)
			plan_attr(a, "key_name", "%s", vdu->key_name);
		if (vdu->monitoring_action)
			plan_attr(a, "on_failure", "%s",
			          vdu->monitoring_action);
	}
}

static void
plan_container_vdu(struct plan *p, const struct nfv_service *s,
                   const struct nfv_vnf *vnf, const struct nfv_vdu *vdu)
{
	char *base = xasprintf("%s-%s-%s", s->name, vnf->name, vdu->name);
	char *name = plan_dns_name(base);
	struct plan_action *a;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	free(base);
	a = plan_add(p, PLAN_DEPLOYMENT, s, vnf->vim, xstrdup(name));
	plan_owner(a, vnf, vdu, -1);
	plan_attr(a, "namespace", "%s",
	          vdu->namespace ? vdu->namespace : "default");
	if (vdu->target_cpu_utilization)
		plan_attr(a, "replicas", "%d (then owned by the autoscaler)",
		          vdu->instances);
	else
		plan_attr(a, "replicas", "%d", vdu->instances);
	for (i = 0; i < vdu->ncontainers; i++)
		strbuf_printf(
		    &sb, "%s%s=%s", i ? ", " : "", vdu->containers[i].name,
		    vdu->containers[i].image ? vdu->containers[i].image : "?");
	plan_attr(a, "containers", "%s", strbuf_str(&sb));
	strbuf_done(&sb);
	if (vdu->nmapping_ports) {
		a = plan_add(p, PLAN_SERVICE, s, vnf->vim, xstrdup(name));
		plan_owner(a, vnf, vdu, -1);
		plan_attr(a, "type", "%s",
		          vdu->service_type ? vdu->service_type : "ClusterIP");
		for (i = 0; i < vdu->nmapping_ports; i++)
			strbuf_printf(&sb, "%s%d->%d", i ? ", " : "",
			              vdu->mapping_ports[i].published,
			              vdu->mapping_ports[i].target);
		plan_attr(a, "ports", "%s", strbuf_str(&sb));
		strbuf_done(&sb);
	}
	if (vdu->target_cpu_utilization) {
		a = plan_add(p, PLAN_AUTOSCALER, s, vnf->vim, xstrdup(name));
		plan_owner(a, vnf, vdu, -1);
		plan_attr(a, "replicas", "%d..%d", vdu->min_instances,
		          vdu->max_instances);
		plan_attr(a, "target_cpu", "%d%%", vdu->target_cpu_utilization);
	}
	free(name);
}

/* The address a member will have: a fixed IP, or "known after apply". */
static char *
plan_member_address(const struct nfv_vnf *vnf, const struct nfv_vdu *vdu,
                    int instance)
{
	size_t c;

	if (vdu->kind == NFV_VDU_VM) {
		for (c = 0; c < vnf->ncps; c++) {
			const struct nfv_cp *cp = &vnf->cps[c];

			if (cp->vdu && strcmp(cp->vdu, vdu->name) == 0 &&
			    cp->ip_address && instance == 0)
				return xstrdup(cp->ip_address);
		}
	}
	return xstrdup(vdu->kind == NFV_VDU_VM ? "(server address after apply)"
	                                       : "(pod address after apply)");
}

static void
plan_balancer(struct plan *p, const struct nfv_service *s,
              const struct nfv_balancer *lb)
{
	char *base = xasprintf("%s-%s", s->name, lb->name);
	struct plan_action *a;
	size_t m, v, r;
	int i;

	a = plan_add(p, PLAN_LOADBALANCER, s, lb->vim, xstrdup(base));
	plan_attr(a, "vip", "%s", lb->vip_address ? lb->vip_address : "(any)");
	plan_attr(a, "network", "%s", lb->vip_network ? lb->vip_network : "?");
	a = plan_add(p, PLAN_LISTENER, s, lb->vim,
	             xasprintf("%s-%s-%d", base, lb->listener_protocol,
	                       lb->listener_port));
	plan_attr(a, "protocol_port", "%s:%d", lb->listener_protocol,
	          lb->listener_port);
	a = plan_add(p, PLAN_POOL, s, lb->vim, xasprintf("%s-pool", base));
	plan_attr(a, "algorithm", "%s", lb->pool_algorithm);
	plan_attr(a, "protocol", "%s", lb->pool_protocol);
	for (m = 0; m < lb->nmembers; m++) {
		const struct nfv_vnf *vnf = nfv_service_vnf(s, lb->members[m]);

		for (v = 0; vnf && v < vnf->nvdus; v++) {
			const struct nfv_vdu *vdu = &vnf->vdus[v];

			for (i = 0; i < vdu->instances; i++) {
				char *addr = plan_member_address(vnf, vdu, i);

				a = plan_add(p, PLAN_MEMBER, s, lb->vim,
				             xasprintf("%s-%s-%s-%d", base,
				                       vnf->name, vdu->name,
				                       i));
				plan_owner(a, vnf, vdu, i);
				plan_attr(a, "address", "%s", addr);
				plan_attr(a, "port", "%d", lb->member_port);
				plan_attr(a, "runs_on", "%s", vnf->vim);
				free(addr);
			}
		}
	}
	if (lb->has_health_monitor) {
		a = plan_add(p, PLAN_HEALTH_MONITOR, s, lb->vim,
		             xasprintf("%s-hm", base));
		plan_attr(a, "check", "%s %s %s expect %s", lb->hm_type,
		          lb->hm_http_method, lb->hm_url_path,
		          lb->hm_expected_codes);
		plan_attr(a, "timing", "every %ds, timeout %ds, %d retries",
		          lb->hm_delay, lb->hm_timeout, lb->hm_max_retries);
	}
	for (r = 0; r < lb->nl7_rules; r++) {
		const struct nfv_l7_rule *rule = &lb->l7_rules[r];

		a = plan_add(p, PLAN_L7_POLICY, s, lb->vim,
		             xasprintf("%s-l7-%zu", base, r));
		plan_attr(a, "path_prefix", "%s", rule->path_prefix);
		plan_attr(a, "to", "%s/%s/%d", rule->vnf, rule->vdu,
		          rule->instance);
	}
	free(base);
}

int
plan_build(const struct nfv_model *m, struct plan **ret)
{
	struct plan *p = xcalloc(1, sizeof(*p));
	size_t i, j, k;

	p->model = m;
	for (i = 0; i < m->nservices; i++) {
		const struct nfv_service *s = &m->services[i];

		for (j = 0; j < s->nvnfs; j++) {
			const struct nfv_vnf *vnf = &s->vnfs[j];

			for (k = 0; k < vnf->nvdus; k++) {
				if (vnf->vdus[k].kind == NFV_VDU_VM)
					plan_vm_vdu(p, s, vnf, &vnf->vdus[k]);
				else
					plan_container_vdu(p, s, vnf,
					                   &vnf->vdus[k]);
			}
		}
		for (j = 0; j < s->nbalancers; j++)
			plan_balancer(p, s, &s->balancers[j]);
	}
	*ret = p;
	return 0;
}

void
plan_free(struct plan *p)
{
	size_t i, j;

	if (!p)
		return;
	for (i = 0; i < p->n; i++) {
		for (j = 0; j < p->actions[i].nattrs; j++)
			free(p->actions[i].attrs[j].value);
		free(p->actions[i].attrs);
		free(p->actions[i].name);
	}
	free(p->actions);
	free(p);
}
