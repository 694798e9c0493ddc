/*
 * The HTTP client: options, the curl multi loop that runs requests with a
 * bound on concurrency, the retry policy (what is retried, how long to wait)
 * and request accounting. Error text and redaction live in http_text.c.
 *
 * It must not log, sleep other than through the injected clock, or retry a
 * 4xx other than 429.
 */
#include "http.h"
#include "http_internal.h"
#include "strbuf.h"
#include "xalloc.h"

#include <assert.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#ifndef NFVSYNC_VERSION
#define NFVSYNC_VERSION "0"
#endif

#define HTTP_MAX_DELAYS                                                        \
	(sizeof(((struct http_response *)0)->delays_ms) /                      \
	 sizeof(((struct http_response *)0)->delays_ms[0]))

struct http_client {
	struct http_options o;
	char *ca_file;
	char *ca_pem;
	char *cert_file;
	char *cert_pem;
	char *key_file;
	char *key_pem;
	char *user_agent;
	CURLM *multi;
	uint64_t rng;
	struct http_stat *stats;
	size_t nstats;
	size_t capstats;
};

enum http_xfer_state {
	HTTP_XFER_WAITING,
	HTTP_XFER_RUNNING,
	HTTP_XFER_DONE,
};

/* One request of a batch through all its attempts. */
struct http_xfer {
	struct http_client *client;
	const struct http_request *req;
	struct http_response *resp;
	enum http_xfer_state state;
	unsigned max_attempts;
	int64_t due_ms;
	CURL *easy;
	struct curl_slist *hdrs;
	struct strbuf body;
	char errbuf[CURL_ERROR_SIZE];
};

static int curl_users;

