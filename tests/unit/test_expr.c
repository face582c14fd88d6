/*
 * test_expr.c - expressions: values against the same formula written in C,
 * derivatives against finite differences and hand-written derivatives,
 * simplification, substitution and parse errors; programs (statements
 * storing into slots and results, shared subexpressions, lazy branches).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/expr.h"
#include "util/jit.h"
#include "tap.h"

#define LN10	2.302585092994045684017991454684364208

enum { X, Y, Z, K, KA, DEPOT, CENTRAL, T, N, NNAMED };

/* Slots S0 .. S29 of the transit chain follow the named ones. */
#define S0	NNAMED
#define NCHAIN	30
#define NSLOT	(NNAMED + NCHAIN)

static const char *const names[NNAMED] = {
	"x", "y", "z", "k", "KA", "depot", "central", "t", "n"
};

/* The test point: nothing special, x != z, y < 0 for abs and min. */
static const double V0[NNAMED] = {
	1.3, -0.7, 2.1, 0.45, 1.7, 12.5, 3.25, 3.0, 2.6
};

/* names, and s0 .. s29 for the chain */
static int
lookup(void *ctx, const char *name, int len)
{
	int i;

	(void)ctx;
	for (i = 0; i < NNAMED; i++)
		if ((int)strlen(names[i]) == len &&
		    strncmp(names[i], name, (size_t)len) == 0)
			return i;
	if (len >= 2 && len <= 3 && name[0] == 's') {
		i = atoi(name + 1);
		if (i >= 0 && i < NCHAIN)
			return S0 + i;
	}
	return -1;
}

static void
point(double *v)
{
	int i;

	for (i = 0; i < NSLOT; i++)
		v[i] = i < NNAMED ? V0[i] : 0.1 * (i - NNAMED + 1);
}

static struct enode *
parse(const char *src)
{
	struct twin_err err;
	struct enode *n;
	int col = -1;

	n = expr_parse(src, lookup, NULL, &col, &err);
	if (n == NULL)
		printf("# %s: column %d: %s\n", src, col, err.msg);
	return n;
}

/* Compile and evaluate n at v; nan if it does not compile. */
static double
run(const struct enode *n, const double *v)
{
	struct tape *t;
	double r;

	if ((t = tape_compile(n)) == NULL)
		return NAN;
	r = tape_eval(t, v);
	tape_free(t);
	return r;
}

static double
eval(const char *src, const double *v)
{
	struct enode *n;
	double r;

	if ((n = parse(src)) == NULL)
		return NAN;
	r = run(n, v);
	enode_free(n);
	return r;
}

/*
 * The value by the other route: substitute every slot by its value, which
 * constant folding must reduce to a single constant.
 */
static int
folded(const struct enode *n, const double *v, double *value)
{
	struct enode *m, *next;
	int i, ok;

	if ((m = enode_copy(n)) == NULL)
		return 0;
	for (i = 0; i < NSLOT; i++) {
		struct enode *c;

		if ((c = enode_const(v[i])) == NULL) {
			enode_free(m);
			return 0;
		}
		next = enode_subst(m, i, c);
		enode_free(c);
		enode_free(m);
		if ((m = next) == NULL)
			return 0;
	}
	ok = enode_is_const(m, value);
	enode_free(m);
	return ok;
}

static void
count_slot(void *ctx, int slot)
{
	(void)slot;
	(*(int *)ctx)++;
}

static int
nrefs(const struct enode *n)
{
	int c = 0;

	enode_foreach_slot(n, count_slot, &c);
	return c;
}

/* The expressions of test_values, also run as native code. */
static const char *const vsrc[] = {
	"2*x^2 - 3/(y+1)",
	"x + y*z",
	"(x + y)*z",
	"x - y - z",
	"x / y / z",
	"-x^2",
	"x^y",
	"x**z",
	"exp(-k*t)",
	"log(x) + log10(z)",
	"sqrt(z) * abs(y)",
	"tanh(y)",
	"pow(z, 1.5)",
	"min(x, y) + max(x, z)",
	"x < y ? x : y*2",
	"if(x > 1, z, -z)",
	"1e-3*x + .5 + 2.5E2 + 3.",
	"KA*depot - k*central",
	"abs(y) >= 0.7 && !(x == 2)",
	"x > 2 || y < 0",
	"not (x > 2) and z != 2.1",
	"(x + y) / (x - y) * z^2 - 1/(1 + exp(-y))",
	"x ? y : z",
	"central / (depot + 1e-9)^2",
	"3 - -x",
	"max(min(x, y), z)",
	"10^log10(z)",
	"n * x^(n - 1) / (1 + t)",
	"y <= -0.7 ? 1 : 0",
};

