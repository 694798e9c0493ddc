/*
 * Field-level drift of a Deployment: the fields nfvsync manages that a
 * hand edit (kubectl edit, patch, set image, label) can change — object
 * and pod-template labels, and per container its image, resource requests
 * and limits and ports — written at apply time into an annotation, and
 * compared with the live object at observe time. The spec-hash annotation
 * only says which descriptors an object was applied from; this says
 * whether the object still is what was applied.
 *
 * Only what nfvsync applied is compared: labels, containers, resources or
 * ports that others added are not drift (server-side apply would not
 * remove them either). Quantities are compared by value ("0.5" = "500m",
 * "512Mi" = "536870912"). Pure: JSON in, text out.
 */
#ifndef NFV_K8S_DRIFT_H
#define NFV_K8S_DRIFT_H

struct json_object;

/* The annotation holding k8s_drift_fields() of the applied manifest. */
#define K8S_ANNOTATION_FIELDS "nfvsync.io/applied-fields"

/* The managed fields of a Deployment (manifest or live object) as compact
 * JSON text; caller frees. */
char *k8s_drift_fields(struct json_object *deployment);

/*
 * NULL when live still holds every field as applied (applied: the text of
 * k8s_drift_fields, e.g. from the annotation), else what differs, e.g.
 * "container web: image nginx:evil (applied nginx); label app removed".
 * Unparsable applied text is NULL (no claim of drift). Caller frees.
 */
char *k8s_drift_describe(const char *applied, struct json_object *live);

/* A Kubernetes quantity ("500m", "1.5", "512Mi", "1G", "2e3") as a
 * number; -1 when it is not one. */
double k8s_quantity_value(const char *q);

#endif