static int64_t
http_real_now_ms(void *payload)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
http_real_sleep_ms(int64_t ms, void *payload)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* xorshift64*: jitter needs spread, not cryptographic quality. */
static uint64_t
http_real_random(void *payload)
{
	uint64_t *s = payload;

	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

void
http_options_init(struct http_options *o)
{
	memset(o, 0, sizeof(*o));
	o->connect_timeout_ms = 10000;
	o->timeout_ms = 60000;
	o->max_attempts = 4;
	o->backoff_base_ms = 500;
	o->backoff_max_ms = 30000;
	o->retry_after_max_ms = 60000;
	o->max_in_flight = 8;
}

static void
http_options_fill(struct http_options *o)
{
	struct http_options d;

	http_options_init(&d);
	if (o->connect_timeout_ms <= 0)
		o->connect_timeout_ms = d.connect_timeout_ms;
	if (o->timeout_ms <= 0)
		o->timeout_ms = d.timeout_ms;
	if (o->max_attempts == 0)
		o->max_attempts = d.max_attempts;
	if (o->backoff_base_ms <= 0)
		o->backoff_base_ms = d.backoff_base_ms;
	if (o->backoff_max_ms <= 0)
		o->backoff_max_ms = d.backoff_max_ms;
	if (o->retry_after_max_ms <= 0)
		o->retry_after_max_ms = d.retry_after_max_ms;
	if (o->max_in_flight == 0)
		o->max_in_flight = d.max_in_flight;
}

int
http_client_new(const struct http_options *opts, struct http_client **ret,
                struct diag *reterr)
{
	struct http_client *c;

	if (curl_users++ == 0 && curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		curl_users--;
		diag_error(reterr, NULL, "libcurl initialisation failed");
		return -EIO;
	}
	c = xcalloc(1, sizeof(*c));
	if (opts)
		c->o = *opts;
	http_options_fill(&c->o);
	c->ca_file = c->o.ca_file ? xstrdup(c->o.ca_file) : NULL;
	c->ca_pem = c->o.ca_pem ? xstrdup(c->o.ca_pem) : NULL;
	c->cert_file = c->o.cert_file ? xstrdup(c->o.cert_file) : NULL;
	c->cert_pem = c->o.cert_pem ? xstrdup(c->o.cert_pem) : NULL;
	c->key_file = c->o.key_file ? xstrdup(c->o.key_file) : NULL;
	c->key_pem = c->o.key_pem ? xstrdup(c->o.key_pem) : NULL;
	c->user_agent = c->o.user_agent ? xstrdup(c->o.user_agent)
	                                : xstrdup("nfvsync/" NFVSYNC_VERSION);
	c->o.ca_file = c->ca_file;
	c->o.ca_pem = c->ca_pem;
	c->o.cert_file = c->cert_file;
	c->o.cert_pem = c->cert_pem;
	c->o.key_file = c->key_file;
	c->o.key_pem = c->key_pem;
	c->o.user_agent = c->user_agent;
	c->rng = (uint64_t)http_real_now_ms(NULL) * 0x9E3779B97F4A7C15ULL ^
	         (uint64_t)getpid();
	if (c->rng == 0)
		c->rng = 1;
	c->multi = curl_multi_init();
	if (!c->multi) {
		diag_error(reterr, NULL,
		           "libcurl: cannot create a multi handle");
		http_client_free(c);
		return -ENOMEM;
	}
	*ret = c;
	return 0;
}

void
http_client_free(struct http_client *c)
{
	size_t i;

	if (!c)
		return;
	if (c->multi)
		curl_multi_cleanup(c->multi);
	for (i = 0; i < c->nstats; i++) {
		free((char *)c->stats[i].service);
		free((char *)c->stats[i].method);
	}
	free(c->stats);
	free(c->ca_file);
	free(c->ca_pem);
	free(c->cert_file);
	free(c->cert_pem);
	free(c->key_file);
	if (c->key_pem) {
		volatile char *p = c->key_pem;

		while (*p)
			*p++ = '\0';
		free(c->key_pem);
	}
	free(c->user_agent);
	free(c);
	if (--curl_users == 0)
		curl_global_cleanup();
}

const struct http_clock *
http_client_clock(const struct http_client *c)
{
	return &c->o.clock;
}

int64_t
http_client_now_ms(const struct http_client *c)
{
	if (c->o.clock.now_ms)
		return c->o.clock.now_ms(c->o.clock.payload);
	return http_real_now_ms(NULL);
}

void
http_client_sleep_ms(struct http_client *c, int64_t ms)
{
	if (c->o.clock.sleep_ms)
		c->o.clock.sleep_ms(ms, c->o.clock.payload);
	else
		http_real_sleep_ms(ms, NULL);
}

static uint64_t
http_client_random(struct http_client *c)
{
	if (c->o.clock.random)
		return c->o.clock.random(c->o.clock.payload);
	return http_real_random(&c->rng);
}

/* ---- accounting ---- */

static void
http_stats_add(struct http_client *c, const char *service, const char *method,
               long status)
{
	struct http_stat *s;
	size_t i;

	for (i = 0; i < c->nstats; i++) {
		s = &c->stats[i];
		if (s->status == status && strcmp(s->service, service) == 0 &&
		    strcmp(s->method, method) == 0) {
			s->count++;
			return;
		}
	}
	XGROW(c->stats, c->capstats, c->nstats + 1);
	s = &c->stats[c->nstats++];
	s->service = xstrdup(service);
	s->method = xstrdup(method);
	s->status = status;
	s->count = 1;
}

size_t
http_client_stats(const struct http_client *c, const struct http_stat **ret)
{
	*ret = c->stats;
	return c->nstats;
}

static bool
http_status_matches(long have, long want)
{
	if (want < 0)
		return true;
	if (want >= 1 && want <= 5)
		return have / 100 == want;
	return have == want;
}

uint64_t
http_client_count(const struct http_client *c, const char *service,
                  const char *method, long status)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < c->nstats; i++) {
		const struct http_stat *s = &c->stats[i];

		if (service && strcmp(service, s->service) != 0)
			continue;
		if (method && strcmp(method, s->method) != 0)
			continue;
		if (!http_status_matches(s->status, status))
			continue;
		sum += s->count;
	}
	return sum;
}

void
http_client_stats_reset(struct http_client *c)
{
	size_t i;

	for (i = 0; i < c->nstats; i++) {
		free((char *)c->stats[i].service);
		free((char *)c->stats[i].method);
	}
	c->nstats = 0;
}

/* ---- responses ---- */

void
http_response_done(struct http_response *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nheaders; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	free(r->headers);
	free(r->method);
	free(r->url);
	free(r->body);
	free(r->error_text);
	free(r->reason);
	memset(r, 0, sizeof(*r));
}

static void
http_response_clear_answer(struct http_response *r)
{
	size_t i;

	for (i = 0; i < r->nheaders; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	free(r->headers);
	r->headers = NULL;
	r->nheaders = 0;
	free(r->body);
	r->body = NULL;
	r->body_len = 0;
	free(r->error_text);
	r->error_text = NULL;
	free(r->reason);
	r->reason = NULL;
	r->status = 0;
	r->error = 0;
}

const char *
http_response_header(const struct http_response *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nheaders; i++) {
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	}
	return NULL;
}

