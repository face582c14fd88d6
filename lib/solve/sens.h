/*
 * sens.h - exact derivatives of one individual's predictions by its
 * random effects (and the population parameters), for MAP gradients,
 * Gauss-Newton steps and FOCE-I.
 *
 * How: sim_run_sens (sim.c) walks the same timeline as sim_run and
 * carries the sensitivities s = dy/dq of the amounts alongside them:
 *   - between events, ode_restart_sens/ode_advance_sens (ode.h): on the
 *     ODE path s' = J s + df/dp dp/dq with the model's symbolic Jacobian
 *     and d rhs/d parameter programs (model.h), by CVODES's forward
 *     sensitivities or Runge-Kutta on [y; s] (the integrator chosen per
 *     piece as for sim_run); on the exact path the exponential of the
 *     block-triangular augmented matrix;
 *   - dp/dq by the chain rule over the individual parameters' partial
 *     derivatives (an individual parameter overridden by a data column
 *     is a constant);
 *   - initial amounts (init:) through their derivatives;
 *   - a bolus adds AMT dF/dq to s; an infusion's rate (RATE = -1: the
 *     modelled rate; RATE = -2: F AMT / D) moves with q;
 *   - a dose time moved by a lag time, an infusion end moved by its
 *     duration (F AMT / RATE, F AMT / R, or the modelled D): at such a
 *     discontinuity s jumps by (f before - f after) d time/dq;
 *   - steady state (SS = 1, 2, periodic or constant infusion): the
 *     implicit function theorem on x = P(x, q) (one period map with the
 *     state transition matrix) or on f(x) + r = 0;
 *   - outputs: d out/d state s + d out/d p dp/dq.
 *     Steady-state doses too (in the period map and their tails).
 * Not covered, an error of kind TWIN_EINPUT rather than a wrong number
 * (the caller falls back to finite differences): steady state of a
 * model with linearly interpolated covariates.  Derivatives through min,
 * max, abs, ?: and comparisons are those of the branch taken; at an
 * observation at the very time of a moving discontinuity, the one-sided
 * derivative of the value after the record's events; a steady-state
 * dose's infusion that ends exactly at a multiple of II after the dose
 * (lag + duration = k II) misses its jump there.
 *
 * Accuracy: exact up to rounding on the exact path; on the ODE path the
 * sensitivities get the error control of the states (the tolerances of
 * struct sim_opts).
 *
 * Ownership: the caller owns every array; the struct sim is the
 * caller's (one per thread), its population parameters set by
 * sim_set_theta as for sim_run.  Errors: -1 with err set, its kind
 * TWIN_EINPUT for what is not covered, TWIN_ESOLVER for an integrator
 * failure, TWIN_ENOMEM.
 */
#ifndef TWIN_SENS_H
#define TWIN_SENS_H

#include "util/err.h"
#include "solve/sim.h"

/*
 * The individual's predictions of the model's dv output at the nobs
 * record indices obs[] (as struct fit_data's), with random effects eta
 * (copied into si->eta): pred[j], dpred_deta[j neta + e] and, if
 * dpred_dtheta is not NULL, dpred_dtheta[j ntheta + i].  The raw output:
 * for exponential error d log y = dy / y is the caller's.
 */
int sens_predict(struct sim *s, struct sim_indiv *si, const double *eta,
    const int *obs, int nobs, double *pred, double *dpred_deta,
    double *dpred_dtheta, struct twin_err *err);

#endif
