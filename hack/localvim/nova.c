/*
 * Nova (compute v2.1) for localvim: servers with their asynchronous life
 * (BUILD -> ACTIVE after a delay, lingering delete, reboot, stop, start,
 * rebuild), metadata, tags, list filters and pagination, flavors and
 * server groups, with microversion negotiation. Each ACTIVE server with a
 * port runs a real workload process (workload.c) on the loopback address
 * of its first fixed IP; when that process dies unexpectedly the server
 * goes to ERROR with a fault (or SHUTOFF when so configured).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>

#include "api.h"
#include "http.h"
#include "lvutil.h"
#include "services.h"
#include "workload.h"
#include "xalloc.h"

#define NOVA_MAX_MICRO 96

enum nova_phase {
	NOVA_BUILDING,
	NOVA_ACTIVE,
	NOVA_STOPPING,
	NOVA_SHUTOFF,
	NOVA_STARTING,
	NOVA_REBOOTING,
	NOVA_REBUILDING,
	NOVA_DELETING,
	NOVA_ERROR,
	NOVA_PHASE_MAX,
};

static const char *const nova_phase_names[NOVA_PHASE_MAX] = {
    "BUILD",  "ACTIVE",  "STOPPING", "SHUTOFF", "STARTING",
    "REBOOT", "REBUILD", "DELETING", "ERROR",
};

/* Extra state of a server besides its JSON. */
struct nova_server {
	char flavor_id[64];
	char *image_name;
	struct json_object *ports;     /* every attached port id */
	struct json_object *own_ports; /* ports Nova created (deleted too) */
	bool was_off;                  /* rebuild of a SHUTOFF server */
};

static void
nova_server_free(void *p)
{
	struct nova_server *s = p;

	if (s == NULL)
		return;
	free(s->image_name);
	json_object_put(s->ports);
	json_object_put(s->own_ports);
	free(s);
}

/* The requested microversion as 2.N (returns N), clamped. */
static int
nova_micro(const struct http_req *req)
{
	const char *h = http_header(req, "OpenStack-API-Version");
	const char *v = NULL;
	int n = 1;

	if (h != NULL && strncasecmp(h, "compute ", 8) == 0)
		v = h + 8;
	else
		v = http_header(req, "X-OpenStack-Nova-API-Version");
	if (v == NULL)
		return 1;
	if (strcasecmp(v, "latest") == 0)
		return NOVA_MAX_MICRO;
	if (sscanf(v, "2.%d", &n) != 1 || n < 1)
		return 1;
	return n > NOVA_MAX_MICRO ? NOVA_MAX_MICRO : n;
}

static void
nova_links(struct localvim *lv, struct json_object *o, const char *coll,
           const char *id)
{
	struct json_object *links = json_object_new_array();
	char href[192];

	snprintf(href, sizeof(href), "%s/v2.1/%s/%s", lv->url[SVC_NOVA], coll,
	         id);
	api_link(links, "self", href);
	snprintf(href, sizeof(href), "%s/%s/%s", lv->url[SVC_NOVA], coll, id);
	api_link(links, "bookmark", href);
	json_object_object_add(o, "links", links);
}

/* ------------------------------------------------------------ flavors */

static void
nova_flavor_new(struct localvim *lv, const char *id, const char *name,
                int vcpus, int ram, int disk)
{
	struct json_object *o = json_object_new_object();
	struct lv_obj *obj = world_add(lv, LV_FLAVOR, id, o);

	lv_json_set_str(o, "id", obj->id);
	lv_json_set_str(o, "name", name);
	lv_json_set_int(o, "ram", ram);
	lv_json_set_int(o, "disk", disk);
	lv_json_set_int(o, "swap", 0);
	lv_json_set_int(o, "OS-FLV-EXT-DATA:ephemeral", 0);
	lv_json_set_bool(o, "OS-FLV-DISABLED:disabled", false);
	lv_json_set_int(o, "vcpus", vcpus);
	lv_json_set_bool(o, "os-flavor-access:is_public", true);
	json_object_object_add(o, "rxtx_factor", json_object_new_double(1.0));
	lv_json_set_null(o, "description");
	json_object_object_add(o, "extra_specs", json_object_new_object());
	nova_links(lv, o, "flavors", obj->id);
}

void
nova_populate(struct localvim *lv)
{
	nova_flavor_new(lv, "1", "m1.tiny", 1, 512, 1);
	nova_flavor_new(lv, "2", "m1.small", 1, 2048, 20);
	nova_flavor_new(lv, "3", "m1.medium", 2, 4096, 40);
	nova_flavor_new(lv, "4", "m1.large", 4, 8192, 80);
	nova_flavor_new(lv, "5", "m1.xlarge", 8, 16384, 160);
	nova_flavor_new(lv, "c2516602-dd42-4d0a-88f4-9f7f31456812", "ds512M", 1,
	                512, 1);
	nova_flavor_new(lv, "d1", "ds1G", 1, 1024, 10);
}

static struct json_object *
nova_flavor_brief(struct localvim *lv, struct http_req *req, struct lv_obj *obj)
{
	struct json_object *o = json_object_new_object();
	static const char *const keys[] = {"id", "name", "links", NULL};

	api_copy_keys(o, obj->json, keys);
	if (nova_micro(req) >= 55)
		lv_json_set_null(o, "description");
	return o;
}

static struct lv_obj *
nova_flavor_find(struct localvim *lv, const char *ref)
{
	const char *slash;

	if (ref == NULL)
		return NULL;
	slash = strrchr(ref, '/');
	if (slash != NULL)
		ref = slash + 1;
	return world_lookup(lv, LV_FLAVOR, ref);
}

/* ------------------------------------------------------------ servers */

static struct nova_server *
nova_priv(struct lv_obj *obj)
{
	return obj->priv;
}

