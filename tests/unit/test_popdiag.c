/*
 * test_popdiag.c - the diagnostics of a population fit: hand-computed
 * small cases, and the phenobarbital fit against NONMEM 7.4.2's own
 * output (pharmpy's tests/testdata/nonmem/pheno_real.lst and .cor).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/record.h"
#include "estim/popdiag.h"
#include "popload.h"
#include "tap.h"

/* NONMEM's correlation matrix of the pheno estimates (pheno_real.cor, in
 * our order: TVCL TVV TVAPGR OMEGA_CL OMEGA_V SIGMA_PROP). */
static const double nm_cor[36] = {
	1, 7.09865E-03, -9.46397E-02, -3.88058E-01, 9.79809E-02, 1.70820E-01,
	7.09865E-03, 1, -3.56900E-01, 1.38062E-01, 3.56662E-01, 2.38442E-01,
	-9.46397E-02, -3.56900E-01, 1, -9.65157E-02, -6.29909E-02, 1.53616E-01,
	-3.88058E-01, 1.38062E-01, -9.65157E-02, 1, -1.85111E-01, 1.59170E-01,
	9.79809E-02, 3.56662E-01, -6.29909E-02, -1.85111E-01, 1, -2.74949E-02,
	1.70820E-01, 2.38442E-01, 1.53616E-01, 1.59170E-01, -2.74949E-02, 1,
};

static void
small_cases(void)
{
	struct twin_err err;
	/* two effects interleaved: the first -1 1 2 2, the second 0 */
	double x[8] = { -1, 0, 1, 0, 2, 0, 2, 0 }, mean, se, p, aic, bic;
	double w[2] = { 0.6, -0.8 }, cond, cor[9];
	double cov[9] = { 4, 2, 0, 2, 9, 0, 0, 0, 0 };
	double c2[4] = { 1, 1.0 / 3, 1.0 / 3, 1 };
	int keep[3] = { 1, 1, 0 };

	/* mean 1; deviations -2 0 1 1: sum of squares 6 */
	popdiag_etabar(x, 4, 2, &mean, &se, &p);
	tap_close(mean, 1, 1e-15, "etabar: the mean");
	tap_close(se, sqrt(6.0 / 4) / 2, 1e-15, "etabar: SE = SD(n) / sqrt(n)");
	tap_close(p, 0.102470434860, 1e-9,
	    "etabar: p = 2 (1 - Phi(mean / SE)) (R: 2*pnorm(-1/0.6124))");
	popdiag_etabar(x + 1, 4, 2, &mean, &se, &p);
	tap_ok(mean == 0 && isnan(se) && isnan(p),
	    "etabar of zeros: SE and p not defined");
	/* SD(n - 1) = sqrt(6 / 3), omega 8: 1 - sqrt(2) / sqrt(8) = 0.5 */
	tap_close(popdiag_eta_shrinkage(x, 4, 2, 8), 0.5, 1e-15,
	    "eta shrinkage 1 - SD / sqrt(omega)");
	tap_ok(isnan(popdiag_eta_shrinkage(x, 4, 2, 0)) &&
	    isnan(popdiag_eta_shrinkage(x, 1, 2, 1)),
	    "eta shrinkage: omega 0 or one individual: not defined");
	tap_close(popdiag_eps_shrinkage(w, 2), 1 - sqrt(0.5), 1e-15,
	    "eps shrinkage 1 - RMS(IWRES)");
	popdiag_criteria(100, 3, 20, &aic, &bic);
	tap_close(aic, 106, 1e-15, "AIC = OFV + 2 k");
	tap_close(bic, 108.987196821, 1e-11, "BIC = OFV + k log(n)");
	tap_ok(popdiag_correlation(3, cov, keep, cor, &err) == 0 &&
	    cor[0] == 1 && cor[3] == 1 && fabs(cor[1] - 1.0 / 3) < 1e-15 &&
	    fabs(cor[2] - 1.0 / 3) < 1e-15,
	    "correlation of the kept parameters: 2 / (2 * 3)");
	tap_ok(popdiag_correlation(3, cov, NULL, cor, &err) < 0 &&
	    err.kind == TWIN_EDOMAIN, "a zero variance kept: error");
	/* eigenvalues 1 +- r */
	tap_ok(popdiag_condition(2, c2, &cond, &err) == 0, "condition 2x2");
	tap_close(cond, 2, 1e-12, "condition (1 + r) / (1 - r) = 2");
	tap_ok(popdiag_condition(6, nm_cor, &cond, &err) == 0,
	    "condition of NONMEM's pheno correlation matrix");
	/* R: eigen() of the same matrix: 1.57718870 ... 0.35914408 */
	tap_close(cond, 4.3915208, 1e-6, "= 4.3915208 (R's eigen)");
	c2[1] = c2[2] = 1;
	tap_ok(popdiag_condition(2, c2, &cond, &err) < 0 &&
	    err.kind == TWIN_EDOMAIN, "a singular correlation matrix: error");
}

