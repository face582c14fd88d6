/*
 * model.c - building a model from definitions and compiling it.
 *
 * Definitions are collected as text with their source positions, because
 * a name may be used before the definition that declares it appears (YAML
 * mappings have no required order).  model_finish lays out the slots,
 * parses each expression with the names visible at its stage, builds the
 * Jacobian by the chain rule over the derived quantities and compiles.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "util/num.h"
#include "util/units.h"

enum def_kind {
	DEF_STATE, DEF_THETA, DEF_COV, DEF_OMEGA, DEF_IND, DEF_DERIVED,
	DEF_ODE, DEF_OUTPUT, DEF_DV, DEF_PROP, DEF_ERROR, DEF_ROUTE, DEF_BOUND,
	DEF_RSIZE
};

struct def {
	enum def_kind kind;
	char *name, *name2, *expr;
	double value;
	int flag, prop;
	char *file;
	int line, col;
};

struct builder {
	int n, cap;
	int nstate;		/* compartments so far */
	struct def *def;
};

/* Which names an expression may use, by where it appears. */
enum stage { ST_IND, ST_PROP, ST_DYN, ST_OUT };

struct scope {
	const struct model *m;
	enum stage stage;
	int limit;		/* slots at or above this are not yet defined */
	int nderived;		/* derived quantities visible */
	char **derived;
	int derived0;		/* slot of derived 0 */
	/* partial derivatives of individual parameters and dosing
	 * properties by parameter slots, compiled after the dynamics */
	struct enode **itree, **ptree;
	int ni, icap, np, pcap;
};

static char *
xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

struct model *
model_new(const char *name)
{
	struct model *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	if ((m->b = calloc(1, sizeof(*m->b))) == NULL ||
	    (m->name = strdup(name ? name : "model")) == NULL) {
		free(m->b);
		free(m);
		return NULL;
	}
	m->dv = -1;
	return m;
}

static void
builder_free(struct builder *b)
{
	int i;

	if (b == NULL)
		return;
	for (i = 0; i < b->n; i++) {
		free(b->def[i].name);
		free(b->def[i].name2);
		free(b->def[i].expr);
		free(b->def[i].file);
	}
	free(b->def);
	free(b);
}

static void
tapes_free(struct tape **t, int n)
{
	int i;

	if (t == NULL)
		return;
	for (i = 0; i < n; i++)
		tape_free(t[i]);
	free(t);
}

void
model_free(struct model *m)
{
	int i;

	if (m == NULL)
		return;
	builder_free(m->b);
	for (i = 0; i < m->nslot; i++)
		free(m->slotname[i]);
	free(m->slotname);
	free(m->theta);
	free(m->omega);
	free(m->covdefault);
	free(m->covhasdefault);
	free(m->covinterp);
	tapes_free(m->ind, m->nind);
	prog_free(m->rhsprog);
	prog_free(m->jacprog);
	prog_free(m->outprog);
	prog_free(m->pjacprog);
	prog_free(m->osensprog);
	prog_free(m->inddprog);
	prog_free(m->propdprog);
	jit_free(m->jit);
	free(m->jac);
	free(m->pjac);
	free(m->ojac);
	free(m->opjac);
	free(m->inddp);
	free(m->propdp);
	tapes_free(m->cmtprop, m->nstate * NPROP);
	free(m->name);
	free(m->description);
	free(m->path);
	free(m->units_time);
	free(m->sensor);
	free(m->units_amount);
	free(m->units_conc);
	for (i = 0; i < m->nroute; i++)
		free(m->routename[i]);
	for (i = 0; i < m->nroute; i++)
		free(m->routeunit[i]);
	free(m->routename);
	free(m->routecmt);
	free(m->routeunit);
	free(m->routesize);
	free(m->cmtsize);
	for (i = 0; m->bound && i < m->nbound; i++) {
		tape_free(m->bound[i].rule);
		free(m->bound[i].text);
	}
	free(m->bound);
	free(m);
}

static int
where(struct twin_err *err, const struct model *m, const char *file,
    int line, int col)
{
	if (file && line > 0)
		return twin_error_prefix(err, "%s:%d:%d", file, line, col);
	if (file)
		return twin_error_prefix(err, "%s", file);
	return twin_error_prefix(err, "model %s", m->name);
}

