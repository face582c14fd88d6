/*
 * test_vpc - lib/report/vpc on cases worked out by hand.  Quantiles are
 * R's type 7: with n sorted values x[0..n-1], h = (n - 1) p, the
 * p-quantile is x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).
 *
 * The small case: bins given as [0, 2) and [2, 10].
 *   Observed, bin A (TIME 1): 1 2 3 4 5.
 *     P5: h = 0.2, 1.2.  P50: h = 2, 3.  P95: h = 3.8, 4.8.
 *   Observed, bin B (TIME 4, 4, 8, 8; mean 6): 10 20 30 40.
 *     P5: h = 0.15, 11.5.  P50: h = 1.5, 25.  P95: h = 2.85, 38.5.
 *   Three replicates, bin A: 2 2 2 2 2 | 0 1 2 3 4 | 11 12 13 14 15
 *     P5 per replicate 2, 0.2, 11.2; P50 2, 2, 13; P95 2, 3.8, 14.8.
 *     Over the replicates (3 values, 95 %: p = 0.025 and 0.975, h = 0.05
 *     and 1.95):
 *       P5:  sorted 0.2 2 11.2: median 2, lo 0.2 + 0.05 x 1.8 = 0.29,
 *            hi 2 + 0.95 x 9.2 = 10.74;
 *       P50: 2 2 13: median 2, lo 2, hi 2 + 0.95 x 11 = 12.45;
 *       P95: 2 3.8 14.8: median 3.8, lo 2 + 0.05 x 1.8 = 2.09,
 *            hi 3.8 + 0.95 x 11 = 14.25.
 *   Bin B: 10 20 30 40 | 100 100 100 100 | 0 0 0 0
 *       P5:  0 11.5 100: median 11.5, lo 0.575, hi 11.5 + 0.95 x 88.5
 *            = 95.575;
 *       P50: 0 25 100: median 25, lo 1.25, hi 25 + 0.95 x 75 = 96.25;
 *       P95: 0 38.5 100: median 38.5, lo 1.925, hi 38.5 + 0.95 x 61.5
 *            = 96.925.
 *   All observed percentiles are inside.
 *
 * BLQ, LLOQ 2.5 in bin A: observed 1 (flagged, value missing) and 2 are
 * BLQ, 3 4 5 not.  nblq = 2: P5 (floor h = 0 < 2) is censored; P50
 * (floor h = 2) is 3 and P95 4.8 as without the limit.  Fraction BLQ
 * observed 2/5 = 0.4; per replicate (values below 2.5) 5/5, 3/5, 0/5:
 * sorted 0 0.6 1, median 0.6, lo 0.05 x 0.6 = 0.03, hi 0.6 + 0.95 x 0.4
 * = 0.98.
 *
 * Strata (vpc_compute_stratum), automatic bins (2 a stratum), keys "9"
 * and "10" (key order is numeric: "9" first, though "10" < "9" as
 * bytes):
 *   Stratum "10": the small case above.  Its 9 observed times 1 1 1 1 1
 *     4 4 8 8: the cut before sample round(9 / 2) = 5 (times 1 | 4), edge
 *     (1 + 4) / 2 = 2.5: bins [1, 2.5) and [2.5, 8], the same samples as
 *     [0, 2) and [2, 10], so the same numbers as above.
 *   Stratum "9": observed 1 3 at TIME 0.5, 4 at 20 and 8 at 30.  Times
 *     0.5 0.5 20 30: cut before sample 2, edge (0.5 + 20) / 2 = 10.25;
 *     bins [0.5, 10.25) (time 0.5) and [10.25, 30] (time 25).
 *     Observed (two values a, b: the p-quantile is a + p (b - a)):
 *       bin 1 (1, 3): P5 1.1, P50 2, P95 2.9;
 *       bin 2 (4, 8): P5 4.2, P50 6, P95 7.8.
 *     Two replicates; bin 1: 0 10 | 2 2, bin 2: 4 8 | 0 4 (and a sample
 *     at TIME 40, outside, left out).  Per replicate: bin 1 P5 0.5 and
 *     2, P50 5 and 2, P95 9.5 and 2; bin 2 P5 4.2 and 0.2, P50 6 and 2,
 *     P95 7.8 and 3.8.  Over two values a < b: median (a + b) / 2, 95 %
 *     interval a + 0.025 (b - a) to a + 0.975 (b - a):
 *       bin 1 P5: 1.25, 0.5375, 1.9625 (1.1 inside);
 *             P50: 3.5, 2.075, 4.925 (2 outside);
 *             P95: 5.75, 2.1875, 9.3125 (2.9 inside);
 *       bin 2 P5: 2.2, 0.3, 4.1 (4.2 outside);
 *             P50: 4, 2.1, 5.9 (6 outside);
 *             P95: 5.8, 3.9, 7.7 (7.8 outside).
 *
 * Prediction correction (Bergstrand 2011) of a proportional model: with
 * Y = 2 PRED in one bin whose PRED are 1 2 4 (median 2), every corrected
 * value is 2 x 2 = 4; of an additive one (Y = PRED + 1, the log-scale
 * form y + pbin - p), every one is 3.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/vpc.h"
#include "tap.h"

static void
add_rep(struct vpc *v, long rep, const double *t, const double *y, int n)
{
	int i;

	for (i = 0; i < n; i++)
		vpc_add(v, rep, t[i], y[i], NAN, 0);
}

/* The small case (the header's hand computation): bin A at TIME 1 and
 * bin B at TIME 4 and 8, observed values o and three replicates s. */
