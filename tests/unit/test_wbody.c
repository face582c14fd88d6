/*
 * test_wbody.c - the generated whole-body PBPK model (body/wbody.h).
 *
 * (a) With the inputs of W3 (bench/w3/w3.yaml, mrgsolve's whole-body model
 *     of Jones & Rowland-Yeo 2013: fractional volumes and flows, Kps, fu,
 *     B:P, ka, its hepatic clearance, testes as an extra tissue) the
 *     generated model reproduces W3 made linear (KMH 1e12 mg/L: the
 *     saturable metabolism becomes mrgsolve's original first-order one to
 *     1e-11) to 1e-6 relative, every amount and CP, oral and IV; and CP
 *     against the scipy Radau reference of ../shared/bench/w3 (the same
 *     system, KMH set to 1e12) when /usr/bin/python3 can run it.
 *     W3 writes its metabolism CLmet x fup x C_liver (no Kp), the model
 *     CLint x fu x C_liver/Kp_liver, so CLint = CLmet x Kp_liver.
 * (b) Mass balance: dose = amounts in the body + metabolised + excreted
 *     (+ unabsorbed) to 1e-9 at every output, IV and oral, both solvers.
 * (c) AUC(0-inf) of CP after an IV dose = dose/CL with CL = Q_H fu CLint /
 *     (Q_H + fu CLint/BP) + fu GFR (pbpk.md 5.4, Q_H the total liver blood
 *     flow); after an oral dose fa F_H dose/CL with F_H = Q_H/(Q_H + fu
 *     CLint/BP) (derived in the comment of auc()); relative 1e-6.
 * (d) The exact (matrix exponential) and the BDF paths agree to 1e-7.
 * (e) Personalising: with variances given for ETA_CLint and ETA_Kp, MAP
 *     without the prior (maximum likelihood) on noiseless levels made
 *     with ETA_CLint 0.3 and ETA_Kp -0.2 recovers them (1e-4) (ETA_GFR,
 *     variance 0, fixed: without the prior twin-fit's --fix does that).
 * And: the text is valid YAML that the file loader reads as the same
 * model; inputs that cannot make a model are refused with a message.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "body/wbody.h"
#include "data/record.h"
#include "estim/fit.h"
#include "solve/sim.h"
#include "tap.h"
#include "slurp.h"

static char dir[64];

/* W3's covariates (bench/w3/w3.yaml) and cardiac output, L/h. */
static const struct wbody_cov w3cov[] = {
	{ "BW", 1, 70 }, { "HLM_CLint", 1, 8 },
};
static const struct wbody_def w3def[] = {
	{ "QC", "108.33/1000*60*60" },
};
static const struct wbody_tissue w3testes[] = {
	{ "testes", "BW*0.01", "QC*0.01076", 0.600 },
};

/* The inputs of W3 (its $PARAM values, written as W3 computes them). */
static void
w3_inputs(struct wbody *w)
{
	static const struct {
		enum tissue t;
		const char *V, *Q;
		double kp;
	} tab[] = {
		{ TISSUE_ADIPOSE, "BW*0.213", "QC*0.05", 0.191 },
		{ TISSUE_BONE, "BW*0.085629", "QC*0.05", 0.374 },
		{ TISSUE_BRAIN, "BW*0.02", "QC*0.12", 0.606 },
		{ TISSUE_GUT, "BW*0.0171", "QC*0.146462", 0.578 },
		{ TISSUE_HEART, "BW*0.0047", "QC*0.04", 0.583 },
		{ TISSUE_KIDNEY, "BW*0.0044", "QC*0.19", 0.597 },
		/* Qha = Qh - Qgu - Qsp */
		{ TISSUE_LIVER, "BW*0.021",
		    "QC*0.215385 - QC*0.146462 - QC*0.017231", 0.570 },
		{ TISSUE_LUNG, "BW*0.0076", NULL, 0.620 },
		{ TISSUE_MUSCLE, "BW*0.4", "QC*0.17", 0.622 },
		{ TISSUE_SKIN, "BW*0.0371", "QC*0.05", 0.600 },
		{ TISSUE_SPLEEN, "BW*0.0026", "QC*0.017231", 0.591 },
		{ TISSUE_REST, "BW*0.099771", "QC*0.103855", 0.600 },
		{ TISSUE_ARTERIAL, "BW*0.0257", NULL, 0 },
		{ TISSUE_VENOUS, "BW*0.0514", NULL, 0 },
	};
	size_t i;

	wbody_init(w);
	w->name = "w3body";
	w->cov = w3cov;
	w->ncov = 2;
	w->def = w3def;
	w->ndef = 1;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		w->V[tab[i].t] = tab[i].V;
		w->Q[tab[i].t] = tab[i].Q;
		if (tab[i].t < TISSUE_NKP)
			w->kp[tab[i].t] = tab[i].kp;
	}
	w->extra = w3testes;
	w->nextra = 1;
	w->bp = 0.98;
	w->fu = 0.681;
	w->ka = 2.18;
	w->fa = 1;
	/* CLmet = HLM_CLint/fumic*MPPGL*Vli*60/1000, fumic 1, MPPGL 45 */
	w->clint = "HLM_CLint/1*45*V_liver*60/1000*Kp_liver";
	w->gfr = "0";
}

