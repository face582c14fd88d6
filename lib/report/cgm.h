/*
 * cgm.h - continuous glucose monitoring metrics of one trace, as defined
 * by the international consensus (Battelino et al., Diabetes Care
 * 2019;42:1593-1603).  Glucose in mg/dL, times in minutes; every reading
 * weighs the same.  Definitions and formulas: twin-report(1).
 */
#ifndef TWIN_CGM_H
#define TWIN_CGM_H

/* Consensus bounds, mg/dL: < 54, [54, 70), [70, 180], (180, 250], > 250. */
#define CGM_VERY_LOW 54.0
#define CGM_LOW 70.0
#define CGM_HIGH 180.0
#define CGM_VERY_HIGH 250.0
/* A hypoglycaemic event lasts at least this long, minutes (Battelino). */
#define CGM_EVENT_MIN 15.0
/* Times in hours are not exact in binary: 15 min may come out as
 * 14.999999999999998.  Durations and counts of intervals allow this much
 * (minutes, and intervals). */
#define CGM_TIME_TOL 1e-6
/* mmol/L to mg/dL, the factor of the consensus report */
#define CGM_MMOL 18.0
/* Sensors read every 1, 5 or 15 minutes; a median spacing of readings
 * within this fraction of one of these, in minutes or in hours, tells
 * the unit of TIME when nothing else does. */
#define CGM_SPACING_TOL 0.02

struct cgm {
	int n;
	double mean, sd, cv, gmi;
	double tbr2, tbr1, tir, tar1, tar2;	/* percent of readings */
	double lbgi, hbgi;
	int hypo54, hypo70;	/* events */
	double coverage;	/* percent of the expected readings */
};

/* The reading interval taken when the readings' median spacing is not a
 * sensor's (1, 5 or 15 min, as cgm_time_scale tells), minutes. */
#define CGM_INTERVAL 5

/* t (minutes, non-decreasing) and g (mg/dL) of n readings; interval:
 * the sensor's reading interval, minutes. */
void cgm_compute(const double *t, const double *g, int n, double interval,
    struct cgm *out);

/* Minutes per unit of t (non-decreasing, n readings) told by the median
 * of the positive spacings: 1 (minutes) if it is 1, 5 or 15, 60 (hours)
 * if it is 1/60, 1/12 or 1/4, each within CGM_SPACING_TOL; 0 if it is
 * none of these or there is no spacing.  *median gets the median (NAN
 * if none); ws: scratch for n values. */
double cgm_time_scale(const double *t, int n, double *ws, double *median);

/* The sensor's reading interval, minutes, for t in minutes (n readings):
 * the median spacing when it is 1, 5 or 15 min, else CGM_INTERVAL; ws:
 * scratch for n values. */
double cgm_interval(const double *t, int n, double *ws);

#endif
