#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "data/svg.h"

static void
printf_ob(struct outbuf *ob, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
printf_ob(struct outbuf *ob, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ob_puts(ob, buf);
}

static void
put_escaped(struct outbuf *ob, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<':
			ob_puts(ob, "&lt;");
			break;
		case '>':
			ob_puts(ob, "&gt;");
			break;
		case '&':
			ob_puts(ob, "&amp;");
			break;
		case '"':
			ob_puts(ob, "&quot;");
			break;
		default:
			/* control characters are not allowed in XML 1.0 */
			ob_putc(ob, (unsigned char)*s < 0x20 ? ' ' : *s);
		}
}

/* A step of 1, 2 or 5 times a power of ten giving about n ticks. */
static double
nice_step(double range, int n)
{
	double raw = range / n, p = pow(10, floor(log10(raw))), f = raw / p;

	if (f < 1.5)
		return p;
	if (f < 3.5)
		return 2 * p;
	if (f < 7.5)
		return 5 * p;
	return 10 * p;
}

static double
px(const struct chart *c, double x)
{
	double v = c->logx ? log10(x) : x;

	return c->left + (v - c->x0) / (c->x1 - c->x0) * (c->right - c->left);
}

static double
py(const struct chart *c, double y)
{
	double v = c->logy ? log10(y) : y;

	return c->bottom - (v - c->y0) / (c->y1 - c->y0) *
	    (c->bottom - c->top);
}

static int
drawable(const struct chart *c, double x, double y)
{
	return isfinite(x) && isfinite(y) && (!c->logy || y > 0) &&
	    (!c->logx || x > 0);
}

#define LEGEND_ROW 16	/* pixels between rows of legend entries */

double
chart_nice_step(double range, int n)
{
	return nice_step(range, n);
}

double
chart_time_step(double span, double hours, double tau, int maxticks)
{
	/* hours: multiples of these (the day, then the week and beyond) */
	static const double h[] = { 1, 2, 3, 6, 12, 24, 48, 72, 168, 336,
	    672, 1344, 2688, 8766 };

	if (!(span > 0) || maxticks < 1)
		return 1;
	if (tau > 0 && span >= 2 * tau)
		return ceil(span / tau / maxticks - 1e-9) * tau;
	if (hours > 0 && span >= hours * CHART_TIME_MIN_HOURS) {
		size_t i;

		for (i = 0; i < sizeof(h) / sizeof(h[0]); i++)
			if (span / (h[i] * hours) <= maxticks + 1e-9)
				return h[i] * hours;
	}
	return nice_step(span, maxticks);
}

void
chart_headroom(double lo, double *hi, int logaxis)
{
	if (logaxis) {
		if (*hi > 0)
			*hi *= pow(10, CHART_HEADROOM);
		return;
	}
	*hi += CHART_HEADROOM * (*hi - lo);
}

int
chart_log_ticks(double lo, double hi, double *v, int *major, int max)
{
	int k, j, n = 0, few = hi - lo <= 2 + 1e-9;

	for (k = (int)floor(lo + 1e-9); k <= (int)ceil(hi - 1e-9); k++)
		for (j = 1; j <= 9; j++) {
			double y = j * pow(10, k);

			if (log10(y) < lo - 1e-9)
				continue;
			if (log10(y) > hi + 1e-9 || n == max)
				return n;
			v[n] = y;
			major[n++] = j == 1 || (few && (j == 2 || j == 5));
		}
	return n;
}

/* The log10 of the 1, 2 or 5 times a power of ten at or below x (up:
 * at or above). */
static double
log125(double x, int up)
{
	static const double m[] = { 1, 2, 5, 10 };
	double d = floor(log10(x)), p = pow(10, d);
	int i;

	if (up) {
		for (i = 0; i < 3 && m[i] * p < x * (1 - 1e-12); i++)
			;
		return log10(m[i] * p);
	}
	for (i = 3; i > 0 && m[i] * p > x * (1 + 1e-12); i--)
		;
	return log10(m[i] * p);
}

/* A range [*a, *b] of an axis: decades on a log axis (log10 values),
 * else widened to multiples of a nice step when round is set. */
