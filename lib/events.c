/*
 * events.c - records to a sorted timeline of actions.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"

void
timeline_free(struct timeline *tl)
{
	free(tl->a);
	tl->a = NULL;
	tl->n = tl->cap = 0;
}

static int
push(struct timeline *tl, double time, enum act_kind kind, int rec, int cmt,
    double value, int epoch, int pri, struct twin_err *err)
{
	struct action *a;

	if (tl->n == tl->cap) {
		int cap = tl->cap ? 2 * tl->cap : 64;

		if ((a = realloc(tl->a, cap * sizeof(*a))) == NULL)
			return twin_error(err, "out of memory");
		tl->a = a;
		tl->cap = cap;
	}
	a = &tl->a[tl->n];
	a->time = time;
	a->kind = kind;
	a->rec = rec;
	a->cmt = cmt;
	a->value = value;
	a->epoch = epoch;
	a->pri = pri;
	a->seq = tl->n;
	tl->n++;
	return 0;
}

static int
cmp_action(const void *pa, const void *pb)
{
	const struct action *a = pa, *b = pb;

	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	if (a->pri != b->pri)
		return a->pri - b->pri;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

int
dose_infusion(const struct ev_rec *r, double *rate, double *dur,
    struct twin_err *err)
{
	double amount = r->bio * r->amt;

	*rate = *dur = 0;
	if (r->rate == 0)
		return 0;
	if (r->rate > 0) {
		*rate = r->rate;
		*dur = amount / r->rate;
		return 0;
	}
	if (r->rate == -1) {
		if (!(r->mrate > 0) || !isfinite(r->mrate))
			return twin_error(err, "RATE=-1 but the model gives no "
			    "positive rate for this compartment (got %g)",
			    r->mrate);
		*rate = r->mrate;
		*dur = amount / r->mrate;
		return 0;
	}
	if (r->rate == -2) {
		if (!(r->mdur > 0) || !isfinite(r->mdur))
			return twin_error(err, "RATE=-2 but the model gives no "
			    "positive duration for this compartment (got %g)",
			    r->mdur);
		*dur = r->mdur;
		*rate = amount / r->mdur;
		return 0;
	}
	return twin_error(err, "RATE must be positive, 0, -1 or -2 (got %g)",
	    r->rate);
}

int
ev_evid_default(double amt, double rate, int ss, double mdv)
{
	return amt > 0 || (ss > 0 && amt == 0 && rate > 0) ? 1 :
	    mdv != 0 ? 2 : 0;
}

int
ev_constant_infusion(const struct ev_rec *r)
{
	return r->ss && r->amt == 0 && r->rate > 0;
}

static int
is_dose(const struct ev_rec *r)
{
	return r->evid == 1 || r->evid == 4;
}

/* A dose with its additional doses, those given after tend left out. */
static int
push_doses(struct timeline *tl, const struct ev_rec *r, int k, int epoch,
    double tend, struct twin_err *err)
{
	double rate, dur;
	int a;

	if (dose_infusion(r, &rate, &dur, err) < 0)
		return -1;
	for (a = 0; a <= r->addl; a++) {
		int pri = a == 0 && r->lag == 0;
		double td;

		td = r->time + a * r->ii + r->lag;
		if (a > 0 && td > tend)
			break;
		if (rate == 0) {
			if (push(tl, td, ACT_BOLUS, k, r->cmt, r->bio * r->amt,
			    epoch, pri, err) < 0)
				return -1;
			continue;
		}
		if (dur <= 0)
			continue;
		if (push(tl, td, ACT_INFUSION, k, r->cmt, rate, epoch, pri,
		    err) < 0 ||
		    push(tl, td + dur, ACT_INFUSION, k, r->cmt, -rate, epoch, 0,
		    err) < 0)
			return -1;
	}
	return 0;
}

/*
 * What the doses before a steady-state dose still do after it: lagged
 * boluses not yet given and infusions still running.  Those at the dose
 * time itself come right after the steady-state reset.
 */
static int
push_ss_tails(struct timeline *tl, const struct ev_rec *r, int k, int epoch,
    struct twin_err *err)
{
	double rate, dur, tau = r->ii, t = r->time;
	int j;

