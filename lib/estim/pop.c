/*
 * pop.c - FOCE-I over a cohort.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>

#include "estim/pop.h"

#define MAXW 64
#define FD_PHI 1e-4

struct pop {
	const struct model *m;
	int n, cap;
	struct fit_data *ind;
	char **id;
	double *ofv;		/* each individual's last contribution */
	int nthread;
	struct fit *w[MAXW];
	struct fit_params cur;
	/* the transformed vector */
	int nphi;
	int *thfixed;		/* ntheta */
	double *theta0;
	int *lrow, *lcol;	/* omega Cholesky entries estimated */
	int nl;
	int add, prop;		/* residual SDs estimated */
	double *phi;		/* current */
	int hessian_only;	/* covariance 2 R^-1 instead of R^-1 S R^-1 */
	struct twin_err err;
	int failed;
	int no_analytic;	/* the model or data need differences */
	int last_analytic;	/* the last gradient was analytic */
	double *gnat;		/* n x ngnat: each individual's gradient */
	int ngnat;		/* ntheta + neta^2 + 2 (struct fit_grad) */
	int gcap;		/* individuals gnat has room for */
	int *gstat;		/* n: fit_focei_grad's status */
	long nevals;
	void (*progress)(void *arg, int iter, double ofv, long nevals);
	void *progress_arg;
	void (*trace)(void *arg, int iter, double ofv,
	    const struct pop_estimate *e, int n);
	void *trace_arg;
};

static void trace_now(struct pop *p, const double *x, int iter, double f);

static int
is_estimated_eta(const struct model *m, int i)
{
	return m->omega[i * m->neta + i] > 0;
}

void
pop_free(struct pop *p)
{
	int i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++) {
		fit_data_free(&p->ind[i]);
		free(p->id[i]);
	}
	free(p->ind);
	free(p->id);
	free(p->ofv);
	for (i = 0; i < p->nthread; i++)
		fit_free(p->w[i]);
	fit_params_free(&p->cur);
	free(p->thfixed);
	free(p->theta0);
	free(p->lrow);
	free(p->lcol);
	free(p->phi);
	free(p->gnat);
	free(p->gstat);
	free(p);
}

struct pop *
pop_new(const struct model *m, const struct sim_opts *so, int nthread,
    struct twin_err *err)
{
	struct pop *p;
	int i, j, ne = m->neta;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		twin_nomem(err);
		return NULL;
	}
	p->m = m;
	p->nthread = nthread < 1 ? 1 : nthread > MAXW ? MAXW : nthread;
	for (i = 0; i < p->nthread; i++)
		if ((p->w[i] = fit_new(m, so, err)) == NULL) {
			p->nthread = i;
			pop_free(p);
			return NULL;
		} else
			fit_tight(p->w[i], 1);
	p->thfixed = calloc(m->ntheta + 1, sizeof(int));
	p->theta0 = calloc(m->ntheta + 1, sizeof(double));
	p->lrow = calloc((size_t)ne * ne + 1, sizeof(int));
	p->lcol = calloc((size_t)ne * ne + 1, sizeof(int));
	p->phi = calloc(m->ntheta + (size_t)ne * ne + 3, sizeof(double));
	if (!p->thfixed || !p->theta0 || !p->lrow || !p->lcol || !p->phi ||
	    fit_params_init(&p->cur, m) < 0) {
		twin_nomem(err);
		pop_free(p);
		return NULL;
	}
	memcpy(p->theta0, m->theta, m->ntheta * sizeof(double));
	/* Covariances define blocks; within a block all are estimated. */
	for (i = 0; i < ne; i++)
		for (j = 0; j <= i; j++) {
			if (!is_estimated_eta(m, i) || !is_estimated_eta(m, j))
				continue;
			if (i != j && m->omega[i * ne + j] == 0)
				continue;
			p->lrow[p->nl] = i;
			p->lcol[p->nl++] = j;
		}
	p->add = m->errkind == ERR_ADDITIVE || m->errkind == ERR_COMBINED ||
	    m->errkind == ERR_COMBINED_SD;
	p->prop = m->errkind == ERR_PROPORTIONAL ||
	    m->errkind == ERR_COMBINED || m->errkind == ERR_COMBINED_SD ||
	    m->errkind == ERR_EXPONENTIAL;
	return p;
}

int
pop_add(struct pop *p, struct fit_data *fd, const char *id,
    struct twin_err *err)
{
	if (p->n == p->cap) {
		int cap = p->cap ? 2 * p->cap : 64;
		struct fit_data *a = realloc(p->ind, cap * sizeof(*a));
		char **b;
		double *o;

		if (a == NULL)
			return twin_nomem(err);
		p->ind = a;
		if ((b = realloc(p->id, cap * sizeof(*b))) == NULL)
			return twin_nomem(err);
		p->id = b;
		if ((o = realloc(p->ofv, cap * sizeof(*o))) == NULL)
			return twin_nomem(err);
		p->ofv = o;
		p->cap = cap;
	}
	if ((p->id[p->n] = strdup(id)) == NULL)
		return twin_nomem(err);
	p->ind[p->n++] = *fd;
	memset(fd, 0, sizeof(*fd));
	return 0;
}

int
pop_fix(struct pop *p, const char *name, struct twin_err *err)
{
	const struct model *m = p->m;
	int i;

	for (i = 0; i < m->ntheta; i++)
		if (!strcmp(m->slotname[m->theta0 + i], name)) {
			p->thfixed[i] = 1;
			return 0;
		}
	return twin_error(err, "--fix %s: no theta of that name in model %s",
	    name, m->name);
}

/* ---- the transformed vector ------------------------------------------- */

