/*
 * test_bands - lib/report/bands: cells by group and x, their quantiles
 * (R's type 7, worked by hand here) and means, and the order of groups
 * (bands_keycmp: field by field, numbers as numbers), which makes a
 * summary's rows the same whatever order its individuals came in.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/bands.h"
#include "tap.h"

static void
test_keycmp(void)
{
	tap_ok(bands_keycmp("2", "10") < 0, "numbers as numbers: 2 < 10");
	tap_ok(bands_keycmp("b", "a") > 0, "text as bytes: b > a");
	tap_ok(bands_keycmp("1e1", "10") > 0 && bands_keycmp("10", "1e1") < 0,
	    "equal numbers written differently: by their bytes, both ways");
	tap_ok(bands_keycmp("2\tb", "2\ta") > 0 &&
	    bands_keycmp("2\tz", "10\ta") < 0, "field by field");
	tap_ok(bands_keycmp("2", "2\ta") < 0 && bands_keycmp("", "a") < 0,
	    "a key that ends first comes first");
	tap_ok(bands_keycmp("x\t3", "x\t3") == 0, "equal keys");
	tap_ok(bands_keycmp("9", "a") < 0, "a number before a word (bytes)");
}

static void
test_cells(void)
{
	struct bands *b = bands_new();
	/* group "10" first seen, then "2"; x 4 before x 1 */
	static const double y10[] = { 5, 1, 4, 2, 3 };
	int i, ok = 1;

	for (i = 0; i < 5; i++)
		ok &= bands_add(b, "10", 4, y10[i]) == 0;
	ok &= bands_add(b, "10", 1, 7) == 0;
	ok &= bands_add(b, "2", 4, 9) == 0;
	ok &= bands_add(b, "2", 4, -1) == 0;
	tap_ok(ok && bands_sort(b) == 0 && bands_ncell(b) == 3,
	    "three cells");
	tap_ok(!strcmp(bands_group(b, 0), "2") &&
	    !strcmp(bands_group(b, 1), "10") && bands_x(b, 1) == 1 &&
	    bands_x(b, 2) == 4, "groups 2 then 10 (not first seen), x "
	    "ascending");
	/* 1 2 3 4 5: type 7, h = (n - 1) p: p .1 -> 1.4; .5 -> 3; .95 -> 4.8 */
	tap_ok(bands_count(b, 2) == 5 &&
	    fabs(bands_quantile(b, 2, 0.1) - 1.4) < 1e-15 &&
	    bands_quantile(b, 2, 0.5) == 3 &&
	    fabs(bands_quantile(b, 2, 0.95) - 4.8) < 1e-15 &&
	    bands_quantile(b, 2, 0) == 1 && bands_quantile(b, 2, 1) == 5,
	    "quantiles of 1..5 by hand (type 7)");
	tap_ok(bands_values(b, 2)[0] == 1 && bands_values(b, 2)[4] == 5 &&
	    bands_mean(b, 2) == 3 && bands_mean(b, 0) == 4,
	    "values sorted; means");
	/* -1, 9: median 4, 25th percentile -1 + 0.25 * 10 = 1.5 */
	tap_ok(bands_quantile(b, 0, 0.5) == 4 &&
	    bands_quantile(b, 0, 0.25) == 1.5, "two values: interpolated");
	bands_free(b);
}

/* 1, 2, 4 by hand: mean 7/3, SD sqrt(7/3), CV 100 sqrt(3/7) = 65.47%;
 * logs 0, ln 2, 2 ln 2: geometric mean 2, variance of the logs (ln 2)^2,
 * geometric CV 100 sqrt(2^(ln 2) - 1) = 78.53%. */
static void
test_stats(void)
{
	struct bands *b = bands_new();
	struct bands_stats s;

	bands_add(b, "", 0, 4);
	bands_add(b, "", 0, 1);
	bands_add(b, "", 0, 2);
	bands_add(b, "", 1, -1);
	bands_add(b, "", 1, 3);
	bands_add(b, "", 2, 5);
	bands_sort(b);
	bands_stats(b, 0, &s);
	tap_ok(s.n == 3 && fabs(s.mean - 7.0 / 3) < 1e-15 &&
	    fabs(s.sd - sqrt(7.0 / 3)) < 1e-15 &&
	    fabs(s.cv - 100 * sqrt(3.0 / 7)) < 1e-12,
	    "1, 2, 4: mean, SD (n - 1) and CV% by hand");
	tap_ok(fabs(s.gmean - 2) < 1e-15 &&
	    fabs(s.gcv - 100 * sqrt(pow(2, log(2)) - 1)) < 1e-12 &&
	    s.median == 2 && s.min == 1 && s.max == 4,
	    "1, 2, 4: geometric mean 2, geometric CV 78.53%, median, range");
	bands_stats(b, 1, &s);
	tap_ok(s.mean == 1 && isnan(s.gmean) && isnan(s.gcv),
	    "a value not above 0: no geometric statistics");
	bands_stats(b, 2, &s);
	tap_ok(s.n == 1 && isnan(s.sd) && isnan(s.gcv) &&
	    fabs(s.gmean - 5) < 1e-14,
	    "one value: no SD or geometric CV");
	bands_free(b);
}

int
main(void)
{
	test_keycmp();
	test_cells();
	test_stats();
	return tap_done();
}
