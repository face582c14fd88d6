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
 * Memory is bounded by the records, not by ADDL: the timeline holds the
 * records' own actions sorted, and the additional doses of each record as
 * generators (at most two per record: doses or infusion starts, and
 * infusion ends) that are merged in on the fly by timeline_next.
 *
 * Ownership: struct timeline is caller-owned and zero-initialised before
 * its first use; timeline_build grows its arrays (reused between
 * individuals), timeline_free releases them.  A timeline has one cursor:
 * timeline_start sets it to the first action, timeline_next moves it on.
 */
#ifndef TWIN_EVENTS_H
#define TWIN_EVENTS_H

#include "util/err.h"

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
	long long seq;		/* order among the actions of record rec */
};

/*
 * The additional doses a = 1..amax of one record: at time
 * (TIME + a*II) + lag, plus dur for infusion ends.  Internal to events.c.
 */
struct tl_gen {
	struct action next;	/* the action of dose a */
	double t0, ii, lag, dur;
	long long seq0;		/* seq of dose 0 (of its end if end) */
	int a, amax, end;
};

struct timeline {
	int n, cap;
	struct action *a;	/* sorted; the additional doses are not here */
	int ngen, gencap;
	struct tl_gen *gen;
	int *heap;		/* generators not yet done, a min-heap */
	int nheap;
	int i;			/* cursor: next index into a */
	struct action cur;	/* the last generated action returned */
	double tlast;		/* time of the last action of all */
};

/*
 * Build the timeline of n records.  The infusion duration of a dose is
 * F*AMT/RATE for RATE > 0, F*AMT/mrate for RATE = -1 and mdur for
 * RATE = -2.  Errors (an infusion with no usable rate or duration, II <= 0
 * with ADDL > 0 or SS > 0 and an amount) name the record index through
 * *badrec.  Additional doses (ADDL) are generated only up to the latest
 * record time: later ones cannot change any output, so the work is
 * bounded by the doses given before the last record, and the memory by
 * the number of records.
 */
int timeline_build(struct timeline *tl, const struct ev_rec *r, int n,
    int *badrec, struct twin_err *err);
void timeline_free(struct timeline *tl);

/*
 * The actions in order: by time, then implied actions (pri 0) before the
 * records' own (pri 1), then by record, then in the order each record
 * implies them (its reset, steady state, steady-state tails, doses in
 * order, the record itself).  timeline_start puts the cursor before the
 * first action (timeline_build does too).  timeline_next returns the next
 * action and moves on; timeline_peek returns it without moving; both
 * return NULL at the end.  The pointer is valid until the next call of
 * timeline_next, timeline_start, timeline_build or timeline_free.
 */
void timeline_start(struct timeline *tl);
const struct action *timeline_next(struct timeline *tl);
const struct action *timeline_peek(const struct timeline *tl);

/*
 * The earliest time after t of an action not yet returned by
 * timeline_next for which stop(action, ctx) is true, or the time of the
 * last action of the timeline if there is none.  stop must not depend on
 * an action's time or value (additional doses of one record share their
 * other fields).
 */
double timeline_stop_after(const struct timeline *tl, double t,
    int (*stop)(const struct action *, void *), void *ctx);

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
