/*
 * test_saem - SAEM against the closed-form maximum likelihood estimates
 * of the balanced one-way random-effects model y_ij = mu + eta_i + e_ij
 * (n individuals, m observations each): with the group means ybar_i and
 * the grand mean ybar,
 *   mu = ybar,  sigma^2 = sum_ij (y_ij - ybar_i)^2 / (n (m - 1)),
 *   omega^2 = sum_i (ybar_i - ybar)^2 / n - sigma^2 / m
 * (when positive; Searle, Casella and McCulloch, Variance Components,
 * 1992, section 3.7).  Two forms of the model: mu-referenced on the log
 * scale (P = TVP exp(ETA_P), Y = log P: mu = log TVP) and additively
 * (Y = MU + ETA_P); both closed form in the M-step.  And with a slope
 * y_ij = mu + a x_j + eta_i + e_ij (the same x_j for everyone), where the
 * likelihood splits into a within part (a, sigma^2) and a between part:
 * a is the within least-squares slope, sigma^2 the within residual sum
 * of squares over n (m - 1), omega^2 as above; a (SLOPE) is estimated by
 * the numeric M-step.  x_j is centred (TIME - 3): with TIME itself, a
 * change of SLOPE is 82% absorbed by the random effects at the samples
 * (m xbar^2 / sum x^2), and SAEM creeps (EM's rate with much missing
 * information: the estimate was 0.5 SE away after 500 iterations).
 * Also: the mu-referencing found, the same results on 1 and 2 threads,
 * and another seed giving other (but as close) estimates.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "estim/fit.h"
#include "model/model.h"
#include "estim/pop.h"
#include "data/record.h"
#include "estim/saem.h"
#include "solve/sim.h"
#include "popload.h"
#include "tap.h"

#define N 40
#define M 5

static char dir[64];
static double y[N][M];

static const char *slope_model =
    "name: lin_slope\n"
    "compartments: [dummy]\n"
    "theta: {TVP: 2, SLOPE: 0.1}\n"
    "omega: {P: 0.5}\n"
    "individual:\n  P: TVP * exp(ETA_P)\n"
    "ode:\n  dummy: 0\n"
    "output:\n  Y: log(P) + SLOPE * (TIME - 3)\n"
    "dv: Y\n"
    "error: {additive: 0.5}\n";

static const char *mu_model =
    "name: lin_mu\n"
    "compartments: [dummy]\n"
    "theta: {TVP: 2}\n"
    "omega: {P: 0.5}\n"
    "individual:\n  P: TVP * exp(ETA_P)\n"
    "ode:\n  dummy: 0\n"
    "output:\n  Y: log(P)\n"
    "dv: Y\n"
    "error: {additive: 0.5}\n";

static const char *add_model =
    "name: lin_add\n"
    "compartments: [dummy]\n"
    "theta: {MU: 0.3}\n"
    "omega: {P: 0.5}\n"
    "individual:\n  P: MU + ETA_P\n"
    "ode:\n  dummy: 0\n"
    "output:\n  Y: P\n"
    "dv: Y\n"
    "error: {additive: 0.5}\n";

/* Deterministic normal deviates (an LCG and Box-Muller): the data only
 * need to be fixed, the reference is computed from them. */
static double
gauss(void)
{
	static unsigned long long s = 12345;
	double u1, u2;

	s = s * 6364136223846793005ULL + 1442695040888963407ULL;
	u1 = ((s >> 11) + 0.5) / 9007199254740992.0;
	s = s * 6364136223846793005ULL + 1442695040888963407ULL;
	u2 = ((s >> 11) + 0.5) / 9007199254740992.0;
	return sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2);
}

/* pop_trace from saem_estimate: rows -k1 .. k2 in order, the values of
 * the last (and only its objective) kept. */
struct trace {
	int rows, next, bad, n;
	double last[8], ofv;
};

