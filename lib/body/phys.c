/* phys.c - see phys.h and twin-physiology(7). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/datafile.h"
#include "body/phys.h"

#define PHYS_TABLE "pbpk/physiology_reference.tsv"
#define REF_TABLE "pbpk/reference_individual.tsv"

#define HTTK "httk tissue_masses_flows.R (Ring CL et al. 2017, " \
	"Environ Int 106:105)"

/* The row of physiology_reference.tsv of each tissue. */
static const char *const rowname[TISSUE_N] = {
	[TISSUE_ADIPOSE] = "adipose",
	[TISSUE_BONE] = "bone_skeleton",
	[TISSUE_BRAIN] = "brain",
	[TISSUE_GUT] = "gut_SI_LI_wall",
	[TISSUE_HEART] = "heart",
	[TISSUE_KIDNEY] = "kidney",
	[TISSUE_LIVER] = "liver",
	[TISSUE_LUNG] = "lung",
	[TISSUE_MUSCLE] = "muscle",
	[TISSUE_PANCREAS] = "pancreas",
	[TISSUE_SKIN] = "skin",
	[TISSUE_SPLEEN] = "spleen",
	[TISSUE_STOMACH] = "stomach_wall",
	[TISSUE_REST] = "rest_of_body",
	[TISSUE_ARTERIAL] = "arterial_blood",
	[TISSUE_VENOUS] = "venous_blood",
};

/*
 * Scaling rules that are not a table's numbers: httk's, written as the
 * ratio of the rule at the person to the rule at the reference (so the
 * reference reproduces the table).  The bone mineral content of httk's
 * bone_mass_age (logistic fits to Baxter-Jones et al. 2011, loss after 50
 * after Looker et al. 2009); the /0.65 (mineral fraction) and /0.5
 * (bone to skeleton) of httk cancel in the ratio.
 */
static const char bmc_text[] =
	"SEX == 2 ? 0.74042 + (2.14976 - 0.74042)"
	" / (1 + exp((12.35466 - AGE) / 1.3575))"
	" - (AGE >= 50 ? 0.0056 * AGE : 0)"
	" : 0.89983 + (2.99019 - 0.89983)"
	" / (1 + exp((14.17081 - AGE) / 1.58179))"
	" - (AGE >= 50 ? 0.0019 * AGE : 0)";

/* A tab-separated table in memory: row 0 is the header. */
struct tsv {
	const char *name;
	char path[4096];
	char *buf;
	char ***cell;
	int *line;
	int nrow, ncol;
};

struct phys {
	struct formula *def;
	int ndef, capdef;
	struct formula_rule *rule;
	int nrule, caprule;
	char **own;		/* every string allocated here */
	int nown, capown;
	int nomem;
	struct fprog *prog;
	int iM[TISSUE_N], iV[TISSUE_N], iQ[TISSUE_N];
	int iBSA, iCO, iVblood, iVplasma, iHCT, iMblood, iQportal, iQlt;
};

static void
tsv_free(struct tsv *t)
{
	if (t->cell != NULL) {
		int r;

		for (r = 0; r < t->nrow; r++)
			free(t->cell[r]);
	}
	free(t->cell);
	free(t->line);
	free(t->buf);
	memset(t, 0, sizeof *t);
}

