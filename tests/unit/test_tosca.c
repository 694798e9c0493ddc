/*
 * Unit tests of nfv_tosca: scalar-unit and version parsing, the type
 * registry (builtin schemas, derivation, lookups, cycles, duplicates),
 * documents (imports, cycles, parameter files, get_input) and the
 * validator, one test per rule with the exact position of the finding.
 * Links nfv_tosca only. Descriptors are fixtures under data/tosca/ or
 * written to a scratch directory by the test that needs them.
 */
#include "unit.h"

#include <math.h>

#include "document.h"
#include "scalar.h"
#include "types.h"
#include "validate.h"
#include "xalloc.h"
#include "ynode.h"

#define DATA TEST_DATA_DIR "/tosca"

/* The builtin registry, parsed once for the whole group. */
static struct tosca_registry *builtin;

static int
setup_builtin(void **state)
{
	struct diag d;
	int r;

	diag_init(&d);
	r = tosca_registry_new_builtin(&builtin, &d);
	if (r < 0 || d.n)
		unit_print_diags(&d);
	diag_done(&d);
	return r < 0 ? -1 : 0;
}

static int
teardown_builtin(void **state)
{
	tosca_registry_free(builtin);
	builtin = NULL;
	return 0;
}

/* ---- scalar-units and versions ---------------------------------------- */

static double
size_of(const char *text)
{
	double v = -1;

	assert_int_equal(tosca_scalar_unit_parse(text, TOSCA_UNIT_SIZE, &v), 0);
	return v;
}

static void
test_scalar_size_units_normalise_to_bytes(void **state)
{
	assert_true(size_of("512 MB") == 512e6);
	assert_true(size_of("1 GiB") == 1073741824.0);
	assert_true(size_of("100MB") == 100e6);
	assert_true(size_of("0.5 GB") == 0.5e9);
	assert_true(size_of("2 KiB") == 2048.0);
	assert_true(size_of("1 TiB") == 1099511627776.0);
	assert_true(size_of("7 B") == 7.0);
	assert_true(size_of("3 kB") == 3000.0);
	/* sizes are case-insensitive (as Tacker samples write "mb") */
	assert_true(size_of("512 mb") == 512e6);
	assert_true(size_of("  1   gib") == 1073741824.0);
}

static void
test_scalar_time_and_frequency_units(void **state)
{
	double v;

	assert_int_equal(tosca_scalar_unit_parse("30 s", TOSCA_UNIT_TIME, &v),
	                 0);
	assert_true(v == 30.0);
	assert_int_equal(tosca_scalar_unit_parse("2 m", TOSCA_UNIT_TIME, &v),
	                 0);
	assert_true(v == 120.0);
	assert_int_equal(tosca_scalar_unit_parse("1 d", TOSCA_UNIT_TIME, &v),
	                 0);
	assert_true(v == 86400.0);
	assert_int_equal(tosca_scalar_unit_parse("250 ms", TOSCA_UNIT_TIME, &v),
	                 0);
	assert_true(fabs(v - 0.25) < 1e-12);
	assert_int_equal(tosca_scalar_unit_parse("1h", TOSCA_UNIT_TIME, &v), 0);
	assert_true(v == 3600.0);
	/* time units are case-sensitive: M is not minutes */
	assert_int_equal(tosca_scalar_unit_parse("2 M", TOSCA_UNIT_TIME, &v),
	                 -EINVAL);
	assert_int_equal(tosca_scalar_unit_parse("2 S", TOSCA_UNIT_TIME, &v),
	                 -EINVAL);
	assert_int_equal(
	    tosca_scalar_unit_parse("2 GHz", TOSCA_UNIT_FREQUENCY, &v), 0);
	assert_true(v == 2e9);
	assert_int_equal(
	    tosca_scalar_unit_parse("0.1 GHz", TOSCA_UNIT_FREQUENCY, &v), 0);
	assert_true(fabs(v - 1e8) < 1e-3);
	assert_int_equal(
	    tosca_scalar_unit_parse("5 kHz", TOSCA_UNIT_FREQUENCY, &v), 0);
	assert_true(v == 5000.0);
}

static void
test_scalar_rejects_bad_numbers_and_units(void **state)
{
	static const char *const bad[] = {
	    "512",  "MB",       "-1 MB",        "512 XB", "",
	    " ",    "1e999 MB", "512 MB extra", "MB 512", "512 M B",
	    ". MB", "nan MB",   "inf MB",       "512 s",
	};
	size_t i;
	double v;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (tosca_scalar_unit_parse(bad[i], TOSCA_UNIT_SIZE, &v) !=
		    -EINVAL)
			fail_msg("'%s' was accepted as a size", bad[i]);
	}
	assert_int_equal(tosca_scalar_unit_parse("1 MB", TOSCA_UNIT_TIME, &v),
	                 -EINVAL);
	assert_int_equal(tosca_scalar_unit_parse("1 MB", TOSCA_UNIT_MAX, &v),
	                 -EINVAL);
	assert_int_equal(
	    tosca_scalar_unit_parse("1 MB", TOSCA_UNIT_INVALID, &v), -EINVAL);
	assert_int_equal(tosca_scalar_unit_parse(NULL, TOSCA_UNIT_SIZE, &v),
	                 -EINVAL);
	assert_string_equal(tosca_scalar_unit_example(TOSCA_UNIT_SIZE),
	                    "512 MB");
	assert_string_equal(tosca_scalar_unit_example(TOSCA_UNIT_TIME), "30 s");
}

