/*
 * Unit tests of nfv_util: the diagnostics collector (severities, strict
 * lint, ordering, formatting, moving) and growable strings. Links nfv_util
 * only.
 */
#include "unit.h"

#include "diag.h"
#include "log.h"
#include "strbuf.h"
#include "xalloc.h"

static void
test_diag_error_counts_and_keeps_position_and_message(void **state)
{
	struct diag d;
	struct diag_pos pos = {"a.yaml", 3, 7};

	diag_init(&d);
	diag_error(&d, &pos, "bad %s %d", "thing", 42);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.errors, 1);
	assert_int_equal(d.entries[0].severity, DIAG_ERROR);
	assert_string_equal(d.entries[0].file, "a.yaml");
	assert_int_equal(d.entries[0].line, 3);
	assert_int_equal(d.entries[0].col, 7);
	assert_string_equal(d.entries[0].message, "bad thing 42");
	diag_done(&d);
	assert_int_equal(d.n, 0);
	assert_int_equal(d.errors, 0);
	assert_null(d.entries);
}

static void
test_diag_copies_the_file_name(void **state)
{
	struct diag d;
	char file[] = "copied.yaml";
	struct diag_pos pos = {file, 1, 1};

	diag_init(&d);
	diag_warn(&d, &pos, "w");
	file[0] = 'X';
	assert_string_equal(d.entries[0].file, "copied.yaml");
	diag_done(&d);
}

static void
test_diag_warning_does_not_count_as_error(void **state)
{
	struct diag d;

	diag_init(&d);
	diag_warn(&d, NULL, "just saying");
	assert_int_equal(d.n, 1);
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.entries[0].severity, DIAG_WARNING);
	assert_null(d.entries[0].file);
	assert_int_equal(d.entries[0].line, 0);
	diag_done(&d);
}

static void
test_diag_lint_is_a_warning_unless_strict(void **state)
{
	struct diag d;

	diag_init(&d);
	diag_lint(&d, NULL, "lenient");
	assert_int_equal(d.entries[0].severity, DIAG_WARNING);
	assert_int_equal(d.errors, 0);
	d.strict = true;
	diag_lint(&d, NULL, "strict");
	assert_int_equal(d.entries[1].severity, DIAG_ERROR);
	assert_int_equal(d.errors, 1);
	diag_done(&d);
}

static void
test_diag_format_is_file_line_col_severity_message(void **state)
{
	struct diag d;
	struct diag_pos full = {"x.yaml", 12, 5};
	struct diag_pos noline = {"x.yaml", 0, 0};
	struct diag_pos nocol = {"x.yaml", 4, 0};
	char *s;

	diag_init(&d);
	diag_error(&d, &full, "boom");
	diag_warn(&d, &full, "hmm");
	diag_error(&d, &noline, "whole file");
	diag_error(&d, &nocol, "line only");
	diag_error(&d, NULL, "GET http://x -> 500: down");

	s = diag_entry_format(&d.entries[0]);
	assert_string_equal(s, "x.yaml:12:5: error: boom");
	free(s);
	s = diag_entry_format(&d.entries[1]);
	assert_string_equal(s, "x.yaml:12:5: warning: hmm");
	free(s);
	s = diag_entry_format(&d.entries[2]);
	assert_string_equal(s, "x.yaml: error: whole file");
	free(s);
	s = diag_entry_format(&d.entries[3]);
	assert_string_equal(s, "x.yaml:4: error: line only");
	free(s);
	s = diag_entry_format(&d.entries[4]);
	assert_string_equal(s, "error: GET http://x -> 500: down");
	free(s);
	diag_done(&d);
}

