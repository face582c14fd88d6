/*
 * ode.c - CVODES (BDF, dense, symbolic Jacobian) and the exact matrix
 * exponential for linear models.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cvodes/cvodes.h>
#include <nvector/nvector_serial.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>

#include "ode.h"

#define NCACHE 8

struct expm_cache {
	double h;
	gsl_matrix *e;
};

struct ode {
	const struct model *m;
	enum ode_method method;
	int n;
	struct ode_sys *sys;
	double t;
	char msg[512];		/* last message from CVODES */
	/* CVODES */
	SUNContext ctx;
	void *cv;
	N_Vector y;
	SUNMatrix A;
	SUNLinearSolver LS;
	/* exact */
	gsl_matrix *aug, *work;
	double *ycur;
	struct expm_cache cache[NCACHE];
	int ncache, next;
	int valid;
};

static void
set_states(struct ode_sys *sys, double t, const double *y)
{
	const struct model *m = sys->m;
	double *v = sys->v;

	v[0] = t;
	memcpy(v + m->state0, y, m->nstate * sizeof(double));
	if (sys->attime)
		sys->attime(sys->attime_ctx, t, v);
}

void
ode_rhs_eval(struct ode_sys *sys, double t, const double *y, double *ydot)
{
	const struct model *m = sys->m;
	int i;

	set_states(sys, t, y);
	for (i = 0; i < m->nstate; i++)
		ydot[i] = tape_eval(m->rhs[i], sys->v) + sys->rate[i];
}

void
ode_outputs(struct ode_sys *sys, double t, const double *y)
{
	const struct model *m = sys->m;
	int i;

	set_states(sys, t, y);
	for (i = 0; i < m->nout; i++)
		sys->v[m->out0 + i] = tape_eval(m->out[i], sys->v);
}

static int
cv_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *ud)
{
	struct ode *o = ud;
	double *yd = N_VGetArrayPointer(ydot);
	int i;

	ode_rhs_eval(o->sys, t, N_VGetArrayPointer(y), yd);
	for (i = 0; i < o->n; i++)
		if (!isfinite(yd[i]))
			return 1;	/* recoverable: CVODES cuts the step */
	return 0;
}

static int
cv_jac(sunrealtype t, N_Vector y, N_Vector fy, SUNMatrix J, void *ud,
    N_Vector t1, N_Vector t2, N_Vector t3)
{
	struct ode *o = ud;
	const struct model *m = o->m;
	int k;

	(void)fy;
	(void)t1;
	(void)t2;
	(void)t3;
	set_states(o->sys, t, N_VGetArrayPointer(y));
	SUNMatZero(J);
	for (k = 0; k < m->njac; k++)
		SM_ELEMENT_D(J, m->jac[k].row, m->jac[k].col) =
		    tape_eval(m->jac[k].tape, o->sys->v);
	return 0;
}

static void
cv_errh(int code, const char *module, const char *fn, char *msg, void *ud)
{
	struct ode *o = ud;

	(void)module;
	if (code == CV_WARNING)
		return;
	snprintf(o->msg, sizeof(o->msg), "%s: %s", fn, msg);
}

void
ode_free(struct ode *o)
{
	int i;

	if (o == NULL)
		return;
	if (o->cv)
		CVodeFree(&o->cv);
	SUNLinSolFree(o->LS);
	SUNMatDestroy(o->A);
	N_VDestroy(o->y);
	if (o->ctx)
		SUNContext_Free(&o->ctx);
	if (o->aug)
		gsl_matrix_free(o->aug);
	if (o->work)
		gsl_matrix_free(o->work);
	for (i = 0; i < o->ncache; i++)
		gsl_matrix_free(o->cache[i].e);
	free(o->ycur);
	free(o);
}

static int
bdf_new(struct ode *o, double rtol, double atol, struct twin_err *err)
{
	if (SUNContext_Create(NULL, &o->ctx) != 0)
		return twin_error(err, "cannot create a SUNDIALS context");
	o->y = N_VNew_Serial(o->n, o->ctx);
	o->A = o->y ? SUNDenseMatrix(o->n, o->n, o->ctx) : NULL;
	o->LS = o->A ? SUNLinSol_Dense(o->y, o->A, o->ctx) : NULL;
	o->cv = o->LS ? CVodeCreate(CV_BDF, o->ctx) : NULL;
	if (o->cv == NULL)
		return twin_error(err, "out of memory (CVODES)");
	N_VConst(0, o->y);
	if (CVodeInit(o->cv, cv_rhs, 0, o->y) != CV_SUCCESS ||
	    CVodeSStolerances(o->cv, rtol, atol) != CV_SUCCESS ||
	    CVodeSetUserData(o->cv, o) != CV_SUCCESS ||
	    CVodeSetErrHandlerFn(o->cv, cv_errh, o) != CV_SUCCESS ||
	    CVodeSetLinearSolver(o->cv, o->LS, o->A) != CV_SUCCESS ||
	    CVodeSetJacFn(o->cv, cv_jac) != CV_SUCCESS ||
	    CVodeSetMaxNumSteps(o->cv, 100000) != CV_SUCCESS)
		return twin_error(err, "cannot set up CVODES: %s", o->msg);
	return 0;
}

