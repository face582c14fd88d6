/* drug.c - see drug.h. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "body/drug.h"
#include "body/wbody.h"
#include "util/num.h"

/* uL/min x 60 min/h x 1e-6 L/uL */
#define UL_PER_MIN_TO_L_PER_H 60e-6

struct ld {
	yaml_document_t doc;
	struct drug *d;
	const char *path;
	struct twin_err *err;
	/* what the file gave */
	int have_inv, have_scale, have_clint, have_method;
	int have_class, have_logp, have_pka, have_fu, have_bp;
};

static int
line(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

static int
fail(struct ld *ld, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct ld *ld, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return twin_errork(ld->err, TWIN_EINPUT, "%s:%d: %s", ld->path,
	    line(n), msg);
}

static const char *
scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ?
	    (const char *)n->data.scalar.value : NULL;
}

static yaml_node_t *
node(struct ld *ld, int i)
{
	return yaml_document_get_node(&ld->doc, i);
}

static int
number(struct ld *ld, const yaml_node_t *n, const char *key, double *x)
{
	const char *s = scalar(n);

	if (s == NULL)
		return fail(ld, n, "%s: expected a number", key);
	if (twin_strtod(s, x) < 0)
		return fail(ld, n, "%s: expected a number, found \"%.60s\"",
		    key, s);
	return 0;
}

static int
add_ref(struct ld *ld, const yaml_node_t *at, const char *key,
    const char *text)
{
	struct drug *d = ld->d;
	struct drug_ref *r;
	int i;

	for (i = 0; i < d->nref; i++)
		if (!strcmp(d->refs[i].key, key))
			return fail(ld, at, "%s given twice", key);
	if ((r = realloc(d->refs, (size_t)(d->nref + 1) * sizeof(*r))) == NULL)
		return twin_nomem(ld->err);
	d->refs = r;
	r += d->nref;
	r->key = strdup(key);
	r->text = strdup(text);
	r->line = line(at);
	if (r->key == NULL || r->text == NULL) {
		free(r->key);
		free(r->text);
		return twin_nomem(ld->err);
	}
	d->nref++;
	return 0;
}

/*
 * A value entry {value, unit, reference} at n for key: checks the unit
 * (unit NULL: none allowed) and the reference, records the reference, and
 * returns the value node in *v.
 */
static int
entry(struct ld *ld, yaml_node_t *n, const char *key, const char *unit,
    yaml_node_t **v)
{
	yaml_node_pair_t *p;
	yaml_node_t *val = NULL, *un = NULL, *ref = NULL;

	if (n->type != YAML_MAPPING_NODE)
		return fail(ld, n, "%s: expected {value: ..., %sreference: "
		    "...}", key, unit ? "unit: ..., " : "");
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	    p++) {
		yaml_node_t *k = node(ld, p->key), *x = node(ld, p->value);
		const char *s = scalar(k);

		if (s == NULL)
			return fail(ld, k, "%s: expected a name", key);
		if (!strcmp(s, "value"))
			val = x;
		else if (!strcmp(s, "unit"))
			un = x;
		else if (!strcmp(s, "reference"))
			ref = x;
		else
			return fail(ld, k, "%s: unknown key \"%.60s\" (value, "
			    "unit, reference)", key, s);
	}
	if (val == NULL)
		return fail(ld, n, "%s: no value", key);
	if (ref == NULL || scalar(ref) == NULL || !*scalar(ref))
		return fail(ld, ref ? ref : n, "%s: no reference (every "
		    "value needs its source)", key);
	if (unit == NULL && un != NULL)
		return fail(ld, un, "%s is dimensionless: no unit", key);
	if (unit != NULL && un == NULL)
		return fail(ld, n, "%s: no unit (it is %s)", key, unit);
	if (unit != NULL && (scalar(un) == NULL || strcmp(scalar(un), unit)))
		return fail(ld, un, "%s: unit \"%.40s\" is not %s", key,
		    scalar(un) ? scalar(un) : "?", unit);
	if (add_ref(ld, n, key, scalar(ref)) < 0)
		return -1;
	*v = val;
	return 0;
}

