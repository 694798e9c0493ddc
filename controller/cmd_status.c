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
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char status_usage[] =
    "usage: nfvsync status [--server URL] [-o text|json]\n"
    "\n"
    "Shows what a running controller (nfvsync run or watch) reports: the\n"
    "revision in force, and per service, VNF and VDU the desired and\n"
    "observed instances, health, last applied revision, last error and\n"
    "pending actions.\n"
    "\n"
    "      --server URL       the controller (default "
    "http://127.0.0.1:9180)\n"
    "  -o, --output FORMAT    text (default) or json\n";

static size_t
status_collect(char *p, size_t size, size_t n, void *payload)
{
	strbuf_add(payload, p, size * n);
	return size * n;
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
	int c, rc = CLI_EXIT_ERROR;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+o:h", longopts, NULL)) != -1) {
		switch (c) {
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
			fprintf(stderr,
			        "nfvsync status: unknown option '%s'\n%s",
			        argv[optind - 1], status_usage);
			return CLI_EXIT_ERROR;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "nfvsync status: unexpected argument '%s'\n%s",
		        argv[optind], status_usage);
		return CLI_EXIT_ERROR;
	}
	strbuf_puts(&url, server);
	if (url.len > 0 && url.buf[url.len - 1] == '/')
		url.buf[--url.len] = '\0';
	strbuf_puts(&url, "/status");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	curl = curl_easy_init();
	if (!curl)
		goto out;
	curl_easy_setopt(curl, CURLOPT_URL, strbuf_str(&url));
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
