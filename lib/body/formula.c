/* formula.c - see formula.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/expr.h"
#include "body/formula.h"

static const char *const covnames[FORMULA_NCOV] = {
	"SEX", "AGE", "HT", "WT", "SCR"
};

/*
 * The formulas.  SEX == 2 selects the female coefficients; the rules
 * refuse any SEX other than 1 or 2, so "otherwise" is male.
 */
static const struct formula table[] = {
	{ "BMI", "WT / (HT / 100) ^ 2", "kg/m^2", "body mass index",
	  "Quetelet; WHO" },
	{ "BSA",
	  "AGE >= 18 ? sqrt(WT * HT / 3600)"
	  " : 0.024265 * WT ^ 0.5378 * HT ^ 0.3964",
	  "m^2", "body surface area, Mosteller (AGE >= 18), Haycock (< 18)",
	  "Mosteller RD (1987) N Engl J Med 317:1098; Haycock GB et al. "
	  "(1978) J Pediatr 93:62; the switch at 18 y as in httk "
	  "(Ring et al. 2017, Environ Int 106:105)" },
	{ "BSA_DUBOIS", "0.007184 * WT ^ 0.425 * HT ^ 0.725", "m^2",
	  "body surface area, Du Bois",
	  "Du Bois D, Du Bois EF (1916) Arch Intern Med 17:863" },
	{ "EGFR",
	  "142 * min(SCR / (SEX == 2 ? 0.7 : 0.9), 1)"
	  " ^ (SEX == 2 ? -0.241 : -0.302)"
	  " * max(SCR / (SEX == 2 ? 0.7 : 0.9), 1) ^ -1.2"
	  " * 0.9938 ^ AGE * (SEX == 2 ? 1.012 : 1)",
	  "mL/min/1.73 m^2", "estimated GFR, CKD-EPI 2021 creatinine, "
	  "race-free",
	  "Inker LA et al. (2021) N Engl J Med 385:1737" },
	{ "GFR", "EGFR * BSA / 1.73 * 0.06", "L/h",
	  "absolute GFR: EGFR x BSA / 1.73 m^2 (1 mL/min = 0.06 L/h)",
	  "Inker LA et al. (2021) N Engl J Med 385:1737 (EGFR per 1.73 m^2)" },
	{ "CRCL", "(140 - AGE) * WT / (72 * SCR) * (SEX == 2 ? 0.85 : 1)",
	  "mL/min", "creatinine clearance, Cockcroft-Gault",
	  "Cockcroft DW, Gault MH (1976) Nephron 16:31" },
	{ "LBM_JAMES",
	  "SEX == 2 ? 1.07 * WT - 148 * (WT / HT) ^ 2"
	  " : 1.1 * WT - 128 * (WT / HT) ^ 2",
	  "kg", "lean body mass, James",
	  "James WPT (1976) Research on obesity, HMSO London" },
	{ "LBM_JANMAHASATIAN",
	  "SEX == 2 ? 9270 * WT / (8780 + 244 * BMI)"
	  " : 9270 * WT / (6680 + 216 * BMI)",
	  "kg", "lean body mass (fat-free mass), Janmahasatian",
	  "Janmahasatian S et al. (2005) Clin Pharmacokinet 44:1051" },
	{ "LBM_BOER",
	  "SEX == 2 ? 0.252 * WT + 0.473 * HT - 48.3"
	  " : 0.407 * WT + 0.267 * HT - 19.2",
	  "kg", "lean body mass, Boer",
	  "Boer P (1984) Am J Physiol 247:F632" },
};

#define NTABLE ((int)(sizeof table / sizeof table[0]))

static const struct formula_rule rules[] = {
	{ "SEX == 1 || SEX == 2", "SEX must be 1 (male) or 2 (female)",
	  NULL },
	{ "AGE >= 0", "AGE must be at least 0 years", NULL },
	{ "HT > 0", "HT must be positive (cm)", NULL },
	{ "WT > 0", "WT must be positive (kg)", NULL },
	{ "SCR > 0", "SCR must be positive (mg/dL)", NULL },
	{ "AGE >= 18", "CKD-EPI 2021 (EGFR) is for adults, AGE >= 18",
	  "EGFR" },
	{ "AGE >= 18", "Cockcroft-Gault (CRCL) is for adults, AGE >= 18",
	  "CRCL" },
};

#define NRULES ((int)(sizeof rules / sizeof rules[0]))

const char *
formula_cov_name(int i)
{
	return i >= 0 && i < FORMULA_NCOV ? covnames[i] : "?";
}

int
formula_count(void)
{
	return NTABLE;
}

const struct formula *
formula_at(int i)
{
	return i >= 0 && i < NTABLE ? &table[i] : NULL;
}

int
formula_index(const char *name)
{
	int i;

	for (i = 0; i < NTABLE; i++)
		if (!strcmp(table[i].name, name))
			return i;
	return -1;
}

const struct formula *
formula_find(const char *name)
{
	return formula_at(formula_index(name));
}

