/*
 * Unit tests of nfv_yaml: positions of every node, scalar text and style as
 * written, duplicate keys, syntax errors, and the limits that keep hostile
 * input (deep nesting, alias bombs, huge files) from crashing or hanging.
 * Links nfv_yaml only; documents are built in memory.
 */
#include "unit.h"

#include <time.h>

#include "ynode.h"

static int
load(const char *text, bool strict, struct ydoc **doc, struct diag *d)
{
	diag_init(d);
	d->strict = strict;
	*doc = NULL;
	return ydoc_load_buffer("t.yaml", text, strlen(text), NULL, doc, d);
}

static void
test_ynode_keeps_line_and_column_of_every_node(void **state)
{
	const char *text = "top:\n"
	                   "  key: value\n"
	                   "  list:\n"
	                   "    - one\n"
	                   "    -   two\n"
	                   "  flow: {a: 1, b: [x, y]}\n";
	struct ydoc *doc;
	struct diag d;
	const struct ynode *top, *list, *flow, *b;

	assert_int_equal(load(text, false, &doc, &d), 0);
	assert_no_diags(&d);
	assert_string_equal(doc->file, "t.yaml");
	assert_int_equal(doc->root->pos.line, 1);
	assert_int_equal(doc->root->pos.col, 1);
	top = ynode_get(doc->root, "top");
	assert_true(ynode_is_map(top));
	assert_int_equal(top->pos.line, 2);
	assert_int_equal(top->pos.col, 3);
	assert_int_equal(ynode_get_key(top, "key")->pos.line, 2);
	assert_int_equal(ynode_get_key(top, "key")->pos.col, 3);
	assert_int_equal(ynode_get(top, "key")->pos.line, 2);
	assert_int_equal(ynode_get(top, "key")->pos.col, 8);
	list = ynode_get(top, "list");
	assert_true(ynode_is_seq(list));
	assert_int_equal(list->n, 2);
	assert_int_equal(list->pos.line, 4);
	assert_int_equal(list->pos.col, 5);
	assert_int_equal(list->items[0]->pos.line, 4);
	assert_int_equal(list->items[0]->pos.col, 7);
	assert_int_equal(list->items[1]->pos.line, 5);
	assert_int_equal(list->items[1]->pos.col, 9);
	flow = ynode_get(top, "flow");
	assert_int_equal(flow->pos.line, 6);
	assert_int_equal(flow->pos.col, 9);
	b = ynode_get(flow, "b");
	assert_int_equal(b->pos.col, 19);
	assert_int_equal(b->items[1]->pos.col, 23);
	assert_string_equal(b->items[1]->pos.file, "t.yaml");
	ydoc_free(doc);
	diag_done(&d);
}

static void
test_ynode_keeps_plain_port_mapping_as_text(void **state)
{
	/* YAML 1.1 would read 80:80 as a sexagesimal integer (4880). */
	struct ydoc *doc;
	struct diag d;
	const struct ynode *v;

	assert_int_equal(
	    load("ports: [80:80, 0x1F, 010, 1_000, yes]\n", false, &doc, &d),
	    0);
	v = ynode_get(doc->root, "ports");
	assert_string_equal(ynode_str(v->items[0]), "80:80");
	assert_int_equal(v->items[0]->len, 5);
	assert_int_equal(v->items[0]->style, YSCALAR_PLAIN);
	assert_string_equal(ynode_str(v->items[1]), "0x1F");
	assert_string_equal(ynode_str(v->items[2]), "010");
	assert_string_equal(ynode_str(v->items[3]), "1_000");
	assert_string_equal(ynode_str(v->items[4]), "yes");
	ydoc_free(doc);
	diag_done(&d);
}

