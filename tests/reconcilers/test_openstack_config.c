/*
 * Unit tests of the OpenStack credential sources: clouds.yaml (every auth
 * form, secure.yaml, the search path and OS_CLOUD, errors with positions)
 * and Tacker VIM registrations with secrets from the environment or a file.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model.h"
#include "os_config.h"

#define CLOUDS TEST_DATA_DIR "/clouds/clouds.yaml"
#define SECURE TEST_DATA_DIR "/clouds/secure.yaml"

static struct os_config *
load(const char *cloud, const char *secure)
{
	struct os_config *c = NULL;
	struct diag d;

	diag_init(&d);
	if (os_config_from_clouds_file(CLOUDS, secure, cloud, &c, &d) != 0) {
		diag_print(&d, stderr);
		fail_msg("cloud %s did not load", cloud);
	}
	assert_int_equal(d.n, 0);
	diag_done(&d);
	return c;
}

/* Loads a cloud that must fail; returns the single error's text. */
static char *
load_error(const char *cloud, int want)
{
	struct os_config *c = NULL;
	struct diag d;
	char *msg;

	diag_init(&d);
	assert_int_equal(
	    os_config_from_clouds_file(CLOUDS, NULL, cloud, &c, &d), want);
	assert_null(c);
	assert_int_equal(d.n, 1);
	msg = diag_entry_format(&d.entries[0]);
	diag_done(&d);
	return msg;
}

static void
test_openstack_config_reads_password_auth_with_names(void **state)
{
	struct os_config *c = load("lab", NULL);

	assert_int_equal(c->auth_type, OS_AUTH_PASSWORD);
	assert_string_equal(c->name, "lab");
	assert_string_equal(c->source, CLOUDS);
	assert_string_equal(c->auth_url, "https://keystone.example:5000/v3");
	assert_string_equal(c->username, "tacker");
	assert_string_equal(c->password, "pw-lab");
	assert_string_equal(c->project_name, "nfv");
	assert_string_equal(c->user_domain_name, "Default");
	assert_string_equal(c->project_domain_name, "Default");
	assert_null(c->user_id);
	assert_null(c->project_id);
	assert_string_equal(c->region_name, "RegionOne");
	assert_string_equal(c->interface, "internal");
	assert_string_equal(c->cacert, "/etc/ssl/lab-ca.pem");
	assert_true(c->verify);
	os_config_free(c);
}

static void
test_openstack_config_reads_ids_and_verify_false(void **state)
{
	struct os_config *c = load("by-id", NULL);

	assert_int_equal(c->auth_type, OS_AUTH_PASSWORD);
	assert_string_equal(c->user_id, "0123abc");
	assert_string_equal(c->project_id, "p-456");
	assert_string_equal(c->user_domain_id, "default");
	assert_string_equal(c->project_domain_id, "default");
	assert_null(c->username);
	assert_null(c->region_name);
	assert_string_equal(c->interface, "public");
	assert_false(c->verify);
	os_config_free(c);
}

static void
test_openstack_config_reads_application_credentials(void **state)
{
	struct os_config *c = load("appcred-id", NULL);

	assert_int_equal(c->auth_type, OS_AUTH_APPLICATION_CREDENTIAL);
	assert_string_equal(c->application_credential_id, "ac-123");
	assert_string_equal(c->application_credential_secret, "ac-secret");
	assert_null(c->password);
	os_config_free(c);

	c = load("appcred-name", NULL);
	assert_int_equal(c->auth_type, OS_AUTH_APPLICATION_CREDENTIAL);
	assert_string_equal(c->application_credential_name, "ci");
	assert_string_equal(c->username, "ci-user");
	assert_string_equal(c->user_domain_name, "Default");
	os_config_free(c);

	/* No auth_type, but only an application credential: use it. */
	c = load("appcred-implicit", NULL);
	assert_int_equal(c->auth_type, OS_AUTH_APPLICATION_CREDENTIAL);
	assert_string_equal(c->application_credential_id, "ac-789");
	os_config_free(c);
}

static void
test_openstack_config_reads_legacy_spellings(void **state)
{
	struct os_config *c = load("insecure-old", NULL);

	/* insecure: true is the deprecated "verify: false"; a single entry
	 * in regions is the region; "publicURL" is "public". */
	assert_false(c->verify);
	assert_string_equal(c->region_name, "RegionTwo");
	assert_string_equal(c->interface, "public");
	os_config_free(c);
}

static void
test_openstack_config_merges_secure_yaml(void **state)
{
	struct os_config *c = load("no-password", SECURE);

	assert_string_equal(c->password, "from-secure");
	assert_string_equal(c->username, "u");
	os_config_free(c);
	c = load("lab", SECURE);
	assert_string_equal(c->password, "pw-secure");
	assert_string_equal(c->username, "tacker");
	os_config_free(c);
}

