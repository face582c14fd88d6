#!/bin/sh
# twin-report: NCA against an independent Perl NCA (tests/ref/nca.pl) and
# NonCompart's published Theoph table, and against closed forms of the
# one-compartment model; targets, PTA and its exact confidence interval;
# quantile bands; CGM metrics on a trace whose answers are known by
# construction (tests/ref/cgm_trace.pl); SVG validity; bad input.
# Tolerances: 1e-12 relative against the Perl reference (same formulas,
# other code), 1e-9 against closed forms where the log-down trapezoid is
# exact, 1e-5 for an oral curve on a 0.01 h grid (trapezoid error).
. "$(dirname "$0")/lib.sh"
ref="$top/tests/ref"

# select named columns (COLS=a,b,c) of a TSV table
sel() {
	awk -F'\t' -v COLS="$1" 'BEGIN { n = split(COLS, w, ",") }
	    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
	    { s = ""; for (k = 1; k <= n; k++) s = s (k > 1 ? "\t" : "") $(c[w[k]])
	      print s }'
}
# value of column $1 in the row of ID $2
val() {
	awk -F'\t' -v C="$1" -v ID="$2" 'NR == 1 { for (i = 1; i <= NF; i++)
	    c[$i] = i; next } $1 == ID { print $(c[C]) }'
}
# |got - want| <= rtol |want|
close_to() {
	awk -v g="$1" -v w="$2" -v r="$3" 'BEGIN { d = g - w; if (d < 0) d = -d
	    s = w < 0 ? -w : w; if (s == 0) s = 1; exit !(d <= r * s) }'
}

# --- NCA on Theoph against the independent reference --------------------
for m in linlog linear; do
	perl "$ref/nca.pl" --method $m < "$top/testdata/theoph.tsv" > "$tmp/ref"
	twin-report nca --method $m < "$top/testdata/theoph.tsv" |
	    sel "$(head -1 "$tmp/ref" | tr '\t' ,)" > "$tmp/got"
	perl "$ref/tsvcmp.pl" --rel 1e-12 "$tmp/got" "$tmp/ref"
	ok $? "nca --method $m: all 12 Theoph subjects = tests/ref/nca.pl (Cmax..Vz, lambda-z points)"
done
awk -F'\t' 'BEGIN { OFS = "\t" } NR > 1 && $3 == "1" { $4 = 320 } { print }' \
    "$top/testdata/theoph.tsv" | twin-report nca --method linear |
    sel "$(grep -v '^#' "$ref/nca_noncompart.tsv" | head -1 | tr '\t' ,)" |
    sed -n 1,7p > "$tmp/got"
perl "$ref/tsvcmp.pl" --rel 1e-12 "$tmp/got" "$ref/nca_noncompart.tsv"
ok $? "nca --method linear, dose 320 mg: Theoph 1-6 = NonCompart's published table"
twin-report nca --lambdaz 5 < "$top/testdata/theoph.tsv" | val LZN 1 |
    grep -qx 5
ok $? "nca --lambdaz 5 uses the last five points"
twin-report nca --lambdaz-window 5,25 < "$top/testdata/theoph.tsv" |
    sel ID,LZN,LZSTART,LZRULE | awk -F'\t' '$1 == 1' |
    grep -qx "1	5	5.1	window"
ok $? "nca --lambdaz-window 5,25 uses the points in the window"

# --- descriptive statistics, checked against awk on the per-subject table
twin-report nca < "$top/testdata/theoph.tsv" > "$tmp/per"
twin-report nca --summary < "$top/testdata/theoph.tsv" > "$tmp/sumc"
# theoph.tsv has a CMT column: its one observed CMT leads each row
r=0
[ "$(head -1 "$tmp/sumc" | cut -f1,2)" = "CMT	PARAM" ] || r=1
[ "$(sed 1d "$tmp/sumc" | cut -f1 | sort -u)" = central ] || r=1
cut -f2- "$tmp/sumc" > "$tmp/sum"
for par in CMAX AUCINF CL; do
	want=$(awk -F'\t' -v P=$par 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == P) c = i; next }
	    { x[++n] = $c; s += $c; l += log($c) }
	    END { m = s / n; for (i = 1; i <= n; i++) { v += (x[i] - m)^2; w += (log(x[i]) - l / n)^2 }
	      printf "%.17g %.17g %.17g %.17g", m, sqrt(v / (n - 1)), exp(l / n), 100 * sqrt(exp(w / (n - 1)) - 1) }' "$tmp/per")
	got=$(awk -F'\t' -v P=$par '$1 == P { print $3, $4, $6, $7 }' "$tmp/sum")
	set -- $want
	[ "$(echo $got | wc -w)" -eq 4 ] || r=1
	for g in $got; do
		close_to "$g" "$1" 1e-12 || r=1
		shift
	done