static const double ta[5] = { 1, 1, 1, 1, 1 };
static const double tb[4] = { 4, 4, 8, 8 };
static const double oa[5] = { 1, 2, 3, 4, 5 };
static const double ob[4] = { 10, 20, 30, 40 };
static const double sa[3][5] = { { 2, 2, 2, 2, 2 }, { 0, 1, 2, 3, 4 },
    { 11, 12, 13, 14, 15 } };
static const double sb[3][4] = { { 10, 20, 30, 40 },
    { 100, 100, 100, 100 }, { 0, 0, 0, 0 } };

static void
test_small(void)
{
	static const double edges[3] = { 0, 2, 10 };
	static const double want[2][3][4] = {
		{ { 1.2, 2, 0.29, 10.74 }, { 3, 2, 2, 12.45 },
		  { 4.8, 3.8, 2.09, 14.25 } },
		{ { 11.5, 11.5, 0.575, 95.575 }, { 25, 25, 1.25, 96.25 },
		  { 38.5, 38.5, 1.925, 96.925 } } };
	static const char *const name[3] = { "P5", "P50", "P95" };
	struct vpc *v = vpc_new();
	struct vpc_opts o;
	struct vpc_result res;
	struct twin_err err;
	char what[128];
	int b, k, r;

	/* replicates before the observations: the order does not matter */
	for (r = 0; r < 3; r++) {
		add_rep(v, r + 1, ta, sa[r], 5);
		add_rep(v, r + 1, tb, sb[r], 4);
	}
	add_rep(v, 0, tb, ob, 4);
	add_rep(v, 0, ta, oa, 5);
	vpc_add(v, 0, 11, 99, NAN, 0);	/* outside the bins: left out */
	vpc_opts_default(&o);
	o.edges = edges;
	o.nedges = 3;
	tap_ok(vpc_compute(v, &o, &res, &err) == 0 && res.nbin == 2,
	    "small case: two bins");
	tap_ok(res.bin[0].nobs == 5 && res.bin[1].nobs == 4 &&
	    res.bin[0].nsim == 15 && res.bin[1].nsim == 12 &&
	    res.bin[0].nrep == 3 && res.n == 9, "counts; TIME 11 left out");
	tap_close(res.bin[0].t, 1, 1e-15, "bin A time 1");
	tap_close(res.bin[1].t, 6, 1e-15, "bin B time: mean 6");
	tap_ok(res.bin[1].from == 2 && res.bin[1].to == 10, "bin B edges");
	for (b = 0; b < 2; b++)
		for (k = 0; k < 3; k++) {
			const struct vpc_stat *s = &res.bin[b].pct[k];

			snprintf(what, sizeof(what), "bin %c %s: observed",
			    "AB"[b], name[k]);
			tap_close(s->obs, want[b][k][0], 1e-14, what);
			snprintf(what, sizeof(what), "bin %c %s: simulated "
			    "median, 95 %% interval", "AB"[b], name[k]);
			tap_ok(fabs(s->med - want[b][k][1]) < 1e-12 &&
			    fabs(s->lo - want[b][k][2]) < 1e-12 &&
			    fabs(s->hi - want[b][k][3]) < 1e-12 &&
			    !s->outside && !s->censored, what);
		}
	vpc_result_free(&res);
	vpc_free(v);
}

