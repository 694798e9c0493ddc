/*
 * The scripted test HTTP server; see fake_server.h. One thread per
 * connection (MHD) so that held requests do not block each other; all shared
 * state is under one mutex.
 */
#include "fake_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct fake_script {
	char *method;
	char *path;
	int status;
	char *headers;
	char *body;
	unsigned times;
	unsigned used;
};

struct fake_server {
	struct MHD_Daemon *d;
	char url[64];
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct fake_script *script;
	size_t nscript;
	struct fake_request **reqs;
	size_t nreqs;
	/* hold mode */
	unsigned release_at;
	unsigned total;
	unsigned arrived;
	unsigned in_flight;
	unsigned max_in_flight;
	unsigned generation;
	bool stopping;
	char *cert;
	char *key;
};

/* Per-connection upload state between MHD callbacks. */
struct fake_upload {
	char *body;
	size_t len;
};

static void *
fake_xmalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		abort();
	return p;
}

static char *
fake_strdup(const char *s)
{
	char *p;

	if (!s)
		return NULL;
	p = fake_xmalloc(strlen(s) + 1);
	memcpy(p, s, strlen(s) + 1);
	return p;
}

char *
fake_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f) {
		fprintf(stderr, "fake_read_file: %s: %s\n", path,
		        strerror(errno));
		abort();
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = fake_xmalloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		abort();
	buf[n] = '\0';
	fclose(f);
	return buf;
}

char *
fake_replace(const char *s, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), n = 0;
	const char *p;
	char *out, *o;

	for (p = s; (p = strstr(p, from)); p += fl)
		n++;
	out = fake_xmalloc(strlen(s) + n * tl + 1);
	o = out;
	while ((p = strstr(s, from))) {
		memcpy(o, s, (size_t)(p - s));
		o += p - s;
		memcpy(o, to, tl);
		o += tl;
		s = p + fl;
	}
	strcpy(o, s);
	return out;
}

static bool
fake_path_matches(const char *pattern, const char *path)
{
	size_t n;

	if (!pattern)
		return true;
	n = strlen(pattern);
	if (n > 0 && pattern[n - 1] == '*')
		return strncmp(pattern, path, n - 1) == 0;
	return strcmp(pattern, path) == 0;
}

static enum MHD_Result
fake_collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                    const char *value)
{
	struct fake_request *r = cls;
	size_t n = strlen(key) + strlen(value ? value : "") + 3;

	r->headers = realloc(r->headers, (r->nheaders + 1) * sizeof(char *));
	if (!r->headers)
		abort();
	r->headers[r->nheaders] = fake_xmalloc(n);
	snprintf(r->headers[r->nheaders], n, "%s: %s", key, value ? value : "");
	r->nheaders++;
	return MHD_YES;
}

static enum MHD_Result
fake_collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                 const char *value)
{
	char **q = cls;
	size_t n = strlen(*q) + strlen(key) + strlen(value ? value : "") + 3;
	char *s = fake_xmalloc(n);

	snprintf(s, n, "%s%s%s=%s", *q, **q ? "&" : "", key,
	         value ? value : "");
	free(*q);
	*q = s;
	return MHD_YES;
}

static void
fake_request_free(struct fake_request *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nheaders; i++)
		free(r->headers[i]);
	free(r->headers);
	free(r->method);
	free(r->path);
	free(r->query);
	free(r->body);
	free(r);
}

/* Hold mode, under the lock: wait until the batch is released. */
static void
fake_hold(struct fake_server *fs)
{
	unsigned gen = fs->generation;
	struct timespec ts;

	fs->arrived++;
	fs->in_flight++;
	if (fs->in_flight > fs->max_in_flight)
		fs->max_in_flight = fs->in_flight;
	if (fs->in_flight >= fs->release_at || fs->arrived >= fs->total) {
		/* The window in which a client over its bound would show
		 * itself with one more request; a correct one never does. */
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (fs->arrived < fs->total)
			pthread_cond_timedwait(&fs->cond, &fs->lock, &ts);
		fs->generation++;
		pthread_cond_broadcast(&fs->cond);
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 10; /* a safety net, never the expected path */
		while (fs->generation == gen && !fs->stopping) {
			if (pthread_cond_timedwait(&fs->cond, &fs->lock, &ts) ==
			    ETIMEDOUT)
				break;
		}
	}
	fs->in_flight--;
}

