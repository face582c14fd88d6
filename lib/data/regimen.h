/*
 * regimen.h - dosing regimens written as text, expanded to dose records.
 *
 *	1000 mg iv q12h x14 over 1h
 *	load 25 mg/kg iv over 2h; then 15 mg/kg iv q12h x10 over 1h
 *	meal 60 g at 07:00,12:30,19:00 daily x7
 *	basal 1.2 U/h sc for 7d
 *	bolus by CR sc at meals
 *
 * Grammar (EBNF; blanks may separate any two tokens and are needed only
 * between two words; keywords and units are case-sensitive):
 *
 *	regimen   = part { ";" part } ;
 *	part      = [ "then" ] [ "load" | "meal" | "basal" ] amount
 *		    [ route ] { clause }
 *		  | "bolus" "by" column route "at" "meals" ;
 *	amount    = ( number | "by" column ) unit [ "/" "kg" ]
 *		    [ "/" timeunit ] ;
 *	route     = letter { letter | digit | "_" } ;	(not a keyword)
 *	clause    = ( "q" | "every" ) ( duration | timeunit )
 *		  | "daily"
 *		  | "x" integer
 *		  | "for" duration
 *		  | "until" time
 *		  | "from" time
 *		  | "at" clocktime { "," clocktime }
 *		  | "over" duration
 *		  | "rate" number unit [ "/" "kg" ] "/" timeunit ;
 *	duration  = number timeunit ;			(> 0)
 *	time      = number timeunit ;			(any sign)
 *	clocktime = digit [ digit ] ":" digit digit ;	(00:00 to 23:59)
 *	timeunit  = "min" | "mins" | "minute" | "minutes"
 *		  | "h" | "hr" | "hrs" | "hour" | "hours"
 *		  | "d" | "day" | "days" | "w" | "wk" | "week" | "weeks" ;
 *	unit      = "ng" | "ug" | "mcg" | "mg" | "g" | "kg"	(mass)
 *		  | "mU" | "U" | "IU"			(insulin units, IU = U)
 *		  | "nmol" | "umol" | "mmol" | "mol" ;	(substance)
 *	number    = [ "+" | "-" ] digits [ "." digits ] [ exponent ]
 *		  | [ "+" | "-" ] "." digits [ exponent ] ;
 *	integer   = digit { digit } ;
 *
 * So "q12h", "q 12 h", "q12 hours" and "every 12 h" are the same clause,
 * "every day" is "every 1 d", and "x14" is "x 14".  Each clause may be
 * given once per part.
 *
 * Semantics:
 *
 * - An amount with "/ timeunit" is a rate: the part is a continuous
 *   infusion from its start to its end, which "for" or "until" must give;
 *   it takes no q, daily, x, at, over or rate.  "basal" requires such a
 *   rate.  Any other amount is a dose, per kg of body weight with "/kg".
 * - A part without q, every, daily or clock times is a single dose ("load"
 *   only names it).  With an interval it repeats and needs an end: "x N"
 *   doses, "for D" (doses that start before start + D) or "until T" (doses
 *   that start strictly before T); only one of the three.  "x", "for" and
 *   "until" without an interval or clock times are errors.
 * - Clock times: TIME 0 is at clock time clock0 (context).  Each clock time
 *   is given at its first occurrence at or after the part's start; alone
 *   that is all, with x, for or until it repeats daily ("daily" is then
 *   implied), and "x N" counts days: the first N occurrences of each clock
 *   time.  With clock times an interval must be a whole number of days
 *   ("at 08:00 q48h" is every other day).
 * - Start: "from T" gives it (TIME T, absolute).  Otherwise the first part,
 *   and any part without "then", starts at the context's start: parts
 *   without "then" run side by side.  A "then" part starts where the part
 *   before it ends: if that part repeats, at the time its next dose would
 *   be (its last dose + its interval, for clock times the first of the
 *   next occurrences); if it is a continuous infusion, at its end; if it
 *   is a single dose (or clock times given once) at t, at t + this part's
 *   interval, or, for a part with clock times, at their first occurrences
 *   after t.  Otherwise it is an error unless the part has "from".
 * - Infusion: "over D" gives RATE = AMT / D, "rate R" gives RATE = R; not
 *   both, and an infusion longer than the interval is an error.  Without
 *   either a dose is a bolus (RATE 0).
 * - Units: amounts (and rates) are converted to the context's amount unit
 *   when both are in the same family (mass, insulin units or substance);
 *   another family is an error.  If the context has no amount unit, or
 *   one that is not in the table above, amounts are taken as written (a
 *   rate clause is converted to the dose's unit).  Times are converted to
 *   the context's time unit (s, min, h, d or w and their long forms; NULL
 *   means h); another time unit is an error.  Per kg amounts are
 *   multiplied by the weight, which must be given, > 0 and <= 500 kg.
 * - Amounts must be > 0, durations and intervals > 0, x >= 1, and a part
 *   gives at most REG_MAXDOSES doses.
 * - "by NAME unit" as an amount: the number is the individual's column
 *   NAME (ctx->column), in that unit; an error if it has none or it is
 *   not positive.
 * - "bolus by CR sc at meals": with each meal of the regimen whose amount
 *   is a mass, an insulin bolus (the route's unit, from U) of the meal's
 *   carbohydrate in g divided by the individual's column CR (g/U, from
 *   ctx->column), at the meal's times (ADDL/II as the meal's).  The meals
 *   already in the individual's records (ctx->meals, in the unit of the
 *   route "meal", which must be a mass) get one too.  An error if the
 *   individual has no CR or it is not positive, or there is no meal; it
 *   takes no clause and no "then" (the meals give its times).
 * - A part needs a route unless it is a meal (whose route is "meal"); the
 *   context maps routes to compartments and an unknown route is an error.
 *
 * Errors start with "column N: " (N the 1-based byte offset in the text
 * of the offending token) and quote the token.
 *
 * Ownership: regimen_parse returns a regimen freed by regimen_free; it
 * does not refer to the text afterwards.  A parsed regimen is read-only:
 * threads may expand it at the same time.  regimen_expand gives the
 * caller a malloc'ed array.
 */
