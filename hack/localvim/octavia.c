/*
 * Octavia v2 for localvim: load balancers, listeners, pools, members
 * (single and batch), health monitors, L7 policies and rules, status tree,
 * stats, failover and cascade delete. Every write puts the object and its
 * load balancer in PENDING_*; the tick, after the configured delay,
 * renders and (re)loads the balancer's HAProxy (haproxy.c) and settles
 * everything to ACTIVE (or ERROR). While PENDING_* a balancer and all its
 * children are immutable (409). Member operating_status comes from
 * HAProxy's health checks.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "api.h"
#include "haproxy.h"
#include "ipam.h"
#include "http.h"
#include "lvutil.h"
#include "services.h"
#include "xalloc.h"

struct octavia_coll {
	const char *plural;
	const char *singular;
	enum lv_kind kind;
	const char *label; /* for messages */
};

static const struct octavia_coll octavia_colls[] = {
    {"loadbalancers", "loadbalancer", LV_LB, "Load Balancer"},
    {"listeners", "listener", LV_LISTENER, "Listener"},
    {"pools", "pool", LV_POOL, "Pool"},
    {"healthmonitors", "healthmonitor", LV_HM, "Health Monitor"},
    {"l7policies", "l7policy", LV_L7POLICY, "L7 Policy"},
    {"members", "member", LV_MEMBER, "Member"},
    {"rules", "rule", LV_L7RULE, "L7 Rule"},
    {NULL, NULL, 0, NULL},
};

static const struct octavia_coll *
octavia_coll_of(enum lv_kind kind)
{
	const struct octavia_coll *c;

	for (c = octavia_colls; c->plural; c++)
		if (c->kind == kind)
			return c;
	return NULL;
}

static const char *
octavia_prov(struct lv_obj *o)
{
	const char *s = lv_json_str(o->json, "provisioning_status");

	return s ? s : "ACTIVE";
}

static bool
octavia_pending(struct lv_obj *o)
{
	return strncmp(octavia_prov(o), "PENDING_", 8) == 0;
}

static void
octavia_set_prov(struct lv_obj *o, const char *status)
{
	const char *old = octavia_prov(o);

	if (o->kind == LV_LB && strcmp(old, status) != 0)
		fprintf(stderr,
		        "localvim: octavia: loadbalancer %s: %s -> %s\n",
		        lv_json_str(o->json, "name"), old, status);
	lv_json_set_str(o->json, "provisioning_status", status);
	if (strncmp(status, "PENDING_", 8) != 0 ||
	    strcmp(status, "PENDING_CREATE") != 0)
		lv_json_set_now(o->json, "updated_at", false, false);
}

static void
octavia_stamp(struct localvim *lv, struct json_object *o, const char *id,
              struct json_object *in)
{
	lv_json_set_str(o, "id", id);
	lv_json_set_str(o, "name",
	                lv_json_str(in, "name") ? lv_json_str(in, "name") : "");
	lv_json_set_str(o, "description",
	                lv_json_str(in, "description")
	                    ? lv_json_str(in, "description")
	                    : "");
	lv_json_set_str(o, "provisioning_status", "PENDING_CREATE");
	lv_json_set_str(o, "operating_status", "OFFLINE");
	lv_json_set_bool(o, "admin_state_up",
	                 lv_json_bool(in, "admin_state_up", true));
	lv_json_set_str(o, "project_id", lv->project_id);
	lv_json_set_now(o, "created_at", false, false);
	lv_json_set_null(o, "updated_at");
	json_object_object_add(o, "tags",
	                       lv_json_get(in, "tags")
	                           ? lv_json_copy(lv_json_get(in, "tags"))
	                           : json_object_new_array());
	lv_json_set_str(o, "tenant_id", lv->project_id);
}

static struct json_object *
octavia_id_list(struct localvim *lv, enum lv_kind kind, const char *key,
                const char *value, bool by_parent)
{
	struct json_object *arr = json_object_new_array();
	struct lv_table *t = &lv->t[kind];
	size_t i;

	for (i = 0; i < t->n; i++) {
		struct lv_obj *o = t->v[i];
		const char *v = by_parent ? (const char *)o->priv
		                          : lv_json_str(o->json, key);

		if (v != NULL && strcmp(v, value) == 0) {
			struct json_object *e = json_object_new_object();

			lv_json_set_str(e, "id", o->id);
			json_object_array_add(arr, e);
		}
	}
	return arr;
}

static struct lv_obj *
octavia_lb_of(struct localvim *lv, struct lv_obj *o)
{
	if (o->kind == LV_LB)
		return o;
	return world_get(lv, LV_LB, o->parent);
}

/* Member operating status from HAProxy, per Octavia's vocabulary. */
static const char *
octavia_member_op(struct localvim *lv, struct lv_obj *m)
{
	struct lv_obj *pool = world_get(lv, LV_POOL, m->priv);
	struct lv_obj *lb = pool ? octavia_lb_of(lv, pool) : NULL;
	const char *st;

	if (!lv_json_bool(m->json, "admin_state_up", true))
		return "OFFLINE";
	if (pool == NULL || lv_json_str(pool->json, "healthmonitor_id") == NULL)
		return "NO_MONITOR";
	if (lb == NULL || octavia_pending(m))
		return "OFFLINE";
	st = haproxy_member_status(lv, lb, pool->id, m->id);
	if (st == NULL)
		return lb->pid > 0 ? "NO_MONITOR" : "OFFLINE";
	if (strncmp(st, "UP", 2) == 0)
		return lv_json_int(m->json, "weight", 1) == 0 ? "DRAINING"
		                                              : "ONLINE";
	if (strncmp(st, "DOWN", 4) == 0)
		return "ERROR";
	if (strncmp(st, "MAINT", 5) == 0)
		return "OFFLINE";
	return "NO_MONITOR";
}

static const char *
octavia_pool_op(struct localvim *lv, struct lv_obj *pool)
{
	struct lv_table *t = &lv->t[LV_MEMBER];
	size_t i, n = 0, bad = 0;

	if (octavia_pending(pool) &&
	    strcmp(octavia_prov(pool), "PENDING_CREATE") == 0)
		return "OFFLINE";
	for (i = 0; i < t->n; i++) {
		const char *op;

		if (t->v[i]->priv == NULL ||
		    strcmp(t->v[i]->priv, pool->id) != 0)
			continue;
		n++;
		op = octavia_member_op(lv, t->v[i]);
		if (strcmp(op, "ERROR") == 0)
			bad++;
	}
	if (n > 0 && bad == n)
		return "ERROR";
	return bad > 0 ? "DEGRADED" : "ONLINE";
}

static const char *
octavia_lb_op(struct localvim *lv, struct lv_obj *lb)
{
	if (lb->phase == 1)
		return "ERROR"; /* the HAProxy process died */
	if (strcmp(octavia_prov(lb), "PENDING_CREATE") == 0 ||
	    !lv_json_bool(lb->json, "admin_state_up", true))
		return "OFFLINE";
	return lb->pid > 0 ? "ONLINE" : "OFFLINE";
}

