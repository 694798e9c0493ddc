/*
 * OpenStack driver; see os_driver.h. Requests follow the Nova (2.52+ for
 * tags on create), Neutron v2.0 and Octavia v2 API references: servers and
 * ports carry nfvsync's tags, Octavia objects carry them too, and every
 * change to a load balancer's tree waits for provisioning_status ACTIVE
 * (a 409 while it is PENDING_* means "try again", not failure).
 */
#include "os_driver.h"
#include "base64.h"
#include "os_session.h"
#include "strbuf.h"
#include "xalloc.h"

#include <errno.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Tries of one Octavia write that the balancer answers 409 (busy with a
 * change by somebody else: this process's workers take turns, see
 * os_lb_turns). */
#define OS_OCTAVIA_ATTEMPTS 30

#define OS_COMPUTE_MICROVERSION "2.52"

/*
 * Turns on load balancers, shared by a driver and the workers that adopted
 * it. Octavia takes one change per balancer at a time and answers 409 to
 * the others until the balancer is ACTIVE again; workers of one process
 * wait here for each other instead (woken when the change before theirs has
 * settled), and keep the 409 loop for changes made by anybody else.
 */
struct os_lb_turns {
	pthread_mutex_t lock;
	pthread_cond_t given; /* a turn was given back */
	char **busy;          /* balancers being changed */
	size_t n, cap;
};

struct os_driver {
	char *vim;
	struct os_session *s;
	struct os_view view;
	struct os_driver_opts opts;
	struct os_lb_turns *turns; /* own_turns, or the adopted driver's */
	struct os_lb_turns *own_turns;
};

static struct os_lb_turns *
os_lb_turns_new(void)
{
	struct os_lb_turns *t = xcalloc(1, sizeof(*t));

	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->given, NULL);
	return t;
}

static void
os_lb_turns_free(struct os_lb_turns *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->given);
	free(t->busy);
	free(t);
}

static bool
os_lb_busy(const struct os_lb_turns *t, const char *lb_id, size_t *at)
{
	for (size_t i = 0; i < t->n; i++) {
		if (strcmp(t->busy[i], lb_id) == 0) {
			if (at)
				*at = i;
			return true;
		}
	}
	return false;
}

/* Waits until no other worker of this driver is changing lb_id, then takes
 * the turn. Turns are not nested: one balancer at a time per worker. */
static void
os_lb_turn_take(struct os_driver *d, const char *lb_id)
{
	struct os_lb_turns *t = d->turns;

	if (!lb_id)
		return;
	pthread_mutex_lock(&t->lock);
	while (os_lb_busy(t, lb_id, NULL))
		pthread_cond_wait(&t->given, &t->lock);
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 4;
		t->busy = xrealloc(t->busy, t->cap * sizeof(*t->busy));
	}
	t->busy[t->n++] = xstrdup(lb_id);
	pthread_mutex_unlock(&t->lock);
}

static void
os_lb_turn_give(struct os_driver *d, const char *lb_id)
{
	struct os_lb_turns *t = d->turns;
	size_t i;

	if (!lb_id)
		return;
	pthread_mutex_lock(&t->lock);
	if (os_lb_busy(t, lb_id, &i)) {
		free(t->busy[i]);
		t->busy[i] = t->busy[--t->n];
	}
	pthread_cond_broadcast(&t->given);
	pthread_mutex_unlock(&t->lock);
}

int
os_driver_new(const char *vim_name, const struct os_config *cfg,
              const struct os_driver_opts *opts, struct os_driver **ret,
              struct diag *reterr)
{
	struct os_driver *d = xcalloc(1, sizeof(*d));
	int r;

	d->vim = xstrdup(vim_name);
	d->turns = d->own_turns = os_lb_turns_new();
	if (opts)
		d->opts = *opts;
	if (d->opts.wait_timeout_ms <= 0)
		d->opts.wait_timeout_ms = 300000;
	if (d->opts.poll_ms <= 0)
		d->opts.poll_ms = 250;
	if (d->opts.page_size == 0)
		d->opts.page_size = 1000;
	r = os_session_new(cfg, NULL, &d->s, reterr);
	if (r < 0) {
		os_driver_free(d);
		return r;
	}
	/* Tags on server create need compute 2.52. */
	os_session_set_api_version(d->s, "compute", OS_COMPUTE_MICROVERSION);
	os_view_init(&d->view, d->vim);
	*ret = d;
	return 0;
}

void
os_driver_free(struct os_driver *d)
{
	if (!d)
		return;
	os_view_done(&d->view);
	os_session_free(d->s);
	os_lb_turns_free(d->own_turns);
	free(d->vim);
	free(d);
}

void
os_driver_adopt(struct os_driver *dst, const struct os_driver *src)
{
	os_view_done(&dst->view);
	os_view_copy(&dst->view, &src->view);
	dst->view.vim = dst->vim;
	for (size_t i = 0; i < dst->view.n; i++)
		dst->view.res[i].obs.vim = dst->vim;
	os_session_adopt_token(dst->s, src->s);
	dst->turns = src->turns;
}

const struct os_view *
os_driver_view(const struct os_driver *d)
{
	return &d->view;
}

const char *
os_driver_project_id(const struct os_driver *d)
{
	return os_session_project_id(d->s);
}

struct http_client *
os_driver_http(const struct os_driver *d)
{
	return os_session_http(d->s);
}

unsigned long long
os_driver_requests(const struct os_driver *d)
{
	const struct http_stat *st;
	size_t n = http_client_stats(os_session_http(d->s), &st), i;
	unsigned long long sum = 0;

	for (i = 0; i < n; i++)
		sum += st[i].count;
	return sum;
}

static void
os_driver_sleep(struct os_driver *d, long ms)
{
	const struct http_clock *c = http_client_clock(os_session_http(d->s));
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	if (c && c->sleep_ms) {
		c->sleep_ms(ms, c->payload);
		return;
	}
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * One call: body (may be NULL) is sent as JSON; a 2xx answer's JSON is
 * returned in *ret when ret is not NULL. Returns 0 or the negative errno of
 * http_response_check (-ENOENT for 404, -EEXIST for 409, ...).
 */
static int
os_call(struct os_driver *d, const char *service, const char *method,
        const char *path, struct json_object *body, struct json_object **ret,
        struct diag *reterr)
{
	struct http_response resp;
	const char *text =
	    body ? json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN)
	         : NULL;
	int r;

	memset(&resp, 0, sizeof(resp));
	r = os_session_request(d->s, service, method, path, text, &resp,
	                       reterr);
	if (r == 0)
		r = http_response_check(&resp, reterr);
	if (r == 0 && ret) {
		*ret = NULL;
		if (resp.body_len > 0)
			r = http_response_json(&resp, ret, reterr);
	}
	http_response_done(&resp);
	return r;
}

/* ---- observe ---------------------------------------------------------- */

struct os_list {
	const char *service;
	const char *path;
	enum plan_kind kind; /* PLAN_KIND_INVALID: a name lookup */
	const char *collection;
};

static const struct os_list os_lists[] = {
    {"compute", "/servers/detail?tags=" OS_TAG_MANAGED, PLAN_SERVER, "servers"},
    {"network", "/v2.0/ports?tags=" OS_TAG_MANAGED, PLAN_PORT, "ports"},
    {"load-balancer", "/v2/lbaas/loadbalancers?tags=" OS_TAG_MANAGED,
     PLAN_LOADBALANCER, "loadbalancers"},
    {"load-balancer", "/v2/lbaas/listeners?tags=" OS_TAG_MANAGED, PLAN_LISTENER,
     "listeners"},
    {"load-balancer", "/v2/lbaas/pools?tags=" OS_TAG_MANAGED, PLAN_POOL,
     "pools"},
    {"load-balancer", "/v2/lbaas/healthmonitors?tags=" OS_TAG_MANAGED,
     PLAN_HEALTH_MONITOR, "healthmonitors"},
    {"load-balancer", "/v2/lbaas/l7policies?tags=" OS_TAG_MANAGED,
     PLAN_L7_POLICY, "l7policies"},
    {"network", "/v2.0/networks?fields=id&fields=name", PLAN_KIND_INVALID,
     "networks"},
    {"network", "/v2.0/subnets?fields=id&fields=network_id&fields=cidr",
     PLAN_KIND_INVALID, "subnets"},
    {"image", "/v2/images", PLAN_KIND_INVALID, "images"},
    {"network", "/v2.0/security-groups?fields=id&fields=name&fields=project_id",
     PLAN_KIND_INVALID, "security_groups"},
    /* detail: vcpus, ram and disk, to size VDUs given by nfv_compute */
    {"compute", "/flavors/detail", PLAN_KIND_INVALID, "flavors"},
};

