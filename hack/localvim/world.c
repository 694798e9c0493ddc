/*
 * The world store of localvim: configuration defaults, an ordered table of
 * objects per kind, the default world, and the periodic tick and child
 * reaping that drive every asynchronous state machine. It holds no
 * protocol logic: each service module owns the JSON of its kinds.
 */
#include "world.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lvutil.h"
#include "services.h"
#include "xalloc.h"

const char *const lv_service_names[SVC_MAX] = {
    [SVC_KEYSTONE] = "keystone", [SVC_NOVA] = "nova",
    [SVC_NEUTRON] = "neutron",   [SVC_GLANCE] = "glance",
    [SVC_OCTAVIA] = "octavia",   [SVC_K8S] = "kubernetes",
    [SVC_ADMIN] = "admin",
};

int
lv_service_from_name(const char *name)
{
	int s;

	for (s = 0; s < SVC_MAX; s++)
		if (name != NULL && strcmp(name, lv_service_names[s]) == 0)
			return s;
	return SVC_INVALID;
}

void
world_config_init(struct lv_config *cfg)
{
	const char *pw = getenv("LOCALVIM_ADMIN_PASSWORD");

	memset(cfg, 0, sizeof(*cfg));
	cfg->port_base = 20000;
	cfg->build_delay = 0.5;
	cfg->delete_delay = 0.5;
	cfg->pending_delay = 0.5;
	cfg->token_lifetime = 3600;
	cfg->admin_password = xstrdup(pw && *pw ? pw : "localvim-admin");
	cfg->k8s_token = xstrdup("localvim-token");
	cfg->haproxy = xstrdup("/usr/sbin/haproxy");
	cfg->cloud_name = xstrdup("localvim");
	cfg->pod_cidr = xstrdup("10.244.0.0/16");
	cfg->k8s_anonymous = true;
}

void
world_config_done(struct lv_config *cfg)
{
	free(cfg->admin_password);
	free(cfg->k8s_token);
	free(cfg->haproxy);
	free(cfg->cloud_name);
	free(cfg->pod_cidr);
	json_object_put(cfg->images);
	memset(cfg, 0, sizeof(*cfg));
}

static void
world_config_str(struct json_object *root, const char *key, char **dst)
{
	const char *v = lv_json_str(root, key);

	if (v != NULL) {
		free(*dst);
		*dst = xstrdup(v);
	}
}

static void
world_config_num(struct json_object *root, const char *key, double *dst)
{
	struct json_object *v = lv_json_get(root, key);

	if (v != NULL && (json_object_is_type(v, json_type_double) ||
	                  json_object_is_type(v, json_type_int)))
		*dst = json_object_get_double(v);
}

int
world_config_load(struct lv_config *cfg, const char *path)
{
	struct json_object *root = json_object_from_file(path);
	struct json_object *images;
	const char *death;

	if (root == NULL)
		return access(path, R_OK) < 0 ? -errno : -EINVAL;
	if (!json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return -EINVAL;
	}
	cfg->port_base = (int)lv_json_int(root, "port_base", cfg->port_base);
	world_config_num(root, "build_delay", &cfg->build_delay);
	world_config_num(root, "delete_delay", &cfg->delete_delay);
	world_config_num(root, "pending_delay", &cfg->pending_delay);
	world_config_num(root, "token_lifetime", &cfg->token_lifetime);
	world_config_str(root, "admin_password", &cfg->admin_password);
	world_config_str(root, "k8s_token", &cfg->k8s_token);
	world_config_str(root, "haproxy", &cfg->haproxy);
	world_config_str(root, "cloud_name", &cfg->cloud_name);
	world_config_str(root, "pod_cidr", &cfg->pod_cidr);
	death = lv_json_str(root, "server_death");
	if (death != NULL)
		cfg->server_death_shutoff = strcmp(death, "SHUTOFF") == 0;
	cfg->k8s_anonymous =
	    lv_json_bool(root, "k8s_anonymous", cfg->k8s_anonymous);
	images = lv_json_get(root, "images");
	if (images != NULL) {
		json_object_put(cfg->images);
		cfg->images = json_object_get(images);
	}
	json_object_put(root);
	return 0;
}

void
world_init(struct localvim *lv)
{
	memset(lv->t, 0, sizeof(lv->t));
	lv->counts = json_object_new_object();
	lv->log = json_object_new_array();
	lv->k8s_rv = 1000;
	memset(lv->fault, 0, sizeof(lv->fault));
}

static void
world_obj_free(struct lv_obj *obj)
{
	if (obj == NULL)
		return;
	json_object_put(obj->json);
	free(obj->parent);
	if (obj->priv_free != NULL)
		obj->priv_free(obj->priv);
	free(obj);
}

void
world_kill(struct lv_obj *obj)
{
	if (obj->pid > 0) {
		obj->expect_exit = true;
		kill(obj->pid, SIGTERM);
	}
}

void
world_stop(struct lv_obj *obj)
{
	double deadline = lv_now() + 2.0;
	pid_t pid = obj->pid;

	if (pid <= 0)
		return;
	world_kill(obj);
	obj->pid = 0;
	for (;;) {
		struct timespec ts = {0, 5 * 1000 * 1000};
		pid_t r = waitpid(pid, NULL, WNOHANG);

		if (r == pid || (r < 0 && errno == ECHILD))
			return;
		if (lv_now() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return;
		}
		nanosleep(&ts, NULL);
	}
}