static void
test_ynode_distinguishes_plain_quoted_and_block_scalars(void **state)
{
	const char *text = "plain: true\n"
	                   "single: 'true'\n"
	                   "double: \"a\\tb\"\n"
	                   "literal: |\n"
	                   "  line1\n"
	                   "  line2\n"
	                   "folded: >\n"
	                   "  x\n"
	                   "  y\n"
	                   "empty:\n"
	                   "quoted_null: 'null'\n";
	struct ydoc *doc;
	struct diag d;
	const struct ynode *r;

	assert_int_equal(load(text, false, &doc, &d), 0);
	r = doc->root;
	assert_int_equal(ynode_get(r, "plain")->style, YSCALAR_PLAIN);
	assert_int_equal(ynode_get(r, "single")->style, YSCALAR_QUOTED);
	assert_string_equal(ynode_str(ynode_get(r, "single")), "true");
	assert_int_equal(ynode_get(r, "double")->style, YSCALAR_QUOTED);
	assert_string_equal(ynode_str(ynode_get(r, "double")), "a\tb");
	assert_int_equal(ynode_get(r, "literal")->style, YSCALAR_BLOCK);
	assert_string_equal(ynode_str(ynode_get(r, "literal")),
	                    "line1\nline2\n");
	assert_int_equal(ynode_get(r, "folded")->style, YSCALAR_BLOCK);
	assert_string_equal(ynode_str(ynode_get(r, "folded")), "x y\n");
	assert_true(ynode_is_null(ynode_get(r, "empty")));
	assert_false(ynode_is_null(ynode_get(r, "quoted_null")));
	assert_true(ynode_is_null(NULL));
	assert_string_equal(ynode_kind_name(ynode_get(r, "empty")), "null");
	assert_string_equal(ynode_kind_name(r), "a mapping");
	ydoc_free(doc);
	diag_done(&d);
}

static void
test_ynode_duplicate_key_warns_at_second_key_and_last_wins(void **state)
{
	const char *text = "a: 1\n"
	                   "b: 2\n"
	                   "a: 3\n";
	struct ydoc *doc;
	struct diag d;
	const struct diag_entry *e;

	assert_int_equal(load(text, false, &doc, &d), 0);
	assert_int_equal(d.errors, 0);
	e = expect_warning(&d, 3, 1, "duplicate mapping key 'a'");
	assert_string_equal(e->file, "t.yaml");
	assert_non_null(strstr(e->message, "first at line 1"));
	assert_string_equal(ynode_str(ynode_get(doc->root, "a")), "3");
	assert_int_equal(ynode_get_key(doc->root, "a")->pos.line, 3);
	ydoc_free(doc);
	diag_done(&d);
}

static void
test_ynode_duplicate_key_is_an_error_when_strict(void **state)
{
	struct ydoc *doc;
	struct diag d;

	/* Still a tree: the caller decides what a lint error means. */
	assert_int_equal(load("x:\n  k: 1\n  k: 2\n", true, &doc, &d), 0);
	assert_int_equal(d.errors, 1);
	expect_error(&d, 3, 3, "duplicate mapping key 'k' (first at line 2)");
	ydoc_free(doc);
	diag_done(&d);
}

static void
test_ynode_duplicate_key_error_does_not_say_a_value_is_used(void **state)
{
	struct ydoc *doc;
	struct diag d;

	/* An error stops the load: no value is used, so none is named. */
	assert_int_equal(load("k: 1\nk: 2\n", true, &doc, &d), 0);
	assert_int_equal(d.n, 1);
	assert_null(strstr(d.entries[0].message, "value is used"));
	ydoc_free(doc);
	diag_done(&d);
	/* A warning does say which value counts. */
	assert_int_equal(load("k: 1\nk: 2\n", false, &doc, &d), 0);
	expect_warning(&d, 2, 1, "; the last value is used");
	ydoc_free(doc);
	diag_done(&d);
}

static void
test_ynode_syntax_error_reports_line_and_column(void **state)
{
	const char *text = "a: 1\n"
	                   "b: [1, 2\n"
	                   "c: 3\n";
	struct ydoc *doc;
	struct diag d;

	assert_int_equal(load(text, false, &doc, &d), -EINVAL);
	assert_null(doc);
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.entries[0].file, "t.yaml");
	assert_int_equal(d.entries[0].line, 3);
	assert_true(d.entries[0].col >= 1);
	expect_error(&d, 3, ANY, "YAML syntax");
	diag_done(&d);
}

