/*
 * model.h - a model: compartments, parameters, random effects, covariates,
 * ODE right-hand sides, outputs and residual error, compiled to tapes and
 * programs.
 *
 * A model is built through the builder calls below, either by the YAML
 * loader (model_load) or by a program that generates it from data (the
 * PBPK generator).  model_finish parses every expression, derives the
 * Jacobian symbolically by the chain rule over the graph of derived
 * quantities, and compiles: individual parameters and dosing properties
 * to one tape each, the right-hand side, the Jacobian and the outputs to
 * one program each (expr.h), in time and memory linear in the model.
 *
 * Every name lives in one value vector v[] of nslot elements (the
 * "slots"):
 *   v[0]                 time (names t and TIME)
 *   v[state0 + i]        amount in compartment i
 *   v[theta0 + i]        population parameter i
 *   v[eta0 + i]          random effect i (name ETA_<name>)
 *   v[cov0 + i]          covariate i
 *   v[ind0 + i]          individual parameter i (in definition order)
 *   v[out0 + i]          output i (in definition order)
 *   v[der0 + i]          derived quantity i (in definition order)
 *   v[der0 + nder ...]   the model's own working slots, up to nslot:
 *                        derivatives of derived quantities by states
 *                        (named "d(C)/d(central)") and the programs'
 *                        temporaries (named "$1", ...)
 * Derived quantities (state-dependent helpers) are computed once per
 * evaluation, in definition order, before what uses them; the evaluation
 * calls below compute those their program needs, and write them and the
 * working slots into v.
 *
 * Ownership: model_new/model_load return a model freed by model_free; the
 * model copies every string it is given.  A finished model is read-only
 * and may be shared by threads, each evaluating it with its own v.
 */
#ifndef TWIN_MODEL_H
#define TWIN_MODEL_H

#include <stdint.h>

#include "util/err.h"
#include "model/expr.h"
#include "util/jit.h"

/* Where a definition came from, for error messages.  file NULL: generated. */
struct srcpos {
	const char *file;
	int line, col;		/* 1-based; 0 if unknown */
};

enum cov_interp { COV_LOCF, COV_NOCB, COV_LINEAR };

/* Per-compartment dosing properties. */
enum cmt_prop { PROP_LAG, PROP_BIO, PROP_RATE, PROP_DUR, PROP_INIT, NPROP };

/*
 * Residual error, Y = F + e with variance V(F):
 *   additive a^2, proportional (p F)^2, combined a^2 + (p F)^2,
 *   combined with standard deviations adding (a + p F)^2,
 *   exponential: log Y = log F + e with variance s^2.
 */
enum err_kind { ERR_NONE, ERR_ADDITIVE, ERR_PROPORTIONAL, ERR_COMBINED,
    ERR_COMBINED_SD, ERR_EXPONENTIAL };

/*
 * The integrators (ode.h).  A model may ask for one (solver: key), a
 * program's --solver overrides it; ODE_AUTO follows the rule of stiff.h.
 */
enum ode_method { ODE_AUTO, ODE_BDF, ODE_ADAMS, ODE_RK, ODE_EXACT,
    ODE_NMETHOD };

/* "auto", "bdf", "adams", "rk", "exact": the names users write. */
const char *ode_method_name(enum ode_method meth);
/* The method named name, or -1 if there is none. */
int ode_method_parse(const char *name);

/*
 * The tolerances a solver accepts (CVODES's rtol and atol; the exact
 * solver uses them for the steps it hands to CVODES).  Below 1e-14
 * relative is beneath rounding; above 1e-2 the answer is not worth
 * having.  atol is in the model's amount units.
 */
#define ODE_RTOL_MIN 1e-14
#define ODE_RTOL_MAX 1e-2
#define ODE_ATOL_MAX 1e-2

/* 0 if rtol is in [ODE_RTOL_MIN, ODE_RTOL_MAX] and atol in
 * (0, ODE_ATOL_MAX]; else -1 with err naming the value and the range. */
int ode_check_tol(double rtol, double atol, struct twin_err *err);


struct jac_entry {
	int row, col;		/* d rhs[row] / d state[col] */
};

