/*
 * The Prometheus registry; see metrics.h. One mutex guards everything: the
 * loop updates while the HTTP thread renders. Families are rendered sorted
 * by name and series by label text, so the output does not depend on the
 * order events happened in. No I/O here and no knowledge of what the
 * metrics mean: names and help text belong to their callers.
 */
#include "metrics.h"

#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "xalloc.h"

enum metrics_type {
	METRICS_COUNTER,
	METRICS_GAUGE,
	METRICS_HISTOGRAM,
};

static const char *const metrics_type_names[] = {
    [METRICS_COUNTER] = "counter",
    [METRICS_GAUGE] = "gauge",
    [METRICS_HISTOGRAM] = "histogram",
};

struct metrics_series {
	char *labels; /* "" for none */
	double value; /* counters and gauges */
	/* histograms: per-bucket counts (not cumulative), sum and count */
	unsigned long long *counts;
	double sum;
	unsigned long long count;
};

struct metrics_family {
	char *name;
	char *help;
	enum metrics_type type;
	double *buckets;
	size_t nbuckets;
	struct metrics_series *series; /* sorted by labels */
	size_t nseries, capseries;
};

struct metrics {
	pthread_mutex_t lock;
	struct metrics_family *families; /* sorted by name */
	size_t nfamilies, capfamilies;
};

struct metrics *
metrics_new(void)
{
	struct metrics *m = xcalloc(1, sizeof(*m));

	pthread_mutex_init(&m->lock, NULL);
	return m;
}

static void
metrics_abort(const char *what, const char *name)
{
	fprintf(stderr, "nfvsync: metrics: %s: %s\n", what, name);
	abort();
}

static int
metrics_name_valid(const char *name)
{
	const char *p;

	if (!name || !*name || (*name >= '0' && *name <= '9'))
		return 0;
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == ':'))
			return 0;
	return 1;
}

/* The index of name, or where it belongs (*found = 0). Lock held. */
static size_t
metrics_family_index(const struct metrics *m, const char *name, int *found)
{
	size_t lo = 0, hi = m->nfamilies;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(m->families[mid].name, name);

		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	return lo;
}

void
metrics_declare(struct metrics *m, const char *name, const char *type,
                const char *help, const double *buckets, size_t nbuckets)
{
	struct metrics_family *f;
	enum metrics_type t;
	size_t i;
	int found;

	if (!metrics_name_valid(name))
		metrics_abort("invalid metric name", name ? name : "(null)");
	for (t = METRICS_COUNTER; t <= METRICS_HISTOGRAM; t++)
		if (type && strcmp(type, metrics_type_names[t]) == 0)
			break;
	if (t > METRICS_HISTOGRAM)
		metrics_abort("unknown metric type", type ? type : "(null)");
	if (t != METRICS_HISTOGRAM && nbuckets)
		metrics_abort("buckets given for a non-histogram", name);
	for (i = 0; i < nbuckets; i++)
		if (isnan(buckets[i]) || (i && buckets[i] <= buckets[i - 1]))
			metrics_abort("histogram buckets not ascending", name);

	pthread_mutex_lock(&m->lock);
	i = metrics_family_index(m, name, &found);
	if (found) {
		/* Declaring twice is harmless as long as it means the same. */
		f = &m->families[i];
		if (f->type != t || f->nbuckets != nbuckets ||
		    (nbuckets &&
		     memcmp(f->buckets, buckets, nbuckets * sizeof(double))))
			metrics_abort("declared twice differently", name);
		pthread_mutex_unlock(&m->lock);
		return;
	}
	XGROW(m->families, m->capfamilies, m->nfamilies + 1);
	memmove(&m->families[i + 1], &m->families[i],
	        (m->nfamilies - i) * sizeof(*m->families));
	m->nfamilies++;
	f = &m->families[i];
	memset(f, 0, sizeof(*f));
	f->name = xstrdup(name);
	f->help = xstrdup(help ? help : "");
	f->type = t;
	f->nbuckets = nbuckets;
	if (nbuckets) {
		f->buckets = xmalloc(nbuckets * sizeof(double));
		memcpy(f->buckets, buckets, nbuckets * sizeof(double));
	}
	pthread_mutex_unlock(&m->lock);
}