/* Values: the expression, and the same formula in C at V0. */
static void
test_values(void)
{
	const char *const *src = vsrc;
	double v[NSLOT], want[sizeof(vsrc) / sizeof(vsrc[0])];
	double x = V0[X], y = V0[Y], z = V0[Z], k = V0[K], t = V0[T];
	double n = V0[N];
	char what[200];
	size_t i;

	point(v);
	want[0] = 2 * x * x - 3 / (y + 1);
	want[1] = x + y * z;
	want[2] = (x + y) * z;
	want[3] = x - y - z;
	want[4] = x / y / z;
	want[5] = -(x * x);
	want[6] = pow(x, y);
	want[7] = pow(x, z);
	want[8] = exp(-k * t);
	want[9] = log(x) + log10(z);
	want[10] = sqrt(z) * fabs(y);
	want[11] = tanh(y);
	want[12] = pow(z, 1.5);
	want[13] = fmin(x, y) + fmax(x, z);
	want[14] = x < y ? x : y * 2;
	want[15] = x > 1 ? z : -z;
	want[16] = 1e-3 * x + 0.5 + 250 + 3;
	want[17] = V0[KA] * V0[DEPOT] - k * V0[CENTRAL];
	want[18] = fabs(y) >= 0.7 && !(x == 2);
	want[19] = x > 2 || y < 0;
	want[20] = !(x > 2) && z != 2.1;
	want[21] = (x + y) / (x - y) * z * z - 1 / (1 + exp(-y));
	want[22] = x != 0 ? y : z;
	want[23] = V0[CENTRAL] / ((V0[DEPOT] + 1e-9) * (V0[DEPOT] + 1e-9));
	want[24] = 3 + x;
	want[25] = fmax(fmin(x, y), z);
	want[26] = z;
	want[27] = n * pow(x, n - 1) / (1 + t);
	want[28] = 1;
	for (i = 0; i < sizeof(vsrc) / sizeof(vsrc[0]); i++) {
		struct enode *e = parse(src[i]);
		double got = e != NULL ? run(e, v) : NAN, f = NAN;

		snprintf(what, sizeof(what), "value of %s", src[i]);
		tap_close(got, want[i], 1e-14, what);
		snprintf(what, sizeof(what), "folding %s agrees with the tape",
		    src[i]);
		tap_ok(e != NULL && folded(e, v, &f) && f == got, what);
		enode_free(e);
	}
}

static void
test_precedence(void)
{
	static const struct {
		const char *src;
		double want;
	} c[] = {
		{ "-2^2", -4 },
		{ "2^3^2", 512 },
		{ "1+2*3", 7 },
		{ "1 < 2 && 3 > 2", 1 },
		{ "(1+2)*3", 9 },
		{ "2*3^2", 18 },
		{ "2^-1", 0.5 },
		{ "-2^-2", -0.25 },
		{ "1 - 2 - 3", -4 },
		{ "8 / 4 / 2", 1 },
		{ "2 ** 3 ** 2", 512 },
		{ "- - 3", 3 },
		{ "+3", 3 },
		{ "1 + 2 < 4", 1 },
		{ "1 || 0 && 0", 1 },
		{ "(1 || 0) && 0", 0 },
		{ "!0 + 1", 0 },
		{ "not 0 and 0", 0 },
		{ "not 1 or 1", 1 },
		{ "1 ? 2 : 0 ? 3 : 4", 2 },
		{ "0 ? 2 : 0 ? 3 : 4", 4 },
		{ "0 ? 2 : 1 ? 3 : 4", 3 },
		{ "1 ? 0 ? 5 : 6 : 7", 6 },
		{ "1 < 2 ? 10 : 20", 10 },
		{ "0 || 0 ? 1 : 2", 2 },
		{ "if(0, 1, if(1, 2, 3))", 2 },
		{ "3 && 5", 1 },
		{ "0.5 || 0", 1 },
		{ "!7", 0 },
		{ "2 <= 2", 1 },
		{ "2 >= 3", 0 },
		{ "2 == 2", 1 },
		{ "2 != 2", 0 },
		{ "min(2, 3) + max(2, 3)", 5 },
		{ "abs(-2) + sqrt(16) + pow(2, 10)", 1030 },
		{ "exp(0) + log(1) + log10(1000) + tanh(0)", 4 },
	};
	char what[200];
	size_t i;
	double v[NSLOT], got;

	point(v);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct enode *e = parse(c[i].src);

		/* constant: both the folded value and the tape, exactly */
		snprintf(what, sizeof(what), "%s = %g", c[i].src, c[i].want);
		tap_ok(e != NULL && enode_is_const(e, &got) &&
		    got == c[i].want && run(e, v) == c[i].want, what);
		enode_free(e);
	}
}

