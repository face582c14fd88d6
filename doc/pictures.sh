#!/bin/sh
# The pictures of the README, made by the toolkit itself:
#   doc/conc.svg  a virtual cohort's concentration bands, vancomycin
#   doc/agp.svg   the ambulatory glucose profile of a virtual type 1 patient
#   doc/arms.svg  two regimens compared (plot --by)
# Run from the source tree after make: sh doc/pictures.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
PATH="$top:$PATH"
TWIN_MODEL_PATH="$top/models"
export PATH TWIN_MODEL_PATH

# 200 virtual adults (WT 70, CRCL 90), 1000 mg over 1 h q12h for 3 days,
# between-patient variability of Goti 2018; percentiles every 0.25 h.
printf 'ID\tTIME\tWT\tCRCL\n1\t0\t70\t90\n' |
    twin-dose -m vanco --regimen '1000 mg iv q12h x6 over 1h' |
    twin-sim -m vanco --iiv -n 200 --seed 11 --grid 0:72:0.25 |
    twin-report plot -y IPRED --bands --ylabel 'Vancomycin (mg/L)' \
	--title 'Vancomycin 1000 mg q12h over 1 h: 200 virtual patients' \
	-o "$here/conc.svg"

# One virtual type 1 patient (Kanderian 2009 IVP, subject 1) for 14 days:
# basal 1.2 U/h, three meals a day of varying size and time, a bolus of
# 1 U per 12 g of carbohydrate with each meal, CGM noise of 10 mg/dL
# (the model's additive error) every 5 min.
awk 'BEGIN {
	OFS = "\t"; srand(5)
	print "ID", "TIME", "EVID", "AMT", "RATE", "CMT", "BASAL"
	print 1, 0, 1, 0.02 * 14 * 1440, 0.02, "isc", 0.02
	for (d = 0; d < 14; d++) {
		split("420 750 1140", at, " ")
		split("50 70 80", g, " ")
		for (k = 1; k <= 3; k++) {
			t = d * 1440 + at[k] + int(60 * (rand() - 0.5))
			c = int(g[k] * (0.6 + 0.8 * rand()))
			print 1, t, 1, c, 0, "gut1", 0.02
			print 1, t, 1, c / 12, 0, "isc", 0.02
		}
	}
}' | sort -t "$(printf '\t')" -k2,2n -s |
    awk 'NR == 1 || $1 == 1' |
    twin-sim -m ivp --ruv --seed 3 --grid 0:20160:5 |
    twin-report agp -y DV --time-unit min \
	--title 'AGP: a virtual type 1 patient, 14 days' -o "$here/agp.svg"

# Two vancomycin regimens side by side, 200 virtual patients each:
# the same daily dose as 1000 mg q12h or 2000 mg q24h (1 h infusions).
printf 'ID\tTIME\tEVID\tAMT\tRATE\tCMT\tII\tADDL\tWT\tCRCL\tARM\n%s\n%s\n' \
    '1	0	1	1000	1000	central	12	5	70	90	1000 mg q12h' \
    '2	0	1	2000	2000	central	24	2	70	90	2000 mg q24h' |
    twin-sim -m vanco --iiv -n 200 --seed 12 --grid 0:72:0.25 |
    twin-report plot -m vanco -y IPRED --bands --by ARM \
	--title 'Same daily dose, two schedules: 200 virtual patients each' \
	-o "$here/arms.svg"
