/*
 * Tests of the controller's HTTP endpoints (nfv_server): a real server on
 * 127.0.0.1 port 0, real requests through libcurl. Every endpoint and
 * status code, webhook signatures of GitHub, Gitea and GitLab (valid,
 * wrong, missing, wrong ref, ping), the trigger fd readable only after a
 * verified push, listen addresses, and scrapes that run while the test
 * updates the registry.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "diag.h"
#include "httpd.h"
#include "metrics.h"
#include "sha256.h"
#include "strbuf.h"

#define SECRET "It's a Secret to Everybody"

struct reply {
	long status;
	struct strbuf body;
	struct strbuf headers;
};

static size_t
reply_collect(char *p, size_t size, size_t n, void *userdata)
{
	strbuf_add(userdata, p, size * n);
	return size * n;
}

/* The value of header name in r (a fresh copy without CR LF), or NULL. */
static char *
reply_header(const struct reply *r, const char *name)
{
	const char *p = strbuf_str(&r->headers);
	size_t n = strlen(name);

	for (; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1, *end;

			while (*v == ' ')
				v++;
			end = v + strcspn(v, "\r\n");
			return strndup(v, (size_t)(end - v));
		}
	return NULL;
}

static void
reply_done(struct reply *r)
{
	strbuf_done(&r->body);
	strbuf_done(&r->headers);
}

/*
 * method url on the server at port, with extra header lines (NULL ended)
 * and an optional body of len bytes.
 */
static void
http_do_at(const char *host, unsigned port, const char *method,
           const char *path, const char *const *headers, const char *body,
           size_t len, struct reply *r)
{
	struct curl_slist *hl = NULL;
	char url[128];
	CURL *c = curl_easy_init();
	CURLcode rc;

	memset(r, 0, sizeof(*r));
	assert_non_null(c);
	snprintf(url, sizeof(url), "http://%s:%u%s", host, port, path);
	for (; headers && *headers; headers++)
		hl = curl_slist_append(hl, *headers);
	/* No "Expect: 100-continue" round trip for big bodies. */
	hl = curl_slist_append(hl, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		                 (curl_off_t)len);
	}
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, reply_collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, reply_collect);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r->headers);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK)
		print_message("%s %s: %s\n", method, url,
		              curl_easy_strerror(rc));
	assert_int_equal(rc, CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_cleanup(c);
	curl_slist_free_all(hl);
}

static void
http_do(unsigned port, const char *method, const char *path,
        const char *const *headers, const char *body, size_t len,
        struct reply *r)
{
	http_do_at("127.0.0.1", port, method, path, headers, body, len, r);
}

static void
expect_reply(unsigned port, const char *method, const char *path, long status,
             const char *body)
{
	struct reply r;

	http_do(port, method, path, NULL, NULL, 0, &r);
	if (r.status != status)
		print_message("%s %s -> %ld: %s\n", method, path, r.status,
		              strbuf_str(&r.body));
	assert_int_equal(r.status, status);
	if (body)
		assert_string_equal(strbuf_str(&r.body), body);
	reply_done(&r);
}

static bool
fd_readable(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

struct fixture {
	struct metrics *m;
	struct httpd *h;
	unsigned port;
};

static struct fixture *
fixture_start(const char *secret, const char *ref)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct httpd_opts o = {0};
	struct diag d;

	assert_non_null(f);
	diag_init(&d);
	f->m = metrics_new();
	o.listen = "127.0.0.1:0";
	o.webhook_secret = secret;
	o.ref = ref;
	o.metrics = f->m;
	assert_int_equal(httpd_start(&o, &f->h, &d), 0);
	assert_int_equal(d.n, 0);
	f->port = httpd_port(f->h);
	assert_true(f->port > 0);
	diag_done(&d);
	return f;
}

static void
fixture_stop(struct fixture *f)
{
	httpd_stop(f->h);
	metrics_free(f->m);
	free(f);
}

static int
setup(void **state)
{
	*state = fixture_start(SECRET, "main");
	return 0;
}

