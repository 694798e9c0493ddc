/*
 * localvim's state: the running instance (struct localvim: configuration,
 * service ports and URLs, admin knobs) and the world store, an ordered
 * table per resource kind of objects that hold their API representation
 * as json-c plus the small state machine (phase, due time, data-plane
 * process) that the periodic tick advances. Single-threaded: only the
 * event loop touches it.
 */
#ifndef LV_WORLD_H
#define LV_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <json-c/json.h>

struct MHD_Daemon;
struct http_req;

enum lv_service {
	SVC_KEYSTONE,
	SVC_NOVA,
	SVC_NEUTRON,
	SVC_GLANCE,
	SVC_OCTAVIA,
	SVC_K8S,
	SVC_ADMIN,
	SVC_MAX,
	SVC_INVALID = -22,
};

enum lv_kind {
	LV_TOKEN,
	LV_FLAVOR,
	LV_IMAGE,
	LV_SERVER,
	LV_SERVER_GROUP,
	LV_NETWORK,
	LV_SUBNET,
	LV_PORT,
	LV_SECGROUP,
	LV_SECGROUP_RULE,
	LV_LB,
	LV_LISTENER,
	LV_POOL,
	LV_MEMBER,
	LV_HM,
	LV_L7POLICY,
	LV_L7RULE,
	LV_K8S,
	LV_KIND_MAX,
	LV_KIND_INVALID = -22,
};

struct lv_obj {
	enum lv_kind kind;
	char id[64];
	struct json_object *json; /* API representation, owned */
	char *parent;             /* owning object's id (pool of a member) */
	int phase;                /* kind-specific state */
	double due;               /* monotonic time of the next step, 0 none */
	pid_t pid;                /* data-plane process, 0 none */
	bool expect_exit;         /* we ended pid on purpose */
	double expires;           /* tokens: monotonic expiry */
	void *priv;               /* kind-specific extra state, owned */
	void (*priv_free)(void *priv);
};

struct lv_table {
	struct lv_obj **v;
	size_t n;
	size_t cap;
};

/* Per-service fault injection (admin API). */
struct lv_fault {
	double error_rate; /* share of requests answered error_status */
	unsigned error_status;
	double latency;    /* seconds added to every request */
	double rate_limit; /* share of requests answered 429 */
	unsigned retry_after;
	bool unreachable; /* connections are dropped */
};

struct lv_config {
	int port_base;         /* 0 = ephemeral ports */
	double build_delay;    /* Nova BUILD -> ACTIVE, seconds */
	double delete_delay;   /* Nova lingering delete */
	double pending_delay;  /* Octavia PENDING_* -> ACTIVE */
	double token_lifetime; /* Keystone, seconds */
	int build_failures;    /* the next N server builds end in ERROR */
	char *admin_password;
	char *k8s_token;
	char *haproxy;              /* path of the haproxy binary */
	char *cloud_name;           /* entry name in clouds.yaml */
	char *pod_cidr;             /* Kubernetes pod addresses */
	bool server_death_shutoff;  /* a dead instance is SHUTOFF, not ERROR */
	bool k8s_anonymous;         /* requests without a token are allowed */
	struct json_object *images; /* config "images": name -> workload */
};

struct localvim {
	struct lv_config cfg;
	struct lv_table t[LV_KIND_MAX];
	char *state_dir;
	char *exe; /* our own binary, for the workload processes */
	struct MHD_Daemon *mhd[SVC_MAX];
	unsigned short port[SVC_MAX];
	char url[SVC_MAX][64]; /* "http://127.0.0.1:PORT" */
	char project_id[33];
	char user_id[33];
	char domain_id[16];
	struct lv_fault fault[SVC_MAX];
	struct json_object *counts; /* "METHOD svc /path status" -> n */
	/* The first request that changed something since the counts were
	 * cleared (its key, and when: Unix time), for latency benchmarks. */
	char *first_change;
	double first_change_at;
	struct json_object *log;   /* the last requests, in order, raw paths */
	unsigned long long k8s_rv; /* Kubernetes resourceVersion counter */
	struct http_req **suspended;
	size_t nsuspended;
	size_t suspended_cap;
	bool stopping;
};

extern const char *const lv_service_names[SVC_MAX];
/* "keystone" -> SVC_KEYSTONE, or SVC_INVALID. */
int lv_service_from_name(const char *name);

/* Sets defaults (port base 20000, delays, credentials from the env). */
void world_config_init(struct lv_config *cfg);
void world_config_done(struct lv_config *cfg);
/* Reads a JSON config file over the defaults. 0 or -errno / -EINVAL. */
int world_config_load(struct lv_config *cfg, const char *path);

void world_init(struct localvim *lv);
/* Ends every process and frees all objects and the configuration. */
void world_done(struct localvim *lv);
/* Builds the default world: project, images, flavors, networks. */
void world_populate(struct localvim *lv);
/* Ends every process, empties the store, builds the default world. */
void world_reset(struct localvim *lv);

/* Adds an object that takes ownership of json; id NULL = fresh UUID. */
struct lv_obj *world_add(struct localvim *lv, enum lv_kind kind, const char *id,
                         struct json_object *json);
/* Borrowed lookups; NULL when absent. */
struct lv_obj *world_get(struct localvim *lv, enum lv_kind kind,
                         const char *id);
struct lv_obj *world_find(struct localvim *lv, enum lv_kind kind,
                          const char *key, const char *value);
/* By id, or else by unique name. */
struct lv_obj *world_lookup(struct localvim *lv, enum lv_kind kind,
                            const char *id_or_name);
/* Removes and frees obj (ends its process if any, see world_stop). */
void world_remove(struct localvim *lv, struct lv_obj *obj);
/* Ends obj's process (SIGTERM) on purpose. */
void world_kill(struct lv_obj *obj);
/* The same, and waits (bounded, then SIGKILL) until it is gone, so that
 * its address no longer answers when the API says the object is gone. */
void world_stop(struct lv_obj *obj);

/* Advances every state machine whose due time has passed. */
void world_tick(struct localvim *lv, double now);
/* Reaps exited children and tells their owners. */
void world_reap(struct localvim *lv);

#endif
