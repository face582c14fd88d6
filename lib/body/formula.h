/*
 * formula.h - body-size and kidney formulas (BMI, BSA, eGFR, GFR,
 * creatinine clearance, lean body mass), written once, as expression text
 * of the model language (model/expr.h grammar), over the covariates of a
 * record: SEX (1 male, 2 female), AGE (years), HT (cm), WT (kg) and SCR
 * (serum creatinine, mg/dL).
 *
 * The whole-body model generator pastes the text of struct formula and
 * struct formula_rule into a generated model; C code that needs a value
 * (twin-pop, the tests, lib/body/phys) evaluates the same text through
 * formula_eval, struct fprog or formula_person, never a C copy of it.
 *
 * The table is in dependency order: a formula may use the covariates and
 * the names of the formulas before it (GFR uses EGFR and BSA).  Rules are
 * the domains: expression text that must be non-zero (true) for a person,
 * each with the words said when it is false, and the formula it guards
 * (NULL for a rule on the covariates themselves).
 *
 * Not known values: an input given as NaN is "not known" (a record without
 * SCR, say).  A definition that depends on a NaN input, directly or through
 * an earlier definition, is NaN in the result, and a rule that depends on
 * one (through its text or the formula it guards) is not checked.  Any
 * other failing rule is an error: nothing is clamped.
 *
 * Ownership: the tables are static and read-only.  fprog_compile returns a
 * new object owned by the caller (fprog_free); a compiled fprog is
 * read-only and fprog_eval may be called by several threads at once.
 *
 * Errors: -1 (or NULL) and err: TWIN_EUNKNOWN or TWIN_EINPUT when a text
 * does not parse (message names the definition), TWIN_EDOMAIN when a rule
 * fails for the values given (message: the rule's words, the rule's text
 * and the values of the names it uses), TWIN_ENOMEM.
 */
#ifndef TWIN_FORMULA_H
#define TWIN_FORMULA_H

#include "util/err.h"

/* The covariates of formula_person, in this order. */
enum formula_cov {
	FORMULA_SEX,
	FORMULA_AGE,
	FORMULA_HT,
	FORMULA_WT,
	FORMULA_SCR,
	FORMULA_NCOV
};

/* "SEX", "AGE", "HT", "WT", "SCR"; "?" out of range. */
const char *formula_cov_name(int i);

/* A named definition: name = text. */
struct formula {
	const char *name;	/* "BSA", "V_liver", ... */
	const char *text;	/* expression text, model/expr.h grammar */
	const char *unit;	/* "m^2", "mL/min", "L/h", ... */
	const char *meaning;	/* a few words */
	const char *source;	/* the publication the text follows */
};

/* A domain rule: text must be non-zero. */
struct formula_rule {
	const char *text;	/* "SEX == 1 || SEX == 2" */
	const char *what;	/* "SEX must be 1 (male) or 2 (female)" */
	const char *of;		/* the formula it guards, or NULL */
};

/* The formulas: BMI, BSA, BSA_DUBOIS, EGFR, GFR, CRCL, LBM_JAMES,
 * LBM_JANMAHASATIAN, LBM_BOER, in this order (dependency order). */
int formula_count(void);
const struct formula *formula_at(int i);	/* NULL out of range */
const struct formula *formula_find(const char *name);	/* NULL unknown */
int formula_index(const char *name);	/* -1 unknown */

/* The rules: covariates first (SEX 1 or 2, AGE >= 0, HT > 0, WT > 0,
 * SCR > 0), then those of formulas (EGFR and CRCL for AGE >= 18). */
int formula_rule_count(void);
const struct formula_rule *formula_rule_at(int i);	/* NULL out of range */

/*
 * Evaluate one expression text whose names are names[0..n-1] with
 * values[0..n-1]; the value into *out.  For occasional use (it parses
 * every time); many evaluations: fprog.
 */
int formula_eval(const char *text, const char *const *names,
    const double *values, int n, double *out, struct twin_err *err);

/*
 * A compiled list of definitions over inputs in[0..nin-1]: defs[i] may use
 * the inputs and defs[0..i-1]; rules may use the inputs and every
 * definition.  The arrays and strings must outlive the fprog only during
 * fprog_compile (the fprog copies the names it needs for messages).
 */
struct fprog;

struct fprog *fprog_compile(const char *const *in, int nin,
    const struct formula *defs, int ndefs,
    const struct formula_rule *rules, int nrules, struct twin_err *err);

/* Evaluate for inputs in[0..nin-1]: out[0..ndefs-1] gets the definitions.
 * 0, or -1 and err (TWIN_EDOMAIN: the first rule, in order, that fails). */
int fprog_eval(const struct fprog *p, const double *in, double *out,
    struct twin_err *err);

void fprog_free(struct fprog *p);

/*
 * Every formula of the table for one person: cov[FORMULA_SEX ..
 * FORMULA_SCR] (SCR may be NaN: not measured, and then EGFR, GFR and CRCL
 * are NaN), out[0..formula_count()-1] in table order.  Checks every rule
 * (a SEX other than 1 or 2 is TWIN_EDOMAIN).  Compiles the table each call;
 * for many people compile once with fprog_compile(formula table).
 */
int formula_person(const double cov[FORMULA_NCOV], double *out,
    struct twin_err *err);

/* The table as arrays, for fprog_compile (e.g. by twin-pop). */
const struct formula *formula_table(void);
const struct formula_rule *formula_rules(void);

#endif