static void
nova_set_status(struct lv_obj *obj, enum nova_phase phase, const char *status,
                const char *vm_state, int power, const char *task)
{
	struct json_object *o = obj->json;
	const char *old = lv_json_str(o, "status");

	if (old == NULL || strcmp(old, status) != 0 || (int)phase != obj->phase)
		fprintf(stderr, "localvim: nova: server %s: %s -> %s\n",
		        lv_json_str(o, "name"),
		        obj->phase < NOVA_PHASE_MAX
		            ? nova_phase_names[obj->phase]
		            : "?",
		        nova_phase_names[phase]);
	obj->phase = phase;
	lv_json_set_str(o, "status", status);
	lv_json_set_str(o, "OS-EXT-STS:vm_state", vm_state);
	lv_json_set_int(o, "OS-EXT-STS:power_state", power);
	lv_json_set_str(o, "OS-EXT-STS:task_state", task);
	lv_json_set_now(o, "updated", false, true);
}

static void
nova_fault(struct lv_obj *obj, int code, const char *message)
{
	struct json_object *f = json_object_new_object();

	lv_json_set_int(f, "code", code);
	lv_json_set_str(f, "message", message);
	lv_json_set_now(f, "created", false, true);
	json_object_object_add(obj->json, "fault", f);
}

/* Starts the workload of a server; on failure the server is ERROR. */
static void
nova_boot(struct localvim *lv, struct lv_obj *obj)
{
	struct nova_server *s = nova_priv(obj);
	struct lv_obj *port = NULL;
	const char *ip = NULL;
	char *err = NULL;
	pid_t pid;

	if (s->ports != NULL && lv_json_len(s->ports) > 0)
		port =
		    world_get(lv, LV_PORT,
		              json_object_get_string(lv_json_idx(s->ports, 0)));
	if (port != NULL)
		ip = neutron_port_ip(port);
	json_object_object_del(obj->json, "fault");
	if (obj->phase == NOVA_BUILDING && lv->cfg.build_failures > 0) {
		lv->cfg.build_failures--;
		nova_fault(obj, 500,
		           "Build of instance aborted: injected failure");
		nova_set_status(obj, NOVA_ERROR, "ERROR", "error", 0, NULL);
		return;
	}
	if (ip != NULL && workload_spawn(lv, lv_json_str(obj->json, "name"), ip,
	                                 80, s->image_name, &pid, &err) < 0) {
		nova_fault(obj, 500, err);
		nova_set_status(obj, NOVA_ERROR, "ERROR", "error", 0, NULL);
		free(err);
		return;
	}
	obj->pid = ip ? pid : 0;
	obj->expect_exit = false;
	nova_set_status(obj, NOVA_ACTIVE, "ACTIVE", "active", 1, NULL);
	if (lv_json_get(obj->json, "OS-SRV-USG:launched_at") == NULL ||
	    json_object_is_type(
	        lv_json_get(obj->json, "OS-SRV-USG:launched_at"),
	        json_type_null))
		lv_json_set_now(obj->json, "OS-SRV-USG:launched_at", true,
		                false);
}

static void
nova_ports_status(struct localvim *lv, struct lv_obj *obj, const char *st)
{
	struct nova_server *s = nova_priv(obj);
	size_t i, n = s->ports ? lv_json_len(s->ports) : 0;

	for (i = 0; i < n; i++) {
		struct lv_obj *p =
		    world_get(lv, LV_PORT,
		              json_object_get_string(lv_json_idx(s->ports, i)));

		if (p != NULL)
			lv_json_set_str(p->json, "status", st);
	}
}

/* Unbinds attached ports and deletes those Nova created. */
static void
nova_release_ports(struct localvim *lv, struct lv_obj *obj)
{
	struct nova_server *s = nova_priv(obj);
	size_t i, n = s->ports ? lv_json_len(s->ports) : 0;

	for (i = 0; i < n; i++) {
		const char *id =
		    json_object_get_string(lv_json_idx(s->ports, i));
		struct lv_obj *p = world_get(lv, LV_PORT, id);

		if (p == NULL)
			continue;
		if (lv_json_array_has(s->own_ports, id)) {
			world_remove(lv, p);
		} else {
			lv_json_set_str(p->json, "device_id", "");
			lv_json_set_str(p->json, "device_owner", "");
			lv_json_set_str(p->json, "status", "DOWN");
			lv_json_set_str(p->json, "binding:host_id", "");
			lv_json_set_str(p->json, "binding:vif_type", "unbound");
		}
	}
}

static void
nova_group_forget(struct localvim *lv, const char *server_id)
{
	struct lv_table *t = &lv->t[LV_SERVER_GROUP];
	size_t i;

	for (i = 0; i < t->n; i++)
		lv_json_array_remove(lv_json_get(t->v[i]->json, "members"),
		                     server_id);
}

void
nova_tick(struct localvim *lv, double now)
{
	struct lv_table *t = &lv->t[LV_SERVER];
	size_t i;

	for (i = 0; i < t->n;) {
		struct lv_obj *obj = t->v[i];

		if (obj->due == 0 || obj->due > now) {
			i++;
			continue;
		}
		obj->due = 0;
		switch (obj->phase) {
		case NOVA_BUILDING:
		case NOVA_STARTING:
		case NOVA_REBOOTING:
			nova_boot(lv, obj);
			nova_ports_status(lv, obj,
			                  obj->phase == NOVA_ACTIVE ? "ACTIVE"
			                                            : "DOWN");
			break;
		case NOVA_REBUILDING:
			if (nova_priv(obj)->was_off)
				nova_set_status(obj, NOVA_SHUTOFF, "SHUTOFF",
				                "stopped", 4, NULL);
			else
				nova_boot(lv, obj);
			break;
		case NOVA_STOPPING:
			nova_set_status(obj, NOVA_SHUTOFF, "SHUTOFF", "stopped",
			                4, NULL);
			nova_ports_status(lv, obj, "DOWN");
			break;
		case NOVA_DELETING:
			fprintf(stderr, "localvim: nova: server %s: deleted\n",
			        lv_json_str(obj->json, "name"));
			nova_release_ports(lv, obj);
			nova_group_forget(lv, obj->id);
			world_remove(lv, obj);
			continue;
		default:
			break;
		}
		i++;
	}
}

