/*
 * The reconcile loop's pure decisions, apart so that they are unit-tested
 * without a clock, a VIM or a source: the interval's jitter, the debounce
 * of bursts of file events, the per-service exponential backoff after a
 * failure, and the respawn budget that keeps a crash-looping VNF from
 * causing a storm of respawns. Times are seconds on any monotonic clock,
 * passed in by the caller. No I/O.
 */
#ifndef NFV_LOOP_POLICY_H
#define NFV_LOOP_POLICY_H

#include <stdbool.h>
#include <stddef.h>

/* interval scaled by 1 + share * (2u - 1), u in [0, 1): within
 * [interval * (1 - share), interval * (1 + share)). */
double policy_jitter_s(double interval_s, double share, double u);

/* When a burst of events should trigger a cycle: quiet_s after the last
 * event, but no later than max_wait_s after the first. */
double policy_debounce_at(double first, double last, double quiet_s,
                          double max_wait_s);

/* base_s * 2^(failures - 1), at most cap_s; 0 for no failure. */
double policy_backoff_s(unsigned failures, double base_s, double cap_s);

#define POLICY_RESPAWN_MAX 8

struct policy_entry {
	char *key;
	unsigned failures;
	double retry_at;                     /* backing off until */
	double respawns[POLICY_RESPAWN_MAX]; /* times, oldest first */
	size_t nrespawns;
};

struct policy {
	double backoff_base_s; /* first retry after a failure */
	double backoff_cap_s;
	unsigned respawn_max; /* respawns allowed per window (<= 8)... */
	double respawn_window_s;
	struct policy_entry *entries;
	size_t n;
};

/* Defaults: backoff 5 s doubling to 300 s; 3 respawns per 600 s. */
void policy_init(struct policy *p);
void policy_done(struct policy *p);

/* A service's cycle failed at now: back off. */
void policy_failed(struct policy *p, const char *key, double now);
/* It succeeded: no more backoff. */
void policy_succeeded(struct policy *p, const char *key);
/* True while key backs off (and *until, if given, says till when). */
bool policy_backing_off(const struct policy *p, const char *key, double now,
                        double *until);
/* Earliest retry time of any service backing off at now; 0 if none. */
double policy_next_retry(const struct policy *p, double now);
unsigned policy_failures(const struct policy *p, const char *key);

/* May the VDU instance key be respawned at now? False once respawn_max
 * respawns happened within the last respawn_window_s (*until, if given:
 * when the oldest of them leaves the window). */
bool policy_respawn_allowed(struct policy *p, const char *key, double now,
                            double *until);
void policy_respawned(struct policy *p, const char *key, double now);

#endif
