/*
 * wbody.h - the whole-body perfusion-limited PBPK model, generated as model
 * text (twin-model(5)) and loaded through the ordinary loader, so the text
 * shown for inspection and the model the programs run are one and the same.
 *
 * Structure (pbpk.md 5.1-5.3; the names and equations are in twin-model(5),
 * "Whole-body models"): venous blood -> lung -> arterial blood -> each
 * tissue; the portal organs (gut, spleen, pancreas, stomach) drain into the
 * liver, the liver and the other systemic tissues into venous blood.  The
 * liver is well-stirred and metabolises unbound drug, CLint x fu x C/Kp;
 * the kidney filters the unbound drug of the arterial plasma that enters
 * it, GFR x fu x C_art/BP, so the renal clearance is fu x GFR exactly.
 * Oral doses go into the gut lumen, of which ka x fa x lumen is absorbed
 * into the gut wall and ka x (1 - fa) x lumen leaves unabsorbed.
 *
 * Inputs are expression text in the model language (expr.h): volumes and
 * flows written by the physiology helpers in SEX, AGE, HT, WT, or
 * constants; CLint and GFR may be expressions too.  A tissue whose volume
 * is NULL is left out of the model (its flow must then be NULL too); the
 * lung, liver, gut, kidney and the arterial and venous blood are required.
 * The liver's flow Q[TISSUE_LIVER] is the hepatic ARTERY flow: the model
 * adds the portal flows to it for the total liver blood flow Q_H.  The
 * lung's flow is the cardiac output CO, which the model makes the sum of
 * the systemic flows (the flows then balance whatever the inputs); Q of
 * the lung, arterial and venous blood must be NULL.
 *
 * Ownership: struct wbody and everything it points to are the caller's;
 * wbody_yaml returns text the caller frees; wbody_model returns a model
 * freed by model_free.  No global state.
 *
 * Errors: -1 or NULL with err set (TWIN_EINPUT for bad inputs, naming the
 * field and the offending value; the loader's messages, at
 * "NAME:LINE:COL", for expressions that do not compile).
 */
#ifndef TWIN_WBODY_H
#define TWIN_WBODY_H

#include "util/err.h"
#include "model/model.h"
#include "body/tissue.h"

/* At most this many transit compartments (struct wbody.ntransit). */
#define WBODY_MAX_TRANSIT 20

/* At most this many extra tissues (struct wbody.extra). */
#define WBODY_MAX_EXTRA 8

/* The longest name (model, covariate, definition, extra tissue) taken:
 * letters, digits and underscores, not starting with a digit. */
#define WBODY_NAME_MAX 64

/* A covariate the expressions use: a default, or required. */
struct wbody_cov {
	const char *name;
	int hasdefault;
	double def;
};

/* A definition pasted into the individual: section, before the model's
 * own (the physiology formulas: BSA, CO, ...).  A definition named
 * V_<tissue>, Q_<tissue> or CO stands for the model's own (which is then
 * not written): the caller's CO must then be the sum of the systemic
 * flows, as phys.h's is. */
struct wbody_def {
	const char *name, *expr;
};

/* An extra non-eliminating systemic tissue (testes in mrgsolve's model,
 * say): arterial blood in, venous blood out, like adipose. */
struct wbody_tissue {
	const char *name;	/* a model name, not a tissue_name() */
	const char *V, *Q;	/* expression text, L and L/h */
	double kp;
};

struct wbody {
	const char *name;		/* the model's name (required) */
	const char *description;	/* NULL: a generic one */
	const struct wbody_cov *cov;	/* covariates, in this order */
	int ncov;
	const struct wbody_def *def;	/* pasted first into individual: */
	int ndef;
	const char *V[TISSUE_N];	/* volume of each tissue, L; NULL: none */
	const char *Q[TISSUE_N];	/* its blood flow, L/h (liver: artery) */
	double kp[TISSUE_NKP];		/* tissue:plasma partition coefficient */
	const struct wbody_tissue *extra;
	int nextra;
	double bp;			/* blood:plasma concentration ratio */
	double fu;			/* fraction unbound in plasma */
	const char *clint;		/* hepatic CLint of unbound drug, L/h */
	const char *gfr;		/* glomerular filtration rate, L/h */
	double ka;			/* absorption rate constant, 1/h */
	double fa;			/* fraction absorbed, 0..1 */
	int no_oral;			/* 1: no route oral (an i.v. drug) */
	/* Transit chain before absorption: the lumen empties through
	 * ntransit compartments transit1..transitN at ktr = (ntransit + 1)
	 * / mtt each; ka acts on the last.  0: ka on the lumen. */
	int ntransit;			/* 0 .. WBODY_MAX_TRANSIT */
	double mtt;			/* mean transit time, h */
	double lag;			/* lag time of oral doses, h; 0: none */
	/* Variances of the log-normal random effects ETA_CLint, ETA_GFR and
	 * ETA_Kp (one scalar on every Kp); 0 fixes an effect at 0. */
	double omega_clint, omega_gfr, omega_kp;
	/* Residual error of CP, standard deviations (twin-model(5),
	 * error:); both 0: no error: section (twin-fit needs one). */
	double err_add, err_prop;	/* mg/L; fraction */
	const char *const *bounds;	/* extra bounds: entries, e.g. "WT > 0" */
	int nbounds;
	int auc;			/* 1: a compartment AUC = integral of CP */
};

/* Empty inputs: NULL texts, no tissues, fa 1, zero variances. */
void wbody_init(struct wbody *w);

/* The model as YAML text (malloc'd, NUL-terminated), or NULL. */
char *wbody_yaml(const struct wbody *w, struct twin_err *err);

/* wbody_yaml's text loaded by model_load_string under w->name. */
struct model *wbody_model(const struct wbody *w, struct twin_err *err);

#endif
