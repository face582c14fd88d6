/*
 * test_sens.c - exact sensitivities (sens.h) against derivatives made
 * here independently of the solver:
 *   - the model's derivative programs (model_eval_pjac, model_eval_osens)
 *     against central differences of its rhs and outputs;
 *   - the 1-compartment oral closed form C = F D KA/(V(KA-K)) (e^-Kt -
 *     e^-KAt), K = CL/V, differentiated by hand, two doses by
 *     superposition, by etas and thetas (relative 1e-6);
 *   - the 2-compartment IV bolus biexponential (Gibaldi & Perrier),
 *     differentiated by the complex step of the closed form itself;
 *   - a nonlinear model (models/pkmm.yaml, with and without SS=1)
 *     against central differences of twin's own solution at tight
 *     tolerances (relative 1e-5);
 *   - the exact and the ODE path agree on a linear model;
 *   - what is not covered is an error of kind TWIN_EINPUT;
 *   - the steady-state Newton iteration on the ODE path takes one
 *     period-map integration per trial point.
 * Every integrator is checked (exact, CVODES BDF and Adams, Runge-Kutta,
 * the automatic choice).
 */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/model.h"
#include "data/record.h"
#include "solve/sens.h"
#include "solve/sim.h"
#include "tap.h"

#define MAXREC 64

static char dir[64];

/* One individual: model and records loaded, bound, a sim ready. */
struct run {
	struct model *m;
	struct rec_reader *r;
	struct rec_indiv ind;
	struct sim_cols cols;
	struct sim_indiv si;
	struct sim *s;
	int obs[MAXREC], nobs;
};

static void
run_free(struct run *u)
{
	sim_free(u->s);
	sim_indiv_free(&u->si);
	sim_cols_free(&u->cols);
	rec_indiv_free(&u->ind);
	if (u->r)
		rec_close(u->r);
	model_free(u->m);
	memset(u, 0, sizeof(*u));
}

static int
put(const char *name, const char *text, char *path, size_t n)
{
	FILE *fp;

	snprintf(path, n, "%s/%s", dir, name);
	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	fputs(text, fp);
	return fclose(fp);
}

/* model: a path, or YAML text (written to a file) when it has a newline */
static int
run_open(struct run *u, const char *model, const char *tsv,
    enum ode_method meth, double rtol, double atol)
{
	char mpath[128], tpath[128];
	struct twin_err err;
	struct sim_opts so = { meth, rtol, atol };
	int k;

	memset(u, 0, sizeof(*u));
	if (strchr(model, '\n')) {
		if (put("m.yaml", model, mpath, sizeof(mpath)) < 0)
			return -1;
		model = mpath;
	}
	if (put("in.tsv", tsv, tpath, sizeof(tpath)) < 0)
		return -1;
	if ((u->m = model_load(model, &err)) == NULL ||
	    (u->r = rec_open(tpath, &err)) == NULL ||
	    sim_cols_init(&u->cols, u->r, u->m, &err) < 0 ||
	    (u->s = sim_new(u->m, &so, &err)) == NULL ||
	    rec_next(u->r, &u->ind, &err) != 1 ||
	    sim_bind(&u->si, u->m, &u->cols, u->r, &u->ind, NULL, 0,
	    &err) < 0) {
		printf("# %s\n", err.msg);
		run_free(u);
		return -1;
	}
	for (k = 0; k < u->si.n && u->nobs < MAXREC; k++)
		if (u->si.rec[k].evid == 0)
			u->obs[u->nobs++] = k;
	return 0;
}

/* The dv at the observations for etas eta and thetas th (NULL: the
 * model's), by plain sim_run. */
static int
plain(struct run *u, const double *eta, const double *th, double *pred)
{
	struct twin_err err;
	double out[MAXREC * 16];
	int w = sim_width(u->m), bad, j;

	if (u->si.n * w > MAXREC * 16)
		return -1;
	memcpy(u->si.eta, eta, u->m->neta * sizeof(double));
	sim_set_theta(u->s, th);
	if (sim_run(u->s, &u->si, 0, out, &bad, &err) < 0) {
		printf("# %s\n", err.msg);
		return -1;
	}
	for (j = 0; j < u->nobs; j++)
		pred[j] = out[(size_t)u->obs[j] * w + u->m->dv];
	return 0;
}

static int
sens(struct run *u, const double *eta, const double *th, double *pred,
    double *de, double *dt)
{
	struct twin_err err;

	sim_set_theta(u->s, th);
	if (sens_predict(u->s, &u->si, eta, u->obs, u->nobs, pred, de, dt,
	    &err) < 0) {
		printf("# %s\n", err.msg);
		return -1;
	}
	return 0;
}

/* worst relative error of got against want (n values), scaled by the
 * largest |want| of the column over observations where want is tiny */
static double
worst(const double *got, const double *want, int n, int stride)
{
	double w = 0, big = 0;
	int i, c;

	for (c = 0; c < stride; c++) {
		big = 0;
		for (i = 0; i < n; i++)
			big = fmax(big, fabs(want[i * stride + c]));
		for (i = 0; i < n; i++) {
			double x = want[i * stride + c];
			double sc = fmax(fabs(x), 1e-3 * big);

			if (sc > 0)
				w = fmax(w, fabs(got[i * stride + c] - x) / sc);
		}
	}
	return w;
}

