/*
 * Kubernetes credentials; see k8s_config.h. kubeconfig is read the way
 * kubectl (client-go's loading rules) reads it; what client-go rejects
 * (a CA given twice, two authentication methods, a certificate without
 * its key) is rejected here too, at the line that says it. It must not
 * touch the network, log, or put a secret into a message.
 */
#include "k8s_config.h"
#include "base64.h"
#include "http.h"
#include "model.h"
#include "strbuf.h"
#include "xalloc.h"
#include "ynode.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- base64 (kubeconfig -data fields, basic authentication) ----------- */

static const char k8s_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int
k8s_b64_value(char c)
{
	const char *p = c ? strchr(k8s_b64, c) : NULL;

	return p ? (int)(p - k8s_b64) : -1;
}

/* Decodes standard base64 (whitespace ignored, padding optional). */
static int
k8s_base64_decode(const char *in, char **ret)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned acc = 0;
	int bits = 0;

	for (; *in; in++) {
		int v;

		if (*in == ' ' || *in == '\n' || *in == '\r' || *in == '\t')
			continue;
		if (*in == '=')
			break;
		v = k8s_b64_value(*in);
		if (v < 0) {
			nfv_secret_free(strbuf_detach(&sb));
			return -EINVAL;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			strbuf_putc(&sb, (char)((acc >> bits) & 0xff));
		}
	}
	for (; *in; in++) {
		if (*in != '=' && *in != ' ' && *in != '\n' && *in != '\r') {
			nfv_secret_free(strbuf_detach(&sb));
			return -EINVAL;
		}
	}
	*ret = strbuf_detach(&sb);
	return 0;
}

/* ---- the config -------------------------------------------------------- */

void
k8s_config_free(struct k8s_config *c)
{
	if (!c)
		return;
	free(c->server);
	free(c->namespace);
	free(c->context);
	free(c->source);
	free(c->ca_file);
	free(c->ca_pem);
	free(c->cert_file);
	free(c->cert_pem);
	free(c->key_file);
	nfv_secret_free(c->key_pem);
	nfv_secret_free(c->token);
	free(c->username);
	nfv_secret_free(c->password);
	free(c);
}

char *
k8s_config_auth_header(const struct k8s_config *c)
{
	char *pair, *b64, *h;

	if (c->token && *c->token)
		return xasprintf("Authorization: Bearer %s", c->token);
	if (!c->username || !*c->username)
		return NULL;
	pair = xasprintf("%s:%s", c->username, c->password ? c->password : "");
	b64 = base64_encode(pair, strlen(pair));
	h = xasprintf("Authorization: Basic %s", b64);
	nfv_secret_free(pair);
	nfv_secret_free(b64);
	return h;
}

void
k8s_config_http_options(const struct k8s_config *c, struct http_options *o)
{
	o->insecure = c->insecure;
	o->ca_file = c->ca_file;
	o->ca_pem = c->ca_pem;
	o->cert_file = c->cert_file;
	o->cert_pem = c->cert_pem;
	o->key_file = c->key_file;
	o->key_pem = c->key_pem;
}

static void
k8s_config_set_server(struct k8s_config *c, const char *url)
{
	size_t len;

	c->server = xstrdup(url);
	len = strlen(c->server);
	while (len > 0 && c->server[len - 1] == '/')
		c->server[--len] = '\0';
}

/* ---- kubeconfig -------------------------------------------------------- */

void
k8s_kubeconfig_search_path(const char *kubeconfig, char ***ret, size_t *ret_n)
{
	const char *env = getenv("KUBECONFIG");
	char **v = NULL;
	size_t n = 0;

	if (kubeconfig) {
		v = xcalloc(1, sizeof(*v));
		v[n++] = xstrdup(kubeconfig);
	} else if (env && *env) {
		const char *p = env;

		while (*p) {
			size_t len = strcspn(p, ":");

			if (len > 0) {
				v = xrealloc(v, (n + 1) * sizeof(*v));
				v[n++] = xstrndup(p, len);
			}
			p += len;
			if (*p == ':')
				p++;
		}
	} else if (getenv("HOME")) {
		v = xcalloc(1, sizeof(*v));
		v[n++] = xasprintf("%s/.kube/config", getenv("HOME"));
	}
	*ret = v;
	*ret_n = n;
}

/* One named cluster, user or context and the file it came from. */
struct kc_entry {
	const char *name;
	const struct ynode *body; /* the "cluster"/"user"/"context" map */
	const struct ynode *item; /* the list item, for positions */
	const struct ydoc *doc;
};

