/*
 * localvim's command line: "run" serves the APIs in the foreground until
 * SIGTERM/SIGINT and writes clouds.yaml, kubeconfig and env into the
 * state directory once ready; "env" prints those files; "workload" is the
 * built-in web responder that data-plane children run. The event loop
 * lives here: one thread, signalfd for signals and children, a 50 ms tick.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "haproxy.h"
#include "http.h"
#include "lvutil.h"
#include "services.h"
#include "workload.h"
#include "world.h"
#include "xalloc.h"

static void
main_usage(FILE *out)
{
	fprintf(out,
	        "usage: localvim run --state-dir DIR [--config FILE] "
	        "[--port-base N]\n"
	        "       localvim env --state-dir DIR [--clouds-yaml | "
	        "--kubeconfig]\n"
	        "\n"
	        "run        serve Keystone, Nova, Neutron, Glance, Octavia, "
	        "Kubernetes\n"
	        "           and the admin API on 127.0.0.1 until SIGTERM; "
	        "ports are\n"
	        "           N+5000 (keystone), N+8774 (nova), N+9696 "
	        "(neutron),\n"
	        "           N+9292 (glance), N+9876 (octavia), N+6443 "
	        "(kubernetes),\n"
	        "           N+5001 (admin); N defaults to 20000, 0 picks "
	        "free ports\n"
	        "env        print the env file (or clouds.yaml / kubeconfig) "
	        "of a\n"
	        "           running localvim\n");
}

static char *
main_path(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static int
main_write_state(struct localvim *lv)
{
	struct strbuf sb = STRBUF_INIT;
	char *p;
	int r;

	strbuf_printf(&sb,
	              "# Written by localvim; valid while it runs.\n"
	              "clouds:\n"
	              "  %s:\n"
	              "    auth:\n"
	              "      auth_url: %s/v3\n"
	              "      username: admin\n"
	              "      password: %s\n"
	              "      project_name: admin\n"
	              "      user_domain_name: Default\n"
	              "      project_domain_name: Default\n"
	              "    region_name: RegionOne\n"
	              "    interface: public\n"
	              "    identity_api_version: 3\n",
	              lv->cfg.cloud_name, lv->url[SVC_KEYSTONE],
	              lv->cfg.admin_password);
	p = main_path(lv->state_dir, "clouds.yaml");
	r = lv_write_file(p, strbuf_str(&sb), 0600);
	free(p);
	strbuf_reset(&sb);
	if (r < 0)
		goto out;
	strbuf_printf(&sb,
	              "apiVersion: v1\n"
	              "kind: Config\n"
	              "current-context: localvim\n"
	              "clusters:\n"
	              "- name: localvim\n"
	              "  cluster:\n"
	              "    server: %s\n"
	              "users:\n"
	              "- name: localvim-admin\n"
	              "  user:\n"
	              "    token: %s\n"
	              "contexts:\n"
	              "- name: localvim\n"
	              "  context:\n"
	              "    cluster: localvim\n"
	              "    user: localvim-admin\n"
	              "    namespace: default\n",
	              lv->url[SVC_K8S], lv->cfg.k8s_token);
	p = main_path(lv->state_dir, "kubeconfig");
	r = lv_write_file(p, strbuf_str(&sb), 0600);
	free(p);
	strbuf_reset(&sb);
	if (r < 0)
		goto out;
	strbuf_printf(&sb, "%d\n", (int)getpid());
	p = main_path(lv->state_dir, "localvim.pid");
	r = lv_write_file(p, strbuf_str(&sb), 0644);
	free(p);
	strbuf_reset(&sb);
	if (r < 0)
		goto out;
	/* env last: its presence means "ready". */
	strbuf_printf(&sb,
	              "export OS_CLIENT_CONFIG_FILE=%s/clouds.yaml\n"
	              "export OS_CLOUD=%s\n"
	              "export KUBECONFIG=%s/kubeconfig\n"
	              "export LOCALVIM_ADMIN_URL=%s\n"
	              "export LOCALVIM_AUTH_URL=%s/v3\n"
	              "export LOCALVIM_PID=%d\n",
	              lv->state_dir, lv->cfg.cloud_name, lv->state_dir,
	              lv->url[SVC_ADMIN], lv->url[SVC_KEYSTONE], (int)getpid());
	p = main_path(lv->state_dir, "env");
	r = lv_write_file(p, strbuf_str(&sb), 0644);
	free(p);
out:
	strbuf_done(&sb);
	return r;
}

static void
main_unlink_state(const char *dir)
{
	static const char *const names[] = {"env", "clouds.yaml", "kubeconfig",
	                                    "localvim.pid", NULL};
	size_t i;

	for (i = 0; names[i] != NULL; i++) {
		char *p = main_path(dir, names[i]);

		unlink(p);
		free(p);
	}
}

