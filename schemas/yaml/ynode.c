/*
 * libyaml event stream -> struct ynode tree with positions. Builds the tree
 * with an explicit stack (no recursion), resolves aliases by sharing the
 * anchored node, and enforces the limits in struct yload_limits. Does no
 * TOSCA interpretation.
 */
#include "ynode.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <yaml.h>

const struct yload_limits yload_limits_default = {
    .max_bytes = 4u << 20,
    .max_depth = 64,
    .max_nodes = 1000000,
};

struct ynode_anchor {
	char *name;
	struct ynode *node;
};

struct ynode_builder {
	struct ydoc *doc;
	const struct yload_limits *lim;
	struct diag *d;
	struct ynode **stack; /* open collections */
	size_t depth;
	size_t capstack;
	struct ynode **pkeys; /* pending key per stack level */
	size_t cappkeys;
	struct ynode_anchor *anchors;
	size_t nanchors;
	size_t capanchors;
	bool failed;
};

static struct ynode *
ynode_builder_new_node(struct ynode_builder *b, enum ynode_kind kind,
                       const yaml_mark_t *mark)
{
	struct ynode *n = xcalloc(1, sizeof(*n));

	n->kind = kind;
	n->pos.file = b->doc->file;
	n->pos.line = (unsigned)mark->line + 1;
	n->pos.col = (unsigned)mark->column + 1;
	n->weight = 1;
	XGROW(b->doc->all, b->doc->capall, b->doc->nall + 1);
	b->doc->all[b->doc->nall++] = n;
	return n;
}

static void
ynode_builder_fail(struct ynode_builder *b, const struct diag_pos *pos,
                   const char *msg)
{
	if (!b->failed)
		diag_error(b->d, pos, "%s", msg);
	b->failed = true;
}

