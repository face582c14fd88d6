/*
 * saem.c - SAEM over pop's cohort (see saem.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "estim/saem.h"

#define ACCEPT 0.4		/* target acceptance of the random walks */
#define ADAPT 0.4		/* their scales' adaptation step */
#define ANNEAL 0.95		/* a variance falls by at most this factor */
#define NM_ITER 20		/* Nelder-Mead iterations per M-step */
#define NM_STEP 0.05		/* its first step, relative to the values */
#define FD_X 1e-3		/* Newton M-step: relative difference step */
#define MAX_STEP 0.5		/* its largest relative change of a theta */

struct chain {
	gsl_rng *rng;
	double *z;		/* ne: phi = eta + mu */
	double *eta, *try;	/* ne: scratch */
	double *pred;		/* nobs: predictions at the sample */
	double oy;		/* data part of the objective at eta */
	long *acc, *tried;	/* kernel 2, then kernel 3 per component */
	long nevals;
};

struct saem {
	struct pop *p;
	const struct model *m;
	struct pop_layout lay;
	int n, ne, na, nk;	/* individuals, etas, estimated, counters */
	int nch, nc;		/* chains per individual, in all */
	int *idx;		/* na: the estimated etas */
	int *mu;		/* ne: mu-referenced theta or -1 */
	int *add;		/* ne: ... as theta + eta, not theta exp(eta) */
	int nnum, *num;		/* thetas estimated numerically */
	int censored;		/* any censored observation */
	long nobs;
	struct fit_params q, t;	/* current, and a trial (M-step) */
	double *L, *oinv;	/* na x na: Cholesky factor, inverse */
	double *sd;		/* na: sqrt of the diagonal */
	double s2, *s3;		/* random-walk scales */
	double *S1, *S2;	/* sufficient statistics (na, na x na) */
	struct chain *c;
};

static double
mu_of(const struct saem *s, const struct fit_params *q, int e)
{
	if (s->mu[e] < 0)
		return 0;
	return s->add[e] ? q->theta[s->mu[e]] : log(q->theta[s->mu[e]]);
}