static size_t
http_write_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct http_xfer *x = userdata;

	strbuf_add(&x->body, ptr, size * nmemb);
	return size * nmemb;
}

static char *
http_trim_dup(const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	                 s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return xstrndup(s, n);
}

/* One header line; a status line starts a new header block (after 1xx). */
static size_t
http_header_cb(char *ptr, size_t size, size_t nitems, void *userdata)
{
	struct http_xfer *x = userdata;
	struct http_response *r = x->resp;
	size_t n = size * nitems;
	const char *colon;
	size_t i;

	if (n >= 5 && strncmp(ptr, "HTTP/", 5) == 0) {
		const char *sp = memchr(ptr, ' ', n), *sp2;

		for (i = 0; i < r->nheaders; i++) {
			free(r->headers[i].name);
			free(r->headers[i].value);
		}
		r->nheaders = 0;
		free(r->reason);
		r->reason = NULL;
		if (sp) {
			sp2 = memchr(sp + 1, ' ', n - (size_t)(sp + 1 - ptr));
			if (sp2)
				r->reason = http_trim_dup(
				    sp2 + 1, n - (size_t)(sp2 + 1 - ptr));
		}
		return n;
	}
	colon = memchr(ptr, ':', n);
	if (!colon || ptr[0] == ' ' || ptr[0] == '\t')
		return n;
	r->headers =
	    xrealloc(r->headers, (r->nheaders + 1) * sizeof(*r->headers));
	r->headers[r->nheaders].name =
	    http_trim_dup(ptr, (size_t)(colon - ptr));
	r->headers[r->nheaders].value =
	    http_trim_dup(colon + 1, n - (size_t)(colon + 1 - ptr));
	r->nheaders++;
	return n;
}

/* ---- one attempt ---- */

static bool
http_has_header(const struct http_request *req, const char *name)
{
	size_t i, len = strlen(name);

	for (i = 0; i < req->nheaders; i++) {
		if (strncasecmp(req->headers[i], name, len) == 0 &&
		    req->headers[i][len] == ':')
			return true;
	}
	return false;
}

/* The client certificate and key, from files or PEM text (blobs copied by
 * libcurl). */
static void
http_set_client_cert(const struct http_client *c, CURL *e)
{
	if (c->cert_file)
		curl_easy_setopt(e, CURLOPT_SSLCERT, c->cert_file);
	if (c->cert_pem) {
		struct curl_blob blob = {c->cert_pem, strlen(c->cert_pem),
		                         CURL_BLOB_COPY};

		curl_easy_setopt(e, CURLOPT_SSLCERT_BLOB, &blob);
	}
	if (c->cert_file || c->cert_pem)
		curl_easy_setopt(e, CURLOPT_SSLCERTTYPE, "PEM");
	if (c->key_file)
		curl_easy_setopt(e, CURLOPT_SSLKEY, c->key_file);
	if (c->key_pem) {
		struct curl_blob blob = {c->key_pem, strlen(c->key_pem),
		                         CURL_BLOB_COPY};

		curl_easy_setopt(e, CURLOPT_SSLKEY_BLOB, &blob);
	}
	if (c->key_file || c->key_pem)
		curl_easy_setopt(e, CURLOPT_SSLKEYTYPE, "PEM");
}

static int
http_xfer_start(struct http_xfer *x)
{
	struct http_client *c = x->client;
	const struct http_request *req = x->req;
	const char *m = req->method;
	size_t i, blen;
	CURL *e;

	e = curl_easy_init();
	if (!e)
		return -ENOMEM;
	x->easy = e;
	x->errbuf[0] = '\0';
	strbuf_reset(&x->body);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_URL, req->url);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->o.connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, c->o.timeout_ms);
	curl_easy_setopt(e, CURLOPT_USERAGENT, c->user_agent);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, http_header_cb);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	if (c->o.insecure) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	} else {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
		if (c->ca_file)
			curl_easy_setopt(e, CURLOPT_CAINFO, c->ca_file);
		if (c->ca_pem) {
			struct curl_blob blob = {c->ca_pem, strlen(c->ca_pem),
			                         CURL_BLOB_COPY};

			curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &blob);
		}
	}
	http_set_client_cert(c, e);

	if (!x->hdrs) {
		for (i = 0; i < req->nheaders; i++)
			x->hdrs = curl_slist_append(x->hdrs, req->headers[i]);
		if (!http_has_header(req, "Accept"))
			x->hdrs = curl_slist_append(x->hdrs,
			                            "Accept: application/json");
		if (req->body && !http_has_header(req, "Content-Type"))
			x->hdrs = curl_slist_append(
			    x->hdrs, "Content-Type: application/json");
		if (!req->body)
			x->hdrs = curl_slist_append(x->hdrs, "Content-Type:");
		x->hdrs = curl_slist_append(x->hdrs, "Expect:");
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->hdrs);

	if (strcmp(m, "HEAD") == 0) {
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	} else if (strcmp(m, "GET") == 0 && !req->body) {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	} else if (req->body || strcmp(m, "POST") == 0 ||
	           strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0) {
		/* Bodiless POST/PUT/PATCH still send Content-Length: 0. */
		blen = req->body
		           ? (req->body_len ? req->body_len : strlen(req->body))
		           : 0;
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		                 (curl_off_t)blen);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS,
		                 req->body ? req->body : "");
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m);
	} else {
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m);
	}

	http_response_clear_answer(x->resp);
	x->resp->attempts++;
	if (curl_multi_add_handle(c->multi, e) != CURLM_OK) {
		curl_easy_cleanup(e);
		x->easy = NULL;
		return -EIO;
	}
	x->state = HTTP_XFER_RUNNING;
	return 0;
}