static int
num_entry(struct ld *ld, yaml_node_t *n, const char *key, const char *unit,
    double lo, double hi, int open_lo, double *x)
{
	yaml_node_t *v;

	if (entry(ld, n, key, unit, &v) < 0 || number(ld, v, key, x) < 0)
		return -1;
	if (*x < lo || *x > hi || (open_lo && *x == lo)) {
		if (isinf(hi))
			return fail(ld, v, "%s \"%g\" must be %s %g", key, *x,
			    open_lo ? ">" : ">=", lo);
		return fail(ld, v, "%s \"%g\" must be in %s%g, %g]", key, *x,
		    open_lo ? "(" : "[", lo, hi);
	}
	return 0;
}

static int
pka_entry(struct ld *ld, yaml_node_t *n)
{
	struct kp_drug *k = &ld->d->kp;
	yaml_node_t *v;
	yaml_node_item_t *it;

	if (entry(ld, n, "pka", NULL, &v) < 0)
		return -1;
	if (v->type == YAML_SCALAR_NODE) {
		k->npka = 1;
		return number(ld, v, "pka", &k->pka[0]);
	}
	if (v->type != YAML_SEQUENCE_NODE)
		return fail(ld, v, "pka: expected a number or a list");
	k->npka = 0;
	for (it = v->data.sequence.items.start;
	    it < v->data.sequence.items.top; it++) {
		if (k->npka == KP_NPKA)
			return fail(ld, v, "pka: at most %d values", KP_NPKA);
		if (number(ld, node(ld, *it), "pka", &k->pka[k->npka++]) < 0)
			return -1;
	}
	if (k->npka == 0)
		return fail(ld, v, "pka: empty list");
	return 0;
}

/* Mapping sections: each pair goes to fn. */
typedef int (*pair_fn)(struct ld *, yaml_node_t *, const char *,
    yaml_node_t *);

static int
each(struct ld *ld, yaml_node_t *map, const char *what, pair_fn fn)
{
	yaml_node_pair_t *p;

	if (map->type != YAML_MAPPING_NODE)
		return fail(ld, map, "%s: expected a mapping", what);
	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(ld, p->key), *v = node(ld, p->value);

		yaml_node_pair_t *q;

		if (scalar(k) == NULL)
			return fail(ld, k, "%s: expected a name", what);
		for (q = map->data.mapping.pairs.start; q < p; q++)
			if (scalar(node(ld, q->key)) &&
			    !strcmp(scalar(node(ld, q->key)), scalar(k)))
				return fail(ld, k, "%s given twice",
				    scalar(k));
		if (fn(ld, k, scalar(k), v) < 0)
			return -1;
	}
	return 0;
}

static int
unknown(struct ld *ld, yaml_node_t *k, const char *section, const char *s)
{
	if (*section)
		return fail(ld, k, "unknown key \"%.60s\" in %s", s, section);
	return fail(ld, k, "unknown key \"%.60s\"", s);
}

static int
on_hepatic(struct ld *ld, yaml_node_t *k, const char *s, yaml_node_t *v)
{
	struct drug *d = ld->d;

	if (!strcmp(s, "clint")) {
		ld->have_clint = 1;
		d->clint_kind = DRUG_CLINT_UNBOUND;
		return num_entry(ld, v, "hepatic.clint", "L/h", 0, INFINITY, 0,
		    &d->clint);
	}
	if (!strcmp(s, "microsomal")) {
		ld->have_inv++;
		d->clint_kind = DRUG_CLINT_MICROSOMAL;
		return num_entry(ld, v, "hepatic.microsomal", "uL/min/mg", 0,
		    INFINITY, 0, &d->invitro);
	}
	if (!strcmp(s, "hepatocyte")) {
		ld->have_inv++;
		d->clint_kind = DRUG_CLINT_HEPATOCYTE;
		return num_entry(ld, v, "hepatic.hepatocyte",
		    "uL/min/10^6 cells", 0, INFINITY, 0, &d->invitro);
	}
	if (!strcmp(s, "mppgl")) {
		ld->have_scale |= 1;
		return num_entry(ld, v, "hepatic.mppgl", "mg/g", 0, INFINITY,
		    1, &d->scale);
	}
	if (!strcmp(s, "hpgl")) {
		ld->have_scale |= 2;
		return num_entry(ld, v, "hepatic.hpgl", "10^6 cells/g", 0,
		    INFINITY, 1, &d->scale);
	}
	if (!strcmp(s, "fu_inc"))
		return num_entry(ld, v, "hepatic.fu_inc", NULL, 0, 1, 1,
		    &d->fu_inc);
	return unknown(ld, k, "hepatic", s);
}