/* ---- the model's derivative programs ---------------------------------- */

static void
check_programs(const char *path)
{
	struct twin_err err;
	struct model *m = model_load(path, &err);
	double *v, *v2, *f1, *f2, *pj, *os, wp = 0, wo = 0;
	char what[256];
	int i, k, p;

	if (m == NULL) {
		printf("# %s\n", err.msg);
		tap_ok(0, path);
		return;
	}
	v = calloc(m->nslot, sizeof(double));
	v2 = calloc(m->nslot, sizeof(double));
	f1 = calloc(m->nstate + m->nout, sizeof(double));
	f2 = calloc(m->nstate + m->nout, sizeof(double));
	pj = calloc(m->npjac + 1, sizeof(double));
	os = calloc(m->nojac + m->nopjac + 1, sizeof(double));
	/* an arbitrary point: states, thetas, covariates, parameters */
	for (i = 1; i < m->out0; i++)
		v[i] = 0.7 + 0.37 * i;
	model_eval_pjac(m, v, pj);
	model_eval_osens(m, v, os);
	for (k = 0; k < m->npjac; k++) {
		int s = m->theta0 + m->pjac[k].col;
		double h = 1e-6 * v[s], d;

		memcpy(v2, v, m->nslot * sizeof(double));
		v2[s] = v[s] + h;
		model_eval_rhs(m, v2, f1);
		v2[s] = v[s] - h;
		model_eval_rhs(m, v2, f2);
		d = (f1[m->pjac[k].row] - f2[m->pjac[k].row]) / (2 * h);
		wp = fmax(wp, fabs(pj[k] - d) / fmax(fabs(d), 1e-12));
	}
	/* every parameter slot not listed must not change the rhs */
	for (p = 0; p < m->npar; p++) {
		int s = m->theta0 + p, listed = 0;

		for (k = 0; k < m->npjac; k++)
			listed |= m->pjac[k].col == p;
		if (listed)
			continue;
		memcpy(v2, v, m->nslot * sizeof(double));
		model_eval_rhs(m, v2, f1);
		v2[s] += 0.5;
		model_eval_rhs(m, v2, f2);
		for (i = 0; i < m->nstate; i++)
			if (f1[i] != f2[i])
				wp = INFINITY;
	}
	for (k = 0; k < m->nojac + m->nopjac; k++) {
		int oj = k < m->nojac;
		int row = oj ? m->ojac[k].row : m->opjac[k - m->nojac].row;
		int s = oj ? m->state0 + m->ojac[k].col :
		    m->theta0 + m->opjac[k - m->nojac].col;
		double h = 1e-6 * v[s], d;

		memcpy(v2, v, m->nslot * sizeof(double));
		v2[s] = v[s] + h;
		model_eval_outputs(m, v2);
		d = v2[m->out0 + row];
		memcpy(v2, v, m->nslot * sizeof(double));
		v2[s] = v[s] - h;
		model_eval_outputs(m, v2);
		d = (d - v2[m->out0 + row]) / (2 * h);
		wo = fmax(wo, fabs(os[k] - d) / fmax(fabs(d), 1e-12));
	}
	snprintf(what, sizeof(what), "%s: d rhs/d p (%d nonzero) against "
	    "central differences", path, m->npjac);
	tap_ok(m->npjac > 0 && wp < 1e-7, what);
	printf("# worst relative difference %.3g\n", wp);
	snprintf(what, sizeof(what), "%s: d out/d (state, p) (%d + %d "
	    "nonzero) against central differences", path, m->nojac,
	    m->nopjac);
	tap_ok(m->nojac > 0 && wo < 1e-7, what);
	printf("# worst relative difference %.3g\n", wo);
	free(v);
	free(v2);
	free(f1);
	free(f2);
	free(pj);
	free(os);
	model_free(m);
}

/* ---- 1 compartment, oral, with bioavailability ------------------------ */

static const char oral1[] =
    "name: oral1\n"
    "compartments: [depot, central]\n"
    "theta: {TVCL: 5, TVV: 50, TVKA: 1.2, TVF: 0.8}\n"
    "omega: {CL: 0.09, V: 0.04, KA: 0.25}\n"
    "individual:\n"
    "  CL: TVCL * exp(ETA_CL)\n"
    "  V: TVV * exp(ETA_V)\n"
    "  KA: TVKA * exp(ETA_KA)\n"
    "  F1: TVF\n"
    "bioavailability: {depot: F1}\n"
    "ode:\n"
    "  depot: -KA*depot\n"
    "  central: KA*depot - CL/V*central\n"
    "output: {CP: central/V}\n";

/* C and dC/d(CL, V, KA, F) of one dose d at time 0, at t > 0. */
static void
oral1_closed(double d, double cl, double v, double ka, double f, double t,
    double *c, double *g)
{
	double k = cl / v, e1 = exp(-k * t), e2 = exp(-ka * t);
	double a = f * d * ka / (v * (ka - k)), gg = e1 - e2;
	double dk = a / (ka - k) * gg - a * t * e1;

	*c = a * gg;
	g[0] = dk / v;
	g[1] = -*c / v - dk * cl / (v * v);
	g[2] = a * gg * (1 / ka - 1 / (ka - k)) + a * t * e2;
	g[3] = *c / f;
}

