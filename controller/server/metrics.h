/*
 * A small Prometheus registry: counters, gauges and histograms with
 * label sets, safe to update from the loop while the HTTP thread renders
 * the text exposition format (version 0.0.4).
 */
#ifndef NFV_METRICS_H
#define NFV_METRICS_H

#include <stddef.h>

struct metrics;

struct metrics *metrics_new(void);
/* Declares a family: type "counter", "gauge" or "histogram"; buckets
 * (upper bounds, ascending) for histograms. Updating an undeclared name
 * aborts: a programming error. Declaring a name again with the same type
 * and buckets is a no-op; differently, it aborts. */
void metrics_declare(struct metrics *m, const char *name, const char *type,
                     const char *help, const double *buckets, size_t nbuckets);
/* labels: the inside of the braces, e.g. "vim=\"site1\",code=\"200\"", or
 * NULL; values are escaped by the caller with metrics_label_escape. A
 * series is its exact label text: pass labels in one order. metrics_add
 * works on counters (v >= 0) and gauges, metrics_set on both (a counter
 * mirrored from elsewhere), metrics_observe on histograms only. */
void metrics_add(struct metrics *m, const char *name, const char *labels,
                 double v);
void metrics_set(struct metrics *m, const char *name, const char *labels,
                 double v);
void metrics_observe(struct metrics *m, const char *name, const char *labels,
                     double v);
char *metrics_label_escape(const char *value);
/* The text exposition (caller frees): families sorted by name, series by
 * label text, so equal contents render equal bytes. */
char *metrics_render(struct metrics *m);
void metrics_free(struct metrics *m);

#endif
