/*
 * accuracy.h - how well a prediction matches a reference: the agreement
 * statistics of paired values (a model's prediction of a week it was not
 * fitted to against the observations, as replay validation reports it)
 * and the Clarke error grid of glucose.
 *
 * Pairs are added one at a time to a struct acc_sums (caller-owned, set
 * to zero or by acc_init), so that any number of pairs, pooled over
 * individuals or not, takes constant memory; acc_result reads the
 * statistics off.  Nothing fails: a statistic that the pairs cannot tell
 * is NAN.  Definitions (d = pred - ref, over the n pairs):
 *   BIAS   mean d
 *   MAE    mean |d|
 *   RMSE   sqrt(mean d^2)
 *   MARD   mean |d| / ref x 100 (%), over the pairs with ref > 0 only
 *          (a relative difference to a reference of 0 or less has no
 *          meaning); NAN if there is none
 *   MAXAE  max |d|
 *   R      Pearson's correlation of pred and ref; NAN for fewer than two
 *          pairs or when either has no spread
 *   zones  percent of the pairs in each zone A..E of the Clarke error grid
 */
#ifndef TWIN_ACCURACY_H
#define TWIN_ACCURACY_H

enum clarke_zone { CLARKE_A, CLARKE_B, CLARKE_C, CLARKE_D, CLARKE_E,
    CLARKE_NZONE };

struct acc_sums {
	long n, nrel;		/* pairs; pairs with ref > 0 */
	double sum_d, sum_ad, sum_d2, max_ad, sum_rel;
	/* running means and co-moments of pred and ref (Welford) */
	double mp, mr, cpp, crr, cpr;
	long zone[CLARKE_NZONE];
};

struct accuracy {
	long n;
	double bias, mae, rmse, mard, maxae, r;
	double zone[CLARKE_NZONE];	/* percent */
};

void acc_init(struct acc_sums *a);
/* Add a pair; a pair with a non-finite value is ignored.  mgdl: the
 * factor to mg/dL for the Clarke zones (1, or 18 for mmol/L). */
void acc_add(struct acc_sums *a, double pred, double ref, double mgdl);
void acc_result(const struct acc_sums *a, struct accuracy *out);

/*
 * The zone of the Clarke error grid (Clarke WL, Cox D, Gonder-Frederick
 * LA, Carter W, Pohl SL.  Evaluating clinical accuracy of systems for
 * self-monitoring of blood glucose.  Diabetes Care 1987;10(5):622-628)
 * of a prediction pred against a reference ref, both in mg/dL, by the
 * rules of E. Guevara's clarke.m 1.2 (2013, the corrected B-C
 * boundaries) as AGATA and ReplayBG (G. Cappon) apply them, in this
 * order:
 *   A  pred <= 70 and ref <= 70, or 0.8 ref <= pred <= 1.2 ref
 *   E  ref >= 180 and pred <= 70, or ref <= 70 and pred >= 180
 *   C  70 <= ref <= 290 and pred >= ref + 110, or
 *      130 <= ref <= 180 and pred <= 7/5 ref - 182
 *   D  ref >= 240 and 70 <= pred <= 180, or
 *      ref <= 175/3 and 70 <= pred <= 180, or
 *      175/3 <= ref <= 70 and pred >= 6/5 ref
 *   B  the rest
 */
enum clarke_zone clarke_zone(double ref, double pred);

#endif