static void
check_oral1(enum ode_method meth, const char *mname)
{
	static const char tsv[] =
	    "ID\tTIME\tEVID\tAMT\tCMT\n"
	    "1\t0\t1\t100\tdepot\n"
	    "1\t0.5\t0\t0\t.\n1\t1\t0\t0\t.\n1\t2\t0\t0\t.\n1\t4\t0\t0\t.\n"
	    "1\t8\t0\t0\t.\n1\t12\t0\t0\t.\n"
	    "1\t12\t1\t100\tdepot\n"
	    "1\t13\t0\t0\t.\n1\t16\t0\t0\t.\n1\t24\t0\t0\t.\n";
	const double eta[3] = { 0.1, -0.2, 0.3 };
	const double th[4] = { 5, 50, 1.2, 0.8 };
	double pred[MAXREC], de[MAXREC * 3], dt[MAXREC * 4];
	double wp[MAXREC], wde[MAXREC * 3], wdt[MAXREC * 4];
	double cl = th[0] * exp(eta[0]), v = th[1] * exp(eta[1]);
	double ka = th[2] * exp(eta[2]), f = th[3];
	char what[256];
	struct run u;
	int j, i;

	if (run_open(&u, oral1, tsv, meth, 1e-10, 1e-12) < 0) {
		tap_ok(0, "oral1 model and records");
		return;
	}
	for (j = 0; j < u.nobs; j++) {
		double t = u.si.rec[u.obs[j]].time, c, g[4];

		wp[j] = 0;
		for (i = 0; i < 3; i++)
			wde[j * 3 + i] = 0;
		for (i = 0; i < 4; i++)
			wdt[j * 4 + i] = 0;
		for (i = 0; i < 2; i++) {
			double td = t - 12 * i;

			if (td <= 0)
				continue;
			oral1_closed(100, cl, v, ka, f, td, &c, g);
			wp[j] += c;
			/* CL = TVCL exp(ETA_CL): d/dETA = CL d/dCL,
			 * d/dTVCL = exp(ETA_CL) d/dCL */
			wde[j * 3 + 0] += g[0] * cl;
			wde[j * 3 + 1] += g[1] * v;
			wde[j * 3 + 2] += g[2] * ka;
			wdt[j * 4 + 0] += g[0] * exp(eta[0]);
			wdt[j * 4 + 1] += g[1] * exp(eta[1]);
			wdt[j * 4 + 2] += g[2] * exp(eta[2]);
			wdt[j * 4 + 3] += g[3];
		}
	}
	if (sens(&u, eta, th, pred, de, dt) < 0) {
		tap_ok(0, "oral1 sensitivities");
		run_free(&u);
		return;
	}
	snprintf(what, sizeof(what), "1-cmt oral, 2 doses (%s): predictions "
	    "against the closed form", mname);
	tap_ok(worst(pred, wp, u.nobs, 1) < 1e-6, what);
	printf("# worst %.3g\n", worst(pred, wp, u.nobs, 1));
	snprintf(what, sizeof(what), "1-cmt oral, 2 doses (%s): d/d(ETA_CL, "
	    "ETA_V, ETA_KA) against the closed form", mname);
	tap_ok(worst(de, wde, u.nobs, 3) < 1e-6, what);
	printf("# worst %.3g\n", worst(de, wde, u.nobs, 3));
	snprintf(what, sizeof(what), "1-cmt oral, 2 doses (%s): d/d(TVCL, "
	    "TVV, TVKA, TVF) against the closed form", mname);
	tap_ok(worst(dt, wdt, u.nobs, 4) < 1e-6, what);
	printf("# worst %.3g\n", worst(dt, wdt, u.nobs, 4));
	run_free(&u);
}

/* ---- 2 compartments, IV bolus ----------------------------------------- */

static const char iv2[] =
    "name: iv2\n"
    "compartments: [central, periph]\n"
    "theta: {TVCL: 5, TVV1: 50, TVQ: 10, TVV2: 100}\n"
    "omega: {CL: 0.09, V1: 0.09, Q: 0.1, V2: 0.1}\n"
    "individual:\n"
    "  CL: TVCL * exp(ETA_CL)\n"
    "  V1: TVV1 * exp(ETA_V1)\n"
    "  Q: TVQ * exp(ETA_Q)\n"
    "  V2: TVV2 * exp(ETA_V2)\n"
    "ode:\n"
    "  central: -(CL + Q)/V1*central + Q/V2*periph\n"
    "  periph: Q/V1*central - Q/V2*periph\n"
    "output: {CP: central/V1}\n";

/* The biexponential of a bolus d (Gibaldi & Perrier), complex inputs. */
static double complex
iv2_closed(double d, double complex cl, double complex v1,
    double complex q, double complex v2, double t)
{
	double complex k10 = cl / v1, k12 = q / v1, k21 = q / v2;
	double complex s = k10 + k12 + k21;
	double complex r = csqrt(s * s - 4 * k10 * k21);
	double complex a = (s + r) / 2, b = (s - r) / 2;

	return d / v1 * ((a - k21) / (a - b) * cexp(-a * t) +
	    (k21 - b) / (a - b) * cexp(-b * t));
}

