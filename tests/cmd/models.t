#!/bin/sh
# The published models shipped in models/: each simulated by twin-sim and
# compared with a solution computed independently here in awk (double
# precision), relative tolerance 1e-6 unless stated.
. "$(dirname "$0")/lib.sh"

# awk program fragment: column lookup by header name.
hdr='NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }'

# --- vanco: Goti 2018, two compartments, 1 h infusion ----------------------
# 1000 mg over 1 h (RATE 1000 mg/h) for WT 70 kg, CRCL 120 mL/min, DIAL 0:
# CL 4.5 L/h, V1 58.4 L, Q 6.5 L/h, V2 38.4 L.  With k10 = CL/V1,
# k12 = Q/V1, k21 = Q/V2, the macro-constants alpha > beta are the roots
# of s^2 - (k10 + k12 + k21) s + k10 k21, and a unit bolus gives
# C = (A exp(-alpha t) + B exp(-beta t))/V1 with A = (alpha - k21)/(alpha
# - beta), B = (k21 - beta)/(alpha - beta).  An infusion of rate R for T
# hours integrates this: during it C = R/V1 sum_i c_i/l_i (1 - exp(-l_i t)),
# after it C = R/V1 sum_i c_i/l_i (1 - exp(-l_i T)) exp(-l_i (t - T)).
printf 'ID\tTIME\tEVID\tAMT\tRATE\tCMT\tWT\tCRCL\n1\t0\t1\t1000\t1000\tcentral\t70\t120\n' |
    twin-sim -m vanco --grid 0.25:72:0.25 > "$tmp/vanco"
ok $? "vanco: twin-sim runs a 1 g 1 h infusion"
awk -F'\t' "$hdr"'
$c["EVID"] != 0 || $c["TIME"] == 0 { next }
{
	cl = 4.5; v1 = 58.4; q = 6.5; v2 = 38.4; r = 1000; T = 1
	k10 = cl / v1; k12 = q / v1; k21 = q / v2
	s = k10 + k12 + k21; p = k10 * k21
	al = (s + sqrt(s * s - 4 * p)) / 2; be = (s - sqrt(s * s - 4 * p)) / 2
	a = (al - k21) / (al - be); b = (k21 - be) / (al - be)
	t = $c["TIME"]
	if (t <= T)
		f = a / al * (1 - exp(-al * t)) + b / be * (1 - exp(-be * t))
	else
		f = a / al * (1 - exp(-al * T)) * exp(-al * (t - T)) + \
		    b / be * (1 - exp(-be * T)) * exp(-be * (t - T))
	want = r / v1 * f
	n++
	e = $c["CP"] / want - 1; if (e < 0) e = -e
	if (e > worst) worst = e
}
END { printf "# vanco: %d times, max relative error %.3g\n", n, worst
	exit !(n == 288 && worst <= 1e-6) }' "$tmp/vanco"
ok $? "vanco: CP equals the closed-form two-compartment infusion (1e-6)"

# The covariates enter as published: CL x (CRCL/120)^0.8 x 0.7^DIAL and
# V1 x WT/70 x 0.5^DIAL.  A bolus (no RATE) at time 0 gives C(0) = D/V1,
# and, the peripheral compartment being empty, the initial log-slope
# -(CL + Q)/V1; with a step of 1e-6 h, -log(C(dt)/C(0))/dt gives it to
# about 1e-8 relative (tolerance 1e-6), which pins CL since Q is fixed.
printf 'ID\tTIME\tEVID\tAMT\tCMT\tWT\tCRCL\tDIAL\n1\t0\t1\t1000\tcentral\t90\t60\t1\n' |
    twin-sim -m vanco --grid 0:1e-6:1e-6 | awk -F'\t' "$hdr"'
