/*
 * ode.c - the integrators behind ode.h: CVODES (BDF or Adams, dense or KLU
 * sparse, the model's symbolic Jacobian), GSL's explicit Runge-Kutta
 * Prince-Dormand 8(9), and the exact matrix exponential for linear models;
 * and, for ODE_AUTO, the choice among them at each restart (stiff.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cvodes/cvodes.h>
#include <nvector/nvector_serial.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunmatrix/sunmatrix_sparse.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_odeiv2.h>

#include "solve/ode.h"
#include "solve/stiff.h"

#define NCACHE 8

/* Exponentials of the sensitivity system kept (see struct ode). */
#define BCACHE 8
#define BCACHE_MAXN 64

/* Squarings (2^s scaling) beyond which a matrix exponential of a cyclic
 * system goes to CVODES: the slow exponents carry an absolute error of
 * about 2^s u, here 2^20 * 1.1e-16 = 1.2e-10. */
#define EXPM_MAX_SQUARINGS 20

/* Most steps CVODES may take to reach one output time. */
#define CV_MAX_STEPS 100000

struct expm_cache {
	double h;
	gsl_matrix *e;
};

/* One CVODES integrator (BDF or Adams), made on first use. */
struct cvs {
	void *mem;
	int ns;			/* sensitivities set up (CVodeSensInit) */
	N_Vector *yS;
	N_Vector y;
	SUNMatrix A;
	SUNLinearSolver LS;
};

/* GSL's rk8pd on a system of dimension dim (0 until first used). */
struct rk {
	gsl_odeiv2_system sys;
	gsl_odeiv2_step *step;
	gsl_odeiv2_control *control;
	gsl_odeiv2_evolve *evolve;
	double *y;
	int dim;
};

struct ode {
	const struct model *m;
	enum ode_method method;	/* as asked; ODE_AUTO resolved for linear */
	enum ode_method cur;	/* the integrator of the current piece */
	int n;
	struct ode_sys *sys;
	double t, tstop;
	double rtol, atol;
	char msg[512];		/* last message from CVODES */
	double *rowsum;		/* n doubles, for stiff_radius */
	/* CVODES */
	SUNContext ctx;
	struct cvs bdf, adams;
	struct cvs *cv;		/* the one in use */
	int sparse;		/* BDF with KLU */
	int nnz;		/* sparse pattern: Jacobian + diagonal */
	sunindextype *colptr, *rowind;
	int *src;		/* nnz: jac entry of each CSC slot, -1: 0 */
	/* explicit Runge-Kutta (GSL) */
	struct rk rk;		/* on y */
	double hrk;		/* step size */
	double *rkw;		/* 3 n doubles for rk_h0 */
	long npiece[ODE_NMETHOD];	/* pieces started, by integrator */
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
	/* sensitivities */
	int sens;		/* the current piece has them: sys->nq */
	double *pv;		/* 2 npjac values */
	double *sS, *sD;	/* CVODES: n x sSn sensitivities, scratch */
	int sSn;
	double *big, *bwork, *z;	/* exact: the augmented matrix of the
					 * states and sensitivities, its
					 * workspace, [y; S; 1] */
	int *bperm, bN, btri;
	size_t bcap;
	/* the last matrix and its exponentials by step length, kept while
	 * the matrix is unchanged (the doses of a regimen): BCACHE of them,
	 * for matrices of at most BCACHE_MAXN^2 entries */
	double *bprev, *bcache, bh[BCACHE];
	int nbcache, bnext, bvalid;
	struct rk srk;		/* on [y; S], dimension n (1 + nq) */
	int errcon;		/* error control on CVODES's sensitivities */
};

static void
set_states(struct ode_sys *sys, double t, const double *y)
{
	const struct model *m = sys->m;
	double *v = sys->v, *x = v + m->state0;
	int i;

	/* a loop, not memcpy: a call costs more than a few states */
	v[0] = t;
	for (i = 0; i < m->nstate; i++)
		x[i] = y[i];
	if (sys->attime)
		sys->attime(sys->attime_ctx, t, v);
}