static void
test_outside(void)
{
	struct vpc *v = vpc_new();
	struct vpc_opts o;
	struct vpc_result res;
	struct twin_err err;

	/* observed 100 100; replicates 1 2 and 3 4: P50 1.5 and 3.5,
	 * interval 1.5 + 0.025 x 2 = 1.55 to 1.5 + 0.975 x 2 = 3.45 */
	vpc_add(v, 0, 1, 100, NAN, 0);
	vpc_add(v, 0, 1, 100, NAN, 0);
	vpc_add(v, 1, 1, 1, NAN, 0);
	vpc_add(v, 1, 1, 2, NAN, 0);
	vpc_add(v, 2, 1, 3, NAN, 0);
	vpc_add(v, 2, 1, 4, NAN, 0);
	vpc_opts_default(&o);
	tap_ok(vpc_compute(v, &o, &res, &err) == 0 && res.nbin == 1 &&
	    res.bin[0].from == 1 && res.bin[0].to == 1,
	    "one time: one bin [1, 1]");
	tap_ok(res.bin[0].pct[1].outside && res.bin[0].pct[1].obs == 100,
	    "observed median 100 outside");
	tap_close(res.bin[0].pct[1].lo, 1.55, 1e-14, "lo 1.55");
	tap_close(res.bin[0].pct[1].hi, 3.45, 1e-14, "hi 3.45");
	vpc_result_free(&res);
	/* a narrower interval: 50 %, p = 0.25 and 0.75: 2 and 3 */
	o.ci = 0.5;
	tap_ok(vpc_compute(v, &o, &res, &err) == 0 &&
	    fabs(res.bin[0].pct[1].lo - 2) < 1e-14 &&
	    fabs(res.bin[0].pct[1].hi - 3) < 1e-14, "50 % interval 2 to 3");
	vpc_result_free(&res);
	vpc_free(v);
}