static void
test_diag_print_writes_one_line_per_entry(void **state)
{
	struct diag d;
	struct diag_pos pos = {"p.yaml", 1, 2};
	char buf[256] = {0};
	FILE *f = tmpfile();
	size_t got;

	assert_non_null(f);
	diag_init(&d);
	diag_error(&d, &pos, "first");
	diag_warn(&d, &pos, "second");
	diag_print(&d, f);
	rewind(f);
	got = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	assert_true(got > 0);
	assert_string_equal(buf, "p.yaml:1:2: error: first\n"
	                         "p.yaml:1:2: warning: second\n");
	diag_done(&d);
}

static void
test_diag_sort_orders_by_file_line_col_and_is_stable(void **state)
{
	struct diag d;
	struct diag_pos b10 = {"b.yaml", 10, 1};
	struct diag_pos a2c9 = {"a.yaml", 2, 9};
	struct diag_pos a2c3 = {"a.yaml", 2, 3};
	struct diag_pos a1 = {"a.yaml", 1, 40};

	diag_init(&d);
	diag_error(&d, &b10, "b10");
	diag_error(&d, &a2c9, "a2c9-first");
	diag_error(&d, NULL, "nofile");
	diag_error(&d, &a2c3, "a2c3");
	diag_error(&d, &a2c9, "a2c9-second");
	diag_error(&d, &a1, "a1");
	diag_sort(&d);
	assert_string_equal(d.entries[0].message, "nofile");
	assert_string_equal(d.entries[1].message, "a1");
	assert_string_equal(d.entries[2].message, "a2c3");
	assert_string_equal(d.entries[3].message, "a2c9-first");
	assert_string_equal(d.entries[4].message, "a2c9-second");
	assert_string_equal(d.entries[5].message, "b10");
	diag_done(&d);
}

static void
test_diag_move_appends_entries_and_counts_errors(void **state)
{
	struct diag dst, src;

	diag_init(&dst);
	diag_init(&src);
	diag_warn(&dst, NULL, "old");
	diag_error(&src, NULL, "e1");
	diag_warn(&src, NULL, "w1");
	diag_error(&src, NULL, "e2");
	diag_move(&dst, &src);
	assert_int_equal(dst.n, 4);
	assert_int_equal(dst.errors, 2);
	assert_string_equal(dst.entries[0].message, "old");
	assert_string_equal(dst.entries[1].message, "e1");
	assert_string_equal(dst.entries[3].message, "e2");
	assert_int_equal(src.n, 0);
	assert_int_equal(src.errors, 0);
	assert_null(src.entries);
	/* src is reusable after a move */
	diag_error(&src, NULL, "again");
	assert_int_equal(src.errors, 1);
	diag_done(&src);
	diag_done(&dst);
}

static void
test_diag_done_accepts_null(void **state)
{
	diag_done(NULL);
}

static void
test_strbuf_is_empty_string_before_first_append(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *s;

	assert_string_equal(strbuf_str(&sb), "");
	s = strbuf_detach(&sb);
	assert_string_equal(s, "");
	free(s);
	strbuf_done(&sb);
}

static void
test_strbuf_appends_bytes_chars_and_formats(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_add(&sb, "abcdef", 3);
	strbuf_putc(&sb, '-');
	strbuf_puts(&sb, "xyz");
	strbuf_printf(&sb, "/%d/%s", 7, "q");
	assert_string_equal(strbuf_str(&sb), "abc-xyz/7/q");
	assert_int_equal(sb.len, strlen("abc-xyz/7/q"));
	assert_true(sb.cap > sb.len);
	strbuf_done(&sb);
	assert_null(sb.buf);
}

static void
test_strbuf_grows_past_many_reallocations(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	int i;

	for (i = 0; i < 10000; i++)
		strbuf_printf(&sb, "%04d", i % 10000);
	assert_int_equal(sb.len, 40000);
	assert_memory_equal(sb.buf, "0000000100020003", 16);
	assert_memory_equal(sb.buf + 39996, "9999", 4);
	assert_int_equal(sb.buf[sb.len], '\0');
	strbuf_done(&sb);
}

