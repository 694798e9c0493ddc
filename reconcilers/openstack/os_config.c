/*
 * clouds.yaml / secure.yaml and Tacker VIM registrations -> struct
 * os_config. Follows openstacksdk's reading (search path, OS_CLOUD, keys are
 * the OS_* names lower-cased, secure.yaml merged over clouds.yaml) for the
 * subset nfvsync supports, and reports anything it cannot use with the
 * file:line:col of the offending node.
 *
 * It must not print or log: a secret is in memory here.
 */
#include "os_config.h"
#include "model.h"
#include "strbuf.h"
#include "xalloc.h"
#include "ynode.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char *const os_auth_type_names[OS_AUTH_TYPE_MAX] = {
    [OS_AUTH_PASSWORD] = "password",
    [OS_AUTH_APPLICATION_CREDENTIAL] = "v3applicationcredential",
};

const char *
os_auth_type_name(enum os_auth_type t)
{
	if (t < 0 || t >= OS_AUTH_TYPE_MAX)
		return NULL;
	return os_auth_type_names[t];
}

static void
os_wipe(char *s)
{
	volatile char *p = s;

	if (!s)
		return;
	while (*p)
		*p++ = '\0';
}

void
os_config_free(struct os_config *c)
{
	if (!c)
		return;
	os_wipe(c->password);
	os_wipe(c->application_credential_secret);
	free(c->name);
	free(c->source);
	free(c->auth_url);
	free(c->username);
	free(c->user_id);
	free(c->password);
	free(c->user_domain_name);
	free(c->user_domain_id);
	free(c->project_name);
	free(c->project_id);
	free(c->project_domain_name);
	free(c->project_domain_id);
	free(c->application_credential_id);
	free(c->application_credential_name);
	free(c->application_credential_secret);
	free(c->region_name);
	free(c->interface);
	free(c->cacert);
	free(c->ca_pem);
	free(c);
}