/* 1 if every x[i] is finite: x * 0 is 0 for finite x, NaN otherwise. */
static int
all_finite(const double *x, int n)
{
	double s = 0;
	int i;

	for (i = 0; i < n; i++)
		s += x[i] * 0;
	return s == 0;
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

/* The Jacobian's nonzero values (m->jac order) at (t, y) into o->jv. */
static void
jac_eval(struct ode *o, double t, const double *y)
{
	set_states(o->sys, t, y);
	model_eval_jac(o->m, o->sys->v, o->jv);
}

void
ode_outputs(struct ode_sys *sys, double t, const double *y)
{
	set_states(sys, t, y);
	model_eval_outputs(sys->m, sys->v);
}

/* ---- CVODES ------------------------------------------------------------ */

static int
cv_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *ud)
{
	struct ode *o = ud;
	double *yd = N_VGetArrayPointer(ydot);

	ode_rhs_eval(o->sys, t, N_VGetArrayPointer(y), yd);
	return all_finite(yd, o->n) ? 0 : 1;	/* 1: CVODES cuts the step */
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
	jac_eval(o, t, N_VGetArrayPointer(y));
	if (SUNMatGetID(J) == SUNMATRIX_SPARSE) {
		/* The whole pattern every time: CVODES copies and scales
		 * the matrix; the diagonal is in it, so I - gamma J never
		 * changes the structure. */
		sunindextype *cp = SUNSparseMatrix_IndexPointers(J);
		sunindextype *ri = SUNSparseMatrix_IndexValues(J);
		double *x = SUNSparseMatrix_Data(J);

		memcpy(cp, o->colptr, (o->n + 1) * sizeof(*cp));
		memcpy(ri, o->rowind, o->nnz * sizeof(*ri));
		for (k = 0; k < o->nnz; k++)
			x[k] = o->src[k] < 0 ? 0 : o->jv[o->src[k]];
		return 0;
	}
	SUNMatZero(J);
	for (k = 0; k < m->njac; k++)
		SM_ELEMENT_D(J, m->jac[k].row, m->jac[k].col) = o->jv[k];
	return 0;
}

/*
 * All ns sensitivities at once, S and D n x ns by columns (S[q n + i]):
 * D = J S + df/dp dpdq + drate (ode.h, struct ode_sys), with o->jv and
 * o->pv evaluated at the point.  One pass over each sparse list for all
 * q, skipping the zero partial derivatives of the point (most of a
 * model's parameters act only through a few branches).  Returns 0, or
 * -1 if a value is not finite.
 */
static int
sens_rhs(const struct ode *o, int ns, const double *S, double *D)
{
	const struct model *m = o->m;
	const struct ode_sys *sys = o->sys;
	int k, i, q, n = o->n;

	for (q = 0; q < ns; q++)
		for (i = 0; i < n; i++)
			D[q * n + i] = sys->drate ? sys->drate[i * ns + q] : 0;
	for (k = 0; k < m->njac; k++) {
		double a = o->jv[k];
		int r = m->jac[k].row, c = m->jac[k].col;

		if (a != 0)
			for (q = 0; q < ns; q++)
				D[q * n + r] += a * S[q * n + c];
	}
	for (k = 0; sys->dpdq && k < m->npjac; k++) {
		double a = o->pv[k];
		const double *dp = sys->dpdq + (size_t)m->pjac[k].col * ns;
		int r = m->pjac[k].row;

		if (a != 0)
			for (q = 0; q < ns; q++)
				D[q * n + r] += a * dp[q];
	}
	return all_finite(D, n * ns) ? 0 : -1;
}

/* The sensitivities' right-hand sides for CVODES, through the n x ns
 * scratch o->sS, o->sD (its vectors are not contiguous). */