static int
tsv_load(struct tsv *t, const char *name, struct twin_err *err)
{
	FILE *f;
	long len;
	char *s, *next;
	int lineno = 0, c, ncap = 0;

	memset(t, 0, sizeof *t);
	t->name = name;
	if (data_find(name, t->path, sizeof t->path, err) < 0)
		return -1;
	if ((f = fopen(t->path, "rb")) == NULL)
		return twin_errork(err, TWIN_ESYSTEM, "%s: %s", t->path,
		    strerror(errno));
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return twin_errork(err, TWIN_ESYSTEM, "%s: cannot read",
		    t->path);
	}
	if ((t->buf = malloc((size_t)len + 1)) == NULL) {
		fclose(f);
		return twin_nomem(err);
	}
	if (fread(t->buf, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		return twin_errork(err, TWIN_ESYSTEM, "%s: cannot read",
		    t->path);
	}
	fclose(f);
	t->buf[len] = '\0';
	for (s = t->buf; s != NULL && *s != '\0'; s = next) {
		char **row;
		int n = 1;

		lineno++;
		if ((next = strchr(s, '\n')) != NULL)
			*next++ = '\0';
		if (*s == '#' || *s == '\0')
			continue;
		for (c = 0; s[c] != '\0'; c++)
			n += s[c] == '\t';
		if (t->nrow == ncap) {
			char ***nc;
			int *nl;

			ncap = ncap ? 2 * ncap : 32;
			nc = realloc(t->cell, (size_t)ncap * sizeof *nc);
			if (nc != NULL)
				t->cell = nc;
			nl = realloc(t->line, (size_t)ncap * sizeof *nl);
			if (nl != NULL)
				t->line = nl;
			if (nc == NULL || nl == NULL)
				return twin_nomem(err);
		}
		if ((row = calloc((size_t)n + 1, sizeof *row)) == NULL)
			return twin_nomem(err);
		t->cell[t->nrow] = row;
		t->line[t->nrow++] = lineno;
		for (c = 0; c < n; c++) {
			char *tab = strchr(s, '\t');

			if (tab != NULL)
				*tab = '\0';
			row[c] = s;
			s = tab != NULL ? tab + 1 : s + strlen(s);
		}
		if (t->nrow == 1)
			t->ncol = n;
		else if (n > t->ncol)
			return twin_error(err, "%s:%d: %d fields, the header "
			    "has %d", t->path, lineno, n, t->ncol);
	}
	if (t->nrow < 1)
		return twin_error(err, "%s: no header", t->path);
	return 0;
}

/* The number text in row, column col; NULL and err if it is not one. */
static const char *
tsv_num(const struct tsv *t, const char *row, const char *col,
    struct twin_err *err)
{
	int r, c;
	const char *s;
	char *end;

	for (c = 0; c < t->ncol; c++)
		if (!strcmp(t->cell[0][c], col))
			break;
	if (c == t->ncol) {
		twin_error(err, "%s: no column \"%s\"", t->path, col);
		return NULL;
	}
	for (r = 1; r < t->nrow; r++)
		if (!strcmp(t->cell[r][0], row))
			break;
	if (r == t->nrow) {
		twin_error(err, "%s: no row \"%s\"", t->path, row);
		return NULL;
	}
	s = t->cell[r][c];
	if (s == NULL || *s == '\0' || (strtod(s, &end), *end != '\0') ||
	    !isdigit((unsigned char)*s)) {
		twin_error(err, "%s:%d: column \"%s\" of \"%s\" is not a "
		    "number: \"%s\"", t->path, t->line[r], col, row,
		    s != NULL ? s : "");
		return NULL;
	}
	return s;
}

/* A new string, kept for phys_free; NULL (and p->nomem) if out of
 * memory. */
static char *
sfmt(struct phys *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static char *
sfmt(struct phys *p, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (p->nown == p->capown) {
		int cap = p->capown ? 2 * p->capown : 256;
		char **no = realloc(p->own, (size_t)cap * sizeof *no);

		if (no == NULL) {
			p->nomem = 1;
			return NULL;
		}
		p->own = no;
		p->capown = cap;
	}
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL) {
		p->nomem = 1;
		return NULL;
	}
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	p->own[p->nown++] = s;
	return s;
}

/* "(SEX == 2 ? f : m)", or m when both are the same text. */
static char *
sx(struct phys *p, const char *m, const char *f)
{
	if (m == NULL || f == NULL)
		return NULL;
	if (!strcmp(m, f))
		return sfmt(p, "%s", m);
	return sfmt(p, "(SEX == 2 ? %s : %s)", f, m);
}

