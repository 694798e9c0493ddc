/*
 * The controller's HTTP endpoints on libmicrohttpd's own polling thread;
 * see httpd.h. The loop and this thread share the status text, the ready
 * flag (both under h->lock), the metrics registry (its own lock) and an
 * eventfd that a verified push makes readable. Handlers never block on the
 * loop and never touch a VIM; they only read what the loop published.
 * Listens on loopback only.
 */
#include "httpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "metrics.h"
#include "sha256.h"
#include "strbuf.h"
#include "xalloc.h"

/* Push payloads of big repositories stay far below this. */
#define HTTPD_BODY_MAX (1024 * 1024)
/* Bodies up to this are read (and dropped) before a 413. */
#define HTTPD_DRAIN_MAX (64ULL * 1024 * 1024)

#define HTTPD_WEBHOOK_METRIC "nfvsync_webhook_requests_total"

struct httpd {
	struct MHD_Daemon *daemon;
	unsigned port;
	int trigger_fd;
	char *secret;
	char *ref;
	struct metrics *metrics;

	pthread_mutex_t lock; /* guards what follows */
	char *status_json;
	bool ready;
};

/* Per-request state between the access handler's calls. */
struct httpd_request {
	struct strbuf body; /* the webhook's only */
	bool keep;          /* a body worth keeping (the webhook's) */
	bool too_large;
};

/* An answer: status, text and its content type. */
struct httpd_reply {
	unsigned status;
	const char *content_type;
	char *body;        /* owned */
	const char *allow; /* for 405 */
};

static int httpd_fail(struct diag *reterr, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reports fmt in reterr (when given) and returns err. */
static int
httpd_fail(struct diag *reterr, int err, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (!reterr)
		return err;
	va_start(ap, fmt);
	strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	diag_error(reterr, NULL, "%s", strbuf_str(&sb));
	strbuf_done(&sb);
	return err;
}

/*
 * "127.0.0.1:9180", "[::1]:9180", "localhost:9180"; port 0 lets the
 * kernel choose. Only 127.0.0.0/8 and ::1: the controller's endpoints are
 * unauthenticated (bar the webhook) and must not face a network.
 */
static int
httpd_listen_parse(const char *listen, struct sockaddr_storage *ret,
                   socklen_t *ret_len, struct diag *reterr)
{
	const char *colon, *port_text;
	char host[INET6_ADDRSTRLEN + 1];
	unsigned long port;
	size_t hostlen;
	char *end;

	memset(ret, 0, sizeof(*ret));
	if (!listen || !*listen)
		return httpd_fail(reterr, -EINVAL, "listen address is empty");
	if (listen[0] == '[') {
		const char *close = strchr(listen, ']');

		if (!close || close[1] != ':')
			return httpd_fail(reterr, -EINVAL,
			                  "listen address '%s': expected "
			                  "[IPV6]:PORT",
			                  listen);
		colon = close + 1;
		hostlen = (size_t)(close - listen - 1);
		if (hostlen >= sizeof(host))
			return httpd_fail(reterr, -EINVAL,
			                  "listen address '%s': bad IPv6 "
			                  "address",
			                  listen);
		memcpy(host, listen + 1, hostlen);
	} else {
		colon = strrchr(listen, ':');
		if (!colon)
			return httpd_fail(reterr, -EINVAL,
			                  "listen address '%s': expected "
			                  "HOST:PORT, e.g. 127.0.0.1:9180",
			                  listen);
		hostlen = (size_t)(colon - listen);
		if (hostlen >= sizeof(host))
			return httpd_fail(reterr, -EINVAL,
			                  "listen address '%s': bad host",
			                  listen);
		memcpy(host, listen, hostlen);
	}
	host[hostlen] = '\0';

	port_text = colon + 1;
	errno = 0;
	port = strtoul(port_text, &end, 10);
	if (!*port_text || *end || errno || port > 65535 ||
	    !(*port_text >= '0' && *port_text <= '9'))
		return httpd_fail(reterr, -EINVAL,
		                  "listen address '%s': bad port '%s' "
		                  "(0-65535)",
		                  listen, port_text);

	if (strcmp(host, "localhost") == 0)
		strcpy(host, "127.0.0.1");
	if (listen[0] != '[') {
		struct sockaddr_in *sin = (struct sockaddr_in *)ret;

		if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
			return httpd_fail(reterr, -EINVAL,
			                  "listen address '%s': '%s' is not "
			                  "an IPv4 address (IPv6 goes in "
			                  "brackets)",
			                  listen, host);
		if ((ntohl(sin->sin_addr.s_addr) >> 24) != 127)
			return httpd_fail(reterr, -EPERM,
			                  "listen address '%s': %s is not a "
			                  "loopback address; nfvsync serves "
			                  "on 127.0.0.0/8 or [::1] only",
			                  listen, host);
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		*ret_len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ret;

		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
			return httpd_fail(reterr, -EINVAL,
			                  "listen address '%s': '%s' is not "
			                  "an IPv6 address",
			                  listen, host);
		if (!IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr))
			return httpd_fail(reterr, -EPERM,
			                  "listen address '%s': %s is not a "
			                  "loopback address; nfvsync serves "
			                  "on 127.0.0.0/8 or [::1] only",
			                  listen, host);
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		*ret_len = sizeof(*sin6);
	}
	return 0;
}