#define OS_NLISTS (sizeof(os_lists) / sizeof(os_lists[0]))

static int
os_driver_decode(struct os_view *v, const struct os_list *l,
                 struct json_object *body, struct diag *reterr)
{
	switch (l->kind) {
	case PLAN_SERVER:
		return os_view_add_servers(v, body, reterr);
	case PLAN_PORT:
		return os_view_add_ports(v, body, reterr);
	case PLAN_KIND_INVALID:
		return os_view_add_named(v, l->collection, body, reterr);
	default:
		return os_view_add_octavia(v, l->kind, body, reterr);
	}
}

/*
 * The path of the next page a list answer points to: Nova, Neutron and
 * Octavia give "<collection>_links": [{"rel": "next", "href": URL}],
 * Glance a top-level "next" path. NULL on the last page. Caller frees.
 */
static char *
os_next_path(struct json_object *body, const char *collection)
{
	char key[64];
	struct json_object *links, *next;
	const char *href = NULL, *p;
	size_t i;

	snprintf(key, sizeof(key), "%s_links", collection);
	if (json_object_object_get_ex(body, key, &links) &&
	    json_object_is_type(links, json_type_array)) {
		for (i = 0; i < json_object_array_length(links); i++) {
			struct json_object *l =
			    json_object_array_get_idx(links, i);
			struct json_object *rel, *h;

			if (json_object_object_get_ex(l, "rel", &rel) &&
			    strcmp(json_object_get_string(rel), "next") == 0 &&
			    json_object_object_get_ex(l, "href", &h))
				href = json_object_get_string(h);
		}
	} else if (json_object_object_get_ex(body, "next", &next) &&
	           json_object_is_type(next, json_type_string)) {
		href = json_object_get_string(next);
	}
	if (!href)
		return NULL;
	/* Keep the path: the session joins it to the catalog endpoint. */
	p = strstr(href, "://");
	if (p) {
		p = strchr(p + 3, '/');
		if (!p)
			return NULL;
		href = p;
	}
	return xstrdup(href);
}

/* Follows next links after a first page, decoding each page. */
static int
os_driver_next_pages(struct os_driver *d, const struct os_list *l,
                     const char *pool_id, struct json_object *first,
                     struct diag *reterr)
{
	const char *coll = l ? l->collection : "members";
	const char *service = l ? l->service : "load-balancer";
	char *path = os_next_path(first, coll);
	unsigned pages = 0;
	int r = 0;

	while (path && r == 0) {
		struct json_object *body = NULL;

		if (++pages > 100000) {
			diag_error(reterr, NULL, "GET %s: too many pages",
			           path);
			r = -ELOOP;
			break;
		}
		r = os_call(d, service, "GET", path, NULL, &body, reterr);
		if (r == 0)
			r = l ? os_driver_decode(&d->view, l, body, reterr)
			      : os_view_add_members(&d->view, pool_id, body,
			                            reterr);
		free(path);
		path = r == 0 ? os_next_path(body, coll) : NULL;
		json_object_put(body);
	}
	free(path);
	return r;
}

int
os_driver_observe(struct os_driver *d, struct diag *reterr)
{
	struct os_request reqs[OS_NLISTS];
	struct http_response resps[OS_NLISTS];
	char *lpaths[OS_NLISTS];
	struct os_request *mreqs = NULL;
	struct http_response *mresps = NULL;
	char **paths = NULL;
	const char **pool_ids = NULL;
	size_t i, npools = 0;
	int r, ret = 0;

	os_view_done(&d->view);
	os_view_init(&d->view, d->vim);
	memset(resps, 0, sizeof(resps));
	for (i = 0; i < OS_NLISTS; i++) {
		memset(&reqs[i], 0, sizeof(reqs[i]));
		reqs[i].service_type = os_lists[i].service;
		reqs[i].method = "GET";
		lpaths[i] = xasprintf("%s%climit=%u", os_lists[i].path,
		                      strchr(os_lists[i].path, '?') ? '&' : '?',
		                      d->opts.page_size);
		reqs[i].path = lpaths[i];
	}
	/* One list per kind, all at once; a list longer than a page is
	 * followed by its next links (os_driver_next_pages). */
	r = os_session_request_many(d->s, reqs, OS_NLISTS, resps, reterr);
	for (i = 0; i < OS_NLISTS; i++) {
		struct json_object *body = NULL;

		if (r == 0 && http_response_check(&resps[i], reterr) == 0 &&
		    http_response_json(&resps[i], &body, reterr) == 0 &&
		    os_driver_decode(&d->view, &os_lists[i], body, reterr) ==
		        0 &&
		    os_driver_next_pages(d, &os_lists[i], NULL, body, reterr) ==
		        0) {
			json_object_put(body);
			continue;
		}
		json_object_put(body);
		ret = r < 0 ? r : -EPROTO;
	}
	for (i = 0; i < OS_NLISTS; i++) {
		http_response_done(&resps[i]);
		free(lpaths[i]);
	}
	if (ret < 0)
		return ret;
	/* Members: one list per pool of ours. */
	for (i = 0; i < d->view.n; i++) {
		const struct os_res *p = &d->view.res[i];

		if (p->obs.kind != PLAN_POOL || !p->obs.managed || !p->obs.id)
			continue;
		mreqs = xrealloc(mreqs, (npools + 1) * sizeof(*mreqs));
		paths = xrealloc(paths, (npools + 1) * sizeof(*paths));
		pool_ids = xrealloc(pool_ids, (npools + 1) * sizeof(*pool_ids));
		paths[npools] = xasprintf("/v2/lbaas/pools/%s/members?limit=%u",
		                          p->obs.id, d->opts.page_size);
		pool_ids[npools] = p->obs.id;
		memset(&mreqs[npools], 0, sizeof(*mreqs));
		mreqs[npools].service_type = "load-balancer";
		mreqs[npools].method = "GET";
		mreqs[npools].path = paths[npools];
		npools++;
	}
	if (npools) {
		mresps = xcalloc(npools, sizeof(*mresps));
		r = os_session_request_many(d->s, mreqs, npools, mresps,
		                            reterr);
		for (i = 0; i < npools; i++) {
			struct json_object *body = NULL;

			if (r == 0 &&
			    http_response_check(&mresps[i], reterr) == 0 &&
			    http_response_json(&mresps[i], &body, reterr) ==
			        0 &&
			    os_view_add_members(&d->view, pool_ids[i], body,
			                        reterr) == 0 &&
			    os_driver_next_pages(d, NULL, pool_ids[i], body,
			                         reterr) == 0) {
				json_object_put(body);
				continue;
			}
			json_object_put(body);
			ret = r < 0 ? r : -EPROTO;
		}
		for (i = 0; i < npools; i++) {
			http_response_done(&mresps[i]);
			free(paths[i]);
		}
	}
	free(mresps);
	free(mreqs);
	free(paths);
	free(pool_ids);
	return ret;
}

/* ---- apply helpers ---------------------------------------------------- */

static const char *
os_attr(const struct plan_action *a, const char *key)
{
	size_t i;

	for (i = 0; i < a->nattrs; i++) {
		if (strcmp(a->attrs[i].key, key) == 0)
			return a->attrs[i].display_only ? NULL
			                                : a->attrs[i].value;
	}
	return NULL;
}

static long
os_attr_int(const struct plan_action *a, const char *key, long dflt)
{
	const char *v = os_attr(a, key);

	return v ? strtol(v, NULL, 10) : dflt;
}