/* text with the names AGE, HT, WT replaced by AGE_REF, HT_REF, WT_REF. */
static char *
at_ref(struct phys *p, const char *text)
{
	static const char *const from[] = { "AGE", "HT", "WT" };
	size_t cap = 3 * strlen(text) + 64, n = 0;
	char *out = malloc(cap), *s;
	const char *c = text;
	int k;

	if (out == NULL) {
		p->nomem = 1;
		return NULL;
	}
	while (*c != '\0') {
		size_t len = 0;

		if (isdigit((unsigned char)*c) || *c == '.') {
			/* a number, with its exponent */
			while (isdigit((unsigned char)c[len]) || c[len] == '.')
				len++;
			if (c[len] == 'e' || c[len] == 'E') {
				len++;
				if (c[len] == '+' || c[len] == '-')
					len++;
				while (isdigit((unsigned char)c[len]))
					len++;
			}
		} else if (isalpha((unsigned char)*c) || *c == '_') {
			while (isalnum((unsigned char)c[len]) || c[len] == '_')
				len++;
			for (k = 0; k < 3; k++)
				if (strlen(from[k]) == len &&
				    !strncmp(c, from[k], len))
					break;
			if (k < 3) {
				memcpy(out + n, c, len);
				memcpy(out + n + len, "_REF", 4);
				n += len + 4;
				c += len;
				continue;
			}
		} else
			len = 1;
		memcpy(out + n, c, len);
		n += len;
		c += len;
		/* a name of 2 or more characters grows by 4 and needs an
		 * operator beside it: at most 7/3 of the text */
	}
	out[n] = '\0';
	s = sfmt(p, "%s", out);
	free(out);
	return s;
}

static void
def(struct phys *p, const char *name, const char *text, const char *unit,
    const char *meaning, const char *source)
{
	struct formula *d;

	if (name == NULL || text == NULL) {
		p->nomem = 1;
		return;
	}
	if (p->ndef == p->capdef) {
		int cap = p->capdef ? 2 * p->capdef : 64;

		if ((d = realloc(p->def, (size_t)cap * sizeof *d)) == NULL) {
			p->nomem = 1;
			return;
		}
		p->def = d;
		p->capdef = cap;
	}
	d = &p->def[p->ndef++];
	d->name = name;
	d->text = text;
	d->unit = unit;
	d->meaning = meaning;
	d->source = source;
}

static void
rule(struct phys *p, const char *text, const char *what)
{
	struct formula_rule *r;

	if (text == NULL || what == NULL) {
		p->nomem = 1;
		return;
	}
	if (p->nrule == p->caprule) {
		int cap = p->caprule ? 2 * p->caprule : 16;

		if ((r = realloc(p->rule, (size_t)cap * sizeof *r)) == NULL) {
			p->nomem = 1;
			return;
		}
		p->rule = r;
		p->caprule = cap;
	}
	r = &p->rule[p->nrule++];
	r->text = text;
	r->what = what;
	r->of = NULL;
}

void
phys_free(struct phys *p)
{
	int i;

	if (p == NULL)
		return;
	fprog_free(p->prog);
	for (i = 0; i < p->nown; i++)
		free(p->own[i]);
	free(p->own);
	free(p->def);
	free(p->rule);
	free(p);
}

int
phys_def_count(const struct phys *p)
{
	return p->ndef;
}

const struct formula *
phys_def_at(const struct phys *p, int i)
{
	return i >= 0 && i < p->ndef ? &p->def[i] : NULL;
}

static int
def_index(const struct phys *p, const char *name)
{
	int i;

	for (i = 0; i < p->ndef; i++)
		if (!strcmp(p->def[i].name, name))
			return i;
	return -1;
}

const struct formula *
phys_def_find(const struct phys *p, const char *name)
{
	return phys_def_at(p, def_index(p, name));
}

int
phys_rule_count(const struct phys *p)
{
	return p->nrule;
}

const struct formula_rule *
phys_rule_at(const struct phys *p, int i)
{
	return i >= 0 && i < p->nrule ? &p->rule[i] : NULL;
}

const char *
phys_volume_expr(const struct phys *p, enum tissue t)
{
	return (unsigned)t < TISSUE_N ? p->def[p->iV[t]].text : NULL;
}

const char *
phys_flow_expr(const struct phys *p, enum tissue t)
{
	return (unsigned)t < TISSUE_N ? p->def[p->iQ[t]].text : NULL;
}

