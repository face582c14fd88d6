/*
 * test_closed.c - simulated concentrations against closed-form solutions
 * of linear compartmental models, written here independently of the
 * library: sums of exponentials with the eigenvalues of the 1-, 2- and
 * 3-compartment systems from their textbook formulas (Gibaldi & Perrier,
 * Pharmacokinetics, 2nd ed., ch. 2-3 and appendix C), superposition for
 * repeated doses and geometric series for steady state.
 *
 * Both solvers are checked: the exact matrix exponential and CVODES BDF.
 * Tolerance: relative 1e-6 (both are far better; the BDF defaults give
 * about 1e-8).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/model.h"
#include "solve/ode.h"
#include "data/record.h"
#include "solve/sim.h"
#include "build.h"
#include "tap.h"

#define RTOL 1e-6
#define MAXOBS 512

/* Unit-dose impulse response of the central compartment: sum of
 * A[i] exp(-L[i] t), concentration per unit amount. */
struct resp {
	int n;
	double A[3], L[3];
};

static char dir[64];

/* 1 compartment: k = CL/V. */
static struct resp
resp1(double cl, double v)
{
	struct resp r = { 1, { 1 / v }, { cl / v } };

	return r;
}

static struct resp
resp2(double cl, double v1, double q, double v2)
{
	double k10 = cl / v1, k12 = q / v1, k21 = q / v2;
	double s = k10 + k12 + k21, d = sqrt(s * s - 4 * k10 * k21);
	double a = (s + d) / 2, b = (s - d) / 2;
	struct resp r;

	r.n = 2;
	r.L[0] = a;
	r.L[1] = b;
	r.A[0] = (a - k21) / (a - b) / v1;
	r.A[1] = (k21 - b) / (a - b) / v1;
	return r;
}

/* Three compartments: the cubic's roots by the trigonometric method. */
static struct resp
resp3(double cl, double v1, double q2, double v2, double q3, double v3)
{
	double k10 = cl / v1, k12 = q2 / v1, k21 = q2 / v2;
	double k13 = q3 / v1, k31 = q3 / v3;
	double a0 = k10 * k21 * k31;
	double a1 = k10 * k31 + k21 * k31 + k21 * k13 + k10 * k21 + k31 * k12;
	double a2 = k10 + k12 + k13 + k21 + k31;
	double p = a1 - a2 * a2 / 3;
	double qq = 2 * a2 * a2 * a2 / 27 - a1 * a2 / 3 + a0;
	double r1 = sqrt(-p * p * p / 27);
	double phi = acos(-qq / (2 * r1)) / 3;
	double r2 = 2 * cbrt(r1);
	struct resp r;
	int i, j, k;

	r.n = 3;
	r.L[0] = -(cos(phi) * r2 - a2 / 3);
	r.L[1] = -(cos(phi + 2 * 3.14159265358979323846 / 3) * r2 - a2 / 3);
	r.L[2] = -(cos(phi + 4 * 3.14159265358979323846 / 3) * r2 - a2 / 3);
	for (i = 0; i < 3; i++) {
		j = (i + 1) % 3;
		k = (i + 2) % 3;
		r.A[i] = (k21 - r.L[i]) * (k31 - r.L[i]) /
		    ((r.L[j] - r.L[i]) * (r.L[k] - r.L[i])) / v1;
	}
	return r;
}

/* Single doses given at time 0, observed at t (0 before the dose). */
static double
bolus(const struct resp *r, double d, double t)
{
	double c = 0;
	int i;

	if (t < 0)
		return 0;
	for (i = 0; i < r->n; i++)
		c += d * r->A[i] * exp(-r->L[i] * t);
	return c;
}

static double
oral(const struct resp *r, double d, double ka, double t)
{
	double c = 0;
	int i;

	if (t < 0)
		return 0;
	for (i = 0; i < r->n; i++)
		c += d * r->A[i] * ka / (ka - r->L[i]) *
		    (exp(-r->L[i] * t) - exp(-ka * t));
	return c;
}

static double
infusion(const struct resp *r, double rate, double dur, double t)
{
	double c = 0, te;
	int i;

	if (t < 0)
		return 0;
	te = t < dur ? t : dur;
	for (i = 0; i < r->n; i++)
		c += rate * r->A[i] / r->L[i] * (1 - exp(-r->L[i] * te)) *
		    exp(-r->L[i] * (t - te));
	return c;
}

