#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estim/dose.h"
#include "data/profile.h"

struct dose {
	const struct dose_problem *p;
	struct sim *sim;
	struct sim_indiv si;
	int nbase;		/* records of the individual and the grid */
	double *grid;
	int ngrid;
	double *out;
	int outcap;
	struct ev_rec *recs;	/* a plan's doses */
	int reccap;
	struct profile prof;
	/* vary, reg and replace */
	const struct rec_reader *r;
	const struct rec_indiv *ind;
	int vcov, vind;		/* the varied column as covariate, override */
	double wt;		/* WT of the first record, NaN: none */
	struct reg_dose *meals;	/* the records' meals */
	int nmeal;
	int *drop;		/* input rows replace drops */
	int ndrop;
};

static double column_value(void *arg, const char *name);

double
dose_span(const struct dose_problem *p, const struct dose_plan *plan)
{
	int k;
	double w;

	if (!p->ss)
		return p->w1;
	w = plan->ii;
	for (k = 0; k < p->target.n; k++)
		if (p->target.c[k].m.kind == MET_AUC24 && 24 * p->hours > w)
			w = 24 * p->hours;
	return w;
}

struct dose *
dose_new(const struct dose_problem *p, struct twin_err *err)
{
	struct dose *d = calloc(1, sizeof(*d));

	if (d == NULL) {
		twin_nomem(err);
		return NULL;
	}
	d->p = p;
	d->vcov = d->vind = -1;
	if (p->vary != NULL) {
		int k;

		if (p->ss) {
			free(d);
			return twin_errork(err, TWIN_EINPUT, "a what-if over "
			    "column %s needs a window to score", p->vary),
			    NULL;
		}
		if (p->prefer == DOSE_FEWEST) {
			free(d);
			return twin_errork(err, TWIN_EINPUT, "a what-if over "
			    "column %s has no number of doses to prefer",
			    p->vary), NULL;
		}
		for (k = 0; k < p->m->ncov; k++)
			if (!strcmp(p->m->slotname[p->m->cov0 + k], p->vary))
				d->vcov = k;
		for (k = 0; k < p->m->nind; k++)
			if (!strcmp(p->m->slotname[p->m->ind0 + k], p->vary))
				d->vind = k;
	}
	if ((d->sim = sim_new(p->m, &p->so, err)) == NULL) {
		free(d);
		return NULL;
	}
	return d;
}

void
dose_free(struct dose *d)
{
	if (d == NULL)
		return;
	sim_free(d->sim);
	sim_indiv_free(&d->si);
	free(d->grid);
	free(d->out);
	free(d->recs);
	free(d->meals);
	free(d->drop);
	profile_free(&d->prof);
	free(d);
}

int
dose_bind(struct dose *d, const struct sim_cols *c,
    const struct rec_reader *r, const struct rec_indiv *ind,
    struct twin_err *err)
{
	const struct dose_problem *p = d->p;
	int k, n = p->nstep > 0 ? p->nstep : 480;
	double span = 0;

	for (k = 0; k < p->nplan; k++)
		if (dose_span(p, &p->plan[k]) > span)
			span = dose_span(p, &p->plan[k]);
	free(d->grid);
	if ((d->grid = malloc((n + 1) * sizeof(double))) == NULL)
		return twin_nomem(err);
	/* Integer multiples of span/n: dose times that divide the span
	 * (8, 12, 24 h of 24 h) fall on the grid exactly. */
	for (k = 0; k <= n; k++)
		d->grid[k] = p->from + span * k / n;
	d->ngrid = n + 1;
	if (sim_bind(&d->si, p->m, c, r, ind, d->grid, d->ngrid, err) < 0)
		return -1;
	d->nbase = d->si.n;
	d->r = r;
	d->ind = ind;
	free(d->drop);
	d->ndrop = ind->nrow;
	if ((d->drop = calloc(ind->nrow + 1, sizeof(int))) == NULL)
		return twin_nomem(err);
	if (p->replace)
		dose_drop(&d->si, p->replace_cmt, d->drop, d->ndrop);
	free(d->meals);
	d->meals = NULL;
	d->nmeal = 0;
	d->wt = NAN;
	if (p->reg != NULL) {
		struct dose_regarg a = { p->m, r, ind, NULL, NAN, 0 };

		if ((d->nmeal = dose_meals(p->m, &d->si, &d->meals, err)) < 0)
			return -1;
		d->wt = column_value(&a, "WT");
	}
	return 0;
}

