/*
 * gof.h - goodness-of-fit pictures from a table of predictions, as
 * twin-fit --population --table writes it (one row per observation:
 * ID, TIME, DV, PRED, IPRED, CWRES, IWRES, the ETA columns and the
 * model's covariates).  Columns are found by name; a picture needs only
 * its own (GOF_NEEDS below).
 *
 *   dv-pred      DV against PRED, the identity line
 *   dv-ipred     DV against IPRED, the identity line
 *   cwres-time   CWRES against TIME, lines at 0 and +-2
 *   cwres-pred   CWRES against PRED, lines at 0 and +-2
 *   iwres-ipred  |IWRES| against IPRED
 *   indiv        a panel per ID: DV as points, IPRED and PRED (dashed)
 *                as lines against TIME; per_page panels a page
 *   eta-hist     a histogram per ETA column (columns named ETA...),
 *                gof_bins bins, one value per ID
 *   eta-cov      a panel per ETA column and covariate: the ETA against
 *                the covariate (the ID's first row), a line at 0
 *
 * Ownership: gof_new returns a collection freed by gof_free; it copies
 * what it keeps of the records.  Errors: -1 with err filled
 * (TWIN_EINPUT for a missing column, ENOMEM).
 */
#ifndef TWIN_GOF_H
#define TWIN_GOF_H

#include "util/err.h"
#include "data/record.h"

enum gof_kind { GOF_DV_PRED, GOF_DV_IPRED, GOF_CWRES_TIME, GOF_CWRES_PRED,
    GOF_IWRES_IPRED, GOF_INDIV, GOF_ETA_HIST, GOF_ETA_COV, GOF_NKIND };

/* The names above, in enum order. */
extern const char *const gof_kinds[GOF_NKIND];
/* The kind named name, -1 if none. */
int gof_kind(const char *name);

/* Panels on a page of indiv unless told otherwise. */
#define GOF_PER_PAGE 12

struct gof_opts {
	int kind;
	int logaxes;		/* dv-pred, dv-ipred: log x and y; indiv: log y */
	const char *tunit;	/* TIME's unit for the labels, or NULL */
	double hours;		/* TIME units in an hour (0: unknown), ticks */
	const char *cunit;	/* DV's unit (of PRED, IPRED), or NULL */
	const char *const *cov;	/* eta-cov: the covariate columns */
	int ncov;
	int per_page;		/* indiv: panels a page (0: GOF_PER_PAGE) */
	double width, height;	/* pixels of a page */
	const char *title;	/* NULL: the kind's own */
};

struct gof;

struct gof *gof_new(void);
void gof_free(struct gof *g);

/* Read every record of r (several files: call again for each).  With
 * o->kind GOF_NKIND (every kind) a missing column is no error: gof_has
 * tells what can be drawn. */
int gof_read(struct gof *g, struct rec_reader *r, const struct gof_opts *o,
    struct twin_err *err);
/* 1 if the tables read have what kind needs. */
int gof_has(const struct gof *g, int kind);
/* How many pages (SVG files) the picture takes: 1 but for indiv. */
int gof_npages(const struct gof *g, const struct gof_opts *o);
/* Page page (from 0) as an SVG document into ob. */
int gof_draw(const struct gof *g, const struct gof_opts *o, int page,
    struct outbuf *ob, struct twin_err *err);

/* The number of histogram bins for n values: Sturges' rule,
 * ceil(log2 n) + 1 (1 for n <= 1). */
int gof_bins(int n);

#endif
