/*
 * Keystone v3 authentication, the service catalog and authenticated
 * requests; see os_session.h. The request bodies built here carry the
 * password: they are wiped after use and never copied into a message.
 */
#include "os_session.h"
#include "strbuf.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

struct os_api_version {
	char *type;
	char *version;
};

struct os_session {
	struct os_config *cfg;
	struct http_client *http;
	char *token; /* secret */
	int64_t expires_ms;
	int64_t refresh_ms; /* when to get the next token */
	char *project_id;
	struct json_object *catalog; /* the token's catalog array */
	struct os_api_version *versions;
	size_t nversions;
};

static void
os_session_wipe(char *s)
{
	volatile char *p = s;

	if (!s)
		return;
	while (*p)
		*p++ = '\0';
}

/* ---- small pure helpers ---- */

static int64_t
os_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int
os_digits(const char **p, int n, int *ret)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -EINVAL;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*ret = v;
	return 0;
}

int
os_parse_time(const char *s, int64_t *ret)
{
	int y, mo, d, h, mi, sec, ms = 0, oh = 0, om = 0, sign = 0, scale;
	const char *p = s;
	int64_t t;

	if (!s || os_digits(&p, 4, &y) < 0 || *p++ != '-' ||
	    os_digits(&p, 2, &mo) < 0 || *p++ != '-' ||
	    os_digits(&p, 2, &d) < 0 || (*p != 'T' && *p != ' '))
		return -EINVAL;
	p++;
	if (os_digits(&p, 2, &h) < 0 || *p++ != ':' ||
	    os_digits(&p, 2, &mi) < 0 || *p++ != ':' ||
	    os_digits(&p, 2, &sec) < 0)
		return -EINVAL;
	if (*p == '.') {
		p++;
		for (scale = 100; isdigit((unsigned char)*p); p++) {
			ms += (*p - '0') * scale;
			scale /= 10;
		}
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '+' ? 1 : -1;
		if (os_digits(&p, 2, &oh) < 0)
			return -EINVAL;
		if (*p == ':')
			p++;
		if (os_digits(&p, 2, &om) < 0)
			return -EINVAL;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return -EINVAL;
	t = os_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	    h * 3600 + mi * 60 + sec - sign * (oh * 3600 + om * 60);
	*ret = t * 1000 + ms;
	return 0;
}

char *
os_keystone_tokens_url(const char *auth_url)
{
	size_t n = strlen(auth_url);

	while (n > 0 && auth_url[n - 1] == '/')
		n--;
	if (n >= 3 && strncmp(auth_url + n - 3, "/v3", 3) == 0)
		return xasprintf("%.*s/auth/tokens", (int)n, auth_url);
	return xasprintf("%.*s/v3/auth/tokens", (int)n, auth_url);
}

/* Is [s, s+n) a version segment such as "v2", "v2.0", "v2.1"? */
static bool
os_is_version(const char *s, size_t n)
{
	size_t i;

	if (n < 2 || s[0] != 'v' || !isdigit((unsigned char)s[1]))
		return false;
	for (i = 2; i < n; i++) {
		if (!isdigit((unsigned char)s[i]) && s[i] != '.')
			return false;
	}
	return true;
}

/* The last path segment of [s, s+n): its start and length. */
static void
os_last_segment(const char *s, size_t n, const char **seg, size_t *len)
{
	size_t i = n;

	while (i > 0 && s[i - 1] != '/')
		i--;
	*seg = s + i;
	*len = n - i;
}

char *
os_url_join(const char *endpoint, const char *path, const char *project_id)
{
	size_t en = strlen(endpoint), vn, ln;
	const char *v, *last;

	while (en > 0 && endpoint[en - 1] == '/')
		en--;
	while (*path == '/')
		path++;
	vn = strcspn(path, "/?");
	if (os_is_version(path, vn)) {
		size_t base = en;

		os_last_segment(endpoint, base, &last, &ln);
		if (project_id && ln == strlen(project_id) &&
		    strncmp(last, project_id, ln) == 0 && last > endpoint) {
			base = (size_t)(last - endpoint) - 1;
			os_last_segment(endpoint, base, &last, &ln);
		}
		v = path;
		if (ln == vn && strncmp(last, v, vn) == 0) {
			path += vn;
			while (*path == '/')
				path++;
		}
	}
	if (!*path)
		return xasprintf("%.*s", (int)en, endpoint);
	if (*path == '?')
		return xasprintf("%.*s%s", (int)en, endpoint, path);
	return xasprintf("%.*s/%s", (int)en, endpoint, path);
}

/* ---- session ---- */

int
os_session_new(const struct os_config *cfg, const struct http_options *http,
               struct os_session **ret, struct diag *reterr)
{
	struct http_options o;
	struct os_session *s;
	int r;

	if (http)
		o = *http;
	else
		http_options_init(&o);
	o.insecure = !cfg->verify;
	o.ca_file = cfg->cacert;
	o.ca_pem = cfg->ca_pem;
	s = xcalloc(1, sizeof(*s));
	r = http_client_new(&o, &s->http, reterr);
	if (r < 0) {
		free(s);
		return r;
	}
	s->cfg = os_config_dup(cfg);
	*ret = s;
	return 0;
}

static void
os_session_forget_token(struct os_session *s)
{
	os_session_wipe(s->token);
	free(s->token);
	s->token = NULL;
	s->expires_ms = 0;
	free(s->project_id);
	s->project_id = NULL;
	json_object_put(s->catalog);
	s->catalog = NULL;
}

void
os_session_free(struct os_session *s)
{
	size_t i;

	if (!s)
		return;
	os_session_forget_token(s);
	for (i = 0; i < s->nversions; i++) {
		free(s->versions[i].type);
		free(s->versions[i].version);
	}
	free(s->versions);
	http_client_free(s->http);
	os_config_free(s->cfg);
	free(s);
}

struct http_client *
os_session_http(struct os_session *s)
{
	return s->http;
}

int64_t
os_session_token_expires_ms(const struct os_session *s)
{
	return s->token ? s->expires_ms : 0;
}

const char *
os_session_project_id(const struct os_session *s)
{
	return s->project_id;
}

void
os_session_set_api_version(struct os_session *s, const char *service_type,
                           const char *version)
{
	size_t i;

	for (i = 0; i < s->nversions; i++) {
		if (strcmp(s->versions[i].type, service_type) == 0)
			break;
	}
	if (i == s->nversions) {
		if (!version)
			return;
		s->versions = xrealloc(s->versions, (s->nversions + 1) *
		                                        sizeof(*s->versions));
		s->versions[i].type = xstrdup(service_type);
		s->versions[i].version = NULL;
		s->nversions++;
	}
	free(s->versions[i].version);
	s->versions[i].version = version ? xstrdup(version) : NULL;
}

static const char *
os_session_api_version(const struct os_session *s, const char *service_type)
{
	size_t i;

	for (i = 0; i < s->nversions; i++) {
		if (strcmp(s->versions[i].type, service_type) == 0)
			return s->versions[i].version;
	}
	return NULL;
}

/* {"id": ...} or {"name": ..., "domain": {"id"|"name": ...}} */
static struct json_object *
os_json_named(const char *id, const char *name, const char *domain_id,
              const char *domain_name)
{
	struct json_object *o = json_object_new_object(), *d;

	if (id) {
		json_object_object_add(o, "id", json_object_new_string(id));
		return o;
	}
	json_object_object_add(o, "name", json_object_new_string(name));
	if (domain_id || domain_name) {
		d = json_object_new_object();
		if (domain_id)
			json_object_object_add(
			    d, "id", json_object_new_string(domain_id));
		else
			json_object_object_add(
			    d, "name", json_object_new_string(domain_name));
		json_object_object_add(o, "domain", d);
	}
	return o;
}

/* The POST /v3/auth/tokens body; it holds the secret. Caller wipes+frees. */
static char *
os_auth_body(const struct os_config *c)
{
	struct json_object *root = json_object_new_object();
	struct json_object *auth = json_object_new_object();
	struct json_object *ident = json_object_new_object();
	struct json_object *methods = json_object_new_array();
	struct json_object *m, *user;
	char *ret;

	if (c->auth_type == OS_AUTH_APPLICATION_CREDENTIAL) {
		json_object_array_add(
		    methods, json_object_new_string("application_credential"));
		m = json_object_new_object();
		if (c->application_credential_id) {
			json_object_object_add(
			    m, "id",
			    json_object_new_string(
			        c->application_credential_id));
		} else {
			json_object_object_add(
			    m, "name",
			    json_object_new_string(
			        c->application_credential_name));
			json_object_object_add(
			    m, "user",
			    os_json_named(c->user_id, c->username,
			                  c->user_domain_id,
			                  c->user_domain_name));
		}
		json_object_object_add(
		    m, "secret",
		    json_object_new_string(c->application_credential_secret));
		json_object_object_add(ident, "methods", methods);
		json_object_object_add(ident, "application_credential", m);
		json_object_object_add(auth, "identity", ident);
		/* An application credential is bound to its project: no
		 * scope may be given. */
	} else {
		json_object_array_add(methods,
		                      json_object_new_string("password"));
		user = os_json_named(c->user_id, c->username, c->user_domain_id,
		                     c->user_domain_name);
		json_object_object_add(user, "password",
		                       json_object_new_string(c->password));
		m = json_object_new_object();
		json_object_object_add(m, "user", user);
		json_object_object_add(ident, "methods", methods);
		json_object_object_add(ident, "password", m);
		json_object_object_add(auth, "identity", ident);
		if (c->project_id || c->project_name) {
			struct json_object *scope = json_object_new_object();

			json_object_object_add(
			    scope, "project",
			    os_json_named(c->project_id, c->project_name,
			                  c->project_domain_id,
			                  c->project_domain_name));
			json_object_object_add(auth, "scope", scope);
		}
	}
	json_object_object_add(root, "auth", auth);
	ret = xstrdup(json_object_to_json_string_ext(
	    root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	/* Wiping json-c's own copies is not possible through its API:
	 * keeping the secret out of freed memory is best effort. */
	json_object_put(root);
	return ret;
}

int
os_session_authenticate(struct os_session *s, struct diag *reterr)
{
	struct http_request req;
	struct http_response resp;
	struct json_object *o = NULL, *tok, *v, *proj;
	const char *subject, *exp;
	char *body, *url;
	int64_t expires;
	int r;

	os_session_forget_token(s);
	url = os_keystone_tokens_url(s->cfg->auth_url);
	body = os_auth_body(s->cfg);
	memset(&req, 0, sizeof(req));
	req.service = "identity";
	req.method = "POST";
	req.url = url;
	req.body = body;
	r = http_do(s->http, &req, &resp, reterr);
	os_session_wipe(body);
	free(body);
	free(url);
	if (r < 0)
		goto out;
	r = http_response_check(&resp, reterr);
	if (r < 0)
		goto out;
	subject = http_response_header(&resp, "X-Subject-Token");
	if (!subject || !*subject) {
		diag_error(reterr, NULL,
		           "%s %s -> %ld: no X-Subject-Token header in the "
		           "answer",
		           resp.method, resp.url, resp.status);
		r = -EPROTO;
		goto out;
	}
	r = http_response_json(&resp, &o, reterr);
	if (r < 0)
		goto out;
	if (!json_object_object_get_ex(o, "token", &tok) ||
	    !json_object_object_get_ex(tok, "expires_at", &v) ||
	    !(exp = json_object_get_string(v)) ||
	    os_parse_time(exp, &expires) < 0) {
		diag_error(reterr, NULL,
		           "%s %s -> %ld: the token has no valid expires_at",
		           resp.method, resp.url, resp.status);
		r = -EPROTO;
		goto out;
	}
	s->token = xstrdup(subject);
	s->expires_ms = expires;
	/* A token shorter-lived than twice the margin is renewed halfway,
	 * not at every request. */
	{
		int64_t life = expires - http_client_now_ms(s->http);
		int64_t margin = OS_TOKEN_MARGIN_MS;

		if (life / 2 < margin)
			margin = life > 0 ? life / 2 : 0;
		s->refresh_ms = expires - margin;
	}
	if (json_object_object_get_ex(tok, "project", &proj) &&
	    json_object_object_get_ex(proj, "id", &v) &&
	    json_object_is_type(v, json_type_string))
		s->project_id = xstrdup(json_object_get_string(v));
	if (json_object_object_get_ex(tok, "catalog", &v) &&
	    json_object_is_type(v, json_type_array))
		s->catalog = json_object_get(v);
	r = 0;
out:
	json_object_put(o);
	/* The answer's header block holds the token. */
	if (resp.headers) {
		size_t i;

		for (i = 0; i < resp.nheaders; i++)
			os_session_wipe(resp.headers[i].value);
	}
	http_response_done(&resp);
	return r;
}

static bool
os_session_token_valid(struct os_session *s)
{
	return s->token && http_client_now_ms(s->http) < s->refresh_ms;
}

void
os_session_adopt_token(struct os_session *dst, const struct os_session *src)
{
	if (!src->token || src == dst ||
	    http_client_now_ms(dst->http) >= src->refresh_ms ||
	    (dst->token && dst->refresh_ms >= src->refresh_ms))
		return;
	os_session_forget_token(dst);
	dst->token = xstrdup(src->token);
	dst->expires_ms = src->expires_ms;
	dst->refresh_ms = src->refresh_ms;
	dst->project_id = src->project_id ? xstrdup(src->project_id) : NULL;
	/* A copy, not a reference: json-c's reference counts are not to be
	 * shared between threads. */
	if (src->catalog)
		json_object_deep_copy(src->catalog, &dst->catalog, NULL);
}

int
os_session_token(struct os_session *s, const char **ret, struct diag *reterr)
{
	int r;

	if (!os_session_token_valid(s)) {
		r = os_session_authenticate(s, reterr);
		if (r < 0)
			return r;
	}
	*ret = s->token;
	return 0;
}

static const char *
os_json_get_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static const char *
os_endpoint_region(struct json_object *ep)
{
	const char *r = os_json_get_str(ep, "region_id");

	return r ? r : os_json_get_str(ep, "region");
}

static int
os_catalog_endpoint(struct os_session *s, const char *type, char **ret,
                    struct diag *reterr)
{
	const struct os_config *c = s->cfg;
	struct json_object *svc = NULL, *eps, *ep, *pick = NULL;
	struct strbuf types = STRBUF_INIT, regions = STRBUF_INIT;
	const char *t, *iface, *region, *first_region = NULL;
	size_t i, n;
	bool several = false;
	int r = 0;

	n = s->catalog ? json_object_array_length(s->catalog) : 0;
	for (i = 0; i < n; i++) {
		struct json_object *e =
		    json_object_array_get_idx(s->catalog, i);

		t = os_json_get_str(e, "type");
		if (t && strcmp(t, type) == 0) {
			svc = e;
			break;
		}
		if (t)
			strbuf_printf(&types, "%s%s", types.len ? ", " : "", t);
	}
	if (!svc) {
		diag_error(reterr, NULL,
		           "cloud '%s': the service catalog has no '%s' "
		           "service (it has: %s)",
		           c->name, type,
		           types.len ? strbuf_str(&types) : "none");
		r = -ENOENT;
		goto out;
	}
	if (!json_object_object_get_ex(svc, "endpoints", &eps) ||
	    !json_object_is_type(eps, json_type_array))
		eps = NULL;
	n = eps ? json_object_array_length(eps) : 0;
	for (i = 0; i < n; i++) {
		ep = json_object_array_get_idx(eps, i);
		iface = os_json_get_str(ep, "interface");
		region = os_endpoint_region(ep);
		if (!iface || strcmp(iface, c->interface) != 0 ||
		    !os_json_get_str(ep, "url"))
			continue;
		if (c->region_name &&
		    (!region || strcmp(region, c->region_name) != 0))
			continue;
		if (!pick) {
			pick = ep;
			first_region = region;
		} else if (!c->region_name && region && first_region &&
		           strcmp(region, first_region) != 0) {
			several = true;
		}
		if (region && !strstr(strbuf_str(&regions), region))
			strbuf_printf(&regions, "%s%s", regions.len ? ", " : "",
			              region);
	}
	if (!pick) {
		diag_error(reterr, NULL,
		           "cloud '%s': no %s endpoint for '%s'%s%s in the "
		           "service catalog",
		           c->name, c->interface, type,
		           c->region_name ? " in region " : "",
		           c->region_name ? c->region_name : "");
		r = -ENOENT;
		goto out;
	}
	if (several) {
		diag_error(reterr, NULL,
		           "cloud '%s': several regions offer a %s '%s' "
		           "endpoint (%s); set region_name",
		           c->name, c->interface, type, strbuf_str(&regions));
		r = -EINVAL;
		goto out;
	}
	*ret = xstrdup(os_json_get_str(pick, "url"));
out:
	strbuf_done(&types);
	strbuf_done(&regions);
	return r;
}

int
os_session_endpoint(struct os_session *s, const char *service_type, char **ret,
                    struct diag *reterr)
{
	const char *tok;
	int r;

	r = os_session_token(s, &tok, reterr);
	if (r < 0)
		return r;
	return os_catalog_endpoint(s, service_type, ret, reterr);
}

/* The parts of one prepared request that the session owns. */
struct os_prepared {
	char *url;
	char *auth;    /* "X-Auth-Token: ..." (secret) */
	char *version; /* "OpenStack-API-Version: ..." or NULL */
	const char *hdrs[2];
};

static void
os_prepared_done(struct os_prepared *p)
{
	free(p->url);
	os_session_wipe(p->auth);
	free(p->auth);
	free(p->version);
	memset(p, 0, sizeof(*p));
}

static void
os_prepare_auth(struct os_session *s, struct os_prepared *p,
                struct http_request *hr)
{
	os_session_wipe(p->auth);
	free(p->auth);
	p->auth = xasprintf("X-Auth-Token: %s", s->token);
	p->hdrs[0] = p->auth;
	hr->headers = p->hdrs;
	hr->nheaders = p->version ? 2 : 1;
}

int
os_session_request_many(struct os_session *s, const struct os_request *reqs,
                        size_t n, struct http_response *resps,
                        struct diag *reterr)
{
	struct os_prepared *prep = NULL;
	struct http_request *hreqs = NULL, *again = NULL;
	struct http_response *aresps = NULL;
	size_t *idx = NULL, nagain = 0, i, j;
	const char *tok, *ver;
	char *endpoint = NULL;
	int r;

	for (i = 0; i < n; i++)
		memset(&resps[i], 0, sizeof(resps[i]));
	if (n == 0)
		return 0;
	r = os_session_token(s, &tok, reterr);
	if (r < 0)
		return r;
	prep = xcalloc(n ? n : 1, sizeof(*prep));
	hreqs = xcalloc(n ? n : 1, sizeof(*hreqs));
	for (i = 0; i < n; i++) {
		/* Same type as the previous request: same endpoint. */
		if (i == 0 || strcmp(reqs[i].service_type,
		                     reqs[i - 1].service_type) != 0) {
			free(endpoint);
			endpoint = NULL;
			r = os_catalog_endpoint(s, reqs[i].service_type,
			                        &endpoint, reterr);
			if (r < 0)
				goto out;
		}
		prep[i].url =
		    os_url_join(endpoint, reqs[i].path, s->project_id);
		ver = os_session_api_version(s, reqs[i].service_type);
		if (ver)
			prep[i].version =
			    xasprintf("OpenStack-API-Version: %s %s",
			              reqs[i].service_type, ver);
		prep[i].hdrs[1] = prep[i].version;
		hreqs[i].service = reqs[i].service_type;
		hreqs[i].method = reqs[i].method;
		hreqs[i].url = prep[i].url;
		hreqs[i].body = reqs[i].body;
		hreqs[i].max_attempts = reqs[i].max_attempts;
		os_prepare_auth(s, &prep[i], &hreqs[i]);
	}
	r = http_do_many(s->http, hreqs, n, resps, reterr);

	/* 401: the token died early (revoked, Keystone restarted...).
	 * Authenticate once and resend those requests once. */
	idx = xcalloc(n ? n : 1, sizeof(*idx));
	for (i = 0; i < n; i++) {
		if (resps[i].status == 401)
			idx[nagain++] = i;
	}
	if (nagain == 0)
		goto out;
	r = os_session_authenticate(s, reterr);
	if (r < 0)
		goto out;
	again = xcalloc(nagain, sizeof(*again));
	aresps = xcalloc(nagain, sizeof(*aresps));
	for (j = 0; j < nagain; j++) {
		os_prepare_auth(s, &prep[idx[j]], &hreqs[idx[j]]);
		again[j] = hreqs[idx[j]];
	}
	r = http_do_many(s->http, again, nagain, aresps, reterr);
	for (j = 0; j < nagain; j++) {
		http_response_done(&resps[idx[j]]);
		resps[idx[j]] = aresps[j];
	}
	/* A transport failure of the first round is still the answer. */
	for (i = 0; i < n && r == 0; i++) {
		if (resps[i].error < 0)
			r = resps[i].error;
	}
out:
	for (i = 0; i < n; i++)
		os_prepared_done(&prep[i]);
	free(prep);
	free(hreqs);
	free(again);
	free(aresps);
	free(idx);
	free(endpoint);
	return r;
}

int
os_session_request(struct os_session *s, const char *service_type,
                   const char *method, const char *path, const char *body,
                   struct http_response *resp, struct diag *reterr)
{
	struct os_request req = {service_type, method, path, body, 0};

	return os_session_request_many(s, &req, 1, resp, reterr);
}
