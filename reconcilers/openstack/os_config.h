/*
 * OpenStack credentials and connection settings, from the ecosystem's own
 * files: clouds.yaml (+ secure.yaml) as openstacksdk reads them, or a Tacker
 * VIM registration (struct nfv_vim) whose secret comes from an environment
 * variable or a file.
 *
 * It reads files and the environment, nothing else: no network, no logging.
 * A struct os_config holds the secret (password or application credential
 * secret) in memory; it is wiped on free and must never be printed.
 */
#ifndef NFV_OS_CONFIG_H
#define NFV_OS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

struct nfv_vim;

enum os_auth_type {
	OS_AUTH_PASSWORD,               /* "password", "v3password" */
	OS_AUTH_APPLICATION_CREDENTIAL, /* "v3applicationcredential" */
	OS_AUTH_TYPE_MAX,
	OS_AUTH_TYPE_INVALID = -22,
};

struct os_config {
	char *name;   /* cloud name or VIM name, for messages */
	char *source; /* the file it came from, for messages */
	enum os_auth_type auth_type;
	char *auth_url;
	char *username;
	char *user_id;
	char *password; /* secret */
	char *user_domain_name;
	char *user_domain_id;
	char *project_name;
	char *project_id;
	char *project_domain_name;
	char *project_domain_id;
	char *application_credential_id;
	char *application_credential_name;
	char *application_credential_secret; /* secret */
	char *region_name; /* NULL: any, but only one region may offer it */
	char *interface;   /* catalog interface, "public" by default */
	char *cacert;      /* CA bundle path, or NULL */
	char *ca_pem;      /* CA certificates as PEM text, or NULL */
	bool verify;       /* false only when the user said so: warn */
};

/*
 * Candidate clouds.yaml paths in openstacksdk's order: $OS_CLIENT_CONFIG_FILE
 * (when set), ./clouds.yaml, $XDG_CONFIG_HOME/openstack/clouds.yaml (or
 * ~/.config/openstack/clouds.yaml), /etc/openstack/clouds.yaml. The caller
 * frees each string and the array.
 */
void os_clouds_search_path(const char *file, char ***ret, size_t *ret_n);

/*
 * Reads the cloud named cloud (NULL: $OS_CLOUD) from the first clouds.yaml
 * on the search path, with secure.yaml from the same search merged over it.
 * Returns 0 and *ret (free with os_config_free), -ENOENT when no file or no
 * such cloud, -EINVAL for a bad entry; errors are `file:line:col: ...` in
 * reterr. TLS verification turned off for an https auth_url is a warning in
 * reterr (the caller prints it).
 */
int os_config_from_clouds(const char *cloud, struct os_config **ret,
                          struct diag *reterr);
/* Same from one given clouds.yaml (secure_path may be NULL). */
int os_config_from_clouds_file(const char *path, const char *secure_path,
                               const char *cloud, struct os_config **ret,
                               struct diag *reterr);

/*
 * From a Tacker VIM registration of kind openstack: the password read from
 * the environment variable vim->secret_env or the file vim->secret_file
 * (relative to the VIM file's directory; one trailing newline stripped).
 * Domains default to "Default" as in Tacker; cert_verify False with an
 * https auth_url adds a warning. Returns 0 and *ret, -ENOENT
 * when the secret is missing (the message names the variable or file, never
 * the value), -EINVAL otherwise.
 */
int os_config_from_vim(const struct nfv_vim *vim, struct os_config **ret,
                       struct diag *reterr);

struct os_config *os_config_dup(const struct os_config *c);
/* Wipes the secrets and frees; NULL-safe. */
void os_config_free(struct os_config *c);

const char *os_auth_type_name(enum os_auth_type t);

#endif
