/*
 * Unit tests of nfv_http against the scripted fake server: retries and
 * their delays (through a fake clock, nothing sleeps), no retry on 4xx,
 * transport errors, bounded concurrency, accounting, error text and
 * redaction.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fake_server.h"
#include "http.h"

struct fake_clock {
	int64_t now;
	int64_t slept[16];
	size_t nslept;
	uint64_t random;
};

static int64_t
fake_now(void *payload)
{
	return ((struct fake_clock *)payload)->now;
}

static void
fake_sleep(int64_t ms, void *payload)
{
	struct fake_clock *fc = payload;

	if (fc->nslept < 16)
		fc->slept[fc->nslept++] = ms;
	fc->now += ms;
}

static uint64_t
fake_random(void *payload)
{
	return ((struct fake_clock *)payload)->random;
}

struct fixture {
	struct fake_server *fs;
	struct fake_clock clock;
	struct http_client *c;
	struct diag d;
	char url[256];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct http_options o;

	f->fs = fake_server_start();
	/* 2026-11-25T15:00:00Z */
	f->clock.now = 1795618800000LL;
	http_options_init(&o);
	o.clock.now_ms = fake_now;
	o.clock.sleep_ms = fake_sleep;
	o.clock.random = fake_random;
	o.clock.payload = &f->clock;
	o.connect_timeout_ms = 5000;
	o.timeout_ms = 20000;
	assert_int_equal(http_client_new(&o, &f->c, NULL), 0);
	diag_init(&f->d);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	http_client_free(f->c);
	fake_server_stop(f->fs);
	diag_done(&f->d);
	free(f);
	return 0;
}

static const char *
url(struct fixture *f, const char *path)
{
	snprintf(f->url, sizeof(f->url), "%s%s", fake_server_url(f->fs), path);
	return f->url;
}

static void
reply(struct fixture *f, const char *method, const char *path, int status,
      const char *headers, const char *body, unsigned times)
{
	struct fake_reply r = {method, path, status, headers, body, times};

	fake_server_add(f->fs, &r);
}

/*
 * A URL on a port bound but not listening: connections are refused, and
 * nobody else can take the port while fd stays open. Returns fd.
 */
static int
refused_url(char *buf, size_t size, const char *path)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	snprintf(buf, size, "http://127.0.0.1:%u%s",
	         (unsigned)ntohs(sa.sin_port), path);
	return fd;
}

static const char *
diag_msg(const struct diag *d, size_t i)
{
	assert_true(i < d->n);
	return d->entries[i].message;
}

static void
test_http_get_sends_headers_and_reads_answer(void **state)
{
	struct fixture *f = *state;
	const char *hdrs[] = {"X-Custom: yes"};
	struct http_request req = {
	    "compute", "GET", url(f, "/v2.1/servers"), hdrs, 1, NULL, 0, 0};
	struct http_response resp;
	const struct fake_request *seen;
	struct json_object *o = NULL, *v;

	reply(f, "GET", "/v2.1/servers", 200, "X-OpenStack-Request-Id: req-1",
	      "{\"servers\": []}", 0);
	assert_int_equal(http_do(f->c, &req, &resp, &f->d), 0);
	assert_int_equal(resp.status, 200);
	assert_int_equal(resp.attempts, 1);
	assert_string_equal(
	    http_response_header(&resp, "x-openstack-request-id"), "req-1");
	assert_int_equal(http_response_check(&resp, &f->d), 0);
	assert_int_equal(http_response_json(&resp, &o, &f->d), 0);
	assert_true(json_object_object_get_ex(o, "servers", &v));
	json_object_put(o);

	seen = fake_server_request(f->fs, 0);
	assert_non_null(seen);
	assert_string_equal(fake_request_header(seen, "User-Agent"),
	                    "nfvsync/" NFVSYNC_VERSION);
	assert_string_equal(fake_request_header(seen, "Accept"),
	                    "application/json");
	assert_string_equal(fake_request_header(seen, "X-Custom"), "yes");
	assert_null(fake_request_header(seen, "Content-Type"));
	assert_int_equal(f->d.n, 0);
	http_response_done(&resp);
}

