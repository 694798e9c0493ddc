/*
 * The daemon's log: one line per event on stderr (or a given stream),
 * human-readable (`TIME LEVEL ns/vnf/vdu: message key=value...`) or JSON
 * lines (`{"ts":..,"level":..,"msg":..,"ns":..}`) for machines. Only the
 * controller logs; libraries return errors. Values are redacted before
 * they are written: fields whose key names a secret print as "***", and
 * userinfo in URLs (scheme://user:pass@host) as ***@.
 */
#ifndef NFV_LOG_H
#define NFV_LOG_H

#include <stdbool.h>
#include <stdio.h>

enum log_level {
	LOG_DEBUG,
	LOG_INFO,
	LOG_WARN,
	LOG_ERROR,
	LOG_LEVEL_MAX,
	LOG_LEVEL_INVALID = -22,
};

enum log_format {
	LOG_FORMAT_TEXT,
	LOG_FORMAT_JSON,
	LOG_FORMAT_MAX,
	LOG_FORMAT_INVALID = -22,
};

/* One key=value of an event; a NULL value is left out. */
struct log_field {
	const char *key;
	const char *value;
};

/* A field list for log_write: LOG_FIELDS({"ns", ns}, {"vim", vim}). */
#define LOG_FIELDS(...) ((const struct log_field[]){__VA_ARGS__, {NULL, NULL}})

/* Where, how and from which level on to log (default: stderr, text,
 * info). out is borrowed. */
void log_setup(FILE *out, enum log_format format, enum log_level min);
enum log_format log_format_parse(const char *s);
bool log_enabled(enum log_level level);

/* Writes one event; fields (NULL-terminated by key, may be NULL) give its
 * context. The keys ns, vnf and vdu form the text prefix ns/vnf/vdu:. */
void log_write(enum log_level level, const struct log_field *fields,
               const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define log_at(level, fields, ...)                                             \
	do {                                                                   \
		if (log_enabled(level))                                        \
			log_write(level, fields, __VA_ARGS__);                 \
	} while (0)
#define log_debug(fields, ...) log_at(LOG_DEBUG, fields, __VA_ARGS__)
#define log_info(fields, ...) log_at(LOG_INFO, fields, __VA_ARGS__)
#define log_warn(fields, ...) log_at(LOG_WARN, fields, __VA_ARGS__)
#define log_error(fields, ...) log_at(LOG_ERROR, fields, __VA_ARGS__)

/* The text with URL userinfo replaced (caller frees); for tests and for
 * anything else that echoes user-given URLs. */
char *log_redact(const char *s);

#endif
