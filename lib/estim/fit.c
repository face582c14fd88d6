/*
 * fit.c - the individual objective, its maximum a posteriori estimate and
 * the FOCE-I contribution.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_sf_erf.h>

#include "estim/fit.h"
#include "solve/sens.h"
#include "util/num.h"

#define FD_STEP 1e-5
#define GN_MAXIT 20		/* Gauss-Newton steps at most */
#define GN_MAXIT_COLD 50	/* the same from eta 0, far from the mode */
#define GN_GRAD 1e-8		/* the mode's gradient norm, see polish */
#define GN_GRAD_WARM 1e-6	/* the same from a warm start, unless precise */
/* A mode is found when a further step promises to lower the objective
 * (-2 log posterior) by less than GN_DEC: that decrease is the squared
 * distance to the mode in posterior standard deviations, so within 0.01
 * of one.  Used where the objective's noise shows (a step's decrease off
 * its promise), and for a search that ends short of GN_GRAD. */
#define GN_DEC 1e-4
#define GN_DEC_STALL 1e-2	/* the same where no step lowers it: 0.1 SD */
#define PI 3.14159265358979323846
#define MAXETA 64

struct fit {
	const struct model *m;
	struct sim *sim;
	double *out;		/* sim_run output */
	size_t outcap;
	/* per observation, grown with the individual */
	double *f, *V, *g, *h, *fp, *Vp, *fm, *Vm;
	int cap;
	double omegainv[MAXETA * MAXETA];
	double logdetomega;
	double omega_of[MAXETA * MAXETA];	/* omegainv is for this */
	int omega_valid;
	struct twin_err err;	/* from inside GSL callbacks */
	int failed;
	int map[MAXETA], nfree;	/* random effects estimated last */
	/* g and h were computed at sens_eta within this fit_map (reused by
	 * posterior) */
	int sens_ok;
	double sens_eta[MAXETA];
	int precise;		/* fit_precise */
	int tight;		/* fit_tight */
	int fd_only;		/* fit_finite_differences */
};

void
fit_finite_differences(struct fit *f, int on)
{
	f->fd_only = on;
}

void
fit_tight(struct fit *f, int on)
{
	f->tight = on != 0;
}

void
fit_precise(struct fit *f, int on)
{
	f->precise = on;
}

void
fit_params_free(struct fit_params *p)
{
	free(p->theta);
	free(p->omega);
	memset(p, 0, sizeof(*p));
}

int
fit_params_init(struct fit_params *p, const struct model *m)
{
	memset(p, 0, sizeof(*p));
	p->theta = malloc((m->ntheta + 1) * sizeof(double));
	p->omega = malloc(((size_t)m->neta * m->neta + 1) * sizeof(double));
	if (!p->theta || !p->omega) {
		fit_params_free(p);
		return -1;
	}
	memcpy(p->theta, m->theta, m->ntheta * sizeof(double));
	memcpy(p->omega, m->omega, (size_t)m->neta * m->neta * sizeof(double));
	p->sigma_add = m->sigma_add;
	p->sigma_prop = m->sigma_prop;
	return 0;
}

void
fit_free(struct fit *f)
{
	if (f == NULL)
		return;
	sim_free(f->sim);
	free(f->out);
	free(f->f);
	free(f->V);
	free(f->g);
	free(f->h);
	free(f->fp);
	free(f->Vp);
	free(f->fm);
	free(f->Vm);
	free(f);
}

struct fit *
fit_new(const struct model *m, const struct sim_opts *so,
    struct twin_err *err)
{
	struct fit *f;

	if (m->neta > MAXETA) {
		twin_error(err, "model %s has %d random effects; at most %d "
		    "can be estimated", m->name, m->neta, MAXETA);
		return NULL;
	}
	if (m->errkind == ERR_NONE) {
		twin_error(err, "model %s has no residual error model (error:) "
		    "and cannot be fitted", m->name);
		return NULL;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		twin_nomem(err);
		return NULL;
	}
	f->m = m;
	if ((f->sim = sim_new(m, so, err)) == NULL) {
		fit_free(f);
		return NULL;
	}
	return f;
}

static int
grow_one(double **x, size_t n)
{
	double *p = realloc(*x, n * sizeof(double));

	if (p == NULL)
		return -1;
	*x = p;
	return 0;
}

static int
grow(struct fit *f, int nobs, int neta)
{
	size_t n = (size_t)nobs * (neta > 0 ? neta : 1) + 1, o = nobs + 1;

	if (nobs <= f->cap)
		return 0;
	if (grow_one(&f->f, o) < 0 || grow_one(&f->V, o) < 0 ||
	    grow_one(&f->fp, o) < 0 || grow_one(&f->Vp, o) < 0 ||
	    grow_one(&f->fm, o) < 0 || grow_one(&f->Vm, o) < 0 ||
	    grow_one(&f->g, n) < 0 || grow_one(&f->h, n) < 0)
		return -1;
	f->cap = nobs;
	return 0;
}

/* ---- binding ---------------------------------------------------------- */

void
fit_data_free(struct fit_data *fd)
{
	sim_indiv_free(&fd->si);
	free(fd->obs);
	free(fd->dv);
	free(fd->lloq);
	free(fd->eta);
	memset(fd, 0, sizeof(*fd));
}

int
fit_cols_init(struct sim_cols *c, int *lloq, int *blq,
    const struct rec_reader *r, const struct model *m, struct twin_err *err)
{
	int i;

	if (sim_cols_init(c, r, m, err) < 0)
		return -1;
	for (i = 0; i < m->nind; i++)
		c->ind[i] = -1;
	for (i = 0; i < m->neta; i++)
		c->eta[i] = -1;
	if (c->dv < 0) {
		sim_cols_free(c);
		return twin_error(err, "%s:%ld: no DV column: nothing to fit",
		    rec_path(r), rec_header_line(r));
	}
	*lloq = rec_col(r, "LLOQ");
	*blq = rec_col(r, "BLQ");
	return 0;
}

int
fit_bind(struct fit_data *fd, const struct model *m,
    const struct sim_cols *c, const struct rec_reader *r,
    const struct rec_indiv *ind, struct twin_err *err)
{
	const struct sim_cols *cc = c;
	int k, n = 0, lloqcol = rec_col(r, "LLOQ"), blqcol = rec_col(r, "BLQ");

	if (sim_bind(&fd->si, m, cc, r, ind, NULL, 0, err) < 0)
		return -1;
	if (fd->eta == NULL && (fd->eta = calloc(m->neta + 1,
	    sizeof(double))) == NULL)
		return twin_nomem(err);
	if (fd->obscap < fd->si.n) {
		int cap = fd->si.n;
		void *a = realloc(fd->obs, cap * sizeof(int));

		if (a == NULL)
			return twin_nomem(err);
		fd->obs = a;
		if ((a = realloc(fd->dv, cap * sizeof(double))) == NULL)
			return twin_nomem(err);
		fd->dv = a;
		if ((a = realloc(fd->lloq, cap * sizeof(double))) == NULL)
			return twin_nomem(err);
		fd->lloq = a;
		fd->obscap = cap;
	}
	for (k = 0; k < fd->si.n; k++) {
		const struct rec_row *row = &ind->row[fd->si.src[k]];
		double dv, mdv = 0, lloq = NAN, blq = 0;

		if (fd->si.rec[k].evid != 0)
			continue;
		if (rec_num(r, row, c->mdv, &mdv, err) < 0 ||
		    rec_num(r, row, lloqcol, &lloq, err) < 0 ||
		    rec_num(r, row, blqcol, &blq, err) < 0)
			return -1;
		if (mdv != 0)
			continue;
		switch (rec_num(r, row, c->dv, &dv, err)) {
		case -1:
			return -1;
		case 0:
			if (blq == 1 && !isnan(lloq)) {
				dv = lloq;
				break;
			}
			continue;
		}
		if (!isnan(lloq) && !(blq == 1 || dv < lloq))
			lloq = NAN;
		/* Exponential error is fitted on the log scale. */
		if (!isnan(lloq) && m->errkind == ERR_EXPONENTIAL) {
			if (!(lloq > 0))
				return twin_error(err, "%s:%ld: LLOQ must be "
				    "positive with exponential error",
				    rec_path(r), row->line);
			lloq = log(lloq);
		}
		if (m->errkind == ERR_EXPONENTIAL && !(dv > 0) && isnan(lloq))
			return twin_error(err, "%s:%ld: DV must be positive "
			    "with exponential error, got %g", rec_path(r),
			    row->line, dv);
		fd->obs[n] = k;
		fd->dv[n] = dv;
		fd->lloq[n] = lloq;
		n++;
	}
	fd->nobs = n;
	fd->started = 0;
	memset(fd->eta, 0, m->neta * sizeof(double));
	return 0;
}