static void
test_http_post_sends_json_body(void **state)
{
	struct fixture *f = *state;
	const char *body = "{\"server\": {\"name\": \"vdu1\"}}";
	struct http_request req = {
	    "compute", "POST", url(f, "/servers"), NULL, 0, body, 0, 0};
	struct http_response resp;
	const struct fake_request *seen;

	reply(f, "POST", "/servers", 202, NULL, "{}", 0);
	assert_int_equal(http_do(f->c, &req, &resp, &f->d), 0);
	assert_int_equal(resp.status, 202);
	seen = fake_server_request(f->fs, 0);
	assert_string_equal(seen->method, "POST");
	assert_string_equal(seen->body, body);
	assert_string_equal(fake_request_header(seen, "Content-Type"),
	                    "application/json");
	http_response_done(&resp);

	/* A bodiless PUT (Octavia failover) still says Content-Length: 0. */
	req.method = "PUT";
	req.body = NULL;
	req.url = url(f, "/lb/failover");
	reply(f, "PUT", "/lb/failover", 202, NULL, "", 0);
	assert_int_equal(http_do(f->c, &req, &resp, &f->d), 0);
	assert_int_equal(resp.status, 202);
	assert_string_equal(resp.body, "");
	seen = fake_server_request(f->fs, 1);
	assert_string_equal(seen->method, "PUT");
	assert_string_equal(fake_request_header(seen, "Content-Length"), "0");
	http_response_done(&resp);
}

static void
test_http_retries_503_then_succeeds_with_backoff(void **state)
{
	struct fixture *f = *state;
	struct http_request req = {
	    "network", "GET", url(f, "/v2.0/ports"), NULL, 0, NULL, 0, 0};
	struct http_response resp;

	reply(f, "GET", "/v2.0/ports", 503, NULL, "busy", 2);
	reply(f, "GET", "/v2.0/ports", 200, NULL, "{\"ports\": []}", 0);
	f->clock.random = 0;
	assert_int_equal(http_do(f->c, &req, &resp, &f->d), 0);
	assert_int_equal(resp.status, 200);
	assert_int_equal(resp.attempts, 3);
	assert_int_equal(fake_server_count(f->fs, "GET", "/v2.0/ports"), 3);
	/* base 500 ms, equal jitter: [250, 500] then [500, 1000]; the
	 * fake random 0 picks the low end. */
	assert_int_equal(resp.ndelays, 2);
	assert_int_equal(resp.delays_ms[0], 250);
	assert_int_equal(resp.delays_ms[1], 500);
	assert_int_equal(f->clock.nslept, 2);
	assert_int_equal(f->clock.slept[0], 250);
	assert_int_equal(f->clock.slept[1], 500);
	assert_int_equal(f->d.n, 0);
	http_response_done(&resp);
}

struct trace_log {
	char lines[8][512];
	size_t n;
};

static void
trace_collect(const char *line, void *payload)
{
	struct trace_log *t = payload;

	if (t->n < 8)
		snprintf(t->lines[t->n++], sizeof(t->lines[0]), "%s", line);
}

static void
test_http_trace_tells_each_attempt_without_secrets(void **state)
{
	struct fixture *f = *state;
	struct trace_log log = {.n = 0};
	struct http_options o;
	struct http_client *c;
	const char *hdrs[] = {"X-Auth-Token: tok-s3cr3t"};
	struct http_request req = {
	    "compute", "POST", url(f, "/t"),
	    hdrs,      1,      "{\"password\": \"pw-s3cr3t\"}",
	    0,         0};
	struct http_response resp;
	char want[512];

	http_options_init(&o);
	o.clock.now_ms = fake_now;
	o.clock.sleep_ms = fake_sleep;
	o.clock.random = fake_random;
	o.clock.payload = &f->clock;
	o.trace = trace_collect;
	o.trace_payload = &log;
	assert_int_equal(http_client_new(&o, &c, NULL), 0);
	reply(f, "POST", "/t", 503, NULL, "", 1);
	reply(f, "POST", "/t", 201, NULL, "{}", 0);
	assert_int_equal(http_do(c, &req, &resp, &f->d), 0);
	assert_int_equal(log.n, 2);
	snprintf(want, sizeof(want), "POST %s -> 503 in ", url(f, "/t"));
	assert_memory_equal(log.lines[0], want, strlen(want));
	assert_non_null(
	    strstr(log.lines[0], " ms (attempt 1/4), retry in 250 ms"));
	assert_non_null(strstr(log.lines[1], "-> 201 in "));
	assert_non_null(strstr(log.lines[1], " ms (attempt 2/4)"));
	assert_null(strstr(log.lines[0], "s3cr3t"));
	assert_null(strstr(log.lines[1], "s3cr3t"));
	http_response_done(&resp);
	http_client_free(c);
}