done
ok $r "nca --summary: mean, SD, geometric mean and CV of Cmax, AUCinf, CL/F = awk on the table"
awk -F'\t' '$1 == "TMAX" { exit !($8 == 1.135 && $9 == 0.63 && $10 == 3.55 && $2 == 12) }' "$tmp/sum"
ok $? "nca --summary: median, min, max, N (Tmax)"

# --- NCA against closed forms: CL 5 L/h, V 50 L (k = 0.1/h), dose 100 mg --
cat > "$tmp/d.tsv" <<EOF
ID	TIME	EVID	AMT	CMT	SS	II
1	0	1	100	central	0	0
2	0	1	100	central	1	12
3	0	1	100	depot	0	0
EOF
twin-sim -m pk1cmt --grid 0:48:0.5 < "$tmp/d.tsv" |
    twin-report nca -y CP --auc 0,24 > "$tmp/nca"
r=0
close_to "$(val AUCINF 1 < "$tmp/nca")" 20 1e-9 || r=1
close_to "$(val LAMBDAZ 1 < "$tmp/nca")" 0.1 1e-9 || r=1
close_to "$(val CL 1 < "$tmp/nca")" 5 1e-9 || r=1
close_to "$(val VZ 1 < "$tmp/nca")" 50 1e-9 || r=1
close_to "$(val MRT 1 < "$tmp/nca")" 10 1e-9 || r=1
close_to "$(val THALF 1 < "$tmp/nca")" "$(awk 'BEGIN { printf "%.17g", log(2) / 0.1 }')" 1e-9 || r=1
close_to "$(val AUC_0_24 1 < "$tmp/nca")" "$(awk 'BEGIN { printf "%.17g", 20 * (1 - exp(-2.4)) }')" 1e-9 || r=1
ok $r "IV bolus: AUCinf = Dose/CL, lambda-z = CL/V, Vz, MRT = 1/k, t1/2, AUC(0-24) exact"
r=0
e=$(awk 'BEGIN { printf "%.17g", exp(-1.2) }')
close_to "$(val AUCTAU 2 < "$tmp/nca")" 20 1e-9 || r=1
close_to "$(val CAVG 2 < "$tmp/nca")" "$(awk 'BEGIN { printf "%.17g", 20 / 12 }')" 1e-9 || r=1
close_to "$(val CTROUGH 2 < "$tmp/nca")" "$(awk -v e="$e" 'BEGIN { printf "%.17g", 2 * e / (1 - e) }')" 1e-9 || r=1
close_to "$(val CMIN 2 < "$tmp/nca")" "$(awk -v e="$e" 'BEGIN { printf "%.17g", 2 * e / (1 - e) }')" 1e-9 || r=1
close_to "$(val RAC 2 < "$tmp/nca")" "$(awk -v e="$e" 'BEGIN { printf "%.17g", 1 / (1 - e) }')" 1e-9 || r=1
close_to "$(val CL 2 < "$tmp/nca")" 5 1e-9 || r=1
close_to "$(val MRT 2 < "$tmp/nca")" 10 1e-9 || r=1
ok $r "steady state q12h: AUCtau = Dose/CL, Cavg, Ctrough = Cmin, accumulation 1/(1-e^-k tau), MRT"
twin-sim -m pk1cmt --grid 0:96:0.01 < "$tmp/d.tsv" | twin-report nca -y CP |
    val AUCINF 3 > "$tmp/auc"
close_to "$(cat "$tmp/auc")" 20 1e-5
ok $? "oral dose: AUCinf = F Dose/CL within 1e-5 (0.01 h grid)"

# 2 h infusion: MRT in the body = AUMC/AUC - Tinf/2 = 1/k
printf 'ID\tTIME\tEVID\tAMT\tRATE\tCMT\n1\t0\t1\t100\t50\tcentral\n' |
    twin-sim -m pk1cmt --grid 0:96:0.01 | twin-report nca -y CP | val MRT 1 > "$tmp/mrt"
close_to "$(cat "$tmp/mrt")" 10 1e-5
ok $? "infusion: MRT = AUMC/AUC - Tinf/2 = 1/k within 1e-5 (0.01 h grid)"

# IV bolus without a sample at the dose: --iv-bolus back-extrapolates C0
printf 'ID\tTIME\tEVID\tAMT\tCMT\n1\t0\t1\t100\tcentral\n' |
    twin-sim -m pk1cmt --grid 0.5:48:0.5 | twin-report nca -y CP --iv-bolus > "$tmp/iv"
r=0
close_to "$(val C0 1 < "$tmp/iv")" 2 1e-9 || r=1
close_to "$(val AUCINF 1 < "$tmp/iv")" 20 1e-9 || r=1
close_to "$(val CMAX 1 < "$tmp/iv")" "$(awk 'BEGIN { printf "%.17g", 2 * exp(-0.05) }')" 1e-9 || r=1
[ "$(val TMAX 1 < "$tmp/iv")" = 0.5 ] || r=1
ok $r "--iv-bolus: C0 = Dose/V back-extrapolated, AUCinf = Dose/CL; Cmax stays the first sample"

