/*
 * sim.c - one individual: bind records to the model, then walk the
 * timeline, integrating between actions.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>

#include "solve/sim.h"
#include "util/num.h"

/* ---- columns ---------------------------------------------------------- */

void
sim_cols_free(struct sim_cols *c)
{
	free(c->cov);
	free(c->ind);
	free(c->eta);
	memset(c, 0, sizeof(*c));
}

int
sim_cols_init(struct sim_cols *c, const struct rec_reader *r,
    const struct model *m, struct twin_err *err)
{
	int i;

	memset(c, 0, sizeof(*c));
	c->id = rec_col(r, "ID");
	c->time = rec_col(r, "TIME");
	c->evid = rec_col(r, "EVID");
	c->amt = rec_col(r, "AMT");
	c->rate = rec_col(r, "RATE");
	c->cmt = rec_col(r, "CMT");
	c->dv = rec_col(r, "DV");
	c->mdv = rec_col(r, "MDV");
	c->ii = rec_col(r, "II");
	c->addl = rec_col(r, "ADDL");
	c->ss = rec_col(r, "SS");
	c->cov = calloc(m->ncov + 1, sizeof(int));
	c->ind = calloc(m->nind + 1, sizeof(int));
	c->eta = calloc(m->neta + 1, sizeof(int));
	if (!c->cov || !c->ind || !c->eta) {
		sim_cols_free(c);
		return twin_nomem(err);
	}
	for (i = 0; i < m->ncov; i++) {
		const char *name = m->slotname[m->cov0 + i];

		c->cov[i] = rec_col(r, name);
		if (c->cov[i] < 0 && !m->covhasdefault[i]) {
			twin_error(err, "%s:%ld: model %s needs covariate %s, "
			    "but there is no column %s", rec_path(r),
			    rec_header_line(r), m->name, name, name);
			sim_cols_free(c);
			return -1;
		}
	}
	for (i = 0; i < m->nind; i++)
		c->ind[i] = rec_col(r, m->slotname[m->ind0 + i]);
	for (i = 0; i < m->neta; i++)
		c->eta[i] = rec_col(r, m->slotname[m->eta0 + i]);
	return 0;
}

/*
 * Usual column names for common covariates, compared ignoring case: a
 * column named like any in a row is a near miss of a model covariate
 * named like any other in that row.
 */
static const char *const SIM_COV_SYNONYMS[][8] = {
	{ "WT", "WEIGHT", "BW", "WGT", "BWT", "BODYWEIGHT", "TBW", NULL },
	{ "CRCL", "CLCR", "CRCLCG", "CLCRCG", "CRCL_CG", NULL },
	{ "SCR", "SCREAT", "CREAT", "SERUMCREAT", "CREATININE", NULL },
	{ "EGFR", "GFR", NULL },
	{ "HT", "HEIGHT", "HGT", NULL },
	{ "AGE", "AGEY", "AGEYR", "AGEYRS", NULL },
	{ "SEX", "GENDER", NULL },
	{ "ALB", "ALBUMIN", NULL },
	{ "DIAL", "HD", "DIALYSIS", NULL },
	{ "LBM", "LBW", "FFM", NULL }
};

static int
syn_row(const char *name)
{
	size_t i, j;

	for (i = 0; i < sizeof(SIM_COV_SYNONYMS) / sizeof(*SIM_COV_SYNONYMS);
	    i++)
		for (j = 0; SIM_COV_SYNONYMS[i][j] != NULL; j++)
			if (strcasecmp(name, SIM_COV_SYNONYMS[i][j]) == 0)
				return (int)i;
	return -1;
}

/* Report msg: a warning through note, or with strict the error. */
static int
col_note(int strict, void (*note)(void *, const char *), void *ctx,
    struct twin_err *err, const char *msg)
{
	if (strict)
		return twin_error(err, "%s", msg);
	if (note != NULL)
		note(ctx, msg);
	return 0;
}

/* Do a route's doses set covariate i (then no column is no default)? */
static int
cov_bydose(const struct model *m, int i)
{
	int k;

	for (k = 0; k < m->nstate; k++)
		if (m->cmtsize[k] == i)
			return 1;
	return 0;
}

int
sim_cols_check(const struct sim_cols *c, const struct rec_reader *r,
    const struct model *m, int strict,
    void (*note)(void *ctx, const char *msg), void *ctx,
    struct twin_err *err)
{
	char msg[1024];
	int i, j, ncol = rec_ncol(r), len, ndef = 0;
	long line = rec_header_line(r);

	/* One message for all defaulted covariates. */
	len = snprintf(msg, sizeof(msg), "%s:%ld: model %s: no column for "
	    "these covariates; every individual gets the model's default:",
	    rec_path(r), line, m->name);
	for (i = 0; i < m->ncov; i++)
		if (c->cov[i] < 0 && !cov_bydose(m, i) &&
		    m->covhasdefault[i] != MODEL_COV_OPTIONAL &&
		    (size_t)len < sizeof(msg))
			len += snprintf(msg + len, sizeof(msg) - len,
			    "%s %s=%g", ndef++ ? "," : "",
			    m->slotname[m->cov0 + i], m->covdefault[i]);
	if (ndef > 0 && col_note(strict, note, ctx, err, msg) < 0)
		return -1;
	for (j = 0; j < ncol; j++) {
		const char *col = rec_colname(r, j);
		const char *kind = NULL, *name = NULL;
		int k, exact = 0;

		for (k = 0; k < m->ntheta; k++)
			if (strcmp(col, m->slotname[m->theta0 + k]) == 0)
				break;
		if (k < m->ntheta) {
			snprintf(msg, sizeof(msg), "%s:%ld: column %s is "
			    "ignored: %s is a population parameter of model "
			    "%s, set in the model file (a column named after "
			    "an individual parameter overrides that)",
			    rec_path(r), line, col, col, m->name);
			if (col_note(strict, note, ctx, err, msg) < 0)
				return -1;
			continue;
		}
		/* Used as it is, or a near miss of a model input not given. */
		for (k = 0; k < m->ncov && !exact; k++)
			exact = strcmp(col, m->slotname[m->cov0 + k]) == 0;
		for (k = 0; k < m->nind && !exact; k++)
			exact = strcmp(col, m->slotname[m->ind0 + k]) == 0;
		for (k = 0; k < m->neta && !exact; k++)
			exact = strcmp(col, m->slotname[m->eta0 + k]) == 0;
		if (exact)
			continue;
		for (k = 0; k < m->ncov && name == NULL; k++) {
			const char *cv = m->slotname[m->cov0 + k];

			if (c->cov[k] >= 0)
				continue;
			if (strcasecmp(col, cv) == 0 || (syn_row(col) >= 0 &&
			    syn_row(col) == syn_row(cv))) {
				name = cv;
				kind = "covariate";
			}
		}
		for (k = 0; k < m->nind && name == NULL; k++)
			if (c->ind[k] < 0 &&
			    strcasecmp(col, m->slotname[m->ind0 + k]) == 0) {
				name = m->slotname[m->ind0 + k];
				kind = "individual parameter";
			}
		for (k = 0; k < m->neta && name == NULL; k++)
			if (c->eta[k] < 0 &&
			    strcasecmp(col, m->slotname[m->eta0 + k]) == 0) {
				name = m->slotname[m->eta0 + k];
				kind = "random effect";
			}
		if (name == NULL)
			continue;
		snprintf(msg, sizeof(msg), "%s:%ld: column %s is not used: "
		    "did you mean %s (%s of model %s)? rename the column",
		    rec_path(r), line, col, name, kind, m->name);
		if (col_note(strict, note, ctx, err, msg) < 0)
			return -1;
	}
	return 0;
}

/* Columns that belong to one observation (sim_obs_column). */
static const char *const SIM_OBS_COLUMNS[] = {
	"DV", "BLQ", "CENS", "LIMIT",
	"RES", "WRES", "IRES", "IWRES", "CWRES", "CWRESI", "CIWRES",
	"EWRES", "ECWRES", "ERES", "NPDE", "NPD", "EPRED", "CPRED",
	"CPREDI", "CIPRED", "CIPREDI", "OBJI"
};

int
sim_obs_column(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(SIM_OBS_COLUMNS) / sizeof(*SIM_OBS_COLUMNS);
	    i++)
		if (strcasecmp(name, SIM_OBS_COLUMNS[i]) == 0)
			return 1;
	return 0;
}

/* ---- binding ---------------------------------------------------------- */

void
sim_indiv_free(struct sim_indiv *si)
{
	free(si->src);
	free(si->rec);
	free(si->cov);
	free(si->ovr);
	free(si->eta);
	free(si->etaset);
	free(si->knot_t);
	free(si->knot_v);
	free(si->nknot);
	free(si->bydose);
	memset(si, 0, sizeof(*si));
}

