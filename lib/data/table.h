/*
 * table.h - tables out: tab-separated with numbers that read back as the
 * same double, or (pretty) aligned columns with 6 significant digits for
 * a terminal.  Missing values are ".".  Rows are built in the caller's
 * outbuf, so a table streams.
 */
#ifndef TWIN_TABLE_H
#define TWIN_TABLE_H

#include "util/num.h"
#include "data/record.h"

struct table {
	struct outbuf *ob;
	int pretty;
	int col;		/* next column of the row */
	int ncol, cap;
	int *width;		/* pretty: width of each column */
};

void table_init(struct table *t, struct outbuf *ob, int pretty);
/* Rows of head's table (its columns and widths, which t only borrows)
 * into another buffer: one per thread. */
void table_like(struct table *t, const struct table *head,
    struct outbuf *ob);
void table_free(struct table *t);
/* Header cells fix the columns (and their widths when pretty). */
void table_head(struct table *t, const char *name);
/* A header cell whose values may be as wide as width (pretty). */
void table_head_width(struct table *t, const char *name, int width);
void table_text(struct table *t, const char *s);
void table_num(struct table *t, double x);	/* NAN: "." */
void table_int(struct table *t, long x);
void table_end_row(struct table *t);

#endif
