/*
 * sensor.h - what a continuous glucose monitor reads: the true glucose
 * plus the sensor error model of Breton & Kovatchev (J Diabetes Sci
 * Technol 2008;2:853), as simglucose implements it.
 *
 * The error is an AR(1) series on a 15-minute grid from the first
 * reading, e_0 = z_0, e_k = PACF (e_{k-1} + z_k), z standard normal; made
 * Johnson SU, eps = xi + lambda sinh((e - gamma) / delta) (mg/dL); and
 * interpolated to the reading times by a natural cubic spline (simglucose
 * uses SciPy's not-a-knot cubic: the same process, other end conditions).
 * A reading is glucose + eps, limited to the sensor's [min, max].
 * Parameters per sensor come from the shipped table
 * data/glucose/cgm_sensors.tsv (dexcom, guardianrt, navigator).
 * The sensor's hold between its samples is not modelled: each reading is
 * the process at the record's time (give records at the sensor's
 * sampling times, e.g. every 3 min for dexcom, 5 for guardianrt).
 *
 * Ownership: caller's structs and arrays; no allocation kept.  Errors:
 * -1 and err: an unknown sensor TWIN_EUNKNOWN, the table missing
 * TWIN_ESYSTEM or malformed TWIN_EINPUT, times not sorted TWIN_EINPUT,
 * TWIN_ENOMEM.
 */
#ifndef TWIN_SENSOR_H
#define TWIN_SENSOR_H

#include <gsl/gsl_rng.h>

#include "util/err.h"

/* Minutes between the error model's AR(1) values. */
#define SENSOR_STEP_MIN 15.0

struct sensor {
	char name[32];
	double pacf, gamma, lambda, delta, xi;
	double sample;		/* min */
	double lo, hi;		/* mg/dL */
};

/* The sensor named name (lower case, as the table). */
int sensor_find(const char *name, struct sensor *s, struct twin_err *err);

/* The error at n sorted times tmin[] (minutes), into eps[]. */
int sensor_error(const struct sensor *s, gsl_rng *rng, const double *tmin,
    int n, double *eps, struct twin_err *err);

/* Readings: glucose g[] (mg/dL) at sorted times tmin[] plus the error,
 * limited to the sensor's range, into out[] (may be g). */
int sensor_readings(const struct sensor *s, gsl_rng *rng,
    const double *tmin, const double *g, int n, double *out,
    struct twin_err *err);

#endif
