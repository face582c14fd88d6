#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gsl/gsl_cdf.h>

#include "util/num.h"
#include "report/target.h"

struct lex {
	const char *s, *p;
	struct twin_err *err;
};

static int
col(const struct lex *l)
{
	return (int)(l->p - l->s) + 1;
}

static void
skip(struct lex *l)
{
	while (isspace((unsigned char)*l->p))
		l->p++;
}

static int
fail(struct lex *l, const char *what)
{
	const char *e = l->p;

	while (*e && !isspace((unsigned char)*e))
		e++;
	if (e == l->p)
		return twin_error(l->err, "column %d: %s at the end", col(l),
		    what);
	return twin_error(l->err, "column %d: %s, got \"%.*s\"", col(l), what,
	    (int)(e - l->p), l->p);
}

static int
number(struct lex *l, double *x)
{
	char buf[64];
	size_t n = 0;

	skip(l);
	/* digits, sign, point and exponent; ".." ends a number */
	while ((isdigit((unsigned char)l->p[n]) || l->p[n] == '-' ||
	    l->p[n] == '+' || (l->p[n] == '.' && l->p[n + 1] != '.') ||
	    ((l->p[n] == 'e' || l->p[n] == 'E') && n > 0)) &&
	    n < sizeof(buf) - 1) {
		buf[n] = l->p[n];
		n++;
	}
	buf[n] = '\0';
	if (n == 0 || twin_strtod(buf, x) < 0)
		return fail(l, "expected a number");
	l->p += n;
	return 0;
}

static int
accept(struct lex *l, const char *tok)
{
	size_t n = strlen(tok);

	skip(l);
	if (strncmp(l->p, tok, n) != 0)
		return 0;
	l->p += n;
	return 1;
}

static const struct {
	const char *name;
	enum metric_kind kind;
	int minarg, maxarg;
	double def[2];
} metrics[] = {
	{ "trough", MET_TROUGH, 0, 0, { 0, 0 } },
	{ "peak", MET_PEAK, 0, 0, { 0, 0 } },
	{ "cmax", MET_PEAK, 0, 0, { 0, 0 } },
	{ "cmin", MET_CMIN, 0, 0, { 0, 0 } },
	{ "auc24", MET_AUC24, 0, 0, { 0, 0 } },
	{ "auc", MET_AUC, 0, 2, { 0, 0 } },
	{ "cavg", MET_CAVG, 0, 0, { 0, 0 } },
	{ "tir", MET_TIR, 0, 2, { 70, 180 } },
	{ "tbr", MET_TBR, 0, 1, { 70, 0 } },
	{ "tar", MET_TAR, 0, 1, { 180, 0 } },
};

static int
parse_metric(struct lex *l, struct metric *m)
{
	const char *start;
	size_t i, n;

	skip(l);
	start = l->p;
	memset(m, 0, sizeof(*m));
	if (strncasecmp(l->p, "fT>", 3) == 0) {
		l->p += 3;
		m->kind = MET_ABOVE;
		m->narg = 1;
		if (number(l, &m->arg[0]) < 0)
			return -1;
		goto name;
	}
	for (n = 0; isalnum((unsigned char)l->p[n]); n++)
		;
	for (i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++)
		if (strlen(metrics[i].name) == n &&
		    strncasecmp(l->p, metrics[i].name, n) == 0)
			break;
	if (i == sizeof(metrics) / sizeof(metrics[0]))
		return fail(l, "expected a metric (trough, peak, cmax, cmin, "
		    "auc, auc24, cavg, fT>X, tir, tbr, tar)");
	l->p += n;
	m->kind = metrics[i].kind;
	m->arg[0] = metrics[i].def[0];
	m->arg[1] = metrics[i].def[1];
	m->narg = metrics[i].maxarg;
	if (accept(l, "(")) {
		int k = 0;

		if (metrics[i].maxarg == 0)
			return fail(l, "this metric takes no arguments");
		do {
			if (k == metrics[i].maxarg)
				return fail(l, "too many arguments");
			if (number(l, &m->arg[k++]) < 0)
				return -1;
		} while (accept(l, ","));
		if (!accept(l, ")"))
			return fail(l, "expected \")\"");
		if (k < metrics[i].maxarg && metrics[i].minarg == 0 &&
		    m->kind == MET_AUC)
			return fail(l, "auc( wants two times: auc(from, to)");
	} else if (m->kind == MET_AUC)
		m->narg = 0;
	if (m->kind == MET_AUC && m->narg == 2 && !(m->arg[0] < m->arg[1]))
		return twin_error(l->err, "column %d: auc(%g, %g): the window "
		    "is empty", (int)(start - l->s) + 1, m->arg[0],
		    m->arg[1]);
	if (m->kind == MET_TIR && !(m->arg[0] < m->arg[1]))
		return twin_error(l->err, "column %d: tir(%g, %g): the range "
		    "is empty", (int)(start - l->s) + 1, m->arg[0],
		    m->arg[1]);
name:
	for (n = l->p - start; n > 0 && isspace((unsigned char)start[n - 1]);
	    n--)
		;
	if (n >= sizeof(m->name))
		n = sizeof(m->name) - 1;
	memcpy(m->name, start, n);
	m->name[n] = '\0';
	return 0;
}

