/*
 * test_regimen.c - dosing regimens: every example of the manual expanded
 * to records written out by hand, unit conversions, "then", clock times,
 * and every error with its column and message.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/regimen.h"
#include "tap.h"

enum { IV, PO, SC, MEAL, NROUTE };

static const char *const route_names[NROUTE] = { "iv", "po", "sc", "meal" };

/* arg: the number of routes known, so that a model may lack "meal" */
static int
route(void *arg, const char *name)
{
	int i, n = *(const int *)arg;

	for (i = 0; i < n; i++)
		if (strcmp(route_names[i], name) == 0)
			return i;
	return -1;
}

static int all_routes = NROUTE, no_meal = MEAL;

/* An hours/mg model, midnight at TIME 0, no weight. */
static struct reg_context
context(const char *time_unit, const char *amount_unit)
{
	struct reg_context c;

	memset(&c, 0, sizeof(c));
	c.start = 0;
	c.clock0 = 0;
	c.wt = NAN;
	c.time_unit = time_unit;
	c.amount_unit = amount_unit;
	c.route = route;
	c.arg = &all_routes;
	c.routes = "iv, po, sc, meal";
	return c;
}

struct want {
	double time, amt, rate;
	int cmt;
	double ii;
	int addl;
};

static int
same(double got, double want)
{
	return fabs(got - want) <= 1e-12 * (fabs(want) > 1 ? fabs(want) : 1);
}

/* text expands under c to exactly the n records w. */
static void
expect(const char *text, const struct reg_context *c, const struct want *w,
    int n)
{
	struct twin_err err;
	struct regimen *r;
	struct reg_dose *d;
	int i, got, ok;

	if ((r = regimen_parse(text, &err)) == NULL) {
		printf("# %s: %s\n", text, err.msg);
		tap_ok(0, text);
		return;
	}
	got = regimen_expand(r, c, &d, &err);
	regimen_free(r);
	if (got < 0) {
		printf("# %s: %s\n", text, err.msg);
		tap_ok(0, text);
		return;
	}
	ok = got == n;
	for (i = 0; ok && i < n; i++)
		ok = same(d[i].time, w[i].time) && same(d[i].amt, w[i].amt) &&
		    same(d[i].rate, w[i].rate) && d[i].cmt == w[i].cmt &&
		    same(d[i].ii, w[i].ii) && d[i].addl == w[i].addl;
	if (!ok) {
		printf("# %s: got %d records, want %d\n", text, got, n);
		for (i = 0; i < got; i++)
			printf("# got  TIME %.17g AMT %.17g RATE %.17g CMT %d "
			    "II %.17g ADDL %d\n", d[i].time, d[i].amt,
			    d[i].rate, d[i].cmt, d[i].ii, d[i].addl);
		for (i = 0; i < n; i++)
			printf("# want TIME %.17g AMT %.17g RATE %.17g CMT %d "
			    "II %.17g ADDL %d\n", w[i].time, w[i].amt,
			    w[i].rate, w[i].cmt, w[i].ii, w[i].addl);
	}
	free(d);
	tap_ok(ok, text);
}

#define EXPECT(text, c, ...) do {					\
	static const struct want w_[] = { __VA_ARGS__ };		\
	expect(text, c, w_, (int)(sizeof(w_) / sizeof(w_[0])));	\
} while (0)

/* text fails, in regimen_parse or regimen_expand, with message msg. */
static void
expect_err(const char *text, const struct reg_context *c, const char *msg)
{
	struct twin_err err;
	struct regimen *r;
	struct reg_dose *d = NULL;
	char what[256];
	int ok = 0;

	strcpy(err.msg, "(no error)");
	if ((r = regimen_parse(text, &err)) != NULL) {
		if (regimen_expand(r, c, &d, &err) >= 0)
			strcpy(err.msg, "(no error)");
		else
			ok = d == NULL;
		free(d);
		regimen_free(r);
	}
	ok = strcmp(err.msg, msg) == 0 && (r == NULL || ok);
	snprintf(what, sizeof(what), "error: %s", text);
	tap_ok(ok, what);
	if (!ok)
		printf("# got  %s\n# want %s\n", err.msg, msg);
}

