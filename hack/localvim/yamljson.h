/*
 * YAML -> json-c conversion for the bodies of Kubernetes server-side apply
 * (application/apply-patch+yaml), which may be YAML or JSON. Plain scalars
 * become null, booleans, integers or floats the way YAML 1.2's core schema
 * reads them; quoted scalars stay strings. Anchors and tags are not
 * supported (Kubernetes clients do not send them).
 */
#ifndef LV_YAMLJSON_H
#define LV_YAMLJSON_H

#include <stddef.h>

#include <json-c/json.h>

/* Parses the first document of text. 0 and *ret (caller owns), or
 * -EINVAL for malformed input. */
int yamljson_parse(const char *text, size_t len, struct json_object **ret);

#endif
