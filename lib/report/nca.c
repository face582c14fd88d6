#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_fit.h>

#include "report/nca.h"

/* Log-linear least squares on the samples idx[0..n): slope, adjusted R^2;
 * -1 with fewer than 3 distinct times, -2 if the slope is not negative.
 * x and y are scratch space for n values. */
static int
loglin(const double *t, const double *c, const int *idx, int n, double *x,
    double *y, double *slope, double *r2adj)
{
	double c0, c1, v00, v01, v11, ssres, mean = 0, sstot = 0;
	int i;

	if (n < 3)
		return -1;
	for (i = 0; i < n; i++) {
		x[i] = t[idx[i]];
		y[i] = log(c[idx[i]]);
		mean += y[i] / n;
	}
	for (i = 0; i < n; i++)
		sstot += (y[i] - mean) * (y[i] - mean);
	if (x[n - 1] == x[0] || gsl_fit_linear(x, 1, y, 1, n, &c0, &c1, &v00,
	    &v01, &v11, &ssres) != 0)
		return -1;
	if (!(c1 < 0))
		return -2;
	*slope = c1;
	*r2adj = sstot > 0 ? 1 - (ssres / sstot) * (n - 1) / (n - 2) : 1;
	return 0;
}

static void
set_lz(struct nca_result *res, const double *t, const int *idx, int n,
    double slope, double r2)
{
	res->lambdaz = -slope;
	res->lzr2adj = r2;
	res->lzn = n;
	res->lzstart = t[idx[0]];
	res->lzend = t[idx[n - 1]];
}

/*
 * Lambda-z from the positive samples up to Tlast (pos[0..npos)): the
 * user's points or window, or the best fit: of the last k >= 3 samples
 * after Cmax, the largest adjusted R^2, ties within NCA_LZ_TIE going to
 * more points.  ws: scratch for 3 npos values.
 */
static void
lambdaz(const double *t, const double *c, const int *pos, int npos,
    int imax, const struct nca_opts *o, double *ws, struct nca_result *res)
{
	double *x = ws, *y = ws + npos, *r2 = ws + 2 * npos, slope, best;
	int a, i0, k, nfit = 0;

	if (o->lz_points > 0 || !isnan(o->lz_from)) {
		int b;

		if (o->lz_points > 0) {
			res->lzrule = "points";
			a = npos - o->lz_points;
			b = npos;
		} else {
			res->lzrule = "window";
			for (a = 0; a < npos && t[pos[a]] < o->lz_from; a++)
				;
			for (b = a; b < npos && t[pos[b]] <= o->lz_to; b++)
				;
		}
		if (a < 0)
			res->lznote = NCA_LZ_FEW;
		else if ((k = loglin(t, c, pos + a, b - a, x, y, &slope,
		    &r2[0])) == 0)
			set_lz(res, t, pos + a, b - a, slope, r2[0]);
		else
			res->lznote = k == -2 ? NCA_LZ_FLAT : NCA_LZ_FEW;
		return;
	}
	res->lzrule = "best-fit";
	best = -INFINITY;
	for (i0 = npos - 3; i0 >= 0 && pos[i0] > imax; i0--) {
		if ((k = loglin(t, c, pos + i0, npos - i0, x, y, &slope,
		    &r2[i0])) < 0)
			r2[i0] = -INFINITY;
		nfit += k != -1;
		if (r2[i0] > best)
			best = r2[i0];
	}
	if (isinf(best)) {
		res->lznote = nfit > 0 ? NCA_LZ_FLAT : NCA_LZ_FEW;
		return;
	}
	/* i0 + 1 is the earliest candidate: the tie with most points. */
	for (a = i0 + 1; r2[a] < best - NCA_LZ_TIE; a++)
		;
	loglin(t, c, pos + a, npos - a, x, y, &slope, &r2[a]);
	set_lz(res, t, pos + a, npos - a, slope, r2[a]);
}

/* A fitted line counts if it explains more than the mean (adjusted R^2
 * > 0: a zero slope has R^2 0) and meets the user's bound; else it is
 * reported but nothing is extrapolated with it. */
static void
accept_lz(struct nca_result *res, const struct nca_opts *o)
{
	if (isnan(res->lambdaz))
		return;
	if (!(res->lambdaz > 0 && res->lzr2adj > 0))
		res->lznote = NCA_LZ_FLAT;
	else if (res->lzr2adj < o->lz_min_r2adj)
		res->lznote = NCA_LZ_LOWR2;
	else
		return;
	res->lambdaz = NAN;
}

/* Overflow: a result that is not finite although the samples are.  want:
 * the value must be a number (NAN is an overflow too). */
static int
finite_or_fail(const struct profile *p, struct nca_result *res, int sample,
    const char *name, double v, int want, struct twin_err *err)
{
	if (isfinite(v) || (isnan(v) && !want))
		return 0;
	res->bad = sample;
	return twin_error(err, "ID %s: %s is out of the range of double "
	    "precision (%g)", p->id, name, v);
}

