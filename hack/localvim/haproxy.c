/*
 * HAProxy data plane for localvim's Octavia: renders one haproxy.cfg per
 * load balancer from its listeners, pools, members, health monitors and
 * L7 policies (tenant addresses mapped to 127.b.c.d), runs Debian's
 * haproxy in master-worker mode as our child, validates a new config with
 * "haproxy -c" and reloads with SIGUSR2 so that established connections
 * finish on the old worker, and reads member health from the stats socket.
 * It never decides API state: octavia.c does, from what this file reports.
 */
#include "haproxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ipam.h"
#include "lvutil.h"
#include "strbuf.h"
#include "workload.h"
#include "xalloc.h"

struct haproxy_state {
	char *cfg;       /* STATE/haproxy/<id>.cfg */
	char *sock;      /* stats socket */
	char *log;       /* haproxy's own output */
	double stats_at; /* when stats was read */
	char *stats;     /* "show stat" CSV */
};

static void
haproxy_state_free(void *p)
{
	struct haproxy_state *st = p;

	if (st == NULL)
		return;
	free(st->cfg);
	free(st->sock);
	free(st->log);
	free(st->stats);
	free(st);
}

static struct haproxy_state *
haproxy_state(struct localvim *lv, struct lv_obj *lb)
{
	struct haproxy_state *st = lb->priv;
	char *dir;

	if (st != NULL)
		return st;
	dir = xasprintf("%s/haproxy", lv->state_dir);
	mkdir(dir, 0700);
	st = xcalloc(1, sizeof(*st));
	st->cfg = xasprintf("%s/%s.cfg", dir, lb->id);
	st->sock = xasprintf("%s/%s.sock", dir, lb->id);
	st->log = xasprintf("%s/%s.log", dir, lb->id);
	free(dir);
	lb->priv = st;
	lb->priv_free = haproxy_state_free;
	return st;
}

static bool
haproxy_child_of(struct lv_obj *o, struct lv_obj *lb)
{
	const char *ps = lv_json_str(o->json, "provisioning_status");

	return o->parent != NULL && strcmp(o->parent, lb->id) == 0 &&
	       (ps == NULL || strcmp(ps, "PENDING_DELETE") != 0) &&
	       lv_json_bool(o->json, "admin_state_up", true);
}

static const char *
haproxy_match_flag(const char *compare)
{
	if (compare == NULL || strcmp(compare, "EQUAL_TO") == 0)
		return "-m str";
	if (strcmp(compare, "STARTS_WITH") == 0)
		return "-m beg";
	if (strcmp(compare, "ENDS_WITH") == 0)
		return "-m end";
	if (strcmp(compare, "CONTAINS") == 0)
		return "-m sub";
	return "-m reg";
}

/* Writes the ACLs of policy p and returns the condition ("if a b") in
 * cond, or false when the policy has no rule (it then never matches). */
static bool
haproxy_policy_acls(struct localvim *lv, struct lv_obj *p, struct strbuf *out,
                    struct strbuf *cond)
{
	struct lv_table *rules = &lv->t[LV_L7RULE];
	size_t i;
	int n = 0;

