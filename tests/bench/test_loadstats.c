/*
 * Unit tests of the benchmark client's pure pieces (hack/bench/loadstats.c):
 * the rate schedule, CSV records both ways, per-server totals and means,
 * outcomes per time bucket. Links bench_loadstats only.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadstats.h"

static struct load_record
rec(double start, enum load_outcome o, int status, double ms,
    const char *server)
{
	struct load_record r;

	memset(&r, 0, sizeof(r));
	r.start = start;
	r.outcome = o;
	r.status = status;
	r.latency_ms = ms;
	strcpy(r.server, server);
	return r;
}

static void
test_loadstats_rate_schedule_spaces_requests_evenly(void **state)
{
	/* 200/s: request i is due at i * 5 ms. */
	assert_int_equal(load_due(-0.001, 200, 1000), 0);
	assert_int_equal(load_due(0, 200, 1000), 1);
	assert_int_equal(load_due(0.0049, 200, 1000), 1);
	assert_int_equal(load_due(0.005, 200, 1000), 2);
	assert_int_equal(load_due(1.0, 200, 1000), 201);
	assert_int_equal(load_due(4.999, 200, 1000), 1000);
	assert_int_equal(load_due(60, 200, 1000), 1000);
	/* Fractional rates: one every two seconds. */
	assert_int_equal(load_due(1.9, 0.5, 10), 1);
	assert_int_equal(load_due(2.0, 0.5, 10), 2);
}

static void
test_loadstats_sequential_runs_are_not_scheduled(void **state)
{
	assert_int_equal(load_due(0, 0, 100), 100);
	assert_int_equal(load_due(0, -1, 7), 7);
}

static void
test_loadstats_sequential_runs_start_one_after_the_answer(void **state)
{
	/* Nothing in flight: one; one in flight: none; all sent: none. */
	assert_int_equal(load_to_start(0, 0, 100, 0, 0, 256), 1);
	assert_int_equal(load_to_start(5, 0, 100, 1, 1, 256), 0);
	assert_int_equal(load_to_start(5, 0, 100, 1, 0, 256), 1);
	assert_int_equal(load_to_start(5, 0, 100, 100, 0, 256), 0);
}

static void
test_loadstats_rate_runs_start_what_is_due_within_the_in_flight_cap(
    void **state)
{
	/* 200/s at 1 s: 201 due. */
	assert_int_equal(load_to_start(1.0, 200, 1000, 0, 0, 256), 201);
	assert_int_equal(load_to_start(1.0, 200, 1000, 150, 3, 256), 51);
	assert_int_equal(load_to_start(1.0, 200, 1000, 201, 0, 256), 0);
	/* Slow answers: no more than the cap unanswered. */
	assert_int_equal(load_to_start(1.0, 200, 1000, 0, 250, 256), 6);
	assert_int_equal(load_to_start(1.0, 200, 1000, 0, 256, 256), 0);
	assert_int_equal(load_to_start(60, 200, 1000, 990, 0, 256), 10);
}

static void
test_loadstats_record_round_trips_through_csv(void **state)
{
	struct load_record r = rec(1764094321.123456, LOAD_OK, 200, 1.25,
	                           "symmetric-web-site1-web-VDU1-0"),
	                   back;
	char buf[256];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	load_record_write(&r, f);
	fclose(f);
	assert_string_equal(
	    buf,
	    "1764094321.123456,ok,200,1.250,symmetric-web-site1-web-VDU1-0");
	assert_int_equal(load_record_parse(buf, &back), 0);
	assert_true(back.start == r.start);
	assert_int_equal(back.outcome, LOAD_OK);
	assert_int_equal(back.status, 200);
	assert_true(back.latency_ms == 1.25);
	assert_string_equal(back.server, r.server);
	/* A connection error has no status and no server. */
	assert_int_equal(load_record_parse("5.5,conn_error,0,0.4,\n", &back),
	                 0);
	assert_int_equal(back.outcome, LOAD_CONN_ERROR);
	assert_string_equal(back.server, "");
}

static void
test_loadstats_bad_records_are_refused(void **state)
{
	struct load_record r;

	assert_int_equal(load_record_parse("", &r), -EINVAL);
	assert_int_equal(load_record_parse("1,ok,200,1", &r), -EINVAL);
	assert_int_equal(load_record_parse("1,ok,200,1,a,b", &r), -EINVAL);
	assert_int_equal(load_record_parse("x,ok,200,1,a", &r), -EINVAL);
	assert_int_equal(load_record_parse("1,fine,200,1,a", &r), -EINVAL);
	assert_int_equal(load_record_parse("1,ok,2000,1,a", &r), -EINVAL);
	assert_int_equal(load_record_parse("1,ok,200,-1,a", &r), -EINVAL);
}

static void
test_loadstats_outcome_follows_the_status(void **state)
{
	assert_int_equal(load_outcome_of_status(200), LOAD_OK);
	assert_int_equal(load_outcome_of_status(302), LOAD_OK);
	assert_int_equal(load_outcome_of_status(503), LOAD_HTTP_ERROR);
	assert_int_equal(load_outcome_of_status(404), LOAD_HTTP_ERROR);
	assert_int_equal(load_outcome_of_status(0), LOAD_CONN_ERROR);
	assert_int_equal(load_outcome_from_name("timeout"), LOAD_TIMEOUT);
	assert_int_equal(load_outcome_from_name("nope"), LOAD_OUTCOME_INVALID);
}

