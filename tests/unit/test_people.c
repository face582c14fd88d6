/*
 * test_people - lib/body/people: virtual people against the published
 * tables they are drawn from (data/pop/).
 *
 * Expected values are the published numbers (Fryar et al. 2025, NHANES
 * August 2021-August 2023; Pottel et al. 2008), read here through
 * people_table (the table as shipped) or written out below, and hand
 * calculations; tolerances are sampling errors, computed as stated:
 *
 *  - Height and weight percentiles: the generator is built to reproduce
 *    the published percentiles, so the only error is Monte Carlo: the
 *    p-quantile of N draws has standard error sqrt(p (1 - p) / N) / f, f
 *    the density at the quantile, estimated from the published percentiles
 *    around it (difference of the neighbouring percentile levels over the
 *    difference of their values; one-sided at 5 and 95).  Tolerance: 4 such
 *    standard errors (N = 40000 per sex and age group).
 *  - BMI percentiles follow from height, weight and their correlation, so
 *    they also carry the survey's own sampling error: the published BMI
 *    percentiles come from a few hundred people per group.  That error is
 *    the same formula with the survey's effective sample size n_eff =
 *    (SD / SE)^2, SE the published standard error of the mean and SD the
 *    normal-equivalent standard deviation (P85 - P15) / (2 x 1.036433)
 *    of the published percentiles: se = SE sqrt(p (1 - p)) / (SD f).
 *    Tolerance: 4 sqrt(se_mc^2 + se_survey^2).
 *  - The height-weight correlation: rho per sex, derived from the published
 *    "20 and older" percentiles of height, weight and BMI (Fryar 2025
 *    Tables 3, 7, 10) by var(ln BMI) = var(ln W) + 4 var(ln H) -
 *    4 rho sd(ln H) sd(ln W), each sd the least-squares slope of ln
 *    percentile on the normal score of its level, computed by hand (Python,
 *    statistics.NormalDist): men sd(ln H) 0.0433997, sd(ln W) 0.2283384,
 *    sd(ln BMI) 0.2067507 -> rho 0.4270194; women 0.0438874, 0.2615582,
 *    0.2533454 -> rho 0.2598905.  The generated people's Spearman rank
 *    correlation must be 6/pi asin(rho / 2) (exact for a Gaussian copula)
 *    within 4 / sqrt(N).
 *  - Serum creatinine 20-70 y: mean 0.90 (men), 0.70 (women) mg/dL within
 *    4 sd / sqrt(N).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body/formula.h"
#include "body/people.h"
#include "body/phys.h"
#include "tap.h"

#define N 40000
#define PI 3.14159265358979323846

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The p-quantile (0 < p < 1) of sorted x[0..n-1], interpolated. */
static double
quantile(const double *x, int n, double p)
{
	double h = p * (n - 1);
	int i = (int)h;

	return i + 1 < n ? x[i] + (h - i) * (x[i + 1] - x[i]) : x[n - 1];
}

/* The density at published percentile k, from its neighbours. */
static double
density(const double *pct, int k)
{
	int lo = k, hi = k;

	do
		lo--;
	while (lo >= 0 && isnan(pct[lo]));
	do
		hi++;
	while (hi < PEOPLE_NPCT && isnan(pct[hi]));
	if (lo < 0)
		lo = k;
	if (hi >= PEOPLE_NPCT)
		hi = k;
	return (people_pct[hi] - people_pct[lo]) / 100 / (pct[hi] - pct[lo]);
}

/*
 * Generated percentiles of sorted x against the published pct: the
 * largest |difference| / tolerance (<= 1 passes).  survey: add the
 * survey's sampling error (BMI).
 */
static double
worst(const double *x, const double *pct, double se, int survey)
{
	double w = 0;
	int k;

	for (k = 0; k < PEOPLE_NPCT; k++) {
		double p = people_pct[k] / 100, f, v, tol;

		if (isnan(pct[k]))
			continue;
		f = density(pct, k);
		v = p * (1 - p) / N / (f * f);
		if (survey) {
			double sd = (pct[6] - pct[2]) / (2 * 1.036433);
			v += se * se * p * (1 - p) / (sd * sd * f * f);
		}
		tol = 4 * sqrt(v);
		w = fmax(w, fabs(quantile(x, N, p) - pct[k]) / tol);
	}
	return w;
}

/* Ranks (0..n-1) of x into r, via an index sort. */
static const double *rank_key;

static int
cmpidx(const void *a, const void *b)
{
	double x = rank_key[*(const int *)a], y = rank_key[*(const int *)b];

	return (x > y) - (x < y);
}

static double
spearman(const double *x, const double *y, int n)
{
	int *ix = malloc(n * sizeof(int)), i;
	double *rx = malloc(n * sizeof(double)), *ry = malloc(n * sizeof(double));
	double s = 0, m = (n - 1) / 2.0, sxx = 0;

	for (i = 0; i < n; i++)
		ix[i] = i;
	rank_key = x;
	qsort(ix, n, sizeof(int), cmpidx);
	for (i = 0; i < n; i++)
		rx[ix[i]] = i;
	for (i = 0; i < n; i++)
		ix[i] = i;
	rank_key = y;
	qsort(ix, n, sizeof(int), cmpidx);
	for (i = 0; i < n; i++)
		ry[ix[i]] = i;
	for (i = 0; i < n; i++) {
		s += (rx[i] - m) * (ry[i] - m);
		sxx += (rx[i] - m) * (rx[i] - m);
	}
	free(ix);
	free(rx);
	free(ry);
	return s / sxx;
}

