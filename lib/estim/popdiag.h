/*
 * popdiag.h - what a reviewer reads off a population fit besides the
 * estimates, and the fitted model as a model file: information criteria, the correlation matrix of the
 * estimates and its condition number, ETA-bar with its p-value, ETA and
 * epsilon shrinkage, defined as NONMEM 7 reports them (its .lst file:
 * ETABAR, SE, P VAL., ETASHRINKSD(%), EPSSHRINKSD(%); checked against
 * NONMEM 7.4.2's output for the phenobarbital example in tests/cmd/fitout.t).
 *
 * The small functions work on plain arrays; pop_diagnose gathers them for
 * a fitted struct pop.  Nothing here keeps or frees what it is given;
 * struct pop_diag is filled in place and freed by pop_diag_free.
 * Functions that can fail fill err and return -1.
 */
#ifndef TWIN_POPDIAG_H
#define TWIN_POPDIAG_H

#include "util/err.h"
#include "estim/pop.h"

/*
 * ETA-bar of n empirical Bayes estimates x[0], x[stride], ...: their mean,
 * its standard error SD/sqrt(n) with SD = sqrt(sum (x - mean)^2 / n), and
 * the two-sided p-value of the null hypothesis that the true mean is 0
 * from the standard normal distribution, 2 (1 - Phi(|mean| / se)) -- as
 * NONMEM computes them.  n < 2 or se 0: se and p NAN.
 */
void popdiag_etabar(const double *x, int n, int stride, double *mean,
    double *se, double *p);

/*
 * ETA shrinkage (SD-based, NONMEM's ETASHRINKSD), as a fraction:
 * 1 - SD(x) / sqrt(omega), SD with divisor n - 1.  NAN when omega <= 0
 * or n < 2.
 */
double popdiag_eta_shrinkage(const double *x, int n, int stride,
    double omega);

/*
 * Epsilon shrinkage (NONMEM's EPSSHRINKSD), as a fraction, of n
 * individual weighted residuals (IWRES at the EBEs): 1 - sqrt(sum w^2 / n),
 * their root mean square about 0 (their expected mean).  NAN when n < 1.
 */
double popdiag_eps_shrinkage(const double *iwres, int n);

/* AIC = ofv + 2 npar and BIC = ofv + npar log(nobs), ofv being -2 log L
 * up to a constant (NONMEM's OFV). */
void popdiag_criteria(double ofv, int npar, int nobs, double *aic,
    double *bic);

/*
 * The correlation matrix of the parameters among n whose covariance is
 * cov (n x n, row-major) that keep[i] marks (non-NULL keep; all when
 * NULL), into cor (nk x nk, nk the number kept; the diagonal 1).  -1
 * (TWIN_EDOMAIN) when a kept variance is not positive.
 */
int popdiag_correlation(int n, const double *cov, const int *keep,
    double *cor, struct twin_err *err);

/*
 * The condition number of a correlation matrix (n x n, symmetric), as
 * NONMEM and PsN report it: the largest eigenvalue over the smallest.
 * -1 (TWIN_EDOMAIN) when the smallest eigenvalue is not positive.
 */
int popdiag_condition(int n, const double *cor, double *cond,
    struct twin_err *err);

/* All of it for a fitted population. */
struct pop_diag {
	int npar;		/* parameters estimated (fixed ones left out) */
	int nobs;		/* quantified observations (BLQ ones left out) */
	int nind;
	double aic, bic;
	int neta;		/* the model's random effects */
	double *etabar, *etabar_se, *etabar_p, *eta_shrink;	/* neta */
	double eps_shrink;	/* NAN when there is no residual error */
	int ncor;		/* the estimated parameters, in res's order */
	int *cor_index;		/* ncor: their indices in res->est */
	double *cor;		/* ncor x ncor, NULL without a covariance */
	double condition;	/* NAN without a covariance */
};

/*
 * After pop_estimate (or pop_evaluate_at and pop_covariance_current) with
 * the individuals at their modes: d filled from p and res.  Random effects
 * whose omega is 0 have NAN statistics.  Leaves p's parameters as they
 * are.  Returns -1 when out of memory or the IWRES cannot be computed.
 */
int pop_diagnose(struct pop *p, const struct pop_result *res,
    struct pop_diag *d, struct twin_err *err);
void pop_diag_free(struct pop_diag *d);

/*
 * The model p was made for, from its file (model->path), with res's
 * estimates written in (model_rewrite): the thetas estimated, the omega
 * entries estimated, the residual standard deviations (the square roots
 * of the SIGMA variances); each followed by its standard error and RSE% as
 * a comment where the file is in block style.  The header comments say
 * what made it: origin (one line from the caller, e.g. the program and
 * the data files), the source model, the OFV, whether the search
 * converged, and every estimate with its SE.  Written to outpath (renamed
 * into place when complete).  -1 when the model has no file or a value
 * has no place in it (TWIN_EINPUT), or on a system error.
 */
int pop_write_model(struct pop *p, const struct pop_result *res,
    const char *origin, const char *outpath, struct twin_err *err);

#endif