void
nova_exited(struct localvim *lv, struct lv_obj *obj, int status)
{
	char msg[160];

	if (obj->expect_exit || obj->phase != NOVA_ACTIVE)
		return;
	if (WIFSIGNALED(status))
		snprintf(msg, sizeof(msg),
		         "Instance process was killed by signal %d",
		         WTERMSIG(status));
	else
		snprintf(msg, sizeof(msg),
		         "Instance process exited with status %d",
		         WEXITSTATUS(status));
	if (lv->cfg.server_death_shutoff) {
		nova_set_status(obj, NOVA_SHUTOFF, "SHUTOFF", "stopped", 4,
		                NULL);
	} else {
		nova_fault(obj, 500, msg);
		nova_set_status(obj, NOVA_ERROR, "ERROR", "error", 0, NULL);
	}
	nova_ports_status(lv, obj, "DOWN");
}

int
nova_kill_by_name(struct localvim *lv, const char *name)
{
	struct lv_table *t = &lv->t[LV_SERVER];
	size_t i;

	for (i = 0; i < t->n; i++) {
		const char *n = lv_json_str(t->v[i]->json, "name");

		if (n != NULL && strcmp(n, name) == 0 && t->v[i]->pid > 0) {
			/* An unexpected death, not one we asked for. */
			kill(t->v[i]->pid, SIGKILL);
			return 0;
		}
	}
	return -ENOENT;
}

static struct json_object *
nova_render(struct localvim *lv, struct http_req *req, struct lv_obj *obj)
{
	struct json_object *o = lv_json_copy(obj->json);
	int micro = nova_micro(req);

	if (micro < 47) {
		struct json_object *f = json_object_new_object();
		struct nova_server *s = nova_priv(obj);

		lv_json_set_str(f, "id", s->flavor_id);
		nova_links(lv, f, "flavors", s->flavor_id);
		json_object_object_del(f, "links");
		{
			struct json_object *links = json_object_new_array();
			char href[192];

			snprintf(href, sizeof(href), "%s/flavors/%s",
			         lv->url[SVC_NOVA], s->flavor_id);
			api_link(links, "bookmark", href);
			json_object_object_add(f, "links", links);
		}
		json_object_object_add(o, "flavor", f);
	}
	if (micro < 26)
		json_object_object_del(o, "tags");
	if (micro < 71)
		json_object_object_del(o, "server_groups");
	return o;
}

static struct json_object *
nova_render_brief(struct localvim *lv, struct http_req *req, struct lv_obj *obj)
{
	struct json_object *o = json_object_new_object();
	static const char *const keys[] = {"id",     "name", "links",
	                                   "status", "tags", NULL};

	/* status and tags are for filtering; real Nova omits them. */
	api_copy_keys(o, obj->json, keys);
	return o;
}

static int
nova_check_metadata(struct json_object *md)
{
	if (md == NULL)
		return 0;
	if (!json_object_is_type(md, json_type_object))
		return -EINVAL;
	json_object_object_foreach(md, k, v)
	{
		if (strlen(k) == 0 || strlen(k) > 255 ||
		    !json_object_is_type(v, json_type_string) ||
		    strlen(json_object_get_string(v)) > 255)
			return -EINVAL;
	}
	return 0;
}

/* Nova's user_data: base64 text (RFC 4648 alphabet, padded to a multiple
 * of 4) of at most 65535 bytes. */
static bool
nova_user_data_ok(struct json_object *v)
{
	const char *s;
	size_t n, i, pad = 0;

	if (v == NULL)
		return true;
	if (!json_object_is_type(v, json_type_string))
		return false;
	s = json_object_get_string(v);
	n = strlen(s);
	if (n > 65535 || n % 4 != 0)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '=') {
			pad++;
			continue;
		}
		if (pad > 0 ||
		    !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '+' || c == '/'))
			return false;
	}
	return pad <= 2;
}

/* Attaches ports for the "networks" of a create request. */
static int
nova_attach(struct localvim *lv, struct http_req *req, struct lv_obj *obj,
            struct json_object *networks)
{
	struct nova_server *s = nova_priv(obj);
	struct json_object *addresses = lv_json_get(obj->json, "addresses");
	size_t i, n;

	if (networks == NULL ||
	    (json_object_is_type(networks, json_type_string) &&
	     strcmp(json_object_get_string(networks), "auto") == 0)) {
		struct json_object *one = json_object_new_object();
		struct lv_obj *net = world_find(lv, LV_NETWORK, "name", "net0");
		int r;

		networks = json_object_new_array();
		if (net != NULL) {
			lv_json_set_str(one, "uuid", net->id);
			json_object_array_add(networks, one);
		} else {
			json_object_put(one);
		}
		r = nova_attach(lv, req, obj, networks);
		json_object_put(networks);
		return r;
	}
	if (json_object_is_type(networks, json_type_string))
		return 0; /* "none" */
	if (!json_object_is_type(networks, json_type_array)) {
		http_error(req, 400,
		           "Invalid input for field/attribute "
		           "networks.");
		return -EINVAL;
	}
	n = lv_json_len(networks);
	for (i = 0; i < n; i++) {
		struct json_object *nic = lv_json_idx(networks, i);
		const char *port_id = lv_json_str(nic, "port");
		const char *net_id = lv_json_str(nic, "uuid");
		const char *fixed = lv_json_str(nic, "fixed_ip");
		struct lv_obj *port = NULL, *net;
		struct json_object *addr, *list;
		const char *dev;

		if (port_id != NULL) {
			port = world_get(lv, LV_PORT, port_id);
			if (port == NULL) {
				http_error(req, 400,
				           "Port %s could not be found.",
				           port_id);
				return -ENOENT;
			}
			dev = lv_json_str(port->json, "device_id");
			if (dev != NULL && *dev != '\0') {
				http_error(req, 409, "Port %s is still in use.",
				           port_id);
				return -EBUSY;
			}
		} else {
			int r;

			net = world_get(lv, LV_NETWORK, net_id);
			if (net == NULL) {
				http_error(req, 400,
				           "Network %s could not be found.",
				           net_id ? net_id : "(none)");
				return -ENOENT;
			}
			r = neutron_port_create(lv, net, NULL, fixed, "",
			                        &port);
			if (r == -EEXIST) {
				http_error(req, 409,
				           "Fixed IP address %s is already in "
				           "use on instance.",
				           fixed);
				return r;
			} else if (r < 0) {
				http_error(req, 400,
				           "Cannot allocate an address on "
				           "network %s",
				           net_id);
				return r;
			}
			json_object_array_add(s->own_ports,
			                      json_object_new_string(port->id));
		}
		json_object_array_add(s->ports,
		                      json_object_new_string(port->id));
		lv_json_set_str(port->json, "device_id", obj->id);
		lv_json_set_str(port->json, "device_owner", "compute:nova");
		lv_json_set_str(port->json, "binding:host_id", "localvim");
		lv_json_set_str(port->json, "binding:vif_type", "ovs");
		net = world_get(lv, LV_NETWORK,
		                lv_json_str(port->json, "network_id"));
		addr = json_object_new_object();
		lv_json_set_int(addr, "version", 4);
		lv_json_set_str(addr, "addr", neutron_port_ip(port));
		lv_json_set_str(addr, "OS-EXT-IPS:type", "fixed");
		lv_json_set_str(addr, "OS-EXT-IPS-MAC:mac_addr",
		                lv_json_str(port->json, "mac_address"));
		list = lv_json_get(addresses, lv_json_str(net->json, "name"));
		if (list == NULL) {
			list = json_object_new_array();
			json_object_object_add(
			    addresses, lv_json_str(net->json, "name"), list);
		}
		json_object_array_add(list, addr);
	}
	return 0;
}