static int
teardown(void **state)
{
	fixture_stop(*state);
	return 0;
}

static void
test_httpd_healthz_answers_ok(void **state)
{
	struct fixture *f = *state;

	expect_reply(f->port, "GET", "/healthz", 200, "ok\n");
	expect_reply(f->port, "HEAD", "/healthz", 200, "");
}

static void
test_httpd_readyz_is_503_until_ready(void **state)
{
	struct fixture *f = *state;

	expect_reply(f->port, "GET", "/readyz", 503, NULL);
	httpd_set_ready(f->h, true);
	expect_reply(f->port, "GET", "/readyz", 200, "ready\n");
	httpd_set_ready(f->h, false);
	expect_reply(f->port, "GET", "/readyz", 503, NULL);
}

static void
test_httpd_status_serves_the_last_published_json(void **state)
{
	struct fixture *f = *state;
	struct reply r;
	char *ct;

	expect_reply(f->port, "GET", "/status", 503, NULL);
	httpd_set_status(f->h, "{\"revision\":\"abc\"}");
	httpd_set_status(f->h, "{\"revision\":\"def\"}");
	http_do(f->port, "GET", "/status", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(strbuf_str(&r.body), "{\"revision\":\"def\"}");
	ct = reply_header(&r, "Content-Type");
	assert_non_null(ct);
	assert_string_equal(ct, "application/json");
	free(ct);
	reply_done(&r);
}

static void
test_httpd_metrics_serves_the_registry_as_text_0_0_4(void **state)
{
	struct fixture *f = *state;
	struct reply r;
	char *ct, *want;

	metrics_declare(f->m, "nfvsync_cycles_total", "counter", "Cycles.",
	                NULL, 0);
	metrics_add(f->m, "nfvsync_cycles_total", NULL, 3);
	http_do(f->port, "GET", "/metrics", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	ct = reply_header(&r, "Content-Type");
	assert_non_null(ct);
	assert_non_null(strstr(ct, "text/plain; version=0.0.4"));
	want = metrics_render(f->m);
	assert_string_equal(strbuf_str(&r.body), want);
	assert_non_null(strstr(want, "nfvsync_cycles_total 3\n"));
	free(want);
	free(ct);
	reply_done(&r);
}

static void
test_httpd_unknown_path_is_404_wrong_method_405(void **state)
{
	struct fixture *f = *state;
	struct reply r;
	char *allow;

	expect_reply(f->port, "GET", "/", 404, NULL);
	expect_reply(f->port, "GET", "/healthz/", 404, NULL);
	expect_reply(f->port, "GET", "/nope", 404, NULL);
	http_do(f->port, "POST", "/metrics", NULL, "x", 1, &r);
	assert_int_equal(r.status, 405);
	allow = reply_header(&r, "Allow");
	assert_non_null(allow);
	assert_string_equal(allow, "GET, HEAD");
	free(allow);
	reply_done(&r);
	expect_reply(f->port, "DELETE", "/status", 405, NULL);
	http_do(f->port, "GET", "/webhook", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 405);
	allow = reply_header(&r, "Allow");
	assert_non_null(allow);
	assert_string_equal(allow, "POST");
	free(allow);
	reply_done(&r);
	assert_false(fd_readable(httpd_trigger_fd(f->h)));
}

/* The signature header value for body under secret: "sha256=HEX". */
static char *
github_signature(const char *secret, const char *body)
{
	uint8_t mac[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];
	char *s = malloc(32 + sizeof(hex));

	assert_non_null(s);
	hmac_sha256(secret, strlen(secret), body, strlen(body), mac);
	sha256_hex(mac, sizeof(mac), hex);
	snprintf(s, 32 + sizeof(hex), "X-Hub-Signature-256: sha256=%s", hex);
	return s;
}

static char *
gitea_signature(const char *secret, const char *body)
{
	uint8_t mac[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];
	char *s = malloc(32 + sizeof(hex));

	assert_non_null(s);
	hmac_sha256(secret, strlen(secret), body, strlen(body), mac);
	sha256_hex(mac, sizeof(mac), hex);
	snprintf(s, 32 + sizeof(hex), "X-Gitea-Signature: %s", hex);
	return s;
}

static long
post_webhook(struct fixture *f, const char *const *headers, const char *body,
             struct strbuf *ret_body)
{
	struct reply r;
	long status;

	http_do(f->port, "POST", "/webhook", headers, body, strlen(body), &r);
	status = r.status;
	if (ret_body) {
		strbuf_reset(ret_body);
		strbuf_puts(ret_body, strbuf_str(&r.body));
	}
	reply_done(&r);
	return status;
}

static bool
metrics_has(struct fixture *f, const char *line)
{
	char *text = metrics_render(f->m);
	bool found = strstr(text, line) != NULL;

	if (!found)
		print_message("no \"%s\" in:\n%s", line, text);
	free(text);
	return found;
}

static const char push_main[] =
    "{\"ref\":\"refs/heads/main\",\"after\":\"0123456789abcdef\"}";
static const char push_dev[] = "{\"ref\":\"refs/heads/dev\"}";

/* GitHub's documented example: this secret and "Hello, World!" sign as
 * 757107ea…; checked with `openssl dgst -sha256 -hmac`. */
static void
test_httpd_github_ping_with_documented_signature_answers_without_trigger(
    void **state)
{
	struct fixture *f = *state;
	const char *h[] = {"X-GitHub-Event: ping",
	                   "X-Hub-Signature-256: sha256=757107ea0eb2509fc211221"
	                   "cce984b8a37570b6d7586c22c46f4379c8b043e17",
	                   NULL};
	struct strbuf body = STRBUF_INIT;

	assert_int_equal(post_webhook(f, h, "Hello, World!", &body), 200);
	assert_string_equal(strbuf_str(&body), "pong\n");
	assert_false(fd_readable(httpd_trigger_fd(f->h)));
	assert_false(httpd_take_trigger(f->h));
	assert_true(metrics_has(
	    f, "nfvsync_webhook_requests_total{forge=\"github\",result="
	       "\"ping\"} 1\n"));
	strbuf_done(&body);
}

static void
test_httpd_github_push_to_the_ref_triggers_once(void **state)
{
	struct fixture *f = *state;
	char *sig = github_signature(SECRET, push_main);
	const char *h[] = {"X-GitHub-Event: push", sig,
	                   "Content-Type: application/json", NULL};

	assert_false(fd_readable(httpd_trigger_fd(f->h)));
	assert_int_equal(post_webhook(f, h, push_main, NULL), 200);
	assert_true(fd_readable(httpd_trigger_fd(f->h)));
	/* A second push before the loop looks folds into the same wake. */
	assert_int_equal(post_webhook(f, h, push_main, NULL), 200);
	assert_true(httpd_take_trigger(f->h));
	assert_false(fd_readable(httpd_trigger_fd(f->h)));
	assert_false(httpd_take_trigger(f->h));
	assert_true(metrics_has(
	    f, "nfvsync_webhook_requests_total{forge=\"github\",result="
	       "\"triggered\"} 2\n"));
	free(sig);
}

static void
test_httpd_github_bad_or_missing_signature_is_401(void **state)
{
	struct fixture *f = *state;
	char *other = github_signature("another secret", push_main);
	const char *wrong_key[] = {"X-GitHub-Event: push", other, NULL};
	const char *no_prefix[] = {
	    "X-GitHub-Event: push",
	    /* a valid hex digest of the body, but without "sha256=" */
	    "X-Hub-Signature-256: 757107ea0eb2509fc211221cce984b8a37570b6d75"
	    "86c22c46f4379c8b043e17",
	    NULL};
	const char *short_sig[] = {"X-GitHub-Event: push",
	                           "X-Hub-Signature-256: sha256=7571", NULL};
	const char *none[] = {"X-GitHub-Event: push", NULL};
	char *sig = github_signature(SECRET, push_main);
	const char *tampered[] = {"X-GitHub-Event: push", sig, NULL};

	assert_int_equal(post_webhook(f, wrong_key, push_main, NULL), 401);
	assert_int_equal(post_webhook(f, no_prefix, "Hello, World!", NULL),
	                 401);
	assert_int_equal(post_webhook(f, short_sig, push_main, NULL), 401);
	assert_int_equal(post_webhook(f, none, push_main, NULL), 401);
	/* The signature of another body: one changed byte. */
	assert_int_equal(post_webhook(f, tampered,
	                              "{\"ref\":\"refs/heads/mainx\","
	                              "\"after\":\"0123456789abcdef\"}",
	                              NULL),
	                 401);
	assert_false(fd_readable(httpd_trigger_fd(f->h)));
	assert_true(metrics_has(
	    f, "nfvsync_webhook_requests_total{forge=\"github\",result="
	       "\"unauthorized\"} 4\n"));
	assert_true(metrics_has(
	    f, "nfvsync_webhook_requests_total{forge=\"unknown\",result="
	       "\"unauthorized\"} 1\n"));
	free(other);
	free(sig);
}

static void
test_httpd_github_push_to_another_ref_is_accepted_not_triggered(void **state)
{
	struct fixture *f = *state;
	char *sig = github_signature(SECRET, push_dev);
	const char *h[] = {"X-GitHub-Event: push", sig, NULL};
	const char *tag = "{\"ref\":\"refs/tags/main-v2\"}";
	char *tsig = github_signature(SECRET, tag);
	const char *th[] = {"X-GitHub-Event: push", tsig, NULL};
	struct strbuf body = STRBUF_INIT;

	assert_int_equal(post_webhook(f, h, push_dev, &body), 202);
	assert_non_null(strstr(strbuf_str(&body), "refs/heads/dev"));
	assert_int_equal(post_webhook(f, th, tag, NULL), 202);
	assert_false(fd_readable(httpd_trigger_fd(f->h)));
	strbuf_done(&body);
	free(sig);
	free(tsig);
}

static void
test_httpd_github_other_events_are_accepted_not_triggered(void **state)
{
	struct fixture *f = *state;
	const char *body = "{\"action\":\"opened\"}";
	char *sig = github_signature(SECRET, body);
	const char *h[] = {"X-GitHub-Event: issues", sig, NULL};
	const char *noevent[] = {sig, NULL};

	assert_int_equal(post_webhook(f, h, body, NULL), 202);
	assert_int_equal(post_webhook(f, noevent, body, NULL), 400);
	assert_false(fd_readable(httpd_trigger_fd(f->h)));
	free(sig);
}

static void
test_httpd_signed_push_that_is_not_json_is_400(void **state)
{
	struct fixture *f = *state;
	const char *form =
	    "payload=%7B%22ref%22%3A%22refs%2Fheads%2Fmain%22%7D";
	const char *noref = "{\"after\":\"abc\"}";
	char *sig = github_signature(SECRET, form);
	char *sig2 = github_signature(SECRET, noref);
	const char *h[] = {"X-GitHub-Event: push", sig, NULL};
	const char *h2[] = {"X-GitHub-Event: push", sig2, NULL};
	struct strbuf body = STRBUF_INIT;

	assert_int_equal(post_webhook(f, h, form, &body), 400);
	assert_non_null(strstr(strbuf_str(&body), "application/json"));
	assert_int_equal(post_webhook(f, h2, noref, NULL), 400);
	assert_false(fd_readable(httpd_trigger_fd(f->h)));
	strbuf_done(&body);
	free(sig);
	free(sig2);
}

static void
test_httpd_gitea_push_ping_bad_and_other_ref(void **state)
{
	struct fixture *f = *state;
	char *sig = gitea_signature(SECRET, push_main);
	char *bad = gitea_signature("nope", push_main);
	char *devsig = gitea_signature(SECRET, push_dev);
	/* Gitea sends GitHub's event header too; its own signature rules. */
	char *ghsig = github_signature("nope", push_main);
	const char *push[] = {"X-Gitea-Event: push", "X-GitHub-Event: push",
	                      sig, ghsig, NULL};
	const char *wrong[] = {"X-Gitea-Event: push", bad, NULL};
	const char *dev[] = {"X-Gitea-Event: push", devsig, NULL};
	const char *ping[] = {"X-Gitea-Event: ping", sig, NULL};

	assert_int_equal(post_webhook(f, wrong, push_main, NULL), 401);
	assert_int_equal(post_webhook(f, dev, push_dev, NULL), 202);
	assert_int_equal(post_webhook(f, ping, push_main, NULL), 200);
	assert_false(fd_readable(httpd_trigger_fd(f->h)));
	assert_int_equal(post_webhook(f, push, push_main, NULL), 200);
	assert_true(httpd_take_trigger(f->h));
	assert_true(metrics_has(
	    f, "nfvsync_webhook_requests_total{forge=\"gitea\",result="
	       "\"triggered\"} 1\n"));
	free(sig);
	free(bad);
	free(devsig);
	free(ghsig);
}

static void
test_httpd_gitlab_token_push_bad_token_and_other_ref(void **state)
{
	struct fixture *f = *state;
	const char *push[] = {"X-Gitlab-Event: Push Hook",
	                      "X-Gitlab-Token: " SECRET, NULL};
	const char *wrong[] = {"X-Gitlab-Event: Push Hook",
	                       "X-Gitlab-Token: It's a Secret to Everybodz",
	                       NULL};
	const char *prefix[] = {"X-Gitlab-Event: Push Hook",
	                        "X-Gitlab-Token: It's a Secret", NULL};
	const char *issue[] = {"X-Gitlab-Event: Issue Hook",
	                       "X-Gitlab-Token: " SECRET, NULL};

	assert_int_equal(post_webhook(f, wrong, push_main, NULL), 401);
	assert_int_equal(post_webhook(f, prefix, push_main, NULL), 401);
	assert_int_equal(post_webhook(f, push, push_dev, NULL), 202);
	assert_int_equal(post_webhook(f, issue, push_main, NULL), 202);
	assert_false(fd_readable(httpd_trigger_fd(f->h)));
	assert_int_equal(post_webhook(f, push, push_main, NULL), 200);
	assert_true(httpd_take_trigger(f->h));
	assert_true(metrics_has(
	    f, "nfvsync_webhook_requests_total{forge=\"gitlab\",result="
	       "\"triggered\"} 1\n"));
}

static void
test_httpd_webhook_body_over_1_mib_is_413(void **state)
{
	struct fixture *f = *state;
	size_t n = 1024 * 1024 + 1;
	char *big = malloc(n + 1);
	char *sig;
	const char *h[3] = {"X-GitHub-Event: push", NULL, NULL};
	struct reply r;

	assert_non_null(big);
	/* Valid JSON pushing main, padded past the limit. */
	memset(big, ' ', n);
	memcpy(big, push_main, strlen(push_main));
	big[n] = '\0';
	sig = github_signature(SECRET, big);
	h[1] = sig;
	http_do(f->port, "POST", "/webhook", h, big, n, &r);
	assert_int_equal(r.status, 413);
	reply_done(&r);
	assert_false(fd_readable(httpd_trigger_fd(f->h)));
	free(sig);

	/* A huge declared length is refused before any body is read. */
	{
		const char *huge[] = {"X-GitHub-Event: push",
		                      "Content-Length: 1073741824", NULL};

		http_do(f->port, "POST", "/webhook", huge, "{", 1, &r);
		assert_int_equal(r.status, 413);
		reply_done(&r);
	}

	/* Exactly 1 MiB is fine. */
	big[n - 1] = '\0';
	sig = github_signature(SECRET, big);
	h[1] = sig;
	http_do(f->port, "POST", "/webhook", h, big, n - 1, &r);
	assert_int_equal(r.status, 200);
	reply_done(&r);
	assert_true(httpd_take_trigger(f->h));
	free(sig);
	free(big);
}

static void
test_httpd_webhook_without_secret_is_404(void **state)
{
	struct fixture *f = fixture_start(NULL, "main");
	char *sig = github_signature("", push_main);
	const char *h[] = {"X-GitHub-Event: push", sig, NULL};

	assert_int_equal(post_webhook(f, h, push_main, NULL), 404);
	assert_false(fd_readable(httpd_trigger_fd(f->h)));
	fixture_stop(f);
	/* An empty secret is no secret: never sign with "". */
	f = fixture_start("", "main");
	assert_int_equal(post_webhook(f, h, push_main, NULL), 404);
	fixture_stop(f);
	free(sig);
}

static void
push_expect(const char *following, const char *pushed, long status)
{
	struct fixture *f = fixture_start(SECRET, following);
	char body[128];
	char *sig;
	const char *h[3] = {"X-GitHub-Event: push", NULL, NULL};

	snprintf(body, sizeof(body), "{\"ref\":\"%s\"}", pushed);
	sig = github_signature(SECRET, body);
	h[1] = sig;
	if (post_webhook(f, h, body, NULL) != status)
		print_message("following %s, push to %s: not %ld\n",
		              following ? following : "(HEAD)", pushed, status);
	assert_int_equal(post_webhook(f, h, body, NULL), status);
	assert_int_equal(fd_readable(httpd_trigger_fd(f->h)), status == 200);
	free(sig);
	fixture_stop(f);
}

static void
test_httpd_ref_forms_branch_full_ref_tag_and_head(void **state)
{
	push_expect("refs/heads/main", "refs/heads/main", 200);
	push_expect("refs/heads/main", "refs/tags/main", 202);
	push_expect("v1.2", "refs/tags/v1.2", 200);
	push_expect("refs/tags/v1.2", "refs/tags/v1.2", 200);
	push_expect("v1.2", "refs/tags/v1.20", 202);
	push_expect("main", "refs/heads/maintenance", 202);
	push_expect("main", "refs/heads/feature/main", 202);
	/* A pinned commit never moves. */
	push_expect("0123456789abcdef0123456789abcdef01234567",
	            "refs/heads/main", 202);
	/* Following the remote's HEAD: any push may have moved it. */
	push_expect(NULL, "refs/heads/whatever", 200);
}

/* Starts a server on listen; when want is 0, connects to it at host. */
static void
listen_expect_at(const char *listen, const char *host, int want,
                 const char *fragment)
{
	struct httpd_opts o = {.listen = listen};
	struct httpd *h = NULL;
	struct diag d;
	int r;

	diag_init(&d);
	r = httpd_start(&o, &h, &d);
	if (r != want ||
	    (fragment && (d.n != 1 || !strstr(d.entries[0].message, fragment))))
		print_message("%s: %d, %s\n", listen, r,
		              d.n ? d.entries[0].message : "(no message)");
	assert_int_equal(r, want);
	if (want == 0) {
		assert_non_null(h);
		struct reply rep;

		assert_true(httpd_port(h) > 0);
		http_do_at(host, httpd_port(h), "GET", "/healthz", NULL, NULL,
		           0, &rep);
		assert_int_equal(rep.status, 200);
		assert_string_equal(strbuf_str(&rep.body), "ok\n");
		reply_done(&rep);
		/* No registry: nothing to serve. */
		http_do_at(host, httpd_port(h), "GET", "/metrics", NULL, NULL,
		           0, &rep);
		assert_int_equal(rep.status, 404);
		reply_done(&rep);
		httpd_stop(h);
	} else {
		assert_null(h);
		assert_int_equal(d.n, 1);
		assert_non_null(strstr(d.entries[0].message, fragment));
	}
	diag_done(&d);
}

static void
listen_expect(const char *listen, int want, const char *fragment)
{
	listen_expect_at(listen, "127.0.0.1", want, fragment);
}

static void
test_httpd_listens_on_loopback_only(void **state)
{
	listen_expect("127.0.0.1:0", 0, NULL);
	listen_expect_at("127.3.2.1:0", "127.3.2.1", 0, NULL);
	listen_expect("localhost:0", 0, NULL);
	listen_expect("0.0.0.0:9180", -EPERM, "not a loopback address");
	listen_expect("10.0.0.1:0", -EPERM, "not a loopback address");
	listen_expect("128.0.0.1:0", -EPERM, "not a loopback address");
	listen_expect("[::]:9180", -EPERM, "not a loopback address");
	listen_expect("[::ffff:127.0.0.1]:0", -EPERM, "not a loopback address");
	listen_expect("127.0.0.1", -EINVAL, "expected HOST:PORT");
	listen_expect(":9180", -EINVAL, "not an IPv4 address");
	listen_expect("127.0.0.1:65536", -EINVAL, "bad port");
	listen_expect("127.0.0.1:-1", -EINVAL, "bad port");
	listen_expect("127.0.0.1:", -EINVAL, "bad port");
	listen_expect("127.0.0.1:80x", -EINVAL, "bad port");
	listen_expect("[::1:0", -EINVAL, "expected [IPV6]:PORT");
	listen_expect("::1:0", -EINVAL, "not an IPv4 address");
	listen_expect("example.org:80", -EINVAL, "not an IPv4 address");
	listen_expect("", -EINVAL, "empty");
}

static void
test_httpd_listens_on_ipv6_loopback(void **state)
{
	int fd = socket(AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in6 a = {.sin6_family = AF_INET6};
	bool ipv6;

	/* Some containers have no ::1; then there is nothing to test. */
	a.sin6_addr = in6addr_loopback;
	ipv6 = fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	if (fd >= 0)
		close(fd);
	if (!ipv6)
		skip();
	listen_expect_at("[::1]:0", "[::1]", 0, NULL);
}

static void
test_httpd_port_in_use_is_a_clear_error(void **state)
{
	struct fixture *f = *state;
	struct httpd_opts o = {0};
	struct httpd *h = NULL;
	char listen[32];
	struct diag d;

	snprintf(listen, sizeof(listen), "127.0.0.1:%u", f->port);
	o.listen = listen;
	diag_init(&d);
	assert_int_equal(httpd_start(&o, &h, &d), -EADDRINUSE);
	assert_null(h);
	assert_int_equal(d.n, 1);
	assert_non_null(strstr(d.entries[0].message, "cannot listen on"));
	assert_non_null(strstr(d.entries[0].message, listen));
	diag_done(&d);
}

/*
 * Scrapes while the loop updates: every scrape must show whole histogram
 * series (buckets cumulative, _count equal to the +Inf bucket), and
 * counts never go backwards between scrapes.
 */
struct scraper {
	unsigned port;
	unsigned scrapes;
	bool failed;
	const bool *stop;
};

static unsigned long
scrape_value(const char *text, const char *prefix)
{
	const char *p = strstr(text, prefix);

	return p ? strtoul(p + strlen(prefix), NULL, 10) : (unsigned long)-1;
}

static void *
scraper_run(void *arg)
{
	struct scraper *s = arg;
	unsigned long last = 0, last_cycles = 0;

	while (!__atomic_load_n(s->stop, __ATOMIC_ACQUIRE) || s->scrapes < 5) {
		struct reply r;
		const char *text;
		unsigned long low, high, count, inf, cycles;

		/* cmocka asserts are not thread-safe: flag, do not assert. */
		memset(&r, 0, sizeof(r));
		{
			char url[64];
			CURL *c = curl_easy_init();

			snprintf(url, sizeof(url),
			         "http://127.0.0.1:%u/metrics", s->port);
			curl_easy_setopt(c, CURLOPT_URL, url);
			curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
			curl_easy_setopt(c, CURLOPT_WRITEFUNCTION,
			                 reply_collect);
			curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
			if (curl_easy_perform(c) != CURLE_OK)
				s->failed = true;
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
			curl_easy_cleanup(c);
		}
		text = strbuf_str(&r.body);
		low = scrape_value(text, "cycle_seconds_bucket{le=\"0.1\"} ");
		high = scrape_value(text, "cycle_seconds_bucket{le=\"1\"} ");
		count = scrape_value(text, "cycle_seconds_count ");
		inf = scrape_value(text, "cycle_seconds_bucket{le=\"+Inf\"} ");
		cycles = scrape_value(text, "cycles_total ");
		if (r.status != 200 || low > high || high > inf ||
		    count != inf || count < last || cycles < last_cycles ||
		    cycles == (unsigned long)-1)
			s->failed = true;
		last = count;
		last_cycles = cycles;
		s->scrapes++;
		reply_done(&r);
	}
	return NULL;
}

static void
test_httpd_concurrent_scrapes_see_consistent_snapshots(void **state)
{
	static const double buckets[] = {0.1, 1};
	struct fixture *f = *state;
	struct scraper s[3];
	pthread_t t[3];
	bool stop = false;
	unsigned i;

	metrics_declare(f->m, "cycle_seconds", "histogram", "", buckets, 2);
	metrics_declare(f->m, "cycles_total", "counter", "", NULL, 0);
	metrics_observe(f->m, "cycle_seconds", NULL, 0.5);
	metrics_add(f->m, "cycles_total", NULL, 1);
	for (i = 0; i < 3; i++) {
		s[i] = (struct scraper){.port = f->port, .stop = &stop};
		assert_int_equal(
		    pthread_create(&t[i], NULL, scraper_run, &s[i]), 0);
	}
	/* The loop's side, with a status update and a scrape of its own
	 * in between. */
	for (i = 0; i < 3000; i++) {
		char json[64];

		metrics_observe(f->m, "cycle_seconds", NULL, i % 3 * 0.5);
		snprintf(json, sizeof(json), "{\"cycle\":%u}", i);
		httpd_set_status(f->h, json);
		if (i % 500 == 0)
			expect_reply(f->port, "GET", "/status", 200, json);
		metrics_add(f->m, "cycles_total", NULL, 1);
	}
	__atomic_store_n(&stop, true, __ATOMIC_RELEASE);
	for (i = 0; i < 3; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_true(s[i].scrapes >= 5);
	}
	for (i = 0; i < 3; i++)
		assert_false(s[i].failed);
	assert_true(metrics_has(f, "cycles_total 3001\n"));
	assert_true(metrics_has(f, "cycle_seconds_count 3001\n"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_httpd_healthz_answers_ok,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_httpd_readyz_is_503_until_ready, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_httpd_status_serves_the_last_published_json, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_httpd_metrics_serves_the_registry_as_text_0_0_4, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_httpd_unknown_path_is_404_wrong_method_405, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_httpd_github_ping_with_documented_signature_answers_without_trigger,
	        setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_httpd_github_push_to_the_ref_triggers_once, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_httpd_github_bad_or_missing_signature_is_401, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_httpd_github_push_to_another_ref_is_accepted_not_triggered,
	        setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_httpd_github_other_events_are_accepted_not_triggered,
	        setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_httpd_signed_push_that_is_not_json_is_400, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_httpd_gitea_push_ping_bad_and_other_ref, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_httpd_gitlab_token_push_bad_token_and_other_ref, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_httpd_webhook_body_over_1_mib_is_413, setup, teardown),
	    cmocka_unit_test(test_httpd_webhook_without_secret_is_404),
	    cmocka_unit_test(test_httpd_ref_forms_branch_full_ref_tag_and_head),
	    cmocka_unit_test(test_httpd_listens_on_loopback_only),
	    cmocka_unit_test(test_httpd_listens_on_ipv6_loopback),
	    cmocka_unit_test_setup_teardown(
	        test_httpd_port_in_use_is_a_clear_error, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_httpd_concurrent_scrapes_see_consistent_snapshots, setup,
	        teardown),
	};
	int r;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	r = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return r;
}
