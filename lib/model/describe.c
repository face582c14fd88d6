/* realpath */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/describe.h"
#include "util/num.h"

double
model_omega_cv(double omega)
{
	if (!(omega >= 0))
		return NAN;
	return 100 * sqrt(expm1(omega));
}

/* The model's file, read whole (NULL when there is none or it cannot be
 * read: no notes then). */
static char *
slurp(const char *path)
{
	FILE *f;
	char *s = NULL;
	size_t n = 0, cap = 0;

	if (path == NULL || (f = fopen(path, "rb")) == NULL)
		return NULL;
	for (;;) {
		size_t k;

		if (cap - n < 4096) {
			char *p = realloc(s, cap ? 2 * cap : 8192);

			if (p == NULL) {
				free(s);
				fclose(f);
				return NULL;
			}
			s = p;
			cap = cap ? 2 * cap : 8192;
		}
		if ((k = fread(s + n, 1, cap - n - 1, f)) == 0)
			break;
		n += k;
	}
	fclose(f);
	s[n] = '\0';
	return s;
}

/* A text span [p, p + n). */
struct span {
	const char *p;
	int n;
};

static struct span
trim(const char *p, const char *e)
{
	struct span s;

	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	s.p = p;
	s.n = (int)(e - p);
	return s;
}

/*
 * The line "  NAME: VALUE  # NOTE" inside the top-level block "section:"
 * of src: VALUE and NOTE trimmed (n 0 when absent).  0 when found, -1
 * otherwise.
 */
static int
src_entry(const char *src, const char *section, const char *name,
    struct span *val, struct span *note)
{
	size_t ls = strlen(section), ln = strlen(name);
	const char *p = src, *eol;
	int in = 0;

	val->n = note->n = 0;
	if (src == NULL)
		return -1;
	for (; *p != '\0'; p = *eol ? eol + 1 : eol) {
		const char *q = p, *hash;

		eol = strchr(p, '\n');
		if (eol == NULL)
			eol = p + strlen(p);
		if (*p != ' ' && *p != '\t') {
			if (p == eol || *p == '#' || *p == '\r')
				continue;
			in = !strncmp(p, section, ls) && p[ls] == ':';
			continue;
		}
		if (!in)
			continue;
		while (q < eol && (*q == ' ' || *q == '\t'))
			q++;
		/* a line shorter than name differs at its '\n' or NUL */
		if (strncmp(q, name, ln) != 0)
			continue;
		q += ln;
		while (q < eol && *q == ' ')
			q++;
		if (q == eol || *q != ':')
			continue;
		q++;
		for (hash = q; hash < eol && *hash != '#'; hash++)
			;
		*val = trim(q, hash);
		if (hash < eol)
			*note = trim(hash + 1, eol);
		/* a block scalar: no expression on this line */
		if (val->n > 0 && (*val->p == '|' || *val->p == '>'))
			val->n = 0;
		return 0;
	}
	return -1;
}

/* Does the expression text name name as a whole word? */
static int
names(struct span e, const char *name)
{
	int ln = (int)strlen(name), i;

	for (i = 0; i + ln <= e.n; i++) {
		const char *q = e.p + i;

		if (strncmp(q, name, ln) != 0)
			continue;
		if (i > 0 && (q[-1] == '_' || q[-1] == '.' ||
		    (q[-1] >= '0' && q[-1] <= '9') ||
		    ((q[-1] | 32) >= 'a' && (q[-1] | 32) <= 'z')))
			continue;
		if (i + ln < e.n && (q[ln] == '_' || (q[ln] >= '0' &&
		    q[ln] <= '9') || ((q[ln] | 32) >= 'a' &&
		    (q[ln] | 32) <= 'z')))
			continue;
		return 1;
	}
	return 0;
}

struct out {
	FILE *f;
	enum model_describe_form form;
	const char *src;
	int w;			/* text: the width of names */
};

/* A value the model gives (a theta, omega, default, sigma): as written,
 * the shortest text that reads back as the same double. */
static const char *
exact(double x, char *buf)
{
	if (isnan(x))
		return strcpy(buf, ".");
	twin_dtoa(x, buf);
	return buf;
}

/* A number derived here (CV%, SD, a correlation): exact in TSV, to 4
 * significant digits in text. */