struct kc_list {
	struct kc_entry *v;
	size_t n;
	size_t cap;
};

struct kc_merged {
	struct ydoc **docs;
	size_t ndocs;
	struct kc_list clusters;
	struct kc_list users;
	struct kc_list contexts;
	const struct ynode *current; /* current-context of the first file */
};

static void
kc_merged_done(struct kc_merged *m)
{
	size_t i;

	for (i = 0; i < m->ndocs; i++)
		ydoc_free(m->docs[i]);
	free(m->docs);
	free(m->clusters.v);
	free(m->users.v);
	free(m->contexts.v);
}

static const struct kc_entry *
kc_find(const struct kc_list *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	}
	return NULL;
}

/* Adds the entries of doc's list `key` (items {name, inner: {...}}) that
 * no earlier file named. */
static int
kc_collect(const struct ydoc *doc, const char *key, const char *inner,
           struct kc_list *l, struct diag *reterr)
{
	const struct ynode *seq = ynode_get(doc->root, key);
	size_t i;

	if (!seq || ynode_is_null(seq))
		return 0;
	if (!ynode_is_seq(seq)) {
		diag_error(reterr, &seq->pos, "%s must be a list, not %s", key,
		           ynode_kind_name(seq));
		return -EINVAL;
	}
	for (i = 0; i < seq->n; i++) {
		const struct ynode *it = seq->items[i];
		const struct ynode *name = ynode_get(it, "name");
		const struct ynode *body = ynode_get(it, inner);

		if (!ynode_is_map(it) || !ynode_str(name) ||
		    !*ynode_str(name)) {
			diag_error(reterr, &it->pos, "%s entry without a name",
			           key);
			return -EINVAL;
		}
		if (body && !ynode_is_null(body) && !ynode_is_map(body)) {
			diag_error(reterr, &body->pos,
			           "%s '%s': %s must be a mapping", key,
			           ynode_str(name), inner);
			return -EINVAL;
		}
		if (kc_find(l, ynode_str(name)))
			continue; /* the first file to name it wins */
		XGROW(l->v, l->cap, l->n + 1);
		l->v[l->n].name = ynode_str(name);
		l->v[l->n].body = body && ynode_is_map(body) ? body : NULL;
		l->v[l->n].item = it;
		l->v[l->n].doc = doc;
		l->n++;
	}
	return 0;
}

static int
kc_load(const char *kubeconfig, struct kc_merged *m, struct diag *reterr)
{
	char **paths = NULL;
	size_t npaths = 0, i;
	struct strbuf searched = STRBUF_INIT;
	int r = 0;

	memset(m, 0, sizeof(*m));
	k8s_kubeconfig_search_path(kubeconfig, &paths, &npaths);
	for (i = 0; i < npaths; i++) {
		struct ydoc *doc = NULL;
		const struct ynode *cur;

		strbuf_printf(&searched, "%s%s", i ? ", " : "", paths[i]);
		if (!kubeconfig && access(paths[i], F_OK) != 0)
			continue; /* kubectl skips missing KUBECONFIG files */
		r = ydoc_load_file(paths[i], NULL, &doc, reterr);
		if (r < 0) {
			if (r != -EINVAL)
				diag_error(reterr, NULL,
				           "cannot read kubeconfig %s: %s",
				           paths[i], strerror(-r));
			r = r == -EINVAL ? -EINVAL : -ENOENT;
			goto out;
		}
		m->docs = xrealloc(m->docs, (m->ndocs + 1) * sizeof(*m->docs));
		m->docs[m->ndocs++] = doc;
		if (!doc->root || ynode_is_null(doc->root))
			continue; /* an empty file adds nothing */
		if (!ynode_is_map(doc->root)) {
			diag_error(reterr, &doc->root->pos,
			           "a kubeconfig must be a mapping");
			r = -EINVAL;
			goto out;
		}
		cur = ynode_get(doc->root, "current-context");
		if (!m->current && ynode_str(cur) && *ynode_str(cur))
			m->current = cur;
		r = kc_collect(doc, "clusters", "cluster", &m->clusters,
		               reterr);
		if (r == 0)
			r = kc_collect(doc, "users", "user", &m->users, reterr);
		if (r == 0)
			r = kc_collect(doc, "contexts", "context", &m->contexts,
			               reterr);
		if (r < 0)
			goto out;
	}
	if (m->ndocs == 0) {
		diag_error(reterr, NULL,
		           "no kubeconfig found (looked for %s); give "
		           "--kubeconfig FILE or set KUBECONFIG",
		           npaths ? strbuf_str(&searched)
		                  : "$KUBECONFIG and $HOME/.kube/config");
		r = -ENOENT;
	}
out:
	for (i = 0; i < npaths; i++)
		free(paths[i]);
	free(paths);
	strbuf_done(&searched);
	return r;
}