static unsigned long long
mix(unsigned long long x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static void
saem_free(struct saem *s)
{
	int i;

	for (i = 0; s->c != NULL && i < s->nc; i++) {
		gsl_rng_free(s->c[i].rng);
		free(s->c[i].z);
		free(s->c[i].eta);
		free(s->c[i].try);
		free(s->c[i].pred);
		free(s->c[i].acc);
		free(s->c[i].tried);
	}
	free(s->c);
	free(s->idx);
	free(s->mu);
	free(s->add);
	free(s->num);
	free(s->L);
	free(s->oinv);
	free(s->sd);
	free(s->s3);
	free(s->S1);
	free(s->S2);
	fit_params_free(&s->q);
	fit_params_free(&s->t);
}

void
saem_defaults(struct saem_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->k1 = SAEM_K1;
	o->k2 = SAEM_K2;
	o->seed = SAEM_SEED;
	o->covariance = 1;
}

/* ---- mu-referencing --------------------------------------------------- */

static int
same(const double *a, const double *b, int n, double rtol)
{
	int i;

	for (i = 0; i < n; i++)
		if (!(fabs(a[i] - b[i]) <= rtol * fabs(a[i]) + 1e-300) &&
		    !(a[i] == b[i]))
			return 0;
	return 1;
}

/* Parameters at every record and predictions of fd at (q, eta); 1 if
 * the simulation failed, -1 out of memory. */
static int
eval_at(struct fit *w, struct fit_data *fd, const struct model *m,
    const struct fit_params *q, const double *eta, double *par,
    double *pred, struct twin_err *err)
{
	struct twin_err e2;
	int k;

	memcpy(fd->eta, eta, m->neta * sizeof(double));
	for (k = 0; k < fd->si.n; k++)
		if (fit_params_at(w, fd, q, k, NULL, par + (size_t)k * m->nind,
		    NULL) < 0)
			return twin_nomem(err);
	if (fit_predict(w, fd, q, eta, pred, &e2) < 0) {
		if (e2.kind == TWIN_ENOMEM)
			return twin_nomem(err);
		return 1;
	}
	return 0;
}

/*
 * Do individual i's parameters (at every record) and predictions depend
 * on theta t and eta e only through theta_t exp(eta_e) (add 0) or
 * theta_t + eta_e (add 1), and on them at all?  1 yes, 0 no, -1 out of
 * memory.
 */
static int
invariant(struct saem *s, struct fit *w, int i, int t, int e, int add,
    struct twin_err *err)
{
	const struct model *m = s->m;
	struct fit_data *fd = pop_individual(s->p, i, NULL);
	size_t np = (size_t)fd->si.n * m->nind + 1, no = fd->nobs + 1;
	double *pa = malloc(np * sizeof(double));
	double *pb = malloc(np * sizeof(double));
	double *fa = malloc(no * sizeof(double));
	double *fb = malloc(no * sizeof(double));
	double *eta = calloc(m->neta + 1, sizeof(double));
	double *save = malloc((m->neta + 1) * sizeof(double));
	const double c = add ? 0.2 : 1.3;
	int rc = -1, r;

	if (!pa || !pb || !fa || !fb || !eta || !save) {
		twin_nomem(err);
		goto out;
	}
	memcpy(save, fd->eta, m->neta * sizeof(double));
	memcpy(s->t.theta, s->q.theta, m->ntheta * sizeof(double));
	eta[e] = 0.1;
	if ((r = eval_at(w, fd, m, &s->q, eta, pa, fa, err)) != 0)
		goto done;
	/* theta_t c, eta_e - log c (theta_t + c, eta_e - c): the same */
	s->t.theta[t] = add ? s->q.theta[t] + c : s->q.theta[t] * c;
	eta[e] = 0.1 - (add ? c : log(c));
	if ((r = eval_at(w, fd, m, &s->t, eta, pb, fb, err)) != 0)
		goto done;
	if (!same(pa, pb, (int)np - 1, 1e-9) ||
	    !same(fa, fb, fd->nobs, 1e-6)) {
		r = 0;
		goto done;
	}
	/* theta_t changed alone: another individual */
	eta[e] = 0.1;
	if ((r = eval_at(w, fd, m, &s->t, eta, pb, fb, err)) != 0)
		goto done;
	r = !same(fa, fb, fd->nobs, 1e-6) ? 2 : 0;
done:
	memcpy(fd->eta, save, m->neta * sizeof(double));
	memcpy(s->t.theta, s->q.theta, m->ntheta * sizeof(double));
	rc = r < 0 ? -1 : r == 2;
out:
	free(pa);
	free(pb);
	free(fa);
	free(fb);
	free(eta);
	free(save);
	return rc;
}

static int
detect(struct saem *s, struct twin_err *err)
{
	const struct model *m = s->m;
	struct fit *w = pop_worker(s->p);
	int a, t, k, r, taken[256] = { 0 };
	int test[3] = { 0, s->n / 2, s->n - 1 };

	for (a = 0; a < s->na; a++) {
		int e = s->idx[a];

		for (t = 0; t < m->ntheta && t < 256 && s->mu[e] < 0; t++) {
			int add;

			if (taken[t] || s->lay.thfixed[t])
				continue;
			for (add = 0; add < 2; add++) {
				if (!add && !(s->q.theta[t] > 0))
					continue;
				for (k = 0, r = 1; k < 3 && r == 1; k++)
					if ((r = invariant(s, w, test[k], t, e,
					    add, err)) < 0)
						return -1;
				if (r == 1) {
					s->mu[e] = t;
					s->add[e] = add;
					taken[t] = 1;
					break;
				}
			}
		}
	}
	for (t = 0; t < m->ntheta; t++)
		if (!s->lay.thfixed[t] && !(t < 256 && taken[t]))
			s->num[s->nnum++] = t;
	return 0;
}

static int
setup(struct saem *s, struct pop *p, struct twin_err *err)
{
	const struct model *m;
	int i, e, ne;

	memset(s, 0, sizeof(*s));
	s->p = p;
	pop_get_layout(p, &s->lay);
	s->m = m = s->lay.m;
	s->ne = ne = m->neta;
	s->n = pop_count(p);
	if (s->n == 0)
		return twin_error(err, "no individuals with observations");
	if (fit_params_init(&s->q, m) < 0 || fit_params_init(&s->t, m) < 0)
		return twin_nomem(err);
	s->idx = calloc(ne + 1, sizeof(int));
	s->mu = calloc(ne + 1, sizeof(int));
	s->add = calloc(ne + 1, sizeof(int));
	s->num = calloc(m->ntheta + 1, sizeof(int));
	s->L = calloc((size_t)ne * ne + 1, sizeof(double));
	s->oinv = calloc((size_t)ne * ne + 1, sizeof(double));
	s->sd = calloc(ne + 1, sizeof(double));
	s->s3 = calloc(ne + 1, sizeof(double));
	s->S1 = calloc(ne + 1, sizeof(double));
	s->S2 = calloc((size_t)ne * ne + 1, sizeof(double));
	s->nch = (SAEM_CHAINS + s->n - 1) / s->n;
	s->nc = s->n * s->nch;
	s->c = calloc(s->nc, sizeof(*s->c));
	if (!s->idx || !s->mu || !s->add || !s->num || !s->L || !s->oinv || !s->sd ||
	    !s->s3 || !s->S1 || !s->S2 || !s->c)
		return twin_nomem(err);
	for (e = 0; e < ne; e++) {
		s->mu[e] = -1;
		if (m->omega[e * ne + e] > 0)
			s->idx[s->na++] = e;
	}
	s->nk = 1 + s->na;
	for (i = 0; i < s->nc; i++) {
		struct chain *c = &s->c[i];
		struct fit_data *fd = pop_individual(p, i / s->nch, NULL);
		int j;

		c->z = calloc(ne + 1, sizeof(double));
		c->eta = calloc(ne + 1, sizeof(double));
		c->try = calloc(ne + 1, sizeof(double));
		c->pred = calloc(fd->nobs + 1, sizeof(double));
		c->acc = calloc(s->nk, sizeof(long));
		c->tried = calloc(s->nk, sizeof(long));
		c->rng = gsl_rng_alloc(gsl_rng_mt19937);
		if (!c->z || !c->eta || !c->try || !c->pred || !c->acc ||
		    !c->tried || !c->rng)
			return twin_nomem(err);
		if (i % s->nch != 0)
			continue;
		s->nobs += fd->nobs;
		for (j = 0; j < fd->nobs; j++)
			s->censored |= !isnan(fd->lloq[j]);
	}
	return detect(s, err);
}

int
saem_mu_referenced(struct pop *p, int *mu, int *add, struct twin_err *err)
{
	struct saem s;
	int rc = setup(&s, p, err);

	if (rc == 0) {
		memcpy(mu, s.mu, s.ne * sizeof(int));
		if (add != NULL)
			memcpy(add, s.add, s.ne * sizeof(int));
	}
	saem_free(&s);
	return rc;
}

/* ---- Omega ------------------------------------------------------------ */

/* L, its inverse and the SDs of the estimated block of q's omega. */
static int
prepare_omega(struct saem *s, double *logdet, struct twin_err *err)
{
	int a, b, na = s->na, ne = s->ne;
	gsl_matrix_view v;

	for (a = 0; a < na; a++)
		for (b = 0; b < na; b++)
			s->L[a * na + b] = s->q.omega[s->idx[a] * ne + s->idx[b]];
	v = gsl_matrix_view_array(s->L, na, na);
	if (na > 0 && gsl_linalg_cholesky_decomp1(&v.matrix) != 0)
		return twin_errork(err, TWIN_EDOMAIN,
		    "omega is not positive definite");
	memcpy(s->oinv, s->L, (size_t)na * na * sizeof(double));
	v = gsl_matrix_view_array(s->oinv, na, na);
	if (na > 0 && gsl_linalg_cholesky_invert(&v.matrix) != 0)
		return twin_errork(err, TWIN_EDOMAIN,
		    "omega cannot be inverted");
	*logdet = 0;
	for (a = 0; a < na; a++) {
		*logdet += 2 * log(s->L[a * na + a]);
		s->sd[a] = sqrt(s->q.omega[s->idx[a] * ne + s->idx[a]]);
		for (b = a + 1; b < na; b++)
			s->L[a * na + b] = 0;
	}
	return 0;
}

static double
prior(const struct saem *s, const double *eta)
{
	int a, b, na = s->na;
	double v = 0;

	for (a = 0; a < na; a++)
		for (b = 0; b < na; b++)
			v += eta[s->idx[a]] * s->oinv[a * na + b] *
			    eta[s->idx[b]];
	return v;
}

/* ---- E-step ----------------------------------------------------------- */

/* The data part of the objective at c->try into *oy: 0, 1 if the
 * simulation failed there (the proposal is rejected), -1 out of memory. */
static int
try_at(struct saem *s, struct fit *w, struct fit_data *fd, struct chain *c,
    double *oy, struct twin_err *err)
{
	struct twin_err e2;

	c->nevals++;
	if (fit_objective(w, fd, &s->q, c->try, 0, oy, &e2) < 0) {
		if (e2.kind == TWIN_ENOMEM)
			return twin_nomem(err);
		return 1;
	}
	return isfinite(*oy) ? 0 : 1;
}

/* Metropolis-Hastings: accept c->try with target difference d (new minus
 * old of -2 log density). */
static int
accept(struct chain *c, double d)
{
	return d <= 0 || log(gsl_rng_uniform_pos(c->rng)) < -0.5 * d;
}

static int
estep_chain(struct saem *s, struct fit *w, struct fit_data *fd,
    struct chain *c, struct twin_err *err)
{
	int ne = s->ne, na = s->na, a, b, r, k, rc;
	double xi[256], oy, v, vt;

	for (k = 0; k < ne; k++)
		c->eta[k] = c->z[k] - mu_of(s, &s->q, k);
	c->nevals++;
	if (fit_objective(w, fd, &s->q, c->eta, 0, &c->oy, err) < 0)
		return -1;
	v = prior(s, c->eta);
	/* 1: independent proposals from the prior */
	for (r = 0; r < SAEM_NMC; r++) {
		memset(c->try, 0, ne * sizeof(double));
		for (a = 0; a < na; a++)
			xi[a] = gsl_ran_gaussian_ziggurat(c->rng, 1);
		for (a = 0; a < na; a++)
			for (b = 0; b <= a; b++)
				c->try[s->idx[a]] += s->L[a * na + b] * xi[b];
		if ((rc = try_at(s, w, fd, c, &oy, err)) < 0)
			return -1;
		if (rc == 0 && accept(c, oy - c->oy)) {
			memcpy(c->eta, c->try, ne * sizeof(double));
			c->oy = oy;
			v = prior(s, c->eta);
		}
	}
	/* 2: random walk on all components */
	for (r = 0; r < SAEM_NMC; r++) {
		memcpy(c->try, c->eta, ne * sizeof(double));
		for (a = 0; a < na; a++)
			xi[a] = gsl_ran_gaussian_ziggurat(c->rng, 1);
		for (a = 0; a < na; a++)
			for (b = 0; b <= a; b++)
				c->try[s->idx[a]] += s->s2 *
				    s->L[a * na + b] * xi[b];
		if ((rc = try_at(s, w, fd, c, &oy, err)) < 0)
			return -1;
		c->tried[0]++;
		vt = prior(s, c->try);
		if (rc == 0 && accept(c, oy + vt - c->oy - v)) {
			memcpy(c->eta, c->try, ne * sizeof(double));
			c->oy = oy;
			v = vt;
			c->acc[0]++;
		}
	}
	/* 3: random walk on each component in turn */
	for (r = 0; r < SAEM_NMC; r++)
		for (a = 0; a < na; a++) {
			memcpy(c->try, c->eta, ne * sizeof(double));
			c->try[s->idx[a]] += s->s3[a] * s->sd[a] *
			    gsl_ran_gaussian_ziggurat(c->rng, 1);
			if ((rc = try_at(s, w, fd, c, &oy, err)) < 0)
				return -1;
			c->tried[1 + a]++;
			vt = prior(s, c->try);
			if (rc == 0 && accept(c, oy + vt - c->oy - v)) {
				memcpy(c->eta, c->try, ne * sizeof(double));
				c->oy = oy;
				v = vt;
				c->acc[1 + a]++;
			}
		}
	for (k = 0; k < ne; k++)
		c->z[k] = c->eta[k] + mu_of(s, &s->q, k);
	/* Predictions at the sample for the residual error's M-step. */
	if (s->nnum == 0) {
		c->nevals++;
		if (fit_predict(w, fd, &s->q, c->eta, c->pred, err) < 0)
			return -1;
	}
	return 0;
}

static int
estep(void *ctx, struct fit *w, int i, struct twin_err *err)
{
	struct saem *s = ctx;
	struct fit_data *fd = pop_individual(s->p, i, NULL);
	int k;

	for (k = i * s->nch; k < (i + 1) * s->nch; k++)
		if (estep_chain(s, w, fd, &s->c[k], err) < 0)
			return -1;
	return 0;
}

/* ---- M-step: residual error and the other thetas ---------------------- */

static int
predict_task(void *ctx, struct fit *w, int i, struct twin_err *err)
{
	struct saem *s = ctx;
	int k, e;

	for (k = i * s->nch; k < (i + 1) * s->nch; k++) {
		struct chain *c = &s->c[k];

		for (e = 0; e < s->ne; e++)
			c->try[e] = c->z[e] - mu_of(s, &s->q, e);
		c->nevals++;
		if (fit_predict(w, pop_individual(s->p, i, NULL), &s->t,
		    c->try, c->pred, err) < 0)
			return -1;
	}
	return 0;
}

/* The data part of the objective at the chains' predictions under q. */
static double
data_ofv(struct saem *s, const struct fit_params *q)
{
	double o = 0;
	int i, j;

	for (i = 0; i < s->nc; i++) {
		struct fit_data *fd = pop_individual(s->p, i / s->nch, NULL);

		for (j = 0; j < fd->nobs; j++)
			o += fit_obs_term(s->m, q, fd, j, s->c[i].pred[j]);
	}
	return isfinite(o) ? o : GSL_POSINF;
}

struct resctx {
	struct saem *s;
	struct fit_params *q;
};

static void
set_sigma(const struct saem *s, struct fit_params *q, const double *x)
{
	int at = 0;

	if (s->lay.add)
		q->sigma_add = exp(x[at++]);
	if (s->lay.prop)
		q->sigma_prop = exp(x[at++]);
}

static double
res_f(const gsl_vector *x, void *arg)
{
	struct resctx *r = arg;

	set_sigma(r->s, r->q, x->data);
	return data_ofv(r->s, r->q);
}

/*
 * The residual SDs of q that maximise the likelihood of the chains'
 * predictions (closed form when the error has one SD and nothing is
 * censored); returns the data part of the objective there.
 */
static double
residual(struct saem *s, struct fit_params *q)
{
	const struct model *m = s->m;
	enum err_kind k = m->errkind;
	int n = s->lay.add + s->lay.prop, i, it;
	gsl_multimin_fminimizer *nm;
	gsl_multimin_function fn;
	gsl_vector *x, *st;
	struct resctx r = { s, q };
	double o;

	if (!s->censored && (k == ERR_ADDITIVE || k == ERR_PROPORTIONAL ||
	    k == ERR_EXPONENTIAL)) {
		double ss = 0;

		for (i = 0; i < s->nc; i++) {
			struct fit_data *fd = pop_individual(s->p, i / s->nch,
			    NULL);
			int j;

			for (j = 0; j < fd->nobs; j++) {
				double f = s->c[i].pred[j], y = fd->dv[j], d;

				if (k == ERR_EXPONENTIAL)
					y = log(y);
				d = k == ERR_PROPORTIONAL ? (y - f) / f : y - f;
				ss += d * d;
			}
		}
		ss /= (double)s->nobs * s->nch;
		if (k == ERR_ADDITIVE)
			q->sigma_add = sqrt(ss);
		else
			q->sigma_prop = sqrt(ss);
		return data_ofv(s, q);
	}
	x = gsl_vector_alloc(n);
	st = gsl_vector_alloc(n);
	nm = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2,
	    n);
	if (!x || !st || !nm) {
		gsl_vector_free(x);
		gsl_vector_free(st);
		gsl_multimin_fminimizer_free(nm);
		return GSL_NAN;
	}
	i = 0;
	if (s->lay.add)
		gsl_vector_set(x, i++, log(q->sigma_add));
	if (s->lay.prop)
		gsl_vector_set(x, i++, log(q->sigma_prop));
	gsl_vector_set_all(st, 0.2);
	fn.n = n;
	fn.f = res_f;
	fn.params = &r;
	gsl_multimin_fminimizer_set(nm, &fn, x, st);
	for (it = 0; it < 500; it++)
		if (gsl_multimin_fminimizer_iterate(nm) != 0 ||
		    gsl_multimin_fminimizer_size(nm) < 1e-7)
			break;
	set_sigma(s, q, nm->x->data);
	o = nm->fval;
	gsl_vector_free(x);
	gsl_vector_free(st);
	gsl_multimin_fminimizer_free(nm);
	return o;
}

