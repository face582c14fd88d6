/*
 * test_model.c - a model built from code through the builder calls, as a
 * PBPK generator will: a chain of 20 compartments made in a loop, solved
 * by both solvers and checked against the closed form of a chain of equal
 * first-order steps (the Erlang density: after a dose D into the first
 * compartment, compartment j holds D (kt)^j / j! exp(-kt), j = 0, 1, ...),
 * relative tolerance 1e-6 where the amount is at least 1e-3 mg.  Also:
 * builder errors name the offending name, and routes of administration
 * map to compartments.  Derived quantities: chains of 50 nested ones,
 * each using the previous twice, compile in well under 0.1 s to programs
 * linear in the chain's length, and their right-hand side and Jacobian
 * match closed forms; the Jacobian of the W3 PBPK model matches central
 * differences of its right-hand side.  A route's size: covariate takes
 * each dose's AMT (ADDL repeats interleaved, steady state, sensitivities
 * alike), a column of its own wins, and misuses fail model_finish.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model/model.h"
#include "data/record.h"
#include "solve/sim.h"
#include "tap.h"

#define NCHAIN 20

static struct model *
chain(struct twin_err *err)
{
	struct srcpos at = { NULL, 0, 0 };
	struct model *m = model_new("chain");
	char name[32], prev[32], expr[128];
	int i;

	if (m == NULL ||
	    model_add_theta(m, "K", 0.8, at, err) < 0)
		return NULL;
	for (i = 0; i < NCHAIN; i++) {
		snprintf(name, sizeof(name), "a%d", i);
		if (model_add_compartment(m, name, at, err) < 0)
			return NULL;
	}
	for (i = 0; i < NCHAIN; i++) {
		snprintf(name, sizeof(name), "a%d", i);
		snprintf(prev, sizeof(prev), "a%d", i - 1);
		if (i == 0)
			snprintf(expr, sizeof(expr), "-K*a0");
		else
			snprintf(expr, sizeof(expr), "K*%s - K*%s", prev, name);
		if (model_set_ode(m, name, expr, at, err) < 0)
			return NULL;
	}
	snprintf(expr, sizeof(expr), "a%d", NCHAIN - 1);
	if (model_add_output(m, "LAST", expr, at, err) < 0 ||
	    model_add_output(m, "FIFTH", "a4", at, err) < 0 ||
	    model_finish(m, err) < 0) {
		model_free(m);
		return NULL;
	}
	return m;
}

static double
erlang(int j, double k, double t)
{
	return 100 * exp(j * log(k * t) - lgamma(j + 1.0) - k * t);
}

static void
run(const struct model *m, enum ode_method meth, const char *what)
{
	char dir[] = "/tmp/twin-model-XXXXXX", path[64], msg[128];
	struct sim_opts so = { meth, 1e-10, 1e-12 };
	struct twin_err err;
	struct rec_reader *r = NULL;
	struct rec_indiv ind = { 0 };
	struct sim_cols cols;
	struct sim_indiv si;
	struct sim *s = NULL;
	double *out = NULL, worst = 0;
	FILE *fp;
	int k, bad, ok = 0, w = sim_width(m);

	memset(&si, 0, sizeof(si));
	memset(&cols, 0, sizeof(cols));
	if (mkdtemp(dir) == NULL)
		return;
	snprintf(path, sizeof(path), "%s/in.tsv", dir);
	if ((fp = fopen(path, "w")) == NULL)
		return;
	fprintf(fp, "ID\tTIME\tAMT\tCMT\n1\t0\t100\ta0\n");
	for (k = 1; k <= 60; k++)
		fprintf(fp, "1\t%g\t0\ta0\n", 0.5 * k);
	fclose(fp);
	if ((r = rec_open(path, &err)) == NULL ||
	    sim_cols_init(&cols, r, m, &err) < 0 ||
	    (s = sim_new(m, &so, &err)) == NULL ||
	    rec_next(r, &ind, &err) != 1 ||
	    sim_bind(&si, m, &cols, r, &ind, NULL, 0, &err) < 0 ||
	    (out = malloc((size_t)si.n * w * sizeof(double))) == NULL ||
	    sim_run(s, &si, 0, out, &bad, &err) < 0) {
		printf("# %s\n", err.msg);
		goto done;
	}
	for (k = 1; k < si.n; k++) {
		double t = si.rec[k].time;
		double last = erlang(NCHAIN - 1, 0.8, t);
		double fifth = erlang(4, 0.8, t);
		double r1 = fabs(out[(size_t)k * w] - last) / last;
		double r2 = fabs(out[(size_t)k * w + 1] - fifth) / fifth;

		/* Relative error means something above the absolute
		 * tolerance: amounts of at least 1e-3 mg of the 100 mg. */
		if (last >= 1e-3)
			worst = fmax(worst, r1);
		if (fifth >= 1e-3)
			worst = fmax(worst, r2);
	}
	ok = worst <= 1e-6;
	printf("# max relative error %.3g\n", worst);
