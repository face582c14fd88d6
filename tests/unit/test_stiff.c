/*
 * test_stiff - the stiffness bound and the integrator rule (lib/solve/stiff.c),
 * and every integrator of lib/solve/ode.c against closed forms and published
 * reference values: Michaelis-Menten elimination (Lambert W), a stiffness
 * that appears within a piece (the exact solution cos t), Robertson's
 * chemical kinetics (Hairer and Wanner's reference at t = 40), and a
 * 20-compartment chain on the sparse (KLU) path (the Poisson closed form).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_lambert.h>

#include "model/model.h"
#include "solve/ode.h"
#include "solve/stiff.h"
#include "build.h"
#include "tap.h"

/* Room for the slots of the models built here (checked). */
#define VCAP 512

/* Integrate m from y0 at 0 through the times t[0..nt-1] in one piece
 * ending at tend; states into y[nt][n].  Returns the solver (to ask
 * which integrators ran) or NULL. */
static struct ode *
run(const struct model *m, enum ode_method meth, double rtol, double atol,
    const double *y0, const double *t, int nt, double tend, double *y,
    double *v, double *rate)
{
	struct twin_err err;
	static struct ode_sys sys;
	struct ode *o;
	int i;

	if (m->nslot > VCAP) {
		printf("# %d slots, more than %d\n", m->nslot, VCAP);
		return NULL;
	}
	memset(v, 0, m->nslot * sizeof(double));
	memcpy(v + m->theta0, m->theta, m->ntheta * sizeof(double));
	memset(rate, 0, m->nstate * sizeof(double));
	memset(&sys, 0, sizeof(sys));
	sys.m = m;
	sys.v = v;
	sys.rate = rate;
	if ((o = ode_new(m, meth, rtol, atol, &err)) == NULL ||
	    ode_restart(o, &sys, 0, y0, tend, &err) < 0)
		goto fail;
	for (i = 0; i < nt; i++)
		if (ode_advance(o, t[i], y + i * m->nstate, &err) < 0)
			goto fail;
	return o;
fail:
	printf("# %s\n", err.msg);
	ode_free(o);
	return NULL;
}

static void
test_rule(void)
{
	static const char *const cmt[] = { "depot", "central", "periph" };
	static const char *const ode[] = { "-KA*depot",
		"KA*depot - (CL/V)*central - (Q/V)*central + (Q/V2)*periph",
		"(Q/V)*central - (Q/V2)*periph" };
	static const char *const th[] = { "KA", "CL", "V", "Q", "V2" };
	static const double val[] = { 1.5, 5, 50, 10, 100 };
	struct model *m = build_model(3, cmt, ode, 5, th, val, 0);
	double v[VCAP], jval[16], rs[3];

	if (m == NULL) {
		tap_ok(0, "2-cmt model builds");
		return;
	}
	memset(v, 0, sizeof(v));
	memcpy(v + m->theta0, m->theta, m->ntheta * sizeof(double));
	if (m->nslot <= VCAP)
		model_eval_jac(m, v, jval);
	/* rows: |-KA| = 1.5; KA + (CL+Q)/V + Q/V2 = 1.5 + 0.3 + 0.1;
	 * Q/V + Q/V2 = 0.3: the bound is 1.9 */
	tap_close(stiff_radius(m, jval, rs), 1.9, 1e-15,
	    "Gershgorin bound of the 2-cmt Jacobian: max row sum 1.9 by hand");
	tap_ok(!stiff_sparse(m), "3 states: dense LU");
	model_free(m);
	tap_ok(stiff_choose(1.9, 24) == ODE_RK,
	    "rho H = 45.6: explicit Runge-Kutta");
	tap_ok(stiff_choose(STIFF_RK_MAX, 1) == ODE_RK,
	    "rho H at the limit: explicit Runge-Kutta");
	tap_ok(stiff_choose(1160, 12) == ODE_BDF,
	    "rho H = 13920 (a PBPK lung): BDF");
	tap_ok(stiff_choose(NAN, 12) == ODE_BDF,
	    "a Jacobian that cannot be evaluated: BDF");
	tap_ok(stiff_choose(1, INFINITY) == ODE_BDF,
	    "an endless piece: BDF");
	tap_ok(ode_method_parse("rk") == ODE_RK &&
	    ode_method_parse("adams") == ODE_ADAMS &&
	    ode_method_parse("exact") == ODE_EXACT &&
	    ode_method_parse("auto") == ODE_AUTO &&
	    ode_method_parse("bdf") == ODE_BDF &&
	    ode_method_parse("rk4") == -1 &&
	    !strcmp(ode_method_name(ODE_RK), "rk"),
	    "method names: one table, both ways");
}

