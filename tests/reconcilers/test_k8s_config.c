/*
 * Kubernetes credentials (k8s_config): every kubeconfig authentication form
 * (token, tokenFile, client certificate and key as files and as -data,
 * username/password), CAs, insecure-skip-tls-verify, kubectl's search
 * path and merge rules (KUBECONFIG list, --kubeconfig, ~/.kube/config),
 * the mistakes client-go refuses, the Tacker VIM forms, and that the client
 * certificate reaches libcurl (a TLS handshake with the scripted server).
 * Test data: data/kubeconfig/.
 */
#define _GNU_SOURCE /* asprintf */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_server.h"
#include "http.h"
#include "k8s_config.h"
#include "model.h"

#define KC TEST_DATA_DIR "/kubeconfig"

/* Loads (file, context); asserts the return code; returns the config. */
static struct k8s_config *
load(const char *file, const char *context, int want, struct diag *d)
{
	struct k8s_config *c = NULL;
	int r;

	r = k8s_config_from_kubeconfig(file, context, &c, d);
	if (r != want)
		diag_print(d, stderr);
	assert_int_equal(r, want);
	if (want == 0)
		assert_non_null(c);
	else
		assert_null(c);
	return c;
}

/* The diagnostics as one string (caller frees). */
static char *
diag_text(const struct diag *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	diag_print(d, f);
	fclose(f);
	return buf;
}

static void
assert_diag_has(const struct diag *d, const char *needle)
{
	char *t = diag_text(d);

	if (!strstr(t, needle))
		fprintf(stderr, "diag: %s\nwanted: %s\n", t, needle);
	assert_non_null(strstr(t, needle));
	free(t);
}

static void
assert_diag_lacks(const struct diag *d, const char *needle)
{
	char *t = diag_text(d);

	assert_null(strstr(t, needle));
	free(t);
}

static void
test_k8s_config_token_context_namespace_and_relative_ca(void **state)
{
	struct k8s_config *c;
	struct diag d;
	char *h;

	(void)state;
	diag_init(&d);
	c = load(KC "/token.yaml", NULL, 0, &d);
	assert_string_equal(c->context, "prod");
	assert_string_equal(c->server, "https://127.0.0.1:6443");
	assert_string_equal(c->namespace, "nfv");
	assert_string_equal(c->token, "test-token-123");
	assert_string_equal(c->ca_file, KC "/../tls/ca.pem");
	assert_null(c->ca_pem);
	assert_false(c->insecure);
	assert_null(c->cert_file);
	h = k8s_config_auth_header(c);
	assert_string_equal(h, "Authorization: Bearer test-token-123");
	nfv_secret_free(h);
	assert_int_equal(d.n, 0);
	k8s_config_free(c);
	diag_done(&d);
}

static void
test_k8s_config_token_file_is_relative_to_the_kubeconfig(void **state)
{
	struct k8s_config *c;
	struct diag d;

	(void)state;
	diag_init(&d);
	c = load(KC "/token.yaml", "filetoken", 0, &d);
	assert_string_equal(c->server, "http://127.0.0.1:8080");
	assert_null(c->namespace);
	assert_string_equal(c->token, "file-token-456"); /* newline cut */
	assert_null(c->ca_file);
	k8s_config_free(c);
	diag_done(&d);
}

static void
test_k8s_config_client_certificate_as_data(void **state)
{
	struct k8s_config *c;
	struct diag d;
	char *cert = fake_read_file(KC "/certs/client.pem");
	char *key = fake_read_file(KC "/certs/client.key");
	char *ca = fake_read_file(TEST_DATA_DIR "/tls/ca.pem");

	(void)state;
	diag_init(&d);
	c = load(KC "/certs-data.yaml", NULL, 0, &d);
	assert_string_equal(c->cert_pem, cert);
	assert_string_equal(c->key_pem, key);
	assert_string_equal(c->ca_pem, ca);
	assert_null(c->cert_file);
	assert_null(c->key_file);
	assert_null(c->token);
	/* A certificate authenticates by itself: no Authorization header. */
	assert_null(k8s_config_auth_header(c));
	k8s_config_free(c);
	free(cert);
	free(key);
	free(ca);
	diag_done(&d);
}