int
formula_rule_count(void)
{
	return NRULES;
}

const struct formula_rule *
formula_rule_at(int i)
{
	return i >= 0 && i < NRULES ? &rules[i] : NULL;
}

const struct formula *
formula_table(void)
{
	return table;
}

const struct formula_rule *
formula_rules(void)
{
	return rules;
}

/* Name lookup over names[0..n-1]. */
struct names {
	const char *const *name;
	int n;
};

static int
lookup(void *ctx, const char *name, int len)
{
	const struct names *nm = ctx;
	int i;

	for (i = 0; i < nm->n; i++)
		if ((int)strlen(nm->name[i]) == len &&
		    !strncmp(nm->name[i], name, len))
			return i;
	return -1;
}

int
formula_eval(const char *text, const char *const *names,
    const double *values, int n, double *out, struct twin_err *err)
{
	struct names nm = { names, n };
	struct enode *e;
	struct tape *t;
	int col;

	if ((e = expr_parse(text, lookup, &nm, &col, err)) == NULL)
		return twin_error_prefix(err, "\"%s\" column %d", text,
		    col + 1);
	t = tape_compile(e);
	enode_free(e);
	if (t == NULL)
		return twin_nomem(err);
	*out = tape_eval(t, values);
	tape_free(t);
	return 0;
}

/*
 * Slots: v[0..nin-1] inputs, v[nin..nin+ndefs-1] definitions,
 * v[nin+ndefs..+nrules-1] rule values, then the program's temporaries.
 * dep[s * nin + k] is 1 when slot s depends on input k.
 */
struct fprog {
	int nin, ndefs, nrules, nv;
	struct prog *prog;
	char **name;		/* of each input and definition */
	char **rtext, **rwhat;
	int *rslots;		/* slots a rule's text uses, -1 ended */
	int *rstart;		/* rule j's slots from rslots[rstart[j]] */
	unsigned char *dep;	/* (nin + ndefs + nrules) x nin */
};

struct depctx {
	const struct fprog *p;
	unsigned char *row;
	int *slots;		/* if not NULL: collect slots (no repeats) */
	int nslots;
};

static void
markdep(void *ctx, int slot)
{
	struct depctx *d = ctx;
	const struct fprog *p = d->p;
	int k;

	if (slot < p->nin)
		d->row[slot] = 1;
	else
		for (k = 0; k < p->nin; k++)
			d->row[k] |= p->dep[(size_t)slot * p->nin + k];
	if (d->slots != NULL) {
		for (k = 0; k < d->nslots; k++)
			if (d->slots[k] == slot)
				return;
		d->slots[d->nslots++] = slot;
	}
}

static char *
dupstr(const char *s)
{
	size_t n = strlen(s) + 1;
	char *c = malloc(n);

	if (c != NULL)
		memcpy(c, s, n);
	return c;
}

void
fprog_free(struct fprog *p)
{
	int i;

	if (p == NULL)
		return;
	prog_free(p->prog);
	if (p->name != NULL)
		for (i = 0; i < p->nin + p->ndefs; i++)
			free(p->name[i]);
	if (p->rtext != NULL)
		for (i = 0; i < p->nrules; i++) {
			free(p->rtext[i]);
			free(p->rwhat[i]);
		}
	free(p->name);
	free(p->rtext);
	free(p->rwhat);
	free(p->rslots);
	free(p->rstart);
	free(p->dep);
	free(p);
}

