#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dose.h"
#include "profile.h"

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
	int pcap, dcap;
};

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
		twin_error(err, "out of memory");
		return NULL;
	}
	d->p = p;
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
	free(d->prof.t);
	free(d->prof.y);
	free(d->prof.row);
	free(d->prof.dose);
	free(d);
}

int
dose_bind(struct dose *d, const struct sim_cols *c,
    const struct rec_reader *r, const struct rec_indiv *ind, double span,
    struct twin_err *err)
{
	const struct dose_problem *p = d->p;
	int k, n = p->nstep > 0 ? p->nstep : 480;

	free(d->grid);
	if ((d->grid = malloc((n + 1) * sizeof(double))) == NULL)
		return twin_error(err, "out of memory");
	/* Integer multiples of span/n: dose times that divide the span
	 * (8, 12, 24 h of 24 h) fall on the grid exactly. */
	for (k = 0; k <= n; k++)
		d->grid[k] = p->from + span * k / n;
	d->ngrid = n + 1;
	if (sim_bind(&d->si, p->m, c, r, ind, d->grid, d->ngrid, err) < 0)
		return -1;
	d->nbase = d->si.n;
	return 0;
}

/* The doses of a plan from p->from up to until. */
int
dose_records(const struct dose_problem *p, const struct dose_plan *plan,
    double until, struct ev_rec *out, int max)
{
	struct ev_rec e;
	double day = 24 * p->hours;
	int n = 0, k;

	memset(&e, 0, sizeof(e));
	e.evid = 1;
	e.cmt = p->cmt;
	e.bio = 1;
	if (plan->load > 0 && n < max) {
		e.time = p->from;
		e.amt = plan->load;
		e.rate = plan->dur > 0 ? plan->load / plan->dur : 0;
		out[n++] = e;
	}
	e.amt = plan->amt;
	e.rate = plan->dur > 0 ? plan->amt / plan->dur : 0;
	if (p->nclock > 0) {
		/* each clock time from its first occurrence at or after from */
		double tday = fmod(p->clock0 * p->hours + p->from, day);
		double t;

		for (t = p->from - tday; t < until; t += day)
			for (k = 0; k < p->nclock && n < max; k++) {
				double at = t + p->clock[k] * p->hours;

				if (at < p->from || at >= until)
					continue;
				e.time = at;
				out[n++] = e;
			}
		return n;
	}
	/* A loading dose takes the first slot: maintenance one interval on. */
	k = plan->load > 0 ? 1 : 0;
	for (; n < max; k++) {
		e.time = p->from + k * plan->ii;
		if (e.time >= until)
			break;
		out[n++] = e;
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

static int
add_sample(struct dose *d, double t, double y)
{
	struct profile *q = &d->prof;

	if (q->n == d->pcap) {
		int cap = d->pcap ? 2 * d->pcap : 1024;
		void *a;

		if ((a = realloc(q->t, cap * sizeof(double))) == NULL)
			return -1;
		q->t = a;
		if ((a = realloc(q->y, cap * sizeof(double))) == NULL)
			return -1;
		q->y = a;
		d->pcap = cap;
	}
	q->t[q->n] = t;
	q->y[q->n++] = y;
	return 0;
}

static int
add_pdose(struct dose *d, const struct ev_rec *e)
{
	struct profile *q = &d->prof;

	if (q->nd == d->dcap) {
		int cap = d->dcap ? 2 * d->dcap : 64;
		void *a = realloc(q->dose, cap * sizeof(*q->dose));

		if (a == NULL)
			return -1;
		q->dose = a;
		d->dcap = cap;
	}
	q->dose[q->nd].t = e->time;
	q->dose[q->nd].amt = e->amt;
	q->dose[q->nd].ii = e->ii;
	q->dose[q->nd].ss = e->ss;
	q->dose[q->nd++].pre = q->n;
	return 0;
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

	/* Doses to the end of the span, and one past it so that the last
	 * sample of the span is a trough before a dose. */
	if (d->reccap < 4096) {
		free(d->recs);
		if ((d->recs = malloc(4096 * sizeof(*d->recs))) == NULL)
			return twin_error(err, "out of memory");
		d->reccap = 4096;
	}
	n = dose_records(p, plan, until + (p->nclock ? 0 : plan->ii / 2),
	    d->recs, d->reccap);
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
			return twin_error(err, "out of memory");
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
			if (add_sample(d, tk, d->out[(size_t)k * w + p->out]) <
			    0)
				return twin_error(err, "out of memory");
		}
		if (j == nrec)
			break;
		if (add_pdose(d, &d->si.rec[j]) < 0 || (tj <= until &&
		    add_sample(d, tj, d->out[(size_t)(j + 1) * w + p->out]) <
		    0))
			return twin_error(err, "out of memory");
	}
	if (p->ss) {
		a = p->from;
		b = p->from + plan->ii;
	} else {
		a = p->from + p->w0;
		b = p->from + p->w1;
	}
	s->met = 1;
	s->evaluable = 1;
	for (k = 0; k < p->target.n && k < 16; k++) {
		const struct condition *c = &p->target.c[k];

		s->value[k] = metric_eval(&c->m, &d->prof, a, b, INTERP_LINLOG,
		    p->hours);
		if (isnan(s->value[k]))
			s->evaluable = s->met = 0;
		else if (!range_holds(&c->r, s->value[k]))
			s->met = 0;
	}
	s->lowest = INFINITY;
	for (k = 0; k < d->prof.n; k++)
		if (d->prof.t[k] >= a && d->prof.t[k] <= b &&
		    d->prof.y[k] < s->lowest)
			s->lowest = d->prof.y[k];
	s->safe = isnan(p->no_below) || s->lowest >= p->no_below;
	return 0;
}
