#!/bin/sh
# twin-report vpc: a small case computed by hand (the arithmetic is in
# tests/unit/test_vpc.c; here it goes through the records: dose rows,
# MDV 1, the REP column), prediction correction against its definition,
# BLQ counts against awk on the data, a VPC of the Theoph model simulated
# against itself, the picture, bad input.  Tolerance 1e-12 relative.
. "$(dirname "$0")/lib.sh"

# column $1 of the row whose BIN is $2 and STAT $3
cell() {
	awk -F'\t' -v C="$1" -v B="$2" -v S="$3" '/^#/ { next }
	    !h { for (i = 1; i <= NF; i++) c[$i] = i; h = 1; next }
	    $c["BIN"] == B && $c["STAT"] == S { print $c[C] }'
}
close_to() {
	awk -v g="$1" -v w="$2" -v r="$3" 'BEGIN { d = g - w; if (d < 0) d = -d
	    s = w < 0 ? -w : w; if (s == 0) s = 1; exit !(d <= r * s) }'
}

# --- the small case -----------------------------------------------------
# observed: bin [0, 2): 1 2 3 4 5 at TIME 1; bin [2, 10]: 10 20 at TIME 4,
# 30 40 at TIME 8; a dose row for each ID and an MDV 1 row (left out)
{
	printf 'ID\tTIME\tEVID\tAMT\tDV\tMDV\n'
	for i in 1 2 3 4 5; do
		printf '%s\t0\t1\t100\t.\t1\n%s\t1\t0\t.\t%s\t0\n' $i $i $i
	done
	printf '6\t0\t1\t100\t.\t1\n6\t4\t0\t.\t10\t0\n6\t8\t0\t.\t30\t0\n'
	printf '7\t0\t1\t100\t.\t1\n7\t4\t0\t.\t20\t0\n7\t6\t0\t.\t999\t1\n'
	printf '7\t8\t0\t.\t40\t0\n'
} > "$tmp/obs.tsv"
# three replicates: A 2 2 2 2 2 | 0 1 2 3 4 | 11 12 13 14 15,
# B 10 20 30 40 | 100 100 100 100 | 0 0 0 0
{
	printf 'ID\tTIME\tEVID\tDV\tMDV\tREP\n'
	id=0
	for r in "1 2 2 2 2 2 10 20 30 40" "2 0 1 2 3 4 100 100 100 100" \
	    "3 11 12 13 14 15 0 0 0 0"; do
		set -- $r
		rep=$1
		shift
		for k in 1 2 3 4 5; do
			id=$((id + 1))
			printf '%s\t1\t0\t%s\t0\t%s\n' $id $1 $rep
			shift
		done
		id=$((id + 1))
		printf '%s\t4\t0\t%s\t0\t%s\n%s\t8\t0\t%s\t0\t%s\n' \
		    $id $1 $rep $id $3 $rep
		id=$((id + 1))
		printf '%s\t4\t0\t%s\t0\t%s\n%s\t8\t0\t%s\t0\t%s\n' \
		    $id $2 $rep $id $4 $rep
	done
} > "$tmp/sim.tsv"
twin-report vpc --sim "$tmp/sim.tsv" --bins 0,2,10 "$tmp/obs.tsv" > "$tmp/v"
ok $? "vpc of the small case runs"
r=0
# BIN STAT OBS SIM SIM_LO SIM_HI
while read -r b s o m l h; do
	for x in "OBS $o" "SIM $m" "SIM_LO $l" "SIM_HI $h"; do
		set -- $x
		g=$(cell $1 $b $s < "$tmp/v")
		close_to "$g" $2 1e-12 || { r=1; echo "# bin $b $s $1: $g, want $2"; }
	done