static int
nphi(const struct pop *p)
{
	int i, n = 0;

	for (i = 0; i < p->m->ntheta; i++)
		n += !p->thfixed[i];
	return n + p->nl + p->add + p->prop;
}

static double
theta_scale(double t0)
{
	return t0 != 0 ? fabs(t0) : 1;
}

/* phi -> p->cur */
static void
unpack(struct pop *p, const double *phi)
{
	const struct model *m = p->m;
	double L[64 * 64];
	int i, j, k, ne = m->neta, at = 0;

	for (i = 0; i < m->ntheta; i++)
		p->cur.theta[i] = p->thfixed[i] ? p->theta0[i] :
		    phi[at++] * theta_scale(p->theta0[i]);
	memset(L, 0, sizeof(double) * ne * ne);
	for (k = 0; k < p->nl; k++) {
		i = p->lrow[k];
		j = p->lcol[k];
		L[i * ne + j] = i == j ? exp(phi[at]) : phi[at];
		at++;
	}
	for (i = 0; i < ne; i++)
		for (j = 0; j < ne; j++) {
			double s = 0;

			for (k = 0; k < ne; k++)
				s += L[i * ne + k] * L[j * ne + k];
			p->cur.omega[i * ne + j] = s;
		}
	if (p->add)
		p->cur.sigma_add = exp(phi[at++]);
	if (p->prop)
		p->cur.sigma_prop = exp(phi[at++]);
}

/* Parameters q -> phi (the model's own: pack_initial). */
static int
pack(struct pop *p, const struct fit_params *q, double *phi,
    struct twin_err *err)
{
	const struct model *m = p->m;
	double L[64 * 64];
	int i, k, ne = m->neta, at = 0;
	gsl_matrix_view a;

	for (i = 0; i < m->ntheta; i++)
		if (!p->thfixed[i])
			phi[at++] = q->theta[i] / theta_scale(p->theta0[i]);
	memcpy(L, q->omega, sizeof(double) * ne * ne);
	for (i = 0; i < ne; i++)
		if (!is_estimated_eta(m, i))
			L[i * ne + i] = 1;
	a = gsl_matrix_view_array(L, ne, ne);
	if (ne > 0 && gsl_linalg_cholesky_decomp1(&a.matrix) != 0)
		return twin_error(err, "omega is not positive definite");
	for (k = 0; k < p->nl; k++) {
		int r = p->lrow[k], c = p->lcol[k];

		phi[at++] = r == c ? log(L[r * ne + c]) : L[r * ne + c];
	}
	if (p->add) {
		if (!(q->sigma_add > 0))
			return twin_error(err, "additive error must start above "
			    "0 to be estimated");
		phi[at++] = log(q->sigma_add);
	}
	if (p->prop) {
		if (!(q->sigma_prop > 0))
			return twin_error(err, "proportional error must start "
			    "above 0 to be estimated");
		phi[at++] = log(q->sigma_prop);
	}
	return 0;
}

static int
pack_initial(struct pop *p, double *phi, struct twin_err *err)
{
	struct fit_params q;
	int rc;

	if (fit_params_init(&q, p->m) < 0)
		return twin_nomem(err);
	rc = pack(p, &q, phi, err);
	fit_params_free(&q);
	return rc;
}

/* ---- the objective ---------------------------------------------------- */

/* One individual's FOCE-I contribution (a pop_foreach task). */
static int
focei_task(void *ctx, struct fit *w, int i, struct twin_err *err)
{
	struct pop *p = ctx;

	return fit_focei(w, &p->ind[i], &p->cur, &p->ofv[i], err);
}

static int
objective(struct pop *p, double *ofv, struct twin_err *err)
{
	int i;

	p->nevals++;
	if (pop_foreach(p, focei_task, p, err) < 0)
		return -1;
	/* Summed in input order, so the result does not depend on -j. */
	*ofv = 0;
	for (i = 0; i < p->n; i++)
		*ofv += p->ofv[i];
	return 0;
}

int
pop_evaluate(struct pop *p, double *ofv, struct twin_err *err)
{
	if (p->n == 0)
		return twin_error(err, "no individuals with observations");
	fit_params_free(&p->cur);
	if (fit_params_init(&p->cur, p->m) < 0)
		return twin_nomem(err);
	return objective(p, ofv, err);
}

static double
ofv_at(struct pop *p, const double *phi)
{
	double o;

	unpack(p, phi);
	if (objective(p, &o, &p->err) < 0) {
		/* A failed solve: make the line search step back. */
		p->failed = 1;
		return GSL_POSINF;
	}
	return o;
}

/*
 * The objective at a trial point: +infinity where it cannot be evaluated
 * (the reason kept in p->err); -1 only for what no other point can mend
 * (out of memory, a system error).
 */
static int
trial(struct pop *p, const double *phi, double *f)
{
	unpack(p, phi);
	if (objective(p, f, &p->err) < 0) {
		if (p->err.kind == TWIN_ENOMEM || p->err.kind == TWIN_ESYSTEM)
			return -1;
		*f = HUGE_VAL;
		return 0;
	}
	if (!isfinite(*f))
		*f = HUGE_VAL;
	return 0;
}

/* ---- the analytic gradient --------------------------------------------- */

static int trial(struct pop *p, const double *phi, double *f);
static int gradient_fd(struct pop *p, const double *phi0, double f0,
    double *g, int *stuck);
static void set_precise(struct pop *p, int on);

