/*
 * test_svg - lib/data/svg.h's rules of ticks and ranges against cases
 * worked out by hand, and the geometry of a panel's identity line.
 *
 * chart_time_step(span, hours, tau, maxticks):
 *   72 h, tau 12, 8: 72/12 = 6 intervals <= 8: 12
 *   240 h, tau 12, 8: 20 > 8, k = ceil(240/12/8) = ceil(2.5) = 3: 36
 *   10 h, tau 12: span < 2 tau, the hour rule: 1 h gives 10 > 8, 2 h 5: 2
 *   24 h, no tau, 8: 1 (24), 2 (12), 3 (8 <= 8): 3
 *   24 h, 6: 3 gives 8 > 6, 6 gives 4: 6;  168 h, 8: 24 gives 7: 24
 *   1440 min (hours = 60), 6: 360 min (6 h)
 *   1.5 h (< CHART_TIME_MIN_HOURS): 1-2-5 rule, 1.5/8 = 0.1875 -> 0.2
 *   2 d (hours = 1/24), 8: 48 h: 6 h = 0.25 d gives 8: 0.25
 * chart_log_ticks(-1, 1): 0.1 .. 0.9, 1 .. 9, 10: 19 ticks, labelled
 *   (2 decades): 0.1 0.2 0.5 1 2 5 10; (0, 3): 1..9, 10..90, 100..900,
 *   1000: 28 ticks, labelled 1 10 100 1000 only; (log10 0.5, log10 20):
 *   0.5 .. 0.9, 1 .. 9, 10, 20: 16 ticks, labelled (1.6 decades) 0.5 1 2
 *   5 10 20.
 * chart_headroom: [0, 20] -> [0, 21]; log [1, 100] -> hi 100 * 10^0.05.
 * A 300 x 300 panel over [0, 10] x [0, 20] (both widened to nice ticks:
 * x [0, 10], y [0, 20]): plot area x 44..292, y 20..278; the identity
 * runs from (0, 0) to (10, 10): pixels (44, 278) to (292, 149).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "data/svg.h"
#include "tap.h"

static void
test_time(void)
{
	tap_close(chart_time_step(72, 1, 12, 8), 12, 1e-15,
	    "72 h, tau 12: ticks every 12 h");
	tap_close(chart_time_step(240, 1, 12, 8), 36, 1e-15,
	    "240 h, tau 12: every 3 tau (36 h)");
	tap_close(chart_time_step(10, 1, 12, 8), 2, 1e-15,
	    "10 h, tau 12 (span < 2 tau): every 2 h");
	tap_close(chart_time_step(24, 1, 0, 8), 3, 1e-15,
	    "24 h, 8 ticks: every 3 h");
	tap_close(chart_time_step(24, 1, 0, 6), 6, 1e-15,
	    "24 h, 6 ticks: every 6 h");
	tap_close(chart_time_step(168, 1, 0, 8), 24, 1e-15,
	    "a week: every 24 h");
	tap_close(chart_time_step(1440, 60, 0, 6), 360, 1e-15,
	    "1440 min: every 360 min (6 h)");
	tap_close(chart_time_step(1.5, 1, 0, 8), 0.2, 1e-12,
	    "1.5 h: the 1-2-5 rule, 0.2 h");
	tap_close(chart_time_step(2, 1.0 / 24, 0, 8), 0.25, 1e-12,
	    "2 d: every 6 h (0.25 d)");
}

static void
test_log(void)
{
	double v[64];
	int major[64], n, i, nm = 0, ok = 1;
	static const double lab[] = { 0.1, 0.2, 0.5, 1, 2, 5, 10 };

	n = chart_log_ticks(-1, 1, v, major, 64);
	tap_ok(n == 19, "-1..1: 19 ticks (9 a decade and 10)");
	for (i = 0; i < n; i++)
		if (major[i]) {
			ok &= nm < 7 && fabs(v[i] - lab[nm]) < 1e-12 * lab[nm];
			nm++;
		}
	tap_ok(ok && nm == 7, "2 decades: 0.1 0.2 0.5 1 2 5 10 labelled");
	tap_close(v[10], 2, 1e-15, "the 11th tick is 2");
	n = chart_log_ticks(0, 3, v, major, 64);
	for (i = nm = 0; i < n; i++)
		nm += major[i];
	tap_ok(n == 28 && nm == 4 && major[27] && fabs(v[27] - 1000) < 1e-9,
	    "3 decades: 28 ticks, 1 10 100 1000 labelled");
	tap_ok(chart_log_ticks(0, 3, v, major, 5) == 5, "at most max ticks");
	n = chart_log_ticks(log10(0.5), log10(20), v, major, 64);
	for (i = nm = 0, ok = 1; i < n; i++)
		if (major[i]) {
			static const double l2[] = { 0.5, 1, 2, 5, 10, 20 };

			ok &= nm < 6 && fabs(v[i] - l2[nm]) < 1e-12 * l2[nm];
			nm++;
		}
	tap_ok(n == 16 && ok && nm == 6,
	    "0.5..20: 16 ticks, 0.5 1 2 5 10 20 labelled");
}

static void
test_headroom(void)
{
	double lo = 0, hi = 20;

	chart_headroom(lo, &hi, 0);
	tap_close(hi, 21, 1e-15, "linear: 5 % of the span above 20");
	lo = 1;
	hi = 100;
	chart_headroom(lo, &hi, 1);
	tap_close(hi, 100 * pow(10, 0.05), 1e-15,
	    "log: a twentieth of a decade above 100");
	tap_close(chart_nice_step(35, 6), 5, 1e-15, "35 over 6: a step of 5");
	tap_close(chart_nice_step(0.9, 4), 0.2, 1e-12,
	    "0.9 over 4: a step of 0.2");
}

static void
test_identity(void)
{
	struct outbuf ob = { 0 };
	struct panel p = { 0, 0, 300, 300, 0, 10, 0, 20, 0, 0, 1, 0 };
	struct chart c;
	int nc, nr;

	svg_begin(&ob, 300, 300);
	chart_panel(&c, &ob, &p);
	tap_ok(c.left == 44 && c.right == 292 && c.top == 20 &&
	    c.bottom == 278, "the panel's plot area inside its margins");
	tap_ok(c.x0 == 0 && c.x1 == 10 && c.y0 == 0 && c.y1 == 20,
	    "the ranges [0, 10] x [0, 20]");
	ob_putc(&ob, '\0');
	ob.len = 0;
	chart_identity(&c, "#777777");
	ob_putc(&ob, '\0');
	tap_ok(strstr(ob.p, "x1=\"44.00\" y1=\"278.00\" x2=\"292.00\" "
	    "y2=\"149.00\"") != NULL, "the identity from (0, 0) to (10, 10)");
	ob_free(&ob);
	chart_grid(12, &nc, &nr);
	tap_ok(nc == 4 && nr == 3, "12 panels: 4 columns, 3 rows");
	chart_grid(5, &nc, &nr);
	tap_ok(nc == 3 && nr == 2, "5 panels: 3 columns, 2 rows");
	chart_grid(1, &nc, &nr);
	tap_ok(nc == 1 && nr == 1, "1 panel: 1 x 1");
}

int
main(void)
{
	test_time();
	test_log();
	test_headroom();
	test_identity();
	return tap_done();
}