/* ---- the objective ---------------------------------------------------- */

double
fit_resvar(const struct model *m, const struct fit_params *p, double f)
{
	double a = p->sigma_add, b = p->sigma_prop;

	switch (m->errkind) {
	case ERR_ADDITIVE:
		return a * a;
	case ERR_PROPORTIONAL:
		return b * b * f * f;
	case ERR_COMBINED:
		return a * a + b * b * f * f;
	case ERR_COMBINED_SD:
		return (a + b * fabs(f)) * (a + b * fabs(f));
	case ERR_EXPONENTIAL:
		return b * b;
	default:
		return 1;
	}
}

/*
 * An error at a trial point that another point may not have: a failed
 * solve, a value outside its domain, a prediction or variance that is not
 * valid.  Out of memory and system errors are not.
 */
static int
trial_invalid(const struct twin_err *err)
{
	return err->kind != TWIN_ENOMEM && err->kind != TWIN_ESYSTEM;
}

/* Predictions (on the log scale for exponential error) and variances. */
static int
predict(struct fit *f, struct fit_data *fd, const struct fit_params *p,
    const double *eta, double *pf, double *pV, struct twin_err *err)
{
	const struct model *m = f->m;
	size_t need = (size_t)fd->si.n * sim_width(m) + 1;
	int j, bad, w = sim_width(m);

	if (need > f->outcap) {
		double *o = realloc(f->out, need * sizeof(double));

		if (o == NULL)
			return twin_nomem(err);
		f->out = o;
		f->outcap = need;
	}
	memcpy(fd->si.eta, eta, m->neta * sizeof(double));
	sim_set_theta(f->sim, p->theta);
	if (sim_run(f->sim, &fd->si, 0, f->out, &bad, err) < 0)
		return -1;
	for (j = 0; j < fd->nobs; j++) {
		double y = f->out[(size_t)fd->obs[j] * w + m->dv];

		if (m->errkind == ERR_EXPONENTIAL) {
			if (!(y > 0))
				return twin_errork(err, TWIN_EDOMAIN,
				    "prediction %g is not positive "
				    "(exponential error)", y);
			y = log(y);
		}
		pf[j] = y;
		pV[j] = fit_resvar(m, p, y);
		if (!(pV[j] > 0) || !isfinite(pV[j]))
			return twin_errork(err, TWIN_EDOMAIN, "residual "
			    "variance %g at prediction %g", pV[j], y);
	}
	return 0;
}

static double
observed(const struct model *m, double dv)
{
	return m->errkind == ERR_EXPONENTIAL ? log(dv) : dv;
}

/* log Phi(z), accurate in the lower tail. */
static double
log_phi(double z)
{
	return log(0.5) + gsl_sf_log_erfc(-z / sqrt(2.0));
}

static double
term(double y, double f, double V, double lloq)
{
	if (!isnan(lloq))
		return -2 * log_phi((lloq - f) / sqrt(V));
	return (y - f) * (y - f) / V + log(V);
}

static int
prepare_omega(struct fit *f, const struct fit_params *p,
    struct twin_err *err)
{
	const struct model *m = f->m;
	double w[MAXETA * MAXETA];
	int i, j, n = m->neta, na, idx[MAXETA];
	gsl_matrix_view a;

	if (f->omega_valid && memcmp(f->omega_of, p->omega,
	    (size_t)n * n * sizeof(double)) == 0)
		return 0;
	f->omega_valid = 0;
	/* Random effects with zero variance are fixed at 0: the prior
	 * covers the others only. */
	for (i = 0, na = 0; i < n; i++)
		if (p->omega[i * n + i] > 0)
			idx[na++] = i;
	for (i = 0; i < na; i++)
		for (j = 0; j < na; j++)
			w[i * na + j] = p->omega[idx[i] * n + idx[j]];
	a = gsl_matrix_view_array(w, na, na);
	if (na > 0 && gsl_linalg_cholesky_decomp1(&a.matrix) != 0)
		return twin_error(err, "omega is not positive definite");
	f->logdetomega = 0;
	for (i = 0; i < na; i++)
		f->logdetomega += 2 * log(w[i * na + i]);
	if (na > 0 && gsl_linalg_cholesky_invert(&a.matrix) != 0)
		return twin_error(err, "omega cannot be inverted");
	memset(f->omegainv, 0, (size_t)n * n * sizeof(double));
	for (i = 0; i < na; i++)
		for (j = 0; j < na; j++)
			f->omegainv[idx[i] * n + idx[j]] = w[i * na + j];
	memcpy(f->omega_of, p->omega, (size_t)n * n * sizeof(double));
	f->omega_valid = 1;
	return 0;
}

static double
prior_term(const struct fit *f, const double *eta)
{
	int i, j, n = f->m->neta;
	double s = 0;

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			s += eta[i] * f->omegainv[i * n + j] * eta[j];
	return s;
}

int
fit_objective(struct fit *f, struct fit_data *fd, const struct fit_params *p,
    const double *eta, int prior, double *obj, struct twin_err *err)
{
	const struct model *m = f->m;
	double s = 0;
	int j;

	if (grow(f, fd->nobs, m->neta) < 0)
		return twin_nomem(err);
	if (prior && prepare_omega(f, p, err) < 0)
		return -1;
	if (predict(f, fd, p, eta, f->f, f->V, err) < 0)
		return -1;
	for (j = 0; j < fd->nobs; j++)
		s += term(observed(m, fd->dv[j]), f->f[j], f->V[j],
		    fd->lloq[j]);
	if (prior)
		s += prior_term(f, eta);
	*obj = s;
	return 0;
}

/* dV/df: the derivative of fit_resvar by the (transformed) prediction. */
static double
resvar_df(const struct model *m, const struct fit_params *p, double f)
{
	double a = p->sigma_add, b = p->sigma_prop;

	switch (m->errkind) {
	case ERR_PROPORTIONAL:
	case ERR_COMBINED:
		return 2 * b * b * f;
	case ERR_COMBINED_SD:
		return 2 * (a + b * fabs(f)) * b * (f > 0 ? 1 : f < 0 ? -1 : 0);
	default:
		return 0;
	}
}