static enum MHD_Result
fake_handler(void *cls, struct MHD_Connection *conn, const char *url,
             const char *method, const char *version, const char *upload_data,
             size_t *upload_data_size, void **con_cls)
{
	struct fake_server *fs = cls;
	struct fake_upload *up = *con_cls;
	struct fake_request *r;
	struct MHD_Response *resp;
	struct fake_script *s = NULL;
	enum MHD_Result ret;
	int status = 599;
	const char *body = "{\"message\": \"no scripted reply\"}";
	char *headers = NULL;
	size_t i;

	if (!up) {
		*con_cls = fake_xmalloc(sizeof(struct fake_upload));
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		up->body = realloc(up->body, up->len + *upload_data_size + 1);
		if (!up->body)
			abort();
		memcpy(up->body + up->len, upload_data, *upload_data_size);
		up->len += *upload_data_size;
		up->body[up->len] = '\0';
		*upload_data_size = 0;
		return MHD_YES;
	}

	r = fake_xmalloc(sizeof(*r));
	r->method = fake_strdup(method);
	r->path = fake_strdup(url);
	r->query = fake_strdup("");
	r->body = up->body ? up->body : fake_strdup("");
	r->body_len = up->len;
	up->body = NULL;
	MHD_get_connection_values(conn, MHD_HEADER_KIND, fake_collect_header,
	                          r);
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, fake_collect_arg,
	                          &r->query);

	pthread_mutex_lock(&fs->lock);
	fs->reqs = realloc(fs->reqs, (fs->nreqs + 1) * sizeof(*fs->reqs));
	if (!fs->reqs)
		abort();
	fs->reqs[fs->nreqs++] = r;
	for (i = 0; i < fs->nscript; i++) {
		s = &fs->script[i];
		if (s->times && s->used >= s->times)
			continue;
		if (s->method && strcmp(s->method, method) != 0)
			continue;
		if (!fake_path_matches(s->path, url))
			continue;
		break;
	}
	if (i < fs->nscript) {
		s->used++;
		status = s->status;
		body = s->body ? s->body : "";
		headers = s->headers;
	}
	if (fs->release_at)
		fake_hold(fs);
	resp = MHD_create_response_from_buffer(strlen(body), (void *)body,
	                                       MHD_RESPMEM_MUST_COPY);
	if (headers) {
		const char *p = headers;

		while (*p) {
			const char *nl = strchr(p, '\n'), *colon;
			size_t n = nl ? (size_t)(nl - p) : strlen(p);
			char *line = fake_xmalloc(n + 1);

			memcpy(line, p, n);
			colon = strchr(line, ':');
			if (colon) {
				const char *v = colon + 1;

				line[colon - line] = '\0';
				while (*v == ' ')
					v++;
				MHD_add_response_header(resp, line, v);
			}
			free(line);
			p += n + (nl ? 1 : 0);
		}
	}
	if (!MHD_get_response_header(resp, "Content-Type"))
		MHD_add_response_header(resp, "Content-Type",
		                        "application/json");
	pthread_mutex_unlock(&fs->lock);
	ret = MHD_queue_response(conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void
fake_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
               enum MHD_RequestTerminationCode toe)
{
	struct fake_upload *up = *con_cls;

	if (up) {
		free(up->body);
		free(up);
		*con_cls = NULL;
	}
}