static int
grad_task(void *ctx, struct fit *w, int i, struct twin_err *err)
{
	struct pop *p = ctx;
	const struct model *m = p->m;
	double *g = p->gnat + (size_t)i * p->ngnat;
	struct fit_grad gr;
	int rc;

	gr.theta = g;
	gr.omega = g + m->ntheta;
	rc = fit_focei_grad(w, &p->ind[i], &p->cur, &p->ofv[i], &gr, err);
	if (rc < 0)
		return -1;
	p->gstat[i] = rc;
	g[m->ntheta + m->neta * m->neta] = gr.sigma_add;
	g[m->ntheta + m->neta * m->neta + 1] = gr.sigma_prop;
	return 0;
}

/* A gradient on the natural scale (struct fit_grad's layout) -> phi,
 * through unpack's transformation at phi. */
static void
natural_to_phi(const struct pop *p, const double *phi, const double *gn,
    double *g)
{
	const struct model *m = p->m;
	const double *G = gn + m->ntheta;
	double L[64 * 64];
	int i, k, ne = m->neta, at = 0, l0;

	for (i = 0; i < m->ntheta; i++)
		if (!p->thfixed[i])
			g[at++] = gn[i] * theta_scale(p->theta0[i]);
	l0 = at;
	memset(L, 0, sizeof(double) * ne * ne);
	for (k = 0; k < p->nl; k++) {
		int r = p->lrow[k], c = p->lcol[k];

		L[r * ne + c] = r == c ? exp(phi[l0 + k]) : phi[l0 + k];
	}
	/* dOFV/dL[r][c] = 2 (G L)[r][c]; a diagonal is exp(phi) */
	for (k = 0; k < p->nl; k++) {
		int r = p->lrow[k], c = p->lcol[k];
		double x = 0;

		for (i = 0; i < ne; i++)
			x += G[r * ne + i] * L[i * ne + c];
		g[at++] = 2 * x * (r == c ? L[r * ne + c] : 1);
	}
	if (p->add)
		g[at++] = gn[m->ntheta + ne * ne] * p->cur.sigma_add;
	if (p->prop)
		g[at++] = gn[m->ntheta + ne * ne + 1] * p->cur.sigma_prop;
}

/*
 * The objective and its analytic gradient at phi (fit_focei_grad for
 * every individual), and each individual's gradient in p->gnat.
 * Returns 0; 1 where differences are needed (p->no_analytic set when for
 * good); -1 with p->err where the objective cannot be evaluated.
 */
static int
analytic(struct pop *p, const double *phi, double *f, double *g)
{
	int i, k, rc = 0;
	double *gi;

	if (p->no_analytic)
		return 1;
	if (p->gnat != NULL && p->gcap != p->n) {
		free(p->gnat);
		free(p->gstat);
		p->gnat = NULL;
		p->gstat = NULL;
	}
	if (p->gnat == NULL) {
		p->gcap = p->n;
		p->ngnat = p->m->ntheta + p->m->neta * p->m->neta + 2;
		p->gnat = calloc((size_t)p->n * p->ngnat + 1,
		    sizeof(double));
		p->gstat = calloc(p->n + 1, sizeof(int));
		if (p->gnat == NULL || p->gstat == NULL)
			return twin_nomem(&p->err);
	}
	unpack(p, phi);
	p->nevals++;
	if (pop_foreach(p, grad_task, p, &p->err) < 0)
		return -1;
	*f = 0;
	for (i = 0; i < p->n; i++) {
		*f += p->ofv[i];
		if (p->gstat[i] == 1)
			p->no_analytic = 1;
		if (p->gstat[i] != 0)
			rc = 1;
	}
	if (rc != 0 || !isfinite(*f))
		return 1;
	if ((gi = calloc(p->nphi + 1, sizeof(double))) == NULL)
		return twin_nomem(&p->err);
	for (k = 0; k < p->nphi; k++)
		g[k] = 0;
	/* Summed in input order, so the result does not depend on -j. */
	for (i = 0; i < p->n; i++) {
		natural_to_phi(p, phi, p->gnat + (size_t)i * p->ngnat, gi);
		for (k = 0; k < p->nphi; k++)
			g[k] += gi[k];
	}
	free(gi);
	return 0;
}

int
pop_gradient(struct pop *p, int differences, double *ofv, double *g,
    struct twin_err *err)
{
	int rc;

	if (p->n == 0)
		return twin_error(err, "no individuals with observations");
	p->nphi = nphi(p);
	if (p->nphi == 0 || p->nphi > 200)
		return twin_error(err, "%d parameters to estimate", p->nphi);
	if (pack_initial(p, p->phi, err) < 0)
		return -1;
	set_precise(p, 1);
	if (differences) {
		int stuck[256];

		rc = trial(p, p->phi, ofv) < 0 ? -1 :
		    gradient_fd(p, p->phi, *ofv, g, stuck) == 0 ? 0 : -1;
	} else
		rc = analytic(p, p->phi, ofv, g);
	set_precise(p, 0);
	if (rc < 0 || (rc == 0 && !isfinite(*ofv))) {
		memcpy(err, &p->err, sizeof(*err));
		return -1;
	}
	return rc;
}

/*
 * Central-difference gradient at phi (objective f0 there).  Where one
 * side cannot be evaluated the difference is one-sided; where neither
 * can, the step is shrunk (twice, by 10); where that fails too, the
 * component is stuck: g 0, stuck[i] 1.  Returns the number stuck.
 */
