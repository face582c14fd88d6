/* kp.c - see kp.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body/kp.h"
#include "util/num.h"
#include "util/tsv.h"

static const char *const methods[KP_NMETHOD] = {
	[KP_RR] = "rr", [KP_PT] = "pt", [KP_BEREZ] = "berez",
	[KP_SCHMITT] = "schmitt",
};

static const char *const classes[] = {
	[KP_NEUTRAL] = "neutral", [KP_ACID] = "acid", [KP_BASE] = "base",
	[KP_ZWITTERION] = "zwitterion",
};

const char *
kp_method_name(enum kp_method m)
{
	return (unsigned)m < KP_NMETHOD ? methods[m] : "?";
}

int
kp_method_parse(const char *s)
{
	int i;

	for (i = 0; i < KP_NMETHOD; i++)
		if (!strcmp(s, methods[i]))
			return i;
	return -1;
}

const char *
kp_class_name(enum kp_class c)
{
	return (unsigned)c <= KP_ZWITTERION ? classes[c] : "?";
}

int
kp_class_parse(const char *s)
{
	int i;

	for (i = 0; i <= KP_ZWITTERION; i++)
		if (!strcmp(s, classes[i]))
			return i;
	return -1;
}

int
kp_drug_check(const struct kp_drug *d, struct twin_err *err)
{
	int i;

	if (!(d->fu > 0 && d->fu <= 1))
		return twin_errork(err, TWIN_EDOMAIN,
		    "fu \"%g\" is not in (0, 1]", d->fu);
	if (!(d->bp > 0) || !isfinite(d->bp))
		return twin_errork(err, TWIN_EDOMAIN,
		    "blood:plasma ratio \"%g\" is not positive", d->bp);
	if (!isfinite(d->logp))
		return twin_errork(err, TWIN_EDOMAIN, "log P is not finite");
	if (d->npka < 0 || d->npka > KP_NPKA)
		return twin_errork(err, TWIN_EDOMAIN,
		    "%d pKa values (at most %d)", d->npka, KP_NPKA);
	switch (d->cls) {
	case KP_NEUTRAL:
		if (d->npka != 0)
			return twin_errork(err, TWIN_EDOMAIN,
			    "a neutral drug has no pKa");
		break;
	case KP_ACID:
	case KP_BASE:
		if (d->npka < 1)
			return twin_errork(err, TWIN_EDOMAIN,
			    "an %s needs a pKa", kp_class_name(d->cls));
		break;
	case KP_ZWITTERION:
		if (d->npka != 2)
			return twin_errork(err, TWIN_EDOMAIN, "a zwitterion "
			    "needs two pKa values (acidic, then basic)");
		break;
	default:
		return twin_errork(err, TWIN_EDOMAIN, "unknown drug class");
	}
	for (i = 0; i < d->npka; i++)
		if (!isfinite(d->pka[i]))
			return twin_errork(err, TWIN_EDOMAIN,
			    "pKa is not finite");
	return 0;
}

static int
cmp_up(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double
kp_ionization(const struct kp_drug *d, double ph)
{
	double p[KP_NPKA], sum = 1, acc = 0;
	int i, n = d->npka < 0 ? 0 : d->npka > KP_NPKA ? KP_NPKA : d->npka;

	switch (d->cls) {
	case KP_ACID:
		memcpy(p, d->pka, (size_t)n * sizeof(double));
		qsort(p, (size_t)n, sizeof(double), cmp_up);
		for (i = 0; i < n; i++) {
			acc += ph - p[i];
			sum += pow(10, acc);
		}
		return sum;
	case KP_BASE:
		memcpy(p, d->pka, (size_t)n * sizeof(double));
		qsort(p, (size_t)n, sizeof(double), cmp_up);
		for (i = n - 1; i >= 0; i--) {
			acc += p[i] - ph;
			sum += pow(10, acc);
		}
		return sum;
	case KP_ZWITTERION:
		return 1 + pow(10, ph - d->pka[0]) + pow(10, d->pka[1] - ph);
	default:
		return 1;
	}
}

int
kp_rr_year(const struct kp_drug *d)
{
	if (d->cls == KP_BASE) {
		int i;

		for (i = 0; i < d->npka; i++)
			if (d->pka[i] >= KP_RR2005_PKA)
				return 2005;
	}
	return 2006;
}

/* --- tables ------------------------------------------------------------ */


