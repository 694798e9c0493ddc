/*
 * What both VIM drivers need from a VIM registration besides its fields:
 * paths relative to the VIM file, and its secret (an OpenStack password or
 * a Kubernetes bearer token) from the environment variable or the file the
 * registration names — never from the file itself, never printed. Secrets
 * are wiped before they are freed.
 */
#include "model.h"
#include "strbuf.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *
nfv_vim_path(const struct nfv_vim *vim, const char *path)
{
	const char *slash;

	if (path[0] == '/' || !vim->file)
		return xstrdup(path);
	slash = strrchr(vim->file, '/');
	if (!slash)
		return xstrdup(path);
	return xasprintf("%.*s/%s", (int)(slash - vim->file), vim->file, path);
}

void
nfv_secret_free(char *s)
{
	volatile char *p = s;

	while (p && *p)
		*p++ = '\0';
	free(s);
}

/* The whole file (at most 64 KiB) without its trailing newline. */
int
nfv_secret_read_file(const char *path, char **ret)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	FILE *f;
	int err;

	f = fopen(path, "r");
	if (!f)
		return -errno;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0 && sb.len < 65536)
		strbuf_add(&sb, buf, n);
	err = ferror(f) ? -EIO : 0;
	fclose(f);
	memset(buf, 0, sizeof(buf));
	if (err < 0) {
		nfv_secret_free(strbuf_detach(&sb));
		return err;
	}
	while (sb.len > 0 &&
	       (sb.buf[sb.len - 1] == '\n' || sb.buf[sb.len - 1] == '\r'))
		sb.buf[--sb.len] = '\0';
	*ret = strbuf_detach(&sb);
	return 0;
}

int
nfv_vim_secret(const struct nfv_vim *vim, char **ret, struct diag *reterr)
{
	/* Tacker's Kubernetes VIM: a bearer token, or a password with a
	 * username. */
	bool k8s = vim->kind == NFV_VIM_KUBERNETES && !vim->username;
	const char *noun = k8s ? "bearer token" : "password";
	const char *key = k8s ? "bearer_token" : "password";
	struct diag_pos pos = {vim->file, 0, 0};
	char *path;
	int r;

	if (vim->secret_env) {
		const char *v = getenv(vim->secret_env);

		if (!v || !*v) {
			diag_error(
			    reterr, &pos,
			    "VIM '%s': the %s comes from the environment "
			    "variable %s (%s_env), which is %s",
			    vim->name, noun, vim->secret_env, key,
			    v ? "empty" : "not set");
			return -ENOENT;
		}
		*ret = xstrdup(v);
		return 0;
	}
	if (!vim->secret_file) {
		diag_error(reterr, &pos,
		           "VIM '%s': no %s source: nfvsync reads the %s only "
		           "from %s_env or %s_file%s",
		           vim->name, noun, noun, key, key,
		           vim->secret_inline ? ", never from the VIM file"
		                              : "");
		return -ENOENT;
	}
	path = nfv_vim_path(vim, vim->secret_file);
	r = nfv_secret_read_file(path, ret);
	if (r < 0) {
		diag_error(reterr, &pos,
		           "VIM '%s': cannot read the %s file %s (%s_file): %s",
		           vim->name, noun, path, key, strerror(-r));
		r = r == -EIO ? -EIO : -ENOENT;
	} else if (!**ret) {
		diag_error(reterr, &pos,
		           "VIM '%s': the %s file %s (%s_file) is empty",
		           vim->name, noun, path, key);
		nfv_secret_free(*ret);
		*ret = NULL;
		r = -ENOENT;
	}
	free(path);
	return r;
}
