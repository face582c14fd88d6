/*
 * target.h - metrics of a curve over a time window, and targets: one or
 * more conditions on metrics that must all hold.
 *
 *   target    = condition { ("and" | ",") condition }
 *   condition = metric range
 *   metric    = name [ "(" number [ "," number ] ")" ] | "fT>" number
 *   range     = (">=" | ">" | "<=" | "<") number | number ".." number
 *
 * Metrics (window [a, b], the curve of profile.h):
 *   trough          the last sample before the last dose in (a, b]; the
 *                   last sample in the window when no dose is in it
 *   peak, cmax      the highest sample in [a, b];  cmin, the lowest
 *   auc             area over [a, b];  auc(t1, t2) over [t1, t2]
 *   auc24           area over [a, a + 24 h]
 *   cavg            auc / (b - a)
 *   fT>X            percent of [a, b] with the value above X
 *   tir(lo, hi)     percent of [a, b] with lo <= value <= hi (70, 180)
 *   tbr(x)          percent below x (70);  tar(x) percent above x (180)
 * The one implementation behind twin-report target and twin-dose.
 */
#ifndef TWIN_TARGET_H
#define TWIN_TARGET_H

#include "util/err.h"
#include "data/profile.h"

enum metric_kind { MET_TROUGH, MET_PEAK, MET_CMIN, MET_AUC, MET_AUC24,
    MET_CAVG, MET_ABOVE, MET_TIR, MET_TBR, MET_TAR };

struct metric {
	enum metric_kind kind;
	double arg[2];
	int narg;
	char name[32];		/* as written, for column headers */
};

/* lo <= value <= hi with open or closed ends; infinite when absent. */
struct range {
	double lo, hi;
	int incl_lo, incl_hi;
};

struct condition {
	struct metric m;
	struct range r;
};

#define TARGET_MAXCOND 16

struct target {
	int n;			/* at most TARGET_MAXCOND */
	struct condition *c;
};

/* Parse text; errors say "column N: what is wrong". */
int target_parse(const char *text, struct target *t, struct twin_err *err);
void target_free(struct target *t);

/* Parse a range alone. */
int range_parse(const char *text, struct range *r, struct twin_err *err);
/* Does x lie in r?  A value within RANGE_RTOL (relative) of a bound
 * counts as on it: simulated values are accurate to about 1e-10, so a
 * dose that reaches a bound exactly is not refused for rounding. */
#define RANGE_RTOL 1e-9
int range_holds(const struct range *r, double x);
/* How far x is outside r (0 inside). */
double range_distance(const struct range *r, double x);

/* Every condition of t over [a, b] of p: the metrics into value (t->n of
 * them).  Returns 1 if all hold, 0 if one does not, -1 if a metric cannot
 * be told (NAN). */
int target_eval(const struct target *t, const struct profile *p, double a,
    double b, enum interp in, double hours, double *value);

/* The exact (Clopper-Pearson) interval at level (e.g. 0.95) of the
 * probability of attainment when k of n attain. */
void target_ci(long k, long n, double level, double *lo, double *hi);

/* Value of m over [a, b] of p; hours: time units in one hour (1 for h,
 * 60 for min).  NAN if the window has no samples to tell. */
double metric_eval(const struct metric *m, const struct profile *p,
    double a, double b, enum interp in, double hours);

#endif
