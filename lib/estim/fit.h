/*
 * fit.h - estimation: an individual's random effects by maximum a
 * posteriori (empirical Bayes), and population parameters by FOCE with
 * interaction, both on NONMEM's objective function (-2 log likelihood
 * without the n log 2 pi constant).
 *
 * For one individual with observations y_j, predictions f_j(eta) and
 * residual variances V_j(eta) (the model's error model), the objective is
 *   O(eta) = sum_j [ (y_j - f_j)^2 / V_j + log V_j ] + eta' Omega^-1 eta
 * with a censored observation (below LLOQ) contributing
 *   -2 log Phi((LLOQ - f_j) / sqrt(V_j))   (Beal's M3).
 * The FOCE-I contribution adds log det Omega + log det H at the mode, with
 * H = Omega^-1 + sum_j [ g_j g_j' / V_j + h_j h_j' / (2 V_j^2) ],
 * g = df/deta, h = dV/deta (this reproduces NONMEM 7.5's FOCE-I values
 * for Wang 2007 to 1e-3; tests/cmd/fit.t).
 *
 * Derivatives with respect to eta are exact (sens.h: the exponential of
 * the augmented matrix on the exact path, forward sensitivities on the
 * ODE path, with the states' error control); for what sens.h does not
 * cover (an error of kind TWIN_EINPUT) central differences of the
 * simulation (step 1e-5), which with the exact solver of linear models
 * are accurate to about 1e-9 relative.
 *
 * Ownership: fit_new returns a workspace (one per thread) freed by
 * fit_free; struct fit_data is caller-owned, freed by fit_data_free.
 */
#ifndef TWIN_FIT_H
#define TWIN_FIT_H

#include "util/err.h"
#include "model/model.h"
#include "data/record.h"
#include "solve/sim.h"

/* Population parameters: what FOCE-I estimates and MAP conditions on. */
struct fit_params {
	double *theta;		/* ntheta */
	double *omega;		/* neta x neta covariance */
	double sigma_add, sigma_prop;	/* standard deviations */
};

/* One individual prepared for fitting. */
struct fit_data {
	struct sim_indiv si;
	int nobs, obscap;
	int *obs;		/* record index of each observation */
	double *dv;
	double *lloq;		/* NAN when the observation is quantified */
	double *eta;		/* estimate, also the next start */
	int started;		/* eta holds a previous estimate */
};

/* Results of fit_map for one individual. */
struct fit_result {
	double ofv;		/* the objective O at the mode */
	double *cov;		/* neta x neta posterior covariance of eta */
	int converged;
	int iterations;
};

struct fit;

struct fit *fit_new(const struct model *m, const struct sim_opts *so,
    struct twin_err *err);
void fit_free(struct fit *f);

/* Copy the model's own theta, omega and sigma into p (allocating). */
int fit_params_init(struct fit_params *p, const struct model *m);
void fit_params_free(struct fit_params *p);

/*
 * Bind an individual's records.  Observations are EVID 0 records with
 * MDV 0 (or no MDV column) and a DV; an LLOQ column gives the limit of
 * quantification, and a record is censored when BLQ is 1 or DV < LLOQ.
 * Parameter and random-effect columns in the input are ignored (they are
 * what is being estimated).
 */
int fit_bind(struct fit_data *fd, const struct model *m,
    const struct sim_cols *c, const struct rec_reader *r,
    const struct rec_indiv *ind, struct twin_err *err);
void fit_data_free(struct fit_data *fd);

/* Columns of the stream that twin-fit reads (ID, TIME, ..., DV, LLOQ,
 * BLQ), with parameter overrides switched off. */
int fit_cols_init(struct sim_cols *c, int *lloq, int *blq,
    const struct rec_reader *r, const struct model *m,
    struct twin_err *err);

/*
 * Minimise O over eta (prior: include the eta' Omega^-1 eta term; without
 * it, maximum likelihood).  fixed (neta flags, or NULL) keeps those random
 * effects at their value in fd->eta.  Starts from fd->eta when
 * fd->started, else from 0.  On success fd->eta holds the mode.
 */
int fit_map(struct fit *f, struct fit_data *fd, const struct fit_params *p,
    int prior, const int *fixed, struct fit_result *res,
    struct twin_err *err);

/* The FOCE-I objective contribution of one individual at p (runs fit_map,
 * warm-started). */
