/*
 * Small helpers shared by localvim's modules: identifiers, clocks, RFC 3339
 * timestamps and json-c accessors. Nothing here knows any VIM protocol.
 */
#ifndef LV_UTIL_H
#define LV_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <json-c/json.h>

/* Seeds the identifier generator from /dev/urandom (or the clock). */
void lv_random_seed(void);
uint64_t lv_random(void);
/* A random RFC 4122 version 4 UUID, 36 characters + NUL. */
void lv_uuid(char out[37]);
/* n random lower-case hex digits + NUL into out (n + 1 bytes). */
void lv_hex(char *out, size_t n);

/* Monotonic seconds, for deadlines. */
double lv_now(void);
/* Wall clock as "2026-11-24T19:09:31Z" (frac: ".000000" before Z). */
void lv_time_iso(char out[40], time_t t, bool frac, bool zulu);

/* Borrowed string member of obj or NULL when missing or not a string. */
const char *lv_json_str(struct json_object *obj, const char *key);
/* Integer member or def when missing. */
int64_t lv_json_int(struct json_object *obj, const char *key, int64_t def);
bool lv_json_bool(struct json_object *obj, const char *key, bool def);
/* Element i of an array, or NULL when arr is not an array or too short
 * (json-c's own accessors assert on a non-array). */
struct json_object *lv_json_idx(struct json_object *arr, size_t i);
/* Length of an array; 0 for NULL or a non-array. */
size_t lv_json_len(struct json_object *arr);
/* Object member or NULL. */
struct json_object *lv_json_get(struct json_object *obj, const char *key);
void lv_json_set_str(struct json_object *obj, const char *key, const char *val);
void lv_json_set_int(struct json_object *obj, const char *key, int64_t val);
void lv_json_set_bool(struct json_object *obj, const char *key, bool val);
void lv_json_set_null(struct json_object *obj, const char *key);
/* Sets key to a timestamp "now" in the given style. */
void lv_json_set_now(struct json_object *obj, const char *key, bool frac,
                     bool zulu);
/* An array of strings from a NULL-terminated list. */
struct json_object *lv_json_strv(const char *const *v);
/* True when array arr holds the string s. */
bool lv_json_array_has(struct json_object *arr, const char *s);
/* Removes every string equal to s from arr; returns how many. */
int lv_json_array_remove(struct json_object *arr, const char *s);
/* A deep copy (never NULL for a non-NULL input). */
struct json_object *lv_json_copy(struct json_object *obj);
/* The value as text for filter comparison: strings as is, numbers and
 * booleans as JSON ("true", "80"), null as "None"; caller frees. */
char *lv_json_scalar_text(struct json_object *v);

/* Writes data to path atomically (tmp + rename). Returns 0 or -errno. */
int lv_write_file(const char *path, const char *data, int mode);

#endif
