#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/gof.h"
#include "data/svg.h"

const char *const gof_kinds[GOF_NKIND] = { "dv-pred", "dv-ipred",
    "cwres-time", "cwres-pred", "iwres-ipred", "indiv", "eta-hist",
    "eta-cov" };

/* The columns of a row kept for every kind. */
enum { C_TIME, C_DV, C_PRED, C_IPRED, C_CWRES, C_IWRES, NFIX };
static const char *const fixname[NFIX] = { "TIME", "DV", "PRED", "IPRED",
    "CWRES", "IWRES" };

/* GOF_NEEDS: the columns each kind needs, bits of 1 << C_... */
#define B(c) (1u << (c))
static const unsigned needs[GOF_NKIND] = {
	B(C_DV) | B(C_PRED), B(C_DV) | B(C_IPRED), B(C_TIME) | B(C_CWRES),
	B(C_PRED) | B(C_CWRES), B(C_IPRED) | B(C_IWRES),
	B(C_TIME) | B(C_DV) | B(C_IPRED), 0, 0
};

/* Colours: Okabe and Ito's, as twin-report plot's. */
#define BLUE "#0072B2"
#define ORANGE "#D55E00"
#define GREY "#777777"
#define BLACK "#000000"

struct gof {
	int nrow, cap;
	int *idx;		/* each row's ID, an index into ids */
	double *col[NFIX];
	char **ids;
	int nid, idcap;
	char **name;		/* ETA columns, then the covariates */
	int neta, nname;
	double *idval;		/* nid x nname: the ID's first row */
	unsigned have;		/* the fixed columns of every file read */
};

int
gof_kind(const char *name)
{
	int k;

	for (k = 0; k < GOF_NKIND; k++)
		if (!strcmp(name, gof_kinds[k]))
			return k;
	return -1;
}

int
gof_bins(int n)
{
	return n <= 1 ? 1 : (int)ceil(log2((double)n) - 1e-12) + 1;
}

struct gof *
gof_new(void)
{
	return calloc(1, sizeof(struct gof));
}

void
gof_free(struct gof *g)
{
	int k;

	if (g == NULL)
		return;
	free(g->idx);
	for (k = 0; k < NFIX; k++)
		free(g->col[k]);
	for (k = 0; k < g->nid; k++)
		free(g->ids[k]);
	free(g->ids);
	for (k = 0; k < g->nname; k++)
		free(g->name[k]);
	free(g->name);
	free(g->idval);
	free(g);
}

static int
add_name(struct gof *g, const char *s)
{
	char **p = realloc(g->name, (g->nname + 1) * sizeof(char *));

	if (p == NULL)
		return -1;
	g->name = p;
	if ((g->name[g->nname] = strdup(s)) == NULL)
		return -1;
	g->nname++;
	return 0;
}

/* The first file names the ETA columns and the covariates. */
static int
names(struct gof *g, const struct rec_reader *r, const struct gof_opts *o,
    struct twin_err *err)
{
	int c, k;

	for (c = 0; c < rec_ncol(r); c++)
		if (!strncmp(rec_colname(r, c), "ETA", 3) &&
		    add_name(g, rec_colname(r, c)) < 0)
			return twin_nomem(err);
	g->neta = g->nname;
	for (k = 0; k < o->ncov; k++)
		if (add_name(g, o->cov[k]) < 0)
			return twin_nomem(err);
	g->have = ~0u;
	if ((o->kind == GOF_ETA_HIST || o->kind == GOF_ETA_COV) &&
	    g->neta == 0)
		return twin_errork(err, TWIN_EINPUT, "%s:%ld: %s: no ETA "
		    "columns (twin-fit --population --table writes them)",
		    rec_path(r), rec_header_line(r), gof_kinds[o->kind]);
	if (o->kind == GOF_ETA_COV && o->ncov == 0)
		return twin_errork(err, TWIN_EINPUT, "eta-cov: no covariate "
		    "given (--cov)");
	return 0;
}