done:
	snprintf(msg, sizeof(msg), "%d-compartment chain built in code, %s: "
	    "Erlang closed form", NCHAIN, what);
	tap_ok(ok, msg);
	free(out);
	sim_free(s);
	sim_indiv_free(&si);
	sim_cols_free(&cols);
	rec_indiv_free(&ind);
	rec_close(r);
	unlink(path);
	rmdir(dir);
}

/* Routes: names mapped to compartments, checked when the model is
 * finished; a route may be declared before its compartment. */
static void
routes(void)
{
	struct srcpos at = { "r.yaml", 7, 3 };
	struct twin_err err;
	struct model *m;

	m = model_new("routes");
	tap_ok(m != NULL &&
	    model_add_route(m, "po", "depot", NULL, at, &err) == 0 &&
	    model_add_compartment(m, "depot", at, &err) == 0 &&
	    model_add_compartment(m, "central", at, &err) == 0 &&
	    model_add_route(m, "iv", "central", NULL, at, &err) == 0 &&
	    model_set_ode(m, "depot", "-depot", at, &err) == 0 &&
	    model_set_ode(m, "central", "depot - central", at, &err) == 0 &&
	    model_add_output(m, "C", "central", at, &err) == 0 &&
	    model_finish(m, &err) == 0,
	    "routes: a model with routes po and iv finishes");
	tap_ok(m != NULL && m->nroute == 2 && model_route(m, "po") == 0 &&
	    model_route(m, "iv") == 1 && model_route(m, "sc") == -1 &&
	    model_route(m, "depot") == -1,
	    "routes: model_route gives the 0-based compartment, -1 if "
	    "undeclared");
	model_free(m);

	m = model_new("bad");
	tap_ok(model_add_compartment(m, "central", at, &err) == 0 &&
	    model_add_route(m, "iv", "central", NULL, at, &err) == 0 &&
	    model_add_route(m, "iv", "central", NULL, at, &err) < 0 &&
	    strstr(err.msg, "route \"iv\" is given twice") != NULL &&
	    strncmp(err.msg, "r.yaml:7:3: ", 12) == 0,
	    "routes: a duplicate route is refused with file:line:col");
	tap_ok(model_add_route(m, "2po", "central", NULL, at, &err) < 0 &&
	    strstr(err.msg, "invalid route name \"2po\"") != NULL,
	    "routes: a route name must be an identifier");
	model_free(m);

	m = model_new("bad");
	tap_ok(model_add_compartment(m, "central", at, &err) == 0 &&
	    model_add_route(m, "po", "gut", NULL, at, &err) == 0 &&
	    model_set_ode(m, "central", "-central", at, &err) == 0 &&
	    model_add_output(m, "C", "central", at, &err) == 0 &&
	    model_finish(m, &err) < 0 &&
	    strstr(err.msg, "route \"po\": unknown compartment \"gut\"") !=
	    NULL && strncmp(err.msg, "r.yaml:7:3: ", 12) == 0,
	    "routes: a route to an unknown compartment fails model_finish");
	model_free(m);
}
/* A one-compartment model with parameters CL, V, F and the bounds. */
static struct model *
bounded(const char *const *bounds, int n, struct twin_err *err)
{
	struct srcpos at = { NULL, 0, 0 };
	struct model *m = model_new("b");
	int i;

	if (model_add_compartment(m, "c", at, err) < 0 ||
	    model_add_theta(m, "TVCL", 5, at, err) < 0 ||
	    model_add_covariate(m, "WT", 1, 70, COV_LOCF, at, err) < 0 ||
	    model_add_individual(m, "CL", "TVCL * WT / 70", at, err) < 0 ||
	    model_add_individual(m, "F", "0.5", at, err) < 0 ||
	    model_set_ode(m, "c", "-CL*c", at, err) < 0 ||
	    model_add_output(m, "Y", "c", at, err) < 0)
		goto fail;
	for (i = 0; i < n; i++)
		if (model_add_bound(m, bounds[i], at, err) < 0)
			goto fail;
	if (model_finish(m, err) < 0)
		goto fail;
	return m;
fail:
	model_free(m);
	return NULL;
}


/* dB/dt = D, dC/dt = D - C, D the size covariate of route po (into A):
 * B integrates D, C tends to D. */
static struct model *
sized(const char *indexpr, enum cov_interp interp, const char *sizename,
    struct twin_err *err)
{
	struct srcpos at = { NULL, 0, 0 };
	struct model *m = model_new("sized");

