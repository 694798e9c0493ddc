/* The loop's pure decisions; see loop_policy.h. No I/O, no clock. */
#include "loop_policy.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

double
policy_jitter_s(double interval_s, double share, double u)
{
	return interval_s * (1.0 + share * (2.0 * u - 1.0));
}

double
policy_debounce_at(double first, double last, double quiet_s, double max_wait_s)
{
	double quiet = last + quiet_s, cap = first + max_wait_s;

	return quiet < cap ? quiet : cap;
}

double
policy_backoff_s(unsigned failures, double base_s, double cap_s)
{
	double d = base_s;
	unsigned i;

	if (failures == 0)
		return 0;
	for (i = 1; i < failures && d < cap_s; i++)
		d *= 2;
	return d < cap_s ? d : cap_s;
}

void
policy_init(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	p->backoff_base_s = 5;
	p->backoff_cap_s = 300;
	p->respawn_max = 3;
	p->respawn_window_s = 600;
}

void
policy_done(struct policy *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->entries[i].key);
	free(p->entries);
	p->entries = NULL;
	p->n = 0;
}

static struct policy_entry *
policy_find(const struct policy *p, const char *key)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (strcmp(p->entries[i].key, key) == 0)
			return &p->entries[i];
	}
	return NULL;
}

static struct policy_entry *
policy_get(struct policy *p, const char *key)
{
	struct policy_entry *e = policy_find(p, key);

	if (e)
		return e;
	p->entries = xrealloc(p->entries, (p->n + 1) * sizeof(*p->entries));
	e = &p->entries[p->n++];
	memset(e, 0, sizeof(*e));
	e->key = xstrdup(key);
	return e;
}

void
policy_failed(struct policy *p, const char *key, double now)
{
	struct policy_entry *e = policy_get(p, key);

	e->failures++;
	e->retry_at = now + policy_backoff_s(e->failures, p->backoff_base_s,
	                                     p->backoff_cap_s);
}

void
policy_succeeded(struct policy *p, const char *key)
{
	struct policy_entry *e = policy_find(p, key);

	if (e) {
		e->failures = 0;
		e->retry_at = 0;
	}
}

bool
policy_backing_off(const struct policy *p, const char *key, double now,
                   double *until)
{
	const struct policy_entry *e = policy_find(p, key);

	if (!e || e->failures == 0 || e->retry_at <= now)
		return false;
	if (until)
		*until = e->retry_at;
	return true;
}

double
policy_next_retry(const struct policy *p, double now)
{
	double next = 0;
	size_t i;

	for (i = 0; i < p->n; i++) {
		const struct policy_entry *e = &p->entries[i];

		if (e->failures && e->retry_at > now &&
		    (next == 0 || e->retry_at < next))
			next = e->retry_at;
	}
	return next;
}

unsigned
policy_failures(const struct policy *p, const char *key)
{
	const struct policy_entry *e = policy_find(p, key);

	return e ? e->failures : 0;
}

/* Forgets respawns that left the window. */
static void
policy_prune(const struct policy *p, struct policy_entry *e, double now)
{
	size_t k = 0;

	while (k < e->nrespawns && e->respawns[k] <= now - p->respawn_window_s)
		k++;
	memmove(e->respawns, e->respawns + k,
	        (e->nrespawns - k) * sizeof(e->respawns[0]));
	e->nrespawns -= k;
}

bool
policy_respawn_allowed(struct policy *p, const char *key, double now,
                       double *until)
{
	struct policy_entry *e = policy_find(p, key);
	unsigned max = p->respawn_max < POLICY_RESPAWN_MAX ? p->respawn_max
	                                                   : POLICY_RESPAWN_MAX;

	if (!e)
		return max > 0;
	policy_prune(p, e, now);
	if (e->nrespawns < max)
		return true;
	if (until)
		*until =
		    e->nrespawns ? e->respawns[0] + p->respawn_window_s : now;
	return false;
}

void
policy_respawned(struct policy *p, const char *key, double now)
{
	struct policy_entry *e = policy_get(p, key);

	policy_prune(p, e, now);
	if (e->nrespawns == POLICY_RESPAWN_MAX) {
		memmove(e->respawns, e->respawns + 1,
		        (POLICY_RESPAWN_MAX - 1) * sizeof(e->respawns[0]));
		e->nrespawns--;
	}
	e->respawns[e->nrespawns++] = now;
}