# A pre-dose sample at the dose time (its row before the dose row, per
# twin-records(5)) is not the curve's start after a bolus: C0 is still
# back-extrapolated to Dose/V = 2 (k = 0.1/h, V = 50 L)
printf 'ID\tTIME\tEVID\tAMT\tCMT\tDV\n1\t0\t0\t.\tcentral\t0\n1\t0\t1\t100\tcentral\t.\n' > "$tmp/pre.tsv"
awk 'BEGIN { OFS = "\t"; for (t = 0.5; t <= 48; t += 0.5) printf "1\t%s\t0\t.\tcentral\t%.17g\n", t, 2 * exp(-0.1 * t) }' >> "$tmp/pre.tsv"
twin-report nca --iv-bolus < "$tmp/pre.tsv" > "$tmp/iv"
r=0
close_to "$(val C0 1 < "$tmp/iv")" 2 1e-9 || r=1
close_to "$(val AUCINF 1 < "$tmp/iv")" 20 1e-9 || r=1
close_to "$(val AUCLAST 1 < "$tmp/iv")" "$(awk 'BEGIN { printf "%.17g", 20 * (1 - exp(-4.8)) }')" 1e-9 || r=1
ok $r "--iv-bolus with a pre-dose 0 at the dose time: C0 = Dose/V = 2 back-extrapolated, AUCinf = Dose/CL"

# --- terminal phase: a fit that does not fall gives no AUCinf --------------
# 0, 2, 0, 1, 2, 1: the last three points have slope 0 (adjusted R2 -1)
printf 'ID\tTIME\tEVID\tAMT\tDV\n1\t0\t1\t100\t.\n' > "$tmp/flat.tsv"
printf '1\t%s\t0\t.\t%s\n' 0 0 1 2 2 0 3 1 4 2 5 1 >> "$tmp/flat.tsv"
twin-report nca < "$tmp/flat.tsv" > "$tmp/f"
r=0
for c in AUCINF LAMBDAZ THALF CL VZ MRT AUCPEXT; do
	[ "$(val $c 1 < "$tmp/f")" = . ] || r=1
done
[ "$(val LZNOTE 1 < "$tmp/f")" = no-decline ] || r=1
# linear up, log down: 1 + 1 + 0.5 + 1.5 + 1/ln 2
close_to "$(val AUCLAST 1 < "$tmp/f")" "$(awk 'BEGIN { printf "%.17g", 4 + 1 / log(2) }')" 1e-12 || r=1
ok $r "a zero-slope terminal fit: no lambda-z, AUCinf, t1/2, CL, Vz (LZNOTE no-decline); AUClast stays"
twin-report nca --lambdaz 3 < "$tmp/flat.tsv" | val LZNOTE 1 | grep -qx no-decline &&
    twin-report nca --lambdaz 3 < "$tmp/flat.tsv" | val AUCINF 1 | grep -qx '\.'
ok $? "--lambdaz 3 on the same profile: no-decline, no AUCinf"
printf 'ID\tTIME\tEVID\tAMT\tDV\n1\t0\t1\t100\t.\n1\t1\t0\t.\t4\n1\t2\t0\t.\t2\n' |
    twin-report nca | val LZNOTE 1 | grep -qx few-points
ok $? "fewer than 3 points after Cmax: LZNOTE few-points"
# Theoph: with --lambdaz-r2adj m the subjects whose best fit is below m
# lose AUCinf (LZNOTE low-r2adj), the others keep it
twin-report nca < "$top/testdata/theoph.tsv" | sel ID,LZR2ADJ,AUCINF | sed 1d > "$tmp/r2"
m=$(sort -t'	' -k2,2g "$tmp/r2" | awk -F'\t' 'NR == 6 { print $2 }')
awk -F'\t' -v m="$m" 'BEGIN { OFS = "\t" } { print $1, ($2 < m ? "." : $3), ($2 < m ? "low-r2adj" : ".") }' "$tmp/r2" > "$tmp/want"
twin-report nca --lambdaz-r2adj "$m" < "$top/testdata/theoph.tsv" | sel ID,AUCINF,LZNOTE | sed 1d > "$tmp/got"
cmp -s "$tmp/got" "$tmp/want" && [ "$(grep -c low-r2adj "$tmp/got")" -eq 5 ]
ok $? "--lambdaz-r2adj: the 5 Theoph subjects with adjusted R2 below the 6th lowest get no AUCinf"

# --- several analytes: one NCA per observed CMT --------------------------
# Theoph as parent (CMT central) and a made-up metabolite (CMT metab) of
# another shape at the same times; each analyte's row = tests/ref/nca.pl
# on its records alone
awk -F'\t' 'BEGIN { OFS = "\t" } { print }
    NR > 1 && $3 == "0" { $6 = "metab"; $7 = sprintf("%.6g", $7 * 0.3 * (1 + $2 / 10)); print }' \
    "$top/testdata/theoph.tsv" > "$tmp/two.tsv"