struct numctx {
	struct saem *s;
	double *scale;
	int fatal;
	struct twin_err err;
};

/* Trial thetas x (scaled) into s->t, the chains' predictions there. */
static int
trial(struct numctx *nc, const double *x)
{
	struct saem *s = nc->s;
	struct twin_err e2;
	int k;

	memcpy(s->t.theta, s->q.theta, s->m->ntheta * sizeof(double));
	for (k = 0; k < s->nnum; k++)
		s->t.theta[s->num[k]] = x[k] * nc->scale[k];
	s->t.sigma_add = s->q.sigma_add;
	s->t.sigma_prop = s->q.sigma_prop;
	if (pop_foreach(s->p, predict_task, s, &e2) < 0) {
		if (e2.kind == TWIN_ENOMEM && !nc->fatal) {
			nc->fatal = 1;
			nc->err = e2;
		}
		return -1;
	}
	return 0;
}

static double
num_at(struct numctx *nc, const double *x)
{
	double v;

	if (trial(nc, x) < 0)
		return GSL_POSINF;
	v = residual(nc->s, &nc->s->t);
	return isfinite(v) ? v : GSL_POSINF;
}

static double
num_f(const gsl_vector *x, void *arg)
{
	return num_at(arg, x->data);
}

/*
 * One Newton step on the data objective over the numerically estimated
 * thetas (central differences, the step at most MAX_STEP, halved up to
 * three times until the objective does not rise); s->t holds the point
 * taken, with its residual SDs.  1 when the Hessian is not positive
 * definite (then Nelder-Mead), 0 done, -1 error.
 */