/* W3's inputs with every tissue (pancreas and stomach added, portal) and
 * every sink: renal filtration, incomplete absorption.  The numbers are
 * test inputs, not physiology. */
#define DRUG_CLINT 30.0
#define DRUG_GFR 7.5
#define DRUG_FA 0.8
static void
drug_inputs(struct wbody *w)
{
	w3_inputs(w);
	w->name = "drug";
	w->V[TISSUE_PANCREAS] = "BW*0.0014";
	w->Q[TISSUE_PANCREAS] = "QC*0.01";
	w->kp[TISSUE_PANCREAS] = 0.8;
	w->V[TISSUE_STOMACH] = "BW*0.0021";
	w->Q[TISSUE_STOMACH] = "QC*0.011";
	w->kp[TISSUE_STOMACH] = 1.3;
	w->clint = "30";
	w->gfr = "7.5";
	w->fa = DRUG_FA;
	w->auc = 1;
}

/*
 * Run the records in tsv through m with method; out (malloc'd, *n records
 * of sim_width values: outputs then amounts) or NULL.
 */
static double *
simulate(const struct model *m, const char *tsv, enum ode_method method,
    int *n)
{
	char path[128];
	struct twin_err err;
	struct rec_reader *r;
	struct rec_indiv ind;
	struct sim_cols cols;
	struct sim_indiv si;
	struct sim_opts so = { method, SIM_RTOL, SIM_ATOL };
	struct sim *s = NULL;
	double *out = NULL;
	FILE *fp;
	int bad, ok = 0;

	snprintf(path, sizeof(path), "%s/in.tsv", dir);
	if ((fp = fopen(path, "w")) == NULL)
		return NULL;
	fputs(tsv, fp);
	fclose(fp);
	memset(&ind, 0, sizeof(ind));
	memset(&si, 0, sizeof(si));
	memset(&cols, 0, sizeof(cols));
	if ((r = rec_open(path, &err)) == NULL)
		goto out;
	if (sim_cols_init(&cols, r, m, &err) < 0 ||
	    (s = sim_new(m, &so, &err)) == NULL ||
	    rec_next(r, &ind, &err) != 1 ||
	    sim_bind(&si, m, &cols, r, &ind, NULL, 0, &err) < 0 ||
	    (out = malloc((size_t)si.n * sim_width(m) * sizeof(double))) ==
	    NULL)
		goto out;
	if (sim_run(s, &si, 0, out, &bad, &err) < 0)
		goto out;
	*n = si.n;
	ok = 1;
out:
	if (!ok) {
		printf("# %s\n", err.msg);
		free(out);
		out = NULL;
	}
	sim_free(s);
	sim_indiv_free(&si);
	sim_cols_free(&cols);
	rec_indiv_free(&ind);
	if (r)
		rec_close(r);
	return out;
}

#define HEAD "ID\tTIME\tEVID\tAMT\tCMT\tII\tADDL\n"

/* Dose lines, then observations at 0, dt, ..., tend. */
static char *
records(const char *doses, double dt, double tend)
{
	size_t cap = 1 << 20, len;
	char *s = malloc(cap);
	int i;

	len = snprintf(s, cap, HEAD "%s", doses);
	for (i = 0; i * dt <= tend + 1e-9 && len < cap; i++)
		len += snprintf(s + len, cap - len, "1\t%.17g\t0\t0\t.\t0\t0\n",
		    i * dt);
	return s;
}

