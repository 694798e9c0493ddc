/*
 * Standard base64 (RFC 4648, with padding) for the few places a VIM wants
 * bytes as text: Nova's user_data, HTTP basic authentication.
 */
#ifndef NFV_BASE64_H
#define NFV_BASE64_H

#include <stddef.h>

/* The base64 text of n bytes; caller frees. */
char *base64_encode(const void *data, size_t n);

#endif