static void
test_http_backoff_jitter_stays_within_bounds(void **state)
{
	struct fixture *f = *state;
	struct http_request req = {
	    "network", "GET", url(f, "/x"), NULL, 0, NULL, 0, 0};
	struct http_response resp;

	reply(f, "GET", "/x", 502, NULL, "", 3);
	reply(f, "GET", "/x", 200, NULL, "{}", 0);
	f->clock.random = 0xFFFFFFFFFFFFFFFFULL;
	assert_int_equal(http_do(f->c, &req, &resp, &f->d), 0);
	assert_int_equal(resp.attempts, 4);
	assert_int_equal(resp.ndelays, 3);
	/* random % (d/2 + 1) added to d/2, d = 500, 1000, 2000. */
	assert_in_range(resp.delays_ms[0], 250, 500);
	assert_in_range(resp.delays_ms[1], 500, 1000);
	assert_in_range(resp.delays_ms[2], 1000, 2000);
	assert_true(resp.delays_ms[0] != 250 || resp.delays_ms[1] != 500);
	http_response_done(&resp);
}

static void
test_http_429_honours_retry_after_seconds_and_date(void **state)
{
	struct fixture *f = *state;
	struct http_request req = {
	    "compute", "GET", url(f, "/limits"), NULL, 0, NULL, 0, 0};
	struct http_response resp;

	reply(f, "GET", "/limits", 429, "Retry-After: 7",
	      "{\"message\": \"slow down\"}", 1);
	/* 2026-11-25T15:00:30Z, 30 s after the fake clock's now. */
	reply(f, "GET", "/limits", 429,
	      "Retry-After: Wed, 25 Nov 2026 15:00:37 GMT", "", 1);
	reply(f, "GET", "/limits", 200, NULL, "{}", 0);
	assert_int_equal(http_do(f->c, &req, &resp, &f->d), 0);
	assert_int_equal(resp.status, 200);
	assert_int_equal(resp.attempts, 3);
	assert_int_equal(f->clock.nslept, 2);
	assert_int_equal(f->clock.slept[0], 7000);
	/* The clock advanced 7 s by the first sleep: 30 s remain. */
	assert_int_equal(f->clock.slept[1], 30000);
	http_response_done(&resp);
}

static void
test_http_retry_after_is_capped(void **state)
{
	struct fixture *f = *state;
	struct http_request req = {
	    "compute", "GET", url(f, "/cap"), NULL, 0, NULL, 0, 0};
	struct http_response resp;

	reply(f, "GET", "/cap", 503, "Retry-After: 3600", "", 1);
	reply(f, "GET", "/cap", 200, NULL, "{}", 0);
	assert_int_equal(http_do(f->c, &req, &resp, &f->d), 0);
	assert_int_equal(f->clock.nslept, 1);
	assert_int_equal(f->clock.slept[0], 60000);
	http_response_done(&resp);
}

static void
test_http_retry_after_parses_both_forms(void **state)
{
	int64_t now = 1795618800000LL;

	assert_int_equal(http_retry_after_ms("1", now), 1000);
	assert_int_equal(http_retry_after_ms(" 120 ", now), 120000);
	assert_int_equal(
	    http_retry_after_ms("Wed, 25 Nov 2026 15:01:00 GMT", now), 60000);
	assert_int_equal(
	    http_retry_after_ms("Wed, 25 Nov 2026 14:00:00 GMT", now), 0);
	assert_int_equal(http_retry_after_ms("soon", now), -1);
	assert_int_equal(http_retry_after_ms("12abc", now), -1);
	assert_int_equal(http_retry_after_ms(NULL, now), -1);
}

static void
test_http_does_not_retry_404(void **state)
{
	struct fixture *f = *state;
	struct http_request req = {
	    "compute", "GET", url(f, "/servers/x"), NULL, 0, NULL, 0, 0};
	struct http_response resp;
	char want[512];

	reply(f, "GET", "/servers/x", 404, NULL,
	      "{\"itemNotFound\": {\"code\": 404, \"message\": \"Instance x "
	      "could not be found.\"}}",
	      0);
	assert_int_equal(http_do(f->c, &req, &resp, &f->d), 0);
	assert_int_equal(resp.status, 404);
	assert_int_equal(resp.attempts, 1);
	assert_int_equal(fake_server_count(f->fs, NULL, NULL), 1);
	assert_int_equal(f->clock.nslept, 0);
	assert_int_equal(http_response_check(&resp, &f->d), -ENOENT);
	snprintf(want, sizeof(want),
	         "GET %s/servers/x -> 404: Instance x could not be found.",
	         fake_server_url(f->fs));
	assert_string_equal(diag_msg(&f->d, 0), want);
	http_response_done(&resp);
}

