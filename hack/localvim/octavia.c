/*
 * Octavia v2 for localvim (placeholder until the HAProxy data plane lands).
 */
#include "http.h"
#include "services.h"

void
octavia_handle(struct localvim *lv, struct http_req *req)
{
}

void
octavia_tick(struct localvim *lv, double now)
{
}

void
octavia_exited(struct localvim *lv, struct lv_obj *lb, int status)
{
}
