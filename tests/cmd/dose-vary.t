#!/bin/sh
# twin-dose --vary and --replace: what-ifs over a record column.  Closed
# forms of the one-compartment model (pk1cmt, iv: CL 5 (WT/70)^0.75 L/h,
# V 50 WT/70 L; a bolus D at t gives AUC over [t, T] of
# D/CL (1 - exp(-CL/V (T - t)))), a carbohydrate-ratio search on ivp
# checked by re-running the chosen and the next lower-dose ratio through
# twin-dose --regimen, twin-sim and twin-report, and the dropped doses.
# Tolerance 1e-9 relative: the log-down trapezoid is exact on
# exponentials with the doses on the grid.
. "$(dirname "$0")/lib.sh"

cell() {
	awk -F'\t' -v C="$1" -v R="$2" 'NR == 1 { for (i = 1; i <= NF; i++)
	    c[$i] = i; next } NR == R + 1 { print $(c[C]) }'
}
close_to() {
	awk -v g="$1" -v w="$2" -v r="$3" 'BEGIN { d = g - w; if (d < 0) d = -d
	    s = w < 0 ? -w : w; if (s == 0) s = 1; exit !(d <= r * s) }'
}

# --- a column the regimen multiplies ---------------------------------------
# D mg iv at 0 and 24 h, AUC over 0-48 h = D/5 ((1 - e^-4.8) + (1 - e^-2.4))
# = 0.380210 D: AUC >= 250 needs D >= 657.5, so 700 of 100..1000/100.
printf 'ID\tTIME\n1\t0\n' > "$tmp/one.tsv"
twin-dose -m pk1cmt --target 'auc >= 250' --regimen 'by D mg iv q24h x2' \
    --vary D=100..1000/100 --window 0,48h --table < "$tmp/one.tsv" > "$tmp/t"
ok $? "--vary over the regimen's amount column"
want=$(awk 'BEGIN { printf "%.17g", 700 / 5 * (2 - exp(-4.8) - exp(-2.4)) }')
r=0
[ "$(cell D 1 < "$tmp/t")" = 700 ] || r=1
[ "$(cell REGIMEN 1 < "$tmp/t")" = "by D mg iv q24h x2, D 700" ] || r=1
close_to "$(cell auc 1 < "$tmp/t")" "$want" 1e-9 || r=1
close_to "$(cell DAILY 1 < "$tmp/t")" 700 1e-12 || r=1
ok $r "the least D with AUC(0-48 h) >= 250 is 700 (AUC $want, 700 mg a day)"
twin-dose -m pk1cmt --target 'auc >= 250' --regimen 'by D mg iv q24h x2' \
    --vary D=100..1000/100 --window 0,48h < "$tmp/one.tsv" |
    awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { printf "%s %s %s %s %s %s\n", $(c["TIME"]), $(c["EVID"]), $(c["AMT"]), $(c["II"]),
    $(c["ADDL"]), $(c["D"]) }' > "$tmp/got"
printf '0 . . . . 700\n0 1 700 24 1 700\n' | cmp -s - "$tmp/got"
ok $? "the records come out with column D 700 and its doses (700 mg at 0, II 24, ADDL 1)"
twin-dose -m pk1cmt --target 'auc >= 250' --prefer closest --regimen 'by D mg iv q24h x2' \
    --vary D=100..1000/100 --window 0,48h --table < "$tmp/one.tsv" | cell D 1 | grep -qx 700
ok $? "--prefer closest: AUC >= 250 has one bound, 700 is nearest to it"

# --- a covariate of the model ----------------------------------------------
# 100 mg iv at 0 in the records, WT tried 70, 140, 280: AUC over 0-48 h
# at 70 kg is 20 (1 - e^-4.8) = 19.835 > 15; at 140 kg
# 100/CL (1 - exp(-CL/V 48)), CL = 5 2^0.75, V = 100, meets AUC <= 15.
printf 'ID\tTIME\tEVID\tAMT\tCMT\n1\t0\t1\t100\tcentral\n' > "$tmp/dose.tsv"
twin-dose -m pk1cmt --target 'auc <= 15' --vary WT=70,140,280 --window 0,48h \
    --table < "$tmp/dose.tsv" > "$tmp/t"