/* Logic on the tape (not folded) gives exactly 1 or 0. */
static void
test_logic(void)
{
	static const struct {
		const char *src;
		double want;
	} c[] = {
		{ "x && y", 1 },
		{ "x && (y > 0)", 0 },
		{ "x || y", 1 },
		{ "!x", 0 },
		{ "not (x - x)", 1 },
		{ "x > y", 1 },
		{ "x < y", 0 },
		{ "x >= x", 1 },
		{ "x <= y", 0 },
		{ "x == x", 1 },
		{ "x != x", 0 },
		{ "z * (x < z)", 2.1 },
		{ "(x - x) ? 1 : 2", 2 },
	};
	char what[200];
	double v[NSLOT];
	size_t i;

	point(v);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		snprintf(what, sizeof(what), "%s is exactly %g", c[i].src,
		    c[i].want);
		tap_ok(eval(c[i].src, v) == c[i].want, what);
	}
	v[X] = NAN;
	tap_ok(eval("x ? 1 : 2", v) == 1, "nan is true, as in C");
	tap_ok(eval("x == x", v) == 0, "nan == nan is 0");
	tap_ok(eval("!x", v) == 0, "!nan is 0");
	v[X] = 0;
	tap_ok(isinf(eval("1/x", v)), "1/0 is inf");
	tap_ok(isnan(eval("log(-1) + x", v)), "log(-1) is nan");
	tap_ok(isnan(eval("0/0", v)), "0/0 folds to nan");
}

typedef double (*dfn)(const double *);

static double d0(const double *v) { return 4 * v[X]; }
static double d1(const double *v) { return 3 / ((v[Y] + 1) * (v[Y] + 1)); }
static double d2(const double *v) { return v[X] * v[Z]; }
static double d3(const double *v)
{
	return -v[T] * exp(-v[K] * v[T]) * v[X];
}
static double d4(const double *v) { return 1 / v[X]; }
static double d5(const double *v) { return 1 / (v[X] * LN10); }
static double d6(const double *v)
{
	return v[X] / sqrt(v[X] * v[X] + v[Z]);
}
static double d7(const double *v) { return -v[X]; }
static double d8(const double *v)
{
	double th = tanh(v[X] * v[Y]);

	return (1 - th * th) * v[Y];
}
static double d9(const double *v) { return pow(v[X], v[Y]) * log(v[X]); }
static double d10(const double *v) { return v[Y] * pow(v[X], v[Y] - 1); }
static double d11(const double *v) { return pow(v[Z], v[X]) * log(v[Z]); }
static double d12(const double *v) { return v[Y]; }
static double d13(const double *v) { (void)v; return 1; }
static double d14(const double *v) { return 3 * v[X] * v[X]; }
static double d15(const double *v)
{
	return v[K] / ((v[K] + v[X]) * (v[K] + v[X]));
}
static double d16(const double *v) { return v[KA]; }
static double d17(const double *v) { return -v[K]; }
static double d18(const double *v) { return v[N] * pow(v[X], v[N] - 1); }
static double d19(const double *v)
{
	double e = exp(v[Y]);

	return e / ((1 + e) * (1 + e));
}
static double d20(const double *v) { return 2 * v[Z]; }
static double d21(const double *v) { return 6 * v[X]; }
static double d22(const double *v)
{
	return -(v[X] * v[X] - v[Y]) / (v[Z] * v[Z]);
}

static void
test_diff(void)
{
	static const struct {
		const char *src;
		int slot;
		dfn want;
	} c[] = {
		{ "2*x^2 - 3/(y+1)", X, d0 },
		{ "2*x^2 - 3/(y+1)", Y, d1 },
		{ "x*y*z", Y, d2 },
		{ "exp(-k*t)*x", K, d3 },
		{ "log(x*z)", X, d4 },
		{ "log10(x)", X, d5 },
		{ "sqrt(x*x + z)", X, d6 },
		{ "abs(y)*x", Y, d7 },
		{ "tanh(x*y)", X, d8 },
		{ "x^y", Y, d9 },
		{ "x^y", X, d10 },
		{ "pow(z, x)", X, d11 },
		{ "min(x, z)*y", X, d12 },
		{ "max(x, z)", Z, d13 },
		{ "x > 1 ? x^3 : -x", X, d14 },
		{ "x / (k + x)", X, d15 },
		{ "KA*depot - k*central", DEPOT, d16 },
		{ "KA*depot - k*central", CENTRAL, d17 },
		{ "x^n", X, d18 },
		{ "exp(y)/(1 + exp(y))", Y, d19 },
		{ "(x < 2 && y < 0) * z^2", Z, d20 },
		{ "(x^2 - y)/z", Z, d22 },
	};
	char what[200];
	double v[NSLOT], w[NSLOT];
	size_t i;

	point(v);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct enode *e = parse(c[i].src);
		struct enode *d = enode_diff(e, c[i].slot);
		int s = c[i].slot;
		double h, fd, got;

		got = d != NULL ? run(d, v) : NAN;
		memcpy(w, v, sizeof(w));
		h = 1e-5 * fmax(1, fabs(v[s]));
		w[s] = v[s] + h;
		fd = e != NULL ? run(e, w) : NAN;
		w[s] = v[s] - h;
		fd = (fd - (e != NULL ? run(e, w) : NAN)) / (2 * h);
		snprintf(what, sizeof(what), "d(%s)/d%s vs finite difference",
		    c[i].src, names[s]);
		tap_close(got, fd, 1e-6, what);
		snprintf(what, sizeof(what), "d(%s)/d%s vs by hand", c[i].src,
		    names[s]);
		tap_close(got, c[i].want(v), 1e-12, what);
		enode_free(e);
		enode_free(d);
	}

	/* a second derivative, through the constant-exponent rule twice */
	{
		struct enode *e = parse("x^3");
		struct enode *d = enode_diff(e, X);
		struct enode *dd = enode_diff(d, X);

		tap_close(run(dd, v), d21(v), 1e-14, "d2(x^3)/dx2 = 6x");
		enode_free(e);
		enode_free(d);
		enode_free(dd);
	}
	/* x^n at x = 0 must stay finite: no log(0) in the slope */
	{
		struct enode *e = parse("x^n");
		struct enode *d = enode_diff(e, X);

		w[X] = 0;
		w[N] = 3;
		tap_ok(run(d, w) == 0, "d(x^n)/dx at x = 0 is 0, not nan");
		enode_free(e);
		enode_free(d);
	}
}

