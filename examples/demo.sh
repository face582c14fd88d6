#!/bin/sh
# make demo: a what-if pipeline on a virtual cohort, personal twins,
# whole-body twins of virtual people, and glucose twins.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
PATH="$top:$PATH"
TWIN_MODEL_PATH="$top/models"
export PATH TWIN_MODEL_PATH
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== One patient: 500 mg q12h, two-compartment model, first day =="
grep -v '^#' "$here/regimen.tsv" |
    twin-sim -m pk2cmt --grid 0:24:2 | cut -f2,3,9,10 | head -14

echo
echo "== 1000 virtual patients (between-subject variability, seed 7):"
echo "   probability that the last trough (just before 156 h) is >= 2 mg/L =="
twin-sim -m pk2cmt --iiv --seed 7 -n 1000 --grid 11.99:168:12 -j 2 \
    < "$here/regimen.tsv" |
    twin-report target -y IPRED 'trough >= 2' --after 144 --pta --pretty

echo
echo "== A personal twin: theophylline subject 1's 11 levels -> MAP estimates =="
awk -F'\t' 'NR == 1 || $1 == 1' "$top/testdata/theoph.tsv" |
    twin-fit -m "$top/testdata/theoph.yaml" --params > "$tmp/twin.tsv"
cut -f1,5-7,17-19 "$tmp/twin.tsv"
echo "   what if this patient took 200 mg q8h for two days? (mg/L, 40-48 h)"
awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { printf "ID\tTIME\tEVID\tAMT\tCMT\tII\tADDL\tETA_CL\tETA_V\tETA_KA\n"
      printf "1\t0\t1\t200\tdepot\t8\t5\t%s\t%s\t%s\n",
          $c["ETA_CL"], $c["ETA_V"], $c["ETA_KA"] }' "$tmp/twin.tsv" |
    twin-sim -m "$top/testdata/theoph.yaml" --grid 40:48:2 |
    awk -F'\t' 'NR == 1 || $3 == 0' | cut -f2,11,12

echo
echo "== Glucose twin: Bergman minimal model on an IVGTT, glucose mg/dL =="
grep -v '^#' "$here/ivgtt.tsv" |
    twin-sim -m bergman --states --grid 0:180:20 |
    awk -F'\t' 'NR == 1 || $3 != 1' | cut -f2,7,10,11 | head -12

echo
echo "== Vancomycin TDM: levels -> twins -> the regimen for AUC24 400-600 =="
twin-fit -m vanco "$top/testdata/vanco_tdm.tsv" > "$tmp/vt.tsv"
twin-dose -m vanco --target 'auc24 400..600' --amounts 250..3000/250 \
    --intervals 8,12,24 --over 1 --from 48 --table < "$tmp/vt.tsv" |
    cut -f1,2,8
twin-dose -m vanco --target 'auc24 400..600' --amounts 250..3000/250 \
    --intervals 8,12,24 --over 1 --from 48 --until 408 < "$tmp/vt.tsv" |
    twin-sim -m vanco --grid 0:408:0.25 > "$tmp/plan.tsv"
echo "   re-simulated, AUC24 on day 16:"
twin-report target -y IPRED 'auc24 400..600' --after 360 < "$tmp/plan.tsv"

echo
echo "== Type 1 diabetes: the least pre-meal bolus for >= 80% time in range,"
echo "   never below 70 mg/dL (Kanderian virtual patient) =="
printf 'ID\tTIME\tBASAL\n1\t0\t0.02\n' |
    twin-dose -m ivp --regimen 'basal 0.02 U/min sc for 1d; meal 60 g at 07:00,12:30,19:00 daily x1' |
    twin-dose -m ivp --target 'tir(70,180) >= 80' --no-below 70 \
	--amounts 0..12/0.5 --at 07:00,12:30,19:00 --route sc --table | cut -f2,8,9

echo
echo "== Whole-body twins: 500 virtual adults (twin-pop), midazolam 5 mg i.v.,"
echo "   the model generated from its drug file and each person's body;"
echo "   plasma percentiles (mg/L) at 1, 4 and 12 h =="
twin-pop -n 500 --seed 1 --age 20:80 |
    twin-dose -m midazolam --regimen '5 mg iv' |
    twin-sim -m midazolam --grid 0:12:1 |
    twin-report bands -y CP --quantiles 5,50,95 |
    awk -F'\t' 'NR == 1 || $1 == 1 || $1 == 4 || $1 == 12' | cut -f1-5

out=${TWIN_DEMO_OUT:-demo-out}
mkdir -p "$out"
twin-report plot -y IPRED --ylabel 'Vancomycin (mg/L)' -o "$out/vanco.svg" \
    < "$tmp/plan.tsv"
twin-sim -m pk2cmt --iiv --seed 7 -n 200 --grid 0:168:0.5 < "$here/regimen.tsv" |
    twin-report plot -y IPRED --bands --log --ylabel 'CP (mg/L)' -o "$out/cohort.svg"
echo
echo "== Pictures: $out/vanco.svg (the three plans), $out/cohort.svg (cohort bands) =="