static void
test_http_does_not_retry_other_4xx(void **state)
{
	struct fixture *f = *state;
	static const int codes[] = {400, 401, 403, 409, 413};
	struct http_request req = {
	    "compute", "POST", url(f, "/servers"), NULL, 0, "{}", 0, 0};
	struct http_response resp;
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		reply(f, "POST", "/servers", codes[i], NULL, "{}", 1);
		assert_int_equal(http_do(f->c, &req, &resp, &f->d), 0);
		assert_int_equal(resp.status, codes[i]);
		assert_int_equal(resp.attempts, 1);
		http_response_done(&resp);
	}
	assert_int_equal(fake_server_count(f->fs, NULL, NULL), 5);
	assert_int_equal(f->clock.nslept, 0);
}

static void
test_http_gives_up_after_max_attempts(void **state)
{
	struct fixture *f = *state;
	struct http_request req = {
	    "load-balancer", "PUT", url(f, "/busy"), NULL, 0, "{}", 0, 3};
	struct http_response resp;
	char want[512];

	reply(f, "PUT", "/busy", 503, NULL,
	      "{\"faultcode\": \"Server\", \"faultstring\": \"project busy, "
	      "try again\", \"debuginfo\": null}",
	      0);
	assert_int_equal(http_do(f->c, &req, &resp, &f->d), 0);
	assert_int_equal(resp.attempts, 3);
	assert_int_equal(fake_server_count(f->fs, "PUT", "/busy"), 3);
	assert_int_equal(http_response_check(&resp, &f->d), -EAGAIN);
	snprintf(want, sizeof(want),
	         "PUT %s/busy -> 503: project busy, try again (after 3 "
	         "attempts)",
	         fake_server_url(f->fs));
	assert_string_equal(diag_msg(&f->d, 0), want);
	http_response_done(&resp);

	/* max_attempts 1: a create whose fate is unknown is not resent. */
	req.max_attempts = 1;
	assert_int_equal(http_do(f->c, &req, &resp, &f->d), 0);
	assert_int_equal(resp.attempts, 1);
	http_response_done(&resp);
}

static void
test_http_connection_refused_is_reported_and_retried(void **state)
{
	struct fixture *f = *state;
	struct http_request req = {"identity", "POST", NULL, NULL,
	                           0,          "{}",   0,    0};
	struct http_response resp;
	char u[128], want[256];
	int fd;

	fd = refused_url(u, sizeof(u), "/v3/auth/tokens");
	req.url = u;

	assert_int_equal(http_do(f->c, &req, &resp, &f->d), -ECONNREFUSED);
	assert_int_equal(resp.status, 0);
	assert_int_equal(resp.attempts, 4);
	assert_int_equal(f->clock.nslept, 3);
	assert_int_equal(f->d.n, 1);
	snprintf(want, sizeof(want), "POST %s -> connection failed: ", u);
	assert_memory_equal(diag_msg(&f->d, 0), want, strlen(want));
	assert_true(strlen(diag_msg(&f->d, 0)) > strlen(want));
	assert_int_equal(http_client_count(f->c, "identity", "POST", 0), 4);
	assert_int_equal(http_response_check(&resp, NULL), -ECONNREFUSED);
	http_response_done(&resp);
	close(fd);
}

static void
test_http_many_respects_max_in_flight(void **state)
{
	struct fixture *f = *state;
	struct http_options o;
	struct http_client *c;
	struct http_request reqs[12];
	struct http_response resps[12];
	char urls[12][128];
	size_t i;

	http_options_init(&o);
	o.max_in_flight = 3;
	assert_int_equal(http_client_new(&o, &c, NULL), 0);
	reply(f, "GET", "/item/*", 200, NULL, "{}", 0);
	fake_server_hold(f->fs, 3, 12);
	for (i = 0; i < 12; i++) {
		snprintf(urls[i], sizeof(urls[i]), "%s/item/%zu",
		         fake_server_url(f->fs), i);
		memset(&reqs[i], 0, sizeof(reqs[i]));
		reqs[i].service = "compute";
		reqs[i].method = "GET";
		reqs[i].url = urls[i];
	}
	assert_int_equal(http_do_many(c, reqs, 12, resps, &f->d), 0);
	for (i = 0; i < 12; i++) {
		assert_int_equal(resps[i].status, 200);
		assert_string_equal(resps[i].url, urls[i]);
		http_response_done(&resps[i]);
	}
	assert_int_equal(fake_server_count(f->fs, "GET", "/item/*"), 12);
	/* Exactly the bound: concurrent (not serial), and never more. */
	assert_int_equal(fake_server_max_in_flight(f->fs), 3);
	http_client_free(c);
}

