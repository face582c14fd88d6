#!/bin/sh
# twin-pbpk and `-m DRUG`: the whole-body model generated from a drug file
# and the physiology.  Checked against things the generator did not make:
# the published Poulin & Theil Kps of voriconazole; the well-stirred and
# filtration clearances written out here from the ICRP 89 reference man
# (pbpk.md 5.4, CKD-EPI 2021); the same text loading the same model; the
# errors for people the rules cannot make and records without the body's
# covariates; a cohort pipeline; a personal twin by MAP.  Mass balance,
# AUC = dose/CL, exact vs BDF and the W3 reproduction are in
# tests/unit/test_wbody.c; the Kp methods in test_kp.c.
. "$(dirname "$0")/lib.sh"

# 1. Published Kps (Zane & Thakker 2014, data/pbpk/kp_reference.tsv) to
# their two decimals; "rest" is published as 4 (to its one digit: the
# mean of the others, twin-drug(5)).
twin-pbpk --kp --method pt voriconazole > "$tmp/kp" 2> "$tmp/err"
ok $? "twin-pbpk --kp --method pt voriconazole runs"
awk -F'\t' 'FILENAME == ARGV[1] { if ($1 == "voriconazole" &&
    $6 ~ /Poulin/) pub[$3] = $4; next }
    FNR > 1 { kp[$1] = $2; if ($4 != "pt") bad = 1 }
    END { for (t in pub) { n++; d = kp[t] - pub[t]; if (d < 0) d = -d
    if (d > (t == "rest" ? 0.5 : 0.005 + 1e-12)) { bad = 1
    print t, kp[t], pub[t] } }
    exit bad || n != 11 }' "$top/data/pbpk/kp_reference.tsv" "$tmp/kp"
ok $? "voriconazole P&T Kps: the 10 published to two decimals, rest to one digit"

# 2. The printed model is the one -m loads.
twin-pbpk midazolam > "$tmp/mdz.yaml"
ok $? "twin-pbpk midazolam prints the model"
ref='ID\tTIME\tEVID\tAMT\tCMT\tSEX\tAGE\tHT\tWT\tSCR\n'
printf "$ref"'1\t0\t1\t5\tvenous\t1\t35\t176\t73\t0.9\n' > "$tmp/man"
twin-sim -m midazolam --grid 0:24:2 "$tmp/man" > "$tmp/a" 2> "$tmp/err" &&
    twin-sim -m "$tmp/mdz.yaml" --grid 0:24:2 "$tmp/man" > "$tmp/b" &&
    cmp -s "$tmp/a" "$tmp/b"
ok $? "-m midazolam and -m the printed text give the same output"
grep -q '^compartments:' "$tmp/mdz.yaml" &&
    grep -q '^  Q_H: ' "$tmp/mdz.yaml" && grep -q 'M_liver' "$tmp/mdz.yaml"
ok $? "the text is a model: compartments, Q_H, CLint per gram of liver"

# 3. Clearances of the ICRP 89 reference man (35 y, 176 cm, 73 kg, SCR 0.9)
# after 1 mg i.v.: at the end every milligram is metabolised or excreted,
# in the ratio of the hepatic to the renal clearance.  Written out here:
#   Q_H = 25.4 + 54.6 + 3.9 + 11.7 + 3.9 = 99.5 L/h (ICRP 89 flows:
#         hepatic artery, gut, stomach, spleen, pancreas)
#   CLint = 212.5 uL/min/mg x 30.3 mg/g x 60e-6 x 1800 g liver (L/h)
#   CL_H = Q fu CLint / (Q + fu CLint / BP), fu 0.05, BP 0.57
#   eGFR = 142 x 0.9938^35 (CKD-EPI 2021, SCR = 0.9 = kappa for men)
#   GFR = eGFR x sqrt(176 x 73 / 3600) / 1.73 x 0.06 L/h; CL_R = fu GFR
# Tolerance 1e-6 relative (the integrator's).
printf "$ref"'1\t0\t1\t1\tvenous\t1\t35\t176\t73\t0.9\n1\t5000\t2\t.\t.\t1\t35\t176\t73\t0.9\n' |
    twin-sim -m midazolam --states > "$tmp/end" 2> "$tmp/err"
awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
    $2 == 5000 { met = $h["A_metabolised"]; exc = $h["A_excreted"] }
    END { Q = 25.4 + 54.6 + 3.9 + 11.7 + 3.9; fu = 0.05; bp = 0.57
    cl = 212.5 * 30.3 * 60e-6 * 1800
    clh = Q * fu * cl / (Q + fu * cl / bp)
    egfr = 142 * exp(35 * log(0.9938))
    clr = fu * egfr * sqrt(176 * 73 / 3600) / 1.73 * 0.06
    fe = clr / (clh + clr)
    printf "fe %.9g, closed form %.9g; dose %.12g\n", exc, fe, met + exc
    d = (exc - fe) / fe; if (d < 0) d = -d
    e = met + exc - 1; if (e < 0) e = -e
    exit !(d < 1e-6 && e < 1e-9) }' "$tmp/end" > "$tmp/v"
ok $? "reference man: fraction excreted = CL_R / (CL_H + CL_R) by hand ($(cat "$tmp/v"))"

# 4. People and records the model cannot take.
printf "$ref"'1\t0\t1\t1\tvenous\t3\t35\t176\t73\t0.9\n' |
    twin-sim -m midazolam --grid 0:1:1 > /dev/null 2> "$tmp/err"
[ $? -ne 0 ] && grep -q 'ID 1: SEX == 1 || SEX == 2 does not hold (SEX = 3)' "$tmp/err"
ok $? "SEX 3: the rule is said with the value"
printf "$ref"'1\t0\t1\t1\tvenous\t1\t95\t176\t73\t0.9\n' |
    twin-sim -m midazolam --grid 0:1:1 > /dev/null 2> "$tmp/err"
[ $? -ne 0 ] && grep -q 'AGE = 95' "$tmp/err"
ok $? "AGE 95: outside the physiology's adults, said"
printf "$ref"'1\t0\t1\t1\tvenous\t1\t35\t195\t45\t0.9\n' |
    twin-sim -m midazolam --grid 0:1:1 > /dev/null 2> "$tmp/err"
[ $? -ne 0 ] && grep -q 'M_adipose = .* is outside its domain M_adipose > 1' "$tmp/err"
ok $? "195 cm, 45 kg: adipose below the floor, said ($(head -c 90 "$tmp/err"))"
printf 'ID\tTIME\tEVID\tAMT\tCMT\tSEX\tAGE\tHT\tWT\n1\t0\t1\t1\tvenous\t1\t35\t176\t73\n' |
    twin-sim -m midazolam --grid 0:1:1 > /dev/null 2> "$tmp/err"
[ $? -ne 0 ] && grep -q 'SCR' "$tmp/err"
ok $? "records without SCR: an error naming it ($(head -c 90 "$tmp/err"))"
twin-sim -m no_such_drug "$tmp/man" > /dev/null 2> "$tmp/err"
[ $? -ne 0 ] && grep -q 'no no_such_drug.yaml or no_such_drug.yml in .*, nor a drug file no_such_drug.yaml in their drugs/' "$tmp/err"
ok $? "an unknown name: neither a model nor a drug file, both said"
twin-pbpk --method xx midazolam > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] && grep -q 'rr, pt, berez or schmitt' "$tmp/err"
ok $? "twin-pbpk --method xx: the methods listed, exit 1"

# 5. A cohort: twin-pop into the whole-body model.
twin-pop -n 40 --seed 2 --age 20:80 |
    twin-dose -m midazolam --regimen '5 mg iv' 2> "$tmp/err" |
    twin-sim -m midazolam --grid 0:24:1 > "$tmp/coh" 2>> "$tmp/err"
