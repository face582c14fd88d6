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
	return c->left + (x - c->x0) / (c->x1 - c->x0) * (c->right - c->left);
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
	return isfinite(x) && isfinite(y) && (!c->logy || y > 0);
}

#define LEGEND_ROW 16	/* pixels between rows of legend entries */

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
	c->logy = logy;
	if (!(x1 > x0)) {
		x0 -= 0.5;
		x1 = x0 + 1;
	}
	if (logy) {
		y0 = floor(log10(y0));
		y1 = ceil(log10(y1));
		if (!(y1 > y0))
			y1 = y0 + 1;
	} else {
		if (!(y1 > y0)) {
			y0 -= 0.5;
			y1 = y0 + 1;
		}
		double s = nice_step(y1 - y0, 6);

		y0 = floor(y0 / s) * s;
		y1 = ceil(y1 / s) * s;
		c->ystep = s;
	}
	c->x0 = x0;
	c->x1 = x1;
	c->y0 = y0;
	c->y1 = y1;
	printf_ob(ob, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
	    "width=\"%g\" height=\"%g\" viewBox=\"0 0 %g %g\" "
	    "font-family=\"sans-serif\" font-size=\"12\">\n", w, h, w, h);
	printf_ob(ob, "<rect width=\"%g\" height=\"%g\" fill=\"white\"/>\n",
	    w, h);
	printf_ob(ob, "<defs><clipPath id=\"plot\"><rect x=\"%.2f\" "
	    "y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/></clipPath></defs>\n",
	    c->left, c->top, c->right - c->left, c->bottom - c->top);
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

void
chart_axes(struct chart *c, const char *title, const char *xlabel,
    const char *ylabel, double xstep, int clock)
{
	struct outbuf *ob = c->ob;
	double step = xstep > 0 ? xstep : nice_step(c->x1 - c->x0, 8), v;
	char buf[64];
	int k;

	ob_puts(ob, "<g stroke=\"#dddddd\" stroke-width=\"1\">\n");
	for (v = ceil(c->x0 / step - 1e-9) * step; v <= c->x1 + 1e-9 * step;
	    v += step)
		printf_ob(ob, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
		    "y2=\"%.2f\"/>\n", px(c, v), c->top, px(c, v), c->bottom);
	if (c->logy) {
		for (k = (int)c->y0; k <= (int)c->y1; k++) {
			double y = c->bottom - (k - c->y0) / (c->y1 - c->y0) *
			    (c->bottom - c->top);

			printf_ob(ob, "<line x1=\"%.2f\" y1=\"%.2f\" "
			    "x2=\"%.2f\" y2=\"%.2f\"/>\n", c->left, y,
			    c->right, y);
		}
	} else {
		double s = c->ystep;

		for (v = c->y0; v <= c->y1 + 1e-9 * s; v += s)
			printf_ob(ob, "<line x1=\"%.2f\" y1=\"%.2f\" "
			    "x2=\"%.2f\" y2=\"%.2f\"/>\n", c->left, py(c, v),
			    c->right, py(c, v));
	}
	ob_puts(ob, "</g>\n<g text-anchor=\"middle\" fill=\"#333333\">\n");
	for (v = ceil(c->x0 / step - 1e-9) * step; v <= c->x1 + 1e-9 * step;
	    v += step) {
		tick_label(buf, sizeof(buf), v, clock);
		printf_ob(ob, "<text x=\"%.2f\" y=\"%.2f\">%s</text>\n",
		    px(c, v), c->bottom + 16, buf);
	}
	ob_puts(ob, "</g>\n<g text-anchor=\"end\" fill=\"#333333\">\n");
	if (c->logy) {
		int decades = (int)(c->y1 - c->y0);

		for (k = (int)c->y0; k <= (int)c->y1; k++) {
			static const double sub[] = { 1, 2, 5 };
			int j;

			for (j = 0; j < (decades <= 2 ? 3 : 1); j++) {
				double y = sub[j] * pow(10, k);

				if (log10(y) > c->y1 + 1e-9)
					break;
				tick_label(buf, sizeof(buf), y, 0);
				printf_ob(ob, "<text x=\"%.2f\" y=\"%.2f\">"
				    "%s</text>\n", c->left - 6, py(c, y) + 4,
				    buf);
			}
		}
	} else {
		double s = c->ystep;

		for (v = c->y0; v <= c->y1 + 1e-9 * s; v += s) {
			tick_label(buf, sizeof(buf), v, 0);
			printf_ob(ob, "<text x=\"%.2f\" y=\"%.2f\">%s</text>\n",
			    c->left - 6, py(c, v) + 4, buf);
		}
	}
	ob_puts(ob, "</g>\n");
	printf_ob(ob, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
	    "height=\"%.2f\" fill=\"none\" stroke=\"#333333\"/>\n", c->left,
	    c->top, c->right - c->left, c->bottom - c->top);
	printf_ob(ob, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\">",
	    (c->left + c->right) / 2, c->height - 15);
	put_escaped(ob, xlabel);
	printf_ob(ob, "</text>\n<text transform=\"translate(18 %.2f) "
	    "rotate(-90)\" text-anchor=\"middle\">", (c->top + c->bottom) / 2);
	put_escaped(ob, ylabel);
	ob_puts(ob, "</text>\n");
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
			printf_ob(c->ob, "<polyline clip-path=\"url(#plot)\" "
			    "fill=\"none\" stroke=\"%s\" stroke-width=\"%g\" "
			    "stroke-opacity=\"%g\" stroke-linejoin=\"round\" "
			    "points=\"", stroke, width, opacity);
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
	printf_ob(c->ob, "<polygon clip-path=\"url(#plot)\" fill=\"%s\" "
	    "fill-opacity=\"%g\" stroke=\"none\" points=\"", fill, opacity);
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
			printf_ob(c->ob, "<circle clip-path=\"url(#plot)\" "
			    "cx=\"%.2f\" cy=\"%.2f\" r=\"2.5\" fill=\"%s\" "
			    "fill-opacity=\"0.8\"/>\n", px(c, x[i]),
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
chart_end(struct chart *c)
{
	ob_puts(c->ob, "</svg>\n");
}
