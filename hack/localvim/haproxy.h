/*
 * The Octavia data plane: one real HAProxy process per load balancer
 * (Debian's /usr/sbin/haproxy in master-worker mode), configured from the
 * balancer's listeners, pools, members, health monitors and L7 policies,
 * reloaded with SIGUSR2 (no dropped connections), health read from its
 * stats socket. Files live in STATE/haproxy/<lb id>.*.
 */
#ifndef LV_HAPROXY_H
#define LV_HAPROXY_H

#include <stdbool.h>

#include "world.h"

/* Writes the config of lb and starts or reloads its HAProxy (none while
 * it has no listener); sets lb->pid and lb->priv. 0 or -errno. */
int haproxy_apply(struct localvim *lv, struct lv_obj *lb);
/* Stops lb's HAProxy and removes its files. */
void haproxy_stop(struct localvim *lv, struct lv_obj *lb);
/* Member health from the stats socket: "UP", "DOWN", "NO CHECK" or NULL
 * when unknown. Result is a static buffer valid until the next call. */
const char *haproxy_member_status(struct localvim *lv, struct lv_obj *lb,
                                  const char *pool_id, const char *member_id);
/* Removes the haproxy directory of the state dir at exit. */
void haproxy_cleanup(struct localvim *lv);

#endif