	for (i = 0; i < rules->n; i++) {
		struct lv_obj *r = rules->v[i];
		struct json_object *j = r->json;
		const char *type = lv_json_str(j, "type");
		const char *key = lv_json_str(j, "key");
		const char *value = lv_json_str(j, "value");
		const char *ps = lv_json_str(j, "provisioning_status");
		const char *fetch;
		char fb[160];

		if (r->priv == NULL || strcmp(r->priv, p->id) != 0 ||
		    (ps && strcmp(ps, "PENDING_DELETE") == 0) ||
		    value == NULL || type == NULL)
			continue;
		if (strcmp(type, "PATH") == 0) {
			fetch = "path";
		} else if (strcmp(type, "HOST_NAME") == 0) {
			fetch = "req.hdr(host)";
		} else if (strcmp(type, "HEADER") == 0 && key) {
			snprintf(fb, sizeof(fb), "req.hdr(%s)", key);
			fetch = fb;
		} else if (strcmp(type, "COOKIE") == 0 && key) {
			snprintf(fb, sizeof(fb), "req.cook(%s)", key);
			fetch = fb;
		} else if (strcmp(type, "FILE_TYPE") == 0) {
			fetch = "path";
		} else {
			continue;
		}
		strbuf_printf(
		    out, "    acl r_%s %s %s %s%s\n", r->id, fetch,
		    haproxy_match_flag(lv_json_str(j, "compare_type")),
		    strcmp(type, "FILE_TYPE") == 0 ? "." : "", value);
		strbuf_printf(cond, " %sr_%s",
		              lv_json_bool(j, "invert", false) ? "!" : "",
		              r->id);
		n++;
	}
	return n > 0;
}

static void
haproxy_frontend(struct localvim *lv, struct lv_obj *lb, struct lv_obj *l,
                 struct strbuf *out)
{
	struct json_object *j = l->json;
	const char *proto = lv_json_str(j, "protocol");
	const char *vip = lv_json_str(lb->json, "vip_address");
	const char *dflt = lv_json_str(j, "default_pool_id");
	struct lv_table *pols = &lv->t[LV_L7POLICY];
	int64_t limit = lv_json_int(j, "connection_limit", -1);
	bool http = proto && (strcmp(proto, "HTTP") == 0 ||
	                      strcmp(proto, "TERMINATED_HTTPS") == 0);
	char bind[16];
	int64_t pos;
	size_t i;

	ipam_loopback_text(vip, bind);
	strbuf_printf(out, "frontend l_%s\n    mode %s\n    bind %s:%lld\n",
	              l->id, http ? "http" : "tcp", bind,
	              (long long)lv_json_int(j, "protocol_port", 80));
	if (http)
		strbuf_puts(out, "    option forwardfor\n");
	if (limit > 0)
		strbuf_printf(out, "    maxconn %lld\n", (long long)limit);
	/* L7 policies in position order. */
	for (pos = 1; http && pos <= (int64_t)pols->n + 1; pos++) {
		for (i = 0; i < pols->n; i++) {
			struct lv_obj *p = pols->v[i];
			const char *lid = lv_json_str(p->json, "listener_id");
			const char *action = lv_json_str(p->json, "action");
			struct strbuf cond = STRBUF_INIT;
			int64_t ppos = lv_json_int(p->json, "position", 1);

			if (ppos > (int64_t)pols->n)
				ppos = (int64_t)pols->n;
			if (ppos != pos || !haproxy_child_of(p, lb) ||
			    lid == NULL || strcmp(lid, l->id) != 0 ||
			    action == NULL)
				continue;
			if (!haproxy_policy_acls(lv, p, out, &cond)) {
				strbuf_done(&cond);
				continue;
			}
			if (strcmp(action, "REJECT") == 0)
				strbuf_printf(out,
				              "    http-request deny if%s\n",
				              strbuf_str(&cond));
			else if (strcmp(action, "REDIRECT_TO_URL") == 0 &&
			         lv_json_str(p->json, "redirect_url"))
				strbuf_printf(
				    out,
				    "    http-request redirect "
				    "location %s if%s\n",
				    lv_json_str(p->json, "redirect_url"),
				    strbuf_str(&cond));
			else if (strcmp(action, "REDIRECT_TO_POOL") == 0 &&
			         lv_json_str(p->json, "redirect_pool_id"))
				strbuf_printf(
				    out, "    use_backend b_%s if%s\n",
				    lv_json_str(p->json, "redirect_pool_id"),
				    strbuf_str(&cond));
			strbuf_done(&cond);
		}
	}
	if (dflt != NULL)
		strbuf_printf(out, "    default_backend b_%s\n", dflt);
	strbuf_putc(out, '\n');
}

