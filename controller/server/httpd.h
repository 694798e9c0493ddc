/*
 * The controller's HTTP endpoints (libmicrohttpd, on its own thread,
 * loopback by default): /healthz, /readyz, /status (JSON published by the
 * loop), /metrics (Prometheus text from a metrics registry) and /webhook
 * (GitHub, GitLab and Gitea push events, verified against a shared
 * secret), which wakes the loop through a pollable file descriptor.
 */
#ifndef NFV_HTTPD_H
#define NFV_HTTPD_H

#include <stdbool.h>

#include "diag.h"

struct metrics;

struct httpd_opts {
	const char *listen;         /* "127.0.0.1:9180"; port 0 = any */
	const char *webhook_secret; /* NULL: /webhook answers 404 */
	const char *ref;            /* pushes to other refs do not trigger */
	struct metrics *metrics;    /* borrowed */
};

struct httpd;

/*
 * Starts serving on o->listen (127.0.0.0/8 or [::1] only: anything else is
 * -EPERM with the reason in reterr; a bad address -EINVAL; a bind failure
 * its -errno). /webhook: POST, at most 1 MiB (413), signed with
 * X-Hub-Signature-256 (GitHub), X-Gitea-Signature (Gitea) or
 * X-Gitlab-Token (GitLab), else 401; "ping" answers 200; a push to o->ref
 * ("main", "refs/heads/main", a tag; NULL: any ref) triggers (200), other
 * refs and events are accepted without triggering (202). When o->metrics
 * is set, declares and counts nfvsync_webhook_requests_total{forge,result}.
 */
int httpd_start(const struct httpd_opts *o, struct httpd **ret,
                struct diag *reterr);
/* The port actually bound (useful with port 0). */
unsigned httpd_port(const struct httpd *h);
/* Replaces the JSON served on /status (copied). */
void httpd_set_status(struct httpd *h, const char *json);
/* /readyz answers 200 once ready, 503 before. */
void httpd_set_ready(struct httpd *h, bool ready);
/* Readable after a verified push event; httpd_take_trigger drains it and
 * says whether one came. */
int httpd_trigger_fd(const struct httpd *h);
bool httpd_take_trigger(struct httpd *h);
void httpd_stop(struct httpd *h);

#endif