static void
test_k8s_config_client_certificate_as_files_and_insecure_warns(void **state)
{
	struct k8s_config *c;
	struct diag d;

	(void)state;
	diag_init(&d);
	c = load(KC "/certs-files.yaml", NULL, 0, &d);
	assert_string_equal(c->cert_file, KC "/certs/client.pem");
	assert_string_equal(c->key_file, KC "/certs/client.key");
	assert_true(c->insecure);
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.n, 1);
	assert_diag_has(&d, "certs-files.yaml:10:5: warning: cluster 'c': "
	                    "insecure-skip-tls-verify");
	k8s_config_free(c);
	diag_done(&d);
}

static void
test_k8s_config_basic_authentication(void **state)
{
	struct k8s_config *c;
	struct diag d;
	char *h;

	(void)state;
	diag_init(&d);
	c = load(KC "/certs-files.yaml", "basic", 0, &d);
	assert_string_equal(c->username, "admin");
	assert_string_equal(c->password, "s3cret-pw");
	h = k8s_config_auth_header(c);
	/* printf 'admin:s3cret-pw' | base64 */
	assert_string_equal(h, "Authorization: Basic YWRtaW46czNjcmV0LXB3");
	nfv_secret_free(h);
	k8s_config_free(c);
	diag_done(&d);
}

static void
test_k8s_config_kubeconfig_list_merges_like_kubectl(void **state)
{
	struct k8s_config *c;
	struct diag d;

	(void)state;
	/* Empty entries and a missing file are skipped. */
	setenv("KUBECONFIG",
	       KC "/merge-a.yaml::" KC "/missing.yaml:" KC "/merge-b.yaml:" KC
	          "/merge-c.yaml",
	       1);
	diag_init(&d);
	/* current-context from the first file that sets it (b, not c); the
	 * context ctx-b from b, not c; user 'me' from a, not b. */
	c = load(NULL, NULL, 0, &d);
	assert_string_equal(c->context, "ctx-b");
	assert_string_equal(c->server, "http://127.0.0.1:2222");
	assert_string_equal(c->namespace, "from-b");
	assert_string_equal(c->token, "token-from-a");
	k8s_config_free(c);
	/* A context of a later file is reachable by name. */
	c = load(NULL, "ctx-c", 0, &d);
	assert_string_equal(c->server, "http://127.0.0.1:3333");
	assert_null(c->token);
	assert_null(k8s_config_auth_header(c));
	k8s_config_free(c);
	assert_int_equal(d.n, 0);
	/* --kubeconfig reads that file only. */
	load(KC "/merge-a.yaml", "ctx-b", -ENOENT, &d);
	assert_diag_has(&d, "no context 'ctx-b' (contexts: ctx-a)");
	diag_done(&d);
	/* ... and a file it names must exist. */
	diag_init(&d);
	load(KC "/missing.yaml", NULL, -ENOENT, &d);
	assert_diag_has(&d, "missing.yaml");
	diag_done(&d);
	/* A KUBECONFIG of missing files only finds nothing. */
	setenv("KUBECONFIG", KC "/missing.yaml", 1);
	diag_init(&d);
	load(NULL, NULL, -ENOENT, &d);
	assert_diag_has(&d,
	                "no kubeconfig found (looked for " KC "/missing.yaml)");
	diag_done(&d);
	unsetenv("KUBECONFIG");
}

