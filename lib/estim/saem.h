/*
 * saem.h - population estimation by SAEM, stochastic approximation
 * expectation maximisation (Kuhn and Lavielle, Comput Stat Data Anal
 * 2005;49:1020-38), as Monolix and nlmixr2 run it, on pop's cohort,
 * threads and FOCE-I objective.
 *
 * The latent variables are each individual's phi = eta + mu: mu_e is
 * log theta_t when random effect e is mu-referenced to theta t (the
 * model's parameters and predictions depend on theta t and eta e only
 * through theta_t exp(eta_e), as in CL: TVCL * WT * exp(ETA_CL); found
 * by checking that invariance on three individuals), theta_t when they
 * depend on them only through theta_t + eta_e, 0 otherwise.  Each
 * iteration k:
 *   E-step: per individual (in SAEM_CHAINS / N chains, rounded up; the
 *     statistics average over them), Metropolis-Hastings on eta given
 *     the current parameters: SAEM_NMC proposals from the prior
 *     N(0, Omega), SAEM_NMC random walks on all components (scale s L, L
 *     the Cholesky factor of Omega), SAEM_NMC random walks on each
 *     component in turn; the scales adapt each iteration toward an
 *     acceptance of 0.4 (saemix's rule, s *= 1 + 0.4 (rate - 0.4)).  Each
 *     chain has its own random stream, from the seed and its place in the
 *     cohort, so results depend on the seed and the input only, not on
 *     the threads.
 *   Stochastic approximation, step gamma_k = 1 for k <= k1 (exploration),
 *     1/(k - k1) for the k2 iterations after: S1 = sum phi, S2 = sum phi
 *     phi'.
 *   M-step: mu-referenced thetas exp(S1/N) (or S1/N) in closed form;
 *     Omega from S2 and S1 on the entries the model estimates (diagonal or
 *     blocks; during the first k1/2 iterations no variance falls below
 *     0.95 of its last value, Monolix's annealing); the other thetas by
 *     one Newton step (Nelder-Mead where the objective is not convex) on
 *     the data part of the complete-data likelihood at the current
 *     samples, with the residual SDs at their maximum for each (in closed
 *     form where the error is additive, proportional or exponential
 *     without censored data), all then moved by gamma_k toward that point
 *     (nlmixr2's way for parameters without closed form).
 * At the end the FOCE-I objective at the estimates is the OFV (to compare
 * models with FOCE-I fits) and leaves each individual at its mode; the
 * standard errors are those of FOCE-I's covariance step there.
 *
 * Ownership: saem_estimate borrows p and fills res (pop_result_free).
 * Errors: -1 with err filled (an individual's error is prefixed with its
 * ID, with the kind it had).
 */
#ifndef TWIN_SAEM_H
#define TWIN_SAEM_H

#include "util/err.h"
#include "estim/pop.h"

#define SAEM_K1 300	/* iterations with step 1 (default) */
#define SAEM_K2 200	/* iterations with step 1/(k - k1) (default) */
#define SAEM_SEED 1	/* default seed */
#define SAEM_NMC 2	/* proposals of each kernel per iteration */
#define SAEM_CHAINS 50	/* at least this many chains in all: each
			 * individual has ceil(50 / N) (Monolix's rule) */

struct saem_opts {
	int k1, k2;
	unsigned long seed;
	int covariance;		/* pop's covariance step at the estimates */
	/* after each iteration, if not NULL: the iteration from 1, the
	 * complete-data objective (-2 log likelihood without constants) at
	 * the current samples, the model evaluations so far */
	void (*progress)(void *arg, int iter, double ofv, long nevals);
	void *progress_arg;
};

void saem_defaults(struct saem_opts *o);

/*
 * Which theta each random effect is mu-referenced to: mu[e] (neta values)
 * is the theta index or -1 (not estimated, or not mu-referenced); add[e]
 * (if add is not NULL) 1 where that is as theta + eta.
 */
int saem_mu_referenced(struct pop *p, int *mu, int *add,
    struct twin_err *err);

/* Estimate; res->ofv is the FOCE-I objective at the estimates, res->se
 * from FOCE-I's covariance step there (pop_covariance_current) when
 * o->covariance, else NAN; res->iterations k1 + k2, res->converged 1.
 * With pop_trace's fn set, k1 + k2 + 1 rows numbered as NONMEM's SAEM
 * does: -k1 the start, -k1 + k after iteration k of the burn-in (so 0
 * after the last), k after iteration k1 + k of the smoothing; the
 * objective NAN but in the last row (k2, the estimates), the FOCE-I
 * objective there. */
int saem_estimate(struct pop *p, const struct saem_opts *o,
    struct pop_result *res, struct twin_err *err);

#endif