done <<'END'
1 P5 1.2 2 0.29 10.74
1 P50 3 2 2 12.45
1 P95 4.8 3.8 2.09 14.25
2 P5 11.5 11.5 0.575 95.575
2 P50 25 25 1.25 96.25
2 P95 38.5 38.5 1.925 96.925
END
ok $r "small case: observed percentiles, simulated medians and 95% intervals = hand computation"
[ "$(cell TIME 2 P50 < "$tmp/v")" = 6 ] && [ "$(cell NOBS 2 P50 < "$tmp/v")" = 4 ] &&
    [ "$(cell NREP 1 P5 < "$tmp/v")" = 3 ] && [ "$(cell OUTSIDE 1 P5 < "$tmp/v")" = 0 ]
ok $? "small case: bin time (mean 6), counts, OUTSIDE 0"
[ "$(head -1 "$tmp/v")" = "$(printf 'BIN\tFROM\tTO\tTIME\tNOBS\tNREP\tSTAT\tOBS\tSIM\tSIM_LO\tSIM_HI\tOUTSIDE')" ] &&
    [ "$(sed 1d "$tmp/v" | wc -l)" -eq 6 ]
ok $? "the table's columns; 2 bins x 3 percentiles, no BLQ rows without an LLOQ"
twin-report vpc --sim "$tmp/sim.tsv" --bins 0,2,10 --ci 0.5 "$tmp/obs.tsv" |
    cell SIM_LO 1 P5 > "$tmp/lo"
# 50 %: p = 0.25 of 0.2 2 11.2: h = 0.5, 1.1
close_to "$(cat "$tmp/lo")" 1.1 1e-12
ok $? "--ci 0.5: the interval from the quartiles of the replicates"
twin-report vpc --sim - --bins 0,2,10 --quantiles 10,90 "$tmp/obs.tsv" \
    < "$tmp/sim.tsv" | cut -f7 | sed 1d | sort -u | tr '\n' ' ' |
    grep -qx 'P10 P90 '
ok $? "--quantiles 10,90; --sim - reads the replicates from stdin"
# with an LLOQ of 2.5: observed 1 and 2 BLQ, P5 censored, fraction 0.4;
# replicates 5/5, 3/5, 0/5 below: median 0.6, 0.03 to 0.98
twin-report vpc --sim "$tmp/sim.tsv" --bins 0,2,10 --lloq 2.5 "$tmp/obs.tsv" > "$tmp/v"
r=0
[ "$(cell OBS 1 P5 < "$tmp/v")" = . ] && [ "$(cell OUTSIDE 1 P5 < "$tmp/v")" = . ] || r=1
[ "$(cell OBS 1 P50 < "$tmp/v")" = 3 ] || r=1
for x in "OBS 0.4" "SIM 0.6" "SIM_LO 0.03" "SIM_HI 0.98"; do
	set -- $x
	close_to "$(cell $1 1 BLQ < "$tmp/v")" $2 1e-12 || r=1
done
ok $r "--lloq 2.5: P5 censored (.), P50 as before, fraction BLQ 0.4 against 0.6 (0.03-0.98)"

# --- prediction correction, by its definition ----------------------------
# Without random effects IPRED = PRED, so y PRED_bin / PRED is the bin's
# median PRED for every sample (doses differ between the Theoph
# subjects): every percentile, observed and simulated, equals it.
twin-sim -m theoph "$top/testdata/theoph.tsv" > "$tmp/tobs.tsv"
twin-sim -m theoph -n 3 "$top/testdata/theoph.tsv" > "$tmp/tsim.tsv"
twin-report vpc -y IPRED --pc --nbins 11 --sim "$tmp/tsim.tsv" \
    "$tmp/tobs.tsv" > "$tmp/v"
awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    function off(x, p) { d = x - p; if (d < 0) d = -d; return d > 1e-12 * (p > 1 ? p : 1) }
    off($c["OBS"], $c["PRED"]) || off($c["SIM"], $c["PRED"]) ||
    off($c["SIM_LO"], $c["PRED"]) || off($c["SIM_HI"], $c["PRED"]) { bad++ }
    END { exit !(NR == 34 && bad == 0) }' "$tmp/v"