static int
on_renal(struct ld *ld, yaml_node_t *k, const char *s, yaml_node_t *v)
{
	struct drug *d = ld->d;

	if (!strcmp(s, "secretion"))
		return num_entry(ld, v, "renal.secretion", "L/h", 0, INFINITY,
		    0, &d->cl_secretion);
	if (!strcmp(s, "clearance"))
		return num_entry(ld, v, "renal.clearance", "L/h", 0, INFINITY,
		    0, &d->cl_renal);
	return unknown(ld, k, "renal", s);
}

static int
on_oral(struct ld *ld, yaml_node_t *k, const char *s, yaml_node_t *v)
{
	struct drug *d = ld->d;

	if (!strcmp(s, "ka"))
		return num_entry(ld, v, "oral.ka", "1/h", 0, INFINITY, 1,
		    &d->ka);
	if (!strcmp(s, "fa"))
		return num_entry(ld, v, "oral.fa", NULL, 0, 1, 0, &d->fa);
	if (!strcmp(s, "fg"))
		return num_entry(ld, v, "oral.fg", NULL, 0, 1, 0, &d->fg);
	if (!strcmp(s, "transit")) {
		double n;

		if (num_entry(ld, v, "oral.transit", NULL, 1,
		    WBODY_MAX_TRANSIT, 0, &n) < 0)
			return -1;
		if (n != floor(n))
			return fail(ld, v, "oral.transit \"%g\" is not a whole "
			    "number of compartments", n);
		d->ntransit = (int)n;
		return 0;
	}
	if (!strcmp(s, "mtt"))
		return num_entry(ld, v, "oral.mtt", "h", 0, INFINITY, 1,
		    &d->mtt);
	return unknown(ld, k, "oral", s);
}

/* variability: the random effects' variances and the residual error of
 * the plasma concentration, for fitting a personal twin. */
static int
on_var(struct ld *ld, yaml_node_t *k, const char *s, yaml_node_t *v)
{
	struct drug *d = ld->d;

	if (!strcmp(s, "clint"))
		return num_entry(ld, v, "variability.clint", NULL, 0, INFINITY,
		    0, &d->omega_clint);
	if (!strcmp(s, "gfr"))
		return num_entry(ld, v, "variability.gfr", NULL, 0, INFINITY,
		    0, &d->omega_gfr);
	if (!strcmp(s, "kp"))
		return num_entry(ld, v, "variability.kp", NULL, 0, INFINITY,
		    0, &d->omega_kp);
	if (!strcmp(s, "additive"))
		return num_entry(ld, v, "variability.additive", "mg/L", 0,
		    INFINITY, 0, &d->err_add);
	if (!strcmp(s, "proportional"))
		return num_entry(ld, v, "variability.proportional", NULL, 0,
		    INFINITY, 0, &d->err_prop);
	return unknown(ld, k, "variability", s);
}

static int
on_kp(struct ld *ld, yaml_node_t *k, const char *s, yaml_node_t *v)
{
	struct drug *d = ld->d;
	char key[64];
	int t;

	if (!strcmp(s, "method")) {
		int m;

		if (scalar(v) == NULL || (m = kp_method_parse(scalar(v))) < 0)
			return fail(ld, v, "kp.method \"%.40s\" is not one of "
			    "rr, pt, berez, schmitt", scalar(v) ? scalar(v) :
			    "?");
		d->method = m;
		ld->have_method = 1;
		return 0;
	}
	if ((t = tissue_parse(s)) < 0 || t >= TISSUE_NKP)
		return fail(ld, k, "kp: \"%.40s\" is not a tissue with a Kp",
		    s);
	snprintf(key, sizeof(key), "kp.%s", s);
	d->has_kp[t] = 1;
	return num_entry(ld, v, key, NULL, 0, INFINITY, 1, &d->kp_override[t]);
}

