/*
 * A scripted HTTP server for the reconciler tests (curl's test-server idea):
 * libmicrohttpd on 127.0.0.1 and an ephemeral port, answering each request
 * from the first matching scripted reply and recording what it received.
 * It can also hold requests to measure how many a client has in flight.
 *
 * Test code only: loopback, test certificates, aborts on setup failure.
 */
#ifndef NFV_TEST_FAKE_SERVER_H
#define NFV_TEST_FAKE_SERVER_H

#include <stddef.h>

struct fake_reply {
	const char *method; /* NULL: any */
	const char *path; /* exact path, or a prefix ending in '*'; NULL any */
	int status;
	const char *headers; /* "Name: value\n" lines, or NULL */
	const char *body;    /* or NULL */
	unsigned times;      /* requests it answers; 0: any number */
};

struct fake_request {
	char *method;
	char *path;     /* without the query */
	char *query;    /* decoded "k=v&k2=v2", "" when none */
	char **headers; /* "Name: value" */
	size_t nheaders;
	char *body;
	size_t body_len;
};

struct fake_server;

struct fake_server *fake_server_start(void);
/* Same over TLS with a PEM certificate and key (files); the URL is
 * "https://127.0.0.1:PORT". */
struct fake_server *fake_server_start_tls(const char *cert_file,
                                          const char *key_file);
void fake_server_stop(struct fake_server *fs);
/* "http://127.0.0.1:PORT" (borrowed). */
const char *fake_server_url(const struct fake_server *fs);
/* Appends a reply to the script; strings are copied. */
void fake_server_add(struct fake_server *fs, const struct fake_reply *r);
/* Same with the body read from a file. */
void fake_server_add_file(struct fake_server *fs, const char *method,
                          const char *path, int status, const char *headers,
                          const char *file);
/* Requests received so far, matching method/path (NULL: any; path as in a
 * reply). */
size_t fake_server_count(struct fake_server *fs, const char *method,
                         const char *path);
/* The i-th request received (borrowed; copy taken under the lock). */
const struct fake_request *fake_server_request(struct fake_server *fs,
                                               size_t i);
const char *fake_request_header(const struct fake_request *r, const char *name);
/*
 * Hold mode: each request waits until release_at requests are in flight (or
 * total have arrived), so a client that keeps the allowed number in flight
 * never stalls. When release_at is reached the server waits a short window
 * for a request beyond the bound (which a correct client never sends), then
 * releases everybody. fake_server_max_in_flight reports the peak.
 */
void fake_server_hold(struct fake_server *fs, unsigned release_at,
                      unsigned total);
unsigned fake_server_max_in_flight(struct fake_server *fs);

/*
 * Keystone for the OpenStack driver tests: POST /identity/v3/auth/tokens
 * answers with token_file (the lab's captured token response), token
 * "lab-token", its catalog's http://127.0.0.1:PORT moved to <fake>/pPORT
 * and its expiry past any test run.
 */
void fake_server_lab_keystone(struct fake_server *fs, const char *token_file);

/* Reads a whole file (test data); aborts when it cannot. Caller frees. */
char *fake_read_file(const char *path);
/* s with every occurrence of from replaced by to; caller frees. */
char *fake_replace(const char *s, const char *from, const char *to);

#endif
