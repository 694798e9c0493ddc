/* TOSCA scalar-unit and version parsing; see scalar.h. */
#include "scalar.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct tosca_unit {
	const char *name;
	double factor;
};

static const struct tosca_unit tosca_size_units[] = {
    {"B", 1},
    {"kB", 1e3},
    {"KiB", 1024.0},
    {"MB", 1e6},
    {"MiB", 1024.0 * 1024},
    {"GB", 1e9},
    {"GiB", 1024.0 * 1024 * 1024},
    {"TB", 1e12},
    {"TiB", 1024.0 * 1024 * 1024 * 1024},
    {NULL, 0},
};

static const struct tosca_unit tosca_time_units[] = {
    {"d", 86400}, {"h", 3600},  {"m", 60},    {"s", 1},
    {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}, {NULL, 0},
};

static const struct tosca_unit tosca_freq_units[] = {
    {"Hz", 1}, {"kHz", 1e3}, {"MHz", 1e6}, {"GHz", 1e9}, {NULL, 0},
};

static const struct tosca_unit *const tosca_units[TOSCA_UNIT_MAX] = {
    [TOSCA_UNIT_SIZE] = tosca_size_units,
    [TOSCA_UNIT_TIME] = tosca_time_units,
    [TOSCA_UNIT_FREQUENCY] = tosca_freq_units,
};

const char *
tosca_scalar_unit_example(enum tosca_unit_kind kind)
{
	switch (kind) {
	case TOSCA_UNIT_SIZE:
		return "512 MB";
	case TOSCA_UNIT_TIME:
		return "30 s";
	case TOSCA_UNIT_FREQUENCY:
		return "2 GHz";
	default:
		return "";
	}
}

int
tosca_scalar_unit_parse(const char *text, enum tosca_unit_kind kind,
                        double *ret)
{
	const struct tosca_unit *u;
	char *end;
	double v;

	if (kind < 0 || kind >= TOSCA_UNIT_MAX || !text)
		return -EINVAL;
	while (*text == ' ')
		text++;
	if (!isdigit((unsigned char)*text) && *text != '.')
		return -EINVAL;
	errno = 0;
	v = strtod(text, &end);
	if (errno || end == text || !isfinite(v) || v < 0)
		return -EINVAL;
	while (*end == ' ')
		end++;
	for (u = tosca_units[kind]; u->name; u++) {
		/* Time units are case-sensitive: "m" is not "M". */
		if (kind == TOSCA_UNIT_TIME ? strcmp(end, u->name) == 0
		                            : strcasecmp(end, u->name) == 0) {
			*ret = v * u->factor;
			return 0;
		}
	}
	return -EINVAL;
}

static const char *
tosca_version_digits(const char *s)
{
	if (!isdigit((unsigned char)*s))
		return NULL;
	while (isdigit((unsigned char)*s))
		s++;
	return s;
}

bool
tosca_version_valid(const char *text)
{
	const char *s = tosca_version_digits(text);

	if (!s || *s != '.')
		return false;
	s = tosca_version_digits(s + 1);
	if (!s)
		return false;
	if (*s == '\0')
		return true;
	if (*s != '.')
		return false;
	s = tosca_version_digits(s + 1);
	if (!s)
		return false;
	if (*s == '\0')
		return true;
	if (*s != '.' || !isalnum((unsigned char)s[1]))
		return false;
	for (s++; *s && *s != '-'; s++) {
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	}
	if (*s == '-')
		return tosca_version_digits(s + 1) &&
		       *tosca_version_digits(s + 1) == '\0';
	return true;
}