/* The series of name with labels, created at zero when new, and its
 * family. Lock held; aborts when name is undeclared or of another type than
 * want. */
static struct metrics_series *
metrics_series_get(struct metrics *m, const char *name, const char *labels,
                   enum metrics_type want, int allow_counter,
                   struct metrics_family **ret_family)
{
	struct metrics_family *f;
	struct metrics_series *s;
	size_t lo, hi, i;
	int found;

	i = metrics_family_index(m, name, &found);
	if (!found)
		metrics_abort("undeclared metric", name);
	f = &m->families[i];
	if (f->type != want && !(allow_counter && f->type == METRICS_COUNTER))
		metrics_abort("wrong update for the metric's type", name);
	*ret_family = f;
	if (!labels)
		labels = "";

	lo = 0;
	hi = f->nseries;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(f->series[mid].labels, labels);

		if (c == 0)
			return &f->series[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	XGROW(f->series, f->capseries, f->nseries + 1);
	memmove(&f->series[lo + 1], &f->series[lo],
	        (f->nseries - lo) * sizeof(*f->series));
	f->nseries++;
	s = &f->series[lo];
	memset(s, 0, sizeof(*s));
	s->labels = xstrdup(labels);
	if (f->type == METRICS_HISTOGRAM)
		s->counts = xcalloc(f->nbuckets + 1, sizeof(*s->counts));
	return s;
}

void
metrics_add(struct metrics *m, const char *name, const char *labels, double v)
{
	struct metrics_family *f;
	struct metrics_series *s;

	pthread_mutex_lock(&m->lock);
	s = metrics_series_get(m, name, labels, METRICS_GAUGE, 1, &f);
	if (f->type == METRICS_COUNTER && !(v >= 0))
		metrics_abort("a counter cannot go down", name);
	s->value += v;
	pthread_mutex_unlock(&m->lock);
}

void
metrics_set(struct metrics *m, const char *name, const char *labels, double v)
{
	struct metrics_family *f;
	struct metrics_series *s;

	pthread_mutex_lock(&m->lock);
	s = metrics_series_get(m, name, labels, METRICS_GAUGE, 1, &f);
	s->value = v;
	pthread_mutex_unlock(&m->lock);
}

void
metrics_observe(struct metrics *m, const char *name, const char *labels,
                double v)
{
	struct metrics_family *f;
	struct metrics_series *s;
	size_t i;

	pthread_mutex_lock(&m->lock);
	s = metrics_series_get(m, name, labels, METRICS_HISTOGRAM, 0, &f);
	/* The first bucket whose upper bound holds v; the last slot is +Inf. */
	for (i = 0; i < f->nbuckets && v > f->buckets[i]; i++)
		;
	s->counts[i]++;
	s->sum += v;
	s->count++;
	pthread_mutex_unlock(&m->lock);
}

char *
metrics_label_escape(const char *value)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;

	for (p = value ? value : ""; *p; p++) {
		if (*p == '\\')
			strbuf_puts(&sb, "\\\\");
		else if (*p == '"')
			strbuf_puts(&sb, "\\\"");
		else if (*p == '\n')
			strbuf_puts(&sb, "\\n");
		else
			strbuf_putc(&sb, *p);
	}
	return strbuf_detach(&sb);
}

/*
 * Whole numbers below 1e15 (counters, timestamps) as integers; anything
 * else as the fewest significant digits that read back as v, in Go's
 * strconv 'g' layout (what Prometheus' own clients print): exponent form
 * below 1e-4 and from 1e6 up.
 */