static char *
os_dup(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct os_config *
os_config_dup(const struct os_config *c)
{
	struct os_config *d = xcalloc(1, sizeof(*d));

	d->name = os_dup(c->name);
	d->source = os_dup(c->source);
	d->auth_type = c->auth_type;
	d->auth_url = os_dup(c->auth_url);
	d->username = os_dup(c->username);
	d->user_id = os_dup(c->user_id);
	d->password = os_dup(c->password);
	d->user_domain_name = os_dup(c->user_domain_name);
	d->user_domain_id = os_dup(c->user_domain_id);
	d->project_name = os_dup(c->project_name);
	d->project_id = os_dup(c->project_id);
	d->project_domain_name = os_dup(c->project_domain_name);
	d->project_domain_id = os_dup(c->project_domain_id);
	d->application_credential_id = os_dup(c->application_credential_id);
	d->application_credential_name = os_dup(c->application_credential_name);
	d->application_credential_secret =
	    os_dup(c->application_credential_secret);
	d->region_name = os_dup(c->region_name);
	d->interface = os_dup(c->interface);
	d->cacert = os_dup(c->cacert);
	d->ca_pem = os_dup(c->ca_pem);
	d->verify = c->verify;
	return d;
}

/* ---- search path ---- */

static void
os_path_add(char ***v, size_t *n, char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = s;
}

void
os_clouds_search_path(const char *file, char ***ret, size_t *ret_n)
{
	const char *env = getenv("OS_CLIENT_CONFIG_FILE");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char **v = NULL;
	size_t n = 0;

	/* OS_CLIENT_CONFIG_FILE names clouds.yaml itself; secure.yaml is
	 * only looked for in the directories. */
	if (env && *env && strcmp(file, "clouds.yaml") == 0)
		os_path_add(&v, &n, xstrdup(env));
	os_path_add(&v, &n, xasprintf("./%s", file));
	if (xdg && *xdg)
		os_path_add(&v, &n, xasprintf("%s/openstack/%s", xdg, file));
	else if (home && *home)
		os_path_add(&v, &n,
		            xasprintf("%s/.config/openstack/%s", home, file));
	os_path_add(&v, &n, xasprintf("/etc/openstack/%s", file));
	*ret = v;
	*ret_n = n;
}

static void
os_path_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static char *
os_find_file(const char *file, struct strbuf *tried)
{
	struct stat st;
	char **v, *found = NULL;
	size_t n, i;

	os_clouds_search_path(file, &v, &n);
	for (i = 0; i < n && !found; i++) {
		if (stat(v[i], &st) == 0 && S_ISREG(st.st_mode))
			found = xstrdup(v[i]);
		else if (tried)
			strbuf_printf(tried, "%s%s", tried->len ? ", " : "",
			              v[i]);
	}
	os_path_free(v, n);
	return found;
}

int
os_config_from_clouds(const char *cloud, struct os_config **ret,
                      struct diag *reterr)
{
	struct strbuf tried = STRBUF_INIT;
	char *path, *secure;
	int r;

	path = os_find_file("clouds.yaml", &tried);
	if (!path) {
		diag_error(reterr, NULL,
		           "no clouds.yaml found (looked for %s); set "
		           "OS_CLIENT_CONFIG_FILE or create one",
		           strbuf_str(&tried));
		strbuf_done(&tried);
		return -ENOENT;
	}
	strbuf_done(&tried);
	secure = os_find_file("secure.yaml", NULL);
	r = os_config_from_clouds_file(path, secure, cloud, ret, reterr);
	free(path);
	free(secure);
	return r;
}

/* ---- clouds.yaml ---- */

/* The selected cloud in clouds.yaml and, optionally, in secure.yaml. */
struct os_cloud_src {
	const struct ynode *cloud;
	const struct ynode *secure;
	const char *name;
};

/* A value from secure.yaml's entry if there, else clouds.yaml's. */
static const struct ynode *
os_cloud_get(const struct os_cloud_src *s, const char *section, const char *key)
{
	const struct ynode *m, *v;

	if (s->secure) {
		m = section ? ynode_get(s->secure, section) : s->secure;
		v = ynode_is_map(m) ? ynode_get(m, key) : NULL;
		if (v)
			return v;
	}
	m = section ? ynode_get(s->cloud, section) : s->cloud;
	return ynode_is_map(m) ? ynode_get(m, key) : NULL;
}

static int
os_cloud_str(const struct os_cloud_src *s, const char *section, const char *key,
             char **ret, struct diag *reterr)
{
	const struct ynode *v = os_cloud_get(s, section, key);

	if (!v || ynode_is_null(v))
		return 0;
	if (!ynode_is_scalar(v)) {
		diag_error(reterr, &v->pos,
		           "cloud '%s': %s%s%s must be a string, not %s",
		           s->name, section ? section : "", section ? "." : "",
		           key, ynode_kind_name(v));
		return -EINVAL;
	}
	free(*ret);
	*ret = xstrdup(ynode_str(v));
	return 0;
}

/* YAML 1.1 booleans, as PyYAML reads them. */
static int
os_yaml_bool(const struct ynode *v, bool *ret)
{
	static const char *const yes[] = {"true", "yes", "on", "y"};
	static const char *const no[] = {"false", "no", "off", "n"};
	const char *s = ynode_str(v);
	size_t i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*ret = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*ret = false;
			return 0;
		}
	}
	return -EINVAL;
}

static int
os_cloud_bool(const struct os_cloud_src *s, const char *key, bool *ret,
              bool *found, struct diag *reterr)
{
	const struct ynode *v = os_cloud_get(s, NULL, key);

	*found = false;
	if (!v)
		return 0;
	if (os_yaml_bool(v, ret) < 0) {
		diag_error(reterr, &v->pos,
		           "cloud '%s': %s must be true or false", s->name,
		           key);
		return -EINVAL;
	}
	*found = true;
	return 0;
}

static const struct ynode *
os_clouds_map(const struct ydoc *doc, const char *path, bool required,
              struct diag *reterr)
{
	const struct ynode *clouds;
	struct diag_pos top = {path, 1, 1};

