/* wbody.c - see wbody.h.  The text is written top to bottom in the order
 * of twin-model(5)'s sections; every name it uses is made here. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body/wbody.h"

struct sbuf {
	char *s;
	size_t len, cap;
	int nomem;
};

static void __attribute__((format(printf, 2, 3)))
put(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;

	if (b->nomem)
		return;
	for (;;) {
		int n;

		va_start(ap, fmt);
		n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->nomem = 1;
			return;
		}
		if ((size_t)n < b->cap - b->len) {
			b->len += n;
			return;
		}
		{
			size_t cap = 2 * b->cap + n + 256;
			char *s = realloc(b->s, cap);

			if (s == NULL) {
				b->nomem = 1;
				return;
			}
			b->s = s;
			b->cap = cap;
		}
	}
}

/* Append a term, first starting a continuation line (indented 4: YAML
 * reads it as part of the scalar or list it is in) if the term would run
 * past column 72. */
static void __attribute__((format(printf, 2, 3)))
term(struct sbuf *b, const char *fmt, ...)
{
	char t[256];
	size_t col = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t, sizeof(t), fmt, ap);
	va_end(ap);
	while (col < b->len && b->s[b->len - 1 - col] != '\n')
		col++;
	if (col + strlen(t) > 72)
		put(b, "\n   ");
	put(b, "%s", t);
}

/* A number in the fewest digits that read back as the same double. */
static void
put_num(struct sbuf *b, double x)
{
	char s[40];
	int p;

	for (p = 15; p < 17; p++) {
		snprintf(s, sizeof(s), "%.*g", p, x);
		if (strtod(s, NULL) == x)
			break;
	}
	snprintf(s, sizeof(s), "%.*g", p, x);
	put(b, "%s", s);
}

/* Text as a YAML scalar: plain where YAML reads it back unchanged,
 * double-quoted otherwise.  Whitespace controls become spaces (they are
 * whitespace to the expression language). */
static void
put_text(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);
	const char *p;
	int quote = n == 0 || strchr("!&*[]{}|>%@'\"`#,?:-", s[0]) ||
	    s[0] == ' ' || s[n - 1] == ' ' || s[n - 1] == ':' ||
	    strstr(s, ": ") || strstr(s, " #");

	for (p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == '"' || *p == '\\')
			quote = 1;
	if (!quote) {
		put(b, "%s", s);
		return;
	}
	put(b, "\"");
	for (p = s; *p; p++) {
		if (*p == '"' || *p == '\\')
			put(b, "\\%c", *p);
		else if ((unsigned char)*p < 0x20)
			put(b, " ");
		else
			put(b, "%c", *p);
	}
	put(b, "\"");
}

