#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/events.h"
#include "data/profile.h"

int
profile_cols(struct profile_cols *c, const struct rec_reader *r,
    const char *y, struct twin_err *err)
{
	c->time = rec_col(r, "TIME");
	c->evid = rec_col(r, "EVID");
	c->mdv = rec_col(r, "MDV");
	c->amt = rec_col(r, "AMT");
	c->rate = rec_col(r, "RATE");
	c->ii = rec_col(r, "II");
	c->addl = rec_col(r, "ADDL");
	c->ss = rec_col(r, "SS");
	c->lloq = rec_col(r, "LLOQ");
	c->blq = rec_col(r, "BLQ");
	c->cmt = rec_col(r, "CMT");
	if ((c->y = rec_col(r, y)) < 0)
		return twin_error(err, "%s:%ld: no column \"%s\"", rec_path(r),
		    rec_header_line(r), y);
	if (c->cmt_value != NULL && c->cmt < 0)
		return twin_error(err, "%s:%ld: no column \"CMT\" to select "
		    "CMT \"%s\" from", rec_path(r), rec_header_line(r),
		    c->cmt_value);
	/* MDV says whether DV is missing; it says nothing of a simulated
	 * column. */
	if (strcmp(y, "DV") != 0)
		c->mdv = -1;
	return 0;
}

void
profile_free(struct profile *p)
{
	free(p->t);
	free(p->y);
	free(p->row);
	free(p->dose);
	memset(p, 0, sizeof(*p));
}

int
profile_add_sample(struct profile *p, double t, double y, int row)
{
	if (p->n == p->cap) {
		int cap = p->cap ? 2 * p->cap : 64;
		void *a;

		if ((a = realloc(p->t, cap * sizeof(double))) == NULL)
			return -1;
		p->t = a;
		if ((a = realloc(p->y, cap * sizeof(double))) == NULL)
			return -1;
		p->y = a;
		if ((a = realloc(p->row, cap * sizeof(int))) == NULL)
			return -1;
		p->row = a;
		p->cap = cap;
	}
	p->t[p->n] = t;
	p->y[p->n] = y;
	p->row[p->n++] = row;
	return 0;
}

int
profile_add_dose(struct profile *p, const struct pdose *d)
{
	if (p->nd == p->dcap) {
		int cap = p->dcap ? 2 * p->dcap : 16;
		void *a = realloc(p->dose, cap * sizeof(*p->dose));

		if (a == NULL)
			return -1;
		p->dose = a;
		p->dcap = cap;
	}
	p->dose[p->nd++] = *d;
	return 0;
}

static int
cmp_dose(const void *a, const void *b)
{
	const struct pdose *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->pre - y->pre;
}

int
profile_read(struct profile *p, const struct profile_cols *c,
    const struct rec_reader *r, const struct rec_indiv *ind,
    struct twin_err *err)
{
	int i, k, quantified = 0, nexpl;
	double tend = -INFINITY;

