/*
 * popdiag.c - diagnostics of a population fit (popdiag.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>

#include "data/record.h"
#include "estim/popdiag.h"
#include "model/rewrite.h"

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

/* "SE x (RSE y%)" of an estimate, or "no SE" (se NAN). */
static void
se_text(char *buf, size_t size, double value, double se)
{
	if (isfinite(se) && value != 0)
		snprintf(buf, size, "SE %.4g (RSE %.3g%%)", se,
		    100 * se / fabs(value));
	else if (isfinite(se))
		snprintf(buf, size, "SE %.4g", se);
	else
		snprintf(buf, size, "no SE");
}

int
pop_write_model(struct pop *p, const struct pop_result *res,
    const char *origin, const char *outpath, struct twin_err *err)
{
	struct pop_layout l;
	const struct model *m;
	struct model_value *v = NULL;
	struct rec_writer *w = NULL;
	char (*com)[160] = NULL, *hdr = NULL, *text = NULL;
	size_t hcap, hl = 0, len;
	int i, k, nv = 0, rc = -1;

	pop_get_layout(p, &l);
	m = l.m;
	if (m->path == NULL)
		return twin_errork(err, TWIN_EINPUT, "model %s has no file to "
		    "write the estimates into", m->name);
	hcap = 512 + strlen(origin) + strlen(m->path) + strlen(m->name) +
	    (size_t)res->n * 200;
	v = calloc(res->n + 1, sizeof(*v));
	com = calloc(res->n + 1, sizeof(*com));
	hdr = malloc(hcap);
	if (v == NULL || com == NULL || hdr == NULL) {
		twin_nomem(err);
		goto out;
	}
	hl += (size_t)snprintf(hdr + hl, hcap - hl, "Estimated by %s\n"
	    "from model %s (%s): OFV %.10g%s.\n", origin, m->name, m->path,
	    res->ofv, res->converged ? "" : ", NOT CONVERGED (the best point "
	    "reached)");
	if (!res->covariance_ok)
		hl += (size_t)snprintf(hdr + hl, hcap - hl, "No standard "
		    "errors: no covariance step, or it failed.\n");
	hl += (size_t)snprintf(hdr + hl, hcap - hl, "Estimates (omega and "
	    "sigma as variances) with their standard errors:\n");
	for (i = 0; i < res->n; i++) {
		const struct pop_estimate *e = &res->est[i];
		char s[64];

		se_text(s, sizeof(s), e->value, e->se);
		if (i < m->ntheta && l.thfixed[i])
			snprintf(s, sizeof(s), "fixed");
		hl += (size_t)snprintf(hdr + hl, hcap - hl, "  %s %.6g, %s\n",
		    e->name, e->value, s);
	}
	hl += (size_t)snprintf(hdr + hl, hcap - hl, "The source model's "
	    "text follows, with these values written in.\n");
	for (i = 0; i < m->ntheta; i++) {
		if (l.thfixed[i])
			continue;
		v[nv].kind = MV_THETA;
		v[nv].a = m->slotname[m->theta0 + i];
		v[nv].value = res->est[i].value;
		se_text(com[nv], sizeof(com[nv]), res->est[i].value,
		    res->est[i].se);
		v[nv].comment = com[nv];
		nv++;
	}
	for (k = 0; k < l.nl; k++) {
		const struct pop_estimate *e = &res->est[m->ntheta + k];

		v[nv].kind = MV_OMEGA;
		v[nv].a = m->slotname[m->eta0 + l.lrow[k]];
		v[nv].b = m->slotname[m->eta0 + l.lcol[k]];
		v[nv].value = e->value;
		se_text(com[nv], sizeof(com[nv]), e->value, e->se);
		v[nv].comment = com[nv];
		nv++;
	}
	for (k = 0; k < l.add + l.prop; k++) {
		const struct pop_estimate *e = &res->est[m->ntheta + l.nl + k];
		double sd = sqrt(e->value), ssd = e->se / (2 * sd);
		char s[64];

		v[nv].kind = MV_ERROR;
		v[nv].a = k == 0 && l.add ? "additive" :
		    m->errkind == ERR_EXPONENTIAL ? "exponential" :
		    "proportional";
		v[nv].value = sd;
		se_text(s, sizeof(s), sd, ssd);
		snprintf(com[nv], sizeof(com[nv]), "%s; variance %.6g", s,
		    e->value);
		v[nv].comment = com[nv];
		nv++;
	}
	if ((text = model_rewrite_file(m->path, hdr, v, nv, &len, err)) ==
	    NULL || (w = rec_wopen(outpath, 0, err)) == NULL ||
	    rec_write(w, text, len, err) < 0)
		goto out;
	rc = 0;
out:
	if (w != NULL && rec_wclose(w, rc == 0, rc == 0 ? err : NULL) < 0)
		rc = -1;
	free(v);
	free(com);
	free(hdr);
	free(text);
	return rc;
}
