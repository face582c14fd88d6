/*
 * drug.h - a drug file (twin-drug(5)): the physicochemistry, binding,
 * clearance and absorption of one drug, each value with its source, read
 * from YAML with libyaml.
 *
 * Every numeric or class value is a mapping {value, unit, reference}:
 * `reference:` is required (a value without one is refused, always: the
 * shipped drugs must be traceable, and a user's own value can cite
 * "measured in-house 2026"), `unit:` is required for the dimensional
 * values and must be the one spelling twin-drug(5) lists; a dimensionless
 * value must have none.  Unknown keys and keys given twice are refused.
 *
 * Hepatic clearance is kept in the form the file gives: an unbound
 * intrinsic clearance in L/h, or an in vitro value (microsomal
 * uL/min/mg with MPPGL mg/g, or hepatocyte uL/min/10^6 cells with HPGL
 * 10^6 cells/g, each divided by its fraction unbound in the incubation).
 * The in vitro forms scale per gram of liver (pbpk.md 5.4):
 *   CLint (L/h) = CLint,vitro / fu,inc x MPPGL (or HPGL) x liver mass (g)
 *                 x 60e-6
 * so drug_clint_per_g gives everything but the person's liver mass, which
 * the model generator multiplies in at run time.
 *
 * Ownership: drug_load fills a caller-owned struct drug whose strings it
 * allocates; drug_free releases them (and is safe on a zeroed struct).
 * Errors: -1 and err, kind TWIN_EINPUT, text "FILE:LINE: what is wrong";
 * TWIN_ESYSTEM when the file cannot be opened.
 */
#ifndef TWIN_DRUG_H
#define TWIN_DRUG_H

#include "body/kp.h"
#include "body/tissue.h"
#include "util/err.h"

enum drug_clint_kind {
	DRUG_CLINT_UNBOUND,	/* clint, L/h */
	DRUG_CLINT_MICROSOMAL,	/* invitro uL/min/mg, scale = MPPGL mg/g */
	DRUG_CLINT_HEPATOCYTE	/* invitro uL/min/10^6 cells, scale = HPGL */
};

/* One value's source, by its key path ("logp", "hepatic.mppgl",
 * "kp.liver"). */
struct drug_ref {
	char *key;
	char *text;
	int line;
};

struct drug {
	char *name;
	char *path;
	struct kp_drug kp;		/* logp, class, pKa, fu, B:P, logma */
	enum kp_method method;		/* kp.method */
	double mw;			/* g/mol; NAN when not given */
	enum drug_clint_kind clint_kind;
	double clint;			/* L/h (DRUG_CLINT_UNBOUND) */
	double invitro;			/* in vitro CLint (see clint_kind) */
	double scale;			/* MPPGL (mg/g) or HPGL (10^6 cells/g) */
	double fu_inc;			/* fraction unbound in the incubation */
	/* Renal clearance of plasma: CL_R = fu x (GFR + cl_secretion), or
	 * fu x cl_renal when the file gives renal.clearance.  Both are
	 * clearances of unbound drug (L/h), as the voriconazole model's
	 * CLrenal (E19) acts on the unbound concentration. */
	double cl_secretion;		/* 0 when absent */
	double cl_renal;		/* NAN when absent */
	double ka;			/* 1/h; NAN when absent (no oral) */
	double fa, fg;			/* fractions; 1 when absent */
	double lag;			/* h; 0 when absent */
	/* oral.transit, oral.mtt: a chain of ntransit compartments with
	 * mean transit time mtt (h) before absorption; 0 when absent */
	int ntransit;
	double mtt;
	/* variability: variances of the log-normal random effects on CLint,
	 * GFR and one Kp scalar, and the residual error of CP (standard
	 * deviations, mg/L and a fraction); 0 when absent. */
	double omega_clint, omega_gfr, omega_kp;
	double err_add, err_prop;
	int has_kp[TISSUE_NKP];		/* per-tissue Kp overrides */
	double kp_override[TISSUE_NKP];
	struct drug_ref *refs;
	int nref;
};

/* Reads the drug file at path into d. */
int drug_load(struct drug *d, const char *path, struct twin_err *err);

void drug_free(struct drug *d);

/* The source of the value at key ("fu", "hepatic.mppgl"), or NULL. */
const char *drug_reference(const struct drug *d, const char *key);

/* In vitro forms: unbound CLint in L/h per g of liver; NAN for
 * DRUG_CLINT_UNBOUND (whose clint does not scale with the liver). */
double drug_clint_per_g(const struct drug *d);

/* Unbound hepatic CLint (L/h) for a liver of liver_g grams. */
double drug_clint(const struct drug *d, double liver_g);

/* Kp and Kpu (either may be NULL) of every tissue: by method (or the
 * file's kp.method when method < 0), haematocrit hct, with the file's
 * per-tissue overrides replacing the predicted values. */
int drug_kp(const struct drug *d, const struct kp_comp *c, int method,
    double hct, double kp[TISSUE_NKP], double kpu[TISSUE_NKP],
    struct twin_err *err);

#endif