int fit_focei(struct fit *f, struct fit_data *fd, const struct fit_params *p,
    double *ofv, struct twin_err *err);

/* The gradient of an individual's FOCE-I contribution by the population
 * parameters, on their natural scale (fit_focei_grad). */
struct fit_grad {
	double *theta;		/* ntheta, caller's */
	double *omega;		/* neta x neta, caller's: dOFV = sum of
				 * omega[a b] dOmega[a b] over all a, b for
				 * a symmetric change dOmega */
	double sigma_add, sigma_prop;	/* by the standard deviations */
};

/*
 * fit_focei and, into gr, the gradient of the contribution (Almquist et
 * al. 2015; see fit.c): first derivatives of the predictions exact, the
 * second by central differences of the exact first.  Where it does not
 * apply, ofv is set and gr is not, and the caller takes differences of
 * the objective: 1 for the model and data (censored observations,
 * fit_finite_differences, what sens.h does not cover), 2 for this point
 * only (the mode's Hessian not positive definite, a prediction beside the
 * mode that cannot be made).
 */
int fit_focei_grad(struct fit *f, struct fit_data *fd,
    const struct fit_params *p, double *ofv, struct fit_grad *gr,
    struct twin_err *err);

/*
 * From a warm start (fd->started) fit_map takes Gauss-Newton steps alone
 * and stops when the gradient norm is below 1e-6; precise (on) asks for
 * 1e-8 as from a cold start, for finite-difference Hessians of the FOCE-I
 * objective (which depends on the mode to first order, through log det H:
 * the covariance step).
 */
void fit_precise(struct fit *f, int on);

/*
 * fit_map's search from eta 0 (Gauss-Newton with a secant correction
 * first) ends at a gradient norm below 1e-8 or, where the objective's
 * noise shows (an ODE solution over days of data: a step's decrease off
 * its promise), when a further step promises less than 1e-4: the mode to
 * 0.01 posterior standard deviations.  tight (on) keeps the first rule
 * only, and BFGS first, for the FOCE-I objective, which depends on the
 * mode to first order (pop.c sets it).
 */
void fit_tight(struct fit *f, int on);

/*
 * The derivatives of the predictions by the random effects (MAP
 * gradients, Gauss-Newton steps, the FOCE-I posterior and so the
 * covariance step, CWRES) are exact (sens.h) where it covers the model
 * and data, central differences of simulations (1 + 2 neta runs) where
 * it does not; on forces central differences everywhere (for tests).
 */
void fit_finite_differences(struct fit *f, int on);

/* Objective O(eta) and the predictions at the observations. */
int fit_objective(struct fit *f, struct fit_data *fd,
    const struct fit_params *p, const double *eta, int prior, double *obj,
    struct twin_err *err);

/*
 * The individual parameters in force at record k for the random effects
 * fd->eta into par (model->nind), and when se is not NULL their standard
 * errors from cov (posterior covariance of eta, NAN for fixed effects) by
 * the delta method.  Returns -1 only when out of memory.
 */
int fit_params_at(struct fit *f, struct fit_data *fd, const struct fit_params *p,
    int k, const double *cov, double *par, double *se);

/*
 * Per observation, at the mode fd->eta: PRED (random effects 0), IPRED
 * and CWRES (Hooker et al., Pharm Res 2007;24:2187: the residual from the
 * first-order expansion around the mode, decorrelated by the Cholesky
 * factor of G Omega G' + diag(V); NAN for censored observations).
 */
int fit_residuals(struct fit *f, struct fit_data *fd,
    const struct fit_params *p, double *pred, double *ipred, double *cwres,
    struct twin_err *err);

/* Residual variance of an observation predicted as ipred. */
double fit_resvar(const struct model *m, const struct fit_params *p,
    double ipred);

/*
 * For other estimators (saem.c).  fit_predict: the predictions of fd's
 * observations at eta into pred (fd->nobs values, on the objective's
 * scale: the logarithm for exponential error).  fit_obs_term: observation
 * j's term of the objective O given its prediction pred on that scale
 * (a censored one by M3); summed over j it is fit_objective without the
 * prior.
 */
int fit_predict(struct fit *f, struct fit_data *fd, const struct fit_params *p,
    const double *eta, double *pred, struct twin_err *err);
double fit_obs_term(const struct model *m, const struct fit_params *p,
    const struct fit_data *fd, int j, double pred);

#endif
