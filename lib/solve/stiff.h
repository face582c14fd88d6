/*
 * stiff.h - how stiff a model is at a point, and the rule by which
 * ODE_AUTO picks the integrator of each smooth piece (twin-model(5),
 * SOLVERS, says the same to users).
 *
 * The rule:
 *   a linear model (rhs affine in the states, autonomous): the exact
 *     solver (ode.c), at every piece;
 *   otherwise, at the start of every smooth piece (after a dose, an
 *   infusion change, a parameter change), with rho the Gershgorin bound
 *   max_i sum_j |J_ij| on the spectral radius of the Jacobian J at that
 *   state and H the length of the piece:
 *     rho H <= STIFF_RK_MAX: the explicit Runge-Kutta Prince-Dormand 8(9)
 *       (GSL rk8pd): stability would limit it to about rho H / 4 steps,
 *       fewer than the few hundred BDF needs at tight tolerances, so its
 *       steps are set by accuracy and it needs no Jacobian or LU;
 *     otherwise BDF (CVODES), with the sparse direct solver KLU when the
 *       system is large and its Jacobian sparse (stiff_sparse).
 *   A Runge-Kutta piece that needs more than STIFF_RK_MAXSTEPS steps to
 *   reach one output time, or meets a non-finite derivative, goes on with
 *   BDF from where it got to: stiffness that appears within a piece (a
 *   saturable process leaving saturation) costs at most that many steps.
 *
 * Everything here is a pure function of its arguments.
 */
#ifndef TWIN_STIFF_H
#define TWIN_STIFF_H

#include "model/model.h"

#define STIFF_RK_MAX 2000.0
#define STIFF_RK_MAXSTEPS 5000

/* KLU rather than dense LU: at least this many states and at most this
 * fraction of the Jacobian's entries structurally nonzero. */
#define STIFF_SPARSE_MIN_STATES 12
#define STIFF_SPARSE_MAX_DENSITY 0.3

/* max_i sum_j |J_ij| over the nonzero values jval (in m->jac order);
 * rowsum is workspace of m->nstate doubles.  NAN values give NAN. */
double stiff_radius(const struct model *m, const double *jval,
    double *rowsum);

/* The integrator of a piece of length span (may be inf) for a nonlinear
 * model whose Jacobian bound is rho: ODE_RK or ODE_BDF. */
enum ode_method stiff_choose(double rho, double span);

/* 1 if BDF on m should use KLU (see above), else 0. */
int stiff_sparse(const struct model *m);

#endif
