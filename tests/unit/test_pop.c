/*
 * test_pop - lib/estim/pop: the analytic FOCE-I gradient (fit_focei_grad
 * through pop_gradient) against central differences of the objective,
 * for every error model, the exact and the ODE paths, and a case where it
 * does not apply (censored observations).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estim/fit.h"
#include "estim/pop.h"
#include "model/model.h"
#include "popload.h"
#include "tap.h"


/*
 * The analytic gradient equals the central differences of the objective
 * (step 1e-4 in the transformed vector, modes to a gradient of 1e-8:
 * their error is about 1e-7 of the largest component) to tol times the
 * largest component, every component.
 */
static void
check(const char *mpath, const char *dpath, double tol, const char *what)
{
	struct model *m;
	struct pop *p = load(mpath, dpath, 2, &m);
	struct twin_err err;
	struct pop_layout l;
	double ga[256], gd[256], fa, fd, big = 0, worst = 0;
	int i, n, rc;
	char msg[256];

	if (p == NULL) {
		tap_ok(0, what);
		return;
	}
	rc = pop_gradient(p, 0, &fa, ga, &err);
	if (rc != 0) {
		printf("# analytic: %d %s\n", rc, rc < 0 ? err.msg : "");
		tap_ok(0, what);
		goto out;
	}
	if (pop_gradient(p, 1, &fd, gd, &err) != 0) {
		printf("# differences: %s\n", err.msg);
		tap_ok(0, what);
		goto out;
	}
	pop_get_layout(p, &l);
	for (i = n = 0; i < m->ntheta; i++)
		n += !l.thfixed[i];
	n += l.nl + l.add + l.prop;
	for (i = 0; i < n; i++)
		big = fmax(big, fabs(gd[i]));
	for (i = 0; i < n; i++) {
		printf("# %d analytic %.10g differences %.10g\n", i, ga[i],
		    gd[i]);
		worst = fmax(worst, fabs(ga[i] - gd[i]) / big);
	}
	snprintf(msg, sizeof(msg), "%s: analytic gradient = differences "
	    "(worst %.2g of the largest, %.3g)", what, worst, big);
	tap_ok(worst <= tol && fa == fd, msg);
out:
	pop_free(p);
	model_free(m);
}

/* models/pkmm.yaml with exponential error. */
static int
write_exp(const char *path)
{
	char line[1024];
	FILE *in = fopen("../../models/pkmm.yaml", "r"), *out;

	if (in == NULL || (out = fopen(path, "w")) == NULL) {
		if (in)
			fclose(in);
		return -1;
	}
	while (fgets(line, sizeof(line), in) != NULL)
		fputs(strncmp(line, "error:", 6) ? line :
		    "error: {exponential: 0.1}\n", out);
	fclose(in);
	return fclose(out);
}

/* Censored observations: the analytic gradient says it does not apply
 * (1), and pop_gradient's differences still work. */
static void
blq(void)
{
	struct model *m;
	struct pop *p;
	struct twin_err err;
	double g[256], f;
	FILE *fp = fopen("blq.tsv", "w");

	if (fp == NULL)
		return;
	fputs("ID\tTIME\tDV\tLLOQ\n1\t0\t10.68\t.\n1\t1\t3.6837\t.\n"
	    "1\t2\t1\t2\n2\t0\t9.5\t.\n2\t1\t4\t.\n2\t2\t1.8\t.\n", fp);
	fclose(fp);
	p = load("../../testdata/wang_add.yaml", "blq.tsv", 2, &m);
	tap_ok(p != NULL && pop_gradient(p, 0, &f, g, &err) == 1 &&
	    pop_gradient(p, 1, &f, g, &err) == 0 && isfinite(g[0]),
	    "censored observations: no analytic gradient (1), differences");
	pop_free(p);
	model_free(m);
	remove("blq.tsv");
}

int
main(void)
{
	check("../../testdata/theoph.yaml", "../../testdata/theoph.tsv", 1e-5,
	    "theoph, additive error, exact path");
	check("../../testdata/pheno.yaml", "../../testdata/pheno.tsv", 1e-5,
	    "pheno, proportional error, covariates");
	check("../../testdata/wang_comb.yaml", "../../testdata/wang2007.tsv",
	    1e-5, "Wang 2007, combined error (variances add)");
	check("../../testdata/wang_combsd.yaml", "../../testdata/wang2007.tsv",
	    1e-5, "Wang 2007, combined error (standard deviations add)");
	check("../../models/pkmm.yaml", "../../testdata/pkmm_pop.tsv", 1e-5,
	    "Michaelis-Menten, the ODE path (sensitivities to rtol)");
	if (write_exp("pkmm_exp.yaml") == 0)
		check("pkmm_exp.yaml", "../../testdata/pkmm_pop.tsv", 1e-5,
		    "Michaelis-Menten, exponential error");
	remove("pkmm_exp.yaml");
	blq();
	return tap_done();
}
