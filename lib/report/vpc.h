/*
 * vpc.h - a visual predictive check: percentiles of observed data per
 * time bin against the spread of the same percentiles over replicates
 * simulated from the model with the same design.
 *
 * Samples are added as (replicate, time, value, PRED, BLQ): replicate 0
 * is the observed data, 1, 2, ... the simulated replicates (any positive
 * numbers; twin-sim -n writes them in REP).  vpc_compute then
 *
 *   1. makes bins from the observed times: the edges given, or
 *      automatically nbins bins of equal counts of observations, an edge
 *      halfway between two distinct times so that equal times share a
 *      bin (fewer bins if there are fewer distinct times).  A bin is
 *      [from, to), the last one [from, to]; samples outside all bins are
 *      left out.  A bin's time is the mean of its observed times.
 *   2. with prediction correction (Bergstrand et al. 2011, AAPS J 13:143)
 *      replaces every value y of a sample whose PRED is p by
 *      y * pbin / p (VPC_PC_PROP; a sample with p <= 0, such as one
 *      before the first dose, keeps its value) or y + pbin - p
 *      (VPC_PC_ADD, for data on a log scale), pbin being the median PRED
 *      of the bin's observed samples.
 *   3. per bin: each percentile of the observed values; and each
 *      percentile of every replicate's values, whose median and central
 *      ci interval over the replicates it reports.
 *
 * Quantiles are R's type 7 throughout (as report/bands.h): linear
 * interpolation between order statistics, h = (n - 1) p.
 *
 * Below the limit of quantification: an observed sample is BLQ when
 * flagged so (the caller reads BLQ and LLOQ), a simulated one when its
 * value is below its LLOQ (not NAN).  BLQ observed samples rank below all
 * others whatever their value (which may be missing); an observed
 * percentile whose lower order statistic is BLQ is censored (obs NAN,
 * censored 1): it is not known.  One that is not censored depends only
 * on quantified values and equals the percentile of the uncensored data,
 * so it is compared with the simulated percentiles of all simulated
 * values.  The fraction BLQ per bin, observed and simulated (median and
 * interval over the replicates), is reported when any LLOQ is known.
 *
 * Strata (PsN's vpc -stratify_on): every sample belongs to a stratum,
 * named by a key (the values of the columns to stratify by, tab-joined;
 * "" without them), equal text for equal strata (twin-sim copies the
 * design's columns as they are), listed in bands_keycmp order
 * (report/bands.h: field by field, as numbers when both are numbers).
 * vpc_compute_stratum checks one stratum: exactly what vpc_compute gives
 * for that stratum's samples alone (its own automatic bins, from its
 * observed times); vpc_compute pools all samples.
 *
 * Memory: every sample is kept (exact percentiles need them all): 48
 * bytes a sample, observed or simulated, plus each stratum's key.
 *
 * Prediction correction changes the samples in place: compute each
 * sample once (every stratum once, or the whole once).
 *
 * Ownership: vpc_new's data are freed by vpc_free; vpc_compute's result
 * by vpc_result_free; vpc_stratify's columns stay the caller's and must
 * outlive the reads.  Errors (EINPUT: no observed samples, a bin without
 * them, missing PRED for the correction, a column to stratify by missing
 * from a file) fill err and return -1.
 */
#ifndef TWIN_VPC_H
#define TWIN_VPC_H

#include "util/err.h"
#include "data/record.h"

/* At most this many percentiles in one check. */
#define VPC_MAXPCT 9
/* The number of automatic bins unless told. */
#define VPC_NBINS 10
/* At most this many columns to stratify by, and the longest key (their
 * values tab-joined, with its NUL). */
#define VPC_MAXBY 8
#define VPC_MAXKEY 1024

enum vpc_pc { VPC_PC_NONE, VPC_PC_PROP, VPC_PC_ADD };

struct vpc_opts {
	int npct;
	double pct[VPC_MAXPCT];	/* fractions, ascending: 0.05 0.5 0.95 */
	double ci;		/* the simulated intervals' level: 0.95 */
	enum vpc_pc pc;
	const double *edges;	/* ascending bin edges (nedges >= 2), or NULL */
	int nedges;
	int nbins;		/* automatic: how many (0: VPC_NBINS) */
};

/* vpc_opts with the defaults above. */
void vpc_opts_default(struct vpc_opts *o);

struct vpc;

struct vpc *vpc_new(void);
void vpc_free(struct vpc *v);

/* Add a sample (y may be NAN if blq, pred NAN if unknown) to the
 * stratum "" (vpc_add) or key (vpc_add_in); -1 if out of memory. */
int vpc_add(struct vpc *v, long rep, double t, double y, double pred,
    int blq);
int vpc_add_in(struct vpc *v, const char *key, long rep, double t,
    double y, double pred, int blq);

/* vpc_read's records: stratify by these nby (at most VPC_MAXBY) columns,
 * record by record; each file must have them. */
void vpc_stratify(struct vpc *v, const char *const *by, int nby);
/* The number of strata (0 before any sample) and the key of stratum i
 * (0 <= i < vpc_nstrata), in key order. */
int vpc_nstrata(const struct vpc *v);
const char *vpc_stratum(const struct vpc *v, int i);

/*
 * Add the samples of a record stream: the rows that are not doses
 * (EVID 0 or 2, or no EVID and no AMT), MDV not 1, with a value in
 * column y or flagged BLQ.  sim 0: observed, replicate 0, BLQ when the
 * BLQ column is 1 or y is below the LLOQ column (or lloq where that is
 * missing); sim 1: replicate REP (1 without a REP column), BLQ when y is
 * below LLOQ (a BLQ column, copied from the design, is ignored).  PRED is
 * read when the stream has it; the stratum from vpc_stratify's columns.  Sets *haslloq when an LLOQ was known for
 * some sample.
 */
int vpc_read(struct vpc *v, struct rec_reader *r, const char *y, int sim,
    double lloq, int *haslloq, struct twin_err *err);

struct vpc_stat {
	double obs;		/* observed; NAN if censored or no data */
	int censored;		/* 1: below the LLOQ, not known */
	double med, lo, hi;	/* simulated: median and interval */
	int outside;		/* obs < lo or obs > hi (0 if obs NAN) */
};

struct vpc_bin {
	double from, to, t;	/* edges, mean observed time */
	long nobs, nsim;	/* samples: observed, simulated (all reps) */
	int nrep;		/* replicates with samples in the bin */
	double pred;		/* median PRED (NAN without correction) */
	struct vpc_stat pct[VPC_MAXPCT];
	struct vpc_stat blq;	/* fraction BLQ */
};

struct vpc_result {
	int nbin;
	struct vpc_bin *bin;
	/* observed samples as analysed (corrected), bin by bin; BLQ ones
	 * are flagged and have y NAN */
	long n;
	double *t, *y;
	int *blq;
};

/* The check of all samples pooled (vpc_compute) or of stratum i alone
 * (vpc_compute_stratum, i in key order). */
int vpc_compute(struct vpc *v, const struct vpc_opts *o,
    struct vpc_result *res, struct twin_err *err);
int vpc_compute_stratum(struct vpc *v, int i, const struct vpc_opts *o,
    struct vpc_result *res, struct twin_err *err);
void vpc_result_free(struct vpc_result *res);

/* The R type 7 p-quantile of n sorted values (NAN if n is 0). */
double vpc_quantile(const double *sorted, long n, double p);

#endif
