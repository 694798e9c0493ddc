/*
 * Identifiers, clocks and json-c accessors for localvim. Pure helpers: no
 * state besides the random generator, no I/O besides seeding and
 * lv_write_file.
 */
#include "lvutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xalloc.h"

static uint64_t lvutil_state = 0x9e3779b97f4a7c15ULL;

void
lv_random_seed(void)
{
	uint64_t seed = 0;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read(fd, &seed, sizeof(seed)) != (ssize_t)sizeof(seed))
			seed = 0;
		close(fd);
	}
	if (seed == 0) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^
		       (uint64_t)getpid();
	}
	lvutil_state ^= seed;
	if (lvutil_state == 0)
		lvutil_state = 1;
}

uint64_t
lv_random(void)
{
	/* xorshift64*: fast and good enough for identifiers. */
	lvutil_state ^= lvutil_state >> 12;
	lvutil_state ^= lvutil_state << 25;
	lvutil_state ^= lvutil_state >> 27;
	return lvutil_state * 0x2545F4914F6CDD1DULL;
}

void
lv_hex(char *out, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = digits[lv_random() & 15];
	out[n] = '\0';
}

void
lv_uuid(char out[37])
{
	char h[33];

	lv_hex(h, 32);
	h[12] = '4';
	h[16] = "89ab"[lv_random() & 3];
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16,
	         h + 20);
}

double
lv_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
lv_time_iso(char out[40], time_t t, bool frac, bool zulu)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	/* Years stay four digits for any time this process will see. */
	strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
	if (frac)
		strcat(out, ".000000");
	if (zulu)
		strcat(out, "Z");
}

struct json_object *
lv_json_idx(struct json_object *arr, size_t i)
{
	if (arr == NULL || !json_object_is_type(arr, json_type_array) ||
	    i >= json_object_array_length(arr))
		return NULL;
	return json_object_array_get_idx(arr, i);
}

size_t
lv_json_len(struct json_object *arr)
{
	if (arr == NULL || !json_object_is_type(arr, json_type_array))
		return 0;
	return json_object_array_length(arr);
}

struct json_object *
lv_json_get(struct json_object *obj, const char *key)
{
	struct json_object *v = NULL;

	if (obj == NULL || !json_object_is_type(obj, json_type_object))
		return NULL;
	if (!json_object_object_get_ex(obj, key, &v))
		return NULL;
	return v;
}

const char *
lv_json_str(struct json_object *obj, const char *key)
{
	struct json_object *v = lv_json_get(obj, key);

	if (v == NULL || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int64_t
lv_json_int(struct json_object *obj, const char *key, int64_t def)
{
	struct json_object *v = lv_json_get(obj, key);

	if (v == NULL)
		return def;
	if (json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double))
		return json_object_get_int64(v);
	if (json_object_is_type(v, json_type_string)) {
		char *end;
		long long n = strtoll(json_object_get_string(v), &end, 10);

		if (*end == '\0' && end != json_object_get_string(v))
			return n;
	}
	return def;
}

bool
lv_json_bool(struct json_object *obj, const char *key, bool def)
{
	struct json_object *v = lv_json_get(obj, key);

	if (v == NULL || !json_object_is_type(v, json_type_boolean))
		return def;
	return json_object_get_boolean(v);
}

void
lv_json_set_str(struct json_object *obj, const char *key, const char *val)
{
	json_object_object_add(obj, key,
	                       val ? json_object_new_string(val) : NULL);
}

void
lv_json_set_int(struct json_object *obj, const char *key, int64_t val)
{
	json_object_object_add(obj, key, json_object_new_int64(val));
}

void
lv_json_set_bool(struct json_object *obj, const char *key, bool val)
{
	json_object_object_add(obj, key, json_object_new_boolean(val));
}

void
lv_json_set_null(struct json_object *obj, const char *key)
{
	json_object_object_add(obj, key, NULL);
}

void
lv_json_set_now(struct json_object *obj, const char *key, bool frac, bool zulu)
{
	char buf[40];

	lv_time_iso(buf, time(NULL), frac, zulu);
	lv_json_set_str(obj, key, buf);
}

struct json_object *
lv_json_strv(const char *const *v)
{
	struct json_object *arr = json_object_new_array();

	while (v != NULL && *v != NULL)
		json_object_array_add(arr, json_object_new_string(*v++));
	return arr;
}

bool
lv_json_array_has(struct json_object *arr, const char *s)
{
	size_t i, n;

	if (arr == NULL || !json_object_is_type(arr, json_type_array))
		return false;
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		const char *e =
		    json_object_get_string(json_object_array_get_idx(arr, i));

		if (e != NULL && strcmp(e, s) == 0)
			return true;
	}
	return false;
}

int
lv_json_array_remove(struct json_object *arr, const char *s)
{
	size_t i;
	int removed = 0;

	if (arr == NULL || !json_object_is_type(arr, json_type_array))
		return 0;
	for (i = json_object_array_length(arr); i > 0; i--) {
		const char *e = json_object_get_string(
		    json_object_array_get_idx(arr, i - 1));

		if (e != NULL && strcmp(e, s) == 0) {
			json_object_array_del_idx(arr, i - 1, 1);
			removed++;
		}
	}
	return removed;
}

struct json_object *
lv_json_copy(struct json_object *obj)
{
	struct json_object *dst = NULL;

	if (obj == NULL)
		return NULL;
	if (json_object_deep_copy(obj, &dst, NULL) != 0)
		abort();
	return dst;
}

char *
lv_json_scalar_text(struct json_object *v)
{
	if (v == NULL)
		return xstrdup("None");
	if (json_object_is_type(v, json_type_string))
		return xstrdup(json_object_get_string(v));
	if (json_object_is_type(v, json_type_boolean))
		return xstrdup(json_object_get_boolean(v) ? "true" : "false");
	if (json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double))
		return xstrdup(
		    json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
	return NULL;
}

int
lv_write_file(const char *path, const char *data, int mode)
{
	char *tmp = xasprintf("%s.tmp", path);
	size_t len = strlen(data), off = 0;
	int fd, r = 0;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		off += (size_t)w;
	}
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
out:
	free(tmp);
	return r;
}
