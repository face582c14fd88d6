/*
 * test_kp - lib/body/kp: ionisation factors, the four Kp methods against
 * published values (Poulin & Theil voriconazole) and hand calculations
 * (Rodgers & Rowland 2005 and 2006, Berezhkovskiy, Schmitt; the
 * arithmetic is in the comments), the tissues without a composition, and
 * Vss from Kps and volumes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body/kp.h"
#include "tap.h"

/* ICRP 89 reference male (73 kg) volumes, L: data/pbpk physiology table
 * physiology_reference.tsv (/work/shared/data/pbpk), columns volume_L_male:
 * adipose 15.8297, bone (skeleton) 8.0769, brain 1.45, gut (SI + LI wall)
 * 1.02, heart 0.33, kidney 0.31, liver 1.8, lung 0.5, muscle 29, pancreas
 * 0.14, skin 3.3, spleen 0.15, stomach 0.15, rest_of_body 4.232, arterial
 * 1.5635, venous 3.7365. */
static const double icrp_male[TISSUE_N] = {
	[TISSUE_ADIPOSE] = 15.8297, [TISSUE_BONE] = 8.0769,
	[TISSUE_BRAIN] = 1.45, [TISSUE_GUT] = 1.02, [TISSUE_HEART] = 0.33,
	[TISSUE_KIDNEY] = 0.31, [TISSUE_LIVER] = 1.8, [TISSUE_LUNG] = 0.5,
	[TISSUE_MUSCLE] = 29, [TISSUE_PANCREAS] = 0.14, [TISSUE_SKIN] = 3.3,
	[TISSUE_SPLEEN] = 0.15, [TISSUE_STOMACH] = 0.15,
	[TISSUE_REST] = 4.232, [TISSUE_ARTERIAL] = 1.5635,
	[TISSUE_VENOUS] = 3.7365,
};

static struct kp_drug
drug(double logp, enum kp_class cls, int npka, double pka1, double pka2,
    double fu, double bp)
{
	struct kp_drug d;

	memset(&d, 0, sizeof(d));
	d.logp = logp;
	d.cls = cls;
	d.npka = npka;
	d.pka[0] = pka1;
	d.pka[1] = pka2;
	d.fu = fu;
	d.bp = bp;
	d.logma = NAN;
	return d;
}