static int
grow(struct sim_indiv *si, const struct model *m, int n)
{
	void *p;
	int cap = si->cap;

	if (n <= cap && si->eta)
		return 0;
	while (cap < n)
		cap = cap ? 2 * cap : 64;
#define GROW(f, k) \
	if ((p = realloc(si->f, (size_t)(k) * sizeof(*si->f) + 1)) == NULL) \
		return -1; \
	si->f = p;
	GROW(src, cap);
	GROW(rec, cap);
	GROW(cov, (size_t)cap * m->ncov);
	GROW(ovr, (size_t)cap * m->nind);
	GROW(knot_t, (size_t)cap * m->ncov);
	GROW(knot_v, (size_t)cap * m->ncov);
	GROW(eta, m->neta);
	GROW(etaset, m->neta);
	GROW(nknot, m->ncov);
	GROW(bydose, m->ncov);
#undef GROW
	si->cap = cap;
	return 0;
}

static int
row_error(struct twin_err *err, const struct rec_reader *r,
    const struct rec_row *row, const char *fmt, const char *arg)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, arg);
	return twin_error(err, "%s:%ld: %s", rec_path(r), row->line, msg);
}

static int
getnum(const struct rec_reader *r, const struct rec_row *row, int col,
    double def, double *x, struct twin_err *err)
{
	int rc = rec_num(r, row, col, x, err);

	if (rc < 0)
		return -1;
	if (rc == 0)
		*x = def;
	return 0;
}

static int
getint(const struct rec_reader *r, const struct rec_row *row, int col,
    int lo, int hi, int *v, struct twin_err *err)
{
	double x;

	if (getnum(r, row, col, 0, &x, err) < 0)
		return -1;
	if (x != floor(x) || x < lo || x > hi)
		return twin_error(err, "%s:%ld: column %s must be a whole "
		    "number from %d to %d, got %s", rec_path(r), row->line,
		    rec_colname(r, col), lo, hi, row->field[col]);
	*v = (int)x;
	return 0;
}

static int
parse_cmt(const struct model *m, const struct rec_reader *r,
    const struct rec_row *row, int col, int *cmt, struct twin_err *err)
{
	const char *f;
	double x;
	int s;

	*cmt = 0;
	if (col < 0 || rec_missing(f = row->field[col]))
		return 0;
	if ((s = model_state(m, f)) >= 0) {
		*cmt = s;
		return 0;
	}
	if (twin_strtod(f, &x) == 0 && x == floor(x) && x >= 1 &&
	    x <= m->nstate) {
		*cmt = (int)x - 1;
		return 0;
	}
	return row_error(err, r, row, "unknown compartment \"%s\"", f);
}

static int
parse_row(struct sim_indiv *si, int k, const struct model *m,
    const struct sim_cols *c, const struct rec_reader *r,
    const struct rec_row *row, struct twin_err *err)
{
	struct ev_rec *e = &si->rec[k];
	double mdv;
	int i, rc;

	memset(e, 0, sizeof(*e));
	e->bio = 1;
	if (getnum(r, row, c->time, 0, &e->time, err) < 0 ||
	    getnum(r, row, c->amt, 0, &e->amt, err) < 0 ||
	    getnum(r, row, c->rate, 0, &e->rate, err) < 0 ||
	    getnum(r, row, c->ii, 0, &e->ii, err) < 0 ||
	    getnum(r, row, c->mdv, 0, &mdv, err) < 0 ||
	    getint(r, row, c->addl, 0, EV_ADDL_MAX, &e->addl, err) < 0 ||
	    getint(r, row, c->ss, 0, 2, &e->ss, err) < 0)
		return -1;
	if (c->evid >= 0 && !rec_missing(row->field[c->evid])) {
		if (getint(r, row, c->evid, 0, 4, &e->evid, err) < 0)
			return -1;
	} else {
		e->evid = ev_evid_default(e->amt, e->rate, e->ss, mdv);
	}
	if (e->amt < 0)
		return row_error(err, r, row, "AMT must not be negative, got "
		    "%s", row->field[c->amt]);
	if (e->ii < 0)
		return row_error(err, r, row, "II must not be negative, got "
		    "%s", row->field[c->ii]);
	if (e->evid == 1 || e->evid == 4) {
		if (e->rate < 0 && e->rate != -1 && e->rate != -2)
			return row_error(err, r, row, "RATE must be positive, "
			    "0, -1 or -2, got %s", row->field[c->rate]);
		if (e->addl > 0 && !(e->ii > 0))
			return row_error(err, r, row, "ADDL > 0 needs II > 0, "
			    "got II=%s", c->ii >= 0 ? row->field[c->ii] : ".");
	}
	if (parse_cmt(m, r, row, c->cmt, &e->cmt, err) < 0)
		return -1;
	for (i = 0; i < m->ncov; i++) {
		double *x = &si->cov[(size_t)k * m->ncov + i];

		if ((rc = rec_num(r, row, c->cov[i], x, err)) < 0)
			return -1;
		if (rc == 0)
			*x = NAN;
	}
	for (i = 0; i < m->nind; i++) {
		double *x = &si->ovr[(size_t)k * m->nind + i];

		if ((rc = rec_num(r, row, c->ind[i], x, err)) < 0)
			return -1;
		if (rc == 0)
			*x = NAN;
	}
	for (i = 0; i < m->neta; i++) {
		double x;

		if (si->etaset[i])
			continue;
		if ((rc = rec_num(r, row, c->eta[i], &x, err)) < 0)
			return -1;
		if (rc == 1) {
			si->eta[i] = x;
			si->etaset[i] = 1;
		}
	}
	return 0;
}

/* Fill missing values of column j (stride w) forward, then backward. */
static int
fill_locf(double *x, int n, int w, int j)
{
	int k, first = -1;

	for (k = 0; k < n; k++) {
		if (!isnan(x[(size_t)k * w + j])) {
			if (first < 0)
				first = k;
		} else if (k > 0) {
			x[(size_t)k * w + j] = x[(size_t)(k - 1) * w + j];
		}
	}
	for (k = 0; k < first; k++)
		x[(size_t)k * w + j] = x[(size_t)first * w + j];
	return first;
}

static double
interp(const double *t, const double *v, int n, double at)
{
	int lo = 0, hi = n - 1;

	if (n == 0)
		return NAN;
	if (at <= t[0])
		return v[0];
	if (at >= t[n - 1])
		return v[n - 1];
	while (hi - lo > 1) {
		int mid = (lo + hi) / 2;

		if (t[mid] <= at)
			lo = mid;
		else
			hi = mid;
	}
	if (t[hi] == t[lo])
		return v[hi];
	return v[lo] + (v[hi] - v[lo]) * (at - t[lo]) / (t[hi] - t[lo]);
}

void
sim_cols_notes(struct sim_cols *c, int strict,
    void (*note)(void *ctx, const char *msg), void *ctx)
{
	c->strict = strict;
	c->note = note;
	c->note_ctx = ctx;
}

static int
fill_covariates(struct sim_indiv *si, const struct model *m,
    const struct sim_cols *sc, const struct rec_reader *r,
    const struct rec_indiv *ind, struct twin_err *err)
{
	int c, k, n = si->n, w = m->ncov;

	for (c = 0; c < w; c++) {
		double *kt = si->knot_t + (size_t)c * si->cap;
		double *kv = si->knot_v + (size_t)c * si->cap;
		int nk = 0;

		for (k = 0; k < n; k++) {
			double x = si->cov[(size_t)k * w + c];

			if (isnan(x))
				continue;
			kt[nk] = si->rec[k].time;
			kv[nk++] = x;
		}
		si->nknot[c] = nk;
		if (nk == 0) {
			if (!m->covhasdefault[c])
				return twin_error(err, "%s:%ld: ID %s: "
				    "covariate %s is missing on every record",
				    rec_path(r), ind->row[0].line, ind->id,
				    m->slotname[m->cov0 + c]);
			if (sc->cov[c] >= 0 && !cov_bydose(m, c) &&
			    m->covhasdefault[c] != MODEL_COV_OPTIONAL) {
				char msg[512];

				snprintf(msg, sizeof(msg), "%s:%ld: ID %s: "
				    "covariate %s is missing on every record: "
				    "the model's default %g is used",
				    rec_path(r), ind->row[0].line, ind->id,
				    m->slotname[m->cov0 + c],
				    m->covdefault[c]);
				if (col_note(sc->strict, sc->note,
				    sc->note_ctx, err, msg) < 0)
					return -1;
			}
			for (k = 0; k < n; k++)
				si->cov[(size_t)k * w + c] = m->covdefault[c];
			kt[0] = 0;
			kv[0] = m->covdefault[c];
			si->nknot[c] = 1;
			continue;
		}
		if (m->covinterp[c] == COV_LINEAR) {
			for (k = 0; k < n; k++)
				si->cov[(size_t)k * w + c] = interp(kt, kv, nk,
				    si->rec[k].time);
		} else if (m->covinterp[c] == COV_NOCB) {
			/* Backward fill; trailing gaps keep the last value. */
			for (k = n - 2; k >= 0; k--)
				if (isnan(si->cov[(size_t)k * w + c]))
					si->cov[(size_t)k * w + c] =
					    si->cov[(size_t)(k + 1) * w + c];
			fill_locf(si->cov, n, w, c);
		} else {
			fill_locf(si->cov, n, w, c);
		}
	}
	for (c = 0; c < m->nind; c++)
		fill_locf(si->ovr, n, m->nind, c);
	return 0;
}