/* The collection (list key and URL segment) of each kind of resource. */
static const char *const os_collections[PLAN_KIND_MAX] = {
    [PLAN_SERVER] = "servers",
    [PLAN_PORT] = "ports",
    [PLAN_LOADBALANCER] = "loadbalancers",
    [PLAN_LISTENER] = "listeners",
    [PLAN_POOL] = "pools",
    [PLAN_MEMBER] = "members",
    [PLAN_HEALTH_MONITOR] = "healthmonitors",
    [PLAN_L7_POLICY] = "l7policies",
};

/* Records a resource this driver just made, for later actions. */
static struct os_res *
os_driver_remember(struct os_driver *d, const struct plan_action *a,
                   struct json_object *obj)
{
	struct json_object *tags, *list, *arr;
	const struct os_res *pool;

	/* The decoders read tags: make sure the object shows ours even when
	 * the create response omits them. */
	if (!json_object_object_get_ex(obj, "tags", &tags))
		json_object_object_add(obj, "tags",
		                       os_tags_json(a->service, a->spec_hash));
	/* The decoders take list answers: {"<collection>": [obj]}. */
	list = json_object_new_object();
	arr = json_object_new_array();
	json_object_array_add(arr, json_object_get(obj));
	json_object_object_add(list, os_collections[a->kind], arr);
	switch (a->kind) {
	case PLAN_SERVER:
		os_view_add_servers(&d->view, list, NULL);
		break;
	case PLAN_PORT:
		os_view_add_ports(&d->view, list, NULL);
		break;
	case PLAN_MEMBER:
		pool = os_view_find(&d->view, PLAN_POOL, os_attr(a, "pool"));
		os_view_add_members(&d->view, pool ? pool->obs.id : NULL, list,
		                    NULL);
		break;
	default:
		os_view_add_octavia(&d->view, a->kind, list, NULL);
		break;
	}
	json_object_put(list);
	return &d->view.res[d->view.n - 1];
}

/*
 * The ID of the load balancer an Octavia object hangs from: through the
 * names its action gives (creates), or up the parent chain of what was
 * observed (updates and deletes).
 */
static const char *
os_driver_lb_of(struct os_driver *d, const struct plan_action *a)
{
	const char *lb = os_attr(a, "loadbalancer");
	const char *pool = os_attr(a, "pool");
	const char *listener = os_attr(a, "listener");
	const struct os_res *r;
	int depth;

	if (a->kind == PLAN_LOADBALANCER)
		lb = a->name;
	if ((r = os_view_find(&d->view, PLAN_LOADBALANCER, lb)))
		return r->obs.id;
	if ((r = os_view_find(&d->view, PLAN_POOL, pool)))
		return r->parent_id;
	if ((r = os_view_find(&d->view, PLAN_LISTENER, listener)))
		return r->parent_id;
	r = os_view_find(&d->view, a->kind, a->name);
	for (depth = 0; r && depth < 4; depth++) {
		if (r->obs.kind == PLAN_LOADBALANCER)
			return r->obs.id;
		if (r->obs.kind == PLAN_LISTENER || r->obs.kind == PLAN_POOL)
			return r->parent_id;
		r = os_view_find_id(&d->view, r->parent_id);
	}
	return NULL;
}

/*
 * Polls GET path until the field says want (done), or one of the failure
 * words, or 404 when gone_ok (done for deletions).
 */
static int
os_driver_wait(struct os_driver *d, const char *service, const char *path,
               const char *object, const char *field, const char *want,
               bool gone_ok, struct diag *reterr)
{
	long waited = 0, step = d->opts.poll_ms;

	for (;;) {
		struct json_object *body = NULL, *o, *f;
		struct diag quiet;
		const char *status = NULL;
		int r;

		diag_init(&quiet);
		r = os_call(d, service, "GET", path, NULL, &body, &quiet);
		if (r == -ENOENT && gone_ok) {
			diag_done(&quiet);
			return 0;
		}
		if (r < 0) {
			diag_move(reterr, &quiet);
			return r;
		}
		diag_done(&quiet);
		if (json_object_object_get_ex(body, object, &o) &&
		    json_object_object_get_ex(o, field, &f))
			status = json_object_get_string(f);
		if (status && want && strcmp(status, want) == 0) {
			json_object_put(body);
			return 0;
		}
		/* ERROR ends a wait for a state, not a wait for deletion:
		 * a server in ERROR is still being deleted. */
		if (want && status && strcmp(status, "ERROR") == 0) {
			struct json_object *fault, *msg;
			const char *why = NULL;

			if (json_object_object_get_ex(o, "fault", &fault) &&
			    json_object_object_get_ex(fault, "message", &msg))
				why = json_object_get_string(msg);
			diag_error(reterr, NULL, "GET %s -> %s is ERROR%s%s",
			           path, object, why ? ": " : "",
			           why ? why : "");
			json_object_put(body);
			return -EIO;
		}
		json_object_put(body);
		if (waited >= d->opts.wait_timeout_ms) {
			diag_error(
			    reterr, NULL, "GET %s -> %s still %s after %ld s",
			    path, object, status ? status : "?", waited / 1000);
			return -ETIMEDOUT;
		}
		os_driver_sleep(d, step);
		waited += step;
		if (step < 2000)
			step *= 2;
	}
}

static int
os_driver_wait_lb(struct os_driver *d, const char *lb_id, struct diag *reterr)
{
	char *path;
	int r;

	if (!lb_id)
		return 0;
	path = xasprintf("/v2/lbaas/loadbalancers/%s", lb_id);
	r = os_driver_wait(d, "load-balancer", path, "loadbalancer",
	                   "provisioning_status", "ACTIVE", false, reterr);
	free(path);
	return r;
}

/*
 * An Octavia write, in this process's turn on the balancer: while the load
 * balancer is PENDING_* (a change by somebody else), Octavia answers 409
 * "immutable"; wait for ACTIVE and try again, then wait for ACTIVE after
 * the write. After OS_OCTAVIA_ATTEMPTS the last 409 is the error.
 */
static int
os_driver_octavia(struct os_driver *d, const char *lb_id, const char *method,
                  const char *path, struct json_object *body,
                  struct json_object **ret, struct diag *reterr)
{
	int attempt, r;

	os_lb_turn_take(d, lb_id);
	for (attempt = 1;; attempt++) {
		struct diag quiet;

		diag_init(&quiet);
		r = os_call(d, "load-balancer", method, path, body, ret,
		            &quiet);
		if (r != -EEXIST || !lb_id || attempt == OS_OCTAVIA_ATTEMPTS) {
			diag_move(reterr, &quiet);
			break;
		}
		diag_done(&quiet);
		r = os_driver_wait_lb(d, lb_id, reterr);
		if (r < 0)
			goto out;
	}
	if (r == 0)
		r = os_driver_wait_lb(d, lb_id, reterr);
out:
	os_lb_turn_give(d, lb_id);
	return r;
}

/* ---- per kind --------------------------------------------------------- */

/*
 * The security groups and address pairs of a port (those Neutron changes
 * in place) into port. Group names become IDs through the view. 0, or
 * -ENOENT with the group named.
 */
static int
os_port_filters(struct os_driver *d, const struct plan_action *a,
                struct json_object *port, struct diag *reterr)
{
	const struct nfv_cp *cp = a->model_cp;
	struct json_object *sgs, *pairs;
	size_t i;

