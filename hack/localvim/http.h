/*
 * localvim's HTTP glue over libmicrohttpd: one daemon per service port, all
 * driven from one thread by http_loop_once(). Accumulates request bodies,
 * splits paths, collects query arguments, applies the admin knobs (latency,
 * faults, accounting), checks credentials, routes to the service handler
 * and sends its JSON reply. Handlers never touch MHD directly.
 */
#ifndef LV_HTTP_H
#define LV_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "query.h"
#include "strbuf.h"

struct localvim;
struct MHD_Connection;

#define HTTP_MAX_SEGS 16
#define HTTP_MAX_HEADERS 8

struct http_header {
	char *name;
	char *value;
};

struct http_req {
	struct MHD_Connection *conn;
	int svc;            /* enum lv_service */
	const char *method; /* borrowed from MHD */
	char *path;         /* decoded path, no trailing slash */
	char *segbuf;       /* path split in place: segs point into it */
	char *segs[HTTP_MAX_SEGS];
	size_t nseg;
	struct query query;
	struct strbuf body;
	bool body_too_big;
	/* The response being built. */
	unsigned status; /* 0 = not answered yet */
	struct strbuf out;
	const char *content_type;
	struct http_header hdrs[HTTP_MAX_HEADERS];
	size_t nhdr;
	/* Admin knobs: a delayed request waits suspended until resume_at. */
	bool checked;
	bool suspended;
	double resume_at;
	bool drop; /* close without answering (site unreachable) */
};

/* True when the request has this method (NULL = any) and its path has the
 * pattern's segments; "*" matches any one segment. */
bool http_match(const struct http_req *req, const char *method,
                const char *pattern);
/* Header value (case-insensitive name), borrowed, or NULL. */
const char *http_header(const struct http_req *req, const char *name);
/* Parses the body as JSON. 0 with *ret owned by the caller, or -EINVAL
 * after replying 400 with the given error style (see http_error). */
int http_body_json(struct http_req *req, struct json_object **ret);

/* Replies: each sets the status and body; the last call wins. */
/* Serializes obj (consumed; NULL gives an empty body). */
void http_reply_json(struct http_req *req, unsigned status,
                     struct json_object *obj);
void http_reply_text(struct http_req *req, unsigned status,
                     const char *content_type, const char *text);
void http_reply_empty(struct http_req *req, unsigned status);
/* An error in the service's own format (Nova, Neutron, Octavia, Glance,
 * Keystone, Kubernetes Status, admin). */
void http_error(struct http_req *req, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Adds a response header (copied). */
void http_set_header(struct http_req *req, const char *name, const char *value);

/* Binds every service daemon. 0 or -errno (message on stderr). */
int http_start(struct localvim *lv);
void http_stop(struct localvim *lv);
/* Waits up to timeout_ms for traffic or for wake_fd to be readable, runs
 * every daemon once and resumes delayed requests that are due. */
void http_loop_once(struct localvim *lv, int timeout_ms, int wake_fd);

#endif
