/*
 * The model as JSON (json-c): the output of `nfvsync show -o json` and the
 * form golden tests compare. Keys appear in a fixed order; absent optional
 * values are omitted rather than null, so the text stays small and stable.
 */
#include "model.h"
#include "xalloc.h"

#include <json-c/json.h>
#include <string.h>

static void
put_str(json_object *o, const char *k, const char *v)
{
	if (v)
		json_object_object_add(o, k, json_object_new_string(v));
}

static void
put_int(json_object *o, const char *k, long long v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static void
put_bool(json_object *o, const char *k, bool v)
{
	json_object_object_add(o, k, json_object_new_boolean(v));
}

static json_object *
strs_json(const char *const *v, size_t n)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static json_object *
kvs_json(const struct nfv_kv *kv, size_t n)
{
	json_object *o = json_object_new_object();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_object_add(o, kv[i].key,
		                       json_object_new_string(kv[i].value));
	return o;
}

static json_object *
vdu_json(const struct nfv_vdu *v)
{
	json_object *o = json_object_new_object();
	size_t i;

	put_str(o, "name", v->name);
	put_str(o, "kind", v->kind == NFV_VDU_VM ? "vm" : "container");
	put_int(o, "instances", v->instances);
	put_int(o, "min_instances", v->min_instances);
	put_int(o, "max_instances", v->max_instances);
	put_str(o, "scaling_policy", v->scaling_policy);
	if (v->target_cpu_utilization)
		put_int(o, "target_cpu_utilization", v->target_cpu_utilization);
	if (v->kind == NFV_VDU_VM) {
		put_str(o, "image", v->image);
		put_str(o, "flavor", v->flavor);
		if (v->vcpus)
			put_int(o, "vcpus", v->vcpus);
		if (v->mem_bytes)
			put_int(o, "mem_bytes", v->mem_bytes);
		if (v->disk_bytes)
			put_int(o, "disk_bytes", v->disk_bytes);
		put_str(o, "key_name", v->key_name);
		put_str(o, "availability_zone", v->availability_zone);
		if (v->config_drive)
			put_bool(o, "config_drive", true);
		put_str(o, "user_data_format", v->user_data_format);
		if (v->user_data)
			put_int(o, "user_data_bytes",
			        (long long)strlen(v->user_data));
		if (v->nmetadata)
			json_object_object_add(
			    o, "metadata", kvs_json(v->metadata, v->nmetadata));
		put_str(o, "monitoring", v->monitoring);
		put_str(o, "monitoring_action", v->monitoring_action);
	} else {
		json_object *cs = json_object_new_array();
		json_object *mp = json_object_new_array();

		put_str(o, "namespace", v->namespace);
		put_str(o, "service_type", v->service_type);
		for (i = 0; i < v->nmapping_ports; i++) {
			json_object *p = json_object_new_object();

			put_int(p, "port", v->mapping_ports[i].published);
			put_int(p, "target_port", v->mapping_ports[i].target);
			json_object_array_add(mp, p);
		}
		json_object_object_add(o, "mapping_ports", mp);
		json_object_object_add(o, "labels",
		                       kvs_json(v->labels, v->nlabels));
		for (i = 0; i < v->ncontainers; i++) {
			const struct nfv_container *c = &v->containers[i];
			json_object *co = json_object_new_object();
			json_object *ports = json_object_new_array();
			size_t k;

			put_str(co, "name", c->name);
			put_str(co, "image", c->image);
			json_object_object_add(
			    co, "num_cpus",
			    json_object_new_double(c->num_cpus));
			put_int(co, "mem_bytes", c->mem_bytes);
			for (k = 0; k < c->nports; k++)
				json_object_array_add(
				    ports, json_object_new_int(c->ports[k]));
			json_object_object_add(co, "ports", ports);
			json_object_array_add(cs, co);
		}
		json_object_object_add(o, "containers", cs);
	}
	return o;
}

static json_object *
cp_json(const struct nfv_cp *c)
{
	json_object *o = json_object_new_object();

	put_str(o, "name", c->name);
	put_str(o, "vdu", c->vdu);
	put_str(o, "virtual_link", c->vl);
	put_str(o, "network_name", c->network_name);
	put_str(o, "ip_address", c->ip_address);
	put_str(o, "mac_address", c->mac_address);
	put_bool(o, "management", c->management);
	put_int(o, "order", c->order);
	put_str(o, "vnic_type", c->vnic_type);
	put_bool(o, "anti_spoofing", c->anti_spoofing);
	if (c->nsecurity_groups)
		json_object_object_add(
		    o, "security_groups",
		    strs_json(c->security_groups, c->nsecurity_groups));
	if (c->nallowed_address_pairs) {
		json_object *a = json_object_new_array();
		size_t i;

		for (i = 0; i < c->nallowed_address_pairs; i++) {
			json_object *pair = json_object_new_object();

			put_str(pair, "ip_address",
			        c->allowed_address_pairs[i].ip_address);
			put_str(pair, "mac_address",
			        c->allowed_address_pairs[i].mac_address);
			json_object_array_add(a, pair);
		}
		json_object_object_add(o, "allowed_address_pairs", a);
	}
	return o;
}

static json_object *
vl_json(const struct nfv_vl *v)
{
	json_object *o = json_object_new_object();

	put_str(o, "name", v->name);
	put_str(o, "network_name", v->network_name);
	put_str(o, "vendor", v->vendor);
	put_str(o, "cidr", v->cidr);
	if (v->cidr)
		put_int(o, "ip_version", v->ip_version);
	put_str(o, "start_ip", v->start_ip);
	put_str(o, "end_ip", v->end_ip);
	put_str(o, "gateway_ip", v->gateway_ip);
	return o;
}

static json_object *
vnf_json(const struct nfv_vnf *v)
{
	json_object *o = json_object_new_object();
	json_object *a;
	size_t i;

	put_str(o, "name", v->name);
	put_str(o, "vnfd", v->vnfd);
	put_str(o, "vim", v->vim);
	a = json_object_new_array();
	for (i = 0; i < v->nvdus; i++)
		json_object_array_add(a, vdu_json(&v->vdus[i]));
	json_object_object_add(o, "vdus", a);
	a = json_object_new_array();
	for (i = 0; i < v->ncps; i++)
		json_object_array_add(a, cp_json(&v->cps[i]));
	json_object_object_add(o, "cps", a);
	a = json_object_new_array();
	for (i = 0; i < v->nvls; i++)
		json_object_array_add(a, vl_json(&v->vls[i]));
	json_object_object_add(o, "vls", a);
	a = json_object_new_array();
	for (i = 0; i < v->nscaling; i++) {
		const struct nfv_scaling *s = &v->scaling[i];
		json_object *p = json_object_new_object();

		put_str(p, "name", s->name);
		json_object_object_add(p, "targets",
		                       strs_json(s->targets, s->ntargets));
		put_int(p, "min_instances", s->min_instances);
		put_int(p, "max_instances", s->max_instances);
		put_int(p, "default_instances", s->default_instances);
		put_int(p, "increment", s->increment);
		put_int(p, "cooldown", s->cooldown);
		if (s->target_cpu_utilization)
			put_int(p, "target_cpu_utilization",
			        s->target_cpu_utilization);
		json_object_array_add(a, p);
	}
	json_object_object_add(o, "scaling", a);
	return o;
}

static json_object *
balancer_json(const struct nfv_balancer *b)
{
	json_object *o = json_object_new_object();
	json_object *l = json_object_new_object();
	json_object *p = json_object_new_object();
	json_object *rules = json_object_new_array();
	size_t i;

	put_str(o, "name", b->name);
	put_str(o, "vim", b->vim);
	put_str(o, "vip_address", b->vip_address);
	put_str(o, "vip_network", b->vip_network);
	put_str(l, "protocol", b->listener_protocol);
	put_int(l, "port", b->listener_port);
	json_object_object_add(o, "listener", l);
	put_str(p, "algorithm", b->pool_algorithm);
	put_str(p, "protocol", b->pool_protocol);
	put_int(p, "member_port", b->member_port);
	json_object_object_add(o, "pool", p);
	if (b->has_health_monitor) {
		json_object *h = json_object_new_object();

		put_str(h, "type", b->hm_type);
		put_int(h, "delay", b->hm_delay);
		put_int(h, "timeout", b->hm_timeout);
		put_int(h, "max_retries", b->hm_max_retries);
		put_str(h, "http_method", b->hm_http_method);
		put_str(h, "url_path", b->hm_url_path);
		put_str(h, "expected_codes", b->hm_expected_codes);
		json_object_object_add(o, "health_monitor", h);
	}
	json_object_object_add(o, "members",
	                       strs_json(b->members, b->nmembers));
	for (i = 0; i < b->nl7_rules; i++) {
		json_object *r = json_object_new_object();

		put_str(r, "path_prefix", b->l7_rules[i].path_prefix);
		put_str(r, "vnf", b->l7_rules[i].vnf);
		put_str(r, "vdu", b->l7_rules[i].vdu);
		put_int(r, "instance", b->l7_rules[i].instance);
		json_object_array_add(rules, r);
	}
	json_object_object_add(o, "l7_rules", rules);
	return o;
}

char *
nfv_model_to_json(const struct nfv_model *m)
{
	json_object *root = json_object_new_object();
	json_object *vims = json_object_new_array();
	json_object *svcs = json_object_new_array();
	char *out;
	size_t i, j;

	put_int(root, "format_version", 1);
	for (i = 0; i < m->nvims; i++) {
		const struct nfv_vim *v = &m->vims[i];
		json_object *o = json_object_new_object();

		put_str(o, "name", v->name);
		put_str(o, "type", nfv_vim_kind_name(v->kind));
		put_str(o, "auth_url", v->auth_url);
		put_str(o, "context", v->context);
		put_str(o, "username", v->username);
		put_str(o, "project_name", v->project_name);
		put_bool(o, "cert_verify", v->cert_verify);
		/* Only where the secret comes from; never the secret. */
		put_str(o, "secret_env", v->secret_env);
		put_str(o, "secret_file", v->secret_file);
		json_object_array_add(vims, o);
	}
	json_object_object_add(root, "vims", vims);
	for (i = 0; i < m->nservices; i++) {
		const struct nfv_service *s = &m->services[i];
		json_object *o = json_object_new_object();
		json_object *a;

		put_str(o, "name", s->name);
		put_str(o, "kind", nfv_service_kind_name(s->kind));
		if (s->sync != NFV_SYNC_APPLY)
			put_str(o, "sync", nfv_sync_mode_name(s->sync));
		put_str(o, "file", s->file);
		a = json_object_new_array();
		for (j = 0; j < s->nvnfs; j++)
			json_object_array_add(a, vnf_json(&s->vnfs[j]));
		json_object_object_add(o, "vnfs", a);
		a = json_object_new_array();
		for (j = 0; j < s->nvls; j++)
			json_object_array_add(a, vl_json(&s->vls[j]));
		json_object_object_add(o, "vls", a);
		a = json_object_new_array();
		for (j = 0; j < s->nbalancers; j++)
			json_object_array_add(a,
			                      balancer_json(&s->balancers[j]));
		json_object_object_add(o, "balancers", a);
		a = json_object_new_array();
		for (j = 0; j < s->nunsupported; j++) {
			const struct nfv_unsupported *u = &s->unsupported[j];
			json_object *uo = json_object_new_object();

			put_str(uo, "feature", u->feature);
			put_str(uo, "subject", u->subject);
			put_str(uo, "file", u->pos.file);
			put_int(uo, "line", u->pos.line);
			json_object_array_add(a, uo);
		}
		json_object_object_add(o, "not_supported_yet", a);
		json_object_array_add(svcs, o);
	}
	json_object_object_add(root, "services", svcs);
	out = xstrdup(json_object_to_json_string_ext(
	    root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	              JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return out;
}
