/*
 * test_target.c - the target grammar (what parses, what does not and
 * where it says so) and the metrics on small curves worked out by hand.
 */
#include <math.h>
#include <string.h>

#include "tap.h"
#include "report/target.h"

static void
parses(const char *text, int n, const char *what)
{
	struct target t;
	struct twin_err err;
	int ok = target_parse(text, &t, &err) == 0 && t.n == n;

	tap_ok(ok, what);
	if (!ok)
		printf("# %s: %s\n", text, err.msg);
	if (ok)
		target_free(&t);
}

static void
fails(const char *text, const char *msg, const char *what)
{
	struct target t;
	struct twin_err err;
	int ok = target_parse(text, &t, &err) < 0 &&
	    strstr(err.msg, msg) != NULL;

	tap_ok(ok, what);
	if (!ok)
		printf("# %s: got \"%s\", want \"%s\"\n", text, err.msg, msg);
}

static double
eval(const char *text, const struct profile *p, double a, double b,
    enum interp in)
{
	struct target t;
	struct twin_err err;
	double v;

	if (target_parse(text, &t, &err) < 0)
		return NAN;
	v = metric_eval(&t.c[0].m, p, a, b, in, 1);
	target_free(&t);
	return v;
}

int
main(void)
{
	/* a triangle: 0 at 0, 100 at 10, 0 at 20, then flat 0 to 30 */
	static double t[] = { 0, 10, 20, 30 };
	static double y[] = { 0, 100, 0, 0 };
	/* an exponential sampled every 2 h: 8 e^(-ln2 t/2), halving */
	static double te[] = { 0, 2, 4, 6 };
	static double ye[] = { 8, 4, 2, 1 };
	/* doses at 0 and 12; samples before the second are at 6 and 11 */
	static double td[] = { 0, 6, 11, 12, 18 };
	static double yd[] = { 10, 6, 3, 13, 9 };
	static struct pdose dd[] = { { .t = 0, .amt = 1, .pre = 0 },
	    { .t = 12, .amt = 1, .pre = 3 } };
	struct profile tri = { .n = 4, .t = t, .y = y };
	struct profile ex = { .n = 4, .t = te, .y = ye };
	struct profile dose = { .n = 5, .t = td, .y = yd, .nd = 2,
	    .dose = dd };
	struct range r;
	struct twin_err err;

	parses("trough >= 10", 1, "trough >= 10");
	parses("auc24 400..600", 1, "a range A..B");
	parses("auc(0,12) < 5 and cmax <= 40, fT>2 > 50", 3,
	    "three conditions, both joiners");
	parses("TIR(70, 180) >= 70", 1, "names are case-blind, blanks free");
	parses("tbr(54) <= 1", 1, "one argument");
	fails("trough", "column 7: expected a range", "a metric without range");
	fails("trof >= 1", "column 1: expected a metric", "an unknown metric");
	fails("trough >= ten", "column 11: expected a number, got \"ten\"",
	    "a word where a number goes");
	fails("auc(12, 0) > 1", "the window is empty", "auc(b, a)");
	fails("tir(180, 70) > 1", "the range is empty", "tir(hi, lo)");
	fails("cmax 5..1", "the range 5..1 is empty", "an empty range");
	fails("cmax(3) > 1", "takes no arguments", "arguments where none go");
	fails("tbr(1, 2) > 1", "too many arguments", "too many arguments");
	fails("cmax > 1 or cmin < 2", "expected \"and\" or the end",
	    "junk after a condition");
	fails("", "expected a metric", "nothing");

	tap_ok(range_parse(">= 3", &r, &err) == 0 && range_holds(&r, 3) &&
	    !range_holds(&r, 2.9), ">= 3 holds at 3, not at 2.9");
	tap_ok(range_parse("< 3", &r, &err) == 0 && !range_holds(&r, 3) &&
	    range_holds(&r, 2.9), "< 3 excludes 3");
	tap_ok(range_parse(">= 400", &r, &err) == 0 &&
	    range_holds(&r, 400 * (1 - 1e-10)) &&
	    !range_holds(&r, 400 * (1 - 1e-8)),
	    "a bound is met within 1e-9 relative, not beyond");

	/* triangle, linear: area 1000; above 50 from 5 to 15 */
	tap_close(eval("auc >= 0", &tri, 0, 30, INTERP_LINEAR), 1000, 1e-15,
	    "auc of a triangle");
	tap_close(eval("fT>50 >= 0", &tri, 0, 20, INTERP_LINEAR), 50, 1e-15,
	    "fT>50: 10 h of 20 = 50 %");
	tap_close(eval("tir(25, 75) >= 0", &tri, 0, 20, INTERP_LINEAR), 50,
	    1e-15, "tir(25,75): two 5 h stretches of 20 h");
	tap_close(eval("tbr(25) >= 0", &tri, 0, 30, INTERP_LINEAR), 50,
	    1e-15, "tbr(25): 2.5 + 2.5 + 10 h (flat at 0) of 30 h");
	tap_close(eval("tir(0, 50) >= 0", &tri, 20, 30, INTERP_LINEAR), 100,
	    1e-15, "a flat stretch on a closed bound is in range");
	tap_close(eval("tbr(0) >= 0", &tri, 20, 30, INTERP_LINEAR), 0, 1e-15,
	    "and not below it");
	tap_close(eval("cavg >= 0", &tri, 0, 20, INTERP_LINEAR), 50, 1e-15,
	    "cavg = area / time");
	tap_close(eval("cmax >= 0", &tri, 0, 30, INTERP_LINEAR), 100, 0,
	    "cmax");
	/* exponential, log-down: exact integral 8 (1 - 2^-3) 2/ln 2 */
	tap_close(eval("auc >= 0", &ex, 0, 6, INTERP_LINLOG),
	    8 * (1 - 0.125) * 2 / log(2), 1e-14,
	    "log-down area of an exponential is exact");
	tap_close(eval("fT>3 >= 0", &ex, 0, 6, INTERP_LINLOG),
	    100 * (2 * log(8.0 / 3) / log(2)) / 6, 1e-14,
	    "fT>3 on an exponential: the crossing at 2 log2(8/3)");
	tap_close(eval("auc(1, 3) >= 0", &ex, 0, 6, INTERP_LINLOG),
	    8 * (pow(2, -0.5) - pow(2, -1.5)) * 2 / log(2), 1e-14,
	    "a partial window inside segments");
	tap_ok(isnan(eval("auc(0, 7) >= 0", &ex, 0, 6, INTERP_LINLOG)),
	    "beyond the last sample the area is not told");
	tap_close(eval("trough >= 0", &dose, 0, 18, INTERP_LINEAR), 3, 0,
	    "trough: the sample before the last dose");
	tap_close(eval("trough >= 0", &dose, 0, 11.5, INTERP_LINEAR), 3, 0,
	    "trough: no dose in the window, its last sample");
	tap_close(eval("cmin >= 0", &dose, 12, 18, INTERP_LINEAR), 9, 0,
	    "cmin over a window");
	return tap_done();
}
