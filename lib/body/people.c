/* people.c - see people.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "body/phys.h"
#include "util/num.h"
#include "util/seed.h"
#include "util/tsv.h"
#include "body/formula.h"
#include "body/people.h"

#define ANTHRO_TABLE "pop/anthropometry.tsv"
#define SCR_TABLE "pop/creatinine.tsv"
#define MAXGROUP 64

const double people_pct[PEOPLE_NPCT] = { 5, 10, 15, 25, 50, 75, 85, 90, 95 };

enum { M_HT, M_WT, M_BMI, NMEASURE };
static const char *const measname[NMEASURE] = { "height", "weight", "bmi" };

/* One measure of one sex and age group: the published row and the
 * quantile function built from it. */
struct quant {
	double n, mean, se;
	double pct[PEOPLE_NPCT];	/* NaN: not published */
	int nk;			/* knots: published percentiles */
	double kz[PEOPLE_NPCT], kx[PEOPLE_NPCT];	/* normal score, log */
	double slope;		/* least-squares sd of the log */
};

struct group {
	int sex, all;
	double lo, hi;
	int have[NMEASURE];
	struct quant q[NMEASURE];
};

struct scrrow {
	int sex;
	double lo, hi, mean, sd;
};

struct people {
	int ngroup, nscr;
	struct group g[MAXGROUP];
	struct scrrow s[MAXGROUP];
	double rho[3];		/* by SEX */
	gsl_rng *rng;
	struct fprog *fp;
	int i_bmi, i_bsa, i_crcl, i_egfr;
	struct phys *ph;	/* its rules: who a body can be made for */
};

static int
parse_sex(const struct tsv *t, int c, int *sex, struct twin_err *err)
{
	if (strcmp(t->col[c], "male") == 0)
		*sex = PEOPLE_MALE;
	else if (strcmp(t->col[c], "female") == 0)
		*sex = PEOPLE_FEMALE;
	else
		return twin_error(err, "%s:%d: sex \"%s\" is not male or "
		    "female", t->path, t->lineno, t->col[c]);
	return 0;
}

static struct group *
find_group(struct people *p, int sex, int all, double lo, double hi)
{
	int i;

	for (i = 0; i < p->ngroup; i++)
		if (p->g[i].sex == sex && p->g[i].all == all &&
		    p->g[i].lo == lo && p->g[i].hi == hi)
			return &p->g[i];
	if (p->ngroup == MAXGROUP)
		return NULL;
	p->g[p->ngroup].sex = sex;
	p->g[p->ngroup].all = all;
	p->g[p->ngroup].lo = lo;
	p->g[p->ngroup].hi = hi;
	return &p->g[p->ngroup++];
}

/* The knots and the tail slope of a published row. */
static int
quant_build(struct quant *q)
{
	double mz = 0, mx = 0, szz = 0, szx = 0;
	int k;

	q->nk = 0;
	for (k = 0; k < PEOPLE_NPCT; k++) {
		if (isnan(q->pct[k]))
			continue;
		if (q->pct[k] <= 0 || (q->nk > 0 &&
		    log(q->pct[k]) <= q->kx[q->nk - 1]))
			return -1;
		q->kz[q->nk] = gsl_cdf_ugaussian_Pinv(people_pct[k] / 100);
		q->kx[q->nk] = log(q->pct[k]);
		mz += q->kz[q->nk];
		mx += q->kx[q->nk];
		q->nk++;
	}
	if (q->nk < 2)
		return -1;
	mz /= q->nk;
	mx /= q->nk;
	for (k = 0; k < q->nk; k++) {
		szz += (q->kz[k] - mz) * (q->kz[k] - mz);
		szx += (q->kz[k] - mz) * (q->kx[k] - mx);
	}
	q->slope = szx / szz;
	return 0;
}

