/*
 * Neutron v2.0 for localvim: networks, subnets, ports with fixed-IP
 * allocation (409 on a taken address), security groups and rules, tags,
 * filters and pagination. Synchronous, like the real API; a port becomes
 * ACTIVE when Nova binds it to a running server.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "http.h"
#include "ipam.h"
#include "lvutil.h"
#include "services.h"
#include "xalloc.h"

struct neutron_coll {
	const char *plural;   /* path */
	const char *list;     /* list body key */
	const char *singular; /* body key */
	enum lv_kind kind;
};

static const struct neutron_coll neutron_colls[] = {
    {"networks", "networks", "network", LV_NETWORK},
    {"subnets", "subnets", "subnet", LV_SUBNET},
    {"ports", "ports", "port", LV_PORT},
    {"security-groups", "security_groups", "security_group", LV_SECGROUP},
    {"security-group-rules", "security_group_rules", "security_group_rule",
     LV_SECGROUP_RULE},
    {NULL, NULL, NULL, 0},
};

static void
neutron_stamp(struct localvim *lv, struct json_object *o, const char *id,
              const char *name)
{
	lv_json_set_str(o, "id", id);
	if (name != NULL)
		lv_json_set_str(o, "name", name);
	lv_json_set_str(o, "tenant_id", lv->project_id);
	lv_json_set_str(o, "project_id", lv->project_id);
	lv_json_set_str(o, "description", "");
	json_object_object_add(o, "tags", json_object_new_array());
	lv_json_set_now(o, "created_at", false, true);
	lv_json_set_now(o, "updated_at", false, true);
	lv_json_set_int(o, "revision_number", 1);
}

static void
neutron_touch(struct json_object *o)
{
	lv_json_set_now(o, "updated_at", false, true);
	lv_json_set_int(o, "revision_number",
	                lv_json_int(o, "revision_number", 0) + 1);
}

static struct lv_obj *
neutron_network_new(struct localvim *lv, const char *id, const char *name,
                    bool external)
{
	struct json_object *o = json_object_new_object();
	struct lv_obj *obj = world_add(lv, LV_NETWORK, id, o);

	neutron_stamp(lv, o, obj->id, name);
	lv_json_set_bool(o, "admin_state_up", true);
	lv_json_set_int(o, "mtu", 1450);
	lv_json_set_str(o, "status", "ACTIVE");
	json_object_object_add(o, "subnets", json_object_new_array());
	lv_json_set_bool(o, "shared", external);
	json_object_object_add(o, "availability_zone_hints",
	                       json_object_new_array());
	json_object_object_add(o, "availability_zones",
	                       json_object_new_array());
	lv_json_set_null(o, "ipv4_address_scope");
	lv_json_set_null(o, "ipv6_address_scope");
	lv_json_set_bool(o, "router:external", external);
	lv_json_set_bool(o, "port_security_enabled", true);
	lv_json_set_str(o, "provider:network_type",
	                external ? "flat" : "vxlan");
	if (external)
		lv_json_set_str(o, "provider:physical_network", "public");
	else
		lv_json_set_null(o, "provider:physical_network");
	lv_json_set_int(o, "provider:segmentation_id",
	                external ? 0 : (int64_t)(100 + lv->t[LV_NETWORK].n));
	return obj;
}

/* Creates a subnet from a validated body-like description. */
static struct lv_obj *
neutron_subnet_new(struct localvim *lv, struct lv_obj *net, const char *id,
                   const char *name, const char *cidr, const char *gateway,
                   struct json_object *pools)
{
	struct json_object *o = json_object_new_object();
	struct lv_obj *obj = world_add(lv, LV_SUBNET, id, o);
	uint32_t netaddr, gw;
	unsigned prefix;
	char buf[16];

