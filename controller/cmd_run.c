/*
 * `nfvsync run --source URL`: the controller on a Git source; and the
 * options it shares with `nfvsync watch DIR` (cmd_watch.c), which runs the
 * same loop on a directory. Parses, opens the source, sets up logging and
 * hands over to loop_run.
 */
#include "cli.h"
#include "log.h"
#include "loop.h"
#include "source.h"
#include "xalloc.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char run_usage[] =
    "usage: nfvsync run --source URL [--ref REF] [--path DIR] [options]\n"
    "\n"
    "Keeps the VIMs converged to the descriptors of a Git repository:\n"
    "fetches REF (default: the remote's HEAD) every interval or on a\n"
    "webhook push, applies each new commit that validates (a commit that\n"
    "does not is reported and the last good one stays in force), and\n"
    "repairs drift every cycle. SIGHUP re-reads everything, SIGTERM stops.\n"
    "\n"
    "      --source URL        https://, ssh://, file:// or a path\n"
    "      --ref REF           branch, tag or commit SHA\n"
    "      --path DIR          the descriptors' directory in the tree\n"
    "      --cache-dir DIR     where to keep the clone\n"
    "      --token-file FILE   HTTPS token (else $NFVSYNC_GIT_TOKEN)\n"
    "      --ssh-key FILE      SSH private key\n"
    "      --known-hosts FILE  SSH known hosts (default ~/.ssh/known_hosts)\n";

const char cli_loop_options[] =
    "      --interval SECONDS  between cycles (default 30, +-10 % jitter)\n"
    "      --once              run one cycle and exit (1 if it failed);\n"
    "                          no server unless --listen is given\n"
    "      --dry-run           plan and report drift, change nothing\n"
    "      --allow-mass-delete  allow deleting more than half of what\n"
    "                          nfvsync manages\n"
    "      --force-conflicts   take Kubernetes fields another field\n"
    "                          manager owns (default: report the conflict)\n"
    "      --parallelism N     actions in flight at once (default 10)\n"
    "      --listen ADDR:PORT  /healthz /readyz /status /metrics /webhook\n"
    "                          (default 127.0.0.1:9180; off: none)\n"
    "      --webhook-secret-file FILE  enables /webhook (push events)\n"
    "      --log-format text|json\n"
    "      --log-level debug|info|warn|error\n"
    "      --leader-elect      act only while holding a Kubernetes Lease\n"
    "                          (kubeconfig and context as below)\n"
    "      --leader-elect-namespace NS, --lease-name NAME (nfvsync)\n"
    "      --kubeconfig FILE, --context NAME, --strict, -p PARAMS.yaml\n"
    "                          as for plan\n";