int
sim_add_dose(struct sim_indiv *si, const struct model *m,
    const struct ev_rec *dose, struct twin_err *err)
{
	int k, j, last = -1, c, oldcap = si->cap;

	if (si->n == si->cap) {
		/* Knots are stored per covariate at stride cap: move them
		 * to the new stride. */
		size_t w = (size_t)m->ncov * oldcap;
		double *kt = malloc(w * sizeof(double) + 1);
		double *kv = malloc(w * sizeof(double) + 1);

		if (kt == NULL || kv == NULL || grow(si, m, si->n + 1) < 0) {
			free(kt);
			free(kv);
			return twin_nomem(err);
		}
		memcpy(kt, si->knot_t, w * sizeof(double));
		memcpy(kv, si->knot_v, w * sizeof(double));
		for (c = 0; c < m->ncov; c++) {
			memcpy(si->knot_t + (size_t)c * si->cap,
			    kt + (size_t)c * oldcap, si->nknot[c] *
			    sizeof(double));
			memcpy(si->knot_v + (size_t)c * si->cap,
			    kv + (size_t)c * oldcap, si->nknot[c] *
			    sizeof(double));
		}
		free(kt);
		free(kv);
	}
	/* The covariates and overrides in force: those of the last record
	 * at or before the dose, else of the first. */
	for (j = 0; j < si->n; j++)
		if (si->rec[j].time <= dose->time &&
		    (last < 0 || si->rec[j].time >= si->rec[last].time))
			last = j;
	if (last < 0)
		last = 0;
	k = si->n++;
	si->rec[k] = *dose;
	si->src[k] = -1;
	for (c = 0; c < m->ncov; c++)
		si->cov[(size_t)k * m->ncov + c] = si->n > 1 ?
		    si->cov[(size_t)last * m->ncov + c] : m->covdefault[c];
	for (c = 0; c < m->nind; c++)
		si->ovr[(size_t)k * m->nind + c] = si->n > 1 ?
		    si->ovr[(size_t)last * m->nind + c] : NAN;
	return 0;
}

/* Is there an input observation at time g among the last records? */
static int
observed_at(const struct sim_indiv *si, int k, double g)
{
	for (k--; k >= 0 && si->rec[k].time == g; k--)
		if (si->src[k] >= 0 && (si->rec[k].evid == 0 ||
		    si->rec[k].evid == 2))
			return 1;
	return 0;
}

int
sim_bind(struct sim_indiv *si, const struct model *m,
    const struct sim_cols *c, const struct rec_reader *r,
    const struct rec_indiv *ind, const double *times, int ntimes,
    struct twin_err *err)
{
	int i, j, k, q;
	double ti;

	if (grow(si, m, ind->nrow + ntimes) < 0)
		return twin_nomem(err);
	for (i = 0; i < m->neta; i++) {
		si->eta[i] = 0;
		si->etaset[i] = 0;
	}
	for (i = 0, j = 0, k = 0; i < ind->nrow || j < ntimes;) {
		if (i < ind->nrow) {
			if (getnum(r, &ind->row[i], c->time, 0, &ti, err) < 0)
				return -1;
			/* An added time goes after input rows at that time. */
			if (j >= ntimes || ti <= times[j]) {
				if (parse_row(si, k, m, c, r, &ind->row[i],
				    err) < 0)
					return -1;
				si->src[k++] = i++;
				continue;
			}
		}
		if (observed_at(si, k, times[j])) {
			j++;
			continue;
		}
		memset(&si->rec[k], 0, sizeof(si->rec[k]));
		si->rec[k].time = times[j++];
		si->rec[k].bio = 1;
		for (q = 0; q < m->ncov; q++)
			si->cov[(size_t)k * m->ncov + q] = NAN;
		for (q = 0; q < m->nind; q++)
			si->ovr[(size_t)k * m->nind + q] = NAN;
		si->src[k++] = -1;
	}
	si->n = k;
	for (q = 0; q < m->ncov; q++)
		si->bydose[q] = 0;
	for (q = 0; q < m->nstate; q++)
		if (m->cmtsize[q] >= 0 && c->cov[m->cmtsize[q]] < 0)
			si->bydose[m->cmtsize[q]] = 1;
	return fill_covariates(si, m, c, r, ind, err);
}

/* ---- the workspace ---------------------------------------------------- */

struct sim {
	const struct model *m;
	struct sim_opts opt;
	struct ode *ode;
	struct ode_sys sys;
	double *v;		/* model slots */
	double *y, *rate, *init;
	double *pcur;		/* current covariate + parameter slots */
	double *ovr;		/* current parameter overrides */
	double *inputs;		/* covariates and overrides last evaluated */
	double *size;		/* ncov: the values doses set (bydose) */
	int inputs_valid;
	double *chol;		/* neta x neta lower factor of omega */
	/* steady state */
	double *x, *px, *g, *jac, *dx, *ss_rate;
	double *jv;		/* the model's njac Jacobian values */
	int *sink;		/* n: a state nothing reads (ss_mask) */
	struct action *acts;
	int actcap;
	struct timeline tl;
	const struct sim_indiv *si;
	int typical;
	const double *theta;	/* population parameters, NULL: the model's */
	long nperiod;		/* period-map integrations (sim_period_maps) */
	struct ode *stm;	/* the period map's Jacobian (ss_periodic) */
	/*
	 * Sensitivities (sim_run_sens): nq quantities q, the etas then, if
	 * qtheta, the thetas; S (n x nq, column q at S + q n) = dy/dq,
	 * dpdq (npar x nq) = d parameter slot / dq, drate (n x nq) = d rate
	 * / dq, ddose (records x DD_N x nq): what each dose's quantities
	 * do with q (DD_ below).
	 */
	int nq, qtheta;
	size_t sens_cap, rec_cap;
	double *S, *dpdq, *drate, *ddose, *osv, *ipv, *ppv, *pjv, *dq;
	double *fm, *fp;	/* rhs before and after a moved bolus */
	/* steady state with sensitivities: n + nq columns, the first n by
	 * the state at the start of the period */
	double *S2, *dpdq2, *drate2;
};

/* A dose's derivatives by q: bioavailability, lag time, duration of the
 * infusion (end time minus start), infusion rate. */
enum { DD_BIO, DD_LAG, DD_DUR, DD_RATE, DD_N };

static double *
ddose(const struct sim *s, int rec, int which)
{
	return s->ddose + ((size_t)rec * DD_N + which) * s->nq;
}

const struct model *
sim_model(const struct sim *s)
{
	return s->m;
}

long
sim_period_maps(const struct sim *s)
{
	return s->nperiod;
}

void
sim_set_theta(struct sim *s, const double *theta)
{
	s->theta = theta;
}

int
sim_width(const struct model *m)
{
	return m->nout + m->nstate;
}

void
sim_free(struct sim *s)
{
	if (s == NULL)
		return;
	ode_free(s->ode);
	ode_free(s->stm);
	free(s->v);
	free(s->y);
	free(s->rate);
	free(s->init);
	free(s->pcur);
	free(s->ovr);
	free(s->inputs);
	free(s->size);
	free(s->chol);
	free(s->x);
	free(s->px);
	free(s->g);
	free(s->jac);
	free(s->sink);
	free(s->jv);
	free(s->dx);
	free(s->ss_rate);
	free(s->acts);
	free(s->S);
	free(s->dpdq);
	free(s->drate);
	free(s->ddose);
	free(s->fm);
	free(s->fp);
	free(s->osv);
	free(s->ipv);
	free(s->ppv);
	free(s->pjv);
	free(s->dq);
	free(s->S2);
	free(s->dpdq2);
	free(s->drate2);
	timeline_free(&s->tl);
	free(s);
}

static int
factor_omega(struct sim *s, struct twin_err *err)
{
	const struct model *m = s->m;
	int i, j, n = m->neta;
	gsl_matrix_view a;

	if (n == 0)
		return 0;
	memcpy(s->chol, m->omega, (size_t)n * n * sizeof(double));
	/* Zero variances (fixed effects) would stop the factorisation. */
	for (i = 0; i < n; i++)
		if (s->chol[i * n + i] == 0)
			s->chol[i * n + i] = 1;
	a = gsl_matrix_view_array(s->chol, n, n);
	if (gsl_linalg_cholesky_decomp1(&a.matrix) != 0)
		return twin_error(err, "model %s: omega is not positive "
		    "definite", m->name);
	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n; j++)
			s->chol[i * n + j] = 0;
		if (m->omega[i * n + i] == 0)
			for (j = 0; j < n; j++)
				s->chol[j * n + i] = s->chol[i * n + j] = 0;
	}
	return 0;
}

struct sim *
sim_new(const struct model *m, const struct sim_opts *o,
    struct twin_err *err)
{
	struct sim *s;
	int n = m->nstate, i;

