/*
 * test_num.c - twin_strtod and twin_dtoa: strictness, exact round trips,
 * short output, speed (reported, not tested).
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/num.h"
#include "tap.h"

/* splitmix64: fixed seed, so every run tests the same numbers. */
static uint64_t
rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double
rnd01(uint64_t *s)
{
	return (double)(rnd(s) >> 11) * 0x1p-53;
}

/* Significant digits in a number's text (no leading or trailing zeros). */
static int
sigdigits(const char *s)
{
	int n = 0, zeros = 0, lead = 1;

	for (; *s != '\0' && *s != 'e'; s++) {
		if (*s < '0' || *s > '9')
			continue;
		if (lead && *s == '0')
			continue;
		lead = 0;
		if (*s == '0') {
			zeros++;
			continue;
		}
		n += zeros + 1;
		zeros = 0;
	}
	return n;
}

/* The fewest %.*e digits that read back as x (the slow reference). */
static int
shortest(double x)
{
	char tmp[40];
	int p;

	for (p = 1; p < 17; p++) {
		snprintf(tmp, sizeof(tmp), "%.*e", p - 1, x);
		if (strtod(tmp, NULL) == x)
			return p;
	}
	return 17;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void
test_fixed(void)
{
	static const struct {
		double x;
		const char *want;
	} c[] = {
		{ 0.0, "0" }, { -0.0, "0" }, { 0.5, "0.5" }, { 12, "12" },
		{ -12, "-12" }, { 0.1, "0.1" }, { 1e-300, "1e-300" },
		{ -2.5e20, "-2.5e+20" }, { 1e15, "1e+15" },
		{ 999999999999999.0, "999999999999999" },
		{ 123456.789, "123456.789" }, { 1e-5, "0.00001" },
		{ 1.5e-5, "0.000015" }, { 1e-6, "1e-06" },
		{ 0.1 + 0.2, "0.30000000000000004" },
		{ 1.0 / 3, "0.3333333333333333" },
		{ 2.0 / 3, "0.6666666666666666" },
		{ 5e-324, "5e-324" }, { 5e-310, "5e-310" },
		{ DBL_MAX, "1.7976931348623157e+308" },
		{ -DBL_MAX, "-1.7976931348623157e+308" },
		{ DBL_MIN, "2.2250738585072014e-308" },
		{ 1e23, "1e+23" },
		{ 9007199254740992.0, "9.007199254740992e+15" },
		{ 1.5e300, "1.5e+300" }, { 123e-20, "1.23e-18" },
		{ 100.25, "100.25" }, { 3.14159, "3.14159" },
		{ 0.001, "0.001" },
		{ 1234567.125, "1234567.125" },
		{ 100000000000000.5, "100000000000000.5" },
		{ 1e100, "1e+100" }, { 1e-100, "1e-100" }, { 1e22, "1e+22" },
		{ 4.35, "4.35" }, { 0.07, "0.07" }, { 1e21, "1e+21" },
		{ 299792458, "299792458" }, { -1.0 / 1024, "-0.0009765625" },
		{ 2.718281828459045, "2.718281828459045" },
		{ 1e16, "1e+16" },
		{ 12345678901234567e10, "1.2345678901234568e+26" },
		{ 9.999999999999999e22, "1e+23" },
		{ 8.41e21, "8.41e+21" }, { 5e-7, "5e-07" },
		{ 0.000123, "0.000123" },
		{ NAN, "nan" }, { INFINITY, "inf" }, { -INFINITY, "-inf" },
	};
	char buf[TWIN_NUMBUF], what[128];
	size_t i;
	int n;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		n = twin_dtoa(c[i].x, buf);
		snprintf(what, sizeof(what), "dtoa %.17g -> %s", c[i].x,
		    c[i].want);
		tap_ok(strcmp(buf, c[i].want) == 0 && n == (int)strlen(buf),
		    what);
		if (strcmp(buf, c[i].want) != 0)
			printf("# got \"%s\"\n", buf);
	}
}

