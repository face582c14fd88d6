/*
 * test_dose.c - the pieces of twin-dose's what-ifs that work on bound
 * records: the doses --replace drops (EVID 1 into one compartment, not
 * EVID 4, not other compartments) and the records' meals a bolus at meals
 * goes with, on records written out by hand; and the problems dose_new
 * refuses.  The choice itself is checked against closed forms in
 * tests/cmd/dose-vary.t.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "estim/dose.h"
#include "tap.h"

static const char *const yaml =
    "name: t\n"
    "units: {time: min, amount: U, concentration: mg/dL}\n"
    "compartments: [isc, gut]\n"
    "routes:\n"
    "  sc: isc\n"
    "  meal: {compartment: gut, unit: g}\n"
    "theta: {K: 0.1}\n"
    "ode:\n"
    "  isc: -K*isc\n"
    "  gut: -K*gut\n"
    "output:\n"
    "  Y: isc\n";

static struct ev_rec
rec(double t, int evid, int cmt, double amt, double ii, int addl)
{
	struct ev_rec e;

	memset(&e, 0, sizeof(e));
	e.time = t;
	e.evid = evid;
	e.cmt = cmt;
	e.amt = amt;
	e.ii = ii;
	e.addl = addl;
	e.rate = evid == 1 && cmt == 0 && amt == 30 ? 0.5 : 0;
	return e;
}

static void
test_drop_meals(const struct model *m)
{
	struct twin_err err;
	struct ev_rec r[6];
	int src[6] = { 0, 1, 2, 3, 4, -1 }, drop[5] = { 0 }, k, n;
	struct sim_indiv si;
	struct reg_dose *meals;

	/* an infusion of 30 U, a meal of 60 g daily x3, a 4 U bolus with
	 * a reset (EVID 4), a 5 U bolus, an observation, an added sample */
	r[0] = rec(0, 1, 0, 30, 0, 0);
	r[1] = rec(420, 1, 1, 60, 1440, 2);
	r[2] = rec(420, 4, 0, 4, 0, 0);
	r[3] = rec(750, 1, 0, 5, 0, 0);
	r[4] = rec(800, 0, 0, 0, 0, 0);
	r[5] = rec(900, 2, 0, 0, 0, 0);
	memset(&si, 0, sizeof(si));
	si.n = 6;
	si.rec = r;
	si.src = src;
	n = dose_meals(m, &si, &meals, &err);
	tap_ok(n == 1 && meals[0].time == 420 && meals[0].amt == 60 &&
	    meals[0].ii == 1440 && meals[0].addl == 2 && meals[0].cmt == 1,
	    "dose_meals: the one meal, as recorded (60 g, II 1440, ADDL 2)");
	free(meals);
	n = dose_drop(&si, 0, drop, 5);
	tap_ok(n == 2 && drop[0] && !drop[1] && !drop[2] && drop[3] &&
	    !drop[4], "dose_drop: the two EVID 1 doses into isc, not the meal, "
	    "not the EVID 4 reset");
	for (k = 0, n = 0; k < 6; k++)
		if (r[k].evid == 1 && r[k].cmt == 0 && (r[k].amt != 0 ||
		    r[k].rate != 0 || r[k].addl != 0 || r[k].ss != 0))
			n++;
	tap_ok(n == 0 && r[2].amt == 4 && r[1].amt == 60,
	    "dropped doses give nothing; the others are untouched");
}

static void
test_refused(const struct model *m)
{
	struct dose_problem p;
	struct twin_err err;
	struct dose *d;

	memset(&p, 0, sizeof(p));
	p.m = m;
	p.so.method = ODE_AUTO;
	p.so.rtol = SIM_RTOL;
	p.so.atol = SIM_ATOL;
	p.hours = 60;
	p.vary = "CR";
	p.ss = 1;
	d = dose_new(&p, &err);
	tap_ok(d == NULL && strstr(err.msg, "needs a window") != NULL,
	    "vary at steady state is refused");
	p.ss = 0;
	p.w1 = 1440;
	p.prefer = DOSE_FEWEST;
	d = dose_new(&p, &err);
	tap_ok(d == NULL && strstr(err.msg, "no number of doses") != NULL,
	    "vary preferring fewest doses is refused");
	p.prefer = DOSE_LOWEST;
	d = dose_new(&p, &err);
	tap_ok(d != NULL, "vary over a window, lowest dose");
	dose_free(d);
}

int
main(void)
{
	struct twin_err err;
	struct model *m = model_load_string(yaml, "t", &err);

	if (m == NULL) {
		printf("# %s\n", err.msg);
		tap_ok(0, "model");
		return tap_done();
	}
	test_drop_meals(m);
	test_refused(m);
	model_free(m);
	return tap_done();
}