	if (!ynode_is_map(doc->root)) {
		if (required)
			diag_error(reterr, doc->root ? &doc->root->pos : &top,
			           "a clouds.yaml must be a mapping with a "
			           "'clouds' key");
		return NULL;
	}
	clouds = ynode_get(doc->root, "clouds");
	if (!ynode_is_map(clouds)) {
		if (required)
			diag_error(reterr, clouds ? &clouds->pos : &top,
			           "'clouds' must be a mapping of cloud names "
			           "to settings");
		return NULL;
	}
	return clouds;
}

static int
os_config_decode(const struct os_cloud_src *s, const struct diag_pos *where,
                 struct os_config *c, struct diag *reterr)
{
	static const struct {
		const char *key;
		size_t off;
	} auth_keys[] = {
#define K(f) {#f, offsetof(struct os_config, f)}
	    K(auth_url),
	    K(username),
	    K(user_id),
	    K(password),
	    K(user_domain_name),
	    K(user_domain_id),
	    K(project_name),
	    K(project_id),
	    K(project_domain_name),
	    K(project_domain_id),
	    K(application_credential_id),
	    K(application_credential_name),
	    K(application_credential_secret),
#undef K
	};
	const struct ynode *auth = os_cloud_get(s, NULL, "auth");
	const struct ynode *at = os_cloud_get(s, NULL, "auth_type");
	const struct ynode *regions, *akey = ynode_get_key(s->cloud, "auth");
	const struct diag_pos *apos = akey ? &akey->pos : where;
	const struct ynode *vnode = NULL;
	char *tenant = NULL;
	bool b, found;
	size_t i;
	int r;

	if (auth && !ynode_is_map(auth)) {
		diag_error(reterr, &auth->pos,
		           "cloud '%s': auth must be a mapping", s->name);
		return -EINVAL;
	}
	for (i = 0; i < sizeof(auth_keys) / sizeof(auth_keys[0]); i++) {
		r = os_cloud_str(s, "auth", auth_keys[i].key,
		                 (char **)((char *)c + auth_keys[i].off),
		                 reterr);
		if (r < 0)
			return r;
	}
	/* keystoneauth's older spellings. */
	if (!c->project_name) {
		if ((r = os_cloud_str(s, "auth", "tenant_name", &tenant,
		                      reterr)) < 0)
			return r;
		c->project_name = tenant;
		tenant = NULL;
	}
	if (!c->project_id) {
		if ((r = os_cloud_str(s, "auth", "tenant_id", &tenant,
		                      reterr)) < 0)
			return r;
		c->project_id = tenant;
	}

	if (at && !ynode_is_null(at)) {
		const char *t = ynode_str(at);

		if (t && (strcmp(t, "password") == 0 ||
		          strcmp(t, "v3password") == 0)) {
			c->auth_type = OS_AUTH_PASSWORD;
		} else if (t && (strcmp(t, "v3applicationcredential") == 0 ||
		                 strcmp(t, "applicationcredential") == 0)) {
			c->auth_type = OS_AUTH_APPLICATION_CREDENTIAL;
		} else {
			diag_error(
			    reterr, &at->pos,
			    "cloud '%s': auth_type '%s' is not supported "
			    "(password or v3applicationcredential)",
			    s->name, t ? t : ynode_kind_name(at));
			return -EINVAL;
		}
	} else if (c->application_credential_secret && !c->password) {
		c->auth_type = OS_AUTH_APPLICATION_CREDENTIAL;
	} else {
		c->auth_type = OS_AUTH_PASSWORD;
	}

