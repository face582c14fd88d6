/* sensor.c - see sensor.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_spline.h>

#include "solve/sensor.h"
#include "util/datafile.h"
#include "util/num.h"

#define TABLE "glucose/cgm_sensors.tsv"

int
sensor_find(const char *name, struct sensor *s, struct twin_err *err)
{
	char path[4096], line[1024];
	FILE *f;
	int lineno = 0, found = 0;

	if (data_find(TABLE, path, sizeof(path), err) < 0)
		return -1;
	if ((f = fopen(path, "r")) == NULL)
		return twin_errork(err, TWIN_ESYSTEM, "%s: cannot open", path);
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		char *col[10], *p = line, *tab;
		double v[8];
		int k;

		lineno++;
		if (line[0] == '#' || !strncmp(line, "name\t", 5))
			continue;
		line[strcspn(line, "\r\n")] = '\0';
		for (k = 0; k < 10; k++) {
			col[k] = p;
			if ((tab = strchr(p, '\t')) == NULL)
				break;
			*tab = '\0';
			p = tab + 1;
		}
		if (k < 9) {
			fclose(f);
			return twin_error(err, "%s:%d: expected 10 columns",
			    path, lineno);
		}
		if (strcmp(col[0], name) != 0)
			continue;
		for (k = 0; k < 8; k++)
			if (twin_strtod(col[k + 1], &v[k]) < 0) {
				fclose(f);
				return twin_error(err, "%s:%d: \"%s\" is not a "
				    "number", path, lineno, col[k + 1]);
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
		found = 1;
	}
	fclose(f);
	if (!found)
		return twin_errork(err, TWIN_EUNKNOWN, "unknown CGM sensor "
		    "\"%s\" (%s has dexcom, guardianrt, navigator)", name,
		    TABLE);
	return 0;
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