struct ode *
ode_new(const struct model *m, enum ode_method method, double rtol,
    double atol, struct twin_err *err)
{
	struct ode *o;

	if (method == ODE_EXACT && !m->linear) {
		twin_error(err, "model %s is not linear in its states; the "
		    "exact solver does not apply", m->name);
		return NULL;
	}
	if (!(rtol > 0) || !(atol > 0)) {
		twin_error(err, "tolerances must be positive");
		return NULL;
	}
	if ((o = calloc(1, sizeof(*o))) == NULL) {
		twin_error(err, "out of memory");
		return NULL;
	}
	o->m = m;
	o->n = m->nstate;
	if (method == ODE_AUTO)
		method = m->linear ? ODE_EXACT : ODE_BDF;
	o->method = method;
	if (method == ODE_BDF) {
		if (bdf_new(o, rtol, atol, err) < 0) {
			ode_free(o);
			return NULL;
		}
		return o;
	}
	o->aug = gsl_matrix_calloc(o->n + 1, o->n + 1);
	o->work = gsl_matrix_calloc(o->n + 1, o->n + 1);
	o->ycur = calloc(o->n + 1, sizeof(double));
	if (!o->aug || !o->work || !o->ycur) {
		twin_error(err, "out of memory");
		ode_free(o);
		return NULL;
	}
	return o;
}

enum ode_method
ode_method(const struct ode *o)
{
	return o->method;
}

/*
 * Build [A b+r; 0 0] for the current parameters.  The cached exponentials
 * stay valid when the matrix is unchanged, as it is across the doses of a
 * typical regimen (a bolus changes y, not the system).
 */
static void
exact_matrix(struct ode *o)
{
	const struct model *m = o->m;
	struct ode_sys *sys = o->sys;
	gsl_matrix *w = o->work;
	int i, k, n = o->n;

	gsl_matrix_set_zero(w);
	for (i = 0; i < n; i++)
		sys->v[m->state0 + i] = 0;
	sys->v[0] = o->t;
	for (i = 0; i < n; i++)
		gsl_matrix_set(w, i, n, tape_eval(m->rhs[i], sys->v) +
		    sys->rate[i]);
	for (k = 0; k < m->njac; k++)
		gsl_matrix_set(w, m->jac[k].row, m->jac[k].col,
		    tape_eval(m->jac[k].tape, sys->v));
	if (o->valid && gsl_matrix_equal(w, o->aug))
		return;
	gsl_matrix_memcpy(o->aug, w);
	for (i = 0; i < o->ncache; i++)
		gsl_matrix_free(o->cache[i].e);
	o->ncache = o->next = 0;
	o->valid = 1;
}

int
ode_restart(struct ode *o, struct ode_sys *sys, double t, const double *y,
    double tstop, struct twin_err *err)
{
	o->sys = sys;
	o->t = t;
	if (o->method == ODE_EXACT) {
		memcpy(o->ycur, y, o->n * sizeof(double));
		exact_matrix(o);
		return 0;
	}
	memcpy(N_VGetArrayPointer(o->y), y, o->n * sizeof(double));
	o->msg[0] = '\0';
	if (CVodeReInit(o->cv, t, o->y) != CV_SUCCESS ||
	    CVodeSetStopTime(o->cv, tstop) != CV_SUCCESS)
		return twin_error(err, "CVODES restart failed at time %g: %s",
		    t, o->msg);
	return 0;
}

#define SMALL 12

/*
 * exp(A) for a small dense matrix by scaling and squaring with the
 * (6,6) Pade approximant (Moler and Van Loan, SIAM Review 2003, method
 * 3; the bound on the truncation error is 3.4e-16 for |A| <= 1/2).
 * GSL's gsl_linalg_exponential_ss computes the same to the same
 * accuracy, but through general matrix routines whose overhead dominates
 * for the 2-5 states of a compartmental model; the fits call this in
 * their innermost loop.  Larger models use GSL.  Returns -1 if the
 * denominator is singular (it is not, for |A| <= 1/2).
 */
/* c = a b for n x n row-major matrices (c distinct from a and b). */
static void
matmul(const double *a, const double *b, double *c, int n)
{
	int i, j, l;

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			double t = 0;

			for (l = 0; l < n; l++)
				t += a[i * n + l] * b[l * n + j];
			c[i * n + j] = t;
		}
}