const int *
dose_drop_rows(const struct dose *d)
{
	return d->drop;
}

int
dose_drop(struct sim_indiv *si, int cmt, int *droprow, int nrow)
{
	int k, n = 0;

	for (k = 0; k < si->n; k++) {
		struct ev_rec *e = &si->rec[k];

		if (e->evid != 1 || e->cmt != cmt)
			continue;
		e->amt = e->rate = e->ii = 0;
		e->addl = e->ss = 0;
		if (droprow != NULL && si->src[k] >= 0 && si->src[k] < nrow)
			droprow[si->src[k]] = 1;
		n++;
	}
	return n;
}

int
dose_meals(const struct model *m, const struct sim_indiv *si,
    struct reg_dose **out, struct twin_err *err)
{
	int k, n = 0, mc = model_route(m, "meal");

	*out = NULL;
	if (mc < 0)
		return 0;
	for (k = 0; k < si->n; k++) {
		const struct ev_rec *e = &si->rec[k];
		struct reg_dose *g;

		if ((e->evid != 1 && e->evid != 4) || e->cmt != mc ||
		    !(e->amt > 0))
			continue;
		if ((g = realloc(*out, (n + 1) * sizeof(*g))) == NULL) {
			free(*out);
			*out = NULL;
			return twin_nomem(err);
		}
		*out = g;
		memset(&g[n], 0, sizeof(g[n]));
		g[n].time = e->time;
		g[n].amt = e->amt;
		g[n].cmt = e->cmt;
		g[n].ii = e->addl > 0 ? e->ii : 0;
		g[n++].addl = e->addl;
	}
	return n;
}

/* ---- a regimen's view of an individual -------------------------------- */

int
dose_route_cmt(void *arg, const char *name)
{
	const struct dose_regarg *a = arg;
	const struct model *m = a->m;
	int k = model_route(m, name);

	/* Without a routes: section a compartment name is a route. */
	return k >= 0 || m->nroute > 0 ? k : model_state(m, name);
}

static const char *
route_unit(void *arg, const char *name)
{
	const struct dose_regarg *a = arg;

	return model_route_unit(a->m, name);
}

/* The individual's first value of a column (NaN: no column or missing),
 * or a->value for column a->name. */
static double
column_value(void *arg, const char *name)
{
	struct dose_regarg *a = arg;
	struct twin_err err;
	double x = NAN;
	int col, i;

	if (a->name != NULL && !strcmp(a->name, name)) {
		a->used = 1;
		return a->value;
	}
	if (a->r == NULL || a->ind == NULL)
		return NAN;
	col = rec_col(a->r, name);
	for (i = 0; col >= 0 && i < a->ind->nrow && isnan(x); i++)
		if (rec_num(a->r, &a->ind->row[i], col, &x, &err) < 0)
			x = NAN;
	return x;
}

void
dose_reg_context(struct reg_context *ctx, struct dose_regarg *a)
{
	ctx->route = dose_route_cmt;
	ctx->route_unit = route_unit;
	ctx->column = column_value;
	ctx->arg = a;
}

int
dose_vary_doses(struct dose *d, const struct dose_plan *plan,
    struct reg_dose **out, struct twin_err *err)
{
	const struct dose_problem *p = d->p;
	struct dose_regarg a = { p->m, d->r, d->ind, p->vary, plan->value,
	    0 };
	struct reg_context ctx;
	int n;

	*out = NULL;
	if (p->reg == NULL && d->vcov < 0 && d->vind < 0)
		return twin_errork(err, TWIN_EINPUT, "column %s is not a "
		    "covariate or parameter of model %s, and there is no "
		    "regimen to read it", p->vary, p->m->name);
	if (p->reg == NULL)
		return 0;
	memset(&ctx, 0, sizeof(ctx));
	ctx.start = p->from;
	ctx.clock0 = p->clock0;
	ctx.wt = d->wt;
	ctx.time_unit = p->m->units_time;
	ctx.amount_unit = p->m->units_amount;
	dose_reg_context(&ctx, &a);
	ctx.routes = p->routes;
	ctx.meals = d->meals;
	ctx.nmeal = d->nmeal;
	if ((n = regimen_expand(p->reg, &ctx, out, err)) < 0)
		return -1;
	if (!a.used && d->vcov < 0 && d->vind < 0) {
		free(*out);
		*out = NULL;
		return twin_errork(err, TWIN_EINPUT, "column %s is not a "
		    "covariate or parameter of model %s, nor read by the "
		    "regimen \"%s\": every value would give the same",
		    p->vary, p->m->name, regimen_text(p->reg));
	}
	return n;
}

