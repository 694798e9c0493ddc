/* Shared command-line handling; see cli.h. Prints; libraries do not. */
#include "cli.h"
#include "plan.h"
#include "source.h"
#include "k8s_driver.h"
#include "vims.h"
#include "xalloc.h"

#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Long options with no letter, past any char a verb's flags may name. */
enum {
	CLI_OPT_SOURCE = 256,
	CLI_OPT_REF,
	CLI_OPT_PATH,
};

int
cli_parse_parallelism(const char *verb, const char *arg, unsigned *n)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);

	if (*arg < '1' || *arg > '9' || *end || v > 1000) {
		fprintf(stderr,
		        "nfvsync %s: --parallelism takes a number from 1 to "
		        "1000, not '%s'\n",
		        verb, arg);
		return -EINVAL;
	}
	*n = (unsigned)v;
	return 0;
}

/* The long option whose name is name (up to '=' or the end), or NULL. */
static const struct option *
cli_long_option(const struct option *longopts, const char *name)
{
	size_t n = strcspn(name, "=");

	for (; longopts->name; longopts++) {
		if (strlen(longopts->name) == n &&
		    strncmp(longopts->name, name, n) == 0)
			return longopts;
	}
	return NULL;
}

int
cli_getopt(int argc, char **argv, const char *verb, const char *shortopts,
           const struct option *longopts, char *name, size_t namesz)
{
	const char *arg;
	int c, longindex = -1;

	assert(shortopts[0] == '-' && shortopts[1] == ':');
	opterr = 0;
	c = getopt_long(argc, argv, shortopts, longopts, &longindex);
	if (c == -1 || c == 1)
		return c;
	arg = argv[optind - 1];
	if (c == ':') {
		/* the option was the last argument: nothing followed it */
		fprintf(stderr, "nfvsync %s: option '%s' needs an argument\n",
		        verb, arg);
		return '?';
	}
	if (c == '?') {
		const struct option *lo =
		    strncmp(arg, "--", 2) == 0 && strchr(arg, '=')
		        ? cli_long_option(longopts, arg + 2)
		        : NULL;

		if (lo && lo->has_arg == no_argument)
			fprintf(stderr,
			        "nfvsync %s: option '--%s' takes no argument\n",
			        verb, lo->name);
		else if (optopt && strncmp(arg, "--", 2) != 0)
			fprintf(stderr, "nfvsync %s: unknown option '-%c'\n",
			        verb, optopt);
		else
			fprintf(stderr, "nfvsync %s: unknown option '%s'\n",
			        verb, arg);
		return '?';
	}
	if (longindex >= 0)
		snprintf(name, namesz, "--%s", longopts[longindex].name);
	else
		snprintf(name, namesz, "-%c", c);
	return c;
}

int
cli_parse(int argc, char **argv, const char *verb, const char *usage,
          const char *flags, struct cli_opts *o)
{
	static const struct option longopts[] = {
	    {"param-file", required_argument, NULL, 'p'},
	    {"strict", no_argument, NULL, 's'},
	    {"output", required_argument, NULL, 'o'},
	    {"detailed-exitcode", no_argument, NULL, 'd'},
	    {"out", required_argument, NULL, 'f'},
	    {"offline", no_argument, NULL, 'O'},
	    {"auto-approve", no_argument, NULL, 'y'},
	    {"parallelism", required_argument, NULL, 'P'},
	    {"allow-mass-delete", no_argument, NULL, 'm'},
	    {"kubeconfig", required_argument, NULL, 'k'},
	    {"context", required_argument, NULL, 'c'},
	    {"force-conflicts", no_argument, NULL, 'F'},
	    {"help", no_argument, NULL, 'h'},
	    {"source", required_argument, NULL, CLI_OPT_SOURCE},
	    {"ref", required_argument, NULL, CLI_OPT_REF},
	    {"path", required_argument, NULL, CLI_OPT_PATH},
	    {NULL, 0, NULL, 0},
	};
	char name[64];
	int c;

	memset(o, 0, sizeof(*o));
	o->verb = verb;
	o->parallelism = CLI_PARALLELISM;
	o->paths = xcalloc((size_t)argc + 1, sizeof(*o->paths));
	optind = 0;
	while ((c = cli_getopt(argc, argv, verb, "-:p:o:h", longopts, name,
	                       sizeof(name))) != -1) {
		if (c != 1 && c != 'p' && c != 's' && c != 'h' && c != '?' &&
		    c < CLI_OPT_SOURCE && !strchr(flags, c == 'c' ? 'k' : c)) {
			fprintf(stderr,
			        "nfvsync %s: option '%s' does not apply "
			        "here\n%s",
			        verb, name, usage);
			return -EINVAL;
		}
		switch (c) {
		case 1:
			o->paths[o->npaths++] = optarg;
			break;
		case 'p':
			o->param_files = xrealloc(o->param_files,
			                          (o->nparam_files + 1) *
			                              sizeof(*o->param_files));
			o->param_files[o->nparam_files++] = optarg;
			break;
		case 's':
			o->strict = true;
			break;
		case 'o':
			if (strcmp(optarg, "json") == 0) {
				o->format = CLI_FORMAT_JSON;
			} else if (strcmp(optarg, "text") == 0 &&
			           !strchr(flags, 'J')) {
				o->format = CLI_FORMAT_TEXT;
			} else if (strchr(flags, 'J')) {
				fprintf(stderr,
				        "nfvsync %s: the model is printed as "
				        "JSON only (-o json), not as '%s'\n",
				        verb, optarg);
				return -EINVAL;
			} else {
				fprintf(stderr,
				        "nfvsync %s: unknown output format "
				        "'%s' (text or json)\n",
				        verb, optarg);
				return -EINVAL;
			}
			break;
		case 'd':
			o->detailed_exitcode = true;
			break;
		case 'f':
			o->out_file = optarg;
			break;
		case 'O':
			o->offline = true;
			break;
		case 'y':
			o->auto_approve = true;
			break;
		case 'P':
			if (cli_parse_parallelism(verb, optarg,
			                          &o->parallelism) < 0)
				return -EINVAL;
			break;
		case 'm':
			o->allow_mass_delete = true;
			break;
		case 'F':
			o->force_conflicts = true;
			break;
		case 'k':
			o->kubeconfig = optarg;
			break;
		case 'c':
			o->context = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 1;
		case CLI_OPT_SOURCE:
			o->source = optarg;
			break;
		case CLI_OPT_REF:
			o->ref = optarg;
			break;
		case CLI_OPT_PATH:
			o->subdir = optarg;
			break;
		default:
			fputs(usage, stderr);
			return -EINVAL;
		}
	}
	/* after "--": paths only, even those starting with '-' */
	while (optind < argc)
		o->paths[o->npaths++] = argv[optind++];
	if (!o->source && (o->ref || o->subdir)) {
		fprintf(stderr,
		        "nfvsync %s: --ref and --path go with --source\n",
		        verb);
		return -EINVAL;
	}
	if (o->source && o->npaths) {
		fprintf(stderr,
		        "nfvsync %s: read either a --source or PATHs, not "
		        "both\n",
		        verb);
		return -EINVAL;
	}
	if (o->npaths == 0 && !o->source) {
		fprintf(stderr,
		        "nfvsync %s: give the descriptor files or "
		        "directories to read (or --source URL)\n%s",
		        verb, usage);
		return -EINVAL;
	}
	return 0;
}