ok $? "twin-pop -n 40 | twin-dose -m midazolam | twin-sim -m midazolam"
awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
    $h["EVID"] == 0 { n++; if (!($h["CP"] > 0)) bad = 1; id[$1] = 1 }
    END { for (k in id) m++; exit bad || m != 40 || n != 40 * 24 }' "$tmp/coh"
ok $? "40 people x 24 times after the dose, every CP positive"

# 6. A personal twin by MAP: levels of the model with ETA_CLint 0.5; the
# mode lies between 0 and 0.5 (shrunk by the prior) and near 0.5.
cat > "$tmp/pt.tsv" <<EOF
ID	TIME	EVID	AMT	CMT	DV	MDV	SEX	AGE	HT	WT	SCR
1	0	1	5	venous	.	1	2	62	165	70	0.8
1	1	0	.	.	0.021448937265759853	0	2	62	165	70	0.8
1	2	0	.	.	0.01454376280489957	0	2	62	165	70	0.8
1	4	0	.	.	0.008813300338738292	0	2	62	165	70	0.8
1	8	0	.	.	0.004650843947455786	0	2	62	165	70	0.8
EOF
sed 's/\t0\t0\t2\t62/\t0\t0\t2\t62/; s/^ID.*/&\tETA_CLint/; s/0\.8$/0.8\t0.5/' \
    "$tmp/pt.tsv" | cut -f1-5,7- > "$tmp/sim_in"
twin-sim -m "$top/examples/pbpk/midazolam_tdm.yaml" "$tmp/sim_in" 2> /dev/null |
    awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
    $3 == 0 { print $h["CP"] }' > "$tmp/cp"
cut -f6 "$tmp/pt.tsv" | sed '1,2d' | cmp -s - "$tmp/cp"
ok $? "the levels are the model's at ETA_CLint 0.5 (regenerated)"
twin-fit -m "$top/examples/pbpk/midazolam_tdm.yaml" --params "$tmp/pt.tsv" \
    > "$tmp/fit" 2> "$tmp/err"
awk -F'\t' 'NR == 2 { printf "ETA_CLint %.3f", $2; exit !($2 > 0.4 && $2 < 0.5) }' \
    "$tmp/fit" > "$tmp/v"
ok $? "MAP from four levels: $(cat "$tmp/v") (simulated 0.5, prior 40% CV)"

# 6b. Steady state of the whole-body model, whose metabolised, excreted
# and unabsorbed amounts only accumulate (they start a steady-state dose
# at 0): SS=1 equals 40 doses one by one, in CP to 1e-9; and a regimen by
# target for the personal twin, re-simulated, lands in the target.
printf "$ref"'1\t0\t1\t5\tvenous\t1\t35\t176\t73\t0.9\n' |
    sed 's/^ID.*/&\tII\tSS\tADDL/; s/0\.9$/0.9\t12\t1\t0/' |
    twin-sim -m midazolam --grid 0:12:3 2> "$tmp/err" |
    awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
    $h["EVID"] != 1 { print $h["CP"] }' > "$tmp/ss"
printf "$ref"'1\t0\t1\t5\tvenous\t1\t35\t176\t73\t0.9\n' |
    sed 's/^ID.*/&\tII\tSS\tADDL/; s/0\.9$/0.9\t12\t0\t39/' |
    twin-sim -m midazolam --grid 468:480:3 2>> "$tmp/err" |
    awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
    $h["EVID"] != 1 { print $h["CP"] }' > "$tmp/many"
paste "$tmp/ss" "$tmp/many" | awk '{ n++; d = ($1 - $2) / $2; if (d < 0) d = -d
    if (d > w) w = d } END { printf "worst %.2g", w; exit !(n == 5 && w < 1e-9) }' > "$tmp/v"
