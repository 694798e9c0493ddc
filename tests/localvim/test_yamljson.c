/*
 * Unit tests of localvim's YAML reader (hack/localvim/yamljson.c), used for
 * Kubernetes server-side apply bodies: scalars typed like YAML 1.2's core
 * schema, nested maps and lists, JSON input, malformed input.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "yamljson.h"

static struct json_object *
parse(const char *text)
{
	struct json_object *o = NULL;

	assert_int_equal(yamljson_parse(text, strlen(text), &o), 0);
	return o;
}

static void
test_yamljson_types_scalars_like_yaml(void **state)
{
	struct json_object *o = parse("a: 1\nb: true\nc: ~\nd: \"2\"\n"
	                              "e: web\nf: 1.5\ng: 'false'\n");
	struct json_object *v;

	assert_true(json_object_object_get_ex(o, "a", &v));
	assert_true(json_object_is_type(v, json_type_int));
	assert_int_equal(json_object_get_int(v), 1);
	assert_true(json_object_object_get_ex(o, "b", &v));
	assert_true(json_object_is_type(v, json_type_boolean));
	assert_true(json_object_object_get_ex(o, "c", &v));
	assert_null(v);
	assert_true(json_object_object_get_ex(o, "d", &v));
	assert_string_equal(json_object_get_string(v), "2");
	assert_true(json_object_object_get_ex(o, "e", &v));
	assert_string_equal(json_object_get_string(v), "web");
	assert_true(json_object_object_get_ex(o, "f", &v));
	assert_true(json_object_is_type(v, json_type_double));
	assert_true(json_object_object_get_ex(o, "g", &v));
	assert_true(json_object_is_type(v, json_type_string));
	json_object_put(o);
}

static void
test_yamljson_nested_maps_and_lists(void **state)
{
	struct json_object *o = parse(
	    "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 2\n"
	    "  template:\n    spec:\n      containers:\n      - name: web\n"
	    "        ports:\n        - containerPort: 80\n");
	const char *want = "{\"apiVersion\":\"apps\\/v1\",\"kind\":"
	                   "\"Deployment\",\"spec\":{\"replicas\":2,"
	                   "\"template\":{\"spec\":{\"containers\":[{\"name\":"
	                   "\"web\",\"ports\":[{\"containerPort\":80}]}]}}}}";

	assert_string_equal(
	    json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), want);
	json_object_put(o);
}

static void
test_yamljson_reads_json_and_flow_style(void **state)
{
	struct json_object *o = parse("{\"a\": [1, \"x\"], \"b\": {}}");

	assert_string_equal(
	    json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
	    "{\"a\":[1,\"x\"],\"b\":{}}");
	json_object_put(o);
}

static void
test_yamljson_rejects_malformed_input(void **state)
{
	struct json_object *o = NULL;
	const char *bad = "a: [1, 2\nb: }";

	assert_int_equal(yamljson_parse(bad, strlen(bad), &o), -EINVAL);
	assert_null(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_yamljson_types_scalars_like_yaml),
	    cmocka_unit_test(test_yamljson_nested_maps_and_lists),
	    cmocka_unit_test(test_yamljson_reads_json_and_flow_style),
	    cmocka_unit_test(test_yamljson_rejects_malformed_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
