/*
 * libmicrohttpd glue for localvim: daemons in external-select (epoll) mode
 * driven from the single event loop, request accumulation, routing to the
 * service handlers, credentials, and replies. It knows no VIM protocol
 * beyond the error body shape and the auth header of each service.
 */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "lvutil.h"
#include "services.h"
#include "world.h"
#include "xalloc.h"

#define HTTP_MAX_BODY (8u << 20)

bool
http_match(const struct http_req *req, const char *method, const char *pattern)
{
	const char *p = pattern;
	size_t i = 0;

	if (method != NULL && strcmp(req->method, method) != 0)
		return false;
	while (*p == '/')
		p++;
	while (*p != '\0') {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (i >= req->nseg)
			return false;
		if (!(len == 1 && *p == '*') &&
		    (strlen(req->segs[i]) != len ||
		     strncmp(req->segs[i], p, len) != 0))
			return false;
		i++;
		p += len;
		while (*p == '/')
			p++;
	}
	return i == req->nseg;
}

const char *
http_header(const struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

int
http_body_json(struct http_req *req, struct json_object **ret)
{
	struct json_tokener *tok;
	struct json_object *obj;

	if (req->body.len == 0) {
		http_error(req, 400, "The request body is empty");
		return -EINVAL;
	}
	tok = json_tokener_new();
	obj = json_tokener_parse_ex(tok, req->body.buf, (int)req->body.len);
	if (obj == NULL ||
	    json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(obj);
		json_tokener_free(tok);
		http_error(req, 400, "Malformed JSON in request body");
		return -EINVAL;
	}
	json_tokener_free(tok);
	*ret = obj;
	return 0;
}

void
http_reply_text(struct http_req *req, unsigned status, const char *content_type,
                const char *text)
{
	req->status = status;
	req->content_type = content_type;
	strbuf_reset(&req->out);
	if (text != NULL)
		strbuf_puts(&req->out, text);
}

void
http_reply_json(struct http_req *req, unsigned status, struct json_object *obj)
{
	http_reply_text(req, status, "application/json",
	                obj ? json_object_to_json_string_ext(
	                          obj, JSON_C_TO_STRING_PLAIN |
	                                   JSON_C_TO_STRING_NOSLASHESCAPE)
	                    : NULL);
	json_object_put(obj);
}

void
http_reply_empty(struct http_req *req, unsigned status)
{
	http_reply_text(req, status, NULL, NULL);
}

static const char *
http_reason(unsigned status)
{
	const char *r = MHD_get_reason_phrase_for(status);

	return r && *r ? r : "Error";
}

void
http_error(struct http_req *req, unsigned status, const char *fmt, ...)
{
	struct json_object *o = json_object_new_object(), *inner;
	struct strbuf msg = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(&msg, fmt, ap);
	va_end(ap);
	switch (req->svc) {
	case SVC_NOVA: {
		const char *kind = status == 404   ? "itemNotFound"
		                   : status == 409 ? "conflictingRequest"
		                   : status == 403 ? "forbidden"
		                   : status == 401 ? "unauthorized"
		                   : status >= 500 ? "computeFault"
		                                   : "badRequest";

		inner = json_object_new_object();
		lv_json_set_int(inner, "code", status);
		lv_json_set_str(inner, "message", strbuf_str(&msg));
		json_object_object_add(o, kind, inner);
		break;
	}
	case SVC_NEUTRON:
		inner = json_object_new_object();
		lv_json_set_str(inner, "type",
		                status == 404   ? "NotFound"
		                : status == 409 ? "Conflict"
		                                : "BadRequest");
		lv_json_set_str(inner, "message", strbuf_str(&msg));
		lv_json_set_str(inner, "detail", "");
		json_object_object_add(o, "NeutronError", inner);
		break;
	case SVC_OCTAVIA:
		lv_json_set_str(o, "faultcode",
		                status >= 500 ? "Server" : "Client");
		lv_json_set_str(o, "faultstring", strbuf_str(&msg));
		lv_json_set_null(o, "debuginfo");
		break;
	case SVC_K8S: {
		const char *reason = status == 404   ? "NotFound"
		                     : status == 409 ? "Conflict"
		                     : status == 401 ? "Unauthorized"
		                     : status == 422 ? "Invalid"
		                     : status == 429 ? "TooManyRequests"
		                     : status >= 500 ? "InternalError"
		                                     : "BadRequest";

		lv_json_set_str(o, "kind", "Status");
		lv_json_set_str(o, "apiVersion", "v1");
		json_object_object_add(o, "metadata", json_object_new_object());
		lv_json_set_str(o, "status", "Failure");
		lv_json_set_str(o, "message", strbuf_str(&msg));
		lv_json_set_str(o, "reason", reason);
		lv_json_set_int(o, "code", status);
		break;
	}
	default: /* Keystone, Glance, admin */
		inner = json_object_new_object();
		lv_json_set_int(inner, "code", status);
		lv_json_set_str(inner, "title", http_reason(status));
		lv_json_set_str(inner, "message", strbuf_str(&msg));
		json_object_object_add(o, "error", inner);
		break;
	}
	strbuf_done(&msg);
	http_reply_json(req, status, o);
}

void
http_set_header(struct http_req *req, const char *name, const char *value)
{
	if (req->nhdr >= HTTP_MAX_HEADERS)
		return;
	req->hdrs[req->nhdr].name = xstrdup(name);
	req->hdrs[req->nhdr].value = xstrdup(value);
	req->nhdr++;
}

static void
http_req_free(struct http_req *req)
{
	size_t i;

	if (req == NULL)
		return;
	free(req->path);
	free(req->segbuf);
	query_done(&req->query);
	strbuf_done(&req->body);
	strbuf_done(&req->out);
	for (i = 0; i < req->nhdr; i++) {
		free(req->hdrs[i].name);
		free(req->hdrs[i].value);
	}
	free(req);
}

static enum MHD_Result
http_collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                 const char *value)
{
	struct http_req *req = cls;

	query_add(&req->query, key, value);
	return MHD_YES;
}