ok $? "whole-body SS=1 = 40 doses one by one ($(cat "$tmp/v"))"
twin-fit -m "$top/examples/pbpk/midazolam_tdm.yaml" "$tmp/pt.tsv" 2> /dev/null |
    twin-dose -m "$top/examples/pbpk/midazolam_tdm.yaml" \
    --target 'auc24 0.1..0.15' --amounts 1..20/1 --intervals 24 \
    --from 120 > "$tmp/plan" 2> "$tmp/err" &&
    twin-sim -m "$top/examples/pbpk/midazolam_tdm.yaml" --grid 264:288:0.0005 \
    "$tmp/plan" 2> /dev/null | awk -F'\t' '
    NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
    $h["EVID"] != 1 && $2 >= 264 { if (n++) a += ($2 - t) * (c + $h["CP"]) / 2
    t = $2; c = $h["CP"] } END { printf "AUC24 %.4f", a
    exit !(a >= 0.1 && a <= 0.15) }' > "$tmp/v"
ok $? "twin-dose --target on the personal twin: the 7th dose's re-simulated $(cat "$tmp/v") in 0.1..0.15 (trapezoids every 1.8 s)"

# 6c. A transit chain (oral.transit 3, oral.mtt 2 h, so ktr = 4/2 = 2/h)
# with ka = 2/h: the lumen and the three transit compartments are four
# identical compartments in a row, and what is still in them at t is
# D e^-kt (1 + kt + (kt)^2/2 + (kt)^3/6) (Erlang), to 1e-9.
sed -e 's/^  ka: {value: 9.6/  ka: {value: 2/' \
    -e 's/^oral:$/oral:\n  transit: {value: 3, reference: "test"}\n  mtt: {value: 2, unit: h, reference: "test"}/' \
    "$top/models/drugs/midazolam.yaml" > "$tmp/transit.yaml"
printf "$ref"'1\t0\t1\t10\tlumen\t1\t35\t176\t73\t0.9\n' |
    twin-sim -m "$tmp/transit.yaml" --states --grid 0.5:4:0.5 2> "$tmp/err" |
    awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
    $3 != 1 { n++; x = 2 * $2
    c = 10 * exp(-x) * (1 + x + x * x / 2 + x * x * x / 6)
    a = $h["A_lumen"] + $h["A_transit1"] + $h["A_transit2"] + $h["A_transit3"]
    d = (a - c) / c; if (d < 0) d = -d; if (d > w) w = d }
    END { printf "worst %.2g", w; exit !(n == 8 && w < 1e-9) }' > "$tmp/v"
ok $? "transit chain of 3, MTT 2 h: the Erlang closed form ($(cat "$tmp/v"))"

# 7. Steady state of a large stiff nonlinear model (bench/ss41: 41 states,
# saturable liver; the chord method keeps the state transition matrix):
# SS=1 equals 100 doses given one by one, to 1e-8 relative.
h='ID\tTIME\tEVID\tAMT\tCMT\tII\tSS\tADDL\tBW\tHLM_CLint\n'
printf "$h"'1\t0\t1\t100\tAve\t12\t1\t0\t61\t6.2\n' |
    twin-sim -m "$top/bench/ss41/ss41.yaml" --grid 0:12:3 2> /dev/null |
    awk -F'\t' 'NR > 1 && $3 != 1 { print $NF }' > "$tmp/ss"
printf "$h"'1\t0\t1\t100\tAve\t12\t0\t99\t61\t6.2\n' |
    twin-sim -m "$top/bench/ss41/ss41.yaml" --grid 1188:1200:3 2> /dev/null |
    awk -F'\t' 'NR > 1 && $3 != 1 { print $NF }' > "$tmp/many"
paste "$tmp/ss" "$tmp/many" | awk '{ n++; d = ($1 - $2) / $2; if (d < 0) d = -d
    if (d > w) w = d } END { printf "worst %.2g", w; exit !(n == 5 && w < 1e-8) }' > "$tmp/v"
ok $? "41-state SS=1 = 100 doses one by one ($(cat "$tmp/v"))"

done_testing