static int
newton(struct saem *s, struct numctx *nc, const double *x0,
    struct twin_err *err)
{
	int n = s->nnum, i, j, h, last = 0;
	double x[256], g[256], st[256], *H, f0, big = 0;
	gsl_matrix_view hv;
	gsl_vector_view gv, sv;

	if ((H = calloc((size_t)n * n, sizeof(double))) == NULL)
		return twin_nomem(err);
	memcpy(x, x0, n * sizeof(double));
	if (!isfinite(f0 = num_at(nc, x))) {
		free(H);
		return 1;
	}
	for (i = 0; i < n; i++) {
		double fp, fm;

		x[i] = x0[i] + FD_X;
		fp = num_at(nc, x);
		x[i] = x0[i] - FD_X;
		fm = num_at(nc, x);
		x[i] = x0[i];
		g[i] = (fp - fm) / (2 * FD_X);
		H[i * n + i] = (fp - 2 * f0 + fm) / (FD_X * FD_X);
		for (j = 0; j < i; j++) {
			double fpp, fpm, fmp, fmm;

			x[i] = x0[i] + FD_X;
			x[j] = x0[j] + FD_X;
			fpp = num_at(nc, x);
			x[j] = x0[j] - FD_X;
			fpm = num_at(nc, x);
			x[i] = x0[i] - FD_X;
			fmm = num_at(nc, x);
			x[j] = x0[j] + FD_X;
			fmp = num_at(nc, x);
			x[i] = x0[i];
			x[j] = x0[j];
			H[i * n + j] = H[j * n + i] =
			    (fpp - fpm - fmp + fmm) / (4 * FD_X * FD_X);
		}
	}
	hv = gsl_matrix_view_array(H, n, n);
	gv = gsl_vector_view_array(g, n);
	sv = gsl_vector_view_array(st, n);
	for (i = 0; i < n * n; i++)
		if (!isfinite(H[i]))
			break;
	if (i < n * n || gsl_linalg_cholesky_decomp1(&hv.matrix) != 0 ||
	    gsl_linalg_cholesky_solve(&hv.matrix, &gv.vector,
	    &sv.vector) != 0) {
		free(H);
		return 1;
	}
	free(H);
	for (i = 0; i < n; i++)
		if (fabs(st[i]) > big)
			big = fabs(st[i]);
	for (i = 0; i < n; i++)
		st[i] *= -(big > MAX_STEP ? MAX_STEP / big : 1);
	for (h = 0; h < 4; h++) {
		for (i = 0; i < n; i++)
			x[i] = x0[i] + st[i];
		if (num_at(nc, x) <= f0) {
			last = 1;
			break;
		}
		for (i = 0; i < n; i++)
			st[i] /= 2;
	}
	if (nc->fatal) {
		*err = nc->err;
		return -1;
	}
	/* s->t and the predictions are those of x when the step was taken */
	if (!last && !isfinite(num_at(nc, x0)))
		return twin_errork(err, TWIN_ESOLVER, "the model cannot be "
		    "simulated at the M-step's estimates");
	return 0;
}