static void
test_openstack_config_missing_cloud_is_an_error_with_position(void **state)
{
	char *m = load_error("nope", -ENOENT);

	assert_string_equal(m, CLOUDS ":3:1: error: cloud 'nope' not found "
	                              "(have: lab, by-id, appcred-id, "
	                              "appcred-name, appcred-implicit, "
	                              "insecure-old, bad-type, no-url, "
	                              "no-password, bad-verify, "
	                              "https-noverify)");
	free(m);
}

static void
test_openstack_config_bad_entries_point_at_the_node(void **state)
{
	char *m;

	m = load_error("bad-type", -EINVAL);
	assert_string_equal(m, CLOUDS ":50:16: error: cloud 'bad-type': "
	                              "auth_type 'token' is not supported "
	                              "(password or v3applicationcredential)");
	free(m);
	m = load_error("no-url", -EINVAL);
	assert_string_equal(m, CLOUDS
	                    ":53:5: error: cloud 'no-url': no auth.auth_url");
	free(m);
	m = load_error("no-password", -EINVAL);
	assert_string_equal(m, CLOUDS ":57:5: error: cloud 'no-password': "
	                              "password auth needs auth.password (in "
	                              "clouds.yaml or secure.yaml)");
	free(m);
	m = load_error("bad-verify", -EINVAL);
	assert_string_equal(m, CLOUDS ":61:13: error: cloud 'bad-verify': "
	                              "verify must be true or false");
	free(m);
}

static void
test_openstack_config_warns_when_tls_verification_is_off(void **state)
{
	struct os_config *c = NULL;
	struct diag d;
	char *m;

	diag_init(&d);
	assert_int_equal(
	    os_config_from_clouds_file(CLOUDS, NULL, "https-noverify", &c, &d),
	    0);
	assert_false(c->verify);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.errors, 0);
	m = diag_entry_format(&d.entries[0]);
	assert_string_equal(m, CLOUDS ":64:13: warning: cloud "
	                              "'https-noverify': TLS certificate "
	                              "verification is off: nothing proves the "
	                              "VIM is who it claims to be");
	free(m);
	os_config_free(c);
	diag_done(&d);
}

static void
test_openstack_config_yaml_errors_have_positions(void **state)
{
	struct os_config *c = NULL;
	struct diag d;
	char *m;

	diag_init(&d);
	assert_int_equal(os_config_from_clouds_file(TEST_DATA_DIR
	                                            "/clouds/broken.yaml",
	                                            NULL, "lab", &c, &d),
	                 -EINVAL);
	assert_true(d.errors >= 1);
	m = diag_entry_format(&d.entries[0]);
	assert_memory_equal(m, TEST_DATA_DIR "/clouds/broken.yaml:",
	                    strlen(TEST_DATA_DIR "/clouds/broken.yaml:"));
	assert_true(d.entries[0].line > 0);
	free(m);
	diag_done(&d);
}

/* ---- search path and environment ---- */

struct env_fixture {
	char cwd[PATH_MAX];
	char tmp[64];
};

static int
env_setup(void **state)
{
	struct env_fixture *f = calloc(1, sizeof(*f));

	assert_non_null(getcwd(f->cwd, sizeof(f->cwd)));
	strcpy(f->tmp, "/tmp/nfv-osconfig-XXXXXX");
	assert_non_null(mkdtemp(f->tmp));
	unsetenv("OS_CLIENT_CONFIG_FILE");
	unsetenv("OS_CLOUD");
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", f->tmp, 1);
	*state = f;
	return 0;
}