	if ((r = os_cloud_str(s, NULL, "region_name", &c->region_name,
	                      reterr)) < 0 ||
	    (r = os_cloud_str(s, NULL, "interface", &c->interface, reterr)) <
	        0 ||
	    (r = os_cloud_str(s, NULL, "cacert", &c->cacert, reterr)) < 0)
		return r;
	regions = os_cloud_get(s, NULL, "regions");
	if (!c->region_name && ynode_is_seq(regions) && regions->n == 1 &&
	    ynode_is_scalar(regions->items[0]))
		c->region_name = xstrdup(ynode_str(regions->items[0]));
	if (!c->interface)
		c->interface = xstrdup("public");
	else if (strlen(c->interface) > 3 &&
	         strcmp(c->interface + strlen(c->interface) - 3, "URL") == 0)
		c->interface[strlen(c->interface) - 3] = '\0';

	c->verify = true;
	if ((r = os_cloud_bool(s, "insecure", &b, &found, reterr)) < 0)
		return r;
	if (found) {
		c->verify = !b;
		vnode = os_cloud_get(s, NULL, "insecure");
	}
	/* verify wins over the deprecated insecure. */
	if ((r = os_cloud_bool(s, "verify", &b, &found, reterr)) < 0)
		return r;
	if (found) {
		c->verify = b;
		vnode = os_cloud_get(s, NULL, "verify");
	}

	/* What Keystone needs. */
	if (!c->auth_url) {
		diag_error(reterr, apos, "cloud '%s': no auth.auth_url",
		           s->name);
		return -EINVAL;
	}
	if (strncmp(c->auth_url, "http://", 7) != 0 &&
	    strncmp(c->auth_url, "https://", 8) != 0) {
		diag_error(reterr, &os_cloud_get(s, "auth", "auth_url")->pos,
		           "cloud '%s': auth_url must be an http:// or "
		           "https:// URL",
		           s->name);
		return -EINVAL;
	}
	if (!c->verify && vnode && strncmp(c->auth_url, "https://", 8) == 0)
		diag_warn(reterr, &vnode->pos,
		          "cloud '%s': TLS certificate verification is off: "
		          "nothing proves the VIM is who it claims to be",
		          s->name);
	if (c->auth_type == OS_AUTH_PASSWORD) {
		if (!c->username && !c->user_id) {
			diag_error(reterr, apos,
			           "cloud '%s': password auth needs "
			           "auth.username or auth.user_id",
			           s->name);
			return -EINVAL;
		}
		if (!c->password) {
			diag_error(reterr, apos,
			           "cloud '%s': password auth needs "
			           "auth.password (in clouds.yaml or "
			           "secure.yaml)",
			           s->name);
			return -EINVAL;
		}
	} else {
		if (!c->application_credential_secret) {
			diag_error(reterr, apos,
			           "cloud '%s': application credential auth "
			           "needs auth.application_credential_secret",
			           s->name);
			return -EINVAL;
		}
		if (!c->application_credential_id &&
		    !(c->application_credential_name &&
		      (c->username || c->user_id))) {
			diag_error(reterr, apos,
			           "cloud '%s': application credential auth "
			           "needs auth.application_credential_id, or "
			           "application_credential_name with the "
			           "username or user_id",
			           s->name);
			return -EINVAL;
		}
	}
	return 0;
}

static void
os_list_clouds(struct strbuf *sb, const struct ynode *clouds)
{
	size_t i;

	for (i = 0; i < clouds->n; i++)
		strbuf_printf(sb, "%s%s", i ? ", " : "", clouds->keys[i]->str);
	if (clouds->n == 0)
		strbuf_puts(sb, "none");
}

int
os_config_from_clouds_file(const char *path, const char *secure_path,
                           const char *cloud, struct os_config **ret,
                           struct diag *reterr)
{
	struct ydoc *doc = NULL, *sdoc = NULL;
	const struct ynode *clouds, *sclouds;
	struct os_cloud_src src = {NULL, NULL, NULL};
	struct os_config *c = NULL;
	struct strbuf names = STRBUF_INIT;
	int r;