/* The examples of the brief and of twin-dose(1), by hand. */
static void
test_examples(void)
{
	struct reg_context c;

	c = context("h", "mg");
	EXPECT("1000 mg iv q12h x14 over 1h", &c,
	    { 0, 1000, 1000, IV, 12, 13 });
	c.wt = 80;
	/* 25 mg/kg x 80 kg = 2000 mg over 2 h; then 15 x 80 = 1200 mg,
	 * starting one interval after the load */
	EXPECT("load 25 mg/kg iv over 2h; then 15 mg/kg iv q12h x10 over 1h",
	    &c, { 0, 2000, 1000, IV, 0, 0 }, { 12, 1200, 1200, IV, 12, 9 });
	/* clock0 8: 12:30 is TIME 4.5, 19:00 is 11, 07:00 is 23 */
	c = context("h", "g");
	c.clock0 = 8;
	EXPECT("meal 60 g at 07:00,12:30,19:00 daily x7", &c,
	    { 4.5, 60, 0, MEAL, 24, 6 }, { 11, 60, 0, MEAL, 24, 6 },
	    { 23, 60, 0, MEAL, 24, 6 });
	c = context("h", "U");
	EXPECT("basal 1.2 U/h sc for 7d", &c, { 0, 1.2 * 168, 1.2, SC, 0, 0 });
	c = context("h", "mg");
	/* 24, 32, ..., 64: six doses start before 72 */
	EXPECT("500 mg po q8h until 72h from 24h", &c,
	    { 24, 500, 0, PO, 8, 5 });
	EXPECT("2 g iv q24h x5 rate 1 g/h", &c,
	    { 0, 2000, 1000, IV, 24, 4 });
	/* 23, 47, 71 are before 72 */
	c = context("h", "U");
	c.clock0 = 8;
	EXPECT("6 U sc at 07:00 daily for 3d", &c, { 23, 6, 0, SC, 24, 2 });
}

static void
test_units(void)
{
	struct reg_context c;

	c = context("min", "mg");
	EXPECT("1000 mg iv q12h x14 over 1h", &c,
	    { 0, 1000, 1000.0 / 60, IV, 720, 13 });
	c = context("min", "U");
	EXPECT("basal 1.2 U/h sc for 7d", &c,
	    { 0, 1.2 * 168, 1.2 / 60, SC, 0, 0 });
	c = context("d", "mg");
	EXPECT("1000 mg iv q12h x2 from 36h", &c, { 1.5, 1000, 0, IV, 0.5, 1 });
	c = context(NULL, "mg");
	EXPECT("100 mg iv q90min x2", &c, { 0, 100, 0, IV, 1.5, 1 });
	c = context("hours", "mg");
	EXPECT("100 mg iv q1w x2", &c, { 0, 100, 0, IV, 168, 1 });
	c = context("s", "mg");
	EXPECT("100 mg iv q1min x2 over 0.5min", &c,
	    { 0, 100, 100.0 / 30, IV, 60, 1 });
	c = context("h", "mg");
	EXPECT("1 g iv", &c, { 0, 1000, 0, IV, 0, 0 });
	EXPECT("500 mcg iv", &c, { 0, 0.5, 0, IV, 0, 0 });
	EXPECT("250 ug po", &c, { 0, 0.25, 0, PO, 0, 0 });
	EXPECT("2000 ng po", &c, { 0, 0.002, 0, PO, 0, 0 });
	EXPECT("0.5 kg po", &c, { 0, 5e5, 0, PO, 0, 0 });
	c = context("h", "g");
	EXPECT("2 mg iv", &c, { 0, 0.002, 0, IV, 0, 0 });
	c = context("h", "U");
	EXPECT("100 IU sc", &c, { 0, 100, 0, SC, 0, 0 });
	EXPECT("500 mU sc", &c, { 0, 0.5, 0, SC, 0, 0 });
	c = context("h", "mU");
	EXPECT("2 U sc", &c, { 0, 2000, 0, SC, 0, 0 });
	c = context("h", "umol");
	EXPECT("1 mmol iv; 2 nmol iv; 1 mol iv", &c,
	    { 0, 1000, 0, IV, 0, 0 }, { 0, 0.002, 0, IV, 0, 0 },
	    { 0, 1e6, 0, IV, 0, 0 });
	/* a model without a known amount unit: amounts as written, a rate
	 * clause in the dose's unit */
	c = context("h", NULL);
	EXPECT("2 g iv q24h x2 rate 500 mg/h", &c,
	    { 0, 2, 0.5, IV, 24, 1 });
	c = context("h", "mg/L");
	EXPECT("6 U sc", &c, { 0, 6, 0, SC, 0, 0 });
	/* per kg, and a per kg rate */
	c = context("h", "mg");
	c.wt = 70;
	EXPECT("10 mg/kg iv q24h x2 rate 5 mg/kg/h", &c,
	    { 0, 700, 350, IV, 24, 1 });
	EXPECT("0.1 mg/kg/h iv for 10h", &c, { 0, 70, 7, IV, 0, 0 });
	EXPECT("1 g/kg po", &c, { 0, 70000, 0, PO, 0, 0 });
	/* spellings */
	c = context("h", "mg");
	EXPECT("1000mg iv q12h x14", &c, { 0, 1000, 0, IV, 12, 13 });
	EXPECT("1000 mg iv q 12 h x 14", &c, { 0, 1000, 0, IV, 12, 13 });
	EXPECT("1000 mg iv every 12 hours x14", &c,
	    { 0, 1000, 0, IV, 12, 13 });
	EXPECT("1000 mg iv q12 hr x 14", &c, { 0, 1000, 0, IV, 12, 13 });
	EXPECT("100 mg po every day x3", &c, { 0, 100, 0, PO, 24, 2 });
	EXPECT("100 mg po daily x3", &c, { 0, 100, 0, PO, 24, 2 });
	EXPECT("  100 mg\tpo  q1d  x3  ", &c, { 0, 100, 0, PO, 24, 2 });
	EXPECT("1e3 mg iv over 30 minutes", &c, { 0, 1000, 2000, IV, 0, 0 });
	EXPECT("100 mg / h iv for 2h", &c, { 0, 200, 100, IV, 0, 0 });
}