static int
valid_name(const char *s)
{
	const char *p;

	if (s == NULL || !(*s == '_' || (*s >= 'A' && *s <= 'Z') ||
	    (*s >= 'a' && *s <= 'z')))
		return 0;
	for (p = s; *p; p++)
		if (!(*p == '_' || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			return 0;
	return p - s <= WBODY_NAME_MAX;
}

/* Expression text: present, and free of controls other than whitespace. */
static int
check_text(const char *s, const char *what, const char *who,
    struct twin_err *err)
{
	const char *p;

	if (s == NULL || *s == '\0')
		return twin_error(err, "%s%s: no expression", what, who);
	for (p = s; *p; p++)
		if ((unsigned char)*p < 0x20 && !strchr("\t\n\r\f\v", *p))
			return twin_error(err, "%s%s: control character in "
			    "\"%.60s\"", what, who, s);
	return 0;
}

/* A systemic tissue other than the liver, the lung and the blood: arterial
 * blood in, venous blood out (kidney included, filtration aside). */
static int
nonportal(enum tissue t)
{
	return t != TISSUE_LIVER && t != TISSUE_LUNG && t < TISSUE_NKP &&
	    !tissue_portal(t);
}

static int
check(const struct wbody *w, struct twin_err *err)
{
	static const enum tissue need[] = { TISSUE_LUNG, TISSUE_LIVER,
	    TISSUE_GUT, TISSUE_KIDNEY, TISSUE_ARTERIAL, TISSUE_VENOUS };
	int i, t;

	if (!valid_name(w->name))
		return twin_error(err, "whole-body model name \"%.60s\" is "
		    "not a name", w->name ? w->name : "");
	for (i = 0; i < (int)(sizeof(need) / sizeof(need[0])); i++)
		if (w->V[need[i]] == NULL)
			return twin_error(err, "whole-body model: no volume "
			    "for %s", tissue_name(need[i]));
	for (t = 0; t < TISSUE_N; t++) {
		const char *n = tissue_name(t);
		int blood = t == TISSUE_LUNG || t >= TISSUE_NKP;

		if (w->V[t] == NULL) {
			if (w->Q[t] != NULL)
				return twin_error(err, "whole-body model: a "
				    "flow but no volume for %s", n);
			continue;
		}
		if (check_text(w->V[t], "V_", n, err) < 0)
			return -1;
		if (blood && w->Q[t] != NULL)
			return twin_error(err, "whole-body model: Q_%s is "
			    "given; the model makes it from the others", n);
		if (!blood && check_text(w->Q[t], "Q_", n, err) < 0)
			return -1;
		if (t < TISSUE_NKP && !(w->kp[t] > 0 && isfinite(w->kp[t])))
			return twin_error(err, "whole-body model: Kp_%s = %g "
			    "is not positive", n, w->kp[t]);
	}
	if (w->nextra < 0 || w->nextra > WBODY_MAX_EXTRA)
		return twin_error(err, "whole-body model: %d extra tissues, "
		    "at most %d", w->nextra, WBODY_MAX_EXTRA);
	for (i = 0; i < w->nextra; i++) {
		const struct wbody_tissue *x = &w->extra[i];

		if (!valid_name(x->name))
			return twin_error(err, "whole-body model: extra "
			    "tissue \"%.60s\" is not a name",
			    x->name ? x->name : "");
		if (check_text(x->V, "V_", x->name, err) < 0 ||
		    check_text(x->Q, "Q_", x->name, err) < 0)
			return -1;
		if (!(x->kp > 0 && isfinite(x->kp)))
			return twin_error(err, "whole-body model: Kp_%s = %g "
			    "is not positive", x->name, x->kp);
	}
	for (i = 0; i < w->ncov; i++)
		if (!valid_name(w->cov[i].name))
			return twin_error(err, "whole-body model: covariate "
			    "\"%.60s\" is not a name",
			    w->cov[i].name ? w->cov[i].name : "");
	for (i = 0; i < w->ndef; i++)
		if (!valid_name(w->def[i].name))
			return twin_error(err, "whole-body model: definition "
			    "\"%.60s\" is not a name",
			    w->def[i].name ? w->def[i].name : "");
		else if (check_text(w->def[i].expr, "", w->def[i].name,
		    err) < 0)
			return -1;
	if (check_text(w->clint, "", "CLint", err) < 0 ||
	    check_text(w->gfr, "", "GFR", err) < 0)
		return -1;
	if (!(w->bp > 0 && isfinite(w->bp)))
		return twin_error(err, "whole-body model: B:P = %g is not "
		    "positive", w->bp);
	if (!(w->fu > 0 && w->fu <= 1))
		return twin_error(err, "whole-body model: fu = %g is not in "
		    "(0, 1]", w->fu);
	if (w->ntransit < 0 || w->ntransit > WBODY_MAX_TRANSIT)
		return twin_error(err, "whole-body model: %d transit "
		    "compartments, at most %d", w->ntransit, WBODY_MAX_TRANSIT);
	if (w->ntransit > 0 && !(w->mtt > 0 && isfinite(w->mtt)))
		return twin_error(err, "whole-body model: mean transit time "
		    "%g is not positive", w->mtt);
	if (!(w->lag >= 0 && isfinite(w->lag)))
		return twin_error(err, "whole-body model: lag = %g is "
		    "negative or not finite", w->lag);
	if (!(w->fa >= 0 && w->fa <= 1))
		return twin_error(err, "whole-body model: fa = %g is not in "
		    "[0, 1]", w->fa);
	if (!(w->ka >= 0 && isfinite(w->ka)))
		return twin_error(err, "whole-body model: ka = %g is "
		    "negative or not finite", w->ka);
	if (!(w->omega_clint >= 0 && isfinite(w->omega_clint)) ||
	    !(w->omega_gfr >= 0 && isfinite(w->omega_gfr)) ||
	    !(w->omega_kp >= 0 && isfinite(w->omega_kp)))
		return twin_error(err, "whole-body model: a variance of the "
		    "random effects is negative or not finite");
	if (!(w->err_add >= 0 && isfinite(w->err_add)) ||
	    !(w->err_prop >= 0 && isfinite(w->err_prop)))
		return twin_error(err, "whole-body model: a residual error "
		    "is negative or not finite");
	for (i = 0; i < w->nbounds; i++)
		if (check_text(w->bounds[i], "", "bounds", err) < 0)
			return -1;
	return 0;
}

/* e*exp(eta), with e in parentheses unless a plain number or a name. */
static void
put_scaled(struct sbuf *b, const char *e, const char *eta)
{
	struct sbuf t = { NULL, 0, 0, 0 };
	char *end;
	int plain = valid_name(e) || ((e[0] == '.' ||
	    (e[0] >= '0' && e[0] <= '9')) && (strtod(e, &end), *end == '\0'));

	put(&t, plain ? "%s*exp(%s)" : "(%s)*exp(%s)", e, eta);
	if (t.nomem)
		b->nomem = 1;
	else
		put_text(b, t.s);
	free(t.s);
}

/* Each present tissue with a Kp (not the blood), in tissue.h's order. */
#define EACH_TISSUE(w, t) \
	for ((t) = 0; (t) < TISSUE_NKP; (t)++) if ((w)->V[t] != NULL)

/* 1 if the caller's definitions define the name prefix + name. */
static int
predefined(const struct wbody *w, const char *prefix, const char *name)
{
	size_t k = strlen(prefix);
	int i;

	for (i = 0; i < w->ndef; i++)
		if (!strncmp(w->def[i].name, prefix, k) &&
		    !strcmp(w->def[i].name + k, name))
			return 1;
	return 0;
}

static void
yaml(const struct wbody *w, struct sbuf *b)
{
	const char *L = tissue_name(TISSUE_LIVER);
	char absorb[32];
	int t, i;

	put(b, "# Whole-body perfusion-limited PBPK model, generated "
	    "(lib/body/wbody.c;\n# twin-model(5), Whole-body models).  "
	    "Volumes L, flows L/h, time h,\n# amounts mg, concentrations "
	    "mg/L.\n");
	put(b, "name: %s\n", w->name);
	put(b, "description: ");
	put_text(b, w->description ? w->description :
	    "whole-body perfusion-limited PBPK model");
	put(b, "\nunits: {time: h, amount: mg, volume: L, "
	    "concentration: mg/L}\n");

	/* compartments */
	put(b, "compartments: [lumen");
	for (i = 1; i <= w->ntransit; i++) {
		put(b, ",");
		term(b, " transit%d", i);
	}
	EACH_TISSUE(w, t) {
		put(b, ",");
		term(b, " %s", tissue_name(t));
	}
	for (i = 0; i < w->nextra; i++) {
		put(b, ",");
		term(b, " %s", w->extra[i].name);
	}
	put(b, ",\n    arterial, venous, metabolised, excreted, unabsorbed%s]\n",
	    w->auc ? ", AUC" : "");
	put(b, w->no_oral ? "routes: {iv: venous}\n" :
	    "routes: {iv: venous, oral: lumen}\n");

	/* theta */
	put(b, "theta:\n  BP: ");
	put_num(b, w->bp);
	put(b, "  # blood:plasma concentration ratio\n  fu: ");
	put_num(b, w->fu);
	put(b, "  # fraction unbound in plasma\n  ka: ");
	put_num(b, w->ka);
	put(b, "  # absorption rate constant, 1/h\n");
	if (w->ntransit > 0) {
		put(b, "  ktr: ");
		put_num(b, (w->ntransit + 1) / w->mtt);
		put(b, "  # transit rate, (n + 1)/MTT, 1/h\n");
	}
	put(b, "  fa: ");
	put_num(b, w->fa);
	put(b, "  # fraction of an oral dose absorbed\n");
	EACH_TISSUE(w, t) {
		put(b, "  Kp_%s: ", tissue_name(t));
		put_num(b, w->kp[t]);
		put(b, "\n");
	}
	for (i = 0; i < w->nextra; i++) {
		put(b, "  Kp_%s: ", w->extra[i].name);
		put_num(b, w->extra[i].kp);
		put(b, "\n");
	}

	if (w->ncov > 0) {
		put(b, "covariates:\n");
		for (i = 0; i < w->ncov; i++) {
			put(b, "  %s: ", w->cov[i].name);
			if (w->cov[i].hasdefault)
				put_num(b, w->cov[i].def);
			else
				put(b, "required");
			put(b, "\n");
		}
	}

	put(b, "omega:  # variances of log-normal random effects (0: off)\n"
	    "  CLint: ");
	put_num(b, w->omega_clint);
	put(b, "\n  GFR: ");
	put_num(b, w->omega_gfr);
	put(b, "\n  Kp: ");
	put_num(b, w->omega_kp);
	put(b, "    # one scalar on every Kp\n");

	/* individual */
	put(b, "individual:\n");
	for (i = 0; i < w->ndef; i++) {
		put(b, "  %s: ", w->def[i].name);
		put_text(b, w->def[i].expr);
		put(b, "\n");
	}
	for (t = 0; t < TISSUE_N; t++)
		if (w->V[t] != NULL && !predefined(w, "V_", tissue_name(t))) {
			put(b, "  V_%s: ", tissue_name(t));
			put_text(b, w->V[t]);
			put(b, "\n");
		}
	for (i = 0; i < w->nextra; i++) {
		put(b, "  V_%s: ", w->extra[i].name);
		put_text(b, w->extra[i].V);
		put(b, "\n");
	}
	for (t = 0; t < TISSUE_NKP; t++)
		if (w->V[t] != NULL && t != TISSUE_LUNG &&
		    !predefined(w, "Q_", tissue_name(t))) {
			put(b, "  Q_%s: ", tissue_name(t));
			put_text(b, w->Q[t]);
			put(b, t == TISSUE_LIVER ? "  # hepatic artery\n" :
			    "\n");
		}
	for (i = 0; i < w->nextra; i++) {
		put(b, "  Q_%s: ", w->extra[i].name);
		put_text(b, w->extra[i].Q);
		put(b, "\n");
	}
	put(b, "  Q_H: Q_%s", L);
	EACH_TISSUE(w, t)
		if (tissue_portal(t)) {
			term(b, " + Q_%s", tissue_name(t));
		}
	put(b, "  # total liver blood flow\n");
	if (!predefined(w, "", "CO")) {
		put(b, "  CO: Q_H");
		EACH_TISSUE(w, t)
			if (nonportal(t)) {
				term(b, " + Q_%s", tissue_name(t));
			}
		for (i = 0; i < w->nextra; i++) {
			term(b, " + Q_%s", w->extra[i].name);
		}
		put(b, "  # cardiac output\n");
	}
	put(b, "  SKp: exp(ETA_Kp)  # scalar on every Kp\n"
	    "  # hepatic intrinsic clearance of unbound drug, L/h\n"
	    "  CLint: ");
	put_scaled(b, w->clint, "ETA_CLint");
	put(b, "\n  # glomerular filtration rate, L/h\n  GFR: ");
	put_scaled(b, w->gfr, "ETA_GFR");
	put(b, "\n");

	/* derived */
	put(b, "derived:\n  Ca: arterial/V_arterial  # arterial blood\n"
	    "  Cv: venous/V_venous  # venous blood\n");
	put(b, "  # blood leaving each tissue: C x BP/Kp\n");
	EACH_TISSUE(w, t)
		put(b, "  Cb_%s: %s/V_%s*BP/(Kp_%s*SKp)\n", tissue_name(t),
		    tissue_name(t), tissue_name(t), tissue_name(t));
	for (i = 0; i < w->nextra; i++)
		put(b, "  Cb_%s: %s/V_%s*BP/(Kp_%s*SKp)\n", w->extra[i].name,
		    w->extra[i].name, w->extra[i].name, w->extra[i].name);
	put(b, "  MET: CLint*fu*%s/(V_%s*Kp_%s*SKp)  # metabolism, mg/h\n",
	    L, L, L);
	put(b, "  REN: GFR*fu*Ca/BP  # filtration of arterial plasma, "
	    "mg/h\n");

	/* ode */
	if (w->ntransit > 0) {
		put(b, "ode:\n  lumen: -ktr*lumen\n");
		for (i = 1; i <= w->ntransit; i++) {
			char from[32];

			if (i == 1)
				snprintf(from, sizeof(from), "lumen");
			else
				snprintf(from, sizeof(from), "transit%d", i - 1);
			put(b, "  transit%d: ktr*%s - %s*transit%d\n", i, from,
			    i == w->ntransit ? "ka" : "ktr", i);
		}
		snprintf(absorb, sizeof(absorb), "transit%d", w->ntransit);
	} else {
		put(b, "ode:\n  lumen: -ka*lumen\n");
		snprintf(absorb, sizeof(absorb), "lumen");
	}
	EACH_TISSUE(w, t) {
		const char *n = tissue_name(t);

		if (t == TISSUE_LIVER) {
			put(b, "  %s: Q_%s*Ca", n, n);
			EACH_TISSUE(w, i)
				if (tissue_portal(i)) {
					term(b, " + Q_%s*Cb_%s",
					    tissue_name(i), tissue_name(i));
				}
			put(b, "\n    - Q_H*Cb_%s - MET\n", n);
		} else if (t == TISSUE_LUNG)
			put(b, "  %s: CO*(Cv - Cb_%s)\n", n, n);
		else {
			put(b, "  %s: Q_%s*(Ca - Cb_%s)", n, n, n);
			if (t == TISSUE_GUT)
				put(b, " + fa*ka*%s", absorb);
			if (t == TISSUE_KIDNEY)
				put(b, " - REN");
			put(b, "\n");
		}
	}
	for (i = 0; i < w->nextra; i++)
		put(b, "  %s: Q_%s*(Ca - Cb_%s)\n", w->extra[i].name,
		    w->extra[i].name, w->extra[i].name);
	put(b, "  arterial: CO*(Cb_%s - Ca)\n", tissue_name(TISSUE_LUNG));
	put(b, "  venous: Q_H*Cb_%s", L);
	EACH_TISSUE(w, t)
		if (nonportal(t)) {
			term(b, " + Q_%s*Cb_%s", tissue_name(t),
			    tissue_name(t));
		}
	for (i = 0; i < w->nextra; i++) {
		term(b, " + Q_%s*Cb_%s", w->extra[i].name, w->extra[i].name);
	}
	put(b, "\n    - CO*Cv\n");
	put(b, "  metabolised: MET\n  excreted: REN\n"
	    "  unabsorbed: (1 - fa)*ka*%s\n", absorb);
	if (w->auc)
		put(b, "  AUC: Cv/BP\n");

	/* output */
	put(b, "output:\n  CP: Cv/BP  # venous plasma concentration\n");
	EACH_TISSUE(w, t)
		put(b, "  C_%s: %s/V_%s\n", tissue_name(t), tissue_name(t),
		    tissue_name(t));
	for (i = 0; i < w->nextra; i++)
		put(b, "  C_%s: %s/V_%s\n", w->extra[i].name,
		    w->extra[i].name, w->extra[i].name);
	put(b, "  C_arterial: Ca\n  C_venous: Cv\ndv: CP\n");
	if (w->err_add > 0 || w->err_prop > 0) {
		put(b, "error: {");
		if (w->err_add > 0) {
			put(b, "additive: ");
			put_num(b, w->err_add);
		}
		if (w->err_prop > 0) {
			put(b, w->err_add > 0 ? ", proportional: " :
			    "proportional: ");
			put_num(b, w->err_prop);
		}
		put(b, "}  # standard deviations\n");
	}

	if (w->lag > 0) {
		put(b, "lag: {lumen: ");
		put_num(b, w->lag);
		put(b, "}  # h\n");
	}

	/* bounds: the caller's first (they say why, e.g. the physiology's
	 * adipose floor, where a volume's sign would only say what) */
	put(b, "bounds: [");
	for (i = 0; i < w->nbounds; i++) {
		put_text(b, w->bounds[i]);
		put(b, ",\n    ");
	}
	put(b, "BP > 0, 0 < fu <= 1, ka >= 0, 0 <= fa <= 1, "
	    "CLint >= 0, GFR >= 0");
	for (t = 0; t < TISSUE_N; t++)
		if (w->V[t] != NULL) {
			put(b, ",");
			term(b, " V_%s > 0", tissue_name(t));
		}
	for (i = 0; i < w->nextra; i++) {
		put(b, ",");
		term(b, " V_%s > 0", w->extra[i].name);
	}
	put(b, "]\n");
}

void
wbody_init(struct wbody *w)
{
	memset(w, 0, sizeof(*w));
	w->fa = 1;
}

char *
wbody_yaml(const struct wbody *w, struct twin_err *err)
{
	struct sbuf b = { NULL, 0, 0, 0 };

	if (check(w, err) < 0)
		return NULL;
	yaml(w, &b);
	if (b.nomem || b.s == NULL) {
		free(b.s);
		twin_nomem(err);
		return NULL;
	}
	return b.s;
}

struct model *
wbody_model(const struct wbody *w, struct twin_err *err)
{
	struct model *m;
	char *text;

	if ((text = wbody_yaml(w, err)) == NULL)
		return NULL;
	m = model_load_string(text, w->name, err);
	free(text);
	return m;
}