static void
test_blq(void)
{
	static const double sa[3][5] = { { 2, 2, 2, 2, 2 }, { 0, 1, 2, 3, 4 },
	    { 11, 12, 13, 14, 15 } };
	struct vpc *v = vpc_new();
	struct vpc_opts o;
	struct vpc_result res;
	struct twin_err err;
	int r, i;

	vpc_add(v, 0, 1, 3, NAN, 0);
	vpc_add(v, 0, 1, NAN, NAN, 1);
	vpc_add(v, 0, 1, 5, NAN, 0);
	vpc_add(v, 0, 1, 2, NAN, 1);
	vpc_add(v, 0, 1, 4, NAN, 0);
	for (r = 0; r < 3; r++)
		for (i = 0; i < 5; i++)
			vpc_add(v, r + 1, 1, sa[r][i], NAN, sa[r][i] < 2.5);
	vpc_opts_default(&o);
	tap_ok(vpc_compute(v, &o, &res, &err) == 0, "BLQ case");
	tap_ok(res.bin[0].pct[0].censored && isnan(res.bin[0].pct[0].obs) &&
	    !res.bin[0].pct[0].outside, "P5 censored");
	tap_ok(!res.bin[0].pct[1].censored && res.bin[0].pct[1].obs == 3,
	    "P50 3, as without the limit");
	tap_close(res.bin[0].pct[2].obs, 4.8, 1e-14, "P95 4.8");
	tap_close(res.bin[0].pct[2].hi, 14.25, 1e-14,
	    "simulated P95 of all values: hi 14.25");
	tap_close(res.bin[0].blq.obs, 0.4, 1e-15, "observed fraction BLQ 0.4");
	tap_close(res.bin[0].blq.med, 0.6, 1e-15, "simulated median 0.6");
	tap_close(res.bin[0].blq.lo, 0.03, 1e-14, "lo 0.03");
	tap_close(res.bin[0].blq.hi, 0.98, 1e-14, "hi 0.98");
	tap_ok(res.n == 5 && isnan(res.y[0]) + isnan(res.y[1]) == 2 &&
	    res.blq[0] && res.blq[1] && !res.blq[2],
	    "observed samples out: the BLQ ones first, without value");
	vpc_result_free(&res);
	vpc_free(v);
}

static void
test_pc(void)
{
	static const double pred[3] = { 1, 2, 4 };
	struct vpc *v;
	struct vpc_opts o;
	struct vpc_result res;
	struct twin_err err;
	int i, r, k;

	for (int add = 0; add < 2; add++) {
		int ok;

		v = vpc_new();
		for (r = 0; r <= 2; r++)
			for (i = 0; i < 3; i++)
				vpc_add(v, r, i + 1, add ? pred[i] + 1 :
				    2 * pred[i], pred[i], 0);
		vpc_opts_default(&o);
		o.pc = add ? VPC_PC_ADD : VPC_PC_PROP;
		o.nbins = 1;
		ok = vpc_compute(v, &o, &res, &err) == 0 && res.nbin == 1 &&
		    res.bin[0].pred == 2;
		for (k = 0; ok && k < 3; k++)
			ok = fabs(res.bin[0].pct[k].obs - (add ? 3 : 4)) <
			    1e-14 && fabs(res.bin[0].pct[k].lo - (add ? 3 :
			    4)) < 1e-14 && fabs(res.bin[0].pct[k].hi -
			    (add ? 3 : 4)) < 1e-14;
		tap_ok(ok, add ? "pc, additive: every percentile 3" :
		    "pc, proportional: every percentile 4");
		vpc_result_free(&res);
		vpc_free(v);
	}
	/* PRED 0 (before a dose) keeps its value; a missing PRED is an
	 * error */
	v = vpc_new();
	vpc_add(v, 0, 0, 0.5, 0, 0);
	vpc_add(v, 1, 0, 0.7, 0, 0);
	vpc_opts_default(&o);
	o.pc = VPC_PC_PROP;
	tap_ok(vpc_compute(v, &o, &res, &err) == 0 &&
	    res.bin[0].pct[1].obs == 0.5 && res.bin[0].pct[1].med == 0.7,
	    "pc: PRED 0 keeps the value");
	vpc_result_free(&res);
	vpc_add(v, 1, 0, 0.7, NAN, 0);
	tap_ok(vpc_compute(v, &o, &res, &err) < 0 &&
	    err.kind == TWIN_EINPUT, "pc: a sample without PRED is an error");
	vpc_free(v);
}

