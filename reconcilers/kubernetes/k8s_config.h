/*
 * Kubernetes credentials and connection settings, from the ecosystem's own
 * files: kubeconfig as kubectl reads it (--kubeconfig FILE, else the
 * KUBECONFIG list merged, else ~/.kube/config; a context by name or the
 * current one), or a Tacker Kubernetes VIM registration (auth_url, a bearer
 * token or username/password from the environment or a file, ssl_ca_cert).
 *
 * It reads files and the environment, nothing else: no network, no logging.
 * A struct k8s_config holds secrets (token, password, client key) in memory;
 * they are wiped on free and never appear in a message.
 */
#ifndef NFV_K8S_CONFIG_H
#define NFV_K8S_CONFIG_H

#include <stdbool.h>

#include "diag.h"

struct nfv_vim;
struct http_options;

struct k8s_config {
	char *server;    /* API server URL, no trailing '/' */
	char *namespace; /* the context's namespace, or NULL */
	char *context;   /* kubeconfig context used; NULL for a VIM file */
	char *source;    /* file it came from, for messages */
	/* TLS. insecure only when the user said so (the caller warns). */
	bool insecure;
	char *ca_file; /* CA bundle path, or NULL */
	char *ca_pem;  /* CA certificates as PEM text, or NULL */
	/* Client certificate authentication: a file path or PEM text each. */
	char *cert_file;
	char *cert_pem;
	char *key_file;
	char *key_pem; /* secret */
	/* Bearer token, or HTTP basic authentication. */
	char *token; /* secret */
	char *username;
	char *password; /* secret */
};

/*
 * The kubeconfig files kubectl would read, in order: kubeconfig when not
 * NULL (that file only), else the non-empty entries of $KUBECONFIG
 * (colon-separated), else $HOME/.kube/config. The caller frees each string
 * and the array.
 */
void k8s_kubeconfig_search_path(const char *kubeconfig, char ***ret,
                                size_t *ret_n);

/*
 * Reads kubeconfig with kubectl's rules: the files of the search path are
 * merged, the first file that names a cluster, user or context wins for
 * that name, and current-context comes from the first file that sets it.
 * context (NULL: current-context) picks the cluster, the user and the
 * namespace. Relative paths (certificate-authority, client-certificate,
 * client-key, tokenFile) are relative to the file that holds them; tokenFile
 * is read now. -data fields are base64. A missing file is an error only
 * when it was named by kubeconfig (--kubeconfig); otherwise it is skipped,
 * and finding no file at all is -ENOENT naming what was searched.
 *
 * Returns 0 and *ret (free with k8s_config_free), or -ENOENT (no file, no
 * such context/cluster/user), -EINVAL (malformed; `file:line:col:` in
 * reterr), -ENOTSUP (exec or auth-provider plugins). With
 * insecure-skip-tls-verify on an https server a warning is added to reterr.
 */
int k8s_config_from_kubeconfig(const char *kubeconfig, const char *context,
                               struct k8s_config **ret, struct diag *reterr);

/*
 * The credentials of a Kubernetes VIM registration: with auth_url, Tacker's
 * form (bearer token, or username and password, from *_env or *_file;
 * ssl_ca_cert as PEM text or a path relative to the VIM file; cert_verify);
 * without it, kubeconfig (as above) with the VIM's `context`, else the
 * context argument (--context), else the current context.
 */
int k8s_config_from_vim(const struct nfv_vim *vim, const char *kubeconfig,
                        const char *context, struct k8s_config **ret,
                        struct diag *reterr);

/* Wipes the secrets, then frees; NULL-safe. */
void k8s_config_free(struct k8s_config *c);

/*
 * The Authorization header line ("Authorization: Bearer ..." or "...:
 * Basic ..."), or NULL when the user authenticates by client certificate
 * only or not at all. Free with nfv_secret_free.
 */
char *k8s_config_auth_header(const struct k8s_config *c);

/* Sets o's TLS fields (CA, client certificate, insecure) from c; the
 * strings stay borrowed from c until http_client_new copies them. */
void k8s_config_http_options(const struct k8s_config *c,
                             struct http_options *o);

#endif
