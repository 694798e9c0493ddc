/*
 * Field-level drift of Deployments; see k8s_drift.h. Field names follow the
 * apps/v1 Deployment and core/v1 Container API references. Must not do
 * I/O; must not call a field drifted when only others' fields changed.
 */
#include "k8s_drift.h"
#include "strbuf.h"
#include "xalloc.h"

#include <json-c/json.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static struct json_object *
k8s_drift_get(struct json_object *o, const char *key)
{
	struct json_object *f;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &f))
		return NULL;
	return f;
}

static const char *
k8s_drift_str(struct json_object *o, const char *key)
{
	struct json_object *f = k8s_drift_get(o, key);

	return f && json_object_is_type(f, json_type_string)
	           ? json_object_get_string(f)
	           : NULL;
}

double
k8s_quantity_value(const char *q)
{
	static const struct {
		const char *suffix;
		double factor;
	} units[] = {
	    {"Ki", 1024.0},
	    {"Mi", 1048576.0},
	    {"Gi", 1073741824.0},
	    {"Ti", 1099511627776.0},
	    {"Pi", 1125899906842624.0},
	    {"Ei", 1152921504606846976.0},
	    {"m", 1e-3},
	    {"k", 1e3},
	    {"M", 1e6},
	    {"G", 1e9},
	    {"T", 1e12},
	    {"P", 1e15},
	    {"E", 1e18},
	    {"", 1.0},
	};
	char *end;
	double v;
	size_t i;

	if (!q || !*q)
		return -1;
	v = strtod(q, &end);
	if (end == q || !isfinite(v) || v < 0)
		return -1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].suffix) == 0)
			return v * units[i].factor;
	}
	return -1;
}

/* A copy of o's string members (labels, a resource list). */
static struct json_object *
k8s_drift_strings(struct json_object *o)
{
	struct json_object *out = json_object_new_object();

	if (!o || !json_object_is_type(o, json_type_object))
		return out;
	json_object_object_foreach(o, k, v)
	{
		if (json_object_is_type(v, json_type_string))
			json_object_object_add(
			    out, k,
			    json_object_new_string(json_object_get_string(v)));
		else if (json_object_is_type(v, json_type_int) ||
		         json_object_is_type(v, json_type_double))
			json_object_object_add(
			    out, k,
			    json_object_new_string(json_object_get_string(v)));
	}
	return out;
}

static struct json_object *
k8s_drift_container(struct json_object *c)
{
	struct json_object *out = json_object_new_object();
	struct json_object *res = k8s_drift_get(c, "resources");
	struct json_object *ports = k8s_drift_get(c, "ports");
	struct json_object *p = json_object_new_array();
	size_t i, n;

	if (k8s_drift_str(c, "image"))
		json_object_object_add(
		    out, "image",
		    json_object_new_string(k8s_drift_str(c, "image")));
	json_object_object_add(
	    out, "requests", k8s_drift_strings(k8s_drift_get(res, "requests")));
	json_object_object_add(out, "limits",
	                       k8s_drift_strings(k8s_drift_get(res, "limits")));
	n = ports && json_object_is_type(ports, json_type_array)
	        ? json_object_array_length(ports)
	        : 0;
	for (i = 0; i < n; i++) {
		struct json_object *cp = k8s_drift_get(
		    json_object_array_get_idx(ports, i), "containerPort");

		if (cp)
			json_object_array_add(
			    p, json_object_new_int(json_object_get_int(cp)));
	}
	json_object_object_add(out, "ports", p);
	return out;
}

static struct json_object *
k8s_drift_fields_obj(struct json_object *d)
{
	struct json_object *out = json_object_new_object();
	struct json_object *tmpl =
	    k8s_drift_get(k8s_drift_get(d, "spec"), "template");
	struct json_object *cs =
	    k8s_drift_get(k8s_drift_get(tmpl, "spec"), "containers");
	struct json_object *containers = json_object_new_object();
	size_t i, n;

	json_object_object_add(out, "labels",
	                       k8s_drift_strings(k8s_drift_get(
	                           k8s_drift_get(d, "metadata"), "labels")));
	json_object_object_add(out, "pod_labels",
	                       k8s_drift_strings(k8s_drift_get(
	                           k8s_drift_get(tmpl, "metadata"), "labels")));
	n = cs && json_object_is_type(cs, json_type_array)
	        ? json_object_array_length(cs)
	        : 0;
	for (i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(cs, i);
		const char *name = k8s_drift_str(c, "name");

		if (name)
			json_object_object_add(containers, name,
			                       k8s_drift_container(c));
	}
	json_object_object_add(out, "containers", containers);
	return out;
}