static void
test_loadstats_reading_skips_the_header_and_names_a_bad_line(void **state)
{
	char good[] = "start_s,outcome,status,latency_ms,server\n"
	              "1.0,ok,200,2.000,a\n"
	              "\n"
	              "2.0,timeout,0,2000.000,\n";
	char bad[] = "start_s,outcome,status,latency_ms,server\n"
	             "1.0,ok,200,2.000,a\n"
	             "garbage\n";
	struct load_record *v = NULL;
	size_t n = 0, line = 0;
	FILE *f = fmemopen(good, strlen(good), "r");

	assert_int_equal(load_records_read(f, &v, &n, &line), 0);
	fclose(f);
	assert_int_equal(n, 2);
	assert_int_equal(v[1].outcome, LOAD_TIMEOUT);
	free(v);
	f = fmemopen(bad, strlen(bad), "r");
	assert_int_equal(load_records_read(f, &v, &n, &line), -EINVAL);
	fclose(f);
	assert_int_equal(line, 3);
}

static void
test_loadstats_by_server_sums_successful_requests_sorted_by_name(void **state)
{
	struct load_record v[] = {
	    rec(1, LOAD_OK, 200, 2.0, "web2"),
	    rec(2, LOAD_OK, 200, 1.0, "web1"),
	    rec(3, LOAD_OK, 200, 4.0, "web2"),
	    rec(4, LOAD_HTTP_ERROR, 503, 9.0, "web1"),
	    rec(5, LOAD_CONN_ERROR, 0, 9.0, ""),
	    rec(6, LOAD_OK, 200, 3.0, "web1"),
	    rec(7, LOAD_OK, 200, 3.0, ""),
	};
	struct load_server *s;
	size_t n;

	load_by_server(v, sizeof(v) / sizeof(v[0]), &s, &n);
	assert_int_equal(n, 2);
	assert_string_equal(s[0].server, "web1");
	assert_int_equal(s[0].requests, 2);
	assert_true(s[0].total_ms == 4.0);
	assert_string_equal(s[1].server, "web2");
	assert_int_equal(s[1].requests, 2);
	assert_true(s[1].total_ms == 6.0);
	free(s);
	load_by_server(v, 0, &s, &n);
	assert_int_equal(n, 0);
	free(s);
}

static void
test_loadstats_timeline_counts_outcomes_per_bucket(void **state)
{
	/* Origin 100 (a kill), buckets of 100 ms from -0.2 s to +0.3 s. */
	struct load_record v[] = {
	    rec(99.70, LOAD_OK, 200, 1, "a"),         /* before: left out */
	    rec(99.80, LOAD_OK, 200, 1, "a"),         /* bucket 0 */
	    rec(99.85, LOAD_OK, 200, 1, "b"),         /* bucket 0 */
	    rec(99.95, LOAD_OK, 200, 1, "a"),         /* bucket 1 */
	    rec(100.01, LOAD_CONN_ERROR, 0, 1, ""),   /* bucket 2 */
	    rec(100.05, LOAD_OK, 200, 1, "b"),        /* bucket 2 */
	    rec(100.15, LOAD_TIMEOUT, 0, 1, ""),      /* bucket 3 */
	    rec(100.29, LOAD_HTTP_ERROR, 503, 1, ""), /* bucket 4 */
	    rec(100.30, LOAD_OK, 200, 1, "b"),        /* after: left out */
	};
	struct load_bucket *b;
	size_t n;

	load_timeline(v, sizeof(v) / sizeof(v[0]), 100, -0.2, 0.3, 0.1, &b, &n);
	assert_int_equal(n, 5);
	assert_int_equal(b[0].ok, 2);
	assert_int_equal(b[0].failed, 0);
	assert_int_equal(b[1].ok, 1);
	assert_int_equal(b[2].ok, 1);
	assert_int_equal(b[2].failed, 1);
	assert_int_equal(b[3].ok, 0);
	assert_int_equal(b[3].failed, 1);
	assert_int_equal(b[4].failed, 1);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(
	        test_loadstats_rate_schedule_spaces_requests_evenly),
	    cmocka_unit_test(test_loadstats_sequential_runs_are_not_scheduled),
	    cmocka_unit_test(
	        test_loadstats_sequential_runs_start_one_after_the_answer),
	    cmocka_unit_test(
	        test_loadstats_rate_runs_start_what_is_due_within_the_in_flight_cap),
	    cmocka_unit_test(test_loadstats_record_round_trips_through_csv),
	    cmocka_unit_test(test_loadstats_bad_records_are_refused),
	    cmocka_unit_test(test_loadstats_outcome_follows_the_status),
	    cmocka_unit_test(
	        test_loadstats_reading_skips_the_header_and_names_a_bad_line),
	    cmocka_unit_test(
	        test_loadstats_by_server_sums_successful_requests_sorted_by_name),
	    cmocka_unit_test(
	        test_loadstats_timeline_counts_outcomes_per_bucket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
