#include <math.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "report/cgm.h"

/* Events: a run of consecutive readings below the bound lasting from its
 * first reading to the first reading back at or above it (or one interval
 * past the last reading when the trace ends in the run). */
static int
events(const double *t, const double *g, int n, double interval,
    double bound)
{
	int i = 0, count = 0;

	while (i < n) {
		int j;
		double end;

		if (!(g[i] < bound)) {
			i++;
			continue;
		}
		for (j = i; j < n && g[j] < bound; j++)
			;
		end = j < n ? t[j] : t[n - 1] + interval;
		if (end - t[i] >= CGM_EVENT_MIN - CGM_TIME_TOL)
			count++;
		i = j;
	}
	return count;
}

/* Kovatchev's symmetrised glucose scale, g in mg/dL. */
static double
risk_f(double g)
{
	return 1.509 * (pow(log(g), 1.084) - 5.381);
}

void
cgm_compute(const double *t, const double *g, int n, double interval,
    struct cgm *o)
{
	double sum = 0, ss = 0, expected;
	int i, c[5] = { 0 };

	memset(o, 0, sizeof(*o));
	o->n = n;
	if (n == 0) {
		o->mean = o->sd = o->cv = o->gmi = o->lbgi = o->hbgi = NAN;
		o->tbr2 = o->tbr1 = o->tir = o->tar1 = o->tar2 = NAN;
		o->coverage = 0;
		return;
	}
	for (i = 0; i < n; i++) {
		double f = risk_f(g[i]), r = 10 * f * f;

		sum += g[i];
		if (g[i] < CGM_VERY_LOW)
			c[0]++;
		else if (g[i] < CGM_LOW)
			c[1]++;
		else if (g[i] <= CGM_HIGH)
			c[2]++;
		else if (g[i] <= CGM_VERY_HIGH)
			c[3]++;
		else
			c[4]++;
		if (f < 0)
			o->lbgi += r / n;
		else
			o->hbgi += r / n;
	}
	o->mean = sum / n;
	for (i = 0; i < n; i++)
		ss += (g[i] - o->mean) * (g[i] - o->mean);
	o->sd = n > 1 ? sqrt(ss / (n - 1)) : NAN;
	o->cv = 100 * o->sd / o->mean;
	/* Bergenstal et al., Diabetes Care 2018;41:2275-80 */
	o->gmi = 3.31 + 0.02392 * o->mean;
	o->tbr2 = 100.0 * c[0] / n;
	o->tbr1 = 100.0 * c[1] / n;
	o->tir = 100.0 * c[2] / n;
	o->tar1 = 100.0 * c[3] / n;
	o->tar2 = 100.0 * c[4] / n;
	o->hypo54 = events(t, g, n, interval, CGM_VERY_LOW);
	o->hypo70 = events(t, g, n, interval, CGM_LOW);
	expected = floor((t[n - 1] - t[0]) / interval + CGM_TIME_TOL) + 1;
	o->coverage = 100 * n / expected;
}

double
cgm_time_scale(const double *t, int n, double *ws, double *median)
{
	static const double every[] = { 1, 5, 15 };	/* minutes */
	double m;
	int i, k = 0;
	size_t j;

	for (i = 0; i + 1 < n; i++)
		if (t[i + 1] > t[i])
			ws[k++] = t[i + 1] - t[i];
	*median = NAN;
	if (k == 0)
		return 0;
	gsl_sort(ws, 1, k);
	*median = m = gsl_stats_median_from_sorted_data(ws, 1, k);
	for (j = 0; j < sizeof(every) / sizeof(every[0]); j++) {
		if (fabs(m - every[j]) <= CGM_SPACING_TOL * every[j])
			return 1;
		if (fabs(m - every[j] / 60) <= CGM_SPACING_TOL * every[j] / 60)
			return 60;
	}
	return 0;
}

double
cgm_interval(const double *t, int n, double *ws)
{
	double med;

	return cgm_time_scale(t, n, ws, &med) == 1 ? round(med) :
	    CGM_INTERVAL;
}
