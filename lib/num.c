#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

int
twin_strtod(const char *s, double *x)
{
	const char *p;
	char *end;
	double v;

	if (s == NULL || *s == '\0')
		return -1;
	/* strtod also takes nan, inf and hex; a data stream must not. */
	for (p = s; *p; p++)
		if (!strchr("0123456789+-.eE", *p))
			return -1;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
		return -1;
	*x = v;
	return 0;
}

int
twin_dtoa(double x, char *buf)
{
	int prec, n;

	if (x == 0)
		return snprintf(buf, TWIN_NUMBUF, "0");
	if (x == rint(x) && fabs(x) < 1e15)
		return snprintf(buf, TWIN_NUMBUF, "%.0f", x);
	for (prec = 15; prec < 17; prec++) {
		n = snprintf(buf, TWIN_NUMBUF, "%.*g", prec, x);
		if (strtod(buf, NULL) == x)
			return n;
	}
	return snprintf(buf, TWIN_NUMBUF, "%.17g", x);
}