	p->id = ind->id;
	p->n = p->nd = 0;
	/* Additional doses after the last record change nothing here. */
	for (i = 0; i < ind->nrow; i++) {
		double t;

		if (rec_num_or(r, &ind->row[i], c->time, NAN, &t, err) < 0)
			return -1;
		if (t > tend)
			tend = t;
	}
	for (i = 0; i < ind->nrow; i++) {
		const struct rec_row *row = &ind->row[i];
		double t, evid, mdv, y, blq, lloq, amt, rate, ss;
		int isblq, has;

		if (rec_num_or(r, row, c->time, NAN, &t, err) < 0 ||
		    rec_num_or(r, row, c->evid, NAN, &evid, err) < 0 ||
		    rec_num_or(r, row, c->mdv, 0, &mdv, err) < 0 ||
		    rec_num_or(r, row, c->amt, 0, &amt, err) < 0 ||
		    rec_num_or(r, row, c->rate, 0, &rate, err) < 0 ||
		    rec_num_or(r, row, c->ss, 0, &ss, err) < 0)
			return -1;
		if (isnan(evid))
			evid = ev_evid_default(amt, rate, (int)ss, mdv);
		if (evid == 1 || evid == 4) {
			struct pdose d = { t, amt, 0, rate, 0, p->n };
			double addl;

			if (rec_num_or(r, row, c->ii, 0, &d.ii, err) < 0 ||
			    rec_num_or(r, row, c->addl, 0, &addl, err) < 0)
				return -1;
			if (addl < 0 || addl != floor(addl) ||
			    addl > EV_ADDL_MAX)
				return twin_error(err, "%s:%ld: ADDL must be a "
				    "whole number from 0 to %d, got %g",
				    rec_path(r), row->line, EV_ADDL_MAX, addl);
			if (addl > 0 && !(d.ii > 0))
				return twin_error(err, "%s:%ld: ADDL %g needs "
				    "a positive II", rec_path(r), row->line,
				    addl);
			d.ss = (int)ss;
			/* RATE -1/-2 (from the model) is not known here */
			if (d.rate < 0)
				d.rate = 0;
			for (k = 0; k <= (int)addl && (k == 0 || d.t <= tend);
			    k++) {
				if (profile_add_dose(p, &d) < 0)
					return twin_nomem(err);
				d.t += d.ii;
				d.pre = -1;	/* counted below */
			}
			continue;
		}
		if (evid != 0 && evid != 2)
			continue;
		if (mdv == 1 || (c->cmt_value != NULL &&
		    strcmp(row->field[c->cmt], c->cmt_value) != 0))
			continue;
		if ((has = rec_num(r, row, c->y, &y, err)) < 0 ||
		    rec_num_or(r, row, c->blq, 0, &blq, err) < 0 ||
		    rec_num_or(r, row, c->lloq, c->lloq_value, &lloq, err) < 0)
			return -1;
		isblq = blq == 1 || (has && !isnan(lloq) && y < lloq);
		if (!has && !isblq)
			continue;
		if (isblq) {
			switch (c->blq_rule) {
			case BLQ_KEEP:
				if (!has)
					continue;
				break;
			case BLQ_ZERO:
				y = 0;
				break;
			case BLQ_DROP:
				continue;
			case BLQ_DEFAULT:
				if (quantified)
					continue;
				y = 0;
				break;
			}
		} else
			quantified = 1;
		if (profile_add_sample(p, t, y, i) < 0)
			return twin_nomem(err);
	}
	/* A repeated dose has no row; it acts before the records at its
	 * time (as in NONMEM), so samples at its time are post-dose. */
	nexpl = p->nd;
	for (k = 0; k < nexpl; k++) {
		struct pdose *d = &p->dose[k];

		if (d->pre >= 0)
			continue;
		for (d->pre = 0; d->pre < p->n && p->t[d->pre] < d->t;
		    d->pre++)
			;
	}
	if (p->nd > 1)
		qsort(p->dose, p->nd, sizeof(*p->dose), cmp_dose);
	return 0;
}

double
seg_auc(double t1, double c1, double t2, double c2, enum interp m)
{
	double dt = t2 - t1;

	if (m == INTERP_LINLOG && c2 < c1 && c2 > 0)
		return (c1 - c2) / log(c1 / c2) * dt;
	return (c1 + c2) / 2 * dt;
}

double
seg_aumc(double t1, double c1, double t2, double c2, enum interp m)
{
	double dt = t2 - t1;

	if (m == INTERP_LINLOG && c2 < c1 && c2 > 0) {
		double k = log(c1 / c2) / dt;

		return (t1 * c1 - t2 * c2) / k + (c1 - c2) / (k * k);
	}
	return (t1 * c1 + t2 * c2) / 2 * dt;
}

static int
seg_is_log(double c1, double c2, enum interp m)
{
	return m == INTERP_LINLOG && c2 < c1 && c2 > 0;
}

static double
seg_value(double t1, double c1, double t2, double c2, double s,
    enum interp m)
{
	double f = (s - t1) / (t2 - t1);

	if (s == t1)
		return c1;
	if (s == t2)
		return c2;
	if (seg_is_log(c1, c2, m))
		return c1 * pow(c2 / c1, f);
	return c1 + (c2 - c1) * f;
}