/*
 * One-compartment IV bolus with Michaelis-Menten elimination, V = 1:
 * C' = -VMAX C / (KM + C) has C(t) = KM W((C0/KM) e^{(C0 - VMAX t)/KM})
 * (Schnell and Mendoza 1997), W the principal branch of Lambert's W.
 */
static void
test_mm(void)
{
	static const char *const cmt[] = { "C" };
	static const char *const ode[] = { "-VMAX*C/(KM + C)" };
	static const char *const th[] = { "VMAX", "KM" };
	static const double val[] = { 10, 2 };
	static const double t[] = { 0.25, 1, 4, 9, 12, 15, 24 };
	static const enum ode_method meth[] = { ODE_AUTO, ODE_RK, ODE_BDF,
		ODE_ADAMS };
	/* CVODES's local error control at rtol 1e-10 leaves 2e-7 here */
	static const double tol[] = { 1e-8, 1e-8, 1e-6, 1e-6 };
	const int nt = sizeof(t) / sizeof(t[0]);
	struct model *m = build_model(1, cmt, ode, 2, th, val, 0);
	double y0 = 100, y[16], v[VCAP], rate[1];
	int k, i;

	if (m == NULL) {
		tap_ok(0, "MM model builds");
		return;
	}
	for (k = 0; k < 4; k++) {
		struct ode *o = run(m, meth[k], 1e-10, 1e-12, &y0, t, nt, 24,
		    y, v, rate);
		double worst = 0;
		char what[160];

		for (i = 0; o && i < nt; i++) {
			double c = 2 * gsl_sf_lambert_W0(50 * exp((100 -
			    10 * t[i]) / 2));

			/* relative while C is above the absolute
			 * tolerance's reach, absolute past it */
			worst = fmax(worst, fabs(y[i] - c) / fmax(c, 1e-3));
		}
		snprintf(what, sizeof(what), "MM bolus, %s: C(t) = KM W(...) "
		    "at 7 times, worst error %.2g <= %g (relative, absolute "
		    "below 1e-3)",
		    ode_method_name(meth[k]), worst, tol[k]);
		tap_ok(o != NULL && worst <= tol[k], what);
		if (meth[k] == ODE_AUTO) {
			/* rho = VMAX KM/(KM + C0)^2 = 0.0019; H = 24 */
			tap_ok(o && ode_pieces(o, ODE_RK) == 1 &&
			    ode_pieces(o, ODE_BDF) == 0,
			    "MM, auto: one Runge-Kutta piece, no BDF");
		}
		ode_free(o);
	}
	model_free(m);
}

/*
 * y' = -L(t) (y - e^-t) - e^-t, L = 1 + 1e7 t^2, y(0) = 1: y = e^-t
 * whatever L.  At t = 0 the Jacobian is -1 (Runge-Kutta is chosen); by
 * t = 1 it is -1e7, past what an explicit method can do in
 * STIFF_RK_MAXSTEPS steps: the piece goes on with BDF.
 */
static void
test_handoff(void)
{
	static const char *const cmt[] = { "X" };
	static const char *const ode[] = {
		"-(1 + 1e7*t^2)*(X - exp(-t)) - exp(-t)" };
	static const double t[] = { 0.001, 0.5, 1, 2, 3 };
	const int nt = sizeof(t) / sizeof(t[0]);
	struct model *m = build_model(1, cmt, ode, 0, NULL, NULL, 0);
	double y0 = 1, y[8], v[VCAP], rate[1], worst = 0;
	struct ode *o;
	char what[160];
	int i;

	if (m == NULL) {
		tap_ok(0, "moving-target model builds");
		return;
	}
	o = run(m, ODE_AUTO, 1e-10, 1e-12, &y0, t, nt, 3, y, v, rate);
	for (i = 0; o && i < nt; i++)
		worst = fmax(worst, fabs(y[i] - exp(-t[i])));
	snprintf(what, sizeof(what), "stiffness appearing within a piece: "
	    "y = e^-t to %.2g <= 1e-8", worst);
	tap_ok(o != NULL && worst <= 1e-8, what);
	tap_ok(o && ode_pieces(o, ODE_RK) == 1 && ode_pieces(o, ODE_BDF) == 1,
	    "chosen Runge-Kutta at t = 0, handed to BDF when stiff");
	ode_free(o);
	model_free(m);
}