/*
 * 10^6 numbers must read back exactly: random bit patterns (all
 * magnitudes, subnormals included) and values spread over [1e-6, 1e6].
 */
static void
test_roundtrip(void)
{
	char buf[TWIN_NUMBUF + 8], what[128];
	uint64_t s = 12345, bits;
	long bad = 0, badlen = 0, badparse = 0, i, n = 1000000;
	double x, y;
	int len;

	for (i = 0; i < n; i++) {
		if (i % 2 == 0) {
			do {
				bits = rnd(&s);
				memcpy(&x, &bits, sizeof(x));
			} while (!isfinite(x));
		} else {
			x = exp(log(1e-6) + rnd01(&s) * (log(1e6) - log(1e-6)));
			if (rnd(&s) & 1)
				x = -x;
		}
		memset(buf, 'x', sizeof(buf));
		len = twin_dtoa(x, buf);
		if (len <= 0 || len >= TWIN_NUMBUF || buf[len] != '\0' ||
		    strlen(buf) != (size_t)len)
			badlen++;
		if (twin_strtod(buf, &y) != 0)
			badparse++;
		else if (memcmp(&x, &y, sizeof(x)) != 0 && !(x == 0 && y == 0))
		{
			if (bad++ < 5)
				printf("# %.17g printed as %s\n", x, buf);
		}
	}
	snprintf(what, sizeof(what), "%ld random doubles read back exactly",
	    n);
	tap_ok(bad == 0, what);
	tap_ok(badlen == 0, "dtoa length fits TWIN_NUMBUF and is returned");
	tap_ok(badparse == 0, "twin_strtod accepts every dtoa output");
}

/* Neighbours of every power of two and of ten: the edge cases of dtoa. */
static void
test_edges(void)
{
	char buf[TWIN_NUMBUF];
	double x, v[3], y;
	long bad = 0, n = 0;
	int e, j;

	for (e = -1074; e <= 1023 + 632; e++) {
		x = e <= 1023 ? ldexp(1, e) : pow(10, e - 1023 - 323);
		if (x == 0 || !isfinite(x))
			continue;
		v[0] = x;
		v[1] = nextafter(x, 0);
		v[2] = nextafter(x, INFINITY);
		for (j = 0; j < 3; j++) {
			if (v[j] == 0 || !isfinite(v[j]))
				continue;
			n++;
			twin_dtoa(v[j], buf);
			if ((twin_strtod(buf, &y) != 0 || y != v[j]) &&
			    bad++ < 5)
				printf("# %.17g printed as %s\n", v[j], buf);
			twin_dtoa(-v[j], buf);
			if (twin_strtod(buf, &y) != 0 || y != -v[j])
				bad++;
		}
	}
	printf("# %ld edge values\n", n);
	tap_ok(bad == 0, "powers of 2 and 10 and their neighbours read back");
}

/*
 * Short output: a number written with d <= 15 digits comes back with at
 * most d digits, and against the slow reference no output is longer than
 * the shortest when the shortest has at most 15 digits.
 */
