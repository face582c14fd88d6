/*
 * build.h - a model built in memory for the unit tests, through the
 * builder calls of model.h: compartments cmt[0..ncmt-1] with their ode
 * expressions, thetas with value[i] (1 when value is NULL), and an output
 * Y equal to the amount in cmt[out].  Returns the finished model (freed
 * by model_free), or NULL after printing the error as a TAP comment.
 */
#ifndef TWIN_TEST_BUILD_H
#define TWIN_TEST_BUILD_H

#include <stdio.h>

#include "model/model.h"

static struct model * __attribute__((unused))
build_model(int ncmt, const char *const *cmt, const char *const *ode,
    int nth, const char *const *theta, const double *value, int out)
{
	struct srcpos at = { NULL, 0, 0 };
	struct twin_err err;
	struct model *m = model_new("t");
	int i;

	for (i = 0; i < ncmt; i++)
		if (model_add_compartment(m, cmt[i], at, &err) < 0 ||
		    model_set_ode(m, cmt[i], ode[i], at, &err) < 0)
			goto fail;
	for (i = 0; i < nth; i++)
		if (model_add_theta(m, theta[i], value ? value[i] : 1, at,
		    &err) < 0)
			goto fail;
	if (model_add_output(m, "Y", cmt[out], at, &err) < 0 ||
	    model_finish(m, &err) < 0)
		goto fail;
	return m;
fail:
	printf("# %s\n", err.msg);
	model_free(m);
	return NULL;
}

#endif