/*
 * A declared domain of a theta, covariate or individual parameter
 * (twin-model(5), bounds): lo < x (or lo <= x), x < hi (or x <= hi);
 * -inf/+inf where a side is open.
 */
/* The names of a rule whose values an error message shows. */
#define MODEL_RULE_NAMES 8

struct bound {
	int slot;		/* -1 for a rule */
	double lo, hi;
	int lo_incl, hi_incl;
	/* A rule: any other expression over thetas, covariates and
	 * individual parameters, which must be non-zero (true). */
	struct tape *rule;
	char *text;		/* the rule as written */
	int used[MODEL_RULE_NAMES], nused;	/* slots it uses, for messages */
};

/*
 * Limits on what a model may ask of the machine: the dense Jacobian, and
 * the expression graph: the nodes of every parsed expression and of every
 * derivative the Jacobian is built from, together (memory while the model
 * is compiled, and the size of its programs, grow with this number).
 */
#define MODEL_MAX_STATES 1000
#define MODEL_MAX_EXPR_NODES 2000000

struct model {
	char *name, *description, *path;
	/* FNV-1a-64 (util/shard.h) of the YAML text the model was loaded
	 * from: the file's bytes (model_load) or the text given
	 * (model_load_string, e.g. a drug's generated whole-body model);
	 * what --provenance reports.  0 for a model built otherwise. */
	uint64_t hash;
	int nslot;
	char **slotname;
	int state0, nstate;
	int theta0, ntheta;
	double *theta;
	int eta0, neta;
	double *omega;		/* neta x neta covariance, row major */
	int cov0, ncov;
	double *covdefault;
	int *covhasdefault;	/* 0 required, 1 a default, MODEL_COV_OPTIONAL */
	enum cov_interp *covinterp;
	int ind0, nind;
	struct tape **ind;	/* evaluated in order into v[ind0 + i] */
	int out0, nout;
	int dv;			/* output index of the observed quantity */
	int der0, nder;
	int njac;
	struct jac_entry *jac;	/* nonzero entries only, by row then column */
	struct prog *rhsprog;	/* model_eval_rhs */
	struct prog *jacprog;	/* model_eval_jac */
	struct prog *outprog;	/* model_eval_outputs */
	/*
	 * Derivatives for sensitivities (sens.h), by the same chain rule
	 * as the Jacobian.  The "parameter slots" are v[theta0 + p],
	 * p < npar = out0 - theta0: thetas, etas, covariates and individual
	 * parameters, everything constant within a piece; a partial
	 * derivative by an individual parameter treats it as independent
	 * (its own dependence on thetas and etas is inddp).  Each list
	 * holds the structurally nonzero entries only:
	 *   pjac   d rhs[row] / d v[theta0 + col]       (model_eval_pjac)
	 *   ojac   d out[row] / d state[col], then
	 *   opjac  d out[row] / d v[theta0 + col]       (model_eval_osens:
	 *          nojac + nopjac values)
	 *   inddp  partial d ind[row] / d v[theta0 + col] (col < ind0 + row
	 *          - theta0: earlier individual parameters are variables)
	 *   propdp partial d prop[row] / d v[theta0 + col], row = state *
	 *          NPROP + prop (model_eval_propdp)
	 */
	int npar;
	int npjac, nojac, nopjac, ninddp, npropdp;
	struct jac_entry *pjac, *ojac, *opjac, *inddp, *propdp;
	struct prog *pjacprog, *osensprog, *inddprog, *propdprog;
	struct jit *jit;	/* rhs, jac, out, pjac, osens natively, or NULL */
	jit_fn native[5];
	struct tape **cmtprop;	/* [state * NPROP + prop], NULL = default */
	enum err_kind errkind;
	double sigma_add, sigma_prop;	/* standard deviations */
	int linear;		/* rhs affine in the states, autonomous */
	int timevarying;	/* uses linearly interpolated covariates */
	char *units_time, *units_amount, *units_conc;
	int nroute;		/* declared routes of administration */
	char **routename;	/* nroute names, e.g. "iv", "po" */
	int *routecmt;		/* their compartments, 0-based */
	char **routeunit;	/* their amount units, NULL: units_amount */
	int *routesize;		/* their size covariates (0-based), -1: none */
	int *cmtsize;		/* nstate: the covariate that doses into the
				 * compartment set (a route's size:), -1 */
	int nbound;
	struct bound *bound;
	enum ode_method solver;	/* solver: key, ODE_AUTO if absent */
	double rtol, atol;	/* tolerance: key, 0 if absent */
	int solverline, solvercol;
	char *sensor;		/* sensor: the CGM sensor of --ruv, or NULL */
	int sensorline;
	struct builder *b;	/* pending definitions until model_finish */
};

