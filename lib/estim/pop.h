/*
 * pop.h - population estimation by FOCE with interaction.
 *
 * The cohort is held in memory (every individual's records; the only
 * place in the toolkit where memory grows with the number of individuals).
 * The objective is the sum of fit_focei over individuals, evaluated on
 * several threads.  It is minimised by BFGS (GSL) over a transformed
 * vector: each theta scaled by its initial value, omega through the
 * Cholesky factor of each block with the logarithm of its diagonal, each
 * residual standard deviation through its logarithm, so variances stay
 * positive.  It is minimised by quasi-Newton (BFGS on the inverse
 * Hessian, Armijo backtracking line search).  The gradient is analytic
 * (fit_focei_grad, Almquist et al. 2015) where the model and data allow,
 * else by central differences of the objective (one-sided, or with a
 * smaller step, where one side cannot be evaluated); a line search that
 * meets a point where the objective cannot be evaluated switches to
 * differences for good (they find the parameters that cannot move).  A
 * trial point where the objective cannot be evaluated (an individual
 * whose predictions or residual variances are not valid there, a failed
 * solve) counts as +infinity: the line search steps back from it.  The
 * estimate is always the best point reached; pop_result says why the
 * search stopped.
 * The covariance step takes the Hessian R of the objective and the sum S
 * of the outer products of the individuals' gradients (S from the
 * analytic gradients and R by central differences of the gradient; or
 * both by central differences of the objective): cov = R^-1 S R^-1 as
 * NONMEM, or 2 R^-1, carried to the
 * reported scale by the delta method.
 *
 * Ownership: pop_new returns an estimator freed by pop_free; it takes over
 * nothing, and copies what it keeps.
 */
#ifndef TWIN_POP_H
#define TWIN_POP_H

#include "util/err.h"
#include "estim/fit.h"
#include "model/model.h"

struct pop;

/* One estimated quantity on its reported scale. */
struct pop_estimate {
	char name[128];		/* theta name, OMEGA_<a>[_<b>], SIGMA_<x> */
	double value, se;	/* se NAN when the covariance step failed */
};

/*
 * Converged: the decrease the quasi-Newton model still promises,
 * g' H^-1 g / 2 (in objective units, whatever the parametrisation), is
 * below POP_TOL_DECREMENT.  A line search that cannot lower the objective
 * any more although the promised decrease is below POP_TOL_FLAT means the
 * objective is flat to within what its evaluation resolves: converged too.
 */
#define POP_TOL_DECREMENT 1e-9
#define POP_TOL_FLAT 1e-4
#define POP_MAXITER 1000	/* iterations of the quasi-Newton search */

/* Why the estimation stopped. */
enum pop_stop {
	POP_CONVERGED = 0,
	POP_MAXITER_REACHED,	/* POP_MAXITER iterations */
	POP_NOPROGRESS,		/* no step lowers the objective, although the
				 * gradient says it could (kind TWIN_EFLAT) */
	POP_NONFINITE		/* the objective cannot be evaluated on either
				 * side of the best point: no gradient (the
				 * evaluation's kind, e.g. TWIN_ESOLVER) */
};

struct pop_result {
	int n;
	struct pop_estimate *est;	/* freed by pop_result_free */
	double ofv;
	double *cov;		/* n x n, row-major: the covariance matrix of
				 * the estimates on the reported scale (fixed
				 * thetas have zero rows); NULL unless
				 * covariance_ok; freed by pop_result_free */
	int iterations, converged, covariance_ok;
	enum pop_stop stop;	/* converged == (stop == POP_CONVERGED) */
	struct twin_err why;	/* unless converged: what stopped it */
	double decrement;	/* the decrease still promised at the end */
	long nevals;		/* objective evaluations */
};

/* "converged", "maximum iterations", "no progress", "objective not
 * finite". */
const char *pop_stop_name(enum pop_stop stop);

struct pop *pop_new(const struct model *m, const struct sim_opts *so,
    int nthread, struct twin_err *err);
void pop_free(struct pop *p);

/* Add an individual; the data are taken over (fd is zeroed). */
int pop_add(struct pop *p, struct fit_data *fd, const char *id,
    struct twin_err *err);

/* The covariance step's matrix: NONMEM's default sandwich R^-1 S R^-1
 * (on = 0, the default) or the inverse Hessian 2 R^-1 (on = 1). */