static struct model *
generate(const struct wbody *w, int print)
{
	struct twin_err err;
	struct model *m;
	char *text = wbody_yaml(w, &err);

	if (text == NULL) {
		printf("# %s\n", err.msg);
		return NULL;
	}
	if (print)
		printf("# ---\n# %s", text);
	if ((m = model_load_string(text, w->name, &err)) == NULL)
		printf("# %s\n", err.msg);
	free(text);
	return m;
}

/* The W3 model file with KMH replaced: saturable made first-order. */
static struct model *
w3_linear(void)
{
	struct twin_err err;
	char *text = slurp("../../bench/w3/w3.yaml", NULL), *p;
	struct model *m = NULL;

	if (text == NULL || (p = strstr(text, "\n  KMH: 1\n")) == NULL) {
		printf("# bench/w3/w3.yaml missing or changed\n");
		free(text);
		return NULL;
	}
	/* same length: "KMH: 1\n" -> "KMH: 1e12" over the next characters
	 * would not fit; write the new text instead */
	{
		size_t n = strlen(text) + 16;
		char *t = malloc(n);

		snprintf(t, n, "%.*s\n  KMH: 1e12\n%s", (int)(p - text), text,
		    p + strlen("\n  KMH: 1\n"));
		if ((m = model_load_string(t, "w3", &err)) == NULL)
			printf("# %s\n", err.msg);
		free(t);
	}
	free(text);
	return m;
}

/* Worst relative difference of column ca of a and cb of b over the rows
 * (relative to that column's largest value, so early zeros count). */
static double
worst_rel(const double *a, int wa, int ca, const double *b, int wb, int cb,
    int n)
{
	double big = 0, worst = 0;
	int k;

	for (k = 0; k < n; k++)
		big = fmax(big, fabs(b[k * wb + cb]));
	for (k = 0; k < n; k++) {
		double x = a[k * wa + ca], y = b[k * wb + cb];
		double d = fabs(x - y) / fmax(fabs(y), 1e-3 * big);

		if (!(d <= worst))
			worst = d;
	}
	return worst;
}

/* (a) against W3, oral and IV, 14 doses every 12 h. */
static void
against_w3(void)
{
	static const struct {
		const char *what, *w3dose, *dose;
	} reg[] = {
		{ "oral", "1\t0\t1\t100\tD\t12\t13\n",
		    "1\t0\t1\t100\tlumen\t12\t13\n" },
		{ "IV", "1\t0\t1\t100\tAve\t12\t13\n",
		    "1\t0\t1\t100\tvenous\t12\t13\n" },
	};
	static const char *const pair[][2] = {
		{ "D", "lumen" }, { "Aad", "adipose" }, { "Abo", "bone" },
		{ "Abr", "brain" }, { "Agu", "gut" }, { "Ahe", "heart" },
		{ "Aki", "kidney" }, { "Ali", "liver" }, { "Alu", "lung" },
		{ "Amu", "muscle" }, { "Ask", "skin" }, { "Asp", "spleen" },
		{ "Ate", "testes" }, { "Ave", "venous" }, { "Aar", "arterial" },
		{ "Are", "rest" },
	};
	struct wbody w;
	struct model *g, *w3;
	char what[256];
	size_t r, i;

	w3_inputs(&w);
	g = generate(&w, 1);
	w3 = w3_linear();
	tap_ok(g != NULL && g->linear && g->nstate == 19 && g->neta == 3,
	    "W3 inputs: the model loads, linear, 19 compartments, 3 effects");
	if (g == NULL || w3 == NULL) {
		model_free(g);
		model_free(w3);
		return;
	}
	for (r = 0; r < sizeof(reg) / sizeof(reg[0]); r++) {
		char *tw = records(reg[r].w3dose, 0.5, 168);
		char *tg = records(reg[r].dose, 0.5, 168);
		int nw = 0, ng = 0, ww = sim_width(w3), wg = sim_width(g);
		double *ow = simulate(w3, tw, ODE_AUTO, &nw);
		double *og = simulate(g, tg, ODE_AUTO, &ng);
		double worst, wa = 0;

		snprintf(what, sizeof(what), "W3 %s: same records", reg[r].what);
		tap_ok(ow && og && nw == ng && nw == 338, what);
		if (ow && og && nw == ng) {
			worst = worst_rel(og, wg, g->dv, ow, ww, w3->dv, ng);
			for (i = 0; i < sizeof(pair) / sizeof(pair[0]); i++)
				wa = fmax(wa, worst_rel(og, wg,
				    g->nout + model_state(g, pair[i][1]), ow,
				    ww, w3->nout + model_state(w3, pair[i][0]),
				    ng));
			printf("# CP: worst relative difference %.3g; "
			    "amounts: %.3g\n", worst, wa);
			snprintf(what, sizeof(what), "W3 %s, 100 mg q12h x 14: "
			    "CP as W3's Cp to 1e-6", reg[r].what);
			tap_ok(worst <= 1e-6, what);
			snprintf(what, sizeof(what), "W3 %s: each of the 16 "
			    "amounts as W3's to 1e-6", reg[r].what);
			tap_ok(wa <= 1e-6, what);
		}
		free(ow);
		free(og);
		free(tw);
		free(tg);
	}
	model_free(g);
	model_free(w3);
}

