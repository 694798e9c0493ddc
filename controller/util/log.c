/*
 * The daemon's log lines; see log.h. Writes whole lines with one fputs so
 * that lines from the loop and the HTTP thread do not interleave. Must not
 * write a secret: everything passes log_redact, secret-named keys print
 * as ***.
 */
#include "log.h"
#include "strbuf.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static FILE *log_out;
static enum log_format log_fmt = LOG_FORMAT_TEXT;
static enum log_level log_min = LOG_INFO;

static const char *const log_level_names[LOG_LEVEL_MAX] = {
    "debug",
    "info",
    "warn",
    "error",
};

void
log_setup(FILE *out, enum log_format format, enum log_level min)
{
	log_out = out;
	log_fmt = format;
	log_min = min;
}

enum log_format
log_format_parse(const char *s)
{
	if (strcmp(s, "text") == 0)
		return LOG_FORMAT_TEXT;
	if (strcmp(s, "json") == 0)
		return LOG_FORMAT_JSON;
	return LOG_FORMAT_INVALID;
}

bool
log_enabled(enum log_level level)
{
	return level >= log_min;
}

char *
log_redact(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = s;

	for (;;) {
		const char *scheme = strstr(p, "://");
		const char *auth, *end, *at;

		if (!scheme)
			break;
		auth = scheme + 3;
		end = auth + strcspn(auth, "/?# \t\"'");
		at = memchr(auth, '@', (size_t)(end - auth));
		strbuf_add(&sb, p, (size_t)(auth - p));
		if (at) {
			strbuf_puts(&sb, "***");
			p = at;
		} else {
			p = auth;
		}
	}
	strbuf_puts(&sb, p);
	return strbuf_detach(&sb);
}

static bool
log_key_is_secret(const char *key)
{
	static const char *const words[] = {"password", "secret", "token",
	                                    "authorization", "credential"};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strstr(key, words[i]))
			return true;
	}
	return false;
}

static void
log_json_string(struct strbuf *sb, const char *s)
{
	const unsigned char *p;

	strbuf_putc(sb, '"');
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			strbuf_putc(sb, '\\');
			strbuf_putc(sb, (char)*p);
		} else if (*p == '\n') {
			strbuf_puts(sb, "\\n");
		} else if (*p == '\t') {
			strbuf_puts(sb, "\\t");
		} else if (*p < 0x20) {
			strbuf_printf(sb, "\\u%04x", *p);
		} else {
			strbuf_putc(sb, (char)*p);
		}
	}
	strbuf_putc(sb, '"');
}

static const char *
log_field_get(const struct log_field *f, const char *key)
{
	for (; f && f->key; f++) {
		if (strcmp(f->key, key) == 0)
			return f->value;
	}
	return NULL;
}

static bool
log_is_prefix_key(const char *key)
{
	return strcmp(key, "ns") == 0 || strcmp(key, "vnf") == 0 ||
	       strcmp(key, "vdu") == 0;
}

static void
log_text_prefix(struct strbuf *sb, const struct log_field *fields)
{
	static const char *const keys[] = {"ns", "vnf", "vdu"};
	bool any = false;
	size_t i;

	for (i = 0; i < 3; i++) {
		const char *v = log_field_get(fields, keys[i]);

		if (!v)
			continue;
		strbuf_printf(sb, "%s%s", any ? "/" : "", v);
		any = true;
	}
	if (any)
		strbuf_puts(sb, ": ");
}

void
log_write(enum log_level level, const struct log_field *fields, const char *fmt,
          ...)
{
	struct strbuf sb = STRBUF_INIT, msg = STRBUF_INIT;
	const struct log_field *f;
	struct timeval tv;
	struct tm tm;
	char ts[32];
	char *clean;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(&msg, fmt, ap);
	va_end(ap);
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	strbuf_printf(&sb, "%s%s.%03ldZ%s",
	              log_fmt == LOG_FORMAT_JSON ? "{\"ts\":\"" : "", ts,
	              (long)(tv.tv_usec / 1000),
	              log_fmt == LOG_FORMAT_JSON ? "\",\"level\":\"" : " ");
	clean = log_redact(strbuf_str(&msg));
	if (log_fmt == LOG_FORMAT_JSON) {
		strbuf_printf(&sb, "%s\",\"msg\":", log_level_names[level]);
		log_json_string(&sb, clean);
	} else {
		strbuf_printf(&sb, "%-5s ", log_level_names[level]);
		log_text_prefix(&sb, fields);
		strbuf_puts(&sb, clean);
	}
	free(clean);
	for (f = fields; f && f->key; f++) {
		if (!f->value ||
		    (log_fmt == LOG_FORMAT_TEXT && log_is_prefix_key(f->key)))
			continue;
		clean = log_key_is_secret(f->key) ? xstrdup("***")
		                                  : log_redact(f->value);
		if (log_fmt == LOG_FORMAT_JSON) {
			strbuf_putc(&sb, ',');
			log_json_string(&sb, f->key);
			strbuf_putc(&sb, ':');
			log_json_string(&sb, clean);
		} else if (strpbrk(clean, " \t\"=") || !*clean) {
			strbuf_printf(&sb, " %s=", f->key);
			log_json_string(&sb, clean);
		} else {
			strbuf_printf(&sb, " %s=%s", f->key, clean);
		}
		free(clean);
	}
	strbuf_puts(&sb, log_fmt == LOG_FORMAT_JSON ? "}\n" : "\n");
	fputs(strbuf_str(&sb), log_out ? log_out : stderr);
	fflush(log_out ? log_out : stderr);
	strbuf_done(&sb);
	strbuf_done(&msg);
}