static void
nova_server_create(struct localvim *lv, struct http_req *req)
{
	struct json_object *body = NULL, *in, *o, *img_ref, *resp, *r, *sgs;
	struct lv_obj *obj = NULL, *image, *flavor, *group = NULL;
	struct nova_server *s;
	const char *name, *group_id;
	char buf[192];

	if (http_body_json(req, &body) < 0)
		return;
	in = lv_json_get(body, "server");
	name = lv_json_str(in, "name");
	if (in == NULL || name == NULL || *name == '\0') {
		http_error(req, 400, "Invalid input for field/attribute name.");
		goto out;
	}
	image = world_lookup(lv, LV_IMAGE, lv_json_str(in, "imageRef"));
	if (image == NULL) {
		http_error(req, 400, "Can not find requested image");
		goto out;
	}
	flavor = nova_flavor_find(lv, lv_json_str(in, "flavorRef"));
	if (flavor == NULL) {
		http_error(req, 400, "Flavor %s could not be found.",
		           lv_json_str(in, "flavorRef")
		               ? lv_json_str(in, "flavorRef")
		               : "(none)");
		goto out;
	}
	if (nova_check_metadata(lv_json_get(in, "metadata")) < 0) {
		http_error(req, 400,
		           "Invalid input for field/attribute "
		           "metadata.");
		goto out;
	}
	if (!nova_user_data_ok(lv_json_get(in, "user_data"))) {
		http_error(req, 400,
		           "Invalid input for field/attribute user_data. "
		           "Value: %s. %s is not a base64 string",
		           lv_json_str(in, "user_data"),
		           lv_json_str(in, "user_data"));
		goto out;
	}
	/* One zone here, "nova", as on a default DevStack. */
	if (lv_json_str(in, "availability_zone") != NULL &&
	    strcmp(lv_json_str(in, "availability_zone"), "nova") != 0) {
		http_error(req, 400,
		           "The requested availability zone is not available");
		goto out;
	}
	group_id =
	    lv_json_str(lv_json_get(body, "os:scheduler_hints"), "group");
	if (group_id != NULL &&
	    (group = world_get(lv, LV_SERVER_GROUP, group_id)) == NULL) {
		http_error(req, 400, "Invalid server group %s", group_id);
		goto out;
	}

	o = json_object_new_object();
	obj = world_add(lv, LV_SERVER, NULL, o);
	s = xcalloc(1, sizeof(*s));
	s->ports = json_object_new_array();
	s->own_ports = json_object_new_array();
	s->image_name = xstrdup(lv_json_str(image->json, "name"));
	snprintf(s->flavor_id, sizeof(s->flavor_id), "%s", flavor->id);
	obj->priv = s;
	obj->priv_free = nova_server_free;

	lv_json_set_str(o, "id", obj->id);
	lv_json_set_str(o, "name", name);
	lv_json_set_str(o, "status", "BUILD");
	lv_json_set_str(o, "tenant_id", lv->project_id);
	lv_json_set_str(o, "user_id", lv->user_id);
	json_object_object_add(o, "metadata",
	                       lv_json_get(in, "metadata")
	                           ? lv_json_copy(lv_json_get(in, "metadata"))
	                           : json_object_new_object());
	lv_json_set_str(
	    o, "hostId",
	    "723b10cd09f50469d7b3b9069e1948de71baef4b5d1e08886180cd22");
	img_ref = json_object_new_object();
	lv_json_set_str(img_ref, "id", image->id);
	{
		struct json_object *links = json_object_new_array();

		snprintf(buf, sizeof(buf), "%s/images/%s", lv->url[SVC_NOVA],
		         image->id);
		api_link(links, "bookmark", buf);
		json_object_object_add(img_ref, "links", links);
	}
	json_object_object_add(o, "image", img_ref);
	r = json_object_new_object();
	lv_json_set_int(r, "vcpus", lv_json_int(flavor->json, "vcpus", 1));
	lv_json_set_int(r, "ram", lv_json_int(flavor->json, "ram", 512));
	lv_json_set_int(r, "disk", lv_json_int(flavor->json, "disk", 1));
	lv_json_set_int(r, "ephemeral", 0);
	lv_json_set_int(r, "swap", 0);
	lv_json_set_str(r, "original_name", lv_json_str(flavor->json, "name"));
	json_object_object_add(r, "extra_specs", json_object_new_object());
	json_object_object_add(o, "flavor", r);
	lv_json_set_now(o, "created", false, true);
	lv_json_set_now(o, "updated", false, true);
	json_object_object_add(o, "addresses", json_object_new_object());
	lv_json_set_str(o, "accessIPv4", "");
	lv_json_set_str(o, "accessIPv6", "");
	nova_links(lv, o, "servers", obj->id);
	lv_json_set_str(o, "OS-DCF:diskConfig", "MANUAL");
	lv_json_set_int(o, "progress", 0);
	lv_json_set_str(o, "OS-EXT-AZ:availability_zone", "nova");
	/* Shown as the string "True" when asked for, "" when not. */
	lv_json_set_str(o, "config_drive",
	                lv_json_bool(in, "config_drive", false) ? "True" : "");
	if (lv_json_str(in, "key_name"))
		lv_json_set_str(o, "key_name", lv_json_str(in, "key_name"));
	else
		lv_json_set_null(o, "key_name");
	lv_json_set_null(o, "OS-SRV-USG:launched_at");
	lv_json_set_null(o, "OS-SRV-USG:terminated_at");
	sgs = lv_json_get(in, "security_groups");
	if (sgs != NULL && json_object_is_type(sgs, json_type_array)) {
		json_object_object_add(o, "security_groups", lv_json_copy(sgs));
	} else {
		struct json_object *one = json_object_new_object();

		sgs = json_object_new_array();
		lv_json_set_str(one, "name", "default");
		json_object_array_add(sgs, one);
		json_object_object_add(o, "security_groups", sgs);
	}
	lv_json_set_str(o, "OS-EXT-SRV-ATTR:host", "localvim");
	snprintf(buf, sizeof(buf), "instance-%08zx", lv->t[LV_SERVER].n);
	lv_json_set_str(o, "OS-EXT-SRV-ATTR:instance_name", buf);
	lv_json_set_str(o, "OS-EXT-SRV-ATTR:hypervisor_hostname", "localvim");
	lv_json_set_str(o, "OS-EXT-SRV-ATTR:hostname", name);
	lv_json_set_str(o, "OS-EXT-SRV-ATTR:user_data",
	                lv_json_str(in, "user_data"));
	lv_json_set_str(o, "OS-EXT-STS:task_state", "scheduling");
	lv_json_set_str(o, "OS-EXT-STS:vm_state", "building");
	lv_json_set_int(o, "OS-EXT-STS:power_state", 0);
	json_object_object_add(o, "os-extended-volumes:volumes_attached",
	                       json_object_new_array());
	lv_json_set_str(o, "host_status", "UP");
	lv_json_set_bool(o, "locked", false);
	lv_json_set_null(o, "locked_reason");
	lv_json_set_str(o, "description", lv_json_str(in, "description"));
	json_object_object_add(o, "tags",
	                       lv_json_get(in, "tags")
	                           ? lv_json_copy(lv_json_get(in, "tags"))
	                           : json_object_new_array());
	lv_json_set_null(o, "trusted_image_certificates");
	json_object_object_add(o, "server_groups", json_object_new_array());

	if (nova_attach(lv, req, obj, lv_json_get(in, "networks")) < 0) {
		nova_release_ports(lv, obj);
		world_remove(lv, obj);
		goto out;
	}
	if (group != NULL) {
		json_object_array_add(lv_json_get(group->json, "members"),
		                      json_object_new_string(obj->id));
		json_object_array_add(lv_json_get(o, "server_groups"),
		                      json_object_new_string(group->id));
	}
	obj->phase = NOVA_BUILDING;
	obj->due = lv_now() + lv->cfg.build_delay;
	fprintf(stderr, "localvim: nova: server %s: created (BUILD)\n", name);

	resp = json_object_new_object();
	r = json_object_new_object();
	lv_json_set_str(r, "id", obj->id);
	nova_links(lv, r, "servers", obj->id);
	lv_json_set_str(r, "OS-DCF:diskConfig", "MANUAL");
	json_object_object_add(r, "security_groups",
	                       lv_json_copy(lv_json_get(o, "security_groups")));
	{
		char pass[13];

		lv_hex(pass, 12);
		lv_json_set_str(r, "adminPass", pass);
	}
	json_object_object_add(resp, "server", r);
	snprintf(buf, sizeof(buf), "%s/v2.1/servers/%s", lv->url[SVC_NOVA],
	         obj->id);
	http_set_header(req, "Location", buf);
	http_reply_json(req, 202, resp);
out:
	json_object_put(body);
}

