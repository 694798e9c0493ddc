/*
 * The words of the HTTP layer: error messages taken from OpenStack and
 * Kubernetes error bodies, status checks, JSON bodies, Retry-After values,
 * and redaction of secrets for debugging output.
 *
 * Nothing here does I/O. Redaction errs on the side of hiding too much.
 */
#include "http.h"
#include "http_internal.h"
#include "strbuf.h"
#include "xalloc.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HTTP_MESSAGE_MAX 400

static struct json_object *
http_json_parse(const char *s, size_t len)
{
	struct json_tokener *tok;
	struct json_object *o;

	if (!s || len == 0 || len > 64 * 1024 * 1024)
		return NULL;
	tok = json_tokener_new();
	if (!tok)
		return NULL;
	o = json_tokener_parse_ex(tok, s, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(o);
		o = NULL;
	} else if (json_tokener_get_parse_end(tok) < len) {
		/* Trailing bytes: only whitespace is fine. */
		const char *p = s + json_tokener_get_parse_end(tok);
		const char *end = s + len;

		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p < end) {
			json_object_put(o);
			o = NULL;
		}
	}
	json_tokener_free(tok);
	return o;
}

/* One line, no runs of blanks, bounded length. */
static char *
http_message_clean(const char *s, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	bool space = false;
	size_t i;

	for (i = 0; i < n && sb.len < HTTP_MESSAGE_MAX; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (isspace(ch) || ch < 0x20) {
			space = sb.len > 0;
			continue;
		}
		if (space)
			strbuf_putc(&sb, ' ');
		space = false;
		strbuf_putc(&sb, (char)ch);
	}
	if (i < n)
		strbuf_puts(&sb, "...");
	if (sb.len == 0) {
		strbuf_done(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}

static const char *
http_json_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/*
 * Shapes handled: {"message"} (Kubernetes Status, Glance), {"faultstring"}
 * (Octavia), {"error": {"message"}} (Keystone), {"error": "text"},
 * {"<anyFault>": {"message"}} (Nova badRequest/itemNotFound/...,
 * NeutronError).
 */
static const char *
http_json_error_message(struct json_object *o)
{
	struct json_object *err;
	const char *m;

	if (!json_object_is_type(o, json_type_object))
		return NULL;
	if ((m = http_json_str(o, "message")))
		return m;
	if ((m = http_json_str(o, "faultstring")))
		return m;
	if (json_object_object_get_ex(o, "error", &err)) {
		if (json_object_is_type(err, json_type_string))
			return json_object_get_string(err);
		if ((m = http_json_str(err, "message")))
			return m;
	}
	json_object_object_foreach(o, key, val)
	{
		(void)key;
		if ((m = http_json_str(val, "message")))
			return m;
	}
	return NULL;
}

char *
http_error_message(const char *body, size_t len)
{
	struct json_object *o;
	const char *m, *t, *te;
	char *ret = NULL;

	if (!body || len == 0)
		return NULL;
	o = http_json_parse(body, len);
	if (o) {
		m = http_json_error_message(o);
		if (m)
			ret = http_message_clean(m, strlen(m));
		json_object_put(o);
		return ret;
	}
	/* An HTML error page from a proxy or WSGI server: its title. */
	t = strstr(body, "<title>");
	if (t) {
		t += 7;
		te = strstr(t, "</title>");
		if (te)
			return http_message_clean(t, (size_t)(te - t));
	}
	if (body[0] == '<')
		return NULL;
	return http_message_clean(body, strcspn(body, "\n"));
}

int
http_response_check(const struct http_response *r, struct diag *reterr)
{
	char *msg;
	int err;

	if (r->error < 0)
		return r->error;
	if (r->status >= 200 && r->status < 300)
		return 0;
	msg = http_error_message(r->body, r->body_len);
	if (r->attempts > 1)
		diag_error(reterr, NULL, "%s %s -> %ld: %s (after %u attempts)",
		           r->method, r->url, r->status,
		           msg         ? msg
		           : r->reason ? r->reason
		                       : "no message",
		           r->attempts);
	else
		diag_error(reterr, NULL, "%s %s -> %ld: %s", r->method, r->url,
		           r->status,
		           msg         ? msg
		           : r->reason ? r->reason
		                       : "no message");
	free(msg);
	switch (r->status) {
	case 404:
		err = -ENOENT;
		break;
	case 401:
	case 403:
		err = -EACCES;
		break;
	case 409:
		err = -EEXIST;
		break;
	case 429:
	case 503:
		err = -EAGAIN;
		break;
	default:
		err = -EPROTO;
		break;
	}
	return err;
}

int
http_response_json(const struct http_response *r, struct json_object **ret,
                   struct diag *reterr)
{
	struct json_object *o = http_json_parse(r->body, r->body_len);

	if (!o) {
		diag_error(reterr, NULL, "%s %s -> %ld: the body is not JSON",
		           r->method, r->url, r->status);
		return -EPROTO;
	}
	*ret = o;
	return 0;
}

int64_t
http_retry_after_ms(const char *value, int64_t now_ms)
{
	const char *p = value;
	long long secs = 0;
	time_t t;

	if (!value)
		return -1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (isdigit((unsigned char)*p)) {
		for (; isdigit((unsigned char)*p); p++) {
			if (secs > 1000000000LL)
				return -1;
			secs = secs * 10 + (*p - '0');
		}
		while (*p == ' ' || *p == '\t')
			p++;
		return *p ? -1 : secs * 1000;
	}
	t = curl_getdate(p, NULL);
	if (t == (time_t)-1)
		return -1;
	if ((int64_t)t * 1000 <= now_ms)
		return 0;
	return (int64_t)t * 1000 - now_ms;
}

/* ---- redaction ---- */

bool
http_header_is_secret(const char *name)
{
	static const char *const secret[] = {
	    "X-Auth-Token",        "X-Subject-Token", "Authorization",
	    "Proxy-Authorization", "Cookie",          "Set-Cookie",
	};
	size_t i;

	for (i = 0; i < sizeof(secret) / sizeof(secret[0]); i++) {
		if (strcasecmp(name, secret[i]) == 0)
			return true;
	}
	return false;
}

char *
http_redact_header(const char *line)
{
	const char *colon = strchr(line, ':');
	char *name;
	bool secret;

	if (!colon)
		return xstrdup(line);
	name = xstrndup(line, (size_t)(colon - line));
	secret = http_header_is_secret(name);
	free(name);
	if (!secret)
		return xstrdup(line);
	return xasprintf("%.*s: ***", (int)(colon - line), line);
}

static bool
http_key_is_secret(const char *key)
{
	static const char *const words[] = {"password", "secret", "token"};
	size_t i, kl = strlen(key), wl;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		wl = strlen(words[i]);
		if (kl < wl || strcasecmp(key + kl - wl, words[i]) != 0)
			continue;
		if (kl == wl || key[kl - wl - 1] == '_' ||
		    key[kl - wl - 1] == '-')
			return true;
	}
	return false;
}

static void
http_redact_json(struct json_object *o)
{
	size_t i, n;

	if (json_object_is_type(o, json_type_array)) {
		n = json_object_array_length(o);
		for (i = 0; i < n; i++)
			http_redact_json(json_object_array_get_idx(o, i));
		return;
	}
	if (!json_object_is_type(o, json_type_object))
		return;
	json_object_object_foreach(o, key, val)
	{
		if (json_object_is_type(val, json_type_object) ||
		    json_object_is_type(val, json_type_array)) {
			http_redact_json(val);
		} else if (http_key_is_secret(key) &&
		           !json_object_is_type(val, json_type_null)) {
			/* Replacing the value of an existing key keeps the
			 * table entry, so the iteration stays valid. */
			json_object_object_add(o, key,
			                       json_object_new_string("***"));
		}
	}
}

static bool
http_mentions_secret(const char *s, size_t n)
{
	static const char *const words[] = {"password", "secret", "token"};
	size_t i, j, wl;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		wl = strlen(words[i]);
		for (j = 0; j + wl <= n; j++) {
			if (strncasecmp(s + j, words[i], wl) == 0)
				return true;
		}
	}
	return false;
}

char *
http_redact_body(const char *body, size_t len)
{
	struct json_object *o;
	char *ret;

	if (!body)
		return xstrdup("");
	if (len == 0)
		len = strlen(body);
	o = http_json_parse(body, len);
	if (!o) {
		if (http_mentions_secret(body, len))
			return xasprintf("[%zu bytes, not shown: may hold a "
			                 "secret]",
			                 len);
		return xstrndup(body, len);
	}
	http_redact_json(o);
	ret = xstrdup(json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return ret;
}