ok $? "--pc: with IPRED = PRED every percentile is the bin's median PRED (11 bins)"
# the log-scale form y + PRED_bin - PRED likewise
twin-report vpc -y IPRED --pc-log --nbins 11 --sim "$tmp/tsim.tsv" \
    "$tmp/tobs.tsv" | awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { d = $c["OBS"] - $c["PRED"]; if (d < 0) d = -d; if (d > 1e-12 * ($c["PRED"] > 1 ? $c["PRED"] : 1)) bad++ }
    END { exit !(NR == 34 && bad == 0) }'
ok $? "--pc-log: likewise"
twin-report vpc --pc --sim "$tmp/tsim.tsv" "$top/testdata/theoph.tsv" \
    2> "$tmp/err" > /dev/null
[ $? -ne 0 ] && grep -q 'no PRED' "$tmp/err"
ok $? "--pc without PRED in the observed data: an error"

# --- BLQ in the Theoph data -----------------------------------------------
# The last bin (about 24 h): 0.86 0.9 0.92 1.05 1.12 1.15 1.15 1.17 1.25
# 1.57 2.42 3.28.  LLOQ 1: 3 of 12 BLQ (awk counts them too); P5 (h =
# 0.55) censored; P50 (h = 5.5, above the 3 BLQ) (1.15 + 1.15) / 2 = 1.15.
twin-report vpc --lloq 1 --nbins 11 --sim "$tmp/tsim.tsv" \
    "$top/testdata/theoph.tsv" > "$tmp/v"
want=$(awk -F'\t' '$3 == 0 && $2 > 17 && $7 != "." { n++; if ($7 < 1) b++ }
    END { print b / n }' "$top/testdata/theoph.tsv")
[ "$want" = 0.25 ] && close_to "$(cell OBS 11 BLQ < "$tmp/v")" 0.25 1e-12 &&
    [ "$(cell OBS 11 P5 < "$tmp/v")" = . ] &&
    close_to "$(cell OBS 11 P50 < "$tmp/v")" 1.15 1e-12
ok $? "--lloq 1: Theoph at 24 h: fraction BLQ 0.25, P5 censored, P50 1.15"
# --- the Theoph model against itself -------------------------------------
# "Observed": the 12 subjects' design 10 times (120 IDs) simulated from
# the model; replicates: 100 of that design with another seed.  The
# observed percentiles are draws from the model, so about 95 % of them lie
# in the 95 % intervals: at least 90 % of the 33 must.
twin-sim -m theoph --iiv --ruv -n 10 --seed 101 "$top/testdata/theoph.tsv" > "$tmp/sobs.tsv"
twin-sim -m theoph --iiv --ruv -n 100 --seed 202 "$tmp/sobs.tsv" > "$tmp/ssim.tsv"
twin-report vpc --nbins 11 --sim "$tmp/ssim.tsv" "$tmp/sobs.tsv" > "$tmp/v"
awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { n++; inside += $c["OUTSIDE"] == 0 } END { print inside, n
    exit !(n == 33 && inside >= 0.9 * n) }' "$tmp/v" > "$tmp/count"
ok $? "the Theoph model against itself: $(cat "$tmp/count") percentiles inside the 95% intervals (>= 90%)"

# --- the picture -----------------------------------------------------------
twin-report vpc -m theoph --nbins 11 --sim "$tmp/ssim.tsv" \
    --svg "$tmp/v.svg" "$tmp/sobs.tsv" > /dev/null &&
    head -c 5 "$tmp/v.svg" | grep -q '<svg\|<?xml' &&
    grep -q 'DV (mg/L)' "$tmp/v.svg" && grep -q 'Time (h)' "$tmp/v.svg" &&
    grep -q 'simulated 95% CI of P50' "$tmp/v.svg"
ok $? "--svg: a picture with the model's units and the legend"
if command -v xmllint > /dev/null; then
	xmllint --noout "$tmp/v.svg"
	ok $? "the SVG is well-formed XML"
fi

# --- strata (--by) ------------------------------------------------------------
# Each stratum's check is the check of that stratum's records alone
# (PsN's -stratify_on): the stratified rows, less the --by column, equal
# byte for byte the rows of unstratified runs on the data filtered by awk.
# pheno by APGR < 5 (a column AP5 added), 20 replicates of its design.
# only_by FILE COL VALUE: the header and the records whose COL is VALUE
only_by() {
	awk -F'\t' -v C="$2" -v V="$3" 'NR == 1 { for (i = 1; i <= NF; i++)
	    if ($i == C) c = i; print; next } $c == V' "$1"
}
awk -F'\t' 'BEGIN { OFS = "\t" } NR == 1 { print $0, "AP5"; next }
    { print $0, ($13 < 5) }' "$top/testdata/pheno.tsv" > "$tmp/p.tsv"