static void
http_split(struct http_req *req, const char *url)
{
	size_t len;
	char *p, *save = NULL;

	req->path = xstrdup(url && *url ? url : "/");
	len = strlen(req->path);
	while (len > 1 && req->path[len - 1] == '/')
		req->path[--len] = '\0';
	req->segbuf = xstrdup(req->path);
	for (p = strtok_r(req->segbuf, "/", &save);
	     p != NULL && req->nseg < HTTP_MAX_SEGS;
	     p = strtok_r(NULL, "/", &save))
		req->segs[req->nseg++] = p;
}

/* OpenStack version documents (one segment or none) need no token. */
static bool
http_is_public(const struct http_req *req)
{
	switch (req->svc) {
	case SVC_ADMIN:
		return true;
	case SVC_KEYSTONE:
		return req->nseg <= 1 ||
		       (http_match(req, NULL, "/v3/auth/tokens") &&
		        strcmp(req->method, "POST") == 0);
	case SVC_K8S:
		return false;
	default:
		return req->nseg <= 1;
	}
}

static bool
http_authorized(struct localvim *lv, const struct http_req *req)
{
	if (http_is_public(req))
		return true;
	if (req->svc == SVC_K8S) {
		const char *auth = http_header(req, "Authorization");

		/* kubectl sends no credentials over plain http; like an
		 * apiserver with --anonymous-auth, a request without any is
		 * anonymous (unless k8s_anonymous is off), a wrong one 401. */
		if (auth == NULL)
			return lv->cfg.k8s_anonymous;
		return strncmp(auth, "Bearer ", 7) == 0 &&
		       strcmp(auth + 7, lv->cfg.k8s_token) == 0;
	}
	return keystone_token_valid(lv, http_header(req, "X-Auth-Token"));
}