static void
test_short(void)
{
	char src[64], buf[TWIN_NUMBUF];
	uint64_t s = 777, mant;
	long i, longer = 0, longer16 = 0, n16 = 0;
	double x;
	int d, e, j, ref, got;

	for (i = 0; i < 200000; i++) {
		d = 1 + (int)(rnd(&s) % 15);
		for (mant = 0, j = 0; j < d; j++)
			mant = 10 * mant + rnd(&s) % 10;
		e = (int)(rnd(&s) % 600) - 300;
		snprintf(src, sizeof(src), "%llue%d", (unsigned long long)mant,
		    e);
		x = strtod(src, NULL);
		if (x == 0 || !isfinite(x) || fabs(x) < DBL_MIN)
			continue;
		twin_dtoa(x, buf);
		if (sigdigits(buf) > d && longer++ < 5)
			printf("# %s printed as %s\n", src, buf);
	}
	tap_ok(longer == 0, "numbers of <= 15 digits print with no more");

	longer = 0;
	for (i = 0; i < 100000; i++) {
		x = exp(log(1e-6) + rnd01(&s) * (log(1e6) - log(1e-6)));
		if (i % 3 == 0)
			x = round(x * 1000) / 1000;
		if (x == 0)
			continue;
		ref = shortest(x);
		got = twin_dtoa(x, buf) > 0 ? sigdigits(buf) : 0;
		if (ref <= 15 && got != ref && longer++ < 5)
			printf("# %.17g printed as %s, shortest has %d "
			    "digits\n", x, buf, ref);
		if (ref == 16) {
			n16++;
			longer16 += got > ref;
		}
	}
	tap_ok(longer == 0, "shortest output when 15 digits or fewer do");
	printf("# %ld of %ld numbers needing 16 digits got 17\n", longer16,
	    n16);
}

static void
test_strtod(void)
{
	static const char *bad[] = {
		"", "1x", "nan", "NaN", "inf", "-inf", "infinity", "0x10",
		"1e999", "-1e999", " 1", "1 ", "+", "-", ".", "e5", "1e", "1e+",
		"1.2.3", "--1", "1,5", "\t1",
	};
	static const struct {
		const char *s;
		double want;
	} good[] = {
		{ "1e-5", 1e-5 }, { "-0.25", -0.25 }, { ".5", 0.5 },
		{ "5.", 5 }, { "+3", 3 }, { "1E3", 1000 }, { "0", 0 },
		{ "4.9406564584124654e-324", 5e-324 }, { "1e-310", 1e-310 },
		{ "1e-400", 0 }, { "1.7976931348623157e308", DBL_MAX },
	};
	char what[128];
	size_t i;
	double x;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		x = -1;
		snprintf(what, sizeof(what), "strtod rejects \"%s\"", bad[i]);
		tap_ok(twin_strtod(bad[i], &x) == -1 && x == -1, what);
	}
	tap_ok(twin_strtod(NULL, &x) == -1, "strtod rejects NULL");
	x = -1;
	twin_strtod("0.1", &x);
	tap_close(x, 0.1, 0, "strtod 0.1 gives the nearest double");
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		x = -1;
		snprintf(what, sizeof(what), "strtod accepts \"%s\"",
		    good[i].s);
		tap_ok(twin_strtod(good[i].s, &x) == 0 && x == good[i].want,
		    what);
	}
}

/* Time formatting of typical simulator output; a comment, not a test. */
static void
bench(void)
{
	enum { N = 1000000 };
	char buf[TWIN_NUMBUF];
	double *v, t0, t1, t2, t3;
	uint64_t s = 99;
	size_t sum = 0;
	int i;

	if ((v = malloc(N * sizeof(*v))) == NULL)
		return;
	for (i = 0; i < N; i++)
		v[i] = exp(log(1e-6) + rnd01(&s) * (log(1e6) - log(1e-6)));
	t0 = now();
	for (i = 0; i < N; i++)
		sum += (size_t)twin_dtoa(v[i], buf);
	t1 = now();
	for (i = 0; i < N; i++)
		v[i] = round(v[i] * 1000) / 1000;
	t2 = now();
	for (i = 0; i < N; i++)
		sum += (size_t)twin_dtoa(v[i], buf);
	t3 = now();
	printf("# dtoa: %.1f ns/number (random in [1e-6,1e6]), "
	    "%.1f ns/number (3 decimals); %zu bytes\n",
	    (t1 - t0) * 1e9 / N, (t3 - t2) * 1e9 / N, sum);
	free(v);
}

int
main(void)
{
	test_fixed();
	test_roundtrip();
	test_edges();
	test_short();
	test_strtod();
	bench();
	return tap_done();
}