static int
http_curl_errno(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		return -ECONNREFUSED;
	case CURLE_OPERATION_TIMEDOUT:
		return -ETIMEDOUT;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return -EHOSTUNREACH;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
		return -EPROTO;
	case CURLE_OUT_OF_MEMORY:
		return -ENOMEM;
	default:
		return -EIO;
	}
}

/* Failures where the server may simply not have been ready. */
static bool
http_curl_retryable(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		return true;
	default:
		return false;
	}
}

bool
http_status_retryable(long status)
{
	return status == 429 || status == 502 || status == 503 || status == 504;
}

/* Exponential backoff with "equal jitter": half fixed, half random. */
static int64_t
http_backoff_ms(struct http_client *c, unsigned attempt)
{
	int64_t d = c->o.backoff_base_ms;
	unsigned i;

	for (i = 1; i < attempt && d < c->o.backoff_max_ms; i++)
		d *= 2;
	if (d > c->o.backoff_max_ms)
		d = c->o.backoff_max_ms;
	return d / 2 + (int64_t)(http_client_random(c) % (uint64_t)(d / 2 + 1));
}

static void
http_xfer_trace(struct http_xfer *x, curl_off_t elapsed_us, int64_t retry_ms)
{
	struct http_client *c = x->client;
	struct http_response *r = x->resp;
	struct strbuf sb = STRBUF_INIT;

	if (!c->o.trace)
		return;
	strbuf_printf(&sb, "%s %s -> ", r->method, r->url);
	if (r->error < 0)
		strbuf_printf(&sb, "connection failed: %s", r->error_text);
	else
		strbuf_printf(&sb, "%ld", r->status);
	strbuf_printf(&sb, " in %lld ms (attempt %u/%u)",
	              (long long)(elapsed_us / 1000), r->attempts,
	              x->max_attempts);
	if (retry_ms >= 0)
		strbuf_printf(&sb, ", retry in %lld ms", (long long)retry_ms);
	c->o.trace(strbuf_str(&sb), c->o.trace_payload);
	strbuf_done(&sb);
}

/* An attempt ended: keep the answer, or schedule the next attempt. */
static void
http_xfer_finish(struct http_xfer *x, CURLcode rc, int64_t now)
{
	struct http_client *c = x->client;
	struct http_response *r = x->resp;
	const char *ra;
	bool retry;
	int64_t delay = -1;
	curl_off_t elapsed_us = 0;
	long status = 0;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME_T, &elapsed_us);
	curl_multi_remove_handle(c->multi, x->easy);
	curl_easy_cleanup(x->easy);
	x->easy = NULL;

	if (rc == CURLE_OK) {
		r->status = status;
		r->body_len = x->body.len;
		r->body = strbuf_detach(&x->body);
		retry = http_status_retryable(status);
		ra = http_response_header(r, "Retry-After");
		if (retry && ra) {
			delay = http_retry_after_ms(ra, now);
			if (delay > c->o.retry_after_max_ms)
				delay = c->o.retry_after_max_ms;
		}
	} else {
		r->status = 0;
		r->error = http_curl_errno(rc);
		r->error_text =
		    xstrdup(x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc));
		retry = http_curl_retryable(rc);
	}
	http_stats_add(c, x->req->service ? x->req->service : "other",
	               x->req->method, r->status);
	if (!r->body) {
		r->body = strbuf_detach(&x->body);
		r->body_len = 0;
	}

	if (retry && r->attempts < x->max_attempts) {
		if (delay < 0)
			delay = http_backoff_ms(c, r->attempts);
		if (r->ndelays < HTTP_MAX_DELAYS)
			r->delays_ms[r->ndelays++] = delay;
		x->due_ms = now + delay;
		x->state = HTTP_XFER_WAITING;
		http_xfer_trace(x, elapsed_us, delay);
		return;
	}
	x->state = HTTP_XFER_DONE;
	http_xfer_trace(x, elapsed_us, -1);
}