/* Last sample at or before x (the later of equal times), -1 if none. */
static int
find(const struct profile *p, double x)
{
	int lo = 0, hi = p->n;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (p->t[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - 1;
}

double
profile_at(const struct profile *p, double x, enum interp m)
{
	int i = find(p, x);

	if (i < 0)
		return NAN;
	if (p->t[i] == x)
		return p->y[i];
	if (i == p->n - 1)
		return NAN;
	return seg_value(p->t[i], p->y[i], p->t[i + 1], p->y[i + 1], x, m);
}

/* A segment of the curve, clipped to a window. */
struct piece {
	double t1, c1, t2, c2;
};

/* The sum of f over the pieces of the curve within [a, b]. */
static double
sum_pieces(const struct profile *p, double a, double b, enum interp m,
    double (*f)(const struct piece *, const void *), const void *arg)
{
	double sum = 0;
	int i;

	for (i = 0; i + 1 < p->n; i++) {
		struct piece s = { p->t[i], p->y[i], p->t[i + 1], p->y[i + 1] };
		struct piece c = s;

		if (s.t2 <= s.t1 || s.t2 <= a || s.t1 >= b)
			continue;
		if (a > s.t1) {
			c.t1 = a;
			c.c1 = seg_value(s.t1, s.c1, s.t2, s.c2, a, m);
		}
		if (b < s.t2) {
			c.t2 = b;
			c.c2 = seg_value(s.t1, s.c1, s.t2, s.c2, b, m);
		}
		sum += f(&c, arg);
	}
	return sum;
}

static double
piece_auc(const struct piece *s, const void *arg)
{
	const enum interp *m = arg;

	return seg_auc(s->t1, s->c1, s->t2, s->c2, *m);
}

double
profile_auc(const struct profile *p, double a, double b, enum interp m,
    double lambdaz)
{
	double tl, yl, sum;

	if (p->n == 0 || a < p->t[0] || !(a <= b))
		return NAN;
	sum = sum_pieces(p, a, b, m, piece_auc, &m);
	tl = p->t[p->n - 1];
	yl = p->y[p->n - 1];
	if (b <= tl || yl == 0)
		return sum;
	if (!(lambdaz > 0))
		return NAN;
	a = a > tl ? a : tl;
	/* yl e^{-lz (s - tl)} integrated from a to b */
	return sum + yl / lambdaz * (exp(-lambdaz * (a - tl)) -
	    (isinf(b) ? 0 : exp(-lambdaz * (b - tl))));
}

struct in_range {
	enum interp m;
	double lo, hi;
	int incl_lo, incl_hi;
};

/* Where a monotone piece crosses level v, clamped to the piece. */
static double
crossing(const struct piece *s, double v, enum interp m)
{
	int up = s->c2 > s->c1;
	double x;

	if (isinf(v))
		return (v > 0) == up ? s->t2 : s->t1;
	if (seg_is_log(s->c1, s->c2, m)) {
		if (v <= 0)
			return s->t2;
		x = s->t1 + log(s->c1 / v) / log(s->c1 / s->c2) *
		    (s->t2 - s->t1);
	} else
		x = s->t1 + (v - s->c1) / (s->c2 - s->c1) * (s->t2 - s->t1);
	if (x < s->t1)
		return s->t1;
	return x > s->t2 ? s->t2 : x;
}

/* Time a piece spends in the range: a flat piece all or nothing (the
 * bounds' closedness decides), a monotone one between its crossings. */
static double
piece_time_in(const struct piece *s, const void *arg)
{
	const struct in_range *a = arg;

	if (s->c1 == s->c2) {
		double c = s->c1;
		int in = (a->incl_lo ? c >= a->lo : c > a->lo) &&
		    (a->incl_hi ? c <= a->hi : c < a->hi);

		return in ? s->t2 - s->t1 : 0;
	}
	return fabs(crossing(s, a->hi, a->m) - crossing(s, a->lo, a->m));
}

double
profile_time_in(const struct profile *p, double a, double b, double lo,
    int incl_lo, double hi, int incl_hi, enum interp m)
{
	struct in_range r = { m, lo, hi, incl_lo, incl_hi };

	if (p->n == 0 || a < p->t[0] || b > p->t[p->n - 1] || !(a <= b))
		return NAN;
	return sum_pieces(p, a, b, m, piece_time_in, &r);
}