	if (!cp)
		return 0;
	sgs = json_object_new_array();
	for (i = 0; i < cp->nsecurity_groups; i++) {
		bool ambiguous;
		const char *id = os_view_secgroup_id(
		    &d->view, cp->security_groups[i],
		    os_session_project_id(d->s), &ambiguous);

		if (!id) {
			diag_error(reterr, NULL,
			           ambiguous ? "%s: several security groups "
			                       "are called '%s' on VIM %s: "
			                       "give its ID"
			                     : "%s: security group '%s' does "
			                       "not exist on VIM %s",
			           a->name, cp->security_groups[i], d->vim);
			json_object_put(sgs);
			return -ENOENT;
		}
		json_object_array_add(sgs, json_object_new_string(id));
	}
	/* Without groups of its own a port gets the project's "default" on
	 * create (and none with port security off): an update that drops
	 * the last group puts that one back. */
	if (!cp->nsecurity_groups && a->op == PLAN_UPDATE &&
	    cp->anti_spoofing) {
		bool ambiguous;
		const char *id = os_view_secgroup_id(
		    &d->view, "default", os_session_project_id(d->s),
		    &ambiguous);

		if (id)
			json_object_array_add(sgs, json_object_new_string(id));
	}
	if (cp->nsecurity_groups || (a->op == PLAN_UPDATE && cp->anti_spoofing))
		json_object_object_add(port, "security_groups", sgs);
	else
		json_object_put(sgs);
	pairs = json_object_new_array();
	for (i = 0; i < cp->nallowed_address_pairs; i++) {
		struct json_object *pair = json_object_new_object();

		json_object_object_add(
		    pair, "ip_address",
		    json_object_new_string(
		        cp->allowed_address_pairs[i].ip_address));
		if (cp->allowed_address_pairs[i].mac_address)
			json_object_object_add(
			    pair, "mac_address",
			    json_object_new_string(
			        cp->allowed_address_pairs[i].mac_address));
		json_object_array_add(pairs, pair);
	}
	if (cp->nallowed_address_pairs ||
	    (a->op == PLAN_UPDATE && cp->anti_spoofing))
		json_object_object_add(port, "allowed_address_pairs", pairs);
	else
		json_object_put(pairs);
	return 0;
}

/* Replaces a port's tags with those of action a. */
static int
os_port_tag(struct os_driver *d, const struct plan_action *a, const char *id,
            struct diag *reterr)
{
	char *path = xasprintf("/v2.0/ports/%s/tags", id);
	struct json_object *tags = json_object_new_object();
	int r;

	json_object_object_add(
	    tags, "tags",
	    os_port_tags_json(a->service, a->spec_hash, a->fixed_hash));
	r = os_call(d, "network", "PUT", path, tags, NULL, reterr);
	json_object_put(tags);
	free(path);
	return r;
}

static int
os_port_create(struct os_driver *d, const struct plan_action *a,
               struct diag *reterr)
{
	const char *net_name = os_attr(a, "network");
	const char *net = os_view_id_of(&d->view, "networks", net_name);
	const char *ip = os_attr(a, "fixed_ip");
	const char *mac = os_attr(a, "mac_address");
	const char *sec = os_attr(a, "port_security");
	struct json_object *body, *port, *resp = NULL, *created;
	int r;

	if (!net) {
		diag_error(reterr, NULL,
		           "%s: network '%s' does not exist on VIM %s", a->name,
		           net_name ? net_name : "?", d->vim);
		return -ENOENT;
	}
	body = json_object_new_object();
	port = json_object_new_object();
	json_object_object_add(body, "port", port);
	json_object_object_add(port, "name", json_object_new_string(a->name));
	json_object_object_add(port, "network_id", json_object_new_string(net));
	if (ip) {
		struct json_object *ips = json_object_new_array();
		struct json_object *fip = json_object_new_object();
		const char *subnet = os_view_subnet_for(&d->view, net, ip);

		if (subnet)
			json_object_object_add(fip, "subnet_id",
			                       json_object_new_string(subnet));
		json_object_object_add(fip, "ip_address",
		                       json_object_new_string(ip));
		json_object_array_add(ips, fip);
		json_object_object_add(port, "fixed_ips", ips);
	}
	if (mac)
		json_object_object_add(port, "mac_address",
		                       json_object_new_string(mac));
	if (sec && strcmp(sec, "off") == 0)
		json_object_object_add(port, "port_security_enabled",
		                       json_object_new_boolean(0));
	r = os_port_filters(d, a, port, reterr);
	if (r < 0) {
		json_object_put(body);
		return r;
	}
	r = os_call(d, "network", "POST", "/v2.0/ports", body, &resp, reterr);
	json_object_put(body);
	if (r < 0)
		return r;
	if (!json_object_object_get_ex(resp, "port", &created)) {
		json_object_put(resp);
		diag_error(reterr, NULL, "POST /v2.0/ports: no port in answer");
		return -EPROTO;
	}
	/* Neutron takes tags through their own resource. */
	r = os_port_tag(
	    d, a, json_object_get_string(json_object_object_get(created, "id")),
	    reterr);
	if (r == 0) {
		json_object_object_add(
		    created, "tags",
		    os_port_tags_json(a->service, a->spec_hash, a->fixed_hash));
		os_driver_remember(d, a, created);
	}
	json_object_put(resp);
	return r;
}

/* A port whose security groups or address pairs changed: both are set as
 * the descriptor has them (PUT), then its tags. */
static int
os_port_update(struct os_driver *d, const struct plan_action *a,
               struct diag *reterr)
{
	struct json_object *body = json_object_new_object();
	struct json_object *port = json_object_new_object();
	char *path;
	int r;

	json_object_object_add(body, "port", port);
	r = os_port_filters(d, a, port, reterr);
	if (r < 0) {
		json_object_put(body);
		return r;
	}
	path = xasprintf("/v2.0/ports/%s", a->id);
	r = os_call(d, "network", "PUT", path, body, NULL, reterr);
	json_object_put(body);
	free(path);
	return r < 0 ? r : os_port_tag(d, a, a->id, reterr);
}

static int
os_server_delete(struct os_driver *d, const char *id, struct diag *reterr)
{
	char *path = xasprintf("/servers/%s", id);
	int r = os_call(d, "compute", "DELETE", path, NULL, NULL, reterr);

	if (r == 0 || r == -ENOENT)
		r = os_driver_wait(d, "compute", path, "server", "status", NULL,
		                   true, reterr);
	free(path);
	return r;
}

/*
 * The flavor of a server: the one the plan names, else (a VDU sized by
 * nfv_compute) the smallest of the VIM's that has what it needs. NULL
 * with the reason in reterr.
 */
static const char *
os_server_flavor(struct os_driver *d, const struct plan_action *a,
                 struct diag *reterr)
{
	const char *name = os_attr(a, "flavor");
	const struct plan_flavor *f = NULL;
	struct plan_flavor *all;
	struct plan_compute need;
	const char *id;
	size_t n;
	char *text;

	if (name || !a->model_vdu) {
		id = os_view_id_of(&d->view, "flavors", name);
		if (!id)
			diag_error(reterr, NULL,
			           "%s: flavor '%s' does not exist on VIM %s",
			           a->name, name ? name : "?", d->vim);
		return id;
	}
	plan_compute_of(a->model_vdu, &need);
	all = os_view_flavors(&d->view, &n);
	f = plan_flavor_pick(all, n, NULL, &need);
	id = f ? os_view_id_of(&d->view, "flavors", f->name) : NULL;
	free(all);
	if (!id) {
		text = plan_compute_text(&need);
		diag_error(reterr, NULL,
		           "%s: no flavor on VIM %s has at least %s (of %zu "
		           "flavors)",
		           a->name, d->vim, text, n);
		free(text);
	}
	return id;
}

/* The user data, base64 as Nova takes it: RAW, from the model (the plan
 * shows only its size and digest). NULL when there is none. */
static char *
os_server_user_data(const struct plan_action *a)
{
	const struct nfv_vdu *vdu = a->model_vdu;

	if (!os_attr(a, "user_data") || !vdu || !vdu->user_data)
		return NULL;
	return base64_encode(vdu->user_data, strlen(vdu->user_data));
}

static int
os_server_create(struct os_driver *d, const struct plan_action *a,
                 struct diag *reterr)
{
	const char *image =
	    os_view_id_of(&d->view, "images", os_attr(a, "image"));
	const char *flavor;
	struct json_object *body, *srv, *nets, *md, *resp = NULL, *created;
	size_t prefix = strlen(a->name), i;
	char idx[16];
	char *path, *user_data;
	int r;

