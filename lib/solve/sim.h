/*
 * sim.h - simulating one individual: records bound to a model, solved.
 *
 * sim_bind turns the records of one individual (and optional extra output
 * times) into a struct sim_indiv: parsed dosing items, covariates filled
 * by each covariate's interpolation rule, parameter and random-effect
 * overrides from columns named after them.  sim_run solves it, for the
 * individual (random effects as given) or the typical individual (random
 * effects zero, no parameter overrides), and gives every output and
 * state at every record.
 *
 * Ownership: struct sim_indiv and struct sim_cols are caller-owned and
 * reused between individuals (sim_indiv_free, sim_cols_free).  sim_new
 * returns a workspace (one per thread) freed by sim_free.
 */
#ifndef TWIN_SIM_H
#define TWIN_SIM_H

#include "util/err.h"
#include "data/events.h"
#include "model/model.h"
#include "solve/ode.h"
#include "data/record.h"

#include <gsl/gsl_rng.h>

/* Where the model's inputs are in a record stream (-1: absent). */
struct sim_cols {
	int id, time, evid, amt, rate, cmt, dv, mdv, ii, addl, ss;
	int *cov;		/* model->ncov */
	int *ind;		/* model->nind: parameter overrides */
	int *eta;		/* model->neta: ETA_<name> overrides */
	/* sim_cols_notes: how sim_bind reports an individual's defaults */
	int strict;
	void (*note)(void *ctx, const char *msg);
	void *note_ctx;
};

int sim_cols_init(struct sim_cols *c, const struct rec_reader *r,
    const struct model *m, struct twin_err *err);
void sim_cols_free(struct sim_cols *c);

/*
 * How sim_bind reports a covariate that has a column but no value on any
 * record of an individual, which then takes the model's default (not an
 * optional one, nor one a route's doses set): "FILE:LINE: ID x: ..."
 * through note, or with strict as sim_bind's error.  Without this call
 * (after sim_cols_init, which clears it) nothing is said.
 */
void sim_cols_notes(struct sim_cols *c, int strict,
    void (*note)(void *ctx, const char *msg), void *ctx);

/*
 * After sim_cols_init: what the columns silently leave to the model.
 * Reports, one message each ("FILE:LINE: ..." naming the header line):
 * a covariate with no column, which takes the model's default for every
 * individual (not one that a route's doses set: model->cmtsize); a
 * column whose name is a near miss of one of the model's inputs (the
 * same but for case, or a usual synonym of a covariate from the table in
 * sim.c: WEIGHT or BW for WT, CLCR for CRCL, ...) and so is not used; a
 * column named after a population parameter (theta), which is ignored
 * (population parameters come from the model file; a column named after
 * an individual parameter overrides that).  Each is passed to note(ctx,
 * msg) as a warning; with strict the first is an error instead
 * (returns -1, err set).  Call once per run, not per individual.
 */
int sim_cols_check(const struct sim_cols *c, const struct rec_reader *r,
    const struct model *m, int strict,
    void (*note)(void *ctx, const char *msg), void *ctx,
    struct twin_err *err);

/*
 * Is a column of this name (case ignored) about one observation only: the
 * observation itself or a residual, weighted residual or prediction made
 * for it (DV, IRES, IWRES, CWRES, NPDE, EPRED, BLQ, ...)?  Records added
 * at other times (twin-sim --grid) write "." there, and copy the other
 * columns (covariates, parameter and ETA_ columns, notes) from the latest
 * input record.  The list is SIM_OBS_COLUMNS in sim.c.
 */
int sim_obs_column(const char *name);

struct sim_indiv {
	int n, cap;
	int *src;		/* input row of each record, -1 for added times */
	struct ev_rec *rec;
	double *cov;		/* n x ncov, filled */
	double *ovr;		/* n x nind, NAN where not overridden */
	double *eta;		/* neta: the individual's random effects */
	int *etaset;		/* neta: 1 if eta came from a column */
	/* interpolation knots of linearly interpolated covariates */
	double *knot_t, *knot_v;
	int *nknot;		/* ncov; knots of cov c at c * n */
	/* ncov: 1 if the doses set the covariate (a route's size: in the
	 * model, and the records have no column of that name) */
	unsigned char *bydose;
};