/*
 * (a) CP against the scipy Radau reference of ../shared/bench/w3 (KMH
 * 1e12 mg/L, BW 70, HLM_CLint 8): 100 mg oral at 0 and 12 h.
 */
static void
against_reference(void)
{
	static const char *const where[] = { "../../../shared/bench/w3",
	    "/work/shared/bench/w3" };
	const char *d = NULL;
	char cmd[2048], line[256], path[512];
	struct wbody w;
	struct model *g;
	double t[400], c[400], worst = 0;
	int nt = 0, n = 0, k, wg;
	double *og;
	char *tg;
	FILE *p;
	size_t i;

	for (i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		snprintf(path, sizeof(path), "%s/w3_reference.py", where[i]);
		if (access(path, R_OK) == 0) {
			d = where[i];
			break;
		}
	}
	if (d == NULL || access("/usr/bin/python3", X_OK) != 0) {
		tap_ok(1, "# SKIP w3_reference.py or /usr/bin/python3 not "
		    "found");
		return;
	}
	/* w3_reference.py's system and solver, two doses (its simulate()
	 * gives 14 and takes half a minute) */
	snprintf(cmd, sizeof(cmd), "cd '%s' && /usr/bin/python3 -c '"
	    "import numpy as np, w3_reference as r\n"
	    "from scipy.integrate import solve_ivp\n"
	    "r.P[\"KMH\"] = 1e12\n"
	    "f, V = r.system(70.0, 8.0)\n"
	    "y = np.zeros(len(r.NAMES)); out = {}\n"
	    "for d in range(2):\n"
	    "  t0 = 12.0 * d; y[0] += 100.0\n"
	    "  ts = [0.5 * i for i in range(49) if t0 <= 0.5 * i <= t0 + 12]\n"
	    "  s = solve_ivp(f, (t0, t0 + 12), y, method=\"Radau\", "
	    "rtol=1e-12, atol=1e-14, t_eval=ts)\n"
	    "  assert s.success\n"
	    "  for t, a in zip(s.t, s.y[r.NAMES.index(\"ve\")]): "
	    "out.setdefault(t, a / V[\"ve\"] / r.P[\"BP\"])\n"
	    "  y = s.y[:, -1].copy()\n"
	    "for t in sorted(out): print(repr(t), repr(out[t]))\n"
	    "' 2>/dev/null", d);
	if ((p = popen(cmd, "r")) == NULL) {
		tap_ok(1, "# SKIP cannot run /usr/bin/python3");
		return;
	}
	while (nt < 400 && fgets(line, sizeof(line), p))
		if (sscanf(line, "%lf %lf", &t[nt], &c[nt]) == 2)
			nt++;
	if (pclose(p) != 0 || nt != 49) {
		tap_ok(1, "# SKIP w3_reference.py did not run (scipy?)");
		return;
	}
	w3_inputs(&w);
	g = generate(&w, 0);
	tg = records("1\t0\t1\t100\tlumen\t12\t1\n", 0.5, 24);
	og = g ? simulate(g, tg, ODE_AUTO, &n) : NULL;
	wg = g ? sim_width(g) : 0;
	if (og && n == 50) {
		for (k = 0; k < nt; k++) {
			double x = og[(k + 1) * wg + g->dv];
			double e = fabs(x - c[k]) / fmax(fabs(c[k]), 1e-300);

			if (c[k] == 0 && x == 0)
				e = 0;
			if (!(e <= worst))
				worst = e;
		}
		printf("# worst relative difference from scipy Radau "
		    "(rtol 1e-12): %.3g\n", worst);
	}
	tap_ok(og && n == 50 && worst <= 1e-6,
	    "W3 oral 100 mg q12h x 2: CP as w3_reference.py's (scipy Radau) to "
	    "1e-6");
	free(og);
	free(tg);
	model_free(g);
}