struct fprog *
fprog_compile(const char *const *in, int nin,
    const struct formula *defs, int ndefs,
    const struct formula_rule *rl, int nrules, struct twin_err *err)
{
	struct fprog *p;
	struct enode **tree = NULL;
	struct prog_stmt *st = NULL;
	struct names nm;
	int i, k, col, nst = ndefs + nrules, nslot, used = 0;

	if ((p = calloc(1, sizeof *p)) == NULL) {
		twin_nomem(err);
		return NULL;
	}
	p->nin = nin;
	p->ndefs = ndefs;
	p->nrules = nrules;
	nslot = nin + ndefs + nrules;
	p->name = calloc((size_t)(nin + ndefs) + 1, sizeof *p->name);
	p->rtext = calloc((size_t)nrules + 1, sizeof *p->rtext);
	p->rwhat = calloc((size_t)nrules + 1, sizeof *p->rwhat);
	p->rstart = calloc((size_t)nrules + 1, sizeof *p->rstart);
	p->rslots = malloc(((size_t)nrules * (nin + ndefs + 1) + 1) *
	    sizeof *p->rslots);
	p->dep = calloc((size_t)nslot * nin + 1, 1);
	tree = calloc((size_t)nst + 1, sizeof *tree);
	st = calloc((size_t)nst + 1, sizeof *st);
	if (p->name == NULL || p->rtext == NULL || p->rwhat == NULL ||
	    p->rstart == NULL || p->rslots == NULL || p->dep == NULL ||
	    tree == NULL || st == NULL)
		goto nomem;
	for (i = 0; i < nin + ndefs; i++) {
		const char *s = i < nin ? in[i] : defs[i - nin].name;

		for (k = 0; k < i; k++)
			if (!strcmp(p->name[k], s)) {
				twin_error(err, "name \"%s\" defined twice",
				    s);
				goto fail;
			}
		if ((p->name[i] = dupstr(s)) == NULL)
			goto nomem;
	}
	nm.name = (const char *const *)p->name;
	for (i = 0; i < nst; i++) {
		const char *text = i < ndefs ? defs[i].text :
		    rl[i - ndefs].text;
		struct depctx d;

		/* A definition sees the inputs and the definitions before
		 * it; a rule sees everything. */
		nm.n = i < ndefs ? nin + i : nin + ndefs;
		if ((tree[i] = expr_parse(text, lookup, &nm, &col,
		    err)) == NULL) {
			if (i < ndefs)
				twin_error_prefix(err, "%s = \"%s\" column %d",
				    defs[i].name, text, col + 1);
			else
				twin_error_prefix(err, "rule \"%s\" column %d",
				    text, col + 1);
			goto fail;
		}
		d.p = p;
		d.row = p->dep + (size_t)(nin + i) * nin;
		d.slots = NULL;
		d.nslots = 0;
		if (i >= ndefs) {
			const struct formula_rule *r = &rl[i - ndefs];

			p->rstart[i - ndefs] = used;
			d.slots = p->rslots + used;
			if ((p->rtext[i - ndefs] = dupstr(r->text)) == NULL ||
			    (p->rwhat[i - ndefs] = dupstr(r->what)) == NULL)
				goto nomem;
			if (r->of != NULL) {
				for (k = 0; k < ndefs; k++)
					if (!strcmp(defs[k].name, r->of))
						break;
				if (k == ndefs) {
					twin_errork(err, TWIN_EUNKNOWN,
					    "rule \"%s\": unknown formula "
					    "\"%s\"", r->text, r->of);
					goto fail;
				}
				d.nslots = 0;
				markdep(&d, nin + k);
				d.nslots = 0;	/* "of" is not shown */
			}
		}
		enode_foreach_slot(tree[i], markdep, &d);
		if (i >= ndefs) {
			used += d.nslots;
			p->rslots[used++] = -1;
		}
		st[i].n = tree[i];
		st[i].dst = nin + i;
		st[i].out = 0;
	}
	if ((p->prog = prog_compile(st, nst, nslot)) == NULL)
		goto nomem;
	p->nv = nslot + prog_ntemp(p->prog);
	for (i = 0; i < nst; i++)
		enode_free(tree[i]);
	free(tree);
	free(st);
	return p;
nomem:
	twin_nomem(err);
fail:
	if (tree != NULL)
		for (i = 0; i < nst; i++)
			enode_free(tree[i]);
	free(tree);
	free(st);
	fprog_free(p);
	return NULL;
}

/* 1 if slot s depends on an input that is NaN. */
static int
unknown(const struct fprog *p, const double *in, int s)
{
	int k;

	for (k = 0; k < p->nin; k++)
		if (p->dep[(size_t)s * p->nin + k] && isnan(in[k]))
			return 1;
	return 0;
}

int
fprog_eval(const struct fprog *p, const double *in, double *out,
    struct twin_err *err)
{
	double stackv[128], *v = stackv;
	int i, j;

	if (p->nv > (int)(sizeof stackv / sizeof stackv[0]) &&
	    (v = malloc((size_t)p->nv * sizeof *v)) == NULL)
		return twin_nomem(err);
	memcpy(v, in, (size_t)p->nin * sizeof *v);
	prog_eval(p->prog, v, NULL);
	for (j = 0; j < p->nrules; j++) {
		char buf[512];
		size_t len = 0;
		int s = p->nin + p->ndefs + j;
		if (v[s] != 0 || unknown(p, in, s))
			continue;
		buf[0] = '\0';
		for (i = p->rstart[j]; p->rslots[i] >= 0; i++)
			if (len < sizeof buf)
				len += snprintf(buf + len, sizeof buf - len,
				    "%s%s \"%.10g\"", len ? ", " : "",
				    p->name[p->rslots[i]],
				    v[p->rslots[i]]);
		twin_errork(err, TWIN_EDOMAIN, "%s: rule \"%s\" fails for %s",
		    p->rwhat[j], p->rtext[j], buf);
		if (v != stackv)
			free(v);
		return -1;
	}
	for (i = 0; i < p->ndefs; i++)
		out[i] = unknown(p, in, p->nin + i) ? NAN : v[p->nin + i];
	if (v != stackv)
		free(v);
	return 0;
}

int
formula_person(const double cov[FORMULA_NCOV], double *out,
    struct twin_err *err)
{
	struct fprog *p;
	int rc;

	if ((p = fprog_compile(covnames, FORMULA_NCOV, table, NTABLE, rules,
	    NRULES, err)) == NULL)
		return -1;
	rc = fprog_eval(p, cov, out, err);
	fprog_free(p);
	return rc;
}