static void
axis_range(double *a, double *b, int logaxis, int round, double *step,
    int n)
{
	if (logaxis && round == 2) {
		*a = log125(*a, 0);
		*b = log125(*b, 1);
		if (!(*b > *a))
			*b = *a + 1;
		return;
	}
	if (logaxis) {
		*a = floor(log10(*a));
		*b = ceil(log10(*b));
		if (!(*b > *a))
			*b = *a + 1;
		return;
	}
	if (!(*b > *a)) {
		*a -= 0.5;
		*b = *a + 1;
	}
	*step = nice_step(*b - *a, n);
	if (round) {
		*a = floor(*a / *step) * *step;
		*b = ceil(*b / *step) * *step;
	}
}

void
svg_begin(struct outbuf *ob, double w, double h)
{
	printf_ob(ob, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
	    "width=\"%g\" height=\"%g\" viewBox=\"0 0 %g %g\" "
	    "font-family=\"sans-serif\" font-size=\"12\">\n", w, h, w, h);
	printf_ob(ob, "<rect width=\"%g\" height=\"%g\" fill=\"white\"/>\n",
	    w, h);
}

void
svg_text(struct outbuf *ob, double x, double y, double rotate,
    double size, const char *text)
{
	if (text == NULL || !*text)
		return;
	if (rotate != 0)
		printf_ob(ob, "<text transform=\"translate(%.2f %.2f) "
		    "rotate(%g)\" text-anchor=\"middle\"", x, y, rotate);
	else
		printf_ob(ob, "<text x=\"%.2f\" y=\"%.2f\" "
		    "text-anchor=\"middle\"", x, y);
	if (size != 12)
		printf_ob(ob, " font-size=\"%g\"", size);
	ob_puts(ob, ">");
	put_escaped(ob, text);
	ob_puts(ob, "</text>\n");
}

void
svg_end(struct outbuf *ob)
{
	ob_puts(ob, "</svg>\n");
}

static void
clip_rect(struct chart *c)
{
	printf_ob(c->ob, "<defs><clipPath id=\"%s\"><rect x=\"%.2f\" "
	    "y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/></clipPath></defs>\n",
	    c->clip, c->left, c->top, c->right - c->left,
	    c->bottom - c->top);
}

/* About one tick every px pixels, 2 to max of them. */
static int
ticks_for(double size, double px, int max)
{
	int n = (int)(size / px);

	return n < 2 ? 2 : n > max ? max : n;
}

void
chart_panel(struct chart *c, struct outbuf *ob, const struct panel *p)
{
	double x0 = p->x0, x1 = p->x1, y0 = p->y0, y1 = p->y1;

	memset(c, 0, sizeof(*c));
	c->ob = ob;
	c->width = p->w;
	c->height = p->h;
	c->left = p->x + CHART_PANEL_LEFT;
	c->right = p->x + p->w - CHART_PANEL_RIGHT;
	c->top = p->y + CHART_PANEL_TOP;
	c->bottom = p->y + p->h - CHART_PANEL_BOTTOM;
	c->legend_rows = c->legend_used = 1;
	c->legend_x = c->left;
	c->logx = p->logx;
	c->logy = p->logy;
	c->panel = 1;
	axis_range(&x0, &x1, p->logx, p->roundx ? 2 : 0, &c->xstep,
	    ticks_for(c->right - c->left, CHART_PX_XTICK, 8));
	axis_range(&y0, &y1, p->logy, 2, &c->ystep,
	    ticks_for(c->bottom - c->top, CHART_PX_YTICK, 6));
	c->x0 = x0;
	c->x1 = x1;
	c->y0 = y0;
	c->y1 = y1;
	snprintf(c->clip, sizeof(c->clip), "p%d", p->id);
	clip_rect(c);
}

