/*
 * Saved plans (`plan --out FILE`, `apply FILE`): a versioned JSON document
 * holding the actions (as `plan -o json` prints them) and what apply needs
 * to prove they still hold: the inputs (paths, parameter files, options),
 * a hash of every descriptor file's contents, and per observed VIM a
 * fingerprint of what it held (kind, name, id, status and spec hash of
 * every resource, plus ready pods; sorted, hashed) with the list itself, so
 * that a stale plan can say what moved.
 *
 * Pure: the caller reads files and VIMs; this module renders, parses and
 * compares. It never decides anything a fresh plan would not: apply re-plans
 * and runs the plan only when it equals the saved one.
 */
#ifndef NFV_PLAN_FILE_H
#define NFV_PLAN_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "plan.h"

#define PLAN_FILE_VERSION 1

struct json_object;

/* A descriptor, parameter or VIM file and the hash of its bytes. */
struct plan_file_source {
	char *path; /* absolute */
	char hash[17];
};

/* What a plan was made from. */
struct plan_file_inputs {
	char **paths; /* absolute */
	size_t npaths;
	char **param_files; /* absolute */
	size_t nparam_files;
	bool strict;
	bool allow_mass_delete;
	struct plan_file_source *sources; /* sorted by path */
	size_t nsources;
};

struct plan_file {
	struct plan_file_inputs in;
	char *version;                /* nfvsync's, informative */
	struct json_object *observed; /* array of per-VIM objects */
	struct json_object *plan;     /* the -o json document */
};

/* 64-bit FNV-1a of n bytes as 16 hex digits. Not a cryptographic hash: it
 * detects change, it does not authenticate. */
void plan_file_hash(const void *data, size_t n, char ret[17]);

/* Sorts in->sources by path (apply compares them in that order). */
void plan_file_inputs_sort(struct plan_file_inputs *in);
void plan_file_inputs_done(struct plan_file_inputs *in);

/*
 * The saved plan as text (caller frees). obs: what the plan was built
 * against (not NULL: an offline plan cannot be applied later); version:
 * nfvsync's.
 */
char *plan_file_render(const struct plan *p, const struct plan_observed *obs,
                       const struct plan_file_inputs *in, const char *version);

/*
 * Reads a saved plan. name is the file's name for messages. Returns 0 and
 * *ret (free with plan_file_free), -EINVAL when text is not a plan file
 * (damaged JSON, another JSON document, missing or mistyped fields) or
 * -ENOTSUP for another format version; the reason in reterr.
 */
int plan_file_parse(const char *text, const char *name, struct plan_file **ret,
                    struct diag *reterr);
void plan_file_free(struct plan_file *f);

/*
 * Whether a saved plan still holds. sources: the descriptor files as they
 * are now (sorted by path); obs: the VIMs as they are now; p: the plan
 * built now from both. Returns 0 when the descriptors, the observed state
 * and the actions are the ones saved, else -ESTALE with one message in
 * reterr that says what changed ("stale plan: site1 changed since the plan
 * was made: server x is now SHUTOFF (was ACTIVE); run plan again").
 */
int plan_file_check(const struct plan_file *f,
                    const struct plan_file_source *sources, size_t nsources,
                    const struct plan_observed *obs, const struct plan *p,
                    struct diag *reterr);

#endif