	if (model_add_compartment(m, "A", at, err) < 0 ||
	    model_add_compartment(m, "B", at, err) < 0 ||
	    model_add_compartment(m, "C", at, err) < 0 ||
	    model_add_theta(m, "k", 0.5, at, err) < 0 ||
	    model_add_covariate(m, "D", 1, 0, interp, at, err) < 0 ||
	    model_add_individual(m, "KE", indexpr, at, err) < 0 ||
	    model_add_route(m, "po", "A", NULL, at, err) < 0 ||
	    model_set_route_size(m, "po", sizename, at, err) < 0 ||
	    model_set_ode(m, "A", "-KE*A", at, err) < 0 ||
	    model_set_ode(m, "B", "D", at, err) < 0 ||
	    model_set_ode(m, "C", "D - C", at, err) < 0 ||
	    model_add_output(m, "OB", "B", at, err) < 0 ||
	    model_add_output(m, "OC", "C", at, err) < 0 ||
	    model_add_output(m, "OD", "D", at, err) < 0 ||
	    model_finish(m, err) < 0) {
		model_free(m);
		return NULL;
	}
	return m;
}

/* Run the records text; outputs (nrec x sim_width) into *out, the
 * sensitivities' outputs into *sout when sout; returns records or -1. */
static int
run_text(const struct model *m, const char *text, double **out,
    double **sout)
{
	char dir[] = "/tmp/twin-size-XXXXXX", path[64];
	struct sim_opts so = { ODE_BDF, 1e-10, 1e-12 };
	struct twin_err err;
	struct rec_reader *r = NULL;
	struct rec_indiv ind = { 0 };
	struct sim_cols cols;
	struct sim_indiv si;
	struct sim *s = NULL;
	double *dout = NULL;
	FILE *fp;
	int bad, n = -1, w = sim_width(m);

	memset(&si, 0, sizeof(si));
	memset(&cols, 0, sizeof(cols));
	*out = NULL;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/in.tsv", dir);
	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	fputs(text, fp);
	fclose(fp);
	if ((r = rec_open(path, &err)) == NULL ||
	    sim_cols_init(&cols, r, m, &err) < 0 ||
	    (s = sim_new(m, &so, &err)) == NULL ||
	    rec_next(r, &ind, &err) != 1 ||
	    sim_bind(&si, m, &cols, r, &ind, NULL, 0, &err) < 0 ||
	    (*out = malloc((size_t)si.n * w * sizeof(double))) == NULL ||
	    sim_run(s, &si, 0, *out, &bad, &err) < 0) {
		printf("# %s\n", err.msg);
		goto done;
	}
	if (sout != NULL && (*sout = malloc((size_t)si.n * w *
	    sizeof(double))) != NULL && (dout = malloc((size_t)si.n *
	    m->nout * m->ntheta * sizeof(double))) != NULL &&
	    sim_run_sens(s, &si, 0, 1, *sout, dout, &bad, &err) < 0) {
		printf("# %s\n", err.msg);
		goto done;
	}
	n = si.n;
done:
	free(dout);
	sim_free(s);
	sim_indiv_free(&si);
	sim_cols_free(&cols);
	rec_indiv_free(&ind);
	rec_close(r);
	unlink(path);
	rmdir(dir);
	return n;
}