static int
is_zero(const struct enode *n)
{
	double c;

	return enode_is_const(n, &c) && c == 0;
}

/* The transit chain s0' = -k*s0, si' = k*s(i-1) - k*si: a banded Jacobian. */
static void
test_jacobian(void)
{
	struct enode *rhs[NCHAIN], *d;
	char src[64];
	int i, j, zeros = 0, band = 0, ok = 1;
	double v[NSLOT], c;

	point(v);
	for (i = 0; i < NCHAIN; i++) {
		if (i == 0)
			snprintf(src, sizeof(src), "-k*s0");
		else
			snprintf(src, sizeof(src), "k*s%d - k*s%d", i - 1, i);
		if ((rhs[i] = parse(src)) == NULL)
			ok = 0;
	}
	for (i = 0; ok && i < NCHAIN; i++)
		for (j = 0; j < NCHAIN; j++) {
			if ((d = enode_diff(rhs[i], S0 + j)) == NULL) {
				ok = 0;
				break;
			}
			if (is_zero(d))
				zeros++;
			else if ((j == i && run(d, v) == -v[K]) ||
			    (j == i - 1 && run(d, v) == v[K]))
				band++;
			enode_free(d);
		}
	tap_ok(ok && zeros == NCHAIN * NCHAIN - (2 * NCHAIN - 1) &&
	    band == 2 * NCHAIN - 1,
	    "30-state chain: Jacobian entries off the band are the constant 0");
	/* dk of each rhs is not zero, and not constant */
	d = enode_diff(rhs[3], K);
	tap_ok(d != NULL && !enode_is_const(d, &c) && !enode_uses(d, K) &&
	    run(d, v) == v[S0 + 2] - v[S0 + 3], "d(k*s2 - k*s3)/dk = s2 - s3");
	enode_free(d);
	for (i = 0; i < NCHAIN; i++)
		enode_free(rhs[i]);
}

