/*
 * The one HTTP seam every VIM driver uses: a per-VIM client on libcurl (multi
 * interface) that sends JSON requests, retries what is safe to retry with
 * exponential backoff and jitter (honouring Retry-After), bounds how many
 * requests are in flight, counts requests for metrics and benchmarks, and
 * formats errors as `METHOD URL -> STATUS: message`.
 *
 * It knows HTTP and JSON, not any VIM: no URL building, no authentication
 * (drivers add their own headers). It never logs and never puts a secret
 * (auth headers, password/secret/token fields) into an error message.
 *
 * Not thread-safe: one client is used from one thread (the controller loop).
 */
#ifndef NFV_HTTP_H
#define NFV_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct json_object;

/*
 * Time and randomness, injectable so tests can assert the backoff delays
 * without sleeping. Any member left NULL uses the real one (wall clock in
 * milliseconds since the epoch, nanosleep, a seeded xorshift).
 */
struct http_clock {
	int64_t (*now_ms)(void *payload);
	void (*sleep_ms)(int64_t ms, void *payload);
	uint64_t (*random)(void *payload);
	void *payload;
};

/*
 * Called after every attempt with one line for debug logs, e.g.
 * "GET https://nova/v2.1/servers -> 503 in 12 ms (attempt 1/4), retry in
 * 250 ms". The line holds no header or body, so no secret.
 */
typedef void (*http_trace_fn)(const char *line, void *payload);

/* Client settings; a zeroed struct (or http_options_init) means defaults. */
struct http_options {
	long connect_timeout_ms; /* default 10 s */
	long timeout_ms;         /* whole request, default 60 s */
	/* TLS: verification is on unless insecure is set (the caller must
	 * warn the user then). ca_file is a CA bundle path; ca_pem is CA
	 * certificates as PEM text (Tacker's ssl_ca_cert). */
	bool insecure;
	const char *ca_file;
	const char *ca_pem;
	/* A TLS client certificate and its key (kubeconfig users), each as a
	 * PEM file path or PEM text; the key text is wiped on free. */
	const char *cert_file;
	const char *cert_pem;
	const char *key_file;
	const char *key_pem;
	unsigned max_attempts;   /* per request, including the first; 4 */
	long backoff_base_ms;    /* first retry delay before jitter; 500 */
	long backoff_max_ms;     /* cap of the exponential delay; 30 s */
	long retry_after_max_ms; /* cap of an honoured Retry-After; 60 s */
	unsigned max_in_flight;  /* concurrent requests per client; 8 */
	const char *user_agent;  /* default "nfvsync/<version>" */
	struct http_clock clock;
	http_trace_fn trace; /* NULL: silent */
	void *trace_payload;
};

void http_options_init(struct http_options *o);

struct http_header {
	char *name;
	char *value;
};

/*
 * One request. All pointers are borrowed for the duration of the call.
 * headers are complete "Name: value" lines. A body is sent with
 * Content-Type: application/json unless a header sets another type.
 */
struct http_request {
	const char *service; /* accounting label ("compute"); NULL: "other" */
	const char *method;  /* "GET", "POST", ... */
	const char *url;
	const char *const *headers;
	size_t nheaders;
	const char *body; /* NULL: no body */
	size_t body_len;  /* 0 with a body: strlen(body) */
	/* 0: the client's max_attempts; 1: never retry (e.g. a create that
	 * must not run twice when the first attempt's fate is unknown). */
	unsigned max_attempts;
};

/*
 * One response, owned by the caller: http_response_done frees it. method and
 * url are copies for error messages. error is 0 when an HTTP answer arrived
 * (any status), else the negative errno of the transport failure.
 */
struct http_response {
	char *method;
	char *url;
	long status;  /* 0 when no answer arrived */
	char *reason; /* the status line's reason phrase, or NULL */
	struct http_header *headers;
	size_t nheaders;
	char *body; /* NUL-terminated, may be "" (never NULL once filled) */
	size_t body_len;
	unsigned attempts;
	int error;
	char *error_text; /* curl's words for a transport failure, or NULL */
	/* Delays slept before each retry, for tests and tracing. */
	int64_t delays_ms[8];
	size_t ndelays;
};

