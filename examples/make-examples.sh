#!/bin/sh
# Make the example data sets of examples/ with the toolkit itself (run
# from the source tree after make: sh examples/make-examples.sh):
#   examples/study.tsv  a two-arm single-dose study, 12 subjects, for NCA
#   examples/cgm.tsv    14 days of CGM readings every 5 min, for cgm/agp
# Both are simulated, with fixed seeds: the same toolkit makes the same
# files.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
PATH="$top:$PATH"
TWIN_MODEL_PATH="$top/models"
export PATH TWIN_MODEL_PATH
tab=$(printf '\t')

# study.tsv: 250 mg or 500 mg orally (ARM), 6 subjects per arm of 60 to
# 90 kg, samples at 0.25 to 24 h; one-compartment model with random
# effects and residual error (pk1cmt), concentrations in mg/L to 4
# significant digits.
{
	printf '# A simulated two-arm single-dose study (sh examples/make-examples.sh):\n'
	printf '# 250 or 500 mg orally, pk1cmt with random effects and residual error.\n'
	awk -v OFS="$tab" 'BEGIN {
		print "ID", "TIME", "EVID", "AMT", "CMT", "DV", "WT", "ARM"
		n = split("0.25 0.5 1 1.5 2 3 4 6 8 12 24", t, " ")
		for (i = 1; i <= 12; i++) {
			arm = i <= 6 ? "250 mg" : "500 mg"
			wt = 60 + 5 * ((i - 1) % 7)
			print i, 0, 1, i <= 6 ? 250 : 500, "depot", ".", wt, arm
			for (k = 1; k <= n; k++)
				print i, t[k], 0, ".", "central", ".", wt, arm
		}
	}' | twin-sim -m pk1cmt --iiv --ruv --seed 21 |
	    awk -F "$tab" -v OFS="$tab" '
	NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i
		print "ID", "TIME", "EVID", "AMT", "CMT", "DV", "WT", "ARM"; next }
	{ dv = $c["DV"]; if (dv != ".") dv = sprintf("%.4g", dv < 0 ? 0 : dv)
		print $c["ID"], $c["TIME"], $c["EVID"], $c["AMT"], $c["CMT"], dv,
		    $c["WT"], $c["ARM"] }'
} > "$here/study.tsv"

# cgm.tsv: one virtual type 1 patient (Kanderian 2009 IVP, subject 1)
# for 14 days: basal insulin 1.2 U/h, three meals a day of varying size
# and time, 1 U of bolus insulin per 12 g of carbohydrate; the glucose
# readings (mg/dL, whole numbers) of a CGM every 5 min with the model's
# sensor noise.  TIME is in minutes, the model's time unit.
{
	printf '# A simulated CGM trace, 14 days every 5 min, TIME in minutes\n'
	printf '# (sh examples/make-examples.sh; twin-report cgm --time-unit min).\n'
	awk -v OFS="$tab" 'BEGIN {
		srand(5)
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
	}' | sort -t "$tab" -k2,2n -s | awk 'NR == 1 || $1 == 1' |
	    twin-sim -m ivp --ruv --seed 3 --grid 0:20155:5 |
	    awk -F "$tab" -v OFS="$tab" '
	NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print "ID", "TIME", "DV"
		next }
	$c["EVID"] == "." || $c["EVID"] == 0 {
		print $c["ID"], $c["TIME"], sprintf("%.0f", $c["DV"]) }'
} > "$here/cgm.tsv"

# t1d.tsv.gz: one person's 14 days as a pump and a CGM record them, for a
# personal twin (twin-fit -m uvapadova): simglucose's adult#001 (UVA/
# Padova, all his own parameters) on his basal rate, three meals a day of
# varying size and time (bench/replay/diary.sh, seed 2) with boluses by
# his carbohydrate ratio, read by a Dexcom every 5 min (whole mg/dL).  The
# records say only what the person knows: meals (mg of carbohydrate into
# Qsto1), insulin (U into Isc1; the basal an infusion), the readings DV,
# body weight BW, the basal rate UBASAL (U/min), the carbohydrate ratio CR
# (g/U) and correction factor CF (mg/dL per U) of his pump's settings.
{
	twin-pop --cohort uva30 | awk -F "$tab" 'NR == 1 || $4 == "adult#001"' |
	    twin-sim -m uvapadova --no-pred |
	    awk -F "$tab" -v OFS="$tab" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
	    { printf "%s", $1; for (i = 2; i <= c["TDI"]; i++) printf "\t%s", $i
	      print "\t" $c["BASAL"] }' > "$here/.t1d-patient.tsv"
	printf '# A simulated person with type 1 diabetes, 14 days (sh examples/make-examples.sh):\n'
	printf '# meals (mg into Qsto1), insulin (U into Isc1), Dexcom readings DV (mg/dL),\n'
	printf '# BW (kg), basal rate UBASAL (U/min), CR (g/U), CF (mg/dL/U); TIME in minutes.\n'
	sh "$top/bench/replay/records.sh" "$here/.t1d-patient.tsv" 14 2 |
	    awk -F "$tab" -v OFS="$tab" '
	NR == 1 { print "ID", "TIME", "EVID", "AMT", "RATE", "CMT", "II", "ADDL",
		"BW", "UBASAL", "CR", "CF", "DV"; next }
	{ dv = $14; if (dv != ".") dv = sprintf("%.0f", dv)
		print 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, dv }'
	rm -f "$here/.t1d-patient.tsv"
} | gzip -n -9 > "$here/t1d.tsv.gz"