static int
grow(struct gof *g)
{
	int cap = g->cap ? 2 * g->cap : 256, k;
	void *p;

	if ((p = realloc(g->idx, cap * sizeof(int))) == NULL)
		return -1;
	g->idx = p;
	for (k = 0; k < NFIX; k++) {
		if ((p = realloc(g->col[k], cap * sizeof(double))) == NULL)
			return -1;
		g->col[k] = p;
	}
	g->cap = cap;
	return 0;
}

static int
add_id(struct gof *g, const char *id)
{
	void *p;

	if (g->nid == g->idcap) {
		int cap = g->idcap ? 2 * g->idcap : 64;

		if ((p = realloc(g->ids, cap * sizeof(char *))) == NULL)
			return -1;
		g->ids = p;
		if ((p = realloc(g->idval, ((size_t)cap * g->nname + 1) *
		    sizeof(double))) == NULL)
			return -1;
		g->idval = p;
		g->idcap = cap;
	}
	if ((g->ids[g->nid] = strdup(id)) == NULL)
		return -1;
	g->nid++;
	return 0;
}

int
gof_read(struct gof *g, struct rec_reader *r, const struct gof_opts *o,
    struct twin_err *err)
{
	struct rec_indiv ind = { 0 };
	int fix[NFIX], *nc = NULL, c, i, rc;

	if (g->nname == 0 && g->nid == 0 && names(g, r, o, err) < 0)
		return -1;
	for (c = 0; c < NFIX; c++) {
		if ((fix[c] = rec_col(r, fixname[c])) >= 0)
			continue;
		g->have &= ~B(c);
		if (o->kind != GOF_NKIND && (needs[o->kind] & B(c)))
			return twin_errork(err, TWIN_EINPUT, "%s:%ld: %s needs "
			    "a column \"%s\" (twin-fit --population --table "
			    "writes it)", rec_path(r), rec_header_line(r),
			    gof_kinds[o->kind], fixname[c]);
	}
	if ((nc = malloc((g->nname + 1) * sizeof(int))) == NULL)
		return twin_nomem(err);
	for (c = 0; c < g->nname; c++)
		if ((nc[c] = rec_col(r, g->name[c])) < 0 &&
		    (c >= g->neta || o->kind == GOF_ETA_HIST ||
		    o->kind == GOF_ETA_COV || o->kind == GOF_NKIND)) {
			twin_errork(err, TWIN_EINPUT, "%s:%ld: no column "
			    "\"%s\"", rec_path(r), rec_header_line(r),
			    g->name[c]);
			goto bad;
		}
	while ((rc = rec_next(r, &ind, err)) > 0) {
		if (add_id(g, ind.id) < 0)
			goto nomem;
		for (c = 0; c < g->nname; c++) {
			double *v = &g->idval[(size_t)(g->nid - 1) * g->nname +
			    c];

			if ((rc = rec_num(r, &ind.row[0], nc[c], v, err)) < 0)
				goto bad;
			if (rc == 0)
				*v = NAN;
		}
		for (i = 0; i < ind.nrow; i++) {
			if (g->nrow == g->cap && grow(g) < 0)
				goto nomem;
			g->idx[g->nrow] = g->nid - 1;
			for (c = 0; c < NFIX; c++) {
				double *v = &g->col[c][g->nrow];

				if ((rc = rec_num(r, &ind.row[i], fix[c], v,
				    err)) < 0)
					goto bad;
				if (rc == 0)
					*v = NAN;
			}
			g->nrow++;
		}
	}
	if (rc < 0)
		goto bad;
	rec_indiv_free(&ind);
	free(nc);
	return 0;
nomem:
	twin_nomem(err);
bad:
	rec_indiv_free(&ind);
	free(nc);
	return -1;
}

int
gof_has(const struct gof *g, int kind)
{
	if (kind == GOF_ETA_HIST)
		return g->neta > 0;
	if (kind == GOF_ETA_COV)
		return g->neta > 0 && g->nname > g->neta;
	return (needs[kind] & g->have) == needs[kind];
}