char *
k8s_drift_fields(struct json_object *deployment)
{
	struct json_object *o = k8s_drift_fields_obj(deployment);
	char *s =
	    xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));

	json_object_put(o);
	return s;
}

static void k8s_drift_add(struct strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
k8s_drift_add(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	if (sb->len)
		strbuf_puts(sb, "; ");
	va_start(ap, fmt);
	strbuf_vprintf(sb, fmt, ap);
	va_end(ap);
}

static void
k8s_drift_labels(struct strbuf *sb, const char *what,
                 struct json_object *applied, struct json_object *live)
{
	if (!applied || !json_object_is_type(applied, json_type_object))
		return;
	json_object_object_foreach(applied, k, v)
	{
		const char *want = json_object_get_string(v);
		const char *have = k8s_drift_str(live, k);

		if (!have)
			k8s_drift_add(sb, "%s %s removed", what, k);
		else if (strcmp(have, want) != 0)
			k8s_drift_add(sb, "%s %s=%s (applied %s)", what, k,
			              have, want);
	}
}

static bool
k8s_drift_same_quantity(const char *a, const char *b)
{
	double x = k8s_quantity_value(a), y = k8s_quantity_value(b);

	if (x < 0 || y < 0)
		return strcmp(a, b) == 0;
	return fabs(x - y) <= 1e-9 * fmax(fabs(x), fabs(y));
}

static void
k8s_drift_resources(struct strbuf *sb, const char *cname, const char *what,
                    struct json_object *applied, struct json_object *live)
{
	if (!applied || !json_object_is_type(applied, json_type_object))
		return;
	json_object_object_foreach(applied, k, v)
	{
		const char *want = json_object_get_string(v);
		const char *have = k8s_drift_str(live, k);

		if (!have)
			k8s_drift_add(sb, "container %s: %s.%s removed", cname,
			              what, k);
		else if (!k8s_drift_same_quantity(have, want))
			k8s_drift_add(sb, "container %s: %s.%s %s (applied %s)",
			              cname, what, k, have, want);
	}
}

static void
k8s_drift_ports(struct strbuf *sb, const char *cname,
                struct json_object *applied, struct json_object *live)
{
	size_t i, j, n, m;

	n = applied && json_object_is_type(applied, json_type_array)
	        ? json_object_array_length(applied)
	        : 0;
	m = live && json_object_is_type(live, json_type_array)
	        ? json_object_array_length(live)
	        : 0;
	for (i = 0; i < n; i++) {
		int want =
		    json_object_get_int(json_object_array_get_idx(applied, i));

		for (j = 0; j < m; j++) {
			if (json_object_get_int(
			        json_object_array_get_idx(live, j)) == want)
				break;
		}
		if (j == m)
			k8s_drift_add(sb, "container %s: port %d removed",
			              cname, want);
	}
}

char *
k8s_drift_describe(const char *applied_text, struct json_object *live_obj)
{
	struct json_object *applied = json_tokener_parse(applied_text);
	struct json_object *live, *ac, *lc;
	struct strbuf sb = STRBUF_INIT;

	if (!applied || !json_object_is_type(applied, json_type_object)) {
		json_object_put(applied);
		return NULL;
	}
	live = k8s_drift_fields_obj(live_obj);
	k8s_drift_labels(&sb, "label", k8s_drift_get(applied, "labels"),
	                 k8s_drift_get(live, "labels"));
	k8s_drift_labels(&sb, "pod label", k8s_drift_get(applied, "pod_labels"),
	                 k8s_drift_get(live, "pod_labels"));
	ac = k8s_drift_get(applied, "containers");
	lc = k8s_drift_get(live, "containers");
	if (ac && json_object_is_type(ac, json_type_object)) {
		json_object_object_foreach(ac, name, want)
		{
			struct json_object *have = k8s_drift_get(lc, name);
			const char *wi = k8s_drift_str(want, "image");
			const char *hi = k8s_drift_str(have, "image");

			if (!have) {
				k8s_drift_add(&sb, "container %s removed",
				              name);
				continue;
			}
			if (wi && (!hi || strcmp(wi, hi) != 0))
				k8s_drift_add(&sb,
				              "container %s: image %s "
				              "(applied %s)",
				              name, hi ? hi : "(none)", wi);
			k8s_drift_resources(&sb, name, "requests",
			                    k8s_drift_get(want, "requests"),
			                    k8s_drift_get(have, "requests"));
			k8s_drift_resources(&sb, name, "limits",
			                    k8s_drift_get(want, "limits"),
			                    k8s_drift_get(have, "limits"));
			k8s_drift_ports(&sb, name, k8s_drift_get(want, "ports"),
			                k8s_drift_get(have, "ports"));
		}
	}
	json_object_put(live);
	json_object_put(applied);
	if (sb.len == 0) {
		strbuf_done(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}