/* Reads a secret file, trailing newline stripped; caller frees. */
static char *
run_read_secret(const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[4096];
	size_t n;

	if (!f) {
		fprintf(stderr, "nfvsync: cannot read %s: %s\n", path,
		        strerror(errno));
		return NULL;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	if (n == 0) {
		fprintf(stderr, "nfvsync: %s is empty\n", path);
		return NULL;
	}
	return xstrdup(buf);
}

static enum log_level
run_log_level(const char *s)
{
	static const char *const names[] = {"debug", "info", "warn", "error"};
	int i;

	for (i = 0; i < 4; i++) {
		if (strcmp(s, names[i]) == 0)
			return (enum log_level)i;
	}
	return LOG_LEVEL_INVALID;
}

int
cli_loop_main(int argc, char **argv, const char *verb, const char *usage)
{
	static const struct option longopts[] = {
	    {"source", required_argument, NULL, 'S'},
	    {"ref", required_argument, NULL, 'r'},
	    {"path", required_argument, NULL, 'P'},
	    {"cache-dir", required_argument, NULL, 'C'},
	    {"token-file", required_argument, NULL, 'T'},
	    {"ssh-key", required_argument, NULL, 'K'},
	    {"known-hosts", required_argument, NULL, 'H'},
	    {"interval", required_argument, NULL, 'i'},
	    {"once", no_argument, NULL, '1'},
	    {"dry-run", no_argument, NULL, 'n'},
	    {"allow-mass-delete", no_argument, NULL, 'm'},
	    {"listen", required_argument, NULL, 'l'},
	    {"webhook-secret-file", required_argument, NULL, 'w'},
	    {"log-format", required_argument, NULL, 'F'},
	    {"log-level", required_argument, NULL, 'L'},
	    {"strict", no_argument, NULL, 's'},
	    {"param-file", required_argument, NULL, 'p'},
	    {"kubeconfig", required_argument, NULL, 'k'},
	    {"context", required_argument, NULL, 'c'},
	    {"force-conflicts", no_argument, NULL, 'f'},
	    {"parallelism", required_argument, NULL, 'j'},
	    {"leader-elect", no_argument, NULL, 'E'},
	    {"leader-elect-namespace", required_argument, NULL, 'N'},
	    {"lease-name", required_argument, NULL, 'A'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	bool watch = strcmp(verb, "watch") == 0;
	struct source_git_opts go = {0};
	struct loop_opts lo = {0};
	const char **params = NULL;
	size_t nparams = 0;
	const char *secret_file = NULL;
	enum log_format fmt = LOG_FORMAT_TEXT;
	enum log_level level = LOG_INFO;
	struct source *src = NULL;
	char *secret = NULL, *end;
	struct diag d;
	bool listen_given = false;
	const char *dir = NULL;
	char name[64];
	int c, r, rc = CLI_EXIT_ERROR;

	lo.interval_s = 30;
	lo.listen = "127.0.0.1:9180";
	lo.parallelism = CLI_PARALLELISM;
	optind = 0;
	while ((c = cli_getopt(argc, argv, verb, "-:p:h", longopts, name,
	                       sizeof(name))) != -1) {
		if (watch && c != 1 && strchr("SrPCTKH", c)) {
			fprintf(stderr,
			        "nfvsync watch: option '%s' is run's (watch "
			        "reads a directory)\n",
			        name);
			goto usage;
		}
		switch (c) {
		case 1:
			if (watch && !dir) {
				dir = optarg;
				break;
			}
			fprintf(stderr,
			        "nfvsync %s: unexpected argument '%s' %s\n",
			        verb, optarg,
			        watch ? "(watch takes one directory)"
			              : "(give the repository with --source)");
			goto usage;
		case 'S':
			go.url = optarg;
			break;
		case 'r':
			go.ref = optarg;
			break;
		case 'P':
			go.path = optarg;
			break;
		case 'C':
			go.cache_dir = optarg;
			break;
		case 'T':
			go.token_file = optarg;
			break;
		case 'K':
			go.ssh_key = optarg;
			break;
		case 'H':
			go.known_hosts = optarg;
			break;
		case 'i':
			lo.interval_s = strtod(optarg, &end);
			if (*end || !(lo.interval_s >= 0.1)) {
				fprintf(stderr,
				        "nfvsync %s: --interval: '%s' is not a "
				        "number of seconds (0.1 or more)\n",
				        verb, optarg);
				goto usage;
			}
			break;
		case '1':
			lo.once = true;
			break;
		case 'n':
			lo.dry_run = true;
			break;
		case 'm':
			lo.allow_mass_delete = true;
			break;
		case 'l':
			lo.listen = strcmp(optarg, "off") == 0 ? NULL : optarg;
			listen_given = true;
			break;
		case 'w':
			secret_file = optarg;
			break;
		case 'F':
			fmt = log_format_parse(optarg);
			if (fmt == LOG_FORMAT_INVALID) {
				fprintf(stderr,
				        "nfvsync %s: --log-format: text or "
				        "json, not '%s'\n",
				        verb, optarg);
				goto usage;
			}
			break;
		case 'L':
			level = run_log_level(optarg);
			if (level == LOG_LEVEL_INVALID) {
				fprintf(stderr,
				        "nfvsync %s: --log-level: debug, info, "
				        "warn or error, not '%s'\n",
				        verb, optarg);
				goto usage;
			}
			break;
		case 's':
			lo.strict = true;
			break;
		case 'k':
			lo.kubeconfig = optarg;
			break;
		case 'c':
			lo.context = optarg;
			break;
		case 'f':
			lo.force_conflicts = true;
			break;
		case 'j':
			if (cli_parse_parallelism(verb, optarg,
			                          &lo.parallelism) < 0)
				goto usage;
			break;
		case 'E':
			lo.leader_elect = true;
			break;
		case 'N':
			lo.lease_namespace = optarg;
			break;
		case 'A':
			lo.lease_name = optarg;
			break;
		case 'p':
			params =
			    xrealloc(params, (nparams + 1) * sizeof(*params));
			params[nparams++] = optarg;
			break;
		case 'h':
			printf("%s%s", usage, cli_loop_options);
			rc = CLI_EXIT_OK;
			goto out;
		default:
			goto usage;
		}
	}
	/* after "--": the directory, even one starting with '-' */
	if (watch && !dir && optind < argc)
		dir = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "nfvsync %s: unexpected argument '%s' %s\n",
		        verb, argv[optind],
		        watch ? "(watch takes one directory)"
		              : "(give the repository with --source)");
		goto usage;
	}
	if (watch && !dir) {
		fprintf(stderr, "nfvsync watch: give one directory to watch\n");
		goto usage;
	}
	if (!watch && !go.url) {
		fprintf(stderr, "nfvsync run: --source URL is required\n");
		goto usage;
	}
	/* One cycle in CI needs no server (nor the default port free). */
	if (lo.once && !listen_given)
		lo.listen = NULL;
	if (secret_file && !(secret = run_read_secret(secret_file)))
		goto out;
	log_setup(stderr, fmt, level);
	diag_init(&d);
	r = watch ? source_dir_open(dir, &src, &d)
	          : source_git_open(&go, &src, &d);
	diag_print(&d, stderr);
	diag_done(&d);
	if (r < 0)
		goto out;
	lo.source = src;
	lo.ref = go.ref;
	lo.webhook_secret = secret;
	lo.param_files = params;
	lo.nparam_files = nparams;
	r = loop_run(&lo);
	rc = r == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
	goto out;
usage:
	fprintf(stderr, "%s%s", usage, cli_loop_options);
out:
	source_free(src);
	if (secret) {
		memset(secret, 0, strlen(secret));
		free(secret);
	}
	free(params);
	return rc;
}

int
cmd_run(int argc, char **argv)
{
	return cli_loop_main(argc, argv, "run", run_usage);
}