/* Steady state at phase t in [0, tau): geometric series of past doses. */
static double
ss_bolus(const struct resp *r, double d, double tau, double t)
{
	double c = 0;
	int i;

	for (i = 0; i < r->n; i++)
		c += d * r->A[i] * exp(-r->L[i] * t) /
		    (1 - exp(-r->L[i] * tau));
	return c;
}

static double
ss_oral(const struct resp *r, double d, double ka, double tau, double t)
{
	double c = 0;
	int i;

	for (i = 0; i < r->n; i++)
		c += d * r->A[i] * ka / (ka - r->L[i]) *
		    (exp(-r->L[i] * t) / (1 - exp(-r->L[i] * tau)) -
		    exp(-ka * t) / (1 - exp(-ka * tau)));
	return c;
}

static double
ss_infusion(const struct resp *r, double rate, double dur, double tau,
    double t)
{
	double c = infusion(r, rate, dur, t);
	int i;

	/* Earlier doses have all ended (dur < tau). */
	for (i = 0; i < r->n; i++)
		c += rate * r->A[i] / r->L[i] * (1 - exp(-r->L[i] * dur)) *
		    exp(-r->L[i] * (t + tau - dur)) /
		    (1 - exp(-r->L[i] * tau));
	return c;
}

/* Run the records in tsv through a model; CP of each record into cp. */
static int
simulate(const char *model, const char *tsv, enum ode_method method,
    double *cp, int maxrec)
{
	char path[128];
	struct twin_err err;
	struct model *m;
	struct rec_reader *r;
	struct rec_indiv ind;
	struct sim_cols cols;
	struct sim_indiv si;
	struct sim_opts so = { method, 1e-10, 1e-12 };
	struct sim *s;
	double *out;
	FILE *fp;
	int k, bad, n = -1, w;

	snprintf(path, sizeof(path), "%s/in.tsv", dir);
	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	fputs(tsv, fp);
	fclose(fp);
	memset(&ind, 0, sizeof(ind));
	memset(&si, 0, sizeof(si));
	if ((m = model_load(model, &err)) == NULL) {
		printf("# %s\n", err.msg);
		return -1;
	}
	if ((r = rec_open(path, &err)) == NULL ||
	    sim_cols_init(&cols, r, m, &err) < 0 ||
	    (s = sim_new(m, &so, &err)) == NULL) {
		printf("# %s\n", err.msg);
		return -1;
	}
	w = sim_width(m);
	if (rec_next(r, &ind, &err) == 1 &&
	    sim_bind(&si, m, &cols, r, &ind, NULL, 0, &err) == 0 &&
	    si.n <= maxrec && (out = malloc(si.n * w * sizeof(double)))) {
		if (sim_run(s, &si, 0, out, &bad, &err) == 0) {
			for (k = 0; k < si.n; k++)
				cp[k] = out[k * w + m->dv];
			n = si.n;
		}
		free(out);
	}
	if (n < 0)
		printf("# %s\n", err.msg);
	sim_free(s);
	sim_indiv_free(&si);
	sim_cols_free(&cols);
	rec_indiv_free(&ind);
	rec_close(r);
	model_free(m);
	return n;
}

/* Build a TSV: a header, the dose line(s), then observations at times. */
static void
records(char *buf, size_t n, const char *head, const char *doses,
    const double *t, int nt)
{
	size_t len;
	int i;

	len = snprintf(buf, n, "%s\n%s", head, doses);
	for (i = 0; i < nt && len < n; i++)
		len += snprintf(buf + len, n - len, "1\t%.17g\t0\t0\t0\t.\t0\t0\t0\n",
		    t[i]);
}

#define HEAD "ID\tTIME\tEVID\tAMT\tRATE\tCMT\tII\tADDL\tSS"

struct check {
	const char *what;
	const char *model;
	const char *doses;	/* dose lines; observations follow */
	int ndose;		/* records before the observations */
	double (*expect)(double t);
};

/* Parameters of the shipped models at WT 70 and zero random effects. */
static struct resp R1, R2, R3;