	ipam_parse_cidr(cidr, &netaddr, &prefix);
	neutron_stamp(lv, o, obj->id, name ? name : "");
	lv_json_set_str(o, "network_id", net->id);
	lv_json_set_int(o, "ip_version", 4);
	lv_json_set_null(o, "subnetpool_id");
	lv_json_set_bool(o, "enable_dhcp", true);
	lv_json_set_null(o, "ipv6_ra_mode");
	lv_json_set_null(o, "ipv6_address_mode");
	if (gateway != NULL) {
		lv_json_set_str(o, "gateway_ip", gateway);
	} else {
		gw = netaddr + 1;
		ipam_format(gw, buf);
		lv_json_set_str(o, "gateway_ip", buf);
	}
	ipam_format(netaddr, buf);
	{
		char c[24];

		snprintf(c, sizeof(c), "%s/%u", buf, prefix);
		lv_json_set_str(o, "cidr", c);
	}
	if (pools == NULL) {
		struct json_object *p = json_object_new_object();
		uint32_t host = prefix >= 31 ? 1 : 0xffffffffu >> prefix;
		uint32_t last = (netaddr | host) - 1;

		pools = json_object_new_array();
		ipam_format(netaddr + 2, buf);
		lv_json_set_str(p, "start", buf);
		ipam_format(last, buf);
		lv_json_set_str(p, "end", buf);
		json_object_array_add(pools, p);
	}
	json_object_object_add(o, "allocation_pools", pools);
	json_object_object_add(o, "host_routes", json_object_new_array());
	json_object_object_add(o, "dns_nameservers", json_object_new_array());
	json_object_object_add(o, "service_types", json_object_new_array());
	json_object_array_add(lv_json_get(net->json, "subnets"),
	                      json_object_new_string(obj->id));
	return obj;
}

static struct json_object *
neutron_rule_new(struct localvim *lv, const char *sg_id, const char *dir,
                 const char *ethertype, const char *remote_group)
{
	struct json_object *o = json_object_new_object();
	struct lv_obj *obj = world_add(lv, LV_SECGROUP_RULE, NULL, o);

	neutron_stamp(lv, o, obj->id, NULL);
	json_object_object_del(o, "tags");
	lv_json_set_int(o, "revision_number", 0);
	lv_json_set_str(o, "security_group_id", sg_id);
	lv_json_set_str(o, "ethertype", ethertype);
	lv_json_set_str(o, "direction", dir);
	lv_json_set_null(o, "protocol");
	lv_json_set_null(o, "port_range_min");
	lv_json_set_null(o, "port_range_max");
	lv_json_set_null(o, "remote_ip_prefix");
	lv_json_set_null(o, "remote_address_group_id");
	lv_json_set_null(o, "normalized_cidr");
	lv_json_set_str(o, "remote_group_id", remote_group);
	return o;
}

static struct lv_obj *
neutron_secgroup_new(struct localvim *lv, const char *name,
                     const char *description)
{
	struct json_object *o = json_object_new_object();
	struct lv_obj *obj = world_add(lv, LV_SECGROUP, NULL, o);
	struct json_object *rules = json_object_new_array();
	bool dflt = strcmp(name, "default") == 0;

	neutron_stamp(lv, o, obj->id, name);
	if (description != NULL)
		lv_json_set_str(o, "description", description);
	lv_json_set_bool(o, "stateful", true);
	lv_json_set_bool(o, "shared", false);
	json_object_array_add(rules, lv_json_copy(neutron_rule_new(
	                                 lv, obj->id, "egress", "IPv6", NULL)));
	json_object_array_add(rules, lv_json_copy(neutron_rule_new(
	                                 lv, obj->id, "egress", "IPv4", NULL)));
	if (dflt) {
		json_object_array_add(
		    rules, lv_json_copy(neutron_rule_new(lv, obj->id, "ingress",
		                                         "IPv4", obj->id)));
	}
	json_object_object_add(o, "security_group_rules", rules);
	return obj;
}

void
neutron_populate(struct localvim *lv)
{
	static const struct {
		const char *net_id, *name, *subnet_id, *subnet, *cidr;
		bool external;
	} nets[] = {
	    {"522a1683-aa5a-476a-a73a-4244e6931caf", "net0",
	     "9ad534a2-448c-4575-b3f2-a0fff49f065d", "subnet0", "10.10.0.0/24",
	     false},
	    {"c7074e77-1070-4285-9293-dd4832954c77", "net1",
	     "6c20b5ab-0d22-4e4c-b029-c4b1cfa9599a", "subnet1", "10.10.1.0/24",
	     false},
	    {NULL, "net_mgmt", NULL, "subnet_mgmt", "192.168.120.0/24", false},
	    {NULL, "lb-mgmt-net", NULL, "lb-mgmt-subnet", "172.31.0.0/24",
	     false},
	    {NULL, "public", NULL, "public-subnet", "172.24.4.0/24", true},
	};
	size_t i;

	for (i = 0; i < sizeof(nets) / sizeof(nets[0]); i++) {
		struct lv_obj *net = neutron_network_new(
		    lv, nets[i].net_id, nets[i].name, nets[i].external);

		neutron_subnet_new(lv, net, nets[i].subnet_id, nets[i].subnet,
		                   nets[i].cidr, NULL, NULL);
	}
	neutron_secgroup_new(lv, "default", "Default security group");
}