static int
gradient_fd(struct pop *p, const double *phi0, double f0, double *g,
    int *stuck)
{
	double phi[256];
	int i, n = p->nphi, nstuck = 0;

	memcpy(phi, phi0, n * sizeof(double));
	for (i = 0; i < n; i++) {
		double h = FD_PHI, fp, fm;
		int k;

		for (k = 0; k < 3; k++, h /= 10) {
			phi[i] = phi0[i] + h;
			if (trial(p, phi, &fp) < 0)
				return -1;
			phi[i] = phi0[i] - h;
			if (trial(p, phi, &fm) < 0)
				return -1;
			if (isfinite(fp) && isfinite(fm)) {
				g[i] = (fp - fm) / (2 * h);
				break;
			}
			if (isfinite(fp)) {
				g[i] = (fp - f0) / h;
				break;
			}
			if (isfinite(fm)) {
				g[i] = (f0 - fm) / h;
				break;
			}
		}
		phi[i] = phi0[i];
		stuck[i] = k == 3;
		if (stuck[i]) {
			g[i] = 0;
			nstuck++;
		}
	}
	return nstuck;
}

/* The gradient at phi (objective f0 there): analytic where it applies,
 * else central differences (gradient_fd). */
static int
gradient(struct pop *p, const double *phi0, double f0, double *g,
    int *stuck)
{
	double f;
	int i;

	p->last_analytic = 0;
	switch (analytic(p, phi0, &f, g)) {
	case 0:
		for (i = 0; i < p->nphi; i++)
			stuck[i] = 0;
		p->last_analytic = 1;
		return 0;
	case -1:
		if (p->err.kind == TWIN_ENOMEM || p->err.kind == TWIN_ESYSTEM)
			return -1;
		break;
	}
	return gradient_fd(p, phi0, f0, g, stuck);
}

const char *
pop_stop_name(enum pop_stop stop)
{
	switch (stop) {
	case POP_CONVERGED:
		return "converged";
	case POP_MAXITER_REACHED:
		return "maximum iterations";
	case POP_NOPROGRESS:
		return "no progress";
	case POP_NONFINITE:
		return "objective not finite";
	}
	return "unknown";
}

static void
set_precise(struct pop *p, int on)
{
	int i;

	for (i = 0; i < p->nthread; i++)
		fit_precise(p->w[i], on);
}

/* Largest step of a line search in any component of phi: thetas move by
 * at most this fraction of their start, log SDs by this much. */
#define MAXSTEP 1.0

/* Trial points that cannot be evaluated in one line search, each 10 times
 * nearer (so down to a step of 1e-8 of the first), after which the
 * direction is taken as blocked. */
#define BLOCKED 8

/*
 * Quasi-Newton minimisation from phi (replaced by the best point).  H is
 * the inverse Hessian approximation, started as a scaled identity and
 * updated by BFGS when the step's curvature s'y is positive; reset to the
 * identity once when a line search fails.
 */
static int
quasi_newton(struct pop *p, double *x, struct pop_result *res,
    struct twin_err *err)
{
	int n = p->nphi, i, j, it, rc = -1, updated = 0, precise = 0;
	int flat = 0, steps = 0;
	double *H = calloc((size_t)n * n + 1, sizeof(double));
	double *g = calloc(n + 1, sizeof(double));
	double *gt = calloc(n + 1, sizeof(double));
	double *d = calloc(n + 1, sizeof(double));
	double *xt = calloc(n + 1, sizeof(double));
	double *s = calloc(n + 1, sizeof(double));
	double *y = calloc(n + 1, sizeof(double));
	double *Hy = calloc(n + 1, sizeof(double));
	int *stuck = calloc(n + 1, sizeof(int)), nstuck;
	double f, ft = HUGE_VAL, dec = HUGE_VAL;