void
chart_begin(struct chart *c, struct outbuf *ob, double w, double h,
    double x0, double x1, double y0, double y1, int logy)
{
	c->ob = ob;
	c->width = w;
	c->height = h;
	c->left = 70;
	c->right = w - 20;
	/* title, then the rows of legend entries */
	if (c->legend_rows < 1)
		c->legend_rows = 1;
	c->top = 58 + LEGEND_ROW * (c->legend_rows - 1);
	c->legend_x = c->left;
	c->legend_row = 0;
	c->legend_used = 1;
	c->bottom = h - 55;
	c->logx = 0;
	c->logy = logy;
	c->panel = 0;
	if (!(x1 > x0)) {
		x0 -= 0.5;
		x1 = x0 + 1;
	}
	axis_range(&y0, &y1, logy, 1, &c->ystep, 6);
	c->xstep = nice_step(x1 - x0, 8);
	c->x0 = x0;
	c->x1 = x1;
	c->y0 = y0;
	c->y1 = y1;
	snprintf(c->clip, sizeof(c->clip), "plot");
	svg_begin(ob, w, h);
	clip_rect(c);
}

static void
tick_label(char *buf, size_t n, double v, int clock)
{
	if (clock) {
		long m = lround(v * 60);

		snprintf(buf, n, "%02ld:%02ld", (m / 60) % 24 + (m == 1440 ?
		    24 : 0), m % 60);
		return;
	}
	snprintf(buf, n, "%g", fabs(v) < 1e-12 ? 0 : v);
}

#define MAXTICK 200	/* ticks of one axis, log minor ones included */

/* The ticks of an axis: values in data units, and which are labelled. */
static int
axis_ticks(double lo, double hi, int logaxis, double step, double *v,
    int *major)
{
	int n = 0;
	double t;

	if (logaxis)
		return chart_log_ticks(lo, hi, v, major, MAXTICK);
	for (t = ceil(lo / step - 1e-9) * step; t <= hi + 1e-9 * step &&
	    n < MAXTICK; t += step) {
		v[n] = t;
		major[n++] = 1;
	}
	return n;
}

void
chart_axes(struct chart *c, const char *title, const char *xlabel,
    const char *ylabel, double xstep, int clock)
{
	struct outbuf *ob = c->ob;
	double xv[MAXTICK], yv[MAXTICK];
	int xm[MAXTICK], ym[MAXTICK], nx, ny, k;
	char buf[64];

	nx = axis_ticks(c->x0, c->x1, c->logx, xstep > 0 ? xstep : c->xstep,
	    xv, xm);
	ny = axis_ticks(c->y0, c->y1, c->logy, c->ystep, yv, ym);
	ob_puts(ob, "<g stroke=\"#dddddd\" stroke-width=\"1\">\n");
	for (k = 0; k < nx; k++)
		if (xm[k] || !c->logx)
			printf_ob(ob, "<line x1=\"%.2f\" y1=\"%.2f\" "
			    "x2=\"%.2f\" y2=\"%.2f\"/>\n", px(c, xv[k]),
			    c->top, px(c, xv[k]), c->bottom);
	for (k = 0; k < ny; k++)
		if (!c->logy || fabs(log10(yv[k]) -
		    round(log10(yv[k]))) < 1e-9)
			printf_ob(ob, "<line x1=\"%.2f\" y1=\"%.2f\" "
			    "x2=\"%.2f\" y2=\"%.2f\"/>\n", c->left,
			    py(c, yv[k]), c->right, py(c, yv[k]));
	ob_puts(ob, "</g>\n");
	/* log axes: a short tick at every 1..9 times a power of ten */
	if (c->logx || c->logy) {
		ob_puts(ob, "<g stroke=\"#333333\" stroke-width=\"1\" "
		    "class=\"minor\">\n");
		for (k = 0; c->logx && k < nx; k++)
			printf_ob(ob, "<line x1=\"%.2f\" y1=\"%.2f\" "
			    "x2=\"%.2f\" y2=\"%.2f\"/>\n", px(c, xv[k]),
			    c->bottom, px(c, xv[k]), c->bottom - 4);
		for (k = 0; c->logy && k < ny; k++)
			printf_ob(ob, "<line x1=\"%.2f\" y1=\"%.2f\" "
			    "x2=\"%.2f\" y2=\"%.2f\"/>\n", c->left,
			    py(c, yv[k]), c->left + 4, py(c, yv[k]));
		ob_puts(ob, "</g>\n");
	}
	ob_puts(ob, "<g text-anchor=\"middle\" fill=\"#333333\">\n");
	for (k = 0; k < nx; k++)
		if (xm[k]) {
			tick_label(buf, sizeof(buf), xv[k], clock);
			printf_ob(ob, "<text x=\"%.2f\" y=\"%.2f\">%s</text>\n",
			    px(c, xv[k]), c->bottom + 16, buf);
		}
	ob_puts(ob, "</g>\n<g text-anchor=\"end\" fill=\"#333333\">\n");
	for (k = 0; k < ny; k++)
		if (ym[k]) {
			tick_label(buf, sizeof(buf), yv[k], 0);
			printf_ob(ob, "<text x=\"%.2f\" y=\"%.2f\">%s</text>\n",
			    c->left - 6, py(c, yv[k]) + 4, buf);
		}
	ob_puts(ob, "</g>\n");
	printf_ob(ob, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
	    "height=\"%.2f\" fill=\"none\" stroke=\"#333333\"/>\n", c->left,
	    c->top, c->right - c->left, c->bottom - c->top);
	if (c->panel) {
		/* a panel: its title above it, the labels are the page's */
		if (title != NULL && *title)
			svg_text(ob, (c->left + c->right) / 2, c->top - 5, 0,
			    11, title);
		return;
	}
	if (xlabel != NULL)
		svg_text(ob, (c->left + c->right) / 2, c->height - 15, 0, 12,
		    xlabel);
	if (ylabel != NULL)
		svg_text(ob, 18, (c->top + c->bottom) / 2, -90, 12, ylabel);
	if (title != NULL && *title) {
		printf_ob(ob, "<text x=\"%.2f\" y=\"24\" text-anchor=\"middle\" "
		    "font-size=\"15\" font-weight=\"bold\">",
		    (c->left + c->right) / 2);
		put_escaped(ob, title);
		ob_puts(ob, "</text>\n");
	}
}