const char *
neutron_port_ip(struct lv_obj *port)
{
	struct json_object *ips = lv_json_get(port->json, "fixed_ips");

	if (ips == NULL || lv_json_len(ips) == 0)
		return NULL;
	return lv_json_str(lv_json_idx(ips, 0), "ip_address");
}

/* Every address of subnet that a port (or the gateway) holds. */
static size_t
neutron_taken(struct localvim *lv, struct lv_obj *subnet, uint32_t **ret)
{
	struct lv_table *t = &lv->t[LV_PORT];
	uint32_t *v = NULL, a;
	size_t n = 0, cap = 0, i, j;

	if (ipam_parse(lv_json_str(subnet->json, "gateway_ip"), &a) == 0) {
		XGROW(v, cap, n + 1);
		v[n++] = a;
	}
	for (i = 0; i < t->n; i++) {
		struct json_object *ips =
		    lv_json_get(t->v[i]->json, "fixed_ips");
		size_t m = ips ? lv_json_len(ips) : 0;

		for (j = 0; j < m; j++) {
			struct json_object *e = lv_json_idx(ips, j);
			const char *sid = lv_json_str(e, "subnet_id");

			if (sid == NULL || strcmp(sid, subnet->id) != 0 ||
			    ipam_parse(lv_json_str(e, "ip_address"), &a) < 0)
				continue;
			XGROW(v, cap, n + 1);
			v[n++] = a;
		}
	}
	*ret = v;
	return n;
}

/* The subnet of net whose CIDR holds ip, or NULL. */
static struct lv_obj *
neutron_subnet_for(struct localvim *lv, struct lv_obj *net, uint32_t ip)
{
	struct json_object *subnets = lv_json_get(net->json, "subnets");
	size_t i, n = subnets ? lv_json_len(subnets) : 0;

	for (i = 0; i < n; i++) {
		struct lv_obj *s =
		    world_get(lv, LV_SUBNET,
		              json_object_get_string(lv_json_idx(subnets, i)));
		uint32_t base;
		unsigned prefix;

		if (s != NULL &&
		    ipam_parse_cidr(lv_json_str(s->json, "cidr"), &base,
		                    &prefix) == 0 &&
		    ipam_in_cidr(ip, base, prefix))
			return s;
	}
	return NULL;
}

/* Picks or checks one fixed IP; fills entry {subnet_id, ip_address}.
 * except: a port whose own addresses do not count as taken. */
static int
neutron_fixed_ip(struct localvim *lv, struct lv_obj *net, const char *subnet_id,
                 const char *ip, struct json_object **ret_entry, char **ret_err)
{
	struct lv_obj *subnet = NULL;
	uint32_t *taken = NULL, a, start, end;
	size_t n, i;
	char buf[16];
	int r = 0;

	if (subnet_id != NULL) {
		subnet = world_get(lv, LV_SUBNET, subnet_id);
		if (subnet == NULL ||
		    strcmp(lv_json_str(subnet->json, "network_id"), net->id)) {
			*ret_err = xasprintf("Subnet %s could not be found.",
			                     subnet_id);
			return -ENOENT;
		}
	}
	if (ip != NULL) {
		struct lv_obj *s;

		if (ipam_parse(ip, &a) < 0 ||
		    (s = neutron_subnet_for(lv, net, a)) == NULL ||
		    (subnet != NULL && s != subnet)) {
			*ret_err = xasprintf("Invalid input for operation: IP "
			                     "address %s is not a valid IP for "
			                     "the specified subnet.",
			                     ip ? ip : "");
			return -EINVAL;
		}
		subnet = s;
		n = neutron_taken(lv, subnet, &taken);
		for (i = 0; i < n; i++) {
			if (taken[i] == a) {
				*ret_err = xasprintf(
				    "IP address %s already allocated in "
				    "subnet %s",
				    ip, subnet->id);
				r = -EEXIST;
				goto out;
			}
		}
	} else {
		struct json_object *subnets = lv_json_get(net->json, "subnets");
		struct json_object *pools, *pool;

		if (subnet == NULL && subnets != NULL &&
		    lv_json_len(subnets) > 0)
			subnet = world_get(
			    lv, LV_SUBNET,
			    json_object_get_string(lv_json_idx(subnets, 0)));
		if (subnet == NULL) {
			*ret_err =
			    xasprintf("Network %s has no subnet", net->id);
			return -EINVAL;
		}
		n = neutron_taken(lv, subnet, &taken);
		pools = lv_json_get(subnet->json, "allocation_pools");
		r = -ENOSPC;
		for (i = 0; pools && i < lv_json_len(pools); i++) {
			pool = lv_json_idx(pools, i);
			if (ipam_parse(lv_json_str(pool, "start"), &start) <
			        0 ||
			    ipam_parse(lv_json_str(pool, "end"), &end) < 0)
				continue;
			r = ipam_next_free(start, end, taken, n, &a);
			if (r == 0)
				break;
		}
		if (r < 0) {
			*ret_err = xasprintf("No more IP addresses available "
			                     "on network %s.",
			                     net->id);
			goto out;
		}
	}
	ipam_format(a, buf);
	*ret_entry = json_object_new_object();
	lv_json_set_str(*ret_entry, "subnet_id", subnet->id);
	lv_json_set_str(*ret_entry, "ip_address", buf);
out:
	free(taken);
	return r;
}