/*
 * Predictions at eta and their derivatives by central differences:
 * g[j * neta + k] = d f_j / d eta_k, h likewise for V.
 */
static int
sensitivities_fd(struct fit *f, struct fit_data *fd,
    const struct fit_params *p, const double *eta, struct twin_err *err)
{
	const struct model *m = f->m;
	double e[MAXETA];
	int j, k, n = m->neta;

	if (predict(f, fd, p, eta, f->f, f->V, err) < 0)
		return -1;
	for (k = 0; k < n; k++) {
		double *fp = f->fp, *Vp = f->Vp, *fm = f->fm, *Vm = f->Vm;
		double h2 = 2 * FD_STEP;

		memcpy(e, eta, n * sizeof(double));
		/* One-sided where one side cannot be predicted. */
		e[k] = eta[k] + FD_STEP;
		if (predict(f, fd, p, e, fp, Vp, err) < 0) {
			if (!trial_invalid(err))
				return -1;
			fp = f->f;
			Vp = f->V;
			h2 = FD_STEP;
		}
		e[k] = eta[k] - FD_STEP;
		if (predict(f, fd, p, e, fm, Vm, err) < 0) {
			if (!trial_invalid(err) || fp == f->f)
				return -1;
			fm = f->f;
			Vm = f->V;
			h2 = FD_STEP;
		}
		for (j = 0; j < fd->nobs; j++) {
			f->g[j * n + k] = (fp[j] - fm[j]) / h2;
			f->h[j * n + k] = (Vp[j] - Vm[j]) / h2;
		}
	}
	return 0;
}

/*
 * The same exactly (sens.h): f and V as predict makes them, g by
 * sens_predict (d log y = dy / y for exponential error), h = dV/df g.
 * Returns 1, without an error, for what sens_predict does not cover
 * (TWIN_EINPUT): the caller takes finite differences.
 */
static int
sensitivities_exact(struct fit *f, struct fit_data *fd,
    const struct fit_params *p, const double *eta, struct twin_err *err)
{
	const struct model *m = f->m;
	int j, k, n = m->neta;

	sim_set_theta(f->sim, p->theta);
	if (sens_predict(f->sim, &fd->si, eta, fd->obs, fd->nobs, f->f, f->g,
	    NULL, err) < 0)
		return err->kind == TWIN_EINPUT ? 1 : -1;
	for (j = 0; j < fd->nobs; j++) {
		double y = f->f[j], dv;

		if (!isfinite(y))
			return twin_errork(err, TWIN_EDOMAIN, "prediction %g "
			    "is not finite", y);
		if (m->errkind == ERR_EXPONENTIAL) {
			if (!(y > 0))
				return twin_errork(err, TWIN_EDOMAIN,
				    "prediction %g is not positive "
				    "(exponential error)", y);
			for (k = 0; k < n; k++)
				f->g[j * n + k] /= y;
			y = log(y);
		}
		f->f[j] = y;
		f->V[j] = fit_resvar(m, p, y);
		if (!(f->V[j] > 0) || !isfinite(f->V[j]))
			return twin_errork(err, TWIN_EDOMAIN, "residual "
			    "variance %g at prediction %g", f->V[j], y);
		dv = resvar_df(m, p, y);
		for (k = 0; k < n; k++) {
			if (!isfinite(f->g[j * n + k]))
				return twin_errork(err, TWIN_EDOMAIN,
				    "derivative %g of prediction %g is not "
				    "finite", f->g[j * n + k], y);
			f->h[j * n + k] = dv * f->g[j * n + k];
		}
	}
	return 0;
}

/*
 * Predictions at eta and their derivatives: g[j * neta + k] = d f_j /
 * d eta_k, h likewise for V.  Exact where sens.h covers the model and
 * data, else (or with fit_finite_differences) central differences.
 */
static int
sensitivities(struct fit *f, struct fit_data *fd, const struct fit_params *p,
    const double *eta, struct twin_err *err)
{
	int rc = 1;

	f->sens_ok = 0;
	if (!f->fd_only)
		rc = sensitivities_exact(f, fd, p, eta, err);
	if (rc < 0)
		return -1;
	if (rc == 1 && sensitivities_fd(f, fd, p, eta, err) < 0)
		return -1;
	f->sens_ok = 1;
	memcpy(f->sens_eta, eta, f->m->neta * sizeof(double));
	return 0;
}

/* Objective and its gradient from the sensitivities. */
static int
objective_grad(struct fit *f, struct fit_data *fd, const struct fit_params *p,
    const double *eta, int prior, double *obj, double *grad,
    struct twin_err *err)
{
	const struct model *m = f->m;
	int j, k, n = m->neta;
	double s = 0;

	if (sensitivities(f, fd, p, eta, err) < 0)
		return -1;
	for (k = 0; k < n; k++)
		grad[k] = 0;
	for (j = 0; j < fd->nobs; j++) {
		double y = observed(m, fd->dv[j]), fj = f->f[j], V = f->V[j];
		double L = fd->lloq[j], df, dV;

		s += term(y, fj, V, L);
		if (!isnan(L)) {
			/* d/dx of -2 log Phi(z), z = (L - f)/sqrt(V) */
			double z = (L - fj) / sqrt(V);
			double r = exp(-0.5 * z * z - 0.5 * log(2 * PI) -
			    log_phi(z));

			df = 2 * r / sqrt(V);
			dV = r * z / V;
		} else {
			df = -2 * (y - fj) / V;
			dV = 1 / V - (y - fj) * (y - fj) / (V * V);
		}
		for (k = 0; k < n; k++)
			grad[k] += df * f->g[j * n + k] + dV * f->h[j * n + k];
	}
	if (prior) {
		int i;

		s += prior_term(f, eta);
		for (i = 0; i < n; i++)
			for (k = 0; k < n; k++)
				grad[i] += 2 * f->omegainv[i * n + k] * eta[k];
	}
	*obj = s;
	return 0;
}

/* ---- maximum a posteriori --------------------------------------------- */

struct mapctx {
	struct fit *f;
	struct fit_data *fd;
	const struct fit_params *p;
	int prior;
	int nfree;
	int map[MAXETA];	/* free parameter -> eta index */
	double eta[MAXETA];
};

static void
unpack(struct mapctx *c, const gsl_vector *x)
{
	int i;

	for (i = 0; i < c->nfree; i++)
		c->eta[c->map[i]] = gsl_vector_get(x, i);
}

static double
map_f(const gsl_vector *x, void *arg)
{
	struct mapctx *c = arg;
	double obj;

	unpack(c, x);
	if (fit_objective(c->f, c->fd, c->p, c->eta, c->prior, &obj,
	    &c->f->err) < 0) {
		/* A trial eta that cannot be evaluated: +infinity, which
		 * the line search steps back from (NaN it would take). */
		if (!trial_invalid(&c->f->err))
			c->f->failed = 1;
		return GSL_POSINF;
	}
	return isfinite(obj) ? obj : GSL_POSINF;
}

static void
map_fdf(const gsl_vector *x, void *arg, double *fx, gsl_vector *df)
{
	struct mapctx *c = arg;
	double grad[MAXETA];
	int i;

	unpack(c, x);
	if (objective_grad(c->f, c->fd, c->p, c->eta, c->prior, fx, grad,
	    &c->f->err) < 0) {
		/* Stops this minimisation; fit_map may start again. */
		c->f->failed = 1;
		*fx = GSL_NAN;
		gsl_vector_set_all(df, GSL_NAN);
		return;
	}
	for (i = 0; i < c->nfree; i++)
		gsl_vector_set(df, i, grad[c->map[i]]);
}

