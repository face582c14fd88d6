/*
 * dose.h - choosing a regimen for one individual: candidate regimens are
 * simulated with the shared ODE core on the individual's own records
 * (and parameters: a fitted twin carries them as columns) and scored with
 * the metrics of target.h, the same code as twin-report target.
 *
 * A candidate is an amount per dose, an interval (or daily clock times),
 * an infusion duration and an optional loading dose, all starting at
 * `from'.  Or, a what-if over a column (`vary'): a candidate is a value
 * of the record column `vary' (a covariate of the model, a parameter
 * override, or a column the regimen `reg' reads, as "bolus by CR sc at
 * meals"), and the individual's records with that value, plus reg
 * expanded on them, are scored over the window.  With `replace' the
 * records' own EVID 1 doses into that compartment are dropped first (EVID
 * 4 records, which also reset the system, are kept).  It is evaluated either at steady state (a dose with SS=1 at
 * `from', the metrics over one interval, or over 24 h for auc24), or over
 * a window after `from' with the individual's own history before it.
 *
 * Ownership: dose_new returns a workspace freed by dose_free; it keeps a
 * pointer to the problem, which must outlive it.  One workspace per
 * thread; the problem and the model are read-only and shared.
 */
#ifndef TWIN_DOSE_H
#define TWIN_DOSE_H

#include "util/err.h"
#include "model/model.h"
#include "data/record.h"
#include "data/regimen.h"
#include "solve/sim.h"
#include "report/target.h"

#define DOSE_MAXCLOCK 12

/* How to choose among the candidates that reach the target. */
enum dose_prefer {
	DOSE_LOWEST,	/* least daily dose, then fewer doses a day */
	DOSE_FEWEST,	/* fewest doses a day, then least daily dose */
	DOSE_CLOSEST	/* first metric nearest its range's middle */
};

struct dose_plan {
	double amt, ii, dur;	/* model units; dur 0: bolus */
	double load;		/* loading dose at from, 0: none */
	double value;		/* with vary: the column's value */
};

struct dose_problem {
	const struct model *m;
	struct sim_opts so;
	int cmt;		/* compartment dosed */
	int out;		/* model output scored */
	double hours;		/* model time units in one hour */
	double from;		/* first candidate dose, model time */
	int ss;			/* score at steady state */
	double w0, w1;		/* else: window after from, model time */
	double clock[DOSE_MAXCLOCK];	/* daily clock times (hours) */
	int nclock;		/* > 0: doses at these times, not an interval */
	double clock0;		/* clock time at TIME 0, hours */
	struct target target;
	double no_below;	/* the curve must stay >= this; NAN: none */
	int nstep;		/* grid points over the scored span */
	/* the candidates */
	const struct dose_plan *plan;
	int nplan;
	int continuous;		/* amounts solved for in [amt_lo, amt_hi] */
	double amt_lo, amt_hi;
	enum dose_prefer prefer;
	/* what-if over a column (window only; DOSE_FEWEST refused) */
	const char *vary;	/* the column; NULL: amounts as above */
	const struct regimen *reg;	/* added to the records; may be NULL */
	const char *routes;	/* the model's routes, for reg's messages */
	int replace;		/* drop the records' EVID 1 doses into */
	int replace_cmt;	/* this compartment (0: keep them) */
};

/* The scores of a plan. */
struct dose_score {
	double value[TARGET_MAXCOND];	/* per condition of the target */
	double lowest;		/* lowest value of the curve scored */
	int met;		/* every condition holds */
	int safe;		/* the curve stays >= no_below */
	int evaluable;		/* every metric could be computed */
	double daily;		/* with vary: the regimen's amount per day
				 * in the window, meals left out */
};

struct dose;

/* Errors: vary without a window, or with DOSE_FEWEST. */
struct dose *dose_new(const struct dose_problem *p, struct twin_err *err);
void dose_free(struct dose *d);

/* Bind one individual's records (its history and covariates), with a
 * grid of nstep + 1 sample times over the span every candidate is scored
 * over (its interval, 24 h for auc24, or the window). */
int dose_bind(struct dose *d, const struct sim_cols *c,
    const struct rec_reader *r, const struct rec_indiv *ind,
    struct twin_err *err);

/* The span after from that a plan is scored over. */
double dose_span(const struct dose_problem *p, const struct dose_plan *plan);

