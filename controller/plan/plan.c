/*
 * Plan building: walks the desired model in apply order (ports, servers,
 * Kubernetes objects, then each balancer's LB, listener, pool, members,
 * health monitor, L7 policies) into desired resources with deterministic
 * names and spec hashes, then diffs them against what the VIMs reported:
 * create, update, replace, respawn, failover, and prune (reverse order, so
 * a member is drained before its server goes). Pure: no I/O.
 */
#include "plan.h"
#include "plan_refs.h"
#include "sha256.h"
#include "strbuf.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const plan_op_names[PLAN_OP_MAX] = {
    [PLAN_CREATE] = "create",     [PLAN_UPDATE] = "update",
    [PLAN_REPLACE] = "replace",   [PLAN_RESPAWN] = "respawn",
    [PLAN_FAILOVER] = "failover", [PLAN_DELETE] = "delete",
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
	char *s = xmalloc(strlen(name) + 1);
	size_t n = 0;
	const char *p;

	/* Lowercase alphanumerics; any run of other characters becomes one
	 * '-'; no '-' at either end. */
	for (p = name; *p; p++) {
		unsigned char c = (unsigned char)tolower((unsigned char)*p);

		if (isalnum(c))
			s[n++] = (char)c;
		else if (n > 0 && s[n - 1] != '-')
			s[n++] = '-';
	}
	while (n > 0 && s[n - 1] == '-')
		n--;
	s[n] = '\0';
	/* At most 63 characters: keep a prefix and a hash of the whole name,
	 * so two long names stay distinct. */
	if (n > 63) {
		uint64_t h = 1469598103934665603ULL;

		for (p = name; *p; p++) {
			h ^= (unsigned char)*p;
			h *= 1099511628211ULL;
		}
		n = 54;
		while (n > 0 && s[n - 1] == '-')
			n--;
		snprintf(s + n, 10, "-%08llx",
		         (unsigned long long)(h & 0xffffffffULL));
	}
	if (s[0] == '\0') {
		free(s);
		s = xstrdup("x");
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
	a->reason = "not found on the VIM";
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
	a->attrs[a->nattrs].display_only = false;
	a->attrs[a->nattrs].in_place = false;
	a->nattrs++;
}

/* Marks the attribute added last. */
static void
plan_attr_mark(struct plan_action *a, bool display_only, bool in_place)
{
	a->attrs[a->nattrs - 1].display_only = display_only;
	a->attrs[a->nattrs - 1].in_place = in_place;
}

static void
plan_owner(struct plan_action *a, const struct nfv_vnf *vnf,
           const struct nfv_vdu *vdu, int instance)
{
	a->vnf = vnf->name;
	a->vdu = vdu ? vdu->name : NULL;
	a->model_vnf = vnf;
	a->model_vdu = vdu;
	a->instance = instance;
}

void
plan_compute_of(const struct nfv_vdu *vdu, struct plan_compute *ret)
{
	const long long mib = 1024LL * 1024, gib = mib * 1024;

	ret->vcpus = vdu->vcpus;
	ret->ram_mib = (vdu->mem_bytes + mib - 1) / mib;
	ret->disk_gib = (vdu->disk_bytes + gib - 1) / gib;
}

char *
plan_compute_text(const struct plan_compute *need)
{
	return xasprintf("%d vCPU, %lld MiB RAM, %lld GiB disk", need->vcpus,
	                 need->ram_mib, need->disk_gib);
}

/* Whether flavor a is to be preferred to b (both fit). */
static bool
plan_flavor_smaller(const struct plan_flavor *a, const struct plan_flavor *b)
{
	if (a->vcpus != b->vcpus)
		return a->vcpus < b->vcpus;
	if (a->ram_mib != b->ram_mib)
		return a->ram_mib < b->ram_mib;
	if (a->disk_gib != b->disk_gib)
		return a->disk_gib < b->disk_gib;
	return strcmp(a->name, b->name) < 0;
}

const struct plan_flavor *
plan_flavor_pick(const struct plan_flavor *flavors, size_t n, const char *vim,
                 const struct plan_compute *need)
{
	const struct plan_flavor *best = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct plan_flavor *f = &flavors[i];

		if ((vim && (!f->vim || strcmp(f->vim, vim) != 0)) ||
		    !f->name || f->vcpus < need->vcpus ||
		    f->ram_mib < need->ram_mib || f->disk_gib < need->disk_gib)
			continue;
		if (!best || plan_flavor_smaller(f, best))
			best = f;
	}
	return best;
}