static void
map_df(const gsl_vector *x, void *arg, gsl_vector *df)
{
	double fx;

	map_fdf(x, arg, &fx, df);
}

/*
 * Posterior covariance of the estimated random effects (the nfree of
 * map): the inverse of half the FOCE-I Hessian.  cov is neta x neta with
 * NAN for the random effects held fixed.
 */
static int
posterior(struct fit *f, struct fit_data *fd, const struct fit_params *p,
    int prior, const int *map, int nfree, double *logdet, double *cov,
    struct twin_err *err)
{
	double H[MAXETA * MAXETA];
	int i, j, k, n = f->m->neta;
	gsl_matrix_view a;

	/* At the mode fit_map has just computed them, as a rule. */
	if (!(f->sens_ok && memcmp(f->sens_eta, fd->eta, n *
	    sizeof(double)) == 0) && sensitivities(f, fd, p, fd->eta, err) < 0)
		return -1;
	for (i = 0; i < nfree; i++)
		for (k = 0; k < nfree; k++) {
			int u = map[i], v = map[k];
			double s = prior ? f->omegainv[u * n + v] : 0;

			for (j = 0; j < fd->nobs; j++)
				s += f->g[j * n + u] * f->g[j * n + v] /
				    f->V[j] + 0.5 * f->h[j * n + u] *
				    f->h[j * n + v] / (f->V[j] * f->V[j]);
			H[i * nfree + k] = s;
		}
	a = gsl_matrix_view_array(H, nfree, nfree);
	if (nfree > 0 && gsl_linalg_cholesky_decomp1(&a.matrix) != 0)
		return twin_errork(err, TWIN_EFLAT,
		    "the objective is flat in some random "
		    "effect (unidentifiable from these data)");
	*logdet = 0;
	for (i = 0; i < nfree; i++)
		*logdet += 2 * log(H[i * nfree + i]);
	if (nfree > 0)
		gsl_linalg_cholesky_invert(&a.matrix);
	for (i = 0; i < n * n; i++)
		cov[i] = NAN;
	for (i = 0; i < nfree; i++)
		for (k = 0; k < nfree; k++)
			cov[map[i] * n + map[k]] = H[i * nfree + k];
	return 0;
}

static int
minimise(struct mapctx *c, const gsl_multimin_fdfminimizer_type *type,
    int *iters, double *grad_norm)
{
	gsl_multimin_function_fdf fn;
	gsl_multimin_fdfminimizer *s;
	gsl_vector *x;
	int i, it, status = GSL_CONTINUE;

	fn.n = c->nfree;
	fn.f = map_f;
	fn.df = map_df;
	fn.fdf = map_fdf;
	fn.params = c;
	x = gsl_vector_alloc(c->nfree);
	s = gsl_multimin_fdfminimizer_alloc(type, c->nfree);
	if (x == NULL || s == NULL) {
		gsl_vector_free(x);
		gsl_multimin_fdfminimizer_free(s);
		return -1;
	}
	for (i = 0; i < c->nfree; i++)
		gsl_vector_set(x, i, c->eta[c->map[i]]);
	c->f->failed = 0;
	gsl_multimin_fdfminimizer_set(s, &fn, x, 0.1, 0.1);
	for (it = 0; it < 500 && status == GSL_CONTINUE && !c->f->failed;
	    it++) {
		if (gsl_multimin_fdfminimizer_iterate(s) != 0)
			break;
		status = gsl_multimin_test_gradient(s->gradient, 1e-6);
	}
	unpack(c, s->x);
	*iters += it;
	*grad_norm = gsl_blas_dnrm2(s->gradient);
	gsl_multimin_fdfminimizer_free(s);
	gsl_vector_free(x);
	return status == GSL_SUCCESS ? 0 : 1;
}

/*
 * The structured secant correction of the Gauss-Newton Hessian (Dennis,
 * Gay and Welsch 1981, NL2SOL): Gauss-Newton's expected Hessian Hg
 * leaves out the residuals' own curvature, which a model that cannot
 * follow the data (days of CGM) makes large, and then converges only
 * linearly.  A learns it from the gradients: after the step s from the
 * gradient gp to g, with y = g - gp, the update makes (Hg + A) s = y
 * (a symmetric rank-two update in the direction of y), after sizing A
 * down by min(1, |s'(y - Hg s)| / |s'A s|) as NL2SOL does.  Skipped
 * unless s'y > 0.  nf free random effects; g indexed through map.
 */
static void
secant_update(int nf, const double *Hg, double *A, const double *s,
    const double *gp, const double *g, const int *map)
{
	double y[MAXETA], r[MAXETA], As[MAXETA], sy = 0, sAs = 0, sr = 0;
	double ysh = 0, tau;
	int i, k;

	for (i = 0; i < nf; i++) {
		y[i] = g[map[i]] - gp[i];
		sy += s[i] * y[i];
	}
	if (!(sy > 0))
		return;
	for (i = 0; i < nf; i++) {
		double hs = 0, as = 0;

		for (k = 0; k < nf; k++) {
			hs += Hg[i * nf + k] * s[k];
			as += A[i * nf + k] * s[k];
		}
		r[i] = y[i] - hs;	/* y#, what Hg leaves out */
		As[i] = as;
		sAs += s[i] * as;
		ysh += s[i] * r[i];
	}
	tau = sAs != 0 ? fmin(1, fabs(ysh) / fabs(sAs)) : 1;
	for (i = 0; i < nf * nf; i++)
		A[i] *= tau;
	for (i = 0; i < nf; i++) {
		r[i] -= tau * As[i];	/* y# - A s */
		sr += s[i] * r[i];
	}
	for (i = 0; i < nf; i++)
		for (k = 0; k < nf; k++)
			A[i * nf + k] += (r[i] * y[k] + y[i] * r[k]) / sy -
			    sr * y[i] * y[k] / (sy * sy);
}

/*
 * Gauss-Newton steps (after BFGS, or alone from the previous mode): with
 * the expected Hessian of the objective the mode is found to near machine
 * precision, which keeps the population objective smooth for its
 * finite-difference gradient.  The FOCE-I objective depends on the mode
 * to first order (through log det H), so the test is on the gradient,
 * below GN_GRAD, not on the objective's decrease (a gradient of 1e-5
 * promises a decrease of 1e-12 but moves the FOCE-I objective by 1e-6,
 * which its finite-difference Hessian turns into errors of order 1).
 * Returns 1 when the gradient is that small, 0 when the steps stop short.
 */