/* Builds fixed_ips for a port from a request list (or one automatic). */
static int
neutron_fixed_ips(struct localvim *lv, struct lv_obj *net,
                  struct json_object *want, struct json_object **ret,
                  char **ret_err)
{
	struct json_object *ips = json_object_new_array();
	size_t i, n = want ? lv_json_len(want) : 0;
	int r = 0;

	if (want == NULL) {
		struct json_object *e = NULL;

		r = neutron_fixed_ip(lv, net, NULL, NULL, &e, ret_err);
		if (r == 0)
			json_object_array_add(ips, e);
	}
	for (i = 0; i < n && r == 0; i++) {
		struct json_object *w = lv_json_idx(want, i);
		struct json_object *e = NULL;

		r = neutron_fixed_ip(lv, net, lv_json_str(w, "subnet_id"),
		                     lv_json_str(w, "ip_address"), &e, ret_err);
		if (r == 0)
			json_object_array_add(ips, e);
	}
	if (r < 0) {
		json_object_put(ips);
		return r;
	}
	*ret = ips;
	return 0;
}

static struct lv_obj *
neutron_port_build(struct localvim *lv, struct lv_obj *net,
                   struct json_object *ips, const char *name)
{
	struct json_object *o = json_object_new_object(), *sgs;
	struct lv_obj *obj = world_add(lv, LV_PORT, NULL, o);
	struct lv_obj *dflt = world_find(lv, LV_SECGROUP, "name", "default");
	char mac[18];
	uint64_t r = lv_random();

	neutron_stamp(lv, o, obj->id, name ? name : "");
	lv_json_set_str(o, "network_id", net->id);
	snprintf(mac, sizeof(mac), "fa:16:3e:%02x:%02x:%02x",
	         (unsigned)(r & 255), (unsigned)((r >> 8) & 255),
	         (unsigned)((r >> 16) & 255));
	lv_json_set_str(o, "mac_address", mac);
	lv_json_set_bool(o, "admin_state_up", true);
	lv_json_set_str(o, "status", "DOWN");
	lv_json_set_str(o, "device_id", "");
	lv_json_set_str(o, "device_owner", "");
	json_object_object_add(o, "fixed_ips", ips);
	lv_json_set_bool(o, "port_security_enabled", true);
	sgs = json_object_new_array();
	if (dflt != NULL)
		json_object_array_add(sgs, json_object_new_string(dflt->id));
	json_object_object_add(o, "security_groups", sgs);
	lv_json_set_str(o, "binding:vnic_type", "normal");
	json_object_object_add(o, "binding:profile", json_object_new_object());
	lv_json_set_str(o, "binding:host_id", "");
	lv_json_set_str(o, "binding:vif_type", "unbound");
	json_object_object_add(o, "binding:vif_details",
	                       json_object_new_object());
	json_object_object_add(o, "allowed_address_pairs",
	                       json_object_new_array());
	json_object_object_add(o, "extra_dhcp_opts", json_object_new_array());
	return obj;
}

int
neutron_port_create(struct localvim *lv, struct lv_obj *net,
                    const char *subnet_id, const char *ip, const char *name,
                    struct lv_obj **ret)
{
	struct json_object *ips = NULL, *want = NULL;
	char *err = NULL;
	int r;

	if (subnet_id != NULL || ip != NULL) {
		struct json_object *w = json_object_new_object();

		if (subnet_id != NULL)
			lv_json_set_str(w, "subnet_id", subnet_id);
		if (ip != NULL)
			lv_json_set_str(w, "ip_address", ip);
		want = json_object_new_array();
		json_object_array_add(want, w);
	}
	r = neutron_fixed_ips(lv, net, want, &ips, &err);
	json_object_put(want);
	free(err);
	if (r < 0)
		return r;
	*ret = neutron_port_build(lv, net, ips, name);
	return 0;
}

