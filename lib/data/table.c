#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/table.h"

/* Pretty columns are at least this wide: %.6g of a negative number with
 * an exponent takes 12. */
#define PRETTY_MIN 12

void
table_init(struct table *t, struct outbuf *ob, int pretty)
{
	memset(t, 0, sizeof(*t));
	t->ob = ob;
	t->pretty = pretty;
}

void
table_like(struct table *t, const struct table *head, struct outbuf *ob)
{
	memset(t, 0, sizeof(*t));
	t->ob = ob;
	t->pretty = head->pretty;
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