/* Repeats, ends, starts and "then". */
static void
test_timing(void)
{
	struct reg_context c;

	c = context("h", "mg");
	/* a dose at the end is not given */
	EXPECT("100 mg po q8h until 24h", &c, { 0, 100, 0, PO, 8, 2 });
	EXPECT("100 mg po q8h for 24h", &c, { 0, 100, 0, PO, 8, 2 });
	EXPECT("100 mg po q8h for 36h", &c, { 0, 100, 0, PO, 8, 4 });
	EXPECT("100 mg po q8h for 1h", &c, { 0, 100, 0, PO, 0, 0 });
	EXPECT("100 mg po q8h x1", &c, { 0, 100, 0, PO, 0, 0 });
	EXPECT("100 mg po from -12h", &c, { -12, 100, 0, PO, 0, 0 });
	/* the context's start, for every part without then or from */
	c.start = 10;
	EXPECT("100 mg iv q12h x2; 50 mg po", &c,
	    { 10, 100, 0, IV, 12, 1 }, { 10, 50, 0, PO, 0, 0 });
	EXPECT("100 mg iv q12h x2 from 0h", &c, { 0, 100, 0, IV, 12, 1 });
	c.start = 0;
	/* then after a repeat: its last dose (24) plus its interval */
	EXPECT("100 mg iv q12h x3; then 50 mg po q24h x2", &c,
	    { 0, 100, 0, IV, 12, 2 }, { 36, 50, 0, PO, 24, 1 });
	EXPECT("100 mg iv q12h for 1d; then 50 mg po", &c,
	    { 0, 100, 0, IV, 12, 1 }, { 24, 50, 0, PO, 0, 0 });
	/* then after a continuous infusion: its end */
	c = context("h", "U");
	EXPECT("basal 1 U/h sc for 24h; then 2 U/h sc until 36h", &c,
	    { 0, 24, 1, SC, 0, 0 }, { 24, 24, 2, SC, 0, 0 });
	/* then with from: from wins */
	EXPECT("6 U sc; then 4 U sc from 5h", &c,
	    { 0, 6, 0, SC, 0, 0 }, { 5, 4, 0, SC, 0, 0 });
	/* then after a single dose, with clock times: after the dose */
	c.clock0 = 8;
	EXPECT("load 10 U sc from 2h; then 6 U sc at 07:00 daily x2", &c,
	    { 2, 10, 0, SC, 0, 0 }, { 23, 6, 0, SC, 24, 1 });
	EXPECT("load 10 U sc from 23h; then 6 U sc at 07:00 x2", &c,
	    { 23, 10, 0, SC, 0, 0 }, { 47, 6, 0, SC, 24, 1 });
	/* then after daily clock times: the next occurrence */
	EXPECT("6 U sc at 07:00 daily x2; then 8 U sc at 07:00 daily x2", &c,
	    { 23, 6, 0, SC, 24, 1 }, { 71, 8, 0, SC, 24, 1 });
	/* 19:00 at 11, 35; 07:00 at 23, 47; the next would be 59 */
	EXPECT("10 U sc at 07:00,19:00 x2; then 30 U sc q12h x2", &c,
	    { 11, 10, 0, SC, 24, 1 }, { 23, 10, 0, SC, 24, 1 },
	    { 59, 30, 0, SC, 12, 1 });
	/* clock times once each, in time order */
	EXPECT("10 U sc at 07:00,12:30", &c,
	    { 4.5, 10, 0, SC, 0, 0 }, { 23, 10, 0, SC, 0, 0 });
	EXPECT("10 U sc at 08:00", &c, { 0, 10, 0, SC, 0, 0 });
	EXPECT("10 U sc at 7:59 from 0h", &c,
	    { 23 + 59.0 / 60, 10, 0, SC, 0, 0 });
	/* for with clock times: each clock time its own count */
	c.clock0 = 0;
	c.start = 10;
	EXPECT("5 U sc at 07:00,12:00 for 36h", &c,
	    { 12, 5, 0, SC, 24, 1 }, { 31, 5, 0, SC, 0, 0 });
	c.start = 0;
	EXPECT("5 U sc at 08:00 q48h x3", &c, { 8, 5, 0, SC, 48, 2 });
	EXPECT("5 U sc at 23:30 until 48h from -1h", &c,
	    { -0.5, 5, 0, SC, 24, 2 });
	/* TIME 0 at 06:15, clock times in a minutes model */
	c = context("min", "U");
	c.clock0 = 6.25;
	EXPECT("6 U sc at 07:00 daily x3", &c, { 45, 6, 0, SC, 1440, 2 });
	/* a meal has route meal; an explicit route wins */
	c = context("h", "g");
	EXPECT("meal 60 g po", &c, { 0, 60, 0, PO, 0, 0 });
	/* infusion as long as the interval is fine */
	c = context("h", "mg");
	EXPECT("100 mg iv q12h x2 over 12h", &c,
	    { 0, 100, 100.0 / 12, IV, 12, 1 });
	EXPECT("2 g iv q2h x2 rate 1 g/h", &c, { 0, 2000, 1000, IV, 2, 1 });
}