/* Tissues scaled by (HT/HT_REF)^0.75 alone (httk; Willmann 2007). */
static int
allometric(int t)
{
	return t == TISSUE_GUT || t == TISSUE_HEART || t == TISSUE_KIDNEY ||
	    t == TISSUE_LIVER || t == TISSUE_LUNG || t == TISSUE_PANCREAS ||
	    t == TISSUE_SPLEEN || t == TISSUE_STOMACH;
}

/* Tissues whose flow is their ICRP fraction of CO. */
static int
own_flow(int t)
{
	return t != TISSUE_LUNG && t != TISSUE_REST && t < TISSUE_NKP;
}

/* The definitions and rules from the two tables. */
static int
build(struct phys *p, const struct tsv *pt, const struct tsv *rt,
    struct twin_err *err)
{
	const char *m, *f, *dens[TISSUE_N] = { NULL }, *bd, *floor;
	char *mref[TISSUE_N] = { NULL }, *sum, *co, *s;
	const struct formula *bsa = formula_find("BSA");
	int t, i;

#define NUM(tab, row, col) \
	((s = (char *)tsv_num(tab, row, col, err)) == NULL ? -1 : 0)
#define SX(tab, row, colm, colf, out) do { \
	if (NUM(tab, row, colm) < 0) return -1; \
	m = s; \
	if (NUM(tab, row, colf) < 0) return -1; \
	f = s; \
	(out) = sx(p, m, f); \
} while (0)

	def(p, "BSA", bsa->text, bsa->unit, bsa->meaning, bsa->source);
	SX(rt, "age", "male", "female", s);
	def(p, "AGE_REF", s, "y", "age of the reference adult", rt->name);
	SX(rt, "height", "male", "female", s);
	def(p, "HT_REF", s, "cm", "height of the reference adult", rt->name);
	SX(rt, "weight", "male", "female", s);
	def(p, "WT_REF", s, "kg", "weight of the reference adult", rt->name);
	def(p, "BSA_REF", at_ref(p, bsa->text), "m^2",
	    "BSA of the reference adult", bsa->source);
	def(p, "HSCALE", "(HT / HT_REF) ^ 0.75", "1",
	    "organ mass scale with height",
	    HTTK "; Willmann S et al. (2007) J Pharmacokinet "
	    "Pharmacodyn 34:401");
	def(p, "BMC", bmc_text, "kg", "bone mineral content (httk)",
	    HTTK ", bone_mass_age: Baxter-Jones ADG et al. (2011) J Bone "
	    "Miner Res 26:1729; Looker AC et al. (2009)");
	def(p, "BMC_REF", at_ref(p, bmc_text), "kg",
	    "BMC of the reference adult", HTTK);
	if (NUM(rt, "blood_density", "male") < 0)
		return -1;
	bd = s;
	if (NUM(rt, "blood_density", "female") < 0)
		return -1;
	if (strcmp(bd, s))
		return twin_error(err, "%s: blood_density: one value for "
		    "both sexes expected", rt->path);
	SX(rt, "adipose_floor", "male", "female", floor);

	/* Reference masses (kg): the mass columns; rest_of_body has none:
	 * its volume times its density. */
	for (t = 0; t < TISSUE_NKP; t++) {
		if (NUM(pt, rowname[t], "density_kg_per_L") < 0)
			return -1;
		dens[t] = s;
		if (t == TISSUE_REST) {
			char *vm, *vf;

			if (NUM(pt, rowname[t], "volume_L_male") < 0)
				return -1;
			vm = sfmt(p, "%s * %s", s, dens[t]);
			if (NUM(pt, rowname[t], "volume_L_female") < 0)
				return -1;
			vf = sfmt(p, "%s * %s", s, dens[t]);
			mref[t] = sx(p, vm, vf);
		} else
			SX(pt, rowname[t], "mass_kg_male", "mass_kg_female",
			    mref[t]);
	}
	for (t = 0; t < TISSUE_NKP; t++) {
		char *name = sfmt(p, "M_%s", tissue_name(t));

		if (t == TISSUE_ADIPOSE)
			continue;
		if (allometric(t))
			def(p, name, sfmt(p, "%s * HSCALE", mref[t]), "kg",
			    "mass: reference x (HT/HT_REF)^0.75", HTTK);
		else if (t == TISSUE_BRAIN)
			def(p, name, sfmt(p, "%s * (3.68 - 2.68 * exp(-AGE / "
			    "0.89)) * exp(-AGE / 629) / ((3.68 - 2.68 * "
			    "exp(-AGE_REF / 0.89)) * exp(-AGE_REF / 629))",
			    mref[t]), "kg", "brain mass by age, ratio to the "
			    "reference age", HTTK ", brain_mass (Bosgra S et "
			    "al. 2012, Crit Rev Toxicol 42:751)");
		else if (t == TISSUE_MUSCLE)
			def(p, name, sfmt(p, "%s * HSCALE - 0.001 * (AGE ^ 2 - "
			    "AGE_REF ^ 2)", mref[t]), "kg", "muscle: "
			    "allometric, less 0.001 kg/y^2 x age^2 relative to "
			    "the reference age", HTTK ", skeletal_muscle_mass "
			    "(Janssen I et al. 2000, J Appl Physiol 89:81)");
		else if (t == TISSUE_BONE)
			def(p, name, sfmt(p, "%s * BMC / BMC_REF", mref[t]),
			    "kg", "skeleton by age (bone mineral content "
			    "ratio)", HTTK ", bone_mass_age");
		else if (t == TISSUE_SKIN)
			def(p, name, sfmt(p, "%s * exp(1.64 * (BSA - BSA_REF))",
			    mref[t]), "kg", "skin from BSA (ratio of Bosgra "
			    "exp(1.64 BSA - 1.93))", HTTK ", skin_mass_bosgra "
			    "(Bosgra S et al. 2012)");
		else if (t == TISSUE_REST)
			def(p, name, sfmt(p, "%s * WT / WT_REF", mref[t]),
			    "kg", "rest of body in proportion to body weight "
			    "(choice; httk: 3.3 % + 1.4 % of WT)",
			    "physiology_reference.tsv rest_of_body; "
			    "proportional to WT as httk's Birnbaum 1994 "
			    "fractions");
	}
	if (NUM(pt, "blood_total", "volume_L_male") < 0)
		return -1;
	m = s;
	if (NUM(pt, "blood_total", "volume_L_female") < 0)
		return -1;
	f = s;
	def(p, "V_blood", sfmt(p, "%s * (SEX == 2 ? (2.66 * BSA - 0.46) / "
	    "(2.66 * BSA_REF - 0.46) : (3.33 * BSA - 0.81) / (3.33 * BSA_REF "
	    "- 0.81))", sx(p, m, f)), "L", "blood volume from BSA (ratio of "
	    "Bosgra's blood mass)", HTTK ", blood_weight (Bosgra S et al. "
	    "2012 eq. 10-11); ICRP 89 blood volume");
	{
		const char *em, *ef;

		if (NUM(pt, "erythrocytes", "volume_L_male") < 0)
			return -1;
		em = s;
		if (NUM(pt, "erythrocytes", "volume_L_female") < 0)
			return -1;
		ef = s;
		def(p, "HCT", sx(p, sfmt(p, "%s / %s", em, m),
		    sfmt(p, "%s / %s", ef, f)), "1",
		    "whole-body haematocrit, erythrocytes / blood (constant "
		    "per sex: choice)", "ICRP 89 ch. 7 via Huisinga 2012");
	}
	def(p, "V_plasma", "V_blood * (1 - HCT)", "L", "plasma volume",
	    "ICRP 89 ch. 7 via Huisinga 2012");
	def(p, "M_blood", sfmt(p, "%s * V_blood", bd), "kg", "blood mass",
	    rt->name);
	sum = sfmt(p, "M_blood");
	for (t = 0; t < TISSUE_NKP; t++)
		if (t != TISSUE_ADIPOSE)
			sum = sfmt(p, "%s + M_%s", sum ? sum : "",
			    tissue_name(t));
	def(p, "M_adipose", sfmt(p, "WT - (%s)", sum), "kg",
	    "adipose: body weight less every other tissue and the blood",
	    HTTK);
	for (t = 0; t < TISSUE_N; t++) {
		char *name = sfmt(p, "V_%s", tissue_name(t));

		if (t < TISSUE_NKP) {
			if (!strcmp(dens[t], "1"))
				s = sfmt(p, "M_%s", tissue_name(t));
			else
				s = sfmt(p, "M_%s / %s", tissue_name(t),
				    dens[t]);
			def(p, name, s, "L", "volume = mass / density",
			    "physiology_reference.tsv density_kg_per_L");
		} else if (t == TISSUE_ARTERIAL) {
			char *am;

			if (NUM(pt, rowname[t], "volume_L_male") < 0)
				return -1;
			am = sfmt(p, "%s / %s", s, m);

			if (NUM(pt, rowname[t], "volume_L_female") < 0)
				return -1;
			def(p, name, sfmt(p, "V_blood * %s",
			    sx(p, am, sfmt(p, "%s / %s", s, f))), "L",
			    "arterial blood: the reference fraction of blood",
			    "ICRP 89 Table 2.13 via Huisinga 2012");
		} else
			def(p, name, "V_blood - V_arterial", "L",
			    "venous blood: the rest of the blood",
			    "ICRP 89 Table 2.13 via Huisinga 2012");
	}
	SX(pt, "cardiac_output", "flow_Lph_male", "flow_Lph_female", co);
	def(p, "CO", sfmt(p, "%s * HSCALE * (1 - max(0, 0.005 * (AGE - 25))) "
	    "/ (1 - max(0, 0.005 * (AGE_REF - 25)))", co), "L/h",
	    "cardiac output: allometric, ageing 0.5 %/y after 25, ratio to the "
	    "reference age", HTTK "; ICRP 89 Table 2.39");
	if (NUM(pt, "cardiac_output", "flow_Lph_male") < 0)
		return -1;
	m = s;
	if (NUM(pt, "cardiac_output", "flow_Lph_female") < 0)
		return -1;
	f = s;
	for (t = 0; t < TISSUE_NKP; t++) {
		char *qm, *qf;

		if (!own_flow(t))
			continue;
		if (NUM(pt, rowname[t], "flow_Lph_male") < 0)
			return -1;
		qm = sfmt(p, "%s / %s", s, m);
		if (NUM(pt, rowname[t], "flow_Lph_female") < 0)
			return -1;
		qf = sfmt(p, "%s / %s", s, f);
		def(p, sfmt(p, "Q_%s", tissue_name(t)),
		    sfmt(p, "%s * CO", sx(p, qm, qf)), "L/h",
		    t == TISSUE_LIVER ? "hepatic artery: ICRP fraction of CO" :
		    "ICRP fraction of cardiac output",
		    HTTK "; McNally K et al. (2014) = ICRP 89 Table 2.40");
	}
	def(p, "Q_portal", "Q_gut + Q_stomach + Q_spleen + Q_pancreas", "L/h",
	    "portal vein", "pbpk.md 1.2");
	def(p, "Q_liver_total", "Q_liver + Q_portal", "L/h",
	    "total liver inflow", "pbpk.md 1.2");
	def(p, "Q_lung", "CO", "L/h", "pulmonary flow", "pbpk.md 1.2");
	sum = NULL;
	for (t = 0; t < TISSUE_NKP; t++)
		if (own_flow(t) && !tissue_portal(t))
			sum = sfmt(p, "%s%sQ_%s%s", sum ? sum : "",
			    sum ? " + " : "", tissue_name(t),
			    t == TISSUE_LIVER ? "_total" : "");
	def(p, "Q_rest", sfmt(p, "CO - (%s)", sum), "L/h",
	    "rest of body: closes the flow balance (bronchial, gonads, ...)",
	    "physiology_reference.tsv rest_of_body");
	def(p, "Q_arterial", "CO", "L/h", "arterial blood flow", "pbpk.md 1.2");
	def(p, "Q_venous", "CO", "L/h", "venous blood flow", "pbpk.md 1.2");

	for (i = 0; i < 4; i++) {
		const struct formula_rule *r = formula_rule_at(i);

		rule(p, r->text, r->what);
	}
	rule(p, sfmt(p, "AGE >= %d && AGE <= %d", PHYS_AGE_MIN, PHYS_AGE_MAX),
	    sfmt(p, "the physiology rules are for adults aged %d to %d "
	    "(no sourced rules for children here)", PHYS_AGE_MIN,
	    PHYS_AGE_MAX));
	rule(p, sfmt(p, "M_adipose > %s", floor),
	    sfmt(p, "adipose mass (body weight less every other tissue) must "
	    "exceed %s kg (httk's floor): the rules cannot make this person",
	    floor));
	rule(p, "M_muscle > 0", "the muscle mass must be positive");