static void
route_size(void)
{
	struct srcpos at = { NULL, 0, 0 };
	struct twin_err err;
	struct model *m = sized("k", COV_LOCF, "D", &err);
	/* doses of 5 at 0, 20 and of 2 at 10, 30 (ADDL 1, II 20): D is 5
	 * on [0, 10) and [20, 30), 2 on [10, 20) and [30, 40) */
	const char *two = "ID\tTIME\tEVID\tAMT\tCMT\tII\tADDL\n"
	    "1\t0\t1\t5\tA\t20\t1\n1\t5\t0\t0\tA\t0\t0\n"
	    "1\t10\t1\t2\tA\t20\t1\n1\t15\t0\t0\tA\t0\t0\n"
	    "1\t25\t0\t0\tA\t0\t0\n1\t35\t0\t0\tA\t0\t0\n"
	    "1\t40\t0\t0\tA\t0\t0\n";
	static const int obs[5] = { 1, 3, 4, 5, 6 };
	static const double d[5] = { 5, 2, 5, 2, 2 };
	static const double b[5] = { 25, 60, 95, 130, 140 };
	double *out = NULL, *sout = NULL, wb = 0, ws = 0;
	int n, k, okd = 1, w;

	tap_ok(m != NULL && m->routesize[0] == 0 && m->cmtsize[0] == 0 &&
	    m->cmtsize[1] == -1,
	    "route size: route po into A sets covariate D");
	if (m == NULL) {
		printf("# %s\n", err.msg);
		return;
	}
	w = sim_width(m);
	n = run_text(m, two, &out, &sout);
	for (k = 0; n == 7 && k < 5; k++) {
		const double *o = out + (size_t)obs[k] * w;

		if (o[2] != d[k])
			okd = 0;
		wb = fmax(wb, fabs(o[0] - b[k]) / b[k]);
		ws = fmax(ws, fabs(sout[(size_t)obs[k] * w] - o[0]) / b[k]);
	}
	printf("# B against the integral of D: %.3g; sensitivity run %.3g\n",
	    wb, ws);
	tap_ok(n == 7 && okd && wb <= 1e-9,
	    "route size: interleaved ADDL doses each set D to their AMT "
	    "(D at 5, 15, 25, 35 = 5, 2, 5, 2; B(40) = 140 to 1e-9)");
	tap_ok(n == 7 && ws <= 1e-9,
	    "route size: the sensitivity run sees the same D (1e-9)");
	free(out);
	free(sout);
	sout = NULL;

	/* a column of its own wins: D 1 throughout, B(40) = 40 */
	n = run_text(m, "ID\tTIME\tEVID\tAMT\tCMT\tII\tADDL\tD\n"
	    "1\t0\t1\t5\tA\t20\t1\t1\n1\t10\t1\t2\tA\t20\t1\t.\n"
	    "1\t40\t0\t0\tA\t0\t0\t.\n", &out, NULL);
	tap_ok(n == 3 && fabs(out[(size_t)2 * w] - 40) <= 1e-9 * 40 &&
	    out[(size_t)2 * w + 2] == 1,
	    "route size: a D column wins over the doses (B(40) = 40)");
	free(out);

	/* steady state: D is the dose's AMT over the whole period, so C
	 * is at D = 5 (it would be 0 without) */
	n = run_text(m, "ID\tTIME\tEVID\tAMT\tCMT\tII\tSS\n"
	    "1\t0\t1\t5\tA\t10\t1\n1\t10\t0\t0\tA\t0\t0\n", &out, NULL);
	tap_ok(n == 2 && fabs(out[1] - 5) <= 1e-8 &&
	    fabs(out[(size_t)w + 1] - 5) <= 1e-8,
	    "route size: a steady-state dose sets D for its steady state "
	    "(C = D = 5 to 1e-8)");
	free(out);
	model_free(m);

	m = sized("k * (1 + D)", COV_LOCF, "D", &err);
	tap_ok(m == NULL && strstr(err.msg, "KE reads covariate D, which "
	    "doses set") != NULL,
	    "route size: an individual parameter must not read it");
	model_free(m);
	m = sized("k", COV_NOCB, "D", &err);
	tap_ok(m == NULL && strstr(err.msg, "needs a default and "
	    "interpolate: locf") != NULL,
	    "route size: the covariate must be locf");
	model_free(m);
	m = sized("k", COV_LOCF, "KE", &err);
	tap_ok(m == NULL && strstr(err.msg, "size \"KE\" is not a covariate "
	    "(it is an individual parameter)") != NULL,
	    "route size: an individual parameter is not a size");
	model_free(m);
	m = model_new("bad");
	tap_ok(model_add_compartment(m, "A", at, &err) == 0 &&
	    model_add_covariate(m, "D", 1, 0, COV_LOCF, at, &err) == 0 &&
	    model_set_route_size(m, "po", "D", at, &err) == 0 &&
	    model_set_ode(m, "A", "-A", at, &err) == 0 &&
	    model_add_output(m, "Y", "A", at, &err) == 0 &&
	    model_finish(m, &err) < 0 &&
	    strstr(err.msg, "size of undeclared route \"po\"") != NULL,
	    "route size: of an undeclared route fails model_finish");
	model_free(m);
}

static void rules(void);