static void
test_ynode_syntax_error_names_where_the_construct_opened(void **state)
{
	struct ydoc *doc;
	struct diag d;

	/* libyaml notices the unclosed bracket a line later, at 3:2 */
	assert_int_equal(load("a: 1\nb: [1, 2\n c: 3\n", false, &doc, &d),
	                 -EINVAL);
	expect_error(&d, 3, 3,
	             "YAML syntax: did not find expected ',' or ']' (the flow "
	             "sequence opened at 2:4)");
	diag_done(&d);
	/* at the end of the file */
	assert_int_equal(load("a: {x: 1\n", false, &doc, &d), -EINVAL);
	expect_error(&d, 2, 1, "(the flow mapping opened at 1:4)");
	diag_done(&d);
	/* an unclosed quote */
	assert_int_equal(load("a: \"abc\nb: 2\n", false, &doc, &d), -EINVAL);
	expect_error(&d, 3, 1, "(the quoted scalar started at 1:4)");
	diag_done(&d);
	/* no construct to name: the message stays as libyaml words it */
	assert_int_equal(load("a: @x\n", false, &doc, &d), -EINVAL);
	expect_error(&d, 1, 4,
	             "found character that cannot start any token while "
	             "scanning for the next token");
	diag_done(&d);
}

static void
test_ynode_bad_indentation_is_a_syntax_error(void **state)
{
	struct ydoc *doc;
	struct diag d;

	assert_int_equal(load("a:\n  b: 1\n c: 2\n", false, &doc, &d), -EINVAL);
	expect_error(&d, 3, ANY, "YAML syntax");
	diag_done(&d);
}

static void
test_ynode_max_depth_exceeded_is_an_error_not_a_crash(void **state)
{
	struct yload_limits lim = yload_limits_default;
	struct ydoc *doc = NULL;
	struct diag d;
	char buf[20001];

	/* 10000 nested flow sequences: far deeper than any stack allows. */
	memset(buf, '[', 10000);
	memset(buf + 10000, ']', 10000);
	buf[20000] = '\0';
	diag_init(&d);
	assert_int_equal(
	    ydoc_load_buffer("deep.yaml", buf, 20000, &lim, &doc, &d), -EINVAL);
	assert_null(doc);
	expect_error(&d, 1, 65, "nesting deeper than 64 levels");
	diag_done(&d);

	lim.max_depth = 3;
	diag_init(&d);
	assert_int_equal(
	    ydoc_load_buffer("d.yaml", "a: {b: [1]}", 11, &lim, &doc, &d), 0);
	ydoc_free(doc);
	assert_int_equal(
	    ydoc_load_buffer("d.yaml", "a: {b: [[1]]}", 13, &lim, &doc, &d),
	    -EINVAL);
	expect_error(&d, 1, 9, "nesting deeper than 3 levels");
	diag_done(&d);
}

static void
test_ynode_alias_bomb_hits_expansion_limit_fast(void **state)
{
	/* billion laughs: 10 levels of 10 aliases = 1e10 nodes */
	const char *text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	                   "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
	                   "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
	                   "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
	                   "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
	                   "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
	                   "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
	                   "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
	                   "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
	struct ydoc *doc;
	struct diag d;
	clock_t t0 = clock();

	assert_int_equal(load(text, false, &doc, &d), -EINVAL);
	assert_null(doc);
	/* e holds 1 + 10 * 11111 nodes; f is the first over 1e6 */
	expect_error(&d, 6, 4, "alias expansion limit");
	/* Shared, not copied: well under a second even under sanitizers. */
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
	diag_done(&d);
}

static void
test_ynode_alias_shares_the_anchored_node(void **state)
{
	struct ydoc *doc;
	struct diag d;
	const struct ynode *a, *b;

	assert_int_equal(load("a: &x {k: v}\nb: *x\n", false, &doc, &d), 0);
	a = ynode_get(doc->root, "a");
	b = ynode_get(doc->root, "b");
	assert_ptr_equal(a, b);
	/* root + 2 keys + the {k: v} subtree (3 nodes) counted twice */
	assert_int_equal(doc->root->weight, 1 + 2 + 2 * 3);
	ydoc_free(doc);
	diag_done(&d);
}

static void
test_ynode_recursive_alias_is_an_error(void **state)
{
	struct ydoc *doc;
	struct diag d;

	assert_int_equal(load("a: &x [1, *x]\n", false, &doc, &d), -EINVAL);
	assert_null(doc);
	expect_error(&d, 1, 11, "recursive alias");
	diag_done(&d);
}

