/*
 * popdiag.c - diagnostics of a population fit (popdiag.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>

#include "estim/popdiag.h"

void
popdiag_etabar(const double *x, int n, int stride, double *mean,
    double *se, double *p)
{
	double s = 0, q = 0, m;
	int i;

	*mean = *se = *p = NAN;
	if (n < 1)
		return;
	for (i = 0; i < n; i++)
		s += x[(size_t)i * stride];
	m = s / n;
	*mean = m;
	if (n < 2)
		return;
	for (i = 0; i < n; i++) {
		double d = x[(size_t)i * stride] - m;

		q += d * d;
	}
	if (q <= 0)
		return;
	*se = sqrt(q / n) / sqrt((double)n);
	*p = 2 * gsl_cdf_ugaussian_Q(fabs(m) / *se);
}

double
popdiag_eta_shrinkage(const double *x, int n, int stride, double omega)
{
	double s = 0, q = 0, m;
	int i;

	if (n < 2 || !(omega > 0))
		return NAN;
	for (i = 0; i < n; i++)
		s += x[(size_t)i * stride];
	m = s / n;
	for (i = 0; i < n; i++) {
		double d = x[(size_t)i * stride] - m;

		q += d * d;
	}
	return 1 - sqrt(q / (n - 1)) / sqrt(omega);
}

double
popdiag_eps_shrinkage(const double *iwres, int n)
{
	double q = 0;
	int i;

	if (n < 1)
		return NAN;
	for (i = 0; i < n; i++)
		q += iwres[i] * iwres[i];
	return 1 - sqrt(q / n);
}

void
popdiag_criteria(double ofv, int npar, int nobs, double *aic, double *bic)
{
	*aic = ofv + 2.0 * npar;
	*bic = nobs > 0 ? ofv + npar * log((double)nobs) : NAN;
}

int
popdiag_correlation(int n, const double *cov, const int *keep,
    double *cor, struct twin_err *err)
{
	int i, j, a = 0, b, nk = 0;

	for (i = 0; i < n; i++)
		if (keep == NULL || keep[i]) {
			if (!(cov[(size_t)i * n + i] > 0))
				return twin_errork(err, TWIN_EDOMAIN,
				    "parameter %d: variance \"%g\" is not "
				    "positive", i + 1, cov[(size_t)i * n + i]);
			nk++;
		}
	for (i = 0; i < n; i++) {
		if (keep != NULL && !keep[i])
			continue;
		b = 0;
		for (j = 0; j < n; j++) {
			if (keep != NULL && !keep[j])
				continue;
			cor[(size_t)a * nk + b] = i == j ? 1 :
			    cov[(size_t)i * n + j] /
			    sqrt(cov[(size_t)i * n + i] *
			    cov[(size_t)j * n + j]);
			b++;
		}
		a++;
	}
	return 0;
}

int
popdiag_condition(int n, const double *cor, double *cond,
    struct twin_err *err)
{
	gsl_matrix *a;
	gsl_vector *ev;
	gsl_eigen_symm_workspace *w;
	double lo = HUGE_VAL, hi = -HUGE_VAL;
	int i, j, rc;

	if (n < 1)
		return twin_errork(err, TWIN_EDOMAIN, "no parameters");
	a = gsl_matrix_alloc(n, n);
	ev = gsl_vector_alloc(n);
	w = gsl_eigen_symm_alloc(n);
	if (a == NULL || ev == NULL || w == NULL) {
		rc = twin_nomem(err);
		goto out;
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			gsl_matrix_set(a, i, j, cor[(size_t)i * n + j]);
	if (gsl_eigen_symm(a, ev, w) != 0) {
		rc = twin_errork(err, TWIN_EDOMAIN, "the eigenvalues of the "
		    "correlation matrix cannot be computed");
		goto out;
	}
	for (i = 0; i < n; i++) {
		double e = gsl_vector_get(ev, i);

		lo = e < lo ? e : lo;
		hi = e > hi ? e : hi;
	}
	if (!(lo > 0)) {
		rc = twin_errork(err, TWIN_EDOMAIN, "the correlation matrix "
		    "is not positive definite (smallest eigenvalue \"%g\")",
		    lo);
		goto out;
	}
	*cond = hi / lo;
	rc = 0;
out:
	gsl_matrix_free(a);
	gsl_vector_free(ev);
	gsl_eigen_symm_free(w);
	return rc;
}

void
pop_diag_free(struct pop_diag *d)
{
	free(d->etabar);
	free(d->cor_index);
	free(d->cor);
	memset(d, 0, sizeof(*d));
}

/* Each individual's IWRES at its mode appended to w (room for all). */
static int
iwres(struct pop *p, double *w, int *nw, double *pred,
    struct twin_err *err)
{
	const struct fit_params *q = pop_params(p);
	const struct model *m;
	struct pop_layout l;
	int i, j;