int
gof_npages(const struct gof *g, const struct gof_opts *o)
{
	int pp = o->per_page > 0 ? o->per_page : GOF_PER_PAGE;

	if (o->kind != GOF_INDIV || g->nid == 0)
		return 1;
	return (g->nid + pp - 1) / pp;
}

/* The page: a title, the axis labels, and where the panels go. */
struct page {
	double left, top, right, bottom;
	int ncol, nrow;
};

static void
page_begin(struct page *pg, struct outbuf *ob, const struct gof_opts *o,
    const char *title, const char *xlabel, const char *ylabel, int npanel,
    int legend)
{
	svg_begin(ob, o->width, o->height);
	svg_text(ob, o->width / 2, 24, 0, 15, o->title ? o->title : title);
	svg_text(ob, o->width / 2, o->height - 10, 0, 12, xlabel);
	svg_text(ob, 14, o->height / 2, -90, 12, ylabel);
	pg->left = 22;
	pg->right = o->width - 6;
	pg->top = legend ? 52 : 34;
	pg->bottom = o->height - 24;
	chart_grid(npanel, &pg->ncol, &pg->nrow);
}

/* Panel k of the page's grid, row by row. */
static void
page_panel(const struct page *pg, int k, struct panel *p)
{
	double w = (pg->right - pg->left) / pg->ncol;
	double h = (pg->bottom - pg->top) / pg->nrow;

	p->x = pg->left + (k % pg->ncol) * w;
	p->y = pg->top + (k / pg->ncol) * h;
	p->w = w;
	p->h = h;
	p->id = k;
	p->roundx = 1;
	p->logx = p->logy = 0;
}

/* "NAME (unit)" or NAME. */
static void
label(char *buf, size_t n, const char *name, const char *unit)
{
	if (unit != NULL && *unit)
		snprintf(buf, n, "%s (%s)", name, unit);
	else
		snprintf(buf, n, "%s", name);
}

/* The finite (positive when log) range of v[0..n). */
static int
range(const double *v, int n, int logaxis, double *lo, double *hi)
{
	int i, k = 0;

	for (i = 0; i < n; i++)
		if (isfinite(v[i]) && (!logaxis || v[i] > 0)) {
			if (k == 0 || v[i] < *lo)
				*lo = v[i];
			if (k == 0 || v[i] > *hi)
				*hi = v[i];
			k++;
		}
	return k;
}

static void
legend_entry(struct outbuf *ob, double *x, const char *text,
    const char *color, int point)
{
	char buf[256];

	if (point)
		snprintf(buf, sizeof(buf), "<circle cx=\"%.2f\" cy=\"42\" "
		    "r=\"2.5\" fill=\"%s\"/>\n", *x + 9, color);
	else
		snprintf(buf, sizeof(buf), "<line x1=\"%.2f\" y1=\"42\" "
		    "x2=\"%.2f\" y2=\"42\" stroke=\"%s\" stroke-width=\"2\"/>\n",
		    *x, *x + 18, color);
	ob_puts(ob, buf);
	snprintf(buf, sizeof(buf), "<text x=\"%.2f\" y=\"46\">%s</text>\n",
	    *x + 24, text);
	ob_puts(ob, buf);
	*x += 24 + 7.5 * strlen(text) + 18;
}

/* dv-pred, dv-ipred, cwres-time, cwres-pred, iwres-ipred: one panel. */
static int
scatter(const struct gof *g, const struct gof_opts *o, struct outbuf *ob,
    struct twin_err *err)
{
	static const int xc[] = { C_PRED, C_IPRED, C_TIME, C_PRED, C_IPRED };
	static const int yc[] = { C_DV, C_DV, C_CWRES, C_CWRES, C_IWRES };
	int k = o->kind, i, n = 0, ident = k <= GOF_DV_IPRED;
	int logaxes = ident && o->logaxes;
	double *x = malloc((g->nrow + 1) * sizeof(double));
	double *y = malloc((g->nrow + 1) * sizeof(double));
	double x0 = 0, x1 = 0, y0 = 0, y1 = 0;
	char xl[128], yl[128], title[128];
	struct page pg;
	struct panel p;
	struct chart c;