static int
polish(struct mapctx *c, int maxit, double tol, double dectol, double *gn,
    double *decrement)
{
	struct fit *f = c->f;
	const struct model *m = f->m;
	double grad[MAXETA], H[MAXETA * MAXETA], d[MAXETA], obj, e0[MAXETA];
	double g1[MAXETA], A[MAXETA * MAXETA], gp[MAXETA], sp[MAXETA];
	double Hg[MAXETA * MAXETA];
	int it, i, j, k, n = m->neta, nf = c->nfree, have = 0, prev = 0;

	memset(A, 0, sizeof(A));
	for (it = 0; it < maxit; it++) {
		double g2 = 0, o1;
		gsl_matrix_view hv;
		gsl_vector_view dv;

		/* have: the full step's evaluation below, with the
		 * sensitivities, is at c->eta already */
		if (!have && objective_grad(f, c->fd, c->p, c->eta, c->prior,
		    &obj, grad, &f->err) < 0)
			return -1;
		have = 0;
		for (i = 0; i < nf; i++)
			g2 += grad[c->map[i]] * grad[c->map[i]];
		*gn = sqrt(g2);
		*decrement = 0;
		if (*gn < tol)
			return 1;
		for (i = 0; i < nf; i++) {
			int a = c->map[i];

			for (k = 0; k < nf; k++) {
				int b = c->map[k];
				double s = c->prior ? f->omegainv[a * n + b] : 0;

				for (j = 0; j < c->fd->nobs; j++)
					s += f->g[j * n + a] * f->g[j * n + b] /
					    f->V[j] + 0.5 * f->h[j * n + a] *
					    f->h[j * n + b] / (f->V[j] * f->V[j]);
				Hg[i * nf + k] = 2 * s;
			}
		}
		if (prev)
			secant_update(nf, Hg, A, sp, gp, grad, c->map);
		for (k = 0; k < 2; k++) {
			/* the corrected Hessian, or Gauss-Newton's alone if
			 * that is not positive definite */
			for (i = 0; i < nf * nf; i++)
				H[i] = Hg[i] + (k == 0 ? A[i] : 0);
			for (i = 0; i < nf; i++)
				d[i] = -grad[c->map[i]];
			hv = gsl_matrix_view_array(H, nf, nf);
			dv = gsl_vector_view_array(d, nf);
			if (gsl_linalg_cholesky_decomp1(&hv.matrix) == 0 &&
			    gsl_linalg_cholesky_svx(&hv.matrix, &dv.vector)
			    == 0)
				break;
			memset(A, 0, sizeof(A));
		}
		if (k == 2) {
			*decrement = HUGE_VAL;
			return 0;
		}
		/* The objective decrease the step promises. */
		*decrement = 0;
		for (i = 0; i < nf; i++)
			*decrement -= 0.5 * grad[c->map[i]] * d[i];
		if (*decrement < tol * tol)
			return 1;
		memcpy(e0, c->eta, n * sizeof(double));
		for (i = 0; i < nf; i++)
			gp[i] = grad[c->map[i]];
		/* A decrease below the objective's rounding cannot be
		 * checked: near the mode the step is taken as it is (the
		 * gradient still resolves what the objective cannot). */
		if (*decrement < 1e-12 * (1 + fabs(obj))) {
			for (i = 0; i < nf; i++) {
				c->eta[c->map[i]] = e0[c->map[i]] + d[i];
				sp[i] = d[i];
			}
			prev = 1;
			continue;
		}
		/* The full step, as a rule taken, with the sensitivities the
		 * next step needs; shorter ones by the objective alone. */
		for (k = 0; k < 20; k++) {
			double step = ldexp(1, -k);
			int rc;

			for (i = 0; i < nf; i++)
				c->eta[c->map[i]] = e0[c->map[i]] + step * d[i];
			rc = k == 0 ? objective_grad(f, c->fd, c->p, c->eta,
			    c->prior, &o1, g1, &f->err) : fit_objective(f,
			    c->fd, c->p, c->eta, c->prior, &o1, &f->err);
			if (rc < 0) {
				if (!trial_invalid(&f->err))
					return -1;
				continue;	/* step back */
			}
			if (o1 <= obj)
				break;
		}
		if (k == 20) {
			/* No step lowers the objective: with a promise below
			 * GN_DEC_STALL the solver's noise hides it. */
			memcpy(c->eta, e0, n * sizeof(double));
			return dectol > 0 && *decrement < GN_DEC_STALL;
		}
		for (i = 0; i < nf; i++)
			sp[i] = ldexp(d[i], -k);
		prev = 1;
		/* Within dectol of the mode, a step that had to be shortened
		 * or whose decrease is off what it promised by more than the
		 * promise: the objective's noise (an ODE solution over days
		 * of CGM) has the last word, the search is over. */
		if (*decrement < dectol && (k > 0 ||
		    fabs(obj - o1 - *decrement) > *decrement))
			return 1;
		if (k == 0) {
			obj = o1;
			memcpy(grad, g1, n * sizeof(double));
			have = 1;
		}
	}
	return 0;
}

int
fit_map(struct fit *f, struct fit_data *fd, const struct fit_params *p,
    int prior, const int *fixed, struct fit_result *res,
    struct twin_err *err)
{
	const struct model *m = f->m;
	struct mapctx c;
	double logdet, gn = 0, dec = HUGE_VAL;
	int i, rc, tries, warm = 0, pr = 0;

	res->converged = 0;
	res->iterations = 0;
	if (grow(f, fd->nobs, m->neta) < 0)
		return twin_nomem(err);
	if (fd->nobs == 0)
		return twin_error(err, "no observations to fit");
	if (prepare_omega(f, p, err) < 0)
		return -1;
	memset(&c, 0, sizeof(c));
	c.f = f;
	c.fd = fd;
	c.p = p;
	c.prior = prior;
	for (i = 0; i < m->neta; i++) {
		c.eta[i] = fd->started ? fd->eta[i] : fixed && fixed[i] ?
		    fd->eta[i] : 0;
		if (!(fixed && fixed[i]) && (!prior || p->omega[i * m->neta +
		    i] > 0))
			c.map[c.nfree++] = i;
	}
	if (c.nfree == 0)
		return twin_error(err, "nothing to estimate: the model has no "
		    "random effects with a variance");
	f->sens_ok = 0;
	/* From a previous mode (the population parameters have moved a
	 * little): Gauss-Newton alone, as a rule in one to three steps. */
	rc = 1;
	if (fd->started) {
		switch (polish(&c, GN_MAXIT, f->precise ? GN_GRAD :
		    GN_GRAD_WARM, 0, &gn, &dec)) {
		case -1:
			if (!trial_invalid(&f->err)) {
				memcpy(err, &f->err, sizeof(*err));
				return -1;
			}
			memcpy(c.eta, fd->eta, m->neta * sizeof(double));
			break;
		case 1:
			warm = 1;
			break;
		}
	}
	/* From eta 0: Gauss-Newton first.  With many observations (days of
	 * CGM) the expected Hessian is close to the true one and a handful
	 * of steps reach the mode where BFGS, building its Hessian from
	 * gradients, takes a hundred; it ends the search when the gradient
	 * is small or a further step promises under GN_DEC (objective
	 * units).  When its steps stop short, BFGS.  Not for the FOCE-I
	 * objective (fit_tight), whose modes BFGS then Gauss-Newton find
	 * to a small gradient. */
	else if (!f->tight) {
		switch (polish(&c, GN_MAXIT_COLD, GN_GRAD, GN_DEC, &gn,
		    &dec)) {
		case -1:
			if (!trial_invalid(&f->err)) {
				memcpy(err, &f->err, sizeof(*err));
				return -1;
			}
			for (i = 0; i < c.nfree; i++)
				c.eta[c.map[i]] = 0;
			break;
		case 1:
			warm = 1;
			break;
		default:
			if (dec < GN_DEC)
				warm = 1;
			break;
		}
	}
	/* BFGS; from the population (eta 0) again if a warm start fails. */
	for (tries = 0; tries < 3 && !warm; tries++) {
		rc = minimise(&c, gsl_multimin_fdfminimizer_vector_bfgs2,
		    &res->iterations, &gn);
		if (f->failed) {
			/* Out of memory, or the gradient could not be had
			 * where BFGS stood: again from eta 0 if it can. */
			if (!trial_invalid(&f->err) || tries == 2) {
				memcpy(err, &f->err, sizeof(*err));
				return -1;
			}
			for (i = 0; i < c.nfree; i++)
				c.eta[c.map[i]] = 0;
			continue;
		}
		if (rc == 0)
			break;
		if (tries == 0 && fd->started)
			for (i = 0; i < c.nfree; i++)
				c.eta[c.map[i]] = 0;
	}
	if (!warm && (pr = polish(&c, GN_MAXIT, GN_GRAD, f->tight ? 0 :
	    GN_DEC, &gn, &dec)) < 0) {
		memcpy(err, &f->err, sizeof(*err));
		return -1;
	}
	memcpy(fd->eta, c.eta, m->neta * sizeof(double));
	fd->started = 1;
	/* Converged: BFGS says so, or what a Newton step could still gain
	 * is negligible (scale-free, robust to solver noise). */
	res->converged = warm || rc == 0 || pr == 1 || gn < 1e-4 ||
	    dec < GN_DEC;
	if (fit_objective(f, fd, p, fd->eta, prior, &res->ofv, err) < 0)
		return -1;
	f->nfree = c.nfree;
	memcpy(f->map, c.map, c.nfree * sizeof(int));
	if (res->cov && posterior(f, fd, p, prior, c.map, c.nfree, &logdet,
	    res->cov, err) < 0)
		return -1;
	return 0;
}

