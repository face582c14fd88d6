/* pbpk.c - see pbpk.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "body/formula.h"
#include "body/pbpk.h"
#include "body/phys.h"
#include "body/wbody.h"

/* The reference man's value of a phys.h definition (AGE_REF, ...). */
static int
ref_value(const struct phys *ph, const char *name, double *x,
    struct twin_err *err)
{
	static const char *const names[] = { "SEX" };
	static const double one[] = { 1 };
	const struct formula *f = phys_def_find(ph, name);

	if (f == NULL)
		return twin_error(err, "physiology: no definition %s", name);
	return formula_eval(f->text, names, one, 1, x, err);
}

/* The reference man's haematocrit (phys.h's HCT). */
static int
ref_hct(const struct phys *ph, double *hct, struct twin_err *err)
{
	struct phys_values v;
	double cov[PHYS_NCOV];

	cov[PHYS_SEX] = 1;
	if (ref_value(ph, "AGE_REF", &cov[PHYS_AGE], err) < 0 ||
	    ref_value(ph, "HT_REF", &cov[PHYS_HT], err) < 0 ||
	    ref_value(ph, "WT_REF", &cov[PHYS_WT], err) < 0 ||
	    phys_eval(ph, cov, &v, err) < 0)
		return -1;
	*hct = v.HCT;
	return 0;
}

static int
kp_with(const struct drug *d, const struct phys *ph, int method,
    double kp[TISSUE_NKP], double kpu[TISSUE_NKP], int *used,
    struct twin_err *err)
{
	struct kp_comp c;
	double hct;

	if (ref_hct(ph, &hct, err) < 0 || kp_comp_load(&c, err) < 0 ||
	    drug_kp(d, &c, method, hct, kp, kpu, err) < 0)
		return -1;
	if (used)
		*used = method < 0 ? (int)d->method : method;
	return 0;
}

int
pbpk_kp(const struct drug *d, int method, double kp[TISSUE_NKP],
    double kpu[TISSUE_NKP], int *used, struct twin_err *err)
{
	struct phys *ph = phys_load(err);
	int rc;

	if (ph == NULL)
		return -1;
	rc = kp_with(d, ph, method, kp, kpu, used, err);
	phys_free(ph);
	return rc;
}

#define NCOV 5
#define MAXDEF 160
#define MAXBOUND 32

char *
pbpk_yaml(const struct drug *d, int method, struct twin_err *err)
{
	static const struct wbody_cov cov[NCOV] = {
		{ "SEX", 0, 0 }, { "AGE", 0, 0 }, { "HT", 0, 0 },
		{ "WT", 0, 0 }, { "SCR", 0, 0 }
	};
	struct wbody_def def[MAXDEF];
	const char *bound[MAXBOUND];
	struct phys *ph;
	struct wbody w;
	char clint[128], gfr[128], desc[256], *text = NULL;
	int i, n, t, used;

	if ((ph = phys_load(err)) == NULL)
		return NULL;
	wbody_init(&w);
	w.name = d->name;
	if (kp_with(d, ph, method, w.kp, NULL, &used, err) < 0)
		goto out;
	snprintf(desc, sizeof(desc), "whole-body PBPK model of %s "
	    "(twin-pbpk; Kp by %s)", d->name, kp_method_name(used));
	w.description = desc;
	w.cov = cov;
	w.ncov = NCOV;
	n = phys_def_count(ph);
	if (n + 2 > MAXDEF) {
		twin_error(err, "physiology: %d definitions, at most %d", n,
		    MAXDEF - 2);
		goto out;
	}
	for (i = 0; i < n; i++) {
		def[i].name = phys_def_at(ph, i)->name;
		def[i].expr = phys_def_at(ph, i)->text;
	}
	/* phys.h's BSA is formula.h's: EGFR and GFR use it */
	def[n].name = "EGFR";
	def[n++].expr = formula_find("EGFR")->text;
	def[n].name = "GFR_CKDEPI";
	def[n++].expr = formula_find("GFR")->text;
	w.def = def;
	w.ndef = n;
	for (t = 0; t < TISSUE_N; t++) {
		w.V[t] = phys_volume_expr(ph, t);
		w.Q[t] = t == TISSUE_LUNG || t >= TISSUE_NKP ? NULL :
		    phys_flow_expr(ph, t);
	}
	w.bp = d->kp.bp;
	w.fu = d->kp.fu;
	if (d->clint_kind == DRUG_CLINT_UNBOUND)
		snprintf(clint, sizeof(clint), "%.17g", d->clint);
	else	/* L/h per g of liver x the person's liver, kg -> g */
		snprintf(clint, sizeof(clint), "%.17g * 1000 * M_liver",
		    drug_clint_per_g(d));
	w.clint = clint;
	if (!isnan(d->cl_renal))
		snprintf(gfr, sizeof(gfr), "%.17g", d->cl_renal);
	else if (d->cl_secretion > 0)
		snprintf(gfr, sizeof(gfr), "GFR_CKDEPI + %.17g",
		    d->cl_secretion);
	else
		snprintf(gfr, sizeof(gfr), "GFR_CKDEPI");
	w.gfr = gfr;
	w.no_oral = isnan(d->ka);
	w.ka = w.no_oral ? 0 : d->ka;
	w.fa = d->fa * d->fg;
	w.lag = d->lag;
	w.ntransit = d->ntransit;
	w.mtt = d->mtt;
	w.omega_clint = d->omega_clint;
	w.omega_gfr = d->omega_gfr;
	w.omega_kp = d->omega_kp;
	w.err_add = d->err_add;
	w.err_prop = d->err_prop;
	n = phys_rule_count(ph);
	if (n + 1 > MAXBOUND) {
		twin_error(err, "physiology: %d rules, at most %d", n,
		    MAXBOUND - 1);
		goto out;
	}
	for (i = 0; i < n; i++)
		bound[i] = phys_rule_at(ph, i)->text;
	bound[n++] = "SCR > 0";
	w.bounds = bound;
	w.nbounds = n;
	text = wbody_yaml(&w, err);
out:
	phys_free(ph);
	return text;
}

