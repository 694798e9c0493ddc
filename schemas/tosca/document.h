/*
 * TOSCA documents as files: loading a descriptor and, transitively, its
 * imports (relative paths, or a sibling file named like the import as Tacker
 * on-boarded VNFDs by name), import cycles, parameter files in the three
 * shapes Tacker accepted, and get_input substitution. Knows nothing of types.
 */
#ifndef NFV_TOSCA_DOCUMENT_H
#define NFV_TOSCA_DOCUMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "ynode.h"

enum tosca_doc_state {
	TOSCA_DOC_NEW,
	TOSCA_DOC_LOADING, /* on the import stack: seeing it again is a cycle */
	TOSCA_DOC_LOADED,
	TOSCA_DOC_FAILED,
};

struct tosca_input {
	const char *name;
	const struct ynode *def;   /* the input definition */
	const struct ynode *value; /* parameter or default; NULL if none */
	bool from_params;
};

struct tosca_doc {
	char *path;     /* display path */
	char *real;     /* canonical path: identity within a set */
	char *root_dir; /* canonical descriptor directory its imports stay in */
	char *root_shown; /* the same as given, ending in '/', for messages */
	struct ydoc *ydoc;
	const struct ynode *root; /* a mapping once loaded */
	const char *version;      /* tosca_definitions_version */
	struct tosca_doc **imports;
	size_t nimports;
	bool imported; /* some other document of the set imports it */
	enum tosca_doc_state state;
	struct tosca_input *inputs;
	size_t ninputs;
	bool inputs_resolved;
	bool validated; /* by some unit of the set */
};

struct tosca_set {
	struct tosca_doc **docs;
	size_t n;
	size_t cap;
	struct ydoc **params; /* parameter files, in the order given */
	size_t nparams;
	const struct yload_limits *limits; /* NULL: defaults */
	/* The descriptor directory of the next tosca_set_load: the file and
	 * everything it imports must lie inside it (symbolic links resolved).
	 * NULL: the loaded file's own directory. */
	const char *root;
};

void tosca_set_init(struct tosca_set *s);
void tosca_set_done(struct tosca_set *s);

/* true when root carries a tosca_definitions_version key. */
bool tosca_is_descriptor(const struct ynode *root);
/* true when root is meant as a descriptor even if its version key is
 * missing: it has topology_template or node_types, or a key that is a
 * misspelling of tosca_definitions_version. Such a file is never skipped. */
bool tosca_looks_like_descriptor(const struct ynode *root);
/*
 * The word of the NULL-terminated list closest to word (optimal string
 * alignment distance, at most 2 and shorter than word), for "did you mean"
 * hints; NULL when none is that close. Borrowed from list.
 */
const char *tosca_suggest(const char *word, const char *const *list);
/* Versions nfvsync reads, NULL-terminated. */
extern const char *const tosca_supported_versions[];

/*
 * Loads a descriptor and its imports (once per file per set). Returns 0 and
 * the document (borrowed from the set), or a negative errno with details in
 * d. A document already loaded is returned as is.
 */
int tosca_set_load(struct tosca_set *s, const char *path,
                   struct tosca_doc **ret, struct diag *d);
/* Adds a parameter file: a mapping of input names to values, optionally
 * wrapped in a single `nsd:` or `vnfd:` key, flow or block style. */
int tosca_set_add_params(struct tosca_set *s, const char *path, struct diag *d);
/* Reports parameters that are an input of no document of the set (a lint
 * finding, with the closest input name as a hint). Call after loading. */
void tosca_set_check_params(const struct tosca_set *s, struct diag *d);
/* Every document doc depends on, doc first, each once. Caller frees *ret. */
size_t tosca_doc_closure(struct tosca_doc *doc, struct tosca_doc ***ret);

/*
 * Fills doc->inputs from the parameter files and defaults and replaces every
 * {get_input: name} in the topology by its value. Idempotent.
 */
int tosca_doc_resolve_inputs(struct tosca_set *s, struct tosca_doc *doc,
                             struct diag *d);
/* The topology_template mapping, or NULL. */
const struct ynode *tosca_doc_topology(const struct tosca_doc *doc);

#endif
