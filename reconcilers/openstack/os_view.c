/*
 * Decoding OpenStack list responses into an os_view; see os_view.h. Pure:
 * JSON in, structs out. Field names follow the Nova, Neutron and Octavia API
 * references (and the lab's captured responses in tests).
 */
#define _GNU_SOURCE /* strptime, timegm */
#include "os_view.h"
#include "xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void
os_view_init(struct os_view *v, const char *vim)
{
	memset(v, 0, sizeof(*v));
	v->vim = vim;
}

void
os_view_done(struct os_view *v)
{
	size_t i;

	for (i = 0; i < v->nstrs; i++)
		free(v->strs[i]);
	free(v->strs);
	free(v->res);
	free(v->networks);
	free(v->subnets);
	free(v->images);
	free(v->flavors);
	free(v->secgroups);
	memset(v, 0, sizeof(*v));
}

/* Keeps a copy of s for the view's life; NULL stays NULL. */
static const char *
os_view_str(struct os_view *v, const char *s)
{
	if (!s)
		return NULL;
	XGROW(v->strs, v->capstrs, v->nstrs + 1);
	v->strs[v->nstrs] = xstrdup(s);
	return v->strs[v->nstrs++];
}

static const char *
os_json_str(struct json_object *o, const char *key)
{
	struct json_object *f;

	if (!json_object_object_get_ex(o, key, &f) ||
	    !json_object_is_type(f, json_type_string))
		return NULL;
	return json_object_get_string(f);
}

/* An integer field, 0 when absent or not a number. */
static long long
os_json_int(struct json_object *o, const char *key)
{
	struct json_object *f;

	if (!json_object_object_get_ex(o, key, &f) ||
	    !json_object_is_type(f, json_type_int))
		return 0;
	return json_object_get_int64(f);
}

static struct json_object *
os_json_array(struct json_object *o, const char *key)
{
	struct json_object *f;

	if (!json_object_object_get_ex(o, key, &f) ||
	    !json_object_is_type(f, json_type_array))
		return NULL;
	return f;
}

static int
os_view_bad(const char *what, struct diag *reterr)
{
	diag_error(reterr, NULL, "%s: unexpected JSON (no list found)", what);
	return -EPROTO;
}

static struct os_res *
os_view_new_res(struct os_view *v, enum plan_kind kind, struct json_object *o)
{
	struct os_res *r;
	struct json_object *tags = os_json_array(o, "tags");
	size_t i;

	XGROW(v->res, v->cap, v->n + 1);
	r = &v->res[v->n++];
	memset(r, 0, sizeof(*r));
	r->obs.kind = kind;
	r->obs.vim = v->vim;
	r->obs.name = os_view_str(v, os_json_str(o, "name"));
	if (!r->obs.name)
		r->obs.name = "";
	r->obs.id = os_view_str(v, os_json_str(o, "id"));
	for (i = 0; tags && i < json_object_array_length(tags); i++) {
		const char *t =
		    json_object_get_string(json_object_array_get_idx(tags, i));

		if (!t)
			continue;
		if (strcmp(t, OS_TAG_MANAGED) == 0)
			r->obs.managed = true;
		else if (strncmp(t, OS_TAG_NS, strlen(OS_TAG_NS)) == 0)
			r->obs.service = os_view_str(v, t + strlen(OS_TAG_NS));
		else if (strncmp(t, OS_TAG_SPEC, strlen(OS_TAG_SPEC)) == 0)
			r->obs.spec_hash =
			    os_view_str(v, t + strlen(OS_TAG_SPEC));
		else if (strncmp(t, OS_TAG_FIXED, strlen(OS_TAG_FIXED)) == 0)
			r->obs.fixed_hash =
			    os_view_str(v, t + strlen(OS_TAG_FIXED));
	}
	return r;
}

