#!/bin/sh
# The pictures of the README, made by the toolkit itself:
#   doc/conc.svg  a virtual cohort's concentration bands, vancomycin
#   doc/agp.svg   the ambulatory glucose profile of a virtual type 1 patient
#   doc/arms.svg  two regimens compared (plot --by)
#   doc/glucose-before.svg, doc/glucose-after.svg  a glucose twin's AGP
#                 before and after a therapy change
#   doc/pbpk-organs.svg, doc/pbpk-bands.svg  whole-body twins: tissues of
#                 the reference man, a cohort by age group
#   doc/theoph-*.svg, doc/pheno-*.svg, doc/vpc-*.svg  judging a fit:
#                 goodness-of-fit pictures and visual predictive checks
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

# One virtual type 1 patient (Kanderian 2009 IVP) for 14 days, CGM every
# 5 min: examples/cgm.tsv, made by examples/make-examples.sh.
twin-report agp --title 'AGP: a virtual type 1 patient, 14 days' \
    -o "$here/agp.svg" "$top/examples/cgm.tsv"

# Two vancomycin regimens side by side, 200 virtual patients each:
# the same daily dose as 1000 mg q12h or 2000 mg q24h (1 h infusions).
printf 'ID\tTIME\tEVID\tAMT\tRATE\tCMT\tII\tADDL\tWT\tCRCL\tARM\n%s\n%s\n' \
    '1	0	1	1000	1000	central	12	5	70	90	1000 mg q12h' \
    '2	0	1	2000	2000	central	24	2	70	90	2000 mg q24h' |
    twin-sim -m vanco --iiv -n 200 --seed 12 --grid 0:72:0.25 |
    twin-report plot -m vanco -y IPRED --bands --by ARM \
	--title 'Same daily dose, two schedules: 200 virtual patients each' \
	-o "$here/arms.svg"

# Whole-body twins (twin-pbpk(1)).  The ICRP 89 reference man after 5 mg
# midazolam i.v.: plasma and six tissues, one line each (the model's
# outputs reshaped to one row per tissue and time, plot --by).
printf 'ID\tTIME\tAMT\tCMT\tSEX\tAGE\tHT\tWT\tSCR\n1\t0\t5\tvenous\t1\t35\t176\t73\t0.9\n' |
    twin-sim -m midazolam --grid 0.05:12:0.05 |
    awk -F'\t' -v OFS='\t' 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i
	n = split("CP C_liver C_brain C_adipose C_muscle C_kidney C_lung",
	    col, " "); next }
	$2 > 0 { for (k = 1; k <= n; k++) row[k] = row[k] k OFS $2 OFS \
	    $h[col[k]] OFS (k == 1 ? "plasma" : substr(col[k], 3)) "\n" }
	END { print "ID", "TIME", "C", "TISSUE"
	    for (k = 1; k <= n; k++) printf "%s", row[k] }' |
    twin-report plot -y C --by TISSUE --log --ylabel 'Midazolam (mg/L)' \
	--title 'Midazolam 5 mg i.v., ICRP reference man: plasma and tissues' \
	-o "$here/pbpk-organs.svg"

# 600 virtual adults (twin-pop) by age group, 5 mg midazolam i.v.:
# plasma bands per group.
twin-pop -n 600 --seed 3 --age 20:80 |
    awk -F'\t' -v OFS='\t' 'NR == 1 { print $0, "AGEBAND"; next }
	{ print $0, $5 < 40 ? "20-40" : $5 < 60 ? "40-60" : "60-80" }' |
    twin-dose -m midazolam --regimen '5 mg iv' |
    twin-sim -m midazolam --grid 0:12:0.25 |
    twin-report plot -y CP --bands --by AGEBAND --log \
	--ylabel 'Midazolam plasma (mg/L)' \
	--title 'Midazolam 5 mg i.v.: 600 virtual adults by age group' \
	-o "$here/pbpk-bands.svg"

# Glucose twins: a person's 14 days (examples/t1d.tsv.gz: simglucose's
# adult#001 as a pump and a Dexcom record him), their twin, and the
# carbohydrate ratio with which his twin keeps 75% of the second week in
# the tight range 70-140 mg/dL without going below 70: his readings, then
# his twin on that ratio read by a Dexcom (--ruv).
twin-report agp -y DV --title "A person's 14 days of CGM, carbohydrate ratio 10 g/U" \
    -o "$here/glucose-before.svg" "$top/examples/t1d.tsv.gz"