/* (b) mass balance and (d) exact against BDF, IV and oral, 3 doses. */
static void
balance_and_paths(void)
{
	static const struct {
		const char *what, *dose;
	} reg[] = {
		{ "IV", "1\t0\t1\t100\tvenous\t8\t2\n" },
		{ "oral", "1\t0\t1\t100\tlumen\t8\t2\n" },
	};
	static const char *const sinks[] = { "metabolised", "excreted",
	    "unabsorbed" };
	struct wbody w;
	struct model *g;
	char what[256];
	size_t r;

	drug_inputs(&w);
	g = generate(&w, 0);
	tap_ok(g != NULL && g->linear && g->nstate == 22,
	    "every tissue and sink: the model loads, linear, "
	    "22 compartments");
	if (g == NULL)
		return;
	for (r = 0; r < sizeof(reg) / sizeof(reg[0]); r++) {
		char *tsv = records(reg[r].dose, 0.25, 48);
		int ne = 0, nb = 0, k, i, j, wd = sim_width(g);
		int auc = model_state(g, "AUC");
		double *oe = simulate(g, tsv, ODE_EXACT, &ne);
		double *ob = simulate(g, tsv, ODE_BDF, &nb);
		double worst[2] = { 0, 0 }, sinkamt = 0, diff = 0;

		for (j = 0; j < 2; j++) {
			const double *o = j ? ob : oe;
			int n = j ? nb : ne;

			for (k = 0; o && k < n; k++) {
				/* records: doses at 0 (with ADDL 8, 16),
				 * observations; the dose is in from t = 0 */
				double t = k == 0 ? 0 : 0.25 * (k - 1);
				double dose = 100 * (1 + (t >= 8) + (t >= 16));
				double sum = 0, e;

				for (i = 0; i < g->nstate; i++)
					if (i != auc)
						sum += o[k * wd + g->nout + i];
				e = fabs(sum - dose) / dose;
				if (!(e <= worst[j]))
					worst[j] = e;
			}
		}
		printf("# worst |body + sinks - dose|/dose: exact %.3g, "
		    "bdf %.3g\n", worst[0], worst[1]);
		snprintf(what, sizeof(what), "%s 100 mg x 3: dose = body + "
		    "metabolised + excreted + unabsorbed to 1e-9 at every "
		    "output (exact, bdf)", reg[r].what);
		tap_ok(oe && ob && ne == nb && worst[0] <= 1e-9 &&
		    worst[1] <= 1e-9, what);
		if (oe && ob && ne == nb) {
			for (i = 0; i < 3; i++)
				sinkamt += oe[(ne - 1) * wd + g->nout +
				    model_state(g, sinks[i])];
			for (i = 0; i < g->nout; i++)
				diff = fmax(diff, worst_rel(ob, wd, i, oe, wd,
				    i, ne));
			printf("# in the sinks at 48 h: %.6g mg; exact vs "
			    "bdf, worst over %d outputs: %.3g\n", sinkamt,
			    g->nout, diff);
			snprintf(what, sizeof(what), "%s: the sinks are "
			    "used (over 150 mg of 300 by 48 h)",
			    reg[r].what);
			tap_ok(sinkamt > 150, what);
			snprintf(what, sizeof(what), "%s: exact and bdf "
			    "agree to 1e-7 in CP and every concentration",
			    reg[r].what);
			tap_ok(diff <= 1e-7, what);
		}
		free(oe);
		free(ob);
		free(tsv);
	}
	model_free(g);
}

/*
 * (c) AUC(0-inf) of CP.  Integrating the equations over all time (every
 * amount starts and ends at 0): the non-eliminating tissues give
 * integral(Cb_T) = integral(Ca), the lung integral(Ca) = integral(Cv);
 * with c = fu CLint/BP, g = fu GFR/BP and Y = integral(Cb_liver), the
 * liver gives (Q_H + c) Y = Q_H integral(Ca) + (absorbed dose), and the
 * eliminated amount c Y + g integral(Ca) equals the dose that entered.
 * So IV: dose = BP CL_b integral(CP) with BP CL_b = Q_H fu CLint/(Q_H +
 * fu CLint/BP) + fu GFR; oral: fa F_H dose with F_H = Q_H/(Q_H + c).
 */