static void
nova_server_delete(struct localvim *lv, struct http_req *req,
                   struct lv_obj *obj)
{
	if (obj->phase != NOVA_DELETING) {
		world_kill(obj);
		obj->phase = NOVA_DELETING;
		lv_json_set_str(obj->json, "OS-EXT-STS:task_state", "deleting");
		obj->due = lv_now() + lv->cfg.delete_delay;
		if (obj->due <= 0)
			obj->due = 1e-9;
	}
	http_reply_empty(req, 204);
}

static void
nova_action(struct localvim *lv, struct http_req *req, struct lv_obj *obj)
{
	struct json_object *body = NULL;
	double due = lv_now() + lv->cfg.build_delay;
	enum nova_phase p = obj->phase;

	if (http_body_json(req, &body) < 0)
		return;
	if (p == NOVA_DELETING || obj->due != 0) {
		http_error(req, 409,
		           "Cannot perform an action while the instance is in "
		           "task_state %s",
		           lv_json_str(obj->json, "OS-EXT-STS:task_state")
		               ? lv_json_str(obj->json, "OS-EXT-STS:task_state")
		               : "busy");
		goto out;
	}
	if (lv_json_get(body, "reboot") != NULL) {
		const char *type =
		    lv_json_str(lv_json_get(body, "reboot"), "type");
		bool hard = type != NULL && strcasecmp(type, "HARD") == 0;

		if (p != NOVA_ACTIVE &&
		    !(hard && (p == NOVA_SHUTOFF || p == NOVA_ERROR))) {
			http_error(
			    req, 409,
			    "Cannot 'reboot' instance %s while it is "
			    "in vm_state %s",
			    obj->id,
			    lv_json_str(obj->json, "OS-EXT-STS:vm_state"));
			goto out;
		}
		world_kill(obj);
		nova_set_status(obj, NOVA_REBOOTING,
		                hard ? "HARD_REBOOT" : "REBOOT", "active", 1,
		                hard ? "reboot_started_hard"
		                     : "reboot_started");
	} else if (json_object_object_get_ex(body, "os-stop", NULL)) {
		if (p != NOVA_ACTIVE && p != NOVA_ERROR) {
			http_error(
			    req, 409,
			    "Cannot 'stop' instance %s while it is in "
			    "vm_state %s",
			    obj->id,
			    lv_json_str(obj->json, "OS-EXT-STS:vm_state"));
			goto out;
		}
		world_kill(obj);
		nova_set_status(obj, NOVA_STOPPING, "ACTIVE", "active", 1,
		                "powering-off");
	} else if (json_object_object_get_ex(body, "os-start", NULL)) {
		if (p != NOVA_SHUTOFF) {
			http_error(
			    req, 409,
			    "Cannot 'start' instance %s while it is in "
			    "vm_state %s",
			    obj->id,
			    lv_json_str(obj->json, "OS-EXT-STS:vm_state"));
			goto out;
		}
		nova_set_status(obj, NOVA_STARTING, "SHUTOFF", "stopped", 4,
		                "powering-on");
	} else if (lv_json_get(body, "rebuild") != NULL) {
		struct json_object *rb = lv_json_get(body, "rebuild");
		struct lv_obj *image =
		    world_lookup(lv, LV_IMAGE, lv_json_str(rb, "imageRef"));

		if (image == NULL) {
			http_error(req, 400, "Can not find requested image");
			goto out;
		}
		if (p != NOVA_ACTIVE && p != NOVA_SHUTOFF && p != NOVA_ERROR) {
			http_error(req, 409, "Cannot 'rebuild' instance %s",
			           obj->id);
			goto out;
		}
		free(nova_priv(obj)->image_name);
		nova_priv(obj)->image_name =
		    xstrdup(lv_json_str(image->json, "name"));
		lv_json_set_str(lv_json_get(obj->json, "image"), "id",
		                image->id);
		if (lv_json_str(rb, "name") != NULL)
			lv_json_set_str(obj->json, "name",
			                lv_json_str(rb, "name"));
		if (lv_json_get(rb, "metadata") != NULL)
			json_object_object_add(
			    obj->json, "metadata",
			    lv_json_copy(lv_json_get(rb, "metadata")));
		nova_priv(obj)->was_off = p == NOVA_SHUTOFF;
		world_kill(obj);
		nova_set_status(obj, NOVA_REBUILDING, "REBUILD", "active", 1,
		                "rebuilding");
	} else {
		http_error(req, 400, "There is no such action");
		goto out;
	}
	obj->due = due;
	http_reply_empty(req, 202);
out:
	json_object_put(body);
}

