/*
 * The desired-state model: what the descriptors ask for, resolved and typed.
 * NS -> VNFs (placed on a named VIM) -> VDUs (VM or container), CPs, VLs,
 * scaling; load balancers with members drawn from VNFs on any VIM; VIM
 * registrations; and the features read but not deployable yet.
 *
 * A model is an immutable snapshot built once from validated documents.
 * Strings are borrowed from the documents, which the owning struct nfv_repo
 * keeps alive; nothing here is freed on its own.
 */
#ifndef NFV_MODEL_H
#define NFV_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

enum nfv_vim_kind {
	NFV_VIM_OPENSTACK,
	NFV_VIM_KUBERNETES,
	NFV_VIM_KIND_MAX,
	NFV_VIM_KIND_INVALID = -22,
};

/* A VIM registration (vims/<name>.yaml, Tacker's VIM file format). */
struct nfv_vim {
	const char *name; /* file stem */
	const char *file;
	enum nfv_vim_kind kind;
	const char *auth_url;
	const char *username;
	const char *project_name;
	const char *user_domain_name;
	const char *project_domain_name;
	bool cert_verify;
	const char *ssl_ca_cert;
	/* Where the secret (password or bearer token) comes from: one of
	 * these is set; the secret itself is never stored in the model. */
	const char *secret_env;
	const char *secret_file;
	bool secret_inline; /* written in the file (a warning) */
	/* Kubernetes without auth_url: the kubeconfig context to use (NULL:
	 * --context, else the current context). */
	const char *context;
};

struct nfv_kv {
	const char *key;
	const char *value;
};

struct nfv_port_map {
	int published; /* Service port */
	int target;    /* container port */
};

struct nfv_container {
	const char *name;
	const char *image;
	double num_cpus;
	long long mem_bytes;
	int *ports;
	size_t nports;
	const char *config;
};

enum nfv_vdu_kind {
	NFV_VDU_VM,
	NFV_VDU_CONTAINER,
};

struct nfv_vdu {
	const char *name;
	struct diag_pos pos;
	enum nfv_vdu_kind kind;
	/* Instances: from a Scaling policy targeting this VDU, else 1/1/1. */
	int instances;
	int min_instances;
	int max_instances;
	const char *scaling_policy; /* NULL if none */
	int target_cpu_utilization; /* 0: no autoscaler */
	/* VM */
	const char *image;
	struct diag_pos image_pos;
	const char *flavor;
	struct diag_pos flavor_pos;
	struct diag_pos compute_pos; /* nfv_compute, else the template */
	int vcpus;                   /* nfv_compute num_cpus, 0 if unset */
	long long mem_bytes;         /* nfv_compute mem_size */
	long long disk_bytes;        /* nfv_compute disk_size */
	const char *key_name;
	const char *user_data;
	const char *user_data_format;
	const char *availability_zone;
	const char *config;
	bool config_drive;
	struct nfv_kv *metadata;
	size_t nmetadata;
	const char *monitoring;        /* monitoring_policy name, or NULL */
	const char *monitoring_action; /* respawn, vdu_autoheal, … */
	/* container */
	const char *namespace;
	const char *service_type;
	struct nfv_port_map *mapping_ports;
	size_t nmapping_ports;
	struct nfv_kv *labels;
	size_t nlabels;
	struct nfv_container *containers;
	size_t ncontainers;
};

/* An extra address a port may send from (allowed_address_pairs). */
struct nfv_address_pair {
	const char *ip_address;  /* an address or a CIDR */
	const char *mac_address; /* NULL: the port's own */
};

struct nfv_cp {
	const char *name;
	struct diag_pos pos;
	const char *vdu; /* virtualBinding; NULL: a port of its own (a VIP) */
	const char *vl;  /* virtualLink, resolved through the NSD if needed */
	const char *network_name;    /* of that VL */
	struct diag_pos network_pos; /* the VL's network_name */
	/* A virtualLink the VNFD leaves to an NSD (substitution_mappings):
	 * the exported requirement's name and where it is mapped; vl stays
	 * NULL while no NSD fills it. */
	const char *link_export;
	struct diag_pos link_export_pos;
	const char *ip_address;
	struct diag_pos ip_pos;
	const char *mac_address;
	struct diag_pos mac_pos;
	bool management;
	int order;
	const char *vnic_type; /* "normal" unless the CP says (sriov…) */
	bool anti_spoofing;
	const char **security_groups;
	struct diag_pos *security_group_pos; /* one per group */
	size_t nsecurity_groups;
	struct nfv_address_pair *allowed_address_pairs;
	size_t nallowed_address_pairs;
};

struct nfv_vl {
	const char *name;
	const char *network_name;
	struct diag_pos network_pos;
	const char *vendor;
	const char *cidr;
	int ip_version;
	const char *start_ip;
	const char *end_ip;
	const char *gateway_ip;
};

struct nfv_scaling {
	const char *name;
	const char **targets;
	size_t ntargets;
	int min_instances;
	int max_instances;
	int default_instances;
	int increment;
	int cooldown;
	int target_cpu_utilization;
};