twin-sim -m pheno --iiv --ruv -n 20 --seed 7 "$tmp/p.tsv" > "$tmp/ps.tsv"
twin-report vpc --by AP5 --sim "$tmp/ps.tsv" --svg "$tmp/p.svg" \
    "$tmp/p.tsv" > "$tmp/v"
ok $? "vpc --by AP5 of pheno runs"
for k in 0 1; do
	only_by "$tmp/p.tsv" AP5 $k > "$tmp/p$k.tsv"
	only_by "$tmp/ps.tsv" AP5 $k > "$tmp/ps$k.tsv"
	twin-report vpc --sim "$tmp/ps$k.tsv" "$tmp/p$k.tsv" | sed 1d |
	    sed "s/^/$k	/"
done > "$tmp/want"
[ "$(head -1 "$tmp/v")" = "$(printf 'AP5\tBIN\tFROM\tTO\tTIME\tNOBS\tNREP\tSTAT\tOBS\tSIM\tSIM_LO\tSIM_HI\tOUTSIDE')" ] &&
    sed 1d "$tmp/v" | cmp -s - "$tmp/want" &&
    [ "$(grep -c '^0	' "$tmp/want")" -gt 0 ] && [ "$(grep -c '^1	' "$tmp/want")" -gt 0 ]
ok $? "pheno --by AP5: AP5 first, each stratum = the check of its records alone (automatic bins), byte for byte"
# Theoph by a column GRP (ID odd or even), prediction-corrected, the
# bins given: observed and replicates simulated from the model
awk -F'\t' 'BEGIN { OFS = "\t" } NR == 1 { print $0, "GRP"; next }
    { print $0, ($1 % 2 ? "odd" : "even") }' "$top/testdata/theoph.tsv" > "$tmp/th.tsv"
twin-sim -m theoph --iiv --ruv --seed 3 "$tmp/th.tsv" > "$tmp/tho.tsv"
twin-sim -m theoph --iiv --ruv -n 20 --seed 4 "$tmp/th.tsv" > "$tmp/ths.tsv"
for k in even odd; do
	only_by "$tmp/tho.tsv" GRP $k > "$tmp/tho$k.tsv"
	only_by "$tmp/ths.tsv" GRP $k > "$tmp/ths$k.tsv"
	twin-report vpc --pc --bins 0,1,3,6,12,25 --sim "$tmp/ths$k.tsv" \
	    "$tmp/tho$k.tsv" | sed 1d | sed "s/^/$k	/"
done > "$tmp/want"
twin-report vpc --by GRP --pc --bins 0,1,3,6,12,25 --sim "$tmp/ths.tsv" \
    "$tmp/tho.tsv" | sed 1d | cmp -s - "$tmp/want" &&
    [ "$(wc -l < "$tmp/want")" -eq 30 ]
