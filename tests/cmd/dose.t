#!/bin/sh
# twin-dose: regimens written into the stream (records checked by hand),
# targets against closed forms of the one-compartment model (CL 5 L/h,
# V 50 L, k = 0.1/h: AUC24 = daily dose/CL, steady-state troughs after
# bolus and infusion), rounding to strengths, re-simulation of the chosen
# regimen with twin-sim, a cohort against its closed-form count, insulin
# dosing that never goes below the hypoglycaemia bound, and bad input.
# Tolerances: 1e-9 relative where the scored curve is exact (log-down
# trapezoid on exponentials), 1e-8 for amounts found by bisection.
. "$(dirname "$0")/lib.sh"

# value of column $1 on data row $2 (1-based) of a TSV table
cell() {
	awk -F'\t' -v C="$1" -v R="$2" 'NR == 1 { for (i = 1; i <= NF; i++)
	    c[$i] = i; next } NR == R + 1 { print $(c[C]) }'
}
close_to() {
	awk -v g="$1" -v w="$2" -v r="$3" 'BEGIN { d = g - w; if (d < 0) d = -d
	    s = w < 0 ? -w : w; if (s == 0) s = 1; exit !(d <= r * s) }'
}

# --- regimens ---------------------------------------------------------------
printf 'ID\tTIME\tWT\tCRCL\n1\t0\t80\t100\n' > "$tmp/p.tsv"
twin-dose -m vanco --regimen 'load 25 mg/kg iv over 2h; then 15 mg/kg iv q12h x10 over 1h' \
    < "$tmp/p.tsv" > "$tmp/r.tsv"
cat > "$tmp/want" <<EOF
ID	TIME	WT	CRCL	EVID	AMT	RATE	CMT	II	ADDL
1	0	80	100	.	.	.	.	.	.
1	0	80	100	1	2000	1000	central	0	0
1	12	80	100	1	1200	1200	central	12	9
EOF
cmp -s "$tmp/r.tsv" "$tmp/want"
ok $? "loading dose 25 mg/kg over 2 h, then 15 mg/kg q12h x10 over 1 h, 80 kg"
twin-sim -m vanco < "$tmp/r.tsv" > /dev/null
ok $? "the written records simulate"
printf 'ID\tTIME\tBASAL\n1\t0\t0.02\n' |
    twin-dose -m ivp --clock 08:00 --regimen 'basal 0.02 U/min sc for 2d; meal 60 g at 07:00,12:30 daily x2' |
    cut -f2,4- | sed 1d > "$tmp/got"
# TIME 0 is 08:00: 07:00 is 23 h = 1380 min later, 12:30 is 270 min
printf '0\t.\t.\t.\t.\t.\t.\n0\t1\t57.6\t0.02\tisc\t0\t0\n270\t1\t60\t0\tgut1\t1440\t1\n1380\t1\t60\t0\tgut1\t1440\t1\n' |
    cmp -s - "$tmp/got"
ok $? "insulin in U and meals in g (the route's unit) into a model in minutes, clock times"
# A bolus by each individual's carbohydrate ratio with each meal: CR 12
# and 15 g/U give 5 and 4 U for 60 g (and 4 and 3.2 U for 48 g).
printf 'ID\tTIME\tCR\n1\t0\t12\n2\t0\t15\n' |
    twin-dose -m ivp --regimen 'meal 60 g at 07:00 daily x2; meal 48 g at 12:30 daily x2; bolus by CR sc at meals' |
    awk -F'\t' 'NR > 1 && $4 == 1 && $7 == "isc" { printf "%s %s %s %s %s\n", $1, $2, $5, $8, $9 }' > "$tmp/got"
printf '1 420 5 1440 1\n1 750 4 1440 1\n2 420 4 1440 1\n2 750 3.2 1440 1\n' |
    cmp -s - "$tmp/got"