#undef NUM
#undef SX
	return p->nomem ? twin_nomem(err) : 0;
}

struct phys *
phys_load(struct twin_err *err)
{
	static const char *const in[PHYS_NCOV] = { "SEX", "AGE", "HT", "WT" };
	struct tsv pt, rt;
	struct phys *p;
	int t, rc;

	if ((p = calloc(1, sizeof *p)) == NULL) {
		twin_nomem(err);
		return NULL;
	}
	if (tsv_load(&pt, PHYS_TABLE, err) < 0) {
		tsv_free(&pt);
		phys_free(p);
		return NULL;
	}
	if (tsv_load(&rt, REF_TABLE, err) < 0) {
		tsv_free(&pt);
		tsv_free(&rt);
		phys_free(p);
		return NULL;
	}
	rc = build(p, &pt, &rt, err);
	tsv_free(&pt);
	tsv_free(&rt);
	if (rc < 0 || (p->prog = fprog_compile(in, PHYS_NCOV, p->def,
	    p->ndef, p->rule, p->nrule, err)) == NULL) {
		phys_free(p);
		return NULL;
	}
	for (t = 0; t < TISSUE_N; t++) {
		char name[64];

		snprintf(name, sizeof name, "M_%s", tissue_name(t));
		p->iM[t] = def_index(p, name);
		snprintf(name, sizeof name, "V_%s", tissue_name(t));
		p->iV[t] = def_index(p, name);
		snprintf(name, sizeof name, "Q_%s", tissue_name(t));
		p->iQ[t] = def_index(p, name);
	}
	p->iBSA = def_index(p, "BSA");
	p->iCO = def_index(p, "CO");
	p->iVblood = def_index(p, "V_blood");
	p->iVplasma = def_index(p, "V_plasma");
	p->iHCT = def_index(p, "HCT");
	p->iMblood = def_index(p, "M_blood");
	p->iQportal = def_index(p, "Q_portal");
	p->iQlt = def_index(p, "Q_liver_total");
	return p;
}