static struct kp_tissue *
row_tissue(struct kp_comp *c, const char *name)
{
	int t;

	if (!strcmp(name, "plasma"))
		return &c->plasma;
	if (!strcmp(name, "erythrocytes"))
		return &c->rbc;
	t = tissue_parse(name);
	return t >= 0 && t < TISSUE_NKP ? &c->t[t] : NULL;
}

static int
load_rr_pt(struct kp_comp *c, struct twin_err *err)
{
	struct tsv t;
	struct kp_tissue *k, skin_pt;
	int r, have_skin = 0;

	if (tsv_open(&t, "pbpk/tissue_composition.tsv", err) < 0)
		return -1;
	memset(&skin_pt, 0, sizeof(skin_pt));
	while ((r = tsv_next(&t, err)) > 0) {
		const char *ds = tsv_str(&t, "dataset");

		if (strcmp(tsv_str(&t, "species"), "human") ||
		    (k = row_tissue(c, tsv_str(&t, "tissue"))) == NULL)
			continue;
		if (!strcmp(ds, "RR_human_huisinga")) {
			if (tsv_num_of(&t, "f_nl", &k->f_nl, err) < 0 ||
			    tsv_num_of(&t, "f_np", &k->f_np, err) < 0 ||
			    tsv_num_of(&t, "pH_iw", &k->ph_iw, err) < 0)
				goto fail;
			if (k != &c->plasma && (tsv_num_of(&t, "f_ew", &k->f_ew,
			    err) < 0 || tsv_num_of(&t, "f_iw", &k->f_iw, err) < 0 ||
			    tsv_num_of(&t, "ap_mg_per_g", &k->ap, err) < 0))
				goto fail;
			if (k != &c->plasma && k != &c->rbc &&
			    (tsv_num_of(&t, "albumin_ratio", &k->ar, err) < 0 ||
			    tsv_num_of(&t, "lipoprotein_ratio", &k->lr, err) < 0))
				goto fail;
			k->have_rr = 1;
			if (k == &c->t[TISSUE_SKIN]) {
				skin_pt.pt_nl = k->f_nl;
				skin_pt.pt_ph = k->f_np;
				if (tsv_num_of(&t, "f_water_total", &skin_pt.pt_w,
				    err) < 0)
					goto fail;
				have_skin = 1;
			}
		} else if (!strcmp(ds, "PT_human_metrum")) {
			if (tsv_num_of(&t, "f_water_total", &k->pt_w, err) < 0 ||
			    tsv_num_of(&t, "f_nl", &k->pt_nl, err) < 0 ||
			    tsv_num_of(&t, "f_np", &k->pt_ph, err) < 0)
				goto fail;
			k->have_pt = 1;
		}
	}
	tsv_close(&t);
	if (r < 0)
		return -1;
	k = &c->t[TISSUE_SKIN];
	if (!k->have_pt && have_skin) {
		k->pt_w = skin_pt.pt_w;
		k->pt_nl = skin_pt.pt_nl;
		k->pt_ph = skin_pt.pt_ph;
		k->have_pt = 1;
	}
	return 0;
fail:
	tsv_close(&t);
	return -1;
}

static int
load_schmitt(struct kp_comp *c, struct twin_err *err)
{
	struct tsv t;
	struct kp_tissue *k;
	int r;

	if (tsv_open(&t, "pbpk/tissue_composition_schmitt.tsv", err) < 0)
		return -1;
	while ((r = tsv_next(&t, err)) > 0) {
		int i = tissue_parse(tsv_str(&t, "tissue"));

		if (strcmp(tsv_str(&t, "species"), "Human") || i < 0 ||
		    i >= TISSUE_NKP)
			continue;
		k = &c->t[i];
		if (tsv_num_of(&t, "Fcell", &k->fcell, err) < 0 ||
		    tsv_num_of(&t, "Fint", &k->fint, err) < 0 ||
		    tsv_num_of(&t, "FWc", &k->fwc, err) < 0 ||
		    tsv_num_of(&t, "FLc", &k->flc, err) < 0 ||
		    tsv_num_of(&t, "FPc", &k->fpc, err) < 0 ||
		    tsv_num_of(&t, "Fn_Lc", &k->fn_lc, err) < 0 ||
		    tsv_num_of(&t, "Fn_PLc", &k->fn_plc, err) < 0 ||
		    tsv_num_of(&t, "Fa_PLc", &k->fa_plc, err) < 0 ||
		    tsv_num_of(&t, "pH", &k->ph_c, err) < 0) {
			tsv_close(&t);
			return -1;
		}
		k->have_schmitt = 1;
	}
	tsv_close(&t);
	if (r < 0)
		return -1;
	return 0;
}

