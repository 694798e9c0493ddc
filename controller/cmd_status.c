/*
 * `nfvsync status [--server URL] [-o json]`: asks a running controller
 * (run or watch) for its /status and prints it as a table per service and
 * VDU, or the JSON as it came. Talks HTTP with libcurl to the controller
 * only, never to a VIM.
 */
#include "cli.h"
#include "status.h"
#include "strbuf.h"

#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char status_usage[] =
    "usage: nfvsync status [--server URL] [-o text|json]\n"
    "\n"
    "Shows what a running controller (nfvsync run or watch) reports: the\n"
    "revision in force, and per service, VNF and VDU the desired and\n"
    "observed instances, health, last applied revision, last error and\n"
    "pending actions.\n"
    "\n"
    "      --server URL       the controller: an http:// or https:// URL\n"
    "                         (default http://127.0.0.1:9180)\n"
    "  -o, --output FORMAT    text (default) or json\n";

static size_t
status_collect(char *p, size_t size, size_t n, void *payload)
{
	strbuf_add(payload, p, size * n);
	return size * n;
}

/*
 * --server must be an http:// or https:// URL with a host: anything else
 * is refused before any lookup or connection (curl would take "foo" for a
 * host name and ask DNS).
 */
static int
status_check_server(const char *server)
{
	const char *rest = NULL;
	size_t host;

	if (strncasecmp(server, "http://", 7) == 0)
		rest = server + 7;
	else if (strncasecmp(server, "https://", 8) == 0)
		rest = server + 8;
	host = rest ? strcspn(rest, "/?#") : 0;
	if (host > 0 && rest[0] != ':' && rest[0] != '@')
		return 0;
	fprintf(stderr,
	        "nfvsync status: --server takes the controller's http:// or "
	        "https:// URL, such as http://127.0.0.1:9180 (its --listen "
	        "address), not '%s'\n",
	        server);
	return -EINVAL;
}

int
cmd_status(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"server", required_argument, NULL, 'S'},
	    {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *server = "http://127.0.0.1:9180";
	struct strbuf body = STRBUF_INIT, url = STRBUF_INIT;
	struct json_object *st = NULL;
	bool json = false;
	CURL *curl = NULL;
	CURLcode cr;
	long code = 0;
	char name[64];
	int c, rc = CLI_EXIT_ERROR;

	optind = 0;
	while ((c = cli_getopt(argc, argv, "status", "-:o:h", longopts, name,
	                       sizeof(name))) != -1) {
		switch (c) {
		case 1:
			fprintf(stderr,
			        "nfvsync status: unexpected argument '%s'\n%s",
			        optarg, status_usage);
			return CLI_EXIT_ERROR;
		case 'S':
			server = optarg;
			break;
		case 'o':
			if (strcmp(optarg, "json") != 0 &&
			    strcmp(optarg, "text") != 0) {
				fprintf(stderr,
				        "nfvsync status: unknown output format "
				        "'%s' (text or json)\n",
				        optarg);
				return CLI_EXIT_ERROR;
			}
			json = strcmp(optarg, "json") == 0;
			break;
		case 'h':
			fputs(status_usage, stdout);
			return CLI_EXIT_OK;
		default:
			fputs(status_usage, stderr);
			return CLI_EXIT_ERROR;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "nfvsync status: unexpected argument '%s'\n%s",
		        argv[optind], status_usage);
		return CLI_EXIT_ERROR;
	}
	if (status_check_server(server) < 0)
		return CLI_EXIT_ERROR;
	strbuf_puts(&url, server);
	if (url.len > 0 && url.buf[url.len - 1] == '/')
		url.buf[--url.len] = '\0';
	strbuf_puts(&url, "/status");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	curl = curl_easy_init();
	if (!curl)
		goto out;
	curl_easy_setopt(curl, CURLOPT_URL, strbuf_str(&url));
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, status_collect);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 15L);
	cr = curl_easy_perform(curl);
	if (cr != CURLE_OK) {
		fprintf(stderr,
		        "nfvsync status: GET %s -> connection failed: %s (is "
		        "nfvsync run or watch serving there?)\n",
		        strbuf_str(&url), curl_easy_strerror(cr));
		goto out;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	if (code != 200) {
		fprintf(stderr, "nfvsync status: GET %s -> %ld%s\n",
		        strbuf_str(&url), code,
		        code == 503 ? ": the controller has not finished its "
		                      "first cycle"
		                    : "");
		goto out;
	}
	st = json_tokener_parse(strbuf_str(&body));
	if (!st || !json_object_is_type(st, json_type_object)) {
		fprintf(stderr,
		        "nfvsync status: GET %s -> 200: not a status "
		        "document\n",
		        strbuf_str(&url));
		goto out;
	}
	if (json) {
		printf("%s\n", json_object_to_json_string_ext(
		                   st, JSON_C_TO_STRING_PRETTY |
		                           JSON_C_TO_STRING_NOSLASHESCAPE));
	} else {
		char *text = status_render(st);

		fputs(text, stdout);
		free(text);
	}
	rc = CLI_EXIT_OK;
out:
	json_object_put(st);
	if (curl)
		curl_easy_cleanup(curl);
	curl_global_cleanup();
	strbuf_done(&body);
	strbuf_done(&url);
	return rc;
}