void pop_covariance_hessian(struct pop *p, int on);

/* Keep a theta (by name) at its value. */
int pop_fix(struct pop *p, const char *name, struct twin_err *err);

/*
 * The FOCE-I objective and its gradient in the transformed vector (the
 * order of the estimates: thetas not fixed, omega's Cholesky entries,
 * log sigma_add, log sigma_prop), at the model's own parameters, with the
 * individual modes to a gradient of 1e-8: analytically (differences 0;
 * returns 1 where it does not apply) or by central differences of the
 * objective.  For tests.  g has room for the estimates.
 */
int pop_gradient(struct pop *p, int differences, double *ofv, double *g,
    struct twin_err *err);

/* The FOCE-I objective at the model's own parameters (no estimation). */
int pop_evaluate(struct pop *p, double *ofv, struct twin_err *err);

/* Call fn after each iteration of pop_estimate (in the calling thread):
 * the iteration from 1, the objective and the evaluations so far. */
void pop_progress(struct pop *p, void (*fn)(void *arg, int iter, double ofv,
    long nevals), void *arg);

/* Call fn at the start of pop_estimate's search (iter 0) and after each
 * step it takes (1, 2, ...; in the calling thread), with the objective and the
 * parameters on the reported scale (names and values of pop_result's
 * est, se NAN; n of them), like NONMEM's .ext file.  saem_estimate
 * calls it too (its numbering in saem.h). */
void pop_trace(struct pop *p, void (*fn)(void *arg, int iter, double ofv,
    const struct pop_estimate *e, int n), void *arg);

/* Estimate; res is filled (and must be freed with pop_result_free).
 * Returns -1 only when the objective cannot be evaluated at the start or
 * at all, or memory runs out; a search that stops short of convergence
 * returns 0 with the best point reached and res->stop saying why. */
int pop_estimate(struct pop *p, int covariance, struct pop_result *res,
    struct twin_err *err);
void pop_result_free(struct pop_result *res);

/* After pop_estimate or pop_evaluate: the parameters and individuals. */
const struct fit_params *pop_params(const struct pop *p);
int pop_count(const struct pop *p);
struct fit_data *pop_individual(struct pop *p, int i, const char **id);
struct fit *pop_worker(struct pop *p);

/*
 * ---- shared with other population methods (saem.c) ----
 * They use pop's cohort (pop_add), --fix (pop_fix), layout of what is
 * estimated, threads and FOCE-I objective rather than copies.
 */

/* What is estimated (pointers into p, valid while p lives). */
struct pop_layout {
	const struct model *m;	/* the model p was made for */
	const int *thfixed;	/* ntheta flags: kept at the model's value */
	int nl;			/* omega entries estimated, row >= col, */
	const int *lrow, *lcol;	/* in the order they are reported */
	int add, prop;		/* sigma_add, sigma_prop estimated */
};
void pop_get_layout(const struct pop *p, struct pop_layout *l);

/*
 * Run fn for every individual i on p's threads: worker k (its struct fit)
 * takes i = k, k + nthread, ...  fn must touch only individual i's data
 * and its own worker.  Returns -1 with the error of the first individual
 * (in input order) whose fn failed, prefixed with its ID.
 */
typedef int (*pop_task)(void *ctx, struct fit *w, int i,
    struct twin_err *err);
int pop_foreach(struct pop *p, pop_task fn, void *ctx, struct twin_err *err);

/* The FOCE-I objective at q, which becomes the current parameters; each
 * individual is left at its mode (for pop_individual's eta). */
int pop_evaluate_at(struct pop *p, const struct fit_params *q, double *ofv,
    struct twin_err *err);

/* res filled with the current parameters as pop_estimate reports them
 * (names, values; se NAN) and ofv; freed with pop_result_free. */
int pop_result_current(struct pop *p, double ofv, struct pop_result *res,
    struct twin_err *err);

/* A row of pop_trace's log (if fn is set) for q, as pop_estimate's: iter,
 * ofv (NAN where there is none), q on the reported scale. */
void pop_trace_at(struct pop *p, const struct fit_params *q, int iter,
    double ofv);

/* The covariance step of pop_estimate at the current parameters: res's
 * se (from pop_result_current) and covariance_ok; the individuals are
 * left at their modes.  -1 only when the objective cannot be computed. */
int pop_covariance_current(struct pop *p, struct pop_result *res,
    struct twin_err *err);

#endif
