/*
 * test_events.c - the timeline's order of actions, written out by hand
 * from the ordering rules of events.h, and its storage: additional doses
 * are generated, not stored.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "data/events.h"
#include "tap.h"

static struct ev_rec
rec(double time, int evid, int addl, double amt, double rate, double ii)
{
	struct ev_rec r;

	memset(&r, 0, sizeof(r));
	r.time = time;
	r.evid = evid;
	r.addl = addl;
	r.cmt = 1;
	r.amt = amt;
	r.rate = rate;
	r.ii = ii;
	r.bio = 1;
	return r;
}

static int
is_record(const struct action *a, void *ctx)
{
	(void)ctx;
	return a->kind == ACT_RECORD;
}

static int
is_dose(const struct action *a, void *ctx)
{
	(void)ctx;
	return a->kind == ACT_BOLUS || a->kind == ACT_INFUSION;
}

static int
never(const struct action *a, void *ctx)
{
	(void)a;
	(void)ctx;
	return 0;
}

int
main(void)
{
	struct timeline tl;
	struct twin_err err;
	struct ev_rec r[4];
	const struct action *a;
	/* Bolus 10 at 0, 2, 4, 6; infusion 10 at rate 5 (2 h) at 1, 3, 5;
	 * observations at 4 and 6.  At equal times implied actions come
	 * first, then by record, then in the record's own order (an
	 * infusion's end before the next start). */
	static const struct {
		double time;
		enum act_kind kind;
		int rec;
		double value;
	} want[] = {
		{ 0, ACT_BOLUS, 0, 10 }, { 0, ACT_RECORD, 0, 0 },
		{ 1, ACT_INFUSION, 1, 5 }, { 1, ACT_RECORD, 1, 0 },
		{ 2, ACT_BOLUS, 0, 10 },
		{ 3, ACT_INFUSION, 1, -5 }, { 3, ACT_INFUSION, 1, 5 },
		{ 4, ACT_BOLUS, 0, 10 }, { 4, ACT_RECORD, 2, 0 },
		{ 5, ACT_INFUSION, 1, -5 }, { 5, ACT_INFUSION, 1, 5 },
		{ 6, ACT_BOLUS, 0, 10 }, { 6, ACT_RECORD, 3, 0 },
		{ 7, ACT_INFUSION, 1, -5 }
	};
	int nwant = sizeof(want) / sizeof(want[0]), i, bad, badrec;
	long long nb;
	double tend;

	memset(&tl, 0, sizeof(tl));
	r[0] = rec(0, 1, 3, 10, 0, 2);
	r[1] = rec(1, 1, 2, 10, 5, 2);
	r[2] = rec(4, 0, 0, 0, 0, 0);
	r[3] = rec(6, 0, 0, 0, 0, 0);
	tap_ok(timeline_build(&tl, r, 4, &badrec, &err) == 0,
	    "timeline_build: bolus and infusion with ADDL, two observations");
	a = timeline_peek(&tl);
	tap_ok(a != NULL && a->time == 0 && a->kind == ACT_BOLUS,
	    "timeline_peek gives the first action");
	for (i = bad = 0; i < nwant && (a = timeline_next(&tl)) != NULL; i++) {
		if (a->time != want[i].time || a->kind != want[i].kind ||
		    a->rec != want[i].rec || a->value != want[i].value) {
			printf("# action %d: time %g kind %d rec %d value %g\n",
			    i, a->time, (int)a->kind, a->rec, a->value);
			bad++;
		}
		if (i == 8) {
			/* After the observation at 4. */
			tap_ok(timeline_stop_after(&tl, 4, is_record, NULL)
			    == 6, "timeline_stop_after: next record at 6");
			tap_ok(timeline_stop_after(&tl, 4, is_dose, NULL)
			    == 5, "timeline_stop_after: next dose at 5");
			tap_ok(timeline_stop_after(&tl, 4, never, NULL) == 7,
			    "timeline_stop_after: none, the last time 7");
		}
	}
	tap_ok(i == nwant && !bad && timeline_next(&tl) == NULL,
	    "14 actions in the order written out by hand");
	tap_ok(tl.n == 7 && tl.ngen == 3,
	    "stored: the records' 7 actions and 3 generators");
	timeline_start(&tl);
	for (i = 0; timeline_next(&tl) != NULL; i++)
		;
	tap_ok(i == nwant, "timeline_start walks the timeline again");

	/* ADDL 1e7 every hour with an observation at 1e7: 1e7 + 1 doses
	 * given; stored: dose 0, the two records and one generator. */
	r[0] = rec(0, 1, 10000000, 1, 0, 1);
	r[1] = rec(1e7, 0, 0, 0, 0, 0);
	i = timeline_build(&tl, r, 2, &badrec, &err);
	tap_ok(i == 0 &&
	    tl.n == 3 && tl.ngen == 1 && tl.gencap <= 8 && tl.cap <= 64,
	    "ADDL 1e7: 3 actions and 1 generator stored");
	nb = 0;
	tend = -1;
	bad = 0;
	while ((a = timeline_next(&tl)) != NULL) {
		if (a->kind == ACT_BOLUS) {
			if (a->time != (double)nb)
				bad++;
			nb++;
		}
		tend = a->time;
		if (a->kind == ACT_RECORD && a->rec == 1 && nb != 10000001)
			bad++;
	}
	tap_ok(nb == 10000001 && !bad && tend == 1e7,
	    "ADDL 1e7: doses at 0, 1, ..., 1e7, all before the observation");
	timeline_free(&tl);
	return tap_done();
}