ok $? "bolus by CR sc at meals: each meal's grams over the individual's CR"
printf 'ID\tTIME\n1\t0\n' > "$tmp/nocr.tsv"
twin-dose -m ivp --regimen 'meal 60 g at 07:00; bolus by CR sc at meals' \
    "$tmp/nocr.tsv" > /dev/null 2> "$tmp/err"
[ $? -ne 0 ] && grep -q "nocr.tsv:2: ID 1: --regimen: column .*: bolus by CR: the individual has no CR" "$tmp/err"
ok $? "bolus by CR without a CR column: said with the file, line and ID"
# An amount by a column: each individual's own basal rate (U/h).
printf 'ID\tTIME\tBASAL\n1\t0\t0.9\n2\t0\t1.2\n' |
    twin-dose -m ivp --regimen 'basal by BASAL U/h sc for 1d' |
    awk -F'\t' 'NR > 1 && $4 == 1 { printf "%s %s %s\n", $1, $5, $6 }' > "$tmp/got"
printf '1 21.599999999999998 0.015\n2 28.8 0.02\n' | cmp -s - "$tmp/got"
ok $? "basal by BASAL U/h sc: each individual's own rate (0.9 and 1.2 U/h for a day)"

# --- targets against closed forms ------------------------------------------
printf 'ID\tTIME\n1\t0\n' > "$tmp/one.tsv"
twin-dose -m pk1cmt --target 'auc24 >= 400' --amounts 250..3000/250 \
    --intervals 8,12,24 --table < "$tmp/one.tsv" > "$tmp/t"
r=0
[ "$(cell AMT 1 < "$tmp/t")" = 2000 ] && [ "$(cell II 1 < "$tmp/t")" = 24 ] || r=1
close_to "$(cell auc24 1 < "$tmp/t")" 400 1e-9 || r=1
ok $r "AUC24 >= 400 with CL 5: 2000 mg/day, the tie q12h/q24h goes to fewer doses; AUC24 = 400"
twin-dose -m pk1cmt --target 'auc24 >= 400' --amounts 250..3000/250 \
    --intervals 8,12,24 --prefer fewest-doses --table < "$tmp/one.tsv" |
    cell REGIMEN 1 | grep -qx '2000 mg q24h'
ok $? "--prefer fewest-doses"
twin-dose -m pk1cmt --target 'auc24 >= 400' --amounts 100..3000 \
    --intervals 12 --table < "$tmp/one.tsv" | cell AMT 1 > "$tmp/a"
close_to "$(cat "$tmp/a")" 1000 1e-8
ok $? "continuous amount: 1000 mg q12h = target AUC x CL / 2 doses"
# steady-state trough >= 2 mg/L, bolus q12h: A = 2 V (e^(k tau) - 1)
twin-dose -m pk1cmt --target 'trough >= 2' --amounts 1..1000 --intervals 12 \
    --table < "$tmp/one.tsv" | cell AMT 1 > "$tmp/a"
close_to "$(cat "$tmp/a")" "$(awk 'BEGIN { printf "%.17g", 100 * (exp(1.2) - 1) }')" 1e-8
ok $? "bolus: the amount giving a steady-state trough of 2 mg/L = 2 V (e^(k tau) - 1)"
# infusion over T = 2 h: trough = R/(kV) (1 - e^-kT) e^-k(tau-T) / (1 - e^-k tau)
twin-dose -m pk1cmt --target 'trough >= 2' --amounts 1..1000 --intervals 12 \
    --over 2 --table < "$tmp/one.tsv" | cell AMT 1 > "$tmp/a"
close_to "$(cat "$tmp/a")" "$(awk 'BEGIN { k = 0.1; T = 2; t = 12
    printf "%.17g", 2 * T * k * 50 * (1 - exp(-k * t)) / ((1 - exp(-k * T)) * exp(-k * (t - T))) }')" 1e-8
ok $? "2 h infusion: the amount giving a steady-state trough of 2 mg/L (closed form)"
twin-dose -m pk1cmt --target 'trough >= 2' --amounts 0..1000/50 --intervals 12 \
    --table < "$tmp/one.tsv" | cell AMT 1 | grep -qx 250
