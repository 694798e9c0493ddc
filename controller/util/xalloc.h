/*
 * Allocation that cannot fail: on exhaustion the process aborts with a
 * message. nfvsync is a CLI and a controller; there is no sensible recovery
 * from malloc failure, and checking every small allocation would bury the
 * real error paths.
 */
#ifndef NFV_XALLOC_H
#define NFV_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows *p (an array of *cap elements of size elem) to hold at least need. */
void xgrow(void **p, size_t *cap, size_t need, size_t elem);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a fresh allocation. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define XGROW(arr, cap, need)                                                  \
	xgrow((void **)&(arr), &(cap), (need), sizeof(*(arr)))

#endif