static void
domains(void)
{
	static const char *const ok3[] = { "CL > 0", "0 <= F <= 1",
	    "WT>=1e-3" };
	static const struct {
		const char *bound, *msg;
	} bad[] = {
		{ "CL >", "not of the form" }, { "CL > 0 > 1", "not of the form" },
		{ "CL F > 0", "not of the form" }, { "0 < 1", "not of the form" },
		{ "CL > x0", "not of the form" }, { "CL = 0", "not of the form" },
		{ "0 < CL > 1", "not of the form" },
		{ "Y > 0", "\"Y\", which is not a theta" },
		{ "c > 0", "\"c\", which is not a theta" },
		{ "ETA_CL > 0", "\"ETA_CL\", which is not a theta" },
		{ "2 <= F <= 1", "admits no value" },
		{ "TVCL < 5", "theta TVCL = 5 is outside its domain TVCL < 5" },
	};
	static const struct {
		int slotoff;	/* 0 CL, 1 F, 2 WT */
		double x;
		const char *msg;
	} out[] = {
		{ 0, 0, "CL = 0 is outside its domain CL > 0" },
		{ 0, -1, "CL = -1 is outside its domain CL > 0" },
		{ 0, NAN, "CL = nan is outside its domain CL > 0" },
		{ 1, 1.5, "F = 1.5 is outside its domain 0 <= F <= 1" },
		{ 1, -1e-300, "F = -1e-300 is outside its domain 0 <= F <= 1" },
		{ 2, 1e-4, "WT = 0.0001 is outside its domain WT >= 0.001" },
	};
	struct twin_err err;
	struct model *m;
	double v[32];
	char what[256];
	size_t i;

	m = bounded(ok3, 3, &err);
	tap_ok(m != NULL && m->nbound == 3, "bounds: three forms accepted");
	if (m == NULL) {
		printf("# %s\n", err.msg);
		return;
	}
	memset(v, 0, sizeof(v));
	v[model_slot(m, "CL")] = 1e-300;
	v[model_slot(m, "F")] = 1;
	v[model_slot(m, "WT")] = 1e-3;
	tap_ok(model_check_domain(m, v, &err) == 0,
	    "bounds: values at or just inside the limits pass");
	v[model_slot(m, "F")] = 0;
	tap_ok(model_check_domain(m, v, &err) == 0,
	    "bounds: F = 0 passes 0 <= F <= 1");
	for (i = 0; i < sizeof(out) / sizeof(out[0]); i++) {
		static const char *const nm[] = { "CL", "F", "WT" };
		double save[3];
		int k;

		for (k = 0; k < 3; k++)
			save[k] = v[model_slot(m, nm[k])];
		v[model_slot(m, nm[out[i].slotoff])] = out[i].x;
		snprintf(what, sizeof(what), "bounds: \"%s\"", out[i].msg);
		tap_ok(model_check_domain(m, v, &err) < 0 &&
		    strcmp(err.msg, out[i].msg) == 0, what);
		if (strcmp(err.msg, out[i].msg) != 0)
			printf("# got \"%s\"\n", err.msg);
		for (k = 0; k < 3; k++)
			v[model_slot(m, nm[k])] = save[k];
	}
	model_free(m);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m = bounded(&bad[i].bound, 1, &err);
		snprintf(what, sizeof(what), "bounds: \"%s\" refused (%s)",
		    bad[i].bound, bad[i].msg);
		tap_ok(m == NULL && strstr(err.msg, bad[i].msg) != NULL, what);
		if (m != NULL || strstr(err.msg, bad[i].msg) == NULL)
			printf("# got \"%s\"\n", m ? "(accepted)" : err.msg);
		model_free(m);
	}
	rules();
}

/* A bound that is a condition (a rule): true passes, false or NaN is a
 * domain error naming the rule and the values it uses. */
static void
rules(void)
{
	static const char *const r[] = { "WT > 0",
	    "CL < 100 && (F == 0.5 || F == 1)", "CL * F >= WT / 1000" };
	struct twin_err err;
	struct model *m = bounded(r, 3, &err);
	double v[32];

	tap_ok(m != NULL && m->nbound == 3 && m->bound[1].rule != NULL,
	    "rules: conditions accepted beside a plain bound");
	if (m == NULL) {
		printf("# %s\n", err.msg);
		return;
	}
	memset(v, 0, sizeof(v));
	v[model_slot(m, "CL")] = 5;
	v[model_slot(m, "F")] = 0.5;
	v[model_slot(m, "WT")] = 70;
	tap_ok(model_check_domain(m, v, &err) == 0, "rules: true passes");
	v[model_slot(m, "F")] = 0.75;
	tap_ok(model_check_domain(m, v, &err) < 0 && err.kind == TWIN_EDOMAIN &&
	    !strcmp(err.msg, "CL < 100 && (F == 0.5 || F == 1) does not hold "
	    "(CL = 5, F = 0.75)"), "rules: false is a domain error with the "
	    "rule and its values");
	printf("# %s\n", err.msg);
	v[model_slot(m, "F")] = 1;
	v[model_slot(m, "WT")] = 6000;
	tap_ok(model_check_domain(m, v, &err) < 0 &&
	    strstr(err.msg, "CL * F >= WT / 1000 does not hold") != NULL,
	    "rules: the third is checked too");
	v[model_slot(m, "WT")] = 70;
	v[model_slot(m, "CL")] = NAN;
	tap_ok(model_check_domain(m, v, &err) < 0 &&
	    strstr(err.msg, "does not hold (CL = nan") != NULL,
	    "rules: NaN does not pass");
	model_free(m);
}