int
fit_focei(struct fit *f, struct fit_data *fd, const struct fit_params *p,
    double *ofv, struct twin_err *err)
{
	const struct model *m = f->m;
	struct fit_result res;
	double cov[MAXETA * MAXETA], logdet;

	memset(&res, 0, sizeof(res));
	if (fit_map(f, fd, p, 1, NULL, &res, err) < 0)
		return -1;
	if (posterior(f, fd, p, 1, f->map, f->nfree, &logdet, cov, err) < 0)
		return -1;
	*ofv = res.ofv + f->logdetomega + logdet;
	(void)m;
	return 0;
}

/* ---- the FOCE-I gradient ---------------------------------------------- */

/*
 * The residual variance R(f; sigma_add, sigma_prop) of fit_resvar with its
 * derivatives: R_f, R_ff by the prediction; R_s[0], R_s[1] by sigma_add
 * and sigma_prop; R_fs[] by both.
 */
static void
resvar_derivs(const struct model *m, const struct fit_params *p, double f,
    double *Rf, double *Rff, double Rs[2], double Rfs[2])
{
	double a = p->sigma_add, b = p->sigma_prop, sd, sg;

	*Rf = *Rff = Rs[0] = Rs[1] = Rfs[0] = Rfs[1] = 0;
	switch (m->errkind) {
	case ERR_ADDITIVE:
		Rs[0] = 2 * a;
		break;
	case ERR_COMBINED:
		Rs[0] = 2 * a;
		/* FALLTHROUGH */
	case ERR_PROPORTIONAL:
		*Rf = 2 * b * b * f;
		*Rff = 2 * b * b;
		Rs[1] = 2 * b * f * f;
		Rfs[1] = 4 * b * f;
		break;
	case ERR_COMBINED_SD:
		sg = f > 0 ? 1 : f < 0 ? -1 : 0;
		sd = a + b * fabs(f);
		*Rf = 2 * sd * b * sg;
		*Rff = 2 * b * b;
		Rs[0] = 2 * sd;
		Rs[1] = 2 * sd * fabs(f);
		Rfs[0] = 2 * b * sg;
		Rfs[1] = 2 * sg * (a + 2 * b * fabs(f));
		break;
	case ERR_EXPONENTIAL:
		Rs[1] = 2 * b;
		break;
	default:
		break;
	}
}

/*
 * Predictions F (log for exponential error) at eta with their exact
 * derivatives by eta (Ge, nobs x neta) and theta (Gt, nobs x ntheta).
 * Returns 1 without an error for what sens.h does not cover.
 */
static int
sens_full(struct fit *f, struct fit_data *fd, const struct fit_params *p,
    const double *eta, double *F, double *Ge, double *Gt,
    struct twin_err *err)
{
	const struct model *m = f->m;
	int j, k, ne = m->neta, nt = m->ntheta;

	sim_set_theta(f->sim, p->theta);
	if (sens_predict(f->sim, &fd->si, eta, fd->obs, fd->nobs, F, Ge, Gt,
	    err) < 0)
		return err->kind == TWIN_EINPUT ? 1 : -1;
	for (j = 0; j < fd->nobs; j++) {
		double y = F[j];

		if (!isfinite(y) || (m->errkind == ERR_EXPONENTIAL && !(y > 0)))
			return twin_errork(err, TWIN_EDOMAIN, "prediction %g "
			    "is not valid here", y);
		if (m->errkind != ERR_EXPONENTIAL)
			continue;
		for (k = 0; k < ne; k++)
			Ge[(size_t)j * ne + k] /= y;
		for (k = 0; k < nt; k++)
			Gt[(size_t)j * nt + k] /= y;
		F[j] = log(y);
	}
	return 0;
}

#define FG_STEP 1e-4	/* eta step of the second derivatives */

/*
 * The gradient of the FOCE-I contribution (the analytic gradient of
 * Almquist et al., J Pharmacokinet Pharmacodyn 2015;42:191).  With the
 * individual objective L(eta) = sum_j t_j + eta' P eta, t_j = (y_j -
 * f_j)^2 / V_j + log V_j, V_j = R(f_j), P = Omega^-1 (the random effects
 * with a variance), and H = P + sum_j w_j g_j g_j', w = 1/V + R_f^2 /
 * (2 V^2) as in fit_focei:
 *   OFV(psi) = L(eta^, psi) + log det Omega + log det H(eta^, psi),
 *   d eta^/d psi = -(d2L/deta2)^-1 d2L/deta dpsi   (eta^ is L's mode),
 * so that, with u = dL/deta + tr(H^-1 dH/deta) and z = -(d2L/deta2)^-1 u,
 *   dOFV/dpsi = dL/dpsi + d log det Omega/dpsi + tr(H^-1 dH/dpsi)
 *               + z' d2L/deta dpsi.
 * The first derivatives of the predictions are exact (sens_full); the
 * second, d2f/deta2 and d2f/deta dtheta, are central differences of the
 * exact first ones (step FG_STEP).
 */
