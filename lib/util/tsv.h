/*
 * tsv.h - the shipped tables (data/, found by datafile.h) read row by row:
 * tab-separated, a header row naming the columns, lines starting with '#'
 * and blank lines skipped, every row as wide as the header.
 *
 * Ownership: struct tsv is the caller's; tsv_open (or tsv_open_path)
 * opens the file, which tsv_close closes.  A row's cells point into t->line and last until the
 * next tsv_next.  Errors: -1 and err, "PATH:LINE: what" for a malformed
 * row or cell (TWIN_EINPUT), TWIN_ESYSTEM for a table that is missing or
 * cannot be read.
 */
#ifndef TWIN_TSV_H
#define TWIN_TSV_H

#include "util/err.h"

#define TSV_MAXCOL 64		/* columns of a table, at most */
#define TSV_LINE 8192		/* bytes of a line, at most */

struct tsv {
	void *f;		/* a zlib gzFile: plain or gzip */
	char *lead;		/* the "#" lines before the header */
	char path[4096];
	char line[TSV_LINE];
	char *col[TSV_MAXCOL];	/* the current row's cells */
	int ncol, lineno;
	char head[TSV_MAXCOL][64];	/* the header's names */
	int nhead;
};

/* Open the table named name (e.g. "pbpk/tissue_composition.tsv") and read
 * its header. */
int tsv_open(struct tsv *t, const char *name, struct twin_err *err);
/* Open the file at path ("-": standard input), plain or gzip, e.g. a
 * partial result (twin(7), Large cohorts); the same errors. */
int tsv_open_path(struct tsv *t, const char *path, struct twin_err *err);
void tsv_close(struct tsv *t);

/* The "#" lines before the header, each ending in "\n" ("" when none). */
const char *tsv_comments(const struct tsv *t);

/* The next row: 1, 0 at the end, -1 with err. */
int tsv_next(struct tsv *t, struct twin_err *err);

/* The column called name: its index, or -1 with err. */
int tsv_col(const struct tsv *t, const char *name, struct twin_err *err);

/* The number in column c of the current row; "." is NAN when dot. */
int tsv_num(const struct tsv *t, int c, int dot, double *x,
    struct twin_err *err);

/* The same by the column's name. */
int tsv_num_of(const struct tsv *t, const char *name, double *x,
    struct twin_err *err);

/* Add the count in column c of the current row to *n: a whole number
 * from 0 to 9e15, else -1 with err ("is not a count"). */
int tsv_count(const struct tsv *t, int c, long *n, struct twin_err *err);

/* The text in the column called name ("" when there is none). */
const char *tsv_str(const struct tsv *t, const char *name);

#endif
