/*
 * ode.h - integrating a model's ODEs between discontinuities.
 *
 * The methods behind one interface (enum ode_method, model.h):
 *   ODE_BDF    SUNDIALS CVODES, BDF with the model's symbolic Jacobian,
 *              dense LU, or KLU when the system is large and sparse
 *              (stiff.h): the reference, any model, stiff or not;
 *   ODE_ADAMS  CVODES Adams-Moulton (orders 1-12), Newton iteration with
 *              the same Jacobian: non-stiff models, on request;
 *   ODE_RK     GSL's explicit Runge-Kutta Prince-Dormand 8(9) (rk8pd) with
 *              its standard error control: non-stiff models;
 *   ODE_EXACT  for linear autonomous models, y(t+h) = exp(h M) y with M
 *              the augmented matrix [A b+r; 0 0]: exact up to rounding
 *              (a stiff step of a cyclic system goes to CVODES, see
 *              ode.c);
 *   ODE_AUTO   the exact solver for a linear model; otherwise RK or BDF,
 *              chosen afresh at every restart by the rule of stiff.h.
 * A restart (a dose, an infusion change) keeps the integrators and
 * their memory: it changes the state, not the system.  What a piece
 * computes depends on its start alone, never on the pieces or
 * individuals before it.
 * The caller (sim) owns the value vector v[] (parameters, covariates) and
 * the infusion rates r[]; it calls ode_restart after any discontinuity
 * (dose, infusion change, parameter change) and ode_advance to move on.
 *
 * Ownership: ode_new returns a solver freed by ode_free.  One solver is
 * meant to be reused for every individual a thread handles.
 */
#ifndef TWIN_ODE_H
#define TWIN_ODE_H

#include "util/err.h"
#include "model/model.h"

/* Called before each right-hand side evaluation of a time-varying model
 * to set the covariates (and individual parameters) in v for time t. */
typedef void (*ode_attime_fn)(void *ctx, double t, double *v);

struct ode_sys {
	const struct model *m;
	double *v;		/* model slots, owned by the caller */
	const double *rate;	/* infusion rate into each state */
	ode_attime_fn attime;	/* NULL unless m->timevarying */
	void *attime_ctx;
	/*
	 * Forward sensitivities (ode_restart_sens), by nq quantities q:
	 * s_q' = J s_q + sum_p (d rhs / d p) dpdq[p nq + q] + drate[i nq + q]
	 * with p over the model's npar parameter slots.  dpdq (npar x nq)
	 * and drate (nstate x nq) are the caller's, NULL when zero (the
	 * sensitivities by the initial state only); attime keeps dpdq
	 * current for a time-varying model.
	 */
	int nq;
	const double *dpdq, *drate;
};

struct ode;

/* The tolerances a solver accepts: ODE_RTOL_MIN ... and ode_check_tol
 * in model.h (a model file may give its own, tolerance: key). */

struct ode *ode_new(const struct model *m, enum ode_method method,
    double rtol, double atol, struct twin_err *err);
void ode_free(struct ode *o);

/* The method asked for (ODE_AUTO resolved to ODE_EXACT for a linear
 * model, otherwise left ODE_AUTO: chosen per piece). */
enum ode_method ode_method(const struct ode *o);

/* The integrator of the current piece (ODE_EXACT on the exact path). */
enum ode_method ode_piece_method(const struct ode *o);

/* How many pieces the solver has started with integrator meth (an RK
 * piece handed to BDF counts for both). */
long ode_pieces(const struct ode *o, enum ode_method meth);

/* Start a new smooth piece at time t from state y; the piece ends at or
 * before tstop (the next discontinuity). */
int ode_restart(struct ode *o, struct ode_sys *sys, double t,
    const double *y, double tstop, struct twin_err *err);

/* Advance to tout (<= tstop) and store the state in y.  On failure err
 * says what the solver reported and at what time. */
int ode_advance(struct ode *o, double tout, double *y, struct twin_err *err);

/*
 * With sensitivities (sys->nq > 0): the same, and S (nstate x nq,
 * column q at S + q nstate) the sensitivities at the start and, after
 * ode_advance_sens, at tout.  The exact solver integrates them exactly
 * (the exponential of the augmented matrix of the state and its
 * sensitivities: block lower triangular, Van Loan 1978); the others with
 * CVODES's forward sensitivities (staggered corrector, error control on
 * the sensitivities with the states' tolerances), or, where ODE_RK is
 * asked or chosen (stiff.h), the Runge-Kutta method on the system of the
 * states and sensitivities together (its error control covers both).  A
 * piece started with ode_restart_sens is advanced with ode_advance_sens;
 * one started with ode_restart with ode_advance.
 */
int ode_restart_sens(struct ode *o, struct ode_sys *sys, double t,
    const double *y, const double *S, double tstop, struct twin_err *err);
int ode_advance_sens(struct ode *o, double tout, double *y, double *S,
    struct twin_err *err);

/*
 * Whether CVODES's error test covers the sensitivities (on, the default)
 * or the states alone (off: the steps are chosen for the states, and the
 * sensitivities are as accurate as that makes them; enough for a Newton
 * iteration's Jacobian).  Takes effect when the number of sensitivities
 * next changes (the first ode_restart_sens with a new sys->nq).
 */
void ode_sens_errcon(struct ode *o, int on);

/* Evaluate the right-hand side f(t, y) into ydot (rates included). */
void ode_rhs_eval(struct ode_sys *sys, double t, const double *y,
    double *ydot);

/* Evaluate the model's outputs at (t, y) into v[out0...]. */
void ode_outputs(struct ode_sys *sys, double t, const double *y);

#endif
