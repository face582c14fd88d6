/*
 * tissue.h - the organs and tissues of the whole-body model: one list,
 * one order, one spelling, shared by the physiology tables, the partition
 * coefficients, the drug files and the model generator.
 *
 * The names are those of the shipped tables (data/pbpk/) and of the
 * generated model's compartments ("liver" -> compartment liver, volume
 * V_liver, flow Q_liver, partition coefficient Kp_liver).  Blood (arterial,
 * venous) has no partition coefficient; "rest" is the remainder of the body
 * that closes the mass and flow balances.
 *
 * Errors: tissue_parse returns -1 for an unknown name (the caller says
 * where).  No allocation.
 */
#ifndef TWIN_TISSUE_H
#define TWIN_TISSUE_H

enum tissue {
	TISSUE_ADIPOSE,
	TISSUE_BONE,
	TISSUE_BRAIN,
	TISSUE_GUT,		/* small and large intestine wall (portal) */
	TISSUE_HEART,
	TISSUE_KIDNEY,
	TISSUE_LIVER,
	TISSUE_LUNG,
	TISSUE_MUSCLE,
	TISSUE_PANCREAS,	/* portal */
	TISSUE_SKIN,
	TISSUE_SPLEEN,		/* portal */
	TISSUE_STOMACH,		/* portal */
	TISSUE_REST,		/* rest of body */
	TISSUE_NKP,		/* tissues above have a Kp; blood below not */
	TISSUE_ARTERIAL = TISSUE_NKP,
	TISSUE_VENOUS,
	TISSUE_N
};

/* "adipose", "bone", ..., "arterial", "venous". */
const char *tissue_name(enum tissue t);

/* The tissue named s (exact, lower case), or -1. */
int tissue_parse(const char *s);

/* 1 for the organs that drain into the portal vein (gut, pancreas,
 * spleen, stomach), else 0. */
int tissue_portal(enum tissue t);

#endif