static int
env_teardown(void **state)
{
	struct env_fixture *f = *state;
	char cmd[128];

	assert_int_equal(chdir(f->cwd), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->tmp);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
test_openstack_config_search_path_order(void **state)
{
	struct env_fixture *f = *state;
	char **v, want[128];
	size_t n, i;

	setenv("OS_CLIENT_CONFIG_FILE", "/srv/my-clouds.yaml", 1);
	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	os_clouds_search_path("clouds.yaml", &v, &n);
	assert_int_equal(n, 4);
	assert_string_equal(v[0], "/srv/my-clouds.yaml");
	assert_string_equal(v[1], "./clouds.yaml");
	assert_string_equal(v[2], "/xdg/openstack/clouds.yaml");
	assert_string_equal(v[3], "/etc/openstack/clouds.yaml");
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);

	/* Without XDG_CONFIG_HOME: ~/.config; secure.yaml is never the
	 * OS_CLIENT_CONFIG_FILE. */
	unsetenv("XDG_CONFIG_HOME");
	os_clouds_search_path("secure.yaml", &v, &n);
	assert_int_equal(n, 3);
	assert_string_equal(v[0], "./secure.yaml");
	snprintf(want, sizeof(want), "%s/.config/openstack/secure.yaml",
	         f->tmp);
	assert_string_equal(v[1], want);
	assert_string_equal(v[2], "/etc/openstack/secure.yaml");
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
test_openstack_config_finds_clouds_yaml_in_the_current_directory(void **state)
{
	struct os_config *c = NULL;
	struct diag d;

	diag_init(&d);
	assert_int_equal(chdir(TEST_DATA_DIR "/clouds"), 0);
	setenv("OS_CLOUD", "no-password", 1);
	/* ./clouds.yaml plus ./secure.yaml (which holds the password). */
	assert_int_equal(os_config_from_clouds(NULL, &c, &d), 0);
	assert_string_equal(c->source, "./clouds.yaml");
	assert_string_equal(c->password, "from-secure");
	os_config_free(c);
	/* An explicit name beats OS_CLOUD. */
	assert_int_equal(os_config_from_clouds("by-id", &c, &d), 0);
	assert_string_equal(c->name, "by-id");
	os_config_free(c);
	assert_int_equal(d.n, 0);
	diag_done(&d);
}

static void
test_openstack_config_finds_clouds_yaml_in_xdg_and_env(void **state)
{
	struct env_fixture *f = *state;
	struct os_config *c = NULL;
	struct diag d;
	char path[256];

	diag_init(&d);
	assert_int_equal(chdir(f->tmp), 0);
	snprintf(path, sizeof(path), "%s/openstack", f->tmp);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/openstack/clouds.yaml", f->tmp);
	write_file(path, "clouds:\n  xdg:\n    auth:\n      auth_url: "
	                 "http://xdg:5000\n      username: x\n      "
	                 "password: y\n");
	setenv("XDG_CONFIG_HOME", f->tmp, 1);
	assert_int_equal(os_config_from_clouds("xdg", &c, &d), 0);
	assert_string_equal(c->source, path);
	assert_string_equal(c->auth_url, "http://xdg:5000");
	os_config_free(c);

	/* OS_CLIENT_CONFIG_FILE comes first. */
	setenv("OS_CLIENT_CONFIG_FILE", CLOUDS, 1);
	setenv("OS_CLOUD", "lab", 1);
	assert_int_equal(os_config_from_clouds(NULL, &c, &d), 0);
	assert_string_equal(c->source, CLOUDS);
	os_config_free(c);
	assert_int_equal(d.n, 0);
	diag_done(&d);
}

static void
test_openstack_config_without_any_clouds_yaml_says_where_it_looked(void **state)
{
	struct env_fixture *f = *state;
	struct os_config *c = NULL;
	struct stat st;
	struct diag d;

	if (stat("/etc/openstack/clouds.yaml", &st) == 0)
		skip();
	diag_init(&d);
	assert_int_equal(chdir(f->tmp), 0);
	assert_int_equal(os_config_from_clouds("lab", &c, &d), -ENOENT);
	assert_int_equal(d.n, 1);
	assert_non_null(strstr(d.entries[0].message, "no clouds.yaml found"));
	assert_non_null(strstr(d.entries[0].message, "./clouds.yaml"));
	assert_non_null(
	    strstr(d.entries[0].message, "/etc/openstack/clouds.yaml"));
	diag_done(&d);
}

static void
test_openstack_config_needs_a_cloud_name(void **state)
{
	struct os_config *c = NULL;
	struct diag d;

	diag_init(&d);
	unsetenv("OS_CLOUD");
	assert_int_equal(os_config_from_clouds_file(CLOUDS, NULL, NULL, &c, &d),
	                 -ENOENT);
	assert_int_equal(d.n, 1);
	assert_non_null(strstr(d.entries[0].message,
	                       "no cloud selected: set OS_CLOUD or --cloud"));
	diag_done(&d);
}

/* ---- Tacker VIM registrations ---- */

static struct nfv_vim
vim_base(void)
{
	struct nfv_vim v;

	memset(&v, 0, sizeof(v));
	v.name = "site1";
	v.file = TEST_DATA_DIR "/vims/site1.yaml";
	v.kind = NFV_VIM_OPENSTACK;
	v.auth_url = "http://127.0.0.1:25000/v3";
	v.username = "admin";
	v.project_name = "admin";
	v.cert_verify = true;
	return v;
}

static void
test_openstack_config_vim_secret_from_env(void **state)
{
	struct nfv_vim v = vim_base();
	struct os_config *c = NULL;
	struct diag d;

	diag_init(&d);
	v.secret_env = "NFV_TEST_SITE1_PASSWORD";
	setenv("NFV_TEST_SITE1_PASSWORD", "env-s3cret", 1);
	assert_int_equal(os_config_from_vim(&v, &c, &d), 0);
	assert_string_equal(c->password, "env-s3cret");
	assert_string_equal(c->username, "admin");
	assert_string_equal(c->project_name, "admin");
	/* Tacker's defaults for the domains. */
	assert_string_equal(c->user_domain_name, "Default");
	assert_string_equal(c->project_domain_name, "Default");
	assert_string_equal(c->interface, "public");
	assert_true(c->verify);
	os_config_free(c);

	unsetenv("NFV_TEST_SITE1_PASSWORD");
	assert_int_equal(os_config_from_vim(&v, &c, &d), -ENOENT);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.entries[0].message,
	                    "VIM 'site1': the password comes from the "
	                    "environment variable NFV_TEST_SITE1_PASSWORD "
	                    "(password_env), which is not set");
	assert_string_equal(d.entries[0].file, v.file);
	diag_done(&d);
}