static void
nova_metadata(struct localvim *lv, struct http_req *req, struct lv_obj *obj)
{
	struct json_object *md = lv_json_get(obj->json, "metadata");
	struct json_object *body = NULL, *in, *o;

	if (req->nseg == 4) {
		if (strcmp(req->method, "GET") == 0) {
			o = json_object_new_object();
			json_object_object_add(o, "metadata", lv_json_copy(md));
			http_reply_json(req, 200, o);
			return;
		}
		if (http_body_json(req, &body) < 0)
			return;
		in = lv_json_get(body, "metadata");
		if (nova_check_metadata(in) < 0 || in == NULL) {
			http_error(req, 400, "Malformed request body");
			goto out;
		}
		if (strcmp(req->method, "PUT") == 0) {
			json_object_object_add(obj->json, "metadata",
			                       lv_json_copy(in));
		} else {
			json_object_object_foreach(in, k, v)
			{
				json_object_object_add(md, k, lv_json_copy(v));
			}
		}
		o = json_object_new_object();
		json_object_object_add(
		    o, "metadata",
		    lv_json_copy(lv_json_get(obj->json, "metadata")));
		http_reply_json(req, 200, o);
		goto out;
	}
	{
		const char *key = req->segs[4];
		struct json_object *v = lv_json_get(md, key);

		if (strcmp(req->method, "GET") == 0) {
			if (v == NULL) {
				http_error(req, 404,
				           "Metadata item was not "
				           "found");
				return;
			}
			o = json_object_new_object();
			in = json_object_new_object();
			json_object_object_add(in, key, lv_json_copy(v));
			json_object_object_add(o, "meta", in);
			http_reply_json(req, 200, o);
		} else if (strcmp(req->method, "DELETE") == 0) {
			if (v == NULL) {
				http_error(req, 404,
				           "Metadata item was not "
				           "found");
				return;
			}
			json_object_object_del(md, key);
			http_reply_empty(req, 204);
		} else if (strcmp(req->method, "PUT") == 0) {
			if (http_body_json(req, &body) < 0)
				return;
			in = lv_json_get(body, "meta");
			if (nova_check_metadata(in) < 0 || in == NULL ||
			    json_object_object_length(in) != 1 ||
			    lv_json_get(in, key) == NULL) {
				http_error(req, 400,
				           "Request body and URI mismatch");
				goto out;
			}
			json_object_object_add(
			    md, key, lv_json_copy(lv_json_get(in, key)));
			http_reply_json(req, 200, json_object_get(body));
		}
	}
out:
	json_object_put(body);
}

/* ------------------------------------------------------ server groups */

static struct json_object *
nova_group_render(struct localvim *lv, struct http_req *req, struct lv_obj *obj)
{
	struct json_object *o = lv_json_copy(obj->json);

	if (nova_micro(req) < 64) {
		const char *policy = lv_json_str(o, "policy");

		json_object_object_add(
		    o, "policies",
		    lv_json_strv((const char *const[]){policy, NULL}));
		json_object_object_del(o, "policy");
		json_object_object_del(o, "rules");
		json_object_object_add(o, "metadata", json_object_new_object());
	}
	return o;
}