static void
on_trace(void *arg, int iter, double ofv, const struct pop_estimate *e,
    int n)
{
	struct trace *t = arg;
	int i;

	if (iter != t->next++ || n < 1 || n > 8 || !isnan(e[0].se))
		t->bad++;
	if (!isnan(t->ofv))	/* a row after the one with an objective */
		t->bad++;
	t->ofv = ofv;
	t->rows++;
	t->n = n;
	for (i = 0; i < n && i < 8; i++)
		t->last[i] = e[i].value;
}

static int
write_file(const char *name, const char *text, char *path, size_t sz)
{
	FILE *fp;

	snprintf(path, sz, "%s/%s", dir, name);
	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	fputs(text, fp);
	return fclose(fp);
}

static int
write_data(char *path, size_t sz)
{
	FILE *fp;
	int i, j;

	snprintf(path, sz, "%s/data.tsv", dir);
	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	fprintf(fp, "ID\tTIME\tDV\n");
	for (i = 0; i < N; i++) {
		double eta = 0.6 * gauss();

		for (j = 0; j < M; j++) {
			y[i][j] = 1.2 + 0.1 * (j + 1) + eta + 0.3 * gauss();
			fprintf(fp, "%d\t%d\t%.17g\n", i + 1, j + 1, y[i][j]);
		}
	}
	return fclose(fp);
}


static double
value(const struct pop_result *res, const char *name)
{
	int i;

	for (i = 0; i < res->n; i++)
		if (!strcmp(res->est[i].name, name))
			return res->est[i].value;
	return NAN;
}

static void
show(const char *what, const struct pop_result *res)
{
	int i;

	printf("# %s:", what);
	for (i = 0; i < res->n; i++)
		printf(" %s %.6g", res->est[i].name, res->est[i].value);
	printf(" OFV %.6g\n", res->ofv);
}