static double e1_bolus(double t) { return bolus(&R1, 100, t); }
static double e1_inf(double t) { return infusion(&R1, 50, 2, t); }
static double e1_oral(double t) { return oral(&R1, 100, 1.2, t); }
static double
e1_oral_rep(double t)
{
	double c = 0;
	int i;

	for (i = 0; i < 5; i++)
		c += oral(&R1, 100, 1.2, t - 12 * i);
	return c;
}
static double e2_bolus(double t) { return bolus(&R2, 100, t); }
static double e2_inf(double t) { return infusion(&R2, 100, 0.5, t); }
static double e2_oral(double t) { return oral(&R2, 100, 1.2, t); }
static double
e2_inf_rep(double t)
{
	double c = 0;
	int i;

	for (i = 0; i < 4; i++)
		c += infusion(&R2, 100, 0.5, t - 8 * i);
	return c;
}
static double e3_bolus(double t) { return bolus(&R3, 100, t); }
static double e3_inf(double t) { return infusion(&R3, 25, 4, t); }
static double e3_oral(double t) { return oral(&R3, 100, 1.2, t); }
static double
e3_bolus_rep(double t)
{
	double c = 0;
	int i;

	for (i = 0; i < 3; i++)
		c += bolus(&R3, 100, t - 24 * i);
	return c;
}
/* Steady state at t = 0 with II 12; observed over one interval. */
static double e1_ss_oral(double t) { return ss_oral(&R1, 100, 1.2, 12, t); }
static double e2_ss_bolus(double t) { return ss_bolus(&R2, 100, 12, t); }
static double
e2_ss_inf(double t)
{
	return ss_infusion(&R2, 100, 1, 12, t);
}
static double e3_ss_oral(double t) { return ss_oral(&R3, 100, 1.2, 24, t); }
static double
e1_ss_addl(double t)
{
	/* Steady state, then two more doses, then washout. */
	double c = 0;
	int i;

	for (i = 0; i < 200; i++)
		c += oral(&R1, 100, 1.2, t + 12 * i);	/* SS dose and before */
	c += oral(&R1, 100, 1.2, t - 12) + oral(&R1, 100, 1.2, t - 24);
	return c;
}

static const struct check checks[] = {
	{ "1-cmt IV bolus", "pk1cmt", "1\t0\t1\t100\t0\tcentral\t0\t0\t0\n",
	    1, e1_bolus },
	{ "1-cmt infusion (RATE)", "pk1cmt",
	    "1\t0\t1\t100\t50\tcentral\t0\t0\t0\n", 1, e1_inf },
	{ "1-cmt oral", "pk1cmt", "1\t0\t1\t100\t0\tdepot\t0\t0\t0\n", 1,
	    e1_oral },
	{ "1-cmt oral, ADDL=4 II=12", "pk1cmt",
	    "1\t0\t1\t100\t0\t1\t12\t4\t0\n", 1, e1_oral_rep },
	{ "2-cmt IV bolus", "pk2cmt", "1\t0\t1\t100\t0\t2\t0\t0\t0\n", 1,
	    e2_bolus },
	{ "2-cmt infusion", "pk2cmt",
	    "1\t0\t1\t50\t100\tcentral\t0\t0\t0\n", 1, e2_inf },
	{ "2-cmt oral", "pk2cmt", "1\t0\t1\t100\t0\tdepot\t0\t0\t0\n", 1,
	    e2_oral },
	{ "2-cmt infusion, ADDL=3 II=8", "pk2cmt",
	    "1\t0\t1\t50\t100\tcentral\t8\t3\t0\n", 1, e2_inf_rep },
	{ "3-cmt IV bolus", "pk3cmt", "1\t0\t1\t100\t0\tcentral\t0\t0\t0\n",
	    1, e3_bolus },
	{ "3-cmt infusion", "pk3cmt",
	    "1\t0\t1\t100\t25\tcentral\t0\t0\t0\n", 1, e3_inf },
	{ "3-cmt oral", "pk3cmt", "1\t0\t1\t100\t0\tdepot\t0\t0\t0\n", 1,
	    e3_oral },
	{ "3-cmt IV bolus, ADDL=2 II=24", "pk3cmt",
	    "1\t0\t1\t100\t0\tcentral\t24\t2\t0\n", 1, e3_bolus_rep },
	{ "1-cmt oral SS=1 II=12", "pk1cmt",
	    "1\t0\t1\t100\t0\tdepot\t12\t0\t1\n", 1, e1_ss_oral },
	{ "2-cmt IV bolus SS=1 II=12", "pk2cmt",
	    "1\t0\t1\t100\t0\tcentral\t12\t0\t1\n", 1, e2_ss_bolus },
	{ "2-cmt infusion SS=1 II=12", "pk2cmt",
	    "1\t0\t1\t100\t100\tcentral\t12\t0\t1\n", 1, e2_ss_inf },
	{ "3-cmt oral SS=1 II=24", "pk3cmt",
	    "1\t0\t1\t100\t0\tdepot\t24\t0\t1\n", 1, e3_ss_oral },
	{ "1-cmt oral SS=1 with ADDL=2", "pk1cmt",
	    "1\t0\t1\t100\t0\tdepot\t12\t2\t1\n", 1, e1_ss_addl },
};