static bool
plan_has_flavors(const struct plan_observed *obs, const char *vim)
{
	size_t i;

	for (i = 0; obs && i < obs->nflavors; i++) {
		if (obs->flavors[i].vim &&
		    strcmp(obs->flavors[i].vim, vim) == 0)
			return true;
	}
	return false;
}

static bool plan_observed_vim(const struct plan_observed *obs, const char *vim);

static int
plan_kv_cmp(const void *a, const void *b)
{
	return strcmp(((const struct nfv_kv *)a)->key,
	              ((const struct nfv_kv *)b)->key);
}

/* A Neutron port for a CP; name is taken. */
static void
plan_port(struct plan *p, const struct nfv_service *s,
          const struct nfv_vnf *vnf, const struct nfv_vdu *vdu, int instance,
          const struct nfv_cp *cp, char *name)
{
	struct plan_action *a = plan_add(p, PLAN_PORT, s, vnf->vim, name);
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	plan_owner(a, vnf, vdu, instance);
	a->model_cp = cp;
	plan_attr(a, "network", "%s",
	          cp->network_name ? cp->network_name : "?");
	if (cp->ip_address)
		plan_attr(a, "fixed_ip", "%s", cp->ip_address);
	if (cp->mac_address)
		plan_attr(a, "mac_address", "%s", cp->mac_address);
	if (!cp->anti_spoofing)
		plan_attr(a, "port_security", "off");
	/* Neutron changes these two on a port in place (PUT). */
	for (i = 0; i < cp->nsecurity_groups; i++)
		strbuf_printf(&sb, "%s%s", i ? ", " : "",
		              cp->security_groups[i]);
	if (sb.len) {
		plan_attr(a, "security_groups", "%s", strbuf_str(&sb));
		plan_attr_mark(a, false, true);
	}
	strbuf_done(&sb);
	for (i = 0; i < cp->nallowed_address_pairs; i++) {
		const struct nfv_address_pair *pair =
		    &cp->allowed_address_pairs[i];

		strbuf_printf(&sb, "%s%s", i ? ", " : "", pair->ip_address);
		if (pair->mac_address)
			strbuf_printf(&sb, " (%s)", pair->mac_address);
	}
	if (sb.len) {
		plan_attr(a, "allowed_address_pairs", "%s", strbuf_str(&sb));
		plan_attr_mark(a, false, true);
	}
	strbuf_done(&sb);
}

/* The flavor of a server: the descriptor's, or what nfv_compute needs
 * (the spec) and, once the VIM's flavors are known, the one it gets. */
static void
plan_server_flavor(struct plan *p, struct plan_action *a,
                   const struct nfv_vnf *vnf, const struct nfv_vdu *vdu)
{
	struct plan_compute need;
	const struct plan_flavor *f;
	char *text;

	if (vdu->flavor) {
		plan_attr(a, "flavor", "%s", vdu->flavor);
		return;
	}
	plan_compute_of(vdu, &need);
	text = plan_compute_text(&need);
	plan_attr(a, "compute", "at least %s", text);
	free(text);
	if (!p->obs || !plan_observed_vim(p->obs, vnf->vim) ||
	    !plan_has_flavors(p->obs, vnf->vim))
		plan_attr(a, "flavor", "(the smallest that fits, at apply)");
	else if ((f = plan_flavor_pick(p->obs->flavors, p->obs->nflavors,
	                               vnf->vim, &need)))
		plan_attr(a, "flavor", "%s (the smallest that fits)", f->name);
	else
		plan_attr(a, "flavor",
		          "(none of VIM %s's flavors fits: apply "
		          "fails)",
		          vnf->vim);
	plan_attr_mark(a, true, false);
}

/* Server metadata and user data, as the spec shows them: metadata sorted
 * by key, user data by size and digest (it may hold secrets). */
