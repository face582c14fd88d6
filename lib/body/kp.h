/*
 * kp.h - tissue:plasma partition coefficients (Kp) predicted from a drug's
 * physicochemistry and the tissues' composition, and the steady-state
 * volume of distribution that follows from them.
 *
 * Methods (twin-drug(5) has the equations' sources and domains):
 *   "rr"      Rodgers, Leahy & Rowland 2005 (J Pharm Sci 94:1259) for bases
 *             whose highest basic pKa is >= 7 (KP_RR2005_PKA); Rodgers &
 *             Rowland 2006 (J Pharm Sci 95:1238) for everything else:
 *             acids, weaker bases, neutrals, zwitterions.
 *   "pt"      Poulin & Theil 2002 (J Pharm Sci 91:129).
 *   "berez"   Berezhkovskiy 2004 (J Pharm Sci 93:1628).
 *   "schmitt" Schmitt 2008 (Toxicol In Vitro 22:457), as implemented by
 *             httk's predict_partitioning_schmitt without the Pearce 2017
 *             regressions and without its fu adjustment.
 *
 * Tissue composition is human and comes from the shipped tables
 * data/pbpk/tissue_composition.tsv and tissue_composition_schmitt.tsv
 * (kp_comp_load).  Choices the sources leave open, decided here:
 *   - R&R uses the dataset RR_human_huisinga (Poulin & Theil 2002 human
 *     water, NL, NP; EW/IW split with the rat ratio; rat AP, AR, LR), human
 *     plasma NL/NP and human erythrocytes of that dataset.
 *   - P&T and Berezhkovskiy use PT_human_metrum (the composition that
 *     reproduces the published voriconazole Kps); skin, absent there, takes
 *     the water/NL/NP of RR_human_huisinga (the same Poulin & Theil 2002
 *     source).
 *   - R&R 2006 binds acids, weak bases and zwitterions to albumin (AR),
 *     neutrals to lipoproteins (LR), as the Huisinga 2012 and metrum
 *     implementations do (pbpk.md open item 1); with it the published rat
 *     Kpu of diazepam and midazolam are reproduced within 2 % (3 % with
 *     lipoproteins; test_kp).  A negative calibrated affinity (Ka_PR or
 *     Ka_AP < 0) is taken as 0, as PK-Sim does.
 *   - Adipose: R&R, P&T and Berezhkovskiy use the vegetable-oil:water
 *     coefficient log P_vo:w = 1.115 log P - 1.35 (KP_VOW_*) for the lipid
 *     terms; P&T and Berezhkovskiy divide it by the ionisation factor at
 *     pH 7.4 (D*_vo:w), and P&T takes fu_t = 1 in adipose (Kp = ratio x
 *     fu), both as the Zane & Thakker 2014 / metrum code that produced the
 *     published voriconazole values.  Schmitt uses its own lipid terms.
 *   - P&T and Berezhkovskiy use the un-ionised P in the other tissues, as
 *     published.
 *   - The composition tables name the intestinal wall "gut", as enum
 *     tissue does.  Pancreas and stomach have no human composition: they
 *     take the gut's Kp (gastro-intestinal tissue draining to the portal
 *     vein).  "rest" takes the arithmetic mean of the Kps of the ten
 *     non-adipose tissues with a composition (bone, brain, gut, heart,
 *     kidney, liver, lung, muscle, skin, spleen), as the voriconazole model
 *     of Zane & Thakker 2014 / Elmokadem 2019 sets its rest-of-body Kp.
 *   - Zwitterions: pka[0] is the acidic, pka[1] the basic pKa; the
 *     ionisation factor is 1 + 10^(pH - pKa_acid) + 10^(pKa_base - pH).
 *
 * Kp is the total tissue : total plasma ratio; Kpu = Kp / fu (tissue :
 * unbound plasma).
 *
 * Errors: -1 and err (TWIN_EDOMAIN for a drug outside the inputs' domain,
 * TWIN_ESYSTEM / TWIN_EINPUT from the tables).  No allocation is kept.
 */
#ifndef TWIN_KP_H
#define TWIN_KP_H

#include "body/tissue.h"
#include "util/err.h"

/* pH of plasma, intracellular water (R&R) and blood cells (R&R 2005
 * p.1263). */
#define KP_PH_PLASMA 7.4
#define KP_PH_IW 7.0
#define KP_PH_BC 7.22
/* Bases with a basic pKa at or above this use R&R 2005. */
#define KP_RR2005_PKA 7.0
/* Vegetable-oil:water from octanol:water (Poulin & Theil 2000). */
#define KP_VOW_SLOPE 1.115
#define KP_VOW_ICPT (-1.35)
/* P&T / Berezhkovskiy tissue:plasma albumin ratio for fu_t (P&T 2002). */
#define KP_PT_ALBUMIN_RATIO 0.5
/* Schmitt 2008: charged:neutral lipid partitioning ratio; interstitial :
 * plasma protein ratio (Sloop 1987); human plasma protein volume fraction
 * (httk datatables/HTTK-Physiology-Data.txt, 'Plasma Protein Volume
 * Fraction', Human); acidic-phospholipid factors for cations and anions. */