/* Ends every child process and waits (bounded) for each to exit. */
static void
world_kill_all(struct localvim *lv)
{
	double deadline;
	pid_t *pids = NULL;
	size_t npids = 0, cap = 0, i, k;

	for (k = 0; k < LV_KIND_MAX; k++) {
		for (i = 0; i < lv->t[k].n; i++) {
			struct lv_obj *o = lv->t[k].v[i];

			if (o->pid > 0) {
				XGROW(pids, cap, npids + 1);
				pids[npids++] = o->pid;
				world_kill(o);
				o->pid = 0;
			}
		}
	}
	deadline = lv_now() + 3.0;
	for (i = 0; i < npids; i++) {
		for (;;) {
			pid_t r = waitpid(pids[i], NULL, WNOHANG);
			struct timespec ts = {0, 10 * 1000 * 1000};

			if (r == pids[i] || (r < 0 && errno == ECHILD))
				break;
			if (lv_now() > deadline) {
				kill(pids[i], SIGKILL);
				waitpid(pids[i], NULL, 0);
				break;
			}
			nanosleep(&ts, NULL);
		}
	}
	free(pids);
}

static void
world_clear(struct localvim *lv)
{
	size_t k, i;

	world_kill_all(lv);
	for (k = 0; k < LV_KIND_MAX; k++) {
		for (i = 0; i < lv->t[k].n; i++)
			world_obj_free(lv->t[k].v[i]);
		free(lv->t[k].v);
		memset(&lv->t[k], 0, sizeof(lv->t[k]));
	}
}

void
world_done(struct localvim *lv)
{
	world_clear(lv);
	json_object_put(lv->counts);
	lv->counts = NULL;
	json_object_put(lv->log);
	lv->log = NULL;
	free(lv->first_change);
	lv->first_change = NULL;
	world_config_done(&lv->cfg);
	free(lv->state_dir);
	free(lv->exe);
	lv->state_dir = lv->exe = NULL;
}

void
world_populate(struct localvim *lv)
{
	/* Fixed identities so that logs and examples stay readable. */
	snprintf(lv->project_id, sizeof(lv->project_id), "%s",
	         "d59ec5e08a424c7eb9286316e69e0b32");
	snprintf(lv->user_id, sizeof(lv->user_id), "%s",
	         "19c392a0add9428f8b2aafe349ff083f");
	snprintf(lv->domain_id, sizeof(lv->domain_id), "%s", "default");
	glance_populate(lv);
	nova_populate(lv);
	neutron_populate(lv);
	k8s_populate(lv);
}

void
world_reset(struct localvim *lv)
{
	world_clear(lv);
	memset(lv->fault, 0, sizeof(lv->fault));
	world_populate(lv);
}

struct lv_obj *
world_add(struct localvim *lv, enum lv_kind kind, const char *id,
          struct json_object *json)
{
	struct lv_table *t = &lv->t[kind];
	struct lv_obj *obj = xcalloc(1, sizeof(*obj));

	obj->kind = kind;
	if (id != NULL)
		snprintf(obj->id, sizeof(obj->id), "%s", id);
	else
		lv_uuid(obj->id);
	obj->json = json ? json : json_object_new_object();
	XGROW(t->v, t->cap, t->n + 1);
	t->v[t->n++] = obj;
	return obj;
}

struct lv_obj *
world_get(struct localvim *lv, enum lv_kind kind, const char *id)
{
	struct lv_table *t = &lv->t[kind];
	size_t i;

	if (id == NULL)
		return NULL;
	for (i = 0; i < t->n; i++)
		if (strcmp(t->v[i]->id, id) == 0)
			return t->v[i];
	return NULL;
}

struct lv_obj *
world_find(struct localvim *lv, enum lv_kind kind, const char *key,
           const char *value)
{
	struct lv_table *t = &lv->t[kind];
	size_t i;

	if (value == NULL)
		return NULL;
	for (i = 0; i < t->n; i++) {
		const char *v = lv_json_str(t->v[i]->json, key);

		if (v != NULL && strcmp(v, value) == 0)
			return t->v[i];
	}
	return NULL;
}

struct lv_obj *
world_lookup(struct localvim *lv, enum lv_kind kind, const char *id_or_name)
{
	struct lv_obj *o = world_get(lv, kind, id_or_name);

	return o ? o : world_find(lv, kind, "name", id_or_name);
}

void
world_remove(struct localvim *lv, struct lv_obj *obj)
{
	struct lv_table *t = &lv->t[obj->kind];
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (t->v[i] == obj) {
			memmove(&t->v[i], &t->v[i + 1],
			        (t->n - i - 1) * sizeof(t->v[0]));
			t->n--;
			break;
		}
	}
	world_stop(obj);
	world_obj_free(obj);
}

void
world_tick(struct localvim *lv, double now)
{
	struct lv_table *t = &lv->t[LV_TOKEN];
	size_t i;

	/* Forget expired tokens after a grace period. */
	for (i = 0; i < t->n;) {
		if (t->v[i]->expires + 600 < now)
			world_remove(lv, t->v[i]);
		else
			i++;
	}
	nova_tick(lv, now);
	octavia_tick(lv, now);
	k8s_tick(lv, now);
}

static struct lv_obj *
world_by_pid(struct localvim *lv, pid_t pid)
{
	size_t k, i;

	for (k = 0; k < LV_KIND_MAX; k++)
		for (i = 0; i < lv->t[k].n; i++)
			if (lv->t[k].v[i]->pid == pid)
				return lv->t[k].v[i];
	return NULL;
}

void
world_reap(struct localvim *lv)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct lv_obj *obj = world_by_pid(lv, pid);

		if (obj == NULL)
			continue;
		obj->pid = 0;
		switch (obj->kind) {
		case LV_SERVER:
			nova_exited(lv, obj, status);
			break;
		case LV_LB:
			octavia_exited(lv, obj, status);
			break;
		case LV_K8S:
			k8s_exited(lv, obj, status);
			break;
		default:
			break;
		}
		/* obj may be gone now; each spawn resets expect_exit. */
	}
}