$c["EVID"] == 0 { cp[n++] = $c["CP"] }
END {
	cl = 4.5 * (60 / 120) ^ 0.8 * 0.7; v1 = 58.4 * 90 / 70 * 0.5
	c0 = 1000 / v1; k = -log(cp[1] / cp[0]) / 1e-6
	e1 = cp[0] / c0 - 1; e2 = k / ((cl + 6.5) / v1) - 1
	if (e1 < 0) e1 = -e1; if (e2 < 0) e2 = -e2
	printf "# vanco covariates: C(0) error %.3g, slope error %.3g\n", \
	    e1, e2
	exit !(n == 2 && e1 <= 1e-9 && e2 <= 1e-6) }'
ok $? "vanco: WT, CRCL and DIAL scale V1 and CL as published"

twin-sim -m vanco < "$top/testdata/vanco_tdm.tsv" | awk -F'\t' "$hdr"'
$c["EVID"] == 0 { n++; if (!($c["CP"] > 5 && $c["CP"] < 40)) bad++ }
END { exit !(n == 6 && bad == 0) }'
ok $? "vanco: the TDM example's six levels are predicted in 5-40 mg/L"

# --- ivp: Kanderian 2009, type 1 diabetes ---------------------------------
# Basal insulin only: 0.02 U/min into isc (route sc) for 24 h, no meal.
# The initial state is the steady state, so glucose stays at
# GB = EGP/(GEZI + SI 1e6 BASAL/CI) = 1.33/(0.0022 + 8.11e-4 1e6 0.02/2010)
# mg/dL and plasma insulin at 1e6 BASAL/CI uU/mL throughout.
printf 'ID\tTIME\tEVID\tAMT\tRATE\tCMT\n1\t0\t1\t28.8\t0.02\tisc\n' |
    twin-sim -m ivp --grid 0:1440:10 > "$tmp/ivp"
ok $? "ivp: twin-sim runs 24 h of basal insulin"
awk -F'\t' "$hdr"'
$c["EVID"] != 0 { next }
{
	gb = 1.33 / (0.0022 + 8.11e-4 * 1e6 * 0.02 / 2010)
	ib = 1e6 * 0.02 / 2010
	e = $c["GLU"] / gb - 1; if (e < 0) e = -e
	f = $c["INS"] / ib - 1; if (f < 0) f = -f
	if (e > worst) worst = e; if (f > worst) worst = f
	n++
}
END { printf "# ivp basal: %d times, max relative deviation %.3g\n", n, worst
	exit !(n == 145 && worst <= 1e-6) }' "$tmp/ivp"
ok $? "ivp: on basal insulin glucose stays at the analytic steady state (1e-6)"

# A 50 g meal (route meal: gut1) at time 0 with basal insulin.  The chain
# of two compartments with equal time constants tau_m = 47 min holds
# gut1 = D exp(-t/tau_m) and gut2 = D t/tau_m exp(-t/tau_m); the
# appearance is RA = 1000 gut2/(tau_m VG) = 1000 D/(VG tau_m^2) t
# exp(-t/tau_m) mg/dL/min, VG 253 dL.  Checked at every 0.5 min over
# 24 h (relative 1e-6 where gut2 is at least 1e-3 g), and the carbohydrate
# is conserved: what is absorbed (Simpson's rule on gut2/tau_m, g/min) plus
# what is left in the chain is the 50 g eaten, to 1e-6 relative.
printf 'ID\tTIME\tEVID\tAMT\tRATE\tCMT\n1\t0\t1\t28.8\t0.02\tisc\n1\t0\t1\t50\t.\tgut1\n' |
    twin-sim -m ivp --states --rtol 1e-10 --atol 1e-12 --grid 0:1440:0.5 \
    > "$tmp/meal"