void
chart_hband(struct chart *c, double ylo, double yhi, const char *fill)
{
	double a = py(c, yhi), b = py(c, ylo);

	if (a < c->top)
		a = c->top;
	if (b > c->bottom)
		b = c->bottom;
	if (!(b > a))
		return;
	printf_ob(c->ob, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
	    "height=\"%.2f\" fill=\"%s\"/>\n", c->left, a, c->right - c->left,
	    b - a, fill);
}

void
chart_line(struct chart *c, const double *x, const double *y, int n,
    const char *stroke, double width, double opacity)
{
	int i, open = 0;

	for (i = 0; i < n; i++) {
		if (!drawable(c, x[i], y[i])) {
			if (open)
				ob_puts(c->ob, "\"/>\n");
			open = 0;
			continue;
		}
		if (!open)
			printf_ob(c->ob, "<polyline clip-path=\"url(#%s)\" "
			    "fill=\"none\" stroke=\"%s\" stroke-width=\"%g\" "
			    "stroke-opacity=\"%g\" stroke-linejoin=\"round\" "
			    "points=\"", c->clip, stroke, width, opacity);
		printf_ob(c->ob, "%s%.2f,%.2f", open ? " " : "", px(c, x[i]),
		    py(c, y[i]));
		open = 1;
	}
	if (open)
		ob_puts(c->ob, "\"/>\n");
}

void
chart_ribbon(struct chart *c, const double *x, const double *lo,
    const double *hi, int n, const char *fill, double opacity)
{
	int i, k = 0;

	for (i = 0; i < n; i++)
		k += drawable(c, x[i], lo[i]) && drawable(c, x[i], hi[i]);
	if (k < 2)
		return;
	printf_ob(c->ob, "<polygon clip-path=\"url(#%s)\" fill=\"%s\" "
	    "fill-opacity=\"%g\" stroke=\"none\" points=\"", c->clip, fill,
	    opacity);
	for (i = 0; i < n; i++)
		if (drawable(c, x[i], lo[i]) && drawable(c, x[i], hi[i]))
			printf_ob(c->ob, "%.2f,%.2f ", px(c, x[i]),
			    py(c, hi[i]));
	for (i = n - 1; i >= 0; i--)
		if (drawable(c, x[i], lo[i]) && drawable(c, x[i], hi[i]))
			printf_ob(c->ob, "%.2f,%.2f%s", px(c, x[i]),
			    py(c, lo[i]), i > 0 ? " " : "");
	ob_puts(c->ob, "\"/>\n");
}

