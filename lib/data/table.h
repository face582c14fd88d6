/*
 * table.h - tables out: tab-separated with numbers that read back as the
 * same double (the exact stream, the default), or for display (--digits,
 * --pretty: twin(7), Readable numbers, the one home of these rules):
 *
 *   digits N   numbers to N significant digits, trailing zeros kept
 *              (0.004695545393971477 at 3: 0.00470; 2 at 3: 2.00), in
 *              %g's choice of fixed or exponent form; a lone trailing
 *              decimal point is dropped (100 at 3: 100); a whole number
 *              below 1e15 in magnitude is written as it is (750 at 2:
 *              750, not 7.5e+02): counts, doses, IDs stay exact.  A
 *              value exactly halfway goes to the even digit, as printf
 *              rounds (12.5 at 2: 12)
 *   pretty     columns right-aligned, separated by blanks, each as wide
 *              as its header and at least TABLE_PRETTY_MIN; numbers to 6
 *              significant digits as %.6g does unless digits is given;
 *              a header "NAME (UNIT)" where the unit of the column is
 *              known (struct table_fmt, unit)
 *
 * Missing values are ".".  Rows are built in the caller's outbuf, so a
 * table streams (pretty widths come from the header alone).
 *
 * table_line reformats a line of the exact stream that a program has
 * already written (rec_wformat, data/record.h): "#" lines and blank lines
 * pass as they are, the first other line is the header (and after a
 * blank line, the next one), and in the rows a field is reformatted as a
 * number when it reads as one and has a '.' or an exponent; a field
 * written as a whole number (an ID, CMT, EVID, a count) or text is left
 * as it is, as table_num leaves whole numbers.
 */
#ifndef TWIN_TABLE_H
#define TWIN_TABLE_H

#include "util/num.h"
#include "data/record.h"

/* The most significant digits --digits takes: 17 give every double. */
#define TABLE_DIGITS_MAX 17
/* Pretty columns are at least this wide: %.6g of a negative number with
 * an exponent takes 12. */
#define TABLE_PRETTY_MIN 12

struct table_fmt {
	int pretty;
	int digits;		/* 0: exact (pretty: 6, as %.6g) */
	/* The unit of a column, for pretty headers, or NULL; unit NULL:
	 * none known. */
	const char *(*unit)(const void *ctx, const char *col);
	const void *ctx;
};

struct table {
	struct outbuf *ob;
	int pretty, digits;
	const char *(*unit)(const void *ctx, const char *col);
	const void *unitctx;
	int col;		/* next column of the row */
	int ncol, cap;
	int *width;		/* pretty: width of each column */
	int headed;		/* table_line: the header is written */
};

/* f NULL: the exact stream. */
void table_init(struct table *t, struct outbuf *ob,
    const struct table_fmt *f);
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

/* One line of the exact stream (n bytes, without its newline) into t's
 * buffer as t's format has it, newline included. */
void table_line(struct table *t, const char *line, size_t n);

/* x to digits significant digits (1..TABLE_DIGITS_MAX) as the digits
 * rule above says, into buf (TWIN_NUMBUF bytes); returns buf. */
char *table_digits(double x, int digits, char *buf);

#endif