	if (x == NULL || y == NULL) {
		free(x);
		free(y);
		return twin_nomem(err);
	}
	for (i = 0; i < g->nrow; i++) {
		x[n] = g->col[xc[k]][i];
		y[n] = g->col[yc[k]][i];
		if (k == GOF_IWRES_IPRED)
			y[n] = fabs(y[n]);
		n += isfinite(x[n]) && isfinite(y[n]) && (!logaxes ||
		    (x[n] > 0 && y[n] > 0));
	}
	if (n == 0) {
		free(x);
		free(y);
		return twin_errork(err, TWIN_EINPUT, "%s: no rows with both "
		    "%s and %s", gof_kinds[k], fixname[xc[k]], fixname[yc[k]]);
	}
	range(x, n, logaxes, &x0, &x1);
	range(y, n, logaxes, &y0, &y1);
	if (ident) {
		/* the same range on both axes */
		x0 = y0 = x0 < y0 ? x0 : y0;
		x1 = y1 = x1 > y1 ? x1 : y1;
		if (!logaxes && x0 > 0)
			x0 = y0 = 0;
		chart_headroom(x0, &x1, logaxes);
		chart_headroom(y0, &y1, logaxes);
	} else if (k == GOF_IWRES_IPRED) {
		y0 = 0;
		x0 = x0 > 0 ? 0 : x0;
		chart_headroom(y0, &y1, 0);
	} else {
		/* symmetric about 0, the +-2 lines inside */
		double a = fabs(y0) > fabs(y1) ? fabs(y0) : fabs(y1);

		a = a > 2 ? a : 2;
		y0 = -a;
		y1 = a;
		chart_headroom(y0, &y1, 0);
		y0 = -y1;
		if (k == GOF_CWRES_PRED && x0 > 0)
			x0 = 0;
	}
	label(xl, sizeof(xl), fixname[xc[k]], k == GOF_CWRES_TIME ? o->tunit :
	    o->cunit);
	if (k == GOF_IWRES_IPRED)
		snprintf(yl, sizeof(yl), "|IWRES|");
	else
		label(yl, sizeof(yl), fixname[yc[k]], ident ? o->cunit : NULL);
	snprintf(title, sizeof(title), "%s vs %s", k == GOF_IWRES_IPRED ?
	    "|IWRES|" : fixname[yc[k]], fixname[xc[k]]);
	page_begin(&pg, ob, o, title, xl, yl, 1, 0);
	page_panel(&pg, 0, &p);
	p.x0 = x0;
	p.x1 = x1;
	p.y0 = y0;
	p.y1 = y1;
	p.logx = p.logy = logaxes;
	chart_panel(&c, ob, &p);
	chart_axes(&c, NULL, NULL, NULL, k == GOF_CWRES_TIME ?
	    chart_time_step(c.x1 - c.x0, o->hours, 0, 8) : 0, 0);
	if (ident)
		chart_identity(&c, GREY);
	else if (k != GOF_IWRES_IPRED) {
		chart_hline(&c, 0, GREY, 0);
		chart_hline(&c, 2, GREY, 1);
		chart_hline(&c, -2, GREY, 1);
	}
	chart_points(&c, x, y, n, BLUE);
	svg_end(ob);
	free(x);
	free(y);
	return 0;
}

/* indiv: a panel per ID of the page. */
static int
indiv(const struct gof *g, const struct gof_opts *o, int page,
    struct outbuf *ob, struct twin_err *err)
{
	int pp = o->per_page > 0 ? o->per_page : GOF_PER_PAGE;
	int first = page * pp, last = first + pp, i, r0, r1, id;
	char xl[128], yl[128], title[160];
	double lx = 22;
	struct page pg;

