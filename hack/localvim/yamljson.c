/*
 * A small YAML reader on libyaml's event API producing json-c values, for
 * localvim's Kubernetes apply bodies. Pure: no I/O, no world state.
 */
#include "yamljson.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

static struct json_object *
yamljson_scalar(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	char *end;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return json_object_new_string_len(v, (int)len);
	if (len == 0 || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	    strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0)
		return NULL;
	if (strcmp(v, "true") == 0 || strcmp(v, "True") == 0 ||
	    strcmp(v, "TRUE") == 0)
		return json_object_new_boolean(1);
	if (strcmp(v, "false") == 0 || strcmp(v, "False") == 0 ||
	    strcmp(v, "FALSE") == 0)
		return json_object_new_boolean(0);
	if ((v[0] >= '0' && v[0] <= '9') ||
	    ((v[0] == '-' || v[0] == '+') && v[1] >= '0' && v[1] <= '9')) {
		long long n = strtoll(v, &end, 10);
		double d;

		if (*end == '\0')
			return json_object_new_int64(n);
		d = strtod(v, &end);
		if (*end == '\0')
			return json_object_new_double(d);
	}
	return json_object_new_string_len(v, (int)len);
}

/* Reads one node whose first event is ev (already taken). */
static int
yamljson_node(yaml_parser_t *p, yaml_event_t *ev, struct json_object **ret)
{
	struct json_object *c;
	yaml_event_t next;
	int r = 0;

	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		*ret = yamljson_scalar(ev);
		return 0;
	case YAML_SEQUENCE_START_EVENT:
		c = json_object_new_array();
		for (;;) {
			struct json_object *item = NULL;

			if (!yaml_parser_parse(p, &next)) {
				r = -EINVAL;
				break;
			}
			if (next.type == YAML_SEQUENCE_END_EVENT) {
				yaml_event_delete(&next);
				break;
			}
			r = yamljson_node(p, &next, &item);
			yaml_event_delete(&next);
			if (r < 0)
				break;
			json_object_array_add(c, item);
		}
		break;
	case YAML_MAPPING_START_EVENT:
		c = json_object_new_object();
		for (;;) {
			struct json_object *val = NULL;
			char *key;

			if (!yaml_parser_parse(p, &next)) {
				r = -EINVAL;
				break;
			}
			if (next.type == YAML_MAPPING_END_EVENT) {
				yaml_event_delete(&next);
				break;
			}
			if (next.type != YAML_SCALAR_EVENT) {
				yaml_event_delete(&next);
				r = -EINVAL;
				break;
			}
			key = strndup((const char *)next.data.scalar.value,
			              next.data.scalar.length);
			yaml_event_delete(&next);
			if (!yaml_parser_parse(p, &next)) {
				free(key);
				r = -EINVAL;
				break;
			}
			r = yamljson_node(p, &next, &val);
			yaml_event_delete(&next);
			if (r < 0) {
				free(key);
				break;
			}
			json_object_object_add(c, key, val);
			free(key);
		}
		break;
	default:
		return -EINVAL;
	}
	if (r < 0) {
		json_object_put(c);
		return r;
	}
	*ret = c;
	return 0;
}

int
yamljson_parse(const char *text, size_t len, struct json_object **ret)
{
	yaml_parser_t p;
	yaml_event_t ev;
	struct json_object *root = NULL;
	bool done = false;
	int r = -EINVAL;

	if (!yaml_parser_initialize(&p))
		return -ENOMEM;
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev))
			break;
		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_START_EVENT:
			break;
		case YAML_STREAM_END_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			done = true;
			break;
		default:
			r = yamljson_node(&p, &ev, &root);
			done = true;
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	if (r < 0) {
		json_object_put(root);
		return r;
	}
	*ret = root;
	return 0;
}