static void
httpd_count_webhook(struct httpd *h, const char *forge, const char *result)
{
	char labels[96];

	if (!h->metrics)
		return;
	snprintf(labels, sizeof(labels), "forge=\"%s\",result=\"%s\"", forge,
	         result);
	metrics_add(h->metrics, HTTPD_WEBHOOK_METRIC, labels, 1);
}

static void
httpd_reply_text(struct httpd_reply *r, unsigned status, const char *text)
{
	r->status = status;
	r->content_type = "text/plain; charset=utf-8";
	r->body = xasprintf("%s\n", text);
}

/* Does a push to pushed concern the configured ref? */
static bool
httpd_ref_matches(const char *want, const char *pushed)
{
	size_t n;

	/* Following the remote's HEAD: any push may move it. */
	if (!want)
		return true;
	if (strncmp(want, "refs/", 5) == 0)
		return strcmp(want, pushed) == 0;
	if (strncmp(pushed, "refs/heads/", 11) == 0)
		return strcmp(pushed + 11, want) == 0;
	if (strncmp(pushed, "refs/tags/", 10) == 0)
		return strcmp(pushed + 10, want) == 0;
	n = strlen(want);
	return strncmp(pushed, want, n) == 0 && pushed[n] == '\0';
}

/* "sha256=HEX" (GitHub) or "HEX" (Gitea) against the body's HMAC. */
static bool
httpd_signature_valid(const struct httpd *h, const char *given,
                      const struct strbuf *body)
{
	uint8_t mac[SHA256_LEN];
	char want[2 * SHA256_LEN + 1], got[2 * SHA256_LEN + 1];
	size_t i, n = strlen(given);

	if (n != 2 * SHA256_LEN)
		return false;
	for (i = 0; i < n; i++)
		got[i] = (char)((given[i] >= 'A' && given[i] <= 'F')
		                    ? given[i] - 'A' + 'a'
		                    : given[i]);
	got[n] = '\0';
	hmac_sha256(h->secret, strlen(h->secret), strbuf_str(body), body->len,
	            mac);
	sha256_hex(mac, sizeof(mac), want);
	return memeq_const_time(got, n, want, 2 * SHA256_LEN);
}

/* Makes the trigger fd readable; repeated pushes before the loop takes
 * the trigger fold into one wake-up. */
static void
httpd_trigger(struct httpd *h)
{
	uint64_t one = 1;
	ssize_t n;

	/* Only EAGAIN (counter saturated) can fail, and then it is already
	 * readable. */
	n = write(h->trigger_fd, &one, sizeof(one));
	(void)n;
}