static int
neutron_errno_status(int r)
{
	switch (r) {
	case -EEXIST:
	case -ENOSPC:
		return 409;
	case -ENOENT:
		return 404;
	default:
		return 400;
	}
}

static const struct neutron_coll *
neutron_coll_find(const char *plural)
{
	const struct neutron_coll *c;

	for (c = neutron_colls; c->plural != NULL; c++)
		if (strcmp(c->plural, plural) == 0)
			return c;
	return NULL;
}

static void
neutron_reply_one(struct http_req *req, const struct neutron_coll *c,
                  struct lv_obj *obj, unsigned status)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, c->singular, json_object_get(obj->json));
	http_reply_json(req, status, o);
}

static const char *const neutron_net_keys[] = {
    "name",   "admin_state_up", "port_security_enabled", "mtu",
    "shared", "description",    "router:external",       NULL,
};
static const char *const neutron_port_keys[] = {
    "name",
    "admin_state_up",
    "port_security_enabled",
    "device_id",
    "device_owner",
    "security_groups",
    "allowed_address_pairs",
    "binding:vnic_type",
    "binding:host_id",
    "binding:profile",
    "description",
    "mac_address",
    NULL,
};
static const char *const neutron_subnet_keys[] = {
    "name",        "enable_dhcp", "dns_nameservers",
    "host_routes", "description", NULL,
};
static const char *const neutron_sg_keys[] = {"name", "description", NULL};

/*
 * The port-security rules of a port create or update (in: the request's
 * port; cur: the port as it is, NULL on create), as Neutron's
 * port_security and allowed_address_pairs extensions apply them: groups
 * must exist; without port security a port takes neither groups nor
 * address pairs; a pair without a MAC gets the port's. 0, or the HTTP
 * status with the message in err.
 */
static unsigned
neutron_port_security(struct localvim *lv, struct json_object *in,
                      struct json_object *cur, char *err, size_t errlen)
{
	struct json_object *sgs = lv_json_get(in, "security_groups");
	struct json_object *pairs = lv_json_get(in, "allowed_address_pairs");
	bool secure = lv_json_get(in, "port_security_enabled")
	                  ? lv_json_bool(in, "port_security_enabled", true)
	                  : lv_json_bool(cur, "port_security_enabled", true);
	size_t i;

	if (sgs == NULL && cur != NULL)
		sgs = lv_json_get(cur, "security_groups");
	if (pairs == NULL && cur != NULL)
		pairs = lv_json_get(cur, "allowed_address_pairs");
	for (i = 0; sgs && json_object_is_type(sgs, json_type_array) &&
	            i < json_object_array_length(sgs);
	     i++) {
		const char *id =
		    json_object_get_string(json_object_array_get_idx(sgs, i));

		if (world_get(lv, LV_SECGROUP, id) == NULL) {
			snprintf(err, errlen,
			         "Security group %s does not exist",
			         id ? id : "");
			return 404;
		}
	}
	if (!secure && sgs && json_object_array_length(sgs) > 0 &&
	    (cur == NULL || lv_json_get(in, "security_groups"))) {
		snprintf(err, errlen,
		         "Port security must be enabled and port must have an "
		         "IP address in order to use security groups.");
		return 400;
	}
	if (!secure && pairs && json_object_is_type(pairs, json_type_array) &&
	    json_object_array_length(pairs) > 0) {
		snprintf(err, errlen,
		         "Port Security must be enabled in order to have "
		         "allowed address pairs on a port.");
		return 409;
	}
	for (i = 0; pairs && json_object_is_type(pairs, json_type_array) &&
	            i < json_object_array_length(pairs);
	     i++) {
		if (lv_json_str(json_object_array_get_idx(pairs, i),
		                "ip_address") == NULL) {
			snprintf(err, errlen,
			         "Invalid input for allowed_address_pairs: "
			         "ip_address is required");
			return 400;
		}
	}
	return 0;
}

/* After a create or update: a port without port security has no groups;
 * pairs without a MAC show the port's. */
static void
neutron_port_settle(struct json_object *port, bool creating, bool groups_given)
{
	struct json_object *pairs = lv_json_get(port, "allowed_address_pairs");
	size_t i;

	if (creating && !groups_given &&
	    !lv_json_bool(port, "port_security_enabled", true))
		json_object_object_add(port, "security_groups",
		                       json_object_new_array());
	for (i = 0; pairs && json_object_is_type(pairs, json_type_array) &&
	            i < json_object_array_length(pairs);
	     i++) {
		struct json_object *p = json_object_array_get_idx(pairs, i);

		if (lv_json_str(p, "mac_address") == NULL)
			lv_json_set_str(p, "mac_address",
			                lv_json_str(port, "mac_address"));
	}
}