static const char *
num(const struct out *o, double x, char *buf)
{
	if (isnan(x))
		return strcpy(buf, ".");
	if (o->form == MODEL_DESCRIBE_TSV)
		twin_dtoa(x, buf);
	else
		snprintf(buf, TWIN_NUMBUF, "%.4g", x);
	return buf;
}

/* A TSV line: KIND NAME VALUE INFO NOTE, "." for an empty field, tabs
 * and newlines in a field made spaces. */
static void
tsv_field(FILE *f, const char *s, int n, int last)
{
	int i;

	if (s == NULL || n == 0)
		fputc('.', f);
	for (i = 0; s != NULL && i < n && s[i] != '\0'; i++)
		fputc(s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ? ' ' :
		    s[i], f);
	fputc(last ? '\n' : '\t', f);
}

static void
tsv(const struct out *o, const char *kind, const char *name,
    const char *value, const char *info, struct span note)
{
	tsv_field(o->f, kind, (int)strlen(kind), 0);
	tsv_field(o->f, name, name ? (int)strlen(name) : 0, 0);
	tsv_field(o->f, value, value ? (int)strlen(value) : 0, 0);
	tsv_field(o->f, info, info ? (int)strlen(info) : 0, 0);
	tsv_field(o->f, note.p, note.n, 1);
}

/* A text line: "  NAME  VALUE  INFO  # NOTE", without trailing blanks. */
static void
text_line(const struct out *o, const char *name, const char *value,
    const char *info, struct span note)
{
	char buf[2048];
	int k = snprintf(buf, sizeof(buf), "  %-*s", o->w, name);

	/* value "": an empty column, NULL: none */
	if (k >= 0 && k < (int)sizeof(buf) && value != NULL)
		k += snprintf(buf + k, sizeof(buf) - k, "  %-10s", value);
	if (k >= 0 && k < (int)sizeof(buf) && info != NULL && *info)
		k += snprintf(buf + k, sizeof(buf) - k, "  %s", info);
	if (k < 0)
		k = 0;
	if (k >= (int)sizeof(buf))
		k = (int)sizeof(buf) - 1;
	while (k > 0 && buf[k - 1] == ' ')
		k--;
	fprintf(o->f, "%.*s", k, buf);
	if (note.n > 0)
		fprintf(o->f, "%*s# %.*s", k < 32 ? 34 - k : 2, "", note.n,
		    note.p);
	fputc('\n', o->f);
}

static void
line(const struct out *o, const char *kind, const char *name,
    const char *value, const char *info, struct span note)
{
	if (o->form == MODEL_DESCRIBE_TSV)
		tsv(o, kind, name, value, info, note);
	else
		text_line(o, name, value, info, note);
}

static void
heading(struct out *o, const char *title, int n, const char *const *nm,
    int stride)
{
	int i;

	if (o->form == MODEL_DESCRIBE_TSV)
		return;
	fprintf(o->f, "\n%s\n", title);
	o->w = 4;
	for (i = 0; i < n; i++)
		if ((int)strlen(nm[i * stride]) > o->w)
			o->w = (int)strlen(nm[i * stride]);
}

static const struct span none = { NULL, 0 };

static void
header(const struct model *m, struct out *o)
{
	char hash[40], *full = m->path ? realpath(m->path, NULL) : NULL;
	const char *path = full ? full : m->path;

	snprintf(hash, sizeof(hash), "fnv1a64:%016llx",
	    (unsigned long long)m->hash);
	if (o->form == MODEL_DESCRIBE_TSV) {
		fputs("KIND\tNAME\tVALUE\tINFO\tNOTE\n", o->f);
		line(o, "model", "name", m->name, NULL, none);
		line(o, "model", "description", m->description, NULL, none);
		line(o, "model", "file", path, NULL, none);
		line(o, "model", "hash", m->hash ? hash : NULL, NULL, none);
		line(o, "unit", "time", m->units_time, NULL, none);
		line(o, "unit", "amount", m->units_amount, NULL, none);
		line(o, "unit", "concentration", m->units_conc, NULL, none);
		free(full);
		return;
	}
	fprintf(o->f, "model         %s\n", m->name);
	if (m->description != NULL)
		fprintf(o->f, "description   %s\n", m->description);
	fprintf(o->f, "file          %s\n", path ? path :
	    "(none: generated, e.g. from a drug file)");
	free(full);
	if (m->hash)
		fprintf(o->f, "hash          %s\n", hash);
	fprintf(o->f, "units         time %s, amount %s, concentration %s\n",
	    m->units_time ? m->units_time : "h (not given)",
	    m->units_amount ? m->units_amount : "(not given)",
	    m->units_conc ? m->units_conc : "(not given)");
}