/* Set the varied column to v in the bound records: the covariate (and its
 * interpolation knots) or the parameter override. */
static void
set_value(struct dose *d, double v)
{
	const struct model *m = d->p->m;
	struct sim_indiv *si = &d->si;
	int k;

	for (k = 0; k < d->nbase; k++) {
		if (d->vcov >= 0)
			si->cov[(size_t)k * m->ncov + d->vcov] = v;
		if (d->vind >= 0)
			si->ovr[(size_t)k * m->nind + d->vind] = v;
	}
	if (d->vcov >= 0)
		for (k = 0; k < si->nknot[d->vcov]; k++)
			si->knot_v[(size_t)d->vcov * si->cap + k] = v;
}

/* With vary: the regimen's doses at plan->value before until, one record
 * each in time order, into d->recs; *daily gets their amount per day in
 * the window [a, b), meals left out.  Returns the number or -1. */
static int
vary_records(struct dose *d, const struct dose_plan *plan, double until,
    double a, double b, double *daily, struct twin_err *err)
{
	const struct dose_problem *p = d->p;
	struct reg_dose *rd;
	double sum = 0;
	int nr, i, k, n = 0, mc = model_route(p->m, "meal");

	set_value(d, plan->value);
	if ((nr = dose_vary_doses(d, plan, &rd, err)) < 0)
		return -1;
	for (i = 0; i < nr; i++)
		for (k = 0; k <= rd[i].addl; k++) {
			struct ev_rec e;
			int j;

			memset(&e, 0, sizeof(e));
			e.time = rd[i].time + k * rd[i].ii;
			if (e.time >= until)
				break;
			if (n == d->reccap) {
				free(rd);
				return twin_error(err, "more than %d doses in "
				    "the scored span", d->reccap);
			}
			e.evid = 1;
			e.cmt = rd[i].cmt;
			e.amt = rd[i].amt;
			e.rate = rd[i].rate;
			e.bio = 1;
			if (e.cmt != mc) {
				double t1 = e.rate > 0 ? e.time + e.amt /
				    e.rate : e.time;

				if (e.rate > 0 && t1 > a && e.time < b)
					sum += e.rate * (fmin(t1, b) -
					    fmax(e.time, a));
				else if (!(e.rate > 0) && e.time >= a &&
				    e.time < b)
					sum += e.amt;
			}
			for (j = n; j > 0 && d->recs[j - 1].time > e.time; j--)
				d->recs[j] = d->recs[j - 1];
			d->recs[j] = e;
			n++;
		}
	free(rd);
	*daily = sum / ((b - a) / (24 * p->hours));
	return n;
}

/* The doses of a plan from p->from up to until, one record each and in
 * time order: the records as written, repeats expanded. */
int
dose_records(const struct dose_problem *p, const struct dose_plan *plan,
    double until, struct ev_rec *out, int max)
{
	struct reg_dose rec[DOSE_MAXCLOCK + 1];
	double span = until - p->from, day = 24 * p->hours;
	int nrec, n = 0, i, k;

	nrec = dose_plan_records(p, plan, p->nclock ? 1 :
	    (int)ceil(span / plan->ii) + 1, (int)ceil(span / day) + 1, rec);
	for (i = 0; i < nrec; i++)
		for (k = 0; k <= rec[i].addl && n < max; k++) {
			struct ev_rec e;
			int j;

			memset(&e, 0, sizeof(e));
			e.time = rec[i].time + k * rec[i].ii;
			if (e.time >= until)
				break;
			e.evid = 1;
			e.cmt = rec[i].cmt;
			e.amt = rec[i].amt;
			e.rate = rec[i].rate;
			e.bio = 1;
			/* insert in time order, after equal times */
			for (j = n; j > 0 && out[j - 1].time > e.time; j--)
				out[j] = out[j - 1];
			out[j] = e;
			n++;
		}
	return n;
}