static void
clear(struct nca_result *res, int npartial)
{
	double *partial = res->partial;
	int i;

	memset(res, 0, sizeof(*res));
	res->partial = partial;
	for (i = 0; i < npartial; i++)
		partial[i] = NAN;
	res->tref = res->dose = res->cmax = res->tmax = res->clast = NAN;
	res->tlast = res->auclast = res->aucinf = res->aucpext = NAN;
	res->aumclast = res->aumcinf = res->lambdaz = res->lzr2adj = NAN;
	res->lzstart = res->lzend = res->thalf = res->mrt = res->cl = NAN;
	res->vz = res->tau = res->auctau = res->cmin = res->ctrough = NAN;
	res->aumcinf = NAN;
	res->cavg = res->rac = res->c0 = NAN;
	res->lzrule = "none";
	res->lznote = NULL;
	res->bad = -1;
}

/* Every result past AUClast: an infinity is an overflow, and so is a
 * NAN where the result is always a number once lambda-z is known. */
static int
check_results(const struct profile *p, struct nca_result *res,
    int npartial, int sample, struct twin_err *err)
{
	const struct {
		const char *name;
		double v;
		int want;
	} v[] = {
		{ "AUCINF", res->aucinf, 1 }, { "AUMCINF", res->aumcinf, 1 },
		{ "AUCPEXT", res->aucpext, 1 }, { "THALF", res->thalf, 1 },
		{ "MRT", res->mrt, 0 }, { "CL", res->cl, 0 },
		{ "VZ", res->vz, 0 }, { "AUCTAU", res->auctau, 0 },
		{ "CTROUGH", res->ctrough, 0 }, { "CAVG", res->cavg, 0 },
		{ "RAC", res->rac, 0 },
	};
	size_t k;
	int i;

	for (k = 0; k < sizeof(v) / sizeof(v[0]); k++)
		if (finite_or_fail(p, res, sample, v[k].name, v[k].v,
		    v[k].want && res->lambdaz > 0, err) < 0)
			return -1;
	for (i = 0; i < npartial; i++)
		if (finite_or_fail(p, res, sample, "a partial AUC",
		    res->partial[i], 0, err) < 0)
			return -1;
	return 0;
}

int
nca_compute(const struct profile *p, const struct nca_opts *o,
    struct nca_result *res, struct twin_err *err)
{
	struct profile q;
	const struct pdose *d = p->nd > 0 ? &p->dose[p->nd - 1] : NULL;
	double *t, *c, *ws, tref;
	int *pos, i, s0, n, npos, imax, ilast, first, off, rc = 0;

