/*
 * The YAML layer: libyaml events turned into an immutable node tree in which
 * every node remembers file:line:col. Scalars keep their text exactly as
 * written (after YAML unescaping); no implicit typing happens here — the
 * schema decides whether "80:80" is a string or 0x7 is an integer.
 *
 * Hostile input is bounded: file size, nesting depth and the node count after
 * alias expansion are limited, and violations are reported as diagnostics,
 * never as a crash or a hang.
 */
#ifndef NFV_YNODE_H
#define NFV_YNODE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

enum ynode_kind {
	YNODE_SCALAR,
	YNODE_SEQ,
	YNODE_MAP,
};

enum yscalar_style {
	YSCALAR_PLAIN,
	YSCALAR_QUOTED, /* single or double quotes */
	YSCALAR_BLOCK,  /* literal | or folded > */
};

struct ynode {
	enum ynode_kind kind;
	struct diag_pos pos;
	/* Scalar text, NUL-terminated (len excludes the NUL). */
	char *str;
	size_t len;
	enum yscalar_style style;
	/* Sequence items, or mapping values; keys[i] pairs with items[i]. */
	struct ynode **items;
	struct ynode **keys;
	size_t n;
	/* Nodes this subtree expands to, aliases counted in full. */
	size_t weight;
	bool closed; /* fully parsed (guards recursive aliases) */
};

struct yload_limits {
	size_t max_bytes;   /* input size */
	unsigned max_depth; /* collection nesting */
	size_t max_nodes;   /* nodes after alias expansion */
};

/* Defaults generous for any real descriptor: 4 MiB, depth 64, 1e6 nodes. */
extern const struct yload_limits yload_limits_default;

struct ydoc {
	char *file;         /* name used in diagnostics */
	struct ynode *root; /* NULL for an empty document */
	struct ynode **all; /* every node, for freeing */
	size_t nall;
	size_t capall;
};

/*
 * Parses one YAML document. Returns 0 and *ret on success (warnings such as
 * duplicate keys may have been added to d), -EINVAL on a YAML error or a
 * limit exceeded, -errno when the file cannot be read; details in d.
 * Duplicate mapping keys are lint findings (warning, error when d->strict);
 * the last value wins, as in PyYAML.
 */
int ydoc_load_file(const char *path, const struct yload_limits *lim,
                   struct ydoc **ret, struct diag *d);
int ydoc_load_buffer(const char *name, const char *buf, size_t len,
                     const struct yload_limits *lim, struct ydoc **ret,
                     struct diag *d);
void ydoc_free(struct ydoc *doc);

/* The value for key in a mapping (last occurrence), or NULL. Borrowed. */
const struct ynode *ynode_get(const struct ynode *map, const char *key);
/* Same, returning the key node (for positions of keys). */
const struct ynode *ynode_get_key(const struct ynode *map, const char *key);
bool ynode_is_scalar(const struct ynode *n);
bool ynode_is_map(const struct ynode *n);
bool ynode_is_seq(const struct ynode *n);
/* A plain scalar spelling null: "", "~", "null", "Null", "NULL". */
bool ynode_is_null(const struct ynode *n);
/* The scalar's text, or NULL for a collection. */
const char *ynode_str(const struct ynode *n);
/* "a string", "a list", "a mapping" — for messages. */
const char *ynode_kind_name(const struct ynode *n);

/* Typed readings of a scalar's text; 0 or -EINVAL. Quoting is ignored. */
int ynode_to_bool(const struct ynode *n, bool *ret);
int ynode_to_int(const struct ynode *n, long long *ret);
int ynode_to_double(const struct ynode *n, double *ret);

#endif