int
fit_focei_grad(struct fit *f, struct fit_data *fd, const struct fit_params *p,
    double *ofv, struct fit_grad *gr, struct twin_err *err)
{
	const struct model *m = f->m;
	int ne = m->neta, nt = m->ntheta, nobs = fd->nobs, nf, j, a, b, i, s;
	int rc = -1, *map = f->map;
	size_t nb = (size_t)nobs;
	double *F = NULL, *Ge, *Gt, *Fx, *Gep, *Gtp, *Gem, *Gtm, *G2, *Gth;
	double *q, *gHg, *c, *e, *w, *dw, *tV, *cs, *ws;
	double P[MAXETA * MAXETA], Hi[MAXETA * MAXETA], HL[MAXETA * MAXETA];
	double eta[MAXETA], Peta[MAXETA], gL[MAXETA], u[MAXETA], z[MAXETA];
	gsl_matrix_view hv;
	gsl_vector_view zv;

	for (j = 0; j < nobs; j++)
		if (!isnan(fd->lloq[j]))
			return fit_focei(f, fd, p, ofv, err) < 0 ? -1 : 1;
	if (f->fd_only)
		return fit_focei(f, fd, p, ofv, err) < 0 ? -1 : 1;
	if (fit_focei(f, fd, p, ofv, err) < 0)
		return -1;
	nf = f->nfree;
	F = malloc((nb * (4 + 3 * ne + 3 * nt + (size_t)nf * (nf + nt)) +
	    nb * (9 + nf)) * sizeof(double) + 1);
	if (F == NULL)
		return twin_nomem(err);
	Fx = F + nb;
	Ge = Fx + nb;
	Gep = Ge + nb * ne;
	Gem = Gep + nb * ne;
	Gt = Gem + nb * ne;
	Gtp = Gt + nb * nt;
	Gtm = Gtp + nb * nt;
	G2 = Gtm + nb * nt;		/* [j][a][b] = d2f_j/deta_a deta_b */
	Gth = G2 + nb * nf * nf;	/* [j][a][i] = d2f_j/deta_a dtheta_i */
	q = Gth + nb * nf * nt;		/* [j][a] = (H^-1 g_j)_a */
	gHg = q + nb * nf;
	c = gHg + nb;
	e = c + nb;
	w = e + nb;
	dw = w + nb;
	tV = dw + nb;			/* [j][s] */
	cs = tV + 2 * nb;		/* [j][s], s = add, prop */
	ws = cs + 2 * nb;
	memcpy(eta, fd->eta, ne * sizeof(double));
	if ((s = sens_full(f, fd, p, eta, F, Ge, Gt, err)) != 0) {
		if (s < 0 && trial_invalid(err))
			s = 2;
		goto done;
	}
	for (a = 0; a < nf; a++) {
		int k = map[a];

		eta[k] = fd->eta[k] + FG_STEP;
		s = sens_full(f, fd, p, eta, Fx, Gep, Gtp, err);
		if (s == 0) {
			eta[k] = fd->eta[k] - FG_STEP;
			s = sens_full(f, fd, p, eta, Fx, Gem, Gtm, err);
		}
		eta[k] = fd->eta[k];
		if (s != 0) {
			/* A side that cannot be predicted: differences of
			 * the objective (the caller's) instead. */
			if (s < 0 && !trial_invalid(err))
				goto done;
			s = s < 0 ? 2 : 1;
			goto done;
		}
		for (j = 0; j < nobs; j++) {
			for (b = 0; b < nf; b++)
				G2[((size_t)j * nf + a) * nf + b] =
				    (Gep[(size_t)j * ne + map[b]] -
				    Gem[(size_t)j * ne + map[b]]) /
				    (2 * FG_STEP);
			for (i = 0; i < nt; i++)
				Gth[((size_t)j * nf + a) * nt + i] =
				    (Gtp[(size_t)j * nt + i] -
				    Gtm[(size_t)j * nt + i]) / (2 * FG_STEP);
		}
	}
	for (j = 0; j < nobs; j++)	/* symmetric in exact arithmetic */
		for (a = 0; a < nf; a++)
			for (b = 0; b < a; b++) {
				double *x = &G2[((size_t)j * nf + a) * nf + b];
				double *y = &G2[((size_t)j * nf + b) * nf + a];

				*x = *y = (*x + *y) / 2;
			}
	/* Per observation: t's derivatives by f (total, V = R(f)) and by
	 * the sigmas, and H's weight w with its derivatives. */
	for (j = 0; j < nobs; j++) {
		double y = observed(m, fd->dv[j]), fj = F[j], r = y - fj;
		double V = fit_resvar(m, p, fj), Rf, Rff, Rs[2], Rfs[2];
		double aV = 1 / V - r * r / (V * V);

		if (!(V > 0) || !isfinite(V)) {
			s = 2;
			goto done;
		}
		resvar_derivs(m, p, fj, &Rf, &Rff, Rs, Rfs);
		c[j] = -2 * r / V + aV * Rf;
		e[j] = 2 / V + 4 * r * Rf / (V * V) + (2 * r * r / (V * V * V) -
		    1 / (V * V)) * Rf * Rf + aV * Rff;
		w[j] = 1 / V + 0.5 * Rf * Rf / (V * V);
		dw[j] = -Rf / (V * V) + Rf * Rff / (V * V) -
		    Rf * Rf * Rf / (V * V * V);
		for (i = 0; i < 2; i++) {
			tV[2 * j + i] = aV * Rs[i];
			cs[2 * j + i] = 2 * r * Rs[i] / (V * V) + (-1 / (V * V) +
			    2 * r * r / (V * V * V)) * Rs[i] * Rf + aV * Rfs[i];
			ws[2 * j + i] = -Rs[i] / (V * V) + Rf * Rfs[i] /
			    (V * V) - Rf * Rf * Rs[i] / (V * V * V);
		}
	}
	/* P, eta, H^-1 and the Hessian of L on the free random effects. */
	for (a = 0; a < nf; a++) {
		Peta[a] = 0;
		for (b = 0; b < nf; b++) {
			P[a * nf + b] = f->omegainv[map[a] * ne + map[b]];
			Peta[a] += P[a * nf + b] * fd->eta[map[b]];
		}
	}
	for (a = 0; a < nf; a++) {
		gL[a] = 2 * Peta[a];
		for (b = 0; b < nf; b++) {
			double h = P[a * nf + b], l = 2 * P[a * nf + b];

			for (j = 0; j < nobs; j++) {
				double ga = Ge[(size_t)j * ne + map[a]];
				double gb = Ge[(size_t)j * ne + map[b]];

				h += w[j] * ga * gb;
				l += e[j] * ga * gb + c[j] *
				    G2[((size_t)j * nf + a) * nf + b];
			}
			Hi[a * nf + b] = h;
			HL[a * nf + b] = l;
		}
		for (j = 0; j < nobs; j++)
			gL[a] += c[j] * Ge[(size_t)j * ne + map[a]];
	}
	hv = gsl_matrix_view_array(Hi, nf, nf);
	if (gsl_linalg_cholesky_decomp1(&hv.matrix) != 0) {
		s = 2;
		goto done;
	}
	gsl_linalg_cholesky_invert(&hv.matrix);
	for (j = 0; j < nobs; j++) {
		gHg[j] = 0;
		for (a = 0; a < nf; a++) {
			double x = 0;

			for (b = 0; b < nf; b++)
				x += Hi[a * nf + b] *
				    Ge[(size_t)j * ne + map[b]];
			q[(size_t)j * nf + a] = x;
			gHg[j] += x * Ge[(size_t)j * ne + map[a]];
		}
	}
	/* u_k = dL/deta_k + tr(H^-1 dH/deta_k) */
	for (a = 0; a < nf; a++) {
		u[a] = gL[a];
		for (j = 0; j < nobs; j++) {
			double qG = 0;

			for (b = 0; b < nf; b++)
				qG += q[(size_t)j * nf + b] *
				    G2[((size_t)j * nf + b) * nf + a];
			u[a] += dw[j] * Ge[(size_t)j * ne + map[a]] * gHg[j] +
			    2 * w[j] * qG;
		}
	}
	/* z = -(d2L/deta2)^-1 u: at L's minimum the Hessian is positive
	 * definite; where it is not, the caller differences. */
	hv = gsl_matrix_view_array(HL, nf, nf);
	zv = gsl_vector_view_array(z, nf);
	for (a = 0; a < nf; a++)
		z[a] = -u[a];
	if (gsl_linalg_cholesky_decomp1(&hv.matrix) != 0 ||
	    gsl_linalg_cholesky_svx(&hv.matrix, &zv.vector) != 0) {
		s = 2;
		goto done;
	}
	/* theta */
	for (i = 0; i < nt; i++) {
		double d = 0;

		for (j = 0; j < nobs; j++) {
			double ft = Gt[(size_t)j * nt + i], qg = 0;

			for (a = 0; a < nf; a++) {
				double gth = Gth[((size_t)j * nf + a) * nt + i];

				qg += q[(size_t)j * nf + a] * gth;
				d += z[a] * (e[j] * ft * Ge[(size_t)j * ne +
				    map[a]] + c[j] * gth);
			}
			d += c[j] * ft + dw[j] * ft * gHg[j] + 2 * w[j] * qg;
		}
		gr->theta[i] = d;
	}
	/* sigma_add, sigma_prop */
	for (i = 0; i < 2; i++) {
		double d = 0;

		for (j = 0; j < nobs; j++) {
			d += tV[2 * j + i] + ws[2 * j + i] * gHg[j];
			for (a = 0; a < nf; a++)
				d += z[a] * cs[2 * j + i] *
				    Ge[(size_t)j * ne + map[a]];
		}
		if (i == 0)
			gr->sigma_add = d;
		else
			gr->sigma_prop = d;
	}
	/* Omega: dOFV = tr(G dOmega) for symmetric dOmega, with
	 * G = P - P eta eta' P - P H^-1 P - (P eta z' P + P z eta' P). */
	{
		double PHP[MAXETA * MAXETA], Pz[MAXETA];

		for (a = 0; a < nf; a++) {
			Pz[a] = 0;
			for (b = 0; b < nf; b++) {
				double x = 0;
				int k;

				for (k = 0; k < nf; k++)
					x += Hi[a * nf + k] * P[k * nf + b];
				PHP[a * nf + b] = x;	/* H^-1 P for now */
				Pz[a] += P[a * nf + b] * z[b];
			}
		}
		memset(gr->omega, 0, (size_t)ne * ne * sizeof(double));
		for (a = 0; a < nf; a++)
			for (b = 0; b < nf; b++) {
				double x = 0;
				int k;

				for (k = 0; k < nf; k++)
					x += P[a * nf + k] * PHP[k * nf + b];
				gr->omega[map[a] * ne + map[b]] =
				    P[a * nf + b] - Peta[a] * Peta[b] - x -
				    (Peta[a] * Pz[b] + Pz[a] * Peta[b]);
			}
	}
	s = 0;
done:
	rc = s;
	free(F);
	return rc;
}