/* The first fixed IPv4 address of a server's addresses map. */
static const char *
os_server_address(struct json_object *server)
{
	struct json_object *addrs;

	if (!json_object_object_get_ex(server, "addresses", &addrs) ||
	    !json_object_is_type(addrs, json_type_object))
		return NULL;
	json_object_object_foreach(addrs, net, list)
	{
		size_t i;

		(void)net;
		if (!json_object_is_type(list, json_type_array))
			continue;
		for (i = 0; i < json_object_array_length(list); i++) {
			struct json_object *a =
			    json_object_array_get_idx(list, i);
			const char *type = os_json_str(a, "OS-EXT-IPS:type");

			if (!type || strcmp(type, "fixed") == 0)
				return os_json_str(a, "addr");
		}
	}
	return NULL;
}

int
os_view_add_servers(struct os_view *v, struct json_object *body,
                    struct diag *reterr)
{
	struct json_object *list = os_json_array(body, "servers");
	size_t i;

	if (!list)
		return os_view_bad("servers", reterr);
	for (i = 0; i < json_object_array_length(list); i++) {
		struct json_object *s = json_object_array_get_idx(list, i);
		struct os_res *r = os_view_new_res(v, PLAN_SERVER, s);

		r->obs.status = os_view_str(v, os_json_str(s, "status"));
		r->address = os_view_str(v, os_server_address(s));
	}
	return 0;
}

int
os_view_add_ports(struct os_view *v, struct json_object *body,
                  struct diag *reterr)
{
	struct json_object *list = os_json_array(body, "ports");
	size_t i;

	if (!list)
		return os_view_bad("ports", reterr);
	for (i = 0; i < json_object_array_length(list); i++) {
		struct json_object *p = json_object_array_get_idx(list, i);
		struct json_object *ips = os_json_array(p, "fixed_ips");
		struct os_res *r = os_view_new_res(v, PLAN_PORT, p);

		r->obs.status = os_view_str(v, os_json_str(p, "status"));
		r->network_id = os_view_str(v, os_json_str(p, "network_id"));
		r->parent_id = os_view_str(v, os_json_str(p, "device_id"));
		if (ips && json_object_array_length(ips) > 0)
			r->address = os_view_str(
			    v, os_json_str(json_object_array_get_idx(ips, 0),
			                   "ip_address"));
	}
	return 0;
}

/* Octavia objects name their parent in a list of {id} (listeners,
 * loadbalancers, pools) or a plain field. */
static const char *
os_first_ref(struct json_object *o, const char *key)
{
	struct json_object *a = os_json_array(o, key);

	if (!a || json_object_array_length(a) == 0)
		return NULL;
	return os_json_str(json_object_array_get_idx(a, 0), "id");
}

static const char *const os_octavia_collections[PLAN_KIND_MAX] = {
    [PLAN_LOADBALANCER] = "loadbalancers",
    [PLAN_LISTENER] = "listeners",
    [PLAN_POOL] = "pools",
    [PLAN_HEALTH_MONITOR] = "healthmonitors",
    [PLAN_L7_POLICY] = "l7policies",
};

int
os_view_add_octavia(struct os_view *v, enum plan_kind kind,
                    struct json_object *body, struct diag *reterr)
{
	const char *coll = kind >= 0 && kind < PLAN_KIND_MAX
	                       ? os_octavia_collections[kind]
	                       : NULL;
	struct json_object *list = coll ? os_json_array(body, coll) : NULL;
	size_t i;

	if (!list)
		return os_view_bad(coll ? coll : "octavia", reterr);
	for (i = 0; i < json_object_array_length(list); i++) {
		struct json_object *o = json_object_array_get_idx(list, i);
		struct os_res *r = os_view_new_res(v, kind, o);
		const char *parent = NULL;

		r->obs.status =
		    os_view_str(v, os_json_str(o, "provisioning_status"));
		r->operating_status =
		    os_view_str(v, os_json_str(o, "operating_status"));
		switch (kind) {
		case PLAN_LOADBALANCER:
			/* Its amphora (HAProxy) died and nothing recovered
			 * it: the planner's ERROR, which a failover repairs. */
			if (r->obs.status && r->operating_status &&
			    strcmp(r->obs.status, "ACTIVE") == 0 &&
			    strcmp(r->operating_status, "ERROR") == 0)
				r->obs.status = "ERROR";
			r->address =
			    os_view_str(v, os_json_str(o, "vip_address"));
			r->network_id =
			    os_view_str(v, os_json_str(o, "vip_network_id"));
			break;
		case PLAN_LISTENER:
		case PLAN_POOL:
			parent = os_first_ref(o, "loadbalancers");
			break;
		case PLAN_HEALTH_MONITOR:
			parent = os_first_ref(o, "pools");
			break;
		case PLAN_L7_POLICY:
			parent = os_json_str(o, "listener_id");
			break;
		default:
			break;
		}
		r->parent_id = os_view_str(v, parent);
	}
	return 0;
}