static void
http_route(struct localvim *lv, struct http_req *req)
{
	switch (req->svc) {
	case SVC_KEYSTONE:
		keystone_handle(lv, req);
		break;
	case SVC_NOVA:
		nova_handle(lv, req);
		break;
	case SVC_NEUTRON:
		neutron_handle(lv, req);
		break;
	case SVC_GLANCE:
		glance_handle(lv, req);
		break;
	case SVC_OCTAVIA:
		octavia_handle(lv, req);
		break;
	case SVC_K8S:
		k8s_handle(lv, req);
		break;
	case SVC_ADMIN:
		admin_handle(lv, req);
		break;
	default:
		break;
	}
	if (req->status == 0)
		http_error(req, 404, "The resource could not be found: %s %s",
		           req->method, req->path);
}

static enum MHD_Result
http_send(struct http_req *req)
{
	struct MHD_Response *resp;
	enum MHD_Result r;
	size_t i;

	resp = MHD_create_response_from_buffer(req->out.len,
	                                       req->out.buf ? req->out.buf : "",
	                                       MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	if (req->content_type != NULL)
		MHD_add_response_header(resp, "Content-Type",
		                        req->content_type);
	for (i = 0; i < req->nhdr; i++)
		MHD_add_response_header(resp, req->hdrs[i].name,
		                        req->hdrs[i].value);
	if (req->svc != SVC_K8S && req->svc != SVC_ADMIN) {
		char id[48] = "req-";

		lv_uuid(id + 4);
		MHD_add_response_header(resp, "x-openstack-request-id", id);
	}
	r = MHD_queue_response(req->conn, req->status, resp);
	MHD_destroy_response(resp);
	return r;
}

struct http_daemon_ctx {
	struct localvim *lv;
	int svc;
};

static struct http_daemon_ctx http_ctx[SVC_MAX];

static enum MHD_Result
http_access(void *cls, struct MHD_Connection *conn, const char *url,
            const char *method, const char *version, const char *upload_data,
            size_t *upload_data_size, void **con_cls)
{
	struct http_daemon_ctx *ctx = cls;
	struct localvim *lv = ctx->lv;
	struct http_req *req = *con_cls;

	if (req == NULL) {
		req = xcalloc(1, sizeof(*req));
		req->conn = conn;
		req->svc = ctx->svc;
		req->method = method;
		http_split(req, url);
		*con_cls = req;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (req->body.len + *upload_data_size > HTTP_MAX_BODY)
			req->body_too_big = true;
		else
			strbuf_add(&req->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (!req->checked) {
		req->checked = true;
		MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND,
		                          http_collect_arg, req);
		if (req->svc != SVC_ADMIN && admin_intercept(lv, req)) {
			if (req->drop)
				return MHD_NO;
			if (req->suspended) {
				XGROW(lv->suspended, lv->suspended_cap,
				      lv->nsuspended + 1);
				lv->suspended[lv->nsuspended++] = req;
				MHD_suspend_connection(conn);
				return MHD_YES;
			}
		}
	}
	if (req->status == 0) {
		if (req->body_too_big)
			http_error(req, 413, "Request body too large");
		else if (!http_authorized(lv, req))
			http_error(req, 401,
			           "The request you have made requires "
			           "authentication.");
		else
			http_route(lv, req);
	}
	if (req->status == 401 && req->svc != SVC_K8S)
		http_set_header(req, "WWW-Authenticate",
		                "Keystone uri=\"http://127.0.0.1\"");
	admin_count(lv, req);
	return http_send(req);
}

static void
http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
               enum MHD_RequestTerminationCode toe)
{
	struct http_daemon_ctx *ctx = cls;
	struct localvim *lv = ctx->lv;
	struct http_req *req = *con_cls;
	size_t i;

	if (req == NULL)
		return;
	for (i = 0; i < lv->nsuspended; i++) {
		if (lv->suspended[i] == req) {
			lv->suspended[i] = lv->suspended[--lv->nsuspended];
			break;
		}
	}
	http_req_free(req);
	*con_cls = NULL;
}

int
http_start(struct localvim *lv)
{
	int s;

	for (s = 0; s < SVC_MAX; s++) {
		struct sockaddr_in sin;
		const union MHD_DaemonInfo *info;
		unsigned port;

		static const unsigned offsets[SVC_MAX] = {
		    [SVC_KEYSTONE] = 5000, [SVC_NOVA] = 8774,
		    [SVC_NEUTRON] = 9696,  [SVC_GLANCE] = 9292,
		    [SVC_OCTAVIA] = 9876,  [SVC_K8S] = 6443,
		    [SVC_ADMIN] = 5001,
		};

		port = lv->cfg.port_base
		           ? (unsigned)lv->cfg.port_base + offsets[s]
		           : 0;
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons((unsigned short)port);
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		http_ctx[s].lv = lv;
		http_ctx[s].svc = s;
		lv->mhd[s] = MHD_start_daemon(
		    MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
		        MHD_USE_ERROR_LOG,
		    (uint16_t)port, NULL, NULL, http_access, &http_ctx[s],
		    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
		    MHD_OPTION_NOTIFY_COMPLETED, http_completed, &http_ctx[s],
		    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
		    MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
		    MHD_OPTION_END);
		if (lv->mhd[s] == NULL) {
			fprintf(stderr,
			        "localvim: cannot listen on 127.0.0.1:%u for "
			        "%s\n",
			        port, lv_service_names[s]);
			http_stop(lv);
			return -EADDRINUSE;
		}
		info =
		    MHD_get_daemon_info(lv->mhd[s], MHD_DAEMON_INFO_BIND_PORT);
		lv->port[s] = info ? info->port : (unsigned short)port;
		snprintf(lv->url[s], sizeof(lv->url[s]), "http://127.0.0.1:%u",
		         (unsigned)lv->port[s]);
	}
	return 0;
}

void
http_stop(struct localvim *lv)
{
	int s;

	/* Requests still suspended must be resumed before MHD_stop_daemon. */
	while (lv->nsuspended > 0) {
		struct http_req *req = lv->suspended[--lv->nsuspended];

		MHD_resume_connection(req->conn);
	}
	for (s = 0; s < SVC_MAX; s++) {
		if (lv->mhd[s] != NULL)
			MHD_stop_daemon(lv->mhd[s]);
		lv->mhd[s] = NULL;
	}
	free(lv->suspended);
	lv->suspended = NULL;
	lv->suspended_cap = 0;
}

void
http_loop_once(struct localvim *lv, int timeout_ms, int wake_fd)
{
	struct pollfd pfd[SVC_MAX + 1];
	double now;
	size_t i;
	int s, n = 0;

	for (s = 0; s < SVC_MAX; s++) {
		const union MHD_DaemonInfo *info;
		MHD_UNSIGNED_LONG_LONG to;

		if (lv->mhd[s] == NULL)
			continue;
		info =
		    MHD_get_daemon_info(lv->mhd[s], MHD_DAEMON_INFO_EPOLL_FD);
		if (info == NULL)
			continue;
		pfd[n].fd = info->epoll_fd;
		pfd[n].events = POLLIN;
		n++;
		if (MHD_get_timeout(lv->mhd[s], &to) == MHD_YES &&
		    (long long)to < timeout_ms)
			timeout_ms = (int)to;
	}
	if (wake_fd >= 0) {
		pfd[n].fd = wake_fd;
		pfd[n].events = POLLIN;
		n++;
	}
	if (poll(pfd, (nfds_t)n, timeout_ms) < 0 && errno != EINTR)
		return;
	now = lv_now();
	for (i = 0; i < lv->nsuspended;) {
		struct http_req *req = lv->suspended[i];

		if (req->resume_at <= now) {
			req->suspended = false;
			lv->suspended[i] = lv->suspended[--lv->nsuspended];
			MHD_resume_connection(req->conn);
		} else {
			i++;
		}
	}
	for (s = 0; s < SVC_MAX; s++)
		if (lv->mhd[s] != NULL)
			MHD_run(lv->mhd[s]);
}