twin-report nca < "$tmp/two.tsv" > "$tmp/two"
r=0
for cmt in central metab; do
	awk -F'\t' -v C=$cmt 'NR == 1 || $3 != "0" || $6 == C' "$tmp/two.tsv" > "$tmp/one.tsv"
	perl "$ref/nca.pl" < "$tmp/one.tsv" > "$tmp/ref"
	awk -F'\t' -v C=$cmt 'NR == 1 || $2 == C' "$tmp/two" | cut -f1,3- |
	    sel "$(head -1 "$tmp/ref" | tr '\t' ,)" > "$tmp/got"
	perl "$ref/tsvcmp.pl" --rel 1e-12 "$tmp/got" "$tmp/ref" || r=1
	twin-report nca --cmt $cmt < "$tmp/two.tsv" | sel "$(head -1 "$tmp/ref" | tr '\t' ,)" > "$tmp/got"
	perl "$ref/tsvcmp.pl" --rel 1e-12 "$tmp/got" "$tmp/ref" || r=1
done
[ "$(sed 1d "$tmp/two" | cut -f2 | tr '\n' ' ' | cut -c1-28)" = "central metab central metab " ] || r=1
ok $r "two CMTs: a row per ID and CMT, each = tests/ref/nca.pl on that CMT alone (and = --cmt)"
twin-report nca --summary < "$tmp/two.tsv" | awk -F'\t' '$2 == "CMAX"' | cut -f1,3 | tr '\n' ' ' |
    grep -qx 'central	12 metab	12 '
ok $? "nca --summary with two CMTs: statistics per CMT"
printf 'ID\tTIME\tDV\n1\t0\t1\n' | twin-report nca --cmt central 2> "$tmp/e"; s=$?
[ $s -eq 2 ] && grep -q '<stdin>:1: no column "CMT"' "$tmp/e"
ok $? "--cmt without a CMT column is an error naming the header line"

# --- overflow: a result out of range is an error with the record's line ----
# Input numbers are bounded (REC_NUM_MAX, 1e100): DV 1e308 stops at the
# reader, naming its line.  Within the bound an area can still underflow
# to a subnormal and a derived parameter overflow: a dose of 1e100 over
# an AUC of about 1e-310 gives CL = Dose/AUCinf > DBL_MAX.
printf 'ID\tTIME\tEVID\tAMT\tDV\n1\t0\t1\t100\t.\n1\t1\t0\t.\t1e308\n1\t2\t0\t.\t1e308\n' |
    twin-report nca > "$tmp/o" 2> "$tmp/e"; s=$?
[ $s -eq 2 ] && grep -q '^twin-report: <stdin>:3: column DV: number out of range: "1e308"' "$tmp/e" &&
    ! grep -q inf "$tmp/o"
ok $? "DV 1e308: an error naming line 3 (no inf written)"
printf 'ID\tTIME\tEVID\tAMT\tDV\n1\t0\t1\t1e100\t.\n1\t1e-10\t0\t.\t1e-300\n1\t2e-10\t0\t.\t5e-301\n1\t3e-10\t0\t.\t2.5e-301\n1\t4e-10\t0\t.\t1.25e-301\n' |
    twin-report nca > "$tmp/o" 2> "$tmp/e"; s=$?
[ $s -eq 2 ] && grep -qx 'twin-report: <stdin>:6: ID 1: CL is out of the range of double precision (inf)' "$tmp/e" &&
    ! grep -q inf "$tmp/o"
ok $? "a derived parameter that overflows (CL = 1e100 / 1e-310) is an error naming the last sample's line"

# --- BLQ ------------------------------------------------------------------
cat > "$tmp/blq.tsv" <<EOF
ID	TIME	EVID	AMT	DV	BLQ
1	0	1	100	.	0
1	0.5	0	.	.	1
1	1	0	.	4	0
1	2	0	.	8	0
1	4	0	.	4	0
1	8	0	.	2	0
1	12	0	.	1	0
1	16	0	.	.	1
1	24	0	.	0.5	0
EOF
twin-report nca --method linear < "$tmp/blq.tsv" | sel AUCLAST,TLAST | sed 1d > "$tmp/got"
# the leading BLQ counts as 0, the later one is dropped (linear trapezoid):
# 0.5 (0+4)/2 + (4+8)/2 + 2 (8+4)/2 + 4 (4+2)/2 + 4 (2+1)/2 + 12 (1+0.5)/2
printf '46\t24\n' | cmp -s - "$tmp/got"
ok $? "--blq default: leading BLQ is 0, later BLQ dropped (AUClast 46)"
# every BLQ is 0: 12 to 24 h becomes 4 (1+0)/2 + 8 (0+0.5)/2
twin-report nca --method linear --blq zero < "$tmp/blq.tsv" | sel AUCLAST | sed 1d | grep -qx 41
ok $? "--blq zero: the BLQ sample at 16 h counts as 0 (AUClast 41)"
twin-report nca --method linear --lloq 1.5 < "$tmp/blq.tsv" | sel TLAST | sed 1d | grep -qx 8
ok $? "--lloq 1.5: samples below it are BLQ, Tlast moves to 8 h"

