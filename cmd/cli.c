#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "num.h"

void
cli_warn(const char *prog, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
cli_usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	exit(1);
}

int
cli_int(const char *prog, const char *opt, const char *arg, int lo, int hi)
{
	double x;

	if (twin_strtod(arg, &x) < 0 || x != (long)x || x < lo || x > hi)
		cli_usage_error(prog, "%s wants a whole number from %d to %d, "
		    "got \"%s\"", opt, lo, hi, arg);
	return (int)x;
}

double
cli_double(const char *prog, const char *opt, const char *arg)
{
	double x;

	if (twin_strtod(arg, &x) < 0)
		cli_usage_error(prog, "%s wants a number, got \"%s\"", opt,
		    arg);
	return x;
}
