/*
 * Entry points of localvim's API modules. Each handler answers one request
 * of its service (through http_reply_*); each tick advances that service's
 * asynchronous state machines; each exited() is told when one of its
 * objects' processes ended. No module calls another's internals: the
 * cross-service calls are the few functions declared here.
 */
#ifndef LV_SERVICES_H
#define LV_SERVICES_H

#include <stdbool.h>
#include <stdint.h>

#include "world.h"

struct http_req;

void keystone_handle(struct localvim *lv, struct http_req *req);
/* True when token is a known, unexpired Keystone token. */
bool keystone_token_valid(struct localvim *lv, const char *token);

void nova_handle(struct localvim *lv, struct http_req *req);
void nova_tick(struct localvim *lv, double now);
void nova_exited(struct localvim *lv, struct lv_obj *server, int status);
void nova_populate(struct localvim *lv);
/* Ends the process of the server (or pod) named name; 0 or -ENOENT. */
int nova_kill_by_name(struct localvim *lv, const char *name);

void neutron_handle(struct localvim *lv, struct http_req *req);
void neutron_populate(struct localvim *lv);
/* Creates a port on network net with the fixed IP ip (or any when NULL)
 * from subnet subnet_id (or the network's first subnet when NULL). 0 and
 * the port, -EEXIST when the address is taken, -ENOSPC when the subnet is
 * full, -EINVAL for an address outside every subnet. */
int neutron_port_create(struct localvim *lv, struct lv_obj *net,
                        const char *subnet_id, const char *ip, const char *name,
                        struct lv_obj **ret);
/* The first fixed IP of a port, borrowed, or NULL. */
const char *neutron_port_ip(struct lv_obj *port);

void glance_handle(struct localvim *lv, struct http_req *req);
void glance_populate(struct localvim *lv);

void octavia_handle(struct localvim *lv, struct http_req *req);
void octavia_tick(struct localvim *lv, double now);
void octavia_exited(struct localvim *lv, struct lv_obj *lb, int status);
/* Ends the HAProxy of the load balancer named name as a crash (its
 * operating_status goes ERROR until a failover); 0 or -ENOENT. */
int octavia_kill_by_name(struct localvim *lv, const char *name);

void k8s_handle(struct localvim *lv, struct http_req *req);
void k8s_tick(struct localvim *lv, double now);
void k8s_exited(struct localvim *lv, struct lv_obj *obj, int status);
void k8s_populate(struct localvim *lv);
/* Ends the process of the pod named name as a crash; 0 or -ENOENT. */
int k8s_kill_by_name(struct localvim *lv, const char *name);

void admin_handle(struct localvim *lv, struct http_req *req);
/* Applies the service's faults before routing: may drop, delay (returns
 * true with req->suspended set) or answer the request. True when the
 * request must not be routed now. */
bool admin_intercept(struct localvim *lv, struct http_req *req);
/* Counts an answered request. */
void admin_count(struct localvim *lv, const struct http_req *req);

#endif