static int
parse_range(struct lex *l, struct range *r)
{
	double x;

	r->lo = -INFINITY;
	r->hi = INFINITY;
	r->incl_lo = r->incl_hi = 0;
	skip(l);
	if (accept(l, ">=") || accept(l, ">")) {
		r->incl_lo = l->p[-1] == '=';
		return number(l, &r->lo);
	}
	if (accept(l, "<=") || accept(l, "<")) {
		r->incl_hi = l->p[-1] == '=';
		return number(l, &r->hi);
	}
	if (!isdigit((unsigned char)*l->p) && *l->p != '-' && *l->p != '.')
		return fail(l, "expected a range (>= X, <= X, > X, < X or "
		    "A..B)");
	if (number(l, &x) < 0)
		return -1;
	if (!accept(l, ".."))
		return fail(l, "expected \"..\" (a range A..B)");
	r->lo = x;
	if (number(l, &r->hi) < 0)
		return -1;
	if (!(r->lo <= r->hi))
		return twin_error(l->err, "column %d: the range %g..%g is "
		    "empty", col(l), r->lo, r->hi);
	r->incl_lo = r->incl_hi = 1;
	return 0;
}

static int
at_end(struct lex *l)
{
	skip(l);
	return *l->p == '\0';
}

int
target_parse(const char *text, struct target *t, struct twin_err *err)
{
	struct lex l = { text, text, err };

	t->n = 0;
	t->c = NULL;
	do {
		struct condition c;
		void *a;

		if (t->n == TARGET_MAXCOND) {
			twin_error(err, "column %d: at most %d conditions",
			    col(&l), TARGET_MAXCOND);
			goto bad;
		}
		if (parse_metric(&l, &c.m) < 0 || parse_range(&l, &c.r) < 0)
			goto bad;
		if ((a = realloc(t->c, (t->n + 1) * sizeof(c))) == NULL) {
			twin_nomem(err);
			goto bad;
		}
		t->c = a;
		t->c[t->n++] = c;
	} while (accept(&l, ",") || accept(&l, "and "));
	if (!at_end(&l)) {
		fail(&l, "expected \"and\" or the end");
		goto bad;
	}
	return 0;
bad:
	target_free(t);
	return -1;
}

void
target_free(struct target *t)
{
	free(t->c);
	t->c = NULL;
	t->n = 0;
}

int
range_parse(const char *text, struct range *r, struct twin_err *err)
{
	struct lex l = { text, text, err };

	if (parse_range(&l, r) < 0)
		return -1;
	if (!at_end(&l))
		return fail(&l, "expected the end");
	return 0;
}