	pop_get_layout(p, &l);
	m = l.m;
	for (i = 0; i < pop_count(p); i++) {
		const char *id;
		struct fit_data *fd = pop_individual(p, i, &id);

		if (fit_predict(pop_worker(p), fd, q, fd->eta, pred,
		    err) < 0) {
			twin_error_prefix(err, "ID %s", id);
			return -1;
		}
		for (j = 0; j < fd->nobs; j++) {
			double y = fd->dv[j], v;

			if (!isnan(fd->lloq[j]))
				continue;
			if (m->errkind == ERR_EXPONENTIAL)
				y = log(y);
			v = fit_resvar(m, q, pred[j]);
			if (v > 0)
				w[(*nw)++] = (y - pred[j]) / sqrt(v);
		}
	}
	return 0;
}

int
pop_diagnose(struct pop *p, const struct pop_result *res,
    struct pop_diag *d, struct twin_err *err)
{
	const struct fit_params *q = pop_params(p);
	struct pop_layout l;
	const struct model *m;
	double *eta = NULL, *w = NULL, *pred = NULL;
	int i, k, n = pop_count(p), nall = 0, maxobs = 0, nw = 0, rc = -1;
	int *keep = NULL;
	struct twin_err e2;

	memset(d, 0, sizeof(*d));
	pop_get_layout(p, &l);
	m = l.m;
	d->nind = n;
	d->neta = m->neta;
	d->eps_shrink = d->condition = NAN;
	for (i = 0; i < m->ntheta; i++)
		d->npar += !l.thfixed[i];
	d->npar += l.nl + l.add + l.prop;
	for (i = 0; i < n; i++) {
		struct fit_data *fd = pop_individual(p, i, NULL);

		nall += fd->nobs;
		maxobs = fd->nobs > maxobs ? fd->nobs : maxobs;
		for (k = 0; k < fd->nobs; k++)
			d->nobs += isnan(fd->lloq[k]);
	}
	popdiag_criteria(res->ofv, d->npar, d->nobs, &d->aic, &d->bic);
	d->etabar = calloc(4 * (size_t)m->neta + 1, sizeof(double));
	eta = calloc((size_t)n * m->neta + 1, sizeof(double));
	w = calloc((size_t)nall + 1, sizeof(double));
	pred = calloc((size_t)maxobs + 1, sizeof(double));
	d->cor_index = calloc(res->n + 1, sizeof(int));
	keep = calloc(res->n + 1, sizeof(int));
	if (!d->etabar || !eta || !w || !pred || !d->cor_index || !keep) {
		twin_nomem(err);
		goto out;
	}
	d->etabar_se = d->etabar + m->neta;
	d->etabar_p = d->etabar + 2 * m->neta;
	d->eta_shrink = d->etabar + 3 * m->neta;
	for (i = 0; i < n; i++) {
		struct fit_data *fd = pop_individual(p, i, NULL);

		memcpy(eta + (size_t)i * m->neta, fd->eta,
		    m->neta * sizeof(double));
	}
	for (k = 0; k < m->neta; k++) {
		double om = q->omega[k * m->neta + k];

		if (om > 0) {
			popdiag_etabar(eta + k, n, m->neta, &d->etabar[k],
			    &d->etabar_se[k], &d->etabar_p[k]);
			d->eta_shrink[k] = popdiag_eta_shrinkage(eta + k, n,
			    m->neta, om);
		} else {
			d->etabar[k] = d->etabar_se[k] = d->etabar_p[k] =
			    d->eta_shrink[k] = NAN;
		}
	}
	if (m->errkind != ERR_NONE) {
		if (iwres(p, w, &nw, pred, err) < 0)
			goto out;
		d->eps_shrink = popdiag_eps_shrinkage(w, nw);
	}
	/* The estimated parameters: thetas not fixed, then the omega and
	 * sigma entries, in res's order. */
	for (i = 0; i < res->n; i++)
		keep[i] = i >= m->ntheta || !l.thfixed[i];
	for (i = 0; i < res->n; i++)
		if (keep[i])
			d->cor_index[d->ncor++] = i;
	if (res->cov != NULL && d->ncor > 0) {
		d->cor = calloc((size_t)d->ncor * d->ncor, sizeof(double));
		if (d->cor == NULL) {
			twin_nomem(err);
			goto out;
		}
		/* A correlation matrix that cannot be had (a variance 0)
		 * leaves cor NULL and the condition number NAN. */
		if (popdiag_correlation(res->n, res->cov, keep, d->cor,
		    &e2) < 0) {
			free(d->cor);
			d->cor = NULL;
		} else if (popdiag_condition(d->ncor, d->cor, &d->condition,
		    &e2) < 0) {
			d->condition = NAN;
		}
	}
	rc = 0;
out:
	free(eta);
	free(w);
	free(pred);
	free(keep);
	if (rc < 0)
		pop_diag_free(d);
	return rc;
}