/* Simulate and score a plan for the bound individual.  Solver failures
 * name the time. */
int dose_score(struct dose *d, const struct dose_plan *plan,
    struct dose_score *s, struct twin_err *err);

/* What choosing found for the bound individual. */
enum dose_verdict {
	DOSE_CHOSEN,
	DOSE_UNREACHABLE,	/* no candidate reaches the target */
	DOSE_UNSAFE,		/* every one that reaches it breaks no_below */
	DOSE_NONE_SAFE,		/* every candidate breaks no_below */
	DOSE_UNEVALUABLE	/* the metrics cannot be computed */
};

struct dose_choice {
	enum dose_verdict verdict;
	struct dose_plan plan;		/* the chosen one */
	struct dose_score score;
	struct dose_plan nearest;	/* DOSE_UNREACHABLE: the nearest */
	struct dose_score nearest_score;
};

/*
 * Score every candidate (solving for the amount when continuous: the
 * least amount meeting the lower bounds of the target, as the metrics
 * grow with it, or with DOSE_CLOSEST the amount putting the first metric
 * at the middle of its range) and choose.  met and eval, when not NULL,
 * get 1 per candidate that reaches the target safely / can be scored.
 */
int dose_choose(struct dose *d, struct dose_choice *c, int *met, int *eval,
    struct twin_err *err);

/* The doses a plan gives from `from' up to `until' (model time), one
 * record per dose: what dose_score simulates.  Returns the number (<=
 * max). */
int dose_records(const struct dose_problem *p, const struct dose_plan *plan,
    double until, struct ev_rec *out, int max);

/* The records of a plan as written into a stream, with ADDL/II: ndoses
 * maintenance doses (or with clock times, days days).  out holds
 * DOSE_MAXCLOCK + 1 records; returns the number. */
int dose_plan_records(const struct dose_problem *p,
    const struct dose_plan *plan, int ndoses, int days, struct reg_dose *out);

/* Doses per 24 h of a plan (loading dose not counted), and the daily
 * dose (with it). */
double dose_per_day(const struct dose_problem *p, const struct dose_plan *plan);
double dose_daily(const struct dose_problem *p, const struct dose_plan *plan);

/* A plan in words: "load 2000 mg; then 1000 mg q12h over 1h". */
void dose_describe(const struct dose_problem *p, const struct dose_plan *plan,
    char *buf, size_t n);

/* With vary: the doses reg gives the bound individual at plan->value, in
 * time order with ADDL/II (*out malloc'ed, the caller frees it).
 * Returns the number, or -1 with err set (the regimen's message, or
 * that the column is neither the model's covariate or parameter nor read
 * by reg, so that every value would give the same). */
int dose_vary_doses(struct dose *d, const struct dose_plan *plan,
    struct reg_dose **out, struct twin_err *err);

/* Which input rows of the bound individual are doses that replace drops:
 * one flag per row, valid until the next dose_bind. */
const int *dose_drop_rows(const struct dose *d);

/*
 * The pieces of the above for a caller with its own binding:
 *
 * dose_drop drops the EVID 1 doses into compartment cmt of the bound
 * records (amount, rate, ADDL and SS set to 0, so they give nothing) and
 * returns how many; with droprow (nrow flags, input rows) marks them.
 *
 * dose_meals gives the meals of the bound records, the EVID 1 and 4
 * doses into the compartment of the route "meal" (none if the model has
 * no such route), AMT as recorded; *out malloc'ed, or NULL with none.
 * Returns the number or -1 (out of memory).
 */
int dose_drop(struct sim_indiv *si, int cmt, int *droprow, int nrow);
int dose_meals(const struct model *m, const struct sim_indiv *si,
    struct reg_dose **out, struct twin_err *err);

/*
 * A regimen's view of one individual: routes and their units from the
 * model (a compartment name is a route when the model declares none), a
 * column's value from the individual's first record that has one (NaN:
 * none), but column `name' (if not NULL) is `value'.  dose_reg_context
 * fills ctx's route, route_unit, column and arg with it (arg must outlive
 * ctx's use).
 */
struct dose_regarg {
	const struct model *m;
	const struct rec_reader *r;
	const struct rec_indiv *ind;
	const char *name;
	double value;
	int used;		/* set when column `name' was read */
};

void dose_reg_context(struct reg_context *ctx, struct dose_regarg *a);
int dose_route_cmt(void *arg, const char *route);

#endif