/*
 * Maximise the data part of the complete-data likelihood at the samples
 * over the numerically estimated thetas (with the residual SDs at their
 * maximum for each): one Newton step, or Nelder-Mead where the objective
 * is not convex; s->t holds the point taken.
 */
static int
numeric_mstep(struct saem *s, struct twin_err *err)
{
	int n = s->nnum, k, it;
	double scale[256];
	struct numctx nc = { s, scale, 0, { "", 0 } };
	gsl_multimin_fminimizer *nm;
	gsl_multimin_function fn;
	gsl_vector *x, *st;
	int rc = -1;

	x = gsl_vector_alloc(n);
	st = gsl_vector_alloc(n);
	nm = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2,
	    n);
	if (!x || !st || !nm) {
		twin_nomem(err);
		goto out;
	}
	for (k = 0; k < n; k++) {
		double t = s->q.theta[s->num[k]];

		scale[k] = t != 0 ? fabs(t) : 1;
		gsl_vector_set(x, k, t / scale[k]);
	}
	if ((k = newton(s, &nc, x->data, err)) <= 0) {
		rc = k;
		goto out;
	}
	gsl_vector_set_all(st, NM_STEP);
	fn.n = n;
	fn.f = num_f;
	fn.params = &nc;
	if (gsl_multimin_fminimizer_set(nm, &fn, x, st) != 0 ||
	    !isfinite(nm->fval)) {
		if (nc.fatal)
			*err = nc.err;
		else
			twin_errork(err, TWIN_ESOLVER, "the model cannot be "
			    "simulated at the current estimates");
		goto out;
	}
	for (it = 0; it < NM_ITER; it++)
		if (gsl_multimin_fminimizer_iterate(nm) != 0 ||
		    gsl_multimin_fminimizer_size(nm) < 1e-4)
			break;
	if (nc.fatal) {
		*err = nc.err;
		goto out;
	}
	if (trial(&nc, nm->x->data) < 0) {
		twin_errork(err, TWIN_ESOLVER, "the model cannot be simulated "
		    "at the M-step's estimates");
		goto out;
	}
	residual(s, &s->t);
	rc = 0;