/*
 * Robertson (1966): y1' = -0.04 y1 + 1e4 y2 y3, y2' = 0.04 y1 - 1e4 y2 y3
 * - 3e7 y2^2, y3' = 3e7 y2^2, y(0) = (1, 0, 0).  At t = 40: y1 =
 * 0.7158270687, y2 = 9.185534765e-6, y3 = 0.2841637457 (Hairer and
 * Wanner, Solving ODEs II, the reference solution; to 5 digits the output
 * of SUNDIALS's cvRoberts_dns example).
 */
static void
test_robertson(void)
{
	static const char *const cmt[] = { "y1", "y2", "y3" };
	static const char *const ode[] = { "-0.04*y1 + 1e4*y2*y3",
		"0.04*y1 - 1e4*y2*y3 - 3e7*y2^2", "3e7*y2^2" };
	static const double t[] = { 40 };
	static const double want[] = { 0.7158270687, 9.185534765e-6,
		0.2841637457 };
	static const enum ode_method meth[] = { ODE_AUTO, ODE_BDF };
	struct model *m = build_model(3, cmt, ode, 0, NULL, NULL, 0);
	double y0[3] = { 1, 0, 0 }, y[3], v[VCAP], rate[3];
	int k, i;

	if (m == NULL) {
		tap_ok(0, "Robertson model builds");
		return;
	}
	for (k = 0; k < 2; k++) {
		struct ode *o = run(m, meth[k], 1e-10, 1e-14, y0, t, 1, 40,
		    y, v, rate);
		double worst = 0;
		char what[160];

		for (i = 0; o && i < 3; i++)
			worst = fmax(worst, fabs(y[i] - want[i]) / want[i]);
		snprintf(what, sizeof(what), "Robertson at t = 40, %s: worst "
		    "relative error %.2g <= 1e-6 (reference to 10 digits)",
		    ode_method_name(meth[k]), worst);
		tap_ok(o != NULL && worst <= 1e-6, what);
		tap_close(o ? y[0] + y[1] + y[2] : 0, 1, 1e-9,
		    "Robertson conserves y1 + y2 + y3 = 1");
		ode_free(o);
	}
	model_free(m);
}

/*
 * A chain of 20 compartments with the same rate k, dosed into the first:
 * A_i(t) = D (k t)^i e^{-k t} / i!.  20 states, 39 nonzeros: BDF uses KLU
 * (stiff_sparse); the answer must be the dense one's.
 */
static void
test_sparse(void)
{
	enum { N = 20 };
	char name[N][8], rhs[N][48];
	const char *cmt[N], *ode[N];
	static const char *const th[] = { "K" };
	static const double val[] = { 0.7 };
	static const double t[] = { 1, 5, 20, 40 };
	struct model *m;
	double y0[N] = { 100 }, y[4 * N], v[VCAP], rate[N], worst = 0;
	struct ode *o;
	char what[160];
	int i, j;

	for (i = 0; i < N; i++) {
		snprintf(name[i], sizeof(name[i]), "A%d", i);
		if (i == 0)
			snprintf(rhs[i], sizeof(rhs[i]), "-K*A0");
		else
			snprintf(rhs[i], sizeof(rhs[i]), "K*A%d - K*A%d",
			    i - 1, i);
		cmt[i] = name[i];
		ode[i] = rhs[i];
	}
	if ((m = build_model(N, cmt, ode, 1, th, val, 0)) == NULL) {
		tap_ok(0, "chain model builds");
		return;
	}
	tap_ok(stiff_sparse(m), "20-compartment chain: KLU");
	o = run(m, ODE_BDF, 1e-10, 1e-12, y0, t, 4, 40, y, v, rate);
	for (j = 0; o && j < 4; j++)
		for (i = 0; i < N; i++) {
			double kt = 0.7 * t[j];
			double a = 100 * exp(i * log(kt) - kt - lgamma(i + 1));

			worst = fmax(worst, fabs(y[j * N + i] - a) / 100);
		}
	snprintf(what, sizeof(what), "chain on KLU: A_i = D (kt)^i e^-kt / i! "
	    "to %.2g <= 1e-7 of the dose", worst);
	tap_ok(o != NULL && worst <= 1e-7, what);
	ode_free(o);
	model_free(m);
}

int
main(void)
{
	gsl_set_error_handler_off();
	test_rule();
	test_mm();
	test_handoff();
	test_robertson();
	test_sparse();
	return tap_done();
}