	if (!H || !g || !gt || !d || !xt || !s || !y || !Hy || !stuck) {
		twin_nomem(err);
		goto out;
	}
	res->stop = POP_MAXITER_REACHED;
	if (trial(p, x, &f) < 0) {
		memcpy(err, &p->err, sizeof(*err));
		goto out;
	}
	if (!isfinite(f)) {
		memcpy(err, &p->err, sizeof(*err));
		twin_error_prefix(err, "the objective at the start values");
		goto out;
	}
	/* A component without a gradient is held where it is. */
	if ((nstuck = gradient(p, x, f, g, stuck)) < 0) {
		memcpy(err, &p->err, sizeof(*err));
		goto out;
	}
	if (nstuck)
		memcpy(&res->why, &p->err, sizeof(res->why));
	for (i = 0; i < n; i++)
		H[i * n + i] = 1;
	trace_now(p, x, 0, f);
	for (it = 0; it < POP_MAXITER; it++) {
		double slope = 0, big = 0, a = 1;
		int k, nbad = 0;

		for (i = 0; i < n; i++) {
			d[i] = 0;
			for (j = 0; j < n; j++)
				d[i] -= H[i * n + j] * g[j];
			if (stuck[i])
				d[i] = 0;
			slope += g[i] * d[i];
		}
		if (slope == 0 && nstuck) {	/* nothing else to move */
			res->stop = POP_NONFINITE;
			break;
		}
		if (!(slope < 0)) {	/* not a descent direction: reset */
			for (i = 0; i < n * n; i++)
				H[i] = i % (n + 1) == 0;
			updated = 0;
			continue;
		}
		dec = -slope / 2;
		if (((updated && dec < POP_TOL_DECREMENT) || flat) &&
		    !precise) {
			/* Converged on the objective with the individual
			 * modes to a gradient of 1e-6: go on with them to
			 * 1e-8 (its noise is then well below POP_TOL_
			 * DECREMENT), from where the search stands. */
			precise = 1;
			set_precise(p, 1);
			if (trial(p, x, &f) < 0 || (nstuck = gradient(p, x,
			    f, g, stuck)) < 0) {
				memcpy(err, &p->err, sizeof(*err));
				goto out;
			}
			if (!isfinite(f))
				break;
			flat = 0;
			continue;
		}
		if (updated && dec < POP_TOL_DECREMENT) {
			res->stop = nstuck ? POP_NONFINITE : POP_CONVERGED;
			break;
		}
		for (i = 0; i < n; i++)
			if (fabs(d[i]) > big)
				big = fabs(d[i]);
		if (big > MAXSTEP)
			a = MAXSTEP / big;
		/* Armijo backtracking: a point that cannot be evaluated is
		 * stepped back from by 10, else quadratic interpolation. */
		for (k = 0; k < 40; k++) {
			for (i = 0; i < n; i++)
				xt[i] = x[i] + a * d[i];
			if (trial(p, xt, &ft) < 0) {
				memcpy(err, &p->err, sizeof(*err));
				goto out;
			}
			if (ft <= f + 1e-4 * a * slope)
				break;
			if (!isfinite(ft) && ++nbad == BLOCKED &&
			    p->last_analytic)
				break;
			if (!isfinite(ft))
				a *= 0.1;
			else {
				double q = -slope * a * a /
				    (2 * (ft - f - slope * a));

				a = q < 0.1 * a ? 0.1 * a : q > 0.5 * a ?
				    0.5 * a : q;
			}
		}
		if (nbad == BLOCKED && p->last_analytic) {
			/* The objective cannot be evaluated anywhere along
			 * the search direction, even BLOCKED times nearer
			 * (a bound a parameter sits on): the analytic
			 * gradient knows nothing of where that begins,
			 * differences do (a component that cannot move is
			 * held).  Differences from here on. */
			p->no_analytic = 1;
			if ((nstuck = gradient(p, x, f, g, stuck)) < 0) {
				memcpy(err, &p->err, sizeof(*err));
				goto out;
			}
			if (nstuck)
				memcpy(&res->why, &p->err, sizeof(res->why));
			for (i = 0; i < n * n; i++)
				H[i] = i % (n + 1) == 0;
			updated = 0;
			continue;
		}
		if (k == 40) {
			if (dec < POP_TOL_FLAT && !precise) {
				flat = 1;
				continue;
			}
			if (dec < POP_TOL_FLAT) {
				res->stop = nstuck ? POP_NONFINITE :
				    POP_CONVERGED;
				break;
			}
			if (updated) {
				for (i = 0; i < n * n; i++)
					H[i] = i % (n + 1) == 0;
				updated = 0;
				continue;
			}
			res->stop = POP_NOPROGRESS;
			twin_errork(&res->why, TWIN_EFLAT, "no step along the "
			    "search direction lowers the objective %.10g "
			    "(decrease still promised %.3g)", f, dec);
			break;
		}
		if ((nstuck = gradient(p, xt, ft, gt, stuck)) < 0) {
			memcpy(err, &p->err, sizeof(*err));
			goto out;
		}
		if (nstuck)
			memcpy(&res->why, &p->err, sizeof(res->why));
		{
			double sy = 0, yy = 0, ss = 0;

			for (i = 0; i < n; i++) {
				s[i] = xt[i] - x[i];
				y[i] = gt[i] - g[i];
				sy += s[i] * y[i];
				yy += y[i] * y[i];
				ss += s[i] * s[i];
			}
			if (sy > 1e-12 * sqrt(ss * yy)) {
				double yHy = 0;

				if (!updated)	/* Shanno-Phua scaling */
					for (i = 0; i < n * n; i++)
						H[i] = i % (n + 1) == 0 ?
						    sy / yy : 0;
				for (i = 0; i < n; i++) {
					Hy[i] = 0;
					for (j = 0; j < n; j++)
						Hy[i] += H[i * n + j] * y[j];
					yHy += y[i] * Hy[i];
				}
				for (i = 0; i < n; i++)
					for (j = 0; j < n; j++)
						H[i * n + j] += ((sy + yHy) *
						    s[i] * s[j] / (sy * sy)) -
						    (Hy[i] * s[j] + s[i] * Hy[j]) /
						    sy;
				updated = 1;
			}
		}
		memcpy(x, xt, n * sizeof(double));
		memcpy(g, gt, n * sizeof(double));
		f = ft;
		if (p->progress != NULL)
			p->progress(p->progress_arg, it + 1, f, p->nevals);
		trace_now(p, x, ++steps, f);
	}
	res->iterations = it;
	if (res->stop == POP_MAXITER_REACHED)
		twin_errork(&res->why, TWIN_EFLAT, "%d iterations without "
		    "convergence (decrease still promised %.3g)", it, dec);
	if (res->stop == POP_NONFINITE)
		twin_error_prefix(&res->why, "%d parameter%s held at %s value: "
		    "the objective cannot be evaluated on either side",
		    nstuck, nstuck > 1 ? "s" : "", nstuck > 1 ? "their" :
		    "its");
	res->decrement = dec;
	res->converged = res->stop == POP_CONVERGED;
	rc = 0;
out:
	set_precise(p, 0);
	free(H);
	free(g);
	free(gt);
	free(d);
	free(xt);
	free(s);
	free(y);
	free(Hy);
	free(stuck);
	return rc;
}

/* ---- reporting -------------------------------------------------------- */

static int
nreport(const struct pop *p)
{
	return p->m->ntheta + p->nl + p->add + p->prop;
}

/* Parameters q on the reported scale: thetas, omega entries, sigma
 * variances. */
static void
params_values(const struct pop *p, const struct fit_params *q, double *v)
{
	const struct model *m = p->m;
	int i, k, at = 0;

	for (i = 0; i < m->ntheta; i++)
		v[at++] = q->theta[i];
	for (k = 0; k < p->nl; k++)
		v[at++] = q->omega[p->lrow[k] * m->neta + p->lcol[k]];
	if (p->add)
		v[at++] = q->sigma_add * q->sigma_add;
	if (p->prop)
		v[at++] = q->sigma_prop * q->sigma_prop;
}