static void
run_check(const struct check *c, enum ode_method method, const char *mname)
{
	static char tsv[65536];
	double t[MAXOBS], cp[MAXOBS + 8], worst = 0, tw = 0;
	char path[256], what[256];
	int i, n, nt = 0;

	/* Dense early, sparse late; the SS checks stay within one interval
	 * except where the dosing continues. */
	for (i = 1; i <= 96; i++)
		t[nt++] = 0.25 * i;
	for (i = 1; i <= 48; i++)
		t[nt++] = 24 + i;
	records(tsv, sizeof(tsv), HEAD, c->doses, t, nt);
	snprintf(path, sizeof(path), "../../models/%s.yaml", c->model);
	n = simulate(path, tsv, method, cp, MAXOBS + 8);
	snprintf(what, sizeof(what), "%s (%s): %d records", c->what, mname,
	    nt);
	if (n != nt + c->ndose) {
		tap_ok(0, what);
		return;
	}
	for (i = 0; i < nt; i++) {
		double want = c->expect(t[i]), got = cp[c->ndose + i];
		double rel = fabs(got - want) / fabs(want);

		/* SS without ADDL: compare within the first interval only. */
		if (strstr(c->what, "SS=1 II=") && t[i] >= 12 &&
		    !strstr(c->what, "ADDL"))
			continue;
		if (rel > worst) {
			worst = rel;
			tw = t[i];
		}
	}
	tap_ok(worst <= RTOL, what);
	printf("# max relative error %.3g at t=%g\n", worst, tw);
}

static double
e_ss12(double t)
{
	/* SS=1 with II 12 and no further dose: the last dose of an endless
	 * series, so past 12 h the concentration decays. */
	double c = 0;
	int i;

	for (i = 0; i < 400; i++)
		c += oral(&R1, 100, 1.2, t + 12 * i);
	return c;
}

static double e_ss24(double t) { return ss_oral(&R3, 100, 1.2, 24, t); }

/* ---- the solvers directly, across stiffness ratios ---------------------
 *
 * Models built in memory; each case sets the thetas in v, starts from a
 * state and compares amounts with closed forms written in a form that is
 * itself well conditioned (no cancellation between exponentials of very
 * different rates).  Tolerance 1e-9 relative for the exact solver.
 */
#define XTOL 1e-9

/* Solve from y0 at 0 to each of t[0..nt-1] (in one smooth piece, or
 * restarting at each time when restart is set); amounts into y[nt][n]. */
static int
solve(const struct model *m, enum ode_method meth, const double *th,
    const double *rate, const double *y0, const double *t, int nt,
    int restart, double *y)
{
	struct twin_err err;
	struct ode_sys sys;
	struct ode *o;
	double v[64], cur[16];
	int i, n = m->nstate, rc = 0;

	memset(v, 0, sizeof(v));
	memcpy(v + m->theta0, th, m->ntheta * sizeof(double));
	memset(&sys, 0, sizeof(sys));
	sys.m = m;
	sys.v = v;
	sys.rate = rate;
	if ((o = ode_new(m, meth, 1e-10, 1e-12, &err)) == NULL) {
		printf("# %s\n", err.msg);
		return -1;
	}
	memcpy(cur, y0, n * sizeof(double));
	if (ode_restart(o, &sys, 0, cur, t[nt - 1], &err) < 0)
		rc = -1;
	for (i = 0; rc == 0 && i < nt; i++) {
		if (ode_advance(o, t[i], y + i * n, &err) < 0 ||
		    (restart && ode_restart(o, &sys, t[i], y + i * n,
		    t[nt - 1], &err) < 0))
			rc = -1;
	}
	if (rc < 0)
		printf("# %s\n", err.msg);
	ode_free(o);
	return rc;
}

static double
relerr(double got, double want)
{
	if (want == 0)
		return fabs(got);
	return fabs(got - want) / fabs(want);
}

