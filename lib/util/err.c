#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/err.h"

static int
verror(struct twin_err *e, enum twin_errkind kind, const char *fmt,
    va_list ap)
{
	if (e == NULL)
		return -1;
	e->kind = kind;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	return -1;
}

int
twin_error(struct twin_err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(e, TWIN_EINPUT, fmt, ap);
	va_end(ap);
	return -1;
}

int
twin_errork(struct twin_err *e, enum twin_errkind kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(e, kind, fmt, ap);
	va_end(ap);
	return -1;
}

int
twin_nomem(struct twin_err *e)
{
	return twin_errork(e, TWIN_ENOMEM, "out of memory");
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

const char *
twin_errkind_name(enum twin_errkind kind)
{
	switch (kind) {
	case TWIN_EINPUT:
		return "input";
	case TWIN_EUNKNOWN:
		return "unknown name";
	case TWIN_EDOMAIN:
		return "domain";
	case TWIN_ESOLVER:
		return "solver";
	case TWIN_EFLAT:
		return "flat objective";
	case TWIN_ENOMEM:
		return "out of memory";
	case TWIN_ESYSTEM:
		return "system";
	}
	return "unknown kind";
}
