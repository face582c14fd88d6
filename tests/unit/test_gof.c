/*
 * test_gof - lib/report/gof: Sturges' number of histogram bins,
 * ceil(log2 n) + 1, worked out by hand (n = 59 infants of pheno: log2 59
 * = 5.88, 7 bins; n = 12 of Theoph: 3.58, 5; n = 8: exactly 3, 4; n = 9:
 * 3.17, 5), and the names of the pictures.
 */
#include <stdio.h>

#include "report/gof.h"
#include "tap.h"

int
main(void)
{
	tap_ok(gof_bins(59) == 7, "59 values: 7 bins");
	tap_ok(gof_bins(12) == 5, "12 values: 5 bins");
	tap_ok(gof_bins(8) == 4, "8 values: 4 bins (log2 8 = 3 exactly)");
	tap_ok(gof_bins(9) == 5, "9 values: 5 bins");
	tap_ok(gof_bins(1) == 1 && gof_bins(0) == 1, "0 or 1 value: 1 bin");
	tap_ok(gof_bins(2) == 2, "2 values: 2 bins");
	tap_ok(gof_kind("dv-pred") == GOF_DV_PRED &&
	    gof_kind("eta-cov") == GOF_ETA_COV && gof_kind("all") == -1 &&
	    gof_kind("DV-PRED") == -1, "the pictures by name");
	return tap_done();
}
