/*
 * Builds the desired-state model from validated TOSCA units: classifies node
 * templates by type ancestry (VDU, CP, VL, VNF, LoadBalancer), reads their
 * properties, resolves NS-provided virtual links, applies scaling and VIM
 * placement policies, and checks the rules that span templates (min <=
 * default <= max, policy targets, balancer members and routes) and
 * descriptors (one name per service; fixed addresses valid, unique per
 * network of a VIM and never on a VDU that scales; ports with a network).
 * Types come from the registry; property names are the schema's contract.
 */
#include "model.h"
#include "repo.h"
#include "scalar.h"
#include "xalloc.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ADD(arr, n) (xgrow_one((void **)&(arr), &(n), sizeof(*(arr))))

static void *
xgrow_one(void **arr, size_t *n, size_t elem)
{
	char *p;

	*arr = xrealloc(*arr, (*n + 1) * elem);
	p = (char *)*arr + *n * elem;
	memset(p, 0, elem);
	(*n)++;
	return p;
}

struct mbuild {
	struct nfv_model *m;
	const struct tosca_unit *u;
	struct diag *d;
	int errors;
};

/* Keeps a string the model needs for its whole life. */
static const char *
mbuild_own(struct mbuild *b, char *str)
{
	b->m->owned =
	    xrealloc(b->m->owned, (b->m->nowned + 1) * sizeof(*b->m->owned));
	b->m->owned[b->m->nowned++] = str;
	return str;
}

static const char *
prop_str(const struct ynode *props, const char *key)
{
	const struct ynode *v = ynode_get(props, key);

	return ynode_is_null(v) ? NULL : ynode_str(v);
}

static long long
prop_int(const struct ynode *props, const char *key, long long dflt)
{
	long long v;

	return ynode_to_int(ynode_get(props, key), &v) == 0 ? v : dflt;
}

static bool
prop_bool(const struct ynode *props, const char *key, bool dflt)
{
	bool v;

	return ynode_to_bool(ynode_get(props, key), &v) == 0 ? v : dflt;
}

static long long
prop_size(const struct ynode *props, const char *key)
{
	const char *s = prop_str(props, key);
	double v;

	if (s && tosca_scalar_unit_parse(s, TOSCA_UNIT_SIZE, &v) == 0)
		return (long long)v;
	return 0;
}

/* Where property key is written; zeros when it is not. */
static struct diag_pos
prop_pos(const struct ynode *props, const char *key)
{
	const struct ynode *v = ynode_get(props, key);
	struct diag_pos none = {NULL, 0, 0};

	return v ? v->pos : none;
}

static const char **
prop_strings(const struct ynode *list, size_t *ret_n)
{
	const char **v = NULL;
	size_t i;

	*ret_n = 0;
	if (!ynode_is_seq(list))
		return NULL;
	v = xcalloc(list->n, sizeof(*v));
	for (i = 0; i < list->n; i++) {
		if (ynode_str(list->items[i]))
			v[(*ret_n)++] = ynode_str(list->items[i]);
	}
	return v;
}

/* An IP address in binary, to compare "::1" with "0::1". */
struct nfv_addr {
	int family; /* AF_INET or AF_INET6 */
	unsigned char bytes[16];
};