/* The current parameters on the reported scale. */
static void
current_values(const struct pop *p, double *v)
{
	params_values(p, &p->cur, v);
}

static void
report_values(struct pop *p, const double *phi, double *v)
{
	unpack(p, phi);
	current_values(p, v);
}

static void
report_names(const struct pop *p, struct pop_estimate *e)
{
	const struct model *m = p->m;
	int i, k, at = 0;

	for (i = 0; i < m->ntheta; i++)
		snprintf(e[at++].name, sizeof(e->name), "%s",
		    m->slotname[m->theta0 + i]);
	for (k = 0; k < p->nl; k++) {
		const char *a = m->slotname[m->eta0 + p->lrow[k]] + 4;
		const char *b = m->slotname[m->eta0 + p->lcol[k]] + 4;

		if (p->lrow[k] == p->lcol[k])
			snprintf(e[at++].name, sizeof(e->name), "OMEGA_%s", a);
		else
			snprintf(e[at++].name, sizeof(e->name), "OMEGA_%s_%s",
			    b, a);
	}
	if (p->add)
		snprintf(e[at++].name, sizeof(e->name), "SIGMA_ADD");
	if (p->prop)
		snprintf(e[at++].name, sizeof(e->name), "%s",
		    m->errkind == ERR_EXPONENTIAL ? "SIGMA_EXP" : "SIGMA_PROP");
}

/*
 * R, the Hessian of the objective in phi, into H, and each individual's
 * gradient into G (m x n), by central differences of the objective (step
 * h): O(n^2) evaluations.  0, or -1 (p->failed) where it cannot be had.
 */
static int
hessian_fd(struct pop *p, const double *phi0, double h, double *H, double *G)
{
	int n = p->nphi, i, j, m = p->n;
	double phi[256], f0;

	memcpy(phi, phi0, n * sizeof(double));
	f0 = ofv_at(p, phi);
	for (i = 0; i < n; i++) {
		for (j = 0; j <= i; j++) {
			double fpp, fpm, fmp, fmm;

			if (i == j) {
				int q;

				phi[i] = phi0[i] + h;
				fpp = ofv_at(p, phi);
				for (q = 0; q < m; q++)
					G[q * n + i] = p->ofv[q];
				phi[i] = phi0[i] - h;
				fmm = ofv_at(p, phi);
				for (q = 0; q < m; q++)
					G[q * n + i] = (G[q * n + i] -
					    p->ofv[q]) / (2 * h);
				phi[i] = phi0[i];
				H[i * n + i] = (fpp - 2 * f0 + fmm) / (h * h);
				continue;
			}
			phi[i] = phi0[i] + h;
			phi[j] = phi0[j] + h;
			fpp = ofv_at(p, phi);
			phi[j] = phi0[j] - h;
			fpm = ofv_at(p, phi);
			phi[i] = phi0[i] - h;
			fmm = ofv_at(p, phi);
			phi[j] = phi0[j] + h;
			fmp = ofv_at(p, phi);
			phi[i] = phi0[i];
			phi[j] = phi0[j];
			H[i * n + j] = H[j * n + i] =
			    (fpp - fpm - fmp + fmm) / (4 * h * h);
		}
	}
	return p->failed ? -1 : 0;
}

/*
 * The same from the analytic gradient: G exact, H by central differences
 * of the gradient (2 n gradients), symmetrised.  1 where the analytic
 * gradient does not apply.
 */