printf 'ID\tTIME\tEVID\tAMT\tDV\n1\t0\t1\t100\t.\n2\t0\t1\t100\t.\n2\t1\t0\t.\t0\n' |
    twin-report nca | sel ID,DOSE,CMAX,TMAX,AUCLAST | sed 1d | tr '\n' ' ' |
    grep -qx '1	100	.	.	. 2	100	0	0	. '
ok $? "no samples: missing values; only zeros: Cmax 0, no AUC to the last positive"

# --- targets and PTA --------------------------------------------------------
# ten individuals, one q12h SS bolus each, CL from 1 to 10 L/h, V 50 L:
# trough = 2 e^(-12 CL/50) / (1 - e^(-12 CL/50))
awk 'BEGIN { OFS = "\t"; print "ID", "TIME", "EVID", "AMT", "CMT", "SS", "II", "CL", "ARM"
    for (i = 1; i <= 10; i++) print i, 0, 1, 100, "central", 1, 12, i, i % 2 ? "odd" : "even" }' \
    > "$tmp/t.tsv"
twin-sim -m pk1cmt --grid 0:12:0.25 < "$tmp/t.tsv" > "$tmp/ts.tsv"
twin-report target -y CP 'trough >= 0.5' < "$tmp/ts.tsv" > "$tmp/tt"
r=0
for i in 1 4 10; do
	close_to "$(val trough $i < "$tmp/tt")" "$(awk -v c=$i 'BEGIN { e = exp(-12 * c / 50); printf "%.17g", 2 * e / (1 - e) }')" 1e-9 || r=1
done
ok $r "trough = closed-form steady-state trough (last sample of the interval)"
# trough >= 0.5 holds for CL <= 3 (trough 1.02 at CL 3, 0.62 at 4? see awk)
n=$(awk 'BEGIN { for (c = 1; c <= 10; c++) { e = exp(-12 * c / 50); if (2 * e / (1 - e) >= 0.5) n++ } print n }')
twin-report target -y CP 'trough >= 0.5' --pta < "$tmp/ts.tsv" | sel MET | sed 1d | grep -qx "$n"
ok $? "PTA counts the individuals meeting the target ($n of 10)"
twin-report target -y CP 'trough >= 0.4' --pta < "$tmp/ts.tsv" | sed 1d > "$tmp/pta"
k=$(awk 'BEGIN { for (c = 1; c <= 10; c++) { e = exp(-12 * c / 50); if (2 * e / (1 - e) >= 0.4) n++ } print n }')
# R: binom.test(7, 10)$conf.int = 0.3475471 0.9332605 (Clopper-Pearson)
if [ "$k" = 7 ]; then
	awk -F'\t' '{ exit !($2 == 7 && $4 == 70 && ($5 - 34.75471)^2 < 1e-8 && ($6 - 93.32605)^2 < 1e-8) }' "$tmp/pta"
	ok $? "PTA 7/10 = 70% with R's binom.test interval 34.75%-93.33%"
else
	ok 1 "the design gives 7 of 10 at trough >= 0.4 (got $k)"
fi
twin-report target -y CP 'trough >= 0.3' --pta --by ARM < "$tmp/ts.tsv" | sel ARM,N | sed 1d | tr '\n' ' ' | grep -qx "even	5 odd	5 "
ok $? "--by ARM: one PTA row per arm, in the order of their values"
# fT>MIC over the interval: C0 e^(-kt) > MIC for t < ln(C0/MIC)/k
twin-report target -y CP 'fT>1 >= 0' < "$tmp/ts.tsv" | val 'fT>1' 7 > "$tmp/ft"
close_to "$(cat "$tmp/ft")" "$(awk 'BEGIN { k = 7 / 50; e = exp(-12 * k); c0 = 2 / (1 - e); printf "%.17g", 100 * log(c0 / 1) / k / 12 }')" 1e-9
ok $? "fT>MIC = 100 ln(C0/MIC)/(k tau) on an exponential (log-down interpolation)"
twin-report target -y CP 'auc(0,12) 19.9..20.1 and cavg >= 1' < "$tmp/ts.tsv" | val 'auc(0,12)' 5 > "$tmp/a"
close_to "$(cat "$tmp/a")" 20 1e-9
ok $? "auc(0,12) at steady state = Dose/CL"

# --- bands ----------------------------------------------------------------
awk 'BEGIN { OFS = "\t"; print "ID", "TIME", "Y"; for (i = 0; i <= 100; i++) for (t = 0; t <= 2; t++) print i + 1, t, i * (t + 1) }' |
    twin-report bands -y Y > "$tmp/b"
sed -n 2p "$tmp/b" | grep -qx "0	101	5	25	50	75	95	50"
ok $? "bands: 5/25/50/75/95th percentiles of 0..100 are 5, 25, 50, 75, 95"
sed -n 4p "$tmp/b" | grep -qx "2	101	15	75	150	225	285	150"
ok $? "bands: one row per time"
printf 'ID\tTIME\tY\n1\t0\t1\n2\t0\t2\n3\t0\t3\n4\t0\t4\n' |
    twin-report bands -y Y --quantiles 25,10 | sed 1d | grep -qx "0	4	1.75	1.3	2.5"