/*
 * Bind the rows of ind to the model; times (ntimes of them, sorted) are
 * added as observation records after any input record at the same time,
 * except where an input observation (EVID 0 or 2) is at that time.
 * A covariate that a route's doses set (model->cmtsize) and that has no
 * column in the records is marked in bydose: sim_run gives it its
 * default until the first dose into the route's compartment with
 * AMT > 0, then each such dose's AMT from the moment the dose enters
 * (TIME plus lag; each additional dose of ADDL, the start of an
 * infusion, a steady-state dose from its steady state on) until the next
 * one, for the dynamics and outputs, the steady states and the
 * sensitivities alike.  Errors
 * ("FILE:LINE: message") for unknown compartments, negative amounts,
 * missing required covariates, non-numeric fields.
 */
int sim_bind(struct sim_indiv *si, const struct model *m,
    const struct sim_cols *c, const struct rec_reader *r,
    const struct rec_indiv *ind, const double *times, int ntimes,
    struct twin_err *err);
void sim_indiv_free(struct sim_indiv *si);

/*
 * Add a dose record after the bound ones (the timeline orders actions by
 * time; at equal times records added later act later), with the
 * covariates and overrides of the last record at or before its time.
 * Setting si->n back to its earlier value removes added records, so one
 * binding serves many candidate regimens.  dose->lag, bio, mrate and mdur
 * are filled by sim_run.
 */
int sim_add_dose(struct sim_indiv *si, const struct model *m,
    const struct ev_rec *dose, struct twin_err *err);

struct sim_opts {
	enum ode_method method;
	double rtol, atol;	/* 0: the model's (tolerance:), or SIM_RTOL */
};

/* Default tolerances of the CVODES path: about 1e-8 relative error
 * against closed forms (tests/unit/test_closed.c). */
#define SIM_RTOL 1e-10
#define SIM_ATOL 1e-12

/* The relative tolerance (at least; the caller's if looser) of the
 * state transition matrix that gives the steady-state Newton iteration
 * its Jacobian on the ODE path (sim.c, ss_periodic). */
#define SIM_SS_STM_RTOL 1e-4

/* Newton (chord) iterations of a steady state, at most; the chord method
 * (the Jacobian kept) from this many states (sim.c, ss_periodic). */
#define SIM_SS_MAXIT 50
#define SIM_SS_CHORD_N 8

struct sim;

struct sim *sim_new(const struct model *m, const struct sim_opts *o,
    struct twin_err *err);
void sim_free(struct sim *s);

/* Number of values per record in sim_run's output: outputs, states. */
int sim_width(const struct model *m);

/*
 * Solve.  out (n x sim_width) receives, for each record, every output
 * then every compartment amount, after the record's own events.  The
 * model's per-dose values (lag, F, rate, duration) are stored in si->rec.  On
 * failure returns -1 with *badrec the record index (or -1) and err set,
 * e.g. "ODE solver failed near time 12.5: ...".
 */
int sim_run(struct sim *s, struct sim_indiv *si, int typical,
    double *out, int *badrec, struct twin_err *err);

/*
 * sim_run with sensitivities (sens.h says what they cover): also dout
 * (n x nout x nq), for each record and output the derivatives by the
 * nq = neta (+ ntheta if withtheta) quantities q: the random effects,
 * then the population parameters: dout[(k nout + j) nq + q].  A model
 * or record they do not cover gives -1 with err of kind TWIN_EINPUT.
 */
int sim_run_sens(struct sim *s, struct sim_indiv *si, int typical,
    int withtheta, double *out, double *dout, int *badrec,
    struct twin_err *err);

/* The model s simulates. */
const struct model *sim_model(const struct sim *s);

/* How many period-map integrations the steady-state iterations of s
 * have made (one per trial point; a count for tests and profiles). */
long sim_period_maps(const struct sim *s);

/* Use theta (model->ntheta values, kept by the caller) instead of the
 * model's population parameters; NULL restores them. */
void sim_set_theta(struct sim *s, const double *theta);

/* The individual parameters in force at record k (random effects
 * si->eta, population parameters as set) into out (model->nind). */
void sim_params(struct sim *s, struct sim_indiv *si, int k, double *out);

/* Draw random effects from N(0, omega). */
void sim_sample_eta(const struct sim *s, gsl_rng *rng, double *eta);
/* An observation drawn around the prediction ipred by the error model. */
double sim_residual(const struct model *m, double ipred, gsl_rng *rng);

#endif