static int
main_mkdirs(const char *dir)
{
	char *copy = xstrdup(dir), *p;
	int r = 0;

	for (p = copy + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			if (mkdir(copy, 0755) < 0 && errno != EEXIST)
				r = -errno;
			*p = '/';
		}
	}
	if (mkdir(copy, 0755) < 0 && errno != EEXIST)
		r = -errno;
	free(copy);
	return r;
}

static int
cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"state-dir", required_argument, NULL, 's'},
	    {"config", required_argument, NULL, 'c'},
	    {"port-base", required_argument, NULL, 'p'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct localvim lv;
	const char *state = NULL, *config = NULL;
	char exe[PATH_MAX], *abs;
	int c, port_base = -1, sfd, r = 1;
	ssize_t n;
	sigset_t set;

	memset(&lv, 0, sizeof(lv));
	while ((c = getopt_long(argc, argv, "s:c:p:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			state = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		case 'p':
			port_base = atoi(optarg);
			if (port_base < 0 || port_base > 55000) {
				fprintf(stderr, "localvim: bad --port-base\n");
				return 2;
			}
			break;
		case 'h':
			main_usage(stdout);
			return 0;
		default:
			main_usage(stderr);
			return 2;
		}
	}
	if (state == NULL) {
		main_usage(stderr);
		return 2;
	}
	world_config_init(&lv.cfg);
	if (config != NULL && (r = world_config_load(&lv.cfg, config)) < 0) {
		fprintf(stderr, "localvim: %s: %s\n", config,
		        r == -EINVAL ? "not a JSON object" : strerror(-r));
		world_config_done(&lv.cfg);
		return 1;
	}
	if (port_base >= 0)
		lv.cfg.port_base = port_base;
	if (main_mkdirs(state) < 0 || (abs = realpath(state, NULL)) == NULL) {
		fprintf(stderr, "localvim: %s: %s\n", state, strerror(errno));
		world_config_done(&lv.cfg);
		return 1;
	}
	lv.state_dir = abs;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		fprintf(stderr, "localvim: cannot find my own binary\n");
		world_done(&lv);
		return 1;
	}
	exe[n] = '\0';
	lv.exe = xstrdup(exe);
	lv_random_seed();
	main_unlink_state(lv.state_dir);

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sfd < 0) {
		perror("localvim: signalfd");
		world_done(&lv);
		return 1;
	}

	world_init(&lv);
	if (http_start(&lv) < 0) {
		close(sfd);
		world_done(&lv);
		return 1;
	}
	world_populate(&lv);
	if (main_write_state(&lv) < 0) {
		fprintf(stderr, "localvim: cannot write %s\n", lv.state_dir);
		goto out;
	}
	fprintf(stderr,
	        "localvim: ready: keystone %s/v3, kubernetes %s, admin %s; "
	        "state in %s\n",
	        lv.url[SVC_KEYSTONE], lv.url[SVC_K8S], lv.url[SVC_ADMIN],
	        lv.state_dir);
	r = 0;
	while (!lv.stopping) {
		struct signalfd_siginfo si;

		http_loop_once(&lv, 50, sfd);
		while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			if (si.ssi_signo == SIGCHLD)
				continue;
			fprintf(stderr, "localvim: signal %u, stopping\n",
			        si.ssi_signo);
			lv.stopping = true;
		}
		world_reap(&lv);
		world_tick(&lv, lv_now());
	}
out:
	haproxy_cleanup(&lv);
	http_stop(&lv);
	{
		char *p = main_path(lv.state_dir, "localvim.pid");

		unlink(p);
		free(p);
		p = main_path(lv.state_dir, "env");
		unlink(p);
		free(p);
	}
	world_done(&lv);
	close(sfd);
	return r;
}

static int
cmd_env(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"state-dir", required_argument, NULL, 's'},
	    {"clouds-yaml", no_argument, NULL, 'c'},
	    {"kubeconfig", no_argument, NULL, 'k'},
	    {NULL, 0, NULL, 0},
	};
	const char *state = NULL, *name = "env";
	char *path, buf[4096];
	FILE *f;
	size_t n;
	int c;

	while ((c = getopt_long(argc, argv, "s:ck", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			state = optarg;
			break;
		case 'c':
			name = "clouds.yaml";
			break;
		case 'k':
			name = "kubeconfig";
			break;
		default:
			main_usage(stderr);
			return 2;
		}
	}
	if (state == NULL) {
		main_usage(stderr);
		return 2;
	}
	path = main_path(state, name);
	f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "localvim: %s: %s (is localvim running?)\n",
		        path, strerror(errno));
		free(path);
		return 1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	free(path);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		main_usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(argv[1], "env") == 0)
		return cmd_env(argc - 1, argv + 1);
	if (strcmp(argv[1], "workload") == 0)
		return workload_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		main_usage(stdout);
		return 0;
	}
	main_usage(stderr);
	return 2;
}
