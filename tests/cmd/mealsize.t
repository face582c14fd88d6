#!/bin/sh
# A route's size: covariate (twin-model(5), routes): models/uvapadova.yaml's
# meal route sets DMEAL, the D of the gastric emptying, to each meal's AMT.
#  - records without a DMEAL column give exactly (byte for byte) the
#    trajectory of the same records with an explicit DMEAL column holding
#    each meal's size (a comparison that does not depend on how the
#    mechanism works): one meal eaten at 5 g/min, one impulse meal after
#    the start, two meals of different sizes, meals repeated by ADDL and
#    interleaved, and the records twin-dose writes for a regimen;
#  - a second meal of another size switches D (the run differs from one
#    with D held at the first meal's size, from the second meal on only);
#  - a DMEAL column wins: DMEAL 0 gives kempt = kmax, where Qsto2 after an
#    impulse D at 0 is D kmax t exp(-kmax t) (closed form, 1e-8);
#  - carbohydrate mass balance: Qsto1 + Qsto2 + Qgut + Qabs = the meals
#    eaten (1e-9 relative);
#  - ADDL 1e7 stays bounded.
. "$(dirname "$0")/lib.sh"

hdr='FNR == 1 { delete c; for (i = 1; i <= NF; i++) c[$i] = i; next }'
sim() {	# sim GRID < records: uvapadova with states, tight tolerances
	twin-sim -m uvapadova --states --rtol 1e-10 --atol 1e-10 --grid "$1" \
	    2> /dev/null
}
dropcol() {	# dropcol NAME FILE: FILE without column NAME
	awk -F'\t' -v OFS='\t' -v name="$1" 'FNR == 1 { for (i = 1; i <= NF; i++)
		if ($i == name) d = i }
	{ s = ""; for (i = 1; i <= NF; i++) if (i != d) s = s (s == "" ? "" : OFS) $i
	  print s }' "$2"
}
same() {	# same WITH WITHOUT: outputs equal but for the DMEAL column
	dropcol DMEAL "$1" > "$1.x" && cmp -s "$1.x" "$2"
}

# --- one meal eaten at 5 g/min (RATE 5000 mg/min, 12 min) -----------------
printf 'ID\tTIME\tEVID\tAMT\tRATE\tCMT\n1\t0\t1\t60000\t5000\tQsto1\n' |
    sim 0:1440:5 > "$tmp/a0"
ok $? "twin-sim: a 60 g meal without a DMEAL column"
printf 'ID\tTIME\tEVID\tAMT\tRATE\tCMT\tDMEAL\n1\t0\t1\t60000\t5000\tQsto1\t60000\n' |
    sim 0:1440:5 > "$tmp/a1"
same "$tmp/a1" "$tmp/a0"
ok $? "the same meal with DMEAL 60000: the same trajectory, byte for byte"

# --- an impulse meal at 60 min; DMEAL only on the meal's record -----------
printf 'ID\tTIME\tEVID\tAMT\tCMT\n1\t0\t2\t.\t.\n1\t60\t1\t60000\tQsto1\n' |
    sim 0:600:5 > "$tmp/b0"
printf 'ID\tTIME\tEVID\tAMT\tCMT\tDMEAL\n1\t0\t2\t.\t.\t.\n1\t60\t1\t60000\tQsto1\t60000\n' |
    sim 0:600:5 > "$tmp/b1"
same "$tmp/b1" "$tmp/b0"
ok $? "an impulse meal at 60 min: the same as DMEAL on the meal's record"

# --- a second meal of another size switches D -----------------------------
printf 'ID\tTIME\tEVID\tAMT\tCMT\n1\t0\t1\t60000\tQsto1\n1\t300\t1\t30000\tQsto1\n' |
    sim 0:900:5 > "$tmp/c0"
printf 'ID\tTIME\tEVID\tAMT\tCMT\tDMEAL\n1\t0\t1\t60000\tQsto1\t60000\n1\t300\t1\t30000\tQsto1\t30000\n' |
    sim 0:900:5 > "$tmp/c1"
same "$tmp/c1" "$tmp/c0"
ok $? "60 g then 30 g: the same as DMEAL 60000 then 30000"
printf 'ID\tTIME\tEVID\tAMT\tCMT\tDMEAL\n1\t0\t1\t60000\tQsto1\t60000\n1\t300\t1\t30000\tQsto1\t60000\n' |
    sim 0:900:5 > "$tmp/c2"
awk -F'\t' '
FNR == 1 { f++; delete c; for (i = 1; i <= NF; i++) c[$i] = i; next }
$c["EVID"] != 0 { next }
f == 1 { q[$c["TIME"]] = $c["A_Qsto2"]; next }
{ t = $c["TIME"]; d = $c["A_Qsto2"] != q[t]
  if (t <= 300 && d) early++
  if (t > 300 && d) late++ }
END { printf "# D held at 60000: %d times differ before 300 min, %d after\n", early, late
	exit !(early == 0 && late > 100) }' "$tmp/c0" "$tmp/c2"
ok $? "the second meal switches D: D held at 60 g differs from 300 min on only"

# --- meals repeated by ADDL, interleaved -----------------------------------
# 60 g at 0 and 600, 30 g at 300 and 900: the 60 g meal at 600 sets D back
# to 60000 after the 30 g meal's (a value per record would not).
printf 'ID\tTIME\tEVID\tAMT\tCMT\tII\tADDL\n1\t0\t1\t60000\tQsto1\t600\t1\n1\t300\t1\t30000\tQsto1\t600\t1\n' |
    sim 0:1440:5 > "$tmp/d0"