static void
haproxy_backend(struct localvim *lv, struct lv_obj *pool, struct strbuf *out)
{
	struct json_object *j = pool->json;
	const char *alg = lv_json_str(j, "lb_algorithm");
	const char *proto = lv_json_str(j, "protocol");
	const char *hm_id = lv_json_str(j, "healthmonitor_id");
	struct lv_obj *hm = hm_id ? world_get(lv, LV_HM, hm_id) : NULL;
	struct lv_table *members = &lv->t[LV_MEMBER];
	struct json_object *sp = lv_json_get(j, "session_persistence");
	bool http = proto && strcmp(proto, "HTTP") == 0;
	size_t i;

	if (hm != NULL && (!lv_json_bool(hm->json, "admin_state_up", true) ||
	                   strcmp(lv_json_str(hm->json, "provisioning_status"),
	                          "PENDING_DELETE") == 0))
		hm = NULL;
	strbuf_printf(out, "backend b_%s\n    mode %s\n    balance %s\n",
	              pool->id, http ? "http" : "tcp",
	              alg && strcmp(alg, "LEAST_CONNECTIONS") == 0 ? "leastconn"
	              : alg && strncmp(alg, "SOURCE_IP", 9) == 0
	                  ? "source"
	                  : "roundrobin");
	if (sp != NULL && lv_json_str(sp, "type") != NULL &&
	    strcmp(lv_json_str(sp, "type"), "HTTP_COOKIE") == 0 && http)
		strbuf_puts(out, "    cookie SRV insert indirect nocache\n");
	if (hm != NULL) {
		const char *type = lv_json_str(hm->json, "type");
		const char *codes = lv_json_str(hm->json, "expected_codes");

		if (type &&
		    (strcmp(type, "HTTP") == 0 || strcmp(type, "HTTPS") == 0)) {
			strbuf_printf(out, "    option httpchk %s %s\n",
			              lv_json_str(hm->json, "http_method")
			                  ? lv_json_str(hm->json, "http_method")
			                  : "GET",
			              lv_json_str(hm->json, "url_path")
			                  ? lv_json_str(hm->json, "url_path")
			                  : "/");
			if (codes != NULL && strchr(codes, '-') == NULL &&
			    strchr(codes, ',') == NULL)
				strbuf_printf(out,
				              "    http-check expect status "
				              "%s\n",
				              codes);
			else if (codes != NULL)
				strbuf_puts(out,
				            "    http-check expect rstatus "
				            "^[23]\n");
		}
		strbuf_printf(
		    out,
		    "    default-server inter %llds fall %lld rise %lld\n"
		    "    timeout check %llds\n",
		    (long long)lv_json_int(hm->json, "delay", 5),
		    (long long)lv_json_int(hm->json, "max_retries_down", 3),
		    (long long)lv_json_int(hm->json, "max_retries", 3),
		    (long long)lv_json_int(hm->json, "timeout", 5));
	}
	for (i = 0; i < members->n; i++) {
		struct lv_obj *m = members->v[i];
		struct json_object *mj = m->json;
		const char *ps = lv_json_str(mj, "provisioning_status");
		char addr[16];

		if (m->priv == NULL || strcmp(m->priv, pool->id) != 0 ||
		    (ps && strcmp(ps, "PENDING_DELETE") == 0) ||
		    ipam_loopback_text(lv_json_str(mj, "address"), addr) < 0)
			continue;
		strbuf_printf(
		    out, "    server %s %s:%lld weight %lld%s%s%s\n", m->id,
		    addr, (long long)lv_json_int(mj, "protocol_port", 80),
		    (long long)lv_json_int(mj, "weight", 1), hm ? " check" : "",
		    lv_json_bool(mj, "backup", false) ? " backup" : "",
		    lv_json_bool(mj, "admin_state_up", true) ? ""
		                                             : " disabled");
	}
	strbuf_putc(out, '\n');
}

static void
haproxy_render(struct localvim *lv, struct lv_obj *lb, struct haproxy_state *st,
               struct strbuf *out)
{
	size_t i;