	if (m->neta > 64) {
		twin_error(err, "model %s has %d random effects; at most 64 "
		    "are supported", m->name, m->neta);
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		twin_nomem(err);
		return NULL;
	}
	s->m = m;
	s->opt = *o;
	/* The tolerances: the program's, else the model's, else ours. */
	if (!(s->opt.rtol > 0))
		s->opt.rtol = m->rtol > 0 ? m->rtol : SIM_RTOL;
	if (!(s->opt.atol > 0))
		s->opt.atol = m->atol > 0 ? m->atol : SIM_ATOL;
	s->v = calloc(m->nslot + 1, sizeof(double));
	s->y = calloc(n, sizeof(double));
	s->rate = calloc(n, sizeof(double));
	s->init = calloc(n, sizeof(double));
	s->pcur = calloc(m->out0 - m->cov0 + 1, sizeof(double));
	s->ovr = calloc(m->nind + 1, sizeof(double));
	s->inputs = calloc(m->ncov + m->nind + 1, sizeof(double));
	s->size = calloc(m->ncov + 1, sizeof(double));
	s->chol = calloc((size_t)m->neta * m->neta + 1, sizeof(double));
	s->x = calloc(n, sizeof(double));
	s->px = calloc(n, sizeof(double));
	s->g = calloc(n, sizeof(double));
	s->jac = calloc((size_t)n * n, sizeof(double));
	s->jv = calloc(m->njac + 1, sizeof(double));
	s->dx = calloc(n, sizeof(double));
	s->ss_rate = calloc(n, sizeof(double));
	s->sink = calloc(n + 1, sizeof(int));
	if (!s->v || !s->y || !s->rate || !s->init || !s->pcur || !s->ovr ||
	    !s->inputs || !s->size || !s->chol || !s->x || !s->px || !s->g ||
	    !s->jac || !s->jv || !s->dx || !s->ss_rate || !s->sink) {
		twin_nomem(err);
		sim_free(s);
		return NULL;
	}
	if (factor_omega(s, err) < 0 ||
	    (s->ode = ode_new(m, o->method, s->opt.rtol, s->opt.atol,
	    err)) == NULL) {
		sim_free(s);
		return NULL;
	}
	s->sys.m = m;
	s->sys.v = s->v;
	s->sys.rate = s->rate;
	/* A state whose amount no right-hand side reads (no Jacobian
	 * column): an accumulator, such as an amount excreted. */
	for (i = 0; i < n; i++)
		s->sink[i] = 1;
	for (i = 0; i < m->njac; i++)
		s->sink[m->jac[i].col] = 0;
	return s;
}

void
sim_sample_eta(const struct sim *s, gsl_rng *rng, double *eta)
{
	int i, j, n = s->m->neta;
	double z[64];

	for (i = 0; i < n && i < 64; i++)
		z[i] = gsl_ran_ugaussian(rng);
	for (i = 0; i < n && i < 64; i++) {
		eta[i] = 0;
		for (j = 0; j <= i; j++)
			eta[i] += s->chol[i * n + j] * z[j];
	}
}

double
sim_residual(const struct model *m, double ipred, gsl_rng *rng)
{
	double e = gsl_ran_ugaussian(rng);

	switch (m->errkind) {
	case ERR_ADDITIVE:
		return ipred + m->sigma_add * e;
	case ERR_PROPORTIONAL:
		return ipred * (1 + m->sigma_prop * e);
	case ERR_COMBINED:
		return ipred + sqrt(m->sigma_add * m->sigma_add +
		    m->sigma_prop * m->sigma_prop * ipred * ipred) * e;
	case ERR_COMBINED_SD:
		return ipred + (m->sigma_add + m->sigma_prop * ipred) * e;
	case ERR_EXPONENTIAL:
		return ipred * exp(m->sigma_prop * e);
	default:
		return ipred;
	}
}

/* ---- parameters ------------------------------------------------------- */

/*
 * d parameter slot / d q for the values now in v: the etas and thetas
 * themselves, the individual parameters by the chain rule over their
 * partial derivatives (in definition order; an overridden one is a
 * constant).
 */
static void
eval_dpdq(struct sim *s)
{
	const struct model *m = s->m;
	int nq = s->nq, e, q, j;
	double *d = s->dpdq;

	memset(d, 0, (size_t)m->npar * nq * sizeof(double));
	for (j = 0; j < m->neta; j++)
		d[(size_t)(m->eta0 - m->theta0 + j) * nq + j] = 1;
	for (j = 0; s->qtheta && j < m->ntheta; j++)
		d[(size_t)j * nq + m->neta + j] = 1;
	if (m->ninddp == 0)
		return;
	model_eval_inddp(m, s->v, s->ipv);
	for (e = 0; e < m->ninddp; e++) {
		int i = m->inddp[e].row, p = m->inddp[e].col;
		double *di = d + (size_t)(m->ind0 - m->theta0 + i) * nq;

		if (!s->typical && !isnan(s->ovr[i]))
			continue;
		for (q = 0; q < nq; q++)
			di[q] += s->ipv[e] * d[(size_t)p * nq + q];
	}
}

/* Evaluate the individual parameters for the values now in v. */
static void
eval_individual(struct sim *s)
{
	const struct model *m = s->m;
	int i;

	for (i = 0; i < m->nind; i++) {
		double o = s->typical ? NAN : s->ovr[i];

		s->v[m->ind0 + i] = isnan(o) ? tape_eval(m->ind[i], s->v) : o;
	}
	if (s->nq > 0)
		eval_dpdq(s);
}

/*
 * Set covariates and parameters for record k; next selects the values
 * that hold after the record (they differ for NOCB covariates).  Returns
 * 1 if anything changed.
 */
static int
set_params(struct sim *s, int k, int next)
{
	const struct model *m = s->m;
	const struct sim_indiv *si = s->si;
	int c, w = m->out0 - m->cov0;

	for (c = 0; c < m->ncov; c++) {
		int kk = k;

		if (next && m->covinterp[c] == COV_NOCB && k + 1 < si->n)
			kk = k + 1;
		s->v[m->cov0 + c] = si->bydose[c] ? s->size[c] :
		    si->cov[(size_t)kk * m->ncov + c];
	}
	for (c = 0; c < m->nind; c++)
		s->ovr[c] = si->ovr[(size_t)k * m->nind + c];
	/* Most records change nothing: skip the individual block then. */
	if (s->inputs_valid &&
	    memcmp(s->inputs, s->v + m->cov0, m->ncov * sizeof(double)) == 0 &&
	    memcmp(s->inputs + m->ncov, s->ovr, m->nind * sizeof(double)) == 0)
		return 0;
	memcpy(s->inputs, s->v + m->cov0, m->ncov * sizeof(double));
	memcpy(s->inputs + m->ncov, s->ovr, m->nind * sizeof(double));
	s->inputs_valid = 1;
	eval_individual(s);
	if (memcmp(s->pcur, s->v + m->cov0, w * sizeof(double)) == 0)
		return 0;
	memcpy(s->pcur, s->v + m->cov0, w * sizeof(double));
	return 1;
}

static void
attime(void *ctx, double t, double *v)
{
	struct sim *s = ctx;
	const struct model *m = s->m;
	const struct sim_indiv *si = s->si;
	int c;

	(void)v;
	for (c = 0; c < m->ncov; c++)
		if (m->covinterp[c] == COV_LINEAR)
			s->v[m->cov0 + c] = interp(
			    si->knot_t + (size_t)c * si->cap,
			    si->knot_v + (size_t)c * si->cap, si->nknot[c], t);
	eval_individual(s);
}

static double
prop(const struct sim *s, int cmt, enum cmt_prop p, double def)
{
	const struct tape *t = s->m->cmtprop[cmt * NPROP + p];

	return t ? tape_eval(t, s->v) : def;
}

/* d prop / d q of compartment cmt into out (nq values). */
static void
prop_d(struct sim *s, int cmt, enum cmt_prop p, double *out)
{
	const struct model *m = s->m;
	int e, q, row = cmt * NPROP + p, nq = s->nq, done = 0;

	memset(out, 0, nq * sizeof(double));
	for (e = 0; e < m->npropdp; e++) {
		if (m->propdp[e].row != row)
			continue;
		if (!done) {
			model_eval_propdp(m, s->v, s->ppv);
			done = 1;
		}
		for (q = 0; q < nq; q++)
			out[q] += s->ppv[e] *
			    s->dpdq[(size_t)m->propdp[e].col * nq + q];
	}
}

static void
initial_state(struct sim *s)
{
	int i, q;

	for (i = 0; i < s->m->nstate; i++) {
		s->init[i] = prop(s, i, PROP_INIT, 0);
		if (s->nq == 0)
			continue;
		prop_d(s, i, PROP_INIT, s->dq);
		for (q = 0; q < s->nq; q++)
			s->S[(size_t)q * s->m->nstate + i] = s->dq[q];
	}
}

/* Any of the nq values nonzero? */
static int
nonzero(const double *x, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (x[i] != 0)
			return 1;
	return 0;
}

