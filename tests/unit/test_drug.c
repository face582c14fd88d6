/*
 * test_drug - lib/body/drug: the shipped drug files load with a source for
 * every value; bad files give FILE:LINE errors of kind TWIN_EINPUT; the
 * in vitro clearance scaling; predicted Vss (each file's Kp method, the
 * ICRP 89 reference male) against the observed human Vss of Lombardo et
 * al. 2018, printed as TAP diagnostics and checked within 3-fold.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "body/drug.h"
#include "tap.h"

/* ICRP 89 reference male (73 kg) volumes, L, and haematocrit 2.3/5.3:
 * physiology_reference.tsv (/work/shared/data/pbpk, columns
 * volume_L_male; rest_of_body, arterial and venous blood as derived
 * there). */
#define BW 73.0
#define HCT (2.3 / 5.3)
static const double icrp_male[TISSUE_N] = {
	[TISSUE_ADIPOSE] = 15.8297, [TISSUE_BONE] = 8.0769,
	[TISSUE_BRAIN] = 1.45, [TISSUE_GUT] = 1.02, [TISSUE_HEART] = 0.33,
	[TISSUE_KIDNEY] = 0.31, [TISSUE_LIVER] = 1.8, [TISSUE_LUNG] = 0.5,
	[TISSUE_MUSCLE] = 29, [TISSUE_PANCREAS] = 0.14, [TISSUE_SKIN] = 3.3,
	[TISSUE_SPLEEN] = 0.15, [TISSUE_STOMACH] = 0.15,
	[TISSUE_REST] = 4.232, [TISSUE_ARTERIAL] = 1.5635,
	[TISSUE_VENOUS] = 3.7365,
};

/* Observed human i.v. Vss, L/kg: Lombardo F et al. (2018) Drug Metab
 * Dispos 46:1466 supplemental dataset (data/pbpk/kp_reference.tsv). */
static const struct {
	const char *name;
	double vss;
} shipped[] = {
	{ "midazolam", 1.1 }, { "theophylline", 0.51 }, { "diazepam", 1.0 },
	{ "propranolol", 3.1 }, { "warfarin", 0.13 }, { "voriconazole", 2.2 },
};

#define GOOD "name: x\n" \
	"class: {value: base, reference: r}\n" \
	"pka: {value: 9, reference: r}\n" \
	"logp: {value: 2, reference: r}\n" \
	"fu: {value: 0.5, reference: r}\n" \
	"bp: {value: 1, reference: r}\n" \
	"hepatic:\n" \
	"  clint: {value: 10, unit: L/h, reference: r}\n" \
	"kp:\n" \
	"  method: rr\n"