	if (last > g->nid)
		last = g->nid;
	label(xl, sizeof(xl), "TIME", o->tunit);
	label(yl, sizeof(yl), "DV", o->cunit);
	if (gof_npages(g, o) > 1)
		snprintf(title, sizeof(title), "Individual fits (page %d of "
		    "%d)", page + 1, gof_npages(g, o));
	else
		snprintf(title, sizeof(title), "Individual fits");
	page_begin(&pg, ob, o, title, xl, yl, last - first < pp ?
	    last - first : pp, 1);
	legend_entry(ob, &lx, "DV", BLACK, 1);
	legend_entry(ob, &lx, "IPRED", BLUE, 0);
	legend_entry(ob, &lx, "PRED", ORANGE, 0);
	for (r0 = 0; r0 < g->nrow && g->idx[r0] < first; r0++)
		;
	for (id = first; id < last; id++) {
		double x0 = 0, x1 = 0, y0 = 0, y1 = 0, a, b;
		const double *t, *v[3];
		struct panel p;
		struct chart c;
		int k, n;

		for (r1 = r0; r1 < g->nrow && g->idx[r1] == id; r1++)
			;
		n = r1 - r0;
		t = g->col[C_TIME] + r0;
		v[0] = g->col[C_DV] + r0;
		v[1] = g->col[C_IPRED] + r0;
		v[2] = g->col[C_PRED] + r0;
		if (range(t, n, 0, &x0, &x1) == 0)
			x1 = 1;
		x0 = x0 > 0 ? 0 : x0;	/* from the first dose, usually */
		chart_headroom(x0, &x1, 0);	/* the last point whole */
		for (k = 0, i = 0; k < 3; k++)
			if (range(v[k], n, o->logaxes, &a, &b) > 0) {
				y0 = i == 0 || a < y0 ? a : y0;
				y1 = i == 0 || b > y1 ? b : y1;
				i++;
			}
		if (i == 0) {
			y0 = o->logaxes ? 1 : 0;
			y1 = o->logaxes ? 10 : 1;
		}
		if (!o->logaxes && y0 > 0)
			y0 = 0;
		chart_headroom(y0, &y1, o->logaxes);
		page_panel(&pg, id - first, &p);
		p.x0 = x0;
		p.x1 = x1;
		p.y0 = y0;
		p.y1 = y1;
		p.roundx = 0;
		p.logy = o->logaxes;
		chart_panel(&c, ob, &p);
		snprintf(title, sizeof(title), "ID %s", g->ids[id]);
		chart_axes(&c, title, NULL, NULL, chart_time_step(c.x1 - c.x0,
		    o->hours, 0, 4), 0);
		chart_line(&c, t, v[2], n, ORANGE, 1.2, 1);
		chart_line(&c, t, v[1], n, BLUE, 1.5, 1);
		chart_points(&c, t, v[0], n, BLACK);
		r0 = r1;
	}
	svg_end(ob);
	(void)err;
	return 0;
}

/* eta-hist: a histogram per ETA column. */
static int
eta_hist(const struct gof *g, const struct gof_opts *o, struct outbuf *ob,
    struct twin_err *err)
{
	double *v = malloc((g->nid + 1) * sizeof(double));
	double *edge = NULL, *count = NULL;
	struct page pg;
	int e, i;

