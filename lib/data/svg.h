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
	int logx, logy;			/* log axes: x0.. are log10 values */
	double xstep, ystep;		/* linear axes: the tick steps */
	int panel;			/* one of several in a document */
	char clip[16];			/* the id of its clip path */
	double legend_x;		/* where the next legend entry goes */
	int legend_row;			/* its row, from 0 */
	/* Rows of legend entries kept free above the plot: the caller sets
	 * it before chart_begin (0 or 1: one row).  chart_legend starts a new
	 * row where an entry would pass the right edge, and legend_used
	 * says how many rows it took: a caller that finds it above
	 * legend_rows draws the chart again with legend_rows set to it. */
	int legend_rows, legend_used;
};

/*
 * The rules of ticks and ranges, in one place.  CHART_HEADROOM: the
 * share of the data's span (of decades on a log axis) kept free above
 * the maximum.  CHART_TIME_MIN_HOURS: a time axis spanning at least this
 * many hours has its ticks on whole hours (chart_time_step).
 */
#define CHART_HEADROOM 0.05
#define CHART_TIME_MIN_HOURS 2
/*
 * CHART_MAX_LINES: twin-report plot draws at most this many individual
 * lines (more make an SVG of many megabytes that shows a smear); above
 * it, their quantile bands.  CHART_MAX_PANELS: the most panels of a
 * page (plot --facet).
 */
#define CHART_MAX_LINES 300
#define CHART_MAX_PANELS 64

/* A step of 1, 2 or 5 times a power of ten giving about n intervals. */
double chart_nice_step(double range, int n);
/*
 * The tick step of a time axis spanning span time units, hours of them
 * in an hour (1 for hours, 60 for minutes, 1/24 for days; 0 if unknown):
 * the smallest multiple k tau of the dosing interval giving at most
 * maxticks intervals when tau > 0 and span >= 2 tau; else, when span
 * is at least CHART_TIME_MIN_HOURS, the smallest of 1, 2, 3, 6, 12, 24,
 * 48, 72 h, a week, 2, 4, 8 weeks, a year giving at most maxticks
 * intervals; else chart_nice_step(span, maxticks).
 */
double chart_time_step(double span, double hours, double tau, int maxticks);
/* Headroom above the maximum: *hi grows by CHART_HEADROOM of the span
 * from lo (by that share of a decade when logaxis). */
void chart_headroom(double lo, double *hi, int logaxis);
/*
 * Ticks of a log axis from 10^lo to 10^hi (lo, hi: exponents, whole or
 * not): every j times a power of ten, j = 1..9, in the range, into v (at
 * most max); major[i] is 1 for a labelled tick: the powers of ten, and 2
 * and 5 times them when the axis spans at most 2 decades.  Returns the
 * count.
 */
int chart_log_ticks(double lo, double hi, double *v, int *major, int max);

/* A document of several panels: svg_begin, chart_panel and its drawing
 * for each, page labels with svg_text, svg_end. */
void svg_begin(struct outbuf *ob, double w, double h);
/* Centred text at (x, y), rotated by rotate degrees, size in pixels. */
void svg_text(struct outbuf *ob, double x, double y, double rotate,
    double size, const char *text);
void svg_end(struct outbuf *ob);

/* A panel: its rectangle in the document, data range, log axes, and a
 * number unique in the document (its clip path).  A linear y range is
 * widened to its ticks as chart_begin does, a log one to 1, 2 or 5
 * times a power of ten; roundx widens the x range so too. */
struct panel {
	double x, y, w, h;
	double x0, x1, y0, y1;
	int logx, logy, roundx, id;
};
/* Margins inside a panel's rectangle, pixels: tick labels left and
 * below, the panel's title above. */
#define CHART_PANEL_LEFT 44
#define CHART_PANEL_RIGHT 8
#define CHART_PANEL_TOP 20
#define CHART_PANEL_BOTTOM 22
/* A panel's linear axes: about a tick every so many pixels (at most 8
 * on x, 6 on y, as a whole chart's). */
#define CHART_PX_XTICK 60
#define CHART_PX_YTICK 35
void chart_panel(struct chart *c, struct outbuf *ob, const struct panel *p);
/* Columns and rows of a near-square grid of n panels (columns >= rows). */
void chart_grid(int n, int *ncol, int *nrow);

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
/* A horizontal line across the plot at y, dashed or solid. */
void chart_hline(struct chart *c, double y, const char *stroke, int dashed);
/* The line y = x from where it enters the plot to where it leaves it
 * (both axes linear or both log; class "identity"). */
void chart_identity(struct chart *c, const char *stroke);
/* A histogram: n bars, bar i from edge[i] to edge[i + 1] (n + 1 edges)
 * of height count[i] (class "bar"). */
void chart_bars(struct chart *c, const double *edge, const double *count,
    int n, const char *fill);
/* The end of a document begun by chart_begin. */
void chart_end(struct chart *c);

#endif