static int
expm_small(const double *a, int n, double *e)
{
	double A[SMALL * SMALL], X[SMALL * SMALL], T[SMALL * SMALL];
	double N[SMALL * SMALL], D[SMALL * SMALL], norm = 0, c = 0.5;
	int i, j, k, s, q = 6;

	for (i = 0; i < n; i++) {
		double row = 0;

		for (j = 0; j < n; j++)
			row += fabs(a[i * n + j]);
		norm = fmax(norm, row);
	}
	s = norm > 0.5 ? (int)ceil(log2(norm / 0.5)) : 0;
	if (s > 1000 || !isfinite(norm))
		return -1;
	for (i = 0; i < n * n; i++)
		X[i] = A[i] = ldexp(a[i], -s);
	for (i = 0; i < n * n; i++) {
		N[i] = (i % (n + 1) == 0) + c * A[i];
		D[i] = (i % (n + 1) == 0) - c * A[i];
	}
	for (k = 2; k <= q; k++) {
		c = c * (q - k + 1) / (k * (2 * q - k + 1));
		matmul(A, X, T, n);
		memcpy(X, T, n * n * sizeof(double));
		/* D has the signs of N alternating: + for even k. */
		for (i = 0; i < n * n; i++) {
			N[i] += c * X[i];
			D[i] += (k % 2 ? -c : c) * X[i];
		}
	}
	/* E = D^-1 N: Gaussian elimination with partial pivoting. */
	for (k = 0; k < n; k++) {
		int p = k;

		for (i = k + 1; i < n; i++)
			if (fabs(D[i * n + k]) > fabs(D[p * n + k]))
				p = i;
		if (D[p * n + k] == 0)
			return -1;
		if (p != k)
			for (j = 0; j < n; j++) {
				double t = D[k * n + j];

				D[k * n + j] = D[p * n + j];
				D[p * n + j] = t;
				t = N[k * n + j];
				N[k * n + j] = N[p * n + j];
				N[p * n + j] = t;
			}
		for (i = k + 1; i < n; i++) {
			double f = D[i * n + k] / D[k * n + k];

			if (f == 0)
				continue;
			for (j = k; j < n; j++)
				D[i * n + j] -= f * D[k * n + j];
			for (j = 0; j < n; j++)
				N[i * n + j] -= f * N[k * n + j];
		}
	}
	for (k = n - 1; k >= 0; k--)
		for (j = 0; j < n; j++) {
			double t = N[k * n + j];

			for (i = k + 1; i < n; i++)
				t -= D[k * n + i] * e[i * n + j];
			e[k * n + j] = t / D[k * n + k];
		}
	for (; s > 0; s--) {
		matmul(e, e, T, n);
		memcpy(e, T, n * n * sizeof(double));
	}
	return 0;
}

static const gsl_matrix *
expm(struct ode *o, double h, struct twin_err *err)
{
	struct expm_cache *c;
	int i;

	for (i = 0; i < o->ncache; i++)
		if (o->cache[i].h == h)
			return o->cache[i].e;
	if (o->ncache < NCACHE) {
		c = &o->cache[o->ncache++];
		c->e = gsl_matrix_alloc(o->n + 1, o->n + 1);
		if (c->e == NULL) {
			o->ncache--;
			twin_error(err, "out of memory");
			return NULL;
		}
	} else {
		c = &o->cache[o->next];
		o->next = (o->next + 1) % NCACHE;
	}
	gsl_matrix_memcpy(o->work, o->aug);
	gsl_matrix_scale(o->work, h);
	c->h = h;
	if (o->n + 1 <= SMALL && o->work->tda == (size_t)o->n + 1 &&
	    c->e->tda == (size_t)o->n + 1) {
		if (expm_small(o->work->data, o->n + 1, c->e->data) == 0)
			return c->e;
	} else if (gsl_linalg_exponential_ss(o->work, c->e,
	    GSL_PREC_DOUBLE) == 0) {
		return c->e;
	}
	{
		c->h = NAN;
		twin_error(err, "matrix exponential failed at time %g", o->t);
		return NULL;
	}
	return c->e;
}

static int
exact_advance(struct ode *o, double tout, double *y, struct twin_err *err)
{
	const gsl_matrix *e;
	double *yc = o->ycur;
	int i, j, n = o->n;

	if (tout == o->t) {
		memcpy(y, yc, n * sizeof(double));
		return 0;
	}
	if ((e = expm(o, tout - o->t, err)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		const double *row = e->data + i * e->tda;
		double s = row[n];

		for (j = 0; j < n; j++)
			s += row[j] * yc[j];
		y[i] = s;
	}
	memcpy(yc, y, n * sizeof(double));
	o->t = tout;
	return 0;
}

int
ode_advance(struct ode *o, double tout, double *y, struct twin_err *err)
{
	sunrealtype tret;
	int n = o->n;

	if (o->method == ODE_EXACT)
		return exact_advance(o, tout, y, err);
	if (tout == o->t) {
		memcpy(y, N_VGetArrayPointer(o->y), n * sizeof(double));
		return 0;
	}
	do {
		int rc = CVode(o->cv, tout, o->y, &tret, CV_NORMAL);

		if (rc < 0) {
			/* CVodeGetReturnFlagName returns malloc'ed text. */
			char *name = CVodeGetReturnFlagName(rc);

			twin_error(err, "ODE solver failed near time %g: %s",
			    tret, o->msg[0] ? o->msg : name ? name : "?");
			free(name);
			return -1;
		}
	} while (tret < tout);
	memcpy(y, N_VGetArrayPointer(o->y), n * sizeof(double));
	o->t = tout;
	return 0;
}
