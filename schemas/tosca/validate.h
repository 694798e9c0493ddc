/*
 * The validator: checks loaded TOSCA documents against the type registry —
 * known types, required and unknown properties, value types and
 * constraints, requirement and policy/group references, substitution
 * mappings, inputs. Every finding carries file:line:col. Pure: no I/O.
 */
#ifndef NFV_TOSCA_VALIDATE_H
#define NFV_TOSCA_VALIDATE_H

#include "diag.h"
#include "document.h"
#include "types.h"

/* A root descriptor with everything it imports, and the types it sees. */
struct tosca_unit {
	struct tosca_doc *root;
	struct tosca_doc **docs; /* closure, root first */
	size_t ndocs;
	struct tosca_registry *reg; /* the closure's own types over builtin */
};

/*
 * Resolves inputs, registers the closure's types and validates every
 * document of the closure that has not been validated in this set yet.
 * Returns 0 when no error was found (warnings may have been added), -EINVAL
 * otherwise; *ret is set in both cases unless loading types failed.
 */
int tosca_unit_new(struct tosca_set *s, const struct tosca_registry *builtin,
                   struct tosca_doc *root, struct tosca_unit **ret,
                   struct diag *d);
void tosca_unit_free(struct tosca_unit *u);

/*
 * Checks one value against a TOSCA type name (primitive or data type) and
 * an optional property definition (for constraints and entry_schema).
 * what names the value in messages ("property 'image' of VDU1").
 */
int tosca_check_value(const struct tosca_registry *reg, const char *type,
                      const struct ynode *def, const struct ynode *value,
                      const char *what, struct diag *d);

/* The node template named name in doc's topology, or NULL. */
const struct ynode *tosca_doc_node(const struct tosca_doc *doc,
                                   const char *name);

#endif