void
cli_opts_done(struct cli_opts *o)
{
	free(o->param_files);
	o->param_files = NULL;
	free(o->paths);
	o->paths = NULL;
}

int
cli_load(const struct cli_opts *o, struct nfv_repo **ret)
{
	/* plan and apply deploy what they load; validate and show do not. */
	struct nfv_load_opts lo = {o->param_files, o->nparam_files, o->strict,
	                           strcmp(o->verb, "plan") == 0 ||
	                               strcmp(o->verb, "apply") == 0};
	struct source_git_opts go = {0};
	struct source *src = NULL;
	struct source_rev rev = {0};
	const char *const *paths = o->paths;
	size_t npaths = o->npaths;
	struct diag d;
	int r;

	diag_init(&d);
	if (o->source) {
		go.url = o->source;
		go.ref = o->ref;
		go.path = o->subdir;
		r = source_git_open(&go, &src, &d);
		if (r == 0)
			r = source_sync(src, &rev, &d);
		if (r < 0)
			goto out;
		/* the source's name is the URL (password hidden) + "@ref" */
		fprintf(stderr,
		        "Reading descriptors at %.7s (%s) from %.*s%s%s\n",
		        rev.id, o->ref ? o->ref : "HEAD",
		        (int)(strlen(source_name(src)) -
		              (o->ref ? strlen(o->ref) + 1 : 0)),
		        source_name(src), o->subdir ? ", path " : "",
		        o->subdir ? o->subdir : "");
		paths = (const char *const *)&rev.dir;
		npaths = 1;
	}
	r = nfv_repo_load(paths, npaths, &lo, ret, &d);
	if (src)
		source_diag_rename(src, &rev, &d);
out:
	diag_sort(&d);
	diag_print(&d, stderr);
	/* Only apply could have changed a VIM; validate and show read none,
	 * and plan only reads them. */
	if (r < 0)
		fprintf(stderr, "%zu error%s%s\n", d.errors,
		        d.errors == 1 ? "" : "s",
		        strcmp(o->verb, "apply") == 0
		            ? "; nothing was changed on any VIM."
		        : strcmp(o->verb, "plan") == 0
		            ? "; nothing was planned."
		            : ".");
	diag_done(&d);
	source_rev_done(&rev);
	source_free(src);
	return r;
}

int
cli_emit(const struct cli_opts *o, const char *text)
{
	FILE *f = stdout;

	if (o->out_file) {
		f = fopen(o->out_file, "w");
		if (!f) {
			fprintf(stderr, "nfvsync: cannot write %s: %s\n",
			        o->out_file, strerror(errno));
			return -errno;
		}
	}
	fputs(text, f);
	if (f != stdout && fclose(f) != 0) {
		fprintf(stderr, "nfvsync: cannot write %s: %s\n", o->out_file,
		        strerror(errno));
		return -EIO;
	}
	return 0;
}

int
cli_observe(const struct cli_opts *o, const struct nfv_repo *repo,
            struct vim_set *vims, struct plan **ret, struct diag *d)
{
	struct plan_opts popts = {0.5, o->allow_mass_delete,
	                          (long long)time(NULL), 0};
	int r;

	if (o->offline)
		return plan_build(&repo->model, NULL, &popts, ret, d);
	struct k8s_driver_opts k8s = {.kubeconfig = o->kubeconfig,
	                              .context = o->context,
	                              .force_conflicts = o->force_conflicts};

	r = vim_set_open(vims, &repo->model, &k8s, d);
	if (r == 0)
		r = vim_set_observe(vims, d);
	if (r < 0) {
		diag_error(d, NULL,
		           "could not read the VIMs; nothing was planned (use "
		           "--offline to plan against empty VIMs)");
		return r;
	}
	return plan_build(&repo->model, &vims->obs, &popts, ret, d);
}
