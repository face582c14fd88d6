/*
 * ode.h - integrating a model's ODEs between discontinuities.
 *
 * Two methods behind one interface:
 *   ODE_BDF    SUNDIALS CVODES, BDF with the dense direct solver and the
 *              model's symbolic Jacobian: the reference, any model;
 *   ODE_EXACT  for linear autonomous models, y(t+h) = exp(h M) y with M
 *              the augmented matrix [A b+r; 0 0]: exact up to rounding
 *              (a stiff step of a cyclic system goes to CVODES, see
 *              ode.c).
 * The caller (sim) owns the value vector v[] (parameters, covariates) and
 * the infusion rates r[]; it calls ode_restart after any discontinuity
 * (dose, infusion change, parameter change) and ode_advance to move on.
 *
 * Ownership: ode_new returns a solver freed by ode_free.  One solver is
 * meant to be reused for every individual a thread handles.
 */
#ifndef TWIN_ODE_H
#define TWIN_ODE_H

#include "err.h"
#include "model.h"

enum ode_method { ODE_AUTO, ODE_BDF, ODE_EXACT };

/* Called before each right-hand side evaluation of a time-varying model
 * to set the covariates (and individual parameters) in v for time t. */
typedef void (*ode_attime_fn)(void *ctx, double t, double *v);

struct ode_sys {
	const struct model *m;
	double *v;		/* model slots, owned by the caller */
	const double *rate;	/* infusion rate into each state */
	ode_attime_fn attime;	/* NULL unless m->timevarying */
	void *attime_ctx;
};

struct ode;

/*
 * The tolerances a solver accepts (CVODES's rtol and atol; the exact
 * solver uses them for the steps it hands to CVODES).  Below 1e-14
 * relative is beneath rounding; above 1e-2 the answer is not worth
 * having.  atol is in the model's amount units.
 */
#define ODE_RTOL_MIN 1e-14
#define ODE_RTOL_MAX 1e-2
#define ODE_ATOL_MAX 1e-2

/* 0 if rtol is in [ODE_RTOL_MIN, ODE_RTOL_MAX] and atol in
 * (0, ODE_ATOL_MAX]; else -1 with err naming the value and the range. */
int ode_check_tol(double rtol, double atol, struct twin_err *err);

struct ode *ode_new(const struct model *m, enum ode_method method,
    double rtol, double atol, struct twin_err *err);
void ode_free(struct ode *o);

/* The method in use (ODE_AUTO resolved). */
enum ode_method ode_method(const struct ode *o);

/* Start a new smooth piece at time t from state y; the piece ends at or
 * before tstop (the next discontinuity). */
int ode_restart(struct ode *o, struct ode_sys *sys, double t,
    const double *y, double tstop, struct twin_err *err);

/* Advance to tout (<= tstop) and store the state in y.  On failure err
 * says what the solver reported and at what time. */
int ode_advance(struct ode *o, double tout, double *y, struct twin_err *err);

/* Evaluate the right-hand side f(t, y) into ydot (rates included). */
void ode_rhs_eval(struct ode_sys *sys, double t, const double *y,
    double *ydot);

/* Evaluate the model's outputs at (t, y) into v[out0...]. */
void ode_outputs(struct ode_sys *sys, double t, const double *y);

#endif