/* An OpenStack timestamp ("2026-11-25T19:00:00", maybe with a fraction
 * and "Z" or "+00:00": UTC either way) in Unix seconds; 0 if none. */
static long long
os_view_time(const char *s)
{
	struct tm tm;

	if (!s)
		return 0;
	memset(&tm, 0, sizeof(tm));
	if (!strptime(s, "%Y-%m-%dT%H:%M:%S", &tm))
		return 0;
	return (long long)timegm(&tm);
}

/* Copies o[key] into echo when it is of type t (null and absent: left
 * out, so Octavia keeps its own value or default); false when it is
 * present with another type. */
static bool
os_echo_field(struct json_object *echo, struct json_object *o, const char *key,
              json_type t)
{
	struct json_object *f;

	if (!json_object_object_get_ex(o, key, &f) || !f)
		return true;
	if (!json_object_is_type(f, t))
		return false;
	json_object_object_add(echo, key, json_object_get(f));
	return true;
}

/*
 * The member as a batch update lists it to change nothing about it, as
 * JSON text (caller frees), or NULL. Octavia's MemberPOST renders the
 * defaults weight 1, admin_state_up true and backup false for what a
 * listed member leaves out, so those must be echoed when shown; without
 * address, protocol_port, weight or admin_state_up the member is not
 * echoed at all (apply then leaves batching alone for its pool).
 */
static char *
os_member_echo(struct json_object *m)
{
	static const struct {
		const char *key;
		json_type type;
		bool required;
	} fields[] = {
	    {"name", json_type_string, false},
	    {"address", json_type_string, true},
	    {"protocol_port", json_type_int, true},
	    {"weight", json_type_int, true},
	    {"backup", json_type_boolean, false},
	    {"admin_state_up", json_type_boolean, true},
	    {"subnet_id", json_type_string, false},
	    {"monitor_address", json_type_string, false},
	    {"monitor_port", json_type_int, false},
	    {"tags", json_type_array, false},
	};
	struct json_object *echo = json_object_new_object(), *f;
	char *text = NULL;
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (fields[i].required &&
		    (!json_object_object_get_ex(m, fields[i].key, &f) ||
		     !json_object_is_type(f, fields[i].type)))
			goto out;
		if (!os_echo_field(echo, m, fields[i].key, fields[i].type))
			goto out;
	}
	text = xstrdup(
	    json_object_to_json_string_ext(echo, JSON_C_TO_STRING_PLAIN));
out:
	json_object_put(echo);
	return text;
}

int
os_view_add_members(struct os_view *v, const char *pool_id,
                    struct json_object *body, struct diag *reterr)
{
	struct json_object *list = os_json_array(body, "members");
	size_t i;

	if (!list)
		return os_view_bad("members", reterr);
	for (i = 0; i < json_object_array_length(list); i++) {
		struct json_object *m = json_object_array_get_idx(list, i), *f;
		struct os_res *r = os_view_new_res(v, PLAN_MEMBER, m);
		char *echo;
		int port;

		r->obs.status =
		    os_view_str(v, os_json_str(m, "provisioning_status"));
		r->operating_status =
		    os_view_str(v, os_json_str(m, "operating_status"));
		r->address = os_view_str(v, os_json_str(m, "address"));
		r->parent_id = os_view_str(v, pool_id);
		r->obs.health = r->operating_status;
		r->obs.health_since =
		    os_view_time(os_json_str(m, "updated_at"));
		port = json_object_object_get_ex(m, "protocol_port", &f) &&
		               json_object_is_type(f, json_type_int)
		           ? json_object_get_int(f)
		           : 0;
		r->port = port;
		echo = os_member_echo(m);
		r->echo = os_view_str(v, echo);
		free(echo);
	}
	return 0;
}

