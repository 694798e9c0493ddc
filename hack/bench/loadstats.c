/*
 * The pure pieces of the benchmark's HTTP client: request schedule, CSV
 * records, per-server and per-bucket aggregation (see loadstats.h). No
 * clock and no network here.
 */
#include "loadstats.h"

#include "xalloc.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const load_outcome_names[LOAD_OUTCOME_MAX] = {
    [LOAD_OK] = "ok",
    [LOAD_HTTP_ERROR] = "http_error",
    [LOAD_CONN_ERROR] = "conn_error",
    [LOAD_TIMEOUT] = "timeout",
};

const char load_csv_header[] = "start_s,outcome,status,latency_ms,server";

const char *
load_outcome_name(enum load_outcome o)
{
	return o >= 0 && o < LOAD_OUTCOME_MAX ? load_outcome_names[o] : "?";
}

enum load_outcome
load_outcome_from_name(const char *s)
{
	int i;

	for (i = 0; i < LOAD_OUTCOME_MAX; i++)
		if (strcmp(s, load_outcome_names[i]) == 0)
			return (enum load_outcome)i;
	return LOAD_OUTCOME_INVALID;
}

enum load_outcome
load_outcome_of_status(int status)
{
	if (status >= 200 && status < 400)
		return LOAD_OK;
	return status > 0 ? LOAD_HTTP_ERROR : LOAD_CONN_ERROR;
}

size_t
load_due(double t, double rate, size_t total)
{
	double due;

	if (rate <= 0)
		return total;
	if (t < 0)
		return 0;
	/* Request i is due at i / rate: floor(t * rate) + 1 of them by t. */
	due = floor(t * rate) + 1;
	return due >= (double)total ? total : (size_t)due;
}

size_t
load_to_start(double t, double rate, size_t total, size_t started,
              size_t in_flight, size_t max_in_flight)
{
	size_t due, room;

	if (started >= total || in_flight >= max_in_flight)
		return 0;
	if (rate <= 0)
		return in_flight == 0 ? 1 : 0;
	due = load_due(t, rate, total);
	room = max_in_flight - in_flight;
	if (due <= started)
		return 0;
	return due - started < room ? due - started : room;
}

void
load_record_write(const struct load_record *r, FILE *f)
{
	fprintf(f, "%.6f,%s,%d,%.3f,%s", r->start,
	        load_outcome_name(r->outcome), r->status, r->latency_ms,
	        r->server);
}

/* The next comma-separated field of *p, NUL-terminated in place. */
static char *
loadstats_field(char **p)
{
	char *s = *p, *comma;

	if (s == NULL)
		return NULL;
	comma = strchr(s, ',');
	if (comma != NULL) {
		*comma = '\0';
		*p = comma + 1;
	} else {
		*p = NULL;
	}
	return s;
}

int
load_record_parse(const char *line, struct load_record *ret)
{
	char buf[256], *p = buf, *f[5], *end;
	struct load_record r;
	size_t len = strcspn(line, "\r\n");
	long status;
	int i;

	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, line, len);
	buf[len] = '\0';
	for (i = 0; i < 5; i++)
		if ((f[i] = loadstats_field(&p)) == NULL)
			return -EINVAL;
	if (p != NULL || strlen(f[4]) >= sizeof(r.server))
		return -EINVAL;
	memset(&r, 0, sizeof(r));
	r.start = strtod(f[0], &end);
	if (end == f[0] || *end != '\0')
		return -EINVAL;
	r.outcome = load_outcome_from_name(f[1]);
	if (r.outcome == LOAD_OUTCOME_INVALID)
		return -EINVAL;
	status = strtol(f[2], &end, 10);
	if (end == f[2] || *end != '\0' || status < 0 || status > 999)
		return -EINVAL;
	r.status = (int)status;
	r.latency_ms = strtod(f[3], &end);
	if (end == f[3] || *end != '\0' || r.latency_ms < 0)
		return -EINVAL;
	strcpy(r.server, f[4]);
	*ret = r;
	return 0;
}

int
load_records_read(FILE *f, struct load_record **ret, size_t *ret_n,
                  size_t *ret_line)
{
	struct load_record *v = NULL;
	size_t n = 0, cap = 0, lineno = 0;
	char line[512];

	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (line[strspn(line, " \r\n")] == '\0' ||
		    strncmp(line, load_csv_header, strlen(load_csv_header)) ==
		        0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			v = xrealloc(v, cap * sizeof(*v));
		}
		if (load_record_parse(line, &v[n]) < 0) {
			free(v);
			*ret_line = lineno;
			return -EINVAL;
		}
		n++;
	}
	if (ferror(f)) {
		free(v);
		return -EIO;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static int
loadstats_server_cmp(const void *a, const void *b)
{
	const struct load_server *x = a, *y = b;

	return strcmp(x->server, y->server);
}

void
load_by_server(const struct load_record *v, size_t n, struct load_server **ret,
               size_t *ret_n)
{
	struct load_server *s = NULL;
	size_t ns = 0, i, j;

	for (i = 0; i < n; i++) {
		if (v[i].outcome != LOAD_OK || v[i].server[0] == '\0')
			continue;
		for (j = 0; j < ns; j++)
			if (strcmp(s[j].server, v[i].server) == 0)
				break;
		if (j == ns) {
			/* Few servers: grow one at a time. */
			s = xrealloc(s, (ns + 1) * sizeof(*s));
			memset(&s[ns], 0, sizeof(*s));
			strcpy(s[ns].server, v[i].server);
			ns++;
		}
		s[j].requests++;
		s[j].total_ms += v[i].latency_ms;
	}
	if (ns > 1)
		qsort(s, ns, sizeof(*s), loadstats_server_cmp);
	*ret = s;
	*ret_n = ns;
}

void
load_timeline(const struct load_record *v, size_t n, double origin, double from,
              double to, double bucket_s, struct load_bucket **ret,
              size_t *ret_n)
{
	size_t nb = 0, i;
	struct load_bucket *b;

	if (bucket_s > 0 && to > from)
		nb = (size_t)ceil((to - from) / bucket_s - 1e-9);
	b = xcalloc(nb ? nb : 1, sizeof(*b));
	for (i = 0; i < n; i++) {
		/* Times are Unix seconds: allow for rounding at the edges. */
		double t = (v[i].start - origin - from) / bucket_s + 1e-6;
		size_t k;

		if (t < 0 || nb == 0)
			continue;
		k = (size_t)floor(t);
		if (k >= nb)
			continue;
		if (v[i].outcome == LOAD_OK)
			b[k].ok++;
		else
			b[k].failed++;
	}
	*ret = b;
	*ret_n = nb;
}
