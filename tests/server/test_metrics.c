/*
 * Unit tests of the metrics registry (nfv_server): the exposition text
 * compared whole (HELP/TYPE lines, order, label sets, histogram buckets,
 * _sum and _count, +Inf), number formatting, escaping, and the programming
 * errors that abort.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "metrics.h"

static void
expect_render(struct metrics *m, const char *want)
{
	char *got = metrics_render(m);

	if (strcmp(got, want) != 0)
		print_message("got:\n%s\nwant:\n%s\n", got, want);
	assert_string_equal(got, want);
	free(got);
}

static void
test_metrics_empty_registry_renders_nothing(void **state)
{
	struct metrics *m = metrics_new();

	expect_render(m, "");
	metrics_free(m);
}

static void
test_metrics_families_sorted_by_name_series_by_labels(void **state)
{
	struct metrics *m = metrics_new();

	metrics_declare(m, "nfvsync_vim_requests_total", "counter",
	                "VIM requests by VIM and status.", NULL, 0);
	metrics_declare(m, "nfvsync_cycles_total", "counter",
	                "Reconcile cycles.", NULL, 0);
	metrics_declare(m, "nfvsync_last_applied_timestamp_seconds", "gauge",
	                "When the last revision was applied.", NULL, 0);
	/* Updated out of order on purpose. */
	metrics_add(m, "nfvsync_vim_requests_total",
	            "vim=\"site2\",code=\"200\"", 3);
	metrics_add(m, "nfvsync_vim_requests_total",
	            "vim=\"site1\",code=\"429\"", 1);
	metrics_add(m, "nfvsync_vim_requests_total",
	            "vim=\"site1\",code=\"200\"", 5);
	metrics_add(m, "nfvsync_vim_requests_total",
	            "vim=\"site1\",code=\"200\"", 2);
	metrics_add(m, "nfvsync_cycles_total", NULL, 1);
	metrics_add(m, "nfvsync_cycles_total", NULL, 1);
	metrics_set(m, "nfvsync_last_applied_timestamp_seconds", NULL,
	            1764000000);
	expect_render(m, "# HELP nfvsync_cycles_total Reconcile cycles.\n"
	                 "# TYPE nfvsync_cycles_total counter\n"
	                 "nfvsync_cycles_total 2\n"
	                 "# HELP nfvsync_last_applied_timestamp_seconds When "
	                 "the last revision was applied.\n"
	                 "# TYPE nfvsync_last_applied_timestamp_seconds "
	                 "gauge\n"
	                 "nfvsync_last_applied_timestamp_seconds 1764000000\n"
	                 "# HELP nfvsync_vim_requests_total VIM requests by "
	                 "VIM and status.\n"
	                 "# TYPE nfvsync_vim_requests_total counter\n"
	                 "nfvsync_vim_requests_total{vim=\"site1\",code="
	                 "\"200\"} 7\n"
	                 "nfvsync_vim_requests_total{vim=\"site1\",code="
	                 "\"429\"} 1\n"
	                 "nfvsync_vim_requests_total{vim=\"site2\",code="
	                 "\"200\"} 3\n");
	metrics_free(m);
}

static void
test_metrics_declared_family_without_samples_has_only_its_header(void **state)
{
	struct metrics *m = metrics_new();

	metrics_declare(m, "nfvsync_errors_total", "counter", "Errors.", NULL,
	                0);
	metrics_declare(m, "nfvsync_up", "gauge", "", NULL, 0);
	metrics_set(m, "nfvsync_up", "", 1);
	expect_render(m, "# HELP nfvsync_errors_total Errors.\n"
	                 "# TYPE nfvsync_errors_total counter\n"
	                 "# TYPE nfvsync_up gauge\n"
	                 "nfvsync_up 1\n");
	metrics_free(m);
}

static void
test_metrics_gauge_goes_up_and_down(void **state)
{
	struct metrics *m = metrics_new();

	metrics_declare(m, "g", "gauge", "G.", NULL, 0);
	metrics_add(m, "g", NULL, 5);
	metrics_add(m, "g", NULL, -7.5);
	expect_render(m, "# HELP g G.\n# TYPE g gauge\ng -2.5\n");
	metrics_set(m, "g", NULL, 0.1);
	expect_render(m, "# HELP g G.\n# TYPE g gauge\ng 0.1\n");
	metrics_free(m);
}