static void
plan_server_extras(struct plan_action *a, const struct nfv_vdu *vdu)
{
	if (vdu->availability_zone)
		plan_attr(a, "availability_zone", "%s", vdu->availability_zone);
	if (vdu->key_name)
		plan_attr(a, "key_name", "%s", vdu->key_name);
	if (vdu->config_drive)
		plan_attr(a, "config_drive", "true");
	if (vdu->nmetadata) {
		struct nfv_kv *kv = xcalloc(vdu->nmetadata, sizeof(*kv));
		struct strbuf sb = STRBUF_INIT;
		size_t i;

		memcpy(kv, vdu->metadata, vdu->nmetadata * sizeof(*kv));
		qsort(kv, vdu->nmetadata, sizeof(*kv), plan_kv_cmp);
		for (i = 0; i < vdu->nmetadata; i++)
			strbuf_printf(&sb, "%s%s=%s", i ? ", " : "", kv[i].key,
			              kv[i].value);
		plan_attr(a, "metadata", "%s", strbuf_str(&sb));
		strbuf_done(&sb);
		free(kv);
	}
	if (vdu->user_data && (!vdu->user_data_format ||
	                       strcmp(vdu->user_data_format, "RAW") == 0)) {
		uint8_t d[SHA256_LEN];
		char hex[2 * SHA256_LEN + 1];

		sha256_digest(vdu->user_data, strlen(vdu->user_data), d);
		sha256_hex(d, SHA256_LEN, hex);
		hex[12] = '\0';
		plan_attr(a, "user_data", "%zu bytes, sha256 %s…",
		          strlen(vdu->user_data), hex);
	}
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
			plan_port(p, s, vnf, vdu, i, cp,
			          xasprintf("%s-%s", server, cp->name));
		}
		a = plan_add(p, PLAN_SERVER, s, vnf->vim, server);
		plan_owner(a, vnf, vdu, i);
		plan_attr(a, "image", "%s", vdu->image ? vdu->image : "?");
		plan_server_flavor(p, a, vnf, vdu);
		plan_server_extras(a, vdu);
		if (vdu->monitoring_action)
			plan_attr(a, "on_failure", "%s",
			          vdu->monitoring_action);
	}
}

/* CPs bound to no VDU (a VIP port that servers share through their
 * allowed_address_pairs): a port of the VNF's own, made before the VDUs. */
static void
plan_free_ports(struct plan *p, const struct nfv_service *s,
                const struct nfv_vnf *vnf)
{
	size_t c;

	for (c = 0; c < vnf->ncps; c++) {
		const struct nfv_cp *cp = &vnf->cps[c];

		if (!cp->vdu)
			plan_port(p, s, vnf, NULL, -1, cp,
			          xasprintf("%s-%s-%s", s->name, vnf->name,
			                    cp->name));
	}
}

/* Resources, ports and labels of a containerised VDU: part of the spec,
 * so that changing them in the descriptors re-applies the Deployment. */
