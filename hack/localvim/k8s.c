/*
 * Kubernetes API for localvim (placeholder until it lands).
 */
#include "http.h"
#include "services.h"

void
k8s_handle(struct localvim *lv, struct http_req *req)
{
}

void
k8s_tick(struct localvim *lv, double now)
{
}

void
k8s_exited(struct localvim *lv, struct lv_obj *obj, int status)
{
}

void
k8s_populate(struct localvim *lv)
{
}