	if (dose_infusion(r, &rate, &dur, err) < 0)
		return -1;
	if (rate == 0) {
		for (j = 1; j * tau <= r->lag; j++) {
			double tb = t - j * tau + r->lag;

			if (push(tl, tb, ACT_BOLUS, k, r->cmt, r->bio * r->amt,
			    epoch, tb > t ? 0 : 1, err) < 0)
				return -1;
		}
		return 0;
	}
	for (j = 1; j * tau < r->lag + dur; j++) {
		double s0 = t - j * tau + r->lag, s1 = s0 + dur;

		if (s0 < t)
			s0 = t;
		if (s1 <= s0)
			continue;
		if (push(tl, s0, ACT_INFUSION, k, r->cmt, rate, epoch,
		    s0 > t ? 0 : 1, err) < 0 ||
		    push(tl, s1, ACT_INFUSION, k, r->cmt, -rate, epoch, 0,
		    err) < 0)
			return -1;
	}
	return 0;
}

int
timeline_build(struct timeline *tl, const struct ev_rec *r, int n,
    int *badrec, struct twin_err *err)
{
	int k, epoch = 0;
	double tend = -INFINITY;

	tl->n = 0;
	for (k = 0; k < n; k++)
		if (r[k].time > tend)
			tend = r[k].time;
	for (k = 0; k < n; k++) {
		const struct ev_rec *e = &r[k];

		*badrec = k;
		if (e->evid == 3 || e->evid == 4) {
			epoch++;
			if (push(tl, e->time, ACT_RESET, k, 0, 0, epoch, 1,
			    err) < 0)
				return -1;
		}
		if (is_dose(e)) {
			int constinf = ev_constant_infusion(e);

			if (e->addl > 0 && !(e->ii > 0))
				return twin_error(err, "ADDL=%d needs II > 0",
				    e->addl);
			if (constinf && e->addl > 0)
				return twin_error(err, "ADDL=%d on a "
				    "steady-state constant infusion (AMT=0, "
				    "RATE > 0): it has no further doses",
				    e->addl);
			if (e->ss && !constinf && !(e->ii > 0))
				return twin_error(err, "SS=%d needs II > 0 "
				    "(or AMT=0 with RATE > 0 for a constant "
				    "infusion)", e->ss);
			if (e->ss == 1)
				epoch++;
			if (e->ss && push(tl, e->time, ACT_SS, k, e->cmt, 0,
			    epoch, 1, err) < 0)
				return -1;
			/* As in NONMEM, a steady-state constant infusion sets
			 * the amounts and does not itself go on. */
			if (!constinf) {
				if (e->ss && push_ss_tails(tl, e, k, epoch,
				    err) < 0)
					return -1;
				if (push_doses(tl, e, k, epoch, tend,
				    err) < 0)
					return -1;
			}
		}
		if (push(tl, e->time, ACT_RECORD, k, 0, 0, epoch, 1, err) < 0)
			return -1;
	}
	qsort(tl->a, tl->n, sizeof(*tl->a), cmp_action);
	return 0;
}

static int
cmp_phase(const void *pa, const void *pb)
{
	const struct action *a = pa, *b = pb;

	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

int
ss_period(const struct ev_rec *r, struct action **acts, int *cap,
    struct twin_err *err)
{
	struct timeline tl;
	double rate, dur, tau = r->ii;
	int j, jmin;

	if (dose_infusion(r, &rate, &dur, err) < 0)
		return -1;
	tl.a = *acts;
	tl.cap = *cap;
	tl.n = 0;
	if (rate == 0) {
		if (push(&tl, fmod(r->lag, tau), ACT_BOLUS, 0, r->cmt,
		    r->bio * r->amt, 0, 0, err) < 0)
			goto fail;
		goto done;
	}
	/* Every copy j of the infusion [lag + j tau, lag + dur + j tau)
	 * that overlaps [0, tau). */
	jmin = -(int)ceil((r->lag + dur) / tau) - 1;
	for (j = jmin; j <= 1; j++) {
		double s0 = r->lag + j * tau, s1 = s0 + dur;

		if (s0 < 0)
			s0 = 0;
		if (s1 > tau)
			s1 = tau;
		if (s1 <= s0)
			continue;
		if (push(&tl, s0, ACT_INFUSION, 0, r->cmt, rate, 0, 0,
		    err) < 0)
			goto fail;
		if (s1 < tau && push(&tl, s1, ACT_INFUSION, 0, r->cmt, -rate,
		    0, 0, err) < 0)
			goto fail;
	}
done:
	qsort(tl.a, tl.n, sizeof(*tl.a), cmp_phase);
	*acts = tl.a;
	*cap = tl.cap;
	return tl.n;
fail:
	*acts = tl.a;
	*cap = tl.cap;
	return -1;
}