int
phys_eval(const struct phys *p, const double cov[PHYS_NCOV],
    struct phys_values *out, struct twin_err *err)
{
	double stackv[256], *v = stackv;
	int t, i;

	for (i = 0; i < PHYS_NCOV; i++)
		if (isnan(cov[i]))
			return twin_errork(err, TWIN_EDOMAIN, "%s is not known",
			    formula_cov_name(i));
	if (p->ndef > (int)(sizeof stackv / sizeof stackv[0]) &&
	    (v = malloc((size_t)p->ndef * sizeof *v)) == NULL)
		return twin_nomem(err);
	if (fprog_eval(p->prog, cov, v, err) < 0) {
		if (v != stackv)
			free(v);
		return -1;
	}
	for (t = 0; t < TISSUE_N; t++) {
		out->M[t] = p->iM[t] >= 0 ? v[p->iM[t]] : NAN;
		out->V[t] = v[p->iV[t]];
		out->Q[t] = v[p->iQ[t]];
	}
	out->BSA = v[p->iBSA];
	out->CO = v[p->iCO];
	out->V_blood = v[p->iVblood];
	out->V_plasma = v[p->iVplasma];
	out->HCT = v[p->iHCT];
	out->M_blood = v[p->iMblood];
	out->Q_portal = v[p->iQportal];
	out->Q_liver_total = v[p->iQlt];
	if (v != stackv)
		free(v);
	return 0;
}