/* (e^{-a t} - e^{-b t}) / (b - a), for a != b, without cancellation. */
static double
bateman(double a, double b, double t)
{
	double d = (b - a) * t / 2;

	if (fabs(d) < 1)
		return t * exp(-(a + b) * t / 2) * sinh(d) / d;
	return (exp(-a * t) - exp(-b * t)) / (b - a);
}

static const double tobs[] = { 1e-3, 0.1, 1, 2.5, 10, 24, 100 };
#define NOBS ((int)(sizeof(tobs) / sizeof(tobs[0])))

/* 1-cmt oral, depot -> central at KA, elimination K: central =
 * D KA bateman(K, KA, t); KA from 1e-16 K to 1e16 K. */
static void
stiff_oral(const struct model *m, enum ode_method meth, const char *mn,
    double tol, double floor)
{
	static const double k = 0.1;
	double y[NOBS * 2], y0[2] = { 100, 0 }, worst = 0, th[2];
	char what[128];
	int e, i, ok = 1;

	for (e = -16; e <= 16; e++) {
		double ka = k * pow(10, e);

		if (e == 0)
			continue;
		th[0] = ka;
		th[1] = k;
		if (solve(m, meth, th, (const double[]){ 0, 0 }, y0, tobs,
		    NOBS, 0, y) < 0) {
			ok = 0;
			continue;
		}
		for (i = 0; i < NOBS; i++) {
			double wd = 100 * exp(-ka * tobs[i]);
			double wc = 100 * ka * bateman(k, ka, tobs[i]);
			double r = fmax(fabs(y[2 * i + 1] - wc) /
			    (fabs(wc) + floor), wd > 1e-280 ?
			    fabs(y[2 * i] - wd) / (wd + floor) :
			    fabs(y[2 * i]));

			if (r > worst)
				worst = r;
			if (r > tol)
				printf("# KA %g t %g: depot %.17g (%.17g) central "
				    "%.17g (%.17g)\n", ka, tobs[i], y[2 * i], wd,
				    y[2 * i + 1], wc);
		}
	}
	snprintf(what, sizeof(what), "1-cmt oral (Bateman), KA/K 1e-16 to "
	    "1e16 (%s): error <= %g relative + %g", mn, tol, floor * tol);
	tap_ok(ok && worst <= tol, what);
	printf("# worst %.3g\n", worst);
}

/* 1-cmt IV infusion at rate R from empty: R/K (1 - e^{-K t}); and a
 * bolus D e^{-K t}; K from 1e-16 to 1e16. */
static void
stiff_iv(const struct model *m)
{
	double y[NOBS], worst = 0;
	int e, i, ok = 1;

	for (e = -16; e <= 16; e++) {
		double k = pow(10, e), r = 3;

		if (solve(m, ODE_EXACT, &k, &r, (const double[]){ 0 }, tobs,
		    NOBS, 1, y) < 0)
			ok = 0;
		for (i = 0; ok && i < NOBS; i++)
			worst = fmax(worst, relerr(y[i],
			    -r * expm1(-k * tobs[i]) / k));
		if (solve(m, ODE_EXACT, &k, (const double[]){ 0 },
		    (const double[]){ 100 }, tobs, NOBS, 0, y) < 0)
			ok = 0;
		for (i = 0; ok && i < NOBS; i++) {
			double want = 100 * exp(-k * tobs[i]);

			worst = fmax(worst, want > 1e-280 ? relerr(y[i], want) :
			    fabs(y[i]));
		}
	}
	tap_ok(ok && worst <= XTOL, "1-cmt IV bolus and infusion, K 1e-16 to "
	    "1e16 (exact): relative error <= 1e-9");
	printf("# worst %.3g\n", worst);
}

/*
 * Transit chain gut -> t1 -> t2 (rate KTR each) -> t3 (KA) -> central
 * (K): from the Laplace transform D KTR^3 KA / ((s+KTR)^3 (s+KA)(s+K)),
 * residues at -KA, -K and the triple pole at -KTR.  Well conditioned for
 * KTR well above KA and K: KTR from 4 to 4e15 (MTT 1 to 1e-15 h).
 */
