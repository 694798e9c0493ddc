/*
 * Data-plane processes for localvim: binding the tenant's loopback
 * address, fork/exec with parent-death signal, and the built-in web
 * responder that answers like the seed's web servers. The parent binds the
 * socket before forking so that a server is ACTIVE only once its address
 * really accepts connections.
 */
#include "workload.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "ipam.h"
#include "lvutil.h"
#include "world.h"
#include "xalloc.h"

static int
workload_bind(const char *tenant_ip, unsigned port, int *ret_fd)
{
	struct sockaddr_in sin;
	uint32_t a;
	int fd, one = 1;

	if (ipam_parse(tenant_ip, &a) < 0)
		return -EINVAL;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(ipam_loopback(a));
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(fd, 128) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	*ret_fd = fd;
	return 0;
}

int
workload_exec(char *const argv[], int keep_fd, const char *log, pid_t *ret_pid)
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		if (keep_fd >= 0) {
			if (keep_fd == 3) {
				fcntl(3, F_SETFD, 0);
			} else if (dup2(keep_fd, 3) < 0) {
				_exit(127);
			}
		}
		if (log != NULL) {
			int lfd =
			    open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

			if (lfd >= 0) {
				dup2(lfd, 1);
				dup2(lfd, 2);
				if (lfd > 3)
					close(lfd);
			}
		}
		execv(argv[0], argv);
		_exit(127);
	}
	*ret_pid = pid;
	return 0;
}

static struct json_object *
workload_image_conf(struct localvim *lv, const char *image)
{
	if (image == NULL || lv->cfg.images == NULL)
		return NULL;
	return lv_json_get(lv->cfg.images, image);
}

int
workload_spawn(struct localvim *lv, const char *name, const char *tenant_ip,
               unsigned port, const char *image, pid_t *ret_pid, char **ret_err)
{
	struct json_object *conf = workload_image_conf(lv, image);
	const char *command = lv_json_str(conf, "command");
	char portbuf[16], bindbuf[16];
	int fd = -1, r;

	snprintf(portbuf, sizeof(portbuf), "%u", port);
	if (ipam_loopback_text(tenant_ip, bindbuf) < 0) {
		*ret_err = xasprintf("invalid address %s", tenant_ip);
		return -EINVAL;
	}
	if (command != NULL) {
		/* An operator's command binds the address itself. */
		char *argv[] = {"/bin/sh", "-c", (char *)command, NULL};

		setenv("LOCALVIM_NAME", name, 1);
		setenv("LOCALVIM_IP", tenant_ip, 1);
		setenv("LOCALVIM_BIND", bindbuf, 1);
		setenv("LOCALVIM_PORT", portbuf, 1);
		r = workload_exec(argv, -1, NULL, ret_pid);
		if (r < 0)
			*ret_err = xasprintf("cannot start %s: %s", command,
			                     strerror(-r));
		return r;
	}
	r = workload_bind(tenant_ip, port, &fd);
	if (r < 0) {
		*ret_err = xasprintf("cannot bind %s:%u (for %s): %s", bindbuf,
		                     port, tenant_ip, strerror(-r));
		return r;
	} else {
		char *argv[] = {lv->exe, "workload",        "--fd",
		                "3",     "--name",          (char *)name,
		                "--ip",  (char *)tenant_ip, NULL};

		r = workload_exec(argv, fd, NULL, ret_pid);
		close(fd);
		if (r < 0)
			*ret_err = xasprintf("cannot fork: %s", strerror(-r));
	}
	return r;
}

struct workload_ctx {
	const char *name;
	const char *ip;
};

static enum MHD_Result
workload_access(void *cls, struct MHD_Connection *conn, const char *url,
                const char *method, const char *version,
                const char *upload_data, size_t *upload_data_size,
                void **con_cls)
{
	struct workload_ctx *ctx = cls;
	struct MHD_Response *resp;
	enum MHD_Result r;
	char *body;

	if (*con_cls == NULL) {
		*con_cls = ctx;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	body = xasprintf("<!DOCTYPE html>\n<html><body>\n"
	                 "<h1>Served by %s</h1>\n"
	                 "<p>Served by %s</p>\n"
	                 "<p>Server IP: %s</p>\n"
	                 "<p>Request: %s %s</p>\n"
	                 "</body></html>\n",
	                 ctx->name, ctx->name, ctx->ip, method, url);
	resp = MHD_create_response_from_buffer(strlen(body), body,
	                                       MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(resp, "Content-Type",
	                        "text/html; charset=utf-8");
	MHD_add_response_header(resp, "X-Served-By", ctx->name);
	r = MHD_queue_response(conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return r;
}

int
workload_main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"fd", required_argument, NULL, 'f'},
	    {"name", required_argument, NULL, 'n'},
	    {"ip", required_argument, NULL, 'i'},
	    {NULL, 0, NULL, 0},
	};
	struct workload_ctx ctx = {"localvim", "0.0.0.0"};
	struct MHD_Daemon *d;
	sigset_t set;
	int c, fd = 3, sig;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			fd = atoi(optarg);
			break;
		case 'n':
			ctx.name = optarg;
			break;
		case 'i':
			ctx.ip = optarg;
			break;
		default:
			return 2;
		}
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	d = MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, NULL, NULL,
	    workload_access, &ctx, MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "localvim workload %s: cannot serve fd %d\n",
		        ctx.name, fd);
		return 1;
	}
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	return 0;
}
