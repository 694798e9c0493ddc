/*
 * Unit tests of localvim's list queries (hack/localvim/query.c): attribute
 * and tag filters, Nova's name regex, limit/marker pagination and
 * Kubernetes label selectors.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "query.h"

static struct json_object *
obj(const char *text)
{
	struct json_object *o = json_tokener_parse(text);

	assert_non_null(o);
	return o;
}

static void
test_query_attribute_filters_and_repeated_keys(void **state)
{
	struct query q = {0};
	struct json_object *a = obj("{\"id\":\"1\",\"name\":\"web\","
	                            "\"status\":\"ACTIVE\",\"port\":80}");

	query_add(&q, "status", "active");
	assert_true(query_match(&q, a, NULL, 0));
	query_add(&q, "port", "80");
	assert_true(query_match(&q, a, NULL, 0));
	query_add(&q, "name", "db");
	assert_false(query_match(&q, a, NULL, 0));
	/* Repeated keys are OR-ed. */
	query_add(&q, "name", "web");
	assert_true(query_match(&q, a, NULL, 0));
	/* Unknown attributes: ignored (Nova) or excluding (Neutron). */
	query_add(&q, "flavor", "x");
	assert_true(query_match(&q, a, NULL, 0));
	assert_false(query_match(&q, a, NULL, QUERY_STRICT_ATTRS));
	query_done(&q);
	json_object_put(a);
}

static void
test_query_name_is_a_regex_for_nova(void **state)
{
	struct query q = {0};
	struct json_object *a = obj("{\"name\":\"site1-web1\"}");

	query_add(&q, "name", "^site1-");
	assert_true(query_match(&q, a, NULL, QUERY_NAME_REGEX));
	assert_false(query_match(&q, a, NULL, 0));
	query_done(&q);
	json_object_put(a);
}

static void
test_query_tag_filters(void **state)
{
	struct json_object *a = obj("{\"tags\":[\"nfv\",\"ns-demo\"]}");
	struct query q = {0};

	query_add(&q, "tags", "nfv,ns-demo");
	assert_true(query_match(&q, a, NULL, 0));
	query_done(&q);
	query_add(&q, "tags", "nfv,other");
	assert_false(query_match(&q, a, NULL, 0));
	query_done(&q);
	query_add(&q, "tags-any", "other,nfv");
	assert_true(query_match(&q, a, NULL, 0));
	query_done(&q);
	query_add(&q, "not-tags-any", "other,nfv");
	assert_false(query_match(&q, a, NULL, 0));
	query_done(&q);
	query_add(&q, "not-tags", "nfv,other");
	assert_true(query_match(&q, a, NULL, 0));
	query_done(&q);
	json_object_put(a);
}

static void
test_query_page_limit_and_marker(void **state)
{
	struct json_object *items[5];
	struct query q = {0};
	size_t start, count, i;
	bool more;

	for (i = 0; i < 5; i++) {
		char text[32];

		snprintf(text, sizeof(text), "{\"id\":\"id%zu\"}", i);
		items[i] = obj(text);
	}
	assert_int_equal(query_page(&q, items, 5, &start, &count, &more), 0);
	assert_int_equal(start, 0);
	assert_int_equal(count, 5);
	assert_false(more);
	query_add(&q, "limit", "2");
	assert_int_equal(query_page(&q, items, 5, &start, &count, &more), 0);
	assert_int_equal(count, 2);
	assert_true(more);
	query_add(&q, "marker", "id3");
	assert_int_equal(query_page(&q, items, 5, &start, &count, &more), 0);
	assert_int_equal(start, 4);
	assert_int_equal(count, 1);
	assert_false(more);
	query_done(&q);
	query_add(&q, "marker", "nope");
	assert_int_equal(query_page(&q, items, 5, &start, &count, &more),
	                 -ENOENT);
	query_done(&q);
	query_add(&q, "limit", "x");
	assert_int_equal(query_page(&q, items, 5, &start, &count, &more),
	                 -EINVAL);
	query_done(&q);
	for (i = 0; i < 5; i++)
		json_object_put(items[i]);
}

static void
test_query_label_selectors(void **state)
{
	struct json_object *l = obj("{\"app\":\"web\",\"tier\":\"front\"}");

	assert_int_equal(query_labels_match("app=web", l), 1);
	assert_int_equal(query_labels_match("app==web,tier=front", l), 1);
	assert_int_equal(query_labels_match("app=db", l), 0);
	assert_int_equal(query_labels_match("app!=db", l), 1);
	assert_int_equal(query_labels_match("tier", l), 1);
	assert_int_equal(query_labels_match("!tier", l), 0);
	assert_int_equal(query_labels_match("app in (db, web)", l), 1);
	assert_int_equal(query_labels_match("app notin (db,web)", l), 0);
	assert_int_equal(query_labels_match("", l), 1);
	assert_int_equal(query_labels_match("app=web", NULL), 0);
	assert_int_equal(query_labels_match("app in (web", l), -EINVAL);
	json_object_put(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_query_attribute_filters_and_repeated_keys),
	    cmocka_unit_test(test_query_name_is_a_regex_for_nova),
	    cmocka_unit_test(test_query_tag_filters),
	    cmocka_unit_test(test_query_page_limit_and_marker),
	    cmocka_unit_test(test_query_label_selectors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