static void
nova_groups(struct localvim *lv, struct http_req *req)
{
	struct json_object *body = NULL, *in, *o;
	struct lv_obj *obj;

	if (http_match(req, "GET", "/v2.1/os-server-groups")) {
		char base[128];
		struct api_list_spec spec = {
		    .kind = LV_SERVER_GROUP,
		    .collection = "server_groups",
		    .link_base = base,
		    .render = nova_group_render,
		};

		snprintf(base, sizeof(base), "%s/v2.1/os-server-groups",
		         lv->url[SVC_NOVA]);
		api_list(lv, req, &spec);
	} else if (http_match(req, "POST", "/v2.1/os-server-groups")) {
		const char *policy;

		if (http_body_json(req, &body) < 0)
			return;
		in = lv_json_get(body, "server_group");
		policy = lv_json_str(in, "policy");
		if (policy == NULL)
			policy = json_object_get_string(
			    lv_json_idx(lv_json_get(in, "policies"), 0));
		if (lv_json_str(in, "name") == NULL || policy == NULL ||
		    (strcmp(policy, "affinity") &&
		     strcmp(policy, "anti-affinity") &&
		     strcmp(policy, "soft-affinity") &&
		     strcmp(policy, "soft-anti-affinity"))) {
			http_error(req, 400, "Invalid input for server group");
			goto out;
		}
		o = json_object_new_object();
		obj = world_add(lv, LV_SERVER_GROUP, NULL, o);
		lv_json_set_str(o, "id", obj->id);
		lv_json_set_str(o, "name", lv_json_str(in, "name"));
		lv_json_set_str(o, "policy", policy);
		json_object_object_add(o, "rules", json_object_new_object());
		json_object_object_add(o, "members", json_object_new_array());
		lv_json_set_str(o, "project_id", lv->project_id);
		lv_json_set_str(o, "user_id", lv->user_id);
		o = json_object_new_object();
		json_object_object_add(o, "server_group",
		                       nova_group_render(lv, req, obj));
		http_reply_json(req, 200, o);
	} else if (http_match(req, NULL, "/v2.1/os-server-groups/*")) {
		obj = world_get(lv, LV_SERVER_GROUP, req->segs[2]);
		if (obj == NULL) {
			http_error(req, 404,
			           "Server group %s could not be "
			           "found.",
			           req->segs[2]);
		} else if (strcmp(req->method, "GET") == 0) {
			o = json_object_new_object();
			json_object_object_add(o, "server_group",
			                       nova_group_render(lv, req, obj));
			http_reply_json(req, 200, o);
		} else if (strcmp(req->method, "DELETE") == 0) {
			world_remove(lv, obj);
			http_reply_empty(req, 204);
		}
	}
out:
	json_object_put(body);
}

/* ------------------------------------------------------------ routing */

static struct json_object *
nova_version(struct localvim *lv)
{
	struct json_object *v = json_object_new_object(), *links, *mt, *arr;
	char href[96];

	lv_json_set_str(v, "id", "v2.1");
	lv_json_set_str(v, "status", "CURRENT");
	snprintf(href, sizeof(href), "2.%d", NOVA_MAX_MICRO);
	lv_json_set_str(v, "version", href);
	lv_json_set_str(v, "min_version", "2.1");
	lv_json_set_str(v, "updated", "2013-07-23T11:33:21Z");
	links = json_object_new_array();
	snprintf(href, sizeof(href), "%s/v2.1/", lv->url[SVC_NOVA]);
	api_link(links, "self", href);
	json_object_object_add(v, "links", links);
	mt = json_object_new_object();
	lv_json_set_str(mt, "base", "application/json");
	lv_json_set_str(mt, "type",
	                "application/vnd.openstack.compute+json;version=2.1");
	arr = json_object_new_array();
	json_object_array_add(arr, mt);
	json_object_object_add(v, "media-types", arr);
	return v;
}

static const char *const nova_list_skip[] = {
    "flavor", "image",       "ip",           "ip6",     "availability_zone",
    "host",   "project_id",  "tenant_id",    "user_id", "key_name",
    "locked", "description", "config_drive", "node",    "reservation_id",
    NULL,
};