static void
test_simplify(void)
{
	struct enode *e, *d;
	double v[NSLOT], c;

	point(v);
	e = parse("KA*depot");
	d = enode_diff(e, CENTRAL);
	tap_ok(is_zero(d), "d(KA*depot)/d(central) is the constant 0");
	enode_free(d);
	enode_free(e);

	/* -k*x is (-k)*x; by x that is -k: one reference, no constant */
	e = parse("-k*x");
	d = enode_diff(e, X);
	tap_ok(d != NULL && !enode_is_const(d, NULL) && nrefs(d) == 1 &&
	    enode_uses(d, K) && run(d, v) == -v[K],
	    "d(-k*x)/dx is -k, not constant, when k is a slot");
	enode_free(d);
	enode_free(e);
	e = parse("-0.5*x");
	d = enode_diff(e, X);
	tap_ok(enode_is_const(d, &c) && c == -0.5,
	    "d(-0.5*x)/dx is the constant -0.5");
	enode_free(d);
	enode_free(e);

	e = parse("t < 1 ? 0 : k*x");
	d = enode_diff(e, Y);
	tap_ok(is_zero(d), "d(t < 1 ? 0 : k*x)/dy is the constant 0");
	enode_free(d);
	d = enode_diff(e, X);
	tap_ok(d != NULL && !enode_is_const(d, NULL) && run(d, v) == v[K],
	    "d(t < 1 ? 0 : k*x)/dx is t < 1 ? 0 : k");
	enode_free(d);
	enode_free(e);

	e = parse("x^2 + exp(z)");
	d = enode_diff(e, Y);
	tap_ok(is_zero(d), "d(x^2 + exp(z))/dy is the constant 0");
	enode_free(d);
	enode_free(e);
	e = parse("x < y && z > 1");
	d = enode_diff(e, X);
	tap_ok(is_zero(d), "d(x < y && z > 1)/dx is the constant 0");
	enode_free(d);
	enode_free(e);
	e = parse("abs(k)*x + min(y, z)");
	d = enode_diff(e, K);
	tap_ok(d != NULL && !is_zero(d) && run(d, v) == v[X],
	    "d(abs(k)*x)/dk = x for k > 0");
	enode_free(d);
	d = enode_diff(e, T);
	tap_ok(is_zero(d), "abs, min with no t in them: d/dt is 0");
	enode_free(d);
	enode_free(e);

	e = parse("0*exp(x) + 1*y");
	tap_ok(e != NULL && nrefs(e) == 1 && enode_uses(e, Y) &&
	    run(e, v) == v[Y], "0*exp(x) + 1*y is y");
	enode_free(e);
	e = parse("(x + 0)*1 - 0");
	tap_ok(e != NULL && nrefs(e) == 1 && run(e, v) == v[X],
	    "(x + 0)*1 - 0 is x");
	enode_free(e);
	e = parse("x/1 + 0/y");
	tap_ok(e != NULL && nrefs(e) == 1 && run(e, v) == v[X],
	    "x/1 + 0/y is x");
	enode_free(e);
	e = parse("x^1 * y^0");
	tap_ok(e != NULL && nrefs(e) == 1 && run(e, v) == v[X],
	    "x^1 * y^0 is x");
	enode_free(e);
	e = parse("0 - x");
	tap_ok(e != NULL && nrefs(e) == 1 && run(e, v) == -v[X],
	    "0 - x is -x");
	enode_free(e);
	e = parse("-(-(x))");
	tap_ok(e != NULL && nrefs(e) == 1 && run(e, v) == v[X],
	    "-(-x) is x");
	enode_free(e);
	e = parse("1 < 2 ? x : y");
	tap_ok(e != NULL && nrefs(e) == 1 && enode_uses(e, X) &&
	    !enode_uses(e, Y), "a constant condition picks its branch");
	enode_free(e);
	e = parse("x > 1 ? k*y : k*y");
	tap_ok(e != NULL && nrefs(e) == 2 && !enode_uses(e, X),
	    "c ? a : a is a");
	enode_free(e);
	e = parse("x > 1 ? x + y : x - y");
	d = enode_diff(e, X);
	tap_ok(enode_is_const(d, &c) && c == 1,
	    "d(x > 1 ? x + y : x - y)/dx is the constant 1");
	enode_free(d);
	enode_free(e);
	e = parse("if(0, x, y)");
	tap_ok(e != NULL && nrefs(e) == 1 && enode_uses(e, Y),
	    "if(0, x, y) is y");
	enode_free(e);
	e = parse("2*3 + exp(0)*4 - sqrt(16)");
	tap_ok(enode_is_const(e, &c) && c == 6, "constants fold: 6");
	enode_free(e);
	e = parse("x*y*z*k*t");
	tap_ok(e != NULL && nrefs(e) == 5 && !enode_uses(e, N),
	    "foreach_slot sees every reference");
	enode_free(e);
}

static void
test_subst(void)
{
	struct enode *e, *by, *r;
	double v[NSLOT], c;

	point(v);
	e = parse("k*x + x^2");
	by = parse("y + 1");
	r = enode_subst(e, X, by);
	tap_ok(r != NULL && !enode_uses(r, X) && enode_uses(r, Y),
	    "subst x := y + 1 removes x");
	tap_close(run(r, v), v[K] * (v[Y] + 1) + (v[Y] + 1) * (v[Y] + 1),
	    1e-15, "subst x := y + 1 gives k*(y+1) + (y+1)^2");
	tap_close(run(e, v), v[K] * v[X] + v[X] * v[X], 1e-15,
	    "subst leaves its argument alone");
	enode_free(r);
	enode_free(by);
	enode_free(e);

	e = parse("x*3 + 1");
	by = enode_const(2);
	r = enode_subst(e, X, by);
	tap_ok(enode_is_const(r, &c) && c == 7, "subst x := 2 in x*3 + 1 is 7");
	enode_free(r);
	enode_free(e);
	e = parse("x > 0 ? y : z");
	r = enode_subst(e, X, by);
	tap_ok(r != NULL && nrefs(r) == 1 && enode_uses(r, Y),
	    "subst x := 2 in x > 0 ? y : z is y");
	enode_free(r);
	enode_free(e);
	e = parse("x*0 + y");	/* already y */
	r = enode_subst(e, Z, by);
	tap_ok(r != NULL && run(r, v) == v[Y], "subst of an absent slot");
	enode_free(r);
	enode_free(by);
	enode_free(e);

	e = parse("x^2");
	by = parse("x + 1");
	r = enode_subst(e, X, by);
	tap_close(run(r, v), (v[X] + 1) * (v[X] + 1), 1e-15,
	    "subst x := x + 1 in x^2");
	enode_free(r);
	enode_free(by);
	enode_free(e);
}

