#include <string.h>

#include "util/units.h"

#define DAY 86400.0

static const struct time_unit units[] = {
	{ "s", "s", 1, 0 }, { "sec", "s", 1, 0 }, { "second", "s", 1, 0 },
	{ "seconds", "s", 1, 0 },
	{ "min", "min", 60, 1 }, { "mins", "min", 60, 1 },
	{ "minute", "min", 60, 1 }, { "minutes", "min", 60, 1 },
	{ "h", "h", 3600, 1 }, { "hr", "h", 3600, 1 }, { "hrs", "h", 3600, 1 },
	{ "hour", "h", 3600, 1 }, { "hours", "h", 3600, 1 },
	{ "d", "d", DAY, 1 }, { "day", "d", DAY, 1 }, { "days", "d", DAY, 1 },
	{ "w", "w", 7 * DAY, 1 }, { "wk", "w", 7 * DAY, 1 },
	{ "week", "w", 7 * DAY, 1 }, { "weeks", "w", 7 * DAY, 1 },
};

const struct time_unit *
time_unit_find(const char *s, size_t n, int text)
{
	size_t u;

	for (u = 0; u < sizeof(units) / sizeof(units[0]); u++)
		if (strlen(units[u].name) == n &&
		    strncmp(s, units[u].name, n) == 0 &&
		    (units[u].text || !text))
			return &units[u];
	return NULL;
}