int
main(void)
{
	struct kp_comp c;
	struct twin_err err;
	struct kp_drug d;
	double kp[TISSUE_NKP], kpu[TISSUE_NKP], v[TISSUE_N], sum;
	int i, ok;

	setenv("TWIN_DATA_PATH", "../../data", 1);

	/* Ionisation: total/neutral, by hand. */
	d = drug(3, KP_ACID, 1, 5.08, 0, 0.5, 1);
	tap_close(kp_ionization(&d, 7.4), 1 + pow(10, 2.32), 1e-12,
	    "monoprotic acid pKa 5.08 at pH 7.4: 1 + 10^2.32 = 209.93");
	d = drug(3, KP_BASE, 1, 9.45, 0, 0.5, 1);
	tap_close(kp_ionization(&d, 7.4), 113.20184543, 1e-9,
	    "monoprotic base pKa 9.45 at pH 7.4: 1 + 10^2.05 = 113.2018");
	tap_close(1 / kp_ionization(&d, 7.0), 1 / 282.83829313, 1e-9,
	    "its neutral fraction at pH 7.0: 1/(1 + 10^2.45) = 0.0035356");
	d = drug(3, KP_BASE, 2, 7, 9, 0.5, 1);
	tap_close(kp_ionization(&d, 7.4), 1 + pow(10, 1.6) + pow(10, 1.2),
	    1e-12, "diprotic base 9, 7 (any order) at 7.4: 1 + 10^1.6 + "
	    "10^(16 - 14.8) = 56.660");
	d = drug(3, KP_ACID, 2, 5, 3, 0.5, 1);
	tap_close(kp_ionization(&d, 7.4), 6334693.309117, 1e-10,
	    "diprotic acid 3, 5 at 7.4: 1 + 10^4.4 + 10^6.8");
	d = drug(3, KP_ZWITTERION, 2, 3, 9, 0.5, 1);
	tap_close(kp_ionization(&d, 7.4), 25159.675032, 1e-10,
	    "zwitterion acid 3, base 9 at 7.4: 1 + 10^4.4 + 10^1.6");
	d = drug(3, KP_NEUTRAL, 0, 0, 0, 0.5, 1);
	tap_ok(kp_ionization(&d, 5) == 1, "a neutral is not ionised");

	tap_ok(kp_method_parse("rr") == KP_RR &&
	    kp_method_parse("schmitt") == KP_SCHMITT &&
	    kp_method_parse("RR") == -1 && kp_class_parse("zwitterion") ==
	    KP_ZWITTERION && kp_class_parse("weak base") == -1,
	    "method and class names parse exactly");

	if (kp_comp_load(&c, &err) < 0) {
		printf("# %s\n", err.msg);
		tap_ok(0, "the composition tables load");
		return tap_done();
	}
	tap_ok(1, "the composition tables load");
	tap_ok(c.t[TISSUE_SPLEEN].pt_w == 0.788 &&
	    c.t[TISSUE_SPLEEN].f_ew == 0.2049 && c.t[TISSUE_SKIN].pt_w ==
	    0.718 && c.rbc.f_iw == 0.63 && c.plasma.f_nl == 0.0035 &&
	    c.t[TISSUE_LUNG].ph_c == 6.6,
	    "spot values: spleen water 0.788 (P&T) and EW 0.2049 (R&R), skin "
	    "water 0.718, RBC IW 0.63, plasma NL 0.0035, lung pH 6.6");

	/*
	 * Poulin & Theil voriconazole (logP 2.56, base pKa 1.76, fu 0.42,
	 * B:P 1): the published Kps (Zane & Thakker 2014; Elmokadem 2019
	 * voriPBPK.cpp; data/pbpk/kp_reference.tsv) to their two decimals.
	 */
	{
		static const struct {
			int t;
			double kp;
		} pub[] = {
			{ TISSUE_ADIPOSE, 9.89 }, { TISSUE_BONE, 7.91 },
			{ TISSUE_BRAIN, 7.35 }, { TISSUE_GUT, 5.82 },
			{ TISSUE_HEART, 1.95 }, { TISSUE_KIDNEY, 2.90 },
			{ TISSUE_LIVER, 4.66 }, { TISSUE_LUNG, 0.83 },
			{ TISSUE_MUSCLE, 2.94 }, { TISSUE_SPLEEN, 2.96 },
		};
		char what[128];

		d = drug(2.56, KP_BASE, 1, 1.76, 0, 0.42, 1);
		ok = kp_compute(&d, KP_PT, &c, 0.45, kp, kpu, &err) == 0;
		tap_ok(ok, "P&T voriconazole computes");
		for (i = 0; ok && i < (int)(sizeof(pub) / sizeof(pub[0]));
		    i++) {
			snprintf(what, sizeof(what), "P&T voriconazole %s Kp "
			    "%.4f rounds to the published %.2f",
			    tissue_name(pub[i].t), kp[pub[i].t], pub[i].kp);
			tap_ok(fabs(kp[pub[i].t] - pub[i].kp) <= 0.005 + 1e-9,
			    what);
		}
		tap_close(kpu[TISSUE_LIVER], kp[TISSUE_LIVER] / 0.42, 1e-15,
		    "Kpu = Kp / fu");
		tap_ok(kp[TISSUE_PANCREAS] == kp[TISSUE_GUT] &&
		    kp[TISSUE_STOMACH] == kp[TISSUE_GUT],
		    "pancreas and stomach take the gut's Kp");
		sum = 0;
		for (i = 0; i < TISSUE_NKP; i++)
			if (i != TISSUE_ADIPOSE && i != TISSUE_PANCREAS &&
			    i != TISSUE_STOMACH && i != TISSUE_REST)
				sum += kp[i];
		tap_close(kp[TISSUE_REST], sum / 10, 1e-15,
		    "rest takes the mean of the ten non-adipose Kps");
	}

	/*
	 * Rodgers, Leahy & Rowland 2005, propranolol (logP 3.65, pKa 9.45,
	 * fu 0.11, B:P 0.8; Huisinga 2012 inputs), Hct 0.45, human muscle
	 * (EW 0.1199, IW 0.6401, NL 0.0238, NP 0.0072, AP 1.53 mg/g), human
	 * RBC (IW 0.63, NL 0.0033, NP 0.0012, AP 0.5), by hand:
	 *   X = 1 + 10^2.45 = 282.838, Y = 1 + 10^2.05 = 113.202,
	 *   Z = 1 + 10^2.23 = 170.824, Kpu_BC = 0.25/(0.45 x 0.11) = 5.0505,
	 *   P = 10^3.65 = 4466.84,
	 *   Ka_AP = [5.0505 - 1.50903 x 0.63 - (14.7406 + 1.60890)/113.202]
	 *           x 113.202 / (0.5 x 169.824) = 5.27319 g/mg,
	 *   Kpu = 0.1199 + 2.49854 x 0.6401 + 5.27319 x 1.53 x 281.838/113.202
	 *         + (106.311 + 9.65325)/113.202 = 22.8304, Kp = 2.51135.
	 */
	d = drug(3.65, KP_BASE, 1, 9.45, 0, 0.11, 0.8);
	tap_ok(kp_rr_year(&d) == 2005, "propranolol (pKa 9.45) takes R&R 2005");
	ok = kp_compute(&d, KP_RR, &c, 0.45, kp, kpu, &err) == 0;
	tap_ok(ok, "R&R propranolol computes");
	tap_close(kpu[TISSUE_MUSCLE], 22.83042042, 1e-8,
	    "R&R 2005 propranolol muscle Kpu 22.8304 (hand)");
	tap_close(kp[TISSUE_MUSCLE], 2.511346246, 1e-8,
	    "R&R 2005 propranolol muscle Kp 2.51135 (hand)");

	/*
	 * Rodgers & Rowland 2006, warfarin (acid, logP 3.0, pKa 5.08, fu 0.01),
	 * human liver (EW 0.1647, IW 0.5863, NL 0.0348, NP 0.0252, AR 0.086),
	 * plasma NL 0.0035, NP 0.00225, by hand:
	 *   X = 1 + 10^1.92 = 84.1764, Y = 1 + 10^2.32 = 209.930,
	 *   Ka_PR = 100 - 1 - (3.5 + 0.70 x 0.00225 ... = 5.19908)/209.930
	 *         = 98.9801,
	 *   Kpu = 0.1647 + 0.400974 x 0.5863 + (34.8 + 300.7 x 0.0252)/209.930
	 *         + 98.9801 x 0.086 = 9.11395, Kp = 0.0911395.
	 */
	d = drug(3.0, KP_ACID, 1, 5.08, 0, 0.01, 0.567);
	ok = kp_compute(&d, KP_RR, &c, 0.45, kp, NULL, &err) == 0;
	tap_ok(ok && kp_rr_year(&d) == 2006, "R&R warfarin computes (2006)");
	tap_close(kp[TISSUE_LIVER], 0.09113946191, 1e-8,
	    "R&R 2006 warfarin liver Kp 0.09114 (hand)");

	/*
	 * R&R 2006 neutral (logP 0.26, fu 0.6), human brain (EW 0.1595,
	 * IW 0.6105, NL 0.051, NP 0.0565, LR 0.041), lipoprotein binding:
	 *   P = 1.81970, Ka_PR = 1/0.6 - 1 - (0.0063690 + 1.24591 x 0.00225)
	 *   = 0.657494, Kpu = 0.77 + 0.0928047 + 1.24591 x 0.0565 + 0.657494 x
	 *   0.041 = 0.960156, Kp = 0.576094.
	 */
	d = drug(0.26, KP_NEUTRAL, 0, 0, 0, 0.6, 0.83);
	ok = kp_compute(&d, KP_RR, &c, 0.45, kp, NULL, &err) == 0;
	tap_ok(ok, "R&R neutral computes");
	tap_close(kp[TISSUE_BRAIN], 0.5760935666, 1e-8,
	    "R&R 2006 neutral brain Kp 0.57609 (hand)");

	/*
	 * Berezhkovskiy voriconazole liver (P&T composition: water 0.751,
	 * NL 0.0348, PL 0.0252; plasma 0.945, 0.0035, 0.00225):
	 *   fu_t = 1/(1 + 0.58/0.42 x 0.5) = 0.591549,
	 *   Kp = [363.078 x 0.04236 + 0.751/0.591549 + 0.01764]
	 *      / [363.078 x 0.004175 + 0.945/0.42 + 0.001575]
	 *      = 16.66717 / 3.767426 = 4.42402.
	 */
	d = drug(2.56, KP_BASE, 1, 1.76, 0, 0.42, 1);
	ok = kp_compute(&d, KP_BEREZ, &c, 0.45, kp, NULL, &err) == 0;
	tap_ok(ok, "Berezhkovskiy voriconazole computes");
	tap_close(kp[TISSUE_LIVER], 4.424021747, 1e-8,
	    "Berezhkovskiy voriconazole liver Kp 4.42402 (hand)");

	/*
	 * Schmitt, neutral logP 2, fu 0.5, human liver (Fcell 0.77, Fint 0.23,
	 * FWc 0.7244, FLc 0.09231, FPc 0.1833, Fn_Lc 0.7244, Fn_PLc 0.2251,
	 * Fa_PLc 0.05051): MA = 10^(1.294 + 0.608) = 79.7995,
	 *   K_int = 0.93049 + 0.37 x (2 - 0.93049) = 1.32621,
	 *   K_cell = 0.7244 + 100 x 0.066869 + 79.7995 x (0.020779 + 0.0046626)
	 *          + (0.163 + 1.76357) x 0.1833 = 9.79470,
	 *   Kpu = 0.23 x 1.32621 + 0.77 x 9.79470 = 7.84695, Kp = 3.92347.
	 */
	d = drug(2, KP_NEUTRAL, 0, 0, 0, 0.5, 1);
	ok = kp_compute(&d, KP_SCHMITT, &c, 0.45, kp, kpu, &err) == 0;
	tap_ok(ok, "Schmitt neutral computes");
	tap_close(kpu[TISSUE_LIVER], 7.846946432, 1e-8,
	    "Schmitt neutral liver Kpu 7.84695 (hand)");

	/* Every method gives a positive Kp everywhere for a base, an acid, a
	 * neutral and a zwitterion. */
	{
		struct kp_drug ds[4];
		int m, j;

		ds[0] = drug(3.65, KP_BASE, 1, 9.45, 0, 0.11, 0.8);
		ds[1] = drug(3.0, KP_ACID, 1, 5.08, 0, 0.01, 0.567);
		ds[2] = drug(0.26, KP_NEUTRAL, 0, 0, 0, 0.6, 0.83);
		ds[3] = drug(1.0, KP_ZWITTERION, 2, 3.5, 8.5, 0.3, 0.8);
		ok = 1;
		for (m = 0; m < KP_NMETHOD; m++)
			for (j = 0; j < 4; j++) {
				if (kp_compute(&ds[j], m, &c, 0.45, kp, NULL,
				    &err) < 0) {
					printf("# %s: %s\n", kp_method_name(m),
					    err.msg);
					ok = 0;
				}
			}
		tap_ok(ok, "4 methods x 4 classes compute positive Kps");
	}

	/* Domain errors. */
	d = drug(2, KP_NEUTRAL, 0, 0, 0, 0, 1);
	tap_ok(kp_compute(&d, KP_PT, &c, 0.45, kp, NULL, &err) < 0 &&
	    err.kind == TWIN_EDOMAIN && strstr(err.msg, "fu \"0\""),
	    "fu 0 is a domain error");
	d = drug(2, KP_BASE, 0, 0, 0, 0.5, 1);
	tap_ok(kp_compute(&d, KP_PT, &c, 0.45, kp, NULL, &err) < 0 &&
	    err.kind == TWIN_EDOMAIN, "a base without pKa is refused");
	d = drug(2, KP_NEUTRAL, 0, 0, 0, 0.5, 1);
	tap_ok(kp_compute(&d, KP_RR, &c, 1.2, kp, NULL, &err) < 0 &&
	    err.kind == TWIN_EDOMAIN, "haematocrit 1.2 is refused");

	/* Vss = V_blood x B:P + sum V_T Kp_T: with every Kp and B:P 1 it is
	 * the sum of the volumes. */
	for (i = 0; i < TISSUE_NKP; i++)
		kp[i] = 1;
	sum = 0;
	for (i = 0; i < TISSUE_N; i++)
		sum += icrp_male[i];
	tap_close(kp_vss(kp, icrp_male, 1), sum, 1e-15,
	    "Vss with every Kp and B:P 1 is the sum of the volumes");
	memset(v, 0, sizeof(v));
	v[TISSUE_ARTERIAL] = 1.5;
	v[TISSUE_VENOUS] = 3.5;
	v[TISSUE_MUSCLE] = 30;
	for (i = 0; i < TISSUE_NKP; i++)
		kp[i] = 0;
	kp[TISSUE_MUSCLE] = 2;
	tap_close(kp_vss(kp, v, 0.567), 5 * 0.567 + 60, 1e-15,
	    "Vss = 5 L x 0.567 + 30 L x 2 = 62.835 L");
	return tap_done();
}