static struct fake_server *
fake_server_start_flags(const char *cert, const char *key)
{
	struct fake_server *fs = fake_xmalloc(sizeof(*fs));
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *info;
	unsigned flags =
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;

	pthread_mutex_init(&fs->lock, NULL);
	pthread_cond_init(&fs->cond, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = 0;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (cert)
		fs->d = MHD_start_daemon(
		    flags | MHD_USE_TLS, 0, NULL, NULL, fake_handler, fs,
		    MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_NOTIFY_COMPLETED,
		    fake_completed, fs, MHD_OPTION_CONNECTION_TIMEOUT, 30U,
		    MHD_OPTION_HTTPS_MEM_CERT, cert, MHD_OPTION_HTTPS_MEM_KEY,
		    key, MHD_OPTION_END);
	else
		fs->d = MHD_start_daemon(
		    flags, 0, NULL, NULL, fake_handler, fs,
		    MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_NOTIFY_COMPLETED,
		    fake_completed, fs, MHD_OPTION_CONNECTION_TIMEOUT, 30U,
		    MHD_OPTION_END);
	if (!fs->d) {
		fprintf(stderr, "fake_server_start: cannot start MHD\n");
		abort();
	}
	info = MHD_get_daemon_info(fs->d, MHD_DAEMON_INFO_BIND_PORT);
	if (!info || info->port == 0) {
		fprintf(stderr, "fake_server_start: no port\n");
		abort();
	}
	snprintf(fs->url, sizeof(fs->url), "%s://127.0.0.1:%u",
	         cert ? "https" : "http", (unsigned)info->port);
	return fs;
}

struct fake_server *
fake_server_start(void)
{
	return fake_server_start_flags(NULL, NULL);
}

struct fake_server *
fake_server_start_tls(const char *cert_file, const char *key_file)
{
	char *cert = fake_read_file(cert_file);
	char *key = fake_read_file(key_file);
	struct fake_server *fs = fake_server_start_flags(cert, key);

	/* MHD copies neither: keep them until stop. */
	fs->cert = cert;
	fs->key = key;
	return fs;
}

void
fake_server_stop(struct fake_server *fs)
{
	size_t i;

	if (!fs)
		return;
	/* Held requests go now, or MHD would wait for their threads. */
	pthread_mutex_lock(&fs->lock);
	fs->stopping = true;
	fs->generation++;
	pthread_cond_broadcast(&fs->cond);
	pthread_mutex_unlock(&fs->lock);
	MHD_stop_daemon(fs->d);
	free(fs->cert);
	free(fs->key);
	for (i = 0; i < fs->nscript; i++) {
		free(fs->script[i].method);
		free(fs->script[i].path);
		free(fs->script[i].headers);
		free(fs->script[i].body);
	}
	free(fs->script);
	for (i = 0; i < fs->nreqs; i++)
		fake_request_free(fs->reqs[i]);
	free(fs->reqs);
	pthread_cond_destroy(&fs->cond);
	pthread_mutex_destroy(&fs->lock);
	free(fs);
}

const char *
fake_server_url(const struct fake_server *fs)
{
	return fs->url;
}

void
fake_server_add(struct fake_server *fs, const struct fake_reply *r)
{
	struct fake_script *s;

	pthread_mutex_lock(&fs->lock);
	fs->script =
	    realloc(fs->script, (fs->nscript + 1) * sizeof(*fs->script));
	if (!fs->script)
		abort();
	s = &fs->script[fs->nscript++];
	s->method = fake_strdup(r->method);
	s->path = fake_strdup(r->path);
	s->status = r->status;
	s->headers = fake_strdup(r->headers);
	s->body = fake_strdup(r->body);
	s->times = r->times;
	s->used = 0;
	pthread_mutex_unlock(&fs->lock);
}

void
fake_server_add_file(struct fake_server *fs, const char *method,
                     const char *path, int status, const char *headers,
                     const char *file)
{
	char *body = fake_read_file(file);
	struct fake_reply r = {method, path, status, headers, body, 0};

	fake_server_add(fs, &r);
	free(body);
}

size_t
fake_server_count(struct fake_server *fs, const char *method, const char *path)
{
	size_t i, n = 0;

	pthread_mutex_lock(&fs->lock);
	for (i = 0; i < fs->nreqs; i++) {
		if (method && strcmp(method, fs->reqs[i]->method) != 0)
			continue;
		if (!fake_path_matches(path, fs->reqs[i]->path))
			continue;
		n++;
	}
	pthread_mutex_unlock(&fs->lock);
	return n;
}

const struct fake_request *
fake_server_request(struct fake_server *fs, size_t i)
{
	const struct fake_request *r = NULL;

	pthread_mutex_lock(&fs->lock);
	if (i < fs->nreqs)
		r = fs->reqs[i];
	pthread_mutex_unlock(&fs->lock);
	return r;
}

const char *
fake_request_header(const struct fake_request *r, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < r->nheaders; i++) {
		if (strncasecmp(r->headers[i], name, n) == 0 &&
		    r->headers[i][n] == ':')
			return r->headers[i] + n + 2;
	}
	return NULL;
}

void
fake_server_hold(struct fake_server *fs, unsigned release_at, unsigned total)
{
	pthread_mutex_lock(&fs->lock);
	fs->release_at = release_at;
	fs->total = total;
	fs->arrived = 0;
	fs->in_flight = 0;
	fs->max_in_flight = 0;
	pthread_mutex_unlock(&fs->lock);
}

unsigned
fake_server_max_in_flight(struct fake_server *fs)
{
	unsigned n;

	pthread_mutex_lock(&fs->lock);
	n = fs->max_in_flight;
	pthread_mutex_unlock(&fs->lock);
	return n;
}

void
fake_server_lab_keystone(struct fake_server *fs, const char *token_file)
{
	char *body = fake_read_file(token_file);
	char prefix[128], *moved, *pointed;
	struct fake_reply r = {"POST", "/identity/v3/auth/tokens",
	                       201,    "X-Subject-Token: lab-token",
	                       NULL,   0};

	snprintf(prefix, sizeof(prefix), "%s/p", fake_server_url(fs));
	pointed = fake_replace(body, "http://127.0.0.1:", prefix);
	moved =
	    fake_replace(pointed, "2026-11-25T19:09:30", "2099-01-01T00:00:00");
	r.body = moved;
	fake_server_add(fs, &r);
	free(body);
	free(pointed);
	free(moved);
}
