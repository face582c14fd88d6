#!/bin/sh
# The Hovorka 2004 (Cambridge) model, models/hovorka2004.yaml, against the
# equations and the parameter table of Hovorka et al., Physiol Meas
# 2004;25:905-920, as quoted in ../shared/reference/glucose.md section 4,
# computed independently here in awk (double precision).  Units as in the
# model file: time min, glucose mmol and mmol/L, plasma insulin mU/L,
# subcutaneous insulin in U (1000 mU), carbohydrate in g (180.16 mg/mmol).
. "$(dirname "$0")/lib.sh"

hdr='NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }'

# The published parameter values (glucose.md section 4) and the
# right-hand side of the paper's equations, written out here.  rhs(wt, u)
# fills d[] from the state s[] for body weight wt (kg) and infusion u
# (U/min, i.e. 1000 u mU/min) with no meal in the gut, and returns the
# largest |d|.
par='
function par() {
	k12 = 0.066; ka1 = 0.006; ka2 = 0.06; ka3 = 0.03
	sit = 51.2e-4; sid = 8.2e-4; sie = 520e-4; ke = 0.138
	vi = 0.12; vg = 0.16; f01 = 0.0097; egp0 = 0.0161
	tmaxi = 55; ag = 0.8; tmaxg = 40
	if (sieo != "" && sieo != ".") sie = sieo + 0
}
function abs(x) { return x < 0 ? -x : x }
function rhs(wt, u,    g, f01c, fr, ug, m, k) {
	g = s["Q1"] / (vg * wt)
	f01c = g >= 4.5 ? f01 * wt : f01 * wt * g / 4.5
	fr = g >= 9 ? 0.003 * (g - 9) * vg * wt : 0
	ug = 1000 / 180.16 * s["D2"] / tmaxg
	d["Q1"] = -f01c - s["x1"] * s["Q1"] + k12 * s["Q2"] - fr + ug + \
	    egp0 * wt * (1 - s["x3"])
	d["Q2"] = s["x1"] * s["Q1"] - (k12 + s["x2"]) * s["Q2"]
	d["S1"] = u - s["S1"] / tmaxi
	d["S2"] = (s["S1"] - s["S2"]) / tmaxi
	d["I"] = 1000 * s["S2"] / (tmaxi * vi * wt) - ke * s["I"]
	d["x1"] = -ka1 * s["x1"] + sit * ka1 * s["I"]
	d["x2"] = -ka2 * s["x2"] + sid * ka2 * s["I"]
	d["x3"] = -ka3 * s["x3"] + sie * ka3 * s["I"]
	d["D1"] = -s["D1"] / tmaxg
	d["D2"] = (s["D1"] - s["D2"]) / tmaxg
	m = 0
	for (k in d) if (abs(d[k]) > m) m = abs(d[k])
	return m
}'

# The basal insulin that holds glucose gb (mmol/L) for weight wt, by
# bisection on plasma insulin I (mU/L): at a steady state x1 = SIT I,
# x2 = SID I, x3 = SIE I, Q1 = gb VG wt, Q2 = Q1 x1/(k12 + x2), and
# dQ1/dt, decreasing in I, must vanish.  Returns U/min: I ke VI wt/1000.
basal='
function dq1(gb, wt, i,    q1, x1, x2, x3, q2, f01c, fr) {
	q1 = gb * vg * wt; x1 = sit * i; x2 = sid * i; x3 = sie * i
	q2 = q1 * x1 / (k12 + x2)
	f01c = gb >= 4.5 ? f01 * wt : f01 * wt * gb / 4.5
	fr = gb >= 9 ? 0.003 * (gb - 9) * vg * wt : 0
	return -f01c - x1 * q1 + k12 * q2 - fr + egp0 * wt * (1 - x3)
}
function basal(gb, wt,    lo, hi, mid, k) {
	lo = 0; hi = 1 / sie
	for (k = 0; k < 200; k++) {
		mid = (lo + hi) / 2
		if (dq1(gb, wt, mid) > 0) lo = mid; else hi = mid
	}
	return (lo + hi) / 2 * ke * vi * wt / 1000
}'