ok $? "Theoph --by GRP --pc --bins: each stratum = its records' check alone, byte for byte (2 x 5 bins x 3)"
# strata in key order: APGR 1 to 10 as numbers (10 last, not after 1)
twin-report vpc --by APGR,AP5 --sim "$tmp/ps.tsv" "$tmp/p.tsv" |
    sed 1d | cut -f1,2 | uniq | tr '\t\n' ', ' > "$tmp/keys"
[ "$(cat "$tmp/keys")" = "1,1 2,1 3,1 4,1 5,0 6,0 7,0 8,0 9,0 10,0 " ]
ok $? "--by APGR,AP5: the strata in key order ($(cat "$tmp/keys"))"
# the picture: a panel per stratum, titled COL=value, the same axes
[ "$(grep -c '<clipPath' "$tmp/p.svg")" -eq 2 ] &&
    grep -q '>AP5=0</text>' "$tmp/p.svg" && grep -q '>AP5=1</text>' "$tmp/p.svg" &&
    grep -q 'simulated 95% CI of P50' "$tmp/p.svg"
ok $? "--by --svg: two panels titled AP5=0 and AP5=1, one legend"
if command -v xmllint > /dev/null; then
	xmllint --noout "$tmp/p.svg"
	ok $? "the panels' SVG is well-formed XML"
fi
twin-report vpc --by NOSUCH --sim "$tmp/ps.tsv" "$tmp/p.tsv" 2> "$tmp/err"
[ $? -ne 0 ] && grep -q 'p.tsv:1: no column "NOSUCH" to stratify by' "$tmp/err"
ok $? "--by a column the observed data lack: an error naming the file and column"
cut -f1-13,15- "$tmp/ps.tsv" > "$tmp/bad.tsv"	# AP5 is column 14
twin-report vpc --by AP5 --sim "$tmp/bad.tsv" "$tmp/p.tsv" 2> "$tmp/err"
[ $? -ne 0 ] && grep -q 'bad.tsv:1: no column "AP5" to stratify by' "$tmp/err"
ok $? "--by a column the replicates lack: an error naming their file"
awk -F'\t' 'BEGIN { OFS = "\t" } NR == 3 { $14 = 7 } { print }' \
    "$tmp/ps.tsv" > "$tmp/bad.tsv"
twin-report vpc --by AP5 --sim "$tmp/bad.tsv" "$tmp/p.tsv" 2> "$tmp/err"
[ $? -ne 0 ] && grep -q 'AP5=7: no observed samples' "$tmp/err"
ok $? "a stratum only simulated: an error naming it"

# --- bad input ---------------------------------------------------------------
twin-report vpc "$tmp/obs.tsv" 2> "$tmp/err"
[ $? -ne 0 ] && grep -q -- '--sim FILE' "$tmp/err"
ok $? "no --sim: an error naming it"
twin-report vpc --sim "$tmp/sim.tsv" --bins 0,5,2 "$tmp/obs.tsv" 2> "$tmp/err"
[ $? -ne 0 ] && grep -q 'increasing' "$tmp/err"
ok $? "--bins not increasing: an error"
twin-report vpc --sim "$tmp/sim.tsv" --bins 0,2,3,10 "$tmp/obs.tsv" 2> "$tmp/err"
[ $? -ne 0 ] && grep -q 'no observations in the bin from 2 to 3' "$tmp/err"
ok $? "a bin without observations: an error naming it"
sed 's/\t1$/\t0.5/' "$tmp/sim.tsv" > "$tmp/bad.tsv"
twin-report vpc --sim "$tmp/bad.tsv" "$tmp/obs.tsv" 2> "$tmp/err"
[ $? -ne 0 ] && grep -q 'bad.tsv:2: REP must be a whole number' "$tmp/err"
ok $? "REP 0.5: an error with the file and line"
twin-report vpc --sim - < "$tmp/sim.tsv" 2> "$tmp/err"
[ $? -eq 1 ] && grep -q 'name the file of the observed data' "$tmp/err"
ok $? "--sim - with the observed data on the standard input too: a usage error"

done_testing
