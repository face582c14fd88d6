/*
 * pbpk.h - the whole-body twin of a drug: a drug file (drug.h) and the
 * physiology of a person (phys.h) made into one whole-body model
 * (wbody.h), the model `-m DRUG` loads and twin-pbpk(1) prints.
 *
 * The model is the same for every person: the physiology is text in the
 * covariates SEX (1 male, 2 female), AGE (y), HT (cm), WT (kg) and SCR
 * (serum creatinine, mg/dL), evaluated per individual from the records.
 * The five are required (no defaults): a twin is made of its person.
 *   - volumes and flows: phys.h's definitions, pasted in order, and its
 *     rules as bounds (adults 18-90, adipose above the floor);
 *   - GFR (L/h): formula.h's EGFR (CKD-EPI 2021) times BSA / 1.73 m^2,
 *     plus the drug's secretion clearance, or the drug's renal clearance
 *     when the file gives one; filtration of unbound drug;
 *   - hepatic CLint of unbound drug (L/h): the file's, or its in vitro
 *     value scaled per gram of the person's liver (M_liver);
 *   - Kp of every tissue: once per drug by the file's method (or the one
 *     asked for), with the file's overrides, at the reference man's
 *     haematocrit (phys.h: the B:P the calibration uses was measured in
 *     typical blood, not the person's);
 *   - oral doses: ka and fa x Fg (gut-wall loss counted as not
 *     absorbed); a drug without ka has no oral route; lag as the file's;
 *   - random effects on CLint, GFR and one Kp scalar, and the residual
 *     error of CP, from the file's variability: section when it has one
 *     (twin-drug(5)); else none (twin-fit then has nothing to estimate).
 *
 * A drug file is found by name as DIR/drugs/NAME.yaml in the model
 * directories (model_dir); a path is a drug file when its text has no
 * top-level `compartments:` key (pbpk_is_drug).
 *
 * Ownership: returned text and models are the caller's (free,
 * model_free).  Errors: -1 or NULL with err (the drug file's
 * FILE:LINE errors, TWIN_EINPUT; missing tables TWIN_ESYSTEM).
 */
#ifndef TWIN_PBPK_H
#define TWIN_PBPK_H

#include <stddef.h>

#include "util/err.h"
#include "model/model.h"
#include "body/drug.h"
#include "body/kp.h"
#include "body/tissue.h"

/* The folder of drug files below each model directory. */
#define PBPK_DRUGDIR "drugs"

/* Kps of a drug (method < 0: the file's), at the reference haematocrit;
 * *used gets the method taken. */
int pbpk_kp(const struct drug *d, int method, double kp[TISSUE_NKP],
    double kpu[TISSUE_NKP], int *used, struct twin_err *err);

/* The whole-body model of drug d as model text (malloc'd). */
char *pbpk_yaml(const struct drug *d, int method, struct twin_err *err);

/* The path of the drug file NAME (a path is taken as it is). */
int pbpk_find(const char *name, char *buf, size_t bufsz,
    struct twin_err *err);

/* 1 if the file at path reads as a drug file, 0 if as a model, -1 if it
 * cannot be read. */
int pbpk_is_drug(const char *path);

/*
 * What `-m NAME` loads: the model NAME (model_find) or, when there is
 * none, the whole-body model of the drug file NAME (pbpk_find); a path
 * by its content (pbpk_is_drug).
 */
struct model *twin_model_open(const char *name, struct twin_err *err);

#endif
