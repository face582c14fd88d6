/*
 * units.h - units of time as text: one table for the regimen grammar,
 * model files ("units: {time: min}") and the programs' options.
 */
#ifndef TWIN_UNITS_H
#define TWIN_UNITS_H

#include <stddef.h>

struct time_unit {
	const char *name, *abbr;	/* as written; short, for messages */
	double s;			/* seconds */
	int text;	/* usable in a regimen or an option, not only in a
			 * model file (seconds are not) */
};

/* The unit spelled s[0..n) (s, min, h, d, w and long forms such as
 * "hours"); with text, only those a regimen may use.  NULL if none. */
const struct time_unit *time_unit_find(const char *s, size_t n, int text);

#endif
