/* sensor.c - see sensor.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_spline.h>

#include "solve/sensor.h"
#include "util/tsv.h"

#define TABLE "glucose/cgm_sensors.tsv"

int
sensor_find(const char *name, struct sensor *s, struct twin_err *err)
{
	static const char *const cn[] = { "PACF", "gamma", "lambda", "delta",
	    "xi", "sample_time", "min", "max" };
	double v[8];
	struct tsv t;
	int rc, k, c;

	if (tsv_open(&t, TABLE, err) < 0)
		return -1;
	while ((rc = tsv_next(&t, err)) == 1) {
		if (strcmp(tsv_str(&t, "name"), name) != 0)
			continue;
		for (k = 0; k < 8; k++)
			if ((c = tsv_col(&t, cn[k], err)) < 0 ||
			    tsv_num(&t, c, 0, &v[k], err) < 0) {
				tsv_close(&t);
				return -1;
			}
		snprintf(s->name, sizeof(s->name), "%s", name);
		s->pacf = v[0];
		s->gamma = v[1];
		s->lambda = v[2];
		s->delta = v[3];
		s->xi = v[4];
		s->sample = v[5];
		s->lo = v[6];
		s->hi = v[7];
		tsv_close(&t);
		return 0;
	}
	tsv_close(&t);
	if (rc < 0)
		return -1;
	return twin_errork(err, TWIN_EUNKNOWN, "unknown CGM sensor \"%s\" "
	    "(%s has dexcom, guardianrt, navigator)", name, TABLE);
}

int
sensor_error(const struct sensor *s, gsl_rng *rng, const double *tmin,
    int n, double *eps, struct twin_err *err)
{
	double *gt, *ge, span;
	int i, m, rc = -1;
	gsl_spline *sp = NULL;
	gsl_interp_accel *acc = NULL;

	if (n <= 0)
		return 0;
	for (i = 1; i < n; i++)
		if (!(tmin[i] >= tmin[i - 1]))
			return twin_error(err, "CGM readings: times not sorted "
			    "(%g after %g)", tmin[i], tmin[i - 1]);
	/* the 15-min grid from the first reading past the last; at least
	 * three points for the spline */
	span = tmin[n - 1] - tmin[0];
	m = (int)ceil(span / SENSOR_STEP_MIN) + 1;
	if (m < 3)
		m = 3;
	gt = malloc(2 * (size_t)m * sizeof(double));
	if (gt == NULL)
		return twin_nomem(err);
	ge = gt + m;
	for (i = 0; i < m; i++) {
		double z = gsl_ran_ugaussian(rng);

		gt[i] = tmin[0] + SENSOR_STEP_MIN * i;
		ge[i] = i == 0 ? z : s->pacf * (ge[i - 1] + z);
	}
	for (i = 0; i < m; i++)
		ge[i] = s->xi + s->lambda * sinh((ge[i] - s->gamma) /
		    s->delta);
	sp = gsl_spline_alloc(gsl_interp_cspline, m);
	acc = gsl_interp_accel_alloc();
	if (sp == NULL || acc == NULL ||
	    gsl_spline_init(sp, gt, ge, m) != GSL_SUCCESS) {
		twin_nomem(err);
		goto out;
	}
	for (i = 0; i < n; i++)
		eps[i] = gsl_spline_eval(sp, tmin[i], acc);
	rc = 0;
out:
	gsl_spline_free(sp);
	gsl_interp_accel_free(acc);
	free(gt);
	return rc;
}

int
sensor_readings(const struct sensor *s, gsl_rng *rng, const double *tmin,
    const double *g, int n, double *out, struct twin_err *err)
{
	double *eps;
	int i;

	if (n <= 0)
		return 0;
	if ((eps = malloc((size_t)n * sizeof(double))) == NULL)
		return twin_nomem(err);
	if (sensor_error(s, rng, tmin, n, eps, err) < 0) {
		free(eps);
		return -1;
	}
	for (i = 0; i < n; i++) {
		double r = g[i] + eps[i];

		out[i] = r < s->lo ? s->lo : r > s->hi ? s->hi : r;
	}
	free(eps);
	return 0;
}