/* The value of normal score z. */
static double
quant_eval(const struct quant *q, double z)
{
	int k;

	if (z <= q->kz[0])
		return exp(q->kx[0] + q->slope * (z - q->kz[0]));
	for (k = 1; k < q->nk; k++)
		if (z <= q->kz[k])
			return exp(q->kx[k - 1] + (q->kx[k] - q->kx[k - 1]) *
			    (z - q->kz[k - 1]) / (q->kz[k] - q->kz[k - 1]));
	return exp(q->kx[q->nk - 1] + q->slope * (z - q->kz[q->nk - 1]));
}

static int
load_anthro(struct people *p, const char *name, struct twin_err *err)
{
	struct tsv t;
	int c[11], cp[PEOPLE_NPCT], i, k, m, rc, nrow = 0;
	static const char *const cn[] = { "population", "group", "sex",
	    "age_lo", "age_hi", "measure", "n", "mean", "se", NULL };
	char pname[16];

	if (tsv_open(&t, ANTHRO_TABLE, err) < 0)
		return -1;
	for (i = 0; cn[i] != NULL; i++)
		if ((c[i] = tsv_col(&t, cn[i], err)) < 0)
			goto fail;
	for (k = 0; k < PEOPLE_NPCT; k++) {
		snprintf(pname, sizeof(pname), "p%g", people_pct[k]);
		if ((cp[k] = tsv_col(&t, pname, err)) < 0)
			goto fail;
	}
	while ((rc = tsv_next(&t, err)) == 1) {
		struct group *g;
		struct quant *q;
		int sex, all;
		double lo, hi;

		if (strcmp(t.col[c[0]], name) != 0)
			continue;
		nrow++;
		all = strcmp(t.col[c[1]], "all") == 0;
		if (!all && strcmp(t.col[c[1]], "band") != 0) {
			twin_error(err, "%s:%d: group \"%s\" is not band or "
			    "all", t.path, t.lineno, t.col[c[1]]);
			goto fail;
		}
		if (parse_sex(&t, c[2], &sex, err) < 0 ||
		    tsv_num(&t, c[3], 0, &lo, err) < 0 ||
		    tsv_num(&t, c[4], 0, &hi, err) < 0)
			goto fail;
		for (m = 0; m < NMEASURE; m++)
			if (strcmp(t.col[c[5]], measname[m]) == 0)
				break;
		if (m == NMEASURE || !(lo < hi)) {
			twin_error(err, "%s:%d: bad measure \"%s\" or ages",
			    t.path, t.lineno, t.col[c[5]]);
			goto fail;
		}
		if ((g = find_group(p, sex, all, lo, hi)) == NULL) {
			twin_error(err, "%s: more than %d groups", t.path,
			    MAXGROUP);
			goto fail;
		}
		q = &g->q[m];
		if (g->have[m]) {
			twin_error(err, "%s:%d: a second %s row for this "
			    "group", t.path, t.lineno, measname[m]);
			goto fail;
		}
		g->have[m] = 1;
		if (tsv_num(&t, c[6], 1, &q->n, err) < 0 ||
		    tsv_num(&t, c[7], 1, &q->mean, err) < 0 ||
		    tsv_num(&t, c[8], 1, &q->se, err) < 0)
			goto fail;
		for (k = 0; k < PEOPLE_NPCT; k++)
			if (tsv_num(&t, cp[k], 1, &q->pct[k], err) < 0)
				goto fail;
		if (quant_build(q) < 0) {
			twin_error(err, "%s:%d: percentiles not positive and "
			    "increasing, or fewer than two", t.path,
			    t.lineno);
			goto fail;
		}
	}
	if (rc < 0)
		goto fail;
	tsv_close(&t);
	if (nrow == 0)
		return twin_errork(err, TWIN_EUNKNOWN, "unknown population "
		    "\"%s\" (%s has none)", name, ANTHRO_TABLE);
	for (i = 0; i < p->ngroup; i++)
		for (m = 0; m < NMEASURE; m++)
			if (!p->g[i].have[m])
				return twin_error(err, "%s: population %s, "
				    "ages %g-%g: no %s row", ANTHRO_TABLE, name,
				    p->g[i].lo, p->g[i].hi, measname[m]);
	return 0;
fail:
	tsv_close(&t);
	return -1;
}