/* ---- steady state ----------------------------------------------------- */

/*
 * One dosing interval from state x (at phase 0, before its doses).  With
 * S (n x ns, set by the caller at phase 0): its sensitivities too, the
 * first n columns by x (S = identity at the start gives the period map's
 * Jacobian), the other ns - n by the quantities of sim_run_sens (then
 * s->dpdq2 holds d parameter / d each of the ns columns).
 */
static int
period_map(struct sim *s, struct ode *o, const struct ev_rec *r, int nact,
    double t0, const double *x, double *px, double *S, int ns,
    struct twin_err *err)
{
	struct ode_sys sys = s->sys;
	double t = t0, tau = r->ii;
	int i, q, n = s->m->nstate, nq = ns - n;
	int real0 = fmod(r->lag, r->ii) == 0;
	int rec = (int)(r - s->si->rec);
	const double *dbio = s->nq ? ddose(s, rec, DD_BIO) : NULL;
	const double *dR = s->nq ? ddose(s, rec, DD_RATE) : NULL;
	const double *dlag = s->nq ? ddose(s, rec, DD_LAG) : NULL;
	const double *ddur = s->nq ? ddose(s, rec, DD_DUR) : NULL;

	s->nperiod++;
	sys.rate = s->ss_rate;
	sys.nq = S ? ns : 0;
	sys.dpdq = S && nq > 0 ? s->dpdq2 : NULL;
	sys.drate = S && nq > 0 ? s->drate2 : NULL;
	if (sys.drate)
		memset(s->drate2, 0, (size_t)n * ns * sizeof(double));
	memset(s->ss_rate, 0, n * sizeof(double));
	memcpy(px, x, n * sizeof(double));
	for (i = 0; i <= nact; i++) {
		double ta = i < nact ? t0 + s->acts[i].time : t0 + tau;
		const struct action *a = &s->acts[i];

		if (ta > t) {
			if (ode_restart_sens(o, &sys, t, px, S, t0 + tau,
			    err) < 0 ||
			    ode_advance_sens(o, ta, px, S, err) < 0)
				return -1;
			t = ta;
		}
		if (i == nact)
			break;
		/* the jumps of the quantities' columns, as bolus_sens and
		 * infusion_sens do on the timeline */
		if (a->kind == ACT_BOLUS) {
			if (sys.drate && nonzero(dlag, nq)) {
				int j;

				ode_rhs_eval(&sys, t, px, s->fm);
				px[a->cmt] += a->value;
				ode_rhs_eval(&sys, t, px, s->fp);
				px[a->cmt] -= a->value;
				for (q = 0; q < nq; q++)
					for (j = 0; j < n; j++)
						S[(size_t)(n + q) * n + j] +=
						    (s->fm[j] - s->fp[j]) *
						    dlag[q];
			}
			px[a->cmt] += a->value;
			for (q = 0; sys.drate && q < nq; q++)
				S[(size_t)(n + q) * n + a->cmt] += r->amt *
				    dbio[q];
		} else {
			/* ss_period clips at phase 0 the copies started in
			 * an earlier period: such a start is not a moving
			 * discontinuity (one at phase 0 is, when the lag
			 * is a multiple of II) */
			int start = a->value > 0, moves = 1;

			if (start && a->time == 0) {
				moves = real0;
				real0 = 0;
			}
			s->ss_rate[a->cmt] += a->value;
			for (q = 0; sys.drate && q < nq; q++) {
				s->drate2[a->cmt * ns + n + q] += start ?
				    dR[q] : -dR[q];
				S[(size_t)(n + q) * n + a->cmt] -= moves *
				    a->value * (dlag[q] + (start ? 0 :
				    ddur[q]));
			}
		}
	}
	for (i = 0; i < n; i++)
		if (fabs(s->ss_rate[i]) < 1e-12)
			s->ss_rate[i] = 0;
	return 0;
}

/*
 * A steady state has finite, non-negative amounts of sensible size; a
 * dosing rate above a saturable elimination's maximum has none, and
 * Newton's method then runs off to huge or negative values.
 */
static int
ss_plausible(const double *x, int n, double scale, struct twin_err *err)
{
	int i;

	for (i = 0; i < n; i++)
		if (!isfinite(x[i]) || x[i] < -1e-9 * scale ||
		    x[i] > 1e9 * scale)
			return twin_error(err, "no steady state: the amounts "
			    "grow without bound (is the dosing rate above the "
			    "maximum elimination rate?)");
	return 0;
}

/*
 * Steady state and accumulators: an amount that no right-hand side reads
 * (excreted, metabolised, an AUC) grows every period and has no steady
 * state.  It starts a steady-state dose at 0, like NONMEM's output
 * compartments: its row and column of the n x n system J (row-major) are
 * the identity's and its right-hand sides (b, nb columns of n) zero, so
 * the solution leaves it at 0.
 */
static void
ss_mask(const struct sim *s, double *J, double *b, int nb, int n)
{
	int i, j, k;

	for (j = 0; j < n; j++) {
		if (!s->sink[j])
			continue;
		for (i = 0; i < n; i++)
			J[(size_t)i * n + j] = J[(size_t)j * n + i] = 0;
		J[(size_t)j * n + j] = 1;
		for (k = 0; b != NULL && k < nb; k++)
			b[(size_t)k * n + j] = 0;
	}
}

static int
finite_all(const double *v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!isfinite(v[i]))
			return 0;
	return 1;
}

static int
solve_linear(double *a, double *b, int n)
{
	gsl_matrix_view A = gsl_matrix_view_array(a, n, n);
	gsl_vector_view B = gsl_vector_view_array(b, n);
	gsl_permutation *p = gsl_permutation_alloc(n);
	int sign, rc;

	if (p == NULL)
		return -1;
	rc = gsl_linalg_LU_decomp(&A.matrix, p, &sign);
	if (rc == 0)
		rc = gsl_linalg_LU_svx(&A.matrix, p, &B.vector);
	gsl_permutation_free(p);
	for (sign = 0; rc == 0 && sign < n; sign++)
		if (!isfinite(b[sign]))
			rc = -1;
	return rc == 0 ? 0 : -1;
}

/* S (n x n) = the identity. */
static void
identity(double *S, int n)
{
	int i;

	memset(S, 0, (size_t)n * n * sizeof(double));
	for (i = 0; i < n; i++)
		S[(size_t)i * n + i] = 1;
}

/*
 * Newton's method on g(x) = P(x) - x.  The Jacobian of the period map P:
 * on the exact path by finite differences (P is affine there, and its
 * exponentials are cached: the first step lands on the answer, the
 * second confirms it); otherwise the state transition matrix dP/dx, from
 * one integration with sensitivities by the initial state
 * (ode_restart_sens) at the relative tolerance SIM_SS_STM_RTOL, the
 * error test on the states alone (ode_sens_errcon): Newton's
 * method needs a Jacobian, not an exact one, and the answer is checked
 * on g at the caller's tolerance.  With SIM_SS_CHORD_N states or more
 * the matrix is kept from one iteration to the next while it halves the
 * residual (the chord method) and made again when it does not: after
 * the first iteration, as a rule, one plain integration per iteration
 * rather than n + 1.
 */
static int
ss_periodic(struct sim *s, const struct ev_rec *r, double t0, double *x,
    struct twin_err *err)
{
	int n = s->m->nstate, nact, it, i, j, k, rc = -1, sign;
	int stm = ode_method(s->ode) != ODE_EXACT, have = 0, fresh = 0;
	double scale, tol, *S = s->jac;
	gsl_permutation *perm;
	gsl_matrix_view A = gsl_matrix_view_array(s->jac, n, n);
	gsl_vector_view B = gsl_vector_view_array(s->dx, n);