static const char *
httpd_header(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

static void
httpd_webhook(struct httpd *h, struct MHD_Connection *c,
              const struct httpd_request *req, struct httpd_reply *r)
{
	const char *forge, *event, *sig, *pushed;
	struct json_object *doc = NULL, *ref;
	bool authentic, push;

	/* Gitea sends GitHub's headers too: look for its own first. */
	if ((sig = httpd_header(c, "X-Gitea-Signature"))) {
		forge = "gitea";
		authentic = httpd_signature_valid(h, sig, &req->body);
		event = httpd_header(c, "X-Gitea-Event");
		if (!event)
			event = httpd_header(c, "X-GitHub-Event");
		push = event && strcmp(event, "push") == 0;
	} else if ((sig = httpd_header(c, "X-Hub-Signature-256"))) {
		forge = "github";
		authentic = strncmp(sig, "sha256=", 7) == 0 &&
		            httpd_signature_valid(h, sig + 7, &req->body);
		event = httpd_header(c, "X-GitHub-Event");
		push = event && strcmp(event, "push") == 0;
	} else if ((sig = httpd_header(c, "X-Gitlab-Token"))) {
		forge = "gitlab";
		authentic = memeq_const_time(sig, strlen(sig), h->secret,
		                             strlen(h->secret));
		event = httpd_header(c, "X-Gitlab-Event");
		push = event && (strcmp(event, "Push Hook") == 0 ||
		                 strcmp(event, "Tag Push Hook") == 0);
	} else {
		httpd_count_webhook(h, "unknown", "unauthorized");
		httpd_reply_text(r, MHD_HTTP_UNAUTHORIZED,
		                 "no signature: expected X-Hub-Signature-256, "
		                 "X-Gitea-Signature or X-Gitlab-Token");
		return;
	}
	if (!authentic) {
		httpd_count_webhook(h, forge, "unauthorized");
		httpd_reply_text(r, MHD_HTTP_UNAUTHORIZED,
		                 "signature does not match the secret");
		return;
	}
	if (!event) {
		httpd_count_webhook(h, forge, "bad_request");
		httpd_reply_text(r, MHD_HTTP_BAD_REQUEST, "no event header");
		return;
	}
	if (strcmp(event, "ping") == 0) {
		httpd_count_webhook(h, forge, "ping");
		httpd_reply_text(r, MHD_HTTP_OK, "pong");
		return;
	}
	if (!push) {
		httpd_count_webhook(h, forge, "ignored");
		r->status = MHD_HTTP_ACCEPTED;
		r->content_type = "text/plain; charset=utf-8";
		r->body =
		    xasprintf("ignored: event '%s' is not a push\n", event);
		return;
	}

	if (req->body.len)
		doc = json_tokener_parse(strbuf_str(&req->body));
	if (!doc || !json_object_object_get_ex(doc, "ref", &ref) ||
	    !json_object_is_type(ref, json_type_string)) {
		httpd_count_webhook(h, forge, "bad_request");
		httpd_reply_text(r, MHD_HTTP_BAD_REQUEST,
		                 "body is not a JSON push event with a \"ref\" "
		                 "(set the webhook's content type to "
		                 "application/json)");
		json_object_put(doc);
		return;
	}
	pushed = json_object_get_string(ref);
	if (!httpd_ref_matches(h->ref, pushed)) {
		httpd_count_webhook(h, forge, "ignored");
		r->status = MHD_HTTP_ACCEPTED;
		r->content_type = "text/plain; charset=utf-8";
		r->body = xasprintf("ignored: push to %s, following %s\n",
		                    pushed, h->ref);
		json_object_put(doc);
		return;
	}
	json_object_put(doc);

	httpd_trigger(h);
	httpd_count_webhook(h, forge, "triggered");
	httpd_reply_text(r, MHD_HTTP_OK, "triggered");
}

static void
httpd_route(struct httpd *h, struct MHD_Connection *c, const char *url,
            const char *method, const struct httpd_request *req,
            struct httpd_reply *r)
{
	bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
	           strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;

	if (strcmp(url, "/webhook") == 0) {
		if (!h->secret) {
			httpd_reply_text(r, MHD_HTTP_NOT_FOUND,
			                 "no webhook secret configured");
			return;
		}
		if (strcmp(method, MHD_HTTP_METHOD_POST) != 0) {
			httpd_reply_text(r, MHD_HTTP_METHOD_NOT_ALLOWED,
			                 "method not allowed");
			r->allow = "POST";
			return;
		}
		if (req->too_large) {
			httpd_count_webhook(h, "unknown", "too_large");
			httpd_reply_text(r, MHD_HTTP_CONTENT_TOO_LARGE,
			                 "body larger than 1 MiB");
			return;
		}
		httpd_webhook(h, c, req, r);
		return;
	}
	if (strcmp(url, "/healthz") && strcmp(url, "/readyz") &&
	    strcmp(url, "/status") && strcmp(url, "/metrics")) {
		httpd_reply_text(r, MHD_HTTP_NOT_FOUND, "not found");
		return;
	}
	if (!get) {
		httpd_reply_text(r, MHD_HTTP_METHOD_NOT_ALLOWED,
		                 "method not allowed");
		r->allow = "GET, HEAD";
		return;
	}
	if (strcmp(url, "/healthz") == 0) {
		httpd_reply_text(r, MHD_HTTP_OK, "ok");
	} else if (strcmp(url, "/readyz") == 0) {
		bool ready;

		pthread_mutex_lock(&h->lock);
		ready = h->ready;
		pthread_mutex_unlock(&h->lock);
		httpd_reply_text(
		    r, ready ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE,
		    ready ? "ready" : "not ready");
	} else if (strcmp(url, "/status") == 0) {
		pthread_mutex_lock(&h->lock);
		if (h->status_json) {
			r->status = MHD_HTTP_OK;
			r->content_type = "application/json";
			r->body = xstrdup(h->status_json);
		}
		pthread_mutex_unlock(&h->lock);
		if (!r->body)
			httpd_reply_text(r, MHD_HTTP_SERVICE_UNAVAILABLE,
			                 "no status yet: the first cycle has "
			                 "not finished");
	} else if (!h->metrics) {
		httpd_reply_text(r, MHD_HTTP_NOT_FOUND, "no metrics");
	} else {
		r->status = MHD_HTTP_OK;
		r->content_type = "text/plain; version=0.0.4; charset=utf-8";
		r->body = metrics_render(h->metrics);
	}
}

static enum MHD_Result
httpd_send(struct MHD_Connection *c, struct httpd_reply *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t len = strlen(r->body);

	resp = MHD_create_response_from_buffer(len, r->body,
	                                       MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(r->body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	                        r->content_type);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
	                        "no-store");
	if (r->allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	ret = MHD_queue_response(c, r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
httpd_access(void *cls, struct MHD_Connection *c, const char *url,
             const char *method, const char *version, const char *upload_data,
             size_t *upload_data_size, void **con_cls)
{
	struct httpd *h = cls;
	struct httpd_request *req = *con_cls;
	struct httpd_reply r = {0};

	if (!req) {
		const char *len = httpd_header(c, "Content-Length");

		req = xcalloc(1, sizeof(*req));
		*con_cls = req;
		req->keep = strcmp(url, "/webhook") == 0;
		/*
		 * An oversize body is read and dropped so that the client,
		 * still sending, sees the 413 rather than a reset; only a
		 * huge one is refused at once.
		 */
		if (!len || strtoull(len, NULL, 10) <= HTTPD_DRAIN_MAX)
			return MHD_YES;
		req->too_large = true;
	} else if (*upload_data_size) {
		if (req->body.len + *upload_data_size > HTTPD_BODY_MAX)
			req->too_large = true;
		if (req->keep && !req->too_large)
			strbuf_add(&req->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	httpd_route(h, c, url, method, req, &r);
	return httpd_send(c, &r);
}

static void
httpd_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                enum MHD_RequestTerminationCode toe)
{
	struct httpd_request *req = *con_cls;

	if (!req)
		return;
	strbuf_done(&req->body);
	free(req);
	*con_cls = NULL;
}

int
httpd_start(const struct httpd_opts *o, struct httpd **ret, struct diag *reterr)
{
	struct sockaddr_storage addr;
	struct httpd *h;
	socklen_t addrlen;
	int fd = -1, one = 1;
	unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD;
	int r;

	*ret = NULL;
	r = httpd_listen_parse(o->listen, &addr, &addrlen, reterr);
	if (r < 0)
		return r;
	if (addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;

	h = xcalloc(1, sizeof(*h));
	pthread_mutex_init(&h->lock, NULL);
	h->secret = o->webhook_secret && *o->webhook_secret
	                ? xstrdup(o->webhook_secret)
	                : NULL;
	h->ref = o->ref ? xstrdup(o->ref) : NULL;
	h->metrics = o->metrics;
	h->trigger_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (h->trigger_fd < 0) {
		r = -errno;
		httpd_fail(reterr, r, "webhook trigger: eventfd: %s",
		           strerror(-r));
		goto out;
	}
	if (h->metrics)
		metrics_declare(h->metrics, HTTPD_WEBHOOK_METRIC, "counter",
		                "Webhook requests by forge and result "
		                "(triggered, ignored, ping, unauthorized, "
		                "bad_request, too_large).",
		                NULL, 0);

	/* Our own socket: a failed bind reports its real reason. */
	fd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&addr, addrlen) < 0 ||
	    listen(fd, 64) < 0 ||
	    getsockname(fd, (struct sockaddr *)&addr, &addrlen) < 0) {
		r = -errno;
		httpd_fail(reterr, r, "cannot listen on %s: %s", o->listen,
		           strerror(-r));
		goto out;
	}
	h->port = ntohs(addr.ss_family == AF_INET6
	                    ? ((struct sockaddr_in6 *)&addr)->sin6_port
	                    : ((struct sockaddr_in *)&addr)->sin_port);

	h->daemon = MHD_start_daemon(
	    flags, 0, NULL, NULL, httpd_access, h, MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_NOTIFY_COMPLETED, httpd_completed, h,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10, MHD_OPTION_END);
	if (!h->daemon) {
		r = -EIO;
		httpd_fail(reterr, r,
		           "cannot serve on %s: libmicrohttpd "
		           "failed to start",
		           o->listen);
		goto out;
	}
	fd = -1; /* the daemon's now */
	*ret = h;
	h = NULL;
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	httpd_stop(h);
	return r;
}

unsigned
httpd_port(const struct httpd *h)
{
	return h->port;
}

void
httpd_set_status(struct httpd *h, const char *json)
{
	char *copy = json ? xstrdup(json) : NULL;

	pthread_mutex_lock(&h->lock);
	free(h->status_json);
	h->status_json = copy;
	pthread_mutex_unlock(&h->lock);
}

void
httpd_set_ready(struct httpd *h, bool ready)
{
	pthread_mutex_lock(&h->lock);
	h->ready = ready;
	pthread_mutex_unlock(&h->lock);
}

int
httpd_trigger_fd(const struct httpd *h)
{
	return h->trigger_fd;
}

bool
httpd_take_trigger(struct httpd *h)
{
	uint64_t n;

	return read(h->trigger_fd, &n, sizeof(n)) == (ssize_t)sizeof(n);
}

void
httpd_stop(struct httpd *h)
{
	if (!h)
		return;
	if (h->daemon)
		MHD_stop_daemon(h->daemon);
	if (h->trigger_fd >= 0)
		close(h->trigger_fd);
	if (h->secret) {
		memset(h->secret, 0, strlen(h->secret));
		free(h->secret);
	}
	free(h->ref);
	free(h->status_json);
	pthread_mutex_destroy(&h->lock);
	free(h);
}