struct model *model_new(const char *name);
void model_free(struct model *m);

/* Builder calls: each returns 0, or -1 with err set (duplicate name...). */
int model_add_compartment(struct model *m, const char *name,
    struct srcpos at, struct twin_err *err);
int model_add_theta(struct model *m, const char *name, double value,
    struct srcpos at, struct twin_err *err);
/* A covariate whose default means "not given" to the model's equations
 * (covariates: NAME: {default: 0, optional: true}): no column is not
 * worth a warning.  hasdefault of model_add_covariate, covhasdefault. */
#define MODEL_COV_OPTIONAL 2
int model_add_covariate(struct model *m, const char *name, int hasdefault,
    double def, enum cov_interp interp, struct srcpos at,
    struct twin_err *err);
/* Variance (a == b) or covariance of random effects a and b. */
int model_add_omega(struct model *m, const char *a, const char *b,
    double value, struct srcpos at, struct twin_err *err);
int model_add_individual(struct model *m, const char *name,
    const char *expr, struct srcpos at, struct twin_err *err);
int model_add_derived(struct model *m, const char *name, const char *expr,
    struct srcpos at, struct twin_err *err);
int model_set_ode(struct model *m, const char *cmt, const char *expr,
    struct srcpos at, struct twin_err *err);
int model_add_output(struct model *m, const char *name, const char *expr,
    struct srcpos at, struct twin_err *err);
int model_set_dv(struct model *m, const char *output, struct srcpos at,
    struct twin_err *err);
int model_set_cmtprop(struct model *m, enum cmt_prop p, const char *cmt,
    const char *expr, struct srcpos at, struct twin_err *err);
int model_set_error(struct model *m, const char *kind, double sd,
    struct srcpos at, struct twin_err *err);
/* Route of administration: doses by route go into compartment cmt, in
 * unit (NULL: the model's amount unit).  The route is a name; the
 * compartment is checked by model_finish. */
int model_add_route(struct model *m, const char *route, const char *cmt,
    const char *unit, struct srcpos at, struct twin_err *err);
/* The route's doses set covariate cov to their AMT (twin-model(5),
 * routes, size:).  model_finish checks that the route is declared, that
 * cov is a covariate with a default and interpolate: locf, that routes
 * into one compartment do not name different covariates, and that no
 * individual parameter or dosing property reads cov. */
int model_set_route_size(struct model *m, const char *route,
    const char *cov, struct srcpos at, struct twin_err *err);
/* How additive and proportional error combine: variances add (0, the
 * default) or standard deviations add (1). */
int model_set_error_combination(struct model *m, int sd, struct srcpos at,
    struct twin_err *err);
/* The integrator the model asks for: a name of ode_method_name. */
/*
 * A model's own tolerances (tolerance: {rtol: x, atol: y}), for outputs
 * that need less than SIM_RTOL's (a CGM model read to 12 mg/dL): 0 when
 * absent; a program's --rtol and --atol override them.  Checked by
 * ode_check_tol; -1 with err at the key otherwise.
 */
int model_set_tolerance(struct model *m, double rtol, double atol,
    struct srcpos at, struct twin_err *err);
int model_set_solver(struct model *m, const char *name, struct srcpos at,
    struct twin_err *err);
/* The CGM sensor whose error model (solve/sensor.h) simulates the
 * observed output under twin-sim --ruv instead of error: (a name of
 * data/glucose/cgm_sensors.tsv, resolved by the program). */
int model_set_sensor(struct model *m, const char *name, struct srcpos at,
    struct twin_err *err);
/* Declare a domain, e.g. "KM > 0", "0 <= F <= 1", "WT >= 0" (a name of
 * a theta, covariate or individual parameter; < <= > >= with numbers). */