struct nfv_vnf {
	const char *name;    /* node template name in the NSD, or the VNFD's */
	const char *vnfd;    /* descriptor file */
	const char *vim;     /* placement: VIM name */
	struct diag_pos pos; /* the template (or the VNFD) */
	struct diag_pos vim_pos; /* where the placement says so */
	struct nfv_vdu *vdus;
	size_t nvdus;
	struct nfv_cp *cps;
	size_t ncps;
	struct nfv_vl *vls;
	size_t nvls;
	struct nfv_scaling *scaling;
	size_t nscaling;
};

struct nfv_l7_rule {
	const char *path_prefix;
	const char *vnf;
	const char *vdu;
	int instance;
};

struct nfv_balancer {
	const char *name;
	const char *vim;
	struct diag_pos pos;
	struct diag_pos vim_pos;
	const char *vip_address;
	struct diag_pos vip_pos;
	const char *vip_network; /* network_name of the VIP's VL */
	struct diag_pos vip_network_pos;
	const char *listener_protocol;
	int listener_port;
	const char *pool_algorithm;
	const char *pool_protocol;
	int member_port;
	bool has_health_monitor;
	const char *hm_type;
	int hm_delay;
	int hm_timeout;
	int hm_max_retries;
	const char *hm_http_method;
	const char *hm_url_path;
	const char *hm_expected_codes;
	const char **members; /* VNF names */
	size_t nmembers;
	struct nfv_l7_rule *l7_rules;
	size_t nl7_rules;
};

/* A feature read and validated but not deployed by this version. */
struct nfv_unsupported {
	const char *feature; /* "VNFFG", "block storage", … */
	const char *subject; /* template or policy name */
	struct diag_pos pos;
};

enum nfv_service_kind {
	NFV_SERVICE_NS,    /* an NSD */
	NFV_SERVICE_VNF,   /* a VNFD deployed on its own */
	NFV_SERVICE_OTHER, /* e.g. a VNFFGD: nothing to deploy yet */
	NFV_SERVICE_KIND_MAX,
};

/* How the controller treats a service, from its descriptor's top-level
 * metadata `nfvsync.io/sync` (the way Flux and Argo CD keep it in the
 * source): apply, only report drift, or leave it alone. */
enum nfv_sync_mode {
	NFV_SYNC_APPLY,   /* absent or "apply" */
	NFV_SYNC_DRY_RUN, /* "dry-run": plan and report, change nothing */
	NFV_SYNC_SUSPEND, /* "suspend": neither plan nor change */
	NFV_SYNC_MODE_MAX,
};

struct nfv_service {
	const char *name;
	/* metadata.template_name, or the top of the file whose stem names
	 * the service */
	struct diag_pos name_pos;
	const char *file;
	const char *description;
	enum nfv_service_kind kind;
	enum nfv_sync_mode sync;
	struct nfv_vnf *vnfs;
	size_t nvnfs;
	struct nfv_vl *vls; /* NS-level virtual links */
	size_t nvls;
	struct nfv_balancer *balancers;
	size_t nbalancers;
	struct nfv_unsupported *unsupported;
	size_t nunsupported;
};

struct nfv_model {
	struct nfv_vim *vims;
	size_t nvims;
	struct nfv_service *services;
	size_t nservices;
	char **owned; /* the few strings not borrowed from documents */
	size_t nowned;
};

/* The VIM a VNF/balancer lands on when nothing places it. */
#define NFV_DEFAULT_VIM "default"

const char *nfv_vim_kind_name(enum nfv_vim_kind k);
const char *nfv_service_kind_name(enum nfv_service_kind k);
const char *nfv_sync_mode_name(enum nfv_sync_mode m);
const struct nfv_vim *nfv_model_vim(const struct nfv_model *m,
                                    const char *name);
const struct nfv_vnf *nfv_service_vnf(const struct nfv_service *s,
                                      const char *name);
const struct nfv_vdu *nfv_vnf_vdu(const struct nfv_vnf *v, const char *name);

/* A path a VIM file gives (CA, secret file), relative to that file's
 * directory unless absolute. Caller frees. */
char *nfv_vim_path(const struct nfv_vim *vim, const char *path);
/*
 * The VIM's secret — an OpenStack password or a Kubernetes bearer token —
 * from the environment variable or file the registration names. 0 and *ret
 * (free with nfv_secret_free), or -ENOENT/-EIO with a message that names the
 * variable or file, never the secret.
 */
int nfv_vim_secret(const struct nfv_vim *vim, char **ret, struct diag *reterr);
/* A secret file's text (at most 64 KiB) without its trailing newline:
 * 0 and *ret (free with nfv_secret_free), or a negative errno. */
int nfv_secret_read_file(const char *path, char **ret);
/* Wipes a secret, then frees it; NULL-safe. */
void nfv_secret_free(char *s);

/*
 * Reports each port of a VM VDU that would have no network: its CP's
 * virtualLink is exported through substitution_mappings for an NSD to fill
 * and the VNFD is deployed on its own. As warnings when loading (such a
 * VNFD is a valid descriptor for NSDs), as errors when planning (error).
 * Returns how many.
 */
size_t nfv_model_check_links(const struct nfv_model *m, bool error,
                             struct diag *d);

/* Frees the arrays of a model (strings are borrowed, see above). */
void nfv_model_done(struct nfv_model *m);

/* JSON text of the model (for `show -o json` and golden tests); caller
 * frees. Deterministic: same model, same bytes. */
char *nfv_model_to_json(const struct nfv_model *m);

#endif