static void
check_iv2(enum ode_method meth, const char *mname)
{
	static const char tsv[] =
	    "ID\tTIME\tEVID\tAMT\tCMT\n"
	    "1\t0\t1\t100\tcentral\n"
	    "1\t0.25\t0\t0\t.\n1\t1\t0\t0\t.\n1\t3\t0\t0\t.\n1\t6\t0\t0\t.\n"
	    "1\t6\t1\t50\tcentral\n"
	    "1\t9\t0\t0\t.\n1\t12\t0\t0\t.\n1\t24\t0\t0\t.\n1\t48\t0\t0\t.\n";
	const double eta[4] = { 0.2, -0.1, 0.15, -0.25 };
	const double th[4] = { 5, 50, 10, 100 };
	double pred[MAXREC], de[MAXREC * 4], dt[MAXREC * 4];
	double wp[MAXREC], wde[MAXREC * 4], wdt[MAXREC * 4], p[4];
	char what[256];
	struct run u;
	int j, i, l;

	for (i = 0; i < 4; i++)
		p[i] = th[i] * exp(eta[i]);
	if (run_open(&u, iv2, tsv, meth, 1e-10, 1e-12) < 0) {
		tap_ok(0, "iv2 model and records");
		return;
	}
	for (j = 0; j < u.nobs; j++) {
		double t = u.si.rec[u.obs[j]].time;

		wp[j] = 0;
		for (i = 0; i < 4; i++)
			wde[j * 4 + i] = wdt[j * 4 + i] = 0;
		for (l = 0; l < 2; l++) {
			double td = t - 6 * l, dose = l ? 50 : 100;

			if (td <= 0)
				continue;
			wp[j] += creal(iv2_closed(dose, p[0], p[1], p[2], p[3],
			    td));
			/* complex step: d f/d p_i = Im f(p + i h e_i) / h */
			for (i = 0; i < 4; i++) {
				double complex z[4];
				double h = 1e-30 * p[i], g;
				int c;

				for (c = 0; c < 4; c++)
					z[c] = p[c];
				z[i] += I * h;
				g = cimag(iv2_closed(dose, z[0], z[1], z[2],
				    z[3], td)) / h;
				wde[j * 4 + i] += g * p[i];
				wdt[j * 4 + i] += g * exp(eta[i]);
			}
		}
	}
	if (sens(&u, eta, th, pred, de, dt) < 0) {
		tap_ok(0, "iv2 sensitivities");
		run_free(&u);
		return;
	}
	snprintf(what, sizeof(what), "2-cmt IV bolus, 2 doses (%s): "
	    "predictions against the biexponential", mname);
	tap_ok(worst(pred, wp, u.nobs, 1) < 1e-6, what);
	printf("# worst %.3g\n", worst(pred, wp, u.nobs, 1));
	snprintf(what, sizeof(what), "2-cmt IV bolus, 2 doses (%s): d/d "
	    "etas against the complex step of the biexponential", mname);
	tap_ok(worst(de, wde, u.nobs, 4) < 1e-6, what);
	printf("# worst %.3g\n", worst(de, wde, u.nobs, 4));
	snprintf(what, sizeof(what), "2-cmt IV bolus, 2 doses (%s): d/d "
	    "thetas against the complex step of the biexponential", mname);
	tap_ok(worst(dt, wdt, u.nobs, 4) < 1e-6, what);
	printf("# worst %.3g\n", worst(dt, wdt, u.nobs, 4));
	run_free(&u);
}

/* ---- moving discontinuities: lag times, infusion durations ------------- */

/*
 * Models whose individual parameters are all p_i = TH_i exp(ETA_i), in
 * the order of their thetas and etas, so that dC/dETA_i = p_i dC/dp_i
 * and dC/dTH_i = exp(ETA_i) dC/dp_i.  The closed forms take complex
 * parameters (the complex step; branches follow the real parts).
 */
typedef double complex (*closed_fn)(const double complex *p, double t);

/* 1 compartment, oral, lag: p = CL V KA F LAG; 100 at 0 and at 12 */
static double complex
oral_lag(const double complex *p, double t)
{
	double complex k = p[0] / p[1], c = 0;
	int l;

	for (l = 0; l < 2; l++) {
		double complex td = t - 12 * l - p[4];

		if (creal(td) > 0)
			c += p[3] * 100 * p[2] / (p[1] * (p[2] - k)) *
			    (cexp(-k * td) - cexp(-p[2] * td));
	}
	return c;
}

static const char oral_lag_model[] =
    "name: orallag\n"
    "compartments: [depot, central]\n"
    "theta: {TVCL: 5, TVV: 50, TVKA: 1.2, TVF: 0.8, TVLAG: 0.6}\n"
    "omega: {CL: 0.09, V: 0.04, KA: 0.25, F: 0.01, LAG: 0.1}\n"
    "individual:\n"
    "  CL: TVCL * exp(ETA_CL)\n"
    "  V: TVV * exp(ETA_V)\n"
    "  KA: TVKA * exp(ETA_KA)\n"
    "  F1: TVF * exp(ETA_F)\n"
    "  LAG: TVLAG * exp(ETA_LAG)\n"
    "bioavailability: {depot: F1}\n"
    "lag: {depot: LAG}\n"
    "ode:\n"
    "  depot: -KA*depot\n"
    "  central: KA*depot - CL/V*central\n"
    "output: {CP: central/V}\n";

