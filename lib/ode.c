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
#include <gsl/gsl_matrix.h>

#include "ode.h"

#define NCACHE 8

/* Squarings (2^s scaling) beyond which a matrix exponential of a cyclic
 * system goes to CVODES: the slow exponents carry an absolute error of
 * about 2^s u, here 2^20 * 1.1e-16 = 1.2e-10. */
#define EXPM_MAX_SQUARINGS 20

struct expm_cache {
	double h;
	gsl_matrix *e;
};

struct ode {
	const struct model *m;
	enum ode_method method;
	int n;
	struct ode_sys *sys;
	double t, tstop;
	double rtol, atol;
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
	double *ework;		/* 7 (n+1)^2: the result, then workspace */
	double *jv;		/* the model's njac Jacobian values, then
				 * n right-hand sides (exact) */
	int *perm;		/* order making aug lower triangular, then
				 * 2 (n+1) ints of workspace */
	int tri;		/* perm is valid: the flow graph is acyclic */
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
	model_eval_rhs(m, sys->v, ydot);
	for (i = 0; i < m->nstate; i++)
		ydot[i] += sys->rate[i];
}

void
ode_outputs(struct ode_sys *sys, double t, const double *y)
{
	set_states(sys, t, y);
	model_eval_outputs(sys->m, sys->v);
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
	model_eval_jac(m, o->sys->v, o->jv);
	SUNMatZero(J);
	for (k = 0; k < m->njac; k++)
		SM_ELEMENT_D(J, m->jac[k].row, m->jac[k].col) = o->jv[k];
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

int
ode_check_tol(double rtol, double atol, struct twin_err *err)
{
	if (!(rtol >= ODE_RTOL_MIN && rtol <= ODE_RTOL_MAX))
		return twin_errork(err, TWIN_EDOMAIN,
		    "relative tolerance %g is outside "
		    "[%g, %g]", rtol, ODE_RTOL_MIN, ODE_RTOL_MAX);
	if (!(atol > 0 && atol <= ODE_ATOL_MAX))
		return twin_errork(err, TWIN_EDOMAIN,
		    "absolute tolerance %g is outside "
		    "(0, %g]", atol, ODE_ATOL_MAX);
	return 0;
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
	free(o->jv);
	free(o->ework);
	free(o->perm);
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
		return twin_errork(err, TWIN_ENOMEM, "out of memory (CVODES)");
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
	if (ode_check_tol(rtol, atol, err) < 0)
		return NULL;
	if ((o = calloc(1, sizeof(*o))) == NULL) {
		twin_nomem(err);
		return NULL;
	}
	o->m = m;
	o->n = m->nstate;
	o->rtol = rtol;
	o->atol = atol;
	if (method == ODE_AUTO)
		method = m->linear ? ODE_EXACT : ODE_BDF;
	o->method = method;
	if ((o->jv = calloc(m->njac + o->n + 1, sizeof(double))) == NULL) {
		twin_nomem(err);
		ode_free(o);
		return NULL;
	}
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
	o->ework = calloc((size_t)7 * (o->n + 1) * (o->n + 1), sizeof(double));
	o->perm = calloc((size_t)3 * (o->n + 1), sizeof(int));
	if (!o->aug || !o->work || !o->ycur || !o->ework || !o->perm) {
		twin_nomem(err);
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
 * An order of the indices of the square matrix a in which it is lower
 * triangular (every nonzero a[i][j], i != j, has j before i): Kahn's
 * topological sort of the flow graph, lowest index first.  Returns 1 and
 * the order in perm, or 0 if the graph has a cycle.  w has 2 n ints.
 */
static int
triangular_order(const gsl_matrix *a, int *perm, int *w)
{
	int n = a->size1, *indeg = w, *done = w + n, i, j, k;

	for (i = 0; i < n; i++) {
		indeg[i] = done[i] = 0;
		for (j = 0; j < n; j++)
			indeg[i] += j != i && gsl_matrix_get(a, i, j) != 0;
	}
	for (k = 0; k < n; k++) {
		for (i = 0; i < n && (done[i] || indeg[i] > 0); i++)
			;
		if (i == n)
			return 0;
		done[i] = 1;
		perm[k] = i;
		for (j = 0; j < n; j++)
			if (j != i && gsl_matrix_get(a, j, i) != 0)
				indeg[j]--;
	}
	return 1;
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
	model_eval_rhs(m, sys->v, o->jv + m->njac);
	for (i = 0; i < n; i++)
		gsl_matrix_set(w, i, n, o->jv[m->njac + i] + sys->rate[i]);
	model_eval_jac(m, sys->v, o->jv);
	for (k = 0; k < m->njac; k++)
		gsl_matrix_set(w, m->jac[k].row, m->jac[k].col, o->jv[k]);
	if (o->valid && gsl_matrix_equal(w, o->aug))
		return;
	gsl_matrix_memcpy(o->aug, w);
	for (i = 0; i < o->ncache; i++)
		gsl_matrix_free(o->cache[i].e);
	o->ncache = o->next = 0;
	o->valid = 1;
	o->tri = triangular_order(w, o->perm, o->perm + n + 1);
}

int
ode_restart(struct ode *o, struct ode_sys *sys, double t, const double *y,
    double tstop, struct twin_err *err)
{
	o->sys = sys;
	o->t = t;
	o->tstop = tstop;
	if (o->method == ODE_EXACT) {
		memcpy(o->ycur, y, o->n * sizeof(double));
		exact_matrix(o);
		return 0;
	}
	memcpy(N_VGetArrayPointer(o->y), y, o->n * sizeof(double));
	o->msg[0] = '\0';
	if (CVodeReInit(o->cv, t, o->y) != CV_SUCCESS ||
	    CVodeSetStopTime(o->cv, tstop) != CV_SUCCESS)
		return twin_errork(err, TWIN_ESOLVER,
		    "CVODES restart failed at time %g: %s",
		    t, o->msg);
	return 0;
}

/*
 * exp(M) for the augmented matrix M = h [A b+r; 0 0] by scaling and
 * squaring with the (6,6) Pade approximant (Moler and Van Loan, SIAM
 * Review 2003, method 3; the truncation error is below 3.4e-16 for
 * |M/2^s| <= 1/2).
 *
 * Plain scaling and squaring is normwise accurate only: with rates that
 * differ by many orders of magnitude (KA 1e16 beside CL/V 0.1) the slow
 * rates vanish below the rounding of 1 + x in the scaled matrix, and the
 * squarings give no elimination at all (absolute error in the slow
 * exponents about 2^s u).  Two remedies:
 *
 *  - When the flow graph has no cycle (absorption chains, transit
 *    compartments, one compartment with any inputs: most linear PK
 *    models), a permutation makes M lower triangular.  Then the diagonal
 *    and first subdiagonal of every power exp(M/2^k) are known in closed
 *    form and are written over the computed ones before each squaring
 *    (Al-Mohy and Higham, SIAM J Matrix Anal Appl 2009, section 6):
 *    the exponents are exact and the off-diagonal entries follow from
 *    them with relative accuracy.
 *  - Otherwise (a cycle, e.g. central <-> peripheral) the step is handed
 *    to CVODES when the scaling 2^s exceeds 2^EXPM_MAX_SQUARINGS, where
 *    the slow exponents could be wrong by more than about 1e-10.
 */

/* c = a b for n x n row-major matrices (c distinct from a and b). */
static void
matmul(const double *a, const double *b, double *c, int n)
{
	int i, j, l;

	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++)
			c[i * n + j] = 0;
		for (l = 0; l < n; l++) {
			double x = a[i * n + l];

			if (x == 0)
				continue;
			for (j = 0; j < n; j++)
				c[i * n + j] += x * b[l * n + j];
		}
	}
}

/* (6,6) Pade approximant of exp(A), |A| <= 1/2, into e; w has 4 n^2
 * doubles.  Returns -1 if the denominator is singular (it is not, for
 * |A| <= 1/2). */
static int
pade6(const double *A, int n, double *e, double *w)
{
	double *X = w, *T = w + n * n, *N = w + 2 * n * n, *D = w + 3 * n * n;
	double c = 0.5;
	int i, j, k, q = 6;

	memcpy(X, A, (size_t)n * n * sizeof(double));
	for (i = 0; i < n * n; i++) {
		N[i] = (i % (n + 1) == 0) + c * A[i];
		D[i] = (i % (n + 1) == 0) - c * A[i];
	}
	for (k = 2; k <= q; k++) {
		c = c * (q - k + 1) / (k * (2 * q - k + 1));
		matmul(A, X, T, n);
		memcpy(X, T, (size_t)n * n * sizeof(double));
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
	return 0;
}

/* (e^b - e^a) / (b - a), without cancellation or spurious overflow;
 * 0 when both exponents are -inf (a step beyond the range of double). */
static double
dexp(double a, double b)
{
	double d = b / 2 - a / 2, mu = a / 2 + b / 2;

	if (fmax(a, b) == -INFINITY)
		return 0;
	if (d == 0)
		return exp(a);
	if (fabs(d) < 1)
		return exp(mu) * (sinh(d) / d);
	return (exp(b) - exp(a)) / (2 * d);
}

/* h a / 2^k, also when h a itself overflows but the quotient does not. */
static double
hscale(double h, double a, int k)
{
	double x = h * a;

	return isfinite(x) ? ldexp(x, -k) : ldexp(h, -k) * a;
}

/* Exact diagonal and first subdiagonal of exp(h T / 2^k), T lower
 * triangular, written over e. */
static void
fixup(double *e, const double *T, double h, int n, int k)
{
	int i;

	for (i = 0; i < n; i++)
		e[i * n + i] = exp(hscale(h, T[i * n + i], k));
	for (i = 0; i + 1 < n; i++) {
		double c = T[(i + 1) * n + i], d;

		if (c == 0) {
			e[(i + 1) * n + i] = 0;
			continue;
		}
		d = dexp(hscale(h, T[i * n + i], k),
		    hscale(h, T[(i + 1) * n + i + 1], k));
		e[(i + 1) * n + i] = d == 0 ? 0 : hscale(h, c, k) * d;
	}
}

/*
 * e = exp(h a) for the n x n matrix a and h >= 0; perm, if not NULL, is
 * an order of the indices that makes a lower triangular.  w has 6 n^2
 * doubles.  Returns 0, 1 if the result would be unreliable (no perm and
 * more than EXPM_MAX_SQUARINGS squarings), -1 if a is not finite or the
 * result overflows.
 */
static int
expm_dense(const double *a, double h, int n, const int *perm, double *e,
    double *w)
{
	double *T = w, *X = w + n * n, *pw = w + 2 * n * n, norm = 0;
	int i, j, eh, en, s = 0;

	for (i = 0; i < n; i++) {
		double row = 0;

		for (j = 0; j < n; j++) {
			double x = perm ? a[perm[i] * n + perm[j]] : a[i * n + j];

			T[i * n + j] = x;
			row += fabs(x);
		}
		if (!isfinite(row))
			return -1;
		norm = fmax(norm, row);
	}
	if (!isfinite(h) || h < 0)
		return -1;
	/* |h a| < 2^(eh + en): |h a| / 2^s <= 1/2 (no overflow of h norm). */
	frexp(h, &eh);
	frexp(norm, &en);
	if (h > 0 && norm > 0 && eh + en + 1 > 0)
		s = eh + en + 1;
	if (perm == NULL && s > EXPM_MAX_SQUARINGS)
		return 1;
	for (i = 0; i < n * n; i++)
		X[i] = hscale(h, T[i], s);
	if (pade6(X, n, e, pw) < 0)
		return -1;
	for (;;) {
		if (perm)
			fixup(e, T, h, n, s);
		if (s-- == 0)
			break;
		matmul(e, e, X, n);
		memcpy(e, X, (size_t)n * n * sizeof(double));
	}
	for (i = 0; i < n * n; i++)
		if (!isfinite(e[i]))
			return -1;
	if (perm) {
		memcpy(X, e, (size_t)n * n * sizeof(double));
		for (i = 0; i < n; i++)
			for (j = 0; j < n; j++)
				e[perm[i] * n + perm[j]] = X[i * n + j];
	}
	return 0;
}

/*
 * The matrix exponential for step h, from the cache or computed.  NULL
 * with *stiff set: hand the step to CVODES; NULL otherwise: err is set.
 */
static const gsl_matrix *
expm(struct ode *o, double h, int *stiff, struct twin_err *err)
{
	struct expm_cache *c;
	int i, rc, n = o->n + 1;

	*stiff = 0;
	for (i = 0; i < o->ncache; i++)
		if (o->cache[i].h == h)
			return o->cache[i].e;
	rc = expm_dense(o->aug->data, h, n, o->tri ? o->perm : NULL,
	    o->ework, o->ework + n * n);
	if (rc > 0) {
		*stiff = 1;
		return NULL;
	}
	if (rc < 0) {
		twin_errork(err, TWIN_ESOLVER,
		    "matrix exponential failed for the step from "
		    "time %g to %g", o->t, o->t + h);
		return NULL;
	}
	if (o->ncache < NCACHE) {
		c = &o->cache[o->ncache++];
		c->e = gsl_matrix_alloc(n, n);
		if (c->e == NULL) {
			o->ncache--;
			twin_nomem(err);
			return NULL;
		}
	} else {
		c = &o->cache[o->next];
		o->next = (o->next + 1) % NCACHE;
	}
	memcpy(c->e->data, o->ework, (size_t)n * n * sizeof(double));
	c->h = h;
	return c->e;
}

/* A step the matrix exponential cannot do reliably: CVODES from the
 * current state, in the same smooth piece. */
static int
stiff_advance(struct ode *o, double tout, double *y, struct twin_err *err)
{
	sunrealtype tret;

	if (o->cv == NULL && bdf_new(o, o->rtol, o->atol, err) < 0)
		return -1;
	memcpy(N_VGetArrayPointer(o->y), o->ycur, o->n * sizeof(double));
	o->msg[0] = '\0';
	if (CVodeReInit(o->cv, o->t, o->y) != CV_SUCCESS ||
	    CVodeSetStopTime(o->cv, o->tstop) != CV_SUCCESS)
		return twin_errork(err, TWIN_ESOLVER,
		    "CVODES restart failed at time %g: %s",
		    o->t, o->msg);
	do {
		int rc = CVode(o->cv, tout, o->y, &tret, CV_NORMAL);

		if (rc < 0)
			return twin_errork(err, TWIN_ESOLVER,
			    "ODE solver failed near time "
			    "%g: %s", tret, o->msg[0] ? o->msg : "?");
	} while (tret < tout);
	memcpy(y, N_VGetArrayPointer(o->y), o->n * sizeof(double));
	memcpy(o->ycur, y, o->n * sizeof(double));
	o->t = tout;
	return 0;
}

static int
exact_advance(struct ode *o, double tout, double *y, struct twin_err *err)
{
	const gsl_matrix *e;
	double *yc = o->ycur;
	int i, j, n = o->n, stiff;

	if (tout == o->t) {
		memcpy(y, yc, n * sizeof(double));
		return 0;
	}
	if ((e = expm(o, tout - o->t, &stiff, err)) == NULL)
		return stiff ? stiff_advance(o, tout, y, err) : -1;
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

			twin_errork(err, TWIN_ESOLVER,
			    "ODE solver failed near time %g: %s",
			    tret, o->msg[0] ? o->msg : name ? name : "?");
			free(name);
			return -1;
		}
	} while (tret < tout);
	memcpy(y, N_VGetArrayPointer(o->y), n * sizeof(double));
	o->t = tout;
	return 0;
}