double
dose_per_day(const struct dose_problem *p, const struct dose_plan *plan)
{
	if (p->nclock > 0)
		return p->nclock;
	return 24 * p->hours / plan->ii;
}

double
dose_daily(const struct dose_problem *p, const struct dose_plan *plan)
{
	return plan->amt * dose_per_day(p, plan) + plan->load;
}

int
dose_plan_records(const struct dose_problem *p, const struct dose_plan *pl,
    int ndoses, int days, struct reg_dose *d)
{
	double day = 24 * p->hours;
	int n = 0, k;

	memset(d, 0, (DOSE_MAXCLOCK + 1) * sizeof(*d));
	if (pl->load > 0) {
		d[n].time = p->from;
		d[n].amt = pl->load;
		d[n].rate = pl->dur > 0 ? pl->load / pl->dur : 0;
		d[n++].cmt = p->cmt;
	}
	if (p->nclock == 0) {
		d[n].time = p->from + (pl->load > 0 ? pl->ii : 0);
		d[n].amt = pl->amt;
		d[n].rate = pl->dur > 0 ? pl->amt / pl->dur : 0;
		d[n].cmt = p->cmt;
		d[n].ii = ndoses > 1 ? pl->ii : 0;
		d[n++].addl = ndoses - 1;
		return n;
	}
	for (k = 0; k < p->nclock && n <= DOSE_MAXCLOCK; k++) {
		double tday = fmod(p->clock0 * p->hours + p->from, day);
		double at = p->from - tday + p->clock[k] * p->hours;

		if (at < p->from)
			at += day;
		d[n].time = at;
		d[n].amt = pl->amt;
		d[n].rate = pl->dur > 0 ? pl->amt / pl->dur : 0;
		d[n].cmt = p->cmt;
		d[n].ii = days > 1 ? day : 0;
		d[n++].addl = days - 1;
	}
	/* in time order: clock times need not be given in order */
	for (k = 1; k < n; k++) {
		int j;

		for (j = k; j > 0 && d[j].time < d[j - 1].time; j--) {
			struct reg_dose t = d[j];

			d[j] = d[j - 1];
			d[j - 1] = t;
		}
	}
	return n;
}

