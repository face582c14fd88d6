/*
 * nca.h - noncompartmental analysis of one individual's profile.
 *
 * With a single dose the analysis starts at that dose; with repeated
 * doses, or a dose at steady state, it covers the last dose and its
 * dosing interval tau (steady-state analysis).  Times are relative to
 * that dose.  Without a sample at the dose time the curve starts at 0
 * after a single dose (back-extrapolated after an IV bolus, where a
 * pre-dose sample at the dose time does not count) and at the interval's
 * lowest sample at steady state.  A terminal fit counts only if it
 * falls: lambda-z > 0 and adjusted R^2 > 0 (the line explains more than
 * the mean, F > 1) and >= lz_min_r2adj; else every parameter that needs
 * it is missing and lznote says why.  A result that is not finite
 * although the samples are (overflow) is an error.  Definitions and
 * formulas: twin-report(1).
 */
#ifndef TWIN_NCA_H
#define TWIN_NCA_H

#include "util/err.h"
#include "data/profile.h"

struct nca_opts {
	enum interp method;
	int lz_points;		/* > 0: lambda-z from the last N samples */
	double lz_from, lz_to;	/* not NAN: from the samples in this window */
	double tau;		/* NAN: the last dose's II */
	int iv_bolus;		/* back-extrapolate C0 after a single dose */
	double lz_min_r2adj;	/* a fit needs adjusted R^2 >= this (and > 0) */
	int npartial;
	const double *partial;	/* npartial pairs (from, to) */
};

struct nca_result {
	double tref, dose;
	double c0;		/* the value put at the dose time, NAN if sampled */
	double cmax, tmax, clast, tlast;
	double auclast, aucinf, aucpext, aumclast, aumcinf;
	double lambdaz, lzr2adj, lzstart, lzend, thalf;
	int lzn;
	const char *lzrule;	/* "best-fit", "points", "window", "none" */
	const char *lznote;	/* why there is no lambda-z: NCA_LZ_* or NULL */
	double mrt, cl, vz;
	int ss;			/* steady-state analysis of the last interval */
	double tau, auctau, cmin, ctrough, cavg, rac;
	double *partial;	/* npartial areas, caller-allocated */
	int bad;		/* on an overflow error: the sample (index in
				 * the profile) it is blamed on, else -1 */
};

/* Why a profile has no lambda-z (nca_result.lznote). */
#define NCA_LZ_FEW "few-points"		/* < 3 positive samples to fit */
#define NCA_LZ_FLAT "no-decline"	/* slope >= 0 or adjusted R^2 <= 0 */
#define NCA_LZ_LOWR2 "low-r2adj"	/* adjusted R^2 < lz_min_r2adj */

/* Best-fit lambda-z: adjusted R^2 within this of the best counts as a
 * tie, and the tie with more points wins. */
#define NCA_LZ_TIE 1e-4

int nca_compute(const struct profile *p, const struct nca_opts *o,
    struct nca_result *res, struct twin_err *err);

#endif