	if (!image) {
		diag_error(reterr, NULL,
		           "%s: image '%s' does not exist on VIM %s", a->name,
		           os_attr(a, "image") ? os_attr(a, "image") : "?",
		           d->vim);
		return -ENOENT;
	}
	flavor = os_server_flavor(d, a, reterr);
	if (!flavor)
		return -ENOENT;
	body = json_object_new_object();
	srv = json_object_new_object();
	nets = json_object_new_array();
	md = json_object_new_object();
	json_object_object_add(srv, "name", json_object_new_string(a->name));
	json_object_object_add(srv, "imageRef", json_object_new_string(image));
	json_object_object_add(srv, "flavorRef",
	                       json_object_new_string(flavor));
	/* Its ports were made first, named "<server>-<CP>". */
	for (i = 0; i < d->view.n; i++) {
		const struct os_res *p = &d->view.res[i];

		if (p->obs.kind == PLAN_PORT && p->obs.managed &&
		    strncmp(p->obs.name, a->name, prefix) == 0 &&
		    p->obs.name[prefix] == '-') {
			struct json_object *n = json_object_new_object();

			json_object_object_add(
			    n, "port", json_object_new_string(p->obs.id));
			json_object_array_add(nets, n);
		}
	}
	if (json_object_array_length(nets) == 0) {
		json_object_put(nets);
		nets = json_object_new_string("none");
	}
	json_object_object_add(srv, "networks", nets);
	if (os_attr(a, "availability_zone"))
		json_object_object_add(
		    srv, "availability_zone",
		    json_object_new_string(os_attr(a, "availability_zone")));
	if (os_attr(a, "key_name"))
		json_object_object_add(
		    srv, "key_name",
		    json_object_new_string(os_attr(a, "key_name")));
	if (os_attr(a, "config_drive"))
		json_object_object_add(srv, "config_drive",
		                       json_object_new_boolean(1));
	user_data = os_server_user_data(a);
	if (user_data)
		json_object_object_add(srv, "user_data",
		                       json_object_new_string(user_data));
	free(user_data);
	/* The descriptor's metadata, then nfvsync's own keys (which win). */
	for (i = 0; os_attr(a, "metadata") && a->model_vdu &&
	            i < a->model_vdu->nmetadata;
	     i++)
		json_object_object_add(
		    md, a->model_vdu->metadata[i].key,
		    json_object_new_string(a->model_vdu->metadata[i].value));
	json_object_object_add(md, "nfvsync.ns",
	                       json_object_new_string(a->service));
	if (a->vnf)
		json_object_object_add(md, "nfvsync.vnf",
		                       json_object_new_string(a->vnf));
	if (a->vdu)
		json_object_object_add(md, "nfvsync.vdu",
		                       json_object_new_string(a->vdu));
	snprintf(idx, sizeof(idx), "%d", a->instance);
	json_object_object_add(md, "nfvsync.index",
	                       json_object_new_string(idx));
	json_object_object_add(srv, "metadata", md);
	json_object_object_add(srv, "tags",
	                       os_tags_json(a->service, a->spec_hash));
	json_object_object_add(body, "server", srv);
	r = os_call(d, "compute", "POST", "/servers", body, &resp, reterr);
	json_object_put(body);
	if (r < 0)
		return r;
	if (!json_object_object_get_ex(resp, "server", &created)) {
		json_object_put(resp);
		diag_error(reterr, NULL, "POST /servers: no server in answer");
		return -EPROTO;
	}
	path = xasprintf(
	    "/servers/%s",
	    json_object_get_string(json_object_object_get(created, "id")));
	json_object_put(resp);
	r = os_driver_wait(d, "compute", path, "server", "status", "ACTIVE",
	                   false, reterr);
	if (r == 0) {
		struct json_object *shown = NULL, *s;

		if (os_call(d, "compute", "GET", path, NULL, &shown, reterr) ==
		        0 &&
		    json_object_object_get_ex(shown, "server", &s))
			os_driver_remember(d, a, s);
		json_object_put(shown);
	}
	free(path);
	return r;
}

static int
os_server_apply(struct os_driver *d, const struct plan_action *a,
                struct diag *reterr)
{
	const struct os_res *cur = os_view_find(&d->view, PLAN_SERVER, a->name);
	int r;

	switch (a->op) {
	case PLAN_CREATE:
		return os_server_create(d, a, reterr);
	case PLAN_RESPAWN:
		if (cur && cur->obs.status &&
		    strcmp(cur->obs.status, "SHUTOFF") == 0) {
			char *path = xasprintf("/servers/%s/action", a->id);
			struct json_object *body = json_object_new_object();

			json_object_object_add(body, "os-start", NULL);
			r = os_call(d, "compute", "POST", path, body, NULL,
			            reterr);
			json_object_put(body);
			free(path);
			if (r == 0) {
				path = xasprintf("/servers/%s", a->id);
				r = os_driver_wait(d, "compute", path, "server",
				                   "status", "ACTIVE", false,
				                   reterr);
				free(path);
			}
			return r;
		}
		/* A server in ERROR is rebuilt from scratch. */
		r = os_server_delete(d, a->id, reterr);
		return r < 0 ? r : os_server_create(d, a, reterr);
	case PLAN_REPLACE:
		r = os_server_delete(d, a->id, reterr);
		return r < 0 ? r : os_server_create(d, a, reterr);
	case PLAN_DELETE:
		return os_server_delete(d, a->id, reterr);
	default:
		diag_error(reterr, NULL, "%s: cannot %s a server", a->name,
		           plan_op_name(a->op));
		return -EINVAL;
	}
}

static int
os_port_apply(struct os_driver *d, const struct plan_action *a,
              struct diag *reterr)
{
	char *path;
	int r = 0;

	if (a->op == PLAN_DELETE || a->op == PLAN_REPLACE) {
		path = xasprintf("/v2.0/ports/%s", a->id);
		r = os_call(d, "network", "DELETE", path, NULL, NULL, reterr);
		free(path);
		if (r == -ENOENT)
			r = 0;
		if (r < 0 || a->op == PLAN_DELETE)
			return r;
	}
	if (a->op == PLAN_UPDATE)
		return os_port_update(d, a, reterr);
	return os_port_create(d, a, reterr);
}

/* The JSON body of an Octavia object from the action's attributes. */
/*
 * A member's address: the plan's, or for a server of this VIM whose
 * address the plan could not know (no fixed IP), the address its VDU
 * instance's server (or, failing that, its first port) has in the view.
 */
static const char *
os_member_address(struct os_driver *d, const struct plan_action *a)
{
	const char *runs_on = os_attr(a, "runs_on");
	const struct os_res *r;
	char *server;
	size_t i, n;

	if (os_attr(a, "address"))
		return os_attr(a, "address");
	if (!runs_on || strcmp(runs_on, d->vim) != 0 || !a->vnf || !a->vdu ||
	    a->instance < 0)
		return NULL;
	server =
	    xasprintf("%s-%s-%s-%d", a->service, a->vnf, a->vdu, a->instance);
	r = os_view_find(&d->view, PLAN_SERVER, server);
	if (!r || !r->address) {
		n = strlen(server);
		r = NULL;
		for (i = 0; i < d->view.n; i++) {
			const struct os_res *p = &d->view.res[i];

			if (p->obs.kind == PLAN_PORT && p->address &&
			    strncmp(p->obs.name, server, n) == 0 &&
			    p->obs.name[n] == '-') {
				r = p;
				break;
			}
		}
	}
	free(server);
	return r ? r->address : NULL;
}

static struct json_object *
os_octavia_body(struct os_driver *d, const struct plan_action *a, bool create,
                struct diag *reterr)
{
	const char *member_address;
	struct json_object *o = json_object_new_object();
	const struct os_res *ref;
	const char *v;