	if ((nact = ss_period(r, &s->acts, &s->actcap, err)) < 0)
		return -1;
	if (stm && s->stm == NULL) {
		if ((s->stm = ode_new(s->m, s->opt.method,
		    fmax(s->opt.rtol, SIM_SS_STM_RTOL), s->opt.atol,
		    err)) == NULL)
			return -1;
		ode_sens_errcon(s->stm, 0);
	}
	if ((perm = gsl_permutation_alloc(n)) == NULL)
		return twin_nomem(err);
	scale = r->bio * r->amt > 0 ? r->bio * r->amt : 1;
	tol = ode_method(s->ode) == ODE_EXACT ? 1e-13 : 10 * s->opt.rtol;
	memset(x, 0, n * sizeof(double));
	if (period_map(s, s->ode, r, nact, t0, x, s->px, NULL, n, err) < 0)
		goto out;
	for (it = 0; it < SIM_SS_MAXIT; it++) {
		double gmax = 0, xmax = 0, gnew = 0;

		for (i = 0; i < n; i++) {
			s->g[i] = s->sink[i] ? 0 : s->px[i] - x[i];
			gmax = fmax(gmax, fabs(s->g[i]));
			xmax = fmax(xmax, fabs(x[i]));
		}
		if (it > 0 && gmax <= tol * (xmax + 1e-3 * scale)) {
			rc = ss_plausible(x, n, scale, err);
			goto out;
		}
		if (stm && !have) {
			/* S = dP/dx column by column; J = S^T - I
			 * row-major, transposed in place */
			identity(S, n);
			if (period_map(s, s->stm, r, nact, t0, x, s->dx, S, n,
			    err) < 0)
				goto out;
			for (i = 0; i < n; i++)
				for (j = i + 1; j < n; j++) {
					double a = S[(size_t)i * n + j];

					S[(size_t)i * n + j] =
					    S[(size_t)j * n + i];
					S[(size_t)j * n + i] = a;
				}
			for (i = 0; i < n; i++)
				S[(size_t)i * n + i] -= 1;
			have = fresh = 1;
		} else if (!stm) {
			for (j = 0; j < n; j++) {
				double h = 1e-6 * fmax(fabs(x[j]),
				    1e-3 * scale);
				double keep = x[j];

				x[j] += h;
				if (period_map(s, s->ode, r, nact, t0, x,
				    s->dx, NULL, n, err) < 0)
					goto out;
				x[j] = keep;
				for (i = 0; i < n; i++)
					s->jac[i * n + j] = (s->dx[i] -
					    s->px[i]) / h - (i == j);
			}
			have = 0;
			fresh = 1;
		}
		if (fresh)
			ss_mask(s, s->jac, NULL, 0, n);
		if (fresh && gsl_linalg_LU_decomp(&A.matrix, perm, &sign)) {
			twin_error(err, "no steady state for this dosing "
			    "(singular system)");
			goto out;
		}
		for (i = 0; i < n; i++)
			s->dx[i] = -s->g[i];
		if (gsl_linalg_LU_svx(&A.matrix, perm, &B.vector) != 0 ||
		    !finite_all(s->dx, n)) {
			twin_error(err, "no steady state for this dosing "
			    "(singular system)");
			goto out;
		}
		/* Backtrack when a nonlinear model makes the full step worse. */
		for (k = 0; k < 12; k++) {
			double step = ldexp(1, -k);

			gnew = 0;
			for (i = 0; i < n; i++)
				s->g[i] = x[i] + step * s->dx[i];
			if (period_map(s, s->ode, r, nact, t0, s->g, s->px,
			    NULL, n, err) < 0)
				goto out;
			for (i = 0; i < n; i++)
				if (!s->sink[i])
					gnew = fmax(gnew, fabs(s->px[i] -
					    s->g[i]));
			if (gnew < gmax || gnew <= tol * (xmax + 1e-3 * scale))
				break;
		}
		/* For SIM_SS_CHORD_N states or more the state transition
		 * matrix (n + 1 times a plain integration's work) is kept
		 * while it serves (the chord method): a new one when a kept
		 * one no longer halves the residual.  Below, a new one each
		 * iteration (Newton). */
		if (stm && (n < SIM_SS_CHORD_N || (!fresh && (k > 0 ||
		    gnew > 0.5 * gmax))))
			have = 0;
		fresh = 0;
		memcpy(x, s->g, n * sizeof(double));
	}
	twin_error(err, "steady state did not converge");
out:
	gsl_permutation_free(perm);
	return rc;
}

/*
 * The sensitivities of the periodic steady state x = P(x, q): one period
 * map from x with n + nq sensitivities ([I | 0] at the start) gives P_x
 * and P_q; dx/dq = (I - P_x)^-1 P_q, into X (n x nq, column-major as S).
 */
static int
ss_periodic_sens(struct sim *s, const struct ev_rec *r, double t0,
    const double *x, double *X, struct twin_err *err)
{
	const struct model *m = s->m;
	int n = m->nstate, nq = s->nq, ns = n + nq, nact, i, j, p, q;
	double *S = s->S2;

	if ((nact = ss_period(r, &s->acts, &s->actcap, err)) < 0)
		return -1;
	memset(S, 0, (size_t)n * ns * sizeof(double));
	for (i = 0; i < n; i++)
		S[(size_t)i * n + i] = 1;
	memset(s->dpdq2, 0, (size_t)m->npar * ns * sizeof(double));
	for (p = 0; p < m->npar; p++)
		for (q = 0; q < nq; q++)
			s->dpdq2[(size_t)p * ns + n + q] =
			    s->dpdq[(size_t)p * nq + q];
	if (period_map(s, s->ode, r, nact, t0, x, s->dx, S, ns, err) < 0)
		return -1;
	/* A = I - P_x (row-major), solved for each column of P_q */
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			s->jac[(size_t)i * n + j] = (i == j) -
			    S[(size_t)j * n + i];
	ss_mask(s, s->jac, NULL, 0, n);
	for (q = 0; q < nq; q++) {
		/* the LU overwrites jac: a copy after S2's n + nq columns */
		memcpy(X + (size_t)q * n, S + (size_t)(n + q) * n,
		    n * sizeof(double));
		for (i = 0; i < n; i++)
			if (s->sink[i])
				X[(size_t)q * n + i] = 0;
		if (q + 1 < nq)
			memcpy(s->S2 + (size_t)ns * n, s->jac,
			    (size_t)n * n * sizeof(double));
		if (solve_linear(s->jac, X + (size_t)q * n, n) < 0)
			return twin_error(err, "no steady state for this "
			    "dosing (singular system)");
		if (q + 1 < nq)
			memcpy(s->jac, s->S2 + (size_t)ns * n,
			    (size_t)n * n * sizeof(double));
	}
	return 0;
}

/* Constant infusion to steady state: solve f(x) + r = 0 by Newton. */
static int
ss_constant(struct sim *s, const struct ev_rec *r, double t0, double *x,
    struct twin_err *err)
{
	const struct model *m = s->m;
	struct ode_sys sys = s->sys;
	int n = m->nstate, it, i, k;

	sys.rate = s->ss_rate;
	memset(s->ss_rate, 0, n * sizeof(double));
	s->ss_rate[r->cmt] = r->rate;
	memset(x, 0, n * sizeof(double));
	for (it = 0; it < 100; it++) {
		double gmax = 0, xmax = 0;

		ode_rhs_eval(&sys, t0, x, s->g);
		memset(s->jac, 0, (size_t)n * n * sizeof(double));
		model_eval_jac(m, s->v, s->jv);
		for (k = 0; k < m->njac; k++)
			s->jac[m->jac[k].row * n + m->jac[k].col] = s->jv[k];
		for (i = 0; i < n; i++) {
			s->dx[i] = s->sink[i] ? 0 : -s->g[i];
			gmax = fmax(gmax, fabs(s->dx[i]));
			xmax = fmax(xmax, fabs(x[i]));
		}
		if (it > 0 && gmax <= 1e-13 * (xmax + r->rate))
			return ss_plausible(x, n, r->rate * 1e6, err);
		ss_mask(s, s->jac, s->dx, 1, n);
		if (solve_linear(s->jac, s->dx, n) < 0)
			return twin_error(err, "no steady state for a constant "
			    "infusion into %s (nothing eliminates it)",
			    m->slotname[m->state0 + r->cmt]);
		for (i = 0; i < n; i++)
			x[i] += s->dx[i];
	}
	return twin_error(err, "no steady state for a constant infusion "
	    "into %s (Newton's method did not converge)",
	    m->slotname[m->state0 + r->cmt]);
}

/* The sensitivities of a constant infusion's steady state f(x) + r = 0
 * (r does not depend on q): dx/dq = -J^-1 df/dq, into X (n x nq). */
static int
ss_constant_sens(struct sim *s, const struct ev_rec *r, double t0,
    const double *x, double *X, struct twin_err *err)
{
	const struct model *m = s->m;
	struct ode_sys sys = s->sys;
	int n = m->nstate, nq = s->nq, q, k;

	sys.rate = s->ss_rate;
	sys.nq = 0;
	ode_rhs_eval(&sys, t0, x, s->g);
	model_eval_jac(m, s->v, s->jv);
	model_eval_pjac(m, s->v, s->pjv);
	for (q = 0; q < nq; q++) {
		double *b = X + (size_t)q * n;

		memset(s->jac, 0, (size_t)n * n * sizeof(double));
		for (k = 0; k < m->njac; k++)
			s->jac[m->jac[k].row * n + m->jac[k].col] = s->jv[k];
		memset(b, 0, n * sizeof(double));
		for (k = 0; k < m->npjac; k++)
			b[m->pjac[k].row] -= s->pjv[k] *
			    s->dpdq[(size_t)m->pjac[k].col * nq + q];
		ss_mask(s, s->jac, b, 1, n);
		if (solve_linear(s->jac, b, n) < 0)
			return twin_error(err, "no steady state for a constant "
			    "infusion into %s (nothing eliminates it)",
			    m->slotname[m->state0 + r->cmt]);
	}
	return 0;
}

/* ---- the walk --------------------------------------------------------- */