ok $? "quantiles are R's type 7 (quantile(1:4, c(.25, .1)) = 1.75 1.3)"
awk 'BEGIN { OFS = "\t"; print "ID", "TIME", "Y"; for (i = 1; i <= 4; i++) for (t = 0; t < 2; t += 0.25) print i, t, i }' |
    twin-report bands -y Y --bin 1 | cut -f1,2 | sed 1d | tr '\n' ' ' | grep -qx "0.5	16 1.5	16 "
ok $? "--bin 1: times pooled into bins, reported at the bin middle"

# --- CGM --------------------------------------------------------------------
perl "$ref/cgm_trace.pl" > "$tmp/cgm.tsv"
perl "$ref/cgm_trace.pl" --expected > "$tmp/want"
twin-report cgm < "$tmp/cgm.tsv" > "$tmp/got"
perl "$ref/tsvcmp.pl" --rel 1e-9 "$tmp/got" "$tmp/want"
ok $? "cgm: every metric of the constructed trace (counts, events, coverage, LBGI/HBGI)"
awk -F'\t' 'BEGIN { OFS = "\t" } NR > 1 { $2 = $2 * 60; if ($3 != ".") $3 = sprintf("%.17g", $3 / 18) } { print }' "$tmp/cgm.tsv" |
    twin-report cgm --time-unit min --unit mmol/L > "$tmp/got"
perl "$ref/tsvcmp.pl" --rel 1e-9 "$tmp/got" "$tmp/want" >/dev/null
ok $? "cgm --time-unit min --unit mmol/L gives the same table"
perl "$ref/cgm.pl" < "$tmp/cgm.tsv" > "$tmp/want2"
perl "$ref/tsvcmp.pl" --rel 1e-9 "$tmp/got" "$tmp/want2" >/dev/null
ok $? "cgm = tests/ref/cgm.pl"

# TIME's unit from the readings' spacing: the same trace in minutes and
# in hours gives the same table; a spacing that is neither is refused
awk -F'\t' 'BEGIN { OFS = "\t" } NR > 1 { $2 = sprintf("%.17g", $2 * 60) } { print }' "$tmp/cgm.tsv" > "$tmp/cgm_min.tsv"
twin-report cgm < "$tmp/cgm_min.tsv" > "$tmp/got"
perl "$ref/tsvcmp.pl" --rel 1e-9 "$tmp/got" "$tmp/want" >/dev/null
ok $? "cgm on minutes (5 min spacing) without --time-unit = the table in hours"
twin-report agp -o "$tmp/agp_h.svg" < "$tmp/cgm.tsv" &&
    twin-report agp -o "$tmp/agp_min.svg" < "$tmp/cgm_min.tsv" &&
    cmp -s "$tmp/agp_h.svg" "$tmp/agp_min.svg"
ok $? "agp on minutes without --time-unit = the picture from hours"
awk -F'\t' 'BEGIN { OFS = "\t" } NR > 1 { $2 = sprintf("%.17g", $2 * 24) } { print }' "$tmp/cgm.tsv" |
    twin-report cgm > "$tmp/o" 2> "$tmp/e"; s=$?
[ $s -eq 2 ] && grep -q '^twin-report: <stdin>:2: ID 1: cannot tell the unit of TIME from the median spacing of the readings, "2" .*give --time-unit$' "$tmp/e" &&
    [ ! -s "$tmp/o" ]
ok $? "cgm: a 2-unit spacing (neither minutes nor hours of a sensor) is refused: give --time-unit"
awk -F'\t' 'BEGIN { OFS = "\t" } NR > 1 { $2 = sprintf("%.17g", $2 * 24) } { print }' "$tmp/cgm.tsv" |
    twin-report agp -o "$tmp/x.svg" 2> "$tmp/e"; s=$?
[ $s -eq 2 ] && grep -q 'cannot tell the unit of TIME' "$tmp/e"
ok $? "agp: the same spacing is refused"
awk -F'\t' 'BEGIN { OFS = "\t" } NR > 1 { $2 = sprintf("%.17g", $2 / 24) } { print }' "$tmp/cgm.tsv" |
    twin-report cgm --time-unit d > "$tmp/got"
perl "$ref/tsvcmp.pl" --rel 1e-9 "$tmp/got" "$tmp/want" >/dev/null
ok $? "cgm --time-unit d: an explicit unit is taken as given"
printf 'ID\tTIME\tDV\n1\t0\t100\n1\t5\t60\n1\t10\t60\n1\t15\t60\n1\t20\t100\n' > "$tmp/g5"
twin-report cgm < "$tmp/g5" | val COVERAGE 1 | grep -qx 100 &&
    close_to "$(twin-report cgm -m pk1cmt < "$tmp/g5" | val COVERAGE 1)" "$(awk 'BEGIN { printf "%.17g", 500 / 241 }')" 1e-12