static const char *const propname[NPROP] = {
	"lag", "bioavailability", "rate", "duration", "init"
};

static void
compartments(const struct model *m, struct out *o)
{
	struct span v, note;
	char info[512];
	int i, k, p;

	heading(o, "compartments (doses: routes)", m->nstate,
	    (const char *const *)m->slotname + m->state0, 1);
	for (i = 0; i < m->nstate; i++) {
		const char *nm = m->slotname[m->state0 + i];
		size_t len = 0;

		info[0] = '\0';
		for (k = 0; k < m->nroute; k++) {
			if (m->routecmt[k] != i)
				continue;
			len += snprintf(info + len, sizeof(info) - len,
			    "%s%s", len ? ", " : o->form == MODEL_DESCRIBE_TSV ?
			    "routes=" : "route ", m->routename[k]);
			if (len < sizeof(info) && m->routeunit[k] != NULL)
				len += snprintf(info + len, sizeof(info) - len,
				    " (%s)", m->routeunit[k]);
			if (len < sizeof(info) && m->routesize[k] >= 0)
				len += snprintf(info + len, sizeof(info) - len,
				    " (size: %s)", m->slotname[m->cov0 +
				    m->routesize[k]]);
			if (len >= sizeof(info))
				len = sizeof(info) - 1;
		}
		line(o, "compartment", nm, NULL, info, none);
		for (p = 0; p < NPROP; p++) {
			if (m->cmtprop == NULL ||
			    m->cmtprop[i * NPROP + p] == NULL)
				continue;
			src_entry(o->src, propname[p], nm, &v, &note);
			snprintf(info, sizeof(info), "%s %.*s", propname[p],
			    v.n, v.p);
			if (o->form == MODEL_DESCRIBE_TSV) {
				snprintf(info, sizeof(info), "%.*s", v.n, v.p);
				line(o, propname[p], nm, info, NULL, note);
			} else
				line(o, "", "", NULL, info, note);
		}
	}
}

static void
thetas(const struct model *m, struct out *o)
{
	struct span v, note;
	char buf[TWIN_NUMBUF];
	int i;

	heading(o, "parameters (theta)", m->ntheta,
	    (const char *const *)m->slotname + m->theta0, 1);
	for (i = 0; i < m->ntheta; i++) {
		const char *nm = m->slotname[m->theta0 + i];

		src_entry(o->src, "theta", nm, &v, &note);
		line(o, "theta", nm, exact(m->theta[i], buf), NULL, note);
	}
}

static void
omegas(const struct model *m, struct out *o)
{
	struct span v, note;
	char key[256], a[TWIN_NUMBUF], b[TWIN_NUMBUF], info[128];
	int i, j;

	if (m->neta == 0)
		return;
	heading(o, "random effects (omega; CV% = 100 sqrt(exp(omega) - 1); "
	    "SD = sqrt(omega))",
	    m->neta, (const char *const *)m->slotname + m->eta0, 1);
	for (i = 0; i < m->neta; i++) {
		double w = m->omega[i * m->neta + i];
		const char *nm = m->slotname[m->eta0 + i];
		const char *bare = strncmp(nm, "ETA_", 4) ? nm : nm + 4;

		src_entry(o->src, "omega", bare, &v, &note);
		if (o->form == MODEL_DESCRIBE_TSV)
			snprintf(info, sizeof(info), "cv=%s sd=%s",
			    num(o, model_omega_cv(w), a),
			    num(o, sqrt(w), b));
		else
			snprintf(info, sizeof(info), "CV %s%%  SD %s",
			    num(o, model_omega_cv(w), a),
			    num(o, sqrt(w), b));
		line(o, "omega", nm, exact(w, a), info, note);
	}
	for (i = 0; i < m->neta; i++)
		for (j = 0; j < i; j++) {
			double c = m->omega[i * m->neta + j];
			double r = c / sqrt(m->omega[i * m->neta + i] *
			    m->omega[j * m->neta + j]);

			if (c == 0)
				continue;
			snprintf(key, sizeof(key), "%s,%s",
			    m->slotname[m->eta0 + j],
			    m->slotname[m->eta0 + i]);
			snprintf(info, sizeof(info), o->form ==
			    MODEL_DESCRIBE_TSV ? "r=%s" :
			    "covariance, correlation %s", num(o, r, b));
			line(o, "omega", key, exact(c, a), info, none);
		}
}

