/*
 * profile.h - one individual's curve: the samples of one column in time,
 * the doses that shaped it, and what can be read off such a curve
 * between samples (values, areas, time spent in a range).
 *
 * Samples are the rows with a value in the column that are not dose
 * rows (EVID 1 and 4), in stream order: at a dose time, a sample written
 * before the dose row is a pre-dose sample, one written after it a
 * post-dose sample (twin-sim writes both).  Doses come from EVID 1 and 4
 * rows; ADDL/II repeats are expanded.  An ADDL dose has no row and acts
 * before the records at its time (NONMEM's order, twin-sim's too), so a
 * sample at its time is post-dose.
 *
 * Between two samples the curve is a straight line, or with linear-up/
 * log-down an exponential where it falls between positive values: the
 * rule of the NCA trapezoid, used for every area and every time in range,
 * so that a metric and the NCA table agree.
 *
 * Ownership: struct profile is caller-owned, reused between individuals
 * and freed by profile_free.
 */
#ifndef TWIN_PROFILE_H
#define TWIN_PROFILE_H

#include "util/err.h"
#include "data/record.h"

enum interp { INTERP_LINLOG, INTERP_LINEAR };

/* Below the limit of quantification: how samples flagged BLQ are used. */
enum blq_rule {
	BLQ_KEEP,	/* as recorded */
	BLQ_ZERO,	/* all set to 0 */
	BLQ_DROP,	/* all ignored */
	BLQ_DEFAULT	/* 0 before the first quantified sample, else ignored */
};

struct profile_cols {
	int time, evid, mdv, amt, rate, ii, addl, ss, y, lloq, blq, cmt;
	double lloq_value;	/* --lloq, NAN if not given */
	enum blq_rule blq_rule;
	const char *cmt_value;	/* not NULL: only samples whose CMT field
				 * is this string (doses count whatever
				 * their CMT) */
};

struct pdose {
	double t, amt, ii;
	double rate;	/* RATE > 0: an infusion; else 0 */
	int ss;		/* SS flag of the record */
	int pre;	/* samples before the dose in stream order */
};

struct profile {
	const char *id;
	int n, cap;
	double *t, *y;
	int *row;		/* input row of each sample */
	int nd, dcap;
	struct pdose *dose;	/* in time order */
};

/* Columns of r by name; y is the column to read ("DV" for observed data).
 * Missing optional columns are -1; a missing y column is an error, and
 * so is a missing CMT column when cmt_value is set.  lloq_value,
 * blq_rule and cmt_value are the caller's and left as they are. */
int profile_cols(struct profile_cols *c, const struct rec_reader *r,
    const char *y, struct twin_err *err);

/* Fill p from one individual.  Errors name the file and line. */
int profile_read(struct profile *p, const struct profile_cols *c,
    const struct rec_reader *r, const struct rec_indiv *ind,
    struct twin_err *err);
void profile_free(struct profile *p);

/* Append a sample (row: its input row, or -1) or a dose, growing the
 * arrays; -1 if out of memory.  For curves built by a program. */
int profile_add_sample(struct profile *p, double t, double y, int row);
int profile_add_dose(struct profile *p, const struct pdose *d);

/* Value at time x (t[0] <= x <= t[n-1]) by the interpolation rule, taking
 * the later of samples at equal times, NAN outside the samples. */
double profile_at(const struct profile *p, double x, enum interp m);

/* Area under the curve from a to b (a <= b) by the rule; beyond the last
 * positive sample the curve is extrapolated with lambdaz if it is > 0,
 * else the area there is NAN.  Before the first sample it is NAN. */
double profile_auc(const struct profile *p, double a, double b,
    enum interp m, double lambdaz);

/* Time spent between a and b with the value in [lo, hi] (either bound may
 * be infinite; incl_lo/incl_hi: closed bound), under the rule; NAN if the
 * samples do not cover [a, b]. */
double profile_time_in(const struct profile *p, double a, double b,
    double lo, int incl_lo, double hi, int incl_hi, enum interp m);

/* Area under the segment from t1,c1 to t2,c2 by the rule, and of t*C. */
double seg_auc(double t1, double c1, double t2, double c2, enum interp m);
double seg_aumc(double t1, double c1, double t2, double c2, enum interp m);

#endif