void
chart_points(struct chart *c, const double *x, const double *y, int n,
    const char *fill)
{
	int i;

	for (i = 0; i < n; i++)
		if (drawable(c, x[i], y[i]))
			printf_ob(c->ob, "<circle clip-path=\"url(#%s)\" "
			    "cx=\"%.2f\" cy=\"%.2f\" r=\"2.5\" fill=\"%s\" "
			    "fill-opacity=\"0.8\"/>\n", c->clip, px(c, x[i]),
			    py(c, y[i]), fill);
}

void
chart_legend(struct chart *c, const char *label, const char *color,
    int style)
{
	/* about 7.5 px a character at 12 px sans-serif */
	double w = 24 + 7.5 * strlen(label), x, y;

	if (c->legend_x > c->left && c->legend_x + w > c->right) {
		c->legend_row++;
		c->legend_x = c->left;
		if (c->legend_row + 1 > c->legend_used)
			c->legend_used = c->legend_row + 1;
	}
	x = c->legend_x;
	y = 46 + LEGEND_ROW * c->legend_row;

	if (style == LEGEND_RIBBON)
		printf_ob(c->ob, "<rect x=\"%.2f\" y=\"%.2f\" width=\"18\" "
		    "height=\"10\" fill=\"%s\" fill-opacity=\"0.5\"/>\n", x,
		    y - 9, color);
	else if (style == LEGEND_POINT)
		printf_ob(c->ob, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"2.5\" "
		    "fill=\"%s\"/>\n", x + 9, y - 4, color);
	else
		printf_ob(c->ob, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
		    "y2=\"%.2f\" stroke=\"%s\" stroke-width=\"2\"/>\n", x,
		    y - 4, x + 18, y - 4, color);
	printf_ob(c->ob, "<text x=\"%.2f\" y=\"%.2f\">", x + 24, y);
	put_escaped(c->ob, label);
	ob_puts(c->ob, "</text>\n");
	c->legend_x += w + 18;
}

void
chart_hline(struct chart *c, double y, const char *stroke, int dashed)
{
	if (!drawable(c, c->logx ? pow(10, c->x0) : c->x0, y))
		return;
	printf_ob(c->ob, "<line clip-path=\"url(#%s)\" x1=\"%.2f\" "
	    "y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" "
	    "stroke-width=\"1.2\"%s/>\n", c->clip, c->left, py(c, y),
	    c->right, py(c, y), stroke, dashed ?
	    " stroke-dasharray=\"5 4\"" : "");
}

void
chart_identity(struct chart *c, const char *stroke)
{
	double a = c->x0 > c->y0 ? c->x0 : c->y0;
	double b = c->x1 < c->y1 ? c->x1 : c->y1;

	if (c->logx != c->logy || !(b > a))
		return;
	if (c->logx) {
		a = pow(10, a);
		b = pow(10, b);
	}
	printf_ob(c->ob, "<line class=\"identity\" x1=\"%.2f\" "
	    "y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" "
	    "stroke-width=\"1.2\"/>\n", px(c, a), py(c, a), px(c, b),
	    py(c, b), stroke);
}

void
chart_bars(struct chart *c, const double *edge, const double *count,
    int n, const char *fill)
{
	int i;

	for (i = 0; i < n; i++) {
		double a = px(c, edge[i]), b = px(c, edge[i + 1]);
		double top = py(c, count[i]), base = py(c, c->y0);

		if (!(count[i] > 0))
			continue;
		printf_ob(c->ob, "<rect class=\"bar\" x=\"%.2f\" "
		    "y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
		    "fill=\"%s\" stroke=\"white\"/>\n", a, top, b - a,
		    base - top, fill);
	}
}

void
chart_grid(int n, int *ncol, int *nrow)
{
	int c = 1;

	while (c * c < n)
		c++;
	*ncol = n > 0 ? c : 1;
	*nrow = n > 0 ? (n + c - 1) / c : 1;
}

void
chart_end(struct chart *c)
{
	ob_puts(c->ob, "</svg>\n");
}