/* The size limits of model.h, through the builder. */
static void
limits(void)
{
	struct srcpos at = { NULL, 0, 0 };
	struct twin_err err;
	struct model *m = model_new("big");
	char name[32], expr[64];
	int i, rc = 0;

	for (i = 0; i < MODEL_MAX_STATES && rc == 0; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		rc = model_add_compartment(m, name, at, &err);
	}
	tap_ok(rc == 0, "limits: MODEL_MAX_STATES compartments accepted");
	tap_ok(model_add_compartment(m, "one_more", at, &err) < 0 &&
	    strstr(err.msg, "\"one_more\": more than 1000 compartments"),
	    "limits: one compartment more is refused, by name");
	model_free(m);
	/*
	 * The expression graph: 700 derived quantities of c, each a sum of
	 * 500 products c*c (1499 nodes, and as many again for its
	 * derivative), together above MODEL_MAX_EXPR_NODES.
	 */
	m = model_new("wide");
	rc = model_add_compartment(m, "c", at, &err);
	{
		char *big = malloc(500 * 4 + 1);

		for (i = 0; i < 500; i++)
			memcpy(big + 4 * i, "c*c+", 4);
		big[500 * 4 - 1] = '\0';
		for (i = 0; i < 700 && rc == 0; i++) {
			snprintf(name, sizeof(name), "W%d", i);
			rc = model_add_derived(m, name, big, at, &err);
		}
		free(big);
	}
	snprintf(expr, sizeof(expr), "-W%d", 699);
	rc |= model_set_ode(m, "c", expr, at, &err) |
	    model_add_output(m, "Y", "c", at, &err);
	tap_ok(rc == 0 && model_finish(m, &err) < 0 &&
	    strstr(err.msg, "the model's expression graph exceeds 2000000 "
	    "nodes (the limit of a model)") != NULL &&
	    strstr(err.msg, ": \"W") != NULL,
	    "limits: an expression graph above MODEL_MAX_EXPR_NODES is "
	    "refused, naming the definition");
	printf("# %s\n", err.msg);
	model_free(m);
}

static double
wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/*
 * A chain of n nested derived quantities on one compartment x:
 * D0 = x/V, then D(k) = D(k-1) + D(k-1) (sq 0) or D(k-1)*D(k-1) + D(k-1)
 * (sq 1), each using the previous one twice; ode x' = -K*D(n).  Before
 * derived quantities had slots, each level doubled the expression.
 */
static struct model *
nested(int n, int sq, double *secs, struct twin_err *err)
{
	struct srcpos at = { NULL, 0, 0 };
	struct model *m = model_new("nested");
	char name[32], expr[96];
	double t0;
	int i, rc;

	rc = model_add_compartment(m, "x", at, err) |
	    model_add_theta(m, "V", 7, at, err) |
	    model_add_theta(m, "K", 0.25, at, err) |
	    model_add_derived(m, "D0", "x/V", at, err);
	for (i = 1; i <= n && rc == 0; i++) {
		snprintf(name, sizeof(name), "D%d", i);
		if (sq)
			snprintf(expr, sizeof(expr), "D%d*D%d + D%d", i - 1,
			    i - 1, i - 1);
		else
			snprintf(expr, sizeof(expr), "D%d + D%d", i - 1, i - 1);
		rc = model_add_derived(m, name, expr, at, err);
	}
	snprintf(expr, sizeof(expr), "-K*D%d", n);
	if (rc != 0 || model_set_ode(m, "x", expr, at, err) < 0 ||
	    model_add_output(m, "Y", "D0", at, err) < 0) {
		model_free(m);
		return NULL;
	}
	/* The graph's compile alone: native code (jit.h) is a one-time
	 * cost per machine, cached, outside what is pinned here. */
	setenv("TWIN_JIT", "0", 1);
	t0 = wall();
	rc = model_finish(m, err);
	*secs = wall() - t0;
	unsetenv("TWIN_JIT");
	if (rc < 0) {
		model_free(m);
		return NULL;
	}
	return m;
}

static long
compiled(const struct model *m)
{
	return prog_len(m->rhsprog) + prog_len(m->jacprog) +
	    prog_len(m->outprog);
}