static void
auc(void)
{
	static const struct {
		const char *what, *dose;
		int oral;
	} reg[] = {
		{ "IV", "1\t0\t1\t100\tvenous\t0\t0\n", 0 },
		{ "oral", "1\t0\t1\t100\tlumen\t0\t0\n", 1 },
	};
	/* the inputs of drug_inputs at BW 70 */
	double qc = 108.33 / 1000 * 60 * 60;
	double qh = qc * 0.215385 + qc * 0.01 + qc * 0.011;
	double fu = 0.681, bp = 0.98;
	double cl = qh * fu * DRUG_CLINT / (qh + fu * DRUG_CLINT / bp) +
	    fu * DRUG_GFR;
	double fh = qh / (qh + fu * DRUG_CLINT / bp);
	struct wbody w;
	struct model *g;
	char what[256];
	size_t r;

	drug_inputs(&w);
	g = generate(&w, 0);
	if (g == NULL) {
		tap_ok(0, "AUC model loads");
		return;
	}
	printf("# CL = %.10g L/h, F_H = %.10g\n", cl, fh);
	for (r = 0; r < sizeof(reg) / sizeof(reg[0]); r++) {
		char *tsv = records(reg[r].dose, 24, 480);
		int n = 0, wd = sim_width(g);
		double *o = simulate(g, tsv, ODE_AUTO, &n);
		double want = (reg[r].oral ? DRUG_FA * fh : 1) * 100 / cl;

		snprintf(what, sizeof(what), "%s 100 mg: AUC(0-480 h) of CP "
		    "= %s to 1e-6", reg[r].what, reg[r].oral ?
		    "fa F_H dose/CL" : "dose/CL");
		if (o)
			tap_close(o[(n - 1) * wd + g->nout +
			    model_state(g, "AUC")], want, 1e-6, what);
		else
			tap_ok(0, what);
		if (o)
			printf("# CP at 480 h %.3g mg/L\n",
			    o[(n - 1) * wd + g->dv]);
		free(o);
		free(tsv);
	}
	model_free(g);
}

/* (e) levels of a patient with ETA_CLint 0.3, ETA_Kp -0.2 (simulated with
 * those effects as columns), fitted back by MAP without the prior. */