static void
neutron_create(struct localvim *lv, struct http_req *req,
               const struct neutron_coll *c)
{
	struct json_object *body = NULL, *in, *tags;
	struct lv_obj *obj = NULL, *net;
	char *err = NULL;
	int r;

	if (http_body_json(req, &body) < 0)
		return;
	in = lv_json_get(body, c->singular);
	if (in == NULL || !json_object_is_type(in, json_type_object)) {
		http_error(req, 400, "Resource body required: '%s'",
		           c->singular);
		goto out;
	}
	switch (c->kind) {
	case LV_NETWORK:
		obj = neutron_network_new(
		    lv, NULL, lv_json_str(in, "name"),
		    lv_json_bool(in, "router:external", false));
		api_copy_keys(obj->json, in, neutron_net_keys);
		break;
	case LV_SUBNET: {
		uint32_t a;
		unsigned p;
		const char *cidr = lv_json_str(in, "cidr");

		net = world_get(lv, LV_NETWORK, lv_json_str(in, "network_id"));
		if (net == NULL) {
			http_error(req, 404, "Network %s could not be found.",
			           lv_json_str(in, "network_id"));
			goto out;
		}
		if (ipam_parse_cidr(cidr, &a, &p) < 0) {
			http_error(req, 400, "Invalid input: cidr '%s'",
			           cidr ? cidr : "");
			goto out;
		}
		obj = neutron_subnet_new(
		    lv, net, NULL, lv_json_str(in, "name"), cidr,
		    lv_json_str(in, "gateway_ip"),
		    lv_json_copy(lv_json_get(in, "allocation_pools")));
		api_copy_keys(obj->json, in, neutron_subnet_keys);
		break;
	}
	case LV_PORT: {
		struct json_object *ips = NULL;
		char why[192];
		unsigned status;

		net =
		    world_lookup(lv, LV_NETWORK, lv_json_str(in, "network_id"));
		if (net == NULL) {
			http_error(req, 404, "Network %s could not be found.",
			           lv_json_str(in, "network_id"));
			goto out;
		}
		status = neutron_port_security(lv, in, NULL, why, sizeof(why));
		if (status) {
			http_error(req, status, "%s", why);
			goto out;
		}
		r = neutron_fixed_ips(lv, net, lv_json_get(in, "fixed_ips"),
		                      &ips, &err);
		if (r < 0) {
			http_error(req, neutron_errno_status(r), "%s", err);
			goto out;
		}
		obj = neutron_port_build(lv, net, ips, lv_json_str(in, "name"));
		api_copy_keys(obj->json, in, neutron_port_keys);
		neutron_port_settle(obj->json, true,
		                    lv_json_get(in, "security_groups") != NULL);
		break;
	}
	case LV_SECGROUP:
		obj = neutron_secgroup_new(
		    lv, lv_json_str(in, "name") ? lv_json_str(in, "name") : "",
		    lv_json_str(in, "description"));
		break;
	case LV_SECGROUP_RULE: {
		struct lv_obj *sg = world_get(
		    lv, LV_SECGROUP, lv_json_str(in, "security_group_id"));
		struct json_object *o;
		static const char *const keys[] = {"protocol",
		                                   "port_range_min",
		                                   "port_range_max",
		                                   "remote_ip_prefix",
		                                   "remote_group_id",
		                                   "description",
		                                   NULL};

		if (sg == NULL) {
			http_error(req, 404, "Security group %s does not exist",
			           lv_json_str(in, "security_group_id"));
			goto out;
		}
		o = neutron_rule_new(
		    lv, sg->id,
		    lv_json_str(in, "direction") ? lv_json_str(in, "direction")
		                                 : "ingress",
		    lv_json_str(in, "ethertype") ? lv_json_str(in, "ethertype")
		                                 : "IPv4",
		    NULL);
		api_copy_keys(o, in, keys);
		obj = world_get(lv, LV_SECGROUP_RULE, lv_json_str(o, "id"));
		json_object_array_add(
		    lv_json_get(sg->json, "security_group_rules"),
		    lv_json_copy(o));
		break;
	}
	default:
		break;
	}
	if (obj == NULL)
		goto out;
	tags = lv_json_get(in, "tags");
	if (tags != NULL && json_object_is_type(tags, json_type_array))
		json_object_object_add(obj->json, "tags", lv_json_copy(tags));
	neutron_reply_one(req, c, obj, 201);
out:
	free(err);
	json_object_put(body);
}

