/*
 * sens.c - an individual's predictions and their exact derivatives
 * (sens.h), from sim_run_sens.
 */
#include <stdlib.h>
#include <string.h>

#include "solve/sens.h"

int
sens_predict(struct sim *s, struct sim_indiv *si, const double *eta,
    const int *obs, int nobs, double *pred, double *dpred_deta,
    double *dpred_dtheta, struct twin_err *err)
{
	const struct model *m = sim_model(s);
	int ne = m->neta, nt = dpred_dtheta ? m->ntheta : 0, nq = ne + nt;
	int w = sim_width(m), j, q, bad, rc = -1;
	double *out, *dout;

	memcpy(si->eta, eta, ne * sizeof(double));
	out = malloc(((size_t)si->n * w + 1) * sizeof(double));
	dout = malloc(((size_t)si->n * m->nout * nq + 1) * sizeof(double));
	if (out == NULL || dout == NULL) {
		twin_nomem(err);
		goto out;
	}
	if (sim_run_sens(s, si, 0, dpred_dtheta != NULL, out, dout, &bad,
	    err) < 0)
		goto out;
	for (j = 0; j < nobs; j++) {
		int k = obs[j];
		const double *d;

		if (k < 0 || k >= si->n) {
			twin_errork(err, TWIN_EINPUT, "observation record %d "
			    "is not one of the individual's %d", k, si->n);
			goto out;
		}
		d = dout + ((size_t)k * m->nout + m->dv) * nq;
		pred[j] = out[(size_t)k * w + m->dv];
		for (q = 0; q < ne; q++)
			dpred_deta[(size_t)j * ne + q] = nq ? d[q] : 0;
		for (q = 0; q < nt; q++)
			dpred_dtheta[(size_t)j * nt + q] = d[ne + q];
	}
	rc = 0;
out:
	free(out);
	free(dout);
	return rc;
}