#define KP_SCHMITT_ALPHA 1e-3
#define KP_SCHMITT_INT_PROT 0.37
#define KP_SCHMITT_FPROT_PLASMA 0.06951
#define KP_SCHMITT_APL_CATION 20.0
#define KP_SCHMITT_APL_ANION 0.05
/* Schmitt membrane affinity from log P when not measured (Yun & Edginton
 * 2013, as httk): log MA = 1.294 + 0.304 log P. */
#define KP_MA_ICPT 1.294
#define KP_MA_SLOPE 0.304

#define KP_NPKA 3

enum kp_class { KP_NEUTRAL, KP_ACID, KP_BASE, KP_ZWITTERION };
enum kp_method { KP_RR, KP_PT, KP_BEREZ, KP_SCHMITT, KP_NMETHOD };

struct kp_drug {
	double logp;		/* octanol:water, un-ionised species */
	enum kp_class cls;
	int npka;		/* 0 for neutrals; 1..KP_NPKA; 2 (acid, base)
				 * for zwitterions */
	double pka[KP_NPKA];
	double fu;		/* fraction unbound in plasma, (0, 1] */
	double bp;		/* blood:plasma concentration ratio */
	double logma;		/* Schmitt membrane affinity; NAN: from logp */
};

/* One tissue's human composition; have_* say which methods can use it. */
struct kp_tissue {
	int have_rr, have_pt, have_schmitt;
	/* R&R: fractions of tissue volume, [AP-] mg/g, ratios, pH */
	double f_ew, f_iw, f_nl, f_np, ap, ar, lr, ph_iw;
	/* P&T / Berezhkovskiy: water, neutral lipid, phospholipid */
	double pt_w, pt_nl, pt_ph;
	/* Schmitt: cell and interstitial fractions of tissue; water, lipid,
	 * protein fractions of cells; neutral lipid, neutral and acidic
	 * phospholipid fractions of cell lipid; intracellular pH */
	double fcell, fint, fwc, flc, fpc, fn_lc, fn_plc, fa_plc, ph_c;
};

struct kp_comp {
	struct kp_tissue t[TISSUE_NKP];	/* pancreas, stomach, rest empty */
	struct kp_tissue plasma;	/* f_nl, f_np (R&R); pt_* (P&T) */
	struct kp_tissue rbc;		/* f_iw, f_nl, f_np, ap, ph_iw (R&R) */
};

/* "rr", "pt", "berez", "schmitt"; parse returns -1 for anything else. */
const char *kp_method_name(enum kp_method m);
int kp_method_parse(const char *s);

/* "neutral", "acid", "base", "zwitterion"; parse returns -1 otherwise. */
const char *kp_class_name(enum kp_class c);
int kp_class_parse(const char *s);

/* Checks a drug's inputs (fu in (0,1], B:P > 0, pKa count fits the
 * class); 0 or -1 with TWIN_EDOMAIN. */
int kp_drug_check(const struct kp_drug *d, struct twin_err *err);

/* Total over neutral concentration in water at pH (1 for neutrals):
 * acids 1 + sum_k 10^(k pH - pKa_1 - ... - pKa_k) over the pKas in
 * ascending order, bases 1 + sum_k 10^(pKb_1 + ... + pKb_k - k pH) in
 * descending order, zwitterions as above.  The neutral fraction is its
 * inverse. */
double kp_ionization(const struct kp_drug *d, double ph);

/* Reads the human composition from the shipped tables (data_find). */
int kp_comp_load(struct kp_comp *c, struct twin_err *err);

/* Kp and Kpu (either may be NULL) of every tissue with a Kp, by method m,
 * for a haematocrit hct (used by R&R 2005's blood-cell calibration). */
int kp_compute(const struct kp_drug *d, enum kp_method m,
    const struct kp_comp *c, double hct, double kp[TISSUE_NKP],
    double kpu[TISSUE_NKP], struct twin_err *err);

/* The method rr uses for d: 2005 or 2006. */
int kp_rr_year(const struct kp_drug *d);

/* Vss (L, plasma-referenced) = V_blood x B:P + sum_T V_T x Kp_T, which is
 * V_P + V_E x E:P + sum_T V_T Kp_T with E:P = (B:P - 1 + Hct)/Hct
 * (pbpk.md 3.4, no extraction correction).  vol is indexed by enum tissue
 * (L); blood is vol[TISSUE_ARTERIAL] + vol[TISSUE_VENOUS].  Divide by body
 * weight for L/kg. */
double kp_vss(const double kp[TISSUE_NKP], const double vol[TISSUE_N],
    double bp);

#endif