ok $? "cgm -m pk1cmt: the model's unit (h) wins over the spacing (5 readings of 241 expected in 20 h)"
awk 'BEGIN { OFS = "\t"; print "ID", "TIME", "DV"; for (i = 0; i < 96; i++) print 1, i * 15, 100 + i
    for (i = 0; i < 48; i++) print 2, i * 15 + (i >= 24 ? 60 : 0), 100 }' > "$tmp/c15"
[ "$(twin-report cgm < "$tmp/c15" | val COVERAGE 1)" = 100 ] &&
    close_to "$(twin-report cgm < "$tmp/c15" | val COVERAGE 2)" "$(awk 'BEGIN { printf "%.17g", 4800 / 52 }')" 1e-12 &&
    close_to "$(twin-report cgm --interval 5 < "$tmp/c15" | val COVERAGE 1)" "$(awk 'BEGIN { printf "%.17g", 9600 / 286 }')" 1e-12
ok $? "cgm: a 15-min sensor's interval is told by its spacing (coverage 100%, 48 of 52 with an hour's gap; --interval 5 gives 96 of 286)"

# --- plots -----------------------------------------------------------------
twin-sim -m pk1cmt --iiv -n 20 --grid 0:24:0.5 < "$tmp/d.tsv" > "$tmp/coh.tsv"
twin-report plot -y CP -o "$tmp/l.svg" < "$tmp/coh.tsv"
ok $? "plot writes an SVG"
twin-report plot -y CP --bands --log --title 'a < b & "c"' -o "$tmp/b.svg" < "$tmp/coh.tsv"
ok $? "plot --bands --log writes an SVG"
twin-report agp -o "$tmp/agp.svg" < "$tmp/cgm.tsv"
ok $? "agp writes an SVG"
if command -v xmllint >/dev/null 2>&1; then
	xmllint --noout "$tmp/l.svg" "$tmp/b.svg" "$tmp/agp.svg"
	ok $? "the SVG files are well-formed XML (xmllint)"
else
	perl -e 'for (@ARGV) { local $/; open F, $_; $_ = <F>; s/<\?xml.*?\?>//s;
	    1 while s/<[a-zA-Z]+(?:\s+[\w:-]+="[^"<]*")*\s*\/>//g ||
	    s/<([a-zA-Z]+)(?:\s+[\w:-]+="[^"<]*")*\s*>[^<]*<\/\1>//g; exit 1 if /</ }' \
	    "$tmp/l.svg" "$tmp/b.svg" "$tmp/agp.svg"
	ok $? "the SVG files nest their elements properly (no xmllint)"
fi
[ "$(grep -c '<polyline' "$tmp/l.svg")" -eq 60 ]
ok $? "plot: one line per individual (60)"
grep -q 'a &lt; b &amp; &quot;c&quot;' "$tmp/b.svg"
ok $? "titles are escaped for XML"
printf 'ID\tTIME\tEVID\tAMT\tCMT\tARM\n1\t0\t1\t100\tcentral\tA\n2\t0\t1\t300\tcentral\tB\n' |
    twin-sim -m pk1cmt --iiv -n 10 --grid 0:24:1 > "$tmp/arms.tsv"
