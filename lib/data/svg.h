/*
 * svg.h - charts as SVG text: one plot area with axes, ticks and labels,
 * and lines, ribbons, points and bands drawn in data coordinates.
 *
 * The output is self-contained SVG 1.1 (no scripts, no external fonts or
 * styles), so any browser or rsvg-convert renders it.  Text is escaped
 * for XML.  Ownership: the chart writes into the caller's outbuf.
 */
#ifndef TWIN_SVG_H
#define TWIN_SVG_H

#include "data/record.h"

struct chart {
	struct outbuf *ob;
	double width, height;		/* pixels */
	double left, right, top, bottom;	/* plot area, pixels */
	double x0, x1, y0, y1;		/* data range */
	int logy;
	double ystep;			/* linear y: the tick step */
	double legend_x;		/* where the next legend entry goes */
	int legend_row;			/* its row, from 0 */
	/* Rows of legend entries kept free above the plot: the caller sets
	 * it before chart_begin (0 or 1: one row).  chart_legend starts a new
	 * row where an entry would pass the right edge, and legend_used
	 * says how many rows it took: a caller that finds it above
	 * legend_rows draws the chart again with legend_rows set to it. */
	int legend_rows, legend_used;
};

/* Start an SVG document of w x h pixels with a chart whose data range is
 * [x0, x1] x [y0, y1] (y0 > 0 for a log axis; the range is widened to
 * readable ticks). */
void chart_begin(struct chart *c, struct outbuf *ob, double w, double h,
    double x0, double x1, double y0, double y1, int logy);
/* Axes, grid, ticks and labels.  xstep > 0 forces the x tick step, and
 * clock != 0 labels x ticks as times of day (hours to HH:MM). */
void chart_axes(struct chart *c, const char *title, const char *xlabel,
    const char *ylabel, double xstep, int clock);
/* A horizontal band from ylo to yhi across the plot (a target range). */
void chart_hband(struct chart *c, double ylo, double yhi, const char *fill);
void chart_line(struct chart *c, const double *x, const double *y, int n,
    const char *stroke, double width, double opacity);
void chart_ribbon(struct chart *c, const double *x, const double *lo,
    const double *hi, int n, const char *fill, double opacity);
void chart_points(struct chart *c, const double *x, const double *y, int n,
    const char *fill);
/* A legend entry, in a row above the plot after the previous ones (a new
 * row when it would pass the right edge; see legend_rows). */
enum { LEGEND_LINE, LEGEND_RIBBON, LEGEND_POINT };
void chart_legend(struct chart *c, const char *label, const char *color,
    int style);
void chart_end(struct chart *c);

#endif