out:
	gsl_vector_free(x);
	gsl_vector_free(st);
	gsl_multimin_fminimizer_free(nm);
	return rc;
}

/* ---- the iterations --------------------------------------------------- */

static double
toward(double old, double new, double gamma)
{
	return old + gamma * (new - old);
}

static int
mstep(struct saem *s, int k, int k1, struct twin_err *err)
{
	const struct model *m = s->m;
	int a, b, i, l, na = s->na, ne = s->ne, anneal = k <= k1 / 2;
	double gamma = k <= k1 ? 1 : 1.0 / (k - k1), N = s->n;
	double m1[256], mu[256];

	/* stochastic approximation of the sufficient statistics */
	for (a = 0; a < na; a++) {
		double t1 = 0;

		for (i = 0; i < s->nc; i++)
			t1 += s->c[i].z[s->idx[a]];
		s->S1[a] = toward(s->S1[a], t1 / s->nch, gamma);
		for (b = 0; b < na; b++) {
			double t2 = 0;

			for (i = 0; i < s->nc; i++)
				t2 += s->c[i].z[s->idx[a]] *
				    s->c[i].z[s->idx[b]];
			s->S2[a * na + b] = toward(s->S2[a * na + b],
			    t2 / s->nch, gamma);
		}
	}
	/* mu-referenced thetas in closed form */
	for (a = 0; a < na; a++) {
		int t = s->mu[s->idx[a]];

		m1[a] = s->S1[a] / N;
		mu[a] = t >= 0 ? m1[a] : 0;
		if (t >= 0)
			s->q.theta[t] = s->add[s->idx[a]] ? mu[a] : exp(mu[a]);
	}
	/* Omega, on the entries the model estimates */
	for (l = 0; l < s->lay.nl; l++) {
		int r = s->lay.lrow[l], c = s->lay.lcol[l], ar = -1, ac = -1;
		double o;

		for (a = 0; a < na; a++) {
			if (s->idx[a] == r)
				ar = a;
			if (s->idx[a] == c)
				ac = a;
		}
		if (ar < 0 || ac < 0)
			continue;
		o = s->S2[ar * na + ac] / N - m1[ar] * mu[ac] -
		    mu[ar] * m1[ac] + mu[ar] * mu[ac];
		if (r == c && anneal && o < ANNEAL * s->q.omega[r * ne + r])
			o = ANNEAL * s->q.omega[r * ne + r];
		s->q.omega[r * ne + c] = s->q.omega[c * ne + r] = o;
	}
	/* the other thetas and the residual error */
	if (s->nnum > 0) {
		if (numeric_mstep(s, err) < 0)
			return -1;
		for (i = 0; i < s->nnum; i++)
			s->q.theta[s->num[i]] = toward(s->q.theta[s->num[i]],
			    s->t.theta[s->num[i]], gamma);
	} else {
		s->t.sigma_add = s->q.sigma_add;
		s->t.sigma_prop = s->q.sigma_prop;
		residual(s, &s->t);
	}
	if (s->lay.add) {
		double v0 = s->q.sigma_add * s->q.sigma_add;
		double v = toward(v0, s->t.sigma_add * s->t.sigma_add, gamma);

		s->q.sigma_add = sqrt(anneal && v < ANNEAL * v0 ?
		    ANNEAL * v0 : v);
	}
	if (s->lay.prop) {
		double v0 = s->q.sigma_prop * s->q.sigma_prop;
		double v = toward(v0, s->t.sigma_prop * s->t.sigma_prop, gamma);

		s->q.sigma_prop = sqrt(anneal && v < ANNEAL * v0 ?
		    ANNEAL * v0 : v);
	}
	if (!(s->q.sigma_add >= 0) || !(s->q.sigma_prop >= 0) ||
	    !isfinite(s->q.sigma_add) || !isfinite(s->q.sigma_prop))
		return twin_errork(err, TWIN_EDOMAIN, "the residual error "
		    "estimate is not finite");
	(void)m;
	return 0;
}

