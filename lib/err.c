#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

int
twin_error(struct twin_err *e, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int
twin_error_prefix(struct twin_err *e, const char *fmt, ...)
{
	char old[sizeof(e->msg)];
	va_list ap;
	int n;

	if (e == NULL)
		return -1;
	memcpy(old, e->msg, sizeof(old));
	va_start(ap, fmt);
	n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	/* Keep as much of the original message as fits after the prefix. */
	if (n >= 0 && (size_t)n + 2 < sizeof(e->msg)) {
		memcpy(e->msg + n, ": ", 2);
		memcpy(e->msg + n + 2, old, sizeof(e->msg) - n - 3);
		e->msg[sizeof(e->msg) - 1] = '\0';
	}
	return -1;
}