static void
test_metrics_histogram_buckets_are_cumulative_with_inf_sum_count(void **state)
{
	static const double buckets[] = {0.5, 1, 2.5};
	struct metrics *m = metrics_new();

	metrics_declare(m, "nfvsync_reconcile_duration_seconds", "histogram",
	                "Time of one reconcile cycle.", buckets, 3);
	/* 0.5 sits on a bound: le is "less than or equal". */
	metrics_observe(m, "nfvsync_reconcile_duration_seconds",
	                "result=\"ok\"", 0.25);
	metrics_observe(m, "nfvsync_reconcile_duration_seconds",
	                "result=\"ok\"", 0.5);
	metrics_observe(m, "nfvsync_reconcile_duration_seconds",
	                "result=\"ok\"", 0.75);
	metrics_observe(m, "nfvsync_reconcile_duration_seconds",
	                "result=\"ok\"", 3);
	metrics_observe(m, "nfvsync_reconcile_duration_seconds",
	                "result=\"error\"", 2);
	expect_render(
	    m,
	    "# HELP nfvsync_reconcile_duration_seconds Time of one reconcile "
	    "cycle.\n"
	    "# TYPE nfvsync_reconcile_duration_seconds histogram\n"
	    "nfvsync_reconcile_duration_seconds_bucket{result=\"error\",le="
	    "\"0.5\"} 0\n"
	    "nfvsync_reconcile_duration_seconds_bucket{result=\"error\",le="
	    "\"1\"} 0\n"
	    "nfvsync_reconcile_duration_seconds_bucket{result=\"error\",le="
	    "\"2.5\"} 1\n"
	    "nfvsync_reconcile_duration_seconds_bucket{result=\"error\",le="
	    "\"+Inf\"} 1\n"
	    "nfvsync_reconcile_duration_seconds_sum{result=\"error\"} 2\n"
	    "nfvsync_reconcile_duration_seconds_count{result=\"error\"} 1\n"
	    "nfvsync_reconcile_duration_seconds_bucket{result=\"ok\",le="
	    "\"0.5\"} 2\n"
	    "nfvsync_reconcile_duration_seconds_bucket{result=\"ok\",le="
	    "\"1\"} 3\n"
	    "nfvsync_reconcile_duration_seconds_bucket{result=\"ok\",le="
	    "\"2.5\"} 3\n"
	    "nfvsync_reconcile_duration_seconds_bucket{result=\"ok\",le="
	    "\"+Inf\"} 4\n"
	    "nfvsync_reconcile_duration_seconds_sum{result=\"ok\"} 4.5\n"
	    "nfvsync_reconcile_duration_seconds_count{result=\"ok\"} 4\n");
	metrics_free(m);
}

static void
test_metrics_histogram_without_labels_has_only_le(void **state)
{
	static const double buckets[] = {0.005, 10};
	struct metrics *m = metrics_new();

	metrics_declare(m, "git_fetch_seconds", "histogram", "Fetches.",
	                buckets, 2);
	metrics_observe(m, "git_fetch_seconds", NULL, 0.001);
	metrics_observe(m, "git_fetch_seconds", NULL, 60);
	expect_render(m, "# HELP git_fetch_seconds Fetches.\n"
	                 "# TYPE git_fetch_seconds histogram\n"
	                 "git_fetch_seconds_bucket{le=\"0.005\"} 1\n"
	                 "git_fetch_seconds_bucket{le=\"10\"} 1\n"
	                 "git_fetch_seconds_bucket{le=\"+Inf\"} 2\n"
	                 "git_fetch_seconds_sum 60.001\n"
	                 "git_fetch_seconds_count 2\n");
	metrics_free(m);
}

static void
test_metrics_numbers_are_integers_or_shortest_round_trip_text(void **state)
{
	struct metrics *m = metrics_new();

	metrics_declare(m, "v", "gauge", "", NULL, 0);
	metrics_set(m, "v", "k=\"a\"", 42);
	metrics_set(m, "v", "k=\"b\"", 1e6);
	metrics_set(m, "v", "k=\"c\"", 1.0 / 3);
	metrics_set(m, "v", "k=\"d\"", NAN);
	metrics_set(m, "v", "k=\"e\"", INFINITY);
	metrics_set(m, "v", "k=\"f\"", -INFINITY);
	metrics_set(m, "v", "k=\"g\"", 0);
	metrics_set(m, "v", "k=\"h\"", 123456789);
	metrics_set(m, "v", "k=\"i\"", 1e20);
	metrics_set(m, "v", "k=\"j\"", 1.5e-7);
	metrics_set(m, "v", "k=\"k\"", 0.0001);
	metrics_set(m, "v", "k=\"l\"", 12345678.5);
	metrics_set(m, "v", "k=\"m\"", -0.25);
	expect_render(m, "# TYPE v gauge\n"
	                 "v{k=\"a\"} 42\n"
	                 "v{k=\"b\"} 1000000\n"
	                 "v{k=\"c\"} 0.3333333333333333\n"
	                 "v{k=\"d\"} NaN\n"
	                 "v{k=\"e\"} +Inf\n"
	                 "v{k=\"f\"} -Inf\n"
	                 "v{k=\"g\"} 0\n"
	                 "v{k=\"h\"} 123456789\n"
	                 "v{k=\"i\"} 1e+20\n"
	                 "v{k=\"j\"} 1.5e-07\n"
	                 "v{k=\"k\"} 0.0001\n"
	                 "v{k=\"l\"} 1.23456785e+07\n"
	                 "v{k=\"m\"} -0.25\n");
	metrics_free(m);
}

