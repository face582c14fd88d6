/*
 * test_model_yaml.c - model_load_string: model text in memory loads as the
 * same text in a file does (the generated whole-body models depend on it),
 * and its messages name the text by the name given; the model hash
 * (model.h) is FNV-1a-64 of the text either way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/model.h"
#include "util/shard.h"
#include "tap.h"
#include "slurp.h"

/* Same structure, parameters and programs' results at one point. */
static int
same_model(const struct model *a, const struct model *b)
{
	double *va, *vb, ya[64], yb[64];
	int i, same;

	if (a->nslot != b->nslot || a->nstate != b->nstate ||
	    a->ntheta != b->ntheta || a->neta != b->neta ||
	    a->nind != b->nind || a->nout != b->nout || a->njac != b->njac ||
	    a->linear != b->linear || a->nroute != b->nroute ||
	    a->nbound != b->nbound || a->errkind != b->errkind ||
	    a->nstate > 64)
		return 0;
	for (i = 0; i < a->nslot; i++)
		if (strcmp(a->slotname[i], b->slotname[i]))
			return 0;
	for (i = 0; i < a->ntheta; i++)
		if (a->theta[i] != b->theta[i])
			return 0;
	for (i = 0; i < a->neta * a->neta; i++)
		if (a->omega[i] != b->omega[i])
			return 0;
	va = calloc(a->nslot, sizeof(double));
	vb = calloc(b->nslot, sizeof(double));
	for (i = 0; i < a->ntheta; i++)
		va[a->theta0 + i] = vb[b->theta0 + i] = a->theta[i];
	for (i = 0; i < a->ncov; i++)
		va[a->cov0 + i] = vb[b->cov0 + i] = a->covdefault[i];
	for (i = 0; i < a->nind; i++) {
		va[a->ind0 + i] = tape_eval(a->ind[i], va);
		vb[b->ind0 + i] = tape_eval(b->ind[i], vb);
	}
	for (i = 0; i < a->nstate; i++)
		va[a->state0 + i] = vb[b->state0 + i] = 1 + 0.5 * i;
	model_eval_rhs(a, va, ya);
	model_eval_rhs(b, vb, yb);
	same = memcmp(ya, yb, a->nstate * sizeof(double)) == 0;
	free(va);
	free(vb);
	return same;
}

int
main(void)
{
	static const char *const files[] = { "pk2cmt", "vanco", "ivp" };
	struct twin_err err;
	struct model *a, *b;
	char path[256], what[256];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *text;

		snprintf(path, sizeof(path), "../../models/%s.yaml", files[i]);
		text = slurp(path, NULL);
		a = model_load(path, &err);
		b = text ? model_load_string(text, "mem", &err) : NULL;
		snprintf(what, sizeof(what), "%s: the text in memory gives "
		    "the model the file gives", files[i]);
		tap_ok(a && b && same_model(a, b), what);
		snprintf(what, sizeof(what), "%s: its name: key names it, "
		    "it has no path", files[i]);
		tap_ok(b && !strcmp(b->name, files[i]) && b->path == NULL,
		    what);
		snprintf(what, sizeof(what), "%s: the hash of the file's "
		    "bytes and of the same text in memory, FNV-1a-64 of it",
		    files[i]);
		tap_ok(a && b && text && a->hash == b->hash && a->hash ==
		    fnv1a64(FNV64_BASIS, text, strlen(text)), what);
		model_free(a);
		model_free(b);
		free(text);
	}

	/* Without a name: key the name given names the model. */
	a = model_load_string("compartments: [c]\node: {c: -c}\n"
	    "output: {Y: c}\n", "gen", &err);
	tap_ok(a && !strcmp(a->name, "gen") && a->nstate == 1,
	    "a model without a name: key is called by the name given");
	model_free(a);

	/* Messages name the text by the name given, with line and column. */
	a = model_load_string("compartments: [c]\node: {c: -k*c}\n"
	    "output: {Y: c}\n", "drug", &err);
	tap_ok(a == NULL && strstr(err.msg, "drug:2:") &&
	    strstr(err.msg, "\"k\""),
	    "an unknown name is reported at drug:LINE:COL");
	if (a == NULL)
		printf("# %s\n", err.msg);
	model_free(a);
	a = model_load_string("compartments: [c\node: {c: -c}\n", "drug",
	    &err);
	tap_ok(a == NULL && !strncmp(err.msg, "drug:", 5),
	    "malformed YAML is reported at drug:LINE:COL");
	printf("# %s\n", err.msg);
	model_free(a);
	/* routes: size: names the covariate that doses set */
	a = model_load_string("compartments: [g, c]\n"
	    "routes: {meal: {compartment: g, unit: mg, size: D}}\n"
	    "covariates: {D: 0}\node: {g: -g, c: g - c * D}\n"
	    "output: {Y: c}\n", "sized", &err);
	tap_ok(a && a->nroute == 1 && a->routesize[0] == 0 &&
	    a->cmtsize[0] == 0 && a->cmtsize[1] == -1,
	    "routes: meal {compartment: g, unit: mg, size: D} sets D");
	if (a == NULL)
		printf("# %s\n", err.msg);
	model_free(a);
	a = model_load_string("compartments: [g]\n"
	    "routes: {meal: {compartment: g, size: K}}\n"
	    "individual: {K: 2}\node: {g: -K * g}\n"
	    "output: {Y: g}\n", "sized", &err);
	tap_ok(a == NULL && strstr(err.msg, "sized:2:") &&
	    strstr(err.msg, "size \"K\" is not a covariate (it is an "
	    "individual parameter)"),
	    "routes: a size that is an individual parameter is an error at "
	    "its line");
	printf("# %s\n", err.msg);
	model_free(a);
	/* tolerance: the model's own; optional: a covariate's default that
	 * means "not given" */
	a = model_load_string("compartments: [c]\n"
	    "covariates: {U: {default: 0, optional: true}, W: 70}\n"
	    "ode: {c: -c * (1 + U) * W / 70}\n"
	    "tolerance: {rtol: 1e-6, atol: 1e-8}\n"
	    "output: {Y: c}\n", "tol", &err);
	tap_ok(a && a->rtol == 1e-6 && a->atol == 1e-8 &&
	    a->covhasdefault[0] == MODEL_COV_OPTIONAL &&
	    a->covhasdefault[1] == 1 && a->covdefault[0] == 0,
	    "tolerance: {rtol: 1e-6, atol: 1e-8}; U optional, W not");
	if (a == NULL)
		printf("# %s\n", err.msg);
	model_free(a);
	a = model_load_string("compartments: [c]\node: {c: -c}\n"
	    "output: {Y: c}\n", "notol", &err);
	tap_ok(a && a->rtol == 0 && a->atol == 0,
	    "no tolerance: key: 0, the programs' own");
	model_free(a);
	a = model_load_string("compartments: [c]\node: {c: -c}\n"
	    "tolerance: {rtol: 0.5, atol: 1e-8}\noutput: {Y: c}\n", "tol",
	    &err);
	tap_ok(a == NULL && strstr(err.msg, "tol:3:") &&
	    strstr(err.msg, "relative tolerance 0.5 is outside"),
	    "tolerance: rtol 0.5 is refused at its line");
	printf("# %s\n", err.msg);
	model_free(a);
	a = model_load_string("", "empty", &err);
	tap_ok(a == NULL && strstr(err.msg, "empty: empty model file"),
	    "empty text is an error naming it");
	printf("# %s\n", err.msg);
	model_free(a);
	return tap_done();
}