/* A path given in doc, relative to doc's directory unless absolute. */
static char *
kc_path(const struct ydoc *doc, const char *path)
{
	const char *slash = strrchr(doc->file, '/');

	if (path[0] == '/' || !slash)
		return xstrdup(path);
	return xasprintf("%.*s/%s", (int)(slash - doc->file), doc->file, path);
}

/* The string value of key in map (NULL when absent or empty). */
static const char *
kc_str(const struct ynode *map, const char *key)
{
	const char *s = map ? ynode_str(ynode_get(map, key)) : NULL;

	return s && *s ? s : NULL;
}

static const struct diag_pos *
kc_pos(const struct ynode *map, const char *key, const struct ynode *dflt)
{
	const struct ynode *k = map ? ynode_get_key(map, key) : NULL;

	return k ? &k->pos : &dflt->pos;
}

/* A file path field: resolved and checked readable now (kubectl fails
 * when it builds the client; nfvsync before it sends anything). */
static int
kc_file(const struct kc_entry *e, const char *key, char **ret,
        struct diag *reterr)
{
	const char *v = kc_str(e->body, key);
	char *p;

	*ret = NULL;
	if (!v)
		return 0;
	p = kc_path(e->doc, v);
	if (access(p, R_OK) != 0) {
		int err = errno;

		diag_error(reterr, kc_pos(e->body, key, e->item),
		           "%s: cannot read %s: %s", key, p, strerror(err));
		free(p);
		return -ENOENT;
	}
	*ret = p;
	return 0;
}

/* A -data field: base64 PEM (or token) text. */
static int
kc_data(const struct kc_entry *e, const char *key, char **ret,
        struct diag *reterr)
{
	const char *v = kc_str(e->body, key);

	*ret = NULL;
	if (!v)
		return 0;
	if (k8s_base64_decode(v, ret) < 0 || !**ret) {
		diag_error(reterr, kc_pos(e->body, key, e->item),
		           "%s is not base64 data", key);
		nfv_secret_free(*ret);
		*ret = NULL;
		return -EINVAL;
	}
	return 0;
}

/* client-go refuses a value given both as a file and as -data. */
static int
kc_not_both(const struct kc_entry *e, const char *kind, const char *file_key,
            const char *data_key, struct diag *reterr)
{
	if (kc_str(e->body, file_key) && kc_str(e->body, data_key)) {
		diag_error(reterr, kc_pos(e->body, data_key, e->item),
		           "%s '%s': %s and %s are both given; give one", kind,
		           e->name, data_key, file_key);
		return -EINVAL;
	}
	return 0;
}

static int
kc_cluster(struct k8s_config *c, const struct kc_entry *e, struct diag *reterr)
{
	const char *server = kc_str(e->body, "server");
	const struct ynode *insecure =
	    e->body ? ynode_get(e->body, "insecure-skip-tls-verify") : NULL;
	int r;

	if (!server || (strncmp(server, "http://", 7) != 0 &&
	                strncmp(server, "https://", 8) != 0)) {
		diag_error(reterr, kc_pos(e->body, "server", e->item),
		           "cluster '%s': server must be an http:// or "
		           "https:// URL",
		           e->name);
		return -EINVAL;
	}
	k8s_config_set_server(c, server);
	if (insecure && ynode_to_bool(insecure, &c->insecure) < 0) {
		diag_error(
		    reterr, &insecure->pos,
		    "cluster '%s': insecure-skip-tls-verify must be true "
		    "or false",
		    e->name);
		return -EINVAL;
	}
	r = kc_not_both(e, "cluster", "certificate-authority",
	                "certificate-authority-data", reterr);
	if (r < 0)
		return r;
	if (c->insecure && (kc_str(e->body, "certificate-authority") ||
	                    kc_str(e->body, "certificate-authority-data"))) {
		diag_error(reterr, &insecure->pos,
		           "cluster '%s': insecure-skip-tls-verify together "
		           "with a certificate authority; give one",
		           e->name);
		return -EINVAL;
	}
	r = kc_file(e, "certificate-authority", &c->ca_file, reterr);
	if (r == 0)
		r = kc_data(e, "certificate-authority-data", &c->ca_pem,
		            reterr);
	if (r < 0)
		return r;
	if (c->insecure && strncmp(c->server, "https://", 8) == 0)
		diag_warn(reterr,
		          kc_pos(e->body, "insecure-skip-tls-verify", e->item),
		          "cluster '%s': insecure-skip-tls-verify: TLS "
		          "certificate verification is off: nothing proves the "
		          "API server is who it claims to be",
		          e->name);
	if (kc_str(e->body, "proxy-url") || kc_str(e->body, "tls-server-name"))
		diag_warn(reterr, &e->item->pos,
		          "cluster '%s': proxy-url and tls-server-name are not "
		          "supported; connecting to %s directly",
		          e->name, c->server);
	return 0;
}

