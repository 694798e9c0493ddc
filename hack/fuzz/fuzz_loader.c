/*
 * libFuzzer target for the descriptor loader: the input bytes go through
 * the library calls nfv_repo_load makes for one file - ydoc_load_buffer,
 * the TOSCA header check, type registration over the builtin registry and
 * validation (tosca_unit_new), then, for a valid descriptor, the model,
 * VIM placement, its JSON, and the offline plan with both renderings.
 *
 * It must not touch the file system: nfv_tosca has no call that adds an
 * in-memory document to a set, so this file builds each struct tosca_doc
 * itself (fields and ownership as document.h declares them; the set frees
 * them) and repeats the header check of tosca_set_load. Imports: the input
 * is split at lines "---"; the first part is the root descriptor and every
 * other part that loads is attached as one of its imports (whatever its
 * imports: list says), so NSDs with their VNFDs, substitution mappings and
 * balancers are reachable. A crash, leak, hang or UB report here is a
 * loader bug.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "document.h"
#include "model.h"
#include "plan.h"
#include "repo.h"
#include "types.h"
#include "validate.h"
#include "xalloc.h"
#include "ynode.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parsed once: the embedded schemas never change between inputs. */
static struct tosca_registry *fuzz_builtin;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct diag d;

	(void)argc;
	(void)argv;
	diag_init(&d);
	if (tosca_registry_new_builtin(&fuzz_builtin, &d) < 0 || d.n) {
		diag_print(&d, stderr);
		abort(); /* the embedded schemas themselves are broken */
	}
	diag_done(&d);
	return 0;
}

/* Formats every finding, as the CLI would print them. */
static void
fuzz_render_diags(struct diag *d)
{
	size_t i;

	diag_sort(d);
	for (i = 0; i < d->n; i++)
		free(diag_entry_format(&d->entries[i]));
}

/* A supported tosca_definitions_version, as tosca_doc_check_header wants. */
static const char *
fuzz_version(const struct ynode *root)
{
	const char *v = ynode_str(ynode_get(root, "tosca_definitions_version"));
	const char *const *sv;

	for (sv = tosca_supported_versions; v && *sv; sv++) {
		if (strcmp(v, *sv) == 0)
			return v;
	}
	return NULL;
}

#define FUZZ_PARTS_MAX 8

/* Loads one part as a document of set; NULL when it is not a descriptor
 * nfvsync would load (the findings stay in d). */
static struct tosca_doc *
fuzz_add_doc(struct tosca_set *set, size_t i, const char *buf, size_t len,
             struct diag *d)
{
	struct ydoc *ydoc = NULL;
	struct tosca_doc *doc;
	const char *version;
	char *name = xasprintf("fuzz-%zu.yaml", i);

	if (ydoc_load_buffer(name, buf, len, NULL, &ydoc, d) < 0) {
		free(name);
		return NULL;
	}
	if (!ynode_is_map(ydoc->root) || !tosca_is_descriptor(ydoc->root) ||
	    !(version = fuzz_version(ydoc->root))) {
		ydoc_free(ydoc);
		free(name);
		return NULL;
	}
	doc = xcalloc(1, sizeof(*doc));
	doc->path = name;
	doc->real = xasprintf("/fuzz/%s", name);
	doc->ydoc = ydoc;
	doc->root = ydoc->root;
	doc->version = version;
	doc->state = TOSCA_DOC_LOADED;
	XGROW(set->docs, set->cap, set->n + 1);
	set->docs[set->n++] = doc;
	return doc;
}

/* Model, placement, JSON and plan of a unit that validated cleanly. */
static void
fuzz_model_and_plan(const struct tosca_unit *u, struct diag *d)
{
	struct nfv_model m;
	struct plan *p = NULL;

	memset(&m, 0, sizeof(m));
	if (nfv_model_add_unit(&m, u, d) == 0 &&
	    nfv_model_resolve_placement(&m, d) == 0) {
		free(nfv_model_to_json(&m));
		if (plan_build(&m, NULL, NULL, &p, d) == 0) {
			free(plan_to_text(p));
			free(plan_to_json(p));
			plan_free(p);
		}
	}
	nfv_model_done(&m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data, *end = buf + size;
	struct tosca_set set;
	struct tosca_doc *root = NULL;
	struct tosca_unit *unit = NULL;
	struct diag d;
	size_t i;

	diag_init(&d);
	tosca_set_init(&set);
	/* The last byte picks --strict, so both lint paths get exercised. */
	d.strict = size > 0 && (data[size - 1] & 1);
	/* A leading "---" line starts the first part. */
	while (end - buf >= 4 && memcmp(buf, "---\n", 4) == 0)
		buf += 4;
	for (i = 0; i < FUZZ_PARTS_MAX; i++) {
		const char *sep = NULL, *p;
		struct tosca_doc *doc;

		for (p = buf; end - p >= 4; p++) {
			if (p > buf && p[-1] == '\n' &&
			    memcmp(p, "---\n", 4) == 0) {
				sep = p;
				break;
			}
		}
		doc = fuzz_add_doc(&set, i, buf,
		                   (size_t)((sep ? sep : end) - buf), &d);
		if (i == 0 && !doc)
			goto out; /* no root: nothing to validate */
		if (i == 0) {
			root = doc;
		} else if (doc) {
			doc->imported = true;
			root->imports =
			    xrealloc(root->imports, (root->nimports + 1) *
			                                sizeof(*root->imports));
			root->imports[root->nimports++] = doc;
		}
		if (!sep)
			break;
		buf = sep + 4;
	}
	if (tosca_unit_new(&set, fuzz_builtin, root, &unit, &d) == 0 &&
	    d.errors == 0)
		fuzz_model_and_plan(unit, &d);
	tosca_unit_free(unit);
out:
	tosca_set_done(&set);
	fuzz_render_diags(&d);
	diag_done(&d);
	return 0;
}