static int
valid_name(const char *s)
{
	const char *p;

	if (s == NULL || !(*s == '_' || (*s >= 'A' && *s <= 'Z') ||
	    (*s >= 'a' && *s <= 'z')))
		return 0;
	for (p = s; *p; p++)
		if (!(*p == '_' || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			return 0;
	return 1;
}

static struct def *
add_def(struct model *m, enum def_kind kind, const char *name,
    const char *name2, const char *expr, struct srcpos at,
    struct twin_err *err)
{
	struct builder *b = m->b;
	struct def *d, *nd;

	if (b == NULL) {
		twin_error(err, "model %s is already finished", m->name);
		return NULL;
	}
	if (b->n == b->cap) {
		int cap = b->cap ? 2 * b->cap : 32;

		if ((nd = realloc(b->def, cap * sizeof(*nd))) == NULL) {
			twin_nomem(err);
			return NULL;
		}
		b->def = nd;
		b->cap = cap;
	}
	d = &b->def[b->n];
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	d->line = at.line;
	d->col = at.col;
	d->name = xstrdup(name);
	d->name2 = xstrdup(name2);
	d->expr = xstrdup(expr);
	d->file = xstrdup(at.file);
	if ((name && !d->name) || (name2 && !d->name2) ||
	    (expr && !d->expr) || (at.file && !d->file)) {
		free(d->name);
		free(d->name2);
		free(d->expr);
		free(d->file);
		twin_nomem(err);
		return NULL;
	}
	b->n++;
	return d;
}

/* Names of every kind share one namespace. */
static int
declare(struct model *m, enum def_kind kind, const char *name,
    struct srcpos at, struct twin_err *err)
{
	int i;

	if (!valid_name(name)) {
		twin_error(err, "invalid name \"%s\"", name ? name : "");
		return where(err, m, at.file, at.line, at.col);
	}
	if (!strcmp(name, "t") || !strcmp(name, "TIME") ||
	    !strcmp(name, "and") || !strcmp(name, "or") ||
	    !strcmp(name, "not") || !strcmp(name, "if") ||
	    !strncmp(name, "ETA_", 4)) {
		twin_error(err, "name \"%s\" is reserved", name);
		return where(err, m, at.file, at.line, at.col);
	}
	for (i = 0; i < m->b->n; i++) {
		struct def *d = &m->b->def[i];

		switch (d->kind) {
		case DEF_STATE: case DEF_THETA: case DEF_COV: case DEF_IND:
		case DEF_DERIVED: case DEF_OUTPUT:
			if (strcmp(d->name, name) == 0) {
				twin_error(err, "\"%s\" is defined twice", name);
				return where(err, m, at.file, at.line, at.col);
			}
			break;
		default:
			break;
		}
	}
	return add_def(m, kind, name, NULL, NULL, at, err) ? 0 : -1;
}

int
model_add_compartment(struct model *m, const char *name, struct srcpos at,
    struct twin_err *err)
{
	if (m->b != NULL && m->b->nstate == MODEL_MAX_STATES) {
		twin_error(err, "compartment \"%s\": more than %d compartments "
		    "(the limit of a model)", name ? name : "",
		    MODEL_MAX_STATES);
		return where(err, m, at.file, at.line, at.col);
	}
	if (declare(m, DEF_STATE, name, at, err) < 0)
		return -1;
	m->b->nstate++;
	return 0;
}

int
model_add_bound(struct model *m, const char *text, struct srcpos at,
    struct twin_err *err)
{
	return add_def(m, DEF_BOUND, NULL, NULL, text, at, err) ? 0 : -1;
}

/* ---- bounds ------------------------------------------------------------ */

static int count(const struct builder *b, enum def_kind k);

/* Index of route's DEF_ROUTE definition, -1 if none. */
static int
model_route_def(const struct builder *b, const char *route)
{
	int i;

	for (i = 0; i < b->n; i++)
		if (b->def[i].kind == DEF_ROUTE &&
		    strcmp(b->def[i].name, route) == 0)
			return i;
	return -1;
}

enum btok { BT_END, BT_NUM, BT_NAME, BT_LT, BT_LE, BT_GT, BT_GE, BT_BAD };

/* Next token of a bound at *p: its kind, and its text in tok[]. */
static enum btok
btoken(const char **p, char *tok, size_t toksz)
{
	const char *s = *p, *b;
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	b = s;
	if (*s == '\0') {
		*p = s;
		return BT_END;
	}
	if (*s == '<' || *s == '>') {
		int eq = s[1] == '=';

		*p = s + 1 + eq;
		return *s == '<' ? (eq ? BT_LE : BT_LT) : (eq ? BT_GE : BT_GT);
	}
	if (*s == '_' || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')) {
		while (*s == '_' || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9'))
			s++;
	} else {
		while (*s && strchr("0123456789.eE+-", *s) &&
		    !(s > b && (*s == '+' || *s == '-') &&
		    s[-1] != 'e' && s[-1] != 'E'))
			s++;
		if (s == b)
			return BT_BAD;
	}
	n = s - b;
	if (n >= toksz)
		return BT_BAD;
	memcpy(tok, b, n);
	tok[n] = '\0';
	*p = s;
	return (*b >= '0' && *b <= '9') || *b == '.' || *b == '-' ||
	    *b == '+' ? BT_NUM : BT_NAME;
}

struct scope;
static int lookup(void *ctx, const char *name, int len);

static void
rule_slot(void *ctx, int slot)
{
	struct bound *b = ctx;
	int i;

	for (i = 0; i < b->nused; i++)
		if (b->used[i] == slot)
			return;
	if (b->nused < MODEL_RULE_NAMES)
		b->used[b->nused++] = slot;
}

/*
 * Any other bound is a rule: an expression over thetas, covariates and
 * individual parameters (the scope of individual:), true when non-zero.
 */
static int
parse_rule(const struct model *m, const char *text, struct bound *b,
    struct twin_err *err)
{
	struct scope sc;
	struct enode *n;
	int col = 0;

	memset(&sc, 0, sizeof(sc));
	sc.m = m;
	sc.stage = ST_IND;
	sc.limit = m->out0;
	if ((n = expr_parse(text, lookup, &sc, &col, err)) == NULL) {
		twin_error_prefix(err, "bound \"%s\" is not of the form NAME "
		    "> NUMBER or NUMBER <= NAME <= NUMBER (with <, <=, >, >=), "
		    "nor a condition over thetas, covariates and individual "
		    "parameters", text);
		return -1;
	}
	b->slot = -1;
	b->nused = 0;
	enode_foreach_slot(n, rule_slot, b);
	if (b->nused == 0) {
		enode_free(n);
		return twin_error(err, "bound \"%s\" is not of the form NAME "
		    "> NUMBER or NUMBER <= NAME <= NUMBER: it uses no name",
		    text);
	}
	b->rule = tape_compile(n);
	enode_free(n);
	if (b->rule == NULL || (b->text = strdup(text)) == NULL) {
		tape_free(b->rule);
		b->rule = NULL;
		return twin_nomem(err);
	}
	return 0;
}

/*
 * "NAME op NUM", "NUM op NAME" or "NUM op NAME op NUM" into b (slot
 * resolved against the laid-out model), or any other condition as a rule
 * (parse_rule).  Returns 0 or -1 with err set.
 */
static int
parse_bound(const struct model *m, const char *text, struct bound *b,
    struct twin_err *err)
{
	const char *p = text;
	char tok[5][128];
	enum btok k[5];
	double x;
	int i, n = 0, name = -1;

	for (n = 0; n < 5; n++) {
		k[n] = btoken(&p, tok[n], sizeof(tok[n]));
		if (k[n] == BT_END || k[n] == BT_BAD)
			break;
	}
	if (n < 5 && k[n] == BT_BAD)
		goto syntax;
	if (n == 5 && btoken(&p, tok[0], sizeof(tok[0])) != BT_END)
		goto syntax;
	for (i = 0; i < n; i++)
		if (k[i] == BT_NAME) {
			if (name >= 0)
				goto syntax;
			name = i;
		}
	if (name < 0 || name % 2 || !(n == 3 || (n == 5 && name == 2)))
		goto syntax;
	b->lo = -INFINITY;
	b->hi = INFINITY;
	b->lo_incl = b->hi_incl = 0;
	for (i = 0; i < n; i += 2) {
		int right = i > name, op = right ? i - 1 : i + 1, lo;

		if (i == name)
			continue;
		if (k[i] != BT_NUM || k[op] < BT_LT || k[op] > BT_GE)
			goto syntax;
		if (twin_strtod(tok[i], &x) < 0)
			goto syntax;
		/* NUM < NAME and NAME > NUM are lower bounds. */
		lo = right ? (k[op] == BT_GT || k[op] == BT_GE) :
		    (k[op] == BT_LT || k[op] == BT_LE);
		if (lo) {
			b->lo = x;
			b->lo_incl = k[op] == BT_LE || k[op] == BT_GE;
		} else {
			b->hi = x;
			b->hi_incl = k[op] == BT_LE || k[op] == BT_GE;
		}
	}
	if (n == 5 && (isinf(b->lo) || isinf(b->hi)))
		goto syntax;
	if (!(b->lo < b->hi || (b->lo == b->hi && b->lo_incl && b->hi_incl))) {
		twin_error(err, "bound \"%s\" admits no value", text);
		return -1;
	}
	b->slot = model_slot(m, tok[name]);
	if (b->slot < m->theta0 || b->slot >= m->out0 ||
	    (b->slot >= m->eta0 && b->slot < m->cov0)) {
		twin_error(err, "bound on \"%s\", which is not a theta, "
		    "covariate or individual parameter", tok[name]);
		return -1;
	}
	return 0;
syntax:
	return parse_rule(m, text, b, err);
}

void
model_bound_text(const struct model *m, const struct bound *b, char *buf,
    size_t n)
{
	const char *name;

	if (b->slot < 0) {
		snprintf(buf, n, "%s", b->text ? b->text : "");
		return;
	}
	name = m->slotname[b->slot];
	if (isinf(b->lo))
		snprintf(buf, n, "%s %s %g", name, b->hi_incl ? "<=" : "<",
		    b->hi);
	else if (isinf(b->hi))
		snprintf(buf, n, "%s %s %g", name, b->lo_incl ? ">=" : ">",
		    b->lo);
	else
		snprintf(buf, n, "%g %s %s %s %g", b->lo,
		    b->lo_incl ? "<=" : "<", name, b->hi_incl ? "<=" : "<",
		    b->hi);
}

static int
inside(const struct bound *b, double x)
{
	return (b->lo_incl ? x >= b->lo : x > b->lo) &&
	    (b->hi_incl ? x <= b->hi : x < b->hi);
}

int
model_check_domain(const struct model *m, const double *v,
    struct twin_err *err)
{
	char text[256], num[TWIN_NUMBUF];
	int i;

	for (i = 0; i < m->nbound; i++) {
		const struct bound *b = &m->bound[i];

		if (b->rule != NULL) {
			double x = tape_eval(b->rule, v);
			char vals[512];
			size_t k = 0;
			int j;

			if (x != 0 && !isnan(x))
				continue;
			vals[0] = '\0';
			for (j = 0; j < b->nused && k < sizeof(vals); j++) {
				int w;

				twin_dtoa(v[b->used[j]], num);
				w = snprintf(vals + k, sizeof(vals) - k,
				    "%s%s = %s", j ? ", " : "",
				    m->slotname[b->used[j]], num);
				if (w > 0)
					k += (size_t)w;
			}
			return twin_errork(err, TWIN_EDOMAIN, "%s does not "
			    "hold (%s)", b->text, vals);
		}
		if (inside(b, v[b->slot]))
			continue;
		model_bound_text(m, b, text, sizeof(text));
		if (isnan(v[b->slot]))
			snprintf(num, sizeof(num), "nan");
		else if (isinf(v[b->slot]))
			snprintf(num, sizeof(num), "%sinf",
			    v[b->slot] < 0 ? "-" : "");
		else
			twin_dtoa(v[b->slot], num);
		return twin_errork(err, TWIN_EDOMAIN,
		    "%s = %s is outside its domain %s",
		    m->slotname[b->slot], num, text);
	}
	return 0;
}

/* Resolve the declared bounds; the thetas' values must be inside. */
static int
finish_bounds(struct model *m, struct twin_err *err)
{
	struct builder *b = m->b;
	int i, j, n = count(b, DEF_BOUND);

	if ((m->bound = calloc(n + 1, sizeof(*m->bound))) == NULL)
		return twin_nomem(err);
	for (i = 0; i < b->n; i++) {
		const struct def *d = &b->def[i];
		struct bound *bd = &m->bound[m->nbound];

		if (d->kind != DEF_BOUND)
			continue;
		if (parse_bound(m, d->expr, bd, err) < 0)
			return where(err, m, d->file, d->line, d->col);
		if (bd->rule != NULL) {
			m->nbound++;
			continue;
		}
		for (j = 0; j < m->nbound; j++)
			if (m->bound[j].slot == bd->slot) {
				twin_error(err, "\"%s\" has two bounds",
				    m->slotname[bd->slot]);
				return where(err, m, d->file, d->line, d->col);
			}
		if (bd->slot >= m->theta0 && bd->slot < m->eta0 &&
		    !inside(bd, m->theta[bd->slot - m->theta0])) {
			char text[256], num[TWIN_NUMBUF];

			model_bound_text(m, bd, text, sizeof(text));
			twin_dtoa(m->theta[bd->slot - m->theta0], num);
			twin_errork(err, TWIN_EDOMAIN,
			    "theta %s = %s is outside its domain %s",
			    m->slotname[bd->slot], num, text);
			return where(err, m, d->file, d->line, d->col);
		}
		m->nbound++;
	}
	return 0;
}

int
model_add_theta(struct model *m, const char *name, double value,
    struct srcpos at, struct twin_err *err)
{
	if (declare(m, DEF_THETA, name, at, err) < 0)
		return -1;
	m->b->def[m->b->n - 1].value = value;
	return 0;
}

int
model_add_covariate(struct model *m, const char *name, int hasdefault,
    double def, enum cov_interp interp, struct srcpos at,
    struct twin_err *err)
{
	struct def *d;

	if (declare(m, DEF_COV, name, at, err) < 0)
		return -1;
	d = &m->b->def[m->b->n - 1];
	d->value = def;
	d->flag = hasdefault;
	d->prop = interp;
	return 0;
}

int
model_add_omega(struct model *m, const char *a, const char *b, double value,
    struct srcpos at, struct twin_err *err)
{
	struct def *d;
	int i;

	if (!valid_name(a) || !valid_name(b)) {
		twin_error(err, "invalid random effect name");
		return where(err, m, at.file, at.line, at.col);
	}
	if (!strncmp(a, "ETA_", 4))
		a += 4;
	if (!strncmp(b, "ETA_", 4))
		b += 4;
	if (strcmp(a, b) == 0 && !(value >= 0)) {
		twin_error(err, "variance of %s must not be negative", a);
		return where(err, m, at.file, at.line, at.col);
	}
	for (i = 0; i < m->b->n; i++) {
		d = &m->b->def[i];
		if (d->kind == DEF_OMEGA &&
		    ((!strcmp(d->name, a) && !strcmp(d->name2, b)) ||
		    (!strcmp(d->name, b) && !strcmp(d->name2, a)))) {
			if (strcmp(a, b) == 0)
				twin_error(err, "omega of %s is given twice", a);
			else
				twin_error(err, "omega of %s,%s is given twice",
				    a, b);
			return where(err, m, at.file, at.line, at.col);
		}
	}
	if ((d = add_def(m, DEF_OMEGA, a, b, NULL, at, err)) == NULL)
		return -1;
	d->value = value;
	return 0;
}

int
model_add_individual(struct model *m, const char *name, const char *expr,
    struct srcpos at, struct twin_err *err)
{
	if (declare(m, DEF_IND, name, at, err) < 0)
		return -1;
	if ((m->b->def[m->b->n - 1].expr = xstrdup(expr)) == NULL)
		return twin_nomem(err);
	return 0;
}

int
model_add_derived(struct model *m, const char *name, const char *expr,
    struct srcpos at, struct twin_err *err)
{
	if (declare(m, DEF_DERIVED, name, at, err) < 0)
		return -1;
	if ((m->b->def[m->b->n - 1].expr = xstrdup(expr)) == NULL)
		return twin_nomem(err);
	return 0;
}

int
model_set_ode(struct model *m, const char *cmt, const char *expr,
    struct srcpos at, struct twin_err *err)
{
	return add_def(m, DEF_ODE, cmt, NULL, expr, at, err) ? 0 : -1;
}

int
model_add_output(struct model *m, const char *name, const char *expr,
    struct srcpos at, struct twin_err *err)
{
	if (declare(m, DEF_OUTPUT, name, at, err) < 0)
		return -1;
	if ((m->b->def[m->b->n - 1].expr = xstrdup(expr)) == NULL)
		return twin_nomem(err);
	return 0;
}

/* A setting that may be given once: a second one is a mistake. */
static int
once(struct model *m, enum def_kind kind, const char *name,
    const char *what, struct srcpos at, struct twin_err *err)
{
	int i;

	for (i = 0; i < m->b->n; i++) {
		const struct def *d = &m->b->def[i];

		if (d->kind == kind && (name == NULL || !strcmp(d->name, name))) {
			twin_error(err, "%s is given twice", what);
			return where(err, m, at.file, at.line, at.col);
		}
	}
	return 0;
}

int
model_set_dv(struct model *m, const char *output, struct srcpos at,
    struct twin_err *err)
{
	if (m->b && once(m, DEF_DV, NULL, "dv", at, err) < 0)
		return -1;
	return add_def(m, DEF_DV, output, NULL, NULL, at, err) ? 0 : -1;
}

int
model_set_cmtprop(struct model *m, enum cmt_prop p, const char *cmt,
    const char *expr, struct srcpos at, struct twin_err *err)
{
	struct def *d;

	if ((d = add_def(m, DEF_PROP, cmt, NULL, expr, at, err)) == NULL)
		return -1;
	d->prop = p;
	return 0;
}

int
model_set_error(struct model *m, const char *kind, double sd,
    struct srcpos at, struct twin_err *err)
{
	struct def *d;

	if (strcmp(kind, "additive") && strcmp(kind, "proportional") &&
	    strcmp(kind, "exponential")) {
		twin_error(err, "unknown error model \"%s\" (additive, "
		    "proportional or exponential)", kind);
		return where(err, m, at.file, at.line, at.col);
	}
	if (!(sd >= 0)) {
		twin_error(err, "%s error must not be negative", kind);
		return where(err, m, at.file, at.line, at.col);
	}
	if (m->b && once(m, DEF_ERROR, kind, "error model entry", at, err) < 0)
		return -1;
	if ((d = add_def(m, DEF_ERROR, kind, NULL, NULL, at, err)) == NULL)
		return -1;
	d->value = sd;
	return 0;
}

int
model_set_error_combination(struct model *m, int sd, struct srcpos at,
    struct twin_err *err)
{
	struct def *d;

	if (m->b && once(m, DEF_ERROR, "combine", "error combination", at,
	    err) < 0)
		return -1;
	if ((d = add_def(m, DEF_ERROR, "combine", NULL, NULL, at, err)) == NULL)
		return -1;
	d->value = sd;
	return 0;
}

static const char *const method_names[ODE_NMETHOD] = {
	[ODE_AUTO] = "auto", [ODE_BDF] = "bdf", [ODE_ADAMS] = "adams",
	[ODE_RK] = "rk", [ODE_EXACT] = "exact",
};

const char *
ode_method_name(enum ode_method meth)
{
	return meth >= 0 && meth < ODE_NMETHOD ? method_names[meth] : "?";
}

int
ode_method_parse(const char *name)
{
	int i;

	for (i = 0; i < ODE_NMETHOD; i++)
		if (!strcmp(name, method_names[i]))
			return i;
	return -1;
}

int
model_set_solver(struct model *m, const char *name, struct srcpos at,
    struct twin_err *err)
{
	int meth = ode_method_parse(name);

	if (meth < 0) {
		twin_errork(err, TWIN_EINPUT, "solver: expected auto, bdf, "
		    "adams, rk or exact, got \"%.100s\"", name);
		return where(err, m, at.file, at.line, at.col);
	}
	m->solver = meth;
	m->solverline = at.line;
	m->solvercol = at.col;
	return 0;
}

int
ode_check_tol(double rtol, double atol, struct twin_err *err)
{
	if (!(rtol >= ODE_RTOL_MIN && rtol <= ODE_RTOL_MAX))
		return twin_errork(err, TWIN_EDOMAIN,
		    "relative tolerance %g is outside "
		    "[%g, %g]", rtol, ODE_RTOL_MIN, ODE_RTOL_MAX);
	if (!(atol > 0 && atol <= ODE_ATOL_MAX))
		return twin_errork(err, TWIN_EDOMAIN,
		    "absolute tolerance %g is outside "
		    "(0, %g]", atol, ODE_ATOL_MAX);
	return 0;
}

int
model_set_tolerance(struct model *m, double rtol, double atol,
    struct srcpos at, struct twin_err *err)
{
	if (ode_check_tol(rtol, atol, err) < 0)
		return where(err, m, at.file, at.line, at.col);
	m->rtol = rtol;
	m->atol = atol;
	return 0;
}

int
model_set_sensor(struct model *m, const char *name, struct srcpos at,
    struct twin_err *err)
{
	const char *p;

	for (p = name; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= '0' && *p <= '9'))
			break;
	if (*name == '\0' || *p || p - name > 31) {
		twin_errork(err, TWIN_EINPUT, "sensor: expected a sensor name "
		    "(lower case), got \"%.100s\"", name);
		return where(err, m, at.file, at.line, at.col);
	}
	free(m->sensor);
	if ((m->sensor = strdup(name)) == NULL)
		return twin_nomem(err);
	m->sensorline = at.line;
	return 0;
}

/*
 * Routes have their own name space: "iv" may also be a compartment or a
 * parameter.  The compartment is resolved by model_finish, since it may
 * be declared after the route.
 */
int
model_add_route(struct model *m, const char *route, const char *cmt,
    const char *unit, struct srcpos at, struct twin_err *err)
{
	int i;

	if (!valid_name(route)) {
		twin_error(err, "invalid route name \"%s\"", route ? route : "");
		return where(err, m, at.file, at.line, at.col);
	}
	if (!valid_name(cmt)) {
		twin_error(err, "route \"%s\": invalid compartment name \"%s\"",
		    route, cmt ? cmt : "");
		return where(err, m, at.file, at.line, at.col);
	}
	if (m->b == NULL)
		return twin_error(err, "model %s is already finished", m->name);
	for (i = 0; i < m->b->n; i++) {
		const struct def *d = &m->b->def[i];

		if (d->kind == DEF_ROUTE && !strcmp(d->name, route)) {
			twin_error(err, "route \"%s\" is given twice", route);
			return where(err, m, at.file, at.line, at.col);
		}
	}
	if (unit != NULL && *unit == '\0') {
		twin_error(err, "route \"%s\": empty unit", route);
		return where(err, m, at.file, at.line, at.col);
	}
	return add_def(m, DEF_ROUTE, route, cmt, unit, at, err) ? 0 : -1;
}

int
model_set_route_size(struct model *m, const char *route, const char *cov,
    struct srcpos at, struct twin_err *err)
{
	int i;

	if (!valid_name(cov)) {
		twin_error(err, "route \"%s\": invalid size covariate name "
		    "\"%s\"", route ? route : "", cov ? cov : "");
		return where(err, m, at.file, at.line, at.col);
	}
	if (m->b == NULL)
		return twin_error(err, "model %s is already finished", m->name);
	for (i = 0; i < m->b->n; i++) {
		const struct def *d = &m->b->def[i];

		if (d->kind == DEF_RSIZE && route && !strcmp(d->name, route)) {
			twin_error(err, "route \"%s\" has size twice", route);
			return where(err, m, at.file, at.line, at.col);
		}
	}
	return add_def(m, DEF_RSIZE, route, cov, NULL, at, err) ? 0 : -1;
}

int
model_route(const struct model *m, const char *route)
{
	int i;

	for (i = 0; i < m->nroute; i++)
		if (strcmp(m->routename[i], route) == 0)
			return m->routecmt[i];
	return -1;
}

double
model_hours(const struct model *m)
{
	const struct time_unit *u;

	if (m->units_time == NULL)
		return 1;
	u = time_unit_find(m->units_time, strlen(m->units_time), 0);
	return u != NULL ? 3600 / u->s : NAN;
}

const char *
model_route_unit(const struct model *m, const char *route)
{
	int i;

	for (i = 0; i < m->nroute; i++)
		if (strcmp(m->routename[i], route) == 0)
			return m->routeunit[i] ? m->routeunit[i] :
			    m->units_amount;
	return m->units_amount;
}

int
model_slot(const struct model *m, const char *name)
{
	int i;

	if (!strcmp(name, "t") || !strcmp(name, "TIME"))
		return 0;
	for (i = 1; i < m->nslot; i++)
		if (strcmp(m->slotname[i], name) == 0)
			return i;
	return -1;
}

int
model_state(const struct model *m, const char *name)
{
	int i;

	for (i = 0; i < m->nstate; i++)
		if (strcmp(m->slotname[m->state0 + i], name) == 0)
			return i;
	return -1;
}

int
model_eta(const struct model *m, const char *name)
{
	char buf[256];
	int i;

	if (strncmp(name, "ETA_", 4) != 0) {
		snprintf(buf, sizeof(buf), "ETA_%s", name);
		name = buf;
	}
	for (i = 0; i < m->neta; i++)
		if (strcmp(m->slotname[m->eta0 + i], name) == 0)
			return i;
	return -1;
}

static int
lookup(void *ctx, const char *name, int len)
{
	const struct scope *sc = ctx;
	const struct model *m = sc->m;
	int i, s;

	if ((len == 1 && name[0] == 't') ||
	    (len == 4 && !strncmp(name, "TIME", 4)))
		return sc->stage == ST_DYN || sc->stage == ST_OUT ? 0 : -1;
	for (i = 0; i < sc->nderived; i++)
		if ((int)strlen(sc->derived[i]) == len &&
		    !strncmp(sc->derived[i], name, len))
			return sc->derived0 + i;
	for (s = 1; s < m->nslot; s++) {
		if ((int)strlen(m->slotname[s]) != len ||
		    strncmp(m->slotname[s], name, len))
			continue;
		if (s >= sc->limit)
			return -1;
		if (s >= m->state0 && s < m->state0 + m->nstate &&
		    (sc->stage == ST_IND || sc->stage == ST_PROP))
			return -1;
		return s;
	}
	return -1;
}

/*
 * Say why a name was refused: it may exist but not be visible here, which
 * deserves a better message than "unknown name" (TWIN_EUNKNOWN).
 */
static void
explain(const struct scope *sc, const char *src, int col,
    struct twin_err *err)
{
	const struct model *m = sc->m;
	const char *p = src + col;
	int len = 0, s;

	if (err->kind != TWIN_EUNKNOWN)
		return;
	while (p[len] == '_' || (p[len] >= 'A' && p[len] <= 'Z') ||
	    (p[len] >= 'a' && p[len] <= 'z') || (p[len] >= '0' && p[len] <= '9'))
		len++;
	for (s = 0; s < m->der0; s++) {
		if ((int)strlen(m->slotname[s]) != len ||
		    strncmp(m->slotname[s], p, len))
			continue;
		if (s >= m->state0 && s < m->state0 + m->nstate)
			twin_error(err, "compartment amount \"%.*s\" cannot be "
			    "used here (only in ode, derived and output)",
			    len, p);
		else if (s == 0)
			twin_error(err, "time cannot be used here");
		else
			twin_error(err, "\"%.*s\" is used before it is "
			    "defined", len, p);
		return;
	}
}

static struct enode *
parse_def(struct model *m, struct scope *sc, const struct def *d,
    struct twin_err *err)
{
	struct enode *n;
	int col = 0;

	if (d->expr == NULL || *d->expr == '\0') {
		twin_error(err, "empty expression for %s", d->name);
		where(err, m, d->file, d->line, d->col);
		return NULL;
	}
	if ((n = expr_parse(d->expr, lookup, sc, &col, err)) == NULL) {
		explain(sc, d->expr, col, err);
		twin_error_prefix(err, "%s", d->name);
		where(err, m, d->file, d->line, d->col + col);
	}
	return n;
}

static const struct def *
find_def(const struct builder *b, enum def_kind k, const char *name)
{
	int i;

	for (i = 0; i < b->n; i++)
		if (b->def[i].kind == k && !strcmp(b->def[i].name, name))
			return &b->def[i];
	return NULL;
}

static int
count(const struct builder *b, enum def_kind k)
{
	int i, n = 0;

	for (i = 0; i < b->n; i++)
		n += b->def[i].kind == k;
	return n;
}

/* Collect random effect names from the omega definitions, in order. */
static int
layout_etas(struct model *m, char ***names, int *n, struct twin_err *err)
{
	struct builder *b = m->b;
	char **v = NULL;
	int i, j, k, cnt = 0;

	for (i = 0; i < b->n; i++) {
		const char *nm[2];

		if (b->def[i].kind != DEF_OMEGA)
			continue;
		nm[0] = b->def[i].name;
		nm[1] = b->def[i].name2;
		for (k = 0; k < 2; k++) {
			char **nv;

			for (j = 0; j < cnt; j++)
				if (!strcmp(v[j], nm[k]))
					break;
			if (j < cnt)
				continue;
			if ((nv = realloc(v, (cnt + 1) * sizeof(*v))) == NULL)
				goto oom;
			v = nv;
			if ((v[cnt] = strdup(nm[k])) == NULL)
				goto oom;
			cnt++;
		}
	}
	*names = v;
	*n = cnt;
	return 0;
oom:
	for (j = 0; j < cnt; j++)
		free(v[j]);
	free(v);
	return twin_nomem(err);
}

static int
set_slot(struct model *m, int s, const char *prefix, const char *name)
{
	size_t n = strlen(prefix) + strlen(name) + 1;

	if ((m->slotname[s] = malloc(n)) == NULL)
		return -1;
	snprintf(m->slotname[s], n, "%s%s", prefix, name);
	return 0;
}

static int
layout(struct model *m, struct twin_err *err)
{
	struct builder *b = m->b;
	char **etas = NULL;
	int i, j, s, neta = 0, rc = -1;
	int ith = 0, icov = 0, iind = 0, iout = 0, ist = 0, ider = 0;

	if (layout_etas(m, &etas, &neta, err) < 0)
		return -1;
	m->nstate = count(b, DEF_STATE);
	m->ntheta = count(b, DEF_THETA);
	m->neta = neta;
	m->ncov = count(b, DEF_COV);
	m->nind = count(b, DEF_IND);
	m->nout = count(b, DEF_OUTPUT);
	m->nder = count(b, DEF_DERIVED);
	m->state0 = 1;
	m->theta0 = m->state0 + m->nstate;
	m->eta0 = m->theta0 + m->ntheta;
	m->cov0 = m->eta0 + m->neta;
	m->ind0 = m->cov0 + m->ncov;
	m->out0 = m->ind0 + m->nind;
	m->der0 = m->out0 + m->nout;
	m->nslot = m->der0 + m->nder;
	m->slotname = calloc(m->nslot, sizeof(char *));
	m->theta = calloc(m->ntheta + 1, sizeof(double));
	m->omega = calloc(neta * neta + 1, sizeof(double));
	m->covdefault = calloc(m->ncov + 1, sizeof(double));
	m->covhasdefault = calloc(m->ncov + 1, sizeof(int));
	m->covinterp = calloc(m->ncov + 1, sizeof(enum cov_interp));
	if (!m->slotname || !m->theta || !m->omega || !m->covdefault ||
	    !m->covhasdefault || !m->covinterp)
		goto oom;
	if ((m->slotname[0] = strdup("t")) == NULL)
		goto oom;
	for (i = 0; i < neta; i++)
		if (set_slot(m, m->eta0 + i, "ETA_", etas[i]) < 0)
			goto oom;
	for (i = 0; i < b->n; i++) {
		struct def *d = &b->def[i];

		switch (d->kind) {
		case DEF_STATE:
			s = m->state0 + ist++;
			break;
		case DEF_THETA:
			m->theta[ith] = d->value;
			s = m->theta0 + ith++;
			break;
		case DEF_COV:
			m->covdefault[icov] = d->value;
			m->covhasdefault[icov] = d->flag;
			m->covinterp[icov] = d->prop;
			if (d->prop == COV_LINEAR)
				m->timevarying = 1;
			s = m->cov0 + icov++;
			break;
		case DEF_IND:
			s = m->ind0 + iind++;
			break;
		case DEF_OUTPUT:
			s = m->out0 + iout++;
			break;
		case DEF_DERIVED:
			s = m->der0 + ider++;
			break;
		default:
			continue;
		}
		if (set_slot(m, s, "", d->name) < 0)
			goto oom;
	}
	for (i = 0; i < b->n; i++) {
		struct def *d = &b->def[i];
		int a = -1, c = -1;

		if (d->kind != DEF_OMEGA)
			continue;
		for (j = 0; j < neta; j++) {
			if (!strcmp(etas[j], d->name))
				a = j;
			if (!strcmp(etas[j], d->name2))
				c = j;
		}
		m->omega[a * neta + c] = m->omega[c * neta + a] = d->value;
	}
	for (i = 0; i < b->n; i++) {
		struct def *d = &b->def[i];
		double va = 0, vb = 0;

		if (d->kind != DEF_OMEGA || !strcmp(d->name, d->name2))
			continue;
		for (j = 0; j < neta; j++) {
			if (!strcmp(etas[j], d->name))
				va = m->omega[j * neta + j];
			if (!strcmp(etas[j], d->name2))
				vb = m->omega[j * neta + j];
		}
		if (d->value * d->value > va * vb) {
			twin_error(err, "covariance of %s and %s exceeds the "
			    "product of their standard deviations", d->name,
			    d->name2);
			where(err, m, d->file, d->line, d->col);
			goto out;
		}
	}
	rc = 0;
	goto out;
oom:
	twin_nomem(err);
out:
	for (i = 0; i < neta; i++)
		free(etas[i]);
	free(etas);
	return rc;
}

/*
 * The graph of the dynamics.  Derived quantities keep their own slots
 * (v[der0 + k]); the Jacobian is built by the chain rule over them: for
 * each derived quantity D_k and variable x_j it depends on,
 *   dD_k/dx_j = d expr_k/d x_j + sum_m d expr_k/d D_m * dD_m/dx_j
 * (partial derivatives by enode_diff, which treats derived slots as
 * independent), a zero, a constant or a slot of its own; then the same
 * sum gives d rhs_i/d x_j.  The variables are the slots state0 .. out0-1:
 * the states (the Jacobian) and the parameter slots (the sensitivities'
 * d rhs/d p); outputs are nodes of the graph like derived quantities
 * (they may use earlier outputs), giving d out/d x.  Graph rows: output
 * k is row k, derived quantity k row nout + k (row r is slot out0 + r).
 * Every tree is linear in the size of the definitions, and
 * MODEL_MAX_EXPR_NODES bounds them all together.
 */
enum { DEP_STATE = 1, DEP_TIME = 2 };

/* A total derivative dD_k/dx_j. */
struct dval {
	int kind;		/* 0 zero, 1 the constant c, 2 v[slot] */
	int slot;
	double c;
};

struct graph {
	struct model *m;
	long nodes;		/* against MODEL_MAX_EXPR_NODES */
	int nd, dd0;		/* derived quantities; first derivative slot */
	int nv, nrow;		/* variables (out0 - state0); nout + nd */
	struct enode **dtree;	/* nd definitions */
	const struct def **ddef;
	unsigned char *dep;	/* DEP_ of slots below dd0 */
	struct dval *g;		/* nrow x nv */
	int **gcols, *ngcols;	/* the variables each row depends on */
	int ng, gcap;		/* derivative slots v[dd0 + i] */
	struct enode **gtree;
	unsigned char *gdep;
	int *gk, *gj;		/* d row gk / d variable gj */
	struct enode **rhs, **otree, **jtree;
	struct enode **ptree;	/* pjac trees */
	int npcap;
	struct enode **ostree;	/* ojac then opjac trees */
	/* scratch for one tree */
	int *stamp, stampv;	/* per slot below dd0 */
	int *cstamp;		/* per variable */
	int *used, nused;	/* derived quantities a tree uses */
	struct enode **pd;	/* its partial derivative by each */
	struct enode **term;	/* the terms of one total derivative */
	int *cols, ncols;	/* states it depends on */
	struct enode **col;	/* its total derivative by each */
};

static int
account(struct graph *gr, const struct enode *n, const struct def *d,
    struct twin_err *err)
{
	gr->nodes += enode_size(n);
	if (gr->nodes <= MODEL_MAX_EXPR_NODES)
		return 0;
	twin_error(err, "\"%s\": the model's expression graph exceeds %d "
	    "nodes (the limit of a model)", d->name, MODEL_MAX_EXPR_NODES);
	return where(err, gr->m, d->file, d->line, d->col);
}

static void
collect(void *ctx, int slot)
{
	struct graph *gr = ctx;
	const struct model *m = gr->m;

	if (gr->stamp[slot] == gr->stampv)
		return;
	gr->stamp[slot] = gr->stampv;
	if (slot >= m->state0 && slot < m->out0) {
		int j = slot - m->state0;

		gr->cstamp[j] = gr->stampv;
		gr->cols[gr->ncols++] = j;
	} else if (slot >= m->out0 && slot < gr->dd0)
		gr->used[gr->nused++] = slot - m->out0;
}

struct dep_ctx {
	const struct graph *gr;
	int dep;
};

static void
dep_use(void *ctx, int slot)
{
	struct dep_ctx *c = ctx;

	c->dep |= slot < c->gr->dd0 ? c->gr->dep[slot] :
	    c->gr->gdep[slot - c->gr->dd0];
}

/* DEP_STATE and DEP_TIME: what n's value depends on, through the graph. */
static int
depends(const struct graph *gr, const struct enode *n)
{
	struct dep_ctx c = { gr, 0 };

	enode_foreach_slot(n, dep_use, &c);
	return c.dep;
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/*
 * The total derivative of t by each variable it depends on, directly or
 * through graph rows: gr->cols[0 .. ncols - 1] ascending, the
 * trees (possibly the constant 0) in gr->col[], owned by the caller.
 */
static int
chain(struct graph *gr, const struct enode *t, const struct def *d,
    struct twin_err *err)
{
	const struct model *m = gr->m;
	int i, c, k, rc = -1;

	gr->stampv++;
	gr->nused = gr->ncols = 0;
	enode_foreach_slot(t, collect, gr);
	for (i = 0; i < gr->nused; i++)
		gr->pd[i] = NULL;
	for (i = 0; i < gr->nused; i++) {
		k = gr->used[i];
		if ((gr->pd[i] = enode_diff(t, m->out0 + k)) == NULL)
			goto oom;
		if (account(gr, gr->pd[i], d, err) < 0)
			goto out;
		for (c = 0; c < gr->ngcols[k]; c++) {
			int j = gr->gcols[k][c];

			if (gr->cstamp[j] != gr->stampv) {
				gr->cstamp[j] = gr->stampv;
				gr->cols[gr->ncols++] = j;
			}
		}
	}
	qsort(gr->cols, gr->ncols, sizeof(int), cmp_int);
	for (c = 0; c < gr->ncols; c++)
		gr->col[c] = NULL;
	for (c = 0; c < gr->ncols; c++) {
		int j = gr->cols[c];
		struct enode **term = gr->term;
		int nt = 1;

		/* the terms, summed pairwise: the tree's height grows with
		 * the logarithm of their number */
		term[0] = enode_diff(t, m->state0 + j);
		for (i = 0; i < gr->nused; i++) {
			const struct dval *g =
			    &gr->g[(size_t)gr->used[i] * gr->nv + j];
			double z;

			if (g->kind == 0 ||
			    (enode_is_const(gr->pd[i], &z) && z == 0))
				continue;
			term[nt++] = enode_mul(enode_copy(gr->pd[i]),
			    g->kind == 1 ? enode_const(g->c) :
			    enode_slot(g->slot));
		}
		while (nt > 1) {
			for (i = 0; 2 * i + 1 < nt; i++)
				term[i] = enode_add(term[2 * i], term[2 * i + 1]);
			if (nt % 2)
				term[i++] = term[nt - 1];
			nt = i;
		}
		if ((gr->col[c] = term[0]) == NULL)
			goto oom;
		if (account(gr, gr->col[c], d, err) < 0)
			goto out;
	}
	rc = 0;
	goto out;
oom:
	twin_nomem(err);
	where(err, m, d->file, d->line, d->col);
out:
	for (i = 0; i < gr->nused; i++)
		enode_free(gr->pd[i]);
	if (rc < 0)
		for (c = 0; c < gr->ncols; c++) {
			enode_free(gr->col[c]);
			gr->col[c] = NULL;
		}
	return rc;
}

/* Graph row k (tree def): its dependence and its derivatives by the
 * variables. */
static int
graph_node(struct graph *gr, int k, const struct enode *def,
    const struct def *d, struct twin_err *err)
{
	struct model *m = gr->m;
	int c, n = 0;

	gr->dep[m->out0 + k] = depends(gr, def);
	if (chain(gr, def, d, err) < 0)
		return -1;
	if ((gr->gcols[k] = malloc((gr->ncols + 1) * sizeof(int))) == NULL)
		goto oom;
	for (c = 0; c < gr->ncols; c++) {
		struct dval *g = &gr->g[(size_t)k * gr->nv + gr->cols[c]];
		struct enode *s = gr->col[c];

		gr->col[c] = NULL;
		if (enode_is_const(s, &g->c)) {
			g->kind = g->c != 0;
			enode_free(s);
		} else if (enode_is_slot(s, &g->slot)) {
			g->kind = 2;
			enode_free(s);
		} else {
			if (gr->ng == gr->gcap) {
				int cap = gr->gcap ? 2 * gr->gcap : 16;
				struct enode **t = realloc(gr->gtree,
				    cap * sizeof(*t));
				unsigned char *dp;
				int *gk, *gj;

				if (t != NULL)
					gr->gtree = t;
				dp = realloc(gr->gdep, cap);
				if (dp != NULL)
					gr->gdep = dp;
				gk = realloc(gr->gk, cap * sizeof(int));
				if (gk != NULL)
					gr->gk = gk;
				gj = realloc(gr->gj, cap * sizeof(int));
				if (gj != NULL)
					gr->gj = gj;
				if (!t || !dp || !gk || !gj) {
					enode_free(s);
					goto oom;
				}
				gr->gcap = cap;
			}
			g->kind = 2;
			g->slot = gr->dd0 + gr->ng;
			gr->gtree[gr->ng] = s;
			gr->gdep[gr->ng] = depends(gr, s);
			gr->gk[gr->ng] = k;
			gr->gj[gr->ng] = gr->cols[c];
			gr->ng++;
		}
		if (g->kind != 0)
			gr->gcols[k][n++] = gr->cols[c];
	}
	gr->ngcols[k] = n;
	return 0;
oom:
	for (c = 0; c < gr->ncols; c++)
		enode_free(gr->col[c]);
	twin_nomem(err);
	return where(err, m, d->file, d->line, d->col);
}

/* Append tree t as entry (row, col) of a growing list. */
static int
push_entry(struct jac_entry **e, struct enode ***t, int *n, int *cap,
    int row, int col, struct enode *tree)
{
	if (*n == *cap) {
		int c = *cap ? 2 * *cap : 16;
		struct jac_entry *ne = realloc(*e, c * sizeof(**e));
		struct enode **nt;

		if (ne == NULL)
			return -1;
		*e = ne;
		if ((nt = realloc(*t, c * sizeof(**t))) == NULL)
			return -1;
		*t = nt;
		*cap = c;
	}
	(*e)[*n].row = row;
	(*e)[*n].col = col;
	(*t)[(*n)++] = tree;
	return 0;
}

/* rhs i: its nonzero Jacobian entries, and whether it keeps the model
 * linear (no time, and every entry independent of states and time);
 * its nonzero derivatives by the parameter slots. */
static int
graph_rhs(struct graph *gr, int i, const struct def *d, struct twin_err *err)
{
	struct model *m = gr->m;
	int c;

	if (depends(gr, gr->rhs[i]) & DEP_TIME)
		m->linear = 0;
	if (chain(gr, gr->rhs[i], d, err) < 0)
		return -1;
	for (c = 0; c < gr->ncols; c++) {
		struct enode *s = gr->col[c];
		double z;

		gr->col[c] = NULL;
		if (enode_is_const(s, &z) && z == 0) {
			enode_free(s);
			continue;
		}
		if (gr->cols[c] >= m->nstate) {
			if (push_entry(&m->pjac, &gr->ptree, &m->npjac,
			    &gr->npcap, i, gr->cols[c] - m->nstate, s) < 0) {
				enode_free(s);
				for (c++; c < gr->ncols; c++) {
					enode_free(gr->col[c]);
					gr->col[c] = NULL;
				}
				twin_nomem(err);
				return where(err, m, d->file, d->line, d->col);
			}
			continue;
		}
		if (depends(gr, s))
			m->linear = 0;
		m->jac[m->njac].row = i;
		m->jac[m->njac].col = gr->cols[c];
		gr->jtree[m->njac++] = s;
	}
	return 0;
}

static void
mark_use(void *ctx, int slot)
{
	((unsigned char *)ctx)[slot] = 1;
}

/*
 * One program: the derived quantities, outputs (if withouts) and
 * derivative slots (if withg) that the n trees in tail need, in order,
 * then the tail: out[i] = tail[i] (out set) or v[tail0 + i] = tail[i].
 */
static struct prog *
graph_prog(const struct graph *gr, struct enode **tail, int n, int out,
    int tail0, int withg, int withouts, unsigned char *mark,
    struct prog_stmt *st)
{
	const struct model *m = gr->m;
	int i, k = 0;

	memset(mark, 0, gr->dd0 + gr->ng);
	for (i = 0; i < n; i++)
		enode_foreach_slot(tail[i], mark_use, mark);
	for (i = gr->ng - 1; withg && i >= 0; i--)
		if (mark[gr->dd0 + i])
			enode_foreach_slot(gr->gtree[i], mark_use, mark);
	for (i = m->nout - 1; withouts && i >= 0; i--)
		if (mark[m->out0 + i])
			enode_foreach_slot(gr->otree[i], mark_use, mark);
	for (i = gr->nd - 1; i >= 0; i--)
		if (mark[m->der0 + i])
			enode_foreach_slot(gr->dtree[i], mark_use, mark);
	for (i = 0; i < gr->nd; i++)
		if (mark[m->der0 + i]) {
			st[k].n = gr->dtree[i];
			st[k].dst = m->der0 + i;
			st[k++].out = 0;
		}
	for (i = 0; withouts && i < m->nout; i++)
		if (mark[m->out0 + i]) {
			st[k].n = gr->otree[i];
			st[k].dst = m->out0 + i;
			st[k++].out = 0;
		}
	for (i = 0; withg && i < gr->ng; i++)
		if (mark[gr->dd0 + i]) {
			st[k].n = gr->gtree[i];
			st[k].dst = gr->dd0 + i;
			st[k++].out = 0;
		}
	for (i = 0; i < n; i++) {
		st[k].n = tail[i];
		st[k].dst = out ? i : tail0 + i;
		st[k++].out = out;
	}
	return prog_compile(st, k, gr->dd0 + gr->ng);
}

/* The programs, and the names of the working slots. */
static int
graph_compile(struct graph *gr, struct twin_err *err)
{
	struct model *m = gr->m;
	unsigned char *mark;
	struct prog_stmt *st;
	char **names;
	int i, j, nt, n, no = 0, pass;

	/* d out / d variable, from the graph rows of the outputs */
	for (i = 0; i < m->nout; i++)
		for (j = 0; j < gr->nv; j++)
			no += gr->g[(size_t)i * gr->nv + j].kind != 0;
	gr->ostree = calloc(no + 1, sizeof(*gr->ostree));
	m->ojac = calloc(no + 1, sizeof(*m->ojac));
	m->opjac = calloc(no + 1, sizeof(*m->opjac));
	if (!gr->ostree || !m->ojac || !m->opjac)
		return twin_nomem(err);
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < m->nout; i++)
			for (j = 0; j < gr->nv; j++) {
				const struct dval *g =
				    &gr->g[(size_t)i * gr->nv + j];
				struct enode *t;

				if (g->kind == 0 || (pass == 0) !=
				    (j < m->nstate))
					continue;
				t = g->kind == 1 ? enode_const(g->c) :
				    enode_slot(g->slot);
				if (t == NULL)
					return twin_nomem(err);
				gr->ostree[m->nojac + m->nopjac] = t;
				if (pass == 0) {
					m->ojac[m->nojac].row = i;
					m->ojac[m->nojac++].col = j;
				} else {
					m->opjac[m->nopjac].row = i;
					m->opjac[m->nopjac++].col =
					    j - m->nstate;
				}
			}
	n = gr->nd + m->nout + gr->ng + m->nstate + m->nout + m->njac +
	    m->npjac + no + 1;
	mark = malloc(gr->dd0 + gr->ng + 1);
	st = malloc(n * sizeof(*st));
	if (mark == NULL || st == NULL)
		goto oom;
	m->rhsprog = graph_prog(gr, gr->rhs, m->nstate, 1, 0, 0, 0, mark,
	    st);
	m->outprog = graph_prog(gr, gr->otree, m->nout, 0, m->out0, 0, 0,
	    mark, st);
	m->jacprog = graph_prog(gr, gr->jtree, m->njac, 1, 0, 1, 0, mark,
	    st);
	m->pjacprog = graph_prog(gr, gr->ptree, m->npjac, 1, 0, 1, 0, mark,
	    st);
	m->osensprog = graph_prog(gr, gr->ostree, no, 1, 0, 1, 1, mark, st);
	if (!m->rhsprog || !m->outprog || !m->jacprog || !m->pjacprog ||
	    !m->osensprog)
		goto oom;
	nt = prog_ntemp(m->rhsprog);
	if (prog_ntemp(m->outprog) > nt)
		nt = prog_ntemp(m->outprog);
	if (prog_ntemp(m->jacprog) > nt)
		nt = prog_ntemp(m->jacprog);
	if (prog_ntemp(m->pjacprog) > nt)
		nt = prog_ntemp(m->pjacprog);
	if (prog_ntemp(m->osensprog) > nt)
		nt = prog_ntemp(m->osensprog);
	names = realloc(m->slotname, (gr->dd0 + gr->ng + nt) * sizeof(char *));
	if (names == NULL)
		goto oom;
	m->slotname = names;
	for (i = m->nslot; i < gr->dd0 + gr->ng + nt; i++) {
		char buf[64];
		int s = i - gr->dd0;

		if (s < gr->ng)
			snprintf(buf, sizeof(buf), "d(%.24s)/d(%.24s)",
			    m->slotname[m->out0 + gr->gk[s]],
			    m->slotname[m->state0 + gr->gj[s]]);
		else
			snprintf(buf, sizeof(buf), "$%d", s - gr->ng + 1);
		if ((m->slotname[i] = strdup(buf)) == NULL)
			goto oom;
		m->nslot = i + 1;
	}
	free(mark);
	free(st);
	return 0;
oom:
	free(mark);
	free(st);
	return twin_nomem(err);
}

static void
graph_free(struct graph *gr)
{
	const struct model *m = gr->m;
	int i;

	for (i = 0; gr->dtree && i < gr->nd; i++)
		enode_free(gr->dtree[i]);
	for (i = 0; gr->gcols && i < gr->nrow; i++)
		free(gr->gcols[i]);
	for (i = 0; i < gr->ng; i++)
		enode_free(gr->gtree[i]);
	for (i = 0; gr->rhs && i < m->nstate; i++)
		enode_free(gr->rhs[i]);
	for (i = 0; gr->otree && i < m->nout; i++)
		enode_free(gr->otree[i]);
	for (i = 0; gr->jtree && i < m->njac; i++)
		enode_free(gr->jtree[i]);
	for (i = 0; gr->ptree && i < m->npjac; i++)
		enode_free(gr->ptree[i]);
	for (i = 0; gr->ostree && i < m->nojac + m->nopjac; i++)
		enode_free(gr->ostree[i]);
	free(gr->ptree);
	free(gr->ostree);
	free(gr->dtree);
	free(gr->ddef);
	free(gr->dep);
	free(gr->g);
	free(gr->gcols);
	free(gr->ngcols);
	free(gr->gtree);
	free(gr->gdep);
	free(gr->gk);
	free(gr->gj);
	free(gr->rhs);
	free(gr->otree);
	free(gr->jtree);
	free(gr->stamp);
	free(gr->cstamp);
	free(gr->used);
	free(gr->pd);
	free(gr->term);
	free(gr->cols);
	free(gr->col);
}

static int
compile_dynamics(struct model *m, struct scope *sc, struct twin_err *err)
{
	struct builder *b = m->b;
	struct graph gr;
	int i, k, nd = m->nder, n = m->nstate, rc = -1, nr, nv;
	size_t nj = (size_t)n * n + 1;

	memset(&gr, 0, sizeof(gr));
	gr.m = m;
	gr.nd = nd;
	gr.dd0 = m->der0 + nd;
	gr.nv = nv = m->out0 - m->state0;
	gr.nrow = nr = m->nout + nd;
	m->npar = m->out0 - m->theta0;
	gr.dtree = calloc(nd + 1, sizeof(*gr.dtree));
	gr.ddef = calloc(nd + 1, sizeof(*gr.ddef));
	gr.dep = calloc(gr.dd0, 1);
	gr.g = calloc((size_t)nr * nv + 1, sizeof(*gr.g));
	gr.gcols = calloc(nr + 1, sizeof(*gr.gcols));
	gr.ngcols = calloc(nr + 1, sizeof(*gr.ngcols));
	gr.rhs = calloc(n + 1, sizeof(*gr.rhs));
	gr.otree = calloc(m->nout + 1, sizeof(*gr.otree));
	gr.jtree = calloc(nj, sizeof(*gr.jtree));
	gr.stamp = calloc(gr.dd0, sizeof(int));
	gr.cstamp = calloc(nv + 1, sizeof(int));
	gr.used = calloc(nr + 1, sizeof(int));
	gr.pd = calloc(nr + 1, sizeof(*gr.pd));
	gr.term = calloc(nr + 1, sizeof(*gr.term));
	gr.cols = calloc(nv + 1, sizeof(int));
	gr.col = calloc(nv + 1, sizeof(*gr.col));
	m->jac = calloc(nj, sizeof(*m->jac));
	if (!gr.dtree || !gr.ddef || !gr.dep || !gr.g || !gr.gcols ||
	    !gr.ngcols || !gr.rhs || !gr.otree || !gr.jtree || !gr.stamp ||
	    !gr.cstamp || !gr.used || !gr.pd || !gr.term || !gr.cols ||
	    !gr.col ||
	    !m->jac) {
		twin_nomem(err);
		goto out;
	}
	gr.dep[0] = DEP_TIME;
	for (i = 0; i < n; i++)
		gr.dep[m->state0 + i] = DEP_STATE;
	/* Derived quantities see only the derived ones before them. */
	for (i = 0, k = 0; i < b->n; i++) {
		const struct def *d = &b->def[i];

		if (d->kind != DEF_DERIVED)
			continue;
		sc->nderived = k;
		gr.ddef[k] = d;
		if ((gr.dtree[k] = parse_def(m, sc, d, err)) == NULL ||
		    account(&gr, gr.dtree[k], d, err) < 0 ||
		    graph_node(&gr, m->nout + k, gr.dtree[k], d, err) < 0)
			goto out;
		k++;
	}
	sc->nderived = nd;
	m->linear = !m->timevarying;
	for (i = 0; i < b->n; i++) {
		const struct def *d = &b->def[i];
		int s;

		if (d->kind != DEF_ODE)
			continue;
		if ((s = model_state(m, d->name)) < 0) {
			twin_error(err, "ode for unknown compartment \"%s\"",
			    d->name);
			where(err, m, d->file, d->line, d->col);
			goto out;
		}
		if (gr.rhs[s]) {
			twin_error(err, "two ode definitions for \"%s\"",
			    d->name);
			where(err, m, d->file, d->line, d->col);
			goto out;
		}
		if ((gr.rhs[s] = parse_def(m, sc, d, err)) == NULL ||
		    account(&gr, gr.rhs[s], d, err) < 0)
			goto out;
	}
	for (i = 0; i < n; i++) {
		const struct def *d = find_def(b, DEF_ODE,
		    m->slotname[m->state0 + i]);

		if (gr.rhs[i] == NULL) {
			d = find_def(b, DEF_STATE, m->slotname[m->state0 + i]);
			twin_error(err, "no ode for compartment \"%s\"",
			    m->slotname[m->state0 + i]);
			where(err, m, d->file, d->line, d->col);
			goto out;
		}
		if (graph_rhs(&gr, i, d, err) < 0)
			goto out;
	}
	/* Outputs may use states, derived quantities and earlier outputs. */
	sc->stage = ST_OUT;
	for (i = 0, k = 0; i < b->n; i++) {
		const struct def *d = &b->def[i];

		if (d->kind != DEF_OUTPUT)
			continue;
		sc->limit = m->out0 + k;
		if ((gr.otree[k] = parse_def(m, sc, d, err)) == NULL ||
		    account(&gr, gr.otree[k], d, err) < 0 ||
		    graph_node(&gr, k, gr.otree[k], d, err) < 0)
			goto out;
		k++;
	}
	rc = graph_compile(&gr, err);
out:
	graph_free(&gr);
	return rc;
}

/* The partial derivatives of tree n (row) by the parameter slots below
 * limit, appended to a list. */
static int
partials(struct model *m, const struct enode *n, int row, int limit,
    struct jac_entry **e, struct enode ***t, int *cnt, int *cap)
{
	int slot;

	for (slot = m->theta0; slot < limit; slot++) {
		struct enode *d;
		double z;

		if (!enode_uses(n, slot))
			continue;
		if ((d = enode_diff(n, slot)) == NULL)
			return -1;
		if (enode_is_const(d, &z) && z == 0) {
			enode_free(d);
			continue;
		}
		if (push_entry(e, t, cnt, cap, row, slot - m->theta0, d) < 0) {
			enode_free(d);
			return -1;
		}
	}
	return 0;
}

/* The programs of the partial derivatives, their temporaries after the
 * model's slots. */
static int
compile_partials(struct model *m, struct scope *sc, struct twin_err *err)
{
	struct prog_stmt *st;
	int i, nt, n = sc->ni > sc->np ? sc->ni : sc->np;

	if ((st = calloc(n + 1, sizeof(*st))) == NULL)
		return twin_nomem(err);
	for (i = 0; i < sc->ni; i++) {
		st[i].n = sc->itree[i];
		st[i].dst = i;
		st[i].out = 1;
	}
	m->inddprog = prog_compile(st, sc->ni, m->nslot);
	for (i = 0; i < sc->np; i++) {
		st[i].n = sc->ptree[i];
		st[i].dst = i;
		st[i].out = 1;
	}
	m->propdprog = prog_compile(st, sc->np, m->nslot);
	free(st);
	if (!m->inddprog || !m->propdprog)
		return twin_nomem(err);
	nt = prog_ntemp(m->inddprog);
	if (prog_ntemp(m->propdprog) > nt)
		nt = prog_ntemp(m->propdprog);
	if (nt > 0) {
		char **names = realloc(m->slotname,
		    (m->nslot + nt) * sizeof(char *));

		if (names == NULL)
			return twin_nomem(err);
		m->slotname = names;
		for (i = 0; i < nt; i++) {
			char buf[32];

			snprintf(buf, sizeof(buf), "$p%d", i + 1);
			if ((m->slotname[m->nslot] = strdup(buf)) == NULL)
				return twin_nomem(err);
			m->nslot++;
		}
	}
	return 0;
}

/* Is v[slot] a covariate that doses set (route size:)? */
static int
dose_set(const struct model *m, int slot)
{
	int i;

	for (i = 0; i < m->nstate; i++)
		if (m->cmtsize[i] >= 0 && m->cov0 + m->cmtsize[i] == slot)
			return 1;
	return 0;
}

/* Individual parameters and dosing properties are constant between
 * records: they must not read a covariate that doses set. */
static int
check_size_use(struct model *m, const struct def *d, const struct enode *n,
    struct twin_err *err)
{
	int c;

	for (c = 0; c < m->ncov; c++)
		if (dose_set(m, m->cov0 + c) && enode_uses(n, m->cov0 + c)) {
			twin_error(err, "%s reads covariate %s, which doses "
			    "set (route size:); only derived:, ode: and "
			    "output: may", d->name, m->slotname[m->cov0 + c]);
			return where(err, m, d->file, d->line, d->col);
		}
	return 0;
}

static int
compile_static(struct model *m, struct scope *sc, struct twin_err *err)
{
	struct builder *b = m->b;
	int i, k;

	m->ind = calloc(m->nind + 1, sizeof(*m->ind));
	m->cmtprop = calloc((size_t)m->nstate * NPROP + 1,
	    sizeof(*m->cmtprop));
	if (!m->ind || !m->cmtprop)
		return twin_nomem(err);
	sc->stage = ST_IND;
	for (i = 0, k = 0; i < b->n; i++) {
		struct def *d = &b->def[i];
		struct enode *n;

		if (d->kind != DEF_IND)
			continue;
		sc->limit = m->ind0 + k;
		if ((n = parse_def(m, sc, d, err)) == NULL)
			return -1;
		if (check_size_use(m, d, n, err) < 0) {
			enode_free(n);
			return -1;
		}
		m->ind[k] = tape_compile(n);
		if (partials(m, n, k, m->ind0 + k, &m->inddp, &sc->itree,
		    &sc->ni, &sc->icap) < 0) {
			enode_free(n);
			return twin_nomem(err);
		}
		m->ninddp = sc->ni;
		enode_free(n);
		if (m->ind[k++] == NULL)
			return twin_nomem(err);
	}
	sc->stage = ST_PROP;
	sc->limit = m->out0;
	for (i = 0; i < b->n; i++) {
		struct def *d = &b->def[i];
		struct enode *n;
		int s;

		if (d->kind != DEF_PROP)
			continue;
		if ((s = model_state(m, d->name)) < 0) {
			twin_error(err, "unknown compartment \"%s\"", d->name);
			return where(err, m, d->file, d->line, d->col);
		}
		if (m->cmtprop[s * NPROP + d->prop]) {
			twin_error(err, "compartment \"%s\" has this property "
			    "twice", d->name);
			return where(err, m, d->file, d->line, d->col);
		}
		if ((n = parse_def(m, sc, d, err)) == NULL)
			return -1;
		if (check_size_use(m, d, n, err) < 0) {
			enode_free(n);
			return -1;
		}
		m->cmtprop[s * NPROP + d->prop] = tape_compile(n);
		if (partials(m, n, s * NPROP + d->prop, m->out0, &m->propdp,
		    &sc->ptree, &sc->np, &sc->pcap) < 0) {
			enode_free(n);
			return twin_nomem(err);
		}
		m->npropdp = sc->np;
		enode_free(n);
		if (m->cmtprop[s * NPROP + d->prop] == NULL)
			return twin_nomem(err);
	}
	return 0;
}

static int
finish_error_dv(struct model *m, struct twin_err *err)
{
	struct builder *b = m->b;
	const struct def *last = NULL;
	int i, j, add = 0, prop = 0, expo = 0, sdadd = 0;

	for (i = 0; i < b->n; i++) {
		struct def *d = &b->def[i];

		if (d->kind == DEF_DV) {
			for (j = 0; j < m->nout; j++)
				if (!strcmp(m->slotname[m->out0 + j], d->name))
					break;
			if (j == m->nout) {
				twin_error(err, "dv \"%s\" is not an output",
				    d->name);
				return where(err, m, d->file, d->line, d->col);
			}
			m->dv = j;
		} else if (d->kind == DEF_ERROR &&
		    !strcmp(d->name, "combine")) {
			sdadd = d->value != 0;
		} else if (d->kind == DEF_ERROR) {
			last = d;
			if (!strcmp(d->name, "additive")) {
				m->sigma_add = d->value;
				add = 1;
			} else if (!strcmp(d->name, "proportional")) {
				m->sigma_prop = d->value;
				prop = 1;
			} else {
				m->sigma_prop = d->value;
				expo = 1;
			}
		}
	}
	if (expo && (add || prop)) {
		twin_error(err, "exponential error cannot be combined with "
		    "additive or proportional error");
		return where(err, m, last->file, last->line, last->col);
	}
	m->errkind = expo ? ERR_EXPONENTIAL : add && prop ?
	    (sdadd ? ERR_COMBINED_SD : ERR_COMBINED) :
	    add ? ERR_ADDITIVE : prop ? ERR_PROPORTIONAL : ERR_NONE;
	if (m->nout == 0) {
		twin_error(err, "model has no output");
		return where(err, m, m->path, 0, 0);
	}
	if (m->dv < 0)
		m->dv = 0;
	return 0;
}

/* The size covariate of route d (DEF_ROUTE), or -1; errors as -2. */
static int
route_size(struct model *m, const struct def *d, struct twin_err *err)
{
	struct builder *b = m->b;
	int i, s, c;

	for (i = 0; i < b->n; i++) {
		const struct def *z = &b->def[i];

		if (z->kind != DEF_RSIZE || strcmp(z->name, d->name) != 0)
			continue;
		s = model_slot(m, z->name2);
		if (s < m->cov0 || s >= m->cov0 + m->ncov) {
			twin_error(err, "route \"%s\": size \"%s\" is not a "
			    "covariate%s", d->name, z->name2, s >= m->ind0 &&
			    s < m->ind0 + m->nind ? " (it is an individual "
			    "parameter)" : "");
			where(err, m, z->file, z->line, z->col);
			return -2;
		}
		c = s - m->cov0;
		if (!m->covhasdefault[c] || m->covinterp[c] != COV_LOCF) {
			twin_error(err, "route \"%s\": size covariate \"%s\" "
			    "needs a default and interpolate: locf",
			    d->name, z->name2);
			where(err, m, z->file, z->line, z->col);
			return -2;
		}
		return c;
	}
	return -1;
}

/* Resolve each route's compartment and size covariate. */
static int
finish_routes(struct model *m, struct twin_err *err)
{
	struct builder *b = m->b;
	int i, k, n = count(b, DEF_ROUTE);

	m->routename = calloc(n + 1, sizeof(*m->routename));
	m->routecmt = calloc(n + 1, sizeof(*m->routecmt));
	m->routeunit = calloc(n + 1, sizeof(*m->routeunit));
	m->routesize = calloc(n + 1, sizeof(*m->routesize));
	m->cmtsize = calloc(m->nstate + 1, sizeof(*m->cmtsize));
	if (m->routename == NULL || m->routecmt == NULL ||
	    m->routeunit == NULL || m->routesize == NULL || m->cmtsize == NULL)
		return twin_nomem(err);
	for (i = 0; i < m->nstate; i++)
		m->cmtsize[i] = -1;
	for (i = 0; i < b->n; i++) {
		const struct def *d = &b->def[i];

		if (d->kind == DEF_RSIZE && model_route_def(b, d->name) < 0) {
			twin_error(err, "size of undeclared route \"%s\"",
			    d->name);
			return where(err, m, d->file, d->line, d->col);
		}
	}
	for (i = 0, k = 0; i < b->n; i++) {
		const struct def *d = &b->def[i];
		int c, cmt;

		if (d->kind != DEF_ROUTE)
			continue;
		if ((cmt = m->routecmt[k] = model_state(m, d->name2)) < 0) {
			twin_error(err, "route \"%s\": unknown compartment "
			    "\"%s\"", d->name, d->name2);
			return where(err, m, d->file, d->line, d->col);
		}
		if ((c = m->routesize[k] = route_size(m, d, err)) < -1)
			return -1;
		if (c >= 0 && m->cmtsize[cmt] >= 0 && m->cmtsize[cmt] != c) {
			twin_error(err, "route \"%s\": doses into %s already "
			    "set covariate %s", d->name, d->name2,
			    m->slotname[m->cov0 + m->cmtsize[cmt]]);
			return where(err, m, d->file, d->line, d->col);
		}
		if (c >= 0)
			m->cmtsize[cmt] = c;
		if ((m->routename[k] = strdup(d->name)) == NULL ||
		    (d->expr != NULL &&
		    (m->routeunit[k] = strdup(d->expr)) == NULL))
			return twin_nomem(err);
		m->nroute = ++k;
	}
	return 0;
}

/*
 * The model's programs as native code (jit.h), when a compiler and a
 * cache are at hand; otherwise, or with TWIN_JIT=0, the interpreter runs
 * them.  Either gives the same bits.
 */
static void
native(struct model *m)
{
	static const char *const names[5] = { "twin_rhs", "twin_jac",
		"twin_out", "twin_pjac", "twin_osens" };
	const struct prog *p[5] = { m->rhsprog, m->jacprog, m->outprog,
		m->pjacprog, m->osensprog };
	struct twin_err err;
	char *src = NULL;
	size_t len = 0;
	FILE *f;
	int i, rc = 0;

	if (!jit_enabled() || (f = open_memstream(&src, &len)) == NULL)
		return;
	fputs(prog_c_prelude, f);
	for (i = 0; i < 5; i++)
		rc |= prog_emit_c(p[i], names[i], f);
	if (fclose(f) == 0 && rc == 0)
		m->jit = jit_load(src, 5, names, m->native, &err);
	free(src);
}

static void
scope_free(struct scope *sc)
{
	int i;

	for (i = 0; i < sc->ni; i++)
		enode_free(sc->itree[i]);
	for (i = 0; i < sc->np; i++)
		enode_free(sc->ptree[i]);
	free(sc->itree);
	free(sc->ptree);
	free(sc->derived);
}

int
model_finish(struct model *m, struct twin_err *err)
{
	struct builder *b = m->b;
	struct scope sc;
	int i, k;

	if (b == NULL)
		return 0;
	if (count(b, DEF_STATE) == 0) {
		twin_error(err, "model has no compartments");
		return where(err, m, m->path, 0, 0);
	}
	if (layout(m, err) < 0 || finish_routes(m, err) < 0 ||
	    finish_bounds(m, err) < 0)
		return -1;
	memset(&sc, 0, sizeof(sc));
	sc.m = m;
	sc.derived0 = m->der0;
	sc.derived = calloc(count(b, DEF_DERIVED) + 1, sizeof(char *));
	if (sc.derived == NULL)
		return twin_nomem(err);
	for (i = 0, k = 0; i < b->n; i++)
		if (b->def[i].kind == DEF_DERIVED)
			sc.derived[k++] = b->def[i].name;
	if (compile_static(m, &sc, err) < 0)
		goto fail;
	sc.stage = ST_DYN;
	sc.limit = m->out0;
	sc.nderived = 0;
	if (compile_dynamics(m, &sc, err) < 0 ||
	    compile_partials(m, &sc, err) < 0)
		goto fail;
	if (m->solver == ODE_EXACT && !m->linear) {
		twin_errork(err, TWIN_EINPUT, "solver: exact, but the model "
		    "is not linear in its states (or uses time)");
		where(err, m, m->path, m->solverline, m->solvercol);
		goto fail;
	}
	if (finish_error_dv(m, err) < 0)
		goto fail;
	scope_free(&sc);
	builder_free(m->b);
	m->b = NULL;
	native(m);
	return 0;
fail:
	scope_free(&sc);
	return -1;
}

void
model_eval_rhs(const struct model *m, double *v, double *ydot)
{
	if (m->jit)
		m->native[0](v, ydot);
	else
		prog_eval(m->rhsprog, v, ydot);
}

void
model_eval_jac(const struct model *m, double *v, double *vals)
{
	if (m->jit)
		m->native[1](v, vals);
	else
		prog_eval(m->jacprog, v, vals);
}

void
model_eval_outputs(const struct model *m, double *v)
{
	if (m->jit)
		m->native[2](v, NULL);
	else
		prog_eval(m->outprog, v, NULL);
}

void
model_eval_pjac(const struct model *m, double *v, double *vals)
{
	if (m->jit)
		m->native[3](v, vals);
	else
		prog_eval(m->pjacprog, v, vals);
}

void
model_eval_osens(const struct model *m, double *v, double *vals)
{
	if (m->jit)
		m->native[4](v, vals);
	else
		prog_eval(m->osensprog, v, vals);
}

void
model_eval_inddp(const struct model *m, double *v, double *vals)
{
	prog_eval(m->inddprog, v, vals);
}

void
model_eval_propdp(const struct model *m, double *v, double *vals)
{
	prog_eval(m->propdprog, v, vals);
}