static int
kc_user(struct k8s_config *c, const struct kc_entry *e, struct diag *reterr)
{
	static const char *const plugins[] = {"exec", "auth-provider", "as",
	                                      NULL};
	char *token_file = NULL;
	size_t i;
	int r;

	if (!e->body)
		return 0; /* an empty user: anonymous */
	for (i = 0; plugins[i]; i++) {
		if (ynode_get(e->body, plugins[i])) {
			diag_error(reterr, kc_pos(e->body, plugins[i], e->item),
			           "user '%s': %s is not supported (token, "
			           "tokenFile, client certificates and "
			           "username/password are)",
			           e->name, plugins[i]);
			return -ENOTSUP;
		}
	}
	if ((kc_str(e->body, "token") || kc_str(e->body, "tokenFile")) &&
	    (kc_str(e->body, "username") || kc_str(e->body, "password"))) {
		diag_error(reterr, &e->item->pos,
		           "user '%s': more than one authentication method "
		           "(token and username/password); give one",
		           e->name);
		return -EINVAL;
	}
	r = kc_not_both(e, "user", "client-certificate",
	                "client-certificate-data", reterr);
	if (r == 0)
		r = kc_not_both(e, "user", "client-key", "client-key-data",
		                reterr);
	if (r == 0)
		r = kc_file(e, "client-certificate", &c->cert_file, reterr);
	if (r == 0)
		r = kc_data(e, "client-certificate-data", &c->cert_pem, reterr);
	if (r == 0)
		r = kc_file(e, "client-key", &c->key_file, reterr);
	if (r == 0)
		r = kc_data(e, "client-key-data", &c->key_pem, reterr);
	if (r < 0)
		return r;
	if ((c->cert_file || c->cert_pem) != (c->key_file || c->key_pem)) {
		diag_error(reterr, &e->item->pos,
		           "user '%s': a client certificate needs its key "
		           "(client-certificate[-data] and client-key[-data] "
		           "go together)",
		           e->name);
		return -EINVAL;
	}
	if (kc_str(e->body, "token")) {
		/* token wins over tokenFile, as in client-go */
		c->token = xstrdup(kc_str(e->body, "token"));
	} else if (kc_str(e->body, "tokenFile")) {
		token_file = kc_path(e->doc, kc_str(e->body, "tokenFile"));
		r = nfv_secret_read_file(token_file, &c->token);
		if (r < 0 || !*c->token) {
			diag_error(
			    reterr, kc_pos(e->body, "tokenFile", e->item),
			    "user '%s': cannot read tokenFile %s: %s", e->name,
			    token_file, r < 0 ? strerror(-r) : "empty file");
			free(token_file);
			return -ENOENT;
		}
		free(token_file);
	}
	if (kc_str(e->body, "username"))
		c->username = xstrdup(kc_str(e->body, "username"));
	if (kc_str(e->body, "password"))
		c->password = xstrdup(kc_str(e->body, "password"));
	return 0;
}

static void
kc_names(struct strbuf *sb, const struct kc_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		strbuf_printf(sb, "%s%s", i ? ", " : "", l->v[i].name);
	if (l->n == 0)
		strbuf_puts(sb, "none");
}

int
k8s_config_from_kubeconfig(const char *kubeconfig, const char *context,
                           struct k8s_config **ret, struct diag *reterr)
{
	struct kc_merged m;
	struct k8s_config *c = NULL;
	const struct kc_entry *ctx, *cl, *user = NULL;
	const char *cl_name, *user_name;
	struct strbuf names = STRBUF_INIT;
	int r;