static void
test_metrics_label_escape_backslash_quote_newline(void **state)
{
	char *e = metrics_label_escape("a\\b\"c\nd");

	assert_string_equal(e, "a\\\\b\\\"c\\nd");
	free(e);
	e = metrics_label_escape("");
	assert_string_equal(e, "");
	free(e);
	e = metrics_label_escape("plain-site_1");
	assert_string_equal(e, "plain-site_1");
	free(e);
}

static void
test_metrics_escaped_label_value_renders_as_given(void **state)
{
	struct metrics *m = metrics_new();
	char *v = metrics_label_escape("C:\\dir \"x\"\n");
	char labels[64];

	snprintf(labels, sizeof(labels), "path=\"%s\"", v);
	metrics_declare(m, "errors_total", "counter", "Back\\slash\nnewline",
	                NULL, 0);
	metrics_add(m, "errors_total", labels, 1);
	/* HELP escapes backslash and newline, not quotes. */
	expect_render(m, "# HELP errors_total Back\\\\slash\\nnewline\n"
	                 "# TYPE errors_total counter\n"
	                 "errors_total{path=\"C:\\\\dir \\\"x\\\"\\n\"} 1\n");
	free(v);
	metrics_free(m);
}

static void
test_metrics_declaring_twice_the_same_keeps_the_values(void **state)
{
	struct metrics *m = metrics_new();

	metrics_declare(m, "c", "counter", "C.", NULL, 0);
	metrics_add(m, "c", NULL, 3);
	metrics_declare(m, "c", "counter", "C.", NULL, 0);
	expect_render(m, "# HELP c C.\n# TYPE c counter\nc 3\n");
	metrics_free(m);
}

enum misuse {
	MISUSE_UNDECLARED,
	MISUSE_COUNTER_DOWN,
	MISUSE_OBSERVE_COUNTER,
	MISUSE_SET_HISTOGRAM,
	MISUSE_REDECLARE_TYPE,
	MISUSE_BAD_NAME,
	MISUSE_BUCKETS_NOT_ASCENDING,
	MISUSE_UNKNOWN_TYPE,
};

static void
misuse(enum misuse what)
{
	static const double down[] = {1, 0.5};
	static const double b[] = {1};
	struct metrics *m = metrics_new();

	metrics_declare(m, "c", "counter", "C.", NULL, 0);
	metrics_declare(m, "h", "histogram", "H.", b, 1);
	switch (what) {
	case MISUSE_UNDECLARED:
		metrics_add(m, "nope", NULL, 1);
		break;
	case MISUSE_COUNTER_DOWN:
		metrics_add(m, "c", NULL, -1);
		break;
	case MISUSE_OBSERVE_COUNTER:
		metrics_observe(m, "c", NULL, 1);
		break;
	case MISUSE_SET_HISTOGRAM:
		metrics_set(m, "h", NULL, 1);
		break;
	case MISUSE_REDECLARE_TYPE:
		metrics_declare(m, "c", "gauge", "C.", NULL, 0);
		break;
	case MISUSE_BAD_NAME:
		metrics_declare(m, "9lives", "gauge", "", NULL, 0);
		break;
	case MISUSE_BUCKETS_NOT_ASCENDING:
		metrics_declare(m, "h2", "histogram", "", down, 2);
		break;
	case MISUSE_UNKNOWN_TYPE:
		metrics_declare(m, "s", "summary", "", NULL, 0);
		break;
	}
	metrics_free(m);
}

/* Each misuse, in a child process, must end in abort(). */
static void
test_metrics_misuse_aborts(void **state)
{
	enum misuse what;

	for (what = MISUSE_UNDECLARED; what <= MISUSE_UNKNOWN_TYPE; what++) {
		int status;
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (pid == 0) {
			/* The message on stderr is expected; keep it out of
			 * the test log. */
			if (!freopen("/dev/null", "w", stderr))
				_exit(3);
			misuse(what);
			_exit(0);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (!WIFSIGNALED(status))
			print_message("misuse %d did not abort\n", what);
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGABRT);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_metrics_empty_registry_renders_nothing),
	    cmocka_unit_test(
	        test_metrics_families_sorted_by_name_series_by_labels),
	    cmocka_unit_test(
	        test_metrics_declared_family_without_samples_has_only_its_header),
	    cmocka_unit_test(test_metrics_gauge_goes_up_and_down),
	    cmocka_unit_test(
	        test_metrics_histogram_buckets_are_cumulative_with_inf_sum_count),
	    cmocka_unit_test(test_metrics_histogram_without_labels_has_only_le),
	    cmocka_unit_test(
	        test_metrics_numbers_are_integers_or_shortest_round_trip_text),
	    cmocka_unit_test(test_metrics_label_escape_backslash_quote_newline),
	    cmocka_unit_test(test_metrics_escaped_label_value_renders_as_given),
	    cmocka_unit_test(
	        test_metrics_declaring_twice_the_same_keeps_the_values),
	    cmocka_unit_test(test_metrics_misuse_aborts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
