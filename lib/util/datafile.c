/* datafile.c - see datafile.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/datafile.h"

#ifndef TWIN_DATADIR
#define TWIN_DATADIR "/usr/local/share/twin/data"
#endif

int
twin_exe_dir(char *buf, size_t bufsz)
{
	char *slash;
	ssize_t n;

	if (bufsz < 2)
		return -1;
	n = readlink("/proc/self/exe", buf, bufsz - 1);
	if (n <= 0 || (size_t)n >= bufsz - 1)
		return -1;
	buf[n] = '\0';
	if ((slash = strrchr(buf, '/')) == NULL)
		return -1;
	*slash = '\0';
	return 0;
}

int
data_dir(int i, char *buf, size_t bufsz)
{
	const char *path = getenv("TWIN_DATA_PATH"), *p, *colon;
	int n;

	for (p = path; p != NULL && *p; p = *colon ? colon + 1 : colon) {
		if ((colon = strchr(p, ':')) == NULL)
			colon = p + strlen(p);
		if (colon > p && i-- == 0) {
			n = snprintf(buf, bufsz, "%.*s", (int)(colon - p), p);
			return n > 0 && (size_t)n < bufsz ? 0 : -1;
		}
	}
	if (i == 0 || i == 1) {
		char exe[4096];

		if (twin_exe_dir(exe, sizeof(exe)) != 0)
			n = snprintf(buf, bufsz, "/nonexistent");
		else
			n = snprintf(buf, bufsz, i == 0 ? "%s/data" :
			    "%s/../share/twin/data", exe);
		return n > 0 && (size_t)n < bufsz ? 0 : -1;
	}
	if (i == 2) {
		n = snprintf(buf, bufsz, "%s", TWIN_DATADIR);
		return n > 0 && (size_t)n < bufsz ? 0 : -1;
	}
	return -1;
}

int
data_find(const char *name, char *buf, size_t bufsz, struct twin_err *err)
{
	char dir[4096], places[2048];
	size_t used = 0;
	int i;

	places[0] = '\0';
	for (i = 0; data_dir(i, dir, sizeof(dir)) == 0; i++) {
		int n = snprintf(buf, bufsz, "%s/%s", dir, name);
		if (n < 0 || (size_t)n >= bufsz)
			return twin_error(err, "%s: path too long", name);
		if (access(buf, R_OK) == 0)
			return 0;
		n = snprintf(places + used, sizeof(places) - used, "%s%s",
		    i ? ", " : "", dir);
		if (n > 0 && (size_t)n < sizeof(places) - used)
			used += n;
	}
	return twin_errork(err, TWIN_ESYSTEM, "data table \"%s\" not found "
	    "in %s (is twin installed? TWIN_DATA_PATH names more places)",
	    name, places);
}
