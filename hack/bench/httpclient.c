/*
 * The benchmark's own HTTP client (libcurl multi). `get` sends N GETs to a
 * URL, one after another or at a fixed rate, each on a fresh connection
 * (so the balancer chooses a back end for every request), and writes one
 * CSV record per request: start time, outcome, status, latency and the back
 * end that answered (localvim's servers name themselves in X-Served-By).
 * `servers` and `timeline` aggregate such a file for the report. A tool for
 * hack/bench/report.sh, not a load-testing framework: no keep-alive, no
 * bodies, GET only.
 */
#include "loadstats.h"

#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define HTTPCLIENT_MAX_IN_FLIGHT 256

struct httpclient_req {
	CURL *easy;
	struct load_record rec;
	double t0; /* monotonic */
};

static volatile sig_atomic_t httpclient_stop;

static void
httpclient_on_signal(int sig)
{
	httpclient_stop = 1;
}

static double
httpclient_clock(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t
httpclient_on_header(char *buf, size_t size, size_t n, void *payload)
{
	struct httpclient_req *r = payload;
	size_t len = size * n, name = strlen("X-Served-By:"), v;

	if (len > name && strncasecmp(buf, "X-Served-By:", name) == 0) {
		buf += name;
		len -= name;
		while (len > 0 && (*buf == ' ' || *buf == '\t')) {
			buf++;
			len--;
		}
		for (v = 0; v < len && v < sizeof(r->rec.server) - 1; v++) {
			/* A CSV field: no separators, no line ends. */
			if (buf[v] == '\r' || buf[v] == '\n')
				break;
			r->rec.server[v] = buf[v] == ',' ? '_' : buf[v];
		}
		r->rec.server[v] = '\0';
	}
	return size * n;
}

static size_t
httpclient_on_body(char *buf, size_t size, size_t n, void *payload)
{
	return size * n;
}

static struct httpclient_req *
httpclient_start(CURLM *multi, const char *url, long timeout_ms)
{
	struct httpclient_req *r = calloc(1, sizeof(*r));

	if (r == NULL || (r->easy = curl_easy_init()) == NULL) {
		fprintf(stderr, "httpclient: out of memory\n");
		exit(1);
	}
	curl_easy_setopt(r->easy, CURLOPT_URL, url);
	curl_easy_setopt(r->easy, CURLOPT_FORBID_REUSE, 1L);
	curl_easy_setopt(r->easy, CURLOPT_FRESH_CONNECT, 1L);
	curl_easy_setopt(r->easy, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(r->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(r->easy, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(r->easy, CURLOPT_HEADERFUNCTION, httpclient_on_header);
	curl_easy_setopt(r->easy, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, httpclient_on_body);
	curl_easy_setopt(r->easy, CURLOPT_PRIVATE, r);
	r->rec.start = httpclient_clock(CLOCK_REALTIME);
	r->t0 = httpclient_clock(CLOCK_MONOTONIC);
	curl_multi_add_handle(multi, r->easy);
	return r;
}

static void
httpclient_finish(CURLM *multi, struct httpclient_req *r, CURLcode code)
{
	long status = 0;

	r->rec.latency_ms = (httpclient_clock(CLOCK_MONOTONIC) - r->t0) * 1e3;
	if (code == CURLE_OK)
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	r->rec.status = (int)status;
	if (code == CURLE_OPERATION_TIMEDOUT)
		r->rec.outcome = LOAD_TIMEOUT;
	else
		r->rec.outcome = load_outcome_of_status(r->rec.status);
	if (r->rec.outcome != LOAD_OK)
		r->rec.server[0] = '\0';
	load_record_write(&r->rec, stdout);
	putchar('\n');
	curl_multi_remove_handle(multi, r->easy);
	curl_easy_cleanup(r->easy);
	free(r);
}

/* Sends total GETs, sequentially (rate <= 0) or at rate per second. */
static int
httpclient_get(const char *url, size_t total, double rate, long timeout_ms)
{
	CURLM *multi = curl_multi_init();
	double begin = httpclient_clock(CLOCK_MONOTONIC);
	size_t started = 0, in_flight = 0;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = httpclient_on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	puts(load_csv_header);
	while (started < total || in_flight > 0) {
		double now = httpclient_clock(CLOCK_MONOTONIC) - begin;
		size_t n =
		    httpclient_stop
		        ? 0 /* finish what is in flight */
		        : load_to_start(now, rate, total, started, in_flight,
		                        HTTPCLIENT_MAX_IN_FLIGHT);
		int running, left, wait_ms = 100;
		CURLMsg *msg;

		for (; n > 0; n--) {
			httpclient_start(multi, url, timeout_ms);
			started++;
			in_flight++;
		}
		if (rate > 0 && started < total && !httpclient_stop) {
			double next = (double)started / rate - now;

			wait_ms = next <= 0 ? 0 : (int)(next * 1e3) + 1;
			if (wait_ms > 100)
				wait_ms = 100;
		}
		curl_multi_perform(multi, &running);
		while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
			struct httpclient_req *r;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			                  (char **)&r);
			httpclient_finish(multi, r, msg->data.result);
			in_flight--;
		}
		if (httpclient_stop && in_flight == 0)
			break;
		if (rate <= 0 && in_flight == 0)
			continue; /* sequential: the next one at once */
		curl_multi_poll(multi, NULL, 0, wait_ms, NULL);
	}
	curl_multi_cleanup(multi);
	return 0;
}

static int
httpclient_read(const char *path, struct load_record **ret, size_t *ret_n)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	size_t line = 0;
	int rc;

	if (f == NULL) {
		fprintf(stderr, "httpclient: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	rc = load_records_read(f, ret, ret_n, &line);
	if (f != stdin)
		fclose(f);
	if (rc == -EINVAL)
		fprintf(stderr, "httpclient: %s:%zu: not a request record\n",
		        path, line);
	else if (rc < 0)
		fprintf(stderr, "httpclient: %s: %s\n", path, strerror(-rc));
	return rc;
}

static int
httpclient_servers(const char *path)
{
	struct load_record *v;
	struct load_server *s;
	size_t n, ns, i;

	if (httpclient_read(path, &v, &n) < 0)
		return 1;
	load_by_server(v, n, &s, &ns);
	puts("server,requests,total_ms,mean_ms");
	for (i = 0; i < ns; i++)
		printf("%s,%zu,%.3f,%.3f\n", s[i].server, s[i].requests,
		       s[i].total_ms, s[i].total_ms / (double)s[i].requests);
	free(s);
	free(v);
	return 0;
}

static int
httpclient_timeline(const char *path, double origin, double from, double to,
                    double bucket_s)
{
	struct load_record *v;
	struct load_bucket *b;
	size_t n, nb, i;

	if (httpclient_read(path, &v, &n) < 0)
		return 1;
	load_timeline(v, n, origin, from, to, bucket_s, &b, &nb);
	puts("t_s,ok,failed");
	for (i = 0; i < nb; i++)
		printf("%.3f,%zu,%zu\n", from + (double)i * bucket_s, b[i].ok,
		       b[i].failed);
	free(b);
	free(v);
	return 0;
}

static int
httpclient_usage(FILE *f)
{
	fprintf(f,
	        "usage: httpclient get URL COUNT [RATE [TIMEOUT_MS]]\n"
	        "         COUNT GETs, one after another, or RATE per second;\n"
	        "         one CSV record per request on standard output\n"
	        "         (SIGTERM: finish the requests in flight, stop)\n"
	        "       httpclient servers CSV\n"
	        "         successful requests per server: count, total and "
	        "mean latency\n"
	        "       httpclient timeline CSV ORIGIN FROM TO BUCKET\n"
	        "         ok/failed requests per BUCKET seconds from "
	        "ORIGIN+FROM\n"
	        "         to ORIGIN+TO (ORIGIN: Unix time)\n");
	return f == stderr ? 2 : 0;
}

/* A number argument, or exit 2 with a message. */
static double
httpclient_number(const char *s, const char *what)
{
	char *end;
	double d = strtod(s, &end);

	if (end == s || *end != '\0') {
		fprintf(stderr, "httpclient: %s: not a number: '%s'\n", what,
		        s);
		exit(2);
	}
	return d;
}

int
main(int argc, char **argv)
{
	int rc;

	if (argc >= 2 &&
	    (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
		return httpclient_usage(stdout);
	if (argc >= 4 && argc <= 6 && strcmp(argv[1], "get") == 0) {
		double count = httpclient_number(argv[3], "COUNT");
		double rate = argc > 4 ? httpclient_number(argv[4], "RATE") : 0;
		double timeout =
		    argc > 5 ? httpclient_number(argv[5], "TIMEOUT_MS") : 2000;

		if (count < 0 || timeout <= 0) {
			fprintf(stderr, "httpclient: COUNT >= 0 and "
			                "TIMEOUT_MS > 0, please\n");
			return 2;
		}
		curl_global_init(CURL_GLOBAL_DEFAULT);
		rc =
		    httpclient_get(argv[2], (size_t)count, rate, (long)timeout);
		curl_global_cleanup();
		return rc;
	}
	if (argc == 3 && strcmp(argv[1], "servers") == 0)
		return httpclient_servers(argv[2]);
	if (argc == 7 && strcmp(argv[1], "timeline") == 0)
		return httpclient_timeline(
		    argv[2], httpclient_number(argv[3], "ORIGIN"),
		    httpclient_number(argv[4], "FROM"),
		    httpclient_number(argv[5], "TO"),
		    httpclient_number(argv[6], "BUCKET"));
	return httpclient_usage(stderr);
}