int
range_holds(const struct range *r, double x)
{
	double lo = r->lo - RANGE_RTOL * fabs(r->lo);
	double hi = r->hi + RANGE_RTOL * fabs(r->hi);

	if (isnan(x))
		return 0;
	if (r->incl_lo ? x < lo : x <= r->lo)
		return 0;
	return r->incl_hi ? x <= hi : x < r->hi;
}

double
range_distance(const struct range *r, double x)
{
	if (range_holds(r, x))
		return 0;
	return x < r->lo ? r->lo - x : x - r->hi;
}

static double
trough(const struct profile *p, double a, double b)
{
	int k, i;

	for (k = p->nd - 1; k >= 0; k--) {
		const struct pdose *d = &p->dose[k];

		if (d->t > b || d->t <= a)
			continue;
		i = d->pre - 1;
		if (i < 0 || p->t[i] < a || (k > 0 && p->t[i] <
		    p->dose[k - 1].t))
			return NAN;
		return p->y[i];
	}
	for (i = p->n - 1; i >= 0 && p->t[i] > b; i--)
		;
	return i >= 0 && p->t[i] >= a ? p->y[i] : NAN;
}

static double
extreme(const struct profile *p, double a, double b, int max)
{
	double x = NAN;
	int i;

	for (i = 0; i < p->n; i++) {
		if (p->t[i] < a || p->t[i] > b)
			continue;
		if (isnan(x) || (max ? p->y[i] > x : p->y[i] < x))
			x = p->y[i];
	}
	return x;
}

double
metric_eval(const struct metric *m, const struct profile *p, double a,
    double b, enum interp in, double hours)
{
	double w;

	if (p->n == 0)
		return NAN;
	if (a < p->t[0])
		a = p->t[0];
	if (b > p->t[p->n - 1])
		b = p->t[p->n - 1];
	if (!(a <= b))
		return NAN;
	w = b - a;
	switch (m->kind) {
	case MET_TROUGH:
		return trough(p, a, b);
	case MET_PEAK:
		return extreme(p, a, b, 1);
	case MET_CMIN:
		return extreme(p, a, b, 0);
	case MET_AUC:
		if (m->narg == 2)
			return profile_auc(p, m->arg[0], m->arg[1], in, 0);
		return profile_auc(p, a, b, in, 0);
	case MET_AUC24:
		if (a + 24 * hours > p->t[p->n - 1])
			return NAN;
		return profile_auc(p, a, a + 24 * hours, in, 0);
	case MET_CAVG:
		return w > 0 ? profile_auc(p, a, b, in, 0) / w : NAN;
	case MET_ABOVE:
		return w > 0 ? 100 * profile_time_in(p, a, b, m->arg[0], 0,
		    INFINITY, 0, in) / w : NAN;
	case MET_TIR:
		return w > 0 ? 100 * profile_time_in(p, a, b, m->arg[0], 1,
		    m->arg[1], 1, in) / w : NAN;
	case MET_TBR:
		return w > 0 ? 100 * profile_time_in(p, a, b, -INFINITY, 0,
		    m->arg[0], 0, in) / w : NAN;
	case MET_TAR:
		return w > 0 ? 100 * profile_time_in(p, a, b, m->arg[0], 0,
		    INFINITY, 0, in) / w : NAN;
	}
	return NAN;
}

void
target_ci(long k, long n, double level, double *lo, double *hi)
{
	double a = (1 - level) / 2;

	*lo = k == 0 ? 0 : gsl_cdf_beta_Pinv(a, k, n - k + 1);
	*hi = k == n ? 1 : gsl_cdf_beta_Pinv(1 - a, k + 1, n - k);
}

int
target_eval(const struct target *t, const struct profile *p, double a,
    double b, enum interp in, double hours, double *value)
{
	int k, met = 1, na = 0;

	for (k = 0; k < t->n; k++) {
		const struct condition *c = &t->c[k];

		value[k] = metric_eval(&c->m, p, a, b, in, hours);
		if (isnan(value[k]))
			na = 1;
		else if (!range_holds(&c->r, value[k]))
			met = 0;
	}
	return na ? -1 : met;
}