static size_t
ynode_sat_add(size_t a, size_t b)
{
	return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

static int
ynode_builder_anchor(struct ynode_builder *b, const yaml_char_t *anchor,
                     struct ynode *n)
{
	size_t i;

	if (!anchor)
		return 0;
	/* A redefined anchor shadows the earlier one (YAML 1.2 7.1). */
	for (i = 0; i < b->nanchors; i++) {
		if (strcmp(b->anchors[i].name, (const char *)anchor) == 0) {
			b->anchors[i].node = n;
			return 0;
		}
	}
	XGROW(b->anchors, b->capanchors, b->nanchors + 1);
	b->anchors[b->nanchors].name = xstrdup((const char *)anchor);
	b->anchors[b->nanchors].node = n;
	b->nanchors++;
	return 0;
}

/* Attaches a finished node to the open collection (or makes it the root). */
static void
ynode_builder_attach(struct ynode_builder *b, struct ynode *n)
{
	struct ynode *parent;
	struct ynode **pkey;

	if (b->depth == 0) {
		if (!b->doc->root)
			b->doc->root = n;
		return;
	}
	parent = b->stack[b->depth - 1];
	pkey = &b->pkeys[b->depth - 1];
	parent->weight = ynode_sat_add(parent->weight, n->weight);
	if (parent->kind == YNODE_SEQ) {
		size_t cap = parent->n;

		parent->items =
		    xrealloc(parent->items, (cap + 1) * sizeof(*parent->items));
		parent->items[parent->n++] = n;
		return;
	}
	if (!*pkey) {
		if (n->kind != YNODE_SCALAR) {
			ynode_builder_fail(
			    b, &n->pos, "mapping keys must be plain scalars");
			return;
		}
		*pkey = n;
		return;
	}
	parent->items =
	    xrealloc(parent->items, (parent->n + 1) * sizeof(*parent->items));
	parent->keys =
	    xrealloc(parent->keys, (parent->n + 1) * sizeof(*parent->keys));
	parent->keys[parent->n] = *pkey;
	parent->items[parent->n] = n;
	parent->n++;
	*pkey = NULL;
}

static int
ynode_key_cmp(const void *pa, const void *pb)
{
	const struct ynode *const *a = pa;
	const struct ynode *const *b = pb;
	int c = strcmp((*a)->str, (*b)->str);

	if (c)
		return c;
	/* Keep source order among equal keys. */
	if ((*a)->pos.line != (*b)->pos.line)
		return (*a)->pos.line < (*b)->pos.line ? -1 : 1;
	return (*a)->pos.col < (*b)->pos.col ? -1
	                                     : (*a)->pos.col > (*b)->pos.col;
}

/* Reports repeated keys in O(n log n), so huge hostile maps stay cheap. */
static void
ynode_builder_check_dups(struct ynode_builder *b, const struct ynode *map)
{
	struct ynode **sorted;
	size_t i;

	if (map->n < 2)
		return;
	sorted = xmalloc(map->n * sizeof(*sorted));
	memcpy(sorted, map->keys, map->n * sizeof(*sorted));
	qsort(sorted, map->n, sizeof(*sorted), ynode_key_cmp);
	for (i = 1; i < map->n; i++) {
		if (strcmp(sorted[i]->str, sorted[i - 1]->str) != 0)
			continue;
		/* As an error nothing is used, so say only what is wrong. */
		if (b->d->strict)
			diag_error(b->d, &sorted[i]->pos,
			           "duplicate mapping key '%s' (first at line "
			           "%u)",
			           sorted[i]->str, sorted[i - 1]->pos.line);
		else
			diag_warn(b->d, &sorted[i]->pos,
			          "duplicate mapping key '%s' (first at line "
			          "%u); the last value is used",
			          sorted[i]->str, sorted[i - 1]->pos.line);
	}
	free(sorted);
}

static void
ynode_builder_push(struct ynode_builder *b, struct ynode *n)
{
	if (b->depth >= b->lim->max_depth) {
		char msg[96];

		snprintf(msg, sizeof(msg),
		         "nesting deeper than %u levels is not accepted",
		         b->lim->max_depth);
		ynode_builder_fail(b, &n->pos, msg);
		return;
	}
	XGROW(b->stack, b->capstack, b->depth + 1);
	XGROW(b->pkeys, b->cappkeys, b->depth + 1);
	b->stack[b->depth] = n;
	b->pkeys[b->depth] = NULL;
	b->depth++;
}

static void
ynode_builder_check_weight(struct ynode_builder *b, const struct ynode *n)
{
	if (n->weight > b->lim->max_nodes) {
		char msg[128];

		snprintf(msg, sizeof(msg),
		         "document expands to more than %zu nodes "
		         "(alias expansion limit)",
		         b->lim->max_nodes);
		ynode_builder_fail(b, &n->pos, msg);
	}
}

static void
ynode_builder_event(struct ynode_builder *b, const yaml_event_t *ev)
{
	struct ynode *n;
	size_t i;

	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n = ynode_builder_new_node(b, YNODE_SCALAR, &ev->start_mark);
		n->str = xstrndup((const char *)ev->data.scalar.value,
		                  ev->data.scalar.length);
		n->len = ev->data.scalar.length;
		switch (ev->data.scalar.style) {
		case YAML_SINGLE_QUOTED_SCALAR_STYLE:
		case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
			n->style = YSCALAR_QUOTED;
			break;
		case YAML_LITERAL_SCALAR_STYLE:
		case YAML_FOLDED_SCALAR_STYLE:
			n->style = YSCALAR_BLOCK;
			break;
		default:
			n->style = YSCALAR_PLAIN;
			break;
		}
		n->closed = true;
		ynode_builder_anchor(b, ev->data.scalar.anchor, n);
		ynode_builder_attach(b, n);
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		n = ynode_builder_new_node(b,
		                           ev->type == YAML_SEQUENCE_START_EVENT
		                               ? YNODE_SEQ
		                               : YNODE_MAP,
		                           &ev->start_mark);
		ynode_builder_anchor(b,
		                     ev->type == YAML_SEQUENCE_START_EVENT
		                         ? ev->data.sequence_start.anchor
		                         : ev->data.mapping_start.anchor,
		                     n);
		ynode_builder_push(b, n);
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		n = b->stack[--b->depth];
		n->closed = true;
		if (n->kind == YNODE_MAP)
			ynode_builder_check_dups(b, n);
		ynode_builder_check_weight(b, n);
		ynode_builder_attach(b, n);
		break;
	case YAML_ALIAS_EVENT:
		for (i = b->nanchors; i > 0; i--) {
			if (strcmp(b->anchors[i - 1].name,
			           (const char *)ev->data.alias.anchor) == 0)
				break;
		}
		if (i == 0) {
			struct diag_pos pos = {
			    b->doc->file, (unsigned)ev->start_mark.line + 1,
			    (unsigned)ev->start_mark.column + 1};
			diag_error(b->d, &pos, "unknown alias '*%s'",
			           (const char *)ev->data.alias.anchor);
			b->failed = true;
			break;
		}
		n = b->anchors[i - 1].node;
		if (!n->closed) {
			struct diag_pos pos = {
			    b->doc->file, (unsigned)ev->start_mark.line + 1,
			    (unsigned)ev->start_mark.column + 1};
			diag_error(b->d, &pos,
			           "alias '*%s' refers to a node that contains "
			           "it (recursive alias)",
			           (const char *)ev->data.alias.anchor);
			b->failed = true;
			break;
		}
		ynode_builder_attach(b, n);
		break;
	default:
		break;
	}
}

