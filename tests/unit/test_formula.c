/*
 * test_formula - lib/body/formula: each body-size and kidney formula
 * against a published example or a hand calculation (written out below),
 * the NaN ("not measured") convention, the domain rules.
 *
 * Hand calculations were done with exact decimal arithmetic and double
 * precision pow/sqrt outside the code under test; tolerance 1e-12
 * relative unless stated.
 */
#include <math.h>
#include <string.h>

#include "body/formula.h"
#include "tap.h"

static double
val(const double *out, const char *name)
{
	int i = formula_index(name);

	return i < 0 ? NAN : out[i];
}

int
main(void)
{
	struct twin_err err;
	double out[32], v;
	int i, ok;
	/* Reference man of ICRP 89: 35 y, 176 cm, 73 kg; SCR 1.2 mg/dL. */
	double man[FORMULA_NCOV] = { 1, 35, 176, 73, 1.2 };
	/* Reference woman: 35 y, 163 cm, 60 kg. */
	double woman[FORMULA_NCOV] = { 2, 35, 163, 60, 0.6 };

	tap_ok(formula_count() == 9 && formula_count() <= 32,
	    "nine formulas");
	ok = 1;
	for (i = 0; i < formula_count(); i++) {
		const struct formula *f = formula_at(i);

		ok &= f != NULL && formula_find(f->name) == f &&
		    f->unit != NULL && f->source != NULL && *f->source;
	}
	tap_ok(ok && formula_find("EGFR") != NULL &&
	    formula_find("egfr") == NULL && formula_at(-1) == NULL,
	    "every formula found by its name, with unit and source");

	tap_ok(formula_person(man, out, &err) == 0, "reference man evaluates");
	/* BMI = 73 / 1.76^2 = 73 / 3.0976 = 23.566632231404959 */
	tap_close(val(out, "BMI"), 23.566632231404959, 1e-12, "BMI 176 cm 73 kg");
	/* Mosteller: sqrt(176 x 73 / 3600) = sqrt(3.5688888...) =
	 * 1.8891503087073005 m^2 */
	tap_close(val(out, "BSA"), 1.8891503087073005, 1e-12,
	    "BSA Mosteller 176 cm 73 kg (adult)");
	{
		const char *nm[] = { "WT", "HT" };
		double x[] = { 70, 170 };

		tap_ok(formula_eval(formula_find("BSA_DUBOIS")->text, nm, x, 2,
		    &v, &err) == 0, "BSA_DUBOIS evaluates over WT, HT alone");
		/* 0.007184 x 70^0.425 x 170^0.725 = 1.8097078017532470 */
		tap_close(v, 1.809707801753247, 1e-12, "BSA Du Bois 70 kg 170 cm");
	}
	/* CKD-EPI 2021, man 55 y, SCR 1.2 mg/dL: the National Kidney
	 * Foundation calculator gives 71 mL/min/1.73 m^2 (rounded).  Hand:
	 * 142 x (1.2/0.9)^-1.200 x 0.9938^55 = 142 x 0.708122 x 0.710354 =
	 * 71.417795921921 */
	{
		double m55[FORMULA_NCOV] = { 1, 55, 176, 73, 1.2 };

		tap_ok(formula_person(m55, out, &err) == 0, "man 55 y");
		tap_close(val(out, "EGFR"), 71.4177959219211, 1e-12,
		    "CKD-EPI 2021 man 55 y SCR 1.2 by hand");
		tap_ok(fabs(val(out, "EGFR") - 71) < 0.5,
		    "CKD-EPI 2021 man 55 y SCR 1.2: NKF calculator 71");
		/* GFR = EGFR x BSA / 1.73 x 0.06 L/h = 71.4177959219211 x
		 * 1.8891503087073005 / 1.73 x 0.06 = 4.679269984269094 */
		tap_close(val(out, "GFR"), 4.679269984269094, 1e-12,
		    "GFR absolute in L/h from EGFR and BSA");
	}
	/* CKD-EPI 2021, woman 40 y, SCR 0.6 (below kappa 0.7): 142 x
	 * (0.6/0.7)^-0.241 x 0.9938^40 x 1.012 = 116.29545162194965 */
	{
		double f40[FORMULA_NCOV] = { 2, 40, 163, 60, 0.6 };

		tap_ok(formula_person(f40, out, &err) == 0, "woman 40 y");
		tap_close(val(out, "EGFR"), 116.29545162194965, 1e-12,
		    "CKD-EPI 2021 woman 40 y SCR 0.6 (min branch, x1.012)");
	}
	/* Cockcroft-Gault: man 40 y, 72 kg, SCR 1.0: (140-40) x 72 / (72 x
	 * 1.0) = 100 mL/min exactly; the woman x 0.85 = 85 */
	{
		double m[FORMULA_NCOV] = { 1, 40, 170, 72, 1.0 };
		double f[FORMULA_NCOV] = { 2, 40, 170, 72, 1.0 };

		tap_ok(formula_person(m, out, &err) == 0 &&
		    fabs(val(out, "CRCL") - 100) < 1e-12,
		    "Cockcroft-Gault man 40 y 72 kg SCR 1.0 = 100 mL/min");
		tap_ok(formula_person(f, out, &err) == 0 &&
		    fabs(val(out, "CRCL") - 85) < 1e-12,
		    "Cockcroft-Gault woman: x 0.85 = 85 mL/min");
	}
	/* Lean body mass, man 73 kg 176 cm:
	 * James 1.1 x 73 - 128 x (73/176)^2 = 80.3 - 22.020661157 =
	 * 58.279338842975214; Janmahasatian 9270 x 73 / (6680 + 216 x
	 * 23.566632231404959) = 57.49255994958636; Boer 0.407 x 73 + 0.267
	 * x 176 - 19.2 = 29.711 + 46.992 - 19.2 = 57.503.
	 * Woman 60 kg 163 cm: James 1.07 x 60 - 148 x (60/163)^2 =
	 * 44.146554254958794; Janmahasatian 9270 x 60 / (8780 + 244 x
	 * 22.582709172343712) = 38.92183020767559; Boer 0.252 x 60 + 0.473
	 * x 163 - 48.3 = 43.919 */
	tap_ok(formula_person(man, out, &err) == 0, "man again");
	tap_close(val(out, "LBM_JAMES"), 58.279338842975214, 1e-12, "James man");
	tap_close(val(out, "LBM_JANMAHASATIAN"), 57.49255994958636, 1e-12,
	    "Janmahasatian man");
	tap_close(val(out, "LBM_BOER"), 57.503, 1e-12, "Boer man");
	tap_ok(formula_person(woman, out, &err) == 0, "reference woman");
	tap_close(val(out, "LBM_JAMES"), 44.146554254958794, 1e-12,
	    "James woman");
	tap_close(val(out, "LBM_JANMAHASATIAN"), 38.92183020767559, 1e-12,
	    "Janmahasatian woman");
	tap_close(val(out, "LBM_BOER"), 43.919, 1e-12, "Boer woman");
	/* Mosteller for the woman: sqrt(163 x 60 / 3600) = sqrt(2.71666..)
	 * = 1.6482313753434820 */
	tap_close(val(out, "BSA"), 1.648231375343482, 1e-12, "BSA woman");

	/* Haycock below 18 y: 10 y, 140 cm, 30 kg: 0.024265 x 30^0.5378 x
	 * 140^0.3964 = 1.0717691690196336 m^2; SCR not measured: the kidney
	 * formulas are NaN and their adult-only rules not checked */
	{
		double child[FORMULA_NCOV] = { 2, 10, 140, 30, NAN };

		tap_ok(formula_person(child, out, &err) == 0,
		    "child without SCR evaluates");
		tap_close(val(out, "BSA"), 1.0717691690196336, 1e-12,
		    "BSA Haycock 10 y 140 cm 30 kg");
		tap_ok(isnan(val(out, "EGFR")) && isnan(val(out, "GFR")) &&
		    isnan(val(out, "CRCL")) && !isnan(val(out, "BMI")),
		    "no SCR: EGFR, GFR, CRCL are NaN, BMI is not");
		child[FORMULA_SCR] = 0.5;
		tap_ok(formula_person(child, out, &err) == -1 &&
		    err.kind == TWIN_EDOMAIN && strstr(err.msg, "CKD-EPI"),
		    "child with SCR: CKD-EPI refused (adults)");
		printf("# %s\n", err.msg);
	}

	/* Refusals. */
	{
		double p[FORMULA_NCOV] = { 3, 35, 176, 73, 1.0 };

		tap_ok(formula_person(p, out, &err) == -1 &&
		    err.kind == TWIN_EDOMAIN && strstr(err.msg, "SEX") &&
		    strstr(err.msg, "\"3\""), "SEX 3 is a domain error");
		printf("# %s\n", err.msg);
		p[0] = 0;
		tap_ok(formula_person(p, out, &err) == -1 &&
		    err.kind == TWIN_EDOMAIN, "SEX 0 is a domain error");
		p[0] = 1;
		p[FORMULA_SCR] = 0;
		tap_ok(formula_person(p, out, &err) == -1 &&
		    err.kind == TWIN_EDOMAIN && strstr(err.msg, "SCR"),
		    "SCR 0 is a domain error");
		p[FORMULA_SCR] = 1;
		p[FORMULA_WT] = -1;
		tap_ok(formula_person(p, out, &err) == -1 &&
		    err.kind == TWIN_EDOMAIN && strstr(err.msg, "WT"),
		    "negative WT is a domain error");
	}

	/* formula_eval: unknown names and bad text are errors. */
	{
		const char *nm[] = { "WT" };
		double x[] = { 70 };

		tap_ok(formula_eval("WT * HT", nm, x, 1, &v, &err) == -1 &&
		    err.kind == TWIN_EUNKNOWN && strstr(err.msg, "HT"),
		    "formula_eval: unknown name is an error");
		tap_ok(formula_eval("WT *", nm, x, 1, &v, &err) == -1,
		    "formula_eval: bad text is an error");
	}

	/* fprog: a definition may use earlier ones only. */
	{
		const char *in[] = { "X" };
		struct formula d[] = {
			{ "A", "B + 1", "", "", "" },
			{ "B", "X", "", "", "" },
		};
		struct formula d2[] = {
			{ "B", "2 * X", "", "", "" },
			{ "A", "B + 1", "", "", "" },
		};
		struct formula_rule r[] = { { "A < 10", "A below 10", NULL } };
		struct fprog *fp;
		double x = 3, o[2];

		fp = fprog_compile(in, 1, d, 2, NULL, 0, &err);
		tap_ok(fp == NULL && err.kind == TWIN_EUNKNOWN,
		    "a definition cannot use a later one");
		fp = fprog_compile(in, 1, d2, 2, r, 1, &err);
		tap_ok(fp != NULL && fprog_eval(fp, &x, o, &err) == 0 &&
		    o[0] == 6 && o[1] == 7, "definitions in order: B = 6, A = 7");
		x = 5;
		tap_ok(fp != NULL && fprog_eval(fp, &x, o, &err) == -1 &&
		    err.kind == TWIN_EDOMAIN && strstr(err.msg, "A below 10") &&
		    strstr(err.msg, "A \"11\""),
		    "a failing rule names itself and its values");
		printf("# %s\n", err.msg);
		fprog_free(fp);
	}
	return tap_done();
}