/* Userinfo in a URL (http://user:pass@host) never reaches a message. */
static char *
http_url_for_text(const char *url)
{
	const char *p = strstr(url, "://"), *at, *end;

	if (!p)
		return xstrdup(url);
	p += 3;
	end = p + strcspn(p, "/?#");
	at = memchr(p, '@', (size_t)(end - p));
	if (!at)
		return xstrdup(url);
	return xasprintf("%.*s***@%s", (int)(p - url), url, at + 1);
}

int
http_do_many(struct http_client *c, const struct http_request *reqs, size_t n,
             struct http_response *resps, struct diag *reterr)
{
	struct http_xfer *xs;
	size_t i, remaining = n, running = 0;
	int r = 0;

	xs = xcalloc(n ? n : 1, sizeof(*xs));
	for (i = 0; i < n; i++) {
		xs[i].client = c;
		xs[i].req = &reqs[i];
		xs[i].resp = &resps[i];
		xs[i].state = HTTP_XFER_WAITING;
		xs[i].max_attempts = reqs[i].max_attempts ? reqs[i].max_attempts
		                                          : c->o.max_attempts;
		memset(&resps[i], 0, sizeof(resps[i]));
		resps[i].method = xstrdup(reqs[i].method);
		resps[i].url = http_url_for_text(reqs[i].url);
	}

	while (remaining > 0) {
		int64_t now = http_client_now_ms(c), earliest = INT64_MAX;
		CURLMsg *msg;
		int still, left, timeout;

		for (i = 0; i < n && running < c->o.max_in_flight; i++) {
			if (xs[i].state != HTTP_XFER_WAITING ||
			    xs[i].due_ms > now)
				continue;
			if (http_xfer_start(&xs[i]) < 0) {
				resps[i].error = -ENOMEM;
				resps[i].error_text =
				    xstrdup("cannot start the transfer");
				xs[i].state = HTTP_XFER_DONE;
				remaining--;
				continue;
			}
			running++;
		}
		for (i = 0; i < n; i++) {
			if (xs[i].state == HTTP_XFER_WAITING &&
			    xs[i].due_ms < earliest)
				earliest = xs[i].due_ms;
		}
		if (running == 0) {
			if (remaining == 0)
				break;
			/* Only retries waiting for their time: sleep. */
			assert(earliest != INT64_MAX);
			http_client_sleep_ms(c, earliest - now);
			continue;
		}

		curl_multi_perform(c->multi, &still);
		while ((msg = curl_multi_info_read(c->multi, &left))) {
			struct http_xfer *x = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			                  (char **)&x);
			http_xfer_finish(x, msg->data.result,
			                 http_client_now_ms(c));
			running--;
			if (x->state == HTTP_XFER_DONE)
				remaining--;
		}
		if (remaining == 0 || running == 0)
			continue;
		timeout = 1000;
		now = http_client_now_ms(c);
		/* A retry coming due matters only if a slot is free for it;
		 * otherwise wait for the transfers (no busy loop). */
		for (i = 0; i < n && running < c->o.max_in_flight; i++) {
			if (xs[i].state == HTTP_XFER_WAITING) {
				int64_t w = xs[i].due_ms - now;

				if (w < 0)
					w = 0;
				if (w < timeout)
					timeout = (int)w;
			}
		}
		curl_multi_poll(c->multi, NULL, 0, timeout, NULL);
	}

	for (i = 0; i < n; i++) {
		curl_slist_free_all(xs[i].hdrs);
		strbuf_done(&xs[i].body);
		if (resps[i].error < 0) {
			diag_error(reterr, NULL,
			           "%s %s -> connection failed: %s",
			           resps[i].method, resps[i].url,
			           resps[i].error_text ? resps[i].error_text
			                               : "unknown error");
			if (r == 0)
				r = resps[i].error;
		}
	}
	free(xs);
	return r;
}

int
http_do(struct http_client *c, const struct http_request *req,
        struct http_response *resp, struct diag *reterr)
{
	return http_do_many(c, req, 1, resp, reterr);
}