static void
personalise(void)
{
	static const double tobs[] = { 0.5, 1, 2, 4, 8, 12 };
	struct twin_err err;
	struct wbody w;
	struct model *g;
	struct rec_reader *r = NULL;
	struct rec_indiv ind;
	struct sim_cols cols;
	struct fit_data fd;
	struct fit_params p;
	struct fit_result res;
	struct sim_opts so = { ODE_AUTO, SIM_RTOL, SIM_ATOL };
	struct fit *f = NULL;
	char tsv[2048], path[128];
	double *o, cov[9];
	int n = 0, k, len, lloq, blq, ok = 0, ec, ek, fixed[3] = { 0, 0, 0 };
	FILE *fp;

	drug_inputs(&w);
	w.omega_clint = 0.09;
	w.omega_kp = 0.04;
	/* a constant variance: the likelihood is largest at the truth */
	w.err_add = 0.01;
	g = generate(&w, 0);
	if (g == NULL) {
		tap_ok(0, "MAP model loads");
		return;
	}
	ec = model_eta(g, "CLint");
	ek = model_eta(g, "Kp");
	len = snprintf(tsv, sizeof(tsv), "ID\tTIME\tEVID\tAMT\tCMT\t"
	    "ETA_CLint\tETA_Kp\n1\t0\t1\t100\tvenous\t0.3\t-0.2\n");
	for (k = 0; k < 6; k++)
		len += snprintf(tsv + len, sizeof(tsv) - len,
		    "1\t%g\t0\t0\t.\t0.3\t-0.2\n", tobs[k]);
	if ((o = simulate(g, tsv, ODE_AUTO, &n)) == NULL || n != 7) {
		tap_ok(0, "MAP: the patient's levels simulated");
		free(o);
		model_free(g);
		return;
	}
	len = snprintf(tsv, sizeof(tsv), "ID\tTIME\tEVID\tAMT\tCMT\tDV\n"
	    "1\t0\t1\t100\tvenous\t.\n");
	for (k = 0; k < 6; k++)
		len += snprintf(tsv + len, sizeof(tsv) - len,
		    "1\t%g\t0\t0\t.\t%.17g\n", tobs[k],
		    o[(k + 1) * sim_width(g) + g->dv]);
	free(o);
	snprintf(path, sizeof(path), "%s/in.tsv", dir);
	memset(&ind, 0, sizeof(ind));
	memset(&cols, 0, sizeof(cols));
	memset(&fd, 0, sizeof(fd));
	memset(&p, 0, sizeof(p));
	if ((fp = fopen(path, "w")) == NULL)
		goto out;
	fputs(tsv, fp);
	fclose(fp);
	res.cov = cov;
	if ((r = rec_open(path, &err)) == NULL ||
	    fit_cols_init(&cols, &lloq, &blq, r, g, &err) < 0 ||
	    (f = fit_new(g, &so, &err)) == NULL ||
	    fit_params_init(&p, g) < 0 || rec_next(r, &ind, &err) != 1 ||
	    fit_bind(&fd, g, &cols, r, &ind, &err) < 0 ||
	    (fixed[model_eta(g, "GFR")] = 1,
	    fit_map(f, &fd, &p, 0, fixed, &res, &err)) < 0)
		goto out;
	ok = 1;
	printf("# ETA_CLint %.9g, ETA_Kp %.9g, ETA_GFR %.3g, converged %d\n",
	    fd.eta[ec], fd.eta[ek], fd.eta[model_eta(g, "GFR")],
	    res.converged);
out:
	if (!ok)
		printf("# %s\n", err.msg);
	tap_ok(ok && res.converged && fabs(fd.eta[ec] - 0.3) < 1e-4 &&
	    fabs(fd.eta[ek] + 0.2) < 1e-4 && fd.eta[model_eta(g, "GFR")] == 0,
	    "MAP (no prior) on 6 noiseless levels recovers ETA_CLint 0.3 "
	    "and ETA_Kp -0.2 (1e-4), ETA_GFR fixed");
	fit_free(f);
	fit_params_free(&p);
	fit_data_free(&fd);
	sim_cols_free(&cols);
	rec_indiv_free(&ind);
	if (r)
		rec_close(r);
	model_free(g);
}

/* The text as a file loads as the same model as the text in memory. */
static void
file_roundtrip(void)
{
	struct twin_err err;
	struct wbody w;
	struct model *a, *b;
	char path[128];
	char *text;
	FILE *fp;
	int same;

	drug_inputs(&w);
	text = wbody_yaml(&w, &err);
	snprintf(path, sizeof(path), "%s/drug.yaml", dir);
	if (text == NULL || (fp = fopen(path, "w")) == NULL) {
		tap_ok(0, "the text written to a file");
		free(text);
		return;
	}
	fputs(text, fp);
	fclose(fp);
	a = model_load(path, &err);
	b = wbody_model(&w, &err);
	same = a && b && a->nslot == b->nslot && a->njac == b->njac &&
	    a->nstate == b->nstate && !strcmp(a->name, b->name);
	for (int i = 0; same && i < a->nslot; i++)
		same = !strcmp(a->slotname[i], b->slotname[i]);
	tap_ok(same, "the text saved as drug.yaml loads as wbody_model's "
	    "model");
	tap_ok(b && model_route(b, "iv") == model_state(b, "venous") &&
	    model_route(b, "oral") == model_state(b, "lumen"),
	    "routes: iv into venous blood, oral into the gut lumen");
	model_free(a);
	model_free(b);
	free(text);
}

/* Random effects: present, zero by default, given variances otherwise;
 * physiology text with ?: and covariates is pasted and evaluated. */