static int
hessian_analytic(struct pop *p, const double *phi0, double h, double *H,
    double *G)
{
	int n = p->nphi, i, j, q, rc;
	double phi[256], *gp = H + (size_t)n * n, f;

	if ((rc = analytic(p, phi0, &f, gp)) != 0)
		return rc;
	for (q = 0; q < p->n; q++)
		natural_to_phi(p, phi0, p->gnat + (size_t)q * p->ngnat,
		    G + (size_t)q * n);
	for (j = 0; j < n; j++) {
		double *gm = gp + n;

		memcpy(phi, phi0, n * sizeof(double));
		phi[j] = phi0[j] + h;
		if ((rc = analytic(p, phi, &f, gp)) != 0)
			return rc;
		phi[j] = phi0[j] - h;
		if ((rc = analytic(p, phi, &f, gm)) != 0)
			return rc;
		for (i = 0; i < n; i++)
			H[i * n + j] = (gp[i] - gm[i]) / (2 * h);
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			H[i * n + j] = H[j * n + i] = (H[i * n + j] +
			    H[j * n + i]) / 2;
	return 0;
}

/*
 * Covariance step.  R, the Hessian of the objective in phi, and S, the sum
 * over individuals of the outer products of their objective gradients:
 * from the analytic gradient where it applies (R by its differences),
 * else both by central differences of the objective; cov(phi) =
 * R^-1 S R^-1 (NONMEM's default sandwich, in objective units), or 2 R^-1
 * with p->hessian_only; then J cov J' with J = d(reported)/d(phi).
 */
static int
covariance(struct pop *p, const double *phi0, double *se, double *cov)
{
	int n = p->nphi, r = nreport(p), i, j, k, l, ok = -1, m = p->n, rc;
	double *H = calloc((size_t)n * n + 2 * n + 1, sizeof(double));
	double *J = calloc((size_t)r * n + 1, sizeof(double));
	double *v1 = calloc(r + 1, sizeof(double));
	double *v2 = calloc(r + 1, sizeof(double));
	double *G = calloc((size_t)m * n + 1, sizeof(double));
	double *S = calloc((size_t)n * n + 1, sizeof(double));
	double *C = calloc((size_t)n * n + 1, sizeof(double));
	double phi[256], h = 1e-3;
	gsl_matrix_view hv;

	if (!H || !J || !v1 || !v2 || !G || !S || !C)
		goto out;
	set_precise(p, 1);
	rc = hessian_analytic(p, phi0, h, H, G);
	if (rc < 0 || (rc > 0 && hessian_fd(p, phi0, h, H, G) < 0))
		goto out;
	hv = gsl_matrix_view_array(H, n, n);
	if (gsl_linalg_cholesky_decomp1(&hv.matrix) != 0 ||
	    gsl_linalg_cholesky_invert(&hv.matrix) != 0)
		goto out;
	/* H now holds R^-1. */
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			double s = 0;
			int q;

			for (q = 0; q < m; q++)
				s += G[q * n + i] * G[q * n + j];
			S[i * n + j] = s;
		}
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			double s = 0;

			if (p->hessian_only) {
				C[i * n + j] = 2 * H[i * n + j];
				continue;
			}
			for (k = 0; k < n; k++)
				for (l = 0; l < n; l++)
					s += H[i * n + k] * S[k * n + l] *
					    H[l * n + j];
			C[i * n + j] = s;
		}
	for (i = 0; i < n; i++) {
		memcpy(phi, phi0, n * sizeof(double));
		phi[i] = phi0[i] + 1e-6;
		report_values(p, phi, v1);
		phi[i] = phi0[i] - 1e-6;
		report_values(p, phi, v2);
		for (k = 0; k < r; k++)
			J[k * n + i] = (v1[k] - v2[k]) / 2e-6;
	}
	for (k = 0; k < r; k++) {
		double s = 0;

		for (i = 0; i < n; i++)
			for (l = 0; l < n; l++)
				s += J[k * n + i] * C[i * n + l] *
				    J[k * n + l];
		se[k] = s >= 0 ? sqrt(s) : NAN;
	}
	for (k = 0; cov != NULL && k < r; k++)
		for (j = 0; j <= k; j++) {
			double s = 0;

			for (i = 0; i < n; i++)
				for (l = 0; l < n; l++)
					s += J[k * n + i] * C[i * n + l] *
					    J[j * n + l];
			cov[k * r + j] = cov[j * r + k] = s;
		}
	ok = 0;
out:
	set_precise(p, 0);
	unpack(p, phi0);
	free(H);
	free(J);
	free(v1);
	free(v2);
	free(G);
	free(S);
	free(C);
	return ok;
}

void
pop_covariance_hessian(struct pop *p, int on)
{
	p->hessian_only = on;
}

int
pop_estimate(struct pop *p, int cov, struct pop_result *res,
    struct twin_err *err)
{
	double *v = NULL, *se = NULL;
	int i, rc = -1, r;

	memset(res, 0, sizeof(*res));
	if (p->n == 0)
		return twin_error(err, "no individuals with observations");
	p->nphi = nphi(p);
	if (p->nphi == 0 || p->nphi > 200)
		return twin_error(err, "%d parameters to estimate", p->nphi);
	if (pack_initial(p, p->phi, err) < 0)
		return -1;
	r = nreport(p);
	v = calloc(r + 1, sizeof(double));
	se = calloc(r + 1, sizeof(double));
	res->est = calloc(r + 1, sizeof(*res->est));
	if (!v || !se || !res->est) {
		twin_nomem(err);
		goto out;
	}
	p->failed = 0;
	p->nevals = 0;
	if (quasi_newton(p, p->phi, res, err) < 0)
		goto out;
	res->ofv = ofv_at(p, p->phi);
	if (!isfinite(res->ofv)) {
		memcpy(err, &p->err, sizeof(*err));
		goto out;
	}
	report_values(p, p->phi, v);
	for (i = 0; i < r; i++)
		se[i] = NAN;
	res->cov = cov ? calloc((size_t)r * r + 1, sizeof(double)) : NULL;
	res->covariance_ok = cov && res->cov != NULL &&
	    covariance(p, p->phi, se, res->cov) == 0;
	if (!res->covariance_ok) {
		free(res->cov);
		res->cov = NULL;
	}
	report_names(p, res->est);
	for (i = 0; i < r; i++) {
		res->est[i].value = v[i];
		res->est[i].se = se[i];
	}
	res->n = r;
	/* Leave the individuals at the final estimates. */
	res->ofv = ofv_at(p, p->phi);
	res->nevals = p->nevals;
	rc = 0;
out:
	free(v);
	free(se);
	if (rc < 0) {
		free(res->est);
		free(res->cov);
		res->est = NULL;
		res->cov = NULL;
	}
	return rc;
}

void
pop_result_free(struct pop_result *res)
{
	free(res->est);
	free(res->cov);
	res->est = NULL;
	res->cov = NULL;
	res->est = NULL;
}

const struct fit_params *
pop_params(const struct pop *p)
{
	return &p->cur;
}

int
pop_count(const struct pop *p)
{
	return p->n;
}

struct fit_data *
pop_individual(struct pop *p, int i, const char **id)
{
	if (id)
		*id = p->id[i];
	return &p->ind[i];
}

struct fit *
pop_worker(struct pop *p)
{
	return p->w[0];
}

void
pop_progress(struct pop *p, void (*fn)(void *arg, int iter, double ofv,
    long nevals), void *arg)
{
	p->progress = fn;
	p->progress_arg = arg;
}

/* ---- shared with other population methods (saem.c) ------------------- */

void
pop_trace(struct pop *p, void (*fn)(void *arg, int iter, double ofv,
    const struct pop_estimate *e, int n), void *arg)
{
	p->trace = fn;
	p->trace_arg = arg;
}