	r = ydoc_load_file(path, NULL, &doc, reterr);
	if (r < 0)
		goto out;
	clouds = os_clouds_map(doc, path, true, reterr);
	if (!clouds) {
		r = -EINVAL;
		goto out;
	}
	if (!cloud || !*cloud)
		cloud = getenv("OS_CLOUD");
	if (!cloud || !*cloud) {
		os_list_clouds(&names, clouds);
		diag_error(reterr, &ynode_get_key(doc->root, "clouds")->pos,
		           "no cloud selected: set OS_CLOUD or --cloud (%s "
		           "has: %s)",
		           path, strbuf_str(&names));
		r = -ENOENT;
		goto out;
	}
	src.name = cloud;
	src.cloud = ynode_get(clouds, cloud);
	if (!src.cloud) {
		os_list_clouds(&names, clouds);
		diag_error(reterr, &ynode_get_key(doc->root, "clouds")->pos,
		           "cloud '%s' not found (have: %s)", cloud,
		           strbuf_str(&names));
		r = -ENOENT;
		goto out;
	}
	if (!ynode_is_map(src.cloud)) {
		diag_error(reterr, &src.cloud->pos,
		           "cloud '%s' must be a mapping", cloud);
		r = -EINVAL;
		goto out;
	}
	if (secure_path) {
		r = ydoc_load_file(secure_path, NULL, &sdoc, reterr);
		if (r < 0)
			goto out;
		sclouds = os_clouds_map(sdoc, secure_path, false, reterr);
		if (sclouds && ynode_is_map(ynode_get(sclouds, cloud)))
			src.secure = ynode_get(sclouds, cloud);
	}

	c = xcalloc(1, sizeof(*c));
	c->name = xstrdup(cloud);
	c->source = xstrdup(path);
	r = os_config_decode(&src, &src.cloud->pos, c, reterr);
	if (r < 0)
		goto out;
	*ret = c;
	c = NULL;
out:
	os_config_free(c);
	strbuf_done(&names);
	ydoc_free(doc);
	ydoc_free(sdoc);
	return r;
}

/* ---- Tacker VIM registrations ---- */

int
os_config_from_vim(const struct nfv_vim *vim, struct os_config **ret,
                   struct diag *reterr)
{
	struct diag_pos pos = {vim->file, 0, 0};
	struct os_config *c;
	int r;

	if (vim->kind != NFV_VIM_OPENSTACK) {
		diag_error(reterr, &pos, "VIM '%s' is not an OpenStack VIM",
		           vim->name);
		return -EINVAL;
	}
	if (!vim->auth_url || !vim->username) {
		diag_error(reterr, &pos,
		           "VIM '%s': auth_url and username are required",
		           vim->name);
		return -EINVAL;
	}
	c = xcalloc(1, sizeof(*c));
	c->name = xstrdup(vim->name);
	c->source = os_dup(vim->file);
	c->auth_type = OS_AUTH_PASSWORD;
	c->auth_url = xstrdup(vim->auth_url);
	c->username = xstrdup(vim->username);
	c->project_name = os_dup(vim->project_name);
	c->user_domain_name =
	    xstrdup(vim->user_domain_name ? vim->user_domain_name : "Default");
	c->project_domain_name = xstrdup(
	    vim->project_domain_name ? vim->project_domain_name : "Default");
	c->interface = xstrdup("public");
	c->verify = vim->cert_verify;
	if (vim->ssl_ca_cert) {
		/* Tacker stores the CA itself; accept a path as well. */
		if (strncmp(vim->ssl_ca_cert, "-----BEGIN", 10) == 0)
			c->ca_pem = xstrdup(vim->ssl_ca_cert);
		else
			c->cacert = nfv_vim_path(vim, vim->ssl_ca_cert);
	}

	r = nfv_vim_secret(vim, &c->password, reterr);
	if (r < 0)
		goto fail;
	if (!c->verify && strncmp(c->auth_url, "https://", 8) == 0)
		diag_warn(reterr, &pos,
		          "VIM '%s': TLS certificate verification is off "
		          "(cert_verify: False): nothing proves the VIM is who "
		          "it claims to be",
		          vim->name);
	*ret = c;
	return 0;
fail:
	os_config_free(c);
	return r;
}