static void
neutron_update(struct localvim *lv, struct http_req *req,
               const struct neutron_coll *c, struct lv_obj *obj)
{
	struct json_object *body = NULL, *in, *ips = NULL;
	char *err = NULL;
	int r;

	if (http_body_json(req, &body) < 0)
		return;
	in = lv_json_get(body, c->singular);
	if (in == NULL) {
		http_error(req, 400, "Resource body required: '%s'",
		           c->singular);
		goto out;
	}
	switch (c->kind) {
	case LV_NETWORK:
		api_copy_keys(obj->json, in, neutron_net_keys);
		break;
	case LV_SUBNET:
		api_copy_keys(obj->json, in, neutron_subnet_keys);
		break;
	case LV_SECGROUP:
		api_copy_keys(obj->json, in, neutron_sg_keys);
		break;
	case LV_PORT: {
		char why[192];
		unsigned status =
		    neutron_port_security(lv, in, obj->json, why, sizeof(why));

		if (status) {
			http_error(req, status, "%s", why);
			goto out;
		}
		if (lv_json_get(in, "fixed_ips") != NULL) {
			struct lv_obj *net =
			    world_get(lv, LV_NETWORK,
			              lv_json_str(obj->json, "network_id"));
			struct json_object *old = json_object_get(
			    lv_json_get(obj->json, "fixed_ips"));

			/* Our own addresses are not "taken" for the check. */
			json_object_object_add(obj->json, "fixed_ips",
			                       json_object_new_array());
			r = neutron_fixed_ips(
			    lv, net, lv_json_get(in, "fixed_ips"), &ips, &err);
			json_object_object_add(obj->json, "fixed_ips",
			                       r < 0 ? old : ips);
			if (r < 0) {
				http_error(req, neutron_errno_status(r), "%s",
				           err);
				goto out;
			}
			json_object_put(old);
		}
		api_copy_keys(obj->json, in, neutron_port_keys);
		neutron_port_settle(obj->json, false, true);
		break;
	}
	default:
		http_error(req, 400, "Cannot update %s", c->plural);
		goto out;
	}
	neutron_touch(obj->json);
	neutron_reply_one(req, c, obj, 200);
out:
	free(err);
	json_object_put(body);
}

static bool
neutron_port_on(struct localvim *lv, const char *key, const char *id)
{
	struct lv_table *t = &lv->t[LV_PORT];
	size_t i;

	for (i = 0; i < t->n; i++) {
		struct json_object *o = t->v[i]->json;

		if (strcmp(key, "network_id") == 0) {
			if (strcmp(lv_json_str(o, "network_id"), id) == 0)
				return true;
		} else {
			struct json_object *ips = lv_json_get(o, "fixed_ips");
			size_t j, n = ips ? lv_json_len(ips) : 0;

			for (j = 0; j < n; j++) {
				const char *s = lv_json_str(lv_json_idx(ips, j),
				                            "subnet_id");

				if (s != NULL && strcmp(s, id) == 0)
					return true;
			}
		}
	}
	return false;
}

static void
neutron_delete(struct localvim *lv, struct http_req *req,
               const struct neutron_coll *c, struct lv_obj *obj)
{
	size_t i;

	switch (c->kind) {
	case LV_NETWORK:
		if (neutron_port_on(lv, "network_id", obj->id)) {
			http_error(req, 409,
			           "Unable to complete operation on network "
			           "%s. There are one or more ports still in "
			           "use on the network.",
			           obj->id);
			return;
		}
		for (i = 0; i < lv->t[LV_SUBNET].n;) {
			struct lv_obj *s = lv->t[LV_SUBNET].v[i];

			if (strcmp(lv_json_str(s->json, "network_id"),
			           obj->id) == 0)
				world_remove(lv, s);
			else
				i++;
		}
		break;
	case LV_SUBNET: {
		struct lv_obj *net = world_get(
		    lv, LV_NETWORK, lv_json_str(obj->json, "network_id"));

		if (neutron_port_on(lv, "subnet_id", obj->id)) {
			http_error(req, 409,
			           "Unable to complete operation on subnet "
			           "%s: One or more ports have an IP "
			           "allocation from this subnet.",
			           obj->id);
			return;
		}
		if (net != NULL)
			lv_json_array_remove(lv_json_get(net->json, "subnets"),
			                     obj->id);
		break;
	}
	case LV_PORT:
		if (strcmp(lv_json_str(obj->json, "device_owner"),
		           "compute:nova") == 0 &&
		    world_get(lv, LV_SERVER,
		              lv_json_str(obj->json, "device_id")) != NULL) {
			/* Real Neutron allows it; the server loses the NIC. */
		}
		break;
	case LV_SECGROUP_RULE: {
		struct lv_obj *sg =
		    world_get(lv, LV_SECGROUP,
		              lv_json_str(obj->json, "security_group_id"));

		if (sg != NULL) {
			struct json_object *rules =
			    lv_json_get(sg->json, "security_group_rules");

			for (i = lv_json_len(rules); i > 0; i--) {
				const char *id = lv_json_str(
				    lv_json_idx(rules, i - 1), "id");

				if (id && strcmp(id, obj->id) == 0)
					json_object_array_del_idx(rules, i - 1,
					                          1);
			}
		}
		break;
	}
	default:
		break;
	}
	world_remove(lv, obj);
	http_reply_empty(req, 204);
}

