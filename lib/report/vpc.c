#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/events.h"
#include "report/bands.h"
#include "report/vpc.h"

struct sample {
	long rep;
	double t, y, pred;
	int blq, bin;
	int stratum;		/* index into key[] */
};

struct vpc {
	struct sample *s;
	long n, cap;
	/* strata: keys in the order met, ord[] their key order */
	char **key;
	int *ord;
	int nkey, keycap, last;
	int grouped;		/* s[] is in stratum order (vpc_compute_stratum) */
	const char *const *by;	/* vpc_stratify's columns */
	int nby;
};

void
vpc_opts_default(struct vpc_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->npct = 3;
	o->pct[0] = 0.05;
	o->pct[1] = 0.5;
	o->pct[2] = 0.95;
	o->ci = 0.95;
	o->pc = VPC_PC_NONE;
}

struct vpc *
vpc_new(void)
{
	return calloc(1, sizeof(struct vpc));
}

void
vpc_free(struct vpc *v)
{
	int i;

	if (v == NULL)
		return;
	for (i = 0; i < v->nkey; i++)
		free(v->key[i]);
	free(v->key);
	free(v->ord);
	free(v->s);
	free(v);
}

void
vpc_stratify(struct vpc *v, const char *const *by, int nby)
{
	v->by = by;
	v->nby = nby;
}

/* The index of the stratum of key (bands_keycmp equal), added if new;
 * -1 if out of memory. */