static int
load_scr(struct people *p, const char *name, struct twin_err *err)
{
	struct tsv t;
	int c[7], i, rc;
	static const char *const cn[] = { "population", "sex", "age_lo",
	    "age_hi", "mean", "p2.5", "p97.5", NULL };

	if (tsv_open(&t, SCR_TABLE, err) < 0)
		return -1;
	for (i = 0; cn[i] != NULL; i++)
		if ((c[i] = tsv_col(&t, cn[i], err)) < 0)
			goto fail;
	while ((rc = tsv_next(&t, err)) == 1) {
		struct scrrow *s = &p->s[p->nscr];
		double l, u;

		if (strcmp(t.col[c[0]], name) != 0)
			continue;
		if (p->nscr == MAXGROUP) {
			twin_error(err, "%s: too many rows", t.path);
			goto fail;
		}
		if (parse_sex(&t, c[1], &s->sex, err) < 0 ||
		    tsv_num(&t, c[2], 0, &s->lo, err) < 0 ||
		    tsv_num(&t, c[3], 0, &s->hi, err) < 0 ||
		    tsv_num(&t, c[4], 0, &s->mean, err) < 0 ||
		    tsv_num(&t, c[5], 0, &l, err) < 0 ||
		    tsv_num(&t, c[6], 0, &u, err) < 0)
			goto fail;
		if (!(s->lo < s->hi) || !(l < s->mean && s->mean < u) ||
		    !(l > 0)) {
			twin_error(err, "%s:%d: ages or interval out of order",
			    t.path, t.lineno);
			goto fail;
		}
		/* A Gaussian's 95 % interval is mean +- 1.959964 sd. */
		s->sd = (u - l) / (2 * gsl_cdf_ugaussian_Pinv(0.975));
		p->nscr++;
	}
	if (rc < 0)
		goto fail;
	tsv_close(&t);
	return 0;
fail:
	tsv_close(&t);
	return -1;
}

/* rho of sex from its "all" group (people.h). */
static int
derive_rho(struct people *p, int sex, struct twin_err *err)
{
	const struct group *g = NULL;
	double sh, sw, sb, r;
	int i;

	for (i = 0; i < p->ngroup; i++)
		if (p->g[i].sex == sex && p->g[i].all)
			g = &p->g[i];
	if (g == NULL)
		return twin_error(err, "%s: no \"all\" group for %s, which "
		    "gives the height-weight correlation", ANTHRO_TABLE,
		    sex == PEOPLE_MALE ? "male" : "female");
	sh = g->q[M_HT].slope;
	sw = g->q[M_WT].slope;
	sb = g->q[M_BMI].slope;
	r = (sw * sw + 4 * sh * sh - sb * sb) / (4 * sh * sw);
	if (!(r > -1 && r < 1))
		return twin_errork(err, TWIN_EDOMAIN, "%s: the height-weight "
		    "correlation derived for %s is %g, not in (-1, 1)",
		    ANTHRO_TABLE, sex == PEOPLE_MALE ? "male" : "female", r);
	p->rho[sex] = r;
	return 0;
}

