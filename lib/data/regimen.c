/*
 * regimen.c - dosing regimens: a recursive-descent parser over the bytes
 * of the text (words, numbers and units may be written together, as in
 * "q12h" or "1000mg"), a model-independent check of each part, and the
 * expansion into dose records for one individual.
 *
 * Internally times are in seconds and amounts in the unit as written:
 * the usual values (12 h, 90 min, 1000 mg) then convert exactly.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/num.h"
#include "data/regimen.h"
#include "util/units.h"

#define DAY		86400.0
#define MAXTEXT		65536
#define MAXWT		500.0

enum family { FAM_MASS, FAM_INSULIN, FAM_SUBST };

static const struct unit {
	const char *name;
	enum family fam;
	double f;		/* in the family's smallest unit */
} units[] = {
	{ "ng", FAM_MASS, 1 }, { "ug", FAM_MASS, 1e3 },
	{ "mcg", FAM_MASS, 1e3 }, { "mg", FAM_MASS, 1e6 },
	{ "g", FAM_MASS, 1e9 }, { "kg", FAM_MASS, 1e12 },
	{ "mU", FAM_INSULIN, 1 }, { "U", FAM_INSULIN, 1e3 },
	{ "IU", FAM_INSULIN, 1e3 },
	{ "nmol", FAM_SUBST, 1 }, { "umol", FAM_SUBST, 1e3 },
	{ "mmol", FAM_SUBST, 1e6 }, { "mol", FAM_SUBST, 1e9 },
};
#define NUNIT	((int)(sizeof(units) / sizeof(units[0])))
#define UNITLIST "ng, ug, mcg, mg, g, kg, mU, U, IU, nmol, umol, mmol, mol"

/* The unit of "daily" in messages */
#define H_UNIT	time_unit_find("h", 1, 0)

enum label { L_NONE, L_LOAD, L_MEAL, L_BASAL, L_BOLUS };

/* Clause keywords; the order is that of the kw[] table. */
enum kw { K_Q, K_EVERY, K_DAILY, K_X, K_FOR, K_UNTIL, K_FROM, K_AT,
    K_OVER, K_RATE, NKW };
static const char *const kw[NKW] = {
	"q", "every", "daily", "x", "for", "until", "from", "at", "over",
	"rate"
};

/* How a part gives its doses, which decides where a "then" part starts. */
enum kind { P_SINGLE, P_REPEAT, P_CONT };

/* Where a token or clause is in the text, for messages. */
struct span {
	size_t at, len;
};

struct amount {
	double x;		/* as written */
	char *by;		/* "by NAME": the individual's column, or NULL */
	int unit;		/* units[] */
	int perkg;
	double per;		/* seconds of the rate's time unit, 0: dose */
	struct span sp;
};

struct part {
	int then;
	struct span thensp;
	enum label label;
	struct amount dose;
	char *route;		/* NULL: none */
	struct span routesp;
	enum kind kind;
	double ii;		/* interval, s; 0 if none */
	const struct time_unit *iiunit;	/* of the interval as written */
	long x;			/* 0 if not given */
	double dur;		/* "for", s; 0 if not given */
	double until, from;	/* s */
	int *clock;		/* seconds of the day */
	int nclock;
	double over;		/* s; 0 if not given */
	const struct time_unit *overunit;
	struct amount rate;	/* x 0 if not given */
	struct span cl[NKW];	/* the clauses given, len 0 if not */
	char *by;		/* bolus by NAME at meals: the column */
	struct span bysp;
};

struct regimen {
	char *text;		/* a copy, for messages at expansion */
	char *flat;		/* the same, white space runs one space */
	int npart;
	struct part *part;
};

struct parser {
	const char *s;
	size_t i;
	struct twin_err *err;
	char tb[48];		/* the token quoted in a message */
};

static int
isdig(int c)
{
	return c >= '0' && c <= '9';
}

