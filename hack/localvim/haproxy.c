/*
 * HAProxy data plane for localvim's Octavia (see haproxy.h).
 */
#include "haproxy.h"

int
haproxy_apply(struct localvim *lv, struct lv_obj *lb)
{
	return 0;
}

void
haproxy_stop(struct localvim *lv, struct lv_obj *lb)
{
}

const char *
haproxy_member_status(struct localvim *lv, struct lv_obj *lb,
                      const char *pool_id, const char *member_id)
{
	return NULL;
}

void
haproxy_cleanup(struct localvim *lv)
{
}