static void
ynode_builder_done(struct ynode_builder *b)
{
	size_t i;

	for (i = 0; i < b->nanchors; i++)
		free(b->anchors[i].name);
	free(b->anchors);
	free(b->stack);
	free(b->pkeys);
}

/*
 * libyaml fails where it notices the problem, which for an unclosed bracket
 * or quote is often lines later; its context mark says where the construct
 * began ("while parsing a flow sequence" at 83:18), so both are reported:
 * "… (the flow sequence opened at 83:18)".
 */
static void
ynode_syntax_error(const yaml_parser_t *p, const char *file, struct diag *d)
{
	struct diag_pos pos = {file, (unsigned)p->problem_mark.line + 1,
	                       (unsigned)p->problem_mark.column + 1};
	const char *problem = p->problem ? p->problem : "error";
	const char *what = p->context;

	if (!what) {
		diag_error(d, &pos, "YAML syntax: %s", problem);
		return;
	}
	if (strncmp(what, "while parsing ", 14) == 0)
		what += 14;
	else if (strncmp(what, "while scanning ", 15) == 0)
		what += 15;
	if (strncmp(what, "a ", 2) == 0) {
		what += 2;
	} else if (strncmp(what, "an ", 3) == 0) {
		what += 3;
	} else { /* "while scanning for the next token": no construct */
		diag_error(d, &pos, "YAML syntax: %s %s", problem, p->context);
		return;
	}
	if (p->context_mark.line == p->problem_mark.line &&
	    p->context_mark.column == p->problem_mark.column)
		diag_error(d, &pos, "YAML syntax: %s (in the %s)", problem,
		           what);
	else
		diag_error(
		    d, &pos, "YAML syntax: %s (the %s %s at %u:%u)", problem,
		    what, strncmp(what, "flow ", 5) == 0 ? "opened" : "started",
		    (unsigned)p->context_mark.line + 1,
		    (unsigned)p->context_mark.column + 1);
}

void
ydoc_free(struct ydoc *doc)
{
	size_t i;

	if (!doc)
		return;
	for (i = 0; i < doc->nall; i++) {
		free(doc->all[i]->str);
		free(doc->all[i]->items);
		free(doc->all[i]->keys);
		free(doc->all[i]);
	}
	free(doc->all);
	free(doc->file);
	free(doc);
}

int
ydoc_load_buffer(const char *name, const char *buf, size_t len,
                 const struct yload_limits *lim, struct ydoc **ret,
                 struct diag *d)
{
	struct ynode_builder b = {0};
	yaml_parser_t parser;
	yaml_event_t ev;
	struct ydoc *doc;
	unsigned ndocs = 0;
	int r = 0;

	if (!lim)
		lim = &yload_limits_default;
	if (len > lim->max_bytes) {
		struct diag_pos pos = {name, 0, 0};

		diag_error(d, &pos,
		           "file is %zu bytes; descriptors larger than %zu "
		           "bytes are not accepted",
		           len, lim->max_bytes);
		return -EFBIG;
	}
	doc = xcalloc(1, sizeof(*doc));
	doc->file = xstrdup(name);
	b.doc = doc;
	b.lim = lim;
	b.d = d;
	if (!yaml_parser_initialize(&parser))
		abort();
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	for (;;) {
		if (!yaml_parser_parse(&parser, &ev)) {
			ynode_syntax_error(&parser, doc->file, d);
			r = -EINVAL;
			break;
		}
		if (ev.type == YAML_DOCUMENT_START_EVENT && ++ndocs > 1) {
			struct diag_pos pos = {
			    doc->file, (unsigned)ev.start_mark.line + 1,
			    (unsigned)ev.start_mark.column + 1};
			diag_error(d, &pos,
			           "a second YAML document in one file is not "
			           "supported; put each descriptor in its own "
			           "file");
			yaml_event_delete(&ev);
			r = -EINVAL;
			break;
		}
		ynode_builder_event(&b, &ev);
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		yaml_event_delete(&ev);
		if (b.failed) {
			r = -EINVAL;
			break;
		}
	}
	yaml_parser_delete(&parser);
	ynode_builder_done(&b);
	if (r < 0 || b.failed) {
		ydoc_free(doc);
		return r < 0 ? r : -EINVAL;
	}
	*ret = doc;
	return 0;
}

int
ydoc_load_file(const char *path, const struct yload_limits *lim,
               struct ydoc **ret, struct diag *d)
{
	struct diag_pos pos = {path, 0, 0};
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int fd, r;