static int
isalph(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
isspc(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t
alphalen(const char *s)
{
	size_t n = 0;

	while (isalph((unsigned char)s[n]))
		n++;
	return n;
}

static size_t
identlen(const char *s)
{
	size_t n = 0;

	if (!isalph((unsigned char)s[0]))
		return 0;
	while (isalph((unsigned char)s[n]) || isdig((unsigned char)s[n]) ||
	    s[n] == '_')
		n++;
	return n;
}

static size_t
numlen(const char *s)
{
	size_t n = 0, d = 0;

	if (s[n] == '+' || s[n] == '-')
		n++;
	for (; isdig((unsigned char)s[n]); n++)
		d++;
	if (s[n] == '.')
		for (n++; isdig((unsigned char)s[n]); n++)
			d++;
	if (d == 0)
		return 0;
	/* An exponent only if digits follow: "2e" is 2 and a word. */
	if (s[n] == 'e' || s[n] == 'E') {
		size_t k = n + 1;

		if (s[k] == '+' || s[k] == '-')
			k++;
		if (isdig((unsigned char)s[k])) {
			while (isdig((unsigned char)s[k]))
				k++;
			n = k;
		}
	}
	return n;
}

static int
word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && strncmp(s, w, n) == 0;
}

static int
keyword(const char *s, size_t n)
{
	int k;

	for (k = 0; k < NKW; k++)
		if (word_is(s, n, kw[k]))
			return k;
	return -1;
}

static int
unit_find(const char *s, size_t n)
{
	int u;

	for (u = 0; u < NUNIT; u++)
		if (word_is(s, n, units[u].name))
			return u;
	return -1;
}


/* The token at s + at for a message: "..." quoted, or end of text. */
static const char *
tok(struct parser *p, size_t at)
{
	const char *s = p->s;
	char *buf = p->tb;
	size_t n, sz = sizeof(p->tb);
	int c = (unsigned char)s[at];

	if (c == '\0')
		return "end of text";
	if (c <= ' ' || c == 0x7f) {
		snprintf(buf, sz, "byte 0x%02x", c);
		return buf;
	}
	n = 1;
	if (c != ';' && c != ',')
		while (n < 32 && (unsigned char)s[at + n] > ' ' &&
		    s[at + n] != 0x7f && s[at + n] != ';' && s[at + n] != ',')
			n++;
	snprintf(buf, sz, "\"%.*s\"", (int)n, s + at);
	return buf;
}

static int
colerr(struct twin_err *err, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "column N: message", N 1-based. */
static int
colerr(struct twin_err *err, size_t at, const char *fmt, ...)
{
	char msg[sizeof(err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return twin_error(err, "column %zu: %s", at + 1, msg);
}

static void
skipws(struct parser *p)
{
	while (isspc((unsigned char)p->s[p->i]))
		p->i++;
}

/* Convert the n bytes at s as a number. */
static int
getnum(struct parser *p, size_t at, size_t n, double *x)
{
	char buf[128];

	if (n >= sizeof(buf))
		return colerr(p->err, at, "number \"%.20s...\" is too long",
		    p->s + at);
	memcpy(buf, p->s + at, n);
	buf[n] = '\0';
	if (twin_strtod(buf, x) == -1)
		return colerr(p->err, at, "number \"%s\" is out of range", buf);
	return 0;
}

/*
 * A time unit after a number (blanks allowed), or -1 with an error
 * naming what the number was for.
 */
static int
parse_tunit(struct parser *p, struct span num, const struct time_unit **u)
{
	size_t n;

	skipws(p);
	n = alphalen(p->s + p->i);
	if (n == 0)
		return colerr(p->err, p->i, "\"%.*s\" needs a time unit such "
		    "as h or d, got %s", (int)num.len, p->s + num.at,
		    tok(p, p->i));
	if ((*u = time_unit_find(p->s + p->i, n, 1)) == NULL)
		return colerr(p->err, p->i, "unknown time unit \"%.*s\" "
		    "(min, h, d, w)", (int)n, p->s + p->i);
	p->i += n;
	return 0;
}

/*
 * number timeunit, in seconds.  what names it in messages ("duration");
 * positive: it must be > 0.
 */
static int
parse_time(struct parser *p, const char *what, int positive, double *sec,
    const struct time_unit **unit)
{
	const struct time_unit *u;
	struct span num;
	double x;

	skipws(p);
	num.at = p->i;
	if ((num.len = numlen(p->s + p->i)) == 0)
		return colerr(p->err, p->i, "expected a %s such as \"12h\", "
		    "got %s", what, tok(p, p->i));
	if (getnum(p, num.at, num.len, &x) == -1)
		return -1;
	p->i += num.len;
	if (parse_tunit(p, num, &u) == -1)
		return -1;
	if (positive && !(x > 0))
		return colerr(p->err, num.at, "%s must be positive, got "
		    "\"%.*s\"", what, (int)num.len, p->s + num.at);
	*sec = x * u->s;
	if (!isfinite(*sec))
		return colerr(p->err, num.at, "%s \"%.*s\" is out of range",
		    what, (int)num.len, p->s + num.at);
	if (unit != NULL)
		*unit = u;
	return 0;
}

/*
 * number unit [ "/" "kg" ] [ "/" timeunit ]; what: "amount" or "rate".
 */
static char *copy(const char *s, size_t n);

static int
parse_amount(struct parser *p, struct amount *a, const char *what)
{
	struct span num;
	size_t n;
	const struct time_unit *tu;

	skipws(p);
	num.at = a->sp.at = p->i;
	n = alphalen(p->s + p->i);
	if (word_is(p->s + p->i, n, "by") && what[0] == 'a') {
		/* "by NAME unit": the number is the individual's column */
		p->i += n;
		skipws(p);
		if ((n = identlen(p->s + p->i)) == 0 || isdig(p->s[p->i]))
			return colerr(p->err, p->i, "expected a column after "
			    "\"by\", got %s", tok(p, p->i));
		if ((a->by = copy(p->s + p->i, n)) == NULL)
			return twin_nomem(p->err);
		p->i += n;
		num.len = p->i - num.at;
		a->x = 1;
		goto unit;
	}
	if ((num.len = numlen(p->s + p->i)) == 0)
		return colerr(p->err, p->i, "expected %s %s such as \"%s\", "
		    "got %s", what[0] == 'a' ? "an" : "a", what,
		    what[0] == 'a' ? "1000 mg" : "1 g/h",
		    tok(p, p->i));
	if (getnum(p, num.at, num.len, &a->x) == -1)
		return -1;
	if (!(a->x > 0))
		return colerr(p->err, num.at, "%s must be positive, got \"%.*s\"",
		    what, (int)num.len, p->s + num.at);
	p->i += num.len;
unit:
	skipws(p);
	n = alphalen(p->s + p->i);
	if (n == 0)
		return colerr(p->err, p->i, "\"%.*s\" needs a unit such as mg "
		    "or U, got %s", (int)num.len, p->s + num.at,
		    tok(p, p->i));
	if ((a->unit = unit_find(p->s + p->i, n)) < 0)
		return colerr(p->err, p->i, "unknown unit \"%.*s\" (units: %s)",
		    (int)n, p->s + p->i, UNITLIST);
	p->i += n;
	a->sp.len = p->i - a->sp.at;
	skipws(p);
	if (p->s[p->i] != '/')
		return 0;
	p->i++;
	skipws(p);
	n = alphalen(p->s + p->i);
	if (word_is(p->s + p->i, n, "kg")) {
		a->perkg = 1;
		p->i += n;
		a->sp.len = p->i - a->sp.at;
		skipws(p);
		if (p->s[p->i] != '/')
			return 0;
		p->i++;
		skipws(p);
		n = alphalen(p->s + p->i);
	}
	if (n == 0 || (tu = time_unit_find(p->s + p->i, n, 1)) == NULL)
		return colerr(p->err, p->i, "expected %sa time unit such as h "
		    "after \"/\", got %s", a->perkg ? "" : "kg or ",
		    tok(p, p->i));
	p->i += n;
	a->per = tu->s;
	a->sp.len = p->i - a->sp.at;
	return 0;
}

/* H:MM or HH:MM as seconds of the day. */
static int
parse_clock(struct parser *p, int *sec)
{
	const char *s;
	size_t n;
	int h, m;

	skipws(p);
	s = p->s + p->i;
	for (n = 0; isdig((unsigned char)s[n]); n++)
		;
	if (n < 1 || n > 2 || s[n] != ':' ||
	    !isdig((unsigned char)s[n + 1]) ||
	    !isdig((unsigned char)s[n + 2]) ||
	    isdig((unsigned char)s[n + 3]))
		return colerr(p->err, p->i, "expected a clock time such as "
		    "07:00, got %s", tok(p, p->i));
	h = n == 1 ? s[0] - '0' : (s[0] - '0') * 10 + s[1] - '0';
	m = (s[n + 1] - '0') * 10 + s[n + 2] - '0';
	if (h > 23 || m > 59)
		return colerr(p->err, p->i, "clock time \"%.*s\" is not between "
		    "00:00 and 23:59", (int)n + 3, s);
	p->i += n + 3;
	*sec = h * 3600 + m * 60;
	return 0;
}

static int
parse_clocks(struct parser *p, struct part *pt)
{
	int *c, i, sec = 0;

	for (;;) {
		size_t at;

		skipws(p);
		at = p->i;
		if (parse_clock(p, &sec) == -1)
			return -1;
		for (i = 0; i < pt->nclock; i++)
			if (pt->clock[i] == sec)
				return colerr(p->err, at, "clock time \"%.*s\" "
				    "is given twice", (int)(p->i - at),
				    p->s + at);
		c = realloc(pt->clock, (pt->nclock + 1) * sizeof(*c));
		if (c == NULL)
			return twin_nomem(p->err);
		pt->clock = c;
		pt->clock[pt->nclock++] = sec;
		skipws(p);
		if (p->s[p->i] != ',')
			return 0;
		p->i++;
	}
}

/* "x" integer */
static int
parse_count(struct parser *p, struct part *pt)
{
	size_t at, n, k;
	long v = 0;

	skipws(p);
	at = p->i;
	for (n = 0; isdig((unsigned char)p->s[at + n]); n++)
		;
	k = numlen(p->s + at);
	if (n == 0 || k != n)
		return colerr(p->err, at, "\"x\" needs a whole number of "
		    "doses, got %s", tok(p, at));
	for (k = 0; k < n; k++) {
		v = v * 10 + (p->s[at + k] - '0');
		if (v > REG_MAXDOSES)
			return colerr(p->err, at, "x %.*s is more than %d "
			    "doses", (int)n, p->s + at, REG_MAXDOSES);
	}
	if (v < 1)
		return colerr(p->err, at, "\"x\" needs at least 1 dose, got "
		    "\"%.*s\"", (int)n, p->s + at);
	p->i += n;
	pt->x = v;
	return 0;
}

/* The clause starting with keyword k (already seen at p->i, n bytes). */
static int
parse_clause(struct parser *p, struct part *pt, int k, size_t n)
{
	static const int group[NKW] = { 1, 1, 1, 2, 2, 2, 3, 4, 5, 5 };
	static const char *const gname[] = { "", "the interval", "the end",
	    "the start", "the clock times", "the infusion" };
	size_t at = p->i;
	int j;

	p->i += n;
	switch (k) {
	case K_Q:
	case K_EVERY:
		skipws(p);
		if (numlen(p->s + p->i) == 0) {
			const struct time_unit *u;

			/* "every day" */
			n = alphalen(p->s + p->i);
			if (n == 0 || (u = time_unit_find(p->s + p->i, n, 1)) ==
			    NULL)
				return colerr(p->err, p->i, "expected an "
				    "interval such as \"12h\", got %s",
				    tok(p, p->i));
			p->i += n;
			pt->ii = u->s;
			pt->iiunit = u;
			break;
		}
		if (parse_time(p, "interval", 1, &pt->ii, &pt->iiunit) == -1)
			return -1;
		break;
	case K_DAILY:
		pt->ii = DAY;
		pt->iiunit = H_UNIT;
		break;
	case K_X:
		if (parse_count(p, pt) == -1)
			return -1;
		break;
	case K_FOR:
		if (parse_time(p, "duration", 1, &pt->dur, NULL) == -1)
			return -1;
		break;
	case K_UNTIL:
		if (parse_time(p, "time", 0, &pt->until, NULL) == -1)
			return -1;
		break;
	case K_FROM:
		if (parse_time(p, "time", 0, &pt->from, NULL) == -1)
			return -1;
		break;
	case K_AT:
		if (parse_clocks(p, pt) == -1)
			return -1;
		break;
	case K_OVER:
		if (parse_time(p, "duration", 1, &pt->over, &pt->overunit) ==
		    -1)
			return -1;
		break;
	case K_RATE:
		if (parse_amount(p, &pt->rate, "rate") == -1)
			return -1;
		if (pt->rate.per == 0)
			return colerr(p->err, pt->rate.sp.at, "rate \"%.*s\" "
			    "needs a time unit, such as \"1 g/h\"",
			    (int)pt->rate.sp.len, p->s + pt->rate.sp.at);
		break;
	}
	for (j = 0; j < NKW; j++)
		if (pt->cl[j].len > 0 && group[j] == group[k])
			return colerr(p->err, at, "\"%.*s\" and \"%.*s\" both "
			    "give %s; keep one", (int)pt->cl[j].len,
			    p->s + pt->cl[j].at, (int)(p->i - at), p->s + at,
			    gname[group[k]]);
	pt->cl[k].at = at;
	pt->cl[k].len = p->i - at;
	return 0;
}

/* Print a number of seconds in time unit u into buf (TWIN_NUMBUF). */
static const char *
in_unit(double sec, const struct time_unit *u, char *buf)
{
	twin_dtoa(sec / u->s, buf);
	return buf;
}

/* The interval's unit for messages: as written, h for daily. */
static const struct time_unit *
iiunit(const struct part *pt)
{
	return pt->cl[K_Q].len > 0 || pt->cl[K_EVERY].len > 0 ?
	    pt->iiunit : H_UNIT;
}

/* The first clause given of those listed, as a span; len 0 if none. */
static struct span
first_of(const struct part *pt, const int *k, int nk)
{
	struct span none = { 0, 0 };
	int i;

	for (i = 0; i < nk; i++)
		if (pt->cl[k[i]].len > 0)
			return pt->cl[k[i]];
	return none;
}

/* "infusion of 13 h is longer than the 12 h interval" */
static int
too_long(struct twin_err *err, size_t at, double dur,
    const struct time_unit *durunit, double ii, const struct time_unit *iiu)
{
	char a[TWIN_NUMBUF], b[TWIN_NUMBUF];

	return colerr(err, at, "infusion of %s %s is longer than the %s %s "
	    "interval", in_unit(dur, durunit, a), durunit->abbr,
	    in_unit(ii, iiu, b), iiu->abbr);
}

/* A continuous infusion: an end, and nothing that repeats or infuses. */
static int
check_cont(struct parser *p, struct part *pt, struct span se)
{
	static const int notcont[] = { K_Q, K_EVERY, K_DAILY, K_X, K_AT,
	    K_OVER, K_RATE };
	const struct span *d = &pt->dose.sp;
	int i;

	for (i = 0; i < (int)(sizeof(notcont) / sizeof(notcont[0])); i++) {
		struct span s = pt->cl[notcont[i]];

		if (s.len > 0)
			return colerr(p->err, s.at, "\"%.*s\" does not apply "
			    "to a continuous infusion such as \"%.*s\"",
			    (int)s.len, p->s + s.at, (int)d->len,
			    p->s + d->at);
	}
	if (se.len == 0)
		return colerr(p->err, d->at, "continuous infusion \"%.*s\" "
		    "needs an end: for DURATION or until TIME", (int)d->len,
		    p->s + d->at);
	pt->kind = P_CONT;
	return 0;
}

/* Doses: interval and end go together, the infusion is one of two. */
static int
check_dose(struct parser *p, struct part *pt, struct span si, struct span se)
{
	const struct span *d = &pt->dose.sp;

	if (pt->label == L_BASAL)
		return colerr(p->err, d->at, "basal needs a rate such as "
		    "\"1.2 U/h\", got \"%.*s\"", (int)d->len, p->s + d->at);
	if (se.len > 0 && si.len == 0 && pt->nclock == 0)
		return colerr(p->err, se.at, "\"%.*s\" needs an interval "
		    "(q12h or daily)", (int)se.len, p->s + se.at);
	if (si.len > 0 && se.len == 0)
		return colerr(p->err, si.at, "\"%.*s\" needs an end: x N, "
		    "for DURATION or until TIME", (int)si.len, p->s + si.at);
	if (si.len > 0 && pt->nclock > 0 && fmod(pt->ii, DAY) != 0)
		return colerr(p->err, si.at, "\"%.*s\": clock times repeat "
		    "every whole number of days", (int)si.len, p->s + si.at);
	if (pt->nclock > 0 && se.len > 0 && si.len == 0) {
		pt->ii = DAY;		/* daily is implied */
		pt->iiunit = H_UNIT;
	}
	pt->kind = se.len > 0 ? P_REPEAT : P_SINGLE;
	if (pt->cl[K_OVER].len > 0 && pt->cl[K_RATE].len > 0)
		return colerr(p->err, pt->cl[K_RATE].at, "\"%.*s\" and "
		    "\"%.*s\" both give the infusion; keep one",
		    (int)pt->cl[K_OVER].len, p->s + pt->cl[K_OVER].at,
		    (int)pt->cl[K_RATE].len, p->s + pt->cl[K_RATE].at);
	if (pt->cl[K_RATE].len > 0 &&
	    units[pt->rate.unit].fam != units[pt->dose.unit].fam)
		return colerr(p->err, pt->rate.sp.at, "rate unit %s does not "
		    "convert to the dose's %s", units[pt->rate.unit].name,
		    units[pt->dose.unit].name);
	if (pt->kind == P_REPEAT && pt->over > pt->ii)
		return too_long(p->err, pt->cl[K_OVER].at, pt->over,
		    pt->overunit, pt->ii, iiunit(pt));
	return 0;
}

/* Checks that need no model; decides the kind of part. */
static int
check_part(struct parser *p, struct part *pt, const struct part *prev)
{
	static const int ivl[] = { K_Q, K_EVERY, K_DAILY };
	static const int end[] = { K_X, K_FOR, K_UNTIL };
	struct span si, se;

	si = first_of(pt, ivl, 3);
	se = first_of(pt, end, 3);
	if (pt->dose.per > 0) {
		if (check_cont(p, pt, se) == -1)
			return -1;
	} else if (check_dose(p, pt, si, se) == -1)
		return -1;
	if (pt->route == NULL && pt->label != L_MEAL)
		return colerr(p->err, pt->dose.sp.at + pt->dose.sp.len,
		    "no route for \"%.*s\": give one such as iv, po or sc "
		    "after the amount", (int)pt->dose.sp.len,
		    p->s + pt->dose.sp.at);
	if (pt->then && pt->cl[K_FROM].len == 0 && prev->kind == P_SINGLE &&
	    pt->ii == 0 && pt->nclock == 0)
		return colerr(p->err, pt->thensp.at, "then: cannot tell when "
		    "the part starts; give from TIME");
	return 0;
}

static char *
copy(const char *s, size_t n)
{
	char *c;

	if ((c = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(c, s, n);
	c[n] = '\0';
	return c;
}

/*
 * "bolus by NAME ROUTE at meals": an insulin bolus with each meal of the
 * regimen, the meal's carbohydrate (g) divided by the individual's NAME
 * (a carbohydrate ratio, g/U).
 */
static int
parse_bolus_by(struct parser *p, struct part *pt, size_t n)
{
	size_t at = p->i;

	pt->label = L_BOLUS;
	pt->kind = P_SINGLE;
	pt->dose.sp.at = at;
	pt->dose.sp.len = n;
	p->i += n;
	skipws(p);
	n = alphalen(p->s + p->i);
	if (!word_is(p->s + p->i, n, "by"))
		return colerr(p->err, p->i, "expected \"by\" and a column "
		    "(bolus by CR sc at meals), got %s", tok(p, p->i));
	p->i += n;
	skipws(p);
	if ((n = identlen(p->s + p->i)) == 0 || isdig(p->s[p->i]))
		return colerr(p->err, p->i, "expected the column of the "
		    "carbohydrate ratio (g/U) after \"by\", got %s",
		    tok(p, p->i));
	pt->bysp.at = p->i;
	pt->bysp.len = n;
	if ((pt->by = copy(p->s + p->i, n)) == NULL)
		return twin_nomem(p->err);
	p->i += n;
	skipws(p);
	n = alphalen(p->s + p->i);
	if (n == 0 || keyword(p->s + p->i, n) >= 0)
		return colerr(p->err, p->i, "expected the insulin's route "
		    "(bolus by %s sc at meals), got %s", pt->by,
		    tok(p, p->i));
	n = identlen(p->s + p->i);
	pt->routesp.at = p->i;
	pt->routesp.len = n;
	if ((pt->route = copy(p->s + p->i, n)) == NULL)
		return twin_nomem(p->err);
	p->i += n;
	skipws(p);
	n = alphalen(p->s + p->i);
	if (!word_is(p->s + p->i, n, "at"))
		return colerr(p->err, p->i, "expected \"at meals\", got %s",
		    tok(p, p->i));
	p->i += n;
	skipws(p);
	n = alphalen(p->s + p->i);
	if (!word_is(p->s + p->i, n, "meals"))
		return colerr(p->err, p->i, "expected \"meals\", got %s",
		    tok(p, p->i));
	p->i += n;
	skipws(p);
	if (p->s[p->i] != '\0' && p->s[p->i] != ';')
		return colerr(p->err, p->i, "a bolus at meals takes no "
		    "clause, got %s", tok(p, p->i));
	return 0;
}

static int
parse_part(struct parser *p, struct part *pt, const struct part *prev)
{
	size_t n, labelat = 0;

	skipws(p);
	n = alphalen(p->s + p->i);
	if (word_is(p->s + p->i, n, "then")) {
		if (prev == NULL)
			return colerr(p->err, p->i, "\"then\" needs a part "
			    "before it");
		if (prev->label == L_BOLUS)
			return colerr(p->err, p->i, "\"then\" cannot follow "
			    "a bolus at meals");
		pt->then = 1;
		pt->thensp.at = p->i;
		pt->thensp.len = n;
		p->i += n;
		skipws(p);
		n = alphalen(p->s + p->i);
	}
	if (word_is(p->s + p->i, n, "bolus")) {
		if (pt->then)
			return colerr(p->err, pt->thensp.at, "a bolus by a "
			    "column at meals follows the meals, not \"then\"");
		return parse_bolus_by(p, pt, n);
	}
	if (word_is(p->s + p->i, n, "load"))
		pt->label = L_LOAD;
	else if (word_is(p->s + p->i, n, "meal"))
		pt->label = L_MEAL;
	else if (word_is(p->s + p->i, n, "basal"))
		pt->label = L_BASAL;
	if (pt->label != L_NONE) {
		labelat = p->i;
		p->i += n;
	}
	if (parse_amount(p, &pt->dose, "amount") == -1)
		return -1;
	skipws(p);
	n = alphalen(p->s + p->i);
	if (n > 0 && keyword(p->s + p->i, n) < 0) {
		n = identlen(p->s + p->i);
		pt->routesp.at = p->i;
		pt->routesp.len = n;
		if ((pt->route = copy(p->s + p->i, n)) == NULL)
			return twin_nomem(p->err);
		p->i += n;
	}
	for (;;) {
		int k;

		skipws(p);
		if (p->s[p->i] == '\0' || p->s[p->i] == ';')
			break;
		n = alphalen(p->s + p->i);
		if ((k = keyword(p->s + p->i, n)) < 0) {
			if (word_is(p->s + p->i, n, "then"))
				return colerr(p->err, p->i, "\"then\" starts "
				    "a new part: put \";\" before it");
			if (n > 0 && pt->route == NULL)
				return colerr(p->err, p->i, "unknown clause "
				    "%s (a route goes right after the amount)",
				    tok(p, p->i));
			return colerr(p->err, p->i, "expected a clause such as "
			    "q12h, daily, x14, for 7d, at 07:00 or over 1h, "
			    "got %s", tok(p, p->i));
		}
		if (parse_clause(p, pt, k, n) == -1)
			return -1;
	}
	if (pt->label == L_MEAL && pt->route == NULL) {
		if ((pt->route = copy("meal", 4)) == NULL)
			return twin_nomem(p->err);
		pt->routesp.at = labelat;
		pt->routesp.len = 4;
	}
	return check_part(p, pt, prev);
}

void
regimen_free(struct regimen *r)
{
	int i;

	if (r == NULL)
		return;
	for (i = 0; i < r->npart; i++) {
		free(r->part[i].route);
		free(r->part[i].clock);
		free(r->part[i].by);
		free(r->part[i].dose.by);
	}
	free(r->part);
	free(r->text);
	free(r->flat);
	free(r);
}

struct regimen *
regimen_parse(const char *text, struct twin_err *err)
{
	struct parser p;
	struct regimen *r;
	struct part *pt;
	size_t len;

	if (text == NULL) {
		twin_error(err, "no regimen");
		return NULL;
	}
	len = strlen(text);
	if (len > MAXTEXT) {
		twin_error(err, "regimen is too long (%zu bytes, at most %d)",
		    len, MAXTEXT);
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->text = copy(text, len)) == NULL ||
	    (r->flat = copy(text, len)) == NULL) {
		twin_nomem(err);
		regimen_free(r);
		return NULL;
	} else {
		/* one line, one field of a table: runs of white space
		 * (the line breaks of a long regimen) become one space */
		char *o = r->flat;
		const char *q;

		for (q = text; *q; q++) {
			if (isspace((unsigned char)*q)) {
				if (o > r->flat && o[-1] != ' ')
					*o++ = ' ';
			} else
				*o++ = *q;
		}
		while (o > r->flat && o[-1] == ' ')
			o--;
		*o = '\0';
	}
	p.s = r->text;
	p.i = 0;
	p.err = err;
	for (;;) {
		pt = realloc(r->part, (r->npart + 1) * sizeof(*pt));
		if (pt == NULL) {
			twin_nomem(err);
			goto fail;
		}
		r->part = pt;
		pt = &r->part[r->npart++];
		memset(pt, 0, sizeof(*pt));
		if (parse_part(&p, pt, r->npart > 1 ? pt - 1 : NULL) == -1)
			goto fail;
		if (p.s[p.i] == '\0')
			return r;
		p.i++;		/* ';' */
	}
fail:
	regimen_free(r);
	return NULL;
}

/*
 * Expansion.
 */

struct rec {
	struct reg_dose d;
	int seq;
	double grams;		/* a meal's carbohydrate, g; NaN if not a meal */
};

struct expander {
	const struct regimen *r;
	const struct reg_context *ctx;
	struct twin_err *err;
	double tu;		/* seconds per model time unit */
	int mu_model;		/* units[] of the model's amounts, -1 */
	int mu;			/* of the current part's route, -1 */
	struct rec *rec;
	int n;
};

static int
cmp_rec(const void *pa, const void *pb)
{
	const struct rec *a = pa, *b = pb;

	if (a->d.time != b->d.time)
		return a->d.time < b->d.time ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

/*
 * An amount (or rate) of part pt in the model's unit (per model time unit
 * for a rate).  to: the unit to convert to when the model has none.
 */
static int
convert(struct expander *e, const struct amount *a, int to, double *v)
{
	const struct reg_context *ctx = e->ctx;
	const char *s = e->r->text;
	double x = a->x;

	if (a->by != NULL) {
		x = ctx->column ? ctx->column(ctx->arg, a->by) : NAN;
		if (isnan(x))
			return colerr(e->err, a->sp.at, "amount by %s: the "
			    "individual has no %s", a->by, a->by);
		if (!(x > 0) || !isfinite(x)) {
			char b[TWIN_NUMBUF];

			twin_dtoa(x, b);
			return colerr(e->err, a->sp.at, "amount by %s: %s %s "
			    "is not positive", a->by, a->by, b);
		}
	}
	if (e->mu >= 0)
		to = e->mu;
	if (units[a->unit].fam != units[to].fam)
		return colerr(e->err, a->sp.at, "amount unit %s does not "
		    "convert to the model's %s", units[a->unit].name,
		    units[to].name);
	if (a->perkg) {
		if (isnan(ctx->wt))
			return colerr(e->err, a->sp.at, "dose per kg needs a "
			    "weight: WT is missing");
		if (!(ctx->wt > 0 && ctx->wt <= MAXWT)) {
			char wb[TWIN_NUMBUF];

			twin_dtoa(ctx->wt, wb);
			return colerr(e->err, a->sp.at, "dose per kg needs a "
			    "weight: WT %s kg is out of range (above 0, up "
			    "to 500)", wb);
		}
		x *= ctx->wt;
	}
	x = x * units[a->unit].f / units[to].f;
	if (a->per > 0)
		x = x * e->tu / a->per;
	if (!(x > 0) || !isfinite(x))
		return colerr(e->err, a->sp.at, "\"%.*s\" is out of range in "
		    "the model's units", (int)a->sp.len, s + a->sp.at);
	*v = x;
	return 0;
}

static int
push(struct expander *e, const struct part *pt, double t, double amt,
    double rate, int cmt, double ii, long n)
{
	struct rec *rc;

	/* t and ii are seconds */
	t /= e->tu;
	ii = n > 1 ? ii / e->tu : 0;
	if (!isfinite(t) || !isfinite(amt) || !isfinite(rate) ||
	    !isfinite(ii) || (n > 1 && !(ii > 0)))
		return colerr(e->err, pt->dose.sp.at, "a time of this part is "
		    "out of range");
	rc = &e->rec[e->n];
	rc->d.time = t;
	rc->d.amt = amt;
	rc->d.rate = rate;
	rc->d.cmt = cmt;
	rc->d.ii = ii;
	rc->d.addl = (int)(n - 1);
	rc->grams = NAN;
	if (pt->label == L_MEAL && units[pt->dose.unit].fam ==
	    units[unit_find("g", 1)].fam && pt->dose.per == 0)
		rc->grams = pt->dose.x * units[pt->dose.unit].f /
		    units[unit_find("g", 1)].f * (pt->dose.perkg ? e->ctx->wt :
		    1);
	rc->seq = e->n++;
	return 0;
}

/* Doses t0 + k ii (k >= 0) that start before end, in *n. */
static int
count_before(struct expander *e, const struct part *pt, double t0,
    double ii, double end, long *n)
{
	struct span s = pt->cl[K_FOR].len > 0 ? pt->cl[K_FOR] :
	    pt->cl[K_UNTIL];
	double q;
	long k;

	if (!(end > t0)) {
		*n = 0;
		return 0;
	}
	q = ceil((end - t0) / ii);
	if (!(q <= REG_MAXDOSES + 1.0))
		return colerr(e->err, s.at, "\"%.*s\" gives more than %d "
		    "doses", (int)s.len, e->r->text + s.at, REG_MAXDOSES);
	k = (long)q;
	while (k > 0 && t0 + (k - 1) * ii >= end)
		k--;
	while (k <= REG_MAXDOSES && t0 + k * ii < end)
		k++;
	if (k > REG_MAXDOSES)
		return colerr(e->err, s.at, "\"%.*s\" gives more than %d "
		    "doses", (int)s.len, e->r->text + s.at, REG_MAXDOSES);
	*n = k;
	return 0;
}

/* The first time at or after t (strictly after if strict) at clock c. */
static double
clock_next(double t, double clock0, int c, int strict)
{
	double ph, delta;

	ph = fmod(clock0 * 3600 + t, DAY);
	if (ph < 0)
		ph += DAY;
	if (ph >= DAY)
		ph -= DAY;
	delta = c - ph;
	if (delta < 0 || (strict && delta <= 0))
		delta += DAY;
	return t + delta;
}

static int
no_doses(struct expander *e, const struct part *pt, double start)
{
	struct span s = pt->cl[K_FOR].len > 0 ? pt->cl[K_FOR] :
	    pt->cl[K_UNTIL];
	char b[TWIN_NUMBUF];

	twin_dtoa(start / e->tu, b);
	return colerr(e->err, s.at, "\"%.*s\" gives no doses: the part "
	    "starts at TIME %s", (int)s.len, e->r->text + s.at, b);
}

/*
 * The compartment of part pt's route, and e->mu its amount unit: a route
 * may take another unit than the model's amounts (grams of carbohydrate
 * into a model of insulin units).  -1 with the error for an unknown one.
 */
static int
route_cmt(struct expander *e, const struct part *pt)
{
	const struct reg_context *ctx = e->ctx;
	int cmt;

	if (ctx->route == NULL || (cmt = ctx->route(ctx->arg, pt->route)) < 0)
		return colerr(e->err, pt->routesp.at, "route \"%s\" is not "
		    "declared in the model%s%s%s", pt->route,
		    ctx->routes != NULL ? " (routes: " : "",
		    ctx->routes != NULL ? ctx->routes : "",
		    ctx->routes != NULL ? ")" : "");
	e->mu = e->mu_model;
	if (ctx->route_unit != NULL) {
		const char *u = ctx->route_unit(ctx->arg, pt->route);

		if (u != NULL)
			e->mu = unit_find(u, strlen(u));
	}
	return cmt;
}

/*
 * Expand part pt starting at start (seconds; strict: clock times after
 * it).  Sets *last to its last dose and *next to where a following part
 * starts (its next dose, or the end of a continuous infusion).
 */
static int
expand_part(struct expander *e, const struct part *pt, double start,
    int strict, double *last, double *next)
{
	const struct reg_context *ctx = e->ctx;
	const char *s = e->r->text;
	double amt, rate = 0, end = 0, t, dur;
	long n;
	int cmt, i, any;

	if ((cmt = route_cmt(e, pt)) < 0)
		return -1;
	if (convert(e, &pt->dose, pt->dose.unit, &amt) == -1)
		return -1;
	if (pt->cl[K_FOR].len > 0)
		end = start + pt->dur;
	else if (pt->cl[K_UNTIL].len > 0)
		end = pt->until;
	if (pt->kind == P_CONT) {
		if (!(end > start))
			return no_doses(e, pt, start);
		/* amt is a rate here */
		*last = start;
		*next = end;
		return push(e, pt, start, amt * ((end - start) / e->tu), amt,
		    cmt, 0, 1);
	}
	if (pt->cl[K_OVER].len > 0)
		rate = amt / (pt->over / e->tu);
	else if (pt->cl[K_RATE].len > 0) {
		if (convert(e, &pt->rate, pt->dose.unit, &rate) == -1)
			return -1;
		/* the weight may not cancel: check here, not at parse */
		dur = amt / rate * e->tu;
		if (pt->kind == P_REPEAT && dur > pt->ii * (1 + 1e-12))
			return too_long(e->err, pt->cl[K_RATE].at, dur,
			    iiunit(pt), pt->ii, iiunit(pt));
	}
	if (!isfinite(rate))
		return colerr(e->err, pt->dose.sp.at, "the infusion rate of "
		    "\"%.*s\" is out of range", (int)pt->dose.sp.len,
		    s + pt->dose.sp.at);
	if (pt->nclock > 0 && !(ctx->clock0 >= 0 && ctx->clock0 < 24)) {
		char c0[TWIN_NUMBUF];

		twin_dtoa(ctx->clock0, c0);
		return colerr(e->err, pt->cl[K_AT].at, "the clock time of "
		    "TIME 0 must be in [0, 24) hours, got %s", c0);
	}
	if (pt->nclock == 0) {
		n = 1;
		if (pt->kind == P_REPEAT) {
			if (pt->x > 0)
				n = pt->x;
			else if (count_before(e, pt, start, pt->ii, end, &n) ==
			    -1)
				return -1;
			if (n == 0)
				return no_doses(e, pt, start);
		}
		*last = start + (n - 1) * pt->ii;
		*next = start + n * pt->ii;
		return push(e, pt, start, amt, rate, cmt, pt->ii, n);
	}
	any = 0;
	for (i = 0; i < pt->nclock; i++) {
		double first;

		first = clock_next(start, ctx->clock0, pt->clock[i], strict);
		n = 1;
		if (pt->kind == P_REPEAT) {
			if (pt->x > 0)
				n = pt->x;
			else if (count_before(e, pt, first, pt->ii, end, &n) ==
			    -1)
				return -1;
			if (n == 0)
				continue;
		}
		t = first + (n - 1) * pt->ii;
		if (!any || t > *last)
			*last = t;
		t = first + n * pt->ii;
		if (!any || t < *next)
			*next = t;
		any = 1;
		if (push(e, pt, first, amt, rate, cmt, pt->ii, n) == -1)
			return -1;
	}
	if (!any)
		return no_doses(e, pt, start);
	return 0;
}

/*
 * A bolus part: with each meal record so far, the same times, the meal's
 * carbohydrate (g) divided by the individual's column pt->by (g/U), in
 * the route's unit.
 */
static int
expand_boluses(struct expander *e, const struct part *pt)
{
	const struct reg_context *ctx = e->ctx;
	double ratio, u1;
	int cmt, k, n = e->n, nmeal = 0, uU = unit_find("U", 1);
	struct amount one;

	if ((cmt = route_cmt(e, pt)) < 0)
		return -1;
	ratio = ctx->column ? ctx->column(ctx->arg, pt->by) : NAN;
	if (isnan(ratio))
		return colerr(e->err, pt->bysp.at, "bolus by %s: the "
		    "individual has no %s", pt->by, pt->by);
	if (!(ratio > 0) || !isfinite(ratio))
		return colerr(e->err, pt->bysp.at, "bolus by %s: %s %g is "
		    "not a positive carbohydrate ratio (g/U)", pt->by, pt->by,
		    ratio);
	/* 1 U in the route's unit (e->mu, from route_cmt) */
	memset(&one, 0, sizeof(one));
	one.x = 1;
	one.unit = uU;
	one.sp = pt->dose.sp;
	if (convert(e, &one, uU, &u1) == -1)
		return -1;
	for (k = 0; k < n; k++) {
		struct rec *rc;

		if (isnan(e->rec[k].grams))
			continue;
		nmeal++;
		rc = &e->rec[e->n];
		*rc = e->rec[k];
		rc->d.amt = e->rec[k].grams / ratio * u1;
		rc->d.rate = 0;
		rc->d.cmt = cmt;
		rc->grams = NAN;
		rc->seq = e->n++;
	}
	if (ctx->nmeal > 0) {
		const char *mu = ctx->route_unit ? ctx->route_unit(ctx->arg,
		    "meal") : NULL;
		int u, g = unit_find("g", 1);

		if (mu == NULL)
			mu = ctx->amount_unit;
		u = mu != NULL ? unit_find(mu, strlen(mu)) : -1;
		if (u < 0 || units[u].fam != units[g].fam)
			return colerr(e->err, pt->dose.sp.at, "bolus at meals: "
			    "the records' meals are in \"%s\", not a mass",
			    mu != NULL ? mu : "");
		for (k = 0; k < ctx->nmeal; k++) {
			struct rec *rc = &e->rec[e->n];

			memset(rc, 0, sizeof(*rc));
			rc->d = ctx->meals[k];
			rc->d.amt = ctx->meals[k].amt * units[u].f /
			    units[g].f / ratio * u1;
			rc->d.rate = 0;
			rc->d.cmt = cmt;
			rc->grams = NAN;
			rc->seq = e->n++;
			nmeal++;
		}
	}
	if (nmeal == 0)
		return colerr(e->err, pt->dose.sp.at, "bolus at meals: the "
		    "regimen has no meal in grams");
	return 0;
}

int
regimen_expand(const struct regimen *r, const struct reg_context *ctx,
    struct reg_dose **out, struct twin_err *err)
{
	struct expander e;
	const struct part *pt;
	struct reg_dose *d;
	double start, last = 0, next = 0;
	int i, strict, nrec;

	*out = NULL;
	memset(&e, 0, sizeof(e));
	e.r = r;
	e.ctx = ctx;
	e.err = err;
	e.tu = 3600;
	if (ctx->time_unit != NULL) {
		const struct time_unit *u = time_unit_find(ctx->time_unit,
		    strlen(ctx->time_unit), 0);

		if (u == NULL)
			return twin_error(err, "the model's time unit \"%s\" "
			    "is not one of s, min, h, d, w", ctx->time_unit);
		e.tu = u->s;
	}
	e.mu_model = -1;
	if (ctx->amount_unit != NULL)
		e.mu_model = unit_find(ctx->amount_unit,
		    strlen(ctx->amount_unit));
	nrec = 0;
	for (i = 0; i < r->npart; i++)
		nrec += r->part[i].nclock > 0 ? r->part[i].nclock : 1;
	for (i = 0; i < r->npart; i++)	/* one bolus per meal record */
		if (r->part[i].label == L_BOLUS)
			nrec = 2 * nrec + (ctx->nmeal > 0 ? ctx->nmeal : 0);
	if ((e.rec = calloc(nrec, sizeof(*e.rec))) == NULL)
		return twin_nomem(err);
	for (i = 0; i < r->npart; i++) {
		pt = &r->part[i];
		strict = 0;
		if (pt->label == L_BOLUS)
			continue;
		if (pt->cl[K_FROM].len > 0)
			start = pt->from;
		else if (!pt->then) {
			start = ctx->start * e.tu;
			if (!isfinite(start)) {
				twin_error(err, "the start time is not a "
				    "finite number");
				goto fail;
			}
		} else if (r->part[i - 1].kind != P_SINGLE)
			start = next;
		else if (pt->nclock > 0) {
			start = last;
			strict = 1;
		} else
			start = last + pt->ii;
		if (expand_part(&e, pt, start, strict, &last, &next) == -1)
			goto fail;
	}
	for (i = 0; i < r->npart; i++)
		if (r->part[i].label == L_BOLUS &&
		    expand_boluses(&e, &r->part[i]) == -1)
			goto fail;
	qsort(e.rec, e.n, sizeof(*e.rec), cmp_rec);
	if ((d = calloc(e.n, sizeof(*d))) == NULL) {
		twin_nomem(err);
		goto fail;
	}
	for (i = 0; i < e.n; i++)
		d[i] = e.rec[i].d;
	free(e.rec);
	*out = d;
	return e.n;
fail:
	free(e.rec);
	return -1;
}

int
regimen_has_bolus(const struct regimen *r)
{
	int i;

	for (i = 0; i < r->npart; i++)
		if (r->part[i].label == L_BOLUS)
			return 1;
	return 0;
}

const char *
regimen_text(const struct regimen *r)
{
	return r->flat;
}