	json_object_object_add(o, "name", json_object_new_string(a->name));
	json_object_object_add(o, "tags",
	                       os_tags_json(a->service, a->spec_hash));
	switch (a->kind) {
	case PLAN_LOADBALANCER: {
		const char *net =
		    os_view_id_of(&d->view, "networks", os_attr(a, "network"));
		const char *vip = os_attr(a, "vip");
		const char *subnet = os_view_subnet_for(&d->view, net, vip);

		if (!create)
			break;
		if (!subnet) {
			diag_error(reterr, NULL,
			           "%s: no subnet of network '%s' on VIM %s "
			           "holds the VIP",
			           a->name, os_attr(a, "network"), d->vim);
			json_object_put(o);
			return NULL;
		}
		json_object_object_add(o, "vip_subnet_id",
		                       json_object_new_string(subnet));
		if (vip)
			json_object_object_add(o, "vip_address",
			                       json_object_new_string(vip));
		break;
	}
	case PLAN_LISTENER:
		if (!create)
			break;
		ref = os_view_find(&d->view, PLAN_LOADBALANCER,
		                   os_attr(a, "loadbalancer"));
		if (!ref)
			goto missing;
		json_object_object_add(o, "loadbalancer_id",
		                       json_object_new_string(ref->obs.id));
		json_object_object_add(
		    o, "protocol",
		    json_object_new_string(os_attr(a, "protocol")));
		json_object_object_add(
		    o, "protocol_port",
		    json_object_new_int((int)os_attr_int(a, "port", 80)));
		break;
	case PLAN_POOL:
		json_object_object_add(
		    o, "lb_algorithm",
		    json_object_new_string(os_attr(a, "algorithm")));
		if (!create)
			break;
		json_object_object_add(
		    o, "protocol",
		    json_object_new_string(os_attr(a, "protocol")));
		if ((v = os_attr(a, "listener"))) {
			ref = os_view_find(&d->view, PLAN_LISTENER, v);
			if (!ref)
				goto missing;
			json_object_object_add(
			    o, "listener_id",
			    json_object_new_string(ref->obs.id));
		} else {
			ref = os_view_find(&d->view, PLAN_LOADBALANCER,
			                   os_attr(a, "loadbalancer"));
			if (!ref)
				goto missing;
			json_object_object_add(
			    o, "loadbalancer_id",
			    json_object_new_string(ref->obs.id));
		}
		break;
	case PLAN_MEMBER:
		member_address = os_member_address(d, a);
		if (!member_address) {
			diag_error(reterr, NULL,
			           "%s: the member's address is not known yet "
			           "(it runs on VIM %s)",
			           a->name, os_attr(a, "runs_on"));
			json_object_put(o);
			return NULL;
		}
		if (!create)
			break;
		json_object_object_add(o, "address",
		                       json_object_new_string(member_address));
		json_object_object_add(
		    o, "protocol_port",
		    json_object_new_int((int)os_attr_int(a, "port", 80)));
		break;
	case PLAN_HEALTH_MONITOR:
		if (create) {
			ref = os_view_find(&d->view, PLAN_POOL,
			                   os_attr(a, "pool"));
			if (!ref)
				goto missing;
			json_object_object_add(
			    o, "pool_id", json_object_new_string(ref->obs.id));
			json_object_object_add(
			    o, "type",
			    json_object_new_string(os_attr(a, "type")));
		}
		json_object_object_add(
		    o, "delay",
		    json_object_new_int((int)os_attr_int(a, "delay", 5)));
		json_object_object_add(
		    o, "timeout",
		    json_object_new_int((int)os_attr_int(a, "timeout", 3)));
		json_object_object_add(
		    o, "max_retries",
		    json_object_new_int((int)os_attr_int(a, "max_retries", 3)));
		if (os_attr(a, "type") &&
		    strncmp(os_attr(a, "type"), "HTTP", 4) == 0) {
			json_object_object_add(
			    o, "http_method",
			    json_object_new_string(os_attr(a, "http_method")));
			json_object_object_add(
			    o, "url_path",
			    json_object_new_string(os_attr(a, "url_path")));
			json_object_object_add(o, "expected_codes",
			                       json_object_new_string(os_attr(
			                           a, "expected_codes")));
		}
		break;
	case PLAN_L7_POLICY: {
		const struct os_res *pool =
		    os_view_find(&d->view, PLAN_POOL, os_attr(a, "pool"));

		if (!pool)
			goto missing;
		json_object_object_add(
		    o, "action", json_object_new_string("REDIRECT_TO_POOL"));
		json_object_object_add(o, "redirect_pool_id",
		                       json_object_new_string(pool->obs.id));
		json_object_object_add(
		    o, "position",
		    json_object_new_int((int)os_attr_int(a, "position", 1)));
		if (!create)
			break;
		ref = os_view_find(&d->view, PLAN_LISTENER,
		                   os_attr(a, "listener"));
		if (!ref)
			goto missing;
		json_object_object_add(o, "listener_id",
		                       json_object_new_string(ref->obs.id));
		/* The path rule is added once the policy exists (see
		 * os_l7_rule_create): Octavia 11 answers 500 to inline rules.
		 */
		break;
	}
	default:
		break;
	}
	return o;
missing:
	diag_error(reterr, NULL, "%s: what it hangs from is not on VIM %s yet",
	           a->name, d->vim);
	json_object_put(o);
	return NULL;
}

static const char *const os_octavia_objects[PLAN_KIND_MAX] = {
    [PLAN_LOADBALANCER] = "loadbalancer",
    [PLAN_LISTENER] = "listener",
    [PLAN_POOL] = "pool",
    [PLAN_MEMBER] = "member",
    [PLAN_HEALTH_MONITOR] = "healthmonitor",
    [PLAN_L7_POLICY] = "l7policy",
};

static char *
os_octavia_path(struct os_driver *d, const struct plan_action *a,
                const char *id)
{
	if (a->kind == PLAN_MEMBER) {
		const struct os_res *pool =
		    os_view_find(&d->view, PLAN_POOL, os_attr(a, "pool"));
		const struct os_res *m =
		    os_view_find(&d->view, PLAN_MEMBER, a->name);
		const char *pool_id =
		    pool ? pool->obs.id : (m ? m->parent_id : NULL);

		if (!pool_id)
			return NULL;
		return id ? xasprintf("/v2/lbaas/pools/%s/members/%s", pool_id,
		                      id)
		          : xasprintf("/v2/lbaas/pools/%s/members", pool_id);
	}
	return id ? xasprintf("/v2/lbaas/%s/%s", os_collections[a->kind], id)
	          : xasprintf("/v2/lbaas/%s", os_collections[a->kind]);
}

/* The path rule of an L7 policy: PATH STARTS_WITH path_prefix. */
static int
os_l7_rule_create(struct os_driver *d, const struct plan_action *a,
                  const char *policy_id, const char *lb_id, struct diag *reterr)
{
	struct json_object *body = json_object_new_object();
	struct json_object *rule = json_object_new_object();
	char *path = xasprintf("/v2/lbaas/l7policies/%s/rules", policy_id);
	int r;

	json_object_object_add(rule, "type", json_object_new_string("PATH"));
	json_object_object_add(rule, "compare_type",
	                       json_object_new_string("STARTS_WITH"));
	json_object_object_add(
	    rule, "value", json_object_new_string(os_attr(a, "path_prefix")));
	json_object_object_add(rule, "tags",
	                       os_tags_json(a->service, a->spec_hash));
	json_object_object_add(body, "rule", rule);
	r = os_driver_octavia(d, lb_id, "POST", path, body, NULL, reterr);
	json_object_put(body);
	free(path);
	return r;
}

static int
os_octavia_create(struct os_driver *d, const struct plan_action *a,
                  struct diag *reterr)
{
	const char *object = os_octavia_objects[a->kind];
	struct json_object *inner = os_octavia_body(d, a, true, reterr);
	struct json_object *body, *resp = NULL, *created;
	const char *lb_id;
	char *path;
	int r;

	if (!inner)
		return a->kind == PLAN_MEMBER ? -EAGAIN : -ENOENT;
	path = os_octavia_path(d, a, NULL);
	if (!path) {
		json_object_put(inner);
		diag_error(reterr, NULL, "%s: its pool is not on VIM %s yet",
		           a->name, d->vim);
		return -ENOENT;
	}
	body = json_object_new_object();
	json_object_object_add(body, object, inner);
	lb_id = a->kind == PLAN_LOADBALANCER ? NULL : os_driver_lb_of(d, a);
	r = os_driver_octavia(d, lb_id, "POST", path, body, &resp, reterr);
	json_object_put(body);
	free(path);
	if (r == 0 && json_object_object_get_ex(resp, object, &created)) {
		struct os_res *res = os_driver_remember(d, a, created);

		if (a->kind == PLAN_LOADBALANCER)
			r = os_driver_wait_lb(d, res->obs.id, reterr);
		else if (!res->parent_id)
			res->parent_id = lb_id;
		if (r == 0 && a->kind == PLAN_L7_POLICY)
			r = os_l7_rule_create(d, a, res->obs.id, lb_id, reterr);
	}
	json_object_put(resp);
	return r;
}