void
os_view_drop_members(struct os_view *v, const char *pool_id, const char *id)
{
	size_t i, kept = 0;

	for (i = 0; i < v->n; i++) {
		const struct os_res *r = &v->res[i];
		bool drop = r->obs.kind == PLAN_MEMBER && r->parent_id &&
		            pool_id && strcmp(r->parent_id, pool_id) == 0 &&
		            (!id || (r->obs.id && strcmp(r->obs.id, id) == 0));

		if (!drop)
			v->res[kept++] = *r;
	}
	v->n = kept;
}

int
os_view_add_named(struct os_view *v, const char *collection,
                  struct json_object *body, struct diag *reterr)
{
	struct json_object *list = os_json_array(body, collection);
	struct os_named **arr;
	size_t *n, i;

	if (!list)
		return os_view_bad(collection, reterr);
	if (strcmp(collection, "networks") == 0) {
		arr = &v->networks;
		n = &v->nnetworks;
	} else if (strcmp(collection, "subnets") == 0) {
		arr = &v->subnets;
		n = &v->nsubnets;
	} else if (strcmp(collection, "images") == 0) {
		arr = &v->images;
		n = &v->nimages;
	} else if (strcmp(collection, "flavors") == 0) {
		arr = &v->flavors;
		n = &v->nflavors;
	} else if (strcmp(collection, "security_groups") == 0) {
		arr = &v->secgroups;
		n = &v->nsecgroups;
	} else {
		return os_view_bad(collection, reterr);
	}
	for (i = 0; i < json_object_array_length(list); i++) {
		struct json_object *o = json_object_array_get_idx(list, i);
		struct os_named *e;

		*arr = xrealloc(*arr, (*n + 1) * sizeof(**arr));
		e = &(*arr)[(*n)++];
		e->name = os_view_str(v, os_json_str(o, "name"));
		e->id = os_view_str(v, os_json_str(o, "id"));
		e->network_id = os_view_str(v, os_json_str(o, "network_id"));
		e->cidr = os_view_str(v, os_json_str(o, "cidr"));
		e->project_id = os_view_str(v, os_json_str(o, "project_id"));
		e->vcpus = (int)os_json_int(o, "vcpus");
		e->ram_mib = os_json_int(o, "ram");
		e->disk_gib = os_json_int(o, "disk");
	}
	return 0;
}

const struct os_res *
os_view_find(const struct os_view *v, enum plan_kind kind, const char *name)
{
	size_t i;

	for (i = 0; name && i < v->n; i++) {
		if (v->res[i].obs.kind == kind && v->res[i].obs.managed &&
		    strcmp(v->res[i].obs.name, name) == 0)
			return &v->res[i];
	}
	return NULL;
}

const struct os_res *
os_view_find_id(const struct os_view *v, const char *id)
{
	size_t i;

	for (i = 0; id && i < v->n; i++) {
		if (v->res[i].obs.id && strcmp(v->res[i].obs.id, id) == 0)
			return &v->res[i];
	}
	return NULL;
}

const char *
os_view_id_of(const struct os_view *v, const char *collection, const char *name)
{
	const struct os_named *arr;
	size_t n, i;

	if (strcmp(collection, "networks") == 0) {
		arr = v->networks;
		n = v->nnetworks;
	} else if (strcmp(collection, "images") == 0) {
		arr = v->images;
		n = v->nimages;
	} else if (strcmp(collection, "flavors") == 0) {
		arr = v->flavors;
		n = v->nflavors;
	} else {
		return NULL;
	}
	for (i = 0; name && i < n; i++) {
		if (arr[i].name && strcmp(arr[i].name, name) == 0)
			return arr[i].id;
	}
	for (i = 0; name && i < n; i++) {
		if (arr[i].id && strcmp(arr[i].id, name) == 0)
			return arr[i].id;
	}
	return NULL;
}