static const char oral_lag_tsv[] =
    "ID\tTIME\tEVID\tAMT\tCMT\n"
    "1\t0\t1\t100\tdepot\n"
    "1\t0.5\t0\t0\t.\n1\t1\t0\t0\t.\n1\t3\t0\t0\t.\n"
    "1\t12\t1\t100\tdepot\n"
    "1\t12.4\t0\t0\t.\n1\t13\t0\t0\t.\n1\t20\t0\t0\t.\n";

/* 1 compartment, infusion of C1 AMT at RATE (duration F AMT / RATE)
 * after a lag, then one of RATE = -2 with a modelled duration D:
 * p = CL V F LAG D */
static double complex
inf_piece(double complex k, double complex cl, double complex r,
    double complex ts, double complex dur, double t)
{
	double complex u = t - ts;

	if (creal(u) <= 0)
		return 0;
	if (creal(u) <= creal(dur))
		return r / cl * (1 - cexp(-k * u));
	return r / cl * (1 - cexp(-k * dur)) * cexp(-k * (u - dur));
}

static double complex
inf_lag(const double complex *p, double t)
{
	double complex k = p[0] / p[1];

	/* 100 at RATE 50 at time 0; 60 over D (RATE = -2) at time 10 */
	return inf_piece(k, p[0], 50, p[3], p[2] * 100 / 50, t) +
	    inf_piece(k, p[0], p[2] * 60 / p[4], 10 + p[3], p[4], t);
}

static const char inf_lag_model[] =
    "name: inflag\n"
    "compartments: [central]\n"
    "theta: {TVCL: 5, TVV: 50, TVF: 0.8, TVLAG: 0.3, TVD: 2}\n"
    "omega: {CL: 0.09, V: 0.04, F: 0.01, LAG: 0.1, D: 0.1}\n"
    "individual:\n"
    "  CL: TVCL * exp(ETA_CL)\n"
    "  V: TVV * exp(ETA_V)\n"
    "  F1: TVF * exp(ETA_F)\n"
    "  LAG: TVLAG * exp(ETA_LAG)\n"
    "  D: TVD * exp(ETA_D)\n"
    "bioavailability: {central: F1}\n"
    "lag: {central: LAG}\n"
    "duration: {central: D}\n"
    "ode:\n"
    "  central: -CL/V*central\n"
    "output: {CP: central/V}\n";

static const char inf_lag_tsv[] =
    "ID\tTIME\tEVID\tAMT\tRATE\tCMT\n"
    "1\t0\t1\t100\t50\tcentral\n"
    "1\t0.5\t0\t0\t0\t.\n1\t1.5\t0\t0\t0\t.\n1\t4\t0\t0\t0\t.\n"
    "1\t10\t1\t60\t-2\tcentral\n"
    "1\t10.5\t0\t0\t0\t.\n1\t12\t0\t0\t0\t.\n"
    "1\t13\t0\t0\t0\t.\n1\t20\t0\t0\t0\t.\n";

static void
check_moving(const char *label, const char *model, const char *tsv,
    closed_fn fn, enum ode_method meth)
{
	const double eta[5] = { 0.1, -0.2, 0.1, 0.2, -0.1 };
	double pred[MAXREC], de[MAXREC * 5], dt[MAXREC * 5];
	double wp[MAXREC], wde[MAXREC * 5], wdt[MAXREC * 5];
	char what[256];
	struct run u;
	int j, i, c, np;

	if (run_open(&u, model, tsv, meth, 1e-10, 1e-12) < 0 ||
	    (np = u.m->neta) != 5 || u.m->ntheta != 5) {
		tap_ok(0, label);
		return;
	}
	for (j = 0; j < u.nobs; j++) {
		double t = u.si.rec[u.obs[j]].time;
		double complex p[5];

		for (c = 0; c < np; c++)
			p[c] = u.m->theta[c] * exp(eta[c]);
		wp[j] = creal(fn(p, t));
		for (i = 0; i < np; i++) {
			double h = 1e-30 * creal(p[i]), g;

			p[i] += I * h;
			g = cimag(fn(p, t)) / h;
			p[i] = creal(p[i]);
			wde[j * np + i] = g * creal(p[i]);
			wdt[j * np + i] = g * exp(eta[i]);
		}
	}
	if (sens(&u, eta, NULL, pred, de, dt) < 0) {
		tap_ok(0, label);
		run_free(&u);
		return;
	}
	snprintf(what, sizeof(what), "%s: predictions against the closed "
	    "form", label);
	tap_ok(worst(pred, wp, u.nobs, 1) < 1e-6, what);
	printf("# worst %.3g\n", worst(pred, wp, u.nobs, 1));
	snprintf(what, sizeof(what), "%s: d/d etas against the complex step "
	    "of the closed form", label);
	tap_ok(worst(de, wde, u.nobs, np) < 1e-6, what);
	printf("# worst %.3g\n", worst(de, wde, u.nobs, np));
	snprintf(what, sizeof(what), "%s: d/d thetas against the complex "
	    "step of the closed form", label);
	tap_ok(worst(dt, wdt, u.nobs, np) < 1e-6, what);
	printf("# worst %.3g\n", worst(dt, wdt, u.nobs, np));
	run_free(&u);
}