static int
os_octavia_apply(struct os_driver *d, const struct plan_action *a,
                 struct diag *reterr)
{
	const char *lb_id = os_driver_lb_of(d, a);
	struct json_object *body, *inner;
	char *path;
	int r;

	switch (a->op) {
	case PLAN_CREATE:
		return os_octavia_create(d, a, reterr);
	case PLAN_FAILOVER:
		path = xasprintf("/v2/lbaas/loadbalancers/%s/failover", a->id);
		r = os_driver_octavia(d, a->id, "PUT", path, NULL, NULL,
		                      reterr);
		free(path);
		return r;
	case PLAN_UPDATE:
		inner = os_octavia_body(d, a, false, reterr);
		if (!inner)
			return -ENOENT;
		path = os_octavia_path(d, a, a->id);
		body = json_object_new_object();
		json_object_object_add(body, os_octavia_objects[a->kind],
		                       inner);
		r = path ? os_driver_octavia(d, lb_id, "PUT", path, body, NULL,
		                             reterr)
		         : -ENOENT;
		json_object_put(body);
		free(path);
		return r;
	case PLAN_DELETE:
	case PLAN_REPLACE:
		if (a->kind == PLAN_LOADBALANCER) {
			path = xasprintf(
			    "/v2/lbaas/loadbalancers/%s?cascade=true", a->id);
			r = os_call(d, "load-balancer", "DELETE", path, NULL,
			            NULL, reterr);
			free(path);
			path = xasprintf("/v2/lbaas/loadbalancers/%s", a->id);
			if (r == 0 || r == -ENOENT)
				r = os_driver_wait(
				    d, "load-balancer", path, "loadbalancer",
				    "provisioning_status", NULL, true, reterr);
			free(path);
		} else {
			path = os_octavia_path(d, a, a->id);
			r = path ? os_driver_octavia(d, lb_id, "DELETE", path,
			                             NULL, NULL, reterr)
			         : 0;
			free(path);
			if (r == -ENOENT)
				r = 0;
		}
		if (r < 0 || a->op == PLAN_DELETE)
			return r;
		return os_octavia_create(d, a, reterr);
	default:
		diag_error(reterr, NULL, "%s: cannot %s a %s", a->name,
		           plan_op_name(a->op), plan_kind_name(a->kind));
		return -EINVAL;
	}
}

int
os_driver_apply(struct os_driver *d, const struct plan_action *a,
                struct diag *reterr)
{
	switch (a->kind) {
	case PLAN_PORT:
		return os_port_apply(d, a, reterr);
	case PLAN_SERVER:
		return os_server_apply(d, a, reterr);
	case PLAN_LOADBALANCER:
	case PLAN_LISTENER:
	case PLAN_POOL:
	case PLAN_MEMBER:
	case PLAN_HEALTH_MONITOR:
	case PLAN_L7_POLICY:
		return os_octavia_apply(d, a, reterr);
	default:
		diag_error(reterr, NULL,
		           "%s: an OpenStack VIM does not run %ss", a->name,
		           plan_kind_name(a->kind));
		return -EINVAL;
	}
}

/* ---- pool members, batched -------------------------------------------- */

/* The ID of the pool a member action is about (borrowed from the view):
 * the pool its attributes name, or the pool of the member observed. */
static const char *
os_member_pool_id(const struct os_driver *d, const struct plan_action *a)
{
	const struct os_res *r =
	    os_view_find(&d->view, PLAN_POOL, os_attr(a, "pool"));

	if (r)
		return r->obs.id;
	r = os_view_find(&d->view, PLAN_MEMBER, a->name);
	return r ? r->parent_id : NULL;
}

const char *
os_driver_member_pool(const struct os_driver *d, const struct plan_action *a)
{
	const struct os_res *m, *pool;

	if (a->kind != PLAN_MEMBER)
		return NULL;
	if (os_attr(a, "pool"))
		return os_attr(a, "pool");
	m = os_view_find(&d->view, PLAN_MEMBER, a->name);
	pool = m ? os_view_find_id(&d->view, m->parent_id) : NULL;
	return pool ? pool->obs.name : NULL;
}

/* Each entry of src again in dst (one batch's error for every action). */
static void
os_diag_copy(struct diag *dst, const struct diag *src)
{
	size_t i;

	for (i = 0; i < src->n; i++) {
		if (src->entries[i].severity == DIAG_ERROR)
			diag_error(dst, NULL, "%s", src->entries[i].message);
		else
			diag_warn(dst, NULL, "%s", src->entries[i].message);
	}
}

/* Reads one pool's members again (every page): the view's are replaced. */
static int
os_driver_read_members(struct os_driver *d, const char *pool_id,
                       struct diag *reterr)
{
	char *path = xasprintf("/v2/lbaas/pools/%s/members?limit=%u", pool_id,
	                       d->opts.page_size);
	struct json_object *body = NULL;
	int r;

	r = os_call(d, "load-balancer", "GET", path, NULL, &body, reterr);
	if (r == 0) {
		os_view_drop_members(&d->view, pool_id, NULL);
		r = os_view_add_members(&d->view, pool_id, body, reterr);
	}
	if (r == 0)
		r = os_driver_next_pages(d, NULL, pool_id, body, reterr);
	json_object_put(body);
	free(path);
	return r;
}

/* What becomes of one action of a batch. */
enum os_item_state {
	OS_ITEM_LISTED, /* in the PUT: created or updated */
	OS_ITEM_FAILED, /* r and diag say why */
	OS_ITEM_ONE,    /* applied on its own, after the batch */
};

struct os_item {
	const struct plan_action *a;
	int *r;
	struct diag *diag;
	const char *address;
	int port;
	enum os_item_state state;
};

/* The member of pool_id an update or delete is about: by the id the plan
 * observed and its name (a member a create took over has another name
 * now), else by nfvsync's name (borrowed; NULL when gone). */
static const struct os_res *
os_item_member(const struct os_driver *d, const char *pool_id,
               const struct plan_action *a)
{
	const struct os_view *v = &d->view;
	size_t i;

	for (i = 0; i < v->n; i++) {
		const struct os_res *m = &v->res[i];

		if (m->obs.kind != PLAN_MEMBER || !m->parent_id ||
		    strcmp(m->parent_id, pool_id) != 0)
			continue;
		if (a->id && (!m->obs.id || strcmp(m->obs.id, a->id) != 0))
			continue;
		if (strcmp(m->obs.name, a->name) == 0 &&
		    (a->id || m->obs.managed))
			return m;
	}
	return NULL;
}

/*
 * The body of an additive batch (creates and updates) from the pool's
 * members as just read. A create lists the new member as a POST would
 * send it; an update lists the member observed (its address and port, so
 * Octavia matches it) with nfvsync's name and tags, everything else echoed.
 * A create whose address and port somebody else's member (or another
 * service's) already has fails, as the POST would have (-EEXIST): the
 * batch would otherwise rename and retag that member. A member of the same
 * service there (a pod replaced by one with the same address, whose old
 * member this plan deletes) is taken over: Octavia updates it to the new
 * name and tags, and the deletion of the old name then finds nothing.
 */
static struct json_object *
os_members_add_body(struct os_driver *d, const char *pool_id,
                    struct os_item *items, size_t n)
{
	struct json_object *list = json_object_new_array();
	size_t i, k;