static void
test_strbuf_printf_handles_long_output(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char big[5000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	strbuf_puts(&sb, "<");
	strbuf_printf(&sb, "%s>", big);
	assert_int_equal(sb.len, 5000 + 1);
	assert_int_equal(sb.buf[0], '<');
	assert_int_equal(sb.buf[4999], 'x');
	assert_int_equal(sb.buf[5000], '>');
	strbuf_done(&sb);
}

static void
test_strbuf_keeps_embedded_nul_bytes(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_add(&sb, "a\0b", 3);
	assert_int_equal(sb.len, 3);
	assert_memory_equal(sb.buf, "a\0b", 4);
	strbuf_done(&sb);
}

static void
test_strbuf_reset_empties_but_keeps_buffer(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *before;

	strbuf_puts(&sb, "hello");
	before = sb.buf;
	strbuf_reset(&sb);
	assert_string_equal(strbuf_str(&sb), "");
	assert_int_equal(sb.len, 0);
	assert_ptr_equal(sb.buf, before);
	strbuf_puts(&sb, "hi");
	assert_string_equal(strbuf_str(&sb), "hi");
	strbuf_done(&sb);
}

static void
test_strbuf_detach_hands_over_and_resets(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *s;

	strbuf_puts(&sb, "mine");
	s = strbuf_detach(&sb);
	assert_string_equal(s, "mine");
	assert_null(sb.buf);
	assert_int_equal(sb.len, 0);
	assert_int_equal(sb.cap, 0);
	strbuf_puts(&sb, "new");
	assert_string_equal(strbuf_str(&sb), "new");
	assert_string_equal(s, "mine");
	free(s);
	strbuf_done(&sb);
}

static void
test_xalloc_helpers_copy_and_format(void **state)
{
	char *a = xstrdup("abc");
	char *b = xstrndup("abcdef", 2);
	char *c = xasprintf("%s-%03d", "n", 7);
	int *arr = NULL;
	size_t cap = 0;

	assert_string_equal(a, "abc");
	assert_string_equal(b, "ab");
	assert_string_equal(c, "n-007");
	XGROW(arr, cap, 100);
	assert_true(cap >= 100);
	arr[99] = 1;
	XGROW(arr, cap, 10); /* never shrinks */
	assert_true(cap >= 100);
	assert_int_equal(arr[99], 1);
	free(arr);
	free(a);
	free(b);
	free(c);
}

/* ---- log ---------------------------------------------------------------- */

/* Logs one event into a memory stream and returns the line (caller frees). */
static char *
log_capture(enum log_format format, enum log_level min,
            const struct log_field *fields, const char *msg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	log_setup(f, format, min);
	log_info(fields, "%s", msg);
	fclose(f);
	log_setup(NULL, LOG_FORMAT_TEXT, LOG_INFO);
	return buf;
}

static void
test_log_text_line_has_level_prefix_message_and_fields(void **state)
{
	char *line = log_capture(
	    LOG_FORMAT_TEXT, LOG_INFO,
	    LOG_FIELDS({"ns", "shop"}, {"vnf", "web"}, {"vdu", "VDU1"},
	               {"action", "respawn"}, {"reason", "server in ERROR"}),
	    "respawned");

	assert_non_null(strstr(line, " info  shop/web/VDU1: respawned "
	                             "action=respawn reason=\"server in "
	                             "ERROR\"\n"));
	assert_int_equal(line[4], '-'); /* 2026-... timestamp first */
	free(line);
}

static void
test_log_json_line_is_one_object_with_escaped_fields(void **state)
{
	char *line = log_capture(
	    LOG_FORMAT_JSON, LOG_INFO,
	    LOG_FIELDS({"ns", "shop"}, {"revision", "abc"}, {"vim", NULL}),
	    "said \"hi\"\n");

	assert_int_equal(strncmp(line, "{\"ts\":\"", 7), 0);
	assert_non_null(strstr(line, "\"level\":\"info\",\"msg\":\"said "
	                             "\\\"hi\\\"\\n\",\"ns\":\"shop\","
	                             "\"revision\":\"abc\"}\n"));
	assert_null(strstr(line, "vim"));
	free(line);
}

static void
test_log_below_the_minimum_level_writes_nothing(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	log_setup(f, LOG_FORMAT_TEXT, LOG_WARN);
	log_info(NULL, "quiet");
	log_warn(NULL, "loud");
	fclose(f);
	log_setup(NULL, LOG_FORMAT_TEXT, LOG_INFO);
	assert_null(strstr(buf, "quiet"));
	assert_non_null(strstr(buf, "warn  loud"));
	free(buf);
}

static void
test_log_redacts_secret_fields_and_url_userinfo(void **state)
{
	char *line = log_capture(
	    LOG_FORMAT_JSON, LOG_INFO,
	    LOG_FIELDS({"webhook_secret", "s3cr3t"}, {"token", "tk"},
	               {"source", "https://bob:pw@git.example/r.git"}),
	    "fetch https://x-token:ghp_abc@github.com/o/r failed");

	assert_null(strstr(line, "s3cr3t"));
	assert_null(strstr(line, "tk\""));
	assert_null(strstr(line, "pw@"));
	assert_null(strstr(line, "ghp_abc"));
	assert_non_null(strstr(line, "https://***@github.com/o/r failed"));
	assert_non_null(strstr(line, "\"source\":\"https://***@git.example"));
	free(line);
}

static void
test_log_redact_leaves_urls_without_userinfo(void **state)
{
	char *s = log_redact("GET http://127.0.0.1:1/v3?a=b@c -> 200 a@b");

	assert_string_equal(s, "GET http://127.0.0.1:1/v3?a=b@c -> 200 a@b");
	free(s);
}

static void
test_log_format_parse_knows_text_and_json(void **state)
{
	assert_int_equal(log_format_parse("json"), LOG_FORMAT_JSON);
	assert_int_equal(log_format_parse("text"), LOG_FORMAT_TEXT);
	assert_int_equal(log_format_parse("xml"), LOG_FORMAT_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(
	        test_diag_error_counts_and_keeps_position_and_message),
	    cmocka_unit_test(test_diag_copies_the_file_name),
	    cmocka_unit_test(test_diag_warning_does_not_count_as_error),
	    cmocka_unit_test(test_diag_lint_is_a_warning_unless_strict),
	    cmocka_unit_test(
	        test_diag_format_is_file_line_col_severity_message),
	    cmocka_unit_test(test_diag_print_writes_one_line_per_entry),
	    cmocka_unit_test(
	        test_diag_sort_orders_by_file_line_col_and_is_stable),
	    cmocka_unit_test(test_diag_move_appends_entries_and_counts_errors),
	    cmocka_unit_test(test_diag_done_accepts_null),
	    cmocka_unit_test(
	        test_log_text_line_has_level_prefix_message_and_fields),
	    cmocka_unit_test(
	        test_log_json_line_is_one_object_with_escaped_fields),
	    cmocka_unit_test(test_log_below_the_minimum_level_writes_nothing),
	    cmocka_unit_test(test_log_redacts_secret_fields_and_url_userinfo),
	    cmocka_unit_test(test_log_redact_leaves_urls_without_userinfo),
	    cmocka_unit_test(test_log_format_parse_knows_text_and_json),
	    cmocka_unit_test(test_strbuf_is_empty_string_before_first_append),
	    cmocka_unit_test(test_strbuf_appends_bytes_chars_and_formats),
	    cmocka_unit_test(test_strbuf_grows_past_many_reallocations),
	    cmocka_unit_test(test_strbuf_printf_handles_long_output),
	    cmocka_unit_test(test_strbuf_keeps_embedded_nul_bytes),
	    cmocka_unit_test(test_strbuf_reset_empties_but_keeps_buffer),
	    cmocka_unit_test(test_strbuf_detach_hands_over_and_resets),
	    cmocka_unit_test(test_xalloc_helpers_copy_and_format),
	};

	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