	page_begin(&pg, ob, o, "Distribution of the random effects", "ETA",
	    "Individuals", g->neta, 0);
	for (e = 0; v != NULL && e < g->neta; e++) {
		double lo = 0, hi = 0, a, cmax = 0;
		int n = 0, nb, b;
		struct panel p;
		struct chart c;

		for (i = 0; i < g->nid; i++)
			if (isfinite(g->idval[(size_t)i * g->nname + e]))
				v[n++] = g->idval[(size_t)i * g->nname + e];
		range(v, n, 0, &lo, &hi);
		a = fabs(lo) > fabs(hi) ? fabs(lo) : fabs(hi);
		if (!(a > 0))
			a = 1;
		nb = gof_bins(n);
		free(edge);
		free(count);
		edge = malloc((nb + 1) * sizeof(double));
		count = calloc(nb + 1, sizeof(double));
		if (edge == NULL || count == NULL)
			break;
		for (b = 0; b <= nb; b++)
			edge[b] = -a + 2 * a * b / nb;
		for (i = 0; i < n; i++) {
			b = (int)floor((v[i] + a) / (2 * a) * nb);
			count[b < 0 ? 0 : b >= nb ? nb - 1 : b]++;
		}
		for (b = 0; b < nb; b++)
			cmax = count[b] > cmax ? count[b] : cmax;
		page_panel(&pg, e, &p);
		p.x0 = -a;
		p.x1 = a;
		p.y0 = 0;
		p.y1 = cmax > 0 ? cmax : 1;
		chart_headroom(p.y0, &p.y1, 0);
		chart_panel(&c, ob, &p);
		chart_axes(&c, g->name[e], NULL, NULL, 0, 0);
		chart_bars(&c, edge, count, nb, BLUE);
	}
	free(v);
	free(edge);
	free(count);
	if (e < g->neta)
		return twin_nomem(err);
	svg_end(ob);
	return 0;
}

/* eta-cov: a panel per ETA and covariate. */
static int
eta_cov(const struct gof *g, const struct gof_opts *o, struct outbuf *ob,
    struct twin_err *err)
{
	int ncov = g->nname - g->neta, e, k, i, n;
	double *x = malloc((g->nid + 1) * sizeof(double));
	double *y = malloc((g->nid + 1) * sizeof(double));
	char title[160];
	struct page pg;

	if (x == NULL || y == NULL) {
		free(x);
		free(y);
		return twin_nomem(err);
	}
	page_begin(&pg, ob, o, "Random effects against covariates",
	    "Covariate", "ETA", g->neta * ncov, 0);
	for (e = 0; e < g->neta; e++)
		for (k = 0; k < ncov; k++) {
			double x0 = 0, x1 = 1, y0 = 0, y1 = 0, a;
			struct panel p;
			struct chart c;

			for (i = n = 0; i < g->nid; i++) {
				x[n] = g->idval[(size_t)i * g->nname +
				    g->neta + k];
				y[n] = g->idval[(size_t)i * g->nname + e];
				n += isfinite(x[n]) && isfinite(y[n]);
			}
			range(x, n, 0, &x0, &x1);
			range(y, n, 0, &y0, &y1);
			a = fabs(y0) > fabs(y1) ? fabs(y0) : fabs(y1);
			y1 = a > 0 ? a : 1;
			y0 = 0;
			chart_headroom(y0, &y1, 0);
			page_panel(&pg, e * ncov + k, &p);
			p.x0 = x0;
			p.x1 = x1;
			p.y0 = -y1;
			p.y1 = y1;
			chart_panel(&c, ob, &p);
			snprintf(title, sizeof(title), "%s vs %s", g->name[e],
			    g->name[g->neta + k]);
			chart_axes(&c, title, NULL, NULL, 0, 0);
			chart_hline(&c, 0, GREY, 0);
			chart_points(&c, x, y, n, BLUE);
		}
	svg_end(ob);
	free(x);
	free(y);
	return 0;
}

int
gof_draw(const struct gof *g, const struct gof_opts *o, int page,
    struct outbuf *ob, struct twin_err *err)
{
	if (g->nrow == 0)
		return twin_errork(err, TWIN_EINPUT, "%s: no records",
		    gof_kinds[o->kind]);
	if (!gof_has(g, o->kind))
		return twin_errork(err, TWIN_EINPUT, "%s: the table lacks "
		    "its columns", gof_kinds[o->kind]);
	switch (o->kind) {
	case GOF_INDIV:
		return indiv(g, o, page, ob, err);
	case GOF_ETA_HIST:
		return eta_hist(g, o, ob, err);
	case GOF_ETA_COV:
		return eta_cov(g, o, ob, err);
	default:
		return scatter(g, o, ob, err);
	}
}