/* The tissues whose Kp comes from their own composition. */
static const int own[] = {
	TISSUE_ADIPOSE, TISSUE_BONE, TISSUE_BRAIN, TISSUE_GUT, TISSUE_HEART,
	TISSUE_KIDNEY, TISSUE_LIVER, TISSUE_LUNG, TISSUE_MUSCLE, TISSUE_SKIN,
	TISSUE_SPLEEN,
};
#define NOWN (int)(sizeof(own) / sizeof(own[0]))

int
kp_comp_load(struct kp_comp *c, struct twin_err *err)
{
	int i;

	memset(c, 0, sizeof(*c));
	if (load_rr_pt(c, err) < 0 || load_schmitt(c, err) < 0)
		return -1;
	for (i = 0; i < NOWN; i++) {
		const struct kp_tissue *k = &c->t[own[i]];

		if (!k->have_rr || !k->have_pt || !k->have_schmitt)
			return twin_errork(err, TWIN_EINPUT, "the composition "
			    "tables lack the human %s", tissue_name(own[i]));
	}
	if (!c->plasma.have_rr || !c->plasma.have_pt || !c->rbc.have_rr)
		return twin_errork(err, TWIN_EINPUT, "the composition tables "
		    "lack human plasma or erythrocytes");
	return 0;
}

/* --- methods ----------------------------------------------------------- */

static double
p_vow(const struct kp_drug *d)
{
	return pow(10, KP_VOW_SLOPE * d->logp + KP_VOW_ICPT);
}

static double
rr(const struct kp_drug *d, const struct kp_comp *c, int t, int year,
    double ka)
{
	const struct kp_tissue *k = &c->t[t];
	double p = t == TISSUE_ADIPOSE ? p_vow(d) : pow(10, d->logp);
	double x = kp_ionization(d, k->ph_iw), y = kp_ionization(d,
	    KP_PH_PLASMA);
	double kpu = k->f_ew + x / y * k->f_iw +
	    (p * k->f_nl + (0.3 * p + 0.7) * k->f_np) / y;

	if (year == 2005)
		kpu += ka * k->ap * (x - 1) / y;
	else
		kpu += ka * (d->cls == KP_NEUTRAL ? k->lr : k->ar);
	return kpu * d->fu;
}

/* The calibrated affinity: Ka_AP (2005, g tissue/mg AP) or Ka_PR (2006). */
static double
rr_affinity(const struct kp_drug *d, const struct kp_comp *c, double hct,
    int year)
{
	double p = pow(10, d->logp), y = kp_ionization(d, KP_PH_PLASMA), ka;

	if (year == 2005) {
		const struct kp_tissue *b = &c->rbc;
		double z = kp_ionization(d, KP_PH_BC);
		double kpu_bc = (hct - 1 + d->bp) / (hct * d->fu);

		ka = (kpu_bc - z / y * b->f_iw - (p * b->f_nl +
		    (0.3 * p + 0.7) * b->f_np) / y) * y / (b->ap * (z - 1));
	} else {
		const struct kp_tissue *pl = &c->plasma;

		ka = 1 / d->fu - 1 - (p * pl->f_nl + (0.3 * p + 0.7) *
		    pl->f_np) / y;
	}
	return ka > 0 ? ka : 0;
}

static double
pt_berez(const struct kp_drug *d, const struct kp_comp *c, int t, int berez)
{
	const struct kp_tissue *k = &c->t[t], *pl = &c->plasma;
	double fu = d->fu, p, fut, num, den;

	fut = 1 / (1 + (1 - fu) / fu * KP_PT_ALBUMIN_RATIO);
	if (t == TISSUE_ADIPOSE)
		p = p_vow(d) / kp_ionization(d, KP_PH_PLASMA);
	else
		p = pow(10, d->logp);
	if (berez) {
		num = p * (k->pt_nl + 0.3 * k->pt_ph) + k->pt_w / fut +
		    0.7 * k->pt_ph;
		den = p * (pl->pt_nl + 0.3 * pl->pt_ph) + pl->pt_w / fu +
		    0.7 * pl->pt_ph;
		return num / den;
	}
	num = p * (k->pt_nl + 0.3 * k->pt_ph) + k->pt_w + 0.7 * k->pt_ph;
	den = p * (pl->pt_nl + 0.3 * pl->pt_ph) + pl->pt_w + 0.7 * pl->pt_ph;
	return num / den * (t == TISSUE_ADIPOSE ? fu : fu / fut);
}

