/*
 * test_cgm - lib/cgm on traces worked out by hand: the unit of TIME told
 * by the readings' spacing, the sensor's interval, and the consensus
 * metrics (times in range, events, coverage) of a short trace.
 */
#include <math.h>
#include <stdio.h>

#include "report/cgm.h"
#include "tap.h"

#define N 8

static void
test_spacing(void)
{
	double t[N], ws[N], med;
	int i;

	for (i = 0; i < N; i++)
		t[i] = 5 * i;
	tap_ok(cgm_time_scale(t, N, ws, &med) == 1 && med == 5,
	    "5-min spacing in minutes: scale 1, median 5");
	tap_ok(cgm_interval(t, N, ws) == 5, "5-min sensor: interval 5");
	for (i = 0; i < N; i++)
		t[i] = i * 0.25;
	tap_ok(cgm_time_scale(t, N, ws, &med) == 60 && med == 0.25,
	    "15-min spacing in hours: scale 60");
	for (i = 0; i < N; i++)
		t[i] = 15 * i + (i >= 4 ? 60 : 0);	/* an hour's gap */
	tap_ok(cgm_interval(t, N, ws) == 15,
	    "15-min sensor with a gap: interval 15 (the median spacing)");
	for (i = 0; i < N; i++)
		t[i] = 2 * i;
	tap_ok(cgm_time_scale(t, N, ws, &med) == 0 && med == 2 &&
	    cgm_interval(t, N, ws) == CGM_INTERVAL,
	    "2-unit spacing: no unit told, interval the default");
	tap_ok(cgm_time_scale(t, 1, ws, &med) == 0 && isnan(med),
	    "one reading: no spacing");
	for (i = 0; i < N; i++)
		t[i] = 5 * i * 1.015;		/* within 2% */
	tap_ok(cgm_interval(t, N, ws) == 5, "5.075-min spacing: interval 5");
}

static void
test_metrics(void)
{
	/* Every 5 min: 100, 60, 50, 50, 50, 200, 260, 100 mg/dL. */
	static const double g[N] = { 100, 60, 50, 50, 50, 200, 260, 100 };
	double t[N];
	struct cgm m;
	int i;

	for (i = 0; i < N; i++)
		t[i] = 5 * i;
	cgm_compute(t, g, N, 5, &m);
	tap_ok(m.n == 8, "8 readings");
	tap_close(m.mean, 870.0 / 8, 1e-15, "mean 108.75");
	tap_close(m.tbr2, 100.0 * 3 / 8, 1e-15, "TBR2: 3 of 8 below 54");
	tap_close(m.tbr1, 100.0 * 1 / 8, 1e-15, "TBR1: 1 of 8 in [54, 70)");
	tap_close(m.tir, 100.0 * 2 / 8, 1e-15, "TIR: 2 of 8 in [70, 180]");
	tap_close(m.tar1, 100.0 * 1 / 8, 1e-15, "TAR1: 1 of 8 in (180, 250]");
	tap_close(m.tar2, 100.0 * 1 / 8, 1e-15, "TAR2: 1 of 8 above 250");
	/* Below 54 from 10 to 25 min (back at or above 54 at 25): 15 min,
	 * an event; below 70 from 5 to 25: 20 min, an event. */
	tap_ok(m.hypo54 == 1 && m.hypo70 == 1, "one event < 54, one < 70");
	tap_close(m.coverage, 100, 1e-15, "coverage 100% at the 5-min interval");
	cgm_compute(t, g, N, 1, &m);
	tap_close(m.coverage, 100.0 * 8 / 36, 1e-15,
	    "coverage 8 of 36 at a 1-min interval");
}

int
main(void)
{
	test_spacing();
	test_metrics();
	return tap_done();
}
