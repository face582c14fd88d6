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

#include "model.h"
#include "record.h"
#include "sim.h"
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
