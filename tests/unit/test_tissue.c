/* test_tissue - lib/body/tissue: names round-trip, portal organs. */
#include <string.h>

#include "body/tissue.h"
#include "tap.h"

int
main(void)
{
	int t, ok = 1, nportal = 0;

	for (t = 0; t < TISSUE_N; t++) {
		ok &= tissue_parse(tissue_name(t)) == t;
		nportal += tissue_portal(t);
	}
	tap_ok(ok, "every tissue's name parses back to it");
	tap_ok(tissue_parse("Liver") == -1 && tissue_parse("") == -1,
	    "names are exact and lower case");
	tap_ok(nportal == 4 && tissue_portal(TISSUE_GUT) &&
	    tissue_portal(TISSUE_SPLEEN) && !tissue_portal(TISSUE_LIVER),
	    "gut, pancreas, spleen and stomach drain into the portal vein");
	tap_ok(TISSUE_NKP == 14 && TISSUE_N == 16 &&
	    !strcmp(tissue_name(TISSUE_ARTERIAL), "arterial"),
	    "14 tissues with a Kp, then arterial and venous blood");
	return tap_done();
}