static int
on_top(struct ld *ld, yaml_node_t *k, const char *s, yaml_node_t *v)
{
	struct drug *d = ld->d;
	yaml_node_t *x;

	if (!strcmp(s, "name")) {
		if (scalar(v) == NULL || !*scalar(v))
			return fail(ld, v, "name: expected a name");
		free(d->name);
		if ((d->name = strdup(scalar(v))) == NULL)
			return twin_nomem(ld->err);
		return 0;
	}
	if (!strcmp(s, "notes"))
		return 0;
	if (!strcmp(s, "class")) {
		int c;

		if (entry(ld, v, "class", NULL, &x) < 0)
			return -1;
		if (scalar(x) == NULL || (c = kp_class_parse(scalar(x))) < 0)
			return fail(ld, x, "class \"%.40s\" is not one of "
			    "neutral, acid, base, zwitterion", scalar(x) ?
			    scalar(x) : "?");
		d->kp.cls = c;
		ld->have_class = 1;
		return 0;
	}
	if (!strcmp(s, "logp")) {
		ld->have_logp = 1;
		return num_entry(ld, v, "logp", NULL, -INFINITY, INFINITY, 0,
		    &d->kp.logp);
	}
	if (!strcmp(s, "logma"))
		return num_entry(ld, v, "logma", NULL, -INFINITY, INFINITY, 0,
		    &d->kp.logma);
	if (!strcmp(s, "pka")) {
		ld->have_pka = 1;
		return pka_entry(ld, v);
	}
	if (!strcmp(s, "mw"))
		return num_entry(ld, v, "mw", "g/mol", 0, INFINITY, 1, &d->mw);
	if (!strcmp(s, "fu")) {
		ld->have_fu = 1;
		return num_entry(ld, v, "fu", NULL, 0, 1, 1, &d->kp.fu);
	}
	if (!strcmp(s, "bp")) {
		ld->have_bp = 1;
		return num_entry(ld, v, "bp", NULL, 0, INFINITY, 1, &d->kp.bp);
	}
	if (!strcmp(s, "lag"))
		return num_entry(ld, v, "lag", "h", 0, INFINITY, 0, &d->lag);
	if (!strcmp(s, "hepatic"))
		return each(ld, v, "hepatic", on_hepatic);
	if (!strcmp(s, "renal"))
		return each(ld, v, "renal", on_renal);
	if (!strcmp(s, "oral"))
		return each(ld, v, "oral", on_oral);
	if (!strcmp(s, "kp"))
		return each(ld, v, "kp", on_kp);
	if (!strcmp(s, "variability"))
		return each(ld, v, "variability", on_var);
	return unknown(ld, k, "", s);
}

/* Whole-file checks, said at the root's line (or where it fits). */
static int
finish(struct ld *ld, yaml_node_t *root)
{
	struct drug *d = ld->d;
	struct twin_err e;

	if (d->name == NULL)
		return fail(ld, root, "no name");
	if (!ld->have_class || !ld->have_logp || !ld->have_fu || !ld->have_bp)
		return fail(ld, root, "missing %s", !ld->have_class ? "class" :
		    !ld->have_logp ? "logp" : !ld->have_fu ? "fu" : "bp");
	if (d->kp.cls != KP_NEUTRAL && !ld->have_pka)
		return fail(ld, root, "class %s needs pka",
		    kp_class_name(d->kp.cls));
	if (d->kp.cls == KP_NEUTRAL && ld->have_pka)
		return fail(ld, root, "a neutral drug has no pka");
	if (!ld->have_method)
		return fail(ld, root, "missing kp.method");
	if (ld->have_clint + ld->have_inv == 0)
		return fail(ld, root, "missing hepatic clearance (hepatic: "
		    "clint, microsomal or hepatocyte)");
	if (ld->have_clint + ld->have_inv > 1)
		return fail(ld, root, "hepatic: give one of clint, microsomal, "
		    "hepatocyte");
	if (ld->have_clint && (ld->have_scale ||
	    drug_reference(d, "hepatic.fu_inc")))
		return fail(ld, root, "hepatic: clint takes no mppgl, hpgl "
		    "or fu_inc");
	if (d->clint_kind == DRUG_CLINT_MICROSOMAL && ld->have_scale != 1)
		return fail(ld, root, "hepatic: microsomal needs mppgl "
		    "(and no hpgl)");
	if (d->clint_kind == DRUG_CLINT_HEPATOCYTE && ld->have_scale != 2)
		return fail(ld, root, "hepatic: hepatocyte needs hpgl "
		    "(and no mppgl)");
	if (drug_reference(d, "renal.secretion") &&
	    drug_reference(d, "renal.clearance"))
		return fail(ld, root, "renal: clearance replaces filtration "
		    "and secretion: give one");
	if ((d->ntransit > 0) != (d->mtt > 0))
		return fail(ld, root, "oral: transit and mtt go together");
	if (d->ntransit > 0 && isnan(d->ka))
		return fail(ld, root, "oral: a transit chain needs ka (the "
		    "absorption from its last compartment)");
	if (kp_drug_check(&d->kp, &e) < 0)
		return fail(ld, root, "%s", e.msg);
	return 0;
}