ok $? "strengths of 50 mg: the smallest above 232.01 mg is 250 mg"
twin-dose -m pk1cmt --target 'trough >= 2' --amounts 100,300,250 --intervals 12 \
    --table < "$tmp/one.tsv" | cell AMT 1 | grep -qx 250
ok $? "a list of strengths"

# loading dose: trough >= 2 at 24 h on day 1 with 250 mg q12h from 12 h:
# (L e^(-2.4) + 250 e^(-1.2)) / 50 >= 2  <=>  L >= 272.29: 300 of 0..1000/50
twin-dose -m pk1cmt --target 'trough >= 2' --amounts 250 --intervals 12 \
    --load 0..1000/50 --day 1 --table < "$tmp/one.tsv" > "$tmp/t"
r=0
[ "$(cell LOAD 1 < "$tmp/t")" = 300 ] || r=1
close_to "$(cell trough 1 < "$tmp/t")" "$(awk 'BEGIN { printf "%.17g", (300 * exp(-2.4) + 250 * exp(-1.2)) / 50 }')" 1e-9 || r=1
ok $r "loading dose: the least of 0..1000/50 giving a day-1 trough >= 2 (closed form)"
twin-dose -m pk1cmt --target 'trough >= 2' --amounts 250 --intervals 12 \
    --load 0..1000/50 --day 1 --doses 3 < "$tmp/one.tsv" | sed 1,2d |
    cut -f2,4,7,8 | tr '\n' ' ' | grep -qx '0	300	0	0 12	250	12	2 '
ok $? "loading dose written at the start, maintenance one interval later"

# --- the chosen regimen, re-simulated, meets the target --------------------
twin-dose -m vanco --target 'auc24 400..600' --amounts 250..3000/250 \
    --intervals 8,12,24 --over 1 --doses 60 < "$tmp/p.tsv" > "$tmp/d.tsv"
ok $? "vanco: a regimen for AUC24 400-600"
twin-sim -m vanco --grid 696:720:0.25 < "$tmp/d.tsv" |
    twin-report target -y IPRED 'auc24 400..600' --after 696 | cell MET 1 | grep -qx 1
ok $? "twin-sim of the written regimen: AUC24 on day 30 is in 400-600"
twin-fit -m vanco < "$top/testdata/vanco_tdm.tsv" > "$tmp/fit.tsv"
twin-dose -m vanco --target 'auc24 400..600' --amounts 250..3000/250 \
    --intervals 8,12,24 --over 1 --from 48 --doses 60 < "$tmp/fit.tsv" > "$tmp/d.tsv"
ok $? "fitted twins (twin-fit | twin-dose): a regimen from 48 h for each patient"
twin-sim -m vanco --grid 0:1000:0.25 < "$tmp/d.tsv" |
    twin-report target -y IPRED 'auc24 400..600' --after 720 --pta | cell PTA 1 | grep -qx 100
ok $? "every fitted twin's regimen, re-simulated, reaches AUC24 400-600"
twin-dose -m vanco --target 'auc24 >= 1e6' --amounts 250..3000/250 \
    --intervals 12 < "$tmp/p.tsv" > "$tmp/imp" 2> "$tmp/e"; s=$?
[ $s -eq 3 ] && grep -q 'ID 1: no candidate reaches auc24 >= 1e6; the nearest auc24 is' "$tmp/e" &&
    ! grep -q '	1	' "$tmp/imp"
ok $? "an impossible target says so (exit 3) and writes no dose"

# --- a cohort ---------------------------------------------------------------
awk 'BEGIN { OFS = "\t"; print "ID", "TIME", "ETA_CL"
    for (i = 1; i <= 20; i++) print i, 0, (i - 10.5) / 10 }' > "$tmp/c.tsv"
twin-dose -m pk1cmt --target 'auc24 >= 400' --amounts 1500,2000,3000 \
    --intervals 24 --cohort < "$tmp/c.tsv" > "$tmp/ct"
