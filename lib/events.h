/*
 * events.h - an individual's records as a timeline of actions.
 *
 * NONMEM semantics: EVID 0 observation, 1 dose, 2 other, 3 reset, 4 reset
 * and dose; RATE > 0 zero-order infusion at that rate, RATE = -1 rate and
 * RATE = -2 duration from the model; ADDL/II additional doses; SS = 1 reset
 * to steady state, SS = 2 add steady state; lag time and bioavailability
 * per compartment.  Times are sorted; ties keep record order, and actions
 * implied by earlier records (additional and lagged doses, infusion ends)
 * come before the records at the same time.
 *
 * Ownership: struct timeline is caller-owned; timeline_build grows its
 * array (reused between individuals), timeline_free releases it.
 */
#ifndef TWIN_EVENTS_H
#define TWIN_EVENTS_H

#include "err.h"

struct ev_rec {
	double time;
	int evid, ss, addl;
	int cmt;		/* 0-based compartment */
	double amt, rate, ii;
	/* Model values at this record, filled by the caller for doses. */
	double lag, bio, mrate, mdur;
};

enum act_kind {
	ACT_RECORD,		/* the record itself: parameters, output */
	ACT_RESET,		/* EVID 3/4: amounts to initial, infusions off */
	ACT_SS,			/* steady state of the record's dose */
	ACT_BOLUS,		/* value = amount */
	ACT_INFUSION		/* value = change of rate */
};

struct action {
	double time;
	enum act_kind kind;
	int rec;		/* the record that caused it */
	int cmt;
	double value;
	int epoch;		/* resets before it; stale actions are skipped */
	int pri;		/* 0 implied, 1 the record's own */
	long seq;
};

struct timeline {
	int n, cap;
	struct action *a;
};

/*
 * Build the timeline of n records.  The infusion duration of a dose is
 * F*AMT/RATE for RATE > 0, F*AMT/mrate for RATE = -1 and mdur for
 * RATE = -2.  Errors (an infusion with no usable rate or duration, II <= 0
 * with ADDL > 0 or SS > 0 and an amount) name the record index through
 * *badrec.  Additional doses (ADDL) are generated only up to the latest
 * record time: later ones cannot change any output, so the timeline's
 * size and the work are bounded by the records, not by ADDL.
 */
int timeline_build(struct timeline *tl, const struct ev_rec *r, int n,
    int *badrec, struct twin_err *err);
void timeline_free(struct timeline *tl);

/*
 * A steady-state constant infusion: SS > 0, AMT = 0 and RATE > 0.  II is
 * ignored (NONMEM's table lists II = 0; mrgsolve, like twin, accepts any
 * II), and ADDL must be 0.
 */
int ev_constant_infusion(const struct ev_rec *r);

/*
 * The EVID of a record that has none (no EVID column, or a missing
 * value), as twin-records(5) states it: a record with an amount is a
 * dose (1), and so is a steady-state constant infusion (SS > 0, AMT 0,
 * RATE > 0); else one with MDV != 0 is 2, else an observation (0).
 */
int ev_evid_default(double amt, double rate, int ss, double mdv);

/* The largest ADDL a record may give. */
#define EV_ADDL_MAX 10000000

/* Duration and rate of an infusion dose (0, 0 for a bolus). */
int dose_infusion(const struct ev_rec *r, double *rate, double *dur,
    struct twin_err *err);

/*
 * Steady-state dosing over one interval [0, II): the actions of the dose
 * of record r, and of all its predecessors at -II, -2II, ..., folded into
 * the interval, so that the periodic solution can be found.  Phases are
 * in [0, II).  Fills acts (at most 4 + 2*ceil((lag+dur)/II) entries are
 * needed) and returns how many, or -1.
 */
int ss_period(const struct ev_rec *r, struct action **acts, int *cap,
    struct twin_err *err);

#endif