/* Scale the random walks toward the target acceptance. */
static void
adapt(struct saem *s)
{
	int a, i;

	for (a = 0; a < s->nk; a++) {
		long acc = 0, tried = 0;
		double *sc = a == 0 ? &s->s2 : &s->s3[a - 1];

		for (i = 0; i < s->nc; i++) {
			acc += s->c[i].acc[a];
			tried += s->c[i].tried[a];
			s->c[i].acc[a] = s->c[i].tried[a] = 0;
		}
		if (tried > 0)
			*sc *= 1 + ADAPT * ((double)acc / tried - ACCEPT);
		if (*sc < 1e-3)
			*sc = 1e-3;
		if (*sc > 10)
			*sc = 10;
	}
}

int
saem_estimate(struct pop *p, const struct saem_opts *o,
    struct pop_result *res, struct twin_err *err)
{
	struct saem s;
	int i, k, e, K = o->k1 + o->k2, rc = -1;
	double logdet, ofv;

	memset(res, 0, sizeof(*res));
	if (o->k1 < 1 || o->k2 < 1) {
		twin_error(err, "SAEM needs at least one iteration of each "
		    "phase, not %d and %d", o->k1, o->k2);
		return -1;
	}
	if (setup(&s, p, err) < 0)
		goto out;
	if (s.na > 256 || s.nnum > 256) {
		twin_error(err, "too many parameters for SAEM");
		goto out;
	}
	if (prepare_omega(&s, &logdet, err) < 0)
		goto out;
	s.s2 = 0.5;
	for (e = 0; e < s.na; e++)
		s.s3[e] = 1;
	for (i = 0; i < s.nc; i++) {
		gsl_rng_set(s.c[i].rng, (unsigned long)mix(mix(o->seed) ^
		    (unsigned long long)i));
		for (e = 0; e < s.ne; e++)
			s.c[i].z[e] = mu_of(&s, &s.q, e);
	}
	pop_trace_at(p, &s.q, -o->k1, NAN);
	for (k = 1; k <= K; k++) {
		if (pop_foreach(p, estep, &s, err) < 0)
			goto out;
		adapt(&s);
		if (mstep(&s, k, o->k1, err) < 0 ||
		    prepare_omega(&s, &logdet, err) < 0)
			goto out;
		if (k < K)	/* the last row after the OFV */
			pop_trace_at(p, &s.q, k - o->k1, NAN);
		if (o->progress != NULL) {
			double c = 0;
			long ne = 0;

			for (i = 0; i < s.nc; i++) {
				for (e = 0; e < s.ne; e++)
					s.c[i].eta[e] = s.c[i].z[e] -
					    mu_of(&s, &s.q, e);
				c += s.c[i].oy + prior(&s, s.c[i].eta) + logdet;
				ne += s.c[i].nevals;
			}
			o->progress(o->progress_arg, k, c / s.nch, ne);
		}
	}
	/* The last samples start the modes of the FOCE-I objective. */
	for (i = 0; i < s.n; i++) {
		struct fit_data *fd = pop_individual(p, i, NULL);

		for (e = 0; e < s.ne; e++)
			fd->eta[e] = s.c[i * s.nch].z[e] - mu_of(&s, &s.q, e);
		fd->started = 1;
	}
	if (pop_evaluate_at(p, &s.q, &ofv, err) < 0 ||
	    pop_result_current(p, ofv, res, err) < 0)
		goto out;
	pop_trace_at(p, &s.q, o->k2, ofv);
	res->iterations = K;
	res->converged = 1;
	if (o->covariance && pop_covariance_current(p, res, err) < 0)
		goto out;
	rc = 0;
out:
	saem_free(&s);
	return rc;
}