want=$(awk 'BEGIN { cl = 5 * 2 ^ 0.75; printf "%.17g", 100 / cl * (1 - exp(-cl / 100 * 48)) }')
r=0
[ "$(cell WT 1 < "$tmp/t")" = 140 ] || r=1
close_to "$(cell auc 1 < "$tmp/t")" "$want" 1e-9 || r=1
ok $r "--vary over a covariate (WT): the first meeting AUC <= 15 is 140 kg (AUC $want)"
twin-dose -m pk1cmt --target 'auc <= 15' --vary WT=70,140,280 --window 0,48h --cohort \
    < "$tmp/dose.tsv" > "$tmp/c"
r=0
[ "$(cell PTA 1 < "$tmp/c")" = 0 ] && [ "$(cell PTA 2 < "$tmp/c")" = 100 ] &&
    [ "$(cell BEST 2 < "$tmp/c")" = 1 ] && [ "$(cell BEST 3 < "$tmp/c")" = 0 ] &&
    [ "$(cell N 1 < "$tmp/c")" = 1 ] || r=1
ok $r "--cohort: one row per value, PTA 0, 100, 100; the tie goes to the first"

# --- --replace ---------------------------------------------------------------
# The records' own 100 mg iv and 50 mg po doses; --replace iv drops the iv
# one: with D mg iv at 0 only, AUC over 0-48 h = D/5 (1 - e^-4.8) plus the
# po dose's, so the tried D=0.. values see no 100 mg.
printf 'ID\tTIME\tEVID\tAMT\tCMT\n1\t0\t1\t100\tcentral\n1\t0\t1\t50\tdepot\n1\t12\t1\t100\tcentral\n1\t20\t0\t.\t.\n' > "$tmp/rec.tsv"
twin-dose -m pk1cmt --target 'auc >= 1' --regimen 'by D mg iv' --replace iv \
    --vary D=300 --window 0,48h < "$tmp/rec.tsv" |
    awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $(c["EVID"]) == 1 { s[$(c["CMT"])] += $(c["AMT"]) } END { printf "%s %s\n", s["central"], s["depot"] }' > "$tmp/got"
echo '300 50' | cmp -s - "$tmp/got"
ok $? "--replace iv: the records' 200 mg iv are gone, the 300 mg tried and the po 50 mg stay"
twin-dose -m pk1cmt --target 'auc >= 1' --regimen 'by D mg iv' --replace iv \
    --vary D=300 --window 0,48h < "$tmp/rec.tsv" | twin-sim -m pk1cmt --grid 0:48:0.1 |
    twin-report target -y IPRED 'auc >= 1' --before 48 | cell auc 1 > "$tmp/a1"
twin-dose -m pk1cmt --target 'auc >= 1' --regimen 'by D mg iv' --replace iv \
    --vary D=300 --window 0,48h --table < "$tmp/rec.tsv" | cell auc 1 > "$tmp/a2"
close_to "$(cat "$tmp/a2")" "$(cat "$tmp/a1")" 1e-6
ok $? "--replace: the scored AUC is the written records' (twin-sim, twin-report)"
printf 'ID\tTIME\tEVID\tAMT\tCMT\tD\n1\t0\t1\t100\tcentral\t300\n1\t0\t1\t50\tdepot\t300\n' |
    twin-dose -m pk1cmt --regimen 'by D mg iv' --replace iv |
    awk -F'\t' '$3 == 1 { s[$5] += $4 } END { printf "%s %s\n", s["central"], s["depot"] }' > "$tmp/got"
echo '300 50' | cmp -s - "$tmp/got"
ok $? "--replace with --regimen alone"
printf 'ID\tTIME\tEVID\tAMT\tCMT\n1\t0\t1\t100\tcentral\n1\t0\t1\t50\tdepot\n' |
    twin-dose -m pk1cmt --target 'auc >= 1' --amounts 200 --intervals 24 --replace iv \
    --doses 1 --window 0,24h |
    awk -F'\t' '$3 == 1 { s[$5] += $4 } END { printf "%s %s\n", s["central"], s["depot"] }' > "$tmp/got"
echo '200 50' | cmp -s - "$tmp/got"
ok $? "--replace with --amounts: the chosen 200 mg iv instead of the records' 100 mg"