	for (i = 0; i < n; i++) {
		struct os_item *it = &items[i];
		const struct plan_action *a = it->a;
		const struct os_res *m;
		struct json_object *o;

		if (it->state != OS_ITEM_LISTED)
			continue;
		if (a->op == PLAN_UPDATE) {
			m = os_item_member(d, pool_id, a);
			if (!m || !m->echo) {
				/* Gone, or not echoable: as before, on
				 * its own (PUT .../members/{id}). */
				it->state = OS_ITEM_ONE;
				continue;
			}
			it->address = m->address;
			it->port = m->port;
			o = json_tokener_parse(m->echo);
			if (!o || !it->address) {
				json_object_put(o);
				it->state = OS_ITEM_ONE;
				continue;
			}
			json_object_object_add(o, "name",
			                       json_object_new_string(a->name));
		} else {
			for (k = 0; k < d->view.n; k++) {
				m = &d->view.res[k];
				if (m->obs.kind == PLAN_MEMBER &&
				    m->parent_id &&
				    strcmp(m->parent_id, pool_id) == 0 &&
				    m->address &&
				    strcmp(m->address, it->address) == 0 &&
				    m->port == it->port &&
				    (!m->obs.managed || !m->obs.service ||
				     strcmp(m->obs.service, a->service) != 0))
					break;
			}
			if (k < d->view.n) {
				it->state = OS_ITEM_FAILED;
				*it->r = -EEXIST;
				diag_error(it->diag, NULL,
				           "%s: pool member %s:%d exists "
				           "already (as '%s'); not taken over",
				           a->name, it->address, it->port,
				           d->view.res[k].obs.name);
				continue;
			}
			o = json_object_new_object();
			json_object_object_add(o, "name",
			                       json_object_new_string(a->name));
			json_object_object_add(
			    o, "address", json_object_new_string(it->address));
			json_object_object_add(o, "protocol_port",
			                       json_object_new_int(it->port));
		}
		for (k = 0; k < i; k++) {
			if (items[k].state == OS_ITEM_LISTED &&
			    strcmp(items[k].address, it->address) == 0 &&
			    items[k].port == it->port)
				break;
		}
		if (k < i) {
			json_object_put(o);
			it->state = OS_ITEM_FAILED;
			*it->r = -EEXIST;
			diag_error(it->diag, NULL,
			           "%s: pool member %s:%d is %s's too", a->name,
			           it->address, it->port, items[k].a->name);
			continue;
		}
		json_object_object_add(o, "tags",
		                       os_tags_json(a->service, a->spec_hash));
		json_object_array_add(list, o);
	}
	return list;
}

/*
 * One pool's batch of creates and updates: reads the pool's members,
 * sends one PUT .../members?additive_only=true, waits for the balancer to
 * be ACTIVE once, and reads the members again so that later actions find
 * the new ones. A 409 while the balancer is PENDING_* is waited out and
 * the batch built again from a fresh read (somebody may have changed the
 * pool meanwhile).
 */
static void
os_members_batch(struct os_driver *d, const char *pool_id,
                 struct os_item *items, size_t n)
{
	const struct os_res *pool = os_view_find_id(&d->view, pool_id);
	const char *lb_id = pool ? pool->parent_id : NULL;
	char *path =
	    xasprintf("/v2/lbaas/pools/%s/members?additive_only=true", pool_id);
	struct diag err;
	size_t i, listed = 0;
	int attempt, r = 0;

	diag_init(&err);
	os_lb_turn_take(d, lb_id);
	for (attempt = 1;; attempt++) {
		struct json_object *list, *body;

		diag_done(&err);
		diag_init(&err);
		for (i = 0; i < n; i++) {
			if (items[i].state != OS_ITEM_FAILED &&
			    items[i].state != OS_ITEM_ONE)
				items[i].state = OS_ITEM_LISTED;
		}
		r = os_driver_read_members(d, pool_id, &err);
		if (r < 0)
			break;
		list = os_members_add_body(d, pool_id, items, n);
		for (i = 0, listed = 0; i < n; i++)
			listed += items[i].state == OS_ITEM_LISTED;
		if (!listed) {
			json_object_put(list);
			break;
		}
		body = json_object_new_object();
		json_object_object_add(body, "members", list);
		r = os_call(d, "load-balancer", "PUT", path, body, NULL, &err);
		json_object_put(body);
		if (r != -EEXIST || !lb_id || attempt == OS_OCTAVIA_ATTEMPTS)
			break;
		/* PENDING_*: wait for ACTIVE, then read and send again. */
		diag_done(&err);
		diag_init(&err);
		r = os_driver_wait_lb(d, lb_id, &err);
		if (r < 0)
			break;
	}
	if (r == 0 && listed)
		r = os_driver_wait_lb(d, lb_id, &err);
	if (r == 0 && listed)
		r = os_driver_read_members(d, pool_id, &err);
	os_lb_turn_give(d, lb_id);
	for (i = 0; i < n; i++) {
		struct os_item *it = &items[i];

		if (it->state != OS_ITEM_LISTED)
			continue;
		if (r < 0) {
			*it->r = r;
			os_diag_copy(it->diag, &err);
		} else if (!os_view_find(&d->view, PLAN_MEMBER, it->a->name)) {
			*it->r = -EPROTO;
			diag_error(it->diag, NULL,
			           "PUT %s -> 202, but %s is not in the pool "
			           "afterwards",
			           path, it->a->name);
		} else {
			*it->r = 0;
		}
	}
	/* Not batchable (see above): one request each, as before. */
	for (i = 0; i < n; i++) {
		if (items[i].state == OS_ITEM_ONE)
			*items[i].r =
			    os_octavia_apply(d, items[i].a, items[i].diag);
	}
	diag_done(&err);
	free(path);
}

int
os_driver_apply_members(struct os_driver *d,
                        const struct plan_action *const *actions, size_t n,
                        int *results, struct diag *diags)
{
	struct os_item *items = xcalloc(n + 1, sizeof(*items));
	bool *grouped = xcalloc(n + 1, sizeof(*grouped));
	const char **pools = xcalloc(n + 1, sizeof(*pools));
	size_t i, j, ni;
	int ret = 0;

	for (i = 0; i < n; i++) {
		const struct plan_action *a = actions[i];

		results[i] = 0;
		/*
		 * Only member creates and updates are batched. Deletions go
		 * one DELETE each: a batch PUT would have to list every member
		 * that stays, somebody else's too, and Octavia would delete a
		 * member added between the read and the PUT and reset fields
		 * the list does not carry.
		 */
		if (a->kind != PLAN_MEMBER ||
		    (a->op != PLAN_CREATE && a->op != PLAN_UPDATE)) {
			results[i] = os_driver_apply(d, a, &diags[i]);
			grouped[i] = true;
			continue;
		}
		pools[i] = os_member_pool_id(d, a);
		/* As os_octavia_body: an address first, then a pool. */
		items[i].address = os_member_address(d, a);
		if (!items[i].address) {
			diag_error(&diags[i], NULL,
			           "%s: the member's address is not known yet "
			           "(it runs on VIM %s)",
			           a->name, os_attr(a, "runs_on"));
			results[i] = -EAGAIN;
			grouped[i] = true;
		} else if (!pools[i]) {
			diag_error(&diags[i], NULL,
			           "%s: its pool is not on VIM %s yet", a->name,
			           d->vim);
			results[i] = -ENOENT;
			grouped[i] = true;
		}
		items[i].port = (int)os_attr_int(a, "port", 80);
	}
	/* One batch per pool. */
	for (i = 0; i < n; i++) {
		struct os_item *batch;
		const char *pool_id = pools[i];

		if (grouped[i])
			continue;
		batch = xcalloc(n - i, sizeof(*batch));
		for (j = i, ni = 0; j < n; j++) {
			if (grouped[j] || strcmp(pools[j], pool_id) != 0)
				continue;
			grouped[j] = true;
			batch[ni] = items[j];
			batch[ni].a = actions[j];
			batch[ni].r = &results[j];
			batch[ni].diag = &diags[j];
			batch[ni].state = OS_ITEM_LISTED;
			ni++;
		}
		os_members_batch(d, pool_id, batch, ni);
		free(batch);
	}
	for (i = 0; i < n && ret == 0; i++)
		ret = results[i] < 0 ? results[i] : 0;
	free(items);
	free(grouped);
	free(pools);
	return ret;
}
