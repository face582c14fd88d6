/*
 * events.c - records to a sorted timeline of actions.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/events.h"

void
timeline_free(struct timeline *tl)
{
	free(tl->a);
	free(tl->gen);
	free(tl->heap);
	tl->a = NULL;
	tl->gen = NULL;
	tl->heap = NULL;
	tl->n = tl->cap = tl->ngen = tl->gencap = tl->nheap = tl->i = 0;
}

static int
push(struct timeline *tl, double time, enum act_kind kind, int rec, int cmt,
    double value, int epoch, int pri, long long seq, struct twin_err *err)
{
	struct action *a;

	if (tl->n == tl->cap) {
		int cap = tl->cap ? 2 * tl->cap : 64;

		if ((a = realloc(tl->a, cap * sizeof(*a))) == NULL)
			return twin_nomem(err);
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
	a->seq = seq;
	tl->n++;
	return 0;
}

/*
 * Actions are pushed record by record, so (rec, seq) is the order in
 * which they are implied.
 */
static int
cmp_action(const void *pa, const void *pb)
{
	const struct action *a = pa, *b = pb;

	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	if (a->pri != b->pri)
		return a->pri - b->pri;
	if (a->rec != b->rec)
		return a->rec < b->rec ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

/* Dose a of a generator: the same arithmetic as dose 0. */
static double
gen_time(const struct tl_gen *g, int a)
{
	double td = g->t0 + a * g->ii + g->lag;

	return g->end ? td + g->dur : td;
}

static void
gen_set(struct tl_gen *g, int a)
{
	g->a = a;
	g->next.time = gen_time(g, a);
	g->next.seq = g->seq0 + 2LL * a;
}

static int
gen_less(const struct timeline *tl, int x, int y)
{
	return cmp_action(&tl->gen[tl->heap[x]].next,
	    &tl->gen[tl->heap[y]].next) < 0;
}

static void
heap_down(struct timeline *tl, int i)
{
	for (;;) {
		int l = 2 * i + 1, m = i, h;

		if (l < tl->nheap && gen_less(tl, l, m))
			m = l;
		if (l + 1 < tl->nheap && gen_less(tl, l + 1, m))
			m = l + 1;
		if (m == i)
			return;
		h = tl->heap[i];
		tl->heap[i] = tl->heap[m];
		tl->heap[m] = h;
		i = m;
	}
}

void
timeline_start(struct timeline *tl)
{
	int g;

	tl->i = 0;
	tl->nheap = 0;
	for (g = 0; g < tl->ngen; g++) {
		gen_set(&tl->gen[g], 1);
		tl->heap[tl->nheap++] = g;
	}
	for (g = tl->nheap / 2 - 1; g >= 0; g--)
		heap_down(tl, g);
}

/* Whether the next action is generated. */
static int
next_is_gen(const struct timeline *tl)
{
	if (tl->nheap == 0)
		return 0;
	return tl->i == tl->n ||
	    cmp_action(&tl->gen[tl->heap[0]].next, &tl->a[tl->i]) < 0;
}

const struct action *
timeline_peek(const struct timeline *tl)
{
	if (next_is_gen(tl))
		return &tl->gen[tl->heap[0]].next;
	return tl->i < tl->n ? &tl->a[tl->i] : NULL;
}

const struct action *
timeline_next(struct timeline *tl)
{
	struct tl_gen *g;

	if (!next_is_gen(tl))
		return tl->i < tl->n ? &tl->a[tl->i++] : NULL;
	g = &tl->gen[tl->heap[0]];
	tl->cur = g->next;
	if (g->a < g->amax)
		gen_set(g, g->a + 1);
	else
		tl->heap[0] = tl->heap[--tl->nheap];
	heap_down(tl, 0);
	return &tl->cur;
}

double
timeline_stop_after(const struct timeline *tl, double t,
    int (*stop)(const struct action *, void *), void *ctx)
{
	double best = INFINITY;
	int j, h, found = 0;

	for (j = tl->i; j < tl->n; j++)
		if (tl->a[j].time > t && stop(&tl->a[j], ctx)) {
			best = tl->a[j].time;
			found = 1;
			break;
		}
	/* The first generated action, if a stop after t, is the earliest. */
	if (tl->nheap && tl->gen[tl->heap[0]].next.time > t &&
	    stop(&tl->gen[tl->heap[0]].next, ctx)) {
		double tg = tl->gen[tl->heap[0]].next.time;

		return found && best < tg ? best : tg;
	}
	for (h = 0; h < tl->nheap; h++) {
		const struct tl_gen *g = &tl->gen[tl->heap[h]];
		double tg = g->next.time;
		int a = g->a;

		/* Its doses differ only in time and value. */
		if (!stop(&g->next, ctx))
			continue;
		while (!(tg > t) && a < g->amax)
			tg = gen_time(g, ++a);
		if (tg > t && tg < best) {
			best = tg;
			found = 1;
		}
	}
	return found ? best : tl->tlast;
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

/*
 * The last additional dose given at or before tend: dose times grow with
 * a (rounding is monotonic), so those are a prefix.
 */
static int
last_dose(const struct tl_gen *g, int addl, double tend)
{
	int lo = 0, hi = addl;

	while (lo < hi) {
		int mid = lo + (hi - lo + 1) / 2;

		if (gen_time(g, mid) <= tend)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

static int
add_gen(struct timeline *tl, const struct action *a0, const struct ev_rec *r,
    double dur, int end, double tend, struct twin_err *err)
{
	struct tl_gen *g;

	if (tl->ngen == tl->gencap) {
		int cap = tl->gencap ? 2 * tl->gencap : 8;
		int *h;

		if ((g = realloc(tl->gen, cap * sizeof(*g))) == NULL)
			return twin_nomem(err);
		tl->gen = g;
		if ((h = realloc(tl->heap, cap * sizeof(*h))) == NULL)
			return twin_nomem(err);
		tl->heap = h;
		tl->gencap = cap;
	}
	g = &tl->gen[tl->ngen];
	g->next = *a0;
	g->next.pri = 0;
	g->t0 = r->time;
	g->ii = r->ii;
	g->lag = r->lag;
	g->dur = dur;
	g->seq0 = a0->seq;
	/* Whether dose a is given depends on its start, not its end. */
	g->end = 0;
	g->amax = last_dose(g, r->addl, tend);
	g->end = end;
	if (g->amax == 0)
		return 0;
	gen_set(g, g->amax);
	if (g->next.time > tl->tlast)
		tl->tlast = g->next.time;
	tl->ngen++;
	return 0;
}

/*
 * A dose: dose 0 as actions, its additional doses (those given after tend
 * left out) as generators.  Dose a has seq *seq + 2a (its end + 1).
 */
static int
push_doses(struct timeline *tl, const struct ev_rec *r, int k, int epoch,
    double tend, long long *seq, struct twin_err *err)
{
	/* Dose 0 by the generators' arithmetic (gen_time with a = 0). */
	double rate, dur, td = r->time + 0 * r->ii + r->lag;
	int pri = r->lag == 0, n0 = tl->n;
	long long s = *seq;

	if (dose_infusion(r, &rate, &dur, err) < 0)
		return -1;
	/* Room for the records' own actions after the doses. */
	*seq += 2 * ((long long)r->addl + 1);
	if (rate == 0) {
		if (push(tl, td, ACT_BOLUS, k, r->cmt, r->bio * r->amt,
		    epoch, pri, s, err) < 0)
			return -1;
		return r->addl > 0 ? add_gen(tl, &tl->a[n0], r, 0, 0, tend,
		    err) : 0;
	}
	if (dur <= 0)
		return 0;
	if (push(tl, td, ACT_INFUSION, k, r->cmt, rate, epoch, pri, s,
	    err) < 0 ||
	    push(tl, td + dur, ACT_INFUSION, k, r->cmt, -rate, epoch, 0, s + 1,
	    err) < 0)
		return -1;
	if (r->addl > 0 && (add_gen(tl, &tl->a[n0], r, dur, 0, tend,
	    err) < 0 || add_gen(tl, &tl->a[n0 + 1], r, dur, 1, tend,
	    err) < 0))
		return -1;
	return 0;
}

/*
 * What the doses before a steady-state dose still do after it: lagged
 * boluses not yet given and infusions still running.  Those at the dose
 * time itself come right after the steady-state reset.
 */
static int
push_ss_tails(struct timeline *tl, const struct ev_rec *r, int k, int epoch,
    long long *seq, struct twin_err *err)
{
	double rate, dur, tau = r->ii, t = r->time;
	int j;

	if (dose_infusion(r, &rate, &dur, err) < 0)
		return -1;
	if (rate == 0) {
		for (j = 1; j * tau <= r->lag; j++) {
			double tb = t - j * tau + r->lag;

			if (push(tl, tb, ACT_BOLUS, k, r->cmt, r->bio * r->amt,
			    epoch, tb > t ? 0 : 1, (*seq)++, err) < 0)
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
		    s0 > t ? 0 : 1, (*seq)++, err) < 0 ||
		    push(tl, s1, ACT_INFUSION, k, r->cmt, -rate, epoch, 0,
		    (*seq)++, err) < 0)
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

	tl->n = tl->ngen = tl->nheap = tl->i = 0;
	tl->tlast = -INFINITY;
	for (k = 0; k < n; k++)
		if (r[k].time > tend)
			tend = r[k].time;
	for (k = 0; k < n; k++) {
		const struct ev_rec *e = &r[k];
		long long seq = 0;

		*badrec = k;
		if (e->evid == 3 || e->evid == 4) {
			epoch++;
			if (push(tl, e->time, ACT_RESET, k, 0, 0, epoch, 1,
			    seq++, err) < 0)
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
			    epoch, 1, seq++, err) < 0)
				return -1;
			/* As in NONMEM, a steady-state constant infusion sets
			 * the amounts and does not itself go on. */
			if (!constinf) {
				if (e->ss && push_ss_tails(tl, e, k, epoch,
				    &seq, err) < 0)
					return -1;
				if (push_doses(tl, e, k, epoch, tend, &seq,
				    err) < 0)
					return -1;
			}
		}
		if (push(tl, e->time, ACT_RECORD, k, 0, 0, epoch, 1, seq++,
		    err) < 0)
			return -1;
	}
	if (tl->n > 1)
		qsort(tl->a, tl->n, sizeof(*tl->a), cmp_action);
	if (tl->n && tl->a[tl->n - 1].time > tl->tlast)
		tl->tlast = tl->a[tl->n - 1].time;
	timeline_start(tl);
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
	struct timeline tl = {0};
	double rate, dur, tau = r->ii;
	int j, jmin;

	if (dose_infusion(r, &rate, &dur, err) < 0)
		return -1;
	tl.a = *acts;
	tl.cap = *cap;
	tl.n = 0;
	if (rate == 0) {
		if (push(&tl, fmod(r->lag, tau), ACT_BOLUS, 0, r->cmt,
		    r->bio * r->amt, 0, 0, tl.n, err) < 0)
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
		    tl.n, err) < 0)
			goto fail;
		if (s1 < tau && push(&tl, s1, ACT_INFUSION, 0, r->cmt, -rate,
		    0, 0, tl.n, err) < 0)
			goto fail;
	}
done:
	if (tl.n > 1)
		qsort(tl.a, tl.n, sizeof(*tl.a), cmp_phase);
	*acts = tl.a;
	*cap = tl.cap;
	return tl.n;
fail:
	*acts = tl.a;
	*cap = tl.cap;
	return -1;
}