static void
test_k8s_config_home_kube_config_without_kubeconfig(void **state)
{
	char dir[] = "/tmp/nfvsync-kc.XXXXXX";
	char *kube, *path, *old_home = getenv("HOME");
	struct k8s_config *c;
	struct diag d;
	FILE *f;

	(void)state;
	old_home = old_home ? strdup(old_home) : NULL;
	assert_non_null(mkdtemp(dir));
	assert_true(asprintf(&kube, "%s/.kube", dir) > 0);
	assert_true(asprintf(&path, "%s/config", kube) > 0);
	assert_int_equal(mkdir(kube, 0700), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("current-context: home\n"
	      "clusters: [{name: h, cluster: {server: "
	      "'http://127.0.0.1:4444'}}]\n"
	      "contexts: [{name: home, context: {cluster: h}}]\n",
	      f);
	fclose(f);
	unsetenv("KUBECONFIG");
	setenv("HOME", dir, 1);
	diag_init(&d);
	c = load(NULL, NULL, 0, &d);
	assert_string_equal(c->server, "http://127.0.0.1:4444");
	assert_string_equal(c->source, path);
	k8s_config_free(c);
	diag_done(&d);
	if (old_home)
		setenv("HOME", old_home, 1);
	free(old_home);
	unlink(path);
	rmdir(kube);
	rmdir(dir);
	free(path);
	free(kube);
}

struct bad_case {
	const char *context;
	int r;
	const char *message;
};

static void
test_k8s_config_refuses_what_client_go_refuses(void **state)
{
	static const struct bad_case cases[] = {
	    {"exec", -ENOTSUP,
	     "bad.yaml:17:5: error: user 'exec': exec is "
	     "not supported"},
	    {"two-methods", -EINVAL, "more than one authentication method"},
	    {"cert-no-key", -EINVAL, "a client certificate needs its key"},
	    {"bad-b64", -EINVAL,
	     "bad.yaml:23:10: error: client-key-data is "
	     "not base64 data"},
	    {"missing-file", -ENOENT, "cannot read tokenFile"},
	    {"two-cas", -EINVAL,
	     "certificate-authority-data and "
	     "certificate-authority are both given"},
	    {"noserver", -EINVAL, "cluster 'noserver': server must be"},
	    {"nocluster", -ENOENT, "context 'nocluster': no such cluster"},
	    {"nouser", -ENOENT, "context 'nouser': no user 'ghost'"},
	    {"ghost", -ENOENT, "no context 'ghost'"},
	    {NULL, -ENOENT, "sets no current-context"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct diag d;

		diag_init(&d);
		load(KC "/bad.yaml", cases[i].context, cases[i].r, &d);
		assert_diag_has(&d, cases[i].message);
		/* no secret in any message */
		assert_diag_lacks(&d, "secret-token-789");
		diag_done(&d);
	}
}

static void
test_k8s_config_vim_with_context_or_tacker_basic_auth(void **state)
{
	struct nfv_vim vim = {
	    .name = "site2",
	    .file = "/nonexistent/vims/site2.yaml",
	    .kind = NFV_VIM_KUBERNETES,
	    .cert_verify = true,
	};
	struct k8s_config *c = NULL;
	struct diag d;
	char *h;

	(void)state;
	diag_init(&d);
	/* No auth_url: the VIM's context beats --context. */
	vim.context = "filetoken";
	assert_int_equal(
	    k8s_config_from_vim(&vim, KC "/token.yaml", "prod", &c, &d), 0);
	assert_string_equal(c->token, "file-token-456");
	k8s_config_free(c);
	/* No context in the VIM: --context. */
	vim.context = NULL;
	assert_int_equal(
	    k8s_config_from_vim(&vim, KC "/token.yaml", "filetoken", &c, &d),
	    0);
	assert_string_equal(c->context, "filetoken");
	k8s_config_free(c);
	/* Tacker's form: username and a password from the environment. */
	vim.auth_url = "https://127.0.0.1:6443/";
	vim.username = "admin";
	vim.secret_env = "TEST_K8S_PASSWORD";
	setenv("TEST_K8S_PASSWORD", "s3cret-pw", 1);
	assert_int_equal(k8s_config_from_vim(&vim, NULL, NULL, &c, &d), 0);
	assert_string_equal(c->server, "https://127.0.0.1:6443");
	h = k8s_config_auth_header(c);
	assert_string_equal(h, "Authorization: Basic YWRtaW46czNjcmV0LXB3");
	nfv_secret_free(h);
	k8s_config_free(c);
	/* ... a missing password names the variable, as a password. */
	unsetenv("TEST_K8S_PASSWORD");
	assert_int_equal(k8s_config_from_vim(&vim, NULL, NULL, &c, &d),
	                 -ENOENT);
	assert_diag_has(&d, "the password comes from the environment "
	                    "variable TEST_K8S_PASSWORD (password_env)");
	diag_done(&d);
}

/* The client certificate reaches libcurl: with the matching key the TLS
 * handshake succeeds and the request arrives; with another key libcurl
 * refuses before sending anything. (The scripted server does not ask for
 * a client certificate, so this proves the options, not a server's
 * verification of them: localvim's Kubernetes API has no TLS.) */
static void
test_k8s_config_client_certificate_reaches_curl(void **state)
{
	struct fake_server *fs = fake_server_start_tls(
	    TEST_DATA_DIR "/tls/server.pem", TEST_DATA_DIR "/tls/server.key");
	const struct fake_reply ok = {"GET", "/version", 200, NULL, "{}", 0};
	struct http_options o;
	struct http_client *client = NULL;
	struct http_request req;
	struct http_response resp;
	struct k8s_config *c;
	struct diag d;
	char *url;

	(void)state;
	fake_server_add(fs, &ok);
	assert_true(asprintf(&url, "%s/version", fake_server_url(fs)) > 0);
	diag_init(&d);
	c = load(KC "/certs-data.yaml", NULL, 0, &d);
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = url;
	req.max_attempts = 1;

	http_options_init(&o);
	k8s_config_http_options(c, &o);
	assert_int_equal(http_client_new(&o, &client, &d), 0);
	memset(&resp, 0, sizeof(resp));
	assert_int_equal(http_do(client, &req, &resp, &d), 0);
	assert_int_equal(resp.status, 200);
	http_response_done(&resp);
	http_client_free(client);
	assert_int_equal(fake_server_count(fs, "GET", "/version"), 1);

	/* The server's key does not match the client certificate. */
	nfv_secret_free(c->key_pem);
	c->key_pem = fake_read_file(TEST_DATA_DIR "/tls/server.key");
	http_options_init(&o);
	k8s_config_http_options(c, &o);
	assert_int_equal(http_client_new(&o, &client, &d), 0);
	memset(&resp, 0, sizeof(resp));
	assert_true(http_do(client, &req, &resp, &d) < 0);
	http_response_done(&resp);
	http_client_free(client);
	assert_int_equal(fake_server_count(fs, "GET", "/version"), 1);

	k8s_config_free(c);
	diag_done(&d);
	free(url);
	fake_server_stop(fs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(
	        test_k8s_config_token_context_namespace_and_relative_ca),
	    cmocka_unit_test(
	        test_k8s_config_token_file_is_relative_to_the_kubeconfig),
	    cmocka_unit_test(test_k8s_config_client_certificate_as_data),
	    cmocka_unit_test(
	        test_k8s_config_client_certificate_as_files_and_insecure_warns),
	    cmocka_unit_test(test_k8s_config_basic_authentication),
	    cmocka_unit_test(
	        test_k8s_config_kubeconfig_list_merges_like_kubectl),
	    cmocka_unit_test(
	        test_k8s_config_home_kube_config_without_kubeconfig),
	    cmocka_unit_test(test_k8s_config_refuses_what_client_go_refuses),
	    cmocka_unit_test(
	        test_k8s_config_vim_with_context_or_tacker_basic_auth),
	    cmocka_unit_test(test_k8s_config_client_certificate_reaches_curl),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