static void
test_openstack_config_vim_secret_from_file(void **state)
{
	struct nfv_vim v = vim_base();
	struct os_config *c = NULL;
	struct diag d;

	diag_init(&d);
	/* Relative to the VIM file; the trailing newline is not part of
	 * the password. */
	v.secret_file = "site1.secret";
	v.cert_verify = false;
	v.ssl_ca_cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END "
	                "CERTIFICATE-----\n";
	assert_int_equal(os_config_from_vim(&v, &c, &d), 0);
	assert_string_equal(c->password, "file-s3cret");
	assert_false(c->verify);
	assert_non_null(c->ca_pem);
	assert_null(c->cacert);
	/* Plain http: no TLS to verify, nothing to warn about. */
	assert_int_equal(d.n, 0);
	os_config_free(c);

	v.auth_url = "https://keystone.example:5000/v3";
	assert_int_equal(os_config_from_vim(&v, &c, &d), 0);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.entries[0].severity, DIAG_WARNING);
	assert_string_equal(d.entries[0].message,
	                    "VIM 'site1': TLS certificate verification is off "
	                    "(cert_verify: False): nothing proves the VIM is "
	                    "who it claims to be");
	os_config_free(c);
	diag_done(&d);
	diag_init(&d);

	v.secret_file = "missing.secret";
	assert_int_equal(os_config_from_vim(&v, &c, &d), -ENOENT);
	assert_int_equal(d.n, 1);
	assert_string_equal(
	    d.entries[0].message,
	    "VIM 'site1': cannot read the password file " TEST_DATA_DIR
	    "/vims/missing.secret (password_file): No such "
	    "file or directory");
	diag_done(&d);
}

static void
test_openstack_config_vim_refuses_what_it_cannot_use(void **state)
{
	struct nfv_vim v = vim_base();
	struct os_config *c = NULL;
	struct diag d;

	diag_init(&d);
	v.secret_inline = true;
	assert_int_equal(os_config_from_vim(&v, &c, &d), -ENOENT);
	assert_non_null(
	    strstr(d.entries[0].message, "never from the VIM file"));
	v.kind = NFV_VIM_KUBERNETES;
	assert_int_equal(os_config_from_vim(&v, &c, &d), -EINVAL);
	assert_int_equal(d.n, 2);
	assert_null(c);
	diag_done(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(
	        test_openstack_config_reads_password_auth_with_names),
	    cmocka_unit_test(test_openstack_config_reads_ids_and_verify_false),
	    cmocka_unit_test(
	        test_openstack_config_reads_application_credentials),
	    cmocka_unit_test(test_openstack_config_reads_legacy_spellings),
	    cmocka_unit_test(test_openstack_config_merges_secure_yaml),
	    cmocka_unit_test(
	        test_openstack_config_missing_cloud_is_an_error_with_position),
	    cmocka_unit_test(
	        test_openstack_config_bad_entries_point_at_the_node),
	    cmocka_unit_test(
	        test_openstack_config_warns_when_tls_verification_is_off),
	    cmocka_unit_test(test_openstack_config_yaml_errors_have_positions),
	    cmocka_unit_test(test_openstack_config_needs_a_cloud_name),
	    cmocka_unit_test_setup_teardown(
	        test_openstack_config_search_path_order, env_setup,
	        env_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_openstack_config_finds_clouds_yaml_in_the_current_directory,
	        env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_openstack_config_finds_clouds_yaml_in_xdg_and_env,
	        env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_openstack_config_without_any_clouds_yaml_says_where_it_looked,
	        env_setup, env_teardown),
	    cmocka_unit_test(test_openstack_config_vim_secret_from_env),
	    cmocka_unit_test(test_openstack_config_vim_secret_from_file),
	    cmocka_unit_test(
	        test_openstack_config_vim_refuses_what_it_cannot_use),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