	*ret = NULL;
	r = kc_load(kubeconfig, &m, reterr);
	if (r < 0)
		goto out;
	if (!context && m.current)
		context = ynode_str(m.current);
	if (!context) {
		diag_error(reterr, NULL,
		           "kubeconfig (%s) sets no current-context; name one "
		           "with --context or the VIM's context",
		           m.docs[0]->file);
		r = -ENOENT;
		goto out;
	}
	ctx = kc_find(&m.contexts, context);
	if (!ctx) {
		kc_names(&names, &m.contexts);
		diag_error(reterr, m.current ? &m.current->pos : NULL,
		           "kubeconfig has no context '%s' (contexts: %s)",
		           context, strbuf_str(&names));
		r = -ENOENT;
		goto out;
	}
	cl_name = kc_str(ctx->body, "cluster");
	cl = cl_name ? kc_find(&m.clusters, cl_name) : NULL;
	if (!cl) {
		diag_error(reterr, kc_pos(ctx->body, "cluster", ctx->item),
		           "context '%s': %s", context,
		           cl_name ? "no such cluster" : "names no cluster");
		r = -ENOENT;
		goto out;
	}
	user_name = kc_str(ctx->body, "user");
	if (user_name) {
		user = kc_find(&m.users, user_name);
		if (!user) {
			diag_error(reterr, kc_pos(ctx->body, "user", ctx->item),
			           "context '%s': no user '%s' in kubeconfig",
			           context, user_name);
			r = -ENOENT;
			goto out;
		}
	}
	c = xcalloc(1, sizeof(*c));
	c->context = xstrdup(context);
	c->source = xstrdup(ctx->doc->file);
	if (kc_str(ctx->body, "namespace"))
		c->namespace = xstrdup(kc_str(ctx->body, "namespace"));
	r = kc_cluster(c, cl, reterr);
	if (r == 0 && user)
		r = kc_user(c, user, reterr);
	if (r < 0)
		goto out;
	*ret = c;
	c = NULL;
out:
	strbuf_done(&names);
	k8s_config_free(c);
	kc_merged_done(&m);
	return r;
}

/* ---- Tacker VIM registration ------------------------------------------ */

static int
k8s_config_tacker(const struct nfv_vim *vim, struct k8s_config **ret,
                  struct diag *reterr)
{
	struct diag_pos pos = {vim->file, 0, 0};
	struct k8s_config *c = xcalloc(1, sizeof(*c));
	char *secret = NULL;
	int r;

	k8s_config_set_server(c, vim->auth_url);
	c->source = vim->file ? xstrdup(vim->file) : NULL;
	c->insecure = !vim->cert_verify;
	r = nfv_vim_secret(vim, &secret, reterr);
	if (r < 0)
		goto fail;
	if (vim->username) {
		c->username = xstrdup(vim->username);
		c->password = secret;
	} else {
		c->token = secret;
	}
	if (vim->ssl_ca_cert && *vim->ssl_ca_cert) {
		/* Tacker stores the CA itself; accept a path as well. */
		if (strstr(vim->ssl_ca_cert, "-----BEGIN")) {
			c->ca_pem = xstrdup(vim->ssl_ca_cert);
		} else {
			c->ca_file = nfv_vim_path(vim, vim->ssl_ca_cert);
			if (access(c->ca_file, R_OK) != 0) {
				r = -errno;
				diag_error(
				    reterr, &pos,
				    "VIM '%s': ssl_ca_cert is neither PEM "
				    "text nor a readable file (%s: %s)",
				    vim->name, c->ca_file, strerror(-r));
				r = -ENOENT;
				goto fail;
			}
		}
	}
	if (c->insecure && strncmp(c->server, "https://", 8) == 0)
		diag_warn(reterr, &pos,
		          "VIM '%s': TLS certificate verification is off "
		          "(cert_verify: False): nothing proves the API server "
		          "is who it claims to be",
		          vim->name);
	*ret = c;
	return 0;
fail:
	k8s_config_free(c);
	return r;
}

int
k8s_config_from_vim(const struct nfv_vim *vim, const char *kubeconfig,
                    const char *context, struct k8s_config **ret,
                    struct diag *reterr)
{
	struct diag_pos pos = {vim->file, 0, 0};
	int r;

	*ret = NULL;
	if (vim->kind != NFV_VIM_KUBERNETES) {
		diag_error(reterr, &pos, "VIM '%s' is not a Kubernetes VIM",
		           vim->name);
		return -EINVAL;
	}
	if (vim->auth_url && *vim->auth_url)
		return k8s_config_tacker(vim, ret, reterr);
	r = k8s_config_from_kubeconfig(
	    kubeconfig, vim->context ? vim->context : context, ret, reterr);
	if (r < 0)
		diag_error(reterr, &pos,
		           "VIM '%s': no credentials from kubeconfig (the VIM "
		           "gives no auth_url)",
		           vim->name);
	return r;
}