static void
test_errors(void)
{
	struct reg_context c;
	char *big;

	c = context("h", "mg");
	expect_err("", &c, "column 1: expected an amount such as \"1000 mg\", "
	    "got end of text");
	expect_err("load", &c, "column 5: expected an amount such as "
	    "\"1000 mg\", got end of text");
	expect_err("iv 1000 mg", &c, "column 1: expected an amount such as "
	    "\"1000 mg\", got \"iv\"");
	expect_err("1000 mgg iv", &c, "column 6: unknown unit \"mgg\" "
	    "(units: ng, ug, mcg, mg, g, kg, mU, U, IU, nmol, umol, mmol, "
	    "mol)");
	expect_err("1000 iv", &c, "column 6: unknown unit \"iv\" (units: ng, "
	    "ug, mcg, mg, g, kg, mU, U, IU, nmol, umol, mmol, mol)");
	expect_err("1000", &c, "column 5: \"1000\" needs a unit such as mg "
	    "or U, got end of text");
	expect_err("0 mg iv", &c, "column 1: amount must be positive, got "
	    "\"0\"");
	expect_err("-5 mg iv", &c, "column 1: amount must be positive, got "
	    "\"-5\"");
	expect_err("1e999 mg iv", &c, "column 1: number \"1e999\" is out of "
	    "range");
	expect_err("100 mg/x iv", &c, "column 8: expected kg or a time unit "
	    "such as h after \"/\", got \"x\"");
	expect_err("100 mg/kg/ iv", &c, "column 12: expected a time unit "
	    "such as h after \"/\", got \"iv\"");
	expect_err("1000 mg iv x14", &c, "column 12: \"x14\" needs an "
	    "interval (q12h or daily)");
	expect_err("1000 mg iv for 7d", &c, "column 12: \"for 7d\" needs an "
	    "interval (q12h or daily)");
	expect_err("1000 mg iv q12h", &c, "column 12: \"q12h\" needs an end: "
	    "x N, for DURATION or until TIME");
	expect_err("1000 mg iv at 07:00 daily", &c, "column 21: \"daily\" "
	    "needs an end: x N, for DURATION or until TIME");
	expect_err("1000 mg iv q12h x14 over 13h", &c, "column 21: infusion "
	    "of 13 h is longer than the 12 h interval");
	expect_err("1000 mg iv q1h x14 over 90min", &c, "column 20: infusion "
	    "of 90 min is longer than the 1 h interval");
	expect_err("2 g iv q1h x5 rate 1 g/h", &c, "column 15: infusion of "
	    "2 h is longer than the 1 h interval");
	expect_err("2 g iv q24h x5 over 1h rate 1 g/h", &c, "column 24: "
	    "\"over 1h\" and \"rate 1 g/h\" both give the infusion; keep one");
	expect_err("2 g iv q24h x5 rate 1 U/h", &c, "column 21: rate unit U "
	    "does not convert to the dose's g");
	expect_err("2 g iv q24h x5 rate 1 g", &c, "column 21: rate \"1 g\" "
	    "needs a time unit, such as \"1 g/h\"");
	expect_err("2 g iv q24h x5 rate", &c, "column 20: expected a rate "
	    "such as \"1 g/h\", got end of text");
	expect_err("100 mg iv q12h q8h x2", &c, "column 16: \"q12h\" and "
	    "\"q8h\" both give the interval; keep one");
	expect_err("100 mg iv daily every 8 h x2", &c, "column 17: \"daily\" "
	    "and \"every 8 h\" both give the interval; keep one");
	expect_err("100 mg iv q12h x2 for 7d", &c, "column 19: \"x2\" and "
	    "\"for 7d\" both give the end; keep one");
	expect_err("100 mg iv from 1h q12h x2 from 2h", &c, "column 27: "
	    "\"from 1h\" and \"from 2h\" both give the start; keep one");
	expect_err("100 mg iv q12", &c, "column 14: \"12\" needs a time unit "
	    "such as h or d, got end of text");
	expect_err("100 mg iv q12h x2 from 5", &c, "column 25: \"5\" needs a "
	    "time unit such as h or d, got end of text");
	expect_err("100 mg iv q", &c, "column 12: expected an interval such "
	    "as \"12h\", got end of text");
	expect_err("100 mg iv q12 fortnights x2", &c, "column 15: unknown "
	    "time unit \"fortnights\" (min, h, d, w)");
	expect_err("100 mg iv q12s x2", &c, "column 14: unknown time unit "
	    "\"s\" (min, h, d, w)");
	expect_err("100 mg iv q0h x2", &c, "column 12: interval must be "
	    "positive, got \"0\"");
	expect_err("100 mg iv q12h x2 over -1h", &c, "column 24: duration "
	    "must be positive, got \"-1\"");
	expect_err("100 mg iv q12h x0", &c, "column 17: \"x\" needs at least "
	    "1 dose, got \"0\"");
	expect_err("100 mg iv q12h x1.5", &c, "column 17: \"x\" needs a whole "
	    "number of doses, got \"1.5\"");
	expect_err("100 mg iv q12h x", &c, "column 17: \"x\" needs a whole "
	    "number of doses, got end of text");
	expect_err("1 mg iv q1h x99999999", &c, "column 14: x 99999999 is "
	    "more than 10000000 doses");
	expect_err("1 mg iv q1min for 7000d", &c, "column 15: \"for 7000d\" "
	    "gives more than 10000000 doses");
	expect_err("100 mg iv at 25:00", &c, "column 14: clock time \"25:00\" "
	    "is not between 00:00 and 23:59");
	expect_err("100 mg iv at 07:60", &c, "column 14: clock time \"07:60\" "
	    "is not between 00:00 and 23:59");
	expect_err("100 mg iv at 7", &c, "column 14: expected a clock time "
	    "such as 07:00, got \"7\"");
	expect_err("100 mg iv at 07:00,", &c, "column 20: expected a clock "
	    "time such as 07:00, got end of text");
	expect_err("100 mg iv at 07:000", &c, "column 14: expected a clock "
	    "time such as 07:00, got \"07:000\"");
	expect_err("100 mg iv at 07:00,07:00", &c, "column 20: clock time "
	    "\"07:00\" is given twice");
	expect_err("100 mg iv at 08:00 q12h x2", &c, "column 20: \"q12h\": "
	    "clock times repeat every whole number of days");
	expect_err("100 mg iv q12h x14 junk", &c, "column 20: expected a "
	    "clause such as q12h, daily, x14, for 7d, at 07:00 or over 1h, got "
	    "\"junk\"");
	expect_err("100 mg iv q12h x2 .", &c, "column 19: expected a clause "
	    "such as q12h, daily, x14, for 7d, at 07:00 or over 1h, got "
	    "\".\"");
	expect_err("100 mg iv q12h x2,", &c, "column 18: expected a clause "
	    "such as q12h, daily, x14, for 7d, at 07:00 or over 1h, got "
	    "\",\"");
	expect_err("100 mg iv \x01", &c, "column 11: expected a clause such "
	    "as q12h, daily, x14, for 7d, at 07:00 or over 1h, got byte 0x01");
	expect_err("100 mg q12h x2", &c, "column 7: no route for \"100 mg\": "
	    "give one such as iv, po or sc after the amount");
	expect_err("100 mg q12h x2 iv", &c, "column 16: unknown clause \"iv\" "
	    "(a route goes right after the amount)");
	expect_err("100 mg iv q12h x2 then 50 mg po", &c, "column 19: "
	    "\"then\" starts a new part: put \";\" before it");
	expect_err("100 mg iv;", &c, "column 11: expected an amount such as "
	    "\"1000 mg\", got end of text");
	expect_err("100 mg iv;; 50 mg po", &c, "column 11: expected an amount "
	    "such as \"1000 mg\", got \";\"");
	expect_err("then 100 mg iv", &c, "column 1: \"then\" needs a part "
	    "before it");
	expect_err("100 mg iv; then 50 mg po", &c, "column 12: then: cannot "
	    "tell when the part starts; give from TIME");
	expect_err("100 mg iv; then 1 mg/h iv for 2h", &c, "column 12: then: "
	    "cannot tell when the part starts; give from TIME");
	expect_err("basal 10 U sc for 7d", &c, "column 7: basal needs a rate "
	    "such as \"1.2 U/h\", got \"10 U\"");
	expect_err("1.2 U/h sc", &c, "column 1: continuous infusion "
	    "\"1.2 U/h\" needs an end: for DURATION or until TIME");
	expect_err("1.2 U/h sc q12h for 1d", &c, "column 12: \"q12h\" does "
	    "not apply to a continuous infusion such as \"1.2 U/h\"");
	expect_err("1.2 U/h sc for 1d over 1h", &c, "column 19: \"over 1h\" "
	    "does not apply to a continuous infusion such as \"1.2 U/h\"");
	expect_err("100 mg iv q12h until 10h from 24h", &c, "column 16: "
	    "\"until 10h\" gives no doses: the part starts at TIME 24");
	expect_err("1 mg/h iv until 10h from 24h", &c, "column 11: "
	    "\"until 10h\" gives no doses: the part starts at TIME 24");
	/* errors of the expansion: the model and the individual */
	expect_err("100 mg im", &c, "column 8: route \"im\" is not declared "
	    "in the model (routes: iv, po, sc, meal)");
	c.routes = NULL;
	expect_err("100 mg im", &c, "column 8: route \"im\" is not declared "
	    "in the model");
	c = context("h", "g");
	c.arg = &no_meal;
	c.routes = "iv, po, sc";
	expect_err("meal 60 g at 07:00", &c, "column 1: route \"meal\" is not "
	    "declared in the model (routes: iv, po, sc)");
	c = context("h", "mg");
	expect_err("15 mg/kg iv", &c, "column 1: dose per kg needs a weight: "
	    "WT is missing");
	expect_err("15 mg iv q12h x2 rate 1 mg/kg/h", &c, "column 23: dose per "
	    "kg needs a weight: WT is missing");
	c.wt = 0;
	expect_err("15 mg/kg iv", &c, "column 1: dose per kg needs a weight: "
	    "WT 0 kg is out of range (above 0, up to 500)");
	c.wt = 650;
	expect_err("15 mg/kg iv", &c, "column 1: dose per kg needs a weight: "
	    "WT 650 kg is out of range (above 0, up to 500)");
	c.wt = 80;
	/* 1000 mg/kg at 80 kg: 8 h at 10 g/h, longer than q6h */
	expect_err("1 g/kg iv q6h x2 rate 10 g/h", &c, "column 18: infusion "
	    "of 8 h is longer than the 6 h interval");
	c = context("h", "U");
	expect_err("100 mg iv", &c, "column 1: amount unit mg does not "
	    "convert to the model's U");
	expect_err("2 U iv q24h x2 rate 1 mg/h", &c, "column 21: rate unit mg "
	    "does not convert to the dose's U");
	c = context("fortnight", "mg");
	expect_err("100 mg iv", &c, "the model's time unit \"fortnight\" is "
	    "not one of s, min, h, d, w");
	c = context("h", "mg");
	c.clock0 = 24;
	expect_err("100 mg iv at 08:00", &c, "column 11: the clock time of "
	    "TIME 0 must be in [0, 24) hours, got 24");
	c = context("h", "mg");
	c.start = INFINITY;
	expect_err("100 mg iv", &c, "the start time is not a finite number");
	c = context("h", "kg");
	expect_err("1e-320 ng iv", &c, "column 1: \"1e-320 ng\" is out of "
	    "range in the model's units");
	c = context("w", "mg");
	expect_err("1e300 mg iv q1h x2 over 1e-300 min", &c, "column 1: the "
	    "infusion rate of \"1e300 mg\" is out of range");
	c = context("h", "mg");
	expect_err("1 mg iv q1e303w x2", &c, "column 10: interval \"1e303\" "
	    "is out of range");
	expect_err("1 mg iv q2e302w x3; then 1 mg iv", &c, "column 26: a time "
	    "of this part is out of range");
	if ((big = malloc(70000)) != NULL) {
		memset(big, ' ', 69999);
		big[69999] = '\0';
		expect_err(big, &c, "regimen is too long (69999 bytes, at most "
		    "65536)");
		free(big);
	}
}