struct people *
people_load(const char *name, struct twin_err *err)
{
	struct people *p;
	const char *in[FORMULA_NCOV];
	int i;

	if (name == NULL)
		name = PEOPLE_POPULATION;
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		twin_nomem(err);
		return NULL;
	}
	if (load_anthro(p, name, err) < 0 || load_scr(p, name, err) < 0 ||
	    derive_rho(p, PEOPLE_MALE, err) < 0 ||
	    derive_rho(p, PEOPLE_FEMALE, err) < 0)
		goto fail;
	for (i = 0; i < FORMULA_NCOV; i++)
		in[i] = formula_cov_name(i);
	p->fp = fprog_compile(in, FORMULA_NCOV, formula_table(),
	    formula_count(), formula_rules(), formula_rule_count(), err);
	if (p->fp == NULL)
		goto fail;
	p->i_bmi = formula_index("BMI");
	p->i_bsa = formula_index("BSA");
	p->i_crcl = formula_index("CRCL");
	p->i_egfr = formula_index("EGFR");
	if (p->i_bmi < 0 || p->i_bsa < 0 || p->i_crcl < 0 || p->i_egfr < 0) {
		twin_error(err, "body/formula lacks BMI, BSA, CRCL or EGFR");
		goto fail;
	}
	if ((p->rng = gsl_rng_alloc(gsl_rng_mt19937)) == NULL) {
		twin_nomem(err);
		goto fail;
	}
	if ((p->ph = phys_load(err)) == NULL)
		goto fail;
	return p;
fail:
	people_free(p);
	return NULL;
}

void
people_free(struct people *p)
{
	if (p == NULL)
		return;
	if (p->rng != NULL)
		gsl_rng_free(p->rng);
	fprog_free(p->fp);
	phys_free(p->ph);
	free(p);
}

static const struct group *
band_of(const struct people *p, int sex, double age)
{
	int i;

	for (i = 0; i < p->ngroup; i++)
		if (p->g[i].sex == sex && !p->g[i].all && p->g[i].lo <= age &&
		    age < p->g[i].hi)
			return &p->g[i];
	return NULL;
}

/* The end of the run of bands of sex from age on (age itself if none). */
static double
covered_to(const struct people *p, int sex, double age)
{
	const struct group *g;

	while ((g = band_of(p, sex, age)) != NULL)
		age = g->hi;
	return age;
}

static double
covered_from(const struct people *p, int sex)
{
	double lo = INFINITY;
	int i;

	for (i = 0; i < p->ngroup; i++)
		if (p->g[i].sex == sex && !p->g[i].all && p->g[i].lo < lo)
			lo = p->g[i].lo;
	return lo;
}

void
people_ages(const struct people *p, double *lo, double *hi)
{
	double lm = covered_from(p, PEOPLE_MALE);
	double lf = covered_from(p, PEOPLE_FEMALE);

	*lo = fmax(lm, lf);
	*hi = fmin(covered_to(p, PEOPLE_MALE, *lo),
	    covered_to(p, PEOPLE_FEMALE, *lo));
}

void
people_scr_ages(const struct people *p, int sex, double *lo, double *hi)
{
	int i;

	*lo = *hi = 0;
	for (i = 0; i < p->nscr; i++)
		if (p->s[i].sex == sex) {
			if (*hi == 0 || p->s[i].lo < *lo)
				*lo = p->s[i].lo;
			if (p->s[i].hi > *hi)
				*hi = p->s[i].hi;
		}
}

double
people_rho(const struct people *p, int sex)
{
	return sex == PEOPLE_MALE || sex == PEOPLE_FEMALE ? p->rho[sex] : NAN;
}

int
people_check(const struct people *p, const struct people_opts *o,
    struct twin_err *err)
{
	double lo, hi;

	if (o->sex != PEOPLE_MALE && o->sex != PEOPLE_FEMALE &&
	    o->sex != PEOPLE_BOTH)
		return twin_error(err, "sex %d is not 1, 2 or both", o->sex);
	if (!(o->age_lo < o->age_hi))
		return twin_error(err, "age range %g:%g is empty", o->age_lo,
		    o->age_hi);
	people_ages(p, &lo, &hi);
	if (o->age_lo < lo || o->age_hi > hi)
		return twin_errork(err, TWIN_EDOMAIN, "age range %g:%g is "
		    "outside the ages the tables cover, %g:%g", o->age_lo,
		    o->age_hi, lo, hi);
	return 0;
}