int
main(void)
{
	char mpath[128], apath[128], spath[128], dpath[128];
	double ybar = 0, ssw = 0, ssb = 0, mu, s2, w2, sxy = 0, sxx = 0;
	double a, s2a, xbar = (M + 1) / 2.0;
	struct saem_opts o;
	struct pop_result r1, r2, r3, ra, rs;
	struct twin_err err;
	struct model *m = NULL, *ma = NULL;
	struct pop *p;
	int i, j, mref[4], madd[4];

	snprintf(dir, sizeof(dir), "/tmp/twin-saem-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	if (write_file("mu.yaml", mu_model, mpath, sizeof(mpath)) < 0 ||
	    write_file("add.yaml", add_model, apath, sizeof(apath)) < 0 ||
	    write_file("slope.yaml", slope_model, spath, sizeof(spath)) < 0 ||
	    write_data(dpath, sizeof(dpath)) < 0)
		return 1;
	for (i = 0; i < N; i++) {
		double yi = 0;

		for (j = 0; j < M; j++)
			yi += y[i][j] / M;
		for (j = 0; j < M; j++)
			ssw += (y[i][j] - yi) * (y[i][j] - yi);
		ybar += yi / N;
	}
	for (i = 0; i < N; i++) {
		double yi = 0;

		for (j = 0; j < M; j++)
			yi += y[i][j] / M;
		ssb += (yi - ybar) * (yi - ybar);
	}
	mu = ybar;
	s2 = ssw / (N * (M - 1));
	w2 = ssb / N - s2 / M;
	printf("# closed form: mu %.6g omega^2 %.6g sigma^2 %.6g\n", mu, w2,
	    s2);
	/* with the slope (x_j = TIME = j + 1) */
	for (i = 0; i < N; i++) {
		double yi = 0;

		for (j = 0; j < M; j++)
			yi += y[i][j] / M;
		for (j = 0; j < M; j++) {
			sxy += (j + 1 - xbar) * (y[i][j] - yi);
			sxx += (j + 1 - xbar) * (j + 1 - xbar);
		}
	}
	a = sxy / sxx;
	s2a = (ssw - a * a * sxx) / (N * (M - 1));
	printf("# closed form with slope: a %.6g sigma^2 %.6g\n", a, s2a);

	saem_defaults(&o);
	memset(&r1, 0, sizeof(r1));
	memset(&r2, 0, sizeof(r2));
	memset(&r3, 0, sizeof(r3));
	memset(&ra, 0, sizeof(ra));

	/* mu-referenced */
	if ((p = load(mpath, dpath, 1, &m)) == NULL)
		return 1;
	tap_ok(saem_mu_referenced(p, mref, madd, &err) == 0 && mref[0] == 0 &&
	    madd[0] == 0, "TVP * exp(ETA_P) is found mu-referenced (log)");
	tap_ok(saem_estimate(p, &o, &r1, &err) == 0, "SAEM runs (mu-referenced)");
	show("log mu-referenced", &r1);
	/* SAEM's Monte Carlo error, seen: 1e-4 on mu, about 1% on the
	 * variances.  Allowed: 0.005 on mu (its SE is 0.11 here), 3% on
	 * omega^2 and 2% on sigma^2 (their SEs are 23% and 16%). */
	tap_close(log(value(&r1, "TVP")), mu, 0.005 / fabs(mu),
	    "mu-referenced: log TVP = closed-form mu within 0.005");
	tap_close(value(&r1, "OMEGA_P"), w2, 0.03,
	    "mu-referenced: omega^2 = closed form within 3%");
	tap_close(value(&r1, "SIGMA_ADD"), s2, 0.02,
	    "mu-referenced: sigma^2 = closed form within 2%");
	pop_free(p);
	model_free(m);
	tap_ok(r1.iterations == SAEM_K1 + SAEM_K2 && r1.converged,
	    "k1 + k2 iterations");
	/* -2 log likelihood of the linear-Gaussian model at the estimates,
	 * without the constant, is the FOCE-I objective (exact here). */
	{
		double W = value(&r1, "OMEGA_P"), S = value(&r1, "SIGMA_ADD");
		double m1 = log(value(&r1, "TVP")), o = 0;

		for (i = 0; i < N; i++) {
			double yi = 0, q = 0;

			for (j = 0; j < M; j++)
				yi += y[i][j] / M;
			for (j = 0; j < M; j++)
				q += (y[i][j] - yi) * (y[i][j] - yi);
			/* V = S I + W 11': det S^(M-1) (S + M W);
			 * quadratic form: within / S + M (yi - mu)^2 /
			 * (S + M W) */
			o += (M - 1) * log(S) + log(S + M * W) + q / S +
			    M * (yi - m1) * (yi - m1) / (S + M * W);
		}
		tap_close(r1.ofv, o, 1e-6,
		    "OFV = the exact -2 log likelihood at the estimates");
	}

	/* the same on 2 threads, another seed */
	if ((p = load(mpath, dpath, 2, &m)) == NULL)
		return 1;
	tap_ok(saem_estimate(p, &o, &r2, &err) == 0 &&
	    value(&r2, "TVP") == value(&r1, "TVP") &&
	    value(&r2, "OMEGA_P") == value(&r1, "OMEGA_P") &&
	    value(&r2, "SIGMA_ADD") == value(&r1, "SIGMA_ADD") &&
	    r2.ofv == r1.ofv, "the same estimates on 2 threads");
	pop_result_free(&r2);
	pop_free(p);
	model_free(m);
	if ((p = load(mpath, dpath, 1, &m)) == NULL)
		return 1;
	o.seed = 7;
	tap_ok(saem_estimate(p, &o, &r3, &err) == 0 &&
	    value(&r3, "OMEGA_P") != value(&r1, "OMEGA_P"),
	    "another seed, other samples");
	show("seed 7", &r3);
	tap_close(value(&r3, "OMEGA_P"), w2, 0.03,
	    "another seed: omega^2 = closed form within 3%");
	pop_free(p);
	model_free(m);
	o.seed = SAEM_SEED;

	/* pop_trace: 4 + 3 iterations, rows -4 (the start) .. 3 */
	if ((p = load(mpath, dpath, 1, &m)) == NULL)
		return 1;
	{
		struct saem_opts so = o;
		struct trace tr;
		struct pop_result rt;
		int ok, i, same = 0;

		memset(&tr, 0, sizeof(tr));
		tr.next = -4;
		tr.ofv = NAN;
		so.k1 = 4;
		so.k2 = 3;
		pop_trace(p, on_trace, &tr);
		ok = saem_estimate(p, &so, &rt, &err) == 0;
		tap_ok(ok && tr.bad == 0 && tr.rows == 8 && tr.next == 4,
		    "pop_trace: k1 + k2 + 1 rows, -k1 .. k2, an objective "
		    "only in the last");
		for (i = 0; ok && i < rt.n && i < 8; i++)
			same += tr.last[i] == rt.est[i].value;
		tap_ok(ok && rt.n == 3 && tr.n == rt.n && same == rt.n &&
		    tr.ofv == rt.ofv,
		    "pop_trace: the last row is the estimates and the OFV");
		if (ok)
			pop_result_free(&rt);
	}
	pop_free(p);
	model_free(m);

	/* additively mu-referenced */
	if ((p = load(apath, dpath, 1, &ma)) == NULL)
		return 1;
	tap_ok(saem_mu_referenced(p, mref, madd, &err) == 0 && mref[0] == 0 &&
	    madd[0] == 1, "MU + ETA_P is found mu-referenced (additive)");
	tap_ok(saem_estimate(p, &o, &ra, &err) == 0,
	    "SAEM runs (additive mu-referencing)");
	show("additive", &ra);
	tap_close(value(&ra, "MU"), mu, 0.005 / fabs(mu),
	    "additive: MU = closed-form mu within 0.005");
	tap_close(value(&ra, "OMEGA_P"), w2, 0.03,
	    "additive: omega^2 = closed form within 3%");
	tap_close(value(&ra, "SIGMA_ADD"), s2, 0.02,
	    "additive: sigma^2 = closed form within 2%");
	pop_free(p);
	model_free(ma);

	/* a slope: SLOPE by the numeric M-step */
	if ((p = load(spath, dpath, 1, &ma)) == NULL)
		return 1;
	tap_ok(saem_mu_referenced(p, mref, madd, &err) == 0 && mref[0] == 0,
	    "log P + SLOPE * (TIME - 3): TVP mu-referenced, SLOPE not");
	tap_ok(saem_estimate(p, &o, &rs, &err) == 0,
	    "SAEM runs (numeric M-step)");
	show("slope", &rs);
	/* 0.002 is an eighth of its SE, sqrt(sigma^2 / sum x^2) = 0.015 */
	tap_close(value(&rs, "SLOPE"), a, 0.002 / fabs(a),
	    "numeric: SLOPE = closed-form slope within 0.002");
	tap_close(log(value(&rs, "TVP")), mu, 0.005 / fabs(mu),
	    "numeric: log TVP = closed-form mu within 0.005");
	tap_close(value(&rs, "OMEGA_P"), w2, 0.03,
	    "numeric: omega^2 = closed form within 3%");
	tap_close(value(&rs, "SIGMA_ADD"), s2a, 0.02,
	    "numeric: sigma^2 = closed form within 2%");
	pop_free(p);
	model_free(ma);
	pop_result_free(&rs);

	/* an error: no individuals */
	if (write_file("empty.tsv", "ID\tTIME\tDV\n", dpath,
	    sizeof(dpath)) < 0 || (p = load(mpath, dpath, 1, &m)) == NULL)
		return 1;
	tap_ok(saem_estimate(p, &o, &r2, &err) < 0 &&
	    err.kind == TWIN_EINPUT, "no individuals: an input error");
	pop_free(p);
	model_free(m);
	unlink(dpath);
	snprintf(dpath, sizeof(dpath), "%s/data.tsv", dir);
	pop_result_free(&r1);
	pop_result_free(&r3);
	pop_result_free(&ra);
	unlink(mpath);
	unlink(apath);
	unlink(spath);
	unlink(dpath);
	rmdir(dir);
	return tap_done();
}