static struct json_object *
octavia_render(struct localvim *lv, struct http_req *req, struct lv_obj *o)
{
	struct json_object *j = lv_json_copy(o->json);

	switch (o->kind) {
	case LV_LB:
		json_object_object_add(j, "listeners",
		                       octavia_id_list(lv, LV_LISTENER,
		                                       "loadbalancer_id", o->id,
		                                       false));
		json_object_object_add(j, "pools",
		                       octavia_id_list(lv, LV_POOL,
		                                       "loadbalancer_id", o->id,
		                                       false));
		lv_json_set_str(j, "operating_status", octavia_lb_op(lv, o));
		break;
	case LV_LISTENER:
		json_object_object_add(j, "l7policies",
		                       octavia_id_list(lv, LV_L7POLICY,
		                                       "listener_id", o->id,
		                                       false));
		lv_json_set_str(j, "operating_status",
		                octavia_pending(o) ? "OFFLINE" : "ONLINE");
		break;
	case LV_POOL: {
		struct json_object *ls = json_object_new_array();
		struct lv_table *t = &lv->t[LV_LISTENER];
		size_t i;

		for (i = 0; i < t->n; i++) {
			const char *d =
			    lv_json_str(t->v[i]->json, "default_pool_id");

			if (d != NULL && strcmp(d, o->id) == 0) {
				struct json_object *e =
				    json_object_new_object();

				lv_json_set_str(e, "id", t->v[i]->id);
				json_object_array_add(ls, e);
			}
		}
		json_object_object_add(j, "listeners", ls);
		json_object_object_add(
		    j, "members",
		    octavia_id_list(lv, LV_MEMBER, NULL, o->id, true));
		lv_json_set_str(j, "operating_status", octavia_pool_op(lv, o));
		break;
	}
	case LV_MEMBER:
		lv_json_set_str(j, "operating_status",
		                octavia_member_op(lv, o));
		break;
	case LV_HM:
		lv_json_set_str(j, "operating_status",
		                octavia_pending(o) ? "OFFLINE" : "ONLINE");
		break;
	case LV_L7POLICY:
		json_object_object_add(
		    j, "rules",
		    octavia_id_list(lv, LV_L7RULE, NULL, o->id, true));
		lv_json_set_str(j, "operating_status",
		                octavia_pending(o) ? "OFFLINE" : "ONLINE");
		break;
	case LV_L7RULE:
		lv_json_set_str(j, "operating_status",
		                octavia_pending(o) ? "OFFLINE" : "ONLINE");
		break;
	default:
		break;
	}
	return j;
}

static void
octavia_reply(struct localvim *lv, struct http_req *req, struct lv_obj *o,
              unsigned status)
{
	struct json_object *out = json_object_new_object();

	json_object_object_add(out, octavia_coll_of(o->kind)->singular,
	                       octavia_render(lv, req, o));
	http_reply_json(req, status, out);
}

/* Marks a write on lb: PENDING_UPDATE (unless creating/deleting) and due. */
static void
octavia_schedule(struct localvim *lv, struct lv_obj *lb)
{
	if (!octavia_pending(lb))
		octavia_set_prov(lb, "PENDING_UPDATE");
	lb->due = lv_now() + lv->cfg.pending_delay;
	if (lb->due <= 0)
		lb->due = 1e-9;
}

/* 409 unless lb is ACTIVE (or ERROR for the LB's own delete). */
static bool
octavia_mutable(struct http_req *req, struct lv_obj *lb)
{
	if (octavia_pending(lb)) {
		http_error(req, 409,
		           "Invalid state %s of loadbalancer resource %s",
		           octavia_prov(lb), lb->id);
		return false;
	}
	return true;
}

static void octavia_remove_tree(struct localvim *lv, struct lv_obj *o);

/* Removes every object of kind whose priv (parent link) is id. */
static void
octavia_remove_linked(struct localvim *lv, enum lv_kind kind, const char *id)
{
	struct lv_table *t = &lv->t[kind];
	size_t i;

	for (i = 0; i < t->n;) {
		if (t->v[i]->priv != NULL && strcmp(t->v[i]->priv, id) == 0)
			octavia_remove_tree(lv, t->v[i]);
		else
			i++;
	}
}

static void
octavia_remove_tree(struct localvim *lv, struct lv_obj *o)
{
	size_t i;

	switch (o->kind) {
	case LV_POOL: {
		struct lv_obj *hm = world_get(
		    lv, LV_HM, lv_json_str(o->json, "healthmonitor_id"));

		octavia_remove_linked(lv, LV_MEMBER, o->id);
		if (hm != NULL)
			world_remove(lv, hm);
		for (i = 0; i < lv->t[LV_LISTENER].n; i++) {
			struct json_object *lj = lv->t[LV_LISTENER].v[i]->json;
			const char *d = lv_json_str(lj, "default_pool_id");

			if (d && strcmp(d, o->id) == 0)
				lv_json_set_null(lj, "default_pool_id");
		}
		break;
	}
	case LV_LISTENER:
		for (i = 0; i < lv->t[LV_L7POLICY].n;) {
			struct lv_obj *p = lv->t[LV_L7POLICY].v[i];
			const char *lid = lv_json_str(p->json, "listener_id");

			if (lid && strcmp(lid, o->id) == 0)
				octavia_remove_tree(lv, p);
			else
				i++;
		}
		break;
	case LV_L7POLICY:
		octavia_remove_linked(lv, LV_L7RULE, o->id);
		break;
	case LV_HM: {
		struct lv_obj *pool = world_get(
		    lv, LV_POOL,
		    lv_json_str(lv_json_idx(lv_json_get(o->json, "pools"), 0),
		                "id"));

		if (pool != NULL)
			lv_json_set_null(pool->json, "healthmonitor_id");
		break;
	}
	default:
		break;
	}
	world_remove(lv, o);
}

static void
octavia_lb_remove(struct localvim *lv, struct lv_obj *lb)
{
	static const enum lv_kind kinds[] = {LV_L7POLICY, LV_LISTENER, LV_POOL};
	struct lv_obj *port;
	size_t k, i;

	haproxy_stop(lv, lb);
	for (k = 0; k < 3; k++) {
		struct lv_table *t = &lv->t[kinds[k]];

		for (i = 0; i < t->n;) {
			if (t->v[i]->parent &&
			    strcmp(t->v[i]->parent, lb->id) == 0)
				octavia_remove_tree(lv, t->v[i]);
			else
				i++;
		}
	}
	port = world_get(lv, LV_PORT, lv_json_str(lb->json, "vip_port_id"));
	if (port != NULL)
		world_remove(lv, port);
	fprintf(stderr, "localvim: octavia: loadbalancer %s: deleted\n",
	        lv_json_str(lb->json, "name"));
	world_remove(lv, lb);
}