int
people_draw(struct people *p, const struct people_opts *o, long id,
    struct person *out, struct twin_err *err)
{
	const struct group *g;
	char idtext[32];
	double z3, cov[FORMULA_NCOV], f[64], pc[PHYS_NCOV];
	struct phys_values pv;
	int i, k;

	if (formula_count() > (int)(sizeof(f) / sizeof(f[0])))
		return twin_error(err, "too many formulas");
	snprintf(idtext, sizeof(idtext), "%ld", id);
	gsl_rng_set(p->rng, twin_stream_seed(o->seed, idtext,
	    TWIN_STREAM_PERSON));
	/* A body the physiology rules cannot make (adipose below the floor:
	 * tall and light) is drawn again from the same stream, as HTTK-Pop
	 * rejects it (Ring et al. 2017). */
	for (k = 0;; k++) {
		double u, z1, z2, rho;

		out->age = o->age_lo + (o->age_hi - o->age_lo) *
		    gsl_rng_uniform(p->rng);
		u = gsl_rng_uniform(p->rng);
		out->sex = o->sex != PEOPLE_BOTH ? o->sex :
		    u < 0.5 ? PEOPLE_MALE : PEOPLE_FEMALE;
		z1 = gsl_ran_ugaussian(p->rng);
		z2 = gsl_ran_ugaussian(p->rng);
		z3 = gsl_ran_ugaussian(p->rng);
		if ((g = band_of(p, out->sex, out->age)) == NULL)
			return twin_errork(err, TWIN_EDOMAIN, "age %g: no %s "
			    "anthropometry", out->age, out->sex ==
			    PEOPLE_MALE ? "male" : "female");
		rho = p->rho[out->sex];
		out->ht = quant_eval(&g->q[M_HT], z1);
		out->wt = quant_eval(&g->q[M_WT], rho * z1 +
		    sqrt(1 - rho * rho) * z2);
		pc[PHYS_SEX] = out->sex;
		pc[PHYS_AGE] = out->age;
		pc[PHYS_HT] = out->ht;
		pc[PHYS_WT] = out->wt;
		out->draws = k + 1;
		if (o->unchecked || phys_eval(p->ph, pc, &pv, err) == 0)
			break;
		if (err->kind != TWIN_EDOMAIN)
			return -1;
		if (k + 1 == PEOPLE_MAX_DRAWS)
			return twin_errork(err, TWIN_EDOMAIN, "no body the "
			    "physiology rules can make in %d draws (last: %s)",
			    PEOPLE_MAX_DRAWS, err->msg);
	}
	out->scr = NAN;
	for (i = 0; i < p->nscr; i++)
		if (p->s[i].sex == out->sex && p->s[i].lo <= out->age &&
		    out->age < p->s[i].hi)
			out->scr = p->s[i].mean + p->s[i].sd * z3;
	cov[FORMULA_SEX] = out->sex;
	cov[FORMULA_AGE] = out->age;
	cov[FORMULA_HT] = out->ht;
	cov[FORMULA_WT] = out->wt;
	cov[FORMULA_SCR] = out->scr;
	if (fprog_eval(p->fp, cov, f, err) < 0)
		return -1;
	out->bmi = f[p->i_bmi];
	out->bsa = f[p->i_bsa];
	out->crcl = f[p->i_crcl];
	out->egfr = f[p->i_egfr];
	return 0;
}

int
people_table(const struct people *p, const char *measure, int sex,
    double age, double *pct, double *n, double *se)
{
	const struct group *g = band_of(p, sex, age);
	int m, k;

	for (m = 0; m < NMEASURE; m++)
		if (strcmp(measure, measname[m]) == 0)
			break;
	if (g == NULL || m == NMEASURE)
		return -1;
	for (k = 0; k < PEOPLE_NPCT; k++)
		pct[k] = g->q[m].pct[k];
	if (n != NULL)
		*n = g->q[m].n;
	if (se != NULL)
		*se = g->q[m].se;
	return 0;
}