static void
plan_container_details(struct plan_action *a, const struct nfv_vdu *vdu)
{
	struct strbuf res = STRBUF_INIT, ports = STRBUF_INIT;
	struct strbuf labels = STRBUF_INIT;
	size_t i, j;

	for (i = 0; i < vdu->ncontainers; i++) {
		const struct nfv_container *c = &vdu->containers[i];

		if (c->num_cpus > 0 || c->mem_bytes > 0)
			strbuf_printf(&res, "%s%s %g CPU %lld MB",
			              res.len ? ", " : "", c->name, c->num_cpus,
			              c->mem_bytes / 1000000);
		for (j = 0; j < c->nports; j++)
			strbuf_printf(&ports, "%s%s:%d", ports.len ? ", " : "",
			              c->name, c->ports[j]);
	}
	for (i = 0; i < vdu->nlabels; i++)
		strbuf_printf(&labels, "%s%s=%s", i ? ", " : "",
		              vdu->labels[i].key ? vdu->labels[i].key : "",
		              vdu->labels[i].value ? vdu->labels[i].value : "");
	if (res.len)
		plan_attr(a, "resources", "%s", strbuf_str(&res));
	if (ports.len)
		plan_attr(a, "ports", "%s", strbuf_str(&ports));
	if (labels.len)
		plan_attr(a, "labels", "%s", strbuf_str(&labels));
	strbuf_done(&res);
	strbuf_done(&ports);
	strbuf_done(&labels);
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
	/* Without its own, the VIM's: project_name, else the kubeconfig
	 * context's namespace, else default (known to the driver only). */
	plan_attr(a, "namespace", "%s",
	          vdu->namespace ? vdu->namespace : "(the VIM's)");
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
	plan_container_details(a, vdu);
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

/* A pool member for one VDU instance, in the pool called pool. */
static void
plan_member(struct plan *p, const struct nfv_service *s,
            const struct nfv_balancer *lb, const char *pool,
            const struct nfv_vnf *vnf, const struct nfv_vdu *vdu, int i)
{
	char *addr = plan_member_address(vnf, vdu, i);
	struct plan_action *a =
	    plan_add(p, PLAN_MEMBER, s, lb->vim,
	             xasprintf("%s-%s-%s-%d", pool, vnf->name, vdu->name, i));

	plan_owner(a, vnf, vdu, i);
	plan_attr(a, "pool", "%s", pool);
	plan_attr(a, "address", "%s", addr);
	if (addr[0] == '(')
		a->attrs[a->nattrs - 1].display_only = true;
	plan_attr(a, "port", "%d", lb->member_port);
	plan_attr(a, "runs_on", "%s", vnf->vim);
	free(addr);
}

/* Label values are sanitised by drivers; compare names the same way. */
static bool
plan_same_name(const char *a, const char *b)
{
	char *x = plan_dns_name(a), *y = plan_dns_name(b);
	bool same = strcmp(x, y) == 0;

	free(x);
	free(y);
	return same;
}

static int
plan_endpoint_cmp(const void *a, const void *b)
{
	const struct plan_endpoint *const *x = a, *const *y = b;

	return strcmp((*x)->pod, (*y)->pod);
}

/* The ready pods of a containerised VDU, sorted by pod name (the order
 * that gives L7 routes their "instance" numbers). Caller frees. */
static size_t
plan_pods(const struct plan *p, const struct nfv_service *s,
          const struct nfv_vnf *vnf, const struct nfv_vdu *vdu,
          const struct plan_endpoint ***ret)
{
	const struct plan_observed *obs = p->obs;
	const struct plan_endpoint **v = NULL;
	size_t n = 0, i;

	for (i = 0; obs && i < obs->nendpoints; i++) {
		const struct plan_endpoint *e = &obs->endpoints[i];

		if (strcmp(e->vim, vnf->vim) != 0 ||
		    !plan_same_name(e->service, s->name) ||
		    !plan_same_name(e->vnf, vnf->name) ||
		    !plan_same_name(e->vdu, vdu->name))
			continue;
		v = xrealloc(v, (n + 1) * sizeof(*v));
		v[n++] = e;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), plan_endpoint_cmp);
	*ret = v;
	return n;
}

/*
 * The members of one VDU in a pool: one per instance for VMs (their fixed
 * addresses), one per ready pod for containers once their VIM has been
 * observed (named after the pod, so the pool follows pods as they come and
 * go), placeholders when planning offline. instance >= 0 picks just one
 * (an L7 route).
 */
static void
plan_vdu_members(struct plan *p, const struct nfv_service *s,
                 const struct nfv_balancer *lb, const char *pool,
                 const struct nfv_vnf *vnf, const struct nfv_vdu *vdu,
                 int instance)
{
	const struct plan_endpoint **pods;
	size_t npods, k;
	int i;

	if (vdu->kind == NFV_VDU_CONTAINER && p->obs &&
	    !plan_observed_vim(p->obs, vnf->vim)) {
		/* Its pods are unknown: leave its members as they are. */
		p->keep = xrealloc(p->keep, (p->nkeep + 1) * sizeof(*p->keep));
		p->keep[p->nkeep++] =
		    xasprintf("%s-%s-%s-", pool, vnf->name, vdu->name);
		return;
	}
	if (vdu->kind == NFV_VDU_VM || !p->obs) {
		for (i = 0; i < vdu->instances; i++) {
			if (instance < 0 || instance == i)
				plan_member(p, s, lb, pool, vnf, vdu, i);
		}
		return;
	}
	npods = plan_pods(p, s, vnf, vdu, &pods);
	for (k = 0; k < npods; k++) {
		struct plan_action *a;

		if (instance >= 0 && (size_t)instance != k)
			continue;
		a = plan_add(p, PLAN_MEMBER, s, lb->vim,
		             xasprintf("%s-%s-%s-%s", pool, vnf->name,
		                       vdu->name, pods[k]->pod));
		plan_owner(a, vnf, vdu, (int)k);
		plan_attr(a, "pool", "%s", pool);
		plan_attr(a, "address", "%s", pods[k]->address);
		plan_attr(a, "port", "%d", lb->member_port);
		plan_attr(a, "runs_on", "%s", vnf->vim);
		plan_attr(a, "pod", "%s", pods[k]->pod);
	}
	free(pods);
}