	clear(res, o->npartial);
	res->ss = d != NULL && (p->nd > 1 || d->ss != 0);
	tref = d != NULL ? (res->ss ? d->t : p->dose[0].t) : 0;
	res->tref = tref;
	res->dose = d != NULL ? d->amt : NAN;
	if (res->ss) {
		res->tau = !isnan(o->tau) ? o->tau : d->ii > 0 ? d->ii :
		    d->t - p->dose[p->nd - 2].t;
		if (!(res->tau > 0))
			return twin_error(err, "ID %s: the dosing interval at "
			    "steady state is unknown: give --tau", p->id);
	}
	for (s0 = 0; s0 < p->n && p->t[s0] < tref; s0++)
		;
	/* A sample before an IV bolus is not the concentration after it
	 * (a pre-dose sample at the dose time, written before its row). */
	if (o->iv_bolus && !res->ss)
		while (s0 < p->dose[0].pre && s0 < p->n && p->t[s0] == tref)
			s0++;
	n = p->n - s0;
	if (n == 0)
		return 0;	/* no samples: nothing to tell */
	/* t, c, and scratch for lambda-z: 5 (n + 1) doubles, n + 1 ints */
	t = malloc((n + 1) * 5 * sizeof(double));
	pos = malloc((n + 1) * sizeof(int));
	if (t == NULL || pos == NULL) {
		free(t);
		free(pos);
		return twin_nomem(err);
	}
	c = t + n + 1;
	ws = c + n + 1;
	i = 0;
	if (p->t[s0] > tref) {
		double c0 = 0;

		/* No sample at the dose: 0 after a single dose, the lowest
		 * of the interval at steady state; after an IV bolus the
		 * log-linear line through the first two samples when they
		 * fall (else the first), as WinNonlin and PKNCA do. */
		if (o->iv_bolus && !res->ss) {
			double t1 = p->t[s0] - tref, c1 = p->y[s0];

			c0 = c1;
			if (s0 + 1 < p->n) {
				double t2 = p->t[s0 + 1] - tref;
				double c2 = p->y[s0 + 1];

				if (c2 < c1 && c2 > 0 && t2 > t1)
					c0 = c1 * exp(t1 * log(c1 / c2) /
					    (t2 - t1));
			}
		} else if (res->ss) {
			int j;

			c0 = INFINITY;
			for (j = s0; j < p->n && p->t[j] <= tref + res->tau;
			    j++)
				c0 = p->y[j] < c0 ? p->y[j] : c0;
			if (isinf(c0))
				c0 = NAN;
		}
		t[0] = 0;
		c[0] = c0;
		res->c0 = c0;
		i = 1;
	}
	first = s0;
	off = i;
/* the sample of p behind point k of the curve (k = 0 may be C0) */
#define SRC(k) (first + ((k) > off ? (k) - off : 0))
	for (; s0 < p->n; s0++, i++) {
		t[i] = p->t[s0] - tref;
		c[i] = p->y[s0];
	}
	n = i;
	memset(&q, 0, sizeof(q));
	q.id = p->id;
	q.n = n;
	q.t = t;
	q.y = c;
	imax = -1;
	ilast = -1;
	for (i = 0; i < n; i++) {
		if (isnan(c[i]))
			continue;
		/* Cmax is observed: not a back-extrapolated C0 */
		if ((imax < 0 || c[i] > c[imax]) && !(i == 0 && o->iv_bolus &&
		    !isnan(res->c0)))
			imax = i;
		if (c[i] > 0)
			ilast = i;
	}
	if (imax < 0)
		goto out;
	res->cmax = c[imax];
	res->tmax = t[imax];
	if (ilast < 0)
		goto out;
	res->clast = c[ilast];
	res->tlast = t[ilast];
	res->auclast = res->aumclast = 0;
	for (i = 0; i < ilast; i++) {
		res->auclast += seg_auc(t[i], c[i], t[i + 1], c[i + 1],
		    o->method);
		res->aumclast += seg_aumc(t[i], c[i], t[i + 1], c[i + 1],
		    o->method);
		if ((rc = finite_or_fail(p, res, SRC(i + 1), "AUCLAST",
		    res->auclast, 1, err)) < 0 || (rc = finite_or_fail(p,
		    res, SRC(i + 1), "AUMCLAST", res->aumclast, 1, err)) < 0)
			goto out;
	}
	for (npos = 0, i = 0; i <= ilast; i++)
		if (c[i] > 0)
			pos[npos++] = i;
	lambdaz(t, c, pos, npos, imax, o, ws, res);
	accept_lz(res, o);
	if (res->lambdaz > 0) {
		double lz = res->lambdaz;

		res->thalf = log(2) / lz;
		res->aucinf = res->auclast + res->clast / lz;
		res->aucpext = 100 * (res->aucinf - res->auclast) /
		    res->aucinf;
		res->aumcinf = res->aumclast + res->clast * res->tlast / lz +
		    res->clast / (lz * lz);
		if (!res->ss) {
			/* after an infusion, less half its duration: the
			 * residence time in the body (Gibaldi and Perrier) */
			res->mrt = res->aumcinf / res->aucinf - (d != NULL &&
			    d->rate > 0 ? d->amt / d->rate / 2 : 0);
			res->cl = res->dose / res->aucinf;
			res->vz = res->dose / (lz * res->aucinf);
		}
	}
	/* The curve past Tlast is the lambda-z line from Clast. */
	q.n = ilast + 1;
	for (i = 0; i < o->npartial; i++)
		res->partial[i] = profile_auc(&q, o->partial[2 * i],
		    o->partial[2 * i + 1], o->method, res->lambdaz);
	if (res->ss) {
		double tau = res->tau, aumctau = 0;

		res->auctau = profile_auc(&q, 0, tau, o->method,
		    res->lambdaz);
		res->cavg = res->auctau / tau;
		res->ctrough = tau <= res->tlast ?
		    profile_at(&q, tau, o->method) :
		    res->clast * exp(-res->lambdaz * (tau - res->tlast));
		res->cmin = INFINITY;
		for (i = 0; i < n && t[i] <= tau; i++)
			if (c[i] < res->cmin)
				res->cmin = c[i];
		res->cl = res->dose / res->auctau;
		res->vz = res->dose / (res->lambdaz * res->auctau);
		res->rac = 1 / (1 - exp(-res->lambdaz * tau));
		/* MRT at steady state (Gibaldi and Perrier): AUMC over the
		 * interval plus tau times the area beyond it, over AUCtau. */
		for (i = 0; i + 1 < n && t[i + 1] <= tau; i++)
			aumctau += seg_aumc(t[i], c[i], t[i + 1], c[i + 1],
			    o->method);
		if (i + 1 < n && t[i] < tau)
			aumctau += seg_aumc(t[i], c[i], tau,
			    profile_at(&q, tau, o->method), o->method);
		res->mrt = t[n - 1] < tau ? NAN : (aumctau + tau *
		    (res->aucinf - res->auctau)) / res->auctau;
	}
	rc = check_results(p, res, o->npartial, SRC(ilast), err);
out:
	free(t);
	free(pos);
	return rc;
}
#undef SRC
