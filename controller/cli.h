/*
 * What the command-line verbs share: option parsing for descriptor inputs
 * (paths, --param-file, --strict, -o), loading them into a repo with the
 * diagnostics printed, and the exit codes (Terraform's: 0 ok / no changes,
 * 1 error, 2 changes pending with --detailed-exitcode).
 */
#ifndef NFV_CLI_H
#define NFV_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "repo.h"

enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_ERROR = 1,
	CLI_EXIT_CHANGES = 2,
};

enum cli_format {
	CLI_FORMAT_TEXT,
	CLI_FORMAT_JSON,
};

#define CLI_PARALLELISM 10 /* default --parallelism (apply, run, watch) */

struct cli_opts {
	const char *verb;   /* the verb parsed, for messages */
	const char **paths; /* owned array, borrowed strings */
	size_t npaths;
	const char **param_files;
	size_t nparam_files;
	bool strict;
	bool detailed_exitcode;
	enum cli_format format;
	const char *out_file;
	bool offline;           /* plan: do not contact the VIMs */
	bool auto_approve;      /* apply: no confirmation prompt */
	unsigned parallelism;   /* apply: actions in flight (--parallelism) */
	bool allow_mass_delete; /* plan/apply: lift the deletion guard */
	const char *kubeconfig; /* plan/apply: --kubeconfig FILE */
	const char *context;    /* plan/apply: --context NAME */
	bool force_conflicts;   /* apply: take fields other managers own */
	const char *source;     /* --source URL: Git instead of PATHs */
	const char *ref;        /* --ref: branch, tag or SHA (remote HEAD) */
	const char *subdir;     /* --path: the descriptors' directory */
};

/* The usage lines of the descriptor input options, shared by the verbs. */
#define CLI_INPUT_USAGE                                                        \
	"  -p, --param-file FILE  values for get_input (repeatable; later "    \
	"files win)\n"                                                         \
	"      --strict           unknown properties, unknown keys, "          \
	"duplicate\n"                                                          \
	"                         keys and secrets written in VIM files are\n" \
	"                         errors, not warnings\n"

/* The usage lines of the Git source options, shared by the verbs. */
#define CLI_SOURCE_USAGE                                                       \
	"\n"                                                                   \
	"Instead of PATHs, the descriptors of a Git commit:\n"                 \
	"      --source URL       repository (https://, ssh://, file://, "     \
	"path;\n"                                                              \
	"                         HTTPS token from $NFVSYNC_GIT_TOKEN)\n"      \
	"      --ref REF          branch, tag or SHA (default: the remote "    \
	"HEAD)\n"                                                              \
	"      --path DIR         the descriptors' directory in the tree\n"

/*
 * getopt_long for the verbs: options may come anywhere among the arguments
 * (an argument that is no option comes back as 1, in optarg), "--" ends
 * them (what follows is at argv[optind..argc-1]). shortopts must start
 * with "-:". Reset optind to 0 before the first call. Returns the option,
 * its name as the user would give it ("--out", "-o") in name; -1 at the
 * end; '?' after printing "nfvsync VERB: " and what is wrong (an unknown
 * option, a missing argument) on stderr.
 */
struct option;
int cli_getopt(int argc, char **argv, const char *verb, const char *shortopts,
               const struct option *longopts, char *name, size_t namesz);

/* Parses argv for a verb; flags lists the optional extras the verb takes
 * ('o' output format text or json, 'J' with 'o': json only, 'd'
 * --detailed-exitcode, 'f' --out, 'O' --offline, 'y' --auto-approve, 'P'
 * --parallelism, 'm' --allow-mass-delete, 'k' --kubeconfig and --context,
 * 'F' --force-conflicts). Options and PATHs may come in any order. Returns
 * 0, 1 when --help was printed, or -EINVAL after printing a usage error. */
int cli_parse(int argc, char **argv, const char *verb, const char *usage,
              const char *flags, struct cli_opts *o);
/* --parallelism's value (1 to 1000) into *n; -EINVAL, said on stderr. */
int cli_parse_parallelism(const char *verb, const char *arg, unsigned *n);
void cli_opts_done(struct cli_opts *o);

/* Loads the descriptors (from the PATHs, or the Git --source's commit,
 * named on stderr), printing diagnostics to stderr. */
int cli_load(const struct cli_opts *o, struct nfv_repo **ret);
struct vim_set;
struct plan;
/*
 * Opens and observes the VIMs (unless --offline) and builds the plan.
 * Returns 0 and *ret, or a negative errno with the reason in d.
 */
int cli_observe(const struct cli_opts *o, const struct nfv_repo *repo,
                struct vim_set *vims, struct plan **ret, struct diag *d);
/* Writes text to --out FILE or stdout. */
int cli_emit(const struct cli_opts *o, const char *text);

/* Saved plans (cli_planfile.c). cli_plan_inputs: what `plan --out`
 * records of o and the files repo read (free with plan_file_inputs_done);
 * cli_plan_sources: those files only, hashed as they are now.
 * cli_is_plan_file: a regular file not named .yaml or .yml that starts
 * with '{'.
 * cli_plan_file_read: reads and parses one (errors in d). */
struct plan_file;
struct plan_file_inputs;
int cli_plan_inputs(const struct cli_opts *o, const struct nfv_repo *repo,
                    struct plan_file_inputs *in, struct diag *d);
int cli_plan_sources(const struct nfv_repo *repo, struct plan_file_inputs *in,
                     struct diag *d);
bool cli_is_plan_file(const char *path);
int cli_plan_file_read(const char *path, struct plan_file **ret,
                       struct diag *d);

int cmd_validate(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_status(int argc, char **argv);

/* run and watch: their shared options (cmd_run.c). */
extern const char cli_loop_options[];
int cli_loop_main(int argc, char **argv, const char *verb, const char *usage);

#endif