const char *
os_view_secgroup_id(const struct os_view *v, const char *ref,
                    const char *project, bool *ret_ambiguous)
{
	const char *found = NULL;
	size_t i, pass, n;

	*ret_ambiguous = false;
	for (i = 0; ref && i < v->nsecgroups; i++) {
		if (v->secgroups[i].id && strcmp(v->secgroups[i].id, ref) == 0)
			return v->secgroups[i].id;
	}
	/* By name: the project's own groups first (every project has a
	 * "default"), then anybody's that the token may see. */
	for (pass = 0; ref && pass < 2; pass++) {
		n = 0;
		for (i = 0; i < v->nsecgroups; i++) {
			const struct os_named *g = &v->secgroups[i];
			bool own = project && g->project_id &&
			           strcmp(g->project_id, project) == 0;

			if (!g->name || strcmp(g->name, ref) != 0 ||
			    (pass == 0 && !own))
				continue;
			found = g->id;
			n++;
		}
		if (n == 1)
			return found;
		if (n > 1) {
			*ret_ambiguous = true;
			return NULL;
		}
	}
	return NULL;
}

struct plan_flavor *
os_view_flavors(const struct os_view *v, size_t *ret_n)
{
	struct plan_flavor *f =
	    xcalloc(v->nflavors ? v->nflavors : 1, sizeof(*f));
	size_t i;

	for (i = 0; i < v->nflavors; i++) {
		f[i].vim = v->vim;
		f[i].name = v->flavors[i].name;
		f[i].vcpus = v->flavors[i].vcpus;
		f[i].ram_mib = v->flavors[i].ram_mib;
		f[i].disk_gib = v->flavors[i].disk_gib;
		f[i].id = v->flavors[i].id;
	}
	*ret_n = v->nflavors;
	return f;
}

static struct plan_named *
os_view_named(const struct os_named *arr, size_t n, const char *project)
{
	struct plan_named *out = xcalloc(n ? n : 1, sizeof(*out));
	size_t i;

	for (i = 0; i < n; i++) {
		out[i].name = arr[i].name;
		out[i].id = arr[i].id;
		out[i].own = project && arr[i].project_id &&
		             strcmp(arr[i].project_id, project) == 0;
	}
	return out;
}

void
os_view_catalog(const struct os_view *v, const char *project,
                struct plan_catalog *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->vim = v->vim;
	ret->images = os_view_named(v->images, v->nimages, project);
	ret->nimages = v->nimages;
	ret->networks = os_view_named(v->networks, v->nnetworks, project);
	ret->nnetworks = v->nnetworks;
	ret->secgroups = os_view_named(v->secgroups, v->nsecgroups, project);
	ret->nsecgroups = v->nsecgroups;
}

void
os_view_catalog_done(struct plan_catalog *c)
{
	free((void *)c->images);
	free((void *)c->networks);
	free((void *)c->secgroups);
	memset(c, 0, sizeof(*c));
}

/* Whether IPv4 address lies in cidr ("10.10.0.0/24"). */
static bool
os_in_cidr(const char *address, const char *cidr)
{
	char net[64];
	const char *slash = strchr(cidr, '/');
	struct in_addr a, b;
	long bits;
	uint32_t mask;

	if (!slash || (size_t)(slash - cidr) >= sizeof(net))
		return false;
	memcpy(net, cidr, (size_t)(slash - cidr));
	net[slash - cidr] = '\0';
	bits = strtol(slash + 1, NULL, 10);
	if (bits < 0 || bits > 32 || inet_pton(AF_INET, net, &b) != 1 ||
	    inet_pton(AF_INET, address, &a) != 1)
		return false;
	mask = bits == 0 ? 0 : htonl(0xffffffffu << (32 - bits));
	return (a.s_addr & mask) == (b.s_addr & mask);
}