static void
test_ynode_unknown_alias_is_an_error(void **state)
{
	struct ydoc *doc;
	struct diag d;

	assert_int_equal(load("a: 1\nb: *nope\n", false, &doc, &d), -EINVAL);
	assert_null(doc);
	expect_error(&d, 2, 4, "unknown alias '*nope'");
	diag_done(&d);
}

static void
test_ynode_second_document_is_rejected(void **state)
{
	struct ydoc *doc;
	struct diag d;

	assert_int_equal(load("---\na: 1\n---\nb: 2\n", false, &doc, &d),
	                 -EINVAL);
	assert_null(doc);
	expect_error(&d, 3, 1, "second YAML document");
	diag_done(&d);
}

static void
test_ynode_explicit_single_document_is_accepted(void **state)
{
	struct ydoc *doc;
	struct diag d;

	assert_int_equal(load("---\na: 1\n...\n", false, &doc, &d), 0);
	assert_string_equal(ynode_str(ynode_get(doc->root, "a")), "1");
	ydoc_free(doc);
	diag_done(&d);
}

static void
test_ynode_empty_input_has_no_root(void **state)
{
	struct ydoc *doc;
	struct diag d;

	assert_int_equal(load("", false, &doc, &d), 0);
	assert_null(doc->root);
	ydoc_free(doc);
	assert_int_equal(load("# only a comment\n", false, &doc, &d), 0);
	assert_null(doc->root);
	ydoc_free(doc);
	diag_done(&d);
}

static void
test_ynode_max_bytes_rejects_larger_input(void **state)
{
	struct yload_limits lim = yload_limits_default;
	struct ydoc *doc = NULL;
	struct diag d;

	lim.max_bytes = 8;
	diag_init(&d);
	assert_int_equal(
	    ydoc_load_buffer("big.yaml", "a: 1234567", 10, &lim, &doc, &d),
	    -EFBIG);
	assert_null(doc);
	expect_error(&d, ANY, ANY, "10 bytes");
	assert_string_equal(d.entries[0].file, "big.yaml");
	/* exactly at the limit is fine */
	assert_int_equal(
	    ydoc_load_buffer("ok.yaml", "a: 12345", 8, &lim, &doc, &d), 0);
	ydoc_free(doc);
	diag_done(&d);
}

static void
test_ynode_load_file_reads_and_names_the_file(void **state)
{
	char *dir = unit_tmpdir();
	char *path = unit_write(dir, "f.yaml", "k:\n  - v\n");
	struct ydoc *doc;
	struct diag d;

	diag_init(&d);
	assert_int_equal(ydoc_load_file(path, NULL, &doc, &d), 0);
	assert_string_equal(doc->file, path);
	assert_string_equal(ynode_get(doc->root, "k")->items[0]->pos.file,
	                    path);
	ydoc_free(doc);
	free(path);
	path = unit_write(dir, "nope.yaml", "");
	remove(path);
	assert_int_equal(ydoc_load_file(path, NULL, &doc, &d), -ENOENT);
	expect_error(&d, ANY, ANY, "cannot open");
	free(path);
	diag_done(&d);
	unit_rmtree(dir);
}

static void
test_ynode_load_file_enforces_max_bytes(void **state)
{
	char *dir = unit_tmpdir();
	struct yload_limits lim = yload_limits_default;
	char *big = malloc(200001);
	char *path;
	struct ydoc *doc = NULL;
	struct diag d;

	memset(big, '#', 200000);
	big[200000] = '\0';
	path = unit_write(dir, "big.yaml", big);
	lim.max_bytes = 100000;
	diag_init(&d);
	assert_int_equal(ydoc_load_file(path, &lim, &doc, &d), -EFBIG);
	assert_null(doc);
	expect_error(&d, ANY, ANY, "larger than 100000 bytes");
	diag_done(&d);
	free(big);
	free(path);
	unit_rmtree(dir);
}

static void
test_ynode_non_scalar_mapping_key_is_an_error(void **state)
{
	struct ydoc *doc;
	struct diag d;

	assert_int_equal(load("? [a, b]\n: 1\n", false, &doc, &d), -EINVAL);
	expect_error(&d, 1, 3, "mapping keys must be plain scalars");
	diag_done(&d);
}