static void
plan_pool(struct plan *p, const struct nfv_service *s,
          const struct nfv_balancer *lb, const char *name, const char *base,
          const char *listener)
{
	struct plan_action *a =
	    plan_add(p, PLAN_POOL, s, lb->vim, xstrdup(name));

	plan_attr(a, "loadbalancer", "%s", base);
	if (listener)
		plan_attr(a, "listener", "%s", listener);
	plan_attr(a, "algorithm", "%s", lb->pool_algorithm);
	plan_attr(a, "protocol", "%s", lb->pool_protocol);
}

/*
 * A balancer: LB, listener, the default pool with every instance of every
 * member VNF, its health monitor, and per L7 route a pool holding just the
 * routed instance plus the policy that sends the path there.
 */
static void
plan_balancer(struct plan *p, const struct nfv_service *s,
              const struct nfv_balancer *lb)
{
	char *base = xasprintf("%s-%s", s->name, lb->name);
	char *listener = xasprintf("%s-%s-%d", base, lb->listener_protocol,
	                           lb->listener_port);
	char *pool = xasprintf("%s-pool", base);
	struct plan_action *a;
	size_t m, v, r;

	a = plan_add(p, PLAN_LOADBALANCER, s, lb->vim, xstrdup(base));
	a->model_lb = lb;
	plan_attr(a, "vip", "%s", lb->vip_address ? lb->vip_address : "(any)");
	a->attrs[a->nattrs - 1].display_only = !lb->vip_address;
	plan_attr(a, "network", "%s", lb->vip_network ? lb->vip_network : "?");
	a = plan_add(p, PLAN_LISTENER, s, lb->vim, xstrdup(listener));
	plan_attr(a, "loadbalancer", "%s", base);
	plan_attr(a, "protocol", "%s", lb->listener_protocol);
	plan_attr(a, "port", "%d", lb->listener_port);
	plan_pool(p, s, lb, pool, base, listener);
	for (m = 0; m < lb->nmembers; m++) {
		const struct nfv_vnf *vnf = nfv_service_vnf(s, lb->members[m]);

		for (v = 0; vnf && v < vnf->nvdus; v++)
			plan_vdu_members(p, s, lb, pool, vnf, &vnf->vdus[v],
			                 -1);
	}
	if (lb->has_health_monitor) {
		a = plan_add(p, PLAN_HEALTH_MONITOR, s, lb->vim,
		             xasprintf("%s-hm", base));
		plan_attr(a, "pool", "%s", pool);
		plan_attr(a, "type", "%s", lb->hm_type);
		plan_attr(a, "http_method", "%s", lb->hm_http_method);
		plan_attr(a, "url_path", "%s", lb->hm_url_path);
		plan_attr(a, "expected_codes", "%s", lb->hm_expected_codes);
		plan_attr(a, "delay", "%d", lb->hm_delay);
		plan_attr(a, "timeout", "%d", lb->hm_timeout);
		plan_attr(a, "max_retries", "%d", lb->hm_max_retries);
	}
	for (r = 0; r < lb->nl7_rules; r++) {
		const struct nfv_l7_rule *rule = &lb->l7_rules[r];
		const struct nfv_vnf *vnf = nfv_service_vnf(s, rule->vnf);
		const struct nfv_vdu *vdu =
		    vnf ? nfv_vnf_vdu(vnf, rule->vdu) : NULL;
		char *route = xasprintf("%s-route-%zu", base, r);

		plan_pool(p, s, lb, route, base, NULL);
		/* An instance the scaling policy does not run yet gets no
		 * member: the route answers 503 until it exists. */
		if (vdu && rule->instance < vdu->instances)
			plan_vdu_members(p, s, lb, route, vnf, vdu,
			                 rule->instance);
		a = plan_add(p, PLAN_L7_POLICY, s, lb->vim, xstrdup(route));
		plan_attr(a, "listener", "%s", listener);
		plan_attr(a, "pool", "%s", route);
		plan_attr(a, "path_prefix", "%s", rule->path_prefix);
		plan_attr(a, "position", "%zu", r + 1);
		free(route);
	}
	free(listener);
	free(pool);
	free(base);
}

/* 64-bit FNV-1a over the kind and the spec attributes, in order (without
 * the in_place ones when fixed), as 16 hex digits. */