void
pop_trace_at(struct pop *p, const struct fit_params *q, int iter, double ofv)
{
	int r = nreport(p);
	double *v;
	struct pop_estimate *e;

	if (p->trace == NULL)
		return;
	v = calloc(r + 1, sizeof(double));
	e = calloc(r + 1, sizeof(*e));
	if (v != NULL && e != NULL) {
		int i;

		params_values(p, q, v);
		report_names(p, e);
		for (i = 0; i < r; i++) {
			e[i].value = v[i];
			e[i].se = NAN;
		}
		p->trace(p->trace_arg, iter, ofv, e, r);
	}
	free(v);
	free(e);
}

/* The trace's row at x (the current point of the search, in phi). */
static void
trace_now(struct pop *p, const double *x, int iter, double f)
{
	if (p->trace == NULL)
		return;
	unpack(p, x);
	pop_trace_at(p, &p->cur, iter, f);
}

void
pop_get_layout(const struct pop *p, struct pop_layout *l)
{
	l->m = p->m;
	l->thfixed = p->thfixed;
	l->nl = p->nl;
	l->lrow = p->lrow;
	l->lcol = p->lcol;
	l->add = p->add;
	l->prop = p->prop;
}

struct task_slice {
	struct pop *p;
	pop_task fn;
	void *ctx;
	int w, failed_at;
	struct twin_err err;
};

static void *
run_task_slice(void *arg)
{
	struct task_slice *s = arg;
	struct pop *p = s->p;
	int i;

	for (i = s->w; i < p->n; i += p->nthread)
		if (s->fn(s->ctx, p->w[s->w], i, &s->err) < 0) {
			twin_error_prefix(&s->err, "ID %s", p->id[i]);
			s->failed_at = i;
			return NULL;
		}
	return NULL;
}

int
pop_foreach(struct pop *p, pop_task fn, void *ctx, struct twin_err *err)
{
	struct task_slice sl[MAXW];
	pthread_t th[MAXW];
	int i, started = 0, first = -1;

	for (i = 0; i < p->nthread; i++) {
		sl[i].p = p;
		sl[i].fn = fn;
		sl[i].ctx = ctx;
		sl[i].w = i;
		sl[i].failed_at = -1;
	}
	for (i = 1; i < p->nthread; i++)
		if (pthread_create(&th[i], NULL, run_task_slice, &sl[i]) == 0)
			started = i;
		else
			break;
	for (i = started + 1; i < p->nthread; i++)
		run_task_slice(&sl[i]);
	run_task_slice(&sl[0]);
	for (i = 1; i <= started; i++)
		pthread_join(th[i], NULL);
	/* The failure of the first individual in input order, whatever -j. */
	for (i = 0; i < p->nthread; i++)
		if (sl[i].failed_at >= 0 && (first < 0 ||
		    sl[i].failed_at < sl[first].failed_at))
			first = i;
	if (first >= 0) {
		memcpy(err, &sl[first].err, sizeof(*err));
		return -1;
	}
	return 0;
}

int
pop_evaluate_at(struct pop *p, const struct fit_params *q, double *ofv,
    struct twin_err *err)
{
	const struct model *m = p->m;

	if (p->n == 0)
		return twin_error(err, "no individuals with observations");
	memcpy(p->cur.theta, q->theta, m->ntheta * sizeof(double));
	memcpy(p->cur.omega, q->omega,
	    (size_t)m->neta * m->neta * sizeof(double));
	p->cur.sigma_add = q->sigma_add;
	p->cur.sigma_prop = q->sigma_prop;
	return objective(p, ofv, err);
}

int
pop_result_current(struct pop *p, double ofv, struct pop_result *res,
    struct twin_err *err)
{
	int i, r = nreport(p);
	double *v = calloc(r + 1, sizeof(double));

	memset(res, 0, sizeof(*res));
	res->est = calloc(r + 1, sizeof(*res->est));
	if (v == NULL || res->est == NULL) {
		free(v);
		free(res->est);
		res->est = NULL;
		return twin_nomem(err);
	}
	current_values(p, v);
	report_names(p, res->est);
	for (i = 0; i < r; i++) {
		res->est[i].value = v[i];
		res->est[i].se = NAN;
	}
	res->n = r;
	res->ofv = ofv;
	free(v);
	return 0;
}

int
pop_covariance_current(struct pop *p, struct pop_result *res,
    struct twin_err *err)
{
	int r = nreport(p);
	double *se = calloc(r + 1, sizeof(double));
	double *cov = calloc((size_t)r * r + 1, sizeof(double));
	double ofv;
	int i;

	if (se == NULL || cov == NULL) {
		free(se);
		free(cov);
		return twin_nomem(err);
	}
	p->nphi = nphi(p);
	p->failed = 0;
	if (p->nphi == 0 || p->nphi > 200 || pack(p, &p->cur, p->phi, err) < 0) {
		free(se);
		free(cov);
		return p->nphi == 0 || p->nphi > 200 ? twin_error(err, "%d "
		    "parameters to estimate", p->nphi) : -1;
	}
	res->covariance_ok = covariance(p, p->phi, se, cov) == 0 &&
	    res->n == r;
	for (i = 0; i < res->n && i < r; i++)
		res->est[i].se = res->covariance_ok ? se[i] : NAN;
	free(se);
	free(res->cov);
	res->cov = NULL;
	if (res->covariance_ok)
		res->cov = cov;
	else
		free(cov);
	/* Leave the individuals at the modes of the current parameters. */
	ofv = ofv_at(p, p->phi);
	if (!isfinite(ofv)) {
		memcpy(err, &p->err, sizeof(*err));
		return -1;
	}
	return 0;
}
