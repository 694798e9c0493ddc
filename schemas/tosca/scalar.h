/*
 * TOSCA scalar readings that the schema asks for: scalar-unit.size
 * ("512 MB"), scalar-unit.time ("30 s"), scalar-unit.frequency ("2 GHz") and
 * version ("1.0", "2.1.3.beta-4"). Pure functions on text; no I/O.
 */
#ifndef NFV_TOSCA_SCALAR_H
#define NFV_TOSCA_SCALAR_H

#include <stdbool.h>

enum tosca_unit_kind {
	TOSCA_UNIT_SIZE,      /* normalised to bytes */
	TOSCA_UNIT_TIME,      /* normalised to seconds */
	TOSCA_UNIT_FREQUENCY, /* normalised to hertz */
	TOSCA_UNIT_MAX,
	TOSCA_UNIT_INVALID = -22,
};

/* Parses "<number> <unit>" (space optional, unit case-insensitive for
 * sizes as the TOSCA spec allows). 0 and *ret, or -EINVAL. */
int tosca_scalar_unit_parse(const char *text, enum tosca_unit_kind kind,
                            double *ret);
/* An example spelling for messages: "512 MB". */
const char *tosca_scalar_unit_example(enum tosca_unit_kind kind);
/* major.minor[.fix[.qualifier[-build]]] */
bool tosca_version_valid(const char *text);

#endif
