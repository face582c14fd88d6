/*
 * popload.h - for the unit tests of population estimation: a model file
 * and a data file into a struct pop (pop_add of every individual), as
 * twin-fit --population does.  On failure prints "# message" and returns
 * NULL.  The caller frees both (pop_free, model_free).
 */
#ifndef TWIN_POPLOAD_H
#define TWIN_POPLOAD_H

#include <stdio.h>
#include <string.h>

#include "estim/fit.h"
#include "estim/pop.h"
#include "model/model.h"

static struct pop *
load(const char *mpath, const char *dpath, int nthread, struct model **mp)
{
	struct twin_err err;
	struct model *m;
	struct pop *p = NULL;
	struct rec_reader *r = NULL;
	struct rec_indiv ind = { 0 };
	struct sim_cols cols;
	struct sim_opts so = { ODE_AUTO, SIM_RTOL, SIM_ATOL };
	struct fit_data fd;
	int lloq, blq;

	memset(&fd, 0, sizeof(fd));
	memset(&cols, 0, sizeof(cols));
	*mp = NULL;
	if ((m = model_load(mpath, &err)) == NULL ||
	    (p = pop_new(m, &so, nthread, &err)) == NULL ||
	    (r = rec_open(dpath, &err)) == NULL ||
	    fit_cols_init(&cols, &lloq, &blq, r, m, &err) < 0)
		goto fail;
	while (rec_next(r, &ind, &err) == 1)
		if (fit_bind(&fd, m, &cols, r, &ind, &err) < 0 ||
		    pop_add(p, &fd, ind.id, &err) < 0)
			goto fail;
	fit_data_free(&fd);
	sim_cols_free(&cols);
	rec_indiv_free(&ind);
	rec_close(r);
	*mp = m;
	return p;
fail:
	printf("# %s\n", err.msg);
	fit_data_free(&fd);
	sim_cols_free(&cols);
	rec_indiv_free(&ind);
	rec_close(r);
	pop_free(p);
	model_free(m);
	return NULL;
}

#endif