/* Parses an IPv4 or IPv6 address (inet_pton's syntax); 0 or -EINVAL. */
static int
nfv_addr_parse(const char *s, struct nfv_addr *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (inet_pton(AF_INET, s, ret->bytes) == 1) {
		ret->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, ret->bytes) == 1) {
		ret->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

/* Whether s is an address, or with prefix_ok an ADDRESS/PREFIX as Neutron
 * takes in allowed_address_pairs. */
static bool
mbuild_address_ok(const char *s, bool prefix_ok)
{
	const char *slash = prefix_ok ? strchr(s, '/') : NULL;
	struct nfv_addr a;
	char *addr, *end;
	long len;
	int r;

	if (!slash)
		return nfv_addr_parse(s, &a) == 0;
	addr = xstrndup(s, (size_t)(slash - s));
	r = nfv_addr_parse(addr, &a);
	free(addr);
	if (r < 0 || !isdigit((unsigned char)slash[1]))
		return false;
	len = strtol(slash + 1, &end, 10);
	return *end == '\0' && len >= 0 &&
	       len <= (a.family == AF_INET ? 32 : 128);
}

/* Reports a fixed address (ip_address, vip_address, …) that is not one. */
static void
mbuild_check_address(struct mbuild *b, const char *owner, const char *key,
                     const struct ynode *v, bool prefix_ok)
{
	const char *s = ynode_str(v);

	if (!s || mbuild_address_ok(s, prefix_ok))
		return;
	diag_error(b->d, &v->pos,
	           "%s: %s '%s' is not an IPv4 or IPv6 address%s", owner, key,
	           s, prefix_ok ? " (or ADDRESS/PREFIX)" : "");
	b->errors++;
}

static const struct tosca_type *
mbuild_type(const struct mbuild *b, enum tosca_section s,
            const struct ynode *tmpl)
{
	const char *tn = ynode_str(ynode_get(tmpl, "type"));

	return tn ? tosca_registry_find(b->u->reg, s, tn) : NULL;
}

/* The target of the first requirement called name: "X" or {node: X}. */
static const struct ynode *
req_target(const struct ynode *tmpl, const char *name)
{
	const struct ynode *reqs = ynode_get(tmpl, "requirements");
	size_t i;

	for (i = 0; ynode_is_seq(reqs) && i < reqs->n; i++) {
		const struct ynode *t = ynode_get(reqs->items[i], name);

		if (ynode_is_map(t))
			t = ynode_get(t, "node");
		if (ynode_is_scalar(t))
			return t;
	}
	return NULL;
}

static void
mbuild_unsupported(struct nfv_service *s, const char *feature,
                   const char *subject, const struct ynode *where)
{
	struct nfv_unsupported *u = ADD(s->unsupported, s->nunsupported);

	u->feature = feature;
	u->subject = subject;
	u->pos = where->pos;
}

static void
mbuild_vl(struct nfv_service *s, struct nfv_vl *vl, const char *name,
          const struct ynode *tmpl)
{
	const struct ynode *p = ynode_get(tmpl, "properties");

	if (ynode_get(p, "cidr"))
		mbuild_unsupported(s, "creating networks (cidr)", name, tmpl);

	vl->name = name;
	vl->network_name = prop_str(p, "network_name");
	vl->network_pos = prop_pos(p, "network_name");
	vl->vendor = prop_str(p, "vendor");
	vl->cidr = prop_str(p, "cidr");
	vl->ip_version = (int)prop_int(p, "ip_version", 4);
	vl->start_ip = prop_str(p, "start_ip");
	vl->end_ip = prop_str(p, "end_ip");
	vl->gateway_ip = prop_str(p, "gateway_ip");
}

/* "80:8080" or "80" -> published/target ports. */
static int
parse_port_map(const char *s, struct nfv_port_map *pm)
{
	char *end;
	long a, b;

	a = strtol(s, &end, 10);
	if (end == s)
		return -EINVAL;
	b = a;
	if (*end == ':') {
		const char *t = end + 1;

		b = strtol(t, &end, 10);
		if (end == t)
			return -EINVAL;
	}
	if (*end != '\0' || a < 1 || a > 65535 || b < 1 || b > 65535)
		return -EINVAL;
	pm->published = (int)a;
	pm->target = (int)b;
	return 0;
}

static void
mbuild_containers(struct mbuild *b, struct nfv_vdu *vdu,
                  const struct ynode *vnfcs)
{
	size_t i, j;

	for (i = 0; ynode_is_map(vnfcs) && i < vnfcs->n; i++) {
		const struct ynode *p = vnfcs->items[i];
		const struct ynode *ports = ynode_get(p, "ports");
		struct nfv_container *c =
		    ADD(vdu->containers, vdu->ncontainers);
		const char *cpus = prop_str(p, "num_cpus");

		c->name = vnfcs->keys[i]->str;
		c->image = prop_str(p, "image");
		c->num_cpus = cpus ? strtod(cpus, NULL) : 0;
		c->mem_bytes = prop_size(p, "mem_size");
		c->config = prop_str(p, "config");
		for (j = 0; ynode_is_seq(ports) && j < ports->n; j++) {
			struct nfv_port_map pm;
			const char *ps = ynode_str(ports->items[j]);

			if (!ps || parse_port_map(ps, &pm) < 0 ||
			    pm.published != pm.target) {
				diag_error(b->d, &ports->items[j]->pos,
				           "%s: container '%s': port '%s' is "
				           "not a port number",
				           vdu->name, c->name, ps ? ps : "…");
				b->errors++;
				continue;
			}
			c->ports = xrealloc(c->ports, (c->nports + 1) *
			                                  sizeof(*c->ports));
			c->ports[c->nports++] = pm.target;
		}
	}
}

static void
mbuild_vdu(struct mbuild *b, struct nfv_vnf *vnf, struct nfv_service *s,
           const char *name, const struct ynode *tmpl)
{
	const struct ynode *p = ynode_get(tmpl, "properties");
	const struct ynode *compute =
	    ynode_get(ynode_get(ynode_get(tmpl, "capabilities"), "nfv_compute"),
	              "properties");
	const struct ynode *md = ynode_get(p, "metadata");
	const struct ynode *mon = ynode_get(p, "monitoring_policy");
	const struct ynode *list;
	struct nfv_vdu *vdu = ADD(vnf->vdus, vnf->nvdus);
	size_t i;

	vdu->name = name;
	vdu->pos = tmpl->pos;
	vdu->instances = vdu->min_instances = vdu->max_instances = 1;
	vdu->kind = ynode_get(p, "vnfcs") ? NFV_VDU_CONTAINER : NFV_VDU_VM;
	vdu->image = prop_str(p, "image");
	vdu->image_pos = prop_pos(p, "image");
	vdu->flavor = prop_str(p, "flavor");
	vdu->flavor_pos = prop_pos(p, "flavor");
	vdu->compute_pos = compute ? compute->pos : tmpl->pos;
	vdu->key_name = prop_str(p, "key_name");
	vdu->user_data = prop_str(p, "user_data");
	vdu->user_data_format = prop_str(p, "user_data_format");
	vdu->availability_zone = prop_str(p, "availability_zone");
	vdu->config = prop_str(p, "config");
	vdu->config_drive = prop_bool(p, "config_drive", false);
	vdu->vcpus = (int)prop_int(compute, "num_cpus", 0);
	vdu->mem_bytes = prop_size(compute, "mem_size");
	vdu->disk_bytes = prop_size(compute, "disk_size");
	for (i = 0; ynode_is_map(md) && i < md->n; i++) {
		struct nfv_kv *kv = ADD(vdu->metadata, vdu->nmetadata);

		kv->key = md->keys[i]->str;
		kv->value =
		    ynode_str(md->items[i]) ? ynode_str(md->items[i]) : "";
	}
	if (ynode_is_map(mon)) {
		vdu->monitoring = prop_str(mon, "name");
		vdu->monitoring_action =
		    prop_str(ynode_get(mon, "actions"), "failure");
	}
	vdu->namespace = prop_str(p, "namespace");
	vdu->service_type = prop_str(p, "service_type");
	list = ynode_get(p, "mapping_ports");
	for (i = 0; ynode_is_seq(list) && i < list->n; i++) {
		struct nfv_port_map pm;
		const char *ps = ynode_str(list->items[i]);

		if (!ps || parse_port_map(ps, &pm) < 0) {
			diag_error(b->d, &list->items[i]->pos,
			           "%s: mapping_ports entry '%s' is not "
			           "'published:target' (e.g. \"80:8080\")",
			           name, ps ? ps : "…");
			b->errors++;
			continue;
		}
		*(struct nfv_port_map *)ADD(vdu->mapping_ports,
		                            vdu->nmapping_ports) = pm;
	}
	list = ynode_get(p, "labels");
	for (i = 0; ynode_is_seq(list) && i < list->n; i++) {
		const char *ls = ynode_str(list->items[i]);
		const char *colon = ls ? strchr(ls, ':') : NULL;
		struct nfv_kv *kv;

		if (!colon || colon == ls) {
			diag_error(b->d, &list->items[i]->pos,
			           "%s: label '%s' is not \"key: value\"", name,
			           ls ? ls : "…");
			b->errors++;
			continue;
		}
		kv = ADD(vdu->labels, vdu->nlabels);
		kv->key = mbuild_own(b, xstrndup(ls, (size_t)(colon - ls)));
		kv->value = colon + 1 + strspn(colon + 1, " ");
	}
	mbuild_containers(b, vdu, ynode_get(p, "vnfcs"));
	if (ynode_get(p, "reservation_metadata"))
		mbuild_unsupported(s, "reservation", name, tmpl);
	/* RAW (and no format) is passed to the server as it is; the other
	 * two are Heat's own wrappings. */
	if (vdu->kind == NFV_VDU_VM && vdu->user_data &&
	    vdu->user_data_format && strcmp(vdu->user_data_format, "RAW") != 0)
		mbuild_unsupported(s, "user_data_format other than RAW", name,
		                   tmpl);
	if (ynode_get(compute, "numa_nodes") ||
	    ynode_get(compute, "numa_node_count") ||
	    ynode_get(compute, "cpu_allocation") ||
	    ynode_get(compute, "mem_page_size"))
		mbuild_unsupported(s, "NUMA, CPU pinning and huge pages", name,
		                   tmpl);
	if (vdu->kind == NFV_VDU_VM && !vdu->image &&
	    !ynode_get(tmpl, "artifacts")) {
		diag_error(b->d, &tmpl->pos,
		           "%s: a VM VDU needs an image (property 'image' or "
		           "an image artifact)",
		           name);
		b->errors++;
	}
	if (vdu->kind == NFV_VDU_VM && ynode_get(tmpl, "artifacts") &&
	    !vdu->image)
		mbuild_unsupported(s, "images uploaded from artifacts", name,
		                   tmpl);
}

static void
mbuild_cp(struct mbuild *b, struct nfv_vnf *vnf, struct nfv_service *s,
          const char *name, const struct ynode *tmpl)
{
	const struct ynode *p = ynode_get(tmpl, "properties");
	const struct ynode *t;
	struct nfv_cp *cp = ADD(vnf->cps, vnf->ncps);
	const struct ynode *aap = ynode_get(p, "allowed_address_pairs");
	size_t i;

	cp->name = name;
	cp->pos = tmpl->pos;
	t = req_target(tmpl, "virtualBinding");
	cp->vdu = t ? t->str : NULL;
	t = req_target(tmpl, "virtualLink");
	cp->vl = t ? t->str : NULL;
	cp->ip_address = prop_str(p, "ip_address");
	if (cp->ip_address) {
		cp->ip_pos = ynode_get(p, "ip_address")->pos;
		mbuild_check_address(b, name, "ip_address",
		                     ynode_get(p, "ip_address"), false);
	}
	cp->mac_address = prop_str(p, "mac_address");
	if (cp->mac_address)
		cp->mac_pos = ynode_get(p, "mac_address")->pos;
	cp->management = prop_bool(p, "management", false);
	cp->order = (int)prop_int(p, "order", 0);
	cp->anti_spoofing = prop_bool(p, "anti_spoofing_protection", true);
	cp->vnic_type = prop_str(p, "type");
	if (!cp->vnic_type)
		cp->vnic_type = "normal";
	else if (strcmp(cp->vnic_type, "sriov") == 0)
		mbuild_unsupported(s, "SR-IOV ports", name, tmpl);
	cp->security_groups = prop_strings(ynode_get(p, "security_groups"),
	                                   &cp->nsecurity_groups);
	t = ynode_get(p, "security_groups");
	if (cp->nsecurity_groups) {
		size_t n = 0;

		cp->security_group_pos = xcalloc(
		    cp->nsecurity_groups, sizeof(*cp->security_group_pos));
		for (i = 0; i < t->n; i++) {
			if (ynode_str(t->items[i]))
				cp->security_group_pos[n++] = t->items[i]->pos;
		}
	}
	for (i = 0; ynode_is_seq(aap) && i < aap->n; i++) {
		struct nfv_address_pair *pair;
		const struct ynode *v = aap->items[i];
		const char *ip = ynode_str(v);

		if (!ip) {
			v = ynode_get(v, "ip_address");
			ip = ynode_is_null(v) ? NULL : ynode_str(v);
		}
		if (!ip)
			continue;
		mbuild_check_address(b, name, "allowed_address_pairs address",
		                     v, true);
		pair =
		    ADD(cp->allowed_address_pairs, cp->nallowed_address_pairs);
		pair->ip_address = ip;
		pair->mac_address = prop_str(aap->items[i], "mac_address");
	}
	/* Neutron filters nothing on a port without port security, so it
	 * refuses security groups and address pairs there. */
	if (!cp->anti_spoofing &&
	    (cp->nsecurity_groups || cp->nallowed_address_pairs)) {
		const struct ynode *at =
		    ynode_get(p, "anti_spoofing_protection");

		diag_error(b->d, &at->pos,
		           "%s: anti_spoofing_protection false turns port "
		           "security off, which allows no %s",
		           name,
		           cp->nsecurity_groups ? "security_groups"
		                                : "allowed_address_pairs");
		b->errors++;
	}
}

/* The builder's own, writable view of a VDU it is still filling in. */
static struct nfv_vdu *
vnf_vdu_mut(struct nfv_vnf *v, const char *name)
{
	return (struct nfv_vdu *)nfv_vnf_vdu(v, name);
}

/* Instance counts nfvsync will plan for, per VDU. */
#define NFV_MAX_INSTANCES 100000

static bool
mbuild_count_ok(struct mbuild *b, const char *policy, const struct ynode *p,
                const char *key)
{
	const struct ynode *v = ynode_get(p, key);
	long long n;

	if (!v || ynode_to_int(v, &n) < 0 || (n >= 0 && n <= NFV_MAX_INSTANCES))
		return true;
	diag_error(b->d, &v->pos, "policy '%s': %s %lld is outside 0..%d",
	           policy, key, n, NFV_MAX_INSTANCES);
	b->errors++;
	return false;
}

static void
mbuild_scaling(struct mbuild *b, struct nfv_vnf *vnf, const char *name,
               const struct ynode *pol)
{
	const struct ynode *p = ynode_get(pol, "properties");
	const struct ynode *targets = ynode_get(pol, "targets");
	struct nfv_scaling *sc = ADD(vnf->scaling, vnf->nscaling);
	const struct ynode *site = ynode_get(p, "default_instances");
	size_t i;

	if (!targets)
		targets = ynode_get(p, "targets");
	sc->name = name;
	sc->targets = prop_strings(targets, &sc->ntargets);
	sc->min_instances = (int)prop_int(p, "min_instances", 1);
	sc->max_instances = (int)prop_int(p, "max_instances", 1);
	sc->default_instances =
	    (int)prop_int(p, "default_instances", sc->min_instances);
	sc->increment = (int)prop_int(p, "increment", 1);
	sc->cooldown = (int)prop_int(p, "cooldown", 0);
	sc->target_cpu_utilization =
	    (int)prop_int(p, "target_cpu_utilization_percentage", 0);
	if (!site)
		site = pol;
	if (!mbuild_count_ok(b, name, p, "min_instances") ||
	    !mbuild_count_ok(b, name, p, "max_instances") ||
	    !mbuild_count_ok(b, name, p, "default_instances") ||
	    !mbuild_count_ok(b, name, p, "increment")) {
		/* reported */
	} else if (sc->min_instances < 0 ||
	           sc->min_instances > sc->max_instances) {
		diag_error(b->d, &site->pos,
		           "policy '%s': min_instances (%d) must be between 0 "
		           "and max_instances (%d)",
		           name, sc->min_instances, sc->max_instances);
		b->errors++;
	} else if (sc->default_instances < sc->min_instances ||
	           sc->default_instances > sc->max_instances) {
		diag_error(b->d, &site->pos,
		           "policy '%s': default_instances (%d) must be "
		           "between min_instances (%d) and max_instances (%d)",
		           name, sc->default_instances, sc->min_instances,
		           sc->max_instances);
		b->errors++;
	}
	if (sc->increment <= 0) {
		const struct ynode *inc = ynode_get(p, "increment");

		diag_error(b->d, inc ? &inc->pos : &pol->pos,
		           "policy '%s': increment must be greater than 0",
		           name);
		b->errors++;
	}
	if (!targets || sc->ntargets == 0) {
		diag_error(b->d, &pol->pos,
		           "policy '%s': a scaling policy needs targets (the "
		           "VDUs it scales)",
		           name);
		b->errors++;
	}
	for (i = 0; i < sc->ntargets; i++) {
		struct nfv_vdu *vdu = vnf_vdu_mut(vnf, sc->targets[i]);

		if (!vdu) {
			diag_error(b->d, &targets->items[i]->pos,
			           "policy '%s': target '%s' is not a VDU",
			           name, sc->targets[i]);
			b->errors++;
			continue;
		}
		vdu->instances = sc->default_instances;
		vdu->min_instances = sc->min_instances;
		vdu->max_instances = sc->max_instances;
		vdu->scaling_policy = name;
		vdu->target_cpu_utilization = sc->target_cpu_utilization;
		/* Only Kubernetes has an autoscaler to hand the target to. */
		if (vdu->kind != NFV_VDU_CONTAINER &&
		    ynode_get(p, "target_cpu_utilization_percentage"))
			diag_warn(
			    b->d,
			    &ynode_get_key(p,
			                   "target_cpu_utilization_percentage")
			         ->pos,
			    "policy '%s': target_cpu_utilization_percentage "
			    "has no effect on VM VDU '%s' (it makes a "
			    "Kubernetes autoscaler; a VM VDU keeps "
			    "default_instances)",
			    name, vdu->name);
	}
}

/* Visits the policies list: "- name: {type: …}". */
static void
mbuild_policies(struct mbuild *b, const struct ynode *topo,
                void (*cb)(struct mbuild *b, const char *name,
                           const struct ynode *pol, const struct tosca_type *t,
                           void *payload),
                void *payload)
{
	const struct ynode *pols = ynode_get(topo, "policies");
	size_t i;

	for (i = 0; ynode_is_seq(pols) && i < pols->n; i++) {
		const struct ynode *e = pols->items[i];
		const struct tosca_type *t;

		if (!ynode_is_map(e) || e->n != 1)
			continue;
		t = mbuild_type(b, TOSCA_POLICY_TYPE, e->items[0]);
		if (t)
			cb(b, e->keys[0]->str, e->items[0], t, payload);
	}
}

struct vnf_policy_ctx {
	struct nfv_vnf *vnf;
	struct nfv_service *s;
};

static void
mbuild_vnf_policy(struct mbuild *b, const char *name, const struct ynode *pol,
                  const struct tosca_type *t, void *payload)
{
	struct vnf_policy_ctx *c = payload;

	if (tosca_type_is_a(t, "nfvsync.policies.VimPlacement")) {
		const struct ynode *vim =
		    ynode_get(ynode_get(pol, "properties"), "vim");

		if (ynode_str(vim) && !c->vnf->vim) {
			c->vnf->vim = vim->str;
			c->vnf->vim_pos = vim->pos;
		}
	} else if (tosca_type_is_a(t, "tosca.policies.Scaling") ||
	           tosca_type_is_a(t, "tosca.policies.tacker.Scaling")) {
		mbuild_scaling(b, c->vnf, name, pol);
	} else if (tosca_type_is_a(t, "tosca.policies.tacker.Reservation") ||
	           tosca_type_is_a(t, "tosca.policies.Reservation")) {
		mbuild_unsupported(c->s, "reservation", name, pol);
	} else if (tosca_type_is_a(t, "tosca.policies.tacker.Alarming")) {
		mbuild_unsupported(c->s, "alarm-triggered actions", name, pol);
	} else if (tosca_type_is_a(t, "tosca.policies.Placement")) {
		mbuild_unsupported(c->s, "affinity placement", name, pol);
	} else {
		mbuild_unsupported(c->s, t->name, name, pol);
	}
}

/* Forwarding paths: the profile's FP and Tacker's FP.Tacker(V2), which
 * Tacker derives from tosca.nodes.Root rather than from FP. */
static bool
mbuild_is_fp(const struct tosca_type *t)
{
	return tosca_type_is_a(t, "tosca.nodes.nfv.FP") ||
	       strncmp(t->name, "tosca.nodes.nfv.FP.", 19) == 0;
}

/* CPs without a virtualLink of their own whose link the VNFD exports for an
 * NSD to fill: substitution_mappings.requirements R: [CP, virtualLink]. */
static void
mbuild_link_exports(struct nfv_vnf *vnf, const struct ynode *topo)
{
	const struct ynode *map =
	    ynode_get(ynode_get(topo, "substitution_mappings"), "requirements");
	size_t i, j;

	for (i = 0; ynode_is_map(map) && i < map->n; i++) {
		const struct ynode *m = map->items[i];
		const char *cp = ynode_is_seq(m) && m->n == 2
		                     ? ynode_str(m->items[0])
		                     : NULL;
		const char *req = cp ? ynode_str(m->items[1]) : NULL;

		if (!req || strcmp(req, "virtualLink") != 0)
			continue;
		for (j = 0; j < vnf->ncps; j++) {
			if (vnf->cps[j].vl || vnf->cps[j].link_export ||
			    strcmp(vnf->cps[j].name, cp) != 0)
				continue;
			vnf->cps[j].link_export = map->keys[i]->str;
			vnf->cps[j].link_export_pos = map->keys[i]->pos;
		}
	}
}

/* A fixed address on a CP of a VDU that may run more than one instance:
 * the planner gives every instance's port the same address, and the VIM
 * refuses the second (or, worse, two servers answer on one address). */
static void
mbuild_check_scaled_addresses(struct mbuild *b, const struct nfv_vnf *vnf)
{
	size_t i, k;

	for (i = 0; i < vnf->ncps; i++) {
		const struct nfv_cp *cp = &vnf->cps[i];
		const struct nfv_vdu *vdu =
		    cp->vdu ? nfv_vnf_vdu(vnf, cp->vdu) : NULL;

		if (!vdu || vdu->max_instances <= 1)
			continue;
		for (k = 0; k < 2; k++) {
			const char *key = k ? "mac_address" : "ip_address";
			const char *addr = k ? cp->mac_address : cp->ip_address;

			if (!addr)
				continue;
			diag_error(b->d, k ? &cp->mac_pos : &cp->ip_pos,
			           "%s: fixed %s %s on %s, which policy '%s' "
			           "scales to up to %d instances: every "
			           "instance's port would take this same "
			           "address (leave %s out, or keep %s at one "
			           "instance)",
			           cp->name, key, addr, vdu->name,
			           vdu->scaling_policy, vdu->max_instances, key,
			           vdu->name);
			b->errors++;
		}
	}
}

/* Builds a VNF from a VNFD document's topology. */
static void
mbuild_vnf(struct mbuild *b, struct nfv_service *s, struct nfv_vnf *vnf,
           const struct tosca_doc *vnfd)
{
	const struct ynode *topo = tosca_doc_topology(vnfd);
	const struct ynode *nodes = ynode_get(topo, "node_templates");
	struct vnf_policy_ctx pc = {vnf, s};
	size_t i, j;

	vnf->vnfd = vnfd->path;
	/* VDUs first so CPs and policies can refer to them. */
	for (i = 0; ynode_is_map(nodes) && i < nodes->n; i++) {
		const struct tosca_type *t =
		    mbuild_type(b, TOSCA_NODE_TYPE, nodes->items[i]);

		if (t && tosca_type_is_a(t, "tosca.nodes.nfv.VDU"))
			mbuild_vdu(b, vnf, s, nodes->keys[i]->str,
			           nodes->items[i]);
	}
	for (i = 0; ynode_is_map(nodes) && i < nodes->n; i++) {
		const struct tosca_type *t =
		    mbuild_type(b, TOSCA_NODE_TYPE, nodes->items[i]);
		const char *name = nodes->keys[i]->str;

		if (!t || tosca_type_is_a(t, "tosca.nodes.nfv.VDU"))
			continue;
		if (tosca_type_is_a(t, "tosca.nodes.nfv.CP"))
			mbuild_cp(b, vnf, s, name, nodes->items[i]);
		else if (tosca_type_is_a(t, "tosca.nodes.nfv.VL"))
			mbuild_vl(s, ADD(vnf->vls, vnf->nvls), name,
			          nodes->items[i]);
		else if (mbuild_is_fp(t))
			mbuild_unsupported(s, "VNFFG forwarding paths", name,
			                   nodes->items[i]);
		else if (tosca_type_is_a(t, "tosca.nodes.BlockStorage") ||
		         strstr(t->name, "BlockStorage"))
			mbuild_unsupported(s, "block storage", name,
			                   nodes->items[i]);
		else if (tosca_type_is_a(t, "tosca.nodes.network.FloatingIP"))
			mbuild_unsupported(s, "floating IPs", name,
			                   nodes->items[i]);
		else
			mbuild_unsupported(s, t->name, name, nodes->items[i]);
	}
	/* CP links: network names, and bindings that must be VDUs. */
	for (i = 0; i < vnf->ncps; i++) {
		struct nfv_cp *cp = &vnf->cps[i];

		for (j = 0; cp->vl && j < vnf->nvls; j++) {
			if (strcmp(vnf->vls[j].name, cp->vl) == 0) {
				cp->network_name = vnf->vls[j].network_name;
				cp->network_pos = vnf->vls[j].network_pos;
			}
		}
		if (cp->vdu && !nfv_vnf_vdu(vnf, cp->vdu)) {
			diag_error(b->d, &ynode_get(nodes, cp->name)->pos,
			           "%s: virtualBinding '%s' is not a VDU",
			           cp->name, cp->vdu);
			b->errors++;
		}
	}
	mbuild_link_exports(vnf, topo);
	mbuild_policies(b, topo, mbuild_vnf_policy, &pc);
	mbuild_check_scaled_addresses(b, vnf);
	if (ynode_get(topo, "groups"))
		mbuild_unsupported(s, "VNFFG groups", "groups",
		                   ynode_get(topo, "groups"));
}

/* The imported VNFD whose substitution_mappings.node_type is type. */
static const struct tosca_doc *
mbuild_vnfd_for_type(const struct mbuild *b, const char *type)
{
	size_t i;

	for (i = 1; i < b->u->ndocs; i++) {
		const struct ynode *sm = ynode_get(
		    tosca_doc_topology(b->u->docs[i]), "substitution_mappings");
		const char *nt = ynode_str(ynode_get(sm, "node_type"));

		if (nt && strcmp(nt, type) == 0)
			return b->u->docs[i];
	}
	return NULL;
}

/* CPs whose virtual link the NSD provides: VNF requirement r: VLx and
 * substitution_mappings r: [CP, virtualLink]. */
static void
mbuild_ns_links(struct nfv_service *s, struct nfv_vnf *vnf,
                const struct tosca_doc *vnfd, const struct ynode *tmpl)
{
	const struct ynode *reqs = ynode_get(tmpl, "requirements");
	const struct ynode *map = ynode_get(
	    ynode_get(tosca_doc_topology(vnfd), "substitution_mappings"),
	    "requirements");
	size_t i, j, k;

	for (i = 0; ynode_is_seq(reqs) && i < reqs->n; i++) {
		const struct ynode *r = reqs->items[i];
		const struct ynode *m, *target;

		if (!ynode_is_map(r) || r->n != 1)
			continue;
		m = ynode_get(map, r->keys[0]->str);
		target = r->items[0];
		if (ynode_is_map(target))
			target = ynode_get(target, "node");
		if (!ynode_is_seq(m) || m->n != 2 || !ynode_str(target))
			continue;
		for (j = 0; j < vnf->ncps; j++) {
			struct nfv_cp *cp = &vnf->cps[j];

			if (strcmp(cp->name, ynode_str(m->items[0])) != 0)
				continue;
			cp->vl = target->str;
			for (k = 0; k < s->nvls; k++) {
				if (strcmp(s->vls[k].name, cp->vl) == 0) {
					cp->network_name =
					    s->vls[k].network_name;
					cp->network_pos = s->vls[k].network_pos;
				}
			}
		}
	}
}

/* CPs of VM VDUs whose virtualLink is exported for an NSD and not filled:
 * their ports would have no network. */
static bool
nfv_cp_unlinked(const struct nfv_vnf *vnf, const struct nfv_cp *cp)
{
	const struct nfv_vdu *vdu = cp->vdu ? nfv_vnf_vdu(vnf, cp->vdu) : NULL;

	return !cp->vl && cp->link_export && vdu && vdu->kind == NFV_VDU_VM;
}

/* A VNF of the NSD that leaves a CP's exported virtualLink unfilled (the
 * node type lets it: occurrences [0, 1]): the port would have no network. */
static void
mbuild_check_ns_links(struct mbuild *b, const struct nfv_vnf *vnf,
                      const struct ynode *tmpl)
{
	size_t i;

	for (i = 0; i < vnf->ncps; i++) {
		const struct nfv_cp *cp = &vnf->cps[i];

		if (!nfv_cp_unlinked(vnf, cp))
			continue;
		diag_error(b->d, &tmpl->pos,
		           "%s: requirement '%s' is not filled, so the port of "
		           "%s/%s has no network (%s:%u:%u exports it as "
		           "the virtualLink of %s)",
		           vnf->name, cp->link_export, cp->vdu, cp->name,
		           cp->link_export_pos.file, cp->link_export_pos.line,
		           cp->link_export_pos.col, cp->name);
		b->errors++;
	}
}

static void
mbuild_balancer(struct mbuild *b, struct nfv_service *s, const char *name,
                const struct ynode *tmpl)
{
	const struct ynode *p = ynode_get(tmpl, "properties");
	const struct ynode *l = ynode_get(p, "listener");
	const struct ynode *pool = ynode_get(p, "pool");
	const struct ynode *hm = ynode_get(p, "health_monitor");
	const struct ynode *rules = ynode_get(p, "l7_rules");
	const struct ynode *reqs = ynode_get(tmpl, "requirements");
	const struct ynode *vl = req_target(tmpl, "virtualLink");
	struct nfv_balancer *lb = ADD(s->balancers, s->nbalancers);
	size_t i;

	lb->name = name;
	lb->pos = tmpl->pos;
	lb->vip_address = prop_str(p, "vip_address");
	if (lb->vip_address) {
		lb->vip_pos = ynode_get(p, "vip_address")->pos;
		mbuild_check_address(b, name, "vip_address",
		                     ynode_get(p, "vip_address"), false);
	}
	lb->listener_protocol = prop_str(l, "protocol");
	if (!lb->listener_protocol)
		lb->listener_protocol = "HTTP";
	lb->listener_port = (int)prop_int(l, "port", 80);
	lb->pool_algorithm = prop_str(pool, "algorithm");
	if (!lb->pool_algorithm)
		lb->pool_algorithm = "ROUND_ROBIN";
	lb->pool_protocol = prop_str(pool, "protocol");
	if (!lb->pool_protocol)
		lb->pool_protocol = "HTTP";
	lb->member_port = (int)prop_int(pool, "member_port", 80);
	if (ynode_is_map(hm)) {
		lb->has_health_monitor = true;
		lb->hm_type =
		    prop_str(hm, "type") ? prop_str(hm, "type") : "HTTP";
		lb->hm_delay = (int)prop_int(hm, "delay", 5);
		lb->hm_timeout = (int)prop_int(hm, "timeout", 3);
		lb->hm_max_retries = (int)prop_int(hm, "max_retries", 3);
		lb->hm_http_method = prop_str(hm, "http_method")
		                         ? prop_str(hm, "http_method")
		                         : "GET";
		lb->hm_url_path =
		    prop_str(hm, "url_path") ? prop_str(hm, "url_path") : "/";
		lb->hm_expected_codes = prop_str(hm, "expected_codes")
		                            ? prop_str(hm, "expected_codes")
		                            : "200";
		if (lb->hm_timeout > lb->hm_delay) {
			diag_error(b->d, &hm->pos,
			           "%s: health_monitor timeout (%d) must not "
			           "exceed delay (%d)",
			           name, lb->hm_timeout, lb->hm_delay);
			b->errors++;
		}
	}
	if (vl) {
		for (i = 0; i < s->nvls; i++) {
			if (strcmp(s->vls[i].name, vl->str) == 0) {
				lb->vip_network = s->vls[i].network_name;
				lb->vip_network_pos = s->vls[i].network_pos;
			}
		}
	}
	for (i = 0; ynode_is_seq(reqs) && i < reqs->n; i++) {
		const struct ynode *t = ynode_get(reqs->items[i], "members");

		if (ynode_is_map(t))
			t = ynode_get(t, "node");
		if (!ynode_str(t))
			continue;
		if (!nfv_service_vnf(s, t->str)) {
			diag_error(b->d, &t->pos,
			           "%s: member '%s' is not a VNF of this "
			           "network service",
			           name, t->str);
			b->errors++;
			continue;
		}
		lb->members = xrealloc(lb->members, (lb->nmembers + 1) *
		                                        sizeof(*lb->members));
		lb->members[lb->nmembers++] = t->str;
	}
	for (i = 0; ynode_is_seq(rules) && i < rules->n; i++) {
		const struct ynode *r = rules->items[i];
		struct nfv_l7_rule *rule = ADD(lb->l7_rules, lb->nl7_rules);
		const struct nfv_vnf *vnf;
		const struct nfv_vdu *vdu;
		size_t k;
		bool member = false;

		rule->path_prefix = prop_str(r, "path_prefix");
		rule->vnf = prop_str(r, "vnf");
		rule->vdu = prop_str(r, "vdu");
		rule->instance = (int)prop_int(r, "instance", 0);
		if (!rule->vnf || !rule->vdu || !rule->path_prefix)
			continue; /* the validator reported it */
		for (k = 0; k < lb->nmembers; k++)
			member =
			    member || strcmp(lb->members[k], rule->vnf) == 0;
		vnf = nfv_service_vnf(s, rule->vnf);
		vdu = vnf ? nfv_vnf_vdu(vnf, rule->vdu) : NULL;
		if (!member) {
			diag_error(b->d, &ynode_get(r, "vnf")->pos,
			           "%s: route '%s' sends traffic to '%s', "
			           "which is not a member of the balancer",
			           name, rule->path_prefix, rule->vnf);
			b->errors++;
		} else if (!vdu) {
			diag_error(b->d, &ynode_get(r, "vdu")->pos,
			           "%s: route '%s': VNF '%s' has no VDU '%s'",
			           name, rule->path_prefix, rule->vnf,
			           rule->vdu);
			b->errors++;
		} else if (rule->instance >= vdu->max_instances) {
			const struct ynode *at = ynode_get(r, "instance");

			diag_error(b->d, at ? &at->pos : &r->pos,
			           "%s: route '%s': instance %d of %s/%s can "
			           "never exist (max_instances %d)",
			           name, rule->path_prefix, rule->instance,
			           rule->vnf, rule->vdu, vdu->max_instances);
			b->errors++;
		}
	}
}

static void
mbuild_ns_policy(struct mbuild *b, const char *name, const struct ynode *pol,
                 const struct tosca_type *t, void *payload)
{
	struct nfv_service *s = payload;
	const struct ynode *targets = ynode_get(pol, "targets");
	const struct ynode *vim =
	    ynode_get(ynode_get(pol, "properties"), "vim");
	size_t i, k;

	if (!tosca_type_is_a(t, "nfvsync.policies.VimPlacement")) {
		mbuild_unsupported(s, t->name, name, pol);
		return;
	}
	if (!ynode_str(vim))
		return;
	if (!ynode_is_seq(targets) || targets->n == 0) {
		diag_error(b->d, &pol->pos,
		           "policy '%s': in a network service, a VIM "
		           "placement needs targets (VNFs or balancers)",
		           name);
		b->errors++;
		return;
	}
	for (i = 0; i < targets->n; i++) {
		const char *tn = ynode_str(targets->items[i]);
		bool found = false;

		for (k = 0; tn && k < s->nvnfs; k++) {
			if (strcmp(s->vnfs[k].name, tn) == 0) {
				s->vnfs[k].vim = vim->str;
				s->vnfs[k].vim_pos = vim->pos;
				found = true;
			}
		}
		for (k = 0; tn && k < s->nbalancers; k++) {
			if (strcmp(s->balancers[k].name, tn) == 0) {
				s->balancers[k].vim = vim->str;
				s->balancers[k].vim_pos = vim->pos;
				found = true;
			}
		}
		if (!found && tn) {
			diag_error(b->d, &targets->items[i]->pos,
			           "policy '%s': target '%s' is not a VNF or "
			           "a load balancer",
			           name, tn);
			b->errors++;
		}
	}
}

static const char *
mbuild_service_name(struct mbuild *b, const struct tosca_doc *doc,
                    struct diag_pos *ret_pos)
{
	const struct ynode *tn =
	    ynode_get(ynode_get(doc->root, "metadata"), "template_name");
	const char *n = ynode_str(tn);
	const char *slash, *dot;
	char *stem;

	if (n) {
		*ret_pos = tn->pos;
		return n;
	}
	*ret_pos = (struct diag_pos){doc->path, 1, 1};
	slash = strrchr(doc->path, '/');
	stem = xstrdup(slash ? slash + 1 : doc->path);
	dot = strrchr(stem, '.');
	if (dot)
		stem[dot - stem] = '\0';
	return mbuild_own(b, stem);
}

/* Whether two service names are one on the VIMs: Kubernetes names and
 * labels keep only lowercase letters and digits, other runs become '-'. */
static bool
mbuild_same_vim_name(const char *a, const char *b)
{
	for (;;) {
		while (*a && !isalnum((unsigned char)*a))
			a++;
		while (*b && !isalnum((unsigned char)*b))
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
		a++;
		b++;
		/* a run of punctuation on one side must face one on the
		 * other */
		if (!isalnum((unsigned char)*a) != !isalnum((unsigned char)*b))
			return false;
	}
}

/* A second service of one name: both would create, adopt and prune the
 * same resources on the VIMs, each deleting what the other made. */
static void
mbuild_check_unique_name(struct mbuild *b, const struct nfv_service *s)
{
	size_t i;

	for (i = 0; i + 1 < b->m->nservices; i++) {
		const struct nfv_service *o = &b->m->services[i];

		if (!mbuild_same_vim_name(o->name, s->name))
			continue;
		diag_error(b->d, &s->name_pos,
		           "service '%s' is defined twice: %s:%u:%u already "
		           "defines %s%s%s; each descriptor deployed on its "
		           "own needs its own name (metadata template_name, "
		           "else the file name), since the name marks every "
		           "resource it owns on the VIMs",
		           s->name, o->name_pos.file, o->name_pos.line,
		           o->name_pos.col,
		           strcmp(o->name, s->name) == 0 ? "it" : "'",
		           strcmp(o->name, s->name) == 0 ? "" : o->name,
		           strcmp(o->name, s->name) == 0
		               ? ""
		               : "' (the same name on the VIMs, which keep "
		                 "no case or punctuation)");
		b->errors++;
		return;
	}
}

size_t
nfv_model_check_links(const struct nfv_model *m, bool error, struct diag *d)
{
	size_t i, j, k, n = 0;

	for (i = 0; i < m->nservices; i++) {
		const struct nfv_service *s = &m->services[i];

		if (s->kind != NFV_SERVICE_VNF)
			continue;
		for (j = 0; j < s->nvnfs; j++) {
			for (k = 0; k < s->vnfs[j].ncps; k++) {
				const struct nfv_cp *cp = &s->vnfs[j].cps[k];
				char *msg;

				if (!nfv_cp_unlinked(&s->vnfs[j], cp))
					continue;
				msg = xasprintf(
				    "%s: VNF '%s' is deployed on its own, so "
				    "no network service fills '%s' and the "
				    "port of %s has no network; %s (import "
				    "this VNFD from an NSD that gives '%s' a "
				    "virtual link)",
				    cp->name, s->vnfs[j].name, cp->link_export,
				    cp->vdu,
				    error ? "nothing is planned"
				          : "plan and apply refuse it",
				    cp->link_export);
				if (error)
					diag_error(d, &cp->link_export_pos,
					           "%s", msg);
				else
					diag_warn(d, &cp->link_export_pos, "%s",
					          msg);
				free(msg);
				n++;
			}
		}
	}
	return n;
}

/* The service's `metadata: {nfvsync.io/sync: apply|dry-run|suspend}`. */
static void
mbuild_sync_mode(struct mbuild *b, struct nfv_service *s,
                 const struct tosca_doc *doc)
{
	static const char *const names[NFV_SYNC_MODE_MAX] = {"apply", "dry-run",
	                                                     "suspend"};
	const struct ynode *n =
	    ynode_get(ynode_get(doc->root, "metadata"), "nfvsync.io/sync");
	const char *v = ynode_str(n);
	size_t i;

	if (!n)
		return;
	for (i = 0; v && i < NFV_SYNC_MODE_MAX; i++) {
		if (strcmp(v, names[i]) == 0) {
			s->sync = (enum nfv_sync_mode)i;
			return;
		}
	}
	diag_error(b->d, &n->pos,
	           "metadata nfvsync.io/sync: expected apply, dry-run or "
	           "suspend");
	b->errors++;
}

int
nfv_model_add_unit(struct nfv_model *m, const struct tosca_unit *u,
                   struct diag *d)
{
	struct mbuild b = {m, u, d, 0};
	const struct tosca_doc *doc = u->root;
	const struct ynode *topo = tosca_doc_topology(doc);
	const struct ynode *nodes = ynode_get(topo, "node_templates");
	struct nfv_service *s = ADD(m->services, m->nservices);
	bool has_vdu = false;
	size_t i;

	s->name = mbuild_service_name(&b, doc, &s->name_pos);
	s->file = doc->path;
	mbuild_check_unique_name(&b, s);
	s->description = ynode_str(ynode_get(doc->root, "description"));
	mbuild_sync_mode(&b, s, doc);
	for (i = 0; ynode_is_map(nodes) && i < nodes->n; i++) {
		const struct tosca_type *t =
		    mbuild_type(&b, TOSCA_NODE_TYPE, nodes->items[i]);

		has_vdu =
		    has_vdu || (t && tosca_type_is_a(t, "tosca.nodes.nfv.VDU"));
	}
	if (has_vdu) {
		struct nfv_vnf *vnf = ADD(s->vnfs, s->nvnfs);

		s->kind = NFV_SERVICE_VNF;
		vnf->name = s->name;
		vnf->pos = (struct diag_pos){doc->path, 1, 1};
		mbuild_vnf(&b, s, vnf, doc);
		return b.errors ? -EINVAL : 0;
	}
	/* A network service (or a VNFFGD, which only has unsupported parts). */
	for (i = 0; ynode_is_map(nodes) && i < nodes->n; i++) {
		const struct tosca_type *t =
		    mbuild_type(&b, TOSCA_NODE_TYPE, nodes->items[i]);

		if (t && tosca_type_is_a(t, "tosca.nodes.nfv.VL"))
			mbuild_vl(s, ADD(s->vls, s->nvls), nodes->keys[i]->str,
			          nodes->items[i]);
	}
	for (i = 0; ynode_is_map(nodes) && i < nodes->n; i++) {
		const struct ynode *tmpl = nodes->items[i];
		const char *name = nodes->keys[i]->str;
		const struct tosca_type *t =
		    mbuild_type(&b, TOSCA_NODE_TYPE, tmpl);
		const struct tosca_doc *vnfd =
		    t ? mbuild_vnfd_for_type(&b, t->name) : NULL;

		if (!t || tosca_type_is_a(t, "tosca.nodes.nfv.VL"))
			continue;
		if (vnfd) {
			struct nfv_vnf *vnf = ADD(s->vnfs, s->nvnfs);

			vnf->name = name;
			vnf->pos = tmpl->pos;
			mbuild_vnf(&b, s, vnf, vnfd);
			mbuild_ns_links(s, vnf, vnfd, tmpl);
			mbuild_check_ns_links(&b, vnf, tmpl);
		} else if (tosca_type_is_a(t, "nfvsync.nodes.LoadBalancer")) {
			continue; /* after every VNF exists */
		} else if (mbuild_is_fp(t)) {
			mbuild_unsupported(s, "VNFFG forwarding paths", name,
			                   tmpl);
		} else if (tosca_type_is_a(t, "tosca.nodes.nfv.VNF") ||
		           !t->parent) {
			diag_error(d, &ynode_get(tmpl, "type")->pos,
			           "%s: no imported VNFD provides type %s (its "
			           "substitution_mappings.node_type)",
			           name, t->name);
			b.errors++;
		} else {
			mbuild_unsupported(s, t->name, name, tmpl);
		}
	}
	for (i = 0; ynode_is_map(nodes) && i < nodes->n; i++) {
		const struct tosca_type *t =
		    mbuild_type(&b, TOSCA_NODE_TYPE, nodes->items[i]);

		if (t && tosca_type_is_a(t, "nfvsync.nodes.LoadBalancer"))
			mbuild_balancer(&b, s, nodes->keys[i]->str,
			                nodes->items[i]);
	}
	mbuild_policies(&b, topo, mbuild_ns_policy, s);
	if (ynode_get(topo, "groups"))
		mbuild_unsupported(s, "VNFFG groups", "groups",
		                   ynode_get(topo, "groups"));
	s->kind = s->nvnfs ? NFV_SERVICE_NS : NFV_SERVICE_OTHER;
	return b.errors ? -EINVAL : 0;
}

/* One fixed address on one network of one VIM, for the duplicate check. */
struct nfv_addr_use {
	const char *vim;
	const char *network; /* network_name, else the VL's name … */
	const void *scope;   /* … within this VNF (NULL: a network name) */
	struct nfv_addr addr;
	const char *text;
	struct diag_pos pos;
	char *what; /* "CP1 of VNF web", for messages */
};

static int
nfv_addr_use_cmp(const void *pa, const void *pb)
{
	const struct nfv_addr_use *a = pa, *b = pb;
	int c;

	if ((c = strcmp(a->vim, b->vim)) != 0 ||
	    (c = strcmp(a->network, b->network)) != 0)
		return c;
	if (a->scope != b->scope)
		return (uintptr_t)a->scope < (uintptr_t)b->scope ? -1 : 1;
	if (a->addr.family != b->addr.family)
		return a->addr.family < b->addr.family ? -1 : 1;
	if ((c = memcmp(a->addr.bytes, b->addr.bytes, 16)) != 0)
		return c;
	/* the first in the sources is the one the others are told of */
	if ((c = strcmp(a->pos.file ? a->pos.file : "",
	                b->pos.file ? b->pos.file : "")) != 0)
		return c;
	if (a->pos.line != b->pos.line)
		return a->pos.line < b->pos.line ? -1 : 1;
	if (a->pos.col != b->pos.col)
		return a->pos.col < b->pos.col ? -1 : 1;
	return strcmp(a->what, b->what);
}

static void
nfv_addr_use_add(struct nfv_addr_use **uses, size_t *n, const char *vim,
                 const char *network, const void *scope, const char *text,
                 const struct diag_pos *pos, char *what)
{
	struct nfv_addr_use *u;
	struct nfv_addr a;

	if (!vim || !network || !text || nfv_addr_parse(text, &a) < 0) {
		free(what); /* no network to clash on, or reported */
		return;
	}
	u = ADD(*uses, *n);
	u->vim = vim;
	u->network = network;
	u->scope = scope;
	u->addr = a;
	u->text = text;
	u->pos = *pos;
	u->what = what;
}

int
nfv_model_check_addresses(const struct nfv_model *m, struct diag *d)
{
	struct nfv_addr_use *uses = NULL;
	size_t n = 0, i, j, k, first = 0;
	int errors = 0;

	for (i = 0; i < m->nservices; i++) {
		const struct nfv_service *s = &m->services[i];

		for (j = 0; j < s->nvnfs; j++) {
			const struct nfv_vnf *vnf = &s->vnfs[j];

			for (k = 0; k < vnf->ncps; k++) {
				const struct nfv_cp *cp = &vnf->cps[k];

				nfv_addr_use_add(
				    &uses, &n, vnf->vim,
				    cp->network_name ? cp->network_name
				                     : cp->vl,
				    cp->network_name ? NULL : vnf,
				    cp->ip_address, &cp->ip_pos,
				    strcmp(vnf->name, s->name) == 0
				        ? xasprintf("%s of VNF %s", cp->name,
				                    vnf->name)
				        : xasprintf("%s of VNF %s (service %s)",
				                    cp->name, vnf->name,
				                    s->name));
			}
		}
		for (j = 0; j < s->nbalancers; j++) {
			const struct nfv_balancer *lb = &s->balancers[j];

			nfv_addr_use_add(&uses, &n, lb->vim, lb->vip_network,
			                 NULL, lb->vip_address, &lb->vip_pos,
			                 xasprintf("the VIP of balancer %s "
			                           "(service %s)",
			                           lb->name, s->name));
		}
	}
	if (n > 1)
		qsort(uses, n, sizeof(*uses), nfv_addr_use_cmp);
	for (i = 1; i < n; i++) {
		const struct nfv_addr_use *a = &uses[first], *b = &uses[i];

		if (strcmp(a->vim, b->vim) != 0 ||
		    strcmp(a->network, b->network) != 0 ||
		    a->scope != b->scope || a->addr.family != b->addr.family ||
		    memcmp(a->addr.bytes, b->addr.bytes, 16) != 0) {
			first = i;
			continue;
		}
		diag_error(d, &b->pos,
		           "%s: address %s is also given to %s at %s:%u:%u, "
		           "on network %s of VIM %s; a fixed address can be "
		           "given once per network",
		           b->what, b->text, a->what, a->pos.file, a->pos.line,
		           a->pos.col, a->network, a->vim);
		errors++;
	}
	for (i = 0; i < n; i++)
		free(uses[i].what);
	free(uses);
	return errors ? -EINVAL : 0;
}