static void
metrics_put_double(struct strbuf *sb, double v)
{
	char buf[40];
	int prec, exp;

	if (isnan(v)) {
		strbuf_puts(sb, "NaN");
		return;
	}
	if (isinf(v)) {
		strbuf_puts(sb, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (v == 0) {
		strbuf_puts(sb, "0");
		return;
	}
	if (fabs(v) < 1e15 && v == trunc(v)) {
		strbuf_printf(sb, "%.0f", v);
		return;
	}
	for (prec = 0; prec < 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	exp = atoi(strchr(buf, 'e') + 1);
	if (exp < -4 || exp >= 6)
		strbuf_puts(sb, buf);
	else
		strbuf_printf(sb, "%.*f", prec > exp ? prec - exp : 0, v);
}

static void
metrics_put_help(struct strbuf *sb, const char *help)
{
	for (; *help; help++) {
		if (*help == '\\')
			strbuf_puts(sb, "\\\\");
		else if (*help == '\n')
			strbuf_puts(sb, "\\n");
		else
			strbuf_putc(sb, *help);
	}
}

/* name{labels} or name{labels,le="x"}, then a space. */
static void
metrics_put_sample_name(struct strbuf *sb, const char *name, const char *suffix,
                        const char *labels, const double *le)
{
	strbuf_puts(sb, name);
	strbuf_puts(sb, suffix);
	if (*labels || le) {
		strbuf_putc(sb, '{');
		strbuf_puts(sb, labels);
		if (le) {
			strbuf_puts(sb, *labels ? ",le=\"" : "le=\"");
			metrics_put_double(sb, *le);
			strbuf_putc(sb, '"');
		}
		strbuf_putc(sb, '}');
	}
	strbuf_putc(sb, ' ');
}

static void
metrics_render_histogram(struct strbuf *sb, const struct metrics_family *f,
                         const struct metrics_series *s)
{
	unsigned long long cumulative = 0;
	double inf = INFINITY;
	size_t i;

	for (i = 0; i < f->nbuckets; i++) {
		cumulative += s->counts[i];
		metrics_put_sample_name(sb, f->name, "_bucket", s->labels,
		                        &f->buckets[i]);
		strbuf_printf(sb, "%llu\n", cumulative);
	}
	metrics_put_sample_name(sb, f->name, "_bucket", s->labels, &inf);
	strbuf_printf(sb, "%llu\n", s->count);
	metrics_put_sample_name(sb, f->name, "_sum", s->labels, NULL);
	metrics_put_double(sb, s->sum);
	strbuf_putc(sb, '\n');
	metrics_put_sample_name(sb, f->name, "_count", s->labels, NULL);
	strbuf_printf(sb, "%llu\n", s->count);
}

char *
metrics_render(struct metrics *m)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, j;

	pthread_mutex_lock(&m->lock);
	for (i = 0; i < m->nfamilies; i++) {
		const struct metrics_family *f = &m->families[i];

		if (*f->help) {
			strbuf_printf(&sb, "# HELP %s ", f->name);
			metrics_put_help(&sb, f->help);
			strbuf_putc(&sb, '\n');
		}
		strbuf_printf(&sb, "# TYPE %s %s\n", f->name,
		              metrics_type_names[f->type]);
		for (j = 0; j < f->nseries; j++) {
			const struct metrics_series *s = &f->series[j];

			if (f->type == METRICS_HISTOGRAM) {
				metrics_render_histogram(&sb, f, s);
				continue;
			}
			metrics_put_sample_name(&sb, f->name, "", s->labels,
			                        NULL);
			metrics_put_double(&sb, s->value);
			strbuf_putc(&sb, '\n');
		}
	}
	pthread_mutex_unlock(&m->lock);
	return strbuf_detach(&sb);
}

void
metrics_free(struct metrics *m)
{
	size_t i, j;

	if (!m)
		return;
	for (i = 0; i < m->nfamilies; i++) {
		struct metrics_family *f = &m->families[i];

		for (j = 0; j < f->nseries; j++) {
			free(f->series[j].labels);
			free(f->series[j].counts);
		}
		free(f->series);
		free(f->name);
		free(f->help);
		free(f->buckets);
	}
	free(m->families);
	pthread_mutex_destroy(&m->lock);
	free(m);
}