/* The parsed regimen does not keep the caller's text. */
static void
test_ownership(void)
{
	struct reg_context c = context("h", "mg");
	struct twin_err err;
	struct regimen *r;
	struct reg_dose *d;
	char text[] = "100 mg im";
	int n;

	r = regimen_parse(text, &err);
	memset(text, 'z', sizeof(text) - 1);
	n = r == NULL ? -2 : regimen_expand(r, &c, &d, &err);
	tap_ok(n == -1 && strcmp(err.msg, "column 8: route \"im\" is not "
	    "declared in the model (routes: iv, po, sc, meal)") == 0,
	    "messages quote a copy of the text");
	regimen_free(r);
	regimen_free(NULL);
	tap_ok(regimen_parse(NULL, &err) == NULL &&
	    strcmp(err.msg, "no regimen") == 0, "NULL text");
	/* regimen_text: one line, for a table's field */
	r = regimen_parse(" 100 mg iv;\n\t 50 mg po\n", &err);
	tap_ok(r != NULL && strcmp(regimen_text(r), "100 mg iv; 50 mg po")
	    == 0, "regimen_text: line breaks and tabs become one space");
	regimen_free(r);
}

/* "bolus by CR sc at meals": the column through ctx->column. */
static double cr_value = 12;

static double
column(void *arg, const char *name)
{
	(void)arg;
	return strcmp(name, "CR") == 0 ? cr_value : NAN;
}