static void
test_http_many_retries_one_without_holding_up_the_others(void **state)
{
	struct fixture *f = *state;
	struct http_options o;
	struct http_client *c;
	struct http_request reqs[6];
	struct http_response resps[6];
	char urls[6][128];
	size_t i;

	http_options_init(&o);
	o.max_in_flight = 2;
	o.clock.now_ms = fake_now;
	o.clock.sleep_ms = fake_sleep;
	o.clock.random = fake_random;
	o.clock.payload = &f->clock;
	assert_int_equal(http_client_new(&o, &c, NULL), 0);
	reply(f, "GET", "/r/3", 429, "Retry-After: 2", "", 1);
	reply(f, "GET", "/r/*", 200, NULL, "{}", 0);
	for (i = 0; i < 6; i++) {
		snprintf(urls[i], sizeof(urls[i]), "%s/r/%zu",
		         fake_server_url(f->fs), i);
		memset(&reqs[i], 0, sizeof(reqs[i]));
		reqs[i].service = "compute";
		reqs[i].method = "GET";
		reqs[i].url = urls[i];
	}
	assert_int_equal(http_do_many(c, reqs, 6, resps, &f->d), 0);
	for (i = 0; i < 6; i++) {
		assert_int_equal(resps[i].status, 200);
		assert_int_equal(resps[i].attempts, i == 3 ? 2 : 1);
		http_response_done(&resps[i]);
	}
	assert_int_equal(fake_server_count(f->fs, "GET", "/r/3"), 2);
	assert_int_equal(fake_server_count(f->fs, "GET", "/r/*"), 7);
	/* The others ran while /r/3 waited; then only its wait was left. */
	assert_int_equal(f->clock.nslept, 1);
	assert_int_equal(f->clock.slept[0], 2000);
	assert_int_equal(http_client_count(c, "compute", "GET", 429), 1);
	http_client_free(c);
}

static void
test_http_many_reports_each_failure(void **state)
{
	struct fixture *f = *state;
	struct http_request reqs[2] = {
	    {"compute", "GET", NULL, NULL, 0, NULL, 0, 1},
	    {"compute", "GET", NULL, NULL, 0, NULL, 0, 1},
	};
	struct http_response resps[2];
	char u[128], want[256];
	int fd = refused_url(u, sizeof(u), "/none");

	reply(f, "GET", "/ok", 200, NULL, "{}", 0);
	reqs[0].url = url(f, "/ok");
	reqs[1].url = u;
	assert_int_equal(http_do_many(f->c, reqs, 2, resps, &f->d),
	                 -ECONNREFUSED);
	assert_int_equal(resps[0].error, 0);
	assert_int_equal(resps[0].status, 200);
	assert_int_equal(resps[1].error, -ECONNREFUSED);
	assert_int_equal(f->d.n, 1);
	snprintf(want, sizeof(want), "GET %s -> connection failed: ", u);
	assert_memory_equal(diag_msg(&f->d, 0), want, strlen(want));
	http_response_done(&resps[0]);
	http_response_done(&resps[1]);
	close(fd);
}

static void
test_http_counts_requests_per_service_method_status(void **state)
{
	struct fixture *f = *state;
	struct http_request req = {NULL, "GET", NULL, NULL, 0, NULL, 0, 0};
	struct http_response resp;
	const struct http_stat *st;

	reply(f, "GET", "/a", 200, NULL, "{}", 0);
	reply(f, "GET", "/b", 503, NULL, "", 1);
	reply(f, "GET", "/b", 200, NULL, "{}", 0);
	reply(f, "DELETE", "/c", 404, NULL, "", 0);

	req.service = "compute";
	req.url = url(f, "/a");
	assert_int_equal(http_do(f->c, &req, &resp, NULL), 0);
	http_response_done(&resp);
	assert_int_equal(http_do(f->c, &req, &resp, NULL), 0);
	http_response_done(&resp);
	req.service = "network";
	req.url = url(f, "/b");
	assert_int_equal(http_do(f->c, &req, &resp, NULL), 0);
	http_response_done(&resp);
	req.method = "DELETE";
	req.url = url(f, "/c");
	assert_int_equal(http_do(f->c, &req, &resp, NULL), 0);
	http_response_done(&resp);
	req.service = NULL;
	req.method = "GET";
	req.url = url(f, "/a");
	assert_int_equal(http_do(f->c, &req, &resp, NULL), 0);
	http_response_done(&resp);

	assert_int_equal(http_client_count(f->c, "compute", "GET", 200), 2);
	assert_int_equal(http_client_count(f->c, "network", "GET", 503), 1);
	assert_int_equal(http_client_count(f->c, "network", "GET", 2), 1);
	assert_int_equal(http_client_count(f->c, "network", NULL, 4), 1);
	assert_int_equal(http_client_count(f->c, "network", "DELETE", 404), 1);
	assert_int_equal(http_client_count(f->c, "other", NULL, -1), 1);
	assert_int_equal(http_client_count(f->c, NULL, NULL, -1), 6);
	assert_int_equal(http_client_count(f->c, NULL, NULL, 5), 1);
	assert_int_equal(http_client_count(f->c, NULL, NULL, 0), 0);
	assert_int_equal(http_client_stats(f->c, &st), 5);
	assert_string_equal(st[0].service, "compute");
	assert_string_equal(st[0].method, "GET");
	assert_int_equal(st[0].status, 200);
	assert_int_equal(st[0].count, 2);

	http_client_stats_reset(f->c);
	assert_int_equal(http_client_count(f->c, NULL, NULL, -1), 0);
	assert_int_equal(http_client_stats(f->c, &st), 0);
}