twin-report plot -y CP --by ARM -o "$tmp/gl.svg" < "$tmp/arms.tsv" &&
    twin-report plot -y CP --by ARM --bands -o "$tmp/gb.svg" < "$tmp/arms.tsv" &&
    [ "$(grep -c 'polyline.*stroke="#0072B2"' "$tmp/gl.svg")" -eq 10 ] &&
    [ "$(grep -c 'polyline.*stroke="#D55E00"' "$tmp/gl.svg")" -eq 10 ] &&
    grep -q '>ARM=B<' "$tmp/gl.svg" && grep -q '>ARM=A: median, 5th-95th<' "$tmp/gb.svg" &&
    [ "$(grep -c '<polygon' "$tmp/gb.svg")" -eq 2 ]
ok $? "plot --by: one colour per group (lines, and a band per group)"
# Legend entries that do not fit one row wrap; the plot moves down to keep
# them off it (one row: plot from y 58; six entries in three rows: 90).
awk -F'\t' -v OFS='\t' 'NR == 1 { print; next }
    { $6 = "a long group name number " $1 % 6; print }' "$tmp/arms.tsv" |
    twin-report plot -y CP --by ARM -o "$tmp/wrap.svg" &&
    grep -q 'clipPath id="plot"><rect x="70.00" y="90.00"' "$tmp/wrap.svg" &&
    grep -q '<text x="94.00" y="78.00">ARM=a long group name number 5<' "$tmp/wrap.svg" &&
    grep -q 'clipPath id="plot"><rect x="70.00" y="58.00"' "$tmp/gl.svg"
ok $? "plot: a legend wider than the picture wraps, the plot below it"
twin-report plot -m pk1cmt -y CP -o "$tmp/u.svg" < "$tmp/coh.tsv" &&
    grep -q '>CP (mg/L)<' "$tmp/u.svg" && grep -q '>Time (h)<' "$tmp/u.svg"
ok $? "-m: the axes carry the model's units"

# --- bad input --------------------------------------------------------------
twin-report frobnicate < /dev/null 2> "$tmp/e"; s=$?
[ $s -eq 1 ] && grep -q 'unknown verb "frobnicate"' "$tmp/e"
ok $? "an unknown verb is a usage error (exit 1)"
twin-report target 'trough >= ten' < /dev/null 2> "$tmp/e"; s=$?
[ $s -eq 1 ] && grep -q 'column 11: expected a number, got "ten"' "$tmp/e"
ok $? "a bad target names the column"
twin-report target 'trof >= 1' < /dev/null 2> "$tmp/e"; s=$?
[ $s -eq 1 ] && grep -q 'column 1: expected a metric' "$tmp/e"
ok $? "an unknown metric is named"
twin-report nca -y CP < "$top/testdata/theoph.tsv" 2> "$tmp/e"; s=$?
[ $s -eq 2 ] && grep -q 'theoph.tsv\|stdin' "$tmp/e" && grep -q 'no column "CP"' "$tmp/e"
ok $? "a missing column is a data error (exit 2) naming the file and line"
printf 'ID\tTIME\tDV\n1\t0\t100\n1\t5\t-3\n' | twin-report cgm 2> "$tmp/e"; s=$?
[ $s -eq 2 ] && grep -q '^twin-report: <stdin>:3: ID 1: glucose must be positive, got -3$' "$tmp/e"
ok $? "cgm: a non-positive glucose is an error naming its line"
printf 'ID\tTIME\tDV\n1\t0\t1\n1\t1\tx\n' | twin-report nca 2> "$tmp/e"; s=$?
[ $s -eq 2 ] && grep -q '<stdin>:3: column DV: not a number' "$tmp/e"
ok $? "a bad number names the line"
echo keep > "$tmp/keep.svg"
printf 'ID\tTIME\tY\n' | twin-report plot -y Y -o "$tmp/keep.svg" 2>/dev/null
[ $? -eq 2 ] && grep -qx keep "$tmp/keep.svg"
ok $? "a failed plot leaves an existing file as it was"
twin-report --version | grep -q '^twin-report '
ok $? "--version"
twin-report --help | grep -q '^usage: twin-report nca'
ok $? "--help"

# --- records without EVID; ADDL beyond the last sample ----------------------
# Without an EVID column a record with AMT is a dose (twin-records(5), the
# rule twin-sim uses: ev_evid_default).  C = 10 exp(-ln2 t / 2) after an
# IV bolus of 100: AUCinf = 10 * 2 / ln 2, CL = 100 / AUCinf.
printf 'ID,TIME,AMT,DV\n1,0,100,NA\n1,1,NA,7.0710678118654755\n1,2,NA,5\n1,4,NA,2.5\n1,6,NA,1.25\n' > "$tmp/noevid.csv"
twin-report nca --iv-bolus "$tmp/noevid.csv" | awk -F'\t' '
NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
{ auc = 20 / log(2); e1 = $c["AUCINF"] / auc - 1; e2 = $c["CL"] / (100 / auc) - 1
  exit !($c["DOSE"] == 100 && e1 < 1e-9 && e1 > -1e-9 && e2 < 1e-9 && e2 > -1e-9) }'
ok $? "no EVID column: the AMT record is the dose (DOSE 100, AUCinf = 20/ln 2, CL = Dose/AUCinf, 1e-9)"
printf 'ID\tTIME\tEVID\tAMT\tII\tADDL\tDV\n1\t0\t1\t100\t24\t10000000\t.\n1\t1\t0\t.\t.\t.\t7.0710678118654755\n1\t2\t0\t.\t.\t.\t5\n1\t4\t0\t.\t.\t.\t2.5\n1\t6\t0\t.\t.\t.\t1.25\n' |
    (ulimit -t 5; twin-report nca --iv-bolus) > "$tmp/o" 2> "$tmp/e"; s=$?
[ $s -eq 0 ] && awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
{ auc = 20 / log(2); e = $c["AUCINF"] / auc - 1; exit !(e < 1e-9 && e > -1e-9) }' "$tmp/o"
ok $? "ADDL 1e7 after the samples: within 5 s of CPU, analysed as the single dose it is so far"
printf 'ID\tTIME\tEVID\tAMT\tII\tADDL\tDV\n1\t0\t1\t100\t24\t20000000\t.\n1\t1\t0\t.\t.\t.\t1\n' |
    twin-report nca 2> "$tmp/e"; s=$?
[ $s -eq 2 ] && grep -q '<stdin>:2: ADDL must be a whole number from 0 to 10000000, got 2e+07' "$tmp/e"
ok $? "ADDL beyond its bound: said as such, with the line"

done_testing