/* Meals in g into a model of insulin units. */
static const char *
meal_in_g(void *arg, const char *name)
{
	(void)arg;
	return strcmp(name, "meal") == 0 ? "g" : NULL;
}

static void
test_bolus_by(void)
{
	struct reg_context c = context("min", "U");

	c.column = column;
	c.route_unit = meal_in_g;
	/* meals at 07:00 (420 min) and 12:30 (750), 60 g and 48 g, CR 12
	 * g/U: 5 U and 4 U at the same times, daily for 3 days (ADDL 2) */
	EXPECT("meal 60 g at 07:00 daily x3; meal 48 g at 12:30 daily x3; "
	    "bolus by CR sc at meals", &c,
	    { 420, 60, 0, MEAL, 1440, 2 }, { 420, 5, 0, SC, 1440, 2 },
	    { 750, 48, 0, MEAL, 1440, 2 }, { 750, 4, 0, SC, 1440, 2 });
	/* a meal in mg: 30000 mg = 30 g, / 12 g/U = 2.5 U */
	EXPECT("meal 30000 mg at 08:00; bolus by CR sc at meals", &c,
	    { 480, 30, 0, MEAL, 0, 0 }, { 480, 2.5, 0, SC, 0, 0 });
	expect_err("meal 60 g at 07:00; bolus by CF sc at meals", &c,
	    "column 30: bolus by CF: the individual has no CF");
	cr_value = 0;
	expect_err("meal 60 g at 07:00; bolus by CR sc at meals", &c,
	    "column 30: bolus by CR: CR 0 is not a positive carbohydrate "
	    "ratio (g/U)");
	cr_value = 12;
	expect_err("1 U sc; bolus by CR sc at meals", &c,
	    "column 9: bolus at meals: the regimen has no meal in grams");
	expect_err("meal 60 g at 07:00; then bolus by CR sc at meals", &c,
	    "column 21: a bolus by a column at meals follows the meals, not "
	    "\"then\"");
	expect_err("meal 60 g; bolus by CR sc at meals; then 1 U sc", &c,
	    "column 37: \"then\" cannot follow a bolus at meals");
	expect_err("meal 60 g; bolus by CR at meals", &c,
	    "column 24: expected the insulin's route (bolus by CR sc at "
	    "meals), got \"at\"");
	expect_err("meal 60 g; bolus by CR sc at breakfast", &c,
	    "column 30: expected \"meals\", got \"breakfast\"");
	expect_err("meal 60 g; bolus by CR sc at meals q8h", &c,
	    "column 36: a bolus at meals takes no clause, got \"q8h\"");
	/* an amount by a column: CR 12 read as U/h, 12 U/h = 0.2 U/min for
	 * a day, 288 U in all */
	EXPECT("basal by CR U/h sc for 1d", &c, { 0, 288, 0.2, SC, 0, 0 });
	EXPECT("by CR U sc q12h x2", &c, { 0, 12, 0, SC, 720, 1 });
	expect_err("basal by CF U/h sc for 1d", &c,
	    "column 7: amount by CF: the individual has no CF");
	cr_value = -1;
	expect_err("by CR U sc", &c,
	    "column 1: amount by CR: CR -1 is not positive");
	cr_value = 12;
	expect_err("by 12 U sc", &c,
	    "column 4: expected a column after \"by\", got \"12\"");
	expect_err("meal 60 g; bolus CR sc at meals", &c,
	    "column 18: expected \"by\" and a column (bolus by CR sc at "
	    "meals), got \"CR\"");
}