static void
test_http_error_message_reads_every_error_shape(void **state)
{
	static const struct {
		const char *body;
		const char *want;
	} cases[] = {
	    /* Keystone */
	    {"{\"error\": {\"code\": 401, \"message\": \"The request you have "
	     "made requires authentication.\", \"title\": \"Unauthorized\"}}",
	     "The request you have made requires authentication."},
	    /* Nova */
	    {"{\"badRequest\": {\"code\": 400, \"message\": \"Invalid "
	     "flavorRef provided.\"}}",
	     "Invalid flavorRef provided."},
	    {"{\"forbidden\": {\"code\": 403, \"message\": \"Quota exceeded "
	     "for instances\"}}",
	     "Quota exceeded for instances"},
	    /* Neutron */
	    {"{\"NeutronError\": {\"type\": \"IpAddressAlreadyAllocated\", "
	     "\"message\": \"IP address 10.10.0.12 already allocated\", "
	     "\"detail\": \"\"}}",
	     "IP address 10.10.0.12 already allocated"},
	    /* Octavia */
	    {"{\"faultcode\": \"Client\", \"faultstring\": \"Load Balancer "
	     "x is immutable and cannot be updated.\", \"debuginfo\": null}",
	     "Load Balancer x is immutable and cannot be updated."},
	    /* Kubernetes Status */
	    {"{\"kind\": \"Status\", \"apiVersion\": \"v1\", \"status\": "
	     "\"Failure\", \"message\": \"deployments.apps \\\"web\\\" "
	     "already exists\", \"reason\": \"AlreadyExists\", \"code\": "
	     "409}",
	     "deployments.apps \"web\" already exists"},
	    {"{\"error\": \"invalid_grant\"}", "invalid_grant"},
	    /* Multi-line messages become one line. */
	    {"{\"message\": \"line one\\n  line two\"}", "line one line two"},
	    {"<html><head><title>502 Bad Gateway</title></head></html>",
	     "502 Bad Gateway"},
	    {"Service Unavailable\nmore", "Service Unavailable"},
	    {"", NULL},
	    {"{\"servers\": []}", NULL},
	    {"<html><body>oops</body></html>", NULL},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *m =
		    http_error_message(cases[i].body, strlen(cases[i].body));

		if (cases[i].want) {
			assert_non_null(m);
			assert_string_equal(m, cases[i].want);
		} else {
			assert_null(m);
		}
		free(m);
	}
}

static void
test_http_error_without_message_uses_reason_phrase(void **state)
{
	struct fixture *f = *state;
	struct http_request req = {
	    "network", "DELETE", url(f, "/v2.0/ports/p"), NULL, 0, NULL, 0, 0};
	struct http_response resp;
	char want[256];

	reply(f, "DELETE", "/v2.0/ports/p", 412, NULL, "", 0);
	assert_int_equal(http_do(f->c, &req, &resp, &f->d), 0);
	assert_int_equal(http_response_check(&resp, &f->d), -EPROTO);
	snprintf(want, sizeof(want),
	         "DELETE %s/v2.0/ports/p -> 412: Precondition Failed",
	         fake_server_url(f->fs));
	assert_string_equal(diag_msg(&f->d, 0), want);
	http_response_done(&resp);
}