# Records: an infusion of u U/min into S1 for 25 h, with the extra
# columns and values given.
basalrec() {	# basalrec U [NAME VALUE]...
	u=$1; shift
	names= vals=
	while [ $# -gt 0 ]; do
		names="$names	$1"; vals="$vals	$2"; shift 2
	done
	printf 'ID\tTIME\tEVID\tAMT\tRATE\tCMT%s\n' "$names"
	printf '1\t0\t1\t%s\t%s\tS1%s\n' \
	    "$(awk -v u="$u" 'BEGIN { printf "%.17g", u * 1500 }')" "$u" "$vals"
}

# --- (1) the basal steady state -------------------------------------------
# Five patients: the default (70 kg, GB 5.55 mmol/L: glucose between the
# knots 4.5 and 9 of F01c and FR), 85 kg with GB 12 mmol/L (renal
# excretion at basal), the default with SIE 0.001 (a column: the basal
# quadratic's other root formula, b < 0), and two given their own basal
# rate as the column UB: 1 U/h at 70 kg (glucose below 4.5 mmol/L) and
# 0.1 U/h at 60 kg (above 9 mmol/L).  Each gets its basal as an infusion
# and nothing else.  At t = 0 the paper's right-hand side, evaluated here
# on the states twin-sim starts from, is at most 1e-9 in every component,
# and every state stays within 1e-9 (relative to max(1, |x|)) of its
# start over 24 h.  For the first three, glucose starts at GB (1e-12
# relative) and the basal rate the model reports (output BASAL) is the
# one found here by bisection (1e-12 relative).
for case in 'default 70 5.55 . .' 'gb12 85 12 . .' 'sie 70 5.55 . 0.001' \
    'ub1 70 . 0.016666666666666667 .' 'ub01 60 . 0.0016666666666666668 .'; do
	set -- $case
	name=$1 wt=$2 gb=$3 ub=$4 sie=$5
	cols="WT $wt"
	[ "$gb" = . ] || [ "$gb" = 5.55 ] || cols="$cols GB $gb"
	[ "$ub" = . ] || cols="$cols UB $ub"
	[ "$sie" = . ] || cols="$cols SIE $sie"
	[ "$ub" != . ] || ub=$(awk -v sieo="$sie" "$par $basal"'
	    BEGIN { par(); printf "%.17g", basal('"$gb, $wt"') }')
	# shellcheck disable=SC2086
	basalrec "$ub" $cols |
	    twin-sim -m hovorka2004 --states --grid 0:1440:10 > "$tmp/$name"
	ok $? "basal $name: twin-sim runs 24 h of basal insulin"
	awk -F'\t' -v wt="$wt" -v gb="$gb" -v ub="$ub" -v sieo="$sie" \
	    "$par $hdr"'
	$c["EVID"] != 0 { next }
	{
		for (k in c) if (k ~ /^A_/) x[substr(k, 3)] = $c[k]
		if (n == 0) {
			par(); delete x["absorbed"]
			for (k in x) { s[k] = x[k]; x0[k] = x[k] }
			dmax = rhs(wt, ub)
			if (gb != ".") {
				eg = abs($c["GMMOL"] / gb - 1)
				eb = abs($c["BASAL"] / ub - 1)
			}
		}
		for (k in x0) {
			e = abs(x[k] - x0[k]) / (abs(x0[k]) > 1 ? abs(x0[k]) : 1)
			if (e > drift) drift = e
		}
		n++
	}
	END {
		printf "# max |dx/dt| %.3g, drift %.3g, G %.17g", dmax, drift,
		    x0["Q1"] / (0.16 * wt)
		if (gb != ".") printf ", G error %.3g, basal error %.3g", eg, eb
		printf "\n"
		exit !(n == 145 && dmax <= 1e-9 && drift <= 1e-9 &&
		    (gb == "." || (eg <= 1e-12 && eb <= 1e-12)))
	}' "$tmp/$name"
	ok $? "basal $name: exact steady state (|dx/dt| <= 1e-9, 24 h drift <= 1e-9)"
done

# The four cover the three pieces of glucose's steady state: below 4.5,
# between 4.5 and 9, above 9 mmol/L.
for f in ub1 default ub01; do
	awk -F'\t' "$hdr"'$c["EVID"] == 0 { print $c["GMMOL"]; exit }' "$tmp/$f"
done | tr '\n' ' ' |
    awk '{ exit !($1 < 4.5 && $2 > 4.5 && $2 < 9 && $3 > 9) }'
ok $? "basal: the cases reach each piece of F01c and FR"

# A basal glucose no insulin can hold (EGP0 BW below F01 BW + FR: above
# 9 + (0.0161 - 0.0097)/(0.003 x 0.16) = 22.33 mmol/L) is refused.
printf 'ID\tTIME\tWT\tGB\n1\t0\t70\t25\n' |
    twin-sim -m hovorka2004 > /dev/null 2> "$tmp/err"
s=$?
[ $s -ne 0 ] && grep -q 'UB' "$tmp/err"
ok $? "basal: GB 25 mmol/L (beyond any steady state) is an error"
sed 's/^/# /' "$tmp/err"

# --- (2) and (3): a meal ---------------------------------------------------
# 60 g of carbohydrate (route meal: D1) at time 0 on the default basal.
# The paper's gut is two compartments with the time constant tmaxG = 40
# min, fed AG D(t), AG = 0.8: for a meal DG at time 0,
#   D1 = AG DG exp(-t/tmaxG),  D2 = AG DG t/tmaxG exp(-t/tmaxG),
# and the paper's single-meal appearance
#   UG(t) = DG AG t exp(-t/tmaxG)/tmaxG^2   (DG in mmol = 60 x 1000/180.16)
# peaks at t = tmaxG.  Every 0.5 min over 24 h: D1, D2 and the output RA
# (mmol/min) match these to 1e-6 relative (where D2 >= 1e-3 g), RA is
# largest at 40 min, and the carbohydrate balances: D1 + D2 + absorbed =
# AG x 60 g to 1e-9 relative.
ub=$(awk "$par $basal"' BEGIN { par(); printf "%.17g", basal(5.55, 70) }')
{
	basalrec "$ub" WT 70
	printf '1\t0\t1\t60\t.\tD1\t70\n'
} | twin-sim -m hovorka2004 --states --rtol 1e-10 --atol 1e-12 \
    --grid 0:1440:0.5 > "$tmp/meal"
ok $? "meal: twin-sim runs a 60 g meal with --states"
awk -F'\t' "$hdr"'
function abs(x) { return x < 0 ? -x : x }
$c["EVID"] != 0 { next }
{
	D = 60; ag = 0.8; tm = 40; t = $c["TIME"]; dg = D * 1000 / 180.16
	d1 = ag * D * exp(-t / tm); d2 = ag * D * t / tm * exp(-t / tm)
	ug = dg * ag * t * exp(-t / tm) / (tm * tm)
	e = abs($c["A_D1"] - d1) / (ag * D); if (e > worst) worst = e
	if (d2 >= 1e-3) {
		e = abs($c["A_D2"] / d2 - 1); if (e > worst) worst = e
		e = abs($c["RA"] / ug - 1); if (e > worst) worst = e
	}
	if ($c["RA"] > rmax) { rmax = $c["RA"]; tmax = t }
	b = abs(($c["A_D1"] + $c["A_D2"] + $c["A_absorbed"]) / (ag * D) - 1)
	if (b > bal) bal = b
	n++
}
END {
	printf "# meal: %d times, closed-form error %.3g, RA peak at %g min, " \
	    "balance error %.3g\n", n, worst, tmax, bal
	exit !(n == 2881 && worst <= 1e-6 && tmax == 40 && bal <= 1e-9) }' \
    "$tmp/meal"
ok $? "meal: gut matches the paper's UG(t) closed form, peaks at tmaxG, AG x dose balances"

# --- (4) a meal with a bolus ----------------------------------------------
# 60 g at time 0 with a 3 U bolus (route sc: S1) on the default basal.
# Not a published curve, only its shape: glucose rises above basal
# (5.55 mmol/L) by more than 2 mmol/L, never falls below 3 mmol/L, and
# over the last 12 h comes back toward basal: |G - GB| never grows from
# one hour to the next and ends within 0.5 mmol/L.
{
	basalrec "$ub" WT 70
	printf '1\t0\t1\t60\t.\tD1\t70\n1\t0\t1\t3\t.\tS1\t70\n'
} | twin-sim -m hovorka2004 --grid 0:1440:60 > "$tmp/bolus"
ok $? "meal and bolus: twin-sim runs a meal with a 3 U bolus"
awk -F'\t' "$hdr"'
function abs(x) { return x < 0 ? -x : x }
$c["EVID"] != 0 { next }
{
	g = $c["GMMOL"]; t = $c["TIME"]; dev = abs(g - 5.55)
	if (n == 0 || g > gmax) gmax = g
	if (n == 0 || g < gmin) gmin = g
	if (t > 720 && dev > last) grew++
	last = dev; n++
	if ($c["GLU"] != 18.016 * g && abs($c["GLU"] / (18.016 * g) - 1) > 1e-15)
		bad++
}
END {
	printf "# bolus: peak %.3f, nadir %.3f, |G - GB| at 24 h %.3f mmol/L\n", gmax,
	    gmin, last
	exit !(n == 25 && gmax > 7.55 && gmin > 3 && !grew && last < 0.5 &&
	    !bad) }' "$tmp/bolus"
ok $? "meal and bolus: glucose rises, then returns toward basal"

done_testing