# AUC24 = A / (5 e^eta) >= 400  <=>  eta <= ln(A / 2000)
r=0
for k in 1 2 3; do
	a=$(cell AMT $k < "$tmp/ct")
	want=$(awk -v a="$a" 'BEGIN { for (i = 1; i <= 20; i++) if ((i - 10.5) / 10 <= log(a / 2000) + 1e-12) n++; print n + 0 }')
	[ "$(cell MET $k < "$tmp/ct")" = "$want" ] || r=1
done
[ "$(cell BEST 3 < "$tmp/ct")" = 1 ] || r=1
ok $r "--cohort: attainment per regimen = the closed-form count; the best is marked"

# threads: the same output in the same order
awk 'BEGIN { OFS = "\t"; print "ID", "TIME", "WT", "CRCL"
    for (i = 1; i <= 70; i++) print i, 0, 50 + i % 50, 30 + i }' > "$tmp/v70.tsv"
r=0
for mode in "" --table --cohort; do
	twin-dose -m vanco --target 'auc24 400..600' --amounts 250..3000/250 \
	    --intervals 8,12,24 --over 1 $mode < "$tmp/v70.tsv" > "$tmp/j1" 2>&1
	twin-dose -j 2 -m vanco --target 'auc24 400..600' --amounts 250..3000/250 \
	    --intervals 8,12,24 --over 1 $mode < "$tmp/v70.tsv" > "$tmp/j2" 2>&1
	cmp -s "$tmp/j1" "$tmp/j2" || r=1
done
ok $r "-j 2 writes what -j 1 writes (records, --table, --cohort)"

# --- insulin: never below the hypoglycaemia bound -----------------------------
printf 'ID\tTIME\tBASAL\n1\t0\t0.02\n' |
    twin-dose -m ivp --regimen 'basal 0.02 U/min sc for 2d; meal 60 g at 07:00,12:30,19:00 daily x2' \
    > "$tmp/t1d.tsv"
twin-dose -m ivp --target 'tir(70,180) >= 80' --no-below 70 --amounts 0..12/0.5 \
    --at 07:00,12:30,19:00 --route sc < "$tmp/t1d.tsv" > "$tmp/ins.tsv"
ok $? "ivp: a pre-meal bolus for time in range >= 80 %"
twin-dose -m ivp --target 'tir(70,180) >= 80' --no-below 70 --amounts 0..12/0.5 \
    --at 19:00,07:00,12:30 --route sc --table < "$tmp/t1d.tsv" | cut -f3,8 > "$tmp/o1"
twin-dose -m ivp --target 'tir(70,180) >= 80' --no-below 70 --amounts 0..12/0.5 \
    --at 07:00,12:30,19:00 --route sc --table < "$tmp/t1d.tsv" | cut -f3,8 > "$tmp/o2"
cmp -s "$tmp/o1" "$tmp/o2"
ok $? "--at: clock times in any order choose the same dose"
twin-sim -m ivp --grid 0:1440:1 < "$tmp/ins.tsv" |
    twin-report target -y GLU 'tir(70,180) >= 80 and cmin >= 70' --before 1440 --time-unit min |
    cell MET 1 | grep -qx 1
ok $? "re-simulated: time in range >= 80 % and glucose never below 70 mg/dL"
twin-dose -m ivp --target 'tir(70,140) >= 95' --no-below 80 --amounts 0..12/0.5 \
    --at 07:00,12:30,19:00 --route sc --table < "$tmp/t1d.tsv" > "$tmp/ins" 2> "$tmp/e"; s=$?
[ $s -eq 3 ] && grep -q 'every regimen that reaches the target takes the curve below 80' "$tmp/e" &&
    [ "$(cell MET 1 < "$tmp/ins")" = 0 ]
