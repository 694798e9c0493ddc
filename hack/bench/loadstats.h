/*
 * The pure pieces of the benchmark's HTTP client (httpclient.c): when each
 * request of a run is due, the CSV record of one request, and what the
 * report wants from a run's records (per-server totals and means, outcomes
 * per time bucket). No I/O beyond the FILE handed in, no clock: unit-tested
 * in tests/bench/test_loadstats.c.
 */
#ifndef NFV_BENCH_LOADSTATS_H
#define NFV_BENCH_LOADSTATS_H

#include <stddef.h>
#include <stdio.h>

#define LOAD_SERVER_MAX 96

enum load_outcome {
	LOAD_OK,         /* a 2xx or 3xx answer */
	LOAD_HTTP_ERROR, /* an answer with another status */
	LOAD_CONN_ERROR, /* no answer: refused, reset, ... */
	LOAD_TIMEOUT,    /* no answer in time */
	LOAD_OUTCOME_MAX,
	LOAD_OUTCOME_INVALID = -1
};

struct load_record {
	double start; /* Unix time the request was sent, seconds */
	enum load_outcome outcome;
	int status;                   /* HTTP status, 0 without an answer */
	double latency_ms;            /* until the answer (or the error) */
	char server[LOAD_SERVER_MAX]; /* X-Served-By of the answer, or "" */
};

const char *load_outcome_name(enum load_outcome o);
enum load_outcome load_outcome_from_name(const char *s);
/* The outcome of an answer with this HTTP status (0: none). */
enum load_outcome load_outcome_of_status(int status);

/*
 * The number of requests due at elapsed seconds t of a run sending total
 * requests at rate per second: request i is due at i / rate. rate <= 0
 * means sequential, which this does not schedule (returns total).
 */
size_t load_due(double t, double rate, size_t total);
/*
 * How many requests to start at elapsed seconds t, with started of total
 * started so far and in_flight of them unanswered: sequentially
 * (rate <= 0) one once the previous one is answered; otherwise those due
 * (load_due), as long as fewer than max_in_flight are unanswered.
 */
size_t load_to_start(double t, double rate, size_t total, size_t started,
                     size_t in_flight, size_t max_in_flight);

/* The CSV header line and one record (no newline in either). */
extern const char load_csv_header[];
void load_record_write(const struct load_record *r, FILE *f);
/* Parses one CSV line (a trailing newline is allowed): 0, or -EINVAL. */
int load_record_parse(const char *line, struct load_record *ret);
/*
 * Reads every record of a CSV file (the header and blank lines skipped):
 * 0 and a malloc'ed array the caller frees, or -errno / -EINVAL (with
 * *ret_line the bad line).
 */
int load_records_read(FILE *f, struct load_record **ret, size_t *ret_n,
                      size_t *ret_line);

struct load_server {
	char server[LOAD_SERVER_MAX];
	size_t requests;
	double total_ms;
};

/*
 * Requests answered successfully, per server, sorted by name: a malloc'ed
 * array the caller frees. Failed requests and answers without a server
 * name are not counted.
 */
void load_by_server(const struct load_record *v, size_t n,
                    struct load_server **ret, size_t *ret_n);

struct load_bucket {
	size_t ok;
	size_t failed; /* every outcome but LOAD_OK */
};

/*
 * Outcomes per bucket of bucket_s seconds from origin (the bucket of a
 * request is that of its start): buckets covering [from, to) seconds
 * relative to origin, (to - from) / bucket_s of them rounded up; requests
 * outside are left out. A malloc'ed array the caller frees.
 */
void load_timeline(const struct load_record *v, size_t n, double origin,
                   double from, double to, double bucket_s,
                   struct load_bucket **ret, size_t *ret_n);

#endif