	strbuf_printf(out,
	              "# Generated by localvim for load balancer %s (%s).\n"
	              "global\n"
	              "    maxconn 4096\n"
	              "    stats socket %s mode 600 level admin\n"
	              "    stats timeout 10s\n"
	              "\n"
	              "defaults\n"
	              "    timeout connect 5s\n"
	              "    timeout client 50s\n"
	              "    timeout server 50s\n"
	              "    retries 3\n"
	              "    option redispatch\n"
	              "\n",
	              lb->id, lv_json_str(lb->json, "name"), st->sock);
	for (i = 0; i < lv->t[LV_LISTENER].n; i++)
		if (haproxy_child_of(lv->t[LV_LISTENER].v[i], lb))
			haproxy_frontend(lv, lb, lv->t[LV_LISTENER].v[i], out);
	for (i = 0; i < lv->t[LV_POOL].n; i++)
		if (haproxy_child_of(lv->t[LV_POOL].v[i], lb))
			haproxy_backend(lv, lv->t[LV_POOL].v[i], out);
}

static bool
haproxy_has_listener(struct localvim *lv, struct lv_obj *lb)
{
	size_t i;

	for (i = 0; i < lv->t[LV_LISTENER].n; i++)
		if (haproxy_child_of(lv->t[LV_LISTENER].v[i], lb))
			return true;
	return false;
}

/* Runs "haproxy -c -f cfg" and waits for it. 0 when the config is valid. */
static int
haproxy_check(struct localvim *lv, struct haproxy_state *st)
{
	char *argv[] = {lv->cfg.haproxy, "-q", "-c", "-f", st->cfg, NULL};
	int status;
	pid_t pid;

	if (workload_exec(argv, -1, st->log, &pid) < 0)
		return -ECHILD;
	if (waitpid(pid, &status, 0) != pid)
		return -ECHILD;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EINVAL;
}

static char *haproxy_command(const char *sock, const char *cmd);

/* The pid of the worker answering the stats socket, or 0. */
static long
haproxy_worker_pid(struct haproxy_state *st)
{
	char *info = haproxy_command(st->sock, "show info\n");
	const char *p = info ? strstr(info, "\nPid: ") : NULL;
	long pid = p ? strtol(p + 6, NULL, 10) : 0;

	free(info);
	return pid;
}

/* After SIGUSR2, waits (bounded) until a new worker answers, so that
 * ACTIVE means the new configuration is the one serving. */
static void
haproxy_wait_reload(struct lv_obj *lb, struct haproxy_state *st, long old)
{
	double deadline = lv_now() + 3.0;

	while (lv_now() < deadline && lb->pid > 0) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		long pid = haproxy_worker_pid(st);

		if (pid > 0 && pid != old)
			return;
		nanosleep(&ts, NULL);
	}
}

/* Waits (bounded) until every listener of lb accepts connections. */
static void
haproxy_wait_bound(struct localvim *lv, struct lv_obj *lb)
{
	double deadline = lv_now() + 3.0;
	size_t i;

	for (i = 0; i < lv->t[LV_LISTENER].n; i++) {
		struct lv_obj *l = lv->t[LV_LISTENER].v[i];
		struct sockaddr_in sin;
		uint32_t a;

		if (!haproxy_child_of(l, lb) ||
		    ipam_parse(lv_json_str(lb->json, "vip_address"), &a) < 0)
			continue;
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons(
		    (unsigned short)lv_json_int(l->json, "protocol_port", 80));
		sin.sin_addr.s_addr = htonl(ipam_loopback(a));
		while (lv_now() < deadline) {
			int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
			int ok = fd >= 0 && connect(fd, (struct sockaddr *)&sin,
			                            sizeof(sin)) == 0;
			struct timespec ts = {0, 10 * 1000 * 1000};

			if (fd >= 0)
				close(fd);
			if (ok || lb->pid == 0)
				break;
			nanosleep(&ts, NULL);
		}
	}
}