static void
nova_servers(struct localvim *lv, struct http_req *req)
{
	struct lv_obj *obj;
	struct json_object *o;

	if (req->nseg == 2 || http_match(req, "GET", "/v2.1/servers/detail")) {
		if (strcmp(req->method, "POST") == 0) {
			nova_server_create(lv, req);
		} else if (strcmp(req->method, "GET") == 0) {
			bool detail = req->nseg == 3;
			char base[128];
			struct api_list_spec spec = {
			    .kind = LV_SERVER,
			    .collection = "servers",
			    .link_base = base,
			    .query_flags = QUERY_NAME_REGEX,
			    .skip = nova_list_skip,
			    .render = detail ? nova_render : nova_render_brief,
			};

			snprintf(base, sizeof(base), "%s/v2.1/servers%s",
			         lv->url[SVC_NOVA], detail ? "/detail" : "");
			api_list(lv, req, &spec);
			if (!detail && req->status == 200) {
				/* Drop the filter-only members again. */
				struct json_object *all =
				    json_tokener_parse(strbuf_str(&req->out));
				struct json_object *arr =
				    lv_json_get(all, "servers");
				size_t i;

				for (i = 0; arr && i < lv_json_len(arr); i++) {
					o = lv_json_idx(arr, i);
					json_object_object_del(o, "status");
					json_object_object_del(o, "tags");
				}
				http_reply_json(req, 200, all);
			}
		}
		return;
	}
	obj = world_get(lv, LV_SERVER, req->segs[2]);
	if (obj == NULL) {
		http_error(req, 404, "Instance %s could not be found.",
		           req->segs[2]);
		return;
	}
	if (req->nseg == 3) {
		if (strcmp(req->method, "GET") == 0) {
			o = json_object_new_object();
			json_object_object_add(o, "server",
			                       nova_render(lv, req, obj));
			http_reply_json(req, 200, o);
		} else if (strcmp(req->method, "DELETE") == 0) {
			nova_server_delete(lv, req, obj);
		} else if (strcmp(req->method, "PUT") == 0) {
			struct json_object *body = NULL, *in;
			static const char *const keys[] = {"name",
			                                   "description", NULL};

			if (http_body_json(req, &body) < 0)
				return;
			in = lv_json_get(body, "server");
			api_copy_keys(obj->json, in, keys);
			json_object_put(body);
			o = json_object_new_object();
			json_object_object_add(o, "server",
			                       nova_render(lv, req, obj));
			http_reply_json(req, 200, o);
		}
		return;
	}
	if (strcmp(req->segs[3], "action") == 0 && req->nseg == 4 &&
	    strcmp(req->method, "POST") == 0)
		nova_action(lv, req, obj);
	else if (strcmp(req->segs[3], "metadata") == 0 && req->nseg <= 5)
		nova_metadata(lv, req, obj);
	else if (strcmp(req->segs[3], "tags") == 0) {
		if (strcmp(req->method, "PUT") == 0 && req->nseg == 4) {
			/* Nova's replace-all is PUT; POST is not allowed. */
		}
		api_tags(req, obj, 3);
	} else if (http_match(req, "GET", "/v2.1/servers/*/os-interface")) {
		struct nova_server *s = nova_priv(obj);
		struct json_object *arr = json_object_new_array();
		size_t i, n = lv_json_len(s->ports);

		for (i = 0; i < n; i++) {
			struct lv_obj *p = world_get(
			    lv, LV_PORT,
			    json_object_get_string(lv_json_idx(s->ports, i)));
			struct json_object *a;

			if (p == NULL)
				continue;
			a = json_object_new_object();
			lv_json_set_str(a, "port_id", p->id);
			lv_json_set_str(a, "net_id",
			                lv_json_str(p->json, "network_id"));
			lv_json_set_str(a, "mac_addr",
			                lv_json_str(p->json, "mac_address"));
			lv_json_set_str(a, "port_state",
			                lv_json_str(p->json, "status"));
			json_object_object_add(
			    a, "fixed_ips",
			    lv_json_copy(lv_json_get(p->json, "fixed_ips")));
			json_object_array_add(arr, a);
		}
		o = json_object_new_object();
		json_object_object_add(o, "interfaceAttachments", arr);
		http_reply_json(req, 200, o);
	}
}

static void
nova_flavors(struct localvim *lv, struct http_req *req)
{
	struct lv_obj *obj;
	struct json_object *o;

	if (http_match(req, "GET", "/v2.1/flavors") ||
	    http_match(req, "GET", "/v2.1/flavors/detail")) {
		char base[128];
		static const char *const skip[] = {"is_public", "minRam",
		                                   "minDisk", NULL};
		struct api_list_spec spec = {
		    .kind = LV_FLAVOR,
		    .collection = "flavors",
		    .link_base = base,
		    .skip = skip,
		    .render = req->nseg == 3 ? NULL : nova_flavor_brief,
		};

		snprintf(base, sizeof(base), "%s/v2.1/flavors%s",
		         lv->url[SVC_NOVA], req->nseg == 3 ? "/detail" : "");
		api_list(lv, req, &spec);
		return;
	}
	obj = req->nseg >= 3 ? world_get(lv, LV_FLAVOR, req->segs[2]) : NULL;
	if (obj == NULL) {
		http_error(req, 404, "Flavor %s could not be found.",
		           req->nseg >= 3 ? req->segs[2] : "");
		return;
	}
	if (http_match(req, "GET", "/v2.1/flavors/*")) {
		o = json_object_new_object();
		json_object_object_add(o, "flavor", json_object_get(obj->json));
		http_reply_json(req, 200, o);
	} else if (http_match(req, "GET", "/v2.1/flavors/*/os-extra_specs")) {
		o = json_object_new_object();
		json_object_object_add(o, "extra_specs",
		                       json_object_new_object());
		http_reply_json(req, 200, o);
	}
}

void
nova_handle(struct localvim *lv, struct http_req *req)
{
	struct json_object *o;
	char ver[32];

	snprintf(ver, sizeof(ver), "compute 2.%d", nova_micro(req));
	http_set_header(req, "OpenStack-API-Version", ver);
	http_set_header(req, "X-OpenStack-Nova-API-Version", ver + 8);
	http_set_header(req, "Vary",
	                "OpenStack-API-Version, X-OpenStack-Nova-API-Version");
	if (req->nseg == 0) {
		struct json_object *arr = json_object_new_array();

		json_object_array_add(arr, nova_version(lv));
		o = json_object_new_object();
		json_object_object_add(o, "versions", arr);
		http_reply_json(req, 200, o);
		return;
	}
	if (strcmp(req->segs[0], "v2.1") != 0)
		return;
	if (req->nseg == 1) {
		o = json_object_new_object();
		json_object_object_add(o, "version", nova_version(lv));
		http_reply_json(req, 200, o);
	} else if (strcmp(req->segs[1], "servers") == 0) {
		nova_servers(lv, req);
	} else if (strcmp(req->segs[1], "flavors") == 0) {
		nova_flavors(lv, req);
	} else if (strcmp(req->segs[1], "os-server-groups") == 0) {
		nova_groups(lv, req);
	} else if (http_match(req, "GET", "/v2.1/os-keypairs")) {
		o = json_object_new_object();
		json_object_object_add(o, "keypairs", json_object_new_array());
		http_reply_json(req, 200, o);
	} else if (http_match(req, "GET", "/v2.1/limits")) {
		o = json_tokener_parse(
		    "{\"limits\":{\"rate\":[],\"absolute\":{"
		    "\"maxTotalCores\":1000,\"maxTotalInstances\":1000,"
		    "\"maxTotalRAMSize\":10240000,\"totalCoresUsed\":0,"
		    "\"totalInstancesUsed\":0,\"totalRAMUsed\":0,"
		    "\"maxServerMeta\":128,\"maxServerGroups\":100,"
		    "\"maxServerGroupMembers\":100,"
		    "\"totalServerGroupsUsed\":0}}}");
		http_reply_json(req, 200, o);
	}
}