	if (!lim)
		lim = &yload_limits_default;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		diag_error(d, &pos, "cannot open: %s", strerror(errno));
		return r;
	}
	for (;;) {
		ssize_t got;

		XGROW(buf, cap, len + 65536);
		got = read(fd, buf + len, cap - len);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			diag_error(d, &pos, "cannot read: %s", strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		len += (size_t)got;
		if (len > lim->max_bytes)
			break; /* reported by ydoc_load_buffer */
	}
	r = ydoc_load_buffer(path, buf, len, lim, ret, d);
out:
	close(fd);
	free(buf);
	return r;
}

const struct ynode *
ynode_get_key(const struct ynode *map, const char *key)
{
	size_t i;

	if (!map || map->kind != YNODE_MAP)
		return NULL;
	for (i = map->n; i > 0; i--) {
		if (strcmp(map->keys[i - 1]->str, key) == 0)
			return map->keys[i - 1];
	}
	return NULL;
}

const struct ynode *
ynode_get(const struct ynode *map, const char *key)
{
	size_t i;

	if (!map || map->kind != YNODE_MAP)
		return NULL;
	for (i = map->n; i > 0; i--) {
		if (strcmp(map->keys[i - 1]->str, key) == 0)
			return map->items[i - 1];
	}
	return NULL;
}

bool
ynode_is_scalar(const struct ynode *n)
{
	return n && n->kind == YNODE_SCALAR;
}

bool
ynode_is_map(const struct ynode *n)
{
	return n && n->kind == YNODE_MAP;
}

bool
ynode_is_seq(const struct ynode *n)
{
	return n && n->kind == YNODE_SEQ;
}

bool
ynode_is_null(const struct ynode *n)
{
	if (!n)
		return true;
	if (n->kind != YNODE_SCALAR || n->style != YSCALAR_PLAIN)
		return false;
	return n->len == 0 || strcmp(n->str, "~") == 0 ||
	       strcmp(n->str, "null") == 0 || strcmp(n->str, "Null") == 0 ||
	       strcmp(n->str, "NULL") == 0;
}

const char *
ynode_str(const struct ynode *n)
{
	return n && n->kind == YNODE_SCALAR ? n->str : NULL;
}

const char *
ynode_kind_name(const struct ynode *n)
{
	if (!n)
		return "nothing";
	switch (n->kind) {
	case YNODE_SEQ:
		return "a list";
	case YNODE_MAP:
		return "a mapping";
	default:
		return ynode_is_null(n) ? "null" : "a scalar";
	}
}

int
ynode_to_bool(const struct ynode *n, bool *ret)
{
	if (!ynode_is_scalar(n))
		return -EINVAL;
	if (strcasecmp(n->str, "true") == 0) {
		*ret = true;
		return 0;
	}
	if (strcasecmp(n->str, "false") == 0) {
		*ret = false;
		return 0;
	}
	return -EINVAL;
}

int
ynode_to_int(const struct ynode *n, long long *ret)
{
	const char *s, *digits;
	char buf[72]; /* "-" + digits, for strtoll in another base */
	char *end;
	long long v;
	int base = 10;

	if (!ynode_is_scalar(n) || n->len == 0)
		return -EINVAL;
	s = n->str;
	digits = s + (*s == '-' || *s == '+');
	if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
		base = 16;
		digits += 2;
	} else if (digits[0] == '0' && digits[1] == 'o') {
		base = 8;
		digits += 2;
	}
	/* strtoll would skip spaces and take a sign after "0x": refuse. */
	if (!isxdigit((unsigned char)*digits))
		return -EINVAL;
	if (base != 10) {
		if (strlen(digits) + 2 > sizeof(buf))
			return -EINVAL;
		snprintf(buf, sizeof(buf), "%s%s", *s == '-' ? "-" : "",
		         digits);
		errno = 0;
		v = strtoll(buf, &end, base);
	} else {
		errno = 0;
		v = strtoll(s, &end, base);
	}
	if (errno || *end != '\0')
		return -EINVAL;
	*ret = v;
	return 0;
}

int
ynode_to_double(const struct ynode *n, double *ret)
{
	char *end;
	double v;

	if (!ynode_is_scalar(n) || n->len == 0 ||
	    isspace((unsigned char)n->str[0]) || strpbrk(n->str, "xX"))
		return -EINVAL; /* no leading blanks, no hex floats */
	errno = 0;
	v = strtod(n->str, &end);
	if (errno || *end != '\0' || !isfinite(v))
		return -EINVAL;
	*ret = v;
	return 0;
}