static void
test_bins(void)
{
	static const double t[9] = { 0, 2, 1, 0, 1, 2, 0, 1, 2 };
	static const double want3[4] = { 0, 0.5, 1.5, 2 };
	struct vpc *v = vpc_new();
	struct vpc_opts o;
	struct vpc_result res;
	struct twin_err err;
	int i, ok;

	for (i = 0; i < 9; i++)
		vpc_add(v, 0, t[i], i, NAN, 0);
	vpc_opts_default(&o);
	/* 10 bins asked of 3 distinct times: 3, edges halfway */
	ok = vpc_compute(v, &o, &res, &err) == 0 && res.nbin == 3;
	for (i = 0; ok && i < 3; i++)
		ok = res.bin[i].from == want3[i] && res.bin[i].to ==
		    want3[i + 1] && res.bin[i].nobs == 3 && res.bin[i].t == i;
	tap_ok(ok, "auto bins: one per distinct time, edges 0 0.5 1.5 2");
	vpc_result_free(&res);
	/* 2 bins of 9: the cut near the 5th sample moves past the equal
	 * times 1 1 1: [0, 1.5) with 6, [1.5, 2] with 3 */
	o.nbins = 2;
	tap_ok(vpc_compute(v, &o, &res, &err) == 0 && res.nbin == 2 &&
	    res.bin[0].to == 1.5 && res.bin[0].nobs == 6 &&
	    res.bin[1].nobs == 3, "2 auto bins: 0..1.5 (6), 1.5..2 (3)");
	vpc_result_free(&res);
	vpc_free(v);
	/* no observations */
	v = vpc_new();
	vpc_add(v, 1, 0, 1, NAN, 0);
	tap_ok(vpc_compute(v, &o, &res, &err) < 0, "no observations: error");
	vpc_free(v);
	tap_close(vpc_quantile((const double[]){ 1, 2, 3, 4 }, 4, 0.9), 3.7,
	    1e-15, "type 7: 0.9 of 1..4 is 3.7 (R: quantile(1:4, 0.9))");
	tap_ok(isnan(vpc_quantile(NULL, 0, 0.5)), "no values: NAN");
}