twin-fit -m uvapadova "$top/examples/t1d.tsv.gz" |
    twin-dose -m uvapadova --replace sc --regimen 'basal by UBASAL U/min sc
	for 14d; bolus by CR sc at meals' --vary CR=4..20/0.5 \
	--target 'tir(70,140) >= 75' --no-below 70 --window 7d,14d \
	> "$here/.what-if.tsv"
cr=$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "CR") c = i
    next } { print $c; exit }' "$here/.what-if.tsv")
awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "EVID") e = i }
    NR == 1 || $e != 0' "$here/.what-if.tsv" |
    twin-sim -m uvapadova --ruv --seed 3 --grid 0:20160:5 |
    twin-report agp -y DV --title "His twin, carbohydrate ratio chosen by twin-dose ($cr g/U)" \
	-o "$here/glucose-after.svg"
rm -f "$here/.what-if.tsv"

# Judging a fit: the population fits (FOCE-I) of Theoph (12 subjects, 132
# concentrations) and of NONMEM's phenobarbital example (59 neonates, 155
# concentrations), each written out as a model (--write-model), their
# tables of predictions drawn by twin-report gof, and visual predictive
# checks simulated from the fitted models (twin-report vpc):
#   doc/theoph-indiv.svg     observed, IPRED and PRED, a panel per subject
#   doc/theoph-dv-ipred.svg  DV against IPRED, log axes, the identity
#   doc/pheno-dv-pred.svg    DV against PRED, the identity
#   doc/pheno-cwres-time.svg CWRES against time, 0 and +-2
#   doc/pheno-eta-cov.svg    ETA_CL and ETA_V against WT and APGR
#   doc/pheno-eta-hist.svg   histograms of ETA_CL and ETA_V
#   doc/vpc-theoph.svg       500 replicates of the design, a bin per
#                            nominal time (11)
#   doc/vpc-pheno.svg        prediction-corrected (doses and weights
#                            differ): the observed records get PRED from
#                            twin-sim without random effects; 8 bins
fit=$(mktemp -d)
for d in theoph pheno; do
	twin-fit --population -j 2 -m "$top/testdata/$d.yaml" \
	    --table "$fit/$d.tsv" --write-model "$fit/$d.yaml" \
	    "$top/testdata/$d.tsv" > /dev/null
done
twin-report gof indiv -m "$fit/theoph.yaml" \
    --title 'Theophylline, 12 subjects: individual fits' \
    -o "$here/theoph-indiv.svg" "$fit/theoph.tsv"
twin-report gof dv-ipred --log -m "$fit/theoph.yaml" \
    -o "$here/theoph-dv-ipred.svg" "$fit/theoph.tsv"
for k in dv-pred cwres-time eta-cov eta-hist; do
	twin-report gof "$k" -m "$fit/pheno.yaml" \
	    -o "$here/pheno-$k.svg" "$fit/pheno.tsv"
done
twin-sim -m "$fit/theoph.yaml" --iiv --ruv -n 500 --seed 14 \
    "$top/testdata/theoph.tsv" > "$fit/sim.tsv"
twin-report vpc -m "$fit/theoph.yaml" --sim "$fit/sim.tsv" \
    --nbins 11 --title 'Theophylline: VPC of the fitted model, 500 replicates' \
    --svg "$here/vpc-theoph.svg" "$top/testdata/theoph.tsv" > /dev/null
twin-sim -m "$fit/pheno.yaml" --iiv --ruv -n 500 --seed 14 \
    "$top/testdata/pheno.tsv" > "$fit/sim.tsv"
twin-sim -m "$fit/pheno.yaml" "$top/testdata/pheno.tsv" |
    twin-report vpc -m "$fit/pheno.yaml" --pc --nbins 8 \
	--sim "$fit/sim.tsv" --ylabel 'Prediction-corrected DV (mg/L)' \
	--title 'Phenobarbital in neonates: prediction-corrected VPC of the fit' \
	--svg "$here/vpc-pheno.svg" > /dev/null
rm -r "$fit"