int
haproxy_apply(struct localvim *lv, struct lv_obj *lb)
{
	struct haproxy_state *st = haproxy_state(lv, lb);
	struct strbuf cfg = STRBUF_INIT;
	int r;

	if (!haproxy_has_listener(lv, lb)) {
		/* Like an amphora with nothing to serve: no process. */
		haproxy_stop(lv, lb);
		return 0;
	}
	haproxy_render(lv, lb, st, &cfg);
	r = lv_write_file(st->cfg, strbuf_str(&cfg), 0600);
	strbuf_done(&cfg);
	if (r < 0)
		return r;
	r = haproxy_check(lv, st);
	if (r < 0) {
		fprintf(stderr, "localvim: haproxy: invalid config %s\n",
		        st->cfg);
		return r;
	}
	free(st->stats);
	st->stats = NULL;
	st->stats_at = 0;
	if (lb->pid > 0) {
		long old = haproxy_worker_pid(st);

		kill(lb->pid, SIGUSR2);
		if (old > 0)
			haproxy_wait_reload(lb, st, old);
	} else {
		char *argv[] = {lv->cfg.haproxy, "-W", "-f", st->cfg, NULL};

		r = workload_exec(argv, -1, st->log, &lb->pid);
		if (r < 0)
			return r;
		lb->expect_exit = false;
	}
	haproxy_wait_bound(lv, lb);
	return 0;
}

void
haproxy_stop(struct localvim *lv, struct lv_obj *lb)
{
	struct haproxy_state *st = lb->priv;

	world_stop(lb);
	if (st != NULL) {
		unlink(st->sock);
		free(st->stats);
		st->stats = NULL;
	}
}

static char *
haproxy_command(const char *sock, const char *cmd)
{
	struct sockaddr_un sun;
	struct strbuf sb = STRBUF_INIT;
	struct timeval tv = {0, 500 * 1000};
	char buf[4096];
	ssize_t n;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(sock) >= sizeof(sun.sun_path))
		return NULL;
	strcpy(sun.sun_path, sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    write(fd, cmd, strlen(cmd)) != (ssize_t)strlen(cmd)) {
		close(fd);
		return NULL;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		strbuf_add(&sb, buf, (size_t)n);
	close(fd);
	return strbuf_detach(&sb);
}

const char *
haproxy_member_status(struct localvim *lv, struct lv_obj *lb,
                      const char *pool_id, const char *member_id)
{
	static char status[32];
	struct haproxy_state *st = lb->priv;
	char prefix[160];
	const char *line;

	if (st == NULL || lb->pid == 0)
		return NULL;
	if (st->stats == NULL || lv_now() - st->stats_at > 0.2) {
		free(st->stats);
		st->stats = haproxy_command(st->sock, "show stat\n");
		st->stats_at = lv_now();
	}
	if (st->stats == NULL)
		return NULL;
	snprintf(prefix, sizeof(prefix), "b_%s,%s,", pool_id, member_id);
	for (line = st->stats; line != NULL && *line;) {
		const char *nl = strchr(line, '\n');

		if (strncmp(line, prefix, strlen(prefix)) == 0) {
			/* status is the 18th field (index 17). */
			const char *f = line;
			size_t len;
			int i;

			for (i = 0; i < 17 && f; i++) {
				f = strchr(f, ',');
				if (f)
					f++;
			}
			if (f == NULL)
				return NULL;
			len = strcspn(f, ",\n");
			if (len >= sizeof(status))
				len = sizeof(status) - 1;
			memcpy(status, f, len);
			status[len] = '\0';
			return status;
		}
		line = nl ? nl + 1 : NULL;
	}
	return NULL;
}

void
haproxy_cleanup(struct localvim *lv)
{
	size_t i;

	for (i = 0; i < lv->t[LV_LB].n; i++)
		haproxy_stop(lv, lv->t[LV_LB].v[i]);
}