# --- a carbohydrate ratio on ivp, checked by re-simulation ------------------
printf 'ID\tTIME\tBASAL\n1\t0\t0.02\n' |
    twin-dose -m ivp --regimen 'basal by BASAL U/min sc for 1d; meal 60 g at 07:00,12:30,19:00 daily x1' \
    > "$tmp/t1d.tsv"
twin-dose -m ivp --target 'tir(70,180) >= 80' --no-below 70 --regimen 'bolus by CR sc at meals' \
    --vary CR=5..40/1 --window 0,1d --table < "$tmp/t1d.tsv" > "$tmp/t"
ok $? "ivp: a carbohydrate ratio for time in range >= 80 %"
cr=$(cell CR 1 < "$tmp/t")
check() {	# CR: is the target met with glucose never below 70?
	awk -v cr="$1" 'BEGIN { OFS = "\t" } NR == 1 { print $0, "CR"; next } { print $0, cr }' \
	    "$tmp/t1d.tsv" | twin-dose -m ivp --regimen 'bolus by CR sc at meals' |
	    twin-sim -m ivp --grid 0:1440:1 |
	    twin-report target -y GLU 'tir(70,180) >= 80 and cmin >= 70' --before 1440 --time-unit min |
	    cell MET 1
}
r=0
[ "$(check "$cr")" = 1 ] || r=1
[ "$(check $((cr + 1)))" = 0 ] || r=1
ok $r "re-simulated: CR $cr meets time in range >= 80 % above 70 mg/dL, CR $((cr + 1)) (less insulin) does not"

# --- bad use -----------------------------------------------------------------
twin-dose -m pk1cmt --vary D=1,2 --regimen 'by D mg iv' < "$tmp/one.tsv" > /dev/null 2> "$tmp/e"
[ $? -ne 0 ] && grep -q -- '--vary needs --target' "$tmp/e"
ok $? "--vary without --target is refused"
twin-dose -m pk1cmt --target 'auc >= 1' --vary D=1,2 --amounts 1,2 --intervals 24 \
    --window 0,48h < "$tmp/one.tsv" > /dev/null 2> "$tmp/e"
[ $? -ne 0 ] && grep -q -- 'without --amounts' "$tmp/e"
ok $? "--vary with --amounts is refused"
twin-dose -m pk1cmt --target 'auc >= 1' --vary D=1,2 < "$tmp/one.tsv" > /dev/null 2> "$tmp/e"
[ $? -ne 0 ] && grep -q -- '--vary needs --day or --window' "$tmp/e"
ok $? "--vary without a window is refused"
twin-dose -m pk1cmt --target 'auc >= 1' --vary D=1,2 --window 0,1d --prefer fewest-doses \
    < "$tmp/one.tsv" > /dev/null 2> "$tmp/e"
[ $? -ne 0 ] && grep -q 'fewest-doses has no meaning' "$tmp/e"
ok $? "--vary with fewest-doses is refused"
twin-dose -m pk1cmt --target 'auc >= 1' --vary D=1..2 --window 0,1d \
    < "$tmp/one.tsv" > /dev/null 2> "$tmp/e"
[ $? -ne 0 ] && grep -q 'LOW..HIGH/STEP' "$tmp/e"
ok $? "--vary LOW..HIGH without a step is refused"
twin-dose -m pk1cmt --target 'auc >= 1' --regimen 'by D mg iv' --amounts 1 --intervals 24 \
    < "$tmp/one.tsv" > /dev/null 2> "$tmp/e"
[ $? -ne 0 ] && grep -q 'needs --vary' "$tmp/e"
ok $? "--regimen with --target but no --vary is refused"
twin-dose -m pk1cmt --regimen 'by D mg iv' --replace sc < "$tmp/one.tsv" > /dev/null 2> "$tmp/e"
[ $? -ne 0 ] && grep -q 'route "sc" is not declared' "$tmp/e"
ok $? "--replace with an unknown route is refused"
twin-dose -m pk1cmt --target 'auc >= 1' --regimen '100 mg iv' --vary X=1,2 --window 0,1d \
    < "$tmp/one.tsv" > /dev/null 2> "$tmp/e"
[ $? -ne 0 ] && grep -q 'column X is not a covariate or parameter of model pk1cmt, nor read by the regimen' "$tmp/e"
ok $? "--vary over a column nothing reads is refused"
done_testing