int model_add_bound(struct model *m, const char *text, struct srcpos at,
    struct twin_err *err);
/* 0 if every bounded value in v is inside its domain; else -1 with err
 * "NAME = VALUE is outside its domain NAME > 0" (the caller adds where). */
int model_check_domain(const struct model *m, const double *v,
    struct twin_err *err);
/* A bound as text into buf (n bytes): "KM > 0", "0 <= F <= 1" for a
 * domain, the rule as written for a rule. */
void model_bound_text(const struct model *m, const struct bound *b,
    char *buf, size_t n);
/* Resolve names, parse, differentiate, compile.  Errors name the file,
 * line and column of the definition and the offending name. */
int model_finish(struct model *m, struct twin_err *err);

/*
 * Evaluation of a finished model at the time, states and parameters in v
 * (v[0] .. v[out0 - 1] set; v has nslot elements).  Each writes the
 * derived quantities (and working slots) it needs into v.  Math errors
 * give inf or nan as in C; nothing fails.
 *   model_eval_rhs      ydot[i] = d state[i] / dt without doses, i < nstate
 *   model_eval_jac      vals[k] = d rhs[jac[k].row] / d state[jac[k].col],
 *                       k < njac
 *   model_eval_outputs  v[out0 + i], i < nout
 */
void model_eval_rhs(const struct model *m, double *v, double *ydot);
void model_eval_jac(const struct model *m, double *v, double *vals);
void model_eval_outputs(const struct model *m, double *v);
/*
 * Derivatives (see struct model): like the above, at the states and
 * parameters in v; inddp needs the individual parameters in v, propdp
 * the parameter slots.
 *   model_eval_pjac     vals[k], k < npjac
 *   model_eval_osens    vals[k], k < nojac + nopjac (ojac, then opjac)
 *   model_eval_inddp    vals[k], k < ninddp
 *   model_eval_propdp   vals[k], k < npropdp
 */
void model_eval_pjac(const struct model *m, double *v, double *vals);
void model_eval_osens(const struct model *m, double *v, double *vals);
void model_eval_inddp(const struct model *m, double *v, double *vals);
void model_eval_propdp(const struct model *m, double *v, double *vals);

/* Load a YAML model file (see twin-model(5)) and finish it. */
struct model *model_load(const char *path, struct twin_err *err);

/*
 * The same from model text in memory (a generated model, such as the
 * whole-body PBPK model of body/wbody.h): name is the model's name unless
 * the text has a name: key, and stands for the file in messages
 * ("NAME:LINE:COL: ...").  The model has no path.  The caller keeps text.
 */
struct model *model_load_string(const char *text, const char *name,
    struct twin_err *err);

/* 1 if name is a path (has a "/" or ends in .yaml or .yml), not a name
 * to look for in the model directories. */
int model_name_is_path(const char *name);

/*
 * Find a model by name: a path (model_name_is_path) is taken as it is;
 * otherwise NAME.yaml, then NAME.yml, is looked up in each of model_dir's
 * directories in turn.  Returns the path in buf, or -1 with err set
 * (naming the places searched).
 */
int model_find(const char *name, char *buf, size_t bufsz,
    struct twin_err *err);

/* The i-th directory (from 0) where models are looked up by name: each
 * of $TWIN_MODEL_PATH (colon-separated), the current directory, the
 * models installed beside the program (<bindir>/../share/twin/models),
 * the compiled-in models directory.  -1 past the last. */
int model_dir(int i, char *buf, size_t bufsz);

/* Model time units in one hour, from units: time (h when not given);
 * NAN for a unit it does not know. */
double model_hours(const struct model *m);

/* Slot lookup by name, -1 if none. */
int model_slot(const struct model *m, const char *name);
int model_state(const struct model *m, const char *name);	/* 0-based */
int model_eta(const struct model *m, const char *name);	/* "CL" or "ETA_CL" */
/* Compartment (0-based) of a declared route, -1 if it is not declared. */
int model_route(const struct model *m, const char *route);
/* The amount unit of a declared route's doses (may be NULL). */
const char *model_route_unit(const struct model *m, const char *route);

#endif
