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

/* Rat R&R composition (data/pbpk/tissue_composition.tsv, dataset
 * RR_rat_huisinga: Rodgers 2005 EW, IW, AP; Rodgers & Rowland 2006 Table 1
 * NL, NP, AR, LR, via Huisinga 2012): f_ew f_iw f_nl f_np ap ar lr. */
static const double rat[][7] = {
	[TISSUE_ADIPOSE] = { 0.135, 0.017, 0.853, 0.0016, 0.4, 0.049, 0.068 },
	[TISSUE_BONE] = { 0.1, 0.346, 0.0174, 0.0016, 0.67, 0.1, 0.05 },
	[TISSUE_BRAIN] = { 0.162, 0.62, 0.0391, 0.0015, 0.4, 0.048, 0.041 },
	[TISSUE_GUT] = { 0.282, 0.475, 0.0375, 0.0124, 2.41, 0.158, 0.141 },
	[TISSUE_HEART] = { 0.32, 0.456, 0.0135, 0.0106, 2.25, 0.157, 0.16 },
	[TISSUE_KIDNEY] = { 0.273, 0.483, 0.0121, 0.024, 5.03, 0.13, 0.137 },
	[TISSUE_LIVER] = { 0.161, 0.573, 0.0135, 0.0238, 4.56, 0.086, 0.161 },
	[TISSUE_LUNG] = { 0.336, 0.446, 0.0215, 0.0123, 3.91, 0.212, 0.168 },
	[TISSUE_MUSCLE] = { 0.118, 0.63, 0.01, 0.0072, 1.53, 0.064, 0.059 },
	[TISSUE_PANCREAS] = { 0 },
	[TISSUE_SKIN] = { 0.382, 0.291, 0.0603, 0.0044, 1.32, 0.277, 0.096 },
	[TISSUE_SPLEEN] = { 0.207, 0.579, 0.0071, 0.0107, 3.18, 0.097, 0.207 },
};