int
main(void)
{
	static const double bands[][2] = { { 18, 20 }, { 20, 30 }, { 30, 40 },
	    { 40, 50 }, { 50, 60 }, { 60, 70 }, { 70, 80 }, { 80, 90 } };
	static const double rho[3] = { 0, 0.42701944666897773,
	    0.25989053919205196 };
	static const double scrmean[3] = { 0, 0.90, 0.70 };
	static const double scrsd[3] = { 0, (1.16 - 0.63) / (2 * 1.959964),
	    (0.93 - 0.48) / (2 * 1.959964) };
	struct twin_err err;
	struct people *p;
	struct people_opts o;
	struct person a, b, c;
	double *ht = malloc(N * sizeof(double)), *wt = malloc(N * sizeof(double));
	double *bmi = malloc(N * sizeof(double));
	double lo, hi, pct[PEOPLE_NPCT], se, cov[FORMULA_NCOV], f[32];
	char what[128];
	int sex, band, i, ok;

	setenv("TWIN_DATA_PATH", "../../data", 1);
	p = people_load(NULL, &err);
	tap_ok(p != NULL, "the default population loads");
	if (p == NULL) {
		printf("# %s\n", err.msg);
		free(ht);
		free(wt);
		free(bmi);
		return tap_done();
	}
	tap_ok(people_load("mars", &err) == NULL && err.kind == TWIN_EUNKNOWN &&
	    strstr(err.msg, "\"mars\"") != NULL, "an unknown population is "
	    "an unknown-name error naming it");
	people_ages(p, &lo, &hi);
	tap_ok(lo == 18 && hi == 90, "the tables cover ages 18 to 90");
	tap_close(people_rho(p, PEOPLE_MALE), rho[1], 1e-9,
	    "rho of men as derived by hand from Fryar 2025");
	tap_close(people_rho(p, PEOPLE_FEMALE), rho[2], 1e-9,
	    "rho of women as derived by hand from Fryar 2025");

	memset(&o, 0, sizeof(o));
	o.seed = 1;
	o.sex = PEOPLE_BOTH;
	o.age_lo = 10;
	o.age_hi = 30;
	tap_ok(people_check(p, &o, &err) < 0 && err.kind == TWIN_EDOMAIN,
	    "ages below the tables are refused");
	o.age_lo = 18;
	o.age_hi = 91;
	tap_ok(people_check(p, &o, &err) < 0 && err.kind == TWIN_EDOMAIN,
	    "ages above the tables are refused");
	o.age_lo = 30;
	o.age_hi = 20;
	tap_ok(people_check(p, &o, &err) < 0 && err.kind == TWIN_EINPUT,
	    "an empty age range is refused");

	/* The anthropometry as drawn, before the physiology's check. */
	o.unchecked = 1;
	for (sex = PEOPLE_MALE; sex <= PEOPLE_FEMALE; sex++)
		for (band = 0; band < 8; band++) {
			double w, s = 0;
			int nscr = 0;

			o.sex = sex;
			o.age_lo = bands[band][0];
			o.age_hi = bands[band][1];
			ok = people_check(p, &o, &err) == 0;
			for (i = 0; ok && i < N; i++) {
				ok = people_draw(p, &o, i + 1, &a, &err) == 0 &&
				    a.sex == sex && a.age >= o.age_lo &&
				    a.age < o.age_hi;
				ht[i] = a.ht;
				wt[i] = a.wt;
				bmi[i] = a.bmi;
				if (!isnan(a.scr)) {
					s += a.scr;
					nscr++;
				}
			}
			snprintf(what, sizeof(what), "%s %g-%g: %d people "
			    "drawn", sex == 1 ? "men" : "women", o.age_lo,
			    o.age_hi, N);
			tap_ok(ok, what);
			if (!ok) {
				printf("# %s\n", err.msg);
				continue;
			}
			if (band == 3) {
				snprintf(what, sizeof(what), "%s 40-50: "
				    "Spearman correlation of height and "
				    "weight 6/pi asin(rho/2)", sex == 1 ? "men" :
				    "women");
				w = spearman(ht, wt, N);
				tap_ok(fabs(w - 6 / PI * asin(rho[sex] / 2)) <
				    4 / sqrt(N), what);
				printf("# Spearman %.4f, expected %.4f\n", w,
				    6 / PI * asin(rho[sex] / 2));
			}
			qsort(ht, N, sizeof(double), cmp);
			qsort(wt, N, sizeof(double), cmp);
			qsort(bmi, N, sizeof(double), cmp);
			people_table(p, "height", sex, o.age_lo, pct, NULL, &se);
			w = worst(ht, pct, se, 0);
			snprintf(what, sizeof(what), "%s %g-%g: height "
			    "percentiles as published (worst %.2f of "
			    "tolerance)", sex == 1 ? "men" : "women", o.age_lo,
			    o.age_hi, w);
			tap_ok(w <= 1, what);
			people_table(p, "weight", sex, o.age_lo, pct, NULL, &se);
			w = worst(wt, pct, se, 0);
			snprintf(what, sizeof(what), "%s %g-%g: weight "
			    "percentiles as published (worst %.2f of "
			    "tolerance)", sex == 1 ? "men" : "women", o.age_lo,
			    o.age_hi, w);
			tap_ok(w <= 1, what);
			people_table(p, "bmi", sex, o.age_lo, pct, NULL, &se);
			w = worst(bmi, pct, se, 1);
			snprintf(what, sizeof(what), "%s %g-%g: BMI percentiles "
			    "as published within sampling error (worst %.2f "
			    "of tolerance)", sex == 1 ? "men" : "women",
			    o.age_lo, o.age_hi, w);
			tap_ok(w <= 1, what);
			/* Pottel 2008 for 20-70, the same distribution
			 * outside (Pottel 2017's constant adult Q) */
			snprintf(what, sizeof(what), "%s %g-%g: mean SCR as "
			    "published%s", sex == 1 ? "men" : "women",
			    o.age_lo, o.age_hi, o.age_lo >= 20 &&
			    o.age_hi <= 70 ? "" : " (extrapolated)");
			tap_ok(nscr == N && fabs(s / N - scrmean[sex]) <
			    4 * scrsd[sex] / sqrt(N) && !isnan(a.crcl) &&
			    !isnan(a.egfr), what);
		}

	/* Checked (the default): every body is one the physiology rules
	 * make; those they cannot are drawn again (how often, per group). */
	o.unchecked = 0;
	for (sex = PEOPLE_MALE; sex <= PEOPLE_FEMALE; sex++)
		for (band = 0; band < 8; band++) {
			struct phys *ph = phys_load(&err);
			struct phys_values pv;
			double pc[PHYS_NCOV];
			long redrawn = 0;

			o.sex = sex;
			o.age_lo = bands[band][0];
			o.age_hi = bands[band][1];
			ok = ph != NULL;
			for (i = 0; ok && i < N / 10; i++) {
				ok = people_draw(p, &o, i + 1, &a, &err) == 0;
				pc[PHYS_SEX] = a.sex;
				pc[PHYS_AGE] = a.age;
				pc[PHYS_HT] = a.ht;
				pc[PHYS_WT] = a.wt;
				ok = ok && phys_eval(ph, pc, &pv, &err) == 0;
				redrawn += a.draws - 1;
			}
			snprintf(what, sizeof(what), "%s %g-%g: every body "
			    "the physiology's (%.2f%% drawn again)", sex == 1 ?
			    "men" : "women", o.age_lo, o.age_hi,
			    100.0 * redrawn / (N / 10));
			tap_ok(ok, what);
			phys_free(ph);
		}

	/* The same ID is the same person whatever else is drawn. */
	o.sex = PEOPLE_BOTH;
	o.age_lo = 20;
	o.age_hi = 80;
	o.seed = 1;
	ok = people_draw(p, &o, 7, &a, &err) == 0;
	for (i = 1; ok && i <= 100; i++)
		ok = people_draw(p, &o, i, &b, &err) == 0;
	ok = ok && people_draw(p, &o, 7, &b, &err) == 0;
	tap_ok(ok && a.sex == b.sex && a.age == b.age && a.ht == b.ht &&
	    a.wt == b.wt && (a.scr == b.scr || (isnan(a.scr) &&
	    isnan(b.scr))) && a.bsa == b.bsa,
	    "ID 7 is the same person drawn alone or after 100 others");
	o.seed = 2;
	ok = people_draw(p, &o, 7, &c, &err) == 0;
	tap_ok(ok && a.ht != c.ht && a.wt != c.wt && a.age != c.age,
	    "another seed gives ID 7 another body");
	o.seed = 1;
	ok = people_draw(p, &o, 8, &c, &err) == 0;
	tap_ok(ok && a.ht != c.ht && a.age != c.age,
	    "ID 8 differs from ID 7");

	/* Derived covariates are body/formula's. */
	cov[FORMULA_SEX] = a.sex;
	cov[FORMULA_AGE] = a.age;
	cov[FORMULA_HT] = a.ht;
	cov[FORMULA_WT] = a.wt;
	cov[FORMULA_SCR] = a.scr;
	ok = formula_count() <= 32 && formula_person(cov, f, &err) == 0;
	tap_ok(ok && f[formula_index("BMI")] == a.bmi &&
	    f[formula_index("BSA")] == a.bsa &&
	    (f[formula_index("CRCL")] == a.crcl || isnan(a.crcl)) &&
	    (f[formula_index("EGFR")] == a.egfr || isnan(a.egfr)),
	    "BMI, BSA, CRCL and EGFR are body/formula's values");

	people_free(p);
	free(ht);
	free(wt);
	free(bmi);
	return tap_done();
}