static void
effects_and_text(void)
{
	static const struct wbody_cov cov[] = { { "SEX", 0, 0 },
	    { "WT", 1, 70 } };
	static const struct wbody_def def[] = {
		{ "QC", "SEX == 1 ? 390 : 354" },	/* quoted in YAML */
		{ "BW", "WT" },
	};
	struct twin_err err;
	struct wbody w;
	struct model *g;
	double *v;
	int i, e;

	w3_inputs(&w);
	g = generate(&w, 0);
	tap_ok(g && g->neta == 3 && g->omega[0] == 0 && g->omega[4] == 0 &&
	    g->omega[8] == 0 && model_eta(g, "CLint") >= 0 &&
	    model_eta(g, "GFR") >= 0 && model_eta(g, "Kp") >= 0,
	    "random effects CLint, GFR, Kp present with variance 0");
	if (g) {
		/* what twin-sim --iiv draws: zeros */
		struct sim_opts so = { ODE_AUTO, SIM_RTOL, SIM_ATOL };
		struct sim *s = sim_new(g, &so, &err);
		gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
		double eta[3] = { 1, 1, 1 };

		if (s && rng)
			sim_sample_eta(s, rng, eta);
		tap_ok(s && eta[0] == 0 && eta[1] == 0 && eta[2] == 0,
		    "random effects drawn from the zero variances are 0");
		sim_free(s);
		gsl_rng_free(rng);
	}
	model_free(g);
	w.omega_clint = 0.09;
	w.omega_gfr = 0.04;
	w.omega_kp = 0.01;
	g = generate(&w, 0);
	e = g ? model_eta(g, "GFR") : 0;
	tap_ok(g && g->omega[e * 3 + e] == 0.04,
	    "given variances are the model's omega");
	model_free(g);

	w3_inputs(&w);
	w.clint = "20";
	w.cov = cov;
	w.ncov = 2;
	w.def = def;
	w.ndef = 2;
	g = wbody_model(&w, &err);
	if (g == NULL)
		printf("# %s\n", err.msg);
	tap_ok(g != NULL && g->ncov == 2 && !g->covhasdefault[0],
	    "covariates declared, SEX required");
	if (g) {
		v = calloc(g->nslot, sizeof(double));
		for (i = 0; i < g->ntheta; i++)
			v[g->theta0 + i] = g->theta[i];
		v[g->cov0] = 2;
		v[g->cov0 + 1] = 60;
		for (i = 0; i < g->nind; i++)
			v[g->ind0 + i] = tape_eval(g->ind[i], v);
		/* W3's flow fractions (gut inside the liver's) sum to 1 */
		tap_close(v[model_slot(g, "CO")], 354 * (0.05 + 0.05 + 0.12 +
		    0.04 + 0.19 + 0.215385 + 0.17 + 0.05 + 0.01076 +
		    0.103855), 1e-14,
		    "a ?: definition is pasted and evaluated: CO for SEX 2");
		tap_close(v[model_slot(g, "V_muscle")], 60 * 0.4, 1e-15,
		    "volumes follow the covariates: V_muscle = 0.4 WT");
		free(v);
	}
	model_free(g);
}

/* Inputs that make no model. */
static void
refused(void)
{
	static const struct {
		const char *what, *msg;
	} cases[] = {
		{ "no liver volume", "no volume for liver" },
		{ "a lung flow", "Q_lung is given" },
		{ "fu 1.5", "fu = 1.5 is not in (0, 1]" },
		{ "Kp 0", "Kp_adipose = 0 is not positive" },
		{ "bad name", "name \"9x\" is not a name" },
		{ "flow without volume", "a flow but no volume for pancreas" },
		{ "unknown name", "w3body:" },
	};
	struct twin_err err;
	struct wbody w;
	struct model *g;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		w3_inputs(&w);
		switch (i) {
		case 0: w.V[TISSUE_LIVER] = NULL; w.Q[TISSUE_LIVER] = NULL;
			break;
		case 1: w.Q[TISSUE_LUNG] = "QC"; break;
		case 2: w.fu = 1.5; break;
		case 3: w.kp[TISSUE_ADIPOSE] = 0; break;
		case 4: w.name = "9x"; break;
		case 5: w.Q[TISSUE_PANCREAS] = "QC*0.01"; break;
		default: w.gfr = "CRCL*0.06"; break;
		}
		g = wbody_model(&w, &err);
		tap_ok(g == NULL && strstr(err.msg, cases[i].msg) != NULL,
		    cases[i].what);
		printf("# %s\n", g ? "(loaded)" : err.msg);
		model_free(g);
	}
}

int
main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test_wbody.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	against_w3();
	against_reference();
	balance_and_paths();
	auc();
	personalise();
	file_roundtrip();
	effects_and_text();
	refused();
	{
		char p[128];

		snprintf(p, sizeof(p), "%s/in.tsv", dir);
		unlink(p);
		snprintf(p, sizeof(p), "%s/drug.yaml", dir);
		unlink(p);
		rmdir(dir);
	}
	return tap_done();
}