/* Where a covariate can enter: the section, the names defined there
 * (offsets of their first slot and count in struct model) and how a use
 * is shown. */
static const struct {
	const char *section;
	size_t base, n;
	const char *fmt;
} use[] = {
	{ "individual", offsetof(struct model, ind0),
	    offsetof(struct model, nind), "%s" },
	{ "derived", offsetof(struct model, der0),
	    offsetof(struct model, nder), "%s" },
	{ "ode", offsetof(struct model, state0),
	    offsetof(struct model, nstate), "d%s/dt" },
	{ "output", offsetof(struct model, out0),
	    offsetof(struct model, nout), "%s" },
};
#define NUSE	(int)(sizeof(use) / sizeof(use[0]))

static void
covariates(const struct model *m, struct out *o)
{
	static const char *const interp[] = { "locf", "nocb", "linear" };
	struct span v, note, e, n2;
	char buf[TWIN_NUMBUF], info[512];
	int i, k;

	if (m->ncov == 0)
		return;
	heading(o, "covariates (how given; where they enter)", m->ncov,
	    (const char *const *)m->slotname + m->cov0, 1);
	for (i = 0; i < m->ncov; i++) {
		const char *nm = m->slotname[m->cov0 + i];
		int has = m->covhasdefault[i];
		size_t len;

		src_entry(o->src, "covariates", nm, &v, &note);
		len = (size_t)snprintf(info, sizeof(info), o->form ==
		    MODEL_DESCRIBE_TSV ? "how=%s interp=%s" : "%s, %s",
		    has == 0 ? "required" : has == MODEL_COV_OPTIONAL ?
		    "optional" : "default", interp[m->covinterp[i]]);
		for (k = 0; k < NUSE; k++) {
			int j, base = *(const int *)((const char *)m +
			    use[k].base), n = *(const int *)((const char *)m +
			    use[k].n);

			for (j = 0; j < n && len < sizeof(info); j++) {
				const char *x = m->slotname[base + j];
				char what[256];

				if (src_entry(o->src, use[k].section, x, &e,
				    &n2) < 0 || !names(e, nm))
					continue;
				snprintf(what, sizeof(what), use[k].fmt, x);
				if (o->form == MODEL_DESCRIBE_TSV)
					len += snprintf(info + len, sizeof(info) -
					    len, "%s%s", strstr(info, " in=") ?
					    "," : " in=", what);
				else
					len += snprintf(info + len, sizeof(info) -
					    len, "%s%s", strstr(info, "; in ") ?
					    ", " : "; in ", what);
			}
		}
		if (len >= sizeof(info))
			info[sizeof(info) - 1] = '\0';
		line(o, "covariate", nm, has ? exact(m->covdefault[i], buf) :
		    "", info, note);
	}
}

static void
exprs(const struct model *m, struct out *o, const char *kind,
    const char *section, const char *title, int base, int n)
{
	struct span v, note;
	char val[1024];
	int i;

	if (n == 0)
		return;
	heading(o, title, n, (const char *const *)m->slotname + base, 1);
	for (i = 0; i < n; i++) {
		const char *nm = m->slotname[base + i];

		src_entry(o->src, section, nm, &v, &note);
		snprintf(val, sizeof(val), "%s%.*s", o->form ==
		    MODEL_DESCRIBE_TEXT && v.n ? "= " : "", v.n, v.p);
		line(o, kind, nm, val, kind[0] != 'o' || i != m->dv ? NULL :
		    o->form == MODEL_DESCRIBE_TSV ? "dv" :
		    "(dv: the observed output)", note);
	}
}