static const struct {
	const char *text;
	const char *want;	/* after "FILE:" */
} bad[] = {
	{ GOOD "foo: 1\n", "11: unknown key \"foo\"" },
	{ GOOD "mw: {value: 300, unit: g/mol}\n",
	    "11: mw: no reference (every value needs its source)" },
	{ GOOD "mw: {value: 300, reference: \"\"}\n", "11: mw: no reference" },
	{ GOOD "lag: {value: 1, unit: min, reference: r}\n",
	    "11: lag: unit \"min\" is not h" },
	{ GOOD "lag: {value: 1, reference: r}\n", "11: lag: no unit (it is h)" },
	{ GOOD "logma: {value: 1, unit: g, reference: r}\n",
	    "11: logma is dimensionless: no unit" },
	{ GOOD "logma: {value: 1, ref: r}\n",
	    "11: logma: unknown key \"ref\" (value, unit, reference)" },
	{ GOOD "logma: 2.5\n", "11: logma: expected {value: ..., reference: ...}" },
	{ GOOD "logma: {value: abc, reference: r}\n",
	    "11: logma: expected a number, found \"abc\"" },
	{ GOOD "fu: {value: 0.5, reference: r}\n", "11: fu given twice" },
	{ GOOD "  method: pt\n", "11: method given twice" },
	{ GOOD "oral:\n  fa: {value: 1.5, reference: r}\n",
	    "12: oral.fa \"1.5\" must be in [0, 1]" },
	{ GOOD "oral:\n  tlag: {value: 1, unit: h, reference: r}\n",
	    "12: unknown key \"tlag\" in oral" },
	{ GOOD "renal:\n  secretion: {value: -1, unit: L/h, reference: r}\n",
	    "12: renal.secretion \"-1\" must be >= 0" },
	{ GOOD "oral:\n  transit: {value: 2.5, reference: r}\n"
	    "  mtt: {value: 1, unit: h, reference: r}\n",
	    "12: oral.transit \"2.5\" is not a whole number of compartments" },
	{ GOOD "oral:\n  transit: {value: 21, reference: r}\n",
	    "12: oral.transit \"21\" must be in [1, 20]" },
	{ GOOD "oral:\n  transit: {value: 3, reference: r}\n",
	    "1: oral: transit and mtt go together" },
	{ GOOD "variability:\n  clint: {value: -0.1, reference: r}\n",
	    "12: variability.clint \"-0.1\" must be >= 0" },
	{ GOOD "variability:\n  vmax: {value: 0.1, reference: r}\n",
	    "12: unknown key \"vmax\" in variability" },
	{ GOOD "variability:\n  additive: {value: 0.1, reference: r}\n",
	    "12: variability.additive: no unit (it is mg/L)" },
	{ GOOD "variability:\n  proportional: {value: 0.1}\n",
	    "12: variability.proportional: no reference" },
	{ "name: x\nclass: {value: weak base, reference: r}\n",
	    "2: class \"weak base\" is not one of neutral, acid, base, "
	    "zwitterion" },
	{ "name: x\nkp:\n  method: rodgers\n",
	    "3: kp.method \"rodgers\" is not one of rr, pt, berez, schmitt" },
	{ "name: x\nkp:\n  blood: {value: 1, reference: r}\n",
	    "3: kp: \"blood\" is not a tissue with a Kp" },
	{ "name: x\nkp:\n  liver: {value: 0, reference: r}\n",
	    "3: kp.liver \"0\" must be > 0" },
	{ "name: x\nfu: {value: 0, reference: r}\n",
	    "2: fu \"0\" must be in (0, 1]" },
	{ "name: x\npka: {value: [1, 2, 3, 4], reference: r}\n",
	    "2: pka: at most 3 values" },
	{ "name: x\nlogp: [1\n", "3: " },
	{ "class: {value: base, reference: r}\n", "1: no name" },
	{ "name: x\nclass: {value: base, reference: r}\n"
	    "logp: {value: 2, reference: r}\n"
	    "fu: {value: 0.5, reference: r}\nbp: {value: 1, reference: r}\n"
	    "kp:\n  method: rr\nhepatic:\n"
	    "  clint: {value: 1, unit: L/h, reference: r}\n",
	    "1: class base needs pka" },
	{ "name: x\nclass: {value: neutral, reference: r}\n"
	    "logp: {value: 2, reference: r}\n"
	    "fu: {value: 0.5, reference: r}\nbp: {value: 1, reference: r}\n"
	    "hepatic:\n  clint: {value: 1, unit: L/h, reference: r}\n",
	    "1: missing kp.method" },
	{ "name: x\nclass: {value: neutral, reference: r}\n"
	    "logp: {value: 2, reference: r}\n"
	    "fu: {value: 0.5, reference: r}\nbp: {value: 1, reference: r}\n"
	    "kp:\n  method: pt\n",
	    "1: missing hepatic clearance (hepatic: clint, microsomal or "
	    "hepatocyte)" },
	{ "name: x\nclass: {value: neutral, reference: r}\n"
	    "logp: {value: 2, reference: r}\n"
	    "fu: {value: 0.5, reference: r}\nbp: {value: 1, reference: r}\n"
	    "kp:\n  method: pt\nhepatic:\n"
	    "  microsomal: {value: 1, unit: uL/min/mg, reference: r}\n",
	    "1: hepatic: microsomal needs mppgl (and no hpgl)" },
	{ "name: x\nclass: {value: neutral, reference: r}\n"
	    "logp: {value: 2, reference: r}\n"
	    "fu: {value: 0.5, reference: r}\nbp: {value: 1, reference: r}\n"
	    "kp:\n  method: pt\nhepatic:\n"
	    "  clint: {value: 1, unit: L/h, reference: r}\n"
	    "  hepatocyte: {value: 1, unit: uL/min/10^6 cells, "
	    "reference: r}\n",
	    "1: hepatic: give one of clint, microsomal, hepatocyte" },
	{ "name: x\nclass: {value: zwitterion, reference: r}\n"
	    "pka: {value: 4, reference: r}\n"
	    "logp: {value: 2, reference: r}\n"
	    "fu: {value: 0.5, reference: r}\nbp: {value: 1, reference: r}\n"
	    "kp:\n  method: pt\nhepatic:\n"
	    "  clint: {value: 1, unit: L/h, reference: r}\n",
	    "1: a zwitterion needs two pKa values (acidic, then basic)" },
};