/* ---- against central differences of twin's own solution -------------- */

static void
check_fd(const char *label, const char *model, const char *tsv,
    enum ode_method meth, const double *eta, double tol)
{
	double pred[MAXREC], de[MAXREC * 8], dt[MAXREC * 16];
	double fde[MAXREC * 8], fdt[MAXREC * 16], pp[MAXREC], pm[MAXREC];
	double e2[8], th[16];
	char what[256];
	struct run u, f;
	int j, i, ne, nt;

	if (run_open(&u, model, tsv, meth, 1e-10, 1e-12) < 0 ||
	    run_open(&f, model, tsv, meth, 1e-13, 1e-15) < 0) {
		tap_ok(0, label);
		return;
	}
	ne = u.m->neta;
	nt = u.m->ntheta;
	if (ne > 8 || nt > 16 || sens(&u, eta, NULL, pred, de, dt) < 0) {
		tap_ok(0, label);
		goto out;
	}
	for (i = 0; i < ne; i++) {
		double h = 1e-4;

		memcpy(e2, eta, ne * sizeof(double));
		e2[i] = eta[i] + h;
		if (plain(&f, e2, NULL, pp) < 0)
			goto fail;
		e2[i] = eta[i] - h;
		if (plain(&f, e2, NULL, pm) < 0)
			goto fail;
		for (j = 0; j < u.nobs; j++)
			fde[j * ne + i] = (pp[j] - pm[j]) / (2 * h);
	}
	for (i = 0; i < nt; i++) {
		double h = 1e-4 * u.m->theta[i];

		memcpy(th, u.m->theta, nt * sizeof(double));
		th[i] = u.m->theta[i] + h;
		if (plain(&f, eta, th, pp) < 0)
			goto fail;
		th[i] = u.m->theta[i] - h;
		if (plain(&f, eta, th, pm) < 0)
			goto fail;
		for (j = 0; j < u.nobs; j++)
			fdt[j * nt + i] = (pp[j] - pm[j]) / (2 * h);
	}
	sim_set_theta(f.s, NULL);
	snprintf(what, sizeof(what), "%s: d/d etas against central "
	    "differences of twin-sim's solution", label);
	tap_ok(worst(de, fde, u.nobs, ne) < tol, what);
	printf("# worst %.3g over %d observations\n", worst(de, fde, u.nobs,
	    ne), u.nobs);
	snprintf(what, sizeof(what), "%s: d/d thetas against central "
	    "differences of twin-sim's solution", label);
	tap_ok(worst(dt, fdt, u.nobs, nt) < tol, what);
	printf("# worst %.3g\n", worst(dt, fdt, u.nobs, nt));
	goto out;
fail:
	tap_ok(0, label);
out:
	run_free(&u);
	run_free(&f);
}

static const char pkmm_multi[] =
    "ID\tTIME\tEVID\tAMT\tCMT\tII\tADDL\n"
    "1\t0\t1\t400\tdepot\t12\t3\n"
    "1\t1\t0\t0\t.\t0\t0\n1\t3\t0\t0\t.\t0\t0\n1\t8\t0\t0\t.\t0\t0\n"
    "1\t14\t0\t0\t.\t0\t0\n1\t30\t0\t0\t.\t0\t0\n1\t47\t0\t0\t.\t0\t0\n"
    "1\t60\t0\t0\t.\t0\t0\n1\t96\t0\t0\t.\t0\t0\n";

/* The same step length before and after WT changes (LOCF) at 12 h, and
 * doses of equal spacing: the exact path keeps exponentials by step
 * length only while the system is unchanged (ode.c, BCACHE). */
static const char wt_change[] =
    "ID\tTIME\tEVID\tAMT\tCMT\tWT\n"
    "1\t0\t1\t100\tdepot\t70\n1\t6\t0\t.\t.\t70\n"
    "1\t12\t1\t100\tdepot\t95\n1\t18\t0\t.\t.\t95\n"
    "1\t24\t1\t100\tdepot\t95\n1\t30\t0\t.\t.\t95\n"
    "1\t36\t0\t.\t.\t95\n";

static const char pkmm_ss[] =
    "ID\tTIME\tEVID\tAMT\tCMT\tII\tSS\n"
    "1\t0\t1\t200\tdepot\t12\t1\n"
    "1\t0\t0\t0\t.\t0\t0\n1\t2\t0\t0\t.\t0\t0\n1\t6\t0\t0\t.\t0\t0\n"
    "1\t11\t0\t0\t.\t0\t0\n";