static double
transit_central(double ktr, double ka, double k, double d, double t)
{
	double a = ka - ktr, b = k - ktr, c = 1 / (k - ka);
	double g = c * (1 / a - 1 / b), g1 = -c * (1 / (a * a) - 1 / (b * b));
	double g2 = 2 * c * (1 / (a * a * a) - 1 / (b * b * b));
	double q = ktr / (ktr - ka), r = ktr / (ktr - k);
	double pole = ktr * ktr * ktr * exp(-ktr * t) *
	    (t * t * g + 2 * t * g1 + g2) / 2;

	if (!isfinite(pole))
		pole = 0;
	return d * ka * (q * q * q * exp(-ka * t) / (k - ka) +
	    r * r * r * exp(-k * t) / (ka - k) + pole);
}

static void
stiff_transit(const struct model *m)
{
	double y[NOBS * 5], y0[5] = { 100, 0, 0, 0, 0 }, worst = 0, th[3];
	int e, i, ok = 1;

	for (e = 0; e <= 15; e++) {
		double ktr = 4 * pow(10, e);

		th[0] = ktr;
		th[1] = 1;
		th[2] = 0.1;
		if (solve(m, ODE_EXACT, th, (const double[]){ 0, 0, 0, 0, 0 },
		    y0, tobs, NOBS, 0, y) < 0) {
			ok = 0;
			continue;
		}
		for (i = 0; i < NOBS; i++) {
			double t = tobs[i], x = ktr * t;
			double w[3] = { 100 * exp(-x), 100 * x * exp(-x),
			    100 * x * x / 2 * exp(-x) };
			double wc = transit_central(ktr, 1, 0.1, 100, t), r;
			int j;

			/* The closed form cancels while the chain is still
			 * filling (KTR t below 30 with KTR near KA). */
			r = x > 30 || ktr >= 400 ? relerr(y[5 * i + 4], wc) : 0;
			for (j = 0; j < 3; j++)
				r = fmax(r, w[j] > 1e-280 ?
				    relerr(y[5 * i + j], w[j]) :
				    fabs(y[5 * i + j]));
			if (r > XTOL)
				printf("# KTR %g t %g: central %.17g (%.17g) "
				    "rel %.3g\n", ktr, t, y[5 * i + 4], wc, r);
			worst = fmax(worst, r);
		}
	}
	tap_ok(ok && worst <= XTOL, "transit chain, KTR/K 40 to 4e16 (exact): "
	    "relative error <= 1e-9");
	printf("# worst %.3g\n", worst);
}

/* Two compartments (a cycle: no triangular order) with fast exchange
 * Q/V up to 1e8: exact where the scaling allows it, CVODES beyond.
 * (Beyond about 1e12 the elimination K10 is lost to rounding in the
 * Jacobian entry -(K10 + K12) itself, and no solver can recover it.) */
static void
stiff_2cmt(const struct model *m)
{
	double y[NOBS * 2], y0[2] = { 100, 0 }, worst = 0, th[3];
	int e, i, ok = 1;

	for (e = -2; e <= 8; e += 2) {
		double k10 = 0.1, k12 = pow(10, e), k21 = 0.5 * k12;
		double s = k10 + k12 + k21, dd = sqrt(s * s - 4 * k10 * k21);
		double la = (s + dd) / 2, lb = 2 * k10 * k21 / (s + dd);

		th[0] = k10;
		th[1] = k12;
		th[2] = k21;
		if (solve(m, ODE_EXACT, th, (const double[]){ 0, 0 }, y0, tobs,
		    NOBS, 0, y) < 0) {
			ok = 0;
			continue;
		}
		for (i = 0; i < NOBS; i++) {
			double t = tobs[i];
			double c = 100 * ((la - k21) * exp(-la * t) +
			    (k21 - lb) * exp(-lb * t)) / (la - lb);

			worst = fmax(worst, relerr(y[2 * i], c));
			if (relerr(y[2 * i], c) > 1e-6)
				printf("# K12 %g t %g: %.17g (%.17g)\n", k12, t,
				    y[2 * i], c);
		}
	}
	tap_ok(ok && worst <= 1e-6, "2-cmt IV bolus, Q/V1 1e-2 to 1e8 "
	    "(exact, stiff steps by CVODES): relative error <= 1e-6");
	printf("# worst %.3g\n", worst);
}

/* A step of length near DBL_MAX: finite, everything eliminated. */
static void
huge_step(const struct model *m)
{
	double y[4], th[2] = { 1.2, 0.1 }, t[2] = { 1, 1.7e308 };

	if (solve(m, ODE_EXACT, th, (const double[]){ 0, 0 },
	    (const double[]){ 100, 0 }, t, 2, 0, y) < 0) {
		tap_ok(0, "step of 1.7e308 h: solved");
		return;
	}
	tap_ok(y[2] == 0 && y[3] == 0, "step of 1.7e308 h: everything "
	    "eliminated (depot 0, central 0)");
	tap_close(y[1], 100 * 1.2 * bateman(0.1, 1.2, 1), 1e-12,
	    "step of 1.7e308 h: the state before it is right");
}