int
main(void)
{
	char dir[] = "/tmp/twin-drug-XXXXXX", path[512], want[700];
	struct kp_comp comp;
	struct twin_err err;
	struct drug d;
	double kp[TISSUE_NKP], kpu[TISSUE_NKP];
	int i, ok;
	FILE *f;

	setenv("TWIN_DATA_PATH", "../../data", 1);
	if (mkdtemp(dir) == NULL || kp_comp_load(&comp, &err) < 0)
		return 1;

	/* A good file and its values. */
	snprintf(path, sizeof(path), "%s/good.yaml", dir);
	if ((f = fopen(path, "w")) == NULL)
		return 1;
	fputs(GOOD "kp:\n  method: pt\n", f);
	fclose(f);
	snprintf(want, sizeof(want), "%s:11: kp given twice", path);
	tap_ok(drug_load(&d, path, &err) < 0 && !strcmp(err.msg, want),
	    "a section given twice is refused");
	if ((f = fopen(path, "w")) == NULL)
		return 1;
	fputs(GOOD "  liver: {value: 7, reference: measured}\n"
	    "mw: {value: 300.5, unit: g/mol, reference: \"a b\"}\n", f);
	fclose(f);
	ok = drug_load(&d, path, &err) == 0;
	if (!ok)
		printf("# %s\n", err.msg);
	tap_ok(ok && !strcmp(d.name, "x") && d.kp.cls == KP_BASE &&
	    d.kp.npka == 1 && d.kp.pka[0] == 9 && d.kp.fu == 0.5 &&
	    d.mw == 300.5 && d.clint == 10 && d.method == KP_RR &&
	    isnan(d.ka) && d.fa == 1 && d.lag == 0 && isnan(d.cl_renal) &&
	    d.has_kp[TISSUE_LIVER] && !d.has_kp[TISSUE_GUT],
	    "a good file's values are read, absent ones take their defaults");
	tap_ok(ok && drug_reference(&d, "mw") &&
	    !strcmp(drug_reference(&d, "mw"), "a b") &&
	    !strcmp(drug_reference(&d, "kp.liver"), "measured") &&
	    drug_reference(&d, "oral.ka") == NULL,
	    "references are kept by key");
	tap_ok(ok && drug_kp(&d, &comp, KP_PT, HCT, kp, kpu, &err) == 0 &&
	    kp[TISSUE_LIVER] == 7 && kpu[TISSUE_LIVER] == 14,
	    "a per-tissue Kp override replaces the prediction (Kpu = Kp/fu)");
	tap_ok(ok && drug_clint(&d, 1800) == 10 && isnan(drug_clint_per_g(&d)),
	    "an unbound CLint in L/h does not scale with the liver");
	if (ok)
		drug_free(&d);

	/* Bad files. */
	for (i = 0; i < (int)(sizeof(bad) / sizeof(bad[0])); i++) {
		char what[200];

		snprintf(path, sizeof(path), "%s/bad%d.yaml", dir, i);
		if ((f = fopen(path, "w")) == NULL)
			return 1;
		fputs(bad[i].text, f);
		fclose(f);
		snprintf(want, sizeof(want), "%s:%s", path, bad[i].want);
		ok = drug_load(&d, path, &err) < 0 &&
		    err.kind == TWIN_EINPUT &&
		    !strncmp(err.msg, want, strlen(want));
		snprintf(what, sizeof(what), "bad file %d: %.150s", i,
		    bad[i].want);
		tap_ok(ok, what);
		if (!ok)
			printf("# got: %s\n", err.msg);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/none.yaml", dir);
	tap_ok(drug_load(&d, path, &err) < 0 && err.kind == TWIN_ESYSTEM,
	    "a missing file is a system error");
	snprintf(path, sizeof(path), "%s/good.yaml", dir);
	unlink(path);
	rmdir(dir);

	/* The shipped drugs. */
	printf("# drug          method  Vss pred (L/kg)  obs (Lombardo 2018)"
	    "  pred/obs\n");
	for (i = 0; i < (int)(sizeof(shipped) / sizeof(shipped[0])); i++) {
		char what[200];
		double vss, r;
		int j, refs;

		snprintf(path, sizeof(path), "../../models/drugs/%s.yaml",
		    shipped[i].name);
		ok = drug_load(&d, path, &err) == 0;
		if (!ok)
			printf("# %s\n", err.msg);
		refs = 1;
		for (j = 0; ok && j < d.nref; j++)
			refs &= d.refs[j].text[0] != '\0';
		snprintf(what, sizeof(what), "%s.yaml loads, name %s, every "
		    "value referenced", shipped[i].name, shipped[i].name);
		tap_ok(ok && refs && !strcmp(d.name, shipped[i].name), what);
		if (!ok)
			continue;
		ok = drug_kp(&d, &comp, -1, HCT, kp, NULL, &err) == 0;
		if (!ok)
			printf("# %s\n", err.msg);
		vss = ok ? kp_vss(kp, icrp_male, d.kp.bp) / BW : NAN;
		r = vss / shipped[i].vss;
		printf("# %-13s %-7s %8.3f %14.2f %19.2f\n", shipped[i].name,
		    kp_method_name(d.method), vss, shipped[i].vss, r);
		snprintf(what, sizeof(what), "%s: predicted Vss %.3f L/kg "
		    "within 3-fold of the observed %.2f", shipped[i].name, vss,
		    shipped[i].vss);
		tap_ok(ok && r >= 1.0 / 3 && r <= 3, what);
		if (!strcmp(d.name, "voriconazole")) {
			/* E19: CLint = Vmax/Km x MPPGL x Vli x 1000 x 60e-6 /
			 * fumic = 4.301 x 30.3 x 1800 x 60e-6 / 0.711 */
			tap_close(drug_clint(&d, 1800), 19.795488607595, 1e-12,
			    "voriconazole microsomal CLint scales to 19.795 L/h "
			    "for a 1800 g liver");
			tap_close(drug_clint_per_g(&d) * 1800,
			    drug_clint(&d, 1800), 1e-15,
			    "the per-gram factor times the liver mass is CLint");
			tap_close(d.cl_renal, 0.096, 0, "voriconazole renal "
			    "clearance 0.096 L/h replaces filtration");
		}
		if (!strcmp(d.name, "midazolam"))
			tap_close(drug_clint_per_g(&d), 0.386325, 1e-12,
			    "midazolam 212.5 uL/min/mg x 30.3 mg/g x 60e-6 = "
			    "0.386325 L/h per g liver");
		drug_free(&d);
	}
	return tap_done();
}