ok $? "a target reachable only through hypoglycaemia is refused"
printf 'ID\tTIME\tBASAL\n1\t0\t0.06\n' |
    twin-dose -m ivp --regimen 'basal 0.06 U/min sc for 2d; meal 60 g at 07:00,12:30,19:00 daily x2' |
    twin-dose -m ivp --target 'tir(70,180) >= 50' --no-below 70 --amounts 0..12/0.5 \
    --at 07:00,12:30,19:00 --route sc --table > /dev/null 2> "$tmp/e"; s=$?
[ $s -eq 3 ] && grep -q 'no dose is safe' "$tmp/e"
ok $? "too much basal insulin: no dose is safe, and twin-dose says so"

# glucose models get the hypoglycaemia bound by default: holding the peak
# <= 150 mg/dL takes enough insulin to go below 70 (14.5 U, lowest 56)
twin-dose -m ivp --target 'cmax <= 150' --amounts 0..20/0.5 \
    --at 07:00,12:30,19:00 --route sc --table < "$tmp/t1d.tsv" > "$tmp/ins" 2> "$tmp/e"; s=$?
[ $s -eq 3 ] && grep -q 'takes the curve below 70' "$tmp/e"
ok $? "glucose: 70 mg/dL is the default bound (the peak target needs hypoglycaemia)"
twin-dose -m ivp --target 'cmax <= 150' --amounts 0..20/0.5 --no-below none \
    --at 07:00,12:30,19:00 --route sc --table < "$tmp/t1d.tsv" |
    awk -F'\t' 'NR == 2 { exit !($NF == 1 && $9 < 70) }'
ok $? "--no-below none lifts it (and the table shows the low)"

# --- bad input ----------------------------------------------------------------
printf 'ID\tTIME\tWT\n1\t0\t-70\n' | twin-dose -m vanco --regimen '15 mg/kg iv q12h x2' > /dev/null 2> "$tmp/e"; s=$?
[ $s -eq 2 ] && grep -q 'ID 1: --regimen: column 1: dose per kg needs a weight: WT -70 kg is out of range' "$tmp/e"
ok $? "a negative weight is refused"
twin-dose -m ivp --regimen '60 g sc at 07:00' < "$tmp/one.tsv" > /dev/null 2> "$tmp/e"; s=$?
[ $s -eq 2 ] && grep -q 'amount unit g does not convert to the model.s U' "$tmp/e"
ok $? "an amount unit that does not convert is refused"
twin-dose -m vanco --regimen '1000 mg iv q1h x3 over 2h' < "$tmp/p.tsv" > /dev/null 2> "$tmp/e"; s=$?
[ $s -eq 1 ] && grep -q 'longer than' "$tmp/e"
ok $? "an interval shorter than the infusion is refused (--regimen)"
twin-dose -m vanco --target 'trough >= 10' --amounts 500 --intervals 1 --over 2 < "$tmp/p.tsv" 2> "$tmp/e"; s=$?
[ $s -eq 1 ] && grep -q 'infusion over 2 h is longer than the 1 h interval' "$tmp/e"
ok $? "an interval shorter than the infusion is refused (--target)"
twin-dose -m vanco --regimen '1000 mg po q12h x2' < "$tmp/p.tsv" > /dev/null 2> "$tmp/e"; s=$?
[ $s -eq 2 ] && grep -q 'route "po" is not declared in the model (routes: iv)' "$tmp/e"
ok $? "an unknown route names the model's routes"
twin-dose -m vanco --regimen '1000 mgg iv' < "$tmp/p.tsv" 2> "$tmp/e"; s=$?
[ $s -eq 1 ] && grep -q 'column 6: unknown unit "mgg"' "$tmp/e"
ok $? "a regimen syntax error names the column"
twin-dose -m vanco --target 'auc24 400..600' --amounts 250..3000/250 < "$tmp/p.tsv" 2> "$tmp/e"; s=$?
[ $s -eq 1 ] && grep -q 'needs --intervals' "$tmp/e"
ok $? "a target without intervals is a usage error"
twin-dose --version | grep -q '^twin-dose '
ok $? "--version"
twin-dose --help | grep -q '^usage: twin-dose'
ok $? "--help"

done_testing