static int
is_stop(const struct sim *s, const struct action *a, int epoch,
    const char *changed)
{
	switch (a->kind) {
	case ACT_RECORD:
		return changed[a->rec];
	case ACT_BOLUS:
	case ACT_INFUSION:
		return a->epoch >= epoch;
	default:
		(void)s;
		return 1;
	}
}

struct stop_ctx {
	const struct sim *s;
	int epoch;
	const char *changed;
};

static int
stop_cb(const struct action *a, void *ctx)
{
	const struct stop_ctx *c = ctx;

	return is_stop(c->s, a, c->epoch, c->changed);
}

/*
 * The derivatives of dose record k (ddose).  Durations and rates as
 * dose_infusion (events.h) makes them:
 *   RATE > 0   dur = F AMT / RATE
 *   RATE = -1  dur = F AMT / R, R modelled
 *   RATE = -2  R = F AMT / dur, dur modelled
 */
static int
dose_sens(struct sim *s, const struct ev_rec *e, int k, struct twin_err *err)
{
	double *dbio = ddose(s, k, DD_BIO), *dlag = ddose(s, k, DD_LAG);
	double *ddur = ddose(s, k, DD_DUR), *dR = ddose(s, k, DD_RATE);
	double rate, dur;
	int q, nq = s->nq;

	prop_d(s, e->cmt, PROP_BIO, dbio);
	prop_d(s, e->cmt, PROP_LAG, dlag);
	memset(ddur, 0, nq * sizeof(double));
	memset(dR, 0, nq * sizeof(double));
	if (dose_infusion(e, &rate, &dur, err) < 0)
		return -1;
	if (rate > 0 && e->rate > 0) {
		for (q = 0; q < nq; q++)
			ddur[q] = e->amt * dbio[q] / rate;
	} else if (rate > 0 && e->rate == -1) {
		prop_d(s, e->cmt, PROP_RATE, dR);
		for (q = 0; q < nq; q++)
			ddur[q] = (e->amt * dbio[q] - dur * dR[q]) / rate;
	} else if (rate > 0 && e->rate == -2) {
		prop_d(s, e->cmt, PROP_DUR, ddur);
		for (q = 0; q < nq; q++)
			dR[q] = (e->amt * dbio[q] - rate * ddur[q]) / dur;
	}
	return 0;
}

static int
dose_values(struct sim *s, struct sim_indiv *si, struct twin_err *err,
    int *badrec)
{
	int k;

	for (k = 0; k < si->n; k++) {
		struct ev_rec *e = &si->rec[k];

		if (e->evid != 1 && e->evid != 4)
			continue;
		*badrec = k;
		set_params(s, k, 0);
		e->lag = prop(s, e->cmt, PROP_LAG, 0);
		e->bio = prop(s, e->cmt, PROP_BIO, 1);
		e->mrate = prop(s, e->cmt, PROP_RATE, 0);
		e->mdur = prop(s, e->cmt, PROP_DUR, 0);
		if (!(e->lag >= 0) || !isfinite(e->lag))
			return twin_error(err, "lag time of %s is %g; it must "
			    "be a non-negative number",
			    s->m->slotname[s->m->state0 + e->cmt], e->lag);
		if (!(e->bio >= 0) || !isfinite(e->bio))
			return twin_error(err, "bioavailability of %s is %g; "
			    "it must be a non-negative number",
			    s->m->slotname[s->m->state0 + e->cmt], e->bio);
		if (s->nq > 0 && dose_sens(s, e, k, err) < 0)
			return -1;
	}
	return 0;
}

/* The derivatives of the outputs now in v (states and S current) by q,
 * into d (nout x nq). */
static void
output_sens(struct sim *s, double *d)
{
	const struct model *m = s->m;
	int e, q, n = m->nstate, nq = s->nq;

	memset(d, 0, (size_t)m->nout * nq * sizeof(double));
	model_eval_osens(m, s->v, s->osv);
	for (e = 0; e < m->nojac; e++) {
		double *dj = d + (size_t)m->ojac[e].row * nq, x = s->osv[e];

		for (q = 0; q < nq; q++)
			dj[q] += x * s->S[(size_t)q * n + m->ojac[e].col];
	}
	for (e = 0; e < m->nopjac; e++) {
		double *dj = d + (size_t)m->opjac[e].row * nq;
		double x = s->osv[m->nojac + e];

		for (q = 0; q < nq; q++)
			dj[q] += x * s->dpdq[(size_t)m->opjac[e].col * nq + q];
	}
}

/*
 * A discontinuity at a time tau(q) moves the sensitivities by
 * (f(tau-) - f(tau+)) dtau/dq, besides what the jump itself does with q.
 * A bolus (before it is added to y): AMT dF/dq into its compartment and,
 * when its lag time depends on q, f before minus f after times dlag/dq.
 */
static void
bolus_sens(struct sim *s, const struct action *a, double t)
{
	int n = s->m->nstate, nq = s->nq, q;
	const double *dbio = ddose(s, a->rec, DD_BIO);
	const double *dlag = ddose(s, a->rec, DD_LAG);
	double amt = s->si->rec[a->rec].amt;

	if (nonzero(dlag, nq)) {
		int i;

		ode_rhs_eval(&s->sys, t, s->y, s->fm);
		s->y[a->cmt] += a->value;
		ode_rhs_eval(&s->sys, t, s->y, s->fp);
		s->y[a->cmt] -= a->value;
		for (q = 0; q < nq; q++)
			for (i = 0; i < n; i++)
				s->S[(size_t)q * n + i] += (s->fm[i] -
				    s->fp[i]) * dlag[q];
	}
	for (q = 0; q < nq; q++)
		s->S[(size_t)q * n + a->cmt] += amt * dbio[q];
}

/*
 * An infusion starts (value R > 0) at TIME + lag or ends (value -R) at
 * TIME + lag + duration: the rate moves by dR/dq, the sensitivities of
 * its compartment by -value dtau/dq.
 */
static void
infusion_sens(struct sim *s, const struct action *a)
{
	int n = s->m->nstate, nq = s->nq, q, start = a->value > 0;
	const double *dlag = ddose(s, a->rec, DD_LAG);
	const double *ddur = ddose(s, a->rec, DD_DUR);
	const double *dR = ddose(s, a->rec, DD_RATE);
	const struct ev_rec *e = &s->si->rec[a->rec];
	/* a steady-state dose's infusions still running at its time start
	 * there, clipped (events.c): no moving discontinuity */
	int moves = !(start && e->ss > 0 && a->time == e->time &&
	    e->lag > 0);

	for (q = 0; q < nq; q++) {
		double dtau = moves * (dlag[q] + (start ? 0 : ddur[q]));

		s->drate[a->cmt * nq + q] += start ? dR[q] : -dR[q];
		s->S[(size_t)q * n + a->cmt] -= a->value * dtau;
	}
}

/*
 * A dose of record rec into compartment cmt sets the covariate of a
 * route's size: to its AMT (sim_bind).  Individual parameters and dosing
 * properties do not read it (model_finish), so only the slot changes;
 * the caller restarts the integration.
 */
static int
dose_size(struct sim *s, int rec, int cmt, struct twin_err *err)
{
	const struct model *m = s->m;
	const struct ev_rec *e = &s->si->rec[rec];
	int c = m->cmtsize[cmt];

	if (c < 0 || !s->si->bydose[c] || !(e->amt > 0) ||
	    (e->evid != 1 && e->evid != 4))
		return 0;
	s->size[c] = e->amt;
	s->v[m->cov0 + c] = e->amt;
	return model_check_domain(m, s->v, err);
}

/* The walk through the timeline, shared by sim_run and sim_run_sens
 * (dout NULL when s->nq is 0). */