static int
cv_sens(int ns, sunrealtype t, N_Vector y, N_Vector ydot, N_Vector *yS,
    N_Vector *ySdot, void *ud, N_Vector tmp1, N_Vector tmp2)
{
	struct ode *o = ud;
	int q, n = o->n;

	(void)ydot;
	(void)tmp1;
	(void)tmp2;
	jac_eval(o, t, N_VGetArrayPointer(y));
	if (o->sys->dpdq)
		model_eval_pjac(o->m, o->sys->v, o->pv);
	for (q = 0; q < ns; q++)
		memcpy(o->sS + (size_t)q * n, N_VGetArrayPointer(yS[q]),
		    n * sizeof(double));
	if (sens_rhs(o, ns, o->sS, o->sD) < 0)
		return 1;
	for (q = 0; q < ns; q++)
		memcpy(N_VGetArrayPointer(ySdot[q]), o->sD + (size_t)q * n,
		    n * sizeof(double));
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

/*
 * The compressed-column pattern of the Jacobian with the whole diagonal
 * added: colptr, rowind and, for each slot, the jac entry it comes from.
 */
static int
sparse_pattern(struct ode *o)
{
	const struct model *m = o->m;
	int n = o->n, c, k, nz = 0, diag;

	o->colptr = calloc(n + 1, sizeof(*o->colptr));
	o->rowind = calloc(m->njac + n, sizeof(*o->rowind));
	o->src = calloc(m->njac + n, sizeof(*o->src));
	if (!o->colptr || !o->rowind || !o->src)
		return -1;
	for (c = 0; c < n; c++) {
		int r;

		o->colptr[c] = nz;
		/* rows in increasing order within the column */
		for (r = 0; r < n; r++) {
			diag = r == c;
			for (k = 0; k < m->njac; k++)
				if (m->jac[k].col == c && m->jac[k].row == r)
					break;
			if (k == m->njac && !diag)
				continue;
			o->rowind[nz] = r;
			o->src[nz++] = k < m->njac ? k : -1;
		}
	}
	o->colptr[n] = nz;
	o->nnz = nz;
	return 0;
}

static void
cvs_free(struct cvs *c)
{
	if (c->ns > 0)
		N_VDestroyVectorArray(c->yS, c->ns);
	if (c->mem)
		CVodeFree(&c->mem);
	SUNLinSolFree(c->LS);
	SUNMatDestroy(c->A);
	N_VDestroy(c->y);
	memset(c, 0, sizeof(*c));
}

static int
cvs_new(struct ode *o, struct cvs *c, int lmm, struct twin_err *err)
{
	int n = o->n;

	if (o->ctx == NULL && SUNContext_Create(NULL, &o->ctx) != 0)
		return twin_errork(err, TWIN_ENOMEM,
		    "cannot create a SUNDIALS context");
	c->y = N_VNew_Serial(n, o->ctx);
	/* Fused vector operations: fewer calls per step on small systems. */
	if (c->y)
		N_VEnableFusedOps_Serial(c->y, 1);
	if (c->y && o->sparse && lmm == CV_BDF) {
		c->A = SUNSparseMatrix(n, n, o->nnz, CSC_MAT, o->ctx);
		c->LS = c->A ? SUNLinSol_KLU(c->y, c->A, o->ctx) : NULL;
	} else if (c->y) {
		c->A = SUNDenseMatrix(n, n, o->ctx);
		c->LS = c->A ? SUNLinSol_Dense(c->y, c->A, o->ctx) : NULL;
	}
	c->mem = c->LS ? CVodeCreate(lmm, o->ctx) : NULL;
	if (c->mem == NULL) {
		cvs_free(c);
		return twin_errork(err, TWIN_ENOMEM, "out of memory (CVODES)");
	}
	N_VConst(0, c->y);
	if (CVodeInit(c->mem, cv_rhs, 0, c->y) != CV_SUCCESS ||
	    CVodeSStolerances(c->mem, o->rtol, o->atol) != CV_SUCCESS ||
	    CVodeSetUserData(c->mem, o) != CV_SUCCESS ||
	    CVodeSetErrHandlerFn(c->mem, cv_errh, o) != CV_SUCCESS ||
	    CVodeSetLinearSolver(c->mem, c->LS, c->A) != CV_SUCCESS ||
	    CVodeSetJacFn(c->mem, cv_jac) != CV_SUCCESS ||
	    CVodeSetMaxNumSteps(c->mem, CV_MAX_STEPS) != CV_SUCCESS) {
		cvs_free(c);
		return twin_errork(err, TWIN_ESOLVER,
		    "cannot set up CVODES: %s", o->msg);
	}
	return 0;
}

/* Switch c's sensitivities on (ns of them, from S) or, ns 0, off. */
static int
cvs_sens(struct ode *o, struct cvs *c, int ns, const double *S)
{
	int q;

	if (ns <= 0)
		return c->ns == 0 || CVodeSensToggleOff(c->mem) == CV_SUCCESS ?
		    0 : -1;
	if (c->ns != ns) {
		double *atol;
		int rc;

		if (c->ns > 0) {
			CVodeSensFree(c->mem);
			N_VDestroyVectorArray(c->yS, c->ns);
			c->ns = 0;
		}
		if ((c->yS = N_VCloneVectorArray(ns, c->y)) == NULL)
			return -1;
		for (q = 0; q < ns; q++)
			memcpy(N_VGetArrayPointer(c->yS[q]), S + (size_t)q * o->n,
			    o->n * sizeof(double));
		if ((atol = malloc((size_t)ns * sizeof(double))) == NULL) {
			N_VDestroyVectorArray(c->yS, ns);
			return -1;
		}
		for (q = 0; q < ns; q++)
			atol[q] = o->atol;
		rc = CVodeSensInit(c->mem, ns, CV_STAGGERED, cv_sens, c->yS);
		c->ns = ns;
		if (rc == CV_SUCCESS)
			rc = CVodeSensSStolerances(c->mem, o->rtol, atol);
		free(atol);
		if (rc == CV_SUCCESS)
			rc = CVodeSetSensErrCon(c->mem, o->errcon ? SUNTRUE :
			    SUNFALSE);
		return rc == CV_SUCCESS ? 0 : -1;
	}
	for (q = 0; q < ns; q++)
		memcpy(N_VGetArrayPointer(c->yS[q]), S + (size_t)q * o->n,
		    o->n * sizeof(double));
	return CVodeSensReInit(c->mem, CV_STAGGERED, c->yS) == CV_SUCCESS ?
	    0 : -1;
}

/* Start CVODES (BDF or Adams) at (o->t, y) for the piece ending at
 * o->tstop; with sensitivities S if o->sens. */
static int
cvs_start(struct ode *o, enum ode_method meth, const double *y,
    const double *S, struct twin_err *err)
{
	struct cvs *c = meth == ODE_ADAMS ? &o->adams : &o->bdf;

	if (c->mem == NULL && cvs_new(o, c, meth == ODE_ADAMS ? CV_ADAMS :
	    CV_BDF, err) < 0)
		return -1;
	if (o->sens && o->sys->nq > o->sSn) {	/* cv_sens's scratch */
		size_t sz = (size_t)o->sys->nq * o->n * sizeof(double);
		double *a = realloc(o->sS, sz), *b;

		if (a == NULL)
			return twin_nomem(err);
		o->sS = a;
		if ((b = realloc(o->sD, sz)) == NULL)
			return twin_nomem(err);
		o->sD = b;
		o->sSn = o->sys->nq;
	}
	o->cv = c;
	o->cur = meth;
	memcpy(N_VGetArrayPointer(c->y), y, o->n * sizeof(double));
	o->msg[0] = '\0';
	if (CVodeReInit(c->mem, o->t, c->y) != CV_SUCCESS ||
	    CVodeSetStopTime(c->mem, o->tstop) != CV_SUCCESS ||
	    cvs_sens(o, c, o->sens ? o->sys->nq : 0, S) < 0)
		return twin_errork(err, TWIN_ESOLVER,
		    "CVODES restart failed at time %g: %s", o->t, o->msg);
	return 0;
}

static int
cvs_advance(struct ode *o, double tout, double *y, double *S,
    struct twin_err *err)
{
	struct cvs *c = o->cv;
	sunrealtype tret;

	do {
		int rc = CVode(c->mem, tout, c->y, &tret, CV_NORMAL);

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
	memcpy(y, N_VGetArrayPointer(c->y), o->n * sizeof(double));
	if (o->sens && S != NULL) {
		int q;

		if (CVodeGetSens(c->mem, &tret, c->yS) != CV_SUCCESS)
			return twin_errork(err, TWIN_ESOLVER, "CVODES gave no "
			    "sensitivities at time %g", tout);
		for (q = 0; q < c->ns; q++)
			memcpy(S + (size_t)q * o->n,
			    N_VGetArrayPointer(c->yS[q]), o->n * sizeof(double));
	}
	o->t = tout;
	return 0;
}

/* ---- explicit Runge-Kutta (GSL) ----------------------------------------- */

static int
rk_rhs(double t, const double *y, double *ydot, void *ud)
{
	struct ode *o = ud;

	ode_rhs_eval(o->sys, t, y, ydot);
	return all_finite(ydot, o->n) ? GSL_SUCCESS : GSL_EBADFUNC;
}

/*
 * The first step of a piece from (t, y): the estimate of Hairer, Norsett
 * and Wanner (Solving ODEs I, II.4, "starting step size") for an order-8
 * method, from f at the start and one Euler step, in the norm of the
 * tolerances.  It depends on the piece alone, so an individual's result
 * does not depend on the individuals before it.
 */
static double
rk_h0(struct ode *o, const double *y, double *f0, double *f1, double *y1)
{
	double d0 = 0, d1 = 0, d2 = 0, h0, h1, span = o->tstop - o->t;
	int i, n = o->n;

	ode_rhs_eval(o->sys, o->t, y, f0);
	for (i = 0; i < n; i++) {
		double sc = o->atol + o->rtol * fabs(y[i]);

		d0 += (y[i] / sc) * (y[i] / sc);
		d1 += (f0[i] / sc) * (f0[i] / sc);
	}
	d0 = sqrt(d0 / n);
	d1 = sqrt(d1 / n);
	h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
	if (isfinite(span) && span > 0 && h0 > span)
		h0 = span;
	for (i = 0; i < n; i++)
		y1[i] = y[i] + h0 * f0[i];
	ode_rhs_eval(o->sys, o->t + h0, y1, f1);
	for (i = 0; i < n; i++) {
		double sc = o->atol + o->rtol * fabs(y[i]);

		d2 += ((f1[i] - f0[i]) / sc) * ((f1[i] - f0[i]) / sc);
	}
	d2 = sqrt(d2 / n) / h0;
	if (fmax(d1, d2) <= 1e-15)
		h1 = fmax(1e-6, h0 * 1e-3);
	else
		h1 = pow(0.01 / fmax(d1, d2), 1.0 / 9);
	h0 = fmin(100 * h0, h1);
	if (isfinite(span) && span > 0 && h0 > span)
		h0 = span;
	return isfinite(h0) && h0 > 0 ? h0 : 1e-6;
}

static void
rk_free(struct rk *r)
{
	if (r->evolve)
		gsl_odeiv2_evolve_free(r->evolve);
	if (r->control)
		gsl_odeiv2_control_free(r->control);
	if (r->step)
		gsl_odeiv2_step_free(r->step);
	free(r->y);
	memset(r, 0, sizeof(*r));
}

/*
 * Start r, a system of dimension dim with right-hand side fn, at
 * (o->t, y) and, past y's n values, S (NULL: none).  The first step is
 * rk_h0's, from the states alone.
 */
static int
rk_begin(struct ode *o, struct rk *r, int dim,
    int (*fn)(double, const double *, double *, void *), const double *y,
    const double *S, struct twin_err *err)
{
	int n = o->n;

	if (r->dim != dim) {
		rk_free(r);
		gsl_set_error_handler_off();
		r->sys.function = fn;
		r->sys.jacobian = NULL;
		r->sys.dimension = dim;
		r->sys.params = o;
		r->step = gsl_odeiv2_step_alloc(gsl_odeiv2_step_rk8pd, dim);
		r->control = gsl_odeiv2_control_standard_new(o->atol, o->rtol,
		    1, 0);
		r->evolve = gsl_odeiv2_evolve_alloc(dim);
		r->y = malloc(dim * sizeof(double));
		if (!r->step || !r->control || !r->evolve || !r->y) {
			rk_free(r);
			return twin_errork(err, TWIN_ENOMEM,
			    "out of memory (Runge-Kutta)");
		}
		r->dim = dim;
	}
	gsl_odeiv2_step_reset(r->step);
	gsl_odeiv2_evolve_reset(r->evolve);
	o->hrk = rk_h0(o, y, o->rkw, o->rkw + n, o->rkw + 2 * n);
	memcpy(r->y, y, n * sizeof(double));
	if (dim > n)
		memcpy(r->y + n, S, (size_t)(dim - n) * sizeof(double));
	o->cur = ODE_RK;
	return 0;
}

/*
 * Advance r to tout: y (and S past it, if r has them).  A piece it
 * cannot do in STIFF_RK_MAXSTEPS steps per output (stiffness that
 * appeared within the piece) or where a trial stage is not finite goes
 * on with BDF from where it got to.
 */
static int
rk_go(struct ode *o, struct rk *r, double tout, double *y, double *S,
    struct twin_err *err)
{
	double t = o->t;
	int k, n = o->n;

	for (k = 0; t < tout && k < STIFF_RK_MAXSTEPS; k++)
		if (gsl_odeiv2_evolve_apply(r->evolve, r->control, r->step,
		    &r->sys, &t, tout, &o->hrk, r->y) != GSL_SUCCESS)
			break;
	if (t >= tout) {
		memcpy(y, r->y, n * sizeof(double));
		if (r->dim > n)
			memcpy(S, r->y + n, (size_t)(r->dim - n) *
			    sizeof(double));
		o->t = tout;
		return 0;
	}
	o->t = t;
	if (cvs_start(o, ODE_BDF, r->y, r->dim > n ? r->y + n : NULL,
	    err) < 0)
		return -1;
	o->npiece[ODE_BDF]++;
	return cvs_advance(o, tout, y, r->dim > n ? S : NULL, err);
}

static int
rk_start(struct ode *o, const double *y, struct twin_err *err)
{
	return rk_begin(o, &o->rk, o->n, rk_rhs, y, NULL, err);
}

static int
rk_advance(struct ode *o, double tout, double *y, struct twin_err *err)
{
	return rk_go(o, &o->rk, tout, y, NULL, err);
}

/* The augmented system [y; S] for the Runge-Kutta method. */
static int
rk_sens_rhs(double t, const double *z, double *zdot, void *ud)
{
	struct ode *o = ud;
	int n = o->n, ns = o->sys->nq;

	ode_rhs_eval(o->sys, t, z, zdot);
	if (!all_finite(zdot, n))
		return GSL_EBADFUNC;
	model_eval_jac(o->m, o->sys->v, o->jv);
	if (o->sys->dpdq)
		model_eval_pjac(o->m, o->sys->v, o->pv);
	if (sens_rhs(o, ns, z + n, zdot + n) < 0)
		return GSL_EBADFUNC;
	return GSL_SUCCESS;
}

static int
rk_sens_start(struct ode *o, const double *y, const double *S,
    struct twin_err *err)
{
	return rk_begin(o, &o->srk, o->n * (1 + o->sys->nq), rk_sens_rhs, y,
	    S, err);
}

static int
rk_sens_advance(struct ode *o, double tout, double *y, double *S,
    struct twin_err *err)
{
	return rk_go(o, &o->srk, tout, y, S, err);
}

/* ---- the solver -------------------------------------------------------- */

void
ode_free(struct ode *o)
{
	int i;

	if (o == NULL)
		return;
	cvs_free(&o->bdf);
	cvs_free(&o->adams);
	if (o->ctx)
		SUNContext_Free(&o->ctx);
	rk_free(&o->rk);
	rk_free(&o->srk);
	if (o->aug)
		gsl_matrix_free(o->aug);
	if (o->work)
		gsl_matrix_free(o->work);
	for (i = 0; i < o->ncache; i++)
		gsl_matrix_free(o->cache[i].e);
	free(o->jv);
	free(o->rowsum);
	free(o->rkw);
	free(o->colptr);
	free(o->rowind);
	free(o->src);
	free(o->ycur);
	free(o->ework);
	free(o->perm);
	free(o->pv);
	free(o->sS);
	free(o->sD);
	free(o->big);
	free(o->bwork);
	free(o->bprev);
	free(o->bcache);
	free(o->z);
	free(o->bperm);
	free(o);
}

struct ode *
ode_new(const struct model *m, enum ode_method method, double rtol,
    double atol, struct twin_err *err)
{
	struct ode *o;
	int n = m->nstate;

	if (method == ODE_AUTO)
		method = m->solver;
	if (method == ODE_AUTO && m->linear)
		method = ODE_EXACT;
	if (method == ODE_EXACT && !m->linear) {
		twin_errork(err, TWIN_EINPUT, "model %s is not linear in its "
		    "states; the exact solver does not apply", m->name);
		return NULL;
	}
	if (ode_check_tol(rtol, atol, err) < 0)
		return NULL;
	if ((o = calloc(1, sizeof(*o))) == NULL) {
		twin_nomem(err);
		return NULL;
	}
	o->m = m;
	o->n = n;
	o->rtol = rtol;
	o->atol = atol;
	o->method = method;
	o->cur = method;
	o->errcon = 1;
	o->sparse = stiff_sparse(m);
	o->jv = calloc(m->njac + n + 1, sizeof(double));
	o->rowsum = calloc(n + 1, sizeof(double));
	o->rkw = calloc(3 * n + 1, sizeof(double));
	o->pv = calloc(2 * (size_t)m->npjac + 1, sizeof(double));
	if (!o->jv || !o->rowsum || !o->rkw || !o->pv ||
	    (o->sparse && sparse_pattern(o) < 0)) {
		twin_nomem(err);
		ode_free(o);
		return NULL;
	}
	if (method == ODE_BDF || method == ODE_ADAMS) {
		if (cvs_new(o, method == ODE_BDF ? &o->bdf : &o->adams,
		    method == ODE_BDF ? CV_BDF : CV_ADAMS, err) < 0) {
			ode_free(o);
			return NULL;
		}
		return o;
	}
	if (method != ODE_EXACT)
		return o;
	o->aug = gsl_matrix_calloc(n + 1, n + 1);
	o->work = gsl_matrix_calloc(n + 1, n + 1);
	o->ycur = calloc(n + 1, sizeof(double));
	o->ework = calloc((size_t)7 * (n + 1) * (n + 1), sizeof(double));
	o->perm = calloc((size_t)3 * (n + 1), sizeof(int));
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

enum ode_method
ode_piece_method(const struct ode *o)
{
	return o->cur;
}

long
ode_pieces(const struct ode *o, enum ode_method meth)
{
	return meth >= 0 && meth < ODE_NMETHOD ? o->npiece[meth] : 0;
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

/* ODE_AUTO: the integrator of the piece starting at (o->t, y). */
static enum ode_method
choose(struct ode *o, const double *y)
{
	jac_eval(o, o->t, y);
	return stiff_choose(stiff_radius(o->m, o->jv, o->rowsum),
	    o->tstop - o->t);
}

int
ode_restart(struct ode *o, struct ode_sys *sys, double t, const double *y,
    double tstop, struct twin_err *err)
{
	enum ode_method meth = o->method;

	o->sys = sys;
	o->t = t;
	o->tstop = tstop;
	o->sens = 0;
	if (meth == ODE_EXACT) {
		memcpy(o->ycur, y, o->n * sizeof(double));
		exact_matrix(o);
		return 0;
	}
	if (meth == ODE_AUTO)
		meth = choose(o, y);
	o->npiece[meth]++;
	if (meth == ODE_RK)
		return rk_start(o, y, err);
	return cvs_start(o, meth, y, NULL, err);
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

/* A step the matrix exponential cannot do reliably: CVODES BDF from the
 * current state, in the same smooth piece. */
static int
stiff_advance(struct ode *o, double tout, double *y, struct twin_err *err)
{
	if (cvs_start(o, ODE_BDF, o->ycur, NULL, err) < 0 ||
	    cvs_advance(o, tout, y, NULL, err) < 0)
		return -1;
	memcpy(o->ycur, y, o->n * sizeof(double));
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
	if (o->method == ODE_EXACT)
		return exact_advance(o, tout, y, err);
	if (tout == o->t) {
		memcpy(y, o->cur == ODE_RK ? o->rk.y :
		    N_VGetArrayPointer(o->cv->y), o->n * sizeof(double));
		return 0;
	}
	if (o->cur == ODE_RK)
		return rk_advance(o, tout, y, err);
	return cvs_advance(o, tout, y, NULL, err);
}

/* ---- sensitivities ------------------------------------------------------ */

/*
 * The exact path: z = [y; s_1; ...; s_nq; 1] obeys z' = Z z with
 *   Z = [ A        0 ...  0  b + r       ]
 *       [ dA/dq_1  A ...  0  d(b + r)/dq_1 ]
 *       [ ...                            ]
 *       [ 0        0 ...  0  0           ]
 * (block lower triangular), so z(t + h) = exp(h Z) z(t).  The model is
 * affine in the states, so d rhs/d p at x = 0 gives d b/d p and at
 * x = e_j adds column j of d A/d p.
 */
static int
exact_sens_matrix(struct ode *o, struct twin_err *err)
{
	const struct model *m = o->m;
	struct ode_sys *sys = o->sys;
	int n = o->n, nq = sys->nq, N = (nq + 1) * n + 1, i, j, q;
	size_t nn = (size_t)N * N;
	double *Z, *v = sys->v;
	gsl_matrix_view zv;

	if (nn > o->bcap) {
		free(o->big);
		free(o->bwork);
		free(o->z);
		free(o->bperm);
		free(o->bprev);
		free(o->bcache);
		o->big = malloc(nn * sizeof(double));
		o->bwork = malloc(7 * nn * sizeof(double));
		o->z = malloc(N * sizeof(double));
		o->bperm = malloc(3 * (size_t)N * sizeof(int));
		o->bprev = N <= BCACHE_MAXN ? malloc(nn * sizeof(double)) : NULL;
		o->bcache = N <= BCACHE_MAXN ?
		    malloc(BCACHE * nn * sizeof(double)) : NULL;
		o->bcap = nn;
		o->bvalid = 0;
		if (!o->big || !o->bwork || !o->z || !o->bperm ||
		    (N <= BCACHE_MAXN && (!o->bprev || !o->bcache))) {
			o->bcap = 0;
			return twin_nomem(err);
		}
	}
	o->bN = N;
	Z = o->big;
	memset(Z, 0, nn * sizeof(double));
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++)
			for (q = 0; q <= nq; q++)
				Z[(size_t)(q * n + i) * N + q * n + j] =
				    gsl_matrix_get(o->aug, i, j);
		Z[(size_t)i * N + N - 1] = gsl_matrix_get(o->aug, i, n);
		for (q = 0; sys->drate && q < nq; q++)
			Z[(size_t)((q + 1) * n + i) * N + N - 1] =
			    sys->drate[i * nq + q];
	}
	if (sys->dpdq != NULL && m->npjac > 0) {
		double *p0 = o->pv, *pj = o->pv + m->npjac;
		int k;

		v[0] = o->t;
		for (i = 0; i < n; i++)
			v[m->state0 + i] = 0;
		model_eval_pjac(m, v, p0);
		for (k = 0; k < m->npjac; k++)
			for (q = 0; q < nq; q++)
				Z[(size_t)((q + 1) * n + m->pjac[k].row) * N +
				    N - 1] += p0[k] *
				    sys->dpdq[m->pjac[k].col * nq + q];
		for (j = 0; j < n; j++) {
			v[m->state0 + j] = 1;
			model_eval_pjac(m, v, pj);
			v[m->state0 + j] = 0;
			for (k = 0; k < m->npjac; k++) {
				double d = pj[k] - p0[k];

				if (d == 0)
					continue;
				for (q = 0; q < nq; q++)
					Z[(size_t)((q + 1) * n +
					    m->pjac[k].row) * N + j] += d *
					    sys->dpdq[m->pjac[k].col * nq + q];
			}
		}
	}
	if (o->bvalid && o->bN == N && o->bprev &&
	    memcmp(Z, o->bprev, nn * sizeof(double)) == 0)
		return 0;	/* the same system: its exponentials stand */
	o->bvalid = 0;
	o->nbcache = o->bnext = 0;
	if (o->bprev != NULL && N <= BCACHE_MAXN) {
		memcpy(o->bprev, Z, nn * sizeof(double));
		o->bvalid = 1;
	}
	zv = gsl_matrix_view_array(Z, N, N);
	o->btri = triangular_order(&zv.matrix, o->bperm, o->bperm + N);
	return 0;
}

/* exp(h Z) of the current sensitivity system, from the cache or
 * computed (and kept); NULL with *rc from expm_dense otherwise. */
static const double *
sens_expm(struct ode *o, double h, int *rc)
{
	size_t nn = (size_t)o->bN * o->bN;
	double *e;
	int k;

	*rc = 0;
	for (k = 0; o->bvalid && k < o->nbcache; k++)
		if (o->bh[k] == h)
			return o->bcache + k * nn;
	e = o->bwork;
	if ((*rc = expm_dense(o->big, h, o->bN, o->btri ? o->bperm : NULL, e,
	    e + nn)) != 0)
		return NULL;
	if (!o->bvalid)
		return e;
	k = o->bnext;
	o->bnext = (o->bnext + 1) % BCACHE;
	if (o->nbcache < BCACHE)
		o->nbcache++;
	memcpy(o->bcache + k * nn, e, nn * sizeof(double));
	o->bh[k] = h;
	return o->bcache + k * nn;
}

int
ode_restart_sens(struct ode *o, struct ode_sys *sys, double t,
    const double *y, const double *S, double tstop, struct twin_err *err)
{
	enum ode_method meth = o->method;
	int n = o->n;

	if (sys->nq <= 0)
		return ode_restart(o, sys, t, y, tstop, err);
	o->sys = sys;
	o->t = t;
	o->tstop = tstop;
	o->sens = 1;
	if (meth == ODE_EXACT) {
		memcpy(o->ycur, y, n * sizeof(double));
		exact_matrix(o);
		if (exact_sens_matrix(o, err) < 0)
			return -1;
		memcpy(o->z, y, n * sizeof(double));
		memcpy(o->z + n, S, (size_t)sys->nq * n * sizeof(double));
		o->z[o->bN - 1] = 1;
		o->cur = ODE_EXACT;
		return 0;
	}
	if (meth == ODE_AUTO)
		meth = choose(o, y);
	o->npiece[meth]++;
	if (meth == ODE_RK)
		return rk_sens_start(o, y, S, err);
	return cvs_start(o, meth, y, S, err);
}

int
ode_advance_sens(struct ode *o, double tout, double *y, double *S,
    struct twin_err *err)
{
	int n = o->n, N = o->bN;
	double *z = o->z;

	if (!o->sens)
		return ode_advance(o, tout, y, err);
	if (o->cur == ODE_RK) {
		if (tout == o->t) {
			memcpy(y, o->srk.y, n * sizeof(double));
			memcpy(S, o->srk.y + n, (size_t)(o->srk.dim - n) *
			    sizeof(double));
			return 0;
		}
		return rk_sens_advance(o, tout, y, S, err);
	}
	if (o->method != ODE_EXACT || o->cur != ODE_EXACT) {
		if (tout == o->t) {
			int q;

			memcpy(y, N_VGetArrayPointer(o->cv->y),
			    n * sizeof(double));
			for (q = 0; q < o->cv->ns; q++)
				memcpy(S + (size_t)q * n,
				    N_VGetArrayPointer(o->cv->yS[q]),
				    n * sizeof(double));
			/* CVodeGetSens needs a step taken; the vectors
			 * hold the start values until then */
			return 0;
		}
		return cvs_advance(o, tout, y, S, err);
	}
	if (tout > o->t) {
		/* past the exponential, which may be in bwork's first nn */
		double *w = o->bwork + (size_t)N * N;
		int i, j, rc;
		const double *e = sens_expm(o, tout - o->t, &rc);

		if (rc > 0) {
			/* a cyclic system scaled too far: CVODES */
			o->npiece[ODE_BDF]++;
			if (cvs_start(o, ODE_BDF, z, z + n, err) < 0)
				return -1;
			return cvs_advance(o, tout, y, S, err);
		}
		if (rc < 0)
			return twin_errork(err, TWIN_ESOLVER,
			    "matrix exponential failed for the step from "
			    "time %g to %g", o->t, tout);
		for (i = 0; i < N; i++) {
			double acc = 0;

			for (j = 0; j < N; j++)
				acc += e[(size_t)i * N + j] * z[j];
			w[i] = acc;
		}
		memcpy(z, w, N * sizeof(double));
		o->t = tout;
	}
	memcpy(y, z, n * sizeof(double));
	memcpy(S, z + n, (size_t)(N - 1 - n) * sizeof(double));
	return 0;
}

void
ode_sens_errcon(struct ode *o, int on)
{
	o->errcon = on != 0;
}