printf 'ID\tTIME\tEVID\tAMT\tCMT\tII\tADDL\tDMEAL\n1\t0\t1\t60000\tQsto1\t0\t0\t60000\n1\t300\t1\t30000\tQsto1\t0\t0\t30000\n1\t600\t1\t60000\tQsto1\t0\t0\t60000\n1\t900\t1\t30000\tQsto1\t0\t0\t30000\n' |
    sim 0:1440:5 > "$tmp/d1"
awk -F'\t' '
function ab(x) { return x < 0 ? -x : x }
FNR == 1 { f++; delete c; for (i = 1; i <= NF; i++) c[$i] = i; next }
$c["EVID"] != 0 { next }
f == 1 { g[$c["TIME"]] = $c["CGM"]; q[$c["TIME"]] = $c["A_Qsto2"]; next }
{ t = $c["TIME"]; n++
  if ($c["CGM"] != g[t] || $c["A_Qsto2"] != q[t]) bad++ }
END { printf "# ADDL against explicit meals: %d times, %d differ\n", n, bad
	exit !(n == 289 && bad == 0) }' "$tmp/d0" "$tmp/d1"
ok $? "interleaved ADDL meals: the same CGM and Qsto2 as four meals with DMEAL"
awk -F'\t' "$hdr"'
function ab(x) { return x < 0 ? -x : x }
$c["EVID"] != 0 { next }
{ t = $c["TIME"]; n++
  eaten = 60000 + (t >= 300) * 30000 + (t >= 600) * 60000 + (t >= 900) * 30000
  cb = $c["A_Qsto1"] + $c["A_Qsto2"] + $c["A_Qgut"] + $c["A_Qabs"]
  e = ab(cb - eaten) / eaten; if (e > w) w = e }
END { printf "# carbohydrate balance over %d times: %.3g\n", n, w
	exit !(n == 289 && w <= 1e-9) }' "$tmp/d0"
ok $? "carbohydrate mass balance: Qsto1 + Qsto2 + Qgut + Qabs = eaten (1e-9)"

# --- a DMEAL column wins ---------------------------------------------------
# DMEAL 0: kempt = kmax (given: adolescent#001's 0.015865), so after an
# impulse D = 60000 at 0, Qsto1 = D exp(-kmax t), Qsto2 = D kmax t exp(-kmax t).
printf 'ID\tTIME\tEVID\tAMT\tCMT\tDMEAL\tkmax\n1\t0\t1\t60000\tQsto1\t0\t0.015865\n' |
    sim 0:600:5 > "$tmp/e0"
awk -F'\t' "$hdr"'
function ab(x) { return x < 0 ? -x : x }
$c["EVID"] != 0 { next }
{ t = $c["TIME"]; n++; k = 0.015865
  e = ab($c["A_Qsto2"] - 60000 * k * t * exp(-k * t)) / 60000; if (e > w) w = e }
END { printf "# DMEAL column 0: Qsto2 against D kmax t exp(-kmax t): %.3g\n", w
	exit !(n == 121 && w <= 1e-8) }' "$tmp/e0"
ok $? "a DMEAL column wins: DMEAL 0 gives kempt = kmax, Qsto2 closed form (1e-8)"

# --- ADDL 1e7: bounded work -------------------------------------------------
printf 'ID\tTIME\tEVID\tAMT\tCMT\tII\tADDL\n1\t0\t1\t60000\tQsto1\t1440\t10000000\n' |
    sim 0:2880:60 > "$tmp/f0"
ok $? "a meal with ADDL 1e7 runs (the doses after the last record are not made)"
printf 'ID\tTIME\tEVID\tAMT\tCMT\tII\tADDL\n1\t0\t1\t60000\tQsto1\t1440\t2\n' |
    sim 0:2880:60 > "$tmp/f1"
cut -f1-6,8- "$tmp/f0" > "$tmp/f0.x"
cut -f1-6,8- "$tmp/f1" | cmp -s "$tmp/f0.x" -
ok $? "ADDL 1e7 gives the doses of ADDL 2 (at 0, 1440 and 2880 min)"

# --- twin-dose's records ----------------------------------------------------
printf 'ID\tTIME\n1\t0\n' |
    twin-dose -m uvapadova --clock 00:00 --regimen 'meal 60 g at 07:00 daily x2;
meal 50 g at 12:30 daily x2; meal 70 g at 19:00 daily x2' > "$tmp/g.tsv"
sim 0:2880:5 < "$tmp/g.tsv" > "$tmp/g0"
ok $? "twin-dose meals (ADDL, no DMEAL column) | twin-sim"
# the same meals one record each, DMEAL = AMT
awk -F'\t' -v OFS='\t' "$hdr"'
$c["EVID"] != 1 { next }
{ for (a = 0; a <= $c["ADDL"]; a++)
	print $c["TIME"] + a * $c["II"], $c["AMT"] }' "$tmp/g.tsv" | sort -n |
    awk -v OFS='\t' 'BEGIN { print "ID", "TIME", "EVID", "AMT", "CMT", "DMEAL" }
	{ print 1, $1, 1, $2, "Qsto1", $2 }' | sim 0:2880:5 > "$tmp/g1"
awk -F'\t' '
FNR == 1 { f++; delete c; for (i = 1; i <= NF; i++) c[$i] = i; next }
$c["EVID"] != 0 { next }
f == 1 { g[$c["TIME"]] = $c["CGM"]; next }
!($c["TIME"] in g) { next }	# TIME 0: the first record of twin-dose has EVID .
{ n++; if ($c["CGM"] != g[$c["TIME"]]) bad++ }
END { printf "# twin-dose regimen against explicit DMEAL: %d times, %d differ\n", n, bad
	exit !(n == 576 && bad == 0) }' "$tmp/g0" "$tmp/g1"
ok $? "three meals a day from twin-dose: the CGM of explicit DMEAL records"

done_testing