static const char pkmm_ss2[] =
    "ID\tTIME\tEVID\tAMT\tCMT\tII\tSS\n"
    "1\t0\t1\t100\tdepot\t0\t0\n"
    "1\t3\t0\t0\t.\t0\t0\n"
    "1\t6\t1\t200\tdepot\t12\t2\n"
    "1\t8\t0\t0\t.\t0\t0\n1\t15\t0\t0\t.\t0\t0\n";

static const char bergman_tsv[] =
    "ID\tTIME\tEVID\tAMT\tCMT\tINS\n"
    "1\t0\t1\t300\tG\t10\n"
    "1\t2\t0\t0\t.\t80\n1\t8\t0\t0\t.\t60\n1\t20\t0\t0\t.\t30\n"
    "1\t40\t0\t0\t.\t15\n1\t90\t0\t0\t.\t10\n";

static const char lag_ss_tsv[] =
    "ID\tTIME\tEVID\tAMT\tCMT\tII\tSS\n"
    "1\t0\t1\t100\tdepot\t12\t1\n"
    "1\t0.3\t0\t0\t.\t0\t0\n1\t1\t0\t0\t.\t0\t0\n"
    "1\t5\t0\t0\t.\t0\t0\n1\t11.9\t0\t0\t.\t0\t0\n";

/* SS infusions: 100 at RATE 50 (duration 1.6 h through F) every 6 h,
 * then 60 over the modelled D (RATE = -2) every 1.5 h (they overlap) */
static const char inf_ss_tsv[] =
    "ID\tTIME\tEVID\tAMT\tRATE\tCMT\tII\tSS\n"
    "1\t0\t1\t100\t50\tcentral\t6\t1\n"
    "1\t0.2\t0\t0\t0\t.\t0\t0\n1\t1\t0\t0\t0\t.\t0\t0\n"
    "1\t4\t0\t0\t0\t.\t0\t0\n"
    "1\t10\t1\t60\t-2\tcentral\t1.5\t1\n"
    "1\t10.2\t0\t0\t0\t.\t0\t0\n1\t11\t0\t0\t0\t.\t0\t0\n"
    "1\t20\t0\t0\t0\t.\t0\t0\n";

static const char pkmm_ssinf[] =
    "ID\tTIME\tEVID\tAMT\tRATE\tCMT\tII\tSS\n"
    "1\t0\t1\t0\t10\tcentral\t0\t1\n"
    "1\t2\t0\t0\t0\t.\t0\t0\n1\t6\t0\t0\t0\t.\t0\t0\n";

/* ---- exact path and ODE path ------------------------------------------ */

static void
check_agree(const char *label, const char *model, const char *tsv,
    const double *eta)
{
	double pe[MAXREC], de[MAXREC * 8], te[MAXREC * 16];
	double pb[MAXREC], db[MAXREC * 8], tb[MAXREC * 16];
	char what[256];
	struct run x, b;
	double w;

	if (run_open(&x, model, tsv, ODE_EXACT, 1e-10, 1e-12) < 0 ||
	    run_open(&b, model, tsv, ODE_BDF, 1e-10, 1e-12) < 0 ||
	    x.m->neta > 8 || x.m->ntheta > 16 ||
	    sens(&x, eta, NULL, pe, de, te) < 0 ||
	    sens(&b, eta, NULL, pb, db, tb) < 0) {
		tap_ok(0, label);
		return;
	}
	w = fmax(worst(db, de, x.nobs, x.m->neta),
	    worst(tb, te, x.nobs, x.m->ntheta));
	snprintf(what, sizeof(what), "%s: exact and bdf sensitivities agree "
	    "(relative 1e-6)", label);
	tap_ok(w < 1e-6, what);
	printf("# worst %.3g\n", w);
	run_free(&x);
	run_free(&b);
}

/* ---- what is not covered ---------------------------------------------- */

static void
check_uncovered(void)
{
	static const char tsv[] =
	    "ID\tTIME\tEVID\tAMT\tCMT\tII\tSS\tINS\n"
	    "1\t0\t1\t100\tG\t60\t1\t10\n"
	    "1\t20\t0\t0\t.\t0\t0\t30\n";
	const double eta[2] = { 0, 0 };
	double pred[4], de[8];
	struct twin_err err;
	struct run u;
	int rc;

	if (run_open(&u, "../../models/bergman.yaml", tsv, ODE_AUTO, 1e-10,
	    1e-12) < 0) {
		tap_ok(0, "bergman SS records");
		return;
	}
	rc = sens_predict(u.s, &u.si, eta, u.obs, u.nobs, pred, de, NULL,
	    &err);
	tap_ok(rc < 0 && err.kind == TWIN_EINPUT,
	    "steady state of a model with an interpolated covariate: error "
	    "of kind TWIN_EINPUT, no number");
	printf("# %s\n", rc < 0 ? err.msg : "(no error)");
	run_free(&u);
}

/* ---- the steady-state Newton iteration -------------------------------- */