static void
appendf(char *buf, size_t n, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
appendf(char *buf, size_t n, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (*len >= n)
		return;
	va_start(ap, fmt);
	k = vsnprintf(buf + *len, n - *len, fmt, ap);
	va_end(ap);
	if (k > 0)
		*len += (size_t)k;
}

void
dose_describe(const struct dose_problem *p, const struct dose_plan *pl,
    char *buf, size_t n)
{
	const char *u = p->m->units_amount ? p->m->units_amount : "";
	size_t len = 0;

	buf[0] = '\0';
	if (p->vary != NULL) {
		if (p->reg != NULL)
			appendf(buf, n, &len, "%s, ", regimen_text(p->reg));
		appendf(buf, n, &len, "%s %g", p->vary, pl->value);
		return;
	}
	if (pl->load > 0)
		appendf(buf, n, &len, "load %g %s; then ", pl->load, u);
	appendf(buf, n, &len, "%g %s", pl->amt, u);
	if (p->nclock > 0) {
		int k;

		for (k = 0; k < p->nclock; k++)
			appendf(buf, n, &len, "%s%02d:%02d", k ? "," : " at ",
			    (int)p->clock[k],
			    (int)lround(fmod(p->clock[k], 1) * 60));
		appendf(buf, n, &len, " daily");
	} else
		appendf(buf, n, &len, " q%gh", pl->ii / p->hours);
	if (pl->dur > 0)
		appendf(buf, n, &len, " over %gh", pl->dur / p->hours);
}

int
dose_score(struct dose *d, const struct dose_plan *plan,
    struct dose_score *s, struct twin_err *err)
{
	const struct dose_problem *p = d->p;
	const struct model *m = p->m;
	double span = dose_span(p, plan), until = p->from + span, a, b;
	int n, k, j, w = sim_width(m), badrec, nrec;
	struct ev_rec smp;
	struct pdose pd;

	/* Doses to the end of the span, and one past it so that the last
	 * sample of the span is a trough before a dose. */
	if (d->reccap < 4096) {
		free(d->recs);
		if ((d->recs = malloc(4096 * sizeof(*d->recs))) == NULL)
			return twin_nomem(err);
		d->reccap = 4096;
	}
	s->daily = NAN;
	if (p->vary != NULL)
		n = vary_records(d, plan, until, p->from + p->w0, p->from +
		    p->w1, &s->daily, err);
	else
		n = dose_records(p, plan, until + (p->nclock ? 0 :
		    plan->ii / 2), d->recs, d->reccap);
	if (n < 0)
		return -1;
	if (n == d->reccap)
		return twin_error(err, "more than %d doses in the scored span",
		    d->reccap);
	if (p->ss && n > 0) {
		d->recs[0].ss = 1;
		d->recs[0].ii = plan->ii;
	}
	d->si.n = d->nbase;
	memset(&smp, 0, sizeof(smp));
	smp.evid = 2;
	smp.bio = 1;
	for (k = 0; k < n; k++) {
		/* a sample after each dose: the post-dose value */
		smp.time = d->recs[k].time;
		if (sim_add_dose(&d->si, m, &d->recs[k], err) < 0 ||
		    sim_add_dose(&d->si, m, &smp, err) < 0)
			return -1;
	}
	nrec = d->si.n;
	if (d->outcap < nrec * w) {
		free(d->out);
		if ((d->out = malloc((size_t)nrec * w * sizeof(double))) ==
		    NULL)
			return twin_nomem(err);
		d->outcap = nrec * w;
	}
	if (sim_run(d->sim, &d->si, 0, d->out, &badrec, err) < 0)
		return -1;
	/* The curve in the order the solver saw it: grid samples, then at
	 * equal times the added dose and its post-dose sample.  At steady
	 * state the grid sample at `from' precedes the steady state and is
	 * left out. */
	d->prof.id = "";
	d->prof.n = d->prof.nd = 0;
	k = 0;
	for (j = d->nbase; j <= nrec; j += 2) {
		double tj = j < nrec ? d->si.rec[j].time : INFINITY;

		for (; k < d->nbase && d->si.rec[k].time <= tj; k++) {
			double tk = d->si.rec[k].time;

			if ((d->si.rec[k].evid != 0 &&
			    d->si.rec[k].evid != 2) || tk < p->from ||
			    tk > until || (p->ss && tk == p->from))
				continue;
			if (profile_add_sample(&d->prof, tk,
			    d->out[(size_t)k * w + p->out], -1) < 0)
				return twin_nomem(err);
		}
		if (j == nrec)
			break;
		pd.t = tj;
		pd.amt = d->si.rec[j].amt;
		pd.ii = d->si.rec[j].ii;
		pd.rate = d->si.rec[j].rate;
		pd.ss = d->si.rec[j].ss;
		pd.pre = d->prof.n;
		if (profile_add_dose(&d->prof, &pd) < 0 || (tj <= until &&
		    profile_add_sample(&d->prof, tj,
		    d->out[(size_t)(j + 1) * w + p->out], -1) < 0))
			return twin_nomem(err);
	}
	if (p->ss) {
		a = p->from;
		b = p->from + plan->ii;
	} else {
		a = p->from + p->w0;
		b = p->from + p->w1;
	}
	k = target_eval(&p->target, &d->prof, a, b, INTERP_LINLOG, p->hours,
	    s->value);
	s->met = k == 1;
	s->evaluable = k >= 0;
	s->lowest = INFINITY;
	for (k = 0; k < d->prof.n; k++)
		if (d->prof.t[k] >= a && d->prof.t[k] <= b &&
		    d->prof.y[k] < s->lowest)
			s->lowest = d->prof.y[k];
	s->safe = isnan(p->no_below) || s->lowest >= p->no_below;
	return 0;
}

/* Sort key of an acceptable plan: lower is better. */
static void
plan_key(const struct dose_problem *p, const struct dose_plan *pl,
    const struct dose_score *s, double key[3])
{
	const struct range *r = &p->target.c[0].r;

	if (p->vary != NULL && p->prefer != DOSE_CLOSEST) {
		/* ties: the first candidate */
		key[0] = s->daily;
		key[1] = key[2] = 0;
		return;
	}
	switch (p->prefer) {
	case DOSE_LOWEST:
		key[0] = dose_daily(p, pl);
		key[1] = dose_per_day(p, pl);
		key[2] = pl->dur;
		break;
	case DOSE_FEWEST:
		key[0] = dose_per_day(p, pl);
		key[1] = dose_daily(p, pl);
		key[2] = pl->dur;
		break;
	case DOSE_CLOSEST:
		/* from the middle of the range, or from its one bound */
		if (isinf(r->lo) && isinf(r->hi))
			key[0] = 0;
		else if (isinf(r->lo))
			key[0] = fabs(r->hi - s->value[0]);
		else if (isinf(r->hi))
			key[0] = fabs(s->value[0] - r->lo);
		else
			key[0] = fabs(s->value[0] - (r->lo + r->hi) / 2);
		key[1] = p->vary != NULL ? s->daily : dose_daily(p, pl);
		key[2] = p->vary != NULL ? 0 : dose_per_day(p, pl);
		break;
	}
}

static int
better(const double a[3], const double b[3])
{
	int k;

	for (k = 0; k < 3; k++) {
		/* equal within the rounding of the products */
		if (fabs(a[k] - b[k]) <= 1e-9 * (fabs(a[k]) + fabs(b[k])))
			continue;
		return a[k] < b[k];
	}
	return 0;
}

/* The least amount in [lo, hi] meeting the lower bounds of the target,
 * or with DOSE_CLOSEST putting the first metric at its range's middle. */
static int
solve_amount(struct dose *d, struct dose_plan *pl, struct twin_err *err)
{
	const struct dose_problem *p = d->p;
	const struct range *r0 = &p->target.c[0].r;
	struct dose_score s;
	double lo = p->amt_lo, hi = p->amt_hi, aim = NAN;
	int k, j, ok;

	if (p->prefer == DOSE_CLOSEST && isfinite(r0->lo) && isfinite(r0->hi))
		aim = (r0->lo + r0->hi) / 2;
	for (k = 0; k < 100 && hi - lo > 1e-12 * hi; k++) {
		pl->amt = (lo + hi) / 2;
		if (dose_score(d, pl, &s, err) < 0)
			return -1;
		if (!isnan(aim))
			ok = s.value[0] >= aim;
		else {
			ok = s.evaluable;
			for (j = 0; j < p->target.n; j++) {
				struct range low = p->target.c[j].r;

				low.hi = INFINITY;
				if (!range_holds(&low, s.value[j]))
					ok = 0;
			}
		}
		if (ok)
			hi = pl->amt;
		else
			lo = pl->amt;
	}
	pl->amt = hi;
	return 0;
}

int
dose_choose(struct dose *d, struct dose_choice *c, int *met, int *eval,
    struct twin_err *err)
{
	const struct dose_problem *p = d->p;
	struct dose_plan pl;
	struct dose_score s;
	double bkey[3], key[3], near = -INFINITY;
	int k, found = 0, anymet = 0, anysafe = 0;

	memset(c, 0, sizeof(*c));
	for (k = 0; k < p->nplan; k++) {
		pl = p->plan[k];
		if (p->continuous && solve_amount(d, &pl, err) < 0)
			return -1;
		if (dose_score(d, &pl, &s, err) < 0)
			return -1;
		if (eval != NULL)
			eval[k] = s.evaluable;
		if (met != NULL)
			met[k] = s.evaluable && s.met && s.safe;
		anymet |= s.met;
		anysafe |= s.safe;
		if (s.evaluable && -range_distance(&p->target.c[0].r,
		    s.value[0]) > near) {
			near = -range_distance(&p->target.c[0].r, s.value[0]);
			c->nearest = pl;
			c->nearest_score = s;
		}
		if (!s.met || !s.safe)
			continue;
		plan_key(p, &pl, &s, key);
		if (!found || better(key, bkey)) {
			c->plan = pl;
			c->score = s;
			memcpy(bkey, key, sizeof(key));
			found = 1;
		}
	}
	if (found)
		c->verdict = DOSE_CHOSEN;
	else if (!anysafe)
		c->verdict = DOSE_NONE_SAFE;
	else if (anymet)
		c->verdict = DOSE_UNSAFE;
	else if (isinf(near))
		c->verdict = DOSE_UNEVALUABLE;
	else
		c->verdict = DOSE_UNREACHABLE;
	return 0;
}