static void
rat_comp(struct kp_comp *c)
{
	int t;

	memset(c, 0, sizeof(*c));
	for (t = 0; t <= TISSUE_SPLEEN; t++) {
		struct kp_tissue *k = &c->t[t];

		k->f_ew = rat[t][0];
		k->f_iw = rat[t][1];
		k->f_nl = rat[t][2];
		k->f_np = rat[t][3];
		k->ap = rat[t][4];
		k->ar = rat[t][5];
		k->lr = rat[t][6];
		k->ph_iw = 7.0;
	}
	/* rat erythrocytes (Rodgers 2005 Table 1) and plasma (R&R 2006) */
	c->rbc.f_iw = 0.603;
	c->rbc.f_nl = 0.0017;
	c->rbc.f_np = 0.0029;
	c->rbc.ap = 0.5;
	c->plasma.f_nl = 0.0023;
	c->plasma.f_np = 0.0013;
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

	/*
	 * Rodgers, Leahy & Rowland 2005 and Rodgers & Rowland 2006: their
	 * published predicted rat Kpu (brain, gut, heart, kidney, liver,
	 * muscle; adipose and lung for the 2006 drugs) as transcribed with
	 * the papers' drug inputs (pKa, log P, fu, B:P) in
	 * sueinchoi/KpCoeff validation/validation_Kp.xlsx and "Table2_compound
	 * specific input parameters.xlsx"; rat Hct 0.45.  Within 3 %
	 * (the published values have 3 digits; the composition is a
	 * transcription), 7 % for propranolol-S and metoprolol-R (whose
	 * published values sit 4-6 % below every tissue's, an input difference,
	 * not a tissue one), 4 % for phenytoin (heart 3.1 % over).  Diazepam and midazolam use log P 2.84 and 3.15
	 * (Rodgers & Rowland 2007 Table III, via Huisinga 2012) where the
	 * transcription rounds to 2.8 and 3.1.
	 */
	{
		static const int tt[] = { TISSUE_BRAIN, TISSUE_GUT,
		    TISSUE_HEART, TISSUE_KIDNEY, TISSUE_LIVER, TISSUE_MUSCLE,
		    TISSUE_ADIPOSE, TISSUE_LUNG };
		static const struct {
			const char *name;
			enum kp_class cls;
			double pka, logp, fu, bp, tol;
			double pub[8];	/* tt order; 0 = not compared */
		} rr[] = {
			{ "lidocaine", KP_BASE, 8, 2.44, 0.38, 1.27, 0.03,
			    { 8.03, 29.1, 26.1, 55.6, 50.9, 18.3 } },
			{ "pentazocine", KP_BASE, 8.5, 3.31, 0.46, 1.55, 0.03,
			    { 12.4, 35.7, 30.2, 62.9, 57.7, 21.2 } },
			{ "imipramine", KP_BASE, 9.5, 4.8, 0.24, 1.67, 0.03,
			    { 32.4, 86.6, 70.4, 146, 134, 48.6 } },
			{ "fentanyl", KP_BASE, 9, 4.05, 0.15, 0.89, 0.03,
			    { 17.5, 40.5, 32, 64.2, 59.4, 22.5 } },
			{ "betaxolol-R", KP_BASE, 9.4, 2.59, 0.53, 2.06, 0.03,
			    { 9.18, 44.7, 41.7, 91.3, 83.1, 28.9 } },
			{ "bisoprolol-R", KP_BASE, 9.4, 1.87, 0.85, 1.36, 0.03,
			    { 3.36, 11.0, 10.4, 21.4, 19.6, 7.73 } },
			{ "metoprolol-R", KP_BASE, 9.7, 2.15, 0.8, 1.52, 0.07,
			    { 4.06, 15.1, 14.2, 29.9, 27.3, 10.3 } },
			{ "propranolol-S", KP_BASE, 9.5, 3.65, 0.13, 1.29, 0.07,
			    { 18.3, 91.3, 84.4, 186, 169, 57.9 } },
			{ "phenytoin (2006, acid)", KP_ACID, 8.3, 2.5, 0.19, 1,
			    0.04, { 12, 12.9, 5.81, 6.55, 6.74, 4.33, 21.2,
			    8.39 } },
			{ "diazepam (2006, weak base)", KP_BASE, 3.4, 2.84, 0.14,
			    1, 0.03, { 28.3, 29.9, 12.8, 14.6, 15.3, 9.38, 56.3,
			    18.9 } },
			{ "midazolam (2006, weak base)", KP_BASE, 6, 3.15, 0.059,
			    1, 0.03, { 55.1, 58.6, 25.2, 28.5, 29.8, 18, 120,
			    37.4 } },
		};
		struct kp_comp rc;
		char what[200];
		int j;

		rat_comp(&rc);
		for (i = 0; i < (int)(sizeof(rr) / sizeof(rr[0])); i++) {
			double worst = 0;

			d = drug(rr[i].logp, rr[i].cls, 1, rr[i].pka, 0,
			    rr[i].fu, rr[i].bp);
			ok = kp_compute(&d, KP_RR, &rc, 0.45, NULL, kpu,
			    &err) == 0;
			for (j = 0; ok && j < 8; j++) {
				double dev;

				if (rr[i].pub[j] == 0)
					continue;
				dev = fabs(kpu[tt[j]] / rr[i].pub[j] - 1);
				if (dev > worst)
					worst = dev;
				if (dev > rr[i].tol)
					printf("# %s %s: Kpu %.4g, published "
					    "%.4g\n", rr[i].name,
					    tissue_name(tt[j]), kpu[tt[j]],
					    rr[i].pub[j]);
			}
			snprintf(what, sizeof(what), "R&R %d rat %s: Kpu within "
			    "%.0f %% of the published (worst %.1f %%)",
			    kp_rr_year(&d), rr[i].name, 100 * rr[i].tol,
			    100 * worst);
			tap_ok(ok && worst <= rr[i].tol, what);
		}
	}

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