static void
test_http_redacts_secret_headers(void **state)
{
	char *s;

	s = http_redact_header("X-Auth-Token: gAAAAABrBeDq");
	assert_string_equal(s, "X-Auth-Token: ***");
	free(s);
	s = http_redact_header("x-subject-token:abc");
	assert_string_equal(s, "x-subject-token: ***");
	free(s);
	s = http_redact_header("Authorization: Bearer eyJhbGciOi");
	assert_string_equal(s, "Authorization: ***");
	free(s);
	s = http_redact_header("Content-Type: application/json");
	assert_string_equal(s, "Content-Type: application/json");
	free(s);
	assert_true(http_header_is_secret("X-AUTH-TOKEN"));
	assert_false(http_header_is_secret("X-Auth-Token-Expiry-Hint"));
}

static void
test_http_redacts_secret_json_fields(void **state)
{
	const char *req =
	    "{\"auth\": {\"identity\": {\"methods\": [\"password\", "
	    "\"application_credential\"], \"password\": {\"user\": {\"name\": "
	    "\"admin\", \"password\": \"s3cr3t-pw\"}}, "
	    "\"application_credential\": {\"id\": \"ac1\", \"secret\": "
	    "\"ac-s3cr3t\"}}}, \"token\": \"tok-s3cr3t\", \"items\": "
	    "[{\"access_token\": \"at-s3cr3t\", \"token_id\": \"visible\"}]}";
	char *s = http_redact_body(req, strlen(req));

	assert_null(strstr(s, "s3cr3t"));
	assert_non_null(strstr(s, "\"password\":\"***\""));
	assert_non_null(strstr(s, "\"secret\":\"***\""));
	assert_non_null(strstr(s, "\"token\":\"***\""));
	assert_non_null(strstr(s, "\"access_token\":\"***\""));
	/* Not a secret: names and the method list stay readable. */
	assert_non_null(strstr(s, "\"name\":\"admin\""));
	assert_non_null(strstr(s, "\"methods\":[\"password\""));
	assert_non_null(strstr(s, "\"token_id\":\"visible\""));
	free(s);

	s = http_redact_body("user=a&password=b", 0);
	assert_null(strstr(s, "password=b"));
	free(s);
	s = http_redact_body("plain text", 0);
	assert_string_equal(s, "plain text");
	free(s);
}

static void
test_http_redacts_the_captured_keystone_response(void **state)
{
	char *body = fake_read_file(TEST_DATA_DIR "/01-token-response.json");
	char *s = http_redact_body(body, strlen(body));

	/* The token object itself is kept (it is not a secret), its
	 * catalog too. */
	assert_non_null(strstr(s, "\"catalog\""));
	assert_non_null(strstr(s, "\"expires_at\":\"2026-11-25T19:09:30"));
	free(s);
	free(body);
}

static void
test_http_secret_never_reaches_error_text(void **state)
{
	struct fixture *f = *state;
	const char *hdrs[] = {"X-Auth-Token: tok-s3cr3t"};
	struct http_request req = {
	    "compute", "GET", NULL, hdrs, 1, "{\"password\": \"pw-s3cr3t\"}",
	    0,         0};
	struct http_response resp;
	char u[256];

	snprintf(u, sizeof(u), "http://user:url-s3cr3t@%s/denied",
	         fake_server_url(f->fs) + strlen("http://"));
	req.url = u;
	reply(f, "GET", "/denied", 403, NULL,
	      "{\"error\": {\"message\": \"Forbidden\"}}", 0);
	assert_int_equal(http_do(f->c, &req, &resp, &f->d), 0);
	assert_int_equal(http_response_check(&resp, &f->d), -EACCES);
	assert_null(strstr(diag_msg(&f->d, 0), "s3cr3t"));
	assert_non_null(strstr(diag_msg(&f->d, 0), "http://***@127.0.0.1:"));
	assert_null(strstr(resp.url, "s3cr3t"));
	http_response_done(&resp);
}

static void
test_http_timeout_is_reported_and_retried(void **state)
{
	struct fixture *f = *state;
	struct http_options o;
	struct http_client *c;
	struct http_request req = {
	    "compute", "GET", url(f, "/slow"), NULL, 0, NULL, 0, 2};
	struct http_response resp;
	char want[512];

	http_options_init(&o);
	o.timeout_ms = 300;
	o.clock.now_ms = fake_now;
	o.clock.sleep_ms = fake_sleep;
	o.clock.random = fake_random;
	o.clock.payload = &f->clock;
	assert_int_equal(http_client_new(&o, &c, NULL), 0);
	reply(f, "GET", "/slow", 200, NULL, "{}", 0);
	/* Held until the server stops: the client must give up first. */
	fake_server_hold(f->fs, 100, 100);
	assert_int_equal(http_do(c, &req, &resp, &f->d), -ETIMEDOUT);
	assert_int_equal(resp.attempts, 2);
	assert_int_equal(fake_server_count(f->fs, "GET", "/slow"), 2);
	snprintf(want, sizeof(want),
	         "GET %s -> connection failed: ", url(f, "/slow"));
	assert_memory_equal(diag_msg(&f->d, 0), want, strlen(want));
	assert_non_null(strstr(diag_msg(&f->d, 0), "timed out"));
	http_response_done(&resp);
	http_client_free(c);
}