static void
test_strata(void)
{
	static const double t9[4] = { 0.5, 0.5, 20, 30 };
	static const double o9[4] = { 1, 3, 4, 8 };
	static const double s9[2][4] = { { 0, 10, 4, 8 }, { 2, 2, 0, 4 } };
	/* [stratum][bin][percentile]: obs, median, lo, hi, outside */
	static const double want[2][2][3][5] = {
		{ { { 1.1, 1.25, 0.5375, 1.9625, 0 }, { 2, 3.5, 2.075, 4.925, 1 },
		    { 2.9, 5.75, 2.1875, 9.3125, 0 } },
		  { { 4.2, 2.2, 0.3, 4.1, 1 }, { 6, 4, 2.1, 5.9, 1 },
		    { 7.8, 5.8, 3.9, 7.7, 1 } } },
		{ { { 1.2, 2, 0.29, 10.74, 0 }, { 3, 2, 2, 12.45, 0 },
		    { 4.8, 3.8, 2.09, 14.25, 0 } },
		  { { 11.5, 11.5, 0.575, 95.575, 0 }, { 25, 25, 1.25, 96.25, 0 },
		    { 38.5, 38.5, 1.925, 96.925, 0 } } } };
	static const double from[2][2] = { { 0.5, 10.25 }, { 1, 2.5 } };
	static const double to[2][2] = { { 10.25, 30 }, { 2.5, 8 } };
	static const double tm[2][2] = { { 0.5, 25 }, { 1, 6 } };
	static const long nobs[2][2] = { { 2, 2 }, { 5, 4 } };
	static const int nrep[2] = { 2, 3 };
	struct vpc *v = vpc_new(), *alone = vpc_new();
	struct vpc_opts o;
	struct vpc_result res, res1;
	struct twin_err err;
	char what[128];
	int st, b, k, r, i, ok;

	for (r = 0; r < 3; r++)
		for (i = 0; i < 5; i++) {
			vpc_add_in(v, "10", r + 1, ta[i], sa[r][i], NAN, 0);
			if (i < 4)
				vpc_add_in(v, "10", r + 1, tb[i], sb[r][i],
				    NAN, 0);
		}
	for (i = 0; i < 5; i++)
		vpc_add_in(v, "10", 0, ta[i], oa[i], NAN, 0);
	for (i = 0; i < 4; i++) {
		vpc_add_in(v, "10", 0, tb[i], ob[i], NAN, 0);
		vpc_add_in(v, "9", 0, t9[i], o9[i], NAN, 0);
		vpc_add(alone, 0, t9[i], o9[i], NAN, 0);
		for (r = 0; r < 2; r++) {
			vpc_add_in(v, "9", r + 1, t9[i], s9[r][i], NAN, 0);
			vpc_add(alone, r + 1, t9[i], s9[r][i], NAN, 0);
		}
	}
	vpc_add_in(v, "9", 1, 40, 99, NAN, 0);
	vpc_add(alone, 1, 40, 99, NAN, 0);
	vpc_opts_default(&o);
	o.nbins = 2;
	tap_ok(vpc_nstrata(v) == 2 && !strcmp(vpc_stratum(v, 0), "9") &&
	    !strcmp(vpc_stratum(v, 1), "10") && vpc_stratum(v, 2) == NULL,
	    "strata: two, \"9\" before \"10\" (as numbers)");
	for (st = 0; st < 2; st++) {
		if (vpc_compute_stratum(v, st, &o, &res, &err) < 0 ||
		    res.nbin != 2) {
			tap_ok(0, "stratum: two bins");
			continue;
		}
		for (b = 0; b < 2; b++) {
			const struct vpc_bin *bn = &res.bin[b];

			snprintf(what, sizeof(what), "stratum %s bin %d: "
			    "edges %g, %g, time %g, %ld observed, %d "
			    "replicates", vpc_stratum(v, st), b + 1,
			    from[st][b], to[st][b], tm[st][b], nobs[st][b],
			    nrep[st]);
			tap_ok(fabs(bn->from - from[st][b]) < 1e-15 &&
			    fabs(bn->to - to[st][b]) < 1e-15 &&
			    fabs(bn->t - tm[st][b]) < 1e-14 &&
			    bn->nobs == nobs[st][b] && bn->nrep == nrep[st],
			    what);
			for (k = 0, ok = 1; k < 3; k++) {
				const struct vpc_stat *s = &bn->pct[k];
				const double *w = want[st][b][k];

				ok &= fabs(s->obs - w[0]) < 1e-12 &&
				    fabs(s->med - w[1]) < 1e-12 &&
				    fabs(s->lo - w[2]) < 1e-12 &&
				    fabs(s->hi - w[3]) < 1e-12 &&
				    s->outside == (int)w[4];
			}
			snprintf(what, sizeof(what), "stratum %s bin %d: P5, "
			    "P50, P95 observed, simulated, OUTSIDE by hand",
			    vpc_stratum(v, st), b + 1);
			tap_ok(ok, what);
		}
		if (st == 0) {
			/* the stratum equals its data's check alone */
			ok = vpc_compute(alone, &o, &res1, &err) == 0 &&
			    res1.nbin == res.nbin && res1.n == res.n;
			for (b = 0; ok && b < res.nbin; b++)
				ok = !memcmp(&res.bin[b], &res1.bin[b],
				    sizeof(res.bin[b]));
			for (i = 0; ok && i < res.n; i++)
				ok = res.t[i] == res1.t[i] &&
				    res.y[i] == res1.y[i];
			tap_ok(ok, "stratum 9 = the check of its samples alone");
			vpc_result_free(&res1);
		}
		vpc_result_free(&res);
	}
	tap_ok(vpc_compute_stratum(v, 2, &o, &res, &err) < 0,
	    "no stratum 3: an error");
	vpc_add_in(v, "11", 1, 1, 1, NAN, 0);
	tap_ok(vpc_compute_stratum(v, 2, &o, &res, &err) < 0 &&
	    strstr(err.msg, "no observed samples") != NULL,
	    "a stratum simulated, not observed: \"no observed samples\"");
	vpc_free(v);
	vpc_free(alone);
}

int
main(void)
{
	test_small();
	test_outside();
	test_blq();
	test_pc();
	test_bins();
	test_strata();
	return tap_done();
}