static void
plan_hash_attrs(const struct plan_action *a, bool fixed, char ret[17])
{
	uint64_t h = 1469598103934665603ULL;
	const char *parts[3];
	size_t i, k;

	for (i = 0; i <= a->nattrs; i++) {
		if (i == 0) {
			parts[0] = plan_kind_name(a->kind);
			parts[1] = "";
			parts[2] = "";
		} else if (a->attrs[i - 1].display_only ||
		           (fixed && a->attrs[i - 1].in_place)) {
			continue;
		} else {
			parts[0] = a->attrs[i - 1].key;
			parts[1] = "=";
			parts[2] = a->attrs[i - 1].value;
		}
		for (k = 0; k < 3; k++) {
			const unsigned char *c =
			    (const unsigned char *)parts[k];

			for (; *c; c++) {
				h ^= *c;
				h *= 1099511628211ULL;
			}
		}
		h ^= '\n';
		h *= 1099511628211ULL;
	}
	snprintf(ret, 17, "%016llx", (unsigned long long)h);
}

static void
plan_hash(struct plan_action *a)
{
	plan_hash_attrs(a, false, a->spec_hash);
	plan_hash_attrs(a, true, a->fixed_hash);
}

static void
plan_desired(struct plan *p, const struct nfv_model *m)
{
	size_t i, j, k;

	for (i = 0; i < m->nservices; i++) {
		const struct nfv_service *s = &m->services[i];

		for (j = 0; j < s->nvnfs; j++) {
			const struct nfv_vnf *vnf = &s->vnfs[j];

			plan_free_ports(p, s, vnf);
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
	for (i = 0; i < p->n; i++)
		plan_hash(&p->actions[i]);
}

static bool
plan_observed_vim(const struct plan_observed *obs, const char *vim)
{
	size_t i;

	for (i = 0; i < obs->nvims; i++) {
		if (strcmp(obs->vims[i], vim) == 0)
			return true;
	}
	return false;
}

static const struct plan_observed_res *
plan_observed_find(const struct plan_observed *obs, const struct plan_action *a)
{
	size_t i;

	for (i = 0; i < obs->n; i++) {
		const struct plan_observed_res *o = &obs->res[i];

		if (o->managed && o->kind == a->kind &&
		    strcmp(o->vim, a->vim) == 0 &&
		    strcmp(o->name, a->name) == 0)
			return o;
	}
	return NULL;
}

/* The first of nfvsync's resources with o's identity: the one kept when a
 * retried create left two behind. */
static const struct plan_observed_res *
plan_observed_first(const struct plan_observed *obs,
                    const struct plan_observed_res *o)
{
	size_t i;

	for (i = 0; i < obs->n; i++) {
		const struct plan_observed_res *c = &obs->res[i];

		if (c->managed && c->kind == o->kind &&
		    strcmp(c->vim, o->vim) == 0 &&
		    strcmp(c->name, o->name) == 0)
			return c;
	}
	return o;
}

static bool
plan_status_is(const struct plan_observed_res *o, const char *status)
{
	return o->status && strcmp(o->status, status) == 0;
}

/* Resources whose spec cannot change in place on the VIM. */
static bool
plan_kind_immutable(enum plan_kind k)
{
	return k == PLAN_PORT || k == PLAN_SERVER || k == PLAN_LOADBALANCER ||
	       k == PLAN_LISTENER;
}

/* Decides what to do with one desired resource; false: nothing to do. */
static bool
plan_decide(struct plan_action *a, const struct plan_observed_res *o)
{
	if (!o) {
		a->op = PLAN_CREATE;
		a->reason = "not found on the VIM";
		return true;
	}
	a->id = o->id;
	if (a->kind == PLAN_SERVER && plan_status_is(o, "ERROR")) {
		a->op = PLAN_RESPAWN;
		a->reason = "server is in ERROR";
	} else if (a->kind == PLAN_SERVER && plan_status_is(o, "SHUTOFF")) {
		a->op = PLAN_RESPAWN;
		a->reason = "server is SHUTOFF and nfvsync did not stop it";
	} else if (a->kind == PLAN_LOADBALANCER && plan_status_is(o, "ERROR")) {
		a->op = PLAN_FAILOVER;
		a->reason = "load balancer is in ERROR";
	} else if (!o->spec_hash || strcmp(o->spec_hash, a->spec_hash) != 0) {
		/* A port whose only changes Neutron makes in place (security
		 * groups, address pairs) is updated, not replaced. */
		bool in_place = !o->drift && o->fixed_hash &&
		                strcmp(o->fixed_hash, a->fixed_hash) == 0;

		a->op = plan_kind_immutable(a->kind) && !in_place ? PLAN_REPLACE
		                                                  : PLAN_UPDATE;
		a->reason = o->drift
		                ? o->drift
		                : "the descriptors changed its specification";
	} else {
		return false;
	}
	return true;
}

/*
 * Whether a pool member of the server a (its VDU instance's member, in any
 * pool) has been ERROR for longer than the grace period: the balancer's
 * health monitor has given up on a server its VIM calls fine.
 */
static bool
plan_member_failing(const struct plan *desired, const struct plan_observed *obs,
                    const struct plan_action *a, const struct plan_opts *opts)
{
	long grace =
	    opts->member_error_grace > 0 ? opts->member_error_grace : 60;
	size_t i;

	if (opts->now <= 0 || a->kind != PLAN_SERVER || a->instance < 0 ||
	    !a->vnf || !a->vdu)
		return false;
	for (i = 0; i < desired->n; i++) {
		const struct plan_action *m = &desired->actions[i];
		const struct plan_observed_res *o;

		if (m->kind != PLAN_MEMBER || !m->name ||
		    m->instance != a->instance || !m->vnf || !m->vdu ||
		    strcmp(m->vnf, a->vnf) != 0 || strcmp(m->vdu, a->vdu) != 0)
			continue;
		o = plan_observed_find(obs, m);
		if (o && o->health && strcmp(o->health, "ERROR") == 0 &&
		    o->health_since > 0 && opts->now - o->health_since > grace)
			return true;
	}
	return false;
}

/* Whether a port of the existing server a is created or replaced by p so
 * far (ports come before their server): the server must be made again to
 * take it. */
static bool
plan_port_renewed(const struct plan *p, const struct plan_action *a)
{
	size_t i, n = strlen(a->name);

	if (a->kind != PLAN_SERVER)
		return false;
	for (i = 0; i < p->n; i++) {
		const struct plan_action *port = &p->actions[i];

		if (port->kind == PLAN_PORT &&
		    (port->op == PLAN_CREATE || port->op == PLAN_REPLACE) &&
		    strcmp(port->vim, a->vim) == 0 && port->vdu &&
		    strncmp(port->name, a->name, n) == 0 &&
		    port->name[n] == '-')
			return true;
	}
	return false;
}

/* Desired resources are either still in desired (no action) or were moved
 * into p (an action); either way they are not to be pruned. */
static bool
plan_is_desired(const struct plan *desired, const struct plan *p,
                const struct plan_observed_res *o)
{
	size_t i;

	for (i = 0; i < desired->n; i++) {
		const struct plan_action *a = &desired->actions[i];

		if (a->name && o->kind == a->kind &&
		    strcmp(o->vim, a->vim) == 0 &&
		    strcmp(o->name, a->name) == 0)
			return true;
	}
	for (i = 0; i < p->n; i++) {
		const struct plan_action *a = &p->actions[i];

		if (a->op != PLAN_DELETE && o->kind == a->kind &&
		    strcmp(o->vim, a->vim) == 0 &&
		    strcmp(o->name, a->name) == 0)
			return true;
	}
	return false;
}

static bool
plan_kept(const struct plan *desired, const char *name)
{
	size_t i;

	for (i = 0; i < desired->nkeep; i++) {
		if (strncmp(name, desired->keep[i], strlen(desired->keep[i])) ==
		    0)
			return true;
	}
	return false;
}

/* Deletes run in reverse dependency order (l7 policies ... ports), so a
 * member always leaves its pool before its server is deleted. Stable. */
static void
plan_order_deletes(struct plan *p)
{
	size_t i, j, first = p->n;

	for (i = 0; i < p->n; i++) {
		if (p->actions[i].op == PLAN_DELETE) {
			first = i;
			break;
		}
	}
	for (i = first + 1; i < p->n; i++) {
		struct plan_action a = p->actions[i];

		for (j = i; j > first && p->actions[j - 1].kind < a.kind; j--)
			p->actions[j] = p->actions[j - 1];
		p->actions[j] = a;
	}
}

static void
plan_action_done(struct plan_action *a)
{
	size_t j;

	for (j = 0; j < a->nattrs; j++)
		free(a->attrs[j].value);
	free(a->attrs);
	free(a->name);
}

int
plan_build(const struct nfv_model *m, const struct plan_observed *obs,
           const struct plan_opts *opts, struct plan **ret, struct diag *reterr)
{
	static const struct plan_opts defaults = {0.5, false, 0, 0};
	struct plan *desired = xcalloc(1, sizeof(*desired));
	struct plan *p = xcalloc(1, sizeof(*p));
	static const struct plan_observed empty = {.res = NULL};
	size_t i, ndelete = 0;

	/* A port without a network cannot be created: refuse the whole
	 * plan rather than plan it on network "?". */
	if (nfv_model_check_links(m, true, reterr) > 0) {
		free(desired);
		free(p);
		return -EINVAL;
	}
	if (!opts)
		opts = &defaults;
	p->model = m;
	p->offline = obs == NULL;
	if (!obs)
		obs = &empty;
	desired->obs = p->offline ? NULL : obs;
	plan_desired(desired, m);
	/* Creates, changes and repairs, in apply order. */
	for (i = 0; i < desired->n; i++) {
		struct plan_action *a = &desired->actions[i];

		if (!plan_decide(a, plan_observed_find(obs, a))) {
			if (plan_port_renewed(p, a)) {
				a->op = PLAN_REPLACE;
				a->reason =
				    "a port of it is new or replaced (a "
				    "server takes its ports when made)";
			} else if (plan_member_failing(desired, obs, a, opts)) {
				a->op = PLAN_RESPAWN;
				a->reason =
				    "its pool member has been ERROR for "
				    "longer than the grace period";
			} else {
				continue;
			}
		}
		p->actions =
		    xrealloc(p->actions, (p->n + 1) * sizeof(*p->actions));
		p->actions[p->n++] = *a;
		p->counts[a->op]++;
		a->name = NULL; /* moved */
		a->attrs = NULL;
		a->nattrs = 0;
	}
	/* Prunes, in reverse apply order: members and routes go before the
	 * servers and balancers they point at. Only what nfvsync owns. */
	for (i = obs->n; i > 0; i--) {
		const struct plan_observed_res *o = &obs->res[i - 1];
		struct plan_action *a;
		bool dup;

		if (!o->managed || !plan_observed_vim(obs, o->vim))
			continue;
		p->managed++;
		if (o->kind == PLAN_MEMBER && plan_kept(desired, o->name))
			continue;
		dup = plan_observed_first(obs, o) != o;
		if (!dup && plan_is_desired(desired, p, o))
			continue;
		p->actions =
		    xrealloc(p->actions, (p->n + 1) * sizeof(*p->actions));
		a = &p->actions[p->n++];
		memset(a, 0, sizeof(*a));
		a->op = PLAN_DELETE;
		a->kind = o->kind;
		a->service = o->service ? o->service : "?";
		a->vim = o->vim;
		a->name = xstrdup(o->name);
		a->id = o->id;
		a->instance = -1;
		a->reason = dup ? "a duplicate: another resource of nfvsync's "
		                  "has this name"
		                : "no longer in the descriptors";
		p->counts[PLAN_DELETE]++;
		ndelete++;
	}
	for (i = 0; i < desired->n; i++)
		plan_action_done(&desired->actions[i]);
	for (i = 0; i < desired->nkeep; i++)
		free(desired->keep[i]);
	free(desired->keep);
	free(desired->actions);
	free(desired);
	plan_order_deletes(p);
	/* Apply would stop at the first image, flavor, network or group
	 * the VIM does not have, after making what comes before it. */
	if (plan_check_refs(p, p->offline ? NULL : obs, reterr) > 0) {
		plan_free(p);
		return -ENOENT;
	}
	if (ndelete && !opts->allow_mass_delete &&
	    (double)ndelete > opts->max_delete_share * (double)p->managed &&
	    ndelete > 1) {
		diag_error(reterr, NULL,
		           "the plan deletes %zu of %zu resources nfvsync "
		           "manages, more than %.0f%%; refusing without "
		           "--allow-mass-delete",
		           ndelete, p->managed, opts->max_delete_share * 100);
		plan_free(p);
		return -EPERM;
	}
	*ret = p;
	return 0;
}

void
plan_free(struct plan *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++)
		plan_action_done(&p->actions[i]);
	free(p->actions);
	free(p);
}