static void
neutron_versions(struct localvim *lv, struct http_req *req)
{
	struct json_object *o = json_object_new_object(), *arr, *v, *links;
	char href[96];

	arr = json_object_new_array();
	v = json_object_new_object();
	lv_json_set_str(v, "id", "v2.0");
	lv_json_set_str(v, "status", "CURRENT");
	links = json_object_new_array();
	snprintf(href, sizeof(href), "%s/v2.0/", lv->url[SVC_NEUTRON]);
	api_link(links, "self", href);
	json_object_object_add(v, "links", links);
	json_object_array_add(arr, v);
	json_object_object_add(o, "versions", arr);
	http_reply_json(req, 200, o);
}

static void
neutron_extensions(struct http_req *req)
{
	static const char *const aliases[] = {
	    "standard-attr-tag",
	    "tag-ext",
	    "security-group",
	    "binding",
	    "port-security",
	    "pagination",
	    "sorting",
	    "network-ip-availability",
	    "standard-attr-revisions",
	    "standard-attr-timestamp",
	    "external-net",
	    "allowed-address-pairs",
	    "extra_dhcp_opt",
	    NULL,
	};
	struct json_object *o = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; aliases[i] != NULL; i++) {
		struct json_object *e = json_object_new_object();

		lv_json_set_str(e, "alias", aliases[i]);
		lv_json_set_str(e, "name", aliases[i]);
		lv_json_set_str(e, "description", "");
		lv_json_set_str(e, "updated", "2020-01-01T00:00:00-00:00");
		json_object_object_add(e, "links", json_object_new_array());
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "extensions", arr);
	http_reply_json(req, 200, o);
}

void
neutron_handle(struct localvim *lv, struct http_req *req)
{
	const struct neutron_coll *c;
	struct lv_obj *obj;

	if (req->nseg == 0) {
		neutron_versions(lv, req);
		return;
	}
	if (strcmp(req->segs[0], "v2.0") != 0)
		return;
	if (http_match(req, "GET", "/v2.0/extensions")) {
		neutron_extensions(req);
		return;
	}
	if (req->nseg < 2 || (c = neutron_coll_find(req->segs[1])) == NULL)
		return;
	if (req->nseg == 2) {
		if (strcmp(req->method, "GET") == 0) {
			char base[128];
			struct api_list_spec spec = {
			    .kind = c->kind,
			    .collection = c->list,
			    .link_base = base,
			    .query_flags = QUERY_STRICT_ATTRS,
			};

			snprintf(base, sizeof(base), "%s/v2.0/%s",
			         lv->url[SVC_NEUTRON], c->plural);
			api_list(lv, req, &spec);
		} else if (strcmp(req->method, "POST") == 0) {
			neutron_create(lv, req, c);
		}
		return;
	}
	obj = world_get(lv, c->kind, req->segs[2]);
	if (obj == NULL) {
		http_error(req, 404, "%c%s %s could not be found.",
		           c->singular[0] - 32, c->singular + 1, req->segs[2]);
		return;
	}
	if (req->nseg >= 4) {
		if (api_tags(req, obj, 3) && req->status < 300 &&
		    strcmp(req->method, "GET") != 0)
			neutron_touch(obj->json);
		return;
	}
	if (strcmp(req->method, "GET") == 0)
		neutron_reply_one(req, c, obj, 200);
	else if (strcmp(req->method, "PUT") == 0)
		neutron_update(lv, req, c, obj);
	else if (strcmp(req->method, "DELETE") == 0)
		neutron_delete(lv, req, c, obj);
}