static void
test_errors(void)
{
	static const struct {
		const char *src;
		int col;
		const char *msg;
	} c[] = {
		{ "CLX * 2", 0, "unknown name \"CLX\"" },
		{ "x + CLX", 4, "unknown name \"CLX\"" },
		{ "(x + 1", 6, "expected ')'" },
		{ "((x)", 4, "expected ')'" },
		{ "(x 1)", 3, "expected ')'" },
		{ "x + 1)", 5, "unmatched ')'" },
		{ "x y", 2, "unexpected \"y\"" },
		{ "2x", 1, "unexpected \"x\"" },
		{ "1.5.3", 3, "unexpected \".3\"" },
		{ "x = 1", 2, "unexpected \"=\"" },
		{ "x & y", 2, "unexpected \"&\"" },
		{ "1 < 2 < 3", 6, "unexpected \"<\"" },
		{ "x +", 3, "missing operand" },
		{ "x * / y", 4, "missing operand" },
		{ "()", 1, "missing operand" },
		{ "x or", 4, "missing operand" },
		{ "x + and", 4, "missing operand" },
		{ "exp(1, 2)", 0, "function exp takes 1 argument" },
		{ "x + pow(2)", 4, "function pow takes 2 arguments" },
		{ "if(1, 2)", 0, "function if takes 3 arguments" },
		{ "exp()", 0, "function exp takes 1 argument" },
		{ "min(x y)", 6, "expected ',' or ')'" },
		{ "foo(x)", 0, "unknown function \"foo\"" },
		{ "", 0, "empty expression" },
		{ "   ", 3, "empty expression" },
		{ "x ? y", 5, "expected ':'" },
		{ "0x10", 0, "malformed number \"0x10\"" },
		{ "1e999", 0, "number out of range \"1e999\"" },
		{ "x\001", 1, "unexpected byte 0x01" },
	};
	struct twin_err err;
	char what[200];
	size_t i;
	int col;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct enode *e;

		col = -1;
		err.msg[0] = '\0';
		e = expr_parse(c[i].src, lookup, NULL, &col, &err);
		snprintf(what, sizeof(what), "\"%s\": column %d: %s", c[i].src,
		    c[i].col, c[i].msg);
		tap_ok(e == NULL && col == c[i].col &&
		    strcmp(err.msg, c[i].msg) == 0, what);
		if (e != NULL || col != c[i].col ||
		    strcmp(err.msg, c[i].msg) != 0)
			printf("# got column %d: %s\n", col, err.msg);
		enode_free(e);
	}
}

/* Big and deep input: refused cleanly, or handled with a small stack. */
static void
test_limits(void)
{
	struct twin_err err;
	struct enode *e;
	struct tape *t;
	char *s;
	double v[NSLOT];
	int col, i, n = 5000;

	point(v);
	if ((s = malloc(4 * (size_t)n + 8)) == NULL)
		return;
	memset(s, '(', (size_t)n);
	strcpy(s + n, "x");
	e = expr_parse(s, lookup, NULL, &col, &err);
	tap_ok(e == NULL &&
	    strcmp(err.msg, "expression nested too deeply") == 0,
	    "5000 parentheses: nested too deeply");
	enode_free(e);
	/* a left chain is tall without any nesting */
	for (i = 0; i < n; i++)
		memcpy(s + 2 * i, "x+", 2);
	strcpy(s + 2 * n, "x");
	e = expr_parse(s, lookup, NULL, &col, &err);
	tap_ok(e == NULL &&
	    strcmp(err.msg, "expression nested too deeply") == 0,
	    "x+x+...+x, 5000 terms: too deep");
	enode_free(e);
	strcpy(s + 2 * 500, "x");
	e = parse(s);
	tap_close(run(e, v), 501 * v[X], 1e-13, "x+x+...+x, 501 terms");
	enode_free(e);
	/* right-deep: x-(x-(x-...)) must still fit the tape's stack */
	s[0] = '\0';
	for (i = 0; i < 90; i++)
		strcat(s, "x-(");
	strcat(s, "x");
	for (i = 0; i < 90; i++)
		strcat(s, ")");
	e = parse(s);
	t = tape_compile(e);
	tap_ok(t != NULL, "x-(x-(...)) compiles");
	tap_ok(t != NULL && tape_eval(t, v) == v[X], "x-(x-(...)), 91 x: x");
	tape_free(t);
	enode_free(e);
	free(s);
}