#ifndef TWIN_REGIMEN_H
#define TWIN_REGIMEN_H

#include "util/err.h"

#define REG_MAXDOSES	10000000	/* doses of one part */

struct regimen;

/* Parse text.  Returns NULL with err set ("column N: ..."). */
struct regimen *regimen_parse(const char *text, struct twin_err *err);
void regimen_free(struct regimen *r);

struct reg_dose {
	double time, amt, rate;	/* model units; rate 0 is a bolus */
	int cmt;		/* from ctx->route */
	double ii;		/* interval, 0 if addl is 0 */
	int addl;		/* additional doses (NONMEM ADDL) */
};

struct reg_context {
	double start;		/* default start, model time units */
	double clock0;		/* clock time at TIME 0, hours in [0, 24) */
	double wt;		/* body weight, kg; NaN if unknown */
	const char *time_unit;	/* the model's, NULL means h */
	const char *amount_unit;	/* NULL: amounts as written */
	/* Route name to 0-based compartment, or -1 if unknown. */
	int (*route)(void *arg, const char *name);
	/* The amount unit of a route when it is not amount_unit (NULL
	 * callback or result: amount_unit). */
	const char *(*route_unit)(void *arg, const char *name);
	/* The individual's value of a column (a carbohydrate ratio for
	 * "bolus by CR sc at meals"), NaN if it has none; may be NULL. */
	double (*column)(void *arg, const char *name);
	void *arg;
	const char *routes;	/* for messages: "iv, po"; may be NULL */
	/* Meals already in the records, for "bolus by CR sc at meals":
	 * time, ii (model units), addl and amt in the unit of the route
	 * "meal" (ctx->route_unit, else amount_unit); may be NULL. */
	const struct reg_dose *meals;
	int nmeal;
};


/*
 * Expand r for one individual into dose records sorted by time (ties in
 * the order of the text), with ADDL/II for regular repeats.  *out is
 * malloc'ed; the caller frees it.  Returns the number of records (>= 1)
 * or -1 with err set: an unknown route, a per kg dose without a usable
 * weight, an amount unit of another family, an infusion longer than its
 * interval, a part with no doses, a value out of range.
 */
int regimen_expand(const struct regimen *r, const struct reg_context *ctx,
    struct reg_dose **out, struct twin_err *err);

/* Has r a "bolus by ... at meals" part (which reads ctx->meals)? */
int regimen_has_bolus(const struct regimen *r);

/* The text r was parsed from, on one line: each run of white space
 * (line breaks, tabs) one space, none at the ends (a table's field). */
const char *regimen_text(const struct regimen *r);

#endif