static const struct ynode *
scalar(struct ydoc **doc, const char *text, bool quoted)
{
	struct diag d;
	char buf[128];

	snprintf(buf, sizeof(buf), quoted ? "v: \"%s\"\n" : "v: %s\n", text);
	assert_int_equal(load(buf, false, doc, &d), 0);
	diag_done(&d);
	return ynode_get((*doc)->root, "v");
}

static int
to_int(const char *text, bool quoted, long long *v)
{
	struct ydoc *doc;
	int r = ynode_to_int(scalar(&doc, text, quoted), v);

	ydoc_free(doc);
	return r;
}

static int
to_double(const char *text, bool quoted, double *v)
{
	struct ydoc *doc;
	int r = ynode_to_double(scalar(&doc, text, quoted), v);

	ydoc_free(doc);
	return r;
}

static int
to_bool(const char *text, bool *v)
{
	struct ydoc *doc;
	int r = ynode_to_bool(scalar(&doc, text, false), v);

	ydoc_free(doc);
	return r;
}

static void
test_ynode_to_int_reads_decimal_hex_octal_and_rejects_junk(void **state)
{
	long long v;

	assert_int_equal(to_int("42", false, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(to_int("-7", false, &v), 0);
	assert_int_equal(v, -7);
	assert_int_equal(to_int("0x1F", false, &v), 0);
	assert_int_equal(v, 31);
	assert_int_equal(to_int("0o17", false, &v), 0);
	assert_int_equal(v, 15);
	assert_int_equal(to_int("010", false, &v), 0);
	assert_int_equal(v, 10); /* decimal, not C octal */
	assert_int_equal(to_int("9223372036854775807", false, &v), 0);
	assert_true(v == 9223372036854775807LL);
	/* quoting is ignored */
	assert_int_equal(to_int("5", true, &v), 0);
	assert_int_equal(v, 5);

	assert_int_equal(to_int("9223372036854775808", false, &v), -EINVAL);
	assert_int_equal(to_int("lots", false, &v), -EINVAL);
	assert_int_equal(to_int("1.5", false, &v), -EINVAL);
	assert_int_equal(to_int("12abc", false, &v), -EINVAL);
	assert_int_equal(to_int("0x", false, &v), -EINVAL);
	assert_int_equal(to_int("0xZZ", false, &v), -EINVAL);
	assert_int_equal(to_int("", true, &v), -EINVAL);
	assert_int_equal(to_int(" 5", true, &v), -EINVAL);
	assert_int_equal(to_int("5 ", true, &v), -EINVAL);
	assert_int_equal(to_int("80:80", false, &v), -EINVAL);
	assert_int_equal(ynode_to_int(NULL, &v), -EINVAL);
}

static void
test_ynode_to_int_rejects_sign_after_radix_prefix(void **state)
{
	long long v = 0;

	/* strtoll accepts a sign after the prefix was skipped: "0x-5" -> -5 */
	assert_int_equal(to_int("0x-5", false, &v), -EINVAL);
}

static void
test_ynode_to_int_rejects_leading_whitespace_of_any_kind(void **state)
{
	long long v = 0;

	/* Only ' ' is refused; strtoll skips "\t" and "\n" itself. */
	assert_int_equal(to_int("\\t5", true, &v), -EINVAL);
}

static void
test_ynode_to_double_reads_numbers_and_rejects_non_finite(void **state)
{
	double v;

	assert_int_equal(to_double("0.5", false, &v), 0);
	assert_true(v == 0.5);
	assert_int_equal(to_double("-2", false, &v), 0);
	assert_true(v == -2.0);
	assert_int_equal(to_double("1e3", false, &v), 0);
	assert_true(v == 1000.0);
	assert_int_equal(to_double(".25", true, &v), 0);
	assert_true(v == 0.25);

	assert_int_equal(to_double("nan", false, &v), -EINVAL);
	assert_int_equal(to_double("inf", false, &v), -EINVAL);
	assert_int_equal(to_double("1e999", false, &v), -EINVAL);
	assert_int_equal(to_double("1.5x", false, &v), -EINVAL);
	assert_int_equal(to_double("", true, &v), -EINVAL);
	assert_int_equal(to_double(" 1", true, &v), -EINVAL);
	assert_int_equal(to_double("abc", false, &v), -EINVAL);
}

static void
test_ynode_to_bool_accepts_true_false_any_case_only(void **state)
{
	bool v;

	assert_int_equal(to_bool("true", &v), 0);
	assert_true(v);
	assert_int_equal(to_bool("False", &v), 0);
	assert_false(v);
	assert_int_equal(to_bool("TRUE", &v), 0);
	assert_true(v);
	assert_int_equal(to_bool("yes", &v), -EINVAL);
	assert_int_equal(to_bool("1", &v), -EINVAL);
	assert_int_equal(to_bool("", &v), -EINVAL);
}

static void
test_ynode_typed_readings_reject_collections(void **state)
{
	struct ydoc *doc;
	struct diag d;
	long long i;
	double f;
	bool b;

	assert_int_equal(load("v: [1]\n", false, &doc, &d), 0);
	assert_int_equal(ynode_to_int(ynode_get(doc->root, "v"), &i), -EINVAL);
	assert_int_equal(ynode_to_double(ynode_get(doc->root, "v"), &f),
	                 -EINVAL);
	assert_int_equal(ynode_to_bool(ynode_get(doc->root, "v"), &b), -EINVAL);
	assert_null(ynode_str(ynode_get(doc->root, "v")));
	assert_null(ynode_get(ynode_get(doc->root, "v"), "x"));
	ydoc_free(doc);
	diag_done(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ynode_keeps_line_and_column_of_every_node),
	    cmocka_unit_test(test_ynode_keeps_plain_port_mapping_as_text),
	    cmocka_unit_test(
	        test_ynode_distinguishes_plain_quoted_and_block_scalars),
	    cmocka_unit_test(
	        test_ynode_duplicate_key_warns_at_second_key_and_last_wins),
	    cmocka_unit_test(test_ynode_duplicate_key_is_an_error_when_strict),
	    cmocka_unit_test(
	        test_ynode_duplicate_key_error_does_not_say_a_value_is_used),
	    cmocka_unit_test(
	        test_ynode_syntax_error_names_where_the_construct_opened),
	    cmocka_unit_test(test_ynode_syntax_error_reports_line_and_column),
	    cmocka_unit_test(test_ynode_bad_indentation_is_a_syntax_error),
	    cmocka_unit_test(
	        test_ynode_max_depth_exceeded_is_an_error_not_a_crash),
	    cmocka_unit_test(test_ynode_alias_bomb_hits_expansion_limit_fast),
	    cmocka_unit_test(test_ynode_alias_shares_the_anchored_node),
	    cmocka_unit_test(test_ynode_recursive_alias_is_an_error),
	    cmocka_unit_test(test_ynode_unknown_alias_is_an_error),
	    cmocka_unit_test(test_ynode_second_document_is_rejected),
	    cmocka_unit_test(test_ynode_explicit_single_document_is_accepted),
	    cmocka_unit_test(test_ynode_empty_input_has_no_root),
	    cmocka_unit_test(test_ynode_max_bytes_rejects_larger_input),
	    cmocka_unit_test(test_ynode_load_file_reads_and_names_the_file),
	    cmocka_unit_test(test_ynode_load_file_enforces_max_bytes),
	    cmocka_unit_test(test_ynode_non_scalar_mapping_key_is_an_error),
	    cmocka_unit_test(
	        test_ynode_to_int_reads_decimal_hex_octal_and_rejects_junk),
	    cmocka_unit_test(test_ynode_to_int_rejects_sign_after_radix_prefix),
	    cmocka_unit_test(
	        test_ynode_to_int_rejects_leading_whitespace_of_any_kind),
	    cmocka_unit_test(
	        test_ynode_to_double_reads_numbers_and_rejects_non_finite),
	    cmocka_unit_test(
	        test_ynode_to_bool_accepts_true_false_any_case_only),
	    cmocka_unit_test(test_ynode_typed_readings_reject_collections),
	};

	return cmocka_run_group_tests_name("yaml", tests, NULL, NULL);
}