/* TLS: a server whose certificate is signed by a throwaway test CA. */
struct tls_case {
	bool insecure;
	bool ca_file;
	bool ca_pem;
	int want;
};

static void
tls_run(const struct tls_case *tc)
{
	struct fake_server *fs = fake_server_start_tls(
	    TEST_DATA_DIR "/tls/server.pem", TEST_DATA_DIR "/tls/server.key");
	struct fake_reply r = {"GET", "/", 200, NULL, "{}", 0};
	struct http_options o;
	struct http_client *c;
	struct http_request req = {"identity", "GET", NULL, NULL,
	                           0,          NULL,  0,    0};
	struct http_response resp;
	char u[128], *pem = NULL;
	struct diag d;

	diag_init(&d);
	fake_server_add(fs, &r);
	http_options_init(&o);
	o.insecure = tc->insecure;
	if (tc->ca_file)
		o.ca_file = TEST_DATA_DIR "/tls/ca.pem";
	if (tc->ca_pem)
		o.ca_pem = pem = fake_read_file(TEST_DATA_DIR "/tls/ca.pem");
	assert_int_equal(http_client_new(&o, &c, NULL), 0);
	free(pem);
	snprintf(u, sizeof(u), "%s/", fake_server_url(fs));
	assert_memory_equal(u, "https://", 8);
	req.url = u;
	assert_int_equal(http_do(c, &req, &resp, &d), tc->want);
	if (tc->want == 0) {
		assert_int_equal(resp.status, 200);
		assert_int_equal(d.n, 0);
	} else {
		/* A certificate problem is not retried. */
		assert_int_equal(resp.attempts, 1);
		assert_int_equal(d.n, 1);
		assert_non_null(strstr(d.entries[0].message,
		                       "-> connection failed: SSL certificate "
		                       "problem"));
	}
	http_response_done(&resp);
	http_client_free(c);
	fake_server_stop(fs);
	diag_done(&d);
}

static void
test_http_tls_verifies_by_default(void **state)
{
	const struct tls_case tc = {false, false, false, -EPROTO};

	tls_run(&tc);
}

static void
test_http_tls_trusts_a_ca_file_or_pem(void **state)
{
	const struct tls_case file = {false, true, false, 0};
	const struct tls_case pem = {false, false, true, 0};

	tls_run(&file);
	tls_run(&pem);
}

static void
test_http_tls_verification_off_only_when_asked(void **state)
{
	const struct tls_case tc = {true, false, false, 0};

	tls_run(&tc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	    T(test_http_get_sends_headers_and_reads_answer),
	    T(test_http_post_sends_json_body),
	    T(test_http_retries_503_then_succeeds_with_backoff),
	    T(test_http_backoff_jitter_stays_within_bounds),
	    T(test_http_trace_tells_each_attempt_without_secrets),
	    T(test_http_429_honours_retry_after_seconds_and_date),
	    T(test_http_retry_after_is_capped),
	    cmocka_unit_test(test_http_retry_after_parses_both_forms),
	    T(test_http_does_not_retry_404),
	    T(test_http_does_not_retry_other_4xx),
	    T(test_http_gives_up_after_max_attempts),
	    T(test_http_connection_refused_is_reported_and_retried),
	    T(test_http_timeout_is_reported_and_retried),
	    cmocka_unit_test(test_http_tls_verifies_by_default),
	    cmocka_unit_test(test_http_tls_trusts_a_ca_file_or_pem),
	    cmocka_unit_test(test_http_tls_verification_off_only_when_asked),
	    T(test_http_many_respects_max_in_flight),
	    T(test_http_many_retries_one_without_holding_up_the_others),
	    T(test_http_many_reports_each_failure),
	    T(test_http_counts_requests_per_service_method_status),
	    cmocka_unit_test(test_http_error_message_reads_every_error_shape),
	    T(test_http_error_without_message_uses_reason_phrase),
	    cmocka_unit_test(test_http_redacts_secret_headers),
	    cmocka_unit_test(test_http_redacts_secret_json_fields),
	    cmocka_unit_test(test_http_redacts_the_captured_keystone_response),
	    T(test_http_secret_never_reaches_error_text),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
