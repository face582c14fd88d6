/*
 * people.h - virtual people: sex, age, height, weight and serum creatinine
 * drawn from published population tables, with the derived covariates
 * (BMI, BSA, CRCL, EGFR) of body/formula.h.
 *
 * The tables (data/pop/, found with util/datafile.h) give, per population,
 * sex and age group, the published percentiles 5, 10, 15, 25, 50, 75, 85,
 * 90 and 95 of height, weight and BMI (pop/anthropometry.tsv) and the mean
 * and 95 % reference interval of serum creatinine (pop/creatinine.tsv).
 *
 * How one person is drawn, in this order, from the person's own random
 * stream (util/seed.h: the run's seed, the ID's decimal text and the tag
 * TWIN_STREAM_PERSON), so that a person is the same whatever the number of
 * people or the split of the run:
 *   1. AGE uniform on [age_lo, age_hi) (continuous, years);
 *   2. SEX: as asked, or with "both" male or female with probability 1/2
 *      (a uniform number is drawn in every case, so the stream's later
 *      numbers do not depend on the option);
 *   3. two standard normal numbers z1, z2: the normal scores of height
 *      (z1) and weight (rho z1 + sqrt(1 - rho^2) z2), a Gaussian copula;
 *   4. HT = Q_HT(score), WT = Q_WT(score): the quantile functions of the
 *      person's sex and age group, piecewise linear in (normal score, log
 *      value) through the published percentiles, so that the population
 *      reproduces each published percentile; below the 5th and above the
 *      95th (or the last published) percentile the line continues with the
 *      slope of a least-squares fit of log percentile on normal score
 *      (the log-normal spread of the group);
 *   5. one standard normal number z3: SCR = mean + sd z3 with sd the width
 *      of the published 95 % interval / (2 x 1.959964) (the source fits a
 *      Gaussian); NaN (not known) at ages the creatinine table does not
 *      cover, and then CRCL and EGFR are NaN too;
 *   6. BMI, BSA, CRCL, EGFR by the formulas of body/formula.h.
 * rho, the correlation of the normal scores of height and weight, is
 * derived per sex from the published percentiles of the table's "all"
 * group (every adult age) by var(ln BMI) = var(ln WT) + 4 var(ln HT) -
 * 4 rho sd(ln HT) sd(ln WT), each sd the least-squares slope of log
 * percentile on normal score.  An age falls in the group [age_lo, age_hi)
 * that holds it; groups are steps, not interpolated.
 *
 * Ownership: people_load returns an object owned by the caller
 * (people_free).  It holds the random generator: one object per thread.
 *
 * Errors: -1 (or NULL) and err: TWIN_ESYSTEM for a table not found or not
 * readable, TWIN_EINPUT for a malformed table, TWIN_EUNKNOWN for an
 * unknown population, TWIN_EDOMAIN for an age range the tables do not
 * cover, a person the formulas refuse or no body the physiology can make
 * in PEOPLE_MAX_DRAWS draws, TWIN_ENOMEM.
 */
#ifndef TWIN_PEOPLE_H
#define TWIN_PEOPLE_H

#include "util/err.h"

#define PEOPLE_POPULATION "us"	/* default population */
#define PEOPLE_NPCT 9		/* published percentiles per group */

/* SEX of the records (1 male, 2 female); PEOPLE_BOTH for the option. */
enum { PEOPLE_MALE = 1, PEOPLE_FEMALE = 2, PEOPLE_BOTH = 3 };

/* A person the physiology rules (phys.h) cannot make is drawn again,
 * at most this many times in all. */
#define PEOPLE_MAX_DRAWS 100

struct people_opts {
	unsigned long seed;
	int sex;		/* PEOPLE_MALE, PEOPLE_FEMALE or PEOPLE_BOTH */
	double age_lo, age_hi;	/* ages drawn from [age_lo, age_hi) */
	int unchecked;		/* keep bodies the physiology cannot make */
};

struct person {
	int sex;		/* 1 male, 2 female */
	double age, ht, wt, scr;	/* years, cm, kg, mg/dL (NaN: none) */
	double bmi, bsa, crcl, egfr;	/* kg/m^2, m^2, mL/min,
					 * mL/min/1.73 m^2 (NaN: no SCR) */
	int draws;		/* bodies drawn until the physiology took one */
};

struct people;

/* The tables of population name (NULL: PEOPLE_POPULATION). */
struct people *people_load(const char *name, struct twin_err *err);
void people_free(struct people *p);

/* The ages the anthropometric tables cover for both sexes: [lo, hi). */
void people_ages(const struct people *p, double *lo, double *hi);

/* The ages the creatinine table covers for sex: [lo, hi); 0, 0 if none. */
void people_scr_ages(const struct people *p, int sex, double *lo,
    double *hi);

/* The copula correlation rho of sex (1 or 2). */
double people_rho(const struct people *p, int sex);

/* 0 if every age of o's range is covered for o's sexes; -1 and err
 * (TWIN_EDOMAIN or TWIN_EINPUT for a bad sex or an empty range). */
int people_check(const struct people *p, const struct people_opts *o,
    struct twin_err *err);

/* The person with this ID (its decimal text keys the random stream). */
int people_draw(struct people *p, const struct people_opts *o, long id,
    struct person *out, struct twin_err *err);

/*
 * The published percentiles of measure ("height", "weight", "bmi") for
 * sex and the age group holding age, into pct[0..PEOPLE_NPCT-1] (NaN where
 * not published); with n, mean and se when not NULL.  For the tests.
 */
extern const double people_pct[PEOPLE_NPCT];	/* 5, 10, ..., 95 */
int people_table(const struct people *p, const char *measure, int sex,
    double age, double *pct, double *n, double *se);

#endif