static void
check_ss_count(void)
{
	const double eta[2] = { 0.1, -0.1 };
	double pred[MAXREC];
	struct run u;
	long n;

	if (run_open(&u, "../../models/pkmm.yaml", pkmm_ss, ODE_BDF, 1e-10,
	    1e-12) < 0 || plain(&u, eta, NULL, pred) < 0) {
		tap_ok(0, "pkmm SS=1 run");
		run_free(&u);
		return;
	}
	n = sim_period_maps(u.s);
	/* finite differences took 1 + (n + trials) maps per iteration, n = 2
	 * states: 19 here (6 iterations); the state transition matrix one
	 * map for the Jacobian and one per trial point: 13 */
	tap_ok(n > 0 && n <= 13, "pkmm SS=1: the Newton iteration takes "
	    "its Jacobian from one integration (state transition matrix)");
	printf("# %ld period-map integrations\n", n);
	run_free(&u);
}

int
main(void)
{
	/* the first neta of them are used: up to 8 random effects */
	const double eta0[8] = { 0.1, -0.2, 0.15, -0.05, 0.1, 0, 0, 0 };

	snprintf(dir, sizeof(dir), "/tmp/twin-sens-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	check_programs("../../models/pk2cmt.yaml");
	check_programs("../../models/pkmm.yaml");
	check_programs("../../models/bergman.yaml");
	check_oral1(ODE_EXACT, "exact");
	check_oral1(ODE_BDF, "bdf");
	check_iv2(ODE_EXACT, "exact");
	check_iv2(ODE_BDF, "bdf");
	check_iv2(ODE_ADAMS, "adams");
	check_iv2(ODE_RK, "rk");
	check_oral1(ODE_RK, "rk");
	check_fd("pkmm, 4 doses (bdf)", "../../models/pkmm.yaml", pkmm_multi,
	    ODE_BDF, eta0, 1e-5);
	check_fd("pkmm, 4 doses (rk)", "../../models/pkmm.yaml", pkmm_multi,
	    ODE_RK, eta0, 1e-5);
	check_fd("pkmm, 4 doses (auto)", "../../models/pkmm.yaml",
	    pkmm_multi, ODE_AUTO, eta0, 1e-5);
	check_fd("pkmm, SS=1 (auto)", "../../models/pkmm.yaml", pkmm_ss,
	    ODE_AUTO, eta0, 1e-5);
	check_fd("pkmm, SS=1 (bdf)", "../../models/pkmm.yaml", pkmm_ss,
	    ODE_BDF, eta0, 1e-5);
	check_fd("pkmm, SS=2 after a dose (auto)", "../../models/pkmm.yaml",
	    pkmm_ss2, ODE_AUTO, eta0, 1e-5);
	check_fd("pk2cmt, SS=2 after a dose (exact)",
	    "../../models/pk2cmt.yaml", pkmm_ss2, ODE_EXACT, eta0, 1e-5);
	check_fd("bergman: interpolated insulin, initial state from a theta "
	    "(auto)", "../../models/bergman.yaml", bergman_tsv, ODE_AUTO, eta0,
	    1e-5);
	check_fd("pkmm, SS constant infusion (bdf)", "../../models/pkmm.yaml",
	    pkmm_ssinf, ODE_BDF, eta0, 1e-5);
	check_fd("pk2cmt, SS=1 oral (exact)", "../../models/pk2cmt.yaml",
	    pkmm_ss, ODE_EXACT, eta0, 1e-5);
	check_fd("pk2cmt, SS=1 oral (bdf)", "../../models/pk2cmt.yaml",
	    pkmm_ss, ODE_BDF, eta0, 1e-5);
	check_agree("pk2cmt, 4 oral doses", "../../models/pk2cmt.yaml",
	    pkmm_multi, eta0);
	check_agree("pk1cmt, SS=1 oral", "../../models/pk1cmt.yaml",
	    pkmm_ss, eta0);
	check_agree("pk1cmt, WT changing between steps of one length",
	    "../../models/pk1cmt.yaml", wt_change, eta0);
	check_moving("1-cmt oral, lag, 2 doses (exact)", oral_lag_model,
	    oral_lag_tsv, oral_lag, ODE_EXACT);
	check_moving("1-cmt oral, lag, 2 doses (rk)", oral_lag_model,
	    oral_lag_tsv, oral_lag, ODE_RK);
	check_moving("1-cmt infusions, lag, F, modelled duration (exact)",
	    inf_lag_model, inf_lag_tsv, inf_lag, ODE_EXACT);
	check_moving("1-cmt infusions, lag, F, modelled duration (bdf)",
	    inf_lag_model, inf_lag_tsv, inf_lag, ODE_BDF);
	check_fd("1-cmt oral, lag, SS=1 (exact)", oral_lag_model, lag_ss_tsv,
	    ODE_EXACT, eta0, 1e-5);
	check_fd("1-cmt oral, lag, SS=1 (rk)", oral_lag_model, lag_ss_tsv,
	    ODE_RK, eta0, 1e-5);
	check_fd("1-cmt SS infusions, lag, F, modelled duration (exact)",
	    inf_lag_model, inf_ss_tsv, ODE_EXACT, eta0, 1e-5);
	check_fd("1-cmt SS infusions, lag, F, modelled duration (bdf)",
	    inf_lag_model, inf_ss_tsv, ODE_BDF, eta0, 1e-5);
	check_uncovered();
	check_ss_count();
	{
		char path[128];

		snprintf(path, sizeof(path), "%s/in.tsv", dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/m.yaml", dir);
		unlink(path);
		rmdir(dir);
	}
	return tap_done();
}
