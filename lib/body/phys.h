/*
 * phys.h - the physiology of one person (organ masses and volumes, blood
 * flows, cardiac output, blood) as expression text over SEX (1 male,
 * 2 female), AGE (y), HT (cm) and WT (kg), scaled from the ICRP 89
 * reference adults as httk/HTTK-Pop does (Ring et al. 2017), and
 * evaluated for one person.  twin-physiology(7) states every rule, its
 * source and what was chosen where the sources leave a gap.
 *
 * The numbers come from the shipped tables, read by phys_load:
 * data/pbpk/physiology_reference.tsv (ICRP 89 masses, volumes, flows)
 * and data/pbpk/reference_individual.tsv (reference age, height, weight,
 * blood density, httk's adipose floor).  They appear in the texts as the
 * tables write them; no table number is in the C code.
 *
 * The definitions, in dependency order (a text uses the inputs and the
 * names before it): BSA (formula.h's text), AGE_REF, HT_REF, WT_REF,
 * BSA_REF, HSCALE, BMC, BMC_REF, the masses M_<tissue> (kg) of every
 * tissue but the blood, V_blood, HCT, V_plasma, M_blood, M_adipose, the
 * volumes V_<tissue> (L; arterial and venous blood too), CO, the flows
 * Q_<tissue> (L/h), Q_portal, Q_liver_total.  <tissue> is tissue_name().
 * Q_liver is the hepatic artery; the liver's total inflow is
 * Q_liver_total = Q_liver + Q_portal, Q_portal = Q_gut + Q_stomach +
 * Q_spleen + Q_pancreas.  Q_lung, Q_arterial and Q_venous are CO.  Q_rest
 * closes the flow balance: CO = Q_adipose + Q_bone + Q_brain + Q_heart +
 * Q_kidney + Q_liver_total + Q_muscle + Q_skin + Q_rest.  M_adipose closes
 * the mass balance: WT = the sum of every M_<tissue> + M_blood.
 * BSA is formula.h's definition, text for text: a model that has BSA
 * already (from formula.h, or a record's covariate) leaves this one out.
 * The other helper names (AGE_REF, HT_REF, WT_REF, BSA_REF, HSCALE, BMC,
 * BMC_REF, HCT, M_*) are part of the generated model's namespace.
 *
 * The rules (domain checks, text that must be non-zero): SEX 1 or 2,
 * HT > 0, WT > 0, adults only (18 <= AGE <= 90: no sourced rules for
 * children here), adipose mass above httk's floor, a positive muscle
 * mass.  A person outside them is an error, never clamped.
 *
 * Ownership: phys_load returns a new object (phys_free); the strings and
 * structures it hands out live as long as it.  A loaded phys is read-only:
 * phys_eval may run in several threads at once.
 *
 * Errors: -1 (NULL) and err: a missing table TWIN_ESYSTEM, a malformed
 * one TWIN_EINPUT (path:line: what), an individual outside the rules
 * TWIN_EDOMAIN (the rule's words, its text and the values), TWIN_ENOMEM.
 */
#ifndef TWIN_PHYS_H
#define TWIN_PHYS_H

#include "util/err.h"
#include "body/tissue.h"
#include "body/formula.h"

/* The ages the rules cover (the issue's requirement: adults 18-90;
 * httk's children's rules are not carried over). */
#define PHYS_AGE_MIN 18
#define PHYS_AGE_MAX 90

/* The inputs of phys_eval, in this order (the first four of formula.h's
 * covariates). */
enum { PHYS_SEX, PHYS_AGE, PHYS_HT, PHYS_WT, PHYS_NCOV };

struct phys;

struct phys *phys_load(struct twin_err *err);
void phys_free(struct phys *p);

/* The text of V_<t> (L) and of Q_<t> (L/h); their names are "V_" and
 * "Q_" + tissue_name(t).  NULL for t out of range. */
const char *phys_volume_expr(const struct phys *p, enum tissue t);
const char *phys_flow_expr(const struct phys *p, enum tissue t);

/* Every definition in order (name, text, unit, meaning, source), and the
 * rules: what a generated model pastes. */
int phys_def_count(const struct phys *p);
const struct formula *phys_def_at(const struct phys *p, int i);
const struct formula *phys_def_find(const struct phys *p, const char *name);
int phys_rule_count(const struct phys *p);
const struct formula_rule *phys_rule_at(const struct phys *p, int i);

struct phys_values {
	double M[TISSUE_N];	/* kg; NaN for arterial and venous */
	double V[TISSUE_N];	/* L */
	double Q[TISSUE_N];	/* L/h */
	double BSA;		/* m^2 */
	double CO;		/* cardiac output, L/h */
	double V_blood, V_plasma;	/* L */
	double HCT;		/* whole-body haematocrit */
	double M_blood;		/* kg */
	double Q_portal, Q_liver_total;	/* L/h */
};

/* Everything for one person, cov[PHYS_SEX .. PHYS_WT]. */
int phys_eval(const struct phys *p, const double cov[PHYS_NCOV],
    struct phys_values *out, struct twin_err *err);

#endif