static void
test_scalar_versions_follow_major_minor_fix_qualifier_build(void **state)
{
	static const char *const good[] = {
	    "1.0", "2.1.3", "2.1.3.beta-4", "1.0.0.alpha", "10.20.30.rc_1",
	};
	static const char *const bad[] = {
	    "1",
	    "1.",
	    ".1",
	    "1.0.",
	    "1.0.0.",
	    "1.0.0.beta-",
	    "1.0.0.beta-x",
	    "a.b",
	    "1.0-4",
	    "1.0.0.-4",
	    "",
	    "v1.0",
	    "1.0 ",
	    "1.0.0.beta.1",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (!tosca_version_valid(good[i]))
			fail_msg("version '%s' was refused", good[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (tosca_version_valid(bad[i]))
			fail_msg("version '%s' was accepted", bad[i]);
	}
}

/* ---- the type registry ------------------------------------------------ */

static void
test_registry_builtin_loads_without_diagnostics(void **state)
{
	struct tosca_registry *r = NULL;
	struct diag d;

	diag_init(&d);
	assert_int_equal(tosca_registry_new_builtin(&r, &d), 0);
	assert_no_diags(&d);
	assert_non_null(r);
	assert_true(r->n > 100);
	assert_null(r->base);
	tosca_registry_free(r);
	diag_done(&d);
}

static void
test_registry_follows_derived_from_chains(void **state)
{
	const struct tosca_type *vdu = tosca_registry_find(
	    builtin, TOSCA_NODE_TYPE, "tosca.nodes.nfv.VDU.Tacker");
	const struct tosca_type *t;

	assert_non_null(vdu);
	assert_int_equal(vdu->section, TOSCA_NODE_TYPE);
	assert_string_equal(vdu->parent->name, "tosca.nodes.nfv.VDU");
	assert_string_equal(vdu->parent->parent->name, "tosca.nodes.Compute");
	for (t = vdu; t->parent; t = t->parent)
		;
	assert_string_equal(t->name, "tosca.nodes.Root");
	assert_true(tosca_type_is_a(vdu, "tosca.nodes.nfv.VDU.Tacker"));
	assert_true(tosca_type_is_a(vdu, "tosca.nodes.nfv.VDU"));
	assert_true(tosca_type_is_a(vdu, "tosca.nodes.Root"));
	assert_false(tosca_type_is_a(vdu, "tosca.nodes.nfv.CP"));
	assert_false(tosca_type_is_a(NULL, "tosca.nodes.Root"));
	/* sections are separate name spaces */
	assert_null(tosca_registry_find(builtin, TOSCA_DATA_TYPE,
	                                "tosca.nodes.nfv.VDU.Tacker"));
	assert_null(tosca_registry_find(builtin, TOSCA_NODE_TYPE,
	                                "tosca.nodes.nfv.Nope"));
	/* requirements of an ancestor are found from the child */
	assert_non_null(tosca_registry_find(builtin, TOSCA_NODE_TYPE,
	                                    "tosca.nodes.nfv.CP.Tacker"));
	assert_non_null(tosca_type_requirement(
	    tosca_registry_find(builtin, TOSCA_NODE_TYPE,
	                        "tosca.nodes.nfv.CP.Tacker"),
	    "virtualLink"));
}

static void
test_registry_section_keys_and_nouns(void **state)
{
	assert_int_equal(tosca_section_from_key("node_types"), TOSCA_NODE_TYPE);
	assert_int_equal(tosca_section_from_key("data_types"), TOSCA_DATA_TYPE);
	assert_int_equal(tosca_section_from_key("nodes"),
	                 TOSCA_SECTION_INVALID);
	assert_string_equal(tosca_section_key(TOSCA_POLICY_TYPE),
	                    "policy_types");
	assert_null(tosca_section_key(TOSCA_SECTION_MAX));
	assert_string_equal(tosca_section_noun(TOSCA_GROUP_TYPE), "group type");
	assert_string_equal(tosca_section_noun(TOSCA_SECTION_INVALID), "type");
}

/* A registry over builtin with the types of text; returns the link result
 * (or the add result when that fails). */
static int
layered(const char *text, struct ydoc **doc, struct tosca_registry **reg,
        struct diag *d)
{
	int r;

	diag_init(d);
	assert_int_equal(
	    ydoc_load_buffer("types.yaml", text, strlen(text), NULL, doc, d),
	    0);
	*reg = tosca_registry_new(builtin);
	assert_ptr_equal((*reg)->base, builtin);
	r = tosca_registry_add_doc(*reg, (*doc)->root, d);
	if (r < 0)
		return r;
	return tosca_registry_link(*reg, d);
}

static void
test_registry_lookup_returns_nearest_definition_and_owner(void **state)
{
	const char *text = "node_types:\n"
	                   "  ex.A:\n"
	                   "    derived_from: tosca.nodes.Root\n"
	                   "    properties:\n"
	                   "      p: {type: string, description: from A}\n"
	                   "      q: {type: integer}\n"
	                   "  ex.B:\n"
	                   "    derived_from: ex.A\n"
	                   "    properties:\n"
	                   "      p: {type: string, description: from B}\n";
	struct ydoc *doc;
	struct tosca_registry *reg;
	struct diag d;
	const struct tosca_type *a, *b, *owner = NULL;
	const struct ynode *def;

	assert_int_equal(layered(text, &doc, &reg, &d), 0);
	assert_no_diags(&d);
	a = tosca_registry_find(reg, TOSCA_NODE_TYPE, "ex.A");
	b = tosca_registry_find(reg, TOSCA_NODE_TYPE, "ex.B");
	assert_non_null(a);
	assert_ptr_equal(b->parent, a);
	assert_string_equal(a->parent->name, "tosca.nodes.Root");
	/* builtin types are reachable through the layered registry */
	assert_non_null(
	    tosca_registry_find(reg, TOSCA_NODE_TYPE, "tosca.nodes.Root"));
	assert_null(tosca_registry_find(builtin, TOSCA_NODE_TYPE, "ex.A"));

	def = tosca_type_lookup(b, "properties", "p", &owner);
	assert_ptr_equal(owner, b);
	assert_string_equal(ynode_str(ynode_get(def, "description")), "from B");
	def = tosca_type_lookup(b, "properties", "q", &owner);
	assert_ptr_equal(owner, a);
	assert_string_equal(ynode_str(ynode_get(def, "type")), "integer");
	def = tosca_type_lookup(a, "properties", "p", &owner);
	assert_string_equal(ynode_str(ynode_get(def, "description")), "from A");
	assert_null(tosca_type_lookup(b, "properties", "zz", NULL));
	assert_int_equal(b->key->pos.line, 7);
	assert_int_equal(b->key->pos.col, 3);
	tosca_registry_free(reg);
	ydoc_free(doc);
	diag_done(&d);
}

struct seen {
	char names[8][16];
	const struct tosca_type *owners[8];
	size_t n;
};

static void
collect(const char *name, const struct ynode *def,
        const struct tosca_type *owner, void *payload)
{
	struct seen *s = payload;

	assert_true(s->n < 8);
	snprintf(s->names[s->n], sizeof(s->names[0]), "%s", name);
	s->owners[s->n++] = owner;
}

static void
test_registry_foreach_visits_each_name_once_nearest_first_ancestors_first(
    void **state)
{
	const char *text = "data_types:\n"
	                   "  ex.A:\n"
	                   "    properties:\n"
	                   "      p: {type: string}\n"
	                   "      q: {type: string}\n"
	                   "  ex.B:\n"
	                   "    derived_from: ex.A\n"
	                   "    properties:\n"
	                   "      p: {type: integer}\n"
	                   "      r: {type: string}\n";
	struct ydoc *doc;
	struct tosca_registry *reg;
	struct diag d;
	const struct tosca_type *b;
	struct seen s = {.n = 0};

	assert_int_equal(layered(text, &doc, &reg, &d), 0);
	b = tosca_registry_find(reg, TOSCA_DATA_TYPE, "ex.B");
	tosca_type_foreach(b, "properties", collect, &s);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.names[0], "p");
	assert_ptr_equal(s.owners[0], b);
	assert_string_equal(s.names[1], "r");
	assert_string_equal(s.names[2], "q");
	assert_ptr_equal(s.owners[2], b->parent);
	tosca_registry_free(reg);
	ydoc_free(doc);
	diag_done(&d);
}

static void
test_registry_derived_from_cycle_is_an_error(void **state)
{
	const char *text = "node_types:\n"
	                   "  ex.X:\n"
	                   "    derived_from: ex.Y\n"
	                   "  ex.Y:\n"
	                   "    derived_from: ex.X\n"
	                   "  ex.Self:\n"
	                   "    derived_from: ex.Self\n";
	struct ydoc *doc;
	struct tosca_registry *reg;
	struct diag d;

	assert_int_equal(layered(text, &doc, &reg, &d), -EINVAL);
	expect_error(&d, 2, 3, "node type 'ex.X' derives from itself");
	expect_error(&d, 6, 3, "'ex.Self' derives from itself");
	/* the cycle is broken, so chain walks terminate */
	assert_false(tosca_type_is_a(
	    tosca_registry_find(reg, TOSCA_NODE_TYPE, "ex.Y"), "nothing"));
	assert_false(tosca_type_is_a(
	    tosca_registry_find(reg, TOSCA_NODE_TYPE, "ex.Self"), "x"));
	tosca_registry_free(reg);
	ydoc_free(doc);
	diag_done(&d);
}

static void
test_registry_cycle_is_blamed_on_its_members_not_on_a_descendant(void **state)
{
	/* ex.C only derives from the cycle ex.A <-> ex.B */
	const char *text = "node_types:\n"
	                   "  ex.C:\n"
	                   "    derived_from: ex.A\n"
	                   "  ex.A:\n"
	                   "    derived_from: ex.B\n"
	                   "  ex.B:\n"
	                   "    derived_from: ex.A\n";
	struct ydoc *doc;
	struct tosca_registry *reg;
	struct diag d;

	assert_int_equal(layered(text, &doc, &reg, &d), -EINVAL);
	expect_error(&d, ANY, ANY, "derived_from cycle");
	assert_null(
	    unit_find_diag(&d, DIAG_ERROR, 2, 3, "'ex.C' derives from itself"));
	tosca_registry_free(reg);
	ydoc_free(doc);
	diag_done(&d);
}

static void
test_registry_unknown_parent_is_an_error(void **state)
{
	const char *text = "policy_types:\n"
	                   "  ex.P:\n"
	                   "    derived_from: ex.Missing\n";
	struct ydoc *doc;
	struct tosca_registry *reg;
	struct diag d;

	assert_int_equal(layered(text, &doc, &reg, &d), -EINVAL);
	expect_error(&d, 3, 19,
	             "policy type 'ex.P' derives from unknown policy type "
	             "'ex.Missing'");
	tosca_registry_free(reg);
	ydoc_free(doc);
	diag_done(&d);
}

static void
test_registry_data_type_from_unknown_data_type_is_an_error(void **state)
{
	/* Only primitive parents ("string") may be missing from the registry.
	 */
	const char *text = "data_types:\n"
	                   "  ex.D:\n"
	                   "    derived_from: ex.NoSuchType\n";
	struct ydoc *doc;
	struct tosca_registry *reg;
	struct diag d;

	assert_int_equal(layered(text, &doc, &reg, &d), -EINVAL);
	expect_error(&d, 3, 19, "ex.NoSuchType");
	tosca_registry_free(reg);
	ydoc_free(doc);
	diag_done(&d);
}

static void
test_registry_redefining_a_builtin_type_is_an_error(void **state)
{
	const struct diag_entry *e;
	const char *text = "node_types:\n"
	                   "  tosca.nodes.nfv.VDU:\n"
	                   "    derived_from: tosca.nodes.Root\n";
	struct ydoc *doc;
	struct tosca_registry *reg;
	struct diag d;

	assert_int_equal(layered(text, &doc, &reg, &d), -EINVAL);
	e = expect_error(&d, 2, 3,
	                 "node type 'tosca.nodes.nfv.VDU' is already defined "
	                 "at ");
	assert_non_null(strstr(e->message, "tosca_nfv_1_0_0.yaml:"));
	tosca_registry_free(reg);
	ydoc_free(doc);
	diag_done(&d);
}

static void
test_registry_same_name_in_two_documents_is_an_error(void **state)
{
	const char *t1 = "capability_types:\n  ex.Cap: {}\n";
	const char *t2 = "# second file\ncapability_types:\n  ex.Cap: {}\n";
	struct ydoc *d1, *d2;
	struct tosca_registry *reg;
	struct diag d;

	assert_int_equal(layered(t1, &d1, &reg, &d), 0);
	assert_int_equal(
	    ydoc_load_buffer("other.yaml", t2, strlen(t2), NULL, &d2, &d), 0);
	assert_int_equal(tosca_registry_add_doc(reg, d2->root, &d), -EINVAL);
	expect_error(&d, 3, 3,
	             "capability type 'ex.Cap' is already defined at "
	             "types.yaml:2:3");
	assert_string_equal(d.entries[0].file, "other.yaml");
	/* the same document added twice is not a duplicate */
	assert_int_equal(tosca_registry_add_doc(reg, d1->root, &d), 0);
	tosca_registry_free(reg);
	ydoc_free(d1);
	ydoc_free(d2);
	diag_done(&d);
}

static void
test_registry_rejects_malformed_sections(void **state)
{
	const char *text = "node_types: [a, b]\n"
	                   "data_types:\n"
	                   "  ex.D: 42\n"
	                   "group_types:\n";
	struct ydoc *doc;
	struct tosca_registry *reg;
	struct diag d;

	assert_int_equal(layered(text, &doc, &reg, &d), -EINVAL);
	expect_error(&d, 1, 13, "node_types must be a mapping");
	expect_error(&d, 3, 9,
	             "definition of data type 'ex.D' must be a "
	             "mapping");
	tosca_registry_free(reg);
	ydoc_free(doc);
	diag_done(&d);
}

/* ---- tosca_check_value: types and constraints ------------------------- */

static int
check(const char *type, const char *def_text, const char *value_text,
      struct diag *d)
{
	struct ydoc *def = NULL, *val;
	int r;

	diag_init(d);
	if (def_text)
		assert_int_equal(ydoc_load_buffer("def.yaml", def_text,
		                                  strlen(def_text), NULL, &def,
		                                  d),
		                 0);
	assert_int_equal(ydoc_load_buffer("value.yaml", value_text,
	                                  strlen(value_text), NULL, &val, d),
	                 0);
	r = tosca_check_value(builtin, type, def ? def->root : NULL, val->root,
	                      "value", d);
	ydoc_free(def);
	ydoc_free(val);
	return r;
}

static void
test_check_value_primitives(void **state)
{
	struct diag d;

	assert_int_equal(check("integer", NULL, "42", &d), 0);
	assert_int_equal(check("integer", NULL, "lots", &d), -EINVAL);
	expect_error(&d, 1, 1, "value: expected an integer, got 'lots'");
	diag_done(&d);
	assert_int_equal(check("float", NULL, "0.5", &d), 0);
	assert_int_equal(check("float", NULL, "half", &d), -EINVAL);
	diag_done(&d);
	assert_int_equal(check("boolean", NULL, "false", &d), 0);
	assert_int_equal(check("boolean", NULL, "no", &d), -EINVAL);
	expect_error(&d, 1, 1, "expected true or false, got 'no'");
	diag_done(&d);
	assert_int_equal(check("version", NULL, "1.0.2", &d), 0);
	assert_int_equal(check("version", NULL, "one", &d), -EINVAL);
	diag_done(&d);
	assert_int_equal(check("scalar-unit.time", NULL, "30 s", &d), 0);
	assert_int_equal(check("scalar-unit.time", NULL, "30 sec", &d),
	                 -EINVAL);
	expect_error(&d, 1, 1, "a duration such as '30 s'");
	diag_done(&d);
	assert_int_equal(check("string", NULL, "[a]", &d), -EINVAL);
	expect_error(&d, 1, 1, "value: expected string, got a list");
	diag_done(&d);
	assert_int_equal(check("string", NULL, "~", &d), -EINVAL);
	expect_error(&d, 1, 1, "got null");
	diag_done(&d);
	assert_int_equal(check("any", NULL, "{x: [1]}", &d), 0);
	assert_int_equal(check("ex.NoSuchType", NULL, "1", &d), -EINVAL);
	expect_error(&d, 1, 1, "unknown data type 'ex.NoSuchType'");
	diag_done(&d);
}

static void
test_check_value_accepts_a_range(void **state)
{
	struct diag d;

	/* "range" is primitive: a scalar is refused before the list test. */
	assert_int_equal(check("range", NULL, "[1, 5]", &d), 0);
	diag_done(&d);
}

static void
test_check_value_lists_and_maps_check_their_entries(void **state)
{
	struct diag d;

	assert_int_equal(
	    check("list", "entry_schema: integer", "[1, 2, 3]", &d), 0);
	assert_int_equal(
	    check("list", "entry_schema: integer", "[1, x, 3]", &d), -EINVAL);
	expect_error(&d, 1, 5, "value[1]: expected an integer, got 'x'");
	diag_done(&d);
	assert_int_equal(check("map", "entry_schema: {type: boolean}",
	                       "{a: true, b: maybe}", &d),
	                 -EINVAL);
	expect_error(&d, 1, 14, "value.b: expected true or false");
	diag_done(&d);
	assert_int_equal(check("list", NULL, "{a: 1}", &d), -EINVAL);
	expect_error(&d, 1, 1, "expected a list, got a mapping");
	diag_done(&d);
}

static void
test_check_value_constraints(void **state)
{
	struct diag d;

	assert_int_equal(
	    check("integer", "constraints: [in_range: [1, 10]]", "10", &d), 0);
	assert_int_equal(
	    check("integer", "constraints: [in_range: [1, 10]]", "11", &d),
	    -EINVAL);
	expect_error(&d, 1, 1, "value: '11' does not satisfy in_range [1, 10]");
	diag_done(&d);
	assert_int_equal(check("integer",
	                       "constraints: [in_range: [1, UNBOUNDED]]",
	                       "99999", &d),
	                 0);
	assert_int_equal(
	    check("string", "constraints: [valid_values: [a, b]]", "c", &d),
	    -EINVAL);
	expect_error(&d, 1, 1, "'c' does not satisfy valid_values [a, b]");
	diag_done(&d);
	assert_int_equal(
	    check("integer", "constraints: [valid_values: [1, 2]]", "0x2", &d),
	    0);
	assert_int_equal(
	    check("string", "constraints: [min_length: 2]", "a", &d), -EINVAL);
	diag_done(&d);
	assert_int_equal(
	    check("string", "constraints: [max_length: 2]", "ab", &d), 0);
	assert_int_equal(check("string", "constraints: [length: 2]", "abc", &d),
	                 -EINVAL);
	diag_done(&d);
	assert_int_equal(
	    check("integer", "constraints: [greater_than: 0]", "0", &d),
	    -EINVAL);
	expect_error(&d, 1, 1, "does not satisfy greater_than 0");
	diag_done(&d);
	assert_int_equal(
	    check("integer", "constraints: [less_or_equal: 5]", "5", &d), 0);
	assert_int_equal(check("integer", "constraints: [equal: 5]", "6", &d),
	                 -EINVAL);
	diag_done(&d);
	/* scalar-units compare by value, not text */
	assert_int_equal(check("scalar-unit.size",
	                       "constraints: [greater_or_equal: 1 GB]",
	                       "1024 MB", &d),
	                 0);
	assert_int_equal(check("scalar-unit.size",
	                       "constraints: [greater_or_equal: 1 GB]",
	                       "999 MB", &d),
	                 -EINVAL);
	expect_error(&d, 1, 1,
	             "'999 MB' does not satisfy greater_or_equal 1 GB");
	diag_done(&d);
}

static void
test_check_value_data_types_check_their_properties(void **state)
{
	struct diag d;

	assert_int_equal(check("nfvsync.datatypes.Listener", NULL,
	                       "{protocol: HTTP, port: 80}", &d),
	                 0);
	assert_no_diags(&d);
	diag_done(&d);
	assert_int_equal(
	    check("nfvsync.datatypes.Listener", NULL, "{protocol: UDP}", &d),
	    -EINVAL);
	expect_error(&d, 1, 12,
	             "value: property 'protocol': 'UDP' does not satisfy "
	             "valid_values [HTTP, TCP, HTTPS]");
	expect_error(&d, 1, 1, "value: missing required property 'port'");
	diag_done(&d);
	assert_int_equal(check("nfvsync.datatypes.Listener", NULL, "80", &d),
	                 -EINVAL);
	expect_error(&d, 1, 1,
	             "expected a mapping (nfvsync.datatypes.Listener), got a "
	             "scalar");
	diag_done(&d);
}

/* ---- documents: imports, parameters, inputs --------------------------- */

static void
test_document_imports_a_relative_path(void **state)
{
	struct tosca_set s;
	struct tosca_doc *doc, **closure;
	struct diag d;
	size_t n;

	tosca_set_init(&s);
	diag_init(&d);
	assert_int_equal(
	    tosca_set_load(&s, DATA "/imports/main.yaml", &doc, &d), 0);
	assert_no_diags(&d);
	assert_int_equal(doc->state, TOSCA_DOC_LOADED);
	assert_string_equal(doc->version, "tosca_simple_profile_for_nfv_1_0_0");
	assert_int_equal(doc->nimports, 1);
	assert_true(doc->imports[0]->imported);
	assert_false(doc->imported);
	assert_non_null(
	    strstr(doc->imports[0]->path, "imports/lib/types.yaml"));
	assert_string_equal(doc->imports[0]->version, "tosca_simple_yaml_1_2");
	n = tosca_doc_closure(doc, &closure);
	assert_int_equal(n, 2);
	assert_ptr_equal(closure[0], doc);
	free(closure);
	/* loading again returns the same document */
	{
		struct tosca_doc *again;

		assert_int_equal(
		    tosca_set_load(&s, DATA "/imports/main.yaml", &again, &d),
		    0);
		assert_ptr_equal(again, doc);
		assert_int_equal(s.n, 2);
	}
	tosca_set_done(&s);
	diag_done(&d);
}

static void
test_document_imports_by_name_without_yaml_extension(void **state)
{
	struct tosca_set s;
	struct tosca_doc *doc;
	struct diag d;

	tosca_set_init(&s);
	diag_init(&d);
	assert_int_equal(tosca_set_load(&s, DATA "/byname/ns.yaml", &doc, &d),
	                 0);
	assert_no_diags(&d);
	assert_int_equal(doc->nimports, 2);
	assert_non_null(strstr(doc->imports[0]->path, "byname/vnfd1.yaml"));
	assert_non_null(strstr(doc->imports[1]->path, "byname/vnfd2.yml"));
	tosca_set_done(&s);
	diag_done(&d);
}

static void
test_document_import_not_found_names_the_import_at_its_position(void **state)
{
	struct tosca_set s;
	struct tosca_doc *doc;
	struct diag d;
	const struct diag_entry *e;

	tosca_set_init(&s);
	diag_init(&d);
	assert_int_equal(tosca_set_load(&s, DATA "/notfound.yaml", &doc, &d),
	                 -ENOENT);
	e = expect_error(&d, 3, 5, "import 'nowhere/missing' not found");
	assert_non_null(strstr(e->file, "notfound.yaml"));
	tosca_set_done(&s);
	diag_done(&d);
}

static void
test_document_import_cycle_lists_the_chain(void **state)
{
	struct tosca_set s;
	struct tosca_doc *doc;
	struct diag d;
	const struct diag_entry *e;
	const char *a1, *b, *a2;

	tosca_set_init(&s);
	diag_init(&d);
	assert_true(tosca_set_load(&s, DATA "/cycle/a.yaml", &doc, &d) < 0);
	e = expect_error(&d, 3, 5, "import cycle: ");
	assert_non_null(strstr(e->file, "cycle/b.yaml"));
	a1 = strstr(e->message, "cycle/a.yaml -> ");
	assert_non_null(a1);
	b = strstr(a1, "cycle/b.yaml -> ");
	assert_non_null(b);
	a2 = strstr(b, "cycle/a.yaml");
	assert_non_null(a2);
	assert_int_equal(d.errors, 1);
	tosca_set_done(&s);
	diag_done(&d);
}

static void
test_document_header_checks(void **state)
{
	char *dir = unit_tmpdir();
	char *p1 =
	    unit_write(dir, "v.yaml",
	               "tosca_definitions_version: tosca_simple_yaml_9_9\n");
	char *p2 = unit_write(dir, "nov.yaml", "description: no version\n");
	char *p3 = unit_write(dir, "list.yaml", "- a\n- b\n");
	struct tosca_set s;
	struct tosca_doc *doc;
	struct diag d;

	tosca_set_init(&s);
	diag_init(&d);
	assert_int_equal(tosca_set_load(&s, p1, &doc, &d), -EINVAL);
	expect_error(&d, 1, 28,
	             "unsupported tosca_definitions_version "
	             "'tosca_simple_yaml_9_9'");
	assert_int_equal(tosca_set_load(&s, p2, &doc, &d), -EINVAL);
	expect_error(&d, 1, 1,
	             "not a TOSCA descriptor: tosca_definitions_version is "
	             "missing");
	assert_int_equal(tosca_set_load(&s, p3, &doc, &d), -EINVAL);
	expect_error(&d, 1, 1,
	             "must be a mapping at the top level, not a list");
	assert_int_equal(d.errors, 3);
	tosca_set_done(&s);
	diag_done(&d);
	free(p1);
	free(p2);
	free(p3);
	unit_rmtree(dir);
}

static void
test_document_import_must_stay_inside_the_descriptor_directory(void **state)
{
	char *dir = unit_tmpdir(), *out = unit_tmpdir();
	char *ok = unit_write(dir, "vnfd/ok.yaml",
	                      "tosca_definitions_version: "
	                      "tosca_simple_yaml_1_2\n");
	char *secret = unit_write(out, "secret.yaml",
	                          "tosca_definitions_version: "
	                          "tosca_simple_yaml_1_2\n");
	char *ns =
	    unit_write(dir, "nsd/ns.yaml",
	               "tosca_definitions_version: tosca_simple_yaml_1_2\n"
	               "imports:\n"
	               "  - ../vnfd/ok.yaml\n"
	               "  - /etc/passwd\n"
	               "  - ../../../../../../../etc/passwd\n"
	               "  - https://example.org/vnfd.yaml\n"
	               "  - ../vnfd/link.yaml\n"
	               "  - ../vnfd/nowhere\n");
	char *link = xasprintf("%s/vnfd/link.yaml", dir);
	struct tosca_set s;
	struct tosca_doc *doc;
	struct diag d;
	const struct diag_entry *e;

	assert_int_equal(symlink(secret, link), 0);
	tosca_set_init(&s);
	diag_init(&d);
	s.root = dir;
	assert_true(tosca_set_load(&s, ns, &doc, &d) < 0);
	/* the import inside the directory was read */
	assert_int_equal(doc->nimports, 1);
	assert_non_null(strstr(doc->imports[0]->path, "vnfd/ok.yaml"));
	e = expect_error(&d, 4, 5,
	                 "import '/etc/passwd' is outside the descriptor "
	                 "directory ");
	assert_non_null(strstr(e->file, "nsd/ns.yaml"));
	expect_error(&d, 5, 5,
	             "import '../../../../../../../etc/passwd' is outside the "
	             "descriptor directory ");
	expect_error(&d, 6, 5,
	             "import 'https://example.org/vnfd.yaml': URL imports are "
	             "not supported; vendor the file into the repository");
	e = expect_error(&d, 7, 5,
	                 "import '../vnfd/link.yaml' is outside the "
	                 "descriptor directory");
	assert_non_null(strstr(e->message, "is a symbolic link out of it"));
	expect_error(&d, 8, 5, "import '../vnfd/nowhere' not found");
	assert_int_equal(d.errors, 5);
	/* nothing outside was read */
	assert_int_equal(s.n, 2);
	tosca_set_done(&s);
	diag_done(&d);

	/* Without a root, the loaded file's directory is the root. */
	tosca_set_init(&s);
	diag_init(&d);
	assert_true(tosca_set_load(&s, ns, &doc, &d) < 0);
	expect_error(&d, 3, 5,
	             "import '../vnfd/ok.yaml' is outside the descriptor "
	             "directory ");
	tosca_set_done(&s);
	diag_done(&d);

	/* A descriptor that is itself a link out of the root is not read. */
	tosca_set_init(&s);
	diag_init(&d);
	s.root = dir;
	assert_int_equal(tosca_set_load(&s, link, &doc, &d), -EINVAL);
	expect_error(&d, 0, 0,
	             "a symbolic link out of the descriptor directory");
	assert_int_equal(s.n, 0);
	tosca_set_done(&s);
	diag_done(&d);
	free(ok);
	free(secret);
	free(ns);
	free(link);
	unit_rmtree(dir);
	unit_rmtree(out);
}

static void
test_document_misspelt_version_key_is_named_with_a_hint(void **state)
{
	char *dir = unit_tmpdir();
	char *p = unit_write(dir, "v.yaml",
	                     "description: x\n"
	                     "tosca_definition_version: "
	                     "tosca_simple_yaml_1_2\n");
	struct tosca_set s;
	struct tosca_doc *doc;
	struct diag d;

	tosca_set_init(&s);
	diag_init(&d);
	assert_int_equal(tosca_set_load(&s, p, &doc, &d), -EINVAL);
	expect_error(&d, 2, 1,
	             "unknown key 'tosca_definition_version' in the "
	             "descriptor (did you mean 'tosca_definitions_version'?)");
	assert_int_equal(d.errors, 1);
	tosca_set_done(&s);
	diag_done(&d);
	free(p);
	unit_rmtree(dir);
}

static void
test_document_what_looks_like_a_descriptor(void **state)
{
	static const struct {
		const char *text;
		bool looks;
	} cases[] = {
	    {"tosca_definitions_version: x\n", true},
	    {"tosca_definition_version: x\n", true},
	    {"tosca_defintions_versoin: x\n", true},
	    {"topology_template: {}\n", true},
	    {"node_types: {}\n", true},
	    {"image: cirros\nflavor: m1.tiny\n", false},
	    {"nsd: {vl1_name: net0}\n", false},
	    {"- a\n", false},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ydoc *doc;
		struct diag d;

		diag_init(&d);
		assert_int_equal(ydoc_load_buffer("t.yaml", cases[i].text,
		                                  strlen(cases[i].text), NULL,
		                                  &doc, &d),
		                 0);
		if (tosca_looks_like_descriptor(doc->root) != cases[i].looks)
			fail_msg("%s: want %d", cases[i].text, cases[i].looks);
		ydoc_free(doc);
		diag_done(&d);
	}
}

static void
test_document_suggest_finds_the_nearest_word(void **state)
{
	static const char *const keys[] = {"requirements", "properties",
	                                   "capabilities", "type", NULL};

	assert_string_equal(tosca_suggest("requirments", keys), "requirements");
	assert_string_equal(tosca_suggest("porperties", keys), "properties");
	assert_string_equal(tosca_suggest("capabilites", keys), "capabilities");
	assert_string_equal(tosca_suggest("tpye", keys), "type");
	assert_null(tosca_suggest("interfaces", keys));
	assert_null(tosca_suggest("req", keys));
	/* a word no longer than the distance suggests nothing */
	assert_null(tosca_suggest("ty", keys));
}

/* Loads data/tosca/params/desc.yaml with the given parameter file (or
 * none) and builds its unit. */
static int
load_with_params(const char *params, struct tosca_set *s, struct tosca_unit **u,
                 struct diag *d)
{
	struct tosca_doc *doc;

	tosca_set_init(s);
	diag_init(d);
	*u = NULL;
	if (params)
		assert_int_equal(tosca_set_add_params(s, params, d), 0);
	assert_int_equal(tosca_set_load(s, DATA "/params/desc.yaml", &doc, d),
	                 0);
	return tosca_unit_new(s, builtin, doc, u, d);
}

static const char *
prop(const struct tosca_unit *u, const char *node, const char *key)
{
	return ynode_str(ynode_get(
	    ynode_get(tosca_doc_node(u->root, node), "properties"), key));
}

static void
test_document_params_flow_map_with_trailing_comma(void **state)
{
	struct tosca_set s;
	struct tosca_unit *u;
	struct diag d;

	assert_int_equal(load_with_params(DATA "/params/flow.yaml", &s, &u, &d),
	                 0);
	assert_no_diags(&d);
	/* {get_input : image} -- a space before the colon */
	assert_string_equal(prop(u, "VDU1", "image"), "cirros");
	assert_string_equal(prop(u, "VL1", "network_name"), "net_mgmt");
	assert_string_equal(prop(u, "VL1", "vendor"), "acme"); /* default */
	assert_true(u->root->inputs_resolved);
	assert_int_equal(u->root->ninputs, 3);
	assert_true(u->root->inputs[0].from_params);
	assert_false(u->root->inputs[2].from_params);
	tosca_unit_free(u);
	tosca_set_done(&s);
	diag_done(&d);
}

static void
test_document_params_plain_map(void **state)
{
	struct tosca_set s;
	struct tosca_unit *u;
	struct diag d;
	const struct ynode *img;

	assert_int_equal(
	    load_with_params(DATA "/params/plain.yaml", &s, &u, &d), 0);
	assert_no_diags(&d);
	assert_string_equal(prop(u, "VDU1", "image"), "ubuntu");
	assert_string_equal(prop(u, "VL1", "network_name"), "net0");
	/* the substituted value keeps the position in the parameter file */
	img = ynode_get(
	    ynode_get(tosca_doc_node(u->root, "VDU1"), "properties"), "image");
	assert_non_null(strstr(img->pos.file, "params/plain.yaml"));
	assert_int_equal(img->pos.line, 1);
	assert_int_equal(img->pos.col, 8);
	tosca_unit_free(u);
	tosca_set_done(&s);
	diag_done(&d);
}

static void
test_document_params_wrapped_in_nsd(void **state)
{
	struct tosca_set s;
	struct tosca_unit *u;
	struct diag d;

	assert_int_equal(load_with_params(DATA "/params/nsd.yaml", &s, &u, &d),
	                 0);
	assert_no_diags(&d);
	assert_string_equal(prop(u, "VDU1", "image"), "debian");
	assert_string_equal(prop(u, "VL1", "network_name"), "net1");
	assert_string_equal(prop(u, "VL1", "vendor"), "wrapped");
	tosca_unit_free(u);
	tosca_set_done(&s);
	diag_done(&d);
}

static void
test_document_later_params_file_wins(void **state)
{
	struct tosca_set s;
	struct tosca_doc *doc;
	struct tosca_unit *u;
	struct diag d;

	tosca_set_init(&s);
	diag_init(&d);
	assert_int_equal(
	    tosca_set_add_params(&s, DATA "/params/plain.yaml", &d), 0);
	assert_int_equal(tosca_set_add_params(&s, DATA "/params/flow.yaml", &d),
	                 0);
	assert_int_equal(tosca_set_load(&s, DATA "/params/desc.yaml", &doc, &d),
	                 0);
	assert_int_equal(tosca_unit_new(&s, builtin, doc, &u, &d), 0);
	assert_string_equal(prop(u, "VDU1", "image"), "cirros");
	tosca_unit_free(u);
	tosca_set_done(&s);
	diag_done(&d);
}

static void
test_document_input_without_value_is_an_error_at_the_input(void **state)
{
	struct tosca_set s;
	struct tosca_unit *u;
	struct diag d;

	assert_int_equal(load_with_params(NULL, &s, &u, &d), -EINVAL);
	expect_error(&d, 5, 5, "input 'image' has no value");
	expect_error(&d, 7, 5, "input 'network' has no value");
	/* reported once, at the input, not again at each get_input */
	assert_int_equal(d.errors, 2);
	tosca_unit_free(u);
	tosca_set_done(&s);
	diag_done(&d);
}

static void
test_document_unused_parameter_is_a_lint_with_a_hint(void **state)
{
	char *dir = unit_tmpdir();
	char *flat = unit_write(dir, "flat.yaml",
	                        "image: cirros\n"
	                        "netwrok: net0\n"
	                        "network: net0\n"
	                        "zzz: 1\n");
	char *nsd = unit_write(dir, "nsd.yaml",
	                       "nsd:\n"
	                       "  image: cirros\n"
	                       "  network: net0\n"
	                       "  vendr: acme\n");
	struct tosca_set s;
	struct tosca_doc *doc;
	struct diag d;

	tosca_set_init(&s);
	diag_init(&d);
	assert_int_equal(tosca_set_add_params(&s, flat, &d), 0);
	assert_int_equal(tosca_set_add_params(&s, nsd, &d), 0);
	assert_int_equal(tosca_set_load(&s, DATA "/params/desc.yaml", &doc, &d),
	                 0);
	tosca_set_check_params(&s, &d);
	expect_warning(&d, 2, 1,
	               "parameter 'netwrok' is not an input of any "
	               "descriptor read (did you mean 'network'?)");
	expect_warning(&d, 4, 1,
	               "parameter 'zzz' is not an input of any descriptor "
	               "read");
	expect_warning(&d, 4, 3, "parameter 'vendr'");
	assert_int_equal(d.n, 3);
	assert_int_equal(d.errors, 0);
	diag_done(&d);
	diag_init(&d);
	d.strict = true;
	tosca_set_check_params(&s, &d);
	expect_error(&d, 2, 1, "parameter 'netwrok'");
	assert_int_equal(d.errors, 3);
	tosca_set_done(&s);
	diag_done(&d);
	free(flat);
	free(nsd);
	unit_rmtree(dir);
}

static void
test_document_params_file_must_be_a_mapping(void **state)
{
	char *dir = unit_tmpdir();
	char *p = unit_write(dir, "p.yaml", "- a\n");
	struct tosca_set s;
	struct diag d;

	tosca_set_init(&s);
	diag_init(&d);
	assert_int_equal(tosca_set_add_params(&s, p, &d), -EINVAL);
	expect_error(&d, 1, 1, "a parameter file must be a mapping");
	assert_int_equal(s.nparams, 0);
	tosca_set_done(&s);
	diag_done(&d);
	free(p);
	unit_rmtree(dir);
}

/* ---- the validator ---------------------------------------------------- */

struct vres {
	char *dir;
	struct tosca_set set;
	struct tosca_unit *unit;
	struct diag d;
	int rc;
};

/* Writes text as a descriptor, loads and validates it. */
static int
validate_text(struct vres *v, const char *text, bool strict)
{
	char *path;
	struct tosca_doc *doc;

	memset(v, 0, sizeof(*v));
	v->dir = unit_tmpdir();
	path = unit_write(v->dir, "d.yaml", text);
	tosca_set_init(&v->set);
	diag_init(&v->d);
	v->d.strict = strict;
	v->rc = tosca_set_load(&v->set, path, &doc, &v->d);
	free(path);
	if (v->rc < 0)
		return v->rc;
	v->rc = tosca_unit_new(&v->set, builtin, doc, &v->unit, &v->d);
	return v->rc;
}

static void
vres_done(struct vres *v)
{
	tosca_unit_free(v->unit);
	tosca_set_done(&v->set);
	diag_done(&v->d);
	unit_rmtree(v->dir);
}

#define HEADER                                                                 \
	"tosca_definitions_version: tosca_simple_profile_for_nfv_1_0_0\n"      \
	"topology_template:\n"

static void
test_validate_accepts_a_correct_descriptor_without_findings(void **state)
{
	struct vres v;

	assert_int_equal(
	    validate_text(&v,
	                  HEADER "  node_templates:\n"
	                         "    VDU1:\n"
	                         "      type: tosca.nodes.nfv.VDU.Tacker\n"
	                         "      properties:\n"
	                         "        image: cirros\n"
	                         "    VL1:\n"
	                         "      type: tosca.nodes.nfv.VL\n"
	                         "      properties:\n"
	                         "        vendor: acme\n"
	                         "    CP1:\n"
	                         "      type: tosca.nodes.nfv.CP.Tacker\n"
	                         "      properties:\n"
	                         "        order: 0\n"
	                         "      requirements:\n"
	                         "        - virtualLink: VL1\n"
	                         "        - virtualBinding:\n"
	                         "            node: VDU1\n",
	                  true),
	    0);
	assert_no_diags(&v.d);
	assert_true(v.unit->root->validated);
	vres_done(&v);
}

static void
test_validate_unknown_node_type(void **state)
{
	struct vres v;

	assert_int_equal(validate_text(&v,
	                               HEADER
	                               "  node_templates:\n"
	                               "    VDU1:\n"
	                               "      type: tosca.nodes.nfv.VDU.Nope\n",
	                               false),
	                 -EINVAL);
	expect_error(&v.d, 5, 13,
	             "VDU1: unknown node type 'tosca.nodes.nfv.VDU.Nope'");
	vres_done(&v);
}

static void
test_validate_missing_type_key(void **state)
{
	struct vres v;

	assert_int_equal(validate_text(&v,
	                               HEADER "  node_templates:\n"
	                                      "    VDU1:\n"
	                                      "      properties: {}\n",
	                               false),
	                 -EINVAL);
	expect_error(&v.d, 5, 7, "VDU1: 'type' is missing");
	vres_done(&v);
}

static void
test_validate_missing_required_property(void **state)
{
	struct vres v;
	const struct diag_entry *e;

	assert_int_equal(validate_text(&v,
	                               HEADER "  node_templates:\n"
	                                      "    VL1:\n"
	                                      "      type: tosca.nodes.nfv.VL\n"
	                                      "      properties:\n"
	                                      "        network_name: net0\n",
	                               false),
	                 -EINVAL);
	e = expect_error(&v.d, 4, 5,
	                 "VL1: missing required property 'vendor' (declared "
	                 "by tosca.nodes.nfv.VL at ");
	assert_non_null(strstr(e->message, "tosca_nfv_1_0_0.yaml:"));
	assert_int_equal(v.d.errors, 1);
	vres_done(&v);
}

static void
test_validate_integer_property_given_a_word(void **state)
{
	struct vres v;

	assert_int_equal(validate_text(&v,
	                               HEADER
	                               "  node_templates:\n"
	                               "    CP1:\n"
	                               "      type: tosca.nodes.nfv.CP.Tacker\n"
	                               "      properties:\n"
	                               "        order: lots\n",
	                               false),
	                 -EINVAL);
	expect_error(&v.d, 7, 16,
	             "CP1: property 'order': expected an integer, got 'lots'");
	vres_done(&v);
}

static void
test_validate_scalar_unit_size_in_a_capability(void **state)
{
	struct vres v;

	assert_int_equal(
	    validate_text(&v,
	                  HEADER "  node_templates:\n"
	                         "    VDU1:\n"
	                         "      type: tosca.nodes.nfv.VDU.Tacker\n"
	                         "      properties:\n"
	                         "        image: cirros\n"
	                         "      capabilities:\n"
	                         "        nfv_compute:\n"
	                         "          properties:\n"
	                         "            mem_size: 512 parsecs\n"
	                         "            disk_size: 1 GB\n",
	                  false),
	    -EINVAL);
	expect_error(&v.d, 11, 23,
	             "VDU1: capability 'nfv_compute': property 'mem_size': "
	             "expected a size such as '512 MB', got '512 parsecs'");
	assert_int_equal(v.d.errors, 1);
	vres_done(&v);
}

static void
test_validate_unknown_property_is_a_warning(void **state)
{
	struct vres v;
	const struct diag_entry *e;

	assert_int_equal(
	    validate_text(&v,
	                  HEADER "  node_templates:\n"
	                         "    VDU1:\n"
	                         "      type: tosca.nodes.nfv.VDU.Tacker\n"
	                         "      properties:\n"
	                         "        image: cirros\n"
	                         "        colour: red\n",
	                  false),
	    0);
	assert_int_equal(v.d.errors, 0);
	e = expect_warning(&v.d, 8, 9,
	                   "VDU1: unknown property 'colour' for "
	                   "tosca.nodes.nfv.VDU.Tacker (known: ");
	/* the message lists what would have been right */
	assert_non_null(strstr(e->message, "image"));
	vres_done(&v);
}

static void
test_validate_unknown_property_is_an_error_when_strict(void **state)
{
	struct vres v;

	validate_text(&v,
	              HEADER "  node_templates:\n"
	                     "    VDU1:\n"
	                     "      type: tosca.nodes.nfv.VDU.Tacker\n"
	                     "      properties:\n"
	                     "        image: cirros\n"
	                     "        colour: red\n",
	              true);
	expect_error(&v.d, 8, 9, "unknown property 'colour'");
	assert_int_equal(v.d.errors, 1);
	vres_done(&v);
}

static void
test_validate_strict_lint_error_makes_unit_new_fail(void **state)
{
	struct vres v;

	/* tosca_unit_new counts only its own errors, not strict lints */
	assert_int_equal(
	    validate_text(&v,
	                  HEADER "  node_templates:\n"
	                         "    VDU1:\n"
	                         "      type: tosca.nodes.nfv.VDU.Tacker\n"
	                         "      properties:\n"
	                         "        image: cirros\n"
	                         "        colour: red\n",
	                  true),
	    -EINVAL);
	vres_done(&v);
}

static void
test_validate_dangling_virtual_link_requirement(void **state)
{
	struct vres v;

	assert_int_equal(validate_text(&v,
	                               HEADER
	                               "  node_templates:\n"
	                               "    CP1:\n"
	                               "      type: tosca.nodes.nfv.CP.Tacker\n"
	                               "      requirements:\n"
	                               "        - virtualLink:\n"
	                               "            node: VL9\n",
	                               false),
	                 -EINVAL);
	expect_error(&v.d, 8, 19,
	             "CP1: requirement 'virtualLink' refers to 'VL9', which "
	             "is not a node template of this topology");
	vres_done(&v);
}

static void
test_validate_unknown_requirement_name_is_a_lint(void **state)
{
	struct vres v;

	assert_int_equal(validate_text(&v,
	                               HEADER
	                               "  node_templates:\n"
	                               "    VL1:\n"
	                               "      type: tosca.nodes.nfv.VL\n"
	                               "      properties: {vendor: x}\n"
	                               "    CP1:\n"
	                               "      type: tosca.nodes.nfv.CP.Tacker\n"
	                               "      requirements:\n"
	                               "        - virtualLnk: VL1\n"
	                               "        - virtualLink: VL1\n"
	                               "        - virtualBinding: VL1\n",
	                               false),
	                 0);
	expect_warning(&v.d, 10, 11,
	               "CP1: unknown requirement 'virtualLnk' for "
	               "tosca.nodes.nfv.CP.Tacker");
	vres_done(&v);
}

static void
test_validate_policy_target_that_does_not_exist(void **state)
{
	struct vres v;

	assert_int_equal(
	    validate_text(&v,
	                  HEADER "  node_templates:\n"
	                         "    VDU1:\n"
	                         "      type: tosca.nodes.nfv.VDU.Tacker\n"
	                         "      properties:\n"
	                         "        image: cirros\n"
	                         "  policies:\n"
	                         "    - SP1:\n"
	                         "        type: tosca.policies.tacker.Scaling\n"
	                         "        targets: [VDU1, VDU9]\n"
	                         "        properties:\n"
	                         "          min_instances: 1\n"
	                         "          max_instances: 2\n"
	                         "          default_instances: 1\n"
	                         "          increment: 1\n",
	                  false),
	    -EINVAL);
	expect_error(&v.d, 11, 25,
	             "policy 'SP1': targets entry 'VDU9' is not a node "
	             "template or group of this topology");
	assert_int_equal(v.d.errors, 1);
	vres_done(&v);
}

static void
test_validate_policy_target_under_properties_is_checked_too(void **state)
{
	struct vres v;

	assert_int_equal(
	    validate_text(&v,
	                  HEADER "  node_templates:\n"
	                         "    VDU1:\n"
	                         "      type: tosca.nodes.nfv.VDU.Tacker\n"
	                         "      properties:\n"
	                         "        image: cirros\n"
	                         "  policies:\n"
	                         "    - SP1:\n"
	                         "        type: tosca.policies.tacker.Scaling\n"
	                         "        properties:\n"
	                         "          targets: [VDU7]\n"
	                         "          min_instances: 1\n"
	                         "          max_instances: 2\n"
	                         "          default_instances: 1\n"
	                         "          increment: 1\n",
	                  false),
	    -EINVAL);
	expect_error(&v.d, 12, 21, "targets entry 'VDU7' is not a node");
	vres_done(&v);
}

static void
test_validate_unknown_policy_type(void **state)
{
	struct vres v;

	assert_int_equal(validate_text(&v,
	                               HEADER
	                               "  policies:\n"
	                               "    - P1:\n"
	                               "        type: tosca.policies.Nope\n",
	                               false),
	                 -EINVAL);
	expect_error(&v.d, 5, 15,
	             "policy 'P1': unknown policy type 'tosca.policies.Nope'");
	vres_done(&v);
}

static void
test_validate_valid_values_constraint(void **state)
{
	struct vres v;

	assert_int_equal(
	    validate_text(&v,
	                  HEADER "  node_templates:\n"
	                         "    VDU1:\n"
	                         "      type: tosca.nodes.nfv.VDU.Tacker\n"
	                         "      properties:\n"
	                         "        image: cirros\n"
	                         "        user_data_format: JSON\n",
	                  false),
	    -EINVAL);
	expect_error(
	    &v.d, 8, 27,
	    "VDU1: property 'user_data_format': 'JSON' does not "
	    "satisfy valid_values [RAW, SOFTWARE_CONFIG, HEAT_CFNTOOLS]");
	vres_done(&v);
}

static void
test_validate_in_range_constraint(void **state)
{
	struct vres v;

	assert_int_equal(
	    validate_text(&v,
	                  HEADER "  node_templates:\n"
	                         "    LB:\n"
	                         "      type: nfvsync.nodes.LoadBalancer\n"
	                         "      properties:\n"
	                         "        listener: {port: 70000}\n"
	                         "        pool: {}\n",
	                  false),
	    -EINVAL);
	expect_error(&v.d, 7, 26,
	             "LB: property 'listener': property 'port': '70000' does "
	             "not satisfy in_range [1, 65535]");
	vres_done(&v);
}

static void
test_validate_data_type_property_given_a_scalar(void **state)
{
	struct vres v;

	assert_int_equal(
	    validate_text(&v,
	                  HEADER "  node_templates:\n"
	                         "    VDU1:\n"
	                         "      type: tosca.nodes.nfv.VDU.Tacker\n"
	                         "      properties:\n"
	                         "        image: cirros\n"
	                         "        monitoring_policy: ping\n",
	                  false),
	    -EINVAL);
	expect_error(&v.d, 8, 28,
	             "VDU1: property 'monitoring_policy': expected a mapping "
	             "(tosca.datatypes.tacker.MonitoringType), got a scalar");
	vres_done(&v);
}

static void
test_validate_bad_field_inside_a_data_type(void **state)
{
	struct vres v;

	assert_int_equal(
	    validate_text(&v,
	                  HEADER "  node_templates:\n"
	                         "    VDU1:\n"
	                         "      type: tosca.nodes.nfv.VDU.Tacker\n"
	                         "      properties:\n"
	                         "        image: cirros\n"
	                         "        monitoring_policy:\n"
	                         "          name: ping\n"
	                         "          actions: {failure: explode}\n"
	                         "          parameters: {count: many}\n",
	                  false),
	    -EINVAL);
	expect_error(&v.d, 10, 30,
	             "property 'actions'.failure: 'explode' does not satisfy "
	             "valid_values");
	expect_error(&v.d, 11, 31,
	             "property 'parameters': property 'count': expected an "
	             "integer, got 'many'");
	assert_int_equal(v.d.errors, 2);
	vres_done(&v);
}

static void
test_validate_group_member_missing(void **state)
{
	struct vres v;

	assert_int_equal(
	    validate_text(
	        &v,
	        HEADER "  node_templates: {}\n"
	               "  groups:\n"
	               "    VNFFG1:\n"
	               "      type: tosca.groups.nfv.VNFFG\n"
	               "      properties: {vendor: x, version: '1.0',\n"
	               "        number_of_endpoints: 0,\n"
	               "        dependent_virtual_link: [],\n"
	               "        connection_point: [], constituent_vnfs: []}\n"
	               "      members: [Forwarding_path1]\n",
	        false),
	    -EINVAL);
	expect_error(&v.d, 11, 17,
	             "group 'VNFFG1': members entry 'Forwarding_path1' is not "
	             "a node template or group of this topology");
	assert_int_equal(v.d.errors, 1);
	vres_done(&v);
}

static void
test_validate_unsupported_definitions_version(void **state)
{
	struct vres v;

	assert_int_equal(
	    validate_text(&v, "tosca_definitions_version: tosca_2_0\n", false),
	    -EINVAL);
	expect_error(&v.d, 1, 28,
	             "unsupported tosca_definitions_version 'tosca_2_0'");
	assert_null(v.unit);
	vres_done(&v);
}

static void
test_validate_unknown_grammar_key_is_an_error_with_a_hint(void **state)
{
	struct vres v;

	/* Not --strict: a typo in the grammar would silently drop what the
	 * key holds, so it is always an error. */
	assert_int_equal(
	    validate_text(&v,
	                  HEADER "  inputs:\n"
	                         "    img: {type: string, defualt: cirros}\n"
	                         "  node_templates:\n"
	                         "    VL1:\n"
	                         "      type: tosca.nodes.nfv.VL\n"
	                         "      properties: {network_name: n, vendor: "
	                         "v}\n"
	                         "    CP1:\n"
	                         "      type: tosca.nodes.nfv.CP.Tacker\n"
	                         "      requirments:\n"
	                         "        - virtualLink: VL1\n"
	                         "    CP2:\n"
	                         "      type: tosca.nodes.nfv.CP.Tacker\n"
	                         "      requirements:\n"
	                         "        - virtualLink: {nod: VL1}\n"
	                         "  policies:\n"
	                         "    - P1:\n"
	                         "        type: tosca.policies.Placement\n"
	                         "        trgets: [CP1]\n"
	                         "  groups:\n"
	                         "    G1:\n"
	                         "        type: tosca.groups.Root\n"
	                         "        member: [CP1]\n"
	                         "  outputz: {}\n"
	                         "topology: {}\n",
	                  false),
	    -EINVAL);
	expect_error(&v.d, 4, 25,
	             "unknown key 'defualt' in input 'img' (did you mean "
	             "'default'?)");
	expect_error(&v.d, 11, 7,
	             "unknown key 'requirments' in node template 'CP1' (did "
	             "you mean 'requirements'?)");
	expect_error(&v.d, 16, 25,
	             "unknown key 'nod' in CP2: requirement 'virtualLink' "
	             "(did you mean 'node'?)");
	expect_error(&v.d, 20, 9,
	             "unknown key 'trgets' in policy 'P1' (did you mean "
	             "'targets'?)");
	expect_error(&v.d, 24, 9,
	             "unknown key 'member' in group 'G1' (did you mean "
	             "'members'?)");
	expect_error(&v.d, 25, 3,
	             "unknown key 'outputz' in topology_template (did you "
	             "mean 'outputs'?)");
	/* too far from any keyname for a hint */
	expect_error(&v.d, 26, 1, "unknown key 'topology' in the descriptor");
	vres_done(&v);
}

static void
test_validate_unknown_key_in_capability_artifact_and_mappings(void **state)
{
	struct vres v;

	assert_int_equal(
	    validate_text(&v,
	                  HEADER "  substitution_mappings:\n"
	                         "    node_typ: tosca.nodes.nfv.VNF\n"
	                         "  node_templates:\n"
	                         "    VDU1:\n"
	                         "      type: tosca.nodes.nfv.VDU.Tacker\n"
	                         "      capabilities:\n"
	                         "        nfv_compute:\n"
	                         "          propertes: {num_cpus: 1}\n"
	                         "      artifacts:\n"
	                         "        img:\n"
	                         "          type: "
	                         "tosca.artifacts.Deployment.Image.VM\n"
	                         "          fiel: http://x/cirros.img\n",
	                  false),
	    -EINVAL);
	expect_error(&v.d, 4, 5,
	             "unknown key 'node_typ' in substitution_mappings (did "
	             "you mean 'node_type'?)");
	expect_error(&v.d, 10, 11,
	             "unknown key 'propertes' in VDU1: capability "
	             "'nfv_compute' (did you mean 'properties'?)");
	expect_error(&v.d, 14, 11,
	             "unknown key 'fiel' in VDU1: artifact 'img' (did you "
	             "mean 'file'?)");
	vres_done(&v);
}

static void
test_validate_misspelt_topology_template_is_an_error(void **state)
{
	struct vres v;

	assert_int_equal(validate_text(&v,
	                               "tosca_definitions_version: "
	                               "tosca_simple_profile_for_nfv_1_0_0\n"
	                               "topology_templat:\n"
	                               "  node_templates: {}\n",
	                               false),
	                 -EINVAL);
	expect_error(&v.d, 2, 1,
	             "unknown key 'topology_templat' in the descriptor (did "
	             "you mean 'topology_template'?)");
	vres_done(&v);
}

static void
test_validate_input_value_of_wrong_type(void **state)
{
	struct vres v;

	assert_int_equal(validate_text(&v,
	                               HEADER "  inputs:\n"
	                                      "    count:\n"
	                                      "      type: integer\n"
	                                      "      default: many\n"
	                                      "    kind:\n"
	                                      "      type: ex.NoType\n"
	                                      "      default: x\n",
	                               false),
	                 -EINVAL);
	expect_error(&v.d, 6, 16, "input 'count': expected an integer");
	expect_error(&v.d, 8, 13, "input 'kind': unknown type 'ex.NoType'");
	vres_done(&v);
}

static void
test_validate_unknown_and_malformed_get_input(void **state)
{
	struct vres v;

	assert_int_equal(
	    validate_text(&v,
	                  HEADER "  node_templates:\n"
	                         "    VDU1:\n"
	                         "      type: tosca.nodes.nfv.VDU.Tacker\n"
	                         "      properties:\n"
	                         "        image: {get_input: nope}\n"
	                         "        flavor: {get_input: [a]}\n",
	                  false),
	    -EINVAL);
	expect_error(&v.d, 7, 28,
	             "get_input: 'nope' is not an input of this descriptor");
	expect_error(&v.d, 8, 29, "get_input takes the name of an input");
	vres_done(&v);
}

static void
test_validate_substitution_mapping_to_missing_template(void **state)
{
	struct vres v;

	assert_int_equal(
	    validate_text(&v,
	                  "tosca_definitions_version: "
	                  "tosca_simple_profile_for_nfv_1_0_0\n"
	                  "node_types:\n"
	                  "  ex.VNF:\n"
	                  "    derived_from: tosca.nodes.nfv.VNF\n"
	                  "    requirements:\n"
	                  "      - virtualLink1:\n"
	                  "          node: tosca.nodes.nfv.VL\n"
	                  "topology_template:\n"
	                  "  substitution_mappings:\n"
	                  "    node_type: ex.VNF\n"
	                  "    requirements:\n"
	                  "      virtualLink1: [CP9, virtualLink]\n"
	                  "  node_templates: {}\n",
	                  false),
	    -EINVAL);
	expect_error(&v.d, 12, 22,
	             "substitution_mappings: 'CP9' is not a node template");
	vres_done(&v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scalar_size_units_normalise_to_bytes),
	    cmocka_unit_test(test_scalar_time_and_frequency_units),
	    cmocka_unit_test(test_scalar_rejects_bad_numbers_and_units),
	    cmocka_unit_test(
	        test_scalar_versions_follow_major_minor_fix_qualifier_build),
	    cmocka_unit_test(test_registry_builtin_loads_without_diagnostics),
	    cmocka_unit_test(test_registry_follows_derived_from_chains),
	    cmocka_unit_test(test_registry_section_keys_and_nouns),
	    cmocka_unit_test(
	        test_registry_lookup_returns_nearest_definition_and_owner),
	    cmocka_unit_test(
	        test_registry_foreach_visits_each_name_once_nearest_first_ancestors_first),
	    cmocka_unit_test(test_registry_derived_from_cycle_is_an_error),
	    cmocka_unit_test(
	        test_registry_cycle_is_blamed_on_its_members_not_on_a_descendant),
	    cmocka_unit_test(test_registry_unknown_parent_is_an_error),
	    cmocka_unit_test(
	        test_registry_data_type_from_unknown_data_type_is_an_error),
	    cmocka_unit_test(
	        test_registry_redefining_a_builtin_type_is_an_error),
	    cmocka_unit_test(
	        test_registry_same_name_in_two_documents_is_an_error),
	    cmocka_unit_test(test_registry_rejects_malformed_sections),
	    cmocka_unit_test(test_check_value_primitives),
	    cmocka_unit_test(test_check_value_accepts_a_range),
	    cmocka_unit_test(
	        test_check_value_lists_and_maps_check_their_entries),
	    cmocka_unit_test(test_check_value_constraints),
	    cmocka_unit_test(
	        test_check_value_data_types_check_their_properties),
	    cmocka_unit_test(test_document_imports_a_relative_path),
	    cmocka_unit_test(
	        test_document_imports_by_name_without_yaml_extension),
	    cmocka_unit_test(
	        test_document_import_not_found_names_the_import_at_its_position),
	    cmocka_unit_test(test_document_import_cycle_lists_the_chain),
	    cmocka_unit_test(test_document_header_checks),
	    cmocka_unit_test(
	        test_document_import_must_stay_inside_the_descriptor_directory),
	    cmocka_unit_test(
	        test_document_misspelt_version_key_is_named_with_a_hint),
	    cmocka_unit_test(test_document_what_looks_like_a_descriptor),
	    cmocka_unit_test(test_document_suggest_finds_the_nearest_word),
	    cmocka_unit_test(test_document_params_flow_map_with_trailing_comma),
	    cmocka_unit_test(test_document_params_plain_map),
	    cmocka_unit_test(test_document_params_wrapped_in_nsd),
	    cmocka_unit_test(test_document_later_params_file_wins),
	    cmocka_unit_test(
	        test_document_input_without_value_is_an_error_at_the_input),
	    cmocka_unit_test(test_document_params_file_must_be_a_mapping),
	    cmocka_unit_test(
	        test_document_unused_parameter_is_a_lint_with_a_hint),
	    cmocka_unit_test(
	        test_validate_accepts_a_correct_descriptor_without_findings),
	    cmocka_unit_test(test_validate_unknown_node_type),
	    cmocka_unit_test(test_validate_missing_type_key),
	    cmocka_unit_test(test_validate_missing_required_property),
	    cmocka_unit_test(test_validate_integer_property_given_a_word),
	    cmocka_unit_test(test_validate_scalar_unit_size_in_a_capability),
	    cmocka_unit_test(test_validate_unknown_property_is_a_warning),
	    cmocka_unit_test(
	        test_validate_unknown_property_is_an_error_when_strict),
	    cmocka_unit_test(
	        test_validate_strict_lint_error_makes_unit_new_fail),
	    cmocka_unit_test(test_validate_dangling_virtual_link_requirement),
	    cmocka_unit_test(test_validate_unknown_requirement_name_is_a_lint),
	    cmocka_unit_test(test_validate_policy_target_that_does_not_exist),
	    cmocka_unit_test(
	        test_validate_policy_target_under_properties_is_checked_too),
	    cmocka_unit_test(test_validate_unknown_policy_type),
	    cmocka_unit_test(test_validate_valid_values_constraint),
	    cmocka_unit_test(test_validate_in_range_constraint),
	    cmocka_unit_test(test_validate_data_type_property_given_a_scalar),
	    cmocka_unit_test(test_validate_bad_field_inside_a_data_type),
	    cmocka_unit_test(test_validate_group_member_missing),
	    cmocka_unit_test(test_validate_unsupported_definitions_version),
	    cmocka_unit_test(
	        test_validate_unknown_grammar_key_is_an_error_with_a_hint),
	    cmocka_unit_test(
	        test_validate_unknown_key_in_capability_artifact_and_mappings),
	    cmocka_unit_test(
	        test_validate_misspelt_topology_template_is_an_error),
	    cmocka_unit_test(test_validate_input_value_of_wrong_type),
	    cmocka_unit_test(test_validate_unknown_and_malformed_get_input),
	    cmocka_unit_test(
	        test_validate_substitution_mapping_to_missing_template),
	};

	return cmocka_run_group_tests_name("tosca", tests, setup_builtin,
	                                   teardown_builtin);
}
