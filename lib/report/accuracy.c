/*
 * accuracy.c - agreement of predictions with a reference (accuracy.h).
 */
#include <math.h>
#include <string.h>

#include "report/accuracy.h"

void
acc_init(struct acc_sums *a)
{
	memset(a, 0, sizeof(*a));
}

enum clarke_zone
clarke_zone(double ref, double pred)
{
	double y = ref, p = pred;

	if ((p <= 70 && y <= 70) || (p <= 1.2 * y && p >= 0.8 * y))
		return CLARKE_A;
	if ((y >= 180 && p <= 70) || (y <= 70 && p >= 180))
		return CLARKE_E;
	if ((y >= 70 && y <= 290 && p >= y + 110) ||
	    (y >= 130 && y <= 180 && p <= 7.0 / 5 * y - 182))
		return CLARKE_C;
	if ((y >= 240 && p >= 70 && p <= 180) ||
	    (y <= 175.0 / 3 && p <= 180 && p >= 70) ||
	    (y >= 175.0 / 3 && y <= 70 && p >= 6.0 / 5 * y))
		return CLARKE_D;
	return CLARKE_B;
}

void
acc_add(struct acc_sums *a, double pred, double ref, double mgdl)
{
	double d = pred - ref, ad = fabs(d), dp, dr;

	if (!isfinite(pred) || !isfinite(ref))
		return;
	a->n++;
	a->sum_d += d;
	a->sum_ad += ad;
	a->sum_d2 += d * d;
	if (ad > a->max_ad)
		a->max_ad = ad;
	if (ref > 0) {
		a->nrel++;
		a->sum_rel += ad / ref;
	}
	dp = pred - a->mp;
	dr = ref - a->mr;
	a->mp += dp / a->n;
	a->mr += dr / a->n;
	a->cpp += dp * (pred - a->mp);
	a->crr += dr * (ref - a->mr);
	a->cpr += dp * (ref - a->mr);
	a->zone[clarke_zone(ref * mgdl, pred * mgdl)]++;
}

void
acc_result(const struct acc_sums *a, struct accuracy *out)
{
	double n = (double)a->n;
	int z;

	out->n = a->n;
	out->bias = a->n ? a->sum_d / n : NAN;
	out->mae = a->n ? a->sum_ad / n : NAN;
	out->rmse = a->n ? sqrt(a->sum_d2 / n) : NAN;
	out->maxae = a->n ? a->max_ad : NAN;
	out->mard = a->nrel ? 100 * a->sum_rel / (double)a->nrel : NAN;
	out->r = a->n > 1 && a->cpp > 0 && a->crr > 0 ?
	    a->cpr / sqrt(a->cpp * a->crr) : NAN;
	for (z = 0; z < CLARKE_NZONE; z++)
		out->zone[z] = a->n ? 100 * (double)a->zone[z] / n : NAN;
}