static int
walk(struct sim *s, struct sim_indiv *si, int typical, double *out,
    double *dout, int *badrec, struct twin_err *err)
{
	const struct model *m = s->m;
	struct timeline *tl = &s->tl;
	const struct action *a = NULL;
	struct stop_ctx sc;
	char *changed = NULL;
	double t, tstop;
	int i, j, k, n = m->nstate, w = sim_width(m), epoch = 0, restart = 1;
	int rc = -1;

	*badrec = -1;
	s->si = si;
	s->typical = typical;
	if (si->n == 0)
		return 0;
	for (i = 0; i < m->ntheta; i++)
		s->v[m->theta0 + i] = s->theta ? s->theta[i] : m->theta[i];
	for (i = 0; i < m->neta; i++)
		s->v[m->eta0 + i] = typical ? 0 : si->eta[i];
	s->inputs_valid = 0;
	for (i = 0; i < m->ncov; i++)
		s->size[i] = m->covdefault[i];
	s->sys.attime = m->timevarying ? attime : NULL;
	s->sys.attime_ctx = s;
	s->sys.nq = s->nq;
	s->sys.dpdq = s->nq ? s->dpdq : NULL;
	s->sys.drate = s->nq ? s->drate : NULL;
	/* Which records change the parameters (a discontinuity). */
	if ((changed = malloc(si->n)) == NULL)
		return twin_nomem(err);
	memset(s->pcur, 0xff, (m->out0 - m->cov0) * sizeof(double));
	for (k = 0; k < si->n; k++) {
		changed[k] = (char)set_params(s, k, 1);
		/* A record that changes nothing has the values just checked. */
		if ((k == 0 || changed[k]) &&
		    model_check_domain(m, s->v, err) < 0) {
			*badrec = k;
			goto out;
		}
	}
	if (dose_values(s, si, err, badrec) < 0)
		goto out;
	if (timeline_build(tl, si->rec, si->n, badrec, err) < 0)
		goto out;
	*badrec = -1;
	set_params(s, 0, 1);
	initial_state(s);
	memcpy(s->y, s->init, n * sizeof(double));
	memset(s->rate, 0, n * sizeof(double));
	if (s->nq)
		memset(s->drate, 0, (size_t)n * s->nq * sizeof(double));
	timeline_start(tl);
	a = timeline_peek(tl);
	t = a ? a->time : si->rec[0].time;
	while ((a = timeline_next(tl)) != NULL) {
		if ((a->kind == ACT_BOLUS || a->kind == ACT_INFUSION) &&
		    a->epoch < epoch)
			continue;
		if (a->time > t) {
			if (restart) {
				if (is_stop(s, a, epoch, changed)) {
					tstop = a->time;
				} else {
					sc.s = s;
					sc.epoch = epoch;
					sc.changed = changed;
					tstop = timeline_stop_after(tl, t,
					    stop_cb, &sc);
				}
				if (ode_restart_sens(s->ode, &s->sys, t, s->y,
				    s->S, tstop, err) < 0)
					goto fail;
				restart = 0;
			}
			if (ode_advance_sens(s->ode, a->time, s->y, s->S,
			    err) < 0)
				goto fail;
			t = a->time;
		}
		switch (a->kind) {
		case ACT_RESET:
			epoch = a->epoch;
			set_params(s, a->rec, 1);
			initial_state(s);
			memcpy(s->y, s->init, n * sizeof(double));
			memset(s->rate, 0, n * sizeof(double));
			if (s->nq)
				memset(s->drate, 0,
				    (size_t)n * s->nq * sizeof(double));
			break;
		case ACT_SS: {
			const struct ev_rec *e = &si->rec[a->rec];
			int constinf = ev_constant_infusion(e);

			epoch = a->epoch;
			*badrec = a->rec;
			if (dose_size(s, a->rec, e->cmt, err) < 0)
				goto fail;
			set_params(s, a->rec, 0);
			if ((constinf ? ss_constant(s, e, t, s->x, err) :
			    ss_periodic(s, e, t, s->x, err)) < 0)
				goto fail;
			if (s->nq && m->timevarying) {
				twin_errork(err, TWIN_EINPUT, "sensitivities: "
				    "steady state of a model with linearly "
				    "interpolated covariates (not supported)");
				goto fail;
			}
			if (s->nq && (constinf ?
			    ss_constant_sens(s, e, t, s->x, s->S2, err) :
			    ss_periodic_sens(s, e, t, s->x, s->S2, err)) < 0)
				goto fail;
			if (e->ss == 1) {
				memcpy(s->y, s->x, n * sizeof(double));
				memset(s->rate, 0, n * sizeof(double));
				if (s->nq) {
					memcpy(s->S, s->S2, (size_t)n * s->nq *
					    sizeof(double));
					memset(s->drate, 0, (size_t)n * s->nq *
					    sizeof(double));
				}
			} else {
				for (j = 0; j < n; j++)
					s->y[j] += s->x[j];
				for (j = 0; j < n * s->nq; j++)
					s->S[j] += s->S2[j];
			}
			set_params(s, a->rec, 1);
			*badrec = -1;
			break;
		}
		case ACT_BOLUS:
			if (dose_size(s, a->rec, a->cmt, err) < 0)
				goto fail;
			if (s->nq)
				bolus_sens(s, a, t);
			s->y[a->cmt] += a->value;
			break;
		case ACT_INFUSION:
			if (a->value > 0 && dose_size(s, a->rec, a->cmt,
			    err) < 0)
				goto fail;
			if (s->nq)
				infusion_sens(s, a);
			s->rate[a->cmt] += a->value;
			/* Rounding must not leave a ghost infusion running. */
			if (fabs(s->rate[a->cmt]) < 1e-12 * fabs(a->value)) {
				s->rate[a->cmt] = 0;
				for (j = 0; j < s->nq; j++)
					s->drate[a->cmt * s->nq + j] = 0;
			}
			break;
		case ACT_RECORD:
			k = a->rec;
			set_params(s, k, 0);
			ode_outputs(&s->sys, t, s->y);
			for (j = 0; j < m->nout; j++) {
				double x = s->v[m->out0 + j];

				/* Never a silently wrong number. */
				if (!isfinite(x)) {
					*badrec = k;
					twin_error(err, "output %s is %g at "
					    "time %g", m->slotname[m->out0 + j],
					    x, t);
					goto out;
				}
				out[(size_t)k * w + j] = x;
			}
			for (j = 0; j < n; j++)
				out[(size_t)k * w + m->nout + j] = s->y[j];
			if (s->nq)
				output_sens(s, dout + (size_t)k * m->nout *
				    s->nq);
			set_params(s, k, 1);
			if (!changed[k])
				continue;
			break;
		}
		restart = 1;
	}
	rc = 0;
	goto out;
fail:
	if (*badrec < 0 && a != NULL)
		*badrec = a->rec;
out:
	free(changed);
	return rc;
}

int
sim_run(struct sim *s, struct sim_indiv *si, int typical, double *out,
    int *badrec, struct twin_err *err)
{
	s->nq = 0;
	return walk(s, si, typical, out, NULL, badrec, err);
}

/* Room for nq sensitivities and nrec records. */
static int
sens_alloc(struct sim *s, int nq, int nrec)
{
	const struct model *m = s->m;
	size_t n = m->nstate, ns = n + nq;
	size_t need = (size_t)nq * (n + m->npar) + ns * (n + m->npar) + 1;

	if (need > s->sens_cap) {
		free(s->S);
		free(s->dpdq);
		free(s->drate);
		free(s->dq);
		free(s->S2);
		free(s->dpdq2);
		free(s->drate2);
		s->S = calloc(n * nq + 1, sizeof(double));
		s->dpdq = calloc((size_t)m->npar * nq + 1, sizeof(double));
		s->drate = calloc(n * nq + 1, sizeof(double));
		s->dq = calloc(nq + 1, sizeof(double));
		s->S2 = calloc(n * (ns + n) + 1, sizeof(double));
		s->dpdq2 = calloc((size_t)m->npar * ns + 1, sizeof(double));
		s->drate2 = calloc(n * ns + 1, sizeof(double));
		s->sens_cap = need;
		if (s->osv == NULL) {
			s->osv = calloc(m->nojac + m->nopjac + 1,
			    sizeof(double));
			s->ipv = calloc(m->ninddp + 1, sizeof(double));
			s->ppv = calloc(m->npropdp + 1, sizeof(double));
			s->pjv = calloc(m->npjac + 1, sizeof(double));
			s->fm = calloc(n + 1, sizeof(double));
			s->fp = calloc(n + 1, sizeof(double));
		}
		if (!s->S || !s->dpdq || !s->drate || !s->dq || !s->S2 ||
		    !s->dpdq2 || !s->drate2 || !s->osv || !s->ipv || !s->ppv ||
		    !s->pjv || !s->fm || !s->fp) {
			s->sens_cap = 0;
			return -1;
		}
	}
	if ((size_t)nrec * nq > s->rec_cap) {
		free(s->ddose);
		s->ddose = calloc((size_t)nrec * DD_N * nq + 1,
		    sizeof(double));
		s->rec_cap = s->ddose ? (size_t)nrec * nq : 0;
		if (s->ddose == NULL)
			return -1;
	}
	return 0;
}

int
sim_run_sens(struct sim *s, struct sim_indiv *si, int typical,
    int withtheta, double *out, double *dout, int *badrec,
    struct twin_err *err)
{
	const struct model *m = s->m;
	int nq = m->neta + (withtheta ? m->ntheta : 0), rc;

	*badrec = -1;
	if (nq == 0)
		return sim_run(s, si, typical, out, badrec, err);
	if (sens_alloc(s, nq, si->n) < 0)
		return twin_nomem(err);
	s->nq = nq;
	s->qtheta = withtheta != 0;
	rc = walk(s, si, typical, out, dout, badrec, err);
	s->nq = 0;
	s->sys.nq = 0;
	return rc;
}

void
sim_params(struct sim *s, struct sim_indiv *si, int k, double *out)
{
	const struct model *m = s->m;
	int i;

	s->si = si;
	s->typical = 0;
	s->inputs_valid = 0;
	for (i = 0; i < m->ntheta; i++)
		s->v[m->theta0 + i] = s->theta ? s->theta[i] : m->theta[i];
	for (i = 0; i < m->neta; i++)
		s->v[m->eta0 + i] = si->eta[i];
	set_params(s, k, 0);
	memcpy(out, s->v + m->ind0, m->nind * sizeof(double));
}