void
octavia_tick(struct localvim *lv, double now)
{
	static const enum lv_kind kinds[] = {
	    LV_L7RULE, LV_L7POLICY, LV_HM, LV_MEMBER, LV_POOL, LV_LISTENER};
	struct lv_table *lbs = &lv->t[LV_LB];
	size_t i, k, j;

	for (i = 0; i < lbs->n;) {
		struct lv_obj *lb = lbs->v[i];
		int r;

		if (lb->due == 0 || lb->due > now) {
			i++;
			continue;
		}
		lb->due = 0;
		if (strcmp(octavia_prov(lb), "PENDING_DELETE") == 0) {
			octavia_lb_remove(lv, lb);
			continue;
		}
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			struct lv_table *t = &lv->t[kinds[k]];

			for (j = 0; j < t->n;) {
				struct lv_obj *o = t->v[j];

				if (o->parent == NULL ||
				    strcmp(o->parent, lb->id) != 0) {
					j++;
				} else if (strcmp(octavia_prov(o),
				                  "PENDING_DELETE") == 0) {
					octavia_remove_tree(lv, o);
				} else {
					if (octavia_pending(o))
						octavia_set_prov(o, "ACTIVE");
					j++;
				}
			}
		}
		if (lb->phase == 2) { /* failover: a fresh HAProxy */
			haproxy_stop(lv, lb);
			lb->phase = 0;
		}
		r = haproxy_apply(lv, lb);
		if (r == 0)
			lb->phase = 0;
		octavia_set_prov(lb, r < 0 ? "ERROR" : "ACTIVE");
		i++;
	}
}

