/*
 * stiff.c - the stiffness bound and the integrator rule of stiff.h.
 */
#include <math.h>
#include <string.h>

#include "solve/stiff.h"

double
stiff_radius(const struct model *m, const double *jval, double *rowsum)
{
	double rho = 0;
	int i, k;

	memset(rowsum, 0, m->nstate * sizeof(double));
	for (k = 0; k < m->njac; k++)
		rowsum[m->jac[k].row] += fabs(jval[k]);
	for (i = 0; i < m->nstate; i++) {
		if (isnan(rowsum[i]))
			return NAN;
		if (rowsum[i] > rho)
			rho = rowsum[i];
	}
	return rho;
}

enum ode_method
stiff_choose(double rho, double span)
{
	/* NAN (a Jacobian that cannot be evaluated) goes to BDF, the
	 * method that copes with the most. */
	return rho * span <= STIFF_RK_MAX ? ODE_RK : ODE_BDF;
}

int
stiff_sparse(const struct model *m)
{
	double n = m->nstate;

	return m->nstate >= STIFF_SPARSE_MIN_STATES &&
	    m->njac <= STIFF_SPARSE_MAX_DENSITY * n * n;
}
