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

done_testing
