/*
 * Helpers shared by the files of the HTTP layer; not part of its API.
 */
#ifndef NFV_HTTP_INTERNAL_H
#define NFV_HTTP_INTERNAL_H

#include <stdbool.h>

/* 429, 502, 503, 504: the server asks us to come back later. */
bool http_status_retryable(long status);

#endif