void
octavia_exited(struct localvim *lv, struct lv_obj *lb, int status)
{
	if (lb->expect_exit)
		return;
	fprintf(stderr,
	        "localvim: octavia: loadbalancer %s: HAProxy died (%s %d)\n",
	        lv_json_str(lb->json, "name"),
	        WIFSIGNALED(status) ? "signal" : "status",
	        WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	lb->phase = 1; /* operating_status ERROR until failover */
}

int
octavia_kill_by_name(struct localvim *lv, const char *name)
{
	struct lv_table *t = &lv->t[LV_LB];
	size_t i;

	for (i = 0; i < t->n; i++) {
		const char *n = lv_json_str(t->v[i]->json, "name");

		if (n != NULL && strcmp(n, name) == 0 && t->v[i]->pid > 0) {
			/* The master: its worker follows it. */
			kill(t->v[i]->pid, SIGKILL);
			return 0;
		}
	}
	return -ENOENT;
}

/* ---------------------------------------------------------- creates */

static struct lv_obj *
octavia_lb_create(struct localvim *lv, struct http_req *req,
                  struct json_object *in)
{
	const char *subnet_id = lv_json_str(in, "vip_subnet_id");
	const char *net_id = lv_json_str(in, "vip_network_id");
	const char *port_id = lv_json_str(in, "vip_port_id");
	const char *addr = lv_json_str(in, "vip_address");
	struct lv_obj *net = NULL, *port = NULL, *lb;
	struct json_object *o;
	int r;

	if (port_id != NULL) {
		port = world_get(lv, LV_PORT, port_id);
		if (port == NULL) {
			http_error(req, 400, "Port %s could not be found.",
			           port_id);
			return NULL;
		}
	} else {
		if (subnet_id != NULL) {
			struct lv_obj *s = world_get(lv, LV_SUBNET, subnet_id);

			if (s != NULL)
				net = world_get(
				    lv, LV_NETWORK,
				    lv_json_str(s->json, "network_id"));
		} else if (net_id != NULL) {
			net = world_get(lv, LV_NETWORK, net_id);
		}
		if (net == NULL) {
			http_error(req, 400,
			           "Validation failure: VIP network or subnet "
			           "not found.");
			return NULL;
		}
		r = neutron_port_create(lv, net, subnet_id, addr, "", &port);
		if (r < 0) {
			http_error(req, r == -EEXIST ? 409 : 400,
			           "Unable to allocate VIP address %s",
			           addr ? addr : "(any)");
			return NULL;
		}
	}
	o = json_object_new_object();
	lb = world_add(lv, LV_LB, NULL, o);
	octavia_stamp(lv, o, lb->id, in);
	lv_json_set_str(o, "vip_address", neutron_port_ip(port));
	lv_json_set_str(o, "vip_port_id", port->id);
	lv_json_set_str(
	    o, "vip_subnet_id",
	    lv_json_str(lv_json_idx(lv_json_get(port->json, "fixed_ips"), 0),
	                "subnet_id"));
	lv_json_set_str(o, "vip_network_id",
	                lv_json_str(port->json, "network_id"));
	json_object_object_add(o, "additional_vips", json_object_new_array());
	lv_json_set_str(o, "provider",
	                lv_json_str(in, "provider")
	                    ? lv_json_str(in, "provider")
	                    : "amphora");
	lv_json_set_null(o, "flavor_id");
	lv_json_set_null(o, "vip_qos_policy_id");
	lv_json_set_null(o, "availability_zone");
	lv_json_set_str(port->json, "device_owner", "Octavia");
	lv_json_set_str(port->json, "device_id", lb->id);
	lv_json_set_str(port->json, "status", "ACTIVE");
	lb->due = lv_now() + lv->cfg.pending_delay;
	if (lb->due <= 0)
		lb->due = 1e-9;
	fprintf(stderr, "localvim: octavia: loadbalancer %s: PENDING_CREATE\n",
	        lv_json_str(o, "name"));
	return lb;
}

static bool
octavia_protocol_ok(const char *p, const char *const *allowed)
{
	for (; p && *allowed; allowed++)
		if (strcmp(p, *allowed) == 0)
			return true;
	return false;
}

static struct lv_obj *
octavia_child_new(struct localvim *lv, enum lv_kind kind, struct lv_obj *lb,
                  struct json_object *in)
{
	struct json_object *o = json_object_new_object();
	struct lv_obj *obj = world_add(lv, kind, NULL, o);

	octavia_stamp(lv, o, obj->id, in);
	obj->parent = xstrdup(lb->id);
	return obj;
}

static struct lv_obj *
octavia_listener_create(struct localvim *lv, struct http_req *req,
                        struct json_object *in)
{
	static const char *const protos[] = {
	    "HTTP",       "HTTPS", "TCP", "UDP", "SCTP", "TERMINATED_HTTPS",
	    "PROMETHEUS", NULL};
	struct lv_obj *lb =
	    world_get(lv, LV_LB, lv_json_str(in, "loadbalancer_id"));
	struct lv_obj *l, *pool = NULL;
	struct json_object *o, *arr, *e;
	int64_t port = lv_json_int(in, "protocol_port", -1);
	size_t i;

	if (lb == NULL) {
		http_error(req, 404, "Load Balancer %s not found.",
		           lv_json_str(in, "loadbalancer_id")
		               ? lv_json_str(in, "loadbalancer_id")
		               : "(none)");
		return NULL;
	}
	if (!octavia_protocol_ok(lv_json_str(in, "protocol"), protos) ||
	    port < 1 || port > 65535) {
		http_error(req, 400,
		           "Invalid input for field/attribute "
		           "protocol or protocol_port.");
		return NULL;
	}
	for (i = 0; i < lv->t[LV_LISTENER].n; i++) {
		struct lv_obj *x = lv->t[LV_LISTENER].v[i];

		if (strcmp(x->parent, lb->id) == 0 &&
		    lv_json_int(x->json, "protocol_port", 0) == port) {
			http_error(req, 409,
			           "Another Listener on this Load Balancer "
			           "is already using protocol_port %lld",
			           (long long)port);
			return NULL;
		}
	}
	if (lv_json_str(in, "default_pool_id") != NULL) {
		pool =
		    world_get(lv, LV_POOL, lv_json_str(in, "default_pool_id"));
		if (pool == NULL) {
			http_error(req, 404, "Pool %s not found.",
			           lv_json_str(in, "default_pool_id"));
			return NULL;
		}
	}
	if (!octavia_mutable(req, lb))
		return NULL;
	l = octavia_child_new(lv, LV_LISTENER, lb, in);
	o = l->json;
	lv_json_set_str(o, "protocol", lv_json_str(in, "protocol"));
	lv_json_set_int(o, "protocol_port", port);
	lv_json_set_int(o, "connection_limit",
	                lv_json_int(in, "connection_limit", -1));
	lv_json_set_null(o, "default_tls_container_ref");
	json_object_object_add(o, "sni_container_refs",
	                       json_object_new_array());
	if (pool != NULL)
		lv_json_set_str(o, "default_pool_id", pool->id);
	else
		lv_json_set_null(o, "default_pool_id");
	json_object_object_add(
	    o, "insert_headers",
	    lv_json_get(in, "insert_headers")
	        ? lv_json_copy(lv_json_get(in, "insert_headers"))
	        : json_object_new_object());
	arr = json_object_new_array();
	e = json_object_new_object();
	lv_json_set_str(e, "id", lb->id);
	json_object_array_add(arr, e);
	json_object_object_add(o, "loadbalancers", arr);
	lv_json_set_str(o, "loadbalancer_id", lb->id);
	lv_json_set_int(o, "timeout_client_data",
	                lv_json_int(in, "timeout_client_data", 50000));
	lv_json_set_int(o, "timeout_member_connect",
	                lv_json_int(in, "timeout_member_connect", 5000));
	lv_json_set_int(o, "timeout_member_data",
	                lv_json_int(in, "timeout_member_data", 50000));
	lv_json_set_int(o, "timeout_tcp_inspect",
	                lv_json_int(in, "timeout_tcp_inspect", 0));
	lv_json_set_null(o, "client_ca_tls_container_ref");
	lv_json_set_str(o, "client_authentication", "NONE");
	lv_json_set_null(o, "client_crl_container_ref");
	if (lv_json_get(in, "allowed_cidrs"))
		json_object_object_add(
		    o, "allowed_cidrs",
		    lv_json_copy(lv_json_get(in, "allowed_cidrs")));
	else
		lv_json_set_null(o, "allowed_cidrs");
	lv_json_set_null(o, "tls_ciphers");
	lv_json_set_null(o, "tls_versions");
	lv_json_set_null(o, "alpn_protocols");
	octavia_schedule(lv, lb);
	return l;
}

static struct lv_obj *
octavia_pool_create(struct localvim *lv, struct http_req *req,
                    struct json_object *in)
{
	static const char *const protos[] = {
	    "HTTP", "HTTPS", "PROXY", "PROXYV2", "TCP", "UDP", "SCTP", NULL};
	static const char *const algs[] = {"ROUND_ROBIN", "LEAST_CONNECTIONS",
	                                   "SOURCE_IP", "SOURCE_IP_PORT", NULL};
	struct lv_obj *listener = NULL, *lb = NULL, *pool;
	struct json_object *o, *arr, *e;

	if (lv_json_str(in, "listener_id") != NULL) {
		listener =
		    world_get(lv, LV_LISTENER, lv_json_str(in, "listener_id"));
		if (listener == NULL) {
			http_error(req, 404, "Listener %s not found.",
			           lv_json_str(in, "listener_id"));
			return NULL;
		}
		if (lv_json_str(listener->json, "default_pool_id") != NULL) {
			http_error(req, 409,
			           "Listener %s already has a default pool",
			           listener->id);
			return NULL;
		}
		lb = world_get(lv, LV_LB, listener->parent);
	} else {
		lb = world_get(lv, LV_LB, lv_json_str(in, "loadbalancer_id"));
	}
	if (lb == NULL) {
		http_error(req, 400,
		           "Validation failure: a pool needs a "
		           "listener_id or a loadbalancer_id.");
		return NULL;
	}
	if (!octavia_protocol_ok(lv_json_str(in, "protocol"), protos) ||
	    !octavia_protocol_ok(lv_json_str(in, "lb_algorithm"), algs)) {
		http_error(req, 400,
		           "Invalid input for field/attribute "
		           "protocol or lb_algorithm.");
		return NULL;
	}
	if (!octavia_mutable(req, lb))
		return NULL;
	pool = octavia_child_new(lv, LV_POOL, lb, in);
	o = pool->json;
	lv_json_set_str(o, "protocol", lv_json_str(in, "protocol"));
	lv_json_set_str(o, "lb_algorithm", lv_json_str(in, "lb_algorithm"));
	if (lv_json_get(in, "session_persistence"))
		json_object_object_add(
		    o, "session_persistence",
		    lv_json_copy(lv_json_get(in, "session_persistence")));
	else
		lv_json_set_null(o, "session_persistence");
	arr = json_object_new_array();
	e = json_object_new_object();
	lv_json_set_str(e, "id", lb->id);
	json_object_array_add(arr, e);
	json_object_object_add(o, "loadbalancers", arr);
	lv_json_set_str(o, "loadbalancer_id", lb->id);
	lv_json_set_null(o, "healthmonitor_id");
	lv_json_set_null(o, "tls_container_ref");
	lv_json_set_null(o, "ca_tls_container_ref");
	lv_json_set_null(o, "crl_container_ref");
	lv_json_set_bool(o, "tls_enabled", false);
	lv_json_set_null(o, "tls_ciphers");
	lv_json_set_null(o, "tls_versions");
	lv_json_set_null(o, "alpn_protocols");
	if (listener != NULL)
		lv_json_set_str(listener->json, "default_pool_id", pool->id);
	octavia_schedule(lv, lb);
	return pool;
}

static void
octavia_member_fill(struct lv_obj *m, struct json_object *in, bool create)
{
	struct json_object *o = m->json;
	static const char *const keys[] = {"name",
	                                   "weight",
	                                   "admin_state_up",
	                                   "backup",
	                                   "monitor_address",
	                                   "monitor_port",
	                                   "tags",
	                                   NULL};

	if (create) {
		lv_json_set_str(o, "address", lv_json_str(in, "address"));
		lv_json_set_int(o, "protocol_port",
		                lv_json_int(in, "protocol_port", 80));
		lv_json_set_str(o, "operating_status", "NO_MONITOR");
		json_object_object_del(o, "description");
	}
	/* A member in a batch PUT is a MemberPOST too: what it leaves out
	 * of these goes back to the default (name and tags stay). */
	lv_json_set_bool(o, "admin_state_up", true);
	lv_json_set_int(o, "weight", 1);
	lv_json_set_bool(o, "backup", false);
	lv_json_set_null(o, "monitor_address");
	lv_json_set_null(o, "monitor_port");
	api_copy_keys(o, in, keys);
}

static struct lv_obj *
octavia_member_add(struct localvim *lv, struct lv_obj *pool, struct lv_obj *lb,
                   struct json_object *in)
{
	struct lv_obj *m = octavia_child_new(lv, LV_MEMBER, lb, in);
	const char *subnet = lv_json_str(in, "subnet_id");

	m->priv = xstrdup(pool->id);
	m->priv_free = free;
	octavia_member_fill(m, in, true);
	lv_json_set_str(m->json, "subnet_id",
	                subnet ? subnet
	                       : lv_json_str(lb->json, "vip_subnet_id"));
	return m;
}

static int
octavia_member_check(struct http_req *req, struct json_object *in)
{
	int64_t port = lv_json_int(in, "protocol_port", -1);
	int64_t weight = lv_json_int(in, "weight", 1);
	uint32_t a;

	if (ipam_parse(lv_json_str(in, "address"), &a) < 0 || port < 1 ||
	    port > 65535 || weight < 0 || weight > 256) {
		http_error(req, 400,
		           "Invalid input for member: address, "
		           "protocol_port or weight.");
		return -EINVAL;
	}
	return 0;
}

static bool
octavia_member_dup(struct localvim *lv, struct lv_obj *pool,
                   struct json_object *in)
{
	struct lv_table *t = &lv->t[LV_MEMBER];
	size_t i;

	for (i = 0; i < t->n; i++) {
		struct lv_obj *m = t->v[i];

		if (m->priv != NULL && strcmp(m->priv, pool->id) == 0 &&
		    strcmp(lv_json_str(m->json, "address"),
		           lv_json_str(in, "address")) == 0 &&
		    lv_json_int(m->json, "protocol_port", -1) ==
		        lv_json_int(in, "protocol_port", 0))
			return true;
	}
	return false;
}

static struct lv_obj *
octavia_hm_create(struct localvim *lv, struct http_req *req,
                  struct json_object *in)
{
	static const char *const types[] = {"HTTP", "HTTPS",     "PING",
	                                    "TCP",  "TLS-HELLO", "UDP-CONNECT",
	                                    "SCTP", NULL};
	struct lv_obj *pool =
	    world_get(lv, LV_POOL, lv_json_str(in, "pool_id"));
	struct lv_obj *lb, *hm;
	struct json_object *o, *arr, *e;
	const char *type = lv_json_str(in, "type");
	bool http;

	if (pool == NULL) {
		http_error(req, 404, "Pool %s not found.",
		           lv_json_str(in, "pool_id")
		               ? lv_json_str(in, "pool_id")
		               : "(none)");
		return NULL;
	}
	if (!octavia_protocol_ok(type, types) ||
	    lv_json_int(in, "delay", -1) < 0 ||
	    lv_json_int(in, "timeout", -1) < 0 ||
	    lv_json_int(in, "max_retries", -1) < 1) {
		http_error(req, 400,
		           "Invalid input for health monitor: type, "
		           "delay, timeout or max_retries.");
		return NULL;
	}
	if (lv_json_str(pool->json, "healthmonitor_id") != NULL) {
		http_error(req, 409, "This pool already has a health monitor");
		return NULL;
	}
	lb = world_get(lv, LV_LB, pool->parent);
	if (lb == NULL || !octavia_mutable(req, lb))
		return NULL;
	http = strcmp(type, "HTTP") == 0 || strcmp(type, "HTTPS") == 0;
	hm = octavia_child_new(lv, LV_HM, lb, in);
	o = hm->json;
	json_object_object_del(o, "description");
	lv_json_set_str(o, "type", type);
	lv_json_set_int(o, "delay", lv_json_int(in, "delay", 5));
	lv_json_set_int(o, "timeout", lv_json_int(in, "timeout", 5));
	lv_json_set_int(o, "max_retries", lv_json_int(in, "max_retries", 3));
	lv_json_set_int(o, "max_retries_down",
	                lv_json_int(in, "max_retries_down", 3));
	if (http) {
		lv_json_set_str(o, "http_method",
		                lv_json_str(in, "http_method")
		                    ? lv_json_str(in, "http_method")
		                    : "GET");
		lv_json_set_str(o, "url_path",
		                lv_json_str(in, "url_path")
		                    ? lv_json_str(in, "url_path")
		                    : "/");
		lv_json_set_str(o, "expected_codes",
		                lv_json_str(in, "expected_codes")
		                    ? lv_json_str(in, "expected_codes")
		                    : "200");
	}
	arr = json_object_new_array();
	e = json_object_new_object();
	lv_json_set_str(e, "id", pool->id);
	json_object_array_add(arr, e);
	json_object_object_add(o, "pools", arr);
	lv_json_set_str(o, "http_version", lv_json_str(in, "http_version"));
	lv_json_set_str(o, "domain_name", lv_json_str(in, "domain_name"));
	lv_json_set_str(pool->json, "healthmonitor_id", hm->id);
	octavia_schedule(lv, lb);
	return hm;
}

static struct lv_obj *
octavia_l7policy_create(struct localvim *lv, struct http_req *req,
                        struct json_object *in)
{
	static const char *const actions[] = {"REJECT", "REDIRECT_TO_URL",
	                                      "REDIRECT_TO_POOL",
	                                      "REDIRECT_PREFIX", NULL};
	struct lv_obj *l =
	    world_get(lv, LV_LISTENER, lv_json_str(in, "listener_id"));
	struct lv_obj *lb, *p;
	struct json_object *o;
	const char *action = lv_json_str(in, "action");

	if (l == NULL) {
		http_error(req, 404, "Listener %s not found.",
		           lv_json_str(in, "listener_id")
		               ? lv_json_str(in, "listener_id")
		               : "(none)");
		return NULL;
	}
	if (!octavia_protocol_ok(action, actions) ||
	    (strcmp(action, "REDIRECT_TO_POOL") == 0 &&
	     world_get(lv, LV_POOL, lv_json_str(in, "redirect_pool_id")) ==
	         NULL)) {
		http_error(req, 400,
		           "Invalid input for l7policy: action or "
		           "redirect_pool_id.");
		return NULL;
	}
	lb = world_get(lv, LV_LB, l->parent);
	if (lb == NULL || !octavia_mutable(req, lb))
		return NULL;
	p = octavia_child_new(lv, LV_L7POLICY, lb, in);
	o = p->json;
	lv_json_set_str(o, "listener_id", l->id);
	lv_json_set_str(o, "action", action);
	lv_json_set_int(o, "position", lv_json_int(in, "position", 1));
	lv_json_set_str(o, "redirect_pool_id",
	                lv_json_str(in, "redirect_pool_id"));
	lv_json_set_str(o, "redirect_url", lv_json_str(in, "redirect_url"));
	lv_json_set_str(o, "redirect_prefix",
	                lv_json_str(in, "redirect_prefix"));
	lv_json_set_null(o, "redirect_http_code");
	octavia_schedule(lv, lb);
	return p;
}

static struct lv_obj *
octavia_l7rule_create(struct localvim *lv, struct http_req *req,
                      struct lv_obj *policy, struct json_object *in)
{
	static const char *const types[] = {"PATH",   "HOST_NAME", "HEADER",
	                                    "COOKIE", "FILE_TYPE", NULL};
	static const char *const cmps[] = {
	    "EQUAL_TO", "STARTS_WITH", "ENDS_WITH", "CONTAINS", "REGEX", NULL};
	struct lv_obj *lb = world_get(lv, LV_LB, policy->parent), *r;
	struct json_object *o;

	if (!octavia_protocol_ok(lv_json_str(in, "type"), types) ||
	    !octavia_protocol_ok(lv_json_str(in, "compare_type"), cmps) ||
	    lv_json_str(in, "value") == NULL) {
		http_error(req, 400,
		           "Invalid input for l7rule: type, "
		           "compare_type or value.");
		return NULL;
	}
	if (lb == NULL || !octavia_mutable(req, lb))
		return NULL;
	r = octavia_child_new(lv, LV_L7RULE, lb, in);
	r->priv = xstrdup(policy->id);
	r->priv_free = free;
	o = r->json;
	json_object_object_del(o, "name");
	json_object_object_del(o, "description");
	lv_json_set_str(o, "type", lv_json_str(in, "type"));
	lv_json_set_str(o, "compare_type", lv_json_str(in, "compare_type"));
	lv_json_set_str(o, "key", lv_json_str(in, "key"));
	lv_json_set_str(o, "value", lv_json_str(in, "value"));
	lv_json_set_bool(o, "invert", lv_json_bool(in, "invert", false));
	octavia_schedule(lv, lb);
	return r;
}

/* ---------------------------------------------------------- updates */

static const char *const octavia_update_keys[LV_KIND_MAX][12] = {
    [LV_LB] = {"name", "description", "admin_state_up", "tags", NULL},
    [LV_LISTENER] = {"name", "description", "admin_state_up", "tags",
                     "connection_limit", "default_pool_id",
                     "timeout_client_data", "timeout_member_connect",
                     "timeout_member_data", "insert_headers", "allowed_cidrs",
                     NULL},
    [LV_POOL] = {"name", "description", "admin_state_up", "tags",
                 "lb_algorithm", "session_persistence", NULL},
    [LV_MEMBER] = {"name", "weight", "admin_state_up", "backup",
                   "monitor_address", "monitor_port", "tags", NULL},
    [LV_HM] = {"name", "delay", "timeout", "max_retries", "max_retries_down",
               "http_method", "url_path", "expected_codes", "admin_state_up",
               "tags", NULL},
    [LV_L7POLICY] = {"name", "description", "admin_state_up", "tags", "action",
                     "position", "redirect_pool_id", "redirect_url", NULL},
    [LV_L7RULE] = {"type", "compare_type", "key", "value", "invert",
                   "admin_state_up", "tags", NULL},
};

static void
octavia_update(struct localvim *lv, struct http_req *req,
               const struct octavia_coll *c, struct lv_obj *o)
{
	struct lv_obj *lb = octavia_lb_of(lv, o);
	struct json_object *body = NULL, *in;

	if (lb == NULL || !octavia_mutable(req, lb))
		return;
	if (http_body_json(req, &body) < 0)
		return;
	in = lv_json_get(body, c->singular);
	if (in == NULL || !json_object_is_type(in, json_type_object)) {
		http_error(req, 400, "Missing body member %s", c->singular);
		goto out;
	}
	api_copy_keys(o->json, in, octavia_update_keys[o->kind]);
	if (o != lb)
		octavia_set_prov(o, "PENDING_UPDATE");
	octavia_schedule(lv, lb);
	octavia_reply(lv, req, o, 202);
out:
	json_object_put(body);
}

static bool
octavia_lb_has_children(struct localvim *lv, struct lv_obj *lb)
{
	size_t i;

	for (i = 0; i < lv->t[LV_LISTENER].n; i++)
		if (strcmp(lv->t[LV_LISTENER].v[i]->parent, lb->id) == 0)
			return true;
	for (i = 0; i < lv->t[LV_POOL].n; i++)
		if (strcmp(lv->t[LV_POOL].v[i]->parent, lb->id) == 0)
			return true;
	return false;
}

static void
octavia_delete(struct localvim *lv, struct http_req *req, struct lv_obj *o)
{
	struct lv_obj *lb = octavia_lb_of(lv, o);
	const char *cascade = query_get(&req->query, "cascade");

	if (lb == NULL)
		return;
	if (o == lb) {
		if (octavia_pending(lb)) {
			http_error(req, 409,
			           "Invalid state %s of loadbalancer resource "
			           "%s",
			           octavia_prov(lb), lb->id);
			return;
		}
		if (octavia_lb_has_children(lv, lb) &&
		    !(cascade && (strcmp(cascade, "true") == 0 ||
		                  strcmp(cascade, "True") == 0 ||
		                  strcmp(cascade, "1") == 0))) {
			http_error(req, 400,
			           "Cannot delete Load Balancer %s - it has "
			           "children",
			           lb->id);
			return;
		}
		octavia_set_prov(lb, "PENDING_DELETE");
		lb->due = lv_now() + lv->cfg.pending_delay;
		if (lb->due <= 0)
			lb->due = 1e-9;
		http_reply_empty(req, 204);
		return;
	}
	if (!octavia_mutable(req, lb))
		return;
	octavia_set_prov(o, "PENDING_DELETE");
	octavia_schedule(lv, lb);
	http_reply_empty(req, 204);
}

/* PUT /pools/{id}/members: the listed set replaces the pool's members
 * (matched by address + protocol_port) unless additive_only. */
static void
octavia_members_batch(struct localvim *lv, struct http_req *req,
                      struct lv_obj *pool)
{
	struct lv_obj *lb = world_get(lv, LV_LB, pool->parent);
	const char *additive = query_get(&req->query, "additive_only");
	bool add_only = additive && (strcmp(additive, "true") == 0 ||
	                             strcmp(additive, "True") == 0);
	struct json_object *body = NULL, *list;
	struct lv_table *t = &lv->t[LV_MEMBER];
	size_t i, j, n;

	if (lb == NULL || !octavia_mutable(req, lb))
		return;
	if (http_body_json(req, &body) < 0)
		return;
	list = lv_json_get(body, "members");
	if (list == NULL || !json_object_is_type(list, json_type_array)) {
		http_error(req, 400, "Missing members list");
		goto out;
	}
	n = lv_json_len(list);
	for (j = 0; j < n; j++)
		if (octavia_member_check(req, lv_json_idx(list, j)) < 0)
			goto out;
	for (i = 0; i < t->n; i++) {
		struct lv_obj *m = t->v[i];
		bool listed = false;

		if (m->priv == NULL || strcmp(m->priv, pool->id) != 0)
			continue;
		for (j = 0; j < n; j++) {
			struct json_object *w = lv_json_idx(list, j);

			if (strcmp(lv_json_str(w, "address"),
			           lv_json_str(m->json, "address")) == 0 &&
			    lv_json_int(w, "protocol_port", 0) ==
			        lv_json_int(m->json, "protocol_port", -1)) {
				listed = true;
				octavia_member_fill(m, w, false);
				octavia_set_prov(m, "PENDING_UPDATE");
			}
		}
		if (!listed && !add_only)
			octavia_set_prov(m, "PENDING_DELETE");
	}
	for (j = 0; j < n; j++) {
		struct json_object *w = lv_json_idx(list, j);
		bool exists = false;

		for (i = 0; i < t->n && !exists; i++) {
			struct lv_obj *m = t->v[i];

			exists = m->priv != NULL &&
			         strcmp(m->priv, pool->id) == 0 &&
			         strcmp(lv_json_str(w, "address"),
			                lv_json_str(m->json, "address")) == 0 &&
			         lv_json_int(w, "protocol_port", 0) ==
			             lv_json_int(m->json, "protocol_port", -1);
		}
		if (!exists)
			octavia_member_add(lv, pool, lb, w);
	}
	octavia_schedule(lv, lb);
	http_reply_empty(req, 202);
out:
	json_object_put(body);
}

static void
octavia_create(struct localvim *lv, struct http_req *req,
               const struct octavia_coll *c, struct lv_obj *parent)
{
	struct json_object *body = NULL, *in;
	struct lv_obj *o = NULL;

	if (http_body_json(req, &body) < 0)
		return;
	in = lv_json_get(body, c->singular);
	if (in == NULL || !json_object_is_type(in, json_type_object)) {
		http_error(req, 400, "Missing body member %s", c->singular);
		goto out;
	}
	switch (c->kind) {
	case LV_LB:
		o = octavia_lb_create(lv, req, in);
		break;
	case LV_LISTENER:
		o = octavia_listener_create(lv, req, in);
		break;
	case LV_POOL:
		o = octavia_pool_create(lv, req, in);
		break;
	case LV_HM:
		o = octavia_hm_create(lv, req, in);
		break;
	case LV_L7POLICY:
		o = octavia_l7policy_create(lv, req, in);
		break;
	case LV_MEMBER: {
		struct lv_obj *lb = world_get(lv, LV_LB, parent->parent);

		if (octavia_member_check(req, in) < 0 || lb == NULL ||
		    !octavia_mutable(req, lb))
			break;
		if (octavia_member_dup(lv, parent, in)) {
			http_error(
			    req, 409,
			    "Duplicate member with address %s and "
			    "protocol_port %lld in pool %s",
			    lv_json_str(in, "address"),
			    (long long)lv_json_int(in, "protocol_port", 0),
			    parent->id);
			break;
		}
		o = octavia_member_add(lv, parent, lb, in);
		octavia_schedule(lv, lb);
		break;
	}
	case LV_L7RULE:
		o = octavia_l7rule_create(lv, req, parent, in);
		break;
	default:
		break;
	}
	if (o != NULL)
		octavia_reply(lv, req, o, 201);
out:
	json_object_put(body);
}

/* ---------------------------------------------------------- routing */

static bool
octavia_keep_linked(struct lv_obj *o, void *payload)
{
	return o->priv != NULL && strcmp(o->priv, payload) == 0;
}

static void
octavia_list(struct localvim *lv, struct http_req *req,
             const struct octavia_coll *c, struct lv_obj *parent)
{
	struct strbuf base = STRBUF_INIT;
	struct api_list_spec spec = {
	    .kind = c->kind,
	    .collection = c->plural,
	    .render = octavia_render,
	    .fields = true,
	};
	size_t i;

	strbuf_puts(&base, lv->url[SVC_OCTAVIA]);
	for (i = 0; i < req->nseg; i++)
		strbuf_printf(&base, "/%s", req->segs[i]);
	spec.link_base = strbuf_str(&base);
	if (parent != NULL) {
		spec.keep = octavia_keep_linked;
		spec.payload = parent->id;
	}
	api_list(lv, req, &spec);
	strbuf_done(&base);
}

static struct json_object *
octavia_status_obj(struct localvim *lv, struct http_req *req, struct lv_obj *o,
                   const char *const *keys)
{
	struct json_object *full = octavia_render(lv, req, o);
	struct json_object *s = json_object_new_object();

	api_copy_keys(s, full, keys);
	json_object_put(full);
	return s;
}

static void
octavia_status_tree(struct localvim *lv, struct http_req *req,
                    struct lv_obj *lb)
{
	static const char *const base[] = {"id", "name", "operating_status",
	                                   "provisioning_status", NULL};
	static const char *const hmk[] = {
	    "id", "name", "type", "provisioning_status", "operating_status",
	    NULL};
	static const char *const mk[] = {"id",
	                                 "name",
	                                 "operating_status",
	                                 "provisioning_status",
	                                 "address",
	                                 "protocol_port",
	                                 NULL};
	struct json_object *top = octavia_status_obj(lv, req, lb, base);
	struct json_object *ls = json_object_new_array(), *out, *w;
	size_t i, j, k;

	for (i = 0; i < lv->t[LV_LISTENER].n; i++) {
		struct lv_obj *l = lv->t[LV_LISTENER].v[i];
		struct json_object *lj, *ps = json_object_new_array();

		if (strcmp(l->parent, lb->id) != 0) {
			json_object_put(ps);
			continue;
		}
		lj = octavia_status_obj(lv, req, l, base);
		for (j = 0; j < lv->t[LV_POOL].n; j++) {
			struct lv_obj *p = lv->t[LV_POOL].v[j];
			const char *d = lv_json_str(l->json, "default_pool_id");
			struct json_object *pj, *ms;
			struct lv_obj *hm;

			if (d == NULL || strcmp(d, p->id) != 0)
				continue;
			pj = octavia_status_obj(lv, req, p, base);
			hm =
			    world_get(lv, LV_HM,
			              lv_json_str(p->json, "healthmonitor_id"));
			if (hm != NULL)
				json_object_object_add(
				    pj, "health_monitor",
				    octavia_status_obj(lv, req, hm, hmk));
			ms = json_object_new_array();
			for (k = 0; k < lv->t[LV_MEMBER].n; k++) {
				struct lv_obj *m = lv->t[LV_MEMBER].v[k];

				if (m->priv && strcmp(m->priv, p->id) == 0)
					json_object_array_add(
					    ms,
					    octavia_status_obj(lv, req, m, mk));
			}
			json_object_object_add(pj, "members", ms);
			json_object_array_add(ps, pj);
		}
		json_object_object_add(lj, "pools", ps);
		json_object_array_add(ls, lj);
	}
	json_object_object_add(top, "listeners", ls);
	w = json_object_new_object();
	json_object_object_add(w, "loadbalancer", top);
	out = json_object_new_object();
	json_object_object_add(out, "statuses", w);
	http_reply_json(req, 200, out);
}

static void
octavia_versions(struct localvim *lv, struct http_req *req)
{
	struct json_object *o = json_object_new_object(), *arr, *v, *links;
	char href[96];

	arr = json_object_new_array();
	v = json_object_new_object();
	lv_json_set_str(v, "id", "v2.0");
	lv_json_set_str(v, "status", "SUPPORTED");
	lv_json_set_str(v, "updated", "2016-12-11T00:00:00Z");
	links = json_object_new_array();
	snprintf(href, sizeof(href), "%s/v2.0/", lv->url[SVC_OCTAVIA]);
	api_link(links, "self", href);
	json_object_object_add(v, "links", links);
	json_object_array_add(arr, v);
	v = json_object_new_object();
	lv_json_set_str(v, "id", "v2.25");
	lv_json_set_str(v, "status", "CURRENT");
	lv_json_set_str(v, "updated", "2022-09-01T00:00:00Z");
	links = json_object_new_array();
	snprintf(href, sizeof(href), "%s/v2/", lv->url[SVC_OCTAVIA]);
	api_link(links, "self", href);
	json_object_object_add(v, "links", links);
	json_object_array_add(arr, v);
	json_object_object_add(o, "versions", arr);
	http_reply_json(req, 200, o);
}

static const struct octavia_coll *
octavia_coll_find(const char *plural)
{
	const struct octavia_coll *c;

	for (c = octavia_colls; c->plural; c++)
		if (strcmp(c->plural, plural) == 0 && c->kind != LV_MEMBER &&
		    c->kind != LV_L7RULE)
			return c;
	return NULL;
}

static void
octavia_not_found(struct http_req *req, const struct octavia_coll *c,
                  const char *id)
{
	http_error(req, 404, "%s %s not found.", c->label, id);
}

void
octavia_handle(struct localvim *lv, struct http_req *req)
{
	const struct octavia_coll *c, *sub = NULL;
	struct lv_obj *o, *child;
	const char *m = req->method;
	size_t b = 2; /* segments of "/v2/lbaas" */

	if (req->nseg == 0) {
		octavia_versions(lv, req);
		return;
	}
	if ((strcmp(req->segs[0], "v2") != 0 &&
	     strcmp(req->segs[0], "v2.0") != 0) ||
	    req->nseg < 2)
		return;
	if (strcmp(req->segs[1], "lbaas") != 0) {
		if (strcmp(req->segs[1], "octavia") != 0)
			return;
	}
	if (req->nseg == b + 1 && strcmp(req->segs[b], "providers") == 0) {
		struct json_object *out = json_tokener_parse(
		    "{\"providers\":[{\"name\":\"amphora\",\"description\":"
		    "\"localvim HAProxy provider\"}]}");

		http_reply_json(req, 200, out);
		return;
	}
	if (req->nseg < b + 1 ||
	    (c = octavia_coll_find(req->segs[b])) == NULL) {
		if (req->nseg == b + 1 && strcmp(m, "GET") == 0) {
			/* amphorae, flavors, availabilityzones: empty. */
			struct json_object *out = json_object_new_object();

			json_object_object_add(out, req->segs[b],
			                       json_object_new_array());
			http_reply_json(req, 200, out);
		}
		return;
	}
	if (req->nseg == b + 1) {
		if (strcmp(m, "GET") == 0)
			octavia_list(lv, req, c, NULL);
		else if (strcmp(m, "POST") == 0)
			octavia_create(lv, req, c, NULL);
		return;
	}
	o = world_get(lv, c->kind, req->segs[b + 1]);
	if (o == NULL) {
		octavia_not_found(req, c, req->segs[b + 1]);
		return;
	}
	if (req->nseg == b + 2) {
		if (strcmp(m, "GET") == 0)
			octavia_reply(lv, req, o, 200);
		else if (strcmp(m, "PUT") == 0)
			octavia_update(lv, req, c, o);
		else if (strcmp(m, "DELETE") == 0)
			octavia_delete(lv, req, o);
		return;
	}
	if (c->kind == LV_LB && req->nseg == b + 3) {
		if (strcmp(req->segs[b + 2], "status") == 0 &&
		    strcmp(m, "GET") == 0) {
			octavia_status_tree(lv, req, o);
		} else if (strcmp(req->segs[b + 2], "stats") == 0 &&
		           strcmp(m, "GET") == 0) {
			http_reply_json(
			    req, 200,
			    json_tokener_parse("{\"stats\":{\"bytes_in\":0,"
			                       "\"bytes_out\":0,"
			                       "\"active_connections\":0,"
			                       "\"total_connections\":0,"
			                       "\"request_errors\":0}}"));
		} else if (strcmp(req->segs[b + 2], "failover") == 0 &&
		           strcmp(m, "PUT") == 0) {
			if (!octavia_mutable(req, o))
				return;
			o->phase = 2;
			octavia_schedule(lv, o);
			http_reply_empty(req, 202);
		}
		return;
	}
	if (c->kind == LV_POOL && strcmp(req->segs[b + 2], "members") == 0)
		sub = octavia_coll_of(LV_MEMBER);
	else if (c->kind == LV_L7POLICY &&
	         strcmp(req->segs[b + 2], "rules") == 0)
		sub = octavia_coll_of(LV_L7RULE);
	if (sub == NULL)
		return;
	if (req->nseg == b + 3) {
		if (strcmp(m, "GET") == 0)
			octavia_list(lv, req, sub, o);
		else if (strcmp(m, "POST") == 0)
			octavia_create(lv, req, sub, o);
		else if (strcmp(m, "PUT") == 0 && sub->kind == LV_MEMBER)
			octavia_members_batch(lv, req, o);
		return;
	}
	child = world_get(lv, sub->kind, req->segs[b + 3]);
	if (child == NULL || child->priv == NULL ||
	    strcmp(child->priv, o->id) != 0) {
		octavia_not_found(req, sub, req->segs[b + 3]);
		return;
	}
	if (req->nseg != b + 4)
		return;
	if (strcmp(m, "GET") == 0)
		octavia_reply(lv, req, child, 200);
	else if (strcmp(m, "PUT") == 0)
		octavia_update(lv, req, sub, child);
	else if (strcmp(m, "DELETE") == 0)
		octavia_delete(lv, req, child);
}