struct http_client;

/* Returns 0 and *ret, or -EINVAL (bad option, detail in reterr). */
int http_client_new(const struct http_options *opts, struct http_client **ret,
                    struct diag *reterr);
void http_client_free(struct http_client *c);
/* The clock the client uses (borrowed), so layers on top share it. */
const struct http_clock *http_client_clock(const struct http_client *c);
int64_t http_client_now_ms(const struct http_client *c);
/* Sleeps through the client's clock (so tests do not), e.g. between polls
 * of an asynchronous VIM operation. */
void http_client_sleep_ms(struct http_client *c, int64_t ms);

/*
 * Sends one request, retrying as configured. Returns 0 when an HTTP answer
 * arrived, whatever its status (check it with http_response_check), or a
 * negative errno when none did (-ECONNREFUSED, -ETIMEDOUT, -EHOSTUNREACH,
 * -EIO...) with `METHOD URL -> connection failed: <why>` in reterr.
 */
int http_do(struct http_client *c, const struct http_request *req,
            struct http_response *resp, struct diag *reterr);

/*
 * Sends n requests with up to max_in_flight of them concurrently and returns
 * when all are done. resps[i] answers reqs[i]. Returns 0 when every request
 * got an HTTP answer, else the first negative errno (each resps[i].error
 * tells which); every transport failure is described in reterr.
 */
int http_do_many(struct http_client *c, const struct http_request *reqs,
                 size_t n, struct http_response *resps, struct diag *reterr);

void http_response_done(struct http_response *r);
/* Case-insensitive header lookup (first occurrence); borrowed or NULL. */
const char *http_response_header(const struct http_response *r,
                                 const char *name);
/*
 * 0 for a 2xx answer; otherwise adds `METHOD URL -> STATUS: message` to
 * reterr (message from an OpenStack/Kubernetes error body when there is one)
 * and returns -ENOENT (404), -EACCES (401, 403), -EEXIST (409),
 * -EAGAIN (429, 503), -EPROTO (anything else) or the transport error.
 */
int http_response_check(const struct http_response *r, struct diag *reterr);
/* The human message of an error body, or NULL; caller frees. */
char *http_error_message(const char *body, size_t len);
/* Parses the body as JSON: 0 and *ret (caller puts it), or -EPROTO. */
int http_response_json(const struct http_response *r, struct json_object **ret,
                       struct diag *reterr);

/*
 * Retry-After as milliseconds to wait: delta-seconds or an HTTP date
 * relative to now_ms. -1 when absent or unparsable.
 */
int64_t http_retry_after_ms(const char *value, int64_t now_ms);

/* Accounting: one counter per (service, method, status) of every attempt
 * sent; status 0 counts attempts that got no answer. */
struct http_stat {
	const char *service;
	const char *method;
	long status;
	uint64_t count;
};

/* The counters, borrowed until the next request or reset. */
size_t http_client_stats(const struct http_client *c,
                         const struct http_stat **ret);
/*
 * Sum of the counters matching: service/method NULL match any; status -1
 * any, 0 no answer, 1..5 a class (2 = 2xx), 100..599 exactly that code.
 */
uint64_t http_client_count(const struct http_client *c, const char *service,
                           const char *method, long status);
void http_client_stats_reset(struct http_client *c);

/* Redaction for debugging output. */
bool http_header_is_secret(const char *name);
/* "Name: value" with the value replaced by "***" for a secret header; caller
 * frees. */
char *http_redact_header(const char *line);
/*
 * The body with the values of JSON fields named password/secret/token (or
 * ending in _password/_secret/_token) replaced by "***"; a body that is not
 * JSON and mentions such a word is replaced entirely. Caller frees.
 */
char *http_redact_body(const char *body, size_t len);

#endif