static void
derived_chains(void)
{
	struct twin_err err;
	struct model *m, *half;
	double secs, s2, ydot, jv, d, g;
	double *v;
	int i, sq;

	for (sq = 0; sq <= 1; sq++) {
		const char *what = sq ? "D(k) = D(k-1)^2 + D(k-1)" :
		    "D(k) = D(k-1) + D(k-1)";
		char msg[160];

		m = nested(50, sq, &secs, &err);
		half = nested(25, sq, &s2, &err);
		snprintf(msg, sizeof(msg), "50 nested derived quantities (%s) "
		    "compile in under 0.1 s", what);
		tap_ok(m != NULL && half != NULL && secs < 0.1, msg);
		if (m == NULL || half == NULL) {
			printf("# %s\n", err.msg);
			model_free(m);
			model_free(half);
			continue;
		}
		printf("# %.3g ms; compiled %ld instructions (25 levels: "
		    "%ld)\n", secs * 1e3, compiled(m), compiled(half));
		/* linear: 25 more levels cost what the first 25 did */
		snprintf(msg, sizeof(msg), "%s: compiled size linear in the "
		    "chain (50 levels at most 2.2 times 25)", what);
		tap_ok(compiled(m) <= 2.2 * compiled(half) &&
		    m->nslot < 4 * 50, msg);
		snprintf(msg, sizeof(msg), "%s: one Jacobian entry, linear "
		    "model %s", what, sq ? "not recognised" : "recognised");
		tap_ok(m->njac == 1 && m->linear == !sq, msg);
		v = calloc(m->nslot, sizeof(double));
		v[model_slot(m, "V")] = 7;
		v[model_slot(m, "K")] = 0.25;
		v[m->state0] = sq ? 1e-3 : 3;
		model_eval_rhs(m, v, &ydot);
		model_eval_jac(m, v, &jv);
		/* by hand: D and dD/dx level by level */
		d = v[m->state0] / 7;
		g = 1 / 7.0;
		for (i = 1; i <= 50; i++) {
			g = sq ? (2 * d + 1) * g : 2 * g;
			d = sq ? d * d + d : d + d;
		}
		if (!sq) {
			/* exactly 2^50 x/V and 2^50/V */
			d = ldexp(3 / 7.0, 50);
			g = ldexp(1 / 7.0, 50);
		}
		snprintf(msg, sizeof(msg), "%s: rhs -K D50", what);
		tap_close(ydot, -0.25 * d, 1e-13, msg);
		snprintf(msg, sizeof(msg), "%s: Jacobian -K dD50/dx", what);
		tap_close(jv, -0.25 * g, 1e-13, msg);
		model_eval_outputs(m, v);
		snprintf(msg, sizeof(msg), "%s: output Y = D0", what);
		tap_close(v[m->out0], v[m->state0] / 7, 1e-15, msg);
		free(v);
		model_free(m);
		model_free(half);
	}
}

/* "(D0 + D1) + (D2 + D3)"...: D lo .. hi - 1 summed as a balanced tree. */
static char *
balanced(char *p, int lo, int hi)
{
	if (hi - lo == 1)
		return p + sprintf(p, "D%d", lo);
	*p++ = '(';
	p = balanced(p, lo, (lo + hi) / 2);
	*p++ = '+';
	p = balanced(p, (lo + hi) / 2, hi);
	*p++ = ')';
	*p = '\0';
	return p;
}

/*
 * Fan-in: S sums 5000 derived quantities x/V, so dS/dx has 5000 terms
 * (each 1/V in a slot of its own); summed one after another they would
 * make a tree 5000 deep, above the height expressions may have.
 */
static void
fan_in(void)
{
	enum { NF = 5000 };
	struct srcpos at = { NULL, 0, 0 };
	struct twin_err err;
	struct model *m = model_new("fan");
	char name[32], *sum = malloc(NF * 10);
	double *v, ydot, jv;
	int i, rc;

	rc = model_add_compartment(m, "x", at, &err) |
	    model_add_theta(m, "V", 7, at, &err) |
	    model_add_theta(m, "K", 0.25, at, &err);
	for (i = 0; i < NF && rc == 0; i++) {
		snprintf(name, sizeof(name), "D%d", i);
		rc = model_add_derived(m, name, "x/V", at, &err);
	}
	balanced(sum, 0, NF);
	rc |= model_add_derived(m, "S", sum, at, &err) |
	    model_set_ode(m, "x", "-K*S", at, &err) |
	    model_add_output(m, "Y", "x", at, &err);
	free(sum);
	tap_ok(rc == 0 && model_finish(m, &err) == 0,
	    "a derived quantity summing 5000 others finishes");
	if (rc != 0 || m->b != NULL) {
		printf("# %s\n", err.msg);
		model_free(m);
		return;
	}
	v = calloc(m->nslot, sizeof(double));
	v[model_slot(m, "V")] = 7;
	v[model_slot(m, "K")] = 0.25;
	v[m->state0] = 3;
	model_eval_rhs(m, v, &ydot);
	model_eval_jac(m, v, &jv);
	tap_close(ydot, -0.25 * NF * 3 / 7, 1e-12, "fan-in: rhs -K 5000 x/V");
	tap_close(jv, -0.25 * NF / 7, 1e-12, "fan-in: Jacobian -K 5000/V");
	free(v);
	model_free(m);
}