/* pop_trace: rows from iteration 0, consecutive, 6 values each. */
struct trace {
	int rows, next, n, bad;
	double last, first;
};

static void
on_trace(void *arg, int iter, double ofv, const struct pop_estimate *e,
    int n)
{
	struct trace *t = arg;

	if (iter != t->next++ || n != 6 || strcmp(e[0].name, "TVCL") ||
	    !(e[0].value > 0) || !isnan(e[0].se))
		t->bad++;
	if (t->rows++ == 0)
		t->first = ofv;
	t->last = ofv;
}

/* NONMEM 7.4.2 on pheno (pheno_real.lst): ETABAR, SE, P VAL.,
 * ETASHRINKSD(%), EPSSHRINKSD(%), and the correlation matrix. */
static void
pheno(void)
{
	static const double etabar[2] = { 1.6884E-03, -1.1976E-03 };
	static const double etase[2] = { 1.1692E-02, 1.8795E-02 };
	static const double pval[2] = { 8.8518E-01, 9.4919E-01 };
	static const double shr[2] = { 4.7130E+01, 1.2839E+01 };
	struct twin_err err;
	struct model *m;
	struct pop *p = load("../../testdata/pheno.yaml",
	    "../../testdata/pheno.tsv", 2, &m);
	struct pop_result res;
	struct pop_diag d;
	double maxd = 0;
	int k;

	if (p == NULL) {
		tap_ok(0, "pheno loads");
		return;
	}
	struct trace tr = { 0, 0, 0, 0, 0, 0 };

	pop_trace(p, on_trace, &tr);
	tap_ok(pop_estimate(p, 1, &res, &err) == 0 && res.covariance_ok &&
	    res.cov != NULL, "pheno: estimated, with a covariance matrix");
	tap_ok(tr.bad == 0 && tr.rows >= 2 && tr.rows <= res.iterations + 1,
	    "pop_trace: steps numbered from 0, each with the estimates");
	tap_ok(tr.first > tr.last && fabs(tr.last - res.ofv) < 1e-6,
	    "pop_trace: from the start's objective down to the final one");
	tap_ok(pop_diagnose(p, &res, &d, &err) == 0, "pop_diagnose");
	tap_ok(d.npar == 6 && d.nobs == 155 && d.nind == 59 && d.neta == 2,
	    "6 parameters, 155 observations, 59 individuals");
	tap_close(d.aic, res.ofv + 12, 1e-15, "AIC");
	tap_close(d.bic, res.ofv + 6 * log(155.0), 1e-15, "BIC");
	for (k = 0; k < 2; k++) {
		/* Our EBEs are at our estimates, which equal NONMEM's to
		 * about 1e-4 relative: ETABAR to 2e-5 absolute (about 1e-3
		 * of its SE), the rest to 3 or 4 digits. */
		tap_ok(fabs(d.etabar[k] - etabar[k]) < 2e-5, "ETABAR as NONMEM");
		tap_close(d.etabar_se[k], etase[k], 1e-3, "SE of ETABAR");
		tap_close(d.etabar_p[k], pval[k], 1e-3, "p of ETABAR");
		tap_close(100 * d.eta_shrink[k], shr[k], 1e-4,
		    "ETASHRINKSD as NONMEM");
	}
	tap_close(100 * d.eps_shrink, 2.1198E+01, 1e-4,
	    "EPSSHRINKSD 21.198% as NONMEM");
	tap_ok(d.ncor == 6 && d.cor != NULL, "the correlation matrix");
	for (k = 0; d.cor != NULL && k < 36; k++)
		if (fabs(d.cor[k] - nm_cor[k]) > maxd)
			maxd = fabs(d.cor[k] - nm_cor[k]);
	/* NONMEM's R and S come from its own finite differences; the SEs
	 * agree to 2% (fit.t), the correlations to 0.005. */
	tap_ok(maxd < 0.005, "correlations as NONMEM's within 0.005");
	printf("# largest difference %.3g, condition %.6g\n", maxd,
	    d.condition);
	tap_close(d.condition, 4.3915208, 0.002,
	    "condition number as that of NONMEM's matrix, within 0.2%");
	pop_diag_free(&d);
	pop_result_free(&res);
	pop_free(p);
	model_free(m);
}

int
main(void)
{
	small_cases();
	pheno();
	return tap_done();
}