static void
test_api(void)
{
	struct enode *a, *b;
	double c;

	a = enode_const(2.5);
	b = enode_copy(a);
	tap_ok(enode_is_const(b, &c) && c == 2.5, "enode_const, enode_copy");
	enode_free(a);
	enode_free(b);
	a = enode_slot(Z);
	tap_ok(!enode_is_const(a, NULL) && enode_uses(a, Z) &&
	    !enode_uses(a, X), "enode_slot");
	enode_free(a);
	tap_ok(enode_slot(-1) == NULL, "a negative slot is refused");
	tap_ok(tape_compile(NULL) == NULL && enode_diff(NULL, 0) == NULL,
	    "NULL in, NULL out");
}

/* Programs: statements in order, later ones reading what earlier ones
 * stored, subexpressions shared, and conditionals still lazy. */
static void
test_programs(void)
{
	static const char *const src[] = {
		"x*y + exp(z)",			/* v[S0] */
		"s0 * 2",			/* out[0]: reads v[S0] */
		"exp(z) + k",			/* out[1]: exp(z) shared */
		/* first met in an untaken branch (x > 0), where its
		 * temporary must not be made */
		"x < 0 ? sqrt(depot)*k : 1",	/* out[2] */
		"sqrt(depot)*k + sqrt(depot)*k",	/* out[3] */
		/* made unconditionally, then read in a branch */
		"log(central)*x + log(central)*x",	/* out[4] */
		"x > 1 ? log(central)*x + 1 : 0",	/* out[5] */
	};
	enum { NS = sizeof(src) / sizeof(src[0]), TMP0 = NSLOT + 5 };
	struct enode *n[NS], *big, *a;
	struct prog_stmt st[NS];
	struct prog *p, *p1, *p2;
	double v[TMP0 + 16], out[NS], want[NS], sv;
	int i, ok = 1, slot;

	for (i = 0; i < NS; i++) {
		if ((n[i] = parse(src[i])) == NULL)
			ok = 0;
		st[i].n = n[i];
		st[i].dst = i == 0 ? S0 : i - 1;
		st[i].out = i > 0;
	}
	p = ok ? prog_compile(st, NS, TMP0) : NULL;
	tap_ok(p != NULL, "a program of 7 statements compiles");
	if (p == NULL)
		goto done;
	memset(v, 0, sizeof(v));
	point(v);
	/* the temporaries start as nan: reading one not made shows */
	for (i = TMP0; i < TMP0 + 16; i++)
		v[i] = NAN;
	prog_eval(p, v, out);
	sv = v[X] * v[Y] + exp(v[Z]);
	want[0] = sv * 2;
	want[1] = exp(v[Z]) + v[K];
	want[2] = 1;
	want[3] = 2 * (sqrt(v[DEPOT]) * v[K]);
	want[4] = 2 * (log(v[CENTRAL]) * v[X]);
	want[5] = log(v[CENTRAL]) * v[X] + 1;
	tap_close(v[S0], sv, 1e-15, "program: v[dst] = expr stored");
	for (i = 0; i < NS - 1; i++) {
		char what[96];

		snprintf(what, sizeof(what), "program: out[%d] = %s", i,
		    src[i + 1]);
		tap_close(out[i], want[i], 1e-15, what);
	}
	tap_ok(prog_ntemp(p) == 3, "program: three shared subexpressions "
	    "(exp(z), sqrt(depot)*k, log(central)*x)");
	prog_free(p);

	/* one big expression twice costs a load, not a second copy */
	big = parse("exp(x)*log(central)/(k + y*y) - sqrt(depot)*tanh(z)");
	st[0].n = st[1].n = big;
	st[0].dst = 0;
	st[1].dst = 1;
	st[0].out = st[1].out = 1;
	p1 = prog_compile(st, 1, TMP0);
	p2 = prog_compile(st, 2, TMP0);
	tap_ok(p1 && p2 && prog_len(p2) <= prog_len(p1) + 3 &&
	    prog_len(p1) >= 10, "program: a repeated statement is computed "
	    "once (a TEE, a load and a store more)");
	if (p2 != NULL) {
		prog_eval(p2, v, out);
		tap_ok(out[0] == out[1] && out[0] == exp(v[X]) *
		    log(v[CENTRAL]) / (v[K] + v[Y] * v[Y]) - sqrt(v[DEPOT]) *
		    tanh(v[Z]), "program: both give the value written in C");
	}
	prog_free(p1);
	prog_free(p2);
	enode_free(big);
	st[0].n = NULL;
	tap_ok(prog_compile(st, 1, TMP0) == NULL,
	    "program: a statement without a tree is refused");
	p = prog_compile(st, 0, TMP0);
	tap_ok(p != NULL && prog_len(p) == 1, "an empty program is an END");
	if (p != NULL)
		prog_eval(p, v, NULL);
	prog_free(p);

	/* the builders model.c's chain rule uses */
	a = enode_add(enode_const(0), enode_slot(X));
	tap_ok(enode_is_slot(a, &slot) && slot == X, "enode_add: 0 + x is x");
	enode_free(a);
	a = enode_mul(enode_const(2), enode_const(3));
	tap_ok(enode_is_const(a, &sv) && sv == 6 && !enode_is_slot(a, NULL),
	    "enode_mul: 2 * 3 folds to 6");
	enode_free(a);
	tap_ok(enode_add(NULL, enode_slot(X)) == NULL &&
	    enode_mul(enode_slot(Y), NULL) == NULL,
	    "enode_add, enode_mul: NULL in, NULL out (the other freed)");
done:
	for (i = 0; i < NS; i++)
		enode_free(n[i]);
}