const char *
os_view_subnet_for(const struct os_view *v, const char *network_id,
                   const char *address)
{
	size_t i;

	for (i = 0; network_id && i < v->nsubnets; i++) {
		const struct os_named *s = &v->subnets[i];

		if (!s->network_id || strcmp(s->network_id, network_id) != 0)
			continue;
		if (!address || (s->cidr && os_in_cidr(address, s->cidr)))
			return s->id;
	}
	return NULL;
}

struct json_object *
os_tags_json(const char *service, const char *spec_hash)
{
	struct json_object *a = json_object_new_array();
	char buf[128];

	json_object_array_add(a, json_object_new_string(OS_TAG_MANAGED));
	snprintf(buf, sizeof(buf), "%s%s", OS_TAG_NS, service);
	json_object_array_add(a, json_object_new_string(buf));
	if (spec_hash) {
		snprintf(buf, sizeof(buf), "%s%s", OS_TAG_SPEC, spec_hash);
		json_object_array_add(a, json_object_new_string(buf));
	}
	return a;
}

struct json_object *
os_port_tags_json(const char *service, const char *spec_hash,
                  const char *fixed_hash)
{
	struct json_object *a = os_tags_json(service, spec_hash);
	char buf[128];

	if (fixed_hash) {
		snprintf(buf, sizeof(buf), "%s%s", OS_TAG_FIXED, fixed_hash);
		json_object_array_add(a, json_object_new_string(buf));
	}
	return a;
}

static struct os_named *
os_view_copy_named(struct os_view *dst, const struct os_named *src, size_t n)
{
	struct os_named *out = xcalloc(n ? n : 1, sizeof(*out));
	size_t i;

	for (i = 0; i < n; i++) {
		out[i].name = os_view_str(dst, src[i].name);
		out[i].id = os_view_str(dst, src[i].id);
		out[i].network_id = os_view_str(dst, src[i].network_id);
		out[i].cidr = os_view_str(dst, src[i].cidr);
		out[i].project_id = os_view_str(dst, src[i].project_id);
		out[i].vcpus = src[i].vcpus;
		out[i].ram_mib = src[i].ram_mib;
		out[i].disk_gib = src[i].disk_gib;
	}
	return out;
}

void
os_view_copy(struct os_view *dst, const struct os_view *src)
{
	size_t i;

	os_view_init(dst, src->vim);
	dst->res = xcalloc(src->n ? src->n : 1, sizeof(*dst->res));
	dst->cap = src->n ? src->n : 1;
	for (i = 0; i < src->n; i++) {
		const struct os_res *s = &src->res[i];
		struct os_res *r = &dst->res[dst->n++];

		*r = *s;
		r->obs.vim = dst->vim;
		r->obs.name = os_view_str(dst, s->obs.name);
		r->obs.id = os_view_str(dst, s->obs.id);
		r->obs.status = os_view_str(dst, s->obs.status);
		r->obs.service = os_view_str(dst, s->obs.service);
		r->obs.spec_hash = os_view_str(dst, s->obs.spec_hash);
		r->obs.fixed_hash = os_view_str(dst, s->obs.fixed_hash);
		r->address = os_view_str(dst, s->address);
		r->parent_id = os_view_str(dst, s->parent_id);
		r->network_id = os_view_str(dst, s->network_id);
		r->operating_status = os_view_str(dst, s->operating_status);
		r->echo = os_view_str(dst, s->echo);
	}
	dst->networks = os_view_copy_named(dst, src->networks, src->nnetworks);
	dst->nnetworks = src->nnetworks;
	dst->subnets = os_view_copy_named(dst, src->subnets, src->nsubnets);
	dst->nsubnets = src->nsubnets;
	dst->images = os_view_copy_named(dst, src->images, src->nimages);
	dst->nimages = src->nimages;
	dst->flavors = os_view_copy_named(dst, src->flavors, src->nflavors);
	dst->nflavors = src->nflavors;
	dst->secgroups =
	    os_view_copy_named(dst, src->secgroups, src->nsecgroups);
	dst->nsecgroups = src->nsecgroups;
}