/* ---- results ---------------------------------------------------------- */

int
fit_params_at(struct fit *f, struct fit_data *fd, const struct fit_params *p,
    int k, const double *cov, double *par, double *se)
{
	const struct model *m = f->m;
	double e0[MAXETA], *up, *dn, *d;
	int i, j, l, n = m->neta, q = m->nind;

	sim_set_theta(f->sim, p->theta);
	memcpy(fd->si.eta, fd->eta, n * sizeof(double));
	sim_params(f->sim, &fd->si, k, par);
	if (se == NULL)
		return 0;
	up = malloc((q + 1) * sizeof(double));
	dn = malloc((q + 1) * sizeof(double));
	d = malloc(((size_t)q * n + 1) * sizeof(double));
	if (!up || !dn || !d) {
		free(up);
		free(dn);
		free(d);
		return -1;
	}
	/* d[i * n + j] = d par_i / d eta_j, central differences. */
	memcpy(e0, fd->eta, n * sizeof(double));
	for (j = 0; j < n; j++) {
		memcpy(fd->si.eta, e0, n * sizeof(double));
		fd->si.eta[j] = e0[j] + 1e-6;
		sim_params(f->sim, &fd->si, k, up);
		fd->si.eta[j] = e0[j] - 1e-6;
		sim_params(f->sim, &fd->si, k, dn);
		for (i = 0; i < q; i++)
			d[i * n + j] = (up[i] - dn[i]) / 2e-6;
	}
	memcpy(fd->si.eta, e0, n * sizeof(double));
	for (i = 0; i < q; i++) {
		double s = 0;

		for (j = 0; j < n; j++)
			for (l = 0; l < n; l++)
				if (!isnan(cov[j * n + l]))
					s += d[i * n + j] * cov[j * n + l] *
					    d[i * n + l];
		se[i] = sqrt(s);
	}
	free(up);
	free(dn);
	free(d);
	return 0;
}

int
fit_residuals(struct fit *f, struct fit_data *fd, const struct fit_params *p,
    double *pred, double *ipred, double *cwres, struct twin_err *err)
{
	const struct model *m = f->m;
	double *C = NULL, e0[MAXETA];
	int j, k, l, q, n = m->neta, no = fd->nobs, expo, ok, rc = -1;

	expo = m->errkind == ERR_EXPONENTIAL;
	if (grow(f, no, n) < 0 ||
	    (C = malloc(((size_t)no * no + 1) * sizeof(double))) == NULL)
		return twin_nomem(err);
	memcpy(e0, fd->eta, n * sizeof(double));
	/* PRED: the typical individual, random effects 0. */
	{
		double zero[MAXETA] = { 0 };

		if (predict(f, fd, p, zero, f->fp, f->Vp, err) < 0)
			goto out;
	}
	for (j = 0; j < no; j++)
		pred[j] = expo ? exp(f->fp[j]) : f->fp[j];
	/* f, V and G = df/deta at the mode (on the log scale for
	 * exponential error, where the model is additive). */
	if (sensitivities(f, fd, p, e0, err) < 0)
		goto out;
	for (j = 0; j < no; j++) {
		double ge = 0;

		ipred[j] = expo ? exp(f->f[j]) : f->f[j];
		for (k = 0; k < n; k++)
			ge += f->g[j * n + k] * e0[k];
		cwres[j] = observed(m, fd->dv[j]) - (f->f[j] - ge);
		for (l = 0; l < no; l++) {
			double c = l == j ? f->V[j] : 0;

			for (k = 0; k < n; k++)
				for (q = 0; q < n; q++)
					c += f->g[j * n + k] * p->omega[k * n + q] *
					    f->g[l * n + q];
			C[j * no + l] = c;
		}
	}
	{
		gsl_matrix_view cv = gsl_matrix_view_array(C, no, no);
		gsl_vector_view rv = gsl_vector_view_array(cwres, no);

		ok = gsl_linalg_cholesky_decomp1(&cv.matrix) == 0;
		/* Solve L x = residuals: the decorrelated residuals. */
		if (ok)
			gsl_blas_dtrsv(CblasLower, CblasNoTrans, CblasNonUnit,
			    &cv.matrix, &rv.vector);
	}
	for (j = 0; j < no; j++)
		if (!ok || !isnan(fd->lloq[j]))
			cwres[j] = NAN;
	rc = 0;
out:
	memcpy(fd->si.eta, e0, n * sizeof(double));
	free(C);
	return rc;
}

/* ---- pieces for other estimators (saem.c) ----------------------------- */

int
fit_predict(struct fit *f, struct fit_data *fd, const struct fit_params *p,
    const double *eta, double *pred, struct twin_err *err)
{
	if (grow(f, fd->nobs, f->m->neta) < 0)
		return twin_nomem(err);
	return predict(f, fd, p, eta, pred, f->V, err);
}

double
fit_obs_term(const struct model *m, const struct fit_params *p,
    const struct fit_data *fd, int j, double pred)
{
	return term(observed(m, fd->dv[j]), pred, fit_resvar(m, p, pred),
	    fd->lloq[j]);
}