/* Neutral, cationic and anionic fractions at pH. */
static void
species(const struct kp_drug *d, double ph, double *fn, double *fpos,
    double *fneg)
{
	double ion = kp_ionization(d, ph);

	*fn = 1 / ion;
	*fpos = *fneg = 0;
	if (d->cls == KP_BASE)
		*fpos = 1 - *fn;
	else if (d->cls == KP_ACID)
		*fneg = 1 - *fn;
	else if (d->cls == KP_ZWITTERION) {
		*fneg = pow(10, ph - d->pka[0]) / ion;
		*fpos = pow(10, d->pka[1] - ph) / ion;
	}
}

static double
schmitt(const struct kp_drug *d, const struct kp_comp *c, int t)
{
	const struct kp_tissue *k = &c->t[t];
	double pow_ = pow(10, d->logp), ma, fn, fpos, fneg, fnp, fpp, fnegp;
	double fcell, fint, knl, knpl, kapl, kprot, kint, kcell, kappa, fp;

	ma = isnan(d->logma) ? pow(10, KP_MA_ICPT + KP_MA_SLOPE * d->logp) :
	    pow(10, d->logma);
	species(d, k->ph_c, &fn, &fpos, &fneg);
	species(d, KP_PH_PLASMA, &fnp, &fpp, &fnegp);
	fcell = k->fcell / (k->fcell + k->fint);
	fint = k->fint / (k->fcell + k->fint);
	knpl = ma;
	knl = pow_ * (fn + KP_SCHMITT_ALPHA * (1 - fn));
	kprot = 0.163 + 0.0221 * knpl;
	kapl = knpl * (fn + KP_SCHMITT_APL_CATION * fpos +
	    KP_SCHMITT_APL_ANION * fneg);
	fp = KP_SCHMITT_FPROT_PLASMA;
	kint = (1 - fp) + KP_SCHMITT_INT_PROT * (1 / d->fu - (1 - fp));
	kcell = k->fwc + knl * k->flc * k->fn_lc + knpl * k->flc * k->fn_plc +
	    kapl * k->flc * k->fa_plc + kprot * k->fpc;
	kappa = (fnp + KP_SCHMITT_ALPHA * (1 - fnp)) /
	    (fn + KP_SCHMITT_ALPHA * (1 - fn));
	return (fint * kint + kappa * fcell * kcell) * d->fu;
}

int
kp_compute(const struct kp_drug *d, enum kp_method m,
    const struct kp_comp *c, double hct, double kp[TISSUE_NKP],
    double kpu[TISSUE_NKP], struct twin_err *err)
{
	double out[TISSUE_NKP], ka = 0, sum = 0;
	int i, year = kp_rr_year(d);

	if (kp_drug_check(d, err) < 0)
		return -1;
	if (m == KP_RR && !(hct > 0 && hct < 1))
		return twin_errork(err, TWIN_EDOMAIN,
		    "haematocrit \"%g\" is not in (0, 1)", hct);
	if (m == KP_RR)
		ka = rr_affinity(d, c, hct, year);
	for (i = 0; i < NOWN; i++) {
		int t = own[i];

		switch (m) {
		case KP_RR:
			out[t] = rr(d, c, t, year, ka);
			break;
		case KP_PT:
		case KP_BEREZ:
			out[t] = pt_berez(d, c, t, m == KP_BEREZ);
			break;
		case KP_SCHMITT:
			out[t] = schmitt(d, c, t);
			break;
		default:
			return twin_errork(err, TWIN_EDOMAIN,
			    "unknown Kp method");
		}
		if (t != TISSUE_ADIPOSE)
			sum += out[t];
	}
	out[TISSUE_PANCREAS] = out[TISSUE_GUT];
	out[TISSUE_STOMACH] = out[TISSUE_GUT];
	out[TISSUE_REST] = sum / (NOWN - 1);
	for (i = 0; i < TISSUE_NKP; i++) {
		if (!(out[i] > 0) || !isfinite(out[i]))
			return twin_errork(err, TWIN_EDOMAIN, "%s Kp of %s is "
			    "\"%g\"", kp_method_name(m), tissue_name(i),
			    out[i]);
		if (kp)
			kp[i] = out[i];
		if (kpu)
			kpu[i] = out[i] / d->fu;
	}
	return 0;
}

double
kp_vss(const double kp[TISSUE_NKP], const double vol[TISSUE_N], double bp)
{
	double v = (vol[TISSUE_ARTERIAL] + vol[TISSUE_VENOUS]) * bp;
	int i;

	for (i = 0; i < TISSUE_NKP; i++)
		v += vol[i] * kp[i];
	return v;
}
