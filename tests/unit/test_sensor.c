/*
 * test_sensor - lib/solve/sensor: the CGM error model of Breton &
 * Kovatchev 2008 (simglucose's parameters).  The values of the shipped
 * table; the AR(1) process on its 15-minute grid recovered by inverting
 * the Johnson transform (lag-1 correlation PACF, stationary variance
 * PACF^2 / (1 - PACF^2)); the mean error against its closed form,
 * xi + lambda sinh(-gamma/delta) exp(s2 / (2 delta^2)); the spline
 * through the grid values; the range; the errors.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "solve/sensor.h"
#include "tap.h"

#define N 200000

int
main(void)
{
	struct sensor s;
	struct twin_err err;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	double *t = malloc(N * sizeof(double)), *e = malloc(N * sizeof(double));
	double mean = 0, var = 0, cov = 0, emean = 0, s2, want, se, rho;
	double g[4] = { 1000, 0, 100, 100 }, tt[4] = { 0, 3, 6, 9 }, out[4];
	int i;

	setenv("TWIN_DATA_PATH", "../../data", 1);
	tap_ok(sensor_find("dexcom", &s, &err) == 0 && s.pacf == 0.7 &&
	    s.gamma == -0.5444 && s.lambda == 15.9574 && s.delta == 1.6898 &&
	    s.xi == -5.47 && s.sample == 3 && s.lo == 39 && s.hi == 600,
	    "dexcom: simglucose's sensor_params.csv values");
	tap_ok(sensor_find("libre", &s, &err) < 0 && err.kind == TWIN_EUNKNOWN &&
	    strstr(err.msg, "\"libre\"") != NULL, "an unknown sensor: "
	    "unknown-name error naming it");
	sensor_find("dexcom", &s, &err);

	/* on the grid itself the spline returns the grid's values */
	gsl_rng_set(rng, 1);
	for (i = 0; i < N; i++)
		t[i] = SENSOR_STEP_MIN * i;
	if (sensor_error(&s, rng, t, N, e, &err) < 0) {
		tap_ok(0, "sensor_error");
		return tap_done();
	}
	for (i = 0; i < N; i++) {
		emean += e[i];
		/* back to the AR(1) value */
		e[i] = s.gamma + s.delta * asinh((e[i] - s.xi) / s.lambda);
	}
	emean /= N;
	for (i = 100; i < N; i++)
		mean += e[i];
	mean /= N - 100;
	for (i = 100; i < N; i++) {
		var += (e[i] - mean) * (e[i] - mean);
		if (i > 100)
			cov += (e[i] - mean) * (e[i - 1] - mean);
	}
	var /= N - 100;
	cov /= N - 101;
	rho = s.pacf;
	s2 = rho * rho / (1 - rho * rho);
	/* standard errors of an AR(1) sample of N - 100 */
	tap_ok(fabs(cov / var - rho) < 4 * sqrt((1 - rho * rho) / N),
	    "the 15-min series has lag-1 correlation PACF (0.7)");
	printf("# lag-1 correlation %.4f, variance %.4f (stationary %.4f)\n",
	    cov / var, var, s2);
	tap_ok(fabs(var - s2) < 4 * s2 * sqrt(2 * (1 + rho * rho) /
	    (1 - rho * rho) / N), "its variance is PACF^2/(1 - PACF^2)");
	want = s.xi + s.lambda * sinh(-s.gamma / s.delta) *
	    exp(s2 / (2 * s.delta * s.delta));
	se = 40 * sqrt((1 + rho) / (1 - rho) / N);	/* sd(eps) < 40 */
	tap_ok(fabs(emean - want) < 4 * se, "the mean error is "
	    "xi + lambda sinh(-gamma/delta) exp(s2/(2 delta^2))");
	printf("# mean error %.4f mg/dL, closed form %.4f (tolerance %.3f)\n",
	    emean, want, 4 * se);

	/* the range, and the readings' arithmetic */
	gsl_rng_set(rng, 2);
	tap_ok(sensor_readings(&s, rng, tt, g, 4, out, &err) == 0 &&
	    out[0] == 600 && out[1] == 39 && out[2] > 39 && out[2] < 600,
	    "readings are limited to the sensor's [39, 600] mg/dL");
	gsl_rng_set(rng, 2);
	sensor_error(&s, rng, tt, 4, e, &err);
	tap_ok(fabs(out[3] - (100 + e[3])) < 1e-12,
	    "a reading is glucose + the error, same stream");
	tt[2] = 1;
	tap_ok(sensor_error(&s, rng, tt, 4, e, &err) < 0 &&
	    err.kind == TWIN_EINPUT, "times out of order are refused");

	gsl_rng_free(rng);
	free(t);
	free(e);
	return tap_done();
}