static int
stratum_of(struct vpc *v, const char *key)
{
	int lo = 0, hi = v->nkey;
	char *k;

	if (v->nkey > 0 && bands_keycmp(key, v->key[v->last]) == 0)
		return v->last;
	/* ord[0..lo) below key, ord[hi..) above */
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		int c = bands_keycmp(key, v->key[v->ord[mid]]);

		if (c == 0)
			return v->last = v->ord[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (v->nkey == v->keycap) {
		int cap = v->keycap ? 2 * v->keycap : 8;
		void *a = realloc(v->key, cap * sizeof(*v->key));

		if (a == NULL)
			return -1;
		v->key = a;
		if ((a = realloc(v->ord, cap * sizeof(*v->ord))) == NULL)
			return -1;
		v->ord = a;
		v->keycap = cap;
	}
	if ((k = malloc(strlen(key) + 1)) == NULL)
		return -1;
	strcpy(k, key);
	memmove(v->ord + lo + 1, v->ord + lo, (v->nkey - lo) * sizeof(int));
	v->ord[lo] = v->nkey;
	v->key[v->nkey] = k;
	return v->last = v->nkey++;
}

int
vpc_add(struct vpc *v, long rep, double t, double y, double pred, int blq)
{
	return vpc_add_in(v, "", rep, t, y, pred, blq);
}

int
vpc_add_in(struct vpc *v, const char *key, long rep, double t, double y,
    double pred, int blq)
{
	struct sample *s;
	int st;

	if ((st = stratum_of(v, key)) < 0)
		return -1;
	if (v->n == v->cap) {
		long cap = v->cap ? 2 * v->cap : 1024;
		void *a = realloc(v->s, cap * sizeof(*v->s));

		if (a == NULL)
			return -1;
		v->s = a;
		v->cap = cap;
	}
	s = &v->s[v->n++];
	s->rep = rep;
	s->t = t;
	s->y = y;
	s->pred = pred;
	s->blq = blq != 0;
	s->bin = -1;
	s->stratum = st;
	v->grouped = 0;
	return 0;
}

int
vpc_nstrata(const struct vpc *v)
{
	return v->nkey;
}

const char *
vpc_stratum(const struct vpc *v, int i)
{
	return i >= 0 && i < v->nkey ? v->key[v->ord[i]] : NULL;
}

int
vpc_read(struct vpc *v, struct rec_reader *r, const char *y, int sim,
    double lloq, int *haslloq, struct twin_err *err)
{
	struct rec_indiv ind = { 0 };
	int ct = rec_col(r, "TIME"), ce = rec_col(r, "EVID");
	int cm = rec_col(r, "MDV"), ca = rec_col(r, "AMT");
	int cr = rec_col(r, "RATE"), cs = rec_col(r, "SS");
	int cy = rec_col(r, y), cp = rec_col(r, "PRED");
	int cl = rec_col(r, "LLOQ"), cb = sim ? -1 : rec_col(r, "BLQ");
	int crep = sim ? rec_col(r, "REP") : -1;
	int cby[VPC_MAXBY];
	int i, k, rc;
	char key[VPC_MAXKEY];

	if (cy < 0)
		return twin_errork(err, TWIN_EINPUT, "%s:%ld: no column \"%s\"",
		    rec_path(r), rec_header_line(r), y);
	if (v->nby > VPC_MAXBY)
		return twin_errork(err, TWIN_EINPUT, "at most %d columns to "
		    "stratify by", VPC_MAXBY);
	for (k = 0; k < v->nby; k++)
		if ((cby[k] = rec_col(r, v->by[k])) < 0)
			return twin_errork(err, TWIN_EINPUT, "%s:%ld: no column "
			    "\"%s\" to stratify by", rec_path(r),
			    rec_header_line(r), v->by[k]);
	key[0] = '\0';
	/* MDV says whether DV is missing, nothing of another column */
	if (strcmp(y, "DV") != 0)
		cm = -1;
	while ((rc = rec_next(r, &ind, err)) > 0)
		for (i = 0; i < ind.nrow; i++) {
			const struct rec_row *row = &ind.row[i];
			double t, evid, mdv, amt, rate, ss, x, pred, l, b;
			double rep = 0;
			int has, blq;
			size_t len;

			if (rec_num_or(r, row, ct, NAN, &t, err) < 0 ||
			    rec_num_or(r, row, ce, NAN, &evid, err) < 0 ||
			    rec_num_or(r, row, cm, 0, &mdv, err) < 0 ||
			    rec_num_or(r, row, ca, 0, &amt, err) < 0 ||
			    rec_num_or(r, row, cr, 0, &rate, err) < 0 ||
			    rec_num_or(r, row, cs, 0, &ss, err) < 0 ||
			    rec_num_or(r, row, cp, NAN, &pred, err) < 0 ||
			    rec_num_or(r, row, cl, lloq, &l, err) < 0 ||
			    rec_num_or(r, row, cb, 0, &b, err) < 0 ||
			    rec_num_or(r, row, crep, 1, &rep, err) < 0 ||
			    (has = rec_num(r, row, cy, &x, err)) < 0)
				goto bad;
			if (isnan(evid))
				evid = ev_evid_default(amt, rate, (int)ss, mdv);
			if ((evid != 0 && evid != 2) || mdv == 1)
				continue;
			if (!isnan(l))
				*haslloq = 1;
			blq = b == 1 || (has && x < l);
			if (!has && !blq)
				continue;
			if (!sim)
				rep = 0;
			else if (!(rep >= 1 && rep == floor(rep) &&
			    rep < 2e9)) {
				twin_errork(err, TWIN_EINPUT, "%s:%ld: REP must "
				    "be a whole number from 1, got %g",
				    rec_path(r), row->line, rep);
				goto bad;
			}
			for (k = 0, len = 0; k < v->nby; k++) {
				len += (size_t)snprintf(key + len, len <
				    sizeof(key) ? sizeof(key) - len : 0,
				    "%s%s", k ? "\t" : "",
				    row->field[cby[k]]);
				if (len >= sizeof(key)) {
					twin_errork(err, TWIN_EINPUT, "%s:%ld: "
					    "the values to stratify by are "
					    "longer than %d bytes",
					    rec_path(r), row->line,
					    VPC_MAXKEY - 1);
					goto bad;
				}
			}
			if (vpc_add_in(v, key, (long)rep, t, has ? x : NAN,
			    pred, blq) < 0) {
				twin_nomem(err);
				goto bad;
			}
		}
	rec_indiv_free(&ind);
	return rc < 0 ? -1 : 0;
bad:
	rec_indiv_free(&ind);
	return -1;
}

double
vpc_quantile(const double *x, long n, double p)
{
	double h, d;
	long lo;

	if (n <= 0)
		return NAN;
	h = (n - 1) * p;
	lo = (long)floor(h);
	if (lo >= n - 1)
		return x[n - 1];
	d = h - lo;
	return d == 0 ? x[lo] : x[lo] + d * (x[lo + 1] - x[lo]);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Samples by bin, replicate (observed first), then value; observed BLQ
 * samples lowest (simulated ones are known: their values rank them). */
static int
cmp_sample(const void *a, const void *b)
{
	const struct sample *x = a, *y = b;

	if (x->bin != y->bin)
		return (x->bin > y->bin) - (x->bin < y->bin);
	if (x->rep != y->rep)
		return (x->rep > y->rep) - (x->rep < y->rep);
	if (x->rep == 0 && x->blq != y->blq)
		return y->blq - x->blq;
	if (x->rep == 0 && x->blq)
		return (x->t > y->t) - (x->t < y->t);
	return (x->y > y->y) - (x->y < y->y);
}

/* Automatic edges: nb bins of about equal counts of the observed times
 * t (sorted, n of them). */
static int
auto_edges(const double *t, long n, int nb, double **edges, int *nedges)
{
	double *e;
	long k, prev;
	int ne = 0;

	if ((e = malloc((nb + 1) * sizeof(double))) == NULL)
		return -1;
	e[ne++] = t[0];
	prev = 0;
	for (k = 1; k < nb; k++) {
		/* the cut before the sample at about k n / nb, moved
		 * forward past equal times */
		long j = (long)floor((double)k * n / nb + 0.5);

		if (j <= prev)
			j = prev + 1;
		while (j < n && t[j] == t[j - 1])
			j++;
		if (j >= n)
			break;
		e[ne++] = (t[j - 1] + t[j]) / 2;
		prev = j;
	}
	e[ne++] = t[n - 1];
	*edges = e;
	*nedges = ne;
	return 0;
}

static int
bin_of(const double *e, int ne, double t)
{
	int lo = 0, hi = ne - 1;

	if (!(t >= e[0] && t <= e[ne - 1]))
		return -1;
	if (t == e[ne - 1])
		return ne - 2;
	/* e[lo] <= t < e[hi] */
	while (hi - lo > 1) {
		int mid = (lo + hi) / 2;

		if (t < e[mid])
			hi = mid;
		else
			lo = mid;
	}
	return lo;
}

static void
sim_stat(struct vpc_stat *s, double *v, long n, double ci)
{
	qsort(v, n, sizeof(double), cmp_double);
	s->med = vpc_quantile(v, n, 0.5);
	s->lo = vpc_quantile(v, n, (1 - ci) / 2);
	s->hi = vpc_quantile(v, n, 1 - (1 - ci) / 2);
	s->outside = !isnan(s->obs) && n > 0 && (s->obs < s->lo ||
	    s->obs > s->hi);
}

/* The check of the samples s[0..ns). */
static int
compute(struct sample *s, long ns, const struct vpc_opts *o,
    struct vpc_result *res, struct twin_err *err)
{
	double *e = NULL, *tv = NULL, *buf = NULL, *per = NULL;
	int ne, b, k, nb;
	long i, j, nobs = 0, maxrun = 0;

	memset(res, 0, sizeof(*res));
	for (i = 0; i < ns; i++)
		nobs += s[i].rep == 0;
	if (nobs == 0 && ns > 0)
		return twin_errork(err, TWIN_EINPUT, "no observed samples, "
		    "%ld simulated", ns);
	if (nobs == 0)
		return twin_errork(err, TWIN_EINPUT, "no observed samples");
	/* 1. bins */
	if (o->edges != NULL) {
		ne = o->nedges;
		if ((e = malloc(ne * sizeof(double))) == NULL)
			goto nomem;
		memcpy(e, o->edges, ne * sizeof(double));
	} else {
		if ((tv = malloc(nobs * sizeof(double))) == NULL)
			goto nomem;
		for (i = j = 0; i < ns; i++)
			if (s[i].rep == 0)
				tv[j++] = s[i].t;
		qsort(tv, nobs, sizeof(double), cmp_double);
		if (auto_edges(tv, nobs, o->nbins > 0 ? o->nbins : VPC_NBINS,
		    &e, &ne) < 0)
			goto nomem;
	}
	nb = ne - 1;
	for (i = 0; i < ns; i++)
		s[i].bin = bin_of(e, ne, s[i].t);
	/* left-out samples sort first (bin -1), then by bin and replicate */
	qsort(s, ns, sizeof(*s), cmp_sample);
	if ((res->bin = calloc(nb, sizeof(*res->bin))) == NULL)
		goto nomem;
	res->nbin = nb;
	for (b = 0; b < nb; b++) {
		struct vpc_bin *bn = &res->bin[b];

		bn->from = e[b];
		bn->to = e[b + 1];
		bn->pred = NAN;
		bn->blq.obs = bn->blq.med = bn->blq.lo = bn->blq.hi = NAN;
		for (k = 0; k < o->npct; k++) {
			bn->pct[k].obs = bn->pct[k].med = NAN;
			bn->pct[k].lo = bn->pct[k].hi = NAN;
		}
	}
	/* 2. prediction correction, with each bin's median observed PRED */
	for (i = 0; i < ns; i = j) {
		for (j = i; j < ns && s[j].bin == s[i].bin; j++)
			;
		if (j - i > maxrun)
			maxrun = j - i;
	}
	if ((buf = malloc((maxrun + 1) * sizeof(double))) == NULL)
		goto nomem;
	for (i = 0; i < ns; i = j) {
		struct vpc_bin *bn;
		long n = 0, m, nrep = 0, r0;
		double pbin, sumt = 0;

		b = s[i].bin;
		for (j = i; j < ns && s[j].bin == b; j++)
			;
		if (b < 0)
			continue;
		bn = &res->bin[b];
		for (m = i; m < j && s[m].rep == 0; m++) {
			sumt += s[m].t;
			buf[n++] = s[m].pred;
		}
		if (n == 0) {
			twin_errork(err, TWIN_EINPUT, "no observations in the "
			    "bin from %g to %g", bn->from, bn->to);
			goto fail;
		}
		bn->nobs = n;
		bn->t = sumt / n;
		bn->nsim = j - m;
		if (o->pc != VPC_PC_NONE) {
			for (m = i; m < j; m++)
				if (isnan(s[m].pred)) {
					twin_errork(err, TWIN_EINPUT, "%s "
					    "sample at TIME %g has no PRED, "
					    "which prediction correction "
					    "needs", s[m].rep ? "a simulated"
					    : "an observed", s[m].t);
					goto fail;
				}
			qsort(buf, n, sizeof(double), cmp_double);
			pbin = bn->pred = vpc_quantile(buf, n, 0.5);
			for (m = i; m < j; m++) {
				struct sample *x = &s[m];

				if (o->pc == VPC_PC_ADD)
					x->y += pbin - x->pred;
				else if (x->pred > 0)
					x->y *= pbin / x->pred;
			}
			/* the order of values within a replicate changed */
			qsort(s + i, j - i, sizeof(*s), cmp_sample);
		}
		/* 3. observed percentiles and fraction BLQ */
		{
			long nblq = 0;

			for (m = i; m < i + n; m++) {
				buf[m - i] = s[m].y;
				nblq += s[m].blq;
			}
			for (k = 0; k < o->npct; k++) {
				double h = (n - 1) * o->pct[k];

				if ((long)floor(h) < nblq)
					bn->pct[k].censored = 1;
				else
					bn->pct[k].obs = vpc_quantile(buf, n,
					    o->pct[k]);
			}
			bn->blq.obs = (double)nblq / n;
		}
		/* the replicates: each one's percentiles and fraction */
		for (m = i + n; m < j; m = r0) {
			for (r0 = m; r0 < j && s[r0].rep == s[m].rep;
			    r0++)
				;
			nrep++;
		}
		bn->nrep = (int)nrep;
		if (nrep == 0)
			continue;
		free(per);
		if ((per = malloc((o->npct + 1) * nrep *
		    sizeof(double))) == NULL)
			goto nomem;
		nrep = 0;
		for (m = i + n; m < j; m = r0) {
			long c = 0, nb2 = 0;

			for (r0 = m; r0 < j && s[r0].rep == s[m].rep;
			    r0++) {
				buf[c++] = s[r0].y;
				nb2 += s[r0].blq;
			}
			for (k = 0; k < o->npct; k++)
				per[k * (long)bn->nrep + nrep] =
				    vpc_quantile(buf, c, o->pct[k]);
			per[o->npct * (long)bn->nrep + nrep] =
			    (double)nb2 / c;
			nrep++;
		}
		for (k = 0; k < o->npct; k++)
			sim_stat(&bn->pct[k], per + k * nrep, nrep, o->ci);
		sim_stat(&bn->blq, per + o->npct * nrep, nrep, o->ci);
	}
	for (b = 0; b < nb; b++)
		if (res->bin[b].nobs == 0) {
			twin_errork(err, TWIN_EINPUT, "no observations in the "
			    "bin from %g to %g", res->bin[b].from,
			    res->bin[b].to);
			goto fail;
		}
	/* the observed samples as analysed */
	res->t = malloc((nobs + 1) * sizeof(double));
	res->y = malloc((nobs + 1) * sizeof(double));
	res->blq = malloc((nobs + 1) * sizeof(int));
	if (res->t == NULL || res->y == NULL || res->blq == NULL)
		goto nomem;
	for (i = 0; i < ns; i++)
		if (s[i].rep == 0 && s[i].bin >= 0) {
			res->t[res->n] = s[i].t;
			res->y[res->n] = s[i].blq ? NAN : s[i].y;
			res->blq[res->n++] = s[i].blq;
		}
	free(e);
	free(tv);
	free(buf);
	free(per);
	return 0;
nomem:
	twin_nomem(err);
fail:
	free(e);
	free(tv);
	free(buf);
	free(per);
	vpc_result_free(res);
	return -1;
}

int
vpc_compute(struct vpc *v, const struct vpc_opts *o, struct vpc_result *res,
    struct twin_err *err)
{
	v->grouped = 0;
	return compute(v->s, v->n, o, res, err);
}

static int
cmp_stratum(const void *a, const void *b)
{
	const struct sample *x = a, *y = b;

	/* stratum holds the rank while sorting */
	return (x->stratum > y->stratum) - (x->stratum < y->stratum);
}

int
vpc_compute_stratum(struct vpc *v, int i, const struct vpc_opts *o,
    struct vpc_result *res, struct twin_err *err)
{
	long lo, hi;

	memset(res, 0, sizeof(*res));
	if (i < 0 || i >= v->nkey)
		return twin_errork(err, TWIN_EINPUT, "no observed samples");
	if (!v->grouped) {
		int *rank = malloc(v->nkey * sizeof(int)), k;

		if (rank == NULL)
			return twin_nomem(err);
		for (k = 0; k < v->nkey; k++)
			rank[v->ord[k]] = k;
		for (lo = 0; lo < v->n; lo++)
			v->s[lo].stratum = rank[v->s[lo].stratum];
		qsort(v->s, v->n, sizeof(*v->s), cmp_stratum);
		for (lo = 0; lo < v->n; lo++)
			v->s[lo].stratum = v->ord[v->s[lo].stratum];
		free(rank);
		v->grouped = 1;
	}
	for (lo = 0; lo < v->n && v->s[lo].stratum != v->ord[i]; lo++)
		;
	for (hi = lo; hi < v->n && v->s[hi].stratum == v->ord[i]; hi++)
		;
	return compute(v->s + lo, hi - lo, o, res, err);
}

void
vpc_result_free(struct vpc_result *res)
{
	free(res->bin);
	free(res->t);
	free(res->y);
	free(res->blq);
	memset(res, 0, sizeof(*res));
}