ok $? "ivp: twin-sim runs a meal with --states"
awk -F'\t' "$hdr"'
$c["EVID"] != 0 { next }
{
	D = 50; tm = 47; vg = 253; t = $c["TIME"]
	g1 = D * exp(-t / tm); g2 = D * t / tm * exp(-t / tm)
	ra = 1000 * D / (vg * tm * tm) * t * exp(-t / tm)
	e = $c["A_gut1"] - g1; if (e < 0) e = -e; e /= D
	if (e > worst) worst = e
	if (g2 >= 1e-3) {
		e = $c["A_gut2"] / g2 - 1; if (e < 0) e = -e
		if (e > worst) worst = e
		e = $c["RAM"] / ra - 1; if (e < 0) e = -e
		if (e > worst) worst = e
	}
	r[n] = $c["A_gut2"] / tm; left = $c["A_gut1"] + $c["A_gut2"]; n++
}
END {
	h = 0.5; s = r[0] + r[n - 1]
	for (i = 1; i < n - 1; i++) s += (i % 2 ? 4 : 2) * r[i]
	absorbed = s * h / 3
	bal = (absorbed + left) / 50 - 1; if (bal < 0) bal = -bal
	printf "# ivp meal: %d times, max relative error %.3g, " \
	    "absorbed %.9g g, left %.3g g, balance error %.3g\n", n, worst,
	    absorbed, left, bal
	exit !(n == 2881 && worst <= 1e-6 && bal <= 1e-6) }' \
    "$tmp/meal"
ok $? "ivp: the meal chain matches its closed form and conserves the carbohydrate"

# --- a CGM sensor under --ruv (solve/sensor.h; its statistics are in
# tests/unit/test_sensor.c) -------------------------------------------------
# ivp at its basal steady state with `sensor: dexcom`: readings every 3 min
# for 3 days are in [39, 600], differ from IPRED by a slowly varying error
# (successive readings 3 min apart differ far less than readings 12 h
# apart), are reproducible with the seed, and without --ruv DV is absent.
sed 's/^dv: GLU/dv: GLU\nsensor: dexcom/' "$top/models/ivp.yaml" > "$tmp/ivpcgm.yaml"
{ printf 'ID\tTIME\tEVID\tAMT\tRATE\tCMT\n1\t0\t1\t86.4\t0.02\tisc\n'
  awk 'BEGIN { for (t = 3; t <= 4320; t += 3) printf "1\t%d\t0\t.\t.\t.\n", t }'
} > "$tmp/cgmrec"
twin-sim -m "$tmp/ivpcgm.yaml" --ruv --seed 5 "$tmp/cgmrec" > "$tmp/cgm1" 2> "$tmp/err" &&
    twin-sim -m "$tmp/ivpcgm.yaml" --ruv --seed 5 "$tmp/cgmrec" | cmp -s - "$tmp/cgm1"
ok $? "sensor: dexcom: --ruv readings, the same for the same seed"
awk -F'\t' "$hdr"'
$c["EVID"] != 0 { next }
{ n++; d = $c["DV"] - $c["IPRED"]; e[n] = d
  if ($c["DV"] < 39 || $c["DV"] > 600) bad = 1 }
END { for (i = 2; i <= n; i++) { s1 += (e[i] - e[i-1])^2 }
      for (i = 241; i <= n; i++) { s2 += (e[i] - e[i-240])^2 }
      r = (s1 / (n - 1)) / (s2 / (n - 240))
      printf "%d readings, 3-min/12-h squared-difference ratio %.3f", n, r
      exit bad || n != 1440 || !(r < 0.1) }' "$tmp/cgm1" > "$tmp/v"
ok $? "sensor: readings in [39, 600], an error correlated in time ($(cat "$tmp/v"))"
sed 's/^sensor: dexcom/sensor: libre/' "$tmp/ivpcgm.yaml" > "$tmp/bad.yaml"
twin-sim -m "$tmp/bad.yaml" --ruv "$tmp/cgmrec" > /dev/null 2> "$tmp/err"
[ $? -ne 0 ] && grep -q 'sensor: unknown CGM sensor "libre"' "$tmp/err"
ok $? "an unknown sensor is said, with the model's line"

done_testing