static void
tolerances(void)
{
	static const struct { double r, a; int ok; } c[] = {
		{ 1e-10, 1e-12, 1 }, { ODE_RTOL_MIN, 1e-300, 1 },
		{ ODE_RTOL_MAX, ODE_ATOL_MAX, 1 }, { 10, 1e-12, 0 },
		{ 1e-15, 1e-12, 0 }, { 1e-6, 1e300, 0 }, { 1e-6, 0, 0 },
		{ NAN, 1e-6, 0 }, { 1e-6, -1, 0 },
	};
	struct twin_err err;
	char what[128];
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int rc = ode_check_tol(c[i].r, c[i].a, &err);

		snprintf(what, sizeof(what), "tolerances rtol %g atol %g are %s",
		    c[i].r, c[i].a, c[i].ok ? "accepted" : "refused");
		tap_ok((rc == 0) == c[i].ok, what);
		if (rc < 0)
			printf("# %s\n", err.msg);
	}
}

static void
stiff_checks(void)
{
	static const char *const c1[] = { "depot", "central" };
	static const char *const t1[] = { "KA", "K" };
	static const char *const o1[] = { "-KA*depot", "KA*depot - K*central" };
	static const char *const c0[] = { "central" };
	static const char *const t0[] = { "K" };
	static const char *const o0[] = { "-K*central" };
	static const char *const c5[] = { "gut", "t1", "t2", "t3", "central" };
	static const char *const t5[] = { "KTR", "KA", "K" };
	static const char *const o5[] = { "-KTR*gut", "KTR*gut - KTR*t1",
	    "KTR*t1 - KTR*t2", "KTR*t2 - KA*t3", "KA*t3 - K*central" };
	static const char *const c2[] = { "central", "periph" };
	static const char *const t2[] = { "K10", "K12", "K21" };
	static const char *const o2[] = { "-(K10 + K12)*central + K21*periph",
	    "K12*central - K21*periph" };
	struct model *m;

	if ((m = build_model(2, c1, o1, 2, t1, NULL, 1)) != NULL) {
		stiff_oral(m, ODE_EXACT, "exact", XTOL, 0);
		stiff_oral(m, ODE_BDF, "bdf", 1e-6, 1e-3);
		huge_step(m);
	}
	model_free(m);
	if ((m = build_model(1, c0, o0, 1, t0, NULL, 0)) != NULL)
		stiff_iv(m);
	model_free(m);
	if ((m = build_model(5, c5, o5, 3, t5, NULL, 4)) != NULL)
		stiff_transit(m);
	model_free(m);
	if ((m = build_model(2, c2, o2, 3, t2, NULL, 1)) != NULL)
		stiff_2cmt(m);
	model_free(m);
	tolerances();
}

int
main(void)
{
	static const enum ode_method meth[] = { ODE_EXACT, ODE_BDF };
	static const char *mname[] = { "exact", "bdf" };
	size_t i;
	int j;

	snprintf(dir, sizeof(dir), "/tmp/twin-test-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	R1 = resp1(5, 50);
	R2 = resp2(5, 50, 10, 100);
	R3 = resp3(5, 30, 8, 60, 2, 200);
	/* The geometric series must equal brute-force superposition. */
	tap_close(e_ss12(3), ss_oral(&R1, 100, 1.2, 12, 3), 1e-12,
	    "closed form: SS series equals superposition (1-cmt oral)");
	tap_close(e_ss24(5), ss_oral(&R3, 100, 1.2, 24, 5), 1e-12,
	    "closed form: SS at phase 5 (3-cmt oral) is self-consistent");
	tap_close(R3.A[0] + R3.A[1] + R3.A[2], 1.0 / 30, 1e-12,
	    "closed form: 3-cmt coefficients sum to 1/V1");
	stiff_checks();
	for (j = 0; j < 2; j++)
		for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
			run_check(&checks[i], meth[j], mname[j]);
	{
		char path[128];

		snprintf(path, sizeof(path), "%s/in.tsv", dir);
		unlink(path);
		rmdir(dir);
	}
	return tap_done();
}
