/*
 * A descriptor repository as nfvsync reads it: paths (files or directories)
 * -> TOSCA documents + parameter files + vims/ registrations -> validated
 * units -> the model. The repo owns every document the model borrows from.
 */
#ifndef NFV_REPO_H
#define NFV_REPO_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "document.h"
#include "model.h"
#include "types.h"
#include "validate.h"

struct nfv_load_opts {
	const char *const *param_files;
	size_t nparam_files;
	bool strict; /* lint findings are errors */
	bool deploy; /* for plan/apply/run: a port left without a network is
	              * an error, not a warning */
};

struct nfv_repo {
	struct tosca_set set;
	struct tosca_registry *builtin;
	struct tosca_unit **units; /* one per root descriptor */
	size_t nunits;
	struct ydoc **vim_docs;
	size_t nvim_docs;
	size_t nskipped; /* YAML files that are not descriptors */
	struct nfv_model model;
};

/*
 * Loads, validates and models everything under paths. A directory is
 * searched recursively for *.yaml / *.yml (hidden entries skipped); its
 * vims/ subdirectory holds VIM registrations. A descriptor imported by
 * another is not a root. Returns 0 and *ret (warnings may be in d), or
 * -EINVAL/-errno with the errors in d and *ret untouched. An empty input
 * (no descriptor at all) is an error: it never means "nothing is wanted".
 */
int nfv_repo_load(const char *const *paths, size_t npaths,
                  const struct nfv_load_opts *opts, struct nfv_repo **ret,
                  struct diag *d);
void nfv_repo_free(struct nfv_repo *r);

/* Builds the services of one validated unit into m (model.c). */
int nfv_model_add_unit(struct nfv_model *m, const struct tosca_unit *u,
                       struct diag *d);
/* Reads one VIM registration file into m (repo.c). */
int nfv_model_add_vim(struct nfv_model *m, const struct ydoc *doc,
                      const char *name, struct diag *d);
/* Checks placements against the registered VIMs and fills defaults. */
int nfv_model_resolve_placement(struct nfv_model *m, struct diag *d);
/* After placement: a fixed address (CP ip_address, balancer vip_address)
 * given twice on one network of one VIM is an error at the second. */
int nfv_model_check_addresses(const struct nfv_model *m, struct diag *d);

#endif