int
pbpk_find(const char *name, char *buf, size_t bufsz, struct twin_err *err)
{
	char dir[4096], places[1024];
	size_t used = 0;
	int i, n;

	if (model_name_is_path(name)) {
		if (access(name, R_OK) != 0)
			return twin_errork(err, TWIN_ESYSTEM, "%s: %s", name,
			    strerror(errno));
		n = snprintf(buf, bufsz, "%s", name);
		return n > 0 && (size_t)n < bufsz ? 0 :
		    twin_error(err, "%s: path too long", name);
	}
	places[0] = '\0';
	for (i = 0; model_dir(i, dir, sizeof(dir)) == 0; i++) {
		n = snprintf(buf, bufsz, "%s/%s/%s.yaml", dir, PBPK_DRUGDIR,
		    name);
		if (n > 0 && (size_t)n < bufsz && access(buf, R_OK) == 0)
			return 0;
		n = snprintf(places + used, sizeof(places) - used, "%s%s/%s",
		    i ? ", " : "", dir, PBPK_DRUGDIR);
		if (n > 0 && (size_t)n < sizeof(places) - used)
			used += n;
	}
	return twin_error(err, "model or drug \"%s\" not found: no model "
	    "%s.yaml and no drug file %s.yaml in %s", name, name, name,
	    places);
}

int
pbpk_is_drug(const char *path)
{
	char line[1024];
	FILE *f = fopen(path, "r");
	int drug = 1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (!strncmp(line, "compartments:", 13)) {
			drug = 0;
			break;
		}
	fclose(f);
	return drug;
}

static struct model *
drug_model(const char *path, struct twin_err *err)
{
	struct drug d;
	struct model *m = NULL;
	char *text;

	if (drug_load(&d, path, err) < 0)
		return NULL;
	if ((text = pbpk_yaml(&d, -1, err)) != NULL) {
		m = model_load_string(text, d.name, err);
		free(text);
	}
	drug_free(&d);
	return m;
}

struct model *
twin_model_open(const char *name, struct twin_err *err)
{
	char path[4096];
	struct twin_err e2;

	if (model_find(name, path, sizeof(path), err) == 0) {
		int isdrug;

		if ((isdrug = pbpk_is_drug(path)) < 0) {
			twin_errork(err, TWIN_ESYSTEM, "%s: %s", path,
			    strerror(errno));
			return NULL;
		}
		return isdrug ? drug_model(path, err) : model_load(path, err);
	}
	/* not a model: a drug file */
	if (err->kind == TWIN_ESYSTEM)
		return NULL;
	if (pbpk_find(name, path, sizeof(path), &e2) < 0) {
		size_t k = strlen(err->msg);

		snprintf(err->msg + k, sizeof(err->msg) - k, ", nor a drug "
		    "file %s.yaml in their %s/", name, PBPK_DRUGDIR);
		return NULL;
	}
	return drug_model(path, err);
}