int
drug_load(struct drug *d, const char *path, struct twin_err *err)
{
	yaml_parser_t parser;
	yaml_node_t *root;
	struct ld ld;
	FILE *fp;
	int r = -1, i;

	memset(d, 0, sizeof(*d));
	d->kp.logma = NAN;
	d->mw = NAN;
	d->cl_renal = NAN;
	d->ka = NAN;
	d->fa = d->fg = d->fu_inc = 1;
	for (i = 0; i < TISSUE_NKP; i++)
		d->kp_override[i] = NAN;
	if ((fp = fopen(path, "rb")) == NULL)
		return twin_errork(err, TWIN_ESYSTEM, "%s: %s", path,
		    strerror(errno));
	memset(&ld, 0, sizeof(ld));
	ld.d = d;
	ld.path = path;
	ld.err = err;
	if (!yaml_parser_initialize(&parser)) {
		fclose(fp);
		return twin_nomem(err);
	}
	yaml_parser_set_input_file(&parser, fp);
	if (!yaml_parser_load(&parser, &ld.doc)) {
		twin_error(err, "%s:%lu: %s", path,
		    (unsigned long)parser.problem_mark.line + 1,
		    parser.problem ? parser.problem : "malformed YAML");
		yaml_parser_delete(&parser);
		fclose(fp);
		return -1;
	}
	yaml_parser_delete(&parser);
	fclose(fp);
	if ((root = yaml_document_get_root_node(&ld.doc)) == NULL)
		twin_error(err, "%s:1: empty drug file", path);
	else if ((d->path = strdup(path)) == NULL)
		twin_nomem(err);
	else if (each(&ld, root, "drug file", on_top) == 0 &&
	    finish(&ld, root) == 0)
		r = 0;
	yaml_document_delete(&ld.doc);
	if (r < 0)
		drug_free(d);
	return r;
}

void
drug_free(struct drug *d)
{
	int i;

	for (i = 0; i < d->nref; i++) {
		free(d->refs[i].key);
		free(d->refs[i].text);
	}
	free(d->refs);
	free(d->name);
	free(d->path);
	d->refs = NULL;
	d->nref = 0;
	d->name = d->path = NULL;
}

const char *
drug_reference(const struct drug *d, const char *key)
{
	int i;

	for (i = 0; i < d->nref; i++)
		if (!strcmp(d->refs[i].key, key))
			return d->refs[i].text;
	return NULL;
}

double
drug_clint_per_g(const struct drug *d)
{
	if (d->clint_kind == DRUG_CLINT_UNBOUND)
		return NAN;
	return d->invitro / d->fu_inc * d->scale * UL_PER_MIN_TO_L_PER_H;
}

double
drug_clint(const struct drug *d, double liver_g)
{
	if (d->clint_kind == DRUG_CLINT_UNBOUND)
		return d->clint;
	return drug_clint_per_g(d) * liver_g;
}

int
drug_kp(const struct drug *d, const struct kp_comp *c, int method,
    double hct, double kp[TISSUE_NKP], double kpu[TISSUE_NKP],
    struct twin_err *err)
{
	double k[TISSUE_NKP];
	int i;

	if (kp_compute(&d->kp, method < 0 ? d->method : (enum kp_method)method,
	    c, hct, k, NULL, err) < 0)
		return twin_error_prefix(err, "%s", d->name);
	for (i = 0; i < TISSUE_NKP; i++) {
		if (d->has_kp[i])
			k[i] = d->kp_override[i];
		if (kp)
			kp[i] = k[i];
		if (kpu)
			kpu[i] = k[i] / d->kp.fu;
	}
	return 0;
}
