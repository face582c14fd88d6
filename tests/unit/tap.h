/*
 * tap.h - a minimal Test Anything Protocol emitter for unit tests.
 */
#ifndef TWIN_TAP_H
#define TWIN_TAP_H

#include <math.h>
#include <stdio.h>

static int tap_n, tap_failed;

static void __attribute__((unused))
tap_ok(int cond, const char *what)
{
	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, what);
}

/* |got - want| <= rtol * |want| (or <= rtol when want == 0). */
static void __attribute__((unused))
tap_close(double got, double want, double rtol, const char *what)
{
	double scale = fabs(want) > 0 ? fabs(want) : 1;
	int ok = fabs(got - want) <= rtol * scale;

	tap_ok(ok, what);
	if (!ok)
		printf("# got %.17g want %.17g (rel %.3g > %.3g)\n", got, want,
		    fabs(got - want) / scale, rtol);
}

static int __attribute__((unused))
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}

#endif