static void
error_model(const struct model *m, struct out *o)
{
	static const char *const kind[] = { "none", "additive",
	    "proportional", "combined (variances add)",
	    "combined (standard deviations add)", "exponential" };
	static const char *const tkind[] = { "none", "additive",
	    "proportional", "combined", "combined-sd", "exponential" };
	char a[TWIN_NUMBUF], info[128];
	const char *cu = m->units_conc;

	if (o->form == MODEL_DESCRIBE_TSV) {
		line(o, "error", "kind", tkind[m->errkind], NULL, none);
		if (m->errkind == ERR_ADDITIVE || m->errkind == ERR_COMBINED ||
		    m->errkind == ERR_COMBINED_SD)
			line(o, "error", "additive", exact(m->sigma_add, a),
			    cu, none);
		if (m->errkind == ERR_PROPORTIONAL ||
		    m->errkind == ERR_COMBINED || m->errkind == ERR_COMBINED_SD)
			line(o, "error", "proportional",
			    exact(m->sigma_prop, a), "fraction", none);
		if (m->errkind == ERR_EXPONENTIAL)
			line(o, "error", "exponential",
			    exact(m->sigma_prop, a), "log scale", none);
		return;
	}
	fprintf(o->f, "\nresidual error (sigma as standard deviations)\n");
	o->w = 12;
	line(o, "error", "kind", kind[m->errkind], NULL, none);
	if (m->errkind == ERR_ADDITIVE || m->errkind == ERR_COMBINED ||
	    m->errkind == ERR_COMBINED_SD) {
		snprintf(info, sizeof(info), "SD%s%s", cu ? ", " : "",
		    cu ? cu : "");
		line(o, "error", "additive", exact(m->sigma_add, a), info,
		    none);
	}
	if (m->errkind == ERR_PROPORTIONAL || m->errkind == ERR_COMBINED ||
	    m->errkind == ERR_COMBINED_SD) {
		snprintf(info, sizeof(info), "SD, a fraction of the "
		    "prediction (%.4g%%)", 100 * m->sigma_prop);
		line(o, "error", "proportional", exact(m->sigma_prop, a),
		    info, none);
	}
	if (m->errkind == ERR_EXPONENTIAL)
		line(o, "error", "exponential", exact(m->sigma_prop, a),
		    "SD of log Y", none);
}

static void
bounds(const struct model *m, struct out *o)
{
	char text[512];
	int i;

	if (m->nbound == 0)
		return;
	if (o->form == MODEL_DESCRIBE_TEXT)
		fprintf(o->f, "\nbounds\n");
	o->w = 0;
	for (i = 0; i < m->nbound; i++) {
		model_bound_text(m, &m->bound[i], text, sizeof(text));
		if (o->form == MODEL_DESCRIBE_TSV)
			line(o, "bound", m->bound[i].slot >= 0 ?
			    m->slotname[m->bound[i].slot] : "rule", text, NULL,
			    none);
		else
			fprintf(o->f, "  %s\n", text);
	}
}

/* A tolerance the model gives, or in text where the program's applies. */
static void
tolerance(struct out *o, const char *name, double x, const char *given)
{
	if (x > 0) {
		char a[TWIN_NUMBUF];

		line(o, "solver", name, exact(x, a), NULL, none);
	} else if (o->form == MODEL_DESCRIBE_TEXT)
		line(o, "solver", name, "", given, none);
}

static void
numerics(const struct model *m, struct out *o)
{
	bounds(m, o);
	if (o->form == MODEL_DESCRIBE_TEXT)
		fprintf(o->f, "\nnumerics\n");
	o->w = 9;
	line(o, "solver", "solver", ode_method_name(m->solver), m->solver ==
	    ODE_AUTO && o->form == MODEL_DESCRIBE_TEXT ?
	    "(the model asks for none)" : NULL, none);
	tolerance(o, "rtol", m->rtol, "the program's (--rtol)");
	tolerance(o, "atol", m->atol, "the program's (--atol)");
	if (m->sensor != NULL)
		line(o, "solver", "sensor", m->sensor, o->form ==
		    MODEL_DESCRIBE_TEXT ? "(the CGM error of --ruv)" : NULL,
		    none);
}

int
model_describe(const struct model *m, enum model_describe_form form,
    FILE *f, struct twin_err *err)
{
	struct out o;
	char *src = slurp(m->path);

	memset(&o, 0, sizeof(o));
	o.f = f;
	o.form = form;
	o.src = src;
	header(m, &o);
	compartments(m, &o);
	thetas(m, &o);
	omegas(m, &o);
	covariates(m, &o);
	exprs(m, &o, "individual", "individual", "individual parameters",
	    m->ind0, m->nind);
	exprs(m, &o, "output", "output", "outputs", m->out0, m->nout);
	error_model(m, &o);
	numerics(m, &o);
	free(src);
	if (fflush(f) == EOF || ferror(f))
		return twin_errork(err, TWIN_ESYSTEM, "write error: %s",
		    strerror(errno));
	return 0;
}
