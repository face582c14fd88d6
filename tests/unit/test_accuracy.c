/*
 * test_accuracy - lib/report/accuracy on pairs worked out by hand: the
 * agreement statistics of four pairs (pred, ref) = (110, 100), (90, 100),
 * (130, 100), (60, 50):
 *   d = 10, -10, 30, 10: BIAS 10, MAE 15, RMSE sqrt(300), MAXAE 30;
 *   MARD = (0.1 + 0.1 + 0.3 + 0.2)/4 x 100 = 17.5 %;
 *   deviations from the means 97.5 and 87.5: pred 12.5, -7.5, 32.5,
 *   -37.5, ref 12.5, 12.5, 12.5, -37.5: Spr = Srr = 1875, Spp = 2675,
 *   R = sqrt(1875/2675);
 *   Clarke: A, A, B (30 % over at 100), A (both <= 70): A 75 %, B 25 %.
 * A reference of 0 leaves MARD alone; Clarke zones of points inside each
 * region of Clarke et al. (1987) figure 1 and on the A boundaries.
 */
#include <math.h>
#include <stdio.h>

#include "report/accuracy.h"
#include "tap.h"

static void
test_stats(void)
{
	static const double p[4] = { 110, 90, 130, 60 };
	static const double r[4] = { 100, 100, 100, 50 };
	struct acc_sums a;
	struct accuracy x;
	int i;

	acc_init(&a);
	acc_result(&a, &x);
	tap_ok(x.n == 0 && isnan(x.bias) && isnan(x.rmse) && isnan(x.mard) &&
	    isnan(x.r) && isnan(x.zone[CLARKE_A]),
	    "no pairs: every statistic is NAN");
	for (i = 0; i < 4; i++)
		acc_add(&a, p[i], r[i], 1);
	acc_add(&a, NAN, 100, 1);
	acc_add(&a, 100, INFINITY, 1);
	acc_result(&a, &x);
	tap_ok(x.n == 4, "4 pairs (the non-finite ones ignored)");
	tap_close(x.bias, 10, 1e-15, "BIAS = 10");
	tap_close(x.mae, 15, 1e-15, "MAE = 15");
	tap_close(x.rmse, sqrt(300), 1e-15, "RMSE = sqrt(300)");
	tap_close(x.mard, 17.5, 1e-14, "MARD = 17.5 %");
	tap_ok(x.maxae == 30, "MAXAE = 30");
	tap_close(x.r, sqrt(1875.0 / 2675), 1e-14, "R = sqrt(1875/2675)");
	tap_ok(x.zone[CLARKE_A] == 75 && x.zone[CLARKE_B] == 25 &&
	    x.zone[CLARKE_C] == 0 && x.zone[CLARKE_D] == 0 &&
	    x.zone[CLARKE_E] == 0, "Clarke zones A 75 %, B 25 %");

	/* a reference of 0: in N, BIAS, RMSE, not in MARD */
	acc_add(&a, 5, 0, 1);
	acc_result(&a, &x);
	tap_ok(x.n == 5 && x.bias == 9 && x.mard == 17.5,
	    "ref 0: counted (BIAS (40 + 5)/5 = 9), left out of MARD (17.5)");

	/* one pair, or no spread: no R */
	acc_init(&a);
	acc_add(&a, 3, 2, 1);
	acc_result(&a, &x);
	tap_ok(x.n == 1 && isnan(x.r) && x.rmse == 1 && x.mard == 50,
	    "one pair: RMSE 1, MARD 50 %, R undefined");
	acc_add(&a, 4, 2, 1);
	acc_result(&a, &x);
	tap_ok(isnan(x.r), "a constant reference: R undefined");

	/* mmol/L: the zones of the values x 18 */
	acc_init(&a);
	acc_add(&a, 200.0 / 18, 50.0 / 18, 18);
	acc_result(&a, &x);
	tap_ok(x.zone[CLARKE_E] == 100,
	    "mmol/L with factor 18: 2.78 -> 11.1 mmol/L is zone E");
}

static void
test_clarke(void)
{
	static const struct {
		double ref, pred;
		enum clarke_zone z;
		const char *what;
	} pt[] = {
		{ 100, 110, CLARKE_A, "within 20 %" },
		{ 50, 60, CLARKE_A, "both <= 70" },
		{ 300, 250, CLARKE_A, "17 % under at 300" },
		{ 200, 160, CLARKE_A, "on the lower 20 % line (0.8 x 200)" },
		{ 200, 159, CLARKE_B, "just under it" },
		{ 100, 120, CLARKE_A, "on the upper 20 % line (1.2 x 100)" },
		{ 100, 130, CLARKE_B, "30 % over at 100" },
		{ 300, 200, CLARKE_B, "33 % under at 300, above 180" },
		{ 100, 250, CLARKE_C, "upper C: pred >= ref + 110" },
		{ 150, 20, CLARKE_C, "lower C: pred <= 7/5 ref - 182" },
		{ 300, 100, CLARKE_D, "right D: ref >= 240, pred 70..180" },
		{ 40, 100, CLARKE_D, "left D: ref <= 175/3, pred 70..180" },
		{ 65, 79, CLARKE_D, "left D: ref 175/3..70, pred >= 6/5 ref" },
		{ 200, 50, CLARKE_E, "ref >= 180, pred <= 70" },
		{ 50, 200, CLARKE_E, "ref <= 70, pred >= 180" },
	};
	static const char zn[] = "ABCDE";
	char msg[128];
	size_t i;

	for (i = 0; i < sizeof(pt) / sizeof(pt[0]); i++) {
		enum clarke_zone z = clarke_zone(pt[i].ref, pt[i].pred);

		snprintf(msg, sizeof(msg), "Clarke (ref %g, pred %g) = %c: %s",
		    pt[i].ref, pt[i].pred, zn[pt[i].z], pt[i].what);
		if (z != pt[i].z)
			printf("# got %c\n", zn[z]);
		tap_ok(z == pt[i].z, msg);
	}
}

int
main(void)
{
	test_stats();
	test_clarke();
	return tap_done();
}
