#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/table.h"

#define PRETTY_MIN TABLE_PRETTY_MIN

void
table_init(struct table *t, struct outbuf *ob, const struct table_fmt *f)
{
	memset(t, 0, sizeof(*t));
	t->ob = ob;
	if (f != NULL) {
		t->pretty = f->pretty;
		t->digits = f->digits;
		t->unit = f->unit;
		t->unitctx = f->ctx;
	}
}

void
table_like(struct table *t, const struct table *head, struct outbuf *ob)
{
	memset(t, 0, sizeof(*t));
	t->ob = ob;
	t->pretty = head->pretty;
	t->digits = head->digits;
	t->ncol = head->ncol;
	t->width = head->width;	/* cap 0: not ours to free */
}

void
table_free(struct table *t)
{
	if (t->cap > 0)
		free(t->width);
	t->width = NULL;
}

static void
cell(struct table *t, const char *s)
{
	if (t->pretty) {
		int w = t->col < t->ncol ? t->width[t->col] : PRETTY_MIN;
		int n = (int)strlen(s);

		if (t->col > 0)
			ob_putc(t->ob, ' ');
		/* Right-align: numbers line up by their last digit. */
		while (n++ < w)
			ob_putc(t->ob, ' ');
	} else if (t->col > 0)
		ob_putc(t->ob, '\t');
	ob_puts(t->ob, s);
	t->col++;
}

void
table_head(struct table *t, const char *name)
{
	table_head_width(t, name, 0);
}

void
table_head_width(struct table *t, const char *name, int width)
{
	if (t->ncol == t->cap) {
		int cap = t->cap ? 2 * t->cap : 16;
		int *a = realloc(t->width, cap * sizeof(int));

		/* Out of memory: the column gets the least width. */
		if (a == NULL) {
			cell(t, name);
			return;
		}
		t->width = a;
		t->cap = cap;
	}
	t->width[t->ncol] = (int)strlen(name) > PRETTY_MIN ?
	    (int)strlen(name) : PRETTY_MIN;
	if (width > t->width[t->ncol])
		t->width[t->ncol] = width;
	t->ncol++;
	cell(t, name);
}

void
table_text(struct table *t, const char *s)
{
	cell(t, s);
}

void
table_num(struct table *t, double x)
{
	char buf[TWIN_NUMBUF + 8];

	if (isnan(x))
		strcpy(buf, ".");
	else if (t->digits > 0 && x == trunc(x) && fabs(x) < 1e15)
		twin_dtoa(x, buf);	/* a whole number: as it is */
	else if (t->digits > 0)
		table_digits(x, t->digits, buf);
	else if (t->pretty)
		snprintf(buf, sizeof(buf), "%.6g", x);
	else
		twin_dtoa(x, buf);
	cell(t, buf);
}

void
table_int(struct table *t, long x)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", x);
	cell(t, buf);
}

void
table_end_row(struct table *t)
{
	ob_putc(t->ob, '\n');
	t->col = 0;
}

char *
table_digits(double x, int digits, char *buf)
{
	char *e, *dot;

	if (digits < 1)
		digits = 1;
	if (digits > TABLE_DIGITS_MAX)
		digits = TABLE_DIGITS_MAX;
	/* '#' keeps the trailing zeros, and a decimal point. */
	snprintf(buf, TWIN_NUMBUF, "%#.*g", digits, x);
	e = strpbrk(buf, "eE");
	dot = strchr(buf, '.');
	if (dot != NULL && (dot[1] == '\0' || dot + 1 == e))
		memmove(dot, dot + 1, strlen(dot + 1) + 1);
	return buf;
}

/* A field the exact stream wrote as a number with a fraction or an
 * exponent (not a whole number, not text): *x set. */
static int
fraction(const char *s, double *x)
{
	return strpbrk(s, ".eE") != NULL && twin_strtod(s, x) == 0;
}

void
table_line(struct table *t, const char *line, size_t n)
{
	char *s, *f, *next;
	double x;

	if (n > 0 && line[n - 1] == '\r')
		n--;
	if (n == 0 || line[0] == '#') {
		ob_reserve(t->ob, n + 1);
		memcpy(t->ob->p + t->ob->len, line, n);
		t->ob->len += n;
		t->ob->p[t->ob->len] = '\0';
		ob_putc(t->ob, '\n');
		if (n == 0) {
			t->headed = 0;
			t->ncol = 0;
		}
		return;
	}
	if ((s = strndup(line, n)) == NULL) {
		/* out of memory: the line as it is */
		ob_reserve(t->ob, n + 1);
		memcpy(t->ob->p + t->ob->len, line, n);
		t->ob->len += n;
		t->ob->p[t->ob->len] = '\0';
		ob_putc(t->ob, '\n');
		return;
	}
	for (f = s; f != NULL; f = next) {
		if ((next = strchr(f, '\t')) != NULL)
			*next++ = '\0';
		if (!t->headed) {
			const char *u = t->pretty && t->unit != NULL ?
			    t->unit(t->unitctx, f) : NULL;

			if (u != NULL && *u != '\0') {
				char head[512];

				snprintf(head, sizeof(head), "%s (%s)", f, u);
				table_head(t, head);
			} else
				table_head(t, f);
		} else if (fraction(f, &x))
			table_num(t, x);
		else
			table_text(t, f);
	}
	t->headed = 1;
	table_end_row(t);
	free(s);
}