/* Same bits, NaN matching NaN. */
static int
same(double a, double b)
{
	return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof(a)) == 0;
}

/*
 * Native code (prog_emit_c, jit.h) against the interpreter: one program
 * with every expression of test_values and its derivatives in x and y
 * (which bring the immediate forms and more branches), stored both into
 * results and into a slot read back by a later statement, at the test
 * point and at points where things overflow, divide by zero or take
 * the other branch.  Bit for bit.
 */
static void
test_native(void)
{
	enum { NE = sizeof(vsrc) / sizeof(vsrc[0]), NS = 3 * NE + 1 };
	static const double pts[][3] = {	/* x, y, z */
		{ 1.3, -0.7, 2.1 }, { 0, -1, 0 }, { -2.5, 3, 1e308 },
		{ 2, 0.7, -1e-310 }, { 1e200, -1e200, 2.1 }, { NAN, 1, 2 },
	};
	char dir[] = "/tmp/twin-expr-XXXXXX", *src = NULL, cmd[64];
	struct enode *e[NS];
	struct prog_stmt st[NS];
	struct prog *p = NULL;
	struct jit *j = NULL;
	jit_fn fn[1];
	size_t len = 0;
	FILE *f;
	int i, k, ok = 1, bad = 0;

	memset(e, 0, sizeof(e));
	for (i = 0; i < NE; i++) {
		struct enode *n = parse(vsrc[i]);

		e[3 * i] = n;
		e[3 * i + 1] = n ? enode_diff(n, X) : NULL;
		e[3 * i + 2] = n ? enode_diff(n, Y) : NULL;
	}
	/* the last statement reads a slot stored by the first */
	e[NS - 1] = parse("s0 * x + s0");
	for (i = 0; i < NS; i++) {
		ok &= e[i] != NULL;
		st[i].n = e[i];
		st[i].dst = i == 0 ? S0 : i;
		st[i].out = i != 0;
	}
	if (ok)
		p = prog_compile(st, NS, NSLOT);
	ok = p != NULL && prog_ntemp(p) <= 64 && mkdtemp(dir) != NULL &&
	    (f = open_memstream(&src, &len)) != NULL;
	if (ok) {
		fputs(prog_c_prelude, f);
		ok = prog_emit_c(p, "f", f) == 0;
		ok &= fclose(f) == 0;
	}
	if (ok) {
		struct twin_err err;

		setenv("TWIN_CACHE", dir, 1);
		j = jit_load(src, 1, (const char *const[]){ "f" }, fn, &err);
		if (j == NULL)
			printf("# %s\n", err.msg);
	}
	tap_ok(j != NULL, "native code of a program with every operator "
	    "compiles and loads");
	for (k = 0; j && k < (int)(sizeof(pts) / sizeof(pts[0])); k++) {
		double v1[NSLOT + 64], v2[NSLOT + 64], o1[NS], o2[NS];

		point(v1);
		v1[X] = pts[k][0];
		v1[Y] = pts[k][1];
		v1[Z] = pts[k][2];
		memcpy(v2, v1, sizeof(v1));
		for (i = 0; i < NS; i++)
			o1[i] = o2[i] = -1;
		prog_eval(p, v1, o1);
		fn[0](v2, o2);
		for (i = 1; i < NS; i++)
			bad += !same(o1[i], o2[i]);
		for (i = 0; i < NSLOT + prog_ntemp(p); i++)
			bad += !same(v1[i], v2[i]);
	}
	tap_ok(j != NULL && bad == 0, "native code gives the interpreter's "
	    "bits: every result and slot at 6 points (overflow, 0/0, NaN, "
	    "both branches)");
	if (bad)
		printf("# %d differences\n", bad);
	jit_free(j);
	prog_free(p);
	free(src);
	for (i = 0; i < NS; i++)
		enode_free(e[i]);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	unsetenv("TWIN_CACHE");
}

int
main(void)
{
	test_values();
	test_precedence();
	test_logic();
	test_diff();
	test_jacobian();
	test_simplify();
	test_subst();
	test_errors();
	test_limits();
	test_api();
	test_programs();
	test_native();
	return tap_done();
}