/* The Jacobian of W3 (16 states, derived quantities two deep, saturable
 * metabolism) against central differences of its right-hand side. */
static void
w3_jacobian(void)
{
	struct twin_err err;
	/* from tests/unit (run.t) or from the top of the tree */
	const char *path = access("../../bench/w3/w3.yaml", R_OK) == 0 ?
	    "../../bench/w3/w3.yaml" : "bench/w3/w3.yaml";
	struct model *m = model_load(path, &err);
	double *v, *J, *yp, *ym, *jv, worst = 0;
	int i, j, k, n;

	if (m == NULL) {
		printf("# %s\n", err.msg);
		tap_ok(0, "W3 loads");
		return;
	}
	n = m->nstate;
	v = calloc(m->nslot, sizeof(double));
	J = calloc((size_t)n * n, sizeof(double));
	yp = calloc(n, sizeof(double));
	ym = calloc(n, sizeof(double));
	jv = calloc(m->njac + 1, sizeof(double));
	for (i = 0; i < m->ntheta; i++)
		v[m->theta0 + i] = m->theta[i];
	for (i = 0; i < m->ncov; i++)
		v[m->cov0 + i] = m->covdefault[i];
	for (i = 0; i < m->nind; i++)
		v[m->ind0 + i] = tape_eval(m->ind[i], v);
	/* amounts around KMH in the liver, so the saturation is curved */
	for (i = 0; i < n; i++)
		v[m->state0 + i] = 0.5 + 0.37 * i;
	model_eval_jac(m, v, jv);
	for (k = 0; k < m->njac; k++)
		J[m->jac[k].row * n + m->jac[k].col] = jv[k];
	for (j = 0; j < n; j++) {
		double x = v[m->state0 + j], h = 1e-5 * fabs(x);

		v[m->state0 + j] = x + h;
		model_eval_rhs(m, v, yp);
		v[m->state0 + j] = x - h;
		model_eval_rhs(m, v, ym);
		v[m->state0 + j] = x;
		for (i = 0; i < n; i++) {
			double fd = (yp[i] - ym[i]) / (2 * h);
			double scale = fmax(fabs(fd), 1e-3 * fabs(jv[0]));
			double e = fabs(J[i * n + j] - fd);

			/* the zeros left out of m->jac must be zero */
			if (fd == 0 && J[i * n + j] == 0)
				continue;
			worst = fmax(worst, e / scale);
		}
	}
	printf("# worst relative difference %.3g, %d nonzeros\n", worst,
	    m->njac);
	tap_ok(worst <= 1e-6 && m->njac < n * n / 2,
	    "W3: the chain-rule Jacobian matches central differences "
	    "(relative 1e-6), sparse");
	free(v);
	free(J);
	free(yp);
	free(ym);
	free(jv);
	model_free(m);
}

int
main(void)
{
	struct twin_err err;
	struct srcpos at = { NULL, 0, 0 };
	struct model *m = chain(&err);

	tap_ok(m != NULL, "a model built through the builder calls finishes");
	if (m == NULL) {
		printf("# %s\n", err.msg);
		return tap_done();
	}
	tap_ok(m->linear && m->nstate == NCHAIN && m->njac == 2 * NCHAIN - 1,
	    "it is linear, with a sparse symbolic Jacobian (39 entries)");
	run(m, ODE_EXACT, "exact");
	run(m, ODE_BDF, "CVODES BDF");
	model_free(m);

	/* Mistakes in generated models are reported by name. */
	m = model_new("bad");
	tap_ok(model_add_compartment(m, "x", at, &err) == 0 &&
	    model_add_compartment(m, "x", at, &err) < 0 &&
	    strstr(err.msg, "\"x\" is defined twice") != NULL,
	    "builder: a duplicate name is refused by name");
	model_free(m);
	m = model_new("bad");
	tap_ok(model_add_compartment(m, "x", at, &err) == 0 &&
	    model_set_ode(m, "x", "-kx*x", at, &err) == 0 &&
	    model_add_output(m, "Y", "x", at, &err) == 0 &&
	    model_finish(m, &err) < 0 &&
	    strstr(err.msg, "unknown name \"kx\"") != NULL &&
	    strncmp(err.msg, "model bad", 9) == 0,
	    "builder: an unknown name is reported with the model's name");
	model_free(m);
	routes();
	route_size();
	domains();
	limits();
	derived_chains();
	fan_in();
	w3_jacobian();
	return tap_done();
}
