/*
 * An authenticated OpenStack session: Keystone v3 tokens (password or
 * application credential, project scope), the service catalog, and
 * requests to a service by type with the token attached. The token is
 * cached until shortly before expires_at; a 401 from any service triggers
 * one re-authentication and one resend.
 *
 * This is the base the OpenStack driver builds on. It speaks Keystone and
 * knows how to reach a service; it does not know Nova, Neutron or Octavia
 * resources. It never logs, and the token and password never reach reterr.
 */
#ifndef NFV_OS_SESSION_H
#define NFV_OS_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "http.h"
#include "os_config.h"

struct json_object;
struct os_session;

/* A token is renewed this long before its expires_at (halfway through its
 * life when it lives less than twice this). */
#define OS_TOKEN_MARGIN_MS (60 * 1000)

/*
 * Creates a session (no network yet). cfg is copied. http may be NULL
 * (defaults); its TLS fields are replaced by cfg's (cacert, ca_pem, verify).
 * Returns 0 and *ret, or a negative errno with detail in reterr.
 */
int os_session_new(const struct os_config *cfg, const struct http_options *http,
                   struct os_session **ret, struct diag *reterr);
void os_session_free(struct os_session *s);

/* The session's HTTP client, borrowed: for its request counters. */
struct http_client *os_session_http(struct os_session *s);

/* Gets a new token now, whatever the cached one. 0 or negative errno. */
int os_session_authenticate(struct os_session *s, struct diag *reterr);
/* A valid token (authenticating when needed); borrowed until the next
 * call into the session. */
int os_session_token(struct os_session *s, const char **ret,
                     struct diag *reterr);
/*
 * dst takes a copy of src's token, catalog and project when src holds a
 * valid one that is due for renewal later than dst's: the sessions of one
 * cloud's
 * parallel workers log in once, not once each. Both sessions must be of the
 * same credentials; neither may be in use by another thread meanwhile.
 */
void os_session_adopt_token(struct os_session *dst,
                            const struct os_session *src);
/* When the current token expires (ms since the epoch), 0 without one. */
int64_t os_session_token_expires_ms(const struct os_session *s);
/* The scoped project's id from the token, or NULL. Borrowed. */
const char *os_session_project_id(const struct os_session *s);

/*
 * The catalog URL of a service type ("compute", "network",
 * "load-balancer"...) for the configured interface and region. Fails
 * loudly when several regions offer it and none is configured.
 * *ret is the caller's.
 */
int os_session_endpoint(struct os_session *s, const char *service_type,
                        char **ret, struct diag *reterr);

/*
 * Requests to service_type carry `OpenStack-API-Version: <type> <version>`
 * (e.g. "compute", "2.64"); version NULL removes it.
 */
void os_session_set_api_version(struct os_session *s, const char *service_type,
                                const char *version);

struct os_request {
	const char *service_type;
	const char *method;
	const char *path;      /* joined to the endpoint, see os_url_join */
	const char *body;      /* JSON text or NULL */
	unsigned max_attempts; /* as in struct http_request */
};

/*
 * Sends one request to a service with the token, re-authenticating once on
 * a 401. Returns as http_do: 0 when an answer arrived (check it with
 * http_response_check), a negative errno when the endpoint is unknown,
 * authentication failed or nothing answered.
 */
int os_session_request(struct os_session *s, const char *service_type,
                       const char *method, const char *path, const char *body,
                       struct http_response *resp, struct diag *reterr);
/* n requests concurrently (bounded by the client's max_in_flight); one
 * re-authentication at most for all the 401s among them. */
int os_session_request_many(struct os_session *s, const struct os_request *reqs,
                            size_t n, struct http_response *resps,
                            struct diag *reterr);

/*
 * endpoint + path without a doubled or missing '/'. A path that starts with
 * the API version the endpoint already ends with ("/v2.1/servers" on
 * ".../v2.1" or ".../v2.1/<project_id>") does not repeat it. Caller frees.
 */
char *os_url_join(const char *endpoint, const char *path,
                  const char *project_id);

/* Keystone's token URL for an auth_url with or without /v3. Caller frees. */
char *os_keystone_tokens_url(const char *auth_url);

/* ISO 8601 UTC time ("2026-11-25T19:09:30.000000Z") -> ms since the epoch;
 * -EINVAL when unparsable. */
int os_parse_time(const char *s, int64_t *ret);

#endif