/* Meals in mg into a model of U (uvapadova's routes). */
static const char *
meal_in_mg(void *arg, const char *name)
{
	(void)arg;
	return strcmp(name, "meal") == 0 ? "mg" : NULL;
}

/* "bolus by CR sc at meals" with the meals already in the records. */
static void
test_record_meals(void)
{
	struct reg_context c = context("min", "U");
	/* 60000 mg at 420 min daily x7, 45000 mg once at 750 min */
	static const struct reg_dose meals[] = {
		{ 420, 60000, 0, MEAL, 1440, 6 },
		{ 750, 45000, 0, MEAL, 0, 0 },
	};

	c.column = column;
	c.route_unit = meal_in_mg;
	c.meals = meals;
	c.nmeal = 2;
	cr_value = 15;
	/* 60 g / 15 g/U = 4 U with the meal's II and ADDL; 45 g = 3 U */
	EXPECT("bolus by CR sc at meals", &c,
	    { 420, 4, 0, SC, 1440, 6 }, { 750, 3, 0, SC, 0, 0 });
	/* with a meal of the regimen as well: 30 g = 2 U at 08:00 */
	EXPECT("meal 30 g at 08:00; bolus by CR sc at meals", &c,
	    { 420, 4, 0, SC, 1440, 6 }, { 480, 30000, 0, MEAL, 0, 0 },
	    { 480, 2, 0, SC, 0, 0 }, { 750, 3, 0, SC, 0, 0 });
	c.route_unit = NULL;	/* meals in U: not a mass */
	expect_err("bolus by CR sc at meals", &c,
	    "column 1: bolus at meals: the records' meals are in \"U\", not "
	    "a mass");
	cr_value = 12;
}

int
main(void)
{
	test_examples();
	test_bolus_by();
	test_record_meals();
	test_units();
	test_timing();
	test_errors();
	test_ownership();
	return tap_done();
}
